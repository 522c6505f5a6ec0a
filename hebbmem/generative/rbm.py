r"""The restricted Boltzmann machine: binary units joined by an energy, with exact likelihoods for small models.

Train it with :class:`~hebbmem.ContrastiveDivergenceTrainer` (CD-k or
persistent CD). The model holds the parameters and answers questions about
its distribution: conditional probabilities, samples, the free energy, and,
when one layer has at most 20 units, the exact log-likelihood.
"""

import numbers

import numpy as np

from .._validation import check_int, check_real, check_seed
from ..io import fail, register, save
from ..random import generator
from ._checks import Parameter, as_units, binary_data, check_layer_sizes, enumeration_error
from ._math import MAX_ENUMERATED_UNITS, log_sum_exp, logistic, softplus, state_chunks

__all__ = ["RestrictedBoltzmannModel"]


@register
class RestrictedBoltzmannModel:
    r"""A restricted Boltzmann machine (RBM) with binary visible and hidden units (canns' API).

    The model gives every pair of a visible vector :math:`v \in \{0,1\}^V`
    and a hidden vector :math:`h \in \{0,1\}^H` an energy, and a probability
    that falls with it:

    .. math::

        E(v, h) = -h^\top W v - b^\top v - c^\top h, \qquad
        p(v, h) = \frac{e^{-E(v, h)/T}}{Z}, \qquad
        Z = \sum_{v, h} e^{-E(v, h)/T}

    where

    * :math:`W` (``W``, shape (num_hidden, num_visible)) holds the weights:
      row :math:`i` is the filter of hidden unit :math:`i`;
    * :math:`b` (``b``) is the visible bias and :math:`c` (``c``) the hidden
      bias;
    * :math:`T` is ``temperature`` and :math:`Z` the partition function.

    There are no connections within a layer, so each layer is independent
    given the other:

    .. math::

        p(h_i = 1 \mid v) = \sigma\big((W v + c)_i / T\big), \qquad
        p(v_j = 1 \mid h) = \sigma\big((W^\top h + b)_j / T\big)

    with :math:`\sigma(z) = 1/(1+e^{-z})`, and summing out :math:`h` gives
    the free energy :math:`F` of a visible vector,
    :math:`p(v) = e^{-F(v)/T}/Z`:

    .. math::

        F(v) = -b^\top v - T \sum_i \log\big(1 + e^{(W v + c)_i / T}\big).

    Parameters
    ----------
    num_visible : int
        Number :math:`V` of visible units (e.g. pixels).
    num_hidden : int
        Number :math:`H` of hidden units (features).
    temperature : float, default=1.0
        :math:`T`, between 1e-6 and 1e6. Training's step is the
        log-likelihood gradient times :math:`T` (exact at :math:`T = 1`).
    seed : None, int or numpy.random.Generator, default=None
        Seeds the model's generator, which draws the initial weights and
        every sample (training and :meth:`predict` included). None: drawn
        from hebbmem's default generator (see :mod:`hebbmem.random`).

    Attributes
    ----------
    W : ndarray of shape (num_hidden, num_visible), float64
        Starts at small random values, :math:`\mathcal N(0, 0.01^2)` (as
        scikit-learn's ``BernoulliRBM`` and Hinton's practical guide; canns
        starts at zero, which leaves every hidden unit identical forever).
    b : ndarray of shape (num_visible,), float64
        Starts at zero.
    c : ndarray of shape (num_hidden,), float64
        Starts at zero.
    v, h : ndarray
        The state after the last Gibbs step (zeros at first).
    rng : numpy.random.Generator

    References
    ----------
    Hinton, G. E. (2002). Training products of experts by minimizing
    contrastive divergence. *Neural Computation* 14(8), 1771-1800.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> model = hm.RestrictedBoltzmannModel(num_visible=4, num_hidden=2, seed=0)
    >>> model.W.shape, model.b.shape, model.c.shape
    ((2, 4), (4,), (2,))
    >>> model.W[:] = [[2, 2, -2, -2], [-2, -2, 2, 2]]
    >>> model.hidden_prob([1, 1, 0, 0]).round(3)
    array([0.982, 0.018])
    >>> round(float(np.exp(model.log_likelihood([1, 1, 0, 0]))), 3)  # p(v) exactly, over the 2**2 hidden states
    0.265
    """

    W = Parameter("num_hidden", "num_visible")
    b = Parameter("num_visible")
    c = Parameter("num_hidden")
    weight_attr = "W"
    predict_state_attr = "v"

    def __init__(self, num_visible, num_hidden, temperature=1.0, *, seed=None):
        owner = "RestrictedBoltzmannModel"
        self.num_visible = check_int(num_visible, "num_visible", owner, low=1)
        self.num_hidden = check_int(num_hidden, "num_hidden", owner, low=1)
        self.temperature = check_real(temperature, "temperature", owner, low=1e-6, high=1e6,
                                      fix="It divides every field: 1.0 is the ordinary RBM.")
        check_layer_sizes(self.num_visible, self.num_hidden, owner)
        self.seed = check_seed(seed, owner)
        self.rng = generator(self.seed, owner)
        self.W = self.rng.normal(0.0, 0.01, size=(self.num_hidden, self.num_visible))
        self.b = np.zeros(self.num_visible)
        self.c = np.zeros(self.num_hidden)
        self.init_state()

    def init_state(self):
        """Zero the state ``v`` and ``h``. The parameters are kept (canns creates them here, at zero)."""
        self.v = np.zeros(self.num_visible)
        self.h = np.zeros(self.num_hidden)

    @property
    def s(self):
        """The visible state ``v`` (the state saved with the model)."""
        return self.v

    def _units(self, data, n, what, layer):
        X, was_1d = as_units(data, n, what=what, owner=type(self).__name__, layer=layer)
        return X, was_1d

    def _visible(self, data, what="visible"):
        return self._units(data, self.num_visible, what, "num_visible")

    def _hidden(self, data, what="hidden"):
        return self._units(data, self.num_hidden, what, "num_hidden")

    # ------------------------------------------------------------ conditionals
    def hidden_prob(self, visible):
        r""":math:`p(h_i = 1 \mid v) = \sigma((W v + c)_i / T)` for one visible vector or each row of a batch."""
        X, was_1d = self._visible(visible)
        P = logistic((X @ self.W.T + self.c) / self.temperature)
        return P[0] if was_1d else P

    def visible_prob(self, hidden):
        r""":math:`p(v_j = 1 \mid h) = \sigma((W^\top h + b)_j / T)` for one hidden vector or each row of a batch."""
        Hs, was_1d = self._hidden(hidden)
        P = logistic((Hs @ self.W + self.b) / self.temperature)
        return P[0] if was_1d else P

    def sample_hidden(self, visible):
        """A binary hidden sample given ``visible`` (one, or one per row), drawn from the model's generator."""
        P = self.hidden_prob(visible)
        return (self.rng.random(P.shape) < P).astype(np.float64)

    def sample_visible(self, hidden):
        """A binary visible sample given ``hidden`` (one, or one per row), drawn from the model's generator."""
        P = self.visible_prob(hidden)
        return (self.rng.random(P.shape) < P).astype(np.float64)

    def gibbs_step(self, visible):
        """One step of Gibbs sampling: ``h`` from ``visible``, then a new ``v`` from ``h``.

        Returns
        -------
        (v_new, h) : tuple of ndarray
            As canns. They are also kept in ``model.v`` and ``model.h`` (the
            last row for a batch).
        """
        h = self.sample_hidden(visible)
        v_new = self.sample_visible(h)
        self.v, self.h = np.array(v_new[-1] if v_new.ndim == 2 else v_new), np.array(h[-1] if h.ndim == 2 else h)
        return v_new, h

    # ---------------------------------------------------------- probabilities
    def free_energy(self, visible):
        r"""The free energy :math:`F(v) = -b^\top v - T \sum_i \log(1 + e^{(W v + c)_i/T})`: a float, or one per row.

        Lower free energy means higher probability: :math:`p(v) \propto e^{-F(v)/T}`.
        """
        X, was_1d = self._visible(visible)
        T = self.temperature
        F = -(X @ self.b) - T * softplus((X @ self.W.T + self.c) / T).sum(axis=1)
        return float(F[0]) if was_1d else F

    @property
    def energy(self):
        """The free energy of the current visible state ``v`` (canns' ``model.energy``)."""
        return self.free_energy(self.v)

    def log_partition(self):
        r"""The exact :math:`\log Z`, summed over the :math:`2^n` states of the smaller layer (:math:`n \le 20`).

        Over the hidden states (when :math:`H \le V`):
        :math:`\log Z = \log \sum_h \exp\big(c^\top h / T + \sum_j \log(1 + e^{(W^\top h + b)_j/T})\big)`;
        over the visible states otherwise, with the roles swapped. The
        states are taken in chunks of about 16 MB and combined with a
        log-sum-exp, which never overflows.
        """
        V, H, T = self.num_visible, self.num_hidden, self.temperature
        if min(V, H) > MAX_ENUMERATED_UNITS:
            raise enumeration_error(type(self).__name__, "log_partition", min(V, H),
                                    f"its smaller layer (num_visible={V}, num_hidden={H})")
        parts = []
        if H <= V:
            for S in state_chunks(H, V):
                parts.append(log_sum_exp(S @ self.c / T + softplus((S @ self.W + self.b) / T).sum(axis=1)))
        else:
            for S in state_chunks(V, H):
                parts.append(log_sum_exp(S @ self.b / T + softplus((S @ self.W.T + self.c) / T).sum(axis=1)))
        return float(log_sum_exp(np.array(parts)))

    def log_likelihood(self, data):
        r"""The exact log-probability :math:`\log p(v) = -F(v)/T - \log Z` of binary data, in nats.

        Parameters
        ----------
        data : array-like of shape (num_visible,) or (n_samples, num_visible)
            Binary vectors (0/1).

        Returns
        -------
        float, or ndarray of shape (n_samples,)
            Average it for the log-likelihood per sample. Needs one layer
            with at most 20 units (see :meth:`log_partition`); a
            ``ValueError`` says so otherwise.
        """
        V, H = self.num_visible, self.num_hidden
        if min(V, H) > MAX_ENUMERATED_UNITS:
            raise enumeration_error(type(self).__name__, "log_likelihood", min(V, H),
                                    f"its smaller layer (num_visible={V}, num_hidden={H})")
        X, was_1d = binary_data(data, V, what="data", owner=type(self).__name__, layer="num_visible")
        out = -self.free_energy(X) / self.temperature - self.log_partition()
        return float(out[0]) if was_1d else out

    # ------------------------------------------------------------------ files
    def save(self, path):
        """Write the model (parameters, state, generator) to ``path``; ``hebbmem.load(path)`` reads it back."""
        save(self, path)

    def _save_parts(self, arrays):
        """File hook of :func:`hebbmem.io.save`: the constructor parameters, and W, b, c, h as arrays."""
        for name in ("W", "b", "c", "h"):
            arrays[name] = np.ascontiguousarray(getattr(self, name), dtype=np.float64)
        params = {"num_visible": self.num_visible, "num_hidden": self.num_hidden,
                  "temperature": self.temperature, "seed": self.seed if isinstance(self.seed, int) else None}
        return params, {}

    @classmethod
    def _load_parts(cls, params, header, archive, path):
        """File hook of :func:`hebbmem.load`: a model with the saved parameters, arrays and state."""
        if set(params) != {"num_visible", "num_hidden", "temperature", "seed"}:
            raise fail(path, f"unexpected model parameters {sorted(params)}.")
        try:  # a throw-away generator: loading draws nothing from hebbmem's or NumPy's global state
            seed = check_seed(params.pop("seed"), "RestrictedBoltzmannModel")
            model = cls(**params, seed=np.random.default_rng(0))
        except (TypeError, ValueError, MemoryError) as err:
            raise fail(path, f"its model parameters are invalid: {err}") from None
        model.seed = seed
        H, V = model.num_hidden, model.num_visible
        model.W = archive.get("W", (H, V), ("float64",))
        model.b = archive.get("b", (V,), ("float64",))
        model.c = archive.get("c", (H,), ("float64",))
        model.h = archive.get("h", (H,), ("float64",)).copy()
        model.v = archive.get("state", (V,), ("float64",)).copy()
        return model

    def __repr__(self):
        extra = "" if self.temperature == 1.0 else f", temperature={self.temperature:g}"
        if isinstance(self.seed, numbers.Integral):
            extra += f", seed={self.seed}"
        return f"RestrictedBoltzmannModel(num_visible={self.num_visible}, num_hidden={self.num_hidden}{extra})"
