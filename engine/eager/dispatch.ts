// Eager dispatch: validate arguments, resolve dtypes and broadcasting, build (or reuse) the Kernel,
// allocate the output and launch it now. Every check happens here, before anything reaches a device.
import type { Backend } from '../backend/backend';
import { type DType, weakScalarType, promoteTypes } from '../core/dtype';
import { DTypeError, LimitError, ResourceExhaustedError } from '../core/errors';
import { fmtBytes, nameAllocation, tensorAllocation } from '../core/memory_limit';
import { broadcastShapes, fmtShape, shapesEqual, sizeOf } from '../core/shape';
import { type DeviceName, type Storage, Tensor } from '../core/tensor';
import { type Expr, cast, input, param } from '../ir/expr';
import { type ElementwiseKernel, type InputLayout, type Kernel, type Launch, printKernelKey } from '../ir/kernel';
import type { Generator } from '../ops/creation';
import { ELEMENTWISE, type ElementwiseOp, resolveTypes } from '../ops/elementwise';
import { placeOp, withPlaced } from './devices';
import { runtime } from './runtime';

/** A bare JavaScript number or boolean standing in for a scalar operand. */
export type Scalar = number | boolean;
export type Operand = Tensor | Scalar;

function describeArg(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array (wrap it in wg.tensor(...))';
  if (typeof x === 'object') return x.constructor?.name ?? 'an object';
  return typeof x;
}

export function checkOperand(x: unknown, op: string, i: number): Operand {
  if (x instanceof Tensor) {
    x.assertUsable(op);
    return x;
  }
  if (typeof x === 'number' || typeof x === 'boolean') return x;
  throw new DTypeError(`${op}: argument ${i + 1} must be a Tensor or a number, got ${describeArg(x)}`, { op });
}

export function allocate(backend: Backend, op: string, shape: readonly number[], dtype: DType): Storage | null {
  const size = sizeOf(shape);
  if (size === 0) return null;
  const bytes = size * 4;
  checkFits(backend, op, shape, dtype);
  let handle: unknown;
  try {
    handle = backend.alloc(bytes);
  } catch (e) {
    // Over the memory limit (wg.config.setMemoryLimit): the backend knows bytes, here the op and shape are known.
    throw nameAllocation(e, tensorAllocation(op, shape, dtype));
  }
  return { owner: backend, handle, bytes, refs: 0 };
}

/** LimitError when a tensor of this shape would not fit one storage buffer of the device. */
export function checkFits(backend: Backend, op: string, shape: readonly number[], dtype: DType): void {
  const bytes = sizeOf(shape) * 4;
  if (bytes > backend.limits.maxStorageBytes) {
    throw new LimitError(
      `${op}: a ${dtype} tensor of shape ${fmtShape(shape)} needs ${bytes} bytes, more than the device's ` +
        `${backend.limits.maxStorageLimitName} of ${backend.limits.maxStorageBytes} bytes`,
      { op, shapes: [[...shape]], dtypes: [dtype] },
    );
  }
}

/**
 * Eager kernels interned by their derived key (kernelKey: a canonical print of the whole kernel, its
 * expression's literals included): one Kernel object per distinct computation, so the backends' memos
 * keyed by Kernel object (pipelines, generated CPU code) hit on every later call. Callers never name a key.
 */
const interned = new Map<string, Kernel>();

export function internKernel<K extends Kernel>(k: K): K {
  const key = printKernelKey(k);
  const hit = interned.get(key);
  if (hit) return hit as K;
  interned.set(key, k);
  return k;
}

/** Does the expression read output coordinates (then the kernel needs the output's rank)? */
function usesCoord(e: Expr, seen: Set<Expr>): boolean {
  if (e.prim === 'coord') return true;
  if (seen.has(e)) return false;
  seen.add(e);
  for (const a of e.args) if (usesCoord(a, seen)) return true;
  return false;
}

function layoutOf(t: Tensor, outShape: readonly number[]): InputLayout {
  if (t.size === 1) return 'scalar';
  if (shapesEqual(t.shape, outShape) && t.isContiguous) return 'contiguous';
  return 'strided';
}

export type AddParam = (value: number, dtype: DType) => Expr;

export interface LaunchSpec {
  op: string;
  /** Set when the op fixes its device (a copy stays where its tensor is); else the placement rule decides. */
  device?: DeviceName;
  /** Operands in binding order. Each is an `input` leaf for `build`, or only `load`ed when `loaded[i]`. */
  tensors: Tensor[];
  loaded?: boolean[];
  outShape: readonly number[];
  outDtype: DType;
  build: (leaves: Expr[], addParam: AddParam) => Expr;
  /** Write into this existing tensor's storage through a view instead of allocating (concat's parts). */
  into?: { tensor: Tensor; offset: number; strides: readonly number[] };
}

/**
 * Launches one elementwise kernel: `build` receives the tensor operands as typed input leaves (in
 * `tensors` order) and returns the output expression; params are uniform scalars (values vary per call
 * without recompiling). Kernels are interned by their derived key so the backend reuses their pipelines.
 */
export function launch(spec: LaunchSpec): Tensor {
  const pinned = spec.into ? spec.into.tensor.device : spec.device;
  return withPlaced(spec.op, spec.tensors, spec.outShape, (device, tensors) => launchOn(spec, device, tensors), pinned);
}

function launchOn(spec: LaunchSpec, device: DeviceName, tensors: Tensor[]): Tensor {
  const { op, outShape, outDtype } = spec;
  const backend = runtime.backend(device, op);
  const storage = spec.into ? spec.into.tensor.storage : allocate(backend, op, outShape, outDtype);
  const layouts = tensors.map((t, i) => (spec.loaded?.[i] ? 'loaded' : layoutOf(t, outShape)));
  const params: number[] = [];
  const paramTypes: DType[] = [];
  const expr = spec.build(
    tensors.map((t, i) => input(i, t.dtype)),
    (v, d) => {
      paramTypes.push(d);
      return param(params.push(v) - 1, d);
    },
  );
  const out = spec.into ? spec.into.tensor : new Tensor(outShape, outDtype, storage, device);
  if (!storage || sizeOf(outShape) === 0) return out;
  const outLayout = spec.into ? 'strided' : 'contiguous';
  // Rank matters only when coordinates are computed (rank 0: one kernel serves every shape).
  const strided = layouts.includes('strided') || outLayout === 'strided';
  const kernel = internKernel<ElementwiseKernel>({
    kind: 'elementwise',
    name: op,
    rank: strided || usesCoord(expr, new Set()) ? outShape.length : 0,
    inputs: tensors.map((t, i) => ({ dtype: t.dtype, layout: layouts[i] })),
    params: paramTypes,
    out: outDtype,
    outLayout,
    expr,
  });
  const l: Launch = {
    kernel,
    inputs: tensors.map((t) => ({ handle: t.storage!.handle, dtype: t.dtype, shape: t.shape, strides: t.strides, offset: t.offset })),
    params,
    outShape,
    out: storage.handle,
    outView: spec.into ? { offset: spec.into.offset, strides: spec.into.strides } : undefined,
  };
  runOrDispose(backend, l, spec.into ? undefined : out);
  return out;
}

/** Runs a launch; if the backend refuses it (a limit), the output tensor made for it is freed first. */
export function runOrDispose(backend: Backend, l: Launch, out: Tensor | undefined): void {
  try {
    backend.run(l);
  } catch (e) {
    out?.dispose();
    // A temporary of the kernel (a two-pass reduction's partials) over the memory limit.
    if (e instanceof ResourceExhaustedError) {
      throw nameAllocation(e, { op: l.kernel.name, describe: `a temporary of ${fmtBytes(e.requestedBytes)} for its ${fmtShape(l.outShape)} result` });
    }
    throw e;
  }
}

/** Runs a user-level elementwise op (one kernel) on tensors and bare numbers. */
export function runElementwise(op: ElementwiseOp, args: unknown[], attrs: Record<string, unknown> = {}): Tensor {
  const def = ELEMENTWISE[op];
  const operands = args.map((a, i) => checkOperand(a, op, i));
  const tensors = operands.filter((x): x is Tensor => x instanceof Tensor);

  // Dtypes: tensors are "strong"; bare numbers adopt the tensors' dtype where they fit (NumPy 2 rule).
  const valueStart = def.rule === 'where' ? 1 : 0;
  const strongTypes = operands.slice(valueStart).flatMap((x) => (x instanceof Tensor ? [x.dtype] : []));
  let strong: DType | undefined = strongTypes[0];
  for (const d of strongTypes.slice(1)) strong = strong && (promoteTypes(strong, d) ?? strong);
  const dtypes = operands.map((x, i): DType => {
    if (x instanceof Tensor) return x.dtype;
    if (typeof x === 'boolean') return 'bool';
    if (i < valueStart) {
      throw new DTypeError(`${op}: the condition must be a bool tensor or a boolean, got the number ${x}`, { op });
    }
    const w = weakScalarType(x, strong ?? 'float32');
    if (w === 'error') {
      throw new DTypeError(`${op}: the number ${x} does not fit the operand dtype ${strong}`, { op, dtypes: [strong!] });
    }
    return w;
  });
  const r = resolveTypes(def.rule, dtypes);
  if (typeof r === 'string') {
    throw new DTypeError(`${op} ${r} (got ${dtypes.join(', ')})`, {
      op,
      dtypes,
      shapes: operands.map((x) => (x instanceof Tensor ? [...x.shape] : [])),
    });
  }
  if (op === 'cast') checkCastTarget(attrs.dtype);
  const outDtype = op === 'cast' ? (attrs.dtype as DType) : r.out;
  const outShape = broadcastShapes(op, operands.map((x) => (x instanceof Tensor ? x.shape : [])));
  return launch({
    op, tensors, outShape, outDtype,
    build: (leaves, addParam) => {
      let t = 0;
      const xs = operands.map((x, i) => {
        const leaf = x instanceof Tensor ? leaves[t++] : addParam(Number(x), dtypes[i]);
        return i < valueStart ? leaf : cast(leaf, r.operand);
      });
      return def.build(xs, { param: addParam, attrs });
    },
  });
}

function checkCastTarget(d: unknown): void {
  if (d !== 'float32' && d !== 'int32' && d !== 'uint32' && d !== 'bool') {
    throw new DTypeError(`cast: unknown dtype ${JSON.stringify(d)}; expected float32, int32, uint32 or bool`, { op: 'cast' });
  }
}

/** Runs a generator (fill, range, eye, random…) into a new tensor of `shape`. */
export function runGenerator(gen: Generator, shape: readonly number[], device?: DeviceName, op = gen.name): Tensor {
  return launch({
    op, device, tensors: [], outShape: shape, outDtype: gen.dtype,
    build: (_leaves, addParam) => {
      const ps = gen.params.map((p) => addParam(p.value, p.dtype));
      return gen.build((i) => ps[i]);
    },
  });
}

/** A tensor from host values already laid out for storage (bool as uint32). */
export function upload(
  op: string,
  values: Float32Array | Int32Array | Uint32Array,
  shape: readonly number[],
  dtype: DType,
  pinned?: DeviceName,
): Tensor {
  const device = placeOp(op, [], shape, pinned);
  const backend = runtime.backend(device, op);
  if (values.length === 0) return new Tensor(shape, dtype, null, device);
  // Reuses the size check of allocate() without allocating twice.
  if (values.byteLength > backend.limits.maxStorageBytes) allocate(backend, op, shape, dtype);
  let handle: unknown;
  try {
    handle = backend.upload(values);
  } catch (e) {
    throw nameAllocation(e, tensorAllocation(op, shape, dtype));
  }
  const storage: Storage = { owner: backend, handle, bytes: values.byteLength, refs: 0 };
  return new Tensor(shape, dtype, storage, device);
}

/** A view of `t` (no kernel): same storage, new shape/strides/offset. */
export function view(t: Tensor, shape: readonly number[], strides: readonly number[], offset = t.offset): Tensor {
  return new Tensor(shape, t.dtype, t.storage, t.device, strides, offset);
}

/** A contiguous copy of a (strided) tensor; errors name `op` (the user-facing op that needed the copy). */
export function materialize(t: Tensor, op = 'clone'): Tensor {
  t.assertUsable(op);
  return launch({ op, device: t.device, tensors: [t], outShape: t.shape, outDtype: t.dtype, build: ([v]) => v });
}
