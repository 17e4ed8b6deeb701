// matMul throughput on this machine's adapter: GFLOP/s at 256/512/1024 (float32), and the variant the
// selection point picked. Run with `npm run bench` (the bench project); prints, asserts nothing.
import { test } from 'vitest';
import * as wg from '../engine/index';
import { gpuBackend } from '../tests/helpers/devices';

test('matMul GFLOP/s', async () => {
  const rows: string[] = [];
  for (const n of [256, 512, 1024]) {
    const a = wg.randomUniform([n, n], -1, 1, 'float32', 1);
    const b = wg.randomUniform([n, n], -1, 1, 'float32', 2);
    // Warm-up: compile the pipeline, fill the pool.
    await wg.tidy(() => wg.matMul(a, b)).data().then(() => undefined);
    const reps = n <= 256 ? 10 : n <= 512 ? 4 : 2;
    const t0 = performance.now();
    let last: wg.Tensor | undefined;
    for (let r = 0; r < reps; r++) {
      last?.dispose();
      last = wg.matMul(a, b);
    }
    await last!.data();
    const ms = (performance.now() - t0) / reps;
    const v = gpuBackend().lastMatmulVariant!;
    rows.push(`${String(n).padStart(5)}³  ${ms.toFixed(1).padStart(8)} ms  ${((2 * n ** 3) / ms / 1e6).toFixed(2).padStart(7)} GFLOP/s  variant ${v.name} ${v.TM}x4 wg ${v.WX}x${v.WY}`);
    wg.dispose([a, b, last!]);
  }
  console.log('\nmatMul (float32, includes one readback per size):\n' + rows.join('\n'));
});
