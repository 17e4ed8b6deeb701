// Public creation functions: constant/tensor/scalar from host values, fills, ranges, eye, random.
import { family } from './define';
import { opt, p } from '../ops/registry';
import { type DType, DTYPE_INFO, checkDType, storageArray, type TypedArray } from '../core/dtype';
import { DTypeError, ShapeError } from '../core/errors';
import { seedKey, setGlobalSeed } from '../core/random';
import { checkInt, checkShape, describe, fmtShape, sizeOf } from '../core/shape';
import type { DeviceName, NestedArray, Tensor } from '../core/tensor';
import { castValue } from '../backend/cpu/prims';
import { launch, runGenerator, upload } from '../eager/dispatch';
import { placeOp } from '../eager/devices';
import { statefulKeyInput } from '../graph/record';
import { eyeGen, fillGen, linspaceGen, randomNormalGen, randomUniformGen, rangeGen, type Generator } from '../ops/creation';

export type TensorValues = NestedArray | TypedArray | Float64Array | Int8Array | Int16Array | Uint16Array | Uint8ClampedArray;

function isTypedArray(v: unknown): v is ArrayBufferView & ArrayLike<number> {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

function typedArrayDType(v: ArrayBufferView): DType {
  if (v instanceof Int32Array) return 'int32';
  if (v instanceof Uint32Array) return 'uint32';
  if (v instanceof Float32Array || v instanceof Float64Array) return 'float32';
  return 'int32'; // Int8/Int16/Uint8/Uint16: integers
}

/** Infers the shape of nested arrays, rejecting ragged nesting and non-numeric leaves. */
function inferShape(op: string, values: unknown): number[] {
  const shape: number[] = [];
  let v = values;
  while (Array.isArray(v) || isTypedArray(v)) {
    shape.push((v as ArrayLike<unknown>).length);
    if ((v as ArrayLike<unknown>).length === 0 || isTypedArray(v)) break;
    v = (v as unknown[])[0];
  }
  const check = (x: unknown, d: number, path: number[]) => {
    if (d === shape.length) {
      if (Array.isArray(x) || isTypedArray(x)) {
        throw new ShapeError(`${op}: ragged nested array: element [${path.join('][')}] is an array where a value was expected`, { op });
      }
      if (typeof x !== 'number' && typeof x !== 'boolean') {
        throw new DTypeError(`${op}: values must be numbers or booleans, got ${describe(x)} at [${path.join('][')}]`, { op });
      }
      return;
    }
    if (!(Array.isArray(x) || isTypedArray(x)) || (x as ArrayLike<unknown>).length !== shape[d]) {
      const len = Array.isArray(x) || isTypedArray(x) ? `has length ${(x as ArrayLike<unknown>).length}` : 'is not an array';
      throw new ShapeError(`${op}: ragged nested array: element [${path.join('][')}] ${len}, expected length ${shape[d]}`, { op });
    }
    if (isTypedArray(x)) return;
    (x as unknown[]).forEach((y, i) => check(y, d + 1, [...path, i]));
  };
  check(values, 0, []);
  return shape;
}

function flatten(values: unknown, out: (number | boolean)[]): void {
  if (Array.isArray(values)) for (const v of values) flatten(v, out);
  else if (isTypedArray(values)) for (let i = 0; i < values.length; i++) out.push(values[i]);
  else out.push(values as number | boolean);
}

function tensor$impl(values: TensorValues, shape?: number[] | null, dtype?: DType): Tensor {
  return makeTensor('tensor', values, shape ?? undefined, dtype);
}

function constant$impl(values: TensorValues, dtype?: DType, shape?: number[]): Tensor {
  return makeTensor('constant', values, shape, dtype);
}

function scalar$impl(value: number | boolean, dtype?: DType): Tensor {
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new DTypeError(`scalar: expected a number or boolean, got ${describe(value)}`, { op: 'scalar' });
  }
  return makeTensor('scalar', value, [], dtype);
}

function makeTensor(op: string, values: unknown, shape: number[] | undefined, dtype: DType | undefined, device?: DeviceName): Tensor {
  if (dtype !== undefined) checkDType(dtype, op);
  const inferred = inferShape(op, values);
  // A typed array whose elements are already values of the target dtype is copied as it is (no per-element
  // conversion): the common way to bring large data in.
  if (isTypedArray(values) && !(values instanceof Uint8Array) && (shape === undefined || sizeOf(checkShape(shape, op)) === values.length)) {
    const dt = dtype ?? typedArrayDType(values);
    const same =
      (dt === 'float32' && (values instanceof Float32Array || values instanceof Float64Array)) ||
      (dt === 'int32' && values instanceof Int32Array) ||
      (dt === 'uint32' && values instanceof Uint32Array);
    if (same) {
      const store = storageArray(dt, values.length);
      store.set(values as ArrayLike<number>); // Float64Array → float32 rounds like Math.fround
      return finish(op, store, shape ?? inferred, dt, device);
    }
  }
  const flat: (number | boolean)[] = [];
  flatten(values, flat);
  const target = shape === undefined ? inferred : checkShape(shape, op);
  const n = sizeOf(target);
  if (flat.length !== n && !(flat.length === 1 && inferred.length === 0)) {
    throw new ShapeError(`${op}: ${flat.length} values do not fill shape ${fmtShape(target)} (${n} elements)`, {
      op,
      shapes: [target],
    });
  }
  const inferredType: DType = isTypedArray(values)
    ? typedArrayDType(values)
    : flat.some((v) => typeof v === 'boolean')
      ? 'bool'
      : 'float32';
  const dt = dtype ?? inferredType;
  const store = storageArray(dt, n);
  const from: DType = typeof flat[0] === 'boolean' ? 'bool' : 'float32';
  const round = DTYPE_INFO[dt].round;
  // Host values convert like a cast: float → int truncates toward zero.
  for (let i = 0; i < n; i++) {
    const v = flat.length === 1 ? flat[0] : flat[i];
    store[i] = round(castValue(Number(v), from, dt));
  }
  return finish(op, store, target, dt, device);
}

/** Uploads storage-layout values; small integer tensors keep a host copy (synchronous index checks). */
function finish(op: string, store: Float32Array | Int32Array | Uint32Array, shape: number[], dt: DType, device?: DeviceName): Tensor {
  const t = upload(op, store, shape, dt, device);
  if ((dt === 'int32' || dt === 'uint32') && store.length <= HOST_COPY_MAX) t.hostValues = store as Int32Array | Uint32Array;
  return t;
}

const HOST_COPY_MAX = 1 << 20;

/** A tensor from host values for an op's own use (gather's index arrays, variables…); errors name `op`. */
export function constantFromHost(op: string, values: TensorValues, dtype: DType | undefined, device?: DeviceName): Tensor {
  return makeTensor(op, values, undefined, dtype, device);
}

function fill$impl(shape: number[], value: number | boolean, dtype?: DType): Tensor {
  return fillAs('fill', shape, value, dtype);
}

/** fill, with errors named after the user-facing op (zeros, ones…). */
function fillAs(op: string, shape: number[], value: number | boolean, dtype?: DType): Tensor {
  const s = checkShape(shape, op);
  const dt = dtype !== undefined ? checkDType(dtype, op) : typeof value === 'boolean' ? 'bool' : 'float32';
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new DTypeError(`${op}: value must be a number or boolean, got ${describe(value)}`, { op });
  }
  return runGenerator(fillGen(Number(value), dt), s, undefined, op);
}

const zeros$impl = (shape: number[], dtype: DType = 'float32') => fillAs('zeros', shape, 0, dtype);
const ones$impl = (shape: number[], dtype: DType = 'float32') => fillAs('ones', shape, 1, dtype);
const zerosLike$impl = (x: Tensor) => (x.assertUsable('zerosLike'), fillAs('zerosLike', [...x.shape], 0, x.dtype));
const onesLike$impl = (x: Tensor) => (x.assertUsable('onesLike'), fillAs('onesLike', [...x.shape], 1, x.dtype));

function finite(op: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ShapeError(`${op}: ${what} must be a finite number, got ${describe(v)}`, { op });
  }
  return v;
}

function range$impl(start: number, stop?: number | null, step = 1, dtype: DType = 'float32'): Tensor {
  // range(n) is Python's: 0 … n-1, empty for n <= 0.
  const pythonForm = stop === undefined || stop === null;
  const lo = finite('range', 'start', pythonForm ? 0 : start);
  const hi = finite('range', 'stop', pythonForm ? start : stop);
  finite('range', 'step', step);
  checkDType(dtype, 'range');
  if (step === 0) throw new ShapeError('range: step must not be 0', { op: 'range' });
  // TensorFlow.js (tfjs-backend-cpu rangeImpl): a step of exactly 1, given or default, counts down when
  // stop < start. Its length is still |ceil((stop - start) / 1)|, so range(5, 0.5) is [5, 4, 3, 2].
  if (!pythonForm && hi < lo && step === 1) {
    return runGenerator(rangeGen(lo, -1, dtype), [Math.floor(lo - hi)]);
  }
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  return runGenerator(rangeGen(lo, step, dtype), [n]);
}

function linspace$impl(start: number, stop: number, num: number): Tensor {
  finite('linspace', 'start', start);
  finite('linspace', 'stop', stop);
  checkInt(num, 'linspace', 'num', 0);
  return runGenerator(linspaceGen(start, stop, num), [num]);
}

function eye$impl(numRows: number, numColumns?: number | null, batchShape?: number[] | null, dtype: DType = 'float32'): Tensor {
  checkInt(numRows, 'eye', 'numRows', 0);
  const cols = numColumns ?? numRows;
  checkInt(cols, 'eye', 'numColumns', 0);
  // TensorFlow.js code passes null (or undefined) for "no batch dimensions" to reach the dtype argument.
  const batch = checkShape(batchShape ?? [], 'eye', 'batchShape');
  checkDType(dtype, 'eye');
  return runGenerator(eyeGen(numRows, cols, dtype), [...batch, numRows, cols]);
}

/**
 * A random generator's tensor. Seeded: its key is a param (the same values on every call, as TensorFlow.js).
 * Unseeded: its key is drawn from the global generator, eagerly at the call (a param again), in a graph before
 * every run (an input: statefulKeyInput), so each run of a compiled plan draws new values, and nothing folds them.
 */
function runRandom(op: string, make: (key: number) => Generator, shape: number[], seed: number | undefined): Tensor {
  if (seed !== undefined) return runGenerator(make(seedKey(finite(op, 'seed', seed))), shape);
  const key = statefulKeyInput(op, undefined, () => placeOp(op, [], shape));
  if (typeof key === 'number') return runGenerator(make(key), shape);
  const gen = make(0);
  try {
    return launch({
      op, device: key.device, tensors: [key], outShape: shape, outDtype: gen.dtype,
      build: ([k], addParam) => {
        const ps = gen.params.map((p, i) => (i === gen.key ? k : addParam(p.value, p.dtype)));
        return gen.build((i) => ps[i]);
      },
    });
  } finally {
    key.dispose();
  }
}

function randomUniform$impl(shape: number[], minval = 0, maxval = 1, dtype: DType = 'float32', seed?: number): Tensor {
  const s = checkShape(shape, 'randomUniform');
  finite('randomUniform', 'minval', minval);
  finite('randomUniform', 'maxval', maxval);
  if (checkDType(dtype, 'randomUniform') === 'bool') {
    throw new DTypeError('randomUniform: dtype must be float32, int32 or uint32', { op: 'randomUniform' });
  }
  if (maxval < minval) throw new ShapeError(`randomUniform: maxval ${maxval} is below minval ${minval}`, { op: 'randomUniform' });
  return runRandom('randomUniform', (key) => randomUniformGen(minval, maxval, dtype, key), s, seed);
}

function randomNormal$impl(shape: number[], mean = 0, stdDev = 1, dtype: DType = 'float32', seed?: number): Tensor {
  const s = checkShape(shape, 'randomNormal');
  finite('randomNormal', 'mean', mean);
  finite('randomNormal', 'stdDev', stdDev);
  if (checkDType(dtype, 'randomNormal') !== 'float32') {
    throw new DTypeError(`randomNormal: dtype must be float32, got ${dtype}`, { op: 'randomNormal' });
  }
  return runRandom('randomNormal', (key) => randomNormalGen(mean, stdDev, key), s, seed);
}

/** Resets the global generator that unseeded random ops draw from. */
export function setSeed(seed: number): void {
  setGlobalSeed(finite('setSeed', 'seed', seed));
}

/** Creation ops (registry definitions): kernels generate the values on the device where they can. */
export const CREATION_DEFS = family('creation', {
  tensor: {
    doc: 'A tensor from host values: numbers become float32 and booleans bool unless `dtype` says otherwise.',
    params: [p('values', 'values'), opt('shape', 'nullableShape'), opt('dtype', 'dtype')],
    returns: 'tensor',
    fromHost: true,
    impl: tensor$impl,
  },
  constant: {
    doc: "TensorFlow's `tf.constant(value, dtype?, shape?)`. A single value with a shape fills it.",
    params: [p('values', 'values'), opt('dtype', 'dtype'), opt('shape', 'shape')],
    returns: 'tensor',
    fromHost: true,
    impl: constant$impl,
  },
  scalar: {
    doc: 'A rank-0 tensor.',
    params: [p('value', 'scalar'), opt('dtype', 'dtype')],
    returns: 'tensor',
    fromHost: true,
    impl: scalar$impl,
  },
  fill: {
    doc: 'A tensor of `shape` filled with `value`.',
    params: [p('shape', 'shape'), p('value', 'scalar'), opt('dtype', 'dtype')],
    returns: 'tensor',
    impl: fill$impl,
  },
  range: {
    doc: 'Numbers from start (inclusive) to stop (exclusive) by step; `range(n)` counts 0..n-1.',
    params: [p('start', 'number'), opt('stop', 'number'), opt('step', 'number'), opt('dtype', 'dtype')],
    returns: 'tensor',
    impl: range$impl,
  },
  linspace: {
    doc: '`num` evenly spaced numbers from start to stop, both included.',
    params: [p('start', 'number'), p('stop', 'number'), p('num', 'int')],
    returns: 'tensor',
    impl: linspace$impl,
  },
  eye: {
    doc: 'Identity matrices (numRows × numColumns), optionally batched.',
    params: [p('numRows', 'int'), opt('numColumns', 'nullableInt'), opt('batchShape', 'nullableShape'), opt('dtype', 'dtype')],
    returns: 'tensor',
    impl: eye$impl,
  },
  randomUniform: {
    doc: 'Uniform random values in [minval, maxval). The same seed gives the same values on every backend.',
    params: [p('shape', 'shape'), opt('minval', 'number'), opt('maxval', 'number'), opt('dtype', 'dtype'), opt('seed', 'number')],
    returns: 'tensor',
    impl: randomUniform$impl,
  },
  randomNormal: {
    doc: 'Normally distributed values (Box–Muller).',
    params: [p('shape', 'shape'), opt('mean', 'number'), opt('stdDev', 'number'), opt('dtype', 'dtype'), opt('seed', 'number')],
    returns: 'tensor',
    impl: randomNormal$impl,
  },
  zeros: {
    doc: 'A tensor of zeros.',
    params: [p('shape', 'shape'), opt('dtype', 'dtype')],
    returns: 'tensor',
    impl: zeros$impl,
  },
  ones: {
    doc: 'A tensor of ones.',
    params: [p('shape', 'shape'), opt('dtype', 'dtype')],
    returns: 'tensor',
    impl: ones$impl,
  },
  zerosLike: {
    doc: 'Zeros of the shape and dtype of x.',
    params: [p('x', 'tensor')],
    returns: 'tensor',
    impl: zerosLike$impl,
  },
  onesLike: {
    doc: 'Ones of the shape and dtype of x.',
    params: [p('x', 'tensor')],
    returns: 'tensor',
    impl: onesLike$impl,
  },
});
