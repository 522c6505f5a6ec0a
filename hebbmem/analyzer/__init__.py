"""canns' import path for analyzers: ``hebbmem.analyzer``.

Only re-exports; the implementation lives in :mod:`hebbmem.analysis`.
"""

from ..analysis import HopfieldAnalyzer
from . import brain_inspired, model_specific

__all__ = ["HopfieldAnalyzer", "brain_inspired", "model_specific"]
