// Kernel → WGSL: pure code generation (no GPUDevice). One `let` per distinct subexpression (CSE).
import { DTYPE_INFO } from '../core/dtype';
import { LimitError } from '../core/errors';
import type { ElementwiseKernel } from '../ir/kernel';
import { HelperSet, emitExpr, fromStorage, gridStrideMain, paramRef, toStorage } from './emit';
import { uniformLayout, wordRef } from './layout';

export interface CodegenOptions {
  /** Invocations per workgroup (1-D). */
  workgroupSize: number;
  /** Elements each invocation aims to compute (grid-stride). CPU-emulated adapters like more, real GPUs fewer. */
  elementsPerThread: number;
  /**
   * Inputs bound to the output's own buffer (a fused in-place update v ← f(v, …)): read through `out`, since
   * WebGPU cannot bind one buffer both read-only and writable in a dispatch. Each such read is of the element
   * the invocation writes (the fusion pass guarantees it), so reading before writing is safe.
   */
  inPlace?: readonly number[];
}

/** The WGSL array an input is read from: its own binding, or the output for an in-place input. */
export const inputArray = (i: number, opts: CodegenOptions): string => (opts.inPlace?.includes(i) ? 'out' : `in${i}`);

export const DEFAULT_CODEGEN: CodegenOptions = { workgroupSize: 64, elementsPerThread: 1 };

export interface ShaderModuleSpec {
  code: string;
  /** Binding 0 is the uniform block; then one read-only storage buffer per input; last, the output. */
  bindings: { uniform: 0; inputs: number[]; output: number };
  workgroupSize: [number, number, number];
  elementsPerThread: number;
  /** Size of the uniform block in bytes. */
  uniformBytes: number;
  /** Which variant a selection point chose, in words (matmul and convolution kernels), for profiles and the Kernels panel. */
  variant?: string;
}

/** WGSL for an elementwise kernel (reduce/matmul/scan have their generators in reduce.ts, matmul.ts, scan.ts). */
export function generateWGSL(kernel: ElementwiseKernel, opts: CodegenOptions = DEFAULT_CODEGEN): ShaderModuleSpec {
  return elementwise(kernel, opts);
}

function elementwise(k: ElementwiseKernel, opts: CodegenOptions): ShaderModuleSpec {
  const layout = uniformLayout(k);
  const wg = opts.workgroupSize;
  const ept = opts.elementsPerThread;
  const helpers = new HelperSet();

  const decls: string[] = [`@group(0) @binding(0) var<uniform> u: array<vec4<u32>, ${layout.vec4s}>;`];
  k.inputs.forEach((inp, i) => {
    decls.push(`@group(0) @binding(${i + 1}) var<storage, read> in${i}: array<${DTYPE_INFO[inp.dtype].storage}>;`);
  });
  const outBinding = k.inputs.length + 1;
  decls.push(`@group(0) @binding(${outBinding}) var<storage, read_write> out: array<${DTYPE_INFO[k.out].storage}>;`);

  // Element addressing. Coordinates are computed only when something needs them (k.rank > 0).
  const body: string[] = [];
  const pre: string[] = [];
  if (k.rank > 0) {
    body.push('var rem = i;');
    for (let d = k.rank - 1; d >= 1; d--) {
      const dim = wordRef(layout.outShape[d]);
      body.push(`let c${d} = rem % ${dim}; rem = rem / ${dim};`);
    }
    body.push('let c0 = rem;');
  }
  // Strides may be negative (reversed views), so strided addresses are computed in i32.
  const stridedAddress = (offset: number, strides: number[]) =>
    `u32(${[`i32(${wordRef(offset)})`, ...strides.map((w, d) => `i32(c${d}) * bitcast<i32>(${wordRef(w)})`)].join(' + ')})`;
  k.inputs.forEach((inp, i) => {
    const off = wordRef(layout.inputs[i].offset);
    // Offsets of contiguous and scalar inputs are loop-invariant: read once per invocation.
    if (inp.layout === 'contiguous') {
      pre.push(`let base${i} = ${off};`);
      body.push(`let idx${i} = base${i} + i;`);
    } else if (inp.layout === 'scalar') pre.push(`let idx${i} = ${off};`);
    else if (inp.layout === 'strided') body.push(`let idx${i} = ${stridedAddress(layout.inputs[i].offset, layout.inputs[i].strides!)};`);
  });
  const outIndex = layout.outView ? stridedAddress(layout.outView.offset, layout.outView.strides) : 'i';

  const { lines, result } = emitExpr(
    k.expr,
    (n, at) => {
      switch (n.prim) {
        case 'input':
          return fromStorage(`${inputArray(n.value, opts)}[idx${n.value}]`, n.dtype);
        case 'param':
          return paramRef(layout.params[n.value], n.dtype);
        case 'index':
          return 'i';
        case 'coord':
          return `i32(c${n.value})`;
        default: // load
          return fromStorage(`in${n.value}[u32(${at})]`, n.dtype);
      }
    },
    helpers,
    't',
    pre,
  );
  body.push(...lines);
  body.push(`out[${outIndex}] = ${toStorage(result, k.out)};`);

  const helperCode = helpers.code();
  const code = [
    `// wgflow kernel: ${k.name} (elementwise, ${k.inputs.length} inputs -> ${k.out})`,
    ...decls,
    ...helperCode,
    ...gridStrideMain(wg, wordRef(0), body, pre),
    '',
  ].join('\n');
  return {
    code,
    bindings: { uniform: 0, inputs: k.inputs.map((_, i) => i + 1), output: outBinding },
    workgroupSize: [wg, 1, 1],
    elementsPerThread: ept,
    uniformBytes: layout.vec4s * 16,
  };
}

/**
 * Workgroup grid for `size` elements, folding into 2-D when one dimension would pass the limit. `minGroups`
 * (grid-stride kernels only, whose loop is correct for any grid) keeps mid-sized launches spread over at
 * least that many workgroups, so a CPU-emulated adapter still uses all its cores.
 */
export function gridFor(
  size: number,
  spec: Pick<ShaderModuleSpec, 'workgroupSize' | 'elementsPerThread'>,
  maxPerDim: number,
  minGroups = 1,
): [number, number, number] {
  const wg = spec.workgroupSize[0];
  const groups = Math.max(Math.ceil(size / (wg * spec.elementsPerThread)), Math.min(minGroups, Math.ceil(size / wg)));
  if (groups <= maxPerDim) return [Math.max(groups, 1), 1, 1];
  const y = Math.ceil(groups / maxPerDim);
  if (y > maxPerDim) {
    throw new LimitError(`a dispatch over ${size} elements needs more than ${maxPerDim}² workgroups (maxComputeWorkgroupsPerDimension)`);
  }
  return [Math.ceil(groups / y), y, 1];
}
