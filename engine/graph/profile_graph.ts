// Graph plans as profiles and run records see them: which graph node (and so which user line) each kernel
// computes, and the plan as plain data — the graph's nodes, the kernels before and after each pass.
import type { GradOf, NodeSources, ProfileSource } from '../core/profile';
import type { Graph } from './graph';
import { snapshot, type LaunchSnapshot, type PassReport } from './passes/index';
import type { CompiledPlan } from './executor';
import { refsOf } from './record';

/** How a graph was entered: an explicit Session, a wg.function call, or a withMode('graph') readback. */
export type GraphEntry = 'session' | 'function' | 'withMode';

export interface GraphRunNode {
  id: number;
  name: string;
  op: string;
  /** Node ids this node reads. */
  inputs: number[];
  outputs: { shape: number[]; dtype: string }[];
  device: string;
  sideEffect: boolean;
  file?: string;
  line?: number;
  column?: number;
  /** The wg.nameScope path it was recorded in (absent outside every scope). */
  scope?: string;
  /** A backward-pass node: the forward op it differentiates. */
  grad?: GradOf;
}

/** A kernel of the plan: its name and kind, the graph nodes (by name) it computes, and its device. */
export interface GraphRunKernel {
  name: string;
  /** 'transfer' for a copy between devices (then `bytes` says how much it moves). */
  kind: string;
  nodes: string[];
  device?: string;
  bytes?: number;
}

export interface GraphRun {
  entry: GraphEntry;
  nodes: GraphRunNode[];
  /** Kernels before optimisation (one per op), after every pass, and what each pass did. */
  before: GraphRunKernel[];
  passes: { pass: string; detail: string; removed: number; peakBytes?: { naive: number; planned: number }; kernels?: GraphRunKernel[] }[];
  after: GraphRunKernel[];
  /** How many times the plan ran inside the record (filled by the collector). */
  runs?: number;
}

export function nodeSourcesOf(g: Graph): NodeSources {
  return (id) => {
    const n = g.nodes[id];
    if (!n) return undefined;
    const s: ProfileSource = { op: n.op, node: n.name };
    if (n.location) Object.assign(s, n.location);
    if (n.grad) s.grad = n.grad;
    return s;
  };
}

export function describePlan(g: Graph, c: CompiledPlan, entry: GraphEntry): GraphRun {
  const kernels = (ls: LaunchSnapshot[]): GraphRunKernel[] =>
    ls.map((l) => ({
      name: l.name,
      kind: l.kind,
      nodes: l.nodes.map((id) => g.nodes[id]?.name ?? `%${id}`),
      ...(l.device ? { device: l.device } : {}),
      ...(l.bytes !== undefined ? { bytes: l.bytes } : {}),
    }));
  // Only the nodes the plan needs (a Session's graph may hold many unrelated ones).
  const used = new Set<number>();
  for (const l of c.before) for (const id of l.nodes) used.add(id);
  for (const f of c.plan.feeds) used.add(f.node);
  // The nodes those read that launch no kernel of their own (constants, captured tensors) belong to it too.
  for (const id of [...used]) for (const [m] of refsOf(g.nodes[id]?.args ?? [])) used.add(m);
  const nodes = g.nodes
    .filter((n) => used.has(n.id) || n.op === 'placeholder' || n.op === 'variable')
    .map((n): GraphRunNode => ({
      id: n.id,
      name: n.name,
      op: n.op,
      inputs: [...new Set([...refsOf(n.args)].map(([m]) => m))],
      outputs: n.outputs.map((o) => ({ shape: [...o.shape], dtype: o.dtype })),
      // Where this plan runs it (the placement may differ from where it ran when recorded).
      device: c.plan.devices.get(n.id) ?? n.device,
      sideEffect: n.sideEffect,
      ...(n.location ?? {}),
      ...(n.scope !== undefined ? { scope: n.scope } : {}),
      ...(n.grad ? { grad: n.grad } : {}),
    }));
  return {
    entry,
    nodes,
    before: kernels(c.before),
    passes: c.reports.map((r: PassReport) => ({
      pass: r.pass,
      detail: r.detail,
      removed: r.removed,
      ...(r.peakBytes ? { peakBytes: r.peakBytes } : {}),
      ...(r.launches ? { kernels: kernels(r.launches) } : {}),
    })),
    after: kernels(snapshot(c.launches)),
  };
}
