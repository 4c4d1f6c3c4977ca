/**
 * Swarm beyond one stack's services: examples/swarm as a user deploys it, and a second node that
 * pulls the pushed image from the registry. What they check is Swarm's (placement, the overlay
 * across engines, the pull by digest), so they run on 4.6.0 only; test/engine/swarm.engine.test.ts
 * runs on both lines.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Network } from '@cdktf/provider-docker/lib/network';
import { App, TerraformStack } from 'cdktf';
import { applyStack, ApplyResult, describeTerraform, destroyStack, docker } from './deployer';
import { prepareEngine, TEST_LABELS } from './engine';
import { execIn, get, waitFor } from './probes';
import { addDockerProvider } from './provider';
import { APPS } from './stacks';
import { SwarmStack } from '../../examples/swarm/main';
import { Duration, HealthCheck, PublishMode, ServiceMode, WsgiImage, WsgiService } from '../../src';

const REGISTRY = '127.0.0.1:5000';
const TWO_NODES_PORT = 18310;
const TWO_NODES_NET = 'cdktf-wsgi-two-nodes-overlay';
const NODE2_SOCK = '/run/cdktf-wsgi-node2.sock';
const SECRET_VALUE = `swarm-secret-${Math.random().toString(36).slice(2)}-0123456789`;

describeTerraform('Swarm examples and nodes (real toolchain)', () => {
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-nodes-src-'));

  /** The service's running, healthy task containers, as Docker sees them on this node. */
  async function healthyTasks(service: string): Promise<Array<{ id: string }>> {
    const list = await docker.listContainers({ all: true, filters: { label: [`com.docker.swarm.service.name=${service}`] } });
    const infos = await Promise.all(list.map(c => docker.getContainer(c.Id).inspect()));
    return infos.filter(i => i.State.Running && i.State.Health?.Status === 'healthy').map(i => ({ id: i.Id }));
  }
  const inspectService = (name: string) => JSON.parse(execFileSync('docker', ['service', 'inspect', name], { encoding: 'utf-8' }))[0];

  beforeAll(() => {
    prepareEngine();
    execFileSync('bash', [path.join(__dirname, 'swarm', 'up.sh')], { stdio: 'inherit', timeout: 120_000 });
    fs.cpSync(path.join(APPS, 'swarm'), source, { recursive: true });
    fs.writeFileSync(path.join(source, 'app', 'version.py'), 'VERSION = "v2"\nHEALTHY = True\n');
  }, 300_000);

  test('examples/swarm deploys three replicas that pass their health check and serve', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-example-'));
    const app = new App({ outdir: out, stackTraces: false });
    const example = new SwarmStack(app, 'swarm-example');
    app.synth();
    process.env.TF_VAR_api_token = SECRET_VALUE;
    const applied = await applyStack(path.join(out, 'stacks', 'swarm-example'));
    try {
      const healthy = await healthyTasks(example.web.serviceName);
      expect(healthy).toHaveLength(3);
      for (const t of healthy) expect(await execIn(t.id, ['python3', '-c', 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:8123/api/leaves", timeout=5).read().decode(), end="")'])).toBe('This tree has leaves');
    } finally {
      await destroyStack(applied);
      delete process.env.TF_VAR_api_token;
    }
  }, 600_000);

  test('two nodes: a second engine in a namespace of the suite\'s own joins as a worker; a pushed service runs a task on each, attached to one overlay network, the second pulling from the registry', async () => {
    const node2 = ['-H', `unix://${NODE2_SOCK}`];
    const token = execFileSync('docker', ['swarm', 'join-token', '-q', 'worker'], { encoding: 'utf-8' }).trim();
    execFileSync('docker', [...node2, 'swarm', 'join', '--advertise-addr', '10.231.0.2', '--token', token, '10.231.0.1:2377'], { stdio: 'ignore', timeout: 60_000 });
    let applied: ApplyResult | undefined;
    try {
      await waitFor('two ready nodes', async () => execFileSync('docker', ['node', 'ls', '--format', '{{.Status}}'], { encoding: 'utf-8' })
        .split('\n').filter(l => l.trim() === 'Ready').length === 2, 60_000);
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-two-'));
      const app = new App({ outdir: out, stackTraces: false });
      const stack = new TerraformStack(app, 'two-nodes');
      addDockerProvider(stack, { registryAuth: [{ address: `http://${REGISTRY}`, authDisabled: true }] });
      const image = new WsgiImage(stack, 'Image', { labels: TEST_LABELS, source, entrypoint: 'manager:app', repository: `${REGISTRY}/cdktf-wsgi-test/two-nodes` });
      const overlay = new Network(stack, 'Overlay', {
        name: TWO_NODES_NET,
        driver: 'overlay',
        labels: Object.entries(TEST_LABELS).map(([label, value]) => ({ label, value })),
      });
      new WsgiService(stack, 'Web', {
        labels: TEST_LABELS,
        image,
        serviceName: 'cdktf-wsgi-two-nodes',
        mode: ServiceMode.everyNode(),
        publish: [{ publishedPort: TWO_NODES_PORT, mode: PublishMode.HOST }],
        healthCheck: HealthCheck.http('/healthz', { interval: Duration.seconds(1), timeout: Duration.seconds(2), startPeriod: Duration.seconds(2), retries: 2 }),
        pushToRegistry: true,
        networks: [overlay.name],
      });
      app.synth();
      applied = await applyStack(path.join(out, 'stacks', 'two-nodes'));
      // A global service's apply does not wait for convergence (provider 3.6.2): wait here.
      const running = () => execFileSync('docker', ['service', 'ps', '-q', '--filter', 'desired-state=running', 'cdktf-wsgi-two-nodes'], { encoding: 'utf-8' })
        .trim().split('\n').filter(Boolean)
        .map(id => execFileSync('docker', ['inspect', '--format', '{{.NodeID}} {{.Status.State}}', id], { encoding: 'utf-8' }).trim());
      await waitFor('a running task on each node', async () => running().filter(p => p.endsWith(' running')).length === 2, 120_000);
      // Both nodes are called "vm" (one UTS namespace): tasks are told apart by node ID.
      const taskIds = execFileSync('docker', ['service', 'ps', '-q', '--filter', 'desired-state=running', 'cdktf-wsgi-two-nodes'], { encoding: 'utf-8' }).trim().split('\n');
      const placement = taskIds.map(id => execFileSync('docker', ['inspect', '--format', '{{.NodeID}} {{.Status.State}}', id], { encoding: 'utf-8' }).trim());
      // The overlay spans both nodes (VXLAN between the engines): each task, on either node, is attached to it.
      for (const id of taskIds) {
        expect(execFileSync('docker', ['inspect', '--format', '{{range .NetworksAttachments}}{{.Network.Spec.Name}} {{end}}', id], { encoding: 'utf-8' }).trim().split(' '))
          .toContain(TWO_NODES_NET);
      }
      expect(placement.every(p => p.endsWith(' running'))).toBe(true);
      expect(new Set(placement.map(p => p.split(' ')[0])).size).toBe(2);
      process.stdout.write(`swarm: two nodes, one task on each: ${placement.join(', ')}\n`);
      // Each node answers on its own loopback: the host here, the namespace through nsenter.
      expect(await get(TWO_NODES_PORT, '/api/version')).toEqual({ status: 200, body: 'v2' });
      const fromNode2 = execFileSync('nsenter', ['--net=/var/run/netns/cdktf-wsgi-node2', 'curl', '-fsS', `http://127.0.0.1:${TWO_NODES_PORT}/api/version`], { encoding: 'utf-8' });
      expect(fromNode2).toBe('v2');
      // The second node never built the image: it pulled it, by digest, from the registry.
      const pulled = execFileSync('docker', [...node2, 'images', '--digests', '--format', '{{.Repository}} {{.Digest}}'], { encoding: 'utf-8' });
      const digest = inspectService('cdktf-wsgi-two-nodes').Spec.TaskTemplate.ContainerSpec.Image.split('@')[1];
      expect(pulled).toContain(`${REGISTRY}/cdktf-wsgi-test/two-nodes ${digest}`);
    } finally {
      if (applied) await destroyStack(applied);
      execFileSync('docker', [...node2, 'swarm', 'leave', '--force'], { stdio: 'ignore', timeout: 60_000 });
      const gone = execFileSync('docker', ['node', 'ls', '--filter', 'role=worker', '-q'], { encoding: 'utf-8' }).trim().split('\n').filter(Boolean);
      if (gone.length > 0) execFileSync('docker', ['node', 'rm', '--force', ...gone], { stdio: 'ignore' });
      execFileSync('docker', [...node2, 'image', 'prune', '-af'], { stdio: 'ignore', timeout: 120_000 });
    }
  }, 600_000);
});
