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

/** float32's lowest finite value: the padding of max-like windows (never wins, stays finite when a filter is added). */
const LOWEST = -3.4028234663852886e38;

/** One axis of a window op: output size and padding before/after (TensorFlow's SAME/VALID rules). */
function windowAxis(size: number, k: number, stride: number, rate: number, same: boolean) {
  const ke = (k - 1) * rate + 1;
  const out = same ? Math.ceil(size / stride) : Math.ceil((size - ke + 1) / stride);
  const total = same ? Math.max((out - 1) * stride + ke - size, 0) : 0;
  return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
}

/**
 * The taps of a 2-D window op on NHWC x: for each filter position (dy, dx), row-major, the strided view of the
 * input (padded with LOWEST) it reads for every output position, [N, outH, outW, C].
 */
function windowTaps(ctx: OpContext, x: wg.Tensor, k: number[], strides: number[], rates: number[]) {
  if (x.rank !== 4) throw ctx.error(`input must be rank 4 [batch, height, width, channels], got rank ${x.rank}`);
  const p = ctx.attrs.string('padding');
  if (p !== 'SAME' && p !== 'VALID') throw ctx.error(`padding '${p}' is not supported (SAME or VALID)`);
  const [n, h, w, c] = x.shape;
  const rows = windowAxis(h, k[0], strides[0], rates[0], p === 'SAME');
  const cols = windowAxis(w, k[1], strides[1], rates[1], p === 'SAME');
  if (rows.out < 1 || cols.out < 1) throw ctx.error(`the window (${k.join('×')}, rates ${rates.join('×')}) is larger than the input ${h}×${w}`);
  const padded = rows.before + rows.after + cols.before + cols.after > 0;
  const xp = padded ? wg.pad(x, [[0, 0], [rows.before, rows.after], [cols.before, cols.after], [0, 0]], LOWEST) : x;
  const taps: wg.Tensor[] = [];
  for (let dy = 0; dy < k[0]; dy++) {
    for (let dx = 0; dx < k[1]; dx++) {
      const y0 = dy * rates[0];
      const x0 = dx * rates[1];
      taps.push(wg.stridedSlice(xp, [0, y0, x0, 0], [n, y0 + (rows.out - 1) * strides[0] + 1, x0 + (cols.out - 1) * strides[1] + 1, c], [1, strides[0], strides[1], 1]));
    }
  }
  return { taps, rows, cols };
}

/**
 * MaxPoolWithArgmax (NHWC): the maxima, and where each was read as a flat index into x, ((y · W) + x) · C + c
 * (plus b · H · W · C with include_batch_in_index); the first maximum in row-major window order on ties.
 */
function maxPoolWithArgmax(ctx: OpContext): wg.Tensor[] {
  const x = ctx.input(0);
  const k = spatialAttr(ctx, 'ksize', 2, false);
  const st = spatialAttr(ctx, 'strides', 2, false);
  const withBatch = ctx.attrs.bool('include_batch_in_index', false);
  return wg.tidy(() => {
    const { taps, rows, cols } = windowTaps(ctx, x, k, st, [1, 1]);
    const [n, h, w, c] = x.shape;
    const all = wg.stack(taps, 0);
    // Flat index of each output position's window origin (host), plus each tap's offset, picked by the argmax.
    const base = new Array<number>(n * rows.out * cols.out * c);
    let i = 0;
    for (let b = 0; b < n; b++) {
      for (let oy = 0; oy < rows.out; oy++) {
        for (let ox = 0; ox < cols.out; ox++) {
          const origin = ((withBatch ? b * h : 0) + oy * st[0] - rows.before) * w + ox * st[1] - cols.before;
          for (let ch = 0; ch < c; ch++) base[i++] = origin * c + ch;
        }
      }
    }
    const offsets = Array.from({ length: k[0] * k[1] }, (_, t) => (Math.floor(t / k[1]) * w + (t % k[1])) * c);
    const arg = wg.argMax(all, 0);
    const index = wg.add(wg.tensor(base, [n, rows.out, cols.out, c], 'int32'), wg.gather(wg.tensor(offsets, [offsets.length], 'int32'), arg));
    return [wg.max(all, 0), index];
  });
}

/**
 * Dilation2D (NHWC, filter [kH, kW, C]): grayscale morphological dilation, the max over each window of
 * x + filter, with strides and rates; SAME padding never wins.
 */
function dilation2d(ctx: OpContext): wg.Tensor {
  const x = ctx.input(0);
  const f = ctx.input(1);
  if (f.rank !== 3 || (x.rank === 4 && f.shape[2] !== x.shape[3])) {
    throw ctx.error(`filter must be [filterHeight, filterWidth, ${x.shape[3]}], got [${f.shape.join(', ')}]`);
  }
  const st = spatialAttr(ctx, 'strides', 2, false);
  const rates = spatialAttr(ctx, 'rates', 2, false);
  return wg.tidy(() => {
    const { taps } = windowTaps(ctx, x, [f.shape[0], f.shape[1]], st, rates);
    let acc: wg.Tensor | undefined;
    taps.forEach((tap, t) => {
      const weight = wg.reshape(wg.slice(f, [Math.floor(t / f.shape[1]), t % f.shape[1], 0], [1, 1, f.shape[2]]), [f.shape[2]]);
      const v = wg.add(tap, weight);
      acc = acc ? wg.maximum(acc, v) : v;
    });
    return acc!;
  });
}

export const CONVOLUTION: Family = {
  excluded: {},
  ops: {
    MaxPoolWithArgmax: maxPoolWithArgmax,
    Dilation2D: dilation2d,
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
