// Public einsum (issue 18), lowered onto the existing kernels:
//   1. an index repeated inside one operand ('ii', 'bii->bi') is a diagonal view (the strides of its positions
//      added), no kernel;
//   2. an index that only one operand has and the output lacks is summed out there (one reduction);
//   3. with two operands, the shared indices are batch (in the output) or contracted (not), the rest are free;
//      each operand becomes a transposed view [batch…, free…, contracted…] (resp. [batch…, contracted…, free…])
//      whose free and contracted groups merge into one dimension each (a view when the strides allow it, else
//      one copy), and one batched matMul computes [batch…, M, N];
//   4. the result is read back as [batch…, freeA…, freeB…] and transposed to the output's order (a view).
// So 'ij,jk->ik' is one matMul, 'ii->' one reduction over a diagonal view, 'ij->ji' a view.
import { family } from './define';
import { opt, p, rest } from '../ops/registry';
import { DTypeError, ShapeError } from '../core/errors';
import { contiguousStrides, describe, fmtShape } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { launch, materialize, view } from '../eager/dispatch';
import { type Expr, cast, coord, lit, load, prim } from '../ir/expr';
import { runMatmul, runReduce } from '../eager/dispatch_kernels';
import { tensorArg } from './args';

const OP = 'einsum';

interface Operand {
  t: Tensor;
  /** One letter per dimension of t, all different (after the diagonal step). */
  idx: string[];
}

function parse(equation: unknown, ts: Tensor[]): { inputs: string[][]; output: string[]; sizes: Map<string, number> } {
  const shapes = ts.map((t) => [...t.shape]);
  const where = () => `equation '${equation}', operand shapes ${shapes.map(fmtShape).join(', ') || '(none)'}`;
  const fail = (msg: string) => new ShapeError(`${OP}: ${msg} (${where()})`, { op: OP, shapes });
  if (typeof equation !== 'string') throw new ShapeError(`${OP}: the equation must be a string such as 'ij,jk->ik', got ${describe(equation)}`, { op: OP, shapes });
  const eq = equation.replace(/\s+/g, '');
  if (eq.includes('...') || eq.includes('.')) throw fail('ellipses (...) are not supported: name every dimension with a letter');
  const arrows = eq.split('->').length - 1;
  if (arrows > 1) throw fail("the equation has more than one '->'");
  const [lhs, rhs] = arrows === 1 ? eq.split('->') : [eq, undefined];
  const bad = /[^a-zA-Z,]/.exec(lhs) ?? (rhs !== undefined ? /[^a-zA-Z]/.exec(rhs) : null);
  if (bad) throw fail(`the character ${JSON.stringify(bad[0])} is not allowed: indices are letters a-z, A-Z, operands are separated by ',' and the output follows '->'`);
  const terms = lhs.split(',');
  if (terms.length !== ts.length) {
    throw fail(`the equation has ${terms.length} operand${terms.length === 1 ? '' : 's'} (${terms.map((s) => `'${s}'`).join(', ')}) but ${ts.length} tensor${ts.length === 1 ? ' was' : 's were'} given`);
  }
  if (ts.length > 2) throw fail(`at most two operands are supported, got ${ts.length}: contract them in pairs`);
  const sizes = new Map<string, number>();
  const first = new Map<string, string>();
  terms.forEach((term, i) => {
    const t = ts[i];
    if (term.length !== t.rank) {
      throw fail(`operand ${i} ('${term}') has ${term.length} ${term.length === 1 ? 'index' : 'indices'} but its tensor ${fmtShape(t.shape)} has rank ${t.rank}`);
    }
    [...term].forEach((c, d) => {
      const n = t.shape[d];
      const seen = sizes.get(c);
      if (seen === undefined) {
        sizes.set(c, n);
        first.set(c, `dimension ${d} of operand ${i}`);
      } else if (seen !== n) {
        throw fail(`index '${c}' has size ${seen} (${first.get(c)}) but size ${n} in dimension ${d} of operand ${i} ${fmtShape(t.shape)}`);
      }
    });
  });
  let output: string[];
  if (rhs === undefined) {
    // NumPy's implicit output: the indices that appear once, in alphabetical order.
    const count = new Map<string, number>();
    for (const c of lhs.replace(/,/g, '')) count.set(c, (count.get(c) ?? 0) + 1);
    output = [...count.keys()].filter((c) => count.get(c) === 1).sort();
  } else {
    output = [...rhs];
    output.forEach((c, i) => {
      if (!sizes.has(c)) throw fail(`the output index '${c}' appears in no operand`);
      if (output.indexOf(c) !== i) throw fail(`the output index '${c}' appears more than once`);
    });
  }
  return { inputs: terms.map((s) => [...s]), output, sizes };
}

/** A view with one dimension per distinct letter: repeated letters take the diagonal (their strides add). */
function diagonal(t: Tensor, idx: string[]): Operand {
  const letters = [...new Set(idx)];
  if (letters.length === idx.length) return { t, idx };
  const shape = letters.map((c) => t.shape[idx.indexOf(c)]);
  const strides = letters.map((c) => idx.reduce((s, d, i) => (d === c ? s + t.strides[i] : s), 0));
  return { t: view(t, shape, strides), idx: letters };
}

/** Sums out `drop` letters of an operand (one reduction), keeping the other letters in order. */
function sumOut(o: Operand, drop: Set<string>): Operand {
  const axes = o.idx.flatMap((c, i) => (drop.has(c) ? [i] : []));
  if (axes.length === 0) return o;
  return { t: runReduce('sum', o.t, axes), idx: o.idx.filter((c) => !drop.has(c)) };
}

/**
 * A view of t with its dimensions taken in `order` (letters) and the consecutive groups of `groups` merged
 * into one dimension each; null when the strides do not allow a merge (the caller copies first). A group of
 * no letters is a dimension of size 1.
 */
function grouped(o: Operand, groups: string[][], keep: string[]): Tensor | null {
  const shape: number[] = [];
  const strides: number[] = [];
  const dim = (c: string) => o.idx.indexOf(c);
  for (const c of keep) {
    shape.push(o.t.shape[dim(c)]);
    strides.push(o.t.strides[dim(c)]);
  }
  for (const g of groups) {
    // Size-1 dimensions do not constrain the merge; the innermost of the others sets the stride.
    const ds = g.map(dim).filter((d) => o.t.shape[d] !== 1);
    let n = 1;
    for (const d of g.map(dim)) n *= o.t.shape[d];
    let stride = ds.length ? o.t.strides[ds[ds.length - 1]] : 0;
    for (let k = ds.length - 1; k > 0; k--) {
      if (o.t.strides[ds[k - 1]] !== o.t.strides[ds[k]] * o.t.shape[ds[k]]) return null;
    }
    if (n === 0) stride = 0;
    shape.push(n);
    strides.push(stride);
  }
  return view(o.t, shape, strides);
}

/** grouped(), copying the operand (permuted to the group order) when its strides do not merge. */
function matrixView(o: Operand, keep: string[], groups: string[][], temps: Tensor[]): Tensor {
  const v = grouped(o, groups, keep);
  if (v) return temps.push(v), v;
  const order = [...keep, ...groups.flat()];
  const perm = view(o.t, order.map((c) => o.t.shape[o.idx.indexOf(c)]), order.map((c) => o.t.strides[o.idx.indexOf(c)]));
  temps.push(perm);
  const copy = materialize(perm, OP);
  temps.push(copy);
  const w = grouped({ t: copy, idx: order }, groups, keep)!;
  temps.push(w);
  return w;
}

/** The result with letters `idx` (contiguous or a view) transposed to the output order (a view). */
function toOutput(t: Tensor, idx: string[], output: string[]): Tensor {
  if (idx.every((c, i) => output[i] === c)) return t;
  const out = view(t, output.map((c) => t.shape[idx.indexOf(c)]), output.map((c) => t.strides[idx.indexOf(c)]));
  t.dispose();
  return out;
}

function einsum$impl(equation: string, ...tensors: Tensor[]): Tensor {
  const ts = tensors.map((x, i) => tensorArg(x, OP, `tensors[${i}]`));
  const { inputs, output, sizes } = parse(equation, ts);
  if (ts.length === 0) throw new ShapeError(`${OP}: needs one or two tensors after the equation '${equation}'`, { op: OP });
  const bools = ts.filter((t) => t.dtype === 'bool');
  if (bools.length) {
    throw new DTypeError(`${OP}: bool operands are not supported (equation '${equation}', dtypes ${ts.map((t) => t.dtype).join(', ')}): cast them first`, {
      op: OP, dtypes: ts.map((t) => t.dtype), shapes: ts.map((t) => [...t.shape]),
    });
  }
  const outSet = new Set(output);
  const temps: Tensor[] = [];
  const own = (t: Tensor, src: Tensor) => {
    if (t !== src) temps.push(t);
    return t;
  };
  try {
    const ops = ts.map((t, i) => {
      const d = diagonal(t, inputs[i]);
      own(d.t, t);
      return d;
    });
    // Letters only one operand has and the output lacks are summed out there.
    const reduced = ops.map((o, i) => {
      const others = new Set(ops.filter((_, j) => j !== i).flatMap((q) => q.idx));
      const r = sumOut(o, new Set(o.idx.filter((c) => !outSet.has(c) && !others.has(c))));
      own(r.t, o.t);
      return r;
    });
    if (reduced.length === 1) {
      const [r] = reduced;
      // A tensor of its own (sharing storage with the input or the reduction, which are released below).
      const res = view(r.t, r.t.shape, r.t.strides);
      return toOutput(res, r.idx, output);
    }
    const [a, b] = reduced;
    const inB = new Set(b.idx);
    const batch = a.idx.filter((c) => inB.has(c) && outSet.has(c));
    const contracted = a.idx.filter((c) => inB.has(c) && !outSet.has(c));
    const freeA = a.idx.filter((c) => !inB.has(c));
    const freeB = b.idx.filter((c) => !a.idx.includes(c));
    const A = matrixView(a, batch, [freeA, contracted], temps);
    const B = matrixView(b, batch, [contracted, freeB], temps);
    const prod = runMatmul(A, B, false, false, OP);
    const idx = [...batch, ...freeA, ...freeB];
    const shape = idx.map((c) => sizes.get(c)!);
    const unfolded = view(prod, shape, contiguousStrides(shape), 0);
    prod.dispose();
    return toOutput(unfolded, idx, output);
  } finally {
    temps.forEach((t) => t.dispose());
  }
}

// ---------------------------------------------------------------------------------------------------------
// localResponseNormalization (TensorFlow): over the last axis of a rank-3 or rank-4 (NHWC) input,
//   sqrSum[…, d] = Σ_{k = d − r … d + r, 0 ≤ k < C} x[…, k]²,  out = x · (bias + alpha · sqrSum)^(−beta).
// One kernel: each output reads its 2r + 1 channel neighbours through loads (offsets past the depth are
// left out: at most 2·min(r, C − 1) + 1 taps), then applies the formula.
// ---------------------------------------------------------------------------------------------------------

function localResponseNormalization$impl(x: Tensor, depthRadius = 5, bias = 1, alpha = 1, beta = 0.5): Tensor {
  const op = 'localResponseNormalization';
  const t = tensorArg(x, op);
  const shapes = [[...t.shape]];
  if (t.rank !== 3 && t.rank !== 4) {
    throw new ShapeError(`${op}: x must be rank 4 ([batch, height, width, depth]) or rank 3, got rank ${t.rank} (shape ${fmtShape(t.shape)})`, { op, shapes });
  }
  if (t.dtype === 'bool') throw new DTypeError(`${op}: x must be numeric (float32), got bool (shape ${fmtShape(t.shape)})`, { op, dtypes: [t.dtype], shapes });
  if (typeof depthRadius !== 'number' || !Number.isInteger(depthRadius) || depthRadius < 0) {
    throw new ShapeError(`${op}: depthRadius must be an integer ≥ 0, got ${describe(depthRadius)} (x ${fmtShape(t.shape)})`, { op, shapes });
  }
  for (const [name, v] of [['bias', bias], ['alpha', alpha], ['beta', beta]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ShapeError(`${op}: ${name} must be a finite number, got ${describe(v)} (x ${fmtShape(t.shape)})`, { op, shapes });
  }
  const last = t.rank - 1;
  const C = t.shape[last];
  const R = Math.min(depthRadius, Math.max(C - 1, 0));
  return launch({
    op, device: t.device, tensors: [t], loaded: [true], outShape: t.shape, outDtype: 'float32',
    build: (_leaves, param) => {
      let base: Expr = param(t.offset, 'int32');
      for (let d = 0; d < last; d++) base = prim('add', base, prim('mul', coord(d), param(t.strides[d], 'int32')));
      const cs = param(t.strides[last], 'int32');
      const at = (ch: Expr) => cast(load(0, t.dtype, prim('add', base, prim('mul', ch, cs))), 'float32');
      const center = at(coord(last));
      let sum: Expr | undefined;
      for (let k = -R; k <= R; k++) {
        let v: Expr;
        if (k === 0) v = center;
        else {
          const ch = prim('add', coord(last), lit(k, 'int32'));
          // 0 <= ch < C as one unsigned comparison; the load reads channel 0 where it is outside.
          const ok = prim('lt', cast(ch, 'uint32'), param(C, 'uint32'));
          v = prim('where', ok, at(prim('where', ok, ch, lit(0, 'int32'))), lit(0, 'float32'));
        }
        const sq = prim('mul', v, v);
        sum = sum ? prim('add', sum, sq) : sq;
      }
      const denom = prim('add', param(bias, 'float32'), prim('mul', param(alpha, 'float32'), sum!));
      return prim('mul', center, prim('pow', denom, param(-beta, 'float32')));
    },
  });
}

/** localResponseNormalization (registry definition). */
export const LRN_DEFS = family('nn', {
  localResponseNormalization: {
    doc: "Local response normalisation over the last axis (TensorFlow's): x · (bias + alpha · Σ x² over the 2·depthRadius + 1 neighbouring channels)^(−beta), for rank-4 NHWC (or rank-3) x. One kernel.",
    params: [p('x', 'tensor'), opt('depthRadius', 'int'), opt('bias', 'number'), opt('alpha', 'number'), opt('beta', 'number')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: localResponseNormalization$impl,
  },
});

/** einsum (registry definition), and localResponseNormalization (nn). */
export const EINSUM_DEFS = {
  ...LRN_DEFS,
  ...family('linalg', {
    einsum: {
      doc: "Einstein summation over one or two tensors ('ij,jk->ik', 'bij,bjk->bik', 'ii->', 'ij->ji', 'i,j->ij'): repeated indices in an operand take its diagonal, indices missing from the output are summed; lowered onto views, reductions and one batched matMul.",
      params: [p('equation', 'equation'), rest('tensors', 'tensor')],
      returns: 'tensor',
      differentiable: true,
      impl: einsum$impl,
    },
  }),
};
