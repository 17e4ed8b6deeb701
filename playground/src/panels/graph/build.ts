// Builds the graph panel's models from a run record: a graph plan before or after optimisation (fused
// kernels as groups; nodes that constant folding, pruning or CSE removed marked so), or the eager op trace
// (tensor ids link producers to consumers). Each node is linked to the profile kernels that computed it
// (time, WGSL); copies between devices are nodes of their own (plan_devices.ts, trace_devices.ts). Nodes that
// carry name scopes (wg.nameScope, imported models) are grouped by the scope tree; other big models get
// source-line groups instead, so that they can be drawn collapsed.
import type * as WG from '../../../../engine/index';
import { fmtBytes, kernelMs } from '../format';
import { addPlanTransfers, linkCpuKernels } from './plan_devices';
import { addBackwardGroups, addLineGroups, addScopeGroups, markTrainingPasses, markUpdateScopes } from './grouping';
import { addTraceTransfers } from './trace_devices';
import {
  EFFECT_OPS, kindOf, kindOfKernels, plural, sum, tensorLabel,
  type GEdge, type GGroup, type GNode, type GradOf, type GraphModel, type NodeStatus, type Stage, type TensorInfo, type ViewChoice,
} from './model';

/** A backward node's subtitle: the forward op (graph node) it differentiates and that op's line. */
export const gradSubtitle = (g: GradOf) => `∇ ${g.node ?? g.op}${g.line !== undefined ? ` · line ${g.line}` : ''}`;

// ---- graph plans ----

const signature = (name: string, nodes: Iterable<string>) => `${name}|${[...new Set(nodes)].sort().join(',')}`;
const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Which profile kernels a graph plan launched. Profile kernels name the graph nodes they cover; a record may
 * hold several graphs with the same node names (one per traced signature), so a kernel must also match one
 * of the plan's kernels (name and node set) and, among equals, the output shape of one of its nodes.
 */
function planKernelIndices(record: WG.RunRecord, g: WG.GraphRun): number[] {
  const sigs = new Set<string>();
  for (const k of [...g.before, ...g.after, ...g.passes.flatMap((p) => p.kernels ?? [])]) sigs.add(signature(k.name, k.nodes));
  const shapes = new Map(g.nodes.map((n) => [n.name, n.outputs[0]?.shape]));
  const out: number[] = [];
  record.profile.kernels.forEach((k, i) => {
    const names = k.sources.map((s) => s.node).filter((n): n is string => !!n);
    if (names.length === 0 || !sigs.has(signature(k.name, names))) return;
    // Reductions run in stages with other shapes; only elementwise kernels are checked against node shapes.
    if (k.kind === 'elementwise' && !names.some((n) => { const s = shapes.get(n); return s && sameShape(s, k.shape); })) return;
    out.push(i);
  });
  return out;
}

function statusFromPass(pass: string): NodeStatus {
  if (pass === 'constantFolding') return 'folded';
  if (pass === 'prune') return 'pruned';
  if (pass === 'commonSubexpression') return 'merged';
  return 'removed';
}

export function fromGraph(record: WG.RunRecord, gi: number, stage: Stage): GraphModel {
  const g = record.graphs[gi]!;
  const nid = (id: number) => `n${id}`;
  const present = new Map(g.nodes.map((n) => [n.id, n]));
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  const nodes: GNode[] = [];
  const edges: GEdge[] = [];

  // Inputs the record does not describe (an engine that leaves them out) still get a node of their own.
  const missing = new Set<number>();
  for (const n of g.nodes) for (const i of n.inputs) if (!present.has(i)) missing.add(i);
  for (const id of [...missing].sort((a, b) => a - b)) {
    nodes.push({
      id: nid(id), name: `%${id}`, op: 'input', kind: 'input', title: `%${id}`, subtitle: 'input', inputs: [], inputInfo: [], outputs: [],
      sideEffect: false, kernels: [], planKernels: [], order: nodes.length,
    });
  }

  for (const n of g.nodes) {
    const kind = kindOf(n.op, n.sideEffect);
    const named = kind === 'placeholder' || kind === 'variable' || kind === 'capture';
    const shape = n.outputs.length === 1 ? ` ${tensorLabel(n.outputs[0])}` : '';
    nodes.push({
      id: nid(n.id),
      name: n.name,
      op: n.op,
      kind,
      title: named ? n.name : n.op,
      subtitle: named ? `${n.op}${shape}` : n.grad ? gradSubtitle(n.grad) : n.name !== n.op ? n.name : '',
      inputs: n.inputs.map(nid),
      inputInfo: n.inputs.map((i) => {
        const src = present.get(i);
        return src?.outputs.length === 1 ? src.outputs[0] : undefined;
      }),
      outputs: n.outputs,
      device: n.device,
      file: n.file,
      line: n.line,
      column: n.column,
      ...(n.scope ? { scope: n.scope } : {}),
      ...(n.grad ? { grad: n.grad } : {}),
      sideEffect: n.sideEffect,
      kernels: [],
      planKernels: [],
      order: nodes.length,
    });
    for (const [j, i] of [...new Set(n.inputs)].entries()) {
      const src = present.get(i);
      edges.push({ id: `e${n.id}_${j}`, from: nid(i), to: nid(n.id), info: src?.outputs.length === 1 ? src.outputs[0] : src?.outputs[0] });
    }
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const nodeOf = (name: string) => {
    const n = byName.get(name);
    return n && byId.get(nid(n.id));
  };

  // Profile kernels → nodes (time, WGSL, kind); CPU kernels carry no node names and are matched by name.
  for (const k of planKernelIndices(record, g)) {
    for (const s of record.profile.kernels[k]!.sources) {
      const n = s.node ? byName.get(s.node) : undefined;
      const node = n && byId.get(nid(n.id));
      if (node && !node.kernels.includes(k)) node.kernels.push(k);
    }
  }
  linkCpuKernels({ record, gi, g, nodeOf });
  for (const n of nodes) {
    if (n.kernels.length) {
      n.ms = sum(n.kernels.map((k) => kernelMs(record.profile.kernels[k]!)));
      n.kernelKind = kindOfKernels(record, n.kernels);
    }
  }

  // Plan kernels: every snapshot, before → each pass → after. A node's place in the optimised plan is the
  // kernel holding it in the last snapshot it appears in; if that is not the final plan, the pass after it
  // removed it (constant folding computed it at compile time, prune dropped it, CSE merged it). Transfers
  // are nodes of their own (added below), not kernels of the nodes that needed them.
  const computes = (ks: WG.GraphRunKernel[]) => ks.filter((k) => k.kind !== 'transfer');
  const snapshots: { pass: string; kernels: WG.GraphRunKernel[] }[] = [{ pass: 'before', kernels: computes(g.before) }];
  for (const p of g.passes) if (p.kernels) snapshots.push({ pass: p.pass, kernels: computes(p.kernels) });
  snapshots.push({ pass: 'after', kernels: computes(g.after) });
  for (const k of computes(g.after)) for (const name of k.nodes) {
    const n = byName.get(name);
    const node = n && byId.get(nid(n.id));
    if (node && !node.planKernels.includes(k.name)) node.planKernels.push(k.name);
    if (node && !node.kernelKind) node.kernelKind = k.kind;
  }
  for (const k of computes(g.before)) for (const name of k.nodes) {
    const n = byName.get(name);
    const node = n && byId.get(nid(n.id));
    if (node && !node.kernelKind) node.kernelKind = k.kind;
  }

  const groups: GGroup[] = [];
  if (stage === 'after') {
    const last = new Map<string, { si: number; ki: number }>();
    snapshots.forEach((s, si) =>
      s.kernels.forEach((k, ki) => {
        for (const name of k.nodes) {
          const prev = last.get(name);
          // Within one snapshot a node may be in several kernels (a producer recomputed as a prologue):
          // it is drawn in the largest.
          if (!prev || prev.si < si || (prev.si === si && s.kernels[prev.ki]!.nodes.length < k.nodes.length)) last.set(name, { si, ki });
        }
      }),
    );
    const finalIndex = snapshots.length - 1;
    const groupOf = new Map<string, GGroup>();
    for (const [name, { si, ki }] of last) {
      const n = byName.get(name);
      const node = n && byId.get(nid(n.id));
      if (!node) continue;
      if (si < finalIndex) node.status = statusFromPass(snapshots[si + 1]!.pass);
      const k = snapshots[si]!.kernels[ki]!;
      if (si < finalIndex && !node.planKernels.includes(k.name)) node.planKernels.push(k.name);
      const members = [...new Set(k.nodes)].filter((m) => byName.has(m));
      if (members.length < 2) continue;
      const key = `k${si}_${ki}`;
      let grp = groupOf.get(key);
      if (!grp) {
        grp = { id: key, kind: 'kernel', label: k.name, members: [], kernels: [], kernelKind: k.kind };
        groupOf.set(key, grp);
        groups.push(grp);
      }
      grp.members.push(node.id);
      node.group = grp.id;
    }
    for (const grp of groups) {
      const ms = grp.members.map((m) => byId.get(m)!);
      grp.kernels = [...new Set(ms.flatMap((m) => m.kernels))].sort((a, b) => a - b);
      // Kernels of a group's own signature (not those of a member recomputed elsewhere) give its time.
      const own = grp.kernels.filter((k) => {
        const pk = record.profile.kernels[k]!;
        return pk.name === grp.label && pk.sources.every((s) => !s.node || grp.members.some((m) => byId.get(m)!.name === s.node));
      });
      if (own.length) grp.kernels = own;
      // A fused convolution or matmul says which variant its selection point chose.
      grp.variant = grp.kernels.map((k) => record.profile.kernels[k]!.variant).find((v) => v !== undefined);
      grp.ms = grp.kernels.length ? sum(grp.kernels.map((k) => kernelMs(record.profile.kernels[k]!))) : undefined;
      const devices = new Set(ms.map((m) => m.device));
      grp.device = devices.size === 1 ? ms[0]!.device : undefined;
      const statuses = new Set(ms.map((m) => m.status));
      grp.status = statuses.size === 1 ? ms[0]!.status : undefined;
      const first = ms.find((m) => m.line !== undefined);
      grp.line = first?.line;
      grp.column = first?.column;
    }
  }

  addPlanTransfers({ record, g, gi, kernels: stage === 'after' ? g.after : g.before, timed: stage === 'after', nodes, edges, byId, nodeOf });
  const copies = nodes.filter((n) => n.kind === 'transfer');
  const moved = sum(copies.map((n) => n.transfer?.bytes ?? 0));
  const transfers = copies.length ? `${plural(copies.length, 'transfer')} (${fmtBytes(moved)})` : '';

  const folded = nodes.filter((n) => n.status === 'folded').length;
  const pruned = nodes.filter((n) => n.status === 'pruned').length;
  const fused = groups.length;
  const summary =
    stage === 'before'
      ? [`${g.entry} · ${plural(g.nodes.length, 'node')} · ${plural(g.before.length, 'kernel')} before optimisation`, transfers].filter(Boolean).join(' · ')
      : [
          `${g.entry} · ${plural(g.nodes.length, 'node')} · ${plural(g.after.length, 'kernel')} after optimisation`,
          fused ? `${fused} fused` : '',
          folded ? `${plural(folded, 'node')} folded at compile time` : '',
          pruned ? `${pruned} pruned` : '',
          transfers,
        ]
          .filter(Boolean)
          .join(' · ');
  return finish({ key: `graph${gi}:${stage}`, nodes, byId, edges, groups, groupById: new Map(), summary }, record);
}

// ---- the eager trace ----

export function fromTrace(record: WG.RunRecord): GraphModel {
  const nodes: GNode[] = [];
  const edges: GEdge[] = [];
  const producer = new Map<number, string>();
  const external = new Map<number, GNode>();
  const pending: { to: string; from: string; info: TensorInfo; j: number }[] = [];

  record.trace.forEach((t, i) => {
    const id = `t${i}`;
    const kind = kindOf(t.op, t.outputs.length === 0 && t.kernels.length === 0 && EFFECT_OPS.has(t.op));
    const kernels = t.kernels.filter((k) => record.profile.kernels[k]);
    const inputs: string[] = [];
    for (const inp of t.inputs) {
      let from = producer.get(inp.id);
      if (!from) {
        // A tensor no traced op made (created before the record, or by an untraced path): an input node.
        let x = external.get(inp.id);
        if (!x) {
          x = {
            id: `x${inp.id}`, name: `tensor #${inp.id}`, op: 'input', kind: 'input', title: `tensor #${inp.id}`, subtitle: `input ${tensorLabel(inp)}`,
            inputs: [], inputInfo: [], outputs: [{ shape: inp.shape, dtype: inp.dtype }], sideEffect: false, kernels: [], planKernels: [], order: 0,
          };
          external.set(inp.id, x);
        }
        from = x.id;
      }
      inputs.push(from);
      pending.push({ to: id, from, info: { shape: inp.shape, dtype: inp.dtype }, j: pending.length });
    }
    const ms = kernels.length ? sum(kernels.map((k) => kernelMs(record.profile.kernels[k]!))) : undefined;
    // A backward op: the trace entry carries its source's grad (profiledCall spreads the source into it); its
    // kernels' sources say it too.
    const grad = t.grad ?? kernels.map((k) => record.profile.kernels[k]!.sources[0]?.grad).find((g) => g !== undefined);
    nodes.push({
      id,
      name: t.op,
      op: t.op,
      kind,
      title: t.op,
      subtitle: grad ? gradSubtitle(grad) : t.line !== undefined ? `line ${t.line}` : '',
      inputs,
      inputInfo: t.inputs.map((x) => ({ shape: x.shape, dtype: x.dtype })),
      outputs: t.outputs.map((o) => ({ shape: o.shape, dtype: o.dtype })),
      device: kernels.map((k) => record.profile.kernels[k]!.device).find((d) => d !== undefined),
      file: t.file,
      line: t.line,
      column: t.column,
      ...(t.scope ? { scope: t.scope } : {}),
      ...(grad ? { grad } : {}),
      sideEffect: kind === 'effect',
      kernels,
      kernelKind: kindOfKernels(record, kernels),
      planKernels: [],
      ms,
      order: 0,
    });
    for (const o of t.outputs) producer.set(o.id, id);
  });
  // One edge per producer → consumer pair (x.mul(x) reads x twice: one edge).
  const seen = new Set<string>();
  for (const p of pending) {
    const key = `${p.from}>${p.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ id: `e${p.j}`, from: p.from, to: p.to, info: p.info });
  }
  const all = [...external.values(), ...nodes];
  addTraceTransfers(record, nodes, all, edges);
  all.forEach((n, i) => (n.order = i));
  const kernelsRun = new Set(record.trace.flatMap((t) => t.kernels)).size;
  const copies = all.filter((n) => n.kind === 'transfer').length;
  return finish({
    key: 'trace',
    nodes: all,
    byId: new Map(all.map((n) => [n.id, n])),
    edges,
    groups: [],
    groupById: new Map(),
    summary: [
      `eager · ${plural(record.trace.length, 'op')} · ${plural(kernelsRun, 'kernel')} and transfers`,
      copies ? `${copies} ${copies === 1 ? 'copy' : 'copies'} between devices` : '',
      external.size ? plural(external.size, 'external input') : '',
    ].filter(Boolean).join(' · '),
  }, record);
}

function finish(m: GraphModel, record: WG.RunRecord): GraphModel {
  // A training step: update nodes (an optimizer's scope) are marked, and forward ops go in a 'forward' group.
  markTrainingPasses(m);
  // The backward pass first: its nodes are one group of their own (by forward line), beside scopes and lines.
  addBackwardGroups(m, record);
  if (m.nodes.some((n) => n.scope)) {
    addScopeGroups(m, record);
    markUpdateScopes(m);
  }
  else addLineGroups(m, record);
  m.groupById = new Map(m.groups.map((g) => [g.id, g]));
  return m;
}

export function buildModel(record: WG.RunRecord, choice: ViewChoice, stage: Stage): GraphModel {
  return choice.kind === 'trace' ? fromTrace(record) : fromGraph(record, choice.index, stage);
}
