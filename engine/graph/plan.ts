// Plans: a graph replayed for concrete feed shapes through the real op code against a recording backend,
// giving a fixed list of launches over virtual slots; compiled once per (graph, fetches, feed shapes) into
// a backend program with its own buffers, then run any number of times: feeds written, one submission.
import type { Backend, StorageArray } from '../backend/backend';
import type { DType } from '../core/dtype';
import { GraphModeError, ShapeError, formatLocation } from '../core/errors';
import { profiling, type NodeSources } from '../core/profile';
import { fmtShape } from '../core/shape';
import { type DeviceName, type Storage, Tensor } from '../core/tensor';
import { materialize, view } from '../eager/dispatch';
import { tidy } from '../eager/scope';
import type { Launch } from '../ir/kernel';
import { ancestors, type Graph, type GraphNode } from './graph';
import type { Optimizations } from './mode';
import { enabled, optimizeLaunches, snapshot, type LaunchSnapshot, type PassContext, type PassReport } from './passes/index';
import { OPS, decodeArgs, describeResult, newRecorder, refsOf, virtualTensor, withRecorder } from './record';
import type { RecordingBackend, Slot } from './recorder';

export interface SlotRead {
  slot: Slot;
  offset: number;
  count: number;
  dtype: DType;
  shape: number[];
}

export interface Plan {
  device: DeviceName;
  rec: RecordingBackend;
  fetches: SlotRead[];
  /** print nodes in program order: strings and tensors to format after the run. */
  prints: { node: GraphNode; items: (string | number | boolean | SlotRead)[] }[];
  feeds: { node: number; slot: Slot }[];
  variables: { node: number; slot: Slot }[];
}

/** Nodes needed for the fetches, plus every side effect (print, assign) whose inputs can be computed. */
export function neededNodes(g: Graph, fetches: [number, number][], fed: Set<number>): Set<number> {
  const need = ancestors(g, fetches.map(([n]) => n));
  // Side effects run whenever every placeholder they depend on is fed.
  const deps = (n: number, seen = new Set<number>()): boolean => {
    if (seen.has(n)) return true;
    seen.add(n);
    const node = g.nodes[n];
    if (node.op === 'placeholder') return fed.has(n);
    return refsOf(node.args).every(([m]) => deps(m, seen));
  };
  g.nodes.forEach((node) => {
    if (node.sideEffect && !need.has(node.id) && deps(node.id)) ancestors(g, [node.id]).forEach((n) => need.add(n));
  });
  return need;
}

/**
 * Replays the needed nodes with concrete shapes (feeds and variables as given) and records the launches.
 * `external(node)` gives real tensors for captures.
 */
export function buildPlan(
  g: Graph,
  fetches: [number, number][],
  feedShapes: Map<number, number[]>,
  variableShapes: Map<number, { shape: number[]; dtype: DType }>,
  device: DeviceName,
): Plan {
  const need = neededNodes(g, fetches, new Set(feedShapes.keys()));
  const rec = newRecorder(device);
  const plan: Plan = { device, rec, fetches: [], prints: [], feeds: [], variables: [] };
  withRecorder(rec, () =>
    tidy(() => {
      const env = new Map<number, Tensor[]>();
      const get = (n: number, o: number) => {
        const outs = env.get(n);
        if (!outs || !outs[o]) throw new GraphModeError(`graph node %${g.nodes[n]?.name ?? n} has no output ${o}`);
        return outs[o];
      };
      for (const node of g.nodes) {
        if (!need.has(node.id)) continue;
        try {
          const first = rec.launches.length;
          env.set(node.id, replayNode(g, node, get, rec, plan, feedShapes, variableShapes, device));
          for (let i = first; i < rec.launches.length; i++) rec.launches[i].nodes = [node.id];
        } catch (e) {
          // Name the node and where it was built: the error surfaces at sess.run, far from that line.
          if (e instanceof Error && !e.message.includes('graph node')) {
            e.message += ` (graph node "${node.name}"${node.location ? ` built at ${formatLocation(node.location)}` : ''})`;
          }
          throw e;
        }
      }
      plan.fetches = fetches.map(([n, o]) => readOf(get(n, o)));
    }),
  );
  return plan;
}

/** A contiguous slot range holding the tensor's value (a copy kernel for strided views). */
function readOf(t: Tensor): SlotRead {
  const c = t.isContiguous ? t : materialize(t);
  const slot = c.storage?.handle as Slot | undefined;
  return { slot: slot!, offset: c.offset, count: Math.max(c.size, 0), dtype: c.dtype, shape: [...c.shape] };
}

function replayNode(
  g: Graph,
  node: GraphNode,
  get: (n: number, o: number) => Tensor,
  rec: RecordingBackend,
  plan: Plan,
  feedShapes: Map<number, number[]>,
  variableShapes: Map<number, { shape: number[]; dtype: DType }>,
  device: DeviceName,
): Tensor[] {
  switch (node.op) {
    case 'placeholder': {
      const shape = feedShapes.get(node.id);
      if (!shape) throw new GraphModeError(`placeholder "${node.name}" must be fed (it is needed by the fetches)`);
      const t = virtualTensor(rec, shape, node.outputs[0].dtype, device);
      if (t.storage) {
        (t.storage.handle as Slot).kind = 'feed';
        (t.storage.handle as Slot).node = node.id;
        plan.feeds.push({ node: node.id, slot: t.storage.handle as Slot });
      }
      return [t];
    }
    case 'variable': {
      const v = variableShapes.get(node.id);
      if (!v) throw new GraphModeError(`variable "${node.name}" has no value in this session`);
      const t = virtualTensor(rec, v.shape, v.dtype, device);
      if (t.storage) {
        (t.storage.handle as Slot).kind = 'variable';
        (t.storage.handle as Slot).node = node.id;
        plan.variables.push({ node: node.id, slot: t.storage.handle as Slot });
      }
      t.variable = true;
      return [t];
    }
    case 'capture': {
      const c = node.capture;
      if (!c) return [virtualTensor(rec, node.outputs[0].shape, node.outputs[0].dtype, device)];
      const slot = rec.slot(c.storage.bytes, 'external', { external: c.storage.handle });
      const base = new Tensor([c.storage.bytes / 4], node.outputs[0].dtype, { owner: rec, handle: slot, bytes: c.storage.bytes, refs: 0 }, device);
      return [view(base, c.shape, c.strides, c.offset)];
    }
    case 'print': {
      const args = decodeArgs(node.args, get);
      plan.prints.push({
        node,
        items: args.map((a) => (a instanceof Tensor ? readOf(a) : typeof a === 'object' ? JSON.stringify(a) : (a as string | number | boolean))),
      });
      return [];
    }
    default: {
      const entry = OPS.get(node.op);
      if (!entry) throw new GraphModeError(`graph node "${node.name}": unknown op "${node.op}"`);
      const result = entry.impl(...decodeArgs(node.args, get));
      const outs = describeResult(result).tensors;
      if (node.op === 'assign' || node.op === 'assignAdd') outs.forEach((t) => (t.variable = true));
      outs.forEach((t, i) => {
        const want = node.outputs[i];
        const bad = !want || want.dtype !== t.dtype || want.shape.length !== t.rank || want.shape.some((d, k) => d >= 0 && d !== t.shape[k]);
        if (bad) {
          throw new ShapeError(
            `graph node "${node.name}" (${node.op}) produced ${t.dtype} ${fmtShape(t.shape)} but the graph says ` +
              `${want ? `${want.dtype} [${want.shape.map((d) => (d < 0 ? '?' : d)).join(',')}]` : 'no such output'}`,
            { op: node.op, location: node.location },
          );
        }
      });
      return outs;
    }
  }
}

/** A plan bound to real buffers on a backend, ready to run repeatedly. */
export interface CompiledPlan {
  plan: Plan;
  backend: Backend;
  program: unknown;
  handles: unknown[];
  owned: unknown[];
  /** The launches after optimisation (what the program runs), and what each pass did. */
  launches: Launch<Slot>[];
  reports: PassReport[];
  /** The launches before any pass (one per op, as eager mode would run them). */
  before: LaunchSnapshot[];
  /** Set by the Session: graph node → source, and the plan as run-record data (profiles use both). */
  sources?: NodeSources;
  describe?: () => unknown;
}

/** Folded results larger than this stay computed at run time (constant folding's size cap). */
const FOLD_MAX_BYTES = 1 << 20;

/**
 * Optimises the plan's launches, allocates its buffers (temporaries shared by liveness when memory
 * planning is on), folds constant launches on the device once, and prepares the program.
 */
export function compilePlan(
  plan: Plan,
  backend: Backend,
  bindVariable: (node: number) => unknown,
  options: Optimizations = {},
  foldable: (l: Launch<Slot>) => boolean = () => true,
): CompiledPlan {
  const keep = new Set<Slot>([...plan.fetches, ...plan.prints.flatMap((p) => p.items.filter((x): x is SlotRead => typeof x === 'object'))].map((r) => r.slot).filter(Boolean));
  const ctx: PassContext = { launches: [...plan.rec.launches], keep };
  const before = snapshot(ctx.launches);
  const reports = optimizeLaunches(ctx, options);
  const owned: unknown[] = [];
  const handles: unknown[] = new Array(plan.rec.slots.length);
  const own = (h: unknown) => (owned.push(h), h);
  for (const s of plan.rec.slots) {
    if (s.kind === 'const') handles[s.id] = own(backend.upload(s.data!));
    else if (s.kind === 'feed') handles[s.id] = own(backend.alloc(s.bytes));
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
      const ok = !l.outView && l.out.kind === 'temp' && l.out.bytes <= FOLD_MAX_BYTES && l.inputs.every((v) => constant.has(v.handle)) && foldable(l);
      if (!ok) {
        kept.push(l);
        continue;
      }
      if (handles[l.out.id] === undefined) handles[l.out.id] = own(backend.alloc(l.out.bytes));
      backend.run(real(l));
      constant.add(l.out);
      folded++;
    }
    ctx.launches = kept;
    reports.push({ pass: 'constantFolding', removed: folded, detail: `${folded} launches computed once at compile time`, launches: snapshot(kept) });
  }

  // Temporaries: one buffer each, or shared by liveness (a buffer is reused once its last reader ran).
  const temps = plan.rec.slots.filter((s) => s.kind === 'temp' && handles[s.id] === undefined);
  const naive = temps.reduce((p, s) => p + s.bytes, 0);
  let planned = 0;
  if (enabled(options, 'memoryPlanning')) {
    const lastUse = new Map<Slot, number>();
    ctx.launches.forEach((l, i) => l.inputs.forEach((v) => lastUse.set(v.handle, i)));
    keep.forEach((s) => lastUse.set(s, Infinity));
    const free: { h: unknown; bytes: number }[] = [];
    const assigned = new Map<Slot, { h: unknown; bytes: number }>();
    ctx.launches.forEach((l, i) => {
      const s = l.out;
      if (s.kind === 'temp' && handles[s.id] === undefined && !assigned.has(s)) {
        // Best fit among free buffers, else a new one.
        let best = -1;
        free.forEach((f, k) => {
          if (f.bytes >= s.bytes && (best < 0 || f.bytes < free[best].bytes)) best = k;
        });
        const buf = best >= 0 ? free.splice(best, 1)[0] : { h: own(backend.alloc(s.bytes)), bytes: s.bytes };
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
  for (const s of temps) if (handles[s.id] === undefined) handles[s.id] = own(backend.alloc(s.bytes));
  return { plan, backend, program: backend.prepare(ctx.launches.map(real)), handles, owned, launches: ctx.launches, reports, before };
}

export function releasePlan(c: CompiledPlan): void {
  c.backend.releaseProgram(c.program);
  for (const h of c.owned) c.backend.release(h);
}

/** Puts feed values into the plan's feed buffers: host data written, eager tensors copied on the device. */
export function bindFeeds(c: CompiledPlan, feeds: Map<number, { data?: StorageArray; tensor?: Tensor }>): void {
  for (const f of c.plan.feeds) {
    const v = feeds.get(f.node);
    if (!v) continue;
    if (v.data) c.backend.write(c.handles[f.slot.id], v.data);
    else if (v.tensor) {
      const t = v.tensor.isContiguous ? v.tensor : materialize(v.tensor);
      if (t.storage) c.backend.copy(t.storage.handle, t.offset, c.handles[f.slot.id], 0, t.size);
      if (t !== v.tensor) t.dispose();
    }
  }
}

/** Writes feeds, runs the program, reads fetches and print values: one submission on WebGPU. */
export async function executePlan(
  c: CompiledPlan,
  feeds: Map<number, { data?: StorageArray; tensor?: Tensor }>,
): Promise<{ fetches: StorageArray[]; prints: StorageArray[][] }> {
  const { plan, backend } = c;
  withPlanSources(c, () => {
    bindFeeds(c, feeds);
    backend.enqueue(c.program);
  });
  const printReads = plan.prints.flatMap((p) => p.items.filter((x): x is SlotRead => typeof x === 'object'));
  const reads = [...plan.fetches, ...printReads].map((r) => ({ handle: c.handles[r.slot?.id ?? 0], dtype: r.dtype, offset: r.offset, count: r.slot ? r.count : 0 }));
  const values = await backend.readMany(reads);
  const fetches = values.slice(0, plan.fetches.length);
  let k = plan.fetches.length;
  const prints = plan.prints.map((p) => p.items.filter((x) => typeof x === 'object').map(() => values[k++]));
  return { fetches, prints };
}

/** Runs the program without reading anything back. */
export function executePlanNoRead(c: CompiledPlan): void {
  withPlanSources(c, () => c.backend.enqueue(c.program));
}

/** Per plan: buffers the program writes, and the most bytes any slot needs of each temporary buffer. */
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
 * Runs the program on eager tensors (wg.function calls, withMode readbacks) and returns a new storage per
 * fetch. Without copies where possible: a contiguous feed is read in place (its buffer is bound instead of
 * the plan's feed buffer), and a fetched temporary is written straight into the result's own new buffer
 * (bound instead of the plan's, for this run). Everything else is copied on the device.
 */
export function executeInto(
  c: CompiledPlan,
  feeds: Map<number, Tensor>,
): { fetches: (Storage | null)[]; copyOut: (r: SlotRead) => Storage | null } {
  const { backend, plan } = c;
  const rebind = new Map<unknown, unknown>();
  const copied = new Map<number, { tensor: Tensor }>();
  for (const f of plan.feeds) {
    const t = feeds.get(f.node);
    if (!t) continue;
    const st = t.storage;
    if (st && st.owner === backend && t.isContiguous && t.offset === 0 && t.size * 4 === f.slot.bytes) rebind.set(c.handles[f.slot.id], st.handle);
    else copied.set(f.node, { tensor: t });
  }
  const facts = factsOf(c);
  const direct = new Set<unknown>();
  const outs: (Storage | null | 'copy')[] = plan.fetches.map((r) => {
    if (r.count === 0 || !r.slot) return null;
    const h = c.handles[r.slot.id];
    // Only a whole temporary the program itself writes, fetched once (a folded constant is never written).
    if (r.slot.kind !== 'temp' || r.offset !== 0 || !facts.written.has(h) || direct.has(h)) return 'copy';
    direct.add(h);
    const bytes = facts.bytes.get(h)!;
    const storage: Storage = { owner: backend, handle: backend.alloc(bytes), bytes, refs: 0 };
    rebind.set(h, storage.handle);
    return storage;
  });
  withPlanSources(c, () => {
    bindFeeds(c, copied);
    backend.enqueue(c.program, rebind);
  });
  /** A copy of a value the run computed (from the buffer it was written to in this run). */
  const copyOut = (r: SlotRead): Storage | null => {
    if (r.count === 0 || !r.slot) return null;
    const h = c.handles[r.slot.id];
    const storage: Storage = { owner: backend, handle: backend.alloc(r.count * 4), bytes: r.count * 4, refs: 0 };
    backend.copy(rebind.get(h) ?? h, r.offset, storage.handle, 0, r.count);
    return storage;
  };
  return { fetches: outs.map((o, i) => (o === 'copy' ? copyOut(plan.fetches[i]) : o)), copyOut };
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
