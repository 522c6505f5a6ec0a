"""canns' path ``hebbmem.analyzer.model_specific.hopfield``: re-exports :class:`hebbmem.analysis.HopfieldAnalyzer`."""

from ...analysis import HopfieldAnalyzer

__all__ = ["HopfieldAnalyzer"]
