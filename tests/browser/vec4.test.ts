// vec4 elementwise kernels: used when the launch is 4-aligned, same numbers as the scalar form for every op.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { ELEMENTWISE_OPS, ELEMENTWISE } from '../../engine/ops/elementwise';
import { gpuBackend, onDevice } from '../helpers/devices';

async function run(op: string, vec4: boolean): Promise<number[]> {
  const b = gpuBackend();
  const before = b.tuning.vec4;
  b.tuning.vec4 = vec4;
  try {
    return await wg.scope(async () => {
      const x = wg.tensor([-2.5, -1, -0.25, 0, 0.5, 1.5, 3, NaN, -0, 7, 0.75, -3.5]);
      const y = wg.tensor([1.5, -2, 0.5, 2, -0.5, 3, 0.25, 1, 2, -1, 4, 0.5]);
      const f = (wg as unknown as Record<string, (...a: unknown[]) => wg.Tensor>)[op];
      let out: wg.Tensor;
      if (op === 'where') out = wg.where(wg.greater(x, 0), x, y);
      else if (op === 'cast') out = wg.cast(x, 'int32');
      else if (op === 'clipByValue') out = wg.clipByValue(x, -1, 1);
      else if (op.startsWith('logical')) out = op === 'logicalNot' ? wg.logicalNot(wg.greater(x, 0)) : f(wg.greater(x, 0), wg.less(y, 0));
      else out = ELEMENTWISE[op as keyof typeof ELEMENTWISE].arity >= 2 ? f(x, y) : f(x);
      return Array.from(await out.data());
    });
  } finally {
    b.tuning.vec4 = before;
  }
}

describe('vec4 elementwise kernels', () => {
  test('a 4-aligned contiguous op compiles the vec4 variant', async () => {
    await wg.scope(async () => {
      await wg.exp(wg.ones([8])).data();
    });
    const codes = [...(gpuBackend().pipelines as unknown as { cache: Map<string, unknown> }).cache.keys()];
    expect(codes.some((c) => c.includes('(elementwise vec4') && c.includes('exp('))).toBe(true);
  });

  test.each(ELEMENTWISE_OPS)('%s gives the same numbers with and without vec4', async (op) => {
    const scalar = await run(op, false);
    const vector = await run(op, true);
    expect(vector.map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual(scalar.map((v) => (Number.isNaN(v) ? 'NaN' : v)));
  });

  test('unaligned or strided launches use the scalar form and agree with the CPU', async () => {
    const gpu = await wg.scope(async () => Array.from(await wg.exp(wg.tensor([1, 2, 3, 4, 5, 6]).reshape([2, 3]).transpose()).data()));
    const cpu = await onDevice('cpu', () => wg.scope(async () => Array.from(await wg.exp(wg.tensor([1, 2, 3, 4, 5, 6]).reshape([2, 3]).transpose()).data())));
    gpu.forEach((v, i) => expect(Math.abs(v - cpu[i])).toBeLessThanOrEqual(1e-5 * Math.abs(cpu[i])));
  });
});
