import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { container } from '@cdktf/provider-docker';
import { Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { DjangoStack } from '../examples/django/main';
import { FalconStack } from '../examples/falcon/main';
import { FastApiStack } from '../examples/fastapi/main';
import { LeavesStack } from '../examples/leaves/main';
import { synthExamples } from '../examples/main';
import { SwarmStack } from '../examples/swarm/main';
import { AppInterface } from '../src';

// The examples read DOCKER_PROVIDER_VERSION; these tests pin what they synthesize by default.
const { DOCKER_PROVIDER_VERSION: outer } = process.env;
beforeEach(() => { delete process.env.DOCKER_PROVIDER_VERSION; });
afterAll(() => { if (outer !== undefined) process.env.DOCKER_PROVIDER_VERSION = outer; });

describe('the examples\' provider line', () => {
  const dockerOf = (stack: LeavesStack) => {
    const json = JSON.parse(Testing.synth(stack));
    const image: any = Object.values(json.resource.docker_image)[0];
    return { version: json.terraform.required_providers.docker.version, dockerfile: image.build.dockerfile };
  };

  test('@default: kreuzwerker/docker 4.x ("~> 4.6"), with the Dockerfile named relative to the context', () => {
    expect(dockerOf(new LeavesStack(Testing.app(), 'leaves'))).toEqual({ version: '~> 4.6', dockerfile: 'Dockerfile' });
  });

  test('DOCKER_PROVIDER_VERSION=3.6.2 synthesizes them for 3.6.2', () => {
    process.env.DOCKER_PROVIDER_VERSION = '3.6.2';
    const { version, dockerfile } = dockerOf(new LeavesStack(Testing.app(), 'leaves'));
    expect(version).toBe('3.6.2');
    expect(dockerfile).toMatch(/^assets\/Image\/[0-9a-f]{64}\/Dockerfile$/);
  });
});

describe('examples/leaves', () => {
  test('synthesizes the seed app on port 8123 (snapshot)', () => {
    const app = Testing.app();
    const stack = new LeavesStack(app, 'leaves');
    const json = Testing.synth(stack);
    expect(json).toHaveResourceWithProperties(container.Container, {
      ports: [{ internal: 8123, external: 8123, ip: '127.0.0.1', protocol: 'tcp' }],
    });
    expect(stack.image.port).toBe(8123);
    expect(stack.image.dockerfile).toContain('EXPOSE 8123');
    // Re-serialized: the snapshot holds the configuration, not the core's layout of an empty
    // object (cdktf writes `{\n}`, cdktn `{}`), so both flavours check the same one.
    expect(JSON.stringify(JSON.parse(json), undefined, 2)).toMatchSnapshot();
    expect(stack.image.dockerfile).toMatchSnapshot('Dockerfile');
    expect(stack.image.gunicornConfig).toMatchSnapshot('gunicorn.conf.py');
  });

  test('writes no absolute path of the checkout or the outdir into any synthesized file (all examples)', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-synth-'));
    synthExamples(outdir);
    const repo = path.resolve(__dirname, '..');
    const files = (fs.readdirSync(outdir, { recursive: true } as any) as string[]).map(String)
      .filter(f => fs.statSync(path.join(outdir, f)).isFile());
    expect(files).toEqual(expect.arrayContaining(['manifest.json', ...['leaves', 'django', 'falcon', 'fastapi', 'swarm'].map(s => path.join('stacks', s, 'cdk.tf.json'))]));
    for (const f of files) {
      const text = fs.readFileSync(path.join(outdir, f), 'utf-8');
      const leaks = [repo, outdir].filter(p => text.includes(p));
      expect({ file: f, leaks }).toEqual({ file: f, leaks: [] });
    }
  });
});

describe('examples/django and examples/falcon', () => {
  test('django: detected entrypoint, collectstatic at build, migrations as the release command, secret from a variable', () => {
    const app = Testing.app();
    const stack = new DjangoStack(app, 'django');
    expect(stack.image.entrypoint).toBe('mysite.wsgi:application');
    expect(stack.image.dockerfile).toContain('python3 /opt/cdktf-wsgi/collectstatic.py');
    const json = Testing.synth(stack);
    expect(json).toHaveResourceWithProperties(container.Container, {
      name: 'django-web-release-${substr(uuid(), 0, 8)}',
      entrypoint: ['python3', '-m', 'django', 'migrate', '--noinput', '--no-color'],
    });
    expect(json).toHaveResourceWithProperties(container.Container, {
      name: 'django-web-${substr(uuid(), 0, 8)}',
      env: expect.arrayContaining(['DJANGO_SECRET_KEY=${var.django_secret_key}']),
    });
    expect(json).toHaveResourceWithProperties(container.Container, { name: 'django-web', sysctls: { 'net.ipv4.tcp_migrate_req': '1' } });
    expect(json).not.toContain('placeholder-not-a-secret');
  });

  test('falcon: dependencies, Python version, import root and entrypoint all detected', () => {
    const app = Testing.app();
    const stack = new FalconStack(app, 'falcon');
    expect(stack.image.entrypoint).toBe('notes.api:app');
    expect(stack.image.pythonVersion).toBe('3.11');
    expect(stack.image.dockerfile).toContain('ENV PYTHONPATH="/app/src"\n');
    expect(stack.image.dockerfile).not.toContain('COPY ["app/pyproject.toml"');
  });
});

describe('examples/fastapi', () => {
  test('an ASGI app from a requirements file listing only fastapi: detected, served by gunicorn with the uvicorn worker', () => {
    const app = Testing.app();
    const stack = new FastApiStack(app, 'fastapi');
    expect(stack.image.entrypoint).toBe('main:app');
    expect(stack.image.appInterface).toBe(AppInterface.ASGI);
    expect(stack.image.gunicornConfig).toContain('worker_class = "uvicorn_worker.UvicornWorker"\n');
    expect(stack.image.gunicornConfig).toContain('threads = 1\n');
    expect(stack.image.dockerfile).toContain('ENTRYPOINT ["python3", "-m", "gunicorn", "--config", "/opt/cdktf-wsgi/gunicorn.conf.py"]');
    const json = Testing.synth(stack);
    expect(json).toHaveResourceWithProperties(container.Container, { ports: [{ internal: 8000, external: 8126, ip: '127.0.0.1', protocol: 'tcp' }] });
    expect(json).toHaveResourceWithProperties(container.Container, { read_only: true, user: '10001:10001', env: ['GUNICORN_CMD_ARGS=--reuse-port --bind 0.0.0.0:8000'] });
    expect(stack.image.dockerfile).toMatchSnapshot('Dockerfile');
    expect(stack.image.gunicornConfig).toMatchSnapshot('gunicorn.conf.py');
  });
});

describe('examples/swarm', () => {
  test('three replicas behind the mesh, start-first updates that roll back, the secret as a Swarm secret', () => {
    const app = Testing.app();
    const stack = new SwarmStack(app, 'swarm');
    expect(stack.web.serviceName).toBe('swarm-web');
    const json = JSON.parse(Testing.synth(stack));
    const svc = Object.values(json.resource.docker_service)[0] as any;
    expect(svc.mode).toEqual({ replicated: { replicas: 3 } });
    expect(svc.endpoint_spec.ports).toEqual([{ target_port: 8123, published_port: 8130, protocol: 'tcp', publish_mode: 'ingress' }]);
    expect(svc.update_config).toMatchObject({ order: 'start-first', failure_action: 'rollback' });
    expect(svc.task_spec.container_spec.secrets[0]).toMatchObject({ file_name: 'API_TOKEN', file_mode: 0o400 });
    expect(JSON.stringify(json.resource.docker_secret)).toContain('base64encode(var.api_token)');
  });
});
