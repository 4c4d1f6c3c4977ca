/**
 * The kreuzwerker/docker version the engine suites deploy with, and the provider every test stack
 * gets: DOCKER_PROVIDER_VERSION (what .ci/run sets for each provider line it tests), else 4.6.0.
 */
import { DockerProvider, DockerProviderConfig } from '@cdktf/provider-docker/lib/provider';
import { TerraformStack } from 'cdktf';

export const PROVIDER_VERSION = process.env.DOCKER_PROVIDER_VERSION ?? '4.6.0';

/** Adds the stack's docker provider, pinned to PROVIDER_VERSION as a user pins it (README, "Provider versions"). */
export function addDockerProvider(stack: TerraformStack, config: DockerProviderConfig = {}): DockerProvider {
  const provider = new DockerProvider(stack, 'docker', config);
  stack.addOverride('terraform.required_providers.docker.version', PROVIDER_VERSION);
  return provider;
}

/** True when the suites run against provider 3.6.2, whose rendering differs (docs/providers.md). */
export const ON_3_6_2 = PROVIDER_VERSION === '3.6.2';
