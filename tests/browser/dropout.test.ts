// dropout: its masks against the NumPy oracle of the generator (tests/fixtures/dropout.json, written by
// scripts/fixtures_nn/dropout.py), call after call, on WebGPU and on the CPU device, eagerly and in every graph
// mode — a Session's runs, a wg.function's calls, withMode('graph') blocks and a Session replayed under
// withMode('eager') all draw the sequence eager calls draw from the same seed. Also: each graph run draws a new
// mask and the op is never folded, the kept fraction and scale, memory stays flat over many runs, bad input; and
// unseeded randomUniform/randomNormal, which draw their key per run the same way.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import dropoutFixtures from '../fixtures/dropout.json';
import { badCall, counting } from '../helpers/bad_input';
import { gpuBackend, onDevice } from '../helpers/devices';

interface Enc {
  dtype: string;
  shape: number[];
  data: number[];
}
interface SeqCase {
  name: string;
  globalSeed: number;
  input: Enc;
  calls: [number, (number | null)[] | null, number | null][];
  runs: number;
  expected: Enc[];
  tol: { rtol: number; atol: number };
}
const CASES = (dropoutFixtures as unknown as { cases: SeqCase[] }).cases;

/** The body the case repeats: its calls in order, on x. */
const body = (c: SeqCase, x: wg.Tensor): wg.Tensor[] => c.calls.map(([rate, noise, seed]) => wg.dropout(x, rate, noise as number[] | null, seed ?? undefined));

/** Dropped elements are exactly 0 (the inputs are never 0); kept ones x / (1 - rate) within the tolerance. */
function check(c: SeqCase, got: ArrayLike<number>[], where: string) {
  expect(got.length, where).toBe(c.expected.length);
  got.forEach((g, k) => {
    const want = c.expected[k].data;
    expect(g.length, `${where}: call ${k}`).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      if (want[i] === 0 || g[i] === 0) expect(g[i], `${where}: call ${k}, element ${i} (the mask differs)`).toBe(want[i]);
      else expect(Math.abs(g[i] - want[i]), `${where}: call ${k}, element ${i}: ${g[i]} vs ${want[i]}`).toBeLessThanOrEqual(c.tol.atol + c.tol.rtol * Math.abs(want[i]));
    }
  });
}

const input = (c: SeqCase) => wg.tensor(c.input.data, c.input.shape, 'float32');
const read = (ts: wg.Tensor[]) => Promise.all(ts.map((t) => t.data()));

/** Each mode, from a fresh wg.setSeed: all of the case's runs, every call's output in order. */
const MODES: Record<string, (c: SeqCase) => Promise<ArrayLike<number>[]>> = {
  eager: (c) =>
    wg.scope(async () => {
      const x = input(c);
      const out: ArrayLike<number>[] = [];
      for (let r = 0; r < c.runs; r++) out.push(...(await read(body(c, x))));
      return out;
    }),
  Session: async (c) => {
    const g = new wg.Graph();
    const outs = g.build(() => body(c, input(c)));
    const sess = new wg.Session(g);
    const out: ArrayLike<number>[] = [];
    for (let r = 0; r < c.runs; r++) out.push(...((await sess.run(outs, {}, { typedArrays: true })) as ArrayLike<number>[]));
    sess.close();
    return out;
  },
  'Session under withMode(eager)': async (c) => {
    const g = new wg.Graph();
    const outs = g.build(() => body(c, input(c)));
    const sess = new wg.Session(g);
    const out: ArrayLike<number>[] = [];
    for (let r = 0; r < c.runs; r++) out.push(...((await wg.withMode('eager', () => sess.run(outs, {}, { typedArrays: true }))) as ArrayLike<number>[]));
    sess.close();
    return out;
  },
  'wg.function': (c) =>
    wg.scope(async () => {
      const f = wg.function((x: wg.Tensor) => body(c, x));
      const x = input(c);
      const out: ArrayLike<number>[] = [];
      for (let r = 0; r < c.runs; r++) out.push(...(await read(f(x))));
      f.dispose();
      return out;
    }),
  "withMode('graph')": (c) =>
    wg.scope(async () => {
      const x = input(c);
      const out: ArrayLike<number>[] = [];
      for (let r = 0; r < c.runs; r++) out.push(...(await wg.withMode('graph', () => read(body(c, x)))));
      return out;
    }),
};

describe('dropout: the masks of the NumPy oracle, call after call', () => {
  for (const device of ['webgpu', 'cpu'] as const) {
    for (const [mode, run] of Object.entries(MODES)) {
      test(`${device}, ${mode}`, async () => {
        for (const c of CASES) {
          wg.setSeed(c.globalSeed);
          check(c, await onDevice(device, () => run(c)), `${c.name} (${device}, ${mode})`);
        }
      });
    }
  }
});

describe('dropout in graphs', () => {
  test('each run of a Session draws a new mask; the op is never folded, even on a constant input', async () => {
    const g = new wg.Graph();
    const y = g.build(() => wg.dropout(wg.ones([256]), 0.5, undefined, 3));
    const sess = new wg.Session(g);
    const runs = [];
    for (let r = 0; r < 3; r++) runs.push(Array.from((await sess.run(y, {}, { typedArrays: true })) as Float32Array));
    expect(runs[1]).not.toEqual(runs[0]);
    expect(runs[2]).not.toEqual(runs[1]);
    const info = sess.explain();
    expect(info.kernels.some((k) => k.nodes.some((n) => n.startsWith('dropout')))).toBe(true);
    // A second Session of the same graph starts the sequence again.
    const again = new wg.Session(g);
    expect(Array.from((await again.run(y, {}, { typedArrays: true })) as Float32Array)).toEqual(runs[0]);
    sess.close();
    again.close();
  });

  test('a saved and loaded graph draws the same sequence', async () => {
    const g = new wg.Graph();
    g.build(() => g.output('y', wg.dropout(g.placeholder('float32', [2, 40], 'x'), 0.4, [2, 1], 11).add(1)));
    const g2 = wg.Graph.fromJSON(JSON.stringify(g.toJSON()));
    const feed = { x: new Float32Array(80).fill(1) };
    const [s1, s2] = [new wg.Session(g), new wg.Session(g2)];
    for (let r = 0; r < 3; r++) expect(await s2.run('y', feed), `run ${r}`).toEqual(await s1.run('y', feed));
    s1.close();
    s2.close();
  });

  test('a wg.function draws a new mask per call, and the same sequence when run eagerly', async () => {
    const make = () => wg.function((x: wg.Tensor) => wg.dropout(x, 0.5, null, 77).mul(2));
    const x = wg.ones([128]);
    const graphRuns = [];
    const f = make();
    const values = (t: wg.Tensor) => t.data().then((d) => (t.dispose(), Array.from(d)));
    for (let r = 0; r < 3; r++) graphRuns.push(await values(f(x)));
    expect(graphRuns[1]).not.toEqual(graphRuns[0]);
    f.dispose();
    wg.config.runFunctionsEagerly(true);
    try {
      const e = make();
      for (let r = 0; r < 3; r++) expect(await values(wg.tidy(() => e(x))), `call ${r}`).toEqual(graphRuns[r]);
      e.dispose();
    } finally {
      wg.config.runFunctionsEagerly(false);
    }
    x.dispose();
  });

  test('WebGPU and the CPU device draw the same masks', async () => {
    const masks = async (device: 'webgpu' | 'cpu') =>
      onDevice(device, () =>
        wg.scope(async () => {
          const x = wg.ones([3, 50]);
          return [await wg.dropout(x, 0.3, undefined, 5).data(), await wg.dropout(x, 0.3, [3, 1], 5).data()].map((a) => Array.from(a));
        }),
      );
    wg.setSeed(1);
    const gpu = await masks('webgpu');
    wg.setSeed(1);
    expect(await masks('cpu')).toEqual(gpu);
  });

  test('graph runs with dropout keep memory flat', async () => {
    const f = wg.function((x: wg.Tensor) => wg.relu(wg.dropout(x, 0.2)));
    const x = wg.ones([64, 64]);
    for (let r = 0; r < 5; r++) wg.dispose(f(x));
    const before = wg.memory().bytesInUse;
    for (let r = 0; r < 300; r++) wg.dispose(f(x));
    for (let r = 0; r < 300; r++) wg.tidy(() => void wg.dropout(x, 0.2));
    expect(wg.memory().bytesInUse).toBe(before);
    f.dispose();
    x.dispose();
  });
});

describe('unseeded random ops in graphs', () => {
  test('each run of a compiled plan draws new values: the sequence eager calls draw after the same setSeed', async () => {
    const body = () => [wg.randomUniform([40]), wg.randomNormal([3, 5], 1, 2)];
    const read = (ts: wg.Tensor[]) => Promise.all(ts.map((t) => t.data().then((d) => (t.dispose(), Array.from(d)))));
    wg.setSeed(12);
    const eager = [await read(body()), await read(body()), await read(body())];
    expect(eager[1]).not.toEqual(eager[0]);
    wg.setSeed(12);
    const f = wg.function(body);
    for (let r = 0; r < 3; r++) expect(await read(f()), `wg.function call ${r}`).toEqual(eager[r]);
    f.dispose();
    // Seeded calls stay the same every time (TensorFlow.js's rule for its random ops).
    const g = wg.function(() => wg.randomUniform([8], 0, 1, 'float32', 3));
    expect(await read([g()])).toEqual(await read([g()]));
    g.dispose();
  });
});

describe('dropout statistics', () => {
  test('about 1 - rate of the elements are kept, each scaled by 1 / (1 - rate); a noise shape broadcasts the mask', async () => {
    const n = 1 << 14;
    for (const rate of [0.1, 0.5, 0.8]) {
      const v = await wg.scope(() => wg.dropout(wg.ones([n]), rate, undefined, 99).data());
      const kept = v.filter((e) => e !== 0);
      expect(kept.every((e) => e === Math.fround(1 / Math.fround(1 - rate)))).toBe(true);
      // Binomial(n, 1 - rate): within 5 standard deviations.
      const sd = Math.sqrt(n * rate * (1 - rate));
      expect(Math.abs(kept.length - n * (1 - rate)), `rate ${rate}: ${kept.length} kept of ${n}`).toBeLessThan(5 * sd);
    }
    const rows = await wg.scope(() => wg.dropout(wg.ones([64, 16]), 0.5, [64, 1], 4).data());
    for (let r = 0; r < 64; r++) expect(new Set(rows.slice(r * 16, r * 16 + 16)).size, `row ${r}`).toBe(1);
  });
});

const bad = badCall('dropout.test.ts');

describe('dropout: bad input', () => {
  test('a clear error naming dropout, nothing allocated, the engine keeps working', async () => {
    const x = wg.tidy(() => counting([2, 3]).cast('int32'));
    bad(new Error(), () => wg.dropout(x, 0.5), 'dropout', ['dropout:', 'floating point', 'int32'], wg.DTypeError);
    const f = counting([2, 3]);
    bad(new Error(), () => wg.dropout(f, 1), 'dropout', ['dropout:', 'rate', '[0, 1)', 'got 1']);
    bad(new Error(), () => wg.dropout(f, -0.1), 'dropout', ['dropout:', 'rate', 'got -0.1']);
    bad(new Error(), () => wg.dropout(f, 0.5, [3, 1]), 'dropout', ['dropout:', 'noiseShape [3,1]', "x's shape [2,3]"]);
    bad(new Error(), () => wg.dropout(f, 0.5, [1, 2, 3]), 'dropout', ['dropout:', 'noiseShape [1,2,3]', '[2,3]']);
    bad(new Error(), () => wg.dropout(f, 0.5, undefined, Number.NaN), 'dropout', ['dropout:', 'seed']);
    const before = gpuBackend().dispatches;
    const y = wg.dropout(f, 0.5, [2, 1], 1);
    expect(gpuBackend().dispatches).toBeGreaterThan(before);
    expect([...y.shape]).toEqual([2, 3]);
    wg.dispose([x, f, y]);
  });
});
