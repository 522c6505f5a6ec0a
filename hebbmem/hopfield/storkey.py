"""Storkey's (1997) learning rule: incremental and local, with a capacity above Hebb's.

Kept apart from :mod:`hebbmem.hopfield.rules` because of its machinery:
Storkey's weights are rational, and training keeps them exact (as integer
low-rank factors while they fit in 53 bits, on a power-of-two grid
otherwise), from W = 0 or from the network's current weights.
"""

import math

import numpy as np

from .._validation import check_bytes_fit
from ._weights import (
    DenseWeights,
    LowRankWeights,
    OrthonormalRows,
    field_bound,
    gram,
    snap_symmetric_factors,
    symmetric_factors,
)
from .rules import Rule, _EXACT_BITS

__all__ = ["Storkey"]


class Storkey(Rule):
    r"""Storkey's (1997) incremental, local learning rule.

    Patterns are learned one after another, starting from :math:`W = 0` (or
    from the network's current weights when training continues):

    .. math::

        W^{\nu}_{ij} = W^{\nu-1}_{ij}
        + \frac{1}{N}\left(x_i x_j - x_i h_{ji} - h_{ij} x_j\right),
        \qquad h_{ij} = \sum_{k \neq i, j} W^{\nu-1}_{ik} x_k

    where

    * :math:`x = x^\nu \in \{-1, +1\}^N` is the pattern being learned;
    * :math:`h_{ij}` is the local field at neuron :math:`i` leaving out
      neurons :math:`i` and :math:`j`;
    * :math:`N` is the number of neurons; the diagonal :math:`W_{ii}` is
      never changed (it stays 0 from :math:`W = 0`).

    It stores more patterns than :class:`Hebbian`, and more correlated ones,
    while staying local and incremental: Storkey (1997) shows that about
    :math:`N / \sqrt{2 \ln N}` random patterns are all exact fixed points,
    where Hebb's rule keeps all of them exact only up to about
    :math:`N / (4 \ln N)`. Measured with this implementation (30 random
    pattern sets per point, one synchronous update from every pattern):
    half of the sets of 33 patterns are all fixed points at N = 100
    (:math:`N/\sqrt{2\ln N} = 33.0`), and half of the sets of 62 at N = 200
    (61.4).

    Notes
    -----
    With :math:`h = W x` and :math:`W_{ii} = 0`, :math:`h_{ij} = h_i - W_{ij}
    x_j`, which gives the closed form used here:

    .. math::

        W \leftarrow \left(1 + \tfrac{2}{N}\right) W
        + \tfrac{1}{N}\left(x x^T - x h^T - h x^T\right),
        \quad \text{then } W_{ii} = 0.

    So after :math:`P` patterns :math:`W` is a matrix of rank at most
    :math:`2P` plus a diagonal, and it is kept that way, as (2P, N) factors
    :math:`W = U^T V - \operatorname{diag}(d)`: training costs
    :math:`O(N P^2)` time and :math:`O(N P)` memory, never an :math:`N \times N`
    array (N = 10**6 neurons are fine). The factors are *exact* in one of two
    ways, so that every field is an exact sum and ties resolve identically on
    every code path:

    * while the numbers fit in 53 bits (small N and P: N = 100 with up to 7
      patterns, N = 784 with up to 5), as the integer matrix :math:`N^P W`:
      the weights *are* Storkey's rational weights and every tie is a true tie;
    * beyond that, in float64, then refactored as :math:`W = F^T J F` with
      :math:`J = \pm 1` on the diagonal (so :math:`W` is exactly symmetric)
      and :math:`F` rounded to a power-of-two grid (about 17 bits at
      N = 16,384, P = 4): each weight is within about :math:`10^{-5}`
      of :math:`\max |W|` of the textbook value.

    A second :meth:`~hebbmem.Trainer.train` call continues the sequence from
    the stored weights (low-rank factors are extended; dense weights, such as
    an assigned ``model.W``, are updated densely and stay dense). The textbook
    double loop is the test twin.

    References
    ----------
    A. J. Storkey, "Increasing the capacity of a Hopfield network without
    sacrificing functionality", ICANN 1997, LNCS 1327, 451-456.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> X = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]])
    >>> W = hm.Storkey().weights(X)
    >>> bool(np.array_equal(W, W.T)), float(W[0, 0])
    (True, 0.0)
    >>> (36 * W[0]).tolist()  # N**P W is an integer matrix here, kept exactly
    [0.0, 0.0, 12.0, -12.0, 0.0, -12.0]
    """

    low_rank = True

    def _build(self, X):
        return self._update(None, X)

    def _update(self, previous, X):
        """Continue Storkey's sequence from ``previous`` (None: from W = 0) with the rows of ``X``."""
        X = np.asarray(X, dtype=np.float64)
        if previous is not None and previous.kind == "dense":
            return _storkey_dense(previous, X)
        return _storkey_lowrank(previous, X)


def _integer_valued(*arrays):
    return all(bool(np.all(np.mod(a, 1.0) == 0)) for a in arrays)


def _storkey_lowrank(previous, X):
    """Storkey steps on factors ``W = scale * (U.T @ V - diag(d))``; see :class:`Storkey` Notes.

    Exact mode keeps Storkey's integer matrix ``c W`` as integer factors, row p
    of V stored as ``mult[p] * Vb[p]`` (a step multiplies every old row by
    N + 2: O(k), not O(k N)). Float mode keeps ``W = B.T @ S @ B - diag(d)``
    with orthonormal rows B (at most 2 per pattern) and a small symmetric S.
    """
    P, N = X.shape
    limit = 2.0 ** _EXACT_BITS
    if previous is None:
        U0 = V0 = np.zeros((0, N))
        d = np.zeros(N)
        c = 1  # W = Z / c with Z = U.T @ V - diag(d) integer-valued
        exact = True
    else:
        U0 = np.asarray(previous.U, dtype=np.float64)
        V0 = np.asarray(previous.V, dtype=np.float64)
        d = np.array(previous.d, dtype=np.float64)
        inv = 1.0 / previous.scale
        c = int(round(inv))
        exact = (abs(c - inv) <= 1e-9 * inv and c < limit and _integer_valued(U0, V0, d)
                 and field_bound(U0, V0, d) < limit)
    zdiag = np.einsum("pi,pi->i", U0, V0) - d  # the diagonal of U.T @ V - diag(d): no step changes W_ii
    k0 = U0.shape[0]
    capacity = k0 + 2 * P
    if exact:
        U = np.empty((capacity, N))
        Vb = np.empty((capacity, N))
        U[:k0], Vb[:k0] = U0, V0
        mult = np.ones(capacity)
        # reach[i] = sum_p |U[p, i]| * ||V[p]||_1; with |d_i|, the largest partial sum of a field.
        reach = np.abs(U0).T @ np.abs(V0).sum(axis=1) if k0 else np.zeros(N)
        r = k0
    else:
        basis, S, d, zdiag = _storkey_basis(U0, V0, previous.scale, d, zdiag, capacity)
    growth = 1.0 + 2.0 / N
    for x in X:
        if exact:
            # Field of each neuron without its self-coupling, times c: c (h_i - W_ii x_i).
            g = np.einsum("p,pi->i", np.einsum("pi,i->p", Vb[:r], x) * mult[:r], U[:r]) - (d + zdiag) * x
            # Z' = (N + 2) Z + c x x^T - x g^T - g x^T, W' = Z' / (c N): all integers.
            new_d = (N + 2) * d + 2 * zdiag + c - 2 * x * g
            new_reach = (N + 2) * reach + np.abs(c * x - g).sum() + N * np.abs(g)
            if float((new_reach + np.abs(new_d)).max()) < limit and c * N < limit:
                mult[:r] *= N + 2
                U[r], Vb[r] = x, c * x - g
                U[r + 1], Vb[r + 1] = g, -x
                d, zdiag, c, reach = new_d, N * zdiag, c * N, new_reach
                r += 2
                continue
            # The integers would pass 2**52: go on in float64, in W units.
            exact = False
            V = Vb[:r] * mult[:r, None]
            basis, S, d, zdiag = _storkey_basis(U[:r], V, 1.0 / c, d, zdiag, capacity)
            del U, Vb, V
        B = basis.basis
        g = np.einsum("p,pi->i", S @ np.einsum("pi,i->p", B, x), B) - (d + zdiag) * x  # h_i - W_ii x_i
        a = basis.coordinates(x)
        b = basis.coordinates(g)
        k = basis.r
        grown = np.zeros((k, k))
        grown[: S.shape[0], : S.shape[0]] = growth * S
        a = np.pad(a, (0, k - a.size))
        S = grown + (np.outer(a, a) - np.outer(a, b) - np.outer(b, a)) / N
        d = growth * d + (2 * zdiag + 1.0 - 2 * x * g) / N
    if exact:
        U, V = U[:r], Vb[:r]
        V *= mult[:r, None]  # exact: every |V entry| stays below the field bound
        keep = np.abs(U).sum(axis=1) * np.abs(V).sum(axis=1) > 0  # the first field is 0: drop that pair
        # Exactly symmetric: U.T @ V is Storkey's integer matrix c W, computed without rounding.
        rep = LowRankWeights(U[keep], V[keep], d, 1.0 / c, symmetric=True)
        rep.field_quantum = 1.0  # integer fields
        return rep
    F, signs = symmetric_factors(S, basis.basis)
    F, V, d, q = snap_symmetric_factors(F, signs, zdiag)
    rep = LowRankWeights(F, V, d, 1.0, symmetric=True)
    rep.field_quantum = q * q  # every field is a multiple of q**2
    return rep


def _storkey_basis(U, V, scale, d, zdiag, capacity):
    """Float-mode state ``(basis, S, d, zdiag)`` of ``W = scale * (U.T @ V - diag(d))``, in W units.

    The rows of V must lie in the span of the rows of U (true for every
    low-rank form hebbmem builds: V = U, -U, k U, or Storkey's combinations).
    """
    basis = OrthonormalRows(U.shape[1], capacity)
    for u in U:
        basis.coordinates(u)
    B = basis.basis
    S = scale * (gram(B, U) @ gram(V, B))  # B (U.T @ V) B.T
    return basis, 0.5 * (S + S.T), scale * d, scale * zdiag


def _storkey_dense(previous, X):
    """Storkey steps on a dense (possibly asymmetric) W: the textbook rule, any diagonal."""
    P, N = X.shape
    check_bytes_fit(
        4 * N * N * 8, "Continuing Storkey training from dense weights (such as an assigned model.W)",
        "Call model.reset_weights() first to train from W = 0, which Storkey keeps in low-rank form, "
        "or use fewer neurons.",
    )
    W = previous.scale * np.array(previous.W_raw, dtype=np.float64)
    symmetric = bool(np.array_equal(W, W.T))
    w = np.diag(W).copy()
    for x in X:
        g = W @ x - w * x  # h_i without the self-coupling: h_ij = g_i - W_ij x_j
        # W_ij += (W_ij + W_ji + x_i x_j - x_i g_j - g_i x_j) / N for i != j
        W = (W + W.T + np.outer(x, x - g) - np.outer(g, x)) / N + W
        if symmetric:
            W = 0.5 * (W + W.T)  # equal in exact arithmetic: remove rounding asymmetry
        W[np.diag_indices(N)] = w
    # Snap to the finest power-of-two grid on which every field W @ s is an exact sum.
    top = float(np.abs(W).sum(axis=1).max())
    quantum = None
    if top > 0:
        quantum = math.ldexp(1.0, math.frexp(top)[1] - _EXACT_BITS + 1)
        W = np.round(W / quantum) * quantum
    rep = DenseWeights(W, 1.0)
    rep.field_quantum = quantum
    return rep
