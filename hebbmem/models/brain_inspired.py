"""canns' import path for the models (``from canns.models.brain_inspired import AmariHopfieldNetwork``): re-exports only."""

from ..hopfield import AmariHopfieldNetwork, HopfieldNetwork, Network
from ..plasticity import LinearLayer, SpikingLayer
from ..generative import HelmholtzMachine, RestrictedBoltzmannModel

__all__ = ["AmariHopfieldNetwork", "HopfieldNetwork", "Network", "LinearLayer", "SpikingLayer",
           "RestrictedBoltzmannModel", "HelmholtzMachine"]
