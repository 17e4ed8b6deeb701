// The CPU backend's primitive table: the JavaScript twin of shaders/prims.ts, same semantics.
// Values are JS numbers (bool as 0/1); the evaluator rounds each result to its node's dtype.
import type { DType } from '../../core/dtype';
import type { Prim, SpecialPrim } from '../../ir/expr';

type Fn = (a: number, b: number, c: number, operand: DType) => number;

const I32_MIN = -2147483648;
const isNaNf = Number.isNaN;

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/** Same approximation as wg_erf, so the two backends agree closely (both are checked against NumPy). */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 0.5) {
    const z = x * x;
    return x * (1.1283791671 + z * (-0.376126389 + z * (0.1128379167 + z * (-0.0268661706 +
      z * (0.0052239776 + z * (-0.0008548327 + z * 0.0001205491))))));
  }
  const t = 1 / (1 + 0.3275911 * a);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return Math.sign(x) * (1 - poly * Math.exp(-a * a));
}

function mix32(v: number): number {
  let h = v >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) >>> 0;
}
export const randbits = (c: number, k: number) => mix32((mix32((c ^ k) >>> 0) + Math.imul(k, 0x9e3779b9)) >>> 0);

function floordiv(a: number, b: number, d: DType): number {
  if (d !== 'float32') return b === 0 ? 0 : Math.floor(a / b);
  if (b === 0) return a / b;
  const m = a % b;
  let q = (a - m) / b;
  if (m !== 0 && b < 0 !== m < 0) q -= 1;
  let f = Math.floor(q);
  if (q - f > 0.5) f += 1;
  return f;
}

function mod(a: number, b: number, d: DType): number {
  if (b === 0) return d === 'float32' ? NaN : 0;
  let m = a % b;
  if (m !== 0 && m < 0 !== b < 0) m += b;
  return m;
}

function pow(x: number, y: number, d: DType): number {
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
}

const mul = (a: number, b: number, d: DType) => (d === 'float32' ? a * b : Math.imul(a, b));

type Computed = Exclude<Prim, SpecialPrim>;
export const CPU_PRIMS: { readonly [P in Computed]: Fn } = {
  neg: (a) => -a,
  abs: (a, _b, _c, d) => (d === 'int32' && a === I32_MIN ? a : Math.abs(a)),
  sign: (a) => (isNaNf(a) ? a : Math.sign(a)),
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (a) => 1 / Math.sqrt(a),
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  tanh: Math.tanh,
  floor: Math.floor,
  ceil: Math.ceil,
  round: (a, _b, _c, d) => (d === 'float32' ? roundHalfEven(a) : a),
  recip: (a) => 1 / a,
  log1p: Math.log1p,
  expm1: Math.expm1,
  erf: (a) => erf(a),
  not: (a) => (a ? 0 : 1),
  isnan: (a) => (isNaNf(a) ? 1 : 0),
  u01: (a) => (a >>> 8) * 2 ** -24,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b, _c, d) => mul(a, b, d),
  div: (a, b, _c, d) => (d === 'float32' ? a / b : floordiv(a, b, d)),
  floordiv: (a, b, _c, d) => floordiv(a, b, d),
  mod: (a, b, _c, d) => mod(a, b, d),
  pow: (a, b, _c, d) => pow(a, b, d),
  max: (a, b) => Math.max(a, b),
  min: (a, b) => Math.min(a, b),
  atan2: Math.atan2,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  and: (a, b) => (a && b ? 1 : 0),
  or: (a, b) => (a || b ? 1 : 0),
  xor: (a, b) => (!!a !== !!b ? 1 : 0),
  randbits: (a, b) => randbits(a, b),
  where: (c, a, b) => (c ? a : b),
};

/** Conversion with the WGSL backend's rules: float→int truncates and saturates (NaN → 0). */
export function castValue(x: number, from: DType, to: DType): number {
  if (from === to) return x;
  if (to === 'bool') return x !== 0 ? 1 : 0; // NaN !== 0 is true, as in NumPy
  if (to === 'float32') return x;
  if (from === 'float32') {
    if (isNaNf(x)) return 0;
    const t = Math.trunc(x);
    return to === 'int32' ? Math.min(Math.max(t, I32_MIN), 2147483647) : Math.min(Math.max(t, 0), 4294967295);
  }
  return to === 'int32' ? x | 0 : x >>> 0;
}
