// vec4 variant of elementwise kernels: four elements per step, vec4 loads and stores, vector arithmetic.
// Used when every input is contiguous (or a single scalar) and sizes/offsets are multiples of 4. Primitives
// with a vector form use it; the rest are evaluated per component with their scalar template, so every
// kernel has a vec4 form with the same semantics.
import { DTYPE_INFO, type DType } from '../core/dtype';
import { linearize, usesPrim, type Expr } from '../ir/expr';
import type { ElementwiseKernel } from '../ir/kernel';
import type { CodegenOptions, ShaderModuleSpec } from './codegen';
import { HelperSet, gridStrideMain, paramRef } from './emit';
import { uniformLayout, wordRef } from './layout';
import { WGSL_PRIMS, mayBeNaN, wgslCast, wgslLiteral, type Helper } from './prims';

export const VEC4_ISNAN = 'fn wg_isnan4(x: vec4<f32>) -> vec4<bool> { return (bitcast<vec4<u32>>(x) & vec4<u32>(0x7fffffffu)) > vec4<u32>(0x7f800000u); }';

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

/** Vector templates for the common primitives (NaN-aware like the scalar ones); undefined → per component. */
function vectorForm(n: Expr, a: string[], helpers: HelperSet, isnan: () => string): string | undefined {
  const d = n.args[0]?.dtype;
  const f = d === 'float32';
  const [x, y, z] = a;
  // NaN tests of the operands that may be NaN (undefined when neither can be).
  const nanAny = () => {
    const t = [x, y].filter((_, i) => mayBeNaN(n.args[i])).map((v) => `${isnan()}(${v})`);
    return t.length === 0 ? undefined : `(${t.join(' | ')})`;
  };
  switch (n.prim) {
    case 'add':
      return `(${x} + ${y})`;
    case 'sub':
      return `(${x} - ${y})`;
    case 'mul':
      return `(${x} * ${y})`;
    case 'div':
      return f ? `(${x} / ${y})` : undefined;
    case 'neg':
      return n.dtype === 'uint32' ? undefined : `(-${x})`;
    case 'abs':
      return n.dtype === 'uint32' ? x : `abs(${x})`;
    case 'floor':
    case 'ceil':
    case 'round':
      return f ? `${n.prim}(${x})` : x;
    case 'sqrt':
      return `sqrt(${x})`;
    case 'rsqrt':
      return `(vec4<f32>(1.0f) / sqrt(${x}))`;
    case 'recip':
      return `(vec4<f32>(1.0f) / ${x})`;
    case 'exp':
      return `select(exp(${x}), ${x}, ${isnan()}(${x}))`;
    case 'tanh':
      return `select(tanh(clamp(${x}, vec4<f32>(-10.0f), vec4<f32>(10.0f))), ${x}, ${isnan()}(${x}))`;
    case 'max':
    case 'min':
      if (!f) return `${n.prim}(${x}, ${y})`;
      if (!nanAny()) return `${n.prim}(${x}, ${y})`;
      helpers.add('wg_nan');
      return `select(${n.prim}(${x}, ${y}), vec4<f32>(wg_nan()), ${nanAny()})`;
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
    case 'eq': {
      const op = { lt: '<', le: '<=', gt: '>', ge: '>=', eq: '==' }[n.prim];
      const nan = f ? nanAny() : undefined;
      return nan ? `((${x} ${op} ${y}) & !${nan})` : `(${x} ${op} ${y})`;
    }
    case 'ne': {
      const nan = f ? nanAny() : undefined;
      return nan ? `((${x} != ${y}) | ${nan})` : `(${x} != ${y})`;
    }
    case 'and':
      return `(${x} & ${y})`;
    case 'or':
      return `(${x} | ${y})`;
    case 'xor':
      return `(${x} != ${y})`;
    case 'not':
      return `(!${x})`;
    case 'isnan':
      return f ? `${isnan()}(${x})` : 'vec4<bool>(false)';
    case 'where':
      return `select(${z}, ${y}, ${x})`;
    default:
      return undefined;
  }
}

export function generateVec4WGSL(k: ElementwiseKernel, opts: CodegenOptions): ShaderModuleSpec {
  const layout = uniformLayout(k);
  const wg = opts.workgroupSize;
  const ept = opts.elementsPerThread;
  const helpers = new HelperSet();
  let needIsnan4 = false;
  const isnan = () => {
    needIsnan4 = true;
    return 'wg_isnan4';
  };
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
        const raw = `in${n.value}[idx${n.value}]`;
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
        const v = vectorForm(n, args, helpers, isnan);
        if (v !== undefined) rhs = v;
        else {
          const parts = [0, 1, 2, 3].map((c) => helpers.use(WGSL_PRIMS[n.prim as keyof typeof WGSL_PRIMS](args.map((a) => `${a}[${c}]`), n)));
          rhs = `${vt(n.dtype)}(${parts.join(', ')})`;
        }
      }
    }
    // Params and literals are loop-invariant: read once before the element loop.
    (n.prim === 'param' || n.prim === 'lit' ? pre : body).push(`let t${s} = ${rhs};`);
  });
  const result = `t${roots[0]}`;
  body.push(`out[i] = ${k.out === 'bool' ? `select(vec4<u32>(0u), vec4<u32>(1u), ${result})` : result};`);
  if (needIsnan4) helpers.add('wg_isnan' as Helper);
  const code = [
    `// wgflow kernel: ${k.name} (elementwise vec4, ${k.inputs.length} inputs -> ${k.out})`,
    ...decls,
    ...helpers.code(),
    ...(needIsnan4 ? [VEC4_ISNAN] : []),
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
