// Copies into WebGPU from another device (the CPU): values it has now are written at once; values it has not
// computed yet (they wait on a WebGPU → CPU readback) hold the queue until they arrive (queue_order.ts).
import type { ProfileKernel } from '../../core/profile';
import { profiling } from '../../core/profile';
import type { Backend, StorageArray, TransferItem } from '../backend';
import type { QueueOrder } from './queue_order';

export interface ReceiveHost<S extends { buffer: GPUBuffer }> {
  readonly device: GPUDevice;
  readonly order: QueueOrder;
  alloc(bytes: number): S;
  /** queue.writeBuffer after every command recorded so far (and after held operations). */
  writeOrdered(s: S, data: StorageArray): void;
  /** Submits recorded commands (they precede the held values and need none of them). */
  submitPending(): void;
  profileTransfer(name: string, count: number, dtype: string, read: boolean, cpuMs?: number, nodes?: number[]): ProfileKernel;
}

export function receiveOnGpu<S extends { buffer: GPUBuffer }>(host: ReceiveHost<S>, from: Backend, items: TransferItem[]): S[] {
  return items.map((it) => {
    const t0 = performance.now();
    const s = (it.into as S | undefined) ?? host.alloc(it.count * 4);
    const now = from.readNow?.(it.src, it.dtype, it.offset, it.count);
    const entry = profiling.current ? host.profileTransfer(`${from.name}→webgpu`, it.count, it.dtype, false, undefined, it.nodes) : undefined;
    if (now) {
      host.writeOrdered(s, now);
      if (entry) entry.cpuMs = performance.now() - t0;
      return s;
    }
    // Values the CPU has not computed yet: later queue operations wait for them (they may read them).
    host.submitPending();
    host.order.hold(from.read(it.src, it.dtype, it.offset, it.count), (v) => {
      host.device.queue.writeBuffer(s.buffer, 0, v.buffer, v.byteOffset, v.byteLength);
      // The time includes waiting for the CPU's values (they waited on a readback).
      if (entry) entry.cpuMs = performance.now() - t0;
    });
    return s;
  });
}
