import { TerraformVariable, Testing } from 'cdktf';
import { Duration, HealthCheck, PublishMode, ServiceMode, ServiceRestartCondition, UpdateOrder, WsgiContainer, WsgiImage, WsgiService } from '../src';
import { newStack, resources, writeSource } from './util';

function setup(imageProps: object = {}) {
  const { app, stack } = newStack();
  const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'app:app', ...imageProps });
  return { app, stack, image };
}

describe('WsgiService with PublishMode.HOST_NETWORK', () => {
  const synth = (props: object) => {
    const { stack, image } = setup({ port: 8123 });
    new WsgiService(stack, 'Web', { image, ...props });
    const json = JSON.parse(Testing.synth(stack));
    return { svc: Object.values<any>(json.resource.docker_service)[0], json };
  };
  const { svc, json } = synth({ mode: ServiceMode.replicated(3), publish: [{ publishedPort: 18500, mode: PublishMode.HOST_NETWORK }], environment: { GUNICORN_CMD_ARGS: '--log-level debug' } });

  test('the tasks join the node\'s host network and gunicorn binds the published port with reuse_port, before the user\'s own arguments', () => {
    expect(svc.task_spec.networks_advanced).toEqual([{ name: '${data.docker_network.Web_HostNetwork_89809BA3.id}' }]);
    expect(json.data.docker_network.Web_HostNetwork_89809BA3).toEqual({ name: 'host' });
    expect(svc.task_spec.container_spec.env).toEqual({ GUNICORN_CMD_ARGS: '--reuse-port --bind 0.0.0.0:18500 --log-level debug' });
    const hostNetwork = (publishedPort: number) => ({ publishedPort, mode: PublishMode.HOST_NETWORK });
    const two = synth({ publish: [hostNetwork(18500), hostNetwork(18501)] }).svc;
    expect(two.task_spec.container_spec.env).toEqual({ GUNICORN_CMD_ARGS: '--reuse-port --bind 0.0.0.0:18500 --bind 0.0.0.0:18501' });
    expect(svc).not.toHaveProperty('endpoint_spec');
    // Several tasks per node, started first: the old one stops only once the new one is healthy.
    expect(svc.task_spec).not.toHaveProperty('placement');
    expect(svc.update_config.order).toBe('start-first');
    expect(svc.rollback_config.order).toBe('start-first');
  });

  test('the health check probes the published port, where the app listens', () => {
    expect(svc.task_spec.container_spec.healthcheck.test.slice(-4)).toEqual(['18500', '/', '4.5', '500']);
    // The tasks share the port: the probe counts only an answer from its own task's processes.
    expect(svc.task_spec.container_spec.healthcheck.test[3]).toContain('/proc/net/tcp');
    const own = synth({}).svc.task_spec.container_spec.healthcheck.test;
    expect(own.slice(-4)).toEqual(['8123', '/', '4.5', '500']);
    expect(own[3]).toContain('urllib.request.urlopen');
  });

  test('Swarm\'s own ID for the host network is never planned away; joining or leaving the node\'s namespace replaces the service', () => {
    expect(svc.lifecycle).toEqual({ ignore_changes: ['task_spec[0].networks_advanced'], replace_triggered_by: ['terraform_data.Web_NetworkNamespace_BCFD1BA4'] });
    expect(json.resource.terraform_data.Web_NetworkNamespace_BCFD1BA4).toEqual({ input: { namespace: 'node' } });
    const own = synth({ publish: [{ publishedPort: 18500 }] });
    expect(own.svc.lifecycle).toEqual({ replace_triggered_by: ['terraform_data.Web_NetworkNamespace_BCFD1BA4'] });
    expect(own.json.resource.terraform_data.Web_NetworkNamespace_BCFD1BA4).toEqual({ input: { namespace: 'task' } });
    expect(own.svc.task_spec.container_spec).not.toHaveProperty('env');
  });
});

describe('WsgiService', () => {
  test('defaults: 2 replicas, the container\'s hardening and health check, start-first rolling updates that roll back, converge wait', () => {
    const { stack, image } = setup();
    const web = new WsgiService(stack, 'Web', { image });
    const [svc] = resources(stack, 'docker_service');
    expect(web.serviceName).toBe('test-web');
    expect(web.stopTimeout.toSeconds()).toBe(35);
    expect(svc.mode).toEqual({ replicated: { replicas: 2 } });
    const spec = svc.task_spec.container_spec;
    expect(spec.image).toBe('${docker_image.Image_9D742C96.name}');
    expect(spec.user).toBe('10001:10001');
    expect(spec.read_only).toBe(true);
    expect(spec.cap_drop).toEqual(['ALL']);
    expect(spec.stop_signal).toBe('SIGTERM');
    expect(spec.stop_grace_period).toBe('35s');
    // No tmpfs_options: provider 3.6.2 panics on the block.
    expect(spec.mounts).toEqual([{ type: 'tmpfs', target: '/tmp' }]);
    expect(spec.healthcheck).toEqual({ test: expect.any(Array), interval: '10s', timeout: '5s', start_period: '10s', retries: 3 });
    expect(spec.healthcheck.test.slice(-3)).toEqual(['/', '4.5', '500']);
    // 10 s start + (10 s + 5 s) × 3 + 5 s: a task failing its health check shows within the window.
    // Durations and the ratio in the form the provider reads back (Go's), or every plan shows a change.
    expect(svc.update_config).toEqual({ parallelism: 1, delay: '0s', order: 'start-first', monitor: '1m', max_failure_ratio: '0.0', failure_action: 'rollback' });
    expect(svc.rollback_config).toEqual({ parallelism: 1, delay: '0s', order: 'start-first', monitor: '1m', max_failure_ratio: '0.0', failure_action: 'pause' });
    expect(svc.converge_config).toEqual({ delay: '2s', timeout: '180s' });
    expect(svc.task_spec.restart_policy).toEqual({ condition: 'any', delay: '5s', window: '1m' });
    expect(svc.endpoint_spec).toBeUndefined();
    expect(svc.labels).toBeUndefined();
    expect(svc.task_spec.placement).toBeUndefined();
    expect(svc.task_spec.networks_advanced).toBeUndefined();
    expect(svc.task_spec.resources).toBeUndefined();
    expect(svc.task_spec.container_spec.secrets).toBeUndefined();
    expect(svc.task_spec.container_spec.env).toBeUndefined();
    expect(web.node.metadata.filter(m => m.type === '@cdktf/info').map(m => m.data)).toEqual([
      'the tasks run test/Image from the local image store of the node Terraform talks to: with more than one node, '
      + 'set pushToRegistry (and a registry `repository` on the image), or a placement constraint that keeps the tasks on that node',
    ]);
    const [img] = resources(stack, 'docker_image');
    expect(img.lifecycle).toEqual({ create_before_destroy: true });
    expect(img.force_remove).toBe(true);
  });

  test('global mode, ingress and host ports, resources, placement, networks, labels', () => {
    const { stack, image } = setup();
    new WsgiService(stack, 'Web', {
      image,
      mode: ServiceMode.everyNode(),
      publish: [{ publishedPort: 8080, mode: PublishMode.HOST }],
      memoryMiB: 256,
      memoryReservationMiB: 128,
      cpus: 0.5,
      cpuReservation: 0.25,
      restartCondition: ServiceRestartCondition.ON_FAILURE,
      update: { delay: Duration.minutes(1) },
      placementConstraints: ['node.role == worker'],
      networks: ['backend'],
      labels: { 'com.example.team': 'web' },
    });
    const [svc] = resources(stack, 'docker_service');
    expect(svc.mode).toEqual({ global: true });
    expect(svc.endpoint_spec).toEqual({ ports: [{ target_port: 8000, published_port: 8080, protocol: 'tcp', publish_mode: 'host' }] });
    expect(svc.task_spec.resources).toEqual({
      limits: { memory_bytes: 256 * 1048576, nano_cpus: 500_000_000 },
      reservation: { memory_bytes: 128 * 1048576, nano_cpus: 250_000_000 },
    });
    expect(svc.task_spec.placement).toEqual({ constraints: ['node.role == worker'], max_replicas: 1 });
    // By ID, through a lookup: Swarm keeps networks by ID, and a name here would replace the service at every apply.
    expect(svc.task_spec.networks_advanced).toEqual([{ name: '${data.docker_network.Web_Network0_7E986F5A.id}' }]);
    expect(JSON.parse(Testing.synth(stack)).data.docker_network).toEqual({ Web_Network0_7E986F5A: { name: 'backend' } });
    expect(svc.update_config.order).toBe('stop-first');
    expect(svc.update_config.delay).toBe('1m');
    expect(svc.labels).toEqual([{ label: 'com.example.team', value: 'web' }]);
    // Provider 3.6.2 refuses converge_config with global mode.
    expect(svc.converge_config).toBeUndefined();
  });

  test('secrets: a Swarm secret per variable, mounted as a file for the app user, named by a hash of the value', () => {
    const { app, stack, image } = setup();
    const key = new TerraformVariable(stack, 'key', { type: 'string', sensitive: true });
    new WsgiService(stack, 'Web', { image, environment: { MODE: 'prod' }, secrets: { DJANGO_SECRET_KEY: key.stringValue } });
    const [svc] = resources(stack, 'docker_service');
    const [sec] = resources(stack, 'docker_secret');
    expect(sec.name).toBe('test-web-django-secret-key-${substr(sha256(var.key), 0, 12)}');
    expect(sec.data).toBe('${base64encode(var.key)}');
    expect(sec.lifecycle).toEqual({ create_before_destroy: true });
    expect(svc.task_spec.container_spec.secrets).toEqual([{
      secret_id: '${docker_secret.Web_SecretDJANGO_SECRET_KEY_890D44A2.id}',
      secret_name: '${docker_secret.Web_SecretDJANGO_SECRET_KEY_890D44A2.name}',
      file_name: 'DJANGO_SECRET_KEY',
      file_uid: '10001',
      file_gid: '10001',
      file_mode: 0o400,
    }]);
    expect(svc.task_spec.container_spec.env).toEqual({ MODE: 'prod', CDKTF_WSGI_SECRET_FILES: 'DJANGO_SECRET_KEY' });
    void app;
  });

  test('pushToRegistry: a docker_registry_image, and tasks pinned by digest', () => {
    const { stack, image } = setup({ repository: '127.0.0.1:5000/team/app' });
    const web = new WsgiService(stack, 'Web', { image, pushToRegistry: true });
    const [pushed] = resources(stack, 'docker_registry_image');
    expect(pushed).toMatchObject({ name: '${docker_image.Image_9D742C96.name}', keep_remotely: false, triggers: { fingerprint: image.fingerprint } });
    expect(resources(stack, 'docker_service')[0].task_spec.container_spec.image)
      .toBe('${docker_image.Image_9D742C96.name}@${docker_registry_image.Image_Registry_DA5BD3C0.sha256_digest}');
    expect(web.registryResource).toBe(image.registryResource);
    expect(web.node.metadata.filter(m => m.type === '@cdktf/info')).toEqual([]);
    // A second service of the same image runs the same push.
    const other = new WsgiService(stack, 'Other', { image, pushToRegistry: true });
    expect(other.registryResource).toBe(web.registryResource);
    expect(resources(stack, 'docker_registry_image')).toHaveLength(1);
    expect(() => new WsgiService(stack, 'Third', { image, pushToRegistry: true, keepPushedImages: true })).toThrow(
      'test/Third: \'keepPushedImages\' true differs from another service\'s setting for test/Image, which is pushed once. Fix: give every service of one image the same keepPushedImages');
  });

  test.each([
    ['start-first with a host-mode port', { publish: [{ publishedPort: 8080, mode: PublishMode.HOST }], update: { order: UpdateOrder.START_FIRST } },
      'test/Web: \'update.order\' "start-first" starts the new task before the old one stops, but a port is published in host mode, which the old task still holds on that node, '
      + 'so the new task could not bind it. Fix: use UpdateOrder.STOP_FIRST, or publish in PublishMode.INGRESS or PublishMode.HOST_NETWORK'],
    ['a host-network port below 1024', { publish: [{ publishedPort: 80, mode: PublishMode.HOST_NETWORK }] },
      'test/Web: \'publish[0].publishedPort\' 80 is below 1024, which the app cannot bind in the node\'s network namespace without privileges. '
      + 'Fix: publish a port from 1024 (with a proxy in front for 80 or 443), or use PublishMode.INGRESS'],
    ['host network mixed with the mesh', { publish: [{ publishedPort: 8080, mode: PublishMode.HOST_NETWORK }, { publishedPort: 8081 }] },
      'test/Web: \'publish\' "8080/host-network, 8081/ingress" mixes PublishMode.HOST_NETWORK with other modes, but a task is either in the node\'s network namespace or in its own. '
      + 'Fix: publish every port in one of the two'],
    ['host network with networks', { publish: [{ publishedPort: 8080, mode: PublishMode.HOST_NETWORK }], networks: ['backend'] },
      'test/Web: \'networks\' "backend" cannot be joined by tasks in the node\'s network namespace (PublishMode.HOST_NETWORK). Fix: remove the networks, or publish with PublishMode.INGRESS'],
    ['push without a registry in the repository', { pushToRegistry: true },
      'test/Web: \'pushToRegistry\' true needs the image\'s repository to name a registry, but test/Image is cdktf-wsgi/test-image. '
      + 'Fix: set `repository` on the WsgiImage to the registry\'s name for it, e.g. "registry.example.com:5000/team/app"'],
    ['a negative replica count', { mode: ServiceMode.replicated(-1) },
      'test/Web: \'mode.replicas\' -1 is out of range: must be a whole number from 0 to 10000. Fix: use a replica count such as 3'],
    ['a failure ratio above 1', { update: { maxFailureRatio: 2 } },
      'test/Web: \'update.maxFailureRatio\' 2 is not a fraction from 0 to 1. Fix: use 0 (no failure tolerated) up to 1'],
    ['a failure ratio finer than one decimal', { update: { maxFailureRatio: 0.25 } },
      'test/Web: \'update.maxFailureRatio\' 0.25 has more than one decimal, which provider 3.6.2 reads back rounded, so every plan would show a change. Fix: use a multiple of 0.1, e.g. 0.2'],
    ['a converge timeout on a global service', { mode: ServiceMode.everyNode(), convergeTimeout: Duration.minutes(5) },
      'test/Web: \'convergeTimeout\' "300s" cannot be combined with ServiceMode.everyNode(): the provider waits for convergence only for replicated services. '
      + 'Fix: remove convergeTimeout, or use ServiceMode.replicated(n)'],
    ['an invalid service name', { serviceName: '-web' },
      'test/Web: \'serviceName\' "-web" is not a valid service name (letters, digits, "_", ".", "-", at most 63, starting with a letter or digit). Fix: use a name such as "web"'],
    ['a published port out of range', { publish: [{ publishedPort: 0 }] },
      'test/Web: \'publish[0].publishedPort\' 0 is out of range: must be a whole number from 1 to 65535. Fix: use a free port from 1 to 65535'],
    ['a port published twice', { publish: [{ publishedPort: 8080 }, { publishedPort: 8080, mode: PublishMode.HOST }] },
      'test/Web: \'publish[1].publishedPort\' 8080 is published twice by this service. Fix: publish each port once'],
    ['an unknown publish mode', { publish: [{ publishedPort: 8080, mode: 'mesh' as PublishMode }] },
      'test/Web: \'publish[0].mode\' "mesh" is not a publish mode. Fix: use PublishMode.INGRESS, PublishMode.HOST or PublishMode.HOST_NETWORK'],
    ['a secret with an invalid name', { secrets: { 'BAD-NAME': 'x' } },
      'test/Web: \'secrets key\' "BAD-NAME" is not a valid variable name (letters, digits and underscores, not starting with a digit). Fix: rename the variable, e.g. "DATABASE_URL"'],
    ['a secret named like the library\'s own variable', { secrets: { CDKTF_WSGI_SECRET_FILES: 'x' } },
      'test/Web: \'secrets key\' "CDKTF_WSGI_SECRET_FILES" is the library\'s own variable. Fix: choose another name'],
    ['an unknown update order', { update: { order: 'random' as UpdateOrder } },
      'test/Web: \'update.order\' "random" is not an update order. Fix: use UpdateOrder.START_FIRST or UpdateOrder.STOP_FIRST'],
    ['a fractional update delay', { update: { delay: Duration.millis(1500) } },
      'test/Web: \'update.delay\' "1500ms" must be a whole number of seconds, at least 0. Fix: use Duration.seconds(n)'],
    ['a negative rollback parallelism', { rollback: { parallelism: -1 } },
      'test/Web: \'rollback.parallelism\' -1 is out of range: must be a whole number from 0 to 10000. Fix: use 1 (one task at a time) or more; 0 updates all at once'],
    ['a zero converge timeout', { convergeTimeout: Duration.seconds(0) },
      'test/Web: \'convergeTimeout\' "0s" must be a whole number of seconds, at least 1. Fix: use Duration.minutes(n)'],
    ['a memory limit below Docker\'s minimum', { memoryMiB: 2 },
      'test/Web: \'memoryMiB\' 2 is out of range: must be a whole number from 6 to 2147483647. Fix: use at least 6 MiB (Docker\'s minimum); a WSGI app usually needs 128 or more'],
    ['a zero CPU reservation', { cpuReservation: 0 },
      'test/Web: \'cpuReservation\' 0 must be a positive number of CPUs. Fix: use a value such as 0.5 or 2'],
    ['an unknown restart condition', { restartCondition: 'sometimes' as ServiceRestartCondition },
      'test/Web: \'restartCondition\' "sometimes" is not a restart condition. Fix: use a ServiceRestartCondition value'],
    ['an invalid network name', { networks: ['bad name'] },
      'test/Web: \'networks[0]\' "bad name" is not a valid Docker network name or ID. Fix: use the network\'s name or ID, or a docker_network resource\'s name attribute'],
    ['a network listed twice', { networks: ['backend', 'front', 'backend'] },
      'test/Web: \'networks[2]\' "backend" is already listed as networks[0]. Fix: list each network once'],
    ['a NUL in an environment value', { environment: { A: 'x\0y' } },
      'test/Web: \'environment.A\' "x\\u0000y" is not a string without NUL characters. Fix: pass the value as a plain string'],
    ['a health check start interval', { healthCheck: HealthCheck.http('/', { startInterval: Duration.seconds(1) }) },
      'test/Web: \'healthCheck.startInterval\' "1s" cannot be set on a WsgiService: docker_service has no start_interval in kreuzwerker/docker 3.6.2 or 4.x. Fix: remove it; Swarm runs a task\'s first check one interval after the task starts'],
    ['a bad constraint', { placementConstraints: ['node.role'] },
      'test/Web: \'placementConstraints[0]\' "node.role" is not a constraint of the form "<attribute> == <value>" or "!=". Fix: use a constraint such as "node.role == worker"'],
  ])('%s fails with the whole message', (_, props, message) => {
    const { stack, image } = setup();
    expect(() => new WsgiService(stack, 'Web', { image, ...props })).toThrow(message);
  });

  test('a fixed image tag is refused, a secret also in environment is refused', () => {
    const fixed = setup({ imageTag: 'v1' });
    expect(() => new WsgiService(fixed.stack, 'Web', { image: fixed.image })).toThrow(
      'test/Web: \'image\' "cdktf-wsgi/test-image:v1" has a fixed tag, but a service rolls out by a tag that changes with the image (the old image is removed after the new one exists). '
      + 'Fix: leave `imageTag` unset on the WsgiImage');
    const both = setup();
    expect(() => new WsgiService(both.stack, 'Web', { image: both.image, environment: { K: 'a' }, secrets: { K: 'b' } })).toThrow(
      'test/Web: \'secrets.K\' "<secret>" is also set in `environment`, whose value would win in the app. Fix: set it in one of the two');
  });

  test('a service and a container on the same host port conflict at synth', () => {
    const { stack, image } = setup();
    new WsgiService(stack, 'Svc', { image, publish: [{ publishedPort: 8080 }] });
    new WsgiContainer(stack, 'Web', { image, publish: [{ hostPort: 8080 }] });
    expect(() => Testing.fullSynth(stack)).toThrow([
      'Validation failed with the following errors:',
      '  [test/Svc] test/Svc: \'publish\' "0.0.0.0:8080/tcp" is also published by test/Web ("127.0.0.1:8080/tcp"), so one of the two would fail to start. '
        + 'Fix: give each container and service its own host port',
      '  [test/Web] test/Web: \'publish\' "127.0.0.1:8080/tcp" is also published by test/Svc ("0.0.0.0:8080/tcp"), so one of the two would fail to start. '
        + 'Fix: give each container and service its own host port',
    ].join('\n'));
  });
});
