// Public indexing ops (issue 18): gatherND, scatterND, tensorScatterUpdate, unsortedSegmentSum, bincount.
// gatherND is one kernel with data-dependent loads (as gather). The scatters have no atomics to lean on (WebGPU
// has none for floats), so they are written in gather form with a compare: an elementwise kernel over
// [output slots, (slice elements,) indices] keeps the update where an index row lands on the slot, then a
// reduction over the index axis combines them (sum for scatterND; max of the row number, "last write wins", for
// tensorScatterUpdate). That costs slots × slice × indices work and memory: fine for the sizes models use (a few
// thousand slots and indices), quadratic for large scatters.
// Host-known indices (tensors made from small JavaScript integer data, or arrays) are range-checked before
// anything is allocated; indices computed on the device are clamped (gatherND) or dropped (the scatters).
import { family } from './define';
import { opt, p } from '../ops/registry';
import { DTypeError, ShapeError } from '../core/errors';
import type { DType } from '../core/dtype';
import { contiguousStrides, describe, fmtShape, sizeOf } from '../core/shape';
import { Tensor } from '../core/tensor';
import { launch, materialize, runGenerator, view } from '../eager/dispatch';
import { runReduce } from '../eager/dispatch_kernels';
import { type Expr, cast, coord, lit, load, prim } from '../ir/expr';
import { fillGen } from '../ops/creation';
import { tensorArg } from './args';
import { constantFromHost } from './creation';

const shapeErr = (op: string, msg: string, shapes: (readonly number[])[] = []) =>
  new ShapeError(`${op}: ${msg}`, { op, shapes: shapes.map((s) => [...s]) });

/** Indices before upload: their shape, host values when known, the tensor when given one. */
interface Idx {
  shape: readonly number[];
  host?: ArrayLike<number>;
  tensor?: Tensor;
}

function idxArg(op: string, v: unknown, what: string): Idx {
  if (Array.isArray(v)) {
    v.forEach((e, i) => {
      if (typeof e !== 'number' || !Number.isInteger(e)) throw shapeErr(op, `${what}[${i}] must be an integer, got ${describe(e)}`);
    });
    return { shape: [v.length], host: v as number[] };
  }
  const t = tensorArg(v, op, what);
  if (t.dtype !== 'int32' && t.dtype !== 'uint32') {
    throw new DTypeError(`${op}: ${what} must be int32, got ${t.dtype} (shape ${fmtShape(t.shape)})`, { op, dtypes: [t.dtype], shapes: [[...t.shape]] });
  }
  return { shape: t.shape, host: t.hostValues, tensor: t };
}

/** Position `j` of a row-major array of `shape`, as coordinates. */
function coordsOf(j: number, shape: readonly number[]): number[] {
  const c = new Array(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = j % shape[d];
    j = Math.floor(j / shape[d]);
  }
  return c;
}

/** Checks host index rows (last dimension K) against `dims` (K sizes); `dropNegative` lets negatives through. */
function checkRows(op: string, idx: Idx, dims: readonly number[], target: string, targetShape: readonly number[], dropNegative = false) {
  const h = idx.host;
  if (!h) return;
  const K = dims.length;
  for (let j = 0; j < h.length; j++) {
    const v = h[j];
    const k = K === 0 ? 0 : j % K;
    if ((v < 0 && !dropNegative) || v >= dims[k]) {
      throw shapeErr(
        op,
        `index ${v} at indices${fmtShape(coordsOf(j, idx.shape))} is out of range for dimension ${k} of ${target} of shape ${fmtShape(targetShape)} (size ${dims[k]})`,
        [targetShape, idx.shape],
      );
    }
  }
}

/** The indices as a contiguous int tensor on `device`; `own`: dispose it afterwards. */
function realize(op: string, idx: Idx, device: Tensor['device']): { t: Tensor; own: boolean } {
  if (!idx.tensor) return { t: constantFromHost(op, Array.from(idx.host!), 'int32', device), own: true };
  if (idx.tensor.isContiguous) return { t: idx.tensor, own: false };
  return { t: materialize(idx.tensor, op), own: true };
}

/** The flat slot (row-major over `dims`) of index row `row` of contiguous `it` (rows of dims.length), or -1 when out of range. */
function flatSlot(it: Tensor, row: Expr, dims: readonly number[], p: (v: number, d: DType) => Expr, slot: number): Expr {
  const K = dims.length;
  const strides = contiguousStrides(dims);
  let flat: Expr = lit(0, 'int32');
  let ok: Expr | undefined;
  const base = prim('add', p(it.offset, 'int32'), prim('mul', row, p(K, 'int32')));
  for (let k = 0; k < K; k++) {
    const v = cast(load(slot, it.dtype, prim('add', base, p(k, 'int32'))), 'int32');
    const inside = prim('lt', cast(v, 'uint32'), p(dims[k], 'uint32'));
    ok = ok ? prim('and', ok, inside) : inside;
    flat = prim('add', flat, prim('mul', v, p(strides[k], 'int32')));
  }
  return ok ? prim('where', ok, flat, lit(-1, 'int32')) : flat;
}

function gatherND$impl(x: Tensor, indices: Tensor | number[]): Tensor {
  const op = 'gatherND';
  const t = tensorArg(x, op);
  const idx = idxArg(op, indices, 'indices');
  const r = idx.shape.length;
  if (r < 1) throw shapeErr(op, `indices must have rank at least 1 (rows of coordinates), got a scalar`, [t.shape, idx.shape]);
  const K = idx.shape[r - 1];
  if (K > t.rank) {
    throw shapeErr(op, `the last dimension of indices ${fmtShape(idx.shape)} (${K}) must be at most the rank of x ${fmtShape(t.shape)} (${t.rank})`, [t.shape, idx.shape]);
  }
  checkRows(op, idx, t.shape.slice(0, K), 'x', t.shape);
  const nb = r - 1;
  const outShape = [...idx.shape.slice(0, nb), ...t.shape.slice(K)];
  if (sizeOf(outShape) > 0 && t.size === 0) throw shapeErr(op, `x of shape ${fmtShape(t.shape)} is empty: there is nothing to gather`, [t.shape, idx.shape]);
  const { t: it, own } = realize(op, idx, t.device);
  try {
    return launch({
      op, tensors: [t, it], loaded: [true, true], outShape, outDtype: t.dtype,
      build: (_leaves, p) => {
        // Row of the indices: the batch coordinates, contiguous.
        let row: Expr = lit(0, 'int32');
        const bs = contiguousStrides(idx.shape.slice(0, nb));
        for (let d = 0; d < nb; d++) row = prim('add', row, prim('mul', coord(d), p(bs[d], 'int32')));
        const base = prim('add', p(it.offset, 'int32'), prim('mul', row, p(K, 'int32')));
        let addr: Expr = p(t.offset, 'int32');
        for (let k = 0; k < K; k++) {
          const v = cast(load(1, it.dtype, prim('add', base, p(k, 'int32'))), 'int32');
          const i = prim('min', prim('max', v, lit(0, 'int32')), p(t.shape[k] - 1, 'int32'));
          addr = prim('add', addr, prim('mul', i, p(t.strides[k], 'int32')));
        }
        for (let d = K; d < t.rank; d++) addr = prim('add', addr, prim('mul', coord(nb + d - K), p(t.strides[d], 'int32')));
        return load(0, t.dtype, addr);
      },
    });
  } finally {
    if (own) it.dispose();
  }
}

/**
 * Σ over index rows of `updates` (contiguous, [N, S]) into zeros of `shape` (slots shape[:K], slices of S),
 * rows out of range dropped. `it`: N×K contiguous indices.
 */
function scatterSum(op: string, it: Tensor, K: number, N: number, updates: Tensor, shape: number[]): Tensor {
  const dims = shape.slice(0, K);
  const P = sizeOf(dims);
  const S = sizeOf(shape.slice(K));
  if (N === 0 || P * S === 0) return runGenerator(fillGen(0, updates.dtype), shape, updates.device, op);
  const uc = updates.isContiguous ? updates : materialize(updates, op);
  try {
    // [P, S, N]: update (n, s) where row n lands on slot p, else 0; summed over n.
    const hits = launch({
      op, tensors: [it, uc], loaded: [true, true], outShape: [P, S, N], outDtype: updates.dtype,
      build: (_leaves, p) => {
        const hit = prim('eq', flatSlot(it, coord(2), dims, p, 0), coord(0));
        const at = prim('add', p(uc.offset, 'int32'), prim('add', prim('mul', coord(2), p(S, 'int32')), coord(1)));
        return prim('where', hit, load(1, uc.dtype, at), lit(0, uc.dtype));
      },
    });
    const sum = runReduce('sum', hits, [2]);
    hits.dispose();
    const out = view(sum, shape, contiguousStrides(shape), 0);
    sum.dispose();
    return out;
  } finally {
    if (uc !== updates) uc.dispose();
  }
}

/** Checks updates' shape against indices batch dims + slice shape. */
function checkUpdates(op: string, idxShape: readonly number[], updates: Tensor, slice: readonly number[], what: string, whatShape: readonly number[]) {
  const want = [...idxShape.slice(0, -1), ...slice];
  if (updates.rank !== want.length || updates.shape.some((d, i) => d !== want[i])) {
    throw shapeErr(
      op,
      `updates of shape ${fmtShape(updates.shape)} must have shape ${fmtShape(want)} (indices' leading dimensions ${fmtShape(idxShape.slice(0, -1))} followed by ${what} ${fmtShape(whatShape)} after its first ${idxShape[idxShape.length - 1]} dimensions)`,
      [idxShape, updates.shape, whatShape],
    );
  }
}

function indexRank(op: string, idx: Idx, rank: number, what: string, whatShape: readonly number[]): number {
  const r = idx.shape.length;
  if (r < 1) throw shapeErr(op, 'indices must have rank at least 1 (rows of coordinates), got a scalar', [idx.shape, whatShape]);
  const K = idx.shape[r - 1];
  if (K < 1 || K > rank) {
    throw shapeErr(op, `the last dimension of indices ${fmtShape(idx.shape)} (${K}) must be between 1 and the rank of ${what} ${fmtShape(whatShape)} (${rank})`, [idx.shape, whatShape]);
  }
  return K;
}

function scatterND$impl(indices: Tensor | number[], updates: Tensor, shape: number[]): Tensor {
  const op = 'scatterND';
  const idx = idxArg(op, indices, 'indices');
  const u = tensorArg(updates, op, 'updates');
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    throw shapeErr(op, `shape must be a list of non-negative integers, got ${describe(shape)}`, [idx.shape, u.shape]);
  }
  if (u.dtype === 'bool') throw new DTypeError(`${op}: updates must be numeric (duplicates are summed), got bool`, { op, dtypes: [u.dtype] });
  const K = indexRank(op, idx, shape.length, 'shape', shape);
  checkUpdates(op, idx.shape, u, shape.slice(K), 'shape', shape);
  checkRows(op, idx, shape.slice(0, K), 'the output', shape);
  const { t: it, own } = realize(op, idx, u.device);
  try {
    return scatterSum(op, it, K, sizeOf(idx.shape.slice(0, -1)), u, [...shape]);
  } finally {
    if (own) it.dispose();
  }
}

function tensorScatterUpdate$impl(tensor: Tensor, indices: Tensor | number[], updates: Tensor): Tensor {
  const op = 'tensorScatterUpdate';
  const t = tensorArg(tensor, op, 'tensor');
  const idx = idxArg(op, indices, 'indices');
  const u = tensorArg(updates, op, 'updates');
  if (u.dtype !== t.dtype) {
    throw new DTypeError(`${op}: updates (${u.dtype}) must have the dtype of tensor (${t.dtype})`, { op, dtypes: [t.dtype, u.dtype] });
  }
  const K = indexRank(op, idx, t.rank, 'tensor', t.shape);
  checkUpdates(op, idx.shape, u, t.shape.slice(K), 'tensor', t.shape);
  checkRows(op, idx, t.shape.slice(0, K), 'tensor', t.shape);
  const N = sizeOf(idx.shape.slice(0, -1));
  const dims = t.shape.slice(0, K);
  const P = sizeOf(dims);
  const S = sizeOf(t.shape.slice(K));
  if (N === 0 || t.size === 0) return materialize(t, op);
  const { t: it, own } = realize(op, idx, t.device);
  const uc = u.isContiguous ? u : materialize(u, op);
  try {
    // The row that writes each slot: the last one naming it (TensorFlow leaves duplicates unspecified; the last
    // write wins, as a sequential loop would do), -1 for none: max over rows of (hit ? row : -1).
    const rows = launch({
      op, tensors: [it], loaded: [true], outShape: [P, N], outDtype: 'int32',
      build: (_leaves, p) => prim('where', prim('eq', flatSlot(it, coord(1), dims, p, 0), coord(0)), coord(1), lit(-1, 'int32')),
    });
    const winner = runReduce('max', rows, [1]);
    rows.dispose();
    // Read at each output element: the winner of its slot (dimensions < K), broadcast over the slice.
    const ws = contiguousStrides(dims);
    const wv = view(winner, t.shape, t.shape.map((_, d) => (d < K ? ws[d] : 0)), 0);
    winner.dispose();
    const ss = contiguousStrides(t.shape.slice(K));
    try {
      return launch({
        op, tensors: [t, wv, uc], loaded: [false, false, true], outShape: [...t.shape], outDtype: t.dtype,
        build: ([orig, w], p) => {
          const has = prim('ge', w, lit(0, 'int32'));
          let at: Expr = prim('mul', w, p(S, 'int32'));
          for (let d = K; d < t.rank; d++) at = prim('add', at, prim('mul', coord(d), p(ss[d - K], 'int32')));
          const safe = prim('where', has, prim('add', p(uc.offset, 'int32'), at), p(uc.offset, 'int32'));
          return prim('where', has, load(2, uc.dtype, safe), orig);
        },
      });
    } finally {
      wv.dispose();
    }
  } finally {
    if (own) it.dispose();
    if (uc !== u) uc.dispose();
  }
}

function segmentIdsCheck(op: string, ids: Idx, prefix: readonly number[], xShape: readonly number[], what: string) {
  if (ids.shape.length > prefix.length || ids.shape.some((d, i) => d !== prefix[i])) {
    throw shapeErr(op, `${what} of shape ${fmtShape(ids.shape)} must match the leading dimensions of x ${fmtShape(xShape)}`, [xShape, ids.shape]);
  }
}

function unsortedSegmentSum$impl(x: Tensor, segmentIds: Tensor | number[], numSegments: number): Tensor {
  const op = 'unsortedSegmentSum';
  const t = tensorArg(x, op);
  const ids = idxArg(op, segmentIds, 'segmentIds');
  if (typeof numSegments !== 'number' || !Number.isInteger(numSegments) || numSegments < 0) {
    throw shapeErr(op, `numSegments must be a non-negative integer, got ${describe(numSegments)}`, [t.shape, ids.shape]);
  }
  if (t.dtype === 'bool') throw new DTypeError(`${op}: x must be numeric, got bool`, { op, dtypes: [t.dtype] });
  if (ids.shape.length < 1) throw shapeErr(op, 'segmentIds must have rank at least 1, got a scalar', [t.shape, ids.shape]);
  segmentIdsCheck(op, ids, t.shape, t.shape, 'segmentIds');
  // As TensorFlow: negative ids drop their value; ids >= numSegments are errors (when known on the host).
  const outShape = [numSegments, ...t.shape.slice(ids.shape.length)];
  checkRows(op, { ...ids, shape: [...ids.shape, 1] }, [numSegments], 'the output', outShape, true);
  const { t: it, own } = realize(op, ids, t.device);
  try {
    return scatterSum(op, it, 1, sizeOf(ids.shape), t, outShape);
  } finally {
    if (own) it.dispose();
  }
}

function bincount$impl(x: Tensor, weights: Tensor, size: number): Tensor {
  const op = 'bincount';
  const t = tensorArg(x, op);
  const w = tensorArg(weights, op, 'weights');
  if (t.dtype !== 'int32') throw new DTypeError(`${op}: x must be int32, got ${t.dtype}`, { op, dtypes: [t.dtype] });
  if (t.rank !== 1) throw shapeErr(op, `x must have rank 1, got shape ${fmtShape(t.shape)}`, [t.shape]);
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) throw shapeErr(op, `size must be a non-negative integer, got ${describe(size)}`, [t.shape]);
  if (w.size !== 0 && (w.rank !== 1 || w.shape[0] !== t.shape[0])) {
    throw shapeErr(op, `weights of shape ${fmtShape(w.shape)} must have the shape of x ${fmtShape(t.shape)} or be empty`, [t.shape, w.shape]);
  }
  if (w.dtype === 'bool') throw new DTypeError(`${op}: weights must be numeric, got bool`, { op, dtypes: [w.dtype] });
  const h = t.hostValues;
  if (h) {
    for (let j = 0; j < h.length; j++) {
      if (h[j] < 0) throw shapeErr(op, `x${fmtShape([j])} = ${h[j]} is negative; bincount counts non-negative integers`, [t.shape]);
    }
  }
  // Values >= size are not counted (TensorFlow.js's rule).
  const ones = w.size === 0 ? runGenerator(fillGen(1, w.dtype), t.shape, t.device, op) : w;
  const it = t.isContiguous ? t : materialize(t, op);
  try {
    return scatterSum(op, it, 1, t.shape[0], ones, [size]);
  } finally {
    if (ones !== w) ones.dispose();
    if (it !== t) it.dispose();
  }
}

/** indexing ops (registry definitions). */
export const INDEXING_DEFS = family('movement', {
  gatherND: {
    doc: 'Slices of x at the coordinate rows of `indices` (last dimension K ≤ rank): indices.shape[:-1] + x.shape[K:]. Host indices are range-checked, device ones clamped.',
    params: [p('x', 'tensor'), p('indices', 'indices')],
    returns: 'tensor',
    differentiable: true,
    impl: gatherND$impl,
  },
  scatterND: {
    doc: 'Zeros of `shape` with `updates` added at the coordinate rows of `indices` (duplicates summed). Compare + sum: slots × slice × rows work.',
    params: [p('indices', 'indices'), p('updates', 'tensor'), p('shape', 'shape')],
    returns: 'tensor',
    differentiable: true,
    impl: scatterND$impl,
  },
  tensorScatterUpdate: {
    doc: 'A copy of `tensor` with the slices at the coordinate rows of `indices` replaced by `updates` (for duplicates the last row wins).',
    params: [p('tensor', 'tensor'), p('indices', 'indices'), p('updates', 'tensor')],
    returns: 'tensor',
    differentiable: true,
    impl: tensorScatterUpdate$impl,
  },
  unsortedSegmentSum: {
    doc: 'Sums of the slices of x per segment id (ids over the leading dimensions; negative ids are dropped): [numSegments, ...rest].',
    params: [p('x', 'tensor'), p('segmentIds', 'indices'), p('numSegments', 'int')],
    returns: 'tensor',
    differentiable: true,
    impl: unsortedSegmentSum$impl,
  },
  bincount: {
    doc: 'Per value in [0, size) of the int32 vector x, the sum of its weights (or its count when weights is empty); larger values are ignored.',
    params: [p('x', 'tensor'), p('weights', 'tensor'), p('size', 'int')],
    returns: 'tensor',
    impl: bincount$impl,
  },
});
