// Built-in examples. Each is a snippet as a user would type it: `wg` and `print` are in scope, top-level
// await works. Every example must run in both modes with the same output (the e2e tests check it).

export interface Example {
  id: string;
  title: string;
  /** One line on what it shows. */
  blurb: string;
  code: string;
}

const seedGraph = `// TensorFlow 1 style: build a graph, then run it in a Session.
const g = new wg.Graph();
const c = g.build(() => wg.add(wg.constant(5), wg.constant(3)));
print(await new wg.Session(g).run(c)); // 8
`;

const seedEager = `// TensorFlow 2 style: every op runs the moment it is called.
const c = wg.add(wg.constant(5), wg.constant(3));
print(await c.numpy()); // 8
`;

const chain = `// The benchmark chain: ten elementwise ops. Eagerly each is its own kernel;
// in graph mode fusion makes them ONE generated WGSL kernel (see the kernel count below the output).
const x = wg.linspace(-2, 2, 1 << 16);
const y = wg.tanh(wg.relu(x.mul(1.5).add(0.25)).sub(x)).mul(2).add(wg.exp(x.mul(x).neg()));
const values = await y.data();
print('y[0..3] =', Array.from(values.slice(0, 4)).map((v) => v.toFixed(5)).join(', '));
print('sum =', (await y.sum().data())[0].toFixed(3));
`;

const mlp = `// An MLP forward pass, 64×784 → 256 → 256 → 10, with relu and softmax.
// Graph mode fuses each bias + relu into its matmul and runs the lot in one submission.
const layer = (n: number, m: number, seed: number) => ({
  w: wg.randomNormal([n, m], 0, Math.sqrt(2 / n), 'float32', seed),
  b: wg.zeros([m]),
});
const [l1, l2, l3] = [layer(784, 256, 1), layer(256, 256, 2), layer(256, 10, 3)];
// The input is data (a seeded random input would be a constant, and graph mode would fold the whole network
// at compile time); the weights are constants, computed once when the graph is compiled.
const x = wg.tensor(Float32Array.from({ length: 64 * 784 }, (_, i) => ((i * 7919) % 1000) / 1000), [64, 784]);
const h1 = wg.relu(wg.matMul(x, l1.w).add(l1.b));
const h2 = wg.relu(wg.matMul(h1, l2.w).add(l2.b));
const probs = wg.softmax(wg.matMul(h2, l3.w).add(l3.b));
// One print reads both values: in graph mode each readback computes what it needs as one plan, so reading
// them together computes the network once.
print('first row:', probs.slice([0, 0], [1, 10]), 'row sums (all 1):', probs.sum(1).slice([0], [4]));
`;

const cnn = `// A small convolutional network on a batch of four 32×32 RGB images, written as plain ops:
// [conv 3×3 + bias + relu → maxPool 2×2] twice, then flatten, dense and softmax.
// Eagerly every op is its own kernel. In graph mode each conv2d + add + relu is ONE kernel (the bias and the
// relu run as the convolution's epilogue; wg.fused.conv2d asks for that eagerly) and dense + bias one matmul.
// Look at Graph (the fused groups), Kernels (which convolution variant ran) and Timings (⇄ Eager vs graph).
const [n, size] = [4, 32];
// The images (stripes, one angle and frequency per image and channel) are data from the host: seeded random
// images would be constants, and graph mode would fold the whole network at compile time. The weights are
// seeded constants, computed once when the graph is compiled.
const pixel = (i: number) => {
  const [b, y, x, c] = [Math.floor(i / (size * size * 3)), Math.floor(i / (size * 3)) % size, Math.floor(i / 3) % size, i % 3];
  return 0.5 + 0.5 * Math.sin((x * (b + 1) + y * (c + 1 - b)) * 0.3);
};
const images = wg.tensor(Float32Array.from({ length: n * size * size * 3 }, (_, i) => pixel(i)), [n, size, size, 3]);
const conv = (inC: number, outC: number, seed: number) => ({
  filter: wg.randomNormal([3, 3, inC, outC], 0, Math.sqrt(2 / (9 * inC)), 'float32', seed),
  bias: wg.randomUniform([outC], -0.1, 0.1, 'float32', seed + 10),
});
const [c1, c2] = [conv(3, 8, 1), conv(8, 16, 2)];
const dense = { w: wg.randomNormal([8 * 8 * 16, 10], 0, Math.sqrt(1 / 1024), 'float32', 3), b: wg.zeros([10]) };

const h1 = wg.maxPool(wg.relu(wg.conv2d(images, c1.filter, 1, 'same').add(c1.bias)), 2, 2, 'valid'); // [4,16,16,8]
const h2 = wg.maxPool(wg.relu(wg.conv2d(h1, c2.filter, 1, 'same').add(c2.bias)), 2, 2, 'valid'); // [4,8,8,16]
const flat = h2.reshape([n, 8 * 8 * 16]);
const probs = wg.softmax(wg.matMul(flat, dense.w).add(dense.b)); // [4,10]
// One print reads both values: in graph mode the network is computed once, as one plan.
print('images 0 and 1:', probs.slice([0, 0], [2, 10]), 'classes (untrained weights):', wg.argMax(probs, 1));
`;

const softmaxLayerNorm = `// softmax and layer normalisation over the last axis.
const x = wg.tensor([[1, 2, 3, 4], [2, 2, 2, 2], [-1, 0, 1, 10]]);
print('softmax:', wg.softmax(x));
const gamma = wg.ones([4]);
const beta = wg.zeros([4]);
print('layerNorm:', wg.layerNorm(x, gamma, beta));
`;

const fn = `// wg.function traces its body once per input signature (dtype and shape) and reuses the graph.
// (The Eager toggle sets wg.config.runFunctionsEagerly: then the body runs op by op instead.)
const f = wg.function((x: wg.Tensor, y: wg.Tensor) => x.mul(y).add(1));
print(f(wg.tensor([1, 2, 3]), wg.tensor([4, 5, 6])));       // traced for [3]
print(f(wg.tensor([7, 8, 9]), wg.tensor([1, 1, 1])));       // same signature: no retrace
print(f(wg.tensor([[1, 2], [3, 4]]), wg.tensor([10, 20])));  // new shape: retraced
// The graph traced for the [2,2] signature (getGraph traces if needed): its nodes.
const traced = f.getGraph(wg.tensor([[1, 2], [3, 4]]), wg.tensor([10, 20]));
print(traced.nodes.map((n) => \`\${n.name} = \${n.op}\`).join(', '));

// A placeholder graph fed at run time (TensorFlow 1's feed_dict).
const g = new wg.Graph();
const out = g.build(() => {
  const a = g.placeholder('float32', [null], 'a');
  return wg.sum(a.square());
});
const sess = new wg.Session(g);
print(await sess.run(out, { a: [1, 2, 3] }), await sess.run(out, { a: [4, 5] }));
`;

const devices = `// Devices: every op runs on WebGPU or on the CPU. Where an op runs:
//   inside wg.device('cpu', () => …): on the CPU (inputs on the GPU are copied there);
//   t.to('webgpu' | 'cpu'): a copy of t on that device;
//   otherwise where its inputs are; inputs on both devices: the default device (WebGPU).
// logDevicePlacement prints where each op (eager) or graph node (graph mode) goes: the dim
// "wgflow: placed …" lines. The Graph panel draws the copies between devices as transfer nodes.
wg.config.logDevicePlacement(true);

const x = wg.tensor(Float32Array.from({ length: 1024 }, (_, i) => i / 1024), [1024]); // default device
const onCpu = wg.device('cpu', () => x.mul(x).add(1)); // x is copied to the CPU; mul and add run there
const back = onCpu.to('webgpu'); // an explicit copy back to the GPU
const mixed = wg.add(x, onCpu); // inputs on both devices: the default device
const y = wg.tanh(back).mul(mixed).sum();

print('x:', x.device, '· onCpu:', onCpu.device, '· back:', back.device, '· mixed:', mixed.device);
print('sum =', (await y.data())[0].toFixed(3));
wg.config.logDevicePlacement(false);
`;

const matmulBench = `// Matmul throughput: a 512×512 product, timed over a few runs (readback included).
// The inputs come from host data: seeded random tensors would be constants, and graph mode would fold the
// whole product at compile time (try it: the "GFLOP/s" becomes meaningless).
const n = 512;
const data = () => Float32Array.from({ length: n * n }, () => Math.random() * 2 - 1);
const a = wg.tensor(data(), [n, n]);
const b = wg.tensor(data(), [n, n]);
await wg.matMul(a, b).data(); // warm-up: compiles the kernel
const runs = 3;
const t0 = performance.now();
for (let i = 0; i < runs; i++) await wg.scope(() => wg.matMul(a, b).data());
const ms = (performance.now() - t0) / runs;
print(\`\${n}×\${n}×\${n}: \${ms.toFixed(1)} ms per product, \${((2 * n ** 3) / ms / 1e6).toFixed(2)} GFLOP/s\`);
`;

const saveLoad = `// Graph portability: save a graph to JSON, load it back, run it.
const g = new wg.Graph();
g.build(() => {
  const x = g.placeholder('float32', [2, 2], 'x');
  const w = wg.constant([[1, 2], [3, 4]]);
  g.output('y', wg.relu(wg.matMul(x, w).sub(5)));
});
const json = JSON.stringify(g.toJSON());
print('saved', json.length, 'characters of JSON');
const loaded = wg.Graph.fromJSON(JSON.parse(json));
print(await new wg.Session(loaded).run('y', { x: [[1, 1], [2, 0]] }));
`;

const image = `// Pixels in and out. canvas(width, height, label) makes a canvas that the Output panel shows (below, in
// order with the printed lines). A test image is drawn on one with the 2D canvas API, read into a tensor with
// wg.browser.fromPixels, and every stage of the pipeline is drawn back with wg.browser.toPixels:
// fromPixels → float in [0, 1] → image.resizeBilinear → image.cropAndResize → 3×3 convolutions → clip → toPixels.
const input = canvas(96, 96, 'input (2D canvas)');
const ctx = input.getContext('2d')!;
const sky = ctx.createLinearGradient(0, 0, 0, 72);
sky.addColorStop(0, '#1b3a6b');
sky.addColorStop(1, '#f2a65a');
ctx.fillStyle = sky;
ctx.fillRect(0, 0, 96, 72);
ctx.fillStyle = '#2e7d32'; // grass
ctx.fillRect(0, 72, 96, 24);
ctx.fillStyle = '#ffd23f'; // sun
ctx.beginPath();
ctx.arc(70, 24, 12, 0, 2 * Math.PI);
ctx.fill();
ctx.fillStyle = '#a0432c'; // house and roof
ctx.fillRect(14, 50, 32, 28);
ctx.beginPath();
ctx.moveTo(10, 52);
ctx.lineTo(30, 34);
ctx.lineTo(50, 52);
ctx.closePath();
ctx.fill();
ctx.fillStyle = '#fff7d6'; // window, door
ctx.fillRect(20, 58, 8, 8);
ctx.fillRect(34, 62, 7, 16);
ctx.fillStyle = '#ffffff';
ctx.font = 'bold 16px sans-serif';
ctx.fillText('wg', 60, 92);

const pixels = wg.browser.fromPixels(input); // int32 [96, 96, 3], values 0..255
print('fromPixels:', pixels.shape, pixels.dtype);
const batch = pixels.cast('float32').div(255).expandDims(0); // float32 [1, 96, 96, 3] in [0, 1]

// Smaller: bilinear resampling to 48×48.
const small = wg.image.resizeBilinear(batch, [48, 48]);
// Closer: the box [y1, x1, y2, x2] (fractions of the image) around the house, resampled to 64×64.
const box = wg.tensor([[0.3, 0.05, 0.85, 0.6]]);
const crop = wg.image.cropAndResize(batch, box, wg.tensor([0], [1], 'int32'), [64, 64]);

// 3×3 convolutions of the crop: a blur per channel (depthwise), and edges summed over the channels (conv2d
// with one output channel: a grey image). The crop's border is mirrored first, so that 'valid' convolutions
// keep its 64×64 size with no dark frame of zero padding; edge values outside [0, 1] are clipped.
const padded = wg.mirrorPad(crop, [[0, 0], [1, 1], [1, 1], [0, 0]], 'symmetric'); // [1, 66, 66, 3]
const blur = wg.depthwiseConv2d(padded, wg.fill([3, 3, 3, 1], 1 / 9), 1, 'valid');
const laplacian = [-1, -1, -1, -1, 8, -1, -1, -1, -1];
const edgeFilter = wg.tensor(laplacian.flatMap((v) => [v, v, v]).map((v) => v / 3), [3, 3, 3, 1]);
const edges = wg.clipByValue(wg.conv2d(padded, edgeFilter, 1, 'valid').mul(2), 0, 1);

// toPixels draws a [height, width, channels] tensor (float32 in [0, 1] or int32 0..255) into a canvas.
const show = (t: wg.Tensor, label: string) => wg.browser.toPixels(t.squeeze([0]), canvas(label));
await show(small, 'resizeBilinear');
await show(crop, 'cropAndResize (the house)');
await show(wg.clipByValue(blur, 0, 1), 'depthwiseConv2d: blur');
await show(edges, 'conv2d: edges (grey)');
print('edges:', edges.shape, '→ a grey image (one channel)');
`;

const blazeface = `// Face detection with a real network: blazeface (a TensorFlow.js graph model, one of the site's sample
// models) loaded by wgflow/tfjs, run on a drawn face. fromPixels → resize to the model's input → [-1, 1] →
// predict → decode the 896 anchors' boxes on the host → non-max suppression → boxes drawn on the picture.
// In graph mode predict is one compiled plan (fused convolutions, one submission); eagerly, node by node.
import { loadGraphModel } from 'wgflow/tfjs';

const model = await loadGraphModel(new URL('models/blazeface/model.json', document.baseURI));
const size = model.inputs[0].shape![1]; // 256

// The picture: a face drawn with the 2D canvas API.
const picture = canvas(256, 256, 'input (2D canvas)');
const ctx = picture.getContext('2d')!;
const bg = ctx.createLinearGradient(0, 0, 0, 256);
bg.addColorStop(0, '#8fb3c9');
bg.addColorStop(1, '#4d6b80');
ctx.fillStyle = bg;
ctx.fillRect(0, 0, 256, 256);
const ellipse = (x: number, y: number, rx: number, ry: number, color: string | CanvasGradient) => {
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.ellipse(x, y, rx, ry, 0, 0, 2 * Math.PI);
  ctx.fill();
};
ellipse(128, 270, 110, 60, '#2f3b52'); // shoulders
ctx.fillStyle = '#d29a78'; // neck
ctx.fillRect(108, 170, 40, 50);
ellipse(128, 104, 68, 76, '#3b2618'); // hair
ellipse(70, 126, 9, 16, '#d8a07e'); // ears
ellipse(186, 126, 9, 16, '#d8a07e');
const skin = ctx.createRadialGradient(118, 110, 10, 128, 124, 80);
skin.addColorStop(0, '#f1c9a5');
skin.addColorStop(1, '#c98d68');
ellipse(128, 124, 58, 72, skin);
ctx.fillStyle = '#3b2618'; // fringe
ctx.beginPath();
ctx.ellipse(128, 74, 60, 26, 0, Math.PI, 2 * Math.PI);
ctx.fill();
for (const x of [104, 152]) {
  ctx.strokeStyle = '#3b2618'; // eyebrow
  ctx.lineWidth = 4;
  ctx.beginPath();
  ctx.arc(x, 112, 16, 1.15 * Math.PI, 1.85 * Math.PI);
  ctx.stroke();
  ellipse(x, 114, 13, 7, '#ffffff'); // eye
  ellipse(x, 114, 6, 6, '#4a2f1c');
  ellipse(x, 114, 2.5, 2.5, '#000000');
}
ctx.strokeStyle = '#a86a4c'; // nose
ctx.lineWidth = 3;
ctx.beginPath();
ctx.moveTo(128, 118);
ctx.lineTo(121, 146);
ctx.lineTo(133, 148);
ctx.stroke();
ctx.fillStyle = '#b5524a'; // mouth
ctx.beginPath();
ctx.ellipse(128, 166, 20, 8, 0, 0, Math.PI);
ctx.fill();

// The model's input: [1, size, size, 3] floats in [-1, 1].
const pixels = wg.browser.fromPixels(picture); // int32 [256, 256, 3]
const input = wg.image.resizeBilinear(pixels.cast('float32').expandDims(0), [size, size]).div(127.5).sub(1);

// Four outputs: per anchor a score logit and 16 regressors (box centre offset and size, 6 keypoints), for the
// 512 anchors of the 16×16 grid and the 384 of the 8×8 grid. One readback of all of them (one plan in graph mode).
const outputs = (model.predict(input) as wg.Tensor[]).slice().sort((a, b) => a.size - b.size);
const [logits384, logits512, regs384, regs512] = outputs;
const flat = await wg.concat([logits512, logits384, regs512, regs384].map((t) => t.reshape([-1]))).data();
const logits = flat.subarray(0, 896);
const regs = flat.subarray(896);

// The anchors, as blazeface lays them out: cell centres of a 16×16 grid (2 anchors a cell), then of an 8×8 grid
// (6 a cell), in input pixels. A box is [centre + offset, size]; the score is sigmoid(logit).
const anchors: [number, number][] = [];
for (const [cells, perCell] of [[16, 2], [8, 6]]) {
  const stride = size / cells;
  for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) for (let k = 0; k < perCell; k++) anchors.push([(x + 0.5) * stride, (y + 0.5) * stride]);
}
const scale = 256 / size; // input pixels → picture pixels
const boxes: number[][] = []; // [y1, x1, y2, x2], TensorFlow's order
const scores: number[] = [];
anchors.forEach(([ax, ay], i) => {
  const r = regs.subarray(16 * i, 16 * i + 16);
  const [cx, cy, w, h] = [ax + r[0], ay + r[1], r[2], r[3]];
  boxes.push([(cy - h / 2) * scale, (cx - w / 2) * scale, (cy + h / 2) * scale, (cx + w / 2) * scale]);
  scores.push(1 / (1 + Math.exp(-logits[i])));
});
const kept = await wg.image.nonMaxSuppressionAsync(wg.tensor(boxes), wg.tensor(scores), 5, 0.3, 0.5);
const faces = Array.from(await kept.data());
print(\`faces found: \${faces.length} (of \${anchors.length} anchors, score > 0.5, non-max suppression at IoU 0.3)\`);

// The picture again, with each face's box and its 6 keypoints (eyes, nose, mouth, ears).
const result = canvas(256, 256, 'blazeface: faces found');
const out = result.getContext('2d')!;
out.drawImage(picture, 0, 0);
out.strokeStyle = '#ff3b30';
out.fillStyle = '#ffd60a';
out.lineWidth = 3;
for (const i of faces) {
  const [y1, x1, y2, x2] = boxes[i];
  out.strokeRect(x1, y1, x2 - x1, y2 - y1);
  for (let k = 0; k < 6; k++) out.fillRect((anchors[i][0] + regs[16 * i + 4 + 2 * k]) * scale - 2, (anchors[i][1] + regs[16 * i + 5 + 2 * k]) * scale - 2, 5, 5);
  print(\`face: score \${scores[i].toFixed(2)}, box x \${Math.round(x1)}–\${Math.round(x2)}, y \${Math.round(y1)}–\${Math.round(y2)}\`);
}
model.dispose();
`;

const gradFunction = `// Gradients of a function (TensorFlow.js style): wg.valueAndGrads(f) returns f's value and its gradient with
// respect to each argument; wg.grad(f) returns a function that computes f's gradient. Eagerly a tape records
// f's ops and the backward ops run one by one; in graph mode forward and backward are one plan. Look at Graph
// (backward nodes in their own colour and group) and Timings (a gradient kernel's row names the forward op).
const data = (n: number, m: number, seed: number) =>
  wg.tensor(Float32Array.from({ length: n * m }, (_, i) => Math.sin(i * 1.7 + seed) * 0.5), [n, m]);
const x = data(16, 8, 1);
const labels = wg.oneHot(wg.tensor(Int32Array.from({ length: 16 }, (_, i) => i % 4), [16]), 4).cast('float32');

// A small MLP's loss (16×8 → 16 → 4, softmax cross-entropy) as a function of its parameters.
const loss = (w1: wg.Tensor, b1: wg.Tensor, w2: wg.Tensor, b2: wg.Tensor) => {
  const h = wg.relu(wg.matMul(x, w1).add(b1));
  const logits = wg.matMul(h, w2).add(b2);
  return wg.neg(wg.mean(wg.sum(labels.mul(wg.logSoftmax(logits, -1)), -1)));
};
const { value, grads } = wg.valueAndGrads(loss)([data(8, 16, 2), wg.zeros([16]), data(16, 4, 3), wg.zeros([4])]);
const norm = (t: wg.Tensor) => wg.sqrt(wg.sum(wg.square(t)));
print('loss, ‖∂loss/∂w1‖, ‖∂loss/∂w2‖:', wg.stack([value, norm(grads[0]), norm(grads[2])]));

// Higher order: the gradient of a gradient. f(x) = x³, f'(x) = 3x², f''(x) = 6x.
const f = (x: wg.Tensor) => x.mul(x).mul(x);
const df = wg.grad(f);
const ddf = wg.grad((x) => df(x));
const at = wg.tensor([-1, 0.5, 2]);
print("f'(x) at -1, 0.5, 2:", df(at), "f''(x):", ddf(at));
`;

const gradientTape = `// TensorFlow 2 style: a GradientTape records the ops run while it is open, and tape.gradient(loss, w)
// differentiates them. Trainable variables are watched by default (as in TensorFlow). A few steps of plain
// gradient descent fit y = 3x − 1, and the loss falls. Each row of the input is [x, 1], so w = [slope, intercept].
const x = Float32Array.from({ length: 32 }, (_, i) => i / 16 - 1);
const xs = wg.tensor(Float32Array.from({ length: 64 }, (_, i) => (i % 2 ? 1 : x[i >> 1])), [32, 2]);
const ys = wg.tensor(x.map((v) => 3 * v - 1), [32, 1]);
const w = wg.variable(wg.zeros([2, 1]), { name: 'w' });
for (let step = 1; step <= 5; step++) {
  const tape = new wg.GradientTape();
  const loss = wg.mean(wg.square(wg.matMul(xs, w).sub(ys)));
  const dw = tape.gradient(loss, w)!;
  const value = (await loss.data())[0]; // the loss before this step's update
  w.assign(w.sub(dw.mul(0.5)));
  print(\`step \${step}: loss \${value.toFixed(4)}\`);
}
print('w (slope, intercept):', w);
`;

const tf1Gradients = `// TensorFlow 1: wg.gradients(ys, xs) inside g.build adds the backward pass to the graph as nodes of their
// own (tf.gradients); a Session runs forward and backward together with the placeholders fed. The Eager/Graph
// toggle only changes how it runs (node by node, or as one optimised plan), not the result. Graph shows the
// backward nodes apart.
const g = new wg.Graph();
const fetches = g.build(() => {
  const x = g.placeholder('float32', [null, 3], 'x'); // a batch of rows of 3 features
  const y = g.placeholder('float32', [null, 1], 'y');
  const w = wg.variable(wg.tensor([[0.5], [-1], [2]]), { name: 'w' });
  const b = wg.variable(wg.tensor([0.25]), { name: 'b' });
  const loss = wg.mean(wg.square(wg.matMul(x, w).add(b).sub(y)));
  const [dw, db] = wg.gradients(loss, [w, b]);
  return { loss, dw: dw!, db: db! };
});
const sess = new wg.Session(g);
const r = await sess.run(fetches, { x: [[1, 2, 3], [0, 1, 0], [2, 0, 1]], y: [[4], [0], [3]] });
print('loss:', r.loss);
print('∂loss/∂w:', r.dw, '∂loss/∂b:', r.db);
`;

const train = `// Live training: a small network (2 → 32 → 32 → 2, relu) learns to tell two interleaved spirals apart, with
// Adam and softmax cross-entropy. Every EVERY steps the snippet reads the loss back and calls report(): the
// Output panel draws loss and accuracy as they come and keeps the step time of the last Eager and Graph run
// side by side. Eagerly each step is ~150 ops dispatched one by one; in Graph mode wg.function compiles
// forward, backward and the Adam update into ONE plan (fused, one submission). Stop ends it at once.
// Graph shows one step: forward, the backward pass (∇) and the update (the Adam scope).
const STEPS = 120; // a fixed count: Compare runs the same steps in both modes
const EVERY = 5; // steps between reports (each report reads the loss back: one sync)

// Two spirals of 100 points each (the second is the first turned half a turn), with a little jitter.
const n = 100;
const points: number[] = [];
const classes: number[] = [];
for (let i = 0; i < n; i++) {
  const r = 0.05 + (0.95 * i) / n;
  const t = (3 * Math.PI * i) / n;
  const [jx, jy] = [0.02 * Math.sin(i * 12.9898), 0.02 * Math.cos(i * 78.233)];
  points.push(r * Math.cos(t) + jx, r * Math.sin(t) + jy, -r * Math.cos(t) - jx, -r * Math.sin(t) - jy);
  classes.push(0, 1);
}
const x = wg.tensor(Float32Array.from(points), [2 * n, 2]);
const labels = wg.tensor(Int32Array.from(classes), [2 * n]);
const y = wg.oneHot(labels, 2).cast('float32');

// The model is a function over variables: Glorot-uniform weights (seeded), zero biases.
const init = wg.initializers.glorotUniform({ seed: 1 });
const dense = (inputs: number, units: number, name: string) => ({
  w: wg.variable(init.apply([inputs, units]), { name: \`\${name}/w\` }),
  b: wg.variable(wg.zeros([units]), { name: \`\${name}/b\` }),
});
const layers = [dense(2, 32, 'dense1'), dense(32, 32, 'dense2'), dense(32, 2, 'logits')];
const model = (input: wg.Tensor) =>
  layers.reduce((h, l, i) => {
    const z = wg.matMul(h, l.w).add(l.b);
    return i < layers.length - 1 ? wg.relu(z) : z;
  }, input);

const opt = wg.train.adam(0.01);
// One training step: the loss's gradients and Adam's update of every variable; it returns the loss.
const step = wg.function((x: wg.Tensor, y: wg.Tensor) => opt.minimize(() => wg.losses.softmaxCrossEntropy(y, model(x)), true)!);
const accuracy = wg.function((x: wg.Tensor, labels: wg.Tensor) => wg.mean(wg.equal(wg.argMax(model(x), 1), labels).cast('float32')));

let loss = 0;
let acc = 0;
let reached: number | undefined;
let t0 = performance.now();
for (let s = 1; s <= STEPS; s++) {
  const l = step(x, y);
  if (s % EVERY === 0) {
    loss = (await l.data())[0]; // waits for this step: the chunk's time is real
    const stepMs = (performance.now() - t0) / EVERY;
    const a = wg.tidy(() => accuracy(x, labels)); // tidy: eagerly, the model's intermediates are freed at once
    acc = (await a.data())[0];
    a.dispose();
    if (reached === undefined && acc >= 0.95) reached = s;
    report({ step: s, loss, accuracy: acc, stepMs, tensors: wg.memory().tensors });
    t0 = performance.now();
  }
  l.dispose();
}
print(\`after \${STEPS} steps: loss \${loss.toPrecision(2)}, training accuracy \${(acc * 100).toFixed(0)}%\`);
print(reached === undefined ? 'did not reach 95% accuracy' : \`95% accuracy reached by step \${reached}\`);
`;

const shapeError = `// A deliberate mistake: [2, 3] and [4] do not broadcast.
// The error names the op, the shapes, and this line (marked in the editor).
const a = wg.ones([2, 3]);
const b = wg.ones([4]);
print(a.add(b));
`;

export const EXAMPLES: Example[] = [
  { id: 'seed-graph', title: 'Graph + Session (TF1)', blurb: 'the seed graph program: prints 8', code: seedGraph },
  { id: 'seed-eager', title: 'Eager (TF2)', blurb: 'the seed eager program: prints 8', code: seedEager },
  { id: 'chain', title: 'Fusion: an elementwise chain', blurb: 'ten ops, one kernel in graph mode', code: chain },
  { id: 'mlp', title: 'MLP forward pass', blurb: 'matmul + bias + relu fused; softmax in two kernels', code: mlp },
  { id: 'cnn', title: 'A small CNN', blurb: 'conv + bias + relu fused into one kernel per layer in graph mode', code: cnn },
  { id: 'softmax-layernorm', title: 'softmax and layerNorm', blurb: 'reductions with fused prologues', code: softmaxLayerNorm },
  { id: 'function', title: 'wg.function, feeds and retracing', blurb: 'traced per signature; placeholders fed at run time', code: fn },
  { id: 'devices', title: 'Devices: CPU and WebGPU', blurb: 'placement, t.to, and the copies between devices', code: devices },
  { id: 'matmul-bench', title: 'Matmul benchmark', blurb: 'GFLOP/s of a 512² product on this adapter', code: matmulBench },
  { id: 'save-load', title: 'Save, load and run a graph', blurb: 'toJSON → fromJSON → Session', code: saveLoad },
  { id: 'image', title: 'Images: pixels in and out', blurb: 'a canvas drawing → fromPixels → resize, crop, 3×3 convolutions → toPixels, each stage shown', code: image },
  { id: 'blazeface', title: 'A model: blazeface finds a face', blurb: 'a TensorFlow.js graph model (wgflow/tfjs) on a drawn face: fromPixels → predict → boxes', code: blazeface },
  { id: 'grad-function', title: 'Gradients of a function', blurb: 'wg.valueAndGrads of an MLP loss; grad(grad(f))', code: gradFunction },
  { id: 'gradient-tape', title: 'A GradientTape (TF2)', blurb: 'variables watched by default; gradient descent with assign', code: gradientTape },
  { id: 'tf1-gradients', title: 'TensorFlow 1: wg.gradients', blurb: 'the backward pass added to a Graph; Session.run', code: tf1Gradients },
  { id: 'train', title: 'Train: two spirals, live', blurb: 'Adam on a small MLP with a live loss chart; step time eager vs graph', code: train },
  { id: 'shape-error', title: 'A shape error', blurb: 'the error message and its marker on the line', code: shapeError },
];

export const DEFAULT_EXAMPLE = EXAMPLES[0];
