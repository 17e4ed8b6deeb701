// The CPU backend's generated reductions (jit_reduce.ts) and tiled matmul (matmul.ts): bit-identical to the
// reference implementations in kernels.ts on random kernels and views, and equal to plain float64 loops.
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import type { DType } from '../../engine/core/dtype';
import { input, type Expr } from '../../engine/ir/expr';
import type { MatmulKernel, ReduceKernel, ReduceOp } from '../../engine/ir/kernel';
import { runReduceJit } from '../../engine/backend/cpu/jit_reduce';
import { compileKernel, setJitCompilerForTests } from '../../engine/backend/cpu/jit';
import {
  DTYPES, Rng, SEED, contiguous, firstDifference, gen, randomArray, randomView, runOn, type Bound, type Ctx,
} from './cpu_jit_util';

const RUNS = Number(process.env.WGFLOW_PROPERTY_RUNS ?? 300);
const OPS: ReduceOp[] = ['sum', 'prod', 'max', 'min', 'argmax', 'argmin', 'logsumexp', 'softmaxstats'];
const dims = (r: Rng, n: number, sizes: number[]) => Array.from({ length: n }, () => r.pick(sizes));
const broadcastable = (r: Rng, shape: number[]) => (r.chance(0.7) ? [...shape] : shape.map((n) => (r.chance(0.4) ? 1 : n)));
const view = (r: Rng, dtype: DType, shape: number[]): Bound => {
  const v = r.chance(0.4) ? contiguous(shape) : randomView(r, shape);
  return { dtype, view: v, data: randomArray(r, dtype, v.extent) };
};
const ctx = (r: Rng, inputs: DType[]): Ctx => ({ r, positional: false, inputs, loaded: new Set(), params: [], values: [], rank: 0 });
const fresh = (n: number) => new Uint32Array(Math.max(n, 1)).fill(0xdeadbeef);

afterEach(() => setJitCompilerForTests(undefined));

interface ReduceCase {
  kernel: ReduceKernel;
  inputs: Bound[];
  params: number[];
  inShape: number[];
  axes: number[];
  outShape: number[];
  outWords: Uint32Array;
}

function randomReduce(seed: number, simple = false): ReduceCase {
  const r = new Rng(seed);
  const rank = 1 + r.int(4);
  const inShape = dims(r, rank, rank > 3 ? [0, 1, 2, 3] : [0, 1, 2, 3, 5, 8, 33]);
  if (r.chance(0.8)) for (let d = 0; d < rank; d++) inShape[d] ||= 1;
  const axes = [...Array(rank).keys()].filter(() => r.chance(0.6));
  const op = r.pick(OPS);
  const float = op === 'logsumexp' || op === 'softmaxstats' || simple;
  const acc: DType = float ? 'float32' : r.pick(['float32', 'float32', 'int32', 'uint32'] as const);
  const types: DType[] = simple ? ['float32'] : dims(r, 1 + r.int(2), []).map(() => r.pick(DTYPES));
  const c = ctx(r, types);
  const prologue = simple ? input(0, 'float32') : gen(c, acc, r.int(4));
  const red: DType = op === 'argmax' || op === 'argmin' ? 'int32' : acc;
  const epilogue: Expr = simple || op === 'softmaxstats' ? input(0, red) : gen({ ...c, inputs: [red] }, r.pick(DTYPES), r.int(3));
  const outShape = inShape.filter((_, d) => !axes.includes(d));
  const outputs = outShape.reduce((p, n) => p * n, 1);
  const kernel: ReduceKernel = {
    kind: 'reduce', name: 'random', op, inputs: types, acc, out: epilogue.dtype, prologue, epilogue, params: c.params,
  };
  const inputs = types.map((d) => view(r, d, broadcastable(r, inShape)));
  return { kernel, inputs, params: c.values, inShape, axes, outShape, outWords: fresh(outputs * (op === 'softmaxstats' ? 2 : 1)) };
}

async function reduceBoth(c: ReduceCase) {
  const make = (ins: Parameters<Parameters<typeof runOn>[3]>[0], out: Parameters<Parameters<typeof runOn>[3]>[1]) => ({
    kernel: c.kernel, inputs: ins, params: c.params, outShape: c.outShape, out, axes: c.axes, inShape: c.inShape,
  });
  const ref = await runOn('interpreter', c.inputs, c.outWords, make);
  const jit = await runOn('jit', c.inputs, c.outWords, make, (l) => runReduceJit(c.kernel, l as never));
  return { ref: ref.words, jit: jit.words, ran: jit.ran };
}

/** Plain float64 folds over the logical tensor (identity prologue and epilogue, one float32 input). */
function reduceReference(c: ReduceCase): number[] {
  const { inShape, axes } = c;
  const v = c.inputs[0].view;
  const x = c.inputs[0].data;
  const kept = inShape.map((_, d) => d).filter((d) => !axes.includes(d));
  const outputs = kept.reduce((p, d) => p * inShape[d], 1);
  const total = inShape.reduce((p, n) => p * n, 1);
  const groups: number[][] = Array.from({ length: outputs }, () => []);
  for (let e = 0; e < total; e++) {
    let rem = e;
    let addr = v.offset;
    let o = 0;
    const coords: number[] = [];
    for (let d = inShape.length - 1; d >= 0; d--) {
      coords[d] = rem % inShape[d];
      rem = Math.floor(rem / inShape[d]);
    }
    coords.forEach((i, d) => (addr += (v.shape[d] === 1 ? 0 : i) * v.strides[d]));
    for (const d of kept) o = o * inShape[d] + coords[d];
    groups[o].push(x[addr]);
  }
  return groups.flatMap((g) => {
    switch (c.kernel.op) {
      case 'sum':
        return [g.reduce((p, y) => p + y, 0)];
      case 'prod':
        return [g.reduce((p, y) => p * y, 1)];
      case 'max':
        return [g.reduce((p, y) => Math.max(p, y), -Infinity)];
      case 'min':
        return [g.reduce((p, y) => Math.min(p, y), Infinity)];
      case 'argmax':
      case 'argmin': {
        let best = -1;
        g.forEach((y, i) => {
          if (best < 0 || (c.kernel.op === 'argmax' ? y > g[best] : y < g[best])) best = i;
        });
        return [best];
      }
      case 'logsumexp':
      case 'softmaxstats': {
        const m = g.reduce((p, y) => Math.max(p, y), -Infinity);
        const s = g.reduce((p, y) => p + Math.exp(y - m), 0);
        return c.kernel.op === 'logsumexp' ? [m + Math.log(s)] : [m, Math.log(s)];
      }
      default:
        return c.kernel.op satisfies never;
    }
  });
}

describe('CPU jit: reductions', () => {
  test('integer products wrap at every step (Math.imul), not once at the end', async () => {
    const values = [0x10001, 0x10003, 0x7fff, -0x12345];
    const want = values.reduce((p, y) => Math.imul(p, y), 1);
    const c = randomReduce(5, true);
    Object.assign(c, { inShape: [4], axes: [0], outShape: [], outWords: fresh(1) });
    c.kernel = { ...c.kernel, op: 'prod', inputs: ['int32'], acc: 'int32', out: 'int32', prologue: input(0, 'int32'), epilogue: input(0, 'int32'), params: [] };
    c.inputs = [{ dtype: 'int32', view: contiguous([4]), data: Int32Array.from(values) }];
    const { ref, jit, ran } = await reduceBoth(c);
    expect(ran).toBe(true);
    expect([new Int32Array(ref.buffer)[0], new Int32Array(jit.buffer)[0]]).toEqual([want, want]);
  });

  test('random prologues, epilogues, ops and views are bit-identical to the reference', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        const c = randomReduce(seed);
        const { ref, jit, ran } = await reduceBoth(c);
        expect(ran).toBe(true);
        const i = firstDifference(ref, jit, c.kernel.out);
        expect(i, `word ${i}: ${ref[i]} vs ${jit[i]}\n${c.kernel.op} ${c.kernel.prologue} | ${c.kernel.epilogue}`).toBe(-1);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test('identity reductions equal plain float64 folds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        const c = randomReduce(seed, true);
        const { jit } = await reduceBoth(c);
        const got = new Float32Array(jit.buffer);
        const isArg = c.kernel.op === 'argmax' || c.kernel.op === 'argmin';
        const ints = new Int32Array(jit.buffer);
        reduceReference(c).forEach((want, i) => {
          if (isArg) return expect(ints[i]).toBe(want);
          if (c.kernel.op === 'logsumexp' || c.kernel.op === 'softmaxstats') {
            // One pass with a running maximum: equal up to rounding (and it defines ±Inf inputs, a two-pass NaN).
            if (Number.isFinite(want)) expect(Math.abs(got[i] - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
            return;
          }
          expect(Object.is(got[i], Math.fround(want)) || (Number.isNaN(got[i]) && Number.isNaN(want))).toBe(true);
        });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

interface MatmulCase {
  kernel: MatmulKernel;
  inputs: Bound[];
  params: number[];
  batch: number[];
  M: number;
  N: number;
  K: number;
  /** Batch strides of A and B (0: broadcast). */
  aBatch: number[];
  bBatch: number[];
  outWords: Uint32Array;
}

function randomMatmul(seed: number, plain = false): MatmulCase {
  const r = new Rng(seed);
  const dtype: DType = plain ? 'float32' : r.pick(['float32', 'float32', 'int32', 'uint32'] as const);
  const batch = dims(r, r.int(3), [1, 2, 3]);
  const [M, N, K] = dims(r, 3, [0, 1, 2, 3, 4, 5, 7, 9, 17]);
  const a = view(r, dtype, [...batch, M, K]);
  const b = view(r, dtype, [...batch, K, N]);
  const rank0 = batch.length;
  const aBatch = a.view.strides.slice(0, rank0).map((s) => (r.chance(0.2) ? 0 : s));
  const bBatch = b.view.strides.slice(0, rank0).map((s) => (r.chance(0.2) ? 0 : s));
  const extras: DType[] = plain || r.chance(0.4) ? [] : dims(r, r.int(3), []).map(() => r.pick(DTYPES));
  const c = ctx(r, [dtype, ...extras]);
  const epilogue = plain || r.chance(0.3) ? undefined : gen(c, r.pick(DTYPES), 1 + r.int(3));
  const out = [...batch, M, N];
  const kernel: MatmulKernel = { kind: 'matmul', name: 'random', dtype, epilogue, extras, params: c.params };
  const inputs = [a, b, ...extras.map((d) => view(r, d, broadcastable(r, out)))];
  return { kernel, inputs, params: c.values, batch, M, N, K, aBatch, bBatch, outWords: fresh(out.reduce((p, n) => p * n, 1)) };
}

async function matmulRun(c: MatmulCase, mode: 'jit' | 'interpreter') {
  const [a, b] = c.inputs.map((x) => x.view);
  const rank0 = c.batch.length;
  return runOn(mode, c.inputs, c.outWords, (ins, out) => ({
    kernel: c.kernel, inputs: ins, params: c.params, outShape: [...c.batch, c.M, c.N], out,
    matmul: {
      M: c.M, N: c.N, K: c.K, batch: c.batch.reduce((p, n) => p * n, 1), batchShape: c.batch,
      aBatchStrides: c.aBatch, bBatchStrides: c.bBatch, aOffset: a.offset, bOffset: b.offset,
      am: a.strides[rank0], ak: a.strides[rank0 + 1], bk: b.strides[rank0], bn: b.strides[rank0 + 1],
    },
  }));
}

describe('CPU matmul', () => {
  test('random sizes, views, batches and epilogues are bit-identical to the reference loop', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        const c = randomMatmul(seed);
        const ref = await matmulRun(c, 'interpreter');
        const jit = await matmulRun(c, 'jit');
        const i = firstDifference(ref.words, jit.words, c.kernel.epilogue?.dtype ?? c.kernel.dtype);
        expect(i, `word ${i}: ${ref.words[i]} vs ${jit.words[i]} (${c.M}×${c.K}·${c.K}×${c.N}, ${c.kernel.dtype}) ${c.kernel.epilogue}`).toBe(-1);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test('float32 products equal a plain float64 dot product rounded once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        const c = randomMatmul(seed, true);
        const got = new Float32Array((await matmulRun(c, 'jit')).words.buffer);
        const [A, B] = c.inputs;
        const batches = c.batch.reduce((p, n) => p * n, 1);
        const rank0 = c.batch.length;
        for (let bi = 0; bi < batches; bi++) {
          let rem = bi;
          let ab = A.view.offset;
          let bb = B.view.offset;
          for (let d = rank0 - 1; d >= 0; d--) {
            const i = rem % c.batch[d];
            rem = Math.floor(rem / c.batch[d]);
            ab += i * c.aBatch[d];
            bb += i * c.bBatch[d];
          }
          for (let m = 0; m < c.M; m++) {
            for (let n = 0; n < c.N; n++) {
              let acc = 0;
              for (let k = 0; k < c.K; k++) {
                acc += A.data[ab + m * A.view.strides[rank0] + k * A.view.strides[rank0 + 1]] * B.data[bb + k * B.view.strides[rank0] + n * B.view.strides[rank0 + 1]];
              }
              const g = got[(bi * c.M + m) * c.N + n];
              expect(Object.is(g, Math.fround(acc)) || (Number.isNaN(g) && Number.isNaN(acc))).toBe(true);
            }
          }
        }
      }),
      { seed: SEED, numRuns: Math.ceil(RUNS / 3) },
    );
  });

  test('a 64×48·48×40 product with a bias epilogue matches the reference', async () => {
    const c = randomMatmul(7, true);
    Object.assign(c, { M: 64, N: 40, K: 48, batch: [], aBatch: [], bBatch: [] });
    const r = new Rng(3);
    c.inputs = [view(r, 'float32', [64, 48]), view(r, 'float32', [48, 40]), view(r, 'float32', [40])];
    const cx = ctx(r, ['float32', 'float32']);
    c.kernel = { ...c.kernel, extras: ['float32'], epilogue: gen(cx, 'float32', 3), params: cx.params };
    c.params = cx.values;
    c.outWords = fresh(64 * 40);
    const ref = await matmulRun(c, 'interpreter');
    const jit = await matmulRun(c, 'jit');
    expect(firstDifference(ref.words, jit.words, 'float32')).toBe(-1);
  });

  test('where eval is refused, the tiled loop runs the epilogue through closures; reductions interpret', async () => {
    setJitCompilerForTests(() => {
      throw new EvalError('unsafe-eval is not allowed');
    });
    expect(compileKernel('return () => 0;')).toBeUndefined(); // the refusal is remembered from here on
    for (let seed = 100; seed < 140; seed++) {
      const m = randomMatmul(seed);
      const ref = await matmulRun(m, 'interpreter');
      const jit = await matmulRun(m, 'jit');
      expect(firstDifference(ref.words, jit.words, m.kernel.epilogue?.dtype ?? m.kernel.dtype)).toBe(-1);
      const c = randomReduce(seed);
      const r = await reduceBoth(c);
      expect(r.ran).toBe(false);
    }
  });
});
