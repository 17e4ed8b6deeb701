// The uniform block of a kernel: which 32-bit word holds what, and how a launch fills it.
// Shapes, strides, offsets and scalar params live here so one pipeline serves many shapes and values.
import type { DType } from '../core/dtype';
import { broadcastStrides } from '../core/shape';
import type { ElementwiseKernel, Launch } from '../ir/kernel';

export interface UniformLayout {
  /** Word 0: element count; words 1..3: NaN, +Infinity, -Infinity bit patterns (see wg_nan). */
  outShape: number[];
  /** Offset and strides of a strided output. */
  outView?: { offset: number; strides: number[] };
  inputs: { offset: number; strides?: number[] }[];
  params: number[];
  words: number;
  vec4s: number;
}

export function uniformLayout(k: ElementwiseKernel): UniformLayout {
  let w = 4;
  const outShape = range(k.rank).map(() => w++);
  const outView = k.outLayout === 'strided' ? { offset: w++, strides: range(k.rank).map(() => w++) } : undefined;
  const inputs = k.inputs.map((x) => {
    const offset = w++;
    return x.layout === 'strided' ? { offset, strides: range(k.rank).map(() => w++) } : { offset };
  });
  const params = k.params.map(() => w++);
  const vec4s = Math.max(1, Math.ceil(w / 4));
  return { outShape, outView, inputs, params, words: w, vec4s };
}

/** `u[2].z` for word 10. */
export function wordRef(w: number): string {
  return `u[${w >> 2}].${'xyzw'[w & 3]}`;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const i32 = new Int32Array(f32.buffer);

/** Bits of a scalar param as the shader reads it (bitcast for float32 and int32). */
export function paramBits(v: number, d: DType): number {
  switch (d) {
    case 'float32':
      f32[0] = v;
      return u32[0];
    case 'int32':
      i32[0] = v;
      return u32[0];
    case 'uint32':
      return v >>> 0;
    case 'bool':
      return v ? 1 : 0;
    default:
      return d satisfies never;
  }
}

export function packUniforms(launch: Launch, layout: UniformLayout, into: Uint32Array, at: number): void {
  const k = launch.kernel as ElementwiseKernel;
  into.fill(0, at, at + layout.vec4s * 4);
  let size = 1;
  for (const d of launch.outShape) size *= d;
  into[at] = size;
  into[at + 1] = 0x7fc00000;
  into[at + 2] = 0x7f800000;
  into[at + 3] = 0xff800000;
  layout.outShape.forEach((w, d) => (into[at + w] = launch.outShape[d]));
  if (layout.outView) {
    const v = launch.outView!;
    into[at + layout.outView.offset] = v.offset;
    layout.outView.strides.forEach((w, d) => (into[at + w] = v.strides[d])); // negative strides wrap to their i32 bits
  }
  launch.inputs.forEach((v, i) => {
    const l = layout.inputs[i];
    into[at + l.offset] = v.offset;
    if (l.strides) {
      const s = broadcastStrides(v.shape, v.strides, launch.outShape);
      l.strides.forEach((w, d) => (into[at + w] = s[d]));
    }
  });
  layout.params.forEach((w, j) => (into[at + w] = paramBits(launch.params[j], k.params[j])));
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
