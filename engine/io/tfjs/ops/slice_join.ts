// TensorFlow.js converter family "slice_join": slicing, joining, gathering and scattering.
//
// Shape arithmetic folds: when every input of StridedSlice, Slice, Pack, Unpack, ConcatV2, GatherV2, Tile, Split…
// is known while converting (a Const, a folded Shape, an earlier fold), the result is computed here on the host
// and returned as a known constant, so that a Reshape/Fill/Tile further on reads it as host integers. The host
// helpers below (a strided view of host data and the ops built on it) are exported: transformation.ts uses them,
// and any family folding small movement ops may.
import * as wg from '../../../index';
import type { Family, HostValue, OpContext } from '../convert';

// ---- host values ---------------------------------------------------------------------------------------------

/** Largest result (elements) an op folds on the host; beyond it the op runs on the device. */
export const FOLD_LIMIT = 4096;

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Row-major element strides of a shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** A strided view of row-major host data (shape, element strides, offset), copied out row-major. */
export function hostView(v: HostValue, shape: number[], strides: number[], offset: number): HostValue {
  const n = sizeOf(shape);
  const out = new Array<number>(n);
  const idx = new Array<number>(shape.length).fill(0);
  let at = offset;
  for (let k = 0; k < n; k++) {
    out[k] = v.data[at];
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]++;
      at += strides[d];
      if (idx[d] < shape[d]) break;
      at -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return { data: out, shape: [...shape], dtype: v.dtype };
}

/** An axis in [-rank, rank) as [0, rank) (an error naming the node otherwise). */
export function hostAxis(ctx: OpContext, axis: number, rank: number, what = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw ctx.error(`${what} ${axis} is out of range for rank ${rank} (expected [${-rank}, ${rank}))`);
  return axis < 0 ? axis + rank : axis;
}

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

/** Folds when every input is known and `compute` gives a result of at most FOLD_LIMIT elements. */
export function foldWith(ctx: OpContext, compute: (vs: HostValue[]) => HostValue | undefined): wg.Tensor | undefined {
  const vs = ctx.allKnown();
  if (!vs) return undefined;
  const r = compute(vs);
  return r ? ctx.constant(r) : undefined;
}

/** Reshape of host data (one -1 inferred). */
export function hostReshape(ctx: OpContext, v: HostValue, shape: number[]): HostValue {
  const n = v.data.length;
  const free = shape.filter((d) => d === -1).length;
  const known = shape.reduce((a, d) => (d === -1 ? a : a * d), 1);
  if (free > 1 || shape.some((d) => d < -1)) throw ctx.error(`shape ${fmt(shape)} may hold one -1 and sizes ≥ 0`);
  const out = free ? shape.map((d) => (d === -1 ? (known === 0 ? 0 : n / known) : d)) : shape;
  if (sizeOf(out) !== n || out.some((d) => !Number.isInteger(d))) throw ctx.error(`cannot reshape ${fmt(v.shape)} (${n} elements) to ${fmt(shape)}`);
  return { data: v.data, shape: out, dtype: v.dtype };
}

/** Slice of host data: begin and size (-1: to the end) per dimension. */
export function hostSlice(ctx: OpContext, v: HostValue, begin: number[], size: number[]): HostValue {
  const r = v.shape.length;
  if (begin.length !== r || size.length !== r) throw ctx.error(`begin ${fmt(begin)} and size ${fmt(size)} must have ${r} entries (input ${fmt(v.shape)})`);
  const st = contiguousStrides(v.shape);
  const count = v.shape.map((n, d) => {
    const c = size[d] === -1 ? n - begin[d] : size[d];
    if (begin[d] < 0 || c < 0 || begin[d] + c > n) throw ctx.error(`begin ${fmt(begin)} with size ${fmt(size)} is outside ${fmt(v.shape)} (dimension ${d})`);
    return c;
  });
  return hostView(v, count, st, begin.reduce((a, b, d) => a + b * st[d], 0));
}

export interface StridedSpec {
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
}

/**
 * TensorFlow's StridedSlice on host data. Spec entries map onto the input's dimensions: the ellipsis entry (the
 * lowest bit of ellipsisMask) stands for as many whole dimensions as the other entries leave; a newAxisMask entry
 * adds a size-1 axis; a shrinkAxisMask entry takes the one element at begin (masks ignored) and drops the axis;
 * any other entry slices begin:end:stride, Python-style clamped, its begin/end replaced by the whole range when
 * its mask bit is set. Dimensions after the last entry are taken whole.
 */
export function hostStridedSlice(ctx: OpContext, v: HostValue, s: StridedSpec): HostValue {
  const { begin, end, strides } = s;
  const m = begin.length;
  if (end.length !== m || strides.length !== m) throw ctx.error(`begin ${fmt(begin)}, end ${fmt(end)} and strides ${fmt(strides)} must have the same length`);
  const r = v.shape.length;
  let ell = -1;
  for (let i = 0; i < m; i++) if (s.ellipsisMask & (1 << i)) {
    ell = i;
    break;
  }
  const isNew = (i: number) => i !== ell && (s.newAxisMask & (1 << i)) !== 0;
  let used = 0;
  for (let i = 0; i < m; i++) if (i !== ell && !isNew(i)) used++;
  if (used > r) throw ctx.error(`its ${m} slice entries index ${used} dimensions of an input of rank ${r} (${fmt(v.shape)})`);
  const inStrides = contiguousStrides(v.shape);
  const shape: number[] = [];
  const steps: number[] = [];
  let offset = 0;
  let d = 0;
  const whole = () => {
    shape.push(v.shape[d]);
    steps.push(inStrides[d]);
    d++;
  };
  for (let i = 0; i < m; i++) {
    if (i === ell) {
      for (let k = 0; k < r - used; k++) whole();
      continue;
    }
    if (isNew(i)) {
      shape.push(1);
      steps.push(0);
      continue;
    }
    const n = v.shape[d];
    const step = strides[i];
    if (step === 0) throw ctx.error(`strides[${i}] is 0`);
    const bit = 1 << i;
    if (s.shrinkAxisMask & bit) {
      const j = begin[i] < 0 ? begin[i] + n : begin[i];
      if (j < 0 || j >= n) throw ctx.error(`begin[${i}] = ${begin[i]} is outside dimension ${d} of ${fmt(v.shape)} (shrink_axis_mask)`);
      offset += j * inStrides[d];
      d++;
      continue;
    }
    const clamp = (x: number) => (step > 0 ? Math.min(Math.max(x, 0), n) : Math.min(Math.max(x, -1), n - 1));
    const norm = (x: number) => (x < 0 ? x + n : x);
    const b = s.beginMask & bit ? (step > 0 ? 0 : n - 1) : clamp(norm(begin[i]));
    const e = s.endMask & bit ? (step > 0 ? n : -1) : clamp(norm(end[i]));
    const count = Math.max(0, step > 0 ? Math.ceil((e - b) / step) : Math.ceil((b - e) / -step));
    shape.push(count);
    steps.push(inStrides[d] * step);
    if (count > 0) offset += b * inStrides[d];
    d++;
  }
  while (d < r) whole();
  return hostView(v, shape, steps, offset);
}

/** Concatenation of host values along an axis. */
export function hostConcat(ctx: OpContext, vs: HostValue[], axis: number): HostValue {
  const first = vs[0];
  const r = first.shape.length;
  if (r === 0) throw ctx.error('cannot concatenate scalars');
  const a = hostAxis(ctx, axis, r);
  for (const v of vs) {
    if (v.dtype !== first.dtype) throw ctx.error(`its inputs mix ${first.dtype} and ${v.dtype}`);
    if (v.shape.length !== r || v.shape.some((n, k) => k !== a && n !== first.shape[k])) {
      throw ctx.error(`inputs ${fmt(first.shape)} and ${fmt(v.shape)} differ along axes other than ${a}`);
    }
  }
  const outer = sizeOf(first.shape.slice(0, a));
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const v of vs) {
      const chunk = sizeOf(v.shape.slice(a));
      for (let k = 0; k < chunk; k++) data.push(v.data[o * chunk + k]);
    }
  }
  const shape = [...first.shape];
  shape[a] = vs.reduce((acc, v) => acc + v.shape[a], 0);
  return { data, shape, dtype: first.dtype };
}

/** Stacking of equal-shape host values along a new axis. */
export function hostStack(ctx: OpContext, vs: HostValue[], axis: number): HostValue {
  const s0 = vs[0].shape;
  for (const v of vs) if (v.shape.length !== s0.length || v.shape.some((n, k) => n !== s0[k])) throw ctx.error(`its inputs have different shapes: ${fmt(s0)} and ${fmt(v.shape)}`);
  const a = hostAxis(ctx, axis, s0.length + 1);
  const expanded = vs.map((v) => ({ ...v, shape: [...s0.slice(0, a), 1, ...s0.slice(a)] }));
  return hostConcat(ctx, expanded, a);
}

/** The slices of host data along an axis, that axis removed. */
export function hostUnstack(ctx: OpContext, v: HostValue, axis: number): HostValue[] {
  if (v.shape.length === 0) throw ctx.error('cannot unstack a scalar');
  const a = hostAxis(ctx, axis, v.shape.length);
  const st = contiguousStrides(v.shape);
  const shape = v.shape.filter((_, k) => k !== a);
  const steps = st.filter((_, k) => k !== a);
  return Array.from({ length: v.shape[a] }, (_, i) => hostView(v, shape, steps, i * st[a]));
}

/** Parts of host data along an axis, of the given sizes. */
export function hostSplit(v: HostValue, sizes: number[], a: number): HostValue[] {
  const st = contiguousStrides(v.shape);
  let at = 0;
  return sizes.map((n) => {
    const shape = [...v.shape];
    shape[a] = n;
    const part = hostView(v, shape, st, at * st[a]);
    at += n;
    return part;
  });
}

/** Host data repeated reps[d] times along each dimension. */
export function hostTile(v: HostValue, reps: number[]): HostValue {
  const st = contiguousStrides(v.shape);
  const t = hostView(v, v.shape.flatMap((n, d) => [reps[d], n]), st.flatMap((s) => [0, s]), 0);
  return { ...t, shape: v.shape.map((n, d) => n * reps[d]) };
}

/** Host data reversed along the given (normalised) axes. */
export function hostReverse(v: HostValue, axes: number[]): HostValue {
  const st = contiguousStrides(v.shape);
  let offset = 0;
  const steps = st.map((s, d) => {
    if (!axes.includes(d) || v.shape[d] === 0) return s;
    offset += (v.shape[d] - 1) * s;
    return -s;
  });
  return hostView(v, v.shape, steps, offset);
}

/** Host data broadcast to a shape (numpy rules, rank may grow). */
export function hostBroadcastTo(ctx: OpContext, v: HostValue, shape: number[]): HostValue {
  const r = v.shape.length;
  if (shape.length < r) throw ctx.error(`cannot broadcast ${fmt(v.shape)} to ${fmt(shape)}`);
  const st = contiguousStrides(v.shape);
  const lead = shape.length - r;
  const steps = shape.map((n, i) => {
    if (i < lead) return 0;
    const m = v.shape[i - lead];
    if (m === n) return st[i - lead];
    if (m === 1) return 0;
    throw ctx.error(`cannot broadcast ${fmt(v.shape)} to ${fmt(shape)} (dimension ${i}: ${m} vs ${n})`);
  });
  return hostView(v, shape, steps, 0);
}

/** TensorFlow's GatherV2 on host data (indices checked in range). */
export function hostGather(ctx: OpContext, v: HostValue, idx: HostValue, axis: number, batchDims: number): HostValue {
  const r = v.shape.length;
  if (r === 0) throw ctx.error('cannot gather from a scalar');
  const a = hostAxis(ctx, axis, r);
  const ir = idx.shape.length;
  const b = batchDims < 0 ? batchDims + ir : batchDims;
  if (b < 0 || b > ir || b > a) throw ctx.error(`batch_dims ${batchDims} must be in [${-ir}, ${ir}] and at most axis ${a}`);
  for (let d = 0; d < b; d++) if (v.shape[d] !== idx.shape[d]) throw ctx.error(`with batch_dims ${b}, x ${fmt(v.shape)} and indices ${fmt(idx.shape)} differ in dimension ${d}`);
  const n = v.shape[a];
  const B = sizeOf(v.shape.slice(0, b));
  const O = sizeOf(v.shape.slice(b, a));
  const I = sizeOf(idx.shape.slice(b));
  const S = sizeOf(v.shape.slice(a + 1));
  const data: number[] = [];
  for (let bi = 0; bi < B; bi++) {
    for (let o = 0; o < O; o++) {
      for (let i = 0; i < I; i++) {
        const j = idx.data[bi * I + i];
        if (j < 0 || j >= n) throw ctx.error(`index ${j} is out of range for axis ${a} of ${fmt(v.shape)} (size ${n})`);
        const base = ((bi * O + o) * n + j) * S;
        for (let k = 0; k < S; k++) data.push(v.data[base + k]);
      }
    }
  }
  return { data, shape: [...v.shape.slice(0, a), ...idx.shape.slice(b), ...v.shape.slice(a + 1)], dtype: v.dtype };
}

/** TensorFlow's GatherNd on host data. */
export function hostGatherNd(ctx: OpContext, v: HostValue, idx: HostValue): HostValue {
  const ir = idx.shape.length;
  if (ir < 1) throw ctx.error('indices must have rank ≥ 1');
  const K = idx.shape[ir - 1];
  if (K > v.shape.length) throw ctx.error(`the last dimension of indices ${fmt(idx.shape)} exceeds the rank of x ${fmt(v.shape)}`);
  const st = contiguousStrides(v.shape);
  const S = sizeOf(v.shape.slice(K));
  const rows = sizeOf(idx.shape.slice(0, -1));
  const data: number[] = [];
  for (let q = 0; q < rows; q++) {
    let base = 0;
    for (let k = 0; k < K; k++) {
      const j = idx.data[q * K + k];
      if (j < 0 || j >= v.shape[k]) throw ctx.error(`index ${j} is out of range for dimension ${k} of ${fmt(v.shape)}`);
      base += j * st[k];
    }
    for (let k = 0; k < S; k++) data.push(v.data[base + k]);
  }
  return { data, shape: [...idx.shape.slice(0, -1), ...v.shape.slice(K)], dtype: v.dtype };
}

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
