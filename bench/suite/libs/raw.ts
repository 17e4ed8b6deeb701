// Hand-written WGSL baselines on plain WebGPU calls (no wgflow code): a device of their own, buffers made
// once per problem, one submission per run, and a reused staging buffer for the readback.
import {
  addWGSL, chainWGSL, copyWGSL, elementwiseGroups, matmulFits, matmulGroups, matmulWGSL,
} from '../raw_wgsl';
import type { Lib, Problem, Runnable } from '../types';

let device: GPUDevice | undefined;
/** The first validation/out-of-memory error the device reported since the last run (WebGPU does not throw). */
let deviceError: string | undefined;
/** Buffers alive (made here and not yet destroyed): the leak check's count. */
let liveBuffers = 0;

function gpu(): GPUDevice {
  if (!device) throw new Error('raw WGSL: setup() first');
  return device;
}

function buffer(size: number, usage: GPUBufferUsageFlags, data?: Float32Array): GPUBuffer {
  const b = gpu().createBuffer({ size: Math.max(16, size), usage });
  liveBuffers++;
  if (data) gpu().queue.writeBuffer(b, 0, data);
  return b;
}

function destroy(buffers: GPUBuffer[]): void {
  for (const b of buffers) b.destroy();
  liveBuffers -= buffers.length;
}

/** A compute pipeline, failing loudly on a WGSL error (a bad shader does not throw by itself). */
async function pipeline(code: string): Promise<GPUComputePipeline> {
  const d = gpu();
  const module = d.createShaderModule({ code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) throw new Error(`raw WGSL: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
  return d.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
}

function bindGroup(p: GPUComputePipeline, buffers: GPUBuffer[]): GPUBindGroup {
  return gpu().createBindGroup({
    layout: p.getBindGroupLayout(0),
    entries: buffers.map((b, binding) => ({ binding, resource: { buffer: b } })),
  });
}

type Encode = (pass: GPUComputePassEncoder) => void;

/**
 * A runnable that encodes one compute pass, copies `result` (the first `floats` of it) into a staging
 * buffer in the same submission, and maps it: the cheapest readback WebGPU offers.
 */
function runnable(encode: Encode, result: GPUBuffer, floats: number, owned: GPUBuffer[], before?: (e: GPUCommandEncoder) => void): Runnable {
  const staging = buffer(floats * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  return {
    async run() {
      const d = gpu();
      const enc = d.createCommandEncoder();
      before?.(enc);
      const pass = enc.beginComputePass();
      encode(pass);
      pass.end();
      enc.copyBufferToBuffer(result, 0, staging, 0, floats * 4);
      d.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      if (deviceError) {
        const e = deviceError;
        deviceError = undefined;
        throw new Error(`raw WGSL: ${e}`);
      }
      return out;
    },
    dispose: () => destroy([...owned, staging]),
  };
}

const STORAGE_IN = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
const STORAGE_OUT = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;

async function elementwise(p: Problem, code: string): Promise<Runnable | undefined> {
  const x = p.inputs.x.data;
  if (x.length % 4 !== 0) return undefined; // vec4 kernels only
  const pipe = await pipeline(code);
  const xb = buffer(x.byteLength, STORAGE_IN, x);
  const yb = buffer(x.byteLength, STORAGE_OUT);
  const bg = bindGroup(pipe, [xb, yb]);
  const groups = elementwiseGroups(x.length / 4);
  return runnable((pass) => {
    pass.setPipeline(pipe);
    pass.setBindGroup(0, bg);
    pass.dispatchWorkgroups(groups);
  }, yb, x.length, [xb, yb]);
}

async function matmul(p: Problem): Promise<Runnable | undefined> {
  const n = p.size;
  if (!matmulFits(n)) return undefined;
  const pipe = await pipeline(matmulWGSL(n));
  const ab = buffer(n * n * 4, STORAGE_IN, p.inputs.a.data);
  const bb = buffer(n * n * 4, STORAGE_IN, p.inputs.b.data);
  const cb = buffer(n * n * 4, STORAGE_OUT);
  const bg = bindGroup(pipe, [ab, bb, cb]);
  const [gx, gy] = matmulGroups(n);
  return runnable((pass) => {
    pass.setPipeline(pipe);
    pass.setBindGroup(0, bg);
    pass.dispatchWorkgroups(gx, gy);
  }, cb, n * n, [ab, bb, cb]);
}

/** p.ops chained adds in one pass, ping-ponging between two buffers (y₀ = x is copied in first). */
async function dispatch(p: Problem): Promise<Runnable> {
  const x = p.inputs.x.data;
  const pipe = await pipeline(addWGSL());
  const xb = buffer(x.byteLength, STORAGE_IN | GPUBufferUsage.COPY_SRC, x);
  const ping = buffer(x.byteLength, STORAGE_OUT | GPUBufferUsage.COPY_DST);
  const pong = buffer(x.byteLength, STORAGE_OUT);
  const groups = [bindGroup(pipe, [xb, ping, pong]), bindGroup(pipe, [xb, pong, ping])];
  const ops = p.ops!;
  return runnable(
    (pass) => {
      pass.setPipeline(pipe);
      for (let i = 0; i < ops; i++) {
        pass.setBindGroup(0, groups[i % 2]);
        pass.dispatchWorkgroups(Math.ceil(x.length / 64));
      }
    },
    ops % 2 === 1 ? pong : ping,
    x.length,
    [xb, ping, pong],
    (enc) => enc.copyBufferToBuffer(xb, 0, ping, 0, x.byteLength),
  );
}

export const libs: Lib[] = [
  {
    id: 'raw',
    label: 'raw WGSL',
    version: 'hand-written (bench/suite/raw_wgsl.ts)',
    async setup() {
      if (device) return;
      const adapter = await navigator.gpu?.requestAdapter();
      if (!adapter) throw new Error('raw WGSL: no WebGPU adapter');
      device = await adapter.requestDevice();
      device.addEventListener('uncapturederror', (e) => (deviceError ??= (e as GPUUncapturedErrorEvent).error.message));
    },
    live: () => liveBuffers,
    async prepare(p: Problem): Promise<Runnable | undefined> {
      switch (p.workload) {
        case 'copy':
          return elementwise(p, copyWGSL());
        case 'chain':
        case 'cold':
          return elementwise(p, chainWGSL(p.scalars.a, p.scalars.b, p.scalars.c));
        case 'matmul':
          return matmul(p);
        case 'dispatch':
          return dispatch(p);
        default:
          return undefined; // no hand-written reductions, softmax or MLP
      }
    },
    teardown() {
      device?.destroy();
      device = undefined;
    },
  },
];
