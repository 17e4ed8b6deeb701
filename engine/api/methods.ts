// Tensor methods mirroring the functions (`a.add(b)` is `wg.add(a, b)`), attached to Tensor.prototype.
import type { DType } from '../core/dtype';
import { Tensor } from '../core/tensor';
import * as ops from './ops';
import type { TensorLike } from './ops';
import * as linalg from './linalg';
import * as movement from './movement';
import * as nn from './nn';
import * as red from './reduce';
import * as state from './state';
import type { Axis } from './reduce';

declare module '../core/tensor' {
  interface Tensor {
    add(b: TensorLike): Tensor;
    sub(b: TensorLike): Tensor;
    mul(b: TensorLike): Tensor;
    div(b: TensorLike): Tensor;
    floorDiv(b: TensorLike): Tensor;
    mod(b: TensorLike): Tensor;
    pow(b: TensorLike): Tensor;
    maximum(b: TensorLike): Tensor;
    minimum(b: TensorLike): Tensor;
    atan2(b: TensorLike): Tensor;
    equal(b: TensorLike): Tensor;
    notEqual(b: TensorLike): Tensor;
    less(b: TensorLike): Tensor;
    lessEqual(b: TensorLike): Tensor;
    greater(b: TensorLike): Tensor;
    greaterEqual(b: TensorLike): Tensor;
    logicalAnd(b: TensorLike): Tensor;
    logicalOr(b: TensorLike): Tensor;
    logicalXor(b: TensorLike): Tensor;
    logicalNot(): Tensor;
    neg(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    log1p(): Tensor;
    expm1(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    square(): Tensor;
    reciprocal(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tan(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    leakyRelu(alpha?: number): Tensor;
    elu(): Tensor;
    gelu(): Tensor;
    softplus(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    erf(): Tensor;
    clone(): Tensor;
    cast(dtype: DType): Tensor;
    clipByValue(min: number, max: number): Tensor;
    reshape(shape: number[]): Tensor;
    transpose(perm?: number[]): Tensor;
    sum(axis?: Axis, keepDims?: boolean): Tensor;
    mean(axis?: Axis, keepDims?: boolean): Tensor;
    prod(axis?: Axis, keepDims?: boolean): Tensor;
    max(axis?: Axis, keepDims?: boolean): Tensor;
    min(axis?: Axis, keepDims?: boolean): Tensor;
    any(axis?: Axis, keepDims?: boolean): Tensor;
    all(axis?: Axis, keepDims?: boolean): Tensor;
    logSumExp(axis?: Axis, keepDims?: boolean): Tensor;
    argMax(axis?: number): Tensor;
    argMin(axis?: number): Tensor;
    cumsum(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
    cumprod(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
    matMul(b: Tensor, transposeA?: boolean, transposeB?: boolean): Tensor;
    dot(b: Tensor): Tensor;
    expandDims(axis?: number): Tensor;
    squeeze(axis?: number | number[]): Tensor;
    slice(begin: number | number[], size?: number | number[]): Tensor;
    gather(indices: Tensor | number[], axis?: number): Tensor;
    pad(paddings: [number, number][], constantValue?: number): Tensor;
    tile(reps: number[]): Tensor;
    broadcastTo(shape: number[]): Tensor;
    reverse(axis?: number | number[]): Tensor;
    split(numOrSizeSplits: number | number[], axis?: number): Tensor[];
    unstack(axis?: number): Tensor[];
    softmax(dim?: number): Tensor;
    assign(value: Tensor | number | boolean): Tensor;
    assignAdd(value: Tensor | number): Tensor;
    logSoftmax(axis?: number): Tensor;
  }
}

const BINARY = [
  'add', 'sub', 'mul', 'div', 'floorDiv', 'mod', 'pow', 'maximum', 'minimum', 'atan2', 'equal', 'notEqual',
  'less', 'lessEqual', 'greater', 'greaterEqual', 'logicalAnd', 'logicalOr', 'logicalXor',
] as const;
const UNARY = [
  'logicalNot', 'neg', 'abs', 'sign', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'square', 'reciprocal', 'sin',
  'cos', 'tan', 'tanh', 'sigmoid', 'relu', 'elu', 'gelu', 'softplus', 'floor', 'ceil', 'round', 'erf', 'clone',
] as const;

type Proto = Record<string, (this: Tensor, ...args: never[]) => Tensor>;
const proto = Tensor.prototype as unknown as Proto;
for (const name of BINARY) proto[name] = function (this: Tensor, b: TensorLike) { return ops[name](this, b); } as never;
for (const name of UNARY) proto[name] = function (this: Tensor) { return ops[name](this); };
Tensor.prototype.leakyRelu = function (alpha?: number) { return ops.leakyRelu(this, alpha); };
Tensor.prototype.cast = function (dtype: DType) { return ops.cast(this, dtype); };
Tensor.prototype.clipByValue = function (min: number, max: number) { return ops.clipByValue(this, min, max); };
Tensor.prototype.reshape = function (shape: number[]) { return ops.reshape(this, shape); };
Tensor.prototype.transpose = function (perm?: number[]) { return ops.transpose(this, perm); };

// Reductions, linear algebra, movement and nn: each method forwards `this` and its arguments.
const FORWARDED = {
  sum: red.sum, mean: red.mean, prod: red.prod, max: red.max, min: red.min, any: red.any, all: red.all,
  logSumExp: red.logSumExp, argMax: red.argMax, argMin: red.argMin, cumsum: red.cumsum, cumprod: red.cumprod,
  matMul: linalg.matMul, dot: linalg.dot, expandDims: movement.expandDims, squeeze: movement.squeeze,
  slice: movement.slice, gather: movement.gather, pad: movement.pad, tile: movement.tile,
  broadcastTo: movement.broadcastTo, reverse: movement.reverse, split: movement.split, unstack: movement.unstack,
  softmax: nn.softmax, logSoftmax: nn.logSoftmax, assign: state.assign, assignAdd: state.assignAdd,
} as const;
for (const [name, fn] of Object.entries(FORWARDED)) {
  (Tensor.prototype as unknown as Record<string, unknown>)[name] = function (this: Tensor, ...args: unknown[]) {
    return (fn as (x: Tensor, ...a: unknown[]) => unknown)(this, ...args);
  };
}
