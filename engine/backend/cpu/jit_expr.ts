// Kernel IR expression → JavaScript statements, for the CPU backend's generated kernels (jit.ts).
// The JS twin of prims.ts: every node rounds to its dtype exactly as the closure interpreter does, so
// generated and interpreted kernels agree bit for bit. Emits only identifiers and numbers we format.
import { DTYPE_INFO, isDType, type DType } from '../../core/dtype';
import { linearize, type Expr, type Prim, type SpecialPrim } from '../../ir/expr';

type Computed = Exclude<Prim, SpecialPrim>;
/** JS source of one primitive from its operands' source (temporaries); `d` is the operand dtype (as in CPU_PRIMS). */
type JsPrim = (a: string, b: string, c: string, d: DType) => string;

/** Calls the interpreter's own function (passed in as `P` = CPU_PRIMS): for prims whose JS is long. */
const call = (name: Computed): JsPrim => (a, b, c, d) => `P.${name}(${a}, ${b}, ${c}, '${d}')`;
const math = (fn: string): JsPrim => (a) => `Math.${fn}(${a})`;
const cmp = (op: string): JsPrim => (a, b) => `(${a} ${op} ${b} ? 1 : 0)`;

/** Mirrors CPU_PRIMS entry for entry (same operations in the same order, so the same doubles). */
export const JS_PRIMS: { readonly [P in Computed]: JsPrim } = {
  neg: (a) => `(-${a})`,
  abs: (a, _b, _c, d) => (d === 'int32' ? `(${a} === -2147483648 ? ${a} : Math.abs(${a}))` : `Math.abs(${a})`),
  sign: (a) => `(${a} !== ${a} ? ${a} : Math.sign(${a}))`,
  exp: math('exp'),
  log: math('log'),
  sqrt: math('sqrt'),
  rsqrt: (a) => `(1 / Math.sqrt(${a}))`,
  sin: math('sin'),
  cos: math('cos'),
  tan: math('tan'),
  tanh: math('tanh'),
  floor: math('floor'),
  ceil: math('ceil'),
  round: (a, b, c, d) => (d === 'float32' ? call('round')(a, b, c, d) : a),
  recip: (a) => `(1 / ${a})`,
  log1p: math('log1p'),
  expm1: math('expm1'),
  erf: call('erf'),
  not: (a) => `(${a} ? 0 : 1)`,
  isnan: (a) => `(${a} !== ${a} ? 1 : 0)`,
  u01: (a) => `((${a} >>> 8) * ${2 ** -24})`,
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b, _c, d) => (d === 'float32' ? `(${a} * ${b})` : `Math.imul(${a}, ${b})`),
  div: (a, b, c, d) => (d === 'float32' ? `(${a} / ${b})` : call('div')(a, b, c, d)),
  floordiv: call('floordiv'),
  mod: call('mod'),
  pow: call('pow'),
  max: (a, b) => `Math.max(${a}, ${b})`,
  min: (a, b) => `Math.min(${a}, ${b})`,
  atan2: (a, b) => `Math.atan2(${a}, ${b})`,
  eq: cmp('==='),
  ne: cmp('!=='),
  lt: cmp('<'),
  le: cmp('<='),
  gt: cmp('>'),
  ge: cmp('>='),
  and: (a, b) => `(${a} && ${b} ? 1 : 0)`,
  or: (a, b) => `(${a} || ${b} ? 1 : 0)`,
  xor: (a, b) => `(!${a} !== !${b} ? 1 : 0)`,
  randbits: call('randbits'),
  where: (a, b, c) => `(${a} ? ${b} : ${c})`,
};

/** Prims whose JS already yields exactly 0 or 1: rounding their bool result would change nothing. */
const ZERO_ONE: ReadonlySet<Prim> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'xor', 'not', 'isnan']);

/** DTYPE_INFO[d].round as source. */
export function roundJs(d: DType, e: string): string {
  switch (d) {
    case 'float32':
      return `Math.fround(${e})`;
    case 'int32':
      return `(${e} | 0)`;
    case 'uint32':
      return `(${e} >>> 0)`;
    case 'bool':
      return `(${e} ? 1 : 0)`;
    default:
      return d satisfies never;
  }
}

/** castValue(x, from, to) as source (the caller rounds to `to` afterwards, as the interpreter does). */
function castJs(x: string, from: DType, to: DType): string {
  if (from === to || to === 'float32') return x;
  if (to === 'bool') return `(${x} !== 0 ? 1 : 0)`;
  if (from === 'float32') {
    const [lo, hi] = to === 'int32' ? [-2147483648, 2147483647] : [0, 4294967295];
    return `(${x} !== ${x} ? 0 : Math.min(Math.max(Math.trunc(${x}), ${lo}), ${hi}))`;
  }
  return to === 'int32' ? `(${x} | 0)` : `(${x} >>> 0)`;
}

/** A JS literal for any double, including -0, NaN and ±Infinity (String() round-trips the rest exactly). */
export function numJs(x: number): string {
  if (typeof x !== 'number') throw new JitUnsupported(`non-numeric literal`);
  if (Object.is(x, -0)) return '(-0)';
  if (Number.isNaN(x)) return 'NaN';
  return x < 0 ? `(${String(x)})` : String(x);
}

/** A construct the generator leaves to the interpreter (the caller falls back; never a user-visible error). */
export class JitUnsupported extends Error {}

/** How a leaf reads: its source text, and whether it is the same for every element (then it is hoisted). */
export interface LeafCode {
  code: string;
  invariant: boolean;
}

/**
 * Resolves the leaves that depend on the loop (`input`, `index`, `coord`); `param` and `lit` are handled
 * here. `load` reads `ins${value}` (the caller declares those arrays).
 */
export type LeafResolver = (n: Expr) => LeafCode;

export interface EmittedExpr {
  /** Statements computing the loop-invariant nodes (params, literals, scalar inputs and what only they feed). */
  hoisted: string[];
  /** Statements computing the rest, once per element. */
  body: string[];
  /** The root's value rounded to `rootDtype` — what the interpreter stores (DTYPE_INFO[out].round(result)). */
  result: string;
  /** Input slots read through `load`. */
  loaded: Set<number>;
}

function checkIndex(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0) throw new JitUnsupported(`bad ${what} index`);
  return v;
}

/**
 * Emits `root` as `const` temporaries `${prefix}N` (one per distinct node, like the interpreter's
 * registers). Loop-invariant nodes go to `hoisted`: evaluating a pure node once instead of per element
 * gives the same value.
 */
export function emitExpr(root: Expr, rootDtype: DType, leaf: LeafResolver, prefix = 't'): EmittedExpr {
  const { nodes, slotOf, roots } = linearize([root]);
  const hoisted: string[] = [];
  const body: string[] = [];
  const loaded = new Set<number>();
  const invariant: boolean[] = [];
  const name = (e: Expr) => `${prefix}${slotOf.get(e)}`;
  nodes.forEach((n, slot) => {
    if (!isDType(n.dtype)) throw new JitUnsupported(`unknown dtype`);
    const t = `${prefix}${slot}`;
    let code: string;
    let inv = n.args.every((a) => invariant[slotOf.get(a)!]);
    switch (n.prim) {
      case 'param':
        code = roundJs(n.dtype, `params[${checkIndex(n.value, 'param')}]`);
        inv = true;
        break;
      case 'lit':
        code = numJs(DTYPE_INFO[n.dtype].round(n.value));
        inv = true;
        break;
      case 'input':
      case 'index':
      case 'coord': {
        const l = leaf(n);
        code = l.code;
        inv = l.invariant;
        break;
      }
      case 'load': {
        const slotIn = checkIndex(n.value, 'input');
        loaded.add(slotIn);
        // `+`: an out-of-range read is undefined; the interpreter's Float64Array register makes it NaN.
        code = `(+ins${slotIn}[${name(n.args[0])}])`;
        break;
      }
      case 'cast':
        code = roundJs(n.dtype, castJs(name(n.args[0]), n.args[0].dtype, n.dtype));
        break;
      default: {
        const [a, b = '0', c = '0'] = n.args.map(name);
        const operand = n.args[n.prim === 'where' ? 1 : 0].dtype;
        const js = JS_PRIMS[n.prim](a, b, c, operand);
        code = n.dtype === 'bool' && ZERO_ONE.has(n.prim) ? js : roundJs(n.dtype, js);
      }
    }
    invariant[slot] = inv;
    (inv ? hoisted : body).push(`const ${t} = ${code};`);
  });
  const r = `${prefix}${roots[0]}`;
  // Computed nodes are already rounded to their dtype (rounding is idempotent); leaves may hold raw values.
  const rounded = !['input', 'load', 'index', 'coord'].includes(root.prim) && root.dtype === rootDtype;
  return { hoisted, body, result: rounded ? r : roundJs(rootDtype, r), loaded };
}
