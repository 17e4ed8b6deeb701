// The bad-input suites' checks (tests/browser/bad_input_*.test.ts): a bad call throws synchronously the right
// WgError subclass naming the op and carrying the message parts, at the caller's line, and allocates nothing;
// a correct call afterwards still gives the right numbers.
import { expect } from 'vitest';
import * as wg from '../../engine/index';
import { expectLocation } from './locations';

export type ErrorClass = abstract new (...args: never[]) => wg.WgError;

/** The error a call throws synchronously (fails the test when it returns instead). */
export function attempt(call: () => unknown): unknown {
  let result: unknown;
  try {
    result = call();
  } catch (e) {
    return e;
  }
  if (result instanceof wg.Tensor) result.dispose();
  throw new Error(`the call did not throw (it returned ${result instanceof wg.Tensor ? result.toString() : typeof result})`);
}

/**
 * The checker of one test file (`file`, for the location check): `bad(marker, call, op, parts, cls)` runs a bad
 * call that must throw `cls` with `op`, the message parts, a location on the marker's line (make the marker in
 * the same statement as the call), and allocate nothing (wg.memory() unchanged).
 */
export function badCall(file: string) {
  return (marker: Error, call: () => unknown, op: string, parts: (string | RegExp)[], cls: ErrorClass = wg.ShapeError): wg.WgError => {
    const before = wg.memory();
    const err = attempt(call);
    expect(err).toBeInstanceOf(cls);
    const e = err as wg.WgError;
    expect(e.name).toBe(cls.name);
    for (const p of parts) {
      if (typeof p === 'string') expect(e.message).toContain(p);
      else expect(e.message).toMatch(p);
    }
    expect(e.op).toBe(op);
    expectLocation(e, marker, file);
    expect(wg.memory(), `the failed ${op} allocated something`).toEqual(before);
    return e;
  };
}

/** A correct call after the errors gives the right shape and numbers. */
export async function expectWorks(make: () => wg.Tensor, shape: number[], values: number[]): Promise<void> {
  await wg.scope(async () => {
    const t = make();
    expect([...t.shape]).toEqual(shape);
    expect(Array.from(await t.data())).toEqual(values);
  });
}

/** 0, 1, 2… laid out in `shape`. */
export const counting = (shape: number[]) => wg.tidy(() => wg.reshape(wg.range(0, shape.reduce((a, b) => a * b, 1)), shape));
