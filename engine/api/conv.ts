// Public convolutions: conv1d, conv2d, depthwiseConv2d, separableConv2d, conv2dTranspose, and the fused
// forms (wg.fused.conv2d / depthwiseConv2d / matMul) with a bias and an activation in one kernel.
// Every one is a call of the eager convolution entry (runConv: any strides, dilations, input dilation, NHWC or
// NCHW, depthwise, a fused epilogue) or of runMatmul, on views of the operands: a rank-3 input is a batch-of-1
// view, conv1d a height-1 view, conv2dTranspose a flipped, channel-swapped view of its filter read with input
// dilation. The checks (ranks, channels, strides, padding, TensorFlow.js's strides-or-dilations rule, bias and
// PReLU shapes) happen here, before anything runs.
import { family } from './define';
import { opt, p } from '../ops/registry';
import { ShapeError } from '../core/errors';
import { describe, fmtShape } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { view } from '../eager/dispatch';
import { type ConvSpec, runConv } from '../eager/dispatch_conv';
import { type Epilogue, runMatmul } from '../eager/dispatch_kernels';
import { prim } from '../ir/expr';
import { type FusedActivation, activationIR, checkActivation } from '../ops/activation';
import { type AxisGeometry, type DataFormat, type Padding, type RoundingMode, spatialGeometry, spatialInts } from '../ops/conv_util';
import { type Named, numericArg, shapeErr, toFloat, withShapes } from './spatial_args';

export type { FusedActivation } from '../ops/activation';

/** wg.fused.conv2d's and wg.fused.depthwiseConv2d's one argument (TensorFlow.js's object form). */
export interface FusedConv2DArgs {
  x: Tensor;
  filter: Tensor;
  strides: number | number[];
  pad: Padding;
  dataFormat?: DataFormat;
  dilations?: number | number[];
  dimRoundingMode?: RoundingMode;
  /** Added to the convolution: [outChannels], or any shape broadcasting to the output (NCHW: a scalar or 1-D). */
  bias?: Tensor | null;
  /** Default 'linear' (none). */
  activation?: FusedActivation;
  /** PReLU's slopes: a scalar or [outChannels], or broadcasting to the output; needed by 'prelu'. */
  preluActivationWeights?: Tensor | null;
  /** leakyrelu's slope (default 0.2). */
  leakyreluAlpha?: number;
}

/** wg.fused.matMul's one argument (TensorFlow.js's object form). */
export interface FusedMatMulArgs {
  a: Tensor;
  b: Tensor;
  transposeA?: boolean;
  transposeB?: boolean;
  /** Added to the product, broadcast against it (typically [outColumns]). */
  bias?: Tensor | null;
  activation?: FusedActivation;
  preluActivationWeights?: Tensor | null;
  leakyreluAlpha?: number;
}

// ---- shared checks ----------------------------------------------------------------------------------------

function checkFormat<F extends string>(op: string, v: unknown, allowed: readonly F[], ts: Named): F {
  if (!(allowed as readonly unknown[]).includes(v)) {
    throw shapeErr(op, `dataFormat must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${describe(v)}`, ts);
  }
  return v as F;
}

/**
 * dimRoundingMode with explicit padding: TensorFlow.js checks the value and then has no use for it (the sizes are
 * exact), as pooling does; with 'same'/'valid' it is an error (conv_util says so).
 */
function roundingFor(op: string, pad: unknown, rm: RoundingMode | null | undefined, ts: Named): RoundingMode | undefined {
  const r = rm ?? undefined;
  if (r === undefined || !Array.isArray(pad)) return r;
  if (r !== 'floor' && r !== 'round' && r !== 'ceil') throw shapeErr(op, `dimRoundingMode must be 'floor', 'round' or 'ceil', got ${describe(r)}`, ts);
  return undefined;
}

/** TensorFlow.js's rule for its named functions (the kernels accept both): strides or dilations all 1. */
function tfStridesOrDilations(op: string, tfName: string, s: number[], d: number[], given: [unknown, unknown], words: [string, string], ts: Named): void {
  if (s.some((v) => v > 1) && d.some((v) => v > 1)) {
    // TensorFlow.js's message, its values printed as it prints them (an array as 2,2).
    throw shapeErr(op, `Error in ${tfName}: Either ${words[0]} or ${words[1]} must be 1. Got ${words[0]} ${String(given[0])} and ${words[1]} '${String(given[1])}'`, ts);
  }
}

/** x as a rank-4 view (rank 3 gets a batch of 1). */
function rank4(op: string, x: Tensor, ts: Named, layout: string): Tensor {
  if (x.rank === 4) return x;
  if (x.rank === 3) return view(x, [1, ...x.shape], [0, ...x.strides]);
  throw shapeErr(op, `x must be rank 4 ${layout} or rank 3 (one image), got rank ${x.rank}`, ts);
}

/** A rank-4 result back to rank 3 (the caller's rank-3 input), disposing the rank-4 tensor. */
function dropBatch(y: Tensor): Tensor {
  const v = view(y, y.shape.slice(1), y.strides.slice(1));
  y.dispose();
  return v;
}

const disposeAll = (ts: Tensor[]) => ts.forEach((t) => t.dispose());

// ---- epilogues: bias and activation -------------------------------------------------------------------------

/** Whether `shape` broadcasts to exactly `out` (never growing it). */
const broadcastsTo = (shape: readonly number[], out: readonly number[]) =>
  shape.length <= out.length && shape.every((d, i) => d === 1 || d === out[out.length - shape.length + i]);

interface FusedParts {
  bias?: Tensor | null;
  activation?: FusedActivation | null;
  preluActivationWeights?: Tensor | null;
  leakyreluAlpha?: number;
}

/**
 * The epilogue of a fused op: (v + bias) then the activation, its tensors checked against the output `out`.
 * `channelAxis` (NCHW: 1) turns a scalar or 1-D bias or PReLU weight into [C, 1, 1], as TensorFlow.js aligns
 * them with the output channels; otherwise they broadcast against the output as they are.
 */
function fusedEpilogue(op: string, f: FusedParts, out: number[], channelAxis: number | undefined, ts: Named, owned: Tensor[]): Epilogue | undefined {
  const activation = checkActivation(op, f.activation ?? 'linear');
  const alpha = f.leakyreluAlpha ?? 0.2;
  if (typeof alpha !== 'number' || Number.isNaN(alpha)) throw shapeErr(op, `leakyreluAlpha must be a number, got ${describe(alpha)}`, ts);
  const outC = out[channelAxis ?? out.length - 1];
  /** Checks a bias or PReLU weight; returns how to read it (NCHW: a scalar or 1-D as [C, 1, 1]). */
  const check = (v: unknown, what: string): { t: Tensor; perChannel: boolean } => {
    const t = numericArg(op, v, what);
    const all: Named = [...ts, [what, t]];
    if (channelAxis !== undefined && t.rank <= 1) {
      const n = t.rank === 0 ? 1 : t.shape[0];
      if (n !== 1 && n !== outC) throw shapeErr(op, `${what} of shape ${fmtShape(t.shape)} must have 1 or ${outC} values, one per output channel`, all);
      return { t, perChannel: true };
    }
    if (channelAxis !== undefined && what === 'bias') {
      throw shapeErr(op, `an NCHW bias must be a scalar or 1-D [${outC}], got rank ${t.rank}`, all);
    }
    if (!broadcastsTo(t.shape, out)) {
      throw shapeErr(op, `${what} of shape ${fmtShape(t.shape)} does not broadcast to the output ${fmtShape(out)} (give [${outC}], one value per output channel)`, all);
    }
    return { t, perChannel: false };
  };
  const hasBias = f.bias !== undefined && f.bias !== null;
  const biasArg = hasBias ? check(f.bias, 'bias') : undefined;
  let weightsArg: { t: Tensor; perChannel: boolean } | undefined;
  if (activation === 'prelu') {
    if (f.preluActivationWeights === undefined || f.preluActivationWeights === null) {
      throw shapeErr(op, `activation 'prelu' needs preluActivationWeights (a scalar, [${outC}] or a tensor broadcasting to the output ${fmtShape(out)})`, ts);
    }
    weightsArg = check(f.preluActivationWeights, 'preluActivationWeights');
  }
  // Everything is checked: now the float32 operands and their [C, 1, 1] views.
  const operand = (a: { t: Tensor; perChannel: boolean } | undefined): Tensor | undefined => {
    if (!a) return undefined;
    const t = toFloat(op, a.t, owned);
    if (!a.perChannel) return t;
    const v3 = view(t, [t.rank === 0 ? 1 : t.shape[0], 1, 1], [t.rank === 0 ? 0 : t.strides[0], 0, 0]);
    owned.push(v3);
    return v3;
  };
  const bias = operand(biasArg);
  const weights = operand(weightsArg);
  if (!bias && activation === 'linear') return undefined;
  const act = activationIR(activation, alpha);
  return {
    name: [...(bias ? ['bias'] : []), ...(activation !== 'linear' ? [activation] : [])].join('+'),
    extras: [...(bias ? [bias] : []), ...(weights ? [weights] : [])],
    build: (v, extras, addParam) => act(bias ? prim('add', v, extras[0]) : v, bias ? extras.slice(1) : extras, addParam),
  };
}

// ---- conv2d and depthwiseConv2d (plain and fused) ---------------------------------------------------------

interface Conv2DCall {
  x: unknown;
  filter: unknown;
  strides: unknown;
  pad: Padding;
  dataFormat?: unknown;
  dilations?: unknown;
  dimRoundingMode?: RoundingMode | null;
}

/**
 * conv2d, depthwiseConv2d and their fused forms. `tfName` is the name TensorFlow.js's strides-or-dilations message
 * uses.
 */
function conv2dLike(op: string, tfName: string, depthwise: boolean, c: Conv2DCall, fused?: FusedParts): Tensor {
  const owned: Tensor[] = [];
  try {
    const x = numericArg(op, c.x, 'x');
    const filter = numericArg(op, c.filter, 'filter');
    const ts: Named = [['x', x], ['filter', filter]];
    const format = checkFormat<DataFormat>(op, c.dataFormat ?? 'NHWC', ['NHWC', 'NCHW'], ts);
    const cf = format === 'NCHW';
    const x4 = rank4(op, x, ts, cf ? '[batch, channels, height, width]' : '[batch, height, width, channels]');
    if (x4 !== x) owned.push(x4);
    const fLayout = depthwise ? '[filterHeight, filterWidth, inChannels, channelMultiplier]' : '[filterHeight, filterWidth, inChannels, outChannels]';
    if (filter.rank !== 4) throw shapeErr(op, `filter must be rank 4 ${fLayout}, got rank ${filter.rank}`, ts);
    const [N] = x4.shape;
    const [H, W, C] = cf ? [x4.shape[2], x4.shape[3], x4.shape[1]] : [x4.shape[1], x4.shape[2], x4.shape[3]];
    const [kH, kW, fC, fOut] = filter.shape;
    if (fC !== C) {
      throw shapeErr(op, `x has ${C} input channels but the filter ${fLayout} expects ${fC}`, ts);
    }
    if (kH < 1 || kW < 1) throw shapeErr(op, `the filter's height and width must be at least 1, got ${kH}×${kW}`, ts);
    const { s, d, rows, cols } = withShapes(op, ts, () => {
      const s = spatialInts(c.strides, 2, op, 'strides');
      const d = spatialInts(c.dilations ?? 1, 2, op, 'dilations');
      tfStridesOrDilations(op, tfName, s, d, [c.strides, c.dilations ?? [1, 1]], ['strides', 'dilations'], ts);
      const rm = roundingFor(op, c.pad, c.dimRoundingMode, ts);
      const [rows, cols] = spatialGeometry(op, [H, W], [kH, kW], s, d, c.pad, rm, cf ? [2, 3] : [1, 2]);
      return { s, d, rows, cols };
    });
    const outC = depthwise ? C * fOut : fOut;
    const out4 = cf ? [N, outC, rows.out, cols.out] : [N, rows.out, cols.out, outC];
    const epilogue = fused ? fusedEpilogue(op, fused, out4, cf ? 1 : undefined, ts, owned) : undefined;
    const spec: ConvSpec = {
      outSize: [rows.out, cols.out],
      strides: [s[0], s[1]],
      dilations: [d[0], d[1]],
      pads: [rows.before, rows.after, cols.before, cols.after],
      channelsFirst: cf,
      depthwise,
    };
    const y = runConv(op, toFloat(op, x4, owned), toFloat(op, filter, owned), spec, epilogue);
    return x.rank === 3 ? dropBatch(y) : y;
  } finally {
    disposeAll(owned);
  }
}

function conv2d$impl(
  x: Tensor,
  filter: Tensor,
  strides: number | number[],
  pad: Padding,
  dataFormat: DataFormat = 'NHWC',
  dilations: number | number[] = [1, 1],
  dimRoundingMode?: RoundingMode,
): Tensor {
  return conv2dLike('conv2d', 'conv2D', false, { x, filter, strides, pad, dataFormat, dilations, dimRoundingMode });
}

function depthwiseConv2d$impl(
  x: Tensor,
  filter: Tensor,
  strides: number | number[],
  pad: Padding,
  dataFormat: DataFormat = 'NHWC',
  dilations: number | number[] = [1, 1],
  dimRoundingMode?: RoundingMode,
): Tensor {
  return conv2dLike('depthwiseConv2d', 'depthwiseConv2d', true, { x, filter, strides, pad, dataFormat, dilations, dimRoundingMode });
}

/** The one options argument of a fused op: a plain object. */
function optionsArg<T>(op: string, args: unknown, example: string): T {
  const proto = args && typeof args === 'object' ? Object.getPrototypeOf(args) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    throw new ShapeError(`${op}: takes one options object (${example}), got ${describe(args)}`, { op });
  }
  return args as T;
}

function fusedConv2d$impl(args: FusedConv2DArgs): Tensor {
  const op = 'fused.conv2d';
  const a = optionsArg<FusedConv2DArgs>(op, args, "{x, filter, strides, pad, bias?, activation?…}");
  return conv2dLike(op, 'conv2D', false, a, a);
}

function fusedDepthwiseConv2d$impl(args: FusedConv2DArgs): Tensor {
  const op = 'fused.depthwiseConv2d';
  const a = optionsArg<FusedConv2DArgs>(op, args, "{x, filter, strides, pad, bias?, activation?…}");
  return conv2dLike(op, 'fused depthwiseConv2d', true, a, a);
}

// ---- conv1d -----------------------------------------------------------------------------------------------

function conv1d$impl(
  x: Tensor,
  filter: Tensor,
  stride: number,
  pad: Padding,
  dataFormat: 'NWC' | 'NCW' = 'NWC',
  dilation = 1,
  dimRoundingMode?: RoundingMode,
): Tensor {
  const op = 'conv1d';
  const owned: Tensor[] = [];
  try {
    const xt = numericArg(op, x, 'x');
    const f = numericArg(op, filter, 'filter');
    const ts: Named = [['x', xt], ['filter', f]];
    const cf = checkFormat(op, dataFormat ?? 'NWC', ['NWC', 'NCW'] as const, ts) === 'NCW';
    if (xt.rank !== 3 && xt.rank !== 2) {
      throw shapeErr(op, `x must be rank 3 ${cf ? '[batch, channels, width]' : '[batch, width, channels]'} or rank 2 (one signal), got rank ${xt.rank}`, ts);
    }
    const x3 = xt.rank === 3 ? xt : view(xt, [1, ...xt.shape], [0, ...xt.strides]);
    if (x3 !== xt) owned.push(x3);
    if (f.rank !== 3) throw shapeErr(op, `filter must be rank 3 [filterWidth, inChannels, outChannels], got rank ${f.rank}`, ts);
    const [N] = x3.shape;
    const [W, C] = cf ? [x3.shape[2], x3.shape[1]] : [x3.shape[1], x3.shape[2]];
    const [kW, fC, outC] = f.shape;
    if (fC !== C) throw shapeErr(op, `x has ${C} input channels but the filter [filterWidth, inChannels, outChannels] expects ${fC}`, ts);
    if (kW < 1) throw shapeErr(op, `the filter's width must be at least 1, got ${kW}`, ts);
    const { s, d, cols } = withShapes(op, ts, () => {
      const [s] = spatialInts(stride, 1, op, 'stride');
      const [d] = spatialInts(dilation ?? 1, 1, op, 'dilation');
      tfStridesOrDilations(op, 'conv1D', [s], [d], [stride, dilation ?? 1], ['stride', 'dilation'], ts);
      const rm = roundingFor(op, pad, dimRoundingMode, ts);
      // Explicit padding: one pair per dimension of the 3-D input, [0, 0] but for the width.
      return { s, d, cols: spatialGeometry(op, [W], [kW], [s], [d], pad, rm, [cf ? 2 : 1])[0] };
    });
    // A height-1 image: NWC → [N, 1, W, C], NCW → [N, C, 1, W]; the filter [1, kW, C, outC].
    const [sn, s1, s2] = x3.strides;
    const x4 = cf ? view(x3, [N, C, 1, W], [sn, s1, 0, s2]) : view(x3, [N, 1, W, C], [sn, 0, s1, s2]);
    const f4 = view(f, [1, kW, C, outC], [0, ...f.strides]);
    owned.push(x4, f4);
    const y = runConv(op, toFloat(op, x4, owned), toFloat(op, f4, owned), {
      outSize: [1, cols.out], strides: [1, s], dilations: [1, d], pads: [0, 0, cols.before, cols.after], channelsFirst: cf,
    });
    const [yn, y1, y2, y3] = y.strides;
    const y3d = cf ? view(y, [N, outC, cols.out], [yn, y1, y3]) : view(y, [N, cols.out, outC], [yn, y2, y3]);
    y.dispose();
    return xt.rank === 2 ? dropBatch(y3d) : y3d;
  } finally {
    disposeAll(owned);
  }
}

// ---- separableConv2d ----------------------------------------------------------------------------------------

function separableConv2d$impl(
  x: Tensor,
  depthwiseFilter: Tensor,
  pointwiseFilter: Tensor,
  strides: number | number[],
  pad: Padding,
  dilation: number | number[] = [1, 1],
  dataFormat: DataFormat = 'NHWC',
): Tensor {
  const op = 'separableConv2d';
  const owned: Tensor[] = [];
  try {
    const xt = numericArg(op, x, 'x');
    const df = numericArg(op, depthwiseFilter, 'depthwiseFilter');
    const pf = numericArg(op, pointwiseFilter, 'pointwiseFilter');
    const ts: Named = [['x', xt], ['depthwiseFilter', df], ['pointwiseFilter', pf]];
    const cf = checkFormat<DataFormat>(op, dataFormat ?? 'NHWC', ['NHWC', 'NCHW'], ts) === 'NCHW';
    const x4 = rank4(op, xt, ts, cf ? '[batch, channels, height, width]' : '[batch, height, width, channels]');
    if (x4 !== xt) owned.push(x4);
    if (df.rank !== 4) throw shapeErr(op, `depthwiseFilter must be rank 4 [filterHeight, filterWidth, inChannels, channelMultiplier], got rank ${df.rank}`, ts);
    if (pf.rank !== 4) throw shapeErr(op, `pointwiseFilter must be rank 4 [1, 1, inChannels·channelMultiplier, outChannels], got rank ${pf.rank}`, ts);
    const [H, W, C] = cf ? [x4.shape[2], x4.shape[3], x4.shape[1]] : [x4.shape[1], x4.shape[2], x4.shape[3]];
    const [kH, kW, fC, mult] = df.shape;
    if (fC !== C) throw shapeErr(op, `x has ${C} input channels but the depthwiseFilter expects ${fC}`, ts);
    if (kH < 1 || kW < 1) throw shapeErr(op, `the depthwiseFilter's height and width must be at least 1, got ${kH}×${kW}`, ts);
    if (pf.shape[0] !== 1 || pf.shape[1] !== 1) throw shapeErr(op, `pointwiseFilter must be 1×1 in its first two dimensions, got ${pf.shape[0]}×${pf.shape[1]}`, ts);
    if (pf.shape[2] !== C * mult) {
      throw shapeErr(op, `pointwiseFilter's third dimension must be inChannels·channelMultiplier = ${C}·${mult} = ${C * mult}, got ${pf.shape[2]}`, ts);
    }
    const { s, d, rows, cols } = withShapes(op, ts, () => {
      const s = spatialInts(strides, 2, op, 'strides');
      const d = spatialInts(dilation ?? 1, 2, op, 'dilation');
      // TensorFlow.js's separableConv2d runs its depthwiseConv2d, whose message this is.
      tfStridesOrDilations(op, 'depthwiseConv2d', s, d, [strides, dilation ?? [1, 1]], ['strides', 'dilations'], ts);
      const [rows, cols] = spatialGeometry(op, [H, W], [kH, kW], s, d, pad, undefined, cf ? [2, 3] : [1, 2]);
      return { s, d, rows, cols };
    });
    const mid = runConv(op, toFloat(op, x4, owned), toFloat(op, df, owned), {
      outSize: [rows.out, cols.out], strides: [s[0], s[1]], dilations: [d[0], d[1]],
      pads: [rows.before, rows.after, cols.before, cols.after], channelsFirst: cf, depthwise: true,
    });
    owned.push(mid);
    const y = runConv(op, mid, toFloat(op, pf, owned), {
      outSize: [rows.out, cols.out], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], channelsFirst: cf,
    });
    return xt.rank === 3 ? dropBatch(y) : y;
  } finally {
    disposeAll(owned);
  }
}

// ---- conv2dTranspose -------------------------------------------------------------------------------------------

/**
 * The gradient of conv2d with respect to its input (TensorFlow's conv2d backprop-input): the forward convolution
 * maps an `outputShape` image to x's size with `filter` [kH, kW, outDepth, inDepth]; this spreads x back. Computed
 * as a direct convolution of x read with input dilation = strides, by the filter flipped in space with its channel
 * axes swapped, padded kH − 1 − padTop (and kW − 1 − padLeft) before.
 */
function conv2dTranspose$impl(
  x: Tensor,
  filter: Tensor,
  outputShape: number[],
  strides: number | number[],
  pad: Padding,
  dimRoundingMode?: RoundingMode,
): Tensor {
  const op = 'conv2dTranspose';
  const owned: Tensor[] = [];
  try {
    const xt = numericArg(op, x, 'x');
    const f = numericArg(op, filter, 'filter');
    const ts: Named = [['x', xt], ['filter', f]];
    const x4 = rank4(op, xt, ts, '[batch, height, width, inDepth]');
    if (x4 !== xt) owned.push(x4);
    if (f.rank !== 4) throw shapeErr(op, `filter must be rank 4 [filterHeight, filterWidth, outDepth, inDepth], got rank ${f.rank}`, ts);
    if (!Array.isArray(outputShape) || outputShape.length !== xt.rank || !outputShape.every((v) => Number.isSafeInteger(v) && v >= 1)) {
      throw shapeErr(op, `outputShape must be ${xt.rank} positive integers (${xt.rank === 4 ? '[batch, height, width, outDepth]' : '[height, width, outDepth]'}, the rank of x), got ${describe(outputShape)}`, ts);
    }
    const out4 = outputShape.length === 4 ? outputShape : [1, ...outputShape];
    const [N, xH, xW, inDepth] = x4.shape;
    const [oN, oH, oW, outDepth] = out4;
    const [kH, kW, fOut, fIn] = f.shape;
    if (fIn !== inDepth) throw shapeErr(op, `x has ${inDepth} channels but the filter [filterHeight, filterWidth, outDepth, inDepth] expects ${fIn}`, ts);
    if (fOut !== outDepth) throw shapeErr(op, `outputShape ${fmtShape(outputShape)} has ${outDepth} channels but the filter [filterHeight, filterWidth, outDepth, inDepth] makes ${fOut}`, ts);
    if (oN !== N) throw shapeErr(op, `outputShape ${fmtShape(outputShape)} has batch ${oN} but x has ${N}`, ts);
    if (kH < 1 || kW < 1) throw shapeErr(op, `the filter's height and width must be at least 1, got ${kH}×${kW}`, ts);
    const { s, geo } = withShapes(op, ts, () => {
      const s = spatialInts(strides, 2, op, 'strides');
      const rm = roundingFor(op, pad, dimRoundingMode, ts);
      return { s, geo: spatialGeometry(op, [oH, oW], [kH, kW], s, [1, 1], pad, rm) };
    });
    if (geo[0].out !== xH || geo[1].out !== xW) {
      throw shapeErr(
        op,
        `x's spatial size ${xH}×${xW} does not match outputShape ${fmtShape(outputShape)}: a ${kH}×${kW} convolution with strides ${fmtShape(s)} and pad ${describe(pad)} ` +
          `makes ${geo[0].out}×${geo[1].out} of it`,
        ts,
      );
    }
    // Per axis: the padding before of the direct form, k − 1 − padBefore; where that is negative (a pad larger
    // than the filter), the result is computed from row 0 and the first `crop` rows dropped.
    const axis = (g: AxisGeometry, k: number, stride: number, inSize: number, outSize: number) => {
      const b = k - 1 - g.before;
      const crop = Math.max(0, -b);
      const before = Math.max(0, b);
      const size = outSize + crop;
      const span = (inSize - 1) * stride + 1;
      const after = Math.max(0, size - 1 + k - 1 - before - (span - 1));
      return { crop, before, after, size };
    };
    const r = axis(geo[0], kH, s[0], xH, oH);
    const c = axis(geo[1], kW, s[1], xW, oW);
    // filter'[a, b, i, o] = filter[kH − 1 − a, kW − 1 − b, o, i]
    const [f0, f1, f2, f3] = f.strides;
    const flipped = view(f, [kH, kW, fIn, fOut], [-f0, -f1, f3, f2], f.offset + (kH - 1) * f0 + (kW - 1) * f1);
    owned.push(flipped);
    const y = runConv(op, toFloat(op, x4, owned), toFloat(op, flipped, owned), {
      outSize: [r.size, c.size], strides: [1, 1], dilations: [1, 1], pads: [r.before, r.after, c.before, c.after], inDilations: [s[0], s[1]],
    });
    let out = y;
    if (r.crop || c.crop) {
      const st = y.strides;
      out = view(y, [N, oH, oW, outDepth], st, y.offset + r.crop * st[1] + c.crop * st[2]);
      y.dispose();
    }
    return xt.rank === 3 ? dropBatch(out) : out;
  } finally {
    disposeAll(owned);
  }
}

// ---- fused matMul -----------------------------------------------------------------------------------------------

function fusedMatMul$impl(args: FusedMatMulArgs): Tensor {
  const op = 'fused.matMul';
  const o = optionsArg<FusedMatMulArgs>(op, args, '{a, b, transposeA?, transposeB?, bias?, activation?…}');
  const owned: Tensor[] = [];
  try {
    const a = numericArg(op, o.a, 'a');
    const b = numericArg(op, o.b, 'b');
    const ts: Named = [['a', a], ['b', b]];
    const tA = o.transposeA ?? false;
    const tB = o.transposeB ?? false;
    if (typeof tA !== 'boolean' || typeof tB !== 'boolean') throw shapeErr(op, `transposeA and transposeB must be booleans, got ${describe(tA)} and ${describe(tB)}`, ts);
    if (a.rank < 2 || b.rank < 2) throw shapeErr(op, `a and b must have rank ≥ 2, got ranks ${a.rank} and ${b.rank}`, ts);
    const [aRows, aCols] = tA ? [a.shape[a.rank - 1], a.shape[a.rank - 2]] : [a.shape[a.rank - 2], a.shape[a.rank - 1]];
    const [bRows, bCols] = tB ? [b.shape[b.rank - 1], b.shape[b.rank - 2]] : [b.shape[b.rank - 2], b.shape[b.rank - 1]];
    if (aCols !== bRows) {
      throw shapeErr(op, `inner dimensions differ: ${aCols} vs ${bRows} (transposeA=${tA}, transposeB=${tB})`, ts);
    }
    const batchA = a.shape.slice(0, -2);
    const batchB = b.shape.slice(0, -2);
    const rank = Math.max(batchA.length, batchB.length);
    const batch = Array.from({ length: rank }, (_, i) => {
      const da = batchA[batchA.length - rank + i] ?? 1;
      const db = batchB[batchB.length - rank + i] ?? 1;
      if (da !== db && da !== 1 && db !== 1) throw shapeErr(op, `batch dimensions ${fmtShape(batchA)} and ${fmtShape(batchB)} do not broadcast`, ts);
      return da === 1 ? db : da;
    });
    const out = [...batch, aRows, bCols];
    const epilogue = fusedEpilogue(op, o, out, undefined, ts, owned);
    return runMatmul(toFloat(op, a, owned), toFloat(op, b, owned), tA, tB, op, epilogue);
  } finally {
    disposeAll(owned);
  }
}

// ---- the registry ------------------------------------------------------------------------------------------------

const CONV2D_PARAMS = [
  p('x', 'tensor'), p('filter', 'tensor'), p('strides', 'intOrInts'), p('pad', 'padding'), opt('dataFormat', 'dataFormat'),
  opt('dilations', 'intOrInts'), opt('dimRoundingMode', 'roundingMode'),
];

/** Convolutions (registry definitions). */
export const CONV_DEFS = family('conv', {
  conv1d: {
    doc: "1-D convolution of [batch, width, inChannels] ('NWC'; 'NCW' too) by a [filterWidth, inChannels, outChannels] filter; rank 2 is one signal.",
    params: [
      p('x', 'tensor'), p('filter', 'tensor'), p('stride', 'int'), p('pad', 'padding'), opt('dataFormat', 'dataFormat1d'),
      opt('dilation', 'int'), opt('dimRoundingMode', 'roundingMode'),
    ],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: conv1d$impl,
  },
  conv2d: {
    doc: "2-D convolution of NHWC (or NCHW) images by a [filterHeight, filterWidth, inChannels, outChannels] filter, TensorFlow.js's padding ('same', 'valid', a number, explicit pairs), strides and dilations; rank 3 is one image.",
    params: CONV2D_PARAMS,
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: conv2d$impl,
  },
  depthwiseConv2d: {
    doc: 'Depthwise 2-D convolution: each input channel convolved with its own [filterHeight, filterWidth] filters (filter [kH, kW, inChannels, multiplier]), giving inChannels·multiplier channels.',
    params: CONV2D_PARAMS,
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: depthwiseConv2d$impl,
  },
  separableConv2d: {
    doc: 'A depthwise convolution (filter [kH, kW, inChannels, multiplier]) then a pointwise 1×1 convolution (filter [1, 1, inChannels·multiplier, outChannels]).',
    params: [
      p('x', 'tensor'), p('depthwiseFilter', 'tensor'), p('pointwiseFilter', 'tensor'), p('strides', 'intOrInts'), p('pad', 'padding'),
      opt('dilation', 'intOrInts'), opt('dataFormat', 'dataFormat'),
    ],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: separableConv2d$impl,
  },
  conv2dTranspose: {
    doc: "Transposed 2-D convolution (conv2d's gradient with respect to its input): NHWC x by a [filterHeight, filterWidth, outDepth, inDepth] filter to `outputShape`.",
    params: [
      p('x', 'tensor'), p('filter', 'tensor'), p('outputShape', 'shape'), p('strides', 'intOrInts'), p('pad', 'padding'),
      opt('dimRoundingMode', 'roundingMode'),
    ],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: conv2dTranspose$impl,
  },
  fusedConv2d: {
    doc: "conv2d + bias + activation ('linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid') as one kernel: TensorFlow.js's fused.conv2d, one options object.",
    params: [p('args', 'fusedConvArgs')],
    returns: 'tensor',
    namespace: 'fused',
    differentiable: true,
    impl: fusedConv2d$impl,
  },
  fusedDepthwiseConv2d: {
    doc: "depthwiseConv2d + bias + activation as one kernel: TensorFlow.js's fused.depthwiseConv2d, one options object.",
    params: [p('args', 'fusedConvArgs')],
    returns: 'tensor',
    namespace: 'fused',
    differentiable: true,
    impl: fusedDepthwiseConv2d$impl,
  },
  fusedMatMul: {
    doc: "matMul + bias + activation in the matmul kernel: TensorFlow.js's fused.matMul, one options object {a, b, transposeA?, transposeB?, bias?, activation?…}.",
    params: [p('args', 'fusedMatMulArgs')],
    returns: 'tensor',
    namespace: 'fused',
    differentiable: true,
    impl: fusedMatMul$impl,
  },
});
