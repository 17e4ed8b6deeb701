// Gradient rules: see autodiff/rules.ts for the contract (one gradient per argument, written with the public ops).
// Movement, indexing, scans and products. Views are undone by their adjoint: slice ↔ pad, concat ↔ slice,
// stack ↔ unstack, gather ↔ unsortedSegmentSum, gatherND ↔ scatterND, spaceToBatchND ↔ batchToSpaceND,
// strided slices ↔ zeros interleaved and padded, mirrored pads ↔ the mirrored borders added back.
import type { DifferentiableOp } from '../api/registry';
import type { Tensor } from '../core/tensor';
import { o, T, wants, type GradRule } from './grad_util';

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

const padAxis = (g: Tensor, d: number, before: number, after: number) =>
  before === 0 && after === 0 ? g : o.pad(g, g.shape.map((_, k) => (k === d ? [before, after] : [0, 0]) as [number, number]));
const sliceAxis = (g: Tensor, d: number, begin: number, count: number) =>
  o.slice(g, g.shape.map((_, k) => (k === d ? begin : 0)), g.shape.map((n, k) => (k === d ? count : n)));

/** What stridedSlice does to each input dimension, read from its spec as the op reads it. */
type Take = { kind: 'whole' } | { kind: 'index'; at: number } | { kind: 'range'; begin: number; step: number; count: number };
function stridedTakes(
  shape: readonly number[],
  begin: number[],
  end: number[],
  strides: number[] | undefined,
  beginMask = 0,
  endMask = 0,
  ellipsisMask = 0,
  newAxisMask = 0,
  shrinkAxisMask = 0,
): Take[] {
  const r = shape.length;
  const st = strides ?? new Array(begin.length).fill(1);
  const m = begin.length;
  const ell = ellipsisMask ? Math.min(m, Math.log2(ellipsisMask & -ellipsisMask)) : -1;
  const isNew = (i: number) => i !== ell && (newAxisMask & (1 << i)) !== 0;
  let used = 0;
  for (let i = 0; i < m; i++) if (i !== ell && !isNew(i)) used++;
  const takes: Take[] = [];
  for (let i = 0; i < m; i++) {
    if (i === ell) {
      for (let k = 0; k < r - used; k++) takes.push({ kind: 'whole' });
      continue;
    }
    if (isNew(i)) continue;
    const n = shape[takes.length];
    const step = st[i];
    const bit = 1 << i;
    if (shrinkAxisMask & bit) {
      takes.push({ kind: 'index', at: begin[i] < 0 ? begin[i] + n : begin[i] });
      continue;
    }
    const clamp = (v: number) => (step > 0 ? Math.min(Math.max(v, 0), n) : Math.min(Math.max(v, -1), n - 1));
    const wrap = (v: number) => (v < 0 ? v + n : v);
    const b0 = beginMask & bit ? (step > 0 ? 0 : n - 1) : clamp(wrap(begin[i]));
    const e0 = endMask & bit ? (step > 0 ? n : -1) : clamp(wrap(end[i]));
    const count = step > 0 ? Math.max(0, Math.ceil((e0 - b0) / step)) : Math.max(0, Math.ceil((b0 - e0) / -step));
    takes.push({ kind: 'range', begin: b0, step, count });
  }
  while (takes.length < r) takes.push({ kind: 'whole' });
  return takes;
}

/** stridedSlice's adjoint: dy per input dimension put back at its positions (zeros between the strides). */
function stridedSliceGrad(dy: Tensor, x: Tensor, takes: Take[]): Tensor {
  if (takes.some((t) => t.kind === 'range' && t.count === 0)) return o.zerosLike(x);
  // New axes dropped, shrunk axes back as size 1: the same elements in the same order.
  let g = o.reshape(dy, takes.map((t, d) => (t.kind === 'whole' ? x.shape[d] : t.kind === 'index' ? 1 : t.count)));
  takes.forEach((t, d) => {
    const n = x.shape[d];
    if (t.kind === 'index') g = padAxis(g, d, t.at, n - t.at - 1);
    if (t.kind !== 'range') return;
    let { begin, step } = t;
    if (step < 0) {
      g = o.reverse(g, d);
      begin += (t.count - 1) * step;
      step = -step;
    }
    if (step > 1) {
      // [.., count, ..] → [.., count, step, ..] (zeros after each element) → [.., count·step, ..], cut after the last.
      const spread = padAxis(o.expandDims(g, d + 1), d + 1, 0, step - 1);
      const merged = o.reshape(spread, g.shape.flatMap((s, k) => (k === d ? [s * step] : [s])));
      g = sliceAxis(merged, d, 0, (t.count - 1) * step + 1);
    }
    g = padAxis(g, d, begin, n - begin - g.shape[d]);
  });
  return g;
}

/** mirrorPad's adjoint, one axis after another: the centre, plus each border reversed onto what it mirrored. */
function mirrorPadGrad(dy: Tensor, x: Tensor, paddings: [number, number][], mode: 'reflect' | 'symmetric'): Tensor {
  const s = mode === 'reflect' ? 1 : 0;
  let g = dy;
  x.shape.forEach((n, d) => {
    const [before, after] = paddings[d];
    let sum = sliceAxis(g, d, before, n);
    if (before > 0) sum = o.add(sum, padAxis(o.reverse(sliceAxis(g, d, 0, before), d), d, s, n - before - s));
    if (after > 0) sum = o.add(sum, padAxis(o.reverse(sliceAxis(g, d, before + n, after), d), d, n - after - s, s));
    g = sum;
  });
  return g;
}

/** slice's begin and size, one entry per dimension (as the op reads them). */
function sliceBox(x: Tensor, begin: number | number[], size?: number | number[]): { start: number[]; count: number[] } {
  const bs = typeof begin === 'number' ? [begin] : begin;
  const ss = size === undefined || size === null ? [] : typeof size === 'number' ? [size] : size;
  const start: number[] = [];
  const count: number[] = [];
  x.shape.forEach((n, d) => {
    const b = bs[d] ?? 0;
    const st = b < 0 ? b + n : b;
    const s = ss[d] ?? -1;
    start.push(st);
    count.push(s === -1 ? n - st : s);
  });
  return { start, count };
}

/**
 * One einsum operand's gradient: einsum of dy with the other operand, to the operand's letters. Letters that
 * neither dy nor the other operand has (summed out of this operand alone) are broadcast back; a letter repeated
 * in the operand (a diagonal) is computed once and put on the diagonal (identity masks).
 */
function einsumOperandGrad(dy: Tensor, outTerm: string, other: { term: string; t: Tensor } | null, term: string, x: Tensor): Tensor {
  const avail = new Set(outTerm + (other?.term ?? ''));
  const letters = [...term];
  const first = letters.map((c, d) => letters.indexOf(c) === d);
  const present = letters.filter((c, d) => first[d] && avail.has(c)).join('');
  const eq = other ? `${outTerm},${other.term}->${present}` : `${outTerm}->${present}`;
  let g = other ? o.einsum(eq, dy, other.t) : o.einsum(eq, dy);
  if (present.length === term.length) return g;
  g = o.broadcastTo(o.reshape(g, letters.map((c, d) => (first[d] && avail.has(c) ? x.shape[d] : 1))), [...x.shape]);
  letters.forEach((c, d) => {
    if (first[d]) return;
    const f = letters.indexOf(c);
    const n = x.shape[d];
    g = o.mul(g, o.reshape(o.eye(n), letters.map((_, k) => (k === f || k === d ? n : 1))));
  });
  return g;
}

/** einsum's output term: given after '->', else the letters used once, in alphabetical order (NumPy). */
function einsumTerms(equation: string): { inputs: string[]; output: string } {
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs] = eq.split('->');
  const inputs = lhs.split(',');
  if (rhs !== undefined) return { inputs, output: rhs };
  const counts = new Map<string, number>();
  for (const c of lhs.replace(/,/g, '')) counts.set(c, (counts.get(c) ?? 0) + 1);
  return { inputs, output: [...counts].filter(([, n]) => n === 1).map(([c]) => c).sort().join('') };
}

export const MOVEMENT_RULES = {
  // topk → { values, indices }: each value's gradient goes back to where it was taken from (the indices get none).
  topk: ([dValues], [x], { indices }) => {
    if (!wants(x)) return [null];
    const n = x.shape[x.rank - 1];
    return [o.sum(o.mul(o.oneHot(indices, n, 1, 0, 'float32'), o.expandDims(dValues, -1)), -2)];
  },
  // ---- slices and joins ----
  slice: (dy, [x, begin, size]) => {
    const { start, count } = sliceBox(x, begin, size);
    return [o.pad(dy, x.shape.map((n: number, d: number) => [start[d], n - start[d] - count[d]] as [number, number])), null, null];
  },
  stridedSlice: (dy, [x, begin, end, strides, ...masks]) => [stridedSliceGrad(dy, x, stridedTakes(x.shape, begin, end, strides, ...masks)), ...new Array(8).fill(null)],
  concat: (dy, [xs, axis = 0]) => {
    const a = norm(axis, xs[0].rank);
    let at = 0;
    const gs = (xs as Tensor[]).map((x) => {
      const begin = x.shape.map((_, d) => (d === a ? at : 0));
      at += x.shape[a];
      return o.slice(dy, begin, [...x.shape]);
    });
    return [gs, null];
  },
  stack: (dy, [xs, axis = 0]) => [o.unstack(dy, norm(axis, xs[0].rank + 1)), null],
  unstack: (dys, [, axis = 0]) => [o.stack(dys, axis), null],
  split: (dys, [, , axis = 0]) => [o.concat(dys, axis), null, null],
  reverse: (dy, [, axis]) => [o.reverse(dy, axis), null],
  flipLeftRight: (dy) => [o.flipLeftRight(dy)],
  // tile: the result is [r0·n0, r1·n1, …]; each input element receives the sum over its repeats.
  tile: (dy, [x, reps]) => {
    const split = (x as Tensor).shape.flatMap((n, d) => [reps[d], n]);
    const axes = x.shape.map((_: number, d: number) => 2 * d);
    return [o.reshape(o.sum(o.reshape(dy, split), axes), [...x.shape]), null];
  },
  pad: (dy, [x, paddings]) => [o.slice(dy, (paddings as [number, number][]).map((p) => p[0]), [...x.shape]), null, null],
  mirrorPad: (dy, [x, paddings, mode]) => [mirrorPadGrad(dy, x, paddings, mode), null, null],

  // ---- indexing ----
  // Dimensions in groups: x [B, P, N, Q], indices [B, I], dy [B, P, I, Q] (B: the batch dimensions, N: the
  // gathered axis). dy's rows are summed per index into N, with each batch's indices offset by batch·N.
  gather: (dy, [x, indices, axis = 0, batchDims = 0]) => {
    const idx: Tensor = T(indices) ? indices : o.tensor(indices, null, 'int32');
    const b = batchDims < 0 ? batchDims + idx.rank : batchDims;
    const a = norm(axis, x.rank);
    const prod = (s: readonly number[]) => s.reduce((p, v) => p * v, 1);
    const [B, P, N, Q] = [prod(x.shape.slice(0, b)), prod(x.shape.slice(b, a)), x.shape[a], prod(x.shape.slice(a + 1))];
    const I = prod(idx.shape.slice(b));
    const rows = o.reshape(o.transpose(o.reshape(dy, [B, P, I, Q]), [0, 2, 1, 3]), [B * I, P * Q]);
    const offsets = o.reshape(o.mul(o.range(0, B, 1, 'int32'), N), [B, 1]);
    const ids = o.reshape(o.add(o.reshape(idx, [B, I]), offsets), [-1]);
    const summed = o.reshape(o.unsortedSegmentSum(rows, ids, B * N), [B, N, P, Q]);
    return [o.reshape(o.transpose(summed, [0, 2, 1, 3]), [...x.shape]), null, null, null];
  },
  gatherND: (dy, [x, indices]) => [o.scatterND(indices, dy, [...x.shape]), null],
  scatterND: (dy, [indices]) => [null, o.gatherND(dy, indices), null],
  // The replaced slices get no gradient from dy; the updates get theirs (for duplicates TensorFlow's rule too
  // gives every row its slice of dy).
  tensorScatterUpdate: (dy, [, indices, updates]) => [o.tensorScatterUpdate(dy, indices, o.zerosLike(updates)), null, o.gatherND(dy, indices)],
  // Each row of x went to its segment (none for negative ids).
  unsortedSegmentSum: (dy, [x, segmentIds]) => {
    const ids = T(segmentIds) ? segmentIds : o.tensor(segmentIds, null, 'int32');
    const rows = o.gather(dy, o.maximum(ids, 0));
    const keep = o.reshape(o.cast(o.greaterEqual(ids, 0), 'float32'), [...ids.shape, ...new Array(x.rank - ids.rank).fill(1)]);
    return [o.mul(rows, keep), null, null];
  },

  // ---- scans ----
  cumsum: (dy, [, axis = 0, exclusive = false, reverse = false]) => [o.cumsum(dy, axis, exclusive, !reverse), null, null, null],
  // Inputs without zeros: d/dx_i of every running product that includes x_i is (that product) / x_i.
  cumprod: (dy, [x, axis = 0, exclusive = false, reverse = false], y) => [
    o.div(o.cumsum(o.mul(dy, y), axis, exclusive, !reverse), x),
    null,
    null,
    null,
  ],

  // ---- products ----
  // dot: vectors as a row (first operand) or a column (second operand), then matMul's rule.
  dot: (dy, [a, b]) => {
    const A = a.rank === 1 ? o.reshape(a, [1, a.shape[0]]) : a;
    const B = b.rank === 1 ? o.reshape(b, [b.shape[0], 1]) : b;
    const g = o.reshape(dy, [A.shape[0], B.shape[1]]);
    return [o.reshape(o.matMul(g, B, false, true), [...a.shape]), o.reshape(o.matMul(A, g, true, false), [...b.shape])];
  },
  outerProduct: (dy, [a, b]) => [
    o.reshape(o.matMul(dy, o.reshape(b, [b.shape[0], 1])), [...a.shape]),
    o.reshape(o.matMul(o.reshape(a, [1, a.shape[0]]), dy), [...b.shape]),
  ],
  // einsum: each operand's gradient is einsum of dy with the other operand, to that operand's indices.
  einsum: (dy, [equation, ...ts]) => {
    const { inputs, output } = einsumTerms(equation);
    const gs = (ts as Tensor[]).map((t, i) => {
      const other = ts.length === 2 ? { term: inputs[1 - i], t: ts[1 - i] as Tensor } : null;
      return einsumOperandGrad(dy, output, other, inputs[i], t);
    });
    return [null, ...gs];
  },

  // ---- layout ----
  // depthToSpace's inverse (spaceToDepth) written as reshape + transpose.
  depthToSpace: (dy, [x, blockSize, dataFormat = 'NHWC']) => {
    const s = blockSize as number;
    if (dataFormat === 'NCHW') {
      const [n, c, h, w] = x.shape;
      const blocks = o.reshape(dy, [n, c / (s * s), h, s, w, s]);
      return [o.reshape(o.transpose(blocks, [0, 3, 5, 1, 2, 4]), [n, c, h, w]), null, null];
    }
    const [n, h, w, c] = x.shape;
    const blocks = o.reshape(dy, [n, h, s, w, s, c / (s * s)]);
    return [o.reshape(o.transpose(blocks, [0, 1, 3, 2, 4, 5]), [n, h, w, c]), null, null];
  },
  spaceToBatchND: (dy, [, blockShape, paddings]) => [o.batchToSpaceND(dy, blockShape, paddings), null, null],
  batchToSpaceND: (dy, [, blockShape, crops]) => [o.spaceToBatchND(dy, blockShape, crops), null, null],
  // A tensor already on the device is its own result: its gradient is already the one that reached it.
  to: (dy, [x]) => [o.to(dy, x.device), null],
} satisfies Partial<Record<DifferentiableOp, GradRule>>;
