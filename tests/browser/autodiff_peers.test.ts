// Gradients of composite functions against two independent engines in the same page: TensorFlow.js
// (`tf.grads`, @tensorflow/tfjs-core with its CPU backend) and jax-js (`grad`, on its WebAssembly device). The
// same seeded float32 inputs go to all three; wgflow runs on WebGPU eagerly, traced into a wg.function (forward
// and backward one plan) and in a withMode('graph') block (the tape records lazily). Each loss is a scalar, and
// every input gets its gradient compared (the constants too: the one-hot labels, the targets, the weights that
// reduce a tensor output to a scalar). The MLP runs once more with its parameters as variables, eagerly:
// wg.variableGrads and wg.GradientTape against tf.variableGrads.
//
// Tolerance (float32 everywhere): |wgflow − peer| ≤ RTOL·|peer| + ATOL·max|peer| per element, RTOL = 1e-4 and
// ATOL = 1e-5 of that gradient's largest magnitude. The three engines sum in different orders and use their own
// exp/log (SwiftShader's are a few ulp off), so elements differ by up to ~1e-6 of the largest (measured: at
// most 1.0e-6 on SwiftShader in Chromium and on Dawn, between TF.js and jax-js as well; each test logs its
// figures); elements near zero (sums of terms that nearly cancel) get the absolute part. The bound is ~10× the
// worst difference seen, and still a 1% change to one input element of one engine fails it (the last test), as
// does scaling the MLP's b1 by 1.001 in wgflow's function only (tried once by hand).
import * as jax from '@jax-js/jax';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core alone registers no gradient functions (the union package @tensorflow/tfjs imports this).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { uniform } from '../helpers/seeded';
import { mismatches as compareWithin } from '../helpers/peer_compare';

const np = jax.numpy;
type JaxArray = jax.numpy.Array;

const RTOL = 1e-4;
const ATOL = 1e-5;


/** One-hot rows [n, classes], the class of row i drawn from the seed. */
function oneHot(seed: number, n: number, classes: number): Float32Array {
  const r = uniform(seed, n, 0, classes);
  const out = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) out[i * classes + Math.floor(r[i])] = 1;
  return out;
}

interface Input {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** A composite scalar loss written once per engine; each takes the inputs in the order of `inputs`. */
interface Case {
  name: string;
  inputs: Input[];
  wg: (...xs: wg.Tensor[]) => wg.Tensor;
  tf: (...xs: tf.Tensor[]) => tf.Scalar;
  /** jax-js: takes ownership of every argument (each consumed exactly once: `.ref` for the extra uses). */
  jax: (...xs: JaxArray[]) => JaxArray;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const input = (name: string, shape: number[], seed: number, lo = -1, hi = 1): Input => ({ name, shape, data: uniform(seed, size(shape), lo, hi) });

// ---- the composite functions ----

/** Mean squared error of a two-layer MLP (dense + relu, dense + relu). */
const MLP: Case = {
  name: 'MLP loss (two dense layers with relu, mean squared error)',
  inputs: [input('x', [4, 6], 1), input('w1', [6, 8], 2), input('b1', [8], 3), input('w2', [8, 3], 4), input('b2', [3], 5), input('y', [4, 3], 6)],
  wg: (x, w1, b1, w2, b2, y) => {
    const h = wg.relu(wg.matMul(x, w1).add(b1));
    const out = wg.relu(wg.matMul(h, w2).add(b2));
    return wg.mean(wg.square(out.sub(y)));
  },
  tf: (x, w1, b1, w2, b2, y) => {
    const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const out = tf.relu(tf.add(tf.matMul(h, w2), b2));
    return tf.mean(tf.square(tf.sub(out, y))) as tf.Scalar;
  },
  jax: (x, w1, b1, w2, b2, y) => {
    const h = jax.nn.relu(np.matmul(x, w1).add(b1));
    const out = jax.nn.relu(np.matmul(h, w2).add(b2));
    return np.mean(np.square(out.sub(y)));
  },
};

/** −mean over rows of Σ labels·logSoftmax(logits). */
const SOFTMAX_CE: Case = {
  name: 'softmax cross-entropy (logits, one-hot labels)',
  inputs: [input('logits', [5, 7], 11, -3, 3), { name: 'labels', shape: [5, 7], data: oneHot(12, 5, 7) }],
  wg: (logits, labels) => wg.neg(wg.mean(wg.sum(labels.mul(wg.logSoftmax(logits, -1)), -1))),
  tf: (logits, labels) => tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits, -1)), -1))) as tf.Scalar,
  jax: (logits, labels) => np.negative(np.mean(np.sum(labels.mul(jax.nn.logSoftmax(logits, -1)), -1))),
};

/**
 * A small CNN: conv2d 'same' stride 1 (+ bias), 2×2 max pooling, relu, a dense layer and softmax
 * cross-entropy. The pooling comes before the relu (the same function: relu and max commute) so that no
 * pooling window is a tie of zeros: at a tie wgflow sends dy to every maximum, TensorFlow to the first one.
 * wgflow and TensorFlow.js use NHWC images and [kH, kW, in, out] filters; jax-js convolves NCHW by OIHW
 * filters, so its function transposes the same inputs (and the pooled map back before the flatten).
 */
const CNN: Case = {
  name: 'small CNN loss (conv2d same + bias, maxPool 2×2, relu, dense, softmax cross-entropy)',
  inputs: [
    input('image', [2, 6, 6, 2], 21),
    input('filter', [3, 3, 2, 4], 22, -0.5, 0.5),
    input('bias', [4], 23, -0.1, 0.1),
    input('dense', [36, 5], 24, -0.5, 0.5),
    { name: 'labels', shape: [2, 5], data: oneHot(25, 2, 5) },
  ],
  wg: (x, f, b, w, labels) => {
    const h = wg.relu(wg.maxPool(wg.conv2d(x, f, 1, 'same').add(b), 2, 2, 'valid'));
    const logits = wg.matMul(h.reshape([2, 36]), w);
    return wg.neg(wg.mean(wg.sum(labels.mul(wg.logSoftmax(logits, -1)), -1)));
  },
  tf: (x, f, b, w, labels) => {
    const h = tf.relu(tf.maxPool(tf.add(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), b), 2, 2, 'valid'));
    const logits = tf.matMul(tf.reshape(h, [2, 36]), w);
    return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits, -1)), -1))) as tf.Scalar;
  },
  jax: (x, f, b, w, labels) => {
    const conv = jax.lax.convGeneralDilated(x.transpose([0, 3, 1, 2]), f.transpose([3, 2, 0, 1]), [1, 1], 'SAME');
    const pooled = jax.lax.reduceWindow(conv.add(b.reshape([4, 1, 1])), (win) => np.max(win), [2, 2], [2, 2]);
    const h = jax.nn.relu(pooled).transpose([0, 2, 3, 1]).reshape([2, 36]);
    const logits = np.matmul(h, w);
    return np.negative(np.mean(np.sum(labels.mul(jax.nn.logSoftmax(logits, -1)), -1)));
  },
};

/** The same CNN in the brief's order with average pooling: conv2d 'same' + bias, relu, avgPool 2×2, dense, CE. */
const CNN_AVG: Case = {
  ...CNN,
  name: 'small CNN loss (conv2d same + bias, relu, avgPool 2×2, dense, softmax cross-entropy)',
  wg: (x, f, b, w, labels) => {
    const h = wg.avgPool(wg.relu(wg.conv2d(x, f, 1, 'same').add(b)), 2, 2, 'valid');
    const logits = wg.matMul(h.reshape([2, 36]), w);
    return wg.neg(wg.mean(wg.sum(labels.mul(wg.logSoftmax(logits, -1)), -1)));
  },
  tf: (x, f, b, w, labels) => {
    const h = tf.avgPool(tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), b)) as tf.Tensor4D, 2, 2, 'valid');
    const logits = tf.matMul(tf.reshape(h, [2, 36]), w);
    return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits, -1)), -1))) as tf.Scalar;
  },
  jax: (x, f, b, w, labels) => {
    const conv = jax.lax.convGeneralDilated(x.transpose([0, 3, 1, 2]), f.transpose([3, 2, 0, 1]), [1, 1], 'SAME');
    const pooled = jax.lax.reduceWindow(jax.nn.relu(conv.add(b.reshape([4, 1, 1]))), (win) => np.mean(win), [2, 2], [2, 2]);
    const logits = np.matmul(pooled.transpose([0, 2, 3, 1]).reshape([2, 36]), w);
    return np.negative(np.mean(np.sum(labels.mul(jax.nn.logSoftmax(logits, -1)), -1)));
  },
};

/**
 * Σ w·layerNorm(x)·gamma + beta over the last axis (ε = 1e-5). wgflow uses its layerNorm op (its own rule);
 * the peers compose it from the mean, the (biased) variance and rsqrt (jax-js: 1/sqrt). The weights w make the loss depend on
 * x (Σ of a normalised row alone has a zero gradient).
 */
const LAYER_NORM: Case = {
  name: 'layerNorm (x, gamma, beta)',
  inputs: [input('x', [3, 8], 31, -2, 2), input('gamma', [8], 32, 0.5, 1.5), input('beta', [8], 33), input('w', [3, 8], 34)],
  wg: (x, gamma, beta, w) => wg.sum(wg.layerNorm(x, gamma, beta, 1e-5).mul(w)),
  tf: (x, gamma, beta, w) => {
    const { mean, variance } = tf.moments(x, -1, true);
    const y = tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), gamma), beta);
    return tf.sum(tf.mul(y, w)) as tf.Scalar;
  },
  jax: (x, gamma, beta, w) => {
    const mean = np.mean(x.ref, -1, { keepdims: true });
    const centred = x.sub(mean);
    const variance = np.mean(np.square(centred.ref), -1, { keepdims: true });
    const y = centred.mul(np.reciprocal(np.sqrt(variance.add(1e-5)))).mul(gamma).add(beta);
    return np.sum(y.mul(w));
  },
};

/** Σ w·softmax(q·kᵀ/√d)·v, batched: q, k, v [2, 4, 8]. */
const ATTENTION: Case = {
  name: 'attention block softmax(q·kᵀ/√d)·v',
  inputs: [input('q', [2, 4, 8], 41), input('k', [2, 4, 8], 42), input('v', [2, 4, 8], 43), input('w', [2, 4, 8], 44)],
  wg: (q, k, v, w) => wg.sum(wg.matMul(wg.softmax(wg.matMul(q, k, false, true).mul(1 / Math.sqrt(8)), -1), v).mul(w)),
  tf: (q, k, v, w) => tf.sum(tf.mul(tf.matMul(tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(8)), -1), v), w)) as tf.Scalar,
  jax: (q, k, v, w) => np.sum(np.matmul(jax.nn.softmax(np.matmul(q, k.transpose([0, 2, 1])).mul(1 / Math.sqrt(8)), -1), v).mul(w)),
};

const CASES = [MLP, SOFTMAX_CE, CNN, CNN_AVG, LAYER_NORM, ATTENTION];

// ---- running each engine ----

const MODES = ['eager', 'wg.function', "withMode('graph')"] as const;
type Mode = (typeof MODES)[number];

async function wgflowGrads(c: Case, mode: Mode, data: Float32Array[]): Promise<Float32Array[]> {
  const xs = c.inputs.map((inp, i) => wg.tensor(data[i], inp.shape));
  try {
    const read = async (g: wg.Tensor[]) => {
      try {
        return (await Promise.all(g.map((t) => t.data()))) as Float32Array[];
      } finally {
        for (const t of g) t.dispose();
      }
    };
    switch (mode) {
      case 'eager':
        return await read(wg.grads(c.wg)(xs));
      case 'wg.function': {
        const fn = wg.function((...a: wg.Tensor[]) => wg.grads(c.wg)(a));
        try {
          return await read((await fn(...xs)) as wg.Tensor[]);
        } finally {
          fn.dispose();
        }
      }
      case "withMode('graph')":
      default:
        return await wg.withMode('graph', () => wg.scope(async () => (await Promise.all(wg.grads(c.wg)(xs).map((t) => t.data()))) as Float32Array[]));
    }
  } finally {
    for (const t of xs) t.dispose();
  }
}

async function tfGrads(c: Case, data: Float32Array[]): Promise<Float32Array[]> {
  const before = tf.memory().numTensors;
  const grads = tf.tidy(() => tf.grads((...xs: tf.Tensor[]) => c.tf(...xs))(c.inputs.map((inp, i) => tf.tensor(data[i], inp.shape, 'float32'))));
  const out = (await Promise.all(grads.map((g) => g.data()))) as Float32Array[];
  tf.dispose(grads);
  expect(tf.memory().numTensors, 'TensorFlow.js tensors left').toBe(before);
  return out;
}

async function jaxGrads(c: Case, data: Float32Array[]): Promise<Float32Array[]> {
  const argnums = c.inputs.map((_, i) => i);
  const arrays = c.inputs.map((inp, i) => np.array(data[i]).reshape(inp.shape));
  // grad consumes its arguments; each gradient is consumed by data().
  const grads = jax.grad(c.jax, { argnums })(...arrays) as JaxArray[];
  return (await Promise.all(grads.map((g) => g.data()))) as Float32Array[];
}

/** The elements where `got` is not within this file's tolerance of `want`. */
const mismatches = (got: Float32Array, want: Float32Array) => compareWithin(got, want, RTOL, ATOL);

/** The largest |a − b| relative to max|b| over a set of gradients (reported, not checked). */
function worst(got: Float32Array[], want: Float32Array[]): number {
  let w = 0;
  got.forEach((g, k) => {
    const scale = Math.max(...want[k].map(Math.abs)) || 1;
    g.forEach((v, i) => (w = Math.max(w, Math.abs(v - want[k][i]) / scale)));
  });
  return w;
}

function expectClose(got: Float32Array[], want: Float32Array[], c: Case, label: string): void {
  expect(got.length, label).toBe(want.length);
  got.forEach((g, k) => {
    const bad = mismatches(g, want[k]);
    if (bad.length) expect.fail(`${c.name}: d/d${c.inputs[k].name} ${label}: ${bad.length} of ${g.length} elements differ: ${bad.slice(0, 4).join(', ')}`);
  });
}

beforeAll(async () => {
  if (!(await tf.setBackend('cpu'))) throw new Error('TensorFlow.js: the cpu backend failed to initialise');
  const devices = await jax.init('wasm');
  if (!devices.includes('wasm')) throw new Error(`jax-js: no wasm device (got ${devices.join(', ')})`);
  jax.defaultDevice('wasm');
});

describe('gradients against TensorFlow.js tf.grads and jax-js grad', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const data = c.inputs.map((inp) => inp.data);
      const fromTf = await tfGrads(c, data);
      const fromJax = await jaxGrads(c, data);
      // The two oracles agree with each other first (a wrong peer function would show here).
      expectClose(fromJax, fromTf, c, 'jax-js vs TensorFlow.js');
      const spread: string[] = [];
      for (const mode of MODES) {
        const got = await wgflowGrads(c, mode, data);
        expectClose(got, fromTf, c, `wgflow ${mode} vs TensorFlow.js`);
        expectClose(got, fromJax, c, `wgflow ${mode} vs jax-js`);
        spread.push(`${mode} ${worst(got, fromTf).toExponential(1)}/${worst(got, fromJax).toExponential(1)}`);
      }
      console.log(`${c.name}: largest difference / max|gradient| vs TF.js/jax-js: ${spread.join(', ')}; TF.js vs jax-js ${worst(fromJax, fromTf).toExponential(1)}`);
    });
  }

  test('MLP parameters as variables: wg.variableGrads and wg.GradientTape vs tf.variableGrads', async () => {
    // The MLP's weights and biases as trainable variables (x and y plain tensors): each engine's variable form.
    const data = MLP.inputs.map((inp) => inp.data);
    const names = ['w1', 'b1', 'w2', 'b2'];
    const at = (name: string) => MLP.inputs.findIndex((inp) => inp.name === name);
    const tfVars = names.map((n) => tf.variable(tf.tensor(data[at(n)], MLP.inputs[at(n)].shape), true, `peers_${n}`));
    const [tx, ty] = ['x', 'y'].map((n) => tf.tensor(data[at(n)], MLP.inputs[at(n)].shape));
    const { value: tfValue, grads: tfByName } = tf.variableGrads(() => MLP.tf(tx, tfVars[0], tfVars[1], tfVars[2], tfVars[3], ty));
    const fromTf = (await Promise.all(names.map((n) => tfByName[`peers_${n}`].data()))) as Float32Array[];
    tf.dispose([tfValue, ...Object.values(tfByName), tx, ty, ...tfVars]);
    const fromJax = (await jaxGrads(MLP, data)).filter((_, k) => names.includes(MLP.inputs[k].name));

    const [x, y] = ['x', 'y'].map((n) => wg.tensor(data[at(n)], MLP.inputs[at(n)].shape));
    const vars = names.map((n) => {
      const t = wg.tensor(data[at(n)], MLP.inputs[at(n)].shape);
      const v = wg.variable(t, { name: `peers_${n}` });
      t.dispose();
      return v;
    });
    const f = () => MLP.wg(x, vars[0], vars[1], vars[2], vars[3], y);
    try {
      const { value, grads } = wg.variableGrads(f);
      expect(Object.keys(grads).sort()).toEqual(names.map((n) => `peers_${n}`).sort());
      const fromVariableGrads = (await Promise.all(names.map((n) => grads[`peers_${n}`].data()))) as Float32Array[];
      wg.dispose([value, ...Object.values(grads)]);
      // The tape records the forward pass's intermediates: tidy frees them (and the tape's saved tensors).
      const g = wg.tidy(() => {
        const tape = new wg.GradientTape();
        const grads = tape.gradient(f(), vars) as wg.Tensor[];
        tape.dispose();
        return grads;
      });
      const fromTape = (await Promise.all(g.map((t) => t.data()))) as Float32Array[];
      wg.dispose(g);
      const c = { ...MLP, inputs: names.map((n) => MLP.inputs[at(n)]) };
      expectClose(fromJax, fromTf, c, 'jax-js vs TensorFlow.js');
      for (const [label, got] of [['wg.variableGrads', fromVariableGrads], ['wg.GradientTape', fromTape]] as const) {
        expectClose(got, fromTf, c, `${label} vs tf.variableGrads`);
        expectClose(got, fromJax, c, `${label} vs jax-js`);
      }
    } finally {
      wg.dispose([x, y, ...vars]);
    }
  });

  test('the comparison fails when one input element of one engine is off by 1%', async () => {
    // The MLP with w1[0, 0] scaled by 1.01 in TensorFlow.js's copy only: its gradients must no longer match.
    const data = MLP.inputs.map((inp) => inp.data);
    const perturbed = data.map((d) => d.slice());
    perturbed[1][0] *= 1.01;
    const got = await wgflowGrads(MLP, 'eager', data);
    const exact = await tfGrads(MLP, data);
    const off = await tfGrads(MLP, perturbed);
    expect(got.flatMap((g, k) => mismatches(g, exact[k]))).toEqual([]);
    expect(got.flatMap((g, k) => mismatches(g, off[k])).length).toBeGreaterThan(0);
  });
});
