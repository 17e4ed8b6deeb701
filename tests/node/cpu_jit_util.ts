// Helpers for the CPU JIT tests: a seeded PRNG, random data with special values, random strided views,
// and running one launch on a CpuBackend in a chosen kernel mode.
import { DTYPE_INFO, storageArray, type DType } from '../../engine/core/dtype';
import { contiguousStrides } from '../../engine/core/shape';
import type { Launch } from '../../engine/ir/kernel';
import { cast, coord, index, input, lit, load, param, prim, type Expr } from '../../engine/ir/expr';
import { CpuBackend, type CpuStorage } from '../../engine/backend/cpu/cpu_backend';
import { setCpuKernelMode, type CpuKernelMode } from '../../engine/backend/cpu/jit';

export const SEED = 20261126;

/** mulberry32: small, seeded, good enough to pick shapes and values. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

const SPECIAL = [0, -0, 1, -1, 0.5, -2.5, 3.5, 1e-8, 3.4e38, 1e39, -1e39, NaN, Infinity, -Infinity, 2147483647, -2147483648, 4294967295, 7, 1e-45];

/** A raw number (not yet rounded to any dtype): special values half the time. */
export function randomNumber(r: Rng): number {
  if (r.chance(0.4)) return r.pick(SPECIAL);
  if (r.chance(0.5)) return r.int(21) - 10;
  return (r.next() - 0.5) * 10 ** r.int(8);
}

/** A value of dtype `d` as stored (bool 0/1). */
export function randomValue(r: Rng, d: DType): number {
  if (d === 'bool') return r.chance(0.05) ? 2 : r.int(2); // 2: a raw leaf must be rounded where the interpreter does
  if (d === 'int32' && r.chance(0.5)) return (r.next() * 4294967296) | 0;
  if (d === 'uint32' && r.chance(0.5)) return (r.next() * 4294967296) >>> 0;
  return DTYPE_INFO[d].round(randomNumber(r));
}

export function randomArray(r: Rng, d: DType, n: number): Float32Array | Int32Array | Uint32Array {
  const a = storageArray(d, n);
  for (let i = 0; i < n; i++) a[i] = randomValue(r, d);
  return a;
}

export const DTYPES: DType[] = ['float32', 'int32', 'uint32', 'bool'];
const F_UNARY = ['neg', 'abs', 'sign', 'exp', 'log', 'sqrt', 'rsqrt', 'sin', 'cos', 'tan', 'tanh', 'floor', 'ceil', 'round', 'recip', 'log1p', 'expm1', 'erf'] as const;
const F_BINARY = ['add', 'sub', 'mul', 'div', 'floordiv', 'mod', 'pow', 'max', 'min', 'atan2'] as const;
const I_UNARY = ['neg', 'abs', 'sign', 'round', 'floor', 'ceil'] as const;
const I_BINARY = ['add', 'sub', 'mul', 'div', 'floordiv', 'mod', 'pow', 'max', 'min'] as const;
const COMPARE = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;

export interface Ctx {
  r: Rng;
  /** May use index, coord and load (elementwise kernels only). */
  positional: boolean;
  inputs: DType[];
  loaded: Set<number>;
  params: DType[];
  values: number[];
  rank: number;
}

function leaf(c: Ctx, d: DType): Expr {
  const options: (() => Expr)[] = [
    () => lit(randomNumber(c.r), d),
    () => {
      c.params.push(d);
      return param(c.values.push(randomNumber(c.r)) - 1, d);
    },
  ];
  c.inputs.forEach((t, i) => {
    if (t !== d) return;
    if (c.loaded.has(i)) {
      if (c.positional) options.push(() => load(i, d, gen(c, 'int32', 1)));
    } else options.push(() => input(i, d), () => input(i, d));
  });
  if (d === 'uint32' && c.positional) options.push(() => index());
  if (d === 'int32' && c.positional && c.rank > 0) options.push(() => coord(c.r.int(c.rank)));
  return c.r.pick(options)();
}

/** A random expression of dtype d (the operands' dtypes follow each prim's rule). */
export function gen(c: Ctx, d: DType, depth: number): Expr {
  const r = c.r;
  if (depth <= 0 || r.chance(0.2)) return leaf(c, d);
  const sub = (t: DType) => gen(c, t, depth - 1);
  if (r.chance(0.1)) return prim('where', sub('bool'), sub(d), sub(d));
  if (r.chance(0.12)) return cast(sub(r.pick(DTYPES)), d);
  switch (d) {
    case 'float32':
      if (r.chance(0.05)) return prim('u01', sub('uint32'));
      return r.chance(0.5) ? prim(r.pick(F_UNARY), sub(d)) : prim(r.pick(F_BINARY), sub(d), sub(d));
    case 'int32':
    case 'uint32':
      if (d === 'uint32' && r.chance(0.08)) return prim('randbits', sub('uint32'), sub('uint32'));
      return r.chance(0.35) ? prim(r.pick(I_UNARY), sub(d)) : prim(r.pick(I_BINARY), sub(d), sub(d));
    case 'bool': {
      const k = r.int(4);
      if (k === 0) return prim(r.pick(['and', 'or', 'xor'] as const), sub('bool'), sub('bool'));
      if (k === 1) return r.chance(0.5) ? prim('not', sub('bool')) : prim('isnan', sub('float32'));
      const t = r.pick(['float32', 'int32', 'uint32'] as const);
      return prim(r.pick(COMPARE), sub(t), sub(t));
    }
    default:
      return d satisfies never;
  }
}

export interface ViewSpec {
  shape: number[];
  strides: number[];
  offset: number;
  /** Elements the backing buffer needs. */
  extent: number;
}

/** A view of `shape` inside a larger buffer: permuted dims, gaps, flipped dims and an offset, at random. */
export function randomView(r: Rng, shape: readonly number[], plain = false): ViewSpec {
  const rank = shape.length;
  const order = [...Array(rank).keys()];
  if (!plain) for (let i = rank - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const gap = plain ? 1 : r.pick([1, 1, 2, 3]);
  const strides = new Array<number>(rank).fill(0);
  let s = gap;
  for (let k = rank - 1; k >= 0; k--) {
    const d = order[k];
    strides[d] = s;
    s *= Math.max(shape[d], 1);
  }
  let offset = plain ? 0 : r.int(4);
  const lead = offset;
  for (let d = 0; d < rank; d++) {
    if (!plain && r.chance(0.25) && shape[d] > 1) {
      offset += (shape[d] - 1) * strides[d];
      strides[d] = -strides[d];
    }
  }
  return { shape: [...shape], strides, offset, extent: lead + s + 4 };
}

export const contiguous = (shape: readonly number[]): ViewSpec => ({
  shape: [...shape], strides: contiguousStrides(shape), offset: 0, extent: Math.max(shape.reduce((p, x) => p * x, 1), 1),
});

export interface Bound {
  dtype: DType;
  view: ViewSpec;
  data: Float32Array | Int32Array | Uint32Array;
}

/** Runs `make(handles, out)` on a fresh backend in `mode`; returns the output buffer's words. */
export async function runOn(
  mode: CpuKernelMode, inputs: Bound[], outWords: Uint32Array,
  make: (ins: Launch<CpuStorage>['inputs'], out: CpuStorage) => Launch<CpuStorage>,
  direct?: (l: Launch<CpuStorage>) => boolean,
): Promise<{ words: Uint32Array; ran: boolean }> {
  const b = new CpuBackend();
  const views = inputs.map((x) => ({ handle: b.upload(x.data), dtype: x.dtype, shape: x.view.shape, strides: x.view.strides, offset: x.view.offset }));
  const out = b.upload(outWords.slice());
  const l = make(views, out);
  const old = setCpuKernelMode(mode);
  let ran = true;
  try {
    if (direct) ran = direct(l);
    else b.run(l);
  } finally {
    setCpuKernelMode(old);
  }
  const words = (await b.read(out, 'uint32', 0, outWords.length)) as Uint32Array;
  return { words, ran };
}

/** Index of the first word where a and b differ (NaNs of any payload equal as float32), or -1. */
export function firstDifference(a: Uint32Array, b: Uint32Array, dtype: DType): number {
  const fa = new Float32Array(a.buffer, a.byteOffset, a.length);
  const fb = new Float32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (dtype === 'float32' && Number.isNaN(fa[i]) && Number.isNaN(fb[i])) continue;
    return i;
  }
  return a.length === b.length ? -1 : a.length;
}
