// Gradient rules: see autodiff/rules.ts for the contract (one gradient per argument, written with the public ops).
// Normalisation, dropout, the fused matMul's activations, LRN, resize and cropAndResize. Convolutions and pools
// are in rules_conv.ts.
import type { DifferentiableOp } from '../api/registry';
import type { Tensor } from '../core/tensor';
import { axesOf, expandReduced, forArg, mask, o, T, unbroadcast, wants, type GradRule } from './grad_util';

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

export interface FusedLike {
  activation?: string;
  leakyreluAlpha?: number;
  preluActivationWeights?: Tensor | null;
}

/**
 * The gradient before the activation (dz), from `out` where it determines the derivative, else from the
 * pre-activation `z()` (recomputed with the fused op and 'linear'); and, for prelu, the weights' gradient
 * (dy·min(z, 0)-like, before summing to the weights' shape).
 */
export function activationGrad(dy: Tensor, out: Tensor, a: FusedLike, z: () => Tensor): { dz: Tensor; dw?: Tensor } {
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
export function toOperand(g: Tensor, t: unknown, nchw: boolean): Tensor | null {
  if (!T(t) || t.dtype !== 'float32') return null;
  if (nchw && t.rank <= 1) return o.reshape(unbroadcast(g, [t.rank === 0 ? 1 : t.shape[0], 1, 1]), [...t.shape]);
  return unbroadcast(g, t.shape);
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
      wants(gamma) ? sumLead(o.mul(dy, xh)) : null,
      wants(beta) ? sumLead(dy) : null,
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
    return [
      {
        a: forArg(a, () => (!ta ? o.matMul(dz, b, false, !tb) : o.matMul(b, dz, tb, true))),
        b: forArg(b, () => (!tb ? o.matMul(a, dz, !ta, false) : o.matMul(dz, a, true, ta))),
        bias: toOperand(dz, args.bias, false),
        preluActivationWeights: dw ? toOperand(dw, args.preluActivationWeights, false) : null,
      },
    ];
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
  // The image's gradient (the boxes get none here; TensorFlow's CropAndResizeGradBoxes is not composed).
  cropAndResize: (dy, [image, boxes, boxInd, cropSize, method = 'bilinear']) => [
    forArg(image, () => cropAndResizeGrad(dy, image, boxes, boxInd, cropSize, method === 'nearest')),
    null,
    null,
  ],
} satisfies Partial<Record<DifferentiableOp, GradRule>>;

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
