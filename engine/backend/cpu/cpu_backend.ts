// The CPU backend: typed-array storage and an evaluator for Kernel IR (the fallback device, and the
// twin the property tests compare WebGPU against). Kernels run as generated JavaScript (jit.ts) where the
// page allows eval; the closure interpreter (interpreter.ts, run by the methods below) is the reference and
// the fallback.
import { DTYPE_INFO, storageArray, type DType } from '../../core/dtype';
import type { Launch } from '../../ir/kernel';
import { checkMemoryLimit, memoryLimitBytes } from '../../core/memory_limit';
import { profiling, type BackendCounters, type ProfileCollector, type ProfiledDevice } from '../../core/profile';
import type { Backend, BackendLimits, MemoryStats, ReadRequest, StorageArray, TransferItem } from '../backend';
import { DTYPE_OF_ARRAY, launchMeta, transferMeta } from '../meta';
import { interpretedFn, interpretedUnary, interpretElementwise } from './interpreter';
import { cpuConv } from './conv';
import { cpuMatmulReference, cpuReduce, cpuScan } from './kernels';
import { cpuKernelMode, runElementwiseJit } from './jit';
import { matmulEpilogueJit, runReduceJit } from './jit_reduce';
import { closureRowEpilogue, cpuMatmul } from './matmul';

export interface CpuStorage {
  data: StorageArray;
}

const MAX_CPU_BYTES = 2 ** 31 - 1; // typed arrays past 2 GiB are not portable across engines

export class CpuBackend implements Backend<CpuStorage, Launch<CpuStorage>[]> {
  readonly name = 'cpu' as const;
  readonly limits: BackendLimits = { maxStorageBytes: MAX_CPU_BYTES, maxStorageLimitName: 'CPU typed-array size' };
  private bytesInUse = 0;
  private created = 0;
  dispatches = 0;
  private attached = new WeakSet<ProfileCollector>();
  /** A profile's view of this device: CPU kernels are timed as they run, so there is nothing to resolve. */
  private readonly profiled: ProfiledDevice = {
    counters: (): BackendCounters => ({ dispatches: this.dispatches, submissions: 0, pipelinesCompiled: 0 }),
    finish: async () => {
      await this.settled();
    },
  };

  // ---- the work stream: CPU kernels run at once, unless they touch storage that deferred work uses ----
  // A storage filled from WebGPU gets its values asynchronously (a readback). Work that touches it (or any
  // storage that deferred work touches) is deferred behind it, in order; independent work runs at once, so
  // CPU work overlaps GPU work. Deferred work commutes with nothing it shares a storage with, and everything
  // that shares none commutes with it: running the latter now is safe.

  /** The deferred work, chained in order; undefined when there is none. */
  private chain: Promise<void> | undefined;
  /** Storages that work in the chain reads or writes (cleared when the chain drains). */
  private touched = new Set<CpuStorage>();
  /** A deferred step that failed (a lost device during a transfer): reported by the next read. */
  private failure: unknown;

  private mustDefer(handles: CpuStorage[]): boolean {
    return this.chain !== undefined && handles.some((h) => this.touched.has(h));
  }

  private defer(handles: CpuStorage[], work: () => void | Promise<void>): void {
    for (const h of handles) this.touched.add(h);
    const link = (this.chain ?? Promise.resolve()).then(work).catch((e) => {
      this.failure ??= e;
    });
    this.chain = link;
    void link.then(() => {
      if (this.chain !== link) return;
      this.chain = undefined;
      this.touched.clear();
    });
  }

  /** Runs `work` now, or after the deferred work when it touches the same storages. */
  private inOrder(handles: CpuStorage[], work: () => void): void {
    if (this.mustDefer(handles)) this.defer(handles, work);
    else work();
  }

  settled(): Promise<void> {
    return this.chain ?? Promise.resolve();
  }

  receive(from: Backend, items: TransferItem[]): CpuStorage[] {
    // All or nothing under a memory limit: no storage is made unless every one fits.
    if (memoryLimitBytes !== null) checkMemoryLimit(items.reduce((p, it) => p + (it.into ? 0 : it.count * 4), 0));
    const hs = items.map((it) => (it.into as CpuStorage | undefined) ?? this.alloc(it.count * 4));
    const now = items.map((it) => from.readNow?.(it.src, it.dtype, it.offset, it.count));
    items.forEach((it, i) => {
      const v = now[i];
      if (!v) return;
      this.write(hs[i], v);
      if (profiling.current) this.collector()!.add(transferMeta(`${from.name}→cpu`, it.count, it.dtype, false, it.nodes), 'cpu', { kernelId: `transfer:${from.name}→cpu` });
    });
    const later = items.flatMap((it, i) => (now[i] ? [] : [{ handle: it.src, dtype: it.dtype, offset: it.offset, count: it.count, into: hs[i], nodes: it.nodes }]));
    if (later.length > 0) {
      // Ask for the values now (the device copies them in order with its queue: one submission for all),
      // wait for them later. The sending device reports the transfer to a profile (it knows its timing).
      const values = from.readMany(later, `${from.name}→cpu`);
      const into = later.map((r) => r.into);
      this.defer(into, async () => {
        const vs = await values;
        vs.forEach((v, i) => new Uint32Array(into[i].data.buffer).set(new Uint32Array(v.buffer, v.byteOffset, v.length)));
      });
    }
    return hs;
  }

  readNow(h: CpuStorage, dtype: DType, offset: number, count: number): StorageArray | undefined {
    if (this.mustDefer([h])) return undefined;
    return storageArray(dtype, h.data.buffer as ArrayBuffer).slice(offset, offset + count);
  }

  alloc(bytes: number): CpuStorage {
    if (memoryLimitBytes !== null) checkMemoryLimit(bytes);
    this.created++;
    this.bytesInUse += bytes;
    profiling.current?.notePeak(this.bytesInUse);
    return { data: new Uint32Array(bytes / 4) };
  }

  upload(data: StorageArray): CpuStorage {
    const s = this.alloc(data.byteLength);
    new Uint32Array(s.data.buffer).set(new Uint32Array(data.buffer, data.byteOffset, data.length));
    if (profiling.current) this.collector()!.add(transferMeta('upload', data.length, DTYPE_OF_ARRAY(data), false), 'cpu', { kernelId: 'transfer:upload' });
    return s;
  }

  private collector(): ProfileCollector | undefined {
    const c = profiling.current;
    if (c) this.startProfile(c);
    return c;
  }

  /** Joins a profile (its counters are the baseline of the totals). */
  startProfile(c: ProfileCollector): void {
    if (this.attached.has(c)) return;
    this.attached.add(c);
    c.attach(this.profiled);
  }

  release(h: CpuStorage): void {
    this.bytesInUse -= h.data.byteLength;
  }

  flush(): void {}

  /** Bytes held by live storages (what memory() reports as bytesInUse), without making an object. */
  bytesLive(): number {
    return this.bytesInUse;
  }

  memory(): MemoryStats {
    return { bytesInUse: this.bytesInUse, bytesPooled: 0, buffersCreated: this.created };
  }

  /** The values as of now in program order: work deferred before it is waited for, later work is not. */
  read(h: CpuStorage, dtype: DType, offset: number, count: number): Promise<StorageArray> {
    const slice = () => storageArray(dtype, h.data.buffer as ArrayBuffer).slice(offset, offset + count);
    if (!this.mustDefer([h])) return Promise.resolve(slice());
    return new Promise((resolve, reject) =>
      this.defer([h], () => {
        if (this.failure === undefined) return resolve(slice());
        const e = this.failure;
        this.failure = undefined;
        reject(e);
      }),
    );
  }

  async readMany(reads: ReadRequest<CpuStorage>[]): Promise<StorageArray[]> {
    return Promise.all(reads.map((r) => this.read(r.handle, r.dtype, r.offset, r.count)));
  }

  write(h: CpuStorage, data: StorageArray): void {
    const words = new Uint32Array(data.buffer, data.byteOffset, data.length);
    if (!this.mustDefer([h])) new Uint32Array(h.data.buffer).set(words);
    else {
      const kept = words.slice();
      this.defer([h], () => new Uint32Array(h.data.buffer).set(kept));
    }
  }

  copy(src: CpuStorage, srcOffset: number, dst: CpuStorage, dstOffset: number, count: number): void {
    this.inOrder([src, dst], () => {
      const s = new Uint32Array(src.data.buffer);
      new Uint32Array(dst.data.buffer).set(s.subarray(srcOffset, srcOffset + count), dstOffset);
    });
  }

  /** A CPU program is its launch list: nothing to precompute beyond the compiled expressions. */
  prepare(launches: Launch<CpuStorage>[]): Launch<CpuStorage>[] {
    return launches;
  }

  enqueue(program: Launch<CpuStorage>[], rebind?: Map<CpuStorage, CpuStorage>): void {
    if (!rebind || rebind.size === 0) {
      for (const l of program) this.run(l);
      return;
    }
    const h = (x: CpuStorage) => rebind.get(x) ?? x;
    for (const l of program) this.run({ ...l, inputs: l.inputs.map((v) => ({ ...v, handle: h(v.handle) })), out: h(l.out) });
  }

  releaseProgram(): void {}

  run(launch: Launch<CpuStorage>): void {
    this.dispatches++;
    if (this.chain) {
      const handles = [...launch.inputs.map((v) => v.handle), launch.out];
      if (this.mustDefer(handles)) {
        // It runs later: the profile (and the op or graph node it is attributed to) is the one of now.
        const c = this.collector();
        const at = c?.context();
        return this.defer(handles, () => (c ? c.within(at!, () => this.timed(launch, c)) : this.timed(launch)));
      }
    }
    this.timed(launch, this.collector());
  }

  /** Runs a kernel now, timed when a profile is being collected. */
  private timed(launch: Launch<CpuStorage>, c?: ProfileCollector): void {
    if (!c) return this.runKernel(launch);
    const t0 = performance.now();
    this.runKernel(launch);
    const ms = performance.now() - t0;
    c.add(launchMeta(launch), 'cpu', { kernelId: `cpu:${launch.kernel.kind}:${launch.kernel.name}`, cpuMs: ms, startMs: t0 - c.t0 });
  }

  private runKernel(launch: Launch<CpuStorage>): void {
    const k = launch.kernel;
    switch (k.kind) {
      case 'elementwise':
        if (runElementwiseJit(k, launch)) return;
        return interpretElementwise(k, launch);
      case 'reduce':
        if (runReduceJit(k, launch)) return;
        return cpuReduce(k, launch, interpretedFn(k.prologue, launch.params), interpretedUnary(k.epilogue, launch.params));
      case 'matmul': {
        const e = k.epilogue;
        if (cpuKernelMode() === 'interpreter') return cpuMatmulReference(k, launch, e ? interpretedFn(e, launch.params) : undefined);
        // The tiled loop needs no eval; only its epilogue is generated (or interpreted where eval is refused).
        const rows = e ? (matmulEpilogueJit(k) ?? closureRowEpilogue(interpretedFn(e, launch.params), k.extras?.length ?? 0, DTYPE_INFO[e.dtype].round)) : undefined;
        return cpuMatmul(k, launch, rows);
      }
      case 'conv':
        return cpuConv(k, launch, k.epilogue ? interpretedFn(k.epilogue, launch.params) : undefined);
      case 'scan':
        return cpuScan(k, launch);
      default:
        return k satisfies never;
    }
  }
}
