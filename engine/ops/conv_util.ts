// Spatial geometry shared by convolution and pooling: TensorFlow's padding modes ('same', 'valid', a number,
// explicit pairs), dimRoundingMode, strides and dilations → output size and the padding before/after.
import { ShapeError } from '../core/errors';
import { describe } from '../core/shape';

/** Explicit padding as TensorFlow.js takes it: one [before, after] pair per dimension of the input (NHWC or NCHW). */
export type ExplicitPadding = [number, number][];
export type Padding = 'same' | 'valid' | number | ExplicitPadding;
export type RoundingMode = 'floor' | 'round' | 'ceil';
export type DataFormat = 'NHWC' | 'NCHW';

/** One spatial dimension: output size and the padding before and after. */
export interface AxisGeometry {
  out: number;
  before: number;
  after: number;
}

const ROUND: Record<RoundingMode, (v: number) => number> = { floor: Math.floor, round: Math.round, ceil: Math.ceil };

/**
 * Validates a list of 1 or n positive integers (strides, dilations, a filter or window size) and expands it to
 * n values: TensorFlow.js accepts `2` for `[2, 2]`.
 */
export function spatialInts(v: unknown, n: number, op: string, what: string, min = 1): number[] {
  const list = typeof v === 'number' ? new Array<number>(n).fill(v) : v;
  if (!Array.isArray(list) || list.length !== n || list.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < min)) {
    const bound = min === 1 ? 'positive integers' : `integers >= ${min}`;
    throw new ShapeError(`${op}: ${what} must be ${n === 1 ? 'a positive integer' : `a number or ${n} ${bound}`}, got ${describe(v)}`, { op });
  }
  return list as number[];
}

/**
 * Output size and padding of the spatial dimensions, by TensorFlow's rules:
 * - 'valid': no padding, out = ⌈(in − effective filter + 1) / stride⌉;
 * - 'same': out = ⌈in / stride⌉, the padding needed split evenly, the odd pixel after;
 * - a number p: p on every side, out rounded by `roundingMode` (truncated when none is given);
 * - explicit pairs (one per input dimension, the batch and channel pairs 0): as given.
 * `effective filter` is (k − 1)·dilation + 1. `spatialAxes` are the H, W (…) axes of the input's layout.
 * Throws when the window does not fit (an output size below 1).
 */
export function spatialGeometry(
  op: string,
  inSize: readonly number[],
  filter: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
  pad: Padding,
  roundingMode?: RoundingMode,
  spatialAxes?: readonly number[],
): AxisGeometry[] {
  if (roundingMode !== undefined && !(roundingMode in ROUND)) {
    throw new ShapeError(`${op}: dimRoundingMode must be 'floor', 'round' or 'ceil', got ${describe(roundingMode)}`, { op });
  }
  // TensorFlow.js refuses a rounding mode with 'same'/'valid' (explicit pairs take it and ignore it).
  if (roundingMode !== undefined && typeof pad === 'string') {
    throw new ShapeError(`${op}: dimRoundingMode ${describe(roundingMode)} needs a numeric pad, got ${describe(pad)}`, { op });
  }
  const n = inSize.length;
  let pairs: [number, number][] | undefined;
  if (Array.isArray(pad)) {
    const axes = spatialAxes ?? Array.from({ length: n }, (_, i) => i + 1);
    const rank = n + 2;
    const ok = pad.length === rank && pad.every((q) => Array.isArray(q) && q.length === 2 && q.every((v) => Number.isSafeInteger(v) && v >= 0));
    if (!ok || pad.some((q, d) => !axes.includes(d) && (q[0] !== 0 || q[1] !== 0))) {
      throw new ShapeError(
        `${op}: explicit padding must be ${rank} [before, after] pairs of non-negative integers with the batch and channel pairs [0, 0], got ${describe(pad)}`,
        { op },
      );
    }
    pairs = axes.map((a) => pad[a] as [number, number]);
  } else if (pad !== 'same' && pad !== 'valid' && !(typeof pad === 'number' && Number.isSafeInteger(pad) && pad >= 0)) {
    throw new ShapeError(`${op}: pad must be 'same', 'valid', a non-negative integer or explicit [before, after] pairs, got ${describe(pad)}`, { op });
  }
  return inSize.map((size, i) => {
    const eff = (filter[i] - 1) * dilations[i] + 1;
    const s = strides[i];
    let g: AxisGeometry;
    if (pad === 'valid') {
      g = { out: Math.ceil((size - eff + 1) / s), before: 0, after: 0 };
    } else if (pad === 'same') {
      const out = Math.ceil(size / s);
      const total = Math.max((out - 1) * s + eff - size, 0);
      g = { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
    } else if (typeof pad === 'number') {
      const exact = (size - eff + 2 * pad) / s + 1;
      g = { out: roundingMode ? ROUND[roundingMode](exact) : Math.trunc(exact), before: pad, after: pad };
    } else {
      const [before, after] = pairs![i];
      g = { out: Math.floor((size + before + after - eff) / s) + 1, before, after };
    }
    if (!(g.out >= 1)) {
      throw new ShapeError(
        `${op}: the ${eff}-wide window (filter ${filter[i]}, dilation ${dilations[i]}) does not fit spatial dimension ${i} of size ${size} ` +
          `with padding ${describe(pad)}: the output would be empty`,
        { op },
      );
    }
    return g;
  });
}
