import * as path from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { HealthCheck, WsgiContainer, WsgiImage } from '../../src';

/** Options of the FastAPI example. */
export interface FastApiStackOptions {
  /** @default 8126 */
  readonly hostPort?: number;
  /** @default - the container's default name */
  readonly containerName?: string;
  /** @default - none */
  readonly labels?: { [key: string]: string };
}

/**
 * A FastAPI service on port 8126, from nothing but its source: a requirements file listing only
 * fastapi. The ASGI app (main:app) is detected, and gunicorn serves it with the uvicorn worker,
 * which the image adds; its startup handler runs before the health check passes.
 */
export class FastApiStack extends TerraformStack {
  public readonly image: WsgiImage;
  public readonly web: WsgiContainer;

  constructor(scope: Construct, id: string, options: FastApiStackOptions = {}) {
    super(scope, id);
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    new DockerProvider(this, 'docker', {});
    // kreuzwerker/docker 4.x; DOCKER_PROVIDER_VERSION=3.6.2 synthesizes for what @cdktf/provider-docker 12 pins.
    this.addOverride('terraform.required_providers.docker.version', process.env.DOCKER_PROVIDER_VERSION ?? '~> 4.6');
    this.image = new WsgiImage(this, 'Image', {
      source: path.join(__dirname, 'app'),
      labels: options.labels,
    });
    this.web = new WsgiContainer(this, 'Web', {
      image: this.image,
      containerName: options.containerName,
      labels: options.labels,
      publish: [{ hostPort: options.hostPort ?? 8126 }],
      healthCheck: HealthCheck.http('/healthz'),
    });
  }
}
