// The op table's first translations (the ops of antispoof, emotion and blazeface), each a tiny graph run by
// wgflow and by TensorFlow.js (tests/helpers/tfjs_graph.ts). The other families have their own suites.
import { describe, test } from 'vitest';
import { A, expectSameAsTfjs, f32, i32v, node } from '../helpers/tfjs_graph';

const T = { T: A.type('DT_FLOAT') };

describe('op table vs TensorFlow.js: convolution, matrices, graph ops', () => {
  test('_FusedConv2D with BiasAdd + Relu, SAME, stride 2', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([1, 7, 7, 3], 1) },
      consts: { w: f32([3, 3, 3, 4], 2), b: f32([4], 3) },
      nodes: { y: node('_FusedConv2D', ['x', 'w', 'b'], { ...T, strides: A.ints([1, 2, 2, 1]), padding: A.s('SAME'), data_format: A.s('NHWC'), dilations: A.ints([1, 1, 1, 1]), fused_ops: A.strings(['BiasAdd', 'Relu']), num_args: A.i(1) }) },
      outputs: ['y'],
    }, { rtol: 1e-4, atol: 1e-4 });
  });

  test('DepthwiseConv2dNative VALID and explicit padding; MaxPool; Pad; Reshape; _FusedMatMul', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([1, 6, 6, 2], 4) },
      consts: { w: f32([3, 3, 2, 1], 5), pads: i32v([0, 0, 1, 1, 1, 1, 0, 0], [4, 2]), shape: i32v([1, -1]), m: f32([18, 3], 6), mb: f32([3], 7) },
      nodes: {
        p: node('Pad', ['x', 'pads'], { ...T }),
        d: node('DepthwiseConv2dNative', ['p', 'w'], { ...T, strides: A.ints([1, 1, 1, 1]), padding: A.s('VALID'), dilations: A.ints([1, 1, 1, 1]) }),
        mp: node('MaxPool', ['d'], { ...T, ksize: A.ints([1, 2, 2, 1]), strides: A.ints([1, 2, 2, 1]), padding: A.s('VALID') }),
        r: node('Reshape', ['mp', 'shape'], { ...T }),
        y: node('_FusedMatMul', ['r', 'm', 'mb'], { ...T, transpose_a: A.b(false), transpose_b: A.b(false), fused_ops: A.strings(['BiasAdd', 'Relu']), num_args: A.i(1) }),
        s: node('Softmax', ['y'], { ...T }),
      },
      outputs: ['d', 'mp', 'y', 's'],
    }, { rtol: 1e-4, atol: 1e-4 });
  });

  test('Mean with keep_dims, AddV2, Sigmoid, Identity', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([2, 3, 4], 8), z: f32([4], 9) },
      consts: { axes: i32v([1]) },
      nodes: {
        m: node('Mean', ['x', 'axes'], { ...T, keep_dims: A.b(true), Tidx: A.type('DT_INT32') }),
        a: node('AddV2', ['m', 'z'], { ...T }),
        s: node('Sigmoid', ['a'], { ...T }),
        y: node('Identity', ['s'], { ...T }),
      },
      outputs: ['m', 'y'],
    });
  });
});
