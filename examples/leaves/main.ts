import * as path from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { HealthCheck, WsgiContainer, WsgiImage } from '../../src';

/** The seed app: a Flask package served by gunicorn on port 8123. */
export class LeavesStack extends TerraformStack {
  public readonly image: WsgiImage;
  public readonly web: WsgiContainer;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new DockerProvider(this, 'docker', {});
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

if (require.main === module) {
  const app = new App();
  new LeavesStack(app, 'leaves');
  app.synth();
}
