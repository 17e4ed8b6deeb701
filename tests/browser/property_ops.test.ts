// Property tests (fast-check) for reductions/scans, movement-op chains and matmul/dot/outerProduct: WebGPU ≈ CPU backend ≈ a plain-JS reference.
import fc from 'fast-check';
import { describe, expect, inject, test } from 'vitest';
import * as wg from '../../engine/index';
import { onDevice } from '../helpers/devices';

type DT = wg.DType;
type Dev = 'webgpu' | 'cpu';
const runs = () => inject('propertyRuns');
const FC = (numRuns = runs()) => ({ numRuns, seed: inject('propertySeed') });

// ---- random numbers -------------------------------------------------------------------------------

type Rng = () => number;
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** An integer in [lo, hi]. */
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const chance = (rng: Rng, p: number) => rng() < p;
function shuffle<T>(rng: Rng, xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// ---- a tiny nested-array reference: row-major values with a shape ---------------------------------

interface Ref {
  shape: number[];
  data: number[];
}
const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
function coordsOf(i: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return c;
}
function indexOf(c: readonly number[], shape: readonly number[]): number {
  let i = 0;
  for (let d = 0; d < shape.length; d++) i = i * shape[d] + c[d];
  return i;
}
function fromFn(shape: number[], f: (c: number[]) => number): Ref {
  const n = sizeOf(shape);
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) data[i] = f(coordsOf(i, shape));
  return { shape, data };
}
const at = (r: Ref, c: readonly number[]) => r.data[indexOf(c, r.shape)];
const normAxis = (a: number, rank: number) => (a < 0 ? a + rank : a);

function refTranspose(r: Ref, perm: number[]): Ref {
  const q = perm.map((p) => normAxis(p, r.shape.length));
  return fromFn(q.map((p) => r.shape[p]), (c) => {
    const src = new Array<number>(c.length);
    q.forEach((p, k) => (src[p] = c[k]));
    return at(r, src);
  });
}
const refReshape = (r: Ref, shape: number[]): Ref => ({ shape, data: r.data });
const refSlice = (r: Ref, begin: number[], size: number[]): Ref => fromFn(size, (c) => at(r, c.map((x, d) => x + begin[d])));
function refReverse(r: Ref, axes: number[]): Ref {
  return fromFn([...r.shape], (c) => at(r, c.map((x, d) => (axes.includes(d) ? r.shape[d] - 1 - x : x))));
}
function refConcat(rs: Ref[], axis: number): Ref {
  const shape = [...rs[0].shape];
  shape[axis] = rs.reduce((s, r) => s + r.shape[axis], 0);
  return fromFn(shape, (c) => {
    let k = c[axis];
    for (const r of rs) {
      if (k < r.shape[axis]) return at(r, c.map((x, d) => (d === axis ? k : x)));
      k -= r.shape[axis];
    }
    throw new Error('refConcat: out of range');
  });
}
function refGather(r: Ref, idx: number[], axis: number): Ref {
  const shape = [...r.shape.slice(0, axis), idx.length, ...r.shape.slice(axis + 1)];
  return fromFn(shape, (c) => at(r, c.map((x, d) => (d === axis ? idx[x] : x))));
}
const refBroadcast = (r: Ref, shape: number[]): Ref =>
  fromFn(shape, (c) => {
    const lead = shape.length - r.shape.length;
    return at(r, r.shape.map((n, d) => (n === 1 ? 0 : c[lead + d])));
  });
const refTile = (r: Ref, reps: number[]): Ref => fromFn(r.shape.map((n, d) => n * reps[d]), (c) => at(r, c.map((x, d) => x % r.shape[d])));
function refPad(r: Ref, pads: [number, number][], value: number): Ref {
  return fromFn(r.shape.map((n, d) => n + pads[d][0] + pads[d][1]), (c) => {
    const src = c.map((x, d) => x - pads[d][0]);
    return src.every((x, d) => x >= 0 && x < r.shape[d]) ? at(r, src) : value;
  });
}
/** Per-dimension source index lists (a dimension with `null` is dropped: shrinkAxisMask). */
function refPick(r: Ref, lists: (number[] | number)[]): Ref {
  const keep = lists.flatMap((l, d) => (typeof l === 'number' ? [] : [d]));
  const shape = keep.map((d) => (lists[d] as number[]).length);
  return fromFn(shape, (c) => at(r, lists.map((l, d) => (typeof l === 'number' ? l : l[c[keep.indexOf(d)]]))));
}
/** Python slicing of range(n) by begin:end:step, with TF's begin/end masks (the bound is ignored). */
function pySlice(n: number, begin: number, end: number, step: number, bm: boolean, em: boolean): number[] {
  const out: number[] = [];
  if (step > 0) {
    const b = bm ? 0 : begin < 0 ? Math.max(0, begin + n) : Math.min(begin, n);
    const e = em ? n : end < 0 ? Math.max(0, end + n) : Math.min(end, n);
    for (let i = b; i < e; i += step) out.push(i);
  } else {
    const b = bm ? n - 1 : begin < 0 ? Math.max(-1, begin + n) : Math.min(begin, n - 1);
    const e = em ? -1 : end < 0 ? Math.max(-1, end + n) : Math.min(end, n - 1);
    for (let i = b; i > e; i += step) out.push(i);
  }
  return out;
}

// ---- reference reductions and scans (in doubles; integers wrap like int32) -------------------------

function refReduce(
  r: Ref,
  axes: number[],
  keepDims: boolean,
  init: number,
  f: (acc: number, v: number) => number,
  fin: (acc: number, R: number, o: number) => number = (a) => a,
): Ref {
  const kept = r.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const acc = new Array<number>(sizeOf(kept)).fill(init);
  for (let i = 0; i < r.data.length; i++) {
    const c = coordsOf(i, r.shape);
    const o = indexOf(c.map((x, d) => (axes.includes(d) ? 0 : x)), kept);
    acc[o] = f(acc[o], r.data[i]);
  }
  const R = axes.reduce((p, a) => p * r.shape[a], 1);
  return { shape: keepDims ? kept : r.shape.filter((_, i) => !axes.includes(i)), data: acc.map((a, o) => fin(a, R, o)) };
}
function refLogSumExp(r: Ref, axes: number[], keepDims: boolean): Ref {
  const m = refReduce(r, axes, true, -Infinity, Math.max);
  const shift = m.data.map((v) => (Number.isFinite(v) ? v : 0));
  const kept = m.shape;
  const acc = new Array<number>(sizeOf(kept)).fill(0);
  for (let i = 0; i < r.data.length; i++) {
    const c = coordsOf(i, r.shape);
    const o = indexOf(c.map((x, d) => (axes.includes(d) ? 0 : x)), kept);
    acc[o] += Math.exp(r.data[i] - shift[o]);
  }
  return { shape: keepDims ? kept : r.shape.filter((_, i) => !axes.includes(i)), data: acc.map((s, o) => Math.log(s) + shift[o]) };
}
function refArg(r: Ref, axis: number, better: (v: number, best: number) => boolean): Ref {
  const shape = r.shape.filter((_, d) => d !== axis);
  return fromFn(shape, (c) => {
    const src = [...c.slice(0, axis), 0, ...c.slice(axis)];
    let best = 0;
    for (let k = 1; k < r.shape[axis]; k++) {
      src[axis] = k;
      const v = at(r, src);
      src[axis] = best;
      if (better(v, at(r, src))) best = k;
    }
    return best;
  });
}
function refScan(r: Ref, axis: number, exclusive: boolean, reverse: boolean, prod: boolean, isInt: boolean): Ref {
  const out = { shape: [...r.shape], data: new Array<number>(r.data.length).fill(0) };
  const n = r.shape[axis];
  const step = sizeOf(r.shape.slice(axis + 1));
  const combine = (a: number, b: number) => (prod ? (isInt ? Math.imul(a, b) : a * b) : isInt ? (a + b) | 0 : a + b);
  for (let i = 0; i < r.data.length; i++) {
    if (coordsOf(i, r.shape)[axis] !== 0) continue; // i starts a line along `axis`
    let acc = prod ? 1 : 0;
    for (let j = 0; j < n; j++) {
      const k = reverse ? n - 1 - j : j;
      const v = r.data[i + k * step];
      if (exclusive) {
        out.data[i + k * step] = acc;
        acc = combine(acc, v);
      } else {
        acc = combine(acc, v);
        out.data[i + k * step] = acc;
      }
    }
  }
  return out;
}

// ---- inputs: random values, seen through a random (often non-contiguous) view ------------------------

type View = 'plain' | 'transposed' | 'sliced' | 'reversed';
type Domain = 'any' | 'small' | 'matmul';

function genValue(rng: Rng, dtype: DT, domain: Domain): number {
  const k = rng();
  if (dtype === 'bool') return k < 0.5 ? 1 : 0;
  if (dtype === 'int32') {
    if (domain === 'small') return k < 0.05 ? 0 : (rng() < 0.5 ? -1 : 1) * (rng() < 0.15 ? 2 : 1);
    if (domain === 'matmul') return int(rng, -5, 5);
    return int(rng, -10, 10);
  }
  if (domain === 'small') return k < 0.05 ? 1 : (rng() < 0.5 ? -1 : 1) * (0.7 + 0.6 * rng());
  if (domain === 'matmul') return k < 0.1 ? 0 : rng() * 4 - 2;
  if (k < 0.08) return 0;
  if (k < 0.2) return Math.round(rng() * 20 - 10) / 2;
  return rng() * 20 - 10;
}
/** The stored value of a host number (what the engine holds). */
function storeAs(v: number, dtype: DT): number {
  if (dtype === 'float32') return Math.fround(v);
  if (dtype === 'int32') return v | 0;
  return v ? 1 : 0;
}

interface Input {
  make: () => wg.Tensor;
  ref: Ref;
  desc: string;
  maxAbs: number;
}

/** A tensor of `shape` whose values come from `seed`, built as a `view` of a larger/permuted base tensor. */
function makeInput(dtype: DT, shape: number[], view: View, seed: number, domain: Domain = 'any'): Input {
  const rng = mulberry32(seed);
  const r = shape.length;
  let baseShape = [...shape];
  let finish: { desc: string; apply: (t: wg.Tensor) => wg.Tensor; ref: (b: Ref) => Ref } | undefined;
  if (view === 'transposed' && r >= 2) {
    let perm = shuffle(rng, [...Array(r).keys()]);
    if (perm.every((p, i) => p === i)) perm = [perm[1], perm[0], ...perm.slice(2)];
    baseShape = new Array<number>(r);
    perm.forEach((p, i) => (baseShape[p] = shape[i]));
    finish = { desc: `transpose([${perm}]) of [${baseShape}]`, apply: (t) => wg.transpose(t, perm), ref: (b) => refTranspose(b, perm) };
  } else if (view === 'sliced' && r >= 1) {
    const extra = shape.map(() => int(rng, 0, 2));
    const begin = extra.map((e) => int(rng, 0, e));
    baseShape = shape.map((n, d) => n + extra[d]);
    finish = { desc: `slice([${begin}], [${shape}]) of [${baseShape}]`, apply: (t) => wg.slice(t, begin, shape), ref: (b) => refSlice(b, begin, shape) };
  } else if (view === 'reversed' && r >= 1) {
    const axes = [...Array(r).keys()].filter(() => chance(rng, 0.6));
    if (axes.length === 0) axes.push(int(rng, 0, r - 1));
    finish = { desc: `reverse([${axes}])`, apply: (t) => wg.reverse(t, axes), ref: (b) => refReverse(b, axes) };
  }
  const raw = Array.from({ length: sizeOf(baseShape) }, () => genValue(rng, dtype, domain));
  const base: Ref = { shape: baseShape, data: raw.map((v) => storeAs(v, dtype)) };
  const ref = finish ? finish.ref(base) : base;
  expect(ref.shape, 'makeInput: view shape').toEqual(shape);
  const make = () => {
    const t = wg.tensor(raw, baseShape, dtype);
    return finish ? finish.apply(t) : t;
  };
  const maxAbs = ref.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return { make, ref, desc: `${dtype}[${shape}]${finish ? ` (${finish.desc})` : ''}`, maxAbs };
}

// ---- running on both backends and comparing -----------------------------------------------------------

interface Res {
  dtype: DT;
  shape: number[];
  data: number[];
}
interface Tol {
  rtol: number;
  atol: number;
}
const EXACT: Tol = { rtol: 0, atol: 0 };
const EPS = 2 ** -23;

/** Runs `make` with new tensors on WebGPU, then on the CPU backend; every tensor is freed afterwards. */
async function onBoth(what: string, make: () => wg.Tensor): Promise<Record<Dev, Res>> {
  return wg.scope(async () => {
    const out = {} as Record<Dev, Res>;
    for (const dev of ['webgpu', 'cpu'] as const) {
      let t: wg.Tensor;
      try {
        t = await onDevice(dev, make);
      } catch (e) {
        throw new Error(`${what}: threw on ${dev}: ${(e as Error).message}`, { cause: e });
      }
      expect(t.device, `${what}: device`).toBe(dev);
      out[dev] = { dtype: t.dtype, shape: [...t.shape], data: Array.from(await t.data()) };
    }
    return out;
  });
}

const fmt = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

/** Index of the first element outside tolerance, or -1. NaN matches NaN; infinities must match exactly. */
function firstMismatch(a: readonly number[], e: readonly number[], tol: Tol): number {
  for (let i = 0; i < e.length; i++) {
    const x = a[i];
    const y = e[i];
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= tol.atol + tol.rtol * Math.abs(y)) continue;
    return i;
  }
  return -1;
}

function expectAgree(what: string, got: Res | Ref, want: Res | Ref, tol: Tol, names = ['webgpu', 'cpu']): void {
  if ('dtype' in got && 'dtype' in want) expect(got.dtype, `${what}: dtype ${names[0]} vs ${names[1]}`).toBe(want.dtype);
  expect(got.shape, `${what}: shape ${names[0]} vs ${names[1]}`).toEqual(want.shape);
  expect(got.data.length, `${what}: length`).toBe(want.data.length);
  const i = firstMismatch(got.data, want.data, tol);
  if (i >= 0) {
    const msg =
      `${what} -> [${want.shape}]: element ${i} (coords [${coordsOf(i, want.shape)}]): ` +
      `${names[0]} ${fmt(got.data[i])} vs ${names[1]} ${fmt(want.data[i])} (rtol ${tol.rtol}, atol ${tol.atol})`;
    expect(i, msg).toBe(-1);
  }
}

/** WebGPU ≈ CPU, and CPU ≈ the JS reference (when given). */
async function check(what: string, make: () => wg.Tensor, tol: Tol, ref?: Ref, refTol: Tol = tol): Promise<void> {
  const r = await onBoth(what, make);
  expectAgree(what, r.webgpu, r.cpu, tol);
  if (ref) {
    expectAgree(what, r.cpu, ref, refTol, ['cpu', 'reference']);
    expectAgree(what, r.webgpu, ref, refTol, ['webgpu', 'reference']);
  }
}

/** Float sums of R terms of magnitude ≤ maxAbs: the rounding error grows with R. */
const sumTol = (R: number, maxAbs: number): Tol => ({ rtol: 2e-5, atol: 1e-5 + 4 * EPS * Math.max(R, 1) * Math.max(maxAbs, 1) });

// ---- arbitraries --------------------------------------------------------------------------------------

/** Dims 0..6, weighted so that most shapes are non-empty but size-0 and size-1 dims still show up. */
const dimArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 1 },
  { arbitrary: fc.constant(1), weight: 2 },
  { arbitrary: fc.integer({ min: 2, max: 6 }), weight: 7 },
);
const shapeArb = (minLength = 0, maxLength = 4) => fc.array(dimArb, { minLength, maxLength });
const viewArb = fc.constantFrom<View>('plain', 'plain', 'transposed', 'sliced', 'reversed');

type AxisKind = 'undefined' | 'number' | 'list';
/** An axis argument: undefined, one axis (maybe negative), or a shuffled subset (maybe negative, maybe empty). */
function randomAxes(rng: Rng, rank: number, kind: AxisKind): { arg: number | number[] | undefined; axes: number[] } {
  const neg = (a: number) => (chance(rng, 0.4) ? a - rank : a);
  if (kind === 'undefined') return { arg: undefined, axes: [...Array(rank).keys()] };
  if (kind === 'number' && rank > 0) {
    const a = int(rng, 0, rank - 1);
    return { arg: neg(a), axes: [a] };
  }
  const subset = shuffle(rng, [...Array(rank).keys()].filter(() => chance(rng, 0.5)));
  return { arg: subset.map(neg), axes: [...subset].sort((a, b) => a - b) };
}
const showAxis = (a: unknown) => (a === undefined ? 'undefined' : JSON.stringify(a));

// ---- reductions and scans -----------------------------------------------------------------------------

type ReduceName = 'sum' | 'mean' | 'prod' | 'max' | 'min' | 'any' | 'all' | 'logSumExp';
interface ReduceCase {
  dtypes: DT[];
  domain: Domain;
  ref: (r: Ref, axes: number[], keepDims: boolean, dtype: DT) => Ref;
  tol: (dtype: DT, R: number, maxAbs: number) => Tol;
}
const isFloat = (d: DT) => d === 'float32';
const REDUCTIONS: Record<ReduceName, ReduceCase> = {
  sum: {
    dtypes: ['float32', 'int32', 'bool'],
    domain: 'any',
    ref: (r, a, k, d) => refReduce(r, a, k, 0, (x, v) => (isFloat(d) ? x + v : (x + v) | 0)),
    tol: (d, R, m) => (isFloat(d) ? sumTol(R, m) : EXACT),
  },
  mean: {
    dtypes: ['float32', 'int32'],
    domain: 'any',
    ref: (r, a, k) => refReduce(r, a, k, 0, (x, v) => x + v, (s, R) => s / R),
    tol: (_d, _R, m) => ({ rtol: 2e-5, atol: 1e-5 + 8 * EPS * Math.max(m, 1) }),
  },
  prod: {
    dtypes: ['float32', 'int32'],
    domain: 'small',
    ref: (r, a, k, d) => refReduce(r, a, k, 1, (x, v) => (isFloat(d) ? x * v : Math.imul(x, v))),
    tol: (d, R) => (isFloat(d) ? { rtol: 2e-5 + 4 * EPS * R, atol: 1e-6 } : EXACT),
  },
  max: { dtypes: ['float32', 'int32'], domain: 'any', ref: (r, a, k, d) => refReduce(r, a, k, d === 'int32' ? -(2 ** 31) : -Infinity, Math.max), tol: () => EXACT },
  min: { dtypes: ['float32', 'int32'], domain: 'any', ref: (r, a, k, d) => refReduce(r, a, k, d === 'int32' ? 2 ** 31 - 1 : Infinity, Math.min), tol: () => EXACT },
  any: { dtypes: ['bool'], domain: 'any', ref: (r, a, k) => refReduce(r, a, k, 0, Math.max), tol: () => EXACT },
  all: { dtypes: ['bool'], domain: 'any', ref: (r, a, k) => refReduce(r, a, k, 1, Math.min), tol: () => EXACT },
  logSumExp: {
    dtypes: ['float32', 'int32'],
    domain: 'any',
    ref: (r, a, k) => refLogSumExp(r, a, k),
    tol: (_d, R) => ({ rtol: 2e-5, atol: 1e-5 + 4 * EPS * Math.max(R, 1) }),
  },
};

describe('reductions and scans: WebGPU ≈ CPU ≈ reference (fast-check)', () => {
  test.each(Object.keys(REDUCTIONS) as ReduceName[])('%s over random axis sets, keepDims, strided inputs', async (op) => {
    const c = REDUCTIONS[op];
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          dtype: fc.constantFrom(...c.dtypes),
          shape: shapeArb(),
          view: viewArb,
          axisKind: fc.constantFrom<AxisKind>('undefined', 'number', 'list', 'list'),
          keepDims: fc.boolean(),
          method: fc.boolean(),
          seed: fc.integer(),
        }),
        async ({ dtype, shape, view, axisKind, keepDims, method, seed }) => {
          const x = makeInput(dtype, shape, view, seed, c.domain);
          const { arg, axes } = randomAxes(mulberry32(seed ^ 0x5a5a), shape.length, axisKind);
          const R = axes.reduce((p, a) => p * shape[a], 1);
          const fn = (wg as unknown as Record<string, (t: wg.Tensor, a?: unknown, k?: boolean) => wg.Tensor>)[op];
          const what = `${method ? `x.${op}` : `wg.${op}`}(${x.desc}, axis ${showAxis(arg)}, keepDims ${keepDims})`;
          const run = () => {
            const t = x.make();
            return method ? (t as unknown as Record<string, (a?: unknown, k?: boolean) => wg.Tensor>)[op](arg, keepDims) : fn(t, arg, keepDims);
          };
          await check(what, run, c.tol(dtype, R, x.maxAbs), c.ref(x.ref, axes, keepDims, dtype));
        },
      ),
      FC(),
    );
  });

  test.each(['argMax', 'argMin'] as const)('%s over one non-empty axis (ties: the first index)', async (op) => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ dtype: fc.constantFrom<DT>('float32', 'int32'), shape: shapeArb(1), view: viewArb, axisSeed: fc.nat(), negative: fc.boolean(), seed: fc.integer() }),
        async ({ dtype, shape: s, view, axisSeed, negative, seed }) => {
          const a = axisSeed % s.length;
          const shape = s.map((n, d) => (d === a && n === 0 ? 3 : n));
          const x = makeInput(dtype, shape, view, seed);
          const arg = negative ? a - shape.length : a;
          const better = op === 'argMax' ? (v: number, b: number) => v > b : (v: number, b: number) => v < b;
          await check(`wg.${op}(${x.desc}, ${arg})`, () => wg[op](x.make(), arg), EXACT, refArg(x.ref, a, better));
        },
      ),
      FC(),
    );
  });

  test.each(['cumsum', 'cumprod'] as const)('%s (axis, exclusive, reverse)', async (op) => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          dtype: fc.constantFrom<DT>('float32', 'int32'),
          shape: shapeArb(1),
          view: viewArb,
          axisSeed: fc.nat(),
          negative: fc.boolean(),
          exclusive: fc.boolean(),
          reverse: fc.boolean(),
          seed: fc.integer(),
        }),
        async ({ dtype, shape, view, axisSeed, negative, exclusive, reverse, seed }) => {
          const a = axisSeed % shape.length;
          const x = makeInput(dtype, shape, view, seed, op === 'cumprod' ? 'small' : 'any');
          const arg = negative ? a - shape.length : a;
          const n = shape[a];
          const tol = !isFloat(dtype) ? EXACT : op === 'cumsum' ? sumTol(n, x.maxAbs) : { rtol: 2e-5 + 4 * EPS * n, atol: 1e-6 };
          const ref = refScan(x.ref, a, exclusive, reverse, op === 'cumprod', dtype === 'int32');
          await check(`wg.${op}(${x.desc}, ${arg}, exclusive ${exclusive}, reverse ${reverse})`, () => wg[op](x.make(), arg, exclusive, reverse), tol, ref);
        },
      ),
      FC(),
    );
  });
});

// ---- movement-op chains -------------------------------------------------------------------------------

interface Step {
  desc: string;
  apply: (t: wg.Tensor) => wg.Tensor;
  ref: Ref;
}
const MOVEMENT = [
  'transpose', 'reshape', 'expandDims', 'squeeze', 'slice', 'stridedSlice', 'reverse', 'broadcastTo', 'tile', 'pad',
  'concat', 'gather', 'split', 'unstack',
] as const;
type MoveOp = (typeof MOVEMENT)[number];
/** Intermediate results stay small (tile, concat, pad and broadcastTo grow them). */
const MAX_SIZE = 4096;
/** Chains start from dims 0..4, mostly non-empty. */
const chainDimArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 1 },
  { arbitrary: fc.constant(1), weight: 3 },
  { arbitrary: fc.integer({ min: 2, max: 4 }), weight: 10 },
);
const MAX_RANK = 6;

function factorize(n: number): number[] {
  const f: number[] = [];
  for (let p = 2; p * p <= n; p++) while (n % p === 0) (f.push(p), (n /= p));
  if (n > 1) f.push(n);
  return f;
}

/** A random split of n into 1..3 sizes (maybe with one -1). */
function randomSizes(rng: Rng, n: number): number[] {
  const k = int(rng, 1, 3);
  const cuts = Array.from({ length: k - 1 }, () => int(rng, 0, n)).sort((a, b) => a - b);
  const sizes = [...cuts, n].map((c, i, all) => c - (i ? all[i - 1] : 0));
  if (chance(rng, 0.3)) sizes[int(rng, 0, k - 1)] = -1;
  return sizes;
}

/** Plans one step on the reference (so both backends get identical arguments); null when it does not apply. */
function planStep(op: MoveOp, rng: Rng, r: Ref, dtype: DT): Step | null {
  const s = r.shape;
  const rank = s.length;
  const neg = (a: number, k = rank) => (chance(rng, 0.3) ? a - k : a);
  switch (op) {
    case 'transpose': {
      if (chance(rng, 0.15)) {
        const perm = [...Array(rank).keys()].reverse();
        return { desc: 'transpose()', apply: (t) => wg.transpose(t), ref: refTranspose(r, perm) };
      }
      const perm = shuffle(rng, [...Array(rank).keys()]).map((p) => neg(p));
      return { desc: `transpose([${perm}])`, apply: (t) => wg.transpose(t, perm), ref: refTranspose(r, perm) };
    }
    case 'reshape': {
      const n = sizeOf(s);
      let shape: number[];
      if (n === 0) {
        shape = Array.from({ length: int(rng, 1, 4) }, () => int(rng, 1, 3));
        shape[int(rng, 0, shape.length - 1)] = 0;
      } else {
        const newRank = n === 1 ? int(rng, 0, 3) : int(rng, 1, 4);
        shape = new Array<number>(newRank).fill(1);
        for (const f of factorize(n)) shape[int(rng, 0, newRank - 1)] *= f;
      }
      let arg = shape;
      if (shape.length > 0 && chance(rng, 0.4)) {
        const i = n === 0 ? shape.indexOf(0) : int(rng, 0, shape.length - 1);
        arg = shape.map((d, k) => (k === i ? -1 : d));
      }
      return { desc: `reshape([${arg}])`, apply: (t) => wg.reshape(t, arg), ref: refReshape(r, shape) };
    }
    case 'expandDims': {
      if (rank >= MAX_RANK) return null;
      const a = int(rng, 0, rank);
      const arg = neg(a, rank + 1);
      return { desc: `expandDims(${arg})`, apply: (t) => wg.expandDims(t, arg), ref: { shape: [...s.slice(0, a), 1, ...s.slice(a)], data: r.data } };
    }
    case 'squeeze': {
      const ones = s.flatMap((d, i) => (d === 1 ? [i] : []));
      if (ones.length === 0 || chance(rng, 0.3)) {
        return { desc: 'squeeze()', apply: (t) => wg.squeeze(t), ref: { shape: s.filter((d) => d !== 1), data: r.data } };
      }
      const sub = shuffle(rng, ones).slice(0, int(rng, 1, ones.length));
      const arg: number | number[] = sub.length === 1 && chance(rng, 0.5) ? neg(sub[0]) : sub.map((a) => neg(a));
      return { desc: `squeeze(${JSON.stringify(arg)})`, apply: (t) => wg.squeeze(t, arg), ref: { shape: s.filter((_, i) => !sub.includes(i)), data: r.data } };
    }
    case 'slice': {
      const empty = chance(rng, 0.1);
      const begin = s.map((n) => (empty ? int(rng, 0, n) : int(rng, 0, Math.max(n - 1, 0))));
      const size = s.map((n, d) => (chance(rng, 0.25) ? -1 : int(rng, empty || n === 0 ? 0 : 1, n - begin[d])));
      const bArg = begin.map((b, d) => (b > 0 && b < s[d] && chance(rng, 0.3) ? b - s[d] : b));
      const ref = refSlice(r, begin, size.map((z, d) => (z === -1 ? s[d] - begin[d] : z)));
      if (rank >= 1 && chance(rng, 0.2)) {
        // The number form: begin/size apply to the first dimension only.
        const b0 = bArg[0];
        const z0 = size[0];
        const ref0 = refSlice(r, [begin[0], ...Array(rank - 1).fill(0)], [z0 === -1 ? s[0] - begin[0] : z0, ...s.slice(1)]);
        return { desc: `slice(${b0}, ${z0})`, apply: (t) => wg.slice(t, b0, z0), ref: ref0 };
      }
      return { desc: `slice([${bArg}], [${size}])`, apply: (t) => wg.slice(t, bArg, size), ref };
    }
    case 'stridedSlice': {
      const len = chance(rng, 0.75) ? rank : int(rng, 0, rank);
      const begin: number[] = [];
      const end: number[] = [];
      const strides: number[] = [];
      let beginMask = 0;
      let endMask = 0;
      let shrinkMask = 0;
      const lists: (number[] | number)[] = [];
      for (let d = 0; d < rank; d++) {
        const n = s[d];
        if (d >= len) {
          lists.push([...Array(n).keys()]);
          continue;
        }
        const bit = 1 << d;
        if (n >= 1 && chance(rng, 0.15)) {
          const i = int(rng, -n, n - 1);
          begin.push(i);
          end.push(int(rng, -n - 2, n + 2));
          strides.push(pick(rng, [1, 2, -1]));
          shrinkMask |= bit;
          lists.push(i < 0 ? i + n : i);
          continue;
        }
        const step = pick(rng, [1, 1, 2, 3, -1, -1, -2, -3]);
        let b = int(rng, -n - 2, n + 2);
        let e = int(rng, -n - 2, n + 2);
        if (n > 0 && chance(rng, 0.6)) {
          // A non-empty range in the step's direction (random bounds are often empty).
          b = int(rng, 0, n - 1);
          e = step > 0 ? int(rng, b + 1, n + 2) : chance(rng, 0.5) ? int(rng, 0, b) - 1 : int(rng, -n - 3, -n - 1);
          if (e === -1) e = -n - 1; // -1 would mean the last element
          if (chance(rng, 0.3) && b > 0) b -= n;
        }
        const bm = chance(rng, 0.2);
        const em = chance(rng, 0.2);
        if (bm) beginMask |= bit;
        if (em) endMask |= bit;
        begin.push(b);
        end.push(e);
        strides.push(step);
        lists.push(pySlice(n, b, e, step, bm, em));
      }
      const allOnes = strides.every((x) => x === 1);
      const passStrides = !(allOnes && chance(rng, 0.3));
      const desc = `stridedSlice([${begin}], [${end}], ${passStrides ? `[${strides}]` : 'undefined'}, ${beginMask}, ${endMask}, 0, 0, ${shrinkMask})`;
      return {
        desc,
        apply: (t) => wg.stridedSlice(t, begin, end, passStrides ? strides : undefined, beginMask, endMask, 0, 0, shrinkMask),
        ref: refPick(r, lists),
      };
    }
    case 'reverse': {
      const k = int(rng, 0, 2);
      if (k === 0 || rank === 0) return { desc: 'reverse()', apply: (t) => wg.reverse(t), ref: refReverse(r, [...Array(rank).keys()]) };
      if (k === 1) {
        const a = int(rng, 0, rank - 1);
        const arg = neg(a);
        return { desc: `reverse(${arg})`, apply: (t) => wg.reverse(t, arg), ref: refReverse(r, [a]) };
      }
      const axes = shuffle(rng, [...Array(rank).keys()].filter(() => chance(rng, 0.5)));
      const arg = axes.map((a) => neg(a));
      return { desc: `reverse([${arg}])`, apply: (t) => wg.reverse(t, arg), ref: refReverse(r, axes) };
    }
    case 'broadcastTo': {
      // Expand a size-1 dimension (inserting one first when there is none), maybe adding leading dims.
      let src = r;
      let pre: ((t: wg.Tensor) => wg.Tensor) | undefined;
      let preDesc = '';
      if (!s.includes(1)) {
        if (rank >= MAX_RANK) return null;
        const a = int(rng, 0, rank);
        pre = (t) => wg.expandDims(t, a);
        preDesc = `expandDims(${a}) then `;
        src = { shape: [...s.slice(0, a), 1, ...s.slice(a)], data: r.data };
      }
      const lead = src.shape.length < MAX_RANK && chance(rng, 0.3) ? [int(rng, 1, 3)] : [];
      const target = [...lead, ...src.shape.map((d) => (d === 1 ? int(rng, 1, 3) : d))];
      if (sizeOf(target) > MAX_SIZE) return null;
      return {
        desc: `${preDesc}broadcastTo([${target}])`,
        apply: (t) => wg.broadcastTo(pre ? pre(t) : t, target),
        ref: refBroadcast(src, target),
      };
    }
    case 'tile': {
      const reps = s.map(() => (chance(rng, 0.03) ? 0 : int(rng, 1, 3)));
      // Too big: repeat fewer dims.
      for (let d = 0; d < rank && sizeOf(s) * sizeOf(reps) > MAX_SIZE; d++) reps[d] = Math.min(reps[d], 1);
      const ref = refTile(r, reps);
      if (ref.data.length > MAX_SIZE) return null;
      return { desc: `tile([${reps}])`, apply: (t) => wg.tile(t, reps), ref };
    }
    case 'pad': {
      const pads = s.map((): [number, number] => [int(rng, 0, 2), int(rng, 0, 2)]);
      const value = dtype === 'bool' ? pick(rng, [0, 1]) : dtype === 'int32' ? pick(rng, [0, 7, -3]) : pick(rng, [0, 2.5, -1.25]);
      const ref = refPad(r, pads, value);
      if (ref.data.length > MAX_SIZE) return null;
      const useDefault = value === 0 && chance(rng, 0.5);
      return {
        desc: `pad(${JSON.stringify(pads)}${useDefault ? '' : `, ${value}`})`,
        apply: (t) => (useDefault ? wg.pad(t, pads) : wg.pad(t, pads, value)),
        ref,
      };
    }
    case 'concat': {
      if (rank === 0) return null;
      const a = int(rng, 0, rank - 1);
      const arg = neg(a);
      const k = int(rng, 0, 2);
      const ref = refConcat(k === 2 ? [r, r, r] : [r, r], a);
      if (ref.data.length > MAX_SIZE) return null;
      const desc = ['concat([x, x]', 'concat([x, clone(x)]', 'concat([x, x, x]'][k] + `, ${arg})`;
      return {
        desc,
        apply: (t) => wg.concat(k === 0 ? [t, t] : k === 1 ? [t, wg.clone(t)] : [t, t, t], arg),
        ref,
      };
    }
    case 'gather': {
      if (rank === 0) return null;
      const a = int(rng, 0, rank - 1);
      const n = s[a];
      const idx = n === 0 ? [] : Array.from({ length: int(rng, 0, 4) }, () => int(rng, 0, n - 1));
      const arg = neg(a);
      const ref = refGather(r, idx, a);
      if (ref.data.length > MAX_SIZE) return null;
      return { desc: `gather([${idx}], ${arg})`, apply: (t) => wg.gather(t, idx, arg), ref };
    }
    case 'split': {
      if (rank === 0) return null;
      const a = int(rng, 0, rank - 1);
      const n = s[a];
      const arg = neg(a);
      let sizes: number[];
      let spec: number | number[];
      if (chance(rng, 0.5)) {
        const divisors = n === 0 ? [1, 2, 3] : [...Array(n).keys()].map((i) => i + 1).filter((k) => n % k === 0);
        const k = pick(rng, divisors);
        spec = k;
        sizes = new Array<number>(k).fill(n / k);
      } else {
        spec = randomSizes(rng, n);
        const known = spec.reduce((p, z) => p + (z === -1 ? 0 : z), 0);
        sizes = spec.map((z) => (z === -1 ? n - known : z));
      }
      const nonEmpty = sizes.flatMap((z, i) => (z > 0 ? [i] : []));
      const part = nonEmpty.length && chance(rng, 0.8) ? pick(rng, nonEmpty) : int(rng, 0, sizes.length - 1);
      const begin = s.map((_, d) => (d === a ? sizes.slice(0, part).reduce((p, z) => p + z, 0) : 0));
      const size = s.map((n2, d) => (d === a ? sizes[part] : n2));
      return { desc: `split(${JSON.stringify(spec)}, ${arg})[${part}]`, apply: (t) => wg.split(t, spec, arg)[part], ref: refSlice(r, begin, size) };
    }
    case 'unstack': {
      if (rank === 0) return null;
      const a = int(rng, 0, rank - 1);
      const n = s[a];
      if (n === 0) return null;
      const part = int(rng, 0, n - 1);
      const arg = neg(a);
      const lists: (number[] | number)[] = s.map((m, d) => (d === a ? part : [...Array(m).keys()]));
      return { desc: `unstack(${arg})[${part}]`, apply: (t) => wg.unstack(t, arg)[part], ref: refPick(r, lists) };
    }
    default:
      return op satisfies never;
  }
}

describe('movement-op chains: WebGPU ≈ CPU ≈ reference (fast-check)', () => {
  test('random chains of 1..5 movement ops, then maybe add 1 and a reduction', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          dtype: fc.constantFrom<DT>('float32', 'float32', 'int32', 'bool'),
          shape: fc.array(chainDimArb, { minLength: 0, maxLength: 4 }),
          view: viewArb,
          seed: fc.integer(),
          steps: fc.array(fc.record({ op: fc.constantFrom(...MOVEMENT), seed: fc.integer() }), { minLength: 1, maxLength: 5 }),
          elementwise: fc.boolean(),
          reduce: fc.constantFrom<AxisKind | 'none'>('none', 'none', 'undefined', 'number', 'list'),
          keepDims: fc.boolean(),
        }),
        async ({ dtype, shape, view, seed, steps, elementwise, reduce, keepDims }) => {
          const x = makeInput(dtype, shape, view, seed);
          let ref = x.ref;
          const plan: Step[] = [];
          for (const st of steps) {
            const rng = mulberry32(st.seed);
            // An op that does not apply (a scalar, or a result too big) becomes a slice, which always applies.
            const step = planStep(st.op, rng, ref, dtype) ?? planStep('slice', rng, ref, dtype)!;
            plan.push(step);
            ref = step.ref;
          }
          const chain = plan.map((p) => `${p.desc} -> [${p.ref.shape}]`);
          const what = `${x.desc}: ${chain.join(', ')}`;
          const apply = () => plan.reduce((t, p) => p.apply(t), x.make());
          // The chain itself: exact on both backends and against the reference.
          await check(what, apply, EXACT, ref);

          let tail = apply;
          let tailRef = ref;
          let tailWhat = what;
          if (elementwise) {
            const f = dtype === 'bool' ? (v: number) => 1 - v : (v: number) => storeAs(v + 1, dtype);
            tailRef = { shape: ref.shape, data: ref.data.map(f) };
            tail = dtype === 'bool' ? () => wg.logicalNot(apply()) : () => wg.add(apply(), 1);
            tailWhat += dtype === 'bool' ? ', logicalNot' : ', add 1';
          }
          if (reduce === 'none') {
            if (elementwise) await check(tailWhat, tail, EXACT, tailRef);
            return;
          }
          const { arg, axes } = randomAxes(mulberry32(seed ^ 0x77), tailRef.shape.length, reduce);
          const R = axes.reduce((p, a) => p * tailRef.shape[a], 1);
          const maxAbs = tailRef.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          const byDtype = dtype === 'bool' ? 'any' : 'sum';
          const redRef =
            dtype === 'bool'
              ? refReduce(tailRef, axes, keepDims, 0, Math.max)
              : refReduce(tailRef, axes, keepDims, 0, (a, v) => (dtype === 'int32' ? (a + v) | 0 : a + v));
          const r = () => (byDtype === 'any' ? wg.any(tail(), arg, keepDims) : wg.sum(tail(), arg, keepDims));
          await check(`${tailWhat}, ${byDtype}(axis ${showAxis(arg)}, keepDims ${keepDims})`, r, dtype === 'float32' ? sumTol(R, maxAbs) : EXACT, redRef);
        },
      ),
      FC(3 * runs()),
    );
  });
});

// ---- matMul, dot, outerProduct ------------------------------------------------------------------------

/** 0..70, often a size that is not a multiple of 4/8/32 or right next to one. */
const mnkArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 70 }), weight: 3 },
  { arbitrary: fc.constantFrom(0, 1, 2, 3, 5, 7, 8, 9, 15, 17, 31, 32, 33, 63, 64, 65, 70), weight: 2 },
);

/** A matrix operand: logical shape [...batch, rows, cols]; `swapped` builds it as the transpose of a contiguous tensor. */
function matrixInput(dtype: DT, batch: number[], rows: number, cols: number, swapped: boolean, seed: number): Input {
  const shape = [...batch, rows, cols];
  if (!swapped) return makeInput(dtype, shape, 'plain', seed, 'matmul');
  const r = shape.length;
  const perm = [...Array(r - 2).keys(), r - 1, r - 2];
  const baseShape = [...batch, cols, rows];
  const rng = mulberry32(seed);
  const raw = Array.from({ length: sizeOf(baseShape) }, () => genValue(rng, dtype, 'matmul'));
  const ref = refTranspose({ shape: baseShape, data: raw.map((v) => storeAs(v, dtype)) }, perm);
  return {
    make: () => wg.transpose(wg.tensor(raw, baseShape, dtype), perm),
    ref,
    desc: `${dtype}[${shape}] (transposed view of [${baseShape}])`,
    maxAbs: ref.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
  };
}

/** Batched matrix product in doubles (int32: exact, the values are small). */
function refMatmul(a: Ref, b: Ref, tA: boolean, tB: boolean): Ref {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const aB = a.shape.slice(0, -2);
  const bB = b.shape.slice(0, -2);
  const rank = Math.max(aB.length, bB.length);
  const batch = Array.from({ length: rank }, (_, i) => {
    const x = aB[i - (rank - aB.length)] ?? 1;
    const y = bB[i - (rank - bB.length)] ?? 1;
    return x === 1 ? y : x;
  });
  const M = tA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = tA ? a.shape[ra - 2] : a.shape[ra - 1];
  const N = tB ? b.shape[rb - 2] : b.shape[rb - 1];
  const pickBatch = (own: number[], c: number[]) => own.map((n, i) => (n === 1 ? 0 : c[rank - own.length + i]));
  return fromFn([...batch, M, N], (c) => {
    const bc = c.slice(0, rank);
    const [i, j] = c.slice(rank);
    const ab = pickBatch(aB, bc);
    const bb = pickBatch(bB, bc);
    let s = 0;
    for (let k = 0; k < K; k++) {
      s += at(a, [...ab, ...(tA ? [k, i] : [i, k])]) * at(b, [...bb, ...(tB ? [j, k] : [k, j])]);
    }
    return s;
  });
}
const matTol = (dtype: DT, K: number): Tol => (isFloat(dtype) ? { rtol: 2e-5, atol: 1e-5 + 4 * EPS * Math.max(K, 1) * 4 } : EXACT);

type BatchKind = 'none' | 'same' | 'broadcast' | 'aOnly' | 'bOnly';

describe('matMul, dot, outerProduct: WebGPU ≈ CPU ≈ reference (fast-check)', () => {
  test('matMul: random M, N, K in 0..70, broadcast batch dims, transpose flags, transposed views', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          dtype: fc.constantFrom<DT>('float32', 'float32', 'int32'),
          M: mnkArb,
          N: mnkArb,
          K: mnkArb,
          batch: fc.constantFrom<BatchKind>('none', 'none', 'same', 'broadcast', 'aOnly', 'bOnly'),
          b1: fc.integer({ min: 1, max: 3 }),
          b2: fc.integer({ min: 1, max: 3 }),
          transposeA: fc.boolean(),
          transposeB: fc.boolean(),
          viewA: fc.boolean(),
          viewB: fc.boolean(),
          method: fc.boolean(),
          seed: fc.integer(),
        }),
        async ({ dtype, M, N, K, batch, b1, b2, transposeA, transposeB, viewA, viewB, method, seed }) => {
          const [aBatch, bBatch] = {
            none: [[], []],
            same: [[b1], [b1]],
            broadcast: [[b1, 1], [b2]], // [b1,1,M,K]·[b2,K,N] → [b1,b2,M,N]
            aOnly: [[b1], []],
            bOnly: [[], [b2]],
          }[batch] as [number[], number[]];
          const [ar, ac] = transposeA ? [K, M] : [M, K];
          const [br, bc] = transposeB ? [N, K] : [K, N];
          const a = matrixInput(dtype, aBatch, ar, ac, viewA, seed);
          const b = matrixInput(dtype, bBatch, br, bc, viewB, seed ^ 0x1234567);
          const what = `${method ? 'a.matMul' : 'wg.matMul'}(${a.desc}, ${b.desc}, transposeA ${transposeA}, transposeB ${transposeB}) [M ${M}, N ${N}, K ${K}]`;
          const run = () => (method ? a.make().matMul(b.make(), transposeA, transposeB) : wg.matMul(a.make(), b.make(), transposeA, transposeB));
          await check(what, run, matTol(dtype, K), refMatmul(a.ref, b.ref, transposeA, transposeB));
        },
      ),
      FC(),
    );
  });

  test('dot: vector/matrix combinations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          dtype: fc.constantFrom<DT>('float32', 'int32'),
          rankA: fc.constantFrom(1, 2),
          rankB: fc.constantFrom(1, 2),
          M: mnkArb,
          N: mnkArb,
          K: mnkArb,
          viewA: fc.boolean(),
          viewB: fc.boolean(),
          seed: fc.integer(),
        }),
        async ({ dtype, rankA, rankB, M, N, K, viewA, viewB, seed }) => {
          const a = rankA === 2 ? matrixInput(dtype, [], M, K, viewA, seed) : makeInput(dtype, [K], viewA ? 'reversed' : 'plain', seed, 'matmul');
          const b = rankB === 2 ? matrixInput(dtype, [], K, N, viewB, seed ^ 99) : makeInput(dtype, [K], viewB ? 'sliced' : 'plain', seed ^ 99, 'matmul');
          // As matrices: [1|M, K]·[K, N|1], then the vector dims dropped.
          const am = rankA === 2 ? a.ref : { shape: [1, K], data: a.ref.data };
          const bm = rankB === 2 ? b.ref : { shape: [K, 1], data: b.ref.data };
          const full = refMatmul(am, bm, false, false);
          const shape = [...(rankA === 2 ? [M] : []), ...(rankB === 2 ? [N] : [])];
          await check(`wg.dot(${a.desc}, ${b.desc})`, () => wg.dot(a.make(), b.make()), matTol(dtype, K), { shape, data: full.data });
        },
      ),
      FC(),
    );
  });

  test('outerProduct: vectors of 0..70 elements, strided views', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ dtype: fc.constantFrom<DT>('float32', 'int32'), m: mnkArb, n: mnkArb, v1: viewArb, v2: viewArb, seed: fc.integer() }),
        async ({ dtype, m, n, v1, v2, seed }) => {
          const a = makeInput(dtype, [m], v1, seed);
          const b = makeInput(dtype, [n], v2, seed ^ 7);
          const ref = fromFn([m, n], ([i, j]) => storeAs(a.ref.data[i] * b.ref.data[j], dtype));
          const tol = isFloat(dtype) ? { rtol: 1e-6, atol: 1e-6 } : EXACT;
          await check(`wg.outerProduct(${a.desc}, ${b.desc})`, () => wg.outerProduct(a.make(), b.make()), tol, ref);
        },
      ),
      FC(),
    );
  });
});
