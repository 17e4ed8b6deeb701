// Eager dispatch of convolutions: one entry, runConv, for every convolution the public ops and model importers
// need (conv1d/2d, depthwise, transposed via input dilation, NHWC or NCHW), with an optional fused epilogue.
import type { DType } from '../core/dtype';
import { ShapeError } from '../core/errors';
import { broadcastShapes, broadcastStrides, contiguousStrides, fmtShape, isContiguous } from '../core/shape';
import { Tensor } from '../core/tensor';
import { type Expr, cast, coord, input, lit, load, param, prim } from '../ir/expr';
import type { ConvGeometry, ConvKernel } from '../ir/kernel';
import { fillGen } from '../ops/creation';
import { allocate, internKernel, launch, materialize, runGenerator, runOrDispose, view } from './dispatch';
import { type Epilogue, runExpr, runMatmul } from './dispatch_kernels';
import { placeOp, withPlaced } from './devices';
import { runtime } from './runtime';

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

/** How a convolution is computed (the selection point below). */
export type ConvForm = 'direct' | 'depthwise' | 'matmul' | 'im2col';

/**
 * The convolution selection point, per shape and adapter:
 * - `matmul`: a 1×1 window with stride 1 and no padding over channel-last input is a plain matrix product of a
 *   view (pixels × channels) with the filter (no gather at all);
 * - `depthwise`: its own kernel;
 * - `direct`: the conv kernel (window addressing inside a register-blocked product: no patch matrix);
 * - `im2col`: a patch gather then a matmul. Measured on SwiftShader (docs/performance.md): see CONV_IM2COL below.
 */
export function chooseConvForm(g: ConvGeometry, depthwise: boolean, cpuLike: boolean): ConvForm {
  if (depthwise) return 'depthwise';
  const plain = g.inDilations[0] === 1 && g.inDilations[1] === 1 && g.padBefore[0] === 0 && g.padBefore[1] === 0;
  if (plain && g.kH === 1 && g.kW === 1 && g.strides[0] === 1 && g.strides[1] === 1 && !g.channelsFirst && g.OH === g.H && g.OW === g.W) {
    const [sn, sh, sw, sc] = g.xStrides;
    if (sc === 1 && sw === g.C && sh === g.W * g.C && sn === g.H * g.W * g.C) return 'matmul';
  }
  return cpuLike && CONV_IM2COL.useOnCpuLike(g) ? 'im2col' : 'direct';
}

/** Where the patch-gather form wins on a CPU-emulated adapter (measured: docs/performance.md). */
export const CONV_IM2COL = {
  useOnCpuLike: (_g: ConvGeometry) => false,
};

/**
 * The convolution y[n, oh, ow, co] = Σ x[n, ih, iw, ci] · filter[kh, kw, ci, co] over the window, where the virtual
 * input row is oh·strideH + kh·dilationH − padTop (read when it is a multiple of the input dilation, inside the input).
 * x: float32 [N, H, W, C] (or NCHW); filter: float32 [kH, kW, C, outC] (depthwise: [kH, kW, C, multiplier]), any
 * strides (a flipped or transposed view is fine). Checks only what the kernels need; the public ops check the rest.
 * The result is [N, OH, OW, outC] (NCHW: [N, outC, OH, OW]), contiguous.
 */
export function runConv(op: string, x: Tensor, filter: Tensor, spec: ConvSpec, epilogue?: ConvEpilogue): Tensor {
  x.assertUsable(op);
  filter.assertUsable(op);
  const shapes = [[...x.shape], [...filter.shape]];
  if (x.rank !== 4 || filter.rank !== 4 || x.dtype !== 'float32' || filter.dtype !== 'float32') {
    throw new ShapeError(`${op}: the convolution kernel needs float32 4-D input and filter, got ${x.dtype} ${fmtShape(x.shape)} and ${filter.dtype} ${fmtShape(filter.shape)}`, { op, shapes });
  }
  const xs = nhwcView(x, spec.channelsFirst);
  const [N, H, W, C] = xs.shape;
  const [kH, kW, fC, fOut] = filter.shape;
  if (fC !== C) {
    throw new ShapeError(`${op}: input has ${C} channels but the filter expects ${fC} (input ${fmtShape(x.shape)}, filter ${fmtShape(filter.shape)})`, { op, shapes });
  }
  const OC = spec.depthwise ? C * fOut : fOut;
  const [OH, OW] = spec.outSize;
  const outShape = spec.channelsFirst ? [N, OC, OH, OW] : [N, OH, OW, OC];
  const extras = epilogue?.extras ?? [];
  if (extras.some((t) => t.dtype !== 'float32') || broadcastShapes(op, [outShape, ...extras.map((t) => t.shape)]).length !== 4) {
    throw new ShapeError(`${op}: the epilogue's inputs ${extras.map((t) => `${t.dtype} ${fmtShape(t.shape)}`).join(', ')} must be float32 and broadcast to the output ${fmtShape(outShape)}`, { op, shapes: [outShape, ...extras.map((t) => [...t.shape])] });
  }
  const g: ConvGeometry = {
    N, H, W, C, OH, OW, OC, kH, kW,
    strides: spec.strides,
    dilations: spec.dilations,
    padBefore: [spec.pads[0], spec.pads[2]],
    inDilations: spec.inDilations ?? [1, 1],
    multiplier: spec.depthwise ? fOut : 1,
    xOffset: xs.offset,
    xStrides: xs.strides as [number, number, number, number],
    fOffset: filter.offset,
    fStrides: filter.strides as [number, number, number, number],
    channelsFirst: Boolean(spec.channelsFirst),
  };
  try {
    const form = chooseConvForm(g, Boolean(spec.depthwise), Boolean(runtime.backend(placeOp(op, [x, filter, ...extras], outShape), op).cpuLike));
    if (form === 'direct' || form === 'depthwise') return convKernel(op, xs, filter, g, form === 'depthwise' ? 'depthwise' : 'gemm', outShape, epilogue);
    if (form === 'matmul') {
      const A = view(xs, [N * H * W, C], [C, 1]);
      const B = view(filter, [C, OC], [filter.strides[2], filter.strides[3]]);
      const bias = epilogue && { ...epilogue, extras: extras.map((t) => view(t, ...flatExtra(t, outShape))) };
      try {
        const y = runMatmul(A, B, false, false, op, bias);
        const out = view(y, outShape, contiguousStrides(outShape), 0);
        y.dispose();
        return out;
      } finally {
        A.dispose();
        B.dispose();
        bias?.extras.forEach((t) => t.dispose());
      }
    }
    const y = convIm2col(op, xs, filter, spec);
    let out = y;
    if (epilogue) {
      const yv = spec.channelsFirst ? nchwView(y) : y;
      out = runExpr(`${op}+${epilogue.name}`, [yv, ...extras], 'float32', ([v, ...e], p) => epilogue.build(v, e, p));
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

/** An extra broadcast against an NHWC output [N, H, W, C], seen as [N·H·W, C] (for the 1×1 matmul form). */
function flatExtra(t: Tensor, outShape: number[]): [number[], number[]] {
  const s = broadcastStrides(t.shape, t.strides, outShape);
  const [n, h, w, c] = outShape;
  // The pixel dims merge when their strides do (a bias: all 0; a full tensor: contiguous).
  if (!(s[0] === s[1] * h && s[1] === s[2] * w)) throw new ShapeError('conv: an epilogue input that varies per pixel unevenly', {});
  return [[n * h * w, c], [s[2], s[3]]];
}

/** One conv kernel launch (direct or depthwise), with the epilogue inside it; x is the [N, H, W, C] view. */
function convKernel(op: string, x: Tensor, filter: Tensor, g: ConvGeometry, variant: ConvKernel['variant'], outShape: number[], epilogue?: ConvEpilogue): Tensor {
  const extras = epilogue?.extras ?? [];
  return withPlaced(op, [x, filter, ...extras], outShape, (device, [x, filter, ...extras]) => {
    const backend = runtime.backend(device, op);
    const storage = allocate(backend, op, outShape, 'float32');
    const out = new Tensor(outShape, 'float32', storage, device);
    if (!storage) return out;
    const params: number[] = [];
    const paramTypes: DType[] = [];
    const epi = epilogue?.build(
      input(0, 'float32'),
      extras.map((t, i) => input(i + 1, t.dtype)),
      (v, d) => {
        paramTypes.push(d);
        return param(params.push(v) - 1, d);
      },
    );
    const kernel = internKernel<ConvKernel>(
      epi
        ? { kind: 'conv', name: `${op}+${epilogue!.name}`, variant, epilogue: cast(epi, 'float32'), extras: extras.map((t) => t.dtype), params: paramTypes }
        : { kind: 'conv', name: op, variant },
    );
    if (!x.storage || !filter.storage) {
      // An empty input channel or window: the sum is 0 everywhere (then the epilogue, as its own kernel).
      out.dispose();
      const zeros = runGenerator(fillGen(0, 'float32'), outShape, device);
      if (!epilogue) return zeros;
      try {
        return runExpr(`${op}+${epilogue.name}`, [zeros, ...extras], 'float32', ([v, ...e], p) => epilogue.build(v, e, p));
      } finally {
        zeros.dispose();
      }
    }
    // Addressing from the placed tensors (a tensor moved from another device arrives as a contiguous copy).
    const geom: ConvGeometry = {
      ...g,
      xOffset: x.offset,
      xStrides: x.strides as ConvGeometry['xStrides'],
      fOffset: filter.offset,
      fStrides: filter.strides as ConvGeometry['fStrides'],
    };
    runOrDispose(backend, {
      kernel,
      inputs: [x, filter, ...extras].map((t) => ({ handle: t.storage!.handle, dtype: t.dtype, shape: t.shape, strides: t.strides, offset: t.offset })),
      params,
      outShape,
      out: storage.handle,
      conv: geom,
    }, out);
    return out;
  });
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

/** Gathers every window into patches [N, OH, OW, kH, kW, C] (one elementwise kernel, zeros outside the input). */
function patches(op: string, x: Tensor, spec: ConvSpec, kH: number, kW: number): Tensor {
  const [N, H, W, C] = x.shape;
  const [OH, OW] = spec.outSize;
  const [dh, dw] = spec.inDilations ?? [1, 1];
  const outShape = [N, OH, OW, kH, kW, C];
  const [ax, ay, cAxis] = [3, 4, 5];
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
  const P = patches(op, x, spec, kH, kW);
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
