// Arithmetic simplification (on a plan's elementwise launches, after fusion): the values of scalar params
// are fixed in a plan, so identities can be applied to them too. Only rewrites that are exact for every
// input, NaN, ±Infinity and -0 included: x*1, x/1, x-0 and x+(-0) for floats; x+0, x-0, x*1 for integers;
// -(-x); where(c, a, a); x-x and x*0 for integers only.
import { type Expr, lit, rewrite } from '../../ir/expr';
import type { ElementwiseKernel, Launch } from '../../ir/kernel';
import type { Slot } from '../recorder';
import type { PassContext, PassReport } from './index';

/** A leaf's numeric value, when it is a literal or a param (whose value the plan fixes). */
function valueOf(e: Expr, params: number[]): number | undefined {
  if (e.prim === 'lit') return e.value;
  if (e.prim === 'param') return params[e.value];
  return undefined;
}

export function simplifyExpr(root: Expr, params: number[]): { expr: Expr; rewrites: number } {
  let rewrites = 0;
  const is = (e: Expr, v: number) => {
    const x = valueOf(e, params);
    return x !== undefined && Object.is(x, v);
  };
  const expr = rewrite(root, (e, args) => {
    const [a, b, c] = args;
    const int = e.dtype === 'int32' || e.dtype === 'uint32';
    const hit = (r: Expr) => {
      rewrites++;
      return r;
    };
    switch (e.prim) {
      case 'mul':
        if (is(b, 1)) return hit(a);
        if (is(a, 1)) return hit(b);
        if (int && (is(a, 0) || is(b, 0))) return hit(lit(0, e.dtype));
        return undefined;
      case 'div':
        return !int && is(b, 1) ? hit(a) : undefined;
      case 'add':
        if (int ? is(b, 0) : is(b, -0)) return hit(a);
        if (int ? is(a, 0) : is(a, -0)) return hit(b);
        return undefined;
      case 'sub':
        if (is(b, 0)) return hit(a); // x - (+0) keeps -0 and NaN exactly
        if (int && a === b) return hit(lit(0, e.dtype));
        return undefined;
      case 'neg':
        return a.prim === 'neg' ? hit(a.args[0]) : undefined;
      case 'where':
        return b === c ? hit(b) : undefined;
      default:
        return undefined;
    }
  });
  return { expr, rewrites };
}

export function simplifyPass(ctx: PassContext): PassReport {
  let total = 0;
  ctx.launches = ctx.launches.map((l): Launch<Slot> => {
    if (l.kernel.kind !== 'elementwise') return l;
    const { expr, rewrites } = simplifyExpr(l.kernel.expr, l.params);
    if (rewrites === 0) return l;
    total += rewrites;
    const kernel: ElementwiseKernel = { ...l.kernel, expr };
    return { ...l, kernel };
  });
  return { pass: 'arithmeticSimplification', removed: total, detail: `${total} identities simplified` };
}
