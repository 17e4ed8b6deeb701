// The suite's workloads as problems: deterministic host inputs (the same bytes for every library) and a
// float64 CPU reference each output is checked against before it is timed.
import type { HostTensor, Problem, WorkloadId } from './types';
import { MLP_WIDTHS, compare, host, softmaxReference, uniform } from './problem_util';

export { MLP_WIDTHS };
import { mlpGradProblem } from './workloads_grad';
import { trainMlpProblem } from './workloads_train';

/** The benchmark chain's scalars (DESIGN.md: tanh(relu(x*a + b) - x) * c + exp(-(x*x))). */
export const CHAIN_SCALARS = { a: 1.5, b: 0.25, c: 2 };

/** Human-readable element counts: 1048576 → "1M". */
export function shortCount(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)}M`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}K`;
  return String(n);
}

function matmulProblem(n: number): Problem {
  const a = uniform(n * n, -1, 1, 11);
  const b = uniform(n * n, -1, 1, 12);
  // Checking n² dot products in float64 would cost seconds at 1024: check a fixed sample of 2048 entries
  // (plus the four corners), enough to catch any indexing or tiling bug.
  const count = Math.min(n * n, 2048);
  const pick = uniform(count, 0, n * n, 13);
  const indices = new Int32Array(count).map((_, i) => (i < 4 ? [0, n - 1, n * (n - 1), n * n - 1][i] : Math.floor(pick[i])));
  const expected = new Float64Array(count);
  const scale = new Float64Array(count);
  indices.forEach((at, i) => {
    const r = Math.floor(at / n);
    const c = at % n;
    let s = 0;
    let abs = 0;
    for (let k = 0; k < n; k++) {
      const p = a[r * n + k] * b[k * n + c];
      s += p;
      abs += Math.abs(p);
    }
    expected[i] = s;
    scale[i] = abs;
  });
  return {
    workload: 'matmul', size: n, label: `matmul ${n}³`, unit: 'ms',
    inputs: { a: host(a, [n, n]), b: host(b, [n, n]) }, scalars: {},
    flops: 2 * n ** 3,
    check: (out) => compare(out, n * n, expected, { atol: 1e-6, rtol: 1e-4 }, indices, scale),
  };
}

function chainReference(x: Float32Array): Float64Array {
  const { a, b, c } = CHAIN_SCALARS;
  return Float64Array.from(x, (v) => Math.tanh(Math.max(v * a + b, 0) - v) * c + Math.exp(-(v * v)));
}

const CHAIN_LABELS = { chain: 'chain', 'chain-sweep': 'chain sweep', cold: 'cold start, chain' };

function chainProblem(n: number, workload: keyof typeof CHAIN_LABELS): Problem {
  const x = uniform(n, -2, 2, 21);
  const expected = chainReference(x);
  return {
    workload, size: n, label: `${CHAIN_LABELS[workload]} ${shortCount(n)}`, unit: 'ms',
    inputs: { x: host(x, [n]) }, scalars: { ...CHAIN_SCALARS },
    bytes: 8 * n,
    // Transcendentals: WebGPU implementations differ from libm by a few ulps of their own.
    check: (out) => compare(out, n, expected, { atol: 2e-5, rtol: 2e-5 }),
  };
}

function copyProblem(n: number): Problem {
  const x = uniform(n, -1, 1, 31);
  const expected = Float64Array.from(x);
  return {
    workload: 'copy', size: n, label: `vec4 copy ${shortCount(n)}`, unit: 'ms',
    inputs: { x: host(x, [n]) }, scalars: {}, bytes: 8 * n,
    check: (out) => compare(out, n, expected, { atol: 0, rtol: 0 }),
  };
}

/** Row sums (axis 1) or column sums (axis 0) of an n×n matrix. */
function sumProblem(n: number, axis: 0 | 1): Problem {
  const x = uniform(n * n, -1, 1, 41);
  const expected = new Float64Array(n);
  const scale = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const v = x[r * n + c];
      const at = axis === 1 ? r : c;
      expected[at] += v;
      scale[at] += Math.abs(v);
    }
  }
  return {
    workload: axis === 1 ? 'sum-rows' : 'sum-cols', size: n,
    label: `sum axis ${axis} (${axis === 1 ? 'row' : 'column'} sums) ${n}²`, unit: 'ms',
    inputs: { x: host(x, [n, n]) }, scalars: {}, bytes: 4 * n * n + 4 * n,
    check: (out) => compare(out, n, expected, { atol: 1e-6, rtol: 1e-5 }, undefined, scale),
  };
}


function softmaxProblem(n: number): Problem {
  const x = uniform(n * n, -4, 4, 51);
  const expected = softmaxReference(x, n, n);
  return {
    workload: 'softmax', size: n, label: `softmax (last axis) ${n}²`, unit: 'ms',
    inputs: { x: host(x, [n, n]) }, scalars: {}, bytes: 8 * n * n,
    check: (out) => compare(out, n * n, expected, { atol: 1e-8, rtol: 1e-4 }),
  };
}

function mlpProblem(batch: number): Problem {
  const inputs: Record<string, HostTensor> = { x: host(uniform(batch * MLP_WIDTHS[0], 0, 1, 61), [batch, MLP_WIDTHS[0]]) };
  for (let l = 0; l < 3; l++) {
    const [fin, fout] = [MLP_WIDTHS[l], MLP_WIDTHS[l + 1]];
    const s = Math.sqrt(6 / (fin + fout)); // Glorot-uniform weights, small biases
    inputs[`w${l + 1}`] = host(uniform(fin * fout, -s, s, 62 + 2 * l), [fin, fout]);
    inputs[`b${l + 1}`] = host(uniform(fout, -0.1, 0.1, 63 + 2 * l), [fout]);
  }
  // Float64 forward pass: h = relu(h·W + b) twice, then softmax(h·W3 + b3).
  let h = Float64Array.from(inputs.x.data);
  for (let l = 0; l < 3; l++) {
    const [fin, fout] = [MLP_WIDTHS[l], MLP_WIDTHS[l + 1]];
    const w = inputs[`w${l + 1}`].data;
    const b = inputs[`b${l + 1}`].data;
    const z = new Float64Array(batch * fout);
    for (let r = 0; r < batch; r++) {
      for (let k = 0; k < fin; k++) {
        const v = h[r * fin + k];
        for (let c = 0; c < fout; c++) z[r * fout + c] += v * w[k * fout + c];
      }
      for (let c = 0; c < fout; c++) z[r * fout + c] += b[c];
    }
    h = l < 2 ? z.map((v) => Math.max(v, 0)) : z;
  }
  const logits = Float32Array.from(h);
  const expected = softmaxReference(logits, batch, MLP_WIDTHS[3]);
  const flops = 2 * batch * (784 * 256 + 256 * 256 + 256 * 10);
  return {
    workload: 'mlp', size: batch, label: `MLP ${batch}×784→256→256→10`, unit: 'ms',
    inputs, scalars: {}, flops,
    check: (out) => compare(out, batch * MLP_WIDTHS[3], expected, { atol: 1e-6, rtol: 1e-3 }),
  };
}

/** `ops` chained adds y = y + x on a 4-element vector: y ends as (ops + 1)·x. */
function dispatchProblem(ops: number): Problem {
  const x = new Float32Array([1, 2, 3, 4]);
  const expected = Float64Array.from(x, (v) => v * (ops + 1));
  return {
    workload: 'dispatch', size: ops, label: `dispatch: ${ops} chained adds [4]`, unit: 'µs/op', ops,
    inputs: { x: host(x, [4]) }, scalars: {},
    check: (out) => compare(out, 4, expected, { atol: 0, rtol: 1e-6 }),
  };
}

// ---- Image-model layers (issue 17): NHWC, float32 ------------------------------------------------------------

/** Channels of the convolution workload (1×n×n×32 → 64), and of the depthwise and pooling inputs (64). */
export const CONV_CHANNELS = { in: 32, out: 64 };
export const DEPTHWISE_CHANNELS = 64;
/** The CNN: 64×64×3 images; conv 3×3 3→16, pool, conv 3×3 16→32, pool, dense 16·16·32 → 10, softmax. */
export const CNN = { size: 64, channels: [3, 16, 32], classes: 10 };

/**
 * A stride-1 'same' convolution (odd square kernel k, padding (k−1)/2 each side) at one output element, in float64:
 * the sum and Σ|terms| (the check's scale). NHWC input [N, H, W, C]; filter [k, k, C, M]. Regular: M output channels,
 * each summing over all C input channels; depthwise (M = 1 multiplier): output channel c reads input channel c only.
 */
function convAt(
  x: ArrayLike<number>, [, H, W, C]: number[], f: ArrayLike<number>, k: number, outC: number,
  depthwise: boolean, n: number, oh: number, ow: number, co: number,
): [number, number] {
  const half = (k - 1) >> 1;
  let s = 0;
  let abs = 0;
  for (let i = 0; i < k; i++) {
    const ih = oh + i - half;
    if (ih < 0 || ih >= H) continue;
    for (let j = 0; j < k; j++) {
      const iw = ow + j - half;
      if (iw < 0 || iw >= W) continue;
      const base = ((n * H + ih) * W + iw) * C;
      if (depthwise) {
        const p = x[base + co] * f[(i * k + j) * C + co];
        s += p;
        abs += Math.abs(p);
      } else {
        for (let c = 0; c < C; c++) {
          const p = x[base + c] * f[((i * k + j) * C + c) * outC + co];
          s += p;
          abs += Math.abs(p);
        }
      }
    }
  }
  return [s, abs];
}

/** Sample indices into an N×H×W×C output: the four spatial corners (first and last channel), then seeded picks. */
function convSample([N, H, W, C]: number[], count: number, seed: number): Int32Array {
  const corners: number[] = [];
  for (const h of [0, H - 1]) for (const w of [0, W - 1]) for (const c of [0, C - 1]) corners.push(((0 * H + h) * W + w) * C + c);
  const total = N * H * W * C;
  const pick = uniform(count, 0, total, seed);
  return new Int32Array(count).map((_, i) => (i < corners.length ? corners[i] : Math.floor(pick[i])));
}

/** conv2d 3×3, 1×n×n×32 → 64 channels, stride 1, 'same'; checked on a sample of 4096 outputs (as matmul). */
function conv2dProblem(n: number): Problem {
  const { in: C, out: M } = CONV_CHANNELS;
  const xShape = [1, n, n, C];
  const x = uniform(n * n * C, -1, 1, 71);
  const s = Math.sqrt(3 / (9 * C)); // unit-variance outputs
  const filter = uniform(9 * C * M, -s, s, 72);
  const outShape = [1, n, n, M];
  const indices = convSample(outShape, Math.min(4096, n * n * M), 73);
  const expected = new Float64Array(indices.length);
  const scale = new Float64Array(indices.length);
  indices.forEach((at, i) => {
    const co = at % M;
    const ow = Math.floor(at / M) % n;
    const oh = Math.floor(at / (M * n)) % n;
    [expected[i], scale[i]] = convAt(x, xShape, filter, 3, M, false, 0, oh, ow, co);
  });
  return {
    workload: 'conv2d', size: n, label: `conv2d 3×3 1×${n}×${n}×${C}→${M}`, unit: 'ms',
    inputs: { x: host(x, xShape), filter: host(filter, [3, 3, C, M]) }, scalars: {},
    flops: 2 * n * n * M * 9 * C,
    check: (out) => compare(out, n * n * M, expected, { atol: 1e-6, rtol: 1e-4 }, indices, scale),
  };
}

/** depthwiseConv2d 3×3 (multiplier 1), 1×n×n×64, stride 1, 'same'; every output checked. */
function depthwiseProblem(n: number): Problem {
  const C = DEPTHWISE_CHANNELS;
  const xShape = [1, n, n, C];
  const x = uniform(n * n * C, -1, 1, 81);
  const filter = uniform(9 * C, -0.5, 0.5, 82);
  const expected = new Float64Array(n * n * C);
  const scale = new Float64Array(n * n * C);
  for (let oh = 0, at = 0; oh < n; oh++) {
    for (let ow = 0; ow < n; ow++) {
      for (let c = 0; c < C; c++, at++) [expected[at], scale[at]] = convAt(x, xShape, filter, 3, 1, true, 0, oh, ow, c);
    }
  }
  return {
    workload: 'depthwise', size: n, label: `depthwiseConv2d 3×3 1×${n}×${n}×${C}`, unit: 'ms',
    inputs: { x: host(x, xShape), filter: host(filter, [3, 3, C, 1]) }, scalars: {},
    flops: 2 * n * n * C * 9,
    check: (out) => compare(out, n * n * C, expected, { atol: 1e-6, rtol: 1e-5 }, undefined, scale),
  };
}

/** Max pooling 2×2, stride 2 ('valid') of an NHWC array, in float64 (odd trailing rows/columns dropped). */
function maxPool2(x: ArrayLike<number>, [N, H, W, C]: number[]): Float64Array {
  const [oH, oW] = [H >> 1, W >> 1];
  const out = new Float64Array(N * oH * oW * C).fill(-Infinity);
  for (let b = 0; b < N; b++) {
    for (let oh = 0; oh < oH; oh++) {
      for (let ow = 0; ow < oW; ow++) {
        const o = ((b * oH + oh) * oW + ow) * C;
        for (let i = 0; i < 2; i++) {
          for (let j = 0; j < 2; j++) {
            const base = ((b * H + 2 * oh + i) * W + 2 * ow + j) * C;
            for (let c = 0; c < C; c++) out[o + c] = Math.max(out[o + c], x[base + c]);
          }
        }
      }
    }
  }
  return out;
}

/** maxPool 2×2, stride 2, 1×n×n×64: exact (a maximum rounds nothing). */
function maxpoolProblem(n: number): Problem {
  const C = DEPTHWISE_CHANNELS;
  const xShape = [1, n, n, C];
  const x = uniform(n * n * C, -1, 1, 91);
  const expected = maxPool2(x, xShape);
  const outLen = (n >> 1) * (n >> 1) * C;
  return {
    workload: 'maxpool', size: n, label: `maxPool 2×2 stride 2 1×${n}×${n}×${C}`, unit: 'ms',
    inputs: { x: host(x, xShape) }, scalars: {},
    bytes: 4 * (n * n * C + outLen),
    check: (out) => compare(out, outLen, expected, { atol: 0, rtol: 0 }),
  };
}

/** relu(conv3×3 'same'(x) + bias), the whole NHWC output in float64. */
function convBiasRelu(x: ArrayLike<number>, shape: number[], f: Float32Array, bias: Float32Array): Float64Array {
  const [N, H, W] = shape;
  const M = bias.length;
  const out = new Float64Array(N * H * W * M);
  for (let b = 0, at = 0; b < N; b++) {
    for (let oh = 0; oh < H; oh++) {
      for (let ow = 0; ow < W; ow++) {
        for (let co = 0; co < M; co++, at++) out[at] = Math.max(convAt(x, shape, f, 3, M, false, b, oh, ow, co)[0] + bias[co], 0);
      }
    }
  }
  return out;
}

/**
 * The small CNN on a batch of 64×64×3 images: conv 3×3 3→16 'same' + bias + relu + maxPool 2×2/2, conv 3×3 16→32
 * 'same' + bias + relu + maxPool 2×2/2, flatten (NHWC order) to 16·16·32 = 8192, dense → 10 + bias, softmax.
 */
function cnnProblem(batch: number): Problem {
  const S = CNN.size;
  const [c0, c1, c2] = CNN.channels;
  const K = CNN.classes;
  const flat = (S / 4) * (S / 4) * c2;
  const glorot = (fin: number, fout: number, n: number, seed: number) => {
    const s = Math.sqrt(6 / (fin + fout));
    return uniform(n, -s, s, seed);
  };
  const inputs: Record<string, HostTensor> = {
    x: host(uniform(batch * S * S * c0, 0, 1, 101), [batch, S, S, c0]),
    w1: host(glorot(9 * c0, 9 * c1, 9 * c0 * c1, 102), [3, 3, c0, c1]),
    b1: host(uniform(c1, -0.1, 0.1, 103), [c1]),
    w2: host(glorot(9 * c1, 9 * c2, 9 * c1 * c2, 104), [3, 3, c1, c2]),
    b2: host(uniform(c2, -0.1, 0.1, 105), [c2]),
    // Larger than Glorot so the logits spread and the softmax is far from uniform (a meaningful check).
    w3: host(glorot(flat, K, flat * K, 106).map((v) => 4 * v), [flat, K]),
    b3: host(uniform(K, -0.1, 0.1, 107), [K]),
  };
  const d = (k: string) => inputs[k].data;
  const h1 = maxPool2(convBiasRelu(d('x'), [batch, S, S, c0], d('w1'), d('b1')), [batch, S, S, c1]);
  const h2 = maxPool2(convBiasRelu(h1, [batch, S / 2, S / 2, c1], d('w2'), d('b2')), [batch, S / 2, S / 2, c2]);
  const logits = new Float64Array(batch * K);
  for (let r = 0; r < batch; r++) {
    for (let c = 0; c < K; c++) {
      let s = d('b3')[c];
      for (let k = 0; k < flat; k++) s += h2[r * flat + k] * d('w3')[k * K + c];
      logits[r * K + c] = s;
    }
  }
  const expected = softmaxReference(logits, batch, K);
  const conv = (h: number, cin: number, cout: number) => 2 * batch * h * h * cout * 9 * cin;
  return {
    workload: 'cnn', size: batch, label: `CNN ${batch}×${S}×${S}×${c0} (conv-relu-pool ×2, dense, softmax)`, unit: 'ms',
    inputs, scalars: {},
    flops: conv(S, c0, c1) + conv(S / 2, c1, c2) + 2 * batch * flat * K,
    // Float32 through two convolutions and an 8192-term dense layer (the logits' float32 rounding, as in MLP).
    check: (out) => compare(out, batch * K, expected, { atol: 1e-5, rtol: 2e-3 }),
  };
}

/** The problem of a workload at a size (the size's meaning per workload: see options.ts). */
export function makeProblem(workload: WorkloadId, size: number): Problem {
  switch (workload) {
    case 'matmul':
      return matmulProblem(size);
    case 'chain':
    case 'chain-sweep':
    case 'cold':
      return chainProblem(size, workload);
    case 'copy':
      return copyProblem(size);
    case 'sum-rows':
      return sumProblem(size, 1);
    case 'sum-cols':
      return sumProblem(size, 0);
    case 'softmax':
      return softmaxProblem(size);
    case 'mlp':
      return mlpProblem(size);
    case 'dispatch':
      return dispatchProblem(size);
    case 'conv2d':
      return conv2dProblem(size);
    case 'depthwise':
      return depthwiseProblem(size);
    case 'maxpool':
      return maxpoolProblem(size);
    case 'cnn':
      return cnnProblem(size);
    case 'mlp-grad':
    case 'mlp-grad-small':
      return mlpGradProblem(size, workload);
    case 'train-mlp':
    case 'train-mlp-small':
      return trainMlpProblem(size, workload);
    default:
      return workload satisfies never;
  }
}
