"""Fixtures of the pooling and batch normalisation ops: maxPool, avgPool, pool, batchNorm(2d/3d/4d).

References written with plain loops over the output and the window (TensorFlow's semantics: max pooling
ignores padded positions, average pooling divides by the number of window positions inside the input),
sharing nothing with the engine. Writes tests/fixtures/pool.json.
"""

import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import F32, IN, Fixtures  # noqa: E402

fx = Fixtures("pool", seed=1717)

TOL = (1e-5, 1e-6)


def geometry(n, k, s, d, pad, rounding, axis):
    """Output size and padding before for one spatial axis (TensorFlow's rules), axis 0 = H, 1 = W."""
    eff = (k - 1) * d + 1
    if pad == "valid":
        out = -(-(n - eff + 1) // s)
        before = 0
    elif pad == "same":
        out = -(-n // s)
        total = max((out - 1) * s + eff - n, 0)
        before = total // 2
    elif isinstance(pad, int):
        exact = (n - eff + 2 * pad) / s + 1
        out = {"floor": math.floor, "ceil": math.ceil, "round": round_half_away, None: math.trunc}[rounding](exact)
        before = pad
    else:
        b, a = pad[1 + axis]
        out = (n + b + a - eff) // s + 1
        before = b
    return out, before


def round_half_away(v):
    # JavaScript's Math.round: halves go up.
    return math.floor(v + 0.5)


def ref_pool(x, window, kind, pad, strides=(1, 1), dilations=(1, 1), rounding=None):
    """Plain-loop pooling of an NHWC (or HWC) array."""
    rank3 = x.ndim == 3
    if rank3:
        x = x[None]
    N, H, W, C = x.shape
    kh, kw = window
    oh, pt = geometry(H, kh, strides[0], dilations[0], pad, rounding, 0)
    ow, pl = geometry(W, kw, strides[1], dilations[1], pad, rounding, 1)
    out = np.zeros((N, oh, ow, C), dtype=np.float64 if kind == "avg" else x.dtype)
    for n in range(N):
        for i in range(oh):
            for j in range(ow):
                for c in range(C):
                    vals = []
                    for a in range(kh):
                        for b in range(kw):
                            r = i * strides[0] - pt + a * dilations[0]
                            q = j * strides[1] - pl + b * dilations[1]
                            if 0 <= r < H and 0 <= q < W:
                                vals.append(x[n, r, q, c])
                    if kind == "max":
                        out[n, i, j, c] = max(vals)
                    else:
                        out[n, i, j, c] = sum(float(v) for v in vals) / len(vals)
    if kind == "avg":
        out = out.astype(F32)
    return out[0] if rank3 else out


def ref_batchnorm(x, mean, var, offset, scale, eps):
    x64 = x.astype(np.float64)
    y = (x64 - mean) / np.sqrt(var.astype(np.float64) + eps)
    if scale is not None:
        y = y * scale
    if offset is not None:
        y = y + offset
    return y.astype(F32)


def pool_case(name, op, x, window, pad, strides=(1, 1), rounding=None, kind=None, dilations=None, raw_window=None,
              raw_strides=None):
    """op: maxPool / avgPool (kind from op) or pool (kind given; call pool(x, window, kind, pad, dilations, strides, rounding))."""
    k = kind or ("max" if op == "maxPool" else "avg")
    expected = ref_pool(x, window, k, pad, strides, dilations or (1, 1), rounding)
    w = raw_window if raw_window is not None else list(window)
    s = raw_strides if raw_strides is not None else list(strides)
    if op == "pool":
        call = [IN(0), w, k, pad, list(dilations or (1, 1)), s] + ([rounding] if rounding else [])
    else:
        call = [IN(0), w, s, pad] + ([rounding] if rounding else [])
    tol = TOL if k == "avg" else None
    fx.case(op + "/" + name, op, [x], call, expected, tol)


x1 = fx.rand((1, 5, 5, 2))
x2 = fx.rand((2, 7, 6, 3))
x3 = fx.rand((1, 6, 6, 4))
xo = fx.rand((2, 9, 9, 3))

for op in ("maxPool", "avgPool"):
    pool_case("2x2_s2_valid", op, x1, (2, 2), "valid", (2, 2))
    pool_case("3x3_s1_same", op, x1, (3, 3), "same", (1, 1))
    pool_case("3x3_s2_same_batch2", op, x2, (3, 3), "same", (2, 2))
    pool_case("3x2_s3_same_nonsquare", op, x2, (3, 2), "same", (3, 3))
    pool_case("2x3_s(1,2)_valid", op, x2, (2, 3), "valid", (1, 2))
    pool_case("pad1_floor", op, x1, (2, 2), 1, (2, 2), "floor")
    pool_case("pad1_ceil", op, x3, (3, 3), 1, (2, 2), "ceil")
    pool_case("pad1_round", op, x3, (3, 3), 1, (2, 2), "round")
    pool_case("pad1_truncated", op, x3, (3, 3), 1, (2, 2))
    pool_case("explicit", op, x2, (3, 3), [[0, 0], [1, 2], [0, 1], [0, 0]], (2, 2))
    pool_case("whole_input", op, x3, (6, 6), "valid", (1, 1))
    pool_case("1x1_s2", op, x2, (1, 1), "valid", (2, 2), raw_window=1, raw_strides=2)
    pool_case("rank3", op, fx.rand((5, 4, 3)), (2, 2), "same", (1, 1))
    # 81 taps: past the unrolled kernel's limit, a reduction over the window view (with padding for 'same').
    pool_case("9x9_valid_reduce", op, fx.rand((1, 10, 10, 3)), (9, 9), "valid", (1, 1))
    pool_case("9x9_same_reduce", op, xo, (9, 9), "same", (2, 2))

pool_case("int32", "maxPool", fx.rs.randint(-50, 50, size=(1, 5, 4, 2)).astype(np.int32), (2, 2), "same", (2, 1))

pool_case("max_dilated_valid", "pool", xo, (2, 2), "valid", kind="max", dilations=(2, 2))
pool_case("avg_dilated_same", "pool", xo, (3, 3), "same", kind="avg", dilations=(2, 2))
pool_case("max_dilated_(1,3)_same", "pool", x2, (2, 2), "same", kind="max", dilations=(1, 3))
pool_case("avg_strided", "pool", x2, (3, 3), "valid", kind="avg", strides=(2, 2))
pool_case("max_pad1_ceil", "pool", x3, (3, 3), 1, strides=(2, 2), rounding="ceil", kind="max")
pool_case("avg_dilated_reduce", "pool", xo, (9, 6), "same", kind="avg", dilations=(1, 2))
pool_case("max_dilated_reduce", "pool", fx.rand((1, 12, 12, 2)), (7, 9), "same", kind="max", dilations=(2, 1))

# ---- batch normalisation ----------------------------------------------------------------------------------


def bn_case(name, op, x, stats, eps=None):
    """stats: mean, variance, offset (or None), scale (or None)."""
    mean, var, offset, scale = stats
    inputs = [x, mean, var] + [s for s in (offset, scale) if s is not None]
    idx = iter(range(3, 5))
    call = [IN(0), IN(1), IN(2)]
    call.append(IN(next(idx)) if offset is not None else None)
    call.append(IN(next(idx)) if scale is not None else None)
    if eps is not None:
        call.append(eps)
    while call and call[-1] is None:
        call.pop()
    expected = ref_batchnorm(x, mean, var, offset, scale, 0.001 if eps is None else eps)
    fx.case(op + "/" + name, op, inputs, call, expected, TOL)


def stats(shape, offset=True, scale=True):
    return (fx.rand(shape), fx.rand(shape, 0.1, 2.0), fx.rand(shape) if offset else None,
            fx.rand(shape, 0.5, 1.5) if scale else None)


xb = fx.rand((2, 3, 3, 4), -2, 2)
bn_case("C_stats", "batchNorm", xb, stats((4,)))
bn_case("C_stats_no_offset_scale", "batchNorm", xb, stats((4,), False, False))
bn_case("C_stats_scale_only", "batchNorm", xb, stats((4,), False, True), eps=1e-3)
bn_case("full_rank_stats_eps", "batchNorm", xb, stats((2, 3, 3, 4)), eps=0.1)
bn_case("broadcast_stats", "batchNorm", xb, stats((1, 3, 1, 4)))
bn_case("rank1", "batchNorm", fx.rand((5,)), stats((5,)))
bn_case("int32_x", "batchNorm", fx.rs.randint(-5, 5, size=(3, 4)).astype(np.int32), stats((4,)))
bn_case("C_stats", "batchNorm2d", fx.rand((3, 5)), stats((5,)))
bn_case("rank2_stats", "batchNorm2d", fx.rand((3, 5)), stats((3, 5), True, False))
bn_case("C_stats", "batchNorm3d", fx.rand((2, 3, 4)), stats((4,)))
bn_case("rank3_stats", "batchNorm3d", fx.rand((2, 3, 4)), stats((1, 3, 4)), eps=1e-5)
bn_case("C_stats", "batchNorm4d", xb, stats((4,), True, False))
bn_case("rank4_stats", "batchNorm4d", xb, stats((1, 1, 1, 4)))

fx.write()
