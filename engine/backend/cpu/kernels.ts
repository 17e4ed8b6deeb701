// CPU implementations of the non-elementwise kernel families: reduce, matmul, scan (same semantics as
// shaders/reduce.ts, matmul.ts, scan.ts; accumulation in float64, rounded once at the end). These are the
// reference versions, driven by expression closures: jit_reduce.ts and matmul.ts are the fast ones.
import { DTYPE_INFO, storageArray } from '../../core/dtype';
import type { Launch, MatmulKernel, ReduceKernel, ScanKernel } from '../../ir/kernel';
import { LSE, reduction } from '../../ir/reductions';
import { reduceGeometryOf } from '../../shaders/reduce';
import { broadcastStrides } from '../../core/shape';
import { scanGeometry } from '../../shaders/scan';
import type { StorageArray } from '../backend';
import type { CpuStorage } from './cpu_backend';
import { CLOSURES, OPERANDS, primFn } from './prims';

/** A compiled one-input expression: value → value (params bound per launch). */
export type Unary = (x: number) => number;
/** A compiled prologue: the inputs' values at one element → the value to fold. */
export type Prologue = (xs: Float64Array) => number;

export function cpuReduce(k: ReduceKernel, launch: Launch<CpuStorage>, prologue: Prologue, epilogue: Unary): void {
  const g = reduceGeometryOf(launch);
  const xs = launch.inputs.map((v, i) => storageArray(k.inputs[i], v.handle.data.buffer as ArrayBuffer));
  const out = storageArray(k.out, launch.out.data.buffer as ArrayBuffer);
  const roundOut = DTYPE_INFO[k.out].round;
  const roundAcc = DTYPE_INFO[k.acc].round;
  // The start value and combine rule (reductions.ts), as functions of (acc, y, se).
  const def = reduction(k.op);
  const combine = primFn(def.kind === 'fold' ? def.combine : 'add', { d: k.acc, nan: [true, true] });
  const [accV, yV, seV] = OPERANDS;
  const lseSum = LSE.jsSum(CLOSURES, accV, seV, yV);
  const lseMax = LSE.jsMax(CLOSURES, accV, yV);
  const n = xs.length;
  const vals = new Float64Array(n);
  const kr = g.keptShape.length;
  const rr = g.redShape.length;
  const kc = new Array<number>(kr).fill(0);
  for (let o = 0; o < g.outputs; o++) {
    // Kept coordinates of output o (row-major), then each input's base address.
    let rem = o;
    for (let d = kr - 1; d >= 0; d--) {
      kc[d] = rem % g.keptShape[d];
      rem = Math.floor(rem / g.keptShape[d]);
    }
    const addr = g.inputs.map((gi) => gi.offset + kc.reduce((p, c, d) => p + c * gi.kept[d], 0));
    const rc = new Array<number>(rr).fill(0);
    let acc = def.identity(k.acc);
    let best = -1;
    let se = 0; // logsumexp: Σ exp(x - acc) with acc the running maximum
    for (let r = 0; r < g.R; r++) {
      for (let i = 0; i < n; i++) vals[i] = xs[i][addr[i]];
      const y = prologue(vals);
      switch (def.kind) {
        case 'fold':
          // float64 accumulation (integer sums exact below 2^53), rounded once below
          acc = combine(acc, y, 0);
          break;
        case 'arg':
          if (best < 0 || (def.better === '>' ? y > acc : y < acc)) {
            best = r;
            acc = y;
          }
          break;
        case 'lse':
          se = lseSum(acc, y, se);
          acc = lseMax(acc, y, se);
          break;
        default:
          return def satisfies never;
      }
      // Advance the reduced coordinates and every input's address.
      for (let d = rr - 1; d >= 0; d--) {
        rc[d]++;
        for (let i = 0; i < n; i++) addr[i] += g.inputs[i].red[d];
        if (rc[d] < g.redShape[d]) break;
        for (let i = 0; i < n; i++) addr[i] -= g.inputs[i].red[d] * rc[d];
        rc[d] = 0;
      }
    }
    if (def.kind === 'lse' && def.stats) {
      out[2 * o] = roundOut(acc);
      out[2 * o + 1] = roundOut(Math.log(se));
      continue;
    }
    const isArg = def.kind === 'arg';
    const reduced = isArg ? best : def.kind === 'lse' ? acc + Math.log(se) : acc;
    out[o] = roundOut(epilogue(isArg ? reduced : roundAcc(reduced)));
  }
}

/** The definition of the CPU matmul: one dot product per output (matmul.ts must match it bit for bit). */
export function cpuMatmulReference(k: MatmulKernel, launch: Launch<CpuStorage>, epilogue?: Prologue): void {
  const g = launch.matmul!;
  const a = storageArray(k.dtype, launch.inputs[0].handle.data.buffer as ArrayBuffer);
  const b = storageArray(k.dtype, launch.inputs[1].handle.data.buffer as ArrayBuffer);
  const outDtype = k.epilogue?.dtype ?? k.dtype;
  const out = storageArray(outDtype, launch.out.data.buffer as ArrayBuffer);
  const f = k.dtype === 'float32';
  const round = DTYPE_INFO[k.dtype].round;
  const roundOut = DTYPE_INFO[outDtype].round;
  // Epilogue inputs, addressed at output positions [batch…, m, n].
  const extras = launch.inputs.slice(2).map((v, i) => ({
    data: storageArray(k.extras![i], v.handle.data.buffer as ArrayBuffer),
    offset: v.offset,
    strides: broadcastStrides(v.shape, v.strides, launch.outShape),
  }));
  const vals = new Float64Array(1 + extras.length);
  const rank0 = g.batchShape.length;
  const bcoords = new Array<number>(rank0).fill(0);
  const rank = g.batchShape.length;
  for (let bi = 0; bi < g.batch; bi++) {
    let rem = bi;
    let aBase = g.aOffset;
    let bBase = g.bOffset;
    for (let d = rank - 1; d >= 0; d--) {
      const c = rem % g.batchShape[d];
      bcoords[d] = c;
      rem = Math.floor(rem / g.batchShape[d]);
      aBase += c * g.aBatchStrides[d];
      bBase += c * g.bBatchStrides[d];
    }
    const eBase = extras.map((e) => e.offset + bcoords.reduce((p, c, d) => p + c * e.strides[d], 0));
    const oBase = bi * g.M * g.N;
    for (let m = 0; m < g.M; m++) {
      for (let n = 0; n < g.N; n++) {
        let acc = 0;
        for (let kk = 0; kk < g.K; kk++) {
          const p = a[aBase + m * g.am + kk * g.ak];
          const q = b[bBase + kk * g.bk + n * g.bn];
          acc = f ? acc + p * q : (acc + Math.imul(p, q)) | 0;
        }
        if (!epilogue) {
          out[oBase + m * g.N + n] = round(acc);
          continue;
        }
        vals[0] = round(acc);
        extras.forEach((e, i) => (vals[i + 1] = e.data[eBase[i] + m * e.strides[rank0] + n * e.strides[rank0 + 1]]));
        out[oBase + m * g.N + n] = roundOut(epilogue(vals));
      }
    }
  }
}

export function cpuScan(k: ScanKernel, launch: Launch<CpuStorage>): void {
  const v = launch.inputs[0];
  const g = scanGeometry(v.shape, v.strides, v.offset, launch.axes![0]);
  const x: StorageArray = storageArray(k.dtype, v.handle.data.buffer as ArrayBuffer);
  const out = storageArray(k.dtype, launch.out.data.buffer as ArrayBuffer);
  const round = DTYPE_INFO[k.dtype].round;
  const f = k.dtype === 'float32';
  const sum = k.op === 'sum';
  const n = g.other.shape.length;
  for (let row = 0; row < g.rows; row++) {
    let rem = row;
    let ib = g.inOffset;
    let ob = 0;
    for (let d = n - 1; d >= 0; d--) {
      const c = rem % g.other.shape[d];
      rem = Math.floor(rem / g.other.shape[d]);
      ib += c * g.other.strides[d];
      ob += c * g.other.outStrides[d];
    }
    let acc = sum ? 0 : 1;
    for (let t = 0; t < g.L; t++) {
      const j = k.reverse ? g.L - 1 - t : t;
      const xv = x[ib + j * g.inAxisStride];
      if (k.exclusive) out[ob + j * g.outAxisStride] = acc;
      acc = round(sum ? acc + xv : f ? acc * xv : Math.imul(acc, xv));
      if (!k.exclusive) out[ob + j * g.outAxisStride] = acc;
    }
  }
}
