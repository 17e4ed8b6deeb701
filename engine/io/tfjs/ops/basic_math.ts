// TensorFlow.js converter family "basic_math": elementwise functions of one input (and Prelu, LeakyRelu).
import * as wg from '../../../index';
import type { Family } from '../convert';
import { unary } from './common';

export const BASIC_MATH: Family = {
  excluded: {},
  ops: {
    Abs: unary(wg.abs),
    Ceil: unary(wg.ceil),
    Cos: unary(wg.cos),
    Elu: unary(wg.elu),
    Exp: unary(wg.exp),
    Floor: unary(wg.floor),
    Log: unary(wg.log),
    Neg: unary(wg.neg),
    Relu: unary(wg.relu),
    Relu6: unary(wg.relu6),
    Sigmoid: unary(wg.sigmoid),
    Sin: unary(wg.sin),
    Sqrt: unary(wg.sqrt),
    Rsqrt: unary(wg.rsqrt),
    Square: unary(wg.square),
    Tanh: unary(wg.tanh),
    Reciprocal: unary(wg.reciprocal),
    Prelu: (ctx) => wg.prelu(ctx.input(0), ctx.input(1)),
    LeakyRelu: (ctx) => wg.leakyRelu(ctx.input(0), ctx.attrs.float('alpha', 0.2)),
  },
};
