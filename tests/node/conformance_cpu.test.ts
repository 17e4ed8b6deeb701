// The CPU backend against the committed NumPy fixtures (in Node: WebGPU is absent, so the engine uses the CPU).
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { CASES, compare, runCase, toleranceFor } from '../helpers/cases';

describe('CPU backend vs NumPy fixtures', () => {
  test('runs on the CPU backend', () => {
    expect(wg.backendInfo().backend).toBe('cpu');
  });
  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await wg.scope(async () => {
      const t = runCase(wg, c);
      const data = await t.data();
      const err = compare({ dtype: t.dtype, shape: t.shape, data }, c.expected, toleranceFor(c.op));
      expect(err).toBeNull();
    });
    expect(wg.memory().tensors).toBe(0);
  });
});
