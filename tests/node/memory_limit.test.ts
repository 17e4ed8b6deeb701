// wg.config.setMemoryLimit on the CPU device: allocations past the limit throw ResourceExhaustedError (naming the
// op, the shape, the limit and the live tensors) before anything is allocated; the engine keeps working after.
// tests/browser/memory_limit.test.ts runs the same claims on WebGPU.
import { afterEach, describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';

const KiB = 1024;
const MiB = 1024 * KiB;

const live = () => {
  const m = wg.memory();
  return { tensors: m.tensors, bytesInUse: m.bytesInUse };
};

/** Sets the limit to what is in use now plus `headroom` bytes. */
const limitAbove = (headroom: number) => wg.config.setMemoryLimit(wg.memory().bytesInUse + headroom);

function errorOf(fn: () => unknown): wg.ResourceExhaustedError {
  try {
    fn();
  } catch (e) {
    return e as wg.ResourceExhaustedError;
  }
  throw new Error('expected an error, but the call succeeded');
}

async function asyncErrorOf(fn: () => Promise<unknown>): Promise<wg.ResourceExhaustedError> {
  try {
    await fn();
  } catch (e) {
    return e as wg.ResourceExhaustedError;
  }
  throw new Error('expected an error, but the call succeeded');
}

afterEach(() => wg.config.setMemoryLimit(null));

describe('memory limit on the CPU device', () => {
  test('runs on the CPU device (Node has no WebGPU)', () => {
    expect(wg.backendInfo().backend).toBe('cpu');
  });

  test('an eager op past the limit: the message names the op, shape, bytes, limit, live tensors and the largest', () => {
    const before = live();
    limitAbove(MiB + 64);
    const kept = [0, 1, 2, 3].map(() => wg.zeros([256, 256])); // 4 × 256 KiB
    const small = wg.ones([16]); // and 64 bytes: exactly the limit
    expect(live().bytesInUse - before.bytesInUse).toBe(MiB + 64);
    const e = errorOf(() => wg.add(small, 1)); // 64 bytes more: over
    expect(e).toBeInstanceOf(wg.ResourceExhaustedError);
    expect(e).toBeInstanceOf(wg.WgError);
    expect(e.name).toBe('ResourceExhaustedError');
    expect(e.op).toBe('add');
    expect(e.shapes).toEqual([[16]]);
    expect(e.message).toContain('add: allocating float32[16] (64 bytes) would bring the memory in use to');
    expect(e.message).toContain(`would bring the memory in use to ${before.bytesInUse + MiB + 128} bytes, over the limit of ${before.bytesInUse + MiB + 64} bytes set by wg.config.setMemoryLimit`);
    expect(e.message).toContain('5 tensors are live, the largest: float32[256,256] ×4, float32[16] ×1');
    expect(e.message).toContain('Dispose tensors you no longer need');
    expect(e.location?.file).toContain('memory_limit.test.ts');
    expect(e).toMatchObject({ requestedBytes: 64, bytesInUse: before.bytesInUse + MiB + 64, limit: before.bytesInUse + MiB + 64, liveTensors: before.tensors + 5 });
    // Nothing was allocated for the failed op.
    expect(live()).toEqual({ tensors: before.tensors + 5, bytesInUse: before.bytesInUse + MiB + 64 });
    wg.dispose([...kept, small]);
    expect(live()).toEqual(before);
  });

  test('the engine keeps working after the error: under the limit again, allocations succeed and compute', async () => {
    const before = live();
    limitAbove(MiB);
    const a = wg.fill([512, 512], 2); // 1 MiB: the whole limit
    const e = errorOf(() => wg.mul(a, 3));
    expect(e.op).toBe('mul');
    expect(e.message).toContain('mul: allocating float32[512,512] (1 MiB)');
    expect(e.message).toContain('the largest: float32[512,512] ×1');
    a.dispose();
    const b = wg.fill([256, 512], 2);
    const c = wg.sum(b);
    b.dispose();
    expect(await c.data()).toEqual(new Float32Array([2 * 256 * 512]));
    c.dispose();
    expect(live()).toEqual(before);
  });

  test('uploads (wg.tensor of host data) are checked before anything is allocated', () => {
    const before = live();
    limitAbove(64 * KiB);
    const e = errorOf(() => wg.tensor(new Float32Array(32 * KiB), [128, 256])); // 128 KiB
    expect(e).toBeInstanceOf(wg.ResourceExhaustedError);
    expect(e.message).toMatch(/^tensor: allocating float32\[128,256\] \(128 KiB\) would bring the memory in use to /);
    expect(e.message).toContain('set by wg.config.setMemoryLimit; no tensors are live. Dispose');
    expect(live()).toEqual(before);
    const ok = wg.tensor(new Float32Array(8 * KiB), [8 * KiB]); // 32 KiB fits
    ok.dispose();
  });

  test('a wg.function run past the limit fails cleanly; after lifting the limit it runs', async () => {
    const f = wg.function((x: wg.Tensor) => x.matMul(x).add(1));
    const x = wg.fill([128, 128], 1); // 64 KiB
    const before = live();
    limitAbove(64 * KiB); // room for the result, not for the plan's intermediates too
    const e = errorOf(() => f(x));
    expect(e).toBeInstanceOf(wg.ResourceExhaustedError);
    expect(e.message).toContain('of a graph plan');
    expect(e.message).toContain('set by wg.config.setMemoryLimit');
    expect(live()).toEqual(before);
    wg.config.setMemoryLimit(null);
    const y = f(x) as wg.Tensor;
    expect((await y.data())[0]).toBe(129);
    wg.dispose([x, y]);
    f.dispose();
  });

  test('a Session run past the limit fails cleanly and releases what its plan allocated', async () => {
    const g = new wg.Graph();
    const y = g.build(() => {
      const x = g.placeholder('float32', [128, 128], 'x');
      return wg.relu(x.matMul(x).sub(1)).sum();
    });
    const sess = new wg.Session(g);
    const feed = { x: new Float32Array(128 * 128).fill(1) };
    const before = live();
    limitAbove(96 * KiB); // the feed fits, the intermediates do not
    const e = await asyncErrorOf(() => sess.run(y, feed));
    expect(e).toBeInstanceOf(wg.ResourceExhaustedError);
    expect(e.message).toMatch(/allocating (an intermediate result|an input buffer) of a graph plan \(\d+ KiB\)/);
    expect(live()).toEqual(before);
    wg.config.setMemoryLimit(null);
    expect(await sess.run(y, feed)).toBe(127 * 128 * 128);
    sess.close();
    expect(live()).toEqual(before);
  });

  test('setMemoryLimit(null) lifts the limit; memoryLimit() reports it', () => {
    expect(wg.config.memoryLimit()).toBeNull();
    wg.config.setMemoryLimit(MiB + 0.5);
    expect(wg.config.memoryLimit()).toBe(MiB); // whole bytes
    limitAbove(KiB);
    expect(() => wg.zeros([1024])).toThrow(wg.ResourceExhaustedError);
    wg.config.setMemoryLimit(null);
    expect(wg.config.memoryLimit()).toBeNull();
    const t = wg.zeros([1024]);
    t.dispose();
  });

  test('a limit below the memory in use is allowed: the next allocation fails, disposing still works', () => {
    const before = live();
    const a = wg.zeros([1024]);
    limitAbove(-KiB);
    const e = errorOf(() => wg.ones([1]));
    expect(e.message).toContain('ones: allocating float32[1] (4 bytes)');
    a.dispose();
    wg.ones([1]).dispose();
    expect(live()).toEqual(before);
  });

  test('tensors made before the limit was set are counted, and said not to be listed', () => {
    const a = wg.zeros([64]);
    limitAbove(0);
    const e = errorOf(() => wg.zeros([8]));
    expect(e.message).toMatch(/\d+ tensors? (is|are) live \(all made before the limit was set\)/);
    a.dispose();
  });

  test('bad arguments: a clear TypeError or RangeError, and the limit stays as it was', () => {
    wg.config.setMemoryLimit(MiB);
    for (const bad of [0, -1, 0.5, NaN, Infinity, -Infinity]) {
      expect(() => wg.config.setMemoryLimit(bad)).toThrow(RangeError);
    }
    expect(() => wg.config.setMemoryLimit(0)).toThrow('wg.config.setMemoryLimit: the limit must be a positive finite number of bytes (or null for no limit), got 0');
    for (const bad of ['1024', undefined, {}, true, 10n]) {
      expect(() => wg.config.setMemoryLimit(bad as unknown as number)).toThrow(TypeError);
    }
    expect(() => wg.config.setMemoryLimit(undefined as unknown as number)).toThrow('expected a number of bytes, or null for no limit, got undefined');
    expect(wg.config.memoryLimit()).toBe(MiB);
  });
});
