// Compiled plans: a plan's launches optimised, ordered for the devices, bound to real buffers and prepared
// once per device part; then run any number of times. A plan on one device is one program (one submission
// on WebGPU). A plan that spans devices runs as steps: device parts and the transfers between them, in an
// order where each WebGPU part is submitted before CPU work that does not need it (the two overlap).
import type { Backend, StorageArray } from '../backend/backend';
import { type Allocation, fmtBytes, nameAllocation, tensorAllocation } from '../core/memory_limit';
import { profiling, type NodeSources } from '../core/profile';
import { eagerRandomState, type RandomState } from '../core/random';
import type { DeviceName, Storage, Tensor } from '../core/tensor';
import { materialize } from '../eager/dispatch';
import type { Launch } from '../ir/kernel';
import type { Optimizations } from './mode';
import { enabled, optimizeLaunches, snapshot, type LaunchSnapshot, type PassContext, type PassReport } from './passes/index';
import type { Plan, SlotRead } from './plan';
import type { Slot } from './recorder';
import { partition, schedule, type Step } from './schedule';

/** A plan bound to real buffers on its devices, ready to run repeatedly. */
export interface CompiledPlan {
  plan: Plan;
  /** The backend of every device the plan uses. */
  backends: Map<DeviceName, Backend>;
  /** What a run does, in order: device parts (a prepared program each) and transfers. */
  steps: (Step & { program?: unknown })[];
  handles: unknown[];
  owned: { backend: Backend; handle: unknown }[];
  /** The launches after optimisation, in run order (transfers included), and what each pass did. */
  launches: Launch<Slot>[];
  reports: PassReport[];
  /** The launches before any pass (one per op, as eager mode would run them). */
  before: LaunchSnapshot[];
  /** Set by the Session: graph node → source, and the plan as run-record data (profiles use both). */
  sources?: NodeSources;
  describe?: () => unknown;
  /** The keys of stateful random ops (dropout), in program order, and the Session's (or wg.function's) state
   * they are drawn from before each run (else eager's). */
  randomKeys: Slot[];
  randomState?: RandomState;
}

/** Folded results larger than this stay computed at run time (constant folding's size cap). */
const FOLD_MAX_BYTES = 1 << 20;

/**
 * Optimises the plan's launches, orders them for the devices, allocates their buffers (temporaries shared
 * by liveness per device when memory planning is on), folds constant launches once, and prepares programs.
 */
export function compilePlan(
  plan: Plan,
  backendOf: (device: DeviceName) => Backend,
  bindVariable: (node: number) => unknown,
  options: Optimizations = {},
): CompiledPlan {
  const keep = new Set<Slot>([...plan.fetches, ...printReads(plan)].map((r) => r.slot).filter(Boolean));
  const ctx: PassContext = {
    launches: [...plan.rec.launches],
    keep,
    constSlot: (data, device) => plan.rec.slot(data.byteLength, 'const', device, { data }),
  };
  const before = snapshot(ctx.launches);
  const reports = optimizeLaunches(ctx, options);
  if (plan.placement.report) reports.unshift({ ...plan.placement.report, launches: before });
  const backends = new Map<DeviceName, Backend>();
  const be = (d: DeviceName): Backend => {
    let b = backends.get(d);
    if (!b) backends.set(d, (b = backendOf(d)));
    return b;
  };
  const owned: CompiledPlan['owned'] = [];
  const programs: { backend: Backend; program: unknown }[] = [];
  const handles: unknown[] = new Array(plan.rec.slots.length);
  // A buffer the memory limit refuses (wg.config.setMemoryLimit) is named after its slot.
  const own = (s: Slot, make: () => unknown) => {
    let h: unknown;
    try {
      h = make();
    } catch (e) {
      throw nameAllocation(e, slotAllocation(plan, s));
    }
    owned.push({ backend: be(s.device), handle: h });
    return h;
  };
  try {
    return compileInto();
  } catch (e) {
    // Nothing is left half-made: the buffers and programs made so far are released.
    for (const p of programs) p.backend.releaseProgram(p.program);
    for (const o of owned) o.backend.release(o.handle);
    throw nameAllocation(e, { describe: 'a buffer of a graph plan' });
  }

  function compileInto(): CompiledPlan {
    for (const s of plan.rec.slots) {
      be(s.device);
      if (s.kind === 'const') handles[s.id] = own(s, () => be(s.device).upload(s.data!));
      else if (s.kind === 'feed' || s.kind === 'random') handles[s.id] = own(s, () => be(s.device).alloc(s.bytes));
      else if (s.kind === 'variable') handles[s.id] = bindVariable(s.node!);
      else if (s.kind === 'external') handles[s.id] = s.external;
    }
    const real = (l: Launch<Slot>): Launch => ({ ...l, inputs: l.inputs.map((v) => ({ ...v, handle: handles[v.handle.id] })), out: handles[l.out.id] });

    // Constant folding: launches whose inputs are all constants run once now; their results become constants.
    if (enabled(options, 'constantFolding')) {
      const constant = new Set(plan.rec.slots.filter((s) => s.kind === 'const'));
      const kept: Launch<Slot>[] = [];
      let folded = 0;
      for (const l of ctx.launches) {
        const ok = !l.transfer && !l.outView && l.out.kind === 'temp' && l.out.bytes <= FOLD_MAX_BYTES && l.inputs.every((v) => constant.has(v.handle));
        if (!ok) {
          kept.push(l);
          continue;
        }
        if (handles[l.out.id] === undefined) handles[l.out.id] = own(l.out, () => be(l.out.device).alloc(l.out.bytes));
        be(l.device ?? l.out.device).run(real(l));
        constant.add(l.out);
        folded++;
      }
      ctx.launches = kept;
      reports.push({ pass: 'constantFolding', removed: folded, detail: `${folded} launches computed once at compile time`, launches: snapshot(kept) });
    }

    // Devices: WebGPU parts first, CPU work that does not wait for them next, transfers between.
    ctx.launches = schedule(ctx.launches);
    planMemory(ctx, plan, handles, options, reports, (s) => own(s, () => be(s.device).alloc(s.bytes)));
    for (const s of plan.rec.slots) if (s.kind === 'temp' && handles[s.id] === undefined) handles[s.id] = own(s, () => be(s.device).alloc(s.bytes));
    const prepare = (st: Step & { kind: 'part' }) => {
      const program = be(st.device).prepare(st.launches.map(real));
      programs.push({ backend: be(st.device), program });
      return program;
    };
    const steps = partition(ctx.launches).map((st) => (st.kind === 'part' ? { ...st, program: prepare(st) } : st));
    const randomKeys = plan.rec.slots.filter((s) => s.kind === 'random');
    return { plan, backends, steps, handles, owned, launches: ctx.launches, reports, before, randomKeys };
  }
}

const SLOT_KINDS: Record<Slot['kind'], string> = {
  temp: 'an intermediate result', const: 'a constant', feed: 'an input buffer', random: 'a random key', variable: 'a variable', external: 'a captured tensor',
};

/** What a plan's slot is, for the memory limit's error: `matmul: allocating an intermediate result of a graph plan (1 MiB)`. */
function slotAllocation(plan: Plan, s: Slot): Allocation {
  const writer = s.kind === 'temp' ? plan.rec.launches.find((l) => l.out === s) : undefined;
  return { op: writer?.kernel.name, describe: `${SLOT_KINDS[s.kind]} of a graph plan (${fmtBytes(s.bytes)})` };
}

/**
 * Temporaries: one buffer each, or shared by liveness on the run order (a buffer is reused once its last
 * reader ran). Buffers are per device: a slot only ever shares with slots of its own device.
 */
function planMemory(ctx: PassContext, plan: Plan, handles: unknown[], options: Optimizations, reports: PassReport[], alloc: (s: Slot) => unknown): void {
  if (!enabled(options, 'memoryPlanning')) return;
  const temps = plan.rec.slots.filter((s) => s.kind === 'temp' && handles[s.id] === undefined);
  const naive = temps.reduce((p, s) => p + s.bytes, 0);
  let planned = 0;
  const lastUse = new Map<Slot, number>();
  ctx.launches.forEach((l, i) => l.inputs.forEach((v) => lastUse.set(v.handle, i)));
  ctx.keep.forEach((s) => lastUse.set(s, Infinity));
  const free: { h: unknown; bytes: number; device: DeviceName }[] = [];
  const assigned = new Map<Slot, (typeof free)[number]>();
  ctx.launches.forEach((l, i) => {
    const s = l.out;
    if (s.kind === 'temp' && handles[s.id] === undefined && !assigned.has(s)) {
      // Best fit among free buffers of the device, else a new one.
      let best = -1;
      free.forEach((f, k) => {
        if (f.device === s.device && f.bytes >= s.bytes && (best < 0 || f.bytes < free[best].bytes)) best = k;
      });
      const buf = best >= 0 ? free.splice(best, 1)[0] : { h: alloc(s), bytes: s.bytes, device: s.device };
      if (best < 0) planned += s.bytes;
      assigned.set(s, buf);
      handles[s.id] = buf.h;
    }
    for (const v of new Set(l.inputs.map((x) => x.handle))) {
      const b = assigned.get(v);
      if (b && lastUse.get(v) === i && v !== l.out) {
        assigned.delete(v);
        free.push(b);
      }
    }
  });
  reports.push({ pass: 'memoryPlanning', removed: 0, detail: `temporaries: ${planned} bytes instead of ${naive}`, peakBytes: { naive, planned }, launches: snapshot(ctx.launches) });
}

const printReads = (plan: Plan): SlotRead[] => plan.prints.flatMap((p) => p.items.filter((x): x is SlotRead => typeof x === 'object'));

export function releasePlan(c: CompiledPlan): void {
  for (const st of c.steps) if (st.kind === 'part') c.backends.get(st.device)!.releaseProgram(st.program);
  for (const o of c.owned) o.backend.release(o.handle);
}

/** The backend that holds a slot's buffer. */
const backendFor = (c: CompiledPlan, s: Slot): Backend => c.backends.get(s.device)!;

/** Puts feed values into the plan's feed buffers: host data written, eager tensors copied (across devices too). */
export function bindFeeds(c: CompiledPlan, feeds: Map<number, { data?: StorageArray; tensor?: Tensor }>): void {
  for (const f of c.plan.feeds) {
    const v = feeds.get(f.node);
    if (!v) continue;
    const backend = backendFor(c, f.slot);
    const into = c.handles[f.slot.id];
    if (v.data) backend.write(into, v.data);
    else if (v.tensor) {
      const t = v.tensor.isContiguous ? v.tensor : materialize(v.tensor);
      if (t.storage) {
        const owner = t.storage.owner as Backend;
        if (owner === backend) backend.copy(t.storage.handle, t.offset, into, 0, t.size);
        else backend.receive(owner, [{ src: t.storage.handle, dtype: t.dtype, offset: t.offset, count: t.size, into }]);
      }
      if (t !== v.tensor) t.dispose();
    }
  }
}

/**
 * Runs the steps: each part's program on its device, each transfer between devices. First every stateful
 * random op (dropout) gets this run's key, in program order, so each run draws new values.
 */
function runSteps(c: CompiledPlan, rebind?: Map<unknown, unknown>): void {
  const h = (x: unknown) => rebind?.get(x) ?? x;
  for (const s of c.randomKeys) backendFor(c, s).write(c.handles[s.id], new Uint32Array([(c.randomState ?? eagerRandomState()).next(s.seed)]));
  c.steps.forEach((st, i) => {
    if (st.kind === 'part') {
      const backend = c.backends.get(st.device)!;
      backend.enqueue(st.program, rebind);
      // Submit a WebGPU part now unless a readback of its results follows (it submits both at once), so
      // that CPU work after it overlaps it.
      const next = c.steps[i + 1];
      if (next && !(next.kind === 'transfer' && next.from === st.device)) backend.flush();
      return;
    }
    const to = c.backends.get(st.to)!;
    to.receive(
      c.backends.get(st.from)!,
      st.launches.map((l) => ({
        src: h(c.handles[l.inputs[0].handle.id]), dtype: l.inputs[0].dtype, offset: l.inputs[0].offset, count: l.outShape[0], into: h(c.handles[l.out.id]), nodes: l.nodes,
      })),
    );
  });
  // Host callbacks of the plan's nodes (an optimizer's step count).
  for (const hook of c.plan.onRun) hook();
}

/** Reads slots after a run: one readMany per device. */
async function readSlots(c: CompiledPlan, reads: SlotRead[], rebind?: Map<unknown, unknown>): Promise<StorageArray[]> {
  const byDevice = new Map<DeviceName, number[]>();
  reads.forEach((r, i) => {
    const d = r.slot?.device ?? [...c.backends.keys()][0];
    byDevice.set(d, [...(byDevice.get(d) ?? []), i]);
  });
  const out: StorageArray[] = new Array(reads.length);
  await Promise.all(
    [...byDevice].map(async ([d, idx]) => {
      const req = idx.map((i) => {
        const r = reads[i];
        const handle = r.slot ? c.handles[r.slot.id] : undefined;
        return { handle: rebind?.get(handle) ?? handle, dtype: r.dtype, offset: r.offset, count: r.slot ? r.count : 0 };
      });
      const vs = await c.backends.get(d)!.readMany(req);
      idx.forEach((i, k) => (out[i] = vs[k]));
    }),
  );
  return out;
}

/** Writes feeds, runs the plan, reads fetches and print values (one submission per WebGPU part). */
export async function executePlan(
  c: CompiledPlan,
  feeds: Map<number, { data?: StorageArray; tensor?: Tensor }>,
): Promise<{ fetches: StorageArray[]; prints: StorageArray[][] }> {
  const { plan } = c;
  withPlanSources(c, () => {
    bindFeeds(c, feeds);
    runSteps(c);
  });
  const values = await readSlots(c, [...plan.fetches, ...printReads(plan)]);
  const fetches = values.slice(0, plan.fetches.length);
  let k = plan.fetches.length;
  const prints = plan.prints.map((p) => p.items.filter((x) => typeof x === 'object').map(() => values[k++]));
  return { fetches, prints };
}

/** Runs the plan without reading anything back. */
export function executePlanNoRead(c: CompiledPlan): void {
  withPlanSources(c, () => runSteps(c));
}

/** Per plan: buffers the plan writes, and the most bytes any slot needs of each temporary buffer. */
const bufferFacts = new WeakMap<CompiledPlan, { written: Set<unknown>; bytes: Map<unknown, number> }>();
function factsOf(c: CompiledPlan) {
  let f = bufferFacts.get(c);
  if (!f) {
    const written = new Set(c.launches.map((l) => c.handles[l.out.id]));
    const bytes = new Map<unknown, number>();
    for (const s of c.plan.rec.slots) {
      if (s.kind !== 'temp') continue;
      const h = c.handles[s.id];
      bytes.set(h, Math.max(bytes.get(h) ?? 0, s.bytes));
    }
    bufferFacts.set(c, (f = { written, bytes }));
  }
  return f;
}

/**
 * Runs the plan on eager tensors (wg.function calls, withMode readbacks) and returns a new storage per
 * fetch, on the fetch's device. Without copies where possible: a contiguous feed on the right device is
 * read in place (its buffer is bound instead of the plan's feed buffer), and a fetched temporary is
 * written straight into the result's own new buffer (bound instead of the plan's, for this run).
 */
export function executeInto(
  c: CompiledPlan,
  feeds: Map<number, Tensor>,
): { fetches: (Storage | null)[]; copyOut: (r: SlotRead) => Storage | null } {
  const { plan } = c;
  const rebind = new Map<unknown, unknown>();
  const copied = new Map<number, { tensor: Tensor }>();
  for (const f of plan.feeds) {
    const t = feeds.get(f.node);
    if (!t) continue;
    const st = t.storage;
    const backend = backendFor(c, f.slot);
    if (st && st.owner === backend && t.isContiguous && t.offset === 0 && t.size * 4 === f.slot.bytes) rebind.set(c.handles[f.slot.id], st.handle);
    else copied.set(f.node, { tensor: t });
  }
  const facts = factsOf(c);
  const direct = new Set<unknown>();
  /** A result's own storage; a refusal of the memory limit names the result. */
  const resultStorage = (r: SlotRead, backend: Backend, bytes: number): Storage => {
    try {
      return { owner: backend, handle: backend.alloc(bytes), bytes, refs: 0 };
    } catch (e) {
      const what = tensorAllocation('graph plan', r.shape, r.dtype);
      throw nameAllocation(e, { ...what, op: undefined, describe: `a result of a graph plan, ${what.describe}` });
    }
  };
  /** A copy of a value the run computed (from the buffer it was written to in this run). */
  const copyOut = (r: SlotRead): Storage | null => {
    if (r.count === 0 || !r.slot) return null;
    const h = c.handles[r.slot.id];
    const backend = backendFor(c, r.slot);
    const storage = resultStorage(r, backend, r.count * 4);
    backend.copy(rebind.get(h) ?? h, r.offset, storage.handle, 0, r.count);
    return storage;
  };
  const made: Storage[] = [];
  try {
    const outs: (Storage | null | 'copy')[] = plan.fetches.map((r) => {
      if (r.count === 0 || !r.slot) return null;
      const h = c.handles[r.slot.id];
      // Only a whole temporary the program itself writes, fetched once (a folded constant is never written).
      if (r.slot.kind !== 'temp' || r.offset !== 0 || !facts.written.has(h) || direct.has(h)) return 'copy';
      direct.add(h);
      const storage = resultStorage(r, backendFor(c, r.slot), facts.bytes.get(h)!);
      made.push(storage);
      rebind.set(h, storage.handle);
      return storage;
    });
    withPlanSources(c, () => {
      bindFeeds(c, copied);
      runSteps(c, rebind);
    });
    const fetches = outs.map((o, i) => {
      if (o !== 'copy') return o;
      const s = copyOut(plan.fetches[i]);
      if (s) made.push(s);
      return s;
    });
    return { fetches, copyOut };
  } catch (e) {
    // A failed run holds no result: the storages made for it are released.
    for (const s of made) s.owner.release(s.handle);
    throw e;
  }
}

/** While profiling: the plan's kernels are attributed to its graph nodes, and run records list the plan. */
export function withPlanSources<T>(c: CompiledPlan, fn: () => T): T {
  const p = profiling.current;
  if (!p) return fn();
  if (c.describe) p.noteGraph(c, c.describe);
  const saved = p.nodeSources;
  p.nodeSources = c.sources;
  try {
    return fn();
  } finally {
    p.nodeSources = saved;
  }
}
