// GENERATED from the op registry (engine/api/registry.ts) by `npm run gen:ops`: do not edit.
// The Tensor methods: `x.op(...rest)` is `op(x, ...rest)`. tests/node/ops_registry.test.ts fails when this file is stale.
import type { Tensor } from '../core/tensor';
import type { DType } from '../core/dtype';
import type { Axis } from './reduce';
import type { DeviceSpec } from './devices';
import type { TensorLike } from './ops';

/** The ops that are also Tensor methods. */
export type MethodName =
  | 'abs'
  | 'acos'
  | 'acosh'
  | 'add'
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
  | 'batchToSpaceND'
  | 'broadcastTo'
  | 'cast'
  | 'ceil'
  | 'clipByValue'
  | 'clone'
  | 'conv1d'
  | 'conv2d'
  | 'conv2dTranspose'
  | 'conv3d'
  | 'cos'
  | 'cosh'
  | 'cumprod'
  | 'cumsum'
  | 'depthToSpace'
  | 'depthwiseConv2d'
  | 'div'
  | 'divNoNan'
  | 'dot'
  | 'elu'
  | 'equal'
  | 'erf'
  | 'exp'
  | 'expandDims'
  | 'expm1'
  | 'floor'
  | 'floorDiv'
  | 'gather'
  | 'gelu'
  | 'greater'
  | 'greaterEqual'
  | 'isFinite'
  | 'isInf'
  | 'isNaN'
  | 'leakyRelu'
  | 'less'
  | 'lessEqual'
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
  | 'mul'
  | 'neg'
  | 'notEqual'
  | 'pad'
  | 'pool'
  | 'pow'
  | 'prelu'
  | 'prod'
  | 'reciprocal'
  | 'relu'
  | 'relu6'
  | 'reshape'
  | 'resizeBilinear'
  | 'resizeNearestNeighbor'
  | 'reverse'
  | 'round'
  | 'rsqrt'
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
  | 'step'
  | 'sub'
  | 'sum'
  | 'tan'
  | 'tanh'
  | 'tile'
  | 'to'
  | 'topk'
  | 'transpose'
  | 'unstack';

declare module '../core/tensor' {
  interface Tensor {
    /** Absolute value |x|. */
    abs(): Tensor;
    /** Inverse cosine, in [0, π]; NaN outside [-1, 1]. */
    acos(): Tensor;
    /** Inverse hyperbolic cosine; NaN below 1. */
    acosh(): Tensor;
    /** a + b */
    add(b: TensorLike): Tensor;
    /** Logical AND over a bool tensor (true over nothing). */
    all(axis?: Axis, keepDims?: boolean): Tensor;
    /** Logical OR over a bool tensor (false over nothing). */
    any(axis?: Axis, keepDims?: boolean): Tensor;
    /** Index (int32) of the largest value along `axis`; the first one on ties. */
    argMax(axis?: number): Tensor;
    /** Index (int32) of the smallest value along `axis`; the first one on ties. */
    argMin(axis?: number): Tensor;
    /** Inverse sine, in [-π/2, π/2]; NaN outside [-1, 1]. */
    asin(): Tensor;
    /** Inverse hyperbolic sine. */
    asinh(): Tensor;
    /** Sets a variable's value (broadcast to its shape); returns the variable, holding the new value. */
    assign(value: TensorLike): Tensor;
    /** Adds to a variable's value; returns the variable. */
    assignAdd(value: Tensor | number): Tensor;
    /** Inverse tangent, in (-π/2, π/2). */
    atan(): Tensor;
    /** The angle of (b, a) in (-π, π]. */
    atan2(b: TensorLike): Tensor;
    /** Inverse hyperbolic tangent; ±Infinity at ±1, NaN beyond. */
    atanh(): Tensor;
    /** Average pooling over NHWC windows (float32), dividing by the number of taps inside the input, as TensorFlow. */
    avgPool(filterSize: number | number[], strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor;
    /** Average pooling over NDHWC windows (float32), dividing by the number of taps inside the input, as TensorFlow. */
    avgPool3d(filterSize: number | number[], strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dimRoundingMode?: 'floor' | 'round' | 'ceil', dataFormat?: 'NDHWC' | 'NCDHW'): Tensor;
    /** (x − mean) · rsqrt(variance + varianceEpsilon) · scale + offset, the statistics broadcast against x: one kernel. */
    batchNorm(mean: Tensor, variance: Tensor, offset?: Tensor | null, scale?: Tensor | null, varianceEpsilon?: number): Tensor;
    /** The inverse of spaceToBatchND: moves batch blocks back into the block dimensions, then crops them, as TensorFlow. One kernel. */
    batchToSpaceND(blockShape: number[], crops: [number, number][]): Tensor;
    /** Broadcasts to `shape` (a view with stride 0 on the broadcast dimensions). */
    broadcastTo(shape: number[]): Tensor;
    /** Converts to `dtype` (float → int truncates toward zero; int32 ↔ uint32 keep the bits). */
    cast(dtype: DType): Tensor;
    /** Rounds up: ⌈x⌉. */
    ceil(): Tensor;
    /** Clamps to [min, max]. */
    clipByValue(clipValueMin: number, clipValueMax: number): Tensor;
    /** A copy of x in new, contiguous memory. */
    clone(): Tensor;
    /** 1-D convolution of [batch, width, inChannels] ('NWC'; 'NCW' too) by a [filterWidth, inChannels, outChannels] filter; rank 2 is one signal. */
    conv1d(filter: Tensor, stride: number, pad: 'valid' | 'same' | number | [number, number][], dataFormat?: 'NWC' | 'NCW', dilation?: number, dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor;
    /** 2-D convolution of NHWC (or NCHW) images by a [filterHeight, filterWidth, inChannels, outChannels] filter, TensorFlow.js's padding ('same', 'valid', a number, explicit pairs), strides and dilations; rank 3 is one image. */
    conv2d(filter: Tensor, strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dataFormat?: 'NHWC' | 'NCHW', dilations?: number | number[], dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor;
    /** Transposed 2-D convolution (conv2d's gradient with respect to its input): NHWC x by a [filterHeight, filterWidth, outDepth, inDepth] filter to `outputShape`. */
    conv2dTranspose(filter: Tensor, outputShape: number[], strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor;
    /** 3-D convolution of NDHWC volumes by a [filterDepth, filterHeight, filterWidth, inChannels, outChannels] filter, 'same'/'valid' (or numeric, explicit) padding, strides or dilations; rank 4 is one volume. */
    conv3d(filter: Tensor, strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dataFormat?: 'NDHWC' | 'NCDHW', dilations?: number | number[]): Tensor;
    /** cos x */
    cos(): Tensor;
    /** Hyperbolic cosine. */
    cosh(): Tensor;
    /** Running product along `axis`; `exclusive` starts from 1, `reverse` runs from the end. */
    cumprod(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
    /** Running sum along `axis`; `exclusive` starts from 0, `reverse` runs from the end (as TensorFlow). */
    cumsum(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
    /** Moves depth into blockSize × blockSize spatial blocks (TensorFlow's DCR order) of a rank-4 NHWC or NCHW tensor: one copy kernel. */
    depthToSpace(blockSize: number, dataFormat?: 'NHWC' | 'NCHW'): Tensor;
    /** Depthwise 2-D convolution: each input channel convolved with its own [filterHeight, filterWidth] filters (filter [kH, kW, inChannels, multiplier]), giving inChannels·multiplier channels. */
    depthwiseConv2d(filter: Tensor, strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dataFormat?: 'NHWC' | 'NCHW', dilations?: number | number[], dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor;
    /** a / b; for two integer tensors this is floor division (as TensorFlow.js). */
    div(b: TensorLike): Tensor;
    /** a / b, or 0 where b is 0. */
    divNoNan(b: TensorLike): Tensor;
    /** Dot product of vectors, or matrix–vector / vector–matrix / matrix–matrix products (rank ≤ 2). */
    dot(t2: Tensor): Tensor;
    /** x > 0 ? x : eˣ - 1 */
    elu(): Tensor;
    /** a == b (bool). */
    equal(b: TensorLike): Tensor;
    /** The error function. */
    erf(): Tensor;
    /** eˣ (integers give float32). */
    exp(): Tensor;
    /** Inserts a size-1 dimension at `axis` (negative counts from the end: -1 appends). */
    expandDims(axis?: number): Tensor;
    /** eˣ - 1, accurate near 0. */
    expm1(): Tensor;
    /** Rounds down: ⌊x⌋. */
    floor(): Tensor;
    /** ⌊a / b⌋ (NumPy semantics; integer division by 0 gives 0). */
    floorDiv(b: TensorLike): Tensor;
    /** Slices of x along `axis` at `indices` (int32; the first `batchDims` dimensions shared): host indices are range-checked, device indices clamped. */
    gather(indices: Tensor | number[], axis?: number, batchDims?: number): Tensor;
    /** Exact GELU: x·Φ(x) = 0.5·x·(1 + erf(x/√2)). */
    gelu(): Tensor;
    /** a > b (bool). */
    greater(b: TensorLike): Tensor;
    /** a ≥ b (bool). */
    greaterEqual(b: TensorLike): Tensor;
    /** Whether x is neither NaN nor ±Infinity (bool). */
    isFinite(): Tensor;
    /** Whether x is +Infinity or -Infinity (bool). */
    isInf(): Tensor;
    /** Whether x is NaN (bool; never for integers). */
    isNaN(): Tensor;
    /** x ≥ 0 ? x : alpha·x (alpha defaults to 0.2, as in TensorFlow.js). */
    leakyRelu(alpha?: number): Tensor;
    /** a < b (bool). */
    less(b: TensorLike): Tensor;
    /** a ≤ b (bool). */
    lessEqual(b: TensorLike): Tensor;
    /** Local response normalisation over the last axis (TensorFlow's): x · (bias + alpha · Σ x² over the 2·depthRadius + 1 neighbouring channels)^(−beta), for rank-4 NHWC (or rank-3) x. One kernel. */
    localResponseNormalization(depthRadius?: number, bias?: number, alpha?: number, beta?: number): Tensor;
    /** Natural logarithm; log(0) = -Infinity, negative → NaN. */
    log(): Tensor;
    /** log(1 + x), accurate near 0. */
    log1p(): Tensor;
    /** a AND b (bool tensors). */
    logicalAnd(b: TensorLike): Tensor;
    /** NOT of a bool tensor. */
    logicalNot(): Tensor;
    /** a OR b (bool tensors). */
    logicalOr(b: TensorLike): Tensor;
    /** a XOR b (bool tensors). */
    logicalXor(b: TensorLike): Tensor;
    /** log(1 / (1 + e⁻ˣ)), computed without overflow. */
    logSigmoid(): Tensor;
    /** x - logΣexp(x) along `axis` (default: the last). */
    logSoftmax(axis?: number): Tensor;
    /** log(Σ exp(x)), computed stably (the maximum is subtracted first). */
    logSumExp(axis?: Axis, keepDims?: boolean): Tensor;
    /** Matrix product over the last two dimensions; batch dimensions broadcast; transposes are free (strides). */
    matMul(b: Tensor, transposeA?: boolean, transposeB?: boolean): Tensor;
    /** Maximum (NaN propagates; -Infinity over nothing). */
    max(axis?: Axis, keepDims?: boolean): Tensor;
    /** The larger of a and b (NaN propagates). */
    maximum(b: TensorLike): Tensor;
    /** Max pooling over NHWC windows (rank 3: one image); padding never wins. TensorFlow.js's maxPool. */
    maxPool(filterSize: number | number[], strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor;
    /** Max pooling over NDHWC windows (rank 4: one volume); padding never wins. TensorFlow.js's maxPool3d. */
    maxPool3d(filterSize: number | number[], strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dimRoundingMode?: 'floor' | 'round' | 'ceil', dataFormat?: 'NDHWC' | 'NCDHW'): Tensor;
    /** Arithmetic mean (float32). The mean of nothing is NaN. */
    mean(axis?: Axis, keepDims?: boolean): Tensor;
    /** Minimum (NaN propagates; +Infinity over nothing). */
    min(axis?: Axis, keepDims?: boolean): Tensor;
    /** The smaller of a and b (NaN propagates). */
    minimum(b: TensorLike): Tensor;
    /** Pads with mirrored values: 'reflect' leaves the edge out (paddings < the size), 'symmetric' repeats it (paddings ≤ the size). One kernel. */
    mirrorPad(paddings: [number, number][], mode: 'reflect' | 'symmetric'): Tensor;
    /** Remainder with the divisor's sign (NumPy/Python %). */
    mod(b: TensorLike): Tensor;
    /** a · b */
    mul(b: TensorLike): Tensor;
    /** Negation: -x. */
    neg(): Tensor;
    /** a != b (bool). */
    notEqual(b: TensorLike): Tensor;
    /** Pads with `constantValue`: paddings[d] = [before, after] elements. One kernel. */
    pad(paddings: [number, number][], constantValue?: number): Tensor;
    /** Max or average pooling with dilations (TensorFlow.js's pool): strides and dilations may not both exceed 1. */
    pool(windowShape: number | number[], poolingType: 'max' | 'avg', pad: 'valid' | 'same' | number | [number, number][], dilations?: number | number[], strides?: number | number[], dimRoundingMode?: 'floor' | 'round' | 'ceil'): Tensor;
    /** a to the power b. */
    pow(b: TensorLike): Tensor;
    /** x < 0 ? alpha·x : x, alpha a tensor broadcast against x. */
    prelu(alpha: TensorLike): Tensor;
    /** Product over `axis` (all axes by default); 1 over nothing. */
    prod(axis?: Axis, keepDims?: boolean): Tensor;
    /** 1 / x */
    reciprocal(): Tensor;
    /** max(x, 0); NaN stays NaN. */
    relu(): Tensor;
    /** min(max(x, 0), 6); NaN stays NaN. */
    relu6(): Tensor;
    /** New shape with the same elements; one dimension may be -1 (inferred). A view when x is contiguous. */
    reshape(shape: number[]): Tensor;
    /** Resizes [h, w, c] or [b, h, w, c] images to `size` = [newHeight, newWidth] by bilinear interpolation (float32 result), with TensorFlow's alignCorners / halfPixelCenters rules. One kernel. */
    resizeBilinear(size: number[], alignCorners?: boolean, halfPixelCenters?: boolean): Tensor;
    /** Resizes [h, w, c] or [b, h, w, c] images to `size` = [newHeight, newWidth], each output pixel a copy of the nearest input pixel (dtype kept), with TensorFlow's alignCorners / halfPixelCenters rules. One kernel. */
    resizeNearestNeighbor(size: number[], alignCorners?: boolean, halfPixelCenters?: boolean): Tensor;
    /** Reverses the order along `axis` (all axes by default): a view with negative strides. */
    reverse(axis?: number | number[]): Tensor;
    /** Rounds half to even, as TensorFlow and NumPy do. */
    round(): Tensor;
    /** 1 / √x */
    rsqrt(): Tensor;
    /** Scaled ELU: 1.0507·(x > 0 ? x : 1.6733·(eˣ - 1)). */
    selu(): Tensor;
    /** A depthwise convolution (filter [kH, kW, inChannels, multiplier]) then a pointwise 1×1 convolution (filter [1, 1, inChannels·multiplier, outChannels]). */
    separableConv2d(depthwiseFilter: Tensor, pointwiseFilter: Tensor, strides: number | number[], pad: 'valid' | 'same' | number | [number, number][], dilation?: number | number[], dataFormat?: 'NHWC' | 'NCHW'): Tensor;
    /** 1 / (1 + e⁻ˣ) */
    sigmoid(): Tensor;
    /** -1, 0 or 1 (NaN stays NaN). */
    sign(): Tensor;
    /** sin x */
    sin(): Tensor;
    /** Hyperbolic sine. */
    sinh(): Tensor;
    /** A box of `size` elements from `begin` (a view); negative begin counts from the end, size -1 takes the rest. */
    slice(begin: number | number[], size?: number | number[]): Tensor;
    /** exp(x) / Σ exp(x) along `dim` (default: the last), computed with the maximum subtracted. */
    softmax(dim?: number): Tensor;
    /** log(1 + eˣ), computed without overflow. */
    softplus(): Tensor;
    /** Zero-pads the block dimensions (1…M after the batch) and moves blockShape blocks of them into the batch, as TensorFlow. One kernel. */
    spaceToBatchND(blockShape: number[], paddings: [number, number][]): Tensor;
    /** Views splitting `axis` into equal parts, or into parts of the given sizes (one may be -1: the rest). */
    split(numOrSizeSplits: number | number[], axis?: number): Tensor[];
    /** Square root √x; negative → NaN. */
    sqrt(): Tensor;
    /** x² (keeps the dtype). */
    square(): Tensor;
    /** (a - b)² */
    squaredDifference(b: TensorLike): Tensor;
    /** Removes size-1 dimensions (all of them, or those in `axis`, which must have size 1). */
    squeeze(axis?: number | number[]): Tensor;
    /** x > 0 ? 1 : alpha (alpha defaults to 0); NaN stays NaN. */
    step(alpha?: number): Tensor;
    /** a - b */
    sub(b: TensorLike): Tensor;
    /** Σ over `axis` (all axes by default). Integers keep their dtype; bools count as int32. */
    sum(axis?: Axis, keepDims?: boolean): Tensor;
    /** tan x */
    tan(): Tensor;
    /** tanh x */
    tanh(): Tensor;
    /** Repeats the tensor reps[d] times along each dimension (one copy kernel through a broadcast view). */
    tile(reps: number[]): Tensor;
    /** A copy on `device` (the tensor itself if it is there already); WebGPU → CPU completes asynchronously. */
    to(device: DeviceSpec): Tensor;
    /** The k largest entries along the last axis and their int32 indices, largest first (ties: lower index first); rank counting on the device (O(n²) per row of n), or k rounds of argMax for rows too long for that. */
    topk(k?: number, sorted?: boolean): { values: Tensor; indices: Tensor };
    /** Permutes dimensions (default: reverse them). Always a view. */
    transpose(perm?: number[]): Tensor;
    /** Views of the slices along `axis`, that dimension removed. */
    unstack(axis?: number): Tensor[];
  }
}
