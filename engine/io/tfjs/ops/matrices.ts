// TensorFlow.js converter family "matrices": products (plain, batched, fused) and transposes.
import * as wg from '../../../index';
import type { Family, OpContext } from '../convert';
import { finish, fusion } from './fused';

function matMul(ctx: OpContext, a: string, b: string): wg.Tensor {
  return wg.matMul(ctx.input(0), ctx.input(1), ctx.attrs.bool(a, false), ctx.attrs.bool(b, false));
}

export const MATRICES: Family = {
  excluded: {},
  ops: {
    MatMul: (ctx) => matMul(ctx, 'transpose_a', 'transpose_b'),
    BatchMatMul: (ctx) => matMul(ctx, 'adj_x', 'adj_y'),
    BatchMatMulV2: (ctx) => matMul(ctx, 'adj_x', 'adj_y'),
    _FusedMatMul: (ctx) => {
      const f = fusion(ctx);
      const y = wg.fused.matMul({
        a: ctx.input(0), b: ctx.input(1), transposeA: ctx.attrs.bool('transpose_a', false), transposeB: ctx.attrs.bool('transpose_b', false),
        bias: f.bias, activation: f.activation, preluActivationWeights: f.preluActivationWeights, leakyreluAlpha: f.leakyreluAlpha,
      });
      return finish(f, y);
    },
    Transpose: (ctx) => wg.transpose(ctx.input(0), ctx.ints(1, 'permutation')),
  },
};
