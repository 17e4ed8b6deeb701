// Misuse of the image and spatial-layout ops on WebGPU (image.resizeBilinear, image.resizeNearestNeighbor,
// mirrorPad, depthToSpace, spaceToBatchND, batchToSpaceND): a ShapeError naming the op and the shapes, thrown
// at the call with the caller's location, nothing allocated; the engine keeps working.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { badCall, counting, expectWorks } from '../helpers/bad_input';

const bad = badCall('bad_input_image.test.ts');

describe('image.resizeBilinear and image.resizeNearestNeighbor', () => {
  test('images of the wrong rank', async () => {
    const x = counting([4, 5]);
    const e = bad(new Error(), () => wg.image.resizeBilinear(x, [2, 2]), 'resizeBilinear', ['resizeBilinear:', 'rank 3', 'rank 4', 'got rank 2', '[4,5]']);
    expect(e.shapes).toEqual([[4, 5]]);
    const y = counting([1, 1, 2, 2, 1]);
    bad(new Error(), () => wg.image.resizeNearestNeighbor(y, [2, 2]), 'resizeNearestNeighbor', ['resizeNearestNeighbor:', 'got rank 5', '[1,1,2,2,1]']);
    wg.dispose([x, y]);
  });

  test('a size of 0 or negative', async () => {
    const x = counting([1, 2, 2, 1]);
    bad(new Error(), () => wg.image.resizeBilinear(x, [0, 3]), 'resizeBilinear', ['resizeBilinear:', 'size [0,3]', 'positive', '[1,2,2,1]']);
    bad(new Error(), () => wg.image.resizeNearestNeighbor(x, [2, -1]), 'resizeNearestNeighbor', ['resizeNearestNeighbor:', 'size [2,-1]', 'positive', '[1,2,2,1]']);
    bad(new Error(), () => x.resizeBilinear([3]), 'resizeBilinear', ['resizeBilinear:', '[newHeight, newWidth]', '[3]', '[1,2,2,1]']);
    await expectWorks(() => wg.image.resizeNearestNeighbor(x, [1, 4]), [1, 1, 4, 1], [0, 0, 1, 1]);
    x.dispose();
  });

  test('alignCorners and halfPixelCenters both true', async () => {
    const x = counting([3, 3, 2]);
    const e = bad(new Error(), () => wg.image.resizeBilinear(x, [5, 5], true, true), 'resizeBilinear', [
      'resizeBilinear:', 'alignCorners', 'halfPixelCenters', 'both', '[3,3,2]',
    ]);
    expect(e.shapes).toEqual([[3, 3, 2]]);
    bad(new Error(), () => x.resizeNearestNeighbor([2, 2], true, true), 'resizeNearestNeighbor', ['resizeNearestNeighbor:', 'alignCorners', 'halfPixelCenters', '[3,3,2]']);
    // Align corners maps the corners onto each other: [3,3] → [2,2] keeps the four corner pixels.
    await expectWorks(() => wg.image.resizeBilinear(x, [2, 2], true), [2, 2, 2], [0, 1, 4, 5, 12, 13, 16, 17]);
    x.dispose();
  });

  test('images with no pixels', () => {
    const x = wg.zeros([1, 0, 3, 2]);
    bad(new Error(), () => wg.image.resizeBilinear(x, [2, 2]), 'resizeBilinear', ['resizeBilinear:', '[1,0,3,2]', 'no pixels']);
    x.dispose();
  });
});

describe('mirrorPad', () => {
  test('reflect padding as large as the dimension', async () => {
    const x = counting([3, 4]);
    const e = bad(new Error(), () => wg.mirrorPad(x, [[3, 0], [0, 0]], 'reflect'), 'mirrorPad', [
      'mirrorPad:', 'paddings[0] = [3, 0]', '[3,4]', 'size 3', 'reflect', 'from 0 to 2',
    ]);
    expect(e.shapes).toEqual([[3, 4]]);
    await expectWorks(() => wg.mirrorPad(x, [[0, 0], [3, 0]], 'reflect'), [3, 7], [3, 2, 1, 0, 1, 2, 3, 7, 6, 5, 4, 5, 6, 7, 11, 10, 9, 8, 9, 10, 11]);
    x.dispose();
  });

  test('symmetric padding larger than the dimension, negative padding', async () => {
    const x = counting([3, 2]);
    bad(new Error(), () => x.mirrorPad([[0, 0], [0, 3]], 'symmetric'), 'mirrorPad', ['mirrorPad:', 'paddings[1] = [0, 3]', '[3,2]', 'size 2', 'symmetric', 'from 0 to 2']);
    bad(new Error(), () => wg.mirrorPad(x, [[-1, 0], [0, 0]], 'symmetric'), 'mirrorPad', ['mirrorPad:', 'paddings[0] = [-1, 0]', '[3,2]']);
    await expectWorks(() => wg.mirrorPad(x, [[0, 0], [2, 2]], 'symmetric'), [3, 6], [1, 0, 0, 1, 1, 0, 3, 2, 2, 3, 3, 2, 5, 4, 4, 5, 5, 4]);
    x.dispose();
  });

  test('paddings that do not match the rank, a bad mode, a scalar', () => {
    const x = counting([2, 3]);
    bad(new Error(), () => wg.mirrorPad(x, [[1, 1]], 'reflect'), 'mirrorPad', ['mirrorPad:', 'one [before, after] pair', '[2,3]', 'rank 2']);
    bad(new Error(), () => wg.mirrorPad(x, [[1, 1], [1, 1]], 'edge' as 'reflect'), 'mirrorPad', ['mirrorPad:', "'reflect' or 'symmetric'", '"edge"', '[2,3]']);
    const s = wg.scalar(1);
    bad(new Error(), () => wg.mirrorPad(s, [], 'reflect'), 'mirrorPad', ['mirrorPad:', 'scalar', 'rank ≥ 1']);
    wg.dispose([x, s]);
  });
});

describe('depthToSpace', () => {
  test('depth not divisible by blockSize²', async () => {
    const x = counting([1, 2, 2, 6]);
    const e = bad(new Error(), () => wg.depthToSpace(x, 2), 'depthToSpace', ['depthToSpace:', '[1,2,2,6]', '(6', 'divisible by blockSize² = 4']);
    expect(e.shapes).toEqual([[1, 2, 2, 6]]);
    const c = counting([1, 8, 1, 1]);
    bad(new Error(), () => c.depthToSpace(3, 'NCHW'), 'depthToSpace', ['depthToSpace:', '[1,8,1,1]', 'dimension 1 in NCHW', 'blockSize² = 9']);
    await expectWorks(() => wg.depthToSpace(c, 2, 'NCHW'), [1, 2, 2, 2], [0, 2, 4, 6, 1, 3, 5, 7]);
    wg.dispose([x, c]);
  });

  test('wrong rank, blockSize below 2, a bad dataFormat', async () => {
    const x = counting([2, 2, 4]);
    bad(new Error(), () => wg.depthToSpace(x, 2), 'depthToSpace', ['depthToSpace:', 'rank 4', 'got rank 3', '[2,2,4]']);
    const y = counting([1, 1, 1, 4]);
    bad(new Error(), () => wg.depthToSpace(y, 1), 'depthToSpace', ['depthToSpace:', 'blockSize', '> 1', 'got 1', '[1,1,1,4]']);
    bad(new Error(), () => wg.depthToSpace(y, 2, 'NWC' as 'NHWC'), 'depthToSpace', ['depthToSpace:', "'NHWC' or 'NCHW'", '"NWC"']);
    await expectWorks(() => wg.depthToSpace(y, 2), [1, 2, 2, 1], [0, 1, 2, 3]);
    wg.dispose([x, y]);
  });
});

describe('spaceToBatchND and batchToSpaceND', () => {
  test('a block shape that does not divide the padded size', async () => {
    const x = counting([1, 4, 5, 1]);
    const e = bad(new Error(), () => wg.spaceToBatchND(x, [2, 2], [[0, 0], [1, 1]]), 'spaceToBatchND', [
      'spaceToBatchND:', 'dimension 2', '[1,4,5,1]', 'padded by [1, 1]', 'size 7', 'not divisible by blockShape[1] = 2',
    ]);
    expect(e.shapes).toEqual([[1, 4, 5, 1]]);
    await expectWorks(() => wg.spaceToBatchND(x, [2, 2], [[0, 0], [0, 1]]), [4, 2, 3, 1], [
      0, 2, 4, 10, 12, 14, 1, 3, 0, 11, 13, 0, 5, 7, 9, 15, 17, 19, 6, 8, 0, 16, 18, 0,
    ]);
    x.dispose();
  });

  test('rank too low for the block shape, paddings that do not match it, a block of 0', () => {
    const x = counting([2, 4]);
    bad(new Error(), () => wg.spaceToBatchND(x, [2, 2], [[0, 0], [0, 0]]), 'spaceToBatchND', ['spaceToBatchND:', '[2,4]', 'rank 2', 'rank ≥ 3']);
    bad(new Error(), () => x.spaceToBatchND([2], [[0, 0], [0, 0]]), 'spaceToBatchND', ['spaceToBatchND:', '1 [start, end] pair', '[2,4]']);
    bad(new Error(), () => wg.batchToSpaceND(x, [0], [[0, 0]]), 'batchToSpaceND', ['batchToSpaceND:', 'blockShape', '≥ 1', '[0]', '[2,4]']);
    x.dispose();
  });

  test('a batch not divisible by the block size', async () => {
    const x = counting([3, 1, 1, 1]);
    const e = bad(new Error(), () => wg.batchToSpaceND(x, [2, 2], [[0, 0], [0, 0]]), 'batchToSpaceND', [
      'batchToSpaceND:', '[3,1,1,1]', '(3)', 'not divisible', '[2,2]', '= 4',
    ]);
    expect(e.shapes).toEqual([[3, 1, 1, 1]]);
    await expectWorks(() => wg.batchToSpaceND(x, [3], [[0, 1]]), [1, 2, 1, 1], [0, 1]);
    x.dispose();
  });

  test('crops larger than the un-blocked size, negative crops', async () => {
    const x = counting([4, 2, 1, 1]);
    bad(new Error(), () => wg.batchToSpaceND(x, [2, 2], [[3, 2], [0, 0]]), 'batchToSpaceND', [
      'batchToSpaceND:', 'crops[0] = [3, 2]', 'remove 5', 'the 4 of dimension 1', '[4,2,1,1]',
    ]);
    bad(new Error(), () => x.batchToSpaceND([2, 2], [[0, 0], [-1, 0]]), 'batchToSpaceND', ['batchToSpaceND:', 'crops', '≥ 0', '[4,2,1,1]']);
    await expectWorks(() => wg.batchToSpaceND(x, [2, 2], [[1, 1], [0, 1]]), [1, 2, 1, 1], [4, 1]);
    x.dispose();
  });
});
