// The op table's elementwise families (converter op lists arithmetic, basic_math and logical), each op a tiny
// graph run by wgflow (graph mode and eagerly) and by TensorFlow.js's converter (tests/helpers/tfjs_graph.ts).
// Where TensorFlow.js does not follow TensorFlow (integer Div and Mod truncate toward zero in TensorFlow; the
// converter floors them), wgflow's graph is compared with an equivalent graph TensorFlow.js runs.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { A, bools, expectSameAsTfjs, f32, f32s, i32, i32v, node, tfjsOutputs, wgModel, wgOutputs, type GraphCase, type HostT } from '../helpers/tfjs_graph';

const T = { T: A.type('DT_FLOAT') };
const TI = { T: A.type('DT_INT32') };
const TB = { T: A.type('DT_BOOL') };
const LOOSE = { rtol: 2e-4, atol: 2e-5 };

/** wgflow's outputs of `c` against TensorFlow.js's outputs of the equivalent graph `ref` (exact for int/bool). */
async function expectSameAsTfjsOf(c: GraphCase, ref: GraphCase, tol: { rtol?: number; atol?: number } = {}): Promise<void> {
  const { rtol = 1e-5, atol = 1e-5 } = tol;
  const want = await tfjsOutputs(ref);
  for (const mode of ['graph', 'eager'] as const) {
    const got = await wgOutputs(c, mode);
    expect(got.length).toBe(want.length);
    got.forEach((g, k) => {
      const w = want[k];
      const where = `${c.outputs[k]} (${mode})`;
      expect(g.shape, `${where}: shape`).toEqual(w.shape);
      expect(g.dtype, `${where}: dtype`).toBe(w.dtype);
      for (let i = 0; i < w.data.length; i++) {
        const [a, b] = [Number(g.data[i]), Number(w.data[i])];
        if (w.dtype !== 'float32' || !Number.isFinite(b)) expect(a, `${where}[${i}]`).toBe(b);
        else expect(Math.abs(a - b), `${where}[${i}]: ${a} vs ${b}`).toBeLessThanOrEqual(atol + rtol * Math.abs(b));
      }
    });
  }
}

describe('op table vs TensorFlow.js: arithmetic', () => {
  test('float binary ops with broadcasting: Add, AddV2, Sub, Mul, RealDiv, Div, Maximum, Minimum, SquaredDifference, Pow', async () => {
    await expectSameAsTfjs({
      inputs: { a: f32([2, 3], 1), b: f32([3], 2, 0.5, 2), p: f32([2, 3], 3, 0.25, 2) },
      nodes: {
        add: node('Add', ['a', 'b'], T),
        addv2: node('AddV2', ['b', 'a'], T),
        sub: node('Sub', ['a', 'b'], T),
        mul: node('Mul', ['a', 'b'], T),
        rdiv: node('RealDiv', ['a', 'b'], T),
        div: node('Div', ['b', 'a'], T),
        max: node('Maximum', ['a', 'b'], T),
        min: node('Minimum', ['a', 'b'], T),
        sqd: node('SquaredDifference', ['a', 'b'], T),
        pow: node('Pow', ['p', 'a'], T),
      },
      outputs: ['add', 'addv2', 'sub', 'mul', 'rdiv', 'div', 'max', 'min', 'sqd', 'pow'],
    }, { rtol: 1e-5, atol: 1e-5 });
  });

  test('int32 binary ops on the device: Add, Sub, Mul, FloorDiv, FloorMod, Maximum, Minimum, Pow', async () => {
    const c: GraphCase = {
      inputs: { a: i32([3, 4], 4, -9, 9), b: i32([4], [3, -2, 5, -7]), e: i32([4], [0, 1, 2, 3]) },
      nodes: {
        add: node('Add', ['a', 'b'], TI),
        sub: node('Sub', ['a', 'b'], TI),
        mul: node('Mul', ['a', 'b'], TI),
        fdiv: node('FloorDiv', ['a', 'b'], TI),
        fmod: node('FloorMod', ['a', 'b'], TI),
        max: node('Maximum', ['a', 'b'], TI),
        min: node('Minimum', ['a', 'b'], TI),
        pow: node('Pow', ['a', 'e'], TI),
      },
      outputs: ['add', 'sub', 'mul', 'fdiv', 'fmod', 'max', 'min'],
    };
    await expectSameAsTfjs(c);
    // TensorFlow.js's WebGPU int32 Pow goes through float pow and truncates (6³ gives 215): exact host reference.
    const a = c.inputs.a.data;
    const e = c.inputs.e.data;
    for (const mode of ['graph', 'eager'] as const) {
      const [pow] = await wgOutputs({ ...c, outputs: ['pow'] }, mode);
      expect(pow.dtype).toBe('int32');
      expect(Array.from(pow.data)).toEqual(a.map((v, i) => v ** e[i % 4]));
    }
  });

  test('float FloorDiv, FloorMod, DivNoNan (zero divisors)', async () => {
    await expectSameAsTfjs({
      inputs: { a: f32([2, 4], 5, -6, 6), b: f32([4], [1.5, -2.25, 0, 0.75]) },
      nodes: { dnn: node('DivNoNan', ['a', 'b'], T) },
      outputs: ['dnn'],
    });
    // TensorFlow.js's float FloorDiv returns int32 (TensorFlow keeps float32): the reference is Floor(RealDiv).
    const inputs = { a: f32([2, 4], 5, -6, 6), b: f32([4], [1.5, -2.25, 3, 0.75]) };
    await expectSameAsTfjsOf(
      { inputs, nodes: { fdiv: node('FloorDiv', ['a', 'b'], T), fmod: node('FloorMod', ['a', 'b'], T) }, outputs: ['fdiv', 'fmod'] },
      { inputs, nodes: { q: node('RealDiv', ['a', 'b'], T), fdiv: node('Floor', ['q'], T), fmod: node('FloorMod', ['a', 'b'], T) }, outputs: ['fdiv', 'fmod'] },
      { rtol: 1e-5, atol: 1e-5 },
    );
  });

  // TensorFlow's integer Div and Mod truncate toward zero (C semantics); TensorFlow.js's converter floors them, so
  // the reference is sign(a)·sign(b)·FloorDiv(|a|, |b|) and sign(a)·FloorMod(|a|, |b|).
  const truncCase = (a: HostT, b: HostT, dtype: 'int32' | 'float32', known: boolean): [GraphCase, GraphCase] => {
    const t = { T: A.dtype(dtype) };
    const feeds: Pick<GraphCase, 'inputs' | 'consts'> = known ? { inputs: {}, consts: { a, b } } : { inputs: { a, b } };
    const c: GraphCase = {
      ...feeds,
      nodes: { div: node('Div', ['a', 'b'], t), rdiv: node('RealDiv', ['a', 'b'], t), mod: node('Mod', ['a', 'b'], t) },
      outputs: dtype === 'int32' ? ['div', 'rdiv', 'mod'] : ['mod'],
    };
    const ref: GraphCase = {
      ...feeds,
      nodes: {
        sa: node('Sign', ['a'], t), sb: node('Sign', ['b'], t), aa: node('Abs', ['a'], t), ab: node('Abs', ['b'], t),
        s: node('Mul', ['sa', 'sb'], t), q: node('FloorDiv', ['aa', 'ab'], t), div: node('Mul', ['s', 'q'], t),
        r: node('FloorMod', ['aa', 'ab'], t), mod: node('Mul', ['sa', 'r'], t),
      },
      outputs: dtype === 'int32' ? ['div', 'div', 'mod'] : ['mod'],
    };
    return [c, ref];
  };

  test('int32 Div, RealDiv and Mod truncate toward zero (TensorFlow), on the device and folded', async () => {
    const a = i32([2, 5], [-7, 7, -7, 7, 0, 9, -9, 3, -3, 8]);
    const b = i32([5], [2, -2, -3, 3, 5]);
    for (const known of [false, true]) await expectSameAsTfjsOf(...truncCase(a, b, 'int32', known));
  });

  test('float Mod has the dividend\'s sign (fmod)', async () => {
    await expectSameAsTfjsOf(...truncCase(f32([2, 4], 6, -6, 6), f32([4], [1.5, -2.25, 3, -0.75]), 'float32', false), { rtol: 1e-5, atol: 1e-5 });
  });

  test('AddN of three; BiasAdd NHWC (rank 4 and 2) and NCHW', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([1, 2, 3, 4], 7), y: f32([1, 2, 3, 4], 8), z: f32([1, 2, 3, 4], 9), m: f32([3, 4], 10) },
      consts: { b4: f32([4], 12) },
      nodes: {
        addn: node('AddN', ['x', 'y', 'z'], { ...T, N: A.i(3) }),
        nhwc: node('BiasAdd', ['x', 'b4'], { ...T, data_format: A.s('NHWC') }),
        plain: node('BiasAdd', ['m', 'b4'], T),
      },
      outputs: ['addn', 'nhwc', 'plain'],
    });
    // TensorFlow.js's converter ignores data_format (it adds along the last axis): the reference adds a [3, 1, 1] bias.
    const bias = f32([3], 13);
    await expectSameAsTfjsOf(
      { inputs: { n: f32([2, 3, 4, 2], 11) }, consts: { b: bias }, nodes: { nchw: node('BiasAdd', ['n', 'b'], { ...T, data_format: A.s('NCHW') }) }, outputs: ['nchw'] },
      { inputs: { n: f32([2, 3, 4, 2], 11) }, consts: { b: { ...bias, shape: [3, 1, 1] } }, nodes: { nchw: node('AddV2', ['n', 'b'], T) }, outputs: ['nchw'] },
    );
  });

  // wgflow must fold the chain (its Reshape needs the shape on the host). TensorFlow.js's WebGPU backend reads a
  // shape computed on the device as zeros (Reshape(x, Mul(Shape(x), 1)) fails there), so the reference computes the
  // same vector and reshapes by a constant.
  test('folded shape arithmetic: Shape → Mul → FloorDiv → Add → Sub → Maximum → Minimum → FloorMod → AddN → Neg → Abs → Reshape', async () => {
    const c: GraphCase = {
      inputs: { x: f32([2, 3, 4], 14) },
      consts: {
        c3: i32v([3, 1, 1]), c31: i32v([1, 3, 1]), cadd: i32v([-5, 5, 0]), zero: i32v([0]), one: i32v([1, 1, 1]),
        big: i32v([100, 100, 100]), m: i32v([7, 7, 5]), neg: i32v([-1, -6, -4]), to: i32v([1, 6, 4]),
      },
      nodes: {
        s: node('Shape', ['x'], { ...T, out_type: A.type('DT_INT32') }),
        a: node('Mul', ['s', 'c3'], TI), // [6, 3, 4]
        b: node('FloorDiv', ['a', 'c31'], TI), // [6, 1, 4]
        c: node('Add', ['b', 'cadd'], TI), // [1, 6, 4]
        d: node('Sub', ['c', 'zero'], TI),
        e: node('Maximum', ['d', 'one'], TI),
        f: node('Minimum', ['e', 'big'], TI),
        g: node('FloorMod', ['f', 'm'], TI), // [1, 6, 4]
        h: node('AddN', ['g', 'neg', 'g'], { ...TI, N: A.i(3) }), // [1, 6, 4]
        k: node('Neg', ['h'], TI),
        l: node('Abs', ['k'], TI),
        y: node('Reshape', ['x', 'l'], { ...T, Tshape: A.type('DT_INT32') }),
        sq: node('Square', ['k'], TI),
        sg: node('Sign', ['k'], TI),
      },
      outputs: ['y', 'l', 'sq', 'sg'],
    };
    await expectSameAsTfjsOf(c, { ...c, nodes: { ...c.nodes, y: node('Reshape', ['x', 'to'], { ...T, Tshape: A.type('DT_INT32') }) } });
  });
});

describe('op table vs TensorFlow.js: basic_math', () => {
  test('functions of any real: Abs, Ceil, Floor, Round, Neg, Sign, Square, Relu, Relu6, Elu, Selu, LeakyRelu, Sigmoid, Tanh, Softplus, Exp, Expm1, Erf', async () => {
    const x = f32([2, 3, 4], 15, -8, 8);
    x.data.splice(0, 8, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0, 7);
    const ops = ['Abs', 'Ceil', 'Floor', 'Round', 'Neg', 'Sign', 'Square', 'Relu', 'Relu6', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'Softplus', 'Exp', 'Expm1', 'Erf'];
    await expectSameAsTfjs({
      inputs: { x },
      nodes: {
        ...Object.fromEntries(ops.map((op) => [op, node(op, ['x'], T)])),
        leaky: node('LeakyRelu', ['x'], T),
        leaky01: node('LeakyRelu', ['x'], { ...T, alpha: A.f(0.1) }),
      },
      outputs: [...ops, 'leaky', 'leaky01'],
    }, LOOSE);
  });

  test('trigonometric and hyperbolic: Sin, Cos, Tan, Atan, Sinh, Cosh, Asinh; Acos, Asin, Atanh in (-1, 1); Acosh ≥ 1; Atan2', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([3, 4], 16, -1.2, 1.2), u: f32([3, 4], 17, -0.96, 0.96), g: f32([3, 4], 18, 1, 5), y: f32([4], [1, -1, 0.5, -2]) },
      nodes: {
        sin: node('Sin', ['x'], T), cos: node('Cos', ['x'], T), tan: node('Tan', ['x'], T), atan: node('Atan', ['x'], T),
        sinh: node('Sinh', ['x'], T), cosh: node('Cosh', ['x'], T), asinh: node('Asinh', ['x'], T),
        acos: node('Acos', ['u'], T), asin: node('Asin', ['u'], T), atanh: node('Atanh', ['u'], T), acosh: node('Acosh', ['g'], T),
        atan2: node('Atan2', ['x', 'y'], T),
      },
      outputs: ['sin', 'cos', 'tan', 'atan', 'sinh', 'cosh', 'asinh', 'acos', 'asin', 'atanh', 'acosh', 'atan2'],
    }, LOOSE);
  });

  test('functions of positive reals: Log, Log1p, Sqrt, Rsqrt, Reciprocal', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([3, 5], 19, 0.05, 6) },
      nodes: {
        log: node('Log', ['x'], T), log1p: node('Log1p', ['x'], T), sqrt: node('Sqrt', ['x'], T), rsqrt: node('Rsqrt', ['x'], T), rec: node('Reciprocal', ['x'], T),
      },
      outputs: ['log', 'log1p', 'sqrt', 'rsqrt', 'rec'],
    }, LOOSE);
  });

  test('IsNan, IsInf, IsFinite; int32 Abs, Neg, Square, Sign, Relu on the device', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([6], [NaN, Infinity, -Infinity, 1, 0, -2]), n: i32([2, 4], 20, -9, 9) },
      nodes: {
        nan: node('IsNan', ['x'], T), inf: node('IsInf', ['x'], T), fin: node('IsFinite', ['x'], T),
        abs: node('Abs', ['n'], TI), neg: node('Neg', ['n'], TI), sq: node('Square', ['n'], TI), sg: node('Sign', ['n'], TI), relu: node('Relu', ['n'], TI),
      },
      outputs: ['nan', 'inf', 'fin', 'abs', 'neg', 'sq', 'sg', 'relu'],
    });
  });

  // TensorFlow.js's ClipByValue takes its bounds as numbers (the first element); TensorFlow's broadcast. The
  // reference of tensor bounds is Minimum(Maximum(x, min), max), TensorFlow's definition.
  test('ClipByValue: known scalars, known broadcast tensors, bounds computed at run time; Prelu', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([2, 3], 21, -3, 3), al: f32([3], [0.1, 0.5, 2]) },
      consts: { a: f32s(-0.5), b: f32s(1.25) },
      nodes: { c1: node('ClipByValue', ['x', 'a', 'b'], T), pr: node('Prelu', ['x', 'al'], T) },
      outputs: ['c1', 'pr'],
    });
    const inputs = { x: f32([2, 3], 21, -3, 3), lo: f32([3], [-1, 0, -2]) };
    const consts = { b: f32s(1.25), va: f32([3], [-1, -0.5, 0]), vb: f32([3], [0.5, 2, 1]) };
    await expectSameAsTfjsOf(
      { inputs, consts, nodes: { c2: node('ClipByValue', ['x', 'va', 'vb'], T), c3: node('ClipByValue', ['x', 'lo', 'b'], T) }, outputs: ['c2', 'c3'] },
      {
        inputs, consts,
        nodes: {
          m2: node('Maximum', ['x', 'va'], T), c2: node('Minimum', ['m2', 'vb'], T),
          m3: node('Maximum', ['x', 'lo'], T), c3: node('Minimum', ['m3', 'b'], T),
        },
        outputs: ['c2', 'c3'],
      },
    );
  });
});

describe('op table vs TensorFlow.js: logical', () => {
  test('float and int32 comparisons with broadcasting and ties', async () => {
    const vals = (n: number, seed: number) => f32([n], seed, -1.5, 1.5).data.map((v) => Math.round(v));
    await expectSameAsTfjs({
      inputs: { a: f32([3, 4], vals(12, 22)), b: f32([4], vals(4, 23)), p: i32([3, 4], 24, -2, 2), q: i32([4], 25, -2, 2) },
      nodes: Object.fromEntries(['Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual'].flatMap((op) => [
        [op, node(op, ['a', 'b'], T)],
        [`${op}_i`, node(op, ['p', 'q'], TI)],
      ])),
      outputs: ['Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal_i', 'NotEqual_i', 'Greater_i', 'GreaterEqual_i', 'Less_i', 'LessEqual_i'],
    });
  });

  test('LogicalAnd, LogicalOr, LogicalNot, bool Equal/NotEqual; SelectV2 broadcasting; Select elementwise and by rows', async () => {
    await expectSameAsTfjs({
      inputs: { c: bools([2, 3], 26), d: bools([3], 27), x: f32([2, 3], 28), y: f32([2, 3], 29), s: f32s(7) },
      nodes: {
        and: node('LogicalAnd', ['c', 'd']), or: node('LogicalOr', ['c', 'd']), not: node('LogicalNot', ['c']),
        eq: node('Equal', ['c', 'd'], TB), ne: node('NotEqual', ['c', 'd'], TB),
        sel: node('Select', ['c', 'x', 'y'], T),
        sel2: node('SelectV2', ['d', 'x', 's'], T),
      },
      outputs: ['and', 'or', 'not', 'eq', 'ne', 'sel', 'sel2'],
    });
    // Select with a vector condition picks rows; TensorFlow.js's where rejects it: the reference is SelectV2 with
    // the condition as a [2, 1] column. A scalar condition picks a whole value (the reference: SelectV2).
    const xy = { x: f32([2, 3], 28), y: f32([2, 3], 29), s: bools([], [0]) };
    await expectSameAsTfjsOf(
      { inputs: { r: bools([2], [1, 0]), ...xy }, nodes: { rows: node('Select', ['r', 'x', 'y'], T), all: node('Select', ['s', 'x', 'y'], T) }, outputs: ['rows', 'all'] },
      { inputs: { r: bools([2, 1], [1, 0]), ...xy }, nodes: { rows: node('SelectV2', ['r', 'x', 'y'], T), all: node('SelectV2', ['s', 'x', 'y'], T) }, outputs: ['rows', 'all'] },
    );
  });

  test('folded comparisons and logic on known shapes', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([2, 3, 4], 30) },
      consts: { t: i32v([2, 4, 4]), bt: { data: [1, 0, 1], shape: [3], dtype: 'bool' } },
      nodes: {
        s: node('Shape', ['x'], { ...T, out_type: A.type('DT_INT32') }),
        eq: node('Equal', ['s', 't'], TI), ne: node('NotEqual', ['s', 't'], TI), gt: node('Greater', ['s', 't'], TI),
        ge: node('GreaterEqual', ['s', 't'], TI), lt: node('Less', ['s', 't'], TI), le: node('LessEqual', ['s', 't'], TI),
        and: node('LogicalAnd', ['eq', 'bt']), or: node('LogicalOr', ['lt', 'bt']), not: node('LogicalNot', ['le']),
      },
      outputs: ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or', 'not'],
    });
  });

  test('BitwiseAnd of int32 (negative numbers included), on the device and folded', async () => {
    const a = i32([2, 5], [-1, -8, 12, 2147483647, -2147483648, 0, 255, -255, 1023, -6]);
    const b = i32([5], [7, -3, 10, -2147483648, -1]);
    const c: GraphCase = { inputs: { a, b }, consts: { ka: a, kb: b }, nodes: { y: node('BitwiseAnd', ['a', 'b'], TI), k: node('BitwiseAnd', ['ka', 'kb'], TI) }, outputs: ['y', 'k'] };
    const want = a.data.map((v, i) => v & b.data[i % 5]);
    let tfjsRuns = true;
    try {
      await tfjsOutputs(c);
    } catch {
      tfjsRuns = false; // TensorFlow.js's WebGPU backend has no BitwiseAnd kernel: the host's & is the reference
    }
    if (tfjsRuns) await expectSameAsTfjs(c);
    for (const mode of ['graph', 'eager'] as const) {
      const [y, k] = await wgOutputs(c, mode);
      for (const o of [y, k]) {
        expect(o.dtype).toBe('int32');
        expect(o.shape).toEqual([2, 5]);
        expect(Array.from(o.data)).toEqual(want);
      }
    }
  });
});

describe('elementwise translations: bad nodes and eager memory', () => {
  const run = (c: GraphCase) => {
    const model = wgModel(c);
    try {
      const feeds = Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, wg.tensor(t.data, t.shape, t.dtype)]));
      try {
        [model.execute(feeds, c.outputs)].flat().forEach((t) => t.dispose());
      } finally {
        Object.values(feeds).forEach((t) => t.dispose());
      }
    } finally {
      model.dispose();
    }
  };

  test('bad attributes and shapes name the node', () => {
    const x = f32([1, 2, 2, 3], 31);
    expect(() => run({ inputs: { x }, consts: { b: f32([3], 32) }, nodes: { y: node('BiasAdd', ['x', 'b'], { ...T, data_format: A.s('NCDHW') }) }, outputs: ['y'] }))
      .toThrow(/node "y" \(BiasAdd\): data_format 'NCDHW' is not supported/);
    expect(() => run({ inputs: { x }, consts: { b: f32([2], 32) }, nodes: { y: node('BiasAdd', ['x', 'b'], T) }, outputs: ['y'] }))
      .toThrow(/node "y" \(BiasAdd\): bias of size 2 does not match the NHWC input's channel dimension 3/);
    expect(() => run({ inputs: { x }, consts: { b: f32([3, 1], 32) }, nodes: { y: node('BiasAdd', ['x', 'b'], T) }, outputs: ['y'] }))
      .toThrow(/bias must be rank 1, got shape \[3, 1\]/);
    expect(() => run({ inputs: { c: bools([3], 33), a: f32([2, 3], 34), b: f32([2, 3], 35) }, nodes: { y: node('Select', ['c', 'a', 'b'], T) }, outputs: ['y'] }))
      .toThrow(/node "y" \(Select\): the condition's shape \[3\] must be \[\] \(one for all\), the values' shape \[2, 3\] or \[2\]/);
    expect(() => run({ inputs: { c: bools([2, 3], 33), a: f32([2, 3], 34), b: f32([3], 35) }, nodes: { y: node('Select', ['c', 'a', 'b'], T) }, outputs: ['y'] }))
      .toThrow(/the two values must have the same shape, got \[2, 3\] and \[3\]/);
    expect(() => run({ inputs: { a: f32([2], 36), b: f32([2], 37) }, nodes: { y: node('BitwiseAnd', ['a', 'b'], T) }, outputs: ['y'] }))
      .toThrow(/node "y" \(BitwiseAnd\): BitwiseAnd takes integers, got float32 and float32/);
  });

  test('compositions free their intermediate tensors when run eagerly', async () => {
    const c: GraphCase = {
      inputs: { a: i32([2, 3], 38, -9, 9), b: i32([3], [2, -3, 5]), f: f32([2, 3, 2, 2], 39), r: bools([2], [0, 1]), x: f32([2, 3], 40) },
      consts: { bv: f32([3], 41) },
      nodes: {
        div: node('Div', ['a', 'b'], TI), mod: node('Mod', ['a', 'b'], TI), band: node('BitwiseAnd', ['a', 'b'], TI),
        bias: node('BiasAdd', ['f', 'bv'], { ...T, data_format: A.s('NCHW') }),
        rows: node('Select', ['r', 'x', 'x'], T), clip: node('ClipByValue', ['x', 'x', 'x'], T),
      },
      outputs: ['div', 'mod', 'band', 'bias', 'rows', 'clip'],
    };
    wg.config.runFunctionsEagerly(true);
    try {
      run(c); // warm-up (caches)
      const before = wg.memory().tensors;
      run(c);
      expect(wg.memory().tensors).toBe(before);
    } finally {
      wg.config.runFunctionsEagerly(false);
    }
  });
});
