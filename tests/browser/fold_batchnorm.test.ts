// The foldBatchNorm pass: a batchNorm with constant statistics after a convolution with constant weights (and
// bias) folds into them. Checked: its report, that the fused convolution's epilogue keeps no scale or shift
// (only the bias add, then relu), one kernel per run, the same values as with the pass off and as a plain-loop
// reference; and what it must leave alone (statistics fed at run time, a convolution output read elsewhere).
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { gpuBackend } from '../helpers/devices';

const seq = (n: number, a: number, s: number, shift = 0) => Array.from({ length: n }, (_, i) => (((i * a) % 13) - 6) / s + shift);
const N = 2, H = 5, W = 4, C = 3, OC = 4;
const X = seq(N * H * W * C, 5, 4);
const F = seq(3 * 3 * C * OC, 7, 8);
const B = seq(OC, 3, 2);
const MEAN = seq(OC, 5, 3);
const VAR = seq(OC, 2, 10, 1);
const OFF = seq(OC, 4, 5);
const SCALE = seq(OC, 6, 7, 1.5);
const EPS = 0.001;
const xFeed = () => wg.tensor(X, [N, H, W, C]);

/** conv (same, stride 1) + bias → batchNorm → relu, in float64 loops. */
function reference(): number[] {
  const out: number[] = [];
  for (let n = 0; n < N; n++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let o = 0; o < OC; o++) {
    let s = 0;
    for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) {
      const ih = h + kh - 1, iw = w + kw - 1;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      for (let c = 0; c < C; c++) s += X[((n * H + ih) * W + iw) * C + c] * F[((kh * 3 + kw) * C + c) * OC + o];
    }
    const y = ((s + B[o] - MEAN[o]) / Math.sqrt(VAR[o] + EPS)) * SCALE[o] + OFF[o];
    out.push(Math.max(y, 0));
  }
  return out;
}

function build(opts: { fedStats?: boolean; fused?: boolean } = {}) {
  const g = new wg.Graph();
  const y = g.build(() => {
    const x = g.placeholder('float32', [N, H, W, C], 'x');
    const f = wg.tensor(F, [3, 3, C, OC]);
    const b = wg.tensor(B, [OC]);
    const mean = opts.fedStats ? g.placeholder('float32', [OC], 'mean') : wg.tensor(MEAN, [OC]);
    const conv = opts.fused ? wg.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', bias: b }) : wg.conv2d(x, f, 1, 'same').add(b);
    return wg.relu(wg.batchNorm(conv, mean, wg.tensor(VAR, [OC]), wg.tensor(OFF, [OC]), wg.tensor(SCALE, [OC]), EPS));
  });
  return { g, y };
}

async function runTwice(g: wg.Graph, y: wg.Tensor, feeds: Record<string, unknown>, optimizations?: wg.Optimizations) {
  const sess = new wg.Session(g, { optimizations });
  await sess.run(y, feeds as never);
  const before = gpuBackend().dispatches;
  const value = ((await sess.run(y, feeds as never)) as unknown[]).flat(4) as number[];
  const kernels = gpuBackend().dispatches - before;
  const info = sess.explain();
  sess.close();
  for (const v of Object.values(feeds)) if (v instanceof wg.Tensor) v.dispose();
  return { value, kernels, info };
}

const close = (got: number[], want: number[]) => want.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-4 * (1 + Math.abs(v))));

describe('foldBatchNorm', () => {
  for (const fused of [false, true]) {
    test(`conv2d${fused ? ' (fused, with bias)' : ' + bias'} + batchNorm + relu folds into one kernel with a bias-only epilogue`, async () => {
      const { g, y } = build({ fused });
      const { value, kernels, info } = await runTwice(g, y, { x: xFeed() });
      const report = info.reports.find((r) => r.pass === 'foldBatchNorm')!;
      expect(report.removed).toBe(1);
      expect(report.detail).toMatch(/1 batch normalisations? folded/);
      expect(kernels).toBe(1);
      const conv = info.kernels.find((k) => k.kind === 'conv')!;
      // The epilogue: v + bias, then relu — no rsqrt, no multiplication by a scale, no subtraction of a mean.
      const epilogue = conv.description.slice(conv.description.indexOf('epilogue'));
      expect(epilogue).toMatch(/add/);
      expect(epilogue).not.toMatch(/rsqrt|mul|sub/);
      close(value, reference());
      // With the pass off: the same values, and the normalisation still in the epilogue.
      const off = await runTwice(g, y, { x: xFeed() }, { foldBatchNorm: false });
      expect(off.info.reports.some((r) => r.pass === 'foldBatchNorm')).toBe(false);
      expect(off.info.kernels.find((k) => k.kind === 'conv')!.description).toMatch(/rsqrt/);
      close(value, off.value);
      g.dispose();
    });
  }

  test('statistics fed at run time are not folded', async () => {
    const { g, y } = build({ fedStats: true });
    const { value, info } = await runTwice(g, y, { x: xFeed(), mean: MEAN });
    expect(info.reports.find((r) => r.pass === 'foldBatchNorm')!.removed).toBe(0);
    close(value, reference());
    g.dispose();
  });

  test('a convolution output that is also fetched is not folded', async () => {
    const g = new wg.Graph();
    const [conv, y] = g.build(() => {
      const x = g.placeholder('float32', [N, H, W, C], 'x');
      const c = wg.conv2d(x, wg.tensor(F, [3, 3, C, OC]), 1, 'same');
      const c2 = [wg.tensor(MEAN, [OC]), wg.tensor(VAR, [OC])];
      return [c, wg.batchNorm(c, c2[0], c2[1])];
    });
    const sess = new wg.Session(g);
    const x = xFeed();
    const [cv, yv] = ((await sess.run([conv, y], { x } as never)) as unknown[][]).map((v) => v.flat(4) as number[]);
    expect(sess.explain().reports.find((r) => r.pass === 'foldBatchNorm')!.removed).toBe(0);
    yv.forEach((v, i) => expect(v).toBeCloseTo((cv[i] - MEAN[i % OC]) / Math.sqrt(VAR[i % OC] + 0.001), 4));
    sess.close();
    x.dispose();
    g.dispose();
  });
});
