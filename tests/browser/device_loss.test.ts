// Device loss: after GPUDevice.destroy(), old tensors raise DeviceLostError, wg.ready() brings up a new device, memory stays consistent.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { gpuBackend, onDevice } from '../helpers/devices';

const mem = () => wg.memory();
const live = () => {
  const m = mem();
  return { tensors: m.tensors, bytesInUse: m.bytesInUse };
};

/** Destroys the current device and waits for the engine to bring up a new one. */
async function loseDevice(): Promise<GPUDeviceLostInfo> {
  const old = gpuBackend();
  const lost = old.device.lost;
  old.device.destroy();
  const info = await lost;
  await wg.ready();
  expect(gpuBackend(), 'a new backend after wg.ready()').not.toBe(old);
  expect(gpuBackend().lostReason).toBeUndefined();
  return info;
}

/** Runs `fn`, returning the error it throws (sync or async), or undefined. */
async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('device loss', () => {
  test('old tensors raise DeviceLostError; new ops work on the new device; memory stays consistent', async () => {
    const base = live();
    // Before the loss: a GPU tensor, a view of it, a value already read, and a CPU tensor (unaffected).
    const old = wg.tensor([1, 2, 3], [3]);
    const oldCol = wg.reshape(old, [3, 1]);
    const oldView = wg.transpose(oldCol);
    const oldSum = wg.add(old, old);
    expect(Array.from(await oldSum.data())).toEqual([2, 4, 6]);
    const seeded = await wg.scope(async () => Array.from(await wg.randomUniform([16], 0, 1, 'float32', 99).data()));
    const onCpu = await onDevice('cpu', () => wg.tensor([4, 5, 6], [3]));
    const gpuBytes = mem().bytesInUse - base.bytesInUse - 12; // the CPU tensor holds 12 bytes
    expect(gpuBytes).toBeGreaterThan(0);
    expect(mem().tensors).toBe(base.tensors + 5);
    const m1 = mem();

    const info = await loseDevice();
    // Accounting right after the loss: old tensors still count as live handles until disposed, but their
    // GPU bytes went with the device (the new device's pool starts empty).
    const m2 = mem();
    console.info(`memory before the loss ${JSON.stringify(m1)}, after ${JSON.stringify(m2)}`);
    expect(m2.tensors).toBe(m1.tensors);
    expect(m2.bytesInUse).toBe(m1.bytesInUse - gpuBytes);
    expect(m2.bytesPooled).toBe(0);
    expect(info.reason).toBe('destroyed');
    expect(wg.backendInfo().backend).toBe('webgpu');

    // Reading an old tensor: DeviceLostError naming the op, the tensor and the loss.
    for (const t of [old, oldCol, oldView, oldSum]) {
      const e = await caught(() => t.data());
      expect(e, `data() of tensor #${t.id}`).toBeInstanceOf(wg.DeviceLostError);
      expect((e as Error).message).toMatch(new RegExp(`^data: tensor #${t.id} lived on a WebGPU device that was lost \\(destroyed`));
      expect((e as Error).message).toMatch(/its values are gone/);
      expect((e as wg.DeviceLostError).op).toBe('data');
      await expect(t.array()).rejects.toThrow(wg.DeviceLostError);
    }

    // Using an old tensor in an op (function, method, view, with a new tensor): DeviceLostError naming the op.
    const fresh = wg.tensor([10, 20, 30], [3]);
    const cond = wg.greater(fresh, 15);
    const ops: [string, () => unknown][] = [
      ['add', () => wg.add(old, 1)],
      ['mul', () => wg.mul(fresh, old)],
      ['exp', () => old.exp()],
      ['where', () => wg.where(cond, old, fresh)],
      ['reshape', () => wg.reshape(old, [1, 3])],
      ['transpose', () => wg.transpose(oldView)],
      ['cast', () => wg.cast(oldView, 'int32')],
      ['zerosLike', () => wg.zerosLike(old)],
    ];
    const before = live();
    for (const [op, f] of ops) {
      const e = await caught(f);
      expect(e, op).toBeInstanceOf(wg.DeviceLostError);
      expect((e as Error).message, op).toMatch(new RegExp(`^${op}: tensor #\\d+ lived on a WebGPU device that was lost`));
    }
    expect(live(), 'failed ops allocate nothing').toEqual(before);

    // New ops work on the new device, including kernels compiled on the old one (recompiled now).
    expect(fresh.device).toBe('webgpu');
    await wg.scope(async () => {
      expect(Array.from(await wg.add(fresh, 1).data())).toEqual([11, 21, 31]);
      expect(Array.from(await wg.mul(wg.transpose(wg.reshape(fresh, [3, 1])), 2).data())).toEqual([20, 40, 60]);
      expect(Array.from(await wg.randomUniform([16], 0, 1, 'float32', 99).data())).toEqual(seeded);
      expect(Array.from(await wg.where(cond, fresh, wg.neg(fresh)).data())).toEqual([-10, 20, 30]);
      // CPU tensors are untouched by a GPU loss.
      expect(Array.from(await onCpu.data())).toEqual([4, 5, 6]);
      expect(Array.from(await (await onDevice('cpu', () => wg.add(onCpu, 1))).data())).toEqual([5, 6, 7]);
    });

    // Everything new is freed again; only the old handles and the CPU tensor remain.
    wg.dispose([fresh, cond]);
    expect(live()).toEqual({ tensors: base.tensors + 5, bytesInUse: base.bytesInUse + 12 });

    // dispose() must not throw after the loss, and brings the counts back.
    expect(() => wg.dispose([old, oldCol, oldView, oldSum])).not.toThrow();
    expect(() => old.dispose()).not.toThrow(); // twice
    onCpu.dispose();
    expect([old, oldCol, oldView, oldSum].every((t) => t.isDisposed)).toBe(true);
    // After disposing, an old tensor reports DisposedError rather than DeviceLostError.
    expect(() => wg.add(old, 1)).toThrow(wg.DisposedError);
    expect(live()).toEqual(base);
  });

  test('between the loss and wg.ready(), new GPU ops raise DeviceLostError asking to await wg.ready()', async () => {
    const base = live();
    const old = gpuBackend();
    const lost = old.device.lost;
    old.device.destroy();
    await lost;
    // The engine's own `lost` handler ran first (registered at start-up) and is re-acquiring now.
    const e = await caught(() => wg.ones([2]));
    expect(e).toBeInstanceOf(wg.DeviceLostError);
    expect((e as Error).message).toMatch(/^(ones|fill): the WebGPU device was lost; await wg\.ready\(\) before running more ops/);
    expect(live(), 'the failed op allocated nothing').toEqual(base);
    await wg.ready();
    await wg.scope(async () => {
      expect(Array.from(await wg.ones([2]).data())).toEqual([1, 1]);
    });
    expect(live()).toEqual(base);
  });

  test('an op issued after destroy() but before `lost` resolves: data() rejects with DeviceLostError', async () => {
    const base = live();
    const a = wg.tensor([1, 2, 3], [3]);
    gpuBackend().device.destroy();
    const c = wg.mul(a, 2); // still accepted: the engine learns of the loss only when `lost` resolves
    try {
      const e = await caught(() => c.data());
      expect(e, String(e)).toBeInstanceOf(wg.DeviceLostError);
      expect((e as Error).message).toMatch(/lost/);
    } finally {
      await wg.ready();
      expect(() => wg.dispose([a, c])).not.toThrow();
    }
    expect(live()).toEqual(base);
    await wg.scope(async () => {
      expect(Array.from(await wg.add(wg.tensor([1, 2, 3], [3]), 1).data())).toEqual([2, 3, 4]);
    });
  });

  // A readback in flight when the device goes must reject (never hang or resolve with garbage). Which error
  // it is depends on a race, see the DeviceLostError test below; this one records the mix.
  test('a readback in flight when the device is destroyed rejects with a WgError', async () => {
    const base = live();
    const kinds: string[] = [];
    for (let k = 0; k < 3; k++) {
      const a = wg.tensor([1, 2, 3], [3]);
      const b = wg.add(a, 1);
      // The device is kept: once it is lost, the engine may bring up the next one before `finally` runs.
      const device = gpuBackend().device;
      try {
        const pending = b.data();
        device.destroy();
        const e = await caught(() => pending);
        expect(e, String(e)).toBeInstanceOf(wg.WgError);
        kinds.push((e as Error).name);
      } finally {
        await device.lost;
        await wg.ready();
        wg.dispose([a, b]);
      }
    }
    console.info(`in-flight readbacks at device loss rejected with: ${kinds.join(', ')}`);
    expect(live()).toEqual(base);
  });

  // Regression (fixed): a readback already in flight when the device is destroyed usually rejects with a plain
  // WgError instead of DeviceLostError. In webgpu_backend.ts read(), mapAsync rejects before `device.lost`
  // has resolved, and the single setTimeout(0) it waits is not long enough. It is a race: the first loss in
  // a page sometimes gives DeviceLostError, later ones gave WgError 14 times out of 15 here, so 10 tries
  // make this test reliable. Observed before the fix:
  //   const b = wg.add(wg.tensor([1, 2, 3]), 1); const p = b.data(); gpuBackend().device.destroy(); await p
  //   → WgError: readback failed: Failed to execute 'mapAsync' on 'GPUBuffer': Buffer was unmapped before
  //     mapping was resolved.
  // Fix idea: on a mapAsync failure, race `device.lost` against a short timeout before deciding.
  test('a readback in flight when the device is destroyed rejects with DeviceLostError', async () => {
    for (let k = 0; k < 10; k++) {
      const a = wg.tensor([1, 2, 3], [3]);
      const b = wg.add(a, 1);
      // The device is kept: once it is lost, the engine may bring up the next one before `finally` runs.
      const device = gpuBackend().device;
      try {
        const pending = b.data();
        device.destroy();
        const e = await caught(() => pending);
        expect(e, String(e)).toBeInstanceOf(wg.DeviceLostError);
      } finally {
        await device.lost;
        await wg.ready();
        wg.dispose([a, b]);
      }
    }
  });

  test('two losses in a row: each time wg.ready() brings back a working device', async () => {
    const base = live();
    for (let k = 0; k < 2; k++) {
      const t = wg.range(0, 5);
      await loseDevice();
      await expect(t.data()).rejects.toThrow(wg.DeviceLostError);
      t.dispose();
      await wg.scope(async () => {
        expect(Array.from(await wg.mul(wg.range(0, 5), k + 2).data())).toEqual([0, 1, 2, 3, 4].map((v) => v * (k + 2)));
      });
      expect(live()).toEqual(base);
      expect(gpuBackend().uncapturedErrors).toEqual([]);
    }
  });
});
