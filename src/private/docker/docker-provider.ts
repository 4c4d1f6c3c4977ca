import { TerraformDataSource, TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { FLAVOUR } from '../core/flavour';
import { fail } from '../core/validation';

/**
 * Rejects a `provider` that is no docker provider, or that belongs to another stack (Terraform
 * gives a resource only the providers of its own module).
 */
export function requireDockerProvider(scope: IConstruct, property: string, provider: TerraformProvider | undefined): void {
  if (provider === undefined) return;
  const shown = describe(provider);
  if (provider.terraformResourceType !== 'docker') {
    fail(scope, property, shown, `is the ${provider.terraformResourceType} provider, but this construct creates kreuzwerker/docker resources`,
      `pass a DockerProvider (from ${FLAVOUR.bindingsPackage})`);
  }
  const own = TerraformStack.of(scope);
  const theirs = TerraformStack.of(provider);
  if (own !== theirs) {
    fail(scope, property, shown, `belongs to the stack ${theirs.node.path}, but this construct is in the stack ${own.node.path}`,
      'create a DockerProvider in this construct\'s stack and pass that one');
  }
}

/**
 * Sets `provider` on every kreuzwerker/docker resource and data source below `root` (the root
 * included); without a provider, they keep the stack's default one.
 */
export function useDockerProvider(root: IConstruct, provider: TerraformProvider | undefined): void {
  if (provider === undefined) return;
  for (const c of root.node.findAll()) {
    if ((c instanceof TerraformResource || c instanceof TerraformDataSource) && c.terraformResourceType.startsWith('docker_')) {
      c.provider = provider;
    }
  }
}

/** The provider as an error message names it: its path, and its alias when it has one. */
function describe(provider: TerraformProvider): string {
  return provider.alias === undefined ? provider.node.path : `${provider.node.path} (alias ${provider.alias})`;
}
