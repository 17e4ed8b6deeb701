// Public shape and movement ops. Views (no kernel, shared buffer): expandDims, squeeze, slice,
// stridedSlice, unstack, split, broadcastTo, reverse. Kernels: concat/stack (one copy per input into its
// slot of the output), gather and pad (one kernel with data-dependent loads), tile (one copy).
import { family } from './define';
import { opt, p } from '../ops/registry';
import { DTypeError, ShapeError } from '../core/errors';
import { checkInt, contiguousStrides, describe, fmtShape, normalizeAxes, normalizeAxis, sizeOf } from '../core/shape';
import { Tensor } from '../core/tensor';
import { allocate, checkFits, launch, materialize, view } from '../eager/dispatch';
import { placeOp } from '../eager/devices';
import { runtime } from '../eager/runtime';
import { runGenerator } from '../eager/dispatch';
import { type Expr, cast, coord, lit, load, prim } from '../ir/expr';
import { fillGen } from '../ops/creation';
import { tensorArg } from './args';
import { constantFromHost } from './creation';

const shapeErr = (op: string, msg: string, shapes: (readonly number[])[] = []) =>
  new ShapeError(`${op}: ${msg}`, { op, shapes: shapes.map((s) => [...s]) });

function expandDims$impl(x: Tensor, axis = 0): Tensor {
  const t = tensorArg(x, 'expandDims');
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -(t.rank + 1) || axis > t.rank) {
    throw shapeErr('expandDims', `axis ${describe(axis)} is out of range for a tensor of rank ${t.rank} (shape ${fmtShape(t.shape)}); expected an integer in [${-(t.rank + 1)}, ${t.rank}]`, [t.shape]);
  }
  const a = axis < 0 ? axis + t.rank + 1 : axis;
  const shape = [...t.shape];
  const strides = [...t.strides];
  shape.splice(a, 0, 1);
  strides.splice(a, 0, 0);
  return view(t, shape, strides);
}

function squeeze$impl(x: Tensor, axis?: number[] | number): Tensor {
  const t = tensorArg(x, 'squeeze');
  const axes = axis === undefined || axis === null ? t.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes(axis, t.rank, 'squeeze', t.shape);
  for (const a of axes) {
    if (t.shape[a] !== 1) throw shapeErr('squeeze', `cannot squeeze axis ${a} of shape ${fmtShape(t.shape)}: its size is ${t.shape[a]}, not 1`, [t.shape]);
  }
  const keep = t.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  return view(t, keep.map((i) => t.shape[i]), keep.map((i) => t.strides[i]));
}

function slice$impl(x: Tensor, begin: number | number[], size?: number | number[]): Tensor {
  const t = tensorArg(x, 'slice');
  const r = t.rank;
  // As TensorFlow.js: a number is the first dimension's entry, and the dimensions that begin/size leave out
  // are taken whole (begin 0, size -1); more entries than dimensions is an error.
  const bs = typeof begin === 'number' ? [begin] : begin;
  const ss = size === undefined || size === null ? [] : typeof size === 'number' ? [size] : size;
  if (!Array.isArray(bs) || bs.length > r || !Array.isArray(ss) || ss.length > r) {
    throw shapeErr('slice', `begin ${describe(begin)} and size ${describe(size)} must have at most one entry per dimension of ${fmtShape(t.shape)}`, [t.shape]);
  }
  const b = [...bs, ...new Array(r - bs.length).fill(0)];
  const s = [...ss, ...new Array(r - ss.length).fill(-1)];
  const start: number[] = [];
  const count: number[] = [];
  for (let d = 0; d < r; d++) {
    const n = t.shape[d];
    const b0 = checkInt(b[d], 'slice', `begin[${d}]`);
    const st = b0 < 0 ? b0 + n : b0;
    if (typeof s[d] !== 'number' || !Number.isInteger(s[d]) || s[d] < -1) {
      throw shapeErr('slice', `size[${d}] must be an integer >= -1 (−1: to the end), got ${describe(s[d])} for shape ${fmtShape(t.shape)}`, [t.shape]);
    }
    const sz = s[d];
    const c = sz === -1 ? n - st : sz;
    if (st < 0 || st > n || c < 0 || st + c > n) {
      throw shapeErr('slice', `begin ${fmtShape(b)} with size ${fmtShape(s)} is outside shape ${fmtShape(t.shape)} (dimension ${d}: [${st}, ${st + c}) of ${n})`, [t.shape]);
    }
    start.push(st);
    count.push(c);
  }
  const offset = t.offset + start.reduce((acc, st, d) => acc + st * t.strides[d], 0);
  return view(t, count, t.strides, offset);
}

function stridedSlice$impl(
  x: Tensor,
  begin: number[],
  end: number[],
  strides?: number[],
  beginMask = 0,
  endMask = 0,
  ellipsisMask = 0,
  newAxisMask = 0,
  shrinkAxisMask = 0,
): Tensor {
  const op = 'stridedSlice';
  const t = tensorArg(x, op);
  const r = t.rank;
  const st = strides ?? new Array(Array.isArray(begin) ? begin.length : 0).fill(1);
  if (!Array.isArray(begin) || !Array.isArray(end) || begin.length !== end.length || st.length !== begin.length) {
    throw shapeErr(op, `begin ${describe(begin)}, end ${describe(end)} and strides ${describe(st)} must have the same length`, [t.shape]);
  }
  // The spec entries, each one of: an input dimension (sliced, or removed by shrinkAxisMask), a new size-1
  // axis (newAxisMask), or the ellipsis (ellipsisMask: as many whole dimensions as the other entries leave;
  // only its first bit counts, and it wins over newAxisMask on the same entry). Without an ellipsis, the
  // dimensions after the entries are taken whole.
  const m = begin.length;
  const ell = ellipsisMask ? Math.min(m, Math.log2(ellipsisMask & -ellipsisMask)) : -1;
  if (ellipsisMask && (ellipsisMask & ~(1 << ell)) !== 0) throw shapeErr(op, `ellipsisMask ${ellipsisMask} has more than one bit set: at most one ellipsis`, [t.shape]);
  const isNew = (i: number) => i !== ell && (newAxisMask & (1 << i)) !== 0;
  let dimsUsed = 0;
  for (let i = 0; i < m; i++) if (i !== ell && !isNew(i)) dimsUsed++;
  if (dimsUsed > r) {
    throw shapeErr(op, `begin ${describe(begin)}, end ${describe(end)} and strides ${describe(st)} index ${dimsUsed} dimensions, more than the rank ${r}`, [t.shape]);
  }
  const shape: number[] = [];
  const outStrides: number[] = [];
  let offset = t.offset;
  let d = 0;
  const whole = () => {
    shape.push(t.shape[d]);
    outStrides.push(t.strides[d]);
    d++;
  };
  for (let i = 0; i < m; i++) {
    if (i === ell) {
      for (let k = 0; k < r - dimsUsed; k++) whole();
      continue;
    }
    if (isNew(i)) {
      shape.push(1);
      outStrides.push(0);
      continue;
    }
    const n = t.shape[d];
    const step = checkInt(st[i], op, `strides[${i}]`);
    if (step === 0) throw shapeErr(op, `strides[${i}] must not be 0`, [t.shape]);
    const bit = 1 << i;
    if (shrinkAxisMask & bit) {
      let j = checkInt(begin[i], op, `begin[${i}]`);
      if (j < 0) j += n;
      if (j < 0 || j >= n) throw shapeErr(op, `begin[${i}] = ${begin[i]} is outside dimension ${d} of size ${n} (shrinkAxisMask)`, [t.shape]);
      offset += j * t.strides[d];
      d++;
      continue;
    }
    // Clamp like Python slicing: forwards into [0, n], backwards into [-1, n-1].
    const clamp = (v: number) => (step > 0 ? Math.min(Math.max(v, 0), n) : Math.min(Math.max(v, -1), n - 1));
    const norm = (v: number) => (v < 0 ? v + n : v);
    const b0 = beginMask & bit ? (step > 0 ? 0 : n - 1) : clamp(norm(checkInt(begin[i], op, `begin[${i}]`)));
    const e0 = endMask & bit ? (step > 0 ? n : -1) : clamp(norm(checkInt(end[i], op, `end[${i}]`)));
    const count = step > 0 ? Math.max(0, Math.ceil((e0 - b0) / step)) : Math.max(0, Math.ceil((b0 - e0) / -step));
    shape.push(count);
    outStrides.push(t.strides[d] * step);
    if (count > 0) offset += b0 * t.strides[d];
    d++;
  }
  while (d < r) whole();
  return view(t, shape, outStrides, offset);
}

function concat$impl(tensors: Tensor[], axis = 0): Tensor {
  const op = 'concat';
  if (!Array.isArray(tensors) || tensors.length === 0) throw shapeErr(op, 'expects a non-empty array of tensors');
  const ts = tensors.map((t, i) => tensorArg(t, op, `tensors[${i}]`));
  const first = ts[0];
  if (first.rank === 0) throw shapeErr(op, 'cannot concatenate scalars; use wg.stack', [first.shape]);
  const a = normalizeAxis(axis, first.rank, op, first.shape);
  ts.forEach((t, i) => {
    if (t.dtype !== first.dtype) {
      throw new DTypeError(`${op}: tensors[${i}] has dtype ${t.dtype} but tensors[0] has ${first.dtype}`, { op, dtypes: [first.dtype, t.dtype] });
    }
    if (t.rank !== first.rank || t.shape.some((d, k) => k !== a && d !== first.shape[k])) {
      throw shapeErr(op, `tensors[${i}] has shape ${fmtShape(t.shape)}, incompatible with tensors[0] ${fmtShape(first.shape)} along axes other than ${a}`, [first.shape, t.shape]);
    }
  });
  const outShape = [...first.shape];
  outShape[a] = ts.reduce((s, t) => s + t.shape[a], 0);
  const device = placeOp(op, ts, outShape);
  const backend = runtime.backend(device, op);
  const out = new Tensor(outShape, first.dtype, allocate(backend, op, outShape, first.dtype), device);
  const outStrides = contiguousStrides(outShape);
  let at = 0;
  for (const t of ts) {
    if (t.size > 0) {
      launch({
        op, device, tensors: [t], outShape: t.shape, outDtype: t.dtype,
        build: ([v]) => v,
        into: { tensor: out, offset: at * outStrides[a], strides: outStrides },
      });
    }
    at += t.shape[a];
  }
  return out;
}

function stack$impl(tensors: Tensor[], axis = 0): Tensor {
  const op = 'stack';
  if (!Array.isArray(tensors) || tensors.length === 0) throw shapeErr(op, 'expects a non-empty array of tensors');
  const ts = tensors.map((t, i) => tensorArg(t, op, `tensors[${i}]`));
  ts.forEach((t, i) => {
    if (t.dtype !== ts[0].dtype) {
      throw new DTypeError(`${op}: tensors[${i}] has dtype ${t.dtype} but tensors[0] has ${ts[0].dtype}`, { op, dtypes: [ts[0].dtype, t.dtype] });
    }
    if (t.rank !== ts[0].rank || t.shape.some((d, k) => d !== ts[0].shape[k])) {
      throw shapeErr(op, `tensors[${i}] has shape ${fmtShape(t.shape)} but tensors[0] has ${fmtShape(ts[0].shape)}`, [ts[0].shape, t.shape]);
    }
  });
  const a = normalizeAxis(axis, ts[0].rank + 1, op, ts[0].shape);
  const expanded = ts.map((t) => expandDims$impl(t, a));
  try {
    return concat$impl(expanded, a);
  } finally {
    expanded.forEach((e) => e.dispose());
  }
}

function unstack$impl(x: Tensor, axis = 0): Tensor[] {
  const t = tensorArg(x, 'unstack');
  if (t.rank === 0) throw shapeErr('unstack', 'cannot unstack a scalar', [t.shape]);
  const a = normalizeAxis(axis, t.rank, 'unstack', t.shape);
  const shape = t.shape.filter((_, i) => i !== a);
  const strides = t.strides.filter((_, i) => i !== a);
  return Array.from({ length: t.shape[a] }, (_, i) => view(t, shape, strides, t.offset + i * t.strides[a]));
}

function split$impl(x: Tensor, numOrSizeSplits: number | number[], axis = 0): Tensor[] {
  const op = 'split';
  const t = tensorArg(x, op);
  const a = normalizeAxis(axis, t.rank, op, t.shape);
  const n = t.shape[a];
  let sizes: number[];
  if (typeof numOrSizeSplits === 'number') {
    const k = checkInt(numOrSizeSplits, op, 'numOrSizeSplits', 1);
    if (n % k !== 0) throw shapeErr(op, `dimension ${a} of shape ${fmtShape(t.shape)} (size ${n}) is not divisible into ${k} equal parts`, [t.shape]);
    sizes = new Array(k).fill(n / k);
  } else if (Array.isArray(numOrSizeSplits)) {
    sizes = numOrSizeSplits.map((s, i) => checkInt(s, op, `numOrSizeSplits[${i}]`, -1));
    const free = sizes.filter((s) => s === -1).length;
    if (free > 1) throw shapeErr(op, `only one size may be -1, got ${fmtShape(sizes)}`, [t.shape]);
    const known = sizes.reduce((p, s) => p + (s === -1 ? 0 : s), 0);
    if (free === 1) {
      if (known > n) throw shapeErr(op, `sizes ${fmtShape(sizes)} exceed dimension ${a} of size ${n}`, [t.shape]);
      sizes = sizes.map((s) => (s === -1 ? n - known : s));
    } else if (known !== n) {
      throw shapeErr(op, `sizes ${fmtShape(sizes)} add up to ${known}, but dimension ${a} of shape ${fmtShape(t.shape)} has size ${n}`, [t.shape]);
    }
  } else {
    throw shapeErr(op, `numOrSizeSplits must be a number or an array of sizes, got ${describe(numOrSizeSplits)}`);
  }
  let at = 0;
  return sizes.map((s) => {
    const shape = [...t.shape];
    shape[a] = s;
    const v = view(t, shape, t.strides, t.offset + (s > 0 ? at * t.strides[a] : 0));
    at += s;
    return v;
  });
}

function broadcastTo$impl(x: Tensor, shape: number[]): Tensor {
  const op = 'broadcastTo';
  const t = tensorArg(x, op);
  if (!Array.isArray(shape) || shape.length < t.rank) {
    throw shapeErr(op, `cannot broadcast ${fmtShape(t.shape)} to ${describe(shape)}: the target needs rank ≥ ${t.rank}`, [t.shape]);
  }
  shape.forEach((d, i) => checkInt(d, op, `shape[${i}]`, 0));
  const lead = shape.length - t.rank;
  const strides = shape.map((d, i) => {
    if (i < lead) return 0;
    const s = t.shape[i - lead];
    if (s === d) return t.strides[i - lead];
    if (s === 1) return 0;
    throw shapeErr(op, `cannot broadcast ${fmtShape(t.shape)} to ${fmtShape(shape)} (dimension ${i}: ${s} vs ${d})`, [t.shape, shape]);
  });
  return view(t, shape, strides);
}

function reverse$impl(x: Tensor, axis?: number | number[]): Tensor {
  const t = tensorArg(x, 'reverse');
  const axes = normalizeAxes(axis, t.rank, 'reverse', t.shape);
  let offset = t.offset;
  const strides = [...t.strides];
  for (const a of axes) {
    if (t.shape[a] === 0) continue;
    offset += (t.shape[a] - 1) * t.strides[a];
    strides[a] = -t.strides[a];
  }
  return view(t, t.shape, strides, offset);
}
/** NumPy's name for reverse. */


function tile$impl(x: Tensor, reps: number[]): Tensor {
  const op = 'tile';
  const t = tensorArg(x, op);
  if (!Array.isArray(reps) || reps.length !== t.rank) {
    throw shapeErr(op, `reps ${describe(reps)} must have one entry per dimension of ${fmtShape(t.shape)}`, [t.shape]);
  }
  reps.forEach((r, i) => checkInt(r, op, `reps[${i}]`, 0));
  checkFits(runtime.backend(t.device, op), op, t.shape.map((d, i) => d * reps[i]), t.dtype);
  // View [r0, d0, r1, d1, …] with stride 0 on the repeat dims, copied, then reshaped to [r0·d0, r1·d1, …].
  const shape = t.shape.flatMap((d, i) => [reps[i], d]);
  const strides = t.strides.flatMap((s) => [0, s]);
  const v = view(t, shape, strides);
  let copy: Tensor;
  try {
    copy = materialize(v, op);
  } finally {
    v.dispose();
  }
  const outShape = t.shape.map((d, i) => d * reps[i]);
  const out = view(copy, outShape, contiguousStrides(outShape), 0);
  copy.dispose();
  return out;
}

function pad$impl(x: Tensor, paddings: [number, number][], constantValue = 0): Tensor {
  const op = 'pad';
  const t = tensorArg(x, op);
  if (!Array.isArray(paddings) || paddings.length !== t.rank || paddings.some((p) => !Array.isArray(p) || p.length !== 2)) {
    throw shapeErr(op, `paddings ${describe(paddings)} must be one [before, after] pair per dimension of ${fmtShape(t.shape)}`, [t.shape]);
  }
  paddings.forEach(([b, e], d) => {
    checkInt(b, op, `paddings[${d}][0]`, 0);
    checkInt(e, op, `paddings[${d}][1]`, 0);
  });
  if (typeof constantValue !== 'number' && typeof constantValue !== 'boolean') {
    throw new DTypeError(`${op}: constantValue must be a number, got ${describe(constantValue)}`, { op });
  }
  const outShape = t.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  if (t.size === 0) return runGenerator(fillGen(Number(constantValue), t.dtype), outShape, t.device, op);
  if (t.rank === 0) return materialize(t);
  return launch({
    op, device: t.device, tensors: [t], loaded: [true], outShape, outDtype: t.dtype,
    build: (_leaves, p) => {
      let inside: Expr | undefined;
      let addr: Expr = p(t.offset, 'int32');
      t.shape.forEach((n, d) => {
        const c = prim('sub', coord(d), p(paddings[d][0], 'int32'));
        // 0 <= c < n, as one unsigned comparison.
        const ok = prim('lt', cast(c, 'uint32'), p(n, 'uint32'));
        inside = inside ? prim('and', inside, ok) : ok;
        addr = prim('add', addr, prim('mul', c, p(t.strides[d], 'int32')));
      });
      const safe = prim('where', inside!, addr, lit(0, 'int32'));
      return prim('where', inside!, load(0, t.dtype, safe), p(Number(constantValue), t.dtype));
    },
  });
}

function gather$impl(x: Tensor, indices: Tensor | number[], axis = 0, batchDims = 0): Tensor {
  const op = 'gather';
  const t = tensorArg(x, op);
  const ownIdx = Array.isArray(indices);
  if (ownIdx) {
    // Check host indices before uploading anything.
    if (t.rank === 0) throw shapeErr(op, 'cannot gather from a scalar', [t.shape]);
    const n = t.shape[normalizeAxis(axis, t.rank, op, t.shape)];
    const flat = (indices as unknown[]).flat(Infinity as 1) as unknown[];
    flat.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= n) {
        throw shapeErr(op, `index ${describe(v)} (at flat position ${i}) is out of range for axis ${axis} of shape ${fmtShape(t.shape)} (size ${n})`, [t.shape]);
      }
    });
  }
  const idx = ownIdx ? constantFromHost(op, indices, 'int32', t.device) : tensorArg(indices, op, 'indices');
  try {
    if (idx.dtype !== 'int32' && idx.dtype !== 'uint32') {
      throw new DTypeError(`${op}: indices must be int32, got ${idx.dtype}`, { op, dtypes: [t.dtype, idx.dtype] });
    }
    if (t.rank === 0) throw shapeErr(op, 'cannot gather from a scalar', [t.shape]);
    const a = normalizeAxis(axis, t.rank, op, t.shape);
    // batchDims: the first b dimensions of x and indices are shared (one gather per batch entry).
    const b0 = checkInt(batchDims, op, 'batchDims');
    const b = b0 < 0 ? b0 + idx.rank : b0;
    if (b < 0 || b > idx.rank || b > a) {
      throw shapeErr(op, `batchDims ${b0} must be in [${-idx.rank}, ${idx.rank}] (the rank of indices ${fmtShape(idx.shape)}) and at most axis ${a}`, [t.shape, idx.shape]);
    }
    for (let d = 0; d < b; d++) {
      if (t.shape[d] !== idx.shape[d]) {
        throw shapeErr(op, `with batchDims ${b}, x ${fmtShape(t.shape)} and indices ${fmtShape(idx.shape)} must agree on their first ${b} dimensions (dimension ${d}: ${t.shape[d]} vs ${idx.shape[d]})`, [t.shape, idx.shape]);
      }
    }
    const n = t.shape[a];
    const host = idx.hostValues;
    if (host) {
      for (let i = 0; i < host.length; i++) {
        if (host[i] < 0 || host[i] >= n) {
          throw shapeErr(op, `index ${host[i]} (at flat position ${i}) is out of range for axis ${a} of shape ${fmtShape(t.shape)} (size ${n})`, [t.shape, idx.shape]);
        }
      }
    }
    const ir = idx.rank - b;
    const outShape = [...t.shape.slice(0, a), ...idx.shape.slice(b), ...t.shape.slice(a + 1)];
    if (sizeOf(outShape) > 0 && n === 0) throw shapeErr(op, `axis ${a} of shape ${fmtShape(t.shape)} is empty: there is nothing to gather`, [t.shape]);
    // The indices, read at each output element's position: their dims sit at [a, a + ir).
    // (with batchDims, the batch dims at [0, b) too)
    const idxStrides = outShape.map((_, d) => (d < b ? idx.strides[d] : d >= a && d < a + ir ? idx.strides[d - a + b] : 0));
    const idxView = view(idx, outShape, idxStrides);
    try {
      return launch({
        op, tensors: [t, idxView], loaded: [true, false], outShape, outDtype: t.dtype,
        build: ([, iv], p) => {
          const i = prim('min', prim('max', cast(iv, 'int32'), lit(0, 'int32')), p(n - 1, 'int32'));
          let addr: Expr = prim('add', p(t.offset, 'int32'), prim('mul', i, p(t.strides[a], 'int32')));
          t.shape.forEach((_, d) => {
            if (d === a) return;
            const od = d < a ? d : d + ir - 1;
            addr = prim('add', addr, prim('mul', coord(od), p(t.strides[d], 'int32')));
          });
          return load(0, t.dtype, addr);
        },
      });
    } finally {
      idxView.dispose();
    }
  } finally {
    if (ownIdx) idx.dispose();
  }
}

/** Shape and movement ops (registry definitions); most are views. */
export const MOVEMENT_DEFS = family('movement', {
  expandDims: {
    doc: 'Inserts a size-1 dimension at `axis` (negative counts from the end: -1 appends).',
    params: [p('x', 'tensor'), opt('axis', 'int')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: expandDims$impl,
  },
  squeeze: {
    doc: 'Removes size-1 dimensions (all of them, or those in `axis`, which must have size 1).',
    params: [p('x', 'tensor'), opt('axis', 'intOrInts')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: squeeze$impl,
  },
  slice: {
    doc: 'A box of `size` elements from `begin` (a view); negative begin counts from the end, size -1 takes the rest.',
    params: [p('x', 'tensor'), p('begin', 'intOrInts'), opt('size', 'intOrInts')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: slice$impl,
  },
  stridedSlice: {
    doc: "TensorFlow's strided slice (begin/end/strides, beginMask/endMask/ellipsisMask/newAxisMask/shrinkAxisMask): a view.",
    params: [
      p('x', 'tensor'), p('begin', 'ints'), p('end', 'ints'), opt('strides', 'ints'), opt('beginMask', 'int'),
      opt('endMask', 'int'), opt('ellipsisMask', 'int'), opt('newAxisMask', 'int'), opt('shrinkAxisMask', 'int'),
    ],
    returns: 'tensor',
    differentiable: true,
    impl: stridedSlice$impl,
  },
  concat: {
    doc: 'Same-rank tensors joined along `axis`: one copy kernel per non-empty input, into its slot.',
    params: [p('tensors', 'tensors'), opt('axis', 'int')],
    returns: 'tensor',
    differentiable: true,
    impl: concat$impl,
  },
  stack: {
    doc: 'Tensors of equal shape stacked along a new `axis`.',
    params: [p('tensors', 'tensors'), opt('axis', 'int')],
    returns: 'tensor',
    differentiable: true,
    impl: stack$impl,
  },
  unstack: {
    doc: 'Views of the slices along `axis`, that dimension removed.',
    params: [p('x', 'tensor'), opt('axis', 'int')],
    returns: 'tensors',
    method: true,
    differentiable: true,
    impl: unstack$impl,
  },
  split: {
    doc: 'Views splitting `axis` into equal parts, or into parts of the given sizes (one may be -1: the rest).',
    params: [p('x', 'tensor'), p('numOrSizeSplits', 'intOrInts'), opt('axis', 'int')],
    returns: 'tensors',
    method: true,
    differentiable: true,
    impl: split$impl,
  },
  broadcastTo: {
    doc: 'Broadcasts to `shape` (a view with stride 0 on the broadcast dimensions).',
    params: [p('x', 'tensor'), p('shape', 'shape')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: broadcastTo$impl,
  },
  reverse: {
    doc: 'Reverses the order along `axis` (all axes by default): a view with negative strides.',
    params: [p('x', 'tensor'), opt('axis', 'intOrInts')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    aliases: ['flip'],
    impl: reverse$impl,
  },
  tile: {
    doc: 'Repeats the tensor reps[d] times along each dimension (one copy kernel through a broadcast view).',
    params: [p('x', 'tensor'), p('reps', 'ints')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: tile$impl,
  },
  pad: {
    doc: 'Pads with `constantValue`: paddings[d] = [before, after] elements. One kernel.',
    params: [p('x', 'tensor'), p('paddings', 'paddings'), opt('constantValue', 'number')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: pad$impl,
  },
  gather: {
    doc: 'Slices of x along `axis` at `indices` (int32; the first `batchDims` dimensions shared): host indices are range-checked, device indices clamped.',
    params: [p('x', 'tensor'), p('indices', 'indices'), opt('axis', 'int'), opt('batchDims', 'int')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: gather$impl,
  },
});
