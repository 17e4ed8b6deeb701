// Devices in eager code, part 2: nothing computes on stale data (moves, assigns and CPU ops issued in one
// synchronous stretch, read once at the end), how many copies between devices a profile shows, and memory
// over many round trips. Expected values are plain JS arithmetic.
import { afterEach, describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { values } from '../helpers/values';

afterEach(() => {
  wg.setDefaultDevice('webgpu');
});


const crossings = (p: wg.Profile) => p.kernels.filter((k) => k.kind === 'transfer' && k.name.includes('→'));

// ---- ordering --------------------------------------------------------------------------------------------

describe('nothing computes on stale data', () => {
  test('a GPU variable assigned after its move to the CPU: the copy keeps the old values', () =>
    wg.scope(async () => {
      const v = wg.variable(wg.tensor([1, 2, 3]));
      expect(v.device).toBe('webgpu');
      const c = v.to('cpu');
      const d = c.mul(2); // a CPU op on the pending copy, issued before the assign
      wg.assign(v, wg.tensor([10, 20, 30]));
      const e = c.add(100); // and one issued after it
      wg.assignAdd(v, wg.tensor([1, 1, 1]));
      const c2 = v.to('cpu'); // moved again after both writes
      expect(c.device).toBe('cpu');
      expect(await values(e)).toEqual([101, 102, 103]);
      expect(await values(d)).toEqual([2, 4, 6]);
      expect(await values(c)).toEqual([1, 2, 3]);
      expect(await values(c2)).toEqual([11, 21, 31]);
      expect(await values(v)).toEqual([11, 21, 31]);
    }));

  test('a CPU variable assigned after its move to the GPU; assigns take values from the other device', () =>
    wg.scope(async () => {
      const v = wg.device('cpu', () => wg.variable(wg.tensor([1, 2])));
      expect(v.device).toBe('cpu');
      const g = v.to('webgpu');
      const g2 = g.mul(3); // a GPU op on the copy
      wg.assign(v, wg.tensor([5, 6])); // a GPU value into a CPU variable: the assign runs on the CPU
      expect(v.device).toBe('cpu');
      expect(await values(g)).toEqual([1, 2]);
      expect(await values(g2)).toEqual([3, 6]);
      expect(await values(v)).toEqual([5, 6]);
    }));

  test('a GPU variable assigned from a CPU value that waits for a readback of itself', () =>
    wg.scope(async () => {
      const v = wg.variable(wg.tensor([1, 2, 3]));
      for (let i = 0; i < 3; i++) wg.assign(v, v.to('cpu').mul(10).add(i));
      // ((x·10 + 0)·10 + 1)·10 + 2
      expect(await values(v)).toEqual([1, 2, 3].map((x) => ((x * 10 + 0) * 10 + 1) * 10 + 2));
    }));

  test('GPU → CPU → GPU chains in one synchronous stretch', () =>
    wg.scope(async () => {
      const a = wg.tensor([1, 2, 3]);
      const f = a.mul(10).to('cpu').add(1).to('webgpu').mul(2);
      const h = wg.exp(f.to('cpu').sub(f.to('cpu'))).to('webgpu').add(f);
      expect(f.device).toBe('webgpu');
      expect(h.device).toBe('webgpu');
      expect(await values(h)).toEqual([23, 43, 63]);
      expect(await values(f)).toEqual([22, 42, 62]);
    }));

  test('the source of a pending move can be disposed at once, and its buffer reused', () =>
    wg.scope(async () => {
      const n = 1024;
      const src = Array.from({ length: n }, (_, i) => i % 97);
      const c = wg.tidy(() => wg.tensor(src).mul(2).to('cpu')); // the GPU tensor is freed right away
      // New GPU tensors of the same size (the pool may hand out the freed buffer) written before the read.
      const junk = wg.tidy(() => wg.fill([n], 99).add(1));
      const d = c.add(1);
      expect(await values(d)).toEqual(src.map((x) => x * 2 + 1));
      expect(await values(c)).toEqual(src.map((x) => x * 2));
      expect((await values(junk)).every((x) => x === 100)).toBe(true);
    }));

  test('20 alternating round trips, every step kept, all read at the end', () =>
    wg.scope(async () => {
      let y = wg.tensor([1, 2, 3, 4]);
      const cpuSteps: wg.Tensor[] = [];
      for (let i = 0; i < 20; i++) {
        const c = y.to('cpu').add(i);
        cpuSteps.push(c);
        y = c.to('webgpu').mul(-1);
      }
      expect(y.device).toBe('webgpu');
      const expected: number[][] = [];
      let e = [1, 2, 3, 4];
      for (let i = 0; i < 20; i++) {
        const c = e.map((x) => x + i);
        expected.push(c);
        e = c.map((x) => -x);
      }
      expect(await values(y)).toEqual(e);
      // Read the CPU steps last-first: each must hold its own step's values.
      for (let i = 19; i >= 0; i--) expect(await values(cpuSteps[i])).toEqual(expected[i]);
    }));

  test('independent CPU work interleaves with a pending GPU → CPU move', () =>
    wg.scope(async () => {
      const p = wg.device('cpu', () => wg.tensor([1, 2, 3]));
      const g = wg.tensor([4, 5, 6]).square(); // GPU work
      const m = g.to('cpu'); // pending until the GPU values arrive
      const q = p.mul(3); // does not need m
      const r = m.add(q); // needs both
      const s = q.sub(p);
      expect(await values(s)).toEqual([2, 4, 6]);
      expect(await values(q)).toEqual([3, 6, 9]);
      expect(await values(r)).toEqual([19, 31, 45]);
      expect(await values(m)).toEqual([16, 25, 36]);
    }));
});

// ---- copies in profiles ------------------------------------------------------------------------------------

describe('copies between devices in profiles', () => {
  test('wg.add(gpu, cpu): exactly one cpu→webgpu copy, reported by WebGPU, with its bytes', async () => {
    const g = wg.tensor([1, 2, 3, 4]);
    const c = wg.device('cpu', () => wg.tensor([10, 20, 30, 40]));
    await values(g);
    const { result, profile } = await wg.profile(async () => {
      const s = wg.add(g, c);
      const v = await values(s);
      s.dispose();
      return v;
    });
    expect(result).toEqual([11, 22, 33, 44]);
    const t = crossings(profile);
    expect(t.map((k) => `${k.device}:${k.name}`)).toEqual(['webgpu:cpu→webgpu']);
    expect(Math.max(t[0].bytesRead, t[0].bytesWritten)).toBe(16);
    expect(profile.kernels.filter((k) => k.kind !== 'transfer').map((k) => `${k.device}:${k.name}`)).toEqual(['webgpu:add']);
    wg.dispose([g, c]);
  });

  test("wg.device('cpu', () => wg.add(g1, g2)): two webgpu→cpu copies; the same input twice: one", async () => {
    const g1 = wg.tensor([1, 2, 3]);
    const g2 = wg.tensor([4, 5, 6]);
    await values(g1);
    await values(g2);
    const { result, profile } = await wg.profile(() =>
      wg.scope(async () => {
        const two = wg.device('cpu', () => wg.add(g1, g2));
        const one = wg.device('cpu', () => wg.mul(g1, g1));
        expect(two.device).toBe('cpu');
        return [await values(two), await values(one)];
      }),
    );
    expect(result).toEqual([[5, 7, 9], [1, 4, 9]]);
    const t = crossings(profile);
    expect(t.map((k) => `${k.device}:${k.name}`)).toEqual(['webgpu:webgpu→cpu', 'webgpu:webgpu→cpu', 'webgpu:webgpu→cpu']);
    for (const k of t) expect(Math.max(k.bytesRead, k.bytesWritten)).toBe(12);
    expect(profile.kernels.filter((k) => k.kind !== 'transfer').map((k) => k.device)).toEqual(['cpu', 'cpu']);
    // Results on the CPU are read without a GPU readback.
    expect(profile.kernels.filter((k) => k.name === 'readback')).toHaveLength(0);
    wg.dispose([g1, g2]);
  });

  test('assignAdd into a CPU variable from a WebGPU value: one webgpu→cpu copy, all work on the CPU', async () => {
    const v = wg.device('cpu', () => wg.variable([1, 2]));
    const x = wg.tensor([10, 20]);
    await values(x);
    await values(v);
    const { result, profile } = await wg.profile(async () => {
      wg.assignAdd(v, x);
      return values(v);
    });
    try {
      expect(result).toEqual([11, 22]);
      expect(v.device).toBe('cpu');
      expect(profile.kernels.filter((k) => k.kind !== 'transfer' && k.device !== 'cpu').map((k) => `${k.device}:${k.name}`), 'kernels off the CPU').toEqual([]);
      expect(crossings(profile).map((k) => k.name)).toEqual(['webgpu→cpu']);
    } finally {
      wg.dispose([v, x]);
    }
  });

  test('t.to: one copy each way; a move to where the tensor is copies nothing', async () => {
    const g = wg.tensor([1, 2]);
    await values(g);
    const { result, profile } = await wg.profile(() =>
      wg.scope(async () => {
        const c = g.to('cpu');
        const back = c.to('webgpu');
        const same = back.to('webgpu');
        return values(same.to('cpu'));
      }),
    );
    expect(result).toEqual([1, 2]);
    // (A GPU → CPU copy is reported when its readback completes: compare as a multiset.)
    expect(crossings(profile).map((k) => k.name).sort()).toEqual(['cpu→webgpu', 'webgpu→cpu', 'webgpu→cpu']);
    g.dispose();
  });
});

// ---- memory ----------------------------------------------------------------------------------------------

describe('memory over many moves', () => {
  test('500 eager round trips stay bounded and free everything', async () => {
    const base = wg.memory();
    let x = wg.tensor([1, 2, 3, 4, 5, 6, 7, 8]);
    let peakTensors = 0;
    for (let i = 0; i < 500; i++) {
      const next = wg.tidy(() => x.to('cpu').add(1).to('webgpu').mul(1));
      x.dispose();
      x = next;
      peakTensors = Math.max(peakTensors, wg.memory().tensors - base.tensors);
      if (i % 100 === 99) expect(await values(x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((v) => v + i + 1));
    }
    expect(peakTensors).toBeLessThanOrEqual(2);
    expect(await values(x)).toEqual([501, 502, 503, 504, 505, 506, 507, 508]);
    x.dispose();
    await wg.ready();
    const m = wg.memory();
    expect({ tensors: m.tensors, bytesInUse: m.bytesInUse }).toEqual({ tensors: base.tensors, bytesInUse: base.bytesInUse });
  });
});

describe('withMode(\'graph\') plans per device', () => {
  // The lazy plan cache is keyed by structure: the devices a block asked for are part of it, so the same
  // code read back first on WebGPU and then inside wg.device('cpu') runs the second time on the CPU.
  test('the same structure under another wg.device block gets its own plan', async () => {
    const devicesOf = (p: wg.Profile) => [...new Set(p.kernels.filter((k) => k.kind !== 'transfer').map((k) => k.device))];
    await wg.withMode('graph', async () => {
      const gpu = await wg.profile(() => wg.scope(async () => values(wg.tensor([1, 2, 3]).mul(2).sum())));
      const cpu = await wg.profile(() => wg.scope(async () => values(wg.device('cpu', () => wg.tensor([1, 2, 3]).mul(2).sum()))));
      expect(gpu.result).toEqual([12]);
      expect(cpu.result).toEqual([12]);
      expect(devicesOf(gpu.profile)).toEqual(['webgpu']);
      expect(devicesOf(cpu.profile)).toEqual(['cpu']);
      expect(crossings(cpu.profile)).toEqual([]);
    });
  });
});

describe('wg.to in graphs', () => {
  test('a device given as /CPU:0 is recorded normalised, and the plan places the copy on the CPU', async () => {
    const g = new wg.Graph();
    const y = g.build(() => wg.to(g.placeholder('float32', [3], 'x'), '/CPU:0').mul(2));
    const toNode = g.nodes.find((n) => n.op === 'to')!;
    expect(toNode.args[1]).toBe('cpu');
    const sess = new wg.Session(g, { optimizations: { placement: false } });
    try {
      expect(await sess.run(y, { x: [1, 2, 3] })).toEqual([2, 4, 6]);
      expect(sess.explain().kernels.map((k) => `${k.device}:${k.kind}`)).toEqual(['cpu:transfer', 'cpu:elementwise']);
    } finally {
      sess.close();
      g.dispose();
    }
  });
});
