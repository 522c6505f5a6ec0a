r"""Training a self-organising map: Kohonen's rule with a Gaussian neighbourhood, and its trainer.

:class:`Kohonen` holds the rule's parameters, its decay schedules (MiniSom's,
by name, so that a run can be compared like for like) and one readable NumPy
step. :class:`SOMTrainer` runs the iterations, by default in a compiled Numba
kernel that does the very same arithmetic (bit-identical weights).

The correspondence with MiniSom 2.3 (``som = MiniSom(rows, cols, n,
sigma=s, learning_rate=lr)``, same default schedules and Gaussian
neighbourhood):

====================================================  ===========================================================
MiniSom                                               hebbmem (``trainer = SOMTrainer(model, lr, s)``)
====================================================  ===========================================================
``som.train(data, N)``                                ``trainer.train(data, num_iteration=N)``
``som.train(data, N, random_order=True)``             ``trainer.train(data, num_iteration=N, random_order=True)``
``som.train(data, E, use_epochs=True)``               ``trainer.train(data, epochs=E, use_epochs=True)``
``som.train(data, E * len(data))``                    ``trainer.train(data, epochs=E)``
====================================================  ===========================================================

Random orders are drawn from the map's own generator, so they are not
MiniSom's numbers, but they are drawn the same way.
"""

import math
import sys

import numpy as np

from .._trainer import Trainer, rule_parameter
from .._validation import check_bool, check_bytes_fit, check_choice, check_int, check_real
from ._distances import kernels, squared_distances
from .som import SelfOrganizingMap

__all__ = ["Kohonen", "SOMTrainer"]

_LR_DECAYS = ("asymptotic_decay", "inverse_decay_to_zero", "linear_decay_to_zero")
_SIGMA_DECAYS = ("asymptotic_decay", "inverse_decay_to_one", "linear_decay_to_one")
_SMALLEST_NORMAL = np.finfo(np.float64).tiny  # smaller neighbourhood weights count as 0 (see step)
_CHUNK = 1 << 16  # iterations per kernel call: bounds the schedule arrays, and paces the progress line


class Kohonen:
    r"""Kohonen's rule: the winner and its grid neighbours move towards the input.

    .. math::

        \Delta w_{ij} = \eta(t)\, h_{ij}(t)\, (x - w_{ij}), \qquad
        h_{ij}(t) = \exp\Big(-\frac{(i - c_i)^2}{2\sigma(t)^2}\Big)\,
                    \exp\Big(-\frac{(j - c_j)^2}{2\sigma(t)^2}\Big)

    for every unit :math:`(i, j)` of the grid (a factor
    :math:`\eta h_{ij}` below the smallest normal double, 2.2e-308, counts as
    0: it would change no weight of a normal size, and subnormal arithmetic is
    slow), where

    * :math:`x` is the input of iteration :math:`t` and :math:`w_{ij}` the
      prototype of unit :math:`(i, j)`;
    * :math:`(c_i, c_j)` is the winner, the unit nearest to :math:`x`
      (ties: the lowest flat index);
    * :math:`h` is the Gaussian neighbourhood (MiniSom's ``'gaussian'``):
      1 at the winner, falling with the grid distance;
    * :math:`\eta(t)` and :math:`\sigma(t)` decay from ``learning_rate`` and
      ``sigma`` over the :math:`T` iterations (or epochs) of one
      :meth:`SOMTrainer.train` call, by MiniSom's schedules:

      - ``"asymptotic_decay"`` (MiniSom's default for both):
        :math:`p(t) = p / (1 + t / (T/2))`, which ends at :math:`p/3`;
      - ``"inverse_decay_to_zero"`` (:math:`\eta`): :math:`\eta\, C / (C + t)`, :math:`C = T/100`;
      - ``"linear_decay_to_zero"`` (:math:`\eta`): :math:`\eta\,(1 - t/T)`;
      - ``"inverse_decay_to_one"`` (:math:`\sigma`): :math:`\sigma / (1 + t\,(\sigma - 1)/T)`;
      - ``"linear_decay_to_one"`` (:math:`\sigma`): :math:`\sigma + t\,(1 - \sigma)/T`.

    A wide neighbourhood first orders the map globally; as :math:`\sigma`
    shrinks, each unit specialises, and the map ends close to a k-means of
    the data whose centres are arranged on the grid.

    Parameters
    ----------
    learning_rate : float in (0, 1], default=0.5
    sigma : float >= 0.001, default=1.0
        Width of the neighbourhood, in grid units. Widths far below 1 make
        the rule winner-take-all; MiniSom warns above
        :math:`\sqrt{rows^2 + cols^2}`.
    decay_function : str, default="asymptotic_decay"
    sigma_decay_function : str, default="asymptotic_decay"

    References
    ----------
    T. Kohonen, "Self-organized formation of topologically correct feature
    maps", Biological Cybernetics 43 (1982) 59-69.
    G. Vettigli, MiniSom, https://github.com/JustGlowing/minisom (the schedules).

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> rule = hm.Kohonen(learning_rate=0.5, sigma=1.0)
    >>> rule.neighborhood((0, 1), 1.0, 2, 3).round(3)  # winner at row 0, column 1
    array([[0.607, 1.   , 0.607],
           [0.368, 0.607, 0.368]])
    >>> eta, sigma = rule.schedule(np.arange(5), 4)   # asymptotic decay: p / (1 + t / (T/2))
    >>> eta.round(3), sigma.round(3)                    # at t = T: a third of the start
    (array([0.5  , 0.333, 0.25 , 0.2  , 0.167]), array([1.   , 0.667, 0.5  , 0.4  , 0.333]))
    """

    _defaults = {"learning_rate": 0.5, "sigma": 1.0, "decay_function": "asymptotic_decay",
                 "sigma_decay_function": "asymptotic_decay"}

    def __init__(self, learning_rate=0.5, sigma=1.0, decay_function="asymptotic_decay",
                 sigma_decay_function="asymptotic_decay"):
        owner = "Kohonen"
        self.learning_rate = check_real(learning_rate, "learning_rate", owner, low=0.0, low_open=True, high=1.0,
                                        fix="Above 1 a unit overshoots the input; MiniSom's default is 0.5.")
        self.sigma = check_real(sigma, "sigma", owner, low=0.001,
                                fix="It is the neighbourhood's width in grid units (MiniSom's default is 1.0).")
        self.decay_function = check_choice(decay_function, "decay_function", owner, _LR_DECAYS)
        self.sigma_decay_function = check_choice(sigma_decay_function, "sigma_decay_function", owner,
                                                 _SIGMA_DECAYS)

    def _params(self):
        return {k: getattr(self, k) for k in self._defaults}

    def __repr__(self):
        shown = [f"{k}={v!r}" for k, v in self._params().items() if v != self._defaults[k]]
        return f"Kohonen({', '.join(shown)})"

    def __eq__(self, other):
        return type(self) is type(other) and self._params() == other._params()

    __hash__ = None

    def schedule(self, t, T):
        """The learning rates and widths at decay steps ``t`` (int array) of ``T``: two float64 arrays."""
        t = np.asarray(t, dtype=np.float64)
        lr, s = self.learning_rate, self.sigma
        if self.decay_function == "asymptotic_decay":
            eta = lr / (1 + t / (T / 2))
        elif self.decay_function == "inverse_decay_to_zero":
            C = T / 100.0
            eta = lr * C / (C + t)
        else:
            eta = lr * (1 - t / T)
        if self.sigma_decay_function == "asymptotic_decay":
            sigma = s / (1 + t / (T / 2))
        elif self.sigma_decay_function == "inverse_decay_to_one":
            C = (s - 1) / T
            sigma = s / (1 + (t * C))
        else:
            sigma = s + (t * (1 - s) / T)
        return eta, sigma

    @staticmethod
    def neighborhood(winner, sigma, rows, cols):
        """The Gaussian neighbourhood :math:`h_{ij}` of a winner ``(ci, cj)``, shape (rows, cols)."""
        ci, cj = winner
        dd = 2.0 * sigma * sigma
        ax = np.array([math.exp(-(a * a) / dd) for a in np.arange(rows, dtype=np.float64) - ci])
        ay = np.array([math.exp(-(a * a) / dd) for a in np.arange(cols, dtype=np.float64) - cj])
        return ax[:, None] * ay[None, :]

    def step(self, W, x, eta, sigma):
        """One iteration in NumPy on ``W`` (rows, cols, n), in place; returns the winner ``(ci, cj)``."""
        rows, cols, n = W.shape
        d2 = squared_distances(W.reshape(rows * cols, n), x)  # summed left to right, the kernel's order
        winner = divmod(int(np.argmin(d2)), cols)  # ties: the lowest flat index
        h = self.neighborhood(winner, sigma, rows, cols) * eta
        h[h < _SMALLEST_NORMAL] = 0.0  # subnormal weights move nothing, slowly: they count as 0
        W += h[:, :, None] * (x - W)
        return winner


class SOMTrainer(Trainer):
    """Train a :class:`~hebbmem.SelfOrganizingMap` with :class:`Kohonen`'s rule (MiniSom's defaults).

    Parameters
    ----------
    model : SelfOrganizingMap
    learning_rate : float, default=0.5
    sigma : float, default=1.0
    decay_function, sigma_decay_function : str, default="asymptotic_decay"
        MiniSom's schedules (see :class:`Kohonen`).
    compiled : bool, default=True
        Run the iterations in the Numba kernel (True) or in the rule's NumPy
        :meth:`~Kohonen.step` (False); bit-identical weights.
    show_iteration_progress : bool, default=False
        Print ``iteration t/T`` on stderr during :meth:`train`.
    compiled_prediction : bool, default=True
        Kept for the base class (winners are exact either way).

    Attributes
    ----------
    rule : Kohonen

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((500, 2))                       # points in the unit square
    >>> som = hm.SelfOrganizingMap(6, 6, 2, seed=0)
    >>> trainer = hm.SOMTrainer(som, learning_rate=0.5, sigma=2.0)
    >>> _ = trainer.train(X, epochs=10, random_order=True)
    >>> som.quantization_error(X) < 0.1, som.topographic_error(X) < 0.1   # the grid unfolds over the square
    (True, True)
    >>> trainer.predict([0.0, 0.0]) in [(0, 0), (0, 5), (5, 0), (5, 5)]   # a corner point wins a corner unit
    True
    """

    learning_rate = rule_parameter("learning_rate")
    sigma = rule_parameter("sigma")
    decay_function = rule_parameter("decay_function")
    sigma_decay_function = rule_parameter("sigma_decay_function")

    def __init__(self, model, learning_rate=0.5, sigma=1.0, *, decay_function="asymptotic_decay",
                 sigma_decay_function="asymptotic_decay", compiled=True, show_iteration_progress=False,
                 compiled_prediction=True):
        owner = "SOMTrainer"
        if isinstance(model, type):
            raise TypeError(f"{owner} needs a model instance, but got the class {model.__name__}: create it "
                            f"first, e.g. model = {model.__name__}(rows=10, cols=10, input_size=...).")
        if not isinstance(model, SelfOrganizingMap):
            raise TypeError(f"{owner} trains a hebbmem.SelfOrganizingMap; got {type(model).__name__}.")
        super().__init__(model, show_iteration_progress=show_iteration_progress,
                         compiled_prediction=compiled_prediction)
        self.rule = Kohonen(learning_rate=learning_rate, sigma=sigma, decay_function=decay_function,
                            sigma_decay_function=sigma_decay_function)
        self.compiled = check_bool(compiled, "compiled", owner)
        model._weights()  # fail now, at the line the user wrote

    def _plan(self, n, epochs, num_iteration, random_order, use_epochs):
        """The sample of every iteration, each iteration's decay step, and the number of decay steps."""
        rng = self.model.rng
        if use_epochs:  # MiniSom: one order (shuffled once) repeated; eta and sigma constant within an epoch
            one = np.arange(n)
            if random_order:
                rng.shuffle(one)
            return np.tile(one, epochs), np.repeat(np.arange(epochs), n), epochs
        T = epochs * n if num_iteration is None else num_iteration
        order = np.arange(T) % n  # MiniSom: the samples in turn, or (random_order) these indices shuffled
        if random_order:
            rng.shuffle(order)
        return order, None, T

    def train(self, train_data, epochs=1, *, num_iteration=None, random_order=False, use_epochs=False):
        """Run Kohonen's rule over ``train_data``; the schedules run from their start to their end in this call.

        Parameters
        ----------
        train_data : array-like of shape (n_samples, input_size)
            Not modified.
        epochs : int, default=1
            Passes over the data: ``epochs * n_samples`` iterations, with
            :math:`\\eta` and :math:`\\sigma` decaying at every iteration
            (MiniSom's ``train(data, epochs * n_samples)``).
        num_iteration : int, optional
            The number of iterations instead (MiniSom's ``num_iteration``):
            sample ``t % n_samples`` at iteration ``t``. Leave ``epochs`` at 1.
        random_order : bool, default=False
            Shuffle those iterations' samples (MiniSom's ``random_order``),
            with the map's generator.
        use_epochs : bool, default=False
            MiniSom's ``use_epochs``: ``epochs`` passes over one order of the
            samples (shuffled once if ``random_order``), with :math:`\\eta`
            and :math:`\\sigma` constant within a pass and decaying over the
            ``epochs`` passes.

        Returns
        -------
        self
        """
        owner = "SOMTrainer.train"
        model = self.model
        X = model._inputs(train_data, "train_data", allow_1d=False)
        epochs = check_int(epochs, "epochs", owner, low=1, fix="It is the number of passes over the data.")
        random_order = check_bool(random_order, "random_order", owner)
        use_epochs = check_bool(use_epochs, "use_epochs", owner)
        if num_iteration is not None:
            num_iteration = check_int(num_iteration, "num_iteration", owner, low=1)
            if epochs != 1 or use_epochs:
                raise ValueError("SOMTrainer.train takes either num_iteration (MiniSom's iterations) or epochs "
                                 f"(passes over the data), not both; got num_iteration={num_iteration}, "
                                 f"epochs={epochs}, use_epochs={use_epochs}.")
        W = model._weights()
        T = epochs * X.shape[0] if num_iteration is None else num_iteration
        check_bytes_fit(16 * T, f"The sample order of {T:,} iterations",
                        "Train in several calls (each runs its own schedule), or with fewer iterations.")
        order, step_of, n_steps = self._plan(X.shape[0], epochs, num_iteration, random_order, use_epochs)
        T = len(order)
        rows, cols, n = W.shape
        if self.compiled:
            WT = np.ascontiguousarray(W.reshape(rows * cols, n).T)
            scratch = (np.empty(rows * cols), np.empty(rows), np.empty(cols), np.empty(rows * cols))
        for start in range(0, T, _CHUNK):
            stop = min(T, start + _CHUNK)
            steps = np.arange(start, stop) if step_of is None else step_of[start:stop]
            etas, sigmas = self.rule.schedule(steps, n_steps)
            if self.compiled:
                kernels().som_train(WT, cols, X, order[start:stop], etas, sigmas, *scratch)
            else:
                for t in range(stop - start):
                    self.rule.step(W, X[order[start + t]], etas[t], sigmas[t])
            if self.show_iteration_progress:
                sys.stderr.write(f"\rSOMTrainer: iteration {stop}/{T}" + ("\n" if stop == T else ""))
                sys.stderr.flush()
        if self.compiled:
            W.reshape(rows * cols, n)[...] = WT.T
        return self

    def predict(self, pattern, *args, **kwargs):
        """The winner ``(i, j)`` of one input (``model.winner``)."""
        x = self.model._inputs(pattern, "pattern")
        if x.ndim != 1:
            raise ValueError(f"predict takes one input of shape ({self.model.input_size},); got shape {x.shape}. "
                             "Use predict_batch for several.")
        return self.model.winner(x)

    def predict_batch(self, patterns, *args, **kwargs):
        """The winner of every row, shape (n, 2): one ``(i, j)`` per input."""
        X = self.model._inputs(patterns, "patterns", allow_1d=False)
        return self.model.winner(X)

    def __repr__(self):
        extra = "" if self.compiled else ", compiled=False"
        return f"SOMTrainer({self.model!r}, {self.rule!r}{extra})"
