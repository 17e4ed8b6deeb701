// Eager dispatch of convolutions: one entry, runConv, for every convolution the public ops and model importers
// need (conv1d/2d, depthwise, transposed via input dilation, NHWC or NCHW), with an optional fused epilogue.
import { ShapeError } from '../core/errors';
import { contiguousStrides, fmtShape, isContiguous } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { type Expr, cast, coord, lit, load, prim } from '../ir/expr';
import { launch, materialize, view } from './dispatch';
import { type Epilogue, runExpr, runMatmul, runReduce } from './dispatch_kernels';

/** Where a convolution reads: everything but the tensors. Sizes are in input pixels. */
export interface ConvSpec {
  /** Output spatial size [outH, outW] (the caller computes it: conv_util.spatialGeometry, or a transposed conv's output shape). */
  outSize: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** Zero padding [top, bottom, left, right] (bottom/right only bound the window; reads past the input are 0). */
  pads: [number, number, number, number];
  /**
   * Input dilation (transposed convolution): the input is read as if (d − 1) zeros separated its pixels.
   * Default [1, 1].
   */
  inDilations?: [number, number];
  /** x is [N, C, H, W] and so is the result (default: both [N, H, W, C]). */
  channelsFirst?: boolean;
  /** The filter is [kH, kW, C, multiplier]: output channel c·multiplier + m reads input channel c only. */
  depthwise?: boolean;
}

/** A fused epilogue (bias, activation…): extras broadcast against the output in its layout (a bias [outC] in NHWC, [outC, 1, 1] in NCHW). */
export type ConvEpilogue = Epilogue;

/**
 * The convolution y[n, oh, ow, co] = Σ x[n, ih, iw, ci] · filter[kh, kw, ci, co] over the window, where the virtual
 * input row is oh·strideH + kh·dilationH − padTop (read when it is a multiple of the input dilation, inside the input).
 * x: float32 [N, H, W, C] (or NCHW); filter: float32 [kH, kW, C, outC] (depthwise: [kH, kW, C, multiplier]), any
 * strides (a flipped or transposed view is fine). Checks only what the kernels need; the public ops check the rest.
 */
export function runConv(op: string, x: Tensor, filter: Tensor, spec: ConvSpec, epilogue?: ConvEpilogue): Tensor {
  x.assertUsable(op);
  filter.assertUsable(op);
  if (x.rank !== 4 || filter.rank !== 4 || x.dtype !== 'float32' || filter.dtype !== 'float32') {
    throw new ShapeError(`${op}: the convolution kernel needs float32 4-D input and filter, got ${x.dtype} ${fmtShape(x.shape)} and ${filter.dtype} ${fmtShape(filter.shape)}`, {
      op,
      shapes: [[...x.shape], [...filter.shape]],
    });
  }
  const xs = nhwcView(x, spec.channelsFirst);
  const C = xs.shape[3];
  const fC = filter.shape[2];
  const shapes = [[...x.shape], [...filter.shape]];
  if (fC !== C) {
    throw new ShapeError(`${op}: input has ${C} channels but the filter expects ${fC} (input ${fmtShape(x.shape)}, filter ${fmtShape(filter.shape)})`, { op, shapes });
  }
  try {
    const y = spec.depthwise ? depthwiseIm2col(op, xs, filter, spec) : convIm2col(op, xs, filter, spec);
    let out = y;
    if (epilogue) {
      const yv = spec.channelsFirst ? nchwView(y) : y;
      out = runExpr(`${op}+${epilogue.name}`, [yv, ...epilogue.extras], 'float32', ([v, ...e], p) => epilogue.build(v, e, p));
      if (yv !== y) yv.dispose();
      y.dispose();
      return out;
    }
    if (spec.channelsFirst) {
      const v = nchwView(y);
      out = materialize(v, op);
      v.dispose();
      y.dispose();
    }
    return out;
  } finally {
    if (xs !== x) xs.dispose();
  }
}

/** x seen as [N, H, W, C] (a view when it is NCHW). */
function nhwcView(x: Tensor, channelsFirst?: boolean): Tensor {
  if (!channelsFirst) return x;
  const [n, c, h, w] = x.shape;
  const [sn, sc, sh, sw] = x.strides;
  return view(x, [n, h, w, c], [sn, sh, sw, sc]);
}

/** An NHWC result seen as [N, C, H, W]. */
function nchwView(y: Tensor): Tensor {
  const [n, h, w, c] = y.shape;
  const [sn, sh, sw, sc] = y.strides;
  return view(y, [n, c, h, w], [sn, sc, sh, sw]);
}

/**
 * Gathers every window into patches [N, OH, OW, kH, kW, C] (one elementwise kernel, zeros outside the input);
 * `taps` orders the window dims after C for depthwise ([N, OH, OW, C, kH, kW]).
 */
function patches(op: string, x: Tensor, spec: ConvSpec, kH: number, kW: number, channelLast: boolean): Tensor {
  const [N, H, W, C] = x.shape;
  const [OH, OW] = spec.outSize;
  const [dh, dw] = spec.inDilations ?? [1, 1];
  const outShape = channelLast ? [N, OH, OW, kH, kW, C] : [N, OH, OW, C, kH, kW];
  const [ax, ay] = channelLast ? [3, 4] : [4, 5];
  const cAxis = channelLast ? 5 : 3;
  return launch({
    op: `${op}:patches`,
    device: x.device,
    tensors: [x],
    loaded: [true],
    outShape,
    outDtype: 'float32',
    build: (_l, p) => {
      const i32 = (v: number) => p(v, 'int32');
      // Virtual input position along one spatial axis, and whether it lands on a real input pixel.
      const axis = (o: Expr, k: Expr, stride: number, dil: number, pad: number, inDil: number, size: number) => {
        const v = prim('sub', prim('add', prim('mul', o, i32(stride)), prim('mul', k, i32(dil))), i32(pad));
        if (inDil === 1) return { at: v, ok: prim('lt', cast(v, 'uint32'), p(size, 'uint32')) };
        const q = prim('div', v, i32(inDil));
        const ok = prim('and', prim('ge', v, lit(0, 'int32')), prim('and', prim('eq', prim('mul', q, i32(inDil)), v), prim('lt', q, i32(size))));
        return { at: q, ok };
      };
      const h = axis(coord(1), coord(ax), spec.strides[0], spec.dilations[0], spec.pads[0], dh, H);
      const w = axis(coord(2), coord(ay), spec.strides[1], spec.dilations[1], spec.pads[2], dw, W);
      const ok = prim('and', h.ok, w.ok);
      const [sn, sh, sw, sc] = x.strides;
      let addr = prim('add', i32(x.offset), prim('mul', coord(0), i32(sn)));
      addr = prim('add', addr, prim('mul', h.at, i32(sh)));
      addr = prim('add', addr, prim('mul', w.at, i32(sw)));
      addr = prim('add', addr, prim('mul', coord(cAxis), i32(sc)));
      return prim('where', ok, load(0, 'float32', prim('where', ok, addr, lit(0, 'int32'))), lit(0, 'float32'));
    },
  });
}

/** Ordinary convolution as patches · filter (one gather kernel and one matmul). */
function convIm2col(op: string, x: Tensor, filter: Tensor, spec: ConvSpec): Tensor {
  const [N] = x.shape;
  const [kH, kW, C, outC] = filter.shape;
  const [OH, OW] = spec.outSize;
  const P = patches(op, x, spec, kH, kW, true);
  const f = isContiguous(filter.shape, filter.strides) && filter.offset === 0 ? filter : materialize(filter, op);
  const K = kH * kW * C;
  const M = N * OH * OW;
  const A = view(P, [M, K], [K, 1], 0);
  const B = view(f, [K, outC], [outC, 1]);
  try {
    const y = runMatmul(A, B, false, false, op);
    const out = view(y, [N, OH, OW, outC], contiguousStrides([N, OH, OW, outC]), 0);
    y.dispose();
    return out;
  } finally {
    A.dispose();
    B.dispose();
    P.dispose();
    if (f !== filter) f.dispose();
  }
}

/** Depthwise convolution as patches × filter, summed over the window. */
function depthwiseIm2col(op: string, x: Tensor, filter: Tensor, spec: ConvSpec): Tensor {
  const [N, , , C] = x.shape;
  const [kH, kW, , mult] = filter.shape;
  const [OH, OW] = spec.outSize;
  const T = kH * kW;
  const P = patches(op, x, spec, kH, kW, false); // [N, OH, OW, C, kH, kW]
  const f = isContiguous(filter.shape, filter.strides) && filter.offset === 0 ? filter : materialize(filter, op);
  const pv = view(P, [N, OH, OW, C, mult, T], [OH * OW * C * T, OW * C * T, C * T, T, 0, 1], 0);
  const fv = view(f, [C, mult, T], [mult, 1, C * mult]);
  try {
    const prod = runExpr(op, [pv, fv], 'float32', ([a, b]) => prim('mul', a, b));
    const y = runReduce('sum', prod, [5]);
    prod.dispose();
    const out = view(y, [N, OH, OW, C * mult], contiguousStrides([N, OH, OW, C * mult]), 0);
    y.dispose();
    return out;
  } finally {
    pv.dispose();
    fv.dispose();
    P.dispose();
    if (f !== filter) f.dispose();
  }
}
