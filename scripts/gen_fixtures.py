#!/usr/bin/env python3
"""NumPy oracle for wgflow's elementwise ops.

Writes tests/fixtures/elementwise.json: a list of cases, each an op name, its
inputs (tensors given as dtype/shape/flat row-major data, optionally with a
"perm" meaning "transpose after building" to make a non-contiguous input, or a
bare JavaScript number {"scalar": v}), its attrs, and the expected tensor.

Expected values are computed with NumPy, following wgflow's rules where they
differ from NumPy's (dtype promotion, integer division by zero, float-output
unary ops computed in float64 from float32 inputs and rounded to float32).

Run from the repository root (needs only Python 3 and numpy):

    python3 scripts/gen_fixtures.py

The output is deterministic (fixed seed, fixed case order): rerunning it with
the same NumPy version rewrites an identical file.

JSON layout:
    {"generator": "scripts/gen_fixtures.py", "numpy": "<version>", "cases": [CASE, ...]}
    CASE   = {"name", "op", "inputs": [INPUT, ...], "attrs": {...}, "expected": TENSOR}
    INPUT  = TENSOR (optionally with "perm") | {"scalar": number}
    TENSOR = {"dtype": "float32"|"int32"|"uint32"|"bool", "shape": [...], "data": [...]}
Float data are JSON numbers or the strings "NaN", "Infinity", "-Infinity".
Cases whose inputs or expected values contain NaN/Infinity have names ending
in "/special"; every other case is all-finite.
"""

import json
import math
import os
import sys

import numpy as np

SEED = 20240611
rs = np.random.RandomState(SEED)

F32, I32, U32, BOOL = np.float32, np.int32, np.uint32, np.bool_
DTYPE_NAMES = {np.dtype(F32): "float32", np.dtype(I32): "int32",
               np.dtype(U32): "uint32", np.dtype(BOOL): "bool"}
NAME_DTYPES = {v: k for k, v in DTYPE_NAMES.items()}

# Ops allowed to have "/special" cases (NaN / +-Infinity).
SPECIAL_OPS = {"neg", "abs", "exp", "log", "sqrt", "floor", "ceil", "tanh", "sigmoid",
               "add", "sub", "mul", "div", "maximum", "minimum", "equal", "notEqual",
               "less", "lessEqual", "greater", "greaterEqual", "cast", "where"}


class OracleError(Exception):
    pass


class Scalar:
    """A bare JavaScript number passed to an op."""

    def __init__(self, v):
        v = float(v)
        if v.is_integer():
            v = int(v)
        elif float(np.float32(v)) != v:
            raise OracleError("scalar %r is not float32-representable" % v)
        self.v = v

    def is_int(self):
        return isinstance(self.v, int)


# ----------------------------------------------------------------------------
# array constructors
# ----------------------------------------------------------------------------

def f32(vals, shape=None):
    a = np.array(vals, dtype=F32)
    return a.reshape(shape) if shape is not None else a


def i32(vals, shape=None):
    a = np.array(vals, dtype=np.int64)
    assert np.all((a >= -2**31) & (a < 2**31))
    a = a.astype(I32)
    return a.reshape(shape) if shape is not None else a


def u32(vals, shape=None):
    a = np.array(vals, dtype=np.int64)
    assert np.all((a >= 0) & (a < 2**32))
    a = a.astype(U32)
    return a.reshape(shape) if shape is not None else a


def bl(vals, shape=None):
    a = np.array(vals, dtype=BOOL)
    return a.reshape(shape) if shape is not None else a


def size_of(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def rand_f32(shape, lo, hi, accept=None):
    """Uniform float32 values in [lo, hi); `accept(x)` rejects ill-conditioned ones."""
    out = []
    n = size_of(shape)
    while len(out) < n:
        x = float(np.float32(rs.uniform(lo, hi)))
        if accept is None or accept(x):
            out.append(x)
    return f32(out, shape)


def rand_logu_f32(shape, lo, hi, accept=None):
    """Log-uniform positive float32 values in [lo, hi)."""
    out = []
    n = size_of(shape)
    while len(out) < n:
        x = float(np.float32(math.exp(rs.uniform(math.log(lo), math.log(hi)))))
        if accept is None or accept(x):
            out.append(x)
    return f32(out, shape)


def rand_i32(shape, lo, hi, accept=None):
    """Uniform int32 values in [lo, hi] (inclusive)."""
    out = []
    n = size_of(shape)
    while len(out) < n:
        x = int(rs.randint(lo, hi + 1, dtype=np.int64))
        if accept is None or accept(x):
            out.append(x)
    return i32(out, shape)


def rand_u32(shape, lo, hi, accept=None):
    out = []
    n = size_of(shape)
    while len(out) < n:
        x = int(rs.randint(lo, hi + 1, dtype=np.int64))
        if accept is None or accept(x):
            out.append(x)
    return u32(out, shape)


def rand_bool(shape):
    return bl(rs.randint(0, 2, size=size_of(shape)).astype(bool), shape)


def away_from_int(x, eps=1e-3):
    return abs(x - round(x)) > eps


def away_from_half(x, eps=1e-3):
    return abs(abs(x - math.floor(x)) - 0.5) > eps


# ----------------------------------------------------------------------------
# reference semantics (wgflow rules)
# ----------------------------------------------------------------------------

def dt_of(x):
    return np.dtype(x.dtype)


def promote(a, b, op, allow_bool=False):
    """Result dtype of a binary op on a, b (ndarray or Scalar)."""
    if isinstance(a, Scalar) and isinstance(b, Scalar):
        raise OracleError("%s: two bare numbers" % op)
    if isinstance(a, Scalar) or isinstance(b, Scalar):
        s, t = (a, b) if isinstance(a, Scalar) else (b, a)
        dt = dt_of(t)
        if dt == np.dtype(BOOL):
            raise OracleError("%s: bare number with bool tensor" % op)
        if dt == np.dtype(F32):
            return dt
        if s.is_int():
            return dt
        return np.dtype(F32)
    da, db = dt_of(a), dt_of(b)
    if da == db:
        if da == np.dtype(BOOL) and not allow_bool:
            raise OracleError("%s: bool operands" % op)
        return da
    if np.dtype(BOOL) in (da, db):
        raise OracleError("%s: bool mixed with number" % op)
    if np.dtype(F32) in (da, db):
        return np.dtype(F32)
    raise OracleError("%s: int32 with uint32" % op)


def to_dt(x, dt):
    if isinstance(x, Scalar):
        if np.issubdtype(dt, np.integer):
            info = np.iinfo(dt)
            if not (info.min <= x.v <= info.max):
                raise OracleError("scalar %r out of range for %s" % (x.v, dt))
        return np.array(x.v, dtype=dt)
    return x.astype(dt)


def binary_arith(op, a, b):
    dt = promote(a, b, op)
    x, y = to_dt(a, dt), to_dt(b, dt)
    isf = dt == np.dtype(F32)
    with np.errstate(all="ignore"):
        if op == "add":
            r = x + y
        elif op == "sub":
            r = x - y
        elif op == "mul":
            r = x * y
        elif op == "div" and isf:
            r = np.divide(x, y)
        elif op in ("div", "floorDiv", "mod"):
            if isf:
                f = np.floor_divide if op == "floorDiv" else np.mod
                r = f(x.astype(np.float64), y.astype(np.float64))
            else:
                ys = np.where(y == 0, np.ones_like(y), y)
                f = np.mod if op == "mod" else np.floor_divide
                r = np.where(y == 0, np.zeros_like(x), f(x, ys))
        elif op == "pow":
            if isf:
                r = np.power(x.astype(np.float64), y.astype(np.float64))
            else:
                if np.any(np.broadcast_to(y, np.broadcast_shapes(x.shape, y.shape)) < 0):
                    raise OracleError("integer pow with negative exponent")
                r = np.power(x, y)
        elif op == "maximum":
            r = np.maximum(x, y)
        elif op == "minimum":
            r = np.minimum(x, y)
        elif op == "atan2":
            r = np.arctan2(x.astype(F32).astype(np.float64), y.astype(F32).astype(np.float64))
            dt = np.dtype(F32)
        else:
            raise OracleError(op)
    return np.asarray(r).astype(dt)


COMPARE = {"equal": np.equal, "notEqual": np.not_equal, "less": np.less,
           "lessEqual": np.less_equal, "greater": np.greater, "greaterEqual": np.greater_equal}


def compare(op, a, b):
    dt = promote(a, b, op, allow_bool=op in ("equal", "notEqual"))
    return np.asarray(COMPARE[op](to_dt(a, dt), to_dt(b, dt))).astype(BOOL)


def logical(op, *xs):
    for x in xs:
        if isinstance(x, Scalar) or dt_of(x) != np.dtype(BOOL):
            raise OracleError("%s needs bool tensors" % op)
    if op == "logicalNot":
        return np.logical_not(xs[0])
    f = {"logicalAnd": np.logical_and, "logicalOr": np.logical_or,
         "logicalXor": np.logical_xor}[op]
    return np.asarray(f(xs[0], xs[1])).astype(BOOL)


def unary_keep(op, x):
    dt = dt_of(x)
    if dt == np.dtype(BOOL):
        raise OracleError("%s on bool" % op)
    isf = dt == np.dtype(F32)
    with np.errstate(all="ignore"):
        if op == "neg":
            r = np.negative(x)
        elif op == "abs":
            r = np.abs(x)
        elif op == "sign":
            r = np.sign(x)
        elif op == "square":
            r = np.square(x)
        elif op == "relu":
            r = np.maximum(x, np.zeros((), dtype=dt))
        elif op in ("floor", "ceil", "round"):
            r = {"floor": np.floor, "ceil": np.ceil, "round": np.round}[op](x) if isf else x.copy()
        else:
            raise OracleError(op)
    return np.asarray(r).astype(dt)


def _erf(v):
    return np.vectorize(math.erf, otypes=[np.float64])(v) if v.size else v.copy()


def _softplus(v):
    return np.logaddexp(0.0, v)


UNARY_FLOAT = {
    "exp": np.exp,
    "log": np.log,
    "log1p": np.log1p,
    "expm1": np.expm1,
    "sqrt": np.sqrt,
    "rsqrt": lambda v: 1.0 / np.sqrt(v),
    "reciprocal": lambda v: 1.0 / v,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "tanh": np.tanh,
    "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
    "elu": lambda v: np.where(v > 0, v, np.expm1(np.minimum(v, 0.0))),
    "gelu": lambda v: 0.5 * v * (1.0 + _erf(v / math.sqrt(2.0))),
    "softplus": _softplus,
    "erf": _erf,
}


def unary_float(op, x, attrs):
    if dt_of(x) == np.dtype(BOOL):
        raise OracleError("%s on bool" % op)
    v = x.astype(F32).astype(np.float64)
    with np.errstate(all="ignore"):
        if op == "leakyRelu":
            r = np.where(v >= 0, v, attrs["alpha"] * v)
        else:
            r = UNARY_FLOAT[op](v)
        return np.asarray(r, dtype=np.float64).astype(F32)


def where(cond, a, b):
    if isinstance(cond, Scalar) or dt_of(cond) != np.dtype(BOOL):
        raise OracleError("where: cond must be bool")
    dt = promote(a, b, "where", allow_bool=True)
    return np.asarray(np.where(cond, to_dt(a, dt), to_dt(b, dt))).astype(dt)


def cast(x, target):
    src, dst = dt_of(x), NAME_DTYPES[target]
    if dst == np.dtype(BOOL):
        return (x != 0).astype(BOOL)
    if src == np.dtype(BOOL):
        return x.astype(dst)
    if src == np.dtype(F32) and dst != np.dtype(F32):
        if not np.all(np.isfinite(x)):
            raise OracleError("cast float->int of non-finite")
        t = np.trunc(x.astype(np.float64))
        info = np.iinfo(dst)
        if dst == np.dtype(U32) and np.any(x < 0):
            raise OracleError("cast negative float -> uint32")
        if np.any(t < info.min) or np.any(t > info.max):
            raise OracleError("cast float out of int range")
        return t.astype(dst)
    if dst == np.dtype(F32) and src != np.dtype(F32):
        if np.any(np.abs(x.astype(np.int64)) > 2**24):
            raise OracleError("int->float32 cast would round")
    return x.astype(dst)


def clip(x, lo, hi):
    dt = dt_of(x)
    if dt == np.dtype(BOOL):
        raise OracleError("clip on bool")
    if np.issubdtype(dt, np.integer) and not (float(lo).is_integer() and float(hi).is_integer()):
        raise OracleError("clip: integer tensor with non-integer bounds")
    return np.clip(x, np.array(lo, dtype=dt), np.array(hi, dtype=dt)).astype(dt)


BINARY_ARITH = {"add", "sub", "mul", "div", "floorDiv", "mod", "pow", "maximum", "minimum", "atan2"}
UNARY_KEEP = {"neg", "abs", "sign", "square", "relu", "floor", "ceil", "round"}


def reference(op, xs, attrs):
    if op in BINARY_ARITH:
        return binary_arith(op, xs[0], xs[1])
    if op in COMPARE:
        return compare(op, xs[0], xs[1])
    if op in ("logicalAnd", "logicalOr", "logicalXor", "logicalNot"):
        return logical(op, *xs)
    if op in UNARY_KEEP:
        return unary_keep(op, xs[0])
    if op in UNARY_FLOAT or op == "leakyRelu":
        return unary_float(op, xs[0], attrs)
    if op == "where":
        return where(*xs)
    if op == "cast":
        return cast(xs[0], attrs["dtype"])
    if op == "clipByValue":
        return clip(xs[0], attrs["min"], attrs["max"])
    if op == "range":
        dt = NAME_DTYPES[attrs["dtype"]]
        if dt == np.dtype(F32):
            return np.arange(attrs["start"], attrs["stop"], attrs["step"], dtype=np.float64).astype(F32)
        return np.arange(attrs["start"], attrs["stop"], attrs["step"], dtype=np.int64).astype(dt)
    if op == "linspace":
        return np.linspace(attrs["start"], attrs["stop"], attrs["num"], dtype=np.float64).astype(F32)
    if op == "eye":
        n = attrs["numRows"]
        m = attrs["numColumns"] if attrs["numColumns"] is not None else n
        return np.eye(n, m, dtype=NAME_DTYPES[attrs["dtype"]])
    if op == "fill":
        return np.full(attrs["shape"], attrs["value"], dtype=NAME_DTYPES[attrs["dtype"]])
    if op == "zeros":
        return np.zeros(attrs["shape"], dtype=NAME_DTYPES[attrs["dtype"]])
    if op == "ones":
        return np.ones(attrs["shape"], dtype=NAME_DTYPES[attrs["dtype"]])
    raise OracleError("unknown op " + op)


# ----------------------------------------------------------------------------
# JSON encoding and case registry
# ----------------------------------------------------------------------------

def enc_value(v, dt):
    if dt == np.dtype(BOOL):
        return bool(v)
    if dt == np.dtype(F32):
        f = float(v)
        if math.isnan(f):
            return "NaN"
        if math.isinf(f):
            return "Infinity" if f > 0 else "-Infinity"
        return f
    return int(v)


def enc_tensor(a):
    a = np.asarray(a)
    dt = dt_of(a)
    if dt not in DTYPE_NAMES:
        raise OracleError("unsupported dtype %s" % dt)
    return {"dtype": DTYPE_NAMES[dt], "shape": [int(d) for d in a.shape],
            "data": [enc_value(v, dt) for v in a.reshape(-1)]}


def nonfinite(a):
    a = np.asarray(a)
    return a.dtype == np.dtype(F32) and not bool(np.all(np.isfinite(a)))


CASES = []
NAMES = set()


def T(arr, perm=None):
    return ("t", arr, perm)


def case(name, op, inputs, attrs=None, expected_dtype=None):
    attrs = {} if attrs is None else attrs
    if name in NAMES:
        raise OracleError("duplicate case name " + name)
    if not name.startswith(op + "/"):
        raise OracleError("case name %s should start with %s/" % (name, op))
    NAMES.add(name)
    eff, jins = [], []
    for inp in inputs:
        if isinstance(inp, Scalar):
            eff.append(inp)
            jins.append({"scalar": inp.v})
            continue
        if not isinstance(inp, tuple):
            inp = T(np.asarray(inp))
        _, arr, perm = inp
        arr = np.asarray(arr)
        j = enc_tensor(arr)
        if perm is not None:
            if sorted(perm) != list(range(arr.ndim)) or list(perm) == list(range(arr.ndim)):
                raise OracleError("%s: bad perm %r" % (name, perm))
            j["perm"] = list(perm)
            arr = np.transpose(arr, perm)
        eff.append(arr)
        jins.append(j)
    exp = np.asarray(reference(op, eff, attrs))
    if expected_dtype is not None and DTYPE_NAMES[dt_of(exp)] != expected_dtype:
        raise OracleError("%s: expected dtype %s, got %s" % (name, expected_dtype, exp.dtype))
    special = any(nonfinite(x) for x in eff if not isinstance(x, Scalar)) or nonfinite(exp)
    if name.endswith("/special"):
        if op not in SPECIAL_OPS:
            raise OracleError("%s: op not allowed special values" % name)
        if not special:
            raise OracleError("%s: special case without NaN/Infinity" % name)
    elif special:
        raise OracleError("%s: non-finite values in an ordinary case" % name)
    CASES.append({"name": name, "op": op, "inputs": jins, "attrs": attrs,
                  "expected": enc_tensor(exp)})


NAN, INF = float("nan"), float("inf")

# ----------------------------------------------------------------------------
# unary keep-dtype ops
# ----------------------------------------------------------------------------

SPREAD = [-1000.5, -7.25, -3.75, -2.5, -1.5, -1.0, -0.75, -0.5, -0.25, -0.1, 0.0,
          0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.5, 3.7, 12.125, 65504.0, 1.0e6]
INT_SPREAD = [-2147483647, -100000, -17, -5, -2, -1, 0, 1, 2, 3, 8, 99, 65535, 2147483647]
UINT_SPREAD = [0, 1, 2, 7, 100, 65535, 65536, 2147483647, 2147483648, 3000000000, 4294967295]

for op in ["neg", "abs", "sign", "square", "relu", "floor", "ceil", "round"]:
    spread = [v for v in SPREAD if not (op == "square" and abs(v) > 1e5)]
    case(op + "/f32_spread", op, [f32(spread)])
    case(op + "/f32_rank0", op, [f32(-2.75 if op != "round" else -3.5, [])])
    acc = None
    if op in ("floor", "ceil"):
        acc = away_from_int
    elif op == "round":
        acc = away_from_half
    case(op + "/f32_rank3_random", op, [rand_f32([2, 3, 4], -10, 10, acc)])
    case(op + "/f32_rank4", op, [rand_f32([2, 1, 3, 2], -4, 4, acc)])
    case(op + "/f32_empty", op, [f32([], [2, 0])])
    case(op + "/f32_perm", op, [T(rand_f32([3, 4], -6, 6, acc), [1, 0])])
    ints = INT_SPREAD if op != "square" else [-46340, -1000, -17, -2, -1, 0, 1, 3, 99, 46340]
    case(op + "/i32_spread", op, [i32(ints)], expected_dtype="int32")
    case(op + "/i32_rank2", op, [rand_i32([3, 4], -50, 50)], expected_dtype="int32")
    uints = UINT_SPREAD if op not in ("square", "neg") else [0, 1, 2, 7, 100, 65535]
    case(op + "/u32_spread", op, [u32(uints)], expected_dtype="uint32")
    case(op + "/i32_perm", op, [T(rand_i32([2, 3, 2], -9, 9), [2, 0, 1])], expected_dtype="int32")

case("neg/u32_wrap", "neg", [u32([1, 2, 100, 2147483648, 4294967295])], expected_dtype="uint32")
case("square/i32_wrap", "square", [i32([46341, -46341, 65536, 100000, -2147483647])],
     expected_dtype="int32")
case("square/u32_wrap", "square", [u32([65536, 65537, 100000, 4294967295])], expected_dtype="uint32")
case("round/f32_halfway", "round",
     [f32([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, -3.5, 4.5, 0.49999997, -0.49999997, 1.4999999,
           2.5000002, 4194304.5, 4194305.5, 8388609.0, -8388607.5, 1e7])])
case("floor/f32_exact_and_large", "floor",
     [f32([-3.0, -2.0, -0.0, 0.0, 2.0, -2.9999998, 2.9999998, 8388607.5, -8388607.5, 1e7, -1e7])])
case("ceil/f32_exact_and_large", "ceil",
     [f32([-3.0, -2.0, 0.0, 2.0, -2.9999998, 2.9999998, 8388607.5, -8388607.5, 1e7, -1e7])])
case("relu/f32_alternating_rank2", "relu", [f32([-1, 2, -3, 4, 5, -6, 0.5, -0.5], [2, 4])])
case("sign/f32_tiny", "sign", [f32([1e-30, -1e-30, 1e-38, -3.0e38, 3.0e38])])

SPECIAL_F = [NAN, INF, -INF, 0.0, -1.5, 2.25]
for op in ["neg", "abs", "floor", "ceil"]:
    case(op + "/special", op, [f32(SPECIAL_F + [-INF, 7.5], [2, 4])])

# ----------------------------------------------------------------------------
# unary float-output ops
# ----------------------------------------------------------------------------

def sin_ok(x):
    return abs(math.sin(x)) > 1e-2


def cos_ok(x):
    return abs(math.cos(x)) > 1e-2


def tan_ok(x):
    return abs(math.cos(x)) > 0.05 and abs(math.tan(x)) > 1e-2


# op -> (hand-picked float values, random generator, int values, uint values or None)
UF = {
    "exp": ([-20.0, -10.0, -2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 10.0, 20.0, 80.0, 88.0],
            lambda s: rand_f32(s, -10, 10), [-5, -2, -1, 0, 1, 3, 10], [0, 1, 2, 5, 20]),
    "log": ([1e-30, 1e-6, 0.01, 0.25, 0.5, 1.0, 2.0, 2.718281828, 10.0, 1234.5, 1e20, 3e38],
            lambda s: rand_logu_f32(s, 0.01, 100, lambda x: abs(x - 1) > 0.05),
            [1, 2, 3, 10, 100, 65536, 1000000], [1, 2, 7, 1000, 4000000]),
    "log1p": ([-0.9, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 3.0, 10.0, 1000.0, 1e10],
              lambda s: rand_f32(s, -0.9, 10, lambda x: abs(x) > 0.05),
              [0, 1, 2, 9, 99, 100000], [0, 1, 5, 1000]),
    "expm1": ([-20.0, -5.0, -1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 5.0, 20.0, 80.0],
              lambda s: rand_f32(s, -5, 5, lambda x: abs(x) > 0.05),
              [-5, -1, 0, 1, 2, 10], [0, 1, 3, 10]),
    "sqrt": ([0.0, 1e-30, 1e-6, 0.25, 0.5, 1.0, 2.0, 4.0, 9.0, 100.0, 12345.678, 1e30],
             lambda s: rand_f32(s, 0, 100), [0, 1, 2, 4, 9, 10, 1000000, 16777216],
             [0, 1, 3, 16, 65536, 16777216]),
    "rsqrt": ([1e-30, 1e-6, 0.25, 0.5, 1.0, 2.0, 4.0, 9.0, 100.0, 12345.678, 1e30],
              lambda s: rand_logu_f32(s, 0.01, 100), [1, 2, 4, 9, 10, 1000000],
              [1, 3, 16, 65536]),
    "reciprocal": ([-1e6, -3.0, -1.0, -0.5, -0.1, 1e-6, 0.1, 0.25, 1.0, 3.0, 7.0, 1e30],
                   lambda s: rand_f32(s, -100, 100, lambda x: abs(x) > 0.1),
                   [-100, -7, -2, -1, 1, 2, 3, 1000000], [1, 2, 3, 7, 1000000]),
    "sin": ([-10.0, -2.0, -1.0, -0.5, -0.1, 0.0, 0.1, 0.5, 1.0, 1.5707964, 2.0, 3.0, 10.0],
            lambda s: rand_f32(s, -10, 10, sin_ok), [-10, -3, -1, 0, 1, 2, 5], None),
    "cos": ([-10.0, -2.0, -1.0, -0.5, -0.1, 0.0, 0.1, 0.5, 1.0, 3.1415927, 2.0, 3.0, 10.0],
            lambda s: rand_f32(s, -10, 10, cos_ok), [-10, -3, -1, 0, 1, 2, 5], None),
    "tan": ([-1.4, -1.0, -0.5, -0.1, 0.0, 0.1, 0.5, 0.7853982, 1.0, 1.4, 3.0, -3.0],
            lambda s: rand_f32(s, -1.45, 1.45, tan_ok), [-3, -2, -1, 0, 1, 2, 3], None),
    "tanh": ([-100.0, -20.0, -5.0, -1.0, -0.5, -0.1, 0.0, 0.1, 0.5, 1.0, 5.0, 20.0, 100.0],
             lambda s: rand_f32(s, -5, 5), [-100, -20, -3, -1, 0, 1, 2, 20], [0, 1, 2, 100]),
    "sigmoid": ([-100.0, -20.0, -5.0, -1.0, -0.5, -0.1, 0.0, 0.1, 0.5, 1.0, 5.0, 20.0, 100.0],
                lambda s: rand_f32(s, -10, 10), [-20, -3, -1, 0, 1, 2, 20], [0, 1, 2, 100]),
    "elu": ([-100.0, -20.0, -5.0, -1.0, -0.5, -0.1, 0.0, 0.1, 0.5, 1.0, 5.0, 20.0, 100.0],
            lambda s: rand_f32(s, -5, 5), [-20, -3, -1, 0, 1, 2, 20], [0, 1, 2, 100]),
    "gelu": ([-3.0, -2.0, -1.0, -0.5, -0.1, 0.0, 0.1, 0.5, 1.0, 2.0, 3.0, 10.0, 100.0],
             lambda s: rand_f32(s, -3, 3), [-3, -1, 0, 1, 2, 5], [0, 1, 2, 100]),
    "softplus": ([-30.0, -20.0, -5.0, -1.0, -0.5, 0.0, 0.5, 1.0, 5.0, 20.0, 50.0, 100.0],
                 lambda s: rand_f32(s, -10, 10), [-20, -3, -1, 0, 1, 2, 20], [0, 1, 2, 100]),
    "erf": ([-3.0, -2.0, -1.0, -0.5, -0.1, -0.01, 0.0, 0.01, 0.1, 0.5, 1.0, 2.0, 3.0, 5.0],
            lambda s: rand_f32(s, -3, 3), [-3, -1, 0, 1, 2, 4], [0, 1, 2, 100]),
    "leakyRelu": ([-100.0, -5.0, -1.0, -0.5, -0.1, 0.0, 0.1, 0.5, 1.0, 5.0, 100.0],
                  lambda s: rand_f32(s, -5, 5), [-20, -3, -1, 0, 1, 2, 20], [0, 1, 2, 100]),
}

for op, (vals, gen, ints, uints) in UF.items():
    at = {"alpha": 0.2} if op == "leakyRelu" else {}
    case(op + "/f32_values", op, [f32(vals)], at, expected_dtype="float32")
    case(op + "/f32_rank2_random", op, [gen([4, 6])], at, expected_dtype="float32")
    case(op + "/f32_rank0", op, [f32(vals[len(vals) // 2 + 1], [])], at, expected_dtype="float32")
    case(op + "/f32_rank4_random", op, [gen([2, 2, 1, 3])], at, expected_dtype="float32")
    case(op + "/f32_empty", op, [f32([], [0, 3])], at, expected_dtype="float32")
    case(op + "/f32_perm", op, [T(gen([2, 3, 4]), [1, 2, 0])], at, expected_dtype="float32")
    case(op + "/i32_input", op, [i32(ints)], at, expected_dtype="float32")
    if uints is not None:
        case(op + "/u32_input", op, [u32(uints)], at, expected_dtype="float32")

case("exp/f32_large", "exp", [f32([88.0, 87.5, 80.0, 50.0, 20.0, -20.0, -50.0, -80.0])])
case("tanh/f32_large", "tanh", [f32([100.0, -100.0, 20.0, -20.0, 10.0, -10.0, 9.0, -9.0])])
case("sigmoid/f32_large", "sigmoid", [f32([100.0, -100.0, 20.0, -20.0, 50.0, -50.0, 15.0, -15.0])])
case("softplus/f32_large", "softplus", [f32([100.0, 50.0, 30.0, 20.0, -20.0, -30.0, 80.0, -15.0])])
case("expm1/f32_small", "expm1", [f32([1e-4, -1e-4, 1e-3, -1e-3, 0.01, -0.01, 1e-6, -1e-6])])
case("log1p/f32_small", "log1p", [f32([1e-4, -1e-4, 1e-3, -1e-3, 0.01, -0.01, 1e-6, -1e-6])])
case("leakyRelu/f32_alpha_0_01", "leakyRelu", [f32([-100.0, -3.0, -0.5, 0.0, 0.5, 3.0])],
     {"alpha": 0.01})
case("leakyRelu/f32_alpha_0", "leakyRelu", [f32([-2.0, -0.5, 0.0, 0.5, 2.0])], {"alpha": 0})
case("leakyRelu/f32_alpha_1_5", "leakyRelu", [f32([-2.0, -0.5, 0.0, 0.5, 2.0], [5, 1])],
     {"alpha": 1.5})

case("exp/special", "exp", [f32([NAN, INF, -INF, 89.0, 100.0, -200.0, 0.0, 1.0])])
case("log/special", "log", [f32([0.0, -1.0, -INF, INF, NAN, 1.0, -0.5, 2.0])])
case("sqrt/special", "sqrt", [f32([-1.0, -INF, INF, NAN, 0.0, 4.0, -1e-30, 2.0])])
case("tanh/special", "tanh", [f32([INF, -INF, NAN, 0.0, 1.0, -1.0])])
case("sigmoid/special", "sigmoid", [f32([INF, -INF, NAN, 0.0, 1.0, -1.0])])

# ----------------------------------------------------------------------------
# binary arithmetic
# ----------------------------------------------------------------------------


def div_ok(a, b):
    q = a / b
    return abs(q - round(q)) > 1e-3


def pair_f32(shape_a, shape_b, op, perm_b=None):
    """Random float32 operands suited to op (broadcast pairs checked elementwise)."""
    if op == "pow":
        a = rand_f32(shape_a, 0.25, 4)
        b = rand_f32(shape_b, -2, 3)
        return a, b
    if op in ("floorDiv", "mod"):
        for _ in range(1000):
            a = rand_f32(shape_a, -20, 20)
            b = rand_f32(shape_b, 0.5, 5) * np.where(rs.randint(0, 2, size=shape_b) == 0, -1, 1).astype(F32)
            bb = b if perm_b is None else np.transpose(b, perm_b)
            q = np.broadcast_arrays(a.astype(np.float64), bb.astype(np.float64))
            if q[0].size == 0 or all(div_ok(x, y) for x, y in zip(q[0].ravel(), q[1].ravel())):
                return a, b
        raise OracleError("could not generate well-conditioned floorDiv/mod operands")
    if op == "div":
        a = rand_f32(shape_a, -20, 20)
        b = rand_f32(shape_b, 0.25, 8) * np.where(rs.randint(0, 2, size=shape_b) == 0, -1, 1).astype(F32)
        return a, b
    if op == "atan2":
        return rand_f32(shape_a, -5, 5, lambda x: abs(x) > 0.01), rand_f32(shape_b, -5, 5, lambda x: abs(x) > 0.01)
    return rand_f32(shape_a, -10, 10), rand_f32(shape_b, -10, 10)


def pair_i32(shape_a, shape_b, op):
    if op == "atan2":
        return rand_i32(shape_a, -20, 20, lambda x: x != 0), rand_i32(shape_b, -20, 20, lambda x: x != 0)
    if op == "pow":
        return rand_i32(shape_a, -6, 6), rand_i32(shape_b, 0, 5)
    if op in ("div", "floorDiv", "mod"):
        return rand_i32(shape_a, -50, 50), rand_i32(shape_b, -9, 9, lambda x: x != 0)
    return rand_i32(shape_a, -1000, 1000), rand_i32(shape_b, -1000, 1000)


def pair_u32(shape_a, shape_b, op):
    if op == "atan2":
        return rand_u32(shape_a, 0, 1000), rand_u32(shape_b, 1, 1000)
    if op == "mul":
        return rand_u32(shape_a, 0, 65535), rand_u32(shape_b, 0, 65535)
    if op == "pow":
        return rand_u32(shape_a, 0, 10), rand_u32(shape_b, 0, 5)
    if op in ("div", "floorDiv", "mod"):
        return rand_u32(shape_a, 0, 4294967295), rand_u32(shape_b, 1, 1000)
    if op == "sub":
        a = rand_u32(shape_a, 1000, 4294967295)
        return a, rand_u32(shape_b, 0, 1000)
    return rand_u32(shape_a, 0, 4294967295 // 2), rand_u32(shape_b, 0, 4294967295 // 2)


BIN_OPS = ["add", "sub", "mul", "div", "floorDiv", "mod", "pow", "maximum", "minimum", "atan2"]
for op in BIN_OPS:
    a, b = pair_f32([2, 3], [2, 3], op)
    case(op + "/f32_same_shape", op, [a, b], expected_dtype="float32")
    a, b = pair_f32([3, 1], [1, 4], op)
    case(op + "/f32_broadcast_col_row", op, [a, b], expected_dtype="float32")
    a, b = pair_f32([2, 3], [3], op)
    case(op + "/f32_broadcast_row", op, [a, b], expected_dtype="float32")
    a, b = pair_f32([], [2, 3], op)
    case(op + "/f32_broadcast_rank0_lhs", op, [a, b], expected_dtype="float32")
    a, b = pair_f32([], [], op)
    case(op + "/f32_rank0_rank0", op, [a, b], expected_dtype="float32")
    a, b = pair_f32([2, 1, 3, 1], [1, 2, 1, 2], op)
    case(op + "/f32_rank4_broadcast", op, [a, b], expected_dtype="float32")
    a, b = pair_f32([0, 3], [1, 3], op)
    case(op + "/f32_empty_broadcast", op, [a, b], expected_dtype="float32")
    a, b = pair_f32([4, 3], [4, 3], op)
    case(op + "/f32_perm_lhs", op, [T(a, [1, 0]), b.T.copy()], expected_dtype="float32")
    a, b = pair_f32([2, 3, 4], [3, 1], op)
    case(op + "/f32_perm_lhs_broadcast", op, [T(a, [0, 2, 1]), b.reshape(3)], expected_dtype="float32")
    a, b = pair_f32([2, 3], [3, 2], op, perm_b=[1, 0])
    case(op + "/f32_perm_rhs", op, [a, T(b, [1, 0])], expected_dtype="float32")

    int_out = "float32" if op == "atan2" else "int32"
    uint_out = "float32" if op == "atan2" else "uint32"
    a, b = pair_i32([2, 4], [2, 4], op)
    case(op + "/i32_same_shape", op, [a, b], expected_dtype=int_out)
    a, b = pair_i32([3, 1], [1, 4], op)
    case(op + "/i32_broadcast_col_row", op, [a, b], expected_dtype=int_out)
    a, b = pair_i32([3, 2], [3], op)
    case(op + "/i32_perm_broadcast", op, [T(a, [1, 0]), b], expected_dtype=int_out)
    a, b = pair_u32([2, 4], [2, 4], op)
    case(op + "/u32_same_shape", op, [a, b], expected_dtype=uint_out)
    a, b = pair_u32([2, 3], [], op)
    case(op + "/u32_broadcast_rank0_rhs", op, [a, b], expected_dtype=uint_out)

    # mixed float32 / int: result float32 (ints cast to float32)
    fa, _ = pair_f32([2, 3], [2, 3], op)
    if op == "pow":
        ib = rand_i32([2, 3], -2, 3)
    elif op in ("div", "floorDiv", "mod"):
        ib = rand_i32([2, 3], -7, 7, lambda x: x != 0)
        if op != "div":
            fa = rand_f32([2, 3], -20, 20)
            while not all(div_ok(float(x), float(y)) for x, y in zip(fa.ravel(), ib.ravel())):
                fa = rand_f32([2, 3], -20, 20)
    elif op == "atan2":
        ib = rand_i32([2, 3], -5, 5, lambda x: x != 0)
    else:
        ib = rand_i32([2, 3], -20, 20)
    case(op + "/mixed_f32_i32", op, [fa, ib], expected_dtype="float32")
    if op == "pow":
        ua, fb = rand_u32([3], 1, 9), rand_f32([2, 3], -1.5, 2.5)
    elif op in ("floorDiv", "mod"):
        ua = rand_u32([3], 0, 100)
        fb = rand_f32([2, 3], 0.5, 7.0, lambda y: True)
        while not all(div_ok(float(x), float(y)) or float(x) == 0
                      for x, y in zip(np.broadcast_to(ua, (2, 3)).ravel(), fb.ravel())):
            fb = rand_f32([2, 3], 0.5, 7.0)
    elif op in ("div", "atan2"):
        ua, fb = rand_u32([3], 0, 100), rand_f32([2, 3], 0.5, 7.0)
    else:
        ua, fb = rand_u32([3], 0, 1000), rand_f32([2, 3], -100, 100)
    case(op + "/mixed_u32_f32", op, [ua, fb], expected_dtype="float32")

# Negative-int floor/mod semantics, exact float quotients, and division by zero.
NUM = [7, -7, 7, -7, 0, 1, -1, 6, -6, 13, -13, 2147483647, -2147483647]
DEN = [2, 2, -2, -2, 3, 3, 3, -3, -3, 5, -5, 10, 10]
for op in ["div", "floorDiv", "mod"]:
    case(op + "/i32_negatives", op, [i32(NUM), i32(DEN)], expected_dtype="int32")
    case(op + "/i32_div_by_zero", op, [i32([5, -5, 0, 2147483647, -2147483647, 3]),
                                       i32([0, 0, 0, 0, 0, 2])], expected_dtype="int32")
    case(op + "/u32_div_by_zero", op, [u32([5, 0, 4294967295, 3]), u32([0, 0, 0, 2])],
         expected_dtype="uint32")
    case(op + "/u32_large", op, [u32([4294967295, 4000000000, 2147483648, 3000000001, 17]),
                                 u32([7, 3, 2147483647, 1, 4294967295])], expected_dtype="uint32")
case("floorDiv/f32_negatives", "floorDiv",
     [f32([7.5, -7.5, 7.5, -7.5, -4.0, 6.0, 1.25, -1.25, 0.0, -0.75]),
      f32([2.0, 2.0, -2.0, -2.0, 2.0, -2.0, 0.5, 0.5, 4.0, 0.25])])
case("mod/f32_negatives", "mod",
     [f32([7.5, -7.5, 7.5, -7.5, 5.25, -5.25, 1.0, -1.0, 3.0, -3.5]),
      f32([2.0, 2.0, -2.0, -2.0, 4.0, 4.0, 0.75, 0.75, -8.0, 1.0])])
case("div/f32_values", "div",
     [f32([1.0, -1.0, 0.0, 3.0, 1e30, -1e-30, 7.0, 22.0, 1e6]),
      f32([3.0, 3.0, 5.0, 0.125, 1e-5, 1e5, -7.0, 7.0, 3.0])])

# pow: negative bases with integer exponents, zero exponents, fractional exponents.
case("pow/f32_negative_base_int_exp", "pow",
     [f32([-2.0, -2.0, -1.5, -1.5, -3.0, -0.5, -1.0, -1.0, -10.0, -2.0]),
      f32([2.0, 3.0, 2.0, 3.0, 4.0, 3.0, 7.0, 8.0, 5.0, -3.0])])
case("pow/f32_zero_exponent", "pow", [f32([0.0, 1.0, -1.0, 2.5, -3.5, 100.0]), f32([0.0] * 6)])
case("pow/f32_zero_base", "pow", [f32([0.0, 0.0, 0.0, 0.0]), f32([1.0, 2.0, 0.5, 3.0])])
case("pow/f32_fractional", "pow", [f32([4.0, 9.0, 2.0, 0.25, 10.0, 8.0, 1.0, 16.0]),
                                   f32([0.5, -0.5, 1.5, 0.5, -2.0, 1.0 / 3.0, 100.0, 0.25])])
case("pow/i32_values", "pow", [i32([2, -2, -3, 3, 0, 0, 1, -1, -1, 10, 7]),
                               i32([10, 3, 3, 0, 0, 5, 31, 7, 8, 9, 2])], expected_dtype="int32")
case("pow/i32_wrap", "pow", [i32([3, 2, -2, 10, 7]), i32([20, 31, 31, 10, 12])], expected_dtype="int32")
case("pow/u32_wrap", "pow", [u32([3, 2, 10, 7, 65536]), u32([21, 32, 10, 12, 2])], expected_dtype="uint32")

case("atan2/f32_quadrants", "atan2",
     [f32([1.0, 1.0, -1.0, -1.0, 0.0, 1.0, 0.0, -1.0, 3.0, -2.5]),
      f32([1.0, -1.0, 1.0, -1.0, 1.0, 0.0, -2.0, 0.0, 1e-3, 4.0])])

case("maximum/f32_ties", "maximum", [f32([1.0, -2.0, 0.0, 5.5]), f32([1.0, -2.0, 0.0, -5.5])])
case("minimum/f32_ties", "minimum", [f32([1.0, -2.0, 0.0, 5.5]), f32([1.0, -2.0, 0.0, -5.5])])
case("maximum/u32_large", "maximum", [u32([4294967295, 2147483648, 0, 5]), u32([1, 2147483647, 3, 5])],
     expected_dtype="uint32")
case("minimum/u32_large", "minimum", [u32([4294967295, 2147483648, 0, 5]), u32([1, 2147483647, 3, 5])],
     expected_dtype="uint32")
case("maximum/i32_extremes", "maximum", [i32([-2147483648, 2147483647, -1, 0]), i32([0, -5, 1, 0])],
     expected_dtype="int32")
case("minimum/i32_extremes", "minimum", [i32([-2147483648, 2147483647, -1, 0]), i32([0, -5, 1, 0])],
     expected_dtype="int32")

# a few larger arrays (span several GPU workgroups)
case("add/f32_rank1_300", "add", [rand_f32([300], -10, 10), rand_f32([300], -10, 10)])
case("mul/f32_perm_rank3_300", "mul", [T(rand_f32([5, 6, 10], -4, 4), [2, 0, 1]), rand_f32([10, 1, 6], -4, 4)])
case("maximum/i32_broadcast_col_row_272", "maximum", [rand_i32([16, 1], -100, 100), rand_i32([1, 17], -100, 100)],
     expected_dtype="int32")
case("sigmoid/f32_rank2_300", "sigmoid", [rand_f32([15, 20], -10, 10)])
case("exp/f32_perm_rank2_288", "exp", [T(rand_f32([12, 24], -5, 5), [1, 0])])

# integer wrap-around
case("add/i32_wrap", "add", [i32([2147483647, 2147483647, -2147483648, 2147483000, -2147483647]),
                             i32([1, 2147483647, -1, 1000, -2])], expected_dtype="int32")
case("sub/i32_wrap", "sub", [i32([-2147483648, 2147483647, 0]), i32([1, -1, -2147483648])],
     expected_dtype="int32")
case("mul/i32_wrap", "mul", [i32([65536, 46341, 2147483647, -2147483648, 123456789, -99999]),
                             i32([65536, 46341, 2, -1, 1000, 99999])], expected_dtype="int32")
case("add/u32_wrap", "add", [u32([4294967295, 4000000000, 2147483648]), u32([1, 500000000, 2147483648])],
     expected_dtype="uint32")
case("sub/u32_wrap", "sub", [u32([0, 1, 5, 2147483647, 100]), u32([1, 2, 4294967295, 2147483648, 100])],
     expected_dtype="uint32")
case("mul/u32_wrap", "mul", [u32([65536, 4294967295, 3000000000, 77777]), u32([65536, 2, 3, 55555])],
     expected_dtype="uint32")

# bare numbers
xi = i32([-7, -3, -1, 0, 1, 2, 5, 100], [2, 4])
xu = u32([0, 1, 2, 10, 3000000000, 4294967295], [2, 3])
xf = f32([-3.5, -1.25, -0.5, 0.0, 0.75, 2.0, 3.25, 10.0], [2, 4])
case("add/scalar_int_i32", "add", [xi, Scalar(2)], expected_dtype="int32")
case("add/scalar_int_u32", "add", [xu, Scalar(3)], expected_dtype="uint32")
case("add/scalar_float_i32", "add", [xi, Scalar(2.5)], expected_dtype="float32")
case("add/scalar_f32", "add", [xf, Scalar(0.25)], expected_dtype="float32")
case("add/scalar_lhs_f32", "add", [Scalar(1.5), xf], expected_dtype="float32")
case("sub/scalar_f32", "sub", [xf, Scalar(1.5)], expected_dtype="float32")
case("sub/scalar_lhs_i32", "sub", [Scalar(10), xi], expected_dtype="int32")
case("sub/scalar_int_u32_wrap", "sub", [xu, Scalar(5)], expected_dtype="uint32")
case("mul/scalar_float_i32", "mul", [xi, Scalar(0.5)], expected_dtype="float32")
case("mul/scalar_int_i32", "mul", [xi, Scalar(-3)], expected_dtype="int32")
case("mul/scalar_f32_rank0", "mul", [f32(4.5, []), Scalar(-2)], expected_dtype="float32")
case("div/scalar_int_i32", "div", [xi, Scalar(2)], expected_dtype="int32")
case("div/scalar_float_i32", "div", [xi, Scalar(2.5)], expected_dtype="float32")
case("div/scalar_f32", "div", [xf, Scalar(4)], expected_dtype="float32")
case("floorDiv/scalar_int_i32", "floorDiv", [xi, Scalar(-3)], expected_dtype="int32")
case("mod/scalar_int_i32", "mod", [xi, Scalar(3)], expected_dtype="int32")
case("mod/scalar_f32", "mod", [xf, Scalar(1.5)], expected_dtype="float32")
case("pow/scalar_f32", "pow", [xf, Scalar(2)], expected_dtype="float32")
case("pow/scalar_int_i32", "pow", [xi, Scalar(3)], expected_dtype="int32")
case("pow/scalar_float_i32", "pow", [i32([1, 4, 9, 16, 0]), Scalar(0.5)], expected_dtype="float32")
case("maximum/scalar_f32", "maximum", [xf, Scalar(0)], expected_dtype="float32")
case("maximum/scalar_i32", "maximum", [xi, Scalar(0)], expected_dtype="int32")
case("minimum/scalar_float_i32", "minimum", [xi, Scalar(1.5)], expected_dtype="float32")
case("minimum/scalar_u32", "minimum", [xu, Scalar(7)], expected_dtype="uint32")
case("atan2/scalar_f32", "atan2", [xf, Scalar(2)], expected_dtype="float32")

# special values
SA = [NAN, NAN, INF, INF, -INF, INF, 1.0, -1.0, 0.0, 0.0, 2.0, -INF]
SB = [1.0, NAN, 1.0, -INF, -INF, INF, 0.0, 0.0, 0.0, INF, -INF, 5.0]
for op in ["add", "sub", "mul", "div", "maximum", "minimum"]:
    case(op + "/special", op, [f32(SA, [3, 4]), f32(SB, [3, 4])], expected_dtype="float32")

# ----------------------------------------------------------------------------
# comparisons
# ----------------------------------------------------------------------------

for op in COMPARE:
    a = f32([-2.0, -1.0, 0.0, 0.5, 1.0, 3.25, 3.25, 7.0, -0.5, 100.0, 1e-7, -1e30])
    b = f32([-2.0, 1.0, 0.0, 0.25, 2.0, 3.25, -3.25, 6.5, -0.5, 100.5, 0.0, 1e30])
    case(op + "/f32_same_shape", op, [a.reshape(3, 4), b.reshape(3, 4)], expected_dtype="bool")
    case(op + "/f32_broadcast_col_row", op, [f32([-1.0, 0.0, 2.0], [3, 1]), f32([-1.0, 0.5, 2.0, 0.0], [1, 4])],
         expected_dtype="bool")
    case(op + "/i32_broadcast_row", op, [rand_i32([2, 3], -3, 3), i32([-1, 0, 2])], expected_dtype="bool")
    case(op + "/u32_large", op, [u32([0, 1, 2147483648, 4294967295, 3000000000, 7]),
                                  u32([4294967295, 1, 2147483647, 4294967295, 2999999999, 8])],
         expected_dtype="bool")
    case(op + "/mixed_f32_i32", op, [f32([0.5, 1.0, -1.0, 2.0, -2.5, 3.0]), i32([0, 1, -1, 3, -3, 2])],
         expected_dtype="bool")
    case(op + "/rank0_lhs", op, [f32(1.0, []), f32([0.0, 1.0, 2.0, -1.0, 1.0, 1.5], [2, 3])],
         expected_dtype="bool")
    case(op + "/empty", op, [i32([], [0, 3]), i32([1, 2, 3], [1, 3])], expected_dtype="bool")
    case(op + "/perm", op, [T(rand_i32([3, 4], -2, 2), [1, 0]), rand_i32([4, 3], -2, 2)],
         expected_dtype="bool")
    case(op + "/scalar_int_i32", op, [xi, Scalar(1)], expected_dtype="bool")
    case(op + "/scalar_float_i32", op, [i32([-1, 0, 1, 2, 3]), Scalar(1.5)], expected_dtype="bool")
    case(op + "/scalar_f32", op, [xf, Scalar(0.75)], expected_dtype="bool")
    case(op + "/special", op, [f32([NAN, NAN, 1.0, INF, -INF, INF, -INF, 0.0, 5.0]),
                               f32([NAN, 1.0, NAN, INF, -INF, -INF, 3.0, INF, -INF])],
         expected_dtype="bool")
for op in ["equal", "notEqual"]:
    case(op + "/bool_bool", op, [bl([True, True, False, False]), bl([True, False, True, False])],
         expected_dtype="bool")
    case(op + "/bool_broadcast", op, [bl([True, False], [2, 1]), bl([True, False, True], [3])],
         expected_dtype="bool")

# ----------------------------------------------------------------------------
# logical
# ----------------------------------------------------------------------------

for op in ["logicalAnd", "logicalOr", "logicalXor"]:
    case(op + "/truth_table", op, [bl([True, True, False, False]), bl([True, False, True, False])])
    case(op + "/broadcast_col_row", op, [bl([True, False, True], [3, 1]), bl([True, False, False, True], [1, 4])])
    case(op + "/rank0_rhs", op, [rand_bool([2, 3]), bl(True, [])])
    case(op + "/rank0_rank0", op, [bl(True, []), bl(False, [])])
    case(op + "/empty", op, [bl([], [0, 3]), bl([True, False, True], [1, 3])])
    case(op + "/perm", op, [T(rand_bool([2, 3, 4]), [2, 1, 0]), rand_bool([4, 3, 2])])
case("logicalNot/values", "logicalNot", [bl([True, False, False, True, True])])
case("logicalNot/rank2", "logicalNot", [rand_bool([3, 5])])
case("logicalNot/rank0", "logicalNot", [bl(False, [])])
case("logicalNot/empty", "logicalNot", [bl([], [2, 0])])
case("logicalNot/perm", "logicalNot", [T(rand_bool([3, 4]), [1, 0])])

# ----------------------------------------------------------------------------
# where
# ----------------------------------------------------------------------------

case("where/f32_same_shape", "where", [rand_bool([2, 3]), rand_f32([2, 3], -5, 5), rand_f32([2, 3], -5, 5)],
     expected_dtype="float32")
case("where/i32_broadcast_all", "where",
     [bl([True, False, True], [3, 1]), rand_i32([1, 4], -9, 9), rand_i32([3, 4], 100, 200)],
     expected_dtype="int32")
case("where/u32_same_shape", "where", [rand_bool([5]), u32([0, 1, 4294967295, 2147483648, 9]),
                                       u32([7, 8, 9, 10, 11])], expected_dtype="uint32")
case("where/bool_values", "where", [bl([True, False, True, False]), bl([True, True, False, False]),
                                    bl([False, False, True, True])], expected_dtype="bool")
case("where/rank0_cond", "where", [bl(False, []), rand_f32([2, 3], -5, 5), rand_f32([2, 3], -5, 5)],
     expected_dtype="float32")
case("where/rank0_values", "where", [rand_bool([2, 3]), f32(1.5, []), f32(-2.0, [])],
     expected_dtype="float32")
case("where/mixed_f32_i32", "where", [rand_bool([2, 4]), rand_f32([2, 4], -5, 5), rand_i32([2, 4], -5, 5)],
     expected_dtype="float32")
case("where/mixed_u32_f32", "where", [rand_bool([3]), u32([1, 2, 3]), f32([0.5, 1.5, 2.5])],
     expected_dtype="float32")
case("where/rank4_broadcast", "where",
     [rand_bool([2, 1, 3, 1]), rand_f32([1, 2, 1, 2], -5, 5), rand_f32([3, 1], -5, 5)],
     expected_dtype="float32")
case("where/empty", "where", [bl([], [0, 3]), f32([1.0, 2.0, 3.0], [1, 3]), f32(0.0, [])],
     expected_dtype="float32")
case("where/perm_cond", "where", [T(rand_bool([3, 4]), [1, 0]), rand_f32([4, 3], -5, 5),
                                  rand_f32([4, 3], -5, 5)], expected_dtype="float32")
case("where/perm_values", "where", [rand_bool([2, 3, 4]), T(rand_f32([4, 2, 3], -5, 5), [1, 2, 0]),
                                    T(rand_i32([4, 3], -5, 5), [1, 0])], expected_dtype="float32")
case("where/special", "where", [bl([True, False, True, False, True, False]),
                                f32([NAN, NAN, INF, INF, -INF, 1.0]),
                                f32([1.0, 2.0, 3.0, NAN, 0.0, -INF])], expected_dtype="float32")

# ----------------------------------------------------------------------------
# cast
# ----------------------------------------------------------------------------

CF = f32([-1000.75, -2.7, -2.5, -2.0, -0.9, -0.5, 0.0, 0.3, 0.5, 0.9, 1.0, 2.5, 2.7, 16777216.0,
          -2147483520.0, 2147483520.0])
CFU = f32([0.0, 0.3, 0.5, 0.9, 1.0, 2.5, 2.7, 1000.75, 16777216.0, 2147483648.0, 4294967040.0])
CI = i32([-2147483648, -16777216, -65536, -7, -1, 0, 1, 2, 7, 65536, 16777216, 2147483647])
CU = u32([0, 1, 2, 7, 65536, 2147483647, 2147483648, 3000000000, 4294967295])
CU_SMALL = u32([0, 1, 2, 7, 65536, 16777215, 16777216])
CI_SMALL = i32([-16777216, -65536, -7, -1, 0, 1, 2, 7, 65536, 16777215, 16777216])
CB = bl([True, False, False, True, True])

case("cast/f32_to_i32", "cast", [CF], {"dtype": "int32"}, expected_dtype="int32")
case("cast/f32_to_u32", "cast", [CFU], {"dtype": "uint32"}, expected_dtype="uint32")
case("cast/f32_to_bool", "cast", [f32([0.0, 1.0, -1.0, 0.5, -1e-30, 1e30, 2.0, 0.0])], {"dtype": "bool"},
     expected_dtype="bool")
case("cast/f32_to_f32", "cast", [f32([-1.5, 0.0, 3.25])], {"dtype": "float32"}, expected_dtype="float32")
case("cast/i32_to_f32", "cast", [CI_SMALL], {"dtype": "float32"}, expected_dtype="float32")
case("cast/i32_to_u32", "cast", [CI], {"dtype": "uint32"}, expected_dtype="uint32")
case("cast/i32_to_bool", "cast", [CI], {"dtype": "bool"}, expected_dtype="bool")
case("cast/i32_to_i32", "cast", [CI], {"dtype": "int32"}, expected_dtype="int32")
case("cast/u32_to_i32", "cast", [CU], {"dtype": "int32"}, expected_dtype="int32")
case("cast/u32_to_f32", "cast", [CU_SMALL], {"dtype": "float32"}, expected_dtype="float32")
case("cast/u32_to_bool", "cast", [CU], {"dtype": "bool"}, expected_dtype="bool")
case("cast/u32_to_u32", "cast", [CU], {"dtype": "uint32"}, expected_dtype="uint32")
for dname in ["float32", "int32", "uint32", "bool"]:
    short = {"float32": "f32", "int32": "i32", "uint32": "u32", "bool": "bool"}[dname]
    case("cast/bool_to_" + short, "cast", [CB], {"dtype": dname}, expected_dtype=dname)
case("cast/f32_to_i32_rank0", "cast", [f32(-3.99, [])], {"dtype": "int32"}, expected_dtype="int32")
case("cast/i32_to_f32_empty", "cast", [i32([], [0, 3])], {"dtype": "float32"}, expected_dtype="float32")
case("cast/f32_to_i32_perm", "cast", [T(rand_f32([3, 4], -100, 100), [1, 0])], {"dtype": "int32"},
     expected_dtype="int32")
case("cast/i32_to_f32_perm", "cast", [T(rand_i32([2, 3, 4], -1000, 1000), [2, 0, 1])], {"dtype": "float32"},
     expected_dtype="float32")
case("cast/i32_to_u32_perm", "cast", [T(rand_i32([3, 2], -5, 5), [1, 0])], {"dtype": "uint32"},
     expected_dtype="uint32")
case("cast/bool_to_f32_perm", "cast", [T(rand_bool([2, 3]), [1, 0])], {"dtype": "float32"},
     expected_dtype="float32")
case("cast/special", "cast", [f32([NAN, INF, -INF, 0.0, -0.0, 1.0])], {"dtype": "bool"},
     expected_dtype="bool")

# ----------------------------------------------------------------------------
# clipByValue
# ----------------------------------------------------------------------------

case("clipByValue/f32_values", "clipByValue", [f32(SPREAD)], {"min": -1.5, "max": 2.5},
     expected_dtype="float32")
case("clipByValue/f32_rank3_random", "clipByValue", [rand_f32([2, 3, 4], -10, 10)], {"min": -5, "max": 5},
     expected_dtype="float32")
case("clipByValue/f32_min_eq_max", "clipByValue", [f32([-1.0, 0.0, 1.0, 2.0])], {"min": 0.5, "max": 0.5},
     expected_dtype="float32")
case("clipByValue/f32_rank0", "clipByValue", [f32(7.25, [])], {"min": 0, "max": 1}, expected_dtype="float32")
case("clipByValue/f32_empty", "clipByValue", [f32([], [2, 0])], {"min": 0, "max": 1}, expected_dtype="float32")
case("clipByValue/f32_perm", "clipByValue", [T(rand_f32([3, 4], -3, 3), [1, 0])], {"min": -1, "max": 1.25},
     expected_dtype="float32")
case("clipByValue/i32_values", "clipByValue", [i32(INT_SPREAD)], {"min": -5, "max": 100},
     expected_dtype="int32")
case("clipByValue/i32_perm", "clipByValue", [T(rand_i32([2, 3, 2], -20, 20), [2, 1, 0])],
     {"min": -10, "max": 10}, expected_dtype="int32")
case("clipByValue/u32_values", "clipByValue", [u32(UINT_SPREAD)], {"min": 2, "max": 3000000000},
     expected_dtype="uint32")

# ----------------------------------------------------------------------------
# creation ops
# ----------------------------------------------------------------------------

def creation(name, op, **attrs):
    case(name, op, [], attrs, expected_dtype=attrs.get("dtype", "float32"))


creation("range/i32_basic", "range", start=0, stop=10, step=1, dtype="int32")
creation("range/i32_step3", "range", start=-7, stop=12, step=3, dtype="int32")
creation("range/i32_negative_step", "range", start=10, stop=-3, step=-2, dtype="int32")
creation("range/i32_empty_equal", "range", start=5, stop=5, step=1, dtype="int32")
creation("range/i32_empty_wrong_direction", "range", start=5, stop=0, step=1, dtype="int32")
creation("range/f32_basic", "range", start=0, stop=5, step=1, dtype="float32")
creation("range/f32_half_step", "range", start=-2, stop=2.5, step=0.5, dtype="float32")
creation("range/f32_fractional_bounds", "range", start=0.25, stop=3.1, step=0.75, dtype="float32")
creation("range/f32_negative_step", "range", start=1, stop=-1.125, step=-0.25, dtype="float32")
creation("range/f32_empty_equal", "range", start=1.5, stop=1.5, step=0.5, dtype="float32")
creation("range/i32_single", "range", start=3, stop=4, step=5, dtype="int32")

case("linspace/basic", "linspace", [], {"start": 0, "stop": 1, "num": 5}, expected_dtype="float32")
case("linspace/negative", "linspace", [], {"start": -3, "stop": 2, "num": 11}, expected_dtype="float32")
case("linspace/decreasing", "linspace", [], {"start": 10, "stop": -10, "num": 9}, expected_dtype="float32")
case("linspace/inexact", "linspace", [], {"start": 0, "stop": 1, "num": 7}, expected_dtype="float32")
case("linspace/num1", "linspace", [], {"start": 2.5, "stop": 7, "num": 1}, expected_dtype="float32")
case("linspace/num2", "linspace", [], {"start": -1.5, "stop": 4.25, "num": 2}, expected_dtype="float32")

creation("eye/f32_square", "eye", numRows=4, numColumns=None, dtype="float32")
creation("eye/f32_wide", "eye", numRows=3, numColumns=5, dtype="float32")
creation("eye/f32_tall", "eye", numRows=5, numColumns=2, dtype="float32")
creation("eye/i32_square", "eye", numRows=3, numColumns=None, dtype="int32")
creation("eye/u32_rect", "eye", numRows=2, numColumns=3, dtype="uint32")
creation("eye/f32_one", "eye", numRows=1, numColumns=None, dtype="float32")
creation("eye/f32_empty", "eye", numRows=0, numColumns=3, dtype="float32")

creation("fill/f32_rank2", "fill", shape=[2, 3], value=1.5, dtype="float32")
creation("fill/f32_negative_rank3", "fill", shape=[2, 1, 3], value=-0.25, dtype="float32")
creation("fill/f32_rank0", "fill", shape=[], value=7.75, dtype="float32")
creation("fill/f32_empty", "fill", shape=[0, 3], value=2.0, dtype="float32")
creation("fill/i32_negative", "fill", shape=[4], value=-12345, dtype="int32")
creation("fill/i32_rank4", "fill", shape=[1, 2, 2, 1], value=2147483647, dtype="int32")
creation("fill/u32_large", "fill", shape=[3], value=4294967295, dtype="uint32")

for op in ["zeros", "ones"]:
    creation(op + "/f32_rank2", op, shape=[2, 3], dtype="float32")
    creation(op + "/f32_rank0", op, shape=[], dtype="float32")
    creation(op + "/f32_empty", op, shape=[3, 0], dtype="float32")
    creation(op + "/i32_rank3", op, shape=[2, 2, 2], dtype="int32")
    creation(op + "/u32_rank1", op, shape=[5], dtype="uint32")
    creation(op + "/bool_rank2", op, shape=[2, 2], dtype="bool")


# ----------------------------------------------------------------------------
# output
# ----------------------------------------------------------------------------

def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_path = os.path.join(root, "tests", "fixtures", "elementwise.json")
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    head = {"generator": "scripts/gen_fixtures.py", "numpy": np.__version__}
    lines = ["{"]
    for k, v in head.items():
        lines.append("  %s: %s," % (json.dumps(k), json.dumps(v)))
    lines.append('  "cases": [')
    body = [json.dumps(c, allow_nan=False, separators=(",", ":")) for c in CASES]
    lines.append(",\n".join("    " + b for b in body))
    lines.append("  ]")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # sanity check
    with open(out_path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)

    counts = {}
    for c in CASES:
        counts[c["op"]] = counts.get(c["op"], 0) + 1
    print("wrote %s: %d cases, %d bytes" % (os.path.relpath(out_path, root), len(CASES), len(text.encode())))
    for op, n in counts.items():
        print("  %-14s %3d" % (op, n))


if __name__ == "__main__":
    try:
        main()
    except OracleError as e:
        sys.exit("gen_fixtures: " + str(e))
