// The graph executor's claims, checked with counters around the real GPUDevice: one submit per run, nothing created once warm, flat memory.
import { afterEach, describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { lazyStats } from '../../engine/graph/lazy';
import { gpuBackend } from '../helpers/devices';

// ---- counting spies on the device ----------------------------------------------------------------------

interface Counts {
  submit: number;
  writeBuffer: number;
  /** Bytes written by queue.writeBuffer (the only way host data reaches the device). */
  writeBytes: number;
  createBuffer: number;
  createBindGroup: number;
  createComputePipeline: number;
  createComputePipelineAsync: number;
  createShaderModule: number;
}

const zero = (): Counts => ({
  submit: 0, writeBuffer: 0, writeBytes: 0, createBuffer: 0, createBindGroup: 0, createComputePipeline: 0,
  createComputePipelineAsync: 0, createShaderModule: 0,
});

/** Bytes a writeBuffer(buffer, offset, data, dataOffset?, size?) call writes (offset/size count elements of a typed array). */
function bytesOf(data: BufferSource, dataOffset = 0, size?: number): number {
  if (data instanceof ArrayBuffer) return size ?? data.byteLength - dataOffset;
  const view = data as ArrayBufferView & { BYTES_PER_ELEMENT?: number; length?: number };
  const el = view.BYTES_PER_ELEMENT ?? 1;
  const len = view.length ?? view.byteLength;
  return (size ?? len - dataOffset) * el;
}

let restorers: (() => void)[] = [];

/** Wraps the device's methods with counters; `reset()` zeroes them; the spies are removed after each test. */
function spyDevice(): { counts: Counts; reset: () => void } {
  const device = gpuBackend().device;
  const counts = zero();
  const wrap = <O extends object>(obj: O, name: string, on: (args: unknown[]) => void) => {
    const rec = obj as unknown as Record<string, (...a: unknown[]) => unknown>;
    const own = Object.prototype.hasOwnProperty.call(obj, name);
    const orig = rec[name];
    rec[name] = function (this: unknown, ...args: unknown[]) {
      on(args);
      return orig.apply(this, args);
    };
    restorers.push(() => {
      if (own) rec[name] = orig;
      else delete rec[name];
    });
  };
  wrap(device.queue, 'submit', () => counts.submit++);
  wrap(device.queue, 'writeBuffer', (a) => {
    counts.writeBuffer++;
    counts.writeBytes += bytesOf(a[2] as BufferSource, a[3] as number | undefined, a[4] as number | undefined);
  });
  for (const name of ['createBuffer', 'createBindGroup', 'createComputePipeline', 'createComputePipelineAsync', 'createShaderModule'] as const) {
    wrap(device, name, () => counts[name]++);
  }
  return { counts, reset: () => Object.assign(counts, zero()) };
}

afterEach(() => {
  // Restore in reverse order (a method wrapped twice unwinds correctly).
  for (const r of restorers.reverse()) r();
  restorers = [];
});

// ---- a small model: y = tanh(sum(relu(matMul(x·2 + 1, w)), 1)) - 0.5 ----------------------------------------

const ROWS = 4;
const K = 8;
const COLS = 4;
const W = Array.from({ length: K }, (_, i) => Array.from({ length: COLS }, (_, j) => Math.sin(i * COLS + j) * 0.3));

function data(seed: number, n = ROWS * K): number[] {
  return Array.from({ length: n }, (_, i) => Math.fround(Math.cos(seed * 7.1 + i * 1.3)));
}

/** The model in plain JS (double precision): [y (ROWS), relu (ROWS×COLS)]. */
function reference(x: number[]): { y: number[]; h: number[][] } {
  const h = Array.from({ length: ROWS }, (_, r) =>
    Array.from({ length: COLS }, (_, c) => Math.max(0, W.reduce((s, wk, k) => s + (x[r * K + k] * 2 + 1) * wk[c], 0))),
  );
  return { y: h.map((row) => Math.tanh(row.reduce((a, b) => a + b, 0)) - 0.5), h };
}

function model(x: wg.Tensor, w: wg.Tensor): { y: wg.Tensor; h: wg.Tensor } {
  const h = wg.relu(wg.matMul(x.mul(2).add(1), w));
  return { y: wg.tanh(wg.sum(h, 1)).sub(0.5), h };
}

function expectClose(got: ArrayLike<number>, want: number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= 1e-4 + 1e-4 * Math.abs(want[i]))) {
      expect.fail(`${what}: element ${i} is ${got[i]}, expected ${want[i]}`);
    }
  }
}

/** Lets any scheduled eager flush go out, so the spies only see the work under test. */
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('Session executor', () => {
  test('from the 2nd run on: one submit, nothing created, only the feed uploaded', async () => {
    const g = new wg.Graph();
    const { y, h } = g.build(() => {
      const x = g.placeholder('float32', [ROWS, K], 'x');
      return model(x, wg.tensor(W));
    });
    const sess = new wg.Session(g);
    const feedBytes = ROWS * K * 4;
    await settle();
    const { counts, reset } = spyDevice();
    try {
      const first = reference(data(0));
      const out0 = (await sess.run({ y, h }, { x: new Float32Array(data(0)) }, { typedArrays: true })) as Record<string, Float32Array>;
      expectClose(out0.y, first.y, 'run 1 y');
      // The first run compiles the plan (this also shows the spies see the device's calls).
      expect(counts.submit, 'run 1 submits').toBeGreaterThanOrEqual(1);
      expect(counts.createBindGroup, 'run 1 bind groups').toBeGreaterThan(0);
      for (let run = 2; run <= 6; run++) {
        reset();
        const x = data(run);
        const out = (await sess.run({ y, h }, { x: new Float32Array(x) }, { typedArrays: true })) as Record<string, Float32Array>;
        const snapshot = { ...counts };
        const want = reference(x);
        expectClose(out.y, want.y, `run ${run} y`);
        expectClose(out.h, want.h.flat(), `run ${run} h`);
        expect(snapshot, `device calls during run ${run}`).toEqual({
          ...zero(),
          submit: 1,
          writeBuffer: 1,
          writeBytes: feedBytes,
        });
      }
      expect(sess.planCount).toBe(1);
    } finally {
      sess.close();
    }
  });

  test('fetching a subset is a second plan; both stay warm', async () => {
    const g = new wg.Graph();
    const { y, h } = g.build(() => model(g.placeholder('float32', [ROWS, K], 'x'), wg.tensor(W)));
    const sess = new wg.Session(g);
    await sess.run([y, h], { x: new Float32Array(data(1)) });
    await sess.run(y, { x: new Float32Array(data(1)) });
    await settle();
    const { counts, reset } = spyDevice();
    try {
      for (const fetch of [[y, h], y, [y, h], y] as const) {
        reset();
        await sess.run(fetch as wg.Tensor, { x: new Float32Array(data(2)) });
        expect({ ...counts }).toEqual({ ...zero(), submit: 1, writeBuffer: 1, writeBytes: ROWS * K * 4 });
      }
      expect(sess.planCount).toBe(2);
    } finally {
      sess.close();
    }
  });
});

describe('Session executor: state and device feeds', () => {
  test('a stateful plan (assignAdd, no feeds): one submit and no upload per run', async () => {
    const g = new wg.Graph();
    const next = g.build(() => {
      const v = wg.variable(wg.zeros([ROWS, COLS]), { name: 'acc' });
      return v.assignAdd(wg.relu(wg.matMul(wg.ones([ROWS, K]), wg.tensor(W))));
    });
    const sess = new wg.Session(g);
    const step = reference(new Array(ROWS * K).fill(0)).h.flat(); // x = 0 → rows of relu(1·W) (x·2+1 = 1)
    await sess.run(next);
    await settle();
    const { counts, reset } = spyDevice();
    try {
      for (let run = 2; run <= 5; run++) {
        reset();
        const got = (await sess.run(next, {}, { typedArrays: true })) as Float32Array;
        expect({ ...counts }, `device calls during run ${run}`).toEqual({ ...zero(), submit: 1 });
        expectClose(got, step.map((v) => v * run), `accumulator after run ${run}`);
      }
    } finally {
      sess.close();
    }
  });

  test('an eager tensor fed to a placeholder is copied on the device (no upload)', async () => {
    const g = new wg.Graph();
    const y = g.build(() => model(g.placeholder('float32', [ROWS, K], 'x'), wg.tensor(W)).y);
    const sess = new wg.Session(g);
    const xs = [0, 1, 2, 3].map((s) => wg.tensor(data(s), [ROWS, K]));
    try {
      await sess.run(y, { x: xs[0] });
      await settle();
      const { counts, reset } = spyDevice();
      for (let i = 1; i < xs.length; i++) {
        reset();
        const got = (await sess.run(y, { x: xs[i] }, { typedArrays: true })) as Float32Array;
        expect({ ...counts }, `device calls during run ${i + 1}`).toEqual({ ...zero(), submit: 1 });
        expectClose(got, reference(data(i)).y, `run ${i + 1}`);
      }
    } finally {
      sess.close();
      xs.forEach((x) => x.dispose());
    }
  });
});

describe('overlapping runs', () => {
  test('sess.run calls not awaited one by one (one plan, shared buffers) each get their own feed', async () => {
    const g = new wg.Graph();
    const y = g.build(() => model(g.placeholder('float32', [ROWS, K], 'x'), wg.tensor(W)).y);
    const sess = new wg.Session(g);
    try {
      const outs = (await Promise.all([0, 1, 2, 3, 4].map((s) => sess.run(y, { x: new Float32Array(data(s)) })))) as number[][];
      outs.forEach((o, s) => expectClose(o, reference(data(s)).y, `run with feed ${s}`));
      expect(sess.planCount).toBe(1);
    } finally {
      sess.close();
    }
  });

  test('wg.function calls before any readback each get their own output', async () => {
    const f = wg.function((x: wg.Tensor, w: wg.Tensor) => model(x, w).y);
    try {
      await wg.scope(async () => {
        const w = wg.tensor(W);
        const ys = [0, 1, 2, 3].map((s) => f(wg.tensor(data(s), [ROWS, K]), w));
        const got = await Promise.all(ys.map((y) => y.data()));
        got.forEach((o, s) => expectClose(o, reference(data(s)).y, `call ${s}`));
      });
    } finally {
      f.dispose();
    }
  });
});

describe('wg.function executor', () => {
  test('from the 2nd call on: no pipeline, shader module or buffer; no bind group once the pool is warm', async () => {
    const f = wg.function((x: wg.Tensor, w: wg.Tensor) => model(x, w).y);
    const w = wg.tensor(W);
    const xs = [0, 1, 2, 3, 4, 5, 6, 7].map((s) => wg.tensor(data(s), [ROWS, K]));
    await settle();
    const { counts, reset } = spyDevice();
    const perCall: Counts[] = [];
    try {
      for (let i = 0; i < xs.length; i++) {
        reset();
        const out = f(xs[i], w);
        const got = await out.data();
        out.dispose();
        await settle();
        perCall.push({ ...counts });
        expectClose(got, reference(data(i)).y, `call ${i + 1}`);
      }
      expect(f.traceCount).toBe(1);
      expect(perCall[0].createComputePipeline + perCall[0].createBindGroup, 'the first call prepares the plan').toBeGreaterThan(0);
      perCall.slice(1).forEach((c, i) => {
        // One submission carries the plan and the readback. The input is read in place and the output written
        // into its own buffer: the dispatches that bind them get a bind group for those buffers, made once
        // per buffer pair the pool hands out and then reused.
        expect({ ...c, createBindGroup: 0 }, `device calls during call ${i + 2}`).toEqual({ ...zero(), submit: 1 });
        expect(c.createBindGroup, `bind groups made during call ${i + 2} (a new input buffer)`).toBeLessThanOrEqual(2);
      });
      // The same input again: its bind groups are reused once the output buffers recur.
      const again: number[] = [];
      for (let i = 0; i < 4; i++) {
        reset();
        const out = f(xs[0], w);
        await out.data();
        out.dispose();
        await settle();
        again.push(counts.createBindGroup);
      }
      expect(again.slice(2), 'bind groups made by repeated calls on one input').toEqual([0, 0]);
    } finally {
      f.dispose();
      w.dispose();
      xs.forEach((x) => x.dispose());
    }
  });
});

describe("withMode('graph') executor", () => {
  test('a loop over new data of the same shape reuses one plan (≥ 19 hits in 20) and matches eager', async () => {
    const w = wg.tensor(W);
    const eager: Float32Array[] = [];
    for (let i = 0; i < 20; i++) {
      await wg.scope(async () => {
        eager.push((await model(wg.tensor(data(i), [ROWS, K]), w).y.data()) as Float32Array);
      });
    }
    const before = { ...lazyStats };
    const lazy: Float32Array[] = [];
    let afterFirst: Counts | undefined;
    await settle();
    const { counts, reset } = spyDevice();
    try {
      await wg.withMode('graph', async () => {
        for (let i = 0; i < 20; i++) {
          if (i === 5) reset();
          await wg.scope(async () => {
            const y = model(wg.tensor(data(i), [ROWS, K]), w).y;
            lazy.push((await y.data()) as Float32Array);
          });
        }
        afterFirst = { ...counts };
      });
    } finally {
      w.dispose();
    }
    expect(lazyStats.planHits - before.planHits, 'plan-cache hits').toBeGreaterThanOrEqual(19);
    expect(lazyStats.planMisses - before.planMisses, 'plan-cache misses').toBeLessThanOrEqual(1);
    lazy.forEach((v, i) => {
      expectClose(v, Array.from(eager[i]), `iteration ${i}`);
      expectClose(v, reference(data(i)).y, `iteration ${i} vs reference`);
    });
    // A reused plan compiles nothing: iterations 6..20 created no bind group, pipeline or shader module (the
    // first iterations make bind groups for the input/output buffers the pool hands out, then reuse them).
    expect({
      createBindGroup: afterFirst!.createBindGroup,
      createComputePipeline: afterFirst!.createComputePipeline,
      createShaderModule: afterFirst!.createShaderModule,
    }).toEqual({ createBindGroup: 0, createComputePipeline: 0, createShaderModule: 0 });
  });
});

describe('long loops keep memory flat', () => {
  test('1000 sess.run calls', async () => {
    const g = new wg.Graph();
    const y = g.build(() => model(g.placeholder('float32', [ROWS, K], 'x'), wg.tensor(W)).y);
    const sess = new wg.Session(g);
    let at10: ReturnType<typeof wg.memory> | undefined;
    let last: number[] = [];
    const t0 = performance.now();
    try {
      for (let i = 1; i <= 1000; i++) {
        last = (await sess.run(y, { x: new Float32Array(data(i % 7)) })) as number[];
        if (i === 10) at10 = wg.memory();
      }
    } finally {
      const ms = (performance.now() - t0) / 1000;
      console.log(`sess.run: ${ms.toFixed(3)} ms per run over 1000 runs (${ROWS}×${K} feed, 6 ops)`);
    }
    const at1000 = wg.memory();
    sess.close();
    expectClose(last, reference(data(1000 % 7)).y, 'run 1000');
    expect(
      { tensors: at1000.tensors, bytesInUse: at1000.bytesInUse, buffersCreated: at1000.buffersCreated },
      'memory after run 1000 vs after run 10',
    ).toEqual({ tensors: at10!.tensors, bytesInUse: at10!.bytesInUse, buffersCreated: at10!.buffersCreated });
  });

  // ENGINE PROBLEM (observed): inside one withMode('graph') block, every iteration's input (a wg.tensor made
  // from data, disposed by its scope) stays captured by the block's lazy graph until the block ends: device
  // bytesInUse grows by one 256-byte buffer per iteration and buffersCreated by one per iteration (after
  // iteration 10: 4096 B / 19 buffers; after 300: 78336 B / 309 buffers), and each flush walks every node
  // recorded so far, so iterations get slower as the loop runs. A training loop inside withMode('graph')
  // leaks until the block ends.
  test("200 iterations inside one withMode('graph') block (inputs disposed by a scope)", async () => {
    const w = wg.tensor(W);
    let at10: ReturnType<typeof wg.memory> | undefined;
    let at200: ReturnType<typeof wg.memory> | undefined;
    const t0 = performance.now();
    try {
      await wg.withMode('graph', async () => {
        for (let i = 1; i <= 200; i++) {
          await wg.scope(async () => {
            await model(wg.tensor(data(i % 7), [ROWS, K]), w).y.data();
          });
          if (i === 10) at10 = wg.memory();
        }
        at200 = wg.memory();
      });
    } finally {
      w.dispose();
      console.log(`withMode('graph') loop: ${((performance.now() - t0) / 200).toFixed(3)} ms per iteration over 200 iterations`);
    }
    expect(
      { tensors: at200!.tensors, bytesInUse: at200!.bytesInUse, buffersCreated: at200!.buffersCreated },
      'memory after iteration 200 vs after iteration 10',
    ).toEqual({ tensors: at10!.tensors, bytesInUse: at10!.bytesInUse, buffersCreated: at10!.buffersCreated });
  });

  test('1000 wg.function calls (outputs read and disposed)', async () => {
    const f = wg.function((x: wg.Tensor, w: wg.Tensor) => model(x, w).y);
    const w = wg.tensor(W);
    const xs = [0, 1, 2, 3, 4, 5, 6].map((s) => wg.tensor(data(s), [ROWS, K]));
    let at10: ReturnType<typeof wg.memory> | undefined;
    let last: Float32Array | undefined;
    const t0 = performance.now();
    try {
      for (let i = 1; i <= 1000; i++) {
        const out = f(xs[i % 7], w);
        last = (await out.data()) as Float32Array;
        out.dispose();
        if (i === 10) at10 = wg.memory();
      }
      const ms = (performance.now() - t0) / 1000;
      console.log(`wg.function: ${ms.toFixed(3)} ms per call + readback over 1000 calls (${ROWS}×${K} input, 6 ops)`);
      const at1000 = wg.memory();
      expectClose(last!, reference(data(1000 % 7)).y, 'call 1000');
      expect(f.traceCount).toBe(1);
      expect(
        { tensors: at1000.tensors, bytesInUse: at1000.bytesInUse, buffersCreated: at1000.buffersCreated },
        'memory after call 1000 vs after call 10',
      ).toEqual({ tensors: at10!.tensors, bytesInUse: at10!.bytesInUse, buffersCreated: at10!.buffersCreated });
    } finally {
      f.dispose();
      w.dispose();
      xs.forEach((x) => x.dispose());
    }
  });
});
