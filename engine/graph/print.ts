// wg.print: an op with a side effect. Eagerly it reads its tensors and prints when they are ready; in a
// graph it prints when the graph runs. Prints keep their program order among themselves (one queue).
import type { DType } from '../core/dtype';
import { formatTensor } from '../core/format';
import { Tensor } from '../core/tensor';

let queue: Promise<void> = Promise.resolve();

function plain(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  } catch {
    return String(v);
  }
}

/** Queues a line made of parts that may still be pending; returns when it has been printed. */
export function enqueuePrint(parts: Promise<string>[]): Promise<void> {
  const p = queue.then(() => Promise.all(parts)).then((strs) => console.log(strs.join(' ')));
  queue = p.catch(() => undefined);
  return p;
}

/** Resolves once every print issued so far has printed (a runner waits for it before reporting a run done). */
export function flushPrints(): Promise<void> {
  return queue;
}

export function formatRead(values: ArrayLike<number>, shape: readonly number[], dtype: DType): string {
  return formatTensor(dtype === 'bool' ? Array.from(values, (v) => (v ? 1 : 0)) : values, shape, dtype);
}

/** The eager implementation: reads start now (in program order), the line prints when all are ready. */
export function printEager(...values: unknown[]): Promise<void> {
  const parts = values.map((v) =>
    v instanceof Tensor ? v.data().then((d) => formatRead(d, v.shape, v.dtype)) : Promise.resolve(plain(v)),
  );
  return enqueuePrint(parts);
}

export { plain as formatPlain };
