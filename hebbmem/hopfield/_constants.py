"""Constants shared by the readable dynamics and the Numba kernels.

This module imports nothing, so both :mod:`hebbmem.hopfield.dynamics` and
:mod:`hebbmem.hopfield._kernels` can read it without importing each other.
"""

# SplitMix64 (Steele, Lea and Flood, 2014): expands one 64-bit key into the
# random numbers of an asynchronous sweep's update order.
SPLITMIX_GOLDEN = 0x9E3779B97F4A7C15
SPLITMIX_MIX1 = 0xBF58476D1CE4E5B9
SPLITMIX_MIX2 = 0x94D049BB133111EB
