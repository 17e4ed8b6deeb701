// The CPU backend's generated elementwise kernels (jit.ts) against its closure interpreter: random
// expressions over every dtype and layout (strided, broadcast, scalar, strided output) are bit-identical.
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { cast, input, lit, param, prim } from '../../engine/ir/expr';
import type { ElementwiseKernel } from '../../engine/ir/kernel';
import { runElementwiseJit, setJitCompilerForTests, cpuJitActive } from '../../engine/backend/cpu/jit';
import { numJs } from '../../engine/backend/cpu/jit_expr';
import { DTYPES, Rng, SEED, contiguous, firstDifference, gen, randomArray, randomView, runOn, type Bound, type Ctx, type ViewSpec } from './cpu_jit_util';

const RUNS = Number(process.env.WGFLOW_PROPERTY_RUNS ?? 300);
/** An operand shape that broadcasts to `out`: the same, some dims 1, fewer leading dims, or a scalar. */
function operandShape(r: Rng, out: number[]): number[] {
  const k = r.int(5);
  if (k === 0) return r.chance(0.5) ? [] : out.map(() => 1);
  if (k === 1) return out.map((n) => (r.chance(0.5) ? 1 : n));
  if (k === 2) return out.slice(r.int(out.length + 1));
  return [...out];
}

interface Case {
  kernel: ElementwiseKernel;
  inputs: Bound[];
  params: number[];
  outShape: number[];
  outView?: ViewSpec;
  outWords: Uint32Array;
}

function randomCase(seed: number): Case {
  const r = new Rng(seed);
  const rank = r.int(4);
  const outShape = Array.from({ length: rank }, () => r.pick([0, 1, 1, 2, 3, 4, 5, 7]));
  if (r.chance(0.7)) for (let d = 0; d < rank; d++) outShape[d] ||= 1; // mostly non-empty
  const nIn = r.int(4);
  const c: Ctx = { r, positional: true, inputs: Array.from({ length: nIn }, () => r.pick(DTYPES)), loaded: new Set(), params: [], values: [], rank };
  c.inputs.forEach((_, i) => r.chance(0.15) && c.loaded.add(i));
  const expr = gen(c, r.pick(DTYPES), 1 + r.int(5));
  const inputs: Bound[] = c.inputs.map((dtype, i) => {
    const shape = c.loaded.has(i) ? [r.int(12)] : operandShape(r, outShape);
    const view = r.chance(0.5) ? contiguous(shape) : randomView(r, shape);
    return { dtype, view, data: randomArray(r, dtype, view.extent) };
  });
  const outView = r.chance(0.3) ? randomView(r, outShape) : undefined;
  const words = Math.max(outView ? outView.extent : outShape.reduce((p, n) => p * n, 1), 1);
  const outWords = new Uint32Array(words).map(() => (r.next() * 4294967296) >>> 0);
  const kernel: ElementwiseKernel = {
    kind: 'elementwise', name: 'random', rank, out: expr.dtype, expr, params: c.params,
    inputs: c.inputs.map((dtype, i) => ({ dtype, layout: c.loaded.has(i) ? 'loaded' : 'strided' })),
    outLayout: outView ? 'strided' : 'contiguous',
  };
  return { kernel, inputs, params: c.values, outShape, outView, outWords };
}

/** The interpreter's output and the generated kernel's (called directly, or through the backend's dispatch). */
async function both(c: Case, direct = true) {
  const make = (ins: Parameters<Parameters<typeof runOn>[3]>[0], out: Parameters<Parameters<typeof runOn>[3]>[1]) => ({
    kernel: c.kernel, inputs: ins, params: c.params, outShape: c.outShape, out,
    outView: c.outView ? { offset: c.outView.offset, strides: c.outView.strides } : undefined,
  });
  const ref = await runOn('interpreter', c.inputs, c.outWords, make);
  const jit = await runOn('jit', c.inputs, c.outWords, make, direct ? (l) => runElementwiseJit(c.kernel, l as never) : undefined);
  return { ref: ref.words, jit: jit.words, ran: jit.ran };
}

afterEach(() => setJitCompilerForTests(undefined));

describe('CPU jit: elementwise kernels', () => {
  test('random expressions and layouts are bit-identical to the interpreter', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        const c = randomCase(seed);
        const { ref, jit, ran } = await both(c);
        expect(ran, 'the generated kernel ran').toBe(true);
        const i = firstDifference(ref, jit, c.kernel.out);
        expect(i, `word ${i}: ${ref[i]} vs ${jit[i]}\n${c.kernel.expr}\nshape ${c.outShape}`).toBe(-1);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test('the benchmark chain over a contiguous input and scalars', async () => {
    const x = input(0, 'float32');
    const [a, b, cc] = [param(0, 'float32'), param(1, 'float32'), param(2, 'float32')];
    const relu = prim('max', prim('add', prim('mul', x, a), b), lit(0, 'float32'));
    const expr = prim('add', prim('mul', prim('tanh', prim('sub', relu, x)), cc), prim('exp', prim('neg', prim('mul', x, x))));
    const n = 4099;
    const r = new Rng(1);
    const kernel: ElementwiseKernel = {
      kind: 'elementwise', name: 'chain', rank: 0, out: 'float32', expr, params: ['float32', 'float32', 'float32'],
      inputs: [{ dtype: 'float32', layout: 'contiguous' }], outLayout: 'contiguous',
    };
    const c: Case = {
      kernel, params: [0.7, -0.1, 1.3], outShape: [n], outWords: new Uint32Array(n),
      inputs: [{ dtype: 'float32', view: contiguous([n]), data: randomArray(r, 'float32', n) }],
    };
    const { ref, jit, ran } = await both(c);
    expect(ran).toBe(true);
    expect(firstDifference(ref, jit, 'float32')).toBe(-1);
  });

  test('a page that forbids eval falls back to the interpreter, and is probed once', async () => {
    let probes = 0;
    setJitCompilerForTests(() => {
      probes++;
      throw new EvalError("Refused to evaluate a string as JavaScript because 'unsafe-eval' is not allowed");
    });
    for (const seed of [1, 2, 3, 4, 5]) {
      const c = randomCase(seed);
      // A literal no other test uses: the source is new, so it must be compiled (and is refused).
      c.kernel = { ...c.kernel, out: 'float32', expr: prim('add', cast(c.kernel.expr, 'float32'), lit(0.4375 + seed, 'float32')) };
      c.outShape = c.outShape.map((n) => n || 1);
      expect((await both(c)).ran).toBe(false);
      const { ref, jit } = await both(c, false);
      expect(firstDifference(ref, jit, c.kernel.out)).toBe(-1);
    }
    expect(probes).toBe(1);
    expect(cpuJitActive()).toBe(false);
    setJitCompilerForTests(undefined);
    expect(cpuJitActive()).toBe(true);
  });

  test('literals round-trip through their source text', () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        expect(Object.is(new Function(`return ${numJs(x)};`)(), x)).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
