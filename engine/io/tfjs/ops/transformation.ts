// TensorFlow.js converter family "transformation": reshapes, padding, casts, broadcasting, space/batch moves.
// Reshape, ExpandDims, Squeeze, Cast, Pad, BroadcastTo and BroadcastArgs fold on the host when their inputs are
// known (shape arithmetic), with the host helpers of slice_join.ts.
import * as wg from '../../../index';
import { numericDType, type Family, type HostValue, type OpContext } from '../convert';
import { contiguousStrides, FOLD_LIMIT, foldWith, hostBroadcastTo, hostReshape, sizeOf } from './host';

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

/** Input i as [before, after] pairs, one per dimension (of `rank`). */
function pairs(ctx: OpContext, i: number, rank: number, what: string): [number, number][] {
  const p = ctx.ints(i, what);
  if (p.length !== 2 * rank) throw ctx.error(`${what} must be [${rank}, 2], got ${p.length} values`);
  return Array.from({ length: rank }, (_, k) => [p[2 * k], p[2 * k + 1]] as [number, number]);
}

/** Host data padded with a constant. */
function hostPad(v: HostValue, pads: [number, number][], value: number): HostValue {
  const shape = v.shape.map((n, d) => n + pads[d][0] + pads[d][1]);
  const inSt = contiguousStrides(v.shape);
  const total = sizeOf(shape);
  const data = new Array<number>(total);
  const outSt = contiguousStrides(shape);
  for (let k = 0; k < total; k++) {
    let rem = k;
    let src = 0;
    let inside = true;
    for (let d = 0; d < shape.length; d++) {
      const c = Math.floor(rem / outSt[d]) - pads[d][0];
      rem %= outSt[d];
      if (c < 0 || c >= v.shape[d]) inside = false;
      src += c * inSt[d];
    }
    data[k] = inside ? v.data[src] : value;
  }
  return { data, shape, dtype: v.dtype };
}

/** TensorFlow's Cast of host values: float → int truncates toward zero, anything → bool is `≠ 0`. */
function hostCast(v: HostValue, dtype: HostValue['dtype']): HostValue {
  const conv =
    dtype === 'int32' ? (x: number) => (v.dtype === 'float32' ? Math.trunc(x) | 0 : x) : dtype === 'bool' ? (x: number) => (x !== 0 ? 1 : 0) : (x: number) => Math.fround(x);
  return { data: Array.from(v.data, conv), shape: [...v.shape], dtype };
}

function pad(ctx: OpContext, value: number): wg.Tensor {
  const x = ctx.input(0);
  const p = pairs(ctx, 1, x.rank, 'paddings');
  if (p.some(([b, e]) => b < 0 || e < 0)) throw ctx.error(`paddings ${fmt(p.flat())} must be ≥ 0`);
  const folded = foldWith(ctx, (vs) => (sizeOf(x.shape.map((n, d) => n + p[d][0] + p[d][1])) <= FOLD_LIMIT ? hostPad(vs[0], p, value) : undefined));
  return folded ?? wg.pad(x, p, value);
}

/** Squeeze's axes (normalised), all size-1 dimensions when the attribute is empty or absent. */
function squeezeAxes(ctx: OpContext, shape: readonly number[]): number[] {
  const r = shape.length;
  const given = ctx.attrs.ints('squeeze_dims', ctx.attrs.ints('axis', []));
  if (!given.length) return shape.flatMap((n, d) => (n === 1 ? [d] : []));
  return given.map((a) => {
    if (a < -r || a >= r) throw ctx.error(`squeeze axis ${a} is out of range for rank ${r} (input ${fmt(shape)})`);
    const d = a < 0 ? a + r : a;
    if (shape[d] !== 1) throw ctx.error(`cannot squeeze dimension ${d} of ${fmt(shape)}: its size is ${shape[d]}`);
    return d;
  });
}

/** The broadcast of two shapes (numpy rules). */
function broadcastShapes(ctx: OpContext, a: number[], b: number[]): number[] {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, i) => {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw ctx.error(`shapes ${fmt(a)} and ${fmt(b)} do not broadcast (dimension ${i}: ${x} vs ${y})`);
    return x === 1 ? y : x;
  });
}

export const TRANSFORMATION: Family = {
  excluded: {},
  ops: {
    Cast: (ctx) => {
      const dtype = numericDType(ctx.attrs.dtype('DstT'), ctx.node);
      const x = ctx.input(0);
      const folded = foldWith(ctx, (vs) => hostCast(vs[0], dtype));
      if (folded) return folded;
      return x.dtype === dtype ? x : wg.cast(x, dtype);
    },

    Reshape: (ctx) => {
      const shape = ctx.ints(1, 'shape');
      const x = ctx.input(0);
      // Checked here so that a bad shape names the node (the same rules as the fold's).
      if (x.size >= 0) hostReshape(ctx, { data: { length: x.size }, shape: [...x.shape], dtype: x.dtype as HostValue['dtype'] }, shape);
      const folded = foldWith(ctx, (vs) => hostReshape(ctx, vs[0], shape));
      return folded ?? wg.reshape(x, shape);
    },
    ExpandDims: (ctx) => {
      const x = ctx.input(0);
      const axis = ctx.number(1, 'axis');
      if (!Number.isInteger(axis) || axis < -(x.rank + 1) || axis > x.rank) throw ctx.error(`axis ${axis} is out of range for rank ${x.rank} (expected [${-(x.rank + 1)}, ${x.rank}])`);
      const a = axis < 0 ? axis + x.rank + 1 : axis;
      const folded = foldWith(ctx, (vs) => ({ ...vs[0], shape: [...x.shape.slice(0, a), 1, ...x.shape.slice(a)] }));
      return folded ?? wg.expandDims(x, a);
    },
    Squeeze: (ctx) => {
      const x = ctx.input(0);
      const axes = squeezeAxes(ctx, x.shape);
      const folded = foldWith(ctx, (vs) => ({ ...vs[0], shape: x.shape.filter((_, d) => !axes.includes(d)) }));
      return folded ?? (axes.length ? wg.squeeze(x, axes) : x);
    },
    // An assertion on the shape (the attribute; -1 matches any size): the input itself.
    EnsureShape: (ctx) => {
      const x = ctx.input(0);
      const want = ctx.attrs.has('shape') ? ctx.attrs.shape('shape') : null;
      if (want && (want.length !== x.rank || want.some((d, i) => d >= 0 && d !== x.shape[i]))) {
        throw ctx.error(`the input's shape ${fmt(x.shape)} is not compatible with ${fmt(want)}`);
      }
      return x;
    },

    Pad: (ctx) => pad(ctx, ctx.attrs.float('constant_value', 0)),
    PadV2: (ctx) => pad(ctx, ctx.number(2, 'constant value')),
    MirrorPad: (ctx) => {
      const x = ctx.input(0);
      const mode = ctx.attrs.string('mode').toLowerCase();
      if (mode !== 'reflect' && mode !== 'symmetric') throw ctx.error(`mode '${ctx.attrs.string('mode')}' is not supported (REFLECT or SYMMETRIC)`);
      return wg.mirrorPad(x, pairs(ctx, 1, x.rank, 'paddings'), mode);
    },

    SpaceToBatchND: (ctx) => {
      const block = ctx.ints(1, 'block_shape');
      return wg.spaceToBatchND(ctx.input(0), block, pairs(ctx, 2, block.length, 'paddings'));
    },
    BatchToSpaceND: (ctx) => {
      const block = ctx.ints(1, 'block_shape');
      return wg.batchToSpaceND(ctx.input(0), block, pairs(ctx, 2, block.length, 'crops'));
    },
    DepthToSpace: (ctx) => {
      const f = ctx.attrs.string('data_format', 'NHWC');
      if (f !== 'NHWC' && f !== 'NCHW') throw ctx.error(`data_format '${f}' is not supported (NHWC or NCHW)`);
      return wg.depthToSpace(ctx.input(0), ctx.attrs.int('block_size'), f);
    },

    BroadcastTo: (ctx) => {
      const x = ctx.input(0);
      const shape = ctx.ints(1, 'shape');
      // TensorFlow lets the target be of lower rank than x when x's extra leading dimensions are 1.
      if (x.size >= 0) {
        const target = broadcastShapes(ctx, [...x.shape], shape);
        if (target.length !== shape.length || target.some((d, i) => d !== shape[i])) throw ctx.error(`cannot broadcast ${fmt(x.shape)} to ${fmt(shape)}`);
      }
      const folded = foldWith(ctx, (vs) => (sizeOf(shape) <= FOLD_LIMIT ? hostBroadcastTo(ctx, vs[0], shape) : undefined));
      return folded ?? wg.broadcastTo(x, shape);
    },
    BroadcastArgs: (ctx) => {
      const s = broadcastShapes(ctx, ctx.ints(0, 's0'), ctx.ints(1, 's1'));
      return ctx.constant({ data: s, shape: [s.length], dtype: 'int32' });
    },
  },
};
