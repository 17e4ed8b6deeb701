// Runs the committed NumPy fixture cases through the public API and compares with per-op tolerances.
import type * as WG from '../../engine/index';
import fixtures from '../fixtures/elementwise.json';

type Value = number | string | boolean;
export interface FixtureTensor {
  dtype: WG.DType;
  shape: number[];
  data: Value[];
  perm?: number[];
}
export interface FixtureCase {
  name: string;
  op: string;
  inputs: (FixtureTensor | { scalar: number })[];
  attrs: Record<string, unknown>;
  expected: FixtureTensor;
}

export const CASES = (fixtures as { cases: FixtureCase[] }).cases;

export const decode = (v: Value): number =>
  v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : typeof v === 'boolean' ? Number(v) : Number(v);

/** Tolerances: exact for integer/bool results and exactly-rounded ops, looser for transcendental ones. */
const TOL: Record<string, { rtol: number; atol: number }> = {
  div: { rtol: 1e-6, atol: 0 }, // WGSL allows 2.5 ULP for f32 division
  reciprocal: { rtol: 1e-6, atol: 0 },
  rsqrt: { rtol: 2e-6, atol: 0 },
  sqrt: { rtol: 1e-6, atol: 0 },
  floorDiv: { rtol: 1e-6, atol: 0 },
  mod: { rtol: 1e-5, atol: 1e-6 },
  linspace: { rtol: 1e-6, atol: 1e-6 },
  range: { rtol: 1e-6, atol: 0 },
};
/** Ops whose float results are approximations (a few ULP): the property tests share this list. */
export const TRANSCENDENTAL: ReadonlySet<string> = new Set([
  'exp', 'log', 'log1p', 'expm1', 'sin', 'cos', 'tan', 'tanh', 'sigmoid', 'elu', 'gelu', 'softplus', 'erf', 'pow', 'atan2', 'leakyRelu',
  'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'selu', 'logSigmoid', 'prelu',
]);

export function toleranceFor(op: string): { rtol: number; atol: number } {
  if (TOL[op]) return TOL[op];
  if (TRANSCENDENTAL.has(op)) return { rtol: 2e-5, atol: 1e-6 };
  return { rtol: 0, atol: 0 };
}

export function buildInput(wg: typeof WG, x: FixtureCase['inputs'][number]): WG.Tensor | number {
  if ('scalar' in x) return x.scalar;
  const values = x.dtype === 'bool' ? x.data.map(Boolean) : x.data.map(decode);
  const t = wg.tensor(values, x.shape, x.dtype);
  return x.perm ? wg.transpose(t, x.perm) : t;
}

/**
 * Calls the op a case names, exactly as a user would. `xs` are its inputs, built from the fixture by default
 * (graph modes pass placeholders or recorded constants instead: tests/helpers/modes.ts).
 */
export function runCase(wg: typeof WG, c: FixtureCase, xs = c.inputs.map((x) => buildInput(wg, x))): WG.Tensor {
  const a = c.attrs as Record<string, any>;
  const fn = (wg as unknown as Record<string, (...args: unknown[]) => WG.Tensor>)[c.op];
  switch (c.op) {
    case 'leakyRelu':
      return wg.leakyRelu(xs[0], a.alpha);
    case 'step':
      return wg.step(xs[0], a.alpha);
    case 'addN':
      return wg.addN(xs as WG.Tensor[]);
    case 'cast':
      return wg.cast(xs[0], a.dtype);
    case 'clipByValue':
      return wg.clipByValue(xs[0], a.min, a.max);
    case 'range':
      return wg.range(a.start, a.stop, a.step, a.dtype);
    case 'linspace':
      return wg.linspace(a.start, a.stop, a.num);
    case 'eye':
      // batchShape: null and absent (undefined) are passed as they are (TensorFlow.js code passes both)
      return wg.eye(a.numRows, a.numColumns ?? undefined, a.batchShape, a.dtype);
    case 'fill':
      return wg.fill(a.shape, a.value, a.dtype);
    case 'zeros':
      return wg.zeros(a.shape, a.dtype);
    case 'ones':
      return wg.ones(a.shape, a.dtype);
    default:
      if (typeof fn !== 'function') throw new Error(`fixture op ${c.op} is not in the API`);
      return fn(...xs);
  }
}

/** Returns a description of the first mismatch, or null when `actual` matches within tolerance. */
export function compare(
  actual: { dtype: string; shape: readonly number[]; data: ArrayLike<number> },
  expected: FixtureTensor,
  tol: { rtol: number; atol: number },
): string | null {
  if (actual.dtype !== expected.dtype) return `dtype ${actual.dtype}, expected ${expected.dtype}`;
  if (actual.shape.join() !== expected.shape.join()) return `shape [${actual.shape}], expected [${expected.shape}]`;
  const exp = expected.data.map(decode);
  if (actual.data.length !== exp.length) return `${actual.data.length} values, expected ${exp.length}`;
  for (let i = 0; i < exp.length; i++) {
    const a = actual.data[i];
    const e = exp[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) && Number.isNaN(a)) continue;
    } else if (a === e) continue;
    else if (Number.isFinite(e) && Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e)) continue;
    return `element ${i}: got ${a}, expected ${e} (rtol ${tol.rtol}, atol ${tol.atol})`;
  }
  return null;
}
