// The suite's workloads as problems: deterministic host inputs (the same bytes for every library) and a
// float64 CPU reference each output is checked against before it is timed.
import type { CheckResult, HostTensor, Problem, WorkloadId } from './types';

/** The benchmark chain's scalars (DESIGN.md: tanh(relu(x*a + b) - x) * c + exp(-(x*x))). */
export const CHAIN_SCALARS = { a: 1.5, b: 0.25, c: 2 };
/** MLP layer widths: 784 → 256 → 256 → 10 (relu between, softmax at the end). */
export const MLP_WIDTHS = [784, 256, 256, 10];

/** A small seeded generator (mulberry32): uniform floats in [lo, hi), reproducible across runs. */
function uniform(n: number, lo: number, hi: number, seed: number): Float32Array {
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

const host = (data: Float32Array, shape: number[]): HostTensor => ({ data, shape });

/**
 * Compares out[indices[i]] with expected[i] within atol + rtol·scale[i] (scale defaults to |expected|; sums
 * pass Σ|terms| so the bound follows the float32 rounding of the summation, not the size of the result).
 */
function compare(
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

/** Human-readable element counts: 1048576 → "1M". */
export function shortCount(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)}M`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}K`;
  return String(n);
}

function matmulProblem(n: number): Problem {
  const a = uniform(n * n, -1, 1, 11);
  const b = uniform(n * n, -1, 1, 12);
  // Checking n² dot products in float64 would cost seconds at 1024: check a fixed sample of 2048 entries
  // (plus the four corners), enough to catch any indexing or tiling bug.
  const count = Math.min(n * n, 2048);
  const pick = uniform(count, 0, n * n, 13);
  const indices = new Int32Array(count).map((_, i) => (i < 4 ? [0, n - 1, n * (n - 1), n * n - 1][i] : Math.floor(pick[i])));
  const expected = new Float64Array(count);
  const scale = new Float64Array(count);
  indices.forEach((at, i) => {
    const r = Math.floor(at / n);
    const c = at % n;
    let s = 0;
    let abs = 0;
    for (let k = 0; k < n; k++) {
      const p = a[r * n + k] * b[k * n + c];
      s += p;
      abs += Math.abs(p);
    }
    expected[i] = s;
    scale[i] = abs;
  });
  return {
    workload: 'matmul', size: n, label: `matmul ${n}³`, unit: 'ms',
    inputs: { a: host(a, [n, n]), b: host(b, [n, n]) }, scalars: {},
    flops: 2 * n ** 3,
    check: (out) => compare(out, n * n, expected, { atol: 1e-6, rtol: 1e-4 }, indices, scale),
  };
}

function chainReference(x: Float32Array): Float64Array {
  const { a, b, c } = CHAIN_SCALARS;
  return Float64Array.from(x, (v) => Math.tanh(Math.max(v * a + b, 0) - v) * c + Math.exp(-(v * v)));
}

const CHAIN_LABELS = { chain: 'chain', 'chain-sweep': 'chain sweep', cold: 'cold start, chain' };

function chainProblem(n: number, workload: keyof typeof CHAIN_LABELS): Problem {
  const x = uniform(n, -2, 2, 21);
  const expected = chainReference(x);
  return {
    workload, size: n, label: `${CHAIN_LABELS[workload]} ${shortCount(n)}`, unit: 'ms',
    inputs: { x: host(x, [n]) }, scalars: { ...CHAIN_SCALARS },
    bytes: 8 * n,
    // Transcendentals: WebGPU implementations differ from libm by a few ulps of their own.
    check: (out) => compare(out, n, expected, { atol: 2e-5, rtol: 2e-5 }),
  };
}

function copyProblem(n: number): Problem {
  const x = uniform(n, -1, 1, 31);
  const expected = Float64Array.from(x);
  return {
    workload: 'copy', size: n, label: `vec4 copy ${shortCount(n)}`, unit: 'ms',
    inputs: { x: host(x, [n]) }, scalars: {}, bytes: 8 * n,
    check: (out) => compare(out, n, expected, { atol: 0, rtol: 0 }),
  };
}

/** Row sums (axis 1) or column sums (axis 0) of an n×n matrix. */
function sumProblem(n: number, axis: 0 | 1): Problem {
  const x = uniform(n * n, -1, 1, 41);
  const expected = new Float64Array(n);
  const scale = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const v = x[r * n + c];
      const at = axis === 1 ? r : c;
      expected[at] += v;
      scale[at] += Math.abs(v);
    }
  }
  return {
    workload: axis === 1 ? 'sum-rows' : 'sum-cols', size: n,
    label: `sum axis ${axis} (${axis === 1 ? 'row' : 'column'} sums) ${n}²`, unit: 'ms',
    inputs: { x: host(x, [n, n]) }, scalars: {}, bytes: 4 * n * n + 4 * n,
    check: (out) => compare(out, n, expected, { atol: 1e-6, rtol: 1e-5 }, undefined, scale),
  };
}

function softmaxReference(x: Float32Array, rows: number, cols: number): Float64Array {
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

function softmaxProblem(n: number): Problem {
  const x = uniform(n * n, -4, 4, 51);
  const expected = softmaxReference(x, n, n);
  return {
    workload: 'softmax', size: n, label: `softmax (last axis) ${n}²`, unit: 'ms',
    inputs: { x: host(x, [n, n]) }, scalars: {}, bytes: 8 * n * n,
    check: (out) => compare(out, n * n, expected, { atol: 1e-8, rtol: 1e-4 }),
  };
}

function mlpProblem(batch: number): Problem {
  const inputs: Record<string, HostTensor> = { x: host(uniform(batch * MLP_WIDTHS[0], 0, 1, 61), [batch, MLP_WIDTHS[0]]) };
  for (let l = 0; l < 3; l++) {
    const [fin, fout] = [MLP_WIDTHS[l], MLP_WIDTHS[l + 1]];
    const s = Math.sqrt(6 / (fin + fout)); // Glorot-uniform weights, small biases
    inputs[`w${l + 1}`] = host(uniform(fin * fout, -s, s, 62 + 2 * l), [fin, fout]);
    inputs[`b${l + 1}`] = host(uniform(fout, -0.1, 0.1, 63 + 2 * l), [fout]);
  }
  // Float64 forward pass: h = relu(h·W + b) twice, then softmax(h·W3 + b3).
  let h = Float64Array.from(inputs.x.data);
  for (let l = 0; l < 3; l++) {
    const [fin, fout] = [MLP_WIDTHS[l], MLP_WIDTHS[l + 1]];
    const w = inputs[`w${l + 1}`].data;
    const b = inputs[`b${l + 1}`].data;
    const z = new Float64Array(batch * fout);
    for (let r = 0; r < batch; r++) {
      for (let k = 0; k < fin; k++) {
        const v = h[r * fin + k];
        for (let c = 0; c < fout; c++) z[r * fout + c] += v * w[k * fout + c];
      }
      for (let c = 0; c < fout; c++) z[r * fout + c] += b[c];
    }
    h = l < 2 ? z.map((v) => Math.max(v, 0)) : z;
  }
  const logits = Float32Array.from(h);
  const expected = softmaxReference(logits, batch, MLP_WIDTHS[3]);
  const flops = 2 * batch * (784 * 256 + 256 * 256 + 256 * 10);
  return {
    workload: 'mlp', size: batch, label: `MLP ${batch}×784→256→256→10`, unit: 'ms',
    inputs, scalars: {}, flops,
    check: (out) => compare(out, batch * MLP_WIDTHS[3], expected, { atol: 1e-6, rtol: 1e-3 }),
  };
}

/** `ops` chained adds y = y + x on a 4-element vector: y ends as (ops + 1)·x. */
function dispatchProblem(ops: number): Problem {
  const x = new Float32Array([1, 2, 3, 4]);
  const expected = Float64Array.from(x, (v) => v * (ops + 1));
  return {
    workload: 'dispatch', size: ops, label: `dispatch: ${ops} chained adds [4]`, unit: 'µs/op', ops,
    inputs: { x: host(x, [4]) }, scalars: {},
    check: (out) => compare(out, 4, expected, { atol: 0, rtol: 1e-6 }),
  };
}

/** The problem of a workload at a size (the size's meaning per workload: see options.ts). */
export function makeProblem(workload: WorkloadId, size: number): Problem {
  switch (workload) {
    case 'matmul':
      return matmulProblem(size);
    case 'chain':
    case 'chain-sweep':
    case 'cold':
      return chainProblem(size, workload);
    case 'copy':
      return copyProblem(size);
    case 'sum-rows':
      return sumProblem(size, 1);
    case 'sum-cols':
      return sumProblem(size, 0);
    case 'softmax':
      return softmaxProblem(size);
    case 'mlp':
      return mlpProblem(size);
    case 'dispatch':
      return dispatchProblem(size);
    default:
      return workload satisfies never;
  }
}
