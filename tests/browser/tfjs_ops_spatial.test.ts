// The op table's spatial families (convolution, normalization, image, matrices) against TensorFlow.js: each case a
// tiny graph run by wgflow (graph mode and eagerly) and by TensorFlow.js's converter on WebGPU in the same page
// (tests/helpers/tfjs_graph.ts). Where TensorFlow.js cannot be the reference — it rejects the node (_FusedConv2D
// with FusedBatchNorm or Tanh, EXPLICIT pooling) or ignores an attribute (data_format of pooling and batch norm) —
// wgflow's run of the case is compared with TensorFlow.js's run of an equivalent graph (`ref`): the unfused ops,
// or the channels-last op between Transposes.
import { describe, expect, test } from 'vitest';
import { A, f32, f32s, i32v, node, tfjsOutputs, wgOutputs, type GraphCase } from '../helpers/tfjs_graph';

const T = { T: A.type('DT_FLOAT') };
const TOL = { rtol: 1e-4, atol: 1e-4 };

/**
 * wgflow's outputs of `c` (both modes) against TensorFlow.js's outputs of `ref` (default: `c` itself): shapes,
 * dtypes, values within rtol·|want| + atol.
 */
async function same(c: GraphCase, ref: GraphCase = c, tol = TOL, label = ''): Promise<void> {
  const want = await tfjsOutputs(ref);
  for (const mode of ['graph', 'eager'] as const) {
    const got = await wgOutputs(c, mode);
    const where = `${label || Object.values(c.nodes).map((n) => n.op).join('+')} (${mode})`;
    expect(got.length, `${where}: number of outputs`).toBe(want.length);
    got.forEach((g, k) => {
      const w = want[k];
      const name = `${where} output ${c.outputs[k]}`;
      expect(g.shape, `${name}: shape`).toEqual(w.shape);
      expect(g.dtype, `${name}: dtype`).toBe(w.dtype);
      for (let i = 0; i < w.data.length; i++) {
        const a = Number(g.data[i]);
        const b = Number(w.data[i]);
        if (w.dtype !== 'float32') expect(a, `${name}[${i}]`).toBe(b);
        else expect(Math.abs(a - b), `${name}[${i}]: ${a} vs ${b}`).toBeLessThanOrEqual(tol.atol + tol.rtol * Math.abs(b));
      }
    });
  }
}

const perm = (p: number[]) => i32v(p);
/** A Transpose node. */
const tr = (x: string, p: string) => node('Transpose', [x, p], { ...T, Tperm: A.type('DT_INT32') });
const s = A.s;
const ints = A.ints;
const conv = (strides: number[], padding: string, extra: Record<string, ReturnType<typeof A.i>> = {}) => ({ ...T, strides: ints(strides), padding: s(padding), ...extra });

describe('op table vs TensorFlow.js: convolution', () => {
  test('Conv2D: SAME stride 2, VALID dilation 2, EXPLICIT; Conv1D; DepthwiseConv2dNative (multiplier 2, dilation), DepthwiseConv2d', async () => {
    await same({
      inputs: { x: f32([1, 7, 7, 3], 1), v: f32([2, 9, 3], 11) },
      consts: { w: f32([3, 3, 3, 4], 2), dw: f32([3, 3, 3, 2], 3), w1: f32([3, 3, 2], 12) },
      nodes: {
        a: node('Conv2D', ['x', 'w'], conv([1, 2, 2, 1], 'SAME', { data_format: s('NHWC'), dilations: ints([1, 1, 1, 1]) })),
        b: node('Conv2D', ['x', 'w'], conv([1, 1, 1, 1], 'VALID', { dilations: ints([1, 2, 2, 1]) })),
        c: node('Conv2D', ['x', 'w'], conv([1, 2, 1, 1], 'EXPLICIT', { dilations: ints([1, 1, 1, 1]), explicit_paddings: ints([0, 0, 1, 2, 0, 1, 0, 0]) })),
        d: node('DepthwiseConv2dNative', ['x', 'dw'], conv([1, 2, 2, 1], 'SAME', { dilations: ints([1, 1, 1, 1]) })),
        e: node('DepthwiseConv2dNative', ['x', 'dw'], conv([1, 1, 1, 1], 'VALID', { dilations: ints([1, 2, 2, 1]) })),
        f: node('DepthwiseConv2d', ['x', 'dw'], conv([1, 1, 1, 1], 'SAME', { dilations: ints([1, 1, 1, 1]) })),
        g: node('Conv1D', ['v', 'w1'], { ...T, stride: A.i(2), padding: s('SAME'), data_format: s('NWC'), dilation: A.i(1) }),
        h: node('Conv1D', ['v', 'w1'], { ...T, stride: A.i(1), padding: s('VALID'), dilation: A.i(2) }),
      },
      outputs: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
    });
  });

  test('Conv2D, DepthwiseConv2dNative, _FusedConv2D NCHW (SAME, EXPLICIT) = the NHWC ops between Transposes', async () => {
    const inputs = { x: f32([1, 3, 6, 5], 4) };
    const consts = { w: f32([3, 3, 3, 4], 5), dw: f32([2, 2, 3, 1], 6), b: f32([4], 7), toC: perm([0, 2, 3, 1]), toF: perm([0, 3, 1, 2]) };
    const fused = (fmt: string) => ({ ...conv(fmt === 'NCHW' ? [1, 1, 2, 2] : [1, 2, 2, 1], 'SAME'), data_format: s(fmt), dilations: ints([1, 1, 1, 1]), fused_ops: A.strings(['BiasAdd', 'Relu']), num_args: A.i(1) });
    await same(
      {
        inputs, consts,
        nodes: {
          a: node('Conv2D', ['x', 'w'], conv([1, 1, 2, 2], 'SAME', { data_format: s('NCHW'), dilations: ints([1, 1, 1, 1]) })),
          c: node('Conv2D', ['x', 'w'], conv([1, 1, 1, 1], 'EXPLICIT', { data_format: s('NCHW'), dilations: ints([1, 1, 1, 1]), explicit_paddings: ints([0, 0, 0, 0, 2, 1, 1, 0]) })),
          d: node('DepthwiseConv2dNative', ['x', 'dw'], conv([1, 1, 1, 1], 'VALID', { data_format: s('NCHW'), dilations: ints([1, 1, 2, 2]) })),
          f: node('_FusedConv2D', ['x', 'w', 'b'], fused('NCHW')),
        },
        outputs: ['a', 'c', 'd', 'f'],
      },
      {
        inputs, consts,
        nodes: {
          xt: tr('x', 'toC'),
          a0: node('Conv2D', ['xt', 'w'], conv([1, 2, 2, 1], 'SAME', { dilations: ints([1, 1, 1, 1]) })),
          a: tr('a0', 'toF'),
          c0: node('Conv2D', ['xt', 'w'], conv([1, 1, 1, 1], 'EXPLICIT', { dilations: ints([1, 1, 1, 1]), explicit_paddings: ints([0, 0, 2, 1, 1, 0, 0, 0]) })),
          c: tr('c0', 'toF'),
          d0: node('DepthwiseConv2dNative', ['xt', 'dw'], conv([1, 1, 1, 1], 'VALID', { dilations: ints([1, 2, 2, 1]) })),
          d: tr('d0', 'toF'),
          f0: node('_FusedConv2D', ['xt', 'w', 'b'], fused('NHWC')),
          f: tr('f0', 'toF'),
        },
        outputs: ['a', 'c', 'd', 'f'],
      },
    );
  });

  test('_FusedConv2D and FusedDepthwiseConv2dNative: BiasAdd with every TensorFlow.js activation', async () => {
    const fused = (ops: string[], extra = {}) => ({ ...conv([1, 1, 1, 1], 'SAME'), dilations: ints([1, 1, 1, 1]), fused_ops: A.strings(ops), num_args: A.i(ops.includes('Prelu') ? 2 : 1), ...extra });
    await same({
      inputs: { x: f32([1, 5, 5, 2], 8) },
      consts: { w: f32([3, 3, 2, 3], 9), b: f32([3], 10), a: f32([3], 11, 0, 1), dw: f32([3, 3, 2, 2], 12), db: f32([4], 13), da: f32([4], 14, 0, 1) },
      nodes: {
        linear: node('_FusedConv2D', ['x', 'w', 'b'], fused(['BiasAdd'])),
        relu: node('_FusedConv2D', ['x', 'w', 'b'], fused(['BiasAdd', 'Relu'])),
        relu6: node('_FusedConv2D', ['x', 'w', 'b'], fused(['BiasAdd', 'Relu6'])),
        elu: node('_FusedConv2D', ['x', 'w', 'b'], fused(['BiasAdd', 'Elu'])),
        leaky: node('_FusedConv2D', ['x', 'w', 'b'], fused(['BiasAdd', 'LeakyRelu'], { leakyrelu_alpha: A.f(0.3) })),
        prelu: node('_FusedConv2D', ['x', 'w', 'b', 'a'], fused(['BiasAdd', 'Prelu'])),
        sigmoid: node('_FusedConv2D', ['x', 'w', 'b'], fused(['BiasAdd', 'Sigmoid'])),
        dPrelu: node('FusedDepthwiseConv2dNative', ['x', 'dw', 'db', 'da'], { ...fused(['BiasAdd', 'Prelu']), strides: ints([1, 2, 2, 1]), padding: s('VALID') }),
      },
      outputs: ['linear', 'relu', 'relu6', 'elu', 'leaky', 'prelu', 'sigmoid', 'dPrelu'],
    });
  });

  test('_FusedConv2D with FusedBatchNorm (none, Relu, Relu6, Elu, LeakyRelu, Sigmoid, Tanh) and BiasAdd+Tanh, NHWC and NCHW = Conv2D + FusedBatchNormV3 / BiasAdd + activation', async () => {
    // TensorFlow.js rejects _FusedConv2D with FusedBatchNorm (and a Tanh activation): the reference is the unfused graph.
    const inputs = { x: f32([1, 5, 5, 2], 15) };
    const consts = {
      w: f32([3, 3, 2, 3], 16), scale: f32([3], 17), offset: f32([3], 18), mean: f32([3], 19), variance: f32([3], 20, 0.25, 2), b: f32([3], 21),
      toC: perm([0, 2, 3, 1]), toF: perm([0, 3, 1, 2]),
    };
    const acts = [[], ['Relu'], ['Relu6'], ['Elu'], ['LeakyRelu'], ['Sigmoid'], ['Tanh']];
    const bn = ['scale', 'offset', 'mean', 'variance'];
    const c: GraphCase = { inputs, consts, nodes: {}, outputs: [] };
    const ref: GraphCase = { inputs, consts, nodes: { y: node('Conv2D', ['x', 'w'], conv([1, 1, 1, 1], 'SAME', { dilations: ints([1, 1, 1, 1]) })) }, outputs: [] };
    const fusedAttrs = (ops: string[], fmt: string) => ({
      ...conv([1, 1, 1, 1], 'SAME'), data_format: s(fmt), dilations: ints([1, 1, 1, 1]), fused_ops: A.strings(ops), num_args: A.i(ops[0] === 'BiasAdd' ? 1 : 4), epsilon: A.f(0.01), leakyrelu_alpha: A.f(0.1),
    });
    // NCHW input for the channels-first cases: the reference transposes it to NHWC.
    c.inputs = { x: inputs.x, xc: { ...inputs.x, shape: [1, 2, 5, 5], data: nchw(inputs.x.data, [1, 5, 5, 2]) } };
    ref.inputs = c.inputs;
    ref.nodes.xct = tr('xc', 'toC');
    ref.nodes.yc = node('Conv2D', ['xct', 'w'], conv([1, 1, 1, 1], 'SAME', { dilations: ints([1, 1, 1, 1]) }));
    ref.nodes.bn = node('FusedBatchNormV3', ['y', ...bn], { ...T, U: A.type('DT_FLOAT'), epsilon: A.f(0.01), is_training: A.b(false) });
    ref.nodes.bnc = node('FusedBatchNormV3', ['yc', ...bn], { ...T, U: A.type('DT_FLOAT'), epsilon: A.f(0.01), is_training: A.b(false) });
    ref.nodes.ba = node('BiasAdd', ['y', 'b'], T);
    acts.forEach((act, k) => {
      const refAct = (from: string, name: string): string => {
        if (!act.length) return from;
        ref.nodes[name] = node(act[0], [from], act[0] === 'LeakyRelu' ? { ...T, alpha: A.f(0.1) } : T);
        return name;
      };
      c.nodes[`n${k}`] = node('_FusedConv2D', ['x', 'w', ...bn], fusedAttrs(['FusedBatchNorm', ...act], 'NHWC'));
      c.nodes[`c${k}`] = node('_FusedConv2D', ['xc', 'w', ...bn], fusedAttrs(['FusedBatchNorm', ...act], 'NCHW'));
      c.outputs.push(`n${k}`, `c${k}`);
      const rn = refAct('bn', `rn${k}`);
      const rc = refAct('bnc', `rc${k}`);
      ref.nodes[`rct${k}`] = tr(rc, 'toF');
      ref.outputs.push(rn, `rct${k}`);
    });
    c.nodes.tanh = node('_FusedConv2D', ['x', 'w', 'b'], fusedAttrs(['BiasAdd', 'Tanh'], 'NHWC'));
    c.outputs.push('tanh');
    ref.nodes.rtanh = node('Tanh', ['ba'], T);
    ref.outputs.push('rtanh');
    await same(c, ref);
  });

  test('Conv2DBackpropInput: SAME stride 2, VALID, EXPLICIT, NCHW (= NHWC between Transposes)', async () => {
    const inputs = { dy: f32([1, 3, 3, 2], 22), dyc: f32([1, 2, 3, 3], 23) };
    const consts = { w: f32([3, 3, 4, 2], 24), size: i32v([1, 6, 6, 4]), size5: i32v([1, 5, 5, 4]), sizeE: i32v([1, 4, 2, 4]), sizeC: i32v([1, 4, 6, 6]), toC: perm([0, 2, 3, 1]), toF: perm([0, 3, 1, 2]) };
    const bp = (strides: number[], padding: string, extra = {}) => ({ ...conv(strides, padding), dilations: ints([1, 1, 1, 1]), ...extra });
    const nodes = {
      a: node('Conv2DBackpropInput', ['size', 'w', 'dy'], bp([1, 2, 2, 1], 'SAME')),
      b: node('Conv2DBackpropInput', ['size5', 'w', 'dy'], bp([1, 1, 1, 1], 'VALID')),
      e: node('Conv2DBackpropInput', ['sizeE', 'w', 'dy'], bp([1, 1, 1, 1], 'EXPLICIT', { explicit_paddings: ints([0, 0, 1, 0, 2, 1, 0, 0]) })),
    };
    await same({ inputs, consts, nodes: { ...nodes, c: node('Conv2DBackpropInput', ['sizeC', 'w', 'dyc'], bp([1, 1, 2, 2], 'SAME', { data_format: s('NCHW') })) }, outputs: ['a', 'b', 'e', 'c'] }, {
      inputs, consts,
      nodes: { ...nodes, dyt: tr('dyc', 'toC'), c0: node('Conv2DBackpropInput', ['size', 'w', 'dyt'], bp([1, 2, 2, 1], 'SAME')), c: tr('c0', 'toF') },
      outputs: ['a', 'b', 'e', 'c'],
    });
  });

  test('MaxPool / AvgPool: SAME, VALID, NCHW (= NHWC between Transposes), MaxPool EXPLICIT (= PadV2 with -1e9 + VALID)', async () => {
    const inputs = { x: f32([1, 5, 6, 2], 25) };
    const consts = { toC: perm([0, 2, 3, 1]), toF: perm([0, 3, 1, 2]), pads: i32v([0, 0, 1, 2, 0, 1, 0, 0], [4, 2]), low: f32s(-1e9) };
    const p = (k: number[], st: number[], padding: string, extra = {}) => ({ ...T, ksize: ints(k), strides: ints(st), padding: s(padding), ...extra });
    const nodes = {
      m1: node('MaxPool', ['x'], p([1, 3, 3, 1], [1, 2, 2, 1], 'SAME')),
      m2: node('MaxPool', ['x'], p([1, 2, 3, 1], [1, 1, 2, 1], 'VALID')),
      a1: node('AvgPool', ['x'], p([1, 3, 3, 1], [1, 2, 2, 1], 'SAME')),
      a2: node('AvgPool', ['x'], p([1, 2, 2, 1], [1, 1, 1, 1], 'VALID', { data_format: s('NHWC') })),
    };
    await same(
      {
        inputs, consts,
        nodes: {
          ...nodes,
          xc: tr('x', 'toF'),
          mc: node('MaxPool', ['xc'], p([1, 1, 3, 3], [1, 1, 2, 2], 'SAME', { data_format: s('NCHW') })),
          ac: node('AvgPool', ['xc'], p([1, 1, 2, 3], [1, 1, 1, 2], 'VALID', { data_format: s('NCHW') })),
          me: node('MaxPool', ['x'], p([1, 3, 2, 1], [1, 2, 1, 1], 'EXPLICIT', { explicit_paddings: ints([0, 0, 1, 2, 0, 1, 0, 0]) })),
        },
        outputs: ['m1', 'm2', 'a1', 'a2', 'mc', 'ac', 'me'],
      },
      {
        inputs, consts,
        nodes: {
          ...nodes,
          mc0: node('MaxPool', ['x'], p([1, 3, 3, 1], [1, 2, 2, 1], 'SAME')),
          mc: tr('mc0', 'toF'),
          ac0: node('AvgPool', ['x'], p([1, 2, 3, 1], [1, 1, 2, 1], 'VALID')),
          ac: tr('ac0', 'toF'),
          xp: node('PadV2', ['x', 'pads', 'low'], T),
          me: node('MaxPool', ['xp'], p([1, 3, 2, 1], [1, 2, 1, 1], 'VALID')),
        },
        outputs: ['m1', 'm2', 'a1', 'a2', 'mc', 'ac', 'me'],
      },
    );
  });

  test('MaxPoolWithArgmax (SAME, VALID, include_batch_in_index); Dilation2D (SAME with strides, VALID with rates)', async () => {
    const p = (k: number[], st: number[], padding: string, batch: boolean) => ({ ...T, Targmax: A.type('DT_INT64'), ksize: ints(k), strides: ints(st), padding: s(padding), include_batch_in_index: A.b(batch) });
    const d = (st: number[], rates: number[], padding: string) => ({ ...T, strides: ints(st), rates: ints(rates), padding: s(padding) });
    // Distinct values: on ties TensorFlow.js's WebGPU kernel takes the last maximum, TensorFlow (and wgflow) the first.
    await same({
      inputs: { x: f32([2, 5, 4, 2], Array.from({ length: 80 }, (_, k) => ((k * 37) % 80) / 16 - 2.5)) },
      consts: { f: f32([2, 3, 2], 51, -1, 1) },
      nodes: {
        m1: node('MaxPoolWithArgmax', ['x'], p([1, 3, 2, 1], [1, 2, 2, 1], 'SAME', false)),
        m2: node('MaxPoolWithArgmax', ['x'], p([1, 2, 2, 1], [1, 1, 2, 1], 'VALID', true)),
        d1: node('Dilation2D', ['x', 'f'], d([1, 2, 1, 1], [1, 1, 1, 1], 'SAME')),
        d2: node('Dilation2D', ['x', 'f'], d([1, 1, 1, 1], [1, 2, 1, 1], 'VALID')),
      },
      outputs: ['m1', 'm1:1', 'm2', 'm2:1', 'd1', 'd2'],
    });
  });

  test('Conv3D (SAME stride 2, VALID), MaxPool3D, AvgPool3D (SAME, VALID)', async () => {
    const p = (k: number[], st: number[], padding: string) => ({ ...T, ksize: ints(k), strides: ints(st), padding: s(padding), data_format: s('NDHWC') });
    await same({
      inputs: { x: f32([1, 4, 4, 3, 2], 26) },
      consts: { w: f32([2, 2, 2, 2, 3], 27) },
      nodes: {
        c1: node('Conv3D', ['x', 'w'], { ...conv([1, 2, 2, 2, 1], 'SAME'), data_format: s('NDHWC'), dilations: ints([1, 1, 1, 1, 1]) }),
        c2: node('Conv3D', ['x', 'w'], { ...conv([1, 1, 1, 1, 1], 'VALID'), data_format: s('NDHWC'), dilations: ints([1, 1, 1, 1, 1]) }),
        m1: node('MaxPool3D', ['x'], p([1, 2, 2, 2, 1], [1, 2, 2, 2, 1], 'SAME')),
        m2: node('MaxPool3D', ['x'], p([1, 3, 2, 2, 1], [1, 1, 1, 1, 1], 'VALID')),
        a1: node('AvgPool3D', ['x'], p([1, 2, 3, 2, 1], [1, 2, 1, 2, 1], 'SAME')),
        a2: node('AvgPool3D', ['x'], p([1, 2, 2, 2, 1], [1, 1, 2, 1, 1], 'VALID')),
      },
      outputs: ['c1', 'c2', 'm1', 'm2', 'a1', 'a2'],
    });
  });

  test('Conv3D, MaxPool3D, AvgPool3D NCDHW = NDHWC between Transposes', async () => {
    const inputs = { x: f32([1, 2, 4, 3, 3], 28) };
    const consts = { w: f32([2, 2, 2, 2, 3], 29), toC: perm([0, 2, 3, 4, 1]), toF: perm([0, 4, 1, 2, 3]) };
    const p = (k: number[], st: number[], padding: string, fmt: string) => ({ ...T, ksize: ints(k), strides: ints(st), padding: s(padding), data_format: s(fmt) });
    await same(
      {
        inputs, consts,
        nodes: {
          c: node('Conv3D', ['x', 'w'], { ...conv([1, 1, 2, 1, 1], 'SAME'), data_format: s('NCDHW'), dilations: ints([1, 1, 1, 1, 1]) }),
          m: node('MaxPool3D', ['x'], p([1, 1, 2, 2, 2], [1, 1, 2, 1, 2], 'SAME', 'NCDHW')),
          a: node('AvgPool3D', ['x'], p([1, 1, 2, 2, 2], [1, 1, 1, 1, 1], 'VALID', 'NCDHW')),
        },
        outputs: ['c', 'm', 'a'],
      },
      {
        inputs, consts,
        nodes: {
          xt: tr('x', 'toC'),
          c0: node('Conv3D', ['xt', 'w'], { ...conv([1, 2, 1, 1, 1], 'SAME'), data_format: s('NDHWC'), dilations: ints([1, 1, 1, 1, 1]) }),
          c: tr('c0', 'toF'),
          m0: node('MaxPool3D', ['xt'], p([1, 2, 2, 2, 1], [1, 2, 1, 2, 1], 'SAME', 'NDHWC')),
          m: tr('m0', 'toF'),
          a0: node('AvgPool3D', ['xt'], p([1, 2, 2, 2, 1], [1, 1, 1, 1, 1], 'VALID', 'NDHWC')),
          a: tr('a0', 'toF'),
        },
        outputs: ['c', 'm', 'a'],
      },
    );
  });
});

/** NHWC data reordered as NCHW. */
function nchw(data: number[], [n, h, w, c]: number[]): number[] {
  const out: number[] = [];
  for (let b = 0; b < n; b++) for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.push(data[((b * h + y) * w + x) * c + k]);
  return out;
}

describe('op table vs TensorFlow.js: normalization', () => {
  test('FusedBatchNorm, V2, V3 (NHWC); LRN (defaults, attributes); EuclideanNorm (keep_dims, negative axis); Softmax; LogSoftmax', async () => {
    const bn = { ...T, U: A.type('DT_FLOAT'), is_training: A.b(false) };
    await same({
      inputs: { x: f32([2, 3, 2, 3], 30) },
      consts: { scale: f32([3], 31), offset: f32([3], 32), mean: f32([3], 33), variance: f32([3], 34, 0.25, 2), ax: i32v([1, -1]), ax1: i32v([2]) },
      nodes: {
        b1: node('FusedBatchNorm', ['x', 'scale', 'offset', 'mean', 'variance'], { ...bn, epsilon: A.f(0.001) }),
        b2: node('FusedBatchNormV2', ['x', 'scale', 'offset', 'mean', 'variance'], { ...bn, epsilon: A.f(0.5), data_format: s('NHWC') }),
        b3: node('FusedBatchNormV3', ['x', 'scale', 'offset', 'mean', 'variance'], bn),
        l1: node('LRN', ['x'], T),
        l2: node('LRN', ['x'], { ...T, depth_radius: A.i(1), bias: A.f(2), alpha: A.f(0.5), beta: A.f(0.75) }),
        e1: node('EuclideanNorm', ['x', 'ax'], { ...T, keep_dims: A.b(true), Tidx: A.type('DT_INT32') }),
        e2: node('EuclideanNorm', ['x', 'ax1'], { ...T, keep_dims: A.b(false), Tidx: A.type('DT_INT32') }),
        sm: node('Softmax', ['x'], T),
        ls: node('LogSoftmax', ['x'], T),
      },
      outputs: ['b1', 'b2', 'b3', 'l1', 'l2', 'e1', 'e2', 'sm', 'ls'],
    });
  });

  test('FusedBatchNormV3 NCHW = NHWC between Transposes', async () => {
    const inputs = { x: f32([1, 3, 2, 4], 35) };
    const consts = { scale: f32([3], 36), offset: f32([3], 37), mean: f32([3], 38), variance: f32([3], 39, 0.25, 2), toC: perm([0, 2, 3, 1]), toF: perm([0, 3, 1, 2]) };
    const bn = { ...T, U: A.type('DT_FLOAT'), is_training: A.b(false), epsilon: A.f(0.01) };
    await same(
      { inputs, consts, nodes: { y: node('FusedBatchNormV3', ['x', 'scale', 'offset', 'mean', 'variance'], { ...bn, data_format: s('NCHW') }) }, outputs: ['y'] },
      {
        inputs, consts,
        nodes: { xt: tr('x', 'toC'), y0: node('FusedBatchNormV3', ['xt', 'scale', 'offset', 'mean', 'variance'], bn), y: tr('y0', 'toF') },
        outputs: ['y'],
      },
    );
  });
});

describe('op table vs TensorFlow.js: image', () => {
  test('ResizeBilinear and ResizeNearestNeighbor: plain, align_corners, half_pixel_centers (up and down)', async () => {
    const r = (align: boolean, half: boolean) => ({ ...T, align_corners: A.b(align), half_pixel_centers: A.b(half) });
    await same({
      inputs: { x: f32([1, 4, 5, 2], 40) },
      consts: { up: i32v([7, 6]), down: i32v([3, 2]) },
      nodes: {
        b1: node('ResizeBilinear', ['x', 'up'], r(false, false)),
        b2: node('ResizeBilinear', ['x', 'up'], r(true, false)),
        b3: node('ResizeBilinear', ['x', 'down'], r(false, true)),
        b4: node('ResizeBilinear', ['x', 'down'], r(true, false)),
        n1: node('ResizeNearestNeighbor', ['x', 'up'], r(false, false)),
        n2: node('ResizeNearestNeighbor', ['x', 'up'], r(true, false)),
        n3: node('ResizeNearestNeighbor', ['x', 'down'], r(false, true)),
        n4: node('ResizeNearestNeighbor', ['x', 'up'], r(false, true)),
      },
      outputs: ['b1', 'b2', 'b3', 'b4', 'n1', 'n2', 'n3', 'n4'],
    });
  });

  test('CropAndResize: bilinear and nearest, boxes past the edges (extrapolation_value), flipped boxes', async () => {
    await same({
      inputs: { x: f32([2, 5, 4, 2], 41) },
      consts: { boxes: f32([3, 4], [0.1, 0.2, 0.8, 0.9, -0.2, 0.5, 1.3, 1.1, 0.9, 0.7, 0.2, 0.1]), ind: i32v([0, 1, 1]), size: i32v([3, 4]) },
      nodes: {
        b: node('CropAndResize', ['x', 'boxes', 'ind', 'size'], { ...T, method: s('bilinear'), extrapolation_value: A.f(-1) }),
        n: node('CropAndResize', ['x', 'boxes', 'ind', 'size'], { ...T, method: s('nearest'), extrapolation_value: A.f(0.5) }),
      },
      outputs: ['b', 'n'],
    });
  });

  test('ImageProjectiveTransformV3: NEAREST/BILINEAR, fill modes CONSTANT/REFLECT/WRAP/NEAREST, output shape', async () => {
    const t = (interp: string, fill: string) => ({ dtype: A.type('DT_FLOAT'), interpolation: s(interp), fill_mode: s(fill) });
    await same({
      inputs: { x: f32([2, 4, 5, 1], 42) },
      consts: {
        tf: f32([2, 8], [0.9, 0.2, 1.53, -0.1, 1.1, -0.71, 0.013, 0.021, 1.17, 0.03, -1.29, 0.31, 0.83, 0.47, 0, 0]),
        shape: i32v([4, 5]), shape2: i32v([3, 6]), fill: f32s(0.75),
      },
      nodes: {
        a: node('ImageProjectiveTransformV3', ['x', 'tf', 'shape', 'fill'], t('NEAREST', 'CONSTANT')),
        b: node('ImageProjectiveTransformV3', ['x', 'tf', 'shape', 'fill'], t('BILINEAR', 'CONSTANT')),
        c: node('ImageProjectiveTransformV3', ['x', 'tf', 'shape2', 'fill'], t('BILINEAR', 'REFLECT')),
        d: node('ImageProjectiveTransformV3', ['x', 'tf', 'shape', 'fill'], t('NEAREST', 'WRAP')),
        e: node('ImageProjectiveTransformV3', ['x', 'tf', 'shape2', 'fill'], t('BILINEAR', 'NEAREST')),
      },
      outputs: ['a', 'b', 'c', 'd', 'e'],
    });
  });
});

describe('op table vs TensorFlow.js: matrices', () => {
  test('MatMul, BatchMatMul(V2) with transposes; _FusedMatMul (Relu6, Prelu); Transpose; Einsum; MatrixBandPart', async () => {
    const mm = (ta: boolean, tb: boolean) => ({ ...T, transpose_a: A.b(ta), transpose_b: A.b(tb) });
    const bmm = (ta: boolean, tb: boolean) => ({ ...T, adj_x: A.b(ta), adj_y: A.b(tb) });
    const fm = (ops: string[], extra = {}) => ({ ...mm(false, true), fused_ops: A.strings(ops), num_args: A.i(ops.includes('Prelu') ? 2 : 1), ...extra });
    const ein = (eq: string, n: number) => ({ ...T, equation: s(eq), N: A.i(n) });
    const band = { ...T, Tindex: A.type('DT_INT32') };
    await same({
      inputs: { a: f32([3, 4], 43), b: f32([2, 4, 3], 44) },
      consts: {
        m: f32([4, 5], 45), mt: f32([5, 4], 46), bias: f32([5], 47), alpha: f32([5], 48, 0, 1), p: i32v([1, 0]), p3: i32v([0, 2, 1]),
        lo1: i32v([1], []), neg: i32v([-1], []),
      },
      nodes: {
        m1: node('MatMul', ['a', 'm'], mm(false, false)),
        m2: node('MatMul', ['a', 'mt'], mm(false, true)),
        bm: node('BatchMatMulV2', ['a', 'b'], bmm(false, false)),
        bm1: node('BatchMatMul', ['b', 'a'], bmm(true, true)),
        f1: node('_FusedMatMul', ['a', 'mt', 'bias'], fm(['BiasAdd', 'Relu6'])),
        f2: node('_FusedMatMul', ['a', 'mt', 'bias', 'alpha'], fm(['BiasAdd', 'Prelu'])),
        t1: node('Transpose', ['a', 'p'], { ...T, Tperm: A.type('DT_INT32') }),
        t2: node('Transpose', ['b', 'p3'], { ...T, Tperm: A.type('DT_INT32') }),
        e2: node('Einsum', ['b', 'a'], ein('bji,ij->bj', 2)),
        e3: node('Einsum', ['a'], ein('ij->ji', 1)),
        e4: node('Einsum', ['a', 'a'], ein('ij,ij->i', 2)),
        k1: node('MatrixBandPart', ['b', 'lo1', 'lo1'], band),
        k2: node('MatrixBandPart', ['a', 'neg', 'neg'], band),
      },
      outputs: ['m1', 'm2', 'bm', 'bm1', 'f1', 'f2', 't1', 't2', 'e2', 'e3', 'e4', 'k1', 'k2'],
    });
  });

  test('MatrixBandPart with num_lower ≠ num_upper = Mul by the band mask', async () => {
    // TensorFlow.js's converter reads num_upper from input 1 (num_lower's), so it is the reference only when both
    // are equal (above); here the reference multiplies by the band mask, built with loops.
    const mask = (m: number, n: number, lo: number, hi: number) =>
      f32([m, n], Array.from({ length: m * n }, (_, k) => {
        const [i, j] = [Math.floor(k / n), k % n];
        return (lo < 0 || i - j <= lo) && (hi < 0 || j - i <= hi) ? 1 : 0;
      }));
    const inputs = { b: f32([2, 4, 3], 49) };
    const consts = { lo: i32v([2], []), hi: i32v([0], []), neg: i32v([-1], []), m1: mask(4, 3, 2, 0), m2: mask(4, 3, -1, 1), m3: mask(4, 3, 0, -1), one: i32v([1], []) };
    const band = { ...T, Tindex: A.type('DT_INT32') };
    await same(
      {
        inputs, consts,
        nodes: { k1: node('MatrixBandPart', ['b', 'lo', 'hi'], band), k2: node('MatrixBandPart', ['b', 'neg', 'one'], band), k3: node('MatrixBandPart', ['b', 'hi', 'neg'], band) },
        outputs: ['k1', 'k2', 'k3'],
      },
      { inputs, consts, nodes: { k1: node('Mul', ['b', 'm1'], T), k2: node('Mul', ['b', 'm2'], T), k3: node('Mul', ['b', 'm3'], T) }, outputs: ['k1', 'k2', 'k3'] },
    );
  });
});

describe('op table: bad attributes of the spatial ops', () => {
  test('unknown padding or data_format, training-mode batch norm, dilated Conv2DBackpropInput: errors naming the node', async () => {
    const x = f32([1, 4, 4, 2], 52);
    const consts = { w: f32([2, 2, 2, 2], 53), v: f32([2], 54, 0.5, 1), size: i32v([1, 4, 4, 2]) };
    const cases: [Record<string, ReturnType<typeof node>>, RegExp][] = [
      [{ y: node('Conv2D', ['x', 'w'], conv([1, 1, 1, 1], 'FULL')) }, /node "y" \(Conv2D\): padding 'FULL' is not supported/],
      [{ y: node('MaxPool', ['x'], { ...T, ksize: ints([1, 2, 2, 1]), strides: ints([1, 1, 1, 1]), padding: s('VALID'), data_format: s('NCHW_VECT_C') }) }, /data_format 'NCHW_VECT_C' is not supported/],
      [{ y: node('AvgPool', ['x'], { ...T, ksize: ints([1, 2, 2, 1]), strides: ints([1, 1, 1, 1]), padding: s('EXPLICIT') }) }, /padding 'EXPLICIT' is not supported \(SAME, VALID\)/],
      [{ y: node('FusedBatchNormV3', ['x', 'v', 'v', 'v', 'v'], { ...T, is_training: A.b(true) }) }, /is_training=true .* not supported/],
      [{ y: node('Conv2DBackpropInput', ['size', 'w', 'x'], { ...conv([1, 1, 1, 1], 'SAME'), dilations: ints([1, 2, 2, 1]) }) }, /dilations \[2, 2\] are not supported/],
      [{ y: node('_FusedConv2D', ['x', 'w', 'v'], { ...conv([1, 1, 1, 1], 'SAME'), fused_ops: A.strings(['BiasAdd', 'Softplus']), num_args: A.i(1) }) }, /fused activation Softplus is not supported/],
    ];
    for (const [nodes, message] of cases) {
      for (const mode of ['graph', 'eager'] as const) {
        await expect(wgOutputs({ inputs: { x }, consts, nodes, outputs: ['y'] }, mode), `${Object.values(nodes)[0].op} (${mode})`).rejects.toThrow(message);
      }
    }
  });
});
