import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { FLAVOUR } from '../core/flavour';
import { fail } from '../core/validation';
import { compareReleases } from '../core/version';

/**
 * The two kreuzwerker/docker release lines the constructs render for. They differ in what some
 * attributes mean (docs/providers.md), so a construct asks which one its stack will use.
 */
export enum ProviderLine {
  /** 3.6.2 exactly: what @cdktf/provider-docker 12 pins. */
  V3_6_2 = '3.6.2',
  /** 4.6 and later 4.x releases: what CDK Terrain's docker bindings use. */
  V4 = '4.x',
}

/**
 * The provider version the bindings this package is built against pin, used when a stack has no
 * docker provider of its own to read (a unit test, a stack still being composed).
 */
export const BINDINGS_PROVIDER_VERSION = FLAVOUR.bindingsProviderVersion;

/** Where a stack's docker provider constraint is read, and where a user changes it. */
export const CONSTRAINT_PATH = 'terraform.required_providers.docker.version';

type Version = readonly [number, number, number];
interface Bound { readonly version: Version; readonly inclusive: boolean }

/** `4`, `4.6` or `4.6.0` (a pre-release suffix is read as its release); the number of parts given. */
function parseVersion(text: string): { version: Version; parts: number } | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-[0-9A-Za-z.-]+)?$/.exec(text);
  if (!m) return undefined;
  return { version: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], parts: m[3] !== undefined ? 3 : m[2] !== undefined ? 2 : 1 };
}

/**
 * The range of versions a Terraform version constraint allows (`3.6.2`, `= 4.6.0`, `~> 4.6`,
 * `>= 4.6, < 5.0`), as a lowest and a highest bound; undefined for text that is no constraint.
 * `!=` only removes single versions, so it does not move either bound.
 */
export function allowedRange(constraint: string): { low?: Bound; high?: Bound } | undefined {
  let low: Bound | undefined;
  let high: Bound | undefined;
  const raise = (b: Bound) => {
    const c = low && compareReleases(b.version, low.version);
    if (!low || c! > 0 || (c === 0 && !b.inclusive)) low = b;
  };
  const lower = (b: Bound) => {
    const c = high && compareReleases(b.version, high.version);
    if (!high || c! < 0 || (c === 0 && !b.inclusive)) high = b;
  };
  const parts = constraint.split(',').map(p => p.trim());
  if (parts.some(p => p === '')) return undefined;
  for (const part of parts) {
    const m = /^(=|!=|>=|<=|>|<|~>)?\s*(\S+)$/.exec(part);
    const parsed = m && parseVersion(m[2]);
    if (!m || !parsed) return undefined;
    const v = parsed.version;
    switch (m[1] ?? '=') {
      case '=': raise({ version: v, inclusive: true }); lower({ version: v, inclusive: true }); break;
      case '!=': break;
      case '>=': raise({ version: v, inclusive: true }); break;
      case '>': raise({ version: v, inclusive: false }); break;
      case '<=': lower({ version: v, inclusive: true }); break;
      case '<': lower({ version: v, inclusive: false }); break;
      case '~>': {
        // Only the rightmost given part may grow: ~> 4.6 is >= 4.6, < 5; ~> 4.6.1 is >= 4.6.1, < 4.7.
        raise({ version: v, inclusive: true });
        const ceiling: Version = parsed.parts === 3 ? [v[0], v[1] + 1, 0] : [v[0] + 1, 0, 0];
        lower({ version: ceiling, inclusive: false });
        break;
      }
    }
  }
  return { low, high };
}

/** The line a constraint pins the stack to, or undefined when it allows versions of no supported line. */
export function lineOfConstraint(constraint: string): ProviderLine | undefined {
  const range = allowedRange(constraint);
  if (!range?.low || !range.high) return undefined;
  const { low, high } = range;
  if (compareReleases(low.version, [3, 6, 2]) === 0 && low.inclusive && compareReleases(high.version, [3, 6, 2]) === 0 && high.inclusive) {
    return ProviderLine.V3_6_2;
  }
  const lowOk = compareReleases(low.version, [4, 6, 0]) >= 0;
  const highOk = compareReleases(high.version, [5, 0, 0]) < 0 || (compareReleases(high.version, [5, 0, 0]) === 0 && !high.inclusive);
  const order = compareReleases(low.version, high.version);
  const nonEmpty = order < 0 || (order === 0 && low.inclusive && high.inclusive);
  return lowOk && highOk && nonEmpty ? ProviderLine.V4 : undefined;
}

/**
 * The docker provider constraint a stack synthesizes into `required_providers`: a stack override of
 * it wins (as it does in cdk.tf.json), then the stack's docker provider constructs, then the
 * version the bindings pin.
 */
export function dockerConstraintOf(stack: TerraformStack, options: { whileBuilding?: boolean } = {}): string {
  const overridden = (stack as any).rawOverrides?.terraform?.required_providers?.docker;
  const fromOverride = typeof overridden === 'string' ? overridden : overridden?.version;
  if (typeof fromOverride === 'string') return fromOverride;
  // While the tree is still being built a provider may be added later: no caching then.
  if (options.whileBuilding) return providerPin(stack) ?? BINDINGS_PROVIDER_VERSION;
  if (!pinnedByProvider.has(stack)) pinnedByProvider.set(stack, providerPin(stack));
  return pinnedByProvider.get(stack) ?? BINDINGS_PROVIDER_VERSION;
}

/**
 * The pin of a stack's docker provider construct, looked up once per stack: every construct asks
 * at synth, and a walk of the whole tree per ask would grow with the square of the stack's size.
 * Providers are added while the tree is built, before anything resolves; a lookup made while it is
 * built (`whileBuilding`) walks the tree afresh and leaves this cache alone.
 */
const pinnedByProvider = new WeakMap<TerraformStack, string | undefined>();

function providerPin(stack: TerraformStack): string | undefined {
  for (const c of stack.node.findAll()) {
    const provider = c as any;
    if (provider.terraformResourceType === 'docker' && typeof provider.terraformGeneratorMetadata === 'object' && TerraformStack.of(c) === stack) {
      const meta = provider.terraformGeneratorMetadata;
      const version = meta?.providerVersion ?? meta?.providerVersionConstraint;
      if (typeof version === 'string') return version;
    }
  }
  return undefined;
}

/**
 * The provider line `scope`'s stack is pinned to so far, while the tree is still being built;
 * undefined for a constraint the constructs do not render for, which {@link providerLineOf} reports
 * at synth.
 */
export function providerLineSoFar(scope: IConstruct): ProviderLine | undefined {
  return lineOfConstraint(dockerConstraintOf(TerraformStack.of(scope), { whileBuilding: true }));
}

/**
 * The provider line `scope`'s stack will run with; a constraint the constructs do not render for is
 * an error naming the stack, the constraint and how to choose a supported one.
 */
export function providerLineOf(scope: IConstruct): ProviderLine {
  const stack = TerraformStack.of(scope);
  const constraint = dockerConstraintOf(stack);
  const line = lineOfConstraint(constraint);
  if (line === undefined) {
    fail(stack, CONSTRAINT_PATH, constraint,
      `allows kreuzwerker/docker versions ${FLAVOUR.packageName} does not render for (it supports exactly 3.6.2, and 4.6 or later below 5.0)`,
      `pin "3.6.2" (what @cdktf/provider-docker 12 uses), or choose 4.x with stack.addOverride("${CONSTRAINT_PATH}", "~> 4.6")`);
  }
  return line;
}
