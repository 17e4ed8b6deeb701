"""dropout fixtures: the masks a seed gives, call after call, computed from the generator's definition.

dropout is random, so its oracle is the generator itself, written out here in NumPy from its definition
(docs/ops.md, "Random numbers"), sharing no code with the engine:
  - host keys (engine/core/random.ts): seedKey(seed), the global generator of wg.setSeed, and the
    per-seed call counter of stateful ops (key of the n-th call seeded s: mix(seedKey(s) ^ mix(n + C)));
  - kernel bits (the wg_randbits WGSL helper): randbits(counter, key), 24 of them make u01 in [0, 1);
  - dropout keeps element i when u01(randbits(i_noise, key)) >= rate, where i_noise is the element's linear
    index in the noise shape, and scales kept values by 1 / (1 - rate) in float32.

Each case is a sequence: after wg.setSeed(globalSeed), the body (its `calls`, in order) runs `runs` times;
`expected` lists every call's output in that order. Eager calls, a Session's runs, a wg.function's calls and
withMode('graph') blocks must all give this sequence (tests/browser/dropout.test.ts).

Run: python3 scripts/fixtures_nn/dropout.py
"""

import numpy as np

from common import Fixtures, enc_tensor

M = 0xFFFFFFFF
F32 = np.float32


def host_mix(v):
    h = v & M
    h = ((h ^ (h >> 16)) * 0x7FEB352D) & M
    h = ((h ^ (h >> 15)) * 0x846CA68B) & M
    return (h ^ (h >> 16)) & M


def seed_key(seed):
    lo = int(seed) & M
    hi = (int(seed) // 4294967296) & M
    return host_mix(host_mix(lo) ^ ((hi + 0x632BE5AB) & M))


class Host:
    """wg.setSeed's global generator and eager's per-seed call counters, freshly reset."""

    def __init__(self, global_seed):
        self.global_key = seed_key(global_seed)
        self.counter = 0
        self.counts = {}

    def key(self, seed):
        if seed is None:
            self.counter += 1
            return host_mix(self.global_key ^ host_mix(self.counter))
        n = self.counts.get(seed, 0)
        self.counts[seed] = n + 1
        return host_mix(seed_key(seed) ^ host_mix(n + 0x2545F491))


def kernel_mix(h):
    h = np.asarray(h, dtype=np.uint64) & M
    h = ((h ^ (h >> np.uint64(16))) * np.uint64(0x21F0AAAD)) & M
    h = ((h ^ (h >> np.uint64(15))) * np.uint64(0x735A2D97)) & M
    return (h ^ (h >> np.uint64(15))) & M


def randbits(counter, key):
    k = np.uint64(key)
    return (kernel_mix(kernel_mix(counter ^ k) + (k * np.uint64(0x9E3779B9)) & M)) & M


def dropout(x, rate, noise_shape, key):
    shape = x.shape
    if noise_shape is None:
        noise = list(shape)
    else:
        lead = len(shape) - len(noise_shape)
        noise = [1] * lead + [shape[lead + i] if d is None else d for i, d in enumerate(noise_shape)]
    counters = np.arange(int(np.prod(noise)), dtype=np.uint64).reshape(noise)
    counters = np.broadcast_to(counters, shape)
    u = (randbits(counters, key) >> np.uint64(8)).astype(np.float64) * 2.0**-24
    keep = u >= float(F32(rate))
    scaled = (x.astype(F32) / F32(1 - rate)).astype(F32)
    return (scaled * keep.astype(F32)).astype(F32)


def main():
    fx = Fixtures("dropout", 1818)
    cases = []

    def seq(name, global_seed, x, calls, runs=2):
        host = Host(global_seed)
        expected = []
        for _ in range(runs):
            for rate, noise, seed in calls:
                expected.append(enc_tensor(dropout(x, rate, noise, host.key(seed))))
        cases.append({"name": "dropout/" + name, "op": "dropout", "globalSeed": global_seed, "input": enc_tensor(x),
                      "calls": [[rate, noise, seed] for rate, noise, seed in calls], "runs": runs,
                      "expected": expected, "tol": {"rtol": 2e-6, "atol": 0}})

    # Values away from zero, so a dropped element (exactly 0) never looks like a kept one.
    def x(shape):
        v = fx.rand(shape, 0.25, 2.0)
        return (v * np.where(fx.rs.rand(*shape) < 0.5, -1, 1)).astype(F32)

    seq("seeded_twice", 3, x([6, 7]), [(0.5, None, 7), (0.5, None, 7)])
    seq("two_seeds", 11, x([5, 9]), [(0.3, None, 1), (0.3, None, 2), (0.3, None, 1)])
    seq("unseeded", 42, x([4, 8]), [(0.5, None, None), (0.25, None, None)])
    seq("mixed", 5, x([33]), [(0.4, None, None), (0.4, None, 9), (0.6, None, None)], runs=3)
    seq("noise_rows", 8, x([4, 6]), [(0.5, [4, 1], 13)])
    seq("noise_cols_rank3", 8, x([2, 3, 5]), [(0.5, [1, 3, 5], 21), (0.5, [2, 1, 1], 21)])
    seq("noise_lower_rank", 17, x([3, 4, 5]), [(0.2, [4, 5], 4)])
    seq("noise_null_dim", 17, x([3, 4]), [(0.7, [None, 1], 4)])
    seq("rate_zero", 2, x([3, 3]), [(0.0, None, 6)], runs=1)
    seq("high_rate", 2, x([64]), [(0.9, None, 123456789)])
    seq("big_seed", 2, x([16]), [(0.5, None, 2**40 + 3), (0.5, None, -5)])
    seq("scalar", 9, x([]), [(0.5, None, 1), (0.5, None, 1), (0.5, None, 1)])

    fx.cases = cases
    fx.write()


if __name__ == "__main__":
    main()
