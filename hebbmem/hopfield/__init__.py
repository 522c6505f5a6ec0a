"""The associative-memory family: Hopfield networks that store patterns and recall them from noisy probes.

One room, by concept:

* networks: :mod:`~hebbmem.hopfield.base` (:class:`Network`, what every
  network shares), :mod:`~hebbmem.hopfield.networks` (the classic
  :class:`HopfieldNetwork` and canns' :class:`AmariHopfieldNetwork`),
  :mod:`~hebbmem.hopfield.stochastic` (Glauber dynamics),
  :mod:`~hebbmem.hopfield.continuous` (the 1984 graded network),
  :mod:`~hebbmem.hopfield.modern` and :mod:`~hebbmem.hopfield.dense_memory`
  (memories that store the patterns themselves);
* rules: :mod:`~hebbmem.hopfield.rules` (Hebbian, AntiHebbian,
  PseudoInverse) and :mod:`~hebbmem.hopfield.storkey`, which build weights
  in plain NumPy;
* trainers: :mod:`~hebbmem.hopfield.trainers` (canns' HebbianTrainer and
  AntiHebbianTrainer; the generic :class:`~hebbmem.Trainer` applies any rule);
* recall: :mod:`~hebbmem.hopfield.dynamics` (readable NumPy) and
  ``_kernels`` (Numba), identical for a seed; ``_weights`` (dense or
  low-rank exact storage), :mod:`~hebbmem.hopfield.result` (diagnostics),
  ``_files`` (the family's part of the model file).
"""

from .base import Network
from .continuous import ContinuousHopfieldNetwork
from .dense_memory import DenseAssociativeMemory
from .modern import ModernHopfieldNetwork
from .networks import AmariHopfieldNetwork, HopfieldNetwork
from .result import RecallResult
from .rules import AntiHebbian, Hebbian, PseudoInverse, Rule
from .stochastic import StochasticHopfieldNetwork
from .storkey import Storkey
from .trainers import AntiHebbianTrainer, HebbianTrainer

__all__ = [
    "Network",
    "HopfieldNetwork",
    "AmariHopfieldNetwork",
    "StochasticHopfieldNetwork",
    "ContinuousHopfieldNetwork",
    "ModernHopfieldNetwork",
    "DenseAssociativeMemory",
    "Rule",
    "Hebbian",
    "AntiHebbian",
    "PseudoInverse",
    "Storkey",
    "HebbianTrainer",
    "AntiHebbianTrainer",
    "RecallResult",
]
