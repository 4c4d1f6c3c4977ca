/**
 * Builds cdktn-wsgi, the CDK Terrain flavour of this library, from the same src/: writes
 * build/cdktn-wsgi/ (never committed) with the sources' core and bindings imports swapped
 * (`cdktf` -> `cdktn`, `@cdktf/provider-docker` -> `@cdktn/provider-docker`) and the values of
 * src/private/core/flavour.ts rewritten, a package.json made from this package's, and the README's
 * "Using with CDK Terrain" section as its README; then compiles it with jsii, writes its API.md and
 * API.python.md with jsii-docgen, and packages it with jsii-pacmak: build/cdktn-wsgi/dist/js/cdktn-wsgi@<version>.jsii.tgz and
 * build/cdktn-wsgi/dist/python/cdktn_wsgi-<version>-py3-none-any.whl.
 *
 * Usage: npx projen package:cdktn   (`--no-package`: compile only)
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'build', 'cdktn-wsgi');
/** This package's package.json, which the flavour's is made from. */
const OWN = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** CDK Terrain's releases this flavour is built and tested against, and the ranges it accepts. */
const CORE = { name: 'cdktn', version: '0.24.0', range: '^0.24.0' };
const CONSTRUCTS = { version: '10.6.0', range: '^10.6.0' };
const BINDINGS = { name: '@cdktn/provider-docker', version: '16.1.0', range: '^16.1.0', providerVersion: '4.6.0' };

/** The clone's scripts the package carries: the offline provider mirror (for Terraform and OpenTofu), and OpenTofu's build. */
const PACKAGED_SCRIPTS = ['scripts/terraform-offline.sh', 'scripts/opentofu.sh'];

/** Import specifiers, swapped: the core, its subpaths, and the provider bindings with theirs. */
const SWAPS: Array<[RegExp, string]> = [
  [/(from |import\()'cdktf'/g, "$1'cdktn'"],
  [/(from |import\()'cdktf\//g, "$1'cdktn/"],
  [/(from |import\()'@cdktf\/provider-docker(['/])/g, "$1'@cdktn/provider-docker$2"],
];

/** src/private/core/flavour.ts's values for this flavour; each must be found there exactly once. */
const FLAVOUR_VALUES: Array<[string, string]> = [
  ["packageName: 'cdktf-wsgi'", "packageName: 'cdktn-wsgi'"],
  ["bindingsPackage: '@cdktf/provider-docker'", `bindingsPackage: '${BINDINGS.name}'`],
  ["bindingsProviderVersion: '3.6.2'", `bindingsProviderVersion: '${BINDINGS.providerVersion}'`],
];

function run(cmd: string, args: string[], cwd: string): void {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' } });
}

/** Copies src/ into the flavour, swapping imports; fails on a specifier of the cdktf line left over. */
function writeSources(): number {
  let swapped = 0;
  const copy = (from: string, to: string) => {
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const source = path.join(from, entry.name);
      const target = path.join(to, entry.name);
      if (entry.isDirectory()) {
        copy(source, target);
        continue;
      }
      let text = fs.readFileSync(source, 'utf8');
      if (entry.name.endsWith('.ts')) {
        for (const [pattern, replacement] of SWAPS) {
          text = text.replace(pattern, (...m) => {
            swapped++;
            return replacement.replace(/\$(\d)/g, (_, i) => m[Number(i)]);
          });
        }
        const left = /(from |import\()'(cdktf|@cdktf\/)[^']*'/.exec(text);
        if (left) throw new Error(`${path.relative(ROOT, source)}: the import ${left[0]} has no cdktn counterpart in build-tools/flavour-cdktn.ts`);
      }
      if (path.relative(ROOT, source) === path.join('src', 'private', 'core', 'flavour.ts')) {
        for (const [from_, to_] of FLAVOUR_VALUES) {
          if (text.split(from_).length !== 2) throw new Error(`src/private/core/flavour.ts: expected ${from_} once`);
          text = text.replace(from_, to_);
        }
      }
      fs.writeFileSync(target, text);
    }
  };
  copy(path.join(ROOT, 'src'), path.join(OUT, 'src'));
  return swapped;
}

/** The installed version of one of this package's bundled dependencies (their exports may hide package.json). */
function installedVersion(name: string): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

function writePackage(bindingsTarball: string): string {
  const bundled: string[] = OWN.bundledDependencies;
  const pkg = {
    name: 'cdktn-wsgi',
    description: `CDK Terrain constructs that turn a Python WSGI app into a generated Dockerfile, a staged build context, a docker_image and a hardened docker_container (the cdktn flavour of ${OWN.name})`,
    repository: OWN.repository,
    author: OWN.author,
    license: OWN.license,
    keywords: OWN.keywords.map((k: string) => (k === 'cdktf' ? 'cdktn' : k)).concat(['cdk-terrain', 'opentofu']).sort(),
    version: OWN.version,
    main: 'lib/index.js',
    types: 'lib/index.d.ts',
    engines: OWN.engines,
    peerDependencies: { [CORE.name]: CORE.range, [BINDINGS.name]: BINDINGS.range, constructs: CONSTRUCTS.range },
    dependencies: Object.fromEntries(bundled.map(name => [name, installedVersion(name)])),
    bundledDependencies: bundled,
    devDependencies: { [CORE.name]: CORE.version, [BINDINGS.name]: `file:${bindingsTarball}`, constructs: CONSTRUCTS.version, ['@types/node']: OWN.devDependencies['@types/node'] },
    files: ['lib/**/*.js', 'lib/**/*.d.ts', '.jsii', 'README.md', 'API.md', 'LICENSE', ...PACKAGED_SCRIPTS],
    jsii: {
      outdir: 'dist',
      targets: { python: { distName: 'cdktn-wsgi', module: 'cdktn_wsgi' } },
      tsc: { outDir: 'lib', rootDir: 'src' },
    },
  };
  const text = JSON.stringify(pkg, undefined, 2) + '\n';
  fs.writeFileSync(path.join(OUT, 'package.json'), text);
  return text;
}

function writeReadme(): void {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = /^## Using with CDK Terrain\n[\s\S]*?(?=^## )/m.exec(readme);
  if (!section) throw new Error('README.md has no "## Using with CDK Terrain" section to make cdktn-wsgi\'s README from');
  fs.writeFileSync(path.join(OUT, 'README.md'), [
    '# cdktn-wsgi',
    '',
    `The CDK Terrain flavour of [cdktf-wsgi](${readmeLink()}): the same constructs, built from the same source, for apps whose core is \`cdktn\`.`,
    'The API reference is [API.md](./API.md) (for Python, `npx projen package:cdktn` writes API.python.md beside it). The full guide is cdktf-wsgi\'s README; read `cdktn` where it says `cdktf`, and `cdktn_wsgi` where it says `cdktf_wsgi`.',
    '',
    section[0].trimEnd(),
    '',
  ].join('\n'));
  fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(OUT, 'LICENSE'));
  fs.mkdirSync(path.join(OUT, 'scripts'), { recursive: true });
  for (const script of PACKAGED_SCRIPTS) fs.copyFileSync(path.join(ROOT, script), path.join(OUT, script));
}

function readmeLink(): string {
  return String(OWN.repository.url).replace(/^git\+/, '').replace(/\.git$/, '');
}

function main(): void {
  const packageToo = !process.argv.includes('--no-package');
  const bindingsTarball = execFileSync('bash', [path.join(ROOT, 'scripts', 'cdktn-provider-docker.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  for (const dir of ['src', 'lib', 'dist']) fs.rmSync(path.join(OUT, dir), { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const swapped = writeSources();
  const pkgText = writePackage(bindingsTarball);
  writeReadme();
  console.log(`cdktn flavour: ${swapped} imports swapped into ${path.relative(ROOT, OUT)}/src`);

  // Dependencies are installed again only when the package.json they come from changed.
  const stamp = path.join(OUT, 'node_modules', '.cdktf-wsgi-installed');
  const digest = crypto.createHash('sha256').update(pkgText).update(fs.readFileSync(bindingsTarball)).digest('hex');
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== digest) {
    console.log(`cdktn flavour: npm install (${CORE.name}@${CORE.version}, ${BINDINGS.name}@${BINDINGS.version}, constructs@${CONSTRUCTS.version})`);
    run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], OUT);
    fs.writeFileSync(stamp, digest);
  }
  run(path.join(ROOT, 'node_modules', '.bin', 'jsii'), [], OUT);
  // Its own API reference, with the note on which package is for which core.
  for (const [language, file] of [['typescript', 'API.md'], ['python', 'API.python.md']]) {
    run(path.join(ROOT, 'node_modules', '.bin', 'jsii-docgen'), ['-l', language, '-o', file], OUT);
    run(process.execPath, [path.join(ROOT, 'build-tools', 'api-reference-header.js'), file, 'cdktn-wsgi', language], OUT);
  }
  if (!packageToo) return;
  fs.rmSync(path.join(OUT, 'dist'), { recursive: true, force: true });
  run(path.join(ROOT, 'node_modules', '.bin', 'jsii-pacmak'), ['--targets', 'js', 'python'], OUT);
  for (const dir of ['js', 'python']) {
    console.log(`cdktn flavour: ${path.relative(ROOT, path.join(OUT, 'dist', dir))}: ${fs.readdirSync(path.join(OUT, 'dist', dir)).join(', ')}`);
  }
}

main();
