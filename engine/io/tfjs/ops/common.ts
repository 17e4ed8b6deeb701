// Shared pieces of the op translations: TensorFlow's 4-element strides/dilations/ksize, padding attributes, and
// elementwise ops that map one to one.
import * as wg from '../../../index';
import type { OpContext, OpConverter } from '../convert';

type Layout = 'NHWC' | 'NCHW';

/** The node's data_format ('NHWC' unless it says 'NCHW'). */
export function dataFormat(ctx: OpContext): Layout {
  const f = ctx.attrs.string('data_format', 'NHWC');
  if (f !== 'NHWC' && f !== 'NCHW') throw ctx.error(`data_format '${f}' is not supported (NHWC or NCHW)`);
  return f;
}

/** The two spatial entries of a 4-element NHWC/NCHW attribute (strides, dilations, ksize); 1s when absent. */
export function spatial(ctx: OpContext, name: string, format: Layout = dataFormat(ctx)): [number, number] {
  const v = ctx.attrs.ints(name, [1, 1, 1, 1]);
  if (v.length === 1) return [v[0], v[0]];
  if (v.length === 2) return [v[0], v[1]];
  if (v.length !== 4) throw ctx.error(`attribute '${name}' must have 4 entries, got [${v.join(', ')}]`);
  return format === 'NHWC' ? [v[1], v[2]] : [v[2], v[3]];
}

/** TensorFlow's padding attribute as wgflow's: 'same', 'valid', or the explicit [before, after] pairs. */
export function padding(ctx: OpContext, format: Layout = dataFormat(ctx)): 'same' | 'valid' | [number, number][] {
  const p = ctx.attrs.string('padding');
  if (p === 'SAME') return 'same';
  if (p === 'VALID') return 'valid';
  if (p !== 'EXPLICIT') throw ctx.error(`padding '${p}' is not supported (SAME, VALID or EXPLICIT)`);
  const e = ctx.attrs.ints('explicit_paddings');
  if (e.length !== 8) throw ctx.error(`explicit_paddings must have 8 entries, got [${e.join(', ')}]`);
  const pairs: [number, number][] = [0, 1, 2, 3].map((k) => [e[2 * k], e[2 * k + 1]]);
  return format === 'NHWC' ? pairs : [pairs[0], pairs[2], pairs[3], pairs[1]];
}

/** An op of one input that maps to a wgflow function. */
export const unary = (fn: (x: wg.Tensor) => wg.Tensor): OpConverter => (ctx) => fn(ctx.input(0));

/** An op of two broadcasting inputs that maps to a wgflow function. */
export const binary = (fn: (a: wg.Tensor, b: wg.Tensor) => wg.Tensor): OpConverter => (ctx) => fn(ctx.input(0), ctx.input(1));

/** Axes given as an input tensor (a scalar or a list), as host integers. */
export const axesInput = (ctx: OpContext, i: number): number[] => ctx.ints(i, 'axes');
