r"""Modern Hopfield networks: memories that store far more than 0.14 N patterns.

Two models, both holding the stored patterns themselves (a ``(P, N)``
array ``model.memory``) instead of an N x N weight matrix:

* :class:`ModernHopfieldNetwork` (Ramsauer et al., 2020): continuous states,
  the update :math:`\xi \leftarrow X^T \operatorname{softmax}(\beta X \xi)`,
  retrieval in one step, storage exponential in N.
* :class:`DenseAssociativeMemory` (Krotov and Hopfield, 2016): binary states,
  an energy :math:`-\sum_\mu F(x^\mu \cdot \sigma)` with a polynomial
  :math:`F(x) = x^n`, asynchronous updates, storage of order
  :math:`N^{n-1}`.

Both work with the trainers: ``hebbmem.HebbianTrainer(model).train(X)`` (or
``hebbmem.Trainer(model, hebbmem.Hebbian())``) appends the rows of ``X`` to
the memory, and ``predict`` / ``predict_batch`` recall. Storing a pattern
*is* the learning rule here, so the options of :class:`~hebbmem.Hebbian`
(``subtract_mean``, ``normalize``...) do not apply; rules that build a weight
matrix (Storkey, PseudoInverse, AntiHebbian) are refused. ``model.reset_weights()``
empties the memory (training *adds* patterns, as for the classic networks).
"""

import warnings

import numpy as np

from .._progress import ProgressLine
from .._validation import MAX_COUNT, as_pattern_matrix, check_bool, check_choice, check_int, check_real
from ..exceptions import ConvergenceWarning, NotTrainedError
from ..io import register
from .base import Network
from .result import RecallResult
from .rules import AntiHebbian, Hebbian

__all__ = ["ModernHopfieldNetwork"]


class _PatternMemory(Network):
    """Base of the models whose memory is the (P, N) array of stored patterns."""

    _bipolar_memory = True

    def __init__(self, num_neurons, *, seed=None):
        super().__init__(num_neurons, seed=seed)
        self.memory = None

    # ------------------------------------------------------------ storage
    @property
    def is_trained(self):
        return self.memory is not None

    @property
    def n_patterns(self):
        """Number of stored patterns P (0 before training)."""
        return 0 if self.memory is None else self.memory.shape[0]

    def _require_memory(self, action):
        if self.memory is None:
            raise NotTrainedError(
                f"Cannot {action}: {type(self).__name__} has no stored patterns yet. Store some first, "
                f"e.g. hebbmem.HebbianTrainer(model).train(patterns), or model.store(patterns)."
            )
        return self.memory

    def store(self, patterns):
        """Append patterns to the memory (what ``Trainer.train`` does).

        Parameters
        ----------
        patterns : array-like of shape (N,) or (n_patterns, N), or list of 1-D arrays
            Not modified.

        Returns
        -------
        self
        """
        X, _ = as_pattern_matrix(patterns, what="patterns", n_neurons=self.num_neurons,
                                 bipolar=self._bipolar_memory)
        self._learn(X, None)
        return self

    def _learn(self, X, rule):
        """Trainer hook: append the validated (P, N) float64 patterns ``X`` to the memory."""
        owner = type(self).__name__
        if rule is not None and (not isinstance(rule, Hebbian) or isinstance(rule, AntiHebbian)):
            raise TypeError(
                f"{owner} stores the patterns themselves and learns only with the Hebbian rule: use "
                f"hebbmem.HebbianTrainer(model) or hebbmem.Trainer(model, hebbmem.Hebbian()); got "
                f"{rule!r}. Rules that build an N x N weight matrix (Storkey, PseudoInverse, "
                f"AntiHebbian) do not apply to a network without one."
            )
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.num_neurons:
            raise ValueError(
                f"patterns must have shape (n_patterns, {self.num_neurons}); got {X.shape}."
            )
        if self._bipolar_memory and not ((X == 1.0) | (X == -1.0)).all():
            raise ValueError(
                f"{owner} stores bipolar patterns: every value -1 or +1; convert {{0, 1}} data with "
                f"2 * x - 1 or binarize images with hebbmem.datasets.binarize."
            )
        if not np.isfinite(X).all():
            raise ValueError("patterns contain NaN or inf; every value must be finite.")
        new = np.array(X, dtype=self._dtype, copy=True)
        self.memory = new if self.memory is None else np.concatenate([self.memory, new])
        self._memory_changed()

    def _as_patterns(self, data, what="patterns"):
        """Trainer hook: validate patterns for this memory ((P, N) float64)."""
        X, _ = as_pattern_matrix(data, what=what, n_neurons=self.num_neurons, bipolar=self._bipolar_memory)
        return X

    def _recorded_rule(self):
        """Trainer hook: storing the patterns is this model's only rule, so ``Trainer(model)`` stores."""
        return Hebbian()

    def reset_weights(self):
        """Forget every stored pattern (``train`` adds to the memory; this starts over)."""
        self.memory = None
        self._memory_changed()
        return self

    def _memory_changed(self):
        pass

    @property
    def W(self):
        raise AttributeError(
            f"{type(self).__name__} has no weight matrix W: its memory is the (P, N) array of stored "
            f"patterns, model.memory."
        )

    def _check_probes(self, probes, what, bipolar):
        X, was_1d = as_pattern_matrix(probes, what=what, n_neurons=self.num_neurons, bipolar=bipolar,
                                      dtype=self._dtype)
        return X, was_1d

    @staticmethod
    def _rng(rng, default):
        if rng is None:
            return default
        if isinstance(rng, np.random.Generator):
            return rng
        return np.random.default_rng(rng)


@register
class ModernHopfieldNetwork(_PatternMemory):
    r"""The modern (continuous, dense) Hopfield network of Ramsauer et al. (2020).

    Stored patterns are the rows :math:`x^\mu` of ``memory`` (shape (P, N)).
    One update of a state :math:`\xi` is

    .. math::

        \xi^{\text{new}} = X^T \operatorname{softmax}(\beta X \xi),
        \qquad
        E(\xi) = -\operatorname{lse}(\beta, X\xi) + \tfrac12 \xi^T\xi
                 + \beta^{-1}\ln P + \tfrac12 M^2

    where

    * :math:`X` is the (P, N) memory, :math:`X\xi` the P dot products with the state;
    * :math:`\beta` is ``beta``, the inverse temperature of the softmax;
    * :math:`\operatorname{lse}(\beta, z) = \beta^{-1} \ln \sum_\mu e^{\beta z_\mu}`;
    * :math:`M = \max_\mu \lVert x^\mu \rVert` (the constants make :math:`E \ge 0`).

    The update never raises the energy (it is a concave-convex procedure,
    Ramsauer et al., Theorem 1) and a pattern well separated from the others
    is retrieved in **one** update, with an error exponentially small in its
    separation. The number of storable patterns grows exponentially with N.
    :math:`\beta` is the knob: as :math:`\beta \to 0` the update returns the
    mean of all patterns; large :math:`\beta` returns the single closest
    pattern. A batch of B probes costs two (B, N) x (N, P) matrix products and
    a softmax.

    Parameters
    ----------
    num_neurons : int
        Pattern length N.
    beta : float, default=1.0
        Inverse temperature :math:`\beta > 0`, applied to raw dot products.
        For +1/-1 patterns :math:`x\cdot\xi = N m`, so the softmax weighs two
        patterns whose overlaps differ by :math:`\Delta m` by a factor
        :math:`e^{\beta N \Delta m}`: ``beta=1`` already picks the nearest
        pattern at N = 100 (a difference of 2 bits is a factor e^4).
    max_iter : int, default=1
        Updates per recall. The default is the one-step retrieval of the
        paper; with ``max_iter > 1`` recall stops earlier when the state
        moves by at most ``tol``, and warns (ConvergenceWarning) if it never
        does. One-step retrieval does not warn.
    tol : float, default=1e-6
        Convergence tolerance (largest change of one component).
    binary : bool, default=False
        Return ``sign`` of the update (+1/-1 states; a zero keeps the
        previous value), for comparisons with classic networks. The energy
        guarantee holds for the continuous update only.
    dtype : {'float64', 'float32'}, default='float64'
        Precision of the memory and of recall; float32 halves the cost of
        the matrix products.
    seed : None, int or numpy.random.Generator, default=None
        Unused by the (deterministic) dynamics; kept for a uniform API.

    Attributes
    ----------
    memory : ndarray of shape (P, N) or None
        The stored patterns.

    See Also
    --------
    DenseAssociativeMemory : binary states and a polynomial energy.
    HopfieldNetwork : the classic network (about 0.14 N patterns).

    References
    ----------
    H. Ramsauer et al., "Hopfield Networks is All You Need", ICLR 2021
    (arXiv:2008.02217).

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> X = np.array([[1, 1, 1, 1, -1, -1, -1, -1], [1, -1, 1, -1, 1, -1, 1, -1]])
    >>> model = hm.ModernHopfieldNetwork(8, beta=5.0)
    >>> trainer = hm.HebbianTrainer(model).train(X)
    >>> noisy = X[0].copy(); noisy[:2] = -1
    >>> np.round(trainer.predict(noisy), 3)
    array([ 1.,  1.,  1.,  1., -1., -1., -1., -1.])
    """

    def __init__(self, num_neurons, *, beta=1.0, max_iter=1, tol=1e-6, binary=False, dtype="float64",
                 seed=None):
        super().__init__(num_neurons, seed=seed)
        owner = type(self).__name__
        self._XT = None
        self.beta = beta
        self.max_iter = check_int(max_iter, "max_iter", owner, low=1, high=MAX_COUNT)
        self.tol = check_real(tol, "tol", owner, low=0)
        self.binary = check_bool(binary, "binary", owner)
        self.dtype = check_choice(dtype, "dtype", owner, ("float64", "float32"))
        self._dtype = np.dtype(self.dtype)
        self._memory_changed()

    _bipolar_memory = False  # real-valued patterns may be stored too

    @property
    def beta(self):
        """The inverse temperature (settable; the memory's scaled copy follows)."""
        return self._beta

    @beta.setter
    def beta(self, value):
        self._beta = check_real(value, "beta", type(self).__name__, low=0, low_open=True,
                                fix="beta is an inverse temperature: use e.g. beta=1.0 (retrieval) "
                                    "or a small positive value such as 1e-3 (averaging).")
        self._memory_changed()

    def _memory_changed(self):
        # X^T, contiguous: the first GEMM yields the P dot products of every probe
        self._XT = None if self.memory is None else np.ascontiguousarray(self.memory.T)

    # ------------------------------------------------------------- dynamics
    def update(self, states):
        """One update ``X^T softmax(beta X xi)`` of a state or of every row of ``states`` (no sign, no copy kept).

        Parameters
        ----------
        states : array-like of shape (N,) or (B, N)
            Real-valued states. Not modified.

        Returns
        -------
        new : ndarray of the same shape as ``states``
        """
        X = self._require_memory("update")
        S, was_1d = self._check_probes(states, "states", bipolar=False)
        new = self._step(X, S)
        return new[0] if was_1d else new

    def _step(self, X, S):
        """The softmax update of the rows of S: two GEMMs, the softmax between them.

        The softmax is computed as ``exp(beta (z - max z))``: the largest dot
        product is subtracted *before* scaling by beta, so no beta overflows
        (a huge beta sends every other pattern to exp(-inf) = 0: the nearest
        pattern, as the limit says) and a tiny one gives the mean. It runs in
        float64 whatever the dtype ((B, P) numbers, beside two (B, N, P) GEMMs).
        """
        Z = np.asarray(S @ self._XT, dtype=np.float64)   # (B, P): the dot products
        Z -= Z.max(axis=1, keepdims=True)                 # <= 0, the nearest pattern at exactly 0
        with np.errstate(over="ignore"):                  # beta (z - max) -> -inf is meant: exp gives 0
            Z *= self.beta
        np.exp(Z, out=Z)
        total = Z.sum(axis=1, keepdims=True)
        new = Z.astype(self._dtype, copy=False) @ X       # unnormalised: divide the (B, N) result instead
        new /= total
        return new

    def separation(self):
        r"""Separation :math:`\Delta_\mu = x^\mu\cdot x^\mu - \max_{\nu\ne\mu} x^\mu\cdot x^\nu` of every pattern.

        Ramsauer et al. (Theorem 4): a pattern is retrieved in one step, with
        error at most :math:`2 (P-1) e^{-\beta \Delta_\mu} M`-ish, when
        :math:`\Delta_\mu \ge 2/(\beta N) + (1/\beta) \ln(2 (P-1) N \beta M^2)`.
        """
        X = self._require_memory("compute the separation").astype(np.float64)
        G = X @ np.ascontiguousarray(X.T)
        diag = np.diag(G).copy()
        np.fill_diagonal(G, -np.inf)
        return diag - G.max(axis=1) if X.shape[0] > 1 else np.full(1, np.inf)

    @property
    def energy(self):
        """The energy of the current state ``s`` (see :meth:`compute_energy`)."""
        return self.compute_energy(self.s)

    def compute_energy(self, state):
        r"""Energy :math:`-\operatorname{lse}(\beta, X\xi) + \frac12\xi^T\xi + \beta^{-1}\ln P + \frac12 M^2`.

        Parameters
        ----------
        state : array-like of shape (N,) or (n, N)
            Not modified.

        Returns
        -------
        float, or ndarray of shape (n,)
        """
        X = self._require_memory("compute the energy").astype(np.float64)
        S, was_1d = as_pattern_matrix(state, what="state",
                                      n_neurons=self.num_neurons, bipolar=False)
        E = self._energies(X, S)
        return float(E[0]) if was_1d else E

    def _energies(self, X, S):
        # -lse(beta, z) + ln(P)/beta = -max z - ln(mean_mu exp(beta (z_mu - max z))) / beta, and the
        # log of that mean is log1p(mean(expm1(...))): finite and accurate for every beta > 0, from
        # 1e-300 (the mean of the z) to 1e300 (the max).
        D = S @ X.T
        top = D.max(axis=1)
        with np.errstate(over="ignore"):  # -inf for far patterns with a huge beta: expm1 gives -1
            spread = np.log1p(np.expm1(self.beta * (D - top[:, None])).mean(axis=1)) / self.beta
        M2 = float((X * X).sum(axis=1).max())
        return -top - spread + 0.5 * np.einsum("ij,ij->i", S, S) + 0.5 * M2

    def recall(self, probes, *, compiled=True, max_iter=None, return_info=False, progress=False,
               what="probes", rng=None):
        """Retrieve: update each probe ``max_iter`` times (one by default) or until it settles.

        Parameters
        ----------
        probes : array-like of shape (N,) or (n_probes, N)
            Real-valued initial states; +1/-1 patterns with 0 for unknown
            entries (occluded pixels) work well: a 0 adds nothing to the dot
            products. Not modified.
        compiled : bool, default=True
            Accepted for the trainers' API; recall is NumPy/BLAS either way.
        max_iter : int, optional
            Overrides the network's ``max_iter`` for this call.
        return_info : bool, default=False
            Return a :class:`~hebbmem.RecallResult`. Its ``converged`` flag
            tells whether the returned state is a fixed point within ``tol``
            (for one-step retrieval this costs one more, unapplied, update).
        progress : bool, default=False
            Show a progress line on stderr.
        what : str, default='probes'
            How the input is called in error messages.
        rng : ignored
            The dynamics are deterministic.

        Returns
        -------
        states : ndarray of the same shape as ``probes`` (float64 or float32)
            Or a :class:`~hebbmem.RecallResult` if ``return_info=True``.
        """
        X = self._require_memory("recall")
        check_bool(compiled, "compiled", "recall")
        S, was_1d = self._check_probes(probes, what, bipolar=False)
        max_iter = self.max_iter if max_iter is None else check_int(max_iter, "max_iter", "recall", low=1,
                                                                    high=MAX_COUNT)
        if max_iter == 1 and not return_info and not progress:
            # one-step retrieval: two GEMMs and a softmax, nothing else
            new = self._apply(X, S)
            return new[0] if was_1d else new
        n = S.shape[0]
        n_iter = np.zeros(n, dtype=np.int64)
        converged = np.zeros(n, dtype=bool)
        energy = np.full((n, max_iter + 1), np.nan) if return_info else None
        if return_info:
            energy[:, 0] = self._energies(X.astype(np.float64), S.astype(np.float64))
        bar = ProgressLine(n, "recall (modern)") if progress else None
        active = np.arange(n)
        for it in range(1, max_iter + 1):
            s = S[active]
            new = self._apply(X, s)
            moved = np.abs(new - s).max(axis=1)
            S[active] = new
            n_iter[active] = it
            if return_info:
                energy[active, it] = self._energies(X.astype(np.float64), new.astype(np.float64))
            done = moved <= self.tol
            converged[active[done]] = True
            active = active[~done]
            if bar is not None:
                bar(n - active.size, it)
            if active.size == 0:
                break
        if return_info and active.size:  # is the returned state a fixed point? (one unapplied update)
            s = S[active]
            converged[active] = np.abs(self._apply(X, s) - s).max(axis=1) <= self.tol
        if bar is not None:
            bar.close()
        if max_iter > 1 and active.size and not (return_info and converged.all()):
            warnings.warn(
                f"{active.size} of {n} probes still moved by more than tol={self.tol} after "
                f"max_iter={max_iter} updates. Raise max_iter or tol, or a larger beta.",
                ConvergenceWarning, stacklevel=2,
            )
        states = S[0] if was_1d else S
        if not return_info:
            return states
        cycled = np.zeros(n, dtype=bool)
        path = "numpy, softmax" + (", binary" if self.binary else "")
        return RecallResult(states, n_iter, converged, cycled, energy, "sync", path, max_iter)

    def _apply(self, X, s):
        new = self._step(X, s)
        if self.binary:
            new = np.where(new > 0, 1.0, np.where(new < 0, -1.0, s)).astype(self._dtype)
        return new
