// Renders the primitive table (ir/prims.ts) to scalar WGSL: a template context that records the helpers a
// template calls (codegen emits them into the same shader, so every shader is complete), casts, literals.
import { DTYPE_INFO, type DType } from '../core/dtype';
import type { Expr } from '../ir/expr';
import { HELPER_DEPS, WGSL_HELPERS, type Helper } from '../ir/prim_helpers';
import { CAST, TABLE_PRIMS, primCtx, primDef, type PrimCtx, type TablePrim, type Wgsl } from '../ir/prims';

export { HELPER_DEPS, WGSL_HELPERS as HELPERS, type Helper };

export interface Emitted {
  code: string;
  helpers?: Helper[];
}

type Template = (a: string[], node: Expr) => Emitted;

const S = (code: string, ...helpers: Helper[]): Emitted => ({ code, helpers });

/**
 * The scalar WGSL context: records the helpers a template calls into `used`. With `lanes`, the vec4 one:
 * constants splat to vec4, logic is componentwise, and NaN tests call wg_isnan4 (`lanes.isnan4` is set).
 */
export function wgslContext(c: PrimCtx, used: Helper[], lanes?: { isnan4: boolean }): Wgsl {
  const fn = (h: Helper) => (used.push(h), h);
  const isnan = (x: string) => {
    if (!lanes) return `${fn('wg_isnan')}(${x})`;
    lanes.isnan4 = true;
    return `wg_isnan4(${x})`;
  };
  return {
    vec4: !!lanes,
    and: lanes ? '&' : '&&',
    or: lanes ? '|' : '||',
    fn,
    isnan,
    nans: (a) => a.filter((_, i) => c.nan[i]).map(isnan),
    k: (v, d = c.d) => (lanes ? `${d === 'bool' ? 'vec4<bool>' : `vec4<${DTYPE_INFO[d].wgsl}>`}(${v})` : v),
  };
}

/** Renders node `n` (a table primitive) from its operands' WGSL: scalar, or vec4 with `lanes`. */
export function wgslPrim(n: Expr, a: string[], lanes?: { isnan4: boolean }): Emitted {
  return wgslApply(n.prim as TablePrim, primCtx(n), a, lanes);
}

/** Primitive `p` applied to operand expressions `a` of context `c` (reductions combine this way too). */
export function wgslApply(p: TablePrim, c: PrimCtx, a: string[], lanes?: { isnan4: boolean }): Emitted {
  if (primDef(p).float && c.d !== 'float32') throw new Error(`codegen: ${p} needs float32 operands`);
  const helpers: Helper[] = [];
  return { code: primDef(p).wgsl(wgslContext(c, helpers, lanes), a, c), helpers };
}

/** The scalar template of every table primitive, by name. */
export const WGSL_PRIMS = Object.fromEntries(
  TABLE_PRIMS.map((p) => [p, (a: string[], n: Expr) => wgslPrim(n, a)]),
) as { readonly [P in TablePrim]: Template };

/** Conversion between dtypes: CAST's WGSL form (C-like: float→int truncates and saturates, NaN → 0…). */
export function wgslCast(a: string, from: DType, to: DType): Emitted {
  const helpers: Helper[] = [];
  return { code: CAST.wgsl(wgslContext({ d: from, nan: [from === 'float32'] }, helpers), a, from, to), helpers };
}

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
