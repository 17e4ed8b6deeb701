// Host-side seed handling for the counter-based generator: a seed becomes a 32-bit key per call.

function mix32(v: number): number {
  let h = v >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Key of an explicitly seeded call: any finite number, folded from its low and high 32-bit halves. */
export function seedKey(seed: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return mix32(mix32(lo) ^ (hi + 0x632be5ab));
}

let globalSeed = (Date.now() ^ (Math.random() * 4294967296)) >>> 0;
let counter = 0;

/** `wg.setSeed(s)`: unseeded random ops draw reproducible keys from here. */
export function setGlobalSeed(seed: number): void {
  globalSeed = seedKey(seed);
  counter = 0;
  eagerState.reset();
}

/** A fresh key for an unseeded call (each call advances the global generator state). */
export function nextKey(): number {
  return mix32(globalSeed ^ mix32(++counter));
}

/**
 * The call counters of stateful random ops (dropout): a seeded call's key is the seed's key mixed with how
 * many times that seed was drawn from this state before, so each call (or each run of a graph) gets a new
 * mask while the sequence stays reproducible. Eager calls share one state (reset by `wg.setSeed`); every
 * Session and wg.function holds its own, so a graph's runs draw the same sequence eager calls would.
 */
export class RandomState {
  private counts = new Map<number, number>();

  /** The key of the next call seeded `seed`; an unseeded call draws from the global generator. */
  next(seed: number | undefined): number {
    if (seed === undefined) return nextKey();
    const n = this.counts.get(seed) ?? 0;
    this.counts.set(seed, n + 1);
    return mix32(seedKey(seed) ^ mix32(n + 0x2545f491));
  }

  reset(): void {
    this.counts.clear();
  }
}

const eagerState = new RandomState();
let current: RandomState = eagerState;

/** The state eager calls draw from (withMode('graph') blocks draw from it too: they behave like eager code). */
export const eagerRandomState = (): RandomState => eagerState;

/** Runs `fn` with stateful random ops drawing from `state` (a Session replaying its graph eagerly). */
export function withRandomState<T>(state: RandomState, fn: () => T): T {
  const saved = current;
  current = state;
  try {
    return fn();
  } finally {
    current = saved;
  }
}

/** The key of a stateful random call made now, eagerly. */
export const statefulKey = (seed: number | undefined): number => current.next(seed);
