"""Exceptions and warnings raised by hebbmem.

They subclass the built-in exceptions that a user would naturally catch, so
``except ValueError`` keeps working, as in :mod:`sklearn.exceptions`.
"""

__all__ = ["NotTrainedError", "ConvergenceWarning", "WeightMatrixTooLargeError"]


class NotTrainedError(ValueError, AttributeError):
    """Recall or weight access was attempted before any pattern was stored.

    Examples
    --------
    >>> import hebbmem as hm
    >>> trainer = hm.HebbianTrainer(hm.HopfieldNetwork(4))
    >>> try:
    ...     trainer.predict([1, -1, 1, -1])
    ... except hm.NotTrainedError as err:
    ...     print("not trained")
    not trained
    """


class ConvergenceWarning(UserWarning):
    """Some probes stopped without reaching a fixed point.

    Raised as a warning when recall hits the iteration cap (``max_iter``) or,
    for synchronous dynamics, falls into a 2-cycle. Ask for
    ``return_info=True`` to see which probes and why.
    """


class WeightMatrixTooLargeError(MemoryError):
    """A dense N x N weight matrix was requested that would not fit in memory.

    hebbmem keeps low-rank rules (Hebbian, AntiHebbian, PseudoInverse) as
    factors and never builds ``W`` unless it is asked for; this error is raised
    *before* any allocation when the dense matrix would be too large.
    """
