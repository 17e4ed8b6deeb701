// foldBatchNorm (on a plan's launches, before fusion): a batch normalisation whose mean, variance, scale and
// offset are constants, applied to a convolution whose filter (and bias, if any) are constants, becomes part of
// the convolution: the filter is scaled per output channel by α = scale / √(variance + ε) and the bias becomes
// (bias − mean)·α + offset, both computed once on the host. What remains is the convolution and one bias add,
// which fusion then makes the convolution's epilogue: no scale or shift is left at run time.
//
// The normalisation is recognised by its computation, not by an op name: an elementwise launch of the form
//   ((x − mean) · rsqrt(variance + ε)) [· scale] [+ offset]
// over a convolution's output, the statistics per channel (broadcast along batch and space).
import { broadcastStrides, contiguousStrides, sizeOf } from '../../core/shape';
import type { DeviceName } from '../../core/tensor';
import { type Expr, input, prim } from '../../ir/expr';
import type { ConvGeometry, ElementwiseKernel, Launch, View } from '../../ir/kernel';
import type { Slot } from '../recorder';
import type { PassContext, PassReport } from './index';

/** The pieces of a matched normalisation: which kernel inputs hold x and the statistics, and ε. */
interface BatchNormMatch {
  x: number;
  mean: number;
  variance: number;
  scale?: number;
  offset?: number;
  epsilon: number;
}

const stripCast = (e: Expr) => (e.prim === 'cast' && e.args[0].dtype === e.dtype ? e.args[0] : e);
const inputSlot = (e: Expr) => (stripCast(e).prim === 'input' && stripCast(e).dtype === 'float32' ? stripCast(e).value : undefined);

/** Matches ((x − m)·rsqrt(v + ε))[·s][+o] in an elementwise kernel's expression. */
export function matchBatchNorm(expr: Expr, params: number[]): BatchNormMatch | undefined {
  let e = expr;
  let offset: number | undefined;
  let scale: number | undefined;
  if (e.prim === 'add') {
    offset = inputSlot(e.args[1]);
    if (offset === undefined) return undefined;
    e = e.args[0];
  }
  if (e.prim === 'mul' && e.args[0].prim === 'mul') {
    scale = inputSlot(e.args[1]);
    if (scale === undefined) return undefined;
    e = e.args[0];
  }
  if (e.prim !== 'mul') return undefined;
  const [d, r] = e.args;
  if (d.prim !== 'sub' || r.prim !== 'rsqrt' || r.args[0].prim !== 'add') return undefined;
  const x = inputSlot(d.args[0]);
  const mean = inputSlot(d.args[1]);
  const variance = inputSlot(r.args[0].args[0]);
  const eps = r.args[0].args[1];
  const epsilon = eps.prim === 'lit' ? eps.value : eps.prim === 'param' ? params[eps.value] : undefined;
  if (x === undefined || mean === undefined || variance === undefined || epsilon === undefined) return undefined;
  return { x, mean, variance, scale, offset, epsilon };
}

/** A constant view's values per channel (its broadcast strides are 0 on every other axis), or undefined. */
function perChannel(v: View<Slot>, outShape: readonly number[], axis: number): Float64Array | undefined {
  if (v.handle.kind !== 'const' || v.dtype !== 'float32' || !v.handle.data) return undefined;
  const s = broadcastStrides(v.shape, v.strides, outShape);
  if (s.some((st, d) => d !== axis && st !== 0 && outShape[d] !== 1)) return undefined;
  const data = v.handle.data as Float32Array;
  return Float64Array.from({ length: outShape[axis] }, (_, c) => data[v.offset + c * s[axis]]);
}

/** The bias a launch adds to the convolution's output: `conv + b` (elementwise) or a conv epilogue `v + b`. */
function biasOf(kernelExpr: Expr, convInput: number): number | undefined {
  if (kernelExpr.prim !== 'add') return undefined;
  const [a, b] = kernelExpr.args.map(stripCast);
  if (a.prim === 'input' && a.value === convInput && b.prim === 'input') return b.value;
  if (b.prim === 'input' && b.value === convInput && a.prim === 'input') return a.value;
  return undefined;
}

export function foldBatchNormPass(ctx: PassContext): PassReport {
  const ls = ctx.launches;
  const producer = new Map<Slot, number>();
  const reads = new Map<Slot, number>();
  ls.forEach((l, i) => {
    if (!l.outView) producer.set(l.out, i);
    l.inputs.forEach((v) => reads.set(v.handle, (reads.get(v.handle) ?? 0) + 1));
  });
  ctx.keep.forEach((s) => reads.set(s, (reads.get(s) ?? 0) + 1000));
  const only = (s: Slot) => s.kind === 'temp' && reads.get(s) === 1;
  const folded: string[] = [];
  for (let bi = 0; bi < ls.length; bi++) {
    const B = ls[bi];
    if (!B || B.kernel.kind !== 'elementwise' || B.outView || B.transfer) continue;
    const m = matchBatchNorm(B.kernel.expr, B.params);
    if (!m) continue;
    // x: the convolution's output, or a bias add over it.
    const xs = B.inputs[m.x].handle;
    let pi = producer.get(xs);
    let A: Launch<Slot> | undefined;
    let ai: number | undefined;
    let P = pi === undefined ? undefined : ls[pi];
    if (P && P.kernel.kind === 'elementwise' && only(xs)) {
      const k = P.kernel;
      const convIn = k.inputs.findIndex((_, i) => ls[producer.get(P!.inputs[i].handle) ?? -1]?.kernel.kind === 'conv');
      if (convIn < 0 || biasOf(k.expr, convIn) === undefined || !only(P.inputs[convIn].handle)) continue;
      A = P;
      ai = pi;
      pi = producer.get(P.inputs[convIn].handle);
      P = pi === undefined ? undefined : ls[pi];
    }
    if (!P || P.kernel.kind !== 'conv' || !P.conv || !only(A ? A.inputs.find((v) => v.handle === P!.out)!.handle : xs)) continue;
    const g = P.conv;
    const axis = g.channelsFirst ? 1 : 3;
    const outShape = B.outShape;
    if (outShape.length !== 4 || outShape[axis] !== g.OC) continue;
    const stat = (i: number | undefined) => (i === undefined ? undefined : perChannel(B.inputs[i], outShape, axis));
    const [mean, variance, scale, offset] = [stat(m.mean), stat(m.variance), stat(m.scale), stat(m.offset)];
    if (!mean || !variance || (m.scale !== undefined && !scale) || (m.offset !== undefined && !offset)) continue;
    // The bias so far: an add launch's constant, or the convolution's own epilogue `v + b`.
    let bias: Float64Array | undefined;
    const pe = P.kernel.epilogue;
    if (A) {
      const k = A.kernel as ElementwiseKernel;
      const convIn = A.inputs.findIndex((v) => v.handle === P!.out);
      bias = perChannel(A.inputs[biasOf(k.expr, convIn)!], outShape, axis);
      if (!bias) continue;
    } else if (pe) {
      const bi2 = biasOf(pe, 0);
      bias = bi2 === undefined ? undefined : perChannel(P.inputs[1 + bi2], outShape, axis);
      if (!bias) continue;
    }
    const filter = P.inputs[1];
    if (filter.handle.kind !== 'const' || !filter.handle.data || !ctx.constSlot) continue;
    const alpha = Float64Array.from(mean, (_, c) => (scale ? scale[c] : 1) / Math.sqrt(variance[c] + m.epsilon));
    const beta = Float64Array.from(mean, (mu, c) => ((bias ? bias[c] : 0) - mu) * alpha[c] + (offset ? offset[c] : 0));
    const device = (P.device ?? P.out.device) as DeviceName;
    const newFilter = scaledFilter(filter, alpha, P.kernel.variant === 'depthwise');
    const fSlot = ctx.constSlot(newFilter, device);
    const bSlot = ctx.constSlot(Float32Array.from(beta), device);
    const fShape = filter.shape;
    const conv: Launch<Slot> = {
      ...P,
      kernel: { kind: 'conv', name: P.kernel.name.split('+')[0], variant: P.kernel.variant },
      inputs: [P.inputs[0], { handle: fSlot, dtype: 'float32', shape: fShape, strides: contiguousStrides(fShape), offset: 0 }],
      params: [],
      conv: { ...g, fOffset: 0, fStrides: contiguousStrides(fShape) as ConvGeometry['fStrides'] },
    };
    // The normalisation becomes `conv + β` (per channel), written where it wrote.
    const bStrides = outShape.map((_, d) => (d === axis ? 1 : 0));
    const addK: ElementwiseKernel = {
      kind: 'elementwise',
      name: 'foldedBatchNorm',
      rank: outShape.length,
      inputs: [{ dtype: 'float32', layout: 'contiguous' }, { dtype: 'float32', layout: 'strided' }],
      params: [],
      out: 'float32',
      outLayout: 'contiguous',
      expr: prim('add', input(0, 'float32'), input(1, 'float32')),
    };
    const shift: Launch<Slot> = {
      kernel: addK,
      inputs: [
        { handle: P.out, dtype: 'float32', shape: outShape, strides: contiguousStrides(outShape), offset: 0 },
        { handle: bSlot, dtype: 'float32', shape: outShape, strides: bStrides, offset: 0 },
      ],
      params: [],
      outShape,
      out: B.out,
      nodes: [...(A?.nodes ?? []), ...(B.nodes ?? [])],
      device: B.device,
    };
    ls[pi!] = conv;
    if (ai !== undefined) ls[ai] = undefined as unknown as Launch<Slot>;
    ls[bi] = shift;
    folded.push(`${P.kernel.name.split('+')[0]} (${g.OC} channels${A || pe ? ', bias' : ''})`);
  }
  ctx.launches = ls.filter(Boolean);
  return {
    pass: 'foldBatchNorm',
    removed: folded.length,
    detail: folded.length ? `${folded.length} batch normalisations folded into convolution weights and biases: ${folded.join(', ')}` : '0 batch normalisations folded',
  };
}

/** The filter's values, in (kh, kw, ci, co) order (depthwise: (kh, kw, c, m)), each output channel scaled by α. */
function scaledFilter(f: View<Slot>, alpha: Float64Array, depthwise: boolean): Float32Array {
  const data = f.handle.data as Float32Array;
  const [a, b, c, d] = f.shape;
  const out = new Float32Array(sizeOf(f.shape));
  const [s0, s1, s2, s3] = f.strides;
  let i = 0;
  for (let kh = 0; kh < a; kh++) {
    for (let kw = 0; kw < b; kw++) {
      for (let ci = 0; ci < c; ci++) {
        for (let co = 0; co < d; co++) {
          const oc = depthwise ? ci * d + co : co;
          out[i++] = data[f.offset + kh * s0 + kw * s1 + ci * s2 + co * s3] * alpha[oc];
        }
      }
    }
  }
  return out;
}
