// Symbol.dispose: polyfilled only where the platform lacks it, never replacing a native symbol.
import { describe, expect, test } from 'vitest';
import { Tensor, polyfillDispose } from '../../engine/core/tensor';

describe('Symbol.dispose polyfill', () => {
  test('a platform without Symbol.dispose gets the registered symbol, read-only like a well-known symbol', () => {
    const host: { dispose?: symbol } = {};
    const s = polyfillDispose(host);
    expect(s).toBe(Symbol.for('Symbol.dispose'));
    expect(Object.getOwnPropertyDescriptor(host, 'dispose')).toEqual({ value: s, writable: false, enumerable: false, configurable: false });
    expect(polyfillDispose(host)).toBe(s); // idempotent
  });

  test('an existing symbol is kept, even a writable one', () => {
    const own = Symbol('platform dispose');
    const host: { dispose?: symbol } = { dispose: own };
    expect(polyfillDispose(host)).toBe(own);
    expect(host.dispose).toBe(own);
  });

  test("this platform's native Symbol.dispose survived importing the engine, and Tensor uses it", () => {
    // Node and Chromium both have a native Symbol.dispose: it is not the registry's symbol.
    expect(typeof Symbol.dispose).toBe('symbol');
    expect(Symbol.dispose).not.toBe(Symbol.for('Symbol.dispose'));
    expect(typeof (Tensor.prototype as unknown as Record<symbol, unknown>)[Symbol.dispose]).toBe('function');
  });
});
