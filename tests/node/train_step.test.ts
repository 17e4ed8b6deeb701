// The compiled training step on the CPU device: a wg.function around optimizer.minimize updates captured eager
// variables in place and gives the same curve as eager steps (every optimizer), creates the optimizer's state on
// the first trace only, counts its runs; learning-rate schedules inside a trace; TensorFlow 1 minimize(loss) as a
// train op (evaluating the loss does not train) and its save/load. The float64 oracle for the curves is plain
// JavaScript gradient descent on a quadratic (SGD), independent of the engine.
import { describe, expect, it } from 'vitest';
import * as wg from '../../engine/index';

const X = [[1, 0.5, -1], [0.25, 2, 0.5], [-0.5, 1, 1.5], [2, -1, 0.25]];
const Y = [[1, 0], [0, 1], [1, 1], [0.5, -0.5]];
const W0 = [[0.1, -0.2], [0.3, 0.05], [-0.15, 0.2]];

function makeModel(name: string) {
  const w = wg.variable(wg.tensor(W0), { name: `${name}/w` });
  const b = wg.variable(wg.tensor([0.05, -0.05]), { name: `${name}/b` });
  const loss = (x: wg.Tensor, y: wg.Tensor) => wg.losses.meanSquaredError(y, wg.tanh(wg.add(wg.matMul(x, w), b)));
  return { w, b, loss, dispose: () => (w.dispose(), b.dispose()) };
}

const OPTIMIZERS: [string, () => wg.train.Optimizer][] = [
  ['sgd', () => wg.train.sgd(0.5)],
  ['momentum (Nesterov)', () => wg.train.momentum(0.2, 0.9, true)],
  ['adam', () => wg.train.adam(0.05)],
  ['adamax (decay)', () => wg.train.adamax(0.05, 0.9, 0.999, 1e-7, 0.01)],
  ['rmsprop (centered)', () => wg.train.rmsprop(0.02, 0.9, 0.5, 1e-7, true)],
  ['adagrad', () => wg.train.adagrad(0.3)],
  ['adadelta', () => wg.train.adadelta(1, 0.95)],
];

async function values(t: wg.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function closeTo(got: number[], want: number[], rtol: number, label: string): void {
  expect(got.length, label).toBe(want.length);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]) <= rtol * Math.abs(want[i]) + 1e-7)) expect.fail(`${label}[${i}]: ${g} vs ${want[i]}`);
  });
}

describe('a compiled step (wg.function around minimize)', () => {
  for (const [name, make] of OPTIMIZERS) {
    it(`${name}: the same curve and variables as eager steps, one trace, the state made on the first trace`, async () => {
      const x = wg.tensor(X);
      const y = wg.tensor(Y);
      const eager = makeModel('e');
      const compiled = makeModel('c');
      const optE = make();
      const optC = make();
      const step = wg.function((xb: wg.Tensor, yb: wg.Tensor) => optC.minimize(() => compiled.loss(xb, yb), true));
      const curveE: number[] = [];
      const curveC: number[] = [];
      let stateAfterFirst = -1;
      for (let i = 0; i < 12; i++) {
        const le = optE.minimize(() => eager.loss(x, y), true);
        const lc = step(x, y);
        curveE.push((await values(le))[0]);
        curveC.push((await values(lc))[0]);
        le.dispose();
        lc.dispose();
        if (i === 0) stateAfterFirst = optC.getWeights().length;
      }
      closeTo(curveC, curveE, 1e-5, `${name} loss curve`);
      expect(curveC[11], 'the loss falls').toBeLessThan(curveC[0]);
      closeTo(await values(compiled.w), await values(eager.w), 1e-5, `${name} w`);
      closeTo(await values(compiled.b), await values(eager.b), 1e-5, `${name} b`);
      expect(step.traceCount).toBe(1);
      expect(optC.iterations).toBe(12);
      expect(optE.iterations).toBe(12);
      // The state (step, slots) exists eagerly after the first trace and no more was made later.
      expect(optC.getWeights().length).toBe(stateAfterFirst);
      // The same state, named after the optimizer (Adam/…) and the variable (e/w/m, c/w/m).
      const kinds = (o: wg.train.Optimizer) => o.getWeights().map((w) => w.name.replace(/^[ec]\//, ''));
      expect(kinds(optC)).toEqual(kinds(optE));
      for (const [k, w] of optC.getWeights().entries()) {
        closeTo(await values(w.tensor), await values(optE.getWeights()[k].tensor), 1e-5, `${name} state ${w.name}`);
      }
      step.dispose();
      for (const o of [optE, optC]) o.dispose();
      eager.dispose();
      compiled.dispose();
      x.dispose();
      y.dispose();
    });
  }

  it('updates in place: the variables keep their buffers, and eager code sees the new values at once', async () => {
    const w = wg.variable(wg.tensor([1, 2, 3]));
    const buffer = w.storage;
    const bump = wg.function(() => {
      w.assign(wg.add(w, 1));
      return wg.sum(w); // reads the new value (TensorFlow 2's program order)
    });
    expect((await values(bump()))[0]).toBe(9);
    expect(await values(w)).toEqual([2, 3, 4]);
    w.assign(wg.mul(w, 10)); // an eager update between runs is seen by the next run
    expect((await values(bump()))[0]).toBe(93);
    expect(w.storage).toBe(buffer);
    bump.dispose();
    w.dispose();
  });

  it('a schedule inside a trace gets the step as a tensor; one that returns a number is refused clearly', async () => {
    // SGD on f(w) = w²/2 (gradient w) with lr(step) = 0.5·0.5^step: w ← w·(1 − lr(step)), in float64 by hand.
    const w = wg.variable(wg.tensor([4]));
    const opt = wg.train.sgd((step: wg.Tensor | number) => (typeof step === 'number' ? 0.5 * 0.5 ** step : wg.mul(0.5, wg.pow(0.5, step))));
    const step = wg.function(() => opt.minimize(() => wg.sum(wg.mul(wg.square(w), 0.5)), true));
    let want = 4;
    for (let i = 0; i < 5; i++) {
      step().dispose();
      want *= 1 - 0.5 * 0.5 ** i;
    }
    closeTo(await values(w), [want], 1e-6, 'scheduled w');
    // The same optimizer eagerly continues the schedule from its count (5).
    opt.minimize(() => wg.sum(wg.mul(wg.square(w), 0.5)));
    want *= 1 - 0.5 * 0.5 ** 5;
    closeTo(await values(w), [want], 1e-6, 'scheduled w, eager step 6');
    const bad = wg.train.sgd((s: number) => (s < 100 ? 0.1 : 0.01));
    expect(() => wg.function(() => bad.minimize(() => wg.sum(w)))()).toThrow(/schedule returned .* inside a compiled step.*scalar tensor/);
    step.dispose();
    w.dispose();
  });

  it('saving the state mid-way and loading it into a fresh optimizer continues the compiled curve exactly', async () => {
    const x = wg.tensor(X);
    const y = wg.tensor(Y);
    const run = async (breakAt: number | null) => {
      const m = makeModel('m');
      let opt = wg.train.adam(0.05);
      let step = wg.function(() => opt.minimize(() => m.loss(x, y), true));
      const curve: number[] = [];
      for (let i = 0; i < 10; i++) {
        if (i === breakAt) {
          const saved = JSON.parse(JSON.stringify(await wg.saveVariables([m.w, m.b, ...opt.getWeights().map((w) => w.tensor)])));
          const fresh = wg.train.adam(0.05);
          fresh.build([m.w, m.b]);
          wg.loadVariables(saved, [m.w, m.b, ...fresh.getWeights().map((w) => w.tensor)]);
          expect(fresh.iterations).toBe(breakAt); // the step count follows its loaded variable
          step.dispose();
          opt.dispose();
          opt = fresh;
          step = wg.function(() => opt.minimize(() => m.loss(x, y), true));
        }
        const l = step();
        curve.push((await values(l))[0]);
        l.dispose();
      }
      step.dispose();
      opt.dispose();
      m.dispose();
      return curve;
    };
    const straight = await run(null);
    const resumed = await run(4);
    closeTo(resumed, straight, 1e-6, 'resumed curve');
    x.dispose();
    y.dispose();
  });
});

describe("withMode('graph') (how the playground runs graph mode)", () => {
  // Momentum, eagerly: the loss minimize returns is the one before the update. Lazily, the first assign (of the
  // momentum slot) computes only the gradient; the loss stays pending and must be computed before w's assign.
  async function curve(mode: 'eager' | 'graph', compiled: boolean): Promise<{ losses: number[]; traces: number }> {
    const x = wg.tensor(X);
    const y = wg.tensor(Y);
    const m = makeModel(`${mode}${compiled}`);
    const opt = wg.train.momentum(0.3, 0.9);
    const step = wg.function(() => opt.minimize(() => m.loss(x, y), true));
    const losses: number[] = [];
    await wg.withMode(mode, async () => {
      for (let i = 0; i < 6; i++) {
        const before = wg.sum(m.w); // pending in graph mode: must read w from before this step
        const l = compiled ? step() : opt.minimize(() => m.loss(x, y), true);
        losses.push((await l.data())[0], (await before.data())[0]);
      }
    });
    const traces = step.traceCount;
    step.dispose();
    opt.dispose();
    m.dispose();
    wg.dispose([x, y]);
    return { losses, traces };
  }

  it('a stateful optimizer gives the eager curve, with minimize written out or as a wg.function (run as its compiled plan)', async () => {
    const eager = await curve('eager', false);
    const lazy = await curve('graph', false);
    const compiled = await curve('graph', true);
    closeTo(lazy.losses, eager.losses, 1e-5, 'withMode(graph), minimize written out');
    closeTo(compiled.losses, eager.losses, 1e-5, 'withMode(graph), a wg.function step');
    expect(compiled.traces).toBe(1);
  });
});

describe('TensorFlow 1: minimize(loss) inside g.build gives a train op', () => {
  function build() {
    const g = new wg.Graph();
    const opt = wg.train.sgd(0.1);
    const nodes = g.build(() => {
      const x = g.placeholder('float32', [null, 2], 'x');
      const w = wg.variable(wg.tensor([[1], [2]]), { name: 'w' });
      const loss = wg.mean(wg.square(wg.matMul(x, w)));
      return { loss, train: opt.minimize(loss) };
    });
    return { g, opt, ...nodes };
  }
  // Plain float64 SGD on mean((x·w)²) with x = [1, 1]: the gradient of each w_i is 2(w₁ + w₂).
  const sgdRef = (w: number[], steps: number) => {
    for (let s = 0; s < steps; s++) {
      const gr = 2 * (w[0] + w[1]);
      w = w.map((v) => v - 0.1 * gr);
    }
    return w;
  };

  it('sess.run(train) updates the graph variables; sess.run(loss) does not', async () => {
    const { g, opt, loss, train } = build();
    const sess = new wg.Session(g);
    const feeds = { x: [[1, 1]] };
    expect(await sess.run(loss, feeds)).toBeCloseTo(9, 5);
    expect(await sess.run(loss, feeds)).toBeCloseTo(9, 5);
    expect(opt.iterations).toBe(0);
    for (let i = 1; i <= 3; i++) expect(await sess.run(train, feeds)).toBe(i); // the train op's value: the new step
    const w = sgdRef([1, 2], 3);
    expect(await sess.run(loss, feeds)).toBeCloseTo((w[0] + w[1]) ** 2, 4);
    expect(opt.iterations).toBe(3);
    const saved = await sess.saveVariables();
    closeTo(saved.w.data, w, 1e-5, 'w after 3 steps');
    expect(saved[`${opt.scopeName}/iterations`].data).toEqual([3]);
    // Fetching the loss and the train op together: the loss is the one before the update.
    const [before] = (await sess.run([loss, train], feeds)) as number[];
    expect(before).toBeCloseTo((w[0] + w[1]) ** 2, 4);
    sess.close();
    g.dispose();
  });

  it('the train op survives toJSON/fromJSON, and withMode("eager") runs it the same way', async () => {
    const { g, train } = build();
    const loaded = wg.Graph.fromJSON(JSON.parse(JSON.stringify(g.toJSON())));
    const t = loaded.nodes.find((n) => n.control)!;
    expect(t.deferred).toBe(true);
    const sessA = new wg.Session(loaded);
    const sessB = new wg.Session(g);
    const feeds = { x: [[1, 1]] };
    await sessA.run(loaded.tensorOf(t.id), feeds);
    await wg.withMode('eager', () => sessB.run(train, feeds));
    await wg.withMode('eager', () => sessB.run('mean', feeds)); // evaluating the loss eagerly does not train either
    const want = sgdRef([1, 2], 1);
    closeTo((await sessA.saveVariables()).w.data, want, 1e-5, 'loaded graph');
    closeTo((await sessB.saveVariables()).w.data, want, 1e-5, 'withMode eager');
    sessA.close();
    sessB.close();
    g.dispose();
    loaded.dispose();
  });

  it('clear errors: a loss tensor outside g.build, a loss with no variables', () => {
    const opt = wg.train.sgd(0.1);
    expect(() => opt.minimize(wg.tensor(1))).toThrow(/TensorFlow 1 style .*inside g.build.*minimize\(\(\) => loss\)/);
    const g = new wg.Graph();
    expect(() => g.build(() => opt.minimize(wg.sum(g.placeholder('float32', [2], 'x'))))).toThrow(/depends on no trainable variable/);
    g.dispose();
  });
});
