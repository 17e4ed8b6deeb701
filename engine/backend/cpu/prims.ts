// Renders the primitive table (ir/prims.ts) to JavaScript closures, for the CPU device's interpreter: the
// same JS forms that jit_expr.ts renders as source, so interpreted and generated kernels compute the same
// doubles. Values are JS numbers (bool as 0/1); the caller rounds each result to its node's dtype.
import type { DType } from '../../core/dtype';
import { JS_HELPERS } from '../../ir/prim_helpers';
import { CAST, primDef, type Js, type JsOp, type PrimCtx, type TablePrim } from '../../ir/prims';

/**
 * A value as a function of up to three operand values (a node's operands; a reduction's state). Templates
 * compose these, so a primitive renders to one plain function of its operands, called once per element.
 */
export type Fn3 = (a: number, b: number, c: number) => number;
type R = Fn3;
/** The operands, as the leaves of a composition. */
export const OPERANDS: R[] = [(a) => a, (_a, b) => b, (_a, _b, c) => c];

/** The helper functions generated kernels call as `P.name` (jit.ts passes this object as `P`). */
export const CPU_PRIMS = JS_HELPERS;

type Op2 = (p: number, q: number) => number;
/** The operators (comparisons and logic yield booleans, which the table only uses as conditions or wraps as 0/1). */
const OPS: { readonly [O in JsOp]: Op2 } = {
  '+': (p, q) => p + q,
  '-': (p, q) => p - q,
  '*': (p, q) => p * q,
  '/': (p, q) => p / q,
  '|': (p, q) => p | q,
  '>>>': (p, q) => p >>> q,
  '===': (p, q) => (p === q) as unknown as number,
  '!==': (p, q) => (p !== q) as unknown as number,
  '<': (p, q) => (p < q) as unknown as number,
  '<=': (p, q) => (p <= q) as unknown as number,
  '>': (p, q) => (p > q) as unknown as number,
  '>=': (p, q) => (p >= q) as unknown as number,
  '&&': (p, q) => (p && q) as unknown as number,
  '||': (p, q) => (p || q) as unknown as number,
};

const [X, Y] = OPERANDS;
// Fast paths: a primitive applied straight to its own operands (most of them) is one call, as before.
function binary(a: R, o: JsOp, b: R): R {
  const f = OPS[o];
  if (a === X && b === Y) return f; // (x, y, z) => f(x, y): f ignores z
  return (x, y, z) => f(a(x, y, z), b(x, y, z));
}

/** f(…operands[, d]) — the common arities without spreading. */
function call(f: (...x: unknown[]) => number, a: R[], d?: DType): R {
  const [p, q] = a;
  if (a.length === 1) {
    if (p === X) return d === undefined ? (x) => f(x) : (x) => f(x, d);
    return d === undefined ? (x, y, z) => f(p(x, y, z)) : (x, y, z) => f(p(x, y, z), d);
  }
  if (a.length === 2) {
    if (p === X && q === Y) return d === undefined ? (x, y) => f(x, y) : (x, y) => f(x, y, d);
    return d === undefined ? (x, y, z) => f(p(x, y, z), q(x, y, z)) : (x, y, z) => f(p(x, y, z), q(x, y, z), d);
  }
  const tail = d === undefined ? [] : [d];
  return (x, y, z) => f(...a.map((g) => g(x, y, z)), ...tail);
}

/** The table's JS algebra over closures (reductions.ts's folds are written against it too). */
export const CLOSURES: Js<R> = {
  num: (x) => () => x,
  math: (fn, ...a) => call(Math[fn] as (...x: unknown[]) => number, a),
  fn: (h, a, d) => call(JS_HELPERS[h] as (...x: unknown[]) => number, a, d),
  op: binary,
  neg: (a) => (a === X ? (x) => -x : (x, y, z) => -a(x, y, z)),
  not: (a) => (x, y, z) => (!a(x, y, z)) as unknown as number,
  if: (c, a, b) => (x, y, z) => (c(x, y, z) ? a(x, y, z) : b(x, y, z)),
};

/** Primitive `p` of operand context `c` as a plain function of its operand values. */
export function primFn(p: TablePrim, c: PrimCtx): Fn3 {
  return primDef(p).js(CLOSURES, OPERANDS, c);
}

const casts = new Map<string, Fn3>();
/** A conversion as a function of the value (rounding to `to` is left to the caller, as for every node). */
export function castFn(from: DType, to: DType): Fn3 {
  const key = `${from}>${to}`;
  let f = casts.get(key);
  if (!f) casts.set(key, (f = CAST.js(CLOSURES, OPERANDS[0], from, to)));
  return f;
}

/** Converts one value with the WGSL backend's rules (before rounding to `to`). */
export const castValue = (x: number, from: DType, to: DType): number => castFn(from, to)(x, 0, 0);
