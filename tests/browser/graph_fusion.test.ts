// Graph optimiser: kernel counts from the backend's own dispatch counter, each pass switchable and
// reporting, side effects surviving every pass, and memory planning below the naive sum.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import type { Optimizations } from '../../engine/graph/mode';
import { gpuBackend } from '../helpers/devices';

/** Dispatches of the second run of a session (the first compiles and may fold constants). */
async function kernelsPerRun(g: wg.Graph, fetch: wg.Tensor, feeds: Record<string, unknown>, optimizations?: Optimizations) {
  const sess = new wg.Session(g, { optimizations });
  const first = await sess.run(fetch, feeds as never);
  const before = gpuBackend().dispatches;
  const value = await sess.run(fetch, feeds as never);
  const kernels = gpuBackend().dispatches - before;
  const info = sess.explain();
  sess.close();
  expect(value).toEqual(first);
  return { kernels, value, info };
}

function eagerKernels(fn: () => unknown): number {
  const before = gpuBackend().dispatches;
  wg.tidy(() => void fn());
  return gpuBackend().dispatches - before;
}

describe('fusion', () => {
  test('exp(a*b+c) is 1 kernel in graph mode and 3 in eager', async () => {
    const g = new wg.Graph();
    const y = g.build(() => {
      const [a, b, c] = ['a', 'b', 'c'].map((n) => g.placeholder('float32', [4], n));
      return wg.exp(a.mul(b).add(c));
    });
    const feeds = { a: [1, 2, 3, 4], b: [0.5, 0.5, 0.5, 0.5], c: [0, 1, 0, 1] };
    const { kernels, value, info } = await kernelsPerRun(g, y, feeds);
    expect(kernels).toBe(1);
    (value as number[]).forEach((v, i) => expect(v).toBeCloseTo(Math.exp(feeds.a[i] * 0.5 + feeds.c[i]), 4));
    expect(info.kernels[0].nodes).toEqual(['mul', 'add', 'exp']);
    expect(info.kernels[0].wgsl).toMatch(/exp\(/);
    expect(info.reports.find((r) => r.pass === 'fusion')?.removed).toBe(2);
    const t = [wg.tensor(feeds.a), wg.tensor(feeds.b), wg.tensor(feeds.c)];
    expect(eagerKernels(() => wg.exp(t[0].mul(t[1]).add(t[2])))).toBe(3);
    wg.dispose(t);
    // Switched off: one kernel per op again.
    expect((await kernelsPerRun(g, y, feeds, { fusion: false })).kernels).toBe(3);
  });

  test('the benchmark chain is 1 kernel (10 in eager)', async () => {
    const chain = (x: wg.Tensor) => wg.tanh(wg.relu(x.mul(1.5).add(0.25)).sub(x)).mul(2).add(wg.exp(x.mul(x).neg()));
    const g = new wg.Graph();
    const y = g.build(() => chain(g.placeholder('float32', [null], 'x')));
    const xs = [-2, -1, 0, 0.5, 1, 2];
    const { kernels, value } = await kernelsPerRun(g, y, { x: xs });
    expect(kernels).toBe(1);
    const x = wg.tensor(xs);
    expect(eagerKernels(() => chain(x))).toBe(10);
    const ey = wg.tidy(() => chain(x));
    const eager = Array.from(await ey.data());
    wg.dispose([x, ey]);
    (value as number[]).forEach((v, i) => expect(v).toBeCloseTo(eager[i], 5));
  });

  test('wg.function and withMode(graph) fuse too', async () => {
    const f = wg.function((a: wg.Tensor, b: wg.Tensor) => wg.exp(a.mul(b).add(1)));
    await wg.scope(async () => {
      const a = wg.tensor([1, 2]);
      f(a, a);
      const before = gpuBackend().dispatches;
      await f(a, a).data();
      // the plan's one kernel (outputs are copied, not computed)
      expect(gpuBackend().dispatches - before).toBe(1);
    });
    f.dispose();
  });
});

describe('fusion into reductions', () => {
  const rows = [[1, 2, 3, 4], [-1, 0, 1, 8]];
  test('sum(exp(x)) is 1 kernel (the exp is the reduction prologue)', async () => {
    const g = new wg.Graph();
    const y = g.build(() => wg.sum(wg.exp(g.placeholder('float32', [2, 4], 'x')), 1));
    const { kernels, value } = await kernelsPerRun(g, y, { x: rows });
    expect(kernels).toBe(1);
    (value as number[]).forEach((v, i) => expect(v).toBeCloseTo(rows[i].reduce((s, x) => s + Math.exp(x), 0), 3));
  });

  test('softmax is 2 kernels: one fused max/sum reduction, one exp (also in eager)', async () => {
    const g = new wg.Graph();
    const y = g.build(() => wg.softmax(g.placeholder('float32', [2, 4], 'x')));
    const { kernels, value } = await kernelsPerRun(g, y, { x: rows });
    expect(kernels).toBe(2);
    const x = wg.tensor(rows);
    expect(eagerKernels(() => wg.softmax(x))).toBe(2);
    x.dispose();
    (value as number[][]).forEach((r, i) => {
      const e = rows[i].map((v) => Math.exp(v - Math.max(...rows[i])));
      r.forEach((v, j) => expect(v).toBeCloseTo(e[j] / e.reduce((a, b) => a + b, 0), 5));
    });
  });

  test('layerNorm is at most 3 kernels', async () => {
    const g = new wg.Graph();
    const y = g.build(() => wg.layerNorm(g.placeholder('float32', [2, 4], 'x'), wg.ones([4]), wg.zeros([4])));
    const { kernels, value } = await kernelsPerRun(g, y, { x: rows });
    expect(kernels).toBeLessThanOrEqual(3);
    (value as number[][]).forEach((r, i) => {
      const m = rows[i].reduce((a, b) => a + b, 0) / 4;
      const v = rows[i].reduce((a, b) => a + (b - m) ** 2, 0) / 4;
      r.forEach((got, j) => expect(got).toBeCloseTo((rows[i][j] - m) / Math.sqrt(v + 1e-5), 4));
    });
  });
});

describe('fusion into matmul', () => {
  test('relu(matMul(x, w) + b) is 1 kernel (3 in eager)', async () => {
    const g = new wg.Graph();
    const xs = [[1, 2, 3], [4, 5, 6]];
    const wv = [[0.5, -1], [0.25, 0.5], [-0.5, 1]];
    const y = g.build(() => wg.relu(wg.matMul(g.placeholder('float32', [2, 3], 'x'), wg.tensor(wv)).add(wg.tensor([0.1, -2]))));
    const { kernels, value, info } = await kernelsPerRun(g, y, { x: xs });
    expect(kernels).toBe(1);
    expect(info.kernels[0].kind).toBe('matmul');
    const ref = xs.map((r) => [0, 1].map((j) => Math.max(0, r.reduce((s, v, k) => s + v * wv[k][j], 0) + [0.1, -2][j])));
    (value as number[][]).forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(ref[i][j], 5)));
  });

  test('an MLP 64×784→256→256→10 with relu and softmax runs in 5 kernels', async () => {
    const g = new wg.Graph();
    const y = g.build(() => {
      let h = g.placeholder('float32', [64, 784], 'x');
      for (const [i, o] of [[784, 256], [256, 256], [256, 10]]) {
        const z = wg.matMul(h, wg.randomNormal([i, o], 0, 0.05, 'float32', i + o)).add(wg.zeros([o]));
        h = o === 10 ? z : wg.relu(z);
      }
      return wg.softmax(h);
    });
    const x = wg.randomUniform([64, 784], 0, 1, 'float32', 3);
    const { kernels, value } = await kernelsPerRun(g, y, { x });
    x.dispose();
    expect(kernels).toBe(5);
    (value as number[][]).forEach((row) => expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4));
  });
});

describe('other passes', () => {
  test('constant folding computes constant subgraphs once: the seed program runs no kernel', async () => {
    const g = new wg.Graph();
    const c = g.build(() => wg.add(wg.constant(5), wg.constant(3)));
    const on = await kernelsPerRun(g, c, {});
    expect(on.value).toBe(8);
    expect(on.kernels).toBe(0);
    expect(on.info.reports.find((r) => r.pass === 'constantFolding')?.removed).toBe(1);
    const off = await kernelsPerRun(g, c, {}, { constantFolding: false });
    expect(off.kernels).toBe(1);
    expect(off.value).toBe(8);
  });

  test('common subexpressions: the same kernel over the same inputs runs once', async () => {
    const g = new wg.Graph();
    const y = g.build(() => {
      const x = g.placeholder('float32', [3], 'x');
      return wg.sum(wg.exp(x)).add(wg.max(wg.exp(x)));
    });
    const feeds = { x: [0, 1, 2] };
    const on = await kernelsPerRun(g, y, feeds, { fusion: false });
    const off = await kernelsPerRun(g, y, feeds, { fusion: false, commonSubexpression: false });
    expect(off.kernels - on.kernels).toBe(1);
    expect(on.value).toBeCloseTo(Math.exp(0) + Math.exp(1) + Math.exp(2) + Math.exp(2), 4);
  });

  test('prune drops kernels nothing reads (variance of moments when only the mean is fetched)', async () => {
    const g = new wg.Graph();
    const m = g.build(() => wg.moments(g.placeholder('float32', [2, 3], 'x'), 1).mean);
    const feeds = { x: [[1, 2, 3], [4, 5, 6]] };
    const on = await kernelsPerRun(g, m, feeds, { fusion: false });
    const off = await kernelsPerRun(g, m, feeds, { fusion: false, prune: false });
    expect(on.value).toEqual([2, 5]);
    expect(off.kernels).toBeGreaterThan(on.kernels);
  });

  test('side effects survive every pass: prints and assigns with all passes on', async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(' '));
    try {
      const g = new wg.Graph();
      const { next } = g.build(() => {
        const v = wg.variable([1, 1], { name: 'v' });
        void wg.print('step');
        const w = v.assignAdd(wg.constant([1, 2]));
        return { next: w.mul(1) };
      });
      const sess = new wg.Session(g);
      expect(await sess.run(next)).toEqual([2, 3]);
      expect(await sess.run(next)).toEqual([3, 5]);
      expect(lines.filter((l) => l === 'step')).toHaveLength(2);
      sess.close();
    } finally {
      console.log = log;
    }
  });

  test('memory planning: an MLP needs fewer temporary bytes than one buffer each', async () => {
    const g = new wg.Graph();
    const y = g.build(() => {
      const x = g.placeholder('float32', [8, 32], 'x');
      let h = x;
      for (const [i, o] of [[32, 64], [64, 64], [64, 10]]) {
        h = wg.relu(wg.matMul(h, wg.randomNormal([i, o], 0, 0.1, 'float32', i * o)).add(wg.zeros([o])));
      }
      return wg.softmax(h);
    });
    const feeds = { x: Array.from({ length: 8 }, (_, r) => Array.from({ length: 32 }, (_, c) => Math.sin(r + c))) };
    const { info, value } = await kernelsPerRun(g, y, feeds);
    const mem = info.reports.find((r) => r.pass === 'memoryPlanning')!;
    expect(mem.peakBytes!.planned).toBeLessThan(mem.peakBytes!.naive);
    (value as number[][]).forEach((row) => expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4));
    const off = await kernelsPerRun(g, y, feeds, { memoryPlanning: false });
    expect(off.value).toEqual(value);
  });

  test('arithmetic simplification: x*1, x-0, --x disappear from the fused kernel', async () => {
    const g = new wg.Graph();
    const y = g.build(() => wg.neg(wg.neg(g.placeholder('float32', [3], 'x').mul(1).sub(0))).add(1));
    const on = await kernelsPerRun(g, y, { x: [1, -2, 3] });
    expect(on.value).toEqual([2, -1, 4]);
    expect(on.info.reports.find((r) => r.pass === 'arithmeticSimplification')?.removed).toBe(3);
    expect(on.info.kernels[0].wgsl).not.toMatch(/\(-\(-/);
    const off = await kernelsPerRun(g, y, { x: [1, -2, 3] }, { arithmeticSimplification: false });
    expect(off.value).toEqual([2, -1, 4]);
  });

  test('g.kernels() lists the kernels and their WGSL without running', () => {
    const g = new wg.Graph();
    g.build(() => ({ y: wg.exp(g.placeholder('float32', [null], 'x')).mul(2).add(1) }));
    const before = gpuBackend().dispatches;
    const info = g.kernels(undefined, { x: [8] });
    expect(gpuBackend().dispatches).toBe(before);
    expect(info.kernels).toHaveLength(1);
    expect(info.kernels[0].nodes).toEqual(['exp', 'mul', 'add']);
    expect(info.kernels[0].wgsl).toMatch(/@compute/);
    expect(() => g.kernels()).toThrow(/unknown dims/);
  });

  test('explain() prints the plan', async () => {
    const g = new wg.Graph();
    const y = g.build(() => wg.exp(g.placeholder('float32', [2], 'x')).add(1));
    const { info } = await kernelsPerRun(g, y, { x: [0, 1] });
    expect(info.toString()).toMatch(/Plan: 1 kernels/);
    expect(info.toString()).toMatch(/fusion: 1 kernels inlined into 1 fused kernels/);
  });
});
