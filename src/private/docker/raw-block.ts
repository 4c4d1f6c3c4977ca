import { Lazy } from 'cdktf';

/**
 * A block rendered at synth, from settings added after construction (`addVolume`, a stack's
 * provider line). `produce` returns the block as Terraform's JSON has it (snake_case keys), which
 * cdktf writes as given: a lazy value skips the bindings' key mapping. The bindings' struct type
 * is only what the resource's constructor takes; nothing reads the value through it.
 *
 * @internal
 */
export function rawBlock<T>(produce: () => unknown): T {
  return Lazy.anyValue({ produce }) as unknown as T;
}
