// Convolution forms on this machine's adapter: the conv2d and depthwise workloads of the suite (1×112×112×32 → 64,
// 3×3 'same'; depthwise 3×3 on 1×112×112×64) and a first layer (8×64×64×3 → 16), each through every form the
// selection point can pick (direct kernel, patch gather + matmul) and tile, timed with readback. Run with
// `npm run bench` (the bench project); prints, asserts nothing. docs/performance.md records what it showed.
import { test } from 'vitest';
import * as wg from '../engine/index';
import { CONV_IM2COL } from '../engine/eager/dispatch_conv';
import { CONV_TILES } from '../engine/shaders/conv';

async function time(fn: () => wg.Tensor, reps: number): Promise<number> {
  await wg.tidy(fn).data(); // compile, fill the pool
  const t0 = performance.now();
  let last: wg.Tensor | undefined;
  for (let r = 0; r < reps; r++) {
    last?.dispose();
    last = fn();
  }
  await last!.data();
  last!.dispose();
  return (performance.now() - t0) / reps;
}

const SHAPES: [string, number[], number[], boolean][] = [
  ['conv 1×112×112×32 → 64', [1, 112, 112, 32], [3, 3, 32, 64], false],
  ['conv 8×64×64×3 → 16', [8, 64, 64, 3], [3, 3, 3, 16], false],
  ['conv 8×32×32×16 → 32', [8, 32, 32, 16], [3, 3, 16, 32], false],
  ['depthwise 1×112×112×64', [1, 112, 112, 64], [3, 3, 64, 1], true],
];

test('conv forms and tiles', async () => {
  const rows: string[] = [];
  for (const [name, xs, fs, dw] of SHAPES) {
    const x = wg.randomUniform(xs, -1, 1, 'float32', 1);
    const f = wg.randomUniform(fs, -1, 1, 'float32', 2);
    const flops = 2 * xs[0] * xs[1] * xs[2] * fs[0] * fs[1] * fs[2] * fs[3];
    const run = () => (dw ? wg.depthwiseConv2d(x, f, 1, 'same') : wg.conv2d(x, f, 1, 'same'));
    const tiles: object[] = dw ? CONV_TILES.depthwiseCandidates : CONV_TILES.candidates;
    for (const tile of tiles) {
      const keep = { ...CONV_TILES.cpuLike };
      Object.assign(CONV_TILES.cpuLike, dw ? { depthwise: tile } : { gemm: tile });
      const ms = await time(run, 3);
      Object.assign(CONV_TILES.cpuLike, keep);
      rows.push(`${name.padEnd(26)} direct ${JSON.stringify(tile).padEnd(28)} ${ms.toFixed(1).padStart(8)} ms ${(flops / ms / 1e6).toFixed(2).padStart(6)} GFLOP/s`);
    }
    if (!dw) {
      const keep = CONV_IM2COL.useOnCpuLike;
      CONV_IM2COL.useOnCpuLike = () => true;
      const ms = await time(run, 3);
      CONV_IM2COL.useOnCpuLike = keep;
      rows.push(`${name.padEnd(26)} im2col + matmul ${''.padEnd(19)} ${ms.toFixed(1).padStart(8)} ms ${(flops / ms / 1e6).toFixed(2).padStart(6)} GFLOP/s`);
    }
    wg.dispose([x, f]);
  }
  console.log('\nconvolution forms (float32, readback included):\n' + rows.join('\n'));
}, 600_000);
