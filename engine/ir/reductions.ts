// Reductions: each combine op's start value and combine rule, defined once. shaders/reduce.ts renders them
// to WGSL, backend/cpu/kernels.ts (the interpreter) and jit_reduce.ts (generated JS) to JavaScript.
import type { DType } from '../core/dtype';
import type { BinaryPrim, Js } from './prims';

/** The smallest and largest values of an accumulator dtype (±Infinity for floats): max's and min's start. */
const lowest = (d: DType) => (d === 'float32' ? -Infinity : d === 'int32' ? -2147483648 : 0);
const highest = (d: DType) => (d === 'float32' ? Infinity : d === 'int32' ? 2147483647 : 4294967295);

export type ReductionDef =
  /** A fold by a binary primitive of the table (its NaN rules included), starting from `identity`. */
  | { kind: 'fold'; identity: (acc: DType) => number; combine: BinaryPrim }
  /**
   * The index of the best value, the first one among equals: a value replaces the best so far when it
   * compares `better` (so NaN never does), or when there is none yet.
   */
  | { kind: 'arg'; identity: (acc: DType) => number; better: '>' | '<' }
  /** log Σ exp in one pass (LSE); `stats` writes two values per output: the maximum m and log Σ exp(x - m). */
  | { kind: 'lse'; identity: (acc: DType) => number; stats: boolean };

export const REDUCTIONS = {
  sum: { kind: 'fold', identity: () => 0, combine: 'add' },
  prod: { kind: 'fold', identity: () => 1, combine: 'mul' },
  // (any/all are max/min over 0/1; mean is sum with an epilogue: see ops/reduce.ts)
  max: { kind: 'fold', identity: lowest, combine: 'max' },
  min: { kind: 'fold', identity: highest, combine: 'min' },
  argmax: { kind: 'arg', identity: lowest, better: '>' },
  argmin: { kind: 'arg', identity: highest, better: '<' },
  logsumexp: { kind: 'lse', identity: () => -Infinity, stats: false },
  softmaxstats: { kind: 'lse', identity: () => -Infinity, stats: true },
} as const satisfies Record<string, ReductionDef>;

export type ReduceOp = keyof typeof REDUCTIONS;
export const reduction = (op: ReduceOp): ReductionDef => REDUCTIONS[op];
/** Reductions whose accumulator is a pair (value and index, or maximum and sum): they reduce in one pass. */
export const isPairReduction = (op: ReduceOp): boolean => REDUCTIONS[op].kind !== 'fold';

/**
 * Log-sum-exp's running state: `acc`, the maximum so far, and `se` = Σ exp(x - acc), rescaled whenever the
 * maximum grows. A NaN poisons the sum; ±Infinity never enter an exp(∞ - ∞). It ends as acc + log(se).
 */
export const LSE = {
  /** WGSL: folds `v` into (acc, se); needs wg_isnan and wg_inf. */
  wgslFold: (v: string) =>
    `{ let v = ${v}; if (wg_isnan(v)) { se = v; } else if (v > acc) { se = se * exp(acc - v) + 1.0f; acc = v; } else if (v > -wg_inf() && acc < wg_inf()) { se = se + exp(v - acc); } }`,
  /** WGSL: merges partial state `lid + s` into `lid` (workgroup arrays sv = maxima, ss = sums). */
  wgslMerge: [
    'let m1 = sv[lid]; let m2 = sv[lid + s]; let m = max(m1, m2);',
    // Rescale both sums to the larger maximum; infinite maxima keep NaN-propagating sums ≥ 1 (or 0).
    'if (m > -wg_inf() && m < wg_inf()) { ss[lid] = ss[lid] * exp(m1 - m) + ss[lid + s] * exp(m2 - m); }',
    'else if (m == wg_inf()) { ss[lid] = ss[lid] + ss[lid + s] + 1.0f; }',
    'else { ss[lid] = ss[lid] + ss[lid + s]; }',
    'sv[lid] = m;',
  ],
  /** JS: the new `se` after folding `y` (computed first, from the old acc). */
  jsSum: <V>(j: Js<V>, acc: V, se: V, y: V): V =>
    j.if(
      j.op(y, '!==', y),
      j.num(NaN),
      j.if(
        j.op(y, '>', acc),
        j.op(j.op(se, '*', j.math('exp', j.op(acc, '-', y))), '+', j.num(1)),
        j.if(j.op(j.op(y, '>', j.num(-Infinity)), '&&', j.op(acc, '<', j.num(Infinity))), j.op(se, '+', j.math('exp', j.op(y, '-', acc))), se),
      ),
    ),
  /** JS: the new `acc` (a NaN compares false, so it leaves acc alone). */
  jsMax: <V>(j: Js<V>, acc: V, y: V): V => j.if(j.op(y, '>', acc), y, acc),
};
