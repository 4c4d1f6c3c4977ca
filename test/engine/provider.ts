/**
 * The kreuzwerker/docker version the engine suites deploy with, and the provider every test stack
 * gets: DOCKER_PROVIDER_VERSION (what .ci/run sets for each provider line it tests), else 4.6.0.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { DockerProvider, DockerProviderConfig } from '@cdktf/provider-docker/lib/provider';
import { TerraformStack } from 'cdktf';

export const PROVIDER_VERSION = process.env.DOCKER_PROVIDER_VERSION ?? '4.6.0';

/** Adds the stack's docker provider, pinned to `version` as a user pins it (README, "Provider versions"). */
export function addDockerProvider(stack: TerraformStack, config: DockerProviderConfig = {}, version = PROVIDER_VERSION): DockerProvider {
  const provider = new DockerProvider(stack, 'docker', config);
  stack.addOverride('terraform.required_providers.docker.version', version);
  return provider;
}

/** True when the suites run against provider 3.6.2, whose rendering differs (docs/providers.md). */
export const ON_3_6_2 = PROVIDER_VERSION === '3.6.2';

/** Whether the provider mirror holds `version` (or can build it here), asked of scripts/terraform-offline.sh. */
export function mirrorHolds(version: string): boolean {
  const { PROVIDER_MODULE_VERSION: _other, ...env } = process.env;
  const script = path.join(__dirname, '..', '..', 'scripts', 'terraform-offline.sh');
  return spawnSync('bash', [script], { env: { ...env, PROVIDER_VERSION: version }, stdio: 'ignore', timeout: 3_000_000 }).status === 0;
}
