// TensorFlow.js converter family "convolution": convolutions (1-D, 2-D plain/fused/depthwise/transposed, 3-D) and
// pooling (2-D, 3-D), channels last or first.
//
// Explicit padding: TensorFlow's explicit_paddings lists [before, after] per dimension in the data layout's order
// (NCHW: batch, channels, height, width); wgflow's ops take the pairs in the same order, so they pass through
// unchanged. Where wgflow's op is channels-last only (pooling, the transposed convolution), a channels-first input
// is transposed to NHWC around it, and the pairs reordered with it.
import * as wg from '../../../index';
import type { Family, OpContext } from '../convert';
import { finish, fusion } from './fused';

type Layout = 'NHWC' | 'NCHW';
type Pad = 'same' | 'valid' | [number, number][];

const NCHW_TO_NHWC = [0, 2, 3, 1];
const NHWC_TO_NCHW = [0, 3, 1, 2];

/** The node's data_format among `allowed` (the first is the default). */
function format<F extends string>(ctx: OpContext, allowed: readonly F[]): F {
  const f = ctx.attrs.string('data_format', allowed[0]);
  if (!allowed.includes(f as F)) throw ctx.error(`data_format '${f}' is not supported (${allowed.join(' or ')})`);
  return f as F;
}

/** The spatial entries of a TensorFlow per-dimension attribute (strides, dilations, ksize): `n` of them, 1s when absent. */
function spatialAttr(ctx: OpContext, name: string, n: number, channelsFirst: boolean): number[] {
  const v = ctx.attrs.ints(name, new Array(n + 2).fill(1));
  if (v.length !== n + 2) throw ctx.error(`attribute '${name}' must have ${n + 2} entries, got [${v.join(', ')}]`);
  if (v[0] !== 1 || v[channelsFirst ? 1 : n + 1] !== 1) {
    throw ctx.error(`attribute '${name}' [${v.join(', ')}] must be 1 in the batch and channel dimensions`);
  }
  return channelsFirst ? v.slice(2) : v.slice(1, n + 1);
}

/** TensorFlow's padding as wgflow's: 'same', 'valid', or the explicit pairs in the data layout's order (rank `rank`). */
function pad(ctx: OpContext, rank: number, explicitAllowed = true): Pad {
  const p = ctx.attrs.string('padding');
  if (p === 'SAME') return 'same';
  if (p === 'VALID') return 'valid';
  if (p !== 'EXPLICIT' || !explicitAllowed) throw ctx.error(`padding '${p}' is not supported (SAME, VALID${explicitAllowed ? ' or EXPLICIT' : ''})`);
  const e = ctx.attrs.ints('explicit_paddings', []);
  if (e.length !== 2 * rank) throw ctx.error(`explicit_paddings must have ${2 * rank} entries, got [${e.join(', ')}]`);
  return Array.from({ length: rank }, (_, k) => [e[2 * k], e[2 * k + 1]] as [number, number]);
}

/** Explicit NCHW pairs reordered to NHWC ('same'/'valid' unchanged). */
const padToNhwc = (p: Pad): Pad => (Array.isArray(p) ? NCHW_TO_NHWC.map((k) => p[k]) : p);

const NCDHW_TO_NDHWC = [0, 2, 3, 4, 1];
const NDHWC_TO_NCDHW = [0, 4, 1, 2, 3];

/** Runs a channels-last op on a channels-first input (rank 4 or 5): transposed in and out (views; the op copies). */
function channelsLast(x: wg.Tensor, run: (x: wg.Tensor) => wg.Tensor, rank = 4): wg.Tensor {
  const xt = wg.transpose(x, rank === 4 ? NCHW_TO_NHWC : NCDHW_TO_NDHWC);
  const y = run(xt);
  const out = wg.transpose(y, rank === 4 ? NHWC_TO_NCHW : NDHWC_TO_NCDHW);
  if (wg.executingEagerly()) {
    xt.dispose();
    y.dispose();
  }
  return out;
}

/** The arguments every 2-D convolution reads from its node. */
function conv2dArgs(ctx: OpContext) {
  const fmt = format<Layout>(ctx, ['NHWC', 'NCHW']);
  const cf = fmt === 'NCHW';
  return { fmt, strides: spatialAttr(ctx, 'strides', 2, cf), dilations: spatialAttr(ctx, 'dilations', 2, cf), pad: pad(ctx, 4) };
}

function fusedConv(ctx: OpContext, depthwise: boolean): wg.Tensor {
  const { fmt, strides, dilations, pad } = conv2dArgs(ctx);
  const f = fusion(ctx, fmt === 'NCHW' ? 1 : undefined);
  const args = {
    x: ctx.input(0), filter: ctx.input(1), strides, pad, dataFormat: fmt, dilations,
    bias: f.bias, activation: f.activation, preluActivationWeights: f.preluActivationWeights, leakyreluAlpha: f.leakyreluAlpha,
  };
  return finish(f, depthwise ? wg.fused.depthwiseConv2d(args) : wg.fused.conv2d(args));
}

function depthwise(ctx: OpContext): wg.Tensor {
  const { fmt, strides, dilations, pad } = conv2dArgs(ctx);
  return wg.depthwiseConv2d(ctx.input(0), ctx.input(1), strides, pad, fmt, dilations);
}

/** MaxPool / AvgPool: NHWC, or NCHW through transposes; MaxPool also takes EXPLICIT padding. */
function pool(kind: 'max' | 'avg') {
  return (ctx: OpContext) => {
    const fmt = format<Layout>(ctx, ['NHWC', 'NCHW']);
    const cf = fmt === 'NCHW';
    const ksize = spatialAttr(ctx, 'ksize', 2, cf);
    const strides = spatialAttr(ctx, 'strides', 2, cf);
    const p = pad(ctx, 4, kind === 'max');
    const run = (x: wg.Tensor, q: Pad) => (kind === 'max' ? wg.maxPool(x, ksize, strides, q) : wg.avgPool(x, ksize, strides, q));
    return cf ? channelsLast(ctx.input(0), (x) => run(x, padToNhwc(p))) : run(ctx.input(0), p);
  };
}

/** MaxPool3D / AvgPool3D: NDHWC, or NCDHW through transposes. */
function pool3d(kind: 'max' | 'avg') {
  return (ctx: OpContext) => {
    const fmt = format(ctx, ['NDHWC', 'NCDHW'] as const);
    const cf = fmt === 'NCDHW';
    const ksize = spatialAttr(ctx, 'ksize', 3, cf);
    const strides = spatialAttr(ctx, 'strides', 3, cf);
    const p = pad(ctx, 5, false);
    const run = (x: wg.Tensor) => (kind === 'max' ? wg.maxPool3d(x, ksize, strides, p) : wg.avgPool3d(x, ksize, strides, p));
    return cf ? channelsLast(ctx.input(0), run, 5) : run(ctx.input(0));
  };
}

export const CONVOLUTION: Family = {
  excluded: {
    MaxPoolWithArgmax: "needs the argmax of each pooling window as flat indices; wgflow's maxPool returns only the maxima (no argmax output)",
    Dilation2D: 'morphological dilation (max of input + filter over each window) has no wgflow op yet',
  },
  ops: {
    Conv1D: (ctx) => {
      const fmt = format(ctx, ['NWC', 'NCW'] as const);
      const p = pad(ctx, 3, false);
      return wg.conv1d(ctx.input(0), ctx.input(1), ctx.attrs.int('stride', 1), p, fmt, ctx.attrs.int('dilation', 1));
    },
    Conv2D: (ctx) => {
      const { fmt, strides, dilations, pad } = conv2dArgs(ctx);
      return wg.conv2d(ctx.input(0), ctx.input(1), strides, pad, fmt, dilations);
    },
    _FusedConv2D: (ctx) => fusedConv(ctx, false),
    DepthwiseConv2d: depthwise,
    DepthwiseConv2dNative: depthwise,
    FusedDepthwiseConv2dNative: (ctx) => fusedConv(ctx, true),
    // Inputs: input_sizes (the output's shape), filter, out_backprop.
    Conv2DBackpropInput: (ctx) => {
      const { fmt, strides, dilations, pad: p } = conv2dArgs(ctx);
      if (dilations.some((d) => d !== 1)) throw ctx.error(`dilations [${dilations.join(', ')}] are not supported (only 1)`);
      const sizes = ctx.ints(0, 'input_sizes');
      if (sizes.length !== 4) throw ctx.error(`input_sizes must have 4 entries, got [${sizes.join(', ')}]`);
      const filter = ctx.input(1);
      if (fmt === 'NHWC') return wg.conv2dTranspose(ctx.input(2), filter, sizes, strides, p);
      const nhwc = NCHW_TO_NHWC.map((k) => sizes[k]);
      return channelsLast(ctx.input(2), (x) => wg.conv2dTranspose(x, filter, nhwc, strides, padToNhwc(p)));
    },
    Conv3D: (ctx) => {
      const cf = format(ctx, ['NDHWC', 'NCDHW'] as const) === 'NCDHW';
      const strides = spatialAttr(ctx, 'strides', 3, cf);
      const dilations = spatialAttr(ctx, 'dilations', 3, cf);
      const p = pad(ctx, 5, false);
      const run = (x: wg.Tensor) => wg.conv3d(x, ctx.input(1), strides, p, 'NDHWC', dilations);
      return cf ? channelsLast(ctx.input(0), run, 5) : run(ctx.input(0));
    },
    MaxPool: pool('max'),
    AvgPool: pool('avg'),
    MaxPool3D: pool3d('max'),
    AvgPool3D: pool3d('avg'),
  },
};
