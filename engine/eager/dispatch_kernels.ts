// Eager dispatch of the non-elementwise kernel families (reduce, matmul, scan), and of hand-built
// elementwise expressions used by composite ops (softmax, layerNorm, gather, pad…).
import { type DType, promoteTypes } from '../core/dtype';
import { DTypeError, ShapeError } from '../core/errors';
import { broadcastShapes, broadcastStrides, fmtShape, sizeOf } from '../core/shape';
import { type DeviceName, Tensor } from '../core/tensor';
import { type Expr, cast, input, param } from '../ir/expr';
import { fillGen } from '../ops/creation';
import type { Launch, MatmulGeometry, MatmulKernel, ReduceKernel, ScanKernel } from '../ir/kernel';
import { REDUCE, type ReduceDef, type ReduceOpName, reduceEpilogueInput, reducePrologue } from '../ops/reduce';
import { type AddParam, allocate, internKernel, launch, runElementwise, runGenerator, runOrDispose } from './dispatch';
import { withPlaced } from './devices';
import { runtime } from './runtime';

/** Reduces `axes` (already normalised: sorted, unique, in range) of x; the result has the kept dims. */
export function runReduce(op: ReduceOpName, x: Tensor, axes: number[]): Tensor {
  x.assertUsable(op);
  const def: ReduceDef = REDUCE[op];
  const types = def.types(x.dtype);
  if (typeof types === 'string') throw new DTypeError(`${op} ${types}, got ${x.dtype}`, { op, dtypes: [x.dtype], shapes: [[...x.shape]] });
  const kept = x.shape.filter((_, i) => !axes.includes(i));
  // softmaxStats writes two values (maximum, log Σ exp) per output: a trailing dimension of 2.
  const outShape = def.combine === 'softmaxstats' ? [...kept, 2] : kept;
  const R = axes.reduce((p, a) => p * x.shape[a], 1);
  return withPlaced(op, [x], outShape, (device, [x]) => {
  const backend = runtime.backend(device, op);
  const storage = allocate(backend, op, outShape, types.out);
  const out = new Tensor(outShape, types.out, storage, device);
  if (!storage) return out;
  const params: number[] = [];
  const paramTypes: DType[] = [];
  const addParam: AddParam = (v, d) => {
    paramTypes.push(d);
    return param(params.push(v) - 1, d);
  };
  const accLeaf = reduceEpilogueInput(def, types.acc);
  const epilogue = cast(def.epilogue ? def.epilogue(accLeaf, { param: addParam, R }) : accLeaf, types.out);
  const kernel = internKernel<ReduceKernel>({
    kind: 'reduce', name: op, op: def.combine, inputs: [x.dtype], acc: types.acc, out: types.out,
    prologue: reducePrologue(x.dtype, types.acc), epilogue, params: paramTypes,
  });
  // x may have no storage (size 0) while the output is non-empty (reducing a size-0 axis): read a dummy.
  const input = x.storage ?? allocate(backend, op, [1], x.dtype)!;
  const l: Launch = {
    kernel,
    inputs: [{ handle: input.handle, dtype: x.dtype, shape: x.shape, strides: x.strides, offset: x.offset }],
    params,
    outShape,
    out: storage.handle,
    axes,
  };
  try {
    runOrDispose(backend, l, out);
  } finally {
    if (!x.storage) backend.release(input.handle);
  }
  return out;
  });
}

/** A fused epilogue: bias, activation… applied to each output value inside the kernel that computes it. */
export interface Epilogue {
  /** Short name for profiles (e.g. 'bias+relu'). */
  name: string;
  /** Tensors read at each output position, broadcast against the output shape (a bias [N] for a matmul). */
  extras: Tensor[];
  /** The output value from the kernel's value `v` and the extras' values (same dtype as v). */
  build: (v: Expr, extras: Expr[], addParam: AddParam) => Expr;
}

/**
 * a·b over the last two dims, batch dims broadcast; transposes are stride swaps of the views. With an epilogue
 * (wg.fused.matMul) the bias and activation run in the same kernel.
 */
export function runMatmul(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean, op = 'matMul', epilogue?: Epilogue): Tensor {
  a.assertUsable(op);
  b.assertUsable(op);
  const shapes = [[...a.shape], [...b.shape]];
  if (a.rank < 2 || b.rank < 2) {
    throw new ShapeError(`${op}: both operands need rank ≥ 2, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)} (use wg.dot for vectors)`, { op, shapes });
  }
  let dtype = a.dtype;
  if (a.dtype !== b.dtype) {
    const p = promoteTypes(a.dtype, b.dtype);
    if (!p) throw new DTypeError(`${op}: no common dtype for ${a.dtype} and ${b.dtype}`, { op, dtypes: [a.dtype, b.dtype], shapes });
    dtype = p;
  }
  if (dtype === 'bool') throw new DTypeError(`${op} does not accept bool operands`, { op, dtypes: [a.dtype, b.dtype], shapes });
  const last2 = (t: Tensor, tr: boolean) => {
    const r = t.rank;
    const [rows, cols] = tr ? [t.shape[r - 1], t.shape[r - 2]] : [t.shape[r - 2], t.shape[r - 1]];
    const [rs, cs] = tr ? [t.strides[r - 1], t.strides[r - 2]] : [t.strides[r - 2], t.strides[r - 1]];
    return { rows, cols, rs, cs };
  };
  const A = last2(a, transposeA);
  const B = last2(b, transposeB);
  if (A.cols !== B.rows) {
    throw new ShapeError(
      `${op}: inner dimensions differ: ${fmtShape(a.shape)}${transposeA ? ' (transposed)' : ''} · ${fmtShape(b.shape)}${transposeB ? ' (transposed)' : ''} ` +
        `gives ${A.cols} vs ${B.rows} (transposeA=${transposeA}, transposeB=${transposeB})`,
      { op, shapes, dtypes: [a.dtype, b.dtype] },
    );
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batchShape = broadcastShapes(op, [aBatch, bBatch]);
  const outShape = [...batchShape, A.rows, B.cols];
  // Mixed dtypes: convert the other operand (one kernel), then multiply.
  if (a.dtype !== dtype || b.dtype !== dtype) {
    const ca = a.dtype === dtype ? a : runElementwise('cast', [a], { dtype });
    const cb = b.dtype === dtype ? b : runElementwise('cast', [b], { dtype });
    try {
      return runMatmul(ca, cb, transposeA, transposeB, op, epilogue);
    } finally {
      if (ca !== a) ca.dispose();
      if (cb !== b) cb.dispose();
    }
  }
  const extras = epilogue?.extras ?? [];
  if (epilogue) {
    extras.forEach((t) => t.assertUsable(op));
    if (broadcastShapes(op, [outShape, ...extras.map((t) => t.shape)]).length !== outShape.length || extras.some((t) => t.dtype !== dtype)) {
      throw new ShapeError(`${op}: the epilogue's inputs ${extras.map((t) => `${t.dtype} ${fmtShape(t.shape)}`).join(', ')} must be ${dtype} and broadcast to the product ${fmtShape(outShape)}`, { op, shapes: [outShape, ...extras.map((t) => [...t.shape])] });
    }
  }
  return withPlaced(op, [a, b, ...extras], outShape, (device, [a, b, ...extras]) => {
  const backend = runtime.backend(device, op);
  const storage = allocate(backend, op, outShape, dtype);
  const out = new Tensor(outShape, dtype, storage, device);
  if (!storage) return out;
  if (!a.storage || !b.storage) {
    // K = 0: the product is all zeros (then the epilogue, as its own kernel).
    out.dispose();
    const zeros = runZeros(outShape, dtype, device);
    if (!epilogue) return zeros;
    try {
      return runExpr(`${op}+${epilogue.name}`, [zeros, ...extras], dtype, ([v, ...e], p) => epilogue.build(v, e, p));
    } finally {
      zeros.dispose();
    }
  }
  const g: MatmulGeometry = {
    M: A.rows,
    N: B.cols,
    K: A.cols,
    batch: sizeOf(batchShape),
    batchShape,
    aBatchStrides: broadcastStrides(aBatch, a.strides.slice(0, -2), batchShape),
    bBatchStrides: broadcastStrides(bBatch, b.strides.slice(0, -2), batchShape),
    aOffset: a.offset,
    bOffset: b.offset,
    am: A.rs,
    ak: A.cs,
    bk: B.rs,
    bn: B.cs,
  };
  const params: number[] = [];
  const paramTypes: DType[] = [];
  const epi = epilogue?.build(
    input(0, dtype),
    extras.map((t, i) => input(i + 1, t.dtype)),
    (v, d) => {
      paramTypes.push(d);
      return param(params.push(v) - 1, d);
    },
  );
  const kernel = internKernel<MatmulKernel>(
    epi
      ? { kind: 'matmul', name: `${op}+${epilogue!.name}`, dtype, epilogue: cast(epi, dtype), extras: extras.map((t) => t.dtype), params: paramTypes }
      : { kind: 'matmul', name: op, dtype },
  );
  runOrDispose(backend, {
    kernel,
    inputs: [a, b, ...extras].map((t) => ({ handle: t.storage!.handle, dtype: t.dtype, shape: t.shape, strides: t.strides, offset: t.offset })),
    params,
    outShape,
    out: storage.handle,
    matmul: g,
  }, out);
  return out;
  });
}

function runZeros(shape: number[], dtype: DType, device: DeviceName): Tensor {
  return runGenerator(fillGen(0, dtype), shape, device);
}

export function runScan(op: 'cumsum' | 'cumprod', x: Tensor, axis: number, exclusive: boolean, reverse: boolean): Tensor {
  x.assertUsable(op);
  if (x.dtype === 'bool') throw new DTypeError(`${op} expects a numeric tensor, got bool`, { op, dtypes: ['bool'], shapes: [[...x.shape]] });
  return withPlaced(op, [x], x.shape, (device, [x]) => {
  const backend = runtime.backend(device, op);
  const storage = allocate(backend, op, x.shape, x.dtype);
  const out = new Tensor(x.shape, x.dtype, storage, device);
  if (!storage || !x.storage) return out;
  const kernel = internKernel<ScanKernel>({ kind: 'scan', name: op, op: op === 'cumsum' ? 'sum' : 'prod', dtype: x.dtype, exclusive, reverse });
  runOrDispose(backend, {
    kernel,
    inputs: [{ handle: x.storage.handle, dtype: x.dtype, shape: x.shape, strides: x.strides, offset: x.offset }],
    params: [],
    outShape: x.shape,
    out: storage.handle,
    axes: [axis],
  }, out);
  return out;
  });
}

/**
 * One elementwise kernel from a hand-built expression over broadcast tensors (composite ops use it to
 * keep their kernel count low). The kernel is keyed by its expression (kernelKey), literals included, so
 * `build` may bake per-call values into it: the kernel is keyed by its IR (kernelKey), so each gets its own.
 */
export function runExpr(
  op: string,
  tensors: Tensor[],
  outDtype: DType,
  build: (xs: Expr[], addParam: AddParam) => Expr,
  outShape?: readonly number[],
  loaded?: boolean[],
): Tensor {
  tensors.forEach((t) => t.assertUsable(op));
  const shape = outShape ?? broadcastShapes(op, tensors.map((t) => t.shape));
  return launch({ op, tensors, loaded, outShape: shape, outDtype, build });
}
