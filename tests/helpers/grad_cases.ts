// The finite-difference oracle for gradients: each case's op written again in plain JavaScript, in float64
// (sharing no code with the engine), and central differences of Σ w·f(x) over every input element. The
// engine's gradient of the same function with dy = w must match. Shared by the CPU (node) and WebGPU tests.
import type * as WG from '../../engine/index';
import { MOVEMENT_GRAD_CASES } from './grad_cases_movement';
import { NN_GRAD_CASES } from './grad_cases_nn';
import { arr, broadcast, erf, matMul, reduce, SELU_A, SELU_L, softmaxLast, transpose, type Arr } from './grad_ref';

export type { Arr };

/** Input domains, so that every case is differentiable where it is sampled (away from kinks). */
export type Domain = 'any' | 'pos' | 'unit' | 'gt1' | 'awayFromZero';
export interface GradCase {
  name: string;
  inputs: { shape: number[]; domain?: Domain }[];
  /** The function in wgflow. */
  wg: (wg: typeof WG, ...xs: WG.Tensor[]) => WG.Tensor;
  /** The same function in float64 plain JavaScript. */
  ref: (...xs: Arr[]) => Arr;
  /** (rtol, atol) against the differences; default (2e-3, 2e-4). */
  tol?: [number, number];
}

const U = (f: (v: number) => number) => (x: Arr) => broadcast([x], f);
const B = (f: (a: number, b: number) => number) => (a: Arr, b: Arr) => broadcast([a, b], f);

const unaryCases: [string, (v: number) => number, Domain?][] = [
  ['neg', (v) => -v],
  ['abs', Math.abs, 'awayFromZero'],
  ['square', (v) => v * v],
  ['relu', (v) => Math.max(v, 0), 'awayFromZero'],
  ['relu6', (v) => Math.min(Math.max(v, 0), 6), 'awayFromZero'],
  ['exp', Math.exp],
  ['expm1', Math.expm1],
  ['log', Math.log, 'pos'],
  ['log1p', Math.log1p, 'pos'],
  ['sqrt', Math.sqrt, 'pos'],
  ['rsqrt', (v) => 1 / Math.sqrt(v), 'pos'],
  ['reciprocal', (v) => 1 / v, 'awayFromZero'],
  ['sin', Math.sin],
  ['cos', Math.cos],
  ['tan', Math.tan, 'unit'],
  ['tanh', Math.tanh],
  ['sinh', Math.sinh],
  ['cosh', Math.cosh],
  ['asin', Math.asin, 'unit'],
  ['acos', Math.acos, 'unit'],
  ['atan', Math.atan],
  ['asinh', Math.asinh],
  ['acosh', Math.acosh, 'gt1'],
  ['atanh', Math.atanh, 'unit'],
  ['erf', erf],
  ['sigmoid', (v) => 1 / (1 + Math.exp(-v))],
  ['softplus', (v) => Math.log1p(Math.exp(v))],
  ['logSigmoid', (v) => -Math.log1p(Math.exp(-v))],
  ['elu', (v) => (v > 0 ? v : Math.expm1(v)), 'awayFromZero'],
  ['selu', (v) => SELU_L * (v > 0 ? v : SELU_A * Math.expm1(v)), 'awayFromZero'],
  ['gelu', (v) => (v * (1 + erf(v / Math.SQRT2))) / 2],
];

const binaryCases: [string, (a: number, b: number) => number, Domain?, Domain?][] = [
  ['add', (a, b) => a + b],
  ['sub', (a, b) => a - b],
  ['mul', (a, b) => a * b],
  ['div', (a, b) => a / b, 'any', 'awayFromZero'],
  ['pow', (a, b) => a ** b, 'pos'],
  ['maximum', Math.max],
  ['minimum', Math.min],
  ['atan2', Math.atan2, 'awayFromZero', 'awayFromZero'],
  ['squaredDifference', (a, b) => (a - b) ** 2],
];

const CORE_CASES: GradCase[] = [
  ...unaryCases.map(([name, f, domain]): GradCase => ({
    name,
    inputs: [{ shape: [2, 3], domain }],
    wg: (wg, x) => (wg as unknown as Record<string, (x: WG.Tensor) => WG.Tensor>)[name](x),
    ref: U(f),
  })),
  {
    name: 'leakyRelu(0.1)',
    inputs: [{ shape: [5], domain: 'awayFromZero' }],
    wg: (wg, x) => wg.leakyRelu(x, 0.1),
    ref: U((v) => (v > 0 ? v : 0.1 * v)),
  },
  {
    name: 'clipByValue',
    inputs: [{ shape: [6] }],
    wg: (wg, x) => wg.clipByValue(x, -0.5, 0.5),
    ref: U((v) => Math.min(Math.max(v, -0.5), 0.5)),
  },
  ...binaryCases.flatMap(([name, f, da, db]): GradCase[] =>
    [
      [[2, 3], [2, 3]],
      [[2, 3], [3]],
      [[4, 1], [1, 3]],
    ].map(([sa, sb]) => ({
      name: `${name} ${JSON.stringify(sa)}·${JSON.stringify(sb)}`,
      inputs: [
        { shape: sa, domain: da },
        { shape: sb, domain: db },
      ],
      wg: (wg, a, b) => (wg as unknown as Record<string, (a: WG.Tensor, b: WG.Tensor) => WG.Tensor>)[name](a, b),
      ref: B(f),
    })),
  ),
  {
    name: 'prelu',
    inputs: [{ shape: [2, 3], domain: 'awayFromZero' }, { shape: [3] }],
    wg: (wg, x, a) => wg.prelu(x, a),
    ref: B((x, a) => (x > 0 ? x : a * x)),
  },
  {
    name: 'where',
    inputs: [{ shape: [2, 3] }, { shape: [3] }],
    wg: (wg, a, b) => wg.where(wg.tensor([[true, false, true], [false, false, true]]), a, b),
    ref: (a, b) => {
      const c = [1, 0, 1, 0, 0, 1];
      return broadcast([arr([2, 3], (i) => c[i]), a, b], (k, x, y) => (k ? x : y));
    },
  },
  {
    name: 'addN',
    inputs: [{ shape: [2, 2] }, { shape: [2, 2] }, { shape: [2, 2] }],
    wg: (wg, a, b, c) => wg.addN([a, b, c]),
    ref: (a, b, c) => broadcast([a, b, c], (x, y, z) => x + y + z),
  },
  // ---- shapes ----
  { name: 'reshape', inputs: [{ shape: [2, 3] }], wg: (wg, x) => wg.reshape(x, [3, 2]), ref: (x) => ({ shape: [3, 2], data: x.data }) },
  { name: 'transpose', inputs: [{ shape: [2, 3, 4] }], wg: (wg, x) => wg.transpose(x, [2, 0, 1]), ref: (x) => transpose(x, [2, 0, 1]) },
  { name: 'expandDims', inputs: [{ shape: [3] }], wg: (wg, x) => wg.expandDims(x, 0), ref: (x) => ({ shape: [1, 3], data: x.data }) },
  { name: 'squeeze', inputs: [{ shape: [1, 3, 1] }], wg: (wg, x) => wg.squeeze(x), ref: (x) => ({ shape: [3], data: x.data }) },
  { name: 'broadcastTo', inputs: [{ shape: [3, 1] }], wg: (wg, x) => wg.broadcastTo(x, [2, 3, 4]), ref: (x) => broadcast([x, arr([2, 3, 4], () => 0)], (v) => v) },
  // ---- reductions ----
  ...(
    [
      ['sum', (v: number[]) => v.reduce((s, x) => s + x, 0)],
      ['mean', (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length],
      ['max', (v: number[]) => Math.max(...v)],
      ['min', (v: number[]) => Math.min(...v)],
      ['prod', (v: number[]) => v.reduce((s, x) => s * x, 1)],
      ['logSumExp', (v: number[]) => Math.log(v.reduce((s, x) => s + Math.exp(x), 0))],
    ] as [string, (v: number[]) => number][]
  ).flatMap(([name, f]): GradCase[] =>
    ([[null, false], [1, false], [[0, 2], true], [-1, true]] as [number | number[] | null, boolean][]).map(([axis, keep]) => ({
      name: `${name}(axis ${JSON.stringify(axis)}, keepDims ${keep})`,
      inputs: [{ shape: [2, 3, 2], domain: name === 'prod' ? 'awayFromZero' : 'any' }],
      wg: (wg, x) => (wg as unknown as Record<string, (x: WG.Tensor, a: unknown, k: boolean) => WG.Tensor>)[name](x, axis, keep),
      ref: (x) => reduce(x, axis, keep, f),
    })),
  ),
  // ---- matMul, every transpose ----
  ...([[false, false], [true, false], [false, true], [true, true]] as [boolean, boolean][]).map(([ta, tb]): GradCase => ({
    name: `matMul(transposeA ${ta}, transposeB ${tb})`,
    inputs: [{ shape: ta ? [4, 3] : [3, 4] }, { shape: tb ? [2, 4] : [4, 2] }],
    wg: (wg, a, b) => wg.matMul(a, b, ta, tb),
    ref: (a, b) => matMul(a, b, ta, tb),
  })),
  // ---- normalisation ----
  { name: 'softmax', inputs: [{ shape: [2, 4] }], wg: (wg, x) => wg.softmax(x), ref: (x) => softmaxLast(x, false) },
  { name: 'logSoftmax', inputs: [{ shape: [2, 4] }], wg: (wg, x) => wg.logSoftmax(x), ref: (x) => softmaxLast(x, true) },
  // ---- composites (the rules chained, broadcasting across them) ----
  {
    name: 'dense layer loss: mean(relu(x·w + b)²)',
    inputs: [{ shape: [3, 4] }, { shape: [4, 5] }, { shape: [5] }],
    wg: (wg, x, w, b) => wg.mean(wg.square(wg.relu(wg.add(wg.matMul(x, w), b)))),
    ref: (x, w, b) => reduce(broadcast([broadcast([matMul(x, w), b], (u, v) => u + v)], (v) => Math.max(v, 0) ** 2), null, false, (v) => v.reduce((s, q) => s + q, 0) / v.length),
  },
  {
    name: 'softmax cross-entropy',
    inputs: [{ shape: [3, 4] }],
    wg: (wg, z) => wg.neg(wg.mean(wg.sum(wg.mul(wg.logSoftmax(z), wg.tensor([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]])), 1))),
    ref: (z) => {
      const l = softmaxLast(z, true);
      const t = [0, 2, 1];
      return { shape: [], data: Float64Array.of(-(l.data[t[0]] + l.data[4 + t[1]] + l.data[8 + t[2]]) / 3) };
    },
  },
];

/** Every case: the core rules' (above), and the families' (grad_cases_*.ts). */
export const GRAD_CASES: GradCase[] = [...CORE_CASES, ...MOVEMENT_GRAD_CASES, ...NN_GRAD_CASES];

/** A seeded uniform generator (xorshift32), so every run samples the same inputs. */
export function sampler(seed: number): (domain: Domain | undefined) => number {
  let s = seed >>> 0 || 1;
  const u = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  return (domain) => {
    const v = u();
    switch (domain) {
      case 'pos':
        return 0.3 + 1.5 * v;
      case 'unit':
        return -0.8 + 1.6 * v;
      case 'gt1':
        return 1.3 + v;
      case 'awayFromZero':
        return (v < 0.5 ? -1 : 1) * (0.2 + 1.2 * v);
      default:
        return -1.5 + 3 * v;
    }
  };
}

/** Inputs (float32-representable) and the weights w, then the differences of Σ w·ref(x) per input element. */
export function finiteDifferences(c: GradCase, seed = 7): { inputs: Arr[]; w: Arr; grads: Float64Array[] } {
  const draw = sampler(seed);
  const inputs = c.inputs.map((i) => arr(i.shape, () => Math.fround(draw(i.domain))));
  const out = c.ref(...inputs);
  const w = arr(out.shape, () => Math.fround(draw('any')));
  const loss = (xs: Arr[]) => {
    const y = c.ref(...xs);
    let s = 0;
    for (let i = 0; i < y.data.length; i++) s += y.data[i] * w.data[i];
    return s;
  };
  const h = 1e-5;
  const grads = inputs.map((x, k) =>
    Float64Array.from(x.data, (v, i) => {
      const plus = inputs.map((y, j) => (j === k ? { shape: y.shape, data: Float64Array.from(y.data, (u, q) => (q === i ? v + h : u)) } : y));
      const minus = inputs.map((y, j) => (j === k ? { shape: y.shape, data: Float64Array.from(y.data, (u, q) => (q === i ? v - h : u)) } : y));
      return (loss(plus) - loss(minus)) / (2 * h);
    }),
  );
  return { inputs, w, grads };
}
