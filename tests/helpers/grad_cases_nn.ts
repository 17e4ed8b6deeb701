// Finite-difference cases for a family's gradient rules: see grad_cases.ts (the float64 references and helpers).
// Normalisation, dropout, the fused matMul, convolutions and pooling: their forwards again in plain JavaScript.
import type * as WG from '../../engine/index';
import type { GradCase } from './grad_cases';
import { arr, broadcast, matMul, reduce as refReduce, transpose, type Arr } from './grad_ref';

type Pad = 'same' | 'valid' | number;

/** One spatial axis: the output size and the padding before (TensorFlow's rules, floor rounding). */
function axis(size: number, k: number, s: number, d: number, pad: Pad): { out: number; before: number } {
  const eff = (k - 1) * d + 1;
  if (pad === 'valid') return { out: Math.ceil((size - eff + 1) / s), before: 0 };
  if (pad === 'same') {
    const out = Math.ceil(size / s);
    return { out, before: Math.floor(Math.max((out - 1) * s + eff - size, 0) / 2) };
  }
  return { out: Math.floor((size + 2 * pad - eff) / s) + 1, before: pad };
}

/** NHWC convolution (depthwise: filter [kH, kW, C, M], output channel c·M + m), or a pool (filter shape only). */
function windows(
  x: Arr,
  kH: number,
  kW: number,
  s: [number, number],
  d: [number, number],
  pad: Pad,
  outC: number,
  f: (n: number, i: number, j: number, oc: number, taps: { a: number; b: number; r: number; c: number }[]) => number,
): Arr {
  const [N, H, W] = x.shape;
  const rows = axis(H, kH, s[0], d[0], pad);
  const cols = axis(W, kW, s[1], d[1], pad);
  return arr([N, rows.out, cols.out, outC], (q) => {
    const oc = q % outC;
    const j = Math.floor(q / outC) % cols.out;
    const i = Math.floor(q / outC / cols.out) % rows.out;
    const n = Math.floor(q / outC / cols.out / rows.out);
    const taps: { a: number; b: number; r: number; c: number }[] = [];
    for (let a = 0; a < kH; a++)
      for (let b = 0; b < kW; b++) {
        const r = i * s[0] + a * d[0] - rows.before;
        const c = j * s[1] + b * d[1] - cols.before;
        if (r >= 0 && r < H && c >= 0 && c < W) taps.push({ a, b, r, c });
      }
    return f(n, i, j, oc, taps);
  });
}

function conv2dRef(x: Arr, f: Arr, s: [number, number], pad: Pad, d: [number, number] = [1, 1], depthwise = false): Arr {
  const [, H, W, C] = x.shape;
  const [kH, kW, , O] = f.shape;
  const at = (n: number, r: number, c: number, ch: number) => x.data[((n * H + r) * W + c) * C + ch];
  const fa = (a: number, b: number, ci: number, o: number) => f.data[((a * kW + b) * C + ci) * O + o];
  return windows(x, kH, kW, s, d, pad, depthwise ? C * O : O, (n, _i, _j, oc, taps) => {
    let v = 0;
    for (const t of taps) {
      if (depthwise) v += at(n, t.r, t.c, Math.floor(oc / O)) * fa(t.a, t.b, Math.floor(oc / O), oc % O);
      else for (let ci = 0; ci < C; ci++) v += at(n, t.r, t.c, ci) * fa(t.a, t.b, ci, oc);
    }
    return v;
  });
}

function poolRef(type: 'max' | 'avg', x: Arr, k: number, s: number, pad: Pad, d = 1): Arr {
  const [, H, W, C] = x.shape;
  const at = (n: number, r: number, c: number, ch: number) => x.data[((n * H + r) * W + c) * C + ch];
  return windows(x, k, k, [s, s], [d, d], pad, C, (n, _i, _j, ch, taps) => {
    const v = taps.map((t) => at(n, t.r, t.c, ch));
    return type === 'max' ? Math.max(...v) : v.reduce((a, b) => a + b, 0) / v.length;
  });
}

/** conv2d's adjoint with respect to its input: x [N, xH, xW, inDepth] spread onto outputShape by f [kH, kW, outDepth, inDepth]. */
function conv2dTransposeRef(x: Arr, f: Arr, outShape: number[], s: number, pad: Pad): Arr {
  const [N, xH, xW, I] = x.shape;
  const [kH, kW, O] = f.shape;
  const [, oH, oW] = outShape;
  const rows = axis(oH, kH, s, 1, pad);
  const cols = axis(oW, kW, s, 1, pad);
  const y = new Float64Array(N * oH * oW * O);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < xH; i++)
      for (let j = 0; j < xW; j++)
        for (let a = 0; a < kH; a++)
          for (let b = 0; b < kW; b++) {
            const r = i * s + a - rows.before;
            const c = j * s + b - cols.before;
            if (r < 0 || r >= oH || c < 0 || c >= oW) continue;
            for (let od = 0; od < O; od++)
              for (let id = 0; id < I; id++) y[((n * oH + r) * oW + c) * O + od] += x.data[((n * xH + i) * xW + j) * I + id] * f.data[((a * kW + b) * O + od) * I + id];
          }
  return { shape: [N, oH, oW, O], data: y };
}

/** TensorFlow's resize of NHWC images (rank 4), bilinear or nearest. */
function resizeRef(x: Arr, [oH, oW]: number[], bilinear: boolean, align: boolean, half: boolean): Arr {
  const [N, H, W, C] = x.shape;
  const scale = (i: number, n: number) => (align && n > 1 ? (i - 1) / (n - 1) : i / n);
  const at = (n: number, r: number, c: number, ch: number) => x.data[((n * H + r) * W + c) * C + ch];
  const src = (d: number, sc: number) => (half ? (d + 0.5) * sc - 0.5 : d * sc);
  const near = (d: number, sc: number, n: number) => {
    const v = (half ? d + 0.5 : d) * sc;
    return Math.max(Math.min(Math.floor(align ? v + 0.5 : v), n - 1), 0);
  };
  return arr([N, oH, oW, C], (q) => {
    const ch = q % C;
    const j = Math.floor(q / C) % oW;
    const i = Math.floor(q / C / oW) % oH;
    const n = Math.floor(q / C / oW / oH);
    if (!bilinear) return at(n, near(i, scale(H, oH), H), near(j, scale(W, oW), W), ch);
    const ys = src(i, scale(H, oH));
    const xs = src(j, scale(W, oW));
    const [y0, x0] = [Math.floor(ys), Math.floor(xs)];
    const clampH = (v: number) => Math.min(Math.max(v, 0), H - 1);
    const clampW = (v: number) => Math.min(Math.max(v, 0), W - 1);
    const [ly, lx] = [ys - y0, xs - x0];
    const v = (r: number, c: number) => at(n, clampH(r), clampW(c), ch);
    const top = v(y0, x0) * (1 - lx) + v(y0, Math.ceil(xs)) * lx;
    const bottom = v(Math.ceil(ys), x0) * (1 - lx) + v(Math.ceil(ys), Math.ceil(xs)) * lx;
    return top * (1 - ly) + bottom * ly;
  });
}

function lrnRef(x: Arr, r: number, bias: number, alpha: number, beta: number): Arr {
  const C = x.shape[x.shape.length - 1];
  return arr(x.shape, (q) => {
    const c = q % C;
    let sum = 0;
    for (let k = Math.max(0, c - r); k <= Math.min(C - 1, c + r); k++) sum += x.data[q - c + k] ** 2;
    return x.data[q] * (bias + alpha * sum) ** -beta;
  });
}

/** NDHWC 3-D windows: conv3d (filter [kD, kH, kW, C, O]) or a pool. */
function volume(x: Arr, k: number[], s: number[], d: number[], pad: Pad, f?: Arr, type: 'max' | 'avg' = 'max'): Arr {
  const [N, D, H, W, C] = x.shape;
  const ax = [D, H, W].map((n, i) => axis(n, k[i], s[i], d[i], pad));
  const O = f ? f.shape[4] : C;
  const outs = ax.map((q) => q.out);
  return arr([N, ...outs, O], (q) => {
    const oc = q % O;
    let r = Math.floor(q / O);
    const pos: number[] = [];
    for (let i = 2; i >= 0; i--) {
      pos[i] = r % outs[i];
      r = Math.floor(r / outs[i]);
    }
    const n = r;
    const vals: number[] = [];
    let acc = 0;
    for (let a = 0; a < k[0]; a++)
      for (let b = 0; b < k[1]; b++)
        for (let c = 0; c < k[2]; c++) {
          const z = [a, b, c].map((t, i) => pos[i] * s[i] + t * d[i] - ax[i].before);
          if (z.some((v, i) => v < 0 || v >= [D, H, W][i])) continue;
          const base = (((n * D + z[0]) * H + z[1]) * W + z[2]) * C;
          if (f) for (let ci = 0; ci < C; ci++) acc += x.data[base + ci] * f.data[(((a * k[1] + b) * k[2] + c) * C + ci) * O + oc];
          else vals.push(x.data[base + oc]);
        }
    if (f) return acc;
    return type === 'max' ? Math.max(...vals) : vals.reduce((u, v) => u + v, 0) / vals.length;
  });
}

/** TensorFlow's crop_and_resize of NHWC images, float64. */
function cropAndResizeRef(img: Arr, boxes: number[][], ind: number[], [ch, cw]: number[], nearest: boolean): Arr {
  const [, H, W, C] = img.shape;
  const at = (n: number, r: number, c: number, k: number) => img.data[((n * H + r) * W + c) * C + k];
  const src = (lo: number, hi: number, n: number, crop: number, i: number) => (crop === 1 ? 0.5 * (lo + hi) * (n - 1) : lo * (n - 1) + (i * (hi - lo) * (n - 1)) / (crop - 1));
  return arr([boxes.length, ch, cw, C], (q) => {
    const k = q % C;
    const j = Math.floor(q / C) % cw;
    const i = Math.floor(q / C / cw) % ch;
    const b = Math.floor(q / C / cw / ch);
    const [y1, x1, y2, x2] = boxes[b];
    const y = src(y1, y2, H, ch, i);
    const x = src(x1, x2, W, cw, j);
    if (y < 0 || y > H - 1 || x < 0 || x > W - 1) return 0;
    const n = ind[b];
    if (nearest) return at(n, Math.floor(y + 0.5), Math.floor(x + 0.5), k);
    const [t, l] = [Math.floor(y), Math.floor(x)];
    const [bt, r] = [Math.ceil(y), Math.ceil(x)];
    const [ly, lx] = [y - t, x - l];
    const top = at(n, t, l, k) * (1 - lx) + at(n, t, r, k) * lx;
    const bottom = at(n, bt, l, k) * (1 - lx) + at(n, bt, r, k) * lx;
    return top * (1 - ly) + bottom * ly;
  });
}
const CROP_BOXES = [
  [0.1, 0.2, 0.8, 0.9],
  [0.5, -0.1, 1.2, 0.7],
  [0.9, 1, 0.05, 0.15],
];
const CROP_IND = [1, 0, 1];

const reshape = (x: Arr, shape: number[]): Arr => ({ shape, data: x.data });
const add = (a: Arr, b: Arr) => broadcast([a, b], (u, v) => u + v);
const ACT: Record<string, (v: number, w?: number) => number> = {
  linear: (v) => v,
  relu: (v) => Math.max(v, 0),
  relu6: (v) => Math.min(Math.max(v, 0), 6),
  elu: (v) => (v > 0 ? v : Math.expm1(v)),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  leakyrelu: (v) => (v > 0 ? v : 0.3 * v),
  prelu: (v, w) => (v > 0 ? v : w! * v),
};

function layerNormRef(x: Arr, g?: Arr, b?: Arr): Arr {
  const n = x.shape[x.shape.length - 1];
  const out = new Float64Array(x.data.length);
  for (let r = 0; r < x.data.length / n; r++) {
    const row = x.data.subarray(r * n, r * n + n);
    const m = row.reduce((s, v) => s + v, 0) / n;
    const va = row.reduce((s, v) => s + (v - m) ** 2, 0) / n;
    for (let j = 0; j < n; j++) out[r * n + j] = ((row[j] - m) / Math.sqrt(va + 1e-5)) * (g ? g.data[j] : 1) + (b ? b.data[j] : 0);
  }
  return { shape: x.shape, data: out };
}

const batchNormRef = (x: Arr, m: Arr, v: Arr, off: Arr, sc: Arr, eps = 0.001) => broadcast([x, m, v, off, sc], (a, mu, va, o, s) => ((a - mu) / Math.sqrt(va + eps)) * s + o);

const convCases: { name: string; x: number[]; f: number[]; s: [number, number]; pad: Pad; d?: [number, number]; depthwise?: boolean }[] = [
  { name: "conv2d 'same', stride 1", x: [1, 4, 4, 2], f: [3, 3, 2, 2], s: [1, 1], pad: 'same' },
  { name: "conv2d 'valid', stride 2 (a row left over)", x: [2, 5, 5, 1], f: [2, 2, 1, 3], s: [2, 2], pad: 'valid' },
  { name: "conv2d 'same', strides [2, 1]", x: [1, 5, 4, 2], f: [3, 2, 2, 1], s: [2, 1], pad: 'same' },
  { name: 'conv2d pad 1, dilation 2', x: [1, 5, 5, 1], f: [2, 2, 1, 2], s: [1, 1], pad: 1, d: [2, 2] },
  { name: "depthwiseConv2d 'same', stride 2, multiplier 2", x: [1, 4, 4, 2], f: [3, 3, 2, 2], s: [2, 2], pad: 'same', depthwise: true },
  { name: "depthwiseConv2d 'valid', dilation 2", x: [1, 5, 5, 2], f: [2, 2, 2, 1], s: [1, 1], pad: 'valid', d: [2, 2], depthwise: true },
];

const poolCases: { type: 'max' | 'avg'; x: number[]; k: number; s: number; pad: Pad; d?: number; rank3?: boolean }[] = [
  { type: 'max', x: [1, 4, 4, 2], k: 2, s: 2, pad: 'valid' },
  { type: 'max', x: [1, 4, 5, 1], k: 3, s: 1, pad: 'same' },
  { type: 'max', x: [5, 5, 2], k: 3, s: 2, pad: 'same', rank3: true },
  { type: 'avg', x: [1, 5, 5, 1], k: 3, s: 2, pad: 'same' },
  { type: 'avg', x: [2, 4, 4, 1], k: 2, s: 1, pad: 'valid' },
  { type: 'avg', x: [1, 4, 4, 2], k: 2, s: 2, pad: 1 },
];

export const NN_GRAD_CASES: GradCase[] = [
  // moments: both results used (dy is a pair), and the variance alone (the mean's dy is zeros).
  ...([[[0, 2], false, 1.5], [-1, true, 0], [null, false, 0.5]] as [number | number[] | null, boolean, number][]).map(([axes, keep, k]): GradCase => ({
    name: `moments(axes ${JSON.stringify(axes)}, keepDims ${keep}): ${k}·mean + variance`,
    inputs: [{ shape: [2, 3, 2] }],
    wg: (wg, x) => {
      const { mean, variance } = wg.moments(x, axes ?? undefined, keep);
      return wg.add(wg.mul(mean, k), variance);
    },
    ref: (x) => {
      const m = momentsRef(x, axes, keep);
      return { shape: m.mean.shape, data: m.mean.data.map((v, i) => k * v + m.variance.data[i]) };
    },
  })),
  // ---- normalisation ----
  {
    name: 'layerNorm with gamma and beta',
    inputs: [{ shape: [2, 4] }, { shape: [4] }, { shape: [4] }],
    wg: (wg, x, g, b) => wg.layerNorm(x, g, b),
    ref: (x, g, b) => layerNormRef(x, g, b),
  },
  { name: 'layerNorm [2, 1, 5]', inputs: [{ shape: [2, 1, 5] }], wg: (wg, x) => wg.layerNorm(x), ref: (x) => layerNormRef(x) },
  {
    name: 'batchNorm: x [2, 3], every statistic [3]',
    inputs: [{ shape: [2, 3] }, { shape: [3] }, { shape: [3], domain: 'pos' }, { shape: [3] }, { shape: [3] }],
    wg: (wg, x, m, v, off, sc) => wg.batchNorm(x, m, v, off, sc),
    ref: (x, m, v, off, sc) => batchNormRef(x, m, v, off, sc),
  },
  {
    name: 'batchNorm4d: x [2, 2, 2, 3], statistics [1, 1, 1, 3], no offset, ε 0.1',
    inputs: [{ shape: [2, 2, 2, 3] }, { shape: [1, 1, 1, 3] }, { shape: [1, 1, 1, 3], domain: 'pos' }, { shape: [1, 1, 1, 3] }],
    wg: (wg, x, m, v, sc) => wg.batchNorm4d(x, m, v, undefined, sc, 0.1),
    ref: (x, m, v, sc) => batchNormRef(x, m, v, arr([1], () => 0), sc, 0.1),
  },
  {
    name: 'batchNorm2d: x [3, 2], statistics [2], no scale',
    inputs: [{ shape: [3, 2] }, { shape: [2] }, { shape: [2], domain: 'pos' }, { shape: [2] }],
    wg: (wg, x, m, v, off) => wg.batchNorm2d(x, m, v, off),
    ref: (x, m, v, off) => batchNormRef(x, m, v, off, arr([1], () => 1)),
  },
  {
    name: 'batchNorm: statistics [1, 3] against x [3] (an extra leading 1)',
    inputs: [{ shape: [3] }, { shape: [1, 3] }, { shape: [1, 3], domain: 'pos' }, { shape: [1, 3] }, { shape: [1, 3] }],
    wg: (wg, x, m, v, off, sc) => wg.batchNorm(x, m, v, off, sc),
    ref: (x, m, v, off, sc) => reshape(batchNormRef(x, m, v, off, sc), [3]),
  },
  {
    // The mask is random: where(y = 0, x + y, y·½) is x whichever elements are dropped, and its gradient is 1
    // only if dropout's rule scales the kept elements by 2 and zeroes the dropped ones.
    name: 'dropout(0.5): where(y = 0, x + y, y / 2) = x for any mask',
    inputs: [{ shape: [4, 5], domain: 'awayFromZero' }],
    wg: (wg, x) => {
      const y = wg.dropout(x, 0.5);
      return wg.where(wg.equal(y, 0), wg.add(x, y), wg.mul(y, 0.5));
    },
    ref: (x) => x,
  },
  { name: 'dropout(0)', inputs: [{ shape: [2, 3] }], wg: (wg, x) => wg.dropout(x, 0), ref: (x) => x },
  // ---- fused matMul ----
  ...(
    [
      ['relu', false, false],
      ['sigmoid', false, true],
      ['elu', true, false],
      ['relu6', true, true],
      ['leakyrelu', false, false],
      ['linear', false, true],
    ] as [string, boolean, boolean][]
  ).map(
    ([act, ta, tb]): GradCase => ({
      name: `fused.matMul + bias, ${act} (transposeA ${ta}, transposeB ${tb})`,
      inputs: [{ shape: ta ? [3, 2] : [2, 3] }, { shape: tb ? [4, 3] : [3, 4] }, { shape: [4] }],
      wg: (wg, a, b, bias) =>
        wg.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation: act as WG.FusedActivation, leakyreluAlpha: 0.3 }),
      ref: (a, b, bias) => broadcast([add(matMul(a, b, ta, tb), bias)], (v) => ACT[act](v)),
    }),
  ),
  {
    name: 'fused.matMul, prelu (weights [4]), batch [2, 2, 3]·[3, 4], bias [2, 1, 4]',
    inputs: [{ shape: [2, 2, 3] }, { shape: [3, 4] }, { shape: [2, 1, 4] }, { shape: [4] }],
    wg: (wg, a, b, bias, w) => wg.fused.matMul({ a, b, bias, activation: 'prelu', preluActivationWeights: w }),
    ref: (a, b, bias, w) => {
      const prods = [0, 1].map((k) => matMul({ shape: [2, 3], data: a.data.subarray(k * 6, k * 6 + 6) }, b));
      const z = add({ shape: [2, 2, 4], data: Float64Array.from([...prods[0].data, ...prods[1].data]) }, bias);
      return broadcast([z, w], (v, q) => ACT.prelu(v, q));
    },
  },
  // ---- convolutions ----
  ...convCases.map(
    (c): GradCase => ({
      name: c.name,
      inputs: [{ shape: c.x }, { shape: c.f }],
      wg: (wg, x, f) => (c.depthwise ? wg.depthwiseConv2d : wg.conv2d)(x, f, c.s, c.pad, 'NHWC', c.d ?? [1, 1]),
      ref: (x, f) => conv2dRef(x, f, c.s, c.pad, c.d, c.depthwise),
    }),
  ),
  {
    name: "conv2d NCHW, rank 3 (one image), 'same', stride 2",
    inputs: [{ shape: [2, 5, 4] }, { shape: [3, 3, 2, 2] }],
    wg: (wg, x, f) => wg.conv2d(x, f, 2, 'same', 'NCHW'),
    ref: (x, f) => reshape(transpose(conv2dRef(transpose(reshape(x, [1, 2, 5, 4]), [0, 2, 3, 1]), f, [2, 2], 'same'), [0, 3, 1, 2]), [2, 3, 2]),
  },
  {
    name: "conv1d 'same', stride 2",
    inputs: [{ shape: [2, 6, 2] }, { shape: [3, 2, 2] }],
    wg: (wg, x, f) => wg.conv1d(x, f, 2, 'same'),
    ref: (x, f) => reshape(conv2dRef(reshape(x, [2, 1, 6, 2]), reshape(f, [1, 3, 2, 2]), [1, 2], 'same'), [2, 3, 2]),
  },
  {
    name: 'conv1d NCW, pad 1, dilation 2, rank 2',
    inputs: [{ shape: [2, 7] }, { shape: [2, 2, 3] }],
    wg: (wg, x, f) => wg.conv1d(x, f, 1, 1, 'NCW', 2),
    ref: (x, f) => {
      const xw = transpose(reshape(x, [1, 2, 7]), [0, 2, 1]);
      // A numeric pad pads the width only: pad the rows by hand and convolve 'valid'.
      const xp = arr([1, 1, 9, 2], (q) => {
        const c = q % 2;
        const w = Math.floor(q / 2) - 1;
        return w >= 0 && w < 7 ? xw.data[w * 2 + c] : 0;
      });
      const y = conv2dRef(xp, reshape(f, [1, 2, 2, 3]), [1, 1], 'valid', [1, 2]);
      return reshape(transpose(reshape(y, [1, y.shape[2], 3]), [0, 2, 1]), [3, y.shape[2]]);
    },
  },
  {
    name: "fused.conv2d + bias, relu, 'same', stride 2",
    inputs: [{ shape: [1, 4, 4, 2] }, { shape: [2, 2, 2, 3] }, { shape: [3] }],
    wg: (wg, x, f, bias) => wg.fused.conv2d({ x, filter: f, strides: 2, pad: 'same', bias, activation: 'relu' }),
    ref: (x, f, bias) => broadcast([add(conv2dRef(x, f, [2, 2], 'same'), bias)], ACT.relu),
  },
  {
    name: 'fused.conv2d NCHW + bias [2], prelu (weights [2]), pad 1',
    inputs: [{ shape: [1, 2, 3, 3] }, { shape: [2, 2, 2, 2] }, { shape: [2] }, { shape: [2] }],
    wg: (wg, x, f, bias, w) => wg.fused.conv2d({ x, filter: f, strides: 1, pad: 1, dataFormat: 'NCHW', bias, activation: 'prelu', preluActivationWeights: w }),
    ref: (x, f, bias, w) => {
      const z = transpose(add(conv2dRef(transpose(x, [0, 2, 3, 1]), f, [1, 1], 1), bias), [0, 3, 1, 2]);
      return broadcast([z, reshape(w, [2, 1, 1])], (v, q) => ACT.prelu(v, q));
    },
  },
  {
    name: "fused.depthwiseConv2d + bias, elu, 'valid'",
    inputs: [{ shape: [1, 4, 4, 2] }, { shape: [2, 2, 2, 1] }, { shape: [2] }],
    wg: (wg, x, f, bias) => wg.fused.depthwiseConv2d({ x, filter: f, strides: 1, pad: 'valid', bias, activation: 'elu' }),
    ref: (x, f, bias) => broadcast([add(conv2dRef(x, f, [1, 1], 'valid', [1, 1], true), bias)], ACT.elu),
  },
  {
    name: "conv2d NCHW, explicit pads [[0, 0], [0, 0], [1, 0], [0, 2]]",
    inputs: [{ shape: [1, 2, 3, 3] }, { shape: [2, 2, 2, 2] }],
    wg: (wg, x, f) => wg.conv2d(x, f, 1, [[0, 0], [0, 0], [1, 0], [0, 2]], 'NCHW'),
    ref: (x, f) => {
      // Pad rows 1 before, columns 2 after by hand, then 'valid'.
      const xh = transpose(x, [0, 2, 3, 1]);
      const xp = arr([1, 4, 5, 2], (q) => {
        const ch = q % 2;
        const c = Math.floor(q / 2) % 5;
        const r = Math.floor(q / 10) - 1;
        return r >= 0 && c < 3 ? xh.data[(r * 3 + c) * 2 + ch] : 0;
      });
      return transpose(conv2dRef(xp, f, [1, 1], 'valid'), [0, 3, 1, 2]);
    },
  },
  {
    name: "separableConv2d 'same', multiplier 2, 3 out channels",
    inputs: [{ shape: [1, 4, 4, 2] }, { shape: [2, 2, 2, 2] }, { shape: [1, 1, 4, 3] }],
    wg: (wg, x, dw, pw) => wg.separableConv2d(x, dw, pw, 1, 'same'),
    ref: (x, dw, pw) => conv2dRef(conv2dRef(x, dw, [1, 1], 'same', [1, 1], true), pw, [1, 1], 'valid'),
  },
  {
    name: "separableConv2d NCHW, 'valid', dilation 2",
    inputs: [{ shape: [1, 2, 5, 5] }, { shape: [2, 2, 2, 1] }, { shape: [1, 1, 2, 2] }],
    wg: (wg, x, dw, pw) => wg.separableConv2d(x, dw, pw, 1, 'valid', 2, 'NCHW'),
    ref: (x, dw, pw) => transpose(conv2dRef(conv2dRef(transpose(x, [0, 2, 3, 1]), dw, [1, 1], 'valid', [2, 2], true), pw, [1, 1], 'valid'), [0, 3, 1, 2]),
  },
  ...(
    [
      [[1, 2, 2, 2], [3, 3, 1, 2], [1, 4, 4, 1], 2, 'same'],
      [[1, 2, 2, 2], [2, 2, 1, 2], [1, 5, 5, 1], 2, 'valid'],
      [[4, 4, 1], [2, 2, 2, 1], [3, 3, 2], 1, 1],
    ] as [number[], number[], number[], number, Pad][]
  ).map(
    ([xs, fs, os, st, pad]): GradCase => ({
      name: `conv2dTranspose x ${JSON.stringify(xs)} to ${JSON.stringify(os)}, stride ${st}, pad ${JSON.stringify(pad)}`,
      inputs: [{ shape: xs }, { shape: fs }],
      wg: (wg, x, f) => wg.conv2dTranspose(x, f, os, st, pad),
      ref: (x, f) => {
        if (xs.length === 4) return conv2dTransposeRef(x, f, os, st, pad);
        const y = conv2dTransposeRef(reshape(x, [1, ...xs]), f, [1, ...os], st, pad);
        return reshape(y, os);
      },
    }),
  ),
  // ---- resize ----
  ...(
    [
      [true, [1, 3, 4, 2], [5, 3], false, false],
      [true, [2, 3, 3, 1], [4, 5], true, false],
      [true, [3, 3, 1], [2, 5], false, true],
      [false, [1, 3, 4, 1], [5, 7], false, false],
      [false, [1, 4, 3, 2], [3, 5], true, false],
      [false, [3, 4, 1], [5, 2], false, true],
    ] as [boolean, number[], number[], boolean, boolean][]
  ).map(
    ([bilinear, xs, size, align, half]): GradCase => ({
      name: `${bilinear ? 'resizeBilinear' : 'resizeNearestNeighbor'} ${JSON.stringify(xs)} to ${JSON.stringify(size)}${align ? ', alignCorners' : ''}${half ? ', halfPixelCenters' : ''}`,
      inputs: [{ shape: xs }],
      wg: (wg, x) => (bilinear ? wg.image.resizeBilinear : wg.image.resizeNearestNeighbor)(x, size, align, half),
      ref: (x) => {
        if (xs.length === 4) return resizeRef(x, size, bilinear, align, half);
        const y = resizeRef(reshape(x, [1, ...xs]), size, bilinear, align, half);
        return reshape(y, y.shape.slice(1));
      },
    }),
  ),
  // ---- local response normalisation ----
  {
    name: 'localResponseNormalization radius 2, bias 1, alpha 0.5, beta 0.75',
    inputs: [{ shape: [1, 2, 2, 5] }],
    wg: (wg, x) => wg.localResponseNormalization(x, 2, 1, 0.5, 0.75),
    ref: (x) => lrnRef(x, 2, 1, 0.5, 0.75),
  },
  {
    name: 'localResponseNormalization rank 3, defaults (radius 5 > depth)',
    inputs: [{ shape: [2, 2, 3] }],
    wg: (wg, x) => wg.localResponseNormalization(x),
    ref: (x) => lrnRef(x, 5, 1, 1, 0.5),
  },
  // ---- 3-D ----
  {
    name: "conv3d 'same', strides [2, 1, 2]",
    inputs: [{ shape: [1, 3, 3, 4, 2] }, { shape: [2, 2, 2, 2, 2] }],
    wg: (wg, x, f) => wg.conv3d(x, f, [2, 1, 2], 'same'),
    ref: (x, f) => volume(x, [2, 2, 2], [2, 1, 2], [1, 1, 1], 'same', f),
  },
  {
    name: "conv3d 'valid', dilation 2, rank 4",
    inputs: [{ shape: [3, 4, 3, 1] }, { shape: [2, 2, 1, 1, 2] }],
    wg: (wg, x, f) => wg.conv3d(x, f, 1, 'valid', 'NDHWC', 2),
    ref: (x, f) => {
      const y = volume(reshape(x, [1, 3, 4, 3, 1]), [2, 2, 1], [1, 1, 1], [2, 2, 2], 'valid', f);
      return reshape(y, y.shape.slice(1));
    },
  },
  {
    name: "maxPool3d 2×2×2, stride 1, 'same'",
    inputs: [{ shape: [1, 3, 3, 3, 2] }],
    wg: (wg, x) => wg.maxPool3d(x, 2, 1, 'same'),
    ref: (x) => volume(x, [2, 2, 2], [1, 1, 1], [1, 1, 1], 'same'),
  },
  {
    name: "maxPool3d [2, 1, 2], stride 2, 'valid'",
    inputs: [{ shape: [2, 4, 2, 4, 1] }],
    wg: (wg, x) => wg.maxPool3d(x, [2, 1, 2], 2, 'valid'),
    ref: (x) => volume(x, [2, 1, 2], [2, 2, 2], [1, 1, 1], 'valid'),
  },
  {
    name: "avgPool3d 2×2×2, stride 2, 'same', rank 4",
    inputs: [{ shape: [3, 3, 3, 2] }],
    wg: (wg, x) => wg.avgPool3d(x, 2, 2, 'same'),
    ref: (x) => {
      const y = volume(reshape(x, [1, 3, 3, 3, 2]), [2, 2, 2], [2, 2, 2], [1, 1, 1], 'same', undefined, 'avg');
      return reshape(y, y.shape.slice(1));
    },
  },
  {
    name: 'avgPool3d 2×2×2, stride 1, pad 1',
    inputs: [{ shape: [1, 2, 3, 2, 1] }],
    wg: (wg, x) => wg.avgPool3d(x, 2, 1, 1),
    ref: (x) => volume(x, [2, 2, 2], [1, 1, 1], [1, 1, 1], 1, undefined, 'avg'),
  },
  // ---- cropAndResize ----
  ...(
    [
      ['bilinear', [3, 4]],
      ['nearest', [3, 4]],
      ['bilinear', [1, 2]],
    ] as ['bilinear' | 'nearest', number[]][]
  ).map(
    ([method, size]): GradCase => ({
      name: `cropAndResize ${method} to ${JSON.stringify(size)} (a box partly outside, a flipped box, two boxes on one image)`,
      inputs: [{ shape: [2, 4, 5, 2] }],
      wg: (wg, x) => wg.image.cropAndResize(x, wg.tensor(CROP_BOXES), wg.tensor(CROP_IND, undefined, 'int32'), size, method),
      ref: (x) => cropAndResizeRef(x, CROP_BOXES, CROP_IND, size, method === 'nearest'),
    }),
  ),
  // ---- pooling ----
  ...poolCases.map(
    (c): GradCase => ({
      name: `${c.type}Pool ${c.k}×${c.k}, stride ${c.s}, pad ${JSON.stringify(c.pad)}${c.rank3 ? ', rank 3' : ''} ${JSON.stringify(c.x)}`,
      inputs: [{ shape: c.x }],
      wg: (wg, x) => (c.type === 'max' ? wg.maxPool : wg.avgPool)(x, c.k, c.s, c.pad),
      ref: (x) => {
        if (!c.rank3) return poolRef(c.type, x, c.k, c.s, c.pad);
        const y = poolRef(c.type, reshape(x, [1, ...c.x]), c.k, c.s, c.pad);
        return reshape(y, y.shape.slice(1));
      },
    }),
  ),
  ...(['max', 'avg'] as const).map(
    (type): GradCase => ({
      name: `pool(${type}) 2×2, dilation 2, 'same'`,
      inputs: [{ shape: [1, 5, 5, 2] }],
      wg: (wg, x) => wg.pool(x, 2, type, 'same', 2),
      ref: (x) => poolRef(type, x, 2, 1, 'same', 2),
    }),
  ),
];

/** Population mean and variance over `axes` (float64). */
function momentsRef(x: Arr, axes: number | number[] | null, keep: boolean): { mean: Arr; variance: Arr } {
  const mean = refReduce(x, axes, keep, (v) => v.reduce((s, q) => s + q, 0) / v.length);
  const variance = refReduce(x, axes, keep, (v) => {
    const m = v.reduce((s, q) => s + q, 0) / v.length;
    return v.reduce((s, q) => s + (q - m) ** 2, 0) / v.length;
  });
  return { mean, variance };
}
