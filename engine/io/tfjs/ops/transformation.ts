// TensorFlow.js converter family "transformation": reshapes, padding, casts.
import * as wg from '../../../index';
import type { Family, OpContext } from '../convert';

function paddings(ctx: OpContext): [number, number][] {
  const p = ctx.ints(1, 'paddings');
  const rank = ctx.input(0).rank;
  if (p.length !== 2 * rank) throw ctx.error(`paddings must be [${rank}, 2], got ${p.length} values`);
  return Array.from({ length: rank }, (_, i) => [p[2 * i], p[2 * i + 1]] as [number, number]);
}

export const TRANSFORMATION: Family = {
  excluded: {},
  ops: {
    Reshape: (ctx) => wg.reshape(ctx.input(0), ctx.ints(1, 'shape')),
    Pad: (ctx) => wg.pad(ctx.input(0), paddings(ctx)),
    PadV2: (ctx) => wg.pad(ctx.input(0), paddings(ctx), ctx.number(2, 'constant value')),
    ExpandDims: (ctx) => wg.expandDims(ctx.input(0), ctx.number(1, 'axis')),
    Squeeze: (ctx) => {
      const axes = ctx.attrs.ints('squeeze_dims', ctx.attrs.ints('axis', []));
      return wg.squeeze(ctx.input(0), axes.length ? axes : undefined);
    },
  },
};
