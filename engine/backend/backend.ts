// The backend interface: what the eager runtime and (later) the graph executor need from a device.
// Backends see Kernels and Launches only, never ops.
import type { DType } from '../core/dtype';
import type { Launch } from '../ir/kernel';

export type DeviceName = 'webgpu' | 'cpu';

export type StorageArray = Float32Array | Int32Array | Uint32Array;

export interface MemoryStats {
  /** Bytes held by live storages, as actually allocated (pool buckets included). */
  bytesInUse: number;
  /** Bytes held by the backend's pool of free buffers, ready for reuse. */
  bytesPooled: number;
  /** Real allocations made so far (GPUDevice.createBuffer calls on WebGPU). */
  buffersCreated: number;
}

export interface BackendLimits {
  /** Largest tensor, in bytes, one storage may hold. */
  maxStorageBytes: number;
  /** Name of the limit behind maxStorageBytes, for error messages. */
  maxStorageLimitName: string;
}

export interface ReadRequest<H = unknown> {
  handle: H;
  dtype: DType;
  offset: number;
  count: number;
}

export interface Backend<H = unknown, P = unknown> {
  readonly name: DeviceName;
  readonly limits: BackendLimits;
  /** Storage for `bytes` bytes (> 0), contents undefined. */
  alloc(bytes: number): H;
  /** Storage initialised with `data` (in storage layout: bool as uint32). */
  upload(data: StorageArray): H;
  release(h: H): void;
  /** Enqueues a kernel; it runs before any later read. */
  run(launch: Launch<H>): void;
  /** Reads `count` elements of `dtype` starting at element `offset`, contiguous. */
  read(h: H, dtype: DType, offset: number, count: number): Promise<StorageArray>;
  /** Reads several ranges with one submission. */
  readMany(reads: ReadRequest<H>[]): Promise<StorageArray[]>;
  /** Overwrites a storage's contents, ordered after all work enqueued so far. */
  write(h: H, data: StorageArray): void;
  /** Copies `count` elements from one storage to another, in order with kernels. */
  copy(src: H, srcOffset: number, dst: H, dstOffset: number, count: number): void;
  /** Prepares launches over fixed storages once; `enqueue` then only records them (graph plans). */
  prepare(launches: Launch<H>[]): P;
  /** Runs a prepared program; `rebind` swaps storages for this run (each key's uses read/write its value). */
  enqueue(program: P, rebind?: Map<H, H>): void;
  releaseProgram(program: P): void;
  /** Submits pending work without waiting. */
  flush(): void;
  memory(): MemoryStats;
}
