// TensorFlow.js converter family "evaluation": top-k, sorted search, and unique (data-dependent: ops/dynamic.ts).
import * as wg from '../../../index';
import type { Family, OpContext, OpConverter } from '../convert';
import { UNIQUE_OPS } from './dynamic';

/**
 * LowerBound / UpperBound (TensorFlow's searchsorted): for each value, the number of entries of its row of the
 * sorted sequence that are < it (lower) or ≤ it (upper), i.e. its insertion index. Rows: the leading dimensions,
 * shared by both inputs; computed as one comparison of every (value, entry) pair, summed (int32).
 */
function bound(side: 'lower' | 'upper') {
  return (ctx: OpContext): wg.Tensor => {
    const seq = ctx.input(0);
    const values = ctx.input(1);
    if (seq.rank < 1) throw ctx.error('the sorted sequence must have rank ≥ 1, got a scalar');
    const rowsDiffer = seq.shape.slice(0, -1).some((d, i) => d >= 0 && values.shape[i] >= 0 && d !== values.shape[i]);
    if (values.rank !== seq.rank || rowsDiffer) {
      throw ctx.error(`the sorted sequence [${seq.shape.join(', ')}] and the values [${values.shape.join(', ')}] must share their leading dimensions`);
    }
    const entries = wg.expandDims(seq, -2); // [..., 1, N]
    const probes = wg.expandDims(values, -1); // [..., M, 1]
    const before = side === 'lower' ? wg.less(entries, probes) : wg.lessEqual(entries, probes);
    return wg.cast(wg.sum(before, [seq.rank]), 'int32');
  };
}

/** Each translation run in a wg.tidy: what a composite makes on the way is freed eagerly, its outputs kept. */
const tidied = (ops: Record<string, OpConverter>): Record<string, OpConverter> =>
  Object.fromEntries(Object.entries(ops).map(([name, f]) => [name, (ctx: OpContext) => wg.tidy(() => f(ctx))]));

export const EVALUATION: Family = {
  excluded: {},
  ops: tidied({
    ...UNIQUE_OPS,
    TopKV2: (ctx) => {
      const k = ctx.number(1, 'k');
      const { values, indices } = wg.topk(ctx.input(0), k, ctx.attrs.bool('sorted', true));
      return [values, indices];
    },
    LowerBound: bound('lower'),
    UpperBound: bound('upper'),
  }),
};
