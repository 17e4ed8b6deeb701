// TensorFlow.js converter family "normalization": batch normalisation (inference form), local response
// normalisation, Euclidean norm, softmax.
import * as wg from '../../../index';
import type { Family, OpContext } from '../convert';
import { perChannel } from './fused';

/**
 * FusedBatchNorm / V2 / V3 in inference form: y = (x − mean) · rsqrt(variance + epsilon) · scale + offset with the
 * given statistics, channels last (NHWC) or first (NCHW). Outputs as TensorFlow's inference kernel: y, then the
 * statistics it used (batch_mean, batch_variance, reserve spaces).
 */
function fusedBatchNorm(ctx: OpContext): wg.Tensor[] {
  if (ctx.attrs.bool('is_training', false)) {
    throw ctx.error('is_training=true (batch statistics, training mode) is not supported; only the inference form');
  }
  const f = ctx.attrs.string('data_format', 'NHWC');
  if (f !== 'NHWC' && f !== 'NCHW') throw ctx.error(`data_format '${f}' is not supported (NHWC or NCHW)`);
  const x = ctx.input(0);
  const [scale, offset, mean, variance] = [1, 2, 3, 4].map((i) => ctx.input(i));
  if (f === 'NCHW' && x.rank !== 4) throw ctx.error(`an NCHW input must be rank 4, got rank ${x.rank}`);
  const axis = f === 'NCHW' ? 1 : undefined;
  const shaped = [mean, variance, offset, scale].map((t) => perChannel(t, axis));
  const y = wg.batchNorm(x, shaped[0], shaped[1], shaped[2], shaped[3], ctx.attrs.float('epsilon', 1e-3));
  if (wg.executingEagerly()) shaped.forEach((t, k) => t !== [mean, variance, offset, scale][k] && t.dispose());
  const outs = [y, mean, variance, mean, variance];
  return ctx.node.op === 'FusedBatchNormV3' ? [...outs, mean] : outs;
}

export const NORMALIZATION: Family = {
  excluded: {},
  ops: {
    FusedBatchNorm: fusedBatchNorm,
    FusedBatchNormV2: fusedBatchNorm,
    FusedBatchNormV3: fusedBatchNorm,
    LRN: (ctx) =>
      wg.localResponseNormalization(ctx.input(0), ctx.attrs.int('depth_radius', 5), ctx.attrs.float('bias', 1), ctx.attrs.float('alpha', 1), ctx.attrs.float('beta', 0.5)),
    // sqrt(Σ x²) over the axes (none: |x|).
    EuclideanNorm: (ctx) => {
      const x = ctx.input(0);
      const axes = ctx.ints(1, 'axes').map((a) => (a < 0 ? a + x.rank : a));
      if (axes.some((a) => a < 0 || a >= x.rank)) throw ctx.error(`axes [${ctx.ints(1, 'axes').join(', ')}] out of range for rank ${x.rank}`);
      const keep = ctx.attrs.bool('keep_dims', false);
      if (x.dtype !== 'float32') throw ctx.error(`EuclideanNorm of ${x.dtype} is not supported (float32 only)`);
      if (axes.length === 0) return wg.abs(x);
      const sq = wg.square(x);
      const s = wg.sum(sq, [...new Set(axes)], keep);
      const y = wg.sqrt(s);
      if (wg.executingEagerly()) (sq.dispose(), s.dispose());
      return y;
    },
    Softmax: (ctx) => wg.softmax(ctx.input(0)),
    LogSoftmax: (ctx) => wg.logSoftmax(ctx.input(0)),
  },
};
