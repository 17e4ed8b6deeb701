// Async blocks on one stack (browsers have no AsyncContext): withMode and wg.scope must nest, and blocks
// whose awaits interleave raise the same ScopeError saying how to nest them. Also: a Session under
// withMode('eager') runs the plan's evaluator node by node (op by op, unfused, prints in order).
import { describe, expect, test, vi } from 'vitest';
import * as wg from '../../engine/index';
import { gpuBackend } from '../helpers/devices';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A promise and the function that resolves it: blocks wait on gates so their order is exact. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

const errorOf = async (p: Promise<unknown>): Promise<wg.WgError | undefined> =>
  p.then(
    () => undefined,
    (e) => e as wg.WgError,
  );

describe('withMode blocks must nest', () => {
  test('two withMode blocks under Promise.all whose awaits interleave: a ScopeError saying how to nest them', async () => {
    const a = gate();
    const b = gate();
    // A starts and awaits; B starts while A is awaiting; A ends while B is still open.
    const first = wg.withMode('graph', async () => {
      await a.wait;
      return 'a';
    });
    const second = wg.withMode('eager', async () => {
      await b.wait;
      return 'b';
    });
    const settled = Promise.allSettled([first, second]);
    a.open();
    const err = await errorOf(first);
    b.open();
    const [ra, rb] = await settled;
    expect(ra.status).toBe('rejected');
    expect(err).toBeInstanceOf(wg.ScopeError);
    expect(err!.op).toBe('withMode');
    expect(err!.message).toContain('withMode: another wg.withMode started while this one was awaiting and is still running');
    expect(err!.message).toContain('await one wg.withMode before starting the next (nest them)');
    // The block still open when the other failed ends normally, and the mode stack is empty again.
    expect(rb).toEqual({ status: 'fulfilled', value: 'b' });
    expect(wg.executingEagerly()).toBe(true);
  });

  test('the Promise.all example: withMode(graph, f) and withMode(eager, g) both awaiting', async () => {
    const values: number[] = [];
    const all = Promise.all([
      wg.withMode('graph', async () => {
        await sleep(5);
        values.push(1);
      }),
      wg.withMode('eager', async () => {
        await sleep(40);
        values.push(2);
      }),
    ]);
    const err = await errorOf(all);
    expect(err).toBeInstanceOf(wg.ScopeError);
    expect(err!.message).toMatch(/the ops of each ran in the other's mode; await one wg\.withMode before starting the next/);
    await sleep(60); // let the second block end
    expect(values).toEqual([1, 2]);
    expect(wg.executingEagerly()).toBe(true);
    // withMode works normally afterwards.
    expect(await wg.withMode('graph', () => wg.scope(async () => (await wg.tensor([1, 2]).mul(3).data())[1]))).toBe(6);
  });

  test('a failing block keeps its own error even when the blocks interleaved', async () => {
    const a = gate();
    const b = gate();
    const first = wg.withMode('eager', async () => {
      await a.wait;
      throw new RangeError('mine');
    });
    const second = wg.withMode('eager', () => b.wait);
    a.open();
    const err = await errorOf(first);
    b.open();
    await second;
    expect(err).toBeInstanceOf(RangeError);
  });

  test('nested blocks (graph › eager › graph), each awaiting, run in their own mode and compute right', async () => {
    const seen: boolean[] = [];
    const x = [0.5, 1, 2];
    const out = await wg.withMode('graph', async () => {
      await sleep(1);
      seen.push(wg.executingEagerly());
      const inner = await wg.withMode('eager', async () => {
        await sleep(1);
        seen.push(wg.executingEagerly());
        const deepest = await wg.withMode('graph', async () => {
          await sleep(1);
          seen.push(wg.executingEagerly());
          return wg.scope(async () => Array.from(await wg.exp(wg.tensor(x)).sum().data()));
        });
        seen.push(wg.executingEagerly());
        return deepest;
      });
      seen.push(wg.executingEagerly());
      return inner;
    });
    expect(seen).toEqual([false, true, false, true, false]);
    expect(out[0]).toBeCloseTo(x.reduce((s, v) => s + Math.exp(v), 0), 4);
    expect(wg.executingEagerly()).toBe(true);
  });

  test('sequential blocks, each awaited before the next starts, never interleave', async () => {
    const sums: number[] = [];
    for (const mode of ['graph', 'eager', 'graph', 'eager'] as const) {
      sums.push(
        await wg.withMode(mode, async () => {
          await sleep(1);
          return wg.scope(async () => (await wg.tensor([1, 2, 3]).mul(2).sum().data())[0]);
        }),
      );
    }
    expect(sums).toEqual([12, 12, 12, 12]);
  });
});

describe('wg.scope and withMode report interleaving alike', () => {
  test('both messages name the block, the harm and how to nest', async () => {
    const interleave = async (start: (wait: Promise<void>) => Promise<unknown>) => {
      const a = gate();
      const b = gate();
      const first = start(a.wait);
      const second = start(b.wait);
      a.open();
      const err = await errorOf(first);
      b.open();
      await second.catch(() => undefined);
      return err!;
    };
    const scopeErr = await interleave((w) => wg.scope(() => w));
    const modeErr = await interleave((w) => wg.withMode('eager', () => w));
    for (const [err, op, block] of [[scopeErr, 'scope', 'wg.scope'], [modeErr, 'withMode', 'wg.withMode']] as const) {
      expect(err).toBeInstanceOf(wg.ScopeError);
      expect(err.op).toBe(op);
      expect(err.message).toMatch(new RegExp(`^${op}: another ${block} started while this one was awaiting and is still running, so .+; ` + `await one ${block} before starting the next \\(nest them\\) instead of running them concurrently, e\\.g\\. under Promise\\.all`));
    }
    expect(scopeErr.message).toContain('tensors of both are mixed up');
  });
});

describe("a Session under withMode('eager') runs the plan's evaluator op by op", () => {
  const X = [0.25, -1, 2, 0.5];
  const ref = X.map((v) => Math.exp(v * 2) + 1);

  function chain(): { g: wg.Graph; y: wg.Tensor } {
    const g = new wg.Graph();
    const y = g.build(() => {
      const x = g.placeholder('float32', [4], 'x');
      void wg.print('first', x);
      const out = wg.exp(x.mul(2)).add(1);
      void wg.print('second', out);
      return out;
    });
    return { g, y };
  }

  test('one kernel per op node eagerly, fused in graph mode; same values; prints in program order', async () => {
    const { g, y } = chain();
    const sess = new wg.Session(g);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const run = async (mode: 'eager' | 'graph') => {
        await sess.run(y, { x: X }); // the graph run compiles its plan first
        const before = gpuBackend().dispatches;
        const value = (await wg.withMode(mode, () => sess.run(y, { x: X }))) as number[];
        return { value, kernels: gpuBackend().dispatches - before };
      };
      const eager = await run('eager');
      const graph = await run('graph');
      expect(eager.kernels).toBe(3); // mul, exp, add
      expect(graph.kernels).toBe(1);
      for (const r of [eager, graph]) r.value.forEach((v, i) => expect(v).toBeCloseTo(ref[i], 4));
      // Every run printed both lines, in program order: first the input, then the result.
      const lines = log.mock.calls.map((c) => String(c[0]));
      expect(lines).toHaveLength(8);
      lines.forEach((l, i) => expect(l.startsWith(i % 2 === 0 ? 'first' : 'second')).toBe(true));
    } finally {
      log.mockRestore();
      sess.close();
    }
  });

  test('profiled eagerly, each kernel is attributed to its graph node', async () => {
    const { g, y } = chain();
    const sess = new wg.Session(g);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const { profile } = await wg.profile(() => wg.withMode('eager', () => sess.run(y, { x: X })));
      const compute = profile.kernels.filter((k) => k.kind !== 'transfer');
      expect(profile.mode).toBe('eager');
      expect(compute.map((k) => k.sources.map((s) => s.node))).toEqual([['mul'], ['exp'], ['add']]);
    } finally {
      log.mockRestore();
      sess.close();
    }
  });

  test('a node failing at run time is named the same way eagerly and planned', async () => {
    const g = new wg.Graph();
    // Unknown dims: the shapes only clash once fed.
    const y = g.build(() => wg.add(g.placeholder('float32', [null], 'a'), g.placeholder('float32', [null], 'b')));
    const sess = new wg.Session(g);
    try {
      for (const mode of ['eager', 'graph'] as const) {
        const err = await errorOf(wg.withMode(mode, () => sess.run(y, { a: [1, 2, 3], b: [1, 2] })));
        expect(err, mode).toBeInstanceOf(wg.ShapeError);
        expect(err!.message, mode).toMatch(/\(graph node "add" built at .*graph_nesting\.test\.ts/);
      }
    } finally {
      sess.close();
    }
  });

  test("a node built in wg.device('cpu') runs on the CPU eagerly too", async () => {
    const g = new wg.Graph();
    const y = g.build(() => wg.device('cpu', () => g.placeholder('float32', [4], 'x').mul(3)));
    const sess = new wg.Session(g);
    try {
      const { profile } = await wg.profile(() => wg.withMode('eager', () => sess.run(y, { x: X })));
      const mul = profile.kernels.filter((k) => k.kind !== 'transfer');
      expect(mul.map((k) => [k.name, k.device])).toEqual([['mul', 'cpu']]);
      const value = (await wg.withMode('eager', () => sess.run(y, { x: X }))) as number[];
      value.forEach((v, i) => expect(v).toBeCloseTo(X[i] * 3, 6));
    } finally {
      sess.close();
    }
  });
});
