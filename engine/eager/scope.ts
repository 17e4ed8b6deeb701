// Tensor lifetime scopes: tidy (synchronous) and scope (async), both freeing what they do not return; and
// the async block stack they share with withMode, which detects blocks that interleave instead of nesting.
import { ScopeError } from '../core/errors';
import { Tensor } from '../core/tensor';

/**
 * The blocks of one kind that are open (wg.scope and tidy frames, withMode frames), innermost last.
 * Browsers have no AsyncContext, so one stack serves every async call chain and async blocks must nest:
 * a block started while another is awaiting belongs inside it. Two blocks whose awaits interleave (under
 * Promise.all, say) show up when one of them ends while a block started after it is still open.
 */
export class BlockStack<F> {
  private readonly open: F[] = [];

  get top(): F | undefined {
    return this.open[this.open.length - 1];
  }

  get depth(): number {
    return this.open.length;
  }

  /** The open blocks, outermost first. */
  get frames(): readonly F[] {
    return this.open;
  }

  push(f: F): void {
    this.open.push(f);
  }

  /** Closes `f`; `interleaved` when a block opened after it is still open. `below` is its enclosing block. */
  remove(f: F): { interleaved: boolean; below: F | undefined } {
    const at = this.open.lastIndexOf(f);
    if (at < 0) return { interleaved: false, below: this.top };
    const interleaved = at !== this.open.length - 1;
    this.open.splice(at, 1);
    return { interleaved, below: this.open[at - 1] };
  }

  /**
   * Runs async `fn` as block `f`. `close` cleans up once it settled (told whether it interleaved with
   * another block). Interleaving turns a success into a ScopeError saying how to nest the blocks; a failure
   * keeps its own error.
   */
  async run<T>(
    f: F,
    fn: () => Promise<T> | T,
    close: (end: { result: T | undefined; ok: boolean; interleaved: boolean; below: F | undefined }) => void,
    names: { op: string; block: string; harm: string },
  ): Promise<T> {
    this.push(f);
    let result: T | undefined;
    let ok = false;
    try {
      result = await fn();
      ok = true;
    } finally {
      const { interleaved, below } = this.remove(f);
      close({ result, ok, interleaved, below });
      // eslint-disable-next-line no-unsafe-finally
      if (ok && interleaved) throw interleavedError(names.op, names.block, names.harm);
    }
    return result as T;
  }
}

/** The one message for async blocks that interleave: what went wrong, and how to nest them. */
export function interleavedError(op: string, block: string, harm: string): ScopeError {
  return new ScopeError(
    `${op}: another ${block} started while this one was awaiting and is still running, so ${harm}; ` +
      `await one ${block} before starting the next (nest them) instead of running them concurrently, e.g. under Promise.all`,
    { op },
  );
}

interface Frame {
  kind: 'tidy' | 'scope';
  tensors: Tensor[];
}

const stack = new BlockStack<Frame>();

export function noteCreated(t: Tensor): void {
  stack.top?.tensors.push(t);
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
  const parent = stack.top;
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
    stack.remove(frame);
    close(frame, result);
  }
}

/**
 * Async-safe scope: tensors created while `fn` runs and not in its result are disposed when it settles.
 * Scopes must nest: two scopes running concurrently (e.g. under Promise.all) would attribute tensors to
 * the wrong scope, so a scope that does not end on top of the stack raises a ScopeError instead of
 * freeing tensors that may belong to the other scope (they are handed to the enclosing scope).
 */
export function scope<T>(fn: () => Promise<T> | T): Promise<T> {
  if (typeof fn !== 'function') return Promise.reject(new TypeError('scope: expected a function'));
  const frame: Frame = { kind: 'scope', tensors: [] };
  return stack.run(
    frame,
    fn,
    ({ result, interleaved, below }) => {
      if (!interleaved) return close(frame, result);
      // Hand the tensors to the enclosing scope, or else to the scope still running (it may own some).
      const heir = below ?? stack.top;
      if (heir) heir.tensors.push(...frame.tensors);
      else close(frame, result);
    },
    { op: 'scope', block: 'wg.scope', harm: 'tensors of both are mixed up' },
  );
}

/** Keeps a tensor alive past the end of the enclosing tidy/scope (TensorFlow.js's keep). */
export function keep<T extends Tensor>(t: T): T {
  for (const f of stack.frames) {
    const i = f.tensors.indexOf(t);
    if (i >= 0) f.tensors.splice(i, 1);
  }
  return t;
}

export const scopeDepth = () => stack.depth;
