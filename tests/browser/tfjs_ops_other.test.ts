// The op table's reduction, evaluation, creation and graph families, each case a tiny graph run by wgflow (graph
// mode and eagerly) and by TensorFlow.js's converter (tests/helpers/tfjs_graph.ts). Random ops are checked by
// shape, dtype, range and moments; where TensorFlow.js cannot be the reference (it ignores OneHot's axis and
// FakeQuantWithMinMaxVars) the reference is an equivalent graph it runs, or host arithmetic.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { GraphModel } from '../../engine/io/tfjs/graph_model';
import { parseModelJson } from '../../engine/io/tfjs/model_json';
import { decodeWeights } from '../../engine/io/tfjs/weights';
import { A, bools, caseModel, values, expectSameAsTfjs, f32, f32s, i32, i32s, i32v, node, tfjsOutputs, wgModel, wgOutputs, type GraphCase } from '../helpers/tfjs_graph';

const T = { T: A.type('DT_FLOAT') };
const TI = { T: A.type('DT_INT32') };
const TIDX = { Tidx: A.type('DT_INT32') };

/** wgflow's outputs of `ours` (both modes) against TensorFlow.js's outputs of the equivalent graph `theirs`. */
async function expectSameAsTfjsOf(ours: GraphCase, theirs: GraphCase, tol = 1e-5): Promise<void> {
  const want = await tfjsOutputs(theirs);
  for (const mode of ['graph', 'eager'] as const) {
    const got = await wgOutputs(ours, mode);
    expect(got.length).toBe(want.length);
    got.forEach((g, k) => {
      expect(g.shape, `${mode} output ${k}: shape`).toEqual(want[k].shape);
      expect(g.dtype, `${mode} output ${k}: dtype`).toBe(want[k].dtype);
      Array.from(want[k].data).forEach((w, i) => expect(Math.abs(Number(g.data[i]) - Number(w)), `${mode} output ${k}[${i}]`).toBeLessThanOrEqual(tol));
    });
  }
}

describe('op table vs TensorFlow.js: reduction', () => {
  test('Sum, Max, Min, Prod, Mean over one, several, negative and no axes, keep_dims both ways', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([2, 3, 4], 11, 0.5, 1.5) },
      consts: { a1: i32v([1]), a02: i32v([0, 2]), aneg: i32s(-1), none: i32v([]) },
      nodes: {
        s: node('Sum', ['x', 'a1'], { ...T, ...TIDX, keep_dims: A.b(false) }),
        sk: node('Sum', ['x', 'a02'], { ...T, ...TIDX, keep_dims: A.b(true) }),
        mx: node('Max', ['x', 'aneg'], { ...T, ...TIDX, keep_dims: A.b(true) }),
        mn: node('Min', ['x', 'a02'], { ...T, ...TIDX, keep_dims: A.b(false) }),
        p: node('Prod', ['x', 'a1'], { ...T, ...TIDX, keep_dims: A.b(false) }),
        m: node('Mean', ['x', 'a02'], { ...T, ...TIDX, keep_dims: A.b(true) }),
        m0: node('Mean', ['x', 'none'], { ...T, ...TIDX, keep_dims: A.b(false) }),
      },
      outputs: ['s', 'sk', 'mx', 'mn', 'p', 'm', 'm0'],
    }, { rtol: 1e-5, atol: 1e-5 });
  });

  test('int32 Sum, Max, Prod (run time values), All/Any on bools', async () => {
    await expectSameAsTfjs({
      inputs: { n: i32([3, 4], 12, -6, 6), b: bools([2, 3], 13) },
      consts: { a0: i32v([0]), a1: i32v([1]) },
      nodes: {
        s: node('Sum', ['n', 'a1'], { ...TI, ...TIDX, keep_dims: A.b(false) }),
        mx: node('Max', ['n', 'a0'], { ...TI, ...TIDX, keep_dims: A.b(true) }),
        p: node('Prod', ['n', 'a1'], { ...TI, ...TIDX, keep_dims: A.b(false) }),
        al: node('All', ['b', 'a1'], { ...TIDX, keep_dims: A.b(false) }),
        an: node('Any', ['b', 'a0'], { ...TIDX, keep_dims: A.b(true) }),
      },
      outputs: ['s', 'mx', 'p', 'al', 'an'],
    });
  });

  test("int32 Mean keeps TensorFlow's dtype (TensorFlow.js gives float32: the reference casts its mean, truncating)", async () => {
    const inputs = { n: i32([3, 4], 12, -6, 6) };
    const consts = { a0: i32v([0]), a1: i32v([1]) };
    const mean = (axes: string) => node('Mean', ['n', axes], { ...TI, ...TIDX, keep_dims: A.b(false) });
    const cast = (x: string) => node('Cast', [x], { SrcT: A.type('DT_FLOAT'), DstT: A.type('DT_INT32') });
    await expectSameAsTfjsOf(
      { inputs, consts, nodes: { m0: mean('a0'), m1: mean('a1') }, outputs: ['m0', 'm1'] },
      { inputs, consts, nodes: { f0: mean('a0'), f1: mean('a1'), m0: cast('f0'), m1: cast('f1') }, outputs: ['m0', 'm1'] },
    );
  });

  test('ArgMax, ArgMin (axis 1 and -1, output_type int64 → int32)', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([3, 5], 14) },
      consts: { a1: i32s(1), am: i32s(-1), a0: i32s(0) },
      nodes: {
        ax: node('ArgMax', ['x', 'a1'], { ...T, ...TIDX, output_type: A.type('DT_INT64') }),
        an: node('ArgMin', ['x', 'am'], { ...T, ...TIDX, output_type: A.type('DT_INT32') }),
        ax0: node('ArgMax', ['x', 'a0'], { ...T, ...TIDX }),
      },
      outputs: ['ax', 'an', 'ax0'],
    });
  });

  test('Cumsum and Cumprod: exclusive × reverse', async () => {
    const nodes: GraphCase['nodes'] = {};
    for (const exclusive of [false, true]) {
      for (const reverse of [false, true]) {
        const attrs = { ...T, ...TIDX, exclusive: A.b(exclusive), reverse: A.b(reverse) };
        nodes[`s${+exclusive}${+reverse}`] = node('Cumsum', ['x', 'a1'], attrs);
        nodes[`p${+exclusive}${+reverse}`] = node('Cumprod', ['x', 'a0'], attrs);
      }
    }
    await expectSameAsTfjs({ inputs: { x: f32([3, 4], 15, 0.5, 1.5) }, consts: { a1: i32s(1), a0: i32s(0) }, nodes, outputs: Object.keys(nodes) });
  });

  // TensorFlow.js's WebGPU bincounts go wrong when several share a model (a count lost), so each case holds few.
  const binInputs = { x: i32v([0, 1, 1, 3, 4, 1, 6]), x2: i32([2, 5], [0, 2, 2, 4, 1, 3, 3, 3, 0, 5]), w: f32([7], 16), w2: f32([2, 5], 17) };
  const binConsts = { size: i32s(5), none: f32([0], []), one: f32s(1) };
  const dense = (x: string, w: string, binary: boolean) => node('DenseBincount', [x, 'size', w], { ...T, Tidx: A.type('DT_INT32'), binary_output: A.b(binary) });

  test('Bincount (weighted, counted) and DenseBincount of a vector', async () => {
    await expectSameAsTfjs({
      inputs: binInputs,
      consts: binConsts,
      nodes: { b: node('Bincount', ['x', 'size', 'w'], { ...T }), bc: node('Bincount', ['x', 'size', 'none'], { ...T }), d: dense('x', 'w', false) },
      outputs: ['b', 'bc', 'd'],
    });
  });

  test('DenseBincount of a matrix, weighted and counted', async () => {
    await expectSameAsTfjs({ inputs: binInputs, consts: binConsts, nodes: { d2: dense('x2', 'w2', false) }, outputs: ['d2'] });
    await expectSameAsTfjs({ inputs: binInputs, consts: binConsts, nodes: { d2c: dense('x2', 'none', false) }, outputs: ['d2c'] });
  });

  test('DenseBincount binary_output (TensorFlow.js counts a matrix instead: the reference clips its counts to 1)', async () => {
    await expectSameAsTfjsOf(
      { inputs: binInputs, consts: binConsts, nodes: { d: dense('x2', 'w2', true) }, outputs: ['d'] },
      { inputs: binInputs, consts: binConsts, nodes: { c: dense('x2', 'none', false), d: node('Minimum', ['c', 'one'], { ...T }) }, outputs: ['d'] },
    );
  });
});

describe('op table vs TensorFlow.js: graph ops and folding', () => {
  test('Shape, ShapeN, Size, Rank of known shapes are constants (TensorFlow.js makes ShapeN float32: the reference uses Shape)', async () => {
    const inputs = { x: f32([2, 3, 4], 18), y: f32([5], 19) };
    const shape = (x: string) => node('Shape', [x], { ...T, out_type: A.type('DT_INT32') });
    const rest = { z: node('Size', ['x'], { ...T, out_type: A.type('DT_INT32') }), r: node('Rank', ['y'], { ...T }) };
    await expectSameAsTfjsOf(
      { inputs, nodes: { s: shape('x'), sn: node('ShapeN', ['x', 'y'], { ...T, N: A.i(2), out_type: A.type('DT_INT32') }), ...rest }, outputs: ['s', 'sn:0', 'sn:1', 'z', 'r'] },
      { inputs, nodes: { s: shape('x'), s0: shape('x'), s1: shape('y'), ...rest }, outputs: ['s', 's0', 's1', 'z', 'r'] },
    );
  });

  test('folded chains: Shape → Prod → Reshape; Rank → Range → Sum axes; ShapeN → Reshape; Range(0, Size) reshaped to Shape; Fill of a Shape and of its Max; Range to its Sum', async () => {
    // Reshape, Fill and Range need their shapes and bounds while converting: known only if Shape, Size, Prod,
    // Max, Sum, Range and Fill fold. TensorFlow.js's WebGPU backend reads an int32 reduction's result as 0 when a
    // later op needs it on the host, so its reference graph holds the reductions' values as constants.
    const inputs = { x: f32([2, 3, 4], 20) };
    const consts = { a0: i32v([0]), zero: i32s(0), one: i32s(1), half: f32s(0.5), am: i32v([-1]) };
    const chain = {
      s: node('Shape', ['x'], { ...T, out_type: A.type('DT_INT32') }),
      flat: node('Reshape', ['x', 'p'], { ...T, Tshape: A.type('DT_INT32') }),
      n: node('Size', ['x'], { ...T, out_type: A.type('DT_INT32') }),
      r: node('Range', ['zero', 'n', 'one'], { ...TIDX }),
      rr: node('Reshape', ['r', 's'], { ...TI, Tshape: A.type('DT_INT32') }),
      f: node('Fill', ['s', 'half'], { ...T, index_type: A.type('DT_INT32') }),
      ff: node('Fill', ['mx', 'one'], { T: A.type('DT_INT32'), index_type: A.type('DT_INT32') }),
      rs: node('Range', ['zero', 'sm', 'one'], { ...TIDX }),
      y: node('AddV2', ['x', 'f'], { ...T }),
    };
    const reductions = {
      p: node('Prod', ['s', 'a0'], { ...TI, ...TIDX, keep_dims: A.b(true) }),
      mx: node('Max', ['s', 'am'], { ...TI, ...TIDX, keep_dims: A.b(true) }),
      sm: node('Sum', ['s', 'a0'], { ...TI, ...TIDX, keep_dims: A.b(true) }),
    };
    // Rank → Range → Sum's axes and ShapeN → Reshape fold too (the reference holds the Range's value, and Shape).
    const sumAll = node('Sum', ['x', 'ax'], { ...T, ...TIDX, keep_dims: A.b(false) });
    const ours = { rk: node('Rank', ['x'], T), ax: node('Range', ['zero', 'rk', 'one'], TIDX), sa: sumAll, sn: node('ShapeN', ['x', 'x'], { ...T, N: A.i(2) }), rr2: node('Reshape', ['r', 'sn:1'], { ...TI, Tshape: A.type('DT_INT32') }) };
    const theirs = { ax: node('Identity', ['ax0'], TI), sa: sumAll, rr2: node('Reshape', ['r', 's'], { ...TI, Tshape: A.type('DT_INT32') }) };
    const outputs = ['flat', 'rr', 'y', 'ff', 'rs', 'p', 'mx', 'sm', 'sa', 'rr2'];
    await expectSameAsTfjsOf(
      { inputs, consts, nodes: { ...reductions, ...chain, ...ours }, outputs },
      {
        inputs,
        consts: { ...consts, p0: i32v([24]), mx0: i32v([4]), sm0: i32v([9]), ax0: i32v([0, 1, 2]) },
        nodes: { ...chain, ...theirs, p: node('Identity', ['p0'], TI), mx: node('Identity', ['mx0'], TI), sm: node('Identity', ['sm0'], TI) },
        outputs,
      },
    );
  });

  test('Identity, IdentityN, Snapshot, StopGradient, PlaceholderWithDefault, NoOp (a control input), Print', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([2, 3], 21), z: i32([4], 22) },
      consts: { d: f32([3], 23) },
      nodes: {
        noop: node('NoOp', []),
        i: node('Identity', ['x', '^noop'], { ...T }),
        n: node('IdentityN', ['x', 'z'], { T: A.types(['DT_FLOAT', 'DT_INT32']) }),
        s: node('Snapshot', ['i'], { ...T }),
        g: node('StopGradient', ['s'], { ...T }),
        pd: node('PlaceholderWithDefault', ['d'], { dtype: A.type('DT_FLOAT'), shape: A.shape([3]) }),
        pr: node('Print', ['g', 'z'], { ...T, U: A.types(['DT_INT32']), message: A.s('tfjs_ops_other Print'), summarize: A.i(3) }),
      },
      outputs: ['i', 'n:0', 'n:1', 'g', 'pd', 'pr'],
    });
  });

  test('FakeQuantWithMinMaxVars: the nudged range, 8 bits, narrow 4 bits, a positive range nudged to 0 (TensorFlow.js ignores the op: host reference)', async () => {
    const x = f32([12], [-1.3, -1, -0.61, -0.2, 0, 0.07, 0.1, 0.33, 0.5, 0.93, 1.2, 2]);
    const c: GraphCase = {
      inputs: { x },
      consts: { lo: f32s(-1), hi: f32s(1), lo2: f32s(-0.4), hi2: f32s(0.9), lo3: f32s(0.25), hi3: f32s(1.5) },
      nodes: {
        q8: node('FakeQuantWithMinMaxVars', ['x', 'lo', 'hi'], { num_bits: A.i(8), narrow_range: A.b(false) }),
        q4: node('FakeQuantWithMinMaxVars', ['x', 'lo2', 'hi2'], { num_bits: A.i(4), narrow_range: A.b(true) }),
        qp: node('FakeQuantWithMinMaxVars', ['x', 'lo3', 'hi3'], { num_bits: A.i(3) }),
      },
      outputs: ['q8', 'q4', 'qp'],
    };
    // TensorFlow's nudging, written out: the zero point rounded to a level, values clamped and rounded to levels.
    const fake = (v: number, min: number, max: number, bits: number, narrow: boolean) => {
      const f = Math.fround; // TensorFlow computes in float32
      const qmin = narrow ? 1 : 0;
      const qmax = 2 ** bits - 1;
      const scale = f((f(max) - f(min)) / (qmax - qmin));
      const zero = Math.min(qmax, Math.max(qmin, Math.round(f(qmin - f(f(min) / scale)))));
      const lo = f((qmin - zero) * scale);
      const hi = f((qmax - zero) * scale);
      return Math.floor((Math.min(hi, Math.max(lo, v)) - lo) / scale + 0.5) * scale + lo;
    };
    for (const mode of ['graph', 'eager'] as const) {
      const [q8, q4, qp] = await wgOutputs(c, mode);
      expect(q8.shape).toEqual([12]);
      x.data.forEach((v, i) => {
        expect(Math.abs(Number(q8.data[i]) - fake(v, -1, 1, 8, false)), `q8[${i}]`).toBeLessThan(1e-5);
        expect(Math.abs(Number(q4.data[i]) - fake(v, -0.4, 0.9, 4, true)), `q4[${i}]`).toBeLessThan(1e-5);
        expect(Math.abs(Number(qp.data[i]) - fake(v, 0.25, 1.5, 3, false)), `qp[${i}]`).toBeLessThan(1e-5);
      });
      expect(Number(q4.data[4])).toBe(0); // 0 is exactly representable
    }
  });
});

describe('op table vs TensorFlow.js: evaluation', () => {
  test('TopKV2 (sorted), LowerBound, UpperBound with ties', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([3, 6], 24), seq: f32([2, 5], [0, 1, 1, 2, 4, -3, -1, 0, 0, 5]), v: f32([2, 4], [1, -5, 2.5, 9, 0, -1, 6, -2]) },
      consts: { k: i32s(3) },
      nodes: {
        t: node('TopKV2', ['x', 'k'], { ...T, sorted: A.b(true) }),
        lb: node('LowerBound', ['seq', 'v'], { ...T, out_type: A.type('DT_INT32') }),
        ub: node('UpperBound', ['seq', 'v'], { ...T, out_type: A.type('DT_INT32') }),
      },
      outputs: ['t:0', 't:1', 'lb', 'ub'],
    });
  });

  test('TopKV2 unsorted: the same k values and indices (wgflow returns them sorted)', async () => {
    const c: GraphCase = { inputs: { x: f32([2, 7], 25) }, consts: { k: i32s(4) }, nodes: { t: node('TopKV2', ['x', 'k'], { ...T, sorted: A.b(false) }) }, outputs: ['t:0', 't:1'] };
    const [tv, ti] = await tfjsOutputs(c);
    for (const mode of ['graph', 'eager'] as const) {
      const [v, i] = await wgOutputs(c, mode);
      expect(v.shape).toEqual(tv.shape);
      expect(i.dtype).toBe('int32');
      for (let r = 0; r < 2; r++) {
        const row = (d: ArrayLike<number>) => Array.from(d).slice(r * 4, r * 4 + 4).sort((a, b) => a - b);
        expect(row(v.data)).toEqual(row(tv.data));
        expect(row(i.data)).toEqual(row(ti.data));
      }
    }
  });
});

describe('op table vs TensorFlow.js: creation', () => {
  test('Fill (folded, large, int32, value fed at run time), Zeros, Ones, ZerosLike, OnesLike', async () => {
    await expectSameAsTfjs({
      inputs: { v: f32s(2.5), x: i32([2, 3], 26) },
      consts: { s: i32v([2, 3]), big: i32v([20, 16]), c: f32s(-1.5), ci: i32s(7) },
      nodes: {
        f: node('Fill', ['s', 'c'], { ...T, index_type: A.type('DT_INT32') }),
        fb: node('Fill', ['big', 'c'], { ...T, index_type: A.type('DT_INT32') }),
        fi: node('Fill', ['s', 'ci'], { ...TI, index_type: A.type('DT_INT32') }),
        fv: node('Fill', ['big', 'v'], { ...T, index_type: A.type('DT_INT32') }),
        z: node('Zeros', ['s'], { ...TI }),
        o: node('Ones', ['big'], { ...T }),
        zl: node('ZerosLike', ['x'], { ...TI }),
        ol: node('OnesLike', ['x'], { ...TI, dtype: A.type('DT_INT32') }),
        olf: node('OnesLike', ['fb'], { ...T, dtype: A.type('DT_FLOAT') }),
      },
      outputs: ['f', 'fb', 'fi', 'fv', 'z', 'o', 'zl', 'ol', 'olf'],
    });
  });

  test('Range (int32, float32, negative delta, large) and LinSpace (small, large)', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([2], 27) },
      consts: { a: i32s(3), b: i32s(17), d: i32s(4), fa: f32s(0.5), fb: f32s(-2), fd: f32s(-0.75), big: i32s(1000), one: i32s(1), zero: i32s(0), ls: f32s(-1), le: f32s(2), n7: i32s(7), n300: i32s(300) },
      nodes: {
        r: node('Range', ['a', 'b', 'd'], { ...TIDX }),
        rf: node('Range', ['fa', 'fb', 'fd'], { Tidx: A.type('DT_FLOAT') }),
        rb: node('Range', ['zero', 'big', 'one'], { ...TIDX }),
        re: node('Range', ['b', 'b', 'one'], { ...TIDX }),
        l: node('LinSpace', ['ls', 'le', 'n7'], { ...T, ...TIDX }),
        lb: node('LinSpace', ['ls', 'le', 'n300'], { ...T, ...TIDX }),
      },
      outputs: ['r', 'rf', 'rb', 're', 'l', 'lb'],
    }, { rtol: 1e-5, atol: 1e-5 });
  });

  test('OneHot (last axis; float and int32, on/off values) vs TensorFlow.js', async () => {
    await expectSameAsTfjs({
      inputs: { i: i32([2, 3], [0, 2, 4, -1, 1, 3]) },
      consts: { depth: i32s(4), on: f32s(5), off: f32s(-1), oni: i32s(1), offi: i32s(0) },
      nodes: {
        h: node('OneHot', ['i', 'depth', 'on', 'off'], { ...T, TI: A.type('DT_INT32'), axis: A.i(-1) }),
        hi: node('OneHot', ['i', 'depth', 'oni', 'offi'], { ...TI, TI: A.type('DT_INT32') }),
      },
      outputs: ['h', 'hi'],
    });
  });

  test('OneHot with axis 0 and 1 (TensorFlow.js ignores axis: the reference transposes its last-axis one-hot)', async () => {
    const inputs = { i: i32([2, 3], [0, 2, 4, -1, 1, 3]) };
    const consts = { depth: i32s(4), on: f32s(5), off: f32s(-1), p0: i32v([2, 0, 1]), p1: i32v([0, 2, 1]) };
    const oh = (axis: number) => node('OneHot', ['i', 'depth', 'on', 'off'], { ...T, TI: A.type('DT_INT32'), axis: A.i(axis) });
    await expectSameAsTfjsOf(
      { inputs, consts, nodes: { a0: oh(0), a1: oh(1) }, outputs: ['a0', 'a1'] },
      {
        inputs,
        consts,
        nodes: { h: oh(-1), a0: node('Transpose', ['h', 'p0'], { ...T, Tperm: A.type('DT_INT32') }), a1: node('Transpose', ['h', 'p1'], { ...T, Tperm: A.type('DT_INT32') }) },
        outputs: ['a0', 'a1'],
      },
    );
  });

  test('random ops: shape, dtype (as TensorFlow.js), range and moments; seeds fold (seed, seed2) into one', async () => {
    const shape = i32v([40, 50]);
    const seeds = (s: number, s2: number) => ({ seed: A.i(s), seed2: A.i(s2) });
    const c: GraphCase = {
      inputs: { logits: f32([2, 3], [0, Math.log(3), Math.log(6), 2, 2, -40]) },
      consts: { shape, lo: i32s(-3), hi: i32s(4), ns: i32s(1000) },
      nodes: {
        u: node('RandomUniform', ['shape'], { ...T, dtype: A.type('DT_FLOAT'), ...seeds(1, 2) }),
        u2: node('RandomUniform', ['shape'], { ...T, dtype: A.type('DT_FLOAT'), ...seeds(1, 2) }),
        u3: node('RandomUniform', ['shape'], { ...T, dtype: A.type('DT_FLOAT'), ...seeds(1, 3) }),
        n: node('RandomStandardNormal', ['shape'], { ...T, dtype: A.type('DT_FLOAT'), ...seeds(5, 0) }),
        t: node('TruncatedNormal', ['shape'], { ...T, dtype: A.type('DT_FLOAT'), ...seeds(0, 7) }),
        ri: node('RandomUniformInt', ['shape', 'lo', 'hi'], { Tout: A.type('DT_INT32'), ...TI, minval: A.i(-3), maxval: A.i(4), ...seeds(9, 9) }),
        m: node('Multinomial', ['logits', 'ns'], { ...T, output_dtype: A.type('DT_INT64'), ...seeds(3, 4) }),
      },
      outputs: ['u', 'u2', 'u3', 'n', 't', 'ri', 'm'],
    };
    const want = await tfjsOutputs(c);
    const moments = (d: ArrayLike<number>) => {
      const v = Array.from(d, Number);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return { v, mean, std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
    };
    for (const mode of ['graph', 'eager'] as const) {
      const got = await wgOutputs(c, mode);
      got.forEach((g, k) => {
        expect(g.shape, `${mode} output ${k}: shape`).toEqual(want[k].shape);
        expect(g.dtype, `${mode} output ${k}: dtype`).toBe(want[k].dtype);
      });
      const [u, u2, u3, n, t, ri, m] = got.map((g) => moments(g.data));
      expect(u.v.every((x) => x >= 0 && x < 1)).toBe(true);
      expect(Math.abs(u.mean - 0.5)).toBeLessThan(0.03);
      expect(Math.abs(u.std - Math.sqrt(1 / 12))).toBeLessThan(0.02);
      expect(u2.v).toEqual(u.v); // same seeds: same values
      expect(u3.v).not.toEqual(u.v); // another seed2: other values
      expect(Math.abs(n.mean)).toBeLessThan(0.06);
      expect(Math.abs(n.std - 1)).toBeLessThan(0.05);
      expect(t.v.every((x) => x > -2 && x < 2)).toBe(true);
      expect(Math.abs(t.mean)).toBeLessThan(0.06);
      expect(Math.abs(t.std - 0.8796)).toBeLessThan(0.04); // the standard deviation of a normal truncated at ±2
      expect(ri.v.every((x) => Number.isInteger(x) && x >= -3 && x < 4)).toBe(true);
      expect(new Set(ri.v).size).toBe(7);
      expect(Math.abs(ri.mean)).toBeLessThan(0.15);
      // Multinomial: class frequencies follow softmax(logits): row 0 1/10, 3/10, 6/10; row 1 1/2, 1/2, ~0.
      const freq = (row: number, cls: number) => m.v.slice(row * 1000, row * 1000 + 1000).filter((x) => x === cls).length / 1000;
      [[0.1, 0.3, 0.6], [0.5, 0.5, 0]].forEach((p, row) => p.forEach((q, cls) => expect(Math.abs(freq(row, cls) - q), `multinomial row ${row} class ${cls}`).toBeLessThan(0.05)));
    }
  });
});

describe('op table: bad nodes give errors naming the node', () => {
  const fails = async (c: GraphCase, message: RegExp) => {
    for (const mode of ['graph', 'eager'] as const) await expect(wgOutputs(c, mode)).rejects.toThrow(message);
  };

  test('run-time axes, a zero delta, a bad one-hot axis, a negative dimension, an empty integer range, min ≥ max', async () => {
    await fails(
      { inputs: { x: f32([2, 3], 30), axes: i32v([1]) }, nodes: { s: node('Sum', ['x', 'axes'], { ...T, ...TIDX }) }, outputs: ['s'] },
      /node "s" \(Sum\): its axes \(input 1\) is computed at run time/,
    );
    await fails({ inputs: {}, consts: { a: i32s(0), b: i32s(5), d: i32s(0) }, nodes: { r: node('Range', ['a', 'b', 'd'], TIDX) }, outputs: ['r'] }, /node "r" \(Range\): delta must not be 0/);
    await fails(
      { inputs: { i: i32v([0, 1]) }, consts: { depth: i32s(3), on: f32s(1), off: f32s(0) }, nodes: { h: node('OneHot', ['i', 'depth', 'on', 'off'], { ...T, axis: A.i(3) }) }, outputs: ['h'] },
      /node "h" \(OneHot\): axis 3 is out of range/,
    );
    await fails({ inputs: {}, consts: { s: i32v([2, -1]), v: f32s(1) }, nodes: { f: node('Fill', ['s', 'v'], T) }, outputs: ['f'] }, /node "f" \(Fill\): its shape \[2, -1\] has a negative dimension/);
    await fails(
      { inputs: {}, consts: { s: i32v([4]), lo: i32s(3), hi: i32s(3) }, nodes: { r: node('RandomUniformInt', ['s', 'lo', 'hi'], { Tout: A.type('DT_INT32') }) }, outputs: ['r'] },
      /node "r" \(RandomUniformInt\): needs minval < maxval, got 3 and 3/,
    );
    await fails(
      { inputs: { x: f32([3], 31) }, consts: { lo: f32s(1), hi: f32s(-1) }, nodes: { q: node('FakeQuantWithMinMaxVars', ['x', 'lo', 'hi'], {}) }, outputs: ['q'] },
      /node "q" \(FakeQuantWithMinMaxVars\): needs min < max/,
    );
  });
});

describe('op table: composite translations free what they make', () => {
  test('an eager run outside any scope leaves only its outputs (TruncatedNormal, Multinomial, bounds, bincounts, int Mean, FakeQuant)', async () => {
    const model = wgModel({
      inputs: { x: f32([2, 5], 32), n: i32([2, 5], 33, 0, 4) },
      consts: { s: i32v([6]), k: i32s(3), a: i32v([1]), size: i32s(4), none: f32([0], []), lo: f32s(-1), hi: f32s(1) },
      nodes: {
        t: node('TruncatedNormal', ['s'], { dtype: A.type('DT_FLOAT') }),
        m: node('Multinomial', ['x', 'k'], { ...T, seed: A.i(1) }),
        b: node('LowerBound', ['x', 'x'], T),
        d: node('DenseBincount', ['n', 'size', 'none'], { ...T, binary_output: A.b(true) }),
        mn: node('Mean', ['n', 'a'], TI),
        q: node('FakeQuantWithMinMaxVars', ['x', 'lo', 'hi'], {}),
      },
      outputs: ['t', 'm', 'b', 'd', 'mn', 'q'],
    });
    wg.config.runFunctionsEagerly(true);
    try {
      const feeds = { x: wg.tensor(values(10, 34), [2, 5]), n: wg.tensor([0, 1, 2, 3, 3, 2, 0, 0, 1, 5], [2, 5], 'int32') };
      const before = wg.memory().tensors;
      const outs = model.execute(feeds, ['t', 'm', 'b', 'd', 'mn', 'q']) as wg.Tensor[];
      expect(wg.memory().tensors - before).toBe(outs.length);
      wg.dispose([...outs, ...Object.values(feeds)]);
    } finally {
      wg.config.runFunctionsEagerly(false);
      model.dispose();
    }
  });
});

describe('op table: model.graph with an unknown batch size', () => {
  test('ZerosLike, OnesLike, int Mean, LowerBound and DenseBincount build with [-1, 4] inputs and run in a Session like execute', async () => {
    const c: GraphCase = {
      inputs: { x: f32([2, 4], 35), n: i32([2, 4], 36, 0, 4) },
      consts: { a0: i32v([0]), size: i32s(4), none: f32([0], []) },
      nodes: {
        zl: node('ZerosLike', ['x'], T),
        ol: node('OnesLike', ['n'], TI),
        m: node('Mean', ['n', 'a0'], TI),
        lb: node('LowerBound', ['x', 'x'], T),
        d: node('DenseBincount', ['n', 'size', 'none'], T),
      },
      outputs: ['zl', 'ol', 'm', 'lb', 'd'],
    };
    const { modelJson, weights } = caseModel(c);
    for (const n of (modelJson.modelTopology as { node: { op: string; attr: Record<string, unknown> }[] }).node) {
      if (n.op === 'Placeholder') n.attr.shape = A.shape([-1, 4]);
    }
    const parsed = parseModelJson(modelJson);
    const model = new GraphModel(parsed, decodeWeights(parsed.weightsManifest, weights));
    const sess = new wg.Session(model.graph);
    const feeds = { x: wg.tensor(c.inputs.x.data, [2, 4]), n: wg.tensor(c.inputs.n.data, [2, 4], 'int32') };
    try {
      const want = await wgOutputs(c, 'graph');
      for (const [k, name] of c.outputs.entries()) {
        const got = (await sess.run(name, feeds)) as unknown;
        expect((got as number[][]).flat(3), name).toEqual(Array.from(want[k].data, Number));
      }
    } finally {
      wg.dispose(Object.values(feeds));
      sess.close();
      model.dispose();
    }
  });
});
