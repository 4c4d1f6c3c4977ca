import { container } from '@cdktf/provider-docker';
import { TerraformVariable, Testing } from 'cdktf';
import { Duration, HealthCheck, Protocol, RestartPolicy, WsgiContainer, WsgiImage } from '../src';
import { newStack, resources, writeSource } from './util';

function setup(props: Partial<ConstructorParameters<typeof WsgiContainer>[2]> = {}, gracefulSeconds?: number) {
  const { app, stack } = newStack();
  const image = new WsgiImage(stack, 'Image', {
    source: writeSource(),
    entrypoint: 'manager:app',
    port: 8123,
    gunicorn: gracefulSeconds === undefined ? undefined : { gracefulTimeout: Duration.seconds(gracefulSeconds) },
  });
  const web = new WsgiContainer(stack, 'Web', { image, ...props });
  return { app, stack, image, web, res: resources(stack, 'docker_container')[0] };
}

describe('WsgiContainer defaults', () => {
  const { res, web, image } = setup({ publish: [{ hostPort: 8080 }] });

  test('runs the image by ID and publishes the image port on loopback over TCP', () => {
    expect(res.image).toMatch(/^\$\{docker_image\.Image_[0-9A-F]+\.image_id\}$/);
    expect(res.ports).toEqual([{ internal: 8123, external: 8080, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(web.containerPort).toBe(image.port);
    expect(web.publishedPorts).toEqual(['127.0.0.1:8080/tcp']);
  });

  test('documented defaults: name, restart policy, health check, wait', () => {
    expect(res.name).toBe('test-web');
    expect(res.restart).toBe('unless-stopped');
    expect(res.healthcheck).toEqual({
      test: ['CMD', 'python3', '-c', expect.stringContaining('urllib.request.urlopen'), '8123', '/', '4.5', '500'],
      interval: '10s',
      timeout: '5s',
      start_period: '10s',
      retries: 3,
    });
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
    for (const key of ['env', 'memory', 'cpus', 'networks_advanced', 'volumes', 'init']) {
      expect(res).not.toHaveProperty(key);
    }
  });

  test('carries a hash of the settings provider 3.6.2 never updates in place, as a ForceNew label', () => {
    expect(res.labels).toEqual([{ label: 'cdktf-wsgi.unapplied-settings-hash', value: expect.stringMatching(/^[0-9a-f]{16}$/) }]);
    const label = (r: any) => r.labels[0].value;
    expect(label(setup({ publish: [{ hostPort: 9999 }], environment: { A: '1' } }).res)).toBe(label(res));
    expect(label(setup({ healthCheck: HealthCheck.http('/healthz') }).res)).not.toBe(label(res));
    expect(label(setup({ healthCheck: HealthCheck.http('/', { healthyBelowStatus: 500, retries: 4 }) }).res)).not.toBe(label(res));
    expect(label(setup({ tmpSizeMiB: 32 }).res)).not.toBe(label(res));
    expect(label(setup({ readOnlyRootFilesystem: false }).res)).not.toBe(label(res));
  });

  test('no published port unless asked', () => {
    expect(setup().res).not.toHaveProperty('ports');
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
    const { res } = setup({ healthCheck: HealthCheck.http('/', { interval: Duration.millis(1500), timeout: Duration.seconds(2), startPeriod: Duration.seconds(60) }) });
    expect(res.healthcheck).toMatchObject({ interval: '1.5s', timeout: '2s', start_period: '1m0s' });
  });

  test('labels go on the container next to the library\'s own; none by default', () => {
    expect(setup().res.labels).toEqual([{ label: WsgiContainer.UNAPPLIED_SETTINGS_LABEL, value: expect.stringMatching(/^[0-9a-f]{16}$/) }]);
    const { res } = setup({ labels: { 'com.example.team': 'web' } });
    expect(res.labels.slice(1)).toEqual([{ label: 'com.example.team', value: 'web' }]);
  });

  test('a label key of the library\'s own, and a variable set twice, fail with the whole message', () => {
    expect(() => setup({ labels: { [WsgiContainer.UNAPPLIED_SETTINGS_LABEL]: 'x' } })).toThrow(
      'test/Web: \'labels key\' "cdktf-wsgi.unapplied-settings-hash" is not a label key of your own (letters, digits, ".", "_", "-", "/", '
      + 'starting with a letter or digit; not cdktf-wsgi.unapplied-settings-hash). Fix: use a key such as "com.example.team"');
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
    const { res } = setup({
      environment: { B: '2', A: 'x=y' },
      memoryMiB: 256,
      cpus: 1.5,
      networks: ['backend'],
      volumes: [{ containerPath: '/data', volumeName: 'state' }, { containerPath: '/cfg', hostPath: '/etc/app', readOnly: true }],
      restartPolicy: RestartPolicy.ON_FAILURE,
      tmpSizeMiB: 16,
      publish: [{ hostPort: 80, hostIp: '0.0.0.0', protocol: Protocol.TCP }],
    });
    expect(res.env).toEqual(['A=x=y', 'B=2']);
    expect(res.memory).toBe(256);
    expect(res.cpus).toBe('1.5');
    expect(res.networks_advanced).toEqual([{ name: 'backend' }]);
    expect(res.volumes).toEqual([
      { container_path: '/data', volume_name: 'state', read_only: false },
      { container_path: '/cfg', host_path: '/etc/app', read_only: true },
    ]);
    expect(res.restart).toBe('on-failure');
    expect(res.tmpfs).toEqual({ '/tmp': 'rw,noexec,nosuid,nodev,size=16m' });
    expect(res.ports[0]).toMatchObject({ ip: '0.0.0.0', external: 80 });
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
    expect(resources(stack, 'docker_container')[0].env).toEqual(['SECRET_KEY=${var.secret}']);
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
    const containers = Object.values<any>(json.resource.docker_container);
    expect(containers).toHaveLength(1);
    expect(containers[0].log_driver).toBe('local');
    expect(containers[0].name).toBe(web.containerName);
  });
});
