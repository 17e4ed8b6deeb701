// Profiling API: wg.profile, wg.record, wg.compareProfiles and wg.toChromeTrace. Everything returned is
// plain JSON-serialisable data, so it can cross the playground's sandbox boundary by postMessage.
import { formatLocation } from '../core/errors';
import { collect, type Profile, type ProfileKernel, type ProfileSource, type ProfileTotals, type TraceOp } from '../core/profile';
import { runtime } from '../eager/runtime';
import type { GraphRun } from '../graph/profile_graph';

/** Runs `fn` and profiles every kernel and transfer it causes, in eager and graph mode alike. */
export async function profile<T>(fn: () => Promise<T> | T): Promise<{ result: T; profile: Profile }> {
  const { result, profile: p } = await collect(fn, runtime.profileOptions({ wgsl: false, trace: false }));
  return { result, profile: p };
}

/** What the playground shows of a run: the profile, the WGSL of its kernels, its graphs and its eager ops. */
export interface RunRecord {
  profile: Profile;
  /** Generated WGSL by kernelId (the profile's kernels name theirs). */
  wgsl: Record<string, string>;
  /** Every graph plan that ran: its nodes, kernels before and after each pass, and its run count. */
  graphs: GraphRun[];
  /** The eager ops executed, in order, with shapes, source lines and the kernels each dispatched (the first MAX_PROFILED). */
  trace: TraceOp[];
  /** Eager ops past MAX_PROFILED, counted but not traced. */
  omittedTrace?: number;
}

/** Like wg.profile, and also keeps the WGSL, the graphs that ran and the eager op trace. */
export async function record<T>(fn: () => Promise<T> | T): Promise<{ result: T; record: RunRecord }> {
  const { result, collector, profile: p } = await collect(fn, runtime.profileOptions({ wgsl: true, trace: true }));
  return {
    result,
    record: {
      profile: p,
      wgsl: Object.fromEntries(collector.wgsl),
      graphs: collector.graphs as GraphRun[],
      trace: collector.trace,
      ...(collector.omittedTrace ? { omittedTrace: collector.omittedTrace } : {}),
    },
  };
}

// ---- comparing an eager and a graph profile of the same code ----

export interface ComparisonSide {
  /** Kernels (and transfers) of this mode in the row. */
  kernels: number;
  /** Their time: GPU time where measured, else CPU-observed time. */
  ms: number;
}

export interface ComparisonRow {
  /** The op (eager-only rows) or the graph kernel's name (a fused kernel lists its ops). */
  label: string;
  kind: string;
  /** Source ops the row covers, and their lines as file:line:column. */
  sources: ProfileSource[];
  lines: string[];
  eager: ComparisonSide;
  graph: ComparisonSide;
}

export interface ProfileComparison {
  rows: ComparisonRow[];
  totals: { eager: ProfileTotals; graph: ProfileTotals; speedup: number; gpuSpeedup?: number };
  timers: { eager: Profile['timer']; graph: Profile['timer'] };
}

const kernelMs = (k: ProfileKernel) => k.gpuMs ?? k.cpuMs ?? 0;
const where = (s: ProfileSource) => (s.line !== undefined ? formatLocation({ file: s.file ?? '', line: s.line, column: s.column ?? 0 }) : undefined);
/** Eager and graph sources of the same call site share this key. */
const sourceKey = (s: ProfileSource) => `${s.op}@${where(s) ?? ''}`;

/**
 * Lines up two profiles of the same code, row by row, keyed by source op and line: a graph kernel is one
 * row (all of its runs together) whose eager side is the sum of the eager kernels of the ops it covers;
 * eager kernels no graph kernel covers (ops folded or pruned away) get rows of their own.
 */
export function compareProfiles(eager: Profile, graph: Profile): ProfileComparison {
  const rows: ComparisonRow[] = [];
  const rowOfSource = new Map<string, ComparisonRow>();
  const rowOfKernel = new Map<string, ComparisonRow>();
  const newRow = (label: string, kind: string, sources: ProfileSource[]): ComparisonRow => {
    const row: ComparisonRow = {
      label,
      kind,
      sources,
      lines: [...new Set(sources.map(where).filter((l): l is string => l !== undefined))],
      eager: { kernels: 0, ms: 0 },
      graph: { kernels: 0, ms: 0 },
    };
    rows.push(row);
    return row;
  };
  for (const k of graph.kernels) {
    const keys = k.sources.map(sourceKey);
    const id = `${k.kind}|${k.kernelId}|${keys.join(',')}`;
    let row = rowOfKernel.get(id);
    if (!row) {
      row = newRow(k.name, k.kind, k.sources);
      rowOfKernel.set(id, row);
      // The first graph kernel to cover a source gets that source's eager time.
      for (const key of keys) if (!rowOfSource.has(key)) rowOfSource.set(key, row);
    }
    row.graph.kernels++;
    row.graph.ms += kernelMs(k);
  }
  for (const k of eager.kernels) {
    const key = k.kind === 'transfer' ? `transfer:${k.name}@${k.sources.map(where).join(',')}` : sourceKey(k.sources[0] ?? { op: k.name });
    let row = k.kind === 'transfer' ? undefined : rowOfSource.get(key);
    if (!row) {
      row = rowOfSource.get(key) ?? newRow(k.kind === 'transfer' ? k.name : (k.sources[0]?.op ?? k.name), k.kind, k.sources);
      rowOfSource.set(key, row);
    }
    row.eager.kernels++;
    row.eager.ms += kernelMs(k);
  }
  const totals: ProfileComparison['totals'] = { eager: eager.totals, graph: graph.totals, speedup: eager.totals.wallMs / graph.totals.wallMs };
  if (eager.totals.gpuMs !== undefined && graph.totals.gpuMs) totals.gpuSpeedup = eager.totals.gpuMs / graph.totals.gpuMs;
  return { rows, totals, timers: { eager: eager.timer, graph: graph.timer } };
}

// ---- Chrome trace ----

/** Chrome Trace Event JSON (opens in Perfetto and chrome://tracing): one complete event per kernel. */
export function toChromeTrace(p: Profile): { traceEvents: object[]; displayTimeUnit: 'ms'; metadata: object } {
  const tid = (k: ProfileKernel) => (k.kind === 'transfer' ? 3 : k.device === 'cpu' ? 2 : 1);
  const events: object[] = [
    { name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: `wgflow (${p.mode})` } },
    { name: 'thread_name', ph: 'M', pid: 1, tid: 1, args: { name: 'webgpu kernels' } },
    { name: 'thread_name', ph: 'M', pid: 1, tid: 2, args: { name: 'cpu kernels' } },
    { name: 'thread_name', ph: 'M', pid: 1, tid: 3, args: { name: 'transfers' } },
  ];
  for (const k of p.kernels) {
    events.push({
      name: k.name,
      cat: k.kind,
      ph: 'X',
      pid: 1,
      tid: tid(k),
      ts: Math.round(k.startMs * 1000),
      dur: Math.max(1, Math.round((k.gpuMs ?? k.cpuMs ?? k.encodeMs) * 1000)),
      args: {
        sources: k.sources.map((s) => `${s.op}${s.node ? ` (${s.node})` : ''}${where(s) ? ` at ${where(s)}` : ''}`),
        shape: k.shape,
        dtype: k.dtype,
        kernelId: k.kernelId,
        bytesRead: k.bytesRead,
        bytesWritten: k.bytesWritten,
        encodeMs: k.encodeMs,
        compileMs: k.compileMs,
      },
    });
  }
  return { traceEvents: events, displayTimeUnit: 'ms', metadata: { timer: p.timer, totals: p.totals } };
}
