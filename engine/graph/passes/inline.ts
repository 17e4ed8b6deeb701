// Constant inlining (last of the device-free passes): a plan fixes the values of its scalar params, so its
// kernels take them as WGSL literals instead of uniform reads. The shader compiler can then fold them
// (x * 1.5 + 0.25 becomes one fused multiply-add with immediate operands), which measurably speeds up
// fused chains on SwiftShader (bench/fused_vs_handwritten). Eager kernels keep params: one pipeline serves
// every value there, whereas here a pipeline is specialised to the plan's values (cached by its WGSL).
import { type Expr, lit, rewrite } from '../../ir/expr';
import type { Launch } from '../../ir/kernel';
import type { Slot } from '../recorder';
import type { PassContext, PassReport } from './index';

const inlineParams = (e: Expr, values: number[]): Expr =>
  rewrite(e, (n) => (n.prim === 'param' ? lit(values[n.value], n.dtype) : undefined));

function inlineLaunch(l: Launch<Slot>): Launch<Slot> | undefined {
  if (l.params.length === 0) return undefined;
  const k = l.kernel;
  switch (k.kind) {
    case 'elementwise':
      return { ...l, params: [], kernel: { ...k, params: [], expr: inlineParams(k.expr, l.params) } };
    case 'reduce':
      return {
        ...l,
        params: [],
        kernel: { ...k, params: [], prologue: inlineParams(k.prologue, l.params), epilogue: inlineParams(k.epilogue, l.params) },
      };
    case 'matmul':
    case 'conv':
      if (!k.epilogue) return undefined;
      return { ...l, params: [], kernel: { ...k, params: [], epilogue: inlineParams(k.epilogue, l.params) } };
    default:
      return undefined;
  }
}

export function inlineConstantsPass(ctx: PassContext): PassReport {
  let launches = 0;
  let values = 0;
  ctx.launches = ctx.launches.map((l) => {
    const r = inlineLaunch(l);
    if (!r) return l;
    launches++;
    values += l.params.length;
    return r;
  });
  return { pass: 'inlineConstants', removed: 0, detail: `${values} scalar params inlined as literals in ${launches} kernels` };
}
