#!/usr/bin/env python3
"""NumPy oracle for the convolution family: conv1d, conv2d, depthwiseConv2d, separableConv2d, conv2dTranspose,
fused.conv2d, fused.depthwiseConv2d and fused.matMul (tests/fixtures/conv.json, see common.py).

The references are written here from the definitions, sharing nothing with the engine:
- output sizes and padding by TensorFlow's rules ('same', 'valid', a number with dimRoundingMode, explicit pairs);
- a convolution as a loop over the window taps, each tap one einsum over the channels
  (y[n, oh, ow, o] += x[n, oh·s + kh·d − padTop, ow·s + kw·d − padLeft, c] · f[kh, kw, c, o], zero outside x);
- a transposed convolution as the scatter that defines it (each input pixel adds x · filter into the output
  window it came from), with the padding of the forward convolution of outputShape;
- activations from their formulas; everything in float64 from float32 inputs, rounded to float32.

Run: python3 scripts/fixtures_nn/conv.py
"""

import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import F32, IN, Fixtures  # noqa: E402

fx = Fixtures("conv", seed=170017)


# ---- geometry (TensorFlow's rules) ------------------------------------------------------------------------

def js_round(v):
    """JavaScript's Math.round (halves up), which TensorFlow.js's 'round' uses."""
    return math.floor(v + 0.5)


ROUND = {"floor": math.floor, "ceil": math.ceil, "round": js_round, None: math.trunc}


def axis_geometry(size, k, s, d, pad, rm=None, pair=None):
    """(out, padBefore) of one spatial axis. pad: 'same' | 'valid' | int | 'explicit' (then pair)."""
    eff = (k - 1) * d + 1
    if pad == "valid":
        return -(-(size - eff + 1) // s), 0
    if pad == "same":
        out = -(-size // s)
        total = max((out - 1) * s + eff - size, 0)
        return out, total // 2
    if pad == "explicit":
        return (size + pair[0] + pair[1] - eff) // s + 1, pair[0]
    return ROUND[rm]((size - eff + 2 * pad) / s + 1), pad


def geometry2d(H, W, kH, kW, s, d, pad, rm=None):
    if isinstance(pad, list):
        # explicit pairs for the NHWC input: [[0,0],[top,bottom],[left,right],[0,0]]
        (oh, pt), (ow, pl) = axis_geometry(H, kH, s[0], d[0], "explicit", pair=pad[1]), \
            axis_geometry(W, kW, s[1], d[1], "explicit", pair=pad[2])
    else:
        (oh, pt), (ow, pl) = axis_geometry(H, kH, s[0], d[0], pad, rm), axis_geometry(W, kW, s[1], d[1], pad, rm)
    return oh, ow, pt, pl


# ---- references ---------------------------------------------------------------------------------------------

def taps(x, kH, kW, s, d, pt, pl, OH, OW):
    """Yields (kh, kw, window): window[n, oh, ow, c] = x[n, oh·s + kh·d − pt, ow·s + kw·d − pl, c] or 0."""
    N, H, W, C = x.shape
    for kh in range(kH):
        for kw in range(kW):
            ih = np.arange(OH) * s[0] + kh * d[0] - pt
            iw = np.arange(OW) * s[1] + kw * d[1] - pl
            okh = (ih >= 0) & (ih < H)
            okw = (iw >= 0) & (iw < W)
            win = x[:, np.clip(ih, 0, H - 1)][:, :, np.clip(iw, 0, W - 1)]
            mask = (okh[:, None] & okw[None, :]).astype(np.float64)
            yield kh, kw, win * mask[None, :, :, None]


def conv_ref(x, f, s, d, pad, rm=None):
    """NHWC conv2d in float64."""
    x = x.astype(np.float64)
    f = f.astype(np.float64)
    kH, kW, C, O = f.shape
    OH, OW, pt, pl = geometry2d(x.shape[1], x.shape[2], kH, kW, s, d, pad, rm)
    y = np.zeros((x.shape[0], OH, OW, O))
    for kh, kw, win in taps(x, kH, kW, s, d, pt, pl, OH, OW):
        y += np.einsum("nhwc,co->nhwo", win, f[kh, kw])
    return y


def depthwise_ref(x, f, s, d, pad, rm=None):
    x = x.astype(np.float64)
    f = f.astype(np.float64)
    kH, kW, C, M = f.shape
    OH, OW, pt, pl = geometry2d(x.shape[1], x.shape[2], kH, kW, s, d, pad, rm)
    y = np.zeros((x.shape[0], OH, OW, C, M))
    for kh, kw, win in taps(x, kH, kW, s, d, pt, pl, OH, OW):
        y += np.einsum("nhwc,cm->nhwcm", win, f[kh, kw])
    return y.reshape(x.shape[0], OH, OW, C * M)


def transpose_ref(x, f, out_shape, s, pad, rm=None):
    """conv2dTranspose: every x[n, i, j, :] adds x · f[kh, kw, :, :]ᵀ at output row i·s + kh − padTop."""
    x = x.astype(np.float64)
    f = f.astype(np.float64)
    N, OH, OW, OC = out_shape
    kH, kW = f.shape[:2]
    gh, gw, pt, pl = geometry2d(OH, OW, kH, kW, s, [1, 1], pad, rm)
    assert (gh, gw) == x.shape[1:3], ((gh, gw), x.shape)
    y = np.zeros(out_shape)
    for i in range(x.shape[1]):
        for j in range(x.shape[2]):
            for kh in range(kH):
                for kw in range(kW):
                    r, c = i * s[0] + kh - pt, j * s[1] + kw - pl
                    if 0 <= r < OH and 0 <= c < OW:
                        y[:, r, c, :] += np.einsum("ni,oi->no", x[:, i, j, :], f[kh, kw])
    return y


def activation_ref(v, act, prelu=None, alpha=0.2):
    if act == "linear":
        return v
    if act == "relu":
        return np.maximum(v, 0)
    if act == "relu6":
        return np.clip(v, 0, 6)
    if act == "elu":
        return np.where(v > 0, v, np.expm1(np.minimum(v, 0)))
    if act == "leakyrelu":
        return np.where(v < 0, alpha * v, v)
    if act == "prelu":
        return np.where(v < 0, prelu.astype(np.float64) * v, v)
    if act == "sigmoid":
        return 1 / (1 + np.exp(-v))
    raise ValueError(act)


def nchw(a):
    return np.ascontiguousarray(a.transpose(0, 3, 1, 2))


def nhwc(a):
    return np.ascontiguousarray(a.transpose(0, 2, 3, 1))


def tol_for(taps_per_output):
    """Float32 sums of `taps_per_output` products of values in [-1, 1]."""
    return (1e-5, max(1e-5, 3e-7 * taps_per_output))


def pair(v):
    return list(v) if isinstance(v, (list, tuple)) else [v, v]


# ---- conv2d -------------------------------------------------------------------------------------------------

def conv2d_case(name, xs, fs, strides, pad, fmt="NHWC", dil=1, rm=None, rank3=False, dtype=F32):
    x = fx.rand(xs) if dtype == F32 else fx.rs.randint(-3, 4, size=xs).astype(dtype)
    f = fx.rand(fs)
    if fmt == "NCHW":
        xin = x  # given NCHW
        y = nchw(conv_ref(nhwc(x), f, pair(strides), pair(dil), nhwc_pad(pad), rm))
    else:
        xin = x
        y = conv_ref(x[None] if rank3 else x, f, pair(strides), pair(dil), pad, rm)
        if rank3:
            y = y[0]
    call = [IN(0), IN(1), strides, pad]
    if fmt != "NHWC" or dil != 1 or rm is not None:
        call += [fmt, dil]
    if rm is not None:
        call.append(rm)
    fx.case("conv2d/" + name, "conv2d", [xin, f], call, y, tol_for(fs[0] * fs[1] * fs[2]))


def nhwc_pad(pad):
    """Explicit NCHW pairs [[0,0],[0,0],[t,b],[l,r]] → the NHWC order the reference takes."""
    if isinstance(pad, list):
        return [pad[0], pad[2], pad[3], pad[1]]
    return pad


conv2d_case("same_s1", [1, 5, 5, 3], [3, 3, 3, 4], 1, "same")
conv2d_case("valid_s2_batch2", [2, 7, 6, 3], [3, 2, 3, 5], [2, 2], "valid")
conv2d_case("same_s23_odd", [1, 9, 7, 2], [3, 3, 2, 3], [2, 3], "same")
conv2d_case("same_dil2", [1, 8, 8, 2], [3, 3, 2, 3], 1, "same", dil=2)
conv2d_case("valid_dil23", [1, 9, 9, 2], [2, 3, 2, 2], 1, "valid", dil=[2, 3])
conv2d_case("pad1_trunc", [1, 6, 7, 2], [3, 3, 2, 3], 2, 1)
# trunc (no dimRoundingMode) and floor agree here; round and ceil do not (3.5 → 4)
for rm in ("round", "ceil"):
    conv2d_case("pad1_" + rm, [1, 6, 7, 2], [3, 3, 2, 3], 2, 1, rm=rm)
conv2d_case("explicit", [1, 5, 6, 3], [3, 3, 3, 2], [1, 2], [[0, 0], [1, 2], [0, 1], [0, 0]])
conv2d_case("1x1", [2, 4, 5, 6], [1, 1, 6, 4], 1, "valid")
conv2d_case("kernel_as_input", [1, 4, 5, 2], [4, 5, 2, 3], 1, "valid")
conv2d_case("nchw_same", [2, 3, 5, 6], [3, 3, 3, 4], 1, "same", fmt="NCHW")
conv2d_case("nchw_explicit_s2", [1, 2, 7, 6], [3, 2, 2, 3], 2, [[0, 0], [0, 0], [1, 1], [2, 0]], fmt="NCHW")
conv2d_case("rank3", [5, 5, 2], [3, 3, 2, 3], 1, "same", rank3=True)
conv2d_case("int32", [1, 4, 4, 2], [2, 2, 2, 2], 1, "valid", dtype=np.int32)


# ---- depthwiseConv2d ------------------------------------------------------------------------------------------

def depthwise_case(name, xs, fs, strides, pad, fmt="NHWC", dil=1, rm=None, rank3=False):
    x = fx.rand(xs)
    f = fx.rand(fs)
    if fmt == "NCHW":
        y = nchw(depthwise_ref(nhwc(x), f, pair(strides), pair(dil), nhwc_pad(pad), rm))
    else:
        y = depthwise_ref(x[None] if rank3 else x, f, pair(strides), pair(dil), pad, rm)
        if rank3:
            y = y[0]
    call = [IN(0), IN(1), strides, pad]
    if fmt != "NHWC" or dil != 1 or rm is not None:
        call += [fmt, dil]
    if rm is not None:
        call.append(rm)
    fx.case("depthwiseConv2d/" + name, "depthwiseConv2d", [x, f], call, y, tol_for(fs[0] * fs[1]))


depthwise_case("same_m1", [1, 6, 6, 3], [3, 3, 3, 1], 1, "same")
depthwise_case("valid_s2_m2_batch2", [2, 7, 7, 2], [3, 3, 2, 2], 2, "valid")
depthwise_case("same_dil2_m3", [1, 8, 8, 2], [3, 3, 2, 3], 1, "same", dil=2)
depthwise_case("nchw_m2", [1, 3, 6, 5], [2, 2, 3, 2], [1, 2], "same", fmt="NCHW")
depthwise_case("pad1_floor", [1, 6, 6, 2], [3, 3, 2, 1], 2, 1, rm="floor")
depthwise_case("explicit", [1, 5, 5, 2], [2, 3, 2, 2], 1, [[0, 0], [0, 1], [2, 1], [0, 0]])


# ---- separableConv2d ------------------------------------------------------------------------------------------

def separable_case(name, xs, dfs, pfs, strides, pad, dil=1, fmt="NHWC", rank3=False):
    x = fx.rand(xs)
    df = fx.rand(dfs)
    pf = fx.rand(pfs)

    def ref(xn):
        mid = depthwise_ref(xn, df, pair(strides), pair(dil), pad)
        return np.einsum("nhwc,co->nhwo", mid, pf[0, 0].astype(np.float64))

    if fmt == "NCHW":
        y = nchw(ref(nhwc(x)))
    else:
        y = ref(x[None] if rank3 else x)
        if rank3:
            y = y[0]
    call = [IN(0), IN(1), IN(2), strides, pad]
    if dil != 1 or fmt != "NHWC":
        call += [dil, fmt]
    fx.case("separableConv2d/" + name, "separableConv2d", [x, df, pf], call, y, tol_for(dfs[0] * dfs[1] * pfs[2]))


separable_case("same_m2", [1, 6, 6, 3], [3, 3, 3, 2], [1, 1, 6, 4], 1, "same")
separable_case("valid_s2_batch2", [2, 7, 7, 2], [3, 3, 2, 1], [1, 1, 2, 3], 2, "valid")
separable_case("same_dil2", [1, 7, 7, 2], [3, 3, 2, 2], [1, 1, 4, 2], 1, "same", dil=2)
separable_case("nchw", [1, 2, 5, 5], [3, 3, 2, 2], [1, 1, 4, 3], 1, "same", fmt="NCHW")


# ---- conv1d ---------------------------------------------------------------------------------------------------

def conv1d_case(name, xs, fs, stride, pad, fmt="NWC", dil=1, rm=None):
    x = fx.rand(xs)
    f = fx.rand(fs)
    x3 = x[None] if len(xs) == 2 else x
    xw = x3.transpose(0, 2, 1) if fmt == "NCW" else x3  # [N, W, C]
    p2 = [[0, 0], [0, 0], pad[1 if fmt == "NWC" else 2], [0, 0]] if isinstance(pad, list) else pad
    if isinstance(pad, (int, float)) and not isinstance(pad, bool):
        # a numeric pad applies to the width only (the height is 1)
        OW, pl = axis_geometry(xw.shape[1], fs[0], stride, dil, pad, rm)
        # (reads past the end, where a rounded-up size reaches, are zeros: pad the end generously, keep OW)
        p2 = [[0, 0], [0, 0], [pl, stride * OW + fs[0] * dil], [0, 0]]
        y = conv_ref(xw[:, None], f[None], [1, stride], [1, dil], p2)[:, 0]
        y = y[:, :OW]
    else:
        y = conv_ref(xw[:, None], f[None], [1, stride], [1, dil], p2)[:, 0]
    if fmt == "NCW":
        y = y.transpose(0, 2, 1)
    if len(xs) == 2:
        y = y[0]
    call = [IN(0), IN(1), stride, pad]
    if fmt != "NWC" or dil != 1 or rm is not None:
        call += [fmt, dil]
    if rm is not None:
        call.append(rm)
    fx.case("conv1d/" + name, "conv1d", [x, f], call, np.ascontiguousarray(y), tol_for(fs[0] * fs[1]))


conv1d_case("nwc_same", [2, 9, 3], [3, 3, 4], 1, "same")
conv1d_case("nwc_valid_s2", [1, 9, 2], [4, 2, 3], 2, "valid")
conv1d_case("dil2_same", [1, 9, 2], [3, 2, 2], 1, "same", dil=2)
conv1d_case("ncw_same_s2", [2, 3, 8], [3, 3, 2], 2, "same", fmt="NCW")
conv1d_case("rank2", [7, 2], [2, 2, 3], 1, "valid")
conv1d_case("pad1_ceil", [1, 8, 2], [3, 2, 2], 2, 1, rm="ceil")
conv1d_case("explicit", [1, 6, 2], [3, 2, 3], 1, [[0, 0], [2, 1], [0, 0]])


# ---- conv2dTranspose -------------------------------------------------------------------------------------------

def transpose_case(name, xs, fs, out_shape, strides, pad, rm=None):
    x = fx.rand(xs)
    f = fx.rand(fs)
    rank3 = len(xs) == 3
    y = transpose_ref(x[None] if rank3 else x, f, [1] + out_shape if rank3 else out_shape, pair(strides), pad, rm)
    if rank3:
        y = y[0]
    call = [IN(0), IN(1), out_shape, strides, pad]
    if rm is not None:
        call.append(rm)
    fx.case("conv2dTranspose/" + name, "conv2dTranspose", [x, f], call, y, tol_for(fs[0] * fs[1] * fs[3]))


transpose_case("s1_same", [1, 5, 5, 4], [3, 3, 2, 4], [1, 5, 5, 2], 1, "same")
transpose_case("s2_same_even", [1, 4, 4, 3], [3, 3, 2, 3], [1, 8, 8, 2], 2, "same")
transpose_case("s2_same_odd", [1, 4, 4, 3], [3, 3, 2, 3], [1, 7, 7, 2], 2, "same")
transpose_case("s2_valid_odd", [1, 3, 3, 2], [3, 3, 2, 2], [1, 7, 7, 2], 2, "valid")
transpose_case("s2_valid_extra_row", [1, 3, 3, 2], [3, 3, 2, 2], [1, 8, 7, 2], 2, "valid")
transpose_case("s3_valid_batch2", [2, 3, 2, 2], [2, 2, 3, 2], [2, 8, 6, 3], 3, "valid")
transpose_case("s3_same", [1, 3, 3, 2], [3, 3, 2, 2], [1, 9, 8, 2], 3, "same")
transpose_case("s12_nonsquare", [1, 4, 3, 2], [2, 3, 3, 2], [1, 4, 6, 3], [1, 2], "same")
transpose_case("pad2_k2", [1, 7, 7, 3], [2, 2, 2, 3], [1, 4, 4, 2], 1, 2)
transpose_case("pad1_ceil", [1, 4, 4, 2], [3, 3, 2, 2], [1, 6, 6, 2], 2, 1, rm="ceil")
transpose_case("explicit", [1, 3, 2, 2], [3, 3, 2, 2], [1, 5, 5, 2], 2, [[0, 0], [1, 1], [1, 0], [0, 0]])
transpose_case("rank3_s2", [3, 3, 2], [3, 3, 1, 2], [6, 6, 1], 2, "same")


# ---- fused ----------------------------------------------------------------------------------------------------

def fused_conv_case(name, op, xs, fs, strides, pad, act="linear", bias=None, prelu=None, alpha=None, fmt="NHWC",
                    dil=1, rank3=False):
    depthwise = op == "fused.depthwiseConv2d"
    x = fx.rand(xs)
    f = fx.rand(fs)
    outc = fs[2] * fs[3] if depthwise else fs[3]
    inputs = [x, f]
    args = {"x": IN(0), "filter": IN(1), "strides": strides, "pad": pad}
    ref = depthwise_ref if depthwise else conv_ref
    if fmt == "NCHW":
        v = nchw(ref(nhwc(x), f, pair(strides), pair(dil), pad))
        args["dataFormat"] = fmt
    else:
        v = ref(x[None] if rank3 else x, f, pair(strides), pair(dil), pad)
        if rank3:
            v = v[0]
    if dil != 1:
        args["dilations"] = dil
    chan = (lambda a: a.reshape(-1, 1, 1)) if fmt == "NCHW" else (lambda a: a)
    if bias is not None:
        b = fx.rand(bias)
        inputs.append(b)
        args["bias"] = IN(len(inputs) - 1)
        v = v + chan(b.astype(np.float64))
    w = None
    if prelu is not None:
        w = fx.rand(prelu, 0, 1)
        inputs.append(w)
        args["preluActivationWeights"] = IN(len(inputs) - 1)
        w = chan(w) if w.ndim <= 1 else w
    if act != "linear":
        args["activation"] = act
    if alpha is not None:
        args["leakyreluAlpha"] = alpha
    y = activation_ref(v, act, w, 0.2 if alpha is None else alpha)
    k = fs[0] * fs[1] * (1 if depthwise else fs[2])
    fx.case(op + "/" + name, op, inputs, [args], y, tol_for(k))


FC = "fused.conv2d"
fused_conv_case("bias_linear", FC, [1, 5, 5, 3], [3, 3, 3, 4], 1, "same", bias=[4])
fused_conv_case("bias_relu_s2_valid", FC, [2, 7, 7, 2], [3, 3, 2, 4], 2, "valid", "relu", bias=[4])
fused_conv_case("bias_relu6", FC, [1, 6, 6, 2], [3, 3, 2, 3], 1, "same", "relu6", bias=[3])
fused_conv_case("bias_elu", FC, [1, 5, 5, 2], [2, 2, 2, 3], 1, "valid", "elu", bias=[3])
fused_conv_case("bias_leakyrelu_alpha", FC, [1, 5, 5, 2], [3, 3, 2, 3], 1, "same", "leakyrelu", bias=[3], alpha=0.1)
fused_conv_case("leakyrelu_default", FC, [1, 5, 5, 2], [3, 3, 2, 3], 1, "same", "leakyrelu")
fused_conv_case("bias_prelu", FC, [1, 5, 5, 2], [3, 3, 2, 4], 1, "same", "prelu", bias=[4], prelu=[4])
fused_conv_case("bias_sigmoid_dil2", FC, [1, 7, 7, 2], [3, 3, 2, 3], 1, "same", "sigmoid", bias=[3], dil=2)
fused_conv_case("bias_full_shape", FC, [1, 4, 4, 2], [3, 3, 2, 3], 1, "same", "relu", bias=[4, 4, 3])
fused_conv_case("nchw_bias_prelu", FC, [1, 3, 5, 5], [3, 3, 3, 4], 1, "same", "prelu", bias=[4], prelu=[4], fmt="NCHW")
fused_conv_case("rank3_bias_relu", FC, [5, 5, 2], [3, 3, 2, 3], 1, "same", "relu", bias=[3], rank3=True)

FD = "fused.depthwiseConv2d"
fused_conv_case("bias_relu_m2", FD, [1, 6, 6, 3], [3, 3, 3, 2], 1, "same", "relu", bias=[6])
fused_conv_case("bias_prelu_scalar", FD, [1, 5, 5, 2], [3, 3, 2, 1], 2, "valid", "prelu", bias=[2], prelu=[])
fused_conv_case("nchw_bias_elu", FD, [1, 2, 6, 6], [3, 3, 2, 2], 1, "same", "elu", bias=[4], fmt="NCHW")
fused_conv_case("sigmoid_no_bias", FD, [2, 5, 5, 2], [2, 2, 2, 2], 1, "valid", "sigmoid")


def fused_matmul_case(name, ash, bsh, ta=False, tb=False, act="linear", bias=None, prelu=None, alpha=None):
    a = fx.rand(ash)
    b = fx.rand(bsh)
    A = np.swapaxes(a, -1, -2) if ta else a
    B = np.swapaxes(b, -1, -2) if tb else b
    v = np.matmul(A.astype(np.float64), B.astype(np.float64))
    inputs = [a, b]
    args = {"a": IN(0), "b": IN(1)}
    if ta:
        args["transposeA"] = True
    if tb:
        args["transposeB"] = True
    if bias is not None:
        bb = fx.rand(bias)
        inputs.append(bb)
        args["bias"] = IN(len(inputs) - 1)
        v = v + bb
    w = None
    if prelu is not None:
        w = fx.rand(prelu, 0, 1)
        inputs.append(w)
        args["preluActivationWeights"] = IN(len(inputs) - 1)
    if act != "linear":
        args["activation"] = act
    if alpha is not None:
        args["leakyreluAlpha"] = alpha
    y = activation_ref(v, act, w, 0.2 if alpha is None else alpha)
    fx.case("fused.matMul/" + name, "fused.matMul", inputs, [args], y, tol_for(A.shape[-1]))


fused_matmul_case("bias_relu", [3, 4], [4, 5], act="relu", bias=[5])
fused_matmul_case("transposeA_sigmoid", [4, 3], [4, 5], ta=True, act="sigmoid", bias=[5])
fused_matmul_case("transposeB_prelu", [3, 4], [5, 4], tb=True, act="prelu", prelu=[5])
fused_matmul_case("both_leakyrelu_batch", [2, 4, 3], [2, 5, 4], ta=True, tb=True, act="leakyrelu", bias=[5], alpha=0.3)
fused_matmul_case("batch_bcast_relu6_bias2d", [2, 3, 4], [4, 5], act="relu6", bias=[3, 5])
fused_matmul_case("elu_no_bias", [3, 6], [6, 2], act="elu")

fx.write()
