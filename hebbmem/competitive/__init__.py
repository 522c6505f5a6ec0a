"""The competitive-learning and sparse-coding family: units that compete for inputs and so divide them up.

Hebbian learning alone makes every unit learn the same thing (the strongest
direction of the input). Competition makes them specialise: a unit that
responds to an input keeps it from the others, so each unit ends up with a
part of the input space (a cluster, a feature, a region of a map). The room
holds the classic ways of doing it:

* sparse coding with learned lateral inhibition: :class:`FoldiakLayer`, the
  rule :class:`Foldiak` and :class:`FoldiakTrainer` (Földiák 1990:
  Hebbian feed-forward weights, anti-Hebbian lateral weights and adaptive
  thresholds give a sparse, decorrelated code), with the bars problem to
  test it (:mod:`~hebbmem.competitive.bars_problem`);
* hard winner-take-all competitive learning and Kohonen's self-organising
  maps, where the competition is built in rather than learned:

  - :mod:`~hebbmem.competitive.competitive`: :class:`CompetitiveLayer`, the
    rule :class:`WinnerTakeAll` (with DeSieno's conscience and
    frequency-sensitive learning against dead units) and
    :class:`CompetitiveTrainer`: online k-means;
  - :mod:`~hebbmem.competitive.som`: Kohonen's :class:`SelfOrganizingMap` and
    its measurements (quantisation and topographic errors, the U-matrix);
  - :mod:`~hebbmem.competitive.som_trainer`: the rule :class:`Kohonen`
    (Gaussian neighbourhood, MiniSom's decay schedules) and :class:`SOMTrainer`.

Each model keeps its readable NumPy code next to it; the sample loops run
in the room's ``_kernels`` (Numba), bit for bit the same.
"""

from .bars_problem import BarCode, bar_code, bar_images, bars, mean_abs_correlation
from .foldiak import Foldiak, FoldiakLayer
from .foldiak_trainer import FoldiakTrainer

# --- competitive learning and self-organising maps (issue 16, items 2 and 3) ---
from .competitive import CompetitiveLayer, CompetitiveTrainer, WinnerTakeAll
from .som import SelfOrganizingMap
from .som_trainer import Kohonen, SOMTrainer

__all__ = [
    "FoldiakLayer",
    "Foldiak",
    "FoldiakTrainer",
    "bars",
    "bar_images",
    "bar_code",
    "BarCode",
    "mean_abs_correlation",
    # competitive learning and self-organising maps
    "CompetitiveLayer",
    "WinnerTakeAll",
    "CompetitiveTrainer",
    "SelfOrganizingMap",
    "Kohonen",
    "SOMTrainer",
]
