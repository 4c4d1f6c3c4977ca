import * as path from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { HealthCheck, PublishMode, ServiceMode, WsgiImage, WsgiService } from '../../src';

/**
 * The seed app as a replicated Swarm service: three tasks behind the routing mesh, health-gated
 * start-first rolling updates that roll back on failure, and a runtime secret delivered as a file.
 * Run `docker swarm init` on the engine first. For more than one node, give the image a
 * `repository` on your registry and set `pushToRegistry: true` (see docs/scaling.md).
 */
export class SwarmStack extends TerraformStack {
  public readonly image: WsgiImage;
  public readonly web: WsgiService;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    new DockerProvider(this, 'docker', {});
    // kreuzwerker/docker 4.x; DOCKER_PROVIDER_VERSION=3.6.2 synthesizes for what @cdktf/provider-docker 12 pins.
    this.addOverride('terraform.required_providers.docker.version', process.env.DOCKER_PROVIDER_VERSION ?? '~> 4.6');
    const apiToken = new TerraformVariable(this, 'api_token', { type: 'string', sensitive: true, default: '' });
    this.image = new WsgiImage(this, 'Image', {
      source: path.join(__dirname, '..', 'leaves', 'app'),
      entrypoint: 'manager:app',
      port: 8123,
    });
    this.web = new WsgiService(this, 'Web', {
      image: this.image,
      mode: ServiceMode.replicated(3),
      publish: [{ publishedPort: 8130, mode: PublishMode.INGRESS }],
      healthCheck: HealthCheck.http('/api/leaves'),
      secrets: { API_TOKEN: apiToken.stringValue },
      memoryMiB: 256,
    });
  }
}

/** Synthesizes the example as `cdktf synth` does; stack traces off, so no absolute path is written. */
export function synthSwarm(outdir?: string): App {
  const app = new App({ outdir, stackTraces: false });
  new SwarmStack(app, 'swarm');
  app.synth();
  return app;
}

if (require.main === module) {
  synthSwarm();
}
