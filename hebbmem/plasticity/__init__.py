"""The online-plasticity family: feed-forward layers whose weights change sample by sample.

One room, by concept:

* layers: :mod:`~hebbmem.plasticity.layers` (the rate-based
  :class:`LinearLayer`, :math:`y = W x`, and the leaky integrate-and-fire
  :class:`SpikingLayer`);
* rules: :mod:`~hebbmem.plasticity.rules` (:class:`Oja`, :class:`Sanger`,
  :class:`BCM`, :class:`STDP`), each a formula and a readable NumPy ``step``;
* trainers: :mod:`~hebbmem.plasticity.trainers` (canns' OjaTrainer,
  SangerTrainer, BCMTrainer, STDPTrainer), which run the sample loop in
  ``_kernels`` (Numba) or in the rules' ``step`` (NumPy), bit for bit the same.
"""

from .layers import LinearLayer, SpikingLayer
from .rules import BCM, STDP, Oja, PlasticityRule, Sanger
from .trainers import BCMTrainer, OjaTrainer, SangerTrainer, STDPTrainer

__all__ = [
    "LinearLayer",
    "SpikingLayer",
    "PlasticityRule",
    "Oja",
    "Sanger",
    "BCM",
    "STDP",
    "OjaTrainer",
    "SangerTrainer",
    "BCMTrainer",
    "STDPTrainer",
]
