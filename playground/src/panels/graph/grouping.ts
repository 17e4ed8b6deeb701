// Grouping big graph-panel models so that they can be drawn collapsed: by name scope (wg.nameScope, imported
// models' TensorFlow scopes) when nodes carry scopes, else by source line (build.ts's finish picks).
import type * as WG from '../../../../engine/index';
import { kernelMs } from '../format';
import { sum, type GGroup, type GNode, type GraphModel } from './model';

// ---- grouping big graphs ----

/** Above this many nodes, nodes outside fused kernels are grouped by source line (and chunked). */
const GROUP_ABOVE = 60;
/** A source-line group larger than this is split into chunks. */
const MAX_CHUNK = 40;
/** At most this many line/chunk groups. */
const MAX_SEGMENTS = 30;

/**
 * Big graphs get groups for the nodes no fused kernel holds: runs of consecutive nodes from the same
 * source line (a loop body), split into chunks of at most MAX_CHUNK, merged with neighbours when there
 * would be too many. Linear in the node count.
 */
export function addLineGroups(m: GraphModel, record: WG.RunRecord, only?: GNode[]): void {
  if (m.nodes.length <= GROUP_ABOVE) return;
  const loose = (only ?? m.nodes.filter((n) => !n.group)).sort((a, b) => a.order - b.order);
  if (loose.length < 2) return;
  // Runs of the same line.
  let runs: GNode[][] = [];
  for (const n of loose) {
    const last = runs[runs.length - 1];
    if (last && last[0]!.line === n.line && last[0]!.file === n.file) last.push(n);
    else runs.push([n]);
  }
  // Long runs become chunks ("part 2/8" of a line).
  const part = new Map<GNode[], string>();
  runs = runs.flatMap((r) => {
    if (r.length <= MAX_CHUNK) return [r];
    const parts = Math.ceil(r.length / MAX_CHUNK);
    const size = Math.ceil(r.length / parts);
    return Array.from({ length: parts }, (_, i) => {
      const chunk = r.slice(i * size, (i + 1) * size);
      part.set(chunk, ` · part ${i + 1}/${parts}`);
      return chunk;
    });
  });
  // Too many runs: merge neighbours greedily up to a target size.
  if (runs.length > MAX_SEGMENTS) {
    const target = Math.max(2, Math.ceil(loose.length / MAX_SEGMENTS));
    const merged: GNode[][] = [];
    let cur: GNode[] = [];
    for (const r of runs) {
      if (cur.length && cur.length + r.length > target) {
        merged.push(cur);
        cur = [];
      }
      cur = cur.concat(r);
    }
    if (cur.length) merged.push(cur);
    runs = merged;
  }
  runs.forEach((r, i) => {
    if (r.length < 2) return;
    const lines = [...new Set(r.map((n) => n.line).filter((l): l is number => l !== undefined))].sort((a, b) => a - b);
    const where = lines.length === 0 ? 'no source line' : lines.length === 1 ? `line ${lines[0]}` : `lines ${lines[0]}–${lines[lines.length - 1]}`;
    const grp: GGroup = {
      id: `s${i}`,
      kind: lines.length <= 1 && !part.has(r) ? 'line' : 'chunk',
      label: `${where}${part.get(r) ?? ''} · ${r.length} nodes`,
      members: r.map((n) => n.id),
      kernels: [...new Set(r.flatMap((n) => n.kernels))],
      ms: undefined,
      line: r.find((n) => n.line !== undefined)?.line,
      column: r.find((n) => n.line !== undefined)?.column,
    };
    // Members may share kernels (fused): the group's time counts each kernel once.
    if (grp.kernels.length) grp.ms = sum(grp.kernels.map((k) => kernelMs(record.profile.kernels[k]!)));
    for (const n of r) n.group = grp.id;
    m.groups.push(grp);
  });
}

// ---- grouping by name scope ----

/** A scope holding more things than this (sub-scopes, fused kernels, nodes) is split into parts… */
const SCOPE_CHILDREN = 30;
/** …of at least this many things each. */
const PART_SIZE = 10;

/** The longest common leading run of several paths (as parts). */
function commonPrefix(paths: string[][]): string[] {
  if (paths.length === 0) return [];
  const out = [...paths[0]!];
  for (const p of paths) {
    let i = 0;
    while (i < out.length && i < p.length && out[i] === p[i]) i++;
    out.length = i;
  }
  return out;
}

/** One level of the scope tree: the nodes and fused kernels drawn directly in it, and its sub-scopes. */
interface ScopeTrie {
  parts: string[];
  items: ({ node: GNode } | { kernel: GGroup })[];
  children: Map<string, ScopeTrie>;
  /** Items at any depth. */
  size: number;
}

/**
 * Groups by name scope (a graph whose nodes carry wg.nameScope paths): one compound group per scope that
 * holds two things or more (a scope of one node leaves it in its parent, subtitled with the rest of its path);
 * a scope whose only content is one sub-scope is merged with it ('StatefulPartitionedCall/model' is one
 * level). Nodes without a scope of their own that only feed scoped nodes (inputs made before an eager record,
 * copies, captures, constants) join the scope their consumers share. A fused kernel (after optimisation) stays
 * one box, drawn in the deepest scope that holds all its members (their common path); its members keep their
 * own scopes in the details. Unscoped nodes stay at the top level (source-line groups if there are many).
 */
export function addScopeGroups(m: GraphModel, record: WG.RunRecord): void {
  const path = new Map<string, string[]>();
  for (const n of m.nodes) if (n.scope) path.set(n.id, n.scope.split('/'));
  // Unscoped producers that only feed scoped nodes join their consumers' common scope (latest first, so a
  // chain of them, copy after input, follows its consumer).
  const consumers = new Map<string, string[]>();
  for (const e of m.edges) (consumers.get(e.from) ?? consumers.set(e.from, []).get(e.from)!).push(e.to);
  const adoptable = new Set(['input', 'transfer', 'capture', 'constant']);
  for (const n of [...m.nodes].sort((a, b) => b.order - a.order)) {
    if (path.has(n.id) || !adoptable.has(n.kind)) continue;
    const to = consumers.get(n.id) ?? [];
    if (to.length === 0 || !to.every((c) => path.has(c))) continue;
    const p = commonPrefix(to.map((c) => path.get(c)!));
    if (p.length) path.set(n.id, p);
  }

  const root: ScopeTrie = { parts: [], items: [], children: new Map(), size: 0 };
  const place = (parts: string[], item: ScopeTrie['items'][number]) => {
    let t = root;
    t.size++;
    for (const part of parts) {
      let c = t.children.get(part);
      if (!c) t.children.set(part, (c = { parts: [...t.parts, part], items: [], children: new Map(), size: 0 }));
      t = c;
      t.size++;
    }
    t.items.push(item);
  };
  // Fused kernels already drawn in the backward group stay there.
  const kernels = m.groups.filter((g) => g.kind === 'kernel' && !g.parent);
  for (const k of kernels) place(commonPrefix(k.members.map((id) => path.get(id) ?? [])), { kernel: k });
  for (const n of m.nodes) if (!n.group) place(path.get(n.id) ?? [], { node: n });

  const scopes: GGroup[] = [];
  const emit = (t: ScopeTrie, parent: GGroup | undefined, from: number) => {
    // One level for a chain of scopes with nothing of their own.
    while (t.items.length === 0 && t.children.size === 1) t = t.children.values().next().value!;
    let here = parent;
    if (t !== root && t.size >= 2) {
      here = {
        id: `c${scopes.length}`,
        kind: 'scope',
        label: t.parts.slice(from).join('/'),
        path: t.parts.join('/'),
        ...(parent ? { parent: parent.id } : {}),
        members: [],
        kernels: [],
      };
      scopes.push(here);
    }
    const depth = here?.path ? here.path.split('/').length : 0;
    for (const item of t.items) {
      if ('kernel' in item) {
        if (here) item.kernel.parent = here.id;
        continue;
      }
      const n = item.node;
      if (here) n.group = here.id;
      // A node left in an outer scope says the rest of its path.
      const p = path.get(n.id);
      if (n.scope && p && p.length > depth) n.subtitle = p.slice(depth).join('/');
    }
    for (const c of t.children.values()) emit(c, here, here ? t.parts.length : from);
  };
  emit(root, undefined, 0);
  if (scopes.length === 0) return;
  const all = new Map<string, GGroup>([...m.groups, ...scopes].map((g) => [g.id, g]));
  const ancestors = function* (n: GNode) {
    for (let g = n.group ? all.get(n.group) : undefined; g; g = g.parent ? all.get(g.parent) : undefined) yield g;
  };

  // A flat scope (a network's layers side by side) with too many things in it: runs of them in program order
  // become part groups ('conv2d … conv2d_9'), so it opens into a readable number of boxes.
  // Things are ordered by their last node (their output): inputs prepared early (weights, the trace's first
  // reads) do not pull a layer forward.
  const last = new Map<string, number>();
  for (const n of m.nodes) for (const g of ancestors(n)) last.set(g.id, Math.max(last.get(g.id) ?? -Infinity, n.order));
  const parts: GGroup[] = [];
  for (const s of [...scopes]) {
    const kids: { order: number; name: string; scope?: boolean; set(parent: string): void }[] = [];
    for (const g of all.values()) {
      if (g.parent === s.id) kids.push({ order: last.get(g.id) ?? 0, name: g.label, scope: g.kind === 'scope', set: (p) => (g.parent = p) });
    }
    const rest = (n: GNode) => (n.scope?.startsWith(`${s.path}/`) ? n.scope.slice(s.path!.length + 1) : n.op);
    for (const n of m.nodes) if (n.group === s.id) kids.push({ order: n.order, name: rest(n), set: (p) => (n.group = p) });
    if (kids.length <= SCOPE_CHILDREN) continue;
    kids.sort((a, b) => a.order - b.order);
    const size = Math.max(PART_SIZE, Math.ceil(kids.length / (SCOPE_CHILDREN - 6)));
    const count = Math.ceil(kids.length / size);
    for (let i = 0; i < count; i++) {
      const run = kids.slice(i * size, (i + 1) * size);
      // Named by its first and last sub-scopes (layers), else by whatever it holds.
      const named = run.some((k) => k.scope) ? run.filter((k) => k.scope) : run;
      const short = (x: { name: string }) => x.name.split('/')[0]!;
      const part: GGroup = {
        id: `${s.id}p${i}`,
        kind: 'chunk',
        label: named.length > 1 ? `${short(named[0]!)} … ${short(named[named.length - 1]!)}` : short(named[0]!),
        path: `${s.path} · part ${i + 1}/${count}`,
        parent: s.id,
        members: [],
        kernels: [],
      };
      for (const k of run) k.set(part.id);
      parts.push(part);
      all.set(part.id, part);
    }
  }
  scopes.push(...parts);

  // Members at any depth, their kernels (each once) and time; the first source position.
  const byId = new Map(scopes.map((g) => [g.id, g]));
  for (const n of m.nodes) for (const g of ancestors(n)) if (byId.has(g.id)) g.members.push(n.id);
  for (const g of scopes) {
    const ms = g.members.map((id) => m.byId.get(id)!);
    g.kernels = [...new Set(ms.flatMap((n) => n.kernels))].sort((a, b) => a - b);
    if (g.kernels.length) g.ms = sum(g.kernels.map((k) => kernelMs(record.profile.kernels[k]!)));
    const devices = new Set(ms.map((n) => n.device).filter(Boolean));
    if (devices.size === 1) g.device = [...devices][0];
    const first = ms.find((n) => n.line !== undefined);
    g.line = first?.line;
    g.column = first?.column;
  }
  m.groups.unshift(...scopes);
  // Many unscoped nodes at the top level still get source-line groups.
  const loose = m.nodes.filter((n) => !n.group);
  if (loose.length > GROUP_ABOVE) addLineGroups(m, record, loose);
}


// ---- a training step: forward, backward, update ----

/** The name scopes wgflow's optimizers record their updates under (engine/train/optimizers.ts scopeName). */
const OPTIMIZER_SCOPE = /^(SGD|Momentum|Adam|Adamax|RMSProp|Adagrad|Adadelta)(_\d+)?$/;
/** The pseudo-scope of a training step's forward ops (a group like a name scope's, marked pass 'forward'). */
export const FORWARD_SCOPE = 'forward';

/**
 * A training step (an optimizer's update ops, under its name scope, and backward ops, which carry `grad`):
 * update nodes are marked with their optimizer's scope (colors.ts gives them their own fill), and the forward
 * ops, those neither backward nor scoped, get the pseudo-scope 'forward', so that the step reads as three
 * foldable groups: forward, ∇ backward (addBackwardGroups) and the optimizer's scope (markUpdateScopes).
 */
export function markTrainingPasses(m: GraphModel): void {
  let updates = 0;
  for (const n of m.nodes) {
    const part = !n.grad && n.scope ? n.scope.split('/').find((p) => OPTIMIZER_SCOPE.test(p)) : undefined;
    if (part) {
      n.update = part;
      updates++;
    }
  }
  if (updates === 0 || !m.nodes.some((n) => n.grad)) return;
  for (const n of m.nodes) if (n.kind === 'op' && !n.grad && !n.scope) n.scope = FORWARD_SCOPE;
}

/** Scope groups of an optimizer's update, and the forward pseudo-scope, say so (their colour and label). */
export function markUpdateScopes(m: GraphModel): void {
  for (const g of m.groups) {
    if (g.kind !== 'scope' || !g.path) continue;
    const last = g.path.split('/').pop()!;
    if (OPTIMIZER_SCOPE.test(last)) {
      g.pass = 'update';
      g.label = `${g.label} · update`;
    } else if (g.path === FORWARD_SCOPE) {
      g.pass = 'forward';
    }
  }
}

// ---- the backward pass ----

/** Above this many backward nodes, the backward group is split by the forward line they differentiate. */
const BACKWARD_SPLIT = 12;

/**
 * The nodes of a backward pass (those that carry `grad`: wg.gradients, a tape's or wg.grad's backward ops) are
 * drawn in one group, "∇ backward", that folds like a name scope; a big one is split into one sub-group per
 * forward line (the gradient of line 7's ops, of line 8's…). A fused kernel (after optimisation) whose members
 * are all backward nodes is drawn inside it; a kernel that fuses forward and backward nodes stays outside.
 */
export function addBackwardGroups(m: GraphModel, record: WG.RunRecord): void {
  const backward = m.nodes.filter((n) => n.grad);
  if (backward.length === 0) return;
  const kernelOf = (n: GNode) => (n.group ? m.groups.find((g) => g.id === n.group && g.kind === 'kernel') : undefined);
  // Kernels of backward nodes only; nodes of a mixed kernel stay out of the backward group.
  const kernels = m.groups.filter((g) => g.kind === 'kernel');
  const pure = new Set(kernels.filter((g) => g.members.every((id) => m.byId.get(id)?.grad)).map((g) => g.id));
  const inside = backward.filter((n) => !n.group || pure.has(n.group));
  if (inside.length === 0) return;
  const lineOf = (n: GNode) => n.grad!.line;
  const top: GGroup = { id: 'bw', kind: 'backward', label: '∇ backward (gradients)', members: inside.map((n) => n.id), kernels: [] };
  const groups: GGroup[] = [top];
  const sub = new Map<number | undefined, GGroup>();
  const lines = new Set(inside.map(lineOf));
  if (inside.length > BACKWARD_SPLIT && lines.size > 1) {
    const byLine = new Map<number | undefined, GNode[]>();
    for (const n of inside) (byLine.get(lineOf(n)) ?? byLine.set(lineOf(n), []).get(lineOf(n))!).push(n);
    for (const [line, ns] of [...byLine].sort((a, b) => (a[0] ?? Infinity) - (b[0] ?? Infinity))) {
      if (ns.length < 2) continue;
      const ops = [...new Set(ns.map((n) => n.grad!.op))];
      const g: GGroup = {
        id: `bw${line ?? 'x'}`,
        kind: 'backward',
        label: `∇ ${ops.slice(0, 3).join(', ')}${ops.length > 3 ? '…' : ''}${line !== undefined ? ` (line ${line})` : ''}`,
        parent: top.id,
        members: ns.map((n) => n.id),
        kernels: [],
        ...(line !== undefined ? { line, column: ns.find((n) => n.grad!.column !== undefined)?.grad!.column } : {}),
      };
      sub.set(line, g);
      groups.push(g);
    }
  }
  // Each backward node (or its pure kernel) is drawn in its line's sub-group, else directly in the top group.
  for (const n of inside) {
    const home = sub.get(lineOf(n)) ?? top;
    const k = kernelOf(n);
    if (!k) n.group = home.id;
    else if (!k.parent) {
      const homes = new Set(k.members.map((id) => sub.get(lineOf(m.byId.get(id)!)) ?? top));
      k.parent = homes.size === 1 ? home.id : top.id;
    }
  }
  // Members: the nodes drawn inside, at any depth (through their kernels).
  const byId = new Map([...groups, ...kernels].map((g) => [g.id, g]));
  for (const g of groups) g.members = [];
  for (const n of inside) {
    for (let g = n.group ? byId.get(n.group) : undefined; g; g = g.parent ? byId.get(g.parent) : undefined) if (g.kind === 'backward') g.members.push(n.id);
  }
  for (const g of groups) {
    const ms = g.members.map((id) => m.byId.get(id)!);
    g.kernels = [...new Set(ms.flatMap((n) => n.kernels))].sort((a, b) => a - b);
    if (g.kernels.length) g.ms = sum(g.kernels.map((k) => kernelMs(record.profile.kernels[k]!)));
    const devices = new Set(ms.map((n) => n.device).filter(Boolean));
    if (devices.size === 1) g.device = [...devices][0];
  }
  m.groups.unshift(...groups);
}
