// wg.losses (engine/train/losses.ts) against TensorFlow.js 4.22's tf.losses (@tensorflow/tfjs-core on its CPU
// backend, in the same page). The same seeded float32 inputs go to both; every loss runs with no weights, a
// scalar weight, per-element weights (a third of them zero, so SUM_BY_NONZERO_WEIGHTS counts) and weights that
// broadcast (size-1 last axis, so MEAN divides by the broadcast factor), under EVERY reduction. TensorFlow's
// sparseSoftmaxCrossEntropy is checked against tf.losses.softmaxCrossEntropy of tf.oneHot(labels). Gradients
// w.r.t. predictions/logits (wg.grad eagerly, and once inside a wg.function and a withMode('graph') block) are
// checked against tf.grad of the same TF.js loss; so is a wg.Graph with [null, 5] placeholders (sizes counted
// at run time). Huge logits are checked against float64 plain JavaScript (the stable forms). Bad input throws
// wgflow's typed errors naming the function.
//
// Tolerance (float32 on both sides): |wgflow − TF.js| ≤ RTOL·|TF.js| + ATOL·max|TF.js| per element, RTOL = 1e-4,
// ATOL = 1e-5 (the engines sum in different orders and use their own exp/log). Breaking one formula (e.g. the
// hinge loss's 2·labels − 1 written as labels − 1, or MEAN ignoring the broadcast factor) fails this file.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core alone registers no gradient functions (the union package @tensorflow/tfjs imports this).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import * as losses from '../../engine/train/losses';
import { DTypeError, ShapeError, WgError } from '../../engine/core/errors';
import { uniform } from '../helpers/seeded';
import { mismatches as compareWithin } from '../helpers/peer_compare';

const RTOL = 1e-4;
const ATOL = 1e-5;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const REDUCTIONS = ['NONE', 'MEAN', 'SUM', 'SUM_BY_NONZERO_WEIGHTS'] as const;
type RName = (typeof REDUCTIONS)[number];

interface Arr {
  shape: number[];
  data: Float32Array;
}
const arr = (shape: number[], seed: number, lo = -1, hi = 1): Arr => ({ shape, data: uniform(seed, size(shape), lo, hi) });

/** One-hot rows [n, classes] (float), and the class ids. */
function oneHot(seed: number, n: number, classes: number): { hot: Arr; ids: Int32Array } {
  const r = uniform(seed, n, 0, classes);
  const ids = Int32Array.from(r, (v) => Math.floor(v));
  const data = new Float32Array(n * classes);
  ids.forEach((c, i) => (data[i * classes + c] = 1));
  return { hot: { shape: [n, classes], data }, ids };
}

/** 0/1 labels of a shape. */
const binary = (shape: number[], seed: number): Arr => ({ shape, data: Float32Array.from(uniform(seed, size(shape)), (v) => (v > 0 ? 1 : 0)) });

/** Rows normalised to unit length along the last axis (cosineDistance's inputs). */
function unitRows(a: Arr): Arr {
  const n = a.shape[a.shape.length - 1];
  const data = a.data.slice();
  for (let r = 0; r < data.length; r += n) {
    let s = 0;
    for (let i = r; i < r + n; i++) s += data[i] * data[i];
    for (let i = r; i < r + n; i++) data[i] /= Math.sqrt(s);
  }
  return { shape: a.shape, data };
}

type WgLoss = (l: wg.Tensor, p: wg.Tensor, w: wg.Tensor | undefined, r: losses.Reduction) => wg.Tensor;
type TfLoss = (l: tf.Tensor, p: tf.Tensor, w: tf.Tensor | undefined, r: tf.Reduction) => tf.Tensor;

interface Case {
  name: string;
  labels: Arr;
  predictions: Arr;
  /** The shape of the unreduced losses (what per-element weights take). */
  lossShape: number[];
  wg: WgLoss;
  tf: TfLoss;
}

const S = [4, 5];
const X = arr(S, 11, -2, 2);
const Y = arr(S, 12, -2, 2);
const hot = oneHot(13, 4, 5);

const CASES: Case[] = [
  { name: 'meanSquaredError', labels: Y, predictions: X, lossShape: S, wg: (l, p, w, r) => losses.meanSquaredError(l, p, w, r), tf: (l, p, w, r) => tf.losses.meanSquaredError(l, p, w, r) },
  { name: 'absoluteDifference', labels: Y, predictions: X, lossShape: S, wg: (l, p, w, r) => losses.absoluteDifference(l, p, w, r), tf: (l, p, w, r) => tf.losses.absoluteDifference(l, p, w, r) },
  { name: 'huberLoss (delta 1)', labels: Y, predictions: X, lossShape: S, wg: (l, p, w, r) => losses.huberLoss(l, p, w, 1, r), tf: (l, p, w, r) => tf.losses.huberLoss(l, p, w, 1, r) },
  { name: 'huberLoss (delta 0.5)', labels: Y, predictions: X, lossShape: S, wg: (l, p, w, r) => losses.huberLoss(l, p, w, 0.5, r), tf: (l, p, w, r) => tf.losses.huberLoss(l, p, w, 0.5, r) },
  {
    name: 'logLoss',
    labels: arr(S, 14, 0, 1),
    predictions: arr(S, 15, 0.02, 0.98),
    lossShape: S,
    wg: (l, p, w, r) => losses.logLoss(l, p, w, 1e-7, r),
    tf: (l, p, w, r) => tf.losses.logLoss(l, p, w, 1e-7, r),
  },
  {
    name: 'sigmoidCrossEntropy',
    labels: binary(S, 16),
    predictions: arr(S, 17, -4, 4),
    lossShape: S,
    wg: (l, p, w, r) => losses.sigmoidCrossEntropy(l, p, w, 0, r),
    tf: (l, p, w, r) => tf.losses.sigmoidCrossEntropy(l, p, w, 0, r),
  },
  {
    name: 'sigmoidCrossEntropy (labelSmoothing 0.1)',
    labels: binary(S, 16),
    predictions: arr(S, 17, -4, 4),
    lossShape: S,
    wg: (l, p, w, r) => losses.sigmoidCrossEntropy(l, p, w, 0.1, r),
    tf: (l, p, w, r) => tf.losses.sigmoidCrossEntropy(l, p, w, 0.1, r),
  },
  {
    name: 'softmaxCrossEntropy',
    labels: hot.hot,
    predictions: arr([4, 5], 18, -3, 3),
    lossShape: [4],
    wg: (l, p, w, r) => losses.softmaxCrossEntropy(l, p, w, 0, r),
    tf: (l, p, w, r) => tf.losses.softmaxCrossEntropy(l, p, w, 0, r),
  },
  {
    name: 'softmaxCrossEntropy (labelSmoothing 0.2)',
    labels: hot.hot,
    predictions: arr([4, 5], 18, -3, 3),
    lossShape: [4],
    wg: (l, p, w, r) => losses.softmaxCrossEntropy(l, p, w, 0.2, r),
    tf: (l, p, w, r) => tf.losses.softmaxCrossEntropy(l, p, w, 0.2, r),
  },
  {
    name: 'cosineDistance (axis 1)',
    labels: unitRows(arr(S, 19)),
    predictions: unitRows(arr(S, 20)),
    lossShape: [4, 1],
    wg: (l, p, w, r) => losses.cosineDistance(l, p, 1, w, r),
    tf: (l, p, w, r) => tf.losses.cosineDistance(l, p, 1, w, r),
  },
  {
    name: 'cosineDistance (axis 0)',
    labels: unitRows(arr(S, 19)),
    predictions: unitRows(arr(S, 20)),
    lossShape: [1, 5],
    wg: (l, p, w, r) => losses.cosineDistance(l, p, 0, w, r),
    tf: (l, p, w, r) => tf.losses.cosineDistance(l, p, 0, w, r),
  },
  { name: 'hingeLoss', labels: binary(S, 21), predictions: X, lossShape: S, wg: (l, p, w, r) => losses.hingeLoss(l, p, w, r), tf: (l, p, w, r) => tf.losses.hingeLoss(l, p, w, r) },
  {
    name: 'computeWeightedLoss',
    labels: arr(S, 22, 0, 3),
    predictions: arr(S, 22, 0, 3),
    lossShape: S,
    // The "labels" are the losses themselves (predictions unused but for the gradient: losses · predictions).
    wg: (l, p, w, r) => losses.computeWeightedLoss(wg.mul(l, p), w, r),
    tf: (l, p, w, r) => tf.losses.computeWeightedLoss(tf.mul(l, p), w, r),
  },
];

/** The weights variants for a loss shape: none, a scalar, per-element (every third zero), broadcasting. */
function weightVariants(lossShape: number[]): { name: string; w: Arr | null }[] {
  const per = arr(lossShape, 30, 0.1, 2);
  per.data.forEach((_, i) => i % 3 === 1 && (per.data[i] = 0));
  const last = lossShape.length - 1;
  const bshape = lossShape[last] > 1 ? lossShape.map((d, i) => (i === last ? 1 : d)) : lossShape.map(() => 1);
  return [
    { name: 'no weights', w: null },
    { name: 'scalar weight', w: { shape: [], data: Float32Array.of(0.7) } },
    { name: 'per-element weights', w: per },
    { name: `weights ${JSON.stringify(bshape)}`, w: arr(bshape, 31, 0.5, 1.5) },
  ];
}

/** The elements where `got` is not within this file's tolerance of `want`. */
const mismatches = (got: Float32Array, want: Float32Array) => compareWithin(got, want, RTOL, ATOL);

function expectClose(got: { shape: number[]; data: Float32Array }, want: { shape: number[]; data: Float32Array }, label: string): void {
  expect(got.shape, `${label}: shape`).toEqual(want.shape);
  const bad = mismatches(got.data, want.data);
  if (bad.length) expect.fail(`${label}: ${bad.length} of ${want.data.length} elements differ: ${bad.slice(0, 4).join(', ')}`);
}

const wgT = (a: Arr) => wg.tensor(a.data, a.shape);
const tfT = (a: Arr) => tf.tensor(a.data, a.shape, 'float32');

async function readWg(ts: wg.Tensor[]): Promise<{ shape: number[]; data: Float32Array }[]> {
  return Promise.all(ts.map(async (t) => ({ shape: [...t.shape], data: (await t.data()) as Float32Array })));
}
async function readTf(ts: tf.Tensor[]): Promise<{ shape: number[]; data: Float32Array }[]> {
  const out = await Promise.all(ts.map(async (t) => ({ shape: [...t.shape], data: (await t.data()) as Float32Array })));
  tf.dispose(ts);
  return out;
}

beforeAll(async () => {
  if (!(await tf.setBackend('cpu'))) throw new Error('TensorFlow.js: the cpu backend failed to initialise');
});

test('Reduction has TensorFlow.js names and values', () => {
  const tfNames = Object.keys(tf.Reduction).filter((k) => Number.isNaN(Number(k)));
  expect(Object.keys(losses.Reduction).sort()).toEqual([...tfNames].sort());
  for (const n of tfNames) expect(losses.Reduction[n as RName], n).toBe(tf.Reduction[n as RName]);
});

describe('values against tf.losses: every weights variant, every reduction', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const variants = weightVariants(c.lossShape);
      // TF.js: every (weights, reduction) pair.
      const want = await readTf(
        tf.tidy(() => variants.flatMap((v) => REDUCTIONS.map((r) => c.tf(tfT(c.labels), tfT(c.predictions), v.w ? tfT(v.w) : undefined, tf.Reduction[r])))),
      );
      const got = await wg.scope(async () => {
        const l = wgT(c.labels);
        const p = wgT(c.predictions);
        return readWg(variants.flatMap((v) => REDUCTIONS.map((r) => c.wg(l, p, v.w ? wgT(v.w) : undefined, losses.Reduction[r]))));
      });
      let k = 0;
      for (const v of variants) for (const r of REDUCTIONS) expectClose(got[k], want[k++], `${c.name}, ${v.name}, ${r}`);
    });
  }

  test('sparseSoftmaxCrossEntropy vs tf.losses.softmaxCrossEntropy(tf.oneHot(labels))', async () => {
    const logits = arr([4, 5], 18, -3, 3);
    const variants = weightVariants([4]);
    const want = await readTf(
      tf.tidy(() => {
        const hotT = tf.oneHot(tf.tensor1d(hot.ids, 'int32'), 5);
        return variants.flatMap((v) => REDUCTIONS.map((r) => tf.losses.softmaxCrossEntropy(hotT, tfT(logits), v.w ? tfT(v.w) : undefined, 0, tf.Reduction[r])));
      }),
    );
    const got = await wg.scope(async () => {
      const ids = wg.tensor(hot.ids, [4], 'int32');
      const x = wgT(logits);
      return readWg(variants.flatMap((v) => REDUCTIONS.map((r) => losses.sparseSoftmaxCrossEntropy(ids, x, v.w ? wgT(v.w) : undefined, losses.Reduction[r]))));
    });
    let k = 0;
    for (const v of variants) for (const r of REDUCTIONS) expectClose(got[k], want[k++], `sparseSoftmaxCrossEntropy, ${v.name}, ${r}`);
  });
});

/** TF.js's gradient of a case's loss w.r.t. its predictions (per-element weights, the given reduction). */
async function tfGrad(c: Case, r: RName): Promise<{ shape: number[]; data: Float32Array }> {
  const w = weightVariants(c.lossShape)[2].w!;
  const [g] = await readTf([
    tf.tidy(() => {
      const l = tfT(c.labels);
      const wt = tfT(w);
      return tf.grad((p: tf.Tensor) => c.tf(l, p, wt, tf.Reduction[r]))(tfT(c.predictions));
    }),
  ]);
  return g;
}

describe('gradients w.r.t. predictions/logits against tf.grad', () => {
  test('every loss, eagerly (wg.grad), per-element weights, SUM_BY_NONZERO_WEIGHTS and MEAN', async () => {
    for (const c of CASES) {
      const w = weightVariants(c.lossShape)[2].w!;
      for (const r of ['SUM_BY_NONZERO_WEIGHTS', 'MEAN'] as const) {
        const want = await tfGrad(c, r);
        const [got] = await wg.scope(async () => {
          const l = wgT(c.labels);
          const wt = wgT(w);
          return readWg([wg.grad((p: wg.Tensor) => c.wg(l, p, wt, losses.Reduction[r]))(wgT(c.predictions))]);
        });
        expectClose(got, want, `d ${c.name} (${r}) / d predictions`);
      }
    }
  });

  test('sparseSoftmaxCrossEntropy, eagerly', async () => {
    const logits = arr([4, 5], 18, -3, 3);
    const w = weightVariants([4])[2].w!;
    const [want] = await readTf([
      tf.tidy(() => {
        const hotT = tf.oneHot(tf.tensor1d(hot.ids, 'int32'), 5);
        const wt = tfT(w);
        return tf.grad((x: tf.Tensor) => tf.losses.softmaxCrossEntropy(hotT, x, wt))(tfT(logits));
      }),
    ]);
    const [got] = await wg.scope(async () => {
      const ids = wg.tensor(hot.ids, [4], 'int32');
      const wt = wgT(w);
      return readWg([wg.grad((x: wg.Tensor) => losses.sparseSoftmaxCrossEntropy(ids, x, wt))(wgT(logits))]);
    });
    expectClose(got, want, 'd sparseSoftmaxCrossEntropy / d logits');
  });

  test("softmaxCrossEntropy (labelSmoothing 0.2, MEAN) inside a wg.function and a withMode('graph') block", async () => {
    const c = CASES.find((k) => k.name === 'softmaxCrossEntropy (labelSmoothing 0.2)')!;
    const w = weightVariants(c.lossShape)[2].w!;
    const wantGrad = await tfGrad(c, 'MEAN');
    const [wantValue] = await readTf([tf.tidy(() => c.tf(tfT(c.labels), tfT(c.predictions), tfT(w), tf.Reduction.MEAN))]);
    const l = wgT(c.labels);
    const p = wgT(c.predictions);
    const wt = wgT(w);
    const loss = (x: wg.Tensor) => c.wg(l, x, wt, losses.Reduction.MEAN);
    const fn = wg.function((x: wg.Tensor) => {
      const { value, grad } = wg.valueAndGrad(loss)(x);
      return [value, grad];
    });
    try {
      const out = (await fn(p)) as wg.Tensor[];
      const [value, grad] = await readWg(out);
      for (const t of out) t.dispose();
      expectClose(value, wantValue, 'wg.function: loss');
      expectClose(grad, wantGrad, 'wg.function: d loss / d logits');
      const [gv, gg] = await wg.withMode('graph', () =>
        wg.scope(async () => {
          const { value: v, grad: g } = wg.valueAndGrad(loss)(p);
          return readWg([v, g]);
        }),
      );
      expectClose(gv, wantValue, "withMode('graph'): loss");
      expectClose(gg, wantGrad, "withMode('graph'): d loss / d logits");
    } finally {
      fn.dispose();
      for (const t of [l, p, wt]) t.dispose();
    }
  });
});

test('stable forms: huge logits give finite losses (float64 plain JavaScript as the oracle)', async () => {
  // Naive forms overflow here: log(sigmoid(-100)) and exp(1000) in float32.
  const x = [-100, 100, 0.5, -30];
  const z = [1, 0, 1, 0];
  const sig = x.map((v, i) => Math.max(v, 0) - v * z[i] + Math.log1p(Math.exp(-Math.abs(v))));
  const logits = [1000, 0, -1000, 5, 500, -500];
  const lse = (r: number[]) => Math.max(...r) + Math.log(r.reduce((a, v) => a + Math.exp(v - Math.max(...r)), 0));
  const soft = [lse(logits.slice(0, 3)) - logits[1], lse(logits.slice(3)) - logits[5]];
  const [gotSig, gotSoft, gotSparse] = await wg.scope(async () =>
    readWg([
      losses.sigmoidCrossEntropy(wg.tensor(z, [4]), wg.tensor(x, [4]), null, 0, losses.Reduction.NONE),
      losses.softmaxCrossEntropy(wg.tensor([0, 1, 0, 0, 0, 1], [2, 3]), wg.tensor(logits, [2, 3]), null, 0, losses.Reduction.NONE),
      losses.sparseSoftmaxCrossEntropy(wg.tensor([1, 2], [2], 'int32'), wg.tensor(logits, [2, 3]), null, losses.Reduction.NONE),
    ]),
  );
  expectClose(gotSig, { shape: [4], data: Float32Array.from(sig) }, 'sigmoidCrossEntropy of ±100');
  expectClose(gotSoft, { shape: [2], data: Float32Array.from(soft) }, 'softmaxCrossEntropy of ±1000');
  expectClose(gotSparse, { shape: [2], data: Float32Array.from(soft) }, 'sparseSoftmaxCrossEntropy of ±1000');
});

test('a wg.Graph with a batch dimension known only at run time ([null, 5] placeholders)', async () => {
  // The reductions then count elements at run time (no losses.size while building).
  const rows = (a: Arr) => Array.from({ length: a.shape[0] }, (_, i) => Array.from(a.data.subarray(i * a.shape[1], (i + 1) * a.shape[1])));
  const wRows = arr([4, 1], 31, 0.5, 1.5);
  wRows.data[2] = 0;
  const g = new wg.Graph();
  const out = g.build(() => {
    const l = g.placeholder('float32', [null, 5], 'labels');
    const p = g.placeholder('float32', [null, 5], 'predictions');
    const w = g.placeholder('float32', [null, 1], 'weights');
    const ids = g.placeholder('int32', [null], 'ids');
    const R = losses.Reduction;
    return [
      losses.meanSquaredError(l, p, null, R.SUM_BY_NONZERO_WEIGHTS),
      losses.meanSquaredError(l, p, w, R.SUM_BY_NONZERO_WEIGHTS),
      losses.meanSquaredError(l, p, w, R.MEAN),
      losses.meanSquaredError(l, p, null, R.MEAN),
      losses.sparseSoftmaxCrossEntropy(ids, p, wg.reshape(w, [-1]), R.MEAN),
    ];
  });
  const sess = new wg.Session(g);
  const got = (await sess.run(out, { labels: rows(Y), predictions: rows(X), weights: rows(wRows), ids: Array.from(hot.ids) })) as number[];
  sess.close();
  const want = await readTf(
    tf.tidy(() => {
      const [l, p, w] = [tfT(Y), tfT(X), tfT(wRows)];
      const R = tf.Reduction;
      return [
        tf.losses.meanSquaredError(l, p, undefined, R.SUM_BY_NONZERO_WEIGHTS),
        tf.losses.meanSquaredError(l, p, w, R.SUM_BY_NONZERO_WEIGHTS),
        tf.losses.meanSquaredError(l, p, w, R.MEAN),
        tf.losses.meanSquaredError(l, p, undefined, R.MEAN),
        tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(hot.ids, 'int32'), 5), p, tf.reshape(w, [-1]), 0, R.MEAN),
      ];
    }),
  );
  want.forEach((wv, k) => expectClose({ shape: [], data: Float32Array.of(got[k]) }, wv, `graph output ${k}`));
});

describe('bad input throws typed errors naming losses.<fn>', () => {
  const expectThrow = (f: () => unknown, type: typeof WgError, ...patterns: RegExp[]) => {
    let err: unknown;
    try {
      wg.tidy(() => void f());
    } catch (e) {
      err = e;
    }
    expect(err, 'should throw').toBeInstanceOf(type);
    for (const p of patterns) expect((err as Error).message).toMatch(p);
  };

  test('mismatched shapes', () => {
    const a = () => wg.zeros([4, 5]);
    const b = () => wg.zeros([4, 4]);
    expectThrow(() => losses.meanSquaredError(a(), b()), ShapeError, /losses\.meanSquaredError/, /'labels' \[4, 5\]/, /'predictions' \[4, 4\]/);
    expectThrow(() => losses.hingeLoss(a(), b()), ShapeError, /losses\.hingeLoss/);
    expectThrow(() => losses.softmaxCrossEntropy(a(), wg.zeros([4, 5, 1])), ShapeError, /losses\.softmaxCrossEntropy/, /'onehotLabels'/);
    expectThrow(() => losses.absoluteDifference(a(), a(), wg.ones([3])), ShapeError, /losses\.absoluteDifference: 'weights' \[3\] does not broadcast against the losses \[4, 5\]/);
    expectThrow(() => losses.sparseSoftmaxCrossEntropy(wg.zeros([5], 'int32'), a()), ShapeError, /losses\.sparseSoftmaxCrossEntropy: 'labels' \[5\]/, /\[4, 5\]/);
    expectThrow(() => losses.cosineDistance(a(), a(), 2), WgError, /losses\.cosineDistance: 'axis'/);
  });

  test('int labels where floats are needed, float labels where class ids are', () => {
    const ints = () => wg.zeros([4, 5], 'int32');
    expectThrow(() => losses.meanSquaredError(ints(), wg.zeros([4, 5])), DTypeError, /losses\.meanSquaredError: 'labels' must be float32, got int32 \[4, 5\]/);
    expectThrow(() => losses.softmaxCrossEntropy(ints(), wg.zeros([4, 5])), DTypeError, /losses\.softmaxCrossEntropy: 'onehotLabels' must be float32/);
    expectThrow(() => losses.sigmoidCrossEntropy(wg.zeros([4, 5]), ints()), DTypeError, /'logits' must be float32/);
    expectThrow(() => losses.sparseSoftmaxCrossEntropy(wg.zeros([4]), wg.zeros([4, 5])), DTypeError, /losses\.sparseSoftmaxCrossEntropy: 'labels' must be int32 class ids, got float32/);
  });

  test('bad reduction and parameters', () => {
    const a = () => wg.zeros([4, 5]);
    expectThrow(() => losses.meanSquaredError(a(), a(), null, 7 as losses.Reduction), WgError, /losses\.meanSquaredError: 'reduction'/);
    expectThrow(() => losses.huberLoss(a(), a(), null, -1), WgError, /losses\.huberLoss: 'delta'/);
    expectThrow(() => losses.softmaxCrossEntropy(a(), a(), null, 2), WgError, /losses\.softmaxCrossEntropy: 'labelSmoothing'/);
  });
});
