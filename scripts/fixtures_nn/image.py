"""Fixtures of the image and spatial-layout ops: image.resizeBilinear, image.resizeNearestNeighbor, mirrorPad,
depthToSpace, spaceToBatchND, batchToSpaceND.

References written from TensorFlow's documented formulas with plain loops (resize, mirrorPad, depthToSpace) or
the documented pad / reshape / transpose / crop steps (spaceToBatchND, batchToSpaceND), sharing nothing with the
engine. Resizing follows TensorFlow's kernels step by step in float32 (numpy float32 scalars):
  scale = (in - 1) / (out - 1) with alignCorners and out > 1, else in / out;
  bilinear: src = (dst + 0.5) * scale - 0.5 (halfPixelCenters) or dst * scale; lower = max(floor(src), 0),
            upper = min(ceil(src), in - 1), lerp = src - floor(src); top/bottom lerped along x, then along y;
  nearest:  src = (dst + 0.5) * scale (halfPixelCenters) or dst * scale; roundf(src) (alignCorners, halves away
            from zero) or floor(src), then min(., in - 1) and, with halfPixelCenters, max(., 0).
Writes tests/fixtures/image.json.
"""

import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import F32, IN, Fixtures  # noqa: E402

fx = Fixtures("image", seed=1719)

# Bilinear results are a few float32 products and sums; the engine may contract them into FMAs on a GPU.
TOL = (1e-5, 1e-6)
I32 = np.int32


# ----------------------------------------------------------------------------------------------------------
# Resizing
# ----------------------------------------------------------------------------------------------------------

def resize_scale(n_in, n_out, align):
    if align and n_out > 1:
        return F32(n_in - 1) / F32(n_out - 1)
    return F32(n_in) / F32(n_out)


def bilinear_weights(n_out, n_in, scale, half):
    out = []
    for d in range(n_out):
        src = (F32(d) + F32(0.5)) * scale - F32(0.5) if half else F32(d) * scale
        fl = math.floor(float(src))
        lower = max(fl, 0)
        upper = min(math.ceil(float(src)), n_in - 1)
        out.append((lower, upper, F32(src - F32(fl))))
    return out


def ref_resize_bilinear(x, size, align=False, half=False):
    rank3 = x.ndim == 3
    if rank3:
        x = x[None]
    N, H, W, C = x.shape
    oh, ow = size
    ys = bilinear_weights(oh, H, resize_scale(H, oh, align), half)
    xs = bilinear_weights(ow, W, resize_scale(W, ow, align), half)
    out = np.zeros((N, oh, ow, C), dtype=F32)
    for n in range(N):
        for i in range(oh):
            y0, y1, yl = ys[i]
            for j in range(ow):
                x0, x1, xl = xs[j]
                for c in range(C):
                    tl, tr = F32(x[n, y0, x0, c]), F32(x[n, y0, x1, c])
                    bl, br = F32(x[n, y1, x0, c]), F32(x[n, y1, x1, c])
                    top = tl + (tr - tl) * xl
                    bottom = bl + (br - bl) * xl
                    out[n, i, j, c] = top + (bottom - top) * yl
    return out[0] if rank3 else out


def nearest_index(d, n_in, scale, align, half):
    src = (F32(d) + F32(0.5)) * scale if half else F32(d) * scale
    v = float(src)
    # roundf: halves away from zero (src >= 0 here).
    i = math.floor(v + 0.5) if align else math.floor(v)
    i = min(i, n_in - 1)
    return max(i, 0) if half else i


def ref_resize_nearest(x, size, align=False, half=False):
    rank3 = x.ndim == 3
    if rank3:
        x = x[None]
    N, H, W, C = x.shape
    oh, ow = size
    sh, sw = resize_scale(H, oh, align), resize_scale(W, ow, align)
    out = np.zeros((N, oh, ow, C), dtype=x.dtype)
    for n in range(N):
        for i in range(oh):
            y = nearest_index(i, H, sh, align, half)
            for j in range(ow):
                xx = nearest_index(j, W, sw, align, half)
                for c in range(C):
                    out[n, i, j, c] = x[n, y, xx, c]
    return out[0] if rank3 else out


FLAGS = [("legacy", False, False), ("align", True, False), ("half", False, True)]


def resize_cases(op, ref, tol):

    def add(name, x, size, align=False, half=False, perm=None):
        data = x if perm is None else x.transpose(np.argsort(perm))
        fx.case("%s/%s" % (op, name), op, [data], [IN(0), list(size), align, half], ref(x, size, align, half),
                tol=tol)
        if perm is not None:
            fx.cases[-1]["inputs"][0]["perm"] = list(perm)

    for tag, a, h in FLAGS:
        add("up_b2_%s" % tag, fx.rand((2, 4, 5, 3)), (7, 9), a, h)
        add("down_%s" % tag, fx.rand((1, 9, 8, 2)), (4, 3), a, h)
        add("ratio_rank3_%s" % tag, fx.rand((5, 7, 2)), (3, 10), a, h)
    # one output pixel: alignCorners falls back to in / out; halfPixelCenters samples the centre
    add("to1x1_align", fx.rand((1, 5, 6, 2)), (1, 1), True, False)
    add("to1x1_half", fx.rand((1, 5, 6, 2)), (1, 1), False, True)
    add("from1x1_half", fx.rand((2, 1, 1, 3)), (3, 4), False, True)
    add("from1xw_align", fx.rand((1, 4, 2)), (3, 5), True, False)
    # alignCorners with halves to round (scales 0.5 and 1/6 put sources exactly on .5)
    add("halves_align", fx.rand((1, 3, 2, 1)), (5, 7), True, False)
    # a transposed (strided) input: data stored [c, h, w, b], read as [b, h, w, c]
    add("strided_input_half", fx.rand((2, 3, 4, 2)), (5, 3), False, True, perm=(3, 1, 2, 0))
    add("int32_half", fx.rs.randint(-50, 50, size=(3, 4, 2)).astype(I32), (5, 7), False, True)


resize_cases("image.resizeBilinear", ref_resize_bilinear, TOL)
resize_cases("image.resizeNearestNeighbor", ref_resize_nearest, None)


# ----------------------------------------------------------------------------------------------------------
# mirrorPad
# ----------------------------------------------------------------------------------------------------------

def ref_mirror_pad(x, paddings, mode):
    out_shape = tuple(n + b + a for n, (b, a) in zip(x.shape, paddings))
    out = np.zeros(out_shape, dtype=x.dtype)
    for o in np.ndindex(*out_shape):
        src = []
        for d, i in enumerate(o):
            n, c = x.shape[d], i - paddings[d][0]
            if c < 0:
                c = -c if mode == "reflect" else -c - 1
            elif c >= n:
                c = 2 * n - 2 - c if mode == "reflect" else 2 * n - 1 - c
            src.append(c)
        out[o] = x[tuple(src)]
    return out


def mirror(name, x, paddings, mode, perm=None):
    data = x if perm is None else x.transpose(np.argsort(perm))
    fx.case("mirrorPad/%s" % name, "mirrorPad", [data], [IN(0), [list(p) for p in paddings], mode],
            ref_mirror_pad(x, paddings, mode))
    if perm is not None:
        fx.cases[-1]["inputs"][0]["perm"] = list(perm)


for mode in ("reflect", "symmetric"):
    top = 0 if mode == "symmetric" else 1  # the largest padding is the size (symmetric) or size - 1 (reflect)
    mirror("rank1_max_%s" % mode, fx.quarters((5,)), [(5 - top, 5 - top)], mode)
    mirror("rank2_%s" % mode, fx.quarters((3, 4)), [(1, 2), (3 - top, 0)], mode)
    mirror("rank4_max_%s" % mode, fx.quarters((1, 3, 4, 2)), [(0, 0), (3 - top, 3 - top), (1, 4 - top), (1, 0)], mode)
mirror("rank3_zero_pads_reflect", fx.quarters((2, 3, 4)), [(0, 0), (2, 1), (0, 0)], "reflect")
mirror("int32_symmetric", fx.rs.randint(-9, 9, size=(4, 3)).astype(I32), [(4, 2), (1, 3)], "symmetric")
mirror("strided_reflect", fx.quarters((3, 4)), [(2, 1), (1, 2)], "reflect", perm=(1, 0))


# ----------------------------------------------------------------------------------------------------------
# depthToSpace (TensorFlow's DCR order)
# ----------------------------------------------------------------------------------------------------------

def ref_depth_to_space(x, s, fmt):
    if fmt == "NHWC":
        N, H, W, C = x.shape
    else:
        N, C, H, W = x.shape
    od = C // (s * s)
    out = np.zeros((N, H * s, W * s, od) if fmt == "NHWC" else (N, od, H * s, W * s), dtype=x.dtype)
    for n in range(N):
        for h in range(H * s):
            for w in range(W * s):
                for c in range(od):
                    ic = ((h % s) * s + (w % s)) * od + c
                    if fmt == "NHWC":
                        out[n, h, w, c] = x[n, h // s, w // s, ic]
                    else:
                        out[n, c, h, w] = x[n, ic, h // s, w // s]
    return out


def d2s(name, x, s, fmt, explicit=True):
    call = [IN(0), s, fmt] if explicit else [IN(0), s]
    fx.case("depthToSpace/%s" % name, "depthToSpace", [x], call, ref_depth_to_space(x, s, fmt))


d2s("block2_nhwc_default", fx.quarters((2, 2, 3, 8)), 2, "NHWC", explicit=False)
d2s("block3_nhwc", fx.quarters((1, 2, 2, 18)), 3, "NHWC")
d2s("block2_nchw", fx.quarters((2, 8, 3, 2)), 2, "NCHW")
d2s("block3_nchw", fx.quarters((1, 9, 2, 3)), 3, "NCHW")
d2s("int32_block2_nhwc", fx.rs.randint(-9, 9, size=(1, 3, 2, 4)).astype(I32), 2, "NHWC")


# ----------------------------------------------------------------------------------------------------------
# spaceToBatchND / batchToSpaceND (the documented steps)
# ----------------------------------------------------------------------------------------------------------

def ref_space_to_batch(x, block, paddings):
    m = len(block)
    padded = np.zeros((x.shape[0],) + tuple(x.shape[i + 1] + sum(paddings[i]) for i in range(m)) + x.shape[m + 1:],
                      dtype=x.dtype)
    for idx in np.ndindex(*x.shape):
        padded[(idx[0],) + tuple(idx[i + 1] + paddings[i][0] for i in range(m)) + idx[m + 1:]] = x[idx]
    batch, rest = x.shape[0], x.shape[m + 1:]
    # [batch, p1/b1, b1, ..., pM/bM, bM, rest]
    shape1 = [batch]
    for i in range(m):
        shape1 += [padded.shape[i + 1] // block[i], block[i]]
    r = padded.reshape(shape1 + list(rest))
    # [b1, ..., bM, batch, p1/b1, ..., pM/bM, rest]
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + list(range(1 + 2 * m, r.ndim))
    r = r.transpose(perm)
    return r.reshape([batch * int(np.prod(block))] + [padded.shape[i + 1] // block[i] for i in range(m)] + list(rest))


def ref_batch_to_space(x, block, crops):
    m = len(block)
    prod = int(np.prod(block))
    batch, rest = x.shape[0] // prod, x.shape[m + 1:]
    # [b1, ..., bM, batch / prod, s1, ..., sM, rest]
    r = x.reshape(list(block) + [batch] + list(x.shape[1:]))
    # [batch / prod, s1, b1, ..., sM, bM, rest]
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    perm += list(range(2 * m + 1, r.ndim))
    r = r.transpose(perm)
    full = r.reshape([batch] + [x.shape[i + 1] * block[i] for i in range(m)] + list(rest))
    sl = (slice(None),) + tuple(slice(crops[i][0], full.shape[i + 1] - crops[i][1]) for i in range(m))
    return full[sl]


def s2b(name, x, block, paddings):
    fx.case("spaceToBatchND/%s" % name, "spaceToBatchND", [x], [IN(0), list(block), [list(p) for p in paddings]],
            ref_space_to_batch(x, block, paddings))


def b2s(name, x, block, crops):
    fx.case("batchToSpaceND/%s" % name, "batchToSpaceND", [x], [IN(0), list(block), [list(c) for c in crops]],
            ref_batch_to_space(x, block, crops))


s2b("block1d_padded", fx.quarters((2, 5, 3)), [3], [(1, 0)])
s2b("block2d_nopad", fx.quarters((1, 4, 6, 2)), [2, 3], [(0, 0), (0, 0)])
s2b("block2d_padded_b2", fx.quarters((2, 3, 5, 2)), [2, 3], [(1, 2), (2, 2)])
s2b("block2d_norest_int32", fx.rs.randint(-9, 9, size=(2, 3, 3)).astype(I32), [2, 2], [(0, 1), (1, 0)])

b2s("block1d_crop", fx.quarters((6, 3, 2)), [3], [(1, 2)])
b2s("block2d_nocrop", fx.quarters((6, 2, 2, 3)), [2, 3], [(0, 0), (0, 0)])
b2s("block2d_crop_b2", fx.quarters((8, 2, 3, 1)), [2, 2], [(1, 0), (2, 1)])
# round trip: batchToSpaceND(spaceToBatchND(x, b, p), b, p) == x
xr = fx.quarters((2, 3, 5, 2))
blocks, pads = [2, 3], [(1, 2), (0, 1)]
fx.case("batchToSpaceND/round_trip", "batchToSpaceND", [ref_space_to_batch(xr, blocks, pads)],
        [IN(0), blocks, [list(p) for p in pads]], xr)
assert np.array_equal(ref_batch_to_space(ref_space_to_batch(xr, blocks, pads), blocks, pads), xr)

fx.write()
