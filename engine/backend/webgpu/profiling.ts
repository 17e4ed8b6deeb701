// The WebGPU backend's side of profiling: one GpuProfiler per profile being collected, kernel ids (and
// their WGSL) per pipeline, kernels encoded one per timestamped pass, and transfers reported.
import { profiling, type KernelMeta, type ProfileCollector } from '../../core/profile';
import { transferMeta } from '../meta';
import type { CachedPipeline } from './pipelines';
import { GpuProfiler, type ProfilerHost } from './profiler';

export interface ProfilingHost extends ProfilerHost {
  readonly tuning: { profileTimestamps: boolean };
  /** The open command encoder (a compute pass in progress is ended first). */
  commandEncoder(): GPUCommandEncoder;
  /** Counts a dispatch encoded outside the backend's own batch. */
  noteDispatch(): void;
}

export class BackendProfiling {
  private profilers = new WeakMap<ProfileCollector, GpuProfiler>();

  constructor(private host: ProfilingHost) {}

  /** The profiler of the profile being collected, if any. */
  current(): GpuProfiler | undefined {
    const c = profiling.current;
    return c ? this.profilerFor(c) : undefined;
  }

  /** Joins a profile (its counters are the baseline of the totals). */
  profilerFor(c: ProfileCollector): GpuProfiler {
    let p = this.profilers.get(c);
    if (!p) {
      p = new GpuProfiler(this.host, c, this.host.tuning.profileTimestamps);
      this.profilers.set(c, p);
      c.attach(p);
    }
    return p;
  }

  private kernelId(p: CachedPipeline, c: ProfileCollector): string {
    const id = p.kernelId;
    if (c.options.wgsl && !c.wgsl.has(id)) c.wgsl.set(id, p.spec.code);
    return id;
  }

  /** One kernel in its own compute pass (timestamped when possible), reported to the profile. */
  encode(prof: GpuProfiler, p: CachedPipeline, bindGroup: GPUBindGroup, uniformOffset: number, grid: [number, number, number], meta: KernelMeta | undefined, compile: { ms: number; compiled: boolean }, t0: number): void {
    const c = profiling.current!;
    const entry = c.add(meta ?? { name: 'kernel', kind: 'kernel', shape: [], dtype: '', bytesRead: 0, bytesWritten: 0 }, 'webgpu', {
      kernelId: this.kernelId(p, c),
      ...(p.spec.variant ? { variant: p.spec.variant } : {}),
      compileMs: compile.ms,
      cacheHit: !compile.compiled,
    });
    const pass = this.host.commandEncoder().beginComputePass(prof.passDescriptor(entry));
    pass.setPipeline(p.pipeline);
    pass.setBindGroup(0, bindGroup, [uniformOffset]);
    pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    pass.end();
    this.host.noteDispatch();
    entry.encodeMs = performance.now() - t0;
    if (!prof.timestamps) {
      // CPU-observed timing: this kernel alone in a submission, timed by its completion.
      this.host.flush();
      prof.submitted(entry);
    }
  }

  /** A host ↔ device copy or a copy between devices, as a profile entry. */
  transfer(name: string, count: number, dtype: string, read: boolean, cpuMs?: number, nodes?: number[]): ReturnType<ProfileCollector['add']> {
    const c = profiling.current!;
    this.current();
    return c.add(transferMeta(name, count, dtype, read, nodes), 'webgpu', { kernelId: `transfer:${name}`, cpuMs });
  }
}
