// The exporter table: one entry per registry op (compile-time exhaustive: `satisfies Record<OpName, OpExporter>`,
// so a new op without an entry is a type error here). An entry writes the op as standard ONNX ops, following
// each operator's version history for the opset being written; `FOLD` ops (creation ops, no tensor inputs) are
// computed by wgflow at export time and written as initializers; the rest are `notExportable('why')`.
import type { DType, OpName } from '../../index';
import { INT64_MAX, decodeLiteral, type ArgSpec, type NodeContext } from './context';
import type { AttrValue } from './proto';

/** Writes a node's ONNX form; returns the ONNX value of each of its outputs. */
export type ExportFn = (c: NodeContext) => string | string[];
export interface NotExportable {
  notExportable: string;
}
/** Computed by wgflow when exporting and written as an initializer (the op has no tensor inputs). */
export const FOLD = { fold: true } as const;
export type OpExporter = ExportFn | NotExportable | typeof FOLD;

export const notExportable = (why: string): NotExportable => ({ notExportable: why });
const NOT_YET = notExportable('not yet: issue 22');

const isFloat = (d: DType) => d === 'float32';

// ---- elementwise ----

/** One ONNX op on x, in x's dtype (the output's). */
const unary = (opType: string, attrs: (c: NodeContext) => Record<string, AttrValue> = () => ({})): ExportFn => (c) => c.op(opType, [c.input(0, c.out.dtype)], attrs(c));

/** A float op on x (wgflow's float-only unary ops take integers as float32). */
const floatUnary = (opType: string): ExportFn => (c) => c.op(opType, [c.input(0, 'float32')]);

/** A binary op: both operands in the output's dtype. */
const binary = (opType: string): ExportFn => (c) => c.op(opType, [c.input(0, c.out.dtype), c.input(1, c.out.dtype)]);

/** The dtype two operands are compared in: theirs when they agree, float32 when they do not. */
function operandDType(c: NodeContext, n = 2): DType {
  const ds = [...Array(n).keys()].map((i) => c.dtypeOf(i)).filter((d): d is DType => d !== undefined);
  if (ds.length === 0) return 'float32';
  return ds.every((d) => d === ds[0]) ? ds[0] : 'float32';
}

const compare = (opType: string, negate = false): ExportFn => (c) => {
  const d = operandDType(c);
  const r = c.op(opType, [c.input(0, d), c.input(1, d)]);
  return negate ? c.op('Not', [r]) : r;
};

const logical = (opType: string): ExportFn => (c) => c.op(opType, [c.input(0, 'bool'), c.input(1, 'bool')]);

/** Integer floor division, zero where b is 0 (wgflow's rule): (a − mod(a, b)) / b is exact, so Div's truncation is moot. */
function intFloorDiv(c: NodeContext): string {
  const d = c.out.dtype;
  const a = c.input(0, d);
  const b = c.input(1, d);
  const zero = c.op('Equal', [b, c.scalar(0, d)]);
  const safe = c.op('Where', [zero, c.scalar(1, d), b]);
  const m = c.op('Mod', [a, safe], { fmod: { i: 0 } });
  const q = c.op('Div', [c.op('Sub', [a, m]), safe]);
  return c.op('Where', [zero, c.scalar(0, d), q]);
}

/** Float floor division as wgflow computes it: from fmod, corrected toward −∞, rounded when within ½ of an integer above. */
function floatFloorDiv(c: NodeContext): string {
  const a = c.input(0, 'float32');
  const b = c.input(1, 'float32');
  const m = c.op('Mod', [a, b], { fmod: { i: 1 } });
  let q = c.op('Div', [c.op('Sub', [a, m]), b]);
  const zero = c.scalar(0, 'float32');
  const signsDiffer = c.op('Xor', [c.op('Less', [b, zero]), c.op('Less', [m, zero])]);
  const adjust = c.op('And', [c.op('Not', [c.op('Equal', [m, zero])]), signsDiffer]);
  q = c.op('Where', [adjust, c.op('Sub', [q, c.scalar(1, 'float32')]), q]);
  const f = c.op('Floor', [q]);
  const up = c.op('Greater', [c.op('Sub', [q, f]), c.scalar(0.5, 'float32')]);
  const floored = c.op('Where', [up, c.op('Add', [f, c.scalar(1, 'float32')]), f]);
  // Division by zero: a / 0 (±Infinity or NaN), as wgflow.
  return c.op('Where', [c.op('Equal', [b, zero]), c.op('Div', [a, b]), floored]);
}

const floorDiv: ExportFn = (c) => (isFloat(c.out.dtype) ? floatFloorDiv(c) : intFloorDiv(c));

/** a mod b with the divisor's sign; modulo 0 is NaN (floats) or 0 (integers). */
const mod: ExportFn = (c) => {
  const d = c.out.dtype;
  if (!isFloat(d)) {
    const a = c.input(0, d);
    const b = c.input(1, d);
    const zero = c.op('Equal', [b, c.scalar(0, d)]);
    const m = c.op('Mod', [a, c.op('Where', [zero, c.scalar(1, d), b])], { fmod: { i: 0 } });
    return c.op('Where', [zero, c.scalar(0, d), m]);
  }
  const a = c.input(0, d);
  const b = c.input(1, d);
  const z = c.scalar(0, d);
  const m = c.op('Mod', [a, b], { fmod: { i: 1 } }); // C fmod: the dividend's sign
  const signsDiffer = c.op('Xor', [c.op('Less', [b, z]), c.op('Less', [m, z])]);
  const adjust = c.op('And', [c.op('Not', [c.op('Equal', [m, z])]), signsDiffer]);
  return c.op('Where', [adjust, c.op('Add', [m, b]), m]);
};

/** x ⊙ x. */
const square: ExportFn = (c) => {
  const x = c.input(0, c.out.dtype);
  return c.op('Mul', [x, x]);
};

/** A float-only ONNX op (Floor, Ceil, Round) that wgflow applies to integers as the identity. */
const rounding = (opType: string): ExportFn => (c) => (isFloat(c.out.dtype) ? c.op(opType, [c.input(0)]) : c.op('Identity', [c.input(0)]));

/** relu: ONNX Relu for floats; integers (which Relu takes only from opset 14, and ONNX Runtime not at all) as a select. */
const relu: ExportFn = (c) => {
  const d = c.out.dtype;
  if (isFloat(d)) return c.op('Relu', [c.input(0)]);
  const x = c.input(0, d);
  return c.op('Where', [c.op('Less', [x, c.scalar(0, d)]), c.scalar(0, d), x]);
};

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Where(cond(x), a, b) helpers for the activations whose NaN rule ONNX's ops may not share. */
const relu6: ExportFn = (c) => {
  const d = c.out.dtype;
  const x = c.input(0, d);
  const lo = c.op('Where', [c.op('Less', [x, c.scalar(0, d)]), c.scalar(0, d), x]);
  return c.op('Where', [c.op('Greater', [lo, c.scalar(6, d)]), c.scalar(6, d), lo]);
};

const clipByValue: ExportFn = (c) => {
  const d = c.out.dtype;
  return c.op('Clip', [c.input(0, d), c.scalar(Number(c.arg(1)), d), c.scalar(Number(c.arg(2)), d)]);
};

/** log σ(x) = min(x, 0) − log1p(e^−|x|), as wgflow computes it. */
const logSigmoid: ExportFn = (c) => {
  const x = c.input(0, 'float32');
  const z = c.scalar(0, 'float32');
  const e = c.op('Exp', [c.op('Neg', [c.op('Abs', [x])])]);
  return c.op('Sub', [c.op('Min', [x, z]), c.op('Log', [c.op('Add', [e, c.scalar(1, 'float32')])])]);
};

/** x·Φ(x): ONNX's Gelu from opset 20, its erf form below. */
const gelu: ExportFn = (c) => {
  const x = c.input(0, 'float32');
  if (c.opset >= 20) return c.op('Gelu', [x]);
  const erf = c.op('Erf', [c.op('Mul', [x, c.scalar(Math.SQRT1_2, 'float32')])]);
  return c.op('Mul', [c.op('Mul', [x, c.scalar(0.5, 'float32')]), c.op('Add', [erf, c.scalar(1, 'float32')])]);
};

const step: ExportFn = (c) => {
  const d = c.out.dtype;
  const x = c.input(0, d);
  const alpha = Number(c.arg(1) ?? 0);
  const stepped = c.op('Where', [c.op('Greater', [x, c.scalar(0, d)]), c.scalar(1, d), c.scalar(alpha, d)]);
  return isFloat(d) ? c.op('Where', [c.op('IsNaN', [x]), x, stepped]) : stepped;
};

const divNoNan: ExportFn = (c) => {
  const d = c.out.dtype;
  const b = c.input(1, d);
  const zero = c.op('Equal', [b, c.scalar(0, d)]);
  const q = isFloat(d) ? c.op('Div', [c.input(0, d), b]) : intFloorDiv(c);
  return c.op('Where', [zero, c.scalar(0, d), q]);
};

// ---- shapes and movement ----

const reshape: ExportFn = (c) => {
  const shape = c.arg(1) as number[];
  const attrs: Record<string, AttrValue> = {};
  if (shape.includes(0)) {
    if (c.opset < 14) c.fail('a shape with a 0 dimension needs opset 14 or later (Reshape allowzero)');
    attrs.allowzero = { i: 1 };
  }
  return c.op('Reshape', [c.input(0), c.int64s(shape)], attrs);
};

const transpose: ExportFn = (c) => {
  const rank = c.info(0).shape.length;
  const perm = (c.arg(1) as number[] | undefined) ?? [...Array(rank).keys()].reverse();
  return c.op('Transpose', [c.input(0)], { perm: { ints: perm.map((p) => c.axis(p, rank, 'perm entry')) } });
};

/** The node's list argument (tensors) as ONNX values. */
function listInputs(c: NodeContext, i: number): string[] {
  const list = c.node.args[i];
  if (!Array.isArray(list)) c.fail(`argument ${i} is not a list of tensors`);
  return list.map((s) => c.ref(s));
}

const concat: ExportFn = (c) => {
  const rank = c.out.shape.length;
  return c.op('Concat', listInputs(c, 0), { axis: { i: c.axis(Number(c.arg(1) ?? 0), rank) } });
};

const stack: ExportFn = (c) => {
  const rank = c.out.shape.length;
  const axis = c.axis(Number(c.arg(1) ?? 0), rank);
  const axes = c.int64s([axis]);
  return c.op('Concat', listInputs(c, 0).map((x) => c.op('Unsqueeze', [x, axes])), { axis: { i: axis } });
};

const squeeze: ExportFn = (c) => {
  const shape = c.info(0).shape;
  const given = c.arg(1) as number | number[] | undefined;
  const axes = given === undefined ? shape.flatMap((d, i) => (d === 1 ? [i] : [])) : (Array.isArray(given) ? given : [given]).map((a) => c.axis(a, shape.length));
  if (given === undefined && shape.includes(-1)) c.fail('squeeze without axes of a shape with unknown dimensions: give the axes');
  return axes.length ? c.op('Squeeze', [c.input(0), c.int64s(axes)]) : c.op('Identity', [c.input(0)]);
};

const expandDims: ExportFn = (c) => {
  const axis = c.axis(Number(c.arg(1) ?? 0), c.out.shape.length);
  return c.op('Unsqueeze', [c.input(0), c.int64s([axis])]);
};

/** slice(x, begin, size): size −1 (or absent) runs to the end. */
const slice: ExportFn = (c) => {
  const rank = c.info(0).shape.length;
  const b = c.arg(1) as number | number[];
  const begin = Array.isArray(b) ? b : [b];
  const s = c.arg(2) as number | number[] | undefined;
  const size = s === undefined ? begin.map(() => -1) : Array.isArray(s) ? s : [s];
  if (begin.length > rank || size.length !== begin.length) c.fail(`begin ${JSON.stringify(begin)} and size ${JSON.stringify(size)} do not fit rank ${rank}`);
  const ends = begin.map((st, i) => (size[i] === -1 ? INT64_MAX : BigInt(st + size[i])));
  return c.op('Slice', [c.input(0), c.int64s(begin), c.int64s(ends), c.int64s(begin.map((_, i) => i))]);
};

const gather: ExportFn = (c) => {
  if (Number(c.arg(3) ?? 0) !== 0) c.fail('gather with batchDims > 0 is not exported yet (issue 22)');
  const rank = c.info(0).shape.length;
  const idx = c.isTensor(1) ? c.input(1) : (() => {
    const v = c.arg(1) as number[];
    return c.constant(v, 'int32');
  })();
  return c.op('Gather', [c.input(0), idx], { axis: { i: c.axis(Number(c.arg(2) ?? 0), rank) } });
};

/** oneHot: indices outside [0, depth) give all-off rows in wgflow, so negative ones are moved out of ONNX's [-depth, 0). */
const oneHot: ExportFn = (c) => {
  const depth = Number(c.arg(1));
  const on = Number(c.arg(2) ?? 1);
  const off = Number(c.arg(3) ?? 0);
  // int64 indices and depth, float values: a type combination ONNX Runtime implements; other dtypes are cast.
  const idx = c.input(0, 'int32');
  const moved = c.cast(c.op('Where', [c.op('Less', [idx, c.scalar(0, 'int32')]), c.scalar(depth, 'int32'), idx]), 'int64');
  const axis = c.axis(Number(c.arg(5) ?? -1), c.out.shape.length);
  const r = c.op('OneHot', [moved, c.int64s([depth]), c.constant([off, on], 'float32')], { axis: { i: axis } });
  return c.out.dtype === 'float32' ? r : c.cast(r, c.out.dtype);
};

const cast: ExportFn = (c) => {
  const to = c.out.dtype;
  return c.dtypeOf(0) === to ? c.op('Identity', [c.input(0)]) : c.cast(c.input(0), to);
};

const where: ExportFn = (c) => {
  const d = c.out.dtype;
  return c.op('Where', [c.input(0, 'bool'), c.input(1, d), c.input(2, d)]);
};

/** zerosLike/onesLike: a constant of x's (runtime) shape. */
const fillLike = (value: number): ExportFn => (c) => {
  const d = c.out.dtype;
  const shape = c.op('Shape', [c.input(0)]);
  return c.op('ConstantOfShape', [shape], { value: { t: { name: '', dtype: d, dims: [1], raw: rawOne(value, d) } } });
};
function rawOne(v: number, d: DType): Uint8Array {
  const dv = new DataView(new ArrayBuffer(d === 'bool' ? 1 : 4));
  if (d === 'float32') dv.setFloat32(0, v, true);
  else if (d === 'bool') dv.setUint8(0, v ? 1 : 0);
  else if (d === 'int32') dv.setInt32(0, v, true);
  else dv.setUint32(0, v, true);
  return new Uint8Array(dv.buffer);
}

// ---- reductions ----

/** The reduced axes ([0, rank)), all when axis is null/undefined. */
function reduceAxes(c: NodeContext): number[] {
  const rank = c.info(0).shape.length;
  const a = c.arg(1) as number | number[] | null | undefined;
  if (a === null || a === undefined) return [...Array(rank).keys()];
  return [...new Set((Array.isArray(a) ? a : [a]).map((x) => c.axis(x, rank)))].sort((p, q) => p - q);
}

/**
 * A Reduce* op: axes as an input for ReduceSum from opset 13 and for the others from 18, as an attribute
 * before; computed in `dtype` (default: the input's), then cast to the output's.
 */
const reduce = (opType: string, computeIn?: DType): ExportFn => (c) => {
  const axes = reduceAxes(c);
  const keep = Boolean(c.arg(2));
  const d = computeIn ?? c.info(0).dtype;
  const x = c.input(0, d);
  if (axes.length === 0) return c.out.dtype === d ? c.op('Identity', [x]) : c.cast(x, c.out.dtype);
  const asInput = opType === 'ReduceSum' || c.opset >= 18;
  const r = asInput
    ? c.op(opType, [x, c.int64s(axes)], { keepdims: { i: keep ? 1 : 0 } })
    : c.op(opType, [x], { axes: { ints: axes }, keepdims: { i: keep ? 1 : 0 } });
  return c.out.dtype === d ? r : c.cast(r, c.out.dtype);
};

/** any/all of bools: the max/min of their int32 values. */
const boolReduce = (opType: 'ReduceMax' | 'ReduceMin'): ExportFn => (c) => {
  const axes = reduceAxes(c);
  const keep = Boolean(c.arg(2));
  const x = c.input(0, 'int32');
  if (axes.length === 0) return c.cast(x, 'bool');
  const r = c.opset >= 18
    ? c.op(opType, [x, c.int64s(axes)], { keepdims: { i: keep ? 1 : 0 } })
    : c.op(opType, [x], { axes: { ints: axes }, keepdims: { i: keep ? 1 : 0 } });
  return c.cast(r, 'bool');
};

/** argMax/argMin: ONNX's int64 indices cast to wgflow's int32. */
const argReduce = (opType: 'ArgMax' | 'ArgMin'): ExportFn => (c) => {
  const rank = c.info(0).shape.length;
  const r = c.op(opType, [c.input(0)], { axis: { i: c.axis(Number(c.arg(1) ?? 0), rank) }, keepdims: { i: 0 } });
  return c.cast(r, c.out.dtype);
};

// ---- linear algebra, normalisation ----

/** matMul(a, b, transposeA, transposeB): the transposes swap the last two axes. */
const matMul: ExportFn = (c) => {
  const side = (i: number, t: boolean) => {
    const x = c.input(i, 'float32');
    const rank = c.info(i).shape.length;
    if (!t) return x;
    if (rank < 2) c.fail(`transpose of a rank-${rank} operand`);
    const perm = [...Array(rank).keys()];
    [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
    return c.op('Transpose', [x], { perm: { ints: perm } });
  };
  const r = c.op('MatMul', [side(0, Boolean(c.arg(2))), side(1, Boolean(c.arg(3)))]);
  return c.out.dtype === 'float32' ? r : c.cast(r, c.out.dtype);
};

const softmaxLike = (opType: 'Softmax' | 'LogSoftmax'): ExportFn => (c) => {
  const rank = c.info(0).shape.length;
  return c.op(opType, [c.input(0, 'float32')], { axis: { i: c.axis(Number(c.arg(1) ?? -1), rank) } });
};

const identity: ExportFn = (c) => c.op('Identity', [c.input(0)]);

const addN: ExportFn = (c) => {
  const ins = listInputs(c, 0);
  if (ins.length === 1) return c.op('Identity', ins);
  // Sum takes floats only: integers as a chain of Adds.
  return isFloat(c.out.dtype) ? c.op('Sum', ins) : ins.slice(1).reduce((acc, x) => c.op('Add', [acc, x]), ins[0]);
};

// ---- more movement ----

/** The sizes of a split along `axis`, from the node's outputs (known when the graph was built). */
function splitSizes(c: NodeContext, axis: number): number[] {
  const sizes = c.node.outputs.map((o) => o.shape[axis]);
  if (sizes.some((d) => d < 0)) c.fail('a split along a dimension of unknown size');
  return sizes;
}

/**
 * Split: the sizes as an input from opset 13; from 18, `num_outputs` for equal parts (sizes still an input
 * otherwise).
 */
function emitSplit(c: NodeContext, x: string, axis: number): string[] {
  const sizes = splitSizes(c, axis);
  const equal = sizes.every((d) => d === sizes[0]);
  const n = sizes.length;
  if (c.opset >= 18 && equal) return c.emit('Split', [x], { axis: { i: axis }, num_outputs: { i: n } }, n);
  return c.emit('Split', [x, c.int64s(sizes)], { axis: { i: axis } }, n);
}

const split: ExportFn = (c) => {
  const rank = c.info(0).shape.length;
  return emitSplit(c, c.input(0), c.axis(Number(c.arg(2) ?? 0), rank));
};

const unstack: ExportFn = (c) => {
  const rank = c.info(0).shape.length;
  const axis = c.axis(Number(c.arg(1) ?? 0), rank);
  const axes = c.int64s([axis]);
  const n = c.info(0).shape[axis];
  if (n < 0) c.fail('unstack along a dimension of unknown size');
  if (n === 1) return [c.op('Squeeze', [c.input(0), axes])];
  const parts = c.opset >= 18
    ? c.emit('Split', [c.input(0)], { axis: { i: axis }, num_outputs: { i: n } }, n)
    : c.emit('Split', [c.input(0), c.int64s(Array(n).fill(1))], { axis: { i: axis } }, n);
  return parts.map((p) => c.op('Squeeze', [p, axes]));
};

const tile: ExportFn = (c) => c.op('Tile', [c.input(0), c.int64s(c.arg(1) as number[])]);

const broadcastTo: ExportFn = (c) => c.op('Expand', [c.input(0), c.int64s(c.arg(1) as number[])]);

/** pad(x, [[before, after], …], value): ONNX's pads are all befores, then all afters. */
const pad: ExportFn = (c) => {
  const p = c.arg(1) as [number, number][];
  const pads = [...p.map((q) => q[0]), ...p.map((q) => q[1])];
  const d = c.out.dtype;
  return c.op('Pad', [c.input(0), c.int64s(pads), c.scalar(Number(c.arg(2) ?? 0), d)], { mode: { s: 'constant' } });
};

/** reverse along axes: a Slice from the end with step −1. */
const reverse: ExportFn = (c) => {
  const rank = c.info(0).shape.length;
  const a = c.arg(1) as number | number[] | undefined;
  const axes = a === undefined ? [...Array(rank).keys()] : (Array.isArray(a) ? a : [a]).map((x) => c.axis(x, rank));
  if (axes.length === 0) return c.op('Identity', [c.input(0)]);
  const INT64_MIN = -(1n << 63n);
  return c.op('Slice', [c.input(0), c.int64s(axes.map(() => -1)), c.int64s(axes.map(() => INT64_MIN)), c.int64s(axes), c.int64s(axes.map(() => -1))]);
};

/** The optional tensor argument i (null/undefined: absent). */
const optional = (c: NodeContext, i: number): string | undefined => (c.isTensor(i) ? c.input(i, 'float32') : undefined);

/** (x − mean) · rsqrt(variance + ε) · scale + offset, as wgflow computes it. */
const batchNorm: ExportFn = (c) => {
  const x = c.input(0, 'float32');
  const eps = Number(c.arg(5) ?? 0.001);
  let y = c.op('Mul', [c.op('Sub', [x, c.input(1, 'float32')]), c.op('Reciprocal', [c.op('Sqrt', [c.op('Add', [c.input(2, 'float32'), c.scalar(eps, 'float32')])])])]);
  const scale = optional(c, 4);
  if (scale) y = c.op('Mul', [y, scale]);
  const offset = optional(c, 3);
  if (offset) y = c.op('Add', [y, offset]);
  return y;
};

/** Layer normalisation over the last axis: LayerNormalization from opset 17, its decomposition below. */
const layerNorm: ExportFn = (c) => {
  const shape = c.info(0).shape;
  const rank = shape.length;
  const eps = Number(c.arg(3) ?? 1e-5);
  const x = c.input(0, 'float32');
  const gamma = optional(c, 1);
  const beta = optional(c, 2);
  if (c.opset >= 17) {
    const last = shape[rank - 1];
    if (!gamma && last < 0) c.fail('layerNorm without gamma over a last dimension of unknown size');
    const scale = gamma ?? c.constant(Array(last).fill(1), 'float32');
    return c.op('LayerNormalization', beta ? [x, scale, beta] : [x, scale], { axis: { i: -1 }, epsilon: { f: eps } });
  }
  const mean = (v: string) => c.op('ReduceMean', [v], { axes: { ints: [rank - 1] }, keepdims: { i: 1 } }); // opsets 13–16: axes attribute
  const centered = c.op('Sub', [x, mean(x)]);
  const variance = mean(c.op('Mul', [centered, centered]));
  let y = c.op('Div', [centered, c.op('Sqrt', [c.op('Add', [variance, c.scalar(eps, 'float32')])])]);
  if (gamma) y = c.op('Mul', [y, gamma]);
  if (beta) y = c.op('Add', [y, beta]);
  return y;
};

const cumsum: ExportFn = (c) => {
  const rank = c.info(0).shape.length;
  const axis = c.axis(Number(c.arg(1) ?? 0), rank);
  return c.op('CumSum', [c.input(0), c.constant([axis], 'int32', [])], { exclusive: { i: c.arg(2) ? 1 : 0 }, reverse: { i: c.arg(3) ? 1 : 0 } });
};

/** dot of 1-D or 2-D operands: MatMul. */
const dot: ExportFn = (c) => c.op('MatMul', [c.input(0, 'float32'), c.input(1, 'float32')]);

const outerProduct: ExportFn = (c) => {
  const a = c.op('Unsqueeze', [c.input(0, 'float32'), c.int64s([1])]);
  const b = c.op('Unsqueeze', [c.input(1, 'float32'), c.int64s([0])]);
  return c.op('Mul', [a, b]);
};

/** prelu: x < 0 ? alpha·x : x (a select, as wgflow: NaN stays NaN). */
const prelu: ExportFn = (c) => {
  const x = c.input(0, 'float32');
  return c.op('Where', [c.op('Less', [x, c.scalar(0, 'float32')]), c.op('Mul', [x, c.input(1, 'float32')]), x]);
};

// ---- fused ops (TensorFlow.js's wg.fused.*): the standard ops they stand for ----

/** A fused activation applied to the value `v` (float32), as the unfused ops are exported. */
function activation(c: NodeContext, v: string, kind: string, alpha: number, weights: string | undefined): string {
  const zero = () => c.scalar(0, 'float32');
  switch (kind) {
    case 'linear':
      return v;
    case 'relu':
      return c.op('Relu', [v]);
    case 'relu6': {
      const lo = c.op('Where', [c.op('Less', [v, zero()]), zero(), v]);
      return c.op('Where', [c.op('Greater', [lo, c.scalar(6, 'float32')]), c.scalar(6, 'float32'), lo]);
    }
    case 'elu':
      return c.op('Elu', [v], { alpha: { f: 1 } });
    case 'sigmoid':
      return c.op('Sigmoid', [v]);
    case 'leakyrelu':
      return c.op('LeakyRelu', [v], { alpha: { f: alpha } });
    case 'prelu':
      if (!weights) return c.fail('a prelu activation without preluActivationWeights');
      return c.op('Where', [c.op('Less', [v, zero()]), c.op('Mul', [v, weights]), v]);
    default:
      return c.fail(`unknown fused activation ${JSON.stringify(kind)}`);
  }
}

/** fusedMatMul({ a, b, transposeA, transposeB, bias, activation, preluActivationWeights, leakyreluAlpha }). */
const fusedMatMul: ExportFn = (c) => {
  const o = c.node.args[0] as Record<string, ArgSpec>;
  const lit = (k: string) => decodeLiteral(o[k]);
  const tensor = (k: string): string | undefined => {
    const s = o[k];
    if (s === undefined || s === null || !(typeof s === 'object' && '$ref' in s)) return undefined;
    const v = c.ref(s);
    return c.info(s).dtype === 'float32' ? v : c.cast(v, 'float32');
  };
  const side = (k: 'a' | 'b', t: boolean) => {
    const x = tensor(k)!;
    if (!t) return x;
    const rank = c.info(o[k]).shape.length;
    const perm = [...Array(rank).keys()];
    [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
    return c.op('Transpose', [x], { perm: { ints: perm } });
  };
  let y = c.op('MatMul', [side('a', Boolean(lit('transposeA'))), side('b', Boolean(lit('transposeB')))]);
  const bias = tensor('bias');
  if (bias) y = c.op('Add', [y, bias]);
  return activation(c, y, String(lit('activation') ?? 'linear'), Number(lit('leakyreluAlpha') ?? 0.2), tensor('preluActivationWeights'));
};

export const EXPORTERS = {
  // ---- creation: computed by wgflow, written as initializers ----
  constant: FOLD,
  tensor: FOLD,
  scalar: FOLD,
  zeros: FOLD,
  ones: FOLD,
  fill: FOLD,
  eye: FOLD,
  range: FOLD,
  linspace: FOLD,
  zerosLike: fillLike(0),
  onesLike: fillLike(1),
  randomNormal: notExportable('random: ONNX RandomNormal draws other numbers than wgflow (not yet: issue 22)'),
  randomUniform: notExportable('random: ONNX RandomUniform draws other numbers than wgflow (not yet: issue 22)'),
  dropout: NOT_YET,

  // ---- elementwise, one operand ----
  abs: unary('Abs'),
  neg: unary('Neg'),
  sign: unary('Sign'),
  square,
  clone: identity,
  stopGradient: identity,
  exp: floatUnary('Exp'),
  log: floatUnary('Log'),
  sqrt: floatUnary('Sqrt'),
  rsqrt: (c) => c.op('Reciprocal', [c.op('Sqrt', [c.input(0, 'float32')])]),
  reciprocal: floatUnary('Reciprocal'),
  expm1: (c) => c.op('Sub', [c.op('Exp', [c.input(0, 'float32')]), c.scalar(1, 'float32')]),
  log1p: (c) => c.op('Log', [c.op('Add', [c.input(0, 'float32'), c.scalar(1, 'float32')])]),
  sin: floatUnary('Sin'),
  cos: floatUnary('Cos'),
  tan: floatUnary('Tan'),
  asin: floatUnary('Asin'),
  acos: floatUnary('Acos'),
  atan: floatUnary('Atan'),
  sinh: floatUnary('Sinh'),
  cosh: floatUnary('Cosh'),
  asinh: floatUnary('Asinh'),
  acosh: floatUnary('Acosh'),
  atanh: floatUnary('Atanh'),
  tanh: floatUnary('Tanh'),
  erf: floatUnary('Erf'),
  sigmoid: floatUnary('Sigmoid'),
  softplus: floatUnary('Softplus'),
  floor: rounding('Floor'),
  ceil: rounding('Ceil'),
  round: rounding('Round'), // half to even in both
  relu,
  relu6,
  elu: (c) => c.op('Elu', [c.input(0, 'float32')], { alpha: { f: 1 } }),
  selu: (c) => c.op('Selu', [c.input(0, 'float32')], { alpha: { f: SELU_ALPHA }, gamma: { f: SELU_SCALE } }),
  leakyRelu: (c) => c.op('LeakyRelu', [c.input(0, 'float32')], { alpha: { f: Number(c.arg(1) ?? 0.2) } }),
  logSigmoid,
  gelu,
  step,
  clipByValue,
  isNaN: (c) => c.op('IsNaN', [c.input(0, 'float32')]),
  isInf: (c) => c.op('IsInf', [c.input(0, 'float32')]),
  isFinite: (c) => {
    const x = c.input(0, 'float32');
    return c.op('Not', [c.op('Or', [c.op('IsNaN', [x]), c.op('IsInf', [x])])]);
  },
  logicalNot: (c) => c.op('Not', [c.input(0, 'bool')]),
  cast,

  // ---- elementwise, two or three operands ----
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: (c) => (isFloat(c.out.dtype) ? c.op('Div', [c.input(0, 'float32'), c.input(1, 'float32')]) : intFloorDiv(c)),
  floorDiv,
  mod,
  divNoNan,
  pow: binary('Pow'),
  maximum: binary('Max'),
  minimum: binary('Min'),
  squaredDifference: (c) => {
    const d = c.op('Sub', [c.input(0, c.out.dtype), c.input(1, c.out.dtype)]);
    return c.op('Mul', [d, d]);
  },
  atan2: NOT_YET,
  equal: compare('Equal'),
  notEqual: compare('Equal', true),
  greater: compare('Greater'),
  greaterEqual: compare('GreaterOrEqual'),
  less: compare('Less'),
  lessEqual: compare('LessOrEqual'),
  logicalAnd: logical('And'),
  logicalOr: logical('Or'),
  logicalXor: logical('Xor'),
  where,
  addN,

  // ---- reductions ----
  sum: reduce('ReduceSum'),
  mean: reduce('ReduceMean', 'float32'),
  max: reduce('ReduceMax'),
  min: reduce('ReduceMin'),
  prod: reduce('ReduceProd'),
  logSumExp: reduce('ReduceLogSumExp', 'float32'),
  any: boolReduce('ReduceMax'),
  all: boolReduce('ReduceMin'),
  argMax: argReduce('ArgMax'),
  argMin: argReduce('ArgMin'),
  cumsum,
  cumprod: NOT_YET,
  moments: NOT_YET,

  // ---- shapes and movement ----
  reshape,
  transpose,
  concat,
  stack,
  squeeze,
  expandDims,
  slice,
  gather,
  oneHot,
  unstack,
  split,
  stridedSlice: NOT_YET,
  tile,
  broadcastTo,
  pad,
  mirrorPad: NOT_YET,
  reverse,
  gatherND: NOT_YET,
  scatterND: NOT_YET,
  tensorScatterUpdate: NOT_YET,
  unsortedSegmentSum: NOT_YET,
  bincount: NOT_YET,
  batchToSpaceND: NOT_YET,
  spaceToBatchND: NOT_YET,
  depthToSpace: NOT_YET,
  topk: NOT_YET,
  einsum: NOT_YET,

  // ---- linear algebra, normalisation ----
  matMul,
  dot,
  outerProduct,
  fusedMatMul,
  softmax: softmaxLike('Softmax'),
  logSoftmax: softmaxLike('LogSoftmax'),
  layerNorm,
  batchNorm,
  batchNorm2d: batchNorm,
  batchNorm3d: batchNorm,
  batchNorm4d: batchNorm,
  localResponseNormalization: NOT_YET,
  prelu,

  // ---- convolution, pooling, images ----
  conv1d: NOT_YET,
  conv2d: NOT_YET,
  conv2dTranspose: NOT_YET,
  conv3d: NOT_YET,
  depthwiseConv2d: NOT_YET,
  separableConv2d: NOT_YET,
  fusedConv2d: NOT_YET,
  fusedDepthwiseConv2d: NOT_YET,
  avgPool: NOT_YET,
  avgPool3d: NOT_YET,
  maxPool: NOT_YET,
  maxPool3d: NOT_YET,
  pool: NOT_YET,
  resizeBilinear: NOT_YET,
  resizeNearestNeighbor: NOT_YET,
  cropAndResize: NOT_YET,
  flipLeftRight: NOT_YET,
  transform: NOT_YET,
  nonMaxSuppression: NOT_YET,
  nonMaxSuppressionPadded: NOT_YET,
  nonMaxSuppressionWithScore: NOT_YET,
  fromPixels: notExportable('reads browser pixels, which an ONNX graph has no input for: feed the pixels as a tensor'),

  // ---- state, effects, devices ----
  variable: notExportable('variables are written as initializers, not as nodes'),
  assign: notExportable('assigns change state, which an ONNX inference graph has none of'),
  assignAdd: notExportable('assigns change state, which an ONNX inference graph has none of'),
  print: notExportable('print is a side effect of the run (not yet: issue 22, as Identity)'),
  to: identity, // a device move: the value itself
} satisfies Record<OpName, OpExporter>;
