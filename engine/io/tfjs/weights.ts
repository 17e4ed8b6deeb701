// The weight shards of a graph model decoded into host arrays. A manifest group's shards are one byte stream
// (concatenated in order) holding its weights back to back, unaligned, in manifest order: float32/int32 as 4
// little-endian bytes, bool as 1 byte; quantised weights as uint8/uint16 (value = q · scale + min, rounded for
// int32) or float16 (float32 only). Errors name the weight and the shards, with expected and actual byte counts.
import { concatBuffers, float16ToFloat32 } from './bytes';
import type { NumericDType } from './dtypes';
import { WeightDataError } from './errors';
import type { WeightSpecJson, WeightsGroupJson } from './model_json';

/** A decoded weight: float32 → Float32Array, int32 → Int32Array, bool → Uint8Array of 0/1. */
export interface HostWeight {
  name: string;
  shape: number[];
  dtype: NumericDType;
  data: Float32Array | Int32Array | Uint8Array;
}

export type WeightMap = Map<string, HostWeight>;

/** Bytes or a view of them (a Node Buffer, a Uint8Array of a larger buffer). */
export type Bytes = ArrayBuffer | ArrayBufferView;

const ELEMENT_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

function describe(spec: WeightSpecJson): string {
  const q = spec.quantization ? `, ${spec.quantization.dtype}-quantised` : '';
  return `weight '${spec.name}' (${spec.dtype} [${spec.shape.join(', ')}]${q})`;
}

/** Throws unless the reader can decode this spec (dtype and quantisation). */
function checkSpec(spec: WeightSpecJson): void {
  if (spec.dtype !== 'float32' && spec.dtype !== 'int32' && spec.dtype !== 'bool') {
    throw new WeightDataError(`${describe(spec)}: dtype ${spec.dtype} is not supported (wgflow reads float32, int32 and bool weights)`);
  }
  const q = spec.quantization;
  if (!q) return;
  if (q.dtype === 'float16' && spec.dtype !== 'float32') {
    throw new WeightDataError(`${describe(spec)}: float16 quantisation applies to float32 weights only, not ${spec.dtype}`);
  }
  if ((q.dtype === 'uint8' || q.dtype === 'uint16') && spec.dtype === 'bool') {
    throw new WeightDataError(`${describe(spec)}: ${q.dtype} quantisation applies to float32 and int32 weights, not bool`);
  }
  if (q.dtype !== 'float16' && q.dtype !== 'uint8' && q.dtype !== 'uint16') {
    throw new WeightDataError(`${describe(spec)}: unknown quantisation dtype ${String(q.dtype)} (known: uint8, uint16, float16)`);
  }
}

/** How many bytes of the shards a weight takes (quantised weights: the quantised size). */
export function weightByteLength(spec: WeightSpecJson): number {
  checkSpec(spec);
  const count = spec.shape.reduce((a, b) => a * b, 1);
  return count * ELEMENT_BYTES[spec.quantization ? spec.quantization.dtype : spec.dtype];
}

/** Decodes one weight from exactly its bytes (a fresh copy: the result shares no memory with the shards). */
export function decodeWeight(spec: WeightSpecJson, bytes: Uint8Array): HostWeight {
  const need = weightByteLength(spec);
  if (bytes.byteLength !== need) {
    throw new WeightDataError(`${describe(spec)}: expected ${need} bytes, got ${bytes.byteLength}`);
  }
  const own = bytes.slice().buffer; // aligned copy
  const shape = spec.shape.slice();
  const q = spec.quantization;
  if (!q) {
    const data = spec.dtype === 'float32' ? new Float32Array(own) : spec.dtype === 'int32' ? new Int32Array(own) : new Uint8Array(own);
    if (spec.dtype === 'bool') for (let i = 0; i < data.length; i++) data[i] = data[i] !== 0 ? 1 : 0;
    return { name: spec.name, shape, dtype: spec.dtype as NumericDType, data };
  }
  if (q.dtype === 'float16') return { name: spec.name, shape, dtype: 'float32', data: float16ToFloat32(new Uint16Array(own)) };
  const codes = q.dtype === 'uint8' ? new Uint8Array(own) : new Uint16Array(own);
  const scale = q.scale!;
  const min = q.min!;
  if (spec.dtype === 'float32') {
    const data = new Float32Array(codes.length);
    for (let i = 0; i < codes.length; i++) data[i] = codes[i] * scale + min; // in double, rounded once to float32
    return { name: spec.name, shape, dtype: 'float32', data };
  }
  const data = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) data[i] = Math.round(codes[i] * scale + min);
  return { name: spec.name, shape, dtype: 'int32', data };
}

function toBytes(b: Bytes): Uint8Array {
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  throw new WeightDataError(`weight data must be an ArrayBuffer or a typed array, got ${b === null ? 'null' : typeof b}`);
}

/**
 * Decodes a run of weights stored back to back in `bytes`, adding them to `out`. `label` says what the bytes are
 * ("group 0 (shards a.bin, b.bin)") for messages. The bytes must hold exactly the weights: fewer is a truncated
 * group (named weight, expected vs got bytes), more is trailing data.
 */
export function decodeWeightRun(specs: readonly WeightSpecJson[], bytes: Bytes, label: string, out: WeightMap = new Map()): WeightMap {
  const all = toBytes(bytes);
  let at = 0;
  for (const spec of specs) {
    const need = weightByteLength(spec);
    if (at + need > all.byteLength) {
      const got = Math.max(0, all.byteLength - at);
      throw new WeightDataError(
        `${describe(spec)}: ${label} is truncated: the weight needs ${need} bytes at offset ${at}, got ${got} ` +
          `(it holds ${all.byteLength} bytes; its weights need ${specs.reduce((n, s) => n + weightByteLength(s), 0)})`,
      );
    }
    out.set(spec.name, decodeWeight(spec, all.subarray(at, at + need)));
    at += need;
  }
  if (at !== all.byteLength) {
    const last = specs.length > 0 ? ` after its last weight '${specs[specs.length - 1].name}'` : '';
    throw new WeightDataError(
      `${label} holds ${all.byteLength} bytes but its ${specs.length} weights need ${at}: ${all.byteLength - at} bytes of ` +
        `trailing data${last}. The shards do not match the manifest (a weight's shape, dtype or quantisation differs ` +
        `from what was written, or a shard is from another model).`,
    );
  }
  return out;
}

/** "group 1 (shards group2-shard1of2.bin, group2-shard2of2.bin)" */
export function groupLabel(manifest: readonly WeightsGroupJson[], g: number): string {
  const paths = manifest[g].paths;
  return `weights group ${g} (${paths.length === 1 ? 'shard' : 'shards'} ${paths.join(', ')})`;
}

/**
 * Decodes every weight of a manifest. `data` is either the shards as fetched, one buffer per path in manifest
 * order (group 0's paths, then group 1's …), or one buffer holding all of them concatenated (what
 * `{ modelJson, weights }` may pass, and TensorFlow.js's own in-memory form).
 */
export function decodeWeights(manifest: readonly WeightsGroupJson[], data: Bytes | readonly Bytes[]): WeightMap {
  const out: WeightMap = new Map();
  const shardCount = manifest.reduce((n, g) => n + g.paths.length, 0);
  const specs = manifest.flatMap((g) => g.weights);
  for (const s of specs) checkSpec(s);
  if (!Array.isArray(data) || data.length === 1) {
    const one = Array.isArray(data) ? data[0] : (data as Bytes);
    const label = shardCount === 1 ? groupLabel(manifest, 0) : `the weight data (all ${shardCount} shards concatenated)`;
    return decodeWeightRun(specs, one, label, out);
  }
  if (data.length !== shardCount) {
    throw new WeightDataError(
      `got ${data.length} weight buffers, but the manifest lists ${shardCount} shards ` +
        `(${manifest.flatMap((g) => g.paths).join(', ')}); pass one buffer per shard in manifest order, or one buffer with all of them`,
    );
  }
  let next = 0;
  manifest.forEach((group, g) => {
    const shards = data.slice(next, next + group.paths.length).map(toBytes);
    next += group.paths.length;
    decodeWeightRun(group.weights, shards.length === 1 ? shards[0] : concatBuffers(shards), groupLabel(manifest, g), out);
  });
  return out;
}
