// matMul variants on WebGPU against the CPU backend: every variant the selection point can pick
// (scalar, vec4 B, vec4 A and B), aligned and unaligned shapes, batches and transposes.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { gpuBackend, onDevice } from '../helpers/devices';

async function product(device: 'webgpu' | 'cpu', m: number, k: number, n: number, opts: { batch?: number[]; tA?: boolean; tB?: boolean; dtype?: wg.DType } = {}) {
  return onDevice(device, () =>
    wg.scope(async () => {
      const dtype = opts.dtype ?? 'float32';
      const aShape = [...(opts.batch ?? []), ...(opts.tA ? [k, m] : [m, k])];
      const bShape = [...(opts.batch ?? []), ...(opts.tB ? [n, k] : [k, n])];
      const a = wg.randomUniform(aShape, -4, 4, dtype, 11);
      const b = wg.randomUniform(bShape, -4, 4, dtype, 12);
      const c = wg.matMul(a, b, opts.tA, opts.tB);
      return { shape: c.shape, data: Array.from(await c.data()) };
    }),
  );
}

describe('matMul variants', () => {
  const cases: [string, number, number, number, Parameters<typeof product>[4]][] = [
    ['aligned 16x32x24 (vec4ab)', 16, 32, 24, {}],
    ['B aligned, K odd 9x7x12 (vec4b)', 9, 7, 12, {}],
    ['unaligned 13x9x7 (reg)', 13, 9, 7, {}],
    ['aligned batched [3] 8x12x16', 8, 12, 16, { batch: [3] }],
    ['transposeA aligned', 12, 8, 16, { tA: true }],
    ['transposeB aligned', 12, 8, 16, { tB: true }],
    ['int32 aligned', 8, 8, 8, { dtype: 'int32' }],
    ['one row 1x64x4', 1, 64, 4, {}],
    // Whole tiles (M a multiple of 32, N of 64 on SwiftShader): the exact variant, no clamps or guards.
    ['whole tiles 64x20x128', 64, 20, 128, {}],
    ['whole tiles batched [2] 32x8x64, epilogue-free', 32, 8, 64, { batch: [2] }],
    ['whole tiles transposeB 32x12x64', 32, 12, 64, { tB: true }],
  ];
  test.each(cases)('%s', async (_name, m, k, n, opts) => {
    const g = await product('webgpu', m, k, n, opts);
    const c = await product('cpu', m, k, n, opts);
    expect(g.shape).toEqual(c.shape);
    g.data.forEach((v, i) => expect(Math.abs(v - c.data[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(c.data[i]))));
  });

  test('whole tiles pick the exact variant on SwiftShader (and only then)', async () => {
    const gpu = gpuBackend();
    await product('webgpu', 64, 20, 128);
    const cpuLike = gpu.acquired.adapterInfo.isFallbackAdapter || gpu.acquired.adapterInfo.architecture === 'swiftshader';
    expect(gpu.lastMatmulVariant?.exact === true).toBe(cpuLike);
    await product('webgpu', 48, 20, 128);
    expect(gpu.lastMatmulVariant?.exact ?? false).toBe(false);
  });

  test('the selection point picks vec4ab for aligned float32 and reg for unaligned', async () => {
    await product('webgpu', 16, 32, 24);
    expect(gpuBackend().lastMatmulVariant?.name).toBe('vec4ab');
    await product('webgpu', 13, 9, 7);
    expect(gpuBackend().lastMatmulVariant?.name).toBe('reg');
  });
});
