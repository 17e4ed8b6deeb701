// Gradient rules: see autodiff/rules.ts for the contract (one gradient per argument, written with the public ops).
// Convolutions and pools. Most are differentiated tap by tap (one filter position at a time, a JavaScript
// loop): the input under a tap is a strided slice of the padded input, and a tap's contribution to dx is spread
// back onto the padded grid by an interleave (pad + reshape) and a pad; so 'same', 'valid', numeric and explicit
// padding, strides, dilations and rounding modes all follow from the forward op's own geometry
// (ops/conv_util.ts), exactly. An undilated conv2d's dx is conv2dTranspose (one kernel).
import type { DifferentiableOp } from '../api/registry';
import type { PoolGeometry } from '../api/pool';
import type { Tensor } from '../core/tensor';
import { type AxisGeometry, type Padding, type RoundingMode, spatialGeometry, spatialInts } from '../ops/conv_util';
import { forArg, mask, o, T, wants, type GradRule } from './grad_util';
import { activationGrad, toOperand, type FusedLike } from './rules_nn';

// ---- convolutions and pools, tap by tap --------------------------------------------------------------------

/** A pool's or convolution's geometry (api/pool.ts), and the padded grid the taps read. */
interface Geo extends PoolGeometry {
  /** The padded grid, large enough for every tap's slice. */
  Hp: number;
  Wp: number;
}

function geo(x4: Tensor, k: number[], s: number[], d: number[], rows: AxisGeometry, cols: AxisGeometry): Geo {
  const [N, H, W, C] = x4.shape;
  const Hp = Math.max(H + rows.before + rows.after, (k[0] - 1) * d[0] + (rows.out - 1) * s[0] + 1, H + rows.before);
  const Wp = Math.max(W + cols.before + cols.after, (k[1] - 1) * d[1] + (cols.out - 1) * s[1] + 1, W + cols.before);
  return { N, H, W, C, k: [k[0], k[1]], s: [s[0], s[1]], d: [d[0], d[1]], rows, cols, Hp, Wp };
}

function geo2d(op: string, x4: Tensor, k: number[], strides: unknown, dilations: unknown, pad: Padding, rm: RoundingMode | undefined): Geo {
  const s = spatialInts(strides ?? 1, 2, op, 'strides');
  const d = spatialInts(dilations ?? 1, 2, op, 'dilations');
  const roundingMode = Array.isArray(pad) ? undefined : (rm ?? undefined);
  const [rows, cols] = spatialGeometry(op, [x4.shape[1], x4.shape[2]], k, s, d, pad, roundingMode);
  return geo(x4, k, s, d, rows, cols);
}

/** x padded onto the grid (zeros). */
const padded = (x4: Tensor, g: Geo): Tensor =>
  o.pad(x4, [[0, 0], [g.rows.before, g.Hp - g.H - g.rows.before], [g.cols.before, g.Wp - g.W - g.cols.before], [0, 0]]);

/** What tap (a, b) reads for every output position: [N, outH, outW, C]. */
function tap(xp: Tensor, g: Geo, a: number, b: number): Tensor {
  const r0 = a * g.d[0];
  const c0 = b * g.d[1];
  return o.stridedSlice(xp, [0, r0, c0, 0], [xp.shape[0], r0 + (g.rows.out - 1) * g.s[0] + 1, c0 + (g.cols.out - 1) * g.s[1] + 1, xp.shape[3]], [1, g.s[0], g.s[1], 1]);
}

/** tap's adjoint: [N, outH, outW, C] placed where tap (a, b) read it on the padded grid, zeros elsewhere. */
function untap(c: Tensor, g: Geo, a: number, b: number): Tensor {
  const [N, oH, oW, C] = c.shape;
  let u = c;
  if (g.s[0] > 1 || g.s[1] > 1) {
    // Interleave zeros: row i lands on row i·s.
    u = o.reshape(o.pad(o.reshape(c, [N, oH, 1, oW, 1, C]), [[0, 0], [0, 0], [0, g.s[0] - 1], [0, 0], [0, g.s[1] - 1], [0, 0]]), [N, oH * g.s[0], oW * g.s[1], C]);
    u = o.slice(u, [0, 0, 0, 0], [N, (oH - 1) * g.s[0] + 1, (oW - 1) * g.s[1] + 1, C]);
  }
  const r0 = a * g.d[0];
  const c0 = b * g.d[1];
  return o.pad(u, [[0, 0], [r0, g.Hp - r0 - u.shape[1]], [c0, g.Wp - c0 - u.shape[2]], [0, 0]]);
}

/** The sum of the taps' contributions (on the padded grid), cropped back to the input. */
function gather(parts: Tensor[], g: Geo): Tensor {
  const sum = parts.length === 1 ? parts[0] : o.addN(parts);
  return o.slice(sum, [0, g.rows.before, g.cols.before, 0], [g.N, g.H, g.W, sum.shape[3]]);
}

const taps = (g: Geo): [number, number][] => {
  const out: [number, number][] = [];
  for (let a = 0; a < g.k[0]; a++) for (let b = 0; b < g.k[1]; b++) out.push([a, b]);
  return out;
};

/**
 * conv2d's (and depthwiseConv2d's) gradients for NHWC x4 [N, H, W, C], filter4 [kH, kW, C, O or M] and dy4
 * [N, outH, outW, O or C·M].
 */
function convGrads(dy4: Tensor, x4: Tensor, f4: Tensor, g: Geo, depthwise: boolean, wantDx: boolean, wantDf: boolean): { dx?: Tensor; df?: Tensor } {
  const [kH, kW, C, O] = f4.shape;
  const P = g.N * g.rows.out * g.cols.out;
  const xp = wantDf ? padded(x4, g) : undefined;
  const dyFlat = depthwise ? o.reshape(dy4, [g.N, g.rows.out, g.cols.out, C, O]) : o.reshape(dy4, [P, O]);
  const dxParts: Tensor[] = [];
  const dfParts: Tensor[] = [];
  for (const [a, b] of taps(g)) {
    const w = o.reshape(o.slice(f4, [a, b, 0, 0], [1, 1, C, O]), [C, O]);
    if (depthwise) {
      if (wantDx) dxParts.push(untap(o.sum(o.mul(dyFlat, w), -1), g, a, b));
      if (wantDf) dfParts.push(o.sum(o.mul(o.expandDims(tap(xp!, g, a, b), -1), dyFlat), [0, 1, 2]));
    } else {
      if (wantDx) dxParts.push(untap(o.reshape(o.matMul(dyFlat, w, false, true), [g.N, g.rows.out, g.cols.out, C]), g, a, b));
      if (wantDf) dfParts.push(o.matMul(o.reshape(tap(xp!, g, a, b), [P, C]), dyFlat, true, false));
    }
  }
  return {
    dx: wantDx ? gather(dxParts, g) : undefined,
    df: wantDf ? o.reshape(o.stack(dfParts, 0), [kH, kW, C, O]) : undefined,
  };
}

const nhwc = (t: Tensor) => o.transpose(t, [0, 2, 3, 1]);
const nchw = (t: Tensor) => o.transpose(t, [0, 3, 1, 2]);

/** conv2d / depthwiseConv2d: rank 3 or 4, NHWC or NCHW. */
function conv2dGrads(
  op: string,
  dy: Tensor,
  x: Tensor,
  filter: Tensor,
  strides: unknown,
  pad: Padding,
  dataFormat: string | undefined,
  dilations: unknown,
  rm: RoundingMode | undefined,
  depthwise: boolean,
  wantX = wants(x),
  wantF = wants(filter),
): [Tensor | null, Tensor | null] {
  const cf = dataFormat === 'NCHW';
  let x4 = x.rank === 3 ? o.expandDims(x, 0) : x;
  let dy4 = dy.rank === 3 ? o.expandDims(dy, 0) : dy;
  if (cf) {
    x4 = nhwc(x4);
    dy4 = nhwc(dy4);
  }
  // Explicit NCHW pairs, reordered as NHWC's.
  const pads = cf && Array.isArray(pad) ? ([pad[0], pad[2], pad[3], pad[1]] as Padding) : pad;
  const g = geo2d(op, x4, [filter.shape[0], filter.shape[1]], strides, dilations, pads, rm);
  // dx of an undilated convolution is conv2dTranspose (one kernel, as TensorFlow's backprop-input); otherwise,
  // and for depthwise filters, the taps give it.
  const direct = !depthwise && wantX && g.d[0] === 1 && g.d[1] === 1;
  const { dx: tapped, df } = convGrads(dy4, x4, filter, g, depthwise, wantX && !direct, wantF);
  const dx = direct ? o.conv2dTranspose(dy4, filter, [...x4.shape], g.s, pads, Array.isArray(pads) ? undefined : rm) : tapped;
  let dxOut: Tensor | null = null;
  if (dx) {
    const back = cf ? nchw(dx) : dx;
    dxOut = x.rank === 3 ? o.reshape(back, [...x.shape]) : back;
  }
  return [dxOut, df ?? null];
}

// ---- pools ---------------------------------------------------------------------------------------------------

/** maxPool / avgPool / pool: NHWC rank 3 or 4. */
function poolGrad(type: 'max' | 'avg', dy: Tensor, x: Tensor, out: Tensor, k: unknown, strides: unknown, dilations: unknown, pad: Padding, rm: RoundingMode | undefined, op: string): Tensor {
  const x4 = x.rank === 3 ? o.expandDims(x, 0) : x;
  const dy4 = dy.rank === 3 ? o.expandDims(dy, 0) : dy;
  const out4 = out.rank === 3 ? o.expandDims(out, 0) : out;
  const g = geo2d(op, x4, spatialInts(k, 2, op, 'filterSize'), strides, dilations, pad, rm);
  const parts: Tensor[] = [];
  if (type === 'max') {
    // TensorFlow: each window's gradient goes to its maximum (here: to every tap equal to it; ties are rare).
    const xp = padded(x4, g);
    for (const [a, b] of taps(g)) parts.push(untap(o.mul(dy4, mask(o.equal(tap(xp, g, a, b), out4))), g, a, b));
  } else {
    // Each output is the mean of the taps inside the input: dy / count to each of them.
    const ones = padded(o.onesLike(o.slice(x4, [0, 0, 0, 0], [1, g.H, g.W, 1])), g);
    const count = o.addN(taps(g).map(([a, b]) => tap(ones, g, a, b)));
    const share = o.div(dy4, count);
    for (const [a, b] of taps(g)) parts.push(untap(share, g, a, b));
  }
  const dx = gather(parts, g);
  return x.rank === 3 ? o.reshape(dx, [...x.shape]) : dx;
}

// ---- 3-D: the same taps over any number of spatial axes --------------------------------------------------------

interface AxisNd extends AxisGeometry {
  size: number;
  k: number;
  s: number;
  d: number;
  /** The padded size, large enough for every tap's slice. */
  P: number;
}
interface GeoNd {
  N: number;
  C: number;
  axes: AxisNd[];
}

function geoNd(op: string, x: Tensor, k: number[], strides: unknown, dilations: unknown, pad: Padding, rm: RoundingMode | undefined): GeoNd {
  const n = k.length;
  const sizes = x.shape.slice(1, 1 + n);
  const s = spatialInts(strides ?? 1, n, op, 'strides');
  const d = spatialInts(dilations ?? 1, n, op, 'dilations');
  const geos = spatialGeometry(op, sizes, k, s, d, pad, Array.isArray(pad) ? undefined : (rm ?? undefined));
  const axes = geos.map((q, i) => ({
    ...q, size: sizes[i], k: k[i], s: s[i], d: d[i],
    P: Math.max(sizes[i] + q.before + q.after, (k[i] - 1) * d[i] + (q.out - 1) * s[i] + 1, sizes[i] + q.before),
  }));
  return { N: x.shape[0], C: x.shape[x.rank - 1], axes };
}

const paddedNd = (x: Tensor, g: GeoNd): Tensor => o.pad(x, [[0, 0], ...g.axes.map((q) => [q.before, q.P - q.size - q.before] as [number, number]), [0, 0]]);

function tapsNd(g: GeoNd): number[][] {
  let out: number[][] = [[]];
  for (const q of g.axes) out = out.flatMap((t) => Array.from({ length: q.k }, (_, a) => [...t, a]));
  return out;
}

function tapNd(xp: Tensor, g: GeoNd, t: number[]): Tensor {
  const begin = g.axes.map((q, i) => t[i] * q.d);
  return o.stridedSlice(
    xp,
    [0, ...begin, 0],
    [xp.shape[0], ...g.axes.map((q, i) => begin[i] + (q.out - 1) * q.s + 1), xp.shape[xp.rank - 1]],
    [1, ...g.axes.map((q) => q.s), 1],
  );
}

function untapNd(c: Tensor, g: GeoNd, t: number[]): Tensor {
  const C = c.shape[c.rank - 1];
  let u = c;
  if (g.axes.some((q) => q.s > 1)) {
    const outs = g.axes.map((q) => q.out);
    const split = o.reshape(c, [g.N, ...outs.flatMap((v) => [v, 1]), C]);
    const spread = o.pad(split, [[0, 0], ...g.axes.flatMap((q) => [[0, 0], [0, q.s - 1]] as [number, number][]), [0, 0]]);
    u = o.reshape(spread, [g.N, ...g.axes.map((q) => q.out * q.s), C]);
    u = o.slice(u, u.shape.map(() => 0), [g.N, ...g.axes.map((q) => (q.out - 1) * q.s + 1), C]);
  }
  return o.pad(u, [[0, 0], ...g.axes.map((q, i) => [t[i] * q.d, q.P - t[i] * q.d - u.shape[i + 1]] as [number, number]), [0, 0]]);
}

function gatherNd(parts: Tensor[], g: GeoNd): Tensor {
  const sum = parts.length === 1 ? parts[0] : o.addN(parts);
  return o.slice(sum, [0, ...g.axes.map((q) => q.before), 0], [g.N, ...g.axes.map((q) => q.size), sum.shape[sum.rank - 1]]);
}

function pool3dGrad(type: 'max' | 'avg', dy: Tensor, x: Tensor, out: Tensor, k: unknown, strides: unknown, pad: Padding, rm: RoundingMode | undefined): Tensor {
  const op = type === 'max' ? 'maxPool3d' : 'avgPool3d';
  const x5 = x.rank === 4 ? o.expandDims(x, 0) : x;
  const dy5 = dy.rank === 4 ? o.expandDims(dy, 0) : dy;
  const out5 = out.rank === 4 ? o.expandDims(out, 0) : out;
  const g = geoNd(op, x5, spatialInts(k, 3, op, 'filterSize'), strides, 1, pad, rm);
  const parts: Tensor[] = [];
  if (type === 'max') {
    const xp = paddedNd(x5, g);
    for (const t of tapsNd(g)) parts.push(untapNd(o.mul(dy5, mask(o.equal(tapNd(xp, g, t), out5))), g, t));
  } else {
    const ones = paddedNd(o.onesLike(o.slice(x5, [0, 0, 0, 0, 0], [1, ...g.axes.map((q) => q.size), 1])), g);
    const count = o.addN(tapsNd(g).map((t) => tapNd(ones, g, t)));
    const share = o.div(dy5, count);
    for (const t of tapsNd(g)) parts.push(untapNd(share, g, t));
  }
  return o.reshape(gatherNd(parts, g), [...x.shape]);
}

function fusedConvRule(op: string, depthwise: boolean, dy: Tensor, args: Record<string, unknown> & FusedLike, out: Tensor): unknown[] {
  const x = args.x as Tensor;
  const filter = args.filter as Tensor;
  const cf = args.dataFormat === 'NCHW';
  const fused = depthwise ? o.fusedDepthwiseConv2d : o.fusedConv2d;
  const z = () => fused({ ...(args as never as Parameters<typeof fused>[0]), activation: 'linear', preluActivationWeights: undefined });
  // NCHW reads a scalar or 1-D PReLU weight as [C, 1, 1].
  const w = args.preluActivationWeights;
  const wv = cf && T(w) && w.rank <= 1 ? o.reshape(w, [w.rank === 0 ? 1 : w.shape[0], 1, 1]) : w;
  const { dz, dw } = activationGrad(dy, out, { ...args, preluActivationWeights: wv }, z);
  const [dx, df] = conv2dGrads(op, dz, x, filter, args.strides, args.pad as Padding, args.dataFormat as string | undefined, args.dilations, args.dimRoundingMode as RoundingMode | undefined, depthwise);
  return [
    {
      x: dx,
      filter: df,
      bias: toOperand(dz, args.bias, cf),
      preluActivationWeights: dw ? toOperand(dw, args.preluActivationWeights, cf) : null,
    },
  ];
}


// ---- the table ---------------------------------------------------------------------------------------------------

export const CONV_RULES = {
  // ---- convolutions ----
  conv2d: (dy, [x, filter, strides, pad, dataFormat, dilations, rm]) => conv2dGrads('conv2d', dy, x, filter, strides, pad, dataFormat, dilations, rm, false),
  depthwiseConv2d: (dy, [x, filter, strides, pad, dataFormat, dilations, rm]) =>
    conv2dGrads('depthwiseConv2d', dy, x, filter, strides, pad, dataFormat, dilations, rm, true),
  conv1d: (dy, [x, filter, stride, pad, dataFormat, dilation = 1, rm]) => {
    // A height-1 conv2d; the width's geometry is conv1d's own (a numeric pad pads the width only).
    const cf = dataFormat === 'NCW';
    let x3 = x.rank === 2 ? o.expandDims(x, 0) : x;
    let dy3 = dy.rank === 2 ? o.expandDims(dy, 0) : dy;
    if (cf) {
      x3 = o.transpose(x3, [0, 2, 1]);
      dy3 = o.transpose(dy3, [0, 2, 1]);
    }
    const [N, W, C] = x3.shape;
    const [kW, , O] = filter.shape;
    const x4 = o.reshape(x3, [N, 1, W, C]);
    const roundingMode = Array.isArray(pad) ? undefined : (rm ?? undefined);
    const [cols] = spatialGeometry('conv1d', [W], [kW], [stride], [dilation], pad, roundingMode);
    const g = geo(x4, [1, kW], [1, stride], [1, dilation], { out: 1, before: 0, after: 0 }, cols);
    const { dx, df } = convGrads(o.reshape(dy3, [N, 1, cols.out, O]), x4, o.reshape(filter, [1, kW, C, O]), g, false, wants(x), wants(filter));
    let dxOut: Tensor | null = null;
    if (dx) {
      let d3 = o.reshape(dx, [N, W, C]);
      if (cf) d3 = o.transpose(d3, [0, 2, 1]);
      dxOut = o.reshape(d3, [...x.shape]);
    }
    return [dxOut, df ? o.reshape(df, [...filter.shape]) : null];
  },
  separableConv2d: (dy, [x, depthwiseFilter, pointwiseFilter, strides, pad, dilation, dataFormat]) => {
    // A depthwise convolution (recomputed) then a 1×1 convolution.
    const mid = o.depthwiseConv2d(x, depthwiseFilter, strides, pad, dataFormat, dilation);
    const below = wants(x) || wants(depthwiseFilter);
    const [dmid, dpw] = conv2dGrads('separableConv2d', dy, mid, pointwiseFilter, 1, 'valid', dataFormat, 1, undefined, false, below);
    const [dx, ddw] = below ? conv2dGrads('separableConv2d', dmid!, x, depthwiseFilter, strides, pad, dataFormat, dilation, undefined, true) : [null, null];
    return [dx, ddw, dpw];
  },
  conv2dTranspose: (dy, [x, filter, outputShape, strides, pad, rm]) => {
    // y is conv2d's input gradient for an outputShape input: dx is that conv2d of dy, and the filter's gradient
    // is conv2d's filter gradient with dy as the input and x as the output's gradient.
    const x4 = x.rank === 3 ? o.expandDims(x, 0) : x;
    const dy4 = dy.rank === 3 ? o.expandDims(dy, 0) : dy;
    const g = geo2d('conv2dTranspose', dy4, [filter.shape[0], filter.shape[1]], strides, 1, pad, rm);
    const { df } = convGrads(x4, dy4, filter, g, false, false, wants(filter));
    const dx = wants(x) ? o.conv2d(dy, filter, strides, pad, 'NHWC', 1, rm) : null;
    return [dx, df ?? null, null];
  },
  conv3d: (dy, [x, filter, strides, pad, , dilations]) => {
    const x5 = x.rank === 4 ? o.expandDims(x, 0) : x;
    const dy5 = dy.rank === 4 ? o.expandDims(dy, 0) : dy;
    const g = geoNd('conv3d', x5, filter.shape.slice(0, 3), strides, dilations, pad, undefined);
    const [C, O] = filter.shape.slice(3);
    const P = g.N * g.axes.reduce((a, q) => a * q.out, 1);
    const dyFlat = o.reshape(dy5, [P, O]);
    const xp = wants(filter) ? paddedNd(x5, g) : undefined;
    const dxParts: Tensor[] = [];
    const dfParts: Tensor[] = [];
    for (const t of tapsNd(g)) {
      const w = o.reshape(o.slice(filter, [...t, 0, 0], [1, 1, 1, C, O]), [C, O]);
      if (wants(x)) dxParts.push(untapNd(o.reshape(o.matMul(dyFlat, w, false, true), [g.N, ...g.axes.map((q) => q.out), C]), g, t));
      if (xp) dfParts.push(o.matMul(o.reshape(tapNd(xp, g, t), [P, C]), dyFlat, true, false));
    }
    const dx = wants(x) ? o.reshape(gatherNd(dxParts, g), [...x.shape]) : null;
    return [dx, xp ? o.reshape(o.stack(dfParts, 0), [...filter.shape]) : null];
  },
  maxPool3d: (dy, [x, k = 1, strides, pad, rm], out) => [forArg(x, () => pool3dGrad('max', dy, x, out, k, strides, pad, rm))],
  avgPool3d: (dy, [x, k = 1, strides, pad, rm], out) => [forArg(x, () => pool3dGrad('avg', dy, x, out, k, strides, pad, rm))],
  fusedConv2d: (dy, [args], out) => fusedConvRule('conv2d', false, dy, args, out),
  fusedDepthwiseConv2d: (dy, [args], out) => fusedConvRule('depthwiseConv2d', true, dy, args, out),

  // ---- pooling ----
  maxPool: (dy, [x, k, strides, pad, rm], out) => [forArg(x, () => poolGrad('max', dy, x, out, k, strides, 1, pad, rm, 'maxPool'))],
  avgPool: (dy, [x, k, strides, pad, rm], out) => [forArg(x, () => poolGrad('avg', dy, x, out, k, strides, 1, pad, rm, 'avgPool'))],
  pool: (dy, [x, k, type, pad, dilations, strides, rm], out) => [forArg(x, () => poolGrad(type, dy, x, out, k, strides, dilations, pad, rm, 'pool'))],
} satisfies Partial<Record<DifferentiableOp, GradRule>>;
