// Memory stays bounded across many runs of a small CNN (conv + bias + relu, pooling, batchNorm, resize, dense),
// eagerly inside tidy and as a wg.function graph (fused epilogues, folded constants): after a warm-up, live
// tensors, bytes in use and buffers created stop growing, and a failing call (bad input) leaks nothing.
import { expect, test } from 'vitest';
import * as wg from '../../engine/index';

function cnn(x: wg.Tensor, w1: wg.Tensor, b1: wg.Tensor, w2: wg.Tensor, stats: wg.Tensor[]): wg.Tensor {
  const h = wg.maxPool(wg.relu(wg.conv2d(x, w1, 1, 'same').add(b1)), 2, 2, 'valid');
  const n = wg.batchNorm(h, stats[0], stats[1], stats[2], stats[3]);
  const d = wg.depthwiseConv2d(wg.image.resizeBilinear(n, [6, 6]), w2, 1, 'valid');
  return wg.softmax(d.reshape([d.shape[0], -1]), -1);
}

test('a CNN run 300 times eagerly and 300 times as a graph keeps memory bounded', async () => {
  const x = wg.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 1);
  const w1 = wg.randomUniform([3, 3, 3, 4], -1, 1, 'float32', 2);
  const b1 = wg.randomUniform([4], -1, 1, 'float32', 3);
  const w2 = wg.randomUniform([3, 3, 4, 2], -1, 1, 'float32', 4);
  const stats = [0, 1, 2, 3].map((i) => wg.randomUniform([4], 0.5, 1.5, 'float32', 10 + i));
  const f = wg.function((a: wg.Tensor) => cnn(a, w1, b1, w2, stats));
  const snapshot = () => {
    const m = wg.memory();
    return { tensors: m.tensors, bytesInUse: m.bytesInUse, buffersCreated: m.buffersCreated };
  };
  const round = async () => {
    for (let i = 0; i < 30; i++) {
      wg.tidy(() => cnn(x, w1, b1, w2, stats)).dispose();
      f(x).dispose();
    }
    const y = f(x);
    await y.data();
    y.dispose();
  };
  await round();
  const after1 = snapshot();
  for (let r = 0; r < 9; r++) await round();
  const after10 = snapshot();
  expect(after10.tensors).toBe(after1.tensors);
  expect(after10.bytesInUse).toBe(after1.bytesInUse);
  expect(after10.buffersCreated).toBe(after1.buffersCreated);
  // A bad call in the middle (channels that do not match) throws and leaves nothing behind.
  expect(() => wg.tidy(() => wg.conv2d(x, w2, 1, 'same'))).toThrow(wg.ShapeError);
  expect(snapshot().tensors).toBe(after10.tensors);
  f.dispose();
  wg.dispose([x, w1, b1, w2, ...stats]);
}, 120_000);
