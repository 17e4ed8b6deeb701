// Kernel IR: what a backend runs. A kernel is pure data (no buffers); a Launch binds it to tensors.
import type { DType } from '../core/dtype';
import { exprToString, type Expr } from './expr';

/**
 * How an elementwise kernel addresses one input, chosen per launch so that the common cases stay cheap:
 * - `contiguous`: same shape as the output and row-major: element i is at offset + i.
 * - `scalar`: a single element (size 1, any rank), read at its offset for every output element.
 * - `strided`: anything else (broadcast, transposed or sliced views): offset + Σ coord[d] * stride[d].
 */
export type InputLayout = 'contiguous' | 'scalar' | 'strided';

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
}

export function kernelToString(k: Kernel): string {
  const ins = k.inputs.map((x, i) => `in${i}: ${x.dtype} ${x.layout}`).join(', ');
  const ps = k.params.map((d, i) => `p${i}: ${d}`).join(', ');
  return `${k.kind} ${k.name} rank=${k.rank} (${ins}${ps ? `; ${ps}` : ''}) -> ${k.out} { ${exprToString(k.expr)} }`;
}
