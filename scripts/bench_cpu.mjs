// CPU backend kernel timings in Node, generated kernels ('jit') against the closure interpreter ('interpreter').
// `node scripts/bench_cpu.mjs [--mode jit|interpreter|both] [--quick]`. Bundles the engine's CPU backend with
// rolldown (Node 20 runs no TypeScript), then times launches straight on a CpuBackend: no graph, no eager layer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'rolldown';

const args = process.argv.slice(2);
const modeArg = args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'both';
const quick = args.includes('--quick');
const modes = modeArg === 'both' ? ['interpreter', 'jit'] : [modeArg];

const dir = mkdtempSync(join(tmpdir(), 'wgflow-bench-cpu-'));
await build({
  input: { cpu: 'engine/backend/cpu/cpu_backend.ts', jit: 'engine/backend/cpu/jit.ts', expr: 'engine/ir/expr.ts' },
  output: { dir, format: 'esm' },
  logLevel: 'silent',
});
const { CpuBackend } = await import(pathToFileURL(join(dir, 'cpu.js')).href);
const { setCpuKernelMode } = await import(pathToFileURL(join(dir, 'jit.js')).href);
const { input, param, lit, prim } = await import(pathToFileURL(join(dir, 'expr.js')).href);
rmSync(dir, { recursive: true, force: true });

const backend = new CpuBackend();
const f32 = (n, seed = 1) => {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 2 ** 32) * 4 - 2;
  }
  return backend.upload(a);
};
const view = (handle, shape) => {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((p, n) => p * n, 1));
  return { handle, dtype: 'float32', shape, strides, offset: 0 };
};

/** Fastest milliseconds of `fn` over `reps` runs after `warm` unmeasured ones. */
function time(fn, reps, warm = 2) {
  for (let i = 0; i < warm; i++) fn();
  const ts = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[0]; // the best run: least disturbed by other work on the machine
}

// ---- workloads ----
const N = 1 << 20;
const x1m = f32(N);
const out1m = backend.alloc(4 * N);
const X = input(0, 'float32');
const [pa, pb, pc] = [param(0, 'float32'), param(1, 'float32'), param(2, 'float32')];
const chainExpr = prim('add',
  prim('mul', prim('tanh', prim('sub', prim('max', prim('add', prim('mul', X, pa), pb), lit(0, 'float32')), X)), pc),
  prim('exp', prim('neg', prim('mul', X, X))));
const chain = {
  kind: 'elementwise', name: 'chain', rank: 0, inputs: [{ dtype: 'float32', layout: 'contiguous' }],
  params: ['float32', 'float32', 'float32'], out: 'float32', outLayout: 'contiguous', expr: chainExpr,
};
const chainLaunch = { kernel: chain, inputs: [view(x1m, [N])], params: [0.5, 0.1, 2], outShape: [N], out: out1m };

const x1k = f32(1024, 2);
const y1k = f32(1024, 3);
const out1k = backend.alloc(4096);
const add = { kind: 'elementwise', name: 'add', rank: 0, inputs: [{ dtype: 'float32', layout: 'contiguous' }, { dtype: 'float32', layout: 'contiguous' }], params: [], out: 'float32', outLayout: 'contiguous', expr: prim('add', input(0, 'float32'), input(1, 'float32')) };
const addLaunch = { kernel: add, inputs: [view(x1k, [1024]), view(y1k, [1024])], params: [], outShape: [1024], out: out1k };

const sq = view(x1m, [1024, 1024]);
const outRows = backend.alloc(8 * 1024);
const id = input(0, 'float32');
const reduce = (name, op, prologue = id, params = []) => ({ kind: 'reduce', name, op, inputs: ['float32'], acc: 'float32', out: 'float32', prologue, epilogue: id, params });
const red = (k, axes, params = []) => ({ kernel: k, inputs: [sq], params, outShape: [1024], out: outRows, axes, inShape: [1024, 1024] });
const sumRows = red(reduce('sum', 'sum'), [1]);
const sumCols = red(reduce('sum', 'sum'), [0]);
const stats = red(reduce('softmaxStats', 'softmaxstats'), [1]);
const sumExp = red(reduce('sumExp', 'sum', prim('exp', prim('sub', id, param(0, 'float32'))), ['float32']), [1], [0.25]);

const mm = (S) => {
  const a = f32(S * S, 4);
  const b = f32(S * S, 5);
  const k = { kind: 'matmul', name: 'matmul', dtype: 'float32' };
  const matmul = { M: S, N: S, K: S, batch: 1, batchShape: [], aBatchStrides: [], bBatchStrides: [], aOffset: 0, bOffset: 0, am: S, ak: 1, bk: S, bn: 1 };
  return { kernel: k, inputs: [view(a, [S, S]), view(b, [S, S])], params: [], outShape: [S, S], out: backend.alloc(4 * S * S), matmul };
};
const mm256 = mm(256);
const mm512 = mm(512);

const reps = quick ? 3 : 9;
const rows = [];
for (const mode of modes) {
  setCpuKernelMode(mode);
  const r = {};
  r.chain = time(() => backend.run(chainLaunch), reps);
  const launches = mode === 'jit' ? 20000 : 2000;
  r.add1k = (time(() => { for (let i = 0; i < launches; i++) backend.run(addLaunch); }, quick ? 2 : 5) / launches) * 1000;
  r.sumRows = time(() => backend.run(sumRows), reps);
  r.sumCols = time(() => backend.run(sumCols), reps);
  r.softmaxStats = time(() => backend.run(stats), reps);
  r.sumExp = time(() => backend.run(sumExp), reps);
  r.mm256 = time(() => backend.run(mm256), quick ? 2 : 5, 1);
  r.mm512 = time(() => backend.run(mm512), quick ? 1 : 3, 1);
  rows.push([mode, r]);
}

const gflops = (S, ms) => ((2 * S ** 3) / (ms * 1e6)).toFixed(2);
console.log(`node ${process.version}, ${modes.join(' vs ')} (best of ${reps} runs)`);
const line = (label, f) => console.log(label.padEnd(44) + rows.map(([m, r]) => `${m}: ${f(r)}`.padEnd(36)).join(''));
line('chain, 1M float32, one fused kernel', (r) => `${r.chain.toFixed(2)} ms`);
line('add, 1k float32, per launch', (r) => `${r.add1k.toFixed(2)} µs`);
line('sum over rows, 1024×1024', (r) => `${r.sumRows.toFixed(2)} ms`);
line('sum over columns, 1024×1024', (r) => `${r.sumCols.toFixed(2)} ms`);
line('softmax stats over rows, 1024×1024', (r) => `${r.softmaxStats.toFixed(2)} ms`);
line('sum(exp(x - p)) over rows, 1024×1024', (r) => `${r.sumExp.toFixed(2)} ms`);
line('matmul 256³', (r) => `${r.mm256.toFixed(1)} ms ${gflops(256, r.mm256)} GFLOP/s`);
line('matmul 512³', (r) => `${r.mm512.toFixed(1)} ms ${gflops(512, r.mm512)} GFLOP/s`);
