// A prepared graph program on WebGPU (its dispatches, bound and ordered, with one uniform buffer) and what
// it shows of itself: the WGSL, kernelId, workgroup size and grid each launch runs (explain() reads these).
import type { KernelMeta } from '../../core/profile';
import type { BoundDispatch } from './bind_groups';
import type { CachedPipeline } from './pipelines';
import type { GpuStorage, WebGPUBackend } from './webgpu_backend';

export interface GpuProgram {
  backend: WebGPUBackend;
  dispatches: (BoundDispatch & {
    pipeline: GPUComputePipeline;
    grid: [number, number, number];
    /** Where its uniform block sits in the program's uniform buffer (a dynamic offset). */
    uniformOffset: number;
    /** The launch (index in prepare's list) it belongs to: what `explain()` shows per kernel is read from here. */
    launch: number;
    /** For profiles: the cached pipeline (WGSL), what the launch computes, and compile time not yet reported. */
    p: CachedPipeline;
    meta?: KernelMeta;
    compile: { ms: number; compiled: boolean };
  })[];
  uniform: GPUBuffer;
  temps: GpuStorage[];
}

/** One dispatch of a prepared program as it runs: its pipeline's WGSL and id, workgroup size and grid. */
export interface ShaderDispatch {
  /** The WGSL's id in run records (`record.wgsl[kernelId]`, profile kernels' `kernelId`). */
  kernelId: string;
  wgsl: string;
  /** The variant a selection point chose (matmul, convolution), in words. */
  variant?: string;
  workgroupSize: [number, number, number];
  grid: [number, number, number];
}

/** The dispatches of a prepared program per launch (`launches`: how many launches were prepared), in order. */
export function programShaders(p: GpuProgram, launches: number): ShaderDispatch[][] {
  const out: ShaderDispatch[][] = Array.from({ length: launches }, () => []);
  for (const d of p.dispatches) {
    out[d.launch].push({ kernelId: d.p.kernelId, wgsl: d.p.spec.code, ...(d.p.spec.variant ? { variant: d.p.spec.variant } : {}), workgroupSize: [...d.p.spec.workgroupSize], grid: [...d.grid] });
  }
  return out;
}
