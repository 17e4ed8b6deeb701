// Creation ops as generators: expressions over the output index and uniform params (no inputs),
// so fill/range/eye/random run as kernels on the device instead of uploading host arrays.
import type { DType } from '../core/dtype';
import { type Expr, cast, index, lit, prim } from '../ir/expr';

export interface Generator {
  name: string;
  dtype: DType;
  /** Params in slot order with their dtypes; the builder refers to them as param(i). */
  params: { value: number; dtype: DType }[];
  build: (p: (i: number) => Expr) => Expr;
  /** A random generator: the slot of its uint32 key among the params (an input instead, when drawn per run). */
  key?: number;
}

export function fillGen(value: number, dtype: DType): Generator {
  return { name: 'fill', dtype, params: [{ value, dtype }], build: (p) => p(0) };
}

/** start + i * step (computed in the output dtype; float32 accumulates no error since i is exact). */
export function rangeGen(start: number, step: number, dtype: DType): Generator {
  return {
    name: 'range',
    dtype,
    params: [
      { value: start, dtype },
      { value: step, dtype },
    ],
    build: (p) => prim('add', p(0), prim('mul', cast(index(), dtype), p(1))),
  };
}

/** Evenly spaced; the last element is exactly `stop`, as in NumPy. */
export function linspaceGen(start: number, stop: number, num: number): Generator {
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  return {
    name: 'linspace',
    dtype: 'float32',
    params: [
      { value: start, dtype: 'float32' },
      { value: step, dtype: 'float32' },
      { value: num === 1 ? start : stop, dtype: 'float32' }, // NumPy: linspace(a, b, 1) is [a]
      { value: num - 1, dtype: 'uint32' },
    ],
    build: (p) =>
      prim('where', prim('eq', index(), p(3)), p(2), prim('add', p(0), prim('mul', cast(index(), 'float32'), p(1)))),
  };
}

/** Identity matrices (batched): element (.., r, c) is 1 where r == c. */
export function eyeGen(rows: number, cols: number, dtype: DType): Generator {
  return {
    name: 'eye',
    dtype,
    params: [
      { value: rows * cols, dtype: 'uint32' },
      { value: cols, dtype: 'uint32' },
    ],
    build: (p) => {
      const inMatrix = prim('mod', index(), p(0));
      return cast(prim('eq', prim('floordiv', inMatrix, p(1)), prim('mod', inMatrix, p(1))), dtype);
    },
  };
}

const bits = (counter: Expr, key: Expr) => prim('randbits', counter, key);

/** The largest float32 below v (v itself for ±0 handled by the caller). */
function below32(v: number): number {
  const f = new Float32Array([v]);
  const u = new Int32Array(f.buffer);
  if (f[0] > 0) u[0] -= 1;
  else if (f[0] < 0) u[0] += 1;
  else return -1.401298464324817e-45;
  return f[0];
}

/**
 * Uniform in [minval, maxval): 24 random bits per element, from a counter-based generator. The float32
 * arithmetic can round up to maxval when the range is small next to minval, so results are clamped to
 * the last value below it.
 */
export function randomUniformGen(minval: number, maxval: number, dtype: DType, key: number): Generator {
  const float = dtype === 'float32';
  const empty = !(maxval > minval);
  const hi = float ? (empty ? minval : Math.max(below32(maxval), Math.fround(minval))) : empty ? minval : maxval - 1;
  return {
    name: 'randomUniform',
    dtype,
    key: 2,
    params: [
      { value: minval, dtype: 'float32' },
      { value: Math.fround(maxval - minval), dtype: 'float32' },
      { value: key, dtype: 'uint32' },
      { value: hi, dtype },
    ],
    build: (p) => {
      const v = prim('add', p(0), prim('mul', prim('u01', bits(index(), p(2))), p(1)));
      return prim('min', float ? v : cast(prim('floor', v), dtype), p(3));
    },
  };
}

/** Normal(mean, stdDev) by Box–Muller on two counters per element. */
export function randomNormalGen(mean: number, stdDev: number, key: number): Generator {
  return {
    name: 'randomNormal',
    dtype: 'float32',
    key: 2,
    params: [
      { value: mean, dtype: 'float32' },
      { value: stdDev, dtype: 'float32' },
      { value: key, dtype: 'uint32' },
    ],
    build: (p) => {
      const two = lit(2, 'uint32');
      const c = prim('mul', index(), two);
      const one = lit(1, 'float32');
      const u1 = prim('sub', one, prim('u01', bits(c, p(2)))); // (0, 1]: log(u1) is finite
      const u2 = prim('u01', bits(prim('add', c, lit(1, 'uint32')), p(2)));
      const r = prim('sqrt', prim('mul', lit(-2, 'float32'), prim('log', u1)));
      const z = prim('mul', r, prim('cos', prim('mul', lit(2 * Math.PI, 'float32'), u2)));
      return prim('add', p(0), prim('mul', p(1), z));
    },
  };
}
