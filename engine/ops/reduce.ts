// Reduction ops, defined once: dtype rule, combine op, and the prologue/epilogue expressions around it.
import type { DType } from '../core/dtype';
import { type Expr, cast, input, prim } from '../ir/expr';
import type { ReduceOp } from '../ir/kernel';

export interface ReduceDef {
  combine: ReduceOp;
  /** Accumulator and output dtypes for an input dtype, or why the dtype is not accepted. */
  types: (x: DType) => { acc: DType; out: DType } | string;
  /** Builds the epilogue over the reduced value `acc` (for arg-reductions: the int32 index). */
  epilogue?: (acc: Expr, ctx: { param: (v: number, d: DType) => Expr; R: number }) => Expr;
}

const numeric = (f: (x: DType) => { acc: DType; out: DType }) => (x: DType) => (x === 'bool' ? 'expects a numeric tensor' : f(x));
/** sum/prod count bools as int32 (as TensorFlow), integers keep their dtype and wrap. */
const summing = (x: DType) => {
  const t: DType = x === 'bool' ? 'int32' : x;
  return { acc: t, out: t };
};
const boolOnly = (x: DType) => (x === 'bool' ? { acc: 'uint32' as DType, out: 'bool' as DType } : 'expects a bool tensor');

export const REDUCE = {
  sum: { combine: 'sum', types: summing },
  prod: { combine: 'prod', types: summing },
  mean: {
    combine: 'sum',
    types: (x) => (x === 'bool' ? 'expects a numeric tensor' : { acc: 'float32', out: 'float32' }),
    // mean of nothing: 0 · (1/0) = NaN, as NumPy.
    epilogue: (acc, c) => prim('mul', acc, c.param(1 / c.R, 'float32')),
  },
  max: { combine: 'max', types: numeric((x) => ({ acc: x, out: x })) },
  min: { combine: 'min', types: numeric((x) => ({ acc: x, out: x })) },
  // any/all are max/min over 0/1.
  any: { combine: 'max', types: boolOnly, epilogue: (acc) => cast(acc, 'bool') },
  all: { combine: 'min', types: boolOnly, epilogue: (acc) => cast(acc, 'bool') },
  argMax: { combine: 'argmax', types: numeric((x) => ({ acc: x, out: 'int32' })) },
  // log Σ exp in one pass (running maximum): logSumExp, and the shared statistic of softmax/logSoftmax.
  // Internal (softmax, logSoftmax): per output row, the maximum m and log Σ exp(x - m).
  softmaxStats: { combine: 'softmaxstats', types: (x) => (x === 'bool' ? 'expects a numeric tensor' : { acc: 'float32', out: 'float32' }) },
  logSumExp: { combine: 'logsumexp', types: (x) => (x === 'bool' ? 'expects a numeric tensor' : { acc: 'float32', out: 'float32' }) },
  argMin: { combine: 'argmin', types: numeric((x) => ({ acc: x, out: 'int32' })) },
} satisfies Record<string, ReduceDef>;

export type ReduceOpName = keyof typeof REDUCE;

/** The prologue: the element converted to the accumulator dtype. */
export const reducePrologue = (x: DType, acc: DType): Expr => cast(input(0, x), acc);

/** The epilogue's input leaf: the accumulated value (arg-reductions: the index). */
export const reduceEpilogueInput = (def: ReduceDef, acc: DType): Expr =>
  input(0, def.combine === 'argmax' || def.combine === 'argmin' ? 'int32' : acc);
