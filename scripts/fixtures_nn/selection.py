"""Fixtures of the selection ops (topk) -> tests/fixtures/selection.json.

The reference is NumPy's stable argsort of the negated values along the last axis: the k largest, largest
first, ties keeping the lower index first (TensorFlow.js's order). Non-max suppression is checked against
a plain-JavaScript reference in tests/browser/selection.test.ts instead (its output length depends on the
values, and its sync form needs host values).

Run: python3 scripts/fixtures_nn/selection.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import IN, Fixtures  # noqa: E402

fx = Fixtures("selection", seed=1808)


def topk_ref(x, k):
    order = np.argsort(-x.astype(np.float64), axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, order, axis=-1), order.astype(np.int32)


def topk_case(name, x, k=None, sorted_=None):
    call = [IN(0)]
    kk = 1 if k is None else k
    if k is not None:
        call.append(k)
    if sorted_ is not None:
        call.append(sorted_)
    v, i = topk_ref(x, kk)
    fx.case("topk/" + name, "topk", [x], call, [v, i])


topk_case("default_k1", fx.rand([7]))
topk_case("rank1_k3", fx.rand([9]), 3)
topk_case("rank1_k_n", fx.rand([6]), 6)
topk_case("rank1_k0", fx.rand([5]), 0)
topk_case("rank2_k2", fx.rand([4, 8]), 2)
topk_case("rank2_k1", fx.rand([3, 5]), 1)
topk_case("rank3_k3", fx.rand([2, 3, 7]), 3)
topk_case("rank3_k_n", fx.rand([2, 2, 4]), 4)
topk_case("sorted_false", fx.rand([3, 6]), 2, False)
topk_case("sorted_true", fx.rand([3, 6]), 4, True)
# Ties: few distinct values, so equal entries keep the lower index first.
topk_case("ties", fx.quarters([3, 9], -1, 1), 5)
topk_case("ties_all_equal", np.full([2, 5], 0.5, dtype=np.float32), 3)
topk_case("int32", fx.rs.randint(-20, 20, size=[3, 7]).astype(np.int32), 4)
topk_case("int32_ties", fx.rs.randint(-2, 3, size=[2, 8]).astype(np.int32), 8)
topk_case("negative", -np.abs(fx.rand([4, 5])) - 1, 2)

fx.write()
