// wgflow against jax-js (jit) on the benchmark chain tanh(relu(x*a + b) - x) * c + exp(-(x*x)), 1M float32,
// in the same page on the same adapter: each call computes the chain and reads the 4 MB result back.
// Prints, asserts nothing (compare the ratio, not absolute times: the machine is shared).
import { test } from 'vitest';
import * as wg from '../engine/index';
import { defaultDevice, init, jit, numpy as np } from '@jax-js/jax';

const N = 1 << 20;

test('wgflow vs jax-js jit on the benchmark chain (1M elements)', async () => {
  const devices = await init('webgpu');
  if (!devices.includes('webgpu')) {
    console.log('jax-js: WebGPU unavailable here, skipped');
    return;
  }
  defaultDevice('webgpu');
  const host = new Float32Array(N).map((_, i) => ((i * 7919) % 1000) / 250 - 2);
  // jax-js: arrays are reference-counted; every use but the last takes `.ref`.
  const chainJax = jit((x: np.Array) =>
    np.tanh(np.maximum(x.ref.mul(1.5).add(0.25), 0).sub(x.ref)).mul(2).add(np.exp(np.negative(x.ref.mul(x)))),
  );
  const xj = np.array(host);
  const chainWg = (x: wg.Tensor) => wg.tanh(wg.relu(x.mul(1.5).add(0.25)).sub(x)).mul(2).add(wg.exp(x.mul(x).neg()));
  const f = wg.function(chainWg);
  const xw = wg.tensor(host);
  const reps = 8;
  const time = async (fn: () => Promise<unknown>) => {
    await fn();
    await fn();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    return (performance.now() - t0) / reps;
  };
  const rows: [string, number][] = [];
  let check: [number, number] = [0, 0];
  for (let round = 0; round < 2; round++) {
    rows.push(['jax-js jit', await time(async () => {
      const y = chainJax(xj.ref);
      const d = await y.data();
      check[0] = d[12345];
    })]);
    rows.push(['wgflow wg.function (graph)', await time(() => wg.scope(async () => {
      const d = await f(xw).data();
      check[1] = d[12345];
    }))]);
    rows.push(['wgflow eager', await time(() => wg.scope(async () => {
      const d = await chainWg(xw).data();
      check[1] = d[12345];
    }))]);
  }
  const best = (name: string) => Math.min(...rows.filter((r) => r[0] === name).map((r) => r[1]));
  const jx = best('jax-js jit');
  console.log(
    `\nbenchmark chain, 1M float32, with the 4 MB readback (best of 2 rounds × ${reps}); same value check: ${check[0].toFixed(5)} vs ${check[1].toFixed(5)}\n` +
      ['jax-js jit', 'wgflow wg.function (graph)', 'wgflow eager']
        .map((n) => `${n.padEnd(30)} ${best(n).toFixed(1).padStart(8)} ms   ${(jx / best(n)).toFixed(2)}× jax-js speed`)
        .join('\n'),
  );
  xj.dispose();
  xw.dispose();
  f.dispose();
});
