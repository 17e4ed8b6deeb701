// Expression → WGSL table: one template per primitive (by operand dtype), plus the helper functions
// some templates call. Helpers are emitted into the same shader by codegen, so every shader is complete.
import type { DType } from '../core/dtype';
import type { Expr, Prim, SpecialPrim } from '../ir/expr';

/** Named WGSL helper functions; a template lists the ones it calls. */
export const HELPERS = {
  // A literal NaN or Infinity is a WGSL compile error (constant evaluation rejects them), so the special
  // values are read from the uniform block's first vec4, which the backend fills with their bit patterns.
  wg_nan: 'fn wg_nan() -> f32 { return bitcast<f32>(u[0].y); }',
  wg_inf: 'fn wg_inf() -> f32 { return bitcast<f32>(u[0].z); }',
  // `x != x` is folded away by some compilers (SwiftShader does), so NaN is tested on the bits.
  wg_isnan: 'fn wg_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }',
  // SwiftShader's log(0) is -88 instead of -Infinity: the edges are handled explicitly.
  wg_log: `fn wg_log(x: f32) -> f32 {
  if (wg_isnan(x) || x == wg_inf()) { return x; }
  if (x == 0.0f) { return -wg_inf(); }
  if (x < 0.0f) { return wg_nan(); }
  return log(x);
}`,
  // log(1+x) and exp(x)-1 without cancellation near 0 (the classic correction: the rounding error of
  // 1+x is divided back out); away from 0 the direct formula is already accurate.
  wg_log1p: `fn wg_log1p(x: f32) -> f32 {
  if (!(abs(x) < 0.5f)) { return wg_log(1.0f + x); }
  let v = 1.0f + x;
  if (v == 1.0f) { return x; }
  return log(v) * (x / (v - 1.0f));
}`,
  wg_expm1: `fn wg_expm1(x: f32) -> f32 {
  if (!(abs(x) < 0.5f)) { return exp(x) - 1.0f; }
  let v = exp(x);
  if (v == 1.0f) { return x; }
  return (v - 1.0f) * (x / log(v));
}`,
  // erf: odd Taylor series near 0 (exact to float32 there), Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7) beyond.
  wg_erf: `fn wg_erf(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.5f) {
    let z = x * x;
    return x * (1.1283791671f + z * (-0.3761263890f + z * (0.1128379167f + z * (-0.0268661706f +
      z * (0.0052239776f + z * (-0.0008548327f + z * 0.0001205491f))))));
  }
  let t = 1.0f / (1.0f + 0.3275911f * a);
  let poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
  return sign(x) * (1.0f - poly * exp(-a * a));
}`,
  // sin/cos with our own range reduction: WGSL only promises 2^-11 absolute error (SwiftShader's sin(2) is
  // off by 5e-5). Cody–Waite reduction by π/2 in three parts, then Taylor kernels on [-π/4, π/4]; accurate
  // to float32 rounding for |x| up to ~1e5, degrading beyond. Returns (sin x, cos x).
  wg_sincos: `fn wg_sincos(x: f32) -> vec2<f32> {
  let k = round(x * 0.63661977236f);
  let r = ((x - k * 1.5703125f) - k * 4.8375129699707031e-4f) - k * 7.5497899548918822e-8f;
  let z = r * r;
  let s = r + r * z * (-0.16666666667f + z * (0.0083333333333f + z * (-0.00019841269841f + z * 2.7557319224e-6f)));
  let c = 1.0f - 0.5f * z + z * z * (0.041666666667f + z * (-0.0013888888889f + z * (2.4801587302e-5f + z * (-2.7557319224e-7f))));
  switch (u32(i32(k) & 3i)) {
    case 0u: { return vec2<f32>(s, c); }
    case 1u: { return vec2<f32>(c, -s); }
    case 2u: { return vec2<f32>(-s, -c); }
    default: { return vec2<f32>(-c, s); }
  }
}`,
  wg_tan: 'fn wg_tan(x: f32) -> f32 { let sc = wg_sincos(x); return sc.x / sc.y; }',
  // sign from the bits: GPUs may flush subnormals to zero in comparisons, but a subnormal is not zero.
  wg_sign_f32: `fn wg_sign_f32(x: f32) -> f32 {
  let b = bitcast<u32>(x);
  if ((b & 0x7fffffffu) == 0u || wg_isnan(x)) { return x; }
  return select(1.0f, -1.0f, (b >> 31u) == 1u);
}`,
  // NumPy's floor division and modulo (result has the divisor's sign); integer division by zero gives 0.
  wg_floordiv_f32: `fn wg_floordiv_f32(a: f32, b: f32) -> f32 {
  if (b == 0.0f) { return a / b; }
  let m = a % b;
  var d = (a - m) / b;
  if (m != 0.0f && ((b < 0.0f) != (m < 0.0f))) { d = d - 1.0f; }
  var f = floor(d);
  if (d - f > 0.5f) { f = f + 1.0f; }
  return f;
}`,
  wg_mod_f32: `fn wg_mod_f32(a: f32, b: f32) -> f32 {
  if (b == 0.0f) { return wg_nan(); }
  var m = a % b;
  if (m != 0.0f && ((b < 0.0f) != (m < 0.0f))) { m = m + b; }
  return m;
}`,
  wg_floordiv_i32: `fn wg_floordiv_i32(a: i32, b: i32) -> i32 {
  if (b == 0i) { return 0i; }
  var q = a / b;
  if ((a % b != 0i) && ((a < 0i) != (b < 0i))) { q = q - 1i; }
  return q;
}`,
  wg_mod_i32: `fn wg_mod_i32(a: i32, b: i32) -> i32 {
  if (b == 0i) { return 0i; }
  var m = a % b;
  if (m != 0i && ((m < 0i) != (b < 0i))) { m = m + b; }
  return m;
}`,
  wg_floordiv_u32: 'fn wg_floordiv_u32(a: u32, b: u32) -> u32 { return select(a / b, 0u, b == 0u); }',
  wg_mod_u32: 'fn wg_mod_u32(a: u32, b: u32) -> u32 { return select(a % b, 0u, b == 0u); }',
  // WGSL's pow is only defined for x > 0; NumPy's covers negative bases with integral exponents and zero.
  wg_pow_f32: `fn wg_pow_f32(x: f32, y: f32) -> f32 {
  if (y == 0.0f) { return 1.0f; }
  if (wg_isnan(x) || wg_isnan(y)) { return wg_nan(); }
  let odd = floor(y) == y && abs(y) < 16777216.0f && (i32(abs(y)) & 1i) == 1i;
  if (x == 0.0f) {
    // ±0 to a power: 0 or Infinity, negative only for -0 and an odd integer exponent.
    let r = select(0.0f, wg_inf(), y < 0.0f);
    return select(r, -r, odd && (bitcast<u32>(x) >> 31u) == 1u);
  }
  let r = pow(abs(x), y);
  if (x > 0.0f) { return r; }
  if (floor(y) != y) { return wg_nan(); }
  return select(r, -r, odd);
}`,
  // atan2 with a zero y follows IEEE/NumPy signed zeros (SwiftShader's atan2(-0, 10) is π).
  wg_atan2: `fn wg_atan2(y: f32, x: f32) -> f32 {
  if (y == 0.0f && !wg_isnan(x)) {
    let r = select(0.0f, 3.14159265358979f, (bitcast<u32>(x) >> 31u) == 1u);
    return select(r, -r, (bitcast<u32>(y) >> 31u) == 1u);
  }
  return atan2(y, x);
}`,
  // Integer powers by repeated squaring (wrapping); a negative exponent gives 0 (documented).
  wg_pow_i32: `fn wg_pow_i32(x: i32, y: i32) -> i32 {
  if (y < 0i) { return 0i; }
  var r = 1i; var b = x; var e = y;
  loop { if (e == 0i) { break; } if ((e & 1i) == 1i) { r = r * b; } b = b * b; e = e >> 1u; }
  return r;
}`,
  wg_pow_u32: `fn wg_pow_u32(x: u32, y: u32) -> u32 {
  var r = 1u; var b = x; var e = y;
  loop { if (e == 0u) { break; } if ((e & 1u) == 1u) { r = r * b; } b = b * b; e = e >> 1u; }
  return r;
}`,
  wg_max_f32: 'fn wg_max_f32(a: f32, b: f32) -> f32 { return select(max(a, b), wg_nan(), wg_isnan(a) || wg_isnan(b)); }',
  wg_min_f32: 'fn wg_min_f32(a: f32, b: f32) -> f32 { return select(min(a, b), wg_nan(), wg_isnan(a) || wg_isnan(b)); }',
  // Counter-based random bits: a 32-bit integer mixer applied twice, keyed by the seed. The CPU backend
  // implements the same integer arithmetic, so seeded random tensors are bit-identical on every backend.
  wg_mix32: `fn wg_mix32(v: u32) -> u32 {
  var h = v;
  h = (h ^ (h >> 16u)) * 0x21f0aaadu;
  h = (h ^ (h >> 15u)) * 0x735a2d97u;
  return h ^ (h >> 15u);
}`,
  wg_randbits: 'fn wg_randbits(c: u32, k: u32) -> u32 { return wg_mix32(wg_mix32(c ^ k) + k * 0x9e3779b9u); }',
} as const;
export type Helper = keyof typeof HELPERS;

/** Which helpers each helper calls (emitted before it). */
export const HELPER_DEPS: Partial<Record<Helper, Helper[]>> = {
  wg_log: ['wg_isnan', 'wg_inf', 'wg_nan'],
  wg_log1p: ['wg_log'],
  wg_sign_f32: ['wg_isnan'],
  wg_tan: ['wg_sincos'],
  wg_mod_f32: ['wg_nan'],
  wg_pow_f32: ['wg_isnan', 'wg_nan', 'wg_inf'],
  wg_max_f32: ['wg_isnan', 'wg_nan'],
  wg_atan2: ['wg_isnan'],
  wg_min_f32: ['wg_isnan', 'wg_nan'],
  wg_randbits: ['wg_mix32'],
};

export interface Emitted {
  code: string;
  helpers?: Helper[];
}

type Template = (a: string[], node: Expr) => Emitted;

const S = (code: string, ...helpers: Helper[]): Emitted => ({ code, helpers });
const sfx = (d: DType) => (d === 'float32' ? 'f32' : d === 'int32' ? 'i32' : 'u32');
/** False when an operand is known not to be NaN (a literal): its NaN test can be left out. */
export const mayBeNaN = (e: Expr): boolean => e.dtype === 'float32' && !(e.prim === 'lit' && !Number.isNaN(e.value));

/** A NaN-aware float comparison (tests only the operands that may be NaN); integer and bool compare directly. */
const cmp = (op: string, nanResult: boolean): Template => ([a, b], n) => {
  const nan = [a, b].filter((_, i) => mayBeNaN(n.args[i])).map((x) => `wg_isnan(${x})`);
  if (nan.length === 0) return S(`(${a} ${op} ${b})`);
  return nanResult
    ? S(`((${a} ${op} ${b}) || ${nan.join(' || ')})`, 'wg_isnan')
    : S(`((${a} ${op} ${b}) && !(${nan.join(' || ')}))`, 'wg_isnan');
};

const floatOnly = (f: (a: string[]) => Emitted): Template => (a, n) => {
  if (n.args[0].dtype !== 'float32') throw new Error(`codegen: ${n.prim} needs float32 operands`);
  return f(a);
};

export const WGSL_PRIMS: { readonly [P in Exclude<Prim, SpecialPrim>]: Template } = {
  neg: ([a], n) => S(n.dtype === 'uint32' ? `(0u - ${a})` : `(-${a})`),
  abs: ([a], n) => S(n.dtype === 'uint32' ? a : `abs(${a})`),
  sign: ([a], n) =>
    n.dtype === 'float32'
      ? S(`wg_sign_f32(${a})`, 'wg_sign_f32')
      : n.dtype === 'int32'
        ? S(`sign(${a})`)
        : S(`select(0u, 1u, ${a} > 0u)`),
  // SwiftShader's exp(NaN) is Infinity.
  exp: floatOnly(([a]) => S(`select(exp(${a}), ${a}, wg_isnan(${a}))`, 'wg_isnan')),
  log: floatOnly(([a]) => S(`wg_log(${a})`, 'wg_log')),
  sqrt: floatOnly(([a]) => S(`sqrt(${a})`)),
  rsqrt: floatOnly(([a]) => S(`(1.0f / sqrt(${a}))`)),
  sin: floatOnly(([a]) => S(`wg_sincos(${a}).x`, 'wg_sincos')),
  cos: floatOnly(([a]) => S(`wg_sincos(${a}).y`, 'wg_sincos')),
  tan: floatOnly(([a]) => S(`wg_tan(${a})`, 'wg_tan')),
  // SwiftShader's tanh(-100) is NaN; tanh is ±1 in float32 beyond |x| = 10, so clamp first.
  tanh: floatOnly(([a]) => S(`select(tanh(clamp(${a}, -10.0f, 10.0f)), ${a}, wg_isnan(${a}))`, 'wg_isnan')),
  floor: ([a], n) => S(n.dtype === 'float32' ? `floor(${a})` : a),
  ceil: ([a], n) => S(n.dtype === 'float32' ? `ceil(${a})` : a),
  round: ([a], n) => S(n.dtype === 'float32' ? `round(${a})` : a), // WGSL rounds half to even, like NumPy
  recip: floatOnly(([a]) => S(`(1.0f / ${a})`)),
  log1p: floatOnly(([a]) => S(`wg_log1p(${a})`, 'wg_log1p')),
  expm1: floatOnly(([a]) => S(`wg_expm1(${a})`, 'wg_expm1')),
  erf: floatOnly(([a]) => S(`wg_erf(${a})`, 'wg_erf')),
  not: ([a]) => S(`(!${a})`),
  isnan: ([a], n) => (n.args[0].dtype === 'float32' ? S(`wg_isnan(${a})`, 'wg_isnan') : S('false')),
  u01: ([a]) => S(`(f32(${a} >> 8u) * (1.0f / 16777216.0f))`),
  add: ([a, b]) => S(`(${a} + ${b})`),
  sub: ([a, b]) => S(`(${a} - ${b})`),
  mul: ([a, b]) => S(`(${a} * ${b})`),
  div: ([a, b], n) =>
    n.dtype === 'float32' ? S(`(${a} / ${b})`) : S(`wg_floordiv_${sfx(n.dtype)}(${a}, ${b})`, `wg_floordiv_${sfx(n.dtype)}`),
  floordiv: ([a, b], n) => S(`wg_floordiv_${sfx(n.dtype)}(${a}, ${b})`, `wg_floordiv_${sfx(n.dtype)}`),
  mod: ([a, b], n) => S(`wg_mod_${sfx(n.dtype)}(${a}, ${b})`, `wg_mod_${sfx(n.dtype)}`),
  pow: ([a, b], n) => S(`wg_pow_${sfx(n.dtype)}(${a}, ${b})`, `wg_pow_${sfx(n.dtype)}`),
  max: ([a, b], n) => (n.dtype === 'float32' ? S(`wg_max_f32(${a}, ${b})`, 'wg_max_f32') : S(`max(${a}, ${b})`)),
  min: ([a, b], n) => (n.dtype === 'float32' ? S(`wg_min_f32(${a}, ${b})`, 'wg_min_f32') : S(`min(${a}, ${b})`)),
  atan2: floatOnly(([a, b]) => S(`wg_atan2(${a}, ${b})`, 'wg_atan2')),
  eq: cmp('==', false),
  ne: cmp('!=', true),
  lt: cmp('<', false),
  le: cmp('<=', false),
  gt: cmp('>', false),
  ge: cmp('>=', false),
  and: ([a, b]) => S(`(${a} && ${b})`),
  or: ([a, b]) => S(`(${a} || ${b})`),
  xor: ([a, b]) => S(`(${a} != ${b})`),
  randbits: ([a, b]) => S(`wg_randbits(${a}, ${b})`, 'wg_randbits'),
  where: ([c, a, b]) => S(`select(${b}, ${a}, ${c})`),
};

/** Conversion between dtypes (C-like: float→int truncates and saturates; int32↔uint32 keep the bits). */
export function wgslCast(a: string, from: DType, to: DType): Emitted {
  if (from === to) return S(a);
  if (to === 'bool') return from === 'float32' ? S(`((${a} != 0.0f) || wg_isnan(${a}))`, 'wg_isnan') : S(`(${a} != ${zero(from)})`);
  if (from === 'bool') return S(`select(${zero(to)}, ${one(to)}, ${a})`);
  if (from !== 'float32' && to !== 'float32') return S(`bitcast<${sfx(to)}>(${a})`);
  // float→int: NaN is 0 on every backend (WGSL leaves it to the implementation).
  if (from === 'float32') return S(`select(${sfx(to)}(${a}), ${zero(to)}, wg_isnan(${a}))`, 'wg_isnan');
  return S(`f32(${a})`);
}

const zero = (d: DType) => (d === 'float32' ? '0.0f' : d === 'int32' ? '0i' : '0u');
const one = (d: DType) => (d === 'float32' ? '1.0f' : d === 'int32' ? '1i' : '1u');

/** A literal of a dtype; NaN/Infinity come from the uniform block (see wg_nan). */
export function wgslLiteral(v: number, d: DType): Emitted {
  switch (d) {
    case 'bool':
      return S(v ? 'true' : 'false');
    case 'uint32':
      return S(`${v >>> 0}u`);
    case 'int32': {
      const i = v | 0;
      return S(i === -2147483648 ? '(-2147483647i - 1i)' : i < 0 ? `(${i}i)` : `${i}i`);
    }
    case 'float32': {
      const f = Math.fround(v);
      if (Number.isNaN(f)) return S('wg_nan()', 'wg_nan');
      if (f === Infinity) return S('wg_inf()', 'wg_inf');
      if (f === -Infinity) return S('(-wg_inf())', 'wg_inf');
      // Enough digits to round-trip a float32; JS prints integers without a point, which WGSL accepts with `f`.
      const s = Object.is(f, -0) ? '-0.0' : String(f);
      return S(f < 0 || Object.is(f, -0) ? `(${s}f)` : `${s}f`);
    }
    default:
      return d satisfies never;
  }
}
