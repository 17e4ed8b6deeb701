// Shared WGSL emission: an expression DAG as `let` lines (one per distinct node), and helper collection.
import { DTYPE_INFO, type DType } from '../core/dtype';
import { linearize, type Expr } from '../ir/expr';
import { HELPERS, HELPER_DEPS, WGSL_PRIMS, wgslCast, wgslLiteral, type Emitted, type Helper } from './prims';
import { wordRef } from './layout';

/** The helper functions a shader needs, emitted dependencies first. */
export class HelperSet {
  private set = new Set<Helper>();

  use(e: Emitted): string {
    e.helpers?.forEach((h) => this.add(h));
    return e.code;
  }

  add(h: Helper): void {
    if (this.set.has(h)) return;
    HELPER_DEPS[h]?.forEach((d) => this.add(d));
    this.set.add(h);
  }

  code(): string[] {
    const out: Helper[] = [];
    const visit = (h: Helper) => {
      if (out.includes(h)) return;
      HELPER_DEPS[h]?.forEach(visit);
      out.push(h);
    };
    [...this.set].sort().forEach(visit);
    return out.map((h) => HELPERS[h]);
  }
}

/** A uniform word read as a value of `dtype` (floats and ints are stored as their bits). */
export function paramRef(word: number, dtype: DType): string {
  const w = wordRef(word);
  return dtype === 'bool' ? `(${w} != 0u)` : dtype === 'uint32' ? w : `bitcast<${DTYPE_INFO[dtype].wgsl}>(${w})`;
}

/**
 * Emits `let <prefix>N = …;` for every distinct node of `root`. `leaf` renders the kernel-specific leaves
 * (input, param, index, coord, and load given its rendered index); the rest comes from the prim table.
 */
export function emitExpr(
  root: Expr,
  leaf: (n: Expr, arg?: string) => string,
  helpers: HelperSet,
  prefix = 't',
  hoisted?: string[],
): { lines: string[]; result: string } {
  const { nodes, slotOf, roots } = linearize([root]);
  const name = (e: Expr) => `${prefix}${slotOf.get(e)}`;
  const lines: string[] = [];
  nodes.forEach((n, s) => {
    let rhs: string;
    switch (n.prim) {
      case 'input':
      case 'param':
      case 'index':
      case 'coord':
        rhs = leaf(n);
        break;
      case 'load':
        rhs = leaf(n, name(n.args[0]));
        break;
      case 'lit':
        rhs = helpers.use(wgslLiteral(n.value, n.dtype));
        break;
      case 'cast':
        rhs = helpers.use(wgslCast(name(n.args[0]), n.args[0].dtype, n.dtype));
        break;
      default:
        rhs = helpers.use(WGSL_PRIMS[n.prim](n.args.map(name), n));
    }
    // Params and literals are loop-invariant: with `hoisted`, they are read once before the element loop.
    (hoisted && (n.prim === 'param' || n.prim === 'lit') ? hoisted : lines).push(`let ${prefix}${s} = ${rhs};`);
  });
  return { lines, result: `${prefix}${roots[0]}` };
}

/** Converts a WGSL value of `dtype` to its storage representation (bool → u32). */
export const toStorage = (v: string, dtype: DType) => (dtype === 'bool' ? `select(0u, 1u, ${v})` : v);
/** Reads a storage element as a value of `dtype` (u32 → bool). */
export const fromStorage = (v: string, dtype: DType) => (dtype === 'bool' ? `(${v} != 0u)` : v);

/**
 * The entry point of an elementwise kernel: a grid-stride loop over `count` elements running `body` for each
 * element `i`. `pre` lines (loop-invariant values) run once per invocation, before the loop.
 */
export function gridStrideMain(wg: number, count: string, body: string[], pre: string[] = []): string[] {
  // A true grid-stride loop: correct for any grid, so the host picks the workgroup count per launch
  // (elementsPerThread is the target it aims for, not a bound baked into the shader).
  return [
    `@compute @workgroup_size(${wg})`,
    'fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {',
    `  let size = ${count};`,
    `  let threads = nwg.x * ${wg}u;`,
    '  let stride = threads * nwg.y;',
    ...pre.map((l) => `  ${l}`),
    '  for (var i = gid.x + gid.y * threads; i < size; i = i + stride) {',
    ...body.map((l) => `    ${l}`),
    '  }',
    '}',
  ];
}
