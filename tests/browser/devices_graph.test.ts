// Devices in graphs: the copies a plan makes (explain, g.kernels, the placement pass on and off), one
// mixed-device program run through all four entries (eager, wg.function, Session, withMode('graph')) against
// all-GPU and all-CPU runs and plain JS, saved graphs and their requested devices, variables on the CPU,
// run records, and memory over many Session runs.
import { afterEach, describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { values, expectClose } from '../helpers/values';

afterEach(() => {
  wg.setDefaultDevice('webgpu');
});



const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flat(Infinity as 1) as number[] : [v as number]);
const transfersOf = (p: wg.PlanInfo) => p.kernels.filter((k) => k.kind === 'transfer').map((k) => `${k.device}:${k.name}`);
const avoided = (p: wg.PlanInfo) => Number(/\((\d+) transfers? avoided\)/.exec(p.reports.find((r) => r.pass === 'placement')!.detail)![1]);

// ---- the copies a plan makes -------------------------------------------------------------------------------

describe('transfers in plans', () => {
  /** x → mul on the CPU → add on WebGPU. */
  function cpuThenGpu(): { g: wg.Graph; y: wg.Tensor } {
    const g = new wg.Graph();
    const y = g.build(() => {
      const x = g.placeholder('float32', [4], 'x');
      const z = wg.device('cpu', () => x.mul(2));
      return wg.device('webgpu', () => z.add(1));
    });
    return { g, y };
  }

  test('requested devices are recorded on the nodes', () => {
    const { g } = cpuThenGpu();
    expect(g.nodes.map((n) => [n.name, n.requested])).toEqual([['x', undefined], ['mul', 'cpu'], ['add', 'webgpu']]);
    g.dispose();
  });

  test('placement on: the feed goes to the CPU with its reader, one copy; off: two copies', async () => {
    const { g, y } = cpuThenGpu();
    const on = new wg.Session(g);
    const off = new wg.Session(g, { optimizations: { placement: false } });
    try {
      expect(await on.run(y, { x: [1, 2, 3, 4] })).toEqual([3, 5, 7, 9]);
      expect(await off.run(y, { x: [1, 2, 3, 4] })).toEqual([3, 5, 7, 9]);
      const pOn = on.explain();
      const pOff = off.explain();
      expect(pOn.reports[0].pass).toBe('placement');
      expect(pOn.reports[0].detail).toBe('1 node kept on the CPU with its readers (1 transfer avoided); webgpu 1 nodes, cpu 2');
      expect(pOff.reports.some((r) => r.pass === 'placement')).toBe(false);
      expect(transfersOf(pOn)).toEqual(['webgpu:transfer cpu→webgpu']);
      expect(transfersOf(pOff)).toEqual(['cpu:transfer webgpu→cpu', 'webgpu:transfer cpu→webgpu']);
      expect(transfersOf(pOff).length - transfersOf(pOn).length).toBe(avoided(pOn));
      // Scheduled: WebGPU work, copies out of WebGPU, CPU work, copies out of the CPU, then WebGPU again.
      expect(pOff.kernels.map((k) => `${k.device}:${k.kind}`)).toEqual(['cpu:transfer', 'cpu:elementwise', 'webgpu:transfer', 'webgpu:elementwise']);
      expect(pOn.kernels.map((k) => `${k.device}:${k.kind}:${k.nodes}`)).toEqual(['cpu:elementwise:mul', 'webgpu:transfer:add', 'webgpu:elementwise:add']);
      // g.kernels plans the same without running.
      expect(g.kernels(y).toString()).toBe(pOn.toString());
      expect(g.kernels(y, {}, { optimizations: { placement: false } }).toString()).toBe(pOff.toString());
    } finally {
      on.close();
      off.close();
      g.dispose();
    }
  });

  test('scheduling: WebGPU work first, then copies out of WebGPU, CPU work, copies out of the CPU', async () => {
    const g = new wg.Graph();
    const out = g.build(() => {
      const a = g.placeholder('float32', [3], 'a');
      const c = wg.device('cpu', () => a.mul(2)); // program order: the CPU part first
      const d = wg.neg(a); // independent WebGPU work
      return { c, e: wg.device('webgpu', () => c.add(d)) };
    });
    const sess = new wg.Session(g, { optimizations: { placement: false, fusion: false } });
    try {
      const r = await sess.run(out, { a: [1, 2, 3] });
      expect(r).toEqual({ c: [2, 4, 6], e: [1, 2, 3] });
      const order = sess.explain().kernels.map((k) => `${k.device}:${k.kind === 'transfer' ? k.name : k.nodes.join('+')}`);
      expect(order).toEqual(['webgpu:neg', 'cpu:transfer webgpu→cpu', 'cpu:mul', 'webgpu:transfer cpu→webgpu', 'webgpu:add']);
    } finally {
      sess.close();
      g.dispose();
    }
  });

  test('the profile of a graph run shows the same copies, with their bytes', async () => {
    const { g, y } = cpuThenGpu();
    const sess = new wg.Session(g, { optimizations: { placement: false } });
    try {
      const { values: v, profile } = await sess.run(y, { x: [1, 2, 3, 4] }, { profile: true });
      expect(v).toEqual([3, 5, 7, 9]);
      const t = profile.kernels.filter((k: wg.ProfileKernel) => k.kind === 'transfer' && k.name.includes('→'));
      expect(t.map((k: wg.ProfileKernel) => `${k.device}:${k.name}`).sort()).toEqual(['webgpu:cpu→webgpu', 'webgpu:webgpu→cpu']);
      for (const k of t) expect(Math.max(k.bytesRead, k.bytesWritten)).toBe(16);
      expect(profile.kernels.filter((k: wg.ProfileKernel) => k.kind !== 'transfer').map((k: wg.ProfileKernel) => `${k.device}:${k.name}`).sort()).toEqual(['cpu:mul', 'webgpu:add']);
    } finally {
      sess.close();
      g.dispose();
    }
  });

  test('tiny nodes between CPU nodes join them; bigger ones stay on WebGPU', async () => {
    const build = (n: number) => {
      const g = new wg.Graph();
      const y = g.build(() => {
        const x = g.placeholder('float32', [n], 'x');
        const a = wg.device('cpu', () => x.mul(2));
        const k = wg.range(0, n).mul(3); // by the rule on WebGPU (no inputs: the default device)
        return wg.device('cpu', () => a.add(k));
      });
      return { g, y };
    };
    for (const [n, kept, saved] of [[8, 3, 2], [100, 1, 1]] as const) {
      const { g, y } = build(n);
      const sess = new wg.Session(g);
      try {
        const x = Array.from({ length: n }, (_, i) => i - 4);
        expect(await sess.run(y, { x })).toEqual(x.map((v, i) => v * 2 + i * 3));
        const p = sess.explain();
        expect(p.reports[0].detail, `n=${n}`).toMatch(new RegExp(`^${kept} nodes? kept on the CPU with (its|their) readers \\(${saved} transfers? avoided\\)`));
        const off = g.kernels(y, {}, { optimizations: { placement: false } });
        expect(transfersOf(off)).toEqual(['cpu:transfer webgpu→cpu', 'cpu:transfer webgpu→cpu']);
        expect(transfersOf(off).length - transfersOf(p).length).toBe(saved);
        // n = 8: range and its mul join the CPU, nothing crosses; n = 100: they stay on WebGPU (constant
        // folding may compute them at plan time), and their result crosses once.
        expect(transfersOf(p)).toEqual(n > 64 ? ['cpu:transfer webgpu→cpu'] : []);
        if (n <= 64) expect(p.kernels.every((k) => k.device === 'cpu')).toBe(true);
      } finally {
        sess.close();
        g.dispose();
      }
    }
  });

  // assignAdd adds where its variable lives (not by the mixed-input rule): only the value crosses.
  test('a CPU variable: assignAdd runs on its device, values from WebGPU are copied there', async () => {
    const g = new wg.Graph();
    const y = g.build(() => {
      const x = g.placeholder('float32', [2], 'x');
      const v = wg.device('cpu', () => wg.variable(wg.tensor([1, 2]), { name: 'v' }));
      return wg.assignAdd(v, wg.device('webgpu', () => x.mul(10)));
    });
    const sess = new wg.Session(g);
    try {
      expect(await sess.run(y, { x: [1, 1] })).toEqual([11, 12]);
      expect(await sess.run(y, { x: [2, 3] })).toEqual([31, 42]);
      const p = sess.explain();
      const assignKernels = p.kernels.filter((k) => k.nodes.includes('assignAdd') && k.kind !== 'transfer');
      expect(assignKernels.map((k) => `${k.device}:${k.name}`).filter((k) => !k.startsWith('cpu:')), 'assignAdd kernels off the CPU').toEqual([]);
      expect(transfersOf(p)).toEqual(['cpu:transfer webgpu→cpu']);
    } finally {
      sess.close();
      g.dispose();
    }
  });
});

// ---- one mixed program, four entries -----------------------------------------------------------------------

const X = [[1, 2, 3], [-1, 0.5, 2]];
const W = [1, 0, -1, 2, 0.5, 1]; // [3, 2]
const B = [0.1, -0.2];

/** matMul + add + relu, softmax (on the CPU when mixed), then sum(p·h) on the default device. */
function mlp(x: wg.Tensor, mixed: boolean): { y: wg.Tensor; p: wg.Tensor } {
  const h = wg.relu(wg.matMul(x, wg.tensor(W, [3, 2])).add(wg.tensor(B)));
  const p = mixed ? wg.device('cpu', () => wg.softmax(h)) : wg.softmax(h);
  return { y: wg.sum(p.mul(h)), p };
}

/** The same in plain JS. */
const REF = (() => {
  const h = X.map((r) => [0, 1].map((j) => Math.max(0, r[0] * W[j] + r[1] * W[2 + j] + r[2] * W[4 + j] + B[j])));
  const p = h.map((r) => {
    const e = r.map(Math.exp);
    return e.map((v) => v / (e[0] + e[1]));
  });
  return { y: [p.flat().reduce((s, v, i) => s + v * h.flat()[i], 0)], p: p.flat() };
})();

type Config = 'webgpu' | 'mixed' | 'cpu';
const CONFIGS: Config[] = ['webgpu', 'mixed', 'cpu'];
type Out = { y: number[]; p: number[]; plan?: wg.PlanInfo; devices?: string[] };

/** Runs the program under a config: mixed on the default WebGPU, or everything on one device. */
async function under(config: Config, fn: (mixed: boolean) => Promise<Out>): Promise<Out> {
  if (config === 'cpu') wg.setDefaultDevice('cpu');
  try {
    return await fn(config === 'mixed');
  } finally {
    wg.setDefaultDevice('webgpu');
  }
}

const ENTRIES: Record<string, (mixed: boolean) => Promise<Out>> = {
  eager: (mixed) =>
    wg.scope(async () => {
      const { y, p } = mlp(wg.tensor(X), mixed);
      return { y: await values(y), p: await values(p), devices: [y.device, p.device] };
    }),
  function: async (mixed) => {
    const f = wg.function((x: wg.Tensor) => mlp(x, mixed));
    try {
      return await wg.scope(async () => {
        const x = wg.tensor(X);
        const { y, p } = f(x);
        return { y: await values(y), p: await values(p), devices: [y.device, p.device], plan: f.explain(x) };
      });
    } finally {
      f.dispose();
    }
  },
  session: async (mixed) => {
    const g = new wg.Graph();
    const out = g.build(() => mlp(g.placeholder('float32', [2, 3], 'x'), mixed));
    const sess = new wg.Session(g);
    try {
      const r = await sess.run(out, { x: X });
      return { y: flat(r.y), p: flat(r.p), plan: sess.explain() };
    } finally {
      sess.close();
      g.dispose();
    }
  },
  withMode: (mixed) =>
    wg.withMode('graph', () =>
      wg.scope(async () => {
        const { y, p } = mlp(wg.tensor(X), mixed);
        const devices = [y.device, p.device];
        return { y: await values(y), p: await values(p), devices };
      }),
    ),
};

describe('a mixed-device program equals single-device runs', () => {
  for (const [entry, run] of Object.entries(ENTRIES)) {
    test(entry, async () => {
      const out: Partial<Record<Config, Out>> = {};
      for (const c of CONFIGS) out[c] = await under(c, run);
      for (const c of CONFIGS) {
        expectClose(out[c]!.y, REF.y);
        expectClose(out[c]!.p, REF.p);
        expectClose(out[c]!.y, out.webgpu!.y);
        expectClose(out[c]!.p, out.webgpu!.p);
      }
      if (out.mixed!.devices) {
        expect(out.webgpu!.devices).toEqual(['webgpu', 'webgpu']);
        expect(out.mixed!.devices).toEqual(['webgpu', 'cpu']);
        expect(out.cpu!.devices).toEqual(['cpu', 'cpu']);
      }
      if (out.mixed!.plan) {
        const devs = (c: Config) => [...new Set(out[c]!.plan!.kernels.map((k) => k.device))].sort();
        expect(devs('webgpu')).toEqual(['webgpu']);
        expect(devs('cpu')).toEqual(['cpu']);
        expect(transfersOf(out.webgpu!.plan!)).toEqual([]);
        expect(transfersOf(out.cpu!.plan!)).toEqual([]);
        const mixed = out.mixed!.plan!;
        expect(mixed.kernels.filter((k) => k.nodes.includes('softmax') && k.kind !== 'transfer').map((k) => k.device)).toEqual(['cpu', 'cpu']);
        expect(mixed.kernels.filter((k) => k.nodes.includes('matMul')).map((k) => k.device)).toEqual(['webgpu']);
        expect(transfersOf(mixed)).toEqual(['cpu:transfer webgpu→cpu', 'webgpu:transfer cpu→webgpu']);
      }
    });
  }
});

// ---- saved graphs ----------------------------------------------------------------------------------------

describe('saved graphs keep requested devices', () => {
  function saved(): Promise<wg.GraphJSON> {
    const g = new wg.Graph();
    g.build(() => {
      const { y, p } = mlp(g.placeholder('float32', [2, 3], 'x'), true);
      g.output('y', y);
      g.output('p', p);
    });
    const sync = g.toJSON();
    return g.save().then((json) => {
      expect(JSON.parse(JSON.stringify(json))).toEqual(JSON.parse(JSON.stringify(sync)));
      g.dispose();
      return JSON.parse(JSON.stringify(json));
    });
  }

  async function runLoaded(json: wg.GraphJSON, options: { clearDevices?: boolean }): Promise<{ g: wg.Graph; out: Out }> {
    const g = wg.Graph.fromJSON(json, options);
    const sess = new wg.Session(g);
    try {
      const r = await sess.run({ y: 'y', p: 'p' }, { x: X });
      return { g, out: { y: flat(r.y), p: flat(r.p), plan: sess.explain() } };
    } finally {
      sess.close();
    }
  }

  test('the JSON has device and requested per node', async () => {
    const json = await saved();
    const nodes = (json as unknown as { nodes: { name: string; device: string; requested?: string }[] }).nodes;
    expect(nodes.find((n) => n.name === 'softmax')).toMatchObject({ device: 'cpu', requested: 'cpu' });
    for (const n of nodes.filter((m) => m.name !== 'softmax')) {
      expect(n.requested, n.name).toBeUndefined();
      expect(n.device, n.name).toBe('webgpu');
    }
  });

  test('loaded: requested kept; the default device decides the rest; clearDevices drops requests', async () => {
    const json = await saved();
    const cases: [Config, boolean][] = [['webgpu', false], ['cpu', false], ['webgpu', true]];
    for (const [dflt, clearDevices] of cases) {
      if (dflt === 'cpu') wg.setDefaultDevice('cpu');
      try {
        const { g, out } = await runLoaded(json, { clearDevices });
        const what = `${dflt} clearDevices=${clearDevices}`;
        expect(g.nodes.find((n) => n.name === 'softmax')!.requested, what).toBe(clearDevices ? undefined : 'cpu');
        expect(g.nodes.filter((n) => n.requested).length, what).toBe(clearDevices ? 0 : 1);
        expectClose(out.y, REF.y);
        expectClose(out.p, REF.p);
        const plan = out.plan!;
        if (dflt === 'cpu') {
          expect(plan.kernels.every((k) => k.device === 'cpu'), what).toBe(true);
          expect(transfersOf(plan), what).toEqual([]);
        } else if (clearDevices) {
          expect(plan.kernels.every((k) => k.device === 'webgpu'), what).toBe(true);
          expect(transfersOf(plan), what).toEqual([]);
        } else {
          expect(transfersOf(plan), what).toEqual(['cpu:transfer webgpu→cpu', 'webgpu:transfer cpu→webgpu']);
        }
        g.dispose();
      } finally {
        wg.setDefaultDevice('webgpu');
      }
    }
  });
});

// ---- run records -----------------------------------------------------------------------------------------

describe('devices in run records', () => {
  test('graphs run in a record list kernels with devices, and copies with their bytes', async () => {
    const g = new wg.Graph();
    const out = g.build(() => mlp(g.placeholder('float32', [2, 3], 'x'), true));
    const sess = new wg.Session(g);
    const f = wg.function((x: wg.Tensor) => mlp(x, true));
    try {
      const { result, record } = await wg.record(async () => {
        const a = await sess.run(out, { x: X });
        await sess.run(out, { x: X });
        const b = await wg.scope(async () => values(f(wg.tensor(X)).y));
        const c = await wg.withMode('graph', () => wg.scope(async () => values(mlp(wg.tensor(X), true).y)));
        return [flat(a.y), b, c];
      });
      for (const r of result) expectClose(r, REF.y);
      expect(record.graphs.map((gr) => gr.entry).sort()).toEqual(['function', 'session', 'withMode']);
      const session = record.graphs.find((gr) => gr.entry === 'session')!;
      expect(session.runs).toBe(2);
      for (const gr of record.graphs) {
        expect(gr.passes[0].pass, gr.entry).toBe('placement');
        for (const k of gr.after) expect(['webgpu', 'cpu'], `${gr.entry} ${k.name}`).toContain(k.device);
        const copies = gr.after.filter((k) => k.kind === 'transfer');
        expect(copies.map((k) => `${k.device}:${k.name}:${k.bytes}`), gr.entry).toEqual(['cpu:transfer webgpu→cpu:16', 'webgpu:transfer cpu→webgpu:16']);
        expect(gr.nodes.find((n) => n.op === 'softmax')!.device, gr.entry).toBe('cpu');
        expect(gr.nodes.find((n) => n.op === 'matMul')!.device, gr.entry).toBe('webgpu');
      }
      const crossings = record.profile.kernels.filter((k) => k.kind === 'transfer' && k.name.includes('→'));
      expect(crossings.filter((k) => k.name === 'webgpu→cpu').length).toBeGreaterThanOrEqual(4);
      expect(crossings.filter((k) => k.name === 'cpu→webgpu').length).toBeGreaterThanOrEqual(4);
      for (const k of crossings) expect(k.device).toBe('webgpu');
    } finally {
      sess.close();
      g.dispose();
      f.dispose();
    }
  });
});

// ---- memory ----------------------------------------------------------------------------------------------

describe('memory over many runs', () => {
  test('200 Session runs of a mixed plan leave memory where it was', async () => {
    const base = wg.memory();
    const g = new wg.Graph();
    const out = g.build(() => mlp(g.placeholder('float32', [2, 3], 'x'), true));
    const sess = new wg.Session(g);
    let afterFirst: ReturnType<typeof wg.memory> | undefined;
    try {
      for (let i = 0; i < 200; i++) {
        const r = await sess.run(out.y, { x: X });
        if (i % 50 === 0) expectClose([r as number], REF.y);
        if (i === 0) afterFirst = wg.memory();
      }
      const now = wg.memory();
      expect(now.tensors).toBe(afterFirst!.tensors);
      expect(now.bytesInUse).toBeLessThanOrEqual(afterFirst!.bytesInUse);
    } finally {
      sess.close();
      g.dispose();
    }
    await wg.ready();
    const end = wg.memory();
    expect({ tensors: end.tensors, bytesInUse: end.bytesInUse }).toEqual({ tensors: base.tensors, bytesInUse: base.bytesInUse });
  });
});
