// What is drawn of a model given the groups the user collapsed: units (nodes, collapsed groups, and proxy
// stubs for far-reaching edges of busy nodes), aggregated edges, and the ELK graph that lays them out.
// Groups nest (name scopes hold sub-scopes and fused kernels): a collapsed group hides everything inside it,
// open groups are boxes inside their parents. Also the defaults for big graphs: every group collapsed, and
// name scopes opened level by level while the drawing stays readable.
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { fmtMs } from '../format';
import { opHistogram, tensorLabel, type GEdge, type GGroup, type GNode, type GraphModel } from './model';

/** The most units drawn by default; bigger graphs start with groups collapsed. */
export const VISIBLE_LIMIT = 80;
/** Above this many units, edges from busy nodes to far-away consumers become proxy stubs. */
const PROXY_ABOVE = 16;
const PROXY_FANOUT = 4;
const PROXY_SPAN = 2;

export type UnitType = 'node' | 'group' | 'proxy';

export interface Unit {
  id: string;
  type: UnitType;
  node?: GNode;
  /** The collapsed group (type 'group'). */
  group?: GGroup;
  /** The unit a proxy stands for. */
  proxyOf?: string;
  title: string;
  subtitle: string;
  /** The expanded group it is drawn in. */
  parent?: string;
  w: number;
  h: number;
}

export interface VisibleEdge {
  id: string;
  from: string;
  to: string;
  label: string;
  /** Model edges it stands for (several when groups are collapsed). */
  edges: GEdge[];
  parent?: string;
}

export interface VisibleGraph {
  units: Map<string, Unit>;
  /** Groups drawn open (boxes around their members). */
  open: GGroup[];
  edges: VisibleEdge[];
}

// ---- text metrics (the same fonts as graph.css) ----

export const FONT_TITLE = '600 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
export const FONT_SUB = '10.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
export const FONT_EDGE = '10px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
export const FONT_GROUP = '600 11.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

/** An open group's header: its title, and its node count (scopes), time and status. */
export const groupTitle = (g: GGroup) => clip(g.label, 44);
export function groupMeta(g: GGroup): string {
  return [
    g.path !== undefined ? `${g.members.length} ops` : '',
    g.ms !== undefined ? fmtMs(g.ms) : '',
    g.status === 'folded' ? 'folded' : (g.status ?? ''),
  ].filter(Boolean).join(' · ');
}

/** A group's name for tooltips: a scope's full path (a part of one: the path and which part), else its label. */
export const groupName = (g: GGroup) => g.path ?? g.label;

/** The groups holding a node, innermost first. */
export function groupsOf(m: GraphModel, nodeId: string): GGroup[] {
  const out: GGroup[] = [];
  for (let g = m.groupById.get(m.byId.get(nodeId)?.group ?? ''); g; g = g.parent ? m.groupById.get(g.parent) : undefined) out.push(g);
  return out;
}

/** The unit that shows a node: the outermost collapsed group holding it, or the node itself. */
export function unitOf(m: GraphModel, collapsed: Set<string>, nodeId: string): string {
  let u = nodeId;
  for (const g of groupsOf(m, nodeId)) if (collapsed.has(g.id)) u = g.id;
  return u;
}

/** Is a group hidden inside a collapsed group? */
function hidden(m: GraphModel, collapsed: Set<string>, g: GGroup): boolean {
  for (let p = g.parent ? m.groupById.get(g.parent) : undefined; p; p = p.parent ? m.groupById.get(p.parent) : undefined) {
    if (collapsed.has(p.id)) return true;
  }
  return false;
}

/** The longest start of `text` (with an ellipsis) that fits `width` pixels. */
export function fitText(text: string, font: string, width: number): string {
  if (textWidth(text, font) <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (textWidth(`${text.slice(0, mid)}…`, font) <= width) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : `${text.slice(0, lo)}…`;
}

let ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null | undefined;
const widths = new Map<string, number>();
export function textWidth(text: string, font: string): number {
  const key = `${font}|${text}`;
  const hit = widths.get(key);
  if (hit !== undefined) return hit;
  if (ctx === undefined) {
    try {
      ctx = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1).getContext('2d') : document.createElement('canvas').getContext('2d');
    } catch {
      ctx = null;
    }
  }
  let w: number;
  if (ctx) {
    ctx.font = font;
    w = ctx.measureText(text).width;
  } else {
    w = text.length * (font.includes('12px') ? 7.3 : 6.4);
  }
  if (widths.size > 20_000) widths.clear();
  widths.set(key, w);
  return w;
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const PAD_X = 10;

function sized(u: Omit<Unit, 'w' | 'h'>): Unit {
  const title = u.type === 'proxy' ? u.title : clip(u.title, 34);
  const subtitle = clip(u.subtitle, 44);
  const tw = textWidth(title, FONT_TITLE);
  const sw = subtitle ? textWidth(subtitle, FONT_SUB) : 0;
  const extra = u.type === 'group' ? 22 : u.node?.kind === 'transfer' ? 14 : 0; // the expand button; a copy's pointed ends
  const w = Math.ceil(Math.max(u.type === 'proxy' ? 30 : 56, Math.max(tw, sw) + 2 * PAD_X + extra));
  const h = u.type === 'proxy' ? 20 : u.type === 'group' ? 40 : subtitle ? 36 : 24;
  return { ...u, title, subtitle, w, h };
}

// ---- collapse ----

/** Name scopes open by default while the drawing keeps at most this many units. */
export const SCOPE_UNITS = 30;

/**
 * Groups collapsed by default: none in a small graph; every group in a big one (more than VISIBLE_LIMIT
 * nodes), which gives an overview of fused kernels and source ranges that opens one group at a time. Name
 * scopes (and the parts of flat ones) then open level by level, all groups of a level at once, while at most
 * SCOPE_UNITS units show (10 more for a lone scope holding most of the graph), or while fewer than 6 show and
 * opening stays under VISIBLE_LIMIT: the first view is the deepest readable level.
 */
export function defaultCollapsed(m: GraphModel): Set<string> {
  if (m.nodes.length <= VISIBLE_LIMIT) return new Set();
  let collapsed = new Set(m.groups.map((g) => g.id));
  // The backward pass's group opens like a name scope (into its per-forward-line groups).
  const opens = (g: GGroup) => g.kind === 'scope' || g.kind === 'backward';
  let level = m.groups.filter((g) => opens(g) && !g.parent);
  while (level.length > 0) {
    const next = new Set(collapsed);
    for (const g of level) next.delete(g.id);
    const now = unitCount(m, collapsed);
    const after = unitCount(m, next);
    // One scope holding most of the graph (a model's outer scope) is worth opening into a few more boxes.
    const dominant = level.length === 1 && level[0]!.members.length * 2 > m.nodes.length;
    if (!(after <= SCOPE_UNITS || (dominant && after <= SCOPE_UNITS + 10) || (now < 6 && after <= VISIBLE_LIMIT))) break;
    collapsed = next;
    const opened = new Set(level.map((g) => g.id));
    // Sub-scopes, and the parts a flat scope is split into.
    level = m.groups.filter((g) => (opens(g) || g.kind === 'chunk') && g.parent !== undefined && opened.has(g.parent));
  }
  return collapsed;
}

/** How many units a set of collapsed groups draws (before proxies). */
export function unitCount(m: GraphModel, collapsed: Set<string>): number {
  const units = new Set<string>();
  for (const n of m.nodes) units.add(unitOf(m, collapsed, n.id));
  return units.size;
}

/** The open groups holding a unit's box, innermost first (its ELK containers). */
function containers(m: GraphModel, parent: string | undefined): string[] {
  const out: string[] = [];
  for (let g = parent ? m.groupById.get(parent) : undefined; g; g = g.parent ? m.groupById.get(g.parent) : undefined) out.push(g.id);
  return out;
}

export function visibleGraph(m: GraphModel, collapsed: Set<string>): VisibleGraph {
  const units = new Map<string, Unit>();
  const rep = new Map<string, string>();
  for (const n of m.nodes) rep.set(n.id, unitOf(m, collapsed, n.id));
  const shown = m.groups.filter((g) => !hidden(m, collapsed, g));
  for (const g of shown) {
    if (!collapsed.has(g.id)) continue;
    const subtitle =
      g.kind === 'kernel'
        ? `fused · ${g.members.length} ops${g.status ? ` · ${g.status}` : ''}`
        : g.path !== undefined
          ? [`${g.members.length} ops`, g.ms !== undefined ? fmtMs(g.ms) : ''].filter(Boolean).join(' · ')
          : opHistogram(m, g, 3);
    units.set(g.id, sized({ id: g.id, type: 'group', group: g, title: g.label, subtitle, parent: g.parent }));
  }
  for (const n of m.nodes) {
    if (rep.get(n.id) !== n.id) continue;
    units.set(n.id, sized({ id: n.id, type: 'node', node: n, title: n.title, subtitle: n.subtitle, parent: n.group }));
  }
  // Outer boxes first: ELK containers and the drawing's layers nest in this order.
  const depth = (g: GGroup) => containers(m, g.parent).length;
  const open = shown.filter((g) => !collapsed.has(g.id)).sort((a, b) => depth(a) - depth(b));

  // Aggregate edges between units.
  const byPair = new Map<string, VisibleEdge>();
  for (const e of m.edges) {
    const from = rep.get(e.from) ?? e.from;
    const to = rep.get(e.to) ?? e.to;
    if (from === to || !units.has(from) || !units.has(to)) continue;
    const key = `${from}>${to}`;
    const hit = byPair.get(key);
    if (hit) hit.edges.push(e);
    else byPair.set(key, { id: `v${byPair.size}`, from, to, label: '', edges: [e] });
  }
  const edges = [...byPair.values()];
  for (const e of edges) {
    if (e.edges.every((x) => x.quiet)) continue;
    // One tensor read by several ops of a collapsed group is one tensor.
    const tensors = new Set(e.edges.map((x) => x.from)).size;
    const labels = [...new Set(e.edges.map((x) => tensorLabel(x.info)))];
    e.label = labels.length === 1 ? (tensors > 1 ? `${labels[0]} ×${tensors}` : labels[0]!) : `${tensors} tensors`;
  }

  if (units.size > PROXY_ABOVE) addProxies(units, edges);

  // An edge lives in the innermost open group holding both ends.
  for (const e of edges) {
    const a = containers(m, units.get(e.from)!.parent);
    const b = new Set(containers(m, units.get(e.to)!.parent));
    e.parent = a.find((g) => b.has(g));
  }
  return { units, open, edges };
}

/**
 * A node read by many ops far below it (x in a 300-op loop) would drag hundreds of long edges through every
 * layer, which is what makes layered layout slow and the drawing unreadable. Those edges start instead at a
 * small stub next to their consumer that names the source (click it to go there).
 */
function addProxies(units: Map<string, Unit>, edges: VisibleEdge[]): void {
  // Longest-path depth over the unit graph (Kahn; units left in a cycle keep the depth reached).
  const out = new Map<string, VisibleEdge[]>();
  const indeg = new Map<string, number>();
  for (const id of units.keys()) indeg.set(id, 0);
  for (const e of edges) {
    (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e);
    indeg.set(e.to, (indeg.get(e.to) ?? 0) + 1);
  }
  const depth = new Map<string, number>();
  const queue = [...units.keys()].filter((id) => indeg.get(id) === 0);
  for (const id of queue) depth.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const e of out.get(id) ?? []) {
      depth.set(e.to, Math.max(depth.get(e.to) ?? 0, depth.get(id)! + 1));
      const d = indeg.get(e.to)! - 1;
      indeg.set(e.to, d);
      if (d === 0) queue.push(e.to);
    }
  }
  for (const [from, list] of out) {
    if (list.length < PROXY_FANOUT) continue;
    const src = units.get(from)!;
    const d0 = depth.get(from) ?? 0;
    for (const e of list) {
      if ((depth.get(e.to) ?? 0) - d0 <= PROXY_SPAN) continue;
      const pid = `p${e.id}`;
      units.set(pid, sized({ id: pid, type: 'proxy', proxyOf: from, title: `↪ ${clip(src.title, 18)}`, subtitle: '', parent: units.get(e.to)!.parent }));
      e.from = pid;
    }
  }
}

// ---- ELK ----

export interface LayoutRequest {
  graph: ElkNode;
  units: number;
}

export function elkGraph(v: VisibleGraph): LayoutRequest {
  const big = v.units.size > 120;
  const root: ElkNode = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
      'elk.spacing.nodeNode': '20',
      'elk.spacing.edgeNode': '12',
      'elk.spacing.edgeEdge': '8',
      'elk.spacing.edgeLabel': '3',
      'elk.layered.spacing.nodeNodeBetweenLayers': '26',
      'elk.layered.spacing.edgeNodeBetweenLayers': '10',
      'elk.layered.spacing.edgeEdgeBetweenLayers': '8',
      'elk.edgeLabels.placement': 'CENTER',
      // Program order decides ties: the drawing reads like the code, and small edits move little.
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.thoroughness': big ? '2' : '7',
      // Deep graphs (long chains with side inputs) drift sideways under the default (Brandes-Köpf)
      // placement; linear segments keep chains straight and the drawing narrow.
      ...(v.units.size > 30 ? { 'elk.layered.nodePlacement.strategy': 'LINEAR_SEGMENTS' } : {}),
    },
    children: [],
    edges: [],
  };
  const containers = new Map<string, ElkNode>([['', root]]);
  for (const g of v.open) {
    // Room for the header (title, time and status), within reason: the drawing clips what does not fit.
    // Canvas.tsx's header takes 44 px (margin, the − toggle) and 20 px beside the meta text besides the texts.
    // The meta text shows only beside at least 90 px of title (Canvas.tsx).
    const meta = groupMeta(g);
    const titleW = textWidth(groupTitle(g), FONT_GROUP);
    const headerW = Math.min(360, (meta ? Math.max(titleW, 90) + textWidth(meta, FONT_SUB) + 20 : titleW) + 56);
    const box: ElkNode = {
      id: g.id,
      layoutOptions: {
        'elk.padding': '[top=30,left=12,bottom=12,right=12]',
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        // ELK (0.12, layered, direction DOWN with INCLUDE_CHILDREN) applies a compound node's minimum size
        // transposed: (height, width) here gives the width asked for.
        'elk.nodeSize.minimum': `(60,${Math.ceil(headerW)})`,
      },
      children: [],
      edges: [],
    };
    containers.set(g.id, box);
    containers.get(g.parent ?? '')!.children!.push(box);
  }
  for (const u of v.units.values()) containers.get(u.parent ?? '')!.children!.push({ id: u.id, width: u.w, height: u.h });
  for (const e of v.edges) {
    const edge: ElkExtendedEdge = { id: e.id, sources: [e.from], targets: [e.to] };
    if (e.label) edge.labels = [{ id: `${e.id}l`, text: e.label, width: Math.ceil(textWidth(e.label, FONT_EDGE)) + 8, height: 14 }];
    containers.get(e.parent ?? '')!.edges!.push(edge);
  }
  return { graph: root, units: v.units.size };
}

// ---- a laid-out drawing ----

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DrawnEdge {
  id: string;
  from: string;
  to: string;
  points: { x: number; y: number }[];
  label?: { text: string } & Box;
  edges: GEdge[];
}

export interface Drawing {
  width: number;
  height: number;
  units: (Unit & Box)[];
  groups: (Box & { group: GGroup })[];
  edges: DrawnEdge[];
  ms: number;
}

/** Reads ELK's result (absolute coordinates: json.shapeCoords/edgeCoords ROOT). */
export function toDrawing(v: VisibleGraph, laid: ElkNode, ms: number): Drawing {
  const boxes = new Map<string, Box>();
  const edgesOut = new Map<string, ElkExtendedEdge>();
  const walk = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      boxes.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, w: c.width ?? 0, h: c.height ?? 0 });
      walk(c);
    }
    for (const e of n.edges ?? []) edgesOut.set(e.id, e as ElkExtendedEdge);
  };
  walk(laid);
  const units = [...v.units.values()].map((u) => ({ ...u, ...(boxes.get(u.id) ?? { x: 0, y: 0, w: u.w, h: u.h }) }));
  const groups = v.open.map((g) => ({ group: g, ...(boxes.get(g.id) ?? { x: 0, y: 0, w: 0, h: 0 }) }));
  const edges: DrawnEdge[] = v.edges.map((e) => {
    const out = edgesOut.get(e.id);
    const points: { x: number; y: number }[] = [];
    for (const s of out?.sections ?? []) {
      if (points.length === 0) points.push(s.startPoint);
      points.push(...(s.bendPoints ?? []), s.endPoint);
    }
    const l = out?.labels?.[0];
    return {
      id: e.id,
      from: e.from,
      to: e.to,
      points,
      edges: e.edges,
      label: l && e.label ? { text: e.label, x: l.x ?? 0, y: l.y ?? 0, w: l.width ?? 0, h: l.height ?? 0 } : undefined,
    };
  });
  return { width: laid.width ?? 0, height: laid.height ?? 0, units, groups, edges, ms };
}
