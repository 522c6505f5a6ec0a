"""canns' import path for the trainers (``from canns.trainer import HebbianTrainer``): re-exports only."""

from .._trainer import Trainer
from ..hopfield.trainers import AntiHebbianTrainer, HebbianTrainer
from ..plasticity.trainers import BCMTrainer, OjaTrainer, SangerTrainer, STDPTrainer
from ..generative import ContrastiveDivergenceTrainer, WakeSleepTrainer

__all__ = ["Trainer", "HebbianTrainer", "AntiHebbianTrainer", "OjaTrainer", "SangerTrainer", "BCMTrainer",
           "STDPTrainer", "ContrastiveDivergenceTrainer", "WakeSleepTrainer"]
