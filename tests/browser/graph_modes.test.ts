// wg.function (tracing, retracing, eager switch) and withMode('graph' | 'eager') on WebGPU.
import { describe, expect, test, vi } from 'vitest';
import * as wg from '../../engine/index';
import { lazyStats } from '../../engine/graph/lazy';

describe('wg.function', () => {
  test('traces once per signature and returns eager tensors synchronously', async () => {
    const f = wg.function((x: wg.Tensor, y: wg.Tensor) => wg.tanh(x.mul(y).add(1)));
    await wg.scope(async () => {
      const a = wg.tensor([1, 2, 3]);
      const out = f(a, wg.tensor([0.5, 0.5, 0.5]));
      expect(out.shape).toEqual([3]);
      expect(out.graph).toBeUndefined();
      const want = [1, 2, 3].map((v) => Math.tanh(v * 0.5 + 1));
      Array.from(await out.data()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
      f(wg.tensor([4, 5, 6]), wg.tensor([1, 1, 1]));
      expect(f.traceCount).toBe(1);
      f(wg.tensor([1, 2]), wg.tensor([1, 1]));
      expect(f.traceCount).toBe(2);
      expect(f.getGraph(a, a).toString()).toMatch(/tanh/);
    });
    f.dispose();
  });

  test('runFunctionsEagerly runs the body op by op', async () => {
    let calls = 0;
    const f = wg.function((x: wg.Tensor) => {
      calls++;
      return x.add(1);
    });
    wg.config.runFunctionsEagerly(true);
    try {
      await wg.scope(async () => {
        const x = wg.tensor([1]);
        f(x);
        f(x);
        expect(calls).toBe(2);
        expect(f.traceCount).toBe(0);
      });
    } finally {
      wg.config.runFunctionsEagerly(false);
    }
    f.dispose();
  });

  test('reading a value inside the traced body is a clear error', async () => {
    let pending: Promise<unknown> | undefined;
    const f = wg.function((x: wg.Tensor) => {
      pending = x.data();
      return x.add(1);
    });
    await wg.scope(async () => {
      f.getGraph(wg.tensor([1]));
    });
    const err = await pending!.then(() => null, (e) => e);
    expect(err).toBeInstanceOf(wg.GraphModeError);
    expect(String(err.message)).toMatch(/return it from the function, or print it with wg.print/);
    f.dispose();
  });

  test('retracing more than a few times warns with the changed argument', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const f = wg.function((x: wg.Tensor) => x.mul(2));
    await wg.scope(async () => {
      for (let n = 1; n <= 5; n++) f(wg.ones([n]));
    });
    expect(warn).toHaveBeenCalled();
    expect(String(warn.mock.calls.at(-1)?.[0])).toMatch(/argument 0: .*float32\[4\].*float32\[5\]/);
    warn.mockRestore();
    f.dispose();
  });
});

describe('withMode', () => {
  test("'graph' runs lazily and computes on readback; loops reuse the plan", async () => {
    const before = { ...lazyStats };
    const values = await wg.withMode('graph', async () => {
      expect(wg.executingEagerly()).toBe(false);
      const out: number[][] = [];
      for (let i = 0; i < 3; i++) {
        await wg.scope(async () => {
          const x = wg.tensor([i, i + 1, i + 2]);
          const y = wg.exp(x.mul(0.5)).add(x).sum();
          out.push([(await y.data())[0]]);
        });
      }
      return out;
    });
    expect(wg.executingEagerly()).toBe(true);
    values.forEach(([v], i) => {
      const ref = [i, i + 1, i + 2].reduce((s, x) => s + Math.exp(x * 0.5) + x, 0);
      expect(v).toBeCloseTo(ref, 4);
    });
    expect(lazyStats.planHits - before.planHits).toBeGreaterThanOrEqual(2);
  });

  test("'eager' runs a Session node by node with the same results", async () => {
    const g = new wg.Graph();
    const c = g.build(() => wg.add(wg.constant(5), wg.constant(3)));
    const sess = new wg.Session(g);
    expect(await wg.withMode('eager', () => sess.run(c))).toBe(8);
    expect(await wg.withMode('graph', () => sess.run(c))).toBe(8);
    sess.close();
  });

  test('the seed eager program inside both modes', async () => {
    for (const mode of ['eager', 'graph'] as const) {
      const v = await wg.withMode(mode, () =>
        wg.scope(async () => {
          const c = wg.add(wg.constant(5), wg.constant(3));
          return c.numpy();
        }),
      );
      expect(v).toBe(8);
    }
  });
});

describe("exporting a withMode('graph') recording", () => {
  test('onGraph receives each computed graph; save() bakes the fed data in as constants', async () => {
    const graphs: wg.Graph[] = [];
    const value = await wg.withMode(
      'graph',
      () =>
        wg.scope(async () => {
          const x = wg.tensor([1, 2, 3]);
          return Array.from(await wg.exp(x).mul(2).sum().data());
        }),
      { onGraph: (g) => graphs.push(g) },
    );
    expect(graphs.length).toBeGreaterThanOrEqual(1);
    const json = await graphs[0].save();
    graphs.forEach((g) => g.dispose());
    expect(json.nodes.some((n) => n.op === 'tensor')).toBe(true); // the fed data, as a constant
    const sess = new wg.Session(wg.Graph.fromJSON(JSON.stringify(json)));
    expect(await sess.run('out0')).toBeCloseTo(value[0], 4);
    sess.close();
  });
});
