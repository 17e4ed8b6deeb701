// End-to-end training helpers (issue 21): a seeded two-spirals data set in plain JavaScript (its own
// generator, no engine code), a two-layer MLP 2 → H → H → 2 (tanh, softmax cross-entropy, seeded Glorot
// weights and zero biases) whose parameters are eager variables, and the accuracy of read-back logits
// computed in plain JavaScript. The tests (tests/node/train_spirals.test.ts, tests/browser/train_spirals.test.ts)
// use these to train with Adam on the full batch, eagerly and as a compiled step.
import * as wg from '../../engine/index';

/** mulberry32: a small seeded generator of floats in [0, 1). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Spirals {
  /** Number of points (2 × perClass). */
  n: number;
  /** Points, row-major [n, 2]. */
  x: Float32Array;
  /** Labels 0 or 1, [n]. */
  labels: Int32Array;
  /** One-hot labels, row-major [n, 2]. */
  onehot: Float32Array;
}

/**
 * Two interleaved spirals, `perClass` points each, `turns` turns out to radius 1, with Gaussian noise of
 * standard deviation `noise` (Box–Muller) on each coordinate. Class 1 is class 0 turned by π. The points
 * alternate class (0, 1, 0, 1…), so any prefix is balanced.
 */
export function spirals(seed: number, perClass = 100, noise = 0.04, turns = 1.25): Spirals {
  const rand = prng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const n = 2 * perClass;
  const x = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  const onehot = new Float32Array(n * 2);
  for (let i = 0; i < perClass; i++) {
    const r = 0.1 + (0.9 * i) / (perClass - 1); // radius from 0.1 to 1
    const angle = 2 * Math.PI * turns * r;
    for (let c = 0; c < 2; c++) {
      const k = 2 * i + c;
      const a = angle + c * Math.PI;
      x[2 * k] = r * Math.cos(a) + noise * gauss();
      x[2 * k + 1] = r * Math.sin(a) + noise * gauss();
      labels[k] = c;
      onehot[2 * k + c] = 1;
    }
  }
  return { n, x, labels, onehot };
}

/** The fraction of rows of `logits` ([n, 2], row-major, read back from the engine) whose argmax is the label. */
export function accuracy(logits: ArrayLike<number>, labels: Int32Array): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    const predicted = logits[2 * i + 1] > logits[2 * i] ? 1 : 0;
    if (predicted === labels[i]) right++;
  }
  return right / labels.length;
}

export interface Mlp {
  /** The parameters (eager variables named `${name}/w1` …). */
  vars: wg.Tensor[];
  /** Their names, in the same order. */
  names: string[];
  /** Logits [n, 2] for points [n, 2]. */
  logits(x: wg.Tensor): wg.Tensor;
  /** Softmax cross-entropy (mean over the batch) of the logits against one-hot labels. */
  loss(x: wg.Tensor, y: wg.Tensor): wg.Tensor;
  dispose(): void;
}

/**
 * The MLP 2 → hidden → hidden → 2 with tanh: weights from wg.initializers.glorotUniform seeded by
 * `seed` (+ layer), biases zero. Variables named `${name}/…`, so a fresh model with the same name loads a
 * saved record of another.
 */
export function mlp(seed: number, hidden: number, name = 'mlp'): Mlp {
  const shapes: [string, number[]][] = [
    ['w1', [2, hidden]],
    ['b1', [hidden]],
    ['w2', [hidden, hidden]],
    ['b2', [hidden]],
    ['w3', [hidden, 2]],
    ['b3', [2]],
  ];
  const vars = shapes.map(([n, shape], i) => {
    const init = shape.length === 2 ? wg.initializers.glorotUniform({ seed: seed * 16 + i }).apply(shape) : wg.zeros(shape);
    const v = wg.variable(init, { name: `${name}/${n}` });
    init.dispose();
    return v;
  });
  const [w1, b1, w2, b2, w3, b3] = vars;
  const logits = (x: wg.Tensor) => {
    const h1 = wg.tanh(wg.add(wg.matMul(x, w1), b1));
    const h2 = wg.tanh(wg.add(wg.matMul(h1, w2), b2));
    return wg.add(wg.matMul(h2, w3), b3);
  };
  return {
    vars,
    names: shapes.map(([n]) => `${name}/${n}`),
    logits,
    loss: (x, y) => wg.losses.softmaxCrossEntropy(y, logits(x)),
    dispose: () => wg.dispose(vars),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Training runs shared by the Node (CPU device) and browser (WebGPU) tests. Adam on the full batch.

export type Mode = 'eager' | 'graph';

export interface Setup {
  hidden: number;
  lr: number;
  perClass?: number;
}

/** One training step in `mode`: eagerly opt.minimize, or the compiled step (a wg.function taking the batch). */
export function stepper(mode: Mode, opt: wg.train.Optimizer, model: Mlp): { step: (x: wg.Tensor, y: wg.Tensor) => wg.Tensor; dispose(): void } {
  if (mode === 'graph') {
    const f = wg.function((x: wg.Tensor, y: wg.Tensor) => opt.minimize(() => model.loss(x, y), true));
    return { step: (x, y) => f(x, y), dispose: () => f.dispose() };
  }
  return { step: (x, y) => opt.minimize(() => model.loss(x, y), true), dispose: () => {} };
}

/** The training accuracy of `model` on `data`, from its logits read back and compared in plain JavaScript. */
export async function accuracyOf(model: Mlp, x: wg.Tensor, data: Spirals): Promise<number> {
  const logits = wg.tidy(() => model.logits(x));
  const values = await logits.data();
  logits.dispose();
  return accuracy(values, data.labels);
}

/**
 * Trains seed `seed`'s data and model in `mode` until the training accuracy (checked every `every` steps, the
 * only readbacks) reaches `target`, for at most `maxSteps` steps. Returns the step it first did (or -1) and
 * the last accuracy seen.
 */
export async function stepsToAccuracy(
  seed: number,
  mode: Mode,
  setup: Setup,
  target: number,
  maxSteps: number,
  every: number,
): Promise<{ steps: number; accuracy: number }> {
  const data = spirals(seed, setup.perClass);
  const x = wg.tensor(data.x, [data.n, 2]);
  const y = wg.tensor(data.onehot, [data.n, 2]);
  const model = mlp(seed, setup.hidden);
  const opt = wg.train.adam(setup.lr);
  const s = stepper(mode, opt, model);
  let acc = 0;
  let steps = -1;
  try {
    for (let i = 1; i <= maxSteps; i++) {
      s.step(x, y).dispose();
      if (i % every === 0) {
        acc = await accuracyOf(model, x, data);
        if (acc >= target) {
          steps = i;
          break;
        }
      }
    }
  } finally {
    s.dispose();
    opt.dispose();
    model.dispose();
    wg.dispose([x, y]);
  }
  return { steps, accuracy: acc };
}

/**
 * The loss (read back each step) over `steps` steps of seed `seed` in `mode`. With `breakAt`, training stops
 * before that step: the model's variables and the optimizer's state are saved (wg.saveVariables, through
 * JSON), and training continues with FRESH variables (a new model of the same names) and a fresh optimizer
 * (opt.build, then wg.loadVariables) — in graph mode with a fresh wg.function over them.
 */
export async function lossCurve(seed: number, mode: Mode, setup: Setup, steps: number, breakAt?: number): Promise<number[]> {
  const data = spirals(seed, setup.perClass);
  const x = wg.tensor(data.x, [data.n, 2]);
  const y = wg.tensor(data.onehot, [data.n, 2]);
  let model = mlp(seed, setup.hidden);
  let opt = wg.train.adam(setup.lr);
  let s = stepper(mode, opt, model);
  const curve: number[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      if (i === breakAt) {
        const saved = JSON.parse(JSON.stringify(await wg.saveVariables([...model.vars, ...opt.getWeights().map((w) => w.tensor)])));
        s.dispose();
        opt.dispose();
        model.dispose();
        // Fresh variables start from another seed's weights, so only the load can make the curves agree.
        model = mlp(seed + 1000, setup.hidden);
        opt = wg.train.adam(setup.lr);
        opt.build(model.vars);
        const state = opt.getWeights();
        if (state.length === 0) throw new Error('opt.build made no optimizer state');
        wg.loadVariables(saved, [...model.vars, ...state.map((w) => w.tensor)]);
        if (opt.iterations !== breakAt) throw new Error(`the loaded optimizer counts ${opt.iterations} steps, not ${breakAt}`);
        s = stepper(mode, opt, model);
      }
      const l = s.step(x, y);
      curve.push((await l.data())[0]);
      l.dispose();
    }
  } finally {
    s.dispose();
    opt.dispose();
    model.dispose();
    wg.dispose([x, y]);
  }
  return curve;
}

/**
 * Fails with the first index where |got − want| > rtol·|want| (+ a tiny absolute floor); else returns the largest
 * relative difference seen (for the log).
 */
export function sameCurve(got: number[], want: number[], rtol: number, label: string): number {
  if (got.length !== want.length) throw new Error(`${label}: ${got.length} values, expected ${want.length}`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= rtol * Math.abs(want[i]) + 1e-7)) {
      throw new Error(`${label}: step ${i + 1}: ${got[i]} vs ${want[i]} (rtol ${rtol})`);
    }
    worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.abs(want[i]));
  }
  return worst;
}
