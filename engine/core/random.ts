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
}

/** A fresh key for an unseeded call (each call advances the global generator state). */
export function nextKey(): number {
  return mix32(globalSeed ^ mix32(++counter));
}
