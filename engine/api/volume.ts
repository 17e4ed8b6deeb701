// Public volume ops (issue 18): conv3d, maxPool3d, avgPool3d over NDHWC volumes (rank 4: one volume).
// Composed of the existing dispatch, no kernel of their own:
// - conv3d is a sum over the filter's depth taps of 2-D convolutions (runConv): for tap kd, a view of x whose
//   batch dimension walks (batch, output depth) together, the depth stride, dilation and tap expressed by the
//   view's stride and offset, convolved with the filter slice [kd]; each tap's convolution adds the previous
//   taps' sum in its epilogue, so the fd taps are fd conv launches and nothing else. Depth padding (or a batch
//   layout the merged view cannot walk) first copies x once into a depth-padded volume.
// - maxPool3d/avgPool3d are one elementwise kernel unrolling the window with loads (padding masked: max never
//   picks it, avg divides by the taps inside the input) for windows of up to POOL3D_UNROLL_MAX_TAPS taps; a
//   larger window is pooled one axis at a time (max and sum are separable; the divisor of avg is the product of
//   the per-axis counts), each pass the same unrolled kernel with a window along one axis.
import { family } from './define';
import { opt, p } from '../ops/registry';
import type { DType } from '../core/dtype';
import { describe } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { launch, view } from '../eager/dispatch';
import { runConv } from '../eager/dispatch_conv';
import { type Epilogue, runExpr } from '../eager/dispatch_kernels';
import { type Expr, cast, coord, lit, load, prim } from '../ir/expr';
import { type AxisGeometry, type Padding, type RoundingMode, spatialGeometry, spatialInts } from '../ops/conv_util';
import { type Named, numericArg, shapeErr, withShapes } from './spatial_args';

/** Windows of up to this many taps (3×3×3) are one unrolled kernel; larger ones are pooled axis by axis. */
export const POOL3D_UNROLL_MAX_TAPS = 27;

type DataFormat3D = 'NDHWC' | 'NCDHW';
/** x as rank 5 (rank 4 gets a batch of 1), checked. `owned` gets the view to dispose. */
function rank5(op: string, x: Tensor, ts: Named, owned: Tensor[]): Tensor {
  if (x.rank === 5) return x;
  if (x.rank !== 4) {
    throw shapeErr(op, `x must be rank 5 [batch, depth, height, width, channels] or rank 4 (one volume), got rank ${x.rank}`, ts);
  }
  const v = view(x, [1, ...x.shape], [0, ...x.strides]);
  owned.push(v);
  return v;
}

/** TensorFlow.js computes volumes in NDHWC only (its message). */
function checkFormat(op: string, v: unknown, ts: Named): void {
  if (v === 'NDHWC') return;
  if (v === 'NCDHW') throw shapeErr(op, `got dataFormat of NCDHW but only NDHWC is currently supported`, ts);
  throw shapeErr(op, `dataFormat must be 'NDHWC', got ${describe(v)}`, ts);
}

/** dimRoundingMode with explicit padding: checked, then unused (the sizes are exact), as the 2-D ops. */
function roundingFor(op: string, pad: unknown, rm: RoundingMode | null | undefined, ts: Named): RoundingMode | undefined {
  const r = rm ?? undefined;
  if (r === undefined || !Array.isArray(pad)) return r;
  if (r !== 'floor' && r !== 'round' && r !== 'ceil') throw shapeErr(op, `dimRoundingMode must be 'floor', 'round' or 'ceil', got ${describe(r)}`, ts);
  return undefined;
}

const disposeAll = (ts: Tensor[]) => ts.forEach((t) => t.dispose());

/** A 5-D result back to rank 4 (the caller's rank-4 input), disposing the 5-D tensor. */
function dropBatch(y: Tensor): Tensor {
  const v = view(y, y.shape.slice(1), y.strides.slice(1));
  y.dispose();
  return v;
}

// ---- conv3d ------------------------------------------------------------------------------------------------

/**
 * x [N, D, H, W, C] copied into zeros [N, Dp, H, W, C] with x's depth 0 at row `before` (rows past the input: 0).
 * One elementwise kernel.
 */
function padDepth(op: string, x: Tensor, before: number, Dp: number): Tensor {
  const [N, D, H, W, C] = x.shape;
  return launch({
    op, tensors: [x], loaded: [true], outShape: [N, Dp, H, W, C], outDtype: 'float32',
    build: (_l, p) => {
      const i32 = (v: number) => p(v, 'int32');
      const d = prim('sub', coord(1), i32(before));
      const ok = prim('lt', cast(d, 'uint32'), p(D, 'uint32'));
      let addr: Expr = i32(x.offset);
      [coord(0), d, coord(2), coord(3), coord(4)].forEach((c, i) => {
        addr = prim('add', addr, prim('mul', c, i32(x.strides[i])));
      });
      return prim('where', ok, load(0, 'float32', prim('where', ok, addr, i32(x.offset))), lit(0, 'float32'));
    },
  });
}

function conv3d$impl(
  x: Tensor,
  filter: Tensor,
  strides: number | number[],
  pad: Padding,
  dataFormat: DataFormat3D = 'NDHWC',
  dilations: number | number[] = [1, 1, 1],
): Tensor {
  const op = 'conv3d';
  const owned: Tensor[] = [];
  try {
    const xt = numericArg(op, x, 'x');
    const f = numericArg(op, filter, 'filter');
    const ts: Named = [['x', xt], ['filter', f]];
    checkFormat(op, dataFormat ?? 'NDHWC', ts);
    const x5 = rank5(op, xt, ts, owned);
    if (f.rank !== 5) throw shapeErr(op, `filter must be rank 5 [filterDepth, filterHeight, filterWidth, inChannels, outChannels], got rank ${f.rank}`, ts);
    const [N, D, H, W, C] = x5.shape;
    const [kD, kH, kW, fC, OC] = f.shape;
    if (fC !== C) throw shapeErr(op, `depth of input (${C}) must match input depth for filter ${fC}`, ts);
    if (kD < 1 || kH < 1 || kW < 1) throw shapeErr(op, `the filter's depth, height and width must be at least 1, got ${kD}×${kH}×${kW}`, ts);
    const { s, d, geo } = withShapes(op, ts, () => {
      const s = spatialInts(strides, 3, op, 'strides');
      const d = spatialInts(dilations ?? 1, 3, op, 'dilations');
      if (s.some((v) => v > 1) && d.some((v) => v > 1)) {
        // TensorFlow.js's message, its values printed as it prints them (an array as 2,2,2).
        throw shapeErr(op, `Error in conv3D: Either strides or dilations must be 1. Got strides ${String(strides)} and dilations '${String(dilations ?? [1, 1, 1])}'`, ts);
      }
      return { s, d, geo: spatialGeometry(op, [D, H, W], [kD, kH, kW], s, d, pad) };
    });
    const [dg, hg, wg] = geo;
    const OD = dg.out;
    // Everything is checked: now the float32 operands.
    const toFloat = (t: Tensor) => {
      if (t.dtype === 'float32') return t;
      const c = runExpr(op, [t], 'float32', ([v]) => cast(v, 'float32'));
      owned.push(c);
      return c;
    };
    let src = toFloat(x5);
    const ff = toFloat(f);
    // The merged batch index m = n·M + od reads input depth m·sD + kd·dD (of a depth-padded source), so the
    // source must step M·sD depth rows from one batch to the next. Rows od in [OD, M) are computed and dropped.
    const last = (OD - 1) * s[0] + (kD - 1) * d[0]; // the deepest row a window reads, from the padded top
    let M = OD;
    const padNeeded = dg.before > 0 || last >= D;
    const fits = () => {
      if (N === 1) return true;
      const [sn, sd] = src.strides;
      if (!(sd > 0 && sn > 0) || sn % (sd * s[0]) !== 0) return false;
      M = sn / (sd * s[0]);
      return M >= OD && M * s[0] >= last + 1;
    };
    if (padNeeded || !fits()) {
      M = Math.ceil((Math.max(last + 1, dg.before + D)) / s[0]);
      src = padDepth(op, src, dg.before, M * s[0]);
      owned.push(src);
    }
    const NB = (N - 1) * M + OD;
    const [, sd0, sh0, sw0, sc0] = src.strides;
    let acc: Tensor | undefined;
    for (let kd = 0; kd < kD; kd++) {
      const xk = view(src, [NB, H, W, C], [sd0 * s[0], sh0, sw0, sc0], src.offset + kd * d[0] * sd0);
      const fk = view(ff, [kH, kW, C, OC], ff.strides.slice(1), ff.offset + kd * ff.strides[0]);
      owned.push(xk, fk);
      const prev = acc;
      const epilogue: Epilogue | undefined = prev && { name: 'add', extras: [prev], build: (v, [e]) => prim('add', v, e) };
      acc = runConv(op, xk, fk, {
        outSize: [hg.out, wg.out], strides: [s[1], s[2]], dilations: [d[1], d[2]], pads: [hg.before, hg.after, wg.before, wg.after],
      }, epilogue);
      if (prev) prev.dispose();
    }
    const y = acc!;
    const [y0, y1, y2, y3] = y.strides;
    const out = view(y, [N, OD, hg.out, wg.out, OC], [y0 * M, y0, y1, y2, y3], y.offset);
    y.dispose();
    return xt.rank === 4 ? dropBatch(out) : out;
  } finally {
    disposeAll(owned);
  }
}

// ---- maxPool3d and avgPool3d -------------------------------------------------------------------------------

type PoolType = 'max' | 'avg';
/** One pooling pass: 'sum' leaves the float sum of the taps inside the input (avg's separable passes). */
type PassType = 'max' | 'sum' | 'avg';

/** One spatial axis of a pooling pass. */
interface PoolAxis {
  k: number;
  s: number;
  geo: AxisGeometry;
  size: number;
}

/** The lowest value of a dtype: what max pooling's padding holds (it never wins). */
const lowest = (t: DType) => (t === 'float32' ? -Infinity : t === 'int32' ? -2147483648 : 0);

/** The number of taps k in [0, K) whose row a + k lies inside [0, n) (int32, closed form). */
function validTaps(a: Expr, K: number, n: Expr): Expr {
  const i32 = (v: number) => lit(v, 'int32');
  const lo = prim('max', i32(0), prim('neg', a));
  const hi = prim('min', i32(K - 1), prim('sub', prim('sub', n, i32(1)), a));
  return prim('max', i32(0), prim('add', prim('sub', hi, lo), i32(1)));
}

/**
 * One elementwise kernel over the output [N, O1, O2, O3, C]: the window's taps loaded at computed addresses,
 * positions outside the input masked out. `divide`: the axes whose valid-tap counts divide the sum (avg).
 */
function poolPass(op: string, type: PassType, x: Tensor, axes: PoolAxis[], divide: PoolAxis[]): Tensor {
  const [N, , , , C] = x.shape;
  const outShape = [N, axes[0].geo.out, axes[1].geo.out, axes[2].geo.out, C];
  const float = x.dtype === 'float32';
  return launch({
    op, tensors: [x], loaded: [true], outShape, outDtype: type === 'max' ? x.dtype : 'float32',
    build: (_leaves, p) => {
      const i32 = (v: number) => p(v, 'int32');
      const add = (a: Expr, b: Expr) => prim('add', a, b);
      const mul = (a: Expr, b: Expr) => prim('mul', a, b);
      const base = add(i32(x.offset), add(mul(coord(0), i32(x.strides[0])), mul(coord(4), i32(x.strides[4]))));
      // Per axis, its taps: whether each is inside the input and its address part.
      const taps = axes.map((a, j) => {
        const start = prim('sub', mul(coord(j + 1), i32(a.s)), i32(a.geo.before));
        const nU = p(a.size, 'uint32');
        return Array.from({ length: a.k }, (_, k) => {
          const at = k === 0 ? start : add(start, lit(k, 'int32'));
          const inside = a.k === 1 && a.geo.before === 0 && (a.geo.out - 1) * a.s < a.size;
          return { ok: inside ? undefined : prim('lt', cast(at, 'uint32'), nU), addr: mul(at, i32(x.strides[j + 1])) };
        });
      });
      const fill = type === 'max' ? lit(lowest(x.dtype), x.dtype) : lit(0, 'float32');
      let acc: Expr | undefined;
      let nan: Expr | undefined;
      for (const t0 of taps[0]) {
        for (const t1 of taps[1]) {
          for (const t2 of taps[2]) {
            const oks = [t0.ok, t1.ok, t2.ok].filter((o): o is Expr => o !== undefined);
            const ok = oks.length ? oks.reduce((a, b) => prim('and', a, b)) : undefined;
            const addr = add(base, add(t0.addr, add(t1.addr, t2.addr)));
            const v = load(0, x.dtype, ok ? prim('where', ok, addr, base) : addr);
            const val = type === 'max' ? v : cast(v, 'float32');
            const masked = ok ? prim('where', ok, val, fill) : val;
            if (acc === undefined) acc = masked;
            else if (type !== 'max') acc = add(acc, masked);
            else if (!float) acc = prim('max', acc, masked);
            else {
              // As pool.ts: float max as selects (cheap to compile), a NaN carried beside the running maximum.
              acc = prim('where', prim('gt', masked, acc), masked, acc);
              nan = prim('where', prim('isnan', masked), masked, nan ?? acc);
            }
          }
        }
      }
      if (type === 'max') return nan ? prim('where', prim('isnan', nan), nan, acc!) : acc!;
      if (type === 'sum' || divide.length === 0) return acc!;
      const counts = divide.map((a, j) => validTaps(prim('sub', mul(coord(j + 1), i32(a.s)), i32(a.geo.before)), a.k, i32(a.size)));
      return prim('div', acc!, cast(counts.reduce((a, b) => mul(a, b)), 'float32'));
    },
  });
}

function runPool3d(
  op: string,
  type: PoolType,
  x: unknown,
  filterSize: unknown,
  strides: unknown,
  pad: Padding,
  dimRoundingMode: RoundingMode | null | undefined,
  dataFormat: unknown,
): Tensor {
  const owned: Tensor[] = [];
  try {
    const xt = numericArg(op, x, 'x');
    const ts: Named = [['x', xt]];
    checkFormat(op, dataFormat ?? 'NDHWC', ts);
    const x5 = rank5(op, xt, ts, owned);
    const [, D, H, W] = x5.shape;
    const { k, s, geo } = withShapes(op, ts, () => {
      const k = spatialInts(filterSize ?? 1, 3, op, 'filterSize');
      const s = spatialInts(strides ?? 1, 3, op, 'strides');
      const rm = roundingFor(op, pad, dimRoundingMode, ts);
      return { k, s, geo: spatialGeometry(op, [D, H, W], k, s, [1, 1, 1], pad, rm) };
    });
    const sizes = [D, H, W];
    const axes: PoolAxis[] = [0, 1, 2].map((j) => ({ k: k[j], s: s[j], geo: geo[j], size: sizes[j] }));
    let y: Tensor;
    if (k[0] * k[1] * k[2] <= POOL3D_UNROLL_MAX_TAPS) {
      y = poolPass(op, type, x5, axes, type === 'avg' ? axes : []);
    } else {
      // Axis by axis: pass j pools along axis j only (the others pass through, already pooled or not yet).
      let cur = x5;
      const shape = [...sizes];
      for (let j = 0; j < 3; j++) {
        const pass = [0, 1, 2].map((i): PoolAxis => (i === j ? axes[i] : { k: 1, s: 1, geo: { out: shape[i], before: 0, after: 0 }, size: shape[i] }));
        const lastPass = j === 2;
        const t: PassType = type === 'max' ? 'max' : lastPass ? 'avg' : 'sum';
        const next = poolPass(op, t, cur, pass, t === 'avg' ? axes : []);
        if (cur !== x5) cur.dispose();
        cur = next;
        shape[j] = geo[j].out;
      }
      y = cur;
    }
    return xt.rank === 4 ? dropBatch(y) : y;
  } finally {
    disposeAll(owned);
  }
}

function maxPool3d$impl(
  x: Tensor,
  filterSize: number | number[] = [1, 1, 1],
  strides: number | number[],
  pad: Padding,
  dimRoundingMode?: RoundingMode,
  dataFormat: DataFormat3D = 'NDHWC',
): Tensor {
  return runPool3d('maxPool3d', 'max', x, filterSize, strides, pad, dimRoundingMode, dataFormat);
}

function avgPool3d$impl(
  x: Tensor,
  filterSize: number | number[] = [1, 1, 1],
  strides: number | number[],
  pad: Padding,
  dimRoundingMode?: RoundingMode,
  dataFormat: DataFormat3D = 'NDHWC',
): Tensor {
  return runPool3d('avgPool3d', 'avg', x, filterSize, strides, pad, dimRoundingMode, dataFormat);
}

const POOL3D_PARAMS = [
  p('x', 'tensor'), p('filterSize', 'intOrInts'), p('strides', 'intOrInts'), p('pad', 'padding'), opt('dimRoundingMode', 'roundingMode'),
  opt('dataFormat', 'dataFormat3d'),
];

/** Volume ops (registry definitions). */
export const VOLUME_DEFS = family('conv', {
  conv3d: {
    doc: "3-D convolution of NDHWC volumes by a [filterDepth, filterHeight, filterWidth, inChannels, outChannels] filter, 'same'/'valid' (or numeric, explicit) padding, strides or dilations; rank 4 is one volume.",
    params: [
      p('x', 'tensor'), p('filter', 'tensor'), p('strides', 'intOrInts'), p('pad', 'padding'), opt('dataFormat', 'dataFormat3d'),
      opt('dilations', 'intOrInts'),
    ],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: conv3d$impl,
  },
  maxPool3d: {
    doc: "Max pooling over NDHWC windows (rank 4: one volume); padding never wins. TensorFlow.js's maxPool3d.",
    params: POOL3D_PARAMS,
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: maxPool3d$impl,
  },
  avgPool3d: {
    doc: 'Average pooling over NDHWC windows (float32), dividing by the number of taps inside the input, as TensorFlow.',
    params: POOL3D_PARAMS,
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: avgPool3d$impl,
  },
});
