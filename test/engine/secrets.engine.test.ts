import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { applyStack, ApplyResult, destroyStack, docker } from './deployer';
import { describeEngine, OFFLINE_BASE, prepareEngine, TEST_LABEL, TEST_LABELS } from './engine';
import { DOCKER_CLI, get } from './probes';
import { addDockerProvider } from './provider';
import { APPS, PROMPT_HTTP_CHECK } from './stacks';
import { BuildSecret, WsgiContainer, WsgiImage } from '../../src';

const PORT = 18086;
const RUNTIME_SECRET = `rt-s3cr3t-${crypto.randomBytes(8).toString('hex')}`;
const BUILD_SECRET = `bt-s3cr3t-${crypto.randomBytes(8).toString('hex')}`;
const CANARY = `canary-${crypto.randomBytes(8).toString('hex')}`;
const TRICKY_VALUE = 'a "b" $HOME ${PATH} \\ c \'d\' #e `f`';

/** Whether a stream carries text, across chunk boundaries. */
async function streamContains(stream: AsyncIterable<Buffer>, needle: Buffer): Promise<boolean> {
  let tail = Buffer.alloc(0);
  let found = false;
  for await (const chunk of stream) {
    const window = Buffer.concat([tail, chunk]);
    if (window.includes(needle)) found = true;
    tail = window.subarray(Math.max(0, window.length - needle.length));
  }
  return found;
}

/**
 * Whether a Docker image's saved tarball (every layer, the config, the history) contains text. The
 * tarball is unpacked and each file searched, a gzip-compressed one (a layer as Engine 29's
 * containerd image store saves it) once decompressed; a compression the search cannot read fails.
 */
async function imageContains(name: string, text: string): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-saved-'));
  try {
    const saved = spawnSync(DOCKER_CLI, ['save', '-o', path.join(dir, 'image.tar'), name], { encoding: 'utf-8' });
    if (saved.status !== 0) throw new Error(`docker save ${name}: ${saved.stderr}`);
    fs.mkdirSync(path.join(dir, 'x'));
    const unpacked = spawnSync('tar', ['-xf', path.join(dir, 'image.tar'), '-C', path.join(dir, 'x')], { encoding: 'utf-8' });
    if (unpacked.status !== 0) throw new Error(`tar: ${unpacked.stderr}`);
    const needle = Buffer.from(text);
    for (const file of fs.readdirSync(path.join(dir, 'x'), { recursive: true }).map(f => path.join(dir, 'x', String(f)))) {
      if (!fs.lstatSync(file).isFile()) continue;
      const magic = Buffer.alloc(4);
      const fd = fs.openSync(file, 'r');
      fs.readSync(fd, magic, 0, 4, 0);
      fs.closeSync(fd);
      if (magic.equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) throw new Error(`${file} is zstd-compressed, which this search cannot read`);
      const gzipped = magic[0] === 0x1f && magic[1] === 0x8b;
      const stream = gzipped ? fs.createReadStream(file).pipe(zlib.createGunzip()) : fs.createReadStream(file);
      if (await streamContains(stream, needle)) return true;
    }
    return false;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function filesContaining(dir: string, text: string): string[] {
  return (fs.readdirSync(dir, { recursive: true } as any) as string[]).map(String)
    .filter(f => fs.statSync(path.join(dir, f)).isFile() && fs.readFileSync(path.join(dir, f)).includes(text));
}

describeEngine('secrets on a real Docker engine', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
  let state: ApplyResult | undefined;
  let imageName: string;

  function synth(into = outdir): string {
    const app = new App({ outdir: into, stackTraces: false });
    const stack = new TerraformStack(app, 'secrets');
    addDockerProvider(stack);
    const secret = new TerraformVariable(stack, 'app_secret', { type: 'string', sensitive: true });
    const image = new WsgiImage(stack, 'Image', {
      labels: TEST_LABELS,
      source: path.join(APPS, 'probe'),
      entrypoint: 'manager:app',
      buildSecrets: { PIP_EXTRA_INDEX_URL: BuildSecret.fromEnvironment('CDKTF_WSGI_TEST_INDEX_URL') },
    });
    imageName = image.imageName;
    new WsgiContainer(stack, 'Web', {
      labels: TEST_LABELS,
      image,
      publish: [{ hostPort: PORT }],
      healthCheck: PROMPT_HTTP_CHECK,
      environment: { APP_SECRET_TOKEN: secret.stringValue },
    });
    app.synth();
    return path.join(into, 'stacks', 'secrets');
  }

  beforeAll(async () => {
    prepareEngine();
    process.env.TF_VAR_app_secret = RUNTIME_SECRET;
    process.env.CDKTF_WSGI_TEST_INDEX_URL = `https://ci:${BUILD_SECRET}@pypi.invalid/simple`;
    state = await applyStack(synth());
  }, 900_000);

  afterAll(async () => {
    if (state) await destroyStack(state);
    delete process.env.TF_VAR_app_secret;
    delete process.env.CDKTF_WSGI_TEST_INDEX_URL;
  }, 120_000);

  test('a runtime secret from a sensitive variable reaches the app', async () => {
    expect(await get(PORT, '/api/env/APP_SECRET_TOKEN')).toEqual({ status: 200, body: RUNTIME_SECRET });
  });

  test('neither secret is in any image layer, the image config or its history', async () => {
    expect(await imageContains(imageName, RUNTIME_SECRET)).toBe(false);
    expect(await imageContains(imageName, BUILD_SECRET)).toBe(false);
    const inspected = JSON.stringify(await docker.getImage(imageName).inspect());
    const history = JSON.stringify(await docker.getImage(imageName).history());
    for (const text of [inspected, history]) {
      expect(text).not.toContain(RUNTIME_SECRET);
      expect(text).not.toContain(BUILD_SECRET);
    }
    // The install step read the secret from its mount; history keeps the command, not the value.
    expect(history).toContain('$(cat /run/secrets/PIP_EXTRA_INDEX_URL)');
  });

  test('neither secret is in any generated file in cdktf.out', () => {
    expect(filesContaining(outdir, RUNTIME_SECRET)).toEqual([]);
    expect(filesContaining(outdir, BUILD_SECRET)).toEqual([]);
    expect(filesContaining(outdir, 'CDKTF_WSGI_TEST_INDEX_URL').length).toBeGreaterThan(0);
  });

  test('the build secret is really mounted: the build fails without it', async () => {
    const previous = process.env.CDKTF_WSGI_TEST_INDEX_URL;
    delete process.env.CDKTF_WSGI_TEST_INDEX_URL;
    try {
      const dir = synth(fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-missing-')));
      const tf = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf-8'));
      const [img] = Object.values<any>(tf.resource.docker_image);
      img.name = `${img.name}-nosecret`;
      img.build.no_cache = true;
      delete tf.resource.docker_container;
      delete tf.resource.terraform_data;
      fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(tf));
      const failed: any = await applyStack(dir).then(() => undefined, e => e);
      // The apply fails at the step that reads the secret (through BuildKit, the provider's error
      // names the step but carries none of its output)...
      expect(failed?.message).toMatch(/\$\(cat \/run\/secrets\/PIP_EXTRA_INDEX_URL\)[\s\S]*exit code: 1/);
      // ...and the same build with the docker CLI shows why: the secret is not there (Engine 20.10's
      // BuildKit mounts no file, Engine 29's an empty one).
      const context = path.join(dir, img.build.context);
      const cli = spawnSync(DOCKER_CLI, ['build', '--no-cache', '-f', path.join(context, 'Dockerfile'), context],
        { encoding: 'utf-8', env: { ...process.env, DOCKER_BUILDKIT: '1' } });
      expect(cli.status).not.toBe(0);
      expect(`${cli.stdout}${cli.stderr}`).toMatch(/build secret PIP_EXTRA_INDEX_URL is missing or empty/);
    } finally {
      process.env.CDKTF_WSGI_TEST_INDEX_URL = previous;
    }
  }, 300_000);

  test('control: a value a RUN wrote to a file, only inside a layer tarball (not the config or history), IS found by the same check', async () => {
    const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-layer-'));
    const layerCanary = `layer-canary-${crypto.randomBytes(8).toString('hex')}`;
    // Written by a RUN from its base64 form, so the plain value is in the layer's file and nowhere in the command.
    const encoded = Buffer.from(layerCanary).toString('base64');
    fs.writeFileSync(path.join(ctx, 'Dockerfile'),
      `FROM ${OFFLINE_BASE}\nRUN python3 -c "import base64; open('/opt/canary.txt', 'w').write(base64.b64decode('${encoded}').decode())"\n`);
    const tag = `cdktf-wsgi-test/secrets-layer:${crypto.randomBytes(4).toString('hex')}`;
    const built = spawnSync(DOCKER_CLI, ['build', '-q', '--label', `${TEST_LABEL}=engine`, '-t', tag, ctx], { encoding: 'utf-8', env: { ...process.env, DOCKER_BUILDKIT: '1' } });
    expect(built.status).toBe(0);
    try {
      const inspected = JSON.stringify(await docker.getImage(tag).inspect());
      const history = JSON.stringify(await docker.getImage(tag).history());
      // Only the layer holds it, so only a search of the layers can find it.
      expect(inspected).not.toContain(layerCanary);
      expect(history).not.toContain(layerCanary);
      expect(await imageContains(tag, layerCanary)).toBe(true);
    } finally {
      await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
      fs.rmSync(ctx, { recursive: true, force: true });
    }
  }, 120_000);

  test('control: a value baked with `environment` IS found by the same checks', async () => {
    const controlOut = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-control-'));
    const app = new App({ outdir: controlOut, stackTraces: false });
    const stack = new TerraformStack(app, 'control');
    addDockerProvider(stack);
    const image = new WsgiImage(stack, 'Image', {
      labels: TEST_LABELS,
      source: path.join(APPS, 'probe'),
      entrypoint: 'manager:app',
      environment: { CONTROL_VALUE: CANARY, QUOTED: TRICKY_VALUE },
    });
    new WsgiContainer(stack, 'Web', { labels: TEST_LABELS, image, healthCheck: PROMPT_HTTP_CHECK });
    app.synth();
    const control = await applyStack(path.join(controlOut, 'stacks', 'control'));
    try {
      expect(await imageContains(image.imageName, CANARY)).toBe(true);
      // The ENV quoting holds on a real builder, not only in dockerfile-ast: the value arrives byte for byte.
      expect((await docker.getImage(image.imageName).inspect()).Config.Env).toContain(`QUOTED=${TRICKY_VALUE}`);
      expect(filesContaining(controlOut, CANARY).length).toBeGreaterThan(0);
    } finally {
      await destroyStack(control);
    }
  }, 300_000);
});
