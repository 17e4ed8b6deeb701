// TensorFlow.js converter family "basic_math": elementwise functions of one input (and Atan2, ClipByValue, Prelu,
// LeakyRelu). Neg, Abs, Square and Sign of known int32 values fold on the host (shape arithmetic).
import * as wg from '../../../index';
import type { Family, OpContext, OpConverter } from '../convert';
import { composite, foldElementwise } from './arithmetic';
import { unary } from './common';

const COMPLEX = 'complex numbers are not supported: wgflow has no complex64 dtype';

/** A unary op that folds known int32 values on the host with `host`. */
const intUnary = (fn: (x: wg.Tensor) => wg.Tensor, host: (x: number) => number): OpConverter => (ctx) =>
  foldElementwise(ctx, ['int32'], 'int32', host) ?? fn(ctx.input(0));

/**
 * ClipByValue(x, min, max): TensorFlow's min and max are tensors broadcasting against x. Known scalars (the usual
 * case) make one clipByValue; otherwise minimum(maximum(x, min), max), TensorFlow's definition.
 */
function clipByValue(ctx: OpContext): wg.Tensor {
  const x = ctx.input(0);
  const lo = ctx.known(1);
  const hi = ctx.known(2);
  if (lo && hi && lo.data.length === 1 && hi.data.length === 1 && x.dtype === 'float32') {
    const [a, b] = [Number(lo.data[0]), Number(hi.data[0])];
    if (a <= b) return wg.clipByValue(x, a, b);
  }
  return composite(() => wg.minimum(wg.maximum(x, ctx.input(1)), ctx.input(2)));
}

export const BASIC_MATH: Family = {
  excluded: {
    Complex: COMPLEX,
    ComplexAbs: COMPLEX,
    Real: COMPLEX,
    Imag: COMPLEX,
  },
  ops: {
    Abs: intUnary(wg.abs, Math.abs),
    Acos: unary(wg.acos),
    Acosh: unary(wg.acosh),
    Asin: unary(wg.asin),
    Asinh: unary(wg.asinh),
    Atan: unary(wg.atan),
    Atanh: unary(wg.atanh),
    Atan2: (ctx) => wg.atan2(ctx.input(0), ctx.input(1)),
    Ceil: unary(wg.ceil),
    ClipByValue: clipByValue,
    Cos: unary(wg.cos),
    Cosh: unary(wg.cosh),
    Elu: unary(wg.elu),
    Erf: unary(wg.erf),
    Exp: unary(wg.exp),
    Expm1: unary(wg.expm1),
    Floor: unary(wg.floor),
    IsFinite: unary(wg.isFinite),
    IsInf: unary(wg.isInf),
    IsNan: unary(wg.isNaN),
    LeakyRelu: (ctx) => wg.leakyRelu(ctx.input(0), ctx.attrs.float('alpha', 0.2)),
    Log: unary(wg.log),
    Log1p: unary(wg.log1p),
    Neg: intUnary(wg.neg, (x) => -x),
    Prelu: (ctx) => wg.prelu(ctx.input(0), ctx.input(1)),
    Reciprocal: unary(wg.reciprocal),
    Relu: unary(wg.relu),
    Relu6: unary(wg.relu6),
    Round: unary(wg.round),
    Rsqrt: unary(wg.rsqrt),
    Selu: unary(wg.selu),
    Sigmoid: unary(wg.sigmoid),
    Sign: intUnary(wg.sign, Math.sign),
    Sin: unary(wg.sin),
    Sinh: unary(wg.sinh),
    Softplus: unary(wg.softplus),
    Sqrt: unary(wg.sqrt),
    Square: intUnary(wg.square, (x) => Math.imul(x, x)),
    Tan: unary(wg.tan),
    Tanh: unary(wg.tanh),
  },
};
