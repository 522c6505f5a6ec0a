r"""The wake-sleep algorithm: the trainer of the Helmholtz machine (Hinton, Dayan, Frey and Neal 1995).

``Model + Trainer + Data``, as in canns' example::

    from hebbmem.models.brain_inspired import HelmholtzMachine
    from hebbmem.trainer import WakeSleepTrainer
    model = HelmholtzMachine(num_visible=16, num_hidden=8, seed=0)
    trainer = WakeSleepTrainer(model, learning_rate=0.1, num_sleep_samples=200)
    trainer.train(data, epochs=50)
    trainer.get_training_statistics()   # {'mean_wake_error': ..., 'mean_sleep_error': ...}

The sample loops run in Numba kernels (``compiled=True``) or in the NumPy
code below (``compiled=False``); both draw the same uniforms from the model's
generator and give bit-identical parameters.
"""

import sys

import numpy as np

from .._trainer import Trainer
from .._validation import check_bool, check_int, check_real
from ._checks import as_units
from ._math import logistic_libm
from .helmholtz import HelmholtzMachine

__all__ = ["WakeSleepTrainer"]

_UNIFORMS_PER_CALL = 1 << 20

_KERNELS = []


def _kernels_module():
    """hebbmem.generative._kernels, imported on first use (``import hebbmem`` does not load Numba)."""
    if not _KERNELS:
        from . import _kernels

        _KERNELS.append(_kernels)
    return _KERNELS[0]


def _ordered_dot(W, x):
    """``W @ x``, each entry summed left to right (``np.cumsum`` is sequential): the kernels' order."""
    return np.cumsum(W * x, axis=1)[:, -1]


def _mean_square(e):
    return np.cumsum(e * e)[-1] / len(e)


def _wake_numpy(W_rec, b_rec, W_gen, b_gen, b_prior, X, lr, U, errors):
    """The wake phase in NumPy, one row at a time: the readable twin of ``_kernels.wake_phase``."""
    for r, x in enumerate(X):
        q = logistic_libm(_ordered_dot(W_rec, x) + b_rec)  # recognise ...
        h = (U(len(q)) < q).astype(np.float64)  # ... a binary cause
        p = logistic_libm(_ordered_dot(W_gen, h) + b_gen)  # what the generative net predicts from it
        e = x - p
        errors[r] = _mean_square(e)
        prior = logistic_libm(b_prior)
        W_gen += lr * np.outer(e, h)  # the delta rule, from the cause to the data
        b_gen += lr * e
        b_prior += lr * (h - prior)


def _sleep_numpy(W_rec, b_rec, W_gen, b_gen, b_prior, n_samples, lr, U, errors):
    """The sleep phase in NumPy, one dream at a time: the readable twin of ``_kernels.sleep_phase``."""
    for s in range(n_samples):
        h = (U(len(b_prior)) < logistic_libm(b_prior)).astype(np.float64)  # a cause from the prior
        v = (U(len(b_gen)) < logistic_libm(_ordered_dot(W_gen, h) + b_gen)).astype(np.float64)  # a dream
        q = logistic_libm(_ordered_dot(W_rec, v) + b_rec)
        e = h - q
        errors[s] = _mean_square(e)
        W_rec += lr * np.outer(e, v)  # the delta rule, from the dream back to its cause
        b_rec += lr * e


class _Uniforms:
    """Hand out consecutive blocks of a pre-drawn array of uniforms: ``U(n)``."""

    def __init__(self, values):
        self.values = values
        self.used = 0

    def __call__(self, n):
        block = self.values[self.used:self.used + n]
        self.used += n
        return block


class WakeSleepTrainer(Trainer):
    r"""Train a :class:`~hebbmem.HelmholtzMachine` by the wake-sleep algorithm (canns' API).

    Each epoch has two phases, each a local delta rule on one network:

    **Wake** (for every row :math:`x` of the data, in order): recognise a
    binary cause :math:`h \sim q(h \mid x)`, and teach the generative network
    to produce :math:`x` from :math:`h`, and the prior to produce :math:`h`:

    .. math::

        \Delta W_{\mathrm{gen}} = \eta\, (x - p)\, h^\top, \quad
        \Delta b_{\mathrm{gen}} = \eta\, (x - p), \quad
        \Delta a = \eta\, (h - \sigma(a)), \qquad
        p = \sigma(W_{\mathrm{gen}} h + b_{\mathrm{gen}})

    **Sleep** (``num_sleep_samples`` times): dream a cause
    :math:`h \sim p(h)` and data :math:`v \sim p(v \mid h)`, and teach the
    recognition network to find :math:`h` from :math:`v`:

    .. math::

        \Delta W_{\mathrm{rec}} = \eta\, (h - q)\, v^\top, \quad
        \Delta b_{\mathrm{rec}} = \eta\, (h - q), \qquad
        q = \sigma(W_{\mathrm{rec}} v + b_{\mathrm{rec}})

    where :math:`\eta` is ``learning_rate``, :math:`a` the prior's logits
    (``b_prior``) and :math:`\sigma` the logistic function. Each update is a
    step up the gradient of a log-probability: the wake phase lowers the
    variational free energy for the current recognition network, and the
    sleep phase moves the recognition network towards the generative
    network's posterior. Every step uses the parameters left by the step
    before.

    Parameters
    ----------
    model : HelmholtzMachine
        Its parameters change in :meth:`train`; every sample is drawn from
        ``model.rng``.
    learning_rate : float, default=0.01
        :math:`\eta > 0`.
    num_sleep_samples : int, default=10
        Dreams per epoch (canns' default). Hinton et al. alternate one wake
        and one sleep step, which ``num_sleep_samples=len(data)`` matches.
    compiled : bool, default=True
        The Numba kernels (True) or the NumPy code (False): bit-identical.
    show_iteration_progress : bool, default=False
        Print ``epoch e/E`` on stderr during :meth:`train`.
    compiled_prediction : bool, default=True
        Kept for the base class (prediction is two matrix products).

    Attributes
    ----------
    wake_errors : ndarray of shape (n_samples,)
        Per row of the last epoch: :math:`\overline{(x - p)^2}`, with the
        parameters before that row's update.
    sleep_errors : ndarray of shape (num_sleep_samples,)
        Per dream of the last epoch: :math:`\overline{(h - q)^2}`.

    References
    ----------
    Hinton, G. E., Dayan, P., Frey, B. J., and Neal, R. M. (1995). The
    "wake-sleep" algorithm for unsupervised neural networks. *Science*
    268(5214), 1158-1161.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> X = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]] * 100, dtype=float)
    >>> model = hm.HelmholtzMachine(6, 2, seed=0)
    >>> before = model.variational_free_energy(X).mean()
    >>> trainer = hm.WakeSleepTrainer(model, learning_rate=0.1, num_sleep_samples=200)
    >>> _ = trainer.train(X, epochs=20)
    >>> bool(model.variational_free_energy(X).mean() < before - 1)  # the bound has fallen
    True
    >>> sorted(trainer.get_training_statistics())
    ['mean_sleep_error', 'mean_wake_error']
    """

    def __init__(self, model, learning_rate=0.01, num_sleep_samples=10, *, compiled=True,
                 show_iteration_progress=False, compiled_prediction=True):
        owner = "WakeSleepTrainer"
        if not isinstance(model, HelmholtzMachine):
            name = model.__name__ if isinstance(model, type) else type(model).__name__
            raise TypeError(f"{owner} trains a hebbmem.HelmholtzMachine instance; got {name}. Create one first: "
                            f"model = HelmholtzMachine(num_visible, num_hidden).")
        super().__init__(model, show_iteration_progress=show_iteration_progress,
                         compiled_prediction=compiled_prediction)
        self.learning_rate = check_real(learning_rate, "learning_rate", owner, low=0.0, low_open=True, high=1e6,
                                        fix="Typical values are 0.01 to 0.1.")
        self.num_sleep_samples = check_int(num_sleep_samples, "num_sleep_samples", owner, low=0,
                                           fix="It is the number of dreams per epoch.")
        self.compiled = check_bool(compiled, "compiled", owner)
        self.wake_errors = np.zeros(0)
        self.sleep_errors = np.zeros(0)

    def train(self, train_data, epochs=1):
        """Wake on the rows of ``train_data`` in order, then sleep ``num_sleep_samples`` dreams; ``epochs`` times.

        Parameters
        ----------
        train_data : array-like of shape (n_samples, num_visible), or a list of 1-D arrays
            Values in [0, 1]. Not modified.
        epochs : int, default=1

        Returns
        -------
        self
        """
        model = self.model
        X = as_units(train_data, model.num_visible, what="train_data", owner="HelmholtzMachine",
                     layer="num_visible", allow_1d=False, unit_interval=True)[0]
        epochs = check_int(epochs, "epochs", "WakeSleepTrainer.train", low=1,
                           fix="It is the number of passes over the data.")
        H, V = model.num_hidden, model.num_visible
        params = [model.W_rec.copy(), model.b_rec.copy(), model.W_gen.copy(), model.b_gen.copy(),
                  model.b_prior.copy()]  # the model's are replaced at the end
        lr, S, rng = self.learning_rate, self.num_sleep_samples, model.rng
        wake, sleep = np.zeros(len(X)), np.zeros(S)
        rows_per_call = max(1, _UNIFORMS_PER_CALL // H)
        dreams_per_call = max(1, _UNIFORMS_PER_CALL // (H + V))
        for epoch in range(epochs):
            for row0 in range(0, len(X), rows_per_call):
                row1 = min(len(X), row0 + rows_per_call)
                U = rng.random((row1 - row0) * H)
                if self.compiled:
                    _kernels_module().wake_phase(*params, X, row0, row1, lr, U, wake[row0:row1])
                else:
                    _wake_numpy(*params, X[row0:row1], lr, _Uniforms(U), wake[row0:row1])
            for s0 in range(0, S, dreams_per_call):
                n = min(S - s0, dreams_per_call)
                U = rng.random(n * (H + V))
                if self.compiled:
                    _kernels_module().sleep_phase(*params, n, lr, U, sleep[s0:s0 + n])
                else:
                    _sleep_numpy(*params, n, lr, _Uniforms(U), sleep[s0:s0 + n])
            if self.show_iteration_progress:
                sys.stderr.write(f"\rWakeSleepTrainer: epoch {epoch + 1}/{epochs}")
                sys.stderr.flush()
        if self.show_iteration_progress:
            sys.stderr.write("\n")
        if not all(np.isfinite(p).all() for p in params):
            raise FloatingPointError(f"The Helmholtz machine's parameters overflowed during training with "
                                     f"learning_rate={lr:g}; the model keeps its parameters from before this "
                                     "call. Use a smaller learning_rate.")
        model.W_rec, model.b_rec, model.W_gen, model.b_gen, model.b_prior = params
        self.wake_errors, self.sleep_errors = wake, sleep
        return self

    def get_training_statistics(self):
        """``{'mean_wake_error': ..., 'mean_sleep_error': ...}`` of the last epoch (a key only if its phase ran)."""
        stats = {}
        if len(self.wake_errors):
            stats["mean_wake_error"] = float(np.mean(self.wake_errors))
        if len(self.sleep_errors):
            stats["mean_sleep_error"] = float(np.mean(self.sleep_errors))
        return stats

    def predict(self, pattern, *args, **kwargs):
        """The reconstruction of ``pattern``: recognise, then generate, with probabilities (``model.forward``)."""
        if np.ndim(pattern) != 1:
            raise ValueError(f"predict takes one pattern of shape ({self.model.num_visible},); got shape "
                             f"{np.shape(pattern)}. Use predict_batch for several.")
        return self.model.forward(pattern)

    def predict_batch(self, patterns, *args, **kwargs):
        """Reconstructions of every row of ``patterns`` at once, shape (n, num_visible)."""
        model = self.model
        X = as_units(patterns, model.num_visible, what="patterns", owner="HelmholtzMachine", layer="num_visible",
                     allow_1d=False)[0]
        return model.forward(X)

    def __repr__(self):
        extra = "" if self.compiled else ", compiled=False"
        return (f"WakeSleepTrainer({self.model!r}, learning_rate={self.learning_rate:g}, "
                f"num_sleep_samples={self.num_sleep_samples}{extra})")
