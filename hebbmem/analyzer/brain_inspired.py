"""canns' path ``hebbmem.analyzer.brain_inspired``: re-exports :class:`hebbmem.analysis.HopfieldAnalyzer`."""

from ..analysis import HopfieldAnalyzer

__all__ = ["HopfieldAnalyzer"]
