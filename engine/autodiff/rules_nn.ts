// Gradient rules: see autodiff/rules.ts for the contract (one gradient per argument, written with the public ops).
// Normalisation, dropout, the fused matMul, convolutions and pooling. Convolutions and pools are differentiated
// tap by tap (one filter position at a time, a JavaScript loop): the input under a tap is a strided slice of
// the padded input, and a tap's contribution to dx is spread back onto the padded grid by an interleave (pad
// + reshape) and a pad; so 'same', 'valid', numeric and explicit padding, strides, dilations and rounding
// modes all follow from the forward op's own geometry (ops/conv_util.ts), exactly.
import type { DifferentiableOp } from '../api/registry';
import type { PoolGeometry } from '../api/pool';
import type { Tensor } from '../core/tensor';
import { type AxisGeometry, type Padding, type RoundingMode, spatialGeometry, spatialInts } from '../ops/conv_util';
import { axesOf, expandReduced, forArg, mask, o, T, unbroadcast, type GradRule } from './grad_util';

/** The gradient of a statistic (batchNorm's mean, variance, offset, scale): summed to its shape, which may have extra leading 1s. */
function toStat(g: Tensor, s: unknown): Tensor | null {
  if (!T(s) || s.dtype !== 'float32') return null;
  const extra = s.rank - g.rank;
  if (extra <= 0) return unbroadcast(g, s.shape);
  return o.reshape(unbroadcast(g, s.shape.slice(extra)), [...s.shape]);
}

function batchNormRule(): GradRule {
  return (dy, [x, m0, v0, off0, sc0, eps = 0.001]) => {
    // Statistics of a higher rank than x (leading 1s) are read at x's rank.
    const fit = (s: unknown) => (T(s) && s.rank > x.rank ? o.reshape(s, s.shape.slice(s.rank - x.rank)) : s);
    const [mean, variance, offset, scale] = [m0, v0, off0, sc0].map(fit) as Tensor[];
    const r = o.rsqrt(o.add(variance, eps));
    const scaled = T(scale) ? o.mul(r, scale) : r;
    const centred = () => o.sub(x, mean);
    const dyScaled = () => o.mul(dy, scaled);
    return [
      T(x) && x.dtype === 'float32' ? o.broadcastTo(dyScaled(), [...x.shape]) : null,
      toStat(o.neg(o.broadcastTo(dyScaled(), [...x.shape])), m0),
      // d/dv (v + ε)^(−½) = −½ (v + ε)^(−3/2)
      toStat(o.mul(o.mul(dyScaled(), centred()), o.mul(o.square(r), -0.5)), v0),
      toStat(o.broadcastTo(dy, [...x.shape]), off0),
      toStat(o.mul(o.mul(dy, centred()), r), sc0),
    ];
  };
}

// ---- fused activations -----------------------------------------------------------------------------------

interface FusedLike {
  activation?: string;
  leakyreluAlpha?: number;
  preluActivationWeights?: Tensor | null;
}

/**
 * The gradient before the activation (dz), from `out` where it determines the derivative, else from the
 * pre-activation `z()` (recomputed with the fused op and 'linear'); and, for prelu, the weights' gradient
 * (dy·min(z, 0)-like, before summing to the weights' shape).
 */
function activationGrad(dy: Tensor, out: Tensor, a: FusedLike, z: () => Tensor): { dz: Tensor; dw?: Tensor } {
  switch (a.activation ?? 'linear') {
    case 'linear':
      return { dz: dy };
    case 'relu':
      return { dz: o.mul(dy, mask(o.greater(out, 0))) };
    case 'relu6':
      return { dz: o.mul(dy, mask(o.logicalAnd(o.greater(out, 0), o.less(out, 6)))) };
    case 'elu':
      return { dz: o.mul(dy, o.where(o.greater(out, 0), 1, o.add(out, 1))) };
    case 'sigmoid':
      return { dz: o.mul(dy, o.mul(out, o.sub(1, out))) };
    case 'leakyrelu':
      return { dz: o.mul(dy, o.where(o.greater(z(), 0), 1, a.leakyreluAlpha ?? 0.2)) };
    case 'prelu': {
      const zz = z();
      const pos = o.greater(zz, 0);
      return { dz: o.mul(dy, o.where(pos, 1, a.preluActivationWeights as Tensor)), dw: o.mul(dy, o.where(pos, 0, zz)) };
    }
    default:
      throw new Error(`gradient: unknown fused activation ${String(a.activation)}`);
  }
}

/** A bias's or PReLU weights' gradient; NCHW reads a scalar or 1-D one as [C, 1, 1]. */
function toOperand(g: Tensor, t: unknown, nchw: boolean): Tensor | null {
  if (!T(t) || t.dtype !== 'float32') return null;
  if (nchw && t.rank <= 1) return o.reshape(unbroadcast(g, [t.rank === 0 ? 1 : t.shape[0], 1, 1]), [...t.shape]);
  return unbroadcast(g, t.shape);
}

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

const isFloat = (t: unknown): t is Tensor => T(t) && t.dtype === 'float32';
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
  const direct = !depthwise && isFloat(x) && g.d[0] === 1 && g.d[1] === 1;
  const { dx: tapped, df } = convGrads(dy4, x4, filter, g, depthwise, isFloat(x) && !direct, isFloat(filter));
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

// ---- the table ---------------------------------------------------------------------------------------------------

export const NN_RULES = {
  // moments → { mean, variance } (dy: [dMean, dVariance]): ∂mean/∂x = 1/n, ∂var/∂x = 2(x − mean)/n.
  moments: ([dMean, dVar], [x, axes, keepDims = false], { mean }) => {
    const n = axesOf(axes ?? null, x.rank).reduce((s: number, a: number) => s * x.shape[a], 1);
    const expand = (t: Tensor) => (keepDims ? t : expandReduced(t, x, axes ?? null));
    const m = expand(mean);
    return [o.add(o.broadcastTo(o.div(expand(dMean), n), [...x.shape]), o.mul(expand(dVar), o.mul(o.sub(x, m), 2 / n)))];
  },
  // ---- normalisation ----
  layerNorm: (dy, [x, gamma, beta, eps = 1e-5]) => {
    // y = x̂·γ + β, x̂ = (x − μ)·r, r = (σ² + ε)^(−½) over the last axis:
    // dx = r·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), dx̂ = dy·γ.
    const mu = o.mean(x, -1, true);
    const c = o.sub(x, mu);
    const r = o.rsqrt(o.add(o.mean(o.square(c), -1, true), eps));
    const xh = o.mul(c, r);
    const lead = [...Array(x.rank - 1).keys()];
    const sumLead = (t: Tensor) => (lead.length ? o.sum(t, lead) : t);
    return [
      forArg(x, () => {
        const dxh = T(gamma) ? o.mul(dy, gamma) : dy;
        return o.mul(r, o.sub(o.sub(dxh, o.mean(dxh, -1, true)), o.mul(xh, o.mean(o.mul(dxh, xh), -1, true))));
      }),
      isFloat(gamma) ? sumLead(o.mul(dy, xh)) : null,
      isFloat(beta) ? sumLead(dy) : null,
      null,
    ];
  },
  batchNorm: batchNormRule(),
  batchNorm2d: batchNormRule(),
  batchNorm3d: batchNormRule(),
  batchNorm4d: batchNormRule(),
  // out = x / (1 − rate) where kept, 0 where dropped: the mask is where out ≠ 0 (x ≠ 0).
  dropout: (dy, [x, rate], out) => [forArg(x, () => (rate === 0 ? dy : o.where(o.equal(out, 0), 0, o.mul(dy, 1 / (1 - rate)))))],

  // ---- fused matMul ----
  fusedMatMul: (dy, [args], out) => {
    const a = args.a as Tensor;
    const b = args.b as Tensor;
    const ta = args.transposeA ?? false;
    const tb = args.transposeB ?? false;
    const { dz, dw } = activationGrad(dy, out, args, () => o.fusedMatMul({ a, b, transposeA: ta, transposeB: tb, bias: args.bias, activation: 'linear' }));
    const da = !ta ? o.matMul(dz, b, false, !tb) : o.matMul(b, dz, tb, true);
    const db = !tb ? o.matMul(a, dz, !ta, false) : o.matMul(dz, a, true, ta);
    return [
      {
        a: isFloat(a) ? unbroadcast(da, a.shape) : null,
        b: isFloat(b) ? unbroadcast(db, b.shape) : null,
        bias: toOperand(dz, args.bias, false),
        preluActivationWeights: dw ? toOperand(dw, args.preluActivationWeights, false) : null,
      },
    ];
  },

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
    const { dx, df } = convGrads(o.reshape(dy3, [N, 1, cols.out, O]), x4, o.reshape(filter, [1, kW, C, O]), g, false, isFloat(x), isFloat(filter));
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
    const [dmid, dpw] = conv2dGrads('separableConv2d', dy, mid, pointwiseFilter, 1, 'valid', dataFormat, 1, undefined, false);
    const [dx, ddw] = conv2dGrads('separableConv2d', dmid!, x, depthwiseFilter, strides, pad, dataFormat, dilation, undefined, true);
    return [dx, ddw, isFloat(pointwiseFilter) ? dpw : null];
  },
  conv2dTranspose: (dy, [x, filter, outputShape, strides, pad, rm]) => {
    // y is conv2d's input gradient for an outputShape input: dx is that conv2d of dy, and the filter's gradient
    // is conv2d's filter gradient with dy as the input and x as the output's gradient.
    const x4 = x.rank === 3 ? o.expandDims(x, 0) : x;
    const dy4 = dy.rank === 3 ? o.expandDims(dy, 0) : dy;
    const g = geo2d('conv2dTranspose', dy4, [filter.shape[0], filter.shape[1]], strides, 1, pad, rm);
    const { df } = convGrads(x4, dy4, filter, g, false, false, isFloat(filter));
    const dx = isFloat(x) ? o.conv2d(dy, filter, strides, pad, 'NHWC', 1, rm) : null;
    return [dx, df ?? null, null];
  },
  resizeBilinear: (dy, [images, size, alignCorners = false, halfPixelCenters = false]) => [
    forArg(images, () => resizeGrad(dy, images, size, (i, n) => bilinearMatrix(i, n, alignCorners, halfPixelCenters))),
  ],
  resizeNearestNeighbor: (dy, [images, size, alignCorners = false, halfPixelCenters = false]) => [
    forArg(images, () => resizeGrad(dy, images, size, (i, n) => nearestMatrix(i, n, alignCorners, halfPixelCenters))),
  ],
  localResponseNormalization: (dy, [x, depthRadius = 5, bias = 1, alpha = 1, beta = 0.5]) => [
    forArg(x, () => {
      // y_c = x_c·D_c^(−β), D_c = bias + α·Σ_{|k|≤r} x²_{c+k}:
      // dx_j = dy_j·D_j^(−β) − 2αβ·x_j·Σ_{|c−j|≤r} dy_c·x_c·D_c^(−β−1) (the window is symmetric).
      const C = x.shape[x.rank - 1];
      const r = Math.min(depthRadius, Math.max(C - 1, 0));
      const win = (t: Tensor) => {
        if (r === 0) return t;
        const p = o.pad(t, t.shape.map((_, i) => (i === t.rank - 1 ? [r, r] : [0, 0])) as [number, number][]);
        const parts: Tensor[] = [];
        for (let k = 0; k <= 2 * r; k++) parts.push(o.slice(p, t.shape.map((_, i) => (i === t.rank - 1 ? k : 0)), [...t.shape]));
        return o.addN(parts);
      };
      const D = o.add(o.mul(win(o.square(x)), alpha), bias);
      const Dpow = o.pow(D, -beta);
      const inner = win(o.div(o.mul(o.mul(dy, x), Dpow), D));
      return o.sub(o.mul(dy, Dpow), o.mul(o.mul(x, inner), 2 * alpha * beta));
    }),
  ],
  conv3d: (dy, [x, filter, strides, pad, , dilations]) => {
    const x5 = x.rank === 4 ? o.expandDims(x, 0) : x;
    const dy5 = dy.rank === 4 ? o.expandDims(dy, 0) : dy;
    const g = geoNd('conv3d', x5, filter.shape.slice(0, 3), strides, dilations, pad, undefined);
    const [C, O] = filter.shape.slice(3);
    const P = g.N * g.axes.reduce((a, q) => a * q.out, 1);
    const dyFlat = o.reshape(dy5, [P, O]);
    const xp = isFloat(filter) ? paddedNd(x5, g) : undefined;
    const dxParts: Tensor[] = [];
    const dfParts: Tensor[] = [];
    for (const t of tapsNd(g)) {
      const w = o.reshape(o.slice(filter, [...t, 0, 0], [1, 1, 1, C, O]), [C, O]);
      if (isFloat(x)) dxParts.push(untapNd(o.reshape(o.matMul(dyFlat, w, false, true), [g.N, ...g.axes.map((q) => q.out), C]), g, t));
      if (xp) dfParts.push(o.matMul(o.reshape(tapNd(xp, g, t), [P, C]), dyFlat, true, false));
    }
    const dx = isFloat(x) ? o.reshape(gatherNd(dxParts, g), [...x.shape]) : null;
    return [dx, xp ? o.reshape(o.stack(dfParts, 0), [...filter.shape]) : null];
  },
  maxPool3d: (dy, [x, k = 1, strides, pad, rm], out) => [forArg(x, () => pool3dGrad('max', dy, x, out, k, strides, pad, rm))],
  avgPool3d: (dy, [x, k = 1, strides, pad, rm], out) => [forArg(x, () => pool3dGrad('avg', dy, x, out, k, strides, pad, rm))],
  // The image's gradient (the boxes get none here; TensorFlow's CropAndResizeGradBoxes is not composed).
  cropAndResize: (dy, [image, boxes, boxInd, cropSize, method = 'bilinear']) => [
    forArg(image, () => cropAndResizeGrad(dy, image, boxes, boxInd, cropSize, method === 'nearest')),
    null,
    null,
  ],
  fusedConv2d: (dy, [args], out) => fusedConvRule('conv2d', false, dy, args, out),
  fusedDepthwiseConv2d: (dy, [args], out) => fusedConvRule('depthwiseConv2d', true, dy, args, out),

  // ---- pooling ----
  maxPool: (dy, [x, k, strides, pad, rm], out) => [forArg(x, () => poolGrad('max', dy, x, out, k, strides, 1, pad, rm, 'maxPool'))],
  avgPool: (dy, [x, k, strides, pad, rm], out) => [forArg(x, () => poolGrad('avg', dy, x, out, k, strides, 1, pad, rm, 'avgPool'))],
  pool: (dy, [x, k, type, pad, dilations, strides, rm], out) => [forArg(x, () => poolGrad(type, dy, x, out, k, strides, dilations, pad, rm, 'pool'))],
} satisfies Partial<Record<DifferentiableOp, GradRule>>;

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

// ---- resize: the adjoint of each axis's interpolation matrix ------------------------------------------------

/** The resize's source scale, as the forward op computes it (float32). */
const resizeScale = (i: number, n: number, align: boolean) => Math.fround(align && n > 1 ? (i - 1) / (n - 1) : i / n);

/** [outSize, inSize]: bilinear weights, the forward's float32 source coordinates. */
function bilinearMatrix(inSize: number, outSize: number, align: boolean, half: boolean): Float32Array {
  const m = new Float32Array(outSize * inSize);
  const scale = resizeScale(inSize, outSize, align);
  const f = Math.fround;
  for (let d = 0; d < outSize; d++) {
    const src = half ? f(f(f(d + 0.5) * scale) - 0.5) : f(d * scale);
    const fl = Math.floor(src);
    const lower = Math.min(Math.max(fl, 0), inSize - 1);
    const upper = Math.max(Math.min(Math.ceil(src), inSize - 1), 0);
    const w = f(src - fl);
    m[d * inSize + lower] += 1 - w;
    m[d * inSize + upper] += w;
  }
  return m;
}

/** [outSize, inSize]: one 1 per row, at the source the forward picks. */
function nearestMatrix(inSize: number, outSize: number, align: boolean, half: boolean): Float32Array {
  const m = new Float32Array(outSize * inSize);
  const scale = resizeScale(inSize, outSize, align);
  const f = Math.fround;
  for (let d = 0; d < outSize; d++) {
    const src = f((half ? f(d + 0.5) : d) * scale);
    const picked = Math.floor(align ? f(src + 0.5) : src);
    m[d * inSize + Math.max(Math.min(picked, inSize - 1), 0)] = 1;
  }
  return m;
}

/** dx = Aᵀ_H · dy · A_W per image and channel. */
function resizeGrad(dy: Tensor, x: Tensor, size: number[], matrix: (inSize: number, outSize: number) => Float32Array): Tensor {
  const hd = x.rank - 3;
  const [inH, inW] = [x.shape[hd], x.shape[hd + 1]];
  const [outH, outW] = size;
  const ah = o.tensor(matrix(inH, outH), [outH, inH]);
  const aw = o.tensor(matrix(inW, outW), [outW, inW]);
  // channels first: [..., C, outH, outW]
  const toCF = hd === 1 ? [0, 3, 1, 2] : [2, 0, 1];
  const fromCF = hd === 1 ? [0, 2, 3, 1] : [1, 2, 0];
  const g = o.matMul(o.matMul(ah, o.transpose(dy, toCF), true, false), aw);
  return o.transpose(g, fromCF);
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

// ---- cropAndResize: per box, the interpolation matrices built from the boxes with ops ---------------------------

/**
 * [B, crop, n]: each crop row's weights over the image rows (the forward's float32 source coordinate, its two
 * neighbours' weights or its nearest row; zero where the coordinate falls outside the image).
 */
function cropMatrix(lo: Tensor, hi: Tensor, n: number, crop: number, nearest: boolean): Tensor {
  const span = n - 1;
  const src =
    crop === 1
      ? o.mul(o.mul(o.add(lo, hi), 0.5), span)
      : o.add(o.mul(lo, span), o.mul(o.reshape(o.range(0, crop, 1, 'float32'), [1, crop]), o.div(o.mul(o.sub(hi, lo), span), crop - 1)));
  const s3 = o.reshape(o.broadcastTo(src, [lo.shape[0], crop]), [lo.shape[0], crop, 1]);
  const rows = o.reshape(o.range(0, n, 1, 'float32'), [1, 1, n]);
  const at = (idx: Tensor) => mask(o.equal(o.clipByValue(idx, 0, span), rows));
  const inside = mask(o.logicalAnd(o.greaterEqual(s3, 0), o.lessEqual(s3, span)));
  let m: Tensor;
  if (nearest) m = at(o.floor(o.add(s3, 0.5)));
  else {
    const fl = o.floor(s3);
    const w = o.sub(s3, fl);
    m = o.add(o.mul(at(fl), o.sub(1, w)), o.mul(at(o.ceil(s3)), w));
  }
  return o.mul(m, inside);
}

function cropAndResizeGrad(dy: Tensor, image: Tensor, boxes: Tensor, boxInd: Tensor, cropSize: number[], nearest: boolean): Tensor {
  const [N, H, W, C] = image.shape;
  const B = boxes.shape[0];
  const [ch, cw] = cropSize;
  const col = (j: number) => o.slice(boxes, [0, j], [B, 1]);
  const ay = o.expandDims(cropMatrix(col(0), col(2), H, ch, nearest), 1); // [B, 1, ch, H]
  const ax = o.expandDims(cropMatrix(col(1), col(3), W, cw, nearest), 1); // [B, 1, cw, W]
  // per box and channel: Aᵧᵀ · dy · Aₓ, [B, C, H, W]
  const g = o.matMul(o.matMul(ay, o.transpose(dy, [0, 3, 1, 2]), true, false), ax);
  // summed into each box's image
  const owner = mask(o.equal(o.reshape(o.cast(boxInd, 'int32'), [B, 1]), o.reshape(o.range(0, N, 1, 'int32'), [1, N])));
  const dx = o.matMul(owner, o.reshape(g, [B, C * H * W]), true, false);
  return o.transpose(o.reshape(dx, [N, C, H, W]), [0, 2, 3, 1]);
}
