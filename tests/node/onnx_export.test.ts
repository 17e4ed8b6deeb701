// ONNX export (issue 22, the foundation): graphs and wg.functions written by toONNX run in ONNX Runtime (an
// independent engine: onnxruntime-web's wasm build) and give wgflow's numbers (the CPU device's) within 1e-4,
// per op at opsets 13, 17 and 21; the models are structurally sound (tests/helpers/onnx_model.ts); bad input
// gets clear errors.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { toONNX, OnnxExportError, exportable } from '../../engine/io/onnx/index';
import { EXPORTERS } from '../../engine/io/onnx/ops';
import { decodeModel, structuralProblems } from '../helpers/onnx_model';
import { runOrt } from '../helpers/onnx_ort';
import { uniform } from '../helpers/seeded';

type D = 'float32' | 'int32' | 'bool';
interface In {
  dtype?: D;
  shape: number[];
  /** Declared shape (null: unknown); default `shape`. */
  declared?: (number | null)[];
  /** Values: seeded uniform in [lo, hi) (rounded for int32, > 0 for bool), or given. */
  range?: [number, number];
  values?: number[];
}
interface Case {
  name: string;
  inputs: In[];
  fn: (...xs: wg.Tensor[]) => wg.Tensor;
}

const f = (...shape: number[]): In => ({ shape });
const pos = (...shape: number[]): In => ({ shape, range: [0.1, 3] });
const i32 = (values: number[], shape = [values.length]): In => ({ dtype: 'int32', shape, values });
const bool = (...shape: number[]): In => ({ dtype: 'bool', shape });

const CASES: Case[] = [
  // elementwise, one operand
  ...(['abs', 'neg', 'sign', 'square', 'exp', 'tanh', 'sigmoid', 'relu', 'relu6', 'elu', 'selu', 'softplus', 'logSigmoid', 'gelu', 'erf', 'sin', 'cos', 'atan', 'floor', 'ceil', 'round', 'expm1', 'clone', 'stopGradient', 'sinh', 'cosh', 'asinh'] as const)
    .map((op): Case => ({ name: op, inputs: [{ shape: [2, 3], range: [-4, 4] }], fn: (x) => (wg[op] as (x: wg.Tensor) => wg.Tensor)(x) })),
  ...(['log', 'sqrt', 'rsqrt', 'reciprocal', 'log1p', 'acosh'] as const)
    .map((op): Case => ({ name: op, inputs: [{ shape: [2, 3], range: [1.1, 5] }], fn: (x) => (wg[op] as (x: wg.Tensor) => wg.Tensor)(x) })),
  ...(['asin', 'acos', 'atanh', 'tan'] as const).map((op): Case => ({ name: op, inputs: [{ shape: [5], range: [-0.9, 0.9] }], fn: (x) => (wg[op] as (x: wg.Tensor) => wg.Tensor)(x) })),
  { name: 'round half to even', inputs: [{ shape: [6], values: [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5] }], fn: (x) => wg.round(x) },
  { name: 'leakyRelu', inputs: [f(7)], fn: (x) => wg.leakyRelu(x, 0.3) },
  ...(['relu', 'relu6', 'elu', 'leakyRelu', 'sigmoid', 'step', 'abs', 'floor'] as const).map((op): Case => ({ name: `${op} of NaN, ±Infinity`, inputs: [{ shape: [5], values: [NaN, Infinity, -Infinity, -1, 7] }], fn: (x) => (wg[op] as (x: wg.Tensor) => wg.Tensor)(x) })),
  ...(['maximum', 'minimum'] as const).map((op): Case => ({ name: `${op} with NaN`, inputs: [{ shape: [4], values: [NaN, 1, NaN, -2] }, { shape: [4], values: [1, NaN, NaN, 3] }], fn: (a, b) => wg[op](a, b) })),
  { name: 'clipByValue of NaN', inputs: [{ shape: [4], values: [NaN, -5, 5, 0.1] }], fn: (x) => wg.clipByValue(x, -1, 1) },
  { name: 'int32 relu', inputs: [i32([-3, 0, 7])], fn: (x) => wg.relu(x) },
  { name: 'int32 floor/ceil/round/sign/square/relu6/clipByValue', inputs: [i32([-9, -3, 0, 2, 7])], fn: (x) => wg.addN([wg.floor(x), wg.ceil(x), wg.round(x), wg.sign(x), wg.square(x), wg.relu6(x), wg.clipByValue(x, -4, 4)]) },
  { name: 'step', inputs: [f(7)], fn: (x) => wg.step(x, 0.25) },
  { name: 'clipByValue', inputs: [f(9)], fn: (x) => wg.clipByValue(x, -0.4, 0.5) },
  { name: 'isNaN/isInf/isFinite', inputs: [{ shape: [4], values: [1, NaN, Infinity, -Infinity] }], fn: (x) => wg.logicalAnd(wg.logicalOr(wg.isNaN(x), wg.isInf(x)), wg.logicalNot(wg.isFinite(x))) },
  { name: 'cast float→int32 (truncates)', inputs: [{ shape: [6], values: [-2.7, -1.2, -0.5, 0.5, 1.7, 3] }], fn: (x) => wg.cast(x, 'int32') },
  { name: 'cast int32→float32', inputs: [i32([-3, 0, 7])], fn: (x) => wg.cast(x, 'float32') },
  { name: 'cast float→bool', inputs: [{ shape: [3], values: [0, 2, -0.5] }], fn: (x) => wg.cast(x, 'bool') },
  { name: 'int32 abs/neg', inputs: [i32([-3, 0, 7])], fn: (x) => wg.add(wg.abs(x), wg.neg(x)) },

  // elementwise, two or three operands, broadcasting, literals
  ...(['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'squaredDifference', 'mod', 'floorDiv'] as const)
    .map((op): Case => ({ name: op, inputs: [{ shape: [2, 3], range: [-5, 5] }, { shape: [3], range: [0.5, 2] }], fn: (a, b) => (wg[op] as (a: wg.Tensor, b: wg.Tensor) => wg.Tensor)(a, b) })),
  { name: 'float mod, negative operands', inputs: [{ shape: [8], values: [7, -7, 7, -7, 5.5, -5.5, 0, -3] }, { shape: [8], values: [3, 3, -3, -3, -2, 2, 4, 3] }], fn: (a, b) => wg.mod(a, b) },
  { name: 'float floorDiv, negative operands', inputs: [{ shape: [8], values: [7, -7, 7, -7, 5.5, -5.5, 0, -3] }, { shape: [8], values: [3, 3, -3, -3, -2, 2, 4, 3] }], fn: (a, b) => wg.floorDiv(a, b) },
  { name: 'int32 div floors, negative operands', inputs: [i32([7, -7, 7, -7, 6, -6, 0, 5]), i32([2, 2, -2, -2, 3, 3, 5, 0])], fn: (a, b) => wg.div(a, b) },
  { name: 'int32 floorDiv', inputs: [i32([7, -7, 7, -7, 1, -1]), i32([3, 3, -3, -3, 4, 4])], fn: (a, b) => wg.floorDiv(a, b) },
  { name: 'int32 mod, the divisor\'s sign', inputs: [i32([7, -7, 7, -7, 6, -1, 0, 5]), i32([3, 3, -3, -3, 3, 4, 5, 0])], fn: (a, b) => wg.mod(a, b) },
  { name: 'divNoNan', inputs: [f(4), { shape: [4], values: [2, 0, -1, 0] }], fn: (a, b) => wg.divNoNan(a, b) },
  { name: 'pow', inputs: [pos(2, 3), f(2, 3)], fn: (a, b) => wg.pow(a, b) },
  { name: 'add with a literal', inputs: [f(2, 3)], fn: (x) => wg.sub(wg.mul(wg.add(x, 2), 0.5), 1) },
  { name: 'int32 add with a literal', inputs: [i32([1, -2, 3])], fn: (x) => wg.mul(wg.add(x, 2), 3) },
  ...(['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual'] as const)
    .map((op): Case => ({ name: op, inputs: [{ shape: [6], values: [1, 2, 3, -1, 0, 5] }, { shape: [6], values: [1, 3, 2, -1, 1, 5] }], fn: (a, b) => (wg[op] as (a: wg.Tensor, b: wg.Tensor) => wg.Tensor)(a, b) })),
  { name: 'logicalAnd/Or/Xor', inputs: [bool(5), bool(5)], fn: (a, b) => wg.logicalXor(wg.logicalAnd(a, b), wg.logicalOr(a, wg.logicalNot(b))) },
  { name: 'where', inputs: [f(2, 3), f(2, 3)], fn: (a, b) => wg.where(wg.greater(a, b), a, 0.5) },
  { name: 'addN', inputs: [f(3), f(3), f(3)], fn: (a, b, c) => wg.addN([a, b, c]) },

  // reductions
  ...(['sum', 'mean', 'max', 'min', 'prod', 'logSumExp'] as const).flatMap((op): Case[] => [
    { name: `${op} all`, inputs: [f(2, 3, 2)], fn: (x) => wg[op](x) },
    { name: `${op} axis 1`, inputs: [f(2, 3, 2)], fn: (x) => wg[op](x, 1) },
    { name: `${op} axes [0, -1] keepDims`, inputs: [f(2, 3, 2)], fn: (x) => wg[op](x, [0, -1], true) },
  ]),
  { name: 'int32 maximum/minimum/pow, max/min/prod', inputs: [i32([-3, 2, 0, 5, 1, -1], [2, 3]), i32([1, 2, 3, 0, 2, 1], [2, 3])], fn: (a, b) => wg.add(wg.add(wg.addN([wg.maximum(a, b), wg.minimum(a, b), wg.pow(a, b)]), wg.max(a, 1, true)), wg.mul(wg.min(a, 0), wg.prod(b, 1, true))) },
  { name: 'int32 sum', inputs: [i32([1, -2, 3, 4, 5, -6], [2, 3])], fn: (x) => wg.sum(x, 1) },
  { name: 'any/all', inputs: [bool(3, 4)], fn: (x) => wg.logicalXor(wg.any(x, 1), wg.all(x, 1)) },
  { name: 'argMax/argMin (int32)', inputs: [f(3, 5)], fn: (x) => wg.add(wg.argMax(x, 1), wg.argMin(x, 0).reshape([5, 1]).sum()) },

  // shapes and movement
  { name: 'reshape', inputs: [f(2, 3, 2)], fn: (x) => wg.reshape(x, [3, -1]) },
  { name: 'transpose', inputs: [f(2, 3, 4)], fn: (x) => wg.transpose(x, [2, 0, 1]) },
  { name: 'transpose (reversed)', inputs: [f(2, 3, 4)], fn: (x) => wg.transpose(x) },
  { name: 'concat', inputs: [f(2, 3), f(2, 1)], fn: (a, b) => wg.concat([a, b], -1) },
  { name: 'stack', inputs: [f(2, 3), f(2, 3)], fn: (a, b) => wg.stack([a, b], 1) },
  { name: 'squeeze/expandDims', inputs: [f(1, 3, 1)], fn: (x) => wg.expandDims(wg.squeeze(x), -1) },
  { name: 'squeeze axis', inputs: [f(1, 3, 1)], fn: (x) => wg.squeeze(x, [2]) },
  { name: 'slice', inputs: [f(4, 5)], fn: (x) => wg.slice(x, [1, 2], [2, -1]) },
  { name: 'slice, begin only', inputs: [f(4, 5)], fn: (x) => wg.slice(x, [2]) },
  { name: 'gather', inputs: [f(4, 3), i32([3, 0, 2, 2])], fn: (x, i) => wg.gather(x, i, 0) },
  { name: 'gather axis 1', inputs: [f(4, 3), i32([2, 0])], fn: (x, i) => wg.gather(x, i, 1) },
  { name: 'oneHot (negative and out-of-range indices all off)', inputs: [i32([0, 3, -1, 5, 2])], fn: (i) => wg.oneHot(i, 4, 2, -1, 'float32') },
  { name: 'oneHot int32, axis 0', inputs: [i32([1, 0, -2, 2])], fn: (i) => wg.oneHot(i, 3, 1, 0, 'int32', 0) },
  { name: 'split, equal parts', inputs: [f(2, 6)], fn: (x) => { const [a, b, c] = wg.split(x, 3, 1); return wg.concat([c, a, wg.mul(b, 2)], 1); } },
  { name: 'split, sizes', inputs: [f(5, 2)], fn: (x) => { const [a, b] = wg.split(x, [2, -1]); return wg.sum(a).add(wg.sum(b, 0)); } },
  { name: 'unstack', inputs: [f(3, 2)], fn: (x) => { const [a, b] = wg.unstack(x, 1); return wg.sub(a, b); } },
  { name: 'tile', inputs: [f(2, 3)], fn: (x) => wg.tile(x, [2, 1]) },
  { name: 'broadcastTo', inputs: [f(1, 3)], fn: (x) => wg.broadcastTo(x, [4, 3]) },
  { name: 'pad', inputs: [f(2, 3)], fn: (x) => wg.pad(x, [[1, 0], [2, 1]], 0.5) },
  { name: 'reverse', inputs: [f(3, 4)], fn: (x) => wg.reverse(x, [-1]) },
  { name: 'reverse all', inputs: [f(3, 4)], fn: (x) => wg.reverse(x) },
  { name: 'cumsum', inputs: [f(3, 4)], fn: (x) => wg.cumsum(x, 1) },
  { name: 'cumsum exclusive reverse', inputs: [f(3, 4)], fn: (x) => wg.cumsum(x, 0, true, true) },
  { name: 'zerosLike/onesLike', inputs: [f(2, 3)], fn: (x) => wg.add(wg.onesLike(x), wg.zerosLike(x)) },
  { name: 'eye, linspace, fill, scalar, constant, zeros (folded); to (a device move)', inputs: [f(3, 3)], fn: (x) => wg.addN([wg.mul(wg.to(x, 'cpu'), wg.eye(3)), wg.add(wg.linspace(0, 1, 3), wg.fill([3, 3], 0.5)), wg.add(wg.mul(wg.scalar(2), wg.constant([1, 2, 3])), wg.zeros([3, 3]))]) },
  { name: 'constants (folded)', inputs: [f(2, 3)], fn: (x) => wg.add(wg.mul(x, wg.tensor([1, 2, 3])), wg.add(wg.ones([2, 3]), wg.range(0, 3))) },

  // linear algebra, normalisation
  { name: 'matMul', inputs: [f(3, 4), f(4, 2)], fn: (a, b) => wg.matMul(a, b) },
  { name: 'matMul transposeA', inputs: [f(4, 3), f(4, 2)], fn: (a, b) => wg.matMul(a, b, true) },
  { name: 'matMul transposeB', inputs: [f(3, 4), f(2, 4)], fn: (a, b) => wg.matMul(a, b, false, true) },
  { name: 'matMul batched, both transposed', inputs: [f(2, 4, 3), f(2, 2, 4)], fn: (a, b) => wg.matMul(a, b, true, true) },
  { name: 'dot', inputs: [f(4), f(4)], fn: (a, b) => wg.dot(a, b) },
  { name: 'outerProduct', inputs: [f(3), f(4)], fn: (a, b) => wg.outerProduct(a, b) },
  { name: 'prelu', inputs: [f(2, 3), pos(3)], fn: (x, a) => wg.prelu(x, a) },
  { name: 'layerNorm', inputs: [f(3, 5), f(5), f(5)], fn: (x, g, b) => wg.layerNorm(x, g, b, 1e-3) },
  { name: 'layerNorm without gamma/beta', inputs: [f(2, 4)], fn: (x) => wg.layerNorm(x) },
  { name: 'batchNorm', inputs: [f(2, 3), f(3), pos(3), f(3), f(3)], fn: (x, m, v, o, s) => wg.batchNorm(x, m, v, o, s) },
  ...(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const).map((activation): Case => ({
    name: `fusedMatMul, bias, ${activation}`, inputs: [{ shape: [3, 4], range: [-3, 3] }, f(2, 4), f(2)],
    fn: (a, b, bias) => wg.fused.matMul({ a, b, transposeB: true, bias, activation, leakyreluAlpha: 0.1 }),
  })),
  { name: 'fusedMatMul, prelu, transposeA', inputs: [f(4, 3), f(4, 2), pos(2)], fn: (a, b, w) => wg.fused.matMul({ a, b, transposeA: true, activation: 'prelu', preluActivationWeights: w }) },
  { name: 'softmax', inputs: [f(2, 5)], fn: (x) => wg.softmax(x) },
  { name: 'softmax axis 0', inputs: [f(3, 2)], fn: (x) => wg.softmax(x, 0) },
  { name: 'logSoftmax', inputs: [f(2, 5)], fn: (x) => wg.logSoftmax(x, -1) },
  { name: 'unknown batch dimension', inputs: [{ shape: [3, 4], declared: [null, 4] }, f(4, 2)], fn: (x, w) => wg.softmax(wg.matMul(x, w)) },
];

const OPSETS = [13, 17, 21];

function inputValues(inp: In, seed: number): number[] {
  if (inp.values) return inp.values;
  const n = inp.shape.reduce((a, d) => a * d, 1);
  const [lo, hi] = inp.range ?? (inp.dtype === 'int32' ? [-10, 10] : [-2, 2]);
  const u = Array.from(uniform(seed, n, lo, hi));
  return inp.dtype === 'int32' ? u.map(Math.round) : inp.dtype === 'bool' ? u.map((v) => (v > 0 ? 1 : 0)) : u;
}

/** The output's shape when run: unknown dims from the fed inputs (only a leading batch dimension in these cases). */
function outShape(shape: readonly number[], c: Case): number[] {
  return shape.map((d) => (d < 0 ? c.inputs[0].shape[0] : d));
}

/** Builds the case's graph, runs it in wgflow and (exported at each opset) in ONNX Runtime. */
async function check(c: Case, seed: number): Promise<void> {
  const g = new wg.Graph();
  const names = c.inputs.map((_, i) => `x${i}`);
  g.build(() => ({ y: c.fn(...c.inputs.map((inp, i) => g.placeholder(inp.dtype ?? 'float32', inp.declared ?? inp.shape, names[i]))) }));
  const values = c.inputs.map((inp, i) => inputValues(inp, seed + i));
  const feeds = Object.fromEntries(c.inputs.map((inp, i) => [names[i], wg.tensor(inp.dtype === 'bool' ? values[i].map(Boolean) : values[i], inp.shape, inp.dtype ?? 'float32')]));
  const session = new wg.Session(g);
  const out = g.outputs.get('y')!;
  const want = Array.from((await session.run(out, feeds, { typedArrays: true })) as ArrayLike<number>, Number);
  session.close();
  for (const t of Object.values(feeds)) t.dispose();
  for (const opset of OPSETS) {
    const bytes = await toONNX(g, { opset });
    const model = decodeModel(bytes);
    expect(structuralProblems(model, opset, [{ name: 'y', dtype: out.dtype, shape: out.shape.map((d) => (d < 0 ? null : d)) }]), `${c.name} @ opset ${opset}`).toEqual([]);
    const got = await runOrt(bytes, Object.fromEntries(c.inputs.map((inp, i) => [names[i], { dtype: inp.dtype ?? 'float32', data: values[i], dims: inp.shape }])));
    const r = got.y;
    expect(r.dims, `${c.name} @ opset ${opset}: shape`).toEqual(outShape(out.shape, c));
    const bad = want.flatMap((w, k) => {
      const v = Number(r.data[k]);
      const ok = Number.isNaN(w) ? Number.isNaN(v) : w === v || Math.abs(v - w) <= 1e-4 * Math.max(1, Math.abs(w));
      return ok ? [] : [`[${k}] onnx ${v} vs wgflow ${w}`];
    });
    expect(bad, `${c.name} @ opset ${opset}`).toEqual([]);
  }
  g.dispose();
}

describe('toONNX: every exported op, in ONNX Runtime at opsets 13, 17 and 21, within 1e-4 of wgflow', () => {
  test.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    await check(c, 1000 + 17 * i);
  });
});

describe('toONNX: models', () => {
  test('an MLP (matMul + add + relu + softmax) with its variables as initializers, traced from a wg.function', async () => {
    const w1 = wg.variable(wg.tensor(Array.from(uniform(1, 12, -1, 1)), [4, 3]), { name: 'w1' });
    const b1 = wg.variable(wg.tensor(Array.from(uniform(2, 3, -0.5, 0.5)), [3]), { name: 'b1' });
    const w2 = wg.variable(wg.tensor(Array.from(uniform(3, 6, -1, 1)), [3, 2]), { name: 'w2' });
    const b2 = wg.variable(wg.tensor(Array.from(uniform(4, 2, -0.5, 0.5)), [2]), { name: 'b2' });
    // Current values: changed after creation, as training would.
    wg.assignAdd(w1, wg.fill([4, 3], 0.25));
    const mlp = wg.function((x: wg.Tensor) => wg.softmax(wg.add(wg.matMul(wg.relu(wg.add(wg.matMul(x, w1), b1)), w2), b2)));
    const x = wg.tensor(Array.from(uniform(5, 20, -2, 2)), [5, 4]);
    const want = Array.from(await (mlp(x) as wg.Tensor).data());
    for (const opset of [13, 17, 21]) {
      const bytes = await toONNX(mlp, { opset, exampleArgs: [x], inputNames: ['features'], outputNames: ['probs'] });
      const model = decodeModel(bytes);
      expect(structuralProblems(model, opset, [{ name: 'probs', dtype: 'float32', shape: [5, 2] }])).toEqual([]);
      expect(model.graph.inputs.map((i) => i.name)).toEqual(['features']);
      // The four variables are initializers with their current values (w1 after its assignAdd).
      const inits = new Map(model.graph.initializers.map((t) => [t.name, t]));
      const w1Init = [...inits.values()].find((t) => t.dims.join() === '4,3')!;
      expect(w1Init).toBeDefined();
      const w1Now = await w1.data();
      expect(Array.from(new Float32Array(new Uint8Array(w1Init.raw).buffer))).toEqual(Array.from(w1Now));
      const got = await runOrt(bytes, { features: { dtype: 'float32', data: await x.data(), dims: [5, 4] } });
      const bad = want.flatMap((w, k) => (Math.abs(Number(got.probs.data[k]) - w) <= 1e-4 ? [] : [`[${k}] ${got.probs.data[k]} vs ${w}`]));
      expect(bad).toEqual([]);
    }
  });

  test('a Graph with variables, unknown dimensions as symbolic inputs, several outputs, outputNames picks', async () => {
    const g = new wg.Graph();
    g.build(() => {
      const x = g.placeholder('float32', [null, 3], 'x');
      const w = wg.variable(wg.tensor([1, -1, 0.5, 2, 0, -2], [3, 2]), { name: 'w' });
      const h = wg.matMul(x, w);
      return { logits: h, probs: wg.softmax(h), total: wg.sum(h) };
    });
    const bytes = await toONNX(g, { outputNames: ['probs', 'total'] });
    const model = decodeModel(bytes);
    expect(model.opsets[0].version).toBe(17);
    expect(model.graph.inputs[0].dims).toEqual([{ param: 'x_d0' }, { value: 3 }]);
    expect(model.graph.initializers.map((t) => t.name)).toContain('w');
    expect(structuralProblems(model, 17, [{ name: 'probs', dtype: 'float32', shape: [null, 2] }, { name: 'total', dtype: 'float32', shape: [] }])).toEqual([]);
    const xs = [1, 2, 3, -1, 0, 2];
    const got = await runOrt(bytes, { x: { dtype: 'float32', data: xs, dims: [2, 3] } });
    const s = new wg.Session(g);
    const [probs, total] = (await s.run([g.outputs.get('probs')!, g.outputs.get('total')!], { x: wg.tensor(xs, [2, 3]) }, { typedArrays: true })) as Float32Array[];
    expect(Array.from(got.probs.data).map((v, k) => Math.abs(v - probs[k]) < 1e-4)).toEqual([true, true, true, true]);
    expect(Math.abs(Number(got.total.data[0]) - total[0])).toBeLessThan(1e-4);
    s.close();
    g.dispose();
  });
});

describe('toONNX: bad input', () => {
  const small = () => {
    const g = new wg.Graph();
    g.build(() => ({ y: wg.relu(g.placeholder('float32', [2], 'x')) }));
    return g;
  };

  test('a non-exportable op: the error names the op, the node and its line', async () => {
    const g = new wg.Graph();
    g.build(() => {
      const x = g.placeholder('float32', [3], 'x');
      return { y: wg.atan2(x, wg.add(x, 1)) }; // line of the atan2 node
    });
    const line = g.nodes.find((n) => n.op === 'atan2')!.location!.line;
    const err = await toONNX(g).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnnxExportError);
    expect(err).toBeInstanceOf(wg.WgError);
    expect((err as Error).message).toMatch(/node "atan2" \(op atan2, onnx_export\.test\.ts:\d+\)/);
    expect((err as Error).message).toContain(`onnx_export.test.ts:${line}`);
    expect((err as Error).message).toContain('not yet: issue 22');
  });

  test('opset out of range, unknown options, wrong names, wrong sources', async () => {
    const g = small();
    await expect(toONNX(g, { opset: 12 })).rejects.toThrow(/opset must be an integer from 13 to 21, got 12/);
    await expect(toONNX(g, { opset: 22 })).rejects.toThrow(/opset must be an integer from 13 to 21, got 22/);
    await expect(toONNX(g, { opset: 17.5 })).rejects.toThrow(OnnxExportError);
    await expect(toONNX(g, { opset: 17, optimize: true } as never)).rejects.toThrow(/unknown option "optimize"/);
    await expect(toONNX(g, { inputNames: ['a', 'b'] })).rejects.toThrow(/inputNames has 2 names for the graph's 1 placeholders/);
    await expect(toONNX(g, { outputNames: ['nope'] })).rejects.toThrow(/no output or node named "nope"/);
    await expect(toONNX(g, { exampleArgs: [] })).rejects.toThrow(/exampleArgs is for a wg.function/);
    await expect(toONNX((() => 1) as never)).rejects.toThrow(/expected a wg.Graph or a wg.function/);
    const fn = wg.function((x: wg.Tensor) => wg.relu(x));
    await expect(toONNX(fn)).rejects.toThrow(/traced with exampleArgs/);
    const empty = new wg.Graph();
    empty.build(() => void g);
    await expect(toONNX(empty)).rejects.toThrow(/no named outputs/);
    g.dispose();
  });

  test('renamed inputs keep their data; the exporter table covers every op', async () => {
    const g = small();
    const bytes = await toONNX(g, { inputNames: ['input'] });
    const got = await runOrt(bytes, { input: { dtype: 'float32', data: [-1, 2], dims: [2] } });
    expect(Array.from(got.y.data)).toEqual([0, 2]);
    g.dispose();
    // Every registry op has an entry (the compiler checks; this lists the counts for the report).
    const all = Object.keys(EXPORTERS);
    const yes = all.filter((op) => exportable(op) === true);
    expect(yes.length).toBeGreaterThan(90);
    expect(exportable('conv2d')).toBe('not yet: issue 22');
  });
});
