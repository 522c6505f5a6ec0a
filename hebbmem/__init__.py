"""hebbmem: Hebbian learning, Hopfield associative memory and the brain-inspired rules around them.

Store patterns in a Hopfield network with a learning rule, corrupt them, and
watch the network recall them::

    import hebbmem as hm
    model = hm.HopfieldNetwork(num_neurons=784, asyn=True, seed=0)
    trainer = hm.HebbianTrainer(model)     # = hm.Trainer(model, hm.Hebbian())
    trainer.train(patterns)                # one-shot storage
    recalled = trainer.predict(noisy)      # same shape as the input

The map. hebbmem is organised by family; each family is one subpackage
holding its models, rules, trainers and Numba kernels side by side, and
importing nothing from another family (reward learning builds on the
plasticity family's spiking layer, the one declared dependency):

* :mod:`hebbmem.hopfield`: associative memory. The classic
  :class:`HopfieldNetwork` (and canns' :class:`AmariHopfieldNetwork`), the
  stochastic, continuous and modern networks, the rules :class:`Hebbian`,
  :class:`AntiHebbian`, :class:`Storkey`, :class:`PseudoInverse`, their
  trainers, recall dynamics and kernels.
* :mod:`hebbmem.plasticity`: online plasticity on feed-forward layers.
  :class:`LinearLayer`, :class:`SpikingLayer`, the rules :class:`Oja`,
  :class:`Sanger`, :class:`BCM`, :class:`STDP` and their trainers.
* :mod:`hebbmem.reward`: reward learning on :class:`SpikingLayer` (built on
  :mod:`hebbmem.plasticity`). :class:`RewardModulatedSTDP`, the three-factor
  rule (eligibility traces and a delayed reward), and its trainer.
* :mod:`hebbmem.competitive`: competitive learning and sparse coding.
  Földiák's :class:`FoldiakLayer` (Hebbian feed-forward, anti-Hebbian
  lateral weights, adaptive thresholds), its rule :class:`Foldiak` and
  :class:`FoldiakTrainer`, and the bars problem. Hard winner-take-all:
  :class:`CompetitiveLayer` with :class:`WinnerTakeAll` (online k-means, with
  a conscience against dead units) and Kohonen's :class:`SelfOrganizingMap`
  with :class:`SOMTrainer` (MiniSom's schedules).
* :mod:`hebbmem.generative`: models that learn a distribution and dream
  samples. The restricted Boltzmann machine
  (:class:`RestrictedBoltzmannModel`, trained by
  :class:`ContrastiveDivergenceTrainer`) and the :class:`HelmholtzMachine`
  (trained by :class:`WakeSleepTrainer`), with exact likelihoods for small
  models.

Shared, small, at the top level (no family is imported by them):
``_validation`` (input checks and their messages), :mod:`hebbmem.exceptions`,
``_progress`` (the progress line), ``_numba`` (the Numba set-up with its
cache fallback), ``_trainer`` (:class:`Trainer`, the base every trainer
subclasses), :mod:`hebbmem.random` (seeding: ``seed=`` per model,
``hebbmem.random.seed(n)`` for a program), ``_parallel`` (the trials of a
sweep on joblib or Dask) and ``_version``.

What students type by name: :mod:`hebbmem.datasets` (bundled MNIST subset,
pictures), :mod:`hebbmem.noise`, :mod:`hebbmem.patterns`,
:mod:`hebbmem.analysis` (capacity, basins, overlaps), :mod:`hebbmem.plotting`
(the only place that imports matplotlib), :mod:`hebbmem.widgets`,
:mod:`hebbmem.io` (``model.save`` / :func:`load`) and the command line
:mod:`hebbmem.cli`.

canns' import paths are thin re-exports: :mod:`hebbmem.models.brain_inspired`,
:mod:`hebbmem.trainer`, :mod:`hebbmem.analyzer` (with ``visualization``, canns'
tuning-curve plot) and :mod:`hebbmem.utils` (``get_example_output_dir``).

Where a new piece goes: a new rule or model of an existing family goes into
that family's room (its formula in the docstring, a NumPy step, a kernel in
the room's ``_kernels``, a textbook twin in ``tests/``); a new family gets a
new subpackage shaped like :mod:`hebbmem.plasticity`, re-exported here and,
if canns has it, from canns' paths. CONTRIBUTING.md says it step by step.

Conventions: states are +1/-1 (float32); a neuron whose field equals its
threshold keeps its state; Hebbian weights are normalised by 1/P with a
zero diagonal; randomness comes from a model's ``seed=``, else from
``hebbmem.random.seed(n)``, else from NumPy's global state (see
:mod:`hebbmem.random`). docs/conventions.md has them all.
"""

from ._trainer import Trainer
from ._version import __version__  # noqa: F401  (hebbmem.__version__)
from .exceptions import ConvergenceWarning, NotTrainedError, WeightMatrixTooLargeError
from .hopfield import (
    AmariHopfieldNetwork,
    AntiHebbian,
    AntiHebbianTrainer,
    ContinuousHopfieldNetwork,
    DenseAssociativeMemory,
    Hebbian,
    HebbianTrainer,
    HopfieldNetwork,
    ModernHopfieldNetwork,
    Network,
    PseudoInverse,
    RecallResult,
    Rule,
    StochasticHopfieldNetwork,
    Storkey,
)
from .io import ModelFileError, load
from .plasticity import (
    BCM,
    STDP,
    BCMTrainer,
    LinearLayer,
    Oja,
    OjaTrainer,
    PlasticityRule,
    Sanger,
    SangerTrainer,
    SpikingLayer,
    STDPTrainer,
)
from .reward import RewardModulatedSTDP, RewardModulatedSTDPTrainer
from .competitive import Foldiak, FoldiakLayer, FoldiakTrainer
from .competitive import (  # competitive learning and self-organising maps (issue 16)
    CompetitiveLayer,
    CompetitiveTrainer,
    Kohonen,
    SelfOrganizingMap,
    SOMTrainer,
    WinnerTakeAll,
)
from .generative import ContrastiveDivergenceTrainer, HelmholtzMachine, RestrictedBoltzmannModel, WakeSleepTrainer
from .analysis._analyzer import HopfieldAnalyzer

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
    "RewardModulatedSTDP",
    "RewardModulatedSTDPTrainer",
    "FoldiakLayer",
    "Foldiak",
    "FoldiakTrainer",
    "RestrictedBoltzmannModel",
    "ContrastiveDivergenceTrainer",
    "HelmholtzMachine",
    "WakeSleepTrainer",
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
    # competitive learning and self-organising maps (issue 16)
    "CompetitiveLayer",
    "WinnerTakeAll",
    "CompetitiveTrainer",
    "SelfOrganizingMap",
    "Kohonen",
    "SOMTrainer",
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
