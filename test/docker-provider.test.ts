import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { TerraformProvider, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { ReleaseCommand, UpdateOrder, WsgiContainer, WsgiImage, WsgiService } from '../src';
import { newStack, writeSource } from './util';
import { FLAVOUR } from '../src/private/core/flavour';

/** Every docker resource and data source of a synthesized stack, as `type.name` -> its `provider` (undefined: the default one). */
function providersByAddress(stack: TerraformStack): Record<string, string | undefined> {
  const json = JSON.parse(Testing.synth(stack));
  const out: Record<string, string | undefined> = {};
  for (const kind of ['resource', 'data'] as const) {
    for (const [type, byName] of Object.entries<any>(json[kind] ?? {})) {
      if (!type.startsWith('docker_')) continue;
      for (const [name, body] of Object.entries<any>(byName)) out[`${kind === 'data' ? 'data.' : ''}${type}.${name}`] = body.provider;
    }
  }
  return out;
}

function stackWithRemote() {
  const { app, stack } = newStack();
  const remote = new DockerProvider(stack, 'Remote', { alias: 'remote', host: 'ssh://deploy@build.example.com' });
  return { app, stack, remote };
}

describe('provider', () => {
  test('@default: without one, no docker resource names a provider (the stack\'s default one)', () => {
    const { stack } = newStack();
    const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'app:app', repository: '127.0.0.1:5000/app' });
    new WsgiContainer(stack, 'Web', { image, releaseCommand: ReleaseCommand.exec(['python', '-V']) });
    new WsgiService(stack, 'Svc', { image, pushToRegistry: true, secrets: { KEY: 'k' }, networks: ['backend'] });
    const found = providersByAddress(stack);
    expect(Object.keys(found).length).toBe(11);
    expect(Object.values(found).every(p => p === undefined)).toBe(true);
    expect(image.provider).toBeUndefined();
  });

  test('an aliased DockerProvider on the image reaches every docker resource, and containers and services default to it', () => {
    const { stack, remote } = stackWithRemote();
    const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'app:app', repository: '127.0.0.1:5000/app', provider: remote });
    new WsgiContainer(stack, 'Web', { image, releaseCommand: ReleaseCommand.exec(['python', '-V']) });
    new WsgiService(stack, 'Svc', { image, pushToRegistry: true, secrets: { KEY: 'k' }, networks: ['backend'] });
    const found = providersByAddress(stack);
    // The image, its push, the holder's base image, the holder, its destroy guard, the release, app
    // and reconcile containers, a secret, a network lookup and the service.
    expect(Object.keys(found).sort().map(a => a.replace(/_[0-9A-F]{8}$/, ''))).toEqual([
      'data.docker_network.Svc_Network0',
      'docker_container.Web',
      'docker_container.Web_DestroyGuard',
      'docker_container.Web_NetworkHolder',
      'docker_container.Web_Reconcile',
      'docker_container.Web_Release',
      'docker_image.Image',
      'docker_image.Web_NetworkHolderImage',
      'docker_registry_image.Image_Registry',
      'docker_secret.Svc_SecretKEY',
      'docker_service.Svc',
    ]);
    expect(new Set(Object.values(found))).toEqual(new Set(['docker.remote']));
    expect(image.provider).toBe(remote);
  });

  test('a container or service provider of its own wins over the image\'s, and the image keeps its own', () => {
    const { stack, remote } = stackWithRemote();
    const manager = new DockerProvider(stack, 'Manager', { alias: 'manager', host: 'tcp://127.0.0.1:2375' });
    const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'app:app', repository: '127.0.0.1:5000/app', provider: remote });
    new WsgiContainer(stack, 'Web', { image, updateOrder: UpdateOrder.STOP_FIRST, provider: manager });
    new WsgiService(stack, 'Svc', { image, pushToRegistry: true, provider: manager });
    const found = providersByAddress(stack);
    expect(Object.entries(found).map(([a, p]) => `${a.replace(/_[0-9A-F]{8}$/, '')} ${p}`).sort()).toEqual([
      'docker_container.Web_App docker.manager',
      'docker_container.Web_DestroyGuard docker.manager',
      'docker_container.Web_NetworkHolder docker.manager',
      'docker_container.Web_Reconcile docker.manager',
      'docker_image.Image docker.remote',
      'docker_image.Web_NetworkHolderImage docker.manager',
      'docker_registry_image.Image_Registry docker.remote',
      'docker_service.Svc docker.manager',
    ]);
  });

  test('the default provider passed explicitly is named as such', () => {
    const { stack } = newStack();
    const own = stack.node.findChild('docker') as DockerProvider;
    const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'app:app', provider: own });
    new WsgiContainer(stack, 'Web', { image, updateOrder: UpdateOrder.STOP_FIRST });
    expect(new Set(Object.values(providersByAddress(stack)))).toEqual(new Set(['docker']));
  });

  test('a provider that is not a docker provider is rejected', () => {
    const { stack } = newStack();
    const notDocker = new (class extends TerraformProvider {})(stack, 'Aws', { terraformResourceType: 'aws', terraformProviderSource: 'hashicorp/aws' });
    const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'app:app' });
    expect(() => new WsgiContainer(stack, 'Web', { image, provider: notDocker })).toThrow(
      `test/Web: 'provider' "test/Aws" is the aws provider, but this construct creates kreuzwerker/docker resources. Fix: pass a DockerProvider (from ${FLAVOUR.bindingsPackage})`);
  });

  test('a provider of another stack is rejected, naming both stacks', () => {
    const { app, stack } = newStack();
    const other = new TerraformStack(app, 'other');
    const theirs = new DockerProvider(other, 'Docker', { alias: 'far' });
    expect(() => new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'app:app', provider: theirs })).toThrow(
      'test/Image: \'provider\' "other/Docker (alias far)" belongs to the stack other, but this construct is in the stack test. Fix: create a DockerProvider in this construct\'s stack and pass that one');
    const image = new WsgiImage(stack, 'Image2', { source: writeSource(), entrypoint: 'app:app' });
    expect(() => new WsgiService(stack, 'Svc', { image, provider: theirs })).toThrow(
      'test/Svc: \'provider\' "other/Docker (alias far)" belongs to the stack other, but this construct is in the stack test. Fix: create a DockerProvider in this construct\'s stack and pass that one');
  });

  test('a provider given as a token-valued host still works: only the construct is checked', () => {
    const { stack } = newStack();
    const host = new TerraformVariable(stack, 'host', { type: 'string' });
    const remote = new DockerProvider(stack, 'Remote', { alias: 'remote', host: host.stringValue });
    const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'app:app', provider: remote });
    new WsgiContainer(stack, 'Web', { image });
    expect(new Set(Object.values(providersByAddress(stack)))).toEqual(new Set(['docker.remote']));
  });
});
