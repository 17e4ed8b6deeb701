// image.nonMaxSuppression and its variants (sync with host values, Async with device tensors) against a
// plain-JavaScript reference written here (an eager greedy loop, sharing no code with the engine's), and
// topk on a longer row than the fixtures hold. topk's fixtures run in the conformance suites.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';

type Box = [number, number, number, number];

/** IoU of two [y1, x1, y2, x2] boxes whose corners may come in either order. */
function refIou(a: Box, b: Box): number {
  const norm = (q: Box) => ({ top: Math.min(q[0], q[2]), bottom: Math.max(q[0], q[2]), left: Math.min(q[1], q[3]), right: Math.max(q[1], q[3]) });
  const p = norm(a);
  const q = norm(b);
  const areaP = (p.bottom - p.top) * (p.right - p.left);
  const areaQ = (q.bottom - q.top) * (q.right - q.left);
  if (!(areaP > 0) || !(areaQ > 0)) return 0;
  const h = Math.max(0, Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top));
  const w = Math.max(0, Math.min(p.right, q.right) - Math.max(p.left, q.left));
  return (h * w) / (areaP + areaQ - h * w);
}

/**
 * TensorFlow.js's NMS, written eagerly: keep the best remaining candidate (ties: lower index); drop every
 * other whose IoU with it is ≥ iouThreshold; with sigma > 0 decay the rest by exp(-iou² / (2 sigma)) and drop
 * those no longer above scoreThreshold.
 */
function refNms(boxes: Box[], scores: number[], max: number, iouThr = 0.5, scoreThr = -Infinity, sigma = 0): { idx: number[]; sc: number[] } {
  const f32 = (v: number) => Math.fround(v);
  let live = scores.map((s, i) => ({ i, s: f32(s) })).filter((c) => c.s > scoreThr);
  const idx: number[] = [];
  const sc: number[] = [];
  while (live.length > 0 && idx.length < Math.min(max, boxes.length)) {
    live.sort((a, b) => b.s - a.s || a.i - b.i);
    const top = live.shift()!;
    idx.push(top.i);
    sc.push(top.s);
    const next: typeof live = [];
    for (const c of live) {
      const o = refIou(boxes[top.i].map(f32) as Box, boxes[c.i].map(f32) as Box);
      if (o >= iouThr) continue;
      const s = sigma > 0 ? c.s * Math.exp((-0.5 * o * o) / sigma) : c.s;
      if (s > scoreThr) next.push({ i: c.i, s });
    }
    live = next;
  }
  return { idx, sc };
}

/** A seeded stream of numbers in [0, 1). */
function stream(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** n boxes of a few sizes in a 10×10 field (so many overlap), corners flipped for every third box. */
function randomBoxes(n: number, seed: number): { boxes: Box[]; scores: number[] } {
  const r = stream(seed);
  const boxes: Box[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = r() * 8, x = r() * 8, h = 0.5 + r() * 3, w = 0.5 + r() * 3;
    boxes.push(i % 3 === 2 ? [y + h, x + w, y, x] : [y, x, y + h, x + w]);
    scores.push(Math.round(r() * 8) / 8); // few distinct scores: ties
  }
  return { boxes, scores };
}

async function ints(t: wg.Tensor): Promise<number[]> {
  expect(t.dtype).toBe('int32');
  return Array.from(await t.data());
}

describe('image.nonMaxSuppression vs a JavaScript reference', () => {
  const settings: [string, number, number, number][] = [
    // name, maxOutputSize, iouThreshold, scoreThreshold
    ['defaults', 20, 0.5, -Infinity],
    ['iouThreshold 0 (any box suppresses every other)', 20, 0, -Infinity],
    ['iouThreshold 1 (only identical boxes)', 20, 1, -Infinity],
    ['scoreThreshold', 20, 0.4, 0.5],
    ['more boxes than maxOutputSize', 3, 0.6, -Infinity],
    ['maxOutputSize 0', 0, 0.5, -Infinity],
  ];
  for (const [name, max, iouThr, scoreThr] of settings) {
    test(name, async () => {
      for (const seed of [1, 2, 3]) {
        const { boxes, scores } = randomBoxes(14, seed);
        if (seed === 3) boxes[5] = [...boxes[4]]; // an identical pair
        const want = refNms(boxes, scores, max, iouThr, scoreThr);
        await wg.scope(async () => {
          // Sync, host values.
          const got = wg.image.nonMaxSuppression(boxes, scores, max, iouThr, scoreThr);
          expect(await ints(got), `seed ${seed}`).toEqual(want.idx);
          // Async, device tensors.
          const b = wg.tensor(boxes);
          const s = wg.tensor(scores);
          expect(await ints(await wg.image.nonMaxSuppressionAsync(b, s, max, iouThr, scoreThr))).toEqual(want.idx);
          const padded = await wg.image.nonMaxSuppressionPaddedAsync(b, s, max, iouThr, scoreThr, true);
          const cap = Math.min(max, boxes.length);
          expect(await ints(padded.selectedIndices)).toEqual([...want.idx, ...new Array(cap - want.idx.length).fill(0)]);
          expect([...padded.validOutputs.shape]).toEqual([]);
          expect(await ints(padded.validOutputs)).toEqual([want.idx.length]);
          const unpadded = wg.image.nonMaxSuppressionPadded(boxes, scores, max, iouThr, scoreThr);
          expect(await ints(unpadded.selectedIndices)).toEqual(want.idx);
        });
      }
      expect(wg.memory().tensors).toBe(0);
    });
  }

  test('ties keep the lower index first; flipped corners are the same box', async () => {
    const boxes: Box[] = [
      [0, 0, 1, 1],
      [1, 1, 0, 0], // box 0 flipped: IoU 1 with it
      [5, 5, 6, 6],
      [5, 5, 6, 6],
      [9, 9, 10, 10],
    ];
    const scores = [0.5, 0.5, 0.9, 0.9, 0.5];
    const want = refNms(boxes, scores, 5, 0.5);
    expect(want.idx).toEqual([2, 0, 4]);
    await wg.scope(async () => {
      expect(await ints(wg.image.nonMaxSuppression(boxes, scores, 5))).toEqual(want.idx);
      expect(await ints(await wg.image.nonMaxSuppressionAsync(wg.tensor(boxes), wg.tensor(scores), 5))).toEqual(want.idx);
    });
  });

  test('soft-NMS (softNmsSigma > 0) returns the decayed scores', async () => {
    for (const [seed, sigma, scoreThr] of [[4, 0.5, -Infinity], [5, 0.2, 0.1], [6, 1, 0.3]] as const) {
      const { boxes, scores } = randomBoxes(12, seed);
      const noisy = scores.map((s, i) => s + i * 1e-3); // soft-NMS reorders: avoid exact ties of decayed scores
      const want = refNms(boxes, noisy, 8, 1, scoreThr, sigma);
      await wg.scope(async () => {
        const sync = wg.image.nonMaxSuppressionWithScore(boxes, noisy, 8, 1, scoreThr, sigma);
        const asy = await wg.image.nonMaxSuppressionWithScoreAsync(wg.tensor(boxes), wg.tensor(noisy), 8, 1, scoreThr, sigma);
        for (const r of [sync, asy]) {
          expect(await ints(r.selectedIndices), `seed ${seed}`).toEqual(want.idx);
          expect(r.selectedScores.dtype).toBe('float32');
          const got = Array.from(await r.selectedScores.data());
          expect(got.length).toBe(want.sc.length);
          got.forEach((v, i) => expect(v).toBeCloseTo(want.sc[i], 5));
        }
      });
    }
    // sigma 0: the scores as given.
    await wg.scope(async () => {
      const r = wg.image.nonMaxSuppressionWithScore([[0, 0, 1, 1], [0, 0, 1, 0.9]], [0.75, 0.5], 2);
      expect(await ints(r.selectedIndices)).toEqual([0]);
      expect(Array.from(await r.selectedScores.data())).toEqual([0.75]);
    });
  });

  test('the sync form in a graph, from host values', async () => {
    const boxes: Box[] = [[0, 0, 2, 2], [0, 0, 2, 1.9], [3, 3, 4, 4]];
    const f = wg.function(() => wg.image.nonMaxSuppression(boxes, [0.9, 0.95, 0.1], 3));
    await wg.scope(async () => {
      expect(await ints(f() as wg.Tensor)).toEqual([1, 2]);
    });
    f.dispose();
  });
});

describe('topk on a longer row', () => {
  test('257 values with ties, both orders of equal values checked against a JS sort', async () => {
    const r = stream(9);
    const vals = Array.from({ length: 2 * 257 }, () => Math.round(r() * 40) / 4);
    const want = (row: number[]) => row.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, 17);
    await wg.scope(async () => {
      const { values, indices } = wg.topk(wg.tensor(vals, [2, 257]), 17);
      const v = Array.from(await values.data());
      const ix = await ints(indices);
      for (const row of [0, 1]) {
        const w = want(vals.slice(row * 257, row * 257 + 257));
        expect(ix.slice(row * 17, row * 17 + 17)).toEqual(w.map((p) => p[1]));
        expect(v.slice(row * 17, row * 17 + 17)).toEqual(w.map((p) => p[0]));
      }
    });
  });

  test('rows too long for rank counting (2 × 3000, centernet has 1.3M) select in k rounds: same answer, both modes, both dtypes', async () => {
    const r = stream(21);
    const n = 3000;
    const k = 9;
    const want = (row: number[]) => row.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, k);
    for (const dtype of ['float32', 'int32'] as const) {
      // Few distinct values: many ties, which must keep the lower index first.
      const vals = Array.from({ length: 2 * n }, () => Math.round(r() * 60) - (dtype === 'float32' ? 0.5 : 0));
      const f = wg.function((x: wg.Tensor) => wg.topk(x, k));
      for (const mode of ['eager', 'graph'] as const) {
        await wg.scope(async () => {
          const x = wg.tensor(vals, [2, n], dtype);
          const { values, indices } = mode === 'eager' ? wg.topk(x, k) : (f(x) as { values: wg.Tensor; indices: wg.Tensor });
          const v = Array.from(await values.data());
          const ix = await ints(indices);
          for (const row of [0, 1]) {
            const w = want(vals.slice(row * n, row * n + n));
            expect(ix.slice(row * k, row * k + k), `${dtype} ${mode} row ${row}`).toEqual(w.map((p) => p[1]));
            expect(v.slice(row * k, row * k + k)).toEqual(w.map((p) => p[0]));
          }
        });
      }
      f.dispose();
    }
  });
});
