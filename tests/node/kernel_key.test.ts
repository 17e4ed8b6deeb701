// Kernel keys derived from the IR (kernelKey): every field of every kernel kind and every expression node
// changes the key, equal kernels built separately share it, and the eager runtime interns kernels by it.
import { describe, expect, test } from 'vitest';
import { type Expr, cast, coord, input, lit, load, param, prim } from '../../engine/ir/expr';
import { type ElementwiseKernel, type Kernel, type MatmulKernel, type ReduceKernel, type ScanKernel, kernelKey, printKernelKey } from '../../engine/ir/kernel';
import { internKernel } from '../../engine/eager/dispatch';

/** A small softplus-like expression with a literal `c` baked in (as composite ops do). */
const body = (c: number): Expr => prim('add', prim('log1p', prim('exp', prim('mul', input(0, 'float32'), lit(c, 'float32')))), param(0, 'float32'));

const elementwise = (over: Partial<ElementwiseKernel> = {}): ElementwiseKernel => ({
  kind: 'elementwise',
  name: 'softplusScaled',
  rank: 0,
  inputs: [{ dtype: 'float32', layout: 'contiguous' }],
  params: ['float32'],
  out: 'float32',
  outLayout: 'contiguous',
  expr: body(2),
  ...over,
});

const reduce = (over: Partial<ReduceKernel> = {}): ReduceKernel => ({
  kind: 'reduce',
  name: 'mean',
  op: 'sum',
  inputs: ['float32'],
  acc: 'float32',
  out: 'float32',
  prologue: input(0, 'float32'),
  epilogue: prim('mul', input(0, 'float32'), lit(0.25, 'float32')),
  params: [],
  ...over,
});

const matmul = (over: Partial<MatmulKernel> = {}): MatmulKernel => ({ kind: 'matmul', name: 'matMul', dtype: 'float32', ...over });
const scan = (over: Partial<ScanKernel> = {}): ScanKernel => ({ kind: 'scan', name: 'cumsum', op: 'sum', dtype: 'float32', exclusive: false, reverse: false, ...over });

describe('kernelKey', () => {
  test('equal kernels built separately share a key', () => {
    expect(kernelKey(elementwise())).toBe(kernelKey(elementwise()));
    expect(kernelKey(reduce())).toBe(kernelKey(reduce()));
    expect(kernelKey(matmul())).toBe(kernelKey(matmul({ epilogue: undefined })));
    expect(kernelKey(scan())).toBe(kernelKey(scan()));
  });

  test('a baked literal is part of the key (exactly: 0.1 + 0.2 is not 0.3, -0 is not 0)', () => {
    expect(kernelKey(elementwise({ expr: body(2) }))).not.toBe(kernelKey(elementwise({ expr: body(3) })));
    expect(kernelKey(elementwise({ expr: body(0.1 + 0.2) }))).not.toBe(kernelKey(elementwise({ expr: body(0.3) })));
    expect(kernelKey(elementwise({ expr: body(-0) }))).not.toBe(kernelKey(elementwise({ expr: body(0) })));
    expect(kernelKey(elementwise({ expr: body(NaN) }))).toBe(kernelKey(elementwise({ expr: body(NaN) })));
    const lit4 = reduce({ epilogue: prim('mul', input(0, 'float32'), lit(0.125, 'float32')) });
    expect(kernelKey(reduce())).not.toBe(kernelKey(lit4));
  });

  test('every field of every kind changes the key', () => {
    const variants: [Kernel, Kernel[]][] = [
      [
        elementwise(),
        [
          elementwise({ name: 'other' }),
          elementwise({ rank: 2 }),
          elementwise({ inputs: [{ dtype: 'float32', layout: 'strided' }] }),
          elementwise({ inputs: [{ dtype: 'int32', layout: 'contiguous' }] }),
          elementwise({ params: ['int32'] }),
          elementwise({ params: ['float32', 'float32'] }),
          elementwise({ out: 'int32' }),
          elementwise({ outLayout: 'strided' }),
          elementwise({ expr: prim('add', prim('log1p', prim('exp', prim('mul', input(0, 'float32'), lit(2, 'float32')))), param(1, 'float32')) }),
          elementwise({ expr: cast(body(2), 'int32') }),
          elementwise({ expr: prim('add', body(2), cast(coord(0), 'float32')) }),
          elementwise({ expr: load(0, 'float32', lit(1, 'int32')) }),
          elementwise({ expr: load(0, 'float32', lit(2, 'int32')) }),
        ],
      ],
      [
        reduce(),
        [
          reduce({ name: 'sum' }),
          reduce({ op: 'max' }),
          reduce({ inputs: ['int32'] }),
          reduce({ acc: 'int32' }),
          reduce({ out: 'int32' }),
          reduce({ prologue: prim('abs', input(0, 'float32')) }),
          reduce({ params: ['float32'] }),
        ],
      ],
      [
        matmul(),
        [
          matmul({ name: 'dot' }),
          matmul({ dtype: 'int32' }),
          matmul({ epilogue: prim('max', input(0, 'float32'), lit(0, 'float32')) }),
          matmul({ epilogue: prim('max', input(0, 'float32'), lit(0, 'float32')), extras: ['float32'] }),
          matmul({ epilogue: prim('max', input(0, 'float32'), lit(0, 'float32')), params: ['float32'] }),
        ],
      ],
      [scan(), [scan({ name: 'cumprod' }), scan({ op: 'prod' }), scan({ dtype: 'int32' }), scan({ exclusive: true }), scan({ reverse: true })]],
    ];
    const all = new Set<string>();
    for (const [base, others] of variants) {
      all.add(kernelKey(base));
      for (const o of others) {
        expect(kernelKey(o), `${o.kind}: ${JSON.stringify(o, (_k, v) => (typeof v === 'object' && v && 'prim' in v ? String(v) : v))}`).not.toBe(kernelKey(base));
        all.add(kernelKey(o));
      }
    }
    // …and no two of them collide.
    expect(all.size).toBe(variants.reduce((n, [, o]) => n + 1 + o.length, 0));
  });

  test('names cannot forge a key through separators', () => {
    expect(kernelKey(scan({ name: 'a|op=1:sum' }))).not.toBe(kernelKey(scan({ name: 'a' })));
  });

  test('shared subexpressions stay linear (a deep DAG is not expanded into a tree)', () => {
    let e: Expr = input(0, 'float32');
    for (let i = 0; i < 64; i++) e = prim('add', e, e); // 2^64 leaves as a tree
    expect(printKernelKey(elementwise({ expr: e })).length).toBeLessThan(10_000);
  });

  test('the memoised key and the printed key agree', () => {
    const k = elementwise({ expr: body(7) });
    expect(kernelKey(k)).toBe(printKernelKey(k));
    expect(kernelKey(k)).toBe(kernelKey(k));
  });
});

describe('eager kernel interning', () => {
  test('structurally equal kernels intern to one object; a different literal to another', () => {
    const a = internKernel(elementwise({ name: 'internTest', expr: body(5) }));
    const b = internKernel(elementwise({ name: 'internTest', expr: body(5) }));
    const c = internKernel(elementwise({ name: 'internTest', expr: body(6) }));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(c.expr.toString()).toContain('= 6');
  });
});
