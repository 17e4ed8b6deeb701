// Host-side array work for ops that fold while converting: a strided view of host data (HostValue) and the movement
// ops built on it (reshape, slice, strided slice, concat, stack, split, tile, reverse, broadcast, gather). Used by
// the slice_join and transformation families, and by any family folding small movement ops.
import * as wg from '../../../index';
import type { HostValue, OpContext } from '../convert';

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

export const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

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
