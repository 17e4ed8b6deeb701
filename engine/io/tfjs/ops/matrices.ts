// TensorFlow.js converter family "matrices": products (plain, batched, fused, Einstein sums), transposes, band parts.
import * as wg from '../../../index';
import type { Family, OpContext } from '../convert';
import { finish, fusion } from './fused';

function matMul(ctx: OpContext, a: string, b: string): wg.Tensor {
  return wg.matMul(ctx.input(0), ctx.input(1), ctx.attrs.bool(a, false), ctx.attrs.bool(b, false));
}

/**
 * MatrixBandPart: x's inner matrices with everything outside the band zeroed: element (i, j) kept where
 * (numLower < 0 or i − j ≤ numLower) and (numUpper < 0 or j − i ≤ numUpper). The mask is built on the host.
 */
function bandPart(ctx: OpContext): wg.Tensor {
  const x = ctx.input(0);
  if (x.rank < 2) throw ctx.error(`input must have rank ≥ 2 (matrices), got rank ${x.rank}`);
  const lower = ctx.number(1, 'num_lower');
  const upper = ctx.number(2, 'num_upper');
  const [m, n] = x.shape.slice(-2);
  if (lower > m) throw ctx.error(`num_lower ${lower} must be at most the number of rows ${m}`);
  if (upper > n) throw ctx.error(`num_upper ${upper} must be at most the number of columns ${n}`);
  const mask = new Array<number>(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) mask[i * n + j] = (lower < 0 || i - j <= lower) && (upper < 0 || j - i <= upper) ? 1 : 0;
  }
  const keep = wg.tensor(mask, [m, n], 'bool');
  const zero = wg.zerosLike(x);
  const y = wg.where(keep, x, zero);
  if (wg.executingEagerly()) (keep.dispose(), zero.dispose());
  return y;
}

export const MATRICES: Family = {
  excluded: {},
  ops: {
    Einsum: (ctx) => wg.einsum(ctx.attrs.string('equation'), ...ctx.inputs),
    MatrixBandPart: bandPart,
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
