// Eager dispatch overhead: µs per tiny op on the WebGPU backend (and the CPU backend for scale).
// Run with `npm run bench`; prints a table, asserts nothing about speed.
import { test } from 'vitest';
import * as wg from '../engine/index';
import { onDevice } from '../tests/helpers/devices';

async function perOp(label: string, n: number, body: (x: wg.Tensor) => wg.Tensor): Promise<{ label: string; usPerOp: number }> {
  const x = wg.ones([4]);
  // Warm-up: compile pipelines and fill the buffer pool.
  wg.tidy(() => { for (let i = 0; i < 50; i++) body(x); });
  await wg.tidy(() => body(x)).data();
  const t0 = performance.now();
  let last: wg.Tensor | undefined;
  wg.tidy(() => {
    for (let i = 0; i < n; i++) {
      const y = body(x);
      if (i === n - 1) last = wg.keep(y);
    }
  });
  await last!.data(); // waits for every queued dispatch
  const ms = performance.now() - t0;
  last!.dispose();
  x.dispose();
  return { label, usPerOp: (ms * 1000) / n };
}

test('eager dispatch overhead', async () => {
  const rows: { label: string; usPerOp: number }[] = [];
  rows.push(await perOp('webgpu add [4] (batched, one readback)', 5000, (x) => wg.add(x, x)));
  rows.push(await perOp('webgpu add(x, 2) [4] (scalar param)', 5000, (x) => wg.add(x, 2)));
  rows.push(await perOp('webgpu sigmoid [4]', 5000, (x) => wg.sigmoid(x)));
  // Round trip: op + readback each time (latency, dominated by submit + map).
  const x = wg.ones([4]);
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) await wg.tidy(() => wg.add(x, x)).data().then(() => undefined);
  rows.push({ label: 'webgpu add [4] + await data() each op', usPerOp: ((performance.now() - t0) * 1000) / 200 });
  x.dispose();
  await onDevice('cpu', async () => {
    rows.push(await perOp('cpu add [4]', 5000, (y) => wg.add(y, y)));
  });
  console.log('\n' + rows.map((r) => `${r.label.padEnd(44)} ${r.usPerOp.toFixed(1).padStart(8)} µs/op`).join('\n'));
});
