// Elementwise ops (derived from their definitions in engine/ops/elementwise.ts) and the two view ops,
// reshape and transpose, as registry definitions. Each elementwise op is one kernel in eager mode.
import { DTypeError, ShapeError } from '../core/errors';
import { checkInt, contiguousStrides, describe, fmtShape, shapesEqual, sizeOf } from '../core/shape';
import { Tensor } from '../core/tensor';
import { materialize, runElementwise, view } from '../eager/dispatch';
import { ELEMENTWISE, type ElementwiseDef, type ElementwiseOp } from '../ops/elementwise';
import { type OpSpec, type ParamSpec, opt, p } from '../ops/registry';
import { tensorArg as namedTensorArg } from './args';
import { family, type OpDef } from './define';

/** A tensor, or a bare number/boolean used as a scalar of the other operand's dtype. */
export type TensorLike = Tensor | number | boolean;

const OPERANDS: Record<1 | 2 | 3, readonly ParamSpec[]> = {
  1: [p('x', 'tensorLike')],
  2: [p('a', 'tensorLike'), p('b', 'tensorLike')],
  3: [p('condition', 'tensorLike'), p('a', 'tensorLike'), p('b', 'tensorLike')],
};

/** The public signature an elementwise definition implies: its operands, then its extra parameters. */
type ElementwiseFn<D> = D extends { extra: { attrs: (...values: infer P) => unknown } }
  ? (x: TensorLike, ...extra: P) => Tensor
  : D extends { arity: 1 }
    ? (x: TensorLike) => Tensor
    : D extends { arity: 2 }
      ? (a: TensorLike, b: TensorLike) => Tensor
      : (condition: TensorLike, a: TensorLike, b: TensorLike) => Tensor;

type Elementwise = typeof ELEMENTWISE;
type ElementwiseOpDef<K extends ElementwiseOp> = OpDef<ElementwiseFn<Elementwise[K]>> & {
  readonly family: 'elementwise';
  readonly method: Elementwise[K] extends { noMethod: true } ? false : true;
  readonly differentiable: Elementwise[K] extends { notDifferentiable: true } ? false : true;
};

function elementwiseDef(op: ElementwiseOp, def: ElementwiseDef<any>): OpDef & OpSpec {
  const arity = def.arity;
  const extra = def.extra;
  // One closure per arity, so a call allocates nothing beyond its operand list (the eager hot path).
  const impl = extra
    ? (x: TensorLike, ...values: unknown[]) => runElementwise(op, [x], extra.attrs(...values))
    : arity === 1
      ? (x: TensorLike) => runElementwise(op, [x])
      : arity === 2
        ? (a: TensorLike, b: TensorLike) => runElementwise(op, [a, b])
        : (c: TensorLike, a: TensorLike, b: TensorLike) => runElementwise(op, [c, a, b]);
  return {
    family: 'elementwise',
    doc: def.doc,
    params: [...(def.names?.map((n) => p(n, 'tensorLike')) ?? OPERANDS[arity]), ...(extra?.params ?? [])],
    returns: 'tensor',
    method: !def.noMethod,
    differentiable: !def.notDifferentiable,
    impl,
  };
}

/** Every elementwise op as a registry definition (its public function runs one kernel eagerly). */
export const ELEMENTWISE_DEFS = Object.fromEntries(
  Object.entries(ELEMENTWISE).map(([op, def]) => [op, elementwiseDef(op as ElementwiseOp, def)]),
) as { [K in ElementwiseOp]: ElementwiseOpDef<K> };

function tensorArg(x: unknown, op: string): Tensor {
  if (!(x instanceof Tensor)) throw new ShapeError(`${op}: expected a Tensor, got ${describe(x)}`, { op });
  x.assertUsable(op);
  return x;
}


function reshape$impl(x: Tensor, shape: number[]): Tensor {
  const t = tensorArg(x, 'reshape');
  if (!Array.isArray(shape)) throw new ShapeError(`reshape: shape must be an array, got ${describe(shape)}`, { op: 'reshape' });
  let inferAt = -1;
  shape.forEach((d, i) => {
    checkInt(d, 'reshape', `shape[${i}]`, -1);
    if (d === -1) {
      if (inferAt >= 0) throw new ShapeError(`reshape: only one dimension may be -1, got ${fmtShape(shape)}`, { op: 'reshape' });
      inferAt = i;
    }
  });
  const out = [...shape];
  if (inferAt >= 0) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || t.size % known !== 0) {
      throw new ShapeError(`reshape: cannot infer -1 in ${fmtShape(shape)} for ${t.size} elements (shape ${fmtShape(t.shape)})`, {
        op: 'reshape',
        shapes: [[...t.shape], shape],
      });
    }
    out[inferAt] = t.size / known;
  }
  if (sizeOf(out) !== t.size) {
    throw new ShapeError(`reshape: cannot reshape ${fmtShape(t.shape)} (${t.size} elements) into ${fmtShape(out)} (${sizeOf(out)} elements)`, {
      op: 'reshape',
      shapes: [[...t.shape], out],
    });
  }
  if (t.isContiguous) return view(t, out, contiguousStrides(out));
  // A strided view cannot be re-viewed in general: copy it once, then view the copy.
  const copy = materialize(t);
  const v = view(copy, out, contiguousStrides(out), 0);
  copy.dispose(); // the view keeps the storage alive
  return v;
}

function transpose$impl(x: Tensor, perm?: number[]): Tensor {
  const t = tensorArg(x, 'transpose');
  const r = t.rank;
  const p = perm ?? Array.from({ length: r }, (_, i) => r - 1 - i);
  const ok =
    Array.isArray(p) &&
    p.length === r &&
    p.every((d) => Number.isInteger(d) && d >= -r && d < r) &&
    new Set(p.map((d) => (d + r) % r)).size === r;
  if (!ok) {
    throw new ShapeError(`transpose: perm ${describe(p)} is not a permutation of the ${r} dimensions of ${fmtShape(t.shape)}`, {
      op: 'transpose',
      shapes: [[...t.shape]],
    });
  }
  const q = p.map((d) => (d + r) % r);
  return view(t, q.map((d) => t.shape[d]), q.map((d) => t.strides[d]));
}


/** x itself as a new tensor (a view): gradients do not flow through it. */
function stopGradient$impl(x: Tensor): Tensor {
  const t = namedTensorArg(x, 'stopGradient', 'x');
  return view(t, t.shape, t.strides);
}

/** reshape, transpose and stopGradient: views (no kernel when the input is contiguous). */
export const VIEW_DEFS = family('movement', {
  stopGradient: {
    doc: 'x unchanged, as a constant for gradients: nothing flows back through it (TensorFlow stop_gradient). A view.',
    params: [p('x', 'tensor')],
    returns: 'tensor',
    impl: stopGradient$impl,
  },
  reshape: {
    doc: 'New shape with the same elements; one dimension may be -1 (inferred). A view when x is contiguous.',
    params: [p('x', 'tensor'), p('shape', 'shape')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: reshape$impl,
  },
  transpose: {
    doc: 'Permutes dimensions (default: reverse them). Always a view.',
    params: [p('x', 'tensor'), opt('perm', 'ints')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: transpose$impl,
  },
});

/**
 * Σ of a list of tensors of one shape and dtype (TensorFlow.js's addN). Eagerly a chain of adds; in graph
 * mode fusion makes the chain one kernel.
 */
function addN$impl(tensors: Tensor[]): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new ShapeError(`addN: expects a non-empty array of tensors, got ${describe(tensors)}`, { op: 'addN' });
  }
  const ts = tensors.map((t, i) => namedTensorArg(t, 'addN', `tensors[${i}]`));
  const [first] = ts;
  const bad = ts.findIndex((t) => !shapesEqual(t.shape, first.shape) || t.dtype !== first.dtype);
  if (bad >= 0) {
    const Err = ts[bad].dtype !== first.dtype ? DTypeError : ShapeError;
    throw new Err(
      `addN: every tensor must have the shape and dtype of the first (${first.dtype} ${fmtShape(first.shape)}); ` +
        `tensors[${bad}] is ${ts[bad].dtype} ${fmtShape(ts[bad].shape)}`,
      { op: 'addN', shapes: ts.map((t) => [...t.shape]), dtypes: ts.map((t) => t.dtype) },
    );
  }
  if (ts.length === 1) return runElementwise('clone', [first]);
  let acc = runElementwise('add', [ts[0], ts[1]]);
  for (const t of ts.slice(2)) {
    const next = runElementwise('add', [acc, t]);
    acc.dispose();
    acc = next;
  }
  return acc;
}

/** Variadic elementwise ops (registry definitions). */
export const VARIADIC_DEFS = family('elementwise', {
  addN: {
    doc: 'Σ of a list of tensors of one shape and dtype (one fused kernel in graph mode).',
    params: [p('tensors', 'tensors')],
    returns: 'tensor',
    differentiable: true,
    impl: addN$impl,
  },
});
