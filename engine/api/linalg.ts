// Public linear algebra: matMul (batched, broadcasting, transposes), dot, outerProduct.
import { family } from './define';
import { opt, p } from '../ops/registry';
import { DTypeError, ShapeError } from '../core/errors';
import { fmtShape } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { runElementwise, view } from '../eager/dispatch';
import { runMatmul } from '../eager/dispatch_kernels';
import { tensorArg } from './args';

function matMul$impl(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  return runMatmul(tensorArg(a, 'matMul', 'a'), tensorArg(b, 'matMul', 'b'), transposeA, transposeB);
}
/** Alias of matMul. */


function dot$impl(t1: Tensor, t2: Tensor): Tensor {
  const a = tensorArg(t1, 'dot', 't1');
  const b = tensorArg(t2, 'dot', 't2');
  if (a.rank < 1 || a.rank > 2 || b.rank < 1 || b.rank > 2) {
    throw new ShapeError(`dot: operands must be vectors or matrices, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`, {
      op: 'dot',
      shapes: [[...a.shape], [...b.shape]],
    });
  }
  const ka = a.shape[a.rank - 1];
  const kb = b.shape[0];
  if (ka !== kb) {
    throw new ShapeError(`dot: inner dimensions differ: ${fmtShape(a.shape)} · ${fmtShape(b.shape)} (${ka} vs ${kb})`, {
      op: 'dot',
      shapes: [[...a.shape], [...b.shape]],
    });
  }
  const A = a.rank === 1 ? view(a, [1, ka], [0, a.strides[0]]) : a;
  const B = b.rank === 1 ? view(b, [kb, 1], [b.strides[0], 0]) : b;
  let out: Tensor;
  try {
    out = runMatmul(A, B, false, false, 'dot');
  } finally {
    if (A !== a) A.dispose();
    if (B !== b) B.dispose();
  }
  const shape = [...(a.rank === 2 ? [a.shape[0]] : []), ...(b.rank === 2 ? [b.shape[1]] : [])];
  if (shape.length === 2) return out;
  const v = view(out, shape, shape.length ? [1] : [], 0);
  out.dispose();
  return v;
}

function outerProduct$impl(v1: Tensor, v2: Tensor): Tensor {
  const a = tensorArg(v1, 'outerProduct', 'v1');
  const b = tensorArg(v2, 'outerProduct', 'v2');
  if (a.rank !== 1 || b.rank !== 1) {
    throw new ShapeError(`outerProduct: both operands must be vectors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`, {
      op: 'outerProduct',
      shapes: [[...a.shape], [...b.shape]],
    });
  }
  if (a.dtype === 'bool' || b.dtype === 'bool') {
    throw new DTypeError(`outerProduct does not accept bool operands (got ${a.dtype}, ${b.dtype})`, { op: 'outerProduct', dtypes: [a.dtype, b.dtype] });
  }
  const col = view(a, [a.shape[0], 1], [a.strides[0], 0]);
  const row = view(b, [1, b.shape[0]], [0, b.strides[0]]);
  try {
    return runElementwise('mul', [col, row]);
  } finally {
    col.dispose();
    row.dispose();
  }
}

/** Linear algebra (registry definitions). */
export const LINALG_DEFS = family('linalg', {
  matMul: {
    doc: 'Matrix product over the last two dimensions; batch dimensions broadcast; transposes are free (strides).',
    params: [p('a', 'tensor'), p('b', 'tensor'), opt('transposeA', 'bool'), opt('transposeB', 'bool')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    aliases: ['matmul'],
    impl: matMul$impl,
  },
  dot: {
    doc: 'Dot product of vectors, or matrix–vector / vector–matrix / matrix–matrix products (rank ≤ 2).',
    params: [p('t1', 'tensor'), p('t2', 'tensor')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: dot$impl,
  },
  outerProduct: {
    doc: 'v1[i] · v2[j] for two vectors (one elementwise kernel over broadcast views).',
    params: [p('v1', 'tensor'), p('v2', 'tensor')],
    returns: 'tensor',
    differentiable: true,
    impl: outerProduct$impl,
  },
});
