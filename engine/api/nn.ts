// Public nn ops, composed of reductions and single elementwise kernels: softmax, logSoftmax, layerNorm,
// moments, oneHot, dropout. (Graph mode fuses these further; in eager mode each is a handful of kernels.)
import { family } from './define';
import { opt, p } from '../ops/registry';
import { DTypeError, ShapeError } from '../core/errors';
import { checkDType, type DType } from '../core/dtype';
import { checkInt, contiguousStrides, describe, fmtShape, normalizeAxes, normalizeAxis } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { view } from '../eager/dispatch';
import { runExpr, runReduce } from '../eager/dispatch_kernels';
import { statefulKeyInput } from '../graph/record';
import { type Expr, cast, coord, index, lit, prim } from '../ir/expr';
import { tensorArg } from './args';

function floatArg(x: unknown, op: string, what = 'x'): Tensor {
  const t = tensorArg(x, op, what);
  if (t.dtype === 'bool') throw new DTypeError(`${op} expects a numeric tensor, got bool`, { op, dtypes: ['bool'], shapes: [[...t.shape]] });
  return t;
}

const f32 = (e: Expr) => cast(e, 'float32');

/** Reduction with the reduced dims kept as size 1 (a view of the contiguous result). */
function reduceKeep(op: 'max' | 'sum' | 'mean', x: Tensor, axes: number[]): Tensor {
  const out = runReduce(op, x, axes);
  const shape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const v = view(out, shape, contiguousStrides(shape), 0);
  out.dispose();
  return v;
}

function softmax$impl(logits: Tensor, dim = -1): Tensor {
  const x = floatArg(logits, 'softmax', 'logits');
  if (x.rank === 0) throw new ShapeError('softmax: needs a tensor of rank ≥ 1', { op: 'softmax', shapes: [[]] });
  const a = normalizeAxis(dim, x.rank, 'softmax', x.shape);
  // Two kernels: per row, the maximum m and log Σ exp(x - m) in one pass; then exp((x - m) - log Σ).
  const [m, ls, stats] = softmaxStats(x, a);
  try {
    return runExpr('softmax', [x, m, ls], 'float32', ([v, mx, l]) => prim('exp', prim('sub', prim('sub', f32(v), mx), l)));
  } finally {
    wgDispose(m, ls, stats);
  }
}

function logSoftmax$impl(logits: Tensor, axis = -1): Tensor {
  const x = floatArg(logits, 'logSoftmax', 'logits');
  if (x.rank === 0) throw new ShapeError('logSoftmax: needs a tensor of rank ≥ 1', { op: 'logSoftmax', shapes: [[]] });
  const a = normalizeAxis(axis, x.rank, 'logSoftmax', x.shape);
  const [m, ls, stats] = softmaxStats(x, a);
  try {
    return runExpr('logSoftmax', [x, m, ls], 'float32', ([v, mx, l]) => prim('sub', prim('sub', f32(v), mx), l));
  } finally {
    wgDispose(m, ls, stats);
  }
}

/**
 * One reduction over `axis` giving, per row, the maximum m and log Σ exp(x - m) (stored interleaved);
 * returned as two views broadcastable against x (the reduced axis has size 1), plus the storage tensor.
 */
function softmaxStats(x: Tensor, axis: number): [Tensor, Tensor, Tensor] {
  const stats = runReduce('softmaxStats', x, [axis]);
  const shape = x.shape.map((d, i) => (i === axis ? 1 : d));
  const kept = contiguousStrides([...x.shape.filter((_, i) => i !== axis), 2]);
  let j = 0;
  const strides = x.shape.map((_, i) => (i === axis ? 0 : kept[j++]));
  return [view(stats, shape, strides, 0), view(stats, shape, strides, 1), stats];
}

const wgDispose = (...ts: Tensor[]) => ts.forEach((t) => t.dispose());

function moments$impl(x: Tensor, axes?: number | number[], keepDims = false): { mean: Tensor; variance: Tensor } {
  const t = floatArg(x, 'moments');
  const ax = normalizeAxes(axes, t.rank, 'moments', t.shape);
  const mean = reduceKeep('mean', t, ax);
  const sq = runExpr('moments', [t, mean], 'float32', ([v, m]) => {
    const d = prim('sub', f32(v), m);
    return prim('mul', d, d);
  });
  const variance = reduceKeep('mean', sq, ax);
  sq.dispose();
  if (keepDims) return { mean, variance };
  const shape = t.shape.filter((_, i) => !ax.includes(i));
  const drop = (v: Tensor) => {
    const out = view(v, shape, contiguousStrides(shape), 0);
    v.dispose();
    return out;
  };
  return { mean: drop(mean), variance: drop(variance) };
}

function layerNorm$impl(x: Tensor, gamma?: Tensor | null, beta?: Tensor | null, epsilon = 1e-5): Tensor {
  const op = 'layerNorm';
  const t = floatArg(x, op);
  if (t.rank === 0) throw new ShapeError(`${op}: needs a tensor of rank ≥ 1`, { op, shapes: [[]] });
  if (typeof epsilon !== 'number' || !(epsilon >= 0)) throw new ShapeError(`${op}: epsilon must be a non-negative number, got ${describe(epsilon)}`, { op });
  const last = t.shape[t.rank - 1];
  const affine = [gamma, beta].map((p, i) => {
    if (p === undefined || p === null) return undefined;
    const v = floatArg(p, op, i === 0 ? 'gamma' : 'beta');
    if (v.rank !== 1 || v.shape[0] !== last) {
      throw new ShapeError(`${op}: ${i === 0 ? 'gamma' : 'beta'} must have shape [${last}] to match ${fmtShape(t.shape)}, got ${fmtShape(v.shape)}`, {
        op,
        shapes: [[...t.shape], [...v.shape]],
      });
    }
    return v;
  });
  const { mean, variance } = moments$impl(t, [t.rank - 1], true);
  const [g, b] = affine;
  const inputs = [t, mean, variance, ...(g ? [g] : []), ...(b ? [b] : [])];
  const out = runExpr(op, inputs, 'float32', (xs, p) => {
    const [v, m, va] = xs;
    let y = prim('mul', prim('sub', f32(v), m), prim('rsqrt', prim('add', va, p(epsilon, 'float32'))));
    let k = 3;
    if (g) y = prim('mul', y, f32(xs[k++]));
    if (b) y = prim('add', y, f32(xs[k++]));
    return y;
  });
  mean.dispose();
  variance.dispose();
  return out;
}

function oneHot$impl(indices: Tensor, depth: number, onValue = 1, offValue = 0, dtype: DType = 'int32', axis = -1): Tensor {
  const op = 'oneHot';
  const idx = tensorArg(indices, op, 'indices');
  if (idx.dtype !== 'int32' && idx.dtype !== 'uint32') {
    throw new DTypeError(`${op}: indices must be int32, got ${idx.dtype}`, { op, dtypes: [idx.dtype] });
  }
  checkInt(depth, op, 'depth', 0);
  checkDType(dtype, op);
  // The new dimension goes at `axis` of the output (rank + 1 dims; -1: last, as TensorFlow.js and ONNX's default).
  const a = normalizeAxis(axis, idx.rank + 1, op, idx.shape);
  const outShape = [...idx.shape.slice(0, a), depth, ...idx.shape.slice(a)];
  // The indices broadcast along the new dimension (stride 0).
  const v = view(idx, outShape, [...idx.strides.slice(0, a), 0, ...idx.strides.slice(a)]);
  try {
    return runExpr(op, [v], dtype, ([i], p) => prim('where', prim('eq', cast(i, 'int32'), coord(a)), p(onValue, dtype), p(offValue, dtype)), outShape);
  } finally {
    v.dispose();
  }
}

/**
 * TensorFlow.js's dropout: each element (or each element of `noiseShape`, broadcast to x's shape) is kept
 * with probability 1 - rate and scaled by 1 / (1 - rate), else zeroed. The mask is drawn in the kernel from
 * the counter-based generator: its counter is the element's index in the noise shape, its key comes from the
 * seed and a per-call counter (statefulKeyInput), so every call, and every run of a graph, draws a new mask.
 */
function dropout$impl(x: Tensor, rate: number, noiseShape?: number[] | null, seed?: number): Tensor {
  const op = 'dropout';
  const t = tensorArg(x, op);
  if (t.dtype !== 'float32') {
    throw new DTypeError(`${op}: x has to be a floating point tensor since it's going to be scaled, but got a ${t.dtype} tensor instead`, { op, dtypes: [t.dtype], shapes: [[...t.shape]] });
  }
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ShapeError(`${op}: rate must be a float in the range [0, 1), but got ${rate}`, { op });
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) throw new ShapeError(`${op}: seed must be a finite number, got ${seed}`, { op });
  const noise = noiseShapeOf(t.shape, noiseShape);
  if (rate === 0) return runExpr(op, [t], 'float32', ([v]) => v);
  // The element's linear index in the noise shape (its index in x when the shapes are equal).
  let stride = 1;
  const terms: Expr[] = [];
  for (let a = noise.length - 1; a >= 0; a--) {
    if (noise[a] !== 1) terms.push(prim('mul', coord(a), lit(stride, 'int32')));
    stride *= noise[a];
  }
  const same = noise.every((d, a) => d === t.shape[a]);
  const counter = same ? index() : cast(terms.reduce((s, e) => prim('add', s, e), lit(0, 'int32')), 'uint32');
  const key = statefulKeyInput(op, seed, () => t.device);
  const keyed = typeof key === 'number' ? [t] : [t, key];
  try {
    return runExpr(op, keyed, 'float32', ([v, k], p) => {
      const bits = prim('randbits', counter, typeof key === 'number' ? p(key, 'uint32') : k);
      const keep = prim('ge', prim('u01', bits), p(rate, 'float32'));
      return prim('mul', prim('div', v, p(1 - rate, 'float32')), cast(keep, 'float32'));
    }, t.shape);
  } finally {
    if (typeof key !== 'number') key.dispose();
  }
}

/** dropout's noise shape, checked: x's shape when absent; its own rank or lower, each dimension x's or 1. */
function noiseShapeOf(shape: readonly number[], noiseShape: readonly (number | null)[] | null | undefined): number[] {
  if (noiseShape === undefined || noiseShape === null) return [...shape];
  const lead = shape.length - noiseShape.length;
  const out = shape.map((d, a) => (a < lead ? 1 : (noiseShape[a - lead] ?? d)));
  if (lead < 0 || out.some((d, a) => d !== 1 && d !== shape[a])) {
    throw new ShapeError(`dropout: noiseShape ${fmtShape(noiseShape.map((d) => d ?? -1))} does not broadcast to x's shape ${fmtShape(shape)} (each dimension must be x's or 1)`, {
      op: 'dropout',
      shapes: [[...shape]],
    });
  }
  return out;
}

/** Neural-network ops (registry definitions). */
export const NN_DEFS = family('nn', {
  softmax: {
    doc: 'exp(x) / Σ exp(x) along `dim` (default: the last), computed with the maximum subtracted.',
    params: [p('logits', 'tensor'), opt('dim', 'int')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: softmax$impl,
  },
  logSoftmax: {
    doc: 'x - logΣexp(x) along `axis` (default: the last).',
    params: [p('logits', 'tensor'), opt('axis', 'int')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: logSoftmax$impl,
  },
  moments: {
    doc: "Mean and (population) variance over `axes` (TensorFlow.js's moments).",
    params: [p('x', 'tensor'), opt('axes', 'intOrInts'), opt('keepDims', 'bool')],
    returns: 'moments',
    differentiable: true,
    impl: moments$impl,
  },
  layerNorm: {
    doc: 'Layer normalisation over the last axis, then · gamma + beta when given (1-D, the last dimension).',
    params: [p('x', 'tensor'), opt('gamma', 'optTensor'), opt('beta', 'optTensor'), opt('epsilon', 'number')],
    returns: 'tensor',
    differentiable: true,
    impl: layerNorm$impl,
  },
  oneHot: {
    doc: 'One-hot encoding along a new dimension of size `depth` at `axis` (default: last; out-of-range indices: all offValue).',
    params: [p('indices', 'tensor'), p('depth', 'int'), opt('onValue', 'number'), opt('offValue', 'number'), opt('dtype', 'dtype'), opt('axis', 'int')],
    returns: 'tensor',
    impl: oneHot$impl,
  },
  dropout: {
    doc: 'Zeroes each element with probability `rate` and scales the rest by 1 / (1 - rate); a new mask per call and per graph run (seeded: reproducible).',
    params: [p('x', 'tensor'), p('rate', 'number'), opt('noiseShape', 'nullableShape'), opt('seed', 'number')],
    returns: 'tensor',
    differentiable: true,
    impl: dropout$impl,
  },
});
