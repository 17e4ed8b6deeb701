// TensorFlow.js converter family "slice_join": slicing, joining, gathering and scattering.
//
// Shape arithmetic folds: when every input of StridedSlice, Slice, Pack, Unpack, ConcatV2, GatherV2, Tile, Split…
// is known while converting (a Const, a folded Shape, an earlier fold), the result is computed here on the host
// and returned as a known constant, so that a Reshape/Fill/Tile further on reads it as host integers. The host
// helpers are in host.ts.
import * as wg from '../../../index';
import type { Family, HostValue, OpContext } from '../convert';
import { FOLD_LIMIT, sizeOf, contiguousStrides, hostAxis, fmt, foldWith, hostSlice, type StridedSpec, hostStridedSlice, hostConcat, hostStack, hostUnstack, hostSplit, hostTile, hostReverse, hostGather, hostGatherNd } from './host';

// ---- translations --------------------------------------------------------------------------------------------

/** ConcatV2 (axis last) and Concat (axis first). */
function concatOp(axisFirst: boolean) {
  return (ctx: OpContext) => {
    const n = ctx.inputs.length;
    if (n < 2) throw ctx.error(`expected the tensors and an axis, got ${n} input${n === 1 ? '' : 's'}`);
    const ai = axisFirst ? 0 : n - 1;
    const axis = ctx.number(ai, 'axis');
    const parts = axisFirst ? ctx.inputs.slice(1) : ctx.inputs.slice(0, n - 1);
    const folded = foldWith(ctx, (vs) => {
      const hv = axisFirst ? vs.slice(1) : vs.slice(0, n - 1);
      return hv.reduce((a, v) => a + v.data.length, 0) <= FOLD_LIMIT ? hostConcat(ctx, hv, axis) : undefined;
    });
    if (folded) return folded;
    if (parts.length === 1) return parts[0];
    return wg.concat(parts, axis);
  };
}

function gatherOp(ctx: OpContext, axis: number, batchDims: number): wg.Tensor {
  const folded = foldWith(ctx, (vs) => {
    const out = hostGather(ctx, vs[0], vs[1], axis, batchDims);
    return out.data.length <= FOLD_LIMIT ? out : undefined;
  });
  if (folded) return folded;
  const x = ctx.input(0);
  const idx = ctx.input(1);
  if (idx.dtype !== 'int32') throw ctx.error(`indices must be int32 (or int64), got ${idx.dtype}`);
  return wg.gather(x, idx, axis, batchDims);
}

function stridedSpec(ctx: OpContext): StridedSpec {
  const begin = ctx.ints(1, 'begin');
  const end = ctx.ints(2, 'end');
  const strides = ctx.inputs.length > 3 ? ctx.ints(3, 'strides') : begin.map(() => 1);
  const mask = (name: string) => ctx.attrs.int(name, 0);
  const ellipsisMask = mask('ellipsis_mask');
  if (ellipsisMask & (ellipsisMask - 1)) throw ctx.error(`ellipsis_mask ${ellipsisMask} has more than one bit set: a slice has at most one ellipsis`);
  return {
    begin,
    end,
    strides,
    beginMask: mask('begin_mask'),
    endMask: mask('end_mask'),
    ellipsisMask,
    newAxisMask: mask('new_axis_mask'),
    shrinkAxisMask: mask('shrink_axis_mask'),
  };
}

function splitSizes(ctx: OpContext, n: number, sizes: number[], a: number): number[] {
  const free = sizes.filter((s) => s === -1).length;
  const known = sizes.reduce((acc, s) => acc + (s === -1 ? 0 : s), 0);
  if (free > 1 || sizes.some((s) => s < -1)) throw ctx.error(`size_splits ${fmt(sizes)} may hold one -1 and sizes ≥ 0`);
  if (free ? known > n : known !== n) throw ctx.error(`size_splits ${fmt(sizes)} do not split dimension ${a} of size ${n}`);
  return sizes.map((s) => (s === -1 ? n - known : s));
}

/** Split parts: folded when x is known (every part a constant), else views. */
function splitParts(ctx: OpContext, xi: number, sizes: number[], axis: number): wg.Tensor[] {
  const x = ctx.input(xi);
  const a = hostAxis(ctx, axis, x.rank);
  const vs = ctx.allKnown();
  if (vs && vs[xi].data.length <= FOLD_LIMIT) return hostSplit(vs[xi], sizes, a).map((v) => ctx.constant(v));
  return wg.split(x, sizes, a);
}

function checkIndices(ctx: OpContext, i: number): wg.Tensor {
  const t = ctx.input(i);
  if (t.dtype !== 'int32') throw ctx.error(`indices must be int32 (or int64), got ${t.dtype}`);
  return t;
}

export const SLICE_JOIN: Family = {
  excluded: {},
  ops: {
    ConcatV2: concatOp(false),
    Concat: concatOp(true),

    GatherV2: (ctx) => gatherOp(ctx, ctx.inputs.length > 2 ? ctx.number(2, 'axis') : 0, ctx.attrs.int('batch_dims', 0)),
    Gather: (ctx) => gatherOp(ctx, 0, 0),

    Reverse: (ctx) => {
      const dims = ctx.ints(1, 'dims');
      const x = ctx.input(0);
      if (dims.length !== x.rank) throw ctx.error(`dims has ${dims.length} entries for an input of rank ${x.rank}`);
      const axes = dims.flatMap((on, d) => (on ? [d] : []));
      const folded = foldWith(ctx, (vs) => hostReverse(vs[0], axes));
      return folded ?? (axes.length ? wg.reverse(x, axes) : x);
    },
    ReverseV2: (ctx) => {
      const x = ctx.input(0);
      const axes = ctx.ints(1, 'axis').map((a) => hostAxis(ctx, a, x.rank));
      if (new Set(axes).size !== axes.length) throw ctx.error(`axis ${fmt(axes)} names a dimension twice`);
      const folded = foldWith(ctx, (vs) => hostReverse(vs[0], axes));
      return folded ?? (axes.length ? wg.reverse(x, axes) : x);
    },

    Slice: (ctx) => {
      const x = ctx.input(0);
      const begin = ctx.ints(1, 'begin');
      const size = ctx.ints(2, 'size');
      if (begin.length !== x.rank || size.length !== x.rank) throw ctx.error(`begin ${fmt(begin)} and size ${fmt(size)} must have ${x.rank} entries (input ${fmt(x.shape)})`);
      const folded = foldWith(ctx, (vs) => hostSlice(ctx, vs[0], begin, size));
      return folded ?? wg.slice(x, begin, size);
    },

    StridedSlice: (ctx) => {
      const s = stridedSpec(ctx);
      const folded = foldWith(ctx, (vs) => hostStridedSlice(ctx, vs[0], s));
      if (folded) return folded;
      return wg.stridedSlice(ctx.input(0), s.begin, s.end, s.strides, s.beginMask, s.endMask, s.ellipsisMask, s.newAxisMask, s.shrinkAxisMask);
    },

    Pack: (ctx) => {
      const axis = ctx.attrs.int('axis', 0);
      if (ctx.inputs.length === 0) throw ctx.error('has no inputs');
      const folded = foldWith(ctx, (vs) => hostStack(ctx, vs, axis));
      if (folded) return folded;
      const r = ctx.input(0).rank;
      return wg.stack(ctx.inputs, hostAxis(ctx, axis, r + 1));
    },
    Unpack: (ctx) => {
      const x = ctx.input(0);
      const axis = hostAxis(ctx, ctx.attrs.int('axis', 0), x.rank);
      const vs = ctx.allKnown();
      if (vs) return hostUnstack(ctx, vs[0], axis).map((v) => ctx.constant(v));
      return wg.unstack(x, axis);
    },

    Tile: (ctx) => {
      const x = ctx.input(0);
      const reps = ctx.ints(1, 'multiples');
      if (reps.length !== x.rank || reps.some((r) => r < 0)) throw ctx.error(`multiples ${fmt(reps)} must be ${x.rank} integers ≥ 0 (input ${fmt(x.shape)})`);
      const folded = foldWith(ctx, (vs) => (sizeOf(x.shape) * sizeOf(reps) <= FOLD_LIMIT ? hostTile(vs[0], reps) : undefined));
      return folded ?? wg.tile(x, reps);
    },

    Split: (ctx) => {
      const axis = ctx.number(0, 'axis');
      const x = ctx.input(1);
      const k = ctx.attrs.int('num_split', 1);
      const a = hostAxis(ctx, axis, x.rank);
      const n = x.shape[a];
      if (k < 1 || n % k !== 0) throw ctx.error(`num_split ${k} does not divide dimension ${a} of ${fmt(x.shape)} (size ${n})`);
      return splitParts(ctx, 1, new Array(k).fill(n / k), a);
    },
    SplitV: (ctx) => {
      const x = ctx.input(0);
      const axis = ctx.number(2, 'axis');
      const a = hostAxis(ctx, axis, x.rank);
      return splitParts(ctx, 0, splitSizes(ctx, x.shape[a], ctx.ints(1, 'size_splits'), a), a);
    },

    GatherNd: (ctx) => {
      const folded = foldWith(ctx, (vs) => {
        const out = hostGatherNd(ctx, vs[0], vs[1]);
        return out.data.length <= FOLD_LIMIT ? out : undefined;
      });
      return folded ?? wg.gatherND(ctx.input(0), checkIndices(ctx, 1));
    },
    ScatterNd: (ctx) => wg.scatterND(checkIndices(ctx, 0), ctx.input(1), ctx.ints(2, 'shape')),
    TensorScatterUpdate: (ctx) => wg.tensorScatterUpdate(ctx.input(0), checkIndices(ctx, 1), ctx.input(2)),

    // The default value broadcast to the output shape, the values written at the index rows (for repeated
    // indices, the last row wins).
    SparseToDense: (ctx) => {
      const shape = ctx.ints(1, 'output_shape');
      let idx = checkIndices(ctx, 0);
      let values = ctx.input(2);
      const dflt = ctx.input(3);
      if (dflt.size !== 1) throw ctx.error(`default_value must be a scalar, got ${fmt(dflt.shape)}`);
      if (dflt.dtype !== values.dtype) throw ctx.error(`default_value (${dflt.dtype}) and sparse_values (${values.dtype}) differ in dtype`);
      if (idx.rank > 2) throw ctx.error(`sparse_indices must have rank ≤ 2, got ${fmt(idx.shape)}`);
      // A scalar or a vector of indices: each one a whole index into a rank-1 output.
      const dims = idx.rank === 2 ? idx.shape[1] : 1;
      if (shape.length !== dims) throw ctx.error(`sparse_indices ${fmt(idx.shape)} index ${dims} dimension${dims > 1 ? 's' : ''}, but output_shape ${fmt(shape)} has ${shape.length}`);
      // All known (models converted from ONNX build Reshape shapes this way): the dense result on the host.
      const folded = foldWith(ctx, ([iv, , vv, dv]) => {
        const n = sizeOf(shape);
        if (n > FOLD_LIMIT) return undefined;
        const data: number[] = new Array(n).fill(dv.data[0]);
        const strides = contiguousStrides(shape);
        const count = iv.data.length / dims;
        for (let r = 0; r < count; r++) {
          let at = 0;
          for (let k = 0; k < dims; k++) {
            const i = iv.data[r * dims + k];
            if (i < 0 || i >= shape[k]) throw ctx.error(`sparse index ${i} is out of range for output_shape ${fmt(shape)}`);
            at += i * strides[k];
          }
          data[at] = vv.data.length === 1 ? vv.data[0] : vv.data[r];
        }
        return { data, shape, dtype: vv.dtype };
      });
      if (folded) return folded;
      if (idx.rank < 2) idx = wg.reshape(idx, [idx.size, 1]);
      const rows = idx.shape[0];
      if (values.rank === 0) values = wg.broadcastTo(values, [rows]);
      else if (values.rank !== 1 || values.shape[0] !== rows) throw ctx.error(`sparse_values ${fmt(values.shape)} must be a scalar or hold one value per index row (${rows})`);
      const base = wg.broadcastTo(wg.reshape(dflt, []), shape);
      return wg.tensorScatterUpdate(base, idx, values);
    },
  },
};
