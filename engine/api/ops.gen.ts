// GENERATED from the op registry (engine/api/registry.ts) by `npm run gen:ops`: do not edit.
// Each public function is declared with its schema's signature (the compiler checks the implementation). tests/node/ops_registry.test.ts fails when this file is stale.
import type { Tensor } from '../core/tensor';
import type { DType } from '../core/dtype';
import type { Axis } from './reduce';
import type { TensorValues } from './creation';
import type { DeviceSpec } from './devices';
import type { VariableOptions } from './state';
import type { TensorLike } from './ops';
import type { FusedConv2DArgs, FusedMatMulArgs } from './conv';
import type { PixelSource } from './browser';
import { OPS } from './registry';

/** Every op's name: model importers and exporters key their op tables by it (`satisfies Record<OpName, …>`). */
export type OpName =
  | 'abs'
  | 'acos'
  | 'acosh'
  | 'add'
  | 'addN'
  | 'all'
  | 'any'
  | 'argMax'
  | 'argMin'
  | 'asin'
  | 'asinh'
  | 'assign'
  | 'assignAdd'
  | 'atan'
  | 'atan2'
  | 'atanh'
  | 'avgPool'
  | 'avgPool3d'
  | 'batchNorm'
  | 'batchNorm2d'
  | 'batchNorm3d'
  | 'batchNorm4d'
  | 'batchToSpaceND'
  | 'bincount'
  | 'broadcastTo'
  | 'cast'
  | 'ceil'
  | 'clipByValue'
  | 'clone'
  | 'concat'
  | 'constant'
  | 'conv1d'
  | 'conv2d'
  | 'conv2dTranspose'
  | 'conv3d'
  | 'cos'
  | 'cosh'
  | 'cropAndResize'
  | 'cumprod'
  | 'cumsum'
  | 'depthToSpace'
  | 'depthwiseConv2d'
  | 'div'
  | 'divNoNan'
  | 'dot'
  | 'dropout'
  | 'einsum'
  | 'elu'
  | 'equal'
  | 'erf'
  | 'exp'
  | 'expandDims'
  | 'expm1'
  | 'eye'
  | 'fill'
  | 'flipLeftRight'
  | 'floor'
  | 'floorDiv'
  | 'fromPixels'
  | 'fusedConv2d'
  | 'fusedDepthwiseConv2d'
  | 'fusedMatMul'
  | 'gather'
  | 'gatherND'
  | 'gelu'
  | 'greater'
  | 'greaterEqual'
  | 'isFinite'
  | 'isInf'
  | 'isNaN'
  | 'layerNorm'
  | 'leakyRelu'
  | 'less'
  | 'lessEqual'
  | 'linspace'
  | 'localResponseNormalization'
  | 'log'
  | 'log1p'
  | 'logicalAnd'
  | 'logicalNot'
  | 'logicalOr'
  | 'logicalXor'
  | 'logSigmoid'
  | 'logSoftmax'
  | 'logSumExp'
  | 'matMul'
  | 'max'
  | 'maximum'
  | 'maxPool'
  | 'maxPool3d'
  | 'mean'
  | 'min'
  | 'minimum'
  | 'mirrorPad'
  | 'mod'
  | 'moments'
  | 'mul'
  | 'neg'
  | 'nonMaxSuppression'
  | 'nonMaxSuppressionPadded'
  | 'nonMaxSuppressionWithScore'
  | 'notEqual'
  | 'oneHot'
  | 'ones'
  | 'onesLike'
  | 'outerProduct'
  | 'pad'
  | 'pool'
  | 'pow'
  | 'prelu'
  | 'print'
  | 'prod'
  | 'randomNormal'
  | 'randomUniform'
  | 'range'
  | 'reciprocal'
  | 'relu'
  | 'relu6'
  | 'reshape'
  | 'resizeBilinear'
  | 'resizeNearestNeighbor'
  | 'reverse'
  | 'round'
  | 'rsqrt'
  | 'scalar'
  | 'scatterND'
  | 'selu'
  | 'separableConv2d'
  | 'sigmoid'
  | 'sign'
  | 'sin'
  | 'sinh'
  | 'slice'
  | 'softmax'
  | 'softplus'
  | 'spaceToBatchND'
  | 'split'
  | 'sqrt'
  | 'square'
  | 'squaredDifference'
  | 'squeeze'
  | 'stack'
  | 'step'
  | 'stopGradient'
  | 'stridedSlice'
  | 'sub'
  | 'sum'
  | 'tan'
  | 'tanh'
  | 'tensor'
  | 'tensorScatterUpdate'
  | 'tile'
  | 'to'
  | 'topk'
  | 'transform'
  | 'transpose'
  | 'unsortedSegmentSum'
  | 'unstack'
  | 'variable'
  | 'where'
  | 'zeros'
  | 'zerosLike';
/** Absolute value |x|. */
export const abs: (x: TensorLike) => Tensor = OPS.abs;
/** Inverse cosine, in [0, π]; NaN outside [-1, 1]. */
export const acos: (x: TensorLike) => Tensor = OPS.acos;
/** Inverse hyperbolic cosine; NaN below 1. */
export const acosh: (x: TensorLike) => Tensor = OPS.acosh;
/** a + b */
export const add: (a: TensorLike, b: TensorLike) => Tensor = OPS.add;
/** Σ of a list of tensors of one shape and dtype (one fused kernel in graph mode). */
export const addN: (tensors: Tensor[]) => Tensor = OPS.addN;
/** Logical AND over a bool tensor (true over nothing). */
export const all: (x: Tensor, axis?: Axis, keepDims?: boolean) => Tensor = OPS.all;
/** Logical OR over a bool tensor (false over nothing). */
export const any: (x: Tensor, axis?: Axis, keepDims?: boolean) => Tensor = OPS.any;
/** Index (int32) of the largest value along `axis`; the first one on ties. */
export const argMax: (x: Tensor, axis?: number) => Tensor = OPS.argMax;
/** Index (int32) of the smallest value along `axis`; the first one on ties. */
export const argMin: (x: Tensor, axis?: number) => Tensor = OPS.argMin;
/** Inverse sine, in [-π/2, π/2]; NaN outside [-1, 1]. */
export const asin: (x: TensorLike) => Tensor = OPS.asin;
/** Inverse hyperbolic sine. */
export const asinh: (x: TensorLike) => Tensor = OPS.asinh;
/** Sets a variable's value (broadcast to its shape); returns the variable, holding the new value. */
export const assign: (v: Tensor, value: TensorLike) => Tensor = OPS.assign;
/** Adds to a variable's value; returns the variable. */
export const assignAdd: (v: Tensor, value: Tensor | number) => Tensor = OPS.assignAdd;
/** Inverse tangent, in (-π/2, π/2). */
export const atan: (x: TensorLike) => Tensor = OPS.atan;
/** The angle of (b, a) in (-π, π]. */
export const atan2: (a: TensorLike, b: TensorLike) => Tensor = OPS.atan2;
/** Inverse hyperbolic tangent; ±Infinity at ±1, NaN beyond. */
export const atanh: (x: TensorLike) => Tensor = OPS.atanh;
/** Average pooling over NHWC windows (float32), dividing by the number of taps inside the input, as TensorFlow. */
export const avgPool: (x: Tensor, filterSize: number | number[], strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dimRoundingMode?: 'floor' | 'round' | 'ceil') => Tensor = OPS.avgPool;
/** Average pooling over NDHWC windows (float32), dividing by the number of taps inside the input, as TensorFlow. */
export const avgPool3d: (x: Tensor, filterSize: number | number[], strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dimRoundingMode?: 'floor' | 'round' | 'ceil', dataFormat?: 'NDHWC' | 'NCDHW') => Tensor = OPS.avgPool3d;
/** (x − mean) · rsqrt(variance + varianceEpsilon) · scale + offset, the statistics broadcast against x: one kernel. */
export const batchNorm: (x: Tensor, mean: Tensor, variance: Tensor, offset?: Tensor | null, scale?: Tensor | null, varianceEpsilon?: number) => Tensor = OPS.batchNorm;
/** batchNorm for a rank-2 x (statistics of rank 2 or 1). */
export const batchNorm2d: (x: Tensor, mean: Tensor, variance: Tensor, offset?: Tensor | null, scale?: Tensor | null, varianceEpsilon?: number) => Tensor = OPS.batchNorm2d;
/** batchNorm for a rank-3 x (statistics of rank 3 or 1). */
export const batchNorm3d: (x: Tensor, mean: Tensor, variance: Tensor, offset?: Tensor | null, scale?: Tensor | null, varianceEpsilon?: number) => Tensor = OPS.batchNorm3d;
/** batchNorm for a rank-4 x (statistics of rank 4 or 1). */
export const batchNorm4d: (x: Tensor, mean: Tensor, variance: Tensor, offset?: Tensor | null, scale?: Tensor | null, varianceEpsilon?: number) => Tensor = OPS.batchNorm4d;
/** The inverse of spaceToBatchND: moves batch blocks back into the block dimensions, then crops them, as TensorFlow. One kernel. */
export const batchToSpaceND: (x: Tensor, blockShape: number[], crops: [number, number][]) => Tensor = OPS.batchToSpaceND;
/** Per value in [0, size) of the int32 vector x, the sum of its weights (or its count when weights is empty); larger values are ignored. */
export const bincount: (x: Tensor, weights: Tensor, size: number) => Tensor = OPS.bincount;
/** Broadcasts to `shape` (a view with stride 0 on the broadcast dimensions). */
export const broadcastTo: (x: Tensor, shape: number[]) => Tensor = OPS.broadcastTo;
/** Converts to `dtype` (float → int truncates toward zero; int32 ↔ uint32 keep the bits). */
export const cast: (x: TensorLike, dtype: DType) => Tensor = OPS.cast;
/** Rounds up: ⌈x⌉. */
export const ceil: (x: TensorLike) => Tensor = OPS.ceil;
/** Clamps to [min, max]. */
export const clipByValue: (x: TensorLike, clipValueMin: number, clipValueMax: number) => Tensor = OPS.clipByValue;
/** A copy of x in new, contiguous memory. */
export const clone: (x: TensorLike) => Tensor = OPS.clone;
/** Same-rank tensors joined along `axis`: one copy kernel per non-empty input, into its slot. */
export const concat: (tensors: Tensor[], axis?: number) => Tensor = OPS.concat;
/** TensorFlow's `tf.constant(value, dtype?, shape?)`. A single value with a shape fills it. */
export const constant: (values: TensorValues, dtype?: DType, shape?: number[]) => Tensor = OPS.constant;
/** 1-D convolution of [batch, width, inChannels] ('NWC'; 'NCW' too) by a [filterWidth, inChannels, outChannels] filter; rank 2 is one signal. */
export const conv1d: (x: Tensor, filter: Tensor, stride: number, pad: 'valid' | 'same' | number | [number, number][], dataFormat?: 'NWC' | 'NCW', dilation?: number, dimRoundingMode?: 'floor' | 'round' | 'ceil') => Tensor = OPS.conv1d;
/** 2-D convolution of NHWC (or NCHW) images by a [filterHeight, filterWidth, inChannels, outChannels] filter, TensorFlow.js's padding ('same', 'valid', a number, explicit pairs), strides and dilations; rank 3 is one image. */
export const conv2d: (x: Tensor, filter: Tensor, strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dataFormat?: 'NHWC' | 'NCHW', dilations?: number | number[], dimRoundingMode?: 'floor' | 'round' | 'ceil') => Tensor = OPS.conv2d;
/** Transposed 2-D convolution (conv2d's gradient with respect to its input): NHWC x by a [filterHeight, filterWidth, outDepth, inDepth] filter to `outputShape`. */
export const conv2dTranspose: (x: Tensor, filter: Tensor, outputShape: number[], strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dimRoundingMode?: 'floor' | 'round' | 'ceil') => Tensor = OPS.conv2dTranspose;
/** 3-D convolution of NDHWC volumes by a [filterDepth, filterHeight, filterWidth, inChannels, outChannels] filter, 'same'/'valid' (or numeric, explicit) padding, strides or dilations; rank 4 is one volume. */
export const conv3d: (x: Tensor, filter: Tensor, strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dataFormat?: 'NDHWC' | 'NCDHW', dilations?: number | number[]) => Tensor = OPS.conv3d;
/** cos x */
export const cos: (x: TensorLike) => Tensor = OPS.cos;
/** Hyperbolic cosine. */
export const cosh: (x: TensorLike) => Tensor = OPS.cosh;
/** Running product along `axis`; `exclusive` starts from 1, `reverse` runs from the end. */
export const cumprod: (x: Tensor, axis?: number, exclusive?: boolean, reverse?: boolean) => Tensor = OPS.cumprod;
/** Running sum along `axis`; `exclusive` starts from 0, `reverse` runs from the end (as TensorFlow). */
export const cumsum: (x: Tensor, axis?: number, exclusive?: boolean, reverse?: boolean) => Tensor = OPS.cumsum;
/** Moves depth into blockSize × blockSize spatial blocks (TensorFlow's DCR order) of a rank-4 NHWC or NCHW tensor: one copy kernel. */
export const depthToSpace: (x: Tensor, blockSize: number, dataFormat?: 'NHWC' | 'NCHW') => Tensor = OPS.depthToSpace;
/** Depthwise 2-D convolution: each input channel convolved with its own [filterHeight, filterWidth] filters (filter [kH, kW, inChannels, multiplier]), giving inChannels·multiplier channels. */
export const depthwiseConv2d: (x: Tensor, filter: Tensor, strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dataFormat?: 'NHWC' | 'NCHW', dilations?: number | number[], dimRoundingMode?: 'floor' | 'round' | 'ceil') => Tensor = OPS.depthwiseConv2d;
/** a / b; for two integer tensors this is floor division (as TensorFlow.js). */
export const div: (a: TensorLike, b: TensorLike) => Tensor = OPS.div;
/** a / b, or 0 where b is 0. */
export const divNoNan: (a: TensorLike, b: TensorLike) => Tensor = OPS.divNoNan;
/** Dot product of vectors, or matrix–vector / vector–matrix / matrix–matrix products (rank ≤ 2). */
export const dot: (t1: Tensor, t2: Tensor) => Tensor = OPS.dot;
/** Zeroes each element with probability `rate` and scales the rest by 1 / (1 - rate); a new mask per call and per graph run (seeded: reproducible). */
export const dropout: (x: Tensor, rate: number, noiseShape?: number[] | null, seed?: number) => Tensor = OPS.dropout;
/** Einstein summation over one or two tensors ('ij,jk->ik', 'bij,bjk->bik', 'ii->', 'ij->ji', 'i,j->ij'): repeated indices in an operand take its diagonal, indices missing from the output are summed; lowered onto views, reductions and one batched matMul. */
export const einsum: (equation: string, ...tensors: Tensor[]) => Tensor = OPS.einsum;
/** x > 0 ? x : eˣ - 1 */
export const elu: (x: TensorLike) => Tensor = OPS.elu;
/** a == b (bool). */
export const equal: (a: TensorLike, b: TensorLike) => Tensor = OPS.equal;
/** The error function. */
export const erf: (x: TensorLike) => Tensor = OPS.erf;
/** eˣ (integers give float32). */
export const exp: (x: TensorLike) => Tensor = OPS.exp;
/** Inserts a size-1 dimension at `axis` (negative counts from the end: -1 appends). */
export const expandDims: (x: Tensor, axis?: number) => Tensor = OPS.expandDims;
/** eˣ - 1, accurate near 0. */
export const expm1: (x: TensorLike) => Tensor = OPS.expm1;
/** Identity matrices (numRows × numColumns), optionally batched. */
export const eye: (numRows: number, numColumns?: number | null, batchShape?: number[] | null, dtype?: DType) => Tensor = OPS.eye;
/** A tensor of `shape` filled with `value`. */
export const fill: (shape: number[], value: number | boolean, dtype?: DType) => Tensor = OPS.fill;
/** Rounds down: ⌊x⌋. */
export const floor: (x: TensorLike) => Tensor = OPS.floor;
/** ⌊a / b⌋ (NumPy semantics; integer division by 0 gives 0). */
export const floorDiv: (a: TensorLike, b: TensorLike) => Tensor = OPS.floorDiv;
/** Slices of x along `axis` at `indices` (int32; the first `batchDims` dimensions shared): host indices are range-checked, device indices clamped. */
export const gather: (x: Tensor, indices: Tensor | number[], axis?: number, batchDims?: number) => Tensor = OPS.gather;
/** Slices of x at the coordinate rows of `indices` (last dimension K ≤ rank): indices.shape[:-1] + x.shape[K:]. Host indices are range-checked, device ones clamped. */
export const gatherND: (x: Tensor, indices: Tensor | number[]) => Tensor = OPS.gatherND;
/** Exact GELU: x·Φ(x) = 0.5·x·(1 + erf(x/√2)). */
export const gelu: (x: TensorLike) => Tensor = OPS.gelu;
/** a > b (bool). */
export const greater: (a: TensorLike, b: TensorLike) => Tensor = OPS.greater;
/** a ≥ b (bool). */
export const greaterEqual: (a: TensorLike, b: TensorLike) => Tensor = OPS.greaterEqual;
/** Whether x is neither NaN nor ±Infinity (bool). */
export const isFinite: (x: TensorLike) => Tensor = OPS.isFinite;
/** Whether x is +Infinity or -Infinity (bool). */
export const isInf: (x: TensorLike) => Tensor = OPS.isInf;
/** Whether x is NaN (bool; never for integers). */
export const isNaN: (x: TensorLike) => Tensor = OPS.isNaN;
/** Layer normalisation over the last axis, then · gamma + beta when given (1-D, the last dimension). */
export const layerNorm: (x: Tensor, gamma?: Tensor | null, beta?: Tensor | null, epsilon?: number) => Tensor = OPS.layerNorm;
/** x ≥ 0 ? x : alpha·x (alpha defaults to 0.2, as in TensorFlow.js). */
export const leakyRelu: (x: TensorLike, alpha?: number) => Tensor = OPS.leakyRelu;
/** a < b (bool). */
export const less: (a: TensorLike, b: TensorLike) => Tensor = OPS.less;
/** a ≤ b (bool). */
export const lessEqual: (a: TensorLike, b: TensorLike) => Tensor = OPS.lessEqual;
/** `num` evenly spaced numbers from start to stop, both included. */
export const linspace: (start: number, stop: number, num: number) => Tensor = OPS.linspace;
/** Local response normalisation over the last axis (TensorFlow's): x · (bias + alpha · Σ x² over the 2·depthRadius + 1 neighbouring channels)^(−beta), for rank-4 NHWC (or rank-3) x. One kernel. */
export const localResponseNormalization: (x: Tensor, depthRadius?: number, bias?: number, alpha?: number, beta?: number) => Tensor = OPS.localResponseNormalization;
/** Natural logarithm; log(0) = -Infinity, negative → NaN. */
export const log: (x: TensorLike) => Tensor = OPS.log;
/** log(1 + x), accurate near 0. */
export const log1p: (x: TensorLike) => Tensor = OPS.log1p;
/** a AND b (bool tensors). */
export const logicalAnd: (a: TensorLike, b: TensorLike) => Tensor = OPS.logicalAnd;
/** NOT of a bool tensor. */
export const logicalNot: (x: TensorLike) => Tensor = OPS.logicalNot;
/** a OR b (bool tensors). */
export const logicalOr: (a: TensorLike, b: TensorLike) => Tensor = OPS.logicalOr;
/** a XOR b (bool tensors). */
export const logicalXor: (a: TensorLike, b: TensorLike) => Tensor = OPS.logicalXor;
/** log(1 / (1 + e⁻ˣ)), computed without overflow. */
export const logSigmoid: (x: TensorLike) => Tensor = OPS.logSigmoid;
/** x - logΣexp(x) along `axis` (default: the last). */
export const logSoftmax: (logits: Tensor, axis?: number) => Tensor = OPS.logSoftmax;
/** log(Σ exp(x)), computed stably (the maximum is subtracted first). */
export const logSumExp: (x: Tensor, axis?: Axis, keepDims?: boolean) => Tensor = OPS.logSumExp;
/** Matrix product over the last two dimensions; batch dimensions broadcast; transposes are free (strides). */
export const matMul: (a: Tensor, b: Tensor, transposeA?: boolean, transposeB?: boolean) => Tensor = OPS.matMul;
/** Matrix product over the last two dimensions; batch dimensions broadcast; transposes are free (strides). (alias of matMul) */
export const matmul = matMul;
/** Maximum (NaN propagates; -Infinity over nothing). */
export const max: (x: Tensor, axis?: Axis, keepDims?: boolean) => Tensor = OPS.max;
/** The larger of a and b (NaN propagates). */
export const maximum: (a: TensorLike, b: TensorLike) => Tensor = OPS.maximum;
/** Max pooling over NHWC windows (rank 3: one image); padding never wins. TensorFlow.js's maxPool. */
export const maxPool: (x: Tensor, filterSize: number | number[], strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dimRoundingMode?: 'floor' | 'round' | 'ceil') => Tensor = OPS.maxPool;
/** Max pooling over NDHWC windows (rank 4: one volume); padding never wins. TensorFlow.js's maxPool3d. */
export const maxPool3d: (x: Tensor, filterSize: number | number[], strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dimRoundingMode?: 'floor' | 'round' | 'ceil', dataFormat?: 'NDHWC' | 'NCDHW') => Tensor = OPS.maxPool3d;
/** Arithmetic mean (float32). The mean of nothing is NaN. */
export const mean: (x: Tensor, axis?: Axis, keepDims?: boolean) => Tensor = OPS.mean;
/** Minimum (NaN propagates; +Infinity over nothing). */
export const min: (x: Tensor, axis?: Axis, keepDims?: boolean) => Tensor = OPS.min;
/** The smaller of a and b (NaN propagates). */
export const minimum: (a: TensorLike, b: TensorLike) => Tensor = OPS.minimum;
/** Pads with mirrored values: 'reflect' leaves the edge out (paddings < the size), 'symmetric' repeats it (paddings ≤ the size). One kernel. */
export const mirrorPad: (x: Tensor, paddings: [number, number][], mode: 'reflect' | 'symmetric') => Tensor = OPS.mirrorPad;
/** Remainder with the divisor's sign (NumPy/Python %). */
export const mod: (a: TensorLike, b: TensorLike) => Tensor = OPS.mod;
/** Mean and (population) variance over `axes` (TensorFlow.js's moments). */
export const moments: (x: Tensor, axes?: number | number[], keepDims?: boolean) => { mean: Tensor; variance: Tensor } = OPS.moments;
/** a · b */
export const mul: (a: TensorLike, b: TensorLike) => Tensor = OPS.mul;
/** Negation: -x. */
export const neg: (x: TensorLike) => Tensor = OPS.neg;
/** a != b (bool). */
export const notEqual: (a: TensorLike, b: TensorLike) => Tensor = OPS.notEqual;
/** One-hot encoding along a new dimension of size `depth` at `axis` (default: last; out-of-range indices: all offValue). */
export const oneHot: (indices: Tensor, depth: number, onValue?: number, offValue?: number, dtype?: DType, axis?: number) => Tensor = OPS.oneHot;
/** A tensor of ones. */
export const ones: (shape: number[], dtype?: DType) => Tensor = OPS.ones;
/** Ones of the shape and dtype of x. */
export const onesLike: (x: Tensor) => Tensor = OPS.onesLike;
/** v1[i] · v2[j] for two vectors (one elementwise kernel over broadcast views). */
export const outerProduct: (v1: Tensor, v2: Tensor) => Tensor = OPS.outerProduct;
/** Pads with `constantValue`: paddings[d] = [before, after] elements. One kernel. */
export const pad: (x: Tensor, paddings: [number, number][], constantValue?: number) => Tensor = OPS.pad;
/** Max or average pooling with dilations (TensorFlow.js's pool): strides and dilations may not both exceed 1. */
export const pool: (input: Tensor, windowShape: number | number[], poolingType: 'max' | 'avg', pad: 'valid' | 'same' | number | [number, number][], dilations?: number | number[], strides?: number | number[], dimRoundingMode?: 'floor' | 'round' | 'ceil') => Tensor = OPS.pool;
/** a to the power b. */
export const pow: (a: TensorLike, b: TensorLike) => Tensor = OPS.pow;
/** x < 0 ? alpha·x : x, alpha a tensor broadcast against x. */
export const prelu: (x: TensorLike, alpha: TensorLike) => Tensor = OPS.prelu;
/** Prints strings, numbers and tensors (NumPy-style); in a graph, when it runs. Prints keep their order. */
export const print: (...values: unknown[]) => Promise<void> = OPS.print;
/** Product over `axis` (all axes by default); 1 over nothing. */
export const prod: (x: Tensor, axis?: Axis, keepDims?: boolean) => Tensor = OPS.prod;
/** Normally distributed values (Box–Muller). */
export const randomNormal: (shape: number[], mean?: number, stdDev?: number, dtype?: DType, seed?: number) => Tensor = OPS.randomNormal;
/** Uniform random values in [minval, maxval). The same seed gives the same values on every backend. */
export const randomUniform: (shape: number[], minval?: number, maxval?: number, dtype?: DType, seed?: number) => Tensor = OPS.randomUniform;
/** Numbers from start (inclusive) to stop (exclusive) by step; `range(n)` counts 0..n-1. */
export const range: (start: number, stop?: number, step?: number, dtype?: DType) => Tensor = OPS.range;
/** 1 / x */
export const reciprocal: (x: TensorLike) => Tensor = OPS.reciprocal;
/** max(x, 0); NaN stays NaN. */
export const relu: (x: TensorLike) => Tensor = OPS.relu;
/** min(max(x, 0), 6); NaN stays NaN. */
export const relu6: (x: TensorLike) => Tensor = OPS.relu6;
/** New shape with the same elements; one dimension may be -1 (inferred). A view when x is contiguous. */
export const reshape: (x: Tensor, shape: number[]) => Tensor = OPS.reshape;
/** Reverses the order along `axis` (all axes by default): a view with negative strides. */
export const reverse: (x: Tensor, axis?: number | number[]) => Tensor = OPS.reverse;
/** Reverses the order along `axis` (all axes by default): a view with negative strides. (alias of reverse) */
export const flip = reverse;
/** Rounds half to even, as TensorFlow and NumPy do. */
export const round: (x: TensorLike) => Tensor = OPS.round;
/** 1 / √x */
export const rsqrt: (x: TensorLike) => Tensor = OPS.rsqrt;
/** A rank-0 tensor. */
export const scalar: (value: number | boolean, dtype?: DType) => Tensor = OPS.scalar;
/** Zeros of `shape` with `updates` added at the coordinate rows of `indices` (duplicates summed). Compare + sum: slots × slice × rows work. */
export const scatterND: (indices: Tensor | number[], updates: Tensor, shape: number[]) => Tensor = OPS.scatterND;
/** Scaled ELU: 1.0507·(x > 0 ? x : 1.6733·(eˣ - 1)). */
export const selu: (x: TensorLike) => Tensor = OPS.selu;
/** A depthwise convolution (filter [kH, kW, inChannels, multiplier]) then a pointwise 1×1 convolution (filter [1, 1, inChannels·multiplier, outChannels]). */
export const separableConv2d: (x: Tensor, depthwiseFilter: Tensor, pointwiseFilter: Tensor, strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dilation?: number | number[], dataFormat?: 'NHWC' | 'NCHW') => Tensor = OPS.separableConv2d;
/** 1 / (1 + e⁻ˣ) */
export const sigmoid: (x: TensorLike) => Tensor = OPS.sigmoid;
/** -1, 0 or 1 (NaN stays NaN). */
export const sign: (x: TensorLike) => Tensor = OPS.sign;
/** sin x */
export const sin: (x: TensorLike) => Tensor = OPS.sin;
/** Hyperbolic sine. */
export const sinh: (x: TensorLike) => Tensor = OPS.sinh;
/** A box of `size` elements from `begin` (a view); negative begin counts from the end, size -1 takes the rest. */
export const slice: (x: Tensor, begin: number | number[], size?: number | number[]) => Tensor = OPS.slice;
/** exp(x) / Σ exp(x) along `dim` (default: the last), computed with the maximum subtracted. */
export const softmax: (logits: Tensor, dim?: number) => Tensor = OPS.softmax;
/** log(1 + eˣ), computed without overflow. */
export const softplus: (x: TensorLike) => Tensor = OPS.softplus;
/** Zero-pads the block dimensions (1…M after the batch) and moves blockShape blocks of them into the batch, as TensorFlow. One kernel. */
export const spaceToBatchND: (x: Tensor, blockShape: number[], paddings: [number, number][]) => Tensor = OPS.spaceToBatchND;
/** Views splitting `axis` into equal parts, or into parts of the given sizes (one may be -1: the rest). */
export const split: (x: Tensor, numOrSizeSplits: number | number[], axis?: number) => Tensor[] = OPS.split;
/** Square root √x; negative → NaN. */
export const sqrt: (x: TensorLike) => Tensor = OPS.sqrt;
/** x² (keeps the dtype). */
export const square: (x: TensorLike) => Tensor = OPS.square;
/** (a - b)² */
export const squaredDifference: (a: TensorLike, b: TensorLike) => Tensor = OPS.squaredDifference;
/** Removes size-1 dimensions (all of them, or those in `axis`, which must have size 1). */
export const squeeze: (x: Tensor, axis?: number | number[]) => Tensor = OPS.squeeze;
/** Tensors of equal shape stacked along a new `axis`. */
export const stack: (tensors: Tensor[], axis?: number) => Tensor = OPS.stack;
/** x > 0 ? 1 : alpha (alpha defaults to 0); NaN stays NaN. */
export const step: (x: TensorLike, alpha?: number) => Tensor = OPS.step;
/** x unchanged, as a constant for gradients: nothing flows back through it (TensorFlow stop_gradient). A view. */
export const stopGradient: (x: Tensor) => Tensor = OPS.stopGradient;
/** TensorFlow's strided slice (begin/end/strides, beginMask/endMask/ellipsisMask/newAxisMask/shrinkAxisMask): a view. */
export const stridedSlice: (x: Tensor, begin: number[], end: number[], strides?: number[], beginMask?: number, endMask?: number, ellipsisMask?: number, newAxisMask?: number, shrinkAxisMask?: number) => Tensor = OPS.stridedSlice;
/** a - b */
export const sub: (a: TensorLike, b: TensorLike) => Tensor = OPS.sub;
/** Σ over `axis` (all axes by default). Integers keep their dtype; bools count as int32. */
export const sum: (x: Tensor, axis?: Axis, keepDims?: boolean) => Tensor = OPS.sum;
/** tan x */
export const tan: (x: TensorLike) => Tensor = OPS.tan;
/** tanh x */
export const tanh: (x: TensorLike) => Tensor = OPS.tanh;
/** A tensor from host values: numbers become float32 and booleans bool unless `dtype` says otherwise. */
export const tensor: (values: TensorValues, shape?: number[] | null, dtype?: DType) => Tensor = OPS.tensor;
/** A copy of `tensor` with the slices at the coordinate rows of `indices` replaced by `updates` (for duplicates the last row wins). */
export const tensorScatterUpdate: (tensor: Tensor, indices: Tensor | number[], updates: Tensor) => Tensor = OPS.tensorScatterUpdate;
/** Repeats the tensor reps[d] times along each dimension (one copy kernel through a broadcast view). */
export const tile: (x: Tensor, reps: number[]) => Tensor = OPS.tile;
/** A copy on `device` (the tensor itself if it is there already); WebGPU → CPU completes asynchronously. */
export const to: (x: Tensor, device: DeviceSpec) => Tensor = OPS.to;
/** The k largest entries along the last axis and their int32 indices, largest first (ties: lower index first); rank counting on the device (O(n²) per row of n), or k rounds of argMax for rows too long for that. */
export const topk: (x: Tensor, k?: number, sorted?: boolean) => { values: Tensor; indices: Tensor } = OPS.topk;
/** Permutes dimensions (default: reverse them). Always a view. */
export const transpose: (x: Tensor, perm?: number[]) => Tensor = OPS.transpose;
/** Sums of the slices of x per segment id (ids over the leading dimensions; negative ids are dropped): [numSegments, ...rest]. */
export const unsortedSegmentSum: (x: Tensor, segmentIds: Tensor | number[], numSegments: number) => Tensor = OPS.unsortedSegmentSum;
/** Views of the slices along `axis`, that dimension removed. */
export const unstack: (x: Tensor, axis?: number) => Tensor[] = OPS.unstack;
/** A variable: a tensor whose value assign/assignAdd change; in a graph its state lives in the Session. */
export const variable: (initial: Tensor | TensorValues, options?: VariableOptions) => Tensor = OPS.variable;
/** condition ? a : b, elementwise, broadcasting all three. */
export const where: (condition: TensorLike, a: TensorLike, b: TensorLike) => Tensor = OPS.where;
/** A tensor of zeros. */
export const zeros: (shape: number[], dtype?: DType) => Tensor = OPS.zeros;
/** Zeros of the shape and dtype of x. */
export const zerosLike: (x: Tensor) => Tensor = OPS.zerosLike;
/** Pixels in and out of tensors (TensorFlow.js's `tf.browser`): the registry's fromPixels. */
export const browser: {
  /** An int32 [height, width, numChannels] tensor (0..255) of an image, canvas, video, ImageBitmap, ImageData or PixelData; numChannels 1, 3 (default) or 4. TensorFlow.js's tf.browser.fromPixels; on WebGPU through copyExternalImageToTexture and one unpack kernel. */
  readonly fromPixels: (pixels: PixelSource, numChannels?: number) => Tensor;
} = { fromPixels: OPS.fromPixels };
/** Fused ops (TensorFlow.js's `tf.fused`): a product or convolution with its bias and activation in one kernel. */
export const fused: {
  /** conv2d + bias + activation ('linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid') as one kernel: TensorFlow.js's fused.conv2d, one options object. */
  readonly conv2d: (args: FusedConv2DArgs) => Tensor;
  /** depthwiseConv2d + bias + activation as one kernel: TensorFlow.js's fused.depthwiseConv2d, one options object. */
  readonly depthwiseConv2d: (args: FusedConv2DArgs) => Tensor;
  /** matMul + bias + activation in the matmul kernel: TensorFlow.js's fused.matMul, one options object {a, b, transposeA?, transposeB?, bias?, activation?…}. */
  readonly matMul: (args: FusedMatMulArgs) => Tensor;
} = { conv2d: OPS.fusedConv2d, depthwiseConv2d: OPS.fusedDepthwiseConv2d, matMul: OPS.fusedMatMul };
/** Image ops (TensorFlow.js's `tf.image`). */
export const image: {
  /** Crops boxes ([n, 4] normalized y1, x1, y2, x2; boxInd picks the image) out of [batch, h, w, c] images and resizes each to cropSize, bilinear or nearest, with TensorFlow's sampling rules; samples outside the image are extrapolationValue. One kernel. */
  readonly cropAndResize: (image: Tensor, boxes: Tensor, boxInd: Tensor, cropSize: number[], method?: 'bilinear' | 'nearest', extrapolationValue?: number) => Tensor;
  /** Mirrors [batch, h, w, c] images along the width (a reversed view, copied once). */
  readonly flipLeftRight: (image: Tensor) => Tensor;
  /** Greedy non-max suppression of [numBoxes, 4] boxes by score: the selected box indices (int32). Needs host-known boxes and scores (JS arrays); device tensors: nonMaxSuppressionAsync. */
  readonly nonMaxSuppression: (boxes: Tensor | TensorValues, scores: Tensor | TensorValues, maxOutputSize: number, iouThreshold?: number, scoreThreshold?: number) => Tensor;
  /** Non-max suppression: { selectedIndices (zero-padded to maxOutputSize when padToMaxOutputSize), validOutputs }. Host-known inputs; device tensors: the Async form. */
  readonly nonMaxSuppressionPadded: (boxes: Tensor | TensorValues, scores: Tensor | TensorValues, maxOutputSize: number, iouThreshold?: number, scoreThreshold?: number, padToMaxOutputSize?: boolean) => { selectedIndices: Tensor; validOutputs: Tensor };
  /** Non-max suppression (soft-NMS with Gaussian decay when softNmsSigma > 0): { selectedIndices, selectedScores }. Host-known inputs; device tensors: the Async form. */
  readonly nonMaxSuppressionWithScore: (boxes: Tensor | TensorValues, scores: Tensor | TensorValues, maxOutputSize: number, iouThreshold?: number, scoreThreshold?: number, softNmsSigma?: number) => { selectedIndices: Tensor; selectedScores: Tensor };
  /** Resizes [h, w, c] or [b, h, w, c] images to `size` = [newHeight, newWidth] by bilinear interpolation (float32 result), with TensorFlow's alignCorners / halfPixelCenters rules. One kernel. */
  readonly resizeBilinear: (images: Tensor, size: number[], alignCorners?: boolean, halfPixelCenters?: boolean) => Tensor;
  /** Resizes [h, w, c] or [b, h, w, c] images to `size` = [newHeight, newWidth], each output pixel a copy of the nearest input pixel (dtype kept), with TensorFlow's alignCorners / halfPixelCenters rules. One kernel. */
  readonly resizeNearestNeighbor: (images: Tensor, size: number[], alignCorners?: boolean, halfPixelCenters?: boolean) => Tensor;
  /** Applies projective transforms ([1, 8] or [batch, 8] rows a0 a1 a2 b0 b1 b2 c0 c1, output → input) to [batch, h, w, c] images, TensorFlow.js's image.transform: 'nearest' or 'bilinear' sampling, fillMode 'constant' | 'reflect' | 'wrap' | 'nearest', optional outputShape. One kernel. */
  readonly transform: (image: Tensor, transforms: Tensor, interpolation?: 'bilinear' | 'nearest', fillMode?: 'constant' | 'reflect' | 'wrap' | 'nearest', fillValue?: number, outputShape?: number[]) => Tensor;
} = { cropAndResize: OPS.cropAndResize, flipLeftRight: OPS.flipLeftRight, nonMaxSuppression: OPS.nonMaxSuppression, nonMaxSuppressionPadded: OPS.nonMaxSuppressionPadded, nonMaxSuppressionWithScore: OPS.nonMaxSuppressionWithScore, resizeBilinear: OPS.resizeBilinear, resizeNearestNeighbor: OPS.resizeNearestNeighbor, transform: OPS.transform };
