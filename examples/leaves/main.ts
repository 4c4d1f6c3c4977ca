import * as path from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { HealthCheck, WsgiContainer, WsgiImage } from '../../src';

/** The seed app: a Flask package served by gunicorn on port 8123. */
export class LeavesStack extends TerraformStack {
  public readonly image: WsgiImage;
  public readonly web: WsgiContainer;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Terraform runs in cdktf.out/stacks/<id>: a relative state path keeps every absolute checkout
    // path out of the synthesized files (cdktf's default backend path is absolute).
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    new DockerProvider(this, 'docker', {});
    // kreuzwerker/docker 4.x; DOCKER_PROVIDER_VERSION=3.6.2 synthesizes for what @cdktf/provider-docker 12 pins.
    this.addOverride('terraform.required_providers.docker.version', process.env.DOCKER_PROVIDER_VERSION ?? '~> 4.6');
    this.image = new WsgiImage(this, 'Image', {
      source: path.join(__dirname, 'app'),
      entrypoint: 'manager:app',
      port: 8123,
    });
    this.web = new WsgiContainer(this, 'Web', {
      image: this.image,
      publish: [{ hostPort: 8123 }],
      healthCheck: HealthCheck.http('/api/leaves'),
    });
  }
}

/** Synthesizes the example as `cdktf synth` does; stack traces off, so no absolute path is written. */
export function synthLeaves(outdir?: string): App {
  const app = new App({ outdir, stackTraces: false });
  new LeavesStack(app, 'leaves');
  app.synth();
  return app;
}

if (require.main === module) {
  synthLeaves();
}
