"""Seed-compatible alias: ``from hebbmem.models.brain_inspired import AmariHopfieldNetwork``.

The seed tutorials (written for canns) import the network from this path.
The classes live in :mod:`hebbmem.networks`; this module only re-exports them.
"""

from ..layers import LinearLayer, SpikingLayer
from ..networks import AmariHopfieldNetwork, HopfieldNetwork, Network

__all__ = ["AmariHopfieldNetwork", "HopfieldNetwork", "Network", "LinearLayer", "SpikingLayer"]
