// Kernel accounting on WebGPU: one kernel per user-level op, none for views, pipeline reuse across
// shapes and scalar values, and shader compile errors reported with line/column and the WGSL.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { ELEMENTWISE, ELEMENTWISE_OPS, type ElementwiseOp } from '../../engine/ops/elementwise';
import { gpuBackend } from '../helpers/devices';

const dispatchesOf = (fn: () => void) => {
  const before = gpuBackend().dispatches;
  wg.tidy(fn);
  return gpuBackend().dispatches - before;
};

describe('one kernel per eager op', () => {
  const call = (op: string, x: wg.Tensor, b: wg.Tensor) => {
    const f = (wg as unknown as Record<string, (...a: unknown[]) => wg.Tensor>)[op];
    if (op === 'where') return wg.where(wg.greater(x, 0), x, b);
    if (op === 'cast') return wg.cast(x, 'int32');
    if (op === 'clipByValue') return wg.clipByValue(x, -1, 1);
    if (op.startsWith('logical')) return op === 'logicalNot' ? wg.logicalNot(wg.greater(x, 0)) : f(wg.greater(x, 0), wg.less(b, 0));
    return ELEMENTWISE[op as ElementwiseOp].arity >= 2 ? f(x, b) : f(x);
  };
  test.each(ELEMENTWISE_OPS)('%s is one dispatch', (op) => {
    wg.tidy(() => {
      const x = wg.randomNormal([3, 4], 0, 1, 'float32', 1);
      const b = wg.randomNormal([4], 0, 1, 'float32', 2);
      const setup = op === 'where' || op === 'logicalNot' ? 1 : op.startsWith('logical') ? 2 : 0;
      expect(dispatchesOf(() => void call(op, x, b))).toBe(1 + setup);
    });
  });

  test('composite ops (gelu, softplus, sigmoid) are still one kernel each', () => {
    wg.tidy(() => {
      const x = wg.linspace(-3, 3, 7);
      expect(dispatchesOf(() => void wg.gelu(x))).toBe(1);
      expect(dispatchesOf(() => void wg.softplus(x))).toBe(1);
      expect(dispatchesOf(() => void wg.sigmoid(x))).toBe(1);
    });
  });

  test('views dispatch nothing; reshaping a transposed view copies once', () => {
    wg.tidy(() => {
      const x = wg.range(0, 24).reshape([2, 3, 4]);
      expect(dispatchesOf(() => void x.reshape([6, 4]))).toBe(0);
      expect(dispatchesOf(() => void x.transpose([2, 0, 1]))).toBe(0);
      expect(dispatchesOf(() => void x.transpose().reshape([-1]))).toBe(1);
    });
  });
});

describe('pipeline cache', () => {
  test('one pipeline serves many contiguous shapes and scalar values', async () => {
    await wg.scope(async () => {
      const cache = gpuBackend().pipelines;
      // Sizes that are not multiples of 4 (the scalar kernel), then multiples of 4 (the vec4 kernel).
      wg.add(wg.ones([5]), 1.5);
      wg.add(wg.ones([8]), 1.5);
      const compiled = cache.compiled;
      for (const n of [1, 7, 101, 1001]) wg.add(wg.ones([n, 2]), n * 0.25);
      for (const n of [2, 8, 100, 1000]) wg.add(wg.ones([n, 2]), n * 0.25);
      expect(cache.compiled).toBe(compiled);
      expect(await wg.add(wg.ones([3]), 2.5).data()).toEqual(new Float32Array([3.5, 3.5, 3.5]));
    });
  });

  test('a shader that fails to compile reports line, column and the WGSL', async () => {
    const cache = gpuBackend().pipelines;
    const code = '@compute @workgroup_size(1)\nfn main() {\n  let x: f32 = undefined_thing;\n}\n';
    cache.get({ code, bindings: { uniform: 0, inputs: [], output: 1 }, workgroupSize: [1, 1, 1], elementsPerThread: 1, uniformBytes: 16 }, 'broken');
    const err = await cache.settle().then(() => null, (e) => e);
    expect(err).toBeInstanceOf(wg.ShaderError);
    expect(err.message).toMatch(/kernel broken failed to compile/);
    expect(err.message).toMatch(/3:\d+ .*undefined_thing/);
    expect(err.message).toContain('--- WGSL ---');
    // The engine keeps working.
    const eight = wg.tidy(() => wg.add(wg.scalar(5), wg.scalar(3)));
    expect(await eight.numpy()).toBe(8);
    eight.dispose();
  });
});

describe('the seed program', () => {
  test('eager: wg.add(wg.constant(5), wg.constant(3)) gives 8', async () => {
    await wg.scope(async () => {
      const c = wg.add(wg.constant(5), wg.constant(3));
      expect(await c.numpy()).toBe(8);
      expect(c.device).toBe('webgpu');
    });
  });
});
