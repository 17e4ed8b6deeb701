// The recording backend: while a graph is planned, ops "run" against it. It hands out virtual storage
// slots and keeps every launch instead of running it; the plan later binds slots to real buffers.
import type { Backend, BackendLimits, MemoryStats, StorageArray } from '../backend/backend';
import { GraphModeError } from '../core/errors';
import type { Launch } from '../ir/kernel';

/** A virtual buffer. `kind` says who provides the real one when the plan is compiled. */
export interface Slot {
  id: number;
  bytes: number;
  kind: 'temp' | 'const' | 'feed' | 'variable' | 'external';
  /** const: the data to upload once. */
  data?: StorageArray;
  /** external: the real handle of a captured eager tensor; variable/feed: the node it belongs to. */
  external?: unknown;
  node?: number;
  /** Index of the launch after which the slot is no longer needed (liveness, for memory planning). */
  lastUse?: number;
}

export class RecordingBackend implements Backend<Slot, never> {
  readonly slots: Slot[] = [];
  readonly launches: Launch<Slot>[] = [];

  constructor(
    readonly name: 'webgpu' | 'cpu',
    readonly limits: BackendLimits,
  ) {}

  slot(bytes: number, kind: Slot['kind'], extra: Partial<Slot> = {}): Slot {
    const s: Slot = { id: this.slots.length, bytes, kind, ...extra };
    this.slots.push(s);
    return s;
  }

  alloc(bytes: number): Slot {
    return this.slot(bytes, 'temp');
  }

  upload(data: StorageArray): Slot {
    return this.slot(data.byteLength, 'const', { data: data.slice() });
  }

  release(h: Slot): void {
    h.lastUse = this.launches.length;
  }

  run(launch: Launch<Slot>): void {
    this.launches.push(launch);
  }

  private refuse(what: string): never {
    throw new GraphModeError(`${what}: values are not available while a graph is being recorded or planned`);
  }

  read(): Promise<StorageArray> {
    return this.refuse('read');
  }
  readMany(): Promise<StorageArray[]> {
    return this.refuse('read');
  }
  write(): void {
    this.refuse('write');
  }
  copy(): void {
    this.refuse('copy');
  }
  prepare(): never {
    return this.refuse('prepare');
  }
  enqueue(): void {
    this.refuse('enqueue');
  }
  releaseProgram(): void {}
  flush(): void {}
  memory(): MemoryStats {
    return { bytesInUse: 0, bytesPooled: 0, buffersCreated: 0 };
  }
}
