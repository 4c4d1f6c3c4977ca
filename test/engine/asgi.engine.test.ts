/**
 * ASGI apps on the real engine, Terraform and provider: the FastAPI example (only `fastapi` in its
 * requirements, so the image adds uvicorn-worker), a Starlette app pinned to uvicorn 0.17.6 (whose
 * own uvicorn.workers module serves it) and a Django project served through its asgi.py.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { applyStack, ApplyResult, byName, destroyStack, docker, planOnly } from './deployer';
import { describeEngine, prepareEngine, TEST_LABELS } from './engine';
import { DOCKER_CLI, get } from './probes';
import { addDockerProvider } from './provider';
import { APPS, PROMPT_CHECK } from './stacks';
import { FastApiStack } from '../../examples/fastapi/main';
import { AppInterface, HealthCheck, WsgiContainer, WsgiImage } from '../../src';

const FASTAPI_PORT = 18096;
const STARLETTE_PORT = 18097;
const DJANGO_ASGI_PORT = 18098;

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

describeEngine('ASGI apps on a real Docker engine', () => {
  let fastapi: ApplyResult | undefined;
  let fastapiStack: FastApiStack;
  let others: ApplyResult | undefined;
  const images: Record<string, WsgiImage> = {};

  beforeAll(async () => {
    prepareEngine();
    const outdir = tempDir('fastapi-out-');
    const app = new App({ outdir, stackTraces: false });
    fastapiStack = new FastApiStack(app, 'fastapi', { hostPort: FASTAPI_PORT, containerName: 'asgi-fastapi-web', labels: TEST_LABELS });
    app.synth();
    fastapi = await applyStack(path.join(outdir, 'stacks', 'fastapi'));

    const otherOut = tempDir('asgi-out-');
    const otherApp = new App({ outdir: otherOut, stackTraces: false });
    const stack = new TerraformStack(otherApp, 'asgi');
    addDockerProvider(stack);
    const services = [
      { name: 'starlette', port: STARLETTE_PORT, props: { source: path.join(APPS, 'starlette') } },
      { name: 'django', port: DJANGO_ASGI_PORT, props: { source: path.join(APPS, 'django-asgi'), appInterface: AppInterface.ASGI } },
    ];
    for (const s of services) {
      images[s.name] = new WsgiImage(stack, `${s.name}-image`, { ...s.props, labels: TEST_LABELS });
      new WsgiContainer(stack, `${s.name}-web`, {
        image: images[s.name], labels: TEST_LABELS, containerName: `asgi-${s.name}-web`, publish: [{ hostPort: s.port }], healthCheck: HealthCheck.http('/healthz', PROMPT_CHECK),
      });
    }
    otherApp.synth();
    others = await applyStack(path.join(otherOut, 'stacks', 'asgi'));
  }, 900_000);

  afterAll(async () => {
    if (fastapi) await destroyStack(fastapi);
    if (others) await destroyStack(others);
  }, 180_000);

  test('FastAPI with only fastapi in its requirements: detected, served by gunicorn with uvicorn-worker, and re-plans clean', async () => {
    expect(fastapiStack.image.appInterface).toBe(AppInterface.ASGI);
    expect(await get(FASTAPI_PORT, '/api/notes/1')).toEqual({ status: 200, body: '{"id":"1","text":"served by gunicorn with the uvicorn worker"}' });
    expect((await get(FASTAPI_PORT, '/api/notes/2')).status).toBe(404);
    const id = byName(fastapi!, 'asgi-fastapi-web').attrs.id;
    const top = await docker.getContainer(id).top({ ps_args: '-o pid,args' });
    const commands = (top.Processes as string[][]).map(p => p[1]);
    // gunicorn is PID 1 (the master) and the workers are uvicorn's, from the added distribution.
    const inspect = await docker.getContainer(id).inspect();
    expect(inspect.Config.User).toBe('10001:10001');
    expect(inspect.HostConfig.ReadonlyRootfs).toBe(true);
    expect(commands.every((c: string) => c.startsWith('python3 -m gunicorn --config /opt/cdktf-wsgi/gunicorn.conf.py'))).toBe(true);
    const logs = (await docker.getContainer(id).logs({ stdout: true, stderr: true })).toString('utf-8');
    expect(logs).toMatch(/Booting worker with pid: \d+/);
    expect(logs).toContain('Application startup complete.');
    const pip = spawnSync(DOCKER_CLI, ['exec', id, 'python3', '-c', 'import uvicorn_worker, uvicorn; print(uvicorn_worker.__version__, uvicorn.__version__)'], { encoding: 'utf-8' });
    expect(pip.stdout.trim()).toMatch(/^\d+\.\d+\.\d+ \d+\.\d+\.\d+$/);
    expect((await planOnly(path.join(fastapi!.stackDir), fastapi!)).planText).toContain('No changes.');
  });

  test('lifespan: the startup handler ran before the first health check passed', async () => {
    const id = byName(fastapi!, 'asgi-fastapi-web').attrs.id;
    const state = JSON.parse((await get(FASTAPI_PORT, '/api/lifespan')).body);
    expect(state.startup_done_at).toEqual(expect.any(Number));
    const inspect = await docker.getContainer(id).inspect();
    const started = Date.parse(inspect.State.StartedAt) / 1000;
    // The handler sleeps 2 s: it really ran, in this container.
    expect(state.startup_done_at - started).toBeGreaterThanOrEqual(1.5);
    const passed = (inspect.State.Health!.Log as Array<{ Start: string; End: string; ExitCode: number }>).filter(l => l.ExitCode === 0);
    expect(passed.length).toBeGreaterThan(0);
    // Each worker runs the handler: the first to finish (its log line's time, as Docker stamped
    // it) may serve a probe before the one that answered /api/lifespan has finished.
    const logs = (await docker.getContainer(id).logs({ stdout: true, stderr: true, timestamps: true })).toString('utf-8');
    const finished = [...logs.matchAll(/(\d{4}-\d\d-\d\dT[\d:.]+Z) lifespan startup done in worker \d+/g)].map(m => Date.parse(m[1]) / 1000);
    expect(finished.length).toBeGreaterThan(0);
    expect(Math.min(...finished)).toBeLessThanOrEqual(state.startup_done_at + 0.05);
    // Every passing probe ended after a handler finished (the last five probes are kept).
    for (const probe of passed) {
      expect(Date.parse(probe.End) / 1000).toBeGreaterThanOrEqual(Math.min(...finished) - 0.05);
    }
  });

  test('Starlette with uvicorn pinned at 0.17.6: served by uvicorn.workers.UvicornWorker, nothing added', async () => {
    expect(images.starlette.gunicornConfig).toContain('worker_class = "uvicorn.workers.UvicornWorker"\n');
    expect(await get(STARLETTE_PORT, '/api/framework')).toEqual({ status: 200, body: '{"framework":"starlette"}' });
    const id = byName(others!, 'asgi-starlette-web').attrs.id;
    const listed = spawnSync(DOCKER_CLI, ['exec', id, 'python3', '-c', 'import importlib.util, uvicorn; print(uvicorn.__version__, importlib.util.find_spec("uvicorn_worker") is None)'], { encoding: 'utf-8' });
    expect(listed.stdout.trim()).toBe('0.17.6 True');
  });

  test('Django through asgi.py when appInterface says ASGI: the request is an ASGIRequest', async () => {
    expect(images.django.entrypoint).toBe('site1.asgi:application');
    expect(await get(DJANGO_ASGI_PORT, '/api/handler')).toEqual({ status: 200, body: '{"request": "ASGIRequest"}' });
  });

  test('docker stop: gunicorn drains, the shutdown handlers run, and it exits 0 within the stop timeout (no SIGKILL)', async () => {
    const id = byName(fastapi!, 'asgi-fastapi-web').attrs.id;
    const timeout = byName(fastapi!, 'asgi-fastapi-web').attrs.stop_timeout;
    const stopped = spawnSync(DOCKER_CLI, ['stop', '-t', String(timeout), id], { encoding: 'utf-8', timeout: (timeout + 30) * 1000 });
    expect(stopped.status).toBe(0);
    const inspect = await docker.getContainer(id).inspect();
    // 137 would be SIGKILL at the end of the stop timeout; 0 is gunicorn's own clean exit.
    expect(inspect.State.ExitCode).toBe(0);
    const logs = (await docker.getContainer(id).logs({ stdout: true, stderr: true })).toString('utf-8');
    const workers = (logs.match(/Booting worker with pid: \d+/g) ?? []).length;
    expect((logs.match(/lifespan shutdown ran in worker \d+/g) ?? []).length).toBe(workers);
    expect(logs).toContain('Shutting down: Master');
  });
});
