// Gradients on the CPU device: every rule against central differences of a float64 plain-JavaScript reference
// (tests/helpers/grad_cases.ts), eagerly and traced into a wg.function; the API's contracts and errors.
import { describe, expect, it } from 'vitest';
import * as wg from '../../engine/index';
import { finiteDifferences, GRAD_CASES, type GradCase } from '../helpers/grad_cases';

function close(got: ArrayLike<number>, want: ArrayLike<number>, [rtol, atol]: [number, number], label: string): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const ok = Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]);
    if (!ok) expect.fail(`${label}[${i}]: got ${got[i]}, the differences give ${want[i]}`);
  }
}

/** TensorFlow 1: wg.gradients adds the backward nodes to a Graph; a Session runs it with the inputs fed. */
async function checkCaseTF1(c: GradCase): Promise<void> {
  const { inputs, w, grads } = finiteDifferences(c);
  const g = new wg.Graph();
  const fetched = g.build(() => {
    const xs = inputs.map((a, i) => g.placeholder('float32', a.shape, `x${i}`));
    const dy = g.placeholder('float32', w.shape, 'dy');
    return wg.gradients(c.wg(wg, ...xs), xs, dy);
  });
  const sess = new wg.Session(g);
  const feeds: Record<string, Float32Array> = { dy: Float32Array.from(w.data) };
  inputs.forEach((a, i) => (feeds[`x${i}`] = Float32Array.from(a.data)));
  const got = (await sess.run(fetched as wg.Tensor[], feeds, { typedArrays: true })) as Float32Array[];
  for (let k = 0; k < grads.length; k++) close(got[k], grads[k], c.tol ?? [2e-3, 2e-4], `${c.name} d/dx${k + 1} (wg.gradients)`);
  sess.close();
  g.dispose();
}

async function checkCase(c: GradCase, mode: 'eager' | 'function'): Promise<void> {
  const { inputs, w, grads } = finiteDifferences(c);
  const xs = inputs.map((a) => wg.tensor(Float32Array.from(a.data), a.shape));
  const dy = wg.tensor(Float32Array.from(w.data), w.shape);
  const f = (...t: wg.Tensor[]) => c.wg(wg, ...t);
  const got =
    mode === 'eager'
      ? wg.grads(f)(xs, dy)
      : await wg.function((...a: wg.Tensor[]) => wg.grads(f)(a.slice(0, -1), a[a.length - 1]))(...xs, dy);
  for (let k = 0; k < grads.length; k++) close(await (got as wg.Tensor[])[k].data(), grads[k], c.tol ?? [2e-3, 2e-4], `${c.name} d/dx${k + 1} (${mode})`);
  for (const t of [...xs, dy, ...(got as wg.Tensor[])]) t.dispose();
}

describe('gradient rules against finite differences (CPU device)', () => {
  wg.setDefaultDevice('cpu');
  for (const c of GRAD_CASES) {
    it(c.name, async () => {
      await checkCase(c, 'eager');
      await checkCase(c, 'function');
      await checkCaseTF1(c);
    });
  }
});

describe('the gradient API', () => {
  wg.setDefaultDevice('cpu');
  it('grad, valueAndGrad, valueAndGrads and a non-scalar target (ones as dy)', async () => {
    const x = wg.tensor([1, 2, 3]);
    expect(await wg.grad((t) => wg.sum(wg.square(t)))(x).array()).toEqual([2, 4, 6]);
    expect(await wg.grad((t) => wg.square(t))(x).array()).toEqual([2, 4, 6]);
    const { value, grad } = wg.valueAndGrad((t) => wg.sum(wg.mul(t, t)))(x);
    expect(await value.array()).toBe(14);
    expect(await grad.array()).toEqual([2, 4, 6]);
    const r = wg.valueAndGrads((a, b) => wg.sum(wg.mul(a, b)))([x, wg.tensor([4, 5, 6])]);
    expect(await r.value.array()).toBe(32);
    expect(await r.grads[0].array()).toEqual([4, 5, 6]);
    expect(await r.grads[1].array()).toEqual([1, 2, 3]);
  });

  it('grad(grad(f)): second derivatives through the elementwise rules and the reductions', async () => {
    const x = wg.tensor([0.5, -1, 2]);
    const d2 = wg.grad((t) => wg.sum(wg.grad((u) => wg.sum(wg.mul(wg.mul(u, u), u)))(t)))(x);
    close(await d2.data(), [3, -6, 12], [1e-6, 1e-6], 'd²/dx² Σx³ = 6x');
    const h = wg.grad((t) => wg.sum(wg.grad((u) => wg.sum(wg.exp(u)))(t)))(x);
    close(await h.data(), [0.5, -1, 2].map(Math.exp), [1e-5, 1e-6], 'd²/dx² Σeˣ = eˣ');
  });

  it('TensorFlow 1: wg.gradients adds the backward pass to a Graph (placeholders with a null batch, variables inside and outside build)', async () => {
    const w = wg.variable(wg.tensor([[1], [2]]), { name: 'w_outside' });
    const g = new wg.Graph();
    const out = g.build(() => {
      const x = g.placeholder('float32', [null, 2], 'x');
      const b = wg.variable(wg.tensor([0.5]), { name: 'b' });
      // Placed on the CPU by a wg.device block: its gradient nodes are asked for there too.
      const y = wg.device('cpu', () => wg.add(wg.matMul(x, w), b));
      const loss = wg.sum(wg.square(y));
      const [dw, db, dx] = wg.gradients(loss, [w, b, x]);
      const other = g.placeholder('float32', [1], 'other');
      const [none] = wg.gradients(loss, [other]);
      const [zero] = wg.gradients(loss, other, undefined, { unconnectedGradients: 'zero' });
      // Two targets, the second weighted: d(loss + Σ 3·y)/db = Σ 2y + 3n. And a second derivative: d(Σ dx)/dx = 0 here,
      // d(Σ dw)/dx through the matmul: Σ_j dw_j = Σ_i 2 y_i (x_i0 + x_i1) → d/dx_ik = 2 (w_k (x_i0 + x_i1) + y_i).
      const [db2] = wg.gradients([loss, wg.sum(y)], [b], [null, wg.scalar(3)]);
      const [ddx] = wg.gradients(wg.sum(dw!), [x]);
      expect(none).toBeNull();
      return { loss, dw: dw!, db: db!, dx: dx!, zero: zero!, db2: db2!, ddx: ddx! };
    });
    const sess = new wg.Session(g);
    const r = await sess.run(out, { x: [[1, 0], [0, 1], [1, 1]], other: [1] });
    // y = [1.5, 2.5, 3.5]; dL/dy = 2y = [3, 5, 7].
    expect(r.loss).toBeCloseTo(1.5 ** 2 + 2.5 ** 2 + 3.5 ** 2, 5);
    expect(r.dw).toEqual([[10], [12]]);
    expect(r.db).toEqual([15]);
    expect(r.dx).toEqual([[3, 6], [5, 10], [7, 14]]);
    expect(r.zero).toEqual([0]);
    expect(r.db2).toEqual([15 + 9]);
    // x_i0 + x_i1 = [1, 1, 2]; y = [1.5, 2.5, 3.5]; w = [1, 2].
    expect(r.ddx).toEqual([[2 * (1 + 1.5), 2 * (2 + 1.5)], [2 * (1 + 2.5), 2 * (2 + 2.5)], [2 * (2 + 3.5), 2 * (4 + 3.5)]]);
    // The backward nodes say which forward op and line they differentiate (the playground draws them apart).
    const backward = g.nodes.filter((n) => n.grad);
    expect(backward.length).toBeGreaterThan(4);
    // Each names a node of the graph and its op: the forward ones, and (second order) the backward ones of dw.
    const differentiated = new Set(backward.map((n) => n.grad!.op));
    for (const op of ['sum', 'square', 'add', 'matMul']) expect(differentiated).toContain(op);
    expect(backward.every((n) => g.nodes.some((m) => m.name === n.grad!.node && m.op === n.grad!.op))).toBe(true);
    expect(backward.every((n) => n.grad!.line! > 0 && n.grad!.file!.includes('autodiff.test'))).toBe(true);
    expect(g.nodes.filter((n) => n.op === 'matMul' && !n.grad)).toHaveLength(1);
    const placed = backward.filter((n) => n.grad!.op === 'matMul' || n.grad!.op === 'add');
    expect(placed.length).toBeGreaterThan(1);
    expect(placed.filter((n) => n.requested !== "cpu").map((n) => `${n.name} ${n.op} ${n.grad!.node} ${n.requested}`)).toEqual([]);
    expect(backward.filter((n) => n.grad!.op === 'square').every((n) => n.requested === undefined)).toBe(true);
    // They survive a save and load.
    const loaded = wg.Graph.fromJSON(JSON.parse(JSON.stringify(await g.save())));
    expect(loaded.nodes.filter((n) => n.grad).map((n) => n.grad)).toEqual(backward.map((n) => n.grad));
    sess.close();
    g.dispose();
    w.dispose();
  });

  it('TensorFlow 1: wg.gradients of a loaded graph, and its errors', async () => {
    const g = new wg.Graph();
    g.build(() => {
      const x = g.placeholder('float32', [3], 'x');
      return { y: wg.sum(wg.exp(x)) };
    });
    const loaded = wg.Graph.fromJSON(g.toJSON());
    const dx = loaded.build(() => wg.gradients(loaded.lookup('y')!, loaded.lookup('x')!)[0]!);
    const sess = new wg.Session(loaded);
    const got = await sess.run(dx, { x: [0, 1, 2] }, { typedArrays: true });
    close(got as Float32Array, [0, 1, 2].map(Math.exp), [1e-6, 0], 'd Σeˣ/dx');
    sess.close();
    expect(() => wg.gradients(wg.scalar(1), [wg.scalar(2)])).toThrow(/inside g\.build\(\.\.\.\) or a wg\.function.*GradientTape/);
    g.build(() => {
      const x = g.lookup('x')!;
      expect(() => wg.gradients(g.lookup('y')!, [3 as unknown as wg.Tensor])).toThrow(/xs\[0\] must be a Tensor or variable, got number/);
      expect(() => wg.gradients(g.lookup('y')!, [loaded.lookup('x')!])).toThrow(/another graph/);
      expect(() => wg.gradients(x, [x], [wg.scalar(1)])).toThrow(/dy of shape \[\] does not match the target's shape \[3\]/);
      expect(() => wg.gradients(g.lookup('y')!, [wg.cast(x, 'int32')])).toThrow(/int32/);
    });
    g.dispose();
    loaded.dispose();
  });

  it('GradientTape: watch, several sources, persistent, unconnected sources, stop()', async () => {
    const a = wg.tensor([1, 2]);
    const b = wg.tensor([3, 4]);
    const unused = wg.tensor([5]);
    const tape = new wg.GradientTape({ persistent: true });
    tape.watch(a, b);
    const y = wg.sum(wg.mul(a, b));
    tape.stop();
    const z = wg.sum(wg.mul(a, a)); // after stop(): not recorded
    const [ga, gb, gu] = tape.gradient(y, [a, b, unused]);
    expect(await ga!.array()).toEqual([3, 4]);
    expect(await gb!.array()).toEqual([1, 2]);
    expect(gu).toBeNull();
    expect(tape.gradient(z, a)).toBeNull();
    expect(await (tape.gradient(y, unused, undefined, { unconnectedGradients: 'zero' }) as wg.Tensor).array()).toEqual([0]);
    tape.dispose();
    expect(() => tape.gradient(y, a)).toThrow(/disposed/);
  });

  it('a non-persistent tape computes gradients once; wg.gradientTape records inside its callback', async () => {
    const x = wg.tensor([2]);
    const tape = new wg.GradientTape();
    tape.watch(x);
    const y = wg.square(x);
    expect(await (tape.gradient(y, x) as wg.Tensor).array()).toEqual([4]);
    expect(() => tape.gradient(y, x)).toThrow(/disposed|once/);
    const g = await wg.gradientTape(async (t) => {
      t.watch(x);
      const v = wg.mul(x, 3);
      return t.gradient(v, x) as wg.Tensor;
    });
    expect(await g.array()).toEqual([3]);
  });

  it('bad input: an unconnected x, a non-tensor, an integer source, a dy of the wrong shape, a missing rule', () => {
    const x = wg.tensor([1, 2]);
    expect(() => wg.grad(() => wg.tensor([1]))(x)).toThrow(/cannot compute the gradient of y=f\(x\) with respect to x/);
    expect(() => wg.grads((a, b) => wg.mul(a, 2))([x, wg.tensor([3, 4])])).toThrow(/with respect to x2/);
    expect(() => wg.grad((t) => t)(3 as unknown as wg.Tensor)).toThrow(/must be a Tensor/);
    expect(() => wg.grad((t) => t)(wg.tensor([1], undefined, 'int32'))).toThrow(/float32/);
    expect(() => wg.grad((t) => wg.square(t))(x, wg.tensor([1, 2, 3]))).toThrow(/shape/);
    // Comparisons carry no gradient: the target does not depend on x through them.
    expect(() => wg.grad((t) => wg.cast(wg.greater(t, 0), 'float32'))(x)).toThrow(/does not depend/);
  });

  it('eager grad frees what f and the backward pass made: 200 steps leave no tensor behind', async () => {
    const x = wg.tensor([1, 2]);
    const before = wg.memory();
    for (let i = 0; i < 200; i++) wg.grad((t) => wg.sum(wg.mul(wg.exp(t), t)))(x).dispose();
    expect(wg.memory().tensors).toBe(before.tensors);
    expect(wg.memory().bytesInUse).toBe(before.bytesInUse);
    close(await wg.grad((t) => wg.sum(wg.mul(wg.exp(t), t)))(x).data(), [2 * Math.E, 3 * Math.E ** 2], [1e-6, 1e-6], 'd/dx Σ x·eˣ');
  });

  it('a wg.tidy or dispose() inside taped code: the tape keeps what its backward pass needs, then frees it', async () => {
    const x = wg.tensor([0.5, 1, 2]);
    const before = wg.memory();
    // tidy frees exp(2x) (exp's rule reads it) and 2x; the tape saved them.
    const g = wg.grad((t) => wg.tidy(() => wg.sum(wg.exp(wg.mul(t, 2)))))(x);
    close(await g.data(), [0.5, 1, 2].map((v) => 2 * Math.exp(2 * v)), [1e-6, 1e-6], 'd/dx Σ e^(2x) through a tidy');
    g.dispose();
    const tape = new wg.GradientTape();
    tape.watch(x);
    const h = wg.sigmoid(x);
    const sq = wg.square(h);
    const y = wg.sum(sq);
    h.dispose();
    sq.dispose();
    const s = [0.5, 1, 2].map((v) => 1 / (1 + Math.exp(-v)));
    const d = tape.gradient(y, x)!;
    close(await d.data(), s.map((v) => 2 * v * v * (1 - v)), [1e-6, 1e-6], 'd/dx Σ σ(x)² with σ(x) disposed');
    d.dispose();
    y.dispose();
    // Nothing is left: the saved stand-ins went with the tape.
    expect(wg.memory().tensors).toBe(before.tensors);
    expect(wg.memory().bytesInUse).toBe(before.bytesInUse);
  });

  it('variableGrads and a tape inside a wg.function: captured variables, read fresh each call', async () => {
    const w = wg.variable(wg.tensor([1, 2]), { name: 'w_fn' });
    const b = wg.variable(wg.tensor([3]), { name: 'b_fn', trainable: false });
    const step = wg.function((x: wg.Tensor) => {
      const { value, grads } = wg.variableGrads(() => wg.sum(wg.square(wg.add(wg.mul(x, w), b))));
      expect(Object.keys(grads)).toEqual(['w_fn']);
      return { value, gw: grads.w_fn };
    });
    const taped = wg.function((x: wg.Tensor) => {
      const tape = new wg.GradientTape();
      return tape.gradient(wg.sum(wg.square(wg.mul(x, w))), w)!;
    });
    const x = wg.tensor([1, 1]);
    // x·w + b = [4, 5]: Σ² = 41, d/dw = 2·[4, 5]·x.
    let r = await step(x);
    expect([await r.value.array(), await r.gw.array()]).toEqual([41, [8, 10]]);
    expect(await (await taped(x)).array()).toEqual([2, 4]);
    w.assign(wg.tensor([2, 2]));
    r = await step(x);
    expect([await r.value.array(), await r.gw.array()]).toEqual([50, [10, 10]]);
    expect(await (await taped(x)).array()).toEqual([4, 4]);
    for (const v of [w, b, x]) v.dispose();
  });

  it("withMode('graph'): reads of a variable made before an assign see the old value, as eagerly (a training step in one block)", async () => {
    const v = wg.variable(wg.tensor([1]), { name: 'v_lazy' });
    const y = await wg.withMode('graph', () =>
      wg.scope(async () => {
        const twice = v.mul(2);
        v.assign(wg.tensor([10]));
        return (await twice.data())[0];
      }),
    );
    expect(y).toBe(2);
    // SGD on Σ(x·w + b)² in one block per step: the update of w must not change what b's gradient read.
    const step = async (mode: 'eager' | 'graph', w: wg.Tensor, b: wg.Tensor) => {
      const body = async () =>
        wg.scope(async () => {
          const x = wg.tensor([1, 2]);
          const tape = new wg.GradientTape();
          const loss = wg.sum(wg.square(wg.add(wg.mul(x, w), b)));
          const [gw, gb] = tape.gradient(loss, [w, b]) as wg.Tensor[];
          w.assign(wg.sub(w, wg.mul(gw, 0.1)));
          b.assign(wg.sub(b, wg.mul(gb, 0.1)));
          return loss.data();
        });
      return mode === 'eager' ? body() : wg.withMode('graph', body);
    };
    const run = async (mode: 'eager' | 'graph') => {
      const w = wg.variable(wg.tensor([0.5, -0.5]));
      const b = wg.variable(wg.tensor([0.25]));
      const losses: number[] = [];
      for (let i = 0; i < 3; i++) losses.push((await step(mode, w, b))[0]);
      const out = [losses, await w.array(), await b.array()];
      w.dispose();
      b.dispose();
      return out;
    };
    expect(await run('graph')).toEqual(await run('eager'));
    v.dispose();
  });

  it('a wg.function that takes gradients is one plan: fusion spans forward and backward', async () => {
    const r = (sh: number[], seed: number) => wg.randomNormal(sh, 0, 0.1, 'float32', seed);
    const ps = [r([8, 8], 1), r([8], 2), r([8, 8], 3), r([8], 4), r([8, 4], 5), r([4], 6)];
    const x = r([4, 8], 7);
    const labels = wg.oneHot(wg.tensor([0, 1, 2, 3], undefined, 'int32'), 4, 1, 0, 'float32');
    const loss = (w1: wg.Tensor, b1: wg.Tensor, w2: wg.Tensor, b2: wg.Tensor, w3: wg.Tensor, b3: wg.Tensor) => {
      const h1 = wg.relu(wg.add(wg.matMul(x, w1), b1));
      const h2 = wg.relu(wg.add(wg.matMul(h1, w2), b2));
      return wg.mean(wg.neg(wg.sum(wg.mul(labels, wg.logSoftmax(wg.add(wg.matMul(h2, w3), b3))), -1)));
    };
    const step = wg.function((...p: wg.Tensor[]) => {
      const { value, grads } = wg.valueAndGrads(loss)(p);
      return [value, ...grads];
    });
    const out = (await step(...ps)) as wg.Tensor[];
    const kernels = step.explain(...ps).kernels.map((k) => k.name);
    // The forward keeps its bias + relu epilogues (relu's rule reads its result, so the pre-activation is not
    // kept), and the backward multiplies by relu's mask inside the matmul that makes dh.
    expect(kernels.filter((k) => k === 'matMul+add+relu')).toHaveLength(2);
    expect(kernels.filter((k) => k === 'matMul+mul')).toHaveLength(2);
    // 3 matmuls forward and 5 backward (no dx: x is not a source), the loss and softmax reductions, the masks and bias sums.
    expect(kernels.length).toBeLessThanOrEqual(18);
    for (const t of [...ps, x, labels, ...out]) t.dispose();
    step.dispose();
  });

  it('stopGradient: nothing flows back through it', async () => {
    const x = wg.tensor([1, 2, 3]);
    expect(await wg.grad((t) => wg.sum(wg.mul(t, wg.stopGradient(t))))(x).array()).toEqual([1, 2, 3]);
    expect(() => wg.grad((t) => wg.stopGradient(wg.square(t)))(x)).toThrow(/does not depend/);
  });

  it('variables: tapes watch trainable ones; variableGrads keys gradients by name and leaves unconnected ones out', async () => {
    const w = wg.variable(wg.tensor([1, 2]), { name: 'w' });
    const b = wg.variable(wg.tensor([3]), { name: 'b' });
    const frozen = wg.variable(wg.tensor([5, 6]), { name: 'frozen', trainable: false });
    const unused = wg.variable(wg.tensor([7]), { name: 'unused' });
    const { value, grads } = wg.variableGrads(() => wg.sum(wg.add(wg.mul(wg.square(w), frozen), b)));
    expect(await value.array()).toBe(1 * 5 + 4 * 6 + 2 * 3);
    expect(Object.keys(grads).sort()).toEqual(['b', 'w']);
    expect(await grads.w.array()).toEqual([10, 24]);
    expect(await grads.b.array()).toEqual([2]);
    const only = wg.variableGrads(() => wg.sum(wg.mul(w, b)), [b, unused]);
    expect(Object.keys(only.grads)).toEqual(['b']);
    expect(await only.grads.b.array()).toEqual([3]);
    const tape = new wg.GradientTape();
    const y = wg.sum(wg.mul(w, 2));
    expect(await (tape.gradient(y, w) as wg.Tensor).array()).toEqual([2, 2]);
    const blind = new wg.GradientTape({ watchAccessedVariables: false });
    const z = wg.sum(wg.mul(w, 2));
    expect(blind.gradient(z, w)).toBeNull();
    expect(() => wg.variableGrads(() => wg.sum(w), [wg.tensor([1])])).toThrow(/not a variable/);
    expect(() => wg.variableGrads(() => w)).toThrow(/scalar/);
    for (const v of [w, b, frozen, unused]) v.dispose();
  });

  it('customGrad: the gradient is gradFunc\'s, with the tensors f saved', async () => {
    const f = wg.customGrad((x: wg.Tensor, save: (t: wg.Tensor[]) => void) => {
      save([x]);
      return { value: wg.square(x), gradFunc: (dy: wg.Tensor, [saved]: wg.Tensor[]) => wg.mul(dy, wg.mul(saved, 10)) };
    });
    const x = wg.tensor([1, 2]);
    expect(await f(x).array()).toEqual([1, 4]);
    expect(await wg.grad((t) => wg.sum(f(t)))(x).array()).toEqual([10, 20]);
    // Traced: the custom rule becomes graph nodes like any other.
    const g = (await wg.function((t: wg.Tensor) => wg.grad((u) => wg.sum(f(u)))(t))(x)) as wg.Tensor;
    expect(await g.array()).toEqual([10, 20]);
  });

  it('interleaved async tape callbacks are detected with a clear error', async () => {
    const x = wg.tensor([1, 2]);
    const tick = () => new Promise((r) => setTimeout(r, 5));
    // The first callback ends while the second, started during its await, still records: not nesting.
    const one = wg.gradientTape(async (t) => {
      t.watch(x);
      await tick();
      return wg.square(x);
    });
    const two = wg.gradientTape(async (t) => {
      t.watch(x);
      await tick();
      await tick();
      return wg.exp(x);
    });
    const results = await Promise.allSettled([one, two]);
    expect(results.some((r) => r.status === 'rejected' && /interleaved/.test(String((r as PromiseRejectedResult).reason)))).toBe(true);
    // Sequential callbacks are fine.
    const y = await wg.gradientTape(async (t) => {
      t.watch(x);
      await tick();
      return t.gradient(wg.sum(wg.square(x)), x) as wg.Tensor;
    });
    expect(await y.array()).toEqual([2, 4]);
  });
});
