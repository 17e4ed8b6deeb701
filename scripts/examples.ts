// The example graphs of public/examples/ (run by public/embed.html): their builders, feeds and plain-JS references.
// The builders take the engine as an argument, so this file loads no engine itself: scripts/export_examples.mjs
// passes the engine it runs in Node, tests pass theirs, and e2e specs import the references alone.
import type * as WG from '../engine/index';

/** The benchmark chain tanh(relu(x*a + b) - x) * c + exp(-(x*x)) with a, b, c baked in; x is fed. */
export const CHAIN = { a: 1.5, b: 0.5, c: 2, feed: [-2, -1, -0.5, 0, 0.5, 1, 2] };

export function chainReference(x: number[]): number[] {
  const { a, b, c } = CHAIN;
  return x.map((v) => Math.tanh(Math.max(v * a + b, 0) - v) * c + Math.exp(-v * v));
}

/** Deterministic small weights (no random generator to agree on): w[i][j] = sin(seed + 3i + 7j) / 2, 2 decimals, no -0. */
function weights(rows: number, cols: number, seed: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => Math.round(Math.sin(seed + 3 * i + 7 * j) * 50) / 100 + 0));
}

/** A two-layer classifier: probs = softmax(relu(x·w1 + b1)·w2 + b2), 4 features → 8 hidden → 3 classes. */
export const MLP = {
  w1: weights(4, 8, 1),
  b1: weights(1, 8, 2)[0],
  w2: weights(8, 3, 3),
  b2: weights(1, 3, 4)[0],
  feed: [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3], [7.7, 3.0, 6.1, 2.3]],
};

export function mlpReference(x: number[][]): number[][] {
  const dense = (v: number[], w: number[][], b: number[]) => b.map((bj, j) => v.reduce((s, vi, i) => s + vi * w[i][j], bj));
  return x.map((row) => {
    const h = dense(row, MLP.w1, MLP.b1).map((v) => Math.max(v, 0));
    const logits = dense(h, MLP.w2, MLP.b2);
    const m = Math.max(...logits);
    const e = logits.map((v) => Math.exp(v - m));
    const s = e.reduce((p, q) => p + q, 0);
    return e.map((v) => v / s);
  });
}

/** Builds every example with the given engine and returns it as saved JSON, by file name (without `.json`). */
export function buildExamples(wg: typeof WG): Record<string, WG.GraphJSON> {
  const chain = new wg.Graph();
  chain.build(() => {
    const x = chain.placeholder('float32', [null], 'x');
    const { a, b, c } = CHAIN;
    return { y: wg.tanh(wg.relu(x.mul(a).add(b)).sub(x)).mul(c).add(wg.exp(x.mul(x).neg())) };
  });

  const mlp = new wg.Graph();
  mlp.build(() => {
    const x = mlp.placeholder('float32', [null, 4], 'x');
    const h = wg.relu(wg.matMul(x, wg.tensor(MLP.w1)).add(wg.tensor(MLP.b1)));
    return { probs: wg.softmax(wg.matMul(h, wg.tensor(MLP.w2)).add(wg.tensor(MLP.b2))) };
  });

  return { chain: portable(chain.toJSON()), mlp: portable(mlp.toJSON()) };
}

/** Source locations relative to the repository (they are absolute paths of the machine that ran the builder). */
function portable(json: WG.GraphJSON): WG.GraphJSON {
  const root = decodeURI(new URL('..', import.meta.url).pathname);
  for (const n of json.nodes) {
    if (n.location?.file.startsWith(root)) n.location.file = n.location.file.slice(root.length);
  }
  return json;
}
