import * as path from 'path';
import { DockerProvider } from '@cdktn/provider-docker/lib/provider';
import { App, TerraformStack } from 'cdktn';
import { HealthCheck, PublishMode, ServiceMode, WsgiContainer, WsgiImage, WsgiService } from 'cdktn-wsgi';
import { Construct } from 'constructs';

/**
 * The seed app (a Flask app in ./app) on CDK Terrain: served by a container, and by a Swarm
 * service. The stacks pin kreuzwerker/docker 4.6.0, the version @cdktn/provider-docker 16 binds.
 */
class LeavesStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new DockerProvider(this, 'docker', {});
    const image = new WsgiImage(this, 'Image', { source: path.join(__dirname, 'app'), entrypoint: 'manager:app', port: 8123 });
    new WsgiContainer(this, 'Web', { image, publish: [{ hostPort: 8131 }], healthCheck: HealthCheck.http('/api/leaves') });
  }
}

/** Run `docker swarm init` on the engine first. Two tasks share port 8133 on the node's host network. */
class SwarmStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new DockerProvider(this, 'docker', {});
    const image = new WsgiImage(this, 'Image', { source: path.join(__dirname, 'app'), entrypoint: 'manager:app', port: 8123 });
    new WsgiService(this, 'Web', {
      image,
      mode: ServiceMode.replicated(2),
      publish: [{ publishedPort: 8133, mode: PublishMode.HOST_NETWORK }],
      healthCheck: HealthCheck.http('/api/leaves'),
    });
  }
}

const app = new App({ stackTraces: false });
new LeavesStack(app, 'leaves-cdktn');
new SwarmStack(app, 'swarm-cdktn');
app.synth();
