// The shape of an op definition in the registry: an OpSpec (engine/ops/registry.ts) plus its
// implementation. Each api/ file declares its family's ops with `family(...)`; engine/api/registry.ts
// joins them into the one typed table that everything else is derived from.
import type { OpFamily, OpSpec } from '../ops/registry';
import type { OpImpl } from '../graph/record';

export interface OpDef<F extends OpImpl = OpImpl> extends OpSpec {
  /** Runs the op eagerly; graph builders run it on stand-ins to infer shapes, and plans replay it. */
  readonly impl: F;
  /**
   * Rewrites the public call's arguments before they are recorded or run (e.g. `to` normalises a
   * TensorFlow-style device name), so a graph stores them in canonical form.
   */
  readonly prepare?: (args: unknown[]) => unknown[];
}

type Member = Omit<OpDef, 'family'>;

/**
 * Declares a family's ops. `const` keeps literal types (`differentiable: true`, `method: true`), so
 * derived types such as DifferentiableOp are exact.
 */
export function family<const F extends OpFamily, const T extends Record<string, Member>>(
  name: F,
  defs: T,
): { [K in keyof T]: T[K] & { readonly family: F } } {
  const out: Record<string, OpDef> = {};
  for (const [k, d] of Object.entries(defs)) out[k] = { ...d, family: name };
  return out as { [K in keyof T]: T[K] & { readonly family: F } };
}
