"""hebbmem: Hebbian learning and Hopfield associative memory, correct and fast.

Store patterns in a Hopfield network with a learning rule, corrupt them, and
watch the network recall them::

    import hebbmem as hm
    model = hm.HopfieldNetwork(num_neurons=784, asyn=True, seed=0)
    trainer = hm.HebbianTrainer(model)     # = hm.Trainer(model, hm.Hebbian())
    trainer.train(patterns)                # one-shot storage
    recalled = trainer.predict(noisy)      # same shape as the input

The pieces:

* networks: :class:`HopfieldNetwork` (and the seed tutorials'
  :class:`AmariHopfieldNetwork`), which hold the state, weights and energy;
* rules: :class:`Hebbian`, :class:`AntiHebbian`, :class:`Storkey`,
  :class:`PseudoInverse`, which build weights in plain NumPy;
* trainers: :class:`Trainer`, :class:`HebbianTrainer`,
  :class:`AntiHebbianTrainer`, which store patterns and recall;
* :class:`RecallResult`: per-probe iterations, convergence and energy;
* beyond Hopfield: the feed-forward :class:`LinearLayer` and
  :class:`SpikingLayer`, the online rules :class:`Oja`, :class:`Sanger`,
  :class:`BCM`, :class:`STDP` and their trainers (:class:`OjaTrainer`,
  :class:`SangerTrainer`, :class:`BCMTrainer`, :class:`STDPTrainer`).

Conventions: states are +1/-1 (float32); a neuron whose field equals its
threshold keeps its state; Hebbian weights are normalised by 1/P with a
zero diagonal; randomness comes from ``numpy.random.default_rng(seed)``.
"""

from .exceptions import ConvergenceWarning, NotTrainedError, WeightMatrixTooLargeError
from .networks import AmariHopfieldNetwork, HopfieldNetwork, Network
from .result import RecallResult
from .rules import AntiHebbian, Hebbian, PseudoInverse, Rule, Storkey
from .trainer import AntiHebbianTrainer, HebbianTrainer, Trainer
from .analysis._analyzer import HopfieldAnalyzer
from .layers import LinearLayer, SpikingLayer
from .plasticity import BCM, STDP, Oja, PlasticityRule, Sanger
from .plasticity_trainers import BCMTrainer, OjaTrainer, SangerTrainer, STDPTrainer
from .modern import DenseAssociativeMemory, ModernHopfieldNetwork
from .stochastic import StochasticHopfieldNetwork
from .continuous import ContinuousHopfieldNetwork
from .io import ModelFileError, load

__version__ = "0.1.0"

__all__ = [
    "Network",
    "HopfieldNetwork",
    "AmariHopfieldNetwork",
    "Rule",
    "Hebbian",
    "AntiHebbian",
    "Storkey",
    "PseudoInverse",
    "Trainer",
    "HebbianTrainer",
    "AntiHebbianTrainer",
    "HopfieldAnalyzer",
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
    "ModernHopfieldNetwork",
    "DenseAssociativeMemory",
    "StochasticHopfieldNetwork",
    "ContinuousHopfieldNetwork",
    "RecallResult",
    "NotTrainedError",
    "ConvergenceWarning",
    "WeightMatrixTooLargeError",
    "load",
    "ModelFileError",
]


def __getattr__(name):
    """Import a submodule on first use, so ``hm.noise.flip_fraction(...)`` works after ``import hebbmem``.

    ``import hebbmem`` itself stays light (no matplotlib, Numba or scikit-image):
    ``hm.plotting``, ``hm.datasets``, ``hm.noise``, ``hm.analysis``, ... are loaded
    the first time they are used, as with ``import hebbmem.noise``.
    """
    import importlib
    import importlib.util

    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    import pkgutil

    return sorted(set(globals()) | {m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")})
