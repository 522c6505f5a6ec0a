"""canns' path ``hebbmem.analyzer.visualization``: re-exports ``PlotConfig``, ``PlotConfigs`` and ``tuning_curve``.

They are implemented in ``hebbmem.plotting._tuning`` (importing this module
imports matplotlib; ``import hebbmem.analyzer`` does not).
"""

from ..plotting._tuning import PlotConfig, PlotConfigs, tuning_curve

__all__ = ["PlotConfig", "PlotConfigs", "tuning_curve"]
