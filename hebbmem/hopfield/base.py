"""The base of the associative-memory family: a network of neurons with weights, a state and an energy.

:class:`Network` holds what every Hopfield-type network shares: its size,
threshold, state, weights (set by a rule through a trainer, or assigned),
generator, energy and file format. The recall dynamics are in the
subclasses (:mod:`hebbmem.hopfield.networks`, ``stochastic``,
``continuous``, ``modern``).
"""

import copy

import numpy as np

from .._validation import as_pattern_matrix, check_int, check_real, check_seed
from ..exceptions import NotTrainedError
from ..io import save
from ..random import generator
from . import _files, dynamics
from ._weights import DenseWeights, check_dense_fits, check_state_fits
from .rules import Rule

__all__ = ["Network"]

#: Every energy term stays below this in magnitude (|theta| * N, |W_ij| summed over a row): no overflow.
MAX_ENERGY = 1e300


def check_threshold(value, name, owner, num_neurons):
    """A firing threshold: a finite real with |value| * num_neurons <= 1e300, so energies never overflow."""
    value = check_real(value, name, owner)
    bound = MAX_ENERGY / max(num_neurons, 1)
    if abs(value) > bound:
        raise ValueError(
            f"The {name!r} parameter of {owner} must be a finite real number with |{name}| <= 1e300 / "
            f"num_neurons = {bound:.4g}: beyond it the energy term {name} * sum(s) overflows float64. Got "
            f"{value!r} instead. (A threshold above every field the weights can produce, sum_j |W_ij|, "
            f"already keeps every neuron off.)"
        )
    return value


class Network:
    r"""Base class: a network of ``num_neurons`` neurons with weights, a state and an energy.

    .. math::

        E(s) = -\frac{1}{2} \sum_{i,j} W_{ij} s_i s_j + \theta \sum_i s_i

    where

    * :math:`s_i` is the state of neuron :math:`i` (+1 or -1 for binary networks);
    * :math:`W` is the weight matrix (``model.W``), symmetric with zero diagonal
      for the built-in rules;
    * :math:`\theta` is the firing threshold, the ``bias`` parameter.

    Parameters
    ----------
    num_neurons : int
        Number of neurons N.
    bias : float, default=0.0
        Firing threshold :math:`\theta`: neuron i turns on when its field
        :math:`h_i = \sum_j W_{ij} s_j` exceeds it.
    seed : None, int or numpy.random.Generator, default=None
        Seeds the network's generator, which draws the random update orders
        of asynchronous recall; None: drawn from hebbmem's default generator
        (see :mod:`hebbmem.random`: ``hebbmem.random.seed(42)`` or
        ``np.random.seed(42)`` at the top of a program make it reproducible).

    Attributes
    ----------
    s : ndarray of shape (num_neurons,), float32
        The current state. :meth:`init_state` sets it to all +1; ``predict``
        leaves the recalled state in it.
    rng : numpy.random.Generator
    """

    def __init__(self, num_neurons, *, bias=0.0, seed=None):
        owner = type(self).__name__
        self.num_neurons = check_int(num_neurons, "num_neurons", owner, low=1,
                                     fix="It is the number of neurons, e.g. 784 for 28x28 images.")
        check_state_fits(self.num_neurons, owner)  # HopfieldNetwork(10**12): hebbmem's message, not NumPy's
        self.bias = check_threshold(bias, "bias", owner, self.num_neurons)
        self.seed = check_seed(seed, owner)
        self._generator = None  # made on first use (see rng)
        self._weights = None
        self._W_view = None
        self.init_state()

    @property
    def rng(self):
        """The network's generator (``hebbmem.random.generator(seed)``): it draws the asynchronous update orders.

        Made on first use, so that synchronous recall in a fresh process does
        not pay for importing ``numpy.random``.
        """
        if self._generator is None:
            self._generator = generator(self.seed, type(self).__name__)
        return self._generator

    @rng.setter
    def rng(self, generator):
        self._generator = generator

    # ------------------------------------------------------------------ state
    def init_state(self, state=None):
        """Reset the state ``s`` to all +1, or to a copy of ``state``.

        Parameters
        ----------
        state : array-like of shape (num_neurons,), optional

        Returns
        -------
        s : ndarray of shape (num_neurons,), float32
        """
        if state is None:
            self.s = np.ones(self.num_neurons, dtype=np.float32)
        else:
            binary = getattr(self, "activation", "sign") == "sign"
            X, was_1d = as_pattern_matrix(state, what="state", n_neurons=self.num_neurons, bipolar=binary)
            if not was_1d:
                raise ValueError(f"state must be one vector of shape ({self.num_neurons},); got {np.shape(state)}.")
            self.s = X[0].astype(np.float32)
        return self.s

    # ---------------------------------------------------------------- weights
    @property
    def is_trained(self):
        """Whether weights have been set (by a trainer or by assigning ``W``)."""
        return self._weights is not None

    def _require_weights(self, action):
        if self._weights is None:
            raise NotTrainedError(
                f"Cannot {action}: the network has no weights yet. Store patterns first, e.g. "
                f"trainer = hebbmem.HebbianTrainer(model); trainer.train(patterns), "
                f"or assign model.W = an array of shape ({self.num_neurons}, {self.num_neurons})."
            )
        return self._weights

    @property
    def W(self):
        """The (N, N) weight matrix, as a read-only NumPy array.

        Before anything is stored it is all zeros (as in canns). Low-rank
        rules keep their factors and build this matrix only on first access
        (it is then cached); a matrix that would not fit in memory is refused
        with :class:`~hebbmem.WeightMatrixTooLargeError`. Its dtype is that of
        the stored weights (float32 for +1/-1 Hebbian sums small enough to be
        exact in it, else float64), and each entry is the stored weight
        correctly rounded to that dtype. To use your own weights, assign a new
        array: ``model.W = my_W``; editing the returned array in place is not
        allowed, because the network's factors would silently disagree with it.
        """
        rep = self._weights
        if self._W_view is None:
            if rep is None:  # nothing stored yet: W = 0, as in canns
                check_dense_fits(self.num_neurons, np.float32, "Reading model.W")
                W = np.zeros((self.num_neurons, self.num_neurons), dtype=np.float32)
            else:
                raw = rep.dense_raw() if rep.kind == "dense" else rep.dense_raw(cache=False)
                if rep.scale == 1.0:
                    W = raw.copy()
                else:
                    # Scale in float64, round once: each entry is the stored weight
                    # correctly rounded to the dtype (a float32 product would round twice).
                    W = (raw.astype(np.float64) * rep.scale).astype(raw.dtype)
            W.flags.writeable = False
            self._W_view = W
        return self._W_view

    @W.setter
    def W(self, value):
        n = self.num_neurons
        try:
            if value is None or np.asarray(value).dtype.kind not in "biuf":  # objects, strings, complex
                raise TypeError
            W = np.array(value, dtype=np.float64, copy=True)
        except (TypeError, ValueError):
            kind = np.asarray(value).dtype if value is not None and np.ndim(value) else type(value).__name__
            raise TypeError(f"W must be a real numeric array of shape ({n}, {n}); got {kind}.") from None
        if W.shape != (n, n):
            raise ValueError(
                f"W must have shape ({n}, {n}) to match num_neurons={n}; got {W.shape}. "
                f"hebbmem never resizes weights: build a network with the right num_neurons."
            )
        if not np.isfinite(W).all():
            raise ValueError("W contains NaN or inf; every weight must be finite.")
        top = float(np.abs(W).sum(axis=1).max())
        if not top <= MAX_ENERGY:
            raise ValueError(f"W is too large: a field sum_j |W_ij| reaches {top:.3g}, and every field must stay "
                             f"below 1e300 so that fields and energies never overflow float64. Scale W down.")
        self._set_weights(DenseWeights(W, 1.0))

    def _set_weights(self, rep):
        if rep is not None and rep.n != self.num_neurons:  # trainers validate first
            raise ValueError(f"weights are for {rep.n} neurons, the network has {self.num_neurons}.")
        self._weights = rep
        self._W_view = None
        self._dense_cache = None

    def reset_weights(self):
        """Forget everything stored: ``W`` is all zeros again, as before the first ``train()``.

        Training *adds* to the stored weights (as in canns), so call this to
        start over with other patterns or another rule.

        Returns
        -------
        self
        """
        self._set_weights(None)
        return self

    def _as_patterns(self, data, what="patterns"):
        """Validate patterns for this network: (P, N) float64, +1/-1 unless graded."""
        binary = getattr(self, "activation", "sign") == "sign"
        X, _ = as_pattern_matrix(data, what=what, n_neurons=self.num_neurons, bipolar=binary)
        return X

    def _accepts_rule(self, rule):
        """Trainer hook: refuse, at ``Trainer(model, rule)``, a rule this family cannot learn with."""
        if not isinstance(rule, Rule):
            raise TypeError(f"rule must be a hebbmem Rule such as hebbmem.Hebbian(); got {type(rule).__name__}.")

    def _learn(self, X, rule):
        """Add what ``rule`` learns from the validated patterns ``X`` to the stored weights."""
        rep = rule._update(self._weights, X)
        rep.rules = (*getattr(self._weights, "rules", ()), copy.copy(rule))  # what trained it, for save()
        self._set_weights(rep)

    def save(self, path):
        """Write the network (parameters, state, generator, weights, rules) to ``path``; see :mod:`hebbmem.io`.

        ``hebbmem.load(path)`` gives back a network that recalls bit for bit the same. A symbolic link
        at ``path`` is written through; folders, devices and pipes are refused; the file there is
        replaced only once the new one is complete.
        """
        save(self, path)

    def _save_parts(self, arrays):
        """File hook of :func:`hebbmem.io.save`: parameters, and the weights in their storage form."""
        return _files.save_parts(self, arrays)

    @classmethod
    def _load_parts(cls, params, header, archive, path):
        """File hook of :func:`hebbmem.load`: a network with the saved parameters, state and weights."""
        return _files.load_parts(cls, params, header, archive, path)

    def _recorded_rule(self):
        """Trainer hook: the rule that trained this network last (a fresh copy), or None.

        ``hebbmem.Trainer(model)`` without a rule continues with it, e.g. after ``hebbmem.load``.
        """
        return _files.recorded_rule(self)

    # ----------------------------------------------------------------- energy
    @property
    def energy(self):
        """The energy of the current state ``s`` (a float), as canns' ``model.energy``.

        See :meth:`compute_energy` for the formula and for any other state.
        """
        return self.compute_energy(self.s)

    def compute_energy(self, state):
        """Energy :math:`E = -\\frac12 s^T W s + \\theta \\sum_i s_i` of one or more states.

        Parameters
        ----------
        state : array-like of shape (N,) or (n, N)
            Not modified.

        Returns
        -------
        float, or ndarray of shape (n,)
            With nothing stored yet, ``W = 0`` and the energy is
            :math:`\\theta \\sum_i s_i`.
        """
        X, was_1d = as_pattern_matrix(state, what="state", n_neurons=self.num_neurons, bipolar=False)
        rep = self._weights
        if rep is None:
            E = self.bias * X.sum(axis=1)
        else:
            E = rep.scale * dynamics.energies(rep, X.astype(rep.dtype), self.bias / rep.scale)
        return float(E[0]) if was_1d else E

    # --------------------------------------------------------- canns' helpers
    @property
    def storage_capacity(self):
        """The classical capacity estimate for Hebbian storage: ``max(1, int(0.14 * N))``, whatever the rule.

        It follows canns, whose ``storage_capacity`` is this number for every
        network, so that canns programs print the same numbers. Amit,
        Gutfreund and Sompolinsky (1985) give :math:`P_c \\approx 0.138 N`
        random patterns for Hebb's rule (retrieved with a few errors); 0.14 is
        canns' rounding of it. Other rules store more: Storkey's rule about
        :math:`N/\\sqrt{2 \\ln N}` random patterns as exact fixed points (33 at
        N = 100, 62 at N = 200, measured; see :class:`~hebbmem.Storkey`), the
        pseudo-inverse rule up to :math:`N - 1` linearly independent ones.
        :func:`hebbmem.analysis.capacity_curve` measures any rule.
        """
        return max(1, int(0.14 * self.num_neurons))

    def compute_overlap(self, pattern1, pattern2):
        """Overlap :math:`m = \\frac1N \\sum_i a_i b_i` of two patterns (1 identical, -1 reversed).

        Parameters
        ----------
        pattern1, pattern2 : array-like of shape (N,)

        Returns
        -------
        float
        """
        a, _ = as_pattern_matrix(pattern1, what="pattern1", n_neurons=self.num_neurons, bipolar=False)
        b, _ = as_pattern_matrix(pattern2, what="pattern2", n_neurons=self.num_neurons, bipolar=False)
        if a.shape[0] != 1 or b.shape[0] != 1:
            raise ValueError(
                f"compute_overlap takes two single patterns of shape ({self.num_neurons},); got "
                f"{np.shape(pattern1)} and {np.shape(pattern2)}. Use hebbmem.analysis.overlap for many."
            )
        return float(a[0] @ b[0]) / self.num_neurons

    def __repr__(self):
        defaults = {k: v.default for k, v in _signature_defaults(type(self)).items()}
        shown = [f"num_neurons={self.num_neurons}"]
        for name, default in defaults.items():
            value = getattr(self, name, default)
            if isinstance(value, np.ndarray):  # e.g. an annealing schedule
                shown.append(f"{name}={value.tolist()!r}" if value.size <= 6 else f"{name}=<{value.size} values>")
            elif name != "num_neurons" and value is not default and value != default:
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


def _signature_defaults(cls):
    import inspect

    params = inspect.signature(cls.__init__).parameters
    return {k: v for k, v in params.items() if v.default is not inspect.Parameter.empty}
