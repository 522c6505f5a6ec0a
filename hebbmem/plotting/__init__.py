"""Every figure hebbmem draws, family by family: each function takes ``ax=None`` and returns the Axes (or Figure).

This is the only hebbmem module that imports matplotlib; ``import hebbmem``
does not import it. Import this module explicitly::

    from hebbmem import plotting
    plotting.plot_recall(stored, noisy, recalled)

Every function draws into the Axes ``ax`` (or the Figure ``fig`` for grids)
you pass, or creates one when it is None, and returns it, so figures can be
combined and restyled with ordinary matplotlib calls. Nothing is shown or
saved: call ``plt.show()`` or ``fig.savefig(...)`` yourself. The functions
work with any backend, including the headless ``"Agg"``. No input is
modified.

* :func:`plot_pattern`: one +1/-1 pattern as an image (+1 white, -1 black).
* :func:`plot_recall`: the stored / corrupted / recalled grid of the seed
  tutorials, with the recall accuracy in the titles.
* :func:`plot_weights`: a weight matrix on a diverging colour scale centred on 0.
* :func:`plot_energy`: the energy of each probe during recall.
* :func:`plot_overlaps`: the overlap with every stored pattern during recall.
* :func:`plot_overlap_matrix`: pairwise overlaps of stored patterns.
* :func:`plot_state_sequence`: states over time, with their overlaps.
* :func:`plot_capacity` ``(curve, ax=None, theory=True)``: a
  :func:`hebbmem.analysis.capacity_curve` against the Hebbian theory;
  :func:`plot_bit_error`: the per-bit error law; :func:`plot_basins`: a
  :func:`hebbmem.analysis.basin_profile`.
* plasticity (:mod:`hebbmem.plasticity`): :func:`plot_receptive_fields` (rows of
  W as images), :func:`plot_tuning_curves`, :func:`plot_spike_raster`,
  :func:`plot_stdp_window` and :func:`plot_weight_evolution`.
* reward learning (:mod:`hebbmem.reward`): :func:`plot_eligibility` (eligibility
  traces over time, with the rewards) and :func:`plot_reward_learning` (input
  spikes, eligibility and weights of a reward-modulated STDP run).
* sparse coding (:mod:`hebbmem.competitive`): :func:`plot_feedforward_weights`
  (Földiák's ``Q`` as images), :func:`plot_lateral_weights` and
  :func:`plot_output_correlations`.
* self-organising maps (:mod:`hebbmem.competitive`): :func:`plot_umatrix` (the
  U-matrix), :func:`plot_component_plane` / :func:`plot_component_planes`,
  :func:`plot_som_prototypes` (each unit's prototype as an image, on the grid)
  and :func:`plot_label_map` (the most frequent label per unit).
* generative (:mod:`hebbmem.generative`): :func:`plot_samples` (samples,
  reconstructions or probabilities as images); filters with
  :func:`plot_receptive_fields`.
* :func:`plot_recall_session`: state, energy and overlaps of a
  :class:`hebbmem.widgets.RecallSession` (the recall explorer's figure).
* canns' ``tuning_curve``, ``PlotConfig`` and ``PlotConfigs`` live in
  ``_tuning`` and are imported from canns' path
  :mod:`hebbmem.analyzer.visualization`; as in canns, ``tuning_curve``
  makes, saves and shows its own figure.
"""

from ._recall import _accuracy_text, plot_pattern, plot_recall, plot_weights  # noqa: F401  (_accuracy_text: tested)
from ._traces import plot_energy, plot_overlaps
from ._widget import plot_recall_session
from ._memory import plot_basins, plot_bit_error, plot_capacity, plot_overlap_matrix, plot_state_sequence
from ._plasticity import (plot_receptive_fields, plot_spike_raster, plot_stdp_window, plot_tuning_curves,
                          plot_weight_evolution)
from ._reward import plot_eligibility, plot_reward_learning
from ._foldiak import plot_feedforward_weights, plot_lateral_weights, plot_output_correlations
from ._som import (plot_component_plane, plot_component_planes, plot_label_map, plot_som_prototypes,  # SOM (issue 16)
                   plot_umatrix)
from ._generative import plot_samples

__all__ = ["plot_pattern", "plot_recall", "plot_weights", "plot_energy", "plot_overlaps",
           "plot_recall_session", "plot_overlap_matrix", "plot_state_sequence", "plot_capacity",
           "plot_bit_error", "plot_basins", "plot_receptive_fields", "plot_tuning_curves", "plot_spike_raster",
           "plot_stdp_window", "plot_weight_evolution", "plot_eligibility", "plot_reward_learning",
           "plot_feedforward_weights", "plot_lateral_weights", "plot_output_correlations",
           "plot_umatrix", "plot_component_plane", "plot_component_planes", "plot_som_prototypes", "plot_label_map",
           "plot_samples"]
