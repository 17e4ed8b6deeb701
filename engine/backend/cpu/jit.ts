// Elementwise kernels as generated JavaScript: Kernel IR → the source of one specialised loop, compiled
// once per (kernel structure, layout) with `new Function`. The closure interpreter in cpu_backend.ts stays
// the reference and the fallback (pages whose Content-Security-Policy forbids eval, unusual constructs).
import { storageArray, type DType } from '../../core/dtype';
import { broadcastStrides, contiguousStrides } from '../../core/shape';
import { linearize } from '../../ir/expr';
import type { ElementwiseKernel, Launch } from '../../ir/kernel';
import { mergeMulti } from '../../shaders/reduce';
import type { StorageArray } from '../backend';
import type { CpuStorage } from './cpu_backend';
import { emitExpr, JitUnsupported, type LeafCode } from './jit_expr';
import { CPU_PRIMS } from './prims';

// ---- the switch, and compilation with the once-only eval probe ----

/** `interpreter`: the reference closures and loops everywhere (tests compare against it; the bench's "before"). */
export type CpuKernelMode = 'jit' | 'interpreter';
type Compiler = (source: string) => (prims: typeof CPU_PRIMS) => unknown;

const newFunction: Compiler = (source) => new Function('P', source) as (prims: typeof CPU_PRIMS) => unknown;
let mode: CpuKernelMode = 'jit';
let compiler = newFunction;
/** Set once when `new Function` is refused (CSP without 'unsafe-eval'): never retried, per kernel or otherwise. */
let evalBlocked = false;

/** Selects generated kernels or the reference interpreter for every CPU backend; returns the previous mode. */
export function setCpuKernelMode(m: CpuKernelMode): CpuKernelMode {
  const old = mode;
  mode = m;
  return old;
}

export function cpuKernelMode(): CpuKernelMode {
  return mode;
}

/** Whether kernels are generated now (mode 'jit' and eval allowed). */
export function cpuJitActive(): boolean {
  return mode === 'jit' && !evalBlocked;
}

/** Tests only: replaces `new Function` (e.g. by one that throws like a CSP page) and forgets a past refusal. */
export function setJitCompilerForTests(c: Compiler | undefined): void {
  compiler = c ?? newFunction;
  evalBlocked = false;
}

/**
 * Compiles the body of `function (P) { … return kernel; }` and returns the kernel, or undefined when the
 * page forbids eval. A SyntaxError is our bug, not the page's policy: it is thrown with the source.
 */
export function compileKernel<T>(source: string): T | undefined {
  if (evalBlocked) return undefined;
  let factory: (prims: typeof CPU_PRIMS) => unknown;
  try {
    factory = compiler(source);
  } catch (e) {
    if (e instanceof SyntaxError) throw new Error(`cpu jit: generated code does not parse (${e.message}):\n${source}`);
    evalBlocked = true;
    return undefined;
  }
  return factory(CPU_PRIMS) as T;
}

// ---- elementwise kernels ----

/** Per launch: where each input starts, and the loop's shape and strides (strided layouts only). */
interface Geometry {
  size: number;
  off: number[];
  outOff: number;
  shape: number[];
  /** Per input slot (strided inputs only; others empty), and the output's last. */
  strides: number[][];
  coord: Int32Array;
}

type ElementwiseFn = (ins: StorageArray[], out: StorageArray, params: number[], g: Geometry) => void;

interface KernelInfo {
  usedInputs: number[];
  usesCoord: boolean;
  /** Generated functions by layout variant; null: the generator declined (interpreter). */
  variants: Map<string, ElementwiseFn | null>;
}

const infos = new WeakMap<ElementwiseKernel, KernelInfo>();
/** Compiled kernels by their source (the source is the key: no hand-maintained identity to get wrong). */
const bySource = new Map<string, ElementwiseFn>();

/** An input read at the element's position: `f` row-major like the output, `s` one element, `t` strided. */
type Access = 'f' | 's' | 't';

/** How a view (right-aligned to the output, size-1 dims broadcast) is read; no allocation: this runs per launch. */
function accessOf(shape: readonly number[], strides: readonly number[], outShape: readonly number[]): Access {
  let scalar = true;
  let flat = true;
  const lead = outShape.length - shape.length;
  for (let d = outShape.length - 1, contig = 1; d >= 0; d--) {
    const n = outShape[d];
    if (n !== 1) {
      // (a size-1 output dim never moves the position)
      const s = d < lead || shape[d - lead] === 1 ? 0 : strides[d - lead];
      if (s !== 0) scalar = false;
      if (s !== contig) flat = false;
    }
    contig *= n;
  }
  return scalar ? 's' : flat ? 'f' : 't';
}

/** Typed-array views by storage buffer: making views costs more than a small kernel's loop (bool shares u32). */
const views = new WeakMap<ArrayBufferLike, StorageArray[]>();
const VIEW_SLOT = { float32: 0, int32: 1, uint32: 2, bool: 2 } as const satisfies { [K in DType]: number };

export function viewOf(dtype: DType, h: CpuStorage): StorageArray {
  const buffer = h.data.buffer;
  let vs = views.get(buffer);
  if (!vs) views.set(buffer, (vs = []));
  return (vs[VIEW_SLOT[dtype]] ??= storageArray(dtype, buffer as ArrayBuffer));
}

const NO_COORD = new Int32Array(0);

function kernelInfo(k: ElementwiseKernel): KernelInfo {
  let info = infos.get(k);
  if (!info) {
    const { nodes } = linearize([k.expr]);
    const used = new Set(nodes.filter((n) => n.prim === 'input').map((n) => n.value));
    info = { usedInputs: [...used].sort((a, b) => a - b), usesCoord: nodes.some((n) => n.prim === 'coord'), variants: new Map() };
    infos.set(k, info);
  }
  return info;
}

/**
 * Runs an elementwise launch with generated code; false when it cannot (eval refused, an unsupported
 * construct, or the output aliasing an input), and the caller interprets it instead.
 */
export function runElementwiseJit(k: ElementwiseKernel, launch: Launch<CpuStorage>): boolean {
  if (!cpuJitActive()) return false;
  const { outShape, inputs, outView } = launch;
  let size = 1;
  for (let d = 0; d < outShape.length; d++) size *= outShape[d];
  if (size === 0) return true;
  // The interpreter reads every input before writing; hoisting scalar reads assumes no aliasing (which
  // WebGPU forbids anyway: a buffer cannot be read-only and writable in one dispatch).
  for (let i = 0; i < inputs.length; i++) if (inputs[i].handle === launch.out) return false;
  const info = kernelInfo(k);
  const access: Access[] = [];
  let variant = '';
  let anyStrided = false;
  for (let i = 0; i < inputs.length; i++) access.push('s');
  for (const i of info.usedInputs) {
    const v = inputs[i];
    if (!v) return false;
    // One element: every position is its view's offset, whatever the strides say.
    const a = size === 1 ? 's' : accessOf(v.shape, v.strides, outShape);
    access[i] = a;
    if (a === 't') anyStrided = true;
  }
  for (let i = 0; i < inputs.length; i++) variant += access[i];
  const outAccess: Access = outView && size > 1 && accessOf(outShape, outView.strides, outShape) !== 'f' ? 't' : 'f';
  const strided = outAccess === 't' || anyStrided || info.usesCoord;
  const off: number[] = [];
  for (let i = 0; i < inputs.length; i++) off.push(inputs[i].offset);
  const g: Geometry = { size, off, outOff: outView ? outView.offset : 0, shape: [], strides: [], coord: NO_COORD };
  if (strided) {
    const moving = info.usedInputs.filter((i) => access[i] === 't');
    const all = moving.map((i) => broadcastStrides(inputs[i].shape, inputs[i].strides, outShape));
    all.push(outView ? [...outView.strides] : contiguousStrides(outShape));
    // Coordinates name the output's own dims; otherwise merge dims to shorten the carry chain.
    const m = info.usesCoord ? { shape: [...outShape], strides: all } : mergeMulti([...outShape], all);
    if (m.shape.length === 0) return false; // coordinates of a rank-0 output: left to the interpreter
    g.shape = m.shape;
    g.strides = inputs.map(() => []);
    moving.forEach((i, j) => (g.strides[i] = m.strides[j]));
    g.strides.push(m.strides[m.strides.length - 1]);
    g.coord = new Int32Array(m.shape.length);
    variant += `>${outAccess}:${info.usesCoord ? g.shape.length : 'n'}`;
  }
  let fn = info.variants.get(variant);
  if (fn === undefined) {
    fn = compileElementwise(k, info, access, outAccess, strided, g.shape.length);
    info.variants.set(variant, fn);
  }
  if (fn === null) return false;
  const ins: StorageArray[] = [];
  for (let i = 0; i < inputs.length; i++) ins.push(viewOf(inputs[i].dtype, inputs[i].handle));
  fn(ins, viewOf(k.out, launch.out), launch.params, g);
  return true;
}

function compileElementwise(
  k: ElementwiseKernel, info: KernelInfo, access: Access[], outAccess: Access, strided: boolean, rank: number,
): ElementwiseFn | null {
  let source: string;
  try {
    source = elementwiseSource(k, info, access, outAccess, strided, rank);
  } catch (e) {
    if (e instanceof JitUnsupported) return null;
    throw e;
  }
  let fn = bySource.get(source);
  if (!fn) {
    fn = compileKernel<ElementwiseFn>(source);
    if (!fn) return null;
    bySource.set(source, fn);
  }
  return fn;
}

/** The generated source: deterministic for a kernel and layout variant. */
function elementwiseSource(
  k: ElementwiseKernel, info: KernelInfo, access: Access[], outAccess: Access, strided: boolean, rank: number,
): string {
  const leaf = (n: { prim: string; value: number }): LeafCode => {
    if (n.prim === 'index') return { code: 'i', invariant: false };
    if (n.prim === 'coord') {
      if (!Number.isInteger(n.value) || n.value < 0 || n.value >= rank) throw new JitUnsupported('coord out of range');
      return { code: n.value === rank - 1 ? 'j' : `c${n.value}`, invariant: false };
    }
    const i = n.value;
    switch (access[i]) {
      case 's':
        return { code: `ins${i}[o${i}]`, invariant: true };
      case 'f':
        return { code: `ins${i}[o${i} + i]`, invariant: false };
      case 't':
        return { code: `ins${i}[q${i}]`, invariant: false };
      default:
        throw new JitUnsupported('input without a layout');
    }
  };
  const e = emitExpr(k.expr, k.out, leaf);
  const nIn = k.inputs.length;
  for (const slot of e.loaded) if (slot >= nIn) throw new JitUnsupported('load from a missing input');
  const head = [`const off = g.off;`];
  for (let i = 0; i < nIn; i++) head.push(`const ins${i} = ins[${i}], o${i} = off[${i}];`);
  const store = outAccess === 't' ? `out[qo] = ${e.result};` : `out[oo + i] = ${e.result};`;
  head.push(outAccess === 't' ? 'let qo = g.outOff;' : 'const oo = g.outOff;');
  if (!strided) {
    return [
      'return function elementwise(ins, out, params, g) {', ...head, ...e.hoisted,
      'for (let i = 0, size = g.size; i < size; i++) {', ...e.body, store, '}', '};',
    ].join('\n');
  }
  // Incremental positions: the innermost dim is a plain loop; a coordinate counter carries into the outer
  // dims once per row (no division per element). `st` strides, `inc` innermost strides, `q` positions.
  const moving = info.usedInputs.filter((i) => access[i] === 't').map(String);
  if (outAccess === 't') moving.push('o');
  const stridesOf = (m: string) => (m === 'o' ? `g.strides[${nIn}]` : `g.strides[${m}]`);
  head.push('const shape = g.shape, rank = shape.length, n = shape[rank - 1], rows = g.size / n, cd = g.coord;');
  for (const m of moving) {
    head.push(`const st${m} = ${stridesOf(m)}, inc${m} = st${m}[rank - 1];`);
    if (m !== 'o') head.push(`let q${m} = o${m};`);
  }
  const coords = [...new Set(linearize([k.expr]).nodes.filter((x) => x.prim === 'coord' && x.value < rank - 1).map((x) => x.value))];
  return [
    'return function elementwise(ins, out, params, g) {', ...head, ...e.hoisted,
    'let i = 0;',
    'for (let row = 0; row < rows; row++) {',
    ...coords.map((c) => `const c${c} = cd[${c}];`),
    'for (let j = 0; j < n; j++, i++) {', ...e.body, store, ...moving.map((m) => `q${m} += inc${m};`), '}',
    ...moving.map((m) => `q${m} -= inc${m} * n;`),
    'for (let d = rank - 2; d >= 0; d--) {',
    'cd[d]++;', ...moving.map((m) => `q${m} += st${m}[d];`),
    'if (cd[d] < shape[d]) break;',
    ...moving.map((m) => `q${m} -= st${m}[d] * shape[d];`), 'cd[d] = 0;',
    '}', '}', '};',
  ].join('\n');
}
