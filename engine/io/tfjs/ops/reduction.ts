// TensorFlow.js converter family "reduction": reductions over axes given as a tensor, arg-reductions, scans and
// bincounts. Sum/Prod/Max/Min of small known int32 values fold on the host (shape arithmetic: Prod of a Shape).
import * as wg from '../../../index';
import type { Family, HostValue, OpContext, OpConverter } from '../convert';
import { axesInput } from './common';

type Reducer = (x: wg.Tensor, axis: number[], keepDims: boolean) => wg.Tensor;

/** Reduces host int32 data over `axes` (normalised, any order) with `f` from `init`. */
function hostReduce(v: HostValue, axes: number[], keepDims: boolean, init: number, f: (a: number, b: number) => number): HostValue {
  const rank = v.shape.length;
  const red = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  const outShape = v.shape.map((d, i) => (red.has(i) ? 1 : d));
  const outCount = outShape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(outCount).fill(init);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < v.data.length; i++) {
    let o = 0;
    for (let d = 0; d < rank; d++) o = o * outShape[d] + (red.has(d) ? 0 : idx[d]);
    out[o] = f(out[o], v.data[i]);
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < v.shape[d]) break;
      idx[d] = 0;
    }
  }
  return { data: out.map((x) => x | 0), shape: keepDims ? outShape : v.shape.filter((_, i) => !red.has(i)), dtype: 'int32' };
}

/** A reduction whose axes are input 1 and keep_dims an attribute; int32 results of known inputs fold when `fold` is given. */
const reduce =
  (fn: Reducer, fold?: { init: number; f: (a: number, b: number) => number }): OpConverter =>
  (ctx) => {
    const axes = axesInput(ctx, 1);
    const keepDims = ctx.attrs.bool('keep_dims', false);
    const known = fold ? ctx.allKnown() : undefined;
    if (fold && known && known[0].dtype === 'int32') {
      const rank = known[0].shape.length;
      for (const a of axes) if (a < -rank || a >= rank) throw ctx.error(`axis ${a} is out of range for rank ${rank}`);
      return ctx.constant(hostReduce(known[0], axes, keepDims, fold.init, fold.f));
    }
    return fn(ctx.input(0), axes, keepDims);
  };

/** TensorFlow's Mean keeps an integer input's dtype (the sum divided by the count, truncated toward zero). */
const mean: Reducer = (x, axis, keepDims) => (x.dtype === 'int32' ? wg.cast(wg.mean(x, axis, keepDims), 'int32') : wg.mean(x, axis, keepDims));

const scan =
  (fn: (x: wg.Tensor, axis: number, exclusive: boolean, reverse: boolean) => wg.Tensor): OpConverter =>
  (ctx) =>
    fn(ctx.input(0), ctx.number(1, 'axis'), ctx.attrs.bool('exclusive', false), ctx.attrs.bool('reverse', false));

/**
 * Counts (or sums weights) per value in [0, size) along the last axis of a 1-D or 2-D x: a one-hot of x summed
 * over its entries. Values outside [0, size) count nowhere. binary: 1 where a value occurs at all.
 */
function denseBincount(ctx: OpContext, x: wg.Tensor, size: number, weights: wg.Tensor, binary: boolean): wg.Tensor {
  if (x.rank !== 1 && x.rank !== 2) throw ctx.error(`x must be 1-D or 2-D, got shape [${x.shape.join(', ')}]`);
  if (!Number.isInteger(size) || size < 0) throw ctx.error(`size must be a non-negative integer, got ${size}`);
  const weighted = weights.size > 0;
  if (weighted && (weights.rank !== x.rank || weights.shape.some((d, i) => d >= 0 && x.shape[i] >= 0 && d !== x.shape[i]))) {
    throw ctx.error(`weights [${weights.shape.join(', ')}] must have x's shape [${x.shape.join(', ')}] or be empty`);
  }
  const dtype = weights.dtype === 'bool' ? 'int32' : weights.dtype;
  const hot = wg.oneHot(x, size, 1, 0, binary || !weighted ? dtype : weights.dtype);
  if (binary) return wg.cast(wg.greater(wg.max(hot, [x.rank - 1]), 0), dtype);
  const terms = weighted ? wg.mul(hot, wg.expandDims(weights, -1)) : hot;
  return wg.sum(terms, [x.rank - 1]);
}

/** Each translation run in a wg.tidy: what a composite makes on the way is freed eagerly, its outputs kept. */
const tidied = (ops: Record<string, OpConverter>): Record<string, OpConverter> =>
  Object.fromEntries(Object.entries(ops).map(([name, f]) => [name, (ctx: OpContext) => wg.tidy(() => f(ctx))]));

export const REDUCTION: Family = {
  excluded: {},
  ops: tidied({
    Mean: reduce(mean),
    Sum: reduce(wg.sum, { init: 0, f: (a, b) => a + b }),
    Prod: reduce(wg.prod, { init: 1, f: (a, b) => Math.imul(a, b) }),
    Max: reduce(wg.max, { init: -2147483648, f: Math.max }),
    Min: reduce(wg.min, { init: 2147483647, f: Math.min }),
    All: reduce(wg.all),
    Any: reduce(wg.any),
    ArgMax: (ctx) => wg.argMax(ctx.input(0), ctx.number(1, 'axis')),
    ArgMin: (ctx) => wg.argMin(ctx.input(0), ctx.number(1, 'axis')),
    Cumsum: scan(wg.cumsum),
    Cumprod: scan(wg.cumprod),
    // TensorFlow's Bincount counts every entry of x (any shape); TensorFlow.js's takes a vector.
    Bincount: (ctx) => {
      const x = ctx.input(0);
      const weights = ctx.input(2);
      const flat = x.rank === 1 ? x : wg.reshape(x, [-1]);
      return wg.bincount(flat, weights.size > 0 && weights.rank !== 1 ? wg.reshape(weights, [-1]) : weights, ctx.number(1, 'size'));
    },
    DenseBincount: (ctx) => denseBincount(ctx, ctx.input(0), ctx.number(1, 'size'), ctx.input(2), ctx.attrs.bool('binary_output', false)),
  }),
};
