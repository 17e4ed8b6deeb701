// wg.losses: TensorFlow.js's tf.losses (same names, argument order, defaults and reductions) plus TensorFlow's
// sparseSoftmaxCrossEntropy. Written with the public ops only, so each loss runs eagerly, inside wg.function
// traces and in withMode('graph'), and is differentiable with respect to its tensor arguments.
//
// Every loss computes an elementwise loss tensor and hands it to computeWeightedLoss, which multiplies it by the
// optional `weights` (broadcast against it) and reduces it as `reduction` says (default SUM_BY_NONZERO_WEIGHTS:
// the weighted sum divided by the number of non-zero weights, or by the number of elements without weights).
import { OPS as o } from '../api/registry';
import type { TensorLike } from '../api/ops';
import { DTypeError, ShapeError, WgError } from '../core/errors';
import { Tensor } from '../core/tensor';

/** How computeWeightedLoss reduces the weighted losses: TensorFlow.js's tf.Reduction (same names and values). */
export const Reduction = {
  /** No reduction: the weighted losses, elementwise. */
  NONE: 0,
  /** Σ(losses·weights) / Σweights (divided further by losses.size / weights.size when weights broadcast); without weights the mean. */
  MEAN: 1,
  /** Σ(losses·weights). */
  SUM: 2,
  /** Σ(losses·weights) / (number of non-zero weights, broadcast to the losses); without weights Σlosses / losses.size. */
  SUM_BY_NONZERO_WEIGHTS: 3,
} as const;
export type Reduction = (typeof Reduction)[keyof typeof Reduction];

const REDUCTIONS = new Set<number>(Object.values(Reduction));
const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** A tensor argument (a number becomes a float32 scalar), checked to be a Tensor or number. */
function tensorArg(fn: string, name: string, x: unknown): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return o.scalar(x, 'float32');
  throw new WgError(`losses.${fn}: '${name}' must be a Tensor or a number, got ${x === null ? 'null' : typeof x}`, { op: `losses.${fn}` });
}

/** A float32 tensor argument: int and bool tensors are refused (the loss needs real values). */
function floatArg(fn: string, name: string, x: unknown): Tensor {
  const t = tensorArg(fn, name, x);
  if (t.dtype !== 'float32') {
    throw new DTypeError(`losses.${fn}: '${name}' must be float32, got ${t.dtype} ${fmt(t.shape)}`, { op: `losses.${fn}`, dtypes: [t.dtype], shapes: [[...t.shape]] });
  }
  return t;
}

const sameDim = (a: number, b: number) => a === b || a < 0 || b < 0;

/** TensorFlow.js's assertShapesMatch: labels and predictions of the same shape (a dimension known only at run time matches any). */
function assertSameShape(fn: string, aName: string, a: Tensor, bName: string, b: Tensor): void {
  if (a.rank !== b.rank || !a.shape.every((d, i) => sameDim(d, b.shape[i]))) {
    throw new ShapeError(`losses.${fn}: '${aName}' ${fmt(a.shape)} and '${bName}' ${fmt(b.shape)} must have the same shape`, {
      op: `losses.${fn}`,
      shapes: [[...a.shape], [...b.shape]],
    });
  }
}

/** `weights` must broadcast against the losses (numpy's rule, as tf.mul applies it). */
function assertBroadcasts(fn: string, losses: Tensor, weights: Tensor): void {
  const n = Math.max(losses.rank, weights.rank);
  for (let i = 1; i <= n; i++) {
    const a = losses.shape[losses.rank - i] ?? 1;
    const b = weights.shape[weights.rank - i] ?? 1;
    if (!(sameDim(a, b) || a === 1 || b === 1)) {
      throw new ShapeError(`losses.${fn}: 'weights' ${fmt(weights.shape)} does not broadcast against the losses ${fmt(losses.shape)}`, {
        op: `losses.${fn}`,
        shapes: [[...losses.shape], [...weights.shape]],
      });
    }
  }
}

function checkReduction(fn: string, reduction: unknown): Reduction {
  if (typeof reduction !== 'number' || !REDUCTIONS.has(reduction)) {
    throw new WgError(`losses.${fn}: 'reduction' must be one of Reduction.NONE, MEAN, SUM, SUM_BY_NONZERO_WEIGHTS (0–3), got ${String(reduction)}`, {
      op: `losses.${fn}`,
    });
  }
  return reduction as Reduction;
}

function checkNumber(fn: string, name: string, v: unknown, ok: (v: number) => boolean, what: string): number {
  if (typeof v !== 'number' || !ok(v)) throw new WgError(`losses.${fn}: '${name}' must be ${what}, got ${String(v)}`, { op: `losses.${fn}` });
  return v;
}

/** The number of elements as a float32 scalar tensor when a dimension is known only at run time. */
const countOf = (x: Tensor): Tensor => o.sum(o.onesLike(x));

function weighted(fn: string, losses: Tensor, weights: TensorLike | null | undefined, reduction: Reduction): Tensor {
  const w = weights === null || weights === undefined ? null : floatArg(fn, 'weights', weights);
  if (w) assertBroadcasts(fn, losses, w);
  const red = checkReduction(fn, reduction);
  const wl = w ? o.mul(losses, w) : losses;
  switch (red) {
    case Reduction.NONE:
      return wl;
    case Reduction.SUM:
      return o.sum(wl);
    case Reduction.MEAN: {
      if (!w) return o.mean(wl);
      const result = o.div(o.sum(wl), o.sum(w));
      if (losses.size >= 0 && w.size >= 0) {
        const factor = losses.size / w.size;
        return factor > 1 ? o.div(result, factor) : result;
      }
      return o.div(result, o.maximum(o.div(countOf(losses), countOf(w)), 1));
    }
    case Reduction.SUM_BY_NONZERO_WEIGHTS:
    default: {
      if (!w) return losses.size >= 0 ? o.div(o.sum(wl), losses.size) : o.mean(wl);
      const broadcast = o.mul(w, o.onesLike(losses));
      const nonZero = o.sum(o.cast(o.notEqual(broadcast, 0), 'float32'));
      return o.div(o.sum(wl), nonZero);
    }
  }
}

/**
 * Weights and reduces a tensor of losses: `losses · weights` (weights broadcast against it), then `reduction`
 * (default SUM_BY_NONZERO_WEIGHTS). TensorFlow.js's tf.losses.computeWeightedLoss.
 */
export function computeWeightedLoss(losses: Tensor, weights?: TensorLike | null, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor {
  return weighted('computeWeightedLoss', floatArg('computeWeightedLoss', 'losses', losses), weights, reduction);
}

/** Labels and predictions: float32 tensors of the same shape. */
function pair(fn: string, labels: unknown, predictions: unknown, lName = 'labels', pName = 'predictions'): [Tensor, Tensor] {
  const l = floatArg(fn, lName, labels);
  const p = floatArg(fn, pName, predictions);
  assertSameShape(fn, lName, l, pName, p);
  return [l, p];
}

/** (labels − predictions)², weighted and reduced. */
export function meanSquaredError(labels: TensorLike, predictions: TensorLike, weights?: TensorLike | null, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor {
  const [l, p] = pair('meanSquaredError', labels, predictions);
  return weighted('meanSquaredError', o.squaredDifference(l, p), weights, reduction);
}

/** |labels − predictions|, weighted and reduced. */
export function absoluteDifference(labels: TensorLike, predictions: TensorLike, weights?: TensorLike | null, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor {
  const [l, p] = pair('absoluteDifference', labels, predictions);
  return weighted('absoluteDifference', o.abs(o.sub(l, p)), weights, reduction);
}

/** Huber loss: ½e² where e = |predictions − labels| ≤ delta, delta·(e − ½delta) beyond; weighted and reduced. */
export function huberLoss(
  labels: TensorLike,
  predictions: TensorLike,
  weights?: TensorLike | null,
  delta = 1.0,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  const fn = 'huberLoss';
  const [l, p] = pair(fn, labels, predictions);
  checkNumber(fn, 'delta', delta, (v) => Number.isFinite(v) && v > 0, 'a finite number > 0');
  const error = o.abs(o.sub(p, l));
  const quadratic = o.minimum(error, delta);
  const linear = o.sub(error, quadratic);
  return weighted(fn, o.add(o.mul(o.square(quadratic), 0.5), o.mul(linear, delta)), weights, reduction);
}

/** Binary log loss −labels·log(predictions + ε) − (1 − labels)·log(1 − predictions + ε), weighted and reduced. */
export function logLoss(
  labels: TensorLike,
  predictions: TensorLike,
  weights?: TensorLike | null,
  epsilon = 1e-7,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  const fn = 'logLoss';
  const [l, p] = pair(fn, labels, predictions);
  checkNumber(fn, 'epsilon', epsilon, (v) => Number.isFinite(v) && v >= 0, 'a finite number ≥ 0');
  const pos = o.mul(l, o.log(o.add(p, epsilon)));
  const neg = o.mul(o.sub(1, l), o.log(o.add(o.sub(1, p), epsilon)));
  return weighted(fn, o.neg(o.add(pos, neg)), weights, reduction);
}

function smoothing(fn: string, v: unknown): number {
  return checkNumber(fn, 'labelSmoothing', v, (x) => x >= 0 && x <= 1, 'a number in [0, 1]');
}

/**
 * Sigmoid cross-entropy of independent binary labels (multiClassLabels in [0, 1]) and logits x, computed stably as
 * max(x, 0) − x·z + log(1 + exp(−|x|)). labelSmoothing s moves the labels to z·(1 − s) + s/2.
 */
export function sigmoidCrossEntropy(
  multiClassLabels: TensorLike,
  logits: TensorLike,
  weights?: TensorLike | null,
  labelSmoothing = 0,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  const fn = 'sigmoidCrossEntropy';
  let [z, x] = pair(fn, multiClassLabels, logits, 'multiClassLabels', 'logits');
  const s = smoothing(fn, labelSmoothing);
  if (s > 0) z = o.add(o.mul(z, 1 - s), 0.5 * s);
  const losses = o.add(o.sub(o.relu(x), o.mul(x, z)), o.log1p(o.exp(o.neg(o.abs(x)))));
  return weighted(fn, losses, weights, reduction);
}

/** −Σ labels·logSoftmax(logits) over the last axis: one loss per row. */
const softmaxCE = (labels: Tensor, logits: Tensor): Tensor => o.neg(o.sum(o.mul(labels, o.logSoftmax(logits, -1)), -1));

/**
 * Softmax cross-entropy of one-hot (or probability) labels [..., classes] and logits of the same shape, over the
 * last axis (via logSoftmax): one loss per row, then weighted (weights broadcast against [...]) and reduced.
 * labelSmoothing s moves the labels to y·(1 − s) + s/classes.
 */
export function softmaxCrossEntropy(
  onehotLabels: TensorLike,
  logits: TensorLike,
  weights?: TensorLike | null,
  labelSmoothing = 0,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  const fn = 'softmaxCrossEntropy';
  let [y, x] = pair(fn, onehotLabels, logits, 'onehotLabels', 'logits');
  if (x.rank < 1) throw new ShapeError(`losses.${fn}: 'logits' must have a class axis (rank ≥ 1), got a scalar`, { op: `losses.${fn}`, shapes: [[...x.shape]] });
  const s = smoothing(fn, labelSmoothing);
  if (s > 0) {
    const classes = x.shape[x.rank - 1];
    if (classes < 0) throw new ShapeError(`losses.${fn}: labelSmoothing needs the number of classes; 'logits' ${fmt(x.shape)} has it unknown`, { op: `losses.${fn}` });
    y = o.add(o.mul(y, 1 - s), s / classes);
  }
  return weighted(fn, softmaxCE(y, x), weights, reduction);
}

/**
 * TensorFlow's sparse softmax cross-entropy: int32 class ids `labels` [...] and `logits` [..., classes]; the loss
 * of row i is −logSoftmax(logits_i)[labels_i], then weighted and reduced. An id outside [0, classes) selects no
 * class (its loss is 0): ids are not read back to be checked.
 */
export function sparseSoftmaxCrossEntropy(
  labels: Tensor,
  logits: TensorLike,
  weights?: TensorLike | null,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  const fn = 'sparseSoftmaxCrossEntropy';
  const ids = tensorArg(fn, 'labels', labels);
  if (ids.dtype !== 'int32') {
    throw new DTypeError(`losses.${fn}: 'labels' must be int32 class ids, got ${ids.dtype} ${fmt(ids.shape)}`, { op: `losses.${fn}`, dtypes: [ids.dtype], shapes: [[...ids.shape]] });
  }
  const x = floatArg(fn, 'logits', logits);
  const lead = x.shape.slice(0, -1);
  if (x.rank < 1 || ids.rank !== lead.length || !ids.shape.every((d, i) => sameDim(d, lead[i]))) {
    throw new ShapeError(`losses.${fn}: 'labels' ${fmt(ids.shape)} must have the shape of 'logits' ${fmt(x.shape)} without its last (class) axis`, {
      op: `losses.${fn}`,
      shapes: [[...ids.shape], [...x.shape]],
    });
  }
  const classes = x.shape[x.rank - 1];
  if (classes < 0) throw new ShapeError(`losses.${fn}: 'logits' ${fmt(x.shape)} must have a known number of classes`, { op: `losses.${fn}` });
  return weighted(fn, softmaxCE(o.oneHot(ids, classes, 1, 0, 'float32'), x), weights, reduction);
}

/** 1 − Σ labels·predictions along `axis` (kept as size 1), for unit-normalised inputs; weighted and reduced. */
export function cosineDistance(
  labels: TensorLike,
  predictions: TensorLike,
  axis: number,
  weights?: TensorLike | null,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  const fn = 'cosineDistance';
  const [l, p] = pair(fn, labels, predictions);
  checkNumber(fn, 'axis', axis, (a) => Number.isInteger(a) && a >= -l.rank && a < l.rank, `an integer in [${-l.rank}, ${l.rank}) for shape ${fmt(l.shape)}`);
  return weighted(fn, o.sub(1, o.sum(o.mul(l, p), axis, true)), weights, reduction);
}

/** Hinge loss max(0, 1 − (2·labels − 1)·predictions) for labels in {0, 1}; weighted and reduced. */
export function hingeLoss(labels: TensorLike, predictions: TensorLike, weights?: TensorLike | null, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor {
  const fn = 'hingeLoss';
  const [l, p] = pair(fn, labels, predictions);
  const signed = o.sub(o.mul(l, 2), 1);
  return weighted(fn, o.relu(o.sub(1, o.mul(signed, p))), weights, reduction);
}
