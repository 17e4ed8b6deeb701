// What the suite's problems share: the seeded inputs, host tensors, and the comparison with a float64 reference.
import type { CheckResult, HostTensor } from './types';

/** MLP layer widths: 784 → 256 → 256 → 10 (relu between, softmax at the end). */
export const MLP_WIDTHS = [784, 256, 256, 10];

/** A small seeded generator (mulberry32): uniform floats in [lo, hi), reproducible across runs. */
export function uniform(n: number, lo: number, hi: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

export const host = (data: Float32Array, shape: number[]): HostTensor => ({ data, shape });

/**
 * Compares out[indices[i]] with expected[i] within atol + rtol·scale[i] (scale defaults to |expected|; sums
 * pass Σ|terms| so the bound follows the float32 rounding of the summation, not the size of the result).
 */
export function compare(
  out: ArrayLike<number>,
  length: number,
  expected: Float64Array,
  tol: { atol: number; rtol: number },
  indices?: Int32Array,
  scale?: Float64Array,
): CheckResult {
  if (out.length !== length) return { ok: false, maxAbsErr: NaN, detail: `length ${out.length}, expected ${length}` };
  let maxAbsErr = 0;
  let detail: string | undefined;
  for (let i = 0; i < expected.length; i++) {
    const at = indices ? indices[i] : i;
    const err = Math.abs(out[at] - expected[i]);
    const bound = tol.atol + tol.rtol * (scale ? scale[i] : Math.abs(expected[i]));
    if (!(err <= bound) && detail === undefined) detail = `element ${at}: ${out[at]} vs ${expected[i]} (tolerance ${bound.toExponential(1)})`;
    if (err > maxAbsErr || Number.isNaN(err)) maxAbsErr = Number.isNaN(err) ? Infinity : err;
  }
  return { ok: detail === undefined, maxAbsErr, ...(detail ? { detail } : {}) };
}

/** Row-wise softmax of a rows×cols matrix, in float64. */
export function softmaxReference(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, x[r * cols + c]);
    let s = 0;
    for (let c = 0; c < cols; c++) s += out[r * cols + c] = Math.exp(x[r * cols + c] - max);
    for (let c = 0; c < cols; c++) out[r * cols + c] /= s;
  }
  return out;
}
