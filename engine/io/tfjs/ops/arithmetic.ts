// TensorFlow.js converter family "arithmetic": broadcasting binary ops, AddN and BiasAdd.
import * as wg from '../../../index';
import type { Family } from '../convert';
import { binary, dataFormat } from './common';

export const ARITHMETIC: Family = {
  excluded: {},
  ops: {
    Add: binary(wg.add),
    AddV2: binary(wg.add),
    Sub: binary(wg.sub),
    Mul: binary(wg.mul),
    RealDiv: binary(wg.div),
    Div: binary(wg.div),
    Maximum: binary(wg.maximum),
    Minimum: binary(wg.minimum),
    Pow: binary(wg.pow),
    SquaredDifference: binary(wg.squaredDifference),
    AddN: (ctx) => wg.addN(ctx.inputs),
    BiasAdd: (ctx) => {
      if (dataFormat(ctx) === 'NCHW') {
        const b = ctx.input(1);
        return wg.add(ctx.input(0), wg.reshape(b, [b.size, 1, 1]));
      }
      return wg.add(ctx.input(0), ctx.input(1));
    },
  },
};
