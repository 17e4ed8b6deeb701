"""Fixtures of the indexing ops: gatherND, scatterND, tensorScatterUpdate, unsortedSegmentSum, bincount,
gather's batchDims and stridedSlice's ellipsisMask/newAxisMask.

References are plain loops over index rows (TensorFlow's semantics: scatterND sums duplicates into zeros,
tensorScatterUpdate lets the last of duplicate rows win, unsortedSegmentSum drops negative ids, bincount
ignores values >= size); stridedSlice's reference is NumPy's basic indexing with Ellipsis/None/int/slice
objects built from the masks. Writes tests/fixtures/indexing.json.
"""

import itertools
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import F32, IN, Fixtures  # noqa: E402

fx = Fixtures("indexing", seed=1818)
I32 = np.int32
TOL = (1e-5, 1e-6)


def ints(a):
    return np.array(a, dtype=I32)


def rows(indices):
    """The index rows of an [..., K] array: (batch position, row tuple)."""
    ind = np.asarray(indices)
    for b in itertools.product(*[range(d) for d in ind.shape[:-1]]):
        yield b, tuple(int(v) for v in ind[b])


def ref_gather_nd(x, indices):
    ind = np.asarray(indices)
    K = ind.shape[-1]
    out = np.zeros(ind.shape[:-1] + x.shape[K:], dtype=x.dtype)
    for b, r in rows(ind):
        out[b] = x[r]
    return out


def ref_scatter_nd(indices, updates, shape):
    out = np.zeros(shape, dtype=np.float64 if updates.dtype == F32 else updates.dtype)
    for b, r in rows(indices):
        out[r] = out[r] + updates[b]
    return out


def ref_tensor_scatter_update(tensor, indices, updates):
    out = tensor.copy()
    for b, r in rows(indices):  # in row order: the last duplicate wins
        out[r] = updates[b]
    return out


def ref_segment_sum(x, ids, n):
    ids = np.asarray(ids)
    out = np.zeros((n,) + x.shape[ids.ndim:], dtype=np.float64 if x.dtype == F32 else x.dtype)
    for b in itertools.product(*[range(d) for d in ids.shape]):
        s = int(ids[b])
        if s >= 0:
            out[s] = out[s] + x[b]
    return out


def ref_bincount(x, w, size):
    out = np.zeros(size, dtype=np.float64 if w.dtype == F32 else w.dtype)
    for i, v in enumerate(x):
        if v < size:
            out[v] += 1 if w.size == 0 else w[i]
    return out


def ref_gather_batch(x, idx, axis, b):
    """gather with batchDims b: for each batch entry, np.take along axis - b."""
    out_shape = x.shape[:axis] + idx.shape[b:] + x.shape[axis + 1:]
    out = np.zeros(out_shape, dtype=x.dtype)
    for bi in itertools.product(*[range(d) for d in x.shape[:b]]):
        xb, ib = x[bi], idx[bi]
        a = axis - b
        for pre in itertools.product(*[range(d) for d in xb.shape[:a]]):
            for ii in itertools.product(*[range(d) for d in ib.shape]):
                out[bi + pre + ii] = xb[pre + (int(ib[ii]),)]
    return out


# ---- gatherND
x = fx.quarters([4, 3])
fx.case("gatherND/elements_k2", "gatherND", [x, ints([[1, 0], [3, 2], [0, 1]])], [IN(0), IN(1)],
        ref_gather_nd(x, ints([[1, 0], [3, 2], [0, 1]])))
fx.case("gatherND/rows_k1_dup", "gatherND", [x, ints([[2], [0], [2]])], [IN(0), IN(1)], ref_gather_nd(x, ints([[2], [0], [2]])))
fx.case("gatherND/single_row_rank1", "gatherND", [x, ints([1])], [IN(0), IN(1)], ref_gather_nd(x, ints([1])))
x3 = fx.quarters([2, 3, 4])
i3 = np.stack([fx.rs.randint(0, 2, (2, 2)), fx.rs.randint(0, 3, (2, 2))], -1).astype(I32)
fx.case("gatherND/batch2_slices", "gatherND", [x3, i3], [IN(0), IN(1)], ref_gather_nd(x3, i3))
xi = fx.rs.randint(-50, 50, (2, 3, 4)).astype(I32)
ii = ints([[1, 2, 3], [0, 0, 0]])
fx.case("gatherND/int32_full_k3", "gatherND", [xi, ii], [IN(0), IN(1)], ref_gather_nd(xi, ii))
x5 = fx.quarters([5])
fx.case("gatherND/vector", "gatherND", [x5, ints([[4], [0]])], [IN(0), IN(1)], ref_gather_nd(x5, ints([[4], [0]])))
x4 = fx.quarters([2, 3, 2, 2])
i4 = np.stack([fx.rs.randint(0, 2, (3, 1)), fx.rs.randint(0, 3, (3, 1))], -1).astype(I32)
fx.case("gatherND/rank4_k2", "gatherND", [x4, i4], [IN(0), IN(1)], ref_gather_nd(x4, i4))

# ---- scatterND
fx.case("scatterND/tfjs_example", "scatterND", [ints([[4], [3], [1], [7]]), np.array([9, 10, 11, 12], F32)],
        [IN(0), IN(1), [8]], ref_scatter_nd(ints([[4], [3], [1], [7]]), np.array([9, 10, 11, 12], F32), [8]))
u = fx.quarters([3])
fx.case("scatterND/duplicates_sum", "scatterND", [ints([[1], [1], [3]]), u], [IN(0), IN(1), [5]],
        ref_scatter_nd(ints([[1], [1], [3]]), u, [5]), TOL)
u = fx.quarters([2, 4])
fx.case("scatterND/row_slices", "scatterND", [ints([[0], [2]]), u], [IN(0), IN(1), [4, 4]],
        ref_scatter_nd(ints([[0], [2]]), u, [4, 4]))
idx = ints([[0, 1], [2, 2], [0, 1], [1, 0]])
u = fx.quarters([4])
fx.case("scatterND/elements_k2_dup", "scatterND", [idx, u], [IN(0), IN(1), [3, 3]], ref_scatter_nd(idx, u, [3, 3]), TOL)
idx = np.stack([fx.rs.randint(0, 3, (2, 3)), fx.rs.randint(0, 2, (2, 3))], -1).astype(I32)
u = fx.quarters([2, 3, 4])
fx.case("scatterND/batch2_k2_slices", "scatterND", [idx, u], [IN(0), IN(1), [3, 2, 4]], ref_scatter_nd(idx, u, [3, 2, 4]), TOL)
u = fx.rs.randint(-9, 9, (4, 2)).astype(I32)
idx = ints([[1], [0], [1], [2]])
fx.case("scatterND/int32", "scatterND", [idx, u], [IN(0), IN(1), [3, 2]], ref_scatter_nd(idx, u, [3, 2]))
u = fx.quarters([2])
fx.case("scatterND/single_row_rank1", "scatterND", [ints([2, 1]), u], [IN(0), IN(1), [3, 3, 2]],
        ref_scatter_nd(ints([[2, 1]]), u[None], [3, 3, 2]))

# ---- tensorScatterUpdate
t = fx.quarters([8])
u = fx.quarters([4])
idx = ints([[4], [3], [1], [7]])
fx.case("tensorScatterUpdate/vector", "tensorScatterUpdate", [t, idx, u], [IN(0), IN(1), IN(2)], ref_tensor_scatter_update(t, idx, u))
t = fx.quarters([4, 3])
u = fx.quarters([2, 3])
idx = ints([[0], [2]])
fx.case("tensorScatterUpdate/row_slices", "tensorScatterUpdate", [t, idx, u], [IN(0), IN(1), IN(2)], ref_tensor_scatter_update(t, idx, u))
t = fx.quarters([5])
u = fx.quarters([3])
idx = ints([[1], [3], [1]])
fx.case("tensorScatterUpdate/duplicates_last_wins", "tensorScatterUpdate", [t, idx, u], [IN(0), IN(1), IN(2)],
        ref_tensor_scatter_update(t, idx, u))
t = fx.quarters([3, 4, 2])
u = fx.quarters([3, 2])
idx = ints([[0, 3], [2, 1], [1, 1]])
fx.case("tensorScatterUpdate/k2_slices", "tensorScatterUpdate", [t, idx, u], [IN(0), IN(1), IN(2)], ref_tensor_scatter_update(t, idx, u))
t = fx.rs.randint(-9, 9, (2, 3)).astype(I32)
u = fx.rs.randint(-9, 9, (2, 2)).astype(I32)
idx = np.array([[[0, 0], [1, 2]], [[1, 1], [0, 0]]], I32)
fx.case("tensorScatterUpdate/int32_batch2", "tensorScatterUpdate", [t, idx, u], [IN(0), IN(1), IN(2)], ref_tensor_scatter_update(t, idx, u))
t = fx.quarters([3, 3])
u = fx.quarters([3])
fx.case("tensorScatterUpdate/single_row_rank1", "tensorScatterUpdate", [t, ints([1]), u], [IN(0), IN(1), IN(2)],
        ref_tensor_scatter_update(t, ints([[1]]), u[None]))

# ---- unsortedSegmentSum
x = np.array([1, 2, 3, 4], F32)
fx.case("unsortedSegmentSum/tfjs_example", "unsortedSegmentSum", [x, ints([1, 0, 1, 3])], [IN(0), IN(1), 4],
        ref_segment_sum(x, ints([1, 0, 1, 3]), 4))
x = fx.quarters([5, 3])
ids = ints([0, 2, 0, 1, 2])
fx.case("unsortedSegmentSum/rows", "unsortedSegmentSum", [x, ids], [IN(0), IN(1), 3], ref_segment_sum(x, ids, 3), TOL)
x = fx.quarters([4, 2])
ids = ints([-1, 0, 1, 0])
fx.case("unsortedSegmentSum/negative_dropped", "unsortedSegmentSum", [x, ids], [IN(0), IN(1), 2], ref_segment_sum(x, ids, 2), TOL)
x = fx.quarters([2, 3, 2])
ids = fx.rs.randint(0, 4, (2, 3)).astype(I32)
fx.case("unsortedSegmentSum/ids_rank2", "unsortedSegmentSum", [x, ids], [IN(0), IN(1), 4], ref_segment_sum(x, ids, 4), TOL)
x = fx.rs.randint(-9, 9, (6,)).astype(I32)
ids = ints([3, 3, 0, 5, 3, 0])
fx.case("unsortedSegmentSum/int32_empty_segments", "unsortedSegmentSum", [x, ids], [IN(0), IN(1), 7], ref_segment_sum(x, ids, 7))

# ---- bincount
xb = ints([1, 2, 2, 5, 3, 1, 2])
w0 = np.zeros([0], F32)
fx.case("bincount/counts_empty_weights", "bincount", [xb, w0], [IN(0), IN(1), 6], ref_bincount(xb, w0, 6))
w = fx.quarters([7])
fx.case("bincount/weights_larger_ignored", "bincount", [xb, w], [IN(0), IN(1), 4], ref_bincount(xb, w, 4), TOL)
wi = fx.rs.randint(0, 5, (7,)).astype(I32)
fx.case("bincount/int32_weights", "bincount", [xb, wi], [IN(0), IN(1), 6], ref_bincount(xb, wi, 6))

# ---- gather with batchDims (and a negative axis)
x = fx.quarters([2, 3, 4])
idx = fx.rs.randint(0, 3, (2, 2)).astype(I32)
fx.case("gather/batchDims1_axis1", "gather", [x, idx], [IN(0), IN(1), 1, 1], ref_gather_batch(x, idx, 1, 1))
idx = fx.rs.randint(0, 4, (2, 3, 2)).astype(I32)
fx.case("gather/batchDims2_axis2", "gather", [x, idx], [IN(0), IN(1), 2, 2], ref_gather_batch(x, idx, 2, 2))
idx = fx.rs.randint(0, 4, (2, 2)).astype(I32)
fx.case("gather/batchDims1_axis2", "gather", [x, idx], [IN(0), IN(1), 2, 1], ref_gather_batch(x, idx, 2, 1))
x = fx.quarters([2, 4, 3])
idx = fx.rs.randint(0, 4, (2, 2, 2)).astype(I32)
fx.case("gather/batchDims1_idx_rank3", "gather", [x, idx], [IN(0), IN(1), 1, 1], ref_gather_batch(x, idx, 1, 1))
x = fx.quarters([2, 5])
idx = fx.rs.randint(0, 5, (2, 3)).astype(I32)
fx.case("gather/batchDims_negative", "gather", [x, idx], [IN(0), IN(1), 1, -1], ref_gather_batch(x, idx, 1, 1))
x = fx.quarters([3, 4])
idx = ints([3, 0])
fx.case("gather/batchDims0_axis_negative", "gather", [x, idx], [IN(0), IN(1), -1, 0], ref_gather_batch(x, idx, 1, 0))


# ---- stridedSlice masks (NumPy basic indexing as the reference)
def ref_strided(x, begin, end, strides, bm=0, em=0, ell=0, new=0, shrink=0):
    key = []
    seen_ell = False
    for i in range(len(begin)):
        bit = 1 << i
        if ell & bit and not seen_ell:
            key.append(Ellipsis)
            seen_ell = True
        elif new & bit:
            key.append(None)
        elif shrink & bit:
            key.append(begin[i])
        else:
            key.append(slice(None if bm & bit else begin[i], None if em & bit else end[i], strides[i]))
    return x[tuple(key)]


xs = fx.quarters([2, 3, 4])
SS = [
    ("ellipsis_first", [0, 1], [0, 3], [1, 1], 0, 0, 1, 0, 0),
    ("newaxis_middle", [0, 0, 0], [1, 2, 4], [1, 1, 1], 0, 0, 0, 2, 0),
    ("ellipsis_middle_reversed", [1, 0, 0], [2, 0, 0], [1, 1, -1], 4, 4, 2, 0, 0),
    ("ellipsis_then_newaxis", [0, 0], [0, 0], [1, 1], 0, 0, 1, 2, 0),
    ("newaxis_and_shrink", [0, 1, 0, 2], [0, 2, 0, 3], [1, 1, 1, 1], 4, 4, 0, 1, 10),
    ("ellipsis_covers_nothing", [1, 0, 0, 1], [2, 0, 2, 3], [1, 1, 1, 1], 0, 0, 2, 0, 1),
    ("ellipsis_wins_over_newaxis", [0], [0], [1], 0, 0, 1, 1, 0),
    ("two_newaxes_strided", [0, 0, 0, 3], [0, 2, 0, 0], [1, 1, 1, -2], 0, 1, 0, 5, 0),
]
for name, b, e, s, bm, em, ell, new, shr in SS:
    exp = ref_strided(xs, b, e, s, bm, em, ell if not (ell & new) else ell, new & ~ell, shr)
    fx.case("stridedSlice/mask_" + name, "stridedSlice", [xs], [IN(0), b, e, s, bm, em, ell, new, shr], np.ascontiguousarray(exp))

fx.write()
