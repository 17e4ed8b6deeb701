// Misuse of the convolutions and fused ops on WebGPU (conv1d, conv2d, depthwiseConv2d, separableConv2d,
// conv2dTranspose, wg.fused.conv2d / depthwiseConv2d / matMul): the right error class naming the op and the
// shapes, thrown at the call with the caller's location, nothing allocated; the engine keeps working (checked after
// the conv2d errors: the other ops' kernels compile in the fixture suites).
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { badCall } from '../helpers/bad_input';

const bad = badCall('bad_input_conv.test.ts');

/** Values 0, 0.1, 0.2… laid out in `shape` (float32). */
const ramp = (shape: number[]) => wg.tidy(() => wg.reshape(wg.range(0, shape.reduce((a, b) => a * b, 1)).mul(0.1), shape));

/** After the errors, a correct call gives the right shape (and the engine still computes). */
async function expectFinite(make: () => wg.Tensor, shape: number[]): Promise<void> {
  await wg.scope(async () => {
    const t = make();
    expect([...t.shape]).toEqual(shape);
    expect(Array.from(await t.data()).every(Number.isFinite)).toBe(true);
  });
}

describe('conv2d', () => {
  test('input and filter channels that do not match', async () => {
    const x = ramp([1, 5, 5, 3]);
    const f = ramp([3, 3, 2, 4]);
    const e = bad(new Error(), () => wg.conv2d(x, f, 1, 'same'), 'conv2d', ['conv2d:', '3 input channels', 'expects 2', 'x: [1,5,5,3]', 'filter: [3,3,2,4]']);
    expect(e.shapes).toEqual([[1, 5, 5, 3], [3, 3, 2, 4]]);
    // NCHW reads the channels from dimension 1.
    bad(new Error(), () => wg.conv2d(x, f, 1, 'same', 'NCHW'), 'conv2d', ['conv2d:', '5 input channels', 'expects 2', '[1,5,5,3]']);
    await expectFinite(() => wg.conv2d(x, ramp([3, 3, 3, 4]), 1, 'same'), [1, 5, 5, 4]);
    wg.dispose([x, f]);
  });

  test('rank mismatches', () => {
    const f = ramp([3, 3, 2, 4]);
    const x2 = ramp([5, 2]);
    bad(new Error(), () => wg.conv2d(x2, f, 1, 'same'), 'conv2d', ['conv2d:', 'x must be rank 4', 'got rank 2', '[5,2]', '[3,3,2,4]']);
    const x = ramp([1, 5, 5, 2]);
    const f3 = ramp([3, 3, 2]);
    bad(new Error(), () => wg.conv2d(x, f3, 1, 'same'), 'conv2d', ['conv2d:', 'filter must be rank 4', 'got rank 3', '[1,5,5,2]', '[3,3,2]']);
    wg.dispose([f, x2, x, f3]);
  });

  test("a kernel larger than the input with 'valid' padding", async () => {
    const x = ramp([1, 3, 4, 1]);
    const f = ramp([5, 2, 1, 1]);
    bad(new Error(), () => wg.conv2d(x, f, 1, 'valid'), 'conv2d', ['conv2d:', '5-wide window', 'size 3', 'padding "valid"', '[1,3,4,1]', '[5,2,1,1]']);
    // 'same' pads it: fine.
    await expectFinite(() => wg.conv2d(x, f, 1, 'same'), [1, 3, 4, 1]);
    wg.dispose([x, f]);
  });

  test('zero or negative strides and dilations', () => {
    const x = ramp([1, 5, 5, 2]);
    const f = ramp([3, 3, 2, 2]);
    bad(new Error(), () => wg.conv2d(x, f, 0, 'same'), 'conv2d', ['conv2d:', 'strides must be', 'got 0', '[1,5,5,2]', '[3,3,2,2]']);
    bad(new Error(), () => wg.conv2d(x, f, [-1, 1], 'same'), 'conv2d', ['conv2d:', 'strides must be', '[-1, 1]', '[1,5,5,2]']);
    bad(new Error(), () => wg.conv2d(x, f, [1, 1, 1], 'same'), 'conv2d', ['conv2d:', 'strides must be a number or 2', '[1,5,5,2]']);
    bad(new Error(), () => wg.conv2d(x, f, 1, 'same', 'NHWC', 0), 'conv2d', ['conv2d:', 'dilations must be', 'got 0', '[1,5,5,2]']);
    wg.dispose([x, f]);
  });

  test("strides and dilations both > 1: TensorFlow.js's error and message", () => {
    const x = ramp([1, 9, 9, 2]);
    const f = ramp([3, 3, 2, 2]);
    bad(new Error(), () => wg.conv2d(x, f, [2, 2], 'same', 'NHWC', [2, 2]), 'conv2d', [
      "Error in conv2D: Either strides or dilations must be 1. Got strides 2,2 and dilations '2,2'",
      '[1,9,9,2]',
      '[3,3,2,2]',
    ]);
    bad(new Error(), () => wg.conv2d(x, f, 2, 'valid', 'NHWC', [1, 2]), 'conv2d', ["Got strides 2 and dilations '1,2'"]);
    wg.dispose([x, f]);
  });

  test('a bad pad, dimRoundingMode or dataFormat', () => {
    const x = ramp([1, 5, 5, 2]);
    const f = ramp([3, 3, 2, 2]);
    bad(new Error(), () => wg.conv2d(x, f, 1, 'full' as never), 'conv2d', ['conv2d:', 'pad must be', '"full"', '[1,5,5,2]', '[3,3,2,2]']);
    bad(new Error(), () => wg.conv2d(x, f, 1, -1), 'conv2d', ['conv2d:', 'pad must be', '-1', '[1,5,5,2]']);
    bad(new Error(), () => wg.conv2d(x, f, 1, [[0, 0], [1, 1], [1, 1]]), 'conv2d', ['conv2d:', 'explicit padding must be 4', '[1,5,5,2]']);
    bad(new Error(), () => wg.conv2d(x, f, 1, [[1, 0], [1, 1], [1, 1], [0, 0]]), 'conv2d', ['conv2d:', 'batch and channel pairs [0, 0]', '[1,5,5,2]']);
    bad(new Error(), () => wg.conv2d(x, f, 1, 'same', 'NHWC', 1, 'ceil'), 'conv2d', ['conv2d:', 'dimRoundingMode "ceil" needs a numeric pad', '[1,5,5,2]']);
    bad(new Error(), () => wg.conv2d(x, f, 1, 1, 'NHWC', 1, 'up' as never), 'conv2d', ['conv2d:', "dimRoundingMode must be 'floor', 'round' or 'ceil'", '[1,5,5,2]']);
    bad(new Error(), () => wg.conv2d(x, f, 1, 'same', 'NWHC' as never), 'conv2d', ['conv2d:', "dataFormat must be 'NHWC' or 'NCHW'", '"NWHC"', '[1,5,5,2]']);
    wg.dispose([x, f]);
  });

  test('bool input is a DTypeError; a non-tensor is a ShapeError', async () => {
    const x = wg.tensor([true, false, true, false], [1, 2, 2, 1]);
    const f = ramp([1, 1, 1, 1]);
    bad(new Error(), () => wg.conv2d(x, f, 1, 'same'), 'conv2d', ['conv2d:', 'x must be a numeric tensor', 'bool', '[1,2,2,1]'], wg.DTypeError);
    bad(new Error(), () => wg.conv2d([[1]] as never, f, 1, 'same'), 'conv2d', ['conv2d:', 'x must be a Tensor']);
    // int32 is converted (TensorFlow.js computes in float).
    await wg.scope(async () => {
      const y = wg.conv2d(wg.tensor([1, 2, 3, 4], [1, 2, 2, 1], 'int32'), wg.tensor([2], [1, 1, 1, 1]), 1, 'valid');
      expect(y.dtype).toBe('float32');
      expect(Array.from(await y.data())).toEqual([2, 4, 6, 8]);
    });
    wg.dispose([x, f]);
  });
});

describe('depthwiseConv2d, separableConv2d, conv1d', () => {
  test('depthwiseConv2d: channels, the strides-or-dilations rule', () => {
    const x = ramp([1, 6, 6, 3]);
    const f = ramp([3, 3, 2, 2]);
    bad(new Error(), () => wg.depthwiseConv2d(x, f, 1, 'same'), 'depthwiseConv2d', ['depthwiseConv2d:', '3 input channels', 'expects 2', '[1,6,6,3]', '[3,3,2,2]']);
    const g = ramp([3, 3, 3, 2]);
    bad(new Error(), () => wg.depthwiseConv2d(x, g, 2, 'same', 'NHWC', 2), 'depthwiseConv2d', [
      "Error in depthwiseConv2d: Either strides or dilations must be 1. Got strides 2 and dilations '2'",
      '[1,6,6,3]',
    ]);
    bad(new Error(), () => wg.depthwiseConv2d(x, g, 1, 'valid', 'NHWC', 4), 'depthwiseConv2d', ['depthwiseConv2d:', '9-wide window', 'size 6', '[1,6,6,3]']);
    wg.dispose([x, f, g]);
  });

  test('separableConv2d: the pointwise filter, channels, the rule', () => {
    const x = ramp([1, 5, 5, 2]);
    const df = ramp([3, 3, 2, 2]);
    const pf = ramp([1, 1, 4, 3]);
    const wrongIn = ramp([1, 1, 3, 3]);
    bad(new Error(), () => wg.separableConv2d(x, df, wrongIn, 1, 'same'), 'separableConv2d', ['separableConv2d:', 'inChannels·channelMultiplier = 2·2 = 4', 'got 3', '[1,5,5,2]', '[3,3,2,2]', '[1,1,3,3]']);
    const notPointwise = ramp([2, 1, 4, 3]);
    bad(new Error(), () => wg.separableConv2d(x, df, notPointwise, 1, 'same'), 'separableConv2d', ['separableConv2d:', '1×1', 'got 2×1', '[2,1,4,3]']);
    const df3 = ramp([3, 3, 3, 2]);
    bad(new Error(), () => wg.separableConv2d(x, df3, pf, 1, 'same'), 'separableConv2d', ['separableConv2d:', '2 input channels', 'expects 3', '[1,5,5,2]', '[3,3,3,2]']);
    bad(new Error(), () => wg.separableConv2d(x, df, pf, 2, 'same', 2), 'separableConv2d', ["Either strides or dilations must be 1. Got strides 2 and dilations '2'", '[1,5,5,2]']);
    wg.dispose([x, df, pf, wrongIn, notPointwise, df3]);
  });

  test('conv1d: ranks, channels, stride and dilation', () => {
    const x = ramp([1, 8, 2]);
    const f = ramp([3, 2, 4]);
    const f4 = ramp([1, 3, 2, 4]);
    bad(new Error(), () => wg.conv1d(x, f4, 1, 'same'), 'conv1d', ['conv1d:', 'filter must be rank 3', 'got rank 4', '[1,8,2]', '[1,3,2,4]']);
    const f3c = ramp([3, 3, 4]);
    bad(new Error(), () => wg.conv1d(x, f3c, 1, 'same'), 'conv1d', ['conv1d:', '2 input channels', 'expects 3', '[1,8,2]', '[3,3,4]']);
    bad(new Error(), () => wg.conv1d(x, f, 0, 'same'), 'conv1d', ['conv1d:', 'stride must be a positive integer', 'got 0', '[1,8,2]']);
    bad(new Error(), () => wg.conv1d(x, f, 2, 'same', 'NWC', 2), 'conv1d', ["Error in conv1D: Either stride or dilation must be 1. Got stride 2 and dilation '2'", '[1,8,2]', '[3,2,4]']);
    bad(new Error(), () => wg.conv1d(x, f, 1, 'same', 'NHWC' as never), 'conv1d', ['conv1d:', "dataFormat must be 'NWC' or 'NCW'", '[1,8,2]']);
    const big = ramp([9, 2, 4]);
    bad(new Error(), () => wg.conv1d(x, big, 1, 'valid'), 'conv1d', ['conv1d:', '9-wide window', 'size 8', '[1,8,2]', '[9,2,4]']);
    wg.dispose([x, f, f4, f3c, big]);
  });
});

describe('conv2dTranspose', () => {
  test('channels, outputShape, sizes', () => {
    const x = ramp([1, 4, 4, 3]);
    const f = ramp([3, 3, 2, 3]);
    const fIn = ramp([3, 3, 2, 5]);
    bad(new Error(), () => wg.conv2dTranspose(x, fIn, [1, 8, 8, 2], 2, 'same'), 'conv2dTranspose', ['conv2dTranspose:', 'x has 3 channels', 'expects 5', '[1,4,4,3]', '[3,3,2,5]']);
    bad(new Error(), () => wg.conv2dTranspose(x, f, [1, 8, 8, 4], 2, 'same'), 'conv2dTranspose', ['conv2dTranspose:', 'outputShape [1,8,8,4] has 4 channels', 'makes 2', '[1,4,4,3]', '[3,3,2,3]']);
    bad(new Error(), () => wg.conv2dTranspose(x, f, [8, 8, 2], 2, 'same'), 'conv2dTranspose', ['conv2dTranspose:', 'outputShape must be 4 positive integers', '[1,4,4,3]']);
    bad(new Error(), () => wg.conv2dTranspose(x, f, [1, 12, 8, 2], 2, 'same'), 'conv2dTranspose', ['conv2dTranspose:', "x's spatial size 4×4 does not match outputShape [1,12,8,2]", 'makes 6×4', '[1,4,4,3]']);
    bad(new Error(), () => wg.conv2dTranspose(x, f, [1, 8, 8, 2], 0, 'same'), 'conv2dTranspose', ['conv2dTranspose:', 'strides must be', '[1,4,4,3]']);
    wg.dispose([x, f, fIn]);
  });
});

describe('fused ops', () => {
  test('fused.conv2d: the bias, PReLU weights, the activation', () => {
    const x = ramp([1, 5, 5, 2]);
    const f = ramp([3, 3, 2, 4]);
    const b5 = ramp([5]);
    const b4 = ramp([4]);
    bad(new Error(), () => wg.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', bias: b5 }), 'fused.conv2d', [
      'fused.conv2d:', 'bias of shape [5] does not broadcast to the output [1,5,5,4]', 'x: [1,5,5,2]', 'filter: [3,3,2,4]', 'bias: [5]',
    ]);
    bad(new Error(), () => wg.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', bias: b4, activation: 'prelu' }), 'fused.conv2d', [
      'fused.conv2d:', "activation 'prelu' needs preluActivationWeights", '[1,5,5,2]', '[3,3,2,4]',
    ]);
    bad(new Error(), () => wg.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', activation: 'prelu', preluActivationWeights: b5 }), 'fused.conv2d', [
      'fused.conv2d:', 'preluActivationWeights of shape [5] does not broadcast', 'preluActivationWeights: [5]',
    ]);
    bad(new Error(), () => wg.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', activation: 'tanh' as never }), 'fused.conv2d', [
      'fused.conv2d:', 'unknown fused activation "tanh"', "'relu'", "'sigmoid'",
    ]);
    bad(new Error(), () => wg.fused.conv2d({ x, filter: f, strides: [2, 2], pad: 'same', dilations: 2 }), 'fused.conv2d', [
      "Error in conv2D: Either strides or dilations must be 1. Got strides 2,2 and dilations '2'",
    ]);
    const fBad = ramp([3, 3, 3, 4]);
    bad(new Error(), () => wg.fused.conv2d({ x, filter: fBad, strides: 1, pad: 'same', bias: b4, activation: 'relu' }), 'fused.conv2d', ['fused.conv2d:', '2 input channels', 'expects 3']);
    const bBool = wg.tensor([true, false, true, true]);
    bad(new Error(), () => wg.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', bias: bBool }), 'fused.conv2d', ['fused.conv2d:', 'bias must be a numeric tensor', 'bool'], wg.DTypeError);
    bad(new Error(), () => (wg.fused.conv2d as (...a: unknown[]) => unknown)(x, f, 1, 'same'), 'fused.conv2d', ['fused.conv2d:', 'one options object']);
    // NCHW: the bias is a scalar or per channel.
    const xc = ramp([1, 2, 5, 5]);
    const b2d = ramp([5, 4]);
    bad(new Error(), () => wg.fused.conv2d({ x: xc, filter: f, strides: 1, pad: 'same', dataFormat: 'NCHW', bias: b2d }), 'fused.conv2d', ['fused.conv2d:', 'an NCHW bias must be a scalar or 1-D [4]', '[1,2,5,5]']);
    wg.dispose([x, f, b5, b4, fBad, bBool, xc, b2d]);
  });

  test('fused.depthwiseConv2d: bias size is inChannels·multiplier', () => {
    const x = ramp([1, 5, 5, 2]);
    const f = ramp([3, 3, 2, 3]);
    const b = ramp([3]);
    bad(new Error(), () => wg.fused.depthwiseConv2d({ x, filter: f, strides: 1, pad: 'same', bias: b, activation: 'relu6' }), 'fused.depthwiseConv2d', [
      'fused.depthwiseConv2d:', 'bias of shape [3] does not broadcast to the output [1,5,5,6]', '[1,5,5,2]', '[3,3,2,3]',
    ]);
    wg.dispose([x, f, b]);
  });

  test('fused.matMul: inner dimensions, bias, activation', () => {
    const a = ramp([3, 4]);
    const b = ramp([5, 4]);
    bad(new Error(), () => wg.fused.matMul({ a, b }), 'fused.matMul', ['fused.matMul:', 'inner dimensions differ: 4 vs 5', 'a: [3,4]', 'b: [5,4]']);
    const bias = ramp([4]);
    bad(new Error(), () => wg.fused.matMul({ a, b, transposeB: true, bias }), 'fused.matMul', ['fused.matMul:', 'bias of shape [4] does not broadcast to the output [3,5]', '[3,4]', '[5,4]']);
    bad(new Error(), () => wg.fused.matMul({ a, b, transposeB: true, activation: 'prelu' }), 'fused.matMul', ['fused.matMul:', "'prelu' needs preluActivationWeights"]);
    bad(new Error(), () => wg.fused.matMul({ a, b, transposeB: true, activation: 'swish' as never }), 'fused.matMul', ['fused.matMul:', 'unknown fused activation "swish"']);
    const v = ramp([4]);
    bad(new Error(), () => wg.fused.matMul({ a, b: v }), 'fused.matMul', ['fused.matMul:', 'rank ≥ 2', '[3,4]', '[4]']);
    wg.dispose([a, b, bias, v]);
  });
});

test('a Graph tensor inside wg.fused.conv2d\'s options object, used eagerly, is a GraphModeError naming the op', () => {
  const g = new wg.Graph();
  const x = g.build(() => g.placeholder('float32', [1, 4, 4, 1], 'x'));
  const filter = wg.ones([3, 3, 1, 1]);
  expect(() => wg.fused.conv2d({ x, filter, strides: 1, pad: 'same' })).toThrow(wg.GraphModeError);
  expect(() => wg.fused.conv2d({ x, filter, strides: 1, pad: 'same' })).toThrow(/fusedConv2d: tensor %\d+ belongs to a Graph/);
  filter.dispose();
  g.dispose();
});
