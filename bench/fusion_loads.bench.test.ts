// Does fusing an elementwise producer into a consumer that reads it through loads (a pooling window) pay on this
// adapter? relu(x·a + b) then maxPool 2×2 s2 / 3×3 s1 'same' / avgPool 3×3 s2 on 1×112×112×64, as a graph run
// with the producer fused (one kernel) and with it kept apart (LOADED_FUSION.budget 0: two kernels; 200 forces the fusion). Prints,
// asserts nothing; docs/performance.md records what it showed.
import { test } from 'vitest';
import * as wg from '../engine/index';
import { LOADED_FUSION } from '../engine/graph/passes/fusion';

const CASES: [string, (x: wg.Tensor) => wg.Tensor][] = [
  ['maxPool 2×2 s2', (x) => wg.maxPool(x, 2, 2, 'valid')],
  ['maxPool 3×3 s1 same', (x) => wg.maxPool(x, 3, 1, 'same')],
  ['avgPool 3×3 s2 same', (x) => wg.avgPool(x, 3, 2, 'same')],
];

test('producer fused into pooling loads', async () => {
  const shape = [1, 112, 112, 64];
  const x = wg.randomUniform(shape, -1, 1, 'float32', 3);
  const rows: string[] = [];
  for (const [name, pool] of CASES) {
    for (const budget of [200, 0]) {
      LOADED_FUSION.budget = budget;
      const f = wg.function((t: wg.Tensor) => pool(wg.relu(t.mul(1.5).add(0.25))));
      await wg.tidy(() => f(x)).data();
      const times: number[] = [];
      for (let r = 0; r < 5; r++) {
        const t0 = performance.now();
        const y = f(x);
        await y.data();
        y.dispose();
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      rows.push(`${name.padEnd(22)} ${budget ? 'fused (1 kernel)  ' : 'apart (2 kernels) '} median ${times[2].toFixed(1).padStart(7)} ms`);
    }
  }
  LOADED_FUSION.budget = 40;
  x.dispose();
  console.log('\nrelu(x·a + b) → pooling, graph mode:\n' + rows.join('\n'));
}, 600_000);
