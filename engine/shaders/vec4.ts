// vec4 variant of elementwise kernels: four elements per step, vec4 loads and stores, vector arithmetic.
// Used when every input is contiguous (or a single scalar) and sizes/offsets are multiples of 4. Primitives
// whose table template has a vector form (ir/prims.ts `vec4`) render it over vec4 operands; the rest run
// their scalar template per component, so every kernel has a vec4 form with the same semantics.
import { DTYPE_INFO, type DType } from '../core/dtype';
import { linearize, usesPrim, type Expr } from '../ir/expr';
import type { ElementwiseKernel } from '../ir/kernel';
import { inputArray, type CodegenOptions, type ShaderModuleSpec } from './codegen';
import { HelperSet, gridStrideMain, paramRef } from './emit';
import { uniformLayout, wordRef } from './layout';
import { WG_ISNAN4 } from '../ir/prim_helpers';
import { hasVec4Form, primCtx } from '../ir/prims';
import { wgslCast, wgslLiteral, wgslPrim } from './prims';

const vt = (d: DType) => (d === 'bool' ? 'vec4<bool>' : `vec4<${DTYPE_INFO[d].wgsl}>`);

/** Kernels that can run four elements per step (the launch must also be 4-aligned: see vec4Launchable). */
export function canVectorize(k: ElementwiseKernel): boolean {
  return (
    k.rank === 0 &&
    k.outLayout === 'contiguous' &&
    k.inputs.every((x) => x.layout === 'contiguous' || x.layout === 'scalar') &&
    !usesPrim(k.expr, 'index') &&
    !usesPrim(k.expr, 'coord') &&
    !usesPrim(k.expr, 'load')
  );
}

export function generateVec4WGSL(k: ElementwiseKernel, opts: CodegenOptions): ShaderModuleSpec {
  const layout = uniformLayout(k);
  const wg = opts.workgroupSize;
  const ept = opts.elementsPerThread;
  const helpers = new HelperSet();
  /** Set by a template that tests NaN over four lanes (wg_isnan4 is then emitted). */
  const lanes = { isnan4: false };
  const decls: string[] = [`@group(0) @binding(0) var<uniform> u: array<vec4<u32>, ${layout.vec4s}>;`];
  k.inputs.forEach((inp, i) => {
    const st = DTYPE_INFO[inp.dtype].storage;
    decls.push(`@group(0) @binding(${i + 1}) var<storage, read> in${i}: array<${inp.layout === 'scalar' ? st : `vec4<${st}>`}>;`);
  });
  const outBinding = k.inputs.length + 1;
  decls.push(`@group(0) @binding(${outBinding}) var<storage, read_write> out: array<vec4<${DTYPE_INFO[k.out].storage}>>;`);

  const body: string[] = [];
  const pre: string[] = [];
  k.inputs.forEach((inp, i) => {
    const off = wordRef(layout.inputs[i].offset);
    // Offsets are loop-invariant: read once per invocation.
    if (inp.layout === 'scalar') pre.push(`let idx${i} = ${off};`);
    else {
      pre.push(`let base${i} = ${off} / 4u;`);
      body.push(`let idx${i} = base${i} + i;`);
    }
  });
  const { nodes, slotOf, roots } = linearize([k.expr]);
  const name = (e: Expr) => `t${slotOf.get(e)}`;
  const splat = (v: string, d: DType) => `${vt(d)}(${v})`;
  nodes.forEach((n, s) => {
    let rhs: string;
    switch (n.prim) {
      case 'input': {
        const inp = k.inputs[n.value];
        const raw = `${inputArray(n.value, opts)}[idx${n.value}]`;
        if (inp.layout === 'scalar') rhs = splat(n.dtype === 'bool' ? `${raw} != 0u` : raw, n.dtype);
        else rhs = n.dtype === 'bool' ? `(${raw} != vec4<u32>(0u))` : raw;
        break;
      }
      case 'param':
        rhs = splat(paramRef(layout.params[n.value], n.dtype), n.dtype);
        break;
      case 'lit':
        rhs = splat(helpers.use(wgslLiteral(n.value, n.dtype)), n.dtype);
        break;
      case 'cast': {
        // Per component with the scalar conversion (exact same rules).
        const from = n.args[0].dtype;
        const parts = [0, 1, 2, 3].map((c) => helpers.use(wgslCast(`${name(n.args[0])}[${c}]`, from, n.dtype)));
        rhs = `${vt(n.dtype)}(${parts.join(', ')})`;
        break;
      }
      case 'index':
      case 'coord':
      case 'load':
        throw new Error(`vec4 codegen: ${n.prim} is not vectorizable`);
      default: {
        const args = n.args.map(name);
        if (hasVec4Form(n.prim, primCtx(n).d)) rhs = helpers.use(wgslPrim(n, args, lanes));
        else {
          // No vector form: the scalar template once per lane.
          const parts = [0, 1, 2, 3].map((l) => helpers.use(wgslPrim(n, args.map((a) => `${a}[${l}]`))));
          rhs = `${vt(n.dtype)}(${parts.join(', ')})`;
        }
      }
    }
    // Params and literals are loop-invariant: read once before the element loop.
    (n.prim === 'param' || n.prim === 'lit' ? pre : body).push(`let t${s} = ${rhs};`);
  });
  const result = `t${roots[0]}`;
  body.push(`out[i] = ${k.out === 'bool' ? `select(vec4<u32>(0u), vec4<u32>(1u), ${result})` : result};`);
  if (lanes.isnan4) helpers.add('wg_isnan');
  const code = [
    `// wgflow kernel: ${k.name} (elementwise vec4, ${k.inputs.length} inputs -> ${k.out})`,
    ...decls,
    ...helpers.code(),
    ...(lanes.isnan4 ? [WG_ISNAN4] : []),
    // Steps of four elements: the element count over 4.
    ...gridStrideMain(wg, `${wordRef(0)} / 4u`, body, pre),
    '',
  ].join('\n');
  return {
    code,
    bindings: { uniform: 0, inputs: k.inputs.map((_, i) => i + 1), output: outBinding },
    workgroupSize: [wg, 1, 1],
    elementsPerThread: ept * 4,
    uniformBytes: layout.vec4s * 16,
  };
}
