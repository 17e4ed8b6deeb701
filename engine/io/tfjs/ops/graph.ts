// TensorFlow.js converter family "graph": identities and the shape ops, which fold to constants when the shapes
// are known (always inside a wg.function trace, whose inputs have concrete shapes).
import * as wg from '../../../index';
import type { Family, OpContext } from '../convert';

const identity = (ctx: OpContext) => ctx.input(0);

function knownShape(ctx: OpContext, t: wg.Tensor): number[] {
  if (t.shape.some((d) => d < 0)) throw ctx.error(`the shape of its input is not known ([${t.shape.join(', ')}]); wgflow folds Shape to a constant`);
  return [...t.shape];
}

export const GRAPH: Family = {
  excluded: {},
  ops: {
    Identity: identity,
    Snapshot: identity,
    StopGradient: identity,
    EnsureShape: identity,
    IdentityN: (ctx) => ctx.inputs,
    NoOp: () => [],
    Shape: (ctx) => {
      const s = knownShape(ctx, ctx.input(0));
      return ctx.constant({ data: s, shape: [s.length], dtype: 'int32' });
    },
    ShapeN: (ctx) => ctx.inputs.map((t) => {
      const s = knownShape(ctx, t);
      return ctx.constant({ data: s, shape: [s.length], dtype: 'int32' });
    }),
    Size: (ctx) => ctx.constant({ data: [knownShape(ctx, ctx.input(0)).reduce((a, b) => a * b, 1)], shape: [], dtype: 'int32' }),
    Rank: (ctx) => ctx.constant({ data: [ctx.input(0).rank], shape: [], dtype: 'int32' }),
  },
};
