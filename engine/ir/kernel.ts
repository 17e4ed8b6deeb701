// Kernel IR: what a backend runs. A kernel is pure data (no buffers); a Launch binds it to tensors.
import type { DType } from '../core/dtype';
import { exprToString, type Expr } from './expr';

/**
 * How an elementwise kernel addresses one input, chosen per launch so that the common cases stay cheap:
 * - `contiguous`: same shape as the output and row-major: element i is at offset + i.
 * - `scalar`: a single element (size 1, any rank), read at its offset for every output element.
 * - `strided`: anything else (broadcast, transposed or sliced views): offset + Σ coord[d] * stride[d].
 * - `loaded`: never read at the element's own position; only through `load` nodes (gather, pad…),
 *   whose index expressions include the view's offset.
 */
export type InputLayout = 'contiguous' | 'scalar' | 'strided' | 'loaded';

export interface KernelInput {
  dtype: DType;
  layout: InputLayout;
}

export interface ElementwiseKernel {
  kind: 'elementwise';
  /** Human-readable name (the op, or the fused ops), for profiles and shader comments. */
  name: string;
  /** Output rank; 0 when no input is strided (then one pipeline serves every shape). */
  rank: number;
  inputs: KernelInput[];
  /** dtypes of the uniform scalar parameters (`param` leaves), e.g. a bare number in `add(x, 2)`. */
  params: DType[];
  out: DType;
  /** `strided`: the output is a view (offset + strides) into a larger buffer, e.g. one part of a concat. */
  outLayout: 'contiguous' | 'strided';
  expr: Expr;
}

export type Kernel = ElementwiseKernel;

/** A tensor as a kernel reads it: a storage handle (backend specific) seen through shape/strides/offset. */
export interface View<H = unknown> {
  handle: H;
  dtype: DType;
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

export interface Launch<H = unknown> {
  kernel: Kernel;
  inputs: View<H>[];
  params: number[];
  outShape: readonly number[];
  out: H;
  /** Where a strided output writes (outLayout 'strided'). */
  outView?: { offset: number; strides: readonly number[] };
}

export function kernelToString(k: Kernel): string {
  const ins = k.inputs.map((x, i) => `in${i}: ${x.dtype} ${x.layout}`).join(', ');
  const ps = k.params.map((d, i) => `p${i}: ${d}`).join(', ');
  const out = `${k.out}${k.outLayout === 'strided' ? ' strided' : ''}`;
  return `${k.kind} ${k.name} rank=${k.rank} (${ins}${ps ? `; ${ps}` : ''}) -> ${out} { ${exprToString(k.expr)} }`;
}
