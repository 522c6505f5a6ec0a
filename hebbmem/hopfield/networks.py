"""Hopfield networks with binary or graded neurons: ``HopfieldNetwork`` and canns' ``AmariHopfieldNetwork``."""

import time
import warnings

import numpy as np

from .._progress import ProgressLine
from .._validation import (MAX_COUNT, as_pattern_matrix, check_bool, check_choice, check_compiled, check_int,
                           check_real, check_seed)
from ..exceptions import ConvergenceWarning
from ..io import register
from . import dynamics
from ._weights import comparison_threshold
from .base import Network, check_threshold
from .result import RecallResult

__all__ = ["HopfieldNetwork", "AmariHopfieldNetwork"]

_ACTIVATIONS = ("sign", "tanh", "sigmoid")
_STORAGE = ("auto", "dense", "low-rank")


@register
class HopfieldNetwork(Network):
    r"""A Hopfield network with binary (sign) or graded (tanh, sigmoid) neurons.

    Recall repeatedly updates the state until it stops changing:

    .. math::

        s_i \leftarrow \operatorname{sign}(h_i - \theta), \qquad h_i = \sum_j W_{ij} s_j

    where

    * :math:`s_i \in \{-1, +1\}` is neuron :math:`i`; a neuron whose field
      equals the threshold keeps its state (the **tie rule**), so states are
      never 0;
    * :math:`W` is the weight matrix built by a :class:`~hebbmem.Rule`;
    * :math:`\theta` is ``bias``.

    With ``asyn=False`` all neurons update at once (synchronous), and recall
    stops at a fixed point or when a 2-cycle is detected. With ``asyn=True``
    neurons update one at a time in a fresh random order each sweep, drawn
    from the network's seeded ``numpy.random.default_rng``, and recall stops
    after a sweep with no flip. Asynchronous updates never raise the energy.
    With ``activation="tanh"`` or ``"sigmoid"`` the update is
    :math:`s_i \leftarrow f((h_i - \theta)/T)` and recall stops when no state
    moves by more than ``tol``.

    Parameters
    ----------
    num_neurons : int
        Number of neurons N.
    asyn : bool, default=False
        Asynchronous (True) or synchronous (False) updates.
    activation : {'sign', 'tanh', 'sigmoid'}, default='sign'
        ``'sign'``: binary +1/-1 states. ``'tanh'``: graded states in (-1, 1).
        ``'sigmoid'``: graded states in (0, 1).
    max_iter : int, default=100
        Maximum number of synchronous updates or asynchronous sweeps per probe.
        Stopping there without converging is reported (see ``return_info``)
        and warned about with :class:`~hebbmem.ConvergenceWarning`.
    bias : float, default=0.0
        Firing threshold :math:`\theta`.
    temperature : float, default=1.0
        :math:`T` of the graded activations (ignored by ``'sign'``).
    tol : float, default=1e-6
        Convergence tolerance of the graded activations.
    storage : {'auto', 'dense', 'low-rank'}, default='auto'
        How recall uses low-rank weights (Hebbian, AntiHebbian, PseudoInverse):
        ``'auto'`` picks the cheaper of the (P, N) factors and the dense
        (N, N) matrix; both give identical results.
    parallel : bool, default=False
        Spread the probes of an asynchronous batch over Numba threads. Off by
        default: on small shared machines threads often cost more than they give.
    seed : None, int or numpy.random.Generator, default=None
        Seeds the random update orders.

    See Also
    --------
    AmariHopfieldNetwork : canns' signature, with ``threshold`` = the firing threshold.
    HebbianTrainer : stores patterns in the network and recalls them.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> X = np.array([[1, 1, 1, 1, -1, -1, -1, -1], [1, -1, 1, -1, 1, -1, 1, -1]])
    >>> model = hm.HopfieldNetwork(8, asyn=True, seed=0)
    >>> trainer = hm.HebbianTrainer(model).train(X)
    >>> noisy = X[0].copy(); noisy[0] = -1
    >>> trainer.predict(noisy)
    array([ 1.,  1.,  1.,  1., -1., -1., -1., -1.], dtype=float32)
    """

    def __init__(self, num_neurons, *, asyn=False, activation="sign", max_iter=100, bias=0.0,
                 temperature=1.0, tol=1e-6, storage="auto", parallel=False, seed=None):
        super().__init__(num_neurons, bias=bias, seed=seed)
        owner = type(self).__name__
        self.asyn = check_bool(asyn, "asyn", owner)
        self.activation = check_choice(activation, "activation", owner, _ACTIVATIONS)
        self.max_iter = check_int(max_iter, "max_iter", owner, low=1, high=MAX_COUNT)
        self.temperature = check_real(temperature, "temperature", owner, low=0, low_open=True)
        self.tol = check_real(tol, "tol", owner, low=0)
        self.storage = check_choice(storage, "storage", owner, _STORAGE)
        self.parallel = check_bool(parallel, "parallel", owner)
        self._workspace = dynamics.Workspace()  # recall's scratch buffers, reused between calls

    # ------------------------------------------------------------ dense or not
    def _recall_weights(self):
        """The weight representation recall should use (dense or low-rank)."""
        rep = self._weights
        if rep.kind == "dense" or self.storage == "low-rank":
            return rep
        if self.storage == "auto":
            # Per probe: sync costs N^2 (dense) vs 2NP (factors) per update;
            # async costs about flips*N (dense) vs sweeps*N*P (factors). Measured at
            # N = 784, 100 probes: dense 25 vs factors 21 us per probe at P = 10, and
            # 31 vs 45 us at P = 50, so the switch sits near P = N/32.
            n, p = rep.n, rep.rank
            dense_cheaper = 32 * p >= n if self.asyn else 2 * p >= n
            if not dense_cheaper or n * n * rep.dtype.itemsize > 2 ** 31:
                return rep
        if self._dense_cache is None:
            self._dense_cache = rep.as_dense()
        return self._dense_cache

    # ------------------------------------------------------------------ recall
    def recall(self, probes, *, compiled=True, max_iter=None, return_info=False, progress=False,
               what="probes", rng=None, warn=True):
        """Run the dynamics from each probe until it settles.

        Parameters
        ----------
        probes : array-like of shape (N,) or (n_probes, N), or list of 1-D arrays
            Initial states: +1/-1 values for ``activation='sign'``. Not modified.
        compiled : bool or "numba", default=True
            True: the fastest exact path, NumPy for small jobs in a process
            that has not loaded the Numba kernels yet (their load costs about
            0.5-0.9 s), the kernels otherwise. False: the plain NumPy code,
            written to be read. ``"numba"``: always the kernels. The results
            are identical on every path. Graded activations always use NumPy.
        max_iter : int, optional
            Overrides the network's ``max_iter`` for this call.
        return_info : bool, default=False
            Return a :class:`~hebbmem.RecallResult` (states plus iterations,
            convergence flags and energies) instead of the states alone.
        progress : bool, default=False
            Show a progress line on stderr.
        rng : None, int or numpy.random.Generator, optional
            Draws this call's asynchronous update orders instead of the
            network's own generator ``model.rng``. Give each thread its own
            (e.g. ``rng=seed``) to make concurrent recall reproducible.
        warn : bool, default=True
            Warn with :class:`~hebbmem.ConvergenceWarning` when a probe did
            not reach a fixed point.

        Returns
        -------
        states : ndarray, same shape as ``probes``
            float32 +1/-1 states for ``'sign'``; float64 for graded activations.
            A synchronous probe caught in a 2-cycle returns the state it holds
            after exactly ``max_iter`` updates (the cycle's parity decides
            which of its two states), as a fixed-length run would.
            Or a :class:`~hebbmem.RecallResult` if ``return_info=True``.
        """
        rep = self._require_weights("recall")
        binary = self.activation == "sign"
        # X may be the caller's own array: every driver below copies before writing.
        X, was_1d = as_pattern_matrix(probes, what=what, n_neurons=self.num_neurons, bipolar=binary,
                                      dtype=None, copy=False)
        max_iter = self.max_iter if max_iter is None else check_int(max_iter, "max_iter", "recall", low=1,
                                                                    high=MAX_COUNT)
        compiled = check_compiled(compiled, "compiled", "recall")
        if rng is not None:
            rng = np.random.default_rng(check_seed(rng, "recall"))
        elif self.asyn:  # only asynchronous updates draw random orders
            rng = self.rng
        rep = self._recall_weights()
        mode = "async" if self.asyn else "sync"
        bar = ProgressLine(X.shape[0], f"recall ({mode})") if progress else None
        common = dict(want_energy=return_info, progress=bar)
        if binary:
            rank = rep.rank if rep.kind == "lowrank" else rep.n
            kernels = dynamics.use_kernels(compiled, self.asyn, X.shape[0], rep.n, rank)
            started = time.perf_counter()
            S0 = X.astype(rep.dtype, copy=False)
            thr = comparison_threshold(rep, self.bias)   # compared with the fields: no false ties
            common["energy_thr"] = self.bias / rep.scale  # the exact threshold, for the energy
            if self.asyn:
                if kernels:
                    out = dynamics.async_recall_compiled(rep, S0, thr, max_iter, rng,
                                                         parallel=self.parallel, **common)
                else:
                    out = dynamics.async_recall_numpy(rep, S0, thr, max_iter, rng, **common)
            else:
                if kernels:
                    out = dynamics.sync_recall_compiled(rep, S0, thr, max_iter,
                                                        workspace=self._workspace, **common)
                else:
                    out = dynamics.sync_recall_numpy(rep, S0, thr, max_iter, **common)
            states = out.states.astype(np.float32, copy=False)
            if compiled is True and not kernels:
                dynamics.spent_on_numpy(time.perf_counter() - started)
            path = ("compiled" if kernels else "numpy") + (", low-rank" if rep.kind == "lowrank" else ", dense")
        else:
            out = dynamics.continuous_recall(rep, X.astype(np.float64, copy=False), self.bias, self.temperature, self.activation,
                                             max_iter, self.tol, self.asyn, rng, **common)
            states = out.states
            path = "numpy, " + self.activation
        if bar is not None:
            bar.close()
        if out.energy is not None and binary:
            out.energy *= rep.scale
        converged = out.status == dynamics.CONVERGED
        cycled = out.status == dynamics.CYCLED
        if warn and not converged.all():
            self._warn_unsettled(converged, cycled, max_iter)
        if was_1d:
            states = states[0]
        if not return_info:
            return states
        return RecallResult(states, out.n_iter, converged, cycled, out.energy, mode, path, max_iter)

    def update(self, prev_energy=None):
        """Advance the current state ``s`` by one step of the dynamics, as canns' ``model.update``.

        One synchronous update of every neuron (``asyn=False``) or one
        asynchronous sweep in a fresh random order (``asyn=True``), with the
        tie rule. ``prev_energy`` is accepted for canns compatibility and
        unused. Read ``model.s`` and ``model.energy`` afterwards.

        Returns
        -------
        None
        """
        self.s = self.recall(self.s, max_iter=1, warn=False)

    def _warn_unsettled(self, converged, cycled, max_iter):
        stuck = int((~converged & ~cycled).sum())
        n_cycled = int(cycled.sum())
        if stuck == 0 and n_cycled == 0:
            return
        parts = []
        if stuck:
            parts.append(f"{stuck} stopped at max_iter={max_iter} without converging")
        if n_cycled:
            parts.append(f"{n_cycled} fell into a 2-cycle (synchronous updates)")
        warnings.warn(
            f"{stuck + n_cycled} of {converged.size} probes did not reach a fixed point: "
            f"{' and '.join(parts)}. Use return_info=True to see which; raise max_iter or use "
            f"asyn=True (asynchronous updates always converge with symmetric weights).",
            ConvergenceWarning,
            stacklevel=3,
        )


_CANNS_MODEL_KWARGS = ("name", "mode")  # brainpy's DynamicalSystem arguments: accepted, unused
_NATIVE_KWARGS = ("max_iter", "tol", "storage", "parallel", "seed")


@register
class AmariHopfieldNetwork(HopfieldNetwork):
    r"""The Amari-Hopfield network of the seed tutorials, with canns 1.5.0's signature.

    A :class:`HopfieldNetwork` whose parameters follow canns:
    ``AmariHopfieldNetwork(num_neurons, asyn, threshold, activation, temperature)``.

    .. math::

        s_i \leftarrow f\Big(\frac{h_i - \theta}{T}\Big), \qquad h_i = \sum_j W_{ij} s_j

    where

    * :math:`\theta` is ``threshold``, the **firing threshold** (canns'
      meaning; the seed tutorial's table calls it "max iterations", but every
      result the seeds show comes from the firing threshold);
    * :math:`f` is ``sign`` (with hebbmem's tie rule: a neuron whose field
      equals :math:`\theta` keeps its state), ``tanh`` or the logistic
      ``sigmoid``;
    * :math:`T` is ``temperature`` (graded activations only);
    * :math:`W` holds the stored weights.

    The number of iterations is capped by ``predict(..., num_iter=20)``, as in
    canns (``max_iter`` is 20 here). Recall stops earlier at a fixed point,
    which gives the same state as running on; a synchronous 2-cycle returns
    the state after exactly ``num_iter`` updates.

    Parameters
    ----------
    num_neurons : int
        Number of neurons N.
    asyn : bool, default=False
        Asynchronous (True) or synchronous (False) updates.
    threshold : float, default=0.0
        Firing threshold :math:`\theta` (``bias`` of :class:`HopfieldNetwork`).
    activation : {'sign', 'tanh', 'sigmoid'}, default='sign'
    temperature : float, default=1.0
        :math:`T` of the graded activations.
    **kwargs
        ``name`` and ``mode`` (canns' model arguments) are accepted and
        unused; ``max_iter`` (default 20), ``tol``, ``storage``,
        ``parallel`` and ``seed`` are :class:`HopfieldNetwork`'s.

    See Also
    --------
    HebbianTrainer : stores patterns (mean-centred by default, as in canns).

    Examples
    --------
    >>> from hebbmem.models.brain_inspired import AmariHopfieldNetwork
    >>> model = AmariHopfieldNetwork(num_neurons=784, threshold=80.0, asyn=False, activation="sign")
    >>> model.init_state().shape
    (784,)
    >>> model.threshold, model.max_iter
    (80.0, 20)
    """

    def __init__(self, num_neurons, asyn=False, threshold=0.0, activation="sign", temperature=1.0,
                 **kwargs):
        owner = type(self).__name__
        unknown = sorted(set(kwargs) - set(_CANNS_MODEL_KWARGS) - set(_NATIVE_KWARGS))
        if unknown:
            raise TypeError(
                f"{owner} got unexpected keyword argument(s) {', '.join(map(repr, unknown))}. It takes "
                f"num_neurons, asyn, threshold, activation, temperature, plus "
                f"{', '.join(_NATIVE_KWARGS + _CANNS_MODEL_KWARGS)}."
            )
        theta = check_real(threshold, "threshold", owner,
                           fix="It is the firing threshold theta; the iteration cap is "
                               "predict(..., num_iter=20).")
        if isinstance(num_neurons, int) and num_neurons > 0:
            theta = check_threshold(theta, "threshold", owner, num_neurons)
        native = {k: kwargs[k] for k in _NATIVE_KWARGS if k in kwargs}
        native.setdefault("max_iter", 20)
        self.name = kwargs.get("name")
        super().__init__(num_neurons, asyn=asyn, activation=activation, bias=theta,
                         temperature=temperature, **native)

    @property
    def threshold(self):
        """The firing threshold :math:`\theta` (alias of ``bias``)."""
        return self.bias

    @threshold.setter
    def threshold(self, value):
        self.bias = check_threshold(value, "threshold", type(self).__name__, self.num_neurons)
