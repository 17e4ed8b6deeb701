// The WebGPU side of a profile: timestamp queries around every kernel (each kernel gets its own compute pass
// while profiling), resolved and read back once when the profile ends; without the timestamp-query
// feature, every kernel is submitted alone and timed by when the queue reports it done (CPU-observed).
import type { ProfileCollector, ProfileKernel, ProfiledDevice, BackendCounters } from '../../core/profile';

/** The spec's largest query set (maxQuerySetCount isn't a limit; 4096 is the validation bound). */
const QUERIES_PER_SET = 4096;

interface Timed {
  kernel: ProfileKernel;
  /** Query set index and first of the two queries (begin, end) when timestamps are used. */
  set?: number;
  query?: number;
  /** CPU-observed completion (ms since the collector's t0) when timestamps are not used. */
  done?: Promise<number>;
  submittedAt?: number;
}

export interface ProfilerHost {
  readonly device: GPUDevice;
  counters(): BackendCounters;
  /** Submits pending work (the profile's last kernels) before the queries are resolved. */
  flush(): void;
  /** Resolves once held submissions (waiting for CPU values) have gone out. */
  settled(): Promise<void>;
}

export class GpuProfiler implements ProfiledDevice {
  readonly timestamps: boolean;
  private sets: { set: GPUQuerySet; used: number }[] = [];
  private timed: Timed[] = [];

  constructor(
    private host: ProfilerHost,
    private collector: ProfileCollector,
    /** Tests switch timestamps off to exercise the CPU-observed fallback. */
    allowTimestamps: boolean,
  ) {
    this.timestamps = allowTimestamps && host.device.features.has('timestamp-query');
    collector.timer = this.timestamps
      ? { source: 'timestamp-query', resolutionMs: 0 }
      : {
          source: 'cpu',
          resolutionMs: 0,
          note: allowTimestamps
            ? 'this adapter has no timestamp-query: kernel times are CPU-observed completion intervals (each kernel submitted alone)'
            : 'timestamp queries switched off: kernel times are CPU-observed completion intervals (each kernel submitted alone)',
        };
  }

  counters(): BackendCounters {
    return this.host.counters();
  }

  /** Timestamp writes for a kernel's own pass (undefined without timestamps). */
  passDescriptor(kernel: ProfileKernel): GPUComputePassDescriptor {
    if (!this.timestamps) {
      this.timed.push({ kernel });
      return {};
    }
    let s = this.sets[this.sets.length - 1];
    if (!s || s.used + 2 > QUERIES_PER_SET) {
      s = { set: this.host.device.createQuerySet({ type: 'timestamp', count: QUERIES_PER_SET }), used: 0 };
      this.sets.push(s);
    }
    const query = s.used;
    s.used += 2;
    this.timed.push({ kernel, set: this.sets.length - 1, query });
    return { timestampWrites: { querySet: s.set, beginningOfPassWriteIndex: query, endOfPassWriteIndex: query + 1 } };
  }

  /** Without timestamps: the kernel was just submitted alone; note when the queue finishes it. */
  submitted(kernel: ProfileKernel): void {
    const t = this.timed.find((x) => x.kernel === kernel && x.done === undefined);
    if (!t) return;
    t.submittedAt = performance.now() - this.collector.t0;
    t.done = this.host.device.queue.onSubmittedWorkDone().then(() => performance.now() - this.collector.t0);
  }

  async finish(c: ProfileCollector): Promise<void> {
    this.host.flush();
    await this.host.settled();
    if (this.timestamps) await this.resolveTimestamps(c);
    else await this.resolveCompletions();
  }

  private async resolveCompletions(): Promise<void> {
    // The queue runs submissions in order: a kernel's time is from when it could start (its submission, or
    // the previous kernel's completion) to its own completion.
    let prevDone = 0;
    for (const t of this.timed) {
      if (!t.done) continue;
      const done = await t.done;
      const start = Math.max(prevDone, t.submittedAt ?? 0);
      t.kernel.cpuMs = Math.max(0, done - start);
      prevDone = done;
    }
  }

  private async resolveTimestamps(c: ProfileCollector): Promise<void> {
    const device = this.host.device;
    const values: bigint[][] = [];
    for (const s of this.sets) {
      const bytes = s.used * 8;
      const resolve = device.createBuffer({ size: Math.max(bytes, 8), usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      const read = device.createBuffer({ size: Math.max(bytes, 8), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const enc = device.createCommandEncoder();
      if (s.used > 0) {
        enc.resolveQuerySet(s.set, 0, s.used, resolve, 0);
        enc.copyBufferToBuffer(resolve, 0, read, 0, bytes);
      }
      device.queue.submit([enc.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      values.push([...new BigUint64Array(read.getMappedRange().slice(0))]);
      read.unmap();
      read.destroy();
      resolve.destroy();
      s.set.destroy();
    }
    this.sets = [];
    const pairs = this.timed.map((t) => {
      const v = values[t.set!];
      return [Number(v[t.query!]), Number(v[t.query! + 1])] as const;
    });
    if (pairs.length === 0) return;
    // Passes run in submission order, so a kernel that ends before it begins, or begins before the previous
    // one ended, means the timestamps are not usable (some drivers reorder or reset them): report no GPU
    // times rather than noise.
    const outOfOrder = pairs.some(([b, e], i) => e < b || (i > 0 && b < pairs[i - 1][0]));
    if (outOfOrder) {
      c.timer = { source: 'cpu', resolutionMs: 0, note: 'timestamp queries came back out of order on this adapter; GPU times are omitted' };
      return;
    }
    const origin = pairs[0][0];
    this.timed.forEach((t, i) => {
      t.kernel.startMs = (pairs[i][0] - origin) / 1e6;
      t.kernel.gpuMs = (pairs[i][1] - pairs[i][0]) / 1e6;
    });
    c.timer = { source: 'timestamp-query', resolutionMs: resolutionOf(pairs.flat()) / 1e6 };
    if (c.timer.resolutionMs >= 0.001) {
      c.timer.note = `timestamps are quantised to ${c.timer.resolutionMs} ms on this browser: shorter kernels read as 0 or one step`;
    }
  }
}

/** The timer's step in ns: the greatest common divisor of the differences between timestamps. */
export function resolutionOf(ns: number[]): number {
  const sorted = [...new Set(ns)].sort((a, b) => a - b);
  let g = 0;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  for (let i = 1; i < sorted.length; i++) g = gcd(sorted[i] - sorted[i - 1], g);
  return g === 0 ? 1 : g;
}
