// Float64 plain-JavaScript references for the gradient suite (tests/helpers/grad_cases*.ts): NumPy-style
// broadcasting, reductions, transpose, matMul, softmax, erf. They share no code with the engine.

export interface Arr {
  shape: number[];
  data: Float64Array;
}

export const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
export const strides = (s: number[]) => {
  const out = new Array(s.length).fill(1);
  for (let i = s.length - 2; i >= 0; i--) out[i] = out[i + 1] * s[i + 1];
  return out;
};
export const arr = (shape: number[], f: (i: number) => number): Arr => ({ shape, data: Float64Array.from({ length: size(shape) }, (_, i) => f(i)) });

/** Elementwise over broadcast operands (NumPy rules). */
export function broadcast(xs: Arr[], f: (...v: number[]) => number): Arr {
  const rank = Math.max(...xs.map((x) => x.shape.length));
  const shape = Array.from({ length: rank }, (_, i) => Math.max(...xs.map((x) => x.shape[i - (rank - x.shape.length)] ?? 1)));
  const st = strides(shape);
  const xst = xs.map((x) => strides(x.shape));
  return arr(shape, (i) => {
    const vals = xs.map((x, k) => {
      let off = 0;
      for (let d = 0; d < rank; d++) {
        const xd = d - (rank - x.shape.length);
        if (xd < 0 || x.shape[xd] === 1) continue;
        off += Math.floor(i / st[d]) % shape[d] * xst[k][xd];
      }
      return x.data[off];
    });
    return f(...vals);
  });
}

/** A reduction over `axes` (all when null). */
export function reduce(x: Arr, axis: number | number[] | null | undefined, keepDims: boolean, f: (vals: number[]) => number): Arr {
  const r = x.shape.length;
  const axes = axis === null || axis === undefined ? [...Array(r).keys()] : (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + r : a));
  const outShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const groups = new Map<number, number[]>();
  const st = strides(x.shape);
  const ost = strides(outShape);
  for (let i = 0; i < x.data.length; i++) {
    let o = 0;
    for (let d = 0; d < r; d++) if (!axes.includes(d)) o += (Math.floor(i / st[d]) % x.shape[d]) * ost[d];
    if (!groups.has(o)) groups.set(o, []);
    groups.get(o)!.push(x.data[i]);
  }
  const out = arr(outShape, (o) => f(groups.get(o)!));
  return keepDims ? out : { shape: outShape.filter((_, i) => !axes.includes(i)), data: out.data };
}

export function transpose(x: Arr, perm: number[]): Arr {
  const shape = perm.map((p) => x.shape[p]);
  const st = strides(x.shape);
  const ost = strides(shape);
  return arr(shape, (i) => {
    let off = 0;
    for (let d = 0; d < shape.length; d++) off += (Math.floor(i / ost[d]) % shape[d]) * st[perm[d]];
    return x.data[off];
  });
}

export function matMul(a: Arr, b: Arr, ta = false, tb = false): Arr {
  const A = ta ? transpose(a, [1, 0]) : a;
  const B = tb ? transpose(b, [1, 0]) : b;
  const [m, k] = A.shape;
  const n = B.shape[1];
  return arr([m, n], (i) => {
    const r = Math.floor(i / n);
    const c = i % n;
    let s = 0;
    for (let j = 0; j < k; j++) s += A.data[r * k + j] * B.data[j * n + c];
    return s;
  });
}

/** softmax along the last axis (the cases use the last axis). */
export function softmaxLast(x: Arr, log: boolean): Arr {
  const n = x.shape[x.shape.length - 1];
  const out = new Float64Array(x.data.length);
  for (let r = 0; r < x.data.length / n; r++) {
    const row = x.data.subarray(r * n, r * n + n);
    const m = Math.max(...row);
    const lse = Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) + m;
    for (let j = 0; j < n; j++) out[r * n + j] = log ? row[j] - lse : Math.exp(row[j] - lse);
  }
  return { shape: x.shape, data: out };
}

export const erf = (x: number) => {
  // Abramowitz–Stegun 7.1.26 is too coarse for differences: integrate e^(−t²) by Simpson's rule instead.
  const n = 2000;
  const h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return (2 / Math.sqrt(Math.PI)) * (h / 3) * s;
};
export const SELU_A = 1.6732632423543772;
export const SELU_L = 1.0507009873554805;
