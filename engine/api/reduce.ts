// Public reductions and scans (TensorFlow.js signatures): sum, mean, prod, max, min, any, all, argMax,
// argMin, logSumExp, cumsum, cumprod.
import { recordable } from '../graph/record';
import { ShapeError } from '../core/errors';
import { contiguousStrides, describe, fmtShape, normalizeAxes, normalizeAxis } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { view } from '../eager/dispatch';
import { runReduce, runScan } from '../eager/dispatch_kernels';
import type { ReduceOpName } from '../ops/reduce';
import { tensorArg } from './args';

export type Axis = number | number[] | null;

/** Re-inserts reduced dims as size 1 (a view: the reduction's output is contiguous). */
function keepDimsView(out: Tensor, inShape: readonly number[], axes: number[]): Tensor {
  const shape = inShape.map((d, i) => (axes.includes(i) ? 1 : d));
  const v = view(out, shape, contiguousStrides(shape), 0);
  out.dispose();
  return v;
}

function reduce(op: ReduceOpName, x: Tensor, axis: Axis | undefined, keepDims: boolean | undefined): Tensor {
  const t = tensorArg(x, op);
  const axes = normalizeAxes(axis, t.rank, op, t.shape);
  const out = runReduce(op, t, axes);
  return keepDims ? keepDimsView(out, t.shape, axes) : out;
}

const sum$impl = (x: Tensor, axis?: Axis, keepDims = false) => reduce('sum', x, axis, keepDims);
const mean$impl = (x: Tensor, axis?: Axis, keepDims = false) => reduce('mean', x, axis, keepDims);
const prod$impl = (x: Tensor, axis?: Axis, keepDims = false) => reduce('prod', x, axis, keepDims);
const max$impl = (x: Tensor, axis?: Axis, keepDims = false) => reduce('max', x, axis, keepDims);
const min$impl = (x: Tensor, axis?: Axis, keepDims = false) => reduce('min', x, axis, keepDims);
const any$impl = (x: Tensor, axis?: Axis, keepDims = false) => reduce('any', x, axis, keepDims);
const all$impl = (x: Tensor, axis?: Axis, keepDims = false) => reduce('all', x, axis, keepDims);

function argReduce(op: 'argMax' | 'argMin', x: Tensor, axis: number): Tensor {
  const t = tensorArg(x, op);
  if (t.rank === 0) throw new ShapeError(`${op}: needs a tensor of rank ≥ 1, got a scalar`, { op, shapes: [[]] });
  const a = normalizeAxis(axis, t.rank, op, t.shape);
  if (t.shape[a] === 0) {
    throw new ShapeError(`${op}: axis ${axis} of shape ${fmtShape(t.shape)} is empty, so there is no ${op === 'argMax' ? 'maximum' : 'minimum'}`, {
      op,
      shapes: [[...t.shape]],
    });
  }
  return runReduce(op, t, [a]);
}

const argMax$impl = (x: Tensor, axis = 0) => argReduce('argMax', x, axis);
const argMin$impl = (x: Tensor, axis = 0) => argReduce('argMin', x, axis);

function logSumExp$impl(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  // One reduction: a running maximum keeps it stable (empty rows give -Infinity).
  return reduce('logSumExp', x, axis, keepDims);
}

function scan(op: 'cumsum' | 'cumprod', x: Tensor, axis: number, exclusive: boolean, reverse: boolean): Tensor {
  const t = tensorArg(x, op);
  if (t.rank === 0) throw new ShapeError(`${op}: needs a tensor of rank ≥ 1, got a scalar`, { op, shapes: [[]] });
  for (const [name, v] of [['exclusive', exclusive], ['reverse', reverse]] as const) {
    if (typeof v !== 'boolean') throw new ShapeError(`${op}: ${name} must be a boolean, got ${describe(v)}`, { op });
  }
  return runScan(op, t, normalizeAxis(axis, t.rank, op, t.shape), exclusive, reverse);
}

const cumsum$impl = (x: Tensor, axis = 0, exclusive = false, reverse = false) => scan('cumsum', x, axis, exclusive, reverse);
const cumprod$impl = (x: Tensor, axis = 0, exclusive = false, reverse = false) => scan('cumprod', x, axis, exclusive, reverse);

// ---- public, recordable versions (graph builders record these calls as nodes) ----
/** log(Σ exp(x)), computed stably (the maximum is subtracted first). */
export const logSumExp = recordable('logSumExp', logSumExp$impl);
/** Σ over `axis` (all axes by default). Integers keep their dtype; bools count as int32. */
export const sum = recordable('sum', sum$impl);
/** Arithmetic mean (float32). The mean of nothing is NaN. */
export const mean = recordable('mean', mean$impl);
export const prod = recordable('prod', prod$impl);
/** Maximum (NaN propagates; -Infinity over nothing). */
export const max = recordable('max', max$impl);
export const min = recordable('min', min$impl);
/** Logical OR over a bool tensor (false over nothing). */
export const any = recordable('any', any$impl);
/** Logical AND over a bool tensor (true over nothing). */
export const all = recordable('all', all$impl);
/** Index (int32) of the largest value along `axis`; the first one on ties. */
export const argMax = recordable('argMax', argMax$impl);
export const argMin = recordable('argMin', argMin$impl);
/** Running sum along `axis`; `exclusive` starts from 0, `reverse` runs from the end (as TensorFlow). */
export const cumsum = recordable('cumsum', cumsum$impl);
export const cumprod = recordable('cumprod', cumprod$impl);
