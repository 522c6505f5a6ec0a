r"""Online plasticity rules: Oja, Sanger, BCM and STDP.

Unlike the one-shot rules of :mod:`hebbmem.hopfield.rules`, these learn one sample at
a time: every sample changes ``W`` a little, and the next sample sees the
changed ``W``. A rule is a small object that holds its parameters, states
its formula, and does **one** step in plain NumPy (:meth:`step`). The
trainers (:class:`~hebbmem.OjaTrainer`, :class:`~hebbmem.SangerTrainer`,
:class:`~hebbmem.BCMTrainer`, :class:`~hebbmem.STDPTrainer`) loop over the
samples, by default in a compiled Numba kernel that does the very same
arithmetic.

Conventions shared by every rule:

* ``W`` has shape ``(n_outputs, n_inputs)``; :math:`W_i` is row :math:`i`
  (the weights into output neuron :math:`i`), float64, updated in place.
* :math:`y = W x` is computed with the current ``W`` at every step.
* Sums run left to right in both the NumPy step and the kernel, so the two
  paths are **bit-identical** (tested to 0 ulp, and to 1e-12 relative at least).
"""

import numpy as np

from .._validation import check_bool, check_real
from .layers import _seq_dot

__all__ = ["PlasticityRule", "Oja", "Sanger", "BCM", "STDP"]


class PlasticityRule:
    """Base class of the online rules: parameters, a formula, and one NumPy step."""

    _defaults = {}

    def _params(self):
        return {k: getattr(self, k) for k in self._defaults}

    def __repr__(self):
        shown = [f"{k}={v!r}" for k, v in self._params().items() if v != self._defaults[k]]
        return f"{type(self).__name__}({', '.join(shown)})"

    def __eq__(self, other):
        return type(self) is type(other) and self._params() == other._params()

    __hash__ = None

    def _check_rate(self, learning_rate):
        return check_real(learning_rate, "learning_rate", type(self).__name__, low=0.0,
                          fix="A negative rate would make the rule unlearn; use a small positive value such as 0.01.")


def _normalize_rows(W):
    """Divide each row of W with a non-zero norm by its norm (in place), summing left to right."""
    norms = np.sqrt(np.cumsum(W * W, axis=1)[:, -1])
    W /= np.where(norms > 0.0, norms, 1.0)[:, None]


class Oja(PlasticityRule):
    r"""Oja's rule: a Hebbian neuron that normalises itself and finds the first principal component.

    .. math::

        \Delta W_i = \eta\, y_i\,(x - y_i W_i), \qquad y = W x

    that is :math:`\Delta W = \eta\,(y x^T - \operatorname{diag}(y^2) W)`,
    where

    * :math:`x` is the input sample and :math:`W_i` the weights of output neuron :math:`i`;
    * :math:`\eta` is ``learning_rate``;
    * the term :math:`-\eta y_i^2 W_i` keeps :math:`\|W_i\|` near 1 without
      any explicit normalisation; ``normalize_weights=True`` (canns'
      default) also divides each row by its norm after every step.

    For zero-mean data with covariance :math:`C` and a small :math:`\eta`,
    :math:`W_i` converges to the unit eigenvector of the largest eigenvalue
    :math:`\lambda_1` (the first principal component). Every neuron obeys the
    same equation independently, so *all* neurons go to that same direction:
    use :class:`Sanger` for several components.

    Parameters
    ----------
    learning_rate : float, default=0.01
    normalize_weights : bool, default=True

    References
    ----------
    E. Oja, "Simplified neuron model as a principal component analyzer",
    J. Math. Biology 15 (1982) 267-273.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> W = np.array([[0.6, 0.8]])
    >>> hm.Oja(learning_rate=0.5, normalize_weights=False).step(W, np.array([1.0, 0.0]))
    array([0.6])
    >>> W  # 0.6 + 0.5 * 0.6 * (1 - 0.6 * 0.6) and 0.8 + 0.5 * 0.6 * (0 - 0.6 * 0.8)
    array([[0.792, 0.656]])
    """

    _defaults = {"learning_rate": 0.01, "normalize_weights": True}

    def __init__(self, learning_rate=0.01, normalize_weights=True):
        self.learning_rate = self._check_rate(learning_rate)
        self.normalize_weights = check_bool(normalize_weights, "normalize_weights", type(self).__name__)

    def step(self, W, x):
        """Apply the rule for one sample ``x`` to ``W`` (in place); return ``y = W x`` (before the update)."""
        y = _seq_dot(W, x)
        W += (self.learning_rate * y)[:, None] * (x - y[:, None] * W)
        if self.normalize_weights:
            _normalize_rows(W)
        return y


class Sanger(Oja):
    r"""Sanger's rule (the generalised Hebbian algorithm): the top principal components, in order.

    .. math::

        \Delta W_i = \eta\, y_i \Big(x - \sum_{k \le i} y_k W_k\Big), \qquad y = W x

    that is :math:`\Delta W = \eta\,(y x^T - \operatorname{tril}(y y^T) W)`,
    where :math:`\eta` is ``learning_rate`` and :math:`\operatorname{tril}`
    keeps the lower triangle with the diagonal. Neuron 1 follows Oja's rule;
    neuron :math:`i` sees the input minus what neurons :math:`1..i-1` already
    explain (a Gram-Schmidt step), so it converges to the :math:`i`-th
    principal component. The sum is a running sum over the rows, so a step
    costs :math:`O(mn)`, not :math:`O(m^2 n)`.

    Parameters
    ----------
    learning_rate : float, default=0.01
    normalize_weights : bool, default=True
        Divide each row by its norm after every step (canns' default).

    References
    ----------
    T. D. Sanger, "Optimal unsupervised learning in a single-layer linear
    feedforward neural network", Neural Networks 2 (1989) 459-473.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> W = np.array([[1.0, 0.0], [1.0, 0.0]])  # two neurons on the same direction
    >>> _ = hm.Sanger(learning_rate=0.5, normalize_weights=False).step(W, np.array([1.0, 1.0]))
    >>> W  # neuron 2 learns only what neuron 1 leaves unexplained: x - y1 W1 - y2 W2 = (-1, 1)
    array([[1. , 0.5],
           [0.5, 0.5]])
    """

    def step(self, W, x):
        """Apply the rule for one sample ``x`` to ``W`` (in place); return ``y = W x`` (before the update)."""
        y = _seq_dot(W, x)
        explained = np.cumsum(y[:, None] * W, axis=0)  # row i: sum_{k <= i} y_k W_k
        W += (self.learning_rate * y)[:, None] * (x - explained)
        if self.normalize_weights:
            _normalize_rows(W)
        return y


class BCM(PlasticityRule):
    r"""The Bienenstock-Cooper-Munro rule: Hebbian learning with a sliding threshold.

    .. math::

        \Delta W_{ij} = \eta\, \phi_i\, x_j, \quad \phi_i = y_i (y_i - \theta_i),
        \qquad W_{ij} \leftarrow \operatorname{clip}(W_{ij}, -b, b), \qquad
        \theta_i \leftarrow \theta_i + \frac{y_i^2 - \theta_i}{\tau}

    where

    * :math:`y = W x` (computed before the update; :math:`\theta` is updated
      after :math:`W`, from the same :math:`y`);
    * :math:`\eta` is ``learning_rate`` and :math:`b` is ``weight_bound``
      (canns 1.5.0 hard-codes 10);
    * :math:`\theta_i` is the neuron's modification threshold, a running
      average of :math:`y_i^2` over about :math:`\tau` samples
      (``LinearLayer.threshold_tau``).

    Above the threshold a synapse that helped the neuron fire is strengthened
    (LTP), below it weakened (LTD). Because :math:`\theta` grows with the
    neuron's own activity, strong responses become rarer, and the neuron ends
    up responding strongly to few stimuli: it becomes *selective*.

    Parameters
    ----------
    learning_rate : float, default=0.01
    weight_bound : float, default=10.0
        The weights are clipped to :math:`[-b, b]` after every step.

    References
    ----------
    E. L. Bienenstock, L. N. Cooper, P. W. Munro, "Theory for the development
    of neuron selectivity", J. Neuroscience 2 (1982) 32-48.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> W, theta = np.array([[1.0, 0.0]]), np.array([0.5])
    >>> hm.BCM(learning_rate=0.1).step(W, theta, np.array([2.0, 1.0]), tau=2.0)
    array([2.])
    >>> W, theta  # phi = 2 (2 - 0.5) = 3; theta = 0.5 + (4 - 0.5) / 2
    (array([[1.6, 0.3]]), array([2.25]))
    """

    _defaults = {"learning_rate": 0.01, "weight_bound": 10.0}

    def __init__(self, learning_rate=0.01, weight_bound=10.0):
        self.learning_rate = self._check_rate(learning_rate)
        self.weight_bound = check_real(weight_bound, "weight_bound", "BCM", low=0.0, low_open=True,
                                       fix="Weights are clipped to [-weight_bound, weight_bound].")

    def step(self, W, theta, x, tau):
        """One sample: update ``W`` and ``theta`` in place; return ``y = W x`` (before the update)."""
        y = _seq_dot(W, x)
        phi = y * (y - theta)
        W += self.learning_rate * np.outer(phi, x)
        np.clip(W, -self.weight_bound, self.weight_bound, out=W)
        theta[:] = theta + (y * y - theta) / tau
        return y


class STDP(PlasticityRule):
    r"""Spike-timing-dependent plasticity with spike traces (pair-based, all-to-all).

    After each step of a :class:`~hebbmem.SpikingLayer` (which updates the
    traces :math:`a^{\mathrm{pre}}, a^{\mathrm{post}}` and the spikes
    :math:`s`):

    .. math::

        \Delta W_{ij} = \eta\,\big(A_+\, s_i\, a^{\mathrm{pre}}_j
                                - A_-\, a^{\mathrm{post}}_i\, x_j\big),
        \qquad W_{ij} \leftarrow \operatorname{clip}(W_{ij}, w_{\min}, w_{\max})

    where

    * :math:`\eta` is ``learning_rate``, :math:`A_+` is ``A_plus`` (LTP) and
      :math:`A_-` is ``A_minus`` (LTD);
    * :math:`x_j` is the input at this step (a pre-synaptic spike) and
      :math:`s_i` the output spike;
    * the traces decay by :math:`d` (``trace_decay``) per step and already
      include this step's spikes.

    For one pre spike and one post spike :math:`\Delta t = t_{\mathrm{post}} -
    t_{\mathrm{pre}}` steps apart this is the exponential STDP window
    (:meth:`window`): :math:`+\eta A_+ d^{\Delta t}` for pre before post
    (LTP), :math:`-\eta A_- d^{|\Delta t|}` for post before pre (LTD), and
    :math:`\eta (A_+ - A_-)` for simultaneous spikes.

    Parameters
    ----------
    learning_rate : float, default=0.01
    A_plus : float, default=0.005
    A_minus : float, default=0.00525
    w_min, w_max : float, default=0.0, 1.0
        Bounds of the weights (``w_min <= w_max``).

    References
    ----------
    G. Bi, M. Poo, J. Neuroscience 18 (1998) 10464-10472; A. Morrison,
    M. Diesmann, W. Gerstner, Biol. Cybern. 98 (2008) 459-478.

    Examples
    --------
    >>> import hebbmem as hm
    >>> rule = hm.STDP(learning_rate=1.0, A_plus=0.5, A_minus=0.25)
    >>> rule.window([-2, -1, 0, 1, 2], trace_decay=0.5)
    array([-0.0625, -0.125 ,  0.25  ,  0.25  ,  0.125 ])
    """

    _defaults = {"learning_rate": 0.01, "A_plus": 0.005, "A_minus": 0.00525, "w_min": 0.0, "w_max": 1.0}

    def __init__(self, learning_rate=0.01, A_plus=0.005, A_minus=0.00525, w_min=0.0, w_max=1.0):
        owner = "STDP"
        self.learning_rate = self._check_rate(learning_rate)
        self.A_plus = check_real(A_plus, "A_plus", owner, low=0.0, fix="It is the size of LTP (canns: 0.005).")
        self.A_minus = check_real(A_minus, "A_minus", owner, low=0.0, fix="It is the size of LTD (canns: 0.00525).")
        self.w_min = check_real(w_min, "w_min", owner)
        self.w_max = check_real(w_max, "w_max", owner)
        if self.w_min > self.w_max:
            raise ValueError(f"STDP needs w_min <= w_max; got w_min={self.w_min} > w_max={self.w_max}. "
                             "Swap them (the default range is [0, 1]).")

    def step(self, layer, x):
        """Advance ``layer`` one step with input ``x`` and apply the rule to ``layer.W`` (in place).

        Returns the output spikes of this step.
        """
        layer._step(x)
        s, a_pre, a_post = layer.spike, layer.trace_pre, layer.trace_post
        W = layer.W
        W += self.learning_rate * (self.A_plus * np.outer(s, a_pre) - self.A_minus * np.outer(a_post, x))
        np.clip(W, self.w_min, self.w_max, out=W)
        return s

    def window(self, dt, trace_decay=0.95):
        r"""The weight change of one pre/post spike pair :math:`\Delta t = t_{post} - t_{pre}` steps apart.

        Parameters
        ----------
        dt : int or array-like of int
        trace_decay : float, default=0.95
            The layer's ``trace_decay`` :math:`d`.

        Returns
        -------
        dw : float or ndarray
            :math:`\eta A_+ d^{\Delta t}` for :math:`\Delta t > 0`,
            :math:`-\eta A_- d^{-\Delta t}` for :math:`\Delta t < 0`, and
            :math:`\eta (A_+ - A_-)` at 0 (ignoring the clipping).
        """
        dt = np.asarray(dt)
        d = check_real(trace_decay, "trace_decay", "STDP.window", low=0.0, high=1.0)
        decay = d ** np.abs(dt).astype(np.float64)
        dw = np.where(dt > 0, self.A_plus * decay, np.where(dt < 0, -self.A_minus * decay,
                                                              self.A_plus - self.A_minus))
        return self.learning_rate * dw
