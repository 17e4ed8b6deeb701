// Optimizers against TensorFlow.js's (@tensorflow/tfjs-core on its CPU backend, in the same page): the same
// initial variables and the same loss, 20 minimize() steps each, every variable equal within 1e-5 (relative to
// its largest magnitude). The loss, Σ(x·w + b − y)², has gradients that change with the variables, so each
// step's update rule matters. Also: slots are non-trainable variables, learning-rate schedules, and errors.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { uniform } from '../helpers/seeded';

beforeAll(async () => {
  if (!(await tf.setBackend('cpu'))) throw new Error('TensorFlow.js: the cpu backend failed to initialise');
});

const X = uniform(1, 8 * 3);
const Y = uniform(2, 8 * 2);
const W0 = uniform(3, 3 * 2);
const B0 = uniform(4, 2, -0.5, 0.5);
const STEPS = 20;

type Make<O> = (lr: number) => O;
const CASES: [string, Make<wg.train.Optimizer>, Make<tf.Optimizer>][] = [
  ['sgd', (lr) => wg.train.sgd(lr), (lr) => tf.train.sgd(lr)],
  ['momentum', (lr) => wg.train.momentum(lr, 0.9), (lr) => tf.train.momentum(lr, 0.9)],
  ['momentum (Nesterov)', (lr) => wg.train.momentum(lr, 0.8, true), (lr) => tf.train.momentum(lr, 0.8, true)],
  ['adam', (lr) => wg.train.adam(lr), (lr) => tf.train.adam(lr)],
  ['adam (betas, epsilon)', (lr) => wg.train.adam(lr, 0.8, 0.99, 1e-4), (lr) => tf.train.adam(lr, 0.8, 0.99, 1e-4)],
  ['adamax', (lr) => wg.train.adamax(lr), (lr) => tf.train.adamax(lr)],
  ['adamax (decay)', (lr) => wg.train.adamax(lr, 0.9, 0.999, 1e-6, 0.1), (lr) => tf.train.adamax(lr, 0.9, 0.999, 1e-6, 0.1)],
  ['rmsprop', (lr) => wg.train.rmsprop(lr), (lr) => tf.train.rmsprop(lr)],
  ['rmsprop (momentum, centered)', (lr) => wg.train.rmsprop(lr, 0.8, 0.5, 1e-6, true), (lr) => tf.train.rmsprop(lr, 0.8, 0.5, 1e-6, true)],
  ['adagrad', (lr) => wg.train.adagrad(lr), (lr) => tf.train.adagrad(lr)],
  ['adadelta', (lr) => wg.train.adadelta(lr, 0.95), (lr) => tf.train.adadelta(lr, 0.95)],
];

async function ours(make: Make<wg.train.Optimizer>, lr: number): Promise<{ w: Float32Array; b: Float32Array; losses: number[] }> {
  const x = wg.tensor(X, [8, 3]);
  const y = wg.tensor(Y, [8, 2]);
  const init = [wg.tensor(W0, [3, 2]), wg.tensor(B0, [2])];
  const w = wg.variable(init[0], { name: 'w' });
  const b = wg.variable(init[1], { name: 'b' });
  wg.dispose(init);
  const opt = make(lr);
  const losses: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const cost = opt.minimize(() => wg.sum(wg.square(wg.sub(wg.add(wg.matMul(x, w), b), y))), true)!;
    losses.push((await cost.data())[0]);
    cost.dispose();
  }
  const out = { w: (await w.data()) as Float32Array, b: (await b.data()) as Float32Array, losses };
  opt.dispose();
  wg.dispose([x, y, w, b]);
  return out;
}

async function theirs(make: Make<tf.Optimizer>, lr: number): Promise<{ w: Float32Array; b: Float32Array }> {
  const x = tf.tensor(X, [8, 3]);
  const y = tf.tensor(Y, [8, 2]);
  const w = tf.variable(tf.tensor(W0, [3, 2]));
  const b = tf.variable(tf.tensor(B0, [2]));
  const opt = make(lr);
  for (let i = 0; i < STEPS; i++) opt.minimize(() => tf.sum(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar);
  const out = { w: (await w.data()) as Float32Array, b: (await b.data()) as Float32Array };
  opt.dispose();
  tf.dispose([x, y, w, b]);
  return out;
}

function close(got: Float32Array, want: Float32Array, label: string, tol = 1e-5): number {
  const scale = Math.max(...Array.from(want, Math.abs), 1e-3);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]) / scale;
    worst = Math.max(worst, err);
    if (!(err <= tol)) expect.fail(`${label}[${i}]: wgflow ${got[i]}, TensorFlow.js ${want[i]}`);
  }
  return worst;
}

describe('optimizers against TensorFlow.js: 20 minimize steps', () => {
  for (const [name, mine, tfs] of CASES) {
    test(name, async () => {
      const lr = 0.02;
      const a = await ours(mine, lr);
      const t = await theirs(tfs, lr);
      // Centered RMSProp divides by √(ms − mg² − ε), a difference of nearly equal numbers, so float32 rounding
      // differences (most likely SwiftShader's division and square root against JavaScript's) grow to ~1e-4 over
      // 20 steps (measured 1.0e-4); the same rule, term by term, as TensorFlow.js's rmsprop_optimizer.
      const tol = name.includes('centered') ? 3e-4 : 1e-5;
      const worst = Math.max(close(a.w, t.w, `${name} w`, tol), close(a.b, t.b, `${name} b`, tol));
      // The loss falls (the step does something): a wrong sign or a no-op update would not.
      expect(a.losses[STEPS - 1]).toBeLessThan(a.losses[0]);
      console.log(`${name}: largest difference ${worst.toExponential(1)} of the largest value`);
    });
  }
});

describe('optimizer state and API', () => {
  test('slots are non-trainable variables named after their variable; dispose frees them', async () => {
    const before = wg.memory().tensors;
    const w = wg.variable([1, 2], { name: 'w_slots' });
    const opt = wg.train.adam(0.1);
    opt.minimize(() => wg.sum(wg.square(w)));
    const names = opt.getWeights().map((s) => s.name).sort();
    // The optimizer's own state (step, running powers of β) and the variable's slots.
    expect(names).toEqual(['Adam/accBeta1', 'Adam/accBeta2', 'Adam/iterations', 'w_slots/m', 'w_slots/v']);
    expect(opt.getWeights().every((s) => s.tensor.variable && !s.tensor.trainable)).toBe(true);
    expect(opt.iterations).toBe(1);
    // A second step reuses the slots, and creates no tensors beyond them.
    const live = wg.memory().tensors;
    opt.minimize(() => wg.sum(wg.square(w)));
    expect(wg.memory().tensors).toBe(live);
    opt.dispose();
    w.dispose();
    expect(wg.memory().tensors).toBe(before);
  });

  test('a learning-rate schedule gets the step; computeGradients + applyGradients is minimize in two parts', async () => {
    const w = wg.variable([1, -2], { name: 'w_sched' });
    const seen: number[] = [];
    const opt = wg.train.sgd((step: number) => {
      seen.push(step);
      return 0.1 / (step + 1);
    });
    // f = Σ w²/2: g = w, so w ← w·(1 − lr).
    for (let i = 0; i < 3; i++) {
      const { value, grads } = opt.computeGradients(() => wg.mul(wg.sum(wg.square(w)), 0.5));
      opt.applyGradients(grads);
      wg.dispose([value, ...Object.values(grads)]);
    }
    expect(seen).toEqual([0, 1, 2]);
    const want = [1, -2].map((v) => v * (1 - 0.1) * (1 - 0.05) * (1 - 0.1 / 3));
    const got = await w.data();
    want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
    // TensorFlow.js's named list form, with the variable given.
    const opt2 = wg.train.sgd(1);
    const ones = wg.tensor([1, 1]);
    const three = wg.tensor([1, 2, 3]);
    opt2.applyGradients([{ name: 'w_sched', tensor: ones }], [w]);
    expect(Array.from(await w.data()).map((v, i) => v - got[i])).toEqual([-1, -1]);
    expect(() => opt2.applyGradients({ nope: ones })).toThrow(/no variable named "nope"/);
    expect(() => opt2.applyGradients({ w_sched: three })).toThrow(/shape \[3\], the variable \[2\]/);
    wg.dispose([ones, three]);
    expect(() => wg.train.adam(-1)).toThrow(/learning rate must be a positive/);
    expect(() => wg.train.rmsprop(0.1, 1.5)).toThrow(/decay must be in \[0, 1\)/);
    opt.dispose();
    opt2.dispose();
    w.dispose();
  });
});

describe('stopping and resuming training', () => {
  test('saveVariables mid-training, loadVariables into fresh variables and a fresh optimizer: the same curve', async () => {
    const x = wg.tensor(X, [8, 3]);
    const y = wg.tensor(Y, [8, 2]);
    const model = () => {
      const init = [wg.tensor(W0, [3, 2]), wg.tensor(B0, [2])];
      const vars = [wg.variable(init[0], { name: 'resume/w' }), wg.variable(init[1], { name: 'resume/b' })];
      wg.dispose(init);
      return vars;
    };
    const steps = async (opt: wg.train.Optimizer, [w, b]: wg.Tensor[], n: number) => {
      const losses: number[] = [];
      for (let i = 0; i < n; i++) {
        const c = opt.minimize(() => wg.sum(wg.square(wg.sub(wg.add(wg.matMul(x, w), b), y))), true)!;
        losses.push((await c.data())[0]);
        c.dispose();
      }
      return losses;
    };
    // Without a break: 10 Adam steps.
    const a = model();
    const optA = wg.train.adam(0.05);
    const straight = await steps(optA, a, 10);
    // With a break after 5: save the model and the optimizer's state (slots, step, powers of β), load into fresh ones, go on.
    const b = model();
    const optB = wg.train.adam(0.05);
    const first = await steps(optB, b, 5);
    const saved = await wg.saveVariables([...b, ...optB.getWeights().map((s) => s.tensor)]);
    const record = JSON.parse(JSON.stringify({ saved }));
    const c = model();
    const optC = wg.train.adam(0.05);
    optC.build(c);
    wg.loadVariables(record.saved, [...c, ...optC.getWeights().map((s) => s.tensor)]);
    expect(optC.iterations).toBe(5); // the step count is a variable of the record, like the slots
    const resumed = [...first, ...(await steps(optC, c, 5))];
    expect(resumed).toEqual(straight);
    expect(Array.from(await c[0].data())).toEqual(Array.from(await a[0].data()));
    expect(Object.keys(saved).sort()).toEqual(['Adam/accBeta1', 'Adam/accBeta2', 'Adam/iterations', 'resume/b', 'resume/b/m', 'resume/b/v', 'resume/w', 'resume/w/m', 'resume/w/v']);
    // Errors: a missing entry, a shape that differs.
    expect(() => wg.loadVariables({}, c)).toThrow(/no "resume\/w"/);
    expect(() => wg.loadVariables({ 'resume/w': { dtype: 'float32', shape: [2], data: [1, 2] } }, [c[0]])).toThrow(/float32 \[3,2\], the record has float32 \[2\]/);
    for (const o of [optA, optB, optC]) o.dispose();
    wg.dispose([x, y, ...a, ...b, ...c]);
  });
});
