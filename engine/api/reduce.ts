// Public reductions and scans (TensorFlow.js signatures): sum, mean, prod, max, min, any, all, argMax,
// argMin, logSumExp, cumsum, cumprod.
import { family } from './define';
import { opt, p } from '../ops/registry';
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

const axisParams = [p('x', 'tensor'), opt('axis', 'axis'), opt('keepDims', 'bool')] as const;
const scanParams = [p('x', 'tensor'), opt('axis', 'int'), opt('exclusive', 'bool'), opt('reverse', 'bool')] as const;
// `const D` keeps `differentiable`'s literal type: the gradient rule table is keyed by the differentiable ops.
const reduction = <F extends (x: Tensor, axis?: Axis, keepDims?: boolean) => Tensor, const D extends boolean>(doc: string, impl: F, differentiable: D) =>
  ({ doc, params: axisParams, returns: 'tensor', method: true, differentiable, impl }) as const;

/** Reductions and scans (registry definitions). */
export const REDUCE_DEFS = family('reduce', {
  sum: reduction('Σ over `axis` (all axes by default). Integers keep their dtype; bools count as int32.', sum$impl, true),
  mean: reduction('Arithmetic mean (float32). The mean of nothing is NaN.', mean$impl, true),
  prod: reduction('Product over `axis` (all axes by default); 1 over nothing.', prod$impl, true),
  max: reduction('Maximum (NaN propagates; -Infinity over nothing).', max$impl, true),
  min: reduction('Minimum (NaN propagates; +Infinity over nothing).', min$impl, true),
  any: reduction('Logical OR over a bool tensor (false over nothing).', any$impl, false),
  all: reduction('Logical AND over a bool tensor (true over nothing).', all$impl, false),
  logSumExp: reduction('log(Σ exp(x)), computed stably (the maximum is subtracted first).', logSumExp$impl, true),
  argMax: {
    doc: 'Index (int32) of the largest value along `axis`; the first one on ties.',
    params: [p('x', 'tensor'), opt('axis', 'int')],
    returns: 'tensor',
    method: true,
    impl: argMax$impl,
  },
  argMin: {
    doc: 'Index (int32) of the smallest value along `axis`; the first one on ties.',
    params: [p('x', 'tensor'), opt('axis', 'int')],
    returns: 'tensor',
    method: true,
    impl: argMin$impl,
  },
  cumsum: {
    doc: 'Running sum along `axis`; `exclusive` starts from 0, `reverse` runs from the end (as TensorFlow).',
    params: scanParams,
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: cumsum$impl,
  },
  cumprod: {
    doc: 'Running product along `axis`; `exclusive` starts from 1, `reverse` runs from the end.',
    params: scanParams,
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: cumprod$impl,
  },
});
