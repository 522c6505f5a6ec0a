"""Trainers of the associative-memory family in canns 1.5.0's signature: ``HebbianTrainer``, ``AntiHebbianTrainer``.

Both are a :class:`~hebbmem.Trainer` with a fixed rule::

    from hebbmem.trainer import HebbianTrainer
    trainer = HebbianTrainer(model)
    trainer.train(patterns)          # one-shot storage
    output = trainer.predict(noisy)  # recall
"""

from .._trainer import Trainer
from .._validation import check_bool
from .rules import AntiHebbian, Hebbian

__all__ = ["HebbianTrainer", "AntiHebbianTrainer"]


class HebbianTrainer(Trainer):
    r"""A :class:`Trainer` with the :class:`~hebbmem.Hebbian` rule, in canns 1.5.0's signature.

    Every :meth:`~Trainer.train` call adds

    .. math::

        \Delta W = \frac{\eta}{P} \sum_{\mu=1}^{P} (x^\mu - \rho)(x^\mu - \rho)^T,
        \qquad \text{then } W_{ii} = 0

    where

    * :math:`x^\mu` are the patterns of this call and :math:`P` their number
      (the :math:`1/P` is dropped when ``normalize_by_patterns=False``);
    * :math:`\rho` is their mean activity (a scalar) when ``subtract_mean=True``,
      the default, as in canns, and 0 otherwise;
    * :math:`\eta` is ``learning_rate``;
    * the diagonal is zeroed when ``zero_diagonal=True``.

    Parameters
    ----------
    model : HopfieldNetwork
    show_iteration_progress : bool, default=False
    compiled_prediction : bool, default=True
        See :class:`Trainer`.
    weight_attr : {'W'}, default='W'
        canns' name of the weight attribute; hebbmem networks keep weights in ``W``.
    subtract_mean : bool, default=True
        Centre the patterns by their mean activity :math:`\rho` (canns' default).
    zero_diagonal : bool, default=True
    normalize_by_patterns : bool, default=True
        Divide by the number of patterns of the call.
    prefer_generic, prefer_generic_predict : bool, default=True
        Accepted for canns compatibility; hebbmem has one training and one
        prediction path, so they change nothing.
    state_attr : {None, 's'}, default=None
        canns' name of the state attribute; hebbmem networks keep it in ``s``.
    preserve_on_resize : bool, default=True
        Accepted for canns compatibility. hebbmem never resizes a network:
        patterns of the wrong length get a clear error instead.
    learning_rate : float, default=1.0
        :math:`\eta` (hebbmem's addition).

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

    def __init__(self, model, show_iteration_progress=False, compiled_prediction=True, *, weight_attr="W",
                 subtract_mean=True, zero_diagonal=True, normalize_by_patterns=True, prefer_generic=True,
                 state_attr=None, prefer_generic_predict=True, preserve_on_resize=True, learning_rate=1.0):
        owner = type(self).__name__
        if weight_attr not in ("W", None):
            raise ValueError(
                f"The 'weight_attr' parameter of {owner} must be 'W' (or None): hebbmem networks keep "
                f"their weights in model.W. Got {weight_attr!r} instead."
            )
        if state_attr not in ("s", None):
            raise ValueError(
                f"The 'state_attr' parameter of {owner} must be None or 's': hebbmem networks keep "
                f"their state in model.s. Got {state_attr!r} instead."
            )
        self.weight_attr = "W"
        self.state_attr = state_attr
        self.prefer_generic = check_bool(prefer_generic, "prefer_generic", owner)
        self.prefer_generic_predict = check_bool(prefer_generic_predict, "prefer_generic_predict", owner)
        self.preserve_on_resize = check_bool(preserve_on_resize, "preserve_on_resize", owner)
        rule = self._rule_class(subtract_mean=check_bool(subtract_mean, "subtract_mean", owner),
                                zero_diagonal=check_bool(zero_diagonal, "zero_diagonal", owner),
                                normalize=check_bool(normalize_by_patterns, "normalize_by_patterns", owner),
                                learning_rate=learning_rate)
        super().__init__(model, rule, show_iteration_progress=show_iteration_progress,
                         compiled_prediction=compiled_prediction)

    @property
    def subtract_mean(self):
        return self.rule.subtract_mean

    @property
    def zero_diagonal(self):
        return self.rule.zero_diagonal

    @property
    def normalize_by_patterns(self):
        return self.rule.normalize


class AntiHebbianTrainer(HebbianTrainer):
    r"""A :class:`Trainer` with the :class:`~hebbmem.AntiHebbian` rule: :math:`W \leftarrow W - \Delta W`.

    Same parameters and formula as :class:`HebbianTrainer` with the opposite
    sign. On a network that has learned patterns with Hebbian training, an
    anti-Hebbian call on some of them unlearns those (as in canns, where
    training adds to the stored weights).

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> x = np.array([1.0, -1.0, 1.0, -1.0])
    >>> model = hm.AmariHopfieldNetwork(4)
    >>> _ = hm.HebbianTrainer(model, subtract_mean=False).train([x])
    >>> _ = hm.AntiHebbianTrainer(model, subtract_mean=False).train([x])
    >>> bool((model.W == 0).all())
    True
    """

    _rule_class = AntiHebbian
