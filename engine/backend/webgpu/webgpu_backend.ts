// The WebGPU backend: batches eager dispatches into one command encoder, pools buffers, and reads back.
import { type DType, storageArray } from '../../core/dtype';
import { DeviceLostError, WgError } from '../../core/errors';
import type { Kernel, Launch } from '../../ir/kernel';
import { generateWGSL, gridFor, type CodegenOptions } from '../../shaders/codegen';
import { packUniforms, uniformLayout, type UniformLayout } from '../../shaders/layout';
import type { Backend, BackendLimits, MemoryStats, StorageArray } from '../backend';
import type { AcquiredDevice } from './device';
import { PipelineCache, type CachedPipeline } from './pipelines';
import { BufferPool, type PooledBuffer } from './pool';

export interface GpuStorage extends PooledBuffer {
  owner: WebGPUBackend;
}

export interface WebGPUTuning extends CodegenOptions {
  /** Dispatches recorded before the batch is submitted without waiting for a readback. */
  maxBatch: number;
  /** Override of maxComputeWorkgroupsPerDimension (tests use a small one to exercise 2-D grids). */
  maxWorkgroupsPerDim: number;
}

interface Prepared extends CachedPipeline {
  ulayout: UniformLayout;
}

const ARENA_BYTES = 64 * 1024;

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
  private preparedKernels = new WeakMap<Kernel, Prepared>();

  constructor(readonly acquired: AcquiredDevice, onLost: (b: WebGPUBackend, reason: string) => void) {
    const device = (this.device = acquired.device);
    const l = device.limits;
    this.limits =
      l.maxStorageBufferBindingSize <= l.maxBufferSize
        ? { maxStorageBytes: l.maxStorageBufferBindingSize, maxStorageLimitName: 'maxStorageBufferBindingSize' }
        : { maxStorageBytes: l.maxBufferSize, maxStorageLimitName: 'maxBufferSize' };
    // SwiftShader pays per invocation: several elements per thread win there; real GPUs prefer one.
    const cpuLike = acquired.adapterInfo.isFallbackAdapter || acquired.adapterInfo.architecture === 'swiftshader';
    this.tuning = {
      workgroupSize: 64,
      elementsPerThread: cpuLike ? 8 : 1,
      maxBatch: 64,
      maxWorkgroupsPerDim: l.maxComputeWorkgroupsPerDimension,
    };
    this.uniformAlign = l.minUniformBufferOffsetAlignment;
    this.pipelines = new PipelineCache(device);
    // Keep up to a quarter of the largest buffer (at least 64 MiB) pooled; beyond that, free for real.
    const storageUsage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.pool = new BufferPool(device, storageUsage, Math.max(64 << 20, l.maxBufferSize / 4));
    this.staging = new BufferPool(device, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 64 << 20);
    this.arena = device.createBuffer({ size: ARENA_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.addEventListener('uncapturederror', (e) => {
      this.uncapturedErrors.push((e as GPUUncapturedErrorEvent).error.message);
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
    return { ...this.pool.acquire(bytes), owner: this };
  }

  upload(data: StorageArray): GpuStorage {
    this.checkAlive();
    const s = this.alloc(data.byteLength);
    // queue.writeBuffer runs before any command buffer submitted later, so a pooled buffer that recorded
    // (not yet submitted) commands still use must not be overwritten: submit those commands first.
    if (this.batched > 0) this.flush();
    this.device.queue.writeBuffer(s.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return s;
  }

  release(h: GpuStorage): void {
    if (h.owner !== this || this.lostReason !== undefined) return;
    this.pool.release(h);
  }

  memory(): MemoryStats {
    return { bytesInUse: this.pool.bytesInUse, bytesPooled: this.pool.bytesPooled, buffersCreated: this.pool.created };
  }

  run(launch: Launch<GpuStorage>): void {
    this.checkAlive();
    const k = launch.kernel;
    let size = 1;
    for (const d of launch.outShape) size *= d;
    if (size === 0) return;
    const { spec, pipeline, layout, ulayout } = this.prepared(k);
    const ubytes = ulayout.vec4s * 16;
    if (this.arenaUsed + ubytes > ARENA_BYTES) this.flush();
    const at = this.arenaUsed;
    packUniforms(launch, ulayout, this.arenaCpu, at / 4);
    this.arenaUsed = Math.ceil((at + ubytes) / this.uniformAlign) * this.uniformAlign;

    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.arena, offset: at, size: ubytes } }];
    launch.inputs.forEach((v, i) => entries.push({ binding: i + 1, resource: { buffer: v.handle.buffer } }));
    entries.push({ binding: launch.inputs.length + 1, resource: { buffer: launch.out.buffer } });
    const bindGroup = this.device.createBindGroup({ layout, entries });

    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    const [x, y, z] = gridFor(size, spec, this.tuning.maxWorkgroupsPerDim);
    pass.dispatchWorkgroups(x, y, z);
    this.dispatches++;
    if (++this.batched >= this.tuning.maxBatch) this.flush();
    else this.scheduleFlush();
  }

  /** Codegen + pipeline per Kernel object (the eager runtime reuses Kernel objects for repeated ops). */
  private prepared(k: Kernel): Prepared {
    let p = this.preparedKernels.get(k);
    if (!p) {
      const spec = generateWGSL(k, this.tuning);
      p = { ...this.pipelines.get(spec, k.name), ulayout: uniformLayout(k) };
      this.preparedKernels.set(k, p);
    }
    return p;
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
    if (this.arenaUsed > 0) {
      // One upload of every dispatch's uniforms; it is queued before the commands that read them.
      this.device.queue.writeBuffer(this.arena, 0, this.arenaCpu.buffer, 0, this.arenaUsed);
    }
    this.device.queue.submit([this.encoder.finish()]);
    this.submissions++;
    this.encoder = undefined;
    this.arenaUsed = 0;
    this.batched = 0;
  }

  async read(h: GpuStorage, dtype: DType, offset: number, count: number): Promise<StorageArray> {
    this.checkAlive();
    const bytes = count * 4;
    const staging = this.staging.acquire(bytes);
    this.pass?.end();
    this.pass = undefined;
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    this.encoder.copyBufferToBuffer(h.buffer, offset * 4, staging.buffer, 0, bytes);
    this.batched++;
    this.flush();
    try {
      await staging.buffer.mapAsync(GPUMapMode.READ, 0, bytes);
    } catch (e) {
      this.checkAlive();
      if (this.lostReason === undefined) await new Promise((r) => setTimeout(r, 0));
      this.checkAlive();
      throw new WgError(`readback failed: ${(e as Error).message}`);
    }
    const out = storageArray(dtype, count);
    out.set(storageArray(dtype, staging.buffer.getMappedRange(0, bytes)));
    staging.buffer.unmap();
    this.staging.release(staging);
    await this.pipelines.settle();
    const err = this.uncapturedErrors[0];
    if (err !== undefined) throw new WgError(`WebGPU reported an error (an engine bug, please report it): ${err}`);
    return out;
  }
}
