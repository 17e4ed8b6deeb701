// The helper functions some primitives call, in both target languages: WGSL functions that codegen emits
// into each shader that needs them, and the JavaScript functions the CPU device calls (generated kernels
// reach them as `P.name`). Both implement the same numerics; each carries the reason it exists.
import type { DType } from '../core/dtype';

/** Named WGSL helper functions; a template lists the ones it calls. */
export const WGSL_HELPERS = {
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
  // (SwiftShader's exp(NaN) is Infinity: NaN passes through explicitly.)
  wg_expm1: `fn wg_expm1(x: f32) -> f32 {
  if (!(abs(x) < 0.5f)) { return select(exp(x) - 1.0f, x, wg_isnan(x)); }
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
  // Inverse and hyperbolic functions. WGSL's builtins are unspecified off their domain and inherit their
  // accuracy from naive formulas (sinh from (exp(x) - exp(-x)) / 2, which cancels near 0); these use forms
  // that stay accurate to a few ULP over the whole range, with NaN off the domain, as NumPy.
  wg_asin: `fn wg_asin(x: f32) -> f32 {
  if (!(abs(x) <= 1.0f)) { return wg_nan(); }
  return wg_atan2(x, sqrt((1.0f - x) * (1.0f + x)));
}`,
  wg_acos: `fn wg_acos(x: f32) -> f32 {
  if (!(abs(x) <= 1.0f)) { return wg_nan(); }
  return wg_atan2(sqrt((1.0f - x) * (1.0f + x)), x);
}`,
  wg_atan: 'fn wg_atan(x: f32) -> f32 { return select(wg_atan2(x, 1.0f), x, wg_isnan(x)); }',
  // Beyond |x| = 20, e^-|x| is below float32's resolution of e^|x|: both are e^|x| / 2 = e^(|x| - ln 2).
  wg_sinh: `fn wg_sinh(x: f32) -> f32 {
  let a = abs(x);
  var r = exp(a - 0.69314718f);
  if (a <= 20.0f) { let e = wg_expm1(a); r = 0.5f * (e + e / (e + 1.0f)); }
  return select(select(r, -r, x < 0.0f), x, wg_isnan(x));
}`,
  wg_cosh: `fn wg_cosh(x: f32) -> f32 {
  let a = abs(x);
  var r = exp(a - 0.69314718f);
  if (a <= 20.0f) { let e = exp(a); r = 0.5f * (e + 1.0f / e); }
  return select(r, x, wg_isnan(x));
}`,
  // Past 1e9, x² + 1 is x² in float32 (and x² overflows past 1.8e19): asinh(x) = log(2|x|).
  wg_asinh: `fn wg_asinh(x: f32) -> f32 {
  let a = abs(x);
  var r = wg_log(a) + 0.69314718f;
  if (a <= 1e9f) { r = wg_log1p(a + a * a / (1.0f + sqrt(1.0f + a * a))); }
  return select(select(r, -r, (bitcast<u32>(x) >> 31u) == 1u), x, wg_isnan(x));
}`,
  wg_acosh: `fn wg_acosh(x: f32) -> f32 {
  if (!(x >= 1.0f)) { return wg_nan(); }
  if (x > 1e9f) { return wg_log(x) + 0.69314718f; }
  let t = x - 1.0f;
  return wg_log1p(t + sqrt(t * (x + 1.0f)));
}`,
  wg_atanh: `fn wg_atanh(x: f32) -> f32 {
  let a = abs(x);
  if (!(a <= 1.0f)) { return wg_nan(); }
  var r = wg_inf();
  if (a < 1.0f) { r = 0.5f * wg_log1p(2.0f * a / (1.0f - a)); }
  return select(r, -r, (bitcast<u32>(x) >> 31u) == 1u);
}`,
  wg_randbits: 'fn wg_randbits(c: u32, k: u32) -> u32 { return wg_mix32(wg_mix32(c ^ k) + k * 0x9e3779b9u); }',
} as const;
export type Helper = keyof typeof WGSL_HELPERS;

/** Which helpers each helper calls (emitted before it). */
export const HELPER_DEPS: Partial<Record<Helper, Helper[]>> = {
  wg_log: ['wg_isnan', 'wg_inf', 'wg_nan'],
  wg_log1p: ['wg_log'],
  wg_expm1: ['wg_isnan'],
  wg_sign_f32: ['wg_isnan'],
  wg_tan: ['wg_sincos'],
  wg_mod_f32: ['wg_nan'],
  wg_pow_f32: ['wg_isnan', 'wg_nan', 'wg_inf'],
  wg_max_f32: ['wg_isnan', 'wg_nan'],
  wg_atan2: ['wg_isnan'],
  wg_min_f32: ['wg_isnan', 'wg_nan'],
  wg_randbits: ['wg_mix32'],
  wg_asin: ['wg_nan', 'wg_atan2'],
  wg_acos: ['wg_nan', 'wg_atan2'],
  wg_atan: ['wg_isnan', 'wg_atan2'],
  wg_sinh: ['wg_isnan', 'wg_expm1'],
  wg_cosh: ['wg_isnan'],
  wg_asinh: ['wg_isnan', 'wg_log', 'wg_log1p'],
  wg_acosh: ['wg_nan', 'wg_log', 'wg_log1p'],
  wg_atanh: ['wg_nan', 'wg_inf', 'wg_log1p'],
};


/** wg_isnan over four lanes (vec4 kernels emit it after the helpers, beside wg_isnan). */
export const WG_ISNAN4 =
  'fn wg_isnan4(x: vec4<f32>) -> vec4<bool> { return (bitcast<vec4<u32>>(x) & vec4<u32>(0x7fffffffu)) > vec4<u32>(0x7f800000u); }';

// ---- JavaScript twins (the CPU device). Values are doubles; the caller rounds each result to its dtype. ----

const I32_MIN = -2147483648;

function mix32(v: number): number {
  let h = v >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The JS helper functions, by name: `P.name(…)` in generated code, called directly by the interpreter. */
export const JS_HELPERS = {
  /** Math.round rounds halves up; WGSL and NumPy round them to even. */
  roundHalfEven(x: number): number {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
  },
  /** Same approximation as wg_erf, so the two devices agree closely (both are checked against NumPy). */
  erf(x: number): number {
    const a = Math.abs(x);
    if (a < 0.5) {
      const z = x * x;
      return x * (1.1283791671 + z * (-0.376126389 + z * (0.1128379167 + z * (-0.0268661706 +
        z * (0.0052239776 + z * (-0.0008548327 + z * 0.0001205491))))));
    }
    const t = 1 / (1 + 0.3275911 * a);
    const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    return Math.sign(x) * (1 - poly * Math.exp(-a * a));
  },
  /** wg_floordiv_*: NumPy's floor division; integer division by zero gives 0. */
  floordiv(a: number, b: number, d: DType): number {
    if (d !== 'float32') return b === 0 ? 0 : Math.floor(a / b);
    if (b === 0) return a / b;
    const m = a % b;
    let q = (a - m) / b;
    if (m !== 0 && b < 0 !== m < 0) q -= 1;
    let f = Math.floor(q);
    if (q - f > 0.5) f += 1;
    return f;
  },
  /** wg_mod_*: the result has the divisor's sign; modulo zero is NaN (float) or 0 (integers). */
  mod(a: number, b: number, d: DType): number {
    if (b === 0) return d === 'float32' ? NaN : 0;
    let m = a % b;
    if (m !== 0 && m < 0 !== b < 0) m += b;
    return m;
  },
  /** wg_pow_*: Math.pow is NumPy's pow for floats but for 0^0 forms; integers square-and-multiply, wrapping. */
  pow(x: number, y: number, d: DType): number {
    if (d === 'float32') return y === 0 ? 1 : Math.pow(x, y);
    if (y < 0) return 0;
    let r = 1;
    let b = x;
    let e = y;
    const mul = d === 'int32' ? Math.imul : (p: number, q: number) => Math.imul(p, q) >>> 0;
    while (e > 0) {
      if (e & 1) r = mul(r, b);
      b = mul(b, b);
      e = Math.floor(e / 2);
    }
    return r;
  },
  /** wg_randbits: the same integer mixer, so seeded random tensors are bit-identical on every device. */
  randbits: (c: number, k: number) => mix32((mix32((c ^ k) >>> 0) + Math.imul(k, 0x9e3779b9)) >>> 0),
} satisfies Record<string, (a: number, b: number, d: DType) => number>;
export type JsHelper = keyof typeof JS_HELPERS;
export { I32_MIN };
