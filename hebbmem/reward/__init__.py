"""The reward-learning family: spiking layers whose synapses learn from spike timing and a delayed reward.

One room, by concept:

* rules: :mod:`~hebbmem.reward.rules` (:class:`RewardModulatedSTDP`, the
  three-factor rule of Izhikevich 2007: STDP pairings charge an eligibility
  trace, a reward signal turns it into weight), a formula and a readable
  NumPy ``step``;
* trainers: :mod:`~hebbmem.reward.trainers`
  (:class:`RewardModulatedSTDPTrainer`), which runs the step loop in
  ``_kernels`` (Numba) or in the rule's ``step`` (NumPy), bit for bit the same.

The model is :class:`hebbmem.SpikingLayer` from :mod:`hebbmem.plasticity`,
the one family this one builds on.
"""

from .rules import RewardModulatedSTDP
from .trainers import RewardModulatedSTDPTrainer

__all__ = ["RewardModulatedSTDP", "RewardModulatedSTDPTrainer"]
