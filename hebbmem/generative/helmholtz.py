r"""The Helmholtz machine: a generative network that dreams data top-down, a recognition network that explains it.

Train it with :class:`~hebbmem.WakeSleepTrainer`. For small models (at most
20 hidden units) the model measures itself exactly: the log-likelihood of
data, and the variational free energy that wake-sleep learning lowers.
"""

import numbers

import numpy as np

from .._validation import check_int, check_seed
from ..io import fail, register, save
from ..random import generator
from ._checks import Parameter, as_units, binary_data, check_layer_sizes, enumeration_error
from ._math import MAX_ENUMERATED_UNITS, log_sum_exp, logistic, softplus, state_chunks

__all__ = ["HelmholtzMachine"]

_ARRAYS = ("W_rec", "b_rec", "W_gen", "b_gen", "b_prior", "h")


@register
class HelmholtzMachine:
    r"""A Helmholtz machine with one layer of binary hidden units (canns' API, with a learned prior).

    Two networks share the units. The **generative** network (top-down)
    draws hidden causes from a prior, then data from the causes:

    .. math::

        p(h_j = 1) = \sigma(a_j), \qquad
        p(v_i = 1 \mid h) = \sigma\big((W_{\mathrm{gen}}\, h + b_{\mathrm{gen}})_i\big)

    The **recognition** network (bottom-up) guesses the causes of data:

    .. math::

        q(h_j = 1 \mid v) = \sigma\big((W_{\mathrm{rec}}\, v + b_{\mathrm{rec}})_j\big)

    where

    * :math:`W_{\mathrm{gen}}` (``W_gen``, shape (num_visible, num_hidden))
      and :math:`b_{\mathrm{gen}}` (``b_gen``) are the generative weights and
      biases; column :math:`j` of ``W_gen`` is what hidden unit :math:`j`
      draws;
    * :math:`a` (``b_prior``) holds the prior's logits, learned too (canns'
      prior is fixed at :math:`\tfrac12`, i.e. :math:`a = 0`);
    * :math:`W_{\mathrm{rec}}` (``W_rec``, shape (num_hidden, num_visible))
      and :math:`b_{\mathrm{rec}}` (``b_rec``) are the recognition weights and
      biases;
    * :math:`\sigma(z) = 1/(1+e^{-z})`.

    How well the pair fits data :math:`v` is measured by the variational free
    energy (in nats), an upper bound on :math:`-\log p(v)`:

    .. math::

        F(v) = \sum_h q(h \mid v) \big[\log q(h \mid v) - \log p(h) - \log p(v \mid h)\big]
             = -\log p(v) + \mathrm{KL}\big(q(\cdot \mid v) \,\|\, p(\cdot \mid v)\big) \ge -\log p(v).

    Parameters
    ----------
    num_visible : int
        Number of visible units.
    num_hidden : int
        Number of hidden units (causes).
    seed : None, int or numpy.random.Generator, default=None
        Seeds the model's generator, which draws the initial weights and
        every sample (training included). None: drawn from hebbmem's default
        generator (see :mod:`hebbmem.random`).

    Attributes
    ----------
    W_rec, b_rec, W_gen, b_gen, b_prior : ndarray, float64
        Weights start at small random values, :math:`\mathcal N(0, 0.01^2)`
        (canns starts at zero); biases and prior logits at zero.
    v, h : ndarray
        The last input of :meth:`forward` and its hidden probabilities.
    rng : numpy.random.Generator

    References
    ----------
    Hinton, G. E., Dayan, P., Frey, B. J., and Neal, R. M. (1995). The
    "wake-sleep" algorithm for unsupervised neural networks. *Science*
    268(5214), 1158-1161.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> model = hm.HelmholtzMachine(num_visible=6, num_hidden=3, seed=0)
    >>> model.W_rec.shape, model.W_gen.shape, model.b_prior.shape
    ((3, 6), (6, 3), (3,))
    >>> model.recognize(np.ones(6), stochastic=False).round(2)  # near 1/2 before training
    array([0.5 , 0.5 , 0.49])
    >>> x = np.array([[1, 1, 1, 0, 0, 0]])
    >>> bool(model.variational_free_energy(x)[0] >= -model.log_likelihood(x)[0])  # F(v) >= -log p(v)
    True
    """

    W_rec = Parameter("num_hidden", "num_visible")
    b_rec = Parameter("num_hidden")
    W_gen = Parameter("num_visible", "num_hidden")
    b_gen = Parameter("num_visible")
    b_prior = Parameter("num_hidden")
    weight_attr = "W_rec"
    predict_state_attr = "v"

    def __init__(self, num_visible, num_hidden, *, seed=None):
        owner = "HelmholtzMachine"
        self.num_visible = check_int(num_visible, "num_visible", owner, low=1)
        self.num_hidden = check_int(num_hidden, "num_hidden", owner, low=1)
        check_layer_sizes(self.num_visible, self.num_hidden, owner, n_matrices=2)
        self.seed = check_seed(seed, owner)
        self.rng = generator(self.seed, owner)
        H, V = self.num_hidden, self.num_visible
        self.W_rec = self.rng.normal(0.0, 0.01, size=(H, V))
        self.W_gen = self.rng.normal(0.0, 0.01, size=(V, H))
        self.b_rec = np.zeros(H)
        self.b_gen = np.zeros(V)
        self.b_prior = np.zeros(H)
        self.init_state()

    def init_state(self):
        """Zero the state ``v`` and ``h``. The parameters are kept (canns creates them here, at zero)."""
        self.v = np.zeros(self.num_visible)
        self.h = np.zeros(self.num_hidden)

    @property
    def s(self):
        """The visible state ``v`` (the state saved with the model)."""
        return self.v

    def _units(self, data, n, layer, what):
        return as_units(data, n, what=what, owner="HelmholtzMachine", layer=layer)

    def _bernoulli(self, P, stochastic):
        if not isinstance(stochastic, (bool, np.bool_)):
            raise TypeError(f"The 'stochastic' parameter must be True (binary samples) or False (probabilities). "
                            f"Got {stochastic!r} instead.")
        return (self.rng.random(P.shape) < P).astype(np.float64) if stochastic else P

    # ---------------------------------------------------------------- the two networks
    def recognize(self, visible, stochastic=True):
        r"""Hidden causes of ``visible``: samples of :math:`q(h \mid v)`, or its probabilities if not ``stochastic``.

        ``visible`` is one vector or a batch (one row each); the result has
        the same number of dimensions.
        """
        X, was_1d = self._units(visible, self.num_visible, "num_visible", "visible")
        out = self._bernoulli(logistic(X @ self.W_rec.T + self.b_rec), stochastic)
        return out[0] if was_1d else out

    def generate(self, hidden, stochastic=True):
        r"""Data from causes ``hidden``: samples of :math:`p(v \mid h)`, or its probabilities if not ``stochastic``."""
        Hs, was_1d = self._units(hidden, self.num_hidden, "num_hidden", "hidden")
        out = self._bernoulli(logistic(Hs @ self.W_gen.T + self.b_gen), stochastic)
        return out[0] if was_1d else out

    def sample_from_prior(self, n_samples=None):
        r"""Hidden causes drawn from the prior :math:`p(h_j = 1) = \sigma(a_j)`: one vector, or ``n_samples`` rows."""
        shape = (self.num_hidden,) if n_samples is None else (
            check_int(n_samples, "n_samples", "HelmholtzMachine.sample_from_prior", low=1), self.num_hidden)
        return (self.rng.random(shape) < logistic(self.b_prior)).astype(np.float64)

    def sample(self, n_samples=None, stochastic=True):
        """Dreams: causes from the prior, then data from them (samples, or probabilities if not ``stochastic``)."""
        return self.generate(self.sample_from_prior(n_samples), stochastic=stochastic)

    def forward(self, visible):
        """Recognise, then generate, with probabilities: the reconstruction of ``visible`` (canns' ``forward``).

        Keeps ``visible`` in ``model.v`` and its hidden probabilities in
        ``model.h`` (the last row for a batch).
        """
        X, was_1d = self._units(visible, self.num_visible, "num_visible", "visible")
        Hp = logistic(X @ self.W_rec.T + self.b_rec)
        self.v, self.h = X[-1].copy(), Hp[-1].copy()
        out = logistic(Hp @ self.W_gen.T + self.b_gen)
        return out[0] if was_1d else out

    @property
    def energy(self):
        """The mean squared reconstruction error of the current ``v`` (canns' ``model.energy``)."""
        v = self.v.copy()
        return float(np.mean((v - self.forward(v)) ** 2))

    # ---------------------------------------------------------------- measurements
    def _log_joint_chunks(self, X, what):
        """Yield, per chunk of hidden states S, (S, log p(S) (m,), log p(X | S) (n, m))."""
        V, H = self.num_visible, self.num_hidden
        if H > MAX_ENUMERATED_UNITS:
            raise enumeration_error("HelmholtzMachine", what, H, f"its hidden layer (num_hidden={H})")
        log_prior_norm = softplus(self.b_prior).sum()
        for S in state_chunks(H, V + len(X)):
            A = S @ self.W_gen.T + self.b_gen  # generative logits, one row per state
            log_p_h = S @ self.b_prior - log_prior_norm
            log_p_v_given_h = X @ A.T - softplus(A).sum(axis=1)[None, :]
            yield S, log_p_h, log_p_v_given_h

    def log_likelihood(self, data):
        r"""The exact :math:`\log p(v) = \log \sum_h p(h)\, p(v \mid h)` of binary data, in nats (at most 20 hidden).

        Returns a float for one vector, one value per row for a batch.
        """
        X, was_1d = binary_data(data, self.num_visible, what="data", owner="HelmholtzMachine", layer="num_visible")
        parts = [log_sum_exp(log_p_h[None, :] + log_p_v, axis=1)
                 for _, log_p_h, log_p_v in self._log_joint_chunks(X, "log_likelihood")]
        out = log_sum_exp(np.array(parts), axis=0)
        return float(out[0]) if was_1d else out

    def variational_free_energy(self, data, n_samples=None):
        r"""The variational free energy :math:`F(v) \ge -\log p(v)` of binary data, in nats (see the class docstring).

        Parameters
        ----------
        data : array-like of shape (num_visible,) or (n, num_visible)
            Binary vectors.
        n_samples : int or None, default=None
            None: exact, summing over the :math:`2^H` hidden states (at most
            20 hidden units). An int: a Monte Carlo estimate from that many
            samples of :math:`q(h \mid v)` per vector (drawn from the model's
            generator), for larger models.

        Returns
        -------
        float, or ndarray of shape (n,)
            Its average over data falls as wake-sleep learns.
        """
        X, was_1d = binary_data(data, self.num_visible, what="data", owner="HelmholtzMachine", layer="num_visible")
        R = X @ self.W_rec.T + self.b_rec  # recognition logits
        Q = logistic(R)
        log_q_norm = softplus(R).sum(axis=1)
        if n_samples is None:
            expected_log_q = (Q * R).sum(axis=1) - log_q_norm  # minus the entropy of q
            expected_log_prior = Q @ self.b_prior - softplus(self.b_prior).sum()
            expected_log_lik = np.zeros(len(X))
            for S, _, log_p_v in self._log_joint_chunks(X, "variational_free_energy"):
                q = np.exp(R @ S.T - log_q_norm[:, None])  # q(S | x), one row per x
                expected_log_lik += (q * log_p_v).sum(axis=1)
            F = expected_log_q - expected_log_prior - expected_log_lik
        else:
            n_samples = check_int(n_samples, "n_samples", "HelmholtzMachine.variational_free_energy", low=1)
            F = np.zeros(len(X))
            for _ in range(n_samples):
                S = (self.rng.random(Q.shape) < Q).astype(np.float64)
                A = S @ self.W_gen.T + self.b_gen
                log_q = (S * R).sum(axis=1) - log_q_norm
                log_p_h = S @ self.b_prior - softplus(self.b_prior).sum()
                log_p_v = (X * A).sum(axis=1) - softplus(A).sum(axis=1)
                F += (log_q - log_p_h - log_p_v) / n_samples
        return float(F[0]) if was_1d else F

    # ------------------------------------------------------------------ files
    def save(self, path):
        """Write the model (parameters, state, generator) to ``path``; ``hebbmem.load(path)`` reads it back."""
        save(self, path)

    def _save_parts(self, arrays):
        """File hook of :func:`hebbmem.io.save`: the constructor parameters, and the five parameter arrays and h."""
        for name in _ARRAYS:
            arrays[name] = np.ascontiguousarray(getattr(self, name), dtype=np.float64)
        params = {"num_visible": self.num_visible, "num_hidden": self.num_hidden,
                  "seed": self.seed if isinstance(self.seed, int) else None}
        return params, {}

    @classmethod
    def _load_parts(cls, params, header, archive, path):
        """File hook of :func:`hebbmem.load`: a model with the saved parameters, arrays and state."""
        if set(params) != {"num_visible", "num_hidden", "seed"}:
            raise fail(path, f"unexpected model parameters {sorted(params)}.")
        try:  # a throw-away generator: loading draws nothing from hebbmem's or NumPy's global state
            seed = check_seed(params.pop("seed"), "HelmholtzMachine")
            model = cls(**params, seed=np.random.default_rng(0))
        except (TypeError, ValueError, MemoryError) as err:
            raise fail(path, f"its model parameters are invalid: {err}") from None
        model.seed = seed
        H, V = model.num_hidden, model.num_visible
        shapes = {"W_rec": (H, V), "b_rec": (H,), "W_gen": (V, H), "b_gen": (V,), "b_prior": (H,), "h": (H,)}
        for name in _ARRAYS:
            setattr(model, name, archive.get(name, shapes[name], ("float64",)).copy())
        model.v = archive.get("state", (V,), ("float64",)).copy()
        return model

    def __repr__(self):
        extra = f", seed={self.seed}" if isinstance(self.seed, numbers.Integral) else ""
        return f"HelmholtzMachine(num_visible={self.num_visible}, num_hidden={self.num_hidden}{extra})"
