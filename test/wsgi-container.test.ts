import { container } from '@cdktf/provider-docker';
import { TerraformVariable, Testing } from 'cdktf';
import { Duration, HealthCheck, Protocol, ReleaseCommand, RestartPolicy, UpdateOrder, WsgiContainer, WsgiImage } from '../src';
import { containers, newStack, writeSource } from './util';

function byPath(all: Record<string, any>, path: string): Record<string, any> {
  if (!(path in all)) throw new Error(`no docker_container at ${path} among ${Object.keys(all).join(', ')}`);
  return all[path];
}

function setup(props: Partial<ConstructorParameters<typeof WsgiContainer>[2]> = {}, gracefulSeconds?: number) {
  const { app, stack } = newStack();
  const image = new WsgiImage(stack, 'Image', {
    source: writeSource(),
    entrypoint: 'manager:app',
    port: 8123,
    gunicorn: gracefulSeconds === undefined ? undefined : { gracefulTimeout: Duration.seconds(gracefulSeconds) },
  });
  const web = new WsgiContainer(stack, 'Web', { image, ...props });
  const all = containers(stack);
  const holder = all['Web/NetworkHolder'];
  const res = byPath(all, web.updateOrder === UpdateOrder.STOP_FIRST ? 'Web/App' : 'Web');
  return { app, stack, image, web, res, holder, all };
}

describe('WsgiContainer defaults', () => {
  const { res, web, image, holder } = setup({ publish: [{ hostPort: 8080 }] });

  test('runs the image by ID; the network holder publishes the image port on loopback over TCP', () => {
    expect(res.image).toMatch(/^\$\{docker_image\.Image_[0-9A-F]+\.image_id\}$/);
    expect(holder!.ports).toEqual([{ internal: 8123, external: 8080, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(res).not.toHaveProperty('ports');
    expect(web.containerPort).toBe(image.port);
    expect(web.publishedPorts).toEqual(['127.0.0.1:8080/tcp']);
  });

  test('documented defaults: name, update order, restart policy, health check, wait', () => {
    expect(web.containerName).toBe('test-web');
    expect(holder!.name).toBe('test-web');
    expect(res.name).toBe('test-web-${substr(uuid(), 0, 8)}');
    expect(web.updateOrder).toBe(UpdateOrder.START_FIRST);
    expect(res.restart).toBe('unless-stopped');
    expect(holder!.restart).toBe('unless-stopped');
    expect(res.restart).toBe('unless-stopped');
    // The generations share the port (in either order): the probe counts only an answer from its own container.
    expect(res.healthcheck).toEqual({
      test: ['CMD', 'python3', '-c', expect.stringContaining('/proc/net/tcp'), '8123', '/', '4.5', '500'],
      interval: '10s',
      timeout: '5s',
      start_period: '10s',
      retries: 3,
    });
    expect(setup({ updateOrder: UpdateOrder.STOP_FIRST }).res.healthcheck).toEqual(res.healthcheck);
    expect(res.wait).toBe(true);
    expect(res.wait_timeout).toBe(60);
  });

  test('documented defaults: hardening', () => {
    expect(res.user).toBe('10001:10001');
    expect(res.read_only).toBe(true);
    expect(res.tmpfs).toEqual({ '/tmp': 'rw,noexec,nosuid,nodev,size=64m' });
    expect(res.security_opts).toEqual(['no-new-privileges:true']);
    expect(res.capabilities).toEqual({ drop: ['ALL'] });
  });

  test('documented defaults: no environment, limits, networks or volumes', () => {
    for (const key of ['memory', 'cpus', 'networks_advanced', 'volumes', 'init']) {
      expect(res).not.toHaveProperty(key);
    }
    // Only the library's own: gunicorn's reuse_port, in either order.
    expect(res.env).toEqual(['GUNICORN_CMD_ARGS=--reuse-port --bind 0.0.0.0:8123']);
    expect(setup({ updateOrder: UpdateOrder.STOP_FIRST }).res.env).toEqual(res.env);
  });

  test('carries a hash of the settings provider 3.6.2 never updates in place, as a ForceNew label', () => {
    expect(res.labels).toEqual([
      { label: 'cdktf-wsgi.unapplied-settings-hash', value: expect.stringMatching(/^[0-9a-f]{16}$/) },
      { label: 'cdktf-wsgi.container', value: 'test-web' },
    ]);
    const label = (r: any) => r.labels[0].value;
    expect(label(setup({ publish: [{ hostPort: 9999 }], environment: { A: '1' } }).res)).toBe(label(res));
    expect(label(setup({ healthCheck: HealthCheck.http('/healthz') }).res)).not.toBe(label(res));
    expect(label(setup({ healthCheck: HealthCheck.http('/', { healthyBelowStatus: 500, retries: 4 }) }).res)).not.toBe(label(res));
    expect(label(setup({ tmpSizeMiB: 32 }).res)).not.toBe(label(res));
    expect(label(setup({ readOnlyRootFilesystem: false }).res)).not.toBe(label(res));
  });

  test('no published port unless asked', () => {
    expect(setup().holder).not.toHaveProperty('ports');
    expect(setup({ updateOrder: UpdateOrder.STOP_FIRST }).res).not.toHaveProperty('ports');
  });

  test('stop timeout follows gunicorn graceful timeout plus 5 s', () => {
    expect(res.stop_signal).toBe('SIGTERM');
    expect(res.stop_timeout).toBe(35);
    expect(res.destroy_grace_seconds).toBe(35);
    const short = setup({}, 3).res;
    expect(short.stop_timeout).toBe(8);
    expect(short.destroy_grace_seconds).toBe(8);
  });
});

describe('WsgiContainer options', () => {
  test('health check durations are written as the provider reads them back (Go\'s form), so a re-plan is empty', () => {
    const { res } = setup({ healthCheck: HealthCheck.http('/', { interval: Duration.millis(1500), timeout: Duration.seconds(2), startPeriod: Duration.seconds(60), startInterval: Duration.millis(250) }) });
    expect(res.healthcheck).toMatchObject({ interval: '1.5s', timeout: '2s', start_period: '1m0s', start_interval: '250ms' });
  });

  test('labels go on the containers next to the library\'s own; none by default', () => {
    const plain = setup();
    expect(plain.res.labels).toEqual([
      { label: WsgiContainer.UNAPPLIED_SETTINGS_LABEL, value: expect.stringMatching(/^[0-9a-f]{16}$/) },
      { label: WsgiContainer.CONTAINER_LABEL, value: 'test-web' },
    ]);
    expect(plain.holder).not.toHaveProperty('labels');
    expect(setup({ updateOrder: UpdateOrder.STOP_FIRST }).res.labels).toEqual(plain.res.labels);
    const { res, holder } = setup({ labels: { 'com.example.team': 'web' } });
    expect(res.labels.slice(2)).toEqual([{ label: 'com.example.team', value: 'web' }]);
    expect(holder!.labels).toEqual([{ label: 'com.example.team', value: 'web' }]);
  });

  test('a label key of the library\'s own, and a variable set twice, fail with the whole message', () => {
    expect(() => setup({ labels: { [WsgiContainer.UNAPPLIED_SETTINGS_LABEL]: 'x' } })).toThrow(
      'test/Web: \'labels key\' "cdktf-wsgi.unapplied-settings-hash" is not a label key of your own (letters, digits, ".", "_", "-", "/", '
      + 'starting with a letter or digit; not cdktf-wsgi.unapplied-settings-hash, cdktf-wsgi.container). Fix: use a key such as "com.example.team"');
    expect(() => setup({ labels: { [WsgiContainer.CONTAINER_LABEL]: 'x' } })).toThrow('\'labels key\' "cdktf-wsgi.container" is not a label key of your own');
    const { web } = setup({ environment: { MODE: 'a' } });
    expect(() => web.addEnvironment('MODE', 'b')).toThrow('test/Web: \'environment.MODE\' "b" is set twice (first as "a"). Fix: set each variable once');
  });

  test('every hardening default has an opt-out', () => {
    const { res } = setup({ runAsNonRoot: false, readOnlyRootFilesystem: false, noNewPrivileges: false, dropAllCapabilities: false });
    expect(res.user).toBe('0:0');
    expect(res.read_only).toBe(false);
    expect(res).not.toHaveProperty('tmpfs');
    expect(res).not.toHaveProperty('security_opts');
    expect(res).not.toHaveProperty('capabilities');
  });

  test('runtime environment, limits, networks, volumes and restart policy', () => {
    const { res, holder } = setup({
      environment: { B: '2', A: 'x=y' },
      memoryMiB: 256,
      cpus: 1.5,
      networks: ['backend'],
      volumes: [{ containerPath: '/data', volumeName: 'state' }, { containerPath: '/cfg', hostPath: '/etc/app', readOnly: true }],
      restartPolicy: RestartPolicy.ON_FAILURE,
      tmpSizeMiB: 16,
      publish: [{ hostPort: 80, hostIp: '0.0.0.0', protocol: Protocol.TCP }],
    });
    expect(res.env).toEqual(['A=x=y', 'B=2', 'GUNICORN_CMD_ARGS=--reuse-port --bind 0.0.0.0:8123']);
    expect(res.memory).toBe(256);
    expect(res.cpus).toBe('1.5');
    // The networks are the holder's, whose network namespace the app joins.
    expect(holder!.networks_advanced).toEqual([{ name: 'backend' }]);
    expect(res).not.toHaveProperty('networks_advanced');
    expect(res.network_mode).toMatch(/^container:\$\{docker_container\.Web_NetworkHolder_[0-9A-F]+\.id\}$/);
    expect(holder!.restart).toBe('on-failure');
    expect(res.volumes).toEqual([
      { container_path: '/data', volume_name: 'state', read_only: false },
      { container_path: '/cfg', host_path: '/etc/app', read_only: true },
    ]);
    expect(res.restart).toBe('on-failure');
    expect(res.tmpfs).toEqual({ '/tmp': 'rw,noexec,nosuid,nodev,size=16m' });
    expect(holder!.ports[0]).toMatchObject({ ip: '0.0.0.0', external: 80 });
    const stopFirst = setup({ updateOrder: UpdateOrder.STOP_FIRST, networks: ['backend'], publish: [{ hostPort: 80 }] });
    expect(stopFirst.holder.networks_advanced).toEqual([{ name: 'backend' }]);
    expect(stopFirst.holder.ports[0]).toMatchObject({ ip: '127.0.0.1', external: 80 });
    expect(stopFirst.res).not.toHaveProperty('networks_advanced');
    expect(stopFirst.res).not.toHaveProperty('ports');
  });

  test('health checks: http with options, command, none', () => {
    const http = setup({ healthCheck: HealthCheck.http('/healthz', { interval: Duration.seconds(2), retries: 5, startPeriod: Duration.seconds(0), timeout: Duration.seconds(2) }) }).res;
    expect(http.healthcheck).toEqual({ test: expect.arrayContaining(['/healthz', '1.5', '400']), interval: '2s', timeout: '2s', start_period: '0s', retries: 5 });
    const cmd = setup({ healthCheck: HealthCheck.command(['python', '-c', 'print(1)']) }).res;
    expect(cmd.healthcheck.test).toEqual(['CMD', 'python', '-c', 'print(1)']);
    const none = setup({ healthCheck: HealthCheck.none() }).res;
    expect(none).not.toHaveProperty('healthcheck');
    expect(none.wait).toBe(false);
    expect(none).not.toHaveProperty('wait_timeout');
  });

  test('environment values may be Terraform tokens', () => {
    const { stack } = newStack();
    const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'manager:app' });
    const secret = new TerraformVariable(stack, 'secret', { type: 'string', sensitive: true });
    new WsgiContainer(stack, 'Web', { image, environment: { SECRET_KEY: secret.stringValue } });
    expect(byPath(containers(stack), 'Web').env).toEqual(['GUNICORN_CMD_ARGS=--reuse-port --bind 0.0.0.0:8000', 'SECRET_KEY=${var.secret}']);
  });

  test('a plain secret-looking runtime value warns; a token does not', () => {
    const warned = (environment: Record<string, string>) => {
      const { stack } = setup({ environment });
      return stack.node.findAll().flatMap(c => c.node.metadata.filter(m => m.type === '@cdktf/warn').map(m => String(m.data)));
    };
    expect(warned({ API_KEY: 'abc' })).toEqual([expect.stringMatching(/^'environment\.API_KEY' looks like a secret and is a plain value, stored in cdk\.tf\.json and the Terraform state in clear\. pass a sensitive TerraformVariable/)]);
    const { stack } = newStack();
    const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'manager:app' });
    const secret = new TerraformVariable(stack, 'key', { type: 'string', sensitive: true });
    new WsgiContainer(stack, 'Web', { image, environment: { API_KEY: secret.stringValue } });
    expect(stack.node.findAll().flatMap(c => c.node.metadata.filter(m => m.type === '@cdktf/warn'))).toEqual([]);
  });

  test('the L1 container is the default child, an escape hatch whose overrides reach the output', () => {
    const { web } = setup();
    const l1 = web.node.defaultChild;
    expect(l1).toBeInstanceOf(container.Container);
    (l1 as container.Container).addOverride('log_driver', 'local');
    const json = JSON.parse(Testing.synth(web.node.scope as any));
    const all = containers(web.node.scope as any);
    expect(Object.keys(all).sort()).toEqual(['Web', 'Web/DestroyGuard', 'Web/NetworkHolder', 'Web/Reconcile']);
    const app = byPath(all, 'Web');
    expect(app.log_driver).toBe('local');
    expect(app.name).toBe('test-web-${substr(uuid(), 0, 8)}');
    expect(json.resource).not.toHaveProperty('terraform_data');
  });
});

describe('UpdateOrder.START_FIRST (the default): a network holder and app containers that overlap', () => {
  test('the holder owns the network side, hardened, running Python from the base image, which a new base never replaces', () => {
    const { holder, stack, image } = setup({ publish: [{ hostPort: 8080 }] });
    expect(holder).toEqual({
      name: 'test-web',
      image: expect.stringMatching(/^\$\{docker_image\.Web_NetworkHolderImage_[0-9A-F]+\.image_id\}$/),
      entrypoint: ['python3', '-c', 'import signal, sys; signal.signal(signal.SIGTERM, lambda *_: sys.exit(0)); signal.pause()'],
      user: '65534:65534',
      read_only: true,
      security_opts: ['no-new-privileges:true'],
      capabilities: { drop: ['ALL'] },
      memory: 32,
      memory_swap: 64,
      ports: [{ internal: 8123, external: 8080, ip: '127.0.0.1', protocol: 'tcp' }],
      sysctls: { 'net.ipv4.tcp_migrate_req': '1' },
      restart: 'unless-stopped',
      log_driver: 'json-file',
      log_opts: { 'max-file': '3', 'max-size': '10m' },
      // Neither a new base image nor a logging change replaces it.
      lifecycle: { ignore_changes: ['image', 'log_driver', 'log_opts'] },
      // Destroyed before its guard, which then finds what no state holds (test/private/orphans.test.ts).
      depends_on: [expect.stringMatching(/^docker_container\.Web_DestroyGuard_[0-9A-F]+$/)],
    });
    const images = JSON.parse(Testing.synth(stack)).resource.docker_image;
    const holderImage = Object.entries<any>(images).find(([key]) => key.startsWith('Web_NetworkHolderImage'))![1];
    expect(holderImage).toMatchObject({ name: `python:${image.pythonVersion}-slim`, keep_locally: true });
    expect(holderImage).not.toHaveProperty('build');
  });

  test('app and release containers join the holder, are created before the old ones go, and each gets a name of its own, drawn at apply and kept', () => {
    const { all, res, stack } = setup({ releaseCommand: ReleaseCommand.exec(['flask', 'db', 'upgrade']) });
    const release = byPath(all, 'Web/Release');
    for (const r of [res, release]) {
      expect(r.network_mode).toMatch(/^container:\$\{docker_container\.Web_NetworkHolder_[0-9A-F]+\.id\}$/);
      expect(r.lifecycle).toMatchObject({ create_before_destroy: true, ignore_changes: ['name'] });
      expect(r).not.toHaveProperty('networks_advanced');
      expect(r).not.toHaveProperty('ports');
    }
    expect(release.name).toBe('test-web-release-${substr(uuid(), 0, 8)}');
    expect(res.name).toBe('test-web-${substr(uuid(), 0, 8)}');
    expect(release.labels).toEqual([{ label: 'cdktf-wsgi.container', value: 'test-web' }]);
    // The release command is not gunicorn: it gets the app's environment without reuse_port.
    expect(release).not.toHaveProperty('env');
    const images = JSON.parse(Testing.synth(stack)).resource.docker_image;
    const appImage = Object.entries<any>(images).find(([key]) => key.startsWith('Image_'))![1];
    expect(appImage.lifecycle).toEqual({ create_before_destroy: true });
    // An old image left by a failed deploy is removed even while its container is still going.
    expect(appImage.force_remove).toBe(true);
  });

  test('no resource besides the containers decides when they are replaced: the provider\'s own replacement rules do', () => {
    const json = JSON.parse(Testing.synth(setup({ releaseCommand: ReleaseCommand.exec(['true']) }).stack));
    expect(json.resource).not.toHaveProperty('terraform_data');
    expect(Object.keys(json.resource).sort()).toEqual(['docker_container', 'docker_image']);
    for (const c of Object.values<any>(json.resource.docker_container)) {
      expect(c.lifecycle ?? {}).not.toHaveProperty('replace_triggered_by');
    }
  });

  test('the user\'s GUNICORN_CMD_ARGS follow the library\'s reuse_port', () => {
    expect(setup({ environment: { GUNICORN_CMD_ARGS: '--log-level debug' } }).res.env).toEqual(['GUNICORN_CMD_ARGS=--reuse-port --bind 0.0.0.0:8123 --log-level debug']);
    expect(setup({ updateOrder: UpdateOrder.STOP_FIRST, environment: { GUNICORN_CMD_ARGS: '--log-level debug' } }).res.env).toEqual(['GUNICORN_CMD_ARGS=--reuse-port --bind 0.0.0.0:8123 --log-level debug']);
  });

  test('UpdateOrder.STOP_FIRST runs in the same holder, replacing each container destroy-first', () => {
    const releaseCommand = ReleaseCommand.exec(['true']);
    const stop = setup({ updateOrder: UpdateOrder.STOP_FIRST, publish: [{ hostPort: 8080 }], releaseCommand });
    const start = setup({ publish: [{ hostPort: 8080 }], releaseCommand });
    expect(Object.keys(stop.all)).toEqual(['Web/App', 'Web/DestroyGuard', 'Web/NetworkHolder', 'Web/Reconcile', 'Web/Release']);
    // The holder is the same in either order, so switching the order leaves it in place.
    expect(stop.holder).toEqual(start.holder);
    expect(stop.all['Web/DestroyGuard']).toEqual(start.all['Web/DestroyGuard']);
    expect(stop.res.name).toBe('test-web-${substr(uuid(), 0, 8)}');
    expect(stop.res.network_mode).toMatch(/^container:\$\{docker_container\.Web_NetworkHolder_[0-9A-F]+\.id\}$/);
    expect(stop.res).not.toHaveProperty('ports');
    expect(stop.res.labels).toContainEqual({ label: 'cdktf-wsgi.container', value: 'test-web' });
    const destroyFirst = { ignore_changes: ['name'] };
    expect(stop.res.lifecycle).toEqual(destroyFirst);
    expect(stop.all['Web/Release'].lifecycle).toEqual({ ...destroyFirst, postcondition: start.all['Web/Release'].lifecycle.postcondition });
    // create-before-destroy on the step would spread to the app container it depends on.
    expect(stop.all['Web/Reconcile'].lifecycle).toEqual({ ...destroyFirst, postcondition: start.all['Web/Reconcile'].lifecycle.postcondition });
    expect(stop.web.networkHolder).toBeDefined();
    expect(stop.web.resource.node.id).toBe('App');
    const json = JSON.parse(Testing.synth(stop.stack));
    expect(Object.keys(json.resource.docker_image)).toHaveLength(2);
    const appImage = json.resource.docker_image[Object.keys(json.resource.docker_image).find(k => k.startsWith('Image_'))!];
    expect(appImage).not.toHaveProperty('lifecycle');
    // What an interrupted apply left still uses the image when destroy removes it; the guard removes that after.
    expect(appImage.force_remove).toBe(true);
  });

  test('UpdateOrder.STOP_FIRST hands the address of earlier releases\' one container to the holder, and START_FIRST does not', () => {
    const stop = JSON.parse(Testing.synth(setup({ updateOrder: UpdateOrder.STOP_FIRST }).stack));
    const holder = Object.keys(stop.resource.docker_container).find(k => k.startsWith('Web_NetworkHolder_'));
    const start = setup();
    const startApp = Object.keys(JSON.parse(Testing.synth(start.stack)).resource.docker_container).find(k => /^Web_[0-9A-F]{8}$/.test(k));
    expect(stop.moved).toEqual([{ from: `docker_container.${startApp}`, to: `docker_container.${holder}` }]);
    expect(start.web.resource.node.id).toBe('Resource');
    expect(JSON.parse(Testing.synth(start.stack))).not.toHaveProperty('moved');
  });

  test('bad input: a fixed image tag, an unknown order, a name too long for its generations', () => {
    const { stack } = newStack();
    const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'manager:app', imageTag: 'v1' });
    expect(() => new WsgiContainer(stack, 'Web', { image })).toThrow(
      'test/Web: \'image\' "cdktf-wsgi/test-image:v1" has a fixed tag, but UpdateOrder.START_FIRST builds the new image before the old one is removed, '
      + 'and the provider removes the old one by that tag, which is the new one\'s. Fix: leave `imageTag` unset on the WsgiImage, or set updateOrder: UpdateOrder.STOP_FIRST');
    expect(() => new WsgiContainer(stack, 'Stop', { image, updateOrder: UpdateOrder.STOP_FIRST })).not.toThrow();
    expect(() => setup({ updateOrder: 'sideways' as UpdateOrder })).toThrow(
      'test/Web: \'updateOrder\' "sideways" is not an update order. Fix: use UpdateOrder.START_FIRST or UpdateOrder.STOP_FIRST');
    expect(() => setup({ containerName: 'a'.repeat(110) })).toThrow(
      `test/Web: 'containerName' "${'a'.repeat(110)}" is too long to name the app, release and reconcile containers of each deploy (<name>-reconcile-<8 characters>). Fix: use a name of at most 109 characters`);
    expect(setup({ containerName: 'a'.repeat(109) }).holder!.name).toBe('a'.repeat(109));
  });
});

describe('UpdateOrder.START_FIRST: what an interrupted apply leaves is taken out of service', () => {
  const hardened = {
    image: expect.stringMatching(/^\$\{docker_image\.Web_NetworkHolderImage_[0-9A-F]+\.image_id\}$/),
    volumes: [{ host_path: '/var/run/docker.sock', container_path: '/var/run/docker.sock' }],
    network_mode: 'none',
    user: '0:0',
    read_only: true,
    security_opts: ['no-new-privileges:true'],
    capabilities: { drop: ['ALL'] },
    memory: 32,
    memory_swap: 64,
    log_driver: 'json-file',
    log_opts: { 'max-file': '3', 'max-size': '10m' },
  };

  test('a reconcile step runs once per generation, after its app and release containers, keeping them', () => {
    const { all } = setup({ releaseCommand: ReleaseCommand.exec(['flask', 'db', 'upgrade']), labels: { team: 'a' } }, 30);
    const step = byPath(all, 'Web/Reconcile');
    expect(step).toEqual({
      ...hardened,
      name: 'test-web-reconcile-${substr(uuid(), 0, 8)}',
      entrypoint: ['python3', '-c', expect.stringContaining("for app in labelled('cdktf-wsgi.container=' + APP):")],
      env: [
        'CDKTF_WSGI_APP=test-web',
        expect.stringMatching(/^CDKTF_WSGI_KEEP=\$\{docker_container\.Web_[0-9A-F]+\.id\},\$\{docker_container\.Web_Release_[0-9A-F]+\.id\}$/),
        'CDKTF_WSGI_STOP_SECONDS=35',
        'CDKTF_WSGI_REMOVE_AT_ONCE=false',
      ],
      labels: [{ label: 'cdktf-wsgi.reconcile', value: 'test-web' }, { label: 'team', value: 'a' }],
      attach: true,
      logs: true,
      tty: true,
      must_run: false,
      restart: 'no',
      lifecycle: {
        create_before_destroy: true,
        ignore_changes: ['name'],
        postcondition: [{ condition: '${self.exit_code == 0}', error_message: expect.stringMatching(/^The reconcile step of test\/Web failed with exit code \$\{self\.exit_code\}\. Its output:\n\$\{replace/) }],
      },
    });
  });

  test('a destroy guard the holder depends on sleeps, restarted as the app is, and looks for two minutes after each start for apps the daemon started before their holder', () => {
    const { all } = setup({ restartPolicy: RestartPolicy.ALWAYS, dockerSocketPath: '/run/user/1000/docker.sock' });
    expect(byPath(all, 'Web/DestroyGuard')).toEqual({
      ...hardened,
      volumes: [{ host_path: '/run/user/1000/docker.sock', container_path: '/var/run/docker.sock' }],
      name: 'test-web-guard-${substr(uuid(), 0, 8)}',
      entrypoint: ['python3', '-c', expect.stringContaining('signal.signal(signal.SIGTERM, on_stop)')],
      env: ['CDKTF_WSGI_APP=test-web', 'CDKTF_WSGI_STOP_SECONDS=30', 'CDKTF_WSGI_START_WINDOW_SECONDS=120'],
      labels: [{ label: 'cdktf-wsgi.destroy-guard', value: 'test-web' }],
      restart: 'always',
      stop_timeout: 30,
      destroy_grace_seconds: 30,
      lifecycle: { create_before_destroy: true, ignore_changes: ['name', 'image', 'log_driver', 'log_opts'] },
    });
    expect(byPath(all, 'Web/Reconcile').volumes).toEqual([{ host_path: '/run/user/1000/docker.sock', container_path: '/var/run/docker.sock' }]);
  });

  test('STOP_FIRST has both, keeping the same containers', () => {
    const { all, web } = setup({ updateOrder: UpdateOrder.STOP_FIRST, dockerSocketPath: '/run/docker.sock' });
    expect(web.reconcileResource).toBeDefined();
    expect(web.destroyGuard).toBeDefined();
    expect(byPath(all, 'Web/Reconcile').env[1]).toMatch(/^CDKTF_WSGI_KEEP=\$\{docker_container\.Web_App_[0-9A-F]+\.id\}$/);
    // Provider 3.6.2 here: destroy-first, nothing the step meets is in the state, so it removes at once.
    expect(byPath(all, 'Web/Reconcile').env[3]).toBe('CDKTF_WSGI_REMOVE_AT_ONCE=true');
    expect(byPath(all, 'Web/DestroyGuard').volumes).toEqual([{ host_path: '/run/docker.sock', container_path: '/var/run/docker.sock' }]);
  });

  test('bad input: a relative socket path', () => {
    expect(() => setup({ dockerSocketPath: 'docker.sock' })).toThrow(
      'test/Web: \'dockerSocketPath\' "docker.sock" is not an absolute path. Fix: use the socket\'s path on the Docker host, such as "/var/run/docker.sock"');
  });
});
