r"""Dense associative memory (Krotov and Hopfield, 2016): binary states and a polynomial energy.

It stores the patterns themselves, like :class:`~hebbmem.ModernHopfieldNetwork`
(see :mod:`hebbmem.hopfield.modern` for how both work with the trainers),
and recalls with asynchronous updates; its capacity grows as
:math:`N^{n-1}` for the interaction :math:`F(x) = x^n`.
"""

import math
import warnings

import numpy as np

from . import dynamics
from .._progress import ProgressLine
from .._validation import MAX_COUNT, as_pattern_matrix, check_bool, check_int
from ..exceptions import ConvergenceWarning
from ..io import register
from .modern import _PatternMemory
from .result import RecallResult

__all__ = ["DenseAssociativeMemory", "max_degree"]


_ENERGY_LIMIT = 1e300  # N**degree stays below this: every energy is a finite float64


def _interaction(x, degree, rectified):
    """F(x) = x**degree, or max(x, 0)**degree when rectified (elementwise, float64)."""
    if rectified:
        x = np.maximum(x, 0.0)
    return x ** degree


def _ipow(x, n):
    """``x**n`` elementwise by repeated squaring: the multiplications of ``_kernels.ipow``, in its order."""
    result = np.ones_like(x)
    base = x
    while n > 0:
        if n & 1:
            result = result * base
        n >>= 1
        if n > 0:
            base = base * base
    return result


def max_degree(num_neurons):
    """The largest degree n with N**n <= 1e300 (so that every energy -sum_mu F(m_mu) is finite), at most 1000."""
    if num_neurons < 2:
        return 1000
    return min(1000, int(math.log(_ENERGY_LIMIT) / math.log(num_neurons)))


@register
class DenseAssociativeMemory(_PatternMemory):
    r"""Dense associative memory of Krotov and Hopfield (2016): a polynomial energy.

    .. math::

        E(\sigma) = -\sum_{\mu=1}^{P} F\!\left(x^\mu \cdot \sigma\right),
        \qquad
        \sigma_i \leftarrow \operatorname{sign}\Big[\sum_\mu
            F\big(x^\mu_i + r^\mu_i\big) - F\big(-x^\mu_i + r^\mu_i\big)\Big],
        \quad r^\mu_i = \sum_{j \ne i} x^\mu_j \sigma_j

    where

    * :math:`\sigma \in \{-1, +1\}^N` is the state, :math:`x^\mu` the stored patterns (``memory``);
    * :math:`F(x) = x^n` with :math:`n` = ``degree`` (``rectified=True``:
      :math:`F(x) = \max(x, 0)^n`, the rectified polynomial of the paper);
    * the bracket is :math:`E(\sigma_i = -1) - E(\sigma_i = +1)`, so every
      flip lowers the energy; a neuron whose bracket is 0 keeps its state.

    Neurons update asynchronously, one at a time in a fresh random order
    each sweep (drawn from ``seed``), until a sweep changes nothing. With
    :math:`n = 2` this is the classic Hopfield network (capacity about
    0.14 N); degree :math:`n` stores of order :math:`N^{n-1}` patterns.

    Parameters
    ----------
    num_neurons : int
        Pattern length N.
    degree : int, default=3
        The power n >= 2 of the interaction function (at most
        :func:`max_degree` (N), so that energies stay finite).
    rectified : bool, default=False
        Use :math:`F(x) = \max(x, 0)^n`.
    max_iter : int, default=100
        Maximum number of sweeps per probe.
    seed : None, int or numpy.random.Generator, default=None
        Seeds the random update orders.

    Notes
    -----
    Overlaps :math:`m^\mu = x^\mu\cdot\sigma` are kept and updated after each
    flip, so a visit costs O(P). Every quantity is an integer, exact in
    float64 while :math:`P\,(N+1)^n < 2^{53}` (e.g. N = 784, n = 3, P up to
    about 19,000): the Numba kernel, the NumPy path and the textbook loop
    then agree bit for bit, ties included. Beyond that (high degrees), each
    visit computes the bracket scaled by its largest term,
    :math:`\sum_\mu (a_\mu/t)^n - (b_\mu/t)^n` with
    :math:`t = \max_\mu \max(|a_\mu|, |b_\mu|)` (the log-domain trick: same
    sign, no overflow), with powers by repeated squaring, so the kernel and
    the NumPy path still agree bit for bit; the sign is the exact one except
    when the bracket is within float64 rounding of a tie. ``degree`` is at
    most :math:`\log(10^{300})/\log N` (166 at N = 64, 103 at N = 784), so
    that every energy is a finite float64.

    References
    ----------
    D. Krotov and J. J. Hopfield, "Dense Associative Memory for Pattern
    Recognition", NeurIPS 2016 (arXiv:1606.01164).

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> X = np.array([[1, 1, 1, 1, -1, -1, -1, -1], [1, -1, 1, -1, 1, -1, 1, -1]])
    >>> model = hm.DenseAssociativeMemory(8, degree=3, seed=0)
    >>> trainer = hm.HebbianTrainer(model).train(X)
    >>> noisy = X[1].copy(); noisy[0] = -1
    >>> trainer.predict(noisy).astype(int)
    array([ 1, -1,  1, -1,  1, -1,  1, -1])
    """

    _dtype = np.dtype(np.float64)

    def __init__(self, num_neurons, *, degree=3, rectified=False, max_iter=100, seed=None):
        super().__init__(num_neurons, seed=seed)
        owner = type(self).__name__
        top = max_degree(self.num_neurons)
        self.degree = check_int(degree, "degree", owner, low=2, high=top,
                                fix=f"degree=2 is the classic Hopfield network; 3 or more store more patterns. "
                                    f"With N = {self.num_neurons:,} neurons the energy sums P terms F(m) = "
                                    f"m**degree with |m| <= N: degree <= {top} keeps each below 1e300, so "
                                    f"that the energy stays a finite float64.")
        self.rectified = check_bool(rectified, "rectified", owner)
        self.max_iter = check_int(max_iter, "max_iter", owner, low=1, high=MAX_COUNT)
        self.asyn = True
        self._XT = None

    def _memory_changed(self):
        self._XT = None if self.memory is None else np.ascontiguousarray(self.memory.T)

    @property
    def energy(self):
        """The energy of the current state ``s`` (see :meth:`compute_energy`)."""
        return self.compute_energy(self.s)

    def compute_energy(self, state):
        r"""Energy :math:`-\sum_\mu F(x^\mu\cdot\sigma)` of one state (N,) or several (n, N)."""
        X = self._require_memory("compute the energy")
        S, was_1d = as_pattern_matrix(state, what="state",
                                      n_neurons=self.num_neurons, bipolar=False)
        E = -_interaction(S @ X.T, self.degree, self.rectified).sum(axis=1)
        return float(E[0]) if was_1d else E

    def recall(self, probes, *, compiled=True, max_iter=None, return_info=False, progress=False,
               what="probes", rng=None):
        """Asynchronous recall until a sweep flips nothing (or ``max_iter`` sweeps).

        Parameters
        ----------
        probes : array-like of shape (N,) or (n_probes, N)
            +1/-1 initial states. Not modified.
        compiled : bool, default=True
            Numba kernel (True) or plain NumPy (False); identical results.
        max_iter : int, optional
            Overrides the network's ``max_iter``.
        return_info : bool, default=False
            Return a :class:`~hebbmem.RecallResult` with sweeps, convergence and energies.
        progress : bool, default=False
            Progress line on stderr.
        what : str, default='probes'
        rng : None, int or numpy.random.Generator, optional
            Generator for the update orders of this call (default: the network's).

        Returns
        -------
        states : ndarray of the same shape as ``probes``, float32 +1/-1
            Or a :class:`~hebbmem.RecallResult`.
        """
        self._require_memory("recall")
        compiled = check_bool(compiled, "compiled", "recall")
        S0, was_1d = self._check_probes(probes, what, bipolar=True)
        max_iter = self.max_iter if max_iter is None else check_int(max_iter, "max_iter", "recall", low=1,
                                                                    high=MAX_COUNT)
        gen = self._rng(rng, self.rng)
        n = S0.shape[0]
        S = np.array(S0, dtype=np.float64, copy=True)
        M = np.ascontiguousarray(S @ self._XT)          # overlaps m^mu of every probe
        n_iter = np.zeros(n, dtype=np.int64)
        converged = np.zeros(n, dtype=bool)
        energy = np.full((n, max_iter + 1), np.nan) if return_info else None
        F = self._F
        # Beyond 2**53 the powers are not exact integers: compare them scaled (see Notes).
        scaled = self.n_patterns * (self.num_neurons + 1) ** self.degree >= 2 ** 53
        if return_info:
            energy[:, 0] = -F(M).sum(axis=1)
        bar = ProgressLine(n, "recall (dense associative memory)") if progress else None
        rows = np.arange(n)
        flips = np.zeros(n, dtype=np.int64)
        for sweep in range(1, max_iter + 1):
            keys = dynamics.order_keys(gen, rows.size)
            Sa, Ma = S[rows], M[rows]
            fl = flips[: rows.size]
            if compiled:
                dynamics._kernels().dam_async_sweep(self._XT, Ma, Sa, keys, self.degree, self.rectified, scaled, fl)
            else:
                self._sweep_numpy(Ma, Sa, keys, fl, scaled)
            S[rows], M[rows] = Sa, Ma
            n_iter[rows] = sweep
            if return_info:
                energy[rows, sweep] = -F(Ma).sum(axis=1)
            still = fl > 0
            converged[rows[~still]] = True
            rows = rows[still]
            if bar is not None:
                bar(n - rows.size, sweep)
            if rows.size == 0:
                break
        if bar is not None:
            bar.close()
        if rows.size:
            warnings.warn(
                f"{rows.size} of {n} probes still flipped neurons after max_iter={max_iter} sweeps. "
                f"Raise max_iter (asynchronous updates always converge: each flip lowers the energy).",
                ConvergenceWarning, stacklevel=2,
            )
        states = S.astype(np.float32)
        states = states[0] if was_1d else states
        if not return_info:
            return states
        path = ("compiled" if compiled else "numpy") + f", degree {self.degree}" + (
            " rectified" if self.rectified else "")
        return RecallResult(states, n_iter, converged, np.zeros(n, dtype=bool), energy, "async", path,
                            max_iter)

    def _F(self, x):
        return _interaction(x, self.degree, self.rectified)

    def _sweep_numpy(self, M, S, keys, flips, scaled=False):
        """One sweep of every row, in NumPy (the readable twin of ``_kernels.dam_async_sweep``)."""
        XT = self._XT
        n = S.shape[1]
        for b in range(S.shape[0]):
            count = 0
            for i in dynamics.random_order(int(keys[b]), n):
                x = XT[i]
                s = S[b, i]
                r = M[b] - x * s                       # overlaps without neuron i
                a, c = r + x, r - x                    # the overlaps with s_i = +1 and with s_i = -1
                if self.rectified:
                    a, c = np.maximum(a, 0.0), np.maximum(c, 0.0)
                delta = 0.0
                if scaled:                             # divide by the largest term: no overflow
                    top = max(float(np.abs(a).max()), float(np.abs(c).max()))
                    gain = _ipow(a / top, self.degree) - _ipow(c / top, self.degree) if top > 0 else a * 0.0
                else:
                    gain = _ipow(a, self.degree) - _ipow(c, self.degree)
                for mu in range(gain.shape[0]):        # left-to-right, as the kernel sums
                    delta += gain[mu]
                new = 1.0 if delta > 0 else (-1.0 if delta < 0 else s)
                if new != s:
                    S[b, i] = new
                    M[b] += 2.0 * new * x
                    count += 1
            flips[b] = count
