import { container } from '@cdktf/provider-docker';
import { Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { ReleaseCommand, UpdateOrder, WsgiContainer } from '../src';
import { containers, DJANGO, FLASK_APP, image } from './util';

describe('release command', () => {
  test('djangoMigrate runs in its own container before the app, with the app\'s environment, volumes and hardening', () => {
    const { stack, img } = image(DJANGO);
    new WsgiContainer(stack, 'Web', {
      image: img,
      environment: { DJANGO_SECRET_KEY: 'k' },
      volumes: [{ volumeName: 'data', containerPath: '/data' }],
      releaseCommand: ReleaseCommand.djangoMigrate(),
    });
    const json = Testing.synth(stack);
    const all = containers(stack);
    const release = all['Web/Release'];
    const web = all.Web;
    expect(release).toMatchObject({
      entrypoint: ['python3', '-m', 'django', 'migrate', '--noinput', '--no-color'],
      env: ['DJANGO_SECRET_KEY=k', 'DJANGO_SETTINGS_MODULE=mysite.settings'],
      attach: true,
      logs: true,
      tty: true,
      must_run: false,
      restart: 'no',
      user: '10001:10001',
      read_only: true,
      capabilities: { drop: ['ALL'] },
      security_opts: ['no-new-privileges:true'],
      volumes: [{ volume_name: 'data', container_path: '/data', read_only: false }],
      lifecycle: { create_before_destroy: true, postcondition: [{ condition: '${self.exit_code == 0}', error_message: 'The release command of test/Web (python3 -m django migrate --noinput --no-color) failed with exit code ${self.exit_code}. Its output:\n${replace(replace(self.container_logs, "\\r", ""), "/\\u001b\\\\[[0-9;?]*[A-Za-z]/", "")}' }] },
    });
    expect(release.ports).toBeUndefined();
    expect(release.healthcheck).toBeUndefined();
    expect(web.depends_on).toEqual([expect.stringMatching(/^docker_container\.Web_Release_/)]);
    expect(json).toHaveResource(container.Container);
  });

  test('exec runs any command; no release command means no extra container', () => {
    const { stack, img } = image(FLASK_APP, { entrypoint: 'manager:app' });
    new WsgiContainer(stack, 'Web', { image: img, releaseCommand: ReleaseCommand.exec(['python3', '-m', 'flask', 'db', 'upgrade']) });
    new WsgiContainer(stack, 'Other', { image: img, containerName: 'other' });
    const all = containers(stack);
    expect(Object.keys(all).sort()).toEqual(['Other', 'Other/DestroyGuard', 'Other/NetworkHolder', 'Other/Reconcile', 'Web', 'Web/DestroyGuard', 'Web/NetworkHolder', 'Web/Reconcile', 'Web/Release']);
    expect(all['Web/Release'].entrypoint).toEqual(['python3', '-m', 'flask', 'db', 'upgrade']);
    expect(all.Other.depends_on).toBeUndefined();
    // With STOP_FIRST too: the release container gets a name of its own per generation.
    const stopFirst = image(FLASK_APP, { entrypoint: 'manager:app' });
    new WsgiContainer(stopFirst.stack, 'Web', { image: stopFirst.img, updateOrder: UpdateOrder.STOP_FIRST, releaseCommand: ReleaseCommand.exec(['true']) });
    const names = Object.values(containers(stopFirst.stack)).map(r => r.name).sort();
    expect(names).toEqual(['test-web', 'test-web-${substr(uuid(), 0, 8)}', 'test-web-guard-${substr(uuid(), 0, 8)}', 'test-web-reconcile-${substr(uuid(), 0, 8)}', 'test-web-release-${substr(uuid(), 0, 8)}']);
  });
});

