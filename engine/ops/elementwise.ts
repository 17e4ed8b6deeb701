// Elementwise ops, defined once: a dtype rule and a composition of IR primitives. Eager mode runs one
// of these as one kernel; graph mode (later) fuses chains of them into one kernel.
import { type DType, promoteTypes, upcastTypes } from '../core/dtype';
import { type Expr, cast, lit, prim } from '../ir/expr';

/**
 * How an op types its operands (docs/dtypes.md):
 * - same:    unary, numeric, result keeps the dtype (neg, abs, floor…)
 * - float:   unary, numeric; integers are converted, result float32 (exp, sigmoid…)
 * - logical: bool operands, bool result
 * - arith:   binary numeric, promoted to a common dtype which is the result
 * - float2:  like arith, then float32 (atan2)
 * - compare: promoted like arith, bool result; `compareEq` also accepts two bools
 * - where:   bool condition, value operands promoted (bools allowed)
 * - any:     one operand of any dtype, unchanged (clone)
 */
export type TypeRule = 'same' | 'float' | 'logical' | 'arith' | 'float2' | 'compare' | 'compareEq' | 'where' | 'any';

export interface BuildCtx {
  /** A uniform scalar (not a literal), so different values share one compiled pipeline. */
  param(value: number, dtype: DType): Expr;
  attrs: Record<string, unknown>;
}

export interface ElementwiseDef {
  arity: 1 | 2 | 3;
  rule: TypeRule;
  /** Operands arrive already converted to the operand dtype that `rule` picked. */
  build: (x: Expr[], ctx: BuildCtx) => Expr;
}

const one = (e: Expr) => lit(1, e.dtype);
const zero = (e: Expr) => lit(0, e.dtype);
const un = (rule: TypeRule, f: (x: Expr, ctx: BuildCtx) => Expr): ElementwiseDef => ({ arity: 1, rule, build: ([x], c) => f(x, c) });
const bin = (rule: TypeRule, f: (a: Expr, b: Expr) => Expr): ElementwiseDef => ({ arity: 2, rule, build: ([a, b]) => f(a, b) });
const p1 = (p: Parameters<typeof prim>[0]) => (x: Expr) => prim(p, x);
const p2 = (p: Parameters<typeof prim>[0]) => (a: Expr, b: Expr) => prim(p, a, b);

export const ELEMENTWISE = {
  clone: un('any', (x) => x),
  neg: un('same', p1('neg')),
  abs: un('same', p1('abs')),
  sign: un('same', p1('sign')),
  square: un('same', (x) => prim('mul', x, x)),
  floor: un('same', p1('floor')),
  ceil: un('same', p1('ceil')),
  round: un('same', p1('round')),
  // relu(NaN) stays NaN: select on x < 0 rather than max(x, 0).
  relu: un('same', (x) => prim('where', prim('lt', x, zero(x)), zero(x), x)),
  exp: un('float', p1('exp')),
  log: un('float', p1('log')),
  log1p: un('float', p1('log1p')),
  expm1: un('float', p1('expm1')),
  sqrt: un('float', p1('sqrt')),
  rsqrt: un('float', p1('rsqrt')),
  reciprocal: un('float', p1('recip')),
  sin: un('float', p1('sin')),
  cos: un('float', p1('cos')),
  tan: un('float', p1('tan')),
  tanh: un('float', p1('tanh')),
  erf: un('float', p1('erf')),
  sigmoid: un('float', (x) => prim('recip', prim('add', one(x), prim('exp', prim('neg', x))))),
  leakyRelu: un('float', (x, c) =>
    prim('where', prim('lt', x, zero(x)), prim('mul', x, c.param(Number(c.attrs.alpha ?? 0.2), 'float32')), x),
  ),
  elu: un('float', (x) => prim('where', prim('gt', x, zero(x)), x, prim('expm1', x))),
  // The exact (erf) form, as TensorFlow.js's gelu.
  gelu: un('float', (x) =>
    prim('mul', prim('mul', lit(0.5, 'float32'), x), prim('add', one(x), prim('erf', prim('mul', x, lit(Math.SQRT1_2, 'float32'))))),
  ),
  // log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|).
  softplus: un('float', (x) => prim('add', prim('max', x, zero(x)), prim('log1p', prim('exp', prim('neg', prim('abs', x)))))),
  logicalNot: un('logical', p1('not')),

  add: bin('arith', p2('add')),
  sub: bin('arith', p2('sub')),
  mul: bin('arith', p2('mul')),
  div: bin('arith', p2('div')), // integer operands: floor division, as TensorFlow.js
  floorDiv: bin('arith', p2('floordiv')),
  mod: bin('arith', p2('mod')),
  pow: bin('arith', p2('pow')),
  maximum: bin('arith', p2('max')),
  minimum: bin('arith', p2('min')),
  atan2: bin('float2', p2('atan2')),
  equal: bin('compareEq', p2('eq')),
  notEqual: bin('compareEq', p2('ne')),
  less: bin('compare', p2('lt')),
  lessEqual: bin('compare', p2('le')),
  greater: bin('compare', p2('gt')),
  greaterEqual: bin('compare', p2('ge')),
  logicalAnd: bin('logical', p2('and')),
  logicalOr: bin('logical', p2('or')),
  logicalXor: bin('logical', p2('xor')),

  where: { arity: 3, rule: 'where', build: ([c, a, b]) => prim('where', c, a, b) },
  clipByValue: un('same', (x, c) =>
    prim('min', prim('max', x, c.param(Number(c.attrs.min), x.dtype)), c.param(Number(c.attrs.max), x.dtype)),
  ),
  cast: un('any', (x, c) => cast(x, c.attrs.dtype as DType)),
} satisfies Record<string, ElementwiseDef>;

export type ElementwiseOp = keyof typeof ELEMENTWISE;
export const ELEMENTWISE_OPS = Object.keys(ELEMENTWISE) as ElementwiseOp[];

export interface TypeResolution {
  /** dtype every operand is converted to before `build` (for where: of the two value operands). */
  operand: DType;
  out: DType;
}

/**
 * Applies a rule to operand dtypes; returns a reason string when the dtypes are not accepted.
 * For `where`, dtypes[0] is the condition.
 */
export function resolveTypes(rule: TypeRule, dtypes: DType[]): TypeResolution | string {
  const [a, b] = dtypes;
  switch (rule) {
    case 'any':
      return { operand: a, out: a };
    case 'same':
      return a === 'bool' ? 'expects a numeric tensor' : { operand: a, out: a };
    case 'float':
      return a === 'bool' ? 'expects a numeric tensor' : { operand: 'float32', out: 'float32' };
    case 'logical':
      return dtypes.every((d) => d === 'bool') ? { operand: 'bool', out: 'bool' } : 'expects bool tensors';
    case 'arith':
    case 'float2':
    case 'compare':
    case 'compareEq': {
      if (rule === 'compareEq' && a === 'bool' && b === 'bool') return { operand: 'bool', out: 'bool' };
      // TensorFlow.js's upcastType: a bool operand is converted (0/1) to the other's dtype, two bools to int32.
      const p = upcastTypes(a, b);
      if (!p) return 'has no common dtype for int32 and uint32; cast one operand first';
      if (rule === 'arith') return { operand: p, out: p };
      if (rule === 'float2') return { operand: 'float32', out: 'float32' };
      return { operand: p, out: 'bool' };
    }
    case 'where': {
      if (dtypes[0] !== 'bool') return 'expects a bool condition';
      const [, x, y] = dtypes;
      const p = x === y ? x : promoteTypes(x, y);
      if (!p) return `has no common dtype for ${x} and ${y}`;
      return { operand: p, out: p };
    }
    default:
      return rule satisfies never;
  }
}
