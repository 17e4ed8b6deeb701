// The op registry: every public op, one typed definition each (engine/api/define.ts), joined from the
// families. Derived from it: the public functions (recordable wrappers), the Tensor methods, the generated
// export list (ops.gen.ts) and method declarations (methods.gen.ts), the graph layer's op table, JSON validation of loaded
// graphs, and the op table in docs/ops.md. Adding an op is adding its definition; a definition missing a
// piece (doc, schema, return kind) is a compile error, and so is a generated export that no longer matches.
import { Tensor } from '../core/tensor';
import { bindOpTable, type OpEntry, recordable } from '../graph/record';
import { BROWSER_DEFS } from './browser';
import { CONV_DEFS } from './conv';
import { EINSUM_DEFS } from './einsum';
import { INDEXING_DEFS } from './indexing';
import { SELECTION_DEFS } from './selection';
import { VOLUME_DEFS } from './volume';
import { CREATION_DEFS } from './creation';
import type { OpDef } from './define';
import type { OpName as PublicOpName } from './ops.gen';
import type { MethodName as PublicMethodName } from './methods.gen';
import { DEVICE_DEFS } from './devices';
import { IMAGE_DEFS, LAYOUT_DEFS } from './image';
import { LINALG_DEFS } from './linalg';
import { MOVEMENT_DEFS } from './movement';
import { NN_DEFS } from './nn';
import { POOL_DEFS } from './pool';
import { ELEMENTWISE_DEFS, VARIADIC_DEFS, VIEW_DEFS } from './ops';
import { REDUCE_DEFS } from './reduce';
import { STATE_DEFS } from './state';

export const OP_DEFS = {
  ...CREATION_DEFS,
  ...ELEMENTWISE_DEFS,
  ...VARIADIC_DEFS,
  ...VIEW_DEFS,
  ...REDUCE_DEFS,
  ...LINALG_DEFS,
  ...MOVEMENT_DEFS,
  ...NN_DEFS,
  ...POOL_DEFS,
  ...CONV_DEFS,
  ...IMAGE_DEFS,
  ...BROWSER_DEFS,
  ...LAYOUT_DEFS,
  ...INDEXING_DEFS,
  ...EINSUM_DEFS,
  ...VOLUME_DEFS,
  ...SELECTION_DEFS,
  ...STATE_DEFS,
  ...DEVICE_DEFS,
} satisfies Record<string, OpDef>;

type Defs = typeof OP_DEFS;
export type OpName = keyof Defs;

/**
 * The ops that have a gradient. The gradient issue keys its rule table by these names in autodiff/
 * (`satisfies Record<DifferentiableOp, GradRule>`): a differentiable op without a rule is a compile error.
 */
export type DifferentiableOp = { [K in OpName]: Defs[K] extends { differentiable: true } ? K : never }[OpName];
/** The ops that are also Tensor methods. */
export type MethodOp = { [K in OpName]: Defs[K] extends { method: true } ? K : never }[OpName];

// The public name lists are generated (ops.gen.ts, methods.gen.ts) so that the bundled types need not carry
// the definitions' types; the compiler checks they are exactly the registry's.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const generatedNamesMatch: [Same<OpName, PublicOpName>, Same<MethodOp, PublicMethodName>] = [true, true];
void generatedNamesMatch;

/** Each op's public function: its implementation wrapped so that graph builders record it. */
export type OpFunctions = { readonly [K in OpName]: Defs[K]['impl'] };

function build(): { fns: OpFunctions; entries: Record<OpName, OpEntry> } {
  const fns: Record<string, unknown> = {};
  const entries: Record<string, OpEntry> = {};
  for (const [name, def] of Object.entries(OP_DEFS) as [string, OpDef][]) {
    const entry: OpEntry = { impl: def.impl, sideEffect: Boolean(def.sideEffect), spec: def };
    entries[name] = entry;
    fns[name] = recordable(name, entry, def.prepare);
  }
  return { fns: fns as OpFunctions, entries: entries as Record<OpName, OpEntry> };
}

const built = build();
export const OPS: OpFunctions = built.fns;
bindOpTable(built.entries);

// Tensor methods: `x.op(...rest)` is `op(x, ...rest)`, for every definition marked `method`. Their types
// are declared in methods.gen.ts, generated from the same definitions.
const proto = Tensor.prototype as unknown as Record<string, unknown>;
for (const [name, def] of Object.entries(OP_DEFS) as [string, OpDef][]) {
  if (!def.method) continue;
  const fn = (OPS as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
  proto[name] = function (this: Tensor, ...args: unknown[]) {
    return fn(this, ...args);
  };
}
