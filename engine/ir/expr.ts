// Kernel IR scalar expressions: an immutable DAG of primitives, each node typed with its dtype.
// Every user-level elementwise op is a composition of these; each primitive is defined once, in prims.ts.
import type { DType } from '../core/dtype';
import { BINARY, UNARY, primDef, type BinaryPrim, type TablePrim, type UnaryPrim } from './prims';

export const UNARY_PRIMS = Object.keys(UNARY) as UnaryPrim[];
export const BINARY_PRIMS = Object.keys(BINARY) as BinaryPrim[];
export const LEAF_PRIMS = ['input', 'param', 'lit', 'index', 'coord'] as const;

export type { UnaryPrim, BinaryPrim };
export type LeafPrim = (typeof LEAF_PRIMS)[number];
/**
 * `where(cond, a, b)` is the only ternary primitive. `cast` converts to the node's dtype; `load` reads
 * input `value` at a computed element index (args[0], int32) — gathers, pads and other data-dependent reads.
 */
export type Prim = LeafPrim | UnaryPrim | BinaryPrim | 'where' | 'cast' | 'load';
/** Primitives codegen and the CPU evaluator handle themselves rather than through their prim tables. */
export type SpecialPrim = LeafPrim | 'cast' | 'load';

/**
 * One node. Leaves: `input` (value = input slot, read at the element being computed), `param`
 * (value = uniform scalar slot), `lit` (value = a literal number), `index` (the output element's linear
 * index, uint32), `coord` (the output element's coordinate along dimension `value`, int32).
 * Node dtype is the dtype of the value it produces; for `cast` it is the target dtype.
 */
export class Expr {
  private static nextId = 0;
  /** Identity for memo tables (codegen, evaluators); structure-equal nodes are merged by codegen's CSE. */
  readonly id = Expr.nextId++;
  constructor(
    readonly prim: Prim,
    readonly dtype: DType,
    readonly args: readonly Expr[] = [],
    readonly value = 0,
  ) {}

  toString(): string {
    return exprToString(this);
  }
}

export const input = (slot: number, dtype: DType) => new Expr('input', dtype, [], slot);
export const param = (slot: number, dtype: DType) => new Expr('param', dtype, [], slot);
export const lit = (value: number, dtype: DType) => new Expr('lit', dtype, [], value);
export const index = () => new Expr('index', 'uint32');
export const coord = (dim: number) => new Expr('coord', 'int32', [], dim);
/** Reads input `slot` (of `dtype`) at element `at` (an int32 expression, already offset and in range). */
export const load = (slot: number, dtype: DType, at: Expr) => new Expr('load', dtype, [at], slot);

/** Does the expression use any of these leaf/special prims? (codegen: are coordinates needed…) */
export function usesPrim(root: Expr, p: Prim): boolean {
  return linearize([root]).nodes.some((n) => n.prim === p);
}

/** Builds a primitive node; the result dtype follows from the operands by the primitive table's rule. */
export function prim(p: TablePrim, ...args: Expr[]): Expr {
  // (cast and load have their own constructors: their dtype does not follow from the operands)
  const def = primDef(p);
  return new Expr(p, def.out ?? args[def.operand ?? 0].dtype, args);
}

export const cast = (x: Expr, dtype: DType) => (x.dtype === dtype ? x : new Expr('cast', dtype, [x]));

/**
 * Nodes in dependency order, each structurally distinct node once (common subexpressions merged).
 * `key` gives each node's structural key built from its children's positions, so the cost is linear.
 */
export function linearize(roots: readonly Expr[]): { nodes: Expr[]; slotOf: Map<Expr, number>; roots: number[] } {
  const nodes: Expr[] = [];
  const slotOf = new Map<Expr, number>();
  const byKey = new Map<string, number>();
  const visit = (e: Expr): number => {
    const seen = slotOf.get(e);
    if (seen !== undefined) return seen;
    const argSlots = e.args.map(visit);
    const key = `${e.prim}:${e.dtype}:${Object.is(e.value, -0) ? '-0' : e.value}(${argSlots.join(',')})`;
    let slot = byKey.get(key);
    if (slot === undefined) {
      slot = nodes.length;
      nodes.push(e);
      byKey.set(key, slot);
    }
    slotOf.set(e, slot);
    return slot;
  };
  const rootSlots = roots.map(visit);
  return { nodes, slotOf, roots: rootSlots };
}

/** `t0 = input0:float32; t1 = exp(t0); …` — readable, and the structural identity of the expression. */
export function exprToString(root: Expr): string {
  const { nodes, slotOf } = linearize([root]);
  return nodes
    .map((n, i) => {
      const rhs =
        n.prim === 'input' || n.prim === 'param' || n.prim === 'coord'
          ? `${n.prim}${n.value}`
          : n.prim === 'load'
            ? `load${n.value}[t${slotOf.get(n.args[0])}]`
          : n.prim === 'lit'
            ? String(Object.is(n.value, -0) ? '-0' : n.value)
            : n.prim === 'index'
              ? 'index'
              : `${n.prim}(${n.args.map((a) => `t${slotOf.get(a)}`).join(', ')})`;
      return `t${i}: ${n.dtype} = ${rhs}`;
    })
    .join('; ');
}

/**
 * Rebuilds an expression bottom-up, letting `leaf` replace leaves (and `load` nodes) — used by fusion to
 * inline a producer's expression and renumber inputs and params. Shared subexpressions stay shared.
 */
export function rewrite(root: Expr, leaf: (e: Expr, args: Expr[]) => Expr | undefined): Expr {
  const memo = new Map<Expr, Expr>();
  const visit = (e: Expr): Expr => {
    const seen = memo.get(e);
    if (seen) return seen;
    const args = e.args.map(visit);
    const r = leaf(e, args) ?? (args.every((a, i) => a === e.args[i]) ? e : new Expr(e.prim, e.dtype, args, e.value));
    memo.set(e, r);
    return r;
  };
  return visit(root);
}
