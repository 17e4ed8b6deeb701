// TensorFlow.js converter family "logical": comparisons, logical ops, Select/SelectV2 and BitwiseAnd.
// Comparisons and logic on known int32/bool values fold on the host (conditions computed from shapes).
import * as wg from '../../../index';
import type { Family, OpContext, OpConverter } from '../convert';
import { composite, foldElementwise } from './arithmetic';

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;
/** Whether two shapes are equal (a dimension not known while building a graph, < 0, matches any). */
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, k) => d === b[k] || d < 0 || b[k] < 0);

/** A comparison (bool result), folded on the host when its operands are known ints or bools. */
const compare = (fn: (a: wg.Tensor, b: wg.Tensor) => wg.Tensor, host: (a: number, b: number) => boolean, accepts: ('int32' | 'bool')[] = ['int32']): OpConverter => (ctx) =>
  foldElementwise(ctx, accepts, 'bool', (a, b) => Number(host(a, b))) ?? fn(ctx.input(0), ctx.input(1));

/** A logical op of bools, folded on the host when its operands are known. */
const logic = (fn: (a: wg.Tensor, b: wg.Tensor) => wg.Tensor, host: (a: number, b: number) => boolean): OpConverter => (ctx) =>
  foldElementwise(ctx, ['bool'], 'bool', (a, b) => Number(host(a, b))) ?? fn(ctx.input(0), ctx.input(1));

/**
 * TensorFlow's Select (v1): t and e of one shape; the condition a scalar, of that shape too, or (t of rank ≥ 1)
 * a vector choosing whole rows along the first dimension. No other broadcasting (SelectV2 broadcasts all three).
 */
function select(ctx: OpContext): wg.Tensor {
  const c = ctx.input(0);
  const t = ctx.input(1);
  const e = ctx.input(2);
  if (!sameShape(t.shape, e.shape)) throw ctx.error(`the two values must have the same shape, got ${fmt(t.shape)} and ${fmt(e.shape)}`);
  if (c.rank !== 0 && !sameShape(c.shape, t.shape)) {
    if (c.rank !== 1 || t.rank < 1 || !sameShape(c.shape, [t.shape[0]])) {
      throw ctx.error(`the condition's shape ${fmt(c.shape)} must be [] (one for all), the values' shape ${fmt(t.shape)} or [${t.shape[0] ?? ''}] (one per row)`);
    }
    const rows = c;
    return composite(() => wg.where(wg.reshape(rows, [rows.shape[0], ...new Array<number>(t.rank - 1).fill(1)]), t, e));
  }
  return wg.where(c, t, e);
}

/**
 * x & y for int32: each operand's bits 0..30 as 0/1 along a new last axis (floorDiv by 2^k, mod 2: floor division
 * shifts negative numbers arithmetically), the products summed with their weights, and bit 31 (the sign) added
 * back when both operands are negative. Folded on the host when both are known.
 */
function bitwiseAnd(ctx: OpContext): wg.Tensor {
  const folded = foldElementwise(ctx, ['int32'], 'int32', (a, b) => a & b);
  if (folded) return folded;
  const x = ctx.input(0);
  const y = ctx.input(1);
  if (x.dtype !== 'int32' || y.dtype !== 'int32') throw ctx.error(`BitwiseAnd takes integers, got ${x.dtype} and ${y.dtype}`);
  return composite(() => {
    const weights = wg.tensor(Array.from({ length: 31 }, (_, k) => 2 ** k), [31], 'int32');
    const bits = (v: wg.Tensor) => wg.mod(wg.floorDiv(wg.expandDims(v, -1), weights), 2);
    const low = wg.sum(wg.mul(wg.mul(bits(x), bits(y)), weights), -1);
    const bothNegative = wg.logicalAnd(wg.less(x, 0), wg.less(y, 0));
    return wg.where(bothNegative, wg.add(low, wg.scalar(-(2 ** 31), 'int32')), low);
  });
}

export const LOGICAL: Family = {
  excluded: {},
  ops: {
    Equal: compare(wg.equal, (a, b) => a === b, ['int32', 'bool']),
    NotEqual: compare(wg.notEqual, (a, b) => a !== b, ['int32', 'bool']),
    Greater: compare(wg.greater, (a, b) => a > b),
    GreaterEqual: compare(wg.greaterEqual, (a, b) => a >= b),
    Less: compare(wg.less, (a, b) => a < b),
    LessEqual: compare(wg.lessEqual, (a, b) => a <= b),
    LogicalAnd: logic(wg.logicalAnd, (a, b) => !!a && !!b),
    LogicalOr: logic(wg.logicalOr, (a, b) => !!a || !!b),
    LogicalNot: (ctx) => foldElementwise(ctx, ['bool'], 'bool', (a) => Number(!a)) ?? wg.logicalNot(ctx.input(0)),
    Select: select,
    SelectV2: (ctx) => wg.where(ctx.input(0), ctx.input(1), ctx.input(2)),
    BitwiseAnd: bitwiseAnd,
  },
};
