// Scans (cumsum, cumprod) along one axis: one invocation per row (all other coordinates), walking the
// axis sequentially, forwards or in reverse, inclusive or exclusive. Grid: ⌈rows / 64⌉ (folded to 2-D).
// Reads a strided view; writes a contiguous output of the same shape.
import { DTYPE_INFO } from '../core/dtype';
import type { ScanKernel } from '../ir/kernel';
import type { ShaderModuleSpec } from './codegen';
import { wordRef } from './layout';
import type { Dims } from './reduce';

export interface ScanGeometry {
  rows: number;
  L: number;
  inOffset: number;
  inAxisStride: number;
  outAxisStride: number;
  /** The other dims: shape, input strides, output strides. */
  other: Dims & { outStrides: number[] };
}

export function scanGeometry(shape: readonly number[], strides: readonly number[], offset: number, axis: number): ScanGeometry {
  const outStrides: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    outStrides[i] = s;
    s *= shape[i];
  }
  const idx = shape.map((_, i) => i).filter((i) => i !== axis);
  return {
    rows: idx.reduce((p, i) => p * shape[i], 1),
    L: shape[axis],
    inOffset: offset,
    inAxisStride: strides[axis],
    outAxisStride: outStrides[axis],
    other: { shape: idx.map((i) => shape[i]), strides: idx.map((i) => strides[i]), outStrides: idx.map((i) => outStrides[i]) },
  };
}

// Words: 0 rows, 1 L, 2 inOffset, 3 inAxisStride, 4 outAxisStride, then per other dim: shape, in, out.
export function packScanUniforms(g: ScanGeometry, into: Uint32Array, at: number): number {
  const n = g.other.shape.length;
  const vec4s = Math.ceil((5 + 3 * n) / 4);
  into.fill(0, at, at + vec4s * 4);
  into.set([g.rows, g.L, g.inOffset, g.inAxisStride, g.outAxisStride], at);
  for (let d = 0; d < n; d++) into.set([g.other.shape[d], g.other.strides[d], g.other.outStrides[d]], at + 5 + 3 * d);
  return vec4s * 16;
}

export function generateScanWGSL(k: ScanKernel, otherRank: number): ShaderModuleSpec {
  const T = DTYPE_INFO[k.dtype].wgsl;
  const vec4s = Math.ceil((5 + 3 * otherRank) / 4);
  const I = (w: number) => `bitcast<i32>(${wordRef(w)})`;
  const id = k.op === 'sum' ? (T === 'f32' ? '0.0f' : T === 'i32' ? '0i' : '0u') : T === 'f32' ? '1.0f' : T === 'i32' ? '1i' : '1u';
  const op = k.op === 'sum' ? '+' : '*';
  const dims: string[] = [];
  for (let d = otherRank - 1; d >= 0; d--) {
    const base = 5 + 3 * d;
    dims.push(`{ let c = i32(rem % ${wordRef(base)}); rem = rem / ${wordRef(base)}; ib = ib + c * ${I(base + 1)}; ob = ob + c * ${I(base + 2)}; }`);
  }
  const step = k.exclusive
    ? ['out[u32(ob + j * os)] = acc;', `acc = acc ${op} inp[u32(ib + j * istr)];`]
    : [`acc = acc ${op} inp[u32(ib + j * istr)];`, 'out[u32(ob + j * os)] = acc;'];
  const code = [
    `// wgflow kernel: ${k.name} (scan ${k.op}${k.exclusive ? ', exclusive' : ''}${k.reverse ? ', reverse' : ''})`,
    `@group(0) @binding(0) var<uniform> u: array<vec4<u32>, ${vec4s}>;`,
    `@group(0) @binding(1) var<storage, read> inp: array<${T}>;`,
    `@group(0) @binding(2) var<storage, read_write> out: array<${T}>;`,
    '@compute @workgroup_size(64)',
    'fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {',
    '  let row = gid.x + gid.y * nwg.x * 64u;',
    `  if (row >= ${wordRef(0)}) { return; }`,
    '  var rem = row;',
    `  var ib = ${I(2)};`,
    '  var ob = 0i;',
    ...dims.map((l) => `  ${l}`),
    `  let L = i32(${wordRef(1)}); let istr = ${I(3)}; let os = ${I(4)};`,
    `  var acc: ${T} = ${id};`,
    '  for (var t = 0i; t < L; t = t + 1i) {',
    `    let j = ${k.reverse ? 'L - 1i - t' : 't'};`,
    ...step.map((l) => `    ${l}`),
    '  }',
    '}',
    '',
  ].join('\n');
  return { code, bindings: { uniform: 0, inputs: [1], output: 2 }, workgroupSize: [64, 1, 1], elementsPerThread: 1, uniformBytes: vec4s * 16 };
}
