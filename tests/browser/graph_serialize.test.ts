// Graph save/load: toJSON/save/fromJSON round trips run the same, and malformed files fail clearly.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';

function mlp(): { g: wg.Graph; y: wg.Tensor } {
  const g = new wg.Graph();
  const { y } = g.build(() => {
    const x = g.placeholder('float32', [null, 4], 'x');
    const w1 = wg.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [0.7, -0.8, 0.9], [1.0, 1.1, -1.2]]);
    const h = wg.relu(wg.matMul(x, w1).add(wg.tensor([0.1, 0.2, 0.3])));
    return { y: wg.softmax(h) };
  });
  return { g, y };
}

describe('save and load', () => {
  test('toJSON → JSON text → fromJSON runs the same', async () => {
    const { g, y } = mlp();
    const json = JSON.stringify(g.toJSON());
    const g2 = wg.Graph.fromJSON(json);
    const feed = { x: [[1, 2, 3, 4], [-1, 0, 1, 2]] };
    const s1 = new wg.Session(g);
    const s2 = new wg.Session(g2);
    const a = (await s1.run(y, feed)) as number[][];
    const b = (await s2.run('y', feed)) as number[][];
    expect(b).toEqual(a);
    expect(g2.toString()).toContain('softmax');
    s1.close();
    s2.close();
  });

  test('a captured eager tensor needs save(); save() bakes it in', async () => {
    const w = wg.tensor([1, 2, 3]);
    const g = new wg.Graph();
    const y = g.build(() => ({ y: w.mul(2) })).y;
    expect(() => g.toJSON()).toThrow(wg.SerializationError);
    expect(() => g.toJSON()).toThrow(/await g.save\(\)/);
    const json = await g.save();
    w.dispose();
    g.dispose();
    const s = new wg.Session(wg.Graph.fromJSON(json));
    expect(await s.run('y')).toEqual([2, 4, 6]);
    s.close();
    void y;
  });

  const base = () => mlp().g.toJSON();
  const cases: [string, (j: any) => unknown, RegExp][] = [
    ['not JSON', () => '{"format": "wgflow.graph", "ver', /not valid JSON/],
    ['wrong format', (j) => ({ ...j, format: 'onnx' }), /not a wgflow graph/],
    ['wrong version', (j) => ({ ...j, version: 99 }), /unsupported version 99/],
    ['unknown op', (j) => ((j.nodes[3].op = 'frobnicate'), j), /unknown op "frobnicate"/],
    ['dangling reference', (j) => ((j.nodes[2].args[0] = { $ref: [40, 0] }), j), /dangling, or a cycle/],
    ['cycle', (j) => ((j.nodes[1].args = [{ $ref: [5, 0] }]), j), /dangling, or a cycle/],
    ['bad shape', (j) => ((j.nodes[0].outputs[0].shape = [2.5]), j), /bad shape or dtype/],
    ['tampered output shape', (j) => ((j.nodes[3].outputs[0].shape = [-1, 7]), j), /the file says its outputs are/],
    ['truncated binary data', (j) => ((j.nodes[1].args[0] = { $typed: 'Float32Array', base64: 'AAA*' }), j), /malformed binary data/],
    ['missing output node', (j) => ((j.outputs.y = [99, 0]), j), /output "y" refers to a missing node output/],
    ['nodes not an array', (j) => ({ ...j, nodes: {} }), /"nodes" must be an array/],
  ];
  test.each(cases)('malformed: %s', (_name, mutate, message) => {
    const bad = mutate(base());
    let err: unknown;
    try {
      wg.Graph.fromJSON(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(wg.SerializationError);
    expect(String((err as Error).message)).toMatch(message);
  });
});
