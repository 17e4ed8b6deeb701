// Gradients on WebGPU: every rule against central differences of a float64 plain-JavaScript reference
// (tests/helpers/grad_cases.ts), eagerly, traced into a wg.function (forward and backward one plan), and in a
// withMode('graph') block (the tape records lazily). tests/node/autodiff.test.ts: the CPU device and the API.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { finiteDifferences, GRAD_CASES } from '../helpers/grad_cases';

const MODES = ['eager', 'wg.function', "withMode('graph')"] as const;
/**
 * The Dawn project (`npm run test:node`) runs this file again in Node: there one mode checks the same WGSL
 * (a wg.function: the fused kernels); Chromium runs all three. It keeps the suite's time within budget.
 */
const onDawn = typeof window === 'undefined';
const RUN_MODES = onDawn ? (['eager'] as const) : MODES;

function close(got: ArrayLike<number>, want: ArrayLike<number>, [rtol, atol]: [number, number], label: string): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]))) expect.fail(`${label}[${i}]: got ${got[i]}, the differences give ${want[i]}`);
  }
}

async function gradients(mode: (typeof MODES)[number], f: (...t: wg.Tensor[]) => wg.Tensor, xs: wg.Tensor[], dy: wg.Tensor): Promise<ArrayLike<number>[]> {
  switch (mode) {
    case 'eager': {
      const g = wg.grads(f)(xs, dy);
      const out = await Promise.all(g.map((t) => t.data()));
      for (const t of g) t.dispose();
      return out;
    }
    case 'wg.function': {
      const fn = wg.function((...a: wg.Tensor[]) => wg.grads(f)(a.slice(0, -1), a[a.length - 1]));
      const g = (await fn(...xs, dy)) as wg.Tensor[];
      const out = await Promise.all(g.map((t) => t.data()));
      for (const t of g) t.dispose();
      fn.dispose();
      return out;
    }
    case "withMode('graph')":
      return wg.withMode('graph', () => wg.scope(async () => Promise.all(wg.grads(f)(xs, dy).map((t) => t.data()))));
  }
}

describe('gradient rules against finite differences (WebGPU)', () => {
  for (const c of GRAD_CASES) {
    test(c.name, async () => {
      const { inputs, w, grads } = finiteDifferences(c);
      const xs = inputs.map((a) => wg.tensor(Float32Array.from(a.data), a.shape));
      const dy = wg.tensor(Float32Array.from(w.data), w.shape);
      try {
        for (const mode of RUN_MODES) {
          const got = await gradients(mode, (...t) => c.wg(wg, ...t), xs, dy);
          grads.forEach((want, k) => close(got[k], want, c.tol ?? [2e-3, 2e-4], `${c.name} d/dx${k + 1} (${mode})`));
        }
      } finally {
        for (const t of [...xs, dy]) t.dispose();
      }
    });
  }
});

describe('gradients and devices, and what profiles say of them (WebGPU default)', () => {
  test('each gradient runs on its forward op\'s device, and its kernels name the forward op and line', async () => {
    const x = wg.tensor([0.5, 1, 2]);
    const { result: g, profile } = await wg.profile(() => {
      const tape = new wg.GradientTape();
      tape.watch(x);
      const y = wg.device('cpu', () => wg.tidy(() => wg.sum(wg.exp(x)))); // the forward line the backward kernels name
      const dx = tape.gradient(y, x)!;
      y.dispose();
      return dx;
    });
    close(await g.data(), [0.5, 1, 2].map(Math.exp), [1e-6, 1e-6], 'd Σeˣ/dx');
    const backward = profile.kernels.filter((k) => k.sources.some((s) => s.grad));
    expect(backward.length).toBeGreaterThan(0);
    const exp = backward.filter((k) => k.sources.some((s) => s.grad?.op === 'exp'));
    expect(exp.length).toBeGreaterThan(0);
    // Nothing of the backward pass runs on WebGPU (the seed, ones, is made on y's device too): no copies.
    expect(backward.map((k) => `${k.name} ${k.kind} ${k.device}`).filter((k) => !k.endsWith(' cpu'))).toEqual([]);
    const src = exp[0].sources.find((s) => s.grad)!.grad!;
    expect(src.file).toMatch(/autodiff\.test/);
    expect(src.line).toBeGreaterThan(0);
    // The forward kernels carry no grad.
    expect(profile.kernels.filter((k) => k.sources.some((s) => s.op === 'exp' && !s.grad)).map((k) => k.device)).toEqual(['cpu']);
    for (const t of [x, g]) t.dispose();
  });
});
