// The benchmark chain tanh(relu(x*a + b) - x) * c + exp(-(x*x)) over 1M float32 elements: eager vs graph
// (Session, wg.function, withMode('graph')), measured side by side in one run. Prints, asserts nothing.
import { test } from 'vitest';
import * as wg from '../engine/index';

const N = 1 << 20;
const [a, b, c] = [1.5, 0.25, 2];
const chain = (x: wg.Tensor) => wg.tanh(wg.relu(x.mul(a).add(b)).sub(x)).mul(c).add(wg.exp(x.mul(x).neg()));

async function time(label: string, reps: number, once: () => Promise<unknown>): Promise<{ label: string; ms: number }> {
  await once(); // warm-up: pipelines, plans, pool
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await once();
  return { label, ms: (performance.now() - t0) / reps };
}

test('graph vs eager on the benchmark chain (1M elements)', async () => {
  const x = wg.randomUniform([N], -2, 2, 'float32', 7);
  const reps = 8;
  const rows: { label: string; ms: number }[] = [];
  // Every variant ends with the same readback of the 4 MB result.
  rows.push(await time('eager (10 kernels)', reps, () => wg.scope(async () => chain(x).data())));
  const g = new wg.Graph();
  const y = g.build(() => chain(g.placeholder('float32', [N], 'x')));
  const sess = new wg.Session(g);
  rows.push(await time('Session.run (fed on device)', reps, () => sess.run(y, { x }, { typedArrays: true })));
  const f = wg.function(chain);
  rows.push(await time('wg.function', reps, () => wg.scope(async () => f(x).data())));
  rows.push(await time("withMode('graph')", reps, () => wg.withMode('graph', () => wg.scope(async () => chain(x).data()))));
  sess.close();
  f.dispose();
  x.dispose();
  const eager = rows[0].ms;
  console.log(
    '\nbenchmark chain, 1M float32 (mean of ' + reps + ' runs after warm-up, each with a 4 MB readback):\n' +
      rows.map((r) => `${r.label.padEnd(30)} ${r.ms.toFixed(1).padStart(8)} ms   ×${(eager / r.ms).toFixed(2)} vs eager`).join('\n'),
  );
});

test('graph vs eager on an MLP 64×784→256→256→10 (relu, softmax)', async () => {
  const layers = [[784, 256], [256, 256], [256, 10]].map(([i, o], k) => [wg.randomNormal([i, o], 0, 0.05, 'float32', k + 1), wg.zeros([o])]);
  const mlp = (x: wg.Tensor) => {
    let h = x;
    layers.forEach(([w, b], k) => {
      const z = wg.matMul(h, w).add(b);
      h = k === layers.length - 1 ? z : wg.relu(z);
    });
    return wg.softmax(h);
  };
  const x = wg.randomUniform([64, 784], 0, 1, 'float32', 9);
  const reps = 8;
  const rows: { label: string; ms: number }[] = [];
  rows.push(await time('eager (10 kernels)', reps, () => wg.scope(async () => mlp(x).data())));
  const g = new wg.Graph();
  const y = g.build(() => mlp(g.placeholder('float32', [64, 784], 'x')));
  const sess = new wg.Session(g);
  rows.push(await time('Session.run (5 kernels)', reps, () => sess.run(y, { x }, { typedArrays: true })));
  const f = wg.function(mlp);
  rows.push(await time('wg.function', reps, () => wg.scope(async () => f(x).data())));
  sess.close();
  f.dispose();
  g.dispose();
  wg.dispose([x, layers]);
  const eager = rows[0].ms;
  console.log(
    '\nMLP 64×784→256→256→10 (mean of ' + reps + ' runs after warm-up, with readback):\n' +
      rows.map((r) => `${r.label.padEnd(30)} ${r.ms.toFixed(1).padStart(8)} ms   ×${(eager / r.ms).toFixed(2)} vs eager`).join('\n'),
  );
});
