// The Learn panel's content: TensorFlow's comparison of its two execution modes, row by row, told for wgflow,
// each with a snippet that shows it live. Every snippet runs in both toolbar modes with the same output
// (apart from lines that print times, which end in "ms"); the e2e tests check it.
import type { Mode } from '../runner/host';

export interface LearnRow {
  id: 'execution' | 'optimisation' | 'debugging' | 'complexity' | 'distribution' | 'portability' | 'model' | 'training';
  aspect: string;
  /** One line per mode for the overview table. */
  short: { graph: string; eager: string };
  /** The two sides in a few sentences. */
  graph: string;
  eager: string;
  /** What wgflow does about it (paragraphs; `code` in backticks). */
  body: string[];
  code: string;
  /** What to look at once it has run. */
  look: string;
  /** The mode its first button uses. */
  first: Mode;
}

const execution = `// The seed computation, 5 + 3, three ways. The snippet picks its modes itself,
// so it prints the same whichever toolbar mode runs it.

// 1. Eager: the op runs when it is called; the tensor already holds its value.
await wg.withMode('eager', async () => {
  const c = wg.add(wg.constant(5), wg.constant(3));
  print(\`eager:   executingEagerly() = \${wg.executingEagerly()}, c = \${await c.numpy()}\`);
});

// 2. Graph + Session: the ops are recorded as nodes; nothing runs yet.
const g = new wg.Graph();
const c = g.build(() => wg.add(wg.constant(5), wg.constant(3)));
print(\`graph:   \${g.nodes.map((n) => \`\${n.name} = \${n.op}\`).join(', ')}\`);
try {
  await c.numpy(); // a graph tensor has no value of its own…
} catch (e) {
  print(\`         reading c before it runs: \${(e as Error).name}\`);
}
print(\`         …a Session runs the graph: c = \${await new wg.Session(g).run(c)}\`);

// 3. withMode('graph'): ordinary code, recorded lazily; the readback runs it as one plan.
await wg.withMode('graph', async () => {
  const d = wg.add(wg.constant(5), wg.constant(3));
  print(\`lazy:    executingEagerly() = \${wg.executingEagerly()}, d = \${await d.numpy()}\`);
});
`;

const optimisation = `// The benchmark chain: ten elementwise ops over 256K values that come from the
// host (so graph mode cannot precompute them as constants), three times over.
const n = 1 << 18;
const data = Float32Array.from({ length: n }, (_, i) => -2 + (4 * i) / (n - 1));
const chain = (x: wg.Tensor) =>
  wg.tanh(wg.relu(x.mul(1.5).add(0.25)).sub(x)).mul(2).add(wg.exp(x.mul(x).neg()));

for (let pass = 1; pass <= 3; pass++) {
  const t0 = performance.now();
  const y = await wg.scope(() => chain(wg.tensor(data)).data());
  print(\`pass \${pass}: y[0] = \${y[0].toFixed(5)}, y[\${n / 2}] = \${y[n / 2].toFixed(5)}, y[\${n - 1}] = \${y[n - 1].toFixed(5)}\`);
  print(\`pass \${pass}: \${(performance.now() - t0).toFixed(1)} ms\`);
}
`;

const debugging = `// One mistake, adding a [2,3] tensor to a [4] tensor, caught at different moments.
const say = (e: unknown) => {
  const err = e as wg.WgError;
  return \`\${err.name}: \${err.message.split(' (at ')[0]}\`;
};

// 1. Eager: the call itself throws.
try {
  wg.ones([2, 3]).add(wg.ones([4]));
} catch (e) {
  print('1. eager, at the call:  ', say(e));
}

// 2. Graph with known shapes: g.build throws while it records the bad op.
const g1 = new wg.Graph();
try {
  g1.build(() => wg.ones([2, 3]).add(wg.ones([4])));
} catch (e) {
  print('2. graph, while building:', say(e));
}

// 3. Graph whose sizes are unknown until fed: it builds, and fails when it runs.
const g2 = new wg.Graph();
const sum = g2.build(() => g2.placeholder('float32', [null], 'a').add(g2.placeholder('float32', [null], 'b')));
print('3. graph with unknown sizes: built without complaint');
try {
  await new wg.Session(g2).run(sum, { a: [1, 2, 3], b: [1, 2, 3, 4] });
} catch (e) {
  print('   …and when it runs:     ', say(e));
}

// 4. Inside a graph there are no values yet: wg.print is an op, it prints when the graph runs.
const g3 = new wg.Graph();
const total = g3.build(() => {
  const h = wg.tensor([1, 2, 3]).mul(2);
  wg.print('   (printed by the running graph) h =', h);
  return h.sum();
});
print('4. graph built; nothing printed yet');
print('   total =', await new wg.Session(g3).run(total));
`;

const complexity = `// The same sum of squares, written three ways.
const data = [[1, 2], [3, 4]];

// Eager: call the ops, read the result.
const x = wg.tensor(data);
print(\`eager:       \${await wg.sum(x.square()).numpy()}\`);

// Graph + Session (TensorFlow 1): declare the input, build, then feed and fetch.
const g = new wg.Graph();
const out = g.build(() => {
  const input = g.placeholder('float32', [null, 2], 'x');
  return wg.sum(input.square());
});
const sess = new wg.Session(g);
print(\`session:     \${await sess.run(out, { x: data })}\`);
sess.close();

// wg.function (TensorFlow 2): eager-looking code, traced into a graph on its first call.
const sumSquares = wg.function((t: wg.Tensor) => wg.sum(t.square()));
print(\`wg.function: \${await sumSquares(x).numpy()}\`);
`;

const distribution = `// What wgflow knows about devices today.
const info = wg.backendInfo();
const a = info.adapter;
print(\`backend: \${info.backend}\`);
print(\`adapter: \${a ? [a.vendor, a.architecture].filter(Boolean).join(' ') || a.description || 'unnamed' : 'none'}\${a?.isFallbackAdapter ? ' (a software adapter)' : ''}\`);
print(\`largest storage binding: \${(info.limits.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB\`);

// Every tensor knows its device…
print(\`a tensor lives on: \${wg.ones([2]).device}\`);

// …and every graph node records the device it was placed on.
const g = new wg.Graph();
g.build(() => {
  const x = g.placeholder('float32', [4], 'x');
  g.output('y', wg.relu(x).mul(2));
});
for (const node of g.nodes) print(\`node \${node.name.padEnd(6)} \${node.op.padEnd(12)} on \${node.device}\`);
`;

const portability = `// A graph is data: save it as JSON, load it back, run it without the code that built it.
const g = new wg.Graph();
g.build(() => {
  const x = g.placeholder('float32', [null, 3], 'x');
  const w = wg.tensor([[0.5, -1], [2, 0], [1, 1]]);
  const b = wg.tensor([0.1, -0.2]);
  g.output('y', wg.relu(wg.matMul(x, w).add(b)));
});
const saved = await g.save();
const json = JSON.stringify(saved);
print(\`saved: \${json.length} characters (\${saved.format} v\${saved.version}, \${saved.nodes.length} nodes)\`);

// Anywhere else (another page, Node, a server): load by value, run by names.
const loaded = wg.Graph.fromJSON(json);
const feed = { x: [[1, 2, 3], [-1, 0, 1]] };
const show = (v: unknown) => JSON.stringify(v, (_, n) => (typeof n === 'number' ? Math.round(n * 1000) / 1000 : n));
const original = await new wg.Session(g).run('y', feed);
const reloaded = await new wg.Session(loaded).run('y', feed);
print('original:', show(original));
print('reloaded:', show(reloaded));
print(\`same result: \${show(original) === show(reloaded)}\`);
`;

const model = `// A real network: antispoof (a TensorFlow.js graph model: convolutions, batch norms, dense layers), one of
// the site's sample models, loaded by wgflow/tfjs and run three times on new data from the host.
import { loadGraphModel } from 'wgflow/tfjs';

const model = await loadGraphModel(new URL('models/antispoof/model.json', document.baseURI));
const [, h, w, c] = model.inputs[0].shape!; // [-1, 128, 128, 3]
print(\`\${model.inputs[0].name} [1, \${h}, \${w}, \${c}] → \${model.outputs[0].name}\`);
for (let pass = 1; pass <= 3; pass++) {
  const data = Float32Array.from({ length: h * w * c }, (_, i) => ((i * 7919 + pass * 104729) % 1000) / 1000);
  const t0 = performance.now();
  const score = await wg.scope(async () => (await (model.predict(wg.tensor(data, [1, h, w, c])) as wg.Tensor).data())[0]);
  print(\`pass \${pass}: score \${score.toFixed(3)}\`);
  print(\`pass \${pass}: \${(performance.now() - t0).toFixed(1)} ms\`);
}
model.dispose();
`;

const training = `// A training step, 30 times: a small MLP (8 → 64 → 64 → 4) on a fixed batch, softmax cross-entropy, SGD.
// wg.function(step) is ONE graph holding the forward pass, the backward pass and every variable's update;
// with the Eager toggle (runFunctionsEagerly) the same step runs op by op.
const data = (n: number, m: number, seed: number) =>
  wg.tensor(Float32Array.from({ length: n * m }, (_, i) => Math.sin(i * 1.7 + seed) * 0.5), [n, m]);
const x = data(32, 8, 1);
const y = wg.oneHot(wg.tensor(Int32Array.from({ length: 32 }, (_, i) => i % 4), [32]), 4).cast('float32');
const init = wg.initializers.glorotUniform({ seed: 7 });
const v = (shape: number[], name: string) => wg.variable(init.apply(shape), { name });
const [w1, w2, w3] = [v([8, 64], 'w1'), v([64, 64], 'w2'), v([64, 4], 'w3')];
const [b1, b2, b3] = [64, 64, 4].map((n, i) => wg.variable(wg.zeros([n]), { name: \`b\${i + 1}\` }));
const model = (x: wg.Tensor) => wg.relu(wg.relu(x.matMul(w1).add(b1)).matMul(w2).add(b2)).matMul(w3).add(b3);
const opt = wg.train.sgd(0.5);
const step = wg.function((x: wg.Tensor, y: wg.Tensor) => opt.minimize(() => wg.losses.softmaxCrossEntropy(y, model(x)), true)!);

let t0 = performance.now();
for (let s = 1; s <= 30; s++) {
  const loss = step(x, y);
  if (s % 10 === 0) {
    const value = (await loss.data())[0]; // the only readback: every 10 steps
    print(\`step \${s}: loss \${value.toFixed(4)}\`);
    print(\`steps \${s - 9}–\${s}: \${((performance.now() - t0) / 10).toFixed(2)} ms\`);
    t0 = performance.now();
  }
  loss.dispose();
}
`;

export const LEARN: LearnRow[] = [
  {
    id: 'execution',
    aspect: 'Execution',
    short: { graph: 'recorded as a graph, run later by a Session', eager: 'each op runs when it is called' },
    graph: 'Ops are recorded as the nodes of a dataflow graph. Nothing is computed until a Session (or a readback) runs the graph, as a whole.',
    eager: 'Each op runs the moment it is called and returns a tensor that already holds its value.',
    body: [
      'In wgflow both modes go through the same ops, the same kernel IR and the same WGSL generator, so they compute the same numbers: only when the work happens, and how much of it is planned at once, differs.',
      'Three ways into graph mode: `new wg.Graph()` + `g.build()` + `wg.Session` (TensorFlow 1), `wg.function` (traced once per input signature, TensorFlow 2) and `wg.withMode(\'graph\', …)`, which records ordinary code lazily and runs it at the first readback. The toolbar\'s Graph toggle wraps your whole snippet in the last one.',
    ],
    code: execution,
    look: 'The snippet chooses its modes itself, so both buttons print the same. A graph tensor has no value until its graph runs: reading it throws a GraphModeError that says how to fetch it.',
    first: 'eager',
  },
  {
    id: 'optimisation',
    aspect: 'Optimisation',
    short: { graph: 'the whole graph is optimised before it runs', eager: 'op by op: little to optimise' },
    graph: 'The whole computation is known before anything runs, so it can be rewritten first: ops fused into one kernel, duplicates merged, dead work dropped, constants precomputed, buffers shared.',
    eager: 'Every op is a kernel of its own, with its own output buffer; no op knows what comes next, so nothing can be fused.',
    body: [
      'The snippet runs the benchmark chain `tanh(relu(x·1.5 + 0.25) − x)·2 + exp(−x²)` three times. Eagerly, each pass launches ten elementwise kernels, each reading its inputs from memory and writing a full intermediate array for the next one.',
      'In graph mode the fusion pass generates one WGSL kernel for the whole chain: it reads x once, keeps every intermediate in registers and writes only the result. The second and third passes find the structure already planned and reuse the compiled plan.',
    ],
    code: optimisation,
    look: 'The kernel count under the output: 30 eagerly, 3 as a graph. Press ⇄ Compare, then open Timings: the chain is one row, 30 eager kernels against 3 graph kernels, with their GPU times. In Optimisations, switch fusion off and the count climbs back; Kernels shows the fused WGSL.',
    first: 'eager',
  },
  {
    id: 'debugging',
    aspect: 'Debugging',
    short: { graph: 'errors surface at build or run time', eager: 'errors at the line; print anything' },
    graph: 'Errors and values surface when the graph is built or run, away from the line that caused them, and a tensor has no value to inspect while the graph is being built.',
    eager: 'An error is raised by the very call that caused it, and any tensor can be read or printed at any point.',
    body: [
      'wgflow narrows the gap. Shapes and dtypes are checked while a graph is built, so most mistakes still fail at the line that records the bad op, and every error names the op, the shapes, and the line where its node was recorded.',
      'What only the data can reveal, like two inputs whose sizes are unknown until they are fed, fails when the Session runs. Inside a graph, `wg.print` is an op: it prints when the graph runs, not when it is built.',
    ],
    code: debugging,
    look: 'Both modes print the same four outcomes; the labels say when each error was raised. Delete a try/catch and run again: the editor marks the line of the error.',
    first: 'eager',
  },
  {
    id: 'complexity',
    aspect: 'Complexity',
    short: { graph: 'graphs, placeholders, sessions, feeds', eager: 'plain code, plain results' },
    graph: 'More to set up: a Graph, placeholders for the inputs, a Session, then feeds and fetches. The code that builds the graph is not the code that runs.',
    eager: 'Plain code: call ops, read results, use the language\'s own loops and conditions.',
    body: [
      'The snippet computes one sum of squares three ways. The eager version is the shortest; the Graph + Session one needs a placeholder, a build step and a feed, the price of declaring the computation up front.',
      '`wg.function` is TensorFlow 2\'s middle road: you write eager-looking code, and it is traced into a graph on its first call for each input shape and dtype. (With the Eager toggle, wg.functions run their bodies op by op.)',
    ],
    code: complexity,
    look: 'The same number three times, in both modes. The Graph tab shows the graphs the Session and wg.function built.',
    first: 'graph',
  },
  {
    id: 'distribution',
    aspect: 'Distribution',
    short: { graph: 'nodes placed on devices before running', eager: 'ops run where their inputs are' },
    graph: 'Each node can be placed on a device before the graph runs, so one graph can be split across GPUs, CPUs or machines.',
    eager: 'Ops run where their inputs live, one after another; spreading the work out is left to the program.',
    body: [
      'wgflow knows two devices: `webgpu`, and `cpu`, the backend that runs every op when WebGPU is missing. `wg.backendInfo()` names the backend, the adapter and the limits the device granted; every tensor has a `device`, and every graph node records the device it was placed on.',
      'Placement across devices is coming: a `wg.device(…)` scope and a placement pass that splits one graph between the GPU and the CPU. Until then a run lives on one device.',
    ],
    code: distribution,
    look: 'The adapter line shows what this browser offers (SwiftShader is a software GPU). Every node says webgpu: nothing is split across devices yet.',
    first: 'graph',
  },
  {
    id: 'portability',
    aspect: 'Portability',
    short: { graph: 'saved, loaded and run elsewhere', eager: 'the program is the code' },
    graph: 'A graph is data. Saved as JSON it can be loaded elsewhere (another page, Node, a server) and run without the code that built it.',
    eager: 'The program is the code: to run it somewhere else you ship the code and everything it needs.',
    body: [
      '`await g.save()` writes a versioned JSON document (`wgflow.graph`, version 1) holding every node, its arguments and the data it captured; `wg.Graph.fromJSON` checks every field and rebuilds the graph, and a Session runs it by the names of its inputs and outputs.',
      'The same files load anywhere the library does: the embed page (`embed.html`) runs two saved example graphs, and Node runs them on the CPU backend, or on a GPU through the `webgpu` package.',
    ],
    code: portability,
    look: 'The reloaded graph gives the same result as the original. Print `json` to read the format.',
    first: 'graph',
  },
  {
    id: 'model',
    aspect: 'A real network',
    short: { graph: 'one compiled plan: fused kernels, planned buffers', eager: 'a kernel (or more) per TensorFlow node' },
    graph: 'A model\'s whole network is one graph: it is optimised once, then every call runs the compiled plan, with convolutions and their bias, batch norm and activation fused into single kernels and the lot sent to the GPU in one submission.',
    eager: 'Every node of the network runs as its own op, with its own kernels and output buffers, encoded as it comes; nothing is fused across nodes.',
    body: [
      'TensorFlow.js graph models (`model.json` + weight shards) load with `loadGraphModel` from `\'wgflow/tfjs\'` and become ordinary wgflow graphs: `model.predict` runs as a `wg.function`, so the toolbar\'s toggle runs the same network both ways. Open model… opens your own, or another sample.',
      'What graph mode buys on a real network: fewer kernels (bias, batch norm and activation fused into the convolutions and matmuls before them), fewer buffers (the memory planner shares them), and the whole network encoded from a plan compiled once, in one submission. The first pass pays for compiling the plan; the later passes reuse it.',
    ],
    code: model,
    look: 'Press ⇄ Compare: the kernel counts under each output, and in Timings the per-op rows of both modes with their GPU times. The Graph tab draws the network. The times of passes 2 and 3 are the steady state (the first includes compiling the shaders).',
    first: 'eager',
  },
  {
    id: 'training',
    aspect: 'A training step',
    short: { graph: 'forward, backward and update: one plan, one submission', eager: 'a kernel per op of all three, dispatched one by one' },
    graph: 'A training step is where a graph pays off most: forward pass, backward pass and the optimizer\'s update are one program, planned once and replayed every step.',
    eager: 'Every op of the step (the forward ops, two or three gradient ops for each, and the update\'s arithmetic for every variable and slot) is dispatched as it comes, with a fresh output buffer each.',
    body: [
      'A step has many small ops: with Adam, a 3-layer MLP\'s step is about 150 of them, most of them elementwise. Eagerly each one is a kernel launch, a buffer and the JavaScript around them, so for a small model the per-op overhead, not the arithmetic, sets the pace.',
      'Compiled (`wg.function`, TensorFlow 2\'s `tf.function`), the step is one plan: fusion works across forward, backward and update (a bias + relu fused into its matmul, relu\'s mask into the backward matmul, an optimizer\'s arithmetic into one kernel per variable); there is no per-op dispatch; buffers are planned once and reused every step; the variables and the optimizer\'s slots are updated in place; the whole step goes to the GPU in one submission; and the loss is the one readback, only when you read it.',
    ],
    code: training,
    look: 'The loss lines agree in both modes; the ms lines give the time per step. Open the Train example (Examples…) for a live chart with both modes\' step times side by side, and its Graph tab for one step\'s forward, ∇ backward and Adam update groups.',
    first: 'eager',
  },
];
