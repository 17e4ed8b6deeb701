// The primitive table: each scalar primitive of the kernel IR defined once — result dtype, NaN/Inf rules,
// device workarounds — as a WGSL template (scalar and vec4 from the same text) beside its JavaScript form.
// shaders/prims.ts, shaders/vec4.ts, backend/cpu/prims.ts and backend/cpu/jit_expr.ts only render it.
import type { DType } from '../core/dtype';
import type { Expr } from './expr';
import type { Helper, JsHelper } from './prim_helpers';

/** What a template knows about its node. */
export interface PrimCtx {
  /** The operand dtype (for `where`, the branches'): it picks the per-dtype form. */
  d: DType;
  /** Per operand: may it be NaN? (false for integers and for literals that are not NaN). */
  nan: readonly boolean[];
}

/** The WGSL side of a template: renders one node, scalar or four lanes (`vec4`), from operand expressions. */
export interface Wgsl {
  readonly vec4: boolean;
  /** Logical and/or of boolean values (`&&`/`||`, or the componentwise `&`/`|` in vec4). */
  readonly and: string;
  readonly or: string;
  /** The name of helper `h` (WGSL_HELPERS), recorded so that codegen emits its definition. */
  fn(h: Helper): string;
  /** A NaN test (wg_isnan, or wg_isnan4 in vec4). */
  isnan(x: string): string;
  /** NaN tests of those operands that may be NaN (none: the test is left out). */
  nans(a: readonly string[]): string[];
  /** A constant of dtype `d` (default: the operand dtype), splatted to vec4<…> in vec4. */
  k(v: string, d?: DType): string;
}

/** Math functions of numbers, callable as `Math.fn(…)`. */
export type MathFn = { [K in keyof Math]: Math[K] extends (...a: number[]) => number ? K : never }[keyof Math];
export type JsOp = '+' | '-' | '*' | '/' | '|' | '>>>' | '===' | '!==' | '<' | '<=' | '>' | '>=' | '&&' | '||';

/**
 * The JavaScript side: a tiny algebra that each JS renderer implements, once as source text (the CPU JIT)
 * and once as closures (the interpreter, which needs no eval). A template is written once against it.
 */
export interface Js<V> {
  num(x: number): V;
  math(fn: MathFn, ...a: V[]): V;
  /** A JS_HELPERS function; `d` (when given) is passed as its last argument. */
  fn(h: JsHelper, a: V[], d?: DType): V;
  op(a: V, o: JsOp, b: V): V;
  neg(a: V): V;
  not(a: V): V;
  /** c ? a : b */
  if(c: V, a: V, b: V): V;
}

export interface PrimDef {
  /** The result dtype, when it is not the operand dtype. */
  out?: DType;
  /** Which argument gives the operand dtype (default 0). */
  operand?: number;
  /** float32 operands only (the WGSL form is a float builtin or helper). */
  float?: true;
  /** Whether the WGSL template also renders four lanes at once; otherwise vec4 kernels run it per lane. */
  vec4?: boolean | ((d: DType) => boolean);
  wgsl(w: Wgsl, a: string[], c: PrimCtx): string;
  js<V>(j: Js<V>, a: V[], c: PrimCtx): V;
}

const sfx = (d: DType) => (d === 'float32' ? 'f32' : d === 'int32' ? 'i32' : 'u32');
/** Booleans are 0/1 numbers in JS. */
const bool = <V>(j: Js<V>, c: V) => j.if(c, j.num(1), j.num(0));
const isNaNJs = <V>(j: Js<V>, a: V) => j.op(a, '!==', a);
const float = (d: DType) => d === 'float32';

/** A NaN-aware float comparison: false when an operand is NaN (NumPy); integers compare directly. */
const compare = (op: JsOp & string, wop: string): PrimDef => ({
  out: 'bool',
  vec4: true,
  wgsl: (w, [a, b]) => {
    const nan = w.nans([a, b]);
    return nan.length ? `((${a} ${wop} ${b}) ${w.and} !(${nan.join(` ${w.or} `)}))` : `(${a} ${wop} ${b})`;
  },
  js: (j, [a, b]) => bool(j, j.op(a, op, b)),
});

/** max/min: WGSL's builtins may return either operand when one is NaN; NumPy's propagate NaN. */
const extremum = (f: 'max' | 'min'): PrimDef => ({
  vec4: true,
  wgsl: (w, [a, b], c) => {
    if (!float(c.d)) return `${f}(${a}, ${b})`;
    if (!w.vec4) return `${w.fn(`wg_${f}_f32`)}(${a}, ${b})`;
    const nan = w.nans([a, b]);
    return nan.length ? `select(${f}(${a}, ${b}), ${w.k(`${w.fn('wg_nan')}()`)}, (${nan.join(' | ')}))` : `${f}(${a}, ${b})`;
  },
  js: (j, [a, b]) => j.math(f, a, b), // Math.max/min already return NaN when either side is NaN
});

/** A float function of one operand that both languages provide with the same name (WGSL builtin, Math.fn). */
const builtin = (f: MathFn & string): PrimDef => ({ float: true, vec4: true, wgsl: (_w, [a]) => `${f}(${a})`, js: (j, [a]) => j.math(f, a) });
/** A float function computed by a WGSL helper (its reason is in WGSL_HELPERS), and by Math in JavaScript. */
const viaHelper = (h: Helper, f: MathFn & string): PrimDef => ({ float: true, wgsl: (w, [a]) => `${w.fn(h)}(${a})`, js: (j, [a]) => j.math(f, a) });
/** floor/ceil/round are the identity on integers. */
const rounding = (f: 'floor' | 'ceil' | 'round', js: <V>(j: Js<V>, a: V, c: PrimCtx) => V): PrimDef => ({
  vec4: true,
  wgsl: (_w, [a], c) => (float(c.d) ? `${f}(${a})` : a),
  js: (j, [a], c) => js(j, a, c),
});

/**
 * The unary primitives. The IR's primitive names are these keys (expr.ts derives its types from them), so a
 * new primitive is one entry here: a WGSL template and a JS form, both over the operand dtype `c.d`.
 */
export const UNARY = {
  neg: { vec4: (d) => d !== 'uint32', wgsl: (_w, [a], c) => (c.d === 'uint32' ? `(0u - ${a})` : `(-${a})`), js: (j, [a]) => j.neg(a) },
  abs: {
    vec4: true,
    wgsl: (_w, [a], c) => (c.d === 'uint32' ? a : `abs(${a})`),
    // WGSL's abs(-2^31) wraps back to -2^31; Math.abs would leave int32's range.
    js: (j, [a], c) => (c.d === 'int32' ? j.if(j.op(a, '===', j.num(-2147483648)), a, j.math('abs', a)) : j.math('abs', a)),
  },
  sign: {
    wgsl: (w, [a], c) => (float(c.d) ? `${w.fn('wg_sign_f32')}(${a})` : c.d === 'int32' ? `sign(${a})` : `select(0u, 1u, ${a} > 0u)`),
    js: (j, [a]) => j.if(isNaNJs(j, a), a, j.math('sign', a)),
  },
  // SwiftShader's exp(NaN) is Infinity: NaN passes through explicitly.
  exp: { float: true, vec4: true, wgsl: (w, [a]) => `select(exp(${a}), ${a}, ${w.isnan(a)})`, js: (j, [a]) => j.math('exp', a) },
  log: { float: true, wgsl: (w, [a]) => `${w.fn('wg_log')}(${a})`, js: (j, [a]) => j.math('log', a) },
  sqrt: builtin('sqrt'),
  rsqrt: { float: true, vec4: true, wgsl: (w, [a]) => `(${w.k('1.0f')} / sqrt(${a}))`, js: (j, [a]) => j.op(j.num(1), '/', j.math('sqrt', a)) },
  // WGSL's sin/cos promise only 2^-11 absolute error: wg_sincos reduces the range itself.
  sin: { float: true, wgsl: (w, [a]) => `${w.fn('wg_sincos')}(${a}).x`, js: (j, [a]) => j.math('sin', a) },
  cos: { float: true, wgsl: (w, [a]) => `${w.fn('wg_sincos')}(${a}).y`, js: (j, [a]) => j.math('cos', a) },
  tan: { float: true, wgsl: (w, [a]) => `${w.fn('wg_tan')}(${a})`, js: (j, [a]) => j.math('tan', a) },
  // SwiftShader's tanh(-100) is NaN; tanh is ±1 in float32 beyond |x| = 10, so clamp first (NaN passes through).
  tanh: {
    float: true,
    vec4: true,
    wgsl: (w, [a]) => `select(tanh(clamp(${a}, ${w.k('-10.0f')}, ${w.k('10.0f')})), ${a}, ${w.isnan(a)})`,
    js: (j, [a]) => j.math('tanh', a),
  },
  floor: rounding('floor', (j, a) => j.math('floor', a)),
  ceil: rounding('ceil', (j, a) => j.math('ceil', a)),
  // WGSL rounds half to even, like NumPy; Math.round does not.
  round: rounding('round', (j, a, c) => (float(c.d) ? j.fn('roundHalfEven', [a]) : a)),
  recip: { float: true, vec4: true, wgsl: (w, [a]) => `(${w.k('1.0f')} / ${a})`, js: (j, [a]) => j.op(j.num(1), '/', a) },
  log1p: { float: true, wgsl: (w, [a]) => `${w.fn('wg_log1p')}(${a})`, js: (j, [a]) => j.math('log1p', a) },
  expm1: { float: true, wgsl: (w, [a]) => `${w.fn('wg_expm1')}(${a})`, js: (j, [a]) => j.math('expm1', a) },
  erf: { float: true, wgsl: (w, [a]) => `${w.fn('wg_erf')}(${a})`, js: (j, [a]) => j.fn('erf', [a]) },
  not: { out: 'bool', vec4: true, wgsl: (_w, [a]) => `(!${a})`, js: (j, [a]) => j.if(a, j.num(0), j.num(1)) },
  // `x != x` is folded away by some compilers (SwiftShader does): wg_isnan tests the bits.
  isnan: {
    out: 'bool',
    vec4: true,
    wgsl: (w, [a], c) => (float(c.d) ? w.isnan(a) : w.k('false', 'bool')),
    js: (j, [a]) => bool(j, isNaNJs(j, a)),
  },
  asin: viaHelper('wg_asin', 'asin'),
  acos: viaHelper('wg_acos', 'acos'),
  atan: viaHelper('wg_atan', 'atan'),
  sinh: viaHelper('wg_sinh', 'sinh'),
  cosh: viaHelper('wg_cosh', 'cosh'),
  asinh: viaHelper('wg_asinh', 'asinh'),
  acosh: viaHelper('wg_acosh', 'acosh'),
  atanh: viaHelper('wg_atanh', 'atanh'),
  // ±Infinity, tested on the bits like isnan; integers and bools are never infinite.
  isinf: {
    out: 'bool',
    wgsl: (w, [a], c) => (float(c.d) ? `((bitcast<u32>(${a}) & 0x7fffffffu) == 0x7f800000u)` : w.k('false', 'bool')),
    js: (j, [a]) => bool(j, j.op(j.math('abs', a), '===', j.num(Infinity))),
  },
  /** uint32 random bits → a float in [0, 1) with 24 random bits. */
  u01: {
    out: 'float32',
    wgsl: (_w, [a]) => `(f32(${a} >> 8u) * (1.0f / 16777216.0f))`,
    js: (j, [a]) => j.op(j.op(a, '>>>', j.num(8)), '*', j.num(2 ** -24)),
  },
} satisfies Record<string, PrimDef>;

export const BINARY = {
  add: { vec4: true, wgsl: (_w, [a, b]) => `(${a} + ${b})`, js: (j, [a, b]) => j.op(a, '+', b) },
  sub: { vec4: true, wgsl: (_w, [a, b]) => `(${a} - ${b})`, js: (j, [a, b]) => j.op(a, '-', b) },
  // Integer products wrap (WGSL does; Math.imul does in JS, a double product would not).
  mul: { vec4: true, wgsl: (_w, [a, b]) => `(${a} * ${b})`, js: (j, [a, b], c) => (float(c.d) ? j.op(a, '*', b) : j.math('imul', a, b)) },
  // Integer division floors (NumPy's //), and division by zero gives 0.
  div: {
    vec4: float,
    wgsl: (w, [a, b], c) => (float(c.d) ? `(${a} / ${b})` : `${w.fn(`wg_floordiv_${sfx(c.d)}`)}(${a}, ${b})`),
    js: (j, [a, b], c) => (float(c.d) ? j.op(a, '/', b) : j.fn('floordiv', [a, b], c.d)),
  },
  floordiv: { wgsl: (w, [a, b], c) => `${w.fn(`wg_floordiv_${sfx(c.d)}`)}(${a}, ${b})`, js: (j, [a, b], c) => j.fn('floordiv', [a, b], c.d) },
  mod: { wgsl: (w, [a, b], c) => `${w.fn(`wg_mod_${sfx(c.d)}`)}(${a}, ${b})`, js: (j, [a, b], c) => j.fn('mod', [a, b], c.d) },
  pow: { wgsl: (w, [a, b], c) => `${w.fn(`wg_pow_${sfx(c.d)}`)}(${a}, ${b})`, js: (j, [a, b], c) => j.fn('pow', [a, b], c.d) },
  max: extremum('max'),
  min: extremum('min'),
  atan2: { float: true, wgsl: (w, [a, b]) => `${w.fn('wg_atan2')}(${a}, ${b})`, js: (j, [a, b]) => j.math('atan2', a, b) },
  eq: compare('===', '=='),
  // NaN is unequal to everything, itself included.
  ne: {
    out: 'bool',
    vec4: true,
    wgsl: (w, [a, b]) => {
      const nan = w.nans([a, b]);
      return nan.length ? `((${a} != ${b}) ${w.or} ${nan.join(` ${w.or} `)})` : `(${a} != ${b})`;
    },
    js: (j, [a, b]) => bool(j, j.op(a, '!==', b)),
  },
  lt: compare('<', '<'),
  le: compare('<=', '<='),
  gt: compare('>', '>'),
  ge: compare('>=', '>='),
  and: { out: 'bool', vec4: true, wgsl: (w, [a, b]) => `(${a} ${w.and} ${b})`, js: (j, [a, b]) => bool(j, j.op(a, '&&', b)) },
  or: { out: 'bool', vec4: true, wgsl: (w, [a, b]) => `(${a} ${w.or} ${b})`, js: (j, [a, b]) => bool(j, j.op(a, '||', b)) },
  xor: { out: 'bool', vec4: true, wgsl: (_w, [a, b]) => `(${a} != ${b})`, js: (j, [a, b]) => bool(j, j.op(j.not(a), '!==', j.not(b))) },
  /** Counter-based random bits of (counter, key): see wg_randbits. */
  randbits: { out: 'uint32', wgsl: (w, [a, b]) => `${w.fn('wg_randbits')}(${a}, ${b})`, js: (j, [a, b]) => j.fn('randbits', [a, b]) },
} satisfies Record<string, PrimDef>;

export const TERNARY = {
  where: { operand: 1, vec4: true, wgsl: (_w, [c, a, b]) => `select(${b}, ${a}, ${c})`, js: (j, [c, a, b]) => j.if(c, a, b) },
} satisfies Record<string, PrimDef>;

export type UnaryPrim = keyof typeof UNARY;
export type BinaryPrim = keyof typeof BINARY;
/** The primitives this table defines (leaves, cast and load are rendered by each backend itself). */
export type TablePrim = UnaryPrim | BinaryPrim | keyof typeof TERNARY;
const PRIMS: Record<TablePrim, PrimDef> = { ...UNARY, ...BINARY, ...TERNARY };
export const TABLE_PRIMS = Object.keys(PRIMS) as TablePrim[];

/** The definition of `p` (typed as the interface, so optional fields read uniformly). */
export const primDef = (p: TablePrim): PrimDef => PRIMS[p];

/** False when an operand is known not to be NaN (a literal): its NaN test can be left out. */
export const mayBeNaN = (e: Expr): boolean => e.dtype === 'float32' && !(e.prim === 'lit' && !Number.isNaN(e.value));

/** The template context of node `n`, a table primitive. */
export const primCtx = (n: Expr): PrimCtx => ({ d: n.args[primDef(n.prim as TablePrim).operand ?? 0].dtype, nan: n.args.map(mayBeNaN) });

/** Whether `p`'s template renders vec4 lanes at once for operand dtype `d`. */
export function hasVec4Form(p: TablePrim, d: DType): boolean {
  const v = primDef(p).vec4;
  return typeof v === 'function' ? v(d) : v === true;
}

const zero = (d: DType) => (d === 'float32' ? '0.0f' : d === 'int32' ? '0i' : '0u');
const one = (d: DType) => (d === 'float32' ? '1.0f' : d === 'int32' ? '1i' : '1u');

/**
 * Conversion between dtypes, C-like: float→int truncates and saturates, NaN → 0 (WGSL leaves NaN to the
 * implementation; we pin it on every device); int32↔uint32 keep the bits; →bool is `!= 0` (NaN is true,
 * as in NumPy). The JS form leaves the final rounding to the node's dtype to its caller.
 */
export const CAST = {
  wgsl(w: Wgsl, a: string, from: DType, to: DType): string {
    if (from === to) return a;
    if (to === 'bool') return from === 'float32' ? `((${a} != 0.0f) || ${w.isnan(a)})` : `(${a} != ${zero(from)})`;
    if (from === 'bool') return `select(${zero(to)}, ${one(to)}, ${a})`;
    if (from !== 'float32' && to !== 'float32') return `bitcast<${sfx(to)}>(${a})`;
    if (from === 'float32') return `select(${sfx(to)}(${a}), ${zero(to)}, ${w.isnan(a)})`;
    return `f32(${a})`;
  },
  js<V>(j: Js<V>, x: V, from: DType, to: DType): V {
    if (from === to || to === 'float32') return x;
    if (to === 'bool') return bool(j, j.op(x, '!==', j.num(0)));
    if (from === 'float32') {
      const [lo, hi] = to === 'int32' ? [-2147483648, 2147483647] : [0, 4294967295];
      return j.if(isNaNJs(j, x), j.num(0), j.math('min', j.math('max', j.math('trunc', x), j.num(lo)), j.num(hi)));
    }
    return to === 'int32' ? j.op(x, '|', j.num(0)) : j.op(x, '>>>', j.num(0));
  },
};
