// Shared pieces of the op translations: the data_format attribute, ops of one input that map one to one, axes inputs.
import * as wg from '../../../index';
import type { OpContext, OpConverter } from '../convert';

type Layout = 'NHWC' | 'NCHW';

/** The node's data_format ('NHWC' unless it says 'NCHW'). */
export function dataFormat(ctx: OpContext): Layout {
  const f = ctx.attrs.string('data_format', 'NHWC');
  if (f !== 'NHWC' && f !== 'NCHW') throw ctx.error(`data_format '${f}' is not supported (NHWC or NCHW)`);
  return f;
}

/** An op of one input that maps to a wgflow function. */
export const unary = (fn: (x: wg.Tensor) => wg.Tensor): OpConverter => (ctx) => fn(ctx.input(0));

/** Axes given as an input tensor (a scalar or a list), as host integers. */
export const axesInput = (ctx: OpContext, i: number): number[] => ctx.ints(i, 'axes');
