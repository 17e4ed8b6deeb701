// Devices in a graph plan's views: every transfer kernel of the plan becomes a 'transfer' node on the edge it
// serves (an explicit `to` node is one already), and the profile kernels the engine reports without graph node
// names (copies between devices, CPU kernels) are shared out among the record's plans by name and size.
import type * as WG from '../../../../engine/index';
import { kernelMs } from '../format';
import { directionText, sum, type GEdge, type GNode, type TensorInfo } from './model';
import { fmtBytes, movedBytes } from '../format';

/** 'transfer webgpu→cpu' or 'webgpu→cpu' → its two devices (host uploads and readbacks have none). */
export function direction(name: string): { from: string; to: string } | undefined {
  const m = /(\w+)\s*→\s*(\w+)$/.exec(name);
  return m ? { from: m[1]!, to: m[2]! } : undefined;
}

/** A copy's subtitle: `.to()` for an explicit move, its bytes, and its snippet line when asked for. */
export const transferSubtitle = (explicit: boolean, bytes: number | undefined, line?: number) =>
  [explicit ? '.to()' : '', bytes !== undefined ? fmtBytes(bytes) : '', line !== undefined ? `line ${line}` : ''].filter(Boolean).join(' · ');

// ---- profile kernels without graph node names ----

/**
 * A profile kernel matched to a plan kernel by name and size rather than by graph nodes: every copy between
 * devices (its plan kernel is a node of its own, not a kernel of the node that needed it), and a CPU kernel
 * the engine did not tie to graph nodes or lines.
 */
function loose(k: WG.ProfileKernel): boolean {
  if (k.kind === 'transfer') return !!direction(k.name);
  return k.device === 'cpu' && k.sources.every((s) => !s.node && s.line === undefined);
}
const planKey = (k: WG.GraphRunKernel) => (k.kind === 'transfer' ? `t|${direction(k.name) ? k.name.replace(/^transfer\s+/, '') : k.name}|${k.bytes ?? ''}` : `k|${k.kind}|${k.name}`);
const profileKey = (k: WG.ProfileKernel) => (k.kind === 'transfer' ? `t|${k.name}|${movedBytes(k)}` : `k|${k.kind}|${k.name}`);
const wantsLoose = (k: WG.GraphRunKernel) => (k.kind === 'transfer' ? !!direction(k.name) : k.device === 'cpu');

/** Per graph of a record: for each of its plan kernels (index into `after`), the loose profile kernels it ran. */
const looseCache = new WeakMap<WG.RunRecord, Map<number, Map<number, number[]>>>();

/**
 * Loose profile kernels go to the plans in the record's order: each plan takes, per name (and size, for
 * copies), as many as it launches (its kernels of that name × its runs), in profile order; among a plan's
 * kernels of the same name they are dealt round-robin (one launch each per run).
 */
export function looseKernels(record: WG.RunRecord, gi: number): Map<number, number[]> {
  let all = looseCache.get(record);
  if (!all) {
    all = new Map();
    const pool = new Map<string, number[]>();
    record.profile.kernels.forEach((k, i) => {
      if (!loose(k)) return;
      const key = profileKey(k);
      (pool.get(key) ?? pool.set(key, []).get(key)!).push(i);
    });
    record.graphs.forEach((g, index) => {
      const mine = new Map<number, number[]>();
      const byKey = new Map<string, number[]>();
      g.after.forEach((k, ki) => {
        if (!wantsLoose(k)) return;
        const key = planKey(k);
        (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(ki);
      });
      for (const [key, kis] of byKey) {
        const taken = (pool.get(key) ?? []).splice(0, kis.length * (g.runs ?? 1));
        kis.forEach((ki, j) => mine.set(ki, taken.filter((_, t) => t % kis.length === j)));
      }
      all!.set(index, mine);
    });
    looseCache.set(record, all);
  }
  return all.get(gi) ?? new Map();
}

// ---- transfer nodes ----

interface PlanParts {
  record: WG.RunRecord;
  g: WG.GraphRun;
  gi: number;
  /** The plan kernels of the view (before or after optimisation). */
  kernels: WG.GraphRunKernel[];
  /** Link profile kernels (the after view: the plan that ran). */
  timed: boolean;
  nodes: GNode[];
  edges: GEdge[];
  byId: Map<string, GNode>;
  nodeOf(name: string): GNode | undefined;
}

/** Replaces the edge from → to (if any) by from → t → to. */
export function spliceEdge(edges: GEdge[], from: string, to: string, t: GNode, info: TensorInfo | undefined): void {
  const i = edges.findIndex((e) => e.from === from && e.to === to);
  const id = i >= 0 ? edges[i]!.id : `e${from}_${to}`;
  const through = [
    { id: `${id}a${t.id}`, from, to: t.id, info },
    { id: `${id}b${t.id}`, from: t.id, to, info, quiet: true },
  ];
  if (i >= 0) edges.splice(i, 1, ...through);
  else edges.push(...through);
}

/** Sets a node's time from its kernels (none when no kernel of it was timed: a copy the GPU queue ran). */
export function retime(record: WG.RunRecord, n: GNode): void {
  const ks = n.kernels.map((k) => record.profile.kernels[k]!);
  n.ms = ks.some((k) => k.gpuMs !== undefined || k.cpuMs !== undefined) ? sum(ks.map(kernelMs)) : undefined;
}

/** Loose CPU kernels of the after plan → the nodes they computed (the engine names no graph node for them). */
export function linkCpuKernels(p: Pick<PlanParts, 'record' | 'gi' | 'g' | 'nodeOf'>): void {
  for (const [ki, ks] of looseKernels(p.record, p.gi)) {
    const k = p.g.after[ki]!;
    if (k.kind === 'transfer') continue;
    for (const name of k.nodes) {
      const n = p.nodeOf(name);
      if (n) for (const i of ks) if (!n.kernels.includes(i)) n.kernels.push(i);
    }
  }
}

/**
 * Explicit `to` nodes become transfers (direction, bytes, their copy's profile kernels), every other transfer
 * kernel a node of its own between the producer and the node that needed it; an edge still crossing devices
 * (its copy merged with another by CSE) is drawn from the copy it reads.
 */
export function addPlanTransfers(p: PlanParts): void {
  const { record, nodes, edges, byId } = p;
  const timing = p.timed ? looseKernels(record, p.gi) : new Map<number, number[]>();
  const deviceOf = (id: string) => byId.get(id)?.device ?? byId.get(id)?.transfer?.to;
  const used = new Map<string, Set<string>>();
  const added: GNode[] = [];

  for (const n of nodes) {
    if (n.op !== 'to') continue;
    n.kind = 'transfer';
    n.transfer = { from: n.inputs[0] ? deviceOf(n.inputs[0]) : undefined, to: n.device };
    n.device = undefined;
  }

  p.kernels.forEach((k, ki) => {
    if (k.kind !== 'transfer') return;
    const consumer = k.nodes.map((name) => p.nodeOf(name)).find((n) => !!n);
    if (!consumer) return;
    const dir = direction(k.name);
    const ks = p.timed ? (timing.get(ki) ?? []) : [];
    if (consumer.op === 'to') {
      const t = consumer.transfer!;
      t.bytes = k.bytes ?? t.bytes;
      t.from ??= dir?.from;
      t.to ??= dir?.to ?? k.device;
      if (!consumer.planKernels.includes(k.name)) consumer.planKernels.push(k.name);
      for (const i of ks) if (!consumer.kernels.includes(i)) consumer.kernels.push(i);
      consumer.kernelKind = 'transfer';
      retime(record, consumer);
      return;
    }
    // The input it copies: one on the source device not yet given a copy, else any on another device.
    const taken = used.get(consumer.id) ?? used.set(consumer.id, new Set()).get(consumer.id)!;
    const inputs = [...new Set(consumer.inputs)];
    const from =
      inputs.find((i) => !taken.has(i) && dir && deviceOf(i) === dir.from) ??
      inputs.find((i) => !taken.has(i) && deviceOf(i) !== consumer.device) ??
      inputs.find((i) => dir && deviceOf(i) === dir.from);
    if (from) taken.add(from);
    const src = from ? byId.get(from) : undefined;
    const info = src?.outputs[0];
    const t: GNode = {
      id: `${consumer.id}x${ki}`,
      name: `${src?.name ?? '?'} → ${consumer.name}`,
      op: 'transfer',
      kind: 'transfer',
      title: '',
      subtitle: '',
      inputs: from ? [from] : [],
      inputInfo: from ? [info] : [],
      outputs: info ? [info] : [],
      transfer: { from: dir?.from ?? (from && deviceOf(from)), to: dir?.to ?? k.device ?? consumer.device, bytes: k.bytes },
      file: consumer.file,
      line: consumer.line,
      column: consumer.column,
      sideEffect: false,
      kernels: [...ks],
      kernelKind: 'transfer',
      planKernels: [k.name],
      order: 0,
    };
    retime(record, t);
    added.push(t);
    byId.set(t.id, t);
    nodes.splice(nodes.indexOf(consumer), 0, t);
    if (from) spliceEdge(edges, from, consumer.id, t, info);
    else edges.push({ id: `e${t.id}`, from: t.id, to: consumer.id, info, quiet: true });
  });

  // Edges that still cross devices read a copy another consumer made (CSE merged theirs): draw that copy.
  const copies = [...added, ...nodes.filter((n) => n.op === 'to')];
  for (const e of edges) {
    const src = byId.get(e.from);
    const dst = byId.get(e.to);
    if (!src || !dst || src.kind === 'transfer' || dst.kind === 'transfer' || !src.device || !dst.device || src.device === dst.device) continue;
    const copy = copies.find((c) => c.inputs[0] === src.id && c.transfer?.to === dst.device);
    if (!copy) continue;
    e.from = copy.id;
    dst.inputs = dst.inputs.map((i) => (i === src.id ? copy.id : i));
  }
  for (const e of edges) if (byId.get(e.from)?.kind === 'transfer') e.quiet = true;
  // Two edges from one copy to one consumer (an input read twice) are one.
  const seen = new Set<string>();
  for (let i = edges.length - 1; i >= 0; i--) {
    const key = `${edges[i]!.from}>${edges[i]!.to}`;
    if (seen.has(key)) edges.splice(i, 1);
    else seen.add(key);
  }

  for (const n of nodes) {
    if (n.kind !== 'transfer') continue;
    const t = (n.transfer ??= {});
    t.bytes ??= bytesOf(n.outputs[0]);
    n.title = t.from || t.to ? directionText(t) : n.op;
    n.subtitle = transferSubtitle(n.op === 'to', t.bytes);
  }
  nodes.forEach((n, i) => (n.order = i));
}

const DTYPE_BYTES: Record<string, number> = { float16: 2, int8: 1, uint8: 1, float64: 8 };
/** A tensor's size in bytes (4 per element unless its dtype says otherwise). */
export function bytesOf(t: TensorInfo | undefined): number | undefined {
  if (!t || t.shape.some((d) => d < 0)) return undefined;
  return t.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[t.dtype] ?? 4);
}
