// Kernel IR expression → JavaScript statements, for the CPU backend's generated kernels (jit.ts): the
// primitive table's JS forms (ir/prims.ts) rendered as source, the same forms prims.ts renders as closures;
// every node rounds to its dtype as the interpreter does, so generated and interpreted kernels agree bit for
// bit. Emits only identifiers and numbers we format.
import { DTYPE_INFO, isDType, type DType } from '../../core/dtype';
import { linearize, type Expr } from '../../ir/expr';
import { CAST, primCtx, primDef, type Js, type PrimCtx, type TablePrim } from '../../ir/prims';

/** The table's JS algebra as source text (numbers formatted by numJs; helpers reached as `P.name`). */
export const SOURCE: Js<string> = {
  num: (x) => numJs(x),
  math: (fn, ...a) => `Math.${fn}(${a.join(', ')})`,
  fn: (h, a, d) => `P.${h}(${[...a, ...(d === undefined ? [] : [`'${d}'`])].join(', ')})`,
  op: (a, o, b) => `(${a} ${o} ${b})`,
  neg: (a) => `(-${a})`,
  not: (a) => `(!${a})`,
  if: (c, a, b) => `(${c} ? ${a} : ${b})`,
};

/** Primitive `p` of context `c` over operand sources `a` (reductions combine this way too). */
export const primSource = (p: TablePrim, c: PrimCtx, a: string[]): string => primDef(p).js(SOURCE, a, c);

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
        code = roundJs(n.dtype, CAST.js(SOURCE, name(n.args[0]), n.args[0].dtype, n.dtype));
        break;
      default: {
        const js = primSource(n.prim, primCtx(n), n.args.map(name));
        // A primitive whose result is bool by definition yields exactly 0 or 1: rounding would change nothing.
        code = primDef(n.prim).out === 'bool' ? js : roundJs(n.dtype, js);
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
