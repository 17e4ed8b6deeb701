// Misuse of the pooling and batch normalisation ops on WebGPU (maxPool, avgPool, pool, batchNorm and its 2-D to
// 4-D forms): a ShapeError or DTypeError naming the op and the shapes, thrown at the call with the caller's
// location, nothing allocated; the engine keeps working. Also: in graph mode an elementwise consumer fuses into
// the (elementwise) pooling kernel.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { badCall, counting, expectWorks } from '../helpers/bad_input';
import { gpuBackend } from '../helpers/devices';

const bad = badCall('bad_input_pool.test.ts');

describe('maxPool, avgPool and pool', () => {
  test('input of the wrong rank', async () => {
    const x = counting([4, 4]);
    const e = bad(new Error(), () => wg.maxPool(x, 2, 2, 'valid'), 'maxPool', ['maxPool:', 'rank 4', 'rank 3', 'got rank 2', '[4,4]']);
    expect(e.shapes).toEqual([[4, 4]]);
    const y = counting([1, 1, 4, 4, 1]);
    bad(new Error(), () => wg.avgPool(y, 2, 2, 'same'), 'avgPool', ['avgPool:', 'got rank 5', '[1,1,4,4,1]']);
    bad(new Error(), () => wg.pool(x, 2, 'max', 'valid'), 'pool', ['pool:', 'got rank 2', '[4,4]']);
    // Rank 3 is one image: [4, 4, 1] pooled 2×2 → [2, 2, 1].
    await expectWorks(() => wg.maxPool(wg.reshape(x, [4, 4, 1]), 2, 2, 'valid'), [2, 2, 1], [5, 7, 13, 15]);
    wg.dispose([x, y]);
  });

  test('a zero or negative stride, window or dilation', async () => {
    const x = counting([1, 4, 4, 1]);
    const e = bad(new Error(), () => wg.maxPool(x, 2, 0, 'valid'), 'maxPool', ['maxPool:', 'strides', 'positive', '[1,4,4,1]']);
    expect(e.shapes).toEqual([[1, 4, 4, 1]]);
    bad(new Error(), () => wg.avgPool(x, 2, [1, -2], 'same'), 'avgPool', ['avgPool:', 'strides', /\[1, ?-2\]/, '[1,4,4,1]']);
    bad(new Error(), () => wg.maxPool(x, [2, 0], 1, 'same'), 'maxPool', ['maxPool:', 'filterSize', /\[2, ?0\]/, '[1,4,4,1]']);
    bad(new Error(), () => wg.pool(x, 2, 'avg', 'valid', 0), 'pool', ['pool:', 'dilations', '[1,4,4,1]']);
    bad(new Error(), () => wg.pool(x, [2, 2, 2], 'max', 'valid'), 'pool', ['pool:', 'windowShape', '[1,4,4,1]']);
    await expectWorks(() => wg.avgPool(x, 2, 2, 'valid'), [1, 2, 2, 1], [2.5, 4.5, 10.5, 12.5]);
    x.dispose();
  });

  test("a window larger than the input with 'valid' padding", async () => {
    const x = counting([1, 3, 5, 2]);
    const e = bad(new Error(), () => wg.maxPool(x, [4, 2], 1, 'valid'), 'maxPool', ['maxPool:', 'window', 'does not fit', 'size 3', '[1,3,5,2]']);
    expect(e.shapes).toEqual([[1, 3, 5, 2]]);
    // Dilation widens the window past the input: 3 taps at dilation 3 span 7 columns.
    bad(new Error(), () => wg.pool(x, [1, 3], 'avg', 'valid', [1, 3]), 'pool', ['pool:', 'does not fit', 'size 5', '[1,3,5,2]']);
    // 'same' pads instead: fine.
    await expectWorks(() => wg.maxPool(x, [4, 2], [3, 5], 'same'), [1, 1, 1, 2], [22, 23]);
    x.dispose();
  });

  test('strides and dilations both above 1 in pool (TensorFlow.js message)', async () => {
    const x = counting([1, 6, 6, 1]);
    const e = bad(new Error(), () => wg.pool(x, 2, 'max', 'same', 2, 2), 'pool', [
      "Error in pool: Either strides or dilations must be 1. Got strides 2,2 and dilations '2,2'", '[1,6,6,1]',
    ]);
    expect(e.shapes).toEqual([[1, 6, 6, 1]]);
    bad(new Error(), () => x.pool([2, 2], 'avg', 'valid', [1, 2], [3, 1]), 'pool', ["Got strides 3,1 and dilations '1,2'", '[1,6,6,1]']);
    // One of them 1: fine. Dilation 2, 'valid': rows/columns {0, 2}, {1, 3}… of a 6×6 counting image.
    await expectWorks(() => wg.pool(x, 2, 'max', 'valid', [2, 2], 1), [1, 4, 4, 1], [14, 15, 16, 17, 20, 21, 22, 23, 26, 27, 28, 29, 32, 33, 34, 35]);
    x.dispose();
  });

  test('a bad pad, dimRoundingMode or poolingType', async () => {
    const x = counting([1, 4, 4, 1]);
    const e = bad(new Error(), () => wg.maxPool(x, 2, 2, 'full' as never), 'maxPool', ['maxPool:', 'pad', "'same', 'valid'", '"full"', '[1,4,4,1]']);
    expect(e.shapes).toEqual([[1, 4, 4, 1]]);
    bad(new Error(), () => wg.avgPool(x, 2, 2, -1), 'avgPool', ['avgPool:', 'pad', '-1', '[1,4,4,1]']);
    bad(new Error(), () => wg.avgPool(x, 2, 2, [[0, 0], [1, 1]]), 'avgPool', ['avgPool:', 'explicit padding', '[1,4,4,1]']);
    bad(new Error(), () => wg.maxPool(x, 2, 2, [[1, 0], [1, 1], [1, 1], [0, 0]]), 'maxPool', ['maxPool:', 'batch and channel', '[1,4,4,1]']);
    bad(new Error(), () => wg.maxPool(x, 2, 2, 'same', 'ceil'), 'maxPool', ['maxPool:', 'dimRoundingMode', 'numeric pad', '[1,4,4,1]']);
    bad(new Error(), () => wg.maxPool(x, 2, 2, 1, 'up' as never), 'maxPool', ['maxPool:', 'dimRoundingMode', '"up"', '[1,4,4,1]']);
    bad(new Error(), () => wg.pool(x, 2, 'min' as never, 'same'), 'pool', ['pool:', 'poolingType', "'max' or 'avg'", '"min"', '[1,4,4,1]']);
    // pad 1 with ceil: (4 − 2 + 2) / 2 + 1 = 3 windows per side, starting at −1, 1, 3.
    await expectWorks(() => wg.maxPool(x, 2, 2, 1, 'ceil'), [1, 3, 3, 1], [0, 2, 3, 8, 10, 11, 12, 14, 15]);
    x.dispose();
  });

  test('bool input', async () => {
    const x = wg.tensor([true, false, true, true], [1, 2, 2, 1]);
    const e = bad(new Error(), () => wg.maxPool(x, 2, 1, 'valid'), 'maxPool', ['maxPool:', 'numeric', 'bool', '[1,2,2,1]'], wg.DTypeError);
    expect(e.shapes).toEqual([[1, 2, 2, 1]]);
    bad(new Error(), () => wg.avgPool(x, 1, 1, 'valid'), 'avgPool', ['avgPool:', 'bool', '[1,2,2,1]'], wg.DTypeError);
    bad(new Error(), () => wg.pool(x, 1, 'max', 'valid'), 'pool', ['pool:', 'bool', '[1,2,2,1]'], wg.DTypeError);
    await expectWorks(() => wg.maxPool(wg.cast(x, 'int32'), 2, 1, 'valid'), [1, 1, 1, 1], [1]);
    x.dispose();
  });
});

describe('batchNorm', () => {
  const stats = (shape: number[], v = 1) => wg.fill(shape, v);

  test('statistics that do not broadcast against x', async () => {
    const x = counting([2, 3, 4]);
    const [m, v] = [stats([3]), stats([3])];
    const e = bad(new Error(), () => wg.batchNorm(x, m, v), 'batchNorm', ['batchNorm:', 'mean of shape [3]', 'x of shape [2,3,4]', 'variance [3]']);
    expect(e.shapes).toEqual([[2, 3, 4], [3], [3]]);
    // Broadcasting would enlarge x: not allowed either.
    const [m2, v2] = [stats([2, 2, 3, 4], 0), stats([2, 2, 3, 4])];
    bad(new Error(), () => wg.batchNorm(x, m2, v2), 'batchNorm', ['batchNorm:', 'mean of shape [2,2,3,4]', 'x of shape [2,3,4]']);
    const [m4, v4, off] = [stats([4], 0), stats([4]), stats([3])];
    bad(new Error(), () => wg.batchNorm(x, m4, v4, off), 'batchNorm', ['batchNorm:', 'offset of shape [3]', '[2,3,4]']);
    // TensorFlow.js's rule: mean, variance, offset and scale share one rank.
    const v14 = stats([1, 4]);
    bad(new Error(), () => x.batchNorm(m4, v14), 'batchNorm', ['batchNorm:', 'same rank', '[4]', '[1,4]', '[2,3,4]']);
    // [4] statistics: (x − 0) · rsqrt(1 + 0) = x.
    await expectWorks(() => wg.batchNorm(wg.slice(x, [0, 0, 0], [1, 1, 4]), m4, v4, null, null, 0), [1, 1, 4], [0, 1, 2, 3]);
    wg.dispose([x, m, v, m2, v2, m4, v4, off, v14]);
  });

  test('batchNorm2d/3d/4d check the ranks', async () => {
    const x = counting([2, 3, 4]);
    const [m, v] = [stats([4], 0), stats([4])];
    const e = bad(new Error(), () => wg.batchNorm2d(x, m, v), 'batchNorm2d', ['batchNorm2d:', 'x must be rank 2 but got rank 3', '[2,3,4]']);
    expect(e.shapes).toEqual([[2, 3, 4], [4], [4]]);
    bad(new Error(), () => wg.batchNorm4d(x, m, v), 'batchNorm4d', ['batchNorm4d:', 'x must be rank 4 but got rank 3', '[2,3,4]']);
    const [m2, v2] = [stats([3, 4], 0), stats([3, 4])];
    bad(new Error(), () => wg.batchNorm3d(x, m2, v2), 'batchNorm3d', ['batchNorm3d:', 'mean must be rank 3 or rank 1 but got rank 2', '[3,4]', '[2,3,4]']);
    const scale = stats([1, 4]);
    bad(new Error(), () => wg.batchNorm3d(x, m, v, null, scale), 'batchNorm3d', ['batchNorm3d:', 'scale must be rank 3 or rank 1', '[1,4]']);
    await expectWorks(() => wg.batchNorm3d(wg.slice(x, [1, 2, 0], [1, 1, 4]), m, v, null, null, 0), [1, 1, 4], [20, 21, 22, 23]);
    wg.dispose([x, m, v, m2, v2, scale]);
  });

  test('bool tensors and a bad varianceEpsilon', async () => {
    const x = wg.tensor([true, false], [1, 2]);
    const [m, v] = [stats([2], 0), stats([2])];
    const e = bad(new Error(), () => wg.batchNorm(x, m, v), 'batchNorm', ['batchNorm:', 'x must be a numeric tensor, got bool', 'x [1,2]', 'mean [2]'], wg.DTypeError);
    expect(e.shapes).toEqual([[1, 2], [2], [2]]);
    const xf = stats([1, 2], 3);
    const mb = wg.tensor([true, true]);
    bad(new Error(), () => wg.batchNorm2d(xf, mb, v), 'batchNorm2d', ['batchNorm2d:', 'mean must be a numeric tensor', 'bool'], wg.DTypeError);
    bad(new Error(), () => wg.batchNorm(xf, m, v, null, null, -1), 'batchNorm', ['batchNorm:', 'varianceEpsilon', '-1', '[1,2]']);
    await expectWorks(() => wg.batchNorm(xf, m, v, stats([2], 1), stats([2], 2), 0), [1, 2], [7, 7]);
    wg.dispose([x, m, v, xf, mb]);
  });
});

describe('graph mode', () => {
  test('relu after maxPool fuses into the pooling kernel; batchNorm + relu is one kernel', async () => {
    const g = new wg.Graph();
    const y = g.build(() => wg.relu(wg.maxPool(g.placeholder('float32', [1, 4, 4, 2], 'x'), 2, 2, 'same')));
    const z = g.build(() => {
      const x = g.placeholder('float32', [2, 3], 'u');
      return wg.relu(wg.batchNorm(x, wg.tensor([1, 2, 3]), wg.tensor([1, 1, 1]), wg.tensor([0.5, 0.5, 0.5]), null, 0));
    });
    const values = Array.from({ length: 32 }, (_, i) => (i % 5) - 3);
    const x = wg.tensor(values, [1, 4, 4, 2]);
    const u = wg.tensor([0, 1, 2, 3, 4, 5], [2, 3]);
    const results: unknown[] = [];
    for (const [fetch, feeds, kernelNodes] of [
      [y, { x }, ['maxPool', 'relu']],
      [z, { u }, ['batchNorm', 'relu']],
    ] as const) {
      const sess = new wg.Session(g);
      const first = await sess.run(fetch, feeds as never);
      const before = gpuBackend().dispatches;
      const again = await sess.run(fetch, feeds as never);
      expect(gpuBackend().dispatches - before).toBe(1);
      expect(again).toEqual(first);
      // (Node names carry a suffix when an op occurs twice in the graph: relu_1.)
      expect(sess.explain().kernels.map((k) => k.nodes.map((n) => n.replace(/_\d+$/, '')))).toEqual([kernelNodes]);
      sess.close();
      results.push(again);
    }
    // The values: eager gives the same.
    const eager = wg.tidy(() => wg.relu(wg.maxPool(x, 2, 2, 'same')));
    expect((results[0] as number[]).flat(4)).toEqual(Array.from(await eager.data()));
    expect((results[1] as number[]).flat(4)).toEqual([0, 0, 0, 2.5, 2.5, 2.5]);
    wg.dispose([x, u, eager]);
  });
});
