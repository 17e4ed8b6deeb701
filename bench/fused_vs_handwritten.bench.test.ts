// The fused benchmark chain (graph mode) against a hand-written WGSL kernel of the same expression, in the
// same page on the same device: kernel time only (20 dispatches, then one wait). Prints, asserts nothing.
// The hand-written kernel uses raw WebGPU calls only, no engine code.
import { test } from 'vitest';
import * as wg from '../engine/index';
import { gpuBackend } from '../tests/helpers/devices';

const N = 1 << 20;
const REPS = 20;

const HANDWRITTEN = `
@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> y: array<vec4<f32>>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let threads = nwg.x * 64u;
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
  const groups = Math.min(65535, Math.ceil(N / 4 / 64 / 4));
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
    for (let r = 0; r < REPS; r++) compiled.backend.enqueue(compiled.program);
    compiled.backend.flush();
    await device.queue.onSubmittedWorkDone();
  };
  const time = async (fn: () => Promise<void>) => {
    await fn();
    const t0 = performance.now();
    await fn();
    await fn();
    return (performance.now() - t0) / 2 / REPS;
  };
  const rows: [string, number][] = [];
  for (let round = 0; round < 2; round++) {
    rows.push([`hand-written WGSL (vec4)`, await time(handwritten)]);
    rows.push([`wgflow graph, fused (${sess.explain().kernels.length} kernel)`, await time(fused)]);
  }
  const hw = Math.min(rows[0][1], rows[2][1]);
  const fz = Math.min(rows[1][1], rows[3][1]);
  console.log(
    `\nbenchmark chain, 1M float32, kernel time per dispatch (best of 2 rounds of ${REPS}):\n` +
      `hand-written WGSL (vec4)        ${hw.toFixed(2)} ms\nwgflow graph, fused             ${fz.toFixed(2)} ms   (${(fz / hw).toFixed(2)}× the hand-written time)`,
  );
  sess.close();
  x.dispose();
  xb.destroy();
  yb.destroy();
});
