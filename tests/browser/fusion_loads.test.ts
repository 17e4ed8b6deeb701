// Fusion through loads: an elementwise producer read by a consumer only through computed element indices (a
// pooling window, a pad, a resize) becomes the consumer's prologue, recomputed at each loaded element, while
// the recomputation stays within LOADED_FUSION_BUDGET. Kernel counts from the backend's dispatch counter and
// values against eager mode.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { gpuBackend } from '../helpers/devices';

async function graphRun(fn: (x: wg.Tensor) => wg.Tensor, shape: number[], data: Float32Array) {
  const g = new wg.Graph();
  const y = g.build(() => fn(g.placeholder('float32', shape, 'x')));
  const sess = new wg.Session(g);
  const feed = () => ({ x: wg.tensor(data, shape) });
  const f1 = feed();
  await sess.run(y, f1 as never);
  const f2 = feed();
  const before = gpuBackend().dispatches;
  const value = ((await sess.run(y, f2 as never)) as unknown[]).flat(4) as number[];
  const kernels = gpuBackend().dispatches - before;
  const info = sess.explain();
  sess.close();
  g.dispose();
  wg.dispose([f1.x, f2.x]);
  const x = wg.tensor(data, shape);
  const e = wg.tidy(() => fn(x));
  const eager = Array.from(await e.data());
  wg.dispose([x, e]);
  return { kernels, value, eager, info };
}

const data = (n: number) => Float32Array.from({ length: n }, (_, i) => (((i * 7) % 23) - 11) / 4);
const close = (a: number[], b: number[]) => b.forEach((v, i) => expect(a[i]).toBeCloseTo(v, 5));

describe('fusion through loads', () => {
  test('maxPool 2×2 of relu(x·2 + 1) is one kernel', async () => {
    const r = await graphRun((x) => wg.maxPool(wg.relu(x.mul(2).add(1)), 2, 2, 'valid'), [2, 6, 6, 4], data(288));
    expect(r.kernels).toBe(1);
    expect(r.info.kernels[0].nodes).toEqual(['mul', 'add', 'relu', 'maxPool']);
    close(r.value, r.eager);
  });

  test('avgPool 3×3 same, of exp(x), and a pad of a sliced (offset) producer', async () => {
    const a = await graphRun((x) => wg.avgPool(wg.exp(x), 3, 1, 'same'), [1, 5, 5, 2], data(50));
    expect(a.kernels).toBe(1);
    close(a.value, a.eager);
    const b = await graphRun((x) => wg.pad(wg.neg(wg.slice(x, [1, 0], [2, 3])), [[1, 1], [0, 2]], 9), [4, 3], data(12));
    expect(b.kernels).toBe(1);
    close(b.value, b.eager);
  });

  test('a producer too costly to recompute at every tap stays its own kernel', async () => {
    const heavy = (x: wg.Tensor) => wg.tanh(wg.exp(wg.sin(x.mul(3)).add(wg.cos(x))).sub(x.mul(x))).div(wg.sqrt(x.mul(x).add(1)));
    const r = await graphRun((x) => wg.maxPool(heavy(x), 3, 1, 'same'), [1, 6, 6, 2], data(72));
    expect(r.kernels).toBe(2);
    close(r.value, r.eager);
  });
});
