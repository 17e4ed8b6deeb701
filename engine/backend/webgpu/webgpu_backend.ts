// The WebGPU backend: batches eager dispatches into one command encoder, pools buffers, prepares graph
// programs, profiles, and reads back. Kernel families are in families.ts, bind groups in bind_groups.ts.
import type { DType } from '../../core/dtype';
import { DeviceLostError, LimitError, WgError } from '../../core/errors';
import { checkMemoryLimit, memoryLimitBytes } from '../../core/memory_limit';
import { profiling, type KernelMeta, type ProfileCollector } from '../../core/profile';
import type { Kernel, Launch } from '../../ir/kernel';
import type { ShaderModuleSpec } from '../../shaders/codegen';
import type { MatmulVariant } from '../../shaders/matmul';
import type { Backend, BackendLimits, MemoryStats, ReadRequest, StorageArray, TransferItem } from '../backend';
import { DTYPE_OF_ARRAY, launchMeta } from '../meta';
import { BindGroups } from './bind_groups';
import type { AcquiredDevice } from './device';
import { GENERATORS, KernelLaunchers, type GeneratorArgs, type GeneratorKernel, type GeneratorName } from './families';
import { PipelineCache, type CachedPipeline } from './pipelines';
import type { GpuProgram } from './program';
import { BufferPool, bucketSize, type PooledBuffer } from './pool';
import type { GpuProfiler } from './profiler';
import { BackendProfiling } from './profiling';
import { QueueOrder } from './queue_order';
import { readBack, type ReadbackHost } from './readback';
import { receiveOnGpu, type ReceiveHost } from './receive';
import { uploadPixels, type RgbaBytes } from './pixels';
import { defaultTuning, type WebGPUTuning } from './tuning';

export type { WebGPUTuning } from './tuning';

export interface GpuStorage extends PooledBuffer {
  owner: WebGPUBackend;
}


interface CapturedDispatch {
  /** Index of the launch (in prepare's list) this dispatch belongs to: a two-pass reduction has two. */
  launch: number;
  p: CachedPipeline;
  meta?: KernelMeta;
  compile: { ms: number; compiled: boolean };
  uniforms: Uint32Array;
  inputs: GPUBuffer[];
  out: GPUBuffer;
  grid: [number, number, number];
}

const ARENA_BYTES = 64 * 1024;
/** Upper bound of one dispatch's uniform block (rank ≤ 32 keeps every family far below it). */
const MAX_UNIFORM_BYTES = 4096;

export class WebGPUBackend implements Backend<GpuStorage> {
  readonly name = 'webgpu' as const;
  readonly device: GPUDevice;
  readonly limits: BackendLimits;
  readonly tuning: WebGPUTuning;
  readonly pipelines: PipelineCache;
  /** Set once the device is lost; every later call fails with DeviceLostError. */
  lostReason: string | undefined;
  /** Uncaptured GPU errors (engine bugs); surfaced by the next read, and checked by the tests. */
  readonly uncapturedErrors: string[] = [];
  dispatches = 0;
  submissions = 0;

  private pool: BufferPool;
  private staging: BufferPool;
  private encoder: GPUCommandEncoder | undefined;
  private pass: GPUComputePassEncoder | undefined;
  private batched = 0;
  private arena: GPUBuffer;
  private arenaCpu = new Uint32Array(ARENA_BYTES / 4);
  private arenaUsed = 0;
  private flushScheduled = false;
  private uniformAlign: number;
  private preparedKernels = new WeakMap<Kernel, Map<string, CachedPipeline>>();
  /** The variant the matmul selection point picked last (reported by the benchmark). */
  lastMatmulVariant: MatmulVariant | undefined;
  readonly cpuLike: boolean;
  private readonly launchers = new KernelLaunchers(this);
  private readonly bindGroups: BindGroups;
  /** Queue operations waiting behind values that arrive later (see queue_order.ts). */
  private readonly order = new QueueOrder();

  constructor(readonly acquired: AcquiredDevice, onLost: (b: WebGPUBackend, reason: string) => void) {
    const device = (this.device = acquired.device);
    const l = device.limits;
    this.limits =
      l.maxStorageBufferBindingSize <= l.maxBufferSize
        ? { maxStorageBytes: l.maxStorageBufferBindingSize, maxStorageLimitName: 'maxStorageBufferBindingSize' }
        : { maxStorageBytes: l.maxBufferSize, maxStorageLimitName: 'maxBufferSize' };
    const cpuLike = (this.cpuLike = acquired.adapterInfo.isFallbackAdapter || acquired.adapterInfo.architecture === 'swiftshader');
    this.tuning = defaultTuning(cpuLike, l.maxComputeWorkgroupsPerDimension);
    this.uniformAlign = l.minUniformBufferOffsetAlignment;
    this.pipelines = new PipelineCache(device);
    this.bindGroups = new BindGroups(device);
    // Keep up to a quarter of the largest buffer (at least 64 MiB) pooled; beyond that, free for real.
    const storageUsage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.pool = new BufferPool(device, storageUsage, Math.max(64 << 20, l.maxBufferSize / 4), true);
    this.staging = new BufferPool(device, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 64 << 20);
    this.arena = device.createBuffer({ size: ARENA_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.addEventListener('uncapturederror', (e) => {
      this.uncapturedErrors.push((e as GPUUncapturedErrorEvent).error.message);
    });
    this.profiling = new BackendProfiling({
      device,
      tuning: this.tuning,
      counters: () => this.counters(),
      flush: () => this.flush(),
      settled: () => this.settled(),
      commandEncoder: () => this.commandEncoder(),
      noteDispatch: () => this.dispatches++,
    });
    // Never await `lost`: it only resolves when the device goes away.
    void device.lost.then((info) => {
      this.lostReason = `${info.reason}: ${info.message}`;
      onLost(this, this.lostReason);
    });
  }

  private checkAlive(): void {
    if (this.lostReason !== undefined) {
      throw new DeviceLostError(`the WebGPU device was lost (${this.lostReason}); await wg.ready() for a new one`);
    }
  }

  alloc(bytes: number): GpuStorage {
    this.checkAlive();
    if (memoryLimitBytes !== null) this.withinLimit(bucketSize(bytes));
    const s = { ...this.pool.acquire(bytes), owner: this };
    profiling.current?.notePeak(this.pool.bytesInUse);
    return s;
  }

  /**
   * Under a memory limit: a new buffer of `size` (a bucket: what the pool counts) must keep the memory in use
   * within it (else ResourceExhaustedError), and live + pooled buffers too (pooled ones are freed to make room).
   */
  private withinLimit(size: number): void {
    checkMemoryLimit(size);
    const over = this.pool.bytesInUse + this.pool.bytesPooled + size - memoryLimitBytes!;
    if (over <= 0 || this.pool.hasFree(size)) return;
    const drop = this.pool.evict(this.pool.bytesPooled - over);
    if (this.encoder) this.flush();
    this.order.run(() => drop.forEach((b) => b.destroy()));
  }

  upload(data: StorageArray): GpuStorage {
    this.checkAlive();
    const s = this.alloc(data.byteLength);
    // queue.writeBuffer runs before any command buffer submitted later, so a pooled buffer that recorded
    // (not yet submitted) commands still use must not be overwritten: submit those commands first.
    this.writeOrdered(s, data);
    if (profiling.current) this.profileTransfer('upload', data.length, DTYPE_OF_ARRAY(data), false);
    return s;
  }

  /** queue.writeBuffer after every command recorded so far (and after held operations). */
  private writeOrdered(s: GpuStorage, data: StorageArray): void {
    if (this.batched > 0) this.flush();
    if (!this.order.holding) {
      this.device.queue.writeBuffer(s.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
      return;
    }
    const kept = data.slice();
    this.order.run(() => this.device.queue.writeBuffer(s.buffer, 0, kept.buffer, kept.byteOffset, kept.byteLength));
  }

  receive(from: Backend, items: TransferItem[]): GpuStorage[] {
    this.checkAlive();
    // All or nothing under a memory limit: no buffer is taken unless every one fits.
    if (memoryLimitBytes !== null) checkMemoryLimit(items.reduce((p, it) => p + (it.into ? 0 : bucketSize(it.count * 4)), 0));
    this.receiveHost ??= {
      device: this.device,
      order: this.order,
      alloc: (bytes) => this.alloc(bytes),
      writeOrdered: (st, data) => this.writeOrdered(st, data),
      submitPending: () => this.batched > 0 && this.flush(),
      profileTransfer: (...a) => this.profileTransfer(...a),
    };
    return receiveOnGpu(this.receiveHost, from, items);
  }

  /** wg.browser.fromPixels: [height, width, channels] int32 pixels through a texture (pixels.ts). */
  pixels(source: GPUCopyExternalImageSource | RgbaBytes, width: number, height: number, channels: number): GpuStorage | undefined {
    this.checkAlive();
    // Before the texture is made (its output buffer is allocated after it).
    if (memoryLimitBytes !== null) checkMemoryLimit(bucketSize(width * height * channels * 4));
    const host = {
      device: this.device,
      alloc: (bytes: number) => this.alloc(bytes),
      pass: () => (this.dispatches++, this.computePass()),
      submitted: (after: () => void) => (this.flush(), this.order.run(after)),
    };
    return uploadPixels(host, source, width, height, channels);
  }

  /** What receive.ts and readback.ts use of this backend (made on first use). */
  private receiveHost: ReceiveHost<GpuStorage> | undefined;
  private readback: ReadbackHost | undefined;

  settled(): Promise<void> {
    return this.order.settled();
  }

  /** A temporary whose commands are recorded: back to the pool, or kept by the program being prepared. */
  dropTemp(s: GpuStorage): void {
    if (this.captureTemps) this.captureTemps.push(s);
    else this.release(s);
  }

  release(h: GpuStorage): void {
    if (h.owner !== this || this.lostReason !== undefined) return;
    // Held commands may still use it: it goes back to the pool (or is destroyed) after they are submitted.
    if (this.order.holding) this.order.run(() => this.freeNow(h));
    else this.freeNow(h);
  }

  /** Back to the pool, or destroyed: then after the commands recorded so far (they may use it) are submitted. */
  private freeNow(h: GpuStorage): void {
    const drop = this.pool.release(h);
    if (!drop) return;
    if (this.encoder) this.flush();
    this.order.run(() => drop.destroy());
  }

  /** Destroys the pooled (free) buffers, after the commands recorded so far that may use them are submitted. */
  releasePooled(): void {
    if (this.lostReason !== undefined) return;
    if (this.encoder) this.flush();
    this.order.run(() => this.pool.clear());
  }

  /** Bytes held by live storages (what memory() reports as bytesInUse), without making an object. */
  bytesLive(): number {
    return this.pool.bytesInUse;
  }

  memory(): MemoryStats {
    return { bytesInUse: this.pool.bytesInUse, bytesPooled: this.pool.bytesPooled, buffersCreated: this.pool.created };
  }

  run(launch: Launch<GpuStorage>): void {
    this.checkAlive();
    this.launchMeta = profiling.current || this.capture ? launchMeta(launch) : undefined;
    const k = launch.kernel;
    let size = 1;
    for (const d of launch.outShape) size *= d;
    if (size === 0) return;
    switch (k.kind) {
      case 'elementwise':
        return this.launchers.elementwise(k, launch, size);
      case 'reduce':
        return this.launchers.reduce(k, launch);
      case 'matmul':
        return this.launchers.matmul(k, launch);
      case 'conv':
        return this.launchers.conv(k, launch);
      case 'scan':
        return this.launchers.scan(k, launch);
      default:
        return k satisfies never;
    }
  }

  /**
   * Codegen + pipeline per Kernel object (immutable: its identity stands for its IR; the eager runtime
   * interns them by kernelKey), generator and the generator's arguments as GENERATORS prints them. The
   * pipeline cache below keys by the generated source, so equal code compiles once whatever asked for it.
   */
  pipelineFor<G extends GeneratorName>(gen: G, k: GeneratorKernel<G>, ...args: GeneratorArgs<G>): CachedPipeline {
    const def = GENERATORS[gen] as unknown as { generate: (k: Kernel, ...a: unknown[]) => ShaderModuleSpec; args: (...a: unknown[]) => string };
    const variant = `${gen}:${def.args(...args)}`;
    let byVariant = this.preparedKernels.get(k);
    if (!byVariant) this.preparedKernels.set(k, (byVariant = new Map()));
    let p = byVariant.get(variant);
    if (!p) {
      const t0 = performance.now();
      const before = this.pipelines.compiled;
      p = this.pipelines.get(def.generate(k, ...args), k.name);
      if (this.pipelines.compiled > before) {
        this.compileMs += performance.now() - t0;
        this.compiledNow = true;
      }
      byVariant.set(variant, p);
    }
    return p;
  }

  // ---- profiling (see core/profile.ts and ./profiler.ts) ----

  /** What the launch being run computes (set by run() while profiling or preparing a program). */
  private launchMeta: KernelMeta | undefined;
  /** Pipeline compile time (and whether anything compiled) not yet attributed to a dispatch. */
  private compileMs = 0;
  private compiledNow = false;
  private readonly profiling: BackendProfiling;

  counters() {
    return { dispatches: this.dispatches, submissions: this.submissions, pipelinesCompiled: this.pipelines.compiled };
  }

  /** Joins a profile as it starts (its counters are the baseline of the totals). */
  startProfile(c: ProfileCollector): void {
    this.profiling.profilerFor(c);
  }

  private profiler(): GpuProfiler | undefined {
    return this.profiling.current();
  }

  private encodeProfiled(...args: Parameters<BackendProfiling['encode']>): void {
    this.profiling.encode(...args);
  }

  private profileTransfer(name: string, count: number, dtype: string, read: boolean, cpuMs?: number, nodes?: number[]) {
    return this.profiling.transfer(name, count, dtype, read, cpuMs, nodes);
  }

  /** The open command encoder; a compute pass in progress is ended first. */
  private commandEncoder(): GPUCommandEncoder {
    this.pass?.end();
    this.pass = undefined;
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    return this.encoder;
  }

  /** Records one dispatch: its uniforms go to the batch's arena, its bind group names the buffers. */
  encode(
    p: CachedPipeline,
    writeUniforms: (arena: Uint32Array, atWord: number) => number,
    inputs: GPUBuffer[],
    out: GPUBuffer,
    grid: [number, number, number],
  ): void {
    if (grid[2] > this.tuning.maxWorkgroupsPerDim) {
      throw new LimitError(`a dispatch needs ${grid[2]} workgroups along z, over maxComputeWorkgroupsPerDimension`);
    }
    if (this.capture) {
      // Preparing a program: keep the dispatch (uniforms copied out) instead of recording it.
      const tmp = new Uint32Array(MAX_UNIFORM_BYTES / 4);
      const bytes = writeUniforms(tmp, 0);
      this.capture.push({ launch: this.captureLaunch, p, uniforms: tmp.slice(0, bytes / 4), inputs, out, grid, meta: this.launchMeta, compile: { ms: this.compileMs, compiled: this.compiledNow } });
      this.compileMs = 0;
      this.compiledNow = false;
      return;
    }
    const prof = this.profiler();
    const t0 = prof ? performance.now() : 0;
    if (this.arenaUsed + MAX_UNIFORM_BYTES > ARENA_BYTES) this.flush();
    const at = this.arenaUsed;
    const ubytes = writeUniforms(this.arenaCpu, at / 4);
    this.arenaUsed = Math.ceil((at + ubytes) / this.uniformAlign) * this.uniformAlign;
    const bindGroup = this.bindGroups.cached(p.layout, this.arena, ubytes, [...inputs, out]);
    if (prof) {
      const compile = { ms: this.compileMs, compiled: this.compiledNow };
      this.compileMs = 0;
      this.compiledNow = false;
      this.encodeProfiled(prof, p, bindGroup, at, grid, this.launchMeta, compile, t0);
    } else {
      const pass = this.computePass();
      pass.setPipeline(p.pipeline);
      pass.setBindGroup(0, bindGroup, [at]);
      pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
      this.dispatches++;
    }
    if (++this.batched >= this.tuning.maxBatch) this.flush();
    else this.scheduleFlush();
  }

  // ---- programs: launches prepared once (pipelines, bind groups, uniforms), then only encoded ----

  private capture: CapturedDispatch[] | undefined;
  private captureLaunch = 0;
  private captureTemps: GpuStorage[] | undefined;

  /**
   * Prepares launches whose buffers are fixed (a graph plan): every bind group and the uniforms of every
   * dispatch are made once, so running the program again creates nothing on the device.
   */
  prepare(launches: Launch<GpuStorage>[]): GpuProgram {
    this.checkAlive();
    this.capture = [];
    this.captureTemps = [];
    try {
      launches.forEach((l, i) => {
        this.captureLaunch = i;
        this.run(l);
      });
      const steps = this.capture;
      const temps = this.captureTemps;
      const offsets: number[] = [];
      let size = 0;
      for (const st of steps) {
        offsets.push(size);
        size = Math.ceil((size + st.uniforms.byteLength) / this.uniformAlign) * this.uniformAlign;
      }
      const uniform = this.device.createBuffer({ size: Math.max(size, 16), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      const data = new Uint8Array(Math.max(size, 16));
      steps.forEach((st, i) => data.set(new Uint8Array(st.uniforms.buffer, 0, st.uniforms.byteLength), offsets[i]));
      if (this.batched > 0) this.flush();
      this.order.run(() => this.device.queue.writeBuffer(uniform, 0, data));
      const dispatches = steps.map((st, i) => {
        const buffers = [...st.inputs, st.out];
        const uniformBytes = st.uniforms.byteLength;
        return {
          pipeline: st.p.pipeline,
          layout: st.p.layout,
          bindGroup: this.bindGroups.make(st.p.layout, uniform, uniformBytes, buffers),
          buffers,
          uniform,
          uniformBytes,
          uniformOffset: offsets[i],
          grid: st.grid,
          launch: st.launch,
          p: st.p,
          meta: st.meta,
          compile: st.compile,
        };
      });
      return { backend: this, dispatches, uniform, temps };
    } catch (e) {
      // A launch that failed (a temporary over the memory limit, say): the temporaries taken so far go back.
      this.captureTemps?.forEach((t) => this.release(t));
      throw e;
    } finally {
      this.capture = undefined;
      this.captureTemps = undefined;
    }
  }

  /**
   * Records a prepared program into the current command encoder (no submission by itself). `rebind` swaps
   * storages for this run: every dispatch that binds one of the keys binds its value instead (a graph run
   * reads its caller's tensors and writes its results' own buffers without copies).
   */
  enqueue(p: GpuProgram, rebind?: Map<GpuStorage, GpuStorage>): void {
    this.checkAlive();
    if (p.dispatches.length === 0) return;
    const swap = rebind && rebind.size > 0 ? new Map([...rebind].map(([a, b]) => [a.buffer, b.buffer])) : undefined;
    const groupOf = (d: GpuProgram['dispatches'][number]) => this.bindGroups.rebound(d, swap);
    const prof = this.profiler();
    if (prof) {
      for (const d of p.dispatches) {
        // A program's compile time is reported once, with its first profiled run.
        this.encodeProfiled(prof, d.p, groupOf(d), d.uniformOffset, d.grid, d.meta, d.compile, performance.now());
        d.compile = { ms: 0, compiled: false };
      }
      this.batched++;
      this.scheduleFlush();
      return;
    }
    const pass = this.computePass();
    for (const d of p.dispatches) {
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, groupOf(d), [d.uniformOffset]);
      pass.dispatchWorkgroups(d.grid[0], d.grid[1], d.grid[2]);
    }
    this.dispatches += p.dispatches.length;
    this.batched++;
    this.scheduleFlush();
  }

  /** Frees a program's own buffers (its uniforms and two-pass temporaries). */
  releaseProgram(p: GpuProgram): void {
    // Recorded commands may still use the uniforms: submit them first (destroy waits for submitted work).
    if (this.encoder) this.flush();
    this.order.run(() => p.uniform.destroy());
    p.temps.forEach((t) => this.release(t));
  }

  /** Overwrites a storage's contents (ordered after every command recorded so far). */
  write(h: GpuStorage, data: StorageArray): void {
    this.checkAlive();
    this.writeOrdered(h, data);
    if (profiling.current) this.profileTransfer('upload', data.length, DTYPE_OF_ARRAY(data), false);
  }

  /** Copies `count` elements between storages, in order with the kernels around it. */
  copy(src: GpuStorage, srcOffset: number, dst: GpuStorage, dstOffset: number, count: number): void {
    this.checkAlive();
    if (count === 0) return;
    this.commandEncoder().copyBufferToBuffer(src.buffer, srcOffset * 4, dst.buffer, dstOffset * 4, count * 4);
    if (profiling.current) this.profileTransfer('copy', count, 'float32', true);
    this.batched++;
    this.scheduleFlush();
  }

  private computePass(): GPUComputePassEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    if (!this.pass) this.pass = this.encoder.beginComputePass();
    return this.pass;
  }

  /** Eager ops called in one synchronous stretch share a submission; it goes out when the stretch ends. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  flush(): void {
    if (!this.encoder) return;
    this.pass?.end();
    this.pass = undefined;
    const commands = this.encoder.finish();
    if (!this.order.holding) {
      // One upload of every dispatch's uniforms; it is queued before the commands that read them.
      if (this.arenaUsed > 0) this.device.queue.writeBuffer(this.arena, 0, this.arenaCpu.buffer, 0, this.arenaUsed);
      this.device.queue.submit([commands]);
    } else {
      // Held: the uniforms are kept with the commands (the arena is reused by the next batch meanwhile).
      const uniforms = this.arenaCpu.slice(0, this.arenaUsed / 4);
      this.order.run(() => {
        if (uniforms.length > 0) this.device.queue.writeBuffer(this.arena, 0, uniforms);
        this.device.queue.submit([commands]);
      });
    }
    this.submissions++;
    this.encoder = undefined;
    this.arenaUsed = 0;
    this.batched = 0;
  }

  async read(h: GpuStorage, dtype: DType, offset: number, count: number, label?: string): Promise<StorageArray> {
    return (await this.readMany([{ handle: h, dtype, offset, count }], label))[0];
  }

  /** Reads several ranges with one submission (a graph run's fetches). */
  readMany(reads: ReadRequest<GpuStorage>[], label = 'readback'): Promise<StorageArray[]> {
    return readBack((this.readback ??= this.readbackHost()), reads, label);
  }

  private readbackHost(): ReadbackHost {
    return {
      device: this.device,
      staging: this.staging,
      order: this.order,
      commandEncoder: () => {
        this.batched++;
        return this.commandEncoder();
      },
      submit: () => this.flush(),
      checkAlive: () => this.checkAlive(),
      profileTransfer: (name, count, dtype, read, cpuMs, nodes) => void this.profileTransfer(name, count, dtype, read, cpuMs, nodes),
      checkErrors: async () => {
        await this.pipelines.settle();
        const err = this.uncapturedErrors[0];
        if (err !== undefined) throw new WgError(`WebGPU reported an error (an engine bug, please report it): ${err}`);
      },
    };
  }
}
