r"""Contrastive divergence: the trainer of the restricted Boltzmann machine, CD-k and persistent CD, in mini-batches.

``Model + Trainer + Data``, as in canns' example::

    from hebbmem.models.brain_inspired import RestrictedBoltzmannModel
    from hebbmem.trainer import ContrastiveDivergenceTrainer
    model = RestrictedBoltzmannModel(num_visible=64, num_hidden=16, seed=0)
    trainer = ContrastiveDivergenceTrainer(model, learning_rate=0.1, k=1, batch_size=10)
    trainer.train(X, epochs=20)            # X: binary rows, shape (n, 64)
    trainer.get_reconstruction_error()     # mean over the last epoch
    v = trainer.predict(X[0])              # 100 Gibbs steps from X[0]

The sample loop runs in a Numba kernel (``compiled=True``) or in the NumPy
code below (``compiled=False``); both draw the same uniforms from the model's
generator and give bit-identical parameters.
"""

import sys

import numpy as np

from .._trainer import Trainer
from .._validation import check_bool, check_compiled, check_int, check_real
from ._checks import as_units
from ._math import logistic, logistic_libm, ordered_matmul, ordered_sum
from .rbm import RestrictedBoltzmannModel

__all__ = ["ContrastiveDivergenceTrainer"]

_UNIFORMS_PER_CALL = 1 << 20  # uniforms drawn at a time (8 MB); the kernel runs on whole batches in between

_KERNELS = []


def _kernels_module():
    """hebbmem.generative._kernels, imported on first use (``import hebbmem`` does not load Numba)."""
    if not _KERNELS:
        from . import _kernels

        _KERNELS.append(_kernels)
    return _KERNELS[0]


def _cd_batch_numpy(W, b, c, Xb, chains, k, persistent, lr, T, U):
    """One mini-batch of CD-k (or persistent CD) in NumPy: the readable twin of ``_kernels.cd_train``.

    ``U`` yields blocks of uniforms in the kernel's order. Updates ``W``,
    ``b``, ``c`` (and ``chains``) in place.
    """
    nb = len(Xb)
    ph = logistic_libm((ordered_matmul(Xb, W.T) + c) / T)  # positive phase: p(h | data)
    if persistent:
        hs = chains[:nb].copy()  # the fantasy particles continue where they stopped
    else:
        hs = (U(nb, len(c)) < ph).astype(np.float64)  # the chain starts at the data
    for step in range(k):
        pv = logistic_libm((ordered_matmul(hs, W) + b) / T)
        vs = (U(nb, len(b)) < pv).astype(np.float64)
        qh = logistic_libm((ordered_matmul(vs, W.T) + c) / T)
        if persistent or step < k - 1:
            hs = (U(nb, len(c)) < qh).astype(np.float64)
    if persistent:
        chains[:nb] = hs
    scale = lr / nb
    W += scale * (ordered_matmul(ph.T, Xb) - ordered_matmul(qh.T, vs))
    c += scale * (ordered_sum(ph) - ordered_sum(qh))
    b += scale * (ordered_sum(Xb) - ordered_sum(vs))


class _Uniforms:
    """Hand out blocks of a pre-drawn array of uniforms, in order: ``U(rows, cols)``."""

    def __init__(self, values):
        self.values = values
        self.used = 0

    def __call__(self, rows, cols):
        block = self.values[self.used:self.used + rows * cols].reshape(rows, cols)
        self.used += rows * cols
        return block


class ContrastiveDivergenceTrainer(Trainer):
    r"""Train a :class:`~hebbmem.RestrictedBoltzmannModel` by contrastive divergence (CD-k) or persistent CD.

    The log-likelihood gradient of an RBM is a difference of two
    correlations, one under the data and one under the model. Contrastive
    divergence estimates the second with a short Gibbs chain. For a
    mini-batch :math:`\{x^{(r)}\}_{r=1}^{n_b}`, each parameter moves by the
    batch average:

    .. math::

        \Delta W = \frac{\eta}{n_b} \sum_{r} \big(p^{(r)} x^{(r)\top} - q^{(r)} \tilde v^{(r)\top}\big),
        \quad
        \Delta b = \frac{\eta}{n_b} \sum_{r} \big(x^{(r)} - \tilde v^{(r)}\big),
        \quad
        \Delta c = \frac{\eta}{n_b} \sum_{r} \big(p^{(r)} - q^{(r)}\big)

    where

    * :math:`\eta` is ``learning_rate`` and :math:`n_b` the rows in the batch
      (``batch_size``, fewer in a last, short batch);
    * :math:`p^{(r)} = p(h = 1 \mid x^{(r)})` are the hidden probabilities of
      the data (the positive phase);
    * :math:`\tilde v^{(r)}` is the binary visible sample at the end of the
      chain and :math:`q^{(r)} = p(h = 1 \mid \tilde v^{(r)})` its hidden
      probabilities (the negative phase). CD-k starts the chain at a hidden
      sample of the data and runs ``k`` steps :math:`h \to v \to h`;
      persistent CD (``persistent=True``, Tieleman 2008) keeps ``batch_size``
      chains alive from batch to batch and advances them ``k`` steps each
      time.

    With ``persistent=True`` and ``k=1`` this is scikit-learn's
    ``BernoulliRBM`` update: the same probabilities and samples, averaged the
    same way, with chains that start at zero.

    Parameters
    ----------
    model : RestrictedBoltzmannModel
        Its parameters change in :meth:`train`; every sample is drawn from
        ``model.rng``.
    learning_rate : float, default=0.01
        :math:`\eta > 0`.
    k : int, default=1
        Gibbs steps per update.
    persistent : bool, default=False
        Persistent CD instead of CD-k.
    batch_size : int, default=1
        Rows per update (1: after every row, as canns).
    compiled : bool, default=True
        The Numba kernel (True) or the NumPy code (False): bit-identical.
    show_iteration_progress : bool, default=False
        Print ``epoch e/E`` on stderr during :meth:`train`.
    compiled_prediction : bool or "numba", default=True
        :meth:`predict`'s Gibbs chain in the kernel (True, ``"numba"``) or in
        NumPy (False): bit-identical.

    Attributes
    ----------
    reconstruction_errors : ndarray of shape (n_samples,)
        Per row of the last :meth:`train` call's data: the mean squared
        difference between the row and its one-step mean-field
        reconstruction, with the parameters training ended with.
    chains_ : ndarray of shape (batch_size, num_hidden) or None
        The persistent chains' hidden states (zeros at the start, as
        scikit-learn's).

    References
    ----------
    Hinton, G. E. (2002). Training products of experts by minimizing
    contrastive divergence. *Neural Computation* 14(8), 1771-1800.
    Tieleman, T. (2008). Training restricted Boltzmann machines using
    approximations to the likelihood gradient. *ICML 2008*, 1064-1071.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> X = np.array([[1, 1, 0, 0], [0, 0, 1, 1]] * 50, dtype=float)  # two patterns, half each
    >>> model = hm.RestrictedBoltzmannModel(4, 2, seed=0)
    >>> round(float(model.log_likelihood(X).mean()), 2)  # nats per pattern: all 16 vectors equally likely
    -2.77
    >>> trainer = hm.ContrastiveDivergenceTrainer(model, learning_rate=0.1, k=1, batch_size=10)
    >>> _ = trainer.train(X, epochs=200)
    >>> round(float(model.log_likelihood(X).mean()), 1)  # the best possible is log(1/2) = -0.69
    -0.7
    """

    def __init__(self, model, learning_rate=0.01, k=1, *, persistent=False, batch_size=1, compiled=True,
                 show_iteration_progress=False, compiled_prediction=True):
        owner = "ContrastiveDivergenceTrainer"
        if not isinstance(model, RestrictedBoltzmannModel):
            name = model.__name__ if isinstance(model, type) else type(model).__name__
            raise TypeError(f"{owner} trains a hebbmem.RestrictedBoltzmannModel instance; got {name}. Create one "
                            f"first: model = RestrictedBoltzmannModel(num_visible, num_hidden).")
        super().__init__(model, show_iteration_progress=show_iteration_progress,
                         compiled_prediction=compiled_prediction)
        self.learning_rate = check_real(learning_rate, "learning_rate", owner, low=0.0, low_open=True, high=1e6,
                                        fix="Typical values are 0.001 to 0.1.")
        self.k = check_int(k, "k", owner, low=1, fix="It is the number of Gibbs steps per update (CD-k).")
        self.persistent = check_bool(persistent, "persistent", owner)
        self.batch_size = check_int(batch_size, "batch_size", owner, low=1, fix="It is the rows per update.")
        self.compiled = check_bool(compiled, "compiled", owner)
        self._errors = np.zeros(0)
        self.chains_ = None

    def _data(self, data, what):
        model = self.model
        return as_units(data, model.num_visible, what=what, owner=type(model).__name__, layer="num_visible",
                        allow_1d=False, unit_interval=True)[0]

    def train(self, train_data, epochs=1):
        """Learn from the rows of ``train_data``, in order, in mini-batches, ``epochs`` times.

        Parameters
        ----------
        train_data : array-like of shape (n_samples, num_visible), or a list of 1-D arrays
            Values in [0, 1]: binary data, or probabilities (their
            expectation is used as the data). Not modified. Shuffle it
            yourself if it is sorted (by class, say).
        epochs : int, default=1

        Returns
        -------
        self
        """
        X = self._data(train_data, "train_data")
        epochs = check_int(epochs, "epochs", "ContrastiveDivergenceTrainer.train", low=1,
                           fix="It is the number of passes over the data.")
        model = self.model
        H, V = model.num_hidden, model.num_visible
        W, b, c = model.W.copy(), model.b.copy(), model.c.copy()  # the model's are replaced at the end
        if self.persistent and (self.chains_ is None or self.chains_.shape != (self.batch_size, H)):
            self.chains_ = np.zeros((self.batch_size, H))
        chains = self.chains_ if self.persistent else np.zeros((1, H))
        B, k = self.batch_size, self.k
        per_batch = B * k * (V + H)  # uniforms per full batch, CD or persistent
        rows_per_call = B * max(1, _UNIFORMS_PER_CALL // per_batch)
        T, lr, rng = model.temperature, self.learning_rate, model.rng
        WT = np.ascontiguousarray(W.T) if self.compiled else None  # the kernel keeps both layouts
        buffer = np.empty(min(len(X), rows_per_call) * k * (V + H))  # reused: no fresh pages every epoch
        for epoch in range(epochs):
            for row0 in range(0, len(X), rows_per_call):
                row1 = min(len(X), row0 + rows_per_call)
                U = rng.random(out=buffer[:(row1 - row0) * k * (V + H)])
                if self.compiled:
                    _kernels_module().cd_train(W, WT, b, c, X, row0, row1, B, k, self.persistent, lr, T, chains,
                                               U)
                else:
                    take = _Uniforms(U)
                    for start in range(row0, row1, B):
                        stop = min(row1, start + B)
                        _cd_batch_numpy(W, b, c, X[start:stop], chains, k, self.persistent, lr, T, take)
            if self.show_iteration_progress:
                sys.stderr.write(f"\rContrastiveDivergenceTrainer: epoch {epoch + 1}/{epochs}")
                sys.stderr.flush()
        if self.show_iteration_progress:
            sys.stderr.write("\n")
        if not (np.isfinite(W).all() and np.isfinite(b).all() and np.isfinite(c).all()):
            raise FloatingPointError(f"The RBM's parameters overflowed during training with learning_rate={lr:g}; "
                                     "the model keeps its parameters from before this call. Use a smaller "
                                     "learning_rate.")
        model.W, model.b, model.c = W, b, c
        self._errors = (X, W, b, c, T)  # computed when asked, from the parameters this call ended with
        return self

    @property
    def reconstruction_errors(self):
        r"""Per row of the last :meth:`train` call's data: the mean squared error of its reconstruction.

        The reconstruction of :math:`x` is one mean-field step through the
        hidden layer, :math:`\hat x = \sigma((W^\top \sigma((W x + c)/T) + b)/T)`,
        with the parameters :meth:`train` ended with (computed on first
        access). Empty before training.
        """
        if isinstance(self._errors, tuple):
            X, W, b, c, T = self._errors
            recon = logistic((logistic((X @ W.T + c) / T) @ W + b) / T)
            self._errors = np.mean((X - recon) ** 2, axis=1)
        return self._errors

    def get_reconstruction_error(self):
        """The mean of :attr:`reconstruction_errors`; 0.0 before training, as canns."""
        errors = self.reconstruction_errors
        return float(np.mean(errors)) if len(errors) else 0.0

    def predict(self, pattern, num_gibbs_steps=100, *, compiled=None):
        """Run a Gibbs chain from ``pattern`` for ``num_gibbs_steps`` steps and return its last visible sample.

        Parameters
        ----------
        pattern : array-like of shape (num_visible,)
            The start, values in [0, 1]. Not modified.
        num_gibbs_steps : int, default=100
        compiled : bool, optional
            Overrides ``compiled_prediction`` for this call.

        Returns
        -------
        v : ndarray of shape (num_visible,), values 0.0 / 1.0
            Also left in ``model.v`` (and the last hidden sample in ``model.h``).
        """
        if np.ndim(pattern) != 1:
            raise ValueError(f"predict takes one pattern of shape ({self.model.num_visible},); got shape "
                             f"{np.shape(pattern)}. Use predict_batch for several.")
        return self.predict_batch([pattern], num_gibbs_steps, compiled=compiled)[0]

    def predict_batch(self, patterns, num_gibbs_steps=100, *, compiled=None):
        """Run one Gibbs chain from each row of ``patterns``; return the last visible samples, shape (n, num_visible).

        The chains advance together, one step at a time (so the result is
        not that of :meth:`predict` row after row, which draws its random
        numbers in another order). ``model.v`` and ``model.h`` keep the last
        row's final state. Parameters as in :meth:`predict`.
        """
        V0 = self._data(patterns, "patterns")
        n_steps = check_int(num_gibbs_steps, "num_gibbs_steps", "ContrastiveDivergenceTrainer.predict", low=0)
        compiled = self.compiled_prediction if compiled is None else check_compiled(compiled, "compiled", "predict")
        model = self.model
        W, b, c, T = model.W, model.b, model.c, model.temperature
        n, (H, V) = len(V0), W.shape
        Hs = np.zeros((n, H))
        steps_per_call = max(1, _UNIFORMS_PER_CALL // (n * (V + H)))
        for first in range(0, n_steps, steps_per_call):
            m = min(steps_per_call, n_steps - first)
            U = model.rng.random(m * n * (V + H))
            if compiled:
                _kernels_module().gibbs_chains(W, np.ascontiguousarray(W.T), b, c, T, V0, m, U, Hs)
            else:
                V0, Hs = _gibbs_numpy(W, b, c, T, V0, m, _Uniforms(U))
        model.v, model.h = V0[-1].copy(), Hs[-1].copy()
        return V0

    def __repr__(self):
        extra = f", k={self.k}" + (", persistent=True" if self.persistent else "")
        if self.batch_size != 1:
            extra += f", batch_size={self.batch_size}"
        if not self.compiled:
            extra += ", compiled=False"
        return f"ContrastiveDivergenceTrainer({self.model!r}, learning_rate={self.learning_rate:g}{extra})"


def _gibbs_numpy(W, b, c, T, V0, n_steps, U):
    """``n_steps`` Gibbs steps of every row of ``V0`` in NumPy: the readable twin of ``_kernels.gibbs_chains``."""
    n, (H, V) = len(V0), W.shape
    Hs = np.zeros((n, H))
    for _ in range(n_steps):
        Hs = (U(n, H) < logistic_libm((ordered_matmul(V0, W.T) + c) / T)).astype(np.float64)
        V0 = (U(n, V) < logistic_libm((ordered_matmul(Hs, W) + b) / T)).astype(np.float64)
    return V0, Hs
