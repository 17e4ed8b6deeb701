// Placement logs (wg.config.logDevicePlacement) and soft placement: an op whose output is over WebGPU's
// buffer limit raises LimitError, or with softPlacement runs on the CPU with a console warning, in eager code
// (withMode('eager')), Sessions, wg.function and withMode('graph'). Over-limit ops are made cheap: small
// inputs, and (in graphs) a reduction the big intermediate fuses into.
import { afterEach, describe, expect, test, vi } from 'vitest';
import * as wg from '../../engine/index';
import { values, errorOf } from '../helpers/values';
import { siteOf } from '../helpers/locations';

const THIS_FILE = 'devices_soft.test.ts';

afterEach(() => {
  wg.setDefaultDevice('webgpu');
  wg.config.logDevicePlacement(false);
  vi.restoreAllMocks();
});



/** console.log lines starting "wgflow: placed", collected while `fn` runs with placement logging on. */
async function placementLogs<T>(fn: () => Promise<T> | T): Promise<{ result: T; lines: string[] }> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  wg.config.logDevicePlacement(true);
  try {
    const result = await fn();
    return { result, lines: log.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('wgflow: placed')) };
  } finally {
    wg.config.logDevicePlacement(false);
    log.mockRestore();
  }
}

const LOC = /\(at (\S+):(\d+):(\d+)\)$/;

// ---- placement logs --------------------------------------------------------------------------------------

describe('logDevicePlacement', () => {
  test('eager ops log their device and the line that called them, while on', () =>
    wg.scope(async () => {
      const a = wg.tensor([1, 2, 3]);
      const { result, lines } = await placementLogs(() => {
        const [m1, b] = [new Error(), a.add(1)];
        const [m2, c] = [new Error(), wg.device('cpu', () => b.mul(2))];
        const [m3, d] = [new Error(), wg.add(c, b)];
        return { markers: [m1, m2, m3], d };
      });
      const e = result.d.add(1); // logging is off again
      expect(await values(e)).toEqual([7, 10, 13]); // b = a+1, c = 2b, d = c+b, e = d+1
      const expected = [['add', 'webgpu'], ['mul', 'cpu'], ['add', 'webgpu']];
      const ours = lines.filter((l) => /^wgflow: placed (add|mul) on /.test(l));
      expect(ours.map((l) => l.replace(/ \(at .*\)$/, ''))).toEqual(expected.map(([op, d]) => `wgflow: placed ${op} on ${d}`));
      ours.forEach((l, i) => {
        const m = LOC.exec(l);
        expect(m, l).not.toBeNull();
        expect(m![1].endsWith(THIS_FILE), l).toBe(true);
        expect(Number(m![2]), l).toBe(siteOf(result.markers[i], THIS_FILE).line);
      });
    }));

  test('graph nodes log once per plan; building logs nothing', async () => {
    const g = new wg.Graph();
    const { result: out, lines: atBuild } = await placementLogs(() =>
      g.build(() => {
        const x = g.placeholder('float32', [null], 'x');
        const z = wg.device('cpu', () => x.mul(2));
        return wg.device('webgpu', () => z.add(1));
      }),
    );
    expect(atBuild).toEqual([]);
    const sess = new wg.Session(g);
    try {
      const { result, lines } = await placementLogs(async () => [
        await sess.run(out, { x: [1, 2] }),
        await sess.run(out, { x: [3, 4] }), // same plan: no new lines
      ]);
      expect(result).toEqual([[3, 5], [7, 9]]);
      const where = (name: string) => / @ (\S+)$/.exec(g.toString().split('\n').find((l) => l.startsWith(`%${name} =`))!)![1];
      expect(lines).toEqual([
        `wgflow: placed graph node "x" (placeholder) on cpu (at ${where('x')})`,
        `wgflow: placed graph node "mul" (mul) on cpu (at ${where('mul')})`,
        `wgflow: placed graph node "add" (add) on webgpu (at ${where('add')})`,
      ]);
      expect(where('mul')).toContain(THIS_FILE);
      // A new feed shape is a new plan: logged again.
      const again = await placementLogs(() => sess.run(out, { x: [1, 2, 3] }));
      expect(again.result).toEqual([3, 5, 7]);
      expect(again.lines).toHaveLength(3);
      // With the placement pass off, the feed stays on the default device.
      const off = new wg.Session(g, { optimizations: { placement: false } });
      const offLogs = await placementLogs(() => off.run(out, { x: [1] }));
      off.close();
      expect(offLogs.lines[0]).toMatch(/^wgflow: placed graph node "x" \(placeholder\) on webgpu /);
    } finally {
      sess.close();
      g.dispose();
    }
  });
});

// ---- soft placement ------------------------------------------------------------------------------------

const limits = wg.backendInfo().limits;
/** The largest buffer WebGPU takes (the smaller of the two limits). */
const LIMIT = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
const LIMIT_NAME = limits.maxStorageBufferBindingSize <= limits.maxBufferSize ? 'maxStorageBufferBindingSize' : 'maxBufferSize';
/** One element over the limit, as a vector; as a broadcast of [ROWS,1] + [1,COLS]. */
const N = LIMIT / 4 + 1;
const COLS = 16384;
const ROWS = Math.floor(LIMIT / 4 / COLS) + 1;
// Not covered here: soft placement when WebGPU itself is unavailable (a graph requesting 'webgpu' nodes on a
// machine without it): this browser always has WebGPU, and the tests cannot take it away.
// Falling back makes a CPU typed array over the limit: past 2 GiB that cannot work (and would not be quick),
// so the fallback cases are skipped on devices with larger limits. The LimitError cases always run.
const FALLBACK_OK = (LIMIT + 4) < 2 ** 31 - 1;

/** Warnings starting "wgflow: soft placement:" while `fn` runs. */
async function softWarnings<T>(fn: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    const result = await fn();
    return { result, warnings: warn.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('wgflow: soft placement:')) };
  } finally {
    warn.mockRestore();
  }
}

function expectLimitError(e: Error, op: string): void {
  expect(e, e.message).toBeInstanceOf(wg.LimitError);
  expect(e.message).toContain(op);
  expect(e.message).toContain(LIMIT_NAME);
  expect(e.message).not.toMatch(/engine bug|validation/i);
}

/** max over a [ROWS,1] + [1,COLS] broadcast: (ROWS-1) + (COLS-1). */
const BIG_MAX = ROWS - 1 + (COLS - 1);
const rowsAndCols = () => wg.tidy(() => ({ a: wg.range(0, ROWS).reshape([ROWS, 1]), b: wg.range(0, COLS).reshape([1, COLS]) }));

describe('soft placement: eager', () => {
  test('without it: LimitError, nothing allocated, no GPU error', () =>
    wg.scope(async () => {
      expectLimitError(await errorOf(() => wg.zeros([N])), 'zeros');
      const { a, b } = rowsAndCols();
      expectLimitError(await errorOf(() => wg.add(a, b)), 'add');
      expectLimitError(await errorOf(() => wg.withMode('eager', () => wg.zeros([N]))), 'zeros');
    }));

  test.skipIf(!FALLBACK_OK)('withMode(eager, softPlacement): the op runs on the CPU, warned once per message', async () => {
    const { result, warnings } = await softWarnings(() =>
      wg.withMode('eager', () =>
        wg.scope(async () => {
          const small = wg.zeros([3]);
          expect(small.device).toBe('webgpu'); // ops that fit stay on WebGPU
          const devices: string[] = [];
          let tail: number[] = [];
          for (let i = 0; i < 2; i++) {
            tail = await wg.scope(async () => {
              const z = wg.fill([N], i + 1);
              devices.push(z.device);
              return values(wg.slice(z, [N - 3], [3]).add(wg.tensor([1, 2, 3])));
            });
          }
          return { devices, tail };
        }),
      { softPlacement: true }),
    );
    expect(result.devices).toEqual(['cpu', 'cpu']);
    expect(result.tail).toEqual([3, 4, 5]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('fill');
    expect(warnings[0]).toContain(String(N * 4));
    expect(warnings[0]).toContain(LIMIT_NAME);
    // Outside the block, soft placement is off again.
    expectLimitError(await errorOf(() => wg.zeros([N])), 'zeros');
  });
});

describe('soft placement: graphs', () => {
  /** max(a + b) with a [ROWS|null, 1] and b [1, COLS|null]: the sum is over the limit, its inputs are small. */
  function bigGraph(dynamic: boolean): { g: wg.Graph; y: wg.Tensor } {
    const g = new wg.Graph();
    const y = g.build(() => {
      const a = g.placeholder('float32', [dynamic ? null : ROWS, 1], 'a');
      const b = g.placeholder('float32', [1, dynamic ? null : COLS], 'b');
      return wg.max(wg.add(a, b));
    });
    return { g, y };
  }

  test('Session without softPlacement: LimitError naming the node', async () => {
    const { g, y } = bigGraph(true);
    const sess = new wg.Session(g);
    const feeds = rowsAndCols();
    try {
      const e = await errorOf(() => sess.run(y, feeds));
      expectLimitError(e, 'add');
    } finally {
      sess.close();
      g.dispose();
      wg.dispose([feeds.a, feeds.b]);
    }
  });

  test.skipIf(!FALLBACK_OK)('Session with softPlacement: the node runs on the CPU, with a warning naming it', async () => {
    const { g, y } = bigGraph(true);
    const sess = new wg.Session(g, { softPlacement: true });
    const feeds = rowsAndCols();
    try {
      const { result, warnings } = await softWarnings(() => sess.run(y, feeds));
      expect(result).toBe(BIG_MAX);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^wgflow: soft placement: graph node "add"/);
      expect(warnings[0]).toContain(LIMIT_NAME);
      const ks = sess.explain().kernels;
      expect(ks.filter((k) => k.nodes.includes('add') && k.kind !== 'transfer').map((k) => k.device)).toEqual(['cpu']);
    } finally {
      sess.close();
      g.dispose();
      wg.dispose([feeds.a, feeds.b]);
    }
  });

  // Building checks shapes and dtypes only (no device limits), so the Session's option decides at run time.
  test.skipIf(!FALLBACK_OK)('Session with softPlacement: a graph with static shapes over the limit', async () => {
    const feeds = rowsAndCols();
    let built: { g: wg.Graph; y: wg.Tensor } | undefined;
    try {
      built = bigGraph(false);
      const sess = new wg.Session(built.g, { softPlacement: true });
      try {
        const { result, warnings } = await softWarnings(() => sess.run(built!.y, feeds));
        expect(result).toBe(BIG_MAX);
        expect(warnings[0]).toMatch(/^wgflow: soft placement: graph node "add"/);
      } finally {
        sess.close();
      }
      // Without soft placement: LimitError at build or run.
      const hard = new wg.Session(built.g);
      expectLimitError(await errorOf(() => hard.run(built!.y, feeds)), 'add');
      hard.close();
    } finally {
      built?.g.dispose();
      wg.dispose([feeds.a, feeds.b]);
    }
  });

  test('wg.function without softPlacement: LimitError', async () => {
    const f = wg.function((a: wg.Tensor, b: wg.Tensor) => wg.max(wg.add(a, b)));
    const feeds = rowsAndCols();
    try {
      expectLimitError(await errorOf(() => f(feeds.a, feeds.b)), 'add');
    } finally {
      f.dispose();
      wg.dispose([feeds.a, feeds.b]);
    }
  });

  // Tracing checks shapes and dtypes only; the plan honours the function's option.
  test.skipIf(!FALLBACK_OK)('wg.function with softPlacement: runs, on the CPU, with a warning', async () => {
    const f = wg.function((a: wg.Tensor, b: wg.Tensor) => wg.max(wg.add(a, b)), { softPlacement: true });
    const feeds = rowsAndCols();
    try {
      const { result, warnings } = await softWarnings(() => wg.scope(async () => values(f(feeds.a, feeds.b))));
      expect(result).toEqual([BIG_MAX]);
      expect(warnings.some((w) => w.includes('"add"'))).toBe(true);
      expect(f.explain(feeds.a, feeds.b).kernels.some((k) => k.nodes.includes('add') && k.device === 'cpu')).toBe(true);
    } finally {
      f.dispose();
      wg.dispose([feeds.a, feeds.b]);
    }
  });

  test("withMode('graph') without softPlacement: LimitError", async () => {
    const e = await errorOf(() =>
      wg.withMode('graph', () =>
        wg.scope(async () => {
          const { a, b } = rowsAndCols();
          return values(wg.max(wg.add(a, b)));
        }),
      ),
    );
    expectLimitError(e, 'add');
  });

  test.skipIf(!FALLBACK_OK)("withMode('graph', softPlacement): the node runs on the CPU, with a warning", async () => {
    const { result, warnings } = await softWarnings(() =>
      wg.withMode(
        'graph',
        () =>
          wg.scope(async () => {
            const { a, b } = rowsAndCols();
            const s = wg.add(a, b);
            const device = s.device;
            const m = wg.max(s);
            s.dispose(); // only the max is read: the sum need not materialise
            return { device, v: await values(m) };
          }),
        { softPlacement: true },
      ),
    );
    expect(result).toEqual({ device: 'cpu', v: [BIG_MAX] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^wgflow: soft placement: graph node "add"/);
  });
});
