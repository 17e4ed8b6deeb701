// TensorFlow.js converter family "graph": identities, Print, FakeQuantWithMinMaxVars, and the shape ops, which
// fold to constants when the shapes are known (always inside a wg.function trace, whose inputs have concrete
// shapes). Const and Placeholder nodes are read by the converter itself (convert.ts); their entries here say what
// they are if a translation is ever asked for them.
import * as wg from '../../../index';
import type { Family, OpContext, OpConverter } from '../convert';

const identity = (ctx: OpContext) => ctx.input(0);

function knownShape(ctx: OpContext, t: wg.Tensor): number[] {
  if (t.shape.some((d) => d < 0)) throw ctx.error(`the shape of its input is not known ([${t.shape.join(', ')}]); wgflow folds Shape to a constant`);
  return [...t.shape];
}

const shapeOf = (ctx: OpContext, t: wg.Tensor) => {
  const s = knownShape(ctx, t);
  return ctx.constant({ data: s, shape: [s.length], dtype: 'int32' });
};

/**
 * TensorFlow's FakeQuantWithMinMaxVars: the range [min, max] nudged so that 0 is exactly representable, values
 * clamped to it and rounded to one of 2^num_bits (minus one with narrow_range) levels (a range beyond 0 on one side
 * is nudged to start or end at 0). min and max are inputs 1
 * and 2 in TensorFlow's graphs (TensorFlow.js's op list names them as attributes: read there when absent).
 */
function fakeQuant(ctx: OpContext): wg.Tensor {
  const x = ctx.input(0);
  const min = ctx.inputs.length >= 3 ? ctx.number(1, 'min') : ctx.attrs.float('min');
  const max = ctx.inputs.length >= 3 ? ctx.number(2, 'max') : ctx.attrs.float('max');
  const bits = ctx.attrs.int('num_bits', 8);
  if (!Number.isInteger(bits) || bits < 2 || bits > 16) throw ctx.error(`num_bits must be in [2, 16], got ${bits}`);
  if (!(min < max)) throw ctx.error(`needs min < max, got [${min}, ${max}]`);
  const qmin = ctx.attrs.bool('narrow_range', false) ? 1 : 0;
  const qmax = 2 ** bits - 1;
  // In float32, as TensorFlow computes it (the zero point's rounding depends on it).
  const f = Math.fround;
  const scale = f((f(max) - f(min)) / (qmax - qmin));
  const zeroFromMin = f(qmin - f(f(min) / scale));
  const zero = zeroFromMin <= qmin ? qmin : zeroFromMin >= qmax ? qmax : Math.round(zeroFromMin);
  const lo = f((qmin - zero) * scale);
  const hi = f((qmax - zero) * scale);
  const clamped = wg.clipByValue(x, lo, hi);
  const levels = wg.floor(wg.add(wg.mul(wg.sub(clamped, lo), 1 / scale), 0.5));
  return wg.add(wg.mul(levels, scale), lo);
}

/** Each translation run in a wg.tidy: what a composite makes on the way is freed eagerly, its outputs kept. */
const tidied = (ops: Record<string, OpConverter>): Record<string, OpConverter> =>
  Object.fromEntries(Object.entries(ops).map(([name, f]) => [name, (ctx: OpContext) => wg.tidy(() => f(ctx))]));

export const GRAPH: Family = {
  excluded: {},
  ops: tidied({
    Identity: identity,
    Snapshot: identity,
    StopGradient: identity,
    IdentityN: (ctx) => ctx.inputs,
    NoOp: () => [],
    PlaceholderWithDefault: identity,
    Placeholder: (ctx) => {
      throw ctx.error('a model input: it must be fed');
    },
    Const: (ctx) => {
      // The converter makes every Const's tensor itself (weights included); this reads an inline value.
      const v = ctx.attrs.tensor('value');
      if (v.dtype === 'string' || v.dtype === 'complex64') throw ctx.error(`${v.dtype} tensors are not supported`);
      if (!v.inline) throw ctx.error('its value is stored in the weights, which the converter reads');
      return ctx.constant({ data: v.data as ArrayLike<number>, shape: v.shape, dtype: v.dtype });
    },
    Print: (ctx) => {
      // TensorFlow.js logs the message and the data tensors, and passes x through.
      const data = ctx.inputs.slice(1);
      const printed = wg.print(ctx.attrs.string('message', ''), ...data) as unknown;
      if (printed instanceof Promise) printed.catch(() => undefined);
      return ctx.input(0);
    },
    FakeQuantWithMinMaxVars: fakeQuant,
    Shape: (ctx) => shapeOf(ctx, ctx.input(0)),
    ShapeN: (ctx) => ctx.inputs.map((t) => shapeOf(ctx, t)),
    Size: (ctx) => ctx.constant({ data: [knownShape(ctx, ctx.input(0)).reduce((a, b) => a * b, 1)], shape: [], dtype: 'int32' }),
    Rank: (ctx) => ctx.constant({ data: [ctx.input(0).rank], shape: [], dtype: 'int32' }),
  }),
};
