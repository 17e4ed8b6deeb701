// Tensor lifetime scopes: tidy (synchronous) and scope (async), both freeing what they do not return.
import { ScopeError } from '../core/errors';
import { Tensor } from '../core/tensor';

interface Frame {
  kind: 'tidy' | 'scope';
  tensors: Tensor[];
}

const stack: Frame[] = [];

export function noteCreated(t: Tensor): void {
  stack[stack.length - 1]?.tensors.push(t);
}

export function noteDisposed(_t: Tensor): void {
  // Frames keep disposed tensors until they end; dispose() is idempotent, so nothing to do here.
}

/** Every tensor reachable from a returned value (arrays, plain objects, Maps, Sets). */
function collect(value: unknown, into: Set<Tensor>, seen = new Set<unknown>()): void {
  if (value instanceof Tensor) {
    into.add(value);
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value) || value instanceof Set) for (const v of value) collect(v, into, seen);
  else if (value instanceof Map) for (const v of value.values()) collect(v, into, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, into, seen);
}

function close(frame: Frame, result: unknown): void {
  const keep = new Set<Tensor>();
  collect(result, keep);
  const parent = stack[stack.length - 1];
  for (const t of frame.tensors) {
    if (keep.has(t)) parent?.tensors.push(t);
    else t.dispose();
  }
}

/**
 * Runs `fn` and disposes every tensor it created except those it returns (TensorFlow.js's tidy).
 * Synchronous only: an async function would return before its tensors exist; use `wg.scope` for that.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('tidy: expected a function');
  const frame: Frame = { kind: 'tidy', tensors: [] };
  stack.push(frame);
  let result: T | undefined;
  try {
    result = fn();
    if (result instanceof Promise) {
      throw new ScopeError('tidy: the function returned a Promise; tidy is synchronous, use `await wg.scope(async () => …)`', {
        op: 'tidy',
      });
    }
    return result;
  } finally {
    stack.splice(stack.lastIndexOf(frame), 1);
    close(frame, result);
  }
}

/**
 * Async-safe scope: tensors created while `fn` runs and not in its result are disposed when it settles.
 * Scopes must nest: two scopes running concurrently (e.g. under Promise.all) would attribute tensors to
 * the wrong scope, so a scope that does not end on top of the stack raises a ScopeError instead of
 * freeing tensors that may belong to the other scope (they are handed to the enclosing scope).
 */
export async function scope<T>(fn: () => Promise<T> | T): Promise<T> {
  if (typeof fn !== 'function') throw new TypeError('scope: expected a function');
  const frame: Frame = { kind: 'scope', tensors: [] };
  stack.push(frame);
  let result: T | undefined;
  let ok = false;
  try {
    result = await fn();
    ok = true;
  } finally {
    const at = stack.lastIndexOf(frame);
    const onTop = at === stack.length - 1;
    stack.splice(at, 1);
    if (!onTop) {
      // Hand the tensors to the enclosing scope, or else to the scope still running (it may own some).
      const heir = stack[at - 1] ?? stack[stack.length - 1];
      if (heir) heir.tensors.push(...frame.tensors);
      else close(frame, result);
      // Only replace a successful result with the interleaving error; keep the user's own error otherwise.
      if (ok) {
        // eslint-disable-next-line no-unsafe-finally
        throw new ScopeError(
          'scope: another wg.scope started while this one was awaiting and is still running, so tensors of ' +
            'both are mixed up; await scopes one at a time (nest them) instead of running them concurrently',
          { op: 'scope' },
        );
      }
    } else close(frame, result);
  }
  return result as T;
}

/** Keeps a tensor alive past the end of the enclosing tidy/scope (TensorFlow.js's keep). */
export function keep<T extends Tensor>(t: T): T {
  for (const f of stack) {
    const i = f.tensors.indexOf(t);
    if (i >= 0) f.tensors.splice(i, 1);
  }
  return t;
}

export const scopeDepth = () => stack.length;
