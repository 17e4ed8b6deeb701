// The recording backend: while a graph is planned, ops "run" against it. It hands out virtual storage
// slots and keeps every launch instead of running it; the plan later binds slots to real buffers. A plan
// may span devices: each device gets a facade (`on(device)`) whose slots and launches carry it, and a
// move between devices is recorded as a transfer launch.
import type { Backend, BackendLimits, MemoryStats, StorageArray, TransferItem } from '../backend/backend';
import type { DType } from '../core/dtype';
import { GraphModeError } from '../core/errors';
import type { DeviceName } from '../core/tensor';
import { input } from '../ir/expr';
import type { ElementwiseKernel, Launch } from '../ir/kernel';

/** A virtual buffer. `kind` says who provides the real one when the plan is compiled. */
export interface Slot {
  id: number;
  bytes: number;
  kind: 'temp' | 'const' | 'feed' | 'variable' | 'external' | 'random';
  /** The device whose memory holds it. */
  device: DeviceName;
  /** const: the data to upload once. */
  data?: StorageArray;
  /** external: the real handle of a captured eager tensor; variable/feed: the node it belongs to. */
  external?: unknown;
  node?: number;
  /** random: the key of a stateful random op (dropout), written before every run; its op's seed, if any. */
  seed?: number;
  /** Index of the launch after which the slot is no longer needed (liveness, for memory planning). */
  lastUse?: number;
}

const transferKernels = new Map<DType, ElementwiseKernel>();
/** The identity kernel a transfer launch carries (one per dtype, so passes can compare them). */
function transferKernel(dtype: DType): ElementwiseKernel {
  let k = transferKernels.get(dtype);
  if (!k) {
    k = { kind: 'elementwise', name: 'transfer', rank: 0, inputs: [{ dtype, layout: 'contiguous' }], params: [], out: dtype, outLayout: 'contiguous', expr: input(0, dtype) };
    transferKernels.set(dtype, k);
  }
  return k;
}

export class RecordingBackend {
  readonly slots: Slot[] = [];
  readonly launches: Launch<Slot>[] = [];
  private facades = new Map<DeviceName, DeviceRecorder>();

  /** `limitsOf` gives a device's real limits, or throws when the device is not available. */
  constructor(private limitsOf: (device: DeviceName, op: string) => BackendLimits) {}

  on(device: DeviceName, op: string): DeviceRecorder {
    let f = this.facades.get(device);
    if (!f) this.facades.set(device, (f = new DeviceRecorder(this, device, this.limitsOf(device, op))));
    return f;
  }

  slot(bytes: number, kind: Slot['kind'], device: DeviceName, extra: Partial<Slot> = {}): Slot {
    const s: Slot = { id: this.slots.length, bytes, kind, device, ...extra };
    this.slots.push(s);
    return s;
  }
}

/** One device's view of a recording: what the op code sees as that device's backend. */
export class DeviceRecorder implements Backend<Slot, never> {
  constructor(
    readonly rec: RecordingBackend,
    readonly name: DeviceName,
    readonly limits: BackendLimits,
  ) {}

  alloc(bytes: number): Slot {
    return this.rec.slot(bytes, 'temp', this.name);
  }

  upload(data: StorageArray): Slot {
    return this.rec.slot(data.byteLength, 'const', this.name, { data: data.slice() });
  }

  release(h: Slot): void {
    h.lastUse = this.rec.launches.length;
  }

  run(launch: Launch<Slot>): void {
    this.rec.launches.push({ ...launch, device: this.name });
  }

  receive(from: Backend, items: TransferItem[]): Slot[] {
    return items.map(({ src, dtype, offset, count }) => {
      const out = this.alloc(count * 4);
      this.rec.launches.push({
        kernel: transferKernel(dtype),
        inputs: [{ handle: src as Slot, dtype, shape: [count], strides: [1], offset }],
        params: [],
        outShape: [count],
        out,
        device: this.name,
        transfer: { from: from.name },
      });
      return out;
    });
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
  settled(): Promise<void> {
    return Promise.resolve();
  }
  memory(): MemoryStats {
    return { bytesInUse: 0, bytesPooled: 0, buffersCreated: 0 };
  }
}
