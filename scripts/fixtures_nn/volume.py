"""Fixtures of the volume ops: conv3d, maxPool3d, avgPool3d.

References written with plain loops over the output and the window (TensorFlow's semantics: zero padding for
the convolution, max pooling ignores padded positions, average pooling divides by the number of window
positions inside the input), sharing nothing with the engine. Writes tests/fixtures/volume.json.
"""

import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import F32, IN, Fixtures  # noqa: E402

fx = Fixtures("volume", seed=1818)

TOL = (1e-5, 1e-5)


def geometry(n, k, s, d, pad, rounding, axis):
    """Output size and padding before along one spatial axis (0 = depth, 1 = height, 2 = width)."""
    eff = (k - 1) * d + 1
    if pad == "valid":
        return -(-(n - eff + 1) // s), 0
    if pad == "same":
        out = -(-n // s)
        total = max((out - 1) * s + eff - n, 0)
        return out, total // 2
    if isinstance(pad, int):
        exact = (n - eff + 2 * pad) / s + 1
        out = {"floor": math.floor, "ceil": math.ceil, "round": lambda v: math.floor(v + 0.5), None: math.trunc}[rounding](exact)
        return out, pad
    b, a = pad[1 + axis]
    return (n + b + a - eff) // s + 1, b


def ref_conv3d(x, f, strides, pad, dil=(1, 1, 1)):
    rank4 = x.ndim == 4
    if rank4:
        x = x[None]
    N, D, H, W, C = x.shape
    kd, kh, kw, _, OC = f.shape
    geo = [geometry(n, k, s, d, pad, None, i) for i, (n, k, s, d) in enumerate(zip((D, H, W), (kd, kh, kw), strides, dil))]
    (od, pd), (oh, ph), (ow, pw) = geo
    xd = x.astype(np.float64)
    fd = f.astype(np.float64)
    out = np.zeros((N, od, oh, ow, OC))
    for n in range(N):
        for i in range(od):
            for j in range(oh):
                for l in range(ow):
                    acc = np.zeros(OC)
                    for a in range(kd):
                        z = i * strides[0] - pd + a * dil[0]
                        if not 0 <= z < D:
                            continue
                        for b in range(kh):
                            r = j * strides[1] - ph + b * dil[1]
                            if not 0 <= r < H:
                                continue
                            for c in range(kw):
                                q = l * strides[2] - pw + c * dil[2]
                                if not 0 <= q < W:
                                    continue
                                for ci in range(C):
                                    acc += xd[n, z, r, q, ci] * fd[a, b, c, ci, :]
                    out[n, i, j, l] = acc
    return out[0] if rank4 else out


def ref_pool3d(x, window, kind, pad, strides, rounding=None):
    rank4 = x.ndim == 4
    if rank4:
        x = x[None]
    N, D, H, W, C = x.shape
    geo = [geometry(n, k, s, 1, pad, rounding, i) for i, (n, k, s) in enumerate(zip((D, H, W), window, strides))]
    (od, pd), (oh, ph), (ow, pw) = geo
    out = np.zeros((N, od, oh, ow, C), dtype=np.float64 if kind == "avg" else x.dtype)
    for n in range(N):
        for i in range(od):
            for j in range(oh):
                for l in range(ow):
                    for ch in range(C):
                        vals = []
                        for a in range(window[0]):
                            for b in range(window[1]):
                                for c in range(window[2]):
                                    z, r, q = i * strides[0] - pd + a, j * strides[1] - ph + b, l * strides[2] - pw + c
                                    if 0 <= z < D and 0 <= r < H and 0 <= q < W:
                                        vals.append(x[n, z, r, q, ch])
                        out[n, i, j, l, ch] = max(vals) if kind == "max" else sum(float(v) for v in vals) / len(vals)
    return out[0] if rank4 else out


def conv_case(name, x, f, strides, pad, dil=None, raw_strides=None, raw_dil=None):
    expected = ref_conv3d(x, f, strides, pad, dil or (1, 1, 1))
    call = [IN(0), IN(1), raw_strides if raw_strides is not None else list(strides), pad]
    if dil is not None:
        call += ["NDHWC", raw_dil if raw_dil is not None else list(dil)]
    fx.case("conv3d/" + name, "conv3d", [x, f], call, expected, TOL)


def pool_case(name, op, x, window, strides, pad, rounding=None, raw_window=None, raw_strides=None, fmt=False):
    kind = "max" if op == "maxPool3d" else "avg"
    expected = ref_pool3d(x, window, kind, pad, strides, rounding)
    call = [IN(0), raw_window if raw_window is not None else list(window), raw_strides if raw_strides is not None else list(strides), pad]
    if rounding or fmt:
        call.append(rounding)
    if fmt:
        call.append("NDHWC")
    fx.case(op + "/" + name, op, [x], call, expected, TOL if kind == "avg" else None)


xa = fx.rand((1, 4, 5, 5, 2))
xb = fx.rand((2, 5, 4, 6, 3))
xc = fx.rand((2, 6, 6, 5, 2))

conv_case("valid_s1", xa, fx.rand((2, 2, 2, 2, 3)), (1, 1, 1), "valid")
conv_case("same_s1", xa, fx.rand((3, 3, 3, 2, 2)), (1, 1, 1), "same", raw_strides=1)
conv_case("same_s2_batch2", xb, fx.rand((3, 3, 3, 3, 4)), (2, 2, 2), "same")
conv_case("valid_s2_batch2", xb, fx.rand((2, 3, 2, 3, 2)), (2, 1, 2), "valid")
conv_case("same_s(3,2,1)_nonsquare", xc, fx.rand((2, 3, 1, 2, 3)), (3, 2, 1), "same")
conv_case("valid_dil2", xc, fx.rand((2, 2, 2, 2, 2)), (1, 1, 1), "valid", dil=(2, 2, 2), raw_dil=2)
conv_case("same_dil(2,1,2)_batch2", xc, fx.rand((3, 2, 2, 2, 3)), (1, 1, 1), "same", dil=(2, 1, 2))
conv_case("same_depth1_filter", xb, fx.rand((1, 3, 3, 3, 2)), (1, 1, 1), "same")
conv_case("valid_1x1x1_s2", xb, fx.rand((1, 1, 1, 3, 5)), (2, 2, 2), "valid")
conv_case("rank4", fx.rand((4, 4, 3, 2)), fx.rand((2, 2, 2, 2, 3)), (1, 1, 1), "same")
conv_case("explicit_pad", xb, fx.rand((2, 2, 2, 3, 2)), (1, 2, 1), [[0, 0], [1, 2], [0, 1], [2, 0], [0, 0]])
conv_case("whole_depth_batch2", xb, fx.rand((5, 2, 2, 3, 2)), (1, 1, 1), "valid")

for op in ("maxPool3d", "avgPool3d"):
    pool_case("2x2x2_s2_valid", op, xa, (2, 2, 2), (2, 2, 2), "valid")
    pool_case("3x3x3_s1_same", op, xa, (3, 3, 3), (1, 1, 1), "same", raw_window=3, raw_strides=1)
    pool_case("3x2x2_s(2,1,2)_same_batch2", op, xb, (3, 2, 2), (2, 1, 2), "same")
    pool_case("1x3x2_s(1,2,3)_valid_batch2", op, xc, (1, 3, 2), (1, 2, 3), "valid", fmt=True)
    pool_case("pad1_ceil", op, xa, (3, 3, 3), (2, 2, 2), 1, "ceil")
    pool_case("rank4", op, fx.rand((3, 4, 5, 2)), (2, 2, 2), (1, 1, 1), "same")
    # 36 and 64 taps: past the unrolled kernel's limit, pooled one axis at a time.
    pool_case("3x3x4_same_separable", op, xc, (3, 3, 4), (1, 2, 1), "same")
    pool_case("4x4x4_valid_separable_batch2", op, xc, (4, 4, 4), (2, 2, 1), "valid")

pool_case("int32", "maxPool3d", fx.rs.randint(-50, 50, size=(1, 3, 4, 4, 2)).astype(np.int32), (2, 2, 2), (1, 2, 2), "same")

fx.write()
