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

/** One copy between devices: `count` elements of `dtype` from element `offset` of `src`. */
export interface TransferItem {
  src: unknown;
  dtype: DType;
  offset: number;
  count: number;
  /** Write into this storage of the receiving device (a plan's buffer) instead of a new one. */
  into?: unknown;
  /** The graph nodes that needed the copy (profiles attribute it to them). */
  nodes?: number[];
}

export interface ReadRequest<H = unknown> {
  handle: H;
  dtype: DType;
  offset: number;
  count: number;
  /** The graph nodes the read serves (profiles attribute it to them). */
  nodes?: number[];
}

export interface Backend<H = unknown, P = unknown> {
  readonly name: DeviceName;
  readonly limits: BackendLimits;
  /** A GPU emulated on the CPU (SwiftShader): selection points pick forms measured on it. */
  readonly cpuLike?: boolean;
  /** Storage for `bytes` bytes (> 0), contents undefined. */
  alloc(bytes: number): H;
  /** Storage initialised with `data` (in storage layout: bool as uint32). */
  upload(data: StorageArray): H;
  release(h: H): void;
  /** Enqueues a kernel; it runs before any later read. */
  run(launch: Launch<H>): void;
  /** Reads `count` elements of `dtype` starting at element `offset`, contiguous (`label`: its profile entry's name). */
  read(h: H, dtype: DType, offset: number, count: number, label?: string): Promise<StorageArray>;
  /** Reads several ranges with one submission. */
  readMany(reads: ReadRequest<H>[], label?: string): Promise<StorageArray[]>;
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
  /**
   * For each item, a storage on this device (`into`, or a new one) holding `count` elements of `dtype` copied from another device's storage
   * (from element `offset`). The copy is ordered after all work enqueued so far on both devices and before
   * any later work on this one: devices are streams, and a transfer is a dependency between them (a
   * WebGPU → CPU copy completes asynchronously; CPU work that needs it waits, other CPU work does not).
   */
  receive(from: Backend, items: TransferItem[]): H[];
  /** The values now, if they can be had synchronously (CPU storage with no pending work on it). */
  readNow?(h: H, dtype: DType, offset: number, count: number): StorageArray | undefined;
  /**
   * Optional: a storage of [height, width, channels] int32 pixels from an image source (wg.browser.fromPixels)
   * without reading them on the CPU; undefined when this source cannot go that way.
   */
  pixels?(source: never, width: number, height: number, channels: number): H | undefined;
  /** Resolves once every piece of work enqueued so far has been handed to the device (and its inputs arrived). */
  settled(): Promise<void>;
  memory(): MemoryStats;
}
