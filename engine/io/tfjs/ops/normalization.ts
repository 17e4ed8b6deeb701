// TensorFlow.js converter family "normalization".
import * as wg from '../../../index';
import type { OpTable } from '../convert';

export const NORMALIZATION: OpTable = {
  Softmax: (ctx) => wg.softmax(ctx.input(0)),
  LogSoftmax: (ctx) => wg.logSoftmax(ctx.input(0)),
};
