// Convolution epilogues: bias and activation run in the convolution's (or matmul's) own kernel, through
// wg.fused.* in eager mode and by graph fusion of conv2d + add + relu; kernel counts from the backend's dispatch
// counter. The fused forms' options objects record their tensors as graph inputs and survive save/load.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { gpuBackend } from '../helpers/devices';

/** Dispatches of the second run of a session (the first compiles and may fold constants). */
async function kernelsPerRun(g: wg.Graph, fetch: wg.Tensor, feeds: Record<string, unknown>) {
  const sess = new wg.Session(g);
  const first = await sess.run(fetch, feeds as never);
  const before = gpuBackend().dispatches;
  const value = await sess.run(fetch, feeds as never);
  const kernels = gpuBackend().dispatches - before;
  const info = sess.explain();
  sess.close();
  expect(value).toEqual(first);
  return { kernels, value, info };
}

/** Dispatches an eager computation makes (run twice: the count of the second, once pipelines exist). */
function eagerKernels(fn: () => unknown): number {
  wg.tidy(() => void fn());
  const before = gpuBackend().dispatches;
  wg.tidy(() => void fn());
  return gpuBackend().dispatches - before;
}

/** Deterministic values in [-1, 1) laid out in `shape`. */
function values(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => (((i * 7919 + seed * 104729) % 2003) / 2003) * 2 - 1);
}

const close = (got: ArrayLike<number>, want: ArrayLike<number>) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `element ${i}: ${got[i]} vs ${want[i]}`).toBeLessThan(1e-5 + 1e-5 * Math.abs(want[i]));
};

const XS = [1, 6, 6, 3];
const FS = [3, 3, 3, 4];

describe('eager: wg.fused', () => {
  test('fused.conv2d with bias + relu gives relu(conv2d + bias)', async () => {
    await wg.scope(async () => {
      const x = wg.tensor(values(XS, 1), XS);
      const f = wg.tensor(values(FS, 2), FS);
      const b = wg.tensor([0.5, -0.5, 0.1, 0]);
      const fused = wg.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', bias: b, activation: 'relu' });
      const plain = wg.relu(wg.conv2d(x, f, 1, 'same').add(b));
      close(await fused.data(), await plain.data());
    });
  });

  test('fused.conv2d with bias + relu is one kernel', async () => {
    await wg.scope(async () => {
      const x = wg.tensor(values(XS, 1), XS);
      const f = wg.tensor(values(FS, 2), FS);
      const b = wg.tensor([0.5, -0.5, 0.1, 0]);
      expect(eagerKernels(() => wg.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', bias: b, activation: 'relu' }))).toBe(1);
    });
  });

  test('fused.matMul with bias + relu is one kernel (the matmul with its epilogue)', async () => {
    await wg.scope(async () => {
      const a = wg.tensor(values([4, 5], 3), [4, 5]);
      const w = wg.tensor(values([5, 3], 4), [5, 3]);
      const b = wg.tensor([0.2, -1, 0.3]);
      expect(eagerKernels(() => wg.fused.matMul({ a, b: w, bias: b, activation: 'relu' }))).toBe(1);
      const fused = wg.fused.matMul({ a, b: w, bias: b, activation: 'relu' });
      close(await fused.data(), await wg.relu(wg.matMul(a, w).add(b)).data());
    });
  });
});

describe('graph mode', () => {
  test('conv2d + add(bias) + relu is one kernel', async () => {
    const fv = values(FS, 2);
    const bv = [0.5, -0.5, 0.1, 0];
    const g = new wg.Graph();
    const y = g.build(() => wg.relu(wg.conv2d(g.placeholder('float32', XS, 'x'), wg.tensor(fv, FS), 1, 'same').add(wg.tensor(bv))));
    const xv = values(XS, 1);
    const x = wg.tensor(xv, XS);
    const { kernels, value } = await kernelsPerRun(g, y, { x });
    x.dispose();
    g.dispose();
    expect(kernels).toBe(1);
    await wg.scope(async () => {
      const want = await wg.relu(wg.conv2d(wg.tensor(xv, XS), wg.tensor(fv, FS), 1, 'same').add(wg.tensor(bv))).data();
      close((value as number[][][][]).flat(3), want);
    });
  });

  test('fused.conv2d records its options object: tensors inside are graph inputs, and it saves and loads', async () => {
    const fv = values(FS, 2);
    const g = new wg.Graph();
    const { y } = g.build(() => {
      const x = g.placeholder('float32', XS, 'x');
      const bias = g.placeholder('float32', [4], 'bias');
      const preluActivationWeights = wg.tensor([0.1, 0.2, 0.3, 0.4]);
      return { y: wg.fused.conv2d({ x, filter: wg.tensor(fv, FS), strides: 1, pad: 'same', bias, activation: 'prelu', preluActivationWeights }) };
    });
    const feeds = { x: wg.tensor(values(XS, 1), XS), bias: [0.5, -0.5, 0.1, 0] };
    const s1 = new wg.Session(g);
    const a = (await s1.run(y, feeds)) as number[][][][];
    s1.close();
    const g2 = wg.Graph.fromJSON(JSON.stringify(g.toJSON()));
    const s2 = new wg.Session(g2);
    const b = (await s2.run('y', feeds)) as number[][][][];
    s2.close();
    expect(b).toEqual(a);
    await wg.scope(async () => {
      const want = await wg.fused
        .conv2d({
          x: feeds.x, filter: wg.tensor(fv, FS), strides: 1, pad: 'same', bias: wg.tensor(feeds.bias), activation: 'prelu',
          preluActivationWeights: wg.tensor([0.1, 0.2, 0.3, 0.4]),
        })
        .data();
      close(a.flat(3), want);
    });
    feeds.x.dispose();
    g.dispose();
    g2.dispose();
  });
});
