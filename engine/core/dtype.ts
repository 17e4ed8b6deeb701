// dtype table: storage, WGSL types, typed arrays, rounding, and the promotion rules shared by every op.
import { DTypeError } from './errors';

export type DType = 'float32' | 'int32' | 'uint32' | 'bool';
export const DTYPES: readonly DType[] = ['float32', 'int32', 'uint32', 'bool'];

export type TypedArray = Float32Array | Int32Array | Uint32Array | Uint8Array;

interface DTypeInfo {
  /** Element type of a storage buffer in WGSL. bool is stored as u32: WGSL has no host-shareable bool. */
  storage: 'f32' | 'i32' | 'u32';
  /** Type of a value of this dtype inside a WGSL expression. */
  wgsl: 'f32' | 'i32' | 'u32' | 'bool';
  /** Bytes per element on every backend (bool takes 4 bytes on the GPU and on the CPU backend alike). */
  bytes: 4;
  /** The typed array users get back from `data()`. */
  array: { new (n: number | ArrayBufferLike): TypedArray };
  /** Rounds a JS number to a value of this dtype (how the CPU backend mimics GPU arithmetic). */
  round: (x: number) => number;
}

export const DTYPE_INFO: { readonly [K in DType]: DTypeInfo } = {
  float32: { storage: 'f32', wgsl: 'f32', bytes: 4, array: Float32Array, round: Math.fround },
  int32: { storage: 'i32', wgsl: 'i32', bytes: 4, array: Int32Array, round: (x) => x | 0 },
  uint32: { storage: 'u32', wgsl: 'u32', bytes: 4, array: Uint32Array, round: (x) => x >>> 0 },
  bool: { storage: 'u32', wgsl: 'bool', bytes: 4, array: Uint8Array, round: (x) => (x ? 1 : 0) },
};

/** Typed array used for storage (the GPU buffer layout); differs from the user-facing one only for bool. */
export function storageArray(dtype: DType, n: number | ArrayBufferLike): Float32Array | Int32Array | Uint32Array {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n as number);
    case 'int32':
      return new Int32Array(n as number);
    case 'uint32':
    case 'bool':
      return new Uint32Array(n as number);
    default:
      return dtype satisfies never;
  }
}

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

export function checkDType(x: unknown, op: string): DType {
  if (!isDType(x)) {
    throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(x)}; expected one of ${DTYPES.join(', ')}`, { op });
  }
  return x;
}

export const isFloat = (d: DType) => d === 'float32';
export const isInt = (d: DType) => d === 'int32' || d === 'uint32';
export const isNumeric = (d: DType) => d !== 'bool';

/**
 * Result dtype of a binary arithmetic/comparison op on two tensors (see docs/dtypes.md):
 * equal dtypes keep their dtype; float32 wins over int32/uint32; int32 with uint32 has no lossless
 * 32-bit common type, so it is an error rather than a silent wrap (cast one side explicitly).
 * Returns undefined when there is no rule; the caller names the op in its error.
 */
export function promoteTypes(a: DType, b: DType): DType | undefined {
  if (a === b) return a;
  if (a === 'bool' || b === 'bool') return undefined;
  if (a === 'float32' || b === 'float32') return 'float32';
  return undefined; // int32 with uint32
}

/**
 * Operand dtype of a binary arithmetic op or comparison, following TensorFlow.js's `upcastType`: a bool
 * operand (0/1) takes the other operand's dtype, then promoteTypes applies. Two bools compute as int32:
 * TensorFlow.js keeps the dtype 'bool' there but stores the raw arithmetic result in it (true + true is a
 * "bool" 2, false − true a "bool" 255), so the numbers it computes are int32's and wgflow says so.
 */
export function upcastTypes(a: DType, b: DType): DType | undefined {
  if (a === 'bool' && b === 'bool') return 'int32';
  return promoteTypes(a === 'bool' ? b : a, b === 'bool' ? a : b);
}

/**
 * Dtype a bare JavaScript number takes next to a tensor of dtype `other` (NumPy 2's "weak scalar" rule):
 * it adopts the tensor's dtype when it is representable there; a non-integer next to an integer tensor
 * promotes the operation to float32. Returns 'error' when an integer is out of range for the tensor's dtype.
 * Next to a bool tensor, 0 and 1 are bools (so logical ops and `where` take them); any other number is an
 * int32 or float32 operand, which bool arithmetic upcasts to (`add(boolTensor, 2)` adds 2, not `true`).
 */
export function weakScalarType(value: number, other: DType): DType | 'error' {
  if (other === 'float32') return other;
  if (other === 'bool') return value === 0 || value === 1 ? 'bool' : weakScalarType(value, 'int32');
  if (!Number.isInteger(value)) return 'float32'; // fractions, NaN and ±Infinity
  if (other === 'int32') return value >= -2147483648 && value <= 2147483647 ? 'int32' : 'error';
  return value >= 0 && value <= 4294967295 ? 'uint32' : 'error';
}
