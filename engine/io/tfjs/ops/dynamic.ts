// TensorFlow.js converter family "dynamic", plus evaluation's Unique/UniqueV2: ops whose output shape depends on
// the values of their inputs (non-max suppression, Where, ListDiff, Unique). Each computes on the host from input
// values known while converting. Inputs known while converting (constants, folded shape arithmetic) make them fold
// like any host op; otherwise GraphModel.executeAsync splits the model before such a node, reads its inputs back,
// and feeds its result into the rest (graph_model.ts); predict and execute say to use executeAsync.
import * as wg from '../../../index';
import type { Family, HostValue, OpContext, OpConverter } from '../convert';
import { contiguousStrides, fmt, hostAxis, sizeOf } from './host';

/**
 * A node whose output shape depends on values computed on the device, met by a synchronous run (predict, execute,
 * model.graph): TensorFlow.js's rule, executeAsync runs such models.
 */
export class DynamicShapeError extends wg.WgError {
  constructor(
    readonly node: string,
    op: string,
  ) {
    super(
      `node "${node}" (${op}): its output's shape depends on the values of its inputs, which are computed on the device; ` +
        'run the model with `await model.executeAsync(inputs)`, which splits it there and reads those values back',
      { op },
    );
  }
}

/** Every input's host data; DynamicShapeError when one is computed on the device. */
function hostInputs(ctx: OpContext): HostValue[] {
  return ctx.inputs.map((_, i) => {
    const v = ctx.known(i);
    if (!v) throw new DynamicShapeError(ctx.node.name, ctx.node.op);
    return v;
  });
}

const int32 = (data: number[], shape: number[]): HostValue => ({ data, shape, dtype: 'int32' });

/** A known scalar (or 1-element) input as a number. */
function scalar(ctx: OpContext, v: HostValue, what: string): number {
  if (v.data.length !== 1) throw ctx.error(`${what} must be a scalar, got shape ${fmt(v.shape)}`);
  return v.data[0];
}

/**
 * NonMaxSuppressionV2…V5. Inputs: boxes [n, 4], scores [n], max_output_size, iou_threshold, then score_threshold
 * (V3+) and soft_nms_sigma (V5). Outputs: V2/V3 the selected indices; V4 (indices, valid_outputs); V5 (indices,
 * scores, valid_outputs). pad_to_max_output_size (V4, V5) pads the indices (and scores) with zeros.
 */
function nms(version: 2 | 3 | 4 | 5): OpConverter {
  return (ctx) => {
    const [boxes, scores, max, iou, ...rest] = hostInputs(ctx);
    if (!boxes || !scores || !max || !iou) throw ctx.error(`expected at least 4 inputs, got ${ctx.inputs.length}`);
    if (boxes.shape.length !== 2 || boxes.shape[1] !== 4) throw ctx.error(`boxes must have shape [numBoxes, 4], got ${fmt(boxes.shape)}`);
    const n = boxes.shape[0];
    const rows = Array.from({ length: n }, (_, i) => Array.from({ length: 4 }, (_, j) => boxes.data[4 * i + j]));
    const scoreList = Array.from(scores.data);
    const maxOut = scalar(ctx, max, 'max_output_size');
    const iouT = scalar(ctx, iou, 'iou_threshold');
    const scoreT = version >= 3 && rest[0] ? scalar(ctx, rest[0], 'score_threshold') : -Infinity;
    const sigma = version === 5 && rest[1] ? scalar(ctx, rest[1], 'soft_nms_sigma') : 0;
    const pad = version >= 4 && ctx.attrs.bool('pad_to_max_output_size', false);
    // wgflow's ops validate the rest (shapes, thresholds; naming themselves) and pad as TensorFlow.js does: to
    // min(max_output_size, numBoxes).
    if (version <= 3) return wg.image.nonMaxSuppression(rows, scoreList, maxOut, iouT, scoreT);
    if (version === 4) {
      const r = wg.image.nonMaxSuppressionPadded(rows, scoreList, maxOut, iouT, scoreT, pad);
      return [r.selectedIndices, r.validOutputs];
    }
    const r = wg.image.nonMaxSuppressionWithScore(rows, scoreList, maxOut, iouT, scoreT, sigma);
    const count = r.selectedIndices.shape[0];
    const width = pad ? Math.min(maxOut, n) : count;
    const padded = (t: wg.Tensor) => (width > count ? wg.pad(t, [[0, width - count]]) : t);
    return [padded(r.selectedIndices), padded(r.selectedScores), ctx.constant(int32([count], []))];
  };
}

/** Where(condition): the coordinates of its nonzero (true) elements, [count, rank] int32, in row-major order. */
const where: OpConverter = (ctx) => {
  const [c] = hostInputs(ctx);
  const rank = c.shape.length;
  const strides = contiguousStrides(c.shape);
  const coords: number[] = [];
  for (let k = 0; k < c.data.length; k++) {
    if (!c.data[k]) continue;
    for (let d = 0; d < rank; d++) coords.push(Math.floor(k / strides[d]) % c.shape[d]);
  }
  return ctx.constant(int32(coords, [coords.length / Math.max(rank, 1), rank]));
};

/** ListDiff(x, y): the values of 1-D x that are not in y, in x's order, and their positions in x (int32). */
const listDiff: OpConverter = (ctx) => {
  const [x, y] = hostInputs(ctx);
  if (x.shape.length !== 1 || y.shape.length !== 1) throw ctx.error(`x and y must be 1-D, got ${fmt(x.shape)} and ${fmt(y.shape)}`);
  const drop = new Set(Array.from(y.data));
  const out: number[] = [];
  const idx: number[] = [];
  Array.from(x.data).forEach((v, i) => {
    if (!drop.has(v)) out.push(v), idx.push(i);
  });
  return [ctx.constant({ data: out, shape: [out.length], dtype: x.dtype }), ctx.constant(int32(idx, [idx.length]))];
};

/**
 * Unique (1-D) and UniqueV2 (along an axis, given as a 1-element tensor): the distinct slices in order of first
 * appearance, and for each slice of x the index of its distinct slice (int32).
 */
function unique(v2: boolean): OpConverter {
  return (ctx) => {
    const [x, axisValue] = hostInputs(ctx);
    const axis = v2 && axisValue ? hostAxis(ctx, scalar(ctx, axisValue, 'axis'), x.shape.length) : 0;
    if (!v2 && x.shape.length !== 1) throw ctx.error(`x must be 1-D, got ${fmt(x.shape)}`);
    const outer = sizeOf(x.shape.slice(0, axis));
    const n = x.shape[axis];
    const inner = sizeOf(x.shape.slice(axis + 1));
    const slice = (j: number) => Array.from({ length: outer * inner }, (_, k) => x.data[(Math.floor(k / inner) * n + j) * inner + (k % inner)]);
    const first = new Map<string, number>();
    const kept: number[] = [];
    const idx = Array.from({ length: n }, (_, j) => {
      const key = slice(j).join(',');
      let u = first.get(key);
      if (u === undefined) first.set(key, (u = kept.length)), kept.push(j);
      return u;
    });
    const shape = [...x.shape];
    shape[axis] = kept.length;
    const data = new Array<number>(sizeOf(shape));
    for (let o = 0; o < outer; o++) {
      kept.forEach((j, u) => {
        for (let i = 0; i < inner; i++) data[(o * kept.length + u) * inner + i] = x.data[(o * n + j) * inner + i];
      });
    }
    return [ctx.constant({ data, shape, dtype: x.dtype }), ctx.constant(int32(idx, [n]))];
  };
}

/** The ops of this file: a model is split before each of them that is not known while converting. */
export const DYNAMIC_OPS: ReadonlySet<string> = new Set(['NonMaxSuppressionV2', 'NonMaxSuppressionV3', 'NonMaxSuppressionV4', 'NonMaxSuppressionV5', 'Where', 'ListDiff', 'Unique', 'UniqueV2']);

export const DYNAMIC: Family = {
  excluded: {},
  ops: {
    NonMaxSuppressionV2: nms(2),
    NonMaxSuppressionV3: nms(3),
    NonMaxSuppressionV4: nms(4),
    NonMaxSuppressionV5: nms(5),
    Where: where,
    ListDiff: listDiff,
  },
};

/** Evaluation's data-dependent ops (ops/evaluation.ts joins them into its family). */
export const UNIQUE_OPS = { Unique: unique(false), UniqueV2: unique(true) };
