// Elementwise ops, defined once: each entry is the op's whole definition — its dtype rule, its lowering
// to IR primitives, its extra parameters and its one-line doc. The public function, the Tensor method, the
// recorded graph node and the docs/ops.md row are all derived from the entry (engine/api/registry.ts).
// Eager mode runs one of these as one kernel; graph mode fuses chains of them into one kernel.
import { type DType, promoteTypes, upcastTypes } from '../core/dtype';
import { ShapeError } from '../core/errors';
import { describe } from '../core/shape';
import { type Expr, cast, lit, prim } from '../ir/expr';
import { type ParamSpec, opt, p } from './registry';

/**
 * How an op types its operands (docs/dtypes.md):
 * - same:    unary, numeric, result keeps the dtype (neg, abs, floor…)
 * - float:   unary, numeric; integers are converted, result float32 (exp, sigmoid…)
 * - logical: bool operands, bool result
 * - arith:   binary, promoted to a common dtype which is the result; bool operands upcast as
 *            TensorFlow.js's upcastType (int32 + bool is int32; two bools give int32)
 * - float2:  like arith, then float32 (atan2)
 * - compare: promoted like arith, bool result; `compareEq` also accepts two bools
 * - where:   bool condition, value operands promoted (bools allowed)
 * - any:     one operand of any dtype, unchanged (clone)
 * - test:    one operand of any dtype, bool result (isNaN, isInf, isFinite)
 */
export type TypeRule = 'same' | 'float' | 'logical' | 'arith' | 'float2' | 'compare' | 'compareEq' | 'where' | 'any' | 'test';

export interface BuildCtx {
  /** A uniform scalar (not a literal), so different values share one compiled pipeline. */
  param(value: number, dtype: DType): Expr;
  attrs: Record<string, unknown>;
}

/** Extra (non-tensor) parameters after the operands: their schema, and how a call's values become attrs. */
export interface ElementwiseParams<P extends unknown[]> {
  params: readonly ParamSpec[];
  /** Checks the values (a WgError naming the op) and names them for `build`. */
  attrs: (...values: P) => Record<string, unknown>;
}

export interface ElementwiseDef<P extends unknown[] = unknown[]> {
  arity: 1 | 2 | 3;
  rule: TypeRule;
  /** Operands arrive already converted to the operand dtype that `rule` picked. */
  build: (x: Expr[], ctx: BuildCtx) => Expr;
  /** One line: the function's and method's doc comment, and its row in docs/ops.md. */
  doc: string;
  extra?: ElementwiseParams<P>;
  /** The operands' names in the public signature (default: x; a, b; condition, a, b). */
  names?: readonly string[];
  /** Not a Tensor method (TensorFlow.js has no `x.where`). */
  noMethod?: boolean;
  /** Has no gradient (comparisons, logical ops, rounding): see OpSpec.differentiable. */
  notDifferentiable?: boolean;
}

const one = (e: Expr) => lit(1, e.dtype);
const zero = (e: Expr) => lit(0, e.dtype);
type Flags = Pick<ElementwiseDef, 'noMethod' | 'notDifferentiable' | 'names'>;
type More = Flags & { extra?: ElementwiseParams<any> };
// `const M` keeps the flags' and parameters' literal types: the registry derives each op's signature,
// and whether it is a method or differentiable, from them.
const un = <const M extends More = {}>(rule: TypeRule, f: (x: Expr, ctx: BuildCtx) => Expr, doc: string, more?: M) =>
  ({ arity: 1, rule, build: ([x], c) => f(x, c), doc, ...(more as M) }) as ElementwiseDef & { arity: 1 } & M;
const bin = <const M extends Flags = {}>(rule: TypeRule, f: (a: Expr, b: Expr) => Expr, doc: string, more?: M) =>
  ({ arity: 2, rule, build: ([a, b]) => f(a, b), doc, ...(more as M) }) as ElementwiseDef & { arity: 2 } & M;
const p1 = (q: Parameters<typeof prim>[0]) => (x: Expr) => prim(q, x);
const p2 = (q: Parameters<typeof prim>[0]) => (a: Expr, b: Expr) => prim(q, a, b);
const NO_GRAD = { notDifferentiable: true } as const;

function checkNumber(op: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new ShapeError(`${op}: ${what} must be a number, got ${describe(v)}`, { op });
  return v;
}

export const ELEMENTWISE = {
  clone: un('any', (x) => x, 'A copy of x in new, contiguous memory.'),
  neg: un('same', p1('neg'), 'Negation: -x.'),
  abs: un('same', p1('abs'), 'Absolute value |x|.'),
  sign: un('same', p1('sign'), '-1, 0 or 1 (NaN stays NaN).', NO_GRAD),
  square: un('same', (x) => prim('mul', x, x), 'x² (keeps the dtype).'),
  floor: un('same', p1('floor'), 'Rounds down: ⌊x⌋.', NO_GRAD),
  ceil: un('same', p1('ceil'), 'Rounds up: ⌈x⌉.', NO_GRAD),
  round: un('same', p1('round'), 'Rounds half to even, as TensorFlow and NumPy do.', NO_GRAD),
  // relu(NaN) stays NaN: select on x < 0 rather than max(x, 0).
  relu: un('same', (x) => prim('where', prim('lt', x, zero(x)), zero(x), x), 'max(x, 0); NaN stays NaN.'),
  exp: un('float', p1('exp'), 'eˣ (integers give float32).'),
  log: un('float', p1('log'), 'Natural logarithm; log(0) = -Infinity, negative → NaN.'),
  log1p: un('float', p1('log1p'), 'log(1 + x), accurate near 0.'),
  expm1: un('float', p1('expm1'), 'eˣ - 1, accurate near 0.'),
  sqrt: un('float', p1('sqrt'), 'Square root √x; negative → NaN.'),
  rsqrt: un('float', p1('rsqrt'), '1 / √x'),
  reciprocal: un('float', p1('recip'), '1 / x'),
  sin: un('float', p1('sin'), 'sin x'),
  cos: un('float', p1('cos'), 'cos x'),
  tan: un('float', p1('tan'), 'tan x'),
  tanh: un('float', p1('tanh'), 'tanh x'),
  erf: un('float', p1('erf'), 'The error function.'),
  sigmoid: un('float', (x) => prim('recip', prim('add', one(x), prim('exp', prim('neg', x)))), '1 / (1 + e⁻ˣ)'),
  leakyRelu: un(
    'float',
    (x, c) => prim('where', prim('lt', x, zero(x)), prim('mul', x, c.param(Number(c.attrs.alpha), 'float32')), x),
    'x ≥ 0 ? x : alpha·x (alpha defaults to 0.2, as in TensorFlow.js).',
    { extra: { params: [opt('alpha', 'number')], attrs: (alpha: number = 0.2) => ({ alpha: checkNumber('leakyRelu', 'alpha', alpha) }) } },
  ),
  elu: un('float', (x) => prim('where', prim('gt', x, zero(x)), x, prim('expm1', x)), 'x > 0 ? x : eˣ - 1'),
  // The exact (erf) form, as TensorFlow.js's gelu.
  gelu: un(
    'float',
    (x) => prim('mul', prim('mul', lit(0.5, 'float32'), x), prim('add', one(x), prim('erf', prim('mul', x, lit(Math.SQRT1_2, 'float32'))))),
    'Exact GELU: x·Φ(x) = 0.5·x·(1 + erf(x/√2)).',
  ),
  // log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|).
  softplus: un(
    'float',
    (x) => prim('add', prim('max', x, zero(x)), prim('log1p', prim('exp', prim('neg', prim('abs', x))))),
    'log(1 + eˣ), computed without overflow.',
  ),
  asin: un('float', p1('asin'), 'Inverse sine, in [-π/2, π/2]; NaN outside [-1, 1].'),
  acos: un('float', p1('acos'), 'Inverse cosine, in [0, π]; NaN outside [-1, 1].'),
  atan: un('float', p1('atan'), 'Inverse tangent, in (-π/2, π/2).'),
  sinh: un('float', p1('sinh'), 'Hyperbolic sine.'),
  cosh: un('float', p1('cosh'), 'Hyperbolic cosine.'),
  asinh: un('float', p1('asinh'), 'Inverse hyperbolic sine.'),
  acosh: un('float', p1('acosh'), 'Inverse hyperbolic cosine; NaN below 1.'),
  atanh: un('float', p1('atanh'), 'Inverse hyperbolic tangent; ±Infinity at ±1, NaN beyond.'),
  // relu6(NaN) stays NaN, like relu: selects, not min/max.
  relu6: un(
    'same',
    (x) => prim('where', prim('lt', x, zero(x)), zero(x), prim('where', prim('gt', x, lit(6, x.dtype)), lit(6, x.dtype), x)),
    'min(max(x, 0), 6); NaN stays NaN.',
  ),
  // The constants of Klambauer et al. (2017), as TensorFlow uses them.
  selu: un(
    'float',
    (x) => prim('mul', lit(1.0507009873554805, 'float32'), prim('where', prim('gt', x, zero(x)), x, prim('mul', lit(1.6732632423543772, 'float32'), prim('expm1', x)))),
    'Scaled ELU: 1.0507·(x > 0 ? x : 1.6733·(eˣ - 1)).',
  ),
  // log σ(x) = -softplus(-x) = min(x, 0) - log1p(e^-|x|), without overflow.
  logSigmoid: un(
    'float',
    (x) => prim('sub', prim('min', x, zero(x)), prim('log1p', prim('exp', prim('neg', prim('abs', x))))),
    'log(1 / (1 + e⁻ˣ)), computed without overflow.',
  ),
  step: un('same', (x, c) => prim('where', prim('isnan', x), x, prim('where', prim('gt', x, zero(x)), one(x), c.param(Number(c.attrs.alpha), x.dtype))), 'x > 0 ? 1 : alpha (alpha defaults to 0); NaN stays NaN.', {
    notDifferentiable: true,
    extra: { params: [opt('alpha', 'number')], attrs: (alpha: number = 0) => ({ alpha: checkNumber('step', 'alpha', alpha) }) },
  }),
  isNaN: un('test', p1('isnan'), 'Whether x is NaN (bool; never for integers).', NO_GRAD),
  isInf: un('test', p1('isinf'), 'Whether x is +Infinity or -Infinity (bool).', NO_GRAD),
  isFinite: un('test', (x) => prim('not', prim('or', prim('isnan', x), prim('isinf', x))), 'Whether x is neither NaN nor ±Infinity (bool).', NO_GRAD),
  logicalNot: un('logical', p1('not'), 'NOT of a bool tensor.', NO_GRAD),

  add: bin('arith', p2('add'), 'a + b'),
  sub: bin('arith', p2('sub'), 'a - b'),
  mul: bin('arith', p2('mul'), 'a · b'),
  div: bin('arith', p2('div'), 'a / b; for two integer tensors this is floor division (as TensorFlow.js).'),
  floorDiv: bin('arith', p2('floordiv'), '⌊a / b⌋ (NumPy semantics; integer division by 0 gives 0).', NO_GRAD),
  mod: bin('arith', p2('mod'), "Remainder with the divisor's sign (NumPy/Python %)."),
  pow: bin('arith', p2('pow'), 'a to the power b.'),
  maximum: bin('arith', p2('max'), 'The larger of a and b (NaN propagates).'),
  minimum: bin('arith', p2('min'), 'The smaller of a and b (NaN propagates).'),
  atan2: bin('float2', p2('atan2'), 'The angle of (b, a) in (-π, π].'),
  squaredDifference: bin('arith', (a, b) => prim('mul', prim('sub', a, b), prim('sub', a, b)), '(a - b)²'),
  // TensorFlow's divNoNan: 0 wherever the divisor is 0, even for 0/0 and x/0.
  divNoNan: bin('arith', (a, b) => prim('where', prim('eq', b, zero(b)), zero(a), prim('div', a, b)), 'a / b, or 0 where b is 0.'),
  // x < 0 ? alpha·x : x with a learned (broadcast) alpha tensor.
  prelu: bin('float2', (x, alpha) => prim('where', prim('lt', x, zero(x)), prim('mul', x, alpha), x), 'x < 0 ? alpha·x : x, alpha a tensor broadcast against x.', {
    names: ['x', 'alpha'],
  }),
  equal: bin('compareEq', p2('eq'), 'a == b (bool).', NO_GRAD),
  notEqual: bin('compareEq', p2('ne'), 'a != b (bool).', NO_GRAD),
  less: bin('compare', p2('lt'), 'a < b (bool).', NO_GRAD),
  lessEqual: bin('compare', p2('le'), 'a ≤ b (bool).', NO_GRAD),
  greater: bin('compare', p2('gt'), 'a > b (bool).', NO_GRAD),
  greaterEqual: bin('compare', p2('ge'), 'a ≥ b (bool).', NO_GRAD),
  logicalAnd: bin('logical', p2('and'), 'a AND b (bool tensors).', NO_GRAD),
  logicalOr: bin('logical', p2('or'), 'a OR b (bool tensors).', NO_GRAD),
  logicalXor: bin('logical', p2('xor'), 'a XOR b (bool tensors).', NO_GRAD),

  where: {
    arity: 3,
    rule: 'where',
    build: ([c, a, b]) => prim('where', c, a, b),
    doc: 'condition ? a : b, elementwise, broadcasting all three.',
    noMethod: true,
  } as const,
  clipByValue: un('same', (x, c) => prim('min', prim('max', x, c.param(Number(c.attrs.min), x.dtype)), c.param(Number(c.attrs.max), x.dtype)), 'Clamps to [min, max].', {
    extra: {
      params: [p('clipValueMin', 'number'), p('clipValueMax', 'number')],
      attrs: (clipValueMin: number, clipValueMax: number) => {
        const min = checkNumber('clipByValue', 'clipValueMin', clipValueMin);
        const max = checkNumber('clipByValue', 'clipValueMax', clipValueMax);
        if (min > max) {
          throw new ShapeError(`clipByValue: clipValueMin ${min} is greater than clipValueMax ${max}`, { op: 'clipByValue' });
        }
        return { min, max };
      },
    },
  }),
  cast: un('any', (x, c) => cast(x, c.attrs.dtype as DType), 'Converts to `dtype` (float → int truncates toward zero; int32 ↔ uint32 keep the bits).', {
    notDifferentiable: false,
    extra: { params: [p('dtype', 'dtype')], attrs: (dtype: DType) => ({ dtype }) },
  }),
} satisfies Record<string, ElementwiseDef<any>>;

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
    case 'test':
      return { operand: a, out: 'bool' };
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
