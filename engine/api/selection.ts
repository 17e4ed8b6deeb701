// Public selection ops (issue 18): topk, and image.nonMaxSuppression with its WithScore and Padded variants
// (plus the Async forms, plain functions: see NMS_ASYNC).
//
// topk runs on the device without a sort kernel, by rank counting: the rank of element i of a row is the
// number of elements of the row greater than it, or equal to it at a lower index (so ties keep the lower
// index first, as TensorFlow.js). That is one compare over a [rows, n, n] broadcast view summed over the
// last axis: O(n²) work and an n×n int32 intermediate per row, fine for the rows models top-k over at this
// scale (class scores, a few thousand at most), not for very long rows. Output j of a row is then the
// element whose rank is j: a compare over a [rows, k, n] view, summed (exactly one element matches), and a
// gather of the values at those indices. Five kernels, any rank, both devices, recordable in graphs.
//
// Non-max suppression is greedy and data-dependent (the output length depends on the values), so it runs
// on the host. The Async forms read the boxes and scores back; the sync forms need host-known values
// (JS arrays, or small integer tensors made from host data, which keep a host copy) because WebGPU cannot
// read back synchronously: for a device tensor they throw an error pointing to the Async form.
import { family } from './define';
import { opt, p } from '../ops/registry';
import { DTypeError, ShapeError, WgError } from '../core/errors';
import { contiguousStrides, describe, fmtShape } from '../core/shape';
import { Tensor, type DeviceName } from '../core/tensor';
import { launch, view } from '../eager/dispatch';
import { runExpr, runReduce } from '../eager/dispatch_kernels';
import { type Expr, cast, coord, lit, load, prim } from '../ir/expr';
import { tensorArg } from './args';
import { constantFromHost, type TensorValues } from './creation';

const shapeErr = (op: string, msg: string, shapes: (readonly number[])[] = []) =>
  new ShapeError(`${op}: ${msg}`, { op, shapes: shapes.map((s) => [...s]) });

// ---------------------------------------------------------------------------------------------- topk

/**
 * Past this many (i, j) pairs the rank-counting form (O(n²) work and an [..., n, n] intermediate) gives way to
 * k rounds of selection: centernet's topk over 1.3M scores would need a 6.9 TB pair tensor.
 */
const PAIR_LIMIT = 1 << 24;

/** x[..., indices[..., j]]: the values at the chosen indices along the last axis. */
function gatherLast(t: Tensor, indices: Tensor, outShape: number[]): Tensor {
  const r = t.rank;
  const s = t.strides[r - 1];
  const leadStrides = t.strides.slice(0, r - 1);
  return launch({
    op: 'topk', tensors: [t, indices], loaded: [true, false], outShape, outDtype: t.dtype,
    build: ([, i], prm) => {
      let addr: Expr = prim('add', prm(t.offset, 'int32'), prim('mul', cast(i, 'int32'), prm(s, 'int32')));
      leadStrides.forEach((st, d) => (addr = prim('add', addr, prim('mul', coord(d), prm(st, 'int32')))));
      return load(0, t.dtype, addr);
    },
  });
}

/**
 * topk for long rows: k rounds, each the row's first maximum (argMax keeps the lowest index among equal values,
 * topk's tie rule) and then that element masked to the dtype's lowest value. 3k kernels of O(n) work. A row whose
 * remaining values all equal that lowest value (-Infinity for float32) may repeat a masked index.
 */
function topkBySelection(t: Tensor, k: number, lead: number[], n: number): { values: Tensor; indices: Tensor } {
  const op = 'topk';
  const r = t.rank;
  const low = t.dtype === 'float32' ? -Infinity : t.dtype === 'int32' ? -2147483648 : 0;
  const outShape = [...lead, k];
  const leadStrides = contiguousStrides(lead);
  let cur = t;
  let indices = runExpr(op, [], 'int32', () => lit(0, 'int32'), outShape);
  try {
    for (let j = 0; j < k; j++) {
      const idx = runReduce('argMax', cur, [r - 1]);
      try {
        const along = (shape: number[]) => view(idx, shape, [...leadStrides, 0], 0);
        const ik = along(outShape);
        const next = runExpr(op, [indices, ik], 'int32', ([acc, i], p) => prim('where', prim('eq', coord(r - 1), p(j, 'int32')), i, acc));
        ik.dispose();
        indices.dispose();
        indices = next;
        if (j === k - 1) break;
        const iv = along([...lead, n]);
        const masked = runExpr(op, [cur, iv], t.dtype, ([v, i], p) => prim('where', prim('eq', coord(r - 1), cast(i, 'int32')), p(low, t.dtype), v));
        iv.dispose();
        if (cur !== t) cur.dispose();
        cur = masked;
      } finally {
        idx.dispose();
      }
    }
    const out = { values: gatherLast(t, indices, outShape), indices };
    return out;
  } catch (e) {
    indices.dispose();
    throw e;
  } finally {
    if (cur !== t) cur.dispose();
  }
}

function topk$impl(x: Tensor, k = 1, sorted = true): { values: Tensor; indices: Tensor } {
  const op = 'topk';
  const t = tensorArg(x, op);
  if (t.dtype === 'bool') throw new DTypeError(`${op}: expects a numeric tensor, got bool`, { op, dtypes: ['bool'], shapes: [[...t.shape]] });
  if (t.rank === 0) throw shapeErr(op, 'expects a tensor of rank 1 or higher, got a scalar', [t.shape]);
  if (typeof sorted !== 'boolean') throw shapeErr(op, `sorted must be a boolean, got ${describe(sorted)}`);
  const r = t.rank;
  const n = t.shape[r - 1];
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0) {
    throw shapeErr(op, `k must be a non-negative integer, got ${describe(k)} (x has shape ${fmtShape(t.shape)})`, [t.shape]);
  }
  if (k > n) throw shapeErr(op, `k = ${k} is larger than the last dimension (${n}) of x's shape ${fmtShape(t.shape)}`, [t.shape]);
  // `sorted = false` lets TensorFlow.js return the k largest in any order; sorted order is one of them.
  const lead = t.shape.slice(0, r - 1);
  const outShape = [...lead, k];
  const s = t.strides[r - 1];
  const leadStrides = t.strides.slice(0, r - 1);
  if (lead.reduce((a, b) => a * b, 1) * n * n > PAIR_LIMIT) return topkBySelection(t, k, lead, n);
  // rank[..., i] = Σ_j (x_j > x_i) or (x_j == x_i and j < i), over a [..., n (i), n (j)] view pair.
  const pairShape = [...lead, n, n];
  const xi = view(t, pairShape, [...leadStrides, s, 0]);
  const xj = view(t, pairShape, [...leadStrides, 0, s]);
  let beats: Tensor | undefined;
  let rank: Tensor | undefined;
  let hit: Tensor | undefined;
  let indices: Tensor | undefined;
  try {
    beats = runExpr(op, [xi, xj], 'int32', ([a, b]) => {
      const before = prim('and', prim('eq', b, a), prim('lt', coord(r), coord(r - 1)));
      return prim('where', prim('or', prim('gt', b, a), before), lit(1, 'int32'), lit(0, 'int32'));
    });
    rank = runReduce('sum', beats, [r]);
    // indices[..., j] = the i whose rank is j: Σ_i (rank_i == j ? i : 0), over a [..., k (j), n (i)] view.
    const rv = view(rank, [...lead, k, n], [...contiguousStrides([...lead, n]).slice(0, r - 1), 0, 1], 0);
    try {
      hit = runExpr(op, [rv], 'int32', ([rk]) => prim('where', prim('eq', cast(rk, 'int32'), coord(r - 1)), coord(r), lit(0, 'int32')));
    } finally {
      rv.dispose();
    }
    indices = runReduce('sum', hit, [r]);
    const out = { values: gatherLast(t, indices, outShape), indices };
    indices = undefined;
    return out;
  } finally {
    xi.dispose();
    xj.dispose();
    beats?.dispose();
    rank?.dispose();
    hit?.dispose();
    indices?.dispose();
  }
}

// -------------------------------------------------------------------------------- non-max suppression

type Values = TensorValues | Tensor;

interface NmsArgs {
  boxes: ArrayLike<number>;
  scores: ArrayLike<number>;
  maxOutputSize: number;
  iouThreshold: number;
  scoreThreshold: number;
  softNmsSigma: number;
  device?: DeviceName;
}

/** Shape of host values (nested arrays or a flat typed array); the flat values as float64. */
function hostShape(op: string, what: string, v: unknown): { shape: number[]; flat: number[] } {
  if (ArrayBuffer.isView(v)) return { shape: [(v as unknown as ArrayLike<number>).length], flat: Array.from(v as unknown as ArrayLike<number>, Number) };
  if (typeof v === 'number') return { shape: [], flat: [v] };
  if (!Array.isArray(v)) throw shapeErr(op, `${what} must be a Tensor or an array of numbers, got ${describe(v)}`);
  const shape: number[] = [];
  for (let c: unknown = v; Array.isArray(c); c = c[0]) shape.push(c.length);
  const flat: number[] = [];
  const walk = (c: unknown, d: number) => {
    if (d === shape.length) {
      if (typeof c !== 'number') throw shapeErr(op, `${what} must hold numbers, got ${describe(c)}`);
      flat.push(c);
      return;
    }
    if (!Array.isArray(c) || c.length !== shape[d]) throw shapeErr(op, `${what} is a ragged array (expected ${shape[d]} entries at depth ${d})`);
    c.forEach((e) => walk(e, d + 1));
  };
  walk(v, 0);
  return { shape, flat };
}

/** Shapes and parameters, checked as TensorFlow.js does (maxOutputSize is capped at the number of boxes). */
function nmsCheck(
  op: string, boxes: Values, scores: Values, maxOutputSize: number, iouThreshold: number, scoreThreshold: number, softNmsSigma: number,
): { boxShape: readonly number[]; scoreShape: readonly number[]; maxOutputSize: number } {
  const shapeOf = (v: Values, what: string) => {
    if (v instanceof Tensor) {
      tensorArg(v, op, what);
      if (v.dtype === 'bool') throw new DTypeError(`${op}: ${what} must be numeric, got bool`, { op, dtypes: ['bool'] });
      return v.shape;
    }
    return hostShape(op, what, v).shape;
  };
  const bs = shapeOf(boxes, 'boxes');
  const ss = shapeOf(scores, 'scores');
  if (bs.length !== 2 || bs[1] !== 4) throw shapeErr(op, `boxes must have shape [numBoxes, 4], got ${fmtShape(bs)}`, [bs, ss]);
  if (ss.length !== 1 || ss[0] !== bs[0]) {
    throw shapeErr(op, `scores must have shape [${bs[0]}] (one per box of boxes ${fmtShape(bs)}), got ${fmtShape(ss)}`, [bs, ss]);
  }
  if (typeof maxOutputSize !== 'number' || !Number.isInteger(maxOutputSize) || maxOutputSize < 0) {
    throw shapeErr(op, `maxOutputSize must be a non-negative integer, got ${describe(maxOutputSize)}`);
  }
  if (typeof iouThreshold !== 'number' || !(iouThreshold >= 0 && iouThreshold <= 1)) {
    throw shapeErr(op, `iouThreshold must be in [0, 1], got ${describe(iouThreshold)}`);
  }
  if (typeof scoreThreshold !== 'number' || Number.isNaN(scoreThreshold)) throw shapeErr(op, `scoreThreshold must be a number, got ${describe(scoreThreshold)}`);
  if (typeof softNmsSigma !== 'number' || !(softNmsSigma >= 0)) throw shapeErr(op, `softNmsSigma must be a number >= 0, got ${describe(softNmsSigma)}`);
  return { boxShape: bs, scoreShape: ss, maxOutputSize: Math.min(maxOutputSize, bs[0]) };
}

/** Host values of a sync argument, or an error pointing to the Async form. */
function syncValues(op: string, v: Values, what: string): ArrayLike<number> {
  // Host arrays are float32 values, as if made into a tensor first (TensorFlow.js converts them).
  if (!(v instanceof Tensor)) return hostShape(op, what, v).flat.map(Math.fround);
  if (v.hostValues) return v.hostValues;
  const asyncName = op.replace(/(WithScore|Padded)?$/, (m) => `${m}Async`);
  throw new WgError(
    `${op}: ${what} is a tensor on the ${v.device} device whose values the host does not hold, and the result's length depends on ` +
      `them; WebGPU cannot read back synchronously: use await wg.image.${asyncName}(...) (or pass the boxes and scores as JS arrays)`,
    { op, shapes: [[...v.shape]] },
  );
}

/** IoU of boxes i and j ([y1, x1, y2, x2], corners in either order); 0 when either is empty. */
function iou(b: ArrayLike<number>, i: number, j: number): number {
  const y0i = Math.min(b[4 * i], b[4 * i + 2]), y1i = Math.max(b[4 * i], b[4 * i + 2]);
  const x0i = Math.min(b[4 * i + 1], b[4 * i + 3]), x1i = Math.max(b[4 * i + 1], b[4 * i + 3]);
  const y0j = Math.min(b[4 * j], b[4 * j + 2]), y1j = Math.max(b[4 * j], b[4 * j + 2]);
  const x0j = Math.min(b[4 * j + 1], b[4 * j + 3]), x1j = Math.max(b[4 * j + 1], b[4 * j + 3]);
  const ai = (y1i - y0i) * (x1i - x0i);
  const aj = (y1j - y0j) * (x1j - x0j);
  if (ai <= 0 || aj <= 0) return 0;
  const inter = Math.max(Math.min(y1i, y1j) - Math.max(y0i, y0j), 0) * Math.max(Math.min(x1i, x1j) - Math.max(x0i, x0j), 0);
  return inter / (ai + aj - inter);
}

/**
 * Greedy (soft-)NMS as TensorFlow.js: candidates above scoreThreshold, best score first (ties: lower index);
 * one whose IoU with a selected box is ≥ iouThreshold is dropped; with softNmsSigma > 0 the others' scores
 * decay by exp(-iou² / (2σ)) against each newly selected box, and a decayed candidate goes back in line.
 */
function greedyNms(a: NmsArgs): { indices: number[]; scores: number[] } {
  const scale = a.softNmsSigma > 0 ? -0.5 / a.softNmsSigma : 0;
  const pending: { score: number; box: number; from: number }[] = [];
  for (let i = 0; i < a.scores.length; i++) if (a.scores[i] > a.scoreThreshold) pending.push({ score: a.scores[i], box: i, from: 0 });
  const indices: number[] = [];
  const scores: number[] = [];
  while (indices.length < a.maxOutputSize && pending.length > 0) {
    let best = 0;
    for (let c = 1; c < pending.length; c++) {
      const q = pending[c], b = pending[best];
      if (q.score > b.score || (q.score === b.score && q.box < b.box)) best = c;
    }
    const cand = pending.splice(best, 1)[0];
    const original = cand.score;
    if (original < a.scoreThreshold) break;
    let dropped = false;
    for (let j = indices.length - 1; j >= cand.from; j--) {
      const o = iou(a.boxes, cand.box, indices[j]);
      if (o >= a.iouThreshold) {
        dropped = true;
        break;
      }
      cand.score *= o <= a.iouThreshold ? Math.exp(scale * o * o) : 0;
      if (cand.score <= a.scoreThreshold) break;
    }
    cand.from = indices.length;
    if (dropped) continue;
    if (cand.score === original) {
      indices.push(cand.box);
      scores.push(cand.score);
    } else if (cand.score > a.scoreThreshold) {
      pending.push(cand);
    }
  }
  return { indices, scores };
}

const deviceOf = (...vs: Values[]): DeviceName | undefined => vs.find((v): v is Tensor => v instanceof Tensor)?.device;

function nmsRun(
  op: string, boxes: Values, scores: Values, maxOutputSize: number, iouThreshold: number, scoreThreshold: number, softNmsSigma: number,
  read: (v: Values, what: string) => ArrayLike<number>,
): { indices: number[]; scores: number[]; max: number } {
  const c = nmsCheck(op, boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, softNmsSigma);
  const res = greedyNms({
    boxes: read(boxes, 'boxes'), scores: read(scores, 'scores'), maxOutputSize: c.maxOutputSize, iouThreshold, scoreThreshold, softNmsSigma,
  });
  return { ...res, max: c.maxOutputSize };
}

const ints = (op: string, v: number[], dev?: DeviceName) => constantFromHost(op, Int32Array.from(v), 'int32', dev);
const floats = (op: string, v: number[], dev?: DeviceName) => constantFromHost(op, Float32Array.from(v), 'float32', dev);

function nmsOut(op: string, res: { indices: number[]; scores: number[]; max: number }, kind: 'plain' | 'score' | 'padded', pad: boolean, dev?: DeviceName) {
  if (kind === 'plain') return ints(op, res.indices, dev);
  if (kind === 'score') return { selectedIndices: ints(op, res.indices, dev), selectedScores: floats(op, res.scores, dev) };
  const valid = res.indices.length;
  const idx = pad ? [...res.indices, ...new Array<number>(res.max - valid).fill(0)] : res.indices;
  return { selectedIndices: ints(op, idx, dev), validOutputs: constantFromHost(op, valid, 'int32', dev) };
}

function nonMaxSuppression$impl(boxes: Values, scores: Values, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity): Tensor {
  const op = 'nonMaxSuppression';
  const res = nmsRun(op, boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, 0, (v, w) => syncValues(op, v, w));
  return nmsOut(op, res, 'plain', false, deviceOf(boxes, scores)) as Tensor;
}

function nonMaxSuppressionWithScore$impl(
  boxes: Values, scores: Values, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity, softNmsSigma = 0,
): { selectedIndices: Tensor; selectedScores: Tensor } {
  const op = 'nonMaxSuppressionWithScore';
  const res = nmsRun(op, boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, softNmsSigma, (v, w) => syncValues(op, v, w));
  return nmsOut(op, res, 'score', false, deviceOf(boxes, scores)) as { selectedIndices: Tensor; selectedScores: Tensor };
}

function nonMaxSuppressionPadded$impl(
  boxes: Values, scores: Values, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity, padToMaxOutputSize = false,
): { selectedIndices: Tensor; validOutputs: Tensor } {
  const op = 'nonMaxSuppressionPadded';
  const res = nmsRun(op, boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, 0, (v, w) => syncValues(op, v, w));
  return nmsOut(op, res, 'padded', padToMaxOutputSize, deviceOf(boxes, scores)) as { selectedIndices: Tensor; validOutputs: Tensor };
}

/** Reads tensors back (await data()); host values as they are. */
async function readAll(op: string, boxes: Values, scores: Values): Promise<(v: Values, what: string) => ArrayLike<number>> {
  const got = new Map<Values, ArrayLike<number>>();
  for (const v of [boxes, scores]) if (v instanceof Tensor && !got.has(v)) got.set(v, await tensorArg(v, op, v === boxes ? 'boxes' : 'scores').data());
  return (v, what) => got.get(v) ?? hostShape(op, what, v).flat.map(Math.fround);
}

/**
 * The Async forms of non-max suppression (TensorFlow.js's names): they read the boxes and scores back and
 * select on the host. Plain async functions, public as members of `wg.image`; not graph ops (a graph cannot
 * wait on a readback): inside a graph, use the sync forms with host-known values.
 */
export const NMS_ASYNC = {
  /** Async nonMaxSuppression: reads the boxes and scores back; the selected box indices (int32). */
  async nonMaxSuppressionAsync(boxes: Values, scores: Values, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity): Promise<Tensor> {
    const op = 'nonMaxSuppressionAsync';
    nmsCheck(op, boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, 0);
    const read = await readAll(op, boxes, scores);
    return nmsOut(op, nmsRun(op, boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, 0, read), 'plain', false, deviceOf(boxes, scores)) as Tensor;
  },
  /** Async nonMaxSuppressionWithScore (soft-NMS when softNmsSigma > 0): { selectedIndices, selectedScores }. */
  async nonMaxSuppressionWithScoreAsync(
    boxes: Values, scores: Values, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity, softNmsSigma = 0,
  ): Promise<{ selectedIndices: Tensor; selectedScores: Tensor }> {
    const op = 'nonMaxSuppressionWithScoreAsync';
    nmsCheck(op, boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, softNmsSigma);
    const read = await readAll(op, boxes, scores);
    const res = nmsRun(op, boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, softNmsSigma, read);
    return nmsOut(op, res, 'score', false, deviceOf(boxes, scores)) as { selectedIndices: Tensor; selectedScores: Tensor };
  },
  /** Async nonMaxSuppressionPadded: { selectedIndices (padded with 0 to maxOutputSize when asked), validOutputs }. */
  async nonMaxSuppressionPaddedAsync(
    boxes: Values, scores: Values, maxOutputSize: number, iouThreshold = 0.5, scoreThreshold = -Infinity, padToMaxOutputSize = false,
  ): Promise<{ selectedIndices: Tensor; validOutputs: Tensor }> {
    const op = 'nonMaxSuppressionPaddedAsync';
    nmsCheck(op, boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, 0);
    const read = await readAll(op, boxes, scores);
    const res = nmsRun(op, boxes, scores, maxOutputSize, iouThreshold, scoreThreshold, 0, read);
    return nmsOut(op, res, 'padded', padToMaxOutputSize, deviceOf(boxes, scores)) as { selectedIndices: Tensor; validOutputs: Tensor };
  },
};

/** selection ops (registry definitions). */
export const SELECTION_DEFS = family('nn', {
  topk: {
    doc: 'The k largest entries along the last axis and their int32 indices, largest first (ties: lower index first); rank counting on the device (O(n²) per row of n), or k rounds of argMax for rows too long for that.',
    params: [p('x', 'tensor'), opt('k', 'int'), opt('sorted', 'bool')],
    returns: 'topk',
    method: true,
    differentiable: true,
    impl: topk$impl,
  },
  nonMaxSuppression: {
    doc: 'Greedy non-max suppression of [numBoxes, 4] boxes by score: the selected box indices (int32). Needs host-known boxes and scores (JS arrays); device tensors: nonMaxSuppressionAsync.',
    params: [p('boxes', 'initial'), p('scores', 'initial'), p('maxOutputSize', 'int'), opt('iouThreshold', 'number'), opt('scoreThreshold', 'number')],
    returns: 'tensor',
    namespace: 'image',
    impl: nonMaxSuppression$impl,
  },
  nonMaxSuppressionWithScore: {
    doc: 'Non-max suppression (soft-NMS with Gaussian decay when softNmsSigma > 0): { selectedIndices, selectedScores }. Host-known inputs; device tensors: the Async form.',
    params: [
      p('boxes', 'initial'), p('scores', 'initial'), p('maxOutputSize', 'int'), opt('iouThreshold', 'number'), opt('scoreThreshold', 'number'),
      opt('softNmsSigma', 'number'),
    ],
    returns: 'nmsWithScore',
    namespace: 'image',
    impl: nonMaxSuppressionWithScore$impl,
  },
  nonMaxSuppressionPadded: {
    doc: 'Non-max suppression: { selectedIndices (zero-padded to maxOutputSize when padToMaxOutputSize), validOutputs }. Host-known inputs; device tensors: the Async form.',
    params: [
      p('boxes', 'initial'), p('scores', 'initial'), p('maxOutputSize', 'int'), opt('iouThreshold', 'number'), opt('scoreThreshold', 'number'),
      opt('padToMaxOutputSize', 'bool'),
    ],
    returns: 'nmsPadded',
    namespace: 'image',
    impl: nonMaxSuppressionPadded$impl,
  },
});
