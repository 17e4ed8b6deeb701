// Device check: the NumPy fixture suites (every op, WebGPU) plus the benchmark chain and matMul GFLOP/s on
// a real GPU, through Dawn's Node binding (npm `webgpu` 0.6.2) instead of a browser. How it was run on the
// lent H100 (the machine has no Node or npm): bundle this file with rolldown (`webgpu` external), carry an
// xz-compressed `node` binary, the package's linux-x64 dawn.node and Debian's libvulkan1/libglvnd .debs,
// unpack them there, set VK_DRIVER_FILES to the NVIDIA ICD json and run `node device_check.mjs`.
// Writes $OUT/gpu_check.json. ("wgflow in Node" turns this into a supported path.)
// @ts-nocheck
import { create, globals } from 'webgpu';
Object.assign(globalThis, globals);
(globalThis as any).navigator = { gpu: create([]) };
const out: Record<string, unknown> = {};
const wg = await import('../engine/index');
const { CASES, compare, runCase, toleranceFor } = await import('../tests/helpers/cases');
const { OPS_CASES, checkOpsCase } = await import('../tests/helpers/ops_cases');
const { runtime } = await import('../engine/eager/runtime');
out.backend = wg.backendInfo().backend;
if (out.backend !== 'webgpu') { console.log('NO WEBGPU', JSON.stringify(wg.backendInfo())); process.exit(3); }
out.adapter = wg.backendInfo().adapter;
const fails: string[] = [];
for (const c of CASES) {
  try {
    const err = await wg.scope(async () => {
      const t = runCase(wg, c);
      return compare({ dtype: t.dtype, shape: t.shape, data: await t.data() }, c.expected, toleranceFor(c.op));
    });
    if (err) fails.push(`${c.name}: ${err}`);
  } catch (e) { fails.push(`${c.name}: threw ${e}`); }
}
for (const c of OPS_CASES) {
  try {
    const err = await wg.scope(() => checkOpsCase(wg, c));
    if (err) fails.push(`${c.name}: ${err}`);
  } catch (e) { fails.push(`${c.name}: threw ${e}`); }
}
out.fixtures = { total: CASES.length + OPS_CASES.length, failed: fails.length, fails: fails.slice(0, 60) };
out.uncaptured = runtime.gpu?.uncapturedErrors.slice(0, 10);
// Benchmarks: chain eager vs graph, matmul GFLOP/s.
const N = 1 << 22;
const chain = (x) => wg.tanh(wg.relu(x.mul(1.5).add(0.25)).sub(x)).mul(2).add(wg.exp(x.mul(x).neg()));
const x = wg.randomUniform([N], -2, 2, 'float32', 7);
const time = async (fn, reps = 10) => { await fn(); const t0 = performance.now(); for (let i = 0; i < reps; i++) await fn(); return (performance.now() - t0) / reps; };
const g = new wg.Graph();
const y = g.build(() => chain(g.placeholder('float32', [N], 'x')));
const sess = new wg.Session(g);
out.chain4M = {
  eagerMs: await time(() => wg.scope(async () => { await chain(x).data(); })),
  sessionMs: await time(() => sess.run(y, { x }, { typedArrays: true })),
};
const mm: Record<string, number> = {};
for (const n of [256, 512, 1024, 2048, 4096]) {
  const a = wg.randomUniform([n, n], -1, 1, 'float32', 1), b = wg.randomUniform([n, n], -1, 1, 'float32', 2);
  const ms = await time(async () => { const c = wg.matMul(a, b); await c.data(); c.dispose(); }, 5);
  mm[n] = (2 * n ** 3) / ms / 1e6;
  wg.dispose([a, b]);
}
out.matmulGflops = mm;
out.matmulVariant = runtime.gpu?.lastMatmulVariant;
console.log(JSON.stringify(out, null, 1));
const fs = await import('node:fs');
fs.writeFileSync(`${process.env.OUT ?? '.'}/gpu_check.json`, JSON.stringify(out, null, 1));
process.exit(0);
