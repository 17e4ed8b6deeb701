// Devices in eager code: moves between WebGPU and the CPU (t.to, wg.to), the placement rule, device scopes
// (wg.device), the default device (setDefaultDevice, setBackend), device errors, and CPU results equal to
// GPU results. Ordering, copies in profiles and memory: devices_order.test.ts; logs and soft placement:
// devices_soft.test.ts; graphs: devices_graph.test.ts. Expected values are plain JS arithmetic or literals.
import { afterEach, describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { values, expectClose, errorOf } from '../helpers/values';

afterEach(() => {
  wg.setDefaultDevice('webgpu');
});




// ---- moving tensors --------------------------------------------------------------------------------------

describe('t.to and wg.to', () => {
  test('GPU → CPU → GPU keeps values and dtype; moving to where a tensor is returns it', () =>
    wg.scope(async () => {
      const a = wg.tensor([1.5, -2, 3.25, 4], [2, 2]);
      expect(a.device).toBe('webgpu');
      for (const name of ['webgpu', 'gpu', '/GPU:0', 'GPU']) expect(a.to(name)).toBe(a);
      const c = a.to('cpu');
      expect(c).not.toBe(a);
      expect(c.device).toBe('cpu');
      expect(c.shape).toEqual([2, 2]);
      expect(c.dtype).toBe('float32');
      for (const name of ['cpu', '/CPU:0', '/device:CPU:0']) expect(c.to(name)).toBe(c);
      const back = wg.to(c, '/GPU:0');
      expect(back.device).toBe('webgpu');
      expect(wg.to(back, 'webgpu')).toBe(back);
      expect(await values(c)).toEqual([1.5, -2, 3.25, 4]);
      expect(await values(back)).toEqual([1.5, -2, 3.25, 4]);
      // The source is untouched.
      expect(await values(a)).toEqual([1.5, -2, 3.25, 4]);
    }));

  test('int32, uint32 and bool tensors travel both ways bit-exactly', () =>
    wg.scope(async () => {
      const i = wg.tensor([-7, 0, 2147483647, -2147483648], [4], 'int32');
      const u = wg.tensor([0, 1, 4294967295, 123456789], [4], 'uint32');
      const b = wg.tensor([true, false, true], [3], 'bool');
      for (const t of [i, u, b]) {
        const c = t.to('cpu');
        expect(c.dtype).toBe(t.dtype);
        const g = c.to('webgpu');
        expect(await values(c)).toEqual(await values(t));
        expect(await values(g)).toEqual(await values(t));
      }
      expect(await values(i.to('cpu'))).toEqual([-7, 0, 2147483647, -2147483648]);
      expect(await values(u.to('cpu'))).toEqual([0, 1, 4294967295, 123456789]);
      expect(await values(b.to('cpu'))).toEqual([1, 0, 1]);
    }));

  test('strided views (transpose, slice, broadcast) move as their elements', () =>
    wg.scope(async () => {
      const a = wg.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      expect(await values(wg.transpose(a).to('cpu'))).toEqual([1, 4, 2, 5, 3, 6]);
      expect(await values(wg.slice(a, [0, 1], [2, 2]).to('cpu'))).toEqual([2, 3, 5, 6]);
      const c = a.to('cpu');
      expect(await values(wg.transpose(c).to('webgpu'))).toEqual([1, 4, 2, 5, 3, 6]);
      expect(await values(wg.slice(c, [1, 0], [1, 3]).to('webgpu'))).toEqual([4, 5, 6]);
      expect(await values(wg.broadcastTo(wg.tensor([7, 8]), [2, 2]).to('cpu'))).toEqual([7, 8, 7, 8]);
    }));

  test('empty and scalar tensors move', () =>
    wg.scope(async () => {
      const e = wg.zeros([0, 3]).to('cpu');
      expect(e.shape).toEqual([0, 3]);
      expect(await values(e)).toEqual([]);
      const s = wg.scalar(42).to('cpu');
      expect(s.shape).toEqual([]);
      expect(await values(s.to('webgpu'))).toEqual([42]);
    }));
});

// ---- the placement rule -------------------------------------------------------------------------------------

describe('placement rule', () => {
  test('ops follow the device their inputs share; mixed inputs go to the default device', () =>
    wg.scope(async () => {
      const g = wg.tensor([1, 2, 3]);
      const c = wg.tensor([10, 20, 30]).to('cpu');
      expect(c.mul(2).device).toBe('cpu');
      expect(wg.exp(c).device).toBe('cpu');
      expect(g.mul(2).device).toBe('webgpu');
      const mixed = wg.add(g, c);
      expect(mixed.device).toBe('webgpu');
      expect(await values(mixed)).toEqual([11, 22, 33]);
      expect(wg.add(c, g).device).toBe('webgpu');
      wg.setDefaultDevice('cpu');
      const mixedCpu = wg.sub(g, c);
      expect(mixedCpu.device).toBe('cpu');
      expect(await values(mixedCpu)).toEqual([-9, -18, -27]);
      // Inputs that share a device still decide, whatever the default.
      expect(g.add(g).device).toBe('webgpu');
    }));

  test('wg.device (sync): creation ops and ops on other-device inputs run there; blocks nest and restore', () =>
    wg.scope(async () => {
      const g = wg.tensor([1, 2, 3]);
      const r = wg.device('cpu', () => {
        const z = wg.zeros([3]);
        const t = wg.tensor([4, 5, 6]);
        const y = wg.mul(g, t); // a GPU input, used on the CPU
        const inner = wg.device('webgpu', () => wg.ones([2]));
        const viaAlias = wg.device('/GPU:0', () => y.add(1));
        return { z, t, y, inner, viaAlias };
      });
      expect(r.z.device).toBe('cpu');
      expect(r.t.device).toBe('cpu');
      expect(r.y.device).toBe('cpu');
      expect(r.inner.device).toBe('webgpu');
      expect(r.viaAlias.device).toBe('webgpu');
      expect(await values(r.y)).toEqual([4, 10, 18]);
      expect(await values(r.viaAlias)).toEqual([5, 11, 19]);
      expect(wg.zeros([1]).device).toBe('webgpu');
      expect(wg.getDefaultDevice()).toBe('webgpu');
      // A throwing block still ends.
      expect(() => wg.device('cpu', () => { throw new Error('boom'); })).toThrow('boom');
      expect(wg.zeros([1]).device).toBe('webgpu');
    }));

  test('wg.device (async): the device holds across awaits until the block settles', () =>
    wg.scope(async () => {
      const p = wg.device('cpu', async () => {
        const a = wg.tensor([1, 2]);
        await new Promise((r) => setTimeout(r, 0));
        const b = wg.ones([2]);
        const s = a.add(b);
        const v = await values(s);
        const after = wg.fill([2], 7);
        return { devices: [a.device, b.device, s.device, after.device], v };
      });
      expect(p).toBeInstanceOf(Promise);
      const r = await p;
      expect(r.devices).toEqual(['cpu', 'cpu', 'cpu', 'cpu']);
      expect(r.v).toEqual([2, 3]);
      expect(wg.zeros([1]).device).toBe('webgpu');
      await expect(wg.device('cpu', async () => { throw new Error('async boom'); })).rejects.toThrow('async boom');
      expect(wg.zeros([1]).device).toBe('webgpu');
    }));
});

// ---- the default device and its aliases -----------------------------------------------------------------

describe('setDefaultDevice / setBackend', () => {
  test('creation ops follow the default device', () =>
    wg.scope(async () => {
      expect(wg.getDefaultDevice()).toBe('webgpu');
      wg.setDefaultDevice('cpu');
      expect(wg.getDefaultDevice()).toBe('cpu');
      const made = [
        wg.tensor([1, 2]), wg.scalar(3), wg.zeros([2]), wg.ones([2]), wg.fill([2], 5), wg.range(0, 4), wg.linspace(0, 1, 3),
        wg.eye(2), wg.randomUniform([3], 0, 1, 'float32', 7), wg.zerosLike(wg.tensor([1])), wg.constant([1, 2]),
      ];
      for (const t of made) expect(t.device).toBe('cpu');
      expect(await values(wg.range(0, 4))).toEqual([0, 1, 2, 3]);
      expect(await values(wg.eye(2))).toEqual([1, 0, 0, 1]);
      expectClose(await values(wg.linspace(0, 1, 3)), [0, 0.5, 1]);
      wg.setDefaultDevice('/GPU:0');
      expect(wg.getDefaultDevice()).toBe('webgpu');
      expect(wg.zeros([1]).device).toBe('webgpu');
    }));

  test('setBackend / getBackend (TensorFlow.js aliases)', async () => {
    expect(wg.getBackend()).toBe('webgpu');
    const p = wg.setBackend('cpu');
    expect(p).toBeInstanceOf(Promise);
    expect(await p).toBe(true);
    expect(wg.getBackend()).toBe('cpu');
    expect(wg.getDefaultDevice()).toBe('cpu');
    expect(await wg.setBackend('webgpu')).toBe(true);
    expect(wg.getBackend()).toBe('webgpu');
    expect(await wg.setBackend('gpu')).toBe(true);
    expect(wg.getBackend()).toBe('webgpu');
  });

  test('unknown device names raise DeviceError everywhere and change nothing', () =>
    wg.scope(async () => {
      const t = wg.tensor([1]);
      for (const bad of ['webgl', 'wasm', 'tpu', '', '/GPU:1', 'cuda'] as string[]) {
        for (const call of [() => t.to(bad), () => wg.to(t, bad), () => wg.device(bad, () => 1), () => wg.setDefaultDevice(bad), () => wg.setBackend(bad)]) {
          const e = await errorOf(call);
          expect(e, `${bad}: ${e.message}`).toBeInstanceOf(wg.DeviceError);
          expect(e).toBeInstanceOf(wg.WgError);
          expect(e.message).toContain(JSON.stringify(bad));
        }
      }
      expect((await errorOf(() => wg.setBackend('webgl'))).message).toMatch(/webgl/);
      expect(await errorOf(() => t.to(42 as unknown as string))).toBeInstanceOf(wg.DeviceError);
      expect(await errorOf(() => wg.device('cpu', 5 as unknown as () => void))).toBeInstanceOf(wg.DeviceError);
      expect(wg.getDefaultDevice()).toBe('webgpu');
      expect(wg.zeros([1]).device).toBe('webgpu');
    }));
});

// ---- the CPU computes what the GPU computes ----------------------------------------------------------------

describe('CPU results equal GPU results', () => {
  /** A handful of ops on `x` ([2,3]), `m` ([3,2]) made on the current default device. */
  async function program(): Promise<{ devices: string[]; out: Record<string, number[]> }> {
    return wg.scope(async () => {
      const x = wg.tensor([0.5, -1, 2, 3, -0.25, 1], [2, 3]);
      const m = wg.tensor([1, 2, 0, -1, 0.5, 3], [3, 2]);
      const idx = wg.tensor([2, 0, 2], [3], 'int32');
      const part = wg.tensor([9, 8, 7], [1, 3]).to('cpu'); // one concat part always on the CPU
      const r = {
        chain: wg.tanh(wg.relu(x.mul(2).add(0.5)).sub(x)).mul(3).add(wg.exp(x.neg().mul(x))),
        matMul: wg.matMul(x, m),
        sum0: wg.sum(x, 0),
        mean1: wg.mean(x, 1),
        sumAll: wg.sum(x),
        softmax: wg.softmax(x),
        gather: wg.gather(x, idx, 1),
        concat: wg.concat([x, part], 0),
        cumsum: wg.cumsum(x, 1),
        where: wg.where(x.greater(0), x, wg.zerosLike(x).sub(1)),
      };
      const out: Record<string, number[]> = {};
      for (const [k, v] of Object.entries(r)) out[k] = await values(v);
      return { devices: Object.values(r).map((v) => v.device), out };
    });
  }

  test('elementwise chain, matMul, reductions, softmax, gather, concat, cumsum, where', async () => {
    const gpu = await program();
    wg.setDefaultDevice('cpu');
    const cpu = await program();
    wg.setDefaultDevice('webgpu');
    // concat mixes a default-device part with a CPU part: default device.
    expect(gpu.devices).toEqual(Array(10).fill('webgpu'));
    expect(cpu.devices).toEqual(Array(10).fill('cpu'));
    const x = [0.5, -1, 2, 3, -0.25, 1];
    const expected: Record<string, number[]> = {
      chain: x.map((v) => Math.tanh(Math.max(v * 2 + 0.5, 0) - v) * 3 + Math.exp(-v * v)),
      matMul: [0.5 * 1 + -1 * 0 + 2 * 0.5, 0.5 * 2 + -1 * -1 + 2 * 3, 3 * 1 + 0 + 1 * 0.5, 3 * 2 + -0.25 * -1 + 1 * 3],
      sum0: [3.5, -1.25, 3],
      mean1: [1.5 / 3, 3.75 / 3],
      sumAll: [5.25],
      softmax: [[0.5, -1, 2], [3, -0.25, 1]].flatMap((row) => {
        const e = row.map(Math.exp);
        const s = e.reduce((p, q) => p + q);
        return e.map((v) => v / s);
      }),
      gather: [2, 0.5, 2, 1, 3, 1],
      concat: [...x, 9, 8, 7],
      cumsum: [0.5, -0.5, 1.5, 3, 2.75, 3.75],
      where: [0.5, -1, 2, 3, -1, 1],
    };
    for (const k of Object.keys(expected)) {
      expectClose(gpu.out[k], expected[k], 1e-5);
      expectClose(cpu.out[k], expected[k], 1e-5);
      expectClose(cpu.out[k], gpu.out[k], 1e-5);
    }
  });
});
