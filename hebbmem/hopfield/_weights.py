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

import numpy as np

from .. import _validation
from .._validation import human_bytes
from ..exceptions import WeightMatrixTooLargeError

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


def check_dense_fits(n, dtype, why):
    """Raise :class:`WeightMatrixTooLargeError` if an (n, n) matrix would use over half the RAM."""
    need = n * n * np.dtype(dtype).itemsize
    limit = _validation.available_memory() // 2
    if need > limit:
        raise WeightMatrixTooLargeError(
            f"{why} needs a dense {n:,} x {n:,} {np.dtype(dtype).name} matrix: "
            f"{human_bytes(need)}, more than half of the memory available here ({human_bytes(2 * limit)}). "
            f"Nothing was allocated. Keep a low-rank rule (Hebbian, AntiHebbian, PseudoInverse, Storkey) "
            f"and do not ask for model.W: recall then works from the pattern factors in O(N*P) "
            f"memory. Otherwise use fewer neurons."
        )


class DenseWeights:
    """``W = scale * W_raw`` with an explicit (N, N) matrix ``W_raw``."""

    kind = "dense"
    field_quantum = None  # every field is a multiple of this (None: not known)

    def __init__(self, W_raw, scale=1.0, factors=None, symmetric=None):
        self.W_raw = np.ascontiguousarray(W_raw)
        self.factors = factors  # the LowRankWeights W_raw was built from, if any
        if factors is not None:
            self.field_quantum = factors.field_quantum
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

    @property
    def columns(self):
        """Rows ``i`` of this array are the columns ``W_raw[:, i]`` (contiguous).

        When neuron i flips, every field ``h_j = sum_k W_jk s_k`` changes by
        ``2 s_i W_ji``: column i. For a symmetric W that is row i itself;
        otherwise a transposed copy is made once.
        """
        if self.symmetric:
            return self.W_raw
        if getattr(self, "_columns", None) is None:
            self._columns = np.ascontiguousarray(self.W_raw.T)
        return self._columns


class LowRankWeights:
    """``W = scale * (U.T @ V - diag(d))`` kept as factors U, V of shape (P, N)."""

    kind = "lowrank"
    field_quantum = None  # every field is a multiple of this (None: not known)

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


# --------------------------------------------------------------------------
# Exact grids for real-valued factors (Storkey, pseudo-inverse)
# --------------------------------------------------------------------------
# A field h = U.T @ (V @ s) - d * s with s in {-1, +1}^N is an exact sum in
# float64 when every U, V entry is a multiple of a power of two q, every d a
# multiple of q**2, and no partial sum (in units of q**2) exceeds 2**53. The
# same holds for the dense W_raw = U.T @ V - diag(d) and W_raw @ s. Staying
# below 2**51 leaves room for the reassociated sums of the Numba kernels.
_GRID_HEADROOM_BITS = 51
# Columns per block for (k, N) x (N, k) products. The small products of
# Storkey's training use einsum rather than BLAS: single-threaded, they were
# 5-20x faster than threaded BLAS on this busy 2-core machine, and one
# (20, 10**6) @ (10**6, 20) GEMM took 2.0-2.9 s in OpenBLAS.
_GRAM_BLOCK = 65536


def field_bound(U, V, d):
    """An upper bound of every partial sum of ``U.T @ (V @ s) - d * s`` and of ``W_raw @ s``, |s_i| = 1."""
    U = np.asarray(U, dtype=np.float64)
    V = np.asarray(V, dtype=np.float64)
    d = np.abs(np.asarray(d, dtype=np.float64))
    if not U.shape[0]:
        return float(d.max()) if d.size else 0.0
    row_l1 = np.zeros(V.shape[0])
    for j in range(0, V.shape[1], _GRAM_BLOCK):
        row_l1 += np.abs(V[:, j:j + _GRAM_BLOCK]).sum(axis=1)
    top = 0.0
    for j in range(0, U.shape[1], _GRAM_BLOCK):
        part = np.einsum("p,pi->i", row_l1, np.abs(U[:, j:j + _GRAM_BLOCK])) + d[j:j + _GRAM_BLOCK]
        top = max(top, float(part.max()))
    return top


def _snap_to_quantum(A, quantum):
    out = np.array(A, dtype=np.float64)  # a copy, rounded in place: one pass over memory
    out /= quantum
    np.rint(out, out=out)
    out *= quantum
    return out


def gram(A, B):
    """``A @ B.T`` for two short, wide (k, N) arrays, summed over column blocks (no BLAS threads)."""
    out = np.zeros((A.shape[0], B.shape[0]))
    for j in range(0, A.shape[1], _GRAM_BLOCK):
        out += np.einsum("pi,qi->pq", A[:, j:j + _GRAM_BLOCK], B[:, j:j + _GRAM_BLOCK])
    return out


class OrthonormalRows:
    """An orthonormal basis of row vectors of length N, grown one vector at a time, in place.

    :meth:`coordinates` writes a vector in the basis, first adding the part of
    it that lies outside (classical Gram-Schmidt, done twice, which keeps the
    rows orthonormal to rounding level). Memory: the (capacity, N) rows only.
    """

    def __init__(self, n, capacity):
        self.rows = np.empty((capacity, n))
        self.r = 0

    @property
    def basis(self):
        return self.rows[: self.r]

    def coordinates(self, v):
        """Coefficients ``c`` (length r after the call) with ``v = c @ basis`` up to rounding."""
        B = self.basis
        # einsum, not BLAS: these small products run single-threaded, which on busy shared
        # machines is 5-20x faster than a threaded GEMV (measured 2.6 vs 42 ms per Storkey train
        # at N = 16,384, P = 4, with a load average of 11 on 2 cores).
        c = np.einsum("pi,i->p", B, v)
        w = v - np.einsum("p,pi->i", c, B)
        c2 = np.einsum("pi,i->p", B, w)
        w -= np.einsum("p,pi->i", c2, B)
        c += c2
        rho = math.sqrt(float(np.einsum("i,i->", w, w)))
        if rho > 1e-13 * math.sqrt(float(np.einsum("i,i->", v, v))):  # not in the span yet: one more row
            self.rows[self.r] = w / rho
            self.r += 1
            c = np.append(c, rho)
        return c


def snap_symmetric_factors(F, signs, zdiag):
    """Round symmetric factors ``W = F.T @ diag(signs) @ F`` (diagonal ``zdiag``) to an exact grid.

    Returns ``(Fq, Vq, d, q)`` with ``Vq = signs[:, None] * Fq``, ``Fq`` on the finest
    power-of-two grid q for which every field is an exact float64 sum (see
    :func:`field_bound`), and ``d`` chosen so that the diagonal of
    ``Fq.T @ Vq - diag(d)`` is ``zdiag`` rounded to the q**2 grid. ``Fq.T @ Vq``
    is then exactly symmetric on every code path: each entry is an exact sum of
    the same products.
    """
    n = F.shape[1]
    zdiag = np.asarray(zdiag, dtype=np.float64)
    raw_d = np.einsum("pi,pi->i", F, F * signs[:, None]) - zdiag
    top = field_bound(F, F, raw_d) * (1.0 + 2.0 ** -20) + n * 2.0 ** -1000
    exponent = math.ceil((math.log2(top) - _GRID_HEADROOM_BITS) / 2)
    while True:
        q = math.ldexp(1.0, exponent)
        Fq = _snap_to_quantum(F, q)
        Vq = signs[:, None] * Fq
        zq = _snap_to_quantum(zdiag, q * q)
        d = np.einsum("pi,pi->i", Fq, Vq) - zq  # exact: products on the q**2 grid, small sums
        if field_bound(Fq, Vq, d) < 2.0 ** _GRID_HEADROOM_BITS * q * q:
            return Fq, Vq, d, q
        exponent += 1  # pragma: no cover - rounding pushed the bound over; one step coarser


def symmetric_factors(S, basis):
    """``(F, signs)`` with ``F.T @ diag(signs) @ F = basis.T @ S @ basis`` for symmetric S (k x k)."""
    lam, E = np.linalg.eigh(0.5 * (S + S.T))
    keep = np.abs(lam) > np.abs(lam).max(initial=0.0) * S.shape[0] * np.finfo(float).eps
    F = np.einsum("pq,qi->pi", np.sqrt(np.abs(lam[keep]))[:, None] * E[:, keep].T, basis)
    return F, np.sign(lam[keep])


# Bytes per neuron a network needs at the very least: its float32 state plus
# one probe's float64 fields and scratch during recall.
_BYTES_PER_NEURON = 16


def check_state_fits(n, owner):
    """Refuse, with hebbmem's own message, a network whose state vectors alone would not fit.

    Called by ``Network.__init__`` so that ``HopfieldNetwork(10**12)`` (or
    ``2**63``) fails at the line the user wrote, before NumPy tries to allocate.
    """
    need = _BYTES_PER_NEURON * n
    limit = _validation.available_memory() // 2
    if n > np.iinfo(np.intp).max or need > limit:
        raise MemoryError(
            f"{owner}(num_neurons={n:,}) is too large for this machine: its state and one probe's "
            f"fields alone need {human_bytes(need)} ({_BYTES_PER_NEURON} bytes per neuron), more than half "
            f"of the memory available here ({human_bytes(2 * limit)}). Nothing was allocated. Use at most "
            f"{limit // _BYTES_PER_NEURON:,} neurons (a million neurons take 16 MB; low-rank rules then "
            f"store O(N * P) weights)."
        )


def comparison_threshold(rep, bias):
    """The firing threshold in raw weight units, as the dynamics compare fields with it.

    ``bias / scale`` rounded to the weights' dtype can land exactly on an
    attainable field and make a false tie (e.g. ``bias = 1 + 1e-9`` rounds to
    1.0 in float32). When every field is an integer multiple of
    ``rep.field_quantum`` (integer Hebbian sums: quantum 1), the threshold is
    moved to the midpoint between the two attainable fields around it (or
    kept if it is one of them): every comparison ``h > thr`` / ``h < thr``
    keeps its exact outcome, and a tie happens exactly when the true
    threshold equals an attainable field.
    """
    t = bias / rep.scale  # may overflow to +-inf for a tiny scale: beyond every field either way
    q = getattr(rep, "field_quantum", None)
    if q:
        limit = 2.0 ** (_FLOAT32_EXACT_BITS + 1 if rep.dtype == np.float32 else _FLOAT64_EXACT_BITS + 1)
        if abs(t) >= limit * q:  # beyond every attainable field (at most 2**bits quanta): keep it there
            return rep.dtype.type(math.copysign(limit * q, t))
        k = math.floor(t / q)
        if k * q != t:
            t = (k + 0.5) * q
    return rep.dtype.type(t)
