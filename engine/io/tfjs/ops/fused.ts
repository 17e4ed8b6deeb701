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
}

/** Reads fused_ops and the extra inputs (from input 2 on). */
export function fusion(ctx: OpContext): Fusion {
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
    const [scale, offset, mean, variance] = args;
    const epsilon = ctx.attrs.float('epsilon', 1e-3);
    const activate = activation(act, args[4] ?? null, alpha);
    return {
      bias: null, activation: 'linear', preluActivationWeights: null, leakyreluAlpha: alpha,
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
  if (wg.executingEagerly()) y.dispose();
  return out;
}
