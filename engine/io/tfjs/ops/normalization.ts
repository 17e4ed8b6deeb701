// TensorFlow.js converter family "normalization".
import * as wg from '../../../index';
import type { Family } from '../convert';

export const NORMALIZATION: Family = {
  excluded: {},
  ops: {
    Softmax: (ctx) => wg.softmax(ctx.input(0)),
    LogSoftmax: (ctx) => wg.logSoftmax(ctx.input(0)),
  },
};
