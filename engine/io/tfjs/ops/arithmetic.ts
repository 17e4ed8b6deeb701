// TensorFlow.js converter family "arithmetic": broadcasting binary ops, AddN and BiasAdd.
//
// Integer arithmetic on values known while converting (shape arithmetic: Shape → Mul → Reshape) is computed on
// the host (`foldBinary`), so the result stays known to the ops that read it as a shape.
//
// TensorFlow's integer Div/RealDiv and Mod truncate toward zero (C semantics; FloorDiv/FloorMod floor), which is
// what these translations do. TensorFlow.js's converter runs Div as its `div` (floor division for int32) and Mod
// as its floor `mod`, so for negative operands wgflow follows TensorFlow, not TensorFlow.js.
import * as wg from '../../../index';
import type { Family, HostValue, OpContext, OpConverter } from '../convert';
import { dataFormat } from './common';

type HostDT = HostValue['dtype'];

/** The broadcast shape of two host shapes (undefined when they do not broadcast). */
function broadcastShape(a: number[], b: number[]): number[] | undefined {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const x = a[a.length - n + k] ?? 1;
    const y = b[b.length - n + k] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Element `flat` of the broadcast shape `out`, read from a value of shape `shape`. */
function broadcastIndex(flat: number, out: number[], shape: number[]): number {
  let idx = 0;
  let stride = 1;
  for (let k = out.length - 1, j = shape.length - 1; k >= 0; k--, j--) {
    const c = flat % out[k];
    flat = Math.floor(flat / out[k]);
    if (j >= 0) {
      if (shape[j] !== 1) idx += c * stride;
      stride *= shape[j];
    }
  }
  return idx;
}

/**
 * Host folding of an elementwise op whose inputs are all known and of the dtypes `accepts` allows (int32 shape
 * arithmetic, bool logic): the result as a known constant of dtype `dtype`, or undefined (then the op runs on
 * the device).
 */
export function foldElementwise(
  ctx: OpContext,
  accepts: readonly HostDT[],
  dtype: HostDT,
  fn: (...v: number[]) => number,
): wg.Tensor | undefined {
  const vs = ctx.allKnown();
  if (!vs || vs.length === 0 || !vs.every((v) => accepts.includes(v.dtype))) return undefined;
  let shape: number[] | undefined = vs[0].shape;
  for (const v of vs.slice(1)) shape = shape && broadcastShape(shape, v.shape);
  if (!shape) return undefined; // the device op reports the shape error
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Array<number>(size);
  for (let i = 0; i < size; i++) {
    const r = fn(...vs.map((v) => Number(v.data[broadcastIndex(i, shape!, v.shape)])));
    data[i] = dtype === 'int32' ? r | 0 : dtype === 'bool' ? (r ? 1 : 0) : Math.fround(r);
  }
  return ctx.constant({ data, shape, dtype });
}

/** A binary op: folded on the host for known int32 operands when `host` is given, else the wgflow op. */
const binary = (fn: (a: wg.Tensor, b: wg.Tensor) => wg.Tensor, host?: (a: number, b: number) => number): OpConverter => (ctx) =>
  (host && foldElementwise(ctx, ['int32'], 'int32', host)) || fn(ctx.input(0), ctx.input(1));

/** Runs a composition of several wgflow ops; eagerly, the intermediate tensors are freed (wg.tidy). */
export const composite = <T extends wg.Tensor>(fn: () => T): T => (wg.executingEagerly() ? wg.tidy(fn) : fn());

const isInt = (t: wg.Tensor) => t.dtype === 'int32' || t.dtype === 'uint32';

/** a / b, integers truncated toward zero (TensorFlow's Div; division by zero gives 0, as wgflow's integer ops). */
function truncDiv(a: wg.Tensor, b: wg.Tensor): wg.Tensor {
  if (!isInt(a) || !isInt(b)) return wg.div(a, b);
  return composite(() => wg.mul(wg.mul(wg.sign(a), wg.sign(b)), wg.floorDiv(wg.abs(a), wg.abs(b))));
}

/** The remainder of a truncating division: it has the dividend's sign (C's fmod, TensorFlow's Mod). */
const truncMod = (a: wg.Tensor, b: wg.Tensor): wg.Tensor => composite(() => wg.mul(wg.sign(a), wg.mod(wg.abs(a), wg.abs(b))));

const hostTruncDiv = (a: number, b: number) => (b === 0 ? 0 : Math.trunc(a / b));
const hostTruncMod = (a: number, b: number) => (b === 0 ? 0 : a % b);
const hostFloorDiv = (a: number, b: number) => (b === 0 ? 0 : Math.floor(a / b));
const hostFloorMod = (a: number, b: number) => (b === 0 ? 0 : a - Math.floor(a / b) * b);

/** BiasAdd: a rank-1 bias added along the channel axis (the last one, or axis 1 for NCHW). */
function biasAdd(ctx: OpContext): wg.Tensor {
  const x = ctx.input(0);
  const b = ctx.input(1);
  const format = dataFormat(ctx);
  if (b.rank !== 1) throw ctx.error(`bias must be rank 1, got shape [${b.shape.join(', ')}]`);
  if (x.rank < 2) throw ctx.error(`input must be at least rank 2, got shape [${x.shape.join(', ')}]`);
  const axis = format === 'NCHW' ? 1 : x.rank - 1;
  if (x.shape[axis] !== b.shape[0] && x.shape[axis] >= 0 && b.shape[0] >= 0) {
    throw ctx.error(`bias of size ${b.shape[0]} does not match the ${format} input's channel dimension ${x.shape[axis]} (shape [${x.shape.join(', ')}])`);
  }
  if (axis === x.rank - 1) return wg.add(x, b);
  return composite(() => wg.add(x, wg.reshape(b, [b.shape[0], ...new Array<number>(x.rank - 2).fill(1)])));
}

export const ARITHMETIC: Family = {
  excluded: {},
  ops: {
    Add: binary(wg.add, (a, b) => a + b),
    AddV2: binary(wg.add, (a, b) => a + b),
    Sub: binary(wg.sub, (a, b) => a - b),
    Mul: binary(wg.mul, (a, b) => Math.imul(a, b)),
    RealDiv: binary(truncDiv, hostTruncDiv),
    Div: binary(truncDiv, hostTruncDiv),
    DivNoNan: binary(wg.divNoNan),
    FloorDiv: binary(wg.floorDiv, hostFloorDiv),
    Maximum: binary(wg.maximum, Math.max),
    Minimum: binary(wg.minimum, Math.min),
    Pow: binary(wg.pow),
    SquaredDifference: binary(wg.squaredDifference),
    Mod: binary(truncMod, hostTruncMod),
    FloorMod: binary(wg.mod, hostFloorMod),
    AddN: (ctx) => {
      if (ctx.inputs.length === 0) throw ctx.error('AddN needs at least one input');
      return foldElementwise(ctx, ['int32'], 'int32', (...v) => v.reduce((s, x) => (s + x) | 0, 0)) ?? wg.addN(ctx.inputs);
    },
    BiasAdd: biasAdd,
  },
};
