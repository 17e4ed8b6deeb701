// Misuse of topk and image.nonMaxSuppression (and its variants) on WebGPU: the right error class naming the op
// and the shapes, thrown at the call with the caller's location, nothing allocated; the Async forms reject with
// the same errors; a sync form given device tensors says to use the Async form. The engine keeps working.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { badCall, expectWorks } from '../helpers/bad_input';

const bad = badCall('bad_input_selection.test.ts');

describe('topk', () => {
  test('k larger than the last dimension, negative or not an integer', async () => {
    const x = wg.tensor([[1, 5, 2], [0, 3, 4]]);
    const e = bad(new Error(), () => wg.topk(x, 4), 'topk', ['topk:', 'k = 4', 'larger than the last dimension (3)', '[2,3]']);
    expect(e.shapes).toEqual([[2, 3]]);
    bad(new Error(), () => wg.topk(x, -1), 'topk', ['topk:', 'k must be a non-negative integer', 'got -1', '[2,3]']);
    bad(new Error(), () => wg.topk(x, 1.5), 'topk', ['topk:', 'k must be a non-negative integer', 'got 1.5']);
    bad(new Error(), () => x.topk(7), 'topk', ['topk:', 'k = 7', '[2,3]']);
    await expectWorks(() => wg.topk(x, 2).indices, [2, 2], [1, 2, 2, 1]);
    x.dispose();
  });

  test('a scalar, a bool tensor, not a tensor', () => {
    const s = wg.scalar(3);
    bad(new Error(), () => wg.topk(s), 'topk', ['topk:', 'rank 1 or higher', 'scalar']);
    const b = wg.tensor([true, false]);
    bad(new Error(), () => wg.topk(b), 'topk', ['topk:', 'numeric', 'bool'], wg.DTypeError);
    bad(new Error(), () => wg.topk([1, 2] as never), 'topk', ['topk:', 'x must be a Tensor', 'an array']);
    wg.dispose([s, b]);
  });
});

describe('image.nonMaxSuppression', () => {
  const boxes = [[0, 0, 1, 1], [0, 0, 1, 0.9], [2, 2, 3, 3]];
  const scores = [0.9, 0.8, 0.7];

  test('boxes not shaped [n, 4]', async () => {
    const e = bad(new Error(), () => wg.image.nonMaxSuppression([[0, 0, 1], [1, 1, 2]], [0.5, 0.4], 2), 'nonMaxSuppression', [
      'nonMaxSuppression:', 'boxes must have shape [numBoxes, 4]', 'got [2,3]',
    ]);
    expect(e.shapes).toEqual([[2, 3], [2]]);
    const t = wg.tensor([0, 0, 1, 1]);
    bad(new Error(), () => wg.image.nonMaxSuppressionWithScore(t, [0.5], 1), 'nonMaxSuppressionWithScore', ['boxes must have shape [numBoxes, 4]', 'got [4]']);
    bad(new Error(), () => wg.image.nonMaxSuppressionPadded([[[0, 0, 1, 1]]], [0.5], 1), 'nonMaxSuppressionPadded', ['got [1,1,4]']);
    await expect(wg.image.nonMaxSuppressionAsync(t, [0.5], 1)).rejects.toThrow(/nonMaxSuppressionAsync: boxes must have shape \[numBoxes, 4\], got \[4\]/);
    t.dispose();
    await expectWorks(() => wg.image.nonMaxSuppression(boxes, scores, 3), [2], [0, 2]);
  });

  test('scores whose length does not match the boxes', async () => {
    const e = bad(new Error(), () => wg.image.nonMaxSuppression(boxes, [0.9, 0.8], 3), 'nonMaxSuppression', [
      'scores must have shape [3]', 'boxes [3,4]', 'got [2]',
    ]);
    expect(e.shapes).toEqual([[3, 4], [2]]);
    bad(new Error(), () => wg.image.nonMaxSuppression(boxes, [scores], 3), 'nonMaxSuppression', ['scores must have shape [3]', 'got [1,3]']);
    const b = wg.tensor(boxes);
    const s = wg.tensor([0.9, 0.8, 0.7, 0.6]);
    await expect(wg.image.nonMaxSuppressionWithScoreAsync(b, s, 3)).rejects.toThrow(/scores must have shape \[3\].*got \[4\]/);
    await expect(wg.image.nonMaxSuppressionPaddedAsync(b, s, 3)).rejects.toBeInstanceOf(wg.ShapeError);
    wg.dispose([b, s]);
  });

  test('thresholds and sizes out of range', () => {
    bad(new Error(), () => wg.image.nonMaxSuppression(boxes, scores, 3, 1.5), 'nonMaxSuppression', ['iouThreshold must be in [0, 1]', 'got 1.5']);
    bad(new Error(), () => wg.image.nonMaxSuppression(boxes, scores, -1), 'nonMaxSuppression', ['maxOutputSize must be a non-negative integer', 'got -1']);
    bad(new Error(), () => wg.image.nonMaxSuppressionWithScore(boxes, scores, 3, 0.5, 0, -1), 'nonMaxSuppressionWithScore', ['softNmsSigma', 'got -1']);
  });

  test('the sync forms given device tensors point to the Async forms', async () => {
    const b = wg.tensor(boxes);
    const s = wg.tensor(scores);
    bad(new Error(), () => wg.image.nonMaxSuppression(b, s, 3), 'nonMaxSuppression', ['boxes is a tensor', 'nonMaxSuppressionAsync'], wg.WgError);
    bad(new Error(), () => wg.image.nonMaxSuppressionWithScore(boxes, s, 3), 'nonMaxSuppressionWithScore', ['scores is a tensor', 'nonMaxSuppressionWithScoreAsync'], wg.WgError);
    bad(new Error(), () => wg.image.nonMaxSuppressionPadded(b, scores, 3), 'nonMaxSuppressionPadded', ['nonMaxSuppressionPaddedAsync'], wg.WgError);
    await wg.scope(async () => {
      const r = await wg.image.nonMaxSuppressionAsync(b, s, 3);
      expect(Array.from(await r.data())).toEqual([0, 2]);
    });
    wg.dispose([b, s]);
  });
});
