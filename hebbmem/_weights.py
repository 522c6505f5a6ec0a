"""How a network stores its weights: dense, or as low-rank factors.

A rule returns one of two representations of ``W = scale * W_raw``:

* :class:`DenseWeights`: ``W_raw`` is an (N, N) array.
* :class:`LowRankWeights`: ``W_raw = U.T @ V - diag(d)`` with U, V of shape
  (P, N). Hebbian, anti-Hebbian and pseudo-inverse weights have this form,
  so recall costs O(N P) per probe and update instead of O(N^2), and W is
  never built unless someone asks for it.

``W_raw`` is kept *exact*: integer-valued for the Hebbian rules (hence
float32 while every field fits in 24 bits), and on a power-of-two grid in
float64 otherwise (see :func:`snap_to_grid`). Every field ``W_raw @ s`` is
then computed without rounding, whatever the summation order, so the dense
and low-rank paths, NumPy and Numba, all compare the same numbers against
the threshold and agree bit for bit.
"""

import math
import os

import numpy as np

from .exceptions import WeightMatrixTooLargeError

__all__ = ["DenseWeights", "LowRankWeights", "snap_to_grid", "exact_dtype", "check_dense_fits", "dense_sum"]

# Integers up to 2**24 are exact in float32, up to 2**53 in float64.
_FLOAT32_EXACT_BITS = 24
_FLOAT64_EXACT_BITS = 53


def exact_dtype(max_abs_field):
    """float32 when integer fields up to ``max_abs_field`` are exact in it, else float64."""
    return np.float32 if max_abs_field < 2 ** _FLOAT32_EXACT_BITS else np.float64


def snap_to_grid(A, bits):
    """Round ``A`` to multiples of a power of two, keeping ``bits`` bits below max|A|.

    Every entry becomes ``k * 2**e`` with integer ``|k| <= 2**bits``. Sums of
    such numbers are exact in float64 as long as they stay below 2**53.
    """
    A = np.asarray(A, dtype=np.float64)
    top = float(np.max(np.abs(A))) if A.size else 0.0
    if top == 0.0:
        return A.copy()
    exponent = math.frexp(top)[1] - bits  # top < 2**frexp_exponent
    quantum = math.ldexp(1.0, exponent)
    return np.round(A / quantum) * quantum


def _physical_memory():
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 16 * 2 ** 30


def _human(n_bytes):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n_bytes < 1024 or unit == "PiB":
            return f"{n_bytes:.1f} {unit}" if unit != "B" else f"{n_bytes} B"
        n_bytes /= 1024


def check_dense_fits(n, dtype, why):
    """Raise :class:`WeightMatrixTooLargeError` if an (n, n) matrix would use over half the RAM."""
    need = n * n * np.dtype(dtype).itemsize
    limit = _physical_memory() // 2
    if need > limit:
        raise WeightMatrixTooLargeError(
            f"{why} needs a dense {n:,} x {n:,} {np.dtype(dtype).name} matrix: "
            f"{_human(need)}, more than half of this machine's memory ({_human(2 * limit)}). "
            f"Nothing was allocated. Keep a low-rank rule (Hebbian, AntiHebbian, PseudoInverse) "
            f"and do not ask for model.W: recall then works from the pattern factors in O(N*P) "
            f"memory. Otherwise use fewer neurons."
        )


class DenseWeights:
    """``W = scale * W_raw`` with an explicit (N, N) matrix ``W_raw``."""

    kind = "dense"

    def __init__(self, W_raw, scale=1.0, factors=None, symmetric=None):
        self.W_raw = np.ascontiguousarray(W_raw)
        self.factors = factors  # the LowRankWeights W_raw was built from, if any
        # S @ W reads W row by row, which BLAS does much faster than S @ W.T
        # for a few probes at large N; it is the same product when W = W.T.
        self.symmetric = bool(np.array_equal(self.W_raw, self.W_raw.T)) if symmetric is None else symmetric
        self.scale = float(scale)
        self.n = self.W_raw.shape[0]
        self.dtype = self.W_raw.dtype
        self.d = np.zeros(self.n, dtype=self.dtype)  # no diagonal correction
        self.selfw = np.ascontiguousarray(np.diag(self.W_raw))

    def product(self, S, out=None):
        """``S @ W_raw.T``: the fields of every row of S (before the ``- d * S`` correction)."""
        return np.matmul(S, self.W_raw if self.symmetric else self.W_raw.T, out=out)

    def fields(self, S):
        """``S @ W_raw.T`` computed the cheaper way: from the factors when W came from them.

        Both ways give the same numbers: the weights are exact (see module docstring).
        """
        f = self.factors
        if f is not None and 2 * f.rank < self.n:
            return f.product(S) - f.d * S
        return self.product(S)

    def dense_raw(self):
        return self.W_raw


class LowRankWeights:
    """``W = scale * (U.T @ V - diag(d))`` kept as factors U, V of shape (P, N)."""

    kind = "lowrank"

    def __init__(self, U, V, d, scale=1.0, *, symmetric=None, terms=None):
        self.U = np.ascontiguousarray(U)
        self.V = np.ascontiguousarray(V)
        self.dtype = self.U.dtype
        self.rank, self.n = self.U.shape
        self.d = np.ascontiguousarray(np.broadcast_to(np.asarray(d, self.dtype), (self.n,)))
        self.scale = float(scale)
        # Transposed copies: async recall reads one column of U and V per visit.
        self.UT = np.ascontiguousarray(self.U.T)
        self.VT = np.ascontiguousarray(self.V.T)
        # Diagonal of W_raw as the dynamics sees it (zero when the rule zeroes it).
        self.selfw = np.einsum("pi,pi->i", self.U, self.V) - self.d
        # U.T @ V is symmetric when V = U, V = -U or V = diag(k) U (accumulated Hebbian terms).
        if symmetric is None:
            symmetric = bool(np.array_equal(self.U, self.V) or np.array_equal(self.U, -self.V))
        self.symmetric = symmetric
        # What built the factors (rules that accumulate over train() calls rebuild from it).
        self.terms = terms
        self._dense = None

    def overlaps(self, S):
        """``S @ V.T``: the P overlaps of every row of S."""
        return S @ self.V.T

    def product(self, S, out=None):
        """``(S @ V.T) @ U``: the fields of every row of S, before ``- d * S``."""
        return np.matmul(self.overlaps(S), self.U, out=out)

    def dense_raw(self, cache=True):
        """Return ``U.T @ V - diag(d)`` as an (N, N) array (built once if ``cache``)."""
        if self._dense is not None:
            return self._dense
        check_dense_fits(self.n, self.dtype, "Building W")
        # A contiguous U.T makes NumPy call GEMM; U.T @ U on the same buffer
        # would go to SYRK, which is many times slower for small P.
        W = self.UT @ self.V
        W[np.diag_indices(self.n)] -= self.d
        if cache:
            self._dense = W
        return W

    def as_dense(self):
        """The same weights as a :class:`DenseWeights` (built once)."""
        return DenseWeights(self.dense_raw(), self.scale, factors=self, symmetric=self.symmetric or None)


def dense_sum(a, b, zero_diagonal=False):
    """``W_a + W_b`` of two representations, as a dense float64 :class:`DenseWeights`.

    Used when learning adds weights that share no exact factor form (for
    example Hebbian patterns on top of a user-assigned ``W``). The sum is
    rounded once, in float64; ``zero_diagonal`` then sets every ``W_ii`` to 0.
    """
    check_dense_fits(a.n, np.float64, "Adding new weights to the stored ones")
    W = a.scale * a.dense_raw().astype(np.float64)
    W += b.scale * b.dense_raw().astype(np.float64)
    if zero_diagonal:
        W[np.diag_indices(a.n)] = 0.0
    return DenseWeights(W, 1.0)
