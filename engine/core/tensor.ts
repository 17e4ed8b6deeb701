// The Tensor handle: shape, dtype, device, and a (possibly shared) storage seen through strides.
// Op methods (`a.add(b)`) are attached by the API layer; readback is delegated to the runtime.
import type { DType, TypedArray } from './dtype';
import { DisposedError } from './errors';
import { contiguousStrides, fmtShape, isContiguous, sizeOf } from './shape';

export type DeviceName = 'webgpu' | 'cpu';

/** Device memory behind one or more tensors (views share it); freed when the last tensor lets go. */
export interface Storage {
  readonly owner: { readonly name: DeviceName; release(handle: unknown): void };
  readonly handle: unknown;
  readonly bytes: number;
  refs: number;
}

export type NestedArray = number | boolean | NestedArray[];

/**
 * A tensor of a graph (recorded, not computed): which node output it is. `graph` is opaque here.
 * Lazy tensors of `withMode('graph')` are graph tensors until a readback computes them.
 */
export interface GraphRef {
  graph: { readonly kind: 'graph' | 'lazy' };
  node: number;
  output: number;
}

/** What the runtime provides to tensors (installed by eager/, so core/ stays free of backends). */
export interface TensorRuntime {
  read(t: Tensor): Promise<TypedArray>;
  created(t: Tensor): void;
  disposed(t: Tensor): void;
  /** Throws when the storage belongs to a lost device. */
  checkAlive(t: Tensor, op: string): void;
  /** A lazy tensor was computed (now counted like an eager tensor). */
  bound?(t: Tensor): void;
}

let runtime: TensorRuntime | undefined;
export function installTensorRuntime(r: TensorRuntime): void {
  runtime = r;
}

/**
 * `using t = …` needs `Symbol.dispose`. Where the platform lacks it, `host` (the global Symbol) gets the
 * registered `Symbol.for('Symbol.dispose')`, the one TypeScript's and esbuild's down-levelled `using` fall
 * back to, defined like a well-known symbol (read-only); a native one is never replaced. Returns the symbol.
 */
export function polyfillDispose(host: { dispose?: symbol } = Symbol as { dispose?: symbol }): symbol {
  if (typeof host.dispose !== 'symbol') {
    Object.defineProperty(host, 'dispose', { value: Symbol.for('Symbol.dispose'), writable: false, enumerable: false, configurable: false });
  }
  return host.dispose!;
}
// The one place the engine touches the global Symbol: before Tensor's [Symbol.dispose] method is defined.
polyfillDispose();

/**
 * Set by autodiff/tape.ts: called when a tensor a gradient tape recorded (`taped`) is disposed before the tape
 * is done with it (a wg.tidy inside taped code), so the tape can keep its storage for the backward pass.
 */
export const tapedDispose: { hook?: (t: Tensor) => void } = {};

let nextId = 1;

export class Tensor {
  readonly id = nextId++;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly size: number;
  private disposedFlag = false;
  /**
   * The values, when the tensor was made from small integer host data (not for views): lets ops such as
   * gather check indices synchronously without a readback.
   */
  hostValues?: Int32Array | Uint32Array;
  /** A variable (wg.variable): its value changes with assign/assignAdd. */
  variable = false;
  /** A variable's name (variableGrads keys its gradients by it) and whether tapes watch it by default. */
  variableName?: string;
  trainable = false;
  /** Counted in wg.memory().tensors (eager tensors, and lazy ones once computed). Runtime bookkeeping. */
  accounted = false;
  /** A gradient tape recorded an op on it (see `tapedDispose`). */
  taped = false;

  private storageRef: Storage | null;

  constructor(
    shape: readonly number[],
    readonly dtype: DType,
    /** null for tensors with no elements (nothing is allocated) and for graph tensors. */
    storage: Storage | null,
    private readonly placedOn: DeviceName,
    strides?: readonly number[],
    readonly offset = 0,
    /** Set for graph tensors: the node output this tensor stands for (shape dims may be -1: unknown). */
    public graph?: GraphRef,
  ) {
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze(strides ? [...strides] : contiguousStrides(shape.map((d) => Math.max(d, 0))));
    this.size = shape.some((d) => d < 0) ? -1 : sizeOf(shape);
    this.storageRef = storage;
    if (storage) storage.refs++;
    runtime?.created(this);
  }

  /**
   * The device that holds the tensor ('webgpu' or 'cpu'): its storage's device; for a tensor without
   * storage (empty, or a graph tensor not computed yet), where it was made.
   */
  get device(): DeviceName {
    return this.storageRef?.owner.name ?? this.placedOn;
  }

  /** The device memory behind the tensor (null: empty, or a graph tensor not computed yet). */
  get storage(): Storage | null {
    return this.storageRef;
  }

  /**
   * Gives a lazy graph tensor the contiguous storage its value was computed into (withMode('graph')).
   * Internal: called by the graph executor only.
   */
  bindStorage(storage: Storage | null): void {
    this.storageRef = storage;
    if (storage) storage.refs++;
    this.graph = undefined;
    runtime?.bound?.(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** True when element i lives at offset + i (a plain row-major layout). */
  get isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  /** Throws a DisposedError naming `op` if this tensor was disposed (or its device lost). */
  assertUsable(op: string): void {
    if (this.disposedFlag) {
      throw new DisposedError(`${op}: tensor #${this.id} (${this.dtype} ${fmtShape(this.shape)}) was disposed and cannot be used`, {
        op,
        shapes: [[...this.shape]],
        dtypes: [this.dtype],
      });
    }
    runtime?.checkAlive(this, op);
  }

  dispose(): void {
    if (this.disposedFlag) return;
    if (this.taped) tapedDispose.hook?.(this);
    this.disposedFlag = true;
    const s = this.storage;
    if (s && --s.refs === 0) s.owner.release(s.handle);
    runtime?.disposed(this);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** The values as a typed array (Float32Array, Int32Array, Uint32Array, or Uint8Array for bool). */
  async data(): Promise<TypedArray> {
    this.assertUsable('data');
    return runtime!.read(this);
  }

  /** The values as nested arrays (booleans for bool tensors); a scalar comes back as a number. */
  async array(): Promise<NestedArray> {
    const flat = await this.data();
    return nest(flat, this.shape, this.dtype);
  }

  /** Like TensorFlow's numpy(): nested arrays, and a plain number (or boolean) for a scalar. */
  async numpy(): Promise<NestedArray> {
    return this.array();
  }

  toString(): string {
    return `Tensor(${this.dtype}, ${fmtShape(this.shape)}, ${this.device}${this.disposedFlag ? ', disposed' : ''})`;
  }
}

export function nest(flat: ArrayLike<number>, shape: readonly number[], dtype: DType): NestedArray {
  const conv = dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
  if (shape.length === 0) return conv(flat[0]);
  let i = 0;
  const build = (d: number): NestedArray[] => {
    const out: NestedArray[] = new Array(shape[d]);
    for (let k = 0; k < shape[d]; k++) out[k] = d === shape.length - 1 ? conv(flat[i++]) : build(d + 1);
    return out;
  };
  return build(0);
}
