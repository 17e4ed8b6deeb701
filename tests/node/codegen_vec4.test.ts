// vec4 elementwise codegen without a GPU: every op × accepted dtype × (contiguous | scalar) inputs parses
// with wgsl_reflect, binds vec4 arrays, and calls only helpers it defines.
import { describe, expect, test } from 'vitest';
import type { WgslReflect as WgslReflectClass } from 'wgsl_reflect';
// @ts-expect-error wgsl_reflect's ESM build has no declaration file of its own (see codegen.test.ts)
import { WgslReflect as WgslReflectImpl } from 'wgsl_reflect/wgsl_reflect.module.js';
import { DTYPES, type DType } from '../../engine/core/dtype';
import { cast, input, param, type Expr } from '../../engine/ir/expr';
import type { ElementwiseKernel, InputLayout } from '../../engine/ir/kernel';
import { ELEMENTWISE, ELEMENTWISE_OPS, resolveTypes } from '../../engine/ops/elementwise';
import { canVectorize, generateVec4WGSL } from '../../engine/shaders/vec4';

const WgslReflect = WgslReflectImpl as typeof WgslReflectClass;

function kernel(op: keyof typeof ELEMENTWISE, dtypes: DType[], layouts: InputLayout[]): ElementwiseKernel | undefined {
  const def = ELEMENTWISE[op];
  const r = resolveTypes(def.rule, dtypes);
  if (typeof r === 'string') return undefined;
  const params: DType[] = [];
  const addParam = (_v: number, d: DType): Expr => param(params.push(d) - 1, d);
  const attrs = op === 'cast' ? { dtype: 'float32' } : { alpha: 0.2, min: -1, max: 1 };
  const valueStart = def.rule === 'where' ? 1 : 0;
  const xs = dtypes.map((d, i) => (i < valueStart ? input(i, d) : cast(input(i, d), r.operand)));
  const expr = def.build(xs, { param: addParam, attrs });
  return { kind: 'elementwise', name: op, rank: 0, inputs: dtypes.map((d, i) => ({ dtype: d, layout: layouts[i] })), params, out: expr.dtype, outLayout: 'contiguous', expr };
}

describe('vec4 codegen', () => {
  const cases: [string, ElementwiseKernel][] = [];
  for (const op of ELEMENTWISE_OPS) {
    const arity = ELEMENTWISE[op].arity;
    for (const d of DTYPES) {
      const dtypes = ELEMENTWISE[op].rule === 'where' ? ['bool' as DType, d, d] : new Array<DType>(arity).fill(d);
      for (const layouts of [dtypes.map(() => 'contiguous' as InputLayout), dtypes.map((_, i) => (i === 0 ? 'contiguous' : 'scalar') as InputLayout)]) {
        const k = kernel(op, dtypes, layouts);
        if (k) cases.push([`${op} ${dtypes.join(',')} ${layouts.join(',')}`, k]);
      }
    }
  }
  test('covers every op', () => {
    expect(new Set(cases.map(([n]) => n.split(' ')[0])).size).toBe(ELEMENTWISE_OPS.length);
  });
  test.each(cases)('%s parses', (_name, k) => {
    expect(canVectorize(k)).toBe(true);
    const { code } = generateVec4WGSL(k, { workgroupSize: 64, elementsPerThread: 4 });
    const reflect = new WgslReflect(code);
    expect(reflect.entry.compute.map((e) => e.name)).toEqual(['main']);
    expect(code).toMatch(/var<storage, read_write> out: array<vec4</);
    for (const m of code.matchAll(/\b(wg_\w+)\(/g)) expect(code).toContain(`fn ${m[1]}(`);
  });
});
