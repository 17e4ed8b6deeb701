"""Fixtures of einsum, localResponseNormalization and the extra image ops (image.cropAndResize,
image.flipLeftRight, image.transform).

References: np.einsum for einsum; plain loops written from TensorFlow's documented formulas for the rest:
  localResponseNormalization (over the last axis):
      sqr_sum[..., d] = sum(x[..., d - r : d + r + 1] ** 2);  out = x / (bias + alpha * sqr_sum) ** beta
  cropAndResize (TensorFlow's crop_and_resize_op.cc), per box b = (y1, x1, y2, x2) normalized, image ib:
      height_scale = (y2 - y1) * (H - 1) / (ch - 1) if ch > 1 else 0
      in_y = y1 * (H - 1) + y * height_scale if ch > 1 else 0.5 * (y1 + y2) * (H - 1)
      outside [0, H - 1] -> extrapolationValue (the same along x);
      bilinear: top = floor(in_y), bottom = ceil(in_y), lerp = in_y - top, rows lerped along x then along y;
      nearest: round(in_y) (halves away from zero).
  flipLeftRight: x[:, :, ::-1, :] written as a loop.
  transform: TensorFlow.js's projective mapping, fill modes and interpolations (see its section below).
Box coordinates are mostly multiples of 1/8 on 5-pixel sides, so the sample positions are exact in float32.
Writes tests/fixtures/einsum.json.
"""

import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import F32, IN, Fixtures  # noqa: E402

fx = Fixtures("einsum", seed=1818)
I32 = np.int32
TOL = (1e-5, 1e-5)

# ----------------------------------------------------------------------------------------------------------
# einsum
# ----------------------------------------------------------------------------------------------------------


def es(name, eq, *xs, tol=TOL):
    exp = np.einsum(eq, *[x.astype(np.float64) if x.dtype == F32 else x for x in xs])
    call = [eq] + [IN(i) for i in range(len(xs))]
    fx.case("einsum/%s" % name, "einsum", list(xs), call, np.asarray(exp).astype(xs[0].dtype), tol=tol if xs[0].dtype == F32 else None)


r = fx.rand
es("matmul", "ij,jk->ik", r((3, 4)), r((4, 5)))
es("matmul_transposed_out", "ij,jk->ki", r((3, 4)), r((4, 2)))
es("matmul_transposed_in", "ji,jk->ik", r((4, 3)), r((4, 5)))
es("batch_matmul", "bij,bjk->bik", r((2, 3, 4)), r((2, 4, 3)))
es("batch_matmul_batch_last", "ijb,jkb->bik", r((3, 4, 2)), r((4, 2, 2)))
es("outer", "i,j->ij", r((3,)), r((4,)))
es("outer_3d", "ij,k->ikj", r((2, 3)), r((4,)))
es("dot", "i,i->", r((7,)), r((7,)))
es("elementwise", "ij,ij->ij", r((3, 4)), r((3, 4)))
es("rowwise_dot", "ij,ij->i", r((3, 4)), r((3, 4)))
es("matvec", "ij,j->i", r((3, 5)), r((5,)))
es("transpose", "ij->ji", r((3, 4)))
es("permute_3d", "abc->cab", r((2, 3, 4)))
es("trace", "ii->", r((4, 4)))
es("diagonal", "ii->i", r((4, 4)))
es("batch_diagonal", "bii->bi", r((2, 3, 3)))
es("sum_all", "ij->", r((3, 4)))
es("sum_axis", "ijk->ik", r((2, 3, 4)))
es("vector_matrix", "i,ij->j", r((3,)), r((3, 4)))
es("frobenius", "ij,ij->", r((3, 4)), r((3, 4)))
es("bilinear_batch", "bi,ij->bj", r((2, 3)), r((3, 4)))
es("contract_two", "ijk,jkl->il", r((2, 3, 4)), r((3, 4, 2)))
es("sum_in_operand", "ij,kl->ik", r((2, 3)), r((4, 5)))
es("free_dims_copied", "acb,cd->abd", r((2, 3, 4)), r((3, 2)))
es("contracted_dims_copied", "ijk,kjl->il", r((2, 3, 4)), r((4, 3, 2)))
es("diag_times_matrix", "ii,ij->ij", r((3, 3)), r((3, 4)))
es("attention_scores", "bhqd,bhkd->bhqk", r((1, 2, 3, 4)), r((1, 2, 5, 4)))
es("implicit_output", "ij,jk", r((2, 3)), r((3, 2)))
es("int32_matmul", "ij,jk->ik", fx.rs.randint(-5, 5, size=(2, 3)).astype(I32), fx.rs.randint(-5, 5, size=(3, 2)).astype(I32))

# ----------------------------------------------------------------------------------------------------------
# localResponseNormalization
# ----------------------------------------------------------------------------------------------------------


def ref_lrn(x, r, bias, alpha, beta):
    x64 = x.astype(np.float64)
    C = x.shape[-1]
    out = np.zeros_like(x64)
    flat = x64.reshape(-1, C)
    o = out.reshape(-1, C)
    for i in range(flat.shape[0]):
        for d in range(C):
            s = 0.0
            for k in range(max(0, d - r), min(C, d + r + 1)):
                s += flat[i, k] * flat[i, k]
            o[i, d] = flat[i, d] / (bias + alpha * s) ** beta
    return out


def lrn(name, x, *args):
    defaults = [5, 1.0, 1.0, 0.5]
    full = list(args) + defaults[len(args):]
    fx.case("localResponseNormalization/%s" % name, "localResponseNormalization", [x], [IN(0)] + list(args),
            ref_lrn(x, *full), tol=(2e-5, 1e-6))


lrn("defaults", fx.rand((1, 2, 2, 8)))
lrn("radius1", fx.rand((2, 2, 3, 5)), 1)
lrn("radius2_params", fx.rand((1, 3, 3, 6), -2, 2), 2, 2.0, 1e-1, 0.75)
lrn("radius0", fx.rand((1, 2, 2, 4)), 0, 0.5, 2.0, 1.0)
lrn("radius_past_depth", fx.rand((1, 1, 2, 3)), 7, 1.0, 0.5, 0.5)
lrn("rank3", fx.rand((2, 3, 6)), 3, 1.5, 0.25, 0.6)

# ----------------------------------------------------------------------------------------------------------
# image.cropAndResize
# ----------------------------------------------------------------------------------------------------------


def ref_crop(img, boxes, ind, size, method="bilinear", extrap=0.0):
    N, H, W, C = img.shape
    ch, cw = size
    out = np.zeros((len(boxes), ch, cw, C), dtype=F32)
    f = F32
    for b in range(len(boxes)):
        y1, x1, y2, x2 = [f(v) for v in boxes[b]]
        im = img[ind[b]]
        hs = (y2 - y1) * f(H - 1) / f(ch - 1) if ch > 1 else f(0)
        ws = (x2 - x1) * f(W - 1) / f(cw - 1) if cw > 1 else f(0)
        for y in range(ch):
            iy = y1 * f(H - 1) + f(y) * hs if ch > 1 else f(0.5) * (y1 + y2) * f(H - 1)
            for x in range(cw):
                ix = x1 * f(W - 1) + f(x) * ws if cw > 1 else f(0.5) * (x1 + x2) * f(W - 1)
                if iy < 0 or iy > H - 1 or ix < 0 or ix > W - 1:
                    out[b, y, x, :] = extrap
                    continue
                if method == "nearest":
                    out[b, y, x, :] = im[int(math.floor(iy + 0.5)), int(math.floor(ix + 0.5))]
                    continue
                ty, by = int(math.floor(iy)), int(math.ceil(iy))
                lx, rx = int(math.floor(ix)), int(math.ceil(ix))
                yl = f(iy - f(ty))
                xl = f(ix - f(lx))
                top = im[ty, lx] + (im[ty, rx] - im[ty, lx]) * xl
                bot = im[by, lx] + (im[by, rx] - im[by, lx]) * xl
                out[b, y, x, :] = top + (bot - top) * yl
    return out


def crop(name, img, boxes, ind, size, *rest):
    boxes = np.array(boxes, dtype=F32).reshape(-1, 4)
    ind = np.array(ind, dtype=I32)
    fx.case("image.cropAndResize/%s" % name, "image.cropAndResize", [img, boxes, ind], [IN(0), IN(1), IN(2), list(size)] + list(rest),
            ref_crop(img, boxes, ind, size, *rest), tol=(1e-5, 1e-5))


img = fx.quarters((2, 5, 5, 2))
crop("bilinear_inside", img, [[0, 0, 1, 1], [0.25, 0.125, 0.75, 0.625]], [0, 1], [3, 3])
crop("bilinear_up", img, [[0.125, 0.25, 0.5, 1]], [1], [5, 4])
crop("nearest", img, [[0, 0, 1, 1], [0.25, 0.125, 0.75, 0.625]], [1, 0], [5, 3], "nearest")
crop("outside_extrapolation", img, [[-0.25, -0.5, 1.25, 0.75], [0.5, 0.5, 1.5, 1.5]], [0, 1], [5, 5], "bilinear", 7.5)
crop("outside_nearest", img, [[-0.5, 0.25, 1.5, 1.25]], [0], [5, 5], "nearest", -1)
crop("flipped_boxes", img, [[1, 1, 0, 0], [0.75, 0.125, 0.25, 0.875]], [1, 0], [3, 5])
crop("flipped_nearest", img, [[0.75, 1, 0.125, 0]], [0], [4, 3], "nearest")
crop("size1_center", img, [[0, 0, 1, 1], [0.25, 0.5, 0.75, 1.0]], [0, 1], [1, 1])
crop("one_row", img, [[0.25, 0, 0.75, 1]], [1], [1, 5])
crop("random_inside", fx.rand((1, 4, 6, 3)), fx.rs.uniform(0.05, 0.95, size=(3, 4)), [0, 0, 0], [3, 4])
crop("single_channel_same_image", fx.quarters((1, 5, 5, 1)), [[0, 0, 0.5, 0.5], [0.5, 0.5, 1, 1]], [0, 0], [3, 3])

# ----------------------------------------------------------------------------------------------------------
# image.flipLeftRight
# ----------------------------------------------------------------------------------------------------------


def ref_flip(x):
    out = np.zeros_like(x)
    W = x.shape[2]
    for w in range(W):
        out[:, :, w, :] = x[:, :, W - 1 - w, :]
    return out


def flip(name, x):
    fx.case("image.flipLeftRight/%s" % name, "image.flipLeftRight", [x], [IN(0)], ref_flip(x))


flip("float", fx.quarters((2, 3, 4, 2)))
flip("int32", fx.rs.randint(0, 255, size=(1, 2, 5, 3)).astype(I32))
flip("width1", fx.quarters((1, 3, 1, 2)))

# ----------------------------------------------------------------------------------------------------------
# image.transform (TensorFlow.js's semantics, float32 steps): output (x, y) reads input
# ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1 (fillValue where k == 0); coordinates
# mapped by fillMode, then nearest = pixel floor(v + 0.5) or bilinear over floor(v), floor(v) + 1, pixels outside
# reading fillValue.
# ----------------------------------------------------------------------------------------------------------


def map_coord(c, n, mode):
    f = F32
    if mode == "constant":
        return c
    if mode == "nearest" or n <= 1:
        return f(min(max(c, 0), n - 1))
    if mode == "reflect":
        sz2 = f(2 * n)
        if c < 0:
            c = f(sz2 * f(math.floor(f(-c / sz2))) + c)
            c = f(c + sz2) if c < -n else f(-c - 1)
        elif c > n - 1:
            c = f(c - sz2 * f(math.floor(f(c / sz2))))
            if c >= n:
                c = f(sz2 - c - 1)
    else:  # wrap
        sz = f(n - 1)
        if c < 0:
            c = f(c + f(n) * f(math.floor(f(-c / sz)) + 1))
        elif c > n - 1:
            c = f(c - f(n) * f(math.floor(f(c / sz))))
    return f(min(max(c, 0), n - 1))


def ref_transform(img, tr, interp="nearest", mode="constant", fill=0.0, out_shape=None):
    f = F32
    N, H, W, C = img.shape
    oh, ow = out_shape or (H, W)
    out = np.zeros((N, oh, ow, C), dtype=F32)

    def read(b, yi, xi):
        if 0 <= yi < H and 0 <= xi < W:
            return img[b, int(yi), int(xi)].astype(F32)
        return np.full(C, fill, dtype=F32)

    for b in range(N):
        t = [f(v) for v in tr[0 if tr.shape[0] == 1 else b]]
        for y in range(oh):
            for x in range(ow):
                k = f(f(t[6] * f(x)) + f(t[7] * f(y))) + f(1)
                if k == 0:
                    out[b, y, x] = fill
                    continue
                ix = f(f(f(t[0] * f(x)) + f(t[1] * f(y))) + t[2]) / k
                iy = f(f(f(t[3] * f(x)) + f(t[4] * f(y))) + t[5]) / k
                mx, my = map_coord(f(ix), W, mode), map_coord(f(iy), H, mode)
                if interp == "nearest":
                    out[b, y, x] = read(b, math.floor(my + 0.5), math.floor(mx + 0.5))
                else:
                    yf, xf = math.floor(my), math.floor(mx)
                    yc, xc = yf + 1, xf + 1

                    def row(yy):
                        return f(xc - mx) * read(b, yy, xf) + f(mx - xf) * read(b, yy, xc)
                    out[b, y, x] = f(yc - my) * row(yf) + f(my - yf) * row(yc)
    return out.astype(img.dtype)


def trf(name, img, rows, *rest, tol=(1e-5, 1e-5)):
    tr = np.array(rows, dtype=F32).reshape(-1, 8)
    fx.case("image.transform/%s" % name, "image.transform", [img, tr], [IN(0), IN(1)] + list(rest),
            ref_transform(img, tr, *rest), tol=tol)


timg = fx.quarters((2, 4, 5, 2))
SHIFT = [1, 0, 1.5, 0, 1, -1, 0, 0]
trf("identity", timg, [1, 0, 0, 0, 1, 0, 0, 0])
trf("shift_nearest_constant", timg, SHIFT)
trf("shift_bilinear_fill", timg, SHIFT, "bilinear", "constant", 9.5)
trf("flip_and_scale_per_image", timg, [[-1, 0, 4, 0, 1, 0, 0, 0], [0.5, 0, 0.25, 0, 2, -0.5, 0, 0]], "bilinear")
for mode in ["reflect", "wrap", "nearest"]:
    trf("zoom_out_%s" % mode, timg, [2, 0, -3.5, 0, 2, -2.25, 0, 0], "nearest", mode)
    trf("zoom_out_%s_bilinear" % mode, timg, [2, 0, -3.25, 0, 2, -2.5, 0, 0], "bilinear", mode)
trf("projective_bilinear", fx.rand((1, 4, 4, 1)), [1.1, 0.2, 0.3, -0.1, 0.9, 0.4, 0.05, 0.02], "bilinear", "nearest", tol=(1e-4, 1e-5))
trf("output_shape", timg, [0.5, 0, 0, 0, 0.5, 0, 0, 0], "nearest", "constant", 0, [6, 3])

fx.write()
