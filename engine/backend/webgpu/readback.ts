// Reading storage back to the host: copies into mappable staging buffers, recorded after every command so
// far and submitted with them, then mapped. Several ranges share one submission (a graph run's fetches).
import { storageArray } from '../../core/dtype';
import { DeviceLostError, WgError } from '../../core/errors';
import { profiling } from '../../core/profile';
import type { ReadRequest, StorageArray } from '../backend';
import type { BufferPool } from './pool';
import type { QueueOrder } from './queue_order';

/** What a readback needs from the backend. */
export interface ReadbackHost {
  readonly device: GPUDevice;
  readonly staging: BufferPool;
  readonly order: QueueOrder;
  /** The open command encoder (a compute pass in progress is ended first). */
  commandEncoder(): GPUCommandEncoder;
  /** Submits what is recorded (after held operations, if any). */
  submit(): void;
  checkAlive(): void;
  profileTransfer(name: string, count: number, dtype: string, read: boolean, cpuMs?: number, nodes?: number[]): void;
  /** Resolves when pipelines being compiled have settled, and throws errors the device reported since. */
  checkErrors(): Promise<void>;
}

export async function readBack(host: ReadbackHost, reads: ReadRequest<{ buffer: GPUBuffer }>[], label: string): Promise<StorageArray[]> {
  host.checkAlive();
  const profiled = profiling.current;
  const t0 = profiled ? performance.now() : 0;
  // The copies are reported when they complete: attributed to what is running now (a plan's nodes).
  const at = profiled?.context();
  const encoder = host.commandEncoder();
  const stagings = reads.map((r) => {
    const staging = host.staging.acquire(Math.max(r.count * 4, 4));
    if (r.count > 0) encoder.copyBufferToBuffer(r.handle.buffer, r.offset * 4, staging.buffer, 0, r.count * 4);
    return staging;
  });
  host.submit();
  // Held submissions (waiting for CPU values) must reach the queue before the staging buffers are mapped.
  if (host.order.holding) await host.order.settled();
  const held = host.order.failure;
  if (held !== undefined) {
    host.order.failure = undefined;
    throw held instanceof Error ? held : new WgError(String(held));
  }
  try {
    const mapped = Promise.all(stagings.map((st, i) => st.buffer.mapAsync(GPUMapMode.READ, 0, Math.max(reads[i].count * 4, 4))));
    // Dawn (Node) may never settle a mapping that a device loss interrupted: the loss decides then.
    const lost = host.device.lost.then((info) => {
      throw new DeviceLostError(`readback: the WebGPU device was lost (${info.reason}: ${info.message}); await wg.ready() for a new one`);
    });
    await Promise.race([mapped, lost]);
  } catch (e) {
    if (e instanceof DeviceLostError) throw e;
    // A mapping cancelled by a device loss rejects before `device.lost` settles: give it a moment.
    await Promise.race([host.device.lost, new Promise((r) => setTimeout(r, 200))]);
    host.checkAlive();
    throw new WgError(`readback failed: ${(e as Error).message}`);
  }
  const outs = reads.map((r, i) => {
    const out = storageArray(r.dtype, r.count);
    if (r.count > 0) out.set(storageArray(r.dtype, stagings[i].buffer.getMappedRange(0, r.count * 4)));
    stagings[i].buffer.unmap();
    // Mapped and read: no command uses it any more, so one the pool does not keep goes now.
    host.staging.release(stagings[i])?.destroy();
    return out;
  });
  if (profiled && profiling.current === profiled) {
    const ms = performance.now() - t0;
    profiled.within(at!, () => reads.forEach((r) => host.profileTransfer(label, r.count, r.dtype, true, ms / reads.length, r.nodes)));
  }
  await host.checkErrors();
  return outs;
}
