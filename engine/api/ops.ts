// Public op functions (TensorFlow.js names and signatures). Each elementwise op is one kernel in eager mode.
import { recordable } from '../graph/record';
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
const neg$impl = u('neg');
const abs$impl = u('abs');
const sign$impl = u('sign');
const exp$impl = u('exp');
const log$impl = u('log');
const log1p$impl = u('log1p');
const expm1$impl = u('expm1');
const sqrt$impl = u('sqrt');
const rsqrt$impl = u('rsqrt');
const square$impl = u('square');
const reciprocal$impl = u('reciprocal');
const sin$impl = u('sin');
const cos$impl = u('cos');
const tan$impl = u('tan');
const tanh$impl = u('tanh');
const sigmoid$impl = u('sigmoid');
const relu$impl = u('relu');
const leakyRelu$impl = (x: TensorLike, alpha = 0.2): Tensor => runElementwise('leakyRelu', [x], { alpha });
const elu$impl = u('elu');
const gelu$impl = u('gelu');
const softplus$impl = u('softplus');
const floor$impl = u('floor');
const ceil$impl = u('ceil');
const round$impl = u('round');
const erf$impl = u('erf');
const logicalNot$impl = u('logicalNot');
const clone$impl = u('clone');

// ---- binary (NumPy broadcasting) ----
const add$impl = b('add');
const sub$impl = b('sub');
const mul$impl = b('mul');
const div$impl = b('div');
const floorDiv$impl = b('floorDiv');
const mod$impl = b('mod');
const pow$impl = b('pow');
const maximum$impl = b('maximum');
const minimum$impl = b('minimum');
const atan2$impl = b('atan2');
const equal$impl = b('equal');
const notEqual$impl = b('notEqual');
const less$impl = b('less');
const lessEqual$impl = b('lessEqual');
const greater$impl = b('greater');
const greaterEqual$impl = b('greaterEqual');
const logicalAnd$impl = b('logicalAnd');
const logicalOr$impl = b('logicalOr');
const logicalXor$impl = b('logicalXor');

const where$impl = (condition: TensorLike, a: TensorLike, b: TensorLike): Tensor => runElementwise('where', [condition, a, b]);
const cast$impl = (x: TensorLike, dtype: DType): Tensor => runElementwise('cast', [x], { dtype });
function clipByValue$impl(x: TensorLike, clipValueMin: number, clipValueMax: number): Tensor {
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

function reshape$impl(x: Tensor, shape: number[]): Tensor {
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

function transpose$impl(x: Tensor, perm?: number[]): Tensor {
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

// ---- public, recordable versions (graph builders record these calls as nodes) ----
/** Clamps to [min, max]. */
export const clipByValue = recordable('clipByValue', clipByValue$impl);
/** New shape with the same elements; one dimension may be -1 (inferred). A view when x is contiguous. */
export const reshape = recordable('reshape', reshape$impl);
/** Permutes dimensions (default: reverse them). Always a view. */
export const transpose = recordable('transpose', transpose$impl);
export const sqrt = recordable('sqrt', sqrt$impl);
export const sin = recordable('sin', sin$impl);
export const cos = recordable('cos', cos$impl);
export const tan = recordable('tan', tan$impl);
export const tanh = recordable('tanh', tanh$impl);
/** x ≥ 0 ? x : alpha·x (alpha defaults to 0.2, as in TensorFlow.js). */
export const leakyRelu = recordable('leakyRelu', leakyRelu$impl);
export const floor = recordable('floor', floor$impl);
export const ceil = recordable('ceil', ceil$impl);
export const logicalNot = recordable('logicalNot', logicalNot$impl);
export const add = recordable('add', add$impl);
export const sub = recordable('sub', sub$impl);
export const mul = recordable('mul', mul$impl);
export const pow = recordable('pow', pow$impl);
export const maximum = recordable('maximum', maximum$impl);
export const minimum = recordable('minimum', minimum$impl);
export const atan2 = recordable('atan2', atan2$impl);
export const equal = recordable('equal', equal$impl);
export const notEqual = recordable('notEqual', notEqual$impl);
export const less = recordable('less', less$impl);
export const lessEqual = recordable('lessEqual', lessEqual$impl);
export const greater = recordable('greater', greater$impl);
export const greaterEqual = recordable('greaterEqual', greaterEqual$impl);
export const logicalAnd = recordable('logicalAnd', logicalAnd$impl);
export const logicalOr = recordable('logicalOr', logicalOr$impl);
export const logicalXor = recordable('logicalXor', logicalXor$impl);
/** condition ? a : b, elementwise, broadcasting all three. */
export const where = recordable('where', where$impl);
/** Converts to `dtype` (float → int truncates toward zero; int32 ↔ uint32 keep the bits). */
export const cast = recordable('cast', cast$impl);
/** -x */
export const neg = recordable('neg', neg$impl);
/** |x| */
export const abs = recordable('abs', abs$impl);
/** -1, 0 or 1 (NaN stays NaN). */
export const sign = recordable('sign', sign$impl);
/** eˣ (integers give float32). */
export const exp = recordable('exp', exp$impl);
/** Natural logarithm; log(0) = -Infinity, negative → NaN. */
export const log = recordable('log', log$impl);
/** log(1 + x), accurate near 0. */
export const log1p = recordable('log1p', log1p$impl);
/** eˣ - 1, accurate near 0. */
export const expm1 = recordable('expm1', expm1$impl);
/** 1 / √x */
export const rsqrt = recordable('rsqrt', rsqrt$impl);
/** x² (keeps the dtype). */
export const square = recordable('square', square$impl);
/** 1 / x */
export const reciprocal = recordable('reciprocal', reciprocal$impl);
/** 1 / (1 + e⁻ˣ) */
export const sigmoid = recordable('sigmoid', sigmoid$impl);
/** max(x, 0); NaN stays NaN. */
export const relu = recordable('relu', relu$impl);
/** x > 0 ? x : eˣ - 1 */
export const elu = recordable('elu', elu$impl);
/** Exact GELU: x·Φ(x) = 0.5·x·(1 + erf(x/√2)). */
export const gelu = recordable('gelu', gelu$impl);
/** log(1 + eˣ), computed without overflow. */
export const softplus = recordable('softplus', softplus$impl);
/** Rounds half to even, as TensorFlow and NumPy do. */
export const round = recordable('round', round$impl);
/** The error function. */
export const erf = recordable('erf', erf$impl);
/** A copy of x in new, contiguous memory. */
export const clone = recordable('clone', clone$impl);
/** a / b; for two integer tensors this is floor division (as TensorFlow.js). */
export const div = recordable('div', div$impl);
/** ⌊a / b⌋ (NumPy semantics; integer division by 0 gives 0). */
export const floorDiv = recordable('floorDiv', floorDiv$impl);
/** Remainder with the divisor's sign (NumPy/Python %). */
export const mod = recordable('mod', mod$impl);
