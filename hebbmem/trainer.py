"""Trainers: apply a learning rule to a network, then recall with it.

``Model + Trainer + Data -> trained model``, as in the seed tutorials::

    from hebbmem.trainer import HebbianTrainer
    trainer = HebbianTrainer(model)
    trainer.train(patterns)          # one-shot storage
    output = trainer.predict(noisy)  # recall

This module is importable as ``hebbmem.trainer`` (the seed tutorials' path)
and its classes are also available as ``hebbmem.Trainer`` and friends.
"""

import numpy as np

from ._validation import as_pattern_matrix, check_bool, check_int
from .networks import Network
from .rules import AntiHebbian, Hebbian, Rule

__all__ = ["Trainer", "HebbianTrainer", "AntiHebbianTrainer"]


class Trainer:
    """Store patterns in a network with a learning rule, and recall them.

    Parameters
    ----------
    model : HopfieldNetwork
        The network to train. Training replaces its weights.
    rule : Rule
        The learning rule, e.g. ``hebbmem.Hebbian()``, ``hebbmem.Storkey()``
        or ``hebbmem.PseudoInverse()``.
    compiled_prediction : bool, default=True
        Recall with the Numba kernels (True) or the plain NumPy code
        (False). Both give identical results for the same seed.
    show_iteration_progress : bool, default=False
        Show a progress line during :meth:`predict`.

    Attributes
    ----------
    patterns_ : ndarray of shape (n_patterns, num_neurons), float32
        The patterns stored by the last :meth:`train` call.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> X = np.array([[1, 1, 1, -1, -1, -1], [1, -1, 1, -1, 1, -1]])
    >>> trainer = hm.Trainer(hm.HopfieldNetwork(6), hm.PseudoInverse()).train(X)
    >>> trainer.predict_batch(X).astype(int)
    array([[ 1,  1,  1, -1, -1, -1],
           [ 1, -1,  1, -1,  1, -1]])
    """

    def __init__(self, model, rule, *, compiled_prediction=True, show_iteration_progress=False):
        owner = type(self).__name__
        if isinstance(model, type) and issubclass(model, Network):
            raise TypeError(
                f"{owner} needs a network instance, but got the class {model.__name__}: create it "
                f"first, e.g. model = {model.__name__}(num_neurons=784), then {owner}(model)."
            )
        if not isinstance(model, Network):
            raise TypeError(
                f"{owner} needs a network as its model, e.g. hebbmem.HopfieldNetwork(num_neurons=784); "
                f"got {type(model).__name__}."
            )
        if isinstance(rule, type) and issubclass(rule, Rule):
            raise TypeError(f"rule must be a Rule instance: write {rule.__name__}() with parentheses.")
        if not isinstance(rule, Rule):
            raise TypeError(
                f"rule must be a hebbmem Rule such as hebbmem.Hebbian(); got {type(rule).__name__}."
            )
        self.model = model
        self.rule = rule
        self.compiled_prediction = check_bool(compiled_prediction, "compiled_prediction", owner)
        self.show_iteration_progress = check_bool(show_iteration_progress, "show_iteration_progress", owner)
        self.patterns_ = None

    def train(self, train_data):
        """Store patterns in the network in one shot (replacing earlier weights).

        Parameters
        ----------
        train_data : list of 1-D arrays, or array-like of shape (n_patterns, num_neurons)
            Bipolar patterns (values -1 and +1). Not modified.

        Returns
        -------
        self : Trainer
        """
        X, _ = as_pattern_matrix(train_data, what="patterns", n_neurons=self.model.num_neurons)
        self.model._set_weights(self.rule._build(X))
        self.patterns_ = X.astype(np.float32)
        return self

    def predict(self, pattern, num_iter=None, compiled=None, show_progress=None, return_info=False):
        """Recall one pattern: run the network from ``pattern`` until it settles.

        Parameters
        ----------
        pattern : array-like of shape (num_neurons,)
            The (noisy) probe. Not modified. A 2-D input is recalled row by
            row and returned with the same shape.
        num_iter : int, optional
            Maximum iterations for this call (default: the network's ``max_iter``).
        compiled : bool, optional
            Overrides ``compiled_prediction`` for this call.
        show_progress : bool, optional
            Overrides ``show_iteration_progress`` for this call.
        return_info : bool, default=False
            Return a :class:`~hebbmem.RecallResult` with iterations,
            convergence flags and the energy trace.

        Returns
        -------
        state : ndarray of the same shape as ``pattern`` (or a RecallResult)
        """
        num_iter = self._check_num_iter(num_iter, "predict")
        result = self.model.recall(
            pattern,
            compiled=self.compiled_prediction if compiled is None else compiled,
            max_iter=num_iter,
            return_info=return_info,
            progress=self.show_iteration_progress if show_progress is None else show_progress,
            what="pattern",
        )
        states = result.states if return_info else result
        if states.ndim == 1:
            self.model.s = states.astype(np.float32)
        return result

    def predict_batch(self, patterns, num_iter=None, compiled=None, show_sample_progress=False,
                      return_info=False):
        """Recall many patterns at once (batched: one matrix product per iteration).

        Parameters
        ----------
        patterns : list of 1-D arrays, or array-like of shape (n, num_neurons)
            The probes. Not modified.
        num_iter : int, optional
            Maximum iterations for this call.
        compiled : bool, optional
            Overrides ``compiled_prediction`` for this call.
        show_sample_progress : bool, default=False
            Show a progress line of how many probes have settled.
        return_info : bool, default=False
            Return a :class:`~hebbmem.RecallResult` instead of the states.

        Returns
        -------
        states : ndarray of shape (n, num_neurons) (or a RecallResult)
        """
        num_iter = self._check_num_iter(num_iter, "predict_batch")
        if not isinstance(patterns, (list, tuple)) and np.ndim(patterns) == 1:
            raise ValueError(
                f"predict_batch expects several patterns, shape (n, {self.model.num_neurons}) or a list "
                f"of 1-D arrays; got one 1-D pattern of shape {np.shape(patterns)}. Use predict() for a "
                f"single pattern, or wrap it: predict_batch([pattern])."
            )
        if isinstance(patterns, (list, tuple)) and patterns and np.ndim(patterns[0]) == 0:
            raise ValueError(
                "predict_batch expects a list of patterns, but got a list of numbers (one pattern?). "
                "Use predict(pattern) for a single pattern, or predict_batch([pattern])."
            )
        return self.model.recall(
            patterns,
            compiled=self.compiled_prediction if compiled is None else compiled,
            max_iter=num_iter,
            return_info=return_info,
            progress=show_sample_progress,
            what="patterns",
        )

    @staticmethod
    def _check_num_iter(num_iter, method):
        if num_iter is None:
            return None
        return check_int(num_iter, "num_iter", method, low=1,
                         fix="It caps the iterations of this call; leave it out to use the network's max_iter.")

    def __repr__(self):
        rule = "" if type(self) is not Trainer else f", {self.rule!r}"
        extra = "" if self.compiled_prediction else ", compiled_prediction=False"
        return f"{type(self).__name__}({self.model!r}{rule}{extra})"


class HebbianTrainer(Trainer):
    """A :class:`Trainer` with the :class:`~hebbmem.Hebbian` rule.

    ``W = (1/P) sum_mu x_mu x_mu^T`` with a zero diagonal, as in the seed
    tutorials (see :class:`~hebbmem.Hebbian` for the formula).

    Parameters
    ----------
    model : HopfieldNetwork
    subtract_mean, zero_diagonal, normalize, learning_rate
        Passed to :class:`~hebbmem.Hebbian`. ``subtract_mean`` is off by
        default (canns 1.5.0 turns it on).
    compiled_prediction : bool, default=True
    show_iteration_progress : bool, default=False

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.models.brain_inspired import AmariHopfieldNetwork
    >>> from hebbmem.trainer import HebbianTrainer
    >>> model = AmariHopfieldNetwork(num_neurons=4)
    >>> trainer = HebbianTrainer(model, compiled_prediction=True)
    >>> _ = trainer.train([np.array([1.0, -1.0, 1.0, -1.0])])
    >>> trainer.predict(np.array([1.0, 1.0, 1.0, -1.0]))
    array([ 1., -1.,  1., -1.], dtype=float32)
    """

    _rule_class = Hebbian

    def __init__(self, model, *, subtract_mean=False, zero_diagonal=True, normalize=True,
                 learning_rate=1.0, compiled_prediction=True, show_iteration_progress=False):
        rule = self._rule_class(subtract_mean=subtract_mean, zero_diagonal=zero_diagonal,
                                normalize=normalize, learning_rate=learning_rate)
        super().__init__(model, rule, compiled_prediction=compiled_prediction,
                         show_iteration_progress=show_iteration_progress)


class AntiHebbianTrainer(HebbianTrainer):
    """A :class:`Trainer` with the :class:`~hebbmem.AntiHebbian` rule (``W -> -W``).

    Same parameters as :class:`HebbianTrainer`.
    """

    _rule_class = AntiHebbian

