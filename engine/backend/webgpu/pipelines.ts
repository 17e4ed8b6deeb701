// Compute pipelines cached by their generated WGSL source; compile errors come back with line/column.
import { ShaderError } from '../../core/errors';
import { kernelIdOf } from '../../core/profile';
import type { ShaderModuleSpec } from '../../shaders/codegen';

export interface CachedPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  spec: ShaderModuleSpec;
  /** The source's id in run records (`record.wgsl[kernelId]`), derived from the source like the cache key. */
  kernelId: string;
}

export class PipelineCache {
  private cache = new Map<string, CachedPipeline>();
  private layouts = new Map<number, GPUBindGroupLayout>();
  compiled = 0;
  /** Validation results still in flight; readers await them so a bad shader fails the next read. */
  pending: Promise<void>[] = [];
  errors: ShaderError[] = [];

  constructor(private device: GPUDevice) {}

  get size(): number {
    return this.cache.size;
  }

  get(spec: ShaderModuleSpec, name: string): CachedPipeline {
    const hit = this.cache.get(spec.code);
    if (hit) return hit;
    const layout = this.layoutFor(spec.bindings.inputs.length);
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code: spec.code, label: name });
    const pipeline = this.device.createComputePipeline({
      label: name,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    });
    // Creation never throws synchronously; the error scope tells us (asynchronously) if it failed.
    const check = this.device.popErrorScope().then(async (err) => {
      if (!err) return;
      const info = await module.getCompilationInfo();
      const where = info.messages
        .filter((m) => m.type === 'error')
        .map((m) => `  ${m.lineNum}:${m.linePos} ${m.message}`)
        .join('\n');
      this.errors.push(
        new ShaderError(`kernel ${name} failed to compile:\n${where || err.message}\n--- WGSL ---\n${numbered(spec.code)}`, {
          op: name,
        }),
      );
    });
    this.pending.push(check);
    this.compiled++;
    const entry = { pipeline, layout, spec, kernelId: kernelIdOf(spec.code) };
    this.cache.set(spec.code, entry);
    return entry;
  }

  /** Explicit layouts (not 'auto'): an input the expression never reads keeps its binding. */
  private layoutFor(nInputs: number): GPUBindGroupLayout {
    let l = this.layouts.get(nInputs);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [
        // Dynamic offset: one bind group serves every dispatch over the same buffers, wherever its uniforms sit.
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } },
      ];
      for (let i = 0; i < nInputs; i++) {
        entries.push({ binding: i + 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } });
      }
      entries.push({ binding: nInputs + 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } });
      l = this.device.createBindGroupLayout({ entries });
      this.layouts.set(nInputs, l);
    }
    return l;
  }

  /** Waits for outstanding validations and throws the first compile error found. */
  async settle(): Promise<void> {
    if (this.pending.length) {
      const p = this.pending;
      this.pending = [];
      await Promise.all(p);
    }
    const e = this.errors.shift();
    if (e) throw e;
  }
}

function numbered(code: string): string {
  return code
    .split('\n')
    .map((l, i) => `${String(i + 1).padStart(3)}| ${l}`)
    .join('\n');
}
