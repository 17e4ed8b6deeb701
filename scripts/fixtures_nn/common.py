"""Shared plumbing of the vision-op fixtures (conv.py, pool.py, image.py in this folder).

Each family script computes its expected values with its own plain-loop / einsum NumPy references
(they share no code with the engine) and writes tests/fixtures/<family>.json through `Fixtures`.
Cases use the generic call form of tests/helpers/ops_cases.ts:

    {"name", "op", "inputs": [TENSOR...], "attrs": {}, "call": [ARG...], "expected": TENSOR | [TENSOR...],
     "tol": {"rtol", "atol"}}

where an ARG is {"$in": i} (input i), {"$ins": [i, j]} (a list of inputs) or a JSON literal, and the op is
called as wg.<op>(...call) (op may be "fused.conv2d" or "image.resizeBilinear"). Each family draws from its
own seeded stream, so adding cases to one file never changes another's.

Run one family:   python3 scripts/fixtures_nn/conv.py
Run them all:     npm run gen:fixtures   (also rewrites elementwise.json and ops.json)
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gen_fixtures import enc_tensor  # noqa: E402  (the encoding of elementwise.json / ops.json)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
F32 = np.float32


def IN(i):
    """The call argument standing for input i."""
    return {"$in": i}


def INS(*idx):
    """The call argument standing for a list of inputs."""
    return {"$ins": list(idx)}


class Fixtures:
    def __init__(self, family, seed):
        self.family = family
        self.rs = np.random.RandomState(seed)
        self.cases = []
        self.names = set()

    def rand(self, shape, lo=-1.0, hi=1.0):
        """float32 values in [lo, hi)."""
        return self.rs.uniform(lo, hi, size=shape).astype(F32)

    def quarters(self, shape, lo=-2, hi=2):
        """Multiples of 0.25 in [lo, hi]: sums and products of a few are exact in float32."""
        return (self.rs.randint(int(lo * 4), int(hi * 4) + 1, size=shape) / 4).astype(F32)

    def case(self, name, op, inputs, call, expected, tol=None):
        """inputs: NumPy arrays (float32/int32/bool); expected: a NumPy array (float64 results are rounded
        to float32) or a list of them; tol: {"rtol", "atol"} (default: exact)."""
        if name in self.names:
            raise ValueError("duplicate case name " + name)
        if not name.startswith(op + "/"):
            raise ValueError("case name %s should start with %s/" % (name, op))
        self.names.add(name)

        def out(e):
            e = np.asarray(e)
            return enc_tensor(e.astype(F32) if e.dtype == np.float64 else e)

        exp = [out(e) for e in expected] if isinstance(expected, (list, tuple)) else out(expected)
        c = {"name": name, "op": op, "inputs": [enc_tensor(np.asarray(x)) for x in inputs], "attrs": {},
             "call": call, "expected": exp}
        if tol is not None:
            c["tol"] = {"rtol": tol[0], "atol": tol[1]} if isinstance(tol, (list, tuple)) else tol
        self.cases.append(c)

    def write(self):
        path = os.path.join(ROOT, "tests", "fixtures", self.family + ".json")
        head = {"generator": "scripts/fixtures_nn/%s.py" % self.family, "numpy": np.__version__}
        lines = ["{"] + ["  %s: %s," % (json.dumps(k), json.dumps(v)) for k, v in head.items()]
        lines.append('  "cases": [')
        lines.append(",\n".join("    " + json.dumps(c, allow_nan=False, separators=(",", ":")) for c in self.cases))
        lines += ["  ]", "}"]
        text = "\n".join(lines) + "\n"
        json.loads(text)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        counts = {}
        for c in self.cases:
            counts[c["op"]] = counts.get(c["op"], 0) + 1
        print("wrote %s: %d cases, %d bytes" % (os.path.relpath(path, ROOT), len(self.cases), len(text.encode())))
        for op, n in counts.items():
            print("  %-28s %3d" % (op, n))
