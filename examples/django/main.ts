import * as path from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { HealthCheck, ReleaseCommand, WsgiContainer, WsgiImage } from '../../src';

/**
 * A Django project (`startproject` layout) on port 8124: the entrypoint is detected from
 * mysite/wsgi.py, static files are collected at build and served by WhiteNoise, and migrations run
 * against a SQLite file on a named volume before the app starts, each time the image changes.
 */
export class DjangoStack extends TerraformStack {
  public readonly image: WsgiImage;
  public readonly web: WsgiContainer;

  constructor(scope: Construct, id: string, props: { source?: string; hostPort?: number } = {}) {
    super(scope, id);
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    new DockerProvider(this, 'docker', {});
    // kreuzwerker/docker 4.x; DOCKER_PROVIDER_VERSION=3.6.2 synthesizes for what @cdktf/provider-docker 12 pins.
    this.addOverride('terraform.required_providers.docker.version', process.env.DOCKER_PROVIDER_VERSION ?? '~> 4.6');
    const secretKey = new TerraformVariable(this, 'django_secret_key', {
      type: 'string',
      sensitive: true,
      description: 'Django SECRET_KEY for the running app',
    });
    this.image = new WsgiImage(this, 'Image', {
      source: props.source ?? path.join(__dirname, 'app'),
      port: 8124,
      // The SQLite database lives on a named volume mounted here.
      writablePaths: ['/data'],
    });
    const volumes = [{ volumeName: `${id}-data`, containerPath: '/data' }];
    this.web = new WsgiContainer(this, 'Web', {
      image: this.image,
      publish: [{ hostPort: props.hostPort ?? 8124 }],
      environment: {
        DJANGO_SECRET_KEY: secretKey.stringValue,
        DJANGO_ALLOWED_HOSTS: 'localhost,127.0.0.1',
        DJANGO_DB_PATH: '/data/db.sqlite3',
      },
      volumes,
      healthCheck: HealthCheck.http('/healthz/'),
      releaseCommand: ReleaseCommand.djangoMigrate(),
    });
  }
}
