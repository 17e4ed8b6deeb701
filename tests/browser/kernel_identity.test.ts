// Kernel identity and what is shown: kernels keyed by their IR (a baked literal makes a second kernel, not a
// reused wrong one), and explain() / g.kernels() showing exactly the WGSL, workgroup size and grid that run,
// checked against wg.record's WGSL by kernelId for the same run (vec4 elementwise, two-pass reduce, matmul).
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { runExpr } from '../../engine/eager/dispatch_kernels';
import { lit, prim } from '../../engine/ir/expr';
import type { PlanKernel } from '../../engine/graph/explain';
import { gpuBackend, onDevice } from '../helpers/devices';

describe('kernels are keyed by their IR', () => {
  /** A composite op that bakes a per-call literal into its expression (callers pass no key: the IR is the key). */
  const scaled = (x: wg.Tensor, c: number) => runExpr('scaleByLiteral', [x], 'float32', ([v]) => prim('mul', v, lit(c, 'float32')));

  test('two composite ops differing only in a baked literal get two kernels and the right values', async () => {
    const { result, record } = await wg.record(async () =>
      wg.scope(async () => {
        const x = wg.tensor([1, 2, 3, 4]);
        return [await scaled(x, 2).data(), await scaled(x, 3).data(), await scaled(x, 2).data()];
      }),
    );
    expect(Array.from(result[0])).toEqual([2, 4, 6, 8]);
    expect(Array.from(result[1])).toEqual([3, 6, 9, 12]);
    expect(Array.from(result[2])).toEqual([2, 4, 6, 8]);
    const ks = record.profile.kernels.filter((k) => k.name === 'scaleByLiteral');
    expect(ks).toHaveLength(3);
    expect(ks[0].kernelId).not.toBe(ks[1].kernelId);
    // The same literal again is the same kernel (the pipeline is reused, not compiled again).
    expect(ks[2].kernelId).toBe(ks[0].kernelId);
    expect(ks[2].cacheHit).toBe(true);
    expect(wg.memory().tensors).toBe(0);
  });

  test('the same on the CPU device (its generated code is keyed by source)', async () => {
    await onDevice('cpu', async () => {
      await wg.scope(async () => {
        const x = wg.tensor([1, 2, 3, 4]);
        expect(Array.from(await scaled(x, 5).data())).toEqual([5, 10, 15, 20]);
        expect(Array.from(await scaled(x, -1).data())).toEqual([-1, -2, -3, -4]);
      });
    });
  });
});

/** `@workgroup_size(a, b, c)` of a shader, read from its text (missing dims are 1). */
function workgroupSizeIn(wgsl: string): number[] {
  const m = /@workgroup_size\(([^)]*)\)/.exec(wgsl);
  expect(m, 'the shader declares its workgroup size').not.toBeNull();
  const dims = m![1].split(',').map((s) => Number(s.trim()));
  return [dims[0], dims[1] ?? 1, dims[2] ?? 1];
}

const R = 20_000; // past the reduction chunk size: two passes, two dispatches for one kernel
const M = 16;
const K = 32;
const N = 24;

function buildGraph() {
  const g = new wg.Graph();
  const out = g.build(() => {
    const x = g.placeholder('float32', [1024], 'x');
    const r = g.placeholder('float32', [2, R], 'r');
    const a = g.placeholder('float32', [M, K], 'a');
    const b = g.placeholder('float32', [K, N], 'b');
    return { e: wg.exp(x.mul(0.5).add(0.25)), s: wg.sum(r, 1), m: wg.matMul(a, b) };
  });
  return { g, out };
}

function feeds() {
  const x = Array.from({ length: 1024 }, (_, i) => (i % 17) / 8 - 1);
  const r = Array.from({ length: 2 * R }, (_, i) => (i < R ? 1 : (i % 5) - 2));
  const a = Array.from({ length: M * K }, (_, i) => ((i * 7) % 11) / 4 - 1);
  const b = Array.from({ length: K * N }, (_, i) => ((i * 3) % 13) / 6 - 1);
  return { x, r: [r.slice(0, R), r.slice(R)], a, b };
}

describe('explain() and g.kernels() show what runs', () => {
  test('every WebGPU kernel shows the WGSL, workgroup size and grid of the dispatches a recorded run made', async () => {
    const { g, out } = buildGraph();
    const f = feeds();
    const sess = new wg.Session(g);
    const run = () => sess.run(out, { x: f.x, r: f.r, a: chunk(f.a, K), b: chunk(f.b, N) });
    await run(); // compiles (and would fold constants) outside the record
    const { result, record } = await wg.record(run);
    const info = sess.explain();
    sess.close();

    // The values, against plain JavaScript arithmetic.
    const values = result as { e: number[]; s: number[]; m: number[][] };
    values.e.forEach((v, i) => expect(v).toBeCloseTo(Math.exp(f.x[i] * 0.5 + 0.25), 4));
    expect(values.s[0]).toBeCloseTo(R, 1);
    expect(values.s[1]).toBeCloseTo(f.r[1].reduce((p, v) => p + v, 0), 1);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc += f.a[i * K + k] * f.b[k * N + j];
        expect(values.m[i][j]).toBeCloseTo(acc, 3);
      }
    }

    const gpuKernels = info.kernels.filter((k) => k.device === 'webgpu' && k.kind !== 'transfer');
    expect(gpuKernels.map((k) => k.kind).sort()).toEqual(['elementwise', 'matmul', 'reduce']);
    const shown = gpuKernels.flatMap((k) => k.dispatches!);
    const ran = record.profile.kernels.filter((k) => k.kind !== 'transfer');
    // Dispatch for dispatch, in run order: the same shader (by id and by text).
    expect(shown.map((d) => d.kernelId)).toEqual(ran.map((k) => k.kernelId));
    for (const d of shown) expect(d.wgsl).toBe(record.wgsl[d.kernelId]);
    for (const k of gpuKernels) expect(k.wgsl).toBe(k.dispatches!.map((d) => d.wgsl).join('\n'));
    // Geometry: the workgroup size the shader declares, and a grid that covers the work.
    for (const d of shown) {
      expect(d.workgroupSize).toEqual(workgroupSizeIn(d.wgsl));
      expect(d.grid.every((n) => Number.isInteger(n) && n >= 1)).toBe(true);
    }

    const byKind = (kind: string) => gpuKernels.find((k) => k.kind === kind)! as PlanKernel & { dispatches: NonNullable<PlanKernel['dispatches']> };
    // The elementwise chain is fused and takes the vec4 path (1024 aligned elements), constants inlined.
    const ew = byKind('elementwise');
    expect(ew.dispatches).toHaveLength(1);
    if (gpuBackend().tuning.vec4) expect(ew.wgsl).toMatch(/vec4<f32>/);
    expect(ew.wgsl).toMatch(/0\.5/);
    expect(ew.wgsl).toMatch(/0\.25/);
    // The reduction runs in two passes: two dispatches, two different shaders.
    const red = byKind('reduce');
    expect(red.dispatches).toHaveLength(2);
    expect(red.dispatches[0].kernelId).not.toBe(red.dispatches[1].kernelId);
    // The matmul shows its selected variant (named in its header comment).
    expect(byKind('matmul').wgsl).toMatch(/\(matmul (reg|vec4b|vec4ab),/);
  });

  test('g.kernels() (compiled, not run) shows the same shaders as the session that ran', async () => {
    const { g, out } = buildGraph();
    const f = feeds();
    const planned = g.kernels(out, { x: [1024], r: [2, R], a: [M, K], b: [K, N] });
    const sess = new wg.Session(g);
    const { record } = await wg.record(() => sess.run(out, { x: f.x, r: f.r, a: chunk(f.a, K), b: chunk(f.b, N) }));
    sess.close();
    const shown = planned.kernels.flatMap((k) => k.dispatches ?? []);
    const ran = record.profile.kernels.filter((k) => k.kind !== 'transfer');
    expect(shown.map((x) => x.kernelId)).toEqual(ran.map((k) => k.kernelId));
    for (const x of shown) expect(x.wgsl).toBe(record.wgsl[x.kernelId]);
  });
});

function chunk(xs: number[], n: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < xs.length; i += n) rows.push(xs.slice(i, i + n));
  return rows;
}
