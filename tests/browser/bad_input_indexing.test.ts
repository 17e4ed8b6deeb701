// Misuse of the indexing ops on WebGPU (gatherND, scatterND, tensorScatterUpdate, unsortedSegmentSum, bincount,
// gather's batchDims, stridedSlice's ellipsis/newAxis masks): a ShapeError or DTypeError naming the op, the
// index and the shapes, thrown at the call with the caller's location, nothing allocated; the engine keeps working.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { badCall, counting, expectWorks } from '../helpers/bad_input';

const bad = badCall('bad_input_indexing.test.ts');

describe('gatherND', () => {
  test('host indices out of range', async () => {
    const x = counting([4, 3]);
    const idx = wg.tensor([[1, 0], [3, 3]], [2, 2], 'int32');
    const e = bad(new Error(), () => wg.gatherND(x, idx), 'gatherND', ['gatherND:', 'index 3', 'indices[1,1]', 'dimension 1', '[4,3]', 'size 3']);
    expect(e.shapes).toEqual([[4, 3], [2, 2]]);
    const neg = wg.tensor([[-1]], [1, 1], 'int32');
    bad(new Error(), () => wg.gatherND(x, neg), 'gatherND', ['gatherND:', 'index -1', 'dimension 0', '[4,3]']);
    await expectWorks(() => wg.gatherND(x, wg.tensor([[1, 0], [3, 2]], [2, 2], 'int32')), [2], [3, 11]);
    wg.dispose([x, idx, neg]);
  });

  test('indices with a last dimension larger than the rank, a scalar, or float', () => {
    const x = counting([4, 3]);
    const idx = wg.zeros([2, 3], 'int32');
    bad(new Error(), () => wg.gatherND(x, idx), 'gatherND', ['gatherND:', 'last dimension', '[2,3]', 'rank of x', '[4,3]']);
    const s = wg.scalar(1, 'int32');
    bad(new Error(), () => wg.gatherND(x, s), 'gatherND', ['gatherND:', 'rank at least 1']);
    const f = wg.zeros([2, 1]);
    bad(new Error(), () => wg.gatherND(x, f), 'gatherND', ['gatherND:', 'int32', 'float32'], wg.DTypeError);
    wg.dispose([x, idx, s, f]);
  });
});

describe('scatterND and tensorScatterUpdate', () => {
  test('host indices out of range', async () => {
    const idx = wg.tensor([[4], [8]], [2, 1], 'int32');
    const u = wg.ones([2]);
    const e = bad(new Error(), () => wg.scatterND(idx, u, [8]), 'scatterND', ['scatterND:', 'index 8', 'indices[1,0]', 'dimension 0', '[8]', 'size 8']);
    expect(e.shapes).toEqual([[8], [2, 1]]);
    const t = counting([8]);
    bad(new Error(), () => wg.tensorScatterUpdate(t, idx, u), 'tensorScatterUpdate', ['tensorScatterUpdate:', 'index 8', '[8]', 'size 8']);
    await expectWorks(() => wg.scatterND(wg.tensor([[4], [4]], [2, 1], 'int32'), u, [6]), [6], [0, 0, 0, 0, 2, 0]);
    wg.dispose([idx, u, t]);
  });

  test('updates of the wrong shape', async () => {
    const idx = wg.tensor([[0], [2]], [2, 1], 'int32');
    const u = wg.ones([2, 3]);
    bad(new Error(), () => wg.scatterND(idx, u, [4, 4]), 'scatterND', ['scatterND:', 'updates of shape [2,3]', 'must have shape [2,4]']);
    const t = counting([4, 2]);
    bad(new Error(), () => wg.tensorScatterUpdate(t, idx, u), 'tensorScatterUpdate', ['tensorScatterUpdate:', '[2,3]', 'must have shape [2,2]']);
    const ui = wg.ones([2, 2], 'int32');
    bad(new Error(), () => wg.tensorScatterUpdate(t, idx, ui), 'tensorScatterUpdate', ['tensorScatterUpdate:', 'int32', 'float32'], wg.DTypeError);
    await expectWorks(() => wg.tensorScatterUpdate(t, idx, wg.zeros([2, 2])), [4, 2], [0, 0, 2, 3, 0, 0, 6, 7]);
    wg.dispose([idx, u, t, ui]);
  });

  test('indices whose last dimension exceeds the rank', () => {
    const idx = wg.zeros([2, 3], 'int32');
    const u = wg.ones([2]);
    bad(new Error(), () => wg.scatterND(idx, u, [4, 4]), 'scatterND', ['scatterND:', 'last dimension', '[2,3]', '[4,4]']);
    wg.dispose([idx, u]);
  });
});

describe('unsortedSegmentSum and bincount', () => {
  test('segment ids out of range or of the wrong shape', async () => {
    const x = counting([4, 2]);
    const ids = wg.tensor([0, 1, 3, 1], [4], 'int32');
    bad(new Error(), () => wg.unsortedSegmentSum(x, ids, 3), 'unsortedSegmentSum', ['unsortedSegmentSum:', 'index 3', 'size 3']);
    const short = wg.tensor([0, 1], [2], 'int32');
    bad(new Error(), () => wg.unsortedSegmentSum(x, short, 3), 'unsortedSegmentSum', ['unsortedSegmentSum:', 'segmentIds of shape [2]', '[4,2]']);
    await expectWorks(() => wg.unsortedSegmentSum(x, ids, 4), [4, 2], [0, 1, 8, 10, 0, 0, 4, 5]);
    wg.dispose([x, ids, short]);
  });

  test('bincount of negative values or mismatched weights', () => {
    const x = wg.tensor([1, -2], [2], 'int32');
    const w = wg.tensor([], [0]);
    bad(new Error(), () => wg.bincount(x, w, 3), 'bincount', ['bincount:', '-2', 'negative']);
    const w3 = wg.ones([3]);
    const y = wg.tensor([1, 2], [2], 'int32');
    bad(new Error(), () => wg.bincount(y, w3, 3), 'bincount', ['bincount:', 'weights of shape [3]', '[2]']);
    wg.dispose([x, w, w3, y]);
  });
});

describe('gather batchDims and stridedSlice masks', () => {
  test('batchDims out of range or disagreeing batch dimensions', async () => {
    const x = counting([2, 3, 4]);
    const idx = wg.zeros([2, 2], 'int32');
    bad(new Error(), () => wg.gather(x, idx, 1, 3), 'gather', ['gather:', 'batchDims 3', '[2,2]']);
    bad(new Error(), () => wg.gather(x, idx, 0, 1), 'gather', ['gather:', 'batchDims 1', 'at most axis 0']);
    const idx3 = wg.zeros([3, 2], 'int32');
    bad(new Error(), () => wg.gather(x, idx3, 1, 1), 'gather', ['gather:', 'batchDims 1', '[2,3,4]', '[3,2]', 'dimension 0']);
    await expectWorks(() => wg.gather(x, wg.tensor([[1], [2]], [2, 1], 'int32'), 1, 1), [2, 1, 4], [4, 5, 6, 7, 20, 21, 22, 23]);
    wg.dispose([x, idx, idx3]);
  });

  test('more than one ellipsis, or more dimensions than the rank', () => {
    const x = counting([2, 3]);
    bad(new Error(), () => wg.stridedSlice(x, [0, 0], [1, 1], [1, 1], 0, 0, 3), 'stridedSlice', ['stridedSlice:', 'ellipsisMask 3', 'one ellipsis']);
    bad(new Error(), () => wg.stridedSlice(x, [0, 0, 0], [1, 1, 1], [1, 1, 1], 0, 0, 0, 0), 'stridedSlice', ['stridedSlice:', '3 dimensions', 'rank 2']);
    x.dispose();
  });
});
