"""The quantities students plot: overlaps, accuracies, distances and recall trajectories.

Everything here is plain NumPy (no matplotlib), and no function modifies
its inputs.

* :func:`overlap`: how similar states are to stored patterns, from -1 to 1.
* :func:`recall_accuracy`: the fraction of bits that match, as in the seed
  tutorials' ``np.mean(orig == recov)``.
* :func:`hamming`: the number of bits that differ.
* :func:`trajectory`: every state visited while one probe is recalled.
* :func:`overlap_trajectory`: the overlap of each of those states with
  every stored pattern, which shows a probe falling into an attractor (or
  into a mixture of patterns).

Shapes follow the rest of hebbmem: one pattern is a vector of shape
``(N,)``, several patterns are the rows of an array of shape ``(n, N)`` (a
list of 1-D arrays is accepted too).
"""

from ._analyzer import HopfieldAnalyzer
from ._recall import hamming, overlap, overlap_trajectory, recall_accuracy, trajectory

__all__ = ["overlap", "recall_accuracy", "hamming", "trajectory", "overlap_trajectory", "HopfieldAnalyzer"]
