// wg.config.setMemoryLimit on WebGPU: allocations past the limit throw ResourceExhaustedError (naming the op, the
// shape, the limit and the live tensors) before any GPU buffer is made, on every path (eager ops, uploads, kernel
// temporaries, wg.function, Session, withMode('graph'), transfers); CPU and WebGPU memory count together; the
// pool stays within the limit; the engine keeps working after. (setup.ts checks each test leaks nothing and
// raises no WebGPU validation error.) tests/node/memory_limit.test.ts covers the CPU device alone.
import { afterEach, describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { gpuBackend } from '../helpers/devices';

const KiB = 1024;
const MiB = 1024 * KiB;

const live = () => {
  const m = wg.memory();
  return { tensors: m.tensors, bytesInUse: m.bytesInUse };
};

/** Sets the limit to what is in use now plus `headroom` bytes. */
const limitAbove = (headroom: number) => {
  const limit = wg.memory().bytesInUse + headroom;
  wg.config.setMemoryLimit(limit);
  return limit;
};

async function errorOf(fn: () => unknown): Promise<wg.ResourceExhaustedError> {
  try {
    await fn();
  } catch (e) {
    return e as wg.ResourceExhaustedError;
  }
  throw new Error('expected an error, but the call succeeded');
}

/** Counts GPUDevice.createBuffer calls while `fn` runs. */
async function buffersCreatedBy(fn: () => unknown): Promise<number> {
  const device = gpuBackend().device;
  const orig = device.createBuffer;
  let n = 0;
  device.createBuffer = function (this: GPUDevice, d: GPUBufferDescriptor) {
    n++;
    return orig.call(this, d);
  };
  try {
    await fn();
  } finally {
    device.createBuffer = orig;
  }
  return n;
}

afterEach(() => wg.config.setMemoryLimit(null));

describe('memory limit on WebGPU', () => {
  test('an eager op past the limit: the message names op, shape, bytes, limit and the largest live tensors; no buffer is made', async () => {
    expect(wg.backendInfo().backend).toBe('webgpu');
    const before = live();
    const limit = limitAbove(MiB);
    const kept = [0, 1, 2].map(() => wg.zeros([256, 256])); // 3 × 256 KiB
    const small = [0, 1].map(() => wg.ones([64])); // 2 × 256 bytes (the pool's smallest bucket)
    let e!: wg.ResourceExhaustedError;
    const created = await buffersCreatedBy(async () => {
      e = await errorOf(() => wg.matMul(kept[0], kept[1])); // 256 KiB more: over
    });
    expect(created).toBe(0);
    expect(e).toBeInstanceOf(wg.ResourceExhaustedError);
    expect(e.op).toBe('matMul');
    expect(e.shapes).toEqual([[256, 256]]);
    expect(e.dtypes).toEqual(['float32']);
    expect(e.message).toContain('matMul: allocating float32[256,256] (256 KiB) would bring the memory in use to');
    expect(e.message).toContain('set by wg.config.setMemoryLimit; 5 tensors are live, the largest: float32[256,256] ×3, float32[64] ×2.');
    expect(e.location?.file).toContain('memory_limit.test.ts');
    expect(e).toMatchObject({ requestedBytes: 256 * KiB, bytesInUse: limit - 256 * KiB + 512, limit, liveTensors: before.tensors + 5 });
    expect(live()).toEqual({ tensors: before.tensors + 5, bytesInUse: limit - 256 * KiB + 512 });
    // Under the limit again, the same op works and computes.
    small.forEach((t) => t.dispose());
    kept[2].dispose();
    const a = wg.fill([256, 256], 1);
    const p = wg.matMul(a, a);
    expect((await p.data())[0]).toBe(256);
    wg.dispose([kept[0], kept[1], a, p]);
    expect(live()).toEqual(before);
  });

  test('uploads (wg.tensor of host data) are refused before any buffer is made', async () => {
    const before = live();
    limitAbove(64 * KiB);
    let e!: wg.ResourceExhaustedError;
    const created = await buffersCreatedBy(async () => {
      e = await errorOf(() => wg.tensor(new Float32Array(32 * KiB), [128, 256]));
    });
    expect(created).toBe(0);
    expect(e.message).toMatch(/^tensor: allocating float32\[128,256\] \(128 KiB\) would bring the memory in use to /);
    expect(live()).toEqual(before);
    const ok = wg.tensor(new Float32Array(16 * KiB).fill(3), [16 * KiB]); // 64 KiB: fits exactly
    expect((await ok.data())[5]).toBe(3);
    ok.dispose();
  });

  test("a kernel's temporary (a two-pass reduction's partials) over the limit: the op's output is freed too", async () => {
    const x = wg.ones([32768]); // reduced in 4 chunks: a 16-byte partials buffer (one 256-byte bucket)
    const before = live();
    limitAbove(256); // the scalar output fits, its partials do not
    const e = await errorOf(() => wg.sum(x));
    expect(e).toBeInstanceOf(wg.ResourceExhaustedError);
    expect(e.op).toBe('sum');
    expect(e.message).toContain('sum: allocating a temporary of 256 bytes for its [] result');
    expect(live()).toEqual(before);
    wg.config.setMemoryLimit(null);
    const s = wg.sum(x);
    expect(await s.data()).toEqual(new Float32Array([32768]));
    wg.dispose([s, x]);
  });

  test('a wg.function call past the limit releases what its run allocated; it runs once the limit is lifted', async () => {
    const f = wg.function((x: wg.Tensor) => ({ y: x.matMul(x).add(1), z: wg.relu(x).mul(2) }));
    const x = wg.fill([128, 128], 1); // 64 KiB
    const before = live();
    limitAbove(128 * KiB);
    const e = await errorOf(() => f(x));
    expect(e).toBeInstanceOf(wg.ResourceExhaustedError);
    expect(e.message).toMatch(/of a graph plan/);
    expect(live()).toEqual(before);
    wg.config.setMemoryLimit(null);
    const { y, z } = f(x) as { y: wg.Tensor; z: wg.Tensor };
    expect((await y.data())[0]).toBe(129);
    expect((await z.data())[0]).toBe(2);
    // Its plan is compiled and cached now: with room for its plan but not for both results, the run fails
    // after its first result's storage is made: that one is released.
    const planned = live();
    limitAbove(64 * KiB);
    const e2 = await errorOf(() => f(x));
    expect(e2).toBeInstanceOf(wg.ResourceExhaustedError);
    expect(e2.message).toContain('allocating a result of a graph plan, float32[128,128] (64 KiB)');
    expect(live()).toEqual(planned);
    wg.dispose([x, y, z]);
    f.dispose();
  });

  test('a Session run past the limit releases its half-made plan; the next run (limit lifted) is right', async () => {
    const g = new wg.Graph();
    const y = g.build(() => {
      const x = g.placeholder('float32', [128, 128], 'x');
      return wg.sum(wg.relu(x.matMul(x).sub(1)));
    });
    const sess = new wg.Session(g);
    const feed = { x: new Float32Array(128 * 128).fill(1) };
    const before = live();
    limitAbove(96 * KiB);
    const e = await errorOf(() => sess.run(y, feed));
    expect(e).toBeInstanceOf(wg.ResourceExhaustedError);
    expect(e.message).toMatch(/allocating (an intermediate result|an input buffer) of a graph plan \(\d+ KiB\)/);
    expect(live()).toEqual(before);
    wg.config.setMemoryLimit(null);
    expect(await sess.run(y, feed)).toBe(127 * 128 * 128);
    // A compiled plan allocates nothing more to run, even below the memory in use: its feeds are written (host
    // data) or copied (a tensor on the CPU device) into its own buffers.
    const onCpu = wg.device('cpu', () => wg.fill([128, 128], 1));
    limitAbove(-1);
    expect(await sess.run(y, feed)).toBe(127 * 128 * 128);
    expect(await sess.run(y, new Map([['x', onCpu]]))).toBe(127 * 128 * 128);
    wg.config.setMemoryLimit(null);
    onCpu.dispose();
    // A plan compiled and cached holds memory no tensor explains: the message says who holds it.
    limitAbove(0);
    const e2 = await errorOf(() => wg.zeros([8]));
    expect(e2.message).toContain('no tensors are live; graph plans (of Sessions and wg.functions: close() and dispose() them) hold the');
    wg.config.setMemoryLimit(null);
    sess.close();
    expect(live()).toEqual(before);
  });

  test("withMode('graph'): a readback past the limit fails, and leaves the block's tensors usable", async () => {
    const x = wg.fill([128, 128], 2);
    const before = live();
    await wg.withMode('graph', async () => {
      const m = x.matMul(x);
      const y = m.add(1);
      limitAbove(16 * KiB);
      const e = await errorOf(() => y.data());
      expect(e).toBeInstanceOf(wg.ResourceExhaustedError);
      wg.config.setMemoryLimit(null);
      expect((await y.data())[0]).toBe(2 * 2 * 128 + 1);
      wg.dispose([m, y]);
    });
    expect(live()).toEqual(before);
    x.dispose();
  });

  test('CPU and WebGPU memory count together; a transfer past the limit makes nothing on either device', async () => {
    const before = live();
    const onCpu = wg.device('cpu', () => wg.zeros([256, 256])); // 256 KiB on the CPU device
    expect(onCpu.device).toBe('cpu');
    const limit = limitAbove(128 * KiB);
    const e = await errorOf(() => wg.zeros([256, 256])); // on WebGPU: 256 KiB more
    expect(e.message).toContain('zeros: allocating float32[256,256] (256 KiB)');
    expect(e.bytesInUse).toBe(limit - 128 * KiB);
    const e2 = await errorOf(() => onCpu.to('webgpu'));
    expect(e2).toBeInstanceOf(wg.ResourceExhaustedError);
    expect(live()).toEqual({ tensors: before.tensors + 1, bytesInUse: before.bytesInUse + 256 * KiB });
    const e3 = await errorOf(() => wg.device('cpu', () => wg.ones([256, 256])));
    expect(e3.message).toContain('ones: allocating float32[256,256] (256 KiB)');
    onCpu.dispose();
    expect(live()).toEqual(before);
  });

  test('under a limit, the pool keeps live + pooled buffers within it (freeing pooled ones to make room)', async () => {
    const limit = limitAbove(MiB + KiB); // and room for the sums
    const m0 = gpuBackend().memory();
    const quarter = [0, 1, 2, 3].map(() => wg.zeros([256, 256]));
    wg.dispose(quarter); // 1 MiB pooled
    const halves = [0, 1].map(() => wg.zeros([512, 256])); // another bucket: pooled quarters must make room
    // Setting the limit emptied the pool; without the limit the quarters would stay pooled (2 MiB in all).
    expect(m0.bytesPooled).toBe(0);
    const m = gpuBackend().memory();
    expect(m.bytesInUse + m.bytesPooled).toBeLessThanOrEqual(limit);
    const sums = halves.map((h) => wg.sum(h));
    wg.dispose(halves);
    expect(await Promise.all(sums.map(async (s) => (await s.data())[0]))).toEqual([0, 0]);
    wg.dispose(sums);
  });

  test('setMemoryLimit(null) lifts the limit; bad arguments are TypeError/RangeError and change nothing', () => {
    wg.config.setMemoryLimit(KiB);
    expect(wg.config.memoryLimit()).toBe(KiB);
    expect(() => wg.config.setMemoryLimit(-5)).toThrow(RangeError);
    expect(() => wg.config.setMemoryLimit('1GB' as unknown as number)).toThrow(TypeError);
    expect(wg.config.memoryLimit()).toBe(KiB);
    wg.config.setMemoryLimit(null);
    expect(wg.config.memoryLimit()).toBeNull();
    wg.zeros([1024, 1024]).dispose();
  });
});
