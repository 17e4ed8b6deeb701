// The convolution kernels (engine/shaders/conv.ts on WebGPU, engine/backend/cpu/conv.ts) through runConv, against a
// plain-loop reference written here: every variant the selection point can pick (vec4 input and filter reads or
// scalar ones, depthwise with and without a channel multiplier, input dilation, NCHW, flipped filter views, a
// fused epilogue with a bias), on both devices. The public ops are checked against NumPy in the fixture suites.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { CONV_IM2COL, type ConvSpec, runConv } from '../../engine/eager/dispatch_conv';
import { prim } from '../../engine/ir/expr';
import { onDevice } from '../helpers/devices';

interface Case {
  x: number[]; // [N, H, W, C]
  f: number[]; // [kH, kW, C, OC or multiplier]
  s?: [number, number];
  d?: [number, number];
  p?: [number, number, number, number];
  id?: [number, number];
  depthwise?: boolean;
  nchw?: boolean;
  flip?: boolean;
  bias?: boolean;
}

const seq = (n: number, a: number, b: number) => Float32Array.from({ length: n }, (_, i) => (((i * a) % 17) - 8) / b);

/** out size and the plain-loop convolution (NHWC, float64 sums). */
function reference(c: Case, x: Float32Array, f: Float32Array, bias?: Float32Array) {
  const [N, H, W, C] = c.x;
  const [kH, kW, , M] = c.f;
  const [sH, sW] = c.s ?? [1, 1];
  const [dH, dW] = c.d ?? [1, 1];
  const [pT, pB, pL, pR] = c.p ?? [0, 0, 0, 0];
  const [iH, iW] = c.id ?? [1, 1];
  const vH = (H - 1) * iH + 1, vW = (W - 1) * iW + 1;
  const OH = Math.floor((vH + pT + pB - (dH * (kH - 1) + 1)) / sH) + 1;
  const OW = Math.floor((vW + pL + pR - (dW * (kW - 1) + 1)) / sW) + 1;
  const OC = c.depthwise ? C * M : M;
  const fAt = (kh: number, kw: number, ci: number, m: number) => (c.flip ? f[(((kH - 1 - kh) * kW + (kW - 1 - kw)) * M + m) * C + ci] : f[((kh * kW + kw) * C + ci) * M + m]);
  const y = new Float64Array(N * OH * OW * OC);
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let oc = 0; oc < OC; oc++) {
    let s = 0;
    for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
      const h = oh * sH + kh * dH - pT, w = ow * sW + kw * dW - pL;
      if (h < 0 || w < 0 || h % iH || w % iW || h / iH >= H || w / iW >= W) continue;
      const xi = ((n * H + h / iH) * W + w / iW) * C;
      if (c.depthwise) s += x[xi + Math.floor(oc / M)] * fAt(kh, kw, Math.floor(oc / M), oc % M);
      else for (let ci = 0; ci < C; ci++) s += x[xi + ci] * fAt(kh, kw, ci, oc);
    }
    if (bias) s = Math.max(s + bias[oc], 0);
    y[((n * OH + oh) * OW + ow) * OC + oc] = s;
  }
  return { y, out: [N, OH, OW, OC], OH, OW };
}

async function run(device: 'webgpu' | 'cpu', c: Case) {
  const x = seq(c.x.reduce((a, b) => a * b), 5, 4);
  const f = seq(c.f.reduce((a, b) => a * b), 7, 8);
  const bias = c.bias ? seq(c.depthwise ? c.x[3] * c.f[3] : c.f[3], 3, 2) : undefined;
  const ref = reference(c, x, f, bias);
  const got = await onDevice(device, () =>
    wg.scope(async () => {
      const [N, H, W, C] = c.x;
      let xt = wg.tensor(x, c.x);
      if (c.nchw) xt = wg.transpose(xt, [0, 3, 1, 2]).clone();
      let ft = wg.tensor(f, c.f);
      // A flipped filter stored as [kH, kW, M, C] (a transposed convolution's layout): a view with negative strides.
      if (c.flip) ft = wg.reverse(wg.transpose(wg.tensor(f, [c.f[0], c.f[1], c.f[3], c.f[2]]), [0, 1, 3, 2]), [0, 1]);
      const spec: ConvSpec = {
        outSize: [ref.OH, ref.OW], strides: c.s ?? [1, 1], dilations: c.d ?? [1, 1], pads: c.p ?? [0, 0, 0, 0],
        inDilations: c.id, depthwise: c.depthwise, channelsFirst: c.nchw,
      };
      const b = bias && wg.tensor(bias, c.nchw ? [bias.length, 1, 1] : [bias.length]);
      const epi = b && { name: 'bias+relu', extras: [b], build: (v: any, [e]: any[]) => prim('max', prim('add', v, e), prim('sub', e, e)) };
      let y = runConv('conv', xt, ft, spec, epi);
      if (c.nchw) y = wg.transpose(y, [0, 2, 3, 1]);
      void N; void H; void W; void C;
      return { shape: y.shape, data: await y.data() };
    }),
  );
  expect(got.shape).toEqual(ref.out);
  for (let i = 0; i < ref.y.length; i++) {
    if (Math.abs(got.data[i] - ref.y[i]) > 1e-4 * (1 + Math.abs(ref.y[i]))) throw new Error(`element ${i}: ${got.data[i]} vs ${ref.y[i]}`);
  }
}

const CASES: [string, Case][] = [
  ['3x3 same, C and OC multiples of 4 (vec4 input and filter)', { x: [2, 7, 6, 8], f: [3, 3, 8, 16], p: [1, 1, 1, 1] }],
  ['odd channels (scalar reads)', { x: [1, 6, 5, 3], f: [3, 2, 3, 5], p: [1, 1, 0, 1] }],
  ['strides and dilations together', { x: [1, 9, 9, 4], f: [3, 3, 4, 8], s: [2, 2], d: [2, 2], p: [2, 1, 1, 2] }],
  ['window as large as the input', { x: [2, 5, 4, 4], f: [5, 4, 4, 4] }],
  ['1x1 stride 1 (matmul form)', { x: [2, 4, 5, 8], f: [1, 1, 8, 12] }],
  ['1x1 stride 2 with bias', { x: [1, 5, 5, 8], f: [1, 1, 8, 4], s: [2, 2], bias: true }],
  ['NCHW with bias', { x: [2, 5, 6, 3], f: [3, 3, 3, 4], p: [1, 1, 1, 1], nchw: true, bias: true }],
  ['input dilation, flipped filter view (transposed convolution)', { x: [1, 4, 3, 4], f: [3, 3, 4, 8], id: [2, 2], p: [2, 2, 1, 2], flip: true }],
  ['depthwise, multiplier 1 (vec4)', { x: [2, 6, 7, 8], f: [3, 3, 8, 1], p: [1, 1, 1, 1], depthwise: true, bias: true }],
  ['depthwise, multiplier 3', { x: [1, 6, 5, 3], f: [3, 2, 3, 3], s: [2, 1], p: [1, 1, 0, 1], depthwise: true }],
  ['depthwise 5×5 row strips, width not a multiple of the strip, stride 2 down', { x: [2, 7, 9, 8], f: [5, 5, 8, 1], s: [2, 1], p: [2, 2, 2, 2], depthwise: true, bias: true }],
  ['depthwise NCHW, dilated', { x: [1, 8, 8, 4], f: [3, 3, 4, 1], d: [2, 2], p: [2, 2, 2, 2], depthwise: true, nchw: true }],
  ['many pixels (grid spills past one dimension on small limits)', { x: [1, 40, 40, 4], f: [3, 3, 4, 4], p: [1, 1, 1, 1] }],
];

for (const device of ['webgpu', 'cpu'] as const) {
  describe(`conv kernels on ${device}`, () => {
    for (const [name, c] of CASES) test(name, () => run(device, c));
  });
}

describe('conv forms', () => {
  test('the patch-gather form (im2col + matmul) agrees with the reference', async () => {
    const keep = CONV_IM2COL.useOnCpuLike;
    CONV_IM2COL.useOnCpuLike = () => true;
    try {
      for (const [, c] of CASES.filter(([, c]) => !c.depthwise)) await run('webgpu', c);
    } finally {
      CONV_IM2COL.useOnCpuLike = keep;
    }
  });
});
