// Tuning of the WebGPU backend: geometry per kernel family and batching, chosen per adapter (docs/performance.md
// gives the measurements behind each value). Tests and benchmarks change fields at run time.
import type { CodegenOptions } from '../../shaders/codegen';
import type { MatmulVariant } from '../../shaders/matmul';

export interface WebGPUTuning extends CodegenOptions {
  /** Dispatches recorded before the batch is submitted without waiting for a readback. */
  maxBatch: number;
  /** Override of maxComputeWorkgroupsPerDimension (tests use a small one to exercise 2-D grids). */
  maxWorkgroupsPerDim: number;
  /** vec4 elementwise kernels where the launch allows them (benchmarks and tests switch it off). */
  vec4: boolean;
  /** Geometry of vec4 elementwise kernels (elementsPerThread counts vec4 steps). */
  vec4Codegen: CodegenOptions;
  /** Launches of at most this many vec4 steps use `vec4SmallCodegen` (a big workgroup would idle mostly). */
  smallVec4Steps: number;
  vec4SmallCodegen: CodegenOptions;
  /** Fewest workgroups an elementwise launch is spread over (when it has that many workgroups of work). */
  minWorkgroups: number;
  /** Forces a matmul variant (benchmarks compare variants with it); the selection point decides otherwise. */
  matmulVariant?: MatmulVariant;
  /** Profiles use timestamp queries when the device has them (tests switch this off for the CPU-timed path). */
  profileTimestamps: boolean;
}

/** `cpuLike`: a CPU-emulated adapter (SwiftShader). */
export function defaultTuning(cpuLike: boolean, maxWorkgroupsPerDim: number): WebGPUTuning {
  // SwiftShader pays per invocation and per workgroup: several elements per thread and big workgroups win
  // there (bench/fused_vs_handwritten swept 64–256 invocations × 4–32 vec4 steps); real GPUs prefer one
  // element per invocation.
  return {
    workgroupSize: 64,
    elementsPerThread: cpuLike ? 8 : 1,
    maxBatch: 64,
    vec4: true,
    vec4Codegen: cpuLike ? { workgroupSize: 256, elementsPerThread: 16 } : { workgroupSize: 64, elementsPerThread: 1 },
    smallVec4Steps: cpuLike ? 1024 : 0,
    vec4SmallCodegen: { workgroupSize: 16, elementsPerThread: 4 },
    minWorkgroups: cpuLike ? 8 : 1,
    maxWorkgroupsPerDim,
    profileTimestamps: true,
  };
}
