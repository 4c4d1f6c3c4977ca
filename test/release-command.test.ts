import { container } from '@cdktf/provider-docker';
import { Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { ReleaseCommand, WsgiContainer } from '../src';
import { DJANGO, FLASK_APP, image, resources } from './util';

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
    const all = resources(stack, 'docker_container');
    const release = all.find(r => r.name === 'test-web-release')!;
    const web = all.find(r => r.name === 'test-web')!;
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
      lifecycle: { postcondition: [{ condition: '${self.exit_code == 0}', error_message: 'The release command of test/Web (python3 -m django migrate --noinput --no-color) failed with exit code ${self.exit_code}. Its output:\n${replace(replace(self.container_logs, "\\r", ""), "/\\u001b\\\\[[0-9;?]*[A-Za-z]/", "")}' }] },
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
    const all = resources(stack, 'docker_container');
    expect(all.map(r => r.name).sort()).toEqual(['other', 'test-web', 'test-web-release']);
    expect(all.find(r => r.name === 'test-web-release')!.entrypoint).toEqual(['python3', '-m', 'flask', 'db', 'upgrade']);
    expect(all.find(r => r.name === 'other')!.depends_on).toBeUndefined();
  });
});

