// Public image and spatial-layout ops: image.resizeBilinear, image.resizeNearestNeighbor, mirrorPad,
// depthToSpace, spaceToBatchND, batchToSpaceND. Each is one kernel: an elementwise kernel over the output
// whose value reads the input through `load` at an address computed from the output coordinates (resize,
// mirrorPad, spaceToBatchND, batchToSpaceND), or a copy of a strided view (depthToSpace). Sizes, strides and
// scales are uniform parameters, so one compiled kernel serves every shape of a given rank and flag set.
import { family } from './define';
import { opt, p } from '../ops/registry';
import { DTypeError, ShapeError } from '../core/errors';
import { contiguousStrides, describe, fmtShape, sizeOf } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { launch, materialize, runGenerator, view } from '../eager/dispatch';
import { type Expr, cast, coord, lit, load, prim } from '../ir/expr';
import { fillGen } from '../ops/creation';
import { tensorArg } from './args';

type Param = (value: number, dtype: 'int32' | 'uint32' | 'float32') => Expr;

const shapeErr = (op: string, msg: string, shapes: (readonly number[])[] = []) =>
  new ShapeError(`${op}: ${msg}`, { op, shapes: shapes.map((s) => [...s]) });

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function checkFlag(op: string, name: string, v: unknown, x: Tensor): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw shapeErr(op, `${name} must be a boolean, got ${describe(v)} (images ${fmtShape(x.shape)})`, [x.shape]);
  return v;
}

/** Sums `coord(d) · stride` style terms onto a start address. */
const addTo = (addr: Expr, index: Expr, stride: number, param: Param): Expr => prim('add', addr, prim('mul', index, param(stride, 'int32')));

// ---------------------------------------------------------------------------------------------------------
// Resizing. TensorFlow's rules (core/util/image_resizer_state.h, kernels/image/resize_*_op.cc), all in float32:
//   scale = (in − 1) / (out − 1) with alignCorners and out > 1, else in / out;
//   bilinear: src = (dst + 0.5)·scale − 0.5 with halfPixelCenters, else dst·scale;
//             lower = max(floor(src), 0), upper = min(ceil(src), in − 1), lerp = src − floor(src);
//             top = tl + (tr − tl)·xLerp, bottom = bl + (br − bl)·xLerp, out = top + (bottom − top)·yLerp
//             (where src < 0, lower = upper = 0, so the unclamped lerp changes nothing);
//   nearest:  src = (dst + 0.5)·scale with halfPixelCenters, else dst·scale;
//             index = min(alignCorners ? round(src) : floor(src), in − 1), and max(·, 0) with halfPixelCenters.
//             round is C's roundf (halves away from zero); src ≥ 0, so it is floor(src + 0.5), exact in float32
//             for these magnitudes (src + 0.5 never rounds across an integer).
// ---------------------------------------------------------------------------------------------------------

interface ResizePlan {
  t: Tensor;
  outShape: number[];
  /** Output dimension of the height (the width is the next one). */
  hd: number;
  inH: number;
  inW: number;
  scaleH: number;
  scaleW: number;
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

function resizePlan(op: string, images: Tensor, size: unknown, alignCorners: unknown, halfPixelCenters: unknown): ResizePlan {
  const t = tensorArg(images, op, 'images');
  if (t.rank !== 3 && t.rank !== 4) {
    throw shapeErr(op, `images must be rank 3 ([height, width, channels]) or rank 4 ([batch, height, width, channels]), got rank ${t.rank} (shape ${fmtShape(t.shape)})`, [t.shape]);
  }
  if (!Array.isArray(size) || size.length !== 2 || !size.every(isInt)) {
    throw shapeErr(op, `size must be [newHeight, newWidth] (two integers), got ${describe(size)} for images ${fmtShape(t.shape)}`, [t.shape]);
  }
  const [outH, outW] = size as number[];
  if (outH <= 0 || outW <= 0) {
    throw shapeErr(op, `size ${fmtShape(size as number[])} must be positive: cannot resize images ${fmtShape(t.shape)} to ${outH}×${outW}`, [t.shape]);
  }
  const align = checkFlag(op, 'alignCorners', alignCorners, t);
  const half = checkFlag(op, 'halfPixelCenters', halfPixelCenters, t);
  if (align && half) {
    throw shapeErr(op, `alignCorners and halfPixelCenters cannot both be true (images ${fmtShape(t.shape)}, size ${fmtShape([outH, outW])}): with halfPixelCenters, alignCorners must be false`, [t.shape]);
  }
  const hd = t.rank - 3;
  const inH = t.shape[hd];
  const inW = t.shape[hd + 1];
  if (inH === 0 || inW === 0) {
    throw shapeErr(op, `images ${fmtShape(t.shape)} have no pixels (height ${inH}, width ${inW}): there is nothing to resize`, [t.shape]);
  }
  const scale = (i: number, o: number) => Math.fround(align && o > 1 ? (i - 1) / (o - 1) : i / o);
  const outShape = [...t.shape];
  outShape[hd] = outH;
  outShape[hd + 1] = outW;
  return { t, outShape, hd, inH, inW, scaleH: scale(inH, outH), scaleW: scale(inW, outW), alignCorners: align, halfPixelCenters: half };
}

/** The input address of (batch, y, x, channel) with y, x given; batch and channel are the output's. */
function resizeAddr(r: ResizePlan, y: Expr, x: Expr, param: Param): Expr {
  const { t, hd } = r;
  let addr: Expr = param(t.offset, 'int32');
  if (hd === 1) addr = addTo(addr, coord(0), t.strides[0], param);
  addr = addTo(addr, y, t.strides[hd], param);
  addr = addTo(addr, x, t.strides[hd + 1], param);
  return addTo(addr, coord(hd + 2), t.strides[hd + 2], param);
}

const f32 = (v: number) => lit(v, 'float32');

function resizeBilinear$impl(images: Tensor, size: [number, number] | number[], alignCorners = false, halfPixelCenters = false): Tensor {
  const op = 'resizeBilinear';
  const r = resizePlan(op, images, size, alignCorners, halfPixelCenters);
  const { t } = r;
  return launch({
    op, device: t.device, tensors: [t], loaded: [true], outShape: r.outShape, outDtype: 'float32',
    build: (_leaves, param) => {
      // One axis: the two source indices (int32) and the weight of the upper one (float32).
      const axis = (d: number, scale: number, n: number) => {
        const dst = cast(coord(d), 'float32');
        const src = r.halfPixelCenters
          ? prim('sub', prim('mul', prim('add', dst, f32(0.5)), param(scale, 'float32')), f32(0.5))
          : prim('mul', dst, param(scale, 'float32'));
        const fl = prim('floor', src);
        const last = param(n - 1, 'int32');
        // (the min on lower and max on upper never bind; they keep every load in range by construction)
        const lower = prim('min', prim('max', cast(fl, 'int32'), lit(0, 'int32')), last);
        const upper = prim('max', prim('min', cast(prim('ceil', src), 'int32'), last), lit(0, 'int32'));
        return { lower, upper, lerp: prim('sub', src, fl) };
      };
      const ys = axis(r.hd, r.scaleH, r.inH);
      const xs = axis(r.hd + 1, r.scaleW, r.inW);
      const tap = (y: Expr, x: Expr) => cast(load(0, t.dtype, resizeAddr(r, y, x, param)), 'float32');
      const lerp = (a: Expr, b: Expr, w: Expr) => prim('add', a, prim('mul', prim('sub', b, a), w));
      const top = lerp(tap(ys.lower, xs.lower), tap(ys.lower, xs.upper), xs.lerp);
      const bottom = lerp(tap(ys.upper, xs.lower), tap(ys.upper, xs.upper), xs.lerp);
      return lerp(top, bottom, ys.lerp);
    },
  });
}

function resizeNearestNeighbor$impl(images: Tensor, size: [number, number] | number[], alignCorners = false, halfPixelCenters = false): Tensor {
  const op = 'resizeNearestNeighbor';
  const r = resizePlan(op, images, size, alignCorners, halfPixelCenters);
  const { t } = r;
  return launch({
    op, device: t.device, tensors: [t], loaded: [true], outShape: r.outShape, outDtype: t.dtype,
    build: (_leaves, param) => {
      const axis = (d: number, scale: number, n: number) => {
        const dst = cast(coord(d), 'float32');
        const src = prim('mul', r.halfPixelCenters ? prim('add', dst, f32(0.5)) : dst, param(scale, 'float32'));
        const picked = prim('floor', r.alignCorners ? prim('add', src, f32(0.5)) : src);
        // max(·, 0) is TensorFlow's with halfPixelCenters and a no-op otherwise (src ≥ 0).
        return prim('max', prim('min', cast(picked, 'int32'), param(n - 1, 'int32')), lit(0, 'int32'));
      };
      return load(0, t.dtype, resizeAddr(r, axis(r.hd, r.scaleH, r.inH), axis(r.hd + 1, r.scaleW, r.inW), param));
    },
  });
}

// ---------------------------------------------------------------------------------------------------------
// mirrorPad: output coordinate c (input coordinate before folding) = out − before. With u = max(c, q − c)
// and then min(u, K − u), one formula folds both modes: reflect (edge not repeated) q = 0, K = 2(n − 1);
// symmetric (edge repeated) q = −1, K = 2n − 1. One fold suffices because before, after ≤ n − 1 (reflect)
// or ≤ n (symmetric), as TensorFlow requires.
// ---------------------------------------------------------------------------------------------------------

function mirrorPad$impl(x: Tensor, paddings: [number, number][], mode: 'reflect' | 'symmetric'): Tensor {
  const op = 'mirrorPad';
  const t = tensorArg(x, op);
  if (mode !== 'reflect' && mode !== 'symmetric') {
    throw shapeErr(op, `mode must be 'reflect' or 'symmetric', got ${describe(mode)} (x ${fmtShape(t.shape)})`, [t.shape]);
  }
  if (t.rank === 0) throw shapeErr(op, `cannot pad a scalar (shape ${fmtShape(t.shape)}): x needs rank ≥ 1`, [t.shape]);
  if (!Array.isArray(paddings) || paddings.length !== t.rank || paddings.some((pr) => !Array.isArray(pr) || pr.length !== 2 || !pr.every(isInt))) {
    throw shapeErr(op, `paddings ${describe(paddings)} must be one [before, after] pair of integers per dimension of x ${fmtShape(t.shape)} (rank ${t.rank})`, [t.shape]);
  }
  const symmetric = mode === 'symmetric';
  paddings.forEach(([b, e], d) => {
    const n = t.shape[d];
    const most = symmetric ? n : n - 1;
    if (b < 0 || e < 0 || b > most || e > most) {
      throw shapeErr(op, `paddings[${d}] = [${b}, ${e}] is out of range for dimension ${d} of x ${fmtShape(t.shape)} (size ${n}): ${mode} mode takes paddings from 0 to ${most} (${symmetric ? 'at most' : 'less than'} the size)`, [t.shape]);
    }
  });
  const outShape = t.shape.map((n, d) => n + paddings[d][0] + paddings[d][1]);
  if (sizeOf(outShape) === 0) return runGenerator(fillGen(0, t.dtype), outShape, t.device, op);
  return launch({
    op, device: t.device, tensors: [t], loaded: [true], outShape, outDtype: t.dtype,
    build: (_leaves, param) => {
      let addr: Expr = param(t.offset, 'int32');
      t.shape.forEach((n, d) => {
        const c = prim('sub', coord(d), param(paddings[d][0], 'int32'));
        const u = prim('max', c, prim('sub', param(symmetric ? -1 : 0, 'int32'), c));
        const i = prim('min', u, prim('sub', param(symmetric ? 2 * n - 1 : 2 * n - 2, 'int32'), u));
        addr = addTo(addr, i, t.strides[d], param);
      });
      return load(0, t.dtype, addr);
    },
  });
}

// ---------------------------------------------------------------------------------------------------------
// depthToSpace (TensorFlow's DCR order): out[b, h·s + i, w·s + j, c] = in[b, h, w, (i·s + j)·C' + c]
// (NCHW: out[b, c, h·s + i, w·s + j] = in[b, (i·s + j)·C' + c, h, w]). Splitting the depth into [s, s, C'] is a
// view of any strided input; the view permuted to the output's order is copied once and read back as 4-D.
// ---------------------------------------------------------------------------------------------------------

function depthToSpace$impl(x: Tensor, blockSize: number, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): Tensor {
  const op = 'depthToSpace';
  const t = tensorArg(x, op);
  if (dataFormat !== 'NHWC' && dataFormat !== 'NCHW') {
    throw shapeErr(op, `dataFormat must be 'NHWC' or 'NCHW', got ${describe(dataFormat)} (x ${fmtShape(t.shape)})`, [t.shape]);
  }
  if (t.rank !== 4) {
    throw shapeErr(op, `x must be rank 4 (${dataFormat === 'NHWC' ? '[batch, height, width, depth]' : '[batch, depth, height, width]'}), got rank ${t.rank} (shape ${fmtShape(t.shape)})`, [t.shape]);
  }
  if (!isInt(blockSize) || blockSize < 2) {
    throw shapeErr(op, `blockSize must be an integer > 1, got ${describe(blockSize)} (x ${fmtShape(t.shape)})`, [t.shape]);
  }
  const nhwc = dataFormat === 'NHWC';
  const cd = nhwc ? 3 : 1;
  const depth = t.shape[cd];
  const s = blockSize;
  if (depth % (s * s) !== 0) {
    throw shapeErr(op, `the depth of x ${fmtShape(t.shape)} (${depth}, dimension ${cd} in ${dataFormat}) must be divisible by blockSize² = ${s * s}`, [t.shape]);
  }
  const od = depth / (s * s);
  const [st0, st1, st2, st3] = t.strides;
  const [b, d1, d2] = t.shape;
  const cs = t.strides[cd];
  // The depth split [i, j, c] has strides [s·C'·cs, C'·cs, cs].
  const [si, sj, sc] = [s * od * cs, od * cs, cs];
  const shape6 = nhwc ? [b, d1, s, d2, s, od] : [b, od, t.shape[2], s, t.shape[3], s];
  const strides6 = nhwc ? [st0, st1, si, st2, sj, sc] : [st0, sc, st2, si, st3, sj];
  const outShape = nhwc ? [b, d1 * s, d2 * s, od] : [b, od, t.shape[2] * s, t.shape[3] * s];
  const v = view(t, shape6, strides6);
  let copy: Tensor;
  try {
    copy = materialize(v, op);
  } finally {
    v.dispose();
  }
  const out = view(copy, outShape, contiguousStrides(outShape), 0);
  copy.dispose();
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// spaceToBatchND / batchToSpaceND (TensorFlow): with M block dimensions b₁…b_M after the batch, block offsets
// o = (o₁…o_M) numbered k = flat(o) (o₁ most significant) and B the smaller batch,
//   spaceToBatchND: out[k·B + n, y₁…y_M, rest] = padded(in)[n, y₁·b₁ + o₁ − before₁, …, rest] (0 in the padding);
//   batchToSpaceND: out[n, y₁…y_M, rest] = in[k·B + n, (y₁ + cropStart₁) div b₁, …, rest],
//                   where o_i = (y_i + cropStart_i) mod b_i.
// ---------------------------------------------------------------------------------------------------------

function checkBlocks(op: string, t: Tensor, blockShape: unknown, pairs: unknown, pairsName: string): { bs: number[]; prs: [number, number][] } {
  if (!Array.isArray(blockShape) || blockShape.length === 0 || !blockShape.every((v) => isInt(v) && v >= 1)) {
    throw shapeErr(op, `blockShape must be a non-empty list of integers ≥ 1, got ${describe(blockShape)} (x ${fmtShape(t.shape)})`, [t.shape]);
  }
  const m = blockShape.length;
  if (t.rank < m + 1) {
    throw shapeErr(op, `x ${fmtShape(t.shape)} has rank ${t.rank}, but blockShape ${fmtShape(blockShape)} needs rank ≥ ${m + 1} (a batch dimension and ${m} block dimension${m > 1 ? 's' : ''})`, [t.shape]);
  }
  if (!Array.isArray(pairs) || pairs.length !== m || pairs.some((pr) => !Array.isArray(pr) || pr.length !== 2 || !pr.every((v) => isInt(v) && v >= 0))) {
    throw shapeErr(op, `${pairsName} ${describe(pairs)} must be ${m} [start, end] pair${m > 1 ? 's' : ''} of integers ≥ 0, one per entry of blockShape ${fmtShape(blockShape)} (x ${fmtShape(t.shape)})`, [t.shape]);
  }
  return { bs: blockShape as number[], prs: pairs as [number, number][] };
}

function spaceToBatchND$impl(x: Tensor, blockShape: number[], paddings: [number, number][]): Tensor {
  const op = 'spaceToBatchND';
  const t = tensorArg(x, op);
  const { bs, prs } = checkBlocks(op, t, blockShape, paddings, 'paddings');
  const m = bs.length;
  const padded = bs.map((_, i) => t.shape[i + 1] + prs[i][0] + prs[i][1]);
  bs.forEach((b, i) => {
    if (padded[i] % b !== 0) {
      throw shapeErr(op, `dimension ${i + 1} of x ${fmtShape(t.shape)} padded by [${prs[i][0]}, ${prs[i][1]}] has size ${padded[i]}, not divisible by blockShape[${i}] = ${b} (blockShape ${fmtShape(bs)}, paddings ${describe(prs)})`, [t.shape]);
    }
  });
  const batch = t.shape[0];
  const prod = bs.reduce((a, b) => a * b, 1);
  const outShape = [batch * prod, ...padded.map((n, i) => n / bs[i]), ...t.shape.slice(m + 1)];
  if (t.size === 0) return runGenerator(fillGen(0, t.dtype), outShape, t.device, op);
  return launch({
    op, device: t.device, tensors: [t], loaded: [true], outShape, outDtype: t.dtype,
    build: (_leaves, param) => {
      const B = param(batch, 'int32');
      let k: Expr = prim('div', coord(0), B);
      let addr = addTo(param(t.offset, 'int32'), prim('mod', coord(0), B), t.strides[0], param);
      let inside: Expr | undefined;
      for (let i = m - 1; i >= 0; i--) {
        const b = param(bs[i], 'int32');
        const o = prim('mod', k, b);
        if (i > 0) k = prim('div', k, b);
        const c = prim('sub', prim('add', prim('mul', coord(i + 1), b), o), param(prs[i][0], 'int32'));
        // 0 <= c < size, as one unsigned comparison.
        const ok = prim('lt', cast(c, 'uint32'), param(t.shape[i + 1], 'uint32'));
        inside = inside ? prim('and', inside, ok) : ok;
        addr = addTo(addr, c, t.strides[i + 1], param);
      }
      for (let d = m + 1; d < t.rank; d++) addr = addTo(addr, coord(d), t.strides[d], param);
      const safe = prim('where', inside!, addr, lit(0, 'int32'));
      return prim('where', inside!, load(0, t.dtype, safe), lit(0, t.dtype));
    },
  });
}

function batchToSpaceND$impl(x: Tensor, blockShape: number[], crops: [number, number][]): Tensor {
  const op = 'batchToSpaceND';
  const t = tensorArg(x, op);
  const { bs, prs } = checkBlocks(op, t, blockShape, crops, 'crops');
  const m = bs.length;
  const prod = bs.reduce((a, b) => a * b, 1);
  if (t.shape[0] % prod !== 0) {
    throw shapeErr(op, `the batch of x ${fmtShape(t.shape)} (${t.shape[0]}) is not divisible by the product of blockShape ${fmtShape(bs)} (${bs.join(' · ')} = ${prod})`, [t.shape]);
  }
  const full = bs.map((b, i) => t.shape[i + 1] * b);
  prs.forEach(([c0, c1], i) => {
    if (c0 + c1 > full[i]) {
      throw shapeErr(op, `crops[${i}] = [${c0}, ${c1}] remove ${c0 + c1} elements, more than the ${full[i]} of dimension ${i + 1} after un-blocking (x ${fmtShape(t.shape)}: ${t.shape[i + 1]} · blockShape[${i}] = ${bs[i]})`, [t.shape]);
    }
  });
  const batch = t.shape[0] / prod;
  const outShape = [batch, ...full.map((n, i) => n - prs[i][0] - prs[i][1]), ...t.shape.slice(m + 1)];
  if (sizeOf(outShape) === 0) return runGenerator(fillGen(0, t.dtype), outShape, t.device, op);
  return launch({
    op, device: t.device, tensors: [t], loaded: [true], outShape, outDtype: t.dtype,
    build: (_leaves, param) => {
      let addr: Expr = param(t.offset, 'int32');
      let k: Expr | undefined;
      for (let i = 0; i < m; i++) {
        const b = param(bs[i], 'int32');
        const y = prim('add', coord(i + 1), param(prs[i][0], 'int32'));
        addr = addTo(addr, prim('div', y, b), t.strides[i + 1], param);
        const o = prim('mod', y, b);
        k = k ? prim('add', prim('mul', k, b), o) : o;
      }
      const n = prim('add', prim('mul', k!, param(batch, 'int32')), coord(0));
      addr = addTo(addr, n, t.strides[0], param);
      for (let d = m + 1; d < t.rank; d++) addr = addTo(addr, coord(d), t.strides[d], param);
      return load(0, t.dtype, addr);
    },
  });
}

// ---------------------------------------------------------------------------------------------------------
// cropAndResize (TensorFlow's crop_and_resize_op.cc), all in float32: for box b = (y1, x1, y2, x2) of image
// boxInd[b] and crop row y,
//   in_y = y1·(H − 1) + y·(y2 − y1)·(H − 1)/(cropH − 1) when cropH > 1, else (y1 + y2)/2·(H − 1) (the same in x);
//   a sample outside [0, H − 1] × [0, W − 1] is extrapolationValue; bilinear lerps floor/ceil neighbours
//   (rows first, then columns' results along y), nearest reads round(in) (halves away from zero).
// One kernel over [n, cropH, cropW, C] that loads the box, its image index and the pixels.
// ---------------------------------------------------------------------------------------------------------

function cropAndResize$impl(
  image: Tensor,
  boxes: Tensor,
  boxInd: Tensor,
  cropSize: [number, number] | number[],
  method: 'bilinear' | 'nearest' = 'bilinear',
  extrapolationValue = 0,
): Tensor {
  const op = 'cropAndResize';
  const img = tensorArg(image, op, 'image');
  const bx = tensorArg(boxes, op, 'boxes');
  const bi = tensorArg(boxInd, op, 'boxInd');
  const shapes = [img.shape, bx.shape, bi.shape];
  const all = `(image ${fmtShape(img.shape)}, boxes ${fmtShape(bx.shape)}, boxInd ${fmtShape(bi.shape)})`;
  if (img.rank !== 4) throw shapeErr(op, `image must be rank 4 ([batch, height, width, depth]), got rank ${img.rank} ${all}`, shapes);
  if (bx.rank !== 2 || bx.shape[1] !== 4) throw shapeErr(op, `boxes must have shape [numBoxes, 4] (y1, x1, y2, x2), got ${fmtShape(bx.shape)} ${all}`, shapes);
  if (bi.rank !== 1 || bi.shape[0] !== bx.shape[0]) throw shapeErr(op, `boxInd must have shape [numBoxes] = [${bx.shape[0]}], got ${fmtShape(bi.shape)} ${all}`, shapes);
  if (bx.dtype !== 'float32') throw new DTypeError(`${op}: boxes must be float32, got ${bx.dtype} ${all}`, { op, dtypes: [img.dtype, bx.dtype, bi.dtype], shapes: shapes.map((s) => [...s]) });
  if (bi.dtype !== 'int32' && bi.dtype !== 'uint32') throw new DTypeError(`${op}: boxInd must be int32, got ${bi.dtype} ${all}`, { op, dtypes: [img.dtype, bx.dtype, bi.dtype], shapes: shapes.map((s) => [...s]) });
  if (img.dtype === 'bool') throw new DTypeError(`${op}: image must be numeric, got bool ${all}`, { op, dtypes: [img.dtype], shapes: shapes.map((s) => [...s]) });
  if (!Array.isArray(cropSize) || cropSize.length !== 2 || !cropSize.every(isInt)) {
    throw shapeErr(op, `cropSize must be [cropHeight, cropWidth] (two integers), got ${describe(cropSize)} ${all}`, shapes);
  }
  const [ch, cw] = cropSize as number[];
  if (ch <= 0 || cw <= 0) throw shapeErr(op, `cropSize ${fmtShape([ch, cw])} must be positive ${all}`, shapes);
  if (method !== 'bilinear' && method !== 'nearest') throw shapeErr(op, `method must be 'bilinear' or 'nearest', got ${describe(method)} ${all}`, shapes);
  if (typeof extrapolationValue !== 'number') throw shapeErr(op, `extrapolationValue must be a number, got ${describe(extrapolationValue)} ${all}`, shapes);
  const [N, H, W] = img.shape;
  const host = bi.hostValues;
  if (host) {
    for (let i = 0; i < host.length; i++) {
      if (host[i] < 0 || host[i] >= N) throw shapeErr(op, `boxInd[${i}] = ${host[i]} is out of range: the image batch has ${N} image${N === 1 ? '' : 's'} ${all}`, shapes);
    }
  }
  const outShape = [bx.shape[0], ch, cw, img.shape[3]];
  if (sizeOf(outShape) === 0) return runGenerator(fillGen(0, 'float32'), outShape, img.device, op);
  if (N === 0 || H === 0 || W === 0) throw shapeErr(op, `image has no pixels to crop ${all}`, shapes);
  return launch({
    op, tensors: [img, bx, bi], loaded: [true, true, true], outShape, outDtype: 'float32',
    build: (_leaves, param) => {
      const boxAt = (j: number) => load(1, 'float32', addTo(addTo(param(bx.offset, 'int32'), coord(0), bx.strides[0], param), lit(j, 'int32'), bx.strides[1], param));
      const [y1, x1, y2, x2] = [0, 1, 2, 3].map(boxAt);
      // Device-held indices out of range are clamped (host-known ones were checked above).
      const b = prim('min', prim('max', cast(load(2, bi.dtype, addTo(param(bi.offset, 'int32'), coord(0), bi.strides[0], param)), 'int32'), lit(0, 'int32')), param(N - 1, 'int32'));
      const axis = (lo: Expr, hi: Expr, n: number, crop: number, d: number) => {
        const span = param(n - 1, 'float32');
        if (crop === 1) return prim('mul', prim('mul', f32(0.5), prim('add', lo, hi)), span);
        const scale = prim('div', prim('mul', prim('sub', hi, lo), span), param(crop - 1, 'float32'));
        return prim('add', prim('mul', lo, span), prim('mul', cast(coord(d), 'float32'), scale));
      };
      const iy = axis(y1, y2, H, ch, 1);
      const ix = axis(x1, x2, W, cw, 2);
      const outside = prim('or',
        prim('or', prim('lt', iy, f32(0)), prim('gt', iy, param(H - 1, 'float32'))),
        prim('or', prim('lt', ix, f32(0)), prim('gt', ix, param(W - 1, 'float32'))));
      const clampI = (v: Expr, n: number) => prim('min', prim('max', cast(v, 'int32'), lit(0, 'int32')), param(n - 1, 'int32'));
      let base = addTo(param(img.offset, 'int32'), b, img.strides[0], param);
      base = addTo(base, coord(3), img.strides[3], param);
      const tap = (y: Expr, x: Expr) => cast(load(0, img.dtype, addTo(addTo(base, y, img.strides[1], param), x, img.strides[2], param)), 'float32');
      let value: Expr;
      if (method === 'nearest') {
        value = tap(clampI(prim('floor', prim('add', iy, f32(0.5))), H), clampI(prim('floor', prim('add', ix, f32(0.5))), W));
      } else {
        const fy = prim('floor', iy);
        const fx = prim('floor', ix);
        const top = clampI(fy, H);
        const bottom = clampI(prim('ceil', iy), H);
        const left = clampI(fx, W);
        const right = clampI(prim('ceil', ix), W);
        const yl = prim('sub', iy, fy);
        const xl = prim('sub', ix, fx);
        const lerp = (a: Expr, c: Expr, w: Expr) => prim('add', a, prim('mul', prim('sub', c, a), w));
        const t = lerp(tap(top, left), tap(top, right), xl);
        const btm = lerp(tap(bottom, left), tap(bottom, right), xl);
        value = lerp(t, btm, yl);
      }
      return prim('where', outside, param(extrapolationValue, 'float32'), value);
    },
  });
}

// flipLeftRight: the width axis of [batch, height, width, depth] reversed (a view), copied once.
function flipLeftRight$impl(image: Tensor): Tensor {
  const op = 'flipLeftRight';
  const t = tensorArg(image, op, 'image');
  if (t.rank !== 4) throw shapeErr(op, `image must be rank 4 ([batch, height, width, depth]), got rank ${t.rank} (shape ${fmtShape(t.shape)})`, [t.shape]);
  const strides = [...t.strides];
  let offset = t.offset;
  if (t.shape[2] > 0) {
    offset += (t.shape[2] - 1) * t.strides[2];
    strides[2] = -t.strides[2];
  }
  const v = view(t, t.shape, strides, offset);
  try {
    return materialize(v, op);
  } finally {
    v.dispose();
  }
}

// ---------------------------------------------------------------------------------------------------------
// transform (TensorFlow.js's image.transform): output pixel (x, y) of image b reads the input at
//   ((a0·x + a1·y + a2) / k, (b0·x + b1·y + b2) / k), k = c0·x + c1·y + 1 (fillValue where k = 0),
// for the row [a0, a1, a2, b0, b1, b2, c0, c1] of transforms ([1, 8] for every image, or [batch, 8]);
// each coordinate is mapped by fillMode: 'constant' (kept; pixels outside read fillValue), 'nearest' (clamped),
// 'reflect' (… d c b a | a b c d | d c b a …) or 'wrap' (… a b c d | a b c d …), both clamped to the image
// after, as TensorFlow. 'nearest' interpolation reads pixel floor(v + 0.5); 'bilinear' weighs the four pixels
// floor(v) and floor(v) + 1 (each outside one reads fillValue). One kernel.
// ---------------------------------------------------------------------------------------------------------

type FillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';

function transform$impl(
  image: Tensor,
  transforms: Tensor,
  interpolation: 'nearest' | 'bilinear' = 'nearest',
  fillMode: FillMode = 'constant',
  fillValue = 0,
  outputShape?: [number, number] | number[],
): Tensor {
  const op = 'transform';
  const img = tensorArg(image, op, 'image');
  const tr = tensorArg(transforms, op, 'transforms');
  const shapes = [img.shape, tr.shape];
  const all = `(image ${fmtShape(img.shape)}, transforms ${fmtShape(tr.shape)})`;
  if (img.rank !== 4) throw shapeErr(op, `image must be rank 4 ([batch, height, width, depth]), got rank ${img.rank} ${all}`, shapes);
  if (tr.rank !== 2 || tr.shape[1] !== 8 || (tr.shape[0] !== 1 && tr.shape[0] !== img.shape[0])) {
    throw shapeErr(op, `transforms must have shape [1, 8] or [batch, 8] = [${img.shape[0]}, 8], got ${fmtShape(tr.shape)} ${all}`, shapes);
  }
  if (tr.dtype !== 'float32') throw new DTypeError(`${op}: transforms must be float32, got ${tr.dtype} ${all}`, { op, dtypes: [img.dtype, tr.dtype], shapes: shapes.map((s) => [...s]) });
  if (img.dtype === 'bool') throw new DTypeError(`${op}: image must be numeric, got bool ${all}`, { op, dtypes: [img.dtype, tr.dtype], shapes: shapes.map((s) => [...s]) });
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') throw shapeErr(op, `interpolation must be 'nearest' or 'bilinear', got ${describe(interpolation)} ${all}`, shapes);
  if (!['constant', 'reflect', 'wrap', 'nearest'].includes(fillMode as string)) {
    throw shapeErr(op, `fillMode must be 'constant', 'reflect', 'wrap' or 'nearest', got ${describe(fillMode)} ${all}`, shapes);
  }
  if (typeof fillValue !== 'number') throw shapeErr(op, `fillValue must be a number, got ${describe(fillValue)} ${all}`, shapes);
  let outH = img.shape[1];
  let outW = img.shape[2];
  if (outputShape !== undefined && outputShape !== null) {
    if (!Array.isArray(outputShape) || outputShape.length !== 2 || !outputShape.every((v) => isInt(v) && v > 0)) {
      throw shapeErr(op, `outputShape must be [height, width] (two positive integers), got ${describe(outputShape)} ${all}`, shapes);
    }
    [outH, outW] = outputShape as number[];
  }
  const [, H, W, C] = img.shape;
  const outShape = [img.shape[0], outH, outW, C];
  if (sizeOf(outShape) === 0) return runGenerator(fillGen(0, img.dtype), outShape, img.device, op);
  return launch({
    op, tensors: [img, tr], loaded: [true, true], outShape, outDtype: img.dtype,
    build: (_leaves, param) => {
      const row = tr.shape[0] === 1 ? lit(0, 'int32') : coord(0);
      const t = (j: number) => load(1, 'float32', addTo(addTo(param(tr.offset, 'int32'), row, tr.strides[0], param), lit(j, 'int32'), tr.strides[1], param));
      const x = cast(coord(2), 'float32');
      const y = cast(coord(1), 'float32');
      const lin = (a: number, b: number, c: Expr) => prim('add', prim('add', prim('mul', t(a), x), prim('mul', t(b), y)), c);
      const k = lin(6, 7, f32(1));
      const inX = prim('div', lin(0, 1, t(2)), k);
      const inY = prim('div', lin(3, 4, t(5)), k);
      const clampF = (v: Expr, n: number) => prim('min', prim('max', v, f32(0)), param(n - 1, 'float32'));
      const map = (c: Expr, n: number): Expr => {
        if (fillMode === 'constant') return c;
        if (fillMode === 'nearest' || n <= 1) return clampF(c, n);
        const len = param(n, 'float32');
        if (fillMode === 'reflect') {
          const sz2 = param(2 * n, 'float32');
          // c < 0: fold by whole periods, then mirror; c > n − 1: fold, then mirror the upper half.
          const a = prim('add', prim('mul', sz2, prim('floor', prim('div', prim('neg', c), sz2))), c);
          const neg = prim('where', prim('lt', a, prim('neg', len)), prim('add', a, sz2), prim('sub', prim('neg', a), f32(1)));
          const b = prim('sub', c, prim('mul', sz2, prim('floor', prim('div', c, sz2))));
          const pos = prim('where', prim('ge', b, len), prim('sub', prim('sub', sz2, b), f32(1)), b);
          return clampF(prim('where', prim('lt', c, f32(0)), neg, prim('where', prim('gt', c, param(n - 1, 'float32')), pos, c)), n);
        }
        const sz = param(n - 1, 'float32');
        const neg = prim('add', c, prim('mul', len, prim('add', prim('floor', prim('div', prim('neg', c), sz)), f32(1))));
        const pos = prim('sub', c, prim('mul', len, prim('floor', prim('div', c, sz))));
        return clampF(prim('where', prim('lt', c, f32(0)), neg, prim('where', prim('gt', c, sz), pos, c)), n);
      };
      const mx = map(inX, W);
      const my = map(inY, H);
      const fill = param(fillValue, 'float32');
      const base = addTo(addTo(param(img.offset, 'int32'), coord(0), img.strides[0], param), coord(3), img.strides[3], param);
      // The pixel at integer (yi, xi) (float values), or fillValue outside the image.
      const read = (yi: Expr, xi: Expr) => {
        const inside = prim('and',
          prim('and', prim('ge', yi, f32(0)), prim('lt', yi, param(H, 'float32'))),
          prim('and', prim('ge', xi, f32(0)), prim('lt', xi, param(W, 'float32'))));
        const iy = prim('where', inside, cast(yi, 'int32'), lit(0, 'int32'));
        const ix = prim('where', inside, cast(xi, 'int32'), lit(0, 'int32'));
        return prim('where', inside, cast(load(0, img.dtype, addTo(addTo(base, iy, img.strides[1], param), ix, img.strides[2], param)), 'float32'), fill);
      };
      let value: Expr;
      if (interpolation === 'nearest') {
        value = read(prim('floor', prim('add', my, f32(0.5))), prim('floor', prim('add', mx, f32(0.5))));
      } else {
        const yf = prim('floor', my);
        const xf = prim('floor', mx);
        const yc = prim('add', yf, f32(1));
        const xc = prim('add', xf, f32(1));
        const rowAt = (yy: Expr) => prim('add', prim('mul', prim('sub', xc, mx), read(yy, xf)), prim('mul', prim('sub', mx, xf), read(yy, xc)));
        value = prim('add', prim('mul', prim('sub', yc, my), rowAt(yf)), prim('mul', prim('sub', my, yf), rowAt(yc)));
      }
      return cast(prim('where', prim('eq', k, f32(0)), fill, value), img.dtype);
    },
  });
}

/** Image ops (registry definitions). */
export const IMAGE_DEFS = family('image', {
  resizeBilinear: {
    doc: 'Resizes [h, w, c] or [b, h, w, c] images to `size` = [newHeight, newWidth] by bilinear interpolation (float32 result), with TensorFlow\'s alignCorners / halfPixelCenters rules. One kernel.',
    params: [p('images', 'tensor'), p('size', 'ints'), opt('alignCorners', 'bool'), opt('halfPixelCenters', 'bool')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    namespace: 'image',
    impl: resizeBilinear$impl,
  },
  resizeNearestNeighbor: {
    doc: 'Resizes [h, w, c] or [b, h, w, c] images to `size` = [newHeight, newWidth], each output pixel a copy of the nearest input pixel (dtype kept), with TensorFlow\'s alignCorners / halfPixelCenters rules. One kernel.',
    params: [p('images', 'tensor'), p('size', 'ints'), opt('alignCorners', 'bool'), opt('halfPixelCenters', 'bool')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    namespace: 'image',
    impl: resizeNearestNeighbor$impl,
  },
  cropAndResize: {
    doc: "Crops boxes ([n, 4] normalized y1, x1, y2, x2; boxInd picks the image) out of [batch, h, w, c] images and resizes each to cropSize, bilinear or nearest, with TensorFlow's sampling rules; samples outside the image are extrapolationValue. One kernel.",
    params: [p('image', 'tensor'), p('boxes', 'tensor'), p('boxInd', 'tensor'), p('cropSize', 'ints'), opt('method', 'cropMethod'), opt('extrapolationValue', 'number')],
    returns: 'tensor',
    differentiable: true,
    namespace: 'image',
    impl: cropAndResize$impl,
  },
  flipLeftRight: {
    doc: 'Mirrors [batch, h, w, c] images along the width (a reversed view, copied once).',
    params: [p('image', 'tensor')],
    returns: 'tensor',
    differentiable: true,
    namespace: 'image',
    impl: flipLeftRight$impl,
  },
  transform: {
    doc: "Applies projective transforms ([1, 8] or [batch, 8] rows a0 a1 a2 b0 b1 b2 c0 c1, output → input) to [batch, h, w, c] images, TensorFlow.js's image.transform: 'nearest' or 'bilinear' sampling, fillMode 'constant' | 'reflect' | 'wrap' | 'nearest', optional outputShape. One kernel.",
    params: [p('image', 'tensor'), p('transforms', 'tensor'), opt('interpolation', 'cropMethod'), opt('fillMode', 'fillMode'), opt('fillValue', 'number'), opt('outputShape', 'ints')],
    returns: 'tensor',
    namespace: 'image',
    impl: transform$impl,
  },
});

/** Spatial layout ops (registry definitions). */
export const LAYOUT_DEFS = family('movement', {
  mirrorPad: {
    doc: "Pads with mirrored values: 'reflect' leaves the edge out (paddings < the size), 'symmetric' repeats it (paddings ≤ the size). One kernel.",
    params: [p('x', 'tensor'), p('paddings', 'paddings'), p('mode', 'mirrorPadMode')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: mirrorPad$impl,
  },
  depthToSpace: {
    doc: "Moves depth into blockSize × blockSize spatial blocks (TensorFlow's DCR order) of a rank-4 NHWC or NCHW tensor: one copy kernel.",
    params: [p('x', 'tensor'), p('blockSize', 'int'), opt('dataFormat', 'dataFormat')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: depthToSpace$impl,
  },
  spaceToBatchND: {
    doc: 'Zero-pads the block dimensions (1…M after the batch) and moves blockShape blocks of them into the batch, as TensorFlow. One kernel.',
    params: [p('x', 'tensor'), p('blockShape', 'ints'), p('paddings', 'paddings')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: spaceToBatchND$impl,
  },
  batchToSpaceND: {
    doc: 'The inverse of spaceToBatchND: moves batch blocks back into the block dimensions, then crops them, as TensorFlow. One kernel.',
    params: [p('x', 'tensor'), p('blockShape', 'ints'), p('crops', 'paddings')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: batchToSpaceND$impl,
  },
});
