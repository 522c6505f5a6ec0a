"""canns' path ``hebbmem.analyzer.model_specific``."""

from . import hopfield

__all__ = ["hopfield"]
