// TensorFlow.js converter family "creation": fills, ranges, one-hot and random tensors. Results of known inputs
// that are small (≤ FOLD_MAX elements) are computed on the host and kept known (a Fill or Range feeding a Reshape
// folds); larger ones use wgflow's creation ops, which generate the values on the device.
import * as wg from '../../../index';
import { numericDType, type Family, type HostValue, type OpContext, type OpConverter } from '../convert';

type DT = HostValue['dtype'];

/** The largest result folded on the host. */
const FOLD_MAX = 256;

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Input i as a shape: known non-negative integers. */
function dims(ctx: OpContext, i: number): number[] {
  const s = ctx.ints(i, 'shape');
  if (ctx.known(i)!.shape.length > 1) throw ctx.error(`its shape (input ${i}) must be a vector, got a tensor of shape [${ctx.known(i)!.shape.join(', ')}]`);
  if (s.some((d) => d < 0)) throw ctx.error(`its shape [${s.join(', ')}] has a negative dimension`);
  return s;
}

/** A dtype attribute as wgflow's (float types → float32, integer types → int32; string/complex: an error). */
const dtypeAttr = (ctx: OpContext, name: string, fallback: DT): DT => numericDType(ctx.attrs.dtype(name, fallback), ctx.node);

/** A value stored as `dtype` (float → int truncates; bool is 0/1). */
const convert = (v: number, dtype: DT) => (dtype === 'int32' ? Math.trunc(v) | 0 : dtype === 'bool' ? (v !== 0 ? 1 : 0) : Math.fround(v));

/** `shape` filled with `value`: folded when small, else a fill kernel. */
function filled(ctx: OpContext, shape: number[], value: number, dtype: DT): wg.Tensor {
  const v = convert(value, dtype);
  if (count(shape) <= FOLD_MAX) return ctx.constant({ data: new Array<number>(count(shape)).fill(v), shape, dtype });
  return wg.fill(shape, dtype === 'bool' ? v !== 0 : v, dtype);
}

/** A like-op (ZerosLike, OnesLike): the input's shape and dtype. */
const like =
  (value: 0 | 1): OpConverter =>
  (ctx) => {
    const x = ctx.input(0);
    // A graph's unknown sizes (model.graph) are only known when it runs: a fill kernel of x's shape then.
    if (x.shape.some((d) => d < 0)) return value === 0 ? wg.zerosLike(x) : wg.onesLike(x);
    return filled(ctx, [...x.shape], value, x.dtype as DT);
  };

/**
 * The seed of a random op: TensorFlow's two seeds (`seed`, `seed2`) mixed into one 32-bit number, with `salt` for
 * ops that draw several independent tensors. Both 0 means unseeded: each call draws new values.
 */
function seedOf(ctx: OpContext, salt = 0): number | undefined {
  const s1 = ctx.attrs.int('seed', 0);
  const s2 = ctx.attrs.int('seed2', 0);
  if (s1 === 0 && s2 === 0) return undefined;
  let h = Math.imul(s1 ^ 0x3c6ef372, 0x9e3779b1) ^ Math.imul((s2 + 0x7f4a7c15) | 0, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/** TensorFlow's Range: start, start + delta, … before limit (empty when they meet), accumulated as TensorFlow does. */
function range(ctx: OpContext): wg.Tensor {
  const start = ctx.number(0, 'start');
  const limit = ctx.number(1, 'limit');
  const delta = ctx.number(2, 'delta');
  const dtype = dtypeAttr(ctx, 'Tidx', ctx.input(0).dtype as DT);
  if (dtype === 'bool') throw ctx.error('Tidx must be a number type, got bool');
  if (delta === 0) throw ctx.error('delta must not be 0');
  if (delta > 0 ? start > limit : start < limit) throw ctx.error(`a delta of ${delta} never goes from ${start} to ${limit}`);
  const n = Math.ceil(Math.abs((limit - start) / delta));
  if (n > FOLD_MAX) return wg.range(start, limit, delta, dtype);
  const data: number[] = [];
  for (let i = 0, v = convert(start, dtype); i < n; i++, v = convert(v + delta, dtype)) data.push(v);
  return ctx.constant({ data, shape: [n], dtype });
}

/** TensorFlow's LinSpace: num values from start to stop, both included (float32). */
function linSpace(ctx: OpContext): wg.Tensor {
  const start = ctx.number(0, 'start');
  const stop = ctx.number(1, 'stop');
  const num = ctx.number(2, 'num');
  if (!Number.isInteger(num) || num < 1) throw ctx.error(`num must be a positive integer, got ${num}`);
  if (num > FOLD_MAX) return wg.linspace(start, stop, num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  const data = Array.from({ length: num }, (_, i) => Math.fround(i === num - 1 && num > 1 ? stop : start + i * step));
  return ctx.constant({ data, shape: [num], dtype: 'float32' });
}

/** TensorFlow's TruncatedNormal: normal values, re-drawn where more than 2 standard deviations from the mean. */
function truncatedNormal(ctx: OpContext): wg.Tensor {
  const shape = dims(ctx, 0);
  const mean = ctx.attrs.float('means', 0);
  const stdDev = ctx.attrs.float('stddev', 1);
  // Rejection by candidates: the first of 4 normal draws within (-2, 2) per element; where all 4 fall outside
  // (probability 0.0455^4 ≈ 4e-6) a uniform draw in [-2, 2) stands in, so every value is within range.
  let z = wg.randomUniform(shape, -2, 2, 'float32', seedOf(ctx, 4));
  for (let k = 3; k >= 0; k--) {
    const c = wg.randomNormal(shape, 0, 1, 'float32', seedOf(ctx, k));
    z = wg.where(wg.less(wg.abs(c), 2), c, z);
  }
  return mean === 0 && stdDev === 1 ? z : wg.add(wg.mul(z, stdDev), mean);
}

/** TensorFlow's Multinomial: numSamples class indices per row of logits, by the Gumbel-max trick. */
function multinomial(ctx: OpContext): wg.Tensor {
  const logits = ctx.input(0);
  const samples = ctx.number(1, 'num_samples');
  if (logits.rank !== 2) throw ctx.error(`logits must be 2-D [batch, classes], got [${logits.shape.join(', ')}]`);
  if (!Number.isInteger(samples) || samples < 0) throw ctx.error(`num_samples must be a non-negative integer, got ${samples}`);
  const [batch, classes] = logits.shape;
  if (classes < 1) throw ctx.error('logits have no classes');
  const u = wg.randomUniform([batch, samples, classes], 0, 1, 'float32', seedOf(ctx));
  const gumbel = wg.neg(wg.log(wg.neg(wg.log(u))));
  return wg.argMax(wg.add(wg.expandDims(wg.cast(logits, 'float32'), 1), gumbel), 2);
}

/** Each translation run in a wg.tidy: what a composite makes on the way is freed eagerly, its outputs kept. */
const tidied = (ops: Record<string, OpConverter>): Record<string, OpConverter> =>
  Object.fromEntries(Object.entries(ops).map(([name, f]) => [name, (ctx: OpContext) => wg.tidy(() => f(ctx))]));

export const CREATION: Family = {
  excluded: {},
  ops: tidied({
    Fill: (ctx) => {
      const shape = dims(ctx, 0);
      const value = ctx.known(1);
      const dtype = dtypeAttr(ctx, 'T', ctx.input(1).dtype as DT);
      if (value) {
        if (value.data.length !== 1) throw ctx.error(`its value (input 1) must be a scalar, got shape [${value.shape.join(', ')}]`);
        return filled(ctx, shape, value.data[0], dtype);
      }
      const v = ctx.input(1);
      if (v.size !== 1) throw ctx.error(`its value (input 1) must be a scalar, got shape [${v.shape.join(', ')}]`);
      return wg.clone(wg.broadcastTo(wg.reshape(v, []), shape));
    },
    Zeros: (ctx) => filled(ctx, dims(ctx, 0), 0, dtypeAttr(ctx, 'T', 'float32')),
    Ones: (ctx) => filled(ctx, dims(ctx, 0), 1, dtypeAttr(ctx, 'T', 'float32')),
    ZerosLike: like(0),
    OnesLike: like(1),
    Range: range,
    LinSpace: linSpace,
    OneHot: (ctx) => {
      const depth = ctx.number(1, 'depth');
      if (!Number.isInteger(depth) || depth < 0) throw ctx.error(`depth must be a non-negative integer, got ${depth}`);
      const dtype = dtypeAttr(ctx, 'T', (ctx.known(2)?.dtype ?? 'float32') as DT);
      const indices = ctx.input(0);
      const axis = ctx.attrs.int('axis', -1);
      if (axis < -1 || axis > indices.rank) throw ctx.error(`axis ${axis} is out of range for indices of rank ${indices.rank} (-1 … ${indices.rank})`);
      return wg.oneHot(indices, depth, ctx.number(2, 'on_value'), ctx.number(3, 'off_value'), dtype, axis);
    },
    RandomUniform: (ctx) => {
      const dtype = dtypeAttr(ctx, 'dtype', 'float32');
      if (dtype !== 'float32') throw ctx.error(`dtype must be a float type, got ${dtype}`);
      return wg.randomUniform(dims(ctx, 0), ctx.attrs.float('minval', 0), ctx.attrs.float('maxval', 1), 'float32', seedOf(ctx));
    },
    RandomUniformInt: (ctx) => {
      // TensorFlow gives minval and maxval as inputs 1 and 2; TensorFlow.js's op list reads them as attributes.
      const lo = ctx.inputs.length >= 3 ? ctx.number(1, 'minval') : ctx.attrs.int('minval');
      const hi = ctx.inputs.length >= 3 ? ctx.number(2, 'maxval') : ctx.attrs.int('maxval');
      if (!(lo < hi)) throw ctx.error(`needs minval < maxval, got ${lo} and ${hi}`);
      return wg.randomUniform(dims(ctx, 0), lo, hi, 'int32', seedOf(ctx));
    },
    RandomStandardNormal: (ctx) => {
      const dtype = dtypeAttr(ctx, 'dtype', 'float32');
      if (dtype !== 'float32') throw ctx.error(`dtype must be a float type, got ${dtype}`);
      return wg.randomNormal(dims(ctx, 0), 0, 1, 'float32', seedOf(ctx));
    },
    TruncatedNormal: (ctx) => {
      const dtype = dtypeAttr(ctx, 'dtype', 'float32');
      if (dtype !== 'float32') throw ctx.error(`dtype must be a float type, got ${dtype}`);
      return truncatedNormal(ctx);
    },
    Multinomial: multinomial,
  }),
};
