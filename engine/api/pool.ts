// Public pooling and batch normalisation: maxPool, avgPool, pool, batchNorm (and its 2-D to 4-D forms).
// Pooling is composed of the existing dispatch: a small window is ONE elementwise kernel whose expression
// unrolls the window (loads at computed addresses, padding masked out), so graph mode fuses elementwise
// consumers into it; a large window (global pooling) is a reduction over a strided window view.
import { family } from './define';
import { opt, p } from '../ops/registry';
import { DTypeError, ShapeError } from '../core/errors';
import type { DType } from '../core/dtype';
import { describe, fmtShape } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { launch, view } from '../eager/dispatch';
import { runExpr, runReduce } from '../eager/dispatch_kernels';
import { type Expr, cast, coord, lit, load, prim } from '../ir/expr';
import { type AxisGeometry, type Padding, type RoundingMode, spatialGeometry, spatialInts } from '../ops/conv_util';
import { tensorArg } from './args';

type PoolType = 'max' | 'avg';

/**
 * Windows of up to this many taps (7×7) are one unrolled elementwise kernel; larger ones a reduction over a
 * window view. Measured on SwiftShader (this project's CI adapter), median of 5 calls after warm-up:
 * - 1×56×56×64, 3×3 to 7×7 windows: the unrolled kernel is 1.2–2× faster (3×3 'same' max: 29 against 62 ms;
 *   5×5 'same' avg: 72 against 152 ms), as it reads each input once per tap with no padded copy;
 * - global pooling (1×7×7×1024, 2×7×7×2048, 1×4×4×1024): the two are within noise (3–7 ms, launch-bound);
 * - past 7×7 the unrolled shader's compile time grows (9×9: 0.4–1.5 s, 14×14: 6.5 s on the first call) while
 *   the reduction's does not, and its run time stops winning (1×28×28×64 9×9 'same' max: 56 against 48 ms).
 * Real GPUs have not been measured; their compilers are faster, so the limit is conservative there.
 */
export const POOL_UNROLL_MAX_TAPS = 49;

/** The lowest value of a dtype: what max pooling's padding holds (it never wins). */
const lowest = (d: DType) => (d === 'float32' ? -Infinity : d === 'int32' ? -2147483648 : 0);

export interface PoolGeometry {
  N: number;
  H: number;
  W: number;
  C: number;
  k: [number, number];
  s: [number, number];
  d: [number, number];
  rows: AxisGeometry;
  cols: AxisGeometry;
}

const shapeErr = (op: string, msg: string, shapes: (readonly number[])[]) =>
  new ShapeError(`${op}: ${msg}`, { op, shapes: shapes.map((s) => [...s]) });

/** Re-throws a ShapeError from the shared spatial checks with the input's shape added. */
function withShape<T>(op: string, x: Tensor, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ShapeError && !(e.shapes && e.shapes.length)) {
      const msg = e.message.replace(/ \(at [^()]*\)$/, '');
      throw new ShapeError(`${msg} (x: ${fmtShape(x.shape)})`, { op, shapes: [[...x.shape]] });
    }
    throw e;
  }
}

/** The input as a rank-4 view (rank 3 gets a batch of 1), checked. */
function poolInput(op: string, x: unknown): { t: Tensor; x4: Tensor } {
  const t = tensorArg(x, op);
  if (t.dtype === 'bool') {
    throw new DTypeError(`${op}: x must be a numeric tensor, got bool of shape ${fmtShape(t.shape)}`, { op, dtypes: ['bool'], shapes: [[...t.shape]] });
  }
  if (t.rank !== 4 && t.rank !== 3) {
    throw shapeErr(op, `x must be rank 4 [batch, height, width, channels] or rank 3 [height, width, channels], got rank ${t.rank} (shape ${fmtShape(t.shape)})`, [t.shape]);
  }
  const x4 = t.rank === 4 ? t : view(t, [1, ...t.shape], [0, ...t.strides]);
  return { t, x4 };
}

function geometry(
  op: string,
  x4: Tensor,
  x: Tensor,
  windowShape: unknown,
  strides: unknown,
  dilations: unknown,
  pad: Padding,
  roundingMode: RoundingMode | null | undefined,
  tfRule: boolean,
): PoolGeometry {
  return withShape(op, x, () => {
    const k = spatialInts(windowShape, 2, op, op === 'pool' ? 'windowShape' : 'filterSize') as [number, number];
    const s = spatialInts(strides ?? 1, 2, op, 'strides') as [number, number];
    const d = spatialInts(dilations ?? 1, 2, op, 'dilations') as [number, number];
    if (tfRule && s.some((v) => v > 1) && d.some((v) => v > 1)) {
      // TensorFlow.js's message (its pool rejects the combination; the kernels below would accept it).
      throw shapeErr(op, `Error in pool: Either strides or dilations must be 1. Got strides ${s} and dilations '${d}' (x: ${fmtShape(x.shape)})`, [x.shape]);
    }
    let rm = roundingMode ?? undefined;
    if (Array.isArray(pad) && rm !== undefined) {
      // TensorFlow.js ignores dimRoundingMode with explicit padding (the sizes are exact); the value is still checked.
      if (rm !== 'floor' && rm !== 'round' && rm !== 'ceil') throw shapeErr(op, `dimRoundingMode must be 'floor', 'round' or 'ceil', got ${describe(rm)}`, [x.shape]);
      rm = undefined;
    }
    const [N, H, W, C] = x4.shape;
    const [rows, cols] = spatialGeometry(op, [H, W], k, s, d, pad, rm);
    return { N, H, W, C, k, s, d, rows, cols };
  });
}

function runPool(op: string, type: PoolType, x: unknown, windowShape: unknown, pad: Padding, strides: unknown, dilations: unknown, roundingMode: RoundingMode | null | undefined, tfRule: boolean): Tensor {
  const { t, x4 } = poolInput(op, x);
  try {
    const g = geometry(op, x4, t, windowShape, strides, dilations, pad, roundingMode, tfRule);
    const out = g.k[0] * g.k[1] <= POOL_UNROLL_MAX_TAPS ? poolUnrolled(op, type, x4, g) : poolReduce(op, type, x4, g);
    if (x4 === t) return out;
    // Back to the caller's rank: a rank-3 input gives a rank-3 result.
    const v = view(out, out.shape.slice(1), out.strides.slice(1));
    out.dispose();
    return v;
  } finally {
    if (x4 !== t) x4.dispose();
  }
}

/**
 * The number of taps k in [0, K) whose input row a + k·d lies inside [0, n): closed form (int32), for the
 * divisor of average pooling. a = output row · stride − pad before.
 */
function validTaps(a: Expr, K: number, d: Expr, n: Expr): Expr {
  const i32 = (v: number) => lit(v, 'int32');
  const lo = prim('max', i32(0), prim('neg', prim('floordiv', a, d)));
  const hi = prim('min', i32(K - 1), prim('floordiv', prim('sub', prim('sub', n, i32(1)), a), d));
  return prim('max', i32(0), prim('add', prim('sub', hi, lo), i32(1)));
}

/**
 * One elementwise kernel over the output [N, OH, OW, C]: each window tap is loaded at its computed address,
 * positions outside the input masked out (max: the dtype's lowest value, which never wins; avg: 0, and the
 * sum divided by the number of taps inside the input, as TensorFlow). Geometry and strides are int32 params,
 * so one kernel per (window size, type, dtype) serves every shape, stride, dilation and padding.
 */
function poolUnrolled(op: string, type: PoolType, x: Tensor, g: PoolGeometry): Tensor {
  const outShape = [g.N, g.rows.out, g.cols.out, g.C];
  return launch({
    op, tensors: [x], loaded: [true], outShape, outDtype: type === 'max' ? x.dtype : 'float32',
    build: (_leaves, p) => {
      const i32 = (v: number) => p(v, 'int32');
      const add = (a: Expr, b: Expr) => prim('add', a, b);
      const mul = (a: Expr, b: Expr) => prim('mul', a, b);
      // Element [n, 0, 0, c]: always inside the input, the address masked taps read instead.
      const base = add(i32(x.offset), add(mul(coord(0), i32(x.strides[0])), mul(coord(3), i32(x.strides[3]))));
      const axis = (dim: 1 | 2, geo: AxisGeometry, K: number, stride: number, dil: number, size: number, step: number) => {
        const start = prim('sub', mul(coord(dim), i32(stride)), i32(geo.before));
        const d = i32(dil);
        const n = i32(size);
        const nU = cast(n, 'uint32');
        const st = i32(step);
        const taps = Array.from({ length: K }, (_, k) => {
          const at = k === 0 ? start : add(start, mul(lit(k, 'int32'), d));
          // 0 <= at < n, as one unsigned comparison.
          return { ok: prim('lt', cast(at, 'uint32'), nU), addr: mul(at, st) };
        });
        return { taps, count: type === 'avg' ? validTaps(start, K, d, n) : undefined };
      };
      const rows = axis(1, g.rows, g.k[0], g.s[0], g.d[0], g.H, x.strides[1]);
      const cols = axis(2, g.cols, g.k[1], g.s[1], g.d[1], g.W, x.strides[2]);
      const fill = type === 'max' ? lit(lowest(x.dtype), x.dtype) : lit(0, 'float32');
      const float = x.dtype === 'float32';
      let acc: Expr | undefined;
      let nan: Expr | undefined;
      for (const r of rows.taps) {
        for (const c of cols.taps) {
          const ok = prim('and', r.ok, c.ok);
          const v = load(0, x.dtype, prim('where', ok, add(base, add(r.addr, c.addr)), base));
          const masked = prim('where', ok, type === 'max' ? v : cast(v, 'float32'), fill);
          if (acc === undefined) acc = masked;
          else if (type === 'avg') acc = add(acc, masked);
          else if (!float) acc = prim('max', acc, masked);
          else {
            // Float max as selects: the 'max' primitive's NaN test (a short-circuit `||` per tap) makes
            // SwiftShader's compile time explode with the window (5×5: 11 s, against 0.2 s for int32 max).
            // A NaN is carried beside the running maximum, so it still propagates (as the reduction path's max).
            acc = prim('where', prim('gt', masked, acc), masked, acc);
            nan = prim('where', prim('isnan', masked), masked, nan ?? acc);
          }
        }
      }
      if (type === 'max') return nan ? prim('where', prim('isnan', nan), nan, acc!) : acc!;
      return prim('div', acc!, cast(mul(rows.count!, cols.count!), 'float32'));
    },
  });
}

/**
 * A large window: a reduction over the window view [N, OH, OW, C, kH, kW] (strides: the output steps by the
 * pooling strides, the window by the dilations). Where windows cross the border, the input is first copied
 * into a padded tensor (lowest value for max, 0 for avg) and average pooling divides the sum by the count of
 * taps inside the input (one more elementwise kernel).
 */
function poolReduce(op: string, type: PoolType, x: Tensor, g: PoolGeometry): Tensor {
  const { N, H, W, C, k, s, d } = g;
  const OH = g.rows.out;
  const OW = g.cols.out;
  // The padding the windows actually reach (a numeric pad with 'ceil' can reach past the pad given; 'floor' less).
  const need = (geo: AxisGeometry, K: number, st: number, dl: number, n: number) => Math.max(0, (geo.out - 1) * st + (K - 1) * dl + 1 - geo.before - n);
  const padB = need(g.rows, k[0], s[0], d[0], H);
  const padR = need(g.cols, k[1], s[1], d[1], W);
  const padded = g.rows.before > 0 || g.cols.before > 0 || padB > 0 || padR > 0;
  let src = x;
  if (padded) {
    const shape = [N, H + g.rows.before + padB, W + g.cols.before + padR, C];
    const dtype: DType = type === 'max' ? x.dtype : 'float32';
    src = launch({
      op, tensors: [x], loaded: [true], outShape: shape, outDtype: dtype,
      build: (_leaves, p) => {
        const i32 = (v: number) => p(v, 'int32');
        const ih = prim('sub', coord(1), i32(g.rows.before));
        const iw = prim('sub', coord(2), i32(g.cols.before));
        const ok = prim('and', prim('lt', cast(ih, 'uint32'), p(H, 'uint32')), prim('lt', cast(iw, 'uint32'), p(W, 'uint32')));
        let addr: Expr = i32(x.offset);
        [coord(0), ih, iw, coord(3)].forEach((c, i) => {
          addr = prim('add', addr, prim('mul', c, i32(x.strides[i])));
        });
        const v = load(0, x.dtype, prim('where', ok, addr, i32(x.offset)));
        return prim('where', ok, cast(v, dtype), lit(type === 'max' ? lowest(dtype) : 0, dtype));
      },
    });
  }
  const st = src.strides;
  const win = view(src, [N, OH, OW, C, k[0], k[1]], [st[0], st[1] * s[0], st[2] * s[1], st[3], st[1] * d[0], st[2] * d[1]]);
  let red: Tensor;
  try {
    red = runReduce(type === 'max' ? 'max' : padded ? 'sum' : 'mean', win, [4, 5]);
  } finally {
    win.dispose();
    if (src !== x) src.dispose();
  }
  if (type === 'max' || !padded) return red;
  try {
    return runExpr(op, [red], 'float32', ([v], p) => {
      const i32 = (n: number) => p(n, 'int32');
      const count = (dim: number, geo: AxisGeometry, K: number, stride: number, dil: number, n: number) =>
        validTaps(prim('sub', prim('mul', coord(dim), i32(stride)), i32(geo.before)), K, i32(dil), i32(n));
      return prim('div', cast(v, 'float32'), cast(prim('mul', count(1, g.rows, k[0], s[0], d[0], H), count(2, g.cols, k[1], s[1], d[1], W)), 'float32'));
    });
  } finally {
    red.dispose();
  }
}

function maxPool$impl(x: Tensor, filterSize: number | number[], strides: number | number[], pad: Padding, dimRoundingMode?: RoundingMode): Tensor {
  return runPool('maxPool', 'max', x, filterSize, pad, strides, 1, dimRoundingMode, false);
}

function avgPool$impl(x: Tensor, filterSize: number | number[], strides: number | number[], pad: Padding, dimRoundingMode?: RoundingMode): Tensor {
  return runPool('avgPool', 'avg', x, filterSize, pad, strides, 1, dimRoundingMode, false);
}

function pool$impl(
  input: Tensor,
  windowShape: number | number[],
  poolingType: PoolType,
  pad: Padding,
  dilations?: number | number[],
  strides?: number | number[],
  dimRoundingMode?: RoundingMode,
): Tensor {
  const op = 'pool';
  const t = tensorArg(input, op);
  if (poolingType !== 'max' && poolingType !== 'avg') {
    throw shapeErr(op, `poolingType must be 'max' or 'avg', got ${describe(poolingType)} (x: ${fmtShape(t.shape)})`, [t.shape]);
  }
  return runPool(op, poolingType, input, windowShape, pad, strides ?? 1, dilations ?? 1, dimRoundingMode, true);
}

// ---- batch normalisation -----------------------------------------------------------------------------------

const STAT_NAMES = ['mean', 'variance', 'offset', 'scale'] as const;

/**
 * (x − mean) · rsqrt(variance + ε) · scale + offset in one elementwise kernel; the statistics broadcast
 * against x. `rank`: batchNorm2d/3d/4d's rank rule (x of that rank, statistics of that rank or 1-D).
 */
function batchNormImpl(
  op: string,
  rank: number | undefined,
  x: Tensor,
  mean: Tensor,
  variance: Tensor,
  offset?: Tensor | null,
  scale?: Tensor | null,
  varianceEpsilon = 0.001,
): Tensor {
  const t = tensorArg(x, op);
  const given = [mean, variance, offset, scale];
  const stats = given.map((s, i) => (i >= 2 && (s === undefined || s === null) ? undefined : tensorArg(s, op, STAT_NAMES[i])));
  const all = [t, ...stats.filter((s): s is Tensor => s !== undefined)];
  const shapes = all.map((s) => [...s.shape]);
  const named = () => [`x ${fmtShape(t.shape)}`, ...stats.flatMap((s, i) => (s ? [`${STAT_NAMES[i]} ${fmtShape(s.shape)}`] : []))].join(', ');
  for (const [i, s] of [t, ...stats].entries()) {
    if (s && s.dtype === 'bool') {
      const what = i === 0 ? 'x' : STAT_NAMES[i - 1];
      throw new DTypeError(`${op}: ${what} must be a numeric tensor, got bool (${named()})`, { op, dtypes: all.map((a) => a.dtype), shapes });
    }
  }
  if (rank !== undefined) {
    if (t.rank !== rank) throw new ShapeError(`${op}: x must be rank ${rank} but got rank ${t.rank} (${named()})`, { op, shapes });
    stats.forEach((s, i) => {
      if (s && s.rank !== rank && s.rank !== 1) {
        throw new ShapeError(`${op}: ${STAT_NAMES[i]} must be rank ${rank} or rank 1 but got rank ${s.rank} (${named()})`, { op, shapes });
      }
    });
  }
  // TensorFlow.js's rule: the statistics share one rank.
  stats.forEach((s, i) => {
    if (i > 0 && s && s.rank !== stats[0]!.rank) {
      throw new ShapeError(`${op}: mean and ${STAT_NAMES[i]} must have the same rank, got ${fmtShape(stats[0]!.shape)} and ${fmtShape(s.shape)} (${named()})`, { op, shapes });
    }
  });
  if (typeof varianceEpsilon !== 'number' || !(varianceEpsilon >= 0)) {
    throw new ShapeError(`${op}: varianceEpsilon must be a non-negative number, got ${describe(varianceEpsilon)} (${named()})`, { op, shapes });
  }
  // Each statistic broadcasts to x's shape (never beyond it); extra leading 1s are dropped (TensorFlow.js views
  // x as 4-D, so [1, 1, 1, C] statistics work with a 1-D or 2-D x).
  const views: Tensor[] = [];
  const operands = stats.map((s, i) => {
    if (!s) return undefined;
    const extra = s.rank - t.rank;
    const fits =
      (extra <= 0 || s.shape.slice(0, extra).every((v) => v === 1)) &&
      s.shape.slice(Math.max(0, extra)).every((v, j) => v === 1 || v === t.shape[t.rank - (s.rank - Math.max(0, extra)) + j]);
    if (!fits) {
      views.forEach((v) => v.dispose());
      throw new ShapeError(`${op}: ${STAT_NAMES[i]} of shape ${fmtShape(s.shape)} does not broadcast to x of shape ${fmtShape(t.shape)} (${named()})`, { op, shapes });
    }
    if (extra <= 0) return s;
    const v = view(s, s.shape.slice(extra), s.strides.slice(extra));
    views.push(v);
    return v;
  });
  const inputs = [t, ...operands.filter((s): s is Tensor => s !== undefined)];
  try {
    return runExpr(
      op, inputs, 'float32',
      (xs, p) => {
        const f = (e: Expr) => cast(e, 'float32');
        const [v, m, va] = xs;
        let k = 3;
        const off = operands[2] ? f(xs[k++]) : undefined;
        const sc = operands[3] ? f(xs[k++]) : undefined;
        let y = prim('mul', prim('sub', f(v), f(m)), prim('rsqrt', prim('add', f(va), p(varianceEpsilon, 'float32'))));
        if (sc) y = prim('mul', y, sc);
        if (off) y = prim('add', y, off);
        return y;
      },
      t.shape,
    );
  } finally {
    views.forEach((v) => v.dispose());
  }
}

type BatchNormFn = (x: Tensor, mean: Tensor, variance: Tensor, offset?: Tensor | null, scale?: Tensor | null, varianceEpsilon?: number) => Tensor;
const batchNormOf = (op: string, rank?: number): BatchNormFn => (x, mean, variance, offset, scale, varianceEpsilon) =>
  batchNormImpl(op, rank, x, mean, variance, offset, scale, varianceEpsilon);

const batchNorm$impl = batchNormOf('batchNorm');
const batchNorm2d$impl = batchNormOf('batchNorm2d', 2);
const batchNorm3d$impl = batchNormOf('batchNorm3d', 3);
const batchNorm4d$impl = batchNormOf('batchNorm4d', 4);

const POOL_PARAMS = [p('x', 'tensor'), p('filterSize', 'intOrInts'), p('strides', 'intOrInts'), p('pad', 'padding'), opt('dimRoundingMode', 'roundingMode')];
const BATCHNORM_PARAMS = [
  p('x', 'tensor'), p('mean', 'tensor'), p('variance', 'tensor'), opt('offset', 'optTensor'), opt('scale', 'optTensor'),
  opt('varianceEpsilon', 'number'),
];

/** Pooling and normalisation (registry definitions). */
export const POOL_DEFS = family('nn', {
  maxPool: {
    doc: "Max pooling over NHWC windows (rank 3: one image); padding never wins. TensorFlow.js's maxPool.",
    params: POOL_PARAMS,
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: maxPool$impl,
  },
  avgPool: {
    doc: 'Average pooling over NHWC windows (float32), dividing by the number of taps inside the input, as TensorFlow.',
    params: POOL_PARAMS,
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: avgPool$impl,
  },
  pool: {
    doc: "Max or average pooling with dilations (TensorFlow.js's pool): strides and dilations may not both exceed 1.",
    params: [
      p('input', 'tensor'), p('windowShape', 'intOrInts'), p('poolingType', 'poolingType'), p('pad', 'padding'),
      opt('dilations', 'intOrInts'), opt('strides', 'intOrInts'), opt('dimRoundingMode', 'roundingMode'),
    ],
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: pool$impl,
  },
  batchNorm: {
    doc: '(x − mean) · rsqrt(variance + varianceEpsilon) · scale + offset, the statistics broadcast against x: one kernel.',
    params: BATCHNORM_PARAMS,
    returns: 'tensor',
    method: true,
    differentiable: true,
    impl: batchNorm$impl,
  },
  batchNorm2d: {
    doc: 'batchNorm for a rank-2 x (statistics of rank 2 or 1).',
    params: BATCHNORM_PARAMS,
    returns: 'tensor',
    differentiable: true,
    impl: batchNorm2d$impl,
  },
  batchNorm3d: {
    doc: 'batchNorm for a rank-3 x (statistics of rank 3 or 1).',
    params: BATCHNORM_PARAMS,
    returns: 'tensor',
    differentiable: true,
    impl: batchNorm3d$impl,
  },
  batchNorm4d: {
    doc: 'batchNorm for a rank-4 x (statistics of rank 4 or 1).',
    params: BATCHNORM_PARAMS,
    returns: 'tensor',
    differentiable: true,
    impl: batchNorm4d$impl,
  },
});
