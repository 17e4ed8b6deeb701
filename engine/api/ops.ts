// Public op functions (TensorFlow.js names and signatures). Each elementwise op is one kernel in eager mode.
import type { DType } from '../core/dtype';
import { ShapeError } from '../core/errors';
import { checkInt, contiguousStrides, describe, fmtShape, sizeOf } from '../core/shape';
import { Tensor } from '../core/tensor';
import { materialize, runElementwise, view } from '../eager/dispatch';
import type { ElementwiseOp } from '../ops/elementwise';

/** A tensor, or a bare number/boolean used as a scalar of the other operand's dtype. */
export type TensorLike = Tensor | number | boolean;

const u = (op: ElementwiseOp) => (x: TensorLike): Tensor => runElementwise(op, [x]);
const b = (op: ElementwiseOp) => (a: TensorLike, c: TensorLike): Tensor => runElementwise(op, [a, c]);

// ---- unary ----
/** -x */ export const neg = u('neg');
/** |x| */ export const abs = u('abs');
/** -1, 0 or 1 (NaN stays NaN). */ export const sign = u('sign');
/** eˣ (integers give float32). */ export const exp = u('exp');
/** Natural logarithm; log(0) = -Infinity, negative → NaN. */ export const log = u('log');
/** log(1 + x), accurate near 0. */ export const log1p = u('log1p');
/** eˣ - 1, accurate near 0. */ export const expm1 = u('expm1');
export const sqrt = u('sqrt');
/** 1 / √x */ export const rsqrt = u('rsqrt');
/** x² (keeps the dtype). */ export const square = u('square');
/** 1 / x */ export const reciprocal = u('reciprocal');
export const sin = u('sin');
export const cos = u('cos');
export const tan = u('tan');
export const tanh = u('tanh');
/** 1 / (1 + e⁻ˣ) */ export const sigmoid = u('sigmoid');
/** max(x, 0); NaN stays NaN. */ export const relu = u('relu');
/** x ≥ 0 ? x : alpha·x (alpha defaults to 0.2, as in TensorFlow.js). */
export const leakyRelu = (x: TensorLike, alpha = 0.2): Tensor => runElementwise('leakyRelu', [x], { alpha });
/** x > 0 ? x : eˣ - 1 */ export const elu = u('elu');
/** Exact GELU: x·Φ(x) = 0.5·x·(1 + erf(x/√2)). */ export const gelu = u('gelu');
/** log(1 + eˣ), computed without overflow. */ export const softplus = u('softplus');
export const floor = u('floor');
export const ceil = u('ceil');
/** Rounds half to even, as TensorFlow and NumPy do. */ export const round = u('round');
/** The error function. */ export const erf = u('erf');
export const logicalNot = u('logicalNot');
/** A copy of x in new, contiguous memory. */ export const clone = u('clone');

// ---- binary (NumPy broadcasting) ----
export const add = b('add');
export const sub = b('sub');
export const mul = b('mul');
/** a / b; for two integer tensors this is floor division (as TensorFlow.js). */ export const div = b('div');
/** ⌊a / b⌋ (NumPy semantics; integer division by 0 gives 0). */ export const floorDiv = b('floorDiv');
/** Remainder with the divisor's sign (NumPy/Python %). */ export const mod = b('mod');
export const pow = b('pow');
export const maximum = b('maximum');
export const minimum = b('minimum');
export const atan2 = b('atan2');
export const equal = b('equal');
export const notEqual = b('notEqual');
export const less = b('less');
export const lessEqual = b('lessEqual');
export const greater = b('greater');
export const greaterEqual = b('greaterEqual');
export const logicalAnd = b('logicalAnd');
export const logicalOr = b('logicalOr');
export const logicalXor = b('logicalXor');

/** condition ? a : b, elementwise, broadcasting all three. */
export const where = (condition: TensorLike, a: TensorLike, b: TensorLike): Tensor => runElementwise('where', [condition, a, b]);
/** Converts to `dtype` (float → int truncates toward zero; int32 ↔ uint32 keep the bits). */
export const cast = (x: TensorLike, dtype: DType): Tensor => runElementwise('cast', [x], { dtype });
/** Clamps to [min, max]. */
export function clipByValue(x: TensorLike, clipValueMin: number, clipValueMax: number): Tensor {
  for (const [what, v] of [['clipValueMin', clipValueMin], ['clipValueMax', clipValueMax]] as const) {
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new ShapeError(`clipByValue: ${what} must be a number, got ${describe(v)}`, { op: 'clipByValue' });
    }
  }
  if (clipValueMin > clipValueMax) {
    throw new ShapeError(`clipByValue: clipValueMin ${clipValueMin} is greater than clipValueMax ${clipValueMax}`, {
      op: 'clipByValue',
    });
  }
  return runElementwise('clipByValue', [x], { min: clipValueMin, max: clipValueMax });
}

function tensorArg(x: unknown, op: string): Tensor {
  if (!(x instanceof Tensor)) throw new ShapeError(`${op}: expected a Tensor, got ${describe(x)}`, { op });
  x.assertUsable(op);
  return x;
}

// ---- views (no kernel when the input is contiguous) ----

/** New shape with the same elements; one dimension may be -1 (inferred). A view when x is contiguous. */
export function reshape(x: Tensor, shape: number[]): Tensor {
  const t = tensorArg(x, 'reshape');
  if (!Array.isArray(shape)) throw new ShapeError(`reshape: shape must be an array, got ${describe(shape)}`, { op: 'reshape' });
  let inferAt = -1;
  shape.forEach((d, i) => {
    checkInt(d, 'reshape', `shape[${i}]`, -1);
    if (d === -1) {
      if (inferAt >= 0) throw new ShapeError(`reshape: only one dimension may be -1, got ${fmtShape(shape)}`, { op: 'reshape' });
      inferAt = i;
    }
  });
  const out = [...shape];
  if (inferAt >= 0) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || t.size % known !== 0) {
      throw new ShapeError(`reshape: cannot infer -1 in ${fmtShape(shape)} for ${t.size} elements (shape ${fmtShape(t.shape)})`, {
        op: 'reshape',
        shapes: [[...t.shape], shape],
      });
    }
    out[inferAt] = t.size / known;
  }
  if (sizeOf(out) !== t.size) {
    throw new ShapeError(`reshape: cannot reshape ${fmtShape(t.shape)} (${t.size} elements) into ${fmtShape(out)} (${sizeOf(out)} elements)`, {
      op: 'reshape',
      shapes: [[...t.shape], out],
    });
  }
  if (t.isContiguous) return view(t, out, contiguousStrides(out));
  // A strided view cannot be re-viewed in general: copy it once, then view the copy.
  const copy = materialize(t);
  const v = view(copy, out, contiguousStrides(out), 0);
  copy.dispose(); // the view keeps the storage alive
  return v;
}

/** Permutes dimensions (default: reverse them). Always a view. */
export function transpose(x: Tensor, perm?: number[]): Tensor {
  const t = tensorArg(x, 'transpose');
  const r = t.rank;
  const p = perm ?? Array.from({ length: r }, (_, i) => r - 1 - i);
  const ok =
    Array.isArray(p) &&
    p.length === r &&
    p.every((d) => Number.isInteger(d) && d >= -r && d < r) &&
    new Set(p.map((d) => (d + r) % r)).size === r;
  if (!ok) {
    throw new ShapeError(`transpose: perm ${describe(p)} is not a permutation of the ${r} dimensions of ${fmtShape(t.shape)}`, {
      op: 'transpose',
      shapes: [[...t.shape]],
    });
  }
  const q = p.map((d) => (d + r) % r);
  return view(t, q.map((d) => t.shape[d]), q.map((d) => t.strides[d]));
}
