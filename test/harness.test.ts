import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkModelled, checkPostconditions, dockerfileForBuild, goDurationToNs, planAction } from './engine/harness';

/** The engine harness stands in for Terraform: its own rules are tested without an engine. */
describe('engine harness', () => {
  test('refuses any attribute it does not model, never dropping configuration', () => {
    expect(() => checkModelled('docker_container', 'web', { name: 'x', image: 'y', privileged: true }))
      .toThrow('harness: docker_container.web: attribute "privileged" is not modelled');
    expect(() => checkModelled('docker_image', 'img', { name: 'x', build: { context: '.', ssh: 'default' } }))
      .toThrow('harness: docker_image.img: build.ssh is not modelled');
    expect(() => checkModelled('docker_service', 'svc', { name: 'x' })).toThrow('harness: resource type docker_service (svc) is not modelled');
    expect(() => checkModelled('docker_container', 'web', { 'name': 'x', 'image': 'y', '//': {} })).not.toThrow();
  });

  test('plans like provider 3.6.2: ForceNew replaces, in-place updates, unapplied attributes are ignored', () => {
    const base = { name: 'web', image: 'sha256:1', restart: 'no', healthcheck: { test: ['CMD', 'true'] }, labels: [{ label: 'a', value: '1' }] };
    expect(planAction('docker_container', base, { ...base })).toBe('unchanged');
    expect(planAction('docker_container', base, { ...base, image: 'sha256:2' })).toBe('replace');
    expect(planAction('docker_container', base, { ...base, labels: [{ label: 'a', value: '2' }] })).toBe('replace');
    expect(planAction('docker_container', base, { ...base, restart: 'always' })).toBe('update');
    expect(planAction('docker_container', base, { ...base, healthcheck: { test: ['CMD', 'false'] } })).toBe('ignored-update');
    expect(planAction('docker_container', base, { ...base, tmpfs: { '/tmp': 'size=1m' } })).toBe('ignored-update');
    expect(planAction('docker_image', { name: 'i', triggers: { f: '1' } }, { name: 'i', triggers: { f: '2' } })).toBe('replace');
    expect(planAction('docker_image', { name: 'i', keep_locally: false }, { name: 'i', keep_locally: true })).toBe('ignored-update');
  });

  test('resolves a relative dockerfile the way 3.6.2 does on the Engine API path', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-'));
    const context = path.join(work, 'assets', 'ctx');
    fs.mkdirSync(context, { recursive: true });
    fs.writeFileSync(path.join(context, 'Dockerfile'), 'FROM x\n');
    fs.writeFileSync(path.join(work, 'Outside.Dockerfile'), 'FROM x\n');
    // Found from the working directory, inside the context: sent relative to the context.
    expect(dockerfileForBuild(work, context, 'assets/ctx/Dockerfile')).toBe('Dockerfile');
    // Not found from the working directory: sent unchanged, the daemon looks inside the context.
    expect(dockerfileForBuild(work, context, 'Dockerfile')).toBe('Dockerfile');
    expect(() => dockerfileForBuild(work, context, 'Outside.Dockerfile')).toThrow(/lies outside the context/);
    expect(() => dockerfileForBuild(work, context, 'Missing')).toThrow(/exists neither from the working directory nor in the context/);
  });

  test('reads Go durations as the provider sends them to Docker', () => {
    expect(goDurationToNs('10s')).toBe(10e9);
    expect(goDurationToNs('1500ms')).toBe(1.5e9);
    expect(goDurationToNs('0s')).toBe(0);
    expect(goDurationToNs(undefined)).toBe(0);
    expect(() => goDurationToNs('10 seconds')).toThrow('harness: cannot parse duration 10 seconds');
  });
});

describe('harness: postconditions of the release container', () => {
  const lifecycle = { postcondition: [{ condition: '${self.exit_code == 0}', error_message: 'failed with exit code ${self.exit_code}. Its output:\n${self.container_logs}' }] };

  test('a zero exit passes; a non-zero exit fails with the interpolated message', () => {
    expect(() => checkPostconditions('r', lifecycle, { exit_code: 0, container_logs: 'ok' })).not.toThrow();
    expect(() => checkPostconditions('r', lifecycle, { exit_code: 2, container_logs: 'boom\n' }))
      .toThrow('Resource postcondition failed (docker_container.r): failed with exit code 2. Its output:\nboom\n');
  });

  test('other conditions and lifecycle settings are refused as not modelled', () => {
    expect(() => checkPostconditions('r', { postcondition: [{ condition: '${self.exit_code < 2}', error_message: 'x' }] }, { exit_code: 0 }))
      .toThrow(/postcondition "\$\{self\.exit_code < 2\}" is not modelled/);
    expect(() => checkPostconditions('r', { create_before_destroy: true }, { exit_code: 0 })).toThrow(/lifecycle\.create_before_destroy is not modelled/);
  });
});
