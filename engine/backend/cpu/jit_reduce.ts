// Reductions and matmul epilogues as generated JavaScript (see jit.ts): the prologue, the fold and the
// epilogue inlined into one loop nest per kernel. Same order of operations as kernels.ts cpuReduce (float64
// accumulation, rounded once at the end) and the interpreter's expression closures, so the same numbers.
import type { Expr } from '../../ir/expr';
import type { DType } from '../../core/dtype';
import type { Launch, MatmulKernel, ReduceKernel } from '../../ir/kernel';
import { LSE, reduction, type ReduceOp } from '../../ir/reductions';
import { reduceGeometryOf, type ReduceGeometry } from '../../shaders/reduce';
import type { StorageArray } from '../backend';
import type { CpuStorage } from './cpu_backend';
import { compileKernel, cpuJitActive, viewOf } from './jit';
import { emitExpr, JitUnsupported, numJs, primSource, roundJs, SOURCE, type LeafCode } from './jit_expr';
import type { RowEpilogue } from './matmul';

type ReduceFn = (xs: StorageArray[], out: StorageArray, params: number[], g: ReduceGeometry) => void;

/** Compiled kernels by kernel object; null: the generator declined or eval is refused (interpret it). */
const reduceFns = new WeakMap<ReduceKernel, ReduceFn | null>();
const epilogueFns = new WeakMap<MatmulKernel, RowEpilogue | null>();
/** Compiled functions by their source: structurally equal kernels (e.g. rebuilt by each graph plan) share one. */
const byStructure = new Map<string, ReduceFn | RowEpilogue>();

/** The interpreter's prologue/epilogue see no position: `index`, `coord` and `load` are left to it. */
function valueLeaf(name: (slot: number) => string) {
  return (n: Expr): LeafCode => {
    if (n.prim !== 'input') throw new JitUnsupported(`${n.prim} outside elementwise kernels`);
    return { code: name(n.value), invariant: false };
  };
}

function compiled<K extends object, F>(cache: WeakMap<K, F | null>, k: K, source: () => string): F | null {
  let fn = cache.get(k);
  if (fn !== undefined) return fn;
  let src: string | undefined;
  try {
    src = source();
  } catch (e) {
    if (!(e instanceof JitUnsupported)) throw e;
  }
  fn = src === undefined ? null : ((byStructure.get(src) as F | undefined) ?? compileKernel<F>(src) ?? null);
  if (src !== undefined && fn) byStructure.set(src, fn as ReduceFn | RowEpilogue);
  cache.set(k, fn);
  return fn;
}

/** Runs a reduction with generated code; false when it cannot (the caller interprets it). */
export function runReduceJit(k: ReduceKernel, launch: Launch<CpuStorage>): boolean {
  if (!cpuJitActive()) return false;
  for (const v of launch.inputs) if (v.handle === launch.out) return false;
  const fn = compiled(reduceFns, k, () => reduceSource(k));
  if (!fn) return false;
  const xs = launch.inputs.map((v, i) => viewOf(k.inputs[i], v.handle));
  fn(xs, viewOf(k.out, launch.out), launch.params, reduceGeometryOf(launch));
  return true;
}

/** The fused epilogue of a matmul as generated code, or null (then the closure version is used). */
export function matmulEpilogueJit(k: MatmulKernel): RowEpilogue | null {
  if (!cpuJitActive() || !k.epilogue) return null;
  return compiled(epilogueFns, k, () => rowEpilogueSource(k.epilogue!, k.extras?.length ?? 0));
}

/** The start value and the fold of one prologue value `y` (reductions.ts), as in cpuReduce. */
function fold(op: ReduceOp, acc: DType): { init: string; step: string } {
  const r = reduction(op);
  const init = numJs(r.identity(acc));
  switch (r.kind) {
    case 'fold':
      return { init, step: `acc = ${primSource(r.combine, { d: acc, nan: [true, true] }, ['acc', 'y'])};` };
    case 'arg':
      return { init, step: `if (best < 0 || y ${r.better} acc) { best = r; acc = y; }` };
    case 'lse':
      return { init, step: `se = ${LSE.jsSum(SOURCE, 'acc', 'se', 'y')}; acc = ${LSE.jsMax(SOURCE, 'acc', 'y')};` };
    default:
      return r satisfies never;
  }
}

/**
 * out[o] = epilogue(⊕_r prologue(x[o, r])): the kept dims carry once per output, the innermost reduced
 * dim is a plain loop with incremental positions, the outer reduced dims carry once per row.
 */
function reduceSource(k: ReduceKernel): string {
  const pro = emitExpr(k.prologue, k.prologue.dtype, valueLeaf((i) => `ins${i}[q${i}]`), 't');
  if (pro.loaded.size) throw new JitUnsupported('load in a prologue');
  const used = [...new Set(usedInputs(k.prologue))].sort((a, b) => a - b);
  for (const i of used) if (!Number.isInteger(i) || i >= k.inputs.length) throw new JitUnsupported('prologue input out of range');
  const { init, step } = fold(k.op, k.acc);
  const def = reduction(k.op);
  const isArg = def.kind === 'arg';
  const head = [
    'const outputs = g.outputs, R = g.R, kshape = g.keptShape, kr = kshape.length, rshape = g.redShape, rr = rshape.length;',
    'const n = rr ? rshape[rr - 1] : 1, rows = n ? R / n : 0;',
    'const kc = new Int32Array(kr), rc = new Int32Array(rr);',
  ];
  for (const i of used) {
    head.push(`const ins${i} = xs[${i}], K${i} = g.inputs[${i}].kept, R${i} = g.inputs[${i}].red, inc${i} = rr ? R${i}[rr - 1] : 0;`);
    head.push(`let b${i} = g.inputs[${i}].offset;`);
  }
  let finish: string[];
  let epiHoisted: string[] = [];
  if (def.kind === 'lse' && def.stats) {
    finish = [`out[2 * o] = ${roundJs(k.out, 'acc')};`, `out[2 * o + 1] = ${roundJs(k.out, 'Math.log(se)')};`];
  } else {
    const reduced = isArg ? 'best' : roundJs(k.acc, def.kind === 'lse' ? '(acc + Math.log(se))' : 'acc');
    const epi = emitExpr(k.epilogue, k.epilogue.dtype, valueLeaf((i) => {
      if (i !== 0) throw new JitUnsupported('epilogue input past 0');
      return 'v';
    }), 'e');
    if (epi.loaded.size) throw new JitUnsupported('load in an epilogue');
    epiHoisted = epi.hoisted;
    const res = k.epilogue.dtype === k.out ? epi.result : roundJs(k.out, epi.result);
    finish = [`const v = ${reduced};`, ...epi.body, `out[o] = ${res};`];
  }
  return [
    'return function reduce(xs, out, params, g) {', ...head, ...pro.hoisted, ...epiHoisted,
    'for (let o = 0; o < outputs; o++) {',
    `let acc = ${init}, best = -1, se = 0, r = 0;`,
    ...used.map((i) => `let q${i} = b${i};`),
    'for (let row = 0; row < rows; row++) {',
    'for (let j = 0; j < n; j++, r++) {', ...pro.body, `const y = ${pro.result};`, step, ...used.map((i) => `q${i} += inc${i};`), '}',
    ...used.map((i) => `q${i} -= inc${i} * n;`),
    'for (let d = rr - 2; d >= 0; d--) {',
    'rc[d]++;', ...used.map((i) => `q${i} += R${i}[d];`), 'if (rc[d] < rshape[d]) break;',
    ...used.map((i) => `q${i} -= R${i}[d] * rshape[d];`), 'rc[d] = 0;', '}',
    '}',
    ...finish,
    'for (let d = kr - 1; d >= 0; d--) {',
    'kc[d]++;', ...used.map((i) => `b${i} += K${i}[d];`), 'if (kc[d] < kshape[d]) break;',
    ...used.map((i) => `b${i} -= K${i}[d] * kshape[d];`), 'kc[d] = 0;', '}',
    '}', '};',
  ].join('\n');
}

function usedInputs(e: Expr, acc: number[] = [], seen = new Set<Expr>()): number[] {
  if (seen.has(e)) return acc;
  seen.add(e);
  if (e.prim === 'input') acc.push(e.value);
  for (const a of e.args) usedInputs(a, acc, seen);
  return acc;
}

/** See RowEpilogue: input 0 is the rounded product row, input i ≥ 1 extra i at bases[i] + j·steps[i]. */
function rowEpilogueSource(e: Expr, extras: number): string {
  const used = [...new Set(usedInputs(e))].filter((i) => i !== 0).sort((a, b) => a - b);
  for (const i of used) if (!Number.isInteger(i) || i > extras) throw new JitUnsupported('epilogue input out of range');
  const body = emitExpr(e, e.dtype, valueLeaf((i) => (i === 0 ? 'row[rowOff + j]' : `ins${i}[q${i}]`)));
  if (body.loaded.size) throw new JitUnsupported('load in an epilogue');
  return [
    'return function epilogue(row, rowOff, N, out, outOff, ex, bases, steps, params) {',
    ...used.map((i) => `const ins${i} = ex[${i}], inc${i} = steps[${i}]; let q${i} = bases[${i}];`),
    ...body.hoisted,
    'for (let j = 0; j < N; j++) {', ...body.body, `out[outOff + j] = ${body.result};`, ...used.map((i) => `q${i} += inc${i};`), '}',
    '};',
  ].join('\n');
}

