// What gradient rules share (autodiff/rules*.ts): the rule type, and the helpers that sum a broadcast
// gradient back to an input's shape and expand a reduction's result against its input.
import { OPS } from '../api/registry';
import { Tensor } from '../core/tensor';

export type GradResult = unknown[];
// Rules index their arguments positionally, as the registry's schemas give them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GradRule = (dy: any, args: any[], out: any) => GradResult;

export const o = OPS;
export const T = (v: unknown): v is Tensor => v instanceof Tensor;

/** Sums `g` (the shape of a broadcast result) back to `shape`: the leading axes, then the size-1 axes. */
export function unbroadcast(g: Tensor, shape: readonly number[]): Tensor {
  if (g.rank === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  const summed = axes.length ? o.sum(g, axes, true) : g;
  return o.reshape(summed, [...shape]);
}

/**
 * Set by the backward pass while a rule runs: which inputs it needs gradients for (those on a path to a source).
 * Rules skip the others (eagerly they would be computed and thrown away: matMul's input gradient of an MLP's x).
 */
export const needed: { is?: (t: Tensor) => boolean } = {};

/** Does the backward pass want a gradient for `arg`: a float tensor on the path to a source? */
export const wants = (arg: unknown): arg is Tensor => T(arg) && arg.dtype === 'float32' && (needed.is === undefined || needed.is(arg));

/** The gradient for an elementwise operand: only where wanted, summed back to its shape. */
export const forArg = (arg: unknown, g: () => Tensor): Tensor | null => (wants(arg) ? unbroadcast(g(), arg.shape) : null);

/** Reduced axes, normalised (null/undefined: all). */
export function axesOf(axis: number | number[] | null | undefined, rank: number): number[] {
  if (axis === null || axis === undefined) return [...Array(rank).keys()];
  return (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
}

/** `y` (a reduction's result) reshaped so that it broadcasts against the input: the reduced axes kept as 1. */
export function expandReduced(y: Tensor, x: Tensor, axis: number | number[] | null | undefined): Tensor {
  const axes = new Set(axesOf(axis, x.rank));
  return o.reshape(y, x.shape.map((d, i) => (axes.has(i) ? 1 : d)));
}

/** Has `x` a dimension known only when the graph runs (a placeholder's null dimension: -1 while recording)? */
export const dynamic = (x: Tensor): boolean => x.shape.some((d) => d < 0);

/** A reduction's dy spread back over its input `x` (also when x has a dimension known only at run time). */
export function spread(dy: Tensor, x: Tensor, axis: number | number[] | null | undefined, keepDims: boolean | undefined): Tensor {
  const e = keepDims ? dy : expandReduced(dy, x, axis);
  return dynamic(x) ? o.mul(e, o.onesLike(x)) : o.broadcastTo(e, [...x.shape]);
}

export const unary = (f: (dy: Tensor, x: Tensor, y: Tensor) => Tensor): GradRule => (dy, [x], y) => [forArg(x, () => f(dy, x, y))];
export const float = (x: Tensor) => o.cast(x, 'float32');
export const mask = (cond: Tensor) => float(cond);
