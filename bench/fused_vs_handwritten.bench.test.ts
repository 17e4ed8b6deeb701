// The fused benchmark chain (graph mode) against a hand-written WGSL kernel of the same expression, in the
// same page on the same adapter: kernel time only (20 launches, then one wait). Prints, asserts nothing.
// The hand-written kernel uses raw WebGPU calls only, no engine code. jax-js's jit of the same chain runs in
// the same harness (20 calls, then one wait for the last result) to show the hand-written baseline is a real one.
import { test } from 'vitest';
import * as wg from '../engine/index';
import { blockUntilReady, defaultDevice, init, jit, numpy as np } from '@jax-js/jax';
import { gpuBackend } from '../tests/helpers/devices';

const N = 1 << 20;
const REPS = 20;

// vec4 loads and stores, 256 invocations × 16 vec4 steps each: the fastest geometry of a sweep on SwiftShader
// (64/128/256 invocations × 4/8/16/32 steps). The clamp keeps SwiftShader's tanh finite for large |t|.
const HANDWRITTEN = `
@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> y: array<vec4<f32>>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let threads = nwg.x * 256u;
  for (var i = gid.x; i < arrayLength(&x); i = i + threads) {
    let v = x[i];
    let t = clamp(max(v * 1.5 + 0.25, vec4<f32>(0.0)) - v, vec4<f32>(-10.0), vec4<f32>(10.0));
    y[i] = tanh(t) * 2.0 + exp(-(v * v));
  }
}`;

test('fused chain vs hand-written WGSL (1M elements)', async () => {
  const device = gpuBackend().device;
  // Hand-written: its own buffers, pipeline and bind group.
  const xb = device.createBuffer({ size: N * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const yb = device.createBuffer({ size: N * 4, usage: GPUBufferUsage.STORAGE });
  device.queue.writeBuffer(xb, 0, new Float32Array(N).map((_, i) => ((i % 1000) / 250) - 2));
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: HANDWRITTEN }), entryPoint: 'main' } });
  const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: xb } }, { binding: 1, resource: { buffer: yb } }] });
  const groups = Math.min(65535, Math.ceil(N / 4 / 256 / 16));
  const handwritten = async () => {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    for (let r = 0; r < REPS; r++) pass.dispatchWorkgroups(groups);
    pass.end();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
  };
  // Graph mode: the compiled plan's program (one fused kernel), enqueued REPS times.
  const g = new wg.Graph();
  const y = g.build(() => {
    const x = g.placeholder('float32', [N], 'x');
    return wg.tanh(wg.relu(x.mul(1.5).add(0.25)).sub(x)).mul(2).add(wg.exp(x.mul(x).neg()));
  });
  const sess = new wg.Session(g);
  const x = wg.randomUniform([N], -2, 2, 'float32', 1);
  await sess.run(y, { x }, { typedArrays: true });
  const compiled = sess.compiledFor([[y.graph!.node, 0]], new Map([[0, [N]]]));
  const fused = async () => {
    // A single-device plan is one part: one prepared program.
    const [part] = compiled.steps;
    const backend = compiled.backends.get('webgpu')!;
    for (let r = 0; r < REPS; r++) backend.enqueue(part.program);
    backend.flush();
    await device.queue.onSubmittedWorkDone();
  };
  // jax-js jit: REPS calls queued, then one wait for all of them.
  const jaxOk = (await init('webgpu')).includes('webgpu');
  if (jaxOk) defaultDevice('webgpu');
  const chainJax = jit((v: np.Array) =>
    np.tanh(np.maximum(v.ref.mul(1.5).add(0.25), 0).sub(v.ref)).mul(2).add(np.exp(np.negative(v.ref.mul(v)))),
  );
  const xj = jaxOk ? np.array(new Float32Array(N).map((_, i) => ((i % 1000) / 250) - 2)) : null;
  const jax = async () => {
    const ys: np.Array[] = [];
    for (let r = 0; r < REPS; r++) ys.push(chainJax(xj!.ref));
    await blockUntilReady(ys);
    for (const a of ys) a.dispose();
  };
  const time = async (fn: () => Promise<void>) => {
    await fn();
    const t0 = performance.now();
    await fn();
    await fn();
    return (performance.now() - t0) / 2 / REPS;
  };
  const rows: [string, number][] = [];
  const rounds = 5;
  for (let round = 0; round < rounds; round++) {
    rows.push(['hw', await time(handwritten)]);
    rows.push(['fused', await time(fused)]);
    if (jaxOk) rows.push(['jax', await time(jax)]);
  }
  const best = (name: string) => Math.min(...rows.filter((r) => r[0] === name).map((r) => r[1]));
  const hw = best('hw');
  const fz = best('fused');
  const jx = jaxOk ? best('jax') : NaN;
  console.log(
    `\nbenchmark chain, 1M float32, time per launch (best of ${rounds} rounds of ${REPS}):\n` +
      `hand-written WGSL (vec4)        ${hw.toFixed(2)} ms\n` +
      `wgflow graph, fused (${sess.explain().kernels.length} kernel)   ${fz.toFixed(2)} ms   (${(fz / hw).toFixed(2)}× the hand-written time; target ≤ 1.15×)\n` +
      (jaxOk
        ? `jax-js jit                      ${jx.toFixed(2)} ms   (hand-written is ${(jx / hw).toFixed(2)}× faster than jax-js; target ≥ 1.8×)`
        : 'jax-js: WebGPU unavailable here, skipped'),
  );
  xj?.dispose();
  sess.close();
  x.dispose();
  xb.destroy();
  yb.destroy();
});
