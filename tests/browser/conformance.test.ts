// WebGPU (eager) against the committed NumPy fixtures: every case of every elementwise and creation op.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { CASES, compare, runCase, toleranceFor } from '../helpers/cases';

describe('WebGPU vs NumPy fixtures', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await wg.scope(async () => {
      const t = runCase(wg, c);
      expect(t.device).toBe('webgpu');
      const data = await t.data();
      const err = compare({ dtype: t.dtype, shape: t.shape, data }, c.expected, toleranceFor(c.op));
      expect(err).toBeNull();
    });
  });
});
