// TensorFlow.js converter family "reduction".
import * as wg from '../../../index';
import type { Family, OpContext } from '../convert';
import { axesInput } from './common';

const reduce = (fn: (x: wg.Tensor, axis: number[], keepDims: boolean) => wg.Tensor) => (ctx: OpContext) =>
  fn(ctx.input(0), axesInput(ctx, 1), ctx.attrs.bool('keep_dims', false));

export const REDUCTION: Family = {
  excluded: {},
  ops: {
    Mean: reduce(wg.mean),
    Sum: reduce(wg.sum),
    Max: reduce(wg.max),
    Min: reduce(wg.min),
    Prod: reduce(wg.prod),
  },
};
