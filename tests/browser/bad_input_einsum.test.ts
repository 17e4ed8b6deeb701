// Misuse of einsum, localResponseNormalization, image.cropAndResize, image.flipLeftRight and image.transform on WebGPU: a
// ShapeError (or DTypeError) naming the op, the equation or the shapes, thrown at the call with the caller's
// location, nothing allocated; the engine keeps working.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { badCall, counting, expectWorks } from '../helpers/bad_input';

const bad = badCall('bad_input_einsum.test.ts');

describe('einsum', () => {
  test('malformed equations', async () => {
    const a = counting([2, 3]);
    const b = counting([3, 2]);
    // The wrong number of operands.
    const e = bad(new Error(), () => wg.einsum('ij,jk->ik', a), 'einsum', ['einsum:', '2 operands', '1 tensor was given', "'ij,jk->ik'", '[2,3]']);
    expect(e.shapes).toEqual([[2, 3]]);
    bad(new Error(), () => wg.einsum('ij->ji', a, b), 'einsum', ['einsum:', '1 operand', '2 tensors were given', '[2,3], [3,2]']);
    // An index whose sizes differ.
    bad(new Error(), () => wg.einsum('ij,ik->jk', a, b), 'einsum', ['einsum:', "index 'i' has size 2", 'size 3', 'operand 1', "'ij,ik->jk'", '[2,3], [3,2]']);
    bad(new Error(), () => wg.einsum('ii->i', a), 'einsum', ['einsum:', "index 'i' has size 2", 'size 3', '[2,3]']);
    // Characters that are not letters.
    bad(new Error(), () => wg.einsum('i1,1k->ik', a, b), 'einsum', ['einsum:', 'the character "1" is not allowed', "'i1,1k->ik'"]);
    bad(new Error(), () => wg.einsum('...j,jk->...k', a, b), 'einsum', ['einsum:', 'ellipses', '[2,3], [3,2]']);
    bad(new Error(), () => wg.einsum('ij,jk->i-k', a, b), 'einsum', ['einsum:', '"-"', 'not allowed']);
    // An output index in no operand, or twice.
    bad(new Error(), () => wg.einsum('ij,jk->iz', a, b), 'einsum', ['einsum:', "the output index 'z' appears in no operand", "'ij,jk->iz'", '[2,3], [3,2]']);
    bad(new Error(), () => wg.einsum('ij,jk->ii', a, b), 'einsum', ['einsum:', "'i' appears more than once"]);
    // Indices that do not match the ranks.
    bad(new Error(), () => wg.einsum('ijk,jk->i', a, b), 'einsum', ['einsum:', "operand 0 ('ijk') has 3 indices", 'rank 2', '[2,3]']);
    // More than two operands; not a string.
    bad(new Error(), () => wg.einsum('ij,jk,kl->il', a, b, a), 'einsum', ['einsum:', 'at most two operands', 'got 3']);
    bad(new Error(), () => wg.einsum(3 as unknown as string, a), 'einsum', ['einsum:', 'must be a string', 'ij,jk->ik']);
    // bool operands.
    const m = wg.tensor([[true, false]]);
    bad(new Error(), () => wg.einsum('ij->ji', m), 'einsum', ['einsum:', 'bool', "'ij->ji'"], wg.DTypeError);
    await expectWorks(() => wg.einsum('ij,jk->ik', a, b), [2, 2], [10, 13, 28, 40]);
    await expectWorks(() => wg.einsum('ij->j', a), [3], [3, 5, 7]);
    wg.dispose([a, b, m]);
  });
});

describe('localResponseNormalization', () => {
  test('rank and depthRadius', async () => {
    const x = counting([2, 3]);
    bad(new Error(), () => wg.localResponseNormalization(x), 'localResponseNormalization', ['localResponseNormalization:', 'rank 4', 'got rank 2', '[2,3]']);
    const y = counting([1, 1, 1, 3]);
    bad(new Error(), () => wg.localResponseNormalization(y, 1.5), 'localResponseNormalization', ['localResponseNormalization:', 'depthRadius', 'integer', '1.5', '[1,1,1,3]']);
    bad(new Error(), () => y.localResponseNormalization(-1), 'localResponseNormalization', ['localResponseNormalization:', 'depthRadius', '-1']);
    // radius 0, bias 0, alpha 1, beta 1: x / x² = 1 / x (x = 1, 2).
    await expectWorks(() => wg.localResponseNormalization(wg.tensor([[[[1, 2]]]]), 0, 0, 1, 1), [1, 1, 1, 2], [1, 0.5]);
    wg.dispose([x, y]);
  });
});

describe('image.cropAndResize', () => {
  test('boxes, boxInd and cropSize', async () => {
    const img = counting([2, 3, 3, 1]);
    const boxes = wg.tensor([[0, 0, 1, 1]]);
    const ind = wg.tensor([0], [1], 'int32');
    const flat = wg.tensor([0, 0, 1, 1]);
    const e = bad(new Error(), () => wg.image.cropAndResize(img, flat, ind, [2, 2]), 'cropAndResize', ['cropAndResize:', 'boxes must have shape [numBoxes, 4]', 'got [4]', 'image [2,3,3,1]']);
    expect(e.shapes).toEqual([[2, 3, 3, 1], [4], [1]]);
    const five = wg.tensor([[0, 0, 1, 1, 0]]);
    bad(new Error(), () => wg.image.cropAndResize(img, five, ind, [2, 2]), 'cropAndResize', ['cropAndResize:', '[numBoxes, 4]', 'got [1,5]']);
    const out = wg.tensor([2], [1], 'int32');
    bad(new Error(), () => wg.image.cropAndResize(img, boxes, out, [2, 2]), 'cropAndResize', ['cropAndResize:', 'boxInd[0] = 2 is out of range', '2 images', 'image [2,3,3,1]']);
    const neg = wg.tensor([-1], [1], 'int32');
    bad(new Error(), () => wg.image.cropAndResize(img, boxes, neg, [2, 2]), 'cropAndResize', ['cropAndResize:', 'boxInd[0] = -1 is out of range']);
    const two = wg.tensor([0, 1], [2], 'int32');
    bad(new Error(), () => wg.image.cropAndResize(img, boxes, two, [2, 2]), 'cropAndResize', ['cropAndResize:', 'boxInd must have shape [numBoxes] = [1]', 'got [2]']);
    bad(new Error(), () => wg.image.cropAndResize(img, boxes, ind, [0, 2]), 'cropAndResize', ['cropAndResize:', 'cropSize [0,2] must be positive', 'boxes [1,4]']);
    bad(new Error(), () => wg.image.cropAndResize(img, boxes, ind, [2, -3]), 'cropAndResize', ['cropAndResize:', 'cropSize [2,-3] must be positive']);
    bad(new Error(), () => wg.image.cropAndResize(img, boxes, ind, [2]), 'cropAndResize', ['cropAndResize:', '[cropHeight, cropWidth]', '[2]']);
    bad(new Error(), () => wg.image.cropAndResize(img, boxes, ind, [2, 2], 'bicubic' as 'nearest'), 'cropAndResize', ['cropAndResize:', "'bilinear' or 'nearest'", 'bicubic']);
    const fInd = wg.tensor([0]);
    bad(new Error(), () => wg.image.cropAndResize(img, boxes, fInd, [2, 2]), 'cropAndResize', ['cropAndResize:', 'boxInd must be int32', 'float32'], wg.DTypeError);
    const img3 = counting([3, 3, 1]);
    bad(new Error(), () => wg.image.cropAndResize(img3, boxes, ind, [2, 2]), 'cropAndResize', ['cropAndResize:', 'image must be rank 4', 'got rank 3', '[3,3,1]']);
    // The whole first image at its corners.
    await expectWorks(() => wg.image.cropAndResize(img, boxes, ind, [2, 2]), [1, 2, 2, 1], [0, 2, 6, 8]);
    wg.dispose([img, boxes, ind, flat, five, out, neg, two, fInd, img3]);
  });
});

describe('image.flipLeftRight', () => {
  test('rank', async () => {
    const x = counting([2, 3, 1]);
    bad(new Error(), () => wg.image.flipLeftRight(x), 'flipLeftRight', ['flipLeftRight:', 'rank 4', 'got rank 3', '[2,3,1]']);
    await expectWorks(() => wg.image.flipLeftRight(wg.reshape(x, [1, 2, 3, 1])), [1, 2, 3, 1], [2, 1, 0, 5, 4, 3]);
    x.dispose();
  });
});

describe('image.transform', () => {
  test('transforms, modes and outputShape', async () => {
    const img = counting([2, 2, 3, 1]);
    const seven = wg.tensor([[1, 0, 0, 0, 1, 0, 0]]);
    const e = bad(new Error(), () => wg.image.transform(img, seven), 'transform', ['transform:', 'transforms must have shape [1, 8] or [batch, 8] = [2, 8]', 'got [1,7]', 'image [2,2,3,1]']);
    expect(e.shapes).toEqual([[2, 2, 3, 1], [1, 7]]);
    const three = wg.zeros([3, 8]);
    bad(new Error(), () => wg.image.transform(img, three), 'transform', ['transform:', '[batch, 8] = [2, 8]', 'got [3,8]']);
    const id = wg.tensor([[1, 0, 0, 0, 1, 0, 0, 0]]);
    bad(new Error(), () => wg.image.transform(img, id, 'cubic' as 'nearest'), 'transform', ['transform:', "'nearest' or 'bilinear'", 'cubic']);
    bad(new Error(), () => wg.image.transform(img, id, 'nearest', 'mirror' as 'wrap'), 'transform', ['transform:', 'fillMode', 'mirror']);
    bad(new Error(), () => wg.image.transform(img, id, 'nearest', 'constant', 0, [0, 2]), 'transform', ['transform:', 'outputShape', '[0, 2]']);
    const img3 = counting([2, 3, 1]);
    bad(new Error(), () => wg.image.transform(img3, id), 'transform', ['transform:', 'image must be rank 4', 'got rank 3']);
    // A shift by one column to the right: x' = x - 1 (column 0 reads outside: fillValue 9).
    const shift = wg.tensor([[1, 0, -1, 0, 1, 0, 0, 0]]);
    await expectWorks(() => wg.image.transform(img, shift, 'nearest', 'constant', 9), [2, 2, 3, 1], [9, 0, 1, 9, 3, 4, 9, 6, 7, 9, 9, 10]);
    wg.dispose([img, seven, three, id, img3, shift]);
  });
});
