"""What students measure: overlaps, recall trajectories, capacity curves against theory, basins and spurious states.

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

Memory science (capacity, basins and attractors, against theory):

* :func:`capacity_curve`: recall quality against the load P/N, with
  :func:`theory_bit_error` and :func:`theory_overlap` (Amit, Gutfreund and
  Sompolinsky) to compare with; :func:`bit_error_curve` measures only the
  per-bit error of one update, over many networks.
* :func:`basin_profile`: exact recall against the fraction of flipped bits.
* :func:`classify_states` and :func:`spurious_census`: stored, reversed,
  mixture and spin-glass states.
* :func:`monitored_run`: a fixed number of updates, not stopping at a fixed point.

The four sweeps (:func:`capacity_curve`, :func:`bit_error_curve`,
:func:`basin_profile`, :func:`spurious_census`) take ``n_jobs=``: their
trials run in this process, in joblib workers or on a Dask cluster, with
bit-identical results (each trial draws from its own SeedSequence child of
the sweep's seed; see docs/cluster.md).

Shapes follow the rest of hebbmem: one pattern is a vector of shape
``(N,)``, several patterns are the rows of an array of shape ``(n, N)`` (a
list of 1-D arrays is accepted too).
"""

from ._analyzer import HopfieldAnalyzer
from ._capacity import (ALPHA_C, CapacityCurve, bit_error_curve, capacity_curve, theory_bit_error,
                        theory_overlap)
from ._recall import hamming, overlap, overlap_trajectory, recall_accuracy, trajectory
from ._states import (BasinProfile, SpuriousCensus, StateClasses, basin_profile, classify_states,
                      monitored_run, spurious_census)

__all__ = ["overlap", "recall_accuracy", "hamming", "trajectory", "overlap_trajectory",
           "capacity_curve", "CapacityCurve", "bit_error_curve", "theory_bit_error", "theory_overlap", "ALPHA_C",
           "basin_profile", "BasinProfile", "classify_states", "StateClasses", "spurious_census",
           "SpuriousCensus", "monitored_run", "HopfieldAnalyzer"]
