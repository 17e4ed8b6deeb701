// Pure data for the Timings panel: a profile's kernels grouped per source op (eager) or per generated kernel
// (graph), and a comparison's rows merged per source op so that every op appears once with both sides. Rows
// say where they ran (webgpu, cpu) or, for transfers, where they copied from and to.
import type * as WG from '../../../engine/index';
import { fmtShape, gradLabel, isDeviceCopy, kernelClock, kernelMs, movedBytes, parseLines, routeOf, snippetLines } from './format';

export interface OpRow {
  key: string;
  /** The source op (eager), or the generated kernel's name (a fused kernel lists its ops). */
  label: string;
  /** The kernel's own name when it differs from the label (a composite op's parts: softmax → max). */
  kernel?: string;
  kind: string;
  sources: WG.ProfileSource[];
  lines: { line: number; column: number }[];
  calls: number;
  totalMs: number;
  meanMs: number;
  clock: 'gpu' | 'cpu' | 'mixed' | 'none';
  /** Share of the kernels' total time (transfers are timed on another clock and left out). */
  pct?: number;
  shapes: string[];
  bytesRead: number;
  bytesWritten: number;
  compileMs: number;
  compiled: number;
  device: string;
  /** Where it ran, or where a transfer copied from and to ('webgpu → cpu', 'host → webgpu'). */
  route: string;
  kernelIds: string[];
}

/** Does a profile copy data between devices (not only host uploads and readbacks)? */
export const hasDeviceCopies = (p: WG.Profile | undefined) => !!p?.kernels.some(isDeviceCopy);

const sourceKey = (s: WG.ProfileSource) => `${s.op}${s.node ? `#${s.node}` : ''}@${s.line ?? ''}:${s.column ?? ''}`;

/** Groups a profile's kernels: one row per (kernel, source ops at their lines); calls count the launches. */
export function opRows(profile: WG.Profile): OpRow[] {
  const rows = new Map<string, OpRow>();
  for (const k of profile.kernels) {
    const fused = k.sources.length > 1;
    const op = k.sources[0]?.op ?? k.name;
    // A copy between devices is named by the op that made it (`to`, or an op with an input elsewhere) when
    // the profile knows it, else 'copy'; its route is its device tag.
    const label = isDeviceCopy(k) ? (op !== k.name ? op : 'copy') : k.kind === 'transfer' ? k.name : fused ? k.name : op;
    const key = `${k.kind}|${k.name}|${k.device}|${k.sources.map(sourceKey).join(',')}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        key,
        label,
        kernel: !fused && k.kind !== 'transfer' && k.name !== op ? k.name : undefined,
        kind: k.kind,
        sources: k.sources,
        lines: snippetLines(k.sources),
        calls: 0,
        totalMs: 0,
        meanMs: 0,
        clock: 'none',
        shapes: [],
        bytesRead: 0,
        bytesWritten: 0,
        compileMs: 0,
        compiled: 0,
        device: k.device,
        route: routeOf(k),
        kernelIds: [],
      };
      rows.set(key, row);
    }
    row.calls++;
    row.totalMs += kernelMs(k);
    const clock = kernelClock(k);
    if (clock !== 'none') row.clock = row.clock === 'none' || row.clock === clock ? clock : 'mixed';
    const shape = fmtShape(k.shape, k.dtype);
    if (!row.shapes.includes(shape)) row.shapes.push(shape);
    row.bytesRead += k.bytesRead;
    row.bytesWritten += k.bytesWritten;
    row.compileMs += k.compileMs;
    if (!k.cacheHit) row.compiled++;
    if (!row.kernelIds.includes(k.kernelId)) row.kernelIds.push(k.kernelId);
  }
  const out = [...rows.values()];
  const base = out.filter((r) => r.kind !== 'transfer').reduce((s, r) => s + r.totalMs, 0);
  for (const r of out) {
    r.meanMs = r.calls ? r.totalMs / r.calls : 0;
    if (r.kind !== 'transfer' && base > 0) r.pct = (100 * r.totalMs) / base;
  }
  return out;
}

export interface CompareRow {
  key: string;
  label: string;
  kind: string;
  sources: WG.ProfileSource[];
  lines: { line: number; column: number }[];
  eager: { kernels: number; ms: number };
  graph: { kernels: number; ms: number };
  /** eager ms / graph ms (undefined when a side has no time). */
  speedup?: number;
  /** Where its kernels ran ('cpu', 'webgpu', 'cpu / webgpu' when the modes differ), or a transfer's route. */
  route?: string;
  /** A transfer's bytes, per mode. */
  bytes?: { eager: number; graph: number };
}

/**
 * The engine keys comparison rows by generated kernel: a two-stage reduction or softmax's two kernels are
 * two rows, and an eager readback and a graph readback are two half-empty rows. Rows that cover the same
 * source ops (same op, same position) are one source op here, merged into one row with both sides;
 * transfers merge by what they move.
 */
export function mergeComparison(c: WG.ProfileComparison, profiles: { eager?: WG.Profile; graph?: WG.Profile } = {}): CompareRow[] {
  const rows = new Map<string, CompareRow & { labels: string[] }>();
  for (const r of pairBySource(c.rows)) {
    // Transfers pair by what they move (an eager upload knows its line, a graph plan's input copy does not).
    const key =
      r.kind === 'transfer' || r.sources.every((s) => s.line === undefined)
        ? `${r.kind}|${r.label}`
        : `src|${[...new Set(r.sources.map(positionKey))].sort().join(',')}`;
    let row = rows.get(key);
    if (!row) {
      row = { key, label: r.label, labels: [], kind: r.kind, sources: r.sources, lines: parseLines(r.lines), eager: { kernels: 0, ms: 0 }, graph: { kernels: 0, ms: 0 } };
      rows.set(key, row);
    }
    if (!row.labels.includes(r.label)) row.labels.push(r.label);
    // A graph row names the kernel; an eager-only row names the op: prefer the graph side's kind.
    if (r.graph.kernels > 0 && row.graph.kernels === 0) row.kind = r.kind;
    row.eager.kernels += r.eager.kernels;
    row.eager.ms += r.eager.ms;
    row.graph.kernels += r.graph.kernels;
    row.graph.ms += r.graph.ms;
  }
  const merged = [...rows.values()].map(({ labels, ...r }) => {
    // Several kernels of one op (softmax: softmaxStats + softmax): the row is the op.
    const ops = [...new Set(r.sources.map((s) => s.op))];
    const label = labels.length === 1 ? labels[0] : ops.length === 1 ? `${ops[0]} (${labels.join(' + ')})` : labels.join(' | ');
    return { ...r, label, speedup: r.eager.ms > 0 && r.graph.ms > 0 ? r.eager.ms / r.graph.ms : undefined };
  });
  placeRows(merged, profiles);
  return merged;
}

/**
 * Where each row ran, from the two profiles (comparison rows carry no device): the devices of the kernels
 * that share its sources; a transfer row gets its route and the bytes each mode moved.
 */
function placeRows(rows: CompareRow[], profiles: { eager?: WG.Profile; graph?: WG.Profile }): void {
  const devices = new Map<string, Set<string>>();
  const copies = new Map<string, { route: string; eager: number; graph: number }>();
  for (const side of ['eager', 'graph'] as const) {
    for (const k of profiles[side]?.kernels ?? []) {
      if (k.kind === 'transfer') {
        const c = copies.get(k.name) ?? copies.set(k.name, { route: routeOf(k), eager: 0, graph: 0 }).get(k.name)!;
        c[side] += movedBytes(k);
        continue;
      }
      for (const s of k.sources) (devices.get(positionKey(s)) ?? devices.set(positionKey(s), new Set()).get(positionKey(s))!).add(k.device);
    }
  }
  for (const r of rows) {
    if (r.kind === 'transfer') {
      const c = copies.get(r.label);
      if (c) Object.assign(r, { route: c.route, bytes: { eager: c.eager, graph: c.graph } });
      continue;
    }
    const ds = new Set(r.sources.flatMap((s) => [...(devices.get(positionKey(s)) ?? [])]));
    if (ds.size) r.route = [...ds].sort().join(' / ');
  }
}

const positionKey = (s: WG.ProfileSource) => `${s.op}@${s.file ?? ''}:${s.line ?? ''}:${s.column ?? ''}`;

/**
 * Gives each eager-only row to the graph row that covers its source op at the same position, as
 * wg.compareProfiles does itself when both profiles use the same coordinates. (When they did not — one
 * profile's positions already mapped to the snippet, the other's still in the emitted code — the engine
 * could not pair them; once normalised, both sides are in snippet coordinates and pair here. When the
 * engine did pair them, there is no eager-only row left for a covered source and this changes nothing.)
 */
function pairBySource(input: readonly WG.ComparisonRow[]): WG.ComparisonRow[] {
  const rows = input.map((r) => ({ ...r, eager: { ...r.eager }, graph: { ...r.graph } }));
  const owner = new Map<string, WG.ComparisonRow>();
  for (const r of rows) {
    if (r.kind === 'transfer' || r.graph.kernels === 0) continue;
    for (const s of r.sources) if (s.line !== undefined && !owner.has(positionKey(s))) owner.set(positionKey(s), r);
  }
  return rows.filter((r) => {
    if (r.kind === 'transfer' || r.graph.kernels > 0 || r.sources.length !== 1) return true;
    const o = owner.get(positionKey(r.sources[0]));
    if (!o) return true;
    o.eager.kernels += r.eager.kernels;
    o.eager.ms += r.eager.ms;
    return false;
  });
}

/** The ops a fused kernel's row covers, for a tooltip: "mul (line 5), add (line 5), …". */
export function describeSources(sources: readonly WG.ProfileSource[], max = 12): string {
  const parts = sources
    .slice(0, max)
    .map((s) => `${s.node && s.node !== s.op ? `${s.node} = ${s.op}` : s.op}${s.line !== undefined ? ` (line ${s.line})` : ''}${s.grad ? ` · ${gradLabel(s.grad)}` : ''}`);
  if (sources.length > max) parts.push(`… ${sources.length - max} more`);
  return parts.join(', ');
}
