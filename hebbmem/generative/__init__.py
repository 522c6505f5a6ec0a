"""The generative family: models that learn a probability distribution over their data and dream new samples from it.

One room, by concept:

* models: :mod:`~hebbmem.generative.rbm` (the restricted Boltzmann machine,
  :class:`RestrictedBoltzmannModel`) and :mod:`~hebbmem.generative.helmholtz`
  (the :class:`HelmholtzMachine`), each with exact likelihoods for small
  models;
* trainers: :mod:`~hebbmem.generative.contrastive_divergence`
  (:class:`ContrastiveDivergenceTrainer`: CD-k and persistent CD, in
  mini-batches) and :mod:`~hebbmem.generative.wake_sleep`
  (:class:`WakeSleepTrainer`), which run their sample loops in ``_kernels``
  (Numba) or in readable NumPy, bit for bit the same.
"""

from .contrastive_divergence import ContrastiveDivergenceTrainer
from .helmholtz import HelmholtzMachine
from .rbm import RestrictedBoltzmannModel
from .wake_sleep import WakeSleepTrainer

__all__ = ["RestrictedBoltzmannModel", "ContrastiveDivergenceTrainer", "HelmholtzMachine", "WakeSleepTrainer"]
