/**
 * One measurement in a fresh process, so peak memory belongs to that measurement alone.
 * usage: worker.ts <scenario> <mode> <json-args>; prints {"ms": ..., "maxRssMiB": ...}.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { container, image } from '@cdktf/provider-docker';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, AssetType, TerraformAsset, TerraformStack } from 'cdktf';
import { WsgiContainer, WsgiImage } from '../src';
import { renderRuntime } from '../src/private/docker/runtime';
import { ContentCache, fingerprint, readDockerignore, selectContextFiles, writeContext } from '../src/private/image/build-context';

const [scenario, mode, rawArgs] = process.argv.slice(2);
const args = JSON.parse(rawArgs);

function newStack(outdir: string): { app: App; stack: TerraformStack } {
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, 'bench');
  new DockerProvider(stack, 'docker', {});
  return { app, stack };
}

function staging(): void {
  const { root, outdir, files } = args as { root: string; outdir: string; files: string[] };
  if (mode === 'floor') {
    const hash = crypto.createHash('sha256');
    for (const f of files) hash.update(fs.readFileSync(path.join(root, f)));
    hash.digest('hex');
    return;
  }
  if (mode === 'ours-walk-hash') {
    // The same without the staged copy: what is left when nothing is written.
    const selected = selectContextFiles(root, readDockerignore(root));
    fingerprint({}, [], selected.map(f => ({ ...f, relativePath: `app/${f.relativePath}` })), '');
    return;
  }
  if (mode === 'ours-staging') {
    // The library's own file work, without cdktf: the pruned walk, the fingerprint and the staged copy.
    const selected = selectContextFiles(root, readDockerignore(root));
    const prefixed = selected.map(f => ({ ...f, relativePath: `app/${f.relativePath}` }));
    const cache = new ContentCache();
    const digest = fingerprint({}, [], prefixed, '', cache);
    writeContext(path.join(outdir, digest), [], prefixed, '', cache);
    return;
  }
  const { app, stack } = newStack(outdir);
  if (mode === 'ours') {
    new WsgiImage(stack, 'Image', { source: root, entrypoint: 'manager:app' });
  } else {
    new TerraformAsset(stack, 'Context', { path: root, type: AssetType.DIRECTORY });
  }
  app.synth();
}

function synthAtScale(): void {
  const { apps, outdir } = args as { apps: string[]; outdir: string };
  const { app, stack } = newStack(outdir);
  apps.forEach((dir, i) => {
    if (mode === 'ours') {
      const img = new WsgiImage(stack, `Image${i}`, { source: dir, entrypoint: 'manager:app' });
      new WsgiContainer(stack, `Web${i}`, { image: img, publish: [{ hostPort: 20000 + i }] });
    } else {
      // The same resources written by hand with the raw provider classes and a TerraformAsset.
      const asset = new TerraformAsset(stack, `Context${i}`, { path: dir, type: AssetType.DIRECTORY });
      const img = new image.Image(stack, `Image${i}`, {
        name: `app${i}:${asset.assetHash}`,
        buildAttribute: { context: asset.path, dockerfile: `${asset.path}/Dockerfile` },
        triggers: { hash: asset.assetHash },
      });
      // Every attribute the library sets on its container, so the ratio measures the library, not
      // a smaller configuration; the process settings come from the library's own renderer.
      const rendered = renderRuntime({ user: '10001:10001', gracefulTimeoutSeconds: 30 });
      new container.Container(stack, `Web${i}`, {
        name: `app${i}`,
        image: img.imageId,
        ports: [{ internal: 8000, external: 20000 + i, ip: '127.0.0.1', protocol: 'tcp' }],
        healthcheck: {
          test: ['CMD', 'python3', '-c', 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8000/")'],
          interval: '10s',
          timeout: '5s',
          startPeriod: '10s',
          retries: 3,
        },
        wait: true,
        waitTimeout: 60,
        stopSignal: rendered.stopSignal,
        stopTimeout: rendered.stopTimeoutSeconds,
        destroyGraceSeconds: rendered.stopTimeoutSeconds,
        user: rendered.user,
        readOnly: rendered.readOnlyRootFilesystem,
        tmpfs: rendered.tmpfs && { ...rendered.tmpfs },
        securityOpts: rendered.securityOpts && [...rendered.securityOpts],
        capabilities: rendered.capDrop && { drop: [...rendered.capDrop] },
        labels: [{ label: 'app', value: `app${i}` }],
        restart: 'unless-stopped',
      });
    }
  });
  app.synth();
}

const started = process.hrtime.bigint();
if (scenario === 'staging') staging();
else if (scenario === 'synth') synthAtScale();
else throw new Error(`unknown scenario ${scenario}`);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n');
