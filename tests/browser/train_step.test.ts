// The compiled training step on WebGPU: one wg.function around Adam's minimize on a small MLP runs forward,
// backward and update as one plan: at most one submission per step, the variables updated in place (their buffers kept),
// nothing read back unless the loss is read, memory flat; the same losses as the eager steps (rtol 1e-5); its
// graph groups forward, backward (nodes with `grad`) and update (the optimizer's name scope) nodes.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { gpuBackend } from '../helpers/devices';

const settle = () => new Promise((r) => setTimeout(r, 0));

function mlp(seed: number, prefix: string) {
  const variable = (init: wg.Tensor, name: string) => {
    const v = wg.variable(init, { name: `${prefix}/${name}` });
    init.dispose();
    return v;
  };
  const w1 = variable(wg.initializers.glorotUniform({ seed }).apply([8, 16]), 'w1');
  const b1 = variable(wg.zeros([16]), 'b1');
  const w2 = variable(wg.initializers.glorotUniform({ seed: seed + 1 }).apply([16, 3]), 'w2');
  const b2 = variable(wg.zeros([3]), 'b2');
  const vars = [w1, b1, w2, b2];
  const loss = (x: wg.Tensor, y: wg.Tensor) => wg.losses.softmaxCrossEntropy(y, wg.add(wg.matMul(wg.relu(wg.add(wg.matMul(x, w1), b1)), w2), b2));
  return { vars, loss };
}

function batch() {
  const xs = Array.from({ length: 32 * 8 }, (_, i) => Math.sin(i * 0.37) + 0.1 * ((i * 7) % 5));
  const ys = Array.from({ length: 32 }, (_, i) => [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0)));
  return { x: wg.tensor(xs, [32, 8]), y: wg.tensor(ys) };
}

describe('a compiled training step on WebGPU', () => {
  test('one submission per step, in-place updates, the eager curve, groups, flat memory', async () => {
    const { x, y } = batch();
    const eager = mlp(3, 'eager');
    const graph = mlp(3, 'graph');
    const optE = wg.train.adam(0.02);
    const optG = wg.train.adam(0.02);
    const step = wg.function((xb: wg.Tensor, yb: wg.Tensor) => optG.minimize(() => graph.loss(xb, yb), true));
    const buffers = graph.vars.map((v) => v.storage);
    const lossesE: number[] = [];
    const lossesG: number[] = [];
    for (let i = 0; i < 5; i++) {
      const le = optE.minimize(() => eager.loss(x, y), true);
      lossesE.push((await le.data())[0]);
      le.dispose();
      const lg = step(x, y);
      lossesG.push((await lg.data())[0]);
      lg.dispose();
    }
    lossesG.forEach((l, i) => expect(Math.abs(l - lossesE[i]), `step ${i}: ${l} vs ${lossesE[i]}`).toBeLessThanOrEqual(1e-5 * Math.abs(lossesE[i])));
    expect(lossesG[4]).toBeLessThan(lossesG[0]);
    // In place: the variables keep their buffers; the optimizer's state was made once (first trace).
    graph.vars.forEach((v, i) => expect(v.storage, v.variableName).toBe(buffers[i]));
    expect(step.traceCount).toBe(1);
    expect(optG.iterations).toBe(5);

    // One submission per step and no readback when the loss is not read.
    await settle();
    const gpu = gpuBackend();
    const before = { submissions: gpu.submissions, dispatches: gpu.dispatches };
    const kernels = step.explain(x, y).kernels.filter((k) => k.kind !== 'transfer').length;
    const outs = [step(x, y), step(x, y), step(x, y)];
    await settle();
    // At most one each (the eager command stream may batch several steps' plans into one submission).
    const submissions = gpu.submissions - before.submissions;
    expect(submissions, 'submissions for 3 steps').toBeGreaterThanOrEqual(1);
    expect(submissions, 'submissions for 3 steps').toBeLessThanOrEqual(3);
    expect(gpu.dispatches - before.dispatches).toBeGreaterThanOrEqual(3 * kernels);
    wg.dispose(outs);

    // The graph of one step: forward nodes, backward nodes (grad) and update nodes (the optimizer's scope).
    const g = step.getGraph(x, y);
    const ops = g.nodes.filter((n) => !['placeholder', 'capture', 'variable'].includes(n.op));
    const backward = ops.filter((n) => n.grad);
    const update = ops.filter((n) => n.scope?.split('/').includes('Adam'));
    const forward = ops.filter((n) => !n.grad && !n.scope);
    expect(forward.map((n) => n.op)).toEqual(expect.arrayContaining(['matMul', 'relu', 'add']));
    expect(backward.length).toBeGreaterThan(4);
    expect(update.filter((n) => n.op === 'assign').length).toBe(3 * 4 + 2); // m, v, w per variable; β powers
    expect(update.some((n) => n.op === 'assignAdd')).toBe(true); // the step count

    // Memory stays flat over more steps.
    const m0 = wg.memory();
    for (let i = 0; i < 30; i++) step(x, y).dispose();
    const l = step(x, y);
    await l.data();
    l.dispose();
    expect(wg.memory().tensors).toBe(m0.tensors);
    expect(wg.memory().bytesInUse).toBe(m0.bytesInUse);
    step.dispose();
    for (const o of [optE, optG]) o.dispose();
    wg.dispose([x, y, ...eager.vars, ...graph.vars]);
  });
});

describe('in-place updates fused into one kernel', () => {
  test('v ← f(v, g) is one kernel reading and writing v; a read of other elements of v is not fused', async () => {
    const init = wg.tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]);
    const v = wg.variable(init);
    init.dispose();
    const g = wg.tensor(Array.from({ length: 16 }, (_, i) => i / 4), [4, 4]);
    const update = wg.function((grad: wg.Tensor) => {
      v.assign(wg.sub(wg.mul(v, 0.5), wg.mul(grad, 2)));
      return wg.sum(v);
    });
    const host = [...Array(16).keys()].map((i) => i + 1);
    let want = host.slice();
    for (let r = 0; r < 3; r++) {
      want = want.map((x, i) => x * 0.5 - (i / 4) * 2);
      const s = update(g);
      expect((await s.data())[0]).toBeCloseTo(want.reduce((a, b) => a + b, 0), 4);
      s.dispose();
    }
    Array.from(await v.data()).forEach((x, i) => expect(x).toBeCloseTo(want[i], 5));
    const kernels = update.explain(g).kernels.map((k) => k.name);
    expect(kernels.filter((n) => n.includes('assign'))).toEqual(['mul+mul+sub+assign']);
    // A transpose reads other elements than it writes: fusing it in place would race, so it stays apart.
    const flip = wg.function(() => {
      v.assign(wg.add(wg.transpose(v), 1));
      return wg.sum(v);
    });
    const before = Array.from(await v.data());
    (await flip()).dispose();
    const after = Array.from(await v.data());
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(after[i * 4 + j]).toBeCloseTo(before[j * 4 + i] + 1, 5);
    update.dispose();
    flip.dispose();
    wg.dispose([v, g]);
  });
});
