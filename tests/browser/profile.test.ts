// Profiling on real WebGPU: wg.profile, sess.run(…, { profile: true }), wg.record, compareProfiles and
// toChromeTrace. Checks what each entry says (kinds, sources down to the user's line, counts that match
// the backend's own counters, timer source) and that everything is plain JSON.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { profiling } from '../../engine/core/profile';
import { gpuBackend, onDevice } from '../helpers/devices';
import { siteOf } from '../helpers/locations';

const FILE = 'profile.test.ts';
const CHAIN_LINE = Number(/:(\d+):\d+/.exec(new Error().stack!.split('\n').find((l) => l.includes(FILE))!)![1]) + 1;
const chain = (x: wg.Tensor) => wg.tanh(wg.relu(x.mul(1.5).add(0.25)).sub(x)).mul(2).add(wg.exp(x.mul(x).neg()));
const N = 4096;
const xs = Float32Array.from({ length: N }, (_, i) => (i % 97) / 24 - 2);
const chainRef = (v: number) => Math.tanh(Math.max(v * 1.5 + 0.25, 0) - v) * 2 + Math.exp(-(v * v));

const compute = (p: wg.Profile) => p.kernels.filter((k) => k.kind !== 'transfer');
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe('wg.profile in eager mode', () => {
  test('one entry per kernel and per transfer, attributed to the line that called the op', async () => {
    const gpu = gpuBackend();
    const before = { dispatches: gpu.dispatches, submissions: gpu.submissions };
    let mark!: Error;
    const { result, profile } = await wg.profile(() =>
      wg.scope(async () => {
        const a = wg.tensor([1, 2, 3, 4]);
        const b = (mark = new Error(), a).mul(2).add(1); // marker and ops in one statement (Vite splits statements)
        return await b.data();
      }),
    );
    expect([...result]).toEqual([3, 5, 7, 9]);
    expect(profile.mode).toBe('eager');
    expect(profile.kernels.map((k) => `${k.kind}:${k.name}`)).toEqual(['transfer:upload', 'elementwise:mul', 'elementwise:add', 'transfer:readback']);
    const site = siteOf(mark, FILE);
    for (const k of compute(profile)) {
      expect(k.sources).toHaveLength(1);
      expect(k.sources[0].op).toBe(k.name);
      expect(k.sources[0].file!.endsWith(FILE)).toBe(true);
      expect(k.sources[0].line).toBe(site.line);
      expect(k.device).toBe('webgpu');
      expect(k.shape).toEqual([4]);
      expect(k.dtype).toBe('float32');
      expect(k.bytesWritten).toBe(16);
      expect(k.kernelId).toMatch(/^k[0-9a-f]{8}$/);
    }
    // mul reads a [4] tensor (16 B); its scalar is a uniform param.
    expect(compute(profile)[0].bytesRead).toBe(16);
    expect(profile.kernels[0].bytesWritten).toBe(16); // the upload
    expect(profile.kernels[3].bytesRead).toBe(16); // the readback
    // Totals are differences of the backend's own counters.
    expect(profile.totals.dispatches).toBe(gpu.dispatches - before.dispatches);
    expect(profile.totals.dispatches).toBe(2);
    expect(profile.totals.submissions).toBe(gpu.submissions - before.submissions);
    expect(profile.totals.submissions).toBeGreaterThanOrEqual(1);
    expect(profile.totals.wallMs).toBeGreaterThan(0);
    expect(profile.totals.peakBytes).toBeGreaterThan(0);
    // SwiftShader has timestamp-query: every kernel has a GPU time, and totals add them up.
    expect(profile.timer.source).toBe('timestamp-query');
    expect(profile.timer.resolutionMs).toBeGreaterThan(0);
    for (const k of compute(profile)) expect(k.gpuMs).toBeGreaterThanOrEqual(0);
    expect(profile.totals.gpuMs).toBeCloseTo(compute(profile).reduce((s, k) => s + k.gpuMs!, 0), 9);
    // GPU start times are in order (one pass per kernel, in submission order).
    expect(compute(profile)[1].startMs).toBeGreaterThanOrEqual(compute(profile)[0].startMs);
    expect(plain(profile)).toEqual(profile);
    expect(profiling.current).toBeUndefined();
  });

  test('a composite op is one source for all of its kernels; the first compile is reported once', async () => {
    const x = wg.tensor([[1, 2, 3], [4, 5, 7]]);
    const run = () =>
      wg.profile(async () => {
        const y = wg.softmax(x);
        await y.data();
        y.dispose();
      });
    const first = (await run()).profile;
    const second = (await run()).profile;
    x.dispose();
    expect(compute(second).map((k) => k.kind)).toEqual(['reduce', 'elementwise']);
    for (const k of compute(second)) {
      expect(k.sources.map((s) => s.op)).toEqual(['softmax']);
      expect(k.cacheHit).toBe(true);
      expect(k.compileMs).toBe(0);
    }
    expect(second.totals.pipelinesCompiled).toBe(0);
    // The first run compiled what had not been compiled before in this page (maybe nothing).
    expect(first.totals.pipelinesCompiled).toBe(compute(first).filter((k) => !k.cacheHit).length);
  });

  test('without timestamp queries: CPU-observed times, and the profile says so', async () => {
    const gpu = gpuBackend();
    gpu.tuning.profileTimestamps = false;
    try {
      const { profile } = await wg.profile(() =>
        wg.scope(async () => {
          await chain(wg.tensor(xs)).data();
        }),
      );
      expect(profile.timer.source).toBe('cpu');
      expect(profile.timer.note).toMatch(/CPU-observed/);
      expect(compute(profile)).toHaveLength(10);
      for (const k of compute(profile)) {
        expect(k.gpuMs).toBeUndefined();
        expect(k.cpuMs).toBeGreaterThanOrEqual(0);
      }
      expect(profile.totals.gpuMs).toBeUndefined();
      // Each kernel went alone.
      expect(profile.totals.submissions).toBeGreaterThanOrEqual(10);
    } finally {
      gpu.tuning.profileTimestamps = true;
    }
  });

  test('CPU kernels are timed as they run', async () => {
    const { profile } = await onDevice('cpu', () =>
      wg.profile(() =>
        wg.scope(async () => {
          const x = wg.tensor([1, 2, 3]);
          return await x.mul(x).sum().data();
        }),
      ),
    );
    expect(compute(profile).map((k) => `${k.device}:${k.kind}`)).toEqual(['cpu:elementwise', 'cpu:reduce']);
    for (const k of compute(profile)) expect(k.cpuMs).toBeGreaterThanOrEqual(0);
    expect(profile.totals.dispatches).toBe(2);
  });

  test('an error inside stops the profile cleanly; the next one works', async () => {
    await expect(
      wg.profile(() =>
        wg.scope(async () => {
          wg.add(wg.ones([2, 3]), wg.ones([4]));
        }),
      ),
    ).rejects.toThrow(wg.ShapeError);
    expect(profiling.current).toBeUndefined();
    const { profile } = await wg.profile(async () => {
      const t = wg.ones([3]);
      await t.data();
      t.dispose();
    });
    expect(compute(profile)).toHaveLength(1);
  });
});

describe('graph mode profiles', () => {
  test('sess.run(…, { profile: true }): the fused chain is ONE kernel covering all ten nodes and their lines', async () => {
    const g = new wg.Graph();
    let mark!: Error;
    const y = g.build(() => {
      const x = g.placeholder('float32', [N], 'x');
      mark = new Error(); return chain(x); // prettier-ignore
    });
    const sess = new wg.Session(g);
    const { values, profile } = await sess.run(y, { x: xs }, { profile: true, typedArrays: true });
    sess.close();
    expect(values[5]).toBeCloseTo(chainRef(xs[5]), 5);
    expect(profile.mode).toBe('graph');
    expect(compute(profile)).toHaveLength(1);
    const k = compute(profile)[0];
    expect(k.kind).toBe('elementwise');
    expect(k.sources.map((s: wg.ProfileSource) => s.op).sort()).toEqual(['add', 'add', 'exp', 'mul', 'mul', 'mul', 'neg', 'relu', 'sub', 'tanh']);
    expect(new Set(k.sources.map((s: wg.ProfileSource) => s.node)).size).toBe(10);
    // The nodes were recorded inside `chain` (its line, in this file), called from the marked line.
    void mark;
    for (const s of k.sources) {
      expect(s.file!.endsWith(FILE)).toBe(true);
      expect(s.line).toBe(CHAIN_LINE);
    }
    expect(profile.totals.dispatches).toBe(1);
    expect(profile.kernels.filter((e: wg.ProfileKernel) => e.kind === 'transfer').map((e: wg.ProfileKernel) => e.name)).toEqual(['upload', 'readback']);
  });

  test('wg.function and withMode("graph") calls are graph kernels too', async () => {
    const f = wg.function(chain);
    const x = wg.tensor(xs);
    const fp = await wg.profile(() =>
      wg.scope(async () => {
        await f(x).data();
      }),
    );
    expect(fp.profile.mode).toBe('graph');
    expect(compute(fp.profile)).toHaveLength(1);
    // The scope inside the block: intermediates still alive when a withMode block ends are computed then.
    const lp = await wg.profile(() =>
      wg.withMode('graph', () =>
        wg.scope(async () => {
          await chain(x).data();
        }),
      ),
    );
    expect(lp.profile.mode).toBe('graph');
    expect(compute(lp.profile)).toHaveLength(1);
    expect(compute(lp.profile)[0].sources).toHaveLength(10);
    f.dispose();
    x.dispose();
  });
});

describe('wg.record', () => {
  test('WGSL by kernel id, the graphs that ran (before/after each pass) and the eager trace', async () => {
    const g = new wg.Graph();
    const y = g.build(() => chain(g.placeholder('float32', [N], 'x')));
    const sess = new wg.Session(g);
    const { record } = await wg.record(async () => {
      await sess.run(y, { x: xs });
      await sess.run(y, { x: xs });
      await wg.scope(async () => {
        await wg.exp(wg.tensor([1, 2])).data();
      });
    });
    sess.close();
    expect(record.profile.mode).toBe('mixed');
    for (const k of compute(record.profile)) expect(record.wgsl[k.kernelId]).toMatch(/@compute/);
    // One graph (run twice), its nodes, and its kernels before and after every pass.
    expect(record.graphs).toHaveLength(1);
    const run = record.graphs[0];
    expect(run.entry).toBe('session');
    expect(run.runs).toBe(2);
    expect(run.nodes.map((n) => n.op)).toContain('placeholder');
    expect(run.nodes.filter((n) => n.op !== 'placeholder')).toHaveLength(10);
    expect(run.before).toHaveLength(10);
    expect(run.after).toHaveLength(1);
    expect(run.after[0].nodes).toHaveLength(10);
    const fusion = run.passes.find((p) => p.pass === 'fusion')!;
    expect(fusion.kernels).toHaveLength(1);
    expect(run.passes.map((p) => p.pass)).toEqual(['placement', 'prune', 'commonSubexpression', 'foldBatchNorm', 'fusion', 'arithmeticSimplification', 'inlineConstants', 'constantFolding', 'memoryPlanning']);
    // The eager part: tensor (an upload) and exp (one kernel).
    expect(record.trace.map((t) => t.op)).toEqual(['tensor', 'exp']);
    const exp = record.trace[1];
    expect(exp.inputs).toEqual([{ id: record.trace[0].outputs[0].id, shape: [2], dtype: 'float32' }]);
    expect(exp.outputs).toEqual([{ id: expect.any(Number), shape: [2], dtype: 'float32' }]);
    expect(exp.kernels).toHaveLength(1);
    expect(record.profile.kernels[exp.kernels[0]].name).toBe('exp');
    expect(exp.file!.endsWith(FILE)).toBe(true);
    expect(plain(record)).toEqual(record);
  });
});

describe('compareProfiles and toChromeTrace', () => {
  test('the chain: one fused row whose eager side is the ten eager kernels of its lines', async () => {
    const x = wg.tensor(xs);
    const f = wg.function(chain);
    const once = (fn: () => wg.Tensor) =>
      wg.scope(async () => {
        await fn().data();
      });
    await once(() => f(x)); // trace and compile outside the profiles
    const eager = (await wg.profile(() => once(() => chain(x)))).profile;
    const graph = (await wg.profile(() => once(() => f(x)))).profile;
    f.dispose();
    x.dispose();
    const cmp = wg.compareProfiles(eager, graph);
    const fused = cmp.rows.filter((r) => r.graph.kernels > 0 && r.kind !== 'transfer');
    expect(fused).toHaveLength(1);
    expect(fused[0].eager.kernels).toBe(10);
    expect(fused[0].graph.kernels).toBe(1);
    expect(fused[0].lines.length).toBeGreaterThan(0);
    // Every eager compute kernel landed in the fused row.
    expect(cmp.rows.filter((r) => r.kind !== 'transfer' && r.graph.kernels === 0)).toHaveLength(0);
    expect(cmp.totals.speedup).toBeCloseTo(eager.totals.wallMs / graph.totals.wallMs, 9);
    expect(plain(cmp)).toEqual(cmp);

    const trace = wg.toChromeTrace(graph);
    const complete = trace.traceEvents.filter((e) => (e as { ph: string }).ph === 'X');
    expect(complete).toHaveLength(graph.kernels.length);
    for (const e of complete as { ts: number; dur: number; name: string }[]) {
      expect(Number.isInteger(e.ts)).toBe(true);
      expect(e.dur).toBeGreaterThanOrEqual(1);
    }
    expect(JSON.parse(JSON.stringify(trace)).traceEvents).toHaveLength(trace.traceEvents.length);
  });
});
