// WGSL codegen without a GPU: every generated shader parses (wgsl_reflect), snapshots, CSE, and the pure helpers around it.
import { describe, expect, test } from 'vitest';
import type { WgslReflect as WgslReflectClass } from 'wgsl_reflect';
// wgsl_reflect@1.6.0's "main" is a CommonJS file inside a `"type": "module"` package, so Node cannot load the
// bare specifier ("exports is not defined in ES module scope"); load its ES module build directly instead.
// @ts-expect-error -- the ES build has no .d.ts beside it; it is typed through the type import above.
import { WgslReflect as WgslReflectImpl } from 'wgsl_reflect/wgsl_reflect.module.js';
import { bucketSize } from '../../engine/backend/webgpu/pool';
import { type DType, DTYPES, promoteTypes, weakScalarType } from '../../engine/core/dtype';
import { ShapeError, userFrame } from '../../engine/core/errors';
import { broadcastShapes } from '../../engine/core/shape';
import { type Expr, cast, coord, input, lit, linearize, load, param, prim, usesPrim } from '../../engine/ir/expr';
import type { ElementwiseKernel, InputLayout, KernelInput, Launch } from '../../engine/ir/kernel';
import * as creation from '../../engine/ops/creation';
import { ELEMENTWISE, ELEMENTWISE_OPS, type ElementwiseOp, resolveTypes } from '../../engine/ops/elementwise';
import { type CodegenOptions, type ShaderModuleSpec, generateWGSL, gridFor } from '../../engine/shaders/codegen';
import { packUniforms, uniformLayout } from '../../engine/shaders/layout';

const WgslReflect = WgslReflectImpl as typeof WgslReflectClass;

const OPTIONS: CodegenOptions[] = [
  { workgroupSize: 64, elementsPerThread: 1 },
  { workgroupSize: 64, elementsPerThread: 8 },
];
const STORAGE_TYPE: Record<DType, string> = { float32: 'f32', int32: 'i32', uint32: 'u32', bool: 'u32' };

// ---- building kernels exactly as eager dispatch does ----------------------------------------------------

/** One operand of an op: a tensor read with some layout, or a bare number (a uniform param). */
type OperandKind = InputLayout | 'param';
interface Operand {
  kind: OperandKind;
  dtype: DType;
}

type OutLayout = ElementwiseKernel['outLayout'];

/**
 * Mirrors runElementwise/launch in engine/eager/dispatch.ts: input leaves, cast to the operand dtype,
 * def.build; `rank` (the output's) is kept only when coordinates are needed.
 */
function elementwiseKernel(
  op: ElementwiseOp,
  operands: Operand[],
  rank = 0,
  attrs: Record<string, unknown> = {},
  outLayout: OutLayout = 'contiguous',
): ElementwiseKernel {
  const def = ELEMENTWISE[op];
  const dtypes = operands.map((o) => o.dtype);
  const r = resolveTypes(def.rule, dtypes);
  if (typeof r === 'string') throw new Error(`test bug: ${op} rejects ${dtypes.join(', ')}: ${r}`);
  const valueStart = def.rule === 'where' ? 1 : 0;
  const inputs: KernelInput[] = [];
  const params: DType[] = [];
  const addParam = (_v: number, d: DType) => param(params.push(d) - 1, d);
  const xs = operands.map((o, i) => {
    let leaf: Expr;
    if (o.kind === 'param') leaf = addParam(1, o.dtype);
    else leaf = input(inputs.push({ dtype: o.dtype, layout: o.kind }) - 1, o.dtype);
    return i < valueStart ? leaf : cast(leaf, r.operand);
  });
  const expr = def.build(xs, { param: addParam, attrs });
  const out = op === 'cast' ? (attrs.dtype as DType) : r.out;
  const strided = inputs.some((x) => x.layout === 'strided') || outLayout === 'strided';
  return { kind: 'elementwise', name: op, rank: strided || usesPrim(expr, 'coord') ? rank : 0, inputs, params, out, outLayout, expr };
}

/** Mirrors runGenerator: params in slot order, then gen.build. */
function generatorKernel(gen: creation.Generator): ElementwiseKernel {
  const params: DType[] = [];
  const ps = gen.params.map((p) => param(params.push(p.dtype) - 1, p.dtype));
  const expr = gen.build((i) => ps[i]);
  return { kind: 'elementwise', name: gen.name, rank: 0, inputs: [], params, out: gen.dtype, outLayout: 'contiguous', expr };
}

/**
 * A gather-style kernel (the shape of reverse/pad/gather): input 0 is only read through `load` at an
 * index computed from the output coordinates; input 1 is a plain contiguous operand added to it.
 */
function gatherKernel(dtype: DType, rank: number, outLayout: OutLayout): ElementwiseKernel {
  let at: Expr = lit(0, 'int32');
  for (let d = 0; d < rank; d++) at = prim('add', prim('mul', at, lit(3, 'int32')), prim('sub', lit(2, 'int32'), coord(d)));
  const picked = load(0, dtype, at);
  const expr = dtype === 'bool' ? prim('and', picked, input(1, dtype)) : prim('add', picked, input(1, dtype));
  return {
    kind: 'elementwise',
    name: 'gather',
    rank,
    inputs: [{ dtype, layout: 'loaded' }, { dtype, layout: 'contiguous' }],
    params: [],
    out: dtype,
    outLayout,
    expr,
  };
}

function attrsFor(op: ElementwiseOp): Record<string, unknown>[] {
  if (op === 'cast') return DTYPES.map((dtype) => ({ dtype }));
  if (op === 'clipByValue') return [{ min: -1, max: 1 }];
  if (op === 'leakyRelu') return [{ alpha: 0.1 }];
  return [{}];
}

function product<T>(choices: readonly T[], n: number): T[][] {
  if (n === 0) return [[]];
  return product(choices, n - 1).flatMap((rest) => choices.map((c) => [...rest, c]));
}

/** Every operand dtype combination an op accepts (what resolveTypes does not reject). */
function acceptedDTypes(op: ElementwiseOp): DType[][] {
  const def = ELEMENTWISE[op];
  return product(DTYPES, def.arity).filter((ds) => typeof resolveTypes(def.rule, ds) !== 'string');
}

interface Case {
  label: string;
  kernel: ElementwiseKernel;
}

/**
 * Every kernel the conformance suite can reach: each op × accepted dtypes × operand kinds (contiguous,
 * scalar, strided, bare-number param) × output rank 1..4 when something is strided; the same ops writing
 * a strided output (a part of a concat); gather-style kernels reading `loaded` inputs; every generator.
 */
function allKernels(): Case[] {
  const cases: Case[] = [];
  for (const op of ELEMENTWISE_OPS) {
    const arity = ELEMENTWISE[op].arity;
    // A bare number is legal for any operand (`wg.exp(2)` is a kernel with no inputs and one param).
    const kinds: OperandKind[] = ['contiguous', 'scalar', 'strided', 'param'];
    for (const [n, dtypes] of acceptedDTypes(op).entries()) {
      for (const ks of product(kinds, arity)) {
        // Addressing code depends on the rank but not on the dtypes: every rank for the first accepted
        // dtype combination, rank 3 for the others (keeps the file fast).
        const ranks = !ks.includes('strided') ? [0] : n === 0 ? [1, 2, 3, 4] : [3];
        for (const rank of ranks) {
          for (const attrs of attrsFor(op)) {
            const operands = ks.map((kind, i) => ({ kind, dtype: dtypes[i] }));
            const label = `${op}(${operands.map((o) => `${o.dtype} ${o.kind}`).join(', ')}) rank ${rank} ${JSON.stringify(attrs)}`;
            cases.push({ label, kernel: elementwiseKernel(op, operands, rank, attrs) });
          }
        }
      }
      for (const rank of [1, 2, 3, 4]) {
        for (const attrs of attrsFor(op)) {
          const operands = dtypes.map((dtype) => ({ kind: 'contiguous' as const, dtype }));
          const label = `${op}(${dtypes.join(', ')} contiguous) -> strided output, rank ${rank} ${JSON.stringify(attrs)}`;
          cases.push({ label, kernel: elementwiseKernel(op, operands, rank, attrs, 'strided') });
        }
      }
    }
  }
  for (const dtype of DTYPES) {
    for (const rank of [1, 2, 3, 4]) {
      for (const outLayout of ['contiguous', 'strided'] as const) {
        cases.push({ label: `gather ${dtype} rank ${rank} -> ${outLayout}`, kernel: gatherKernel(dtype, rank, outLayout) });
      }
    }
  }
  const gens: creation.Generator[] = [
    ...DTYPES.map((d) => creation.fillGen(1, d)),
    ...DTYPES.filter((d) => d !== 'bool').map((d) => creation.rangeGen(0, 2, d)),
    creation.linspaceGen(0, 1, 5),
    creation.linspaceGen(3, 3, 1),
    ...DTYPES.map((d) => creation.eyeGen(3, 4, d)),
    ...(['float32', 'int32', 'uint32'] as const).map((d) => creation.randomUniformGen(-1, 1, d, 123)),
    creation.randomNormalGen(0, 1, 7),
  ];
  for (const g of gens) cases.push({ label: `generator ${g.name} ${g.dtype}`, kernel: generatorKernel(g) });
  return cases;
}

/** Parses `spec.code` and checks bindings, entry point and helper definitions against the spec. */
function checkShader(kernel: ElementwiseKernel, spec: ShaderModuleSpec, opts: CodegenOptions): void {
  const r = new WgslReflect(spec.code); // throws on a parse error
  expect(r.uniforms.map((v) => [v.name, v.group, v.binding])).toEqual([['u', 0, spec.bindings.uniform]]);
  expect(spec.bindings.uniform).toBe(0);
  const n = kernel.inputs.length;
  expect(spec.bindings.inputs).toEqual(kernel.inputs.map((_, i) => i + 1));
  expect(spec.bindings.output).toBe(n + 1);
  const storage = [...r.storage].sort((a, b) => a.binding - b.binding);
  expect(storage.map((v) => [v.group, v.binding, v.access, v.format?.name])).toEqual([
    ...kernel.inputs.map((x, i) => [0, spec.bindings.inputs[i], 'read', STORAGE_TYPE[x.dtype]]),
    [0, spec.bindings.output, 'read_write', STORAGE_TYPE[kernel.out]],
  ]);
  expect(r.entry.compute.map((f) => [f.name, f.workgroupSize])).toEqual([['main', [opts.workgroupSize, 1, 1]]]);
  expect(spec.workgroupSize).toEqual([opts.workgroupSize, 1, 1]);
  expect(spec.elementsPerThread).toBe(opts.elementsPerThread);
  // The uniform array is sized for every word the layout uses.
  const layout = uniformLayout(kernel);
  expect(spec.uniformBytes).toBe(layout.vec4s * 16);
  expect(spec.code).toContain(`array<vec4<u32>, ${layout.vec4s}>`);
  // wgsl_reflect does not resolve calls, so check that every wg_* helper called is defined in the module.
  const defined = new Set(r.functions.map((f) => f.name));
  for (const [, called] of spec.code.matchAll(/\b(wg_\w+)\s*\(/g)) {
    if (!spec.code.includes(`fn ${called}(`)) throw new Error(`${called} is called but not defined`);
    expect(defined.has(called)).toBe(true);
  }
}

describe('every generated shader parses and matches its spec', () => {
  test('wgsl_reflect rejects a broken shader (so the parse check can fail)', () => {
    const good = generateWGSL(elementwiseKernel('add', [{ kind: 'contiguous', dtype: 'float32' }, { kind: 'contiguous', dtype: 'float32' }]));
    expect(() => new WgslReflect(good.code)).not.toThrow();
    // Drop the `;` after the first `let` in the body: a syntax error.
    const broken = good.code.replace('let size = u[0].x;', 'let size = u[0].x');
    expect(broken).not.toBe(good.code);
    expect(() => new WgslReflect(broken)).toThrow(/;/);
    expect(() => new WgslReflect(good.code.replace('(t0 + t1)', '(t0 + t1'))).toThrow();
  });

  test('checkShader catches binding, workgroup and helper mismatches', () => {
    const k = elementwiseKernel('exp', [{ kind: 'contiguous', dtype: 'float32' }]);
    const opts = OPTIONS[0];
    const spec = generateWGSL(k, opts);
    expect(() => checkShader(k, spec, opts)).not.toThrow();
    expect(() => checkShader(k, { ...spec, bindings: { ...spec.bindings, output: 3 } }, opts)).toThrow();
    expect(() => checkShader(k, { ...spec, code: spec.code.replace('read_write> out: array<f32>', 'read_write> out: array<i32>') }, opts)).toThrow();
    expect(() => checkShader(k, { ...spec, code: spec.code.replace('@workgroup_size(64)', '@workgroup_size(32)') }, opts)).toThrow();
    expect(() => checkShader(k, { ...spec, code: spec.code.replace(/^fn wg_isnan.*$/m, '') }, opts)).toThrow(/wg_isnan/);
  });

  const cases = allKernels();

  test('the enumeration covers every op, dtype rule and generator', () => {
    const ops = new Set(cases.map((c) => c.kernel.name));
    for (const op of ELEMENTWISE_OPS) expect(ops.has(op), op).toBe(true);
    for (const g of ['fill', 'range', 'linspace', 'eye', 'randomUniform', 'randomNormal']) expect(ops.has(g), g).toBe(true);
    expect(cases.length).toBeGreaterThan(1000);
  });

  // One test per op (or generator) and option set, so a failure names its op and no test runs long.
  const byName = new Map<string, Case[]>();
  for (const c of cases) byName.set(c.kernel.name, [...(byName.get(c.kernel.name) ?? []), c]);
  for (const opts of OPTIONS) {
    describe(`workgroupSize ${opts.workgroupSize}, elementsPerThread ${opts.elementsPerThread}`, () => {
      test.each([...byName.entries()])('%s', (_name, group) => {
        const failures: string[] = [];
        for (const c of group) {
          try {
            checkShader(c.kernel, generateWGSL(c.kernel, opts), opts);
          } catch (e) {
            failures.push(`${c.label}: ${(e as Error).message.split('\n')[0]}`);
          }
        }
        expect(failures.slice(0, 20), `${failures.length} of ${group.length} kernels failed`).toEqual([]);
      }, 30_000);
    });
  }
});

// ---- snapshots: a codegen change shows up in review ------------------------------------------------------

describe('WGSL snapshots', () => {
  test('add float32, contiguous + contiguous', () => {
    const k = elementwiseKernel('add', [
      { kind: 'contiguous', dtype: 'float32' },
      { kind: 'contiguous', dtype: 'float32' },
    ]);
    expect(generateWGSL(k).code).toMatchInlineSnapshot(`
      "// wgflow kernel: add (elementwise, 2 inputs -> float32)
      @group(0) @binding(0) var<uniform> u: array<vec4<u32>, 2>;
      @group(0) @binding(1) var<storage, read> in0: array<f32>;
      @group(0) @binding(2) var<storage, read> in1: array<f32>;
      @group(0) @binding(3) var<storage, read_write> out: array<f32>;
      @compute @workgroup_size(64)
      fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
        let size = u[0].x;
        let threads = nwg.x * 64u;
        let stride = threads * nwg.y;
        let base0 = u[1].x;
        let base1 = u[1].y;
        for (var i = gid.x + gid.y * threads; i < size; i = i + stride) {
          let idx0 = base0 + i;
          let idx1 = base1 + i;
          let t0 = in0[idx0];
          let t1 = in1[idx1];
          let t2 = (t0 + t1);
          out[i] = t2;
        }
      }
      "
    `);
  });

  test('exp on a strided rank-2 input', () => {
    const k = elementwiseKernel('exp', [{ kind: 'strided', dtype: 'float32' }], 2);
    expect(generateWGSL(k).code).toMatchInlineSnapshot(`
      "// wgflow kernel: exp (elementwise, 1 inputs -> float32)
      @group(0) @binding(0) var<uniform> u: array<vec4<u32>, 3>;
      @group(0) @binding(1) var<storage, read> in0: array<f32>;
      @group(0) @binding(2) var<storage, read_write> out: array<f32>;
      fn wg_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
      @compute @workgroup_size(64)
      fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
        let size = u[0].x;
        let threads = nwg.x * 64u;
        let stride = threads * nwg.y;
        for (var i = gid.x + gid.y * threads; i < size; i = i + stride) {
          var rem = i;
          let c1 = rem % u[1].y; rem = rem / u[1].y;
          let c0 = rem;
          let idx0 = u32(i32(u[1].z) + i32(c0) * bitcast<i32>(u[1].w) + i32(c1) * bitcast<i32>(u[2].x));
          let t0 = in0[idx0];
          let t1 = select(exp(t0), t0, wg_isnan(t0));
          out[i] = t1;
        }
      }
      "
    `);
  });

  test('where with a scalar param (where(cond, x, 2))', () => {
    const k = elementwiseKernel('where', [
      { kind: 'contiguous', dtype: 'bool' },
      { kind: 'contiguous', dtype: 'float32' },
      { kind: 'param', dtype: 'float32' },
    ]);
    expect(k.params).toEqual(['float32']);
    expect(generateWGSL(k, { workgroupSize: 64, elementsPerThread: 8 }).code).toMatchInlineSnapshot(`
      "// wgflow kernel: where (elementwise, 2 inputs -> float32)
      @group(0) @binding(0) var<uniform> u: array<vec4<u32>, 2>;
      @group(0) @binding(1) var<storage, read> in0: array<u32>;
      @group(0) @binding(2) var<storage, read> in1: array<f32>;
      @group(0) @binding(3) var<storage, read_write> out: array<f32>;
      @compute @workgroup_size(64)
      fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
        let size = u[0].x;
        let threads = nwg.x * 64u;
        let stride = threads * nwg.y;
        let base0 = u[1].x;
        let base1 = u[1].y;
        let t2 = bitcast<f32>(u[1].z);
        for (var i = gid.x + gid.y * threads; i < size; i = i + stride) {
          let idx0 = base0 + i;
          let idx1 = base1 + i;
          let t0 = (in0[idx0] != 0u);
          let t1 = in1[idx1];
          let t3 = select(t2, t1, t0);
          out[i] = t3;
        }
      }
      "
    `);
  });
});

// ---- common subexpressions -----------------------------------------------------------------------------

const lets = (code: string) => code.split('\n').filter((l) => /^\s*let t\d+ = /.test(l)).map((l) => l.trim());

describe('common subexpressions', () => {
  test('linearize merges separately built, structurally equal subtrees', () => {
    const a = prim('exp', prim('mul', input(0, 'float32'), lit(2, 'float32')));
    const b = prim('exp', prim('mul', input(0, 'float32'), lit(2, 'float32')));
    expect(a).not.toBe(b);
    const root = prim('add', a, b);
    const { nodes, slotOf, roots } = linearize([root]);
    expect(nodes.map((n) => n.prim)).toEqual(['input', 'lit', 'mul', 'exp', 'add']);
    expect(slotOf.get(a)).toBe(slotOf.get(b));
    expect(slotOf.get(a.args[0])).toBe(slotOf.get(b.args[0]));
    expect(roots).toEqual([4]);
    // Two roots that are equal share a slot too.
    expect(linearize([a, b]).roots).toEqual([3, 3]);
  });

  test('linearize keeps nodes that differ in dtype, value, -0 or operand order apart', () => {
    const x = input(0, 'float32');
    const y = input(1, 'float32');
    const roots = [lit(1, 'float32'), lit(1, 'int32'), lit(0, 'float32'), lit(-0, 'float32'), prim('sub', x, y), prim('sub', y, x)];
    const { nodes, roots: slots } = linearize(roots);
    expect(new Set(slots).size).toBe(roots.length);
    expect(nodes.length).toBe(roots.length + 2); // + the two inputs
  });

  test('codegen emits one `let` per distinct node', () => {
    // relu builds zero(x) twice as separate lit nodes; add(exp(x), exp(x)) builds exp(x) twice.
    const relu = lets(generateWGSL(elementwiseKernel('relu', [{ kind: 'contiguous', dtype: 'float32' }])).code);
    expect(relu).toEqual([
      'let t1 = 0f;', // a literal: read once, before the element loop
      'let t0 = in0[idx0];',
      'let t2 = ((t0 < t1) && !(wg_isnan(t0)));',
      'let t3 = select(t0, t1, t2);',
    ]);

    const x = input(0, 'float32');
    const expr = prim('add', prim('exp', x), prim('exp', input(0, 'float32')));
    const k: ElementwiseKernel = {
      kind: 'elementwise', name: 'cse', rank: 0, inputs: [{ dtype: 'float32', layout: 'contiguous' }], params: [], out: 'float32',
      outLayout: 'contiguous', expr,
    };
    const body = lets(generateWGSL(k).code);
    expect(body).toHaveLength(3);
    expect(body.filter((l) => l.includes('exp('))).toHaveLength(1);
    expect(body[2]).toBe('let t2 = (t1 + t1);');
  });

  test('square reads its operand once (mul(x, x) on one node)', () => {
    const body = lets(generateWGSL(elementwiseKernel('square', [{ kind: 'contiguous', dtype: 'int32' }])).code);
    expect(body).toEqual(['let t0 = in0[idx0];', 'let t1 = (t0 * t0);']);
  });

  test('tan: one `let` for the tan node', () => {
    const body = lets(generateWGSL(elementwiseKernel('tan', [{ kind: 'contiguous', dtype: 'float32' }])).code);
    expect(body).toHaveLength(2);
  });

  // CSE works on IR nodes, not inside one template's text: tan goes through a helper so the range
  // reduction runs once per element.
  test('tan evaluates wg_sincos once per element', () => {
    const code = generateWGSL(elementwiseKernel('tan', [{ kind: 'contiguous', dtype: 'float32' }])).code;
    const main = code.slice(code.indexOf('fn main('));
    expect(main.match(/wg_tan\(/g)).toHaveLength(1);
    const helper = code.slice(code.indexOf('fn wg_tan('), code.indexOf('fn main('));
    expect(helper.match(/wg_sincos\(/g)).toHaveLength(1);
  });
});

// ---- pure helpers ----------------------------------------------------------------------------------------

describe('gridFor', () => {
  const spec = (wg: number, ept: number) => ({ workgroupSize: [wg, 1, 1] as [number, number, number], elementsPerThread: ept });

  test('1-D under the limit', () => {
    expect(gridFor(100, spec(64, 1), 65535)).toEqual([2, 1, 1]);
    expect(gridFor(64, spec(64, 1), 65535)).toEqual([1, 1, 1]);
    expect(gridFor(65, spec(64, 1), 65535)).toEqual([2, 1, 1]);
    expect(gridFor(64 * 8 * 10, spec(64, 8), 65535)).toEqual([10, 1, 1]);
    expect(gridFor(64 * 8 * 10 + 1, spec(64, 8), 65535)).toEqual([11, 1, 1]);
    expect(gridFor(64 * 65535, spec(64, 1), 65535)).toEqual([65535, 1, 1]);
  });

  test('size 0 and size 1 still dispatch one workgroup', () => {
    expect(gridFor(0, spec(64, 1), 65535)).toEqual([1, 1, 1]);
    expect(gridFor(1, spec(64, 1), 65535)).toEqual([1, 1, 1]);
    expect(gridFor(1, spec(64, 8), 4)).toEqual([1, 1, 1]);
  });

  test('folds into 2-D past maxPerDim, covering every element without passing the limit', () => {
    expect(gridFor(64 * 65535 + 1, spec(64, 1), 65535)).toEqual([32768, 2, 1]);
    expect(gridFor(5 * 64, spec(64, 1), 4)).toEqual([3, 2, 1]);
    expect(gridFor(16 * 64, spec(64, 1), 4)).toEqual([4, 4, 1]);
    for (const size of [1, 63, 64, 65, 1000, 4 * 64 + 1, 9 * 64, 16 * 64]) {
      for (const ept of [1, 2]) {
        const [x, y, z] = gridFor(size, spec(64, ept), 4);
        expect(x).toBeLessThanOrEqual(4);
        expect(y).toBeLessThanOrEqual(4);
        expect(z).toBe(1);
        expect(x * y * 64 * ept).toBeGreaterThanOrEqual(size);
        expect((x - 1) * y * 64 * ept).toBeLessThan(size); // no needless extra column
      }
    }
  });

  test('throws when even a 2-D grid is not enough', () => {
    expect(() => gridFor(17 * 64, spec(64, 1), 4)).toThrow(/needs more than 4² workgroups/);
  });
});

describe('uniformLayout and packUniforms', () => {
  const kernel: ElementwiseKernel = {
    kind: 'elementwise',
    name: 'k',
    rank: 3,
    inputs: [
      { dtype: 'float32', layout: 'contiguous' },
      { dtype: 'float32', layout: 'strided' },
      { dtype: 'int32', layout: 'scalar' },
    ],
    params: ['float32', 'int32', 'bool', 'uint32'],
    out: 'float32',
    outLayout: 'contiguous',
    expr: input(0, 'float32'),
  };

  test('word assignment: header, output shape, offsets (+ strides), params', () => {
    const l = uniformLayout(kernel);
    expect(l).toEqual({
      outShape: [4, 5, 6],
      inputs: [{ offset: 7 }, { offset: 8, strides: [9, 10, 11] }, { offset: 12 }],
      params: [13, 14, 15, 16],
      words: 17,
      vec4s: 5,
    });
  });

  test('rank 0 (no coordinates needed): no shape words; an empty kernel still has one vec4', () => {
    const l = uniformLayout({ ...kernel, rank: 0, inputs: [{ dtype: 'float32', layout: 'contiguous' }], params: [] });
    expect(l).toEqual({ outShape: [], inputs: [{ offset: 4 }], params: [], words: 5, vec4s: 2 });
    const empty = uniformLayout({ ...kernel, rank: 0, inputs: [], params: [] });
    expect(empty).toEqual({ outShape: [], inputs: [], params: [], words: 4, vec4s: 1 });
  });

  test('packUniforms writes size, special values, shape, offsets, broadcast strides and param bits at `at`', () => {
    const l = uniformLayout(kernel);
    const launch: Launch = {
      kernel,
      inputs: [
        { handle: null, dtype: 'float32', shape: [2, 3, 4], strides: [12, 4, 1], offset: 5 },
        // [3, 1] broadcast to [2, 3, 4]: stride 0 on the new and the size-1 dims.
        { handle: null, dtype: 'float32', shape: [3, 1], strides: [1, 1], offset: 2 },
        { handle: null, dtype: 'int32', shape: [], strides: [], offset: 9 },
      ],
      params: [1.5, -1, 1, 4294967295],
      outShape: [2, 3, 4],
      out: null,
    };
    const at = 8;
    const into = new Uint32Array(at + l.vec4s * 4 + 4).fill(0xdead);
    packUniforms(launch, l, into, at);
    expect([...into.subarray(0, at)]).toEqual(new Array(at).fill(0xdead));
    expect([...into.subarray(at, at + l.vec4s * 4)]).toEqual([
      24, 0x7fc00000, 0x7f800000, 0xff800000, // size, NaN, +Inf, -Inf
      2, 3, 4, // output shape
      5, // in0 offset
      2, 0, 1, 0, // in1 offset, strides
      9, // in2 offset
      0x3fc00000, 0xffffffff, 1, 0xffffffff, // 1.5f, -1i, true, 4294967295u
      0, 0, 0, // padding to the vec4
    ]);
    expect([...into.subarray(at + l.vec4s * 4)]).toEqual([0xdead, 0xdead, 0xdead, 0xdead]);
  });
  test('strided output (a view into a larger buffer) and negative input strides', () => {
    const k: ElementwiseKernel = {
      kind: 'elementwise',
      name: 'part',
      rank: 2,
      inputs: [{ dtype: 'float32', layout: 'strided' }],
      params: [],
      out: 'float32',
      outLayout: 'strided',
      expr: input(0, 'float32'),
    };
    const l = uniformLayout(k);
    expect(l).toEqual({
      outShape: [4, 5],
      outView: { offset: 6, strides: [7, 8] },
      inputs: [{ offset: 9, strides: [10, 11] }],
      params: [],
      words: 12,
      vec4s: 3,
    });
    const into = new Uint32Array(l.vec4s * 4);
    packUniforms(
      {
        kernel: k,
        // A reversed view: the last dimension runs backwards.
        inputs: [{ handle: null, dtype: 'float32', shape: [2, 3], strides: [3, -1], offset: 2 }],
        params: [],
        outShape: [2, 3],
        out: null,
        outView: { offset: 3, strides: [10, 1] },
      },
      l,
      into,
      0,
    );
    expect([...into]).toEqual([6, 0x7fc00000, 0x7f800000, 0xff800000, 2, 3, 3, 10, 1, 2, 3, 0xffffffff]);
  });
});

describe('bucketSize', () => {
  test('small requests round up to 256 bytes', () => {
    expect(bucketSize(0)).toBe(256);
    expect(bucketSize(1)).toBe(256);
    expect(bucketSize(256)).toBe(256);
  });

  test('powers of two up to 1 MiB', () => {
    expect(bucketSize(257)).toBe(512);
    expect(bucketSize(1000)).toBe(1024);
    expect(bucketSize(4096)).toBe(4096);
    expect(bucketSize(2 ** 20)).toBe(2 ** 20);
  });

  test('past 1 MiB, steps of 1/16 of the next power of two (waste under 12.5%)', () => {
    expect(bucketSize(2 ** 20 + 1)).toBe(9 * 2 ** 17);
    expect(bucketSize(3 * 2 ** 20)).toBe(3 * 2 ** 20);
    expect(bucketSize(3 * 2 ** 20 + 1)).toBe(3 * 2 ** 20 + 2 ** 18);
    for (let bytes = 2 ** 20 + 1; bytes < 2 ** 31; bytes = Math.floor(bytes * 1.37) + 3) {
      const b = bucketSize(bytes);
      expect(b).toBeGreaterThanOrEqual(bytes);
      expect((b - bytes) / bytes).toBeLessThan(0.125);
      expect(bucketSize(b)).toBe(b); // a bucket size is its own bucket
    }
  });
});

describe('broadcastShapes', () => {
  test('NumPy rules', () => {
    expect(broadcastShapes('add', [[2, 3], [3]])).toEqual([2, 3]);
    expect(broadcastShapes('add', [[2, 1], [1, 3]])).toEqual([2, 3]);
    expect(broadcastShapes('add', [[], [2, 3]])).toEqual([2, 3]);
    expect(broadcastShapes('add', [[], []])).toEqual([]);
    expect(broadcastShapes('add', [])).toEqual([]);
    expect(broadcastShapes('where', [[4, 1, 1], [1, 5, 1], [6]])).toEqual([4, 5, 6]);
    expect(broadcastShapes('add', [[0, 3], [1, 3]])).toEqual([0, 3]);
    expect(broadcastShapes('add', [[0], [1]])).toEqual([0]);
  });

  test('incompatible shapes: a ShapeError naming the op, the shapes and the dimension', () => {
    let err: unknown;
    try {
      broadcastShapes('add', [[2, 3], [4]]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShapeError);
    const e = err as ShapeError;
    expect(e.message).toContain('add: shapes [2,3] and [4] cannot be broadcast together (dimension 1 of the result: 3 vs 4)');
    expect(e.op).toBe('add');
    expect(e.shapes).toEqual([[2, 3], [4]]);
    // Size 0 only broadcasts with 1, as in NumPy.
    expect(() => broadcastShapes('mul', [[0], [3]])).toThrow(ShapeError);
  });

  // Regression (fixed): in Node, stack frames are plain paths (/work/…/engine/core/errors.ts) but the engine root is a
  // file:// URL, so no frame is recognised as the engine's and `location` points at engine/core/errors.ts.
  test('in Node, the error location is the caller, not the engine', () => {
    let err: ShapeError | undefined;
    try {
      broadcastShapes('add', [[2, 3], [4]]);
    } catch (e) {
      err = e as ShapeError;
    }
    expect(err?.location?.file).toMatch(/codegen\.test\.ts$/);
  });
});

describe('promoteTypes and weakScalarType', () => {
  test('promoteTypes table', () => {
    const table = Object.fromEntries(DTYPES.map((a) => [a, Object.fromEntries(DTYPES.map((b) => [b, promoteTypes(a, b) ?? null]))]));
    expect(table).toEqual({
      float32: { float32: 'float32', int32: 'float32', uint32: 'float32', bool: null },
      int32: { float32: 'float32', int32: 'int32', uint32: null, bool: null },
      uint32: { float32: 'float32', int32: null, uint32: 'uint32', bool: null },
      bool: { float32: null, int32: null, uint32: null, bool: 'bool' },
    });
  });

  test('weakScalarType: numbers adopt the tensor dtype when they fit', () => {
    expect(weakScalarType(2.5, 'float32')).toBe('float32');
    expect(weakScalarType(1e40, 'float32')).toBe('float32');
    expect(weakScalarType(3, 'int32')).toBe('int32');
    expect(weakScalarType(-2147483648, 'int32')).toBe('int32');
    expect(weakScalarType(2147483647, 'int32')).toBe('int32');
    expect(weakScalarType(0, 'uint32')).toBe('uint32');
    expect(weakScalarType(4294967295, 'uint32')).toBe('uint32');
    expect(weakScalarType(1, 'bool')).toBe('bool');
  });

  test('weakScalarType: fractions promote to float32, out-of-range integers are errors', () => {
    expect(weakScalarType(2.5, 'int32')).toBe('float32');
    expect(weakScalarType(0.5, 'uint32')).toBe('float32');
    expect(weakScalarType(NaN, 'int32')).toBe('float32');
    expect(weakScalarType(Infinity, 'uint32')).toBe('float32');
    expect(weakScalarType(2147483648, 'int32')).toBe('error');
    expect(weakScalarType(-2147483649, 'int32')).toBe('error');
    expect(weakScalarType(-1, 'uint32')).toBe('error');
    expect(weakScalarType(4294967296, 'uint32')).toBe('error');
  });
});

describe('userFrame', () => {
  // The engine recognises its own frames by the URL of engine/ (here, in Node, a file:// URL).
  const ENGINE = new URL('../../engine/', import.meta.url).href;

  test('Chrome-style stack: skips engine and node_modules frames', () => {
    const stack = [
      'ShapeError: add: shapes [2,3] and [4] cannot be broadcast together',
      `    at callerLocation (${ENGINE}core/errors.ts?t=1700000000000:87:20)`,
      `    at new WgError (${ENGINE}core/errors.ts:23:40)`,
      `    at broadcastShapes (${ENGINE}core/shape.ts:82:15)`,
      `    at Module.add (${ENGINE}api/ops.ts:13:54)`,
      '    at http://localhost:63315/tests/browser/bad_input.test.ts?import&browserv=1:42:13',
      '    at runTest (http://localhost:63315/node_modules/@vitest/runner/dist/index.js:1:2)',
    ].join('\n');
    expect(userFrame(stack)).toEqual({ file: 'tests/browser/bad_input.test.ts', line: 42, column: 13 });
  });

  test('Chrome-style stack with a named user function', () => {
    const stack = [
      'Error',
      `    at fill (${ENGINE}api/creation.ts:116:10)`,
      '    at wrapped (http://localhost:5173/node_modules/.vite/deps/chunk-ABC.js?v=1:10:3)',
      '    at buildModel (http://localhost:5173/src/model.ts:7:21)',
    ].join('\n');
    expect(userFrame(stack)).toEqual({ file: 'src/model.ts', line: 7, column: 21 });
  });

  test('Firefox-style stack', () => {
    const stack = [
      `callerLocation@${ENGINE}core/errors.ts:87:20`,
      `WgError@${ENGINE}core/errors.ts:23:40`,
      `broadcastShapes@${ENGINE}core/shape.ts:82:15`,
      '@http://localhost:5173/src/main.ts?v=3f2a:12:5',
      'runTest@http://localhost:5173/node_modules/.vite/deps/vitest.js:1:1',
      '',
    ].join('\n');
    expect(userFrame(stack)).toEqual({ file: 'src/main.ts', line: 12, column: 5 });
  });

  test('no stack, or only engine and runtime frames: undefined', () => {
    expect(userFrame(undefined)).toBeUndefined();
    expect(userFrame('')).toBeUndefined();
    expect(userFrame(`Error\n    at f (${ENGINE}core/errors.ts:1:1)\n    at node:internal/process/task_queues:95:5`)).toBeUndefined();
  });

  // Regression (fixed): V8 prints frames of anonymous async functions as `at async <url>:line:col` (no parentheses);
  // FRAME_RE then captures "async http://…" as the file name.
  test('Chrome-style anonymous async frame', () => {
    const stack = [
      'Error',
      `    at broadcastShapes (${ENGINE}core/shape.ts:82:15)`,
      '    at async http://localhost:5173/src/main.ts:30:7',
    ].join('\n');
    expect(userFrame(stack)).toEqual({ file: 'src/main.ts', line: 30, column: 7 });
  });
});
