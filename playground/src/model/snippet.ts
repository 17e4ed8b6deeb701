// The snippet Open model… puts in the editor: load the model, list its inputs and outputs, run it on a seeded
// pseudo-random input in its range, print its outputs. It runs in either mode (the toolbar's toggle), and
// Timings, Compare and Graph work on it as on any snippet.
import type { SampleModel } from './samples';

/** What the snippet loads: a sample by URL (fetched through the page), or `openedModel` (posted with each run). */
export type ModelChoice = { kind: 'sample'; sample: SampleModel } | { kind: 'opened'; name: string };

/** The snippet for a choice. A model's name (a file name or URL) goes in a line comment: no line break of
 * JavaScript's (\r, \n, U+2028, U+2029) may end that comment and put the rest of the name in the code. */
export function modelSnippet(choice: ModelChoice): string {
  const sample = choice.kind === 'sample' ? choice.sample : undefined;
  const [lo, hi] = sample?.range ?? [0, 1];
  const load = choice.kind === 'sample'
    ? `// The site's sample model (relative URLs resolve against the page: document.baseURI).
const model = await loadGraphModel(new URL('${choice.sample.url}', document.baseURI));`
    : `// openedModel: the model.json and shards Open model… read (${choice.name.replace(/[\r\n\u2028\u2029]/g, ' ').slice(0, 120)}), posted with each run.
const model = await loadGraphModel(openedModel);`;
  return `// ${sample ? `${sample.name}: ${sample.blurb}` : 'A TensorFlow.js graph model'}, run by wgflow.
// Switch Eager/Graph and Run, or ⇄ Compare; Timings shows the run op by op, Graph draws the network.
import { loadGraphModel } from 'wgflow/tfjs';

${load}
const fmt = (s: readonly number[] | undefined) => (s ? \`[\${s.join(', ')}]\` : 'unknown shape');
for (const i of model.inputs) print(\`input  \${i.name}: \${fmt(i.shape)} \${i.dtype ?? 'of unknown dtype'}\`);
for (const o of model.outputs) print(\`output \${o.name}: \${fmt(o.shape)} \${o.dtype ?? 'of unknown dtype'}\`);

// A seeded pseudo-random input in the model's range [${lo}, ${hi}] (sizes of -1 taken as 1). Host data, not
// wg.randomUniform: a seeded random tensor is a constant, and graph mode would fold the whole network at compile time.
let seed = 7;
const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const inputs = model.inputs.map((i) => {
  const shape = (i.shape ?? [1]).map((d) => (d < 0 ? 1 : d));
  const size = shape.reduce((a, b) => a * b, 1);
  if (i.dtype === 'int32') return wg.tensor(Int32Array.from({ length: size }, () => Math.floor(random() * 256)), shape, 'int32');
  return wg.tensor(Float32Array.from({ length: size }, () => ${lo} + ${hi - lo} * random()), shape);
});

const t0 = performance.now();
const y = model.predict(inputs);
const outputs = y instanceof wg.Tensor ? [y] : Array.isArray(y) ? y : Object.values(y);
// One readback of every output (flattened and joined): in graph mode the model runs once, as one plan.
const values = Float32Array.from(await wg.concat(outputs.map((t) => t.cast('float32').reshape([-1]))).data());
print(\`predict + readback: \${(performance.now() - t0).toFixed(1)} ms\`);
let at = 0;
for (const [k, t] of outputs.entries()) {
  const v = values.slice(at, (at += t.size));
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const first = Array.from(v.slice(0, 6), (x) => x.toPrecision(4)).join(', ');
  print(\`\${model.outputs[k]?.name ?? k}: \${fmt(t.shape)} mean \${mean.toPrecision(4)}, first \${first}\`);
}
model.dispose();
`;
}
