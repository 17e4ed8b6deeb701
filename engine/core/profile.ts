// Profiling: the plain-data types of a profile (DESIGN.md §6) and the collector that backends, the eager
// runtime and the graph executor feed while `wg.profile` / `wg.record` / `sess.run(…, { profile: true })`
// is active. Nothing here touches a device: backends measure, this file only keeps what they report.
// When no collector is active every hook is one `undefined` check, so profiling off costs nothing.

/** The forward op a gradient op differentiates: its op, its graph node (graph mode) and the user's line. */
export interface GradOf {
  op: string;
  node?: string;
  file?: string;
  line?: number;
  column?: number;
}

/** Where a kernel came from: the public op, the graph node (graph mode) and the user's source position. */
export interface ProfileSource {
  op: string;
  node?: string;
  file?: string;
  line?: number;
  column?: number;
  /** Set on the backward pass's kernels: the forward op they differentiate. */
  grad?: GradOf;
}

/**
 * Set by the backward pass (autodiff/tape.ts) while a gradient rule runs: graph nodes recorded and eager
 * kernels profiled meanwhile are marked as the gradient of that forward op.
 */
export const backwardOf: { current?: GradOf } = {};

export interface ProfileKernel {
  name: string;
  /** 'elementwise' | 'reduce' | 'matmul' | 'conv' | 'scan' | 'transfer'. */
  kind: string;
  /** The variant a selection point chose (matmul, convolution), in words: e.g. 'gemm vec4 input, vec4 filter, 4×16 per invocation'. */
  variant?: string;
  /** Key of the kernel's WGSL in a run record (`record.wgsl[kernelId]`); transfers: 'transfer:<what>'. */
  kernelId: string;
  device: string;
  /** Output shape and dtype (transfers: the tensor moved). */
  shape: number[];
  dtype: string;
  sources: ProfileSource[];
  /**
   * Start, in ms: on the GPU timeline relative to the profile's first timestamp when timestamps are
   * available, otherwise when the CPU recorded it, relative to the profile's start.
   */
  startMs: number;
  /** Time on the device from timestamp queries (undefined without them or when they were unusable). */
  gpuMs?: number;
  /** CPU-observed time: CPU kernels' run time; without timestamps, each GPU kernel's completion interval; readbacks' wait. */
  cpuMs?: number;
  /** CPU time spent recording the dispatch (binding, uniforms, encoding). */
  encodeMs: number;
  /** Time spent generating and compiling its pipeline during this profile (0 on a cache hit). */
  compileMs: number;
  cacheHit: boolean;
  bytesRead: number;
  bytesWritten: number;
}

export interface ProfileTotals {
  wallMs: number;
  gpuMs?: number;
  dispatches: number;
  submissions: number;
  pipelinesCompiled: number;
  compileMs: number;
  /** Highest bytes in use on any device during the profile (storages of live tensors and plans). */
  peakBytes: number;
}

export interface ProfileTimer {
  source: 'timestamp-query' | 'cpu';
  /** Smallest time step the timer shows (quantised timestamps: the quantum). */
  resolutionMs: number;
  /** Why the timer is what it is, when it is not plain timestamp queries. */
  note?: string;
}

export interface Profile {
  mode: 'eager' | 'graph' | 'mixed';
  /** The first MAX_PROFILED kernels (a long run is bounded); `omittedKernels` counts the others. */
  kernels: ProfileKernel[];
  /** Kernels that ran but are not listed (past MAX_PROFILED); the totals still count them. */
  omittedKernels?: number;
  totals: ProfileTotals;
  timer: ProfileTimer;
}

/** What a backend knows about a launch it is about to run (sources come from the collector). */
export interface KernelMeta {
  name: string;
  kind: string;
  shape: number[];
  dtype: string;
  bytesRead: number;
  bytesWritten: number;
  /** Graph nodes the launch computes (graph plans); eager launches take the current op's source. */
  nodes?: readonly number[];
}

/** One eager op call, as the run record's trace shows it. */
export interface TraceOp {
  op: string;
  file?: string;
  line?: number;
  column?: number;
  /** The wg.nameScope path the op was called in (absent outside every scope). */
  scope?: string;
  /** Set on ops of a backward pass: the forward op they differentiate. */
  grad?: GradOf;
  /** Tensors read and made (ids link one op's outputs to later ops' inputs: the trace is a graph). */
  inputs: { id: number; shape: number[]; dtype: string }[];
  outputs: { id: number; shape: number[]; dtype: string }[];
  /** Indices into profile.kernels of the kernels the op dispatched. */
  kernels: number[];
}

/** Device counters a backend exposes so that totals can be taken as differences. */
export interface BackendCounters {
  dispatches: number;
  submissions: number;
  pipelinesCompiled: number;
}

/** A device's share of the work: lets backends finish their measurements when the profile ends. */
export interface ProfiledDevice {
  counters(): BackendCounters;
  /** Resolves timestamps / completion times into the kernels this device reported. */
  finish(p: ProfileCollector): Promise<void>;
}

/** Node → source resolution installed by the graph executor while it enqueues a plan. */
export type NodeSources = (node: number) => ProfileSource | undefined;

/** A snapshot of what kernels are attributed to (see ProfileCollector.context). */
export interface ProfileContext {
  nodeSources: NodeSources | undefined;
  ops: ProfileCollector['ops'];
}

/**
 * A profile lists at most this many kernels, and a run record's trace at most this many ops: a snippet that
 * loops without end (or a long training run) keeps its profile's memory bounded. Past it they are counted.
 */
export const MAX_PROFILED = 100_000;

export class ProfileCollector {
  readonly kernels: ProfileKernel[] = [];
  omittedKernels = 0;
  omittedTrace = 0;
  readonly t0 = performance.now();
  /** WGSL by kernelId (kept for run records). */
  readonly wgsl = new Map<string, string>();
  readonly trace: TraceOp[] = [];
  /** Graph runs (filled by the graph layer; opaque here). */
  readonly graphs: unknown[] = [];
  readonly devices = new Map<ProfiledDevice, BackendCounters>();
  eagerKernels = 0;
  graphKernels = 0;
  peakBytes = 0;
  compileMs = 0;
  timer: ProfileTimer = { source: 'cpu', resolutionMs: 0 };
  /** Eager op frames (outermost first): kernels dispatched inside are attributed to the outermost. */
  readonly ops: { source: ProfileSource; trace?: TraceOp }[] = [];
  nodeSources: NodeSources | undefined;

  constructor(readonly options: { wgsl: boolean; trace: boolean }) {}

  /** Called by a backend the first time it reports in this profile (counter baselines). */
  attach(d: ProfiledDevice): void {
    if (!this.devices.has(d)) this.devices.set(d, d.counters());
  }

  sourcesOf(meta: KernelMeta): ProfileSource[] {
    if (meta.nodes && this.nodeSources) {
      const out = meta.nodes.map((n) => this.nodeSources!(n)).filter((s): s is ProfileSource => s !== undefined);
      if (out.length > 0) return out;
    }
    const op = this.ops[0];
    return op ? [op.source] : [{ op: meta.name }];
  }

  /** Adds a kernel entry; returns it so the backend can fill in its times later. */
  /** Where kernels added now are attributed (the op being run, the plan's nodes): for work that runs later. */
  context(): ProfileContext {
    return { nodeSources: this.nodeSources, ops: [...this.ops] };
  }

  /** Runs `fn` with kernels attributed as they were when `at` was taken (a deferred CPU kernel). */
  within<T>(at: ProfileContext, fn: () => T): T {
    const saved = this.context();
    this.nodeSources = at.nodeSources;
    this.ops.splice(0, this.ops.length, ...at.ops);
    try {
      return fn();
    } finally {
      this.nodeSources = saved.nodeSources;
      this.ops.splice(0, this.ops.length, ...saved.ops);
    }
  }

  add(meta: KernelMeta, device: string, extra: Partial<ProfileKernel> & { kernelId: string }): ProfileKernel {
    const k: ProfileKernel = {
      name: meta.name,
      kind: meta.kind,
      device,
      shape: meta.shape,
      dtype: meta.dtype,
      sources: this.sourcesOf(meta),
      startMs: performance.now() - this.t0,
      encodeMs: 0,
      compileMs: 0,
      cacheHit: true,
      bytesRead: meta.bytesRead,
      bytesWritten: meta.bytesWritten,
      ...extra,
    };
    this.compileMs += k.compileMs;
    if (meta.kind !== 'transfer') {
      if (meta.nodes && this.nodeSources) this.graphKernels++;
      else this.eagerKernels++;
    }
    if (this.kernels.length >= MAX_PROFILED) {
      this.omittedKernels++;
      return k; // filled in by its backend as usual, but not listed
    }
    this.ops[0]?.trace?.kernels.push(this.kernels.length);
    this.kernels.push(k);
    return k;
  }

  private seenGraphs = new Map<object, { runs: number }>();

  /** A graph plan ran: run records list each plan once (described on first sight) with its run count. */
  noteGraph(key: object, describe: () => unknown): void {
    const seen = this.seenGraphs.get(key);
    if (seen) {
      seen.runs++;
      return;
    }
    if (!this.options.trace) return;
    const g = { ...(describe() as object), runs: 1 };
    this.seenGraphs.set(key, g);
    this.graphs.push(g);
  }

  notePeak(bytes: number): void {
    if (bytes > this.peakBytes) this.peakBytes = bytes;
  }

  async finish(): Promise<Profile> {
    for (const d of this.devices.keys()) await d.finish(this);
    const wallMs = performance.now() - this.t0;
    const totals: ProfileTotals = { wallMs, dispatches: 0, submissions: 0, pipelinesCompiled: 0, compileMs: this.compileMs, peakBytes: this.peakBytes };
    for (const [d, base] of this.devices) {
      const now = d.counters();
      totals.dispatches += now.dispatches - base.dispatches;
      totals.submissions += now.submissions - base.submissions;
      totals.pipelinesCompiled += now.pipelinesCompiled - base.pipelinesCompiled;
    }
    const timed = this.kernels.filter((k) => k.gpuMs !== undefined);
    if (timed.length > 0) totals.gpuMs = timed.reduce((s, k) => s + k.gpuMs!, 0);
    const mode = this.graphKernels > 0 && this.eagerKernels > 0 ? 'mixed' : this.graphKernels > 0 ? 'graph' : 'eager';
    return { mode, kernels: this.kernels, totals, timer: this.timer, ...(this.omittedKernels ? { omittedKernels: this.omittedKernels } : {}) };
  }
}

/** The active collector (innermost profile); undefined when nothing is being profiled. */
export const profiling: { current: ProfileCollector | undefined } = { current: undefined };

/** A short stable id for a kernel's WGSL (FNV-1a, 32 bits, hex). */
export function kernelIdOf(code: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < code.length; i++) {
    h ^= code.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `k${(h >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * Runs `fn` with a new collector active (the innermost profile gets the kernels), then resolves the
 * devices' measurements. Work started concurrently by other code while `fn` awaits is profiled too.
 */
export async function collect<T>(
  fn: () => Promise<T> | T,
  options: { wgsl: boolean; trace: boolean; bytesInUse?: number; start?: (c: ProfileCollector) => void },
): Promise<{ result: T; collector: ProfileCollector; profile: Profile }> {
  const c = new ProfileCollector(options);
  c.notePeak(options.bytesInUse ?? 0);
  options.start?.(c);
  const prev = profiling.current;
  profiling.current = c;
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    profiling.current = prev;
    await c.finish().catch(() => undefined); // frees query sets; the error is what matters
    throw e;
  }
  profiling.current = prev;
  return { result, collector: c, profile: await c.finish() };
}
