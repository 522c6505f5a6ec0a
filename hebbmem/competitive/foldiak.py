r"""Földiák's sparse-coding network: Hebbian feed-forward weights, anti-Hebbian lateral weights, adaptive thresholds.

P. Földiák, "Forming sparse representations by local anti-Hebbian
learning", Biol. Cybern. 64 (1990) 165-170. A layer of units receives an
input :math:`x` through feed-forward weights :math:`Q` and inhibits itself
through lateral weights :math:`W \le 0`. Three local rules shape it:

* Hebbian feed-forward learning moves each unit's weights towards the inputs
  it fires for, so units become feature detectors;
* anti-Hebbian lateral learning makes units that fire together inhibit each
  other, until every pair fires together only by chance (:math:`p^2`): the
  outputs are **decorrelated**;
* an adaptive threshold holds each unit's firing rate at the target
  :math:`p`: the code is **sparse**.

On the bars problem (:func:`~hebbmem.competitive.bars`) the units end up coding one bar each.

This module holds the model (:class:`FoldiakLayer`, with the recurrent
dynamics in NumPy) and the rule (:class:`Foldiak`, one learning step in
NumPy); :class:`~hebbmem.FoldiakTrainer` runs the sample loop, by default in
the room's Numba kernels, bit for bit the same.
"""

import math
import numbers
import warnings

import numpy as np

from .._validation import as_pattern_matrix, check_int, check_real, check_seed
from ..exceptions import ConvergenceWarning
from ..io import fail, register, save
from ..random import generator

__all__ = ["FoldiakLayer", "Foldiak"]

_KERNELS = []


def _kernels_module():
    """hebbmem.competitive._kernels, imported on first use (``import hebbmem`` does not load Numba)."""
    if not _KERNELS:
        from . import _kernels

        _KERNELS.append(_kernels)
    return _KERNELS[0]


def _logistic(a):
    """1 / (1 + exp(-a)) with the C library's exp (as the kernels), never overflowing."""
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _row_sums(M, v):
    """``M @ v`` summed left to right (``np.cumsum``), the summation order of the kernels."""
    return np.cumsum(M * v, axis=-1)[..., -1]


def as_inputs(data, n_inputs, *, what, owner, allow_1d=True):
    """Input vectors as a float64 array of shape (n, n_inputs), and whether one 1-D vector was given."""
    try:
        kind = np.asarray(data).dtype.kind
    except (TypeError, ValueError):
        kind = "f"  # ragged lists and the like: as_pattern_matrix says what is wrong
    if kind not in "fiub":
        raise TypeError(f"{what} must hold numbers (e.g. 0/1 pixels, or any real values); got values of "
                        f"dtype {np.asarray(data).dtype}. Convert them with np.asarray(data, dtype=float).")
    X, was_1d = as_pattern_matrix(data, what=what, bipolar=False, allow_1d=allow_1d, copy=False)
    if X.shape[1] != n_inputs:
        fix = (f" {owner} has input_size={n_inputs}: build it with input_size={X.shape[1]}, "
               f"or give vectors of length {n_inputs}.")
        if X.size == n_inputs:
            fix = f" It looks like one 2-D image: flatten it with x.reshape(-1) (length {n_inputs})."
        raise ValueError(f"{what} must have {n_inputs} values per vector; got shape {np.shape(data)}.{fix}")
    return np.ascontiguousarray(X, dtype=np.float64), was_1d


@register
class FoldiakLayer:
    r"""A layer of Földiák units: feed-forward input, lateral inhibition, adaptive thresholds, 0/1 outputs.

    For an input :math:`x`, the analog state :math:`y^*` follows the
    recurrent dynamics of the paper from :math:`y^* = 0`, and the output is
    :math:`y^*` rounded to 0 or 1:

    .. math::

        \frac{dy^*_i}{d\tau} = f\Big(\sum_j Q_{ij} x_j + \sum_{k} W_{ik}\, y^*_k - t_i\Big) - y^*_i,
        \qquad f(u) = \frac{1}{1 + e^{-\lambda u}}, \qquad y_i = [\, y^*_i > 1/2 \,]

    where

    * :math:`Q` (``Q``, shape (output_size, input_size)) holds the
      feed-forward weights, row :math:`i` into unit :math:`i`;
    * :math:`W` (``W``, shape (output_size, output_size)) holds the lateral
      weights, :math:`W_{ii} = 0` and :math:`W_{ik} \le 0` (inhibition);
    * :math:`t` (``t``) holds the thresholds and :math:`\lambda` is ``steepness``;
    * :math:`\tau` is time in units of the units' time constant.

    **Integration.** Forward Euler with step :math:`h` = ``dt``:
    :math:`y^* \leftarrow y^* + h\,(f(u) - y^*)`, stopping at equilibrium,
    when :math:`\max_i |f(u_i) - y^*_i| \le` ``tol`` (every
    :math:`|dy^*_i/d\tau|` is that small), or after ``max_steps`` steps
    (then a :class:`~hebbmem.ConvergenceWarning`). The paper integrates
    "to equilibrium" without naming a scheme. Measured on the bars problem
    (6 seeds, 54,000 inputs, during and after training) with the defaults
    :math:`h = 0.1`, ``tol=1e-4``: 87 steps on average, at most 1,102 (an
    input passing close to a saddle), and the rounded outputs agree with an
    integration at :math:`h = 0.005` to ``tol=1e-9`` on all but about 1 in
    1,000 inputs (those on the boundary between two equilibria). Euler's
    fixed points are those of the ODE for every :math:`h`, but a larger step
    can oscillate around them: :math:`h = 0.2` did on 0.1-0.4 % of the
    training inputs.

    Parameters
    ----------
    input_size : int
        Length of the input vectors.
    output_size : int
        Number of units.
    sparsity : float, default=0.125
        The target firing rate :math:`p` in (0, 1) that the thresholds
        hold each unit at (the paper's bars problem: 1/8). Used by
        :class:`~hebbmem.FoldiakTrainer`.
    steepness : float, default=10.0
        :math:`\lambda` of the logistic function (the paper: 10).
    dt : float, default=0.1
        The Euler step :math:`h`, in (0, 1] (smaller is more accurate and slower).
    tol : float, default=1e-4
        Equilibrium criterion on :math:`\max_i |f(u_i) - y^*_i|`; 0 takes
        exactly ``max_steps`` steps every time (and never warns).
    max_steps : int, default=10000
        Cap on the Euler steps per input (the dynamics then ran for
        ``max_steps * dt`` time constants).
    seed : int, numpy.random.Generator or None, default=None
        Seed of the initial feed-forward weights; None: drawn from hebbmem's
        default generator (see :mod:`hebbmem.random`).

    Attributes
    ----------
    Q : ndarray of shape (output_size, input_size), float64
        Feed-forward weights, drawn uniformly from [0, 1): the range the
        Hebbian rule keeps them in for inputs in [0, 1].
    W : ndarray of shape (output_size, output_size), float64
        Lateral weights, zero at the start.
    t : ndarray of shape (output_size,), float64
        Thresholds, zero at the start.
    x, y, y_star : ndarray
        The last input, its 0/1 output and the analog state it settled to.
    steps : int
        Euler steps the last input took to settle.
    residual : float
        :math:`\max_i |dy^*_i/d\tau|` where the last input's dynamics stopped
        (at most ``tol``, unless ``max_steps`` was reached).

    References
    ----------
    P. Földiák, Biol. Cybern. 64 (1990) 165-170.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> layer = hm.FoldiakLayer(2, 2, seed=0)
    >>> layer.Q = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> layer.t = np.array([0.5, 0.6])
    >>> layer.forward([1.0, 1.0])  # both units are driven above threshold
    array([1., 1.])
    >>> layer.W = np.array([[0.0, -2.0], [-2.0, 0.0]])   # mutual inhibition
    >>> layer.forward([1.0, 1.0])  # the one driven harder silences the other
    array([1., 0.])
    >>> layer.steps  # Euler steps to equilibrium (dt=0.1: 9.4 time constants)
    94
    """

    def __init__(self, input_size, output_size, sparsity=0.125, *, steepness=10.0, dt=0.1, tol=1e-4,
                 max_steps=10000, seed=None):
        owner = "FoldiakLayer"
        self.input_size = check_int(input_size, "input_size", owner, low=1)
        self.output_size = check_int(output_size, "output_size", owner, low=1)
        self.sparsity = check_real(sparsity, "sparsity", owner, low=0.0, low_open=True, high=1.0,
                                   fix="It is each unit's target firing rate p, e.g. 1/8.")
        if self.sparsity == 1.0:
            raise ValueError("The 'sparsity' parameter of FoldiakLayer must be < 1 (a unit that always fires "
                             "codes nothing). Got 1.0 instead.")
        self.steepness = check_real(steepness, "steepness", owner, low=0.0, low_open=True,
                                    fix="It is the slope lambda of the logistic function (the paper: 10).")
        self.dt = check_real(dt, "dt", owner, low=0.0, low_open=True, high=1.0,
                             fix="It is the Euler step in time constants; above 1 the state overshoots.")
        self.tol = check_real(tol, "tol", owner, low=0.0, fix="Use 0 to always take max_steps steps.")
        self.max_steps = check_int(max_steps, "max_steps", owner, low=1)
        self.seed = check_seed(seed, owner)
        self.rng = generator(self.seed, owner)
        self.Q = self.rng.random((self.output_size, self.input_size))
        self.W = np.zeros((self.output_size, self.output_size))
        self.t = np.zeros(self.output_size)
        self.reset_state()

    def reset_state(self):
        """Zero the last input, output and analog state (the weights and thresholds are kept)."""
        self.x = np.zeros(self.input_size)
        self.y = np.zeros(self.output_size)
        self.y_star = np.zeros(self.output_size)
        self.steps = 0
        self.residual = 0.0

    init_state = reset_state

    @property
    def s(self):
        """The current output ``y`` (the state a model file keeps)."""
        return self.y

    @s.setter
    def s(self, value):
        self.y = value

    # ------------------------------------------------------------- parameters
    def _parameters(self):
        """Q, W and t as float64 C-contiguous arrays of the right shapes (converted on the model), checked."""
        n, m = self.output_size, self.input_size
        shapes = {"Q": (n, m), "W": (n, n), "t": (n,)}
        out = []
        for name, shape in shapes.items():
            value = getattr(self, name)
            arr = np.asarray(value)
            if arr.shape != shape or arr.dtype.kind not in "fiu":
                raise ValueError(f"FoldiakLayer.{name} must be a real array of shape {shape}; got shape "
                                 f"{arr.shape} and dtype {arr.dtype}. Assign one of that shape, or build a new layer.")
            if arr is not value or arr.dtype != np.float64 or not arr.flags.c_contiguous or not arr.flags.writeable:
                arr = np.array(arr, dtype=np.float64, order="C")
                setattr(self, name, arr)
            if not np.isfinite(arr).all():
                raise ValueError(f"FoldiakLayer.{name} contains NaN or inf. Assign finite values, or build a new layer.")
            out.append(arr)
        if np.any(np.diagonal(out[1]) != 0.0):
            raise ValueError("FoldiakLayer.W must have a zero diagonal (a unit has no lateral connection to itself: "
                             "W_ii = 0). Set it with np.fill_diagonal(layer.W, 0.0).")
        return out

    def _settings(self):
        return self.steepness, self.dt, self.max_steps, self.tol

    # --------------------------------------------------------------- dynamics
    def _settle(self, x):
        """The recurrent dynamics in NumPy for one input (bit-identical to the kernel); returns (y*, steps, residual)."""
        Q, W, t = self.Q, self.W, self.t
        ff = _row_sums(Q, x)
        y_star = np.zeros(self.output_size)
        steps = 0
        while True:
            u = (ff + _row_sums(W, y_star)) - t
            f = np.array([_logistic(self.steepness * ui) for ui in u])
            residual = float(np.max(np.abs(f - y_star)))
            if residual <= self.tol or steps >= self.max_steps:
                return y_star, steps, residual
            y_star = y_star + self.dt * (f - y_star)
            steps += 1

    def forward(self, x, *, compiled=True):
        """Settle the dynamics for one input (no learning) and return the 0/1 output.

        Parameters
        ----------
        x : array-like of shape (input_size,)
        compiled : bool, default=True
            The Numba kernel, or the NumPy code (:meth:`_settle`); bit-identical.

        Returns
        -------
        y : ndarray of shape (output_size,), values 0.0 / 1.0
            Also kept in ``self.y``, with ``self.y_star`` and ``self.steps``.
        """
        X, was_1d = as_inputs(x, self.input_size, what="x", owner="FoldiakLayer")
        if not was_1d:
            raise ValueError(f"forward() takes one input of shape ({self.input_size},); got shape {np.shape(x)}. "
                             "Use run(X) (or FoldiakTrainer.predict_batch) for several.")
        self.run(X, compiled=compiled)
        return self.y.copy()

    def run(self, X, *, compiled=True):
        """Settle the dynamics for every row of ``X`` (no learning); return the 0/1 outputs.

        Parameters
        ----------
        X : array-like of shape (n, input_size)
        compiled : bool, default=True
            One Numba call, or the NumPy code row by row; bit-identical.

        Returns
        -------
        Y : ndarray of shape (n, output_size), values 0.0 / 1.0
            The layer keeps the last row's input, output, state and steps.
        """
        X, _ = as_inputs(X, self.input_size, what="X", owner="FoldiakLayer")
        Q, W, t = self._parameters()
        n = X.shape[0]
        Y, Y_star = np.zeros((n, self.output_size)), np.zeros((n, self.output_size))
        steps, residual = np.zeros(n, dtype=np.int64), np.zeros(n)
        if compiled:
            _kernels_module().foldiak_settle_batch(Q, W, t, X, *self._settings(), Y, Y_star, steps, residual)
        else:
            for s in range(n):
                Y_star[s], steps[s], residual[s] = self._settle(X[s])
                Y[s] = (Y_star[s] > 0.5).astype(np.float64)
        self._warn_unsettled(residual)
        self.x, self.y, self.y_star = X[-1].copy(), Y[-1].copy(), Y_star[-1].copy()
        self.steps, self.residual = int(steps[-1]), float(residual[-1])
        return Y

    def _warn_unsettled(self, residual):
        stuck = int(np.count_nonzero(residual > self.tol))
        if stuck and self.tol > 0.0:  # tol=0 asks for exactly max_steps steps
            warnings.warn(f"{stuck} of {residual.size} inputs did not settle within max_steps={self.max_steps} "
                          f"Euler steps (largest |dy*/dt| left: {residual.max():.2g} > tol={self.tol:g}); their "
                          "outputs are rounded from where the dynamics stopped. Raise max_steps (or dt).",
                          ConvergenceWarning, stacklevel=3)

    # ------------------------------------------------------------------ files
    def save(self, path):
        """Write the layer (parameters, Q, W, t, last output, generator) to ``path``; see :mod:`hebbmem.io`."""
        save(self, path)

    def _save_parts(self, arrays):
        """File hook of :func:`hebbmem.io.save`: the constructor parameters, and Q, W, t."""
        Q, W, t = self._parameters()
        arrays.update({"Q": Q, "W": W, "t": t})
        params = {k: getattr(self, k) for k in ("input_size", "output_size", "sparsity", "steepness", "dt", "tol",
                                                "max_steps")}
        params["seed"] = self.seed if isinstance(self.seed, numbers.Integral) else None
        return params, {}

    @classmethod
    def _load_parts(cls, params, header, archive, path):
        """File hook of :func:`hebbmem.load`: a layer with the saved parameters, weights and thresholds."""
        allowed = {"input_size", "output_size", "sparsity", "steepness", "dt", "tol", "max_steps", "seed"}
        if not set(params) <= allowed or not {"input_size", "output_size"} <= set(params):
            raise fail(path, f"unexpected layer parameters {sorted(set(params) ^ allowed)}.")
        try:
            model = cls(**params)
        except (TypeError, ValueError) as err:
            raise fail(path, f"its layer parameters are invalid: {err}") from None
        n, m = model.output_size, model.input_size
        model.Q = archive.get("Q", (n, m), ("float64",)).copy()
        model.W = archive.get("W", (n, n), ("float64",)).copy()
        model.t = archive.get("t", (n,), ("float64",)).copy()
        if np.any(np.diagonal(model.W) != 0.0):
            raise fail(path, "its lateral weights W have a non-zero diagonal.")
        model.y = archive.get("state", (n,), ("float64",)).copy()
        return model

    def __repr__(self):
        extra = "" if self.sparsity == 0.125 else f", sparsity={self.sparsity:g}"
        for name, default in (("steepness", 10.0), ("dt", 0.1), ("tol", 1e-4), ("max_steps", 10000)):
            if getattr(self, name) != default:
                extra += f", {name}={getattr(self, name):g}"
        if isinstance(self.seed, numbers.Integral):
            extra += f", seed={self.seed}"
        return f"FoldiakLayer({self.input_size}, {self.output_size}{extra})"


class Foldiak:
    r"""Földiák's three local learning rules, applied after the layer settles on an input.

    .. math::

        \begin{aligned}
        \Delta W_{ij} &= -\alpha\,(y_i y_j - p^2) \quad (i \ne j), \qquad
            W_{ii} = 0, \qquad W_{ij} \leftarrow \min(W_{ij}, 0) \\
        \Delta Q_{ij} &= \beta\, y_i\,(x_j - Q_{ij}) \\
        \Delta t_i &= \gamma\,(y_i - p)
        \end{aligned}

    where

    * :math:`x` is the input and :math:`y` the layer's 0/1 output for it
      (:class:`FoldiakLayer`; all three rules use the same :math:`y` and
      the values from before the step);
    * :math:`\alpha` is ``alpha`` (anti-Hebbian, lateral), :math:`\beta` is
      ``beta`` (Hebbian, feed-forward) and :math:`\gamma` is ``gamma``
      (thresholds);
    * :math:`p` is the layer's ``sparsity``, the target firing rate.

    The lateral rule stops changing :math:`W_{ij}` on average when units
    :math:`i` and :math:`j` fire together at the chance rate :math:`p^2`, and
    makes them inhibit each other more while they fire together more often:
    it decorrelates. The threshold rule stops when :math:`P(y_i = 1) = p`.
    The feed-forward rule moves :math:`Q_i` towards the inputs that make unit
    :math:`i` fire (only while it fires), so :math:`Q_i` tends to the mean
    input given :math:`y_i = 1`.

    Parameters
    ----------
    alpha : float, default=0.1
    beta : float, default=0.02
        In [0, 1] (above 1, :math:`Q` would overshoot the input).
    gamma : float, default=0.02
        The paper's values for the bars problem are the defaults.

    References
    ----------
    P. Földiák, Biol. Cybern. 64 (1990) 165-170.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> layer = hm.FoldiakLayer(2, 2, sparsity=0.5, seed=0)
    >>> layer.Q = np.array([[0.5, 0.5], [0.0, 1.0]])
    >>> layer.t = np.array([0.25, 0.25])
    >>> hm.Foldiak(alpha=0.5, beta=0.5, gamma=0.5).step(layer, np.array([1.0, 0.0]))
    array([1., 0.])
    >>> layer.Q  # row 0 (it fired) moved half-way to x; row 1 kept
    array([[0.75, 0.25],
           [0.  , 1.  ]])
    >>> layer.t  # 0.25 + 0.5 (1 - 0.5) and 0.25 + 0.5 (0 - 0.5)
    array([0.5, 0. ])
    >>> layer.W  # -0.5 (1 * 0 - 0.25) = +0.125 > 0, clipped to 0
    array([[0., 0.],
           [0., 0.]])
    """

    _defaults = {"alpha": 0.1, "beta": 0.02, "gamma": 0.02}

    def __init__(self, alpha=0.1, beta=0.02, gamma=0.02):
        owner = "Foldiak"
        self.alpha = check_real(alpha, "alpha", owner, low=0.0,
                                fix="It is the anti-Hebbian rate of the lateral weights (the paper: 0.1).")
        self.beta = check_real(beta, "beta", owner, low=0.0, high=1.0,
                               fix="It is the Hebbian rate of the feed-forward weights (the paper: 0.02).")
        self.gamma = check_real(gamma, "gamma", owner, low=0.0,
                                fix="It is the rate of the adaptive thresholds (the paper: 0.02).")

    def _params(self):
        return {k: getattr(self, k) for k in self._defaults}

    def __repr__(self):
        shown = [f"{k}={v!r}" for k, v in self._params().items() if v != self._defaults[k]]
        return f"Foldiak({', '.join(shown)})"

    def __eq__(self, other):
        return type(self) is type(other) and self._params() == other._params()

    __hash__ = None

    def step(self, layer, x):
        """Settle ``layer`` on ``x`` (NumPy), apply the three rules in place; return the output ``y``.

        ``x`` is a float64 vector of length ``layer.input_size``; ``layer.Q``,
        ``W`` and ``t`` are float64 arrays (see :meth:`FoldiakLayer._parameters`).
        """
        Q, W, t = layer._parameters()
        y_star, layer.steps, layer.residual = layer._settle(x)
        y = (y_star > 0.5).astype(np.float64)
        p = layer.sparsity
        W -= self.alpha * (np.outer(y, y) - p * p)
        W[...] = np.where(W < 0.0, W, 0.0)
        np.fill_diagonal(W, 0.0)
        Q += (self.beta * y)[:, None] * (x - Q)
        t += self.gamma * (y - p)
        layer.x, layer.y, layer.y_star = x.copy(), y, y_star
        return y.copy()
