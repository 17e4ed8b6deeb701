// Finite-difference cases for a family's gradient rules: see grad_cases.ts (the float64 references and helpers).
// Movement, indexing, scans and products. Most references are written as "each result element reads this
// input element (or none: 0)" with `pick`, sharing no code with the engine.
import type { GradCase } from './grad_cases';
import { arr, matMul, size, strides, transpose, type Arr } from './grad_ref';

const unravel = (i: number, shape: number[]) => {
  const st = strides(shape);
  return shape.map((_, d) => Math.floor(i / st[d]) % shape[d]);
};
const ravel = (c: number[], shape: number[]) => {
  const st = strides(shape);
  return c.reduce((s, v, d) => s + v * st[d], 0);
};
/** A result of `shape` whose element at coordinates c is x at src(c) (0 where src gives null). */
const pick = (x: Arr, shape: number[], src: (c: number[]) => number[] | null): Arr =>
  arr(shape, (i) => {
    const s = src(unravel(i, shape));
    return s === null ? 0 : x.data[ravel(s, x.shape)];
  });
const at = (x: Arr, ...c: number[]) => x.data[ravel(c, x.shape)];
const fromRows = (shape: number[], rows: number[]): Arr => ({ shape, data: Float64Array.from(rows) });

/** Running sums/products along the last axis of [rows, n]. */
function scanLast(x: Arr, exclusive: boolean, reverse: boolean, prod: boolean): Arr {
  const [rows, n] = x.shape;
  const out = new Float64Array(x.data.length);
  for (let r = 0; r < rows; r++) {
    let acc = prod ? 1 : 0;
    for (let k = 0; k < n; k++) {
      const j = reverse ? n - 1 - k : k;
      const v = x.data[r * n + j];
      if (!exclusive) acc = prod ? acc * v : acc + v;
      out[r * n + j] = acc;
      if (exclusive) acc = prod ? acc * v : acc + v;
    }
  }
  return { shape: x.shape, data: out };
}

/** A general einsum over explicit terms (float64, nested sums over every letter). */
function einsumRef(equation: string, ...xs: Arr[]): Arr {
  const [lhs, rhs] = equation.split('->');
  const terms = lhs.split(',');
  const dims = new Map<string, number>();
  terms.forEach((t, i) => [...t].forEach((c, d) => dims.set(c, xs[i].shape[d])));
  const letters = [...dims.keys()];
  const outShape = [...rhs].map((c) => dims.get(c)!);
  const out = new Float64Array(size(outShape));
  const total = size(letters.map((c) => dims.get(c)!));
  for (let i = 0; i < total; i++) {
    const v = unravel(i, letters.map((c) => dims.get(c)!));
    const val = (c: string) => v[letters.indexOf(c)];
    let p = 1;
    terms.forEach((t, k) => (p *= at(xs[k], ...[...t].map(val))));
    out[ravel([...rhs].map(val), outShape)] += p;
  }
  return { shape: outShape, data: out };
}

const mirror = (k: number, n: number, reflect: boolean) => (k < 0 ? (reflect ? -k : -k - 1) : k >= n ? (reflect ? 2 * n - 2 - k : 2 * n - 1 - k) : k);

const cumModes: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

export const MOVEMENT_GRAD_CASES: GradCase[] = [
  // ---- slices and joins ----
  {
    name: 'slice(begin [1, -3], size [2, -1])',
    inputs: [{ shape: [3, 4] }],
    wg: (wg, x) => wg.slice(x, [1, -3], [2, -1]),
    ref: (x) => pick(x, [2, 3], ([i, j]) => [i + 1, j + 1]),
  },
  { name: 'slice(begin 1)', inputs: [{ shape: [3, 2] }], wg: (wg, x) => wg.slice(x, 1), ref: (x) => pick(x, [2, 2], ([i, j]) => [i + 1, j]) },
  {
    name: 'stridedSlice(strides [2, -2])',
    inputs: [{ shape: [4, 5] }],
    wg: (wg, x) => wg.stridedSlice(x, [0, 4], [4, 0], [2, -2]),
    ref: (x) => pick(x, [2, 2], ([i, j]) => [2 * i, 4 - 2 * j]),
  },
  {
    name: 'stridedSlice(shrinkAxisMask, newAxisMask, endMask)',
    inputs: [{ shape: [3, 5] }],
    wg: (wg, x) => wg.stridedSlice(x, [1, 0, 1], [2, 0, 0], [1, 1, 2], 0, 4, 0, 2, 1),
    ref: (x) => pick(x, [1, 2], ([, j]) => [1, 1 + 2 * j]),
  },
  {
    name: 'stridedSlice(strides [1, 3], beginMask, endMask, a whole last axis)',
    inputs: [{ shape: [2, 7, 3] }],
    wg: (wg, x) => wg.stridedSlice(x, [0, 1], [0, 7], [1, 3], 1, 1),
    ref: (x) => pick(x, [2, 2, 3], ([i, j, k]) => [i, 1 + 3 * j, k]),
  },
  {
    name: 'stridedSlice(ellipsisMask, stride -1)',
    inputs: [{ shape: [2, 3, 4] }],
    wg: (wg, x) => wg.stridedSlice(x, [0, 3], [0, 0], [1, -1], 0, 0, 1),
    ref: (x) => pick(x, [2, 3, 3], ([i, j, k]) => [i, j, 3 - k]),
  },
  {
    name: 'concat(axis -1)',
    inputs: [{ shape: [2, 3] }, { shape: [2, 1] }, { shape: [2, 2] }],
    wg: (wg, a, b, c) => wg.concat([a, b, c], -1),
    ref: (a, b, c) => arr([2, 6], (i) => {
      const [r, k] = [Math.floor(i / 6), i % 6];
      return k < 3 ? at(a, r, k) : k < 4 ? at(b, r, 0) : at(c, r, k - 4);
    }),
  },
  {
    name: 'concat(axis 0)',
    inputs: [{ shape: [1, 3] }, { shape: [2, 3] }],
    wg: (wg, a, b) => wg.concat([a, b]),
    ref: (a, b) => fromRows([3, 3], [...a.data, ...b.data]),
  },
  {
    name: 'stack(axis 1)',
    inputs: [{ shape: [2, 3] }, { shape: [2, 3] }, { shape: [2, 3] }],
    wg: (wg, a, b, c) => wg.stack([a, b, c], 1),
    ref: (...xs) => arr([2, 3, 3], (i) => {
      const [r, k, j] = unravel(i, [2, 3, 3]);
      return at(xs[k], r, j);
    }),
  },
  {
    name: 'stack(axis -1)',
    inputs: [{ shape: [3] }, { shape: [3] }],
    wg: (wg, a, b) => wg.stack([a, b], -1),
    ref: (a, b) => arr([3, 2], (i) => (i % 2 ? b : a).data[Math.floor(i / 2)]),
  },
  {
    name: 'unstack(axis 1): two of three outputs used',
    inputs: [{ shape: [2, 3, 2] }],
    wg: (wg, x) => {
      const us = wg.unstack(x, 1);
      return wg.mul(us[0], us[2]);
    },
    ref: (x) => arr([2, 2], (i) => at(x, Math.floor(i / 2), 0, i % 2) * at(x, Math.floor(i / 2), 2, i % 2)),
  },
  {
    name: 'split([1, -1, 2], axis 1): outer parts used',
    inputs: [{ shape: [2, 6] }],
    wg: (wg, x) => {
      const ps = wg.split(x, [1, -1, 2], 1);
      return wg.mul(ps[0], ps[2]);
    },
    ref: (x) => arr([2, 2], (i) => at(x, Math.floor(i / 2), 0) * at(x, Math.floor(i / 2), 4 + (i % 2))),
  },
  {
    name: 'split(3): the middle part',
    inputs: [{ shape: [6, 2] }],
    wg: (wg, x) => wg.split(x, 3)[1],
    ref: (x) => pick(x, [2, 2], ([i, j]) => [i + 2, j]),
  },
  {
    name: 'reverse(axis [0, -1])',
    inputs: [{ shape: [2, 3, 2] }],
    wg: (wg, x) => wg.reverse(x, [0, -1]),
    ref: (x) => pick(x, [2, 3, 2], ([i, j, k]) => [1 - i, j, 1 - k]),
  },
  { name: 'reverse(all axes)', inputs: [{ shape: [2, 3] }], wg: (wg, x) => wg.reverse(x), ref: (x) => pick(x, [2, 3], ([i, j]) => [1 - i, 2 - j]) },
  {
    name: 'flipLeftRight',
    inputs: [{ shape: [2, 2, 3, 2] }],
    wg: (wg, x) => wg.image.flipLeftRight(x),
    ref: (x) => pick(x, [2, 2, 3, 2], ([b, h, w, c]) => [b, h, 2 - w, c]),
  },
  {
    name: 'tile([3, 2])',
    inputs: [{ shape: [2, 3] }],
    wg: (wg, x) => wg.tile(x, [3, 2]),
    ref: (x) => pick(x, [6, 6], ([i, j]) => [i % 2, j % 3]),
  },
  {
    name: 'tile([1, 2, 1])',
    inputs: [{ shape: [2, 1, 3] }],
    wg: (wg, x) => wg.tile(x, [1, 2, 1]),
    ref: (x) => pick(x, [2, 2, 3], ([i, , k]) => [i, 0, k]),
  },
  {
    name: 'pad([[1, 0], [2, 1]], 0.5)',
    inputs: [{ shape: [2, 3] }],
    wg: (wg, x) => wg.pad(x, [[1, 0], [2, 1]], 0.5),
    ref: (x) => {
      const y = pick(x, [3, 6], ([i, j]) => (i >= 1 && j >= 2 && j < 5 ? [i - 1, j - 2] : null));
      y.data.forEach((_, k) => {
        const [i, j] = unravel(k, [3, 6]);
        if (!(i >= 1 && j >= 2 && j < 5)) y.data[k] = 0.5;
      });
      return y;
    },
  },
  ...(['reflect', 'symmetric'] as const).map((mode): GradCase => {
    const pads: [number, number][] = mode === 'reflect' ? [[1, 2], [2, 1]] : [[2, 3], [0, 2]];
    const out = [3 + pads[0][0] + pads[0][1], 4 + pads[1][0] + pads[1][1]];
    return {
      name: `mirrorPad(${mode})`,
      inputs: [{ shape: [3, 4] }],
      wg: (wg, x) => wg.mirrorPad(x, pads, mode),
      ref: (x) => pick(x, out, ([i, j]) => [mirror(i - pads[0][0], 3, mode === 'reflect'), mirror(j - pads[1][0], 4, mode === 'reflect')]),
    };
  }),

  // ---- indexing ----
  {
    name: 'topk(k 3) values, rows of 5 (sorted)',
    inputs: [{ shape: [2, 5] }],
    wg: (wg, x) => wg.topk(x, 3).values,
    ref: (x) => {
      const rows = [0, 1].flatMap((r) => Array.from(x.data.slice(r * 5, r * 5 + 5)).sort((a, b) => b - a).slice(0, 3));
      return fromRows([2, 3], rows);
    },
  },
  {
    name: 'gather(axis 0, repeated indices)',
    inputs: [{ shape: [4, 3] }],
    wg: (wg, x) => wg.gather(x, wg.tensor([2, 0, 2], undefined, 'int32')),
    ref: (x) => pick(x, [3, 3], ([i, j]) => [[2, 0, 2][i], j]),
  },
  {
    name: 'gather(axis -1, 2-d host indices)',
    inputs: [{ shape: [2, 3] }],
    wg: (wg, x) => wg.gather(x, [[1, 0], [2, 2]] as unknown as number[], -1),
    ref: (x) => pick(x, [2, 2, 2], ([r, i, j]) => [r, [[1, 0], [2, 2]][i][j]]),
  },
  {
    name: 'gather(axis 1, batchDims 1)',
    inputs: [{ shape: [2, 3, 2] }],
    wg: (wg, x) => wg.gather(x, wg.tensor([[0, 2], [1, 1]], undefined, 'int32'), 1, 1),
    ref: (x) => pick(x, [2, 2, 2], ([b, i, c]) => [b, [[0, 2], [1, 1]][b][i], c]),
  },
  {
    name: 'gather(axis 2, batchDims -1: a dimension between)',
    inputs: [{ shape: [2, 2, 3, 2] }],
    wg: (wg, x) => wg.gather(x, wg.tensor([[1, 2], [0, 0]], undefined, 'int32'), 2, -1),
    ref: (x) => pick(x, [2, 2, 2, 2], ([b, p, i, q]) => [b, p, [[1, 2], [0, 0]][b][i], q]),
  },
  {
    name: 'gatherND(repeated rows)',
    inputs: [{ shape: [3, 2, 2] }],
    wg: (wg, x) => wg.gatherND(x, wg.tensor([[0, 1], [2, 0], [0, 1]], undefined, 'int32')),
    ref: (x) => pick(x, [3, 2], ([r, k]) => [...[[0, 1], [2, 0], [0, 1]][r], k]),
  },
  {
    name: 'scatterND(duplicates summed)',
    inputs: [{ shape: [3, 2] }],
    wg: (wg, u) => wg.scatterND(wg.tensor([[1], [3], [1]], undefined, 'int32'), u, [4, 2]),
    ref: (u) => {
      const y = arr([4, 2], () => 0);
      [1, 3, 1].forEach((r, k) => [0, 1].forEach((j) => (y.data[r * 2 + j] += at(u, k, j))));
      return y;
    },
  },
  {
    name: 'tensorScatterUpdate',
    inputs: [{ shape: [4, 2] }, { shape: [2, 2] }],
    wg: (wg, t, u) => wg.tensorScatterUpdate(t, wg.tensor([[1], [3]], undefined, 'int32'), u),
    ref: (t, u) => pick(t, [4, 2], (c) => c).data.reduce((y, _, i) => {
      const [r, j] = unravel(i, [4, 2]);
      y.data[i] = r === 1 ? at(u, 0, j) : r === 3 ? at(u, 1, j) : at(t, r, j);
      return y;
    }, arr([4, 2], () => 0)),
  },
  {
    name: 'unsortedSegmentSum(host ids, a negative id dropped)',
    inputs: [{ shape: [5, 2] }],
    wg: (wg, x) => wg.unsortedSegmentSum(x, [0, 2, 0, -1, 1], 3),
    ref: (x) => {
      const y = arr([3, 2], () => 0);
      [0, 2, 0, -1, 1].forEach((s, r) => s >= 0 && [0, 1].forEach((j) => (y.data[s * 2 + j] += at(x, r, j))));
      return y;
    },
  },
  {
    name: 'unsortedSegmentSum(2-d ids)',
    inputs: [{ shape: [2, 3, 2] }],
    wg: (wg, x) => wg.unsortedSegmentSum(x, wg.tensor([[0, 1, 0], [2, -1, 1]], undefined, 'int32'), 4),
    ref: (x) => {
      const y = arr([4, 2], () => 0);
      [[0, 1, 0], [2, -1, 1]].forEach((row, a) => row.forEach((s, b) => s >= 0 && [0, 1].forEach((j) => (y.data[s * 2 + j] += at(x, a, b, j)))));
      return y;
    },
  },

  // ---- scans ----
  ...cumModes.map(([exclusive, reverse]): GradCase => ({
    name: `cumsum(axis -1, exclusive ${exclusive}, reverse ${reverse})`,
    inputs: [{ shape: [2, 4] }],
    wg: (wg, x) => wg.cumsum(x, -1, exclusive, reverse),
    ref: (x) => scanLast(x, exclusive, reverse, false),
  })),
  {
    name: 'cumsum(axis 0)',
    inputs: [{ shape: [3, 2] }],
    wg: (wg, x) => wg.cumsum(x),
    ref: (x) => transpose(scanLast(transpose(x, [1, 0]), false, false, false), [1, 0]),
  },
  ...cumModes.map(([exclusive, reverse]): GradCase => ({
    name: `cumprod(axis 1, exclusive ${exclusive}, reverse ${reverse})`,
    inputs: [{ shape: [2, 4], domain: 'awayFromZero' }],
    wg: (wg, x) => wg.cumprod(x, 1, exclusive, reverse),
    ref: (x) => scanLast(x, exclusive, reverse, true),
  })),

  // ---- products ----
  ...(
    [
      [[4], [4]],
      [[3, 4], [4]],
      [[3], [3, 2]],
      [[2, 3], [3, 4]],
    ] as number[][][]
  ).map(([sa, sb]): GradCase => ({
    name: `dot ${JSON.stringify(sa)}·${JSON.stringify(sb)}`,
    inputs: [{ shape: sa }, { shape: sb }],
    wg: (wg, a, b) => wg.dot(a, b),
    ref: (a, b) => {
      const A = sa.length === 1 ? { shape: [1, sa[0]], data: a.data } : a;
      const B = sb.length === 1 ? { shape: [sb[0], 1], data: b.data } : b;
      const y = matMul(A, B);
      const shape = [...(sa.length === 2 ? [sa[0]] : []), ...(sb.length === 2 ? [sb[1]] : [])];
      return { shape, data: y.data };
    },
  })),
  {
    name: 'outerProduct',
    inputs: [{ shape: [3] }, { shape: [4] }],
    wg: (wg, a, b) => wg.outerProduct(a, b),
    ref: (a, b) => arr([3, 4], (i) => a.data[Math.floor(i / 4)] * b.data[i % 4]),
  },
  ...(
    [
      ['ij,jk->ik', [[2, 3], [3, 4]]],
      ['bij,bjk->bik', [[2, 2, 3], [2, 3, 2]]],
      ['ij->ji', [[2, 3]]],
      ['ij->j', [[3, 2]]],
      ['ij,k->k', [[2, 3], [4]]],
      ['ij,ij->', [[2, 3], [2, 3]]],
      ['i,j', [[3], [2]]],
      ['ik,jk', [[2, 3], [4, 3]]],
      ['ii->i', [[3, 3]]],
      ['ii->', [[3, 3]]],
      ['iij,jk->ik', [[2, 2, 3], [3, 2]]],
      ['ij,kk->ij', [[2, 3], [2, 2]]],
    ] as [string, number[][]][]
  ).map(([eq, shapes]): GradCase => ({
    name: `einsum('${eq}')`,
    inputs: shapes.map((shape) => ({ shape })),
    wg: (wg, ...xs) => wg.einsum(eq, ...xs),
    ref: (...xs) => einsumRef(eq === 'i,j' ? 'i,j->ij' : eq === 'ik,jk' ? 'ik,jk->ij' : eq, ...xs),
  })),

  // ---- layout ----
  {
    name: 'depthToSpace(2, NHWC)',
    inputs: [{ shape: [1, 2, 2, 8] }],
    wg: (wg, x) => wg.depthToSpace(x, 2),
    ref: (x) => pick(x, [1, 4, 4, 2], ([n, h, w, c]) => [n, Math.floor(h / 2), Math.floor(w / 2), ((h % 2) * 2 + (w % 2)) * 2 + c]),
  },
  {
    name: 'depthToSpace(2, NCHW)',
    inputs: [{ shape: [1, 8, 2, 1] }],
    wg: (wg, x) => wg.depthToSpace(x, 2, 'NCHW'),
    ref: (x) => pick(x, [1, 2, 4, 2], ([n, c, h, w]) => [n, ((h % 2) * 2 + (w % 2)) * 2 + c, Math.floor(h / 2), Math.floor(w / 2)]),
  },
  {
    name: 'spaceToBatchND(block [2, 2], paddings)',
    inputs: [{ shape: [1, 4, 3, 1] }],
    wg: (wg, x) => wg.spaceToBatchND(x, [2, 2], [[0, 0], [1, 0]]),
    ref: (x) =>
      pick(x, [4, 2, 2, 1], ([ob, h, w, c]) => {
        const blk = ob; // batch 1: ob = (i1·2 + i2)·1 + 0
        const [i1, i2] = [Math.floor(blk / 2), blk % 2];
        const [ph, pw] = [h * 2 + i1, w * 2 + i2 - 1];
        return pw < 0 ? null : [0, ph, pw, c];
      }),
  },
  {
    name: 'batchToSpaceND(block [2, 2], crops)',
    inputs: [{ shape: [4, 2, 2, 1] }],
    wg: (wg, x) => wg.batchToSpaceND(x, [2, 2], [[0, 1], [1, 0]]),
    ref: (x) =>
      pick(x, [1, 3, 3, 1], ([, h, w, c]) => {
        const [H, W] = [h, w + 1];
        return [(H % 2) * 2 + (W % 2), Math.floor(H / 2), Math.floor(W / 2), c];
      }),
  },
  {
    name: 'to: through the CPU device and back',
    inputs: [{ shape: [2, 3] }],
    wg: (wg, x) => wg.to(wg.mul(wg.to(x, 'cpu'), 2), x.device),
    ref: (x) => ({ shape: x.shape, data: x.data.map((v) => 2 * v) }),
  },
];

