// Splits a reduction into two passes (chunk partials, then partials → result) for long reduced axes.
import { input } from './expr';
import type { ReduceKernel } from './kernel';

const cache = new WeakMap<ReduceKernel, [ReduceKernel, ReduceKernel]>();

/** [first, second]: first keeps the prologue and writes raw partials; second combines them and applies the epilogue. */
export function splitReduce(k: ReduceKernel): [ReduceKernel, ReduceKernel] {
  let pair = cache.get(k);
  if (!pair) {
    const identity = input(0, k.acc);
    pair = [
      { ...k, name: `${k.name}.partial`, out: k.acc, epilogue: identity },
      { ...k, name: `${k.name}.final`, inputs: [k.acc], prologue: identity },
    ];
    cache.set(k, pair);
  }
  return pair;
}
