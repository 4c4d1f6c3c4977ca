import { cdktf, github, javascript } from 'projen';

// Each jest project needs the transform; projen writes it only at the top level.
const TS_JEST = { '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] } as any;

/**
 * What a GitHub-hosted runner needs before .ci/run: the Terraform version the tests pin (without
 * setup-terraform's wrapper, which rewrites stdout), Go for the provider mirror and actionlint,
 * and the Python the wheel is tested with. Docker comes with the runner.
 */
const CI_TOOLCHAIN_STEPS = [
  { name: 'Terraform 1.11.4', uses: 'hashicorp/setup-terraform@v3', with: { terraform_version: '1.11.4', terraform_wrapper: false } },
  { name: 'Go', uses: 'actions/setup-go@v5', with: { 'go-version': '1.26.x', 'cache': false } },
  { name: 'Python 3.11', uses: 'actions/setup-python@v5', with: { 'python-version': '3.11' } },
];
/** One stage of .ci/run, as root (apt, dockerd, mmdebstrap and network namespaces need it), with the runner's PATH and HOME. */
const CI_STAGE = (stage: string) => `sudo --preserve-env env "PATH=$PATH" "HOME=$HOME" bash .ci/run ${stage}`;

const project = new cdktf.ConstructLibraryCdktf({
  name: 'cdktf-wsgi',
  description: 'CDK for Terraform constructs that turn a Python WSGI app into a generated Dockerfile, a staged build context, a docker_image and a hardened docker_container',
  author: 'cdktf-wsgi developers',
  authorAddress: 'cdktf-wsgi@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdktf-wsgi/cdktf-wsgi.git',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.9.0',
  cdktfVersion: '^0.21.0',
  // projen's default (^10.3.0) is below the range cdktf 0.21 and provider-docker 12 accept.
  constructsVersion: '^10.4.2',
  peerDeps: ['@cdktf/provider-docker@^12.0.3'],
  jsiiVersion: '~5.9.0',
  keywords: ['cdktf', 'docker', 'wsgi', 'gunicorn', 'flask', 'django', 'python'],
  // WSGI teams write Python: the same constructs as a wheel (`npx projen package:python`).
  publishToPypi: { distName: 'cdktf-wsgi', module: 'cdktf_wsgi' },
  // Docker's own .dockerignore semantics (moby's pattern matcher), bundled as jsii requires.
  // shell-quote: the Procfile's web: line, split as a shell would (no expansion).
  bundledDeps: ['@balena/dockerignore', 'smol-toml@^1.9.1', 'shell-quote@^1.8.1'],
  devDeps: [
    'cdktf-cli@0.21.0',
    'dockerode@^4',
    '@types/dockerode@^3',
    'tar-fs@^3',
    '@types/tar-fs@^2',
    'dockerfile-ast@^0.7',
    'fast-check@^4',
    'autocannon@^8',
    '@types/shell-quote@^1',
    // Reading the generated workflows in their test.
    'yaml@^2',
  ],
  jestOptions: {
    // `test` must never rewrite snapshots: a changed snapshot fails; `test:update` rewrites them.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    // A run that finds no test is a failure, not a pass.
    passWithNoTests: false,
    jestConfig: {
      testTimeout: 30_000,
      // Two workers for the unit project; the engine project's runner is serial (see below).
      maxWorkers: 2,
      projects: [
        {
          displayName: 'unit',
          testMatch: ['<rootDir>/test/**/*.test.ts'],
          testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/engine/'],
          setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
          transform: TS_JEST,
        },
        {
          displayName: 'engine',
          testMatch: ['<rootDir>/test/engine/**/*.engine.test.ts'],
          setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
          transform: TS_JEST,
          // The engine suites build images and start containers on one daemon: one file at a time.
          runner: '<rootDir>/test/engine/serial-runner.js',
          // Removes what the suites created, by their label: leftovers of a cut-off run before the
          // first suite, and the run's own after the last one.
          globalSetup: '<rootDir>/test/engine/setup-global.ts',
          globalTeardown: '<rootDir>/test/engine/teardown.ts',
        },
      ],
    },
  },
  // examples/cdktn imports the cdktn flavour's packages, which only its own scratch projects install (test/cdktn).
  tsconfigDev: { include: ['../examples/**/*.ts', '../src/**/*.ts', '../bench/**/*.ts', '../build-tools/**/*.ts'], exclude: ['node_modules', '../examples/cdktn'] },
  // `test` runs eslint without --fix, so a lint problem fails instead of being rewritten; `lint:fix` fixes.
  eslintOptions: { dirs: ['src', 'test', 'examples', 'bench'], devdirs: ['test', 'build-tools', 'bench'], commandOptions: { fix: false } },
  sampleCode: false,
  githubOptions: { mergify: false },
  // The pull-request/main build is ours (below): it runs .ci/run's stages, engine tests included.
  buildWorkflow: false,
  // projen's release flow: versions and the changelog from conventional commits, the npm tarball
  // and the wheel under dist/, published by publib from .github/workflows/release.yml (its secrets
  // are named in CONTRIBUTING.md). 0.x until the API is stable: a breaking change bumps the minor.
  release: true,
  majorVersion: 0,
  // The first release (no v* tag yet) is 0.1.0 rather than projen's 0.0.0; after it, the bump
  // comes from the conventional commits since the last tag.
  nextVersionCommand: 'git tag --list "v*" | grep -q . || echo minor',
  releaseToNpm: true,
  workflowNodeVersion: '20.x',
  // The release build runs the tests, engine suites included, so it needs what .ci/run sets up.
  releaseWorkflowSetupSteps: [
    ...CI_TOOLCHAIN_STEPS,
    { name: 'Docker, the provider mirror, the offline base image and the swarm (.ci/run setup)', run: CI_STAGE('setup') },
  ],
  depsUpgrade: false,
  pullRequestTemplate: false,
});

// Under CI=true a skipped test fails the run, wherever jest is started from (the release build too).
project.jest!.addReporter(new javascript.JestReporter('<rootDir>/test/skip-guard-reporter.js'));

// Reserved-word warnings back on: a prop named like a keyword breaks the Python binding.
project.compileTask.reset('jsii');
// ts-jest only transpiles under projen's isolatedModules; type-check the tests separately.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check src, test and examples',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});
project.testTask.prependSpawn(typecheck);

// The Python API reference beside API.md, generated the same way and committed.
project.tasks.tryFind('docgen')!.exec('jsii-docgen -l python -o API.python.md');
// Which package for which core (cdktf or CDK Terrain), under each reference's title.
project.tasks.tryFind('docgen')!.exec('node build-tools/api-reference-header.js API.md cdktf-wsgi typescript');
project.tasks.tryFind('docgen')!.exec('node build-tools/api-reference-header.js API.python.md cdktf-wsgi python');

// The package as users get it: the npm tarball in a scratch TypeScript project (real tsc, synth),
// and the wheel in a venv with the Python example, the pytest suite and, where it can, a deploy.
project.addTask('test:consumer', {
  description: 'Pack the npm tarball, check its file list, install it into a scratch TypeScript project, type-check and synth',
  exec: 'bash test/consumer/run.sh',
});
project.addTask('test:deploy', {
  description: "The README's deploy commands, verbatim, on the leaves example (real toolchain)",
  exec: 'bash test/deploy/readme.sh',
});
project.addTask('test:python', {
  description: 'Build the wheel, install it into a venv, synth and deploy examples/python, run the pytest suite',
  exec: 'bash test/python/run.sh',
});

// CDK Terrain: cdktn-wsgi, built from the same src/ (build-tools/flavour-cdktn.ts), into build/cdktn-wsgi.
project.addTask('package:cdktn', {
  description: 'Build cdktn-wsgi, the CDK Terrain flavour, from src/: build/cdktn-wsgi/dist/js (npm tarball) and dist/python (wheel)',
  exec: 'ts-node --transpile-only build-tools/flavour-cdktn.ts',
});
project.addTask('test:cdktn', {
  description: 'Build cdktn-wsgi; synth, deploy, call, diff and destroy the TypeScript and Python cdktn examples with Terraform and OpenTofu; pytest',
  exec: 'bash test/cdktn/run.sh',
});

project.addTask('lint:fix', {
  description: 'Fix what eslint can fix',
  env: { ESLINT_USE_FLAT_CONFIG: 'false' },
  exec: 'eslint --ext .ts,.tsx --fix --no-error-on-unmatched-pattern src test examples bench build-tools projenrc .projenrc.ts',
});

project.addTask('synth:example', {
  description: 'Synthesize the example stack with the cdktf CLI (what `npx cdktf synth` does)',
  exec: 'cdktf synth',
  env: { CHECKPOINT_DISABLE: '1' },
});

// Benchmarks: `npm run bench` writes docs/benchmarks.md; `npm run bench -- --quick` only keeps the scripts working.
project.addTask('bench', {
  description: 'Run the benchmarks and write docs/benchmarks.md (--quick: tiny fixtures, nothing written to docs)',
  exec: 'ts-node --transpile-only bench/run.ts',
  receiveArgs: true,
});

// The build for pull requests and main: .ci/run's stages, one step each, on a runner with Docker.
// The logic stays in .ci/run; this only calls it (the workflows' test runs actionlint on both).
const build = project.github!.addWorkflow('build');
build.on({ pullRequest: {}, push: { branches: ['main'] }, workflowDispatch: {} });
build.addJobs({
  ci: {
    name: 'CI (.ci/run)',
    runsOn: ['ubuntu-latest'],
    permissions: { contents: github.workflows.JobPermission.READ },
    timeoutMinutes: 150,
    steps: [
      { name: 'Checkout', uses: 'actions/checkout@v4' },
      { name: 'Node.js', uses: 'actions/setup-node@v4', with: { 'node-version': '20.x' } },
      ...CI_TOOLCHAIN_STEPS,
      ...['setup', 'install', 'build', 'package', 'test', 'deploy', 'consumer', 'python', 'cdktn', 'bench', 'smoke', 'summary'].map(stage => ({ name: `.ci/run ${stage}`, run: CI_STAGE(stage) })),
      {
        name: 'Test reports',
        if: 'always()',
        uses: 'actions/upload-artifact@v4',
        with: { 'name': 'test-reports', 'path': 'test-reports/', 'if-no-files-found': 'ignore' },
      },
    ],
  },
});

project.addPackageIgnore('/examples/');
project.addPackageIgnore('/build/');
project.addPackageIgnore('/build-tools/');
// For the clone's cdktn build and CI; cdktn-wsgi's package carries opentofu.sh (build-tools/flavour-cdktn.ts).
project.addPackageIgnore('/scripts/cdktn-provider-docker.sh');
project.addPackageIgnore('/scripts/opentofu.sh');
project.addPackageIgnore('/scripts/docker-engine.sh');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('/docs/');
project.addPackageIgnore('/cdktf.json');
project.addPackageIgnore('/.ci/');
// For contributors to the repository, not for the package's users.
project.addPackageIgnore('/CONTRIBUTING.md');
// What `cdktf synth`, deploys and the Python side leave in the working tree never ships.
project.addPackageIgnore('/cdktf.out/');
// The Python reference is for the wheel's users; the npm package carries API.md.
project.addPackageIgnore('/API.python.md');
project.addPackageIgnore('*.tfstate');
project.addPackageIgnore('*.tfstate.backup');
project.addPackageIgnore('__pycache__/');
// State files of the examples' deploys (`cdktf deploy leaves` keeps them at the repository root).
// The cdktn flavour's generated package (build-tools/flavour-cdktn.ts).
project.gitignore.exclude('/build/');
project.eslint!.addIgnorePattern('examples/cdktn/');
project.gitignore.exclude('cdktf.out/', '.gen/', 'test/**/cdktf.out/', '*.tsbuildinfo', '*.tfstate', '*.tfstate.backup', '__pycache__/', '.terraform/', '.terraform.lock.hcl');
project.synth();
