// WebGPU (eager) against the NumPy fixtures of reductions, matmul, movement and nn ops.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { OPS_CASES, checkOpsCase } from '../helpers/ops_cases';

describe('WebGPU vs NumPy fixtures (ops)', () => {
  test.each(OPS_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await wg.scope(async () => {
      expect(await checkOpsCase(wg, c)).toBeNull();
    });
  });
});
