// The fused_ops of _FusedConv2D, FusedDepthwiseConv2dNative and _FusedMatMul: a bias (BiasAdd) or a batch
// normalisation (FusedBatchNorm), then an activation. TensorFlow.js's fused kernels take a bias and one of its
// activations; anything else (FusedBatchNorm, Tanh) runs as plain ops after the product, which graph mode fuses.
import * as wg from '../../../index';
import type { OpContext } from '../convert';

type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'leakyrelu' | 'prelu' | 'sigmoid';
const ACTIVATIONS: Record<string, Activation> = { Relu: 'relu', Relu6: 'relu6', Elu: 'elu', LeakyRelu: 'leakyrelu', Prelu: 'prelu', Sigmoid: 'sigmoid' };
const AFTER: Record<string, (x: wg.Tensor) => wg.Tensor> = { Tanh: wg.tanh };

/** What the fused product needs: its bias, activation, and what to apply after it (FusedBatchNorm's normalisation). */
export interface Fusion {
  bias: wg.Tensor | null;
  activation: Activation;
  preluActivationWeights: wg.Tensor | null;
  leakyreluAlpha: number;
  /** Applied to the product when the fused ops are not TensorFlow.js's (batch norm, then the activation). */
  after?: (y: wg.Tensor) => wg.Tensor;
  /** Reshaped views made for `after`, freed by finish (eagerly). */
  temps?: wg.Tensor[];
}

/**
 * A per-channel 1-D argument (batch-norm statistics, PReLU weights) shaped to broadcast along `channelAxis` of a
 * rank-4 output (NCHW: axis 1 → [C, 1, 1]); unchanged for channels last.
 */
export function perChannel(t: wg.Tensor, channelAxis: number | undefined, rank = 4): wg.Tensor {
  if (channelAxis === undefined || t.rank !== 1) return t;
  return wg.reshape(t, [t.shape[0], ...new Array(rank - 1 - channelAxis).fill(1)]);
}

/** Reads fused_ops and the extra inputs (from input 2 on); `channelAxis` 1 for an NCHW product. */
export function fusion(ctx: OpContext, channelAxis?: number): Fusion {
  const ops = ctx.attrs.strings('fused_ops', []);
  const args = ctx.inputs.slice(2);
  const alpha = ctx.attrs.float('leakyrelu_alpha', 0.2);
  const [first, second, ...rest] = ops;
  if (rest.length) throw ctx.error(`fused_ops [${ops.join(', ')}] has more than two ops`);
  const act = second ?? (first && first !== 'BiasAdd' && first !== 'FusedBatchNorm' ? first : undefined);
  const base = first === 'BiasAdd' || first === 'FusedBatchNorm' ? first : undefined;
  if (act !== undefined && !(act in ACTIVATIONS) && !(act in AFTER)) throw ctx.error(`fused activation ${act} is not supported`);
  if (base === 'FusedBatchNorm') {
    // args: scale, offset, mean, variance (then PReLU's weights).
    if (args.length < 4) throw ctx.error(`FusedBatchNorm needs 4 arguments, got ${args.length}`);
    if (act === 'Prelu' && !args[4]) throw ctx.error('Prelu needs its weights as an argument');
    const shaped = args.slice(0, 5).map((t) => perChannel(t, channelAxis));
    const [scale, offset, mean, variance, weights] = shaped;
    const epsilon = ctx.attrs.float('epsilon', 1e-4);
    const activate = activation(act, weights ?? null, alpha);
    return {
      bias: null, activation: 'linear', preluActivationWeights: null, leakyreluAlpha: alpha, temps: shaped.filter((t, k) => t !== args[k]),
      after: (y) => activate(wg.batchNorm(y, mean, variance, offset, scale, epsilon)),
    };
  }
  const bias = base === 'BiasAdd' ? (args[0] ?? null) : null;
  if (base === 'BiasAdd' && !bias) throw ctx.error('BiasAdd needs a bias argument');
  if (act !== undefined && act in AFTER) return { bias, activation: 'linear', preluActivationWeights: null, leakyreluAlpha: alpha, after: AFTER[act] };
  const prelu = act === 'Prelu' ? (args[base ? 1 : 0] ?? null) : null;
  if (act === 'Prelu' && !prelu) throw ctx.error('Prelu needs its weights as an argument');
  return { bias, activation: act ? ACTIVATIONS[act] : 'linear', preluActivationWeights: prelu, leakyreluAlpha: alpha };
}

function activation(act: string | undefined, weights: wg.Tensor | null, alpha: number): (y: wg.Tensor) => wg.Tensor {
  switch (act) {
    case undefined: return (y) => y;
    case 'Relu': return wg.relu;
    case 'Relu6': return wg.relu6;
    case 'Elu': return wg.elu;
    case 'Sigmoid': return wg.sigmoid;
    case 'Tanh': return wg.tanh;
    case 'LeakyRelu': return (y) => wg.leakyRelu(y, alpha);
    case 'Prelu': return (y) => wg.prelu(y, weights!);
    default: throw new Error(`fused activation ${act}`);
  }
}

/** The fused product's output after what the fused ops add beyond TensorFlow.js's kernels (the product freed eagerly). */
export function finish(f: Fusion, y: wg.Tensor): wg.Tensor {
  if (!f.after) return y;
  const out = f.after(y);
  if (wg.executingEagerly()) for (const t of [y, ...(f.temps ?? [])]) t.dispose();
  return out;
}
