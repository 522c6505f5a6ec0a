"""The trainer of Földiák's sparse-coding network: the sample loop, compiled or in NumPy, and prediction.

``Model + Trainer + Data``, as everywhere in hebbmem::

    layer = hm.FoldiakLayer(64, 16, sparsity=1/8, seed=0)
    trainer = hm.FoldiakTrainer(layer)          # alpha=0.1, beta=0.02, gamma=0.02: the paper's
    trainer.train(X, epochs=1)                  # rows of X, in order
    Y = trainer.predict_batch(X)                # 0/1 outputs, no learning
"""

import sys

import numpy as np

from .._trainer import Trainer, rule_parameter
from .._validation import check_bool, check_int
from .foldiak import Foldiak, FoldiakLayer, _kernels_module, as_inputs

__all__ = ["FoldiakTrainer"]


class FoldiakTrainer(Trainer):
    r"""Train a :class:`~hebbmem.FoldiakLayer` with Földiák's rules (:class:`~hebbmem.Foldiak`), sample by sample.

    For every input, in order: the layer settles (its recurrent dynamics,
    from :math:`y^* = 0`), the output is rounded to 0/1, and the three rules
    update the lateral weights, the feed-forward weights and the thresholds:

    .. math::

        \Delta W_{ij} = -\alpha\,(y_i y_j - p^2), \qquad
        \Delta Q_{ij} = \beta\, y_i\,(x_j - Q_{ij}), \qquad
        \Delta t_i = \gamma\,(y_i - p)

    with :math:`W_{ii} = 0` and :math:`W_{ij} \le 0` (see
    :class:`~hebbmem.Foldiak` for the "where" list; :math:`p` is the
    layer's ``sparsity``).

    Parameters
    ----------
    model : FoldiakLayer
    alpha : float, default=0.1
        Rate of the anti-Hebbian lateral weights.
    beta : float, default=0.02
        Rate of the Hebbian feed-forward weights, in [0, 1].
    gamma : float, default=0.02
        Rate of the thresholds. The defaults are the paper's values for the
        bars problem.
    compiled : bool, default=True
        Run the sample loop in the Numba kernel (True) or in the rule's NumPy
        :meth:`~hebbmem.Foldiak.step` (False): bit-identical weights,
        thresholds and outputs.
    show_iteration_progress : bool, default=False
        Print ``epoch e/E`` on stderr during :meth:`train`.
    compiled_prediction : bool or "numba", default=True
        :meth:`predict` and :meth:`predict_batch` in the kernel (True,
        "numba") or in NumPy (False); bit-identical.

    Attributes
    ----------
    rule : Foldiak
    outputs_ : ndarray of shape (n_samples, output_size) or None
        The 0/1 outputs the layer gave (and learned from) during the last
        epoch of the last :meth:`train`. Their column means are the firing
        rates the thresholds regulate towards ``sparsity``.

    Examples
    --------
    The bars problem, small: a 4 x 4 grid, 8 bars each on with probability 1/4.

    >>> import numpy as np, hebbmem as hm
    >>> X, on = hm.competitive.bars(3000, size=4, seed=0)
    >>> layer = hm.FoldiakLayer(16, 8, sparsity=0.25, seed=0)
    >>> trainer = hm.FoldiakTrainer(layer).train(X)
    >>> Y = trainer.predict_batch(hm.competitive.bar_images(np.eye(8)))  # each bar alone
    >>> Y.sum(axis=1)  # one unit answers each bar
    array([1., 1., 1., 1., 1., 1., 1., 1.])
    >>> len(set(Y.argmax(axis=1).tolist()))  # eight different units
    8
    """

    alpha = rule_parameter("alpha")
    beta = rule_parameter("beta")
    gamma = rule_parameter("gamma")

    def __init__(self, model, alpha=0.1, beta=0.02, gamma=0.02, compiled=True, *, show_iteration_progress=False,
                 compiled_prediction=True):
        owner = type(self).__name__
        if isinstance(model, type):
            raise TypeError(f"{owner} needs a model instance, but got the class {model.__name__}: create it first, "
                            f"e.g. model = {model.__name__}(input_size=64, output_size=16).")
        if not isinstance(model, FoldiakLayer):
            raise TypeError(f"{owner} trains a hebbmem.FoldiakLayer (feed-forward Q, lateral W, thresholds t); "
                            f"got {type(model).__name__}. Build one with hm.FoldiakLayer(input_size, output_size).")
        super().__init__(model, compiled_prediction=compiled_prediction,
                         show_iteration_progress=show_iteration_progress)
        self.rule = Foldiak(alpha=alpha, beta=beta, gamma=gamma)
        self.compiled = check_bool(compiled, "compiled", owner)
        self.outputs_ = None
        model._parameters()  # fail now, at the line the user wrote, not at train()

    def train(self, train_data, epochs=1):
        """Learn from the rows of ``train_data``, in order, ``epochs`` times (Q, W and t change in place).

        Parameters
        ----------
        train_data : array-like of shape (n_samples, input_size), or list of 1-D arrays
            Not modified. The paper's inputs are 0/1 (see
            :func:`hebbmem.competitive.bars`); any finite values work.
        epochs : int, default=1

        Returns
        -------
        self
        """
        m = self.model
        X, _ = as_inputs(train_data, m.input_size, what="train_data", owner="FoldiakLayer", allow_1d=False)
        epochs = check_int(epochs, "epochs", f"{type(self).__name__}.train", low=1,
                           fix="It is the number of passes over the data.")
        Q, W, t = m._parameters()
        rule, n = self.rule, X.shape[0]
        Y, y_star = np.zeros((n, m.output_size)), np.zeros(m.output_size)
        steps, residual = np.zeros(n, dtype=np.int64), np.zeros(n)
        if self.compiled:
            kernels = _kernels_module()

            def run(k):
                kernels.foldiak_train(Q, W, t, X, k, rule.alpha, rule.beta, rule.gamma, m.sparsity, *m._settings(),
                                      Y, y_star, steps, residual)
        else:
            def run(k):
                for _ in range(k):
                    for s in range(n):
                        Y[s] = rule.step(m, X[s])
                        steps[s], residual[s] = m.steps, m.residual

        if self.show_iteration_progress:
            for e in range(epochs):
                run(1)
                sys.stderr.write(f"\r{type(self).__name__}: epoch {e + 1}/{epochs}")
                sys.stderr.flush()
            sys.stderr.write("\n")
        else:
            run(epochs)
        m._warn_unsettled(residual)
        if self.compiled:
            m.y_star = y_star.copy()
        m.x, m.y, m.steps, m.residual = X[-1].copy(), Y[-1].copy(), int(steps[-1]), float(residual[-1])
        self.outputs_ = Y
        return self

    def predict(self, pattern, *args, **kwargs):
        """The layer's 0/1 output for one input (settled, no learning; sets ``model.x``, ``y``, ``y_star``)."""
        return self.model.forward(pattern, compiled=bool(self.compiled_prediction))

    def predict_batch(self, patterns, *args, **kwargs):
        """The 0/1 outputs for every row, shape (n, output_size) (settled one by one, no learning)."""
        X, was_1d = as_inputs(patterns, self.model.input_size, what="patterns", owner="FoldiakLayer")
        if was_1d:
            raise ValueError(f"predict_batch expects several inputs, shape (n, {self.model.input_size}); got one "
                             f"of shape {np.shape(patterns)}. Use predict() for one input, or predict_batch([x]).")
        return self.model.run(X, compiled=bool(self.compiled_prediction))

    def __repr__(self):
        extra = "" if self.compiled else ", compiled=False"
        return f"FoldiakTrainer({self.model!r}, {self.rule!r}{extra})"
