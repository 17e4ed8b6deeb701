// TensorFlow.js converter family "convolution": convolutions (plain and fused) and pooling, NHWC or NCHW.
import * as wg from '../../../index';
import type { Family, OpContext } from '../convert';
import { dataFormat, padding, spatial } from './common';
import { finish, fusion } from './fused';

/** The arguments every 2-D convolution reads from its node. */
function conv2dArgs(ctx: OpContext) {
  const format = dataFormat(ctx);
  return { format, strides: spatial(ctx, 'strides', format), dilations: spatial(ctx, 'dilations', format), pad: padding(ctx, format) };
}

function fusedConv(ctx: OpContext, depthwise: boolean): wg.Tensor {
  const { format, strides, dilations, pad } = conv2dArgs(ctx);
  const f = fusion(ctx);
  const args = { x: ctx.input(0), filter: ctx.input(1), strides, pad, dataFormat: format, dilations, bias: f.bias, activation: f.activation, preluActivationWeights: f.preluActivationWeights, leakyreluAlpha: f.leakyreluAlpha };
  return finish(f, depthwise ? wg.fused.depthwiseConv2d(args) : wg.fused.conv2d(args));
}

function pool(kind: 'max' | 'avg') {
  return (ctx: OpContext) => {
    const format = dataFormat(ctx);
    if (format !== 'NHWC') throw ctx.error('pooling in NCHW is not supported');
    const ksize = spatial(ctx, 'ksize', format);
    const strides = spatial(ctx, 'strides', format);
    const pad = padding(ctx, format);
    return kind === 'max' ? wg.maxPool(ctx.input(0), ksize, strides, pad) : wg.avgPool(ctx.input(0), ksize, strides, pad);
  };
}

export const CONVOLUTION: Family = {
  excluded: {},
  ops: {
    Conv2D: (ctx) => {
      const { format, strides, dilations, pad } = conv2dArgs(ctx);
      return wg.conv2d(ctx.input(0), ctx.input(1), strides, pad, format, dilations);
    },
    _FusedConv2D: (ctx) => fusedConv(ctx, false),
    DepthwiseConv2dNative: (ctx) => {
      const { format, strides, dilations, pad } = conv2dArgs(ctx);
      return wg.depthwiseConv2d(ctx.input(0), ctx.input(1), strides, pad, format, dilations);
    },
    FusedDepthwiseConv2dNative: (ctx) => fusedConv(ctx, true),
    MaxPool: pool('max'),
    AvgPool: pool('avg'),
  },
};
