// Misuse of the volume ops on WebGPU (conv3d, maxPool3d, avgPool3d): a ShapeError or DTypeError naming the op
// and the shapes, thrown at the call with the caller's location, nothing allocated; the engine keeps working.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { badCall, counting, expectWorks } from '../helpers/bad_input';

const bad = badCall('bad_input_volume.test.ts');

describe('conv3d', () => {
  test('rank mismatches', async () => {
    const f = wg.ones([2, 2, 2, 1, 1]);
    const x3 = counting([2, 2, 2]);
    const e = bad(new Error(), () => wg.conv3d(x3, f, 1, 'valid'), 'conv3d', ['conv3d:', 'x must be rank 5', 'got rank 3', 'x: [2,2,2]', 'filter: [2,2,2,1,1]']);
    expect(e.shapes).toEqual([[2, 2, 2], [2, 2, 2, 1, 1]]);
    const x = counting([1, 2, 2, 2, 1]);
    const f4 = wg.ones([2, 2, 1, 1]);
    bad(new Error(), () => wg.conv3d(x, f4, 1, 'valid'), 'conv3d', ['conv3d:', 'filter must be rank 5', 'got rank 4', '[1,2,2,2,1]', '[2,2,1,1]']);
    // Rank 4 is one volume; 0 + 1 + … + 7 = 28.
    await expectWorks(() => wg.conv3d(wg.reshape(x, [2, 2, 2, 1]), f, 1, 'valid'), [1, 1, 1, 1], [28]);
    await expectWorks(() => x.conv3d(f, 1, 'valid'), [1, 1, 1, 1, 1], [28]);
    wg.dispose([f, x3, x, f4]);
  });

  test('input and filter channels that do not match', () => {
    const x = counting([1, 3, 3, 3, 2]);
    const f = wg.ones([2, 2, 2, 3, 4]);
    const e = bad(new Error(), () => wg.conv3d(x, f, 1, 'same'), 'conv3d', ['conv3d:', 'depth of input (2) must match input depth for filter 3', 'x: [1,3,3,3,2]', 'filter: [2,2,2,3,4]']);
    expect(e.shapes).toEqual([[1, 3, 3, 3, 2], [2, 2, 2, 3, 4]]);
    wg.dispose([x, f]);
  });

  test('strides and dilations both above 1 (TensorFlow.js message)', async () => {
    const x = counting([1, 4, 4, 4, 1]);
    const f = wg.ones([1, 1, 1, 1, 1]);
    const e = bad(new Error(), () => wg.conv3d(x, f, 2, 'same', 'NDHWC', 2), 'conv3d', [
      "Error in conv3D: Either strides or dilations must be 1. Got strides 2 and dilations '2'", '[1,4,4,4,1]',
    ]);
    expect(e.shapes).toEqual([[1, 4, 4, 4, 1], [1, 1, 1, 1, 1]]);
    bad(new Error(), () => wg.conv3d(x, f, [1, 2, 1], 'valid', 'NDHWC', [1, 1, 3]), 'conv3d', ["Got strides 1,2,1 and dilations '1,1,3'"]);
    // Strides alone: the even positions d·16 + h·4 + w.
    await expectWorks(() => wg.conv3d(x, f, 2, 'valid'), [1, 2, 2, 2, 1], [0, 2, 8, 10, 32, 34, 40, 42]);
    wg.dispose([x, f]);
  });

  test("a filter larger than the input with 'valid', a bad dataFormat, stride or pad", () => {
    const x = counting([1, 2, 4, 4, 1]);
    const f = wg.ones([3, 2, 2, 1, 1]);
    const e = bad(new Error(), () => wg.conv3d(x, f, 1, 'valid'), 'conv3d', ['conv3d:', 'does not fit', 'size 2', 'x: [1,2,4,4,1]']);
    expect(e.shapes).toEqual([[1, 2, 4, 4, 1], [3, 2, 2, 1, 1]]);
    bad(new Error(), () => wg.conv3d(x, f, 1, 'same', 'NCDHW'), 'conv3d', ['conv3d:', 'only NDHWC is currently supported', '[1,2,4,4,1]']);
    bad(new Error(), () => wg.conv3d(x, f, [1, 1], 'same'), 'conv3d', ['conv3d:', 'strides', '[1,2,4,4,1]']);
    bad(new Error(), () => wg.conv3d(x, f, 1, 'full' as never), 'conv3d', ['conv3d:', 'pad', '"full"', '[1,2,4,4,1]']);
    wg.dispose([x, f]);
  });

  test('bool input', () => {
    const x = wg.tensor([true, false], [1, 1, 1, 2, 1]);
    const f = wg.ones([1, 1, 1, 1, 1]);
    bad(new Error(), () => wg.conv3d(x, f, 1, 'valid'), 'conv3d', ['conv3d:', 'numeric', 'bool', '[1,1,1,2,1]'], wg.DTypeError);
    wg.dispose([x, f]);
  });
});

describe('maxPool3d and avgPool3d', () => {
  test('input of the wrong rank', async () => {
    const x = counting([2, 2, 2]);
    const e = bad(new Error(), () => wg.maxPool3d(x, 2, 2, 'valid'), 'maxPool3d', ['maxPool3d:', 'rank 5', 'rank 4', 'got rank 3', '[2,2,2]']);
    expect(e.shapes).toEqual([[2, 2, 2]]);
    const y = counting([1, 1, 2, 2, 2, 1]);
    bad(new Error(), () => wg.avgPool3d(y, 2, 2, 'same'), 'avgPool3d', ['avgPool3d:', 'got rank 6', '[1,1,2,2,2,1]']);
    // Rank 4 is one volume.
    await expectWorks(() => wg.maxPool3d(wg.reshape(x, [2, 2, 2, 1]), 2, 2, 'valid'), [1, 1, 1, 1], [7]);
    await expectWorks(() => wg.reshape(x, [1, 2, 2, 2, 1]).avgPool3d(2, 2, 'valid'), [1, 1, 1, 1, 1], [3.5]);
    wg.dispose([x, y]);
  });

  test("a window larger than the input with 'valid' padding", async () => {
    const x = counting([1, 2, 2, 2, 1]);
    const e = bad(new Error(), () => wg.maxPool3d(x, [3, 1, 1], 1, 'valid'), 'maxPool3d', ['maxPool3d:', 'window', 'does not fit', 'size 2', '[1,2,2,2,1]']);
    expect(e.shapes).toEqual([[1, 2, 2, 2, 1]]);
    bad(new Error(), () => wg.avgPool3d(x, [1, 1, 4], 1, 'valid'), 'avgPool3d', ['avgPool3d:', 'does not fit', '[1,2,2,2,1]']);
    // 'same' pads instead: every window covers the whole 2×2×2 volume.
    await expectWorks(() => wg.maxPool3d(x, 3, 1, 'same'), [1, 2, 2, 2, 1], [7, 7, 7, 7, 7, 7, 7, 7]);
    await expectWorks(() => wg.avgPool3d(x, 3, 1, 'same'), [1, 2, 2, 2, 1], [3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5]);
    x.dispose();
  });

  test('a bad window, stride, pad, dimRoundingMode or dataFormat', () => {
    const x = counting([1, 4, 4, 4, 1]);
    bad(new Error(), () => wg.maxPool3d(x, [2, 2], 1, 'valid'), 'maxPool3d', ['maxPool3d:', 'filterSize', '[1,4,4,4,1]']);
    bad(new Error(), () => wg.avgPool3d(x, 2, 0, 'valid'), 'avgPool3d', ['avgPool3d:', 'strides', 'positive', '[1,4,4,4,1]']);
    bad(new Error(), () => wg.maxPool3d(x, 2, 2, 'full' as never), 'maxPool3d', ['maxPool3d:', 'pad', '"full"', '[1,4,4,4,1]']);
    bad(new Error(), () => wg.maxPool3d(x, 2, 2, 'same', 'ceil'), 'maxPool3d', ['maxPool3d:', 'dimRoundingMode', 'numeric pad', '[1,4,4,4,1]']);
    bad(new Error(), () => wg.avgPool3d(x, 2, 2, 'same', undefined, 'NCDHW'), 'avgPool3d', ['avgPool3d:', 'only NDHWC', '[1,4,4,4,1]']);
    x.dispose();
  });

  test('bool input', () => {
    const x = wg.tensor([true, false], [1, 1, 1, 2, 1]);
    bad(new Error(), () => wg.maxPool3d(x, 1, 1, 'valid'), 'maxPool3d', ['maxPool3d:', 'numeric', 'bool', '[1,1,1,2,1]'], wg.DTypeError);
    bad(new Error(), () => wg.avgPool3d(x, 1, 1, 'valid'), 'avgPool3d', ['avgPool3d:', 'bool', '[1,1,1,2,1]'], wg.DTypeError);
    x.dispose();
  });
});
