// Each optimisation pass alone, before (all passes off) and after (only that pass on): printed plans
// snapshotted, with side-effect ops (print, assign) surviving every pass.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import type { Optimizations } from '../../engine/graph/mode';

const OFF: Optimizations = { prune: false, commonSubexpression: false, foldBatchNorm: false, constantFolding: false, fusion: false, arithmeticSimplification: false, memoryPlanning: false, inlineConstants: false, placement: false };

/** The plan of `g` for its outputs with the given passes, printed (no run needed). */
function planOf(g: wg.Graph, on: Optimizations, feeds: Record<string, number[]> = {}): string {
  return g.kernels(undefined, feeds, { optimizations: { ...OFF, ...on } }).toString();
}

function graphWithEffects(): wg.Graph {
  // x*1 - 0, exp twice (a duplicate), moments' unused variance, constants, a print and an assign.
  const g = new wg.Graph();
  g.build(() => {
    const x = g.placeholder('float32', [4], 'x');
    const v = wg.variable([0, 0, 0, 0], { name: 'v' });
    void wg.print('effect');
    const c = wg.add(wg.constant([1, 2, 3, 4]), wg.constant(1));
    const e1 = wg.exp(x.mul(1).sub(0));
    const e2 = wg.exp(x.mul(1).sub(0));
    const m = wg.moments(x).mean; // the variance kernels are computed by moments but nothing reads them
    const w = v.assignAdd(x);
    return { y: e1.add(e2).add(c).add(m), w };
  });
  return g;
}

describe('each pass on its own', () => {
  test('all passes off', () => {
    expect(planOf(graphWithEffects(), {}, { x: [4] })).toMatchInlineSnapshot(`
      "Plan: 15 kernels
        #0 webgpu elementwise add  [add]
        #1 webgpu elementwise mul  [mul]
        #2 webgpu elementwise sub  [sub]
        #3 webgpu elementwise exp  [exp]
        #4 webgpu elementwise mul  [mul_1]
        #5 webgpu elementwise sub  [sub_1]
        #6 webgpu elementwise exp  [exp_1]
        #7 webgpu reduce mean  [moments]
        #8 webgpu elementwise moments  [moments]
        #9 webgpu reduce mean  [moments]
        #10 webgpu elementwise add  [assignAdd]
        #11 webgpu elementwise assign  [assignAdd]
        #12 webgpu elementwise add  [add_1]
        #13 webgpu elementwise add  [add_2]
        #14 webgpu elementwise add  [add_3]
      Passes:"
    `);
  });
  test('prune', () => {
    expect(planOf(graphWithEffects(), { prune: true }, { x: [4] })).toMatchInlineSnapshot(`
      "Plan: 13 kernels
        #0 webgpu elementwise add  [add]
        #1 webgpu elementwise mul  [mul]
        #2 webgpu elementwise sub  [sub]
        #3 webgpu elementwise exp  [exp]
        #4 webgpu elementwise mul  [mul_1]
        #5 webgpu elementwise sub  [sub_1]
        #6 webgpu elementwise exp  [exp_1]
        #7 webgpu reduce mean  [moments]
        #8 webgpu elementwise add  [assignAdd]
        #9 webgpu elementwise assign  [assignAdd]
        #10 webgpu elementwise add  [add_1]
        #11 webgpu elementwise add  [add_2]
        #12 webgpu elementwise add  [add_3]
      Passes:
        prune: 2 launches nothing reads"
    `);
  });
  test('commonSubexpression', () => {
    expect(planOf(graphWithEffects(), { commonSubexpression: true }, { x: [4] })).toMatchInlineSnapshot(`
      "Plan: 12 kernels
        #0 webgpu elementwise add  [add]
        #1 webgpu elementwise mul  [mul]
        #2 webgpu elementwise sub  [sub]
        #3 webgpu elementwise exp  [exp]
        #4 webgpu reduce mean  [moments]
        #5 webgpu elementwise moments  [moments]
        #6 webgpu reduce mean  [moments]
        #7 webgpu elementwise add  [assignAdd]
        #8 webgpu elementwise assign  [assignAdd]
        #9 webgpu elementwise add  [add_1]
        #10 webgpu elementwise add  [add_2]
        #11 webgpu elementwise add  [add_3]
      Passes:
        commonSubexpression: 3 duplicate launches merged"
    `);
  });
  test('constantFolding', () => {
    expect(planOf(graphWithEffects(), { constantFolding: true }, { x: [4] })).toMatchInlineSnapshot(`
      "Plan: 14 kernels
        #0 webgpu elementwise mul  [mul]
        #1 webgpu elementwise sub  [sub]
        #2 webgpu elementwise exp  [exp]
        #3 webgpu elementwise mul  [mul_1]
        #4 webgpu elementwise sub  [sub_1]
        #5 webgpu elementwise exp  [exp_1]
        #6 webgpu reduce mean  [moments]
        #7 webgpu elementwise moments  [moments]
        #8 webgpu reduce mean  [moments]
        #9 webgpu elementwise add  [assignAdd]
        #10 webgpu elementwise assign  [assignAdd]
        #11 webgpu elementwise add  [add_1]
        #12 webgpu elementwise add  [add_2]
        #13 webgpu elementwise add  [add_3]
      Passes:
        constantFolding: 1 launches computed once at compile time"
    `);
  });
  test('fusion', () => {
    expect(planOf(graphWithEffects(), { fusion: true }, { x: [4] })).toMatchInlineSnapshot(`
      "Plan: 4 kernels
        #0 webgpu reduce mean  [moments]
        #1 webgpu reduce moments+mean  [moments, moments]
        #2 webgpu elementwise add+assign  [assignAdd, assignAdd]
        #3 webgpu elementwise add+mul+sub+exp+mul+sub+exp+add+add+add  [add, mul_1, sub_1, exp_1, mul, sub, exp, add_1, add_2, add_3]
      Passes:
        fusion: 11 kernels inlined into 3 fused kernels"
    `);
  });
  test('arithmeticSimplification (after fusion)', () => {
    expect(planOf(graphWithEffects(), { fusion: true, arithmeticSimplification: true }, { x: [4] })).toMatchInlineSnapshot(`
      "Plan: 4 kernels
        #0 webgpu reduce mean  [moments]
        #1 webgpu reduce moments+mean  [moments, moments]
        #2 webgpu elementwise add+assign  [assignAdd, assignAdd]
        #3 webgpu elementwise add+mul+sub+exp+mul+sub+exp+add+add+add  [add, mul_1, sub_1, exp_1, mul, sub, exp, add_1, add_2, add_3]
      Passes:
        fusion: 11 kernels inlined into 3 fused kernels
        arithmeticSimplification: 4 identities simplified"
    `);
  });
  test('memoryPlanning', () => {
    expect(planOf(graphWithEffects(), { memoryPlanning: true }, { x: [4] })).toMatchInlineSnapshot(`
      "Plan: 15 kernels
        #0 webgpu elementwise add  [add]
        #1 webgpu elementwise mul  [mul]
        #2 webgpu elementwise sub  [sub]
        #3 webgpu elementwise exp  [exp]
        #4 webgpu elementwise mul  [mul_1]
        #5 webgpu elementwise sub  [sub_1]
        #6 webgpu elementwise exp  [exp_1]
        #7 webgpu reduce mean  [moments]
        #8 webgpu elementwise moments  [moments]
        #9 webgpu reduce mean  [moments]
        #10 webgpu elementwise add  [assignAdd]
        #11 webgpu elementwise assign  [assignAdd]
        #12 webgpu elementwise add  [add_1]
        #13 webgpu elementwise add  [add_2]
        #14 webgpu elementwise add  [add_3]
      Passes:
        memoryPlanning: temporaries: 84 bytes instead of 200"
    `);
  });
  test('inlineConstants', async () => {
    // x * 1.5 + 0.25: the plan fixes both scalars, so its kernels read literals instead of uniform params.
    const g = new wg.Graph();
    const y = g.build(() => g.placeholder('float32', [8], 'x').mul(1.5).add(0.25));
    const off = g.kernels(y, { x: [8] }, { optimizations: OFF });
    const on = g.kernels(y, { x: [8] }, { optimizations: { ...OFF, inlineConstants: true } });
    expect(on.toString()).toMatchInlineSnapshot(`
      "Plan: 2 kernels
        #0 webgpu elementwise mul  [mul]
        #1 webgpu elementwise add  [add]
      Passes:
        inlineConstants: 2 scalar params inlined as literals in 2 kernels"
    `);
    expect(off.kernels.map((k) => k.wgsl).join('\n')).toContain('bitcast<f32>(u[');
    expect(on.kernels.map((k) => k.wgsl).join('\n')).not.toContain('bitcast<f32>(u[');
    expect(on.kernels.map((k) => k.wgsl).join('\n')).toMatch(/1\.5f[\s\S]*0\.25f|0\.25f[\s\S]*1\.5f/);
    // Same values with the pass on and off.
    const x = [-2, -1, 0, 0.5, 1, 3, NaN, Infinity];
    const want = x.map((v) => Math.fround(Math.fround(v * 1.5) + 0.25));
    for (const o of [OFF, { ...OFF, inlineConstants: true }, {}]) {
      const sess = new wg.Session(g, { optimizations: o });
      expect(await sess.run(y, { x })).toEqual(want);
      sess.close();
    }
  });
  test('every pass keeps the assign and the print', async () => {
    for (const pass of Object.keys(OFF) as (keyof Optimizations)[]) {
      const g = graphWithEffects();
      const plan = g.kernels(undefined, { x: [4] }, { optimizations: { ...OFF, [pass]: true } });
      expect(plan.kernels.some((k) => k.nodes.includes('assignAdd')), pass).toBe(true);
      const sess = new wg.Session(g, { optimizations: { ...OFF, [pass]: true } });
      const log = console.log;
      const lines: string[] = [];
      console.log = (...a: unknown[]) => void lines.push(a.join(' '));
      try {
        await sess.run('w', { x: [1, 2, 3, 4] });
        expect(await sess.run('w', { x: [1, 2, 3, 4] }), pass).toEqual([2, 4, 6, 8]);
      } finally {
        console.log = log;
        sess.close();
      }
      expect(lines.filter((l) => l === 'effect'), pass).toHaveLength(2);
    }
  });
});
