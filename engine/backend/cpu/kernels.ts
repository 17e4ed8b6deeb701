// CPU implementations of the non-elementwise kernel families: reduce, matmul, scan (same semantics as
// shaders/reduce.ts, matmul.ts, scan.ts; accumulation in float64, rounded once at the end).
import { DTYPE_INFO, storageArray } from '../../core/dtype';
import type { Launch, MatmulKernel, ReduceKernel, ScanKernel } from '../../ir/kernel';
import { reduceGeometry } from '../../shaders/reduce';
import { scanGeometry } from '../../shaders/scan';
import type { StorageArray } from '../backend';
import type { CpuStorage } from './cpu_backend';

/** A compiled one-input expression: value → value (params bound per launch). */
export type Unary = (x: number) => number;

/** Visits every (kept, reduced) address pair of a geometry: for each output, `each(o, addresses)`. */
function forEachRow(dims: { shape: number[]; strides: number[] }, base: number, visit: (addr: number) => void): void {
  const n = dims.shape.length;
  if (n === 0) {
    visit(base);
    return;
  }
  const c = new Array<number>(n).fill(0);
  let addr = base;
  for (;;) {
    visit(addr);
    let d = n - 1;
    for (; d >= 0; d--) {
      c[d]++;
      addr += dims.strides[d];
      if (c[d] < dims.shape[d]) break;
      addr -= dims.strides[d] * c[d];
      c[d] = 0;
    }
    if (d < 0) return;
  }
}

export function cpuReduce(k: ReduceKernel, launch: Launch<CpuStorage>, prologue: Unary, epilogue: Unary): void {
  const v = launch.inputs[0];
  const g = reduceGeometry(v.shape, v.strides, v.offset, launch.axes ?? []);
  const x = storageArray(k.input, v.handle.data.buffer as ArrayBuffer);
  const out = storageArray(k.out, launch.out.data.buffer as ArrayBuffer);
  const roundOut = DTYPE_INFO[k.out].round;
  const roundAcc = DTYPE_INFO[k.acc].round;
  const f = k.acc === 'float32';
  let o = 0;
  forEachRow(g.kept, g.offset, (base) => {
    if (o >= g.outputs) return;
    let acc: number;
    switch (k.op) {
      case 'sum':
      case 'prod': {
        const sum = k.op === 'sum';
        acc = sum ? 0 : 1;
        // Sums accumulate exactly enough in float64 (integer sums stay exact below 2^53, then wrap when
        // rounded); integer products wrap at every step like the GPU's.
        if (g.R > 0) forEachRow(g.red, base, (a) => (acc = sum ? acc + prologue(x[a]) : f ? acc * prologue(x[a]) : Math.imul(acc, prologue(x[a]))));
        acc = roundAcc(acc);
        break;
      }
      case 'max':
      case 'min': {
        const max = k.op === 'max';
        acc = max ? (f ? -Infinity : k.acc === 'int32' ? -2147483648 : 0) : f ? Infinity : k.acc === 'int32' ? 2147483647 : 4294967295;
        if (g.R > 0) forEachRow(g.red, base, (a) => {
          const y = prologue(x[a]);
          acc = Number.isNaN(acc) || Number.isNaN(y) ? NaN : max ? Math.max(acc, y) : Math.min(acc, y);
        });
        break;
      }
      case 'argmax':
      case 'argmin': {
        let best = -1;
        let bestV = 0;
        let r = 0;
        forEachRow(g.red, base, (a) => {
          const y = prologue(x[a]);
          if (best < 0 || (k.op === 'argmax' ? y > bestV : y < bestV)) {
            best = r;
            bestV = y;
          }
          r++;
        });
        acc = best;
        break;
      }
      default:
        return k.op satisfies never;
    }
    out[o++] = roundOut(epilogue(acc));
  });
}

export function cpuMatmul(k: MatmulKernel, launch: Launch<CpuStorage>): void {
  const g = launch.matmul!;
  const a = storageArray(k.dtype, launch.inputs[0].handle.data.buffer as ArrayBuffer);
  const b = storageArray(k.dtype, launch.inputs[1].handle.data.buffer as ArrayBuffer);
  const out = storageArray(k.dtype, launch.out.data.buffer as ArrayBuffer);
  const f = k.dtype === 'float32';
  const round = DTYPE_INFO[k.dtype].round;
  const rank = g.batchShape.length;
  for (let bi = 0; bi < g.batch; bi++) {
    let rem = bi;
    let aBase = g.aOffset;
    let bBase = g.bOffset;
    for (let d = rank - 1; d >= 0; d--) {
      const c = rem % g.batchShape[d];
      rem = Math.floor(rem / g.batchShape[d]);
      aBase += c * g.aBatchStrides[d];
      bBase += c * g.bBatchStrides[d];
    }
    const oBase = bi * g.M * g.N;
    for (let m = 0; m < g.M; m++) {
      for (let n = 0; n < g.N; n++) {
        let acc = 0;
        for (let kk = 0; kk < g.K; kk++) {
          const p = a[aBase + m * g.am + kk * g.ak];
          const q = b[bBase + kk * g.bk + n * g.bn];
          acc = f ? acc + p * q : (acc + Math.imul(p, q)) | 0;
        }
        out[oBase + m * g.N + n] = round(acc);
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
