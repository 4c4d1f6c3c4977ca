import * as path from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { HealthCheck, WsgiContainer, WsgiImage } from '../../src';

/**
 * A Falcon API in a src/ layout with PEP 621 dependencies, on port 8125. Nothing but the source is
 * given: the dependencies (pyproject.toml), the Python version (requires-python), the import root
 * (src) and the entrypoint (notes.api:app) are all detected.
 */
export class FalconStack extends TerraformStack {
  public readonly image: WsgiImage;
  public readonly web: WsgiContainer;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    new DockerProvider(this, 'docker', {});
    // kreuzwerker/docker 4.x; DOCKER_PROVIDER_VERSION=3.6.2 synthesizes for what @cdktf/provider-docker 12 pins.
    this.addOverride('terraform.required_providers.docker.version', process.env.DOCKER_PROVIDER_VERSION ?? '~> 4.6');
    this.image = new WsgiImage(this, 'Image', {
      source: path.join(__dirname, 'app'),
      port: 8125,
    });
    this.web = new WsgiContainer(this, 'Web', {
      image: this.image,
      publish: [{ hostPort: 8125 }],
      healthCheck: HealthCheck.http('/healthz'),
    });
  }
}
