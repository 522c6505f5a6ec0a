"""Learning rules: how stored patterns become a weight matrix.

A rule is a small object that holds its parameters and builds weights in
plain NumPy. Call :meth:`Rule.weights` to get the textbook matrix ``W``; a
:class:`~hebbmem.Trainer` calls the rule for you and hands the result to a
network. Patterns are bipolar: every value is -1 or +1.

The Hebbian, anti-Hebbian and pseudo-inverse rules give a matrix of rank P
(plus a diagonal correction). Networks keep it as the two (P, N) factors and
only build the N x N matrix when it is cheaper or asked for; the formulas
below are what both forms compute.
"""

import math
import warnings
from fractions import Fraction

import numpy as np

from .._validation import as_pattern_matrix, check_bool, check_real
from ._weights import (
    DenseWeights,
    LowRankWeights,
    check_dense_fits,
    dense_sum,
    exact_dtype,
    snap_to_grid,
)

__all__ = ["Rule", "Hebbian", "AntiHebbian", "PseudoInverse"]

_EXACT_BITS = 52  # keep every float64 field below 2**52: exact


class Rule:
    """Base class of the learning rules.

    Subclasses implement :meth:`_build`, which turns a validated (P, N)
    float64 array of +1/-1 patterns into a weight representation.
    """

    #: Whether recall may keep the weights as low-rank factors.
    low_rank = False

    def weights(self, patterns):
        """Return the weight matrix ``W`` this rule builds from ``patterns``.

        Parameters
        ----------
        patterns : array-like of shape (n_patterns, n_neurons), or list of 1-D arrays
            Bipolar patterns (values -1 and +1). Not modified.

        Returns
        -------
        W : ndarray of shape (n_neurons, n_neurons), float64
            A new array.
        """
        X, _ = as_pattern_matrix(patterns, what="patterns")
        rep = self._build(X)
        return rep.scale * rep.dense_raw().astype(np.float64)

    def _build(self, X):  # pragma: no cover - abstract
        raise NotImplementedError

    def _update(self, previous, X):
        """Weights after learning ``X`` on top of ``previous`` (None: nothing stored yet).

        Trainers call this on every ``train()``: learning *adds* to what the
        network stores, as in canns. The default adds this rule's weights to
        the previous ones as a dense float64 matrix; rules with an exact
        incremental form (:class:`Hebbian`, :class:`Storkey`,
        :class:`PseudoInverse`) override it.
        """
        new = self._build(X)
        if previous is None:
            return new
        return dense_sum(previous, new)

    def _params(self):
        return {}

    def __repr__(self):
        defaults = type(self)().__dict__
        shown = [f"{k}={v!r}" for k, v in self.__dict__.items() if defaults.get(k) != v]
        return f"{type(self).__name__}({', '.join(shown)})"

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = None


class _OuterProductTerm:
    """One ``train()`` call of an outer-product rule: ``weight * sum_mu a_mu a_mu^T``.

    ``A`` holds the rows ``a_mu = x_mu - rho`` (float64, never modified) and
    ``weight = sign * learning_rate / divisor`` is kept as its parts so that
    ratios between calls stay exact rationals.
    """

    def __init__(self, A, sign, learning_rate, divisor, zero_diagonal):
        self.A = A
        self.sign = sign
        self.learning_rate = learning_rate
        self.divisor = divisor
        self.zero_diagonal = zero_diagonal

    def ratio(self, lr0):
        """``weight / lr0`` as an exact fraction."""
        return Fraction(self.learning_rate) / Fraction(lr0) * int(self.sign) / self.divisor


_MAX_MULTIPLIER = 2 ** 20  # integer multipliers of the terms stay below this


def _outer_product_factors(terms):
    """Exact factors of ``sum_c weight_c * A_c^T A_c`` (diagonal zeroed as the calls asked).

    Every term is written as ``scale * k_c * A_c^T A_c`` with one common
    ``scale`` and integer multipliers ``k_c`` (``k = +-1`` for a single call),
    so ``W_raw = U^T V`` with ``U = [A_1; A_2; ...]`` and ``V = [k_1 A_1; ...]``
    is exactly symmetric. With +1/-1 patterns and no centring every field is
    an integer; otherwise ``U`` is rounded to one power-of-two grid fine
    enough that every field is still an exact float64 sum.
    """
    N = terms[0].A.shape[1]
    lr0 = terms[0].learning_rate
    ratios = [t.ratio(lr0) for t in terms]
    common = math.lcm(*(r.denominator for r in ratios))
    if common <= _MAX_MULTIPLIER and all(abs(r * common) <= _MAX_MULTIPLIER for r in ratios):
        k = [int(r * common) for r in ratios]  # exact: weight_c = (lr0 / common) * k_c
        scale = lr0 / common
    else:
        # Learning rates without a small common denominator: round their ratios to 20 bits.
        top = max(abs(float(r)) for r in ratios)
        k = [round(float(r) / top * _MAX_MULTIPLIER) for r in ratios]
        scale = lr0 * top / _MAX_MULTIPLIER
    A = np.concatenate([t.A for t in terms]) if len(terms) > 1 else terms[0].A
    k_rows = np.repeat(np.array(k, dtype=np.float64), [t.A.shape[0] for t in terms])
    load = float(np.abs(k_rows).sum()) * N  # a field is a sum of at most this many |a|^2-sized products
    top = float(np.max(np.abs(A))) if A.size else 0.0
    if np.array_equal(A, np.round(A)):
        dtype = exact_dtype(load * top * top)  # integer fields
        U = A.astype(dtype)
        quantum = 1.0
    else:
        # Keep 2 * bits + log2(load) below 53: every field an exact float64 sum.
        bits = (_EXACT_BITS - math.ceil(math.log2(max(load, 2.0)))) // 2
        U = snap_to_grid(A, bits)
        dtype = np.float64
        quantum = math.ldexp(1.0, math.frexp(top)[1] - bits)  # the grid step of U
    V = (k_rows[:, None] * U).astype(dtype)  # exact: integer multiples of grid values
    zeroing = [c for c, t in enumerate(terms) if t.zero_diagonal]
    if zeroing:  # a zero_diagonal call zeroes the diagonal of everything stored up to it
        rows = sum(t.A.shape[0] for t in terms[: zeroing[-1] + 1])
        d = np.einsum("pi,pi->i", U[:rows], V[:rows])
    else:
        d = np.zeros(N)
    rep = LowRankWeights(U, V, d.astype(dtype), scale, symmetric=True, terms=list(terms))
    # +-1 states: every field is a sum of products of two grid values times integers
    rep.field_quantum = quantum * quantum
    return rep


class Hebbian(Rule):
    r"""Hebb's rule: neurons that fire together wire together.

    .. math::

        W_{ij} = \frac{\eta}{P} \sum_{\mu=1}^{P} (x^\mu_i - \rho)(x^\mu_j - \rho),
        \qquad W_{ii} = 0

    where

    * :math:`x^\mu_i` is neuron :math:`i` of stored pattern :math:`\mu`
      (+1/-1 for sign networks; graded values for tanh/sigmoid networks);
    * :math:`P` is the number of patterns (the :math:`1/P` factor is dropped
      when ``normalize=False``);
    * :math:`\eta` is ``learning_rate``;
    * :math:`\rho` is the mean of all pattern entries when ``subtract_mean=True``
      and 0 otherwise (centering helps biased patterns, such as images with
      more dark than light pixels);
    * the diagonal is zeroed when ``zero_diagonal=True`` (no self-connections).

    Learning **adds**: every ``train()`` call adds its term to the weights
    already stored, :math:`W \leftarrow W + \Delta W` (then zeroes the
    diagonal if asked), as in canns. An :class:`AntiHebbian` call on the
    same patterns therefore unlearns them. ``model.reset_weights()`` starts
    over.

    This is the rule of the seed tutorials, :math:`W = \frac1P\sum_\mu x^\mu x^{\mu T}`.
    It stores up to about :math:`0.138\,N` random patterns; correlated
    patterns (such as handwritten digits) merge into mixture states: use
    :class:`PseudoInverse` or :class:`Storkey` for those.

    Parameters
    ----------
    subtract_mean : bool, default=False
        Subtract the mean activity :math:`\rho` from every pattern first.
    zero_diagonal : bool, default=True
        Set :math:`W_{ii} = 0`.
    normalize : bool, default=True
        Divide by the number of patterns :math:`P`.
    learning_rate : float, default=1.0
        The factor :math:`\eta`.

    Notes
    -----
    Internally the weights are kept as factors,
    :math:`W = c\, U^T V - \operatorname{diag}(d)` with :math:`U` the stored
    rows :math:`x^\mu - \rho` of every call, :math:`V` the same rows times
    an integer :math:`k` per call and one common scale :math:`c` (for one
    call, :math:`k = 1` and :math:`c = \eta/P`; after calls with
    :math:`P_1` and :math:`P_2` patterns, :math:`c = \eta/\operatorname{lcm}(P_1, P_2)`).
    With +1/-1 patterns and no centring every field is then an exact integer
    and a field equal to the threshold is a true tie. With
    ``subtract_mean=True`` or graded patterns, :math:`U` is rounded to one
    power-of-two grid, fine enough (at least 13 bits for typical sizes) to
    keep every field an exact float64 sum. What stays exact after many calls:
    the fields of the stored (rounded) weights, on every code path; what is
    rounded: centred or graded rows (to the grid) and learning-rate ratios
    without a common denominator below :math:`2^{20}` (to 20 bits).

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> X = np.array([[1, -1, 1, -1], [1, 1, -1, -1]])
    >>> hm.Hebbian().weights(X)
    array([[ 0.,  0.,  0., -1.],
           [ 0.,  0., -1.,  0.],
           [ 0., -1.,  0.,  0.],
           [-1.,  0.,  0.,  0.]])
    """

    low_rank = True

    def __init__(self, subtract_mean=False, zero_diagonal=True, normalize=True, learning_rate=1.0):
        self.subtract_mean = check_bool(subtract_mean, "subtract_mean", "Hebbian")
        self.zero_diagonal = check_bool(zero_diagonal, "zero_diagonal", "Hebbian")
        self.normalize = check_bool(normalize, "normalize", "Hebbian")
        self.learning_rate = check_real(learning_rate, "learning_rate", "Hebbian", low=0, low_open=True)

    _sign = 1

    def _build(self, X):
        return self._update(None, X)

    def _update(self, previous, X):
        P = X.shape[0]
        A = X - X.mean() if self.subtract_mean else X
        term = _OuterProductTerm(A, self._sign, self.learning_rate, P if self.normalize else 1,
                                 self.zero_diagonal)
        if previous is None:
            return _outer_product_factors([term])
        if getattr(previous, "terms", None) is not None:
            return _outer_product_factors(previous.terms + [term])
        return dense_sum(previous, _outer_product_factors([term]), self.zero_diagonal)


class AntiHebbian(Hebbian):
    r"""The anti-Hebbian rule: co-active neurons inhibit each other.

    .. math::

        \Delta W_{ij} = -\eta\, x_i x_j, \qquad
        W_{ij} = -\frac{\eta}{P} \sum_{\mu=1}^{P} (x^\mu_i - \rho)(x^\mu_j - \rho),
        \qquad W_{ii} = 0

    where

    * :math:`x^\mu_i \in \{-1, +1\}` is neuron :math:`i` of pattern :math:`\mu`;
    * :math:`\eta` is ``learning_rate`` and :math:`P` the number of patterns
      (dropped when ``normalize=False``);
    * :math:`\rho` is the mean activity if ``subtract_mean=True``, else 0.

    The weights are the negative of :class:`Hebbian`'s. Stored patterns
    become *maxima* of the energy instead of minima: the rule decorrelates
    activity (as lateral inhibition does) rather than storing memories, and
    synchronous recall typically ends in a 2-cycle.

    Parameters
    ----------
    subtract_mean : bool, default=False
    zero_diagonal : bool, default=True
    normalize : bool, default=True
    learning_rate : float, default=1.0
        See :class:`Hebbian`.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> X = np.array([[1, -1, 1, -1]])
    >>> hm.AntiHebbian().weights(X)[0]
    array([ 0.,  1., -1.,  1.])
    """

    _sign = -1


class PseudoInverse(Rule):
    r"""The projection (pseudo-inverse) rule of Personnaz, Guyon and Dreyfus.

    .. math::

        W = X^T (X X^T)^{-1} X, \qquad W_{ii} = 0 \ \text{(if zero_diagonal)}

    where

    * :math:`X` is the :math:`P \times N` matrix whose rows are the patterns
      :math:`x^\mu \in \{-1, +1\}^N`;
    * :math:`X X^T` is the :math:`P \times P` matrix of pattern overlaps,
      inverted through its small :math:`P \times P` eigendecomposition
      :math:`Q \Lambda Q^T` (no SVD of :math:`X`).

    :math:`W` projects onto the span of the patterns, so every stored pattern
    satisfies :math:`W x^\mu = x^\mu` exactly, however correlated the
    patterns are (up to :math:`P < N` linearly independent patterns). This is
    the rule to use for handwritten digits, where plain Hebbian storage
    collapses into one mixture state. Zeroing the diagonal (Kanter and
    Sompolinsky, 1987) enlarges the basins of attraction.

    Parameters
    ----------
    zero_diagonal : bool, default=True
        Set :math:`W_{ii} = 0`.

    Notes
    -----
    Linearly dependent patterns (duplicates, or a pattern and its negation)
    make :math:`X X^T` singular; the rule then uses its pseudo-inverse, which
    gives the same projector, and warns. The weights are kept as
    :math:`W = Y^T Y` with :math:`Y = \Lambda^{-1/2} Q^T X`, so they are exactly
    symmetric; :math:`Y` is rounded to a power-of-two grid (about 17 bits,
    relative error ~1e-5, for typical sizes) so that every field is an exact
    sum and ties resolve identically on every code path.

    With a zero diagonal, stored pattern :math:`x` has the field
    :math:`(1 - W^{proj}_{ii})\, x_i`, and that margin shrinks as P nears N
    (down to ~1e-9 at N = 100, P = 99, below the grid's rounding). The rule
    therefore checks, exactly, that every stored +1/-1 pattern is a fixed
    point; if one is not, it rebuilds :math:`W` densely from an orthonormal
    basis of the patterns' complement, where the margin is computed without
    cancellation, on a much finer grid; if even that fails (or the dense
    matrix would not fit in memory), it raises an error. It never returns
    weights that silently lose a stored pattern.

    Each :meth:`~hebbmem.Trainer.train` call projects onto the span of
    *all* the patterns stored so far (they are kept with the weights).
    It cannot be added on top of other rules' weights: call
    ``model.reset_weights()`` first.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> X = np.array([[1, 1, 1, -1, -1], [1, 1, -1, 1, -1]])
    >>> W = hm.PseudoInverse(zero_diagonal=False).weights(X)
    >>> bool(np.allclose(W @ X[0], X[0]))
    True
    """

    low_rank = True

    def __init__(self, zero_diagonal=True):
        self.zero_diagonal = check_bool(zero_diagonal, "zero_diagonal", "PseudoInverse")

    def _build(self, X):
        return self._update(None, X)

    def _update(self, previous, X):
        """The projector onto the span of every pattern stored so far (``previous``'s and ``X``)."""
        X = np.asarray(X, dtype=np.float64)
        if previous is not None:
            stored = getattr(previous, "pinv_patterns", None)
            if stored is None:
                raise ValueError(
                    "PseudoInverse cannot be added on top of other weights: it is the projector onto the "
                    "span of all stored patterns, and these weights did not come from PseudoInverse (or "
                    "were assigned as model.W). Call model.reset_weights() first, then train with "
                    "PseudoInverse on all the patterns."
                )
            X = np.vstack([stored, X])
        P, N = X.shape
        if P >= N:
            so_far = " (counting the patterns stored by earlier train() calls)" if previous is not None else ""
            raise ValueError(
                f"PseudoInverse needs fewer patterns than neurons (P < N) to project onto "
                f"their span; got P={P} patterns{so_far} of N={N} neurons. Store fewer patterns."
            )
        # X @ (contiguous X.T) is a GEMM; X @ X.T on one buffer would be SYRK.
        G = X @ np.ascontiguousarray(X.T)
        # G = Q diag(lam) Q^T, so W = Y^T Y with Y = lam^(-1/2) Q^T X: a
        # symmetric factorisation (W stays exactly symmetric after rounding).
        lam, Q = np.linalg.eigh(G)
        keep = lam > lam.max() * P * np.finfo(float).eps
        if not keep.all():
            warnings.warn(
                f"The {P} patterns are linearly dependent (rank {int(keep.sum())}): duplicates or "
                f"negations? Using the pseudo-inverse of X X^T; W still projects onto their span.",
                stacklevel=4,
            )
        Y = (Q[:, keep].T @ X) / np.sqrt(lam[keep])[:, None]
        # Snap Y so that every field sum (N * P products of two entries) is exact.
        bits = (_EXACT_BITS - math.ceil(math.log2(N * P)) - 2) // 2
        top = float(np.max(np.abs(Y))) if Y.size else 0.0
        Y = snap_to_grid(Y, bits)
        d = np.einsum("pi,pi->i", Y, Y) if self.zero_diagonal else np.zeros(N)
        rep = LowRankWeights(Y, Y, d, 1.0, symmetric=True)
        if top > 0:  # the grid step of Y is 2**(exponent of top - bits); fields are multiples of its square
            rep.field_quantum = math.ldexp(1.0, 2 * (math.frexp(top)[1] - bits))
        binary = bool(np.all(np.abs(X) == 1))
        if self.zero_diagonal and binary and not _all_fixed(rep, X):
            # With a zero diagonal a stored pattern's field is (1 - P_ii) x_i, and the margin
            # 1 - P_ii can be far below the grid's rounding when P is close to N (issue 10:
            # N = 100, P = 99 kept 7-56 of 99 patterns). Widen the precision.
            rep = _projector_dense(X, int(keep.sum()))
            if not _all_fixed(rep, X):
                raise ValueError(
                    f"PseudoInverse cannot keep every one of the {P} patterns a fixed point at float64 "
                    f"precision with a zero diagonal: with P={P} of N={N} neurons the margin 1 - P_ii of "
                    f"some neuron is below the rounding error of the weights. Store fewer patterns, or use "
                    f"PseudoInverse(zero_diagonal=False), whose stored patterns have margin 1."
                )
        # train() adds patterns: the next projector spans all of them (+1/-1 patterns kept as int8).
        rep.pinv_patterns = X.astype(np.int8) if binary else X
        return rep


def _all_fixed(rep, X):
    """Whether every row of X is a fixed point at threshold 0 (fields are exact sums: no rounding)."""
    fields = rep.fields(X) if rep.kind == "dense" else rep.product(X) - rep.d * X
    return bool(np.all(X * fields >= 0))  # a tie (field 0) keeps the state


def _projector_dense(X, rank):
    """``P_X - diag(P_X)`` as a dense matrix on a fine grid, from an orthonormal basis of the complement.

    ``1 - (P_X)_ii = sum_r C_ri**2`` is then computed without cancellation, so
    margins as small as ~1e-14 keep their sign.
    """
    P, N = X.shape
    check_dense_fits(
        N, np.float64,
        f"Keeping every one of the {P} patterns a fixed point of PseudoInverse (P close to N = {N})",
    )
    if rank == P:
        Qc = np.linalg.qr(X.T, mode="complete")[0]  # backward stable: Qc[:, P:] spans the complement
        C = np.ascontiguousarray(Qc[:, P:].T)
    else:
        C = np.linalg.svd(X, full_matrices=True)[2][rank:]
    M = C.T @ C  # I - P_X
    M = np.triu(M) + np.triu(M, 1).T  # exactly symmetric
    W = -M
    W[np.diag_indices(N)] = 0.0  # zero diagonal: W = P_X - diag(P_X)
    top = float(np.abs(W).sum(axis=1).max())
    quantum = None
    if top > 0:  # the finest power-of-two grid on which every field W @ s is an exact sum
        quantum = math.ldexp(1.0, math.frexp(top)[1] - _EXACT_BITS + 1)
        W = np.round(W / quantum) * quantum
    rep = DenseWeights(W, 1.0, symmetric=True)
    rep.field_quantum = quantum
    return rep
