// Kernel families on the WebGPU backend: how each kind of launch becomes dispatches — pipeline variant,
// uniforms and grid (elementwise scalar or vec4, reductions in one or two passes, matmul variants, scans).
// The backend owns pipelines, encoding and buffers; these only choose and describe. Pipelines are memoised by
// (Kernel object, generator, the generator's exact arguments printed field by field): never a hand-made key.
import { broadcastStrides } from '../../core/shape';
import type { ConvKernel, ElementwiseKernel, Kernel, Launch, MatmulKernel, ReduceKernel, ScanKernel } from '../../ir/kernel';
import { chooseConv, convGrid, generateConvWGSL, packConvUniforms, type ConvVariant } from '../../shaders/conv';
import { splitReduce } from '../../ir/reduce_split';
import { DEFAULT_CODEGEN, generateWGSL, gridFor, type CodegenOptions, type ShaderModuleSpec } from '../../shaders/codegen';
import { packUniforms, uniformLayout, type UniformLayout } from '../../shaders/layout';
import { chooseMatmul, generateMatmulWGSL, matmulGrid, packMatmulUniforms, type MatmulVariant } from '../../shaders/matmul';
import {
  generateReduceWGSL, packReduceUniforms, planReduce, reduceGeometry, reduceGeometryOf, type ReduceGeometry, type ReducePlan,
} from '../../shaders/reduce';
import { generateScanWGSL, packScanUniforms, scanGeometry } from '../../shaders/scan';
import { canVectorize, generateVec4WGSL } from '../../shaders/vec4';
import type { CachedPipeline } from './pipelines';
import type { WebGPUTuning } from './tuning';
import type { GpuStorage } from './webgpu_backend';

/**
 * Every WGSL generator the launchers call, with a print of its arguments after the kernel. The printers take
 * exactly the generator's parameters (checked below) and print every field of the option structs (checked
 * below too), so a pipeline memoised under a key was generated from exactly those arguments.
 */
export const GENERATORS = {
  elementwise: { generate: generateWGSL, args: (o: CodegenOptions = DEFAULT_CODEGEN) => CODEGEN(o) },
  vec4: { generate: generateVec4WGSL, args: (o: CodegenOptions) => CODEGEN(o) },
  reduce: { generate: generateReduceWGSL, args: (keptRank: number, redRank: number, plan: ReducePlan) => `${keptRank},${redRank},${REDUCE_PLAN(plan)}` },
  matmul: { generate: generateMatmulWGSL, args: (batchRank: number, v: MatmulVariant) => `${batchRank},${MATMUL_VARIANT(v)}` },
  conv: { generate: generateConvWGSL, args: (v: ConvVariant) => CONV_VARIANT(v) },
  scan: { generate: generateScanWGSL, args: (otherRank: number) => String(otherRank) },
} satisfies { [G in string]: { generate: (k: never, ...a: never[]) => ShaderModuleSpec; args: (...a: never[]) => string } };

export type GeneratorName = keyof typeof GENERATORS;
type Generate<G extends GeneratorName> = (typeof GENERATORS)[G]['generate'];
export type GeneratorKernel<G extends GeneratorName> = Parameters<Generate<G>>[0];
export type GeneratorArgs<G extends GeneratorName> = Parameters<Generate<G>> extends [unknown, ...infer A] ? A : never;
// The printers' parameters are exactly the generators' (after the kernel): a changed signature is a compile error.
type SameArgs<G extends GeneratorName> = Parameters<(typeof GENERATORS)[G]['args']> extends GeneratorArgs<G>
  ? GeneratorArgs<G> extends Parameters<(typeof GENERATORS)[G]['args']> ? true : false
  : false;
type Assert<T extends true> = T;
export type GeneratorArgsMatch = Assert<{ [G in GeneratorName]: SameArgs<G> }[GeneratorName]>;

/**
 * The fields each option struct's print below covers. A field added to a struct and not listed here is a
 * compile error, which points at the print to extend: a memo key can never ignore a generator input.
 */
const PRINTED = {
  codegen: ['workgroupSize', 'elementsPerThread', 'inPlace'],
  reducePlan: ['strategy', 'workgroupSize', 'chunks', 'chunkSize'],
  matmulVariant: ['name', 'TM', 'VN', 'exact', 'WX', 'WY'],
  convVariant: ['TM', 'VN', 'vecX', 'vecF', 'inDilated', 'strip', 'WX', 'WY'],
} as const satisfies {
  codegen: readonly (keyof CodegenOptions)[];
  reducePlan: readonly (keyof ReducePlan)[];
  matmulVariant: readonly (keyof MatmulVariant)[];
  convVariant: readonly (keyof ConvVariant)[];
};
type Unprinted =
  | Exclude<keyof CodegenOptions, (typeof PRINTED)['codegen'][number]>
  | Exclude<keyof ReducePlan, (typeof PRINTED)['reducePlan'][number]>
  | Exclude<keyof MatmulVariant, (typeof PRINTED)['matmulVariant'][number]>
  | Exclude<keyof ConvVariant, (typeof PRINTED)['convVariant'][number]>;
export type GeneratorKeysCoverEveryField = [Unprinted] extends [never] ? true : { unprinted: Unprinted };
true satisfies GeneratorKeysCoverEveryField;

// One template each: these run per dispatch.
const CODEGEN = (o: CodegenOptions) => `${o.workgroupSize}x${o.elementsPerThread}${o.inPlace ? `|in-place ${o.inPlace.join(',')}` : ''}`;
const REDUCE_PLAN = (p: ReducePlan) => `${p.strategy}:${p.workgroupSize}:${p.chunks}:${p.chunkSize}`;
const MATMUL_VARIANT = (v: MatmulVariant) => `${v.name}:${v.TM}:${v.VN}:${v.exact}:${v.WX}x${v.WY}`;
const CONV_VARIANT = (v: ConvVariant) => `${v.TM}:${v.VN}:${v.vecX}:${v.vecF}:${v.inDilated}:${v.strip}:${v.WX}x${v.WY}`;

/** What the launchers need from the backend. */
export interface LaunchHost {
  readonly tuning: WebGPUTuning;
  /** A CPU-emulated adapter (SwiftShader): the selection points pick shapes for it. */
  readonly cpuLike: boolean;
  lastMatmulVariant: MatmulVariant | undefined;
  /** Codegen + pipeline, once per Kernel object, generator and arguments. */
  pipelineFor<G extends GeneratorName>(gen: G, k: GeneratorKernel<G>, ...args: GeneratorArgs<G>): CachedPipeline;
  /** Records one dispatch (or keeps it, while a program is being prepared). */
  encode(p: CachedPipeline, writeUniforms: (arena: Uint32Array, atWord: number) => number, inputs: GPUBuffer[], out: GPUBuffer, grid: [number, number, number]): void;
  alloc(bytes: number): GpuStorage;
  /** A temporary whose commands are recorded: back to the pool, or kept by the program being prepared. */
  dropTemp(s: GpuStorage): void;
}

export class KernelLaunchers {
  private uniformLayouts = new WeakMap<Kernel, UniformLayout>();
  private vec4Kernels = new WeakMap<ElementwiseKernel, boolean>();

  constructor(private readonly host: LaunchHost) {}

  elementwise(k: ElementwiseKernel, launch: Launch<GpuStorage>, size: number): void {
    // Four elements per step when every read and the write are 16-byte aligned contiguous runs.
    const vec4 =
      this.host.tuning.vec4 &&
      size % 4 === 0 &&
      this.vectorizable(k) &&
      launch.inputs.every((v, i) => k.inputs[i].layout === 'scalar' || v.offset % 4 === 0);
    // An in-place update (fused by the graph's fusion pass) reads some inputs through its output binding.
    let inPlace: number[] | undefined;
    for (let i = 0; i < launch.inputs.length; i++) if (launch.inputs[i].handle.buffer === launch.out.buffer) (inPlace ??= []).push(i);
    const withInPlace = (o: CodegenOptions): CodegenOptions => (inPlace ? { ...o, inPlace } : o);
    const p = vec4
      ? this.vec4Pipeline(k, withInPlace(size / 4 <= this.host.tuning.smallVec4Steps ? this.host.tuning.vec4SmallCodegen : this.host.tuning.vec4Codegen))
      : this.host.pipelineFor('elementwise', k, withInPlace({ workgroupSize: this.host.tuning.workgroupSize, elementsPerThread: this.host.tuning.elementsPerThread }));
    const ulayout = this.uniformLayouts.get(k) ?? this.uniformLayouts.set(k, uniformLayout(k)).get(k)!;
    this.host.encode(
      p,
      (arena, at) => (packUniforms(launch, ulayout, arena, at), ulayout.vec4s * 16),
      launch.inputs.map((v) => v.handle.buffer),
      launch.out.buffer,
      gridFor(size, p.spec, this.host.tuning.maxWorkgroupsPerDim, this.host.tuning.minWorkgroups),
    );
  }

  reduce(k: ReduceKernel, launch: Launch<GpuStorage>): void {
    const g = reduceGeometryOf(launch);
    const plan = planReduce(k.op, g.R, this.host.cpuLike, g.outputs);
    const inputs = launch.inputs.map((v) => v.handle.buffer);
    const passes: { kernel: ReduceKernel; geom: ReduceGeometry; plan: ReducePlan; inputs: GPUBuffer[]; out: GPUBuffer; params: number[] }[] = [];
    let partials: GpuStorage | undefined;
    if (plan.chunks > 1) {
      // Two passes: chunk partials into a temporary buffer, then reduce the partials of each output.
      const [first, second] = splitReduce(k);
      partials = this.host.alloc(g.outputs * plan.chunks * 4);
      const pg = reduceGeometry([g.outputs, plan.chunks], [{ strides: [plan.chunks, 1], offset: 0 }], [1]);
      passes.push({ kernel: first, geom: g, plan, inputs, out: partials.buffer, params: launch.params });
      passes.push({ kernel: second, geom: pg, plan: planReduce(k.op, plan.chunks, this.host.cpuLike, g.outputs), inputs: [partials.buffer], out: launch.out.buffer, params: launch.params });
    } else {
      passes.push({ kernel: k, geom: g, plan, inputs, out: launch.out.buffer, params: launch.params });
    }
    for (const ps of passes) {
      const p = this.host.pipelineFor('reduce', ps.kernel, ps.geom.keptShape.length, ps.geom.redShape.length, ps.plan);
      const groups = ps.geom.outputs * ps.plan.chunks;
      const grid =
        ps.plan.strategy === 'thread'
          ? gridFor(groups, p.spec, this.host.tuning.maxWorkgroupsPerDim)
          : gridFor(groups, { workgroupSize: [1, 1, 1], elementsPerThread: 1 }, this.host.tuning.maxWorkgroupsPerDim);
      this.host.encode(p, (arena, at) => packReduceUniforms(ps.kernel, ps.geom, ps.plan, ps.params, arena, at), ps.inputs, ps.out, grid);
    }
    // Recorded commands keep their order: the temporary can go as soon as its commands are recorded.
    if (partials) this.host.dropTemp(partials);
  }

  matmul(k: MatmulKernel, launch: Launch<GpuStorage>): void {
    const g = launch.matmul!;
    const forced = this.host.tuning.matmulVariant;
    const chosen = chooseMatmul(g, this.host.cpuLike);
    // A forced variant applies only where its alignment needs hold (vec4ab ⊂ vec4b ⊂ reg).
    const rank = { reg: 0, vec4b: 1, vec4ab: 2 } as const;
    const variant = forced && rank[forced.name] <= rank[chosen.name] ? forced : chosen;
    const p = this.host.pipelineFor('matmul', k, g.batchShape.length, variant);
    this.host.lastMatmulVariant = variant;
    // Epilogue inputs are read at output positions: their strides relative to [batch…, M, N].
    const extras = launch.inputs.slice(2).map((v) => ({ offset: v.offset, strides: broadcastStrides(v.shape, v.strides, launch.outShape) }));
    const params = launch.params.map((value, i) => ({ value, dtype: k.params![i] }));
    this.host.encode(
      p,
      (arena, at) => packMatmulUniforms(g, arena, at, extras, params),
      launch.inputs.map((x) => x.handle.buffer),
      launch.out.buffer,
      matmulGrid(g, variant),
    );
  }

  conv(k: ConvKernel, launch: Launch<GpuStorage>): void {
    const g = launch.conv!;
    const variant = chooseConv(k, g, this.host.cpuLike);
    const p = this.host.pipelineFor('conv', k, variant);
    // Epilogue inputs are read at output positions: strides along the output's logical (n, oh, ow, oc).
    const perm = g.channelsFirst ? [0, 2, 3, 1] : [0, 1, 2, 3];
    const extras = launch.inputs.slice(2).map((v) => {
      const s = broadcastStrides(v.shape, v.strides, launch.outShape);
      return { offset: v.offset, strides: perm.map((d) => s[d]) as [number, number, number, number] };
    });
    const params = launch.params.map((value, i) => ({ value, dtype: k.params![i] }));
    this.host.encode(
      p,
      (arena, at) => packConvUniforms(g, arena, at, extras, params),
      launch.inputs.map((x) => x.handle.buffer),
      launch.out.buffer,
      convGrid(g, variant, this.host.tuning.maxWorkgroupsPerDim),
    );
  }

  scan(k: ScanKernel, launch: Launch<GpuStorage>): void {
    const v = launch.inputs[0];
    const g = scanGeometry(v.shape, v.strides, v.offset, launch.axes![0]);
    const p = this.host.pipelineFor('scan', k, g.other.shape.length);
    this.host.encode(p, (arena, at) => packScanUniforms(g, arena, at), [v.handle.buffer], launch.out.buffer, gridFor(g.rows, p.spec, this.host.tuning.maxWorkgroupsPerDim));
  }

  /** The vec4 pipeline of a kernel for one geometry (SwiftShader runs every invocation of a workgroup). */
  private vec4Pipeline(k: ElementwiseKernel, cg: CodegenOptions): CachedPipeline {
    return this.host.pipelineFor('vec4', k, cg);
  }

  /** canVectorize walks the expression: once per Kernel object, not once per dispatch. */
  private vectorizable(k: ElementwiseKernel): boolean {
    let v = this.vec4Kernels.get(k);
    if (v === undefined) this.vec4Kernels.set(k, (v = canVectorize(k)));
    return v;
  }
}
