// Small assertions shared by the device tests: values as plain numbers, closeness, and the error a call raises.
import { expect } from 'vitest';
import type * as wg from '../../engine/index';

/** Values of a tensor as a plain array (numbers; bools as 0/1). */
export const values = async (t: wg.Tensor): Promise<number[]> => Array.from(await t.data(), Number);

/** |a - e| ≤ tol·(1 + |e|) element by element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) throw new Error(`element ${i}: ${a} vs expected ${e} (all: ${Array.from(actual)})`);
  }
}

/** The error a (sync or async) call raises. */
export async function errorOf(fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, but the call succeeded');
}
