// The CPU backend's matmul: 4×4 register tiles over a packed copy of B, 4 output rows at a time, then an
// optional fused epilogue per row. Same numbers as the reference loop (kernels.ts cpuMatmulReference):
// each output sums its K products in order in one float64 (or wrapping int32) accumulator, rounded once.
import { DTYPE_INFO } from '../../core/dtype';
import { broadcastStrides } from '../../core/shape';
import type { Launch, MatmulGeometry, MatmulKernel } from '../../ir/kernel';
import type { StorageArray } from '../backend';
import type { CpuStorage } from './cpu_backend';
import { viewOf } from './jit';
import type { Prologue } from './kernels';

/**
 * Writes out[outOff + j] = epilogue(row[rowOff + j], extra_i[bases[i] + j·steps[i]] …) for j < N, rounded
 * to the output dtype. Extras are indexed by epilogue input slot (slot 0, the product, is `row`).
 */
export type RowEpilogue = (
  row: Float64Array, rowOff: number, N: number, out: StorageArray, outOff: number,
  extras: StorageArray[], bases: number[], steps: number[], params: number[],
) => void;

/** A RowEpilogue from the interpreter's closure (when code generation is unavailable). */
export function closureRowEpilogue(f: Prologue, extras: number, outRound: (x: number) => number): RowEpilogue {
  const vals = new Float64Array(1 + extras);
  return (row, rowOff, N, out, outOff, ex, bases, steps) => {
    for (let j = 0; j < N; j++) {
      vals[0] = row[rowOff + j];
      for (let i = 1; i <= extras; i++) vals[i] = ex[i][bases[i] + j * steps[i]];
      out[outOff + j] = outRound(f(vals));
    }
  };
}

const TILE = 4;
/** Scratch for the last, partial column tile (module-level: no allocation per tile). */
const edge = new Float64Array(TILE * TILE);

export function cpuMatmul(k: MatmulKernel, launch: Launch<CpuStorage>, epilogue?: RowEpilogue): void {
  const g = launch.matmul!;
  const { M, N, K } = g;
  const a = viewOf(k.dtype, launch.inputs[0].handle);
  const b = viewOf(k.dtype, launch.inputs[1].handle);
  const outDtype = k.epilogue?.dtype ?? k.dtype;
  const out = viewOf(outDtype, launch.out);
  const float = k.dtype === 'float32';
  const round = DTYPE_INFO[k.dtype].round;
  const rank0 = g.batchShape.length;
  // Epilogue inputs (slot i ≥ 1 is launch input i + 1), addressed at output positions [batch…, m, n].
  const ex: StorageArray[] = [a];
  const exStrides: number[][] = [[]];
  launch.inputs.slice(2).forEach((v, i) => {
    ex.push(viewOf(k.extras![i], v.handle));
    exStrides.push(broadcastStrides(v.shape, v.strides, launch.outShape));
  });
  const exOff = launch.inputs.map((v) => v.offset).slice(1);
  const bases = ex.map(() => 0);
  const steps = exStrides.map((s) => s[rank0 + 1] ?? 0);
  const NT = Math.ceil(N / TILE);
  // B packed per column tile: [tile][k][4] (zero-padded past N: those columns are computed, never stored).
  const packed = float ? new Float64Array(NT * K * TILE) : new Int32Array(NT * K * TILE);
  const rows = new Float64Array(TILE * N);
  const coords = new Array<number>(rank0).fill(0);
  for (let bi = 0; bi < g.batch; bi++) {
    let aBase = g.aOffset;
    let bBase = g.bOffset;
    const eBase = exOff.slice();
    for (let d = 0; d < rank0; d++) {
      aBase += coords[d] * g.aBatchStrides[d];
      bBase += coords[d] * g.bBatchStrides[d];
      for (let i = 1; i < ex.length; i++) eBase[i] += coords[d] * exStrides[i][d];
    }
    packB(b, bBase, g, packed);
    for (let m0 = 0; m0 < M; m0 += TILE) {
      const mr = Math.min(TILE, M - m0);
      for (let t = 0; t < NT; t++) {
        if (float) tileF(a, packed, aBase, g, m0, mr, t, rows);
        else tileI(a, packed, aBase, g, m0, mr, t, rows);
      }
      for (let r = 0; r < mr; r++) {
        const m = m0 + r;
        const rowOff = r * N;
        for (let j = rowOff; j < rowOff + N; j++) rows[j] = round(rows[j]);
        const outOff = (bi * M + m) * N;
        if (!epilogue) {
          out.set(rows.subarray(rowOff, rowOff + N), outOff); // rounded already: the store converts exactly
          continue;
        }
        for (let i = 1; i < ex.length; i++) bases[i] = eBase[i] + m * exStrides[i][rank0];
        epilogue(rows, rowOff, N, out, outOff, ex, bases, steps, launch.params);
      }
    }
    for (let d = rank0 - 1; d >= 0; d--) {
      if (++coords[d] < g.batchShape[d]) break;
      coords[d] = 0;
    }
  }
}

function packB(b: StorageArray, bBase: number, g: MatmulGeometry, packed: Float64Array | Int32Array): void {
  const { N, K, bk, bn } = g;
  let p = 0;
  for (let n0 = 0; n0 < N; n0 += TILE) {
    for (let kk = 0; kk < K; kk++) {
      const q = bBase + kk * bk + n0 * bn;
      for (let c = 0; c < TILE; c++) packed[p++] = n0 + c < N ? b[q + c * bn] : 0;
    }
  }
}

/**
 * One float tile: rows m0…m0+mr of A against column tile t, into `rows` (TILE × N, unrounded). Sixteen
 * scalar accumulators: V8 keeps most in registers; each sums its products in k order (as the reference).
 * Rows past M re-read the last row (valid memory) and are not stored.
 */
function tileF(a: StorageArray, pk: Float64Array | Int32Array, aBase: number, g: MatmulGeometry, m0: number, mr: number, t: number, rows: Float64Array): void {
  const { K, N, am, ak } = g;
  const a0p = aBase + m0 * g.am;
  const a1p = a0p + Math.min(1, mr - 1) * am;
  const a2p = a0p + Math.min(2, mr - 1) * am;
  const a3p = a0p + Math.min(3, mr - 1) * am;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let p = t * K * TILE;
  for (let kk = 0, q = 0; kk < K; kk++, q += ak, p += TILE) {
    const x0 = a[a0p + q], x1 = a[a1p + q], x2 = a[a2p + q], x3 = a[a3p + q];
    const y0 = pk[p], y1 = pk[p + 1], y2 = pk[p + 2], y3 = pk[p + 3];
    c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
    c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
    c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
    c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
  }
  store(rows, N, t * TILE, mr, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
}

/** tileF for integer dtypes: products and sums wrap to int32 at each step, as the reference does. */
function tileI(a: StorageArray, pk: Float64Array | Int32Array, aBase: number, g: MatmulGeometry, m0: number, mr: number, t: number, rows: Float64Array): void {
  const { K, N, am, ak } = g;
  const a0p = aBase + m0 * g.am;
  const a1p = a0p + Math.min(1, mr - 1) * am;
  const a2p = a0p + Math.min(2, mr - 1) * am;
  const a3p = a0p + Math.min(3, mr - 1) * am;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let p = t * K * TILE;
  const mul = Math.imul;
  for (let kk = 0, q = 0; kk < K; kk++, q += ak, p += TILE) {
    const x0 = a[a0p + q], x1 = a[a1p + q], x2 = a[a2p + q], x3 = a[a3p + q];
    const y0 = pk[p], y1 = pk[p + 1], y2 = pk[p + 2], y3 = pk[p + 3];
    c00 = (c00 + mul(x0, y0)) | 0; c01 = (c01 + mul(x0, y1)) | 0; c02 = (c02 + mul(x0, y2)) | 0; c03 = (c03 + mul(x0, y3)) | 0;
    c10 = (c10 + mul(x1, y0)) | 0; c11 = (c11 + mul(x1, y1)) | 0; c12 = (c12 + mul(x1, y2)) | 0; c13 = (c13 + mul(x1, y3)) | 0;
    c20 = (c20 + mul(x2, y0)) | 0; c21 = (c21 + mul(x2, y1)) | 0; c22 = (c22 + mul(x2, y2)) | 0; c23 = (c23 + mul(x2, y3)) | 0;
    c30 = (c30 + mul(x3, y0)) | 0; c31 = (c31 + mul(x3, y1)) | 0; c32 = (c32 + mul(x3, y2)) | 0; c33 = (c33 + mul(x3, y3)) | 0;
  }
  store(rows, N, t * TILE, mr, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
}

function store(
  rows: Float64Array, N: number, n0: number, mr: number,
  c00: number, c01: number, c02: number, c03: number, c10: number, c11: number, c12: number, c13: number,
  c20: number, c21: number, c22: number, c23: number, c30: number, c31: number, c32: number, c33: number,
): void {
  if (n0 + TILE <= N) {
    rows[n0] = c00; rows[n0 + 1] = c01; rows[n0 + 2] = c02; rows[n0 + 3] = c03;
    if (mr < 2) return;
    let o = N + n0;
    rows[o] = c10; rows[o + 1] = c11; rows[o + 2] = c12; rows[o + 3] = c13;
    if (mr < 3) return;
    o += N;
    rows[o] = c20; rows[o + 1] = c21; rows[o + 2] = c22; rows[o + 3] = c23;
    if (mr < 4) return;
    o += N;
    rows[o] = c30; rows[o + 1] = c31; rows[o + 2] = c32; rows[o + 3] = c33;
    return;
  }
  // The last column tile: only the columns below N.
  const tile = edge;
  tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03; tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
  tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23; tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
  for (let r = 0; r < mr; r++) for (let c = 0; n0 + c < N; c++) rows[r * N + n0 + c] = tile[r * TILE + c];
}
