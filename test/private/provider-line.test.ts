import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import * as fc from 'fast-check';
import { ReleaseCommand, WsgiContainer, WsgiImage, WsgiService } from '../../src';
import { FLAVOUR } from '../../src/private/core/flavour';
import { allowedRange, dockerConstraintOf, lineOfConstraint, ProviderLine, providerLineOf } from '../../src/private/docker/provider-line';
import { containers, newStack, newStackOnBindingsPin, resources, writeSource } from '../util';

const MESSAGE = (constraint: string) => `test: 'terraform.required_providers.docker.version' ${JSON.stringify(constraint)} allows kreuzwerker/docker versions `
  + `${FLAVOUR.packageName} does not render for (it supports exactly 3.6.2, and 4.6 or later below 5.0). Fix: pin "3.6.2" (what @cdktf/provider-docker 12 uses), `
  + 'or choose 4.x with stack.addOverride("terraform.required_providers.docker.version", "~> 4.6")';

describe('Terraform version constraints', () => {
  test.each([
    ['3.6.2', ProviderLine.V3_6_2],
    ['= 3.6.2', ProviderLine.V3_6_2],
    ['>= 3.6.2, <= 3.6.2', ProviderLine.V3_6_2],
    ['4.6.0', ProviderLine.V4],
    ['~> 4.6', ProviderLine.V4],
    ['~> 4.6.0', ProviderLine.V4],
    ['~> 4.7.1', ProviderLine.V4],
    ['>= 4.6, < 5.0', ProviderLine.V4],
    ['>= 4.6.0, < 5.0.0, != 4.7.0', ProviderLine.V4],
    ['> 4.6.0, <= 4.9', ProviderLine.V4],
    ['4.10.3', ProviderLine.V4],
  ])('%s renders for %s', (constraint, line) => {
    expect(lineOfConstraint(constraint)).toBe(line);
  });

  test.each([
    ['3.6.1'], ['~> 3.0'], ['~> 3.6'], ['>= 3.6.2'], ['~> 4.0'], ['~> 4.5'], ['4.5.0'], ['>= 4.6'], ['~> 4'],
    ['>= 4.6, <= 5.0'], ['5.0.0'], ['> 4.6, < 4.6'], ['latest'], [''], ['4.6,'], ['>> 4.6'],
  ])('%j is refused', constraint => {
    expect(lineOfConstraint(constraint)).toBeUndefined();
  });

  test('~> grows only its rightmost given part', () => {
    expect(allowedRange('~> 4.6')).toEqual({ low: { version: [4, 6, 0], inclusive: true }, high: { version: [5, 0, 0], inclusive: false } });
    expect(allowedRange('~> 4.6.1')).toEqual({ low: { version: [4, 6, 1], inclusive: true }, high: { version: [4, 7, 0], inclusive: false } });
  });

  test('property: every exact 4.x release from 4.6 on renders for 4.x, every earlier or later one is refused', () => {
    let accepted = 0;
    fc.assert(fc.property(fc.nat(9), fc.nat(40), fc.nat(40), (major, minor, patch) => {
      const version = `${major}.${minor}.${patch}`;
      const line = lineOfConstraint(version);
      if (major === 4 && minor >= 6) {
        accepted++;
        expect(line).toBe(ProviderLine.V4);
        expect(lineOfConstraint(`~> ${version}`)).toBe(ProviderLine.V4);
      } else if (version === '3.6.2') {
        expect(line).toBe(ProviderLine.V3_6_2);
      } else {
        expect(line).toBeUndefined();
      }
    }), { numRuns: 500 });
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('the constraint a stack synthesizes', () => {
  test('@default: the bindings\' pin (3.6.2; cdktn-wsgi\'s bindings: 4.6.0), from the stack\'s DockerProvider', () => {
    const { stack } = newStackOnBindingsPin();
    const pin = FLAVOUR.packageName === 'cdktf-wsgi' ? '3.6.2' : '4.6.0';
    expect(FLAVOUR.bindingsProviderVersion).toBe(pin);
    expect(dockerConstraintOf(stack)).toBe(pin);
    expect(providerLineOf(stack)).toBe(pin === '3.6.2' ? ProviderLine.V3_6_2 : ProviderLine.V4);
    expect(JSON.parse(Testing.synth(stack)).terraform.required_providers.docker.version).toBe(pin);
  });

  test('@default: the same for a stack without a docker provider', () => {
    const stack = new TerraformStack(Testing.app(), 'bare');
    expect(dockerConstraintOf(stack)).toBe(FLAVOUR.bindingsProviderVersion);
  });

  test('the README\'s one line: a stack override of the version wins, as it does in cdk.tf.json', () => {
    const { stack } = newStack();
    stack.addOverride('terraform.required_providers.docker.version', '~> 4.6');
    expect(dockerConstraintOf(stack)).toBe('~> 4.6');
    expect(providerLineOf(stack)).toBe(ProviderLine.V4);
    expect(JSON.parse(Testing.synth(stack)).terraform.required_providers.docker.version).toBe('~> 4.6');
  });

  test('an override of the whole entry is read too', () => {
    const { stack } = newStack();
    stack.addOverride('terraform.required_providers.docker', { source: 'kreuzwerker/docker', version: '4.6.0' });
    expect(providerLineOf(stack)).toBe(ProviderLine.V4);
  });

  test('a provider whose bindings pin 4.x (CDK Terrain\'s) gives 4.x', () => {
    const { stack } = newStackOnBindingsPin();
    const docker: any = stack.node.findAll().find(c => (c as any).terraformResourceType === 'docker');
    docker.terraformGeneratorMetadata = { ...docker.terraformGeneratorMetadata, providerVersion: '4.6.0' };
    expect(providerLineOf(stack)).toBe(ProviderLine.V4);
  });

  test('each stack is read on its own', () => {
    const app = Testing.app();
    const a = new TerraformStack(app, 'a');
    const b = new TerraformStack(app, 'b');
    a.addOverride('terraform.required_providers.docker.version', '3.6.2');
    b.addOverride('terraform.required_providers.docker.version', '4.6.0');
    expect([providerLineOf(a), providerLineOf(b)]).toEqual([ProviderLine.V3_6_2, ProviderLine.V4]);
  });

  test('an unsupported constraint fails at synth, naming the stack, the constraint and the fix', () => {
    const { stack } = newStack();
    stack.addOverride('terraform.required_providers.docker.version', '~> 3.0');
    new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'manager:app' });
    expect(() => Testing.synth(stack)).toThrow(MESSAGE('~> 3.0'));
  });
});

function synthOn(version: string | undefined) {
  const { stack } = newStack();
  if (version) stack.addOverride('terraform.required_providers.docker.version', version);
  const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'manager:app', port: 8123 });
  new WsgiContainer(stack, 'Web', { image, releaseCommand: ReleaseCommand.exec(['python3', '-c', 'print(1)']) });
  new WsgiService(stack, 'Svc', { image });
  return {
    image: resources(stack, 'docker_image')[0],
    containers: containers(stack),
    service: resources(stack, 'docker_service')[0],
  };
}

describe('what differs between the provider lines (docs/providers.md)', () => {
  const v3 = synthOn(undefined);
  const v4 = synthOn('~> 4.6');
  const app = (r: typeof v3) => r.containers.Web;
  const release = (r: typeof v3) => r.containers['Web/Release'];
  const reconcile = (r: typeof v3) => r.containers['Web/Reconcile'];
  const settingsLabel = (r: typeof v3) => app(r).labels.find((l: any) => l.label === WsgiContainer.UNAPPLIED_SETTINGS_LABEL).value;

  test('the Dockerfile path: the stack directory\'s on 3.6.2, the context\'s on 4.x', () => {
    expect(v3.image.build.dockerfile).toBe(`${v3.image.build.context}/Dockerfile`);
    expect(v4.image.build.dockerfile).toBe('Dockerfile');
    expect(v4.image.build.context).toBe(v3.image.build.context);
  });

  test('the default image tag: the fingerprint\'s start on 3.6.2, another one on 4.x (an upgrade must not reuse the name)', () => {
    expect(v3.image.name).toMatch(/^cdktf-wsgi\/test-image:[0-9a-f]{16}$/);
    expect(v4.image.name).toMatch(/^cdktf-wsgi\/test-image:[0-9a-f]{16}$/);
    expect(v4.image.name).not.toBe(v3.image.name);
    expect(v4.image.triggers).toEqual(v3.image.triggers);
    expect(v3.image.name).toBe(`cdktf-wsgi/test-image:${v3.image.triggers.fingerprint.slice(0, 16)}`);
  });

  test('the default tag is made for the line pinned when the image is created; a pin changed later fails synth', () => {
    const { stack } = newStack();
    const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'manager:app' });
    stack.addOverride('terraform.required_providers.docker.version', '~> 4.6');
    expect(() => Testing.synth(stack)).toThrow('test/Image: \'imageTag\' undefined defaults to a tag made for kreuzwerker/docker 3.6.2, but the stack test '
      + 'pins ~> 4.6 (set after this image was created). Fix: set the stack\'s docker provider (new DockerProvider(...), or '
      + 'stack.addOverride("terraform.required_providers.docker.version", ...)) before creating its images');
    expect(image.imageName).toMatch(/:[0-9a-f]{16}$/);
  });

  test('a given tag does not depend on the line, so a pin set later is fine for it', () => {
    const { stack } = newStack();
    new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'manager:app', imageTag: 'v1' });
    stack.addOverride('terraform.required_providers.docker.version', '~> 4.6');
    expect(resources(stack, 'docker_image')[0]).toMatchObject({ name: 'cdktf-wsgi/test-image:v1', build: { dockerfile: 'Dockerfile' } });
  });

  test('a docker provider added after the image, with the default pin, keeps the default line', () => {
    const stack = new TerraformStack(Testing.app(), 'late');
    new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'manager:app' });
    new DockerProvider(stack, 'docker', {});
    expect(resources(stack, 'docker_image')[0].name).toMatch(/^cdktf-wsgi\/late-image:[0-9a-f]{16}$/);
  });

  test('the unapplied-settings label is the same on both lines (4.6 still ignores health-check edits)', () => {
    expect(settingsLabel(v3)).toMatch(/^[0-9a-f]{16}$/);
    expect(settingsLabel(v4)).toBe(settingsLabel(v3));
  });

  test('the release container has a terminal on 3.6.2 only (4.x demultiplexes its log)', () => {
    expect(release(v3).tty).toBe(true);
    expect(release(v4).tty).toBe(false);
    expect(app(v3).tty).toBeUndefined();
  });

  test('the reconcile step removes what no state holds at once on 4.x; on 3.6.2, which fails a removal of a container already gone, only what an earlier step passed by', () => {
    const removeAtOnce = (r: typeof v3) => reconcile(r).env.filter((e: string) => e.startsWith('CDKTF_WSGI_REMOVE_AT_ONCE='));
    expect(removeAtOnce(v3)).toEqual(['CDKTF_WSGI_REMOVE_AT_ONCE=false']);
    expect(removeAtOnce(v4)).toEqual(['CDKTF_WSGI_REMOVE_AT_ONCE=true']);
    expect(reconcile(v3).tty).toBe(true);
    expect(reconcile(v4).tty).toBe(false);
  });

  test('a service\'s /tmp: no size on 3.6.2; @default 64 MiB on 4.x', () => {
    expect(v3.service.task_spec.container_spec.mounts).toEqual([{ type: 'tmpfs', target: '/tmp' }]);
    expect(v4.service.task_spec.container_spec.mounts).toEqual([{ type: 'tmpfs', target: '/tmp', tmpfs_options: { size_bytes: 64 * 1024 * 1024 } }]);
  });

  test('a service\'s networks: the looked-up ID as `name` on 3.6.2, as `id` on 4.x (which reads back only that)', () => {
    const networksOn = (version?: string) => {
      const { stack } = newStack();
      if (version) stack.addOverride('terraform.required_providers.docker.version', version);
      const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'manager:app' });
      new WsgiService(stack, 'Svc', { image, networks: ['backend'] });
      return resources(stack, 'docker_service')[0].task_spec.networks_advanced;
    };
    expect(networksOn()).toEqual([{ name: '${data.docker_network.Svc_Network0_1BCBCDA8.id}' }]);
    expect(networksOn('4.6.0')).toEqual([{ id: '${data.docker_network.Svc_Network0_1BCBCDA8.id}' }]);
  });

  test('tmpSizeMiB on a service: sized on 4.x, an error on 3.6.2, range-checked on both', () => {
    const serviceOn = (version: string | undefined, tmpSizeMiB: number) => {
      const { stack } = newStack();
      if (version) stack.addOverride('terraform.required_providers.docker.version', version);
      const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'manager:app' });
      new WsgiService(stack, 'Svc', { image, tmpSizeMiB });
      return () => resources(stack, 'docker_service')[0].task_spec.container_spec.mounts;
    };
    expect(serviceOn('~> 4.6', 16)()).toEqual([{ type: 'tmpfs', target: '/tmp', tmpfs_options: { size_bytes: 16 * 1024 * 1024 } }]);
    expect(serviceOn(undefined, 16)).toThrow('test/Svc: \'tmpSizeMiB\' 16 cannot be set with kreuzwerker/docker 3.6.2, which crashes on a tmpfs size for services. '
      + 'Fix: remove tmpSizeMiB (memoryMiB then bounds /tmp too), or choose provider 4.x (README, "Provider versions")');
    expect(() => serviceOn('~> 4.6', 0)).toThrow(/^test\/Svc: 'tmpSizeMiB' 0 /);
  });

  test('everything else is the same', () => {
    const strip = (r: typeof v3) => JSON.parse(JSON.stringify({
      ...r,
      image: { ...r.image, name: undefined, build: { ...r.image.build, dockerfile: undefined } },
      containers: Object.fromEntries(Object.entries(r.containers).map(([path, c]) => [path, {
        ...c,
        tty: undefined,
        env: c.env?.filter((e: string) => !e.startsWith('CDKTF_WSGI_REMOVE_AT_ONCE=')),
      }])),
      service: { ...r.service, task_spec: { ...r.service.task_spec, container_spec: { ...r.service.task_spec.container_spec, mounts: undefined } } },
    }));
    expect(strip(v4)).toEqual(strip(v3));
  });
});
