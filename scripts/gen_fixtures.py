#!/usr/bin/env python3
"""NumPy oracle for wgflow's ops.

Writes tests/fixtures/elementwise.json (elementwise and creation ops) and
tests/fixtures/ops.json (reductions, linear algebra, shape/movement and nn ops;
its format extensions are described at the "ops.json" section below).

elementwise.json is a list of cases, each an op name, its
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
SPECIAL_OPS = {"neg", "abs", "exp", "log", "sqrt", "floor", "ceil", "tanh", "sigmoid", "asin", "acos", "atan",
               "sinh", "cosh", "asinh", "acosh", "atanh", "selu", "logSigmoid", "relu6", "step", "isNaN",
               "isInf", "isFinite", "divNoNan", "squaredDifference", "prelu", "expm1", "elu",
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


def weak_dt(s, dt):
    """Dtype of a bare number s next to a tensor of dtype dt (NumPy 2's weak scalars; wgflow's bool rule)."""
    if dt == np.dtype(BOOL):
        # 0 and 1 are bools next to a bool tensor; any other number is an int32 or float32 operand.
        if s.is_int() and s.v in (0, 1):
            return dt
        return np.dtype(I32) if s.is_int() else np.dtype(F32)
    if dt == np.dtype(F32) or s.is_int():
        return dt
    return np.dtype(F32)


def upcast(a, b, op, bool_pair=None):
    """Operand dtype of a binary arithmetic op or comparison, TensorFlow.js's upcastType written out:
    a bool operand (0/1) takes the other operand's dtype; two bools compute as int32 (bool_pair
    overrides that: equal/notEqual compare two bools as bools). Then float32 wins; int32 with uint32
    has no common dtype."""
    if isinstance(a, Scalar) and isinstance(b, Scalar):
        raise OracleError("%s: two bare numbers" % op)
    da = weak_dt(a, dt_of(b)) if isinstance(a, Scalar) else dt_of(a)
    db = weak_dt(b, dt_of(a)) if isinstance(b, Scalar) else dt_of(b)
    bo = np.dtype(BOOL)
    if da == bo and db == bo:
        return np.dtype(bool_pair or I32)
    da, db = (db if da == bo else da), (da if db == bo else db)
    if da == db:
        return da
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
    dt = upcast(a, b, op)
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
    dt = upcast(a, b, op, bool_pair=BOOL if op in ("equal", "notEqual") else None)
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


# Ops added after the first fixture set (issue 16): their oracles. Float ones take the unary_float path.
def _selu(v):
    return 1.0507009873554805 * np.where(v > 0, v, 1.6732632423543772 * np.expm1(np.minimum(v, 0.0)))


def _log_sigmoid(v):
    return np.minimum(v, 0.0) - np.log1p(np.exp(-np.abs(v)))


UNARY_FLOAT.update({
    "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh,
    "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh, "selu": _selu, "logSigmoid": _log_sigmoid,
})
TESTS = {"isNaN": np.isnan, "isInf": np.isinf, "isFinite": np.isfinite}


def new_ops_reference(op, xs, attrs):
    """The oracles of relu6, step, isNaN/isInf/isFinite, squaredDifference, divNoNan, prelu and addN."""
    if op in TESTS:
        x = xs[0]
        return np.asarray(TESTS[op](x.astype(np.float64) if dt_of(x) != np.dtype(BOOL) else x.astype(np.float64)))
    if op == "relu6":
        x = xs[0]
        if dt_of(x) == np.dtype(BOOL):
            raise OracleError("relu6 on bool")
        return np.where(x < 0, 0, np.where(x > 6, 6, x)).astype(dt_of(x))
    if op == "step":
        x = xs[0]
        alpha = attrs.get("alpha", 0)
        return np.where(np.isnan(x.astype(np.float64)), x, np.where(x > 0, 1, alpha)).astype(dt_of(x))
    if op == "squaredDifference":
        d = binary_arith("sub", xs[0], xs[1])
        return binary_arith("mul", d, d)
    if op == "divNoNan":
        a, b = xs
        dt = upcast(a, b, "div")
        bz = to_dt(b, dt) == 0
        safe = np.where(bz, np.ones_like(to_dt(b, dt)), to_dt(b, dt)).astype(dt)
        q = binary_arith("div", to_dt(a, dt), safe)
        return np.where(bz, np.zeros_like(q), q).astype(dt)
    if op == "prelu":
        x = xs[0].astype(F32).astype(np.float64)
        alpha = xs[1].astype(F32).astype(np.float64)
        return np.where(x < 0, alpha * x, x).astype(F32)
    if op == "addN":
        acc = xs[0]
        for x in xs[1:]:
            acc = binary_arith("add", acc, x)
        return acc
    raise OracleError("unknown op " + op)


NEW_OPS = set(TESTS) | {"relu6", "step", "squaredDifference", "divNoNan", "prelu", "addN"}


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
    if op in NEW_OPS:
        return new_ops_reference(op, xs, attrs)
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
        step = attrs.get("step", 1)  # absent: the default
        if "stop" not in attrs:  # range(n): Python's 0 .. n-1
            start, stop = 0, attrs["start"]
        else:
            start, stop = attrs["start"], attrs["stop"]
            if stop < start and step == 1:
                # TensorFlow.js's rangeImpl: a step of 1 becomes -1, with |ceil(stop - start)| values
                n = abs(math.ceil(stop - start))
                return (start - np.arange(n, dtype=np.float64)).astype(dt)
        wide = np.float64 if dt == np.dtype(F32) else np.int64
        return np.arange(start, stop, step, dtype=wide).astype(dt)
    if op == "linspace":
        return np.linspace(attrs["start"], attrs["stop"], attrs["num"], dtype=np.float64).astype(F32)
    if op == "eye":
        n = attrs["numRows"]
        m = attrs["numColumns"] if attrs["numColumns"] is not None else n
        e = np.eye(n, m, dtype=NAME_DTYPES[attrs["dtype"]])
        batch = attrs.get("batchShape") or []  # absent (undefined), null or []: no batch dimensions
        return np.array(np.broadcast_to(e, list(batch) + [n, m]))
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

# bool operands: upcast as TensorFlow.js's upcastType (a bool is 0/1 in the other operand's dtype; two
# bools compute as int32). Integer division and modulo by a false divisor give 0, like any integer zero.
BT = bl([True, True, False, False, True, False])
for op in BIN_OPS:
    int_out = "float32" if op == "atan2" else "int32"
    uint_out = "float32" if op == "atan2" else "uint32"
    case(op + "/bool_bool", op, [bl([True, True, False, False]), bl([True, False, True, False])],
         expected_dtype=int_out)
    case(op + "/i32_bool", op, [i32([7, -7, 3, 0, -1, 5]), BT], expected_dtype=int_out)
    case(op + "/bool_i32", op, [BT, i32([4, -3, 2, 5, 1, -6]) if op != "pow" else i32([0, 3, 2, 0, 1, 4])],
         expected_dtype=int_out)
    case(op + "/u32_bool", op, [u32([7, 4294967295, 3, 0, 2147483648, 5]), BT], expected_dtype=uint_out)
    fb = f32([0.75, -1.5, 2.5, -0.3, 4.0, 1.25]) if op != "pow" else f32([0.75, 1.5, 2.5, 0.3, 4.0, 1.25])
    case(op + "/bool_f32", op, [BT, fb], expected_dtype="float32")
    if op not in ("div", "floorDiv", "mod"):  # a false divisor would give ±Infinity/NaN
        case(op + "/f32_bool", op, [f32([0.75, -1.5, 2.5, -0.3, 4.0, 1.25]), BT], expected_dtype="float32")
    # fixed values, not rand_*: drawing here would shift the random data of every later case
    case(op + "/bool_broadcast_i32", op, [bl([True, False, True], [3, 1]), i32([[1, 4, 2, 6]])],
         expected_dtype=int_out)
    case(op + "/i32_perm_bool", op, [T(i32([[2, -5], [0, 7], [-3, 4]]) if op != "pow" else i32([[2, 5], [0, 7], [3, 4]]),
                                       [1, 0]), bl([[True, False, True], [False, True, True]])],
         expected_dtype=int_out)
    # bare numbers next to a bool tensor: 0/1 are bools, other integers int32, fractions float32
    case(op + "/bool_scalar_one", op, [BT, Scalar(1)], expected_dtype=int_out)
    case(op + "/bool_scalar_int", op, [BT, Scalar(3)], expected_dtype=int_out)
    case(op + "/scalar_int_bool", op, [Scalar(-5) if op != "pow" else Scalar(5), BT], expected_dtype=int_out)
    case(op + "/bool_scalar_float", op, [BT, Scalar(0.5)], expected_dtype="float32")

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

# comparisons with bool operands: upcast like arithmetic (two bools compare as 0/1, except equal/notEqual)
for op in COMPARE:
    if op not in ("equal", "notEqual"):
        case(op + "/bool_bool", op, [bl([True, True, False, False]), bl([True, False, True, False])],
             expected_dtype="bool")
    case(op + "/i32_bool", op, [i32([1, 0, -1, 2, 1, 0]), BT], expected_dtype="bool")
    case(op + "/bool_f32", op, [BT, f32([1.0, 0.5, 0.0, -0.5, 1.5, 0.0])], expected_dtype="bool")
    case(op + "/u32_broadcast_bool", op, [u32([0, 1, 2], [3, 1]), bl([True, False], [1, 2])], expected_dtype="bool")
    case(op + "/bool_scalar_one", op, [BT, Scalar(1)], expected_dtype="bool")
    case(op + "/bool_scalar_int", op, [BT, Scalar(2)], expected_dtype="bool")
    case(op + "/bool_scalar_float", op, [BT, Scalar(0.5)], expected_dtype="bool")

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
creation("range/i32_empty_wrong_direction", "range", start=5, stop=0, step=2, dtype="int32")
creation("range/f32_basic", "range", start=0, stop=5, step=1, dtype="float32")
creation("range/f32_half_step", "range", start=-2, stop=2.5, step=0.5, dtype="float32")
creation("range/f32_fractional_bounds", "range", start=0.25, stop=3.1, step=0.75, dtype="float32")
creation("range/f32_negative_step", "range", start=1, stop=-1.125, step=-0.25, dtype="float32")
creation("range/f32_empty_equal", "range", start=1.5, stop=1.5, step=0.5, dtype="float32")
creation("range/i32_single", "range", start=3, stop=4, step=5, dtype="int32")
# TensorFlow.js counts down when stop < start and the step is 1 (given or default)
creation("range/i32_count_down_step1", "range", start=5, stop=0, step=1, dtype="int32")
creation("range/f32_count_down_default_step", "range", start=3, stop=-2, dtype="float32")
creation("range/i32_count_down_default_step", "range", start=-1, stop=-5, dtype="int32")
creation("range/u32_count_down", "range", start=4, stop=0, dtype="uint32")
creation("range/f32_count_down_fractional_stop", "range", start=5, stop=0.5, dtype="float32")
creation("range/f32_count_down_fractional_start", "range", start=2.5, stop=-1, step=1, dtype="float32")
creation("range/f32_empty_wrong_direction_step2", "range", start=1, stop=-4, step=2, dtype="float32")
creation("range/i32_one_arg", "range", start=4, dtype="int32")
creation("range/i32_one_arg_negative_empty", "range", start=-3, dtype="int32")

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
# batchShape null (TensorFlow.js code passes it to reach dtype), [] and real batch dimensions
creation("eye/i32_null_batch", "eye", numRows=3, numColumns=None, batchShape=None, dtype="int32")
creation("eye/f32_null_batch_rect", "eye", numRows=2, numColumns=4, batchShape=None, dtype="float32")
creation("eye/bool_null_batch", "eye", numRows=3, numColumns=2, batchShape=None, dtype="bool")
creation("eye/f32_empty_batch", "eye", numRows=2, numColumns=None, batchShape=[], dtype="float32")
creation("eye/f32_batch", "eye", numRows=2, numColumns=3, batchShape=[2], dtype="float32")
creation("eye/i32_batch_rank2", "eye", numRows=3, numColumns=None, batchShape=[2, 1], dtype="int32")

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
# ops added with the op registry (issue 16): TensorFlow.js's remaining elementwise ops
# ----------------------------------------------------------------------------

# op -> (hand-picked float values inside the domain, random generator, int values or None, special values)
UF2 = {
    "asin": ([-1.0, -0.99, -0.5, -0.1, -1e-4, 0.0, 1e-4, 0.1, 0.5, 0.9, 0.999, 1.0],
             lambda s: rand_f32(s, -1, 1), [-1, 0, 1], [NAN, 1.5, -2.0, INF, 0.5, -1.0]),
    "acos": ([-1.0, -0.99, -0.5, -0.1, 0.0, 0.1, 0.5, 0.9, 0.999, 1.0],
             lambda s: rand_f32(s, -1, 1), [-1, 0, 1], [NAN, 1.5, -2.0, -INF, 0.5, 1.0]),
    "atan": ([-1e6, -10.0, -2.0, -1.0, -0.5, -1e-4, 0.0, 1e-4, 0.5, 1.0, 2.0, 10.0, 1e6],
             lambda s: rand_f32(s, -10, 10), [-100, -3, -1, 0, 1, 2, 50], [NAN, INF, -INF, 0.0, 1.0, -1.0]),
    "sinh": ([-80.0, -20.0, -5.0, -1.0, -0.5, -1e-4, 0.0, 1e-4, 0.5, 1.0, 5.0, 20.0, 21.0, 80.0],
             lambda s: rand_f32(s, -5, 5), [-20, -3, -1, 0, 1, 2, 20], [NAN, INF, -INF, 0.0, 1.0, -1.0]),
    "cosh": ([-80.0, -20.0, -5.0, -1.0, -0.5, -1e-4, 0.0, 1e-4, 0.5, 1.0, 5.0, 20.0, 21.0, 80.0],
             lambda s: rand_f32(s, -5, 5), [-20, -3, -1, 0, 1, 2, 20], [NAN, INF, -INF, 0.0, 1.0, -1.0]),
    "asinh": ([-1e20, -1e6, -10.0, -1.0, -0.5, -1e-4, 0.0, 1e-4, 0.5, 1.0, 10.0, 1e6, 1e20],
              lambda s: rand_f32(s, -10, 10), [-100, -3, -1, 0, 1, 2, 50], [NAN, INF, -INF, 0.0, 1.0, -1.0]),
    "acosh": ([1.0, 1.0001, 1.01, 1.5, 2.0, 10.0, 100.0, 1e6, 1e20],
              lambda s: rand_f32(s, 1, 20), [1, 2, 3, 10, 1000], [NAN, INF, 0.5, -1.0, 1.0, 2.0]),
    "atanh": ([-0.999, -0.9, -0.5, -0.1, -1e-4, 0.0, 1e-4, 0.1, 0.5, 0.9, 0.999],
              lambda s: rand_f32(s, -0.95, 0.95), [0], [NAN, 1.0, -1.0, 2.0, -INF, 0.5]),
    "selu": ([-100.0, -20.0, -5.0, -1.0, -0.5, -0.1, 0.0, 0.1, 0.5, 1.0, 5.0, 20.0, 100.0],
             lambda s: rand_f32(s, -5, 5), [-20, -3, -1, 0, 1, 2, 20], [NAN, INF, -INF, 0.0, 1.0, -1.0]),
    "logSigmoid": ([-100.0, -20.0, -5.0, -1.0, -0.5, -0.1, 0.0, 0.1, 0.5, 1.0, 5.0, 20.0, 100.0],
                   lambda s: rand_f32(s, -10, 10), [-20, -3, -1, 0, 1, 2, 20], [NAN, INF, -INF, 0.0, 1.0, -1.0]),
}

for op, (vals, gen, ints, special) in UF2.items():
    case(op + "/f32_values", op, [f32(vals)], expected_dtype="float32")
    case(op + "/f32_rank2_random", op, [gen([4, 6])], expected_dtype="float32")
    case(op + "/f32_rank0", op, [f32(vals[len(vals) // 2], [])], expected_dtype="float32")
    case(op + "/f32_empty", op, [f32([], [0, 3])], expected_dtype="float32")
    case(op + "/f32_perm", op, [T(gen([2, 3, 4]), [1, 2, 0])], expected_dtype="float32")
    case(op + "/i32_input", op, [i32(ints)], expected_dtype="float32")
    case(op + "/special", op, [f32(special)], expected_dtype="float32")

R6 = [-100.0, -6.5, -1.0, -0.0, 0.0, 0.5, 3.0, 5.999, 6.0, 6.5, 1e6]
case("relu6/f32_values", "relu6", [f32(R6)], expected_dtype="float32")
case("relu6/f32_rank2_random", "relu6", [rand_f32([4, 5], -3, 9)], expected_dtype="float32")
case("relu6/f32_perm", "relu6", [T(rand_f32([2, 3, 4], -3, 9), [2, 0, 1])], expected_dtype="float32")
case("relu6/i32", "relu6", [i32([-7, -1, 0, 3, 6, 7, 1000])], expected_dtype="int32")
case("relu6/u32", "relu6", [u32([0, 3, 6, 7, 4294967295])], expected_dtype="uint32")
case("relu6/special", "relu6", [f32([NAN, INF, -INF, 2.0])], expected_dtype="float32")
case("step/f32_default_alpha", "step", [f32([-2.0, -0.5, -0.0, 0.0, 1e-30, 0.5, 3.0])], expected_dtype="float32")
case("step/f32_alpha", "step", [f32([-2.0, -0.5, 0.0, 0.5, 3.0], [5, 1])], {"alpha": 0.25}, expected_dtype="float32")
case("step/f32_rank2_random", "step", [rand_f32([3, 4], -2, 2)], {"alpha": -1.5}, expected_dtype="float32")
case("step/i32", "step", [i32([-3, -1, 0, 1, 5])], {"alpha": -2}, expected_dtype="int32")
case("step/special", "step", [f32([NAN, INF, -INF, 0.0])], {"alpha": 0.5}, expected_dtype="float32")
for op in ["isNaN", "isInf", "isFinite"]:
    case(op + "/special", op, [f32([NAN, INF, -INF, 0.0, -0.0, 1.5, -3e38, 1e-45], [2, 4])], expected_dtype="bool")
    case(op + "/f32_finite", op, [rand_f32([2, 3], -5, 5)], expected_dtype="bool")
    case(op + "/i32", op, [i32([-2147483648, -1, 0, 1, 2147483647])], expected_dtype="bool")
    case(op + "/bool", op, [bl([True, False, True])], expected_dtype="bool")
    case(op + "/f32_empty", op, [f32([], [2, 0])], expected_dtype="bool")

case("squaredDifference/f32", "squaredDifference", [rand_f32([3, 4], -5, 5), rand_f32([3, 4], -5, 5)],
     expected_dtype="float32")
case("squaredDifference/f32_broadcast", "squaredDifference", [rand_f32([2, 3, 1], -5, 5), rand_f32([4], -5, 5)],
     expected_dtype="float32")
case("squaredDifference/i32", "squaredDifference", [i32([-3, 0, 7, 100]), i32([4, 0, -2, 1])], expected_dtype="int32")
case("squaredDifference/i32_bool", "squaredDifference", [i32([-3, 0, 7]), bl([True, False, True])],
     expected_dtype="int32")
case("squaredDifference/special", "squaredDifference", [f32([NAN, INF, 1.0, 2.0]), f32([1.0, INF, -INF, 2.0])],
     expected_dtype="float32")
case("divNoNan/f32", "divNoNan", [f32([1.0, -2.0, 0.0, 3.0, 5.0, -7.5]), f32([2.0, 0.0, 0.0, -0.0, 0.5, 4.0])],
     expected_dtype="float32")
case("divNoNan/f32_broadcast", "divNoNan", [rand_f32([3, 4], -5, 5), f32([0.0, 2.0, -0.5, 0.0])],
     expected_dtype="float32")
case("divNoNan/i32", "divNoNan", [i32([7, -7, 7, 0, 9]), i32([2, 2, 0, 0, -4])], expected_dtype="int32")
case("divNoNan/special", "divNoNan", [f32([INF, NAN, 1.0, NAN]), f32([0.0, 0.0, INF, 2.0])], expected_dtype="float32")
case("prelu/f32_vector_alpha", "prelu", [rand_f32([3, 4], -5, 5), rand_f32([4], 0.05, 0.5)], expected_dtype="float32")
case("prelu/f32_scalar_alpha", "prelu", [f32([-2.0, -0.5, 0.0, 0.5, 2.0]), f32(0.1, [])], expected_dtype="float32")
case("prelu/f32_perm", "prelu", [T(rand_f32([2, 3, 4], -5, 5), [0, 2, 1]), rand_f32([3], 0.1, 0.3)],
     expected_dtype="float32")
case("prelu/i32_input", "prelu", [i32([-4, -1, 0, 3]), f32([0.5, 0.5, 0.5, 0.5])], expected_dtype="float32")
case("prelu/special", "prelu", [f32([NAN, -INF, INF, -1.0]), f32([0.5, 0.5, 0.5, 0.5])], expected_dtype="float32")
case("addN/f32_one", "addN", [rand_f32([2, 3], -5, 5)], expected_dtype="float32")
case("addN/f32_two", "addN", [rand_f32([2, 3], -5, 5), rand_f32([2, 3], -5, 5)], expected_dtype="float32")
case("addN/f32_four", "addN", [rand_f32([4], -5, 5) for _ in range(4)], expected_dtype="float32")
case("addN/i32_three", "addN", [i32([1, -2, 3]), i32([10, 20, 30]), i32([2147483647, 0, -5])], expected_dtype="int32")
# expm1(NaN) was Infinity on SwiftShader (its exp(NaN) is Infinity), and with it elu(NaN) and selu(NaN).
case("expm1/special", "expm1", [f32([NAN, INF, -INF, 0.0, 1.0, -1.0])], expected_dtype="float32")
case("elu/special", "elu", [f32([NAN, INF, -INF, 0.0, 1.0, -1.0])], expected_dtype="float32")
case("addN/f32_perm", "addN", [T(rand_f32([3, 2], -5, 5), [1, 0]), rand_f32([2, 3], -5, 5)], expected_dtype="float32")


# ============================================================================
# ops.json: reductions, linear algebra, shape/movement and nn ops
# ============================================================================
#
# Same top-level layout as elementwise.json, with these extensions:
#   INPUT may also carry "slice": {"begin": [...], "size": [...]} (build the tensor,
#         apply "perm" if present, then take slice(x, begin, size): a view),
#         or be {"generate": {"kind": "pattern", "shape", "dtype": "float32", "a", "m",
#         "scale", "shift"}}: element i (row-major) = float32(((i * a) % m) * scale + shift),
#         with (i * a) % m computed exactly in integers and the rest in float64.
#   "expected" is a list of TENSORs for ops with several outputs (unstack, split, moments).
#   concat/stack take all of "inputs" as one array argument.
#   An attr left out of "attrs" means "use the op's default".
# Cases whose data contain NaN/Infinity end in "/special" (e.g. empty max -> -Infinity);
# the long-axis reductions end in "/long".

OPS_SEED = SEED + 1
# The ops cases draw from their own stream so that elementwise.json never changes.
rs = np.random.RandomState(OPS_SEED)

OPS_CASES = []
OPS_NAMES = set()
INT32_MIN, INT32_MAX, UINT32_MAX = -2**31, 2**31 - 1, 2**32 - 1
WIDE = {np.dtype(F32): np.float64, np.dtype(I32): np.int64, np.dtype(U32): np.uint64,
        np.dtype(BOOL): np.int64}


class View:
    """A tensor input built from data/shape, then transposed by perm, then sliced."""

    def __init__(self, arr, perm=None, begin=None, size=None):
        self.arr, self.perm, self.begin, self.size = np.asarray(arr), perm, begin, size


def V(arr, perm=None, begin=None, size=None):
    return View(arr, perm, begin, size)


class Gen:
    """A generated float32 pattern input: float32(((i * a) % m) * scale + shift)."""

    def __init__(self, shape, a, m, scale, shift):
        self.shape, self.a, self.m, self.scale, self.shift = list(shape), a, m, scale, shift
        n = size_of(shape)
        if (n - 1) * a >= 2**53:
            raise OracleError("pattern index product exceeds 2^53")
        k = (np.arange(n, dtype=np.int64) * a) % m          # exact integer arithmetic
        v = k.astype(np.float64) * float(scale) + float(shift)  # same float64 ops as JS
        self.arr = v.astype(F32).reshape(shape)

    def enc(self):
        return {"generate": {"kind": "pattern", "shape": self.shape, "dtype": "float32",
                             "a": self.a, "m": self.m, "scale": self.scale, "shift": self.shift}}


def quarters(shape, lo, hi):
    """Random multiples of 0.25 in [lo, hi]: float32 sums/products of these are exact."""
    return (rand_i32(shape, int(lo * 4), int(hi * 4)).astype(np.float64) / 4).astype(F32)


def ints_f32(shape, lo, hi):
    return rand_i32(shape, lo, hi).astype(F32)


def narrow(r, dt):
    """Rounds a float64 result to float32, or wraps a wide integer result to int32/uint32."""
    r = np.asarray(r)
    if dt == np.dtype(F32):
        return r.astype(np.float64).astype(F32)
    if dt == np.dtype(BOOL):
        return r.astype(BOOL)
    w = (r.astype(np.int64) & 0xFFFFFFFF).astype(np.uint32) if r.dtype != np.uint64 else \
        (r & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    return w if dt == np.dtype(U32) else w.astype(np.int32)


def wide(x):
    return x.astype(WIDE[dt_of(x)])


def norm_axis(a, ndim, extra=0):
    """Normalises one axis in [-(ndim+extra), ndim+extra)."""
    n = ndim + extra
    if not isinstance(a, int) or isinstance(a, bool) or not -n <= a < n:
        raise OracleError("axis %r out of range for rank %d" % (a, ndim))
    return a % n


def norm_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = [axis] if isinstance(axis, int) else list(axis)
    out = [norm_axis(a, ndim) for a in axes]
    if len(set(out)) != len(out):
        raise OracleError("duplicate axes %r" % (axis,))
    return tuple(sorted(out))


def need_numeric(op, x):
    if dt_of(x) == np.dtype(BOOL):
        raise OracleError("%s on bool" % op)


def need_float_in(x):
    """nn ops and logSumExp: ints are converted to float32 first."""
    if dt_of(x) == np.dtype(BOOL):
        raise OracleError("float op on bool")
    if dt_of(x) != np.dtype(F32) and np.any(np.abs(x.astype(np.int64)) > 2**24):
        raise OracleError("int -> float32 conversion would round")
    return x.astype(F32).astype(np.float64)


def reduce_ref(op, x, axis, keep):
    dt = dt_of(x)
    axes = norm_axes(axis, x.ndim)
    cnt = size_of([x.shape[a] for a in axes])
    if op in ("sum", "prod"):
        out_dt = np.dtype(I32) if dt == np.dtype(BOOL) else dt
        f = np.sum if op == "sum" else np.prod
        return narrow(f(wide(x), axis=axes, keepdims=keep), out_dt)
    if op in ("max", "min"):
        need_numeric(op, x)
        if dt == np.dtype(F32):
            init = -INF if op == "max" else INF
        elif dt == np.dtype(I32):
            init = INT32_MIN if op == "max" else INT32_MAX
        else:
            init = 0 if op == "max" else UINT32_MAX
        f = np.max if op == "max" else np.min
        return np.asarray(f(x, axis=axes, keepdims=keep, initial=np.array(init, dtype=dt))).astype(dt)
    if op == "mean":
        need_numeric(op, x)
        s = np.sum(x.astype(np.float64), axis=axes, keepdims=keep)
        return narrow(s / cnt if cnt else np.full_like(s, NAN), np.dtype(F32))
    if op == "logSumExp":
        v = need_float_in(x)
        m = np.max(v, axis=axes, keepdims=True, initial=-INF)
        if cnt == 0:
            r = m
        else:
            r = m + np.log(np.sum(np.exp(v - m), axis=axes, keepdims=True))
        if not keep:
            r = np.squeeze(r, axis=axes)
        return narrow(r, np.dtype(F32))
    if op in ("any", "all"):
        if dt != np.dtype(BOOL):
            raise OracleError("%s needs bool" % op)
        f = np.any if op == "any" else np.all
        return np.asarray(f(x, axis=axes, keepdims=keep)).astype(BOOL)
    raise OracleError(op)


def arg_ref(op, x, axis):
    need_numeric(op, x)
    ax = norm_axis(axis, x.ndim)
    if x.shape[ax] == 0:
        raise OracleError("%s over an empty axis" % op)
    f = np.argmax if op == "argMax" else np.argmin
    return np.asarray(f(x, axis=ax)).astype(I32)


def cum_ref(op, x, axis, exclusive, reverse):
    need_numeric(op, x)
    ax = norm_axis(axis, x.ndim)
    v = wide(x)
    if reverse:
        v = np.flip(v, ax)
    f = np.cumsum if op == "cumsum" else np.cumprod
    r = f(v, axis=ax)
    if exclusive:
        ident = np.full(v.shape[:ax] + (1,) + v.shape[ax + 1:], 0 if op == "cumsum" else 1,
                        dtype=v.dtype)
        r = np.concatenate([ident, r], axis=ax)
        r = np.take(r, range(v.shape[ax]), axis=ax)
    if reverse:
        r = np.flip(r, ax)
    return narrow(r, dt_of(x))


def same_numeric(op, a, b):
    if dt_of(a) != dt_of(b) or dt_of(a) not in (np.dtype(F32), np.dtype(I32)):
        raise OracleError("%s needs two float32 or two int32 tensors" % op)
    return dt_of(a)


def matmul_ref(a, b, ta, tb):
    dt = same_numeric("matMul", a, b)
    if a.ndim < 2 or b.ndim < 2:
        raise OracleError("matMul needs rank >= 2")
    if ta:
        a = np.swapaxes(a, -1, -2)
    if tb:
        b = np.swapaxes(b, -1, -2)
    if a.shape[-1] != b.shape[-2]:
        raise OracleError("matMul inner dims differ")
    return narrow(np.matmul(wide(a), wide(b)), dt)


def dot_ref(a, b):
    dt = same_numeric("dot", a, b)
    if a.ndim not in (1, 2) or b.ndim not in (1, 2):
        raise OracleError("dot needs rank 1 or 2")
    return narrow(np.dot(wide(a), wide(b)), dt)


def slice_ref(x, begin, size):
    r = x.ndim
    if isinstance(begin, int):
        begin = [begin] + [0] * (r - 1)
    if size is None:
        size = [-1] * r
    elif isinstance(size, int):
        size = [size] + [-1] * (r - 1)
    if len(begin) > r or len(size) > r:
        raise OracleError("slice: begin/size longer than the rank")
    # TensorFlow.js: dimensions that begin/size leave out are taken whole
    begin = list(begin) + [0] * (r - len(begin))
    size = list(size) + [-1] * (r - len(size))
    idx = []
    for d, b, s in zip(x.shape, begin, size):
        if b < 0:
            b += d
        if s == -1:
            s = d - b
        if not (0 <= b and s >= 0 and b + s <= d):
            raise OracleError("slice out of range")
        idx.append(slice(b, b + s))
    return np.array(x[tuple(idx)])


def strided_slice_ref(x, begin, end, strides, begin_mask, end_mask, shrink_mask):
    r = x.ndim
    if not (len(begin) == len(end) == len(strides) == r):
        raise OracleError("stridedSlice: begin/end/strides length != rank")
    idx = []
    for i in range(r):
        bit = 1 << i
        if shrink_mask & bit:
            b = begin[i] + (x.shape[i] if begin[i] < 0 else 0)
            if not 0 <= b < x.shape[i] or strides[i] != 1 or (begin_mask | end_mask) & bit:
                raise OracleError("stridedSlice: bad shrink axis %d" % i)
            idx.append(b)
        else:
            if strides[i] == 0:
                raise OracleError("stridedSlice: zero stride")
            idx.append(slice(None if begin_mask & bit else begin[i],
                             None if end_mask & bit else end[i], strides[i]))
    return np.array(x[tuple(idx)])


def same_dtype(op, xs):
    if len({dt_of(x) for x in xs}) != 1:
        raise OracleError("%s: mixed dtypes" % op)


def split_ref(x, n_or_sizes, axis):
    ax = norm_axis(axis, x.ndim)
    d = x.shape[ax]
    if isinstance(n_or_sizes, int):
        if n_or_sizes <= 0 or d % n_or_sizes:
            raise OracleError("split: %d does not divide %d" % (n_or_sizes, d))
        sizes = [d // n_or_sizes] * n_or_sizes
    else:
        sizes = list(n_or_sizes)
        if sizes.count(-1) > 1:
            raise OracleError("split: several -1")
        if -1 in sizes:
            sizes[sizes.index(-1)] = d - sum(s for s in sizes if s != -1)
        if sum(sizes) != d or min(sizes) < 0:
            raise OracleError("split: sizes do not add up")
    out, at = [], 0
    for s in sizes:
        out.append(np.array(np.take(x, range(at, at + s), axis=ax)))
        at += s
    return out


def gather_ref(x, idx, axis):
    if dt_of(idx) != np.dtype(I32):
        raise OracleError("gather: indices must be int32")
    ax = norm_axis(axis, x.ndim)
    if idx.size and (idx.min() < 0 or idx.max() >= x.shape[ax]):
        raise OracleError("gather: index out of range")
    return np.array(np.take(x, idx.astype(np.int64), axis=ax)).astype(x.dtype)


def softmax_ref(x, axis, log):
    v = need_float_in(x)
    ax = norm_axis(axis, x.ndim)
    if v.size == 0:
        return v.astype(F32)
    m = np.max(v, axis=ax, keepdims=True)
    z = v - m
    lse = np.log(np.sum(np.exp(z), axis=ax, keepdims=True))
    return narrow(z - lse if log else np.exp(z - lse), np.dtype(F32))


def layer_norm_ref(xs, eps):
    v = need_float_in(xs[0])
    mean = np.mean(v, axis=-1, keepdims=True) if v.size else v
    var = np.mean((v - mean) ** 2, axis=-1, keepdims=True) if v.size else v
    r = (v - mean) / np.sqrt(var + eps)
    if len(xs) == 3:
        g, b = need_float_in(xs[1]), need_float_in(xs[2])
        if g.shape != (v.shape[-1],) or b.shape != (v.shape[-1],):
            raise OracleError("layerNorm: gamma/beta must be 1-D of the last dim")
        r = r * g + b
    elif len(xs) != 1:
        raise OracleError("layerNorm takes [x] or [x, gamma, beta]")
    return narrow(r, np.dtype(F32))


def one_hot_ref(idx, depth, on, off, dtype, axis=-1):
    if dt_of(idx) != np.dtype(I32):
        raise OracleError("oneHot: indices must be int32")
    dt = NAME_DTYPES[dtype]
    hot = idx.astype(np.int64)[..., None] == np.arange(depth, dtype=np.int64)
    out = np.where(hot, np.array(on, dtype=dt), np.array(off, dtype=dt)).astype(dt)
    return np.moveaxis(out, -1, axis if axis >= 0 else idx.ndim + 1 + axis)


def moments_ref(x, axes, keep):
    need_numeric("moments", x)
    ax = norm_axes(axes, x.ndim)
    v = x.astype(F32).astype(np.float64)
    cnt = size_of([x.shape[a] for a in ax])
    if cnt == 0:
        raise OracleError("moments over an empty axis")
    mean = np.mean(v, axis=ax, keepdims=True)
    var = np.mean((v - mean) ** 2, axis=ax, keepdims=True)
    if not keep:
        mean, var = np.squeeze(mean, axis=ax), np.squeeze(var, axis=ax)
    return [narrow(mean, np.dtype(F32)), narrow(var, np.dtype(F32))]


REDUCE_OPS = {"sum", "prod", "max", "min", "mean", "logSumExp", "any", "all"}


def ops_reference(op, xs, a):
    x = xs[0] if xs else None
    if op in REDUCE_OPS:
        return reduce_ref(op, x, a.get("axis"), a.get("keepDims", False))
    if op in ("argMax", "argMin"):
        return arg_ref(op, x, a.get("axis", 0))
    if op in ("cumsum", "cumprod"):
        return cum_ref(op, x, a.get("axis", 0), a.get("exclusive", False), a.get("reverse", False))
    if op == "matMul":
        return matmul_ref(xs[0], xs[1], a.get("transposeA", False), a.get("transposeB", False))
    if op == "dot":
        return dot_ref(xs[0], xs[1])
    if op == "outerProduct":
        dt = same_numeric(op, xs[0], xs[1])
        if xs[0].ndim != 1 or xs[1].ndim != 1:
            raise OracleError("outerProduct needs 1-D tensors")
        return narrow(np.outer(wide(xs[0]), wide(xs[1])), dt)
    if op == "expandDims":
        return np.expand_dims(x, norm_axis(a.get("axis", 0), x.ndim, 1))
    if op == "squeeze":
        axis = a.get("axis")
        if axis is None:
            return np.squeeze(x)
        axes = norm_axes(axis, x.ndim)
        if any(x.shape[i] != 1 for i in axes):
            raise OracleError("squeeze of a non-1 axis")
        return np.squeeze(x, axis=axes)
    if op == "slice":
        return slice_ref(x, a["begin"], a.get("size"))
    if op == "stridedSlice":
        return strided_slice_ref(x, a["begin"], a["end"], a["strides"], a.get("beginMask", 0),
                                 a.get("endMask", 0), a.get("shrinkAxisMask", 0))
    if op == "concat":
        same_dtype(op, xs)
        return np.concatenate(xs, axis=norm_axis(a.get("axis", 0), xs[0].ndim))
    if op == "stack":
        same_dtype(op, xs)
        return np.stack(xs, axis=norm_axis(a.get("axis", 0), xs[0].ndim, 1))
    if op == "unstack":
        ax = norm_axis(a.get("axis", 0), x.ndim)
        return [np.array(np.take(x, i, axis=ax)) for i in range(x.shape[ax])]
    if op == "split":
        return split_ref(x, a["numOrSizeSplits"], a.get("axis", 0))
    if op == "gather":
        return gather_ref(xs[0], xs[1], a.get("axis", 0))
    if op == "pad":
        c = a.get("constantValue", 0)
        if dt_of(x) != np.dtype(F32) and not float(c).is_integer():
            raise OracleError("pad: non-integer constant for an integer tensor")
        pads = a["paddings"]
        if len(pads) != x.ndim or min([p for pr in pads for p in pr] + [0]) < 0:
            raise OracleError("pad: bad paddings")
        if x.ndim == 0:
            return x.copy()
        return np.pad(x, [tuple(p) for p in pads], constant_values=np.array(c, dtype=x.dtype))
    if op == "tile":
        if len(a["reps"]) != x.ndim:
            raise OracleError("tile: reps length != rank")
        return np.tile(x, a["reps"]).reshape([d * r for d, r in zip(x.shape, a["reps"])])
    if op == "broadcastTo":
        return np.array(np.broadcast_to(x, a["shape"]))
    if op == "reverse":
        axis = a.get("axis")
        return np.array(np.flip(x, norm_axes(axis, x.ndim)))
    if op == "softmax":
        return softmax_ref(x, a.get("dim", -1), False)
    if op == "logSoftmax":
        return softmax_ref(x, a.get("axis", -1), True)
    if op == "layerNorm":
        return layer_norm_ref(xs, a.get("epsilon", 1e-5))
    if op == "oneHot":
        return one_hot_ref(x, a["depth"], a.get("onValue", 1), a.get("offValue", 0), a.get("dtype", "int32"),
                           a.get("axis", -1))
    if op == "moments":
        return moments_ref(x, a["axes"], a.get("keepDims", False))
    raise OracleError("unknown op " + op)


# Ops whose float results are sums of products: checked for cancellation below.
SUM_LIKE = {"sum", "mean", "cumsum", "matMul", "dot"}


def all_dyadic(xs):
    """True when every float input is a small multiple of 1/16 (float32 sums are then exact)."""
    for x in xs:
        if dt_of(x) == np.dtype(F32):
            v = x.astype(np.float64)
            if not (np.all(v * 16 == np.round(v * 16)) and np.all(np.abs(v) <= 64)):
                return False
    return True


def check_conditioning(name, op, xs, attrs, exp):
    if op == "moments":   # the mean output
        op, attrs, exp = "mean", {"axis": attrs["axes"], "keepDims": attrs.get("keepDims", False)}, exp[0]
    if op not in SUM_LIKE or dt_of(xs[0]) != np.dtype(F32) or all_dyadic(xs):
        return
    mag = np.asarray(ops_reference(op, [np.abs(x) for x in xs], attrs)).astype(np.float64)
    val = np.abs(np.asarray(exp).astype(np.float64))
    bad = mag > 20 * val   # result smaller than 5% of the sum of |terms|
    if np.any(bad & (mag > 0)):
        raise OracleError("%s: ill-conditioned sum (cancellation)" % name)


def enc_input(name, inp):
    """Returns (json, effective array) for one ops-case input."""
    if isinstance(inp, Gen):
        return inp.enc(), inp.arr
    if isinstance(inp, Scalar):
        raise OracleError("%s: bare numbers are not used in ops cases" % name)
    if not isinstance(inp, View):
        inp = View(inp)
    arr = inp.arr
    j = enc_tensor(arr)
    if inp.perm is not None:
        if sorted(inp.perm) != list(range(arr.ndim)) or list(inp.perm) == list(range(arr.ndim)):
            raise OracleError("%s: bad perm %r" % (name, inp.perm))
        j["perm"] = list(inp.perm)
        arr = np.transpose(arr, inp.perm)
    if inp.begin is not None:
        b, s = list(inp.begin), list(inp.size)
        if len(b) != arr.ndim or len(s) != arr.ndim or any(
                v < 0 or w < 0 or v + w > d for v, w, d in zip(b, s, arr.shape)):
            raise OracleError("%s: bad input slice" % name)
        if b == [0] * arr.ndim and s == list(arr.shape):
            raise OracleError("%s: input slice is the whole tensor" % name)
        j["slice"] = {"begin": b, "size": s}
        arr = arr[tuple(slice(v, v + w) for v, w in zip(b, s))]
    return j, np.array(arr)


def ocase(name, op, inputs, attrs=None):
    attrs = {} if attrs is None else attrs
    if name in OPS_NAMES:
        raise OracleError("duplicate case name " + name)
    if not name.startswith(op + "/"):
        raise OracleError("case name %s should start with %s/" % (name, op))
    OPS_NAMES.add(name)
    jins, eff = [], []
    for inp in inputs:
        j, arr = enc_input(name, inp)
        jins.append(j)
        eff.append(arr)
    exp = ops_reference(op, eff, attrs)
    outs = exp if isinstance(exp, list) else [exp]
    outs = [np.asarray(o) for o in outs]
    check_conditioning(name, op, eff, attrs, exp)
    special = any(nonfinite(x) for x in eff) or any(nonfinite(o) for o in outs)
    if name.endswith("/special") != special:
        raise OracleError("%s: /special suffix must mark exactly the non-finite cases" % name)
    enc = [enc_tensor(o) for o in outs] if isinstance(exp, list) else enc_tensor(outs[0])
    OPS_CASES.append({"name": name, "op": op, "inputs": jins, "attrs": attrs, "expected": enc})


def pos_f32(shape, lo=0.5, hi=2.0):
    return rand_f32(shape, lo, hi)


def pow2(shape):
    """Random values from {+-0.5, +-1, +-2}: long float32 products of these are exact."""
    return f32([[0.5, 1.0, 2.0, -0.5, -1.0, -2.0][k] for k in rand_i32([size_of(shape)], 0, 5)], shape)


# ----------------------------------------------------------------------------
# reductions
# ----------------------------------------------------------------------------

def red(name, op, x, axis=None, keep=False):
    ocase(name, op, [x], {"axis": axis, "keepDims": keep})


for op in ["sum", "prod", "max", "min", "mean", "logSumExp"]:
    # float data: positive for sums (no cancellation), small magnitudes for prod
    def fdata(shape, _op=op):
        if _op == "prod":
            return rand_f32(shape, 0.6, 1.6) * np.where(rand_bool(shape), F32(1), F32(-1)).astype(F32)
        if _op in ("max", "min", "logSumExp"):
            return rand_f32(shape, -10, 10)
        return pos_f32(shape)
    red(op + "/f32_all_rank2", op, fdata([3, 4]))
    red(op + "/f32_all_rank2_keepdims", op, fdata([3, 4]), None, True)
    red(op + "/f32_axis0", op, fdata([4, 5]), 0)
    red(op + "/f32_axis1_keepdims", op, fdata([4, 5]), 1, True)
    red(op + "/f32_axis_neg1", op, fdata([2, 3, 5]), -1)
    red(op + "/f32_axis_neg3", op, fdata([2, 3, 5]), -3)
    red(op + "/f32_axes_0_2", op, fdata([3, 4, 5]), [0, 2])
    red(op + "/f32_axes_neg_keepdims", op, fdata([3, 4, 2, 3]), [-1, 1], True)
    red(op + "/f32_axis_int_list1", op, fdata([3, 6]), [1])
    red(op + "/f32_rank1", op, fdata([7]), 0)
    red(op + "/f32_rank0", op, fdata([]))
    red(op + "/f32_rank0_keepdims", op, fdata([]), None, True)
    red(op + "/f32_size1_axis", op, fdata([3, 1, 4]), 1)
    red(op + "/f32_size1_all", op, fdata([1, 1]), None)
    red(op + "/f32_rank5_mid_axes", op, fdata([2, 3, 2, 2, 3]), [1, 3])
    red(op + "/f32_wide_row", op, (pow2([2, 300]) if op == "prod" else fdata([2, 300])), 1)
    red(op + "/f32_tall_col", op, (pow2([300, 2]) if op == "prod" else fdata([300, 2])), 0)
    red(op + "/f32_empty_other_axis", op, f32([], [0, 3]), 1)
    red(op + "/f32_empty_other_axis_keepdims", op, f32([], [2, 0, 3]), 2, True)
    red(op + "/f32_perm", op, V(fdata([3, 4, 5]), perm=[2, 0, 1]), 1)
    red(op + "/f32_perm_all", op, V(fdata([4, 6]), perm=[1, 0]), None)
    red(op + "/f32_slice", op, V(fdata([6, 7]), begin=[1, 2], size=[4, 3]), 0)
    red(op + "/f32_perm_slice", op, V(fdata([5, 4, 3]), perm=[1, 2, 0], begin=[1, 0, 1], size=[2, 3, 3]),
        [-1, 0], True)
    empty_special = "" if op in ("sum", "prod") else "/special"
    red(op + "/f32_empty_axis" + empty_special, op, f32([], [2, 0, 3]), 1)
    red(op + "/f32_empty_all" + empty_special, op, f32([], [0, 4]), None)
    red(op + "/f32_empty_axis_keepdims" + empty_special, op, f32([], [3, 0]), -1, True)

# mixed-sign data with exact float32 sums
for op in ["sum", "mean"]:
    red(op + "/f32_mixed_sign_exact", op, quarters([3, 4, 5], -8, 8), 1)
    red(op + "/f32_mixed_sign_exact_all", op, quarters([6, 5], -4, 4), None)
    red(op + "/f32_axis_empty_list", op, pos_f32([2, 3]), [])
red("max/f32_all_negative", "max", rand_f32([3, 5], -100, -1), 1)
red("min/f32_all_positive", "min", rand_f32([3, 5], 1, 100), 1)
red("max/f32_large_magnitudes", "max", f32([-3e38, -1e30, 1e-30, -1e-30, 3e38, 2e38], [2, 3]), 0)
red("min/f32_large_magnitudes", "min", f32([-3e38, -1e30, 1e-30, -1e-30, 3e38, 2e38], [2, 3]), 0)
red("logSumExp/f32_large_values", "logSumExp", f32([1000.0, 999.0, 998.5, -50.0, 88.5, 90.0], [2, 3]), 1)
red("logSumExp/f32_very_negative", "logSumExp", f32([-1000.0, -1001.0, -999.5, -200.0, -200.0, -201.0],
                                                      [2, 3]), 1)
red("logSumExp/f32_size1_axis_identity", "logSumExp", rand_f32([3, 1], -5, 5), 1)
red("prod/f32_with_zero", "prod", f32([1.5, 0.0, -2.0, 3.0, -0.5, 4.0], [2, 3]), 1)
red("mean/f32_rank0_value", "mean", f32(2.75, []), None)

# integer and bool dtypes
for op in ["sum", "prod", "max", "min", "mean"]:
    lo, hi = (-3, 3) if op == "prod" else (-1000, 1000)
    red(op + "/i32_axis0", op, rand_i32([4, 3], lo, hi), 0)
    red(op + "/i32_all_keepdims", op, rand_i32([2, 3], lo, hi), None, True)
    red(op + "/i32_axis_neg1", op, rand_i32([2, 3, 4], lo, hi), -1)
    red(op + "/i32_perm", op, V(rand_i32([3, 4], lo, hi), perm=[1, 0]), 1)
    red(op + "/i32_slice", op, V(rand_i32([5, 6], lo, hi), begin=[2, 1], size=[3, 4]), 1)
    red(op + "/i32_rank0", op, i32(-7, []))
    red(op + "/i32_empty_other_axis", op, i32([], [0, 2]), 1)
    ulo, uhi = (0, 4) if op == "prod" else (0, 100000)
    red(op + "/u32_axis1", op, rand_u32([3, 4], ulo, uhi), 1)
    if op != "mean":
        red(op + "/i32_empty_axis", op, i32([], [3, 0]), 1)
        red(op + "/u32_empty_axis", op, u32([], [0, 2]), 0)
red("sum/i32_wrap", "sum", i32([2147483647, 1, 2147483000, 2000, -2147483648, -5, -2147483648, -2147483648],
                               [2, 4]), 1)
red("sum/i32_wrap_all", "sum", i32([2000000000] * 5), None)
red("sum/u32_wrap", "sum", u32([4294967295, 1, 3000000000, 3000000000, 2147483648, 2147483648], [3, 2]), 1)
red("sum/u32_large_no_wrap", "sum", u32([2147483648, 1000, 1073741824, 7]), None)
red("prod/i32_wrap", "prod", i32([65536, 65537, 3, -100000, 100000, 7], [2, 3]), 1)
red("prod/i32_negative_no_wrap", "prod", i32([-2, 3, -5, 7, -11, 13, 2, -1]), 0)
red("prod/u32_wrap", "prod", u32([65536, 65536, 3, 4294967295, 2, 1], [2, 3]), 1)
red("max/i32_extremes", "max", i32([-2147483648, -2147483647, -2147483648, 2147483647, 0, -1], [2, 3]), 1)
red("min/i32_extremes", "min", i32([-2147483648, -2147483647, -2147483648, 2147483647, 0, -1], [2, 3]), 1)
red("max/u32_above_2_31", "max", u32([0, 2147483648, 4294967295, 2147483647, 3000000000, 5], [3, 2]), 0)
red("min/u32_above_2_31", "min", u32([4294967295, 2147483648, 3000000000, 2147483649, 3000000001, 5],
                                     [3, 2]), 0)
red("mean/i32_to_f32_inexact", "mean", i32([1, 2, 2, 5, 0, -1, 7, 1, 1], [3, 3]), 1)
red("mean/u32_to_f32_all", "mean", u32([1, 2, 3, 4, 100, 7]), None)
red("logSumExp/i32_converted", "logSumExp", rand_i32([2, 4], -5, 5), 1)
for op in ["sum", "prod"]:
    red(op + "/bool_axis1", op, rand_bool([3, 5]), 1)
    red(op + "/bool_all", op, rand_bool([4, 4]), None)
    red(op + "/bool_empty", op, bl([], [0, 3]), None)
red("sum/bool_perm_keepdims", "sum", V(rand_bool([3, 4, 2]), perm=[2, 0, 1]), [0, 2], True)
red("prod/bool_all_true", "prod", bl([True] * 6, [2, 3]), 1)

# long axes (generated inputs; compared with a looser tolerance)
for op in ["sum", "mean", "max"]:
    red(op + "/1d_1048576/long", op, Gen([1048576], 7919, 1000, 0.001, 0.25), None)
    red(op + "/axis1_3x400000/long", op, Gen([3, 400000], 7919, 997, 0.001, 0.25), 1)
    red(op + "/axis0_400000x3/long", op, Gen([400000, 3], 104729, 997, 0.001, 0.5), 0)
red("sum/1d_1048576_keepdims/long", "sum", Gen([1048576], 7901, 1024, 0.0009765625, 0.125), 0, True)

# any / all
for op in ["any", "all"]:
    tf_rows = bl([True, True, True, False, False, False, True, False, True, False, True, True], [4, 3])
    red(op + "/axis1", op, tf_rows, 1)
    red(op + "/axis0_keepdims", op, tf_rows, 0, True)
    red(op + "/all_axes", op, rand_bool([3, 4]), None)
    red(op + "/all_true", op, bl([True] * 6, [2, 3]), None)
    red(op + "/all_false", op, bl([False] * 6, [2, 3]), None)
    red(op + "/axes_neg_list", op, rand_bool([2, 3, 4]), [-1, 0])
    red(op + "/rank0", op, bl(True, []))
    red(op + "/rank0_false", op, bl(False, []), None, True)
    red(op + "/size1_axis", op, rand_bool([3, 1]), 1)
    red(op + "/empty_axis", op, bl([], [3, 0]), 1)
    red(op + "/empty_all", op, bl([], [0]), None)
    red(op + "/empty_other_axis", op, bl([], [0, 3]), 1)
    red(op + "/perm", op, V(rand_bool([3, 4, 2]), perm=[1, 2, 0]), 2)
    red(op + "/slice", op, V(rand_bool([5, 6]), begin=[1, 2], size=[3, 3]), 1, True)
    red(op + "/long_row", op, bl([op == "all"] * 999 + [op != "all"], [2, 500]), 1)

# argMax / argMin
for op in ["argMax", "argMin"]:
    ocase(op + "/f32_default_axis", op, [rand_f32([4, 3], -5, 5)])
    ocase(op + "/f32_axis1", op, [rand_f32([3, 6], -5, 5)], {"axis": 1})
    ocase(op + "/f32_axis_neg1", op, [rand_f32([2, 3, 5], -5, 5)], {"axis": -1})
    ocase(op + "/f32_axis_neg3", op, [rand_f32([2, 3, 5], -5, 5)], {"axis": -3})
    ocase(op + "/f32_rank1", op, [rand_f32([9], -5, 5)], {"axis": 0})
    ocase(op + "/f32_ties_first", op, [f32([1.0, 3.0, 3.0, -2.0, -2.0, 3.0,
                                            -1.0, -1.0, -1.0, -1.0, 0.5, 0.5,
                                            2.0, -7.0, 2.0, -7.0, 2.0, -7.0], [3, 6])], {"axis": 1})
    ocase(op + "/f32_ties_axis0", op, [f32([5.0, 1.0, 2.0, 5.0, 1.0, 2.0, 5.0, 0.0, 2.0], [3, 3])], {"axis": 0})
    ocase(op + "/f32_all_equal", op, [f32([0.25] * 8, [2, 4])], {"axis": 1})
    ocase(op + "/f32_size1_axis", op, [rand_f32([4, 1], -5, 5)], {"axis": 1})
    ocase(op + "/f32_empty_other_axis", op, [f32([], [0, 3])], {"axis": 1})
    ocase(op + "/f32_long_axis", op, [rand_f32([2, 700], -100, 100)], {"axis": 1})
    ocase(op + "/f32_negative_values", op, [rand_f32([3, 4], -100, -1)], {"axis": 1})
    ocase(op + "/f32_perm", op, [V(rand_f32([3, 4, 5], -5, 5), perm=[2, 0, 1])], {"axis": 2})
    ocase(op + "/f32_slice", op, [V(rand_f32([6, 7], -5, 5), begin=[1, 1], size=[4, 5])], {"axis": 0})
    ocase(op + "/i32_ties", op, [i32([4, 4, 1, 1, -3, -3, 9, 0, 9, 0, -3, 4], [2, 6])], {"axis": 1})
    ocase(op + "/i32_extremes", op, [i32([0, -2147483648, 2147483647, -1, 2147483647, -2147483648], [2, 3])],
          {"axis": 1})
    ocase(op + "/i32_perm", op, [V(rand_i32([4, 3], -3, 3), perm=[1, 0])], {"axis": 0})
    ocase(op + "/u32_above_2_31", op, [u32([1, 4294967295, 2147483648, 3000000000, 0, 2147483647], [2, 3])],
          {"axis": 1})

# cumsum / cumprod
for op in ["cumsum", "cumprod"]:
    def cdata(shape, _op=op):
        if _op == "cumprod":
            return rand_f32(shape, 0.7, 1.4) * np.where(rand_bool(shape), F32(1), F32(-1)).astype(F32)
        return pos_f32(shape)
    ocase(op + "/f32_default_attrs", op, [cdata([6])])
    ocase(op + "/f32_axis0", op, [cdata([4, 3])], {"axis": 0, "exclusive": False, "reverse": False})
    ocase(op + "/f32_axis1", op, [cdata([3, 5])], {"axis": 1, "exclusive": False, "reverse": False})
    ocase(op + "/f32_axis_neg1", op, [cdata([2, 3, 4])], {"axis": -1, "exclusive": False, "reverse": False})
    ocase(op + "/f32_axis_neg2", op, [cdata([2, 3, 4])], {"axis": -2, "exclusive": False, "reverse": False})
    ocase(op + "/f32_exclusive", op, [cdata([3, 5])], {"axis": 1, "exclusive": True, "reverse": False})
    ocase(op + "/f32_reverse", op, [cdata([3, 5])], {"axis": 1, "exclusive": False, "reverse": True})
    ocase(op + "/f32_exclusive_reverse", op, [cdata([3, 5])], {"axis": 1, "exclusive": True, "reverse": True})
    ocase(op + "/f32_exclusive_axis0", op, [cdata([4, 2, 3])], {"axis": 0, "exclusive": True})
    ocase(op + "/f32_reverse_only_attr", op, [cdata([5])], {"reverse": True})
    ocase(op + "/f32_size1_axis", op, [cdata([3, 1])], {"axis": 1, "exclusive": True, "reverse": False})
    ocase(op + "/f32_size1_axis_inclusive", op, [cdata([1, 4])], {"axis": 0})
    ocase(op + "/f32_empty_axis", op, [f32([], [2, 0])], {"axis": 1, "exclusive": True, "reverse": False})
    ocase(op + "/f32_empty_other_axis", op, [f32([], [0, 3])], {"axis": 1})
    ocase(op + "/f32_perm", op, [V(cdata([3, 4, 2]), perm=[2, 0, 1])], {"axis": 1, "exclusive": False,
                                                                       "reverse": True})
    ocase(op + "/f32_slice", op, [V(cdata([5, 6]), begin=[1, 1], size=[3, 4])], {"axis": 1, "exclusive": True,
                                                                                 "reverse": False})
    ilo, ihi = (-3, 3) if op == "cumprod" else (-1000, 1000)
    ocase(op + "/i32_axis1", op, [rand_i32([3, 5], ilo, ihi)], {"axis": 1, "exclusive": False, "reverse": False})
    ocase(op + "/i32_exclusive_reverse", op, [rand_i32([2, 4], ilo, ihi)], {"axis": -1, "exclusive": True,
                                                                              "reverse": True})
    ocase(op + "/i32_perm", op, [V(rand_i32([4, 3], ilo, ihi), perm=[1, 0])], {"axis": 0})
    ocase(op + "/u32_axis0", op, [rand_u32([4, 2], 0, 5 if op == "cumprod" else 100000)], {"axis": 0})
ocase("cumsum/f32_long_axis", "cumsum", [pos_f32([2, 600])], {"axis": 1, "exclusive": False, "reverse": False})
ocase("cumsum/f32_long_axis_reverse_exclusive", "cumsum", [pos_f32([700])], {"axis": 0, "exclusive": True,
                                                                             "reverse": True})
ocase("cumsum/f32_mixed_sign_exact", "cumsum", [quarters([3, 9], -4, 4)], {"axis": 1})
ocase("cumsum/i32_wrap", "cumsum", [i32([2147483000, 1000, 2147483647, -2147483648, -5, -2147483648])],
      {"axis": 0, "exclusive": False, "reverse": False})
ocase("cumsum/u32_wrap", "cumsum", [u32([4294967295, 1, 3000000000, 3000000000])], {"axis": 0})
ocase("cumprod/i32_wrap", "cumprod", [i32([65537, 65537, 3, -7, 100000])], {"axis": 0})
ocase("cumprod/f32_with_zero", "cumprod", [f32([1.5, -2.0, 0.0, 3.0, 0.5])], {"axis": 0, "exclusive": True,
                                                                             "reverse": True})

# ----------------------------------------------------------------------------
# linear algebra
# ----------------------------------------------------------------------------

def mm(name, a, b, ta=None, tb=None):
    attrs = {}
    if ta is not None:
        attrs["transposeA"] = ta
    if tb is not None:
        attrs["transposeB"] = tb
    ocase(name, "matMul", [a, b], attrs)


mm("matMul/f32_1x1", f32([1.5], [1, 1]), f32([-2.25], [1, 1]), False, False)
mm("matMul/f32_3x5_5x7", pos_f32([3, 5]), pos_f32([5, 7]), False, False)
mm("matMul/f32_17x33_33x9", pos_f32([17, 33]), pos_f32([33, 9]), False, False)
mm("matMul/f32_default_attrs", pos_f32([2, 3]), pos_f32([3, 4]))
mm("matMul/f32_mixed_sign_exact", quarters([6, 10], -4, 4), quarters([10, 5], -4, 4), False, False)
mm("matMul/f32_row_times_col", pos_f32([1, 40]), pos_f32([40, 1]), False, False)
mm("matMul/f32_col_times_row", pos_f32([6, 1]), pos_f32([1, 7]), False, False)
mm("matMul/f32_65x129_129x67_pattern", Gen([65, 129], 7919, 1000, 0.001, 0.1),
   Gen([129, 67], 104729, 997, 0.002, 0.05), False, False)
mm("matMul/f32_batched_pattern_broadcast_rhs", Gen([2, 33, 70], 7907, 1009, 0.001, 0.2),
   Gen([70, 40], 6007, 512, 0.00390625, 0.0625), False, False)
mm("matMul/f32_batched", pos_f32([2, 3, 4]), pos_f32([2, 4, 5]), False, False)
mm("matMul/f32_broadcast_batches", pos_f32([2, 1, 3, 4]), pos_f32([5, 4, 2]), False, False)
mm("matMul/f32_broadcast_lhs_rank2", pos_f32([3, 4]), pos_f32([3, 4, 2]), False, False)
mm("matMul/f32_batch_size1_both", pos_f32([1, 3, 2]), pos_f32([1, 2, 4]), False, False)
mm("matMul/f32_transposeA", pos_f32([5, 3]), pos_f32([5, 4]), True, False)
mm("matMul/f32_transposeB", pos_f32([3, 5]), pos_f32([4, 5]), False, True)
mm("matMul/f32_transpose_both", pos_f32([5, 3]), pos_f32([4, 5]), True, True)
mm("matMul/f32_batched_transposeA", pos_f32([2, 4, 3]), pos_f32([2, 4, 5]), True, False)
mm("matMul/f32_batched_transposeB", pos_f32([2, 3, 4]), pos_f32([1, 5, 4]), False, True)
mm("matMul/f32_broadcast_transpose_both", pos_f32([2, 1, 4, 3]), pos_f32([5, 2, 4]), True, True)
mm("matMul/f32_pattern_transposeB", Gen([20, 65], 7919, 1000, 0.001, 0.1),
   Gen([31, 65], 104729, 997, 0.002, 0.05), False, True)
mm("matMul/f32_perm_lhs", V(pos_f32([5, 3]), perm=[1, 0]), pos_f32([5, 4]), False, False)
mm("matMul/f32_perm_rhs_batched", pos_f32([2, 3, 4]), V(pos_f32([5, 2, 4]), perm=[1, 2, 0]), False, False)
mm("matMul/f32_perm_and_transposeA", V(pos_f32([3, 5]), perm=[1, 0]), pos_f32([5, 2]), True, False)
mm("matMul/f32_perm_batch_axes", V(pos_f32([3, 2, 4]), perm=[1, 0, 2]), pos_f32([4, 2]), False, False)
mm("matMul/f32_slice_lhs", V(pos_f32([6, 8]), begin=[1, 2], size=[4, 5]), pos_f32([5, 3]), False, False)
mm("matMul/f32_slice_both_transposeB", V(pos_f32([5, 7]), begin=[0, 1], size=[3, 6]),
   V(pos_f32([4, 9]), begin=[1, 3], size=[2, 6]), False, True)
mm("matMul/f32_k0", f32([], [3, 0]), f32([], [0, 4]), False, False)
mm("matMul/f32_k0_batched", f32([], [2, 2, 0]), f32([], [2, 0, 3]), False, False)
mm("matMul/f32_m0", f32([], [0, 3]), pos_f32([3, 4]), False, False)
mm("matMul/f32_n0", pos_f32([2, 3]), f32([], [3, 0]), False, False)
mm("matMul/f32_batch0", f32([], [0, 2, 3]), pos_f32([3, 4]), False, False)
mm("matMul/i32_small", rand_i32([3, 4], -20, 20), rand_i32([4, 5], -20, 20), False, False)
mm("matMul/i32_batched_transposeB", rand_i32([2, 3, 4], -9, 9), rand_i32([2, 2, 4], -9, 9), False, True)
mm("matMul/i32_wrap", rand_i32([3, 6], 30000, 100000), rand_i32([6, 2], 30000, 100000), False, False)
mm("matMul/i32_perm", V(rand_i32([4, 3], -9, 9), perm=[1, 0]), rand_i32([4, 2], -9, 9), False, False)
mm("matMul/i32_k0", i32([], [2, 0]), i32([], [0, 2]), False, False)

ocase("dot/f32_vec_vec", "dot", [pos_f32([7]), pos_f32([7])])
ocase("dot/f32_vec_vec_len1", "dot", [f32([2.5]), f32([-1.5])])
ocase("dot/f32_vec_vec_long", "dot", [pos_f32([1000]), pos_f32([1000])])
ocase("dot/f32_vec_vec_empty", "dot", [f32([], [0]), f32([], [0])])
ocase("dot/f32_mat_vec", "dot", [pos_f32([3, 5]), pos_f32([5])])
ocase("dot/f32_vec_mat", "dot", [pos_f32([4]), pos_f32([4, 6])])
ocase("dot/f32_mat_mat", "dot", [pos_f32([3, 4]), pos_f32([4, 2])])
ocase("dot/f32_mixed_sign_exact", "dot", [quarters([3, 8], -4, 4), quarters([8], -4, 4)])
ocase("dot/f32_perm_mat_vec", "dot", [V(pos_f32([5, 3]), perm=[1, 0]), pos_f32([5])])
ocase("dot/f32_slice_vec_mat", "dot", [V(pos_f32([9]), begin=[2], size=[4]), pos_f32([4, 3])])
ocase("dot/i32_vec_vec", "dot", [rand_i32([6], -50, 50), rand_i32([6], -50, 50)])
ocase("dot/i32_mat_mat", "dot", [rand_i32([2, 3], -50, 50), rand_i32([3, 4], -50, 50)])

ocase("outerProduct/f32_basic", "outerProduct", [rand_f32([4], -3, 3), rand_f32([5], -3, 3)])
ocase("outerProduct/f32_len1", "outerProduct", [f32([2.5]), rand_f32([3], -3, 3)])
ocase("outerProduct/f32_empty", "outerProduct", [f32([], [0]), rand_f32([3], -3, 3)])
ocase("outerProduct/f32_slice", "outerProduct", [V(rand_f32([8], -3, 3), begin=[3], size=[4]),
                                                 rand_f32([2], -3, 3)])
ocase("outerProduct/i32_basic", "outerProduct", [rand_i32([3], -100, 100), rand_i32([4], -100, 100)])
ocase("outerProduct/i32_wrap", "outerProduct", [i32([65536, -3, 100000]), i32([65536, 100000])])

# ----------------------------------------------------------------------------
# shape and movement
# ----------------------------------------------------------------------------

ocase("expandDims/default_axis", "expandDims", [rand_f32([2, 3], -5, 5)])
ocase("expandDims/axis1", "expandDims", [rand_f32([2, 3], -5, 5)], {"axis": 1})
ocase("expandDims/axis_append", "expandDims", [rand_f32([2, 3], -5, 5)], {"axis": 2})
ocase("expandDims/axis_neg1_appends", "expandDims", [rand_f32([2, 3], -5, 5)], {"axis": -1})
ocase("expandDims/axis_neg3", "expandDims", [rand_f32([2, 3], -5, 5)], {"axis": -3})
ocase("expandDims/rank0", "expandDims", [f32(4.5, [])], {"axis": 0})
ocase("expandDims/rank0_neg1", "expandDims", [i32(7, [])], {"axis": -1})
ocase("expandDims/empty", "expandDims", [f32([], [0, 3])], {"axis": 1})
ocase("expandDims/i32", "expandDims", [rand_i32([3], -9, 9)], {"axis": 0})
ocase("expandDims/bool", "expandDims", [rand_bool([2, 2])], {"axis": -2})
ocase("expandDims/perm", "expandDims", [V(rand_f32([2, 3, 4], -5, 5), perm=[2, 0, 1])], {"axis": 1})
ocase("expandDims/slice", "expandDims", [V(rand_i32([4, 5], -9, 9), begin=[1, 1], size=[2, 3])], {"axis": 2})

ocase("squeeze/all_null", "squeeze", [rand_f32([1, 3, 1, 2, 1], -5, 5)], {"axis": None})
ocase("squeeze/default", "squeeze", [rand_f32([1, 3, 1], -5, 5)])
ocase("squeeze/axis_list", "squeeze", [rand_f32([1, 3, 1, 2], -5, 5)], {"axis": [2]})
ocase("squeeze/axis_list_neg", "squeeze", [rand_f32([1, 3, 1, 2, 1], -5, 5)], {"axis": [-1, 0]})
ocase("squeeze/to_rank0", "squeeze", [f32([2.5], [1, 1])], {"axis": None})
ocase("squeeze/rank0", "squeeze", [f32(1.25, [])], {"axis": None})
ocase("squeeze/no_ones", "squeeze", [rand_i32([2, 3], -9, 9)], {"axis": None})
ocase("squeeze/empty_other_axis", "squeeze", [f32([], [1, 0, 3])], {"axis": None})
ocase("squeeze/bool", "squeeze", [rand_bool([3, 1])], {"axis": [1]})
ocase("squeeze/perm", "squeeze", [V(rand_f32([3, 1, 4], -5, 5), perm=[2, 1, 0])], {"axis": [1]})
ocase("squeeze/slice", "squeeze", [V(rand_f32([4, 5], -5, 5), begin=[2, 1], size=[1, 3])], {"axis": None})

SX = rand_f32([4, 5, 6], -5, 5)
ocase("slice/rank3", "slice", [SX], {"begin": [1, 0, 2], "size": [2, 3, 3]})
ocase("slice/size_minus1", "slice", [SX], {"begin": [1, 2, 3], "size": [-1, 2, -1]})
ocase("slice/size_null", "slice", [SX], {"begin": [2, 1, 0], "size": None})
ocase("slice/size_omitted", "slice", [SX], {"begin": [3, 4, 5]})
ocase("slice/negative_begin", "slice", [SX], {"begin": [-2, 0, -4], "size": [2, 5, 3]})
ocase("slice/negative_begin_to_end", "slice", [SX], {"begin": [-1, -3, -6], "size": [-1, -1, -1]})
ocase("slice/zero_size", "slice", [SX], {"begin": [1, 0, 0], "size": [0, 5, 6]})
ocase("slice/whole", "slice", [SX], {"begin": [0, 0, 0], "size": [4, 5, 6]})
ocase("slice/size1_all", "slice", [SX], {"begin": [3, 2, 1], "size": [1, 1, 1]})
ocase("slice/1d_int_begin", "slice", [rand_f32([10], -5, 5)], {"begin": 3, "size": 4})
ocase("slice/1d_int_begin_negative", "slice", [rand_f32([10], -5, 5)], {"begin": -4, "size": 2})
ocase("slice/1d_int_begin_no_size", "slice", [rand_i32([10], -9, 9)], {"begin": 6})
ocase("slice/1d_int_begin_size_minus1", "slice", [rand_i32([7], -9, 9)], {"begin": 2, "size": -1})
ocase("slice/i32", "slice", [rand_i32([5, 4], -9, 9)], {"begin": [1, 1], "size": [3, 2]})
ocase("slice/u32", "slice", [u32(UINT_SPREAD)], {"begin": [2], "size": [6]})
ocase("slice/bool", "slice", [rand_bool([3, 4])], {"begin": [1, 0], "size": [2, -1]})
ocase("slice/from_empty", "slice", [f32([], [0, 4])], {"begin": [0, 1], "size": [0, 2]})
ocase("slice/perm", "slice", [V(rand_f32([3, 4, 5], -5, 5), perm=[2, 0, 1])], {"begin": [1, 1, 0], "size": [3, 2, 4]})
ocase("slice/slice_of_slice", "slice", [V(rand_f32([6, 7], -5, 5), begin=[1, 2], size=[4, 5])],
      {"begin": [1, 1], "size": [2, 3]})
ocase("slice/slice_of_perm_slice", "slice", [V(rand_i32([5, 6, 3], -9, 9), perm=[1, 2, 0], begin=[1, 0, 1],
                                                size=[4, 3, 3])], {"begin": [-3, 1, 0], "size": [2, -1, 2]})
# fewer begin/size entries than dimensions (TensorFlow.js): the rest are taken whole
ocase("slice/short_begin_and_size", "slice", [SX], {"begin": [1], "size": [2]})
ocase("slice/short_begin_no_size", "slice", [SX], {"begin": [2, 3]})
ocase("slice/short_size", "slice", [SX], {"begin": [1, 2, 3], "size": [2]})
ocase("slice/short_begin_longer_size", "slice", [SX], {"begin": [1], "size": [2, 3]})
ocase("slice/empty_begin_and_size", "slice", [SX], {"begin": [], "size": []})
ocase("slice/short_negative_begin", "slice", [SX], {"begin": [-2, -1], "size": [1, -1]})
ocase("slice/short_i32_rank2", "slice", [i32([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])], {"begin": [1]})
ocase("slice/short_bool_perm", "slice", [V(bl([[True, False, True], [False, False, True]]), perm=[1, 0])],
      {"begin": [1], "size": [2]})

SS = rand_f32([5, 6, 4], -5, 5)
def ss(name, x, begin, end, strides, bm=0, em=0, sm=0, omit_masks=False):
    attrs = {"begin": begin, "end": end, "strides": strides}
    if not omit_masks:
        attrs.update({"beginMask": bm, "endMask": em, "shrinkAxisMask": sm})
    ocase(name, "stridedSlice", [x], attrs)


ss("stridedSlice/basic", SS, [1, 0, 1], [4, 6, 3], [1, 1, 1])
ss("stridedSlice/masks_omitted", SS, [1, 2, 0], [3, 5, 4], [1, 2, 1], omit_masks=True)
ss("stridedSlice/strides2", SS, [0, 1, 0], [5, 6, 4], [2, 2, 3])
ss("stridedSlice/negative_stride", SS, [4, 5, 3], [0, 0, 0], [-1, -2, -1])
ss("stridedSlice/negative_stride_masks", SS, [0, 0, 0], [0, 0, 0], [-1, -1, -2], bm=7, em=7)
ss("stridedSlice/negative_indices", SS, [-4, -1, -3], [-1, -6, 4], [1, -1, 1])
ss("stridedSlice/begin_mask", SS, [3, 9, 2], [5, 4, 4], [1, 1, 1], bm=2)
ss("stridedSlice/end_mask", SS, [1, 2, 1], [0, 0, 2], [1, 1, 1], em=3)
ss("stridedSlice/both_masks_all", SS, [3, 3, 3], [1, 1, 1], [1, 1, 1], bm=7, em=7)
ss("stridedSlice/clamped_out_of_range", SS, [-10, 2, 1], [10, 100, 3], [1, 1, 1])
ss("stridedSlice/clamped_negative_stride", SS, [10, 100, 3], [-10, -100, 0], [-2, -3, -1])
ss("stridedSlice/empty_result", SS, [3, 0, 0], [1, 6, 4], [1, 1, 1])
ss("stridedSlice/shrink_axis0", SS, [2, 0, 0], [3, 6, 4], [1, 1, 1], sm=1)
ss("stridedSlice/shrink_negative_index", SS, [0, -1, 0], [5, 0, 4], [1, 1, 1], sm=2)
ss("stridedSlice/shrink_with_strides", SS, [4, 1, 3], [0, 6, 0], [-1, 2, 1], bm=1, sm=4)
ss("stridedSlice/shrink_all_rank0", SS, [1, 2, 3], [2, 3, 4], [1, 1, 1], sm=7)
ss("stridedSlice/mixed_everything", SS, [0, 5, -1], [0, 0, 0], [2, -2, 1], bm=1, em=3, sm=4)
ss("stridedSlice/1d_reverse_all", rand_i32([7], -9, 9), [0], [0], [-1], bm=1, em=1)
ss("stridedSlice/1d_step3", rand_i32([10], -9, 9), [1], [10], [3])
ss("stridedSlice/bool", rand_bool([4, 5]), [0, 4], [4, 0], [2, -2])
ss("stridedSlice/u32", u32(UINT_SPREAD), [-1], [0], [-3], em=1)
ss("stridedSlice/perm", V(rand_f32([4, 5, 3], -5, 5), perm=[2, 0, 1]), [0, 3, 0], [3, 0, 5], [2, -1, 2])
ss("stridedSlice/slice_view", V(rand_f32([6, 8], -5, 5), begin=[1, 2], size=[5, 5]), [4, 0], [0, 5], [-2, 2],
   sm=0)
ss("stridedSlice/from_empty", f32([], [0, 3]), [0, 0], [0, 3], [1, 1], em=1)

for ax, shapes in [(0, [[2, 3], [1, 3], [4, 3]]), (1, [[2, 3], [2, 1], [2, 5]]), (-1, [[2, 2, 1], [2, 2, 3]]),
                   (-3, [[1, 2, 2], [3, 2, 2]])]:
    ocase("concat/f32_axis%s" % (str(ax).replace("-", "neg")), "concat",
          [rand_f32(s, -5, 5) for s in shapes], {"axis": ax})
ocase("concat/default_axis", "concat", [rand_f32([1, 2], -5, 5), rand_f32([2, 2], -5, 5)])
ocase("concat/single", "concat", [rand_f32([2, 3], -5, 5)], {"axis": 1})
ocase("concat/rank1_many", "concat", [rand_f32([n], -5, 5) for n in [1, 4, 2, 7, 3]], {"axis": 0})
ocase("concat/with_empty", "concat", [rand_f32([2, 2], -5, 5), f32([], [2, 0]), rand_f32([2, 3], -5, 5)],
      {"axis": 1})
ocase("concat/all_empty", "concat", [f32([], [0, 3]), f32([], [0, 3])], {"axis": 0})
ocase("concat/empty_other_axis", "concat", [f32([], [0, 3]), f32([], [0, 2])], {"axis": 1})
ocase("concat/i32", "concat", [rand_i32([2, 2], -9, 9), rand_i32([3, 2], -9, 9)], {"axis": 0})
ocase("concat/u32", "concat", [u32([0, 4294967295]), u32([2147483648])], {"axis": 0})
ocase("concat/bool", "concat", [rand_bool([2, 1]), rand_bool([2, 3])], {"axis": -1})
ocase("concat/perm_inputs", "concat", [V(rand_f32([3, 2], -5, 5), perm=[1, 0]), rand_f32([2, 4], -5, 5),
                                       V(rand_f32([2, 2], -5, 5), perm=[1, 0])], {"axis": 1})
ocase("concat/slice_inputs", "concat", [V(rand_i32([4, 4], -9, 9), begin=[1, 0], size=[2, 3]),
                                        V(rand_i32([5, 3], -9, 9), begin=[2, 0], size=[3, 3])], {"axis": 0})

ocase("stack/rank0s", "stack", [f32(1.5, []), f32(-2.0, []), f32(0.25, [])], {"axis": 0})
ocase("stack/axis0", "stack", [rand_f32([2, 3], -5, 5) for _ in range(3)], {"axis": 0})
ocase("stack/axis1", "stack", [rand_f32([2, 3], -5, 5) for _ in range(4)], {"axis": 1})
ocase("stack/axis_last", "stack", [rand_f32([2, 3], -5, 5) for _ in range(2)], {"axis": 2})
ocase("stack/axis_neg1", "stack", [rand_f32([2, 3], -5, 5) for _ in range(2)], {"axis": -1})
ocase("stack/axis_neg3", "stack", [rand_f32([2, 3], -5, 5) for _ in range(2)], {"axis": -3})
ocase("stack/single", "stack", [rand_f32([3], -5, 5)], {"axis": 1})
ocase("stack/empty_tensors", "stack", [f32([], [0, 2]), f32([], [0, 2])], {"axis": 1})
ocase("stack/i32", "stack", [rand_i32([3], -9, 9) for _ in range(3)], {"axis": 1})
ocase("stack/bool", "stack", [rand_bool([2, 2]) for _ in range(2)], {"axis": 0})
ocase("stack/perm_and_slice_inputs", "stack", [V(rand_f32([3, 2], -5, 5), perm=[1, 0]),
                                               V(rand_f32([4, 5], -5, 5), begin=[1, 1], size=[2, 3])],
      {"axis": 1})

ocase("unstack/axis0", "unstack", [rand_f32([3, 4], -5, 5)], {"axis": 0})
ocase("unstack/default_axis", "unstack", [rand_f32([2, 3], -5, 5)])
ocase("unstack/axis1", "unstack", [rand_f32([2, 3, 2], -5, 5)], {"axis": 1})
ocase("unstack/axis_neg1", "unstack", [rand_f32([2, 3, 2], -5, 5)], {"axis": -1})
ocase("unstack/rank1_to_rank0", "unstack", [rand_f32([4], -5, 5)], {"axis": 0})
ocase("unstack/size1_axis", "unstack", [rand_i32([1, 3], -9, 9)], {"axis": 0})
ocase("unstack/empty_other_axis", "unstack", [f32([], [3, 0])], {"axis": 0})
ocase("unstack/zero_length_axis", "unstack", [f32([], [0, 3])], {"axis": 0})
ocase("unstack/bool", "unstack", [rand_bool([2, 3])], {"axis": 1})
ocase("unstack/perm", "unstack", [V(rand_f32([2, 3, 4], -5, 5), perm=[2, 0, 1])], {"axis": 1})
ocase("unstack/slice", "unstack", [V(rand_i32([4, 5], -9, 9), begin=[1, 1], size=[3, 2])], {"axis": 1})

ocase("split/int_axis0", "split", [rand_f32([6, 2], -5, 5)], {"numOrSizeSplits": 3, "axis": 0})
ocase("split/int_default_axis", "split", [rand_f32([4, 3], -5, 5)], {"numOrSizeSplits": 2})
ocase("split/int_axis1", "split", [rand_f32([2, 6], -5, 5)], {"numOrSizeSplits": 2, "axis": 1})
ocase("split/int_one", "split", [rand_f32([2, 3], -5, 5)], {"numOrSizeSplits": 1, "axis": 1})
ocase("split/int_all_size1", "split", [rand_f32([2, 4], -5, 5)], {"numOrSizeSplits": 4, "axis": -1})
ocase("split/sizes", "split", [rand_f32([2, 7], -5, 5)], {"numOrSizeSplits": [2, 4, 1], "axis": 1})
ocase("split/sizes_minus1", "split", [rand_f32([8, 2], -5, 5)], {"numOrSizeSplits": [3, -1, 2], "axis": 0})
ocase("split/sizes_minus1_first", "split", [rand_i32([3, 5, 2], -9, 9)], {"numOrSizeSplits": [-1, 1], "axis": -2})
ocase("split/sizes_with_zero", "split", [rand_f32([5], -5, 5)], {"numOrSizeSplits": [2, 0, 3], "axis": 0})
ocase("split/minus1_is_zero", "split", [rand_f32([2, 4], -5, 5)], {"numOrSizeSplits": [4, -1], "axis": 1})
ocase("split/empty_other_axis", "split", [f32([], [0, 4])], {"numOrSizeSplits": 2, "axis": 1})
ocase("split/bool", "split", [rand_bool([4, 2])], {"numOrSizeSplits": [1, 3], "axis": 0})
ocase("split/perm", "split", [V(rand_f32([4, 6], -5, 5), perm=[1, 0])], {"numOrSizeSplits": 3, "axis": 0})
ocase("split/slice", "split", [V(rand_f32([5, 7], -5, 5), begin=[1, 1], size=[4, 4])],
      {"numOrSizeSplits": [1, -1], "axis": 1})

GX = rand_f32([5, 4], -5, 5)
ocase("gather/axis0_vec", "gather", [GX, i32([3, 0, 4])], {"axis": 0})
ocase("gather/default_axis", "gather", [GX, i32([1, 1])])
ocase("gather/axis1_vec", "gather", [GX, i32([3, 1, 1, 0, 2])], {"axis": 1})
ocase("gather/axis_neg1", "gather", [GX, i32([2, 0])], {"axis": -1})
ocase("gather/axis_neg2", "gather", [GX, i32([4])], {"axis": -2})
ocase("gather/rank0_index", "gather", [GX, i32(2, [])], {"axis": 0})
ocase("gather/rank0_index_axis1", "gather", [GX, i32(3, [])], {"axis": 1})
ocase("gather/rank2_indices", "gather", [GX, i32([0, 4, 2, 2, 1, 3], [2, 3])], {"axis": 0})
ocase("gather/rank2_indices_mid_axis", "gather", [rand_f32([2, 5, 3], -5, 5), i32([4, 0, 1, 4], [2, 2])],
      {"axis": 1})
ocase("gather/repeated", "gather", [rand_f32([3], -5, 5), i32([2, 2, 2, 0, 0, 1, 2])], {"axis": 0})
ocase("gather/empty_indices", "gather", [GX, i32([], [0])], {"axis": 0})
ocase("gather/empty_indices_2d", "gather", [GX, i32([], [2, 0])], {"axis": 1})
ocase("gather/from_empty_other_axis", "gather", [f32([], [3, 0]), i32([2, 0])], {"axis": 0})
ocase("gather/rank1_x", "gather", [rand_i32([6], -9, 9), i32([5, 0, 3], [3, 1])], {"axis": 0})
ocase("gather/i32", "gather", [rand_i32([4, 3], -9, 9), i32([0, 3])], {"axis": 0})
ocase("gather/u32", "gather", [u32(UINT_SPREAD), i32([10, 0, 8, 9])], {"axis": 0})
ocase("gather/bool", "gather", [rand_bool([3, 4]), i32([1, 3, 0])], {"axis": 1})
ocase("gather/perm_x", "gather", [V(rand_f32([3, 4, 2], -5, 5), perm=[2, 0, 1]), i32([3, 0, 2])], {"axis": 2})
ocase("gather/slice_x", "gather", [V(rand_f32([6, 5], -5, 5), begin=[1, 1], size=[4, 3]), i32([3, 0])],
      {"axis": 0})
ocase("gather/perm_indices", "gather", [GX, V(i32([0, 1, 2, 3, 4, 0], [2, 3]), perm=[1, 0])], {"axis": 0})

PX = rand_f32([2, 3], -5, 5)
ocase("pad/f32_basic", "pad", [PX], {"paddings": [[1, 0], [2, 1]]})
ocase("pad/f32_constant", "pad", [PX], {"paddings": [[0, 2], [1, 1]], "constantValue": 1.5})
ocase("pad/f32_zero_paddings", "pad", [PX], {"paddings": [[0, 0], [0, 0]], "constantValue": 9})
ocase("pad/f32_rank1", "pad", [rand_f32([4], -5, 5)], {"paddings": [[3, 2]], "constantValue": -1})
ocase("pad/f32_rank3", "pad", [rand_f32([2, 1, 2], -5, 5)], {"paddings": [[1, 1], [0, 2], [1, 0]]})
ocase("pad/f32_rank0", "pad", [f32(3.5, [])], {"paddings": []})
ocase("pad/f32_from_empty", "pad", [f32([], [0, 2])], {"paddings": [[1, 1], [0, 1]], "constantValue": 7})
ocase("pad/f32_empty_stays_empty", "pad", [f32([], [2, 0])], {"paddings": [[1, 0], [0, 0]]})
ocase("pad/i32", "pad", [rand_i32([2, 2], -9, 9)], {"paddings": [[1, 1], [1, 1]], "constantValue": -7})
ocase("pad/u32", "pad", [u32([1, 2, 3])], {"paddings": [[1, 2]], "constantValue": 4294967295})
ocase("pad/perm", "pad", [V(rand_f32([3, 2], -5, 5), perm=[1, 0])], {"paddings": [[0, 1], [2, 0]]})
ocase("pad/slice", "pad", [V(rand_f32([4, 5], -5, 5), begin=[1, 1], size=[2, 3])],
      {"paddings": [[1, 0], [0, 1]], "constantValue": 0.25})

ocase("tile/rank1", "tile", [rand_f32([3], -5, 5)], {"reps": [3]})
ocase("tile/rank2", "tile", [rand_f32([2, 3], -5, 5)], {"reps": [2, 3]})
ocase("tile/ones", "tile", [rand_f32([2, 3], -5, 5)], {"reps": [1, 1]})
ocase("tile/zero_rep", "tile", [rand_f32([2, 3], -5, 5)], {"reps": [2, 0]})
ocase("tile/rank3", "tile", [rand_i32([1, 2, 2], -9, 9)], {"reps": [3, 1, 2]})
ocase("tile/rank0", "tile", [f32(2.5, [])], {"reps": []})
ocase("tile/empty", "tile", [f32([], [0, 2])], {"reps": [3, 2]})
ocase("tile/bool", "tile", [rand_bool([2])], {"reps": [3]})
ocase("tile/perm", "tile", [V(rand_f32([3, 2], -5, 5), perm=[1, 0])], {"reps": [2, 2]})
ocase("tile/slice", "tile", [V(rand_i32([4, 4], -9, 9), begin=[1, 2], size=[2, 2])], {"reps": [1, 3]})

ocase("broadcastTo/row", "broadcastTo", [rand_f32([3], -5, 5)], {"shape": [2, 3]})
ocase("broadcastTo/col", "broadcastTo", [rand_f32([3, 1], -5, 5)], {"shape": [3, 4]})
ocase("broadcastTo/rank0", "broadcastTo", [f32(1.75, [])], {"shape": [2, 2, 2]})
ocase("broadcastTo/same", "broadcastTo", [rand_f32([2, 3], -5, 5)], {"shape": [2, 3]})
ocase("broadcastTo/new_leading_and_ones", "broadcastTo", [rand_f32([1, 3, 1], -5, 5)], {"shape": [2, 4, 3, 5]})
ocase("broadcastTo/to_empty", "broadcastTo", [rand_f32([1, 3], -5, 5)], {"shape": [0, 3]})
ocase("broadcastTo/rank0_to_rank0", "broadcastTo", [f32(-4.0, [])], {"shape": []})
ocase("broadcastTo/i32", "broadcastTo", [rand_i32([2, 1], -9, 9)], {"shape": [2, 3]})
ocase("broadcastTo/bool", "broadcastTo", [rand_bool([1, 2])], {"shape": [3, 2]})
ocase("broadcastTo/perm", "broadcastTo", [V(rand_f32([3, 1], -5, 5), perm=[1, 0])], {"shape": [2, 4, 3]})
ocase("broadcastTo/slice", "broadcastTo", [V(rand_f32([4, 5], -5, 5), begin=[1, 2], size=[1, 3])],
      {"shape": [3, 3]})

RX = rand_f32([2, 3, 4], -5, 5)
ocase("reverse/all_null", "reverse", [RX], {"axis": None})
ocase("reverse/default", "reverse", [rand_f32([2, 3], -5, 5)])
ocase("reverse/axis0", "reverse", [RX], {"axis": 0})
ocase("reverse/axis_neg1", "reverse", [RX], {"axis": -1})
ocase("reverse/axes_list", "reverse", [RX], {"axis": [0, 2]})
ocase("reverse/axes_list_neg", "reverse", [RX], {"axis": [-2, -1]})
ocase("reverse/empty_list", "reverse", [RX], {"axis": []})
ocase("reverse/rank1", "reverse", [rand_i32([7], -9, 9)], {"axis": 0})
ocase("reverse/rank0", "reverse", [f32(6.5, [])], {"axis": None})
ocase("reverse/size1_axis", "reverse", [rand_f32([1, 3], -5, 5)], {"axis": [0]})
ocase("reverse/empty", "reverse", [f32([], [0, 3])], {"axis": [0, 1]})
ocase("reverse/bool", "reverse", [rand_bool([2, 3])], {"axis": 1})
ocase("reverse/u32", "reverse", [u32(UINT_SPREAD)], {"axis": 0})
ocase("reverse/perm", "reverse", [V(rand_f32([3, 4, 2], -5, 5), perm=[1, 2, 0])], {"axis": [1]})
ocase("reverse/slice", "reverse", [V(rand_i32([5, 6], -9, 9), begin=[1, 1], size=[3, 4])], {"axis": None})

# ----------------------------------------------------------------------------
# nn
# ----------------------------------------------------------------------------

for op, key in [("softmax", "dim"), ("logSoftmax", "axis")]:
    ocase(op + "/default_last", op, [rand_f32([3, 5], -5, 5)])
    ocase(op + "/last_explicit", op, [rand_f32([2, 3, 4], -5, 5)], {key: -1})
    ocase(op + "/axis0", op, [rand_f32([4, 3], -5, 5)], {key: 0})
    ocase(op + "/middle_axis", op, [rand_f32([2, 4, 3], -5, 5)], {key: 1})
    ocase(op + "/negative_middle", op, [rand_f32([2, 4, 3], -5, 5)], {key: -2})
    ocase(op + "/rank1", op, [rand_f32([6], -5, 5)], {key: 0})
    ocase(op + "/size1_axis", op, [rand_f32([3, 1], -5, 5)], {key: -1})
    ocase(op + "/large_values", op, [f32([1000.0, 999.0, 1001.5, -1000.0, -1001.0, -999.25], [2, 3])], {key: 1})
    ocase(op + "/equal_values", op, [f32([0.5] * 8, [2, 4])], {key: 1})
    ocase(op + "/wide_row", op, [rand_f32([2, 600], -3, 3)], {key: 1})
    ocase(op + "/empty", op, [f32([], [0, 4])], {key: -1})
    ocase(op + "/i32_converted", op, [rand_i32([2, 3], -4, 4)], {key: -1})
    ocase(op + "/perm", op, [V(rand_f32([3, 4], -5, 5), perm=[1, 0])], {key: -1})
    ocase(op + "/slice", op, [V(rand_f32([4, 6], -5, 5), begin=[1, 1], size=[2, 4])], {key: 1})

ocase("layerNorm/no_affine", "layerNorm", [rand_f32([3, 8], -3, 5)], {"epsilon": 0.0009765625})
ocase("layerNorm/default_epsilon", "layerNorm", [rand_f32([2, 6], -3, 5)])
ocase("layerNorm/affine", "layerNorm", [rand_f32([2, 3, 5], -3, 5), rand_f32([5], 0.5, 2), rand_f32([5], -1, 1)],
      {"epsilon": 0.0009765625})
ocase("layerNorm/large_epsilon", "layerNorm", [rand_f32([2, 4], -1, 1)], {"epsilon": 0.5})
ocase("layerNorm/rank1", "layerNorm", [rand_f32([7], -3, 5)], {"epsilon": 0.0009765625})
ocase("layerNorm/offset_rows", "layerNorm", [(rand_f32([3, 16], -1, 1) + f32([3, -2, 0.5], [3, 1])).astype(F32)],
      {"epsilon": 0.0009765625})
ocase("layerNorm/size1_last_axis", "layerNorm", [rand_f32([3, 1], -3, 5), f32([2.0]), f32([0.5])],
      {"epsilon": 0.0009765625})
ocase("layerNorm/wide_row", "layerNorm", [rand_f32([2, 512], -2, 2), rand_f32([512], 0.5, 2),
                                          rand_f32([512], -1, 1)], {"epsilon": 0.0009765625})
ocase("layerNorm/empty_rows", "layerNorm", [f32([], [0, 4])], {"epsilon": 0.0009765625})
ocase("layerNorm/i32_converted", "layerNorm", [rand_i32([2, 5], -10, 10)], {"epsilon": 0.0009765625})
ocase("layerNorm/perm", "layerNorm", [V(rand_f32([5, 3], -3, 5), perm=[1, 0]), rand_f32([5], 0.5, 2),
                                      rand_f32([5], -1, 1)], {"epsilon": 0.0009765625})
ocase("layerNorm/slice", "layerNorm", [V(rand_f32([4, 8], -3, 5), begin=[1, 2], size=[2, 5])],
      {"epsilon": 0.0009765625})

ocase("oneHot/defaults", "oneHot", [i32([0, 2, 1, 3])], {"depth": 4})
ocase("oneHot/out_of_range", "oneHot", [i32([0, 5, 2, 3])], {"depth": 3})
ocase("oneHot/negative_index", "oneHot", [i32([-1, 1, -3])], {"depth": 3})
ocase("oneHot/float_values", "oneHot", [i32([1, 0, 2])], {"depth": 3, "onValue": 0.5, "offValue": -1.25,
                                                           "dtype": "float32"})
ocase("oneHot/int_values", "oneHot", [i32([1, 0, 4])], {"depth": 5, "onValue": 7, "offValue": -2,
                                                         "dtype": "int32"})
ocase("oneHot/f32_defaults", "oneHot", [i32([2, 2, 0])], {"depth": 3, "dtype": "float32"})
ocase("oneHot/rank2_indices", "oneHot", [i32([0, 1, 2, 3, 4, 5], [2, 3])], {"depth": 4})
ocase("oneHot/rank0_index", "oneHot", [i32(2, [])], {"depth": 4})
ocase("oneHot/depth1", "oneHot", [i32([0, 1, 0])], {"depth": 1})
ocase("oneHot/depth0", "oneHot", [i32([0, 1])], {"depth": 0})
ocase("oneHot/empty_indices", "oneHot", [i32([], [0])], {"depth": 3})
ocase("oneHot/perm_indices", "oneHot", [V(i32([0, 1, 2, 3, 0, 1], [2, 3]), perm=[1, 0])], {"depth": 4})
ocase("oneHot/slice_indices", "oneHot", [V(i32([3, 1, 0, 2, 1, 3]), begin=[2], size=[3])], {"depth": 4})
# ONNX's OneHot axis: the new dimension anywhere (TensorFlow.js has only the last).
ocase("oneHot/axis0", "oneHot", [i32([0, 2, 1, 3, 5])], {"depth": 4, "axis": 0})
ocase("oneHot/axis1_rank2", "oneHot", [i32([0, 1, 2, 3, 4, 5], [2, 3])], {"depth": 5, "axis": 1})
ocase("oneHot/axis_neg2", "oneHot", [i32([2, 0, 1, 1, 0, 2], [3, 2])], {"depth": 3, "axis": -2, "onValue": 2.5,
                                                                      "offValue": -1, "dtype": "float32"})
ocase("oneHot/axis0_perm", "oneHot", [V(i32([0, 1, 2, 3, 0, 1], [2, 3]), perm=[1, 0])], {"depth": 4, "axis": 0})

MX = rand_f32([3, 4, 5], 0.5, 4.5)
ocase("moments/axis_int", "moments", [MX], {"axes": 2, "keepDims": False})
ocase("moments/axes_list", "moments", [MX], {"axes": [0, 2], "keepDims": False})
ocase("moments/axes_all_keepdims", "moments", [MX], {"axes": [0, 1, 2], "keepDims": True})
ocase("moments/axes_negative", "moments", [MX], {"axes": [-1, -3], "keepDims": True})
ocase("moments/keepdims_omitted", "moments", [rand_f32([4, 3], 0.5, 4.5)], {"axes": [0]})
ocase("moments/rank1", "moments", [rand_f32([9], 0.5, 4.5)], {"axes": [0], "keepDims": False})
ocase("moments/size1_axis", "moments", [rand_f32([3, 1], 0.5, 4.5)], {"axes": [1], "keepDims": False})
ocase("moments/constant", "moments", [f32([1.5] * 6, [2, 3])], {"axes": 1, "keepDims": False})
ocase("moments/empty_other_axis", "moments", [f32([], [0, 3])], {"axes": [1], "keepDims": False})
ocase("moments/wide_row", "moments", [rand_f32([2, 700], 0.5, 4.5)], {"axes": 1, "keepDims": False})
ocase("moments/i32_converted", "moments", [rand_i32([2, 5], -10, 10)], {"axes": [1], "keepDims": False})
ocase("moments/perm", "moments", [V(rand_f32([3, 4], 0.5, 4.5), perm=[1, 0])], {"axes": [0], "keepDims": True})
ocase("moments/slice", "moments", [V(rand_f32([5, 6], 0.5, 4.5), begin=[1, 1], size=[3, 4])],
      {"axes": [0, 1], "keepDims": False})


# ----------------------------------------------------------------------------
# output
# ----------------------------------------------------------------------------

def write_fixtures(root, filename, cases):
    out_path = os.path.join(root, "tests", "fixtures", filename)
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    head = {"generator": "scripts/gen_fixtures.py", "numpy": np.__version__}
    lines = ["{"]
    for k, v in head.items():
        lines.append("  %s: %s," % (json.dumps(k), json.dumps(v)))
    lines.append('  "cases": [')
    body = [json.dumps(c, allow_nan=False, separators=(",", ":")) for c in cases]
    lines.append(",\n".join("    " + b for b in body))
    lines.append("  ]")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # sanity check
    with open(out_path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)

    counts = {}
    for c in cases:
        counts[c["op"]] = counts.get(c["op"], 0) + 1
    print("wrote %s: %d cases, %d bytes" % (os.path.relpath(out_path, root), len(cases), len(text.encode())))
    for op, n in counts.items():
        print("  %-14s %3d" % (op, n))


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    write_fixtures(root, "elementwise.json", CASES)
    write_fixtures(root, "ops.json", OPS_CASES)


if __name__ == "__main__":
    try:
        main()
    except OracleError as e:
        sys.exit("gen_fixtures: " + str(e))
