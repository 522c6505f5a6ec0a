"""``HopfieldAnalyzer``: canns' diagnostics of a Hopfield memory, computed with hebbmem's network."""

import numpy as np

from .._validation import as_pattern_matrix
from ..hopfield.base import Network

__all__ = ["HopfieldAnalyzer"]


class HopfieldAnalyzer:
    r"""Diagnostics of a Hopfield memory: pattern energies, overlaps, recall quality, capacity.

    The canns 1.5.0 analyzer, importable from canns' paths
    (``hebbmem.analyzer.model_specific.hopfield`` and
    ``hebbmem.analyzer.brain_inspired``). The energy of a state is

    .. math::

        E(s) = -\frac{1}{2} \sum_{i,j} W_{ij} s_i s_j + \theta \sum_i s_i

    where

    * :math:`W` is ``model.W`` (the stored weights; zeros before training);
    * :math:`s` is the state (a stored pattern, a probe or a recalled state);
    * :math:`\theta` is the network's firing threshold (``model.threshold``
      or ``model.bias``). canns' analyzer leaves this term out, although its
      network's own ``energy`` includes it; hebbmem includes it, so that the
      analyzer and ``model.energy`` agree. With :math:`\theta = 0` the two are
      the same.

    The overlap of two patterns is :math:`m = \frac1N \sum_i a_i b_i`.

    Parameters
    ----------
    model : HopfieldNetwork
        The network to analyse (read, never modified).
    stored_patterns : list of 1-D arrays, or array of shape (P, N), optional
        The patterns stored in it; their energies are computed right away.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> X = np.array([[1.0, -1.0, 1.0, -1.0], [1.0, 1.0, -1.0, -1.0]])
    >>> model = hm.AmariHopfieldNetwork(num_neurons=4)
    >>> _ = hm.HebbianTrainer(model, subtract_mean=False).train(X)
    >>> analyzer = hm.HopfieldAnalyzer(model, stored_patterns=X)
    >>> analyzer.pattern_energies
    [-2.0, -2.0]
    >>> sorted(analyzer.analyze_recall(X[0], X[0]))
    ['best_match_idx', 'best_match_overlap', 'input_output_overlap', 'output_energy']
    """

    def __init__(self, model, stored_patterns=None):
        if not isinstance(model, Network):
            raise TypeError(
                f"HopfieldAnalyzer needs a hebbmem Hopfield network as its model, e.g. "
                f"hebbmem.AmariHopfieldNetwork(num_neurons=784); got {type(model).__name__}."
            )
        self.model = model
        self.stored_patterns = []
        self._pattern_energies = []
        if stored_patterns is not None and len(stored_patterns) > 0:
            self.set_patterns(stored_patterns)

    def _as_rows(self, patterns, what):
        X, _ = as_pattern_matrix(patterns, what=what, n_neurons=self.model.num_neurons, bipolar=False)
        return X

    def set_patterns(self, patterns):
        """Set the stored patterns (copies, float32) and compute their energies."""
        self.stored_patterns = [row.astype(np.float32) for row in self._as_rows(patterns, "patterns")]
        self.compute_pattern_energies()

    def compute_pattern_energies(self):
        """Compute the energy of every stored pattern (see :attr:`pattern_energies`)."""
        if self.stored_patterns:
            E = self.model.compute_energy(np.stack(self.stored_patterns))
            self._pattern_energies = [float(e) for e in np.atleast_1d(E)]
        else:
            self._pattern_energies = []

    @property
    def pattern_energies(self):
        """The energies of the stored patterns, as a list of floats."""
        return self._pattern_energies

    def compute_overlap(self, pattern1, pattern2):
        """Overlap :math:`\\frac1N \\sum_i a_i b_i` of two patterns, from -1 to 1 (a float).

        The network's own :meth:`~hebbmem.Network.compute_overlap`.
        """
        return self.model.compute_overlap(pattern1, pattern2)

    def compute_energy(self, pattern):
        """Energy of one state, threshold term included (a float; see the class formula)."""
        return float(self.model.compute_energy(self._as_rows(pattern, "pattern")[0]))

    def analyze_recall(self, input_pattern, output_pattern):
        """Recall quality of one probe, with canns' keys.

        Returns
        -------
        dict
            ``best_match_idx`` and ``best_match_overlap`` (the stored pattern
            the output overlaps most, if patterns were set),
            ``input_output_overlap`` and ``output_energy``.
        """
        diagnostics = {}
        if self.stored_patterns:
            overlaps = [self.compute_overlap(output_pattern, p) for p in self.stored_patterns]
            best = int(np.argmax(overlaps))
            diagnostics["best_match_idx"] = best
            diagnostics["best_match_overlap"] = overlaps[best]
        diagnostics["input_output_overlap"] = self.compute_overlap(input_pattern, output_pattern)
        diagnostics["output_energy"] = self.compute_energy(output_pattern)
        return diagnostics

    def estimate_capacity(self):
        """The classical capacity estimate ``model.storage_capacity`` (``max(1, int(0.14 N))``)."""
        capacity = getattr(self.model, "storage_capacity", None)
        return int(capacity) if capacity is not None else max(1, int(0.14 * self.model.num_neurons))

    def get_statistics(self):
        """Statistics of the stored patterns, with canns' keys.

        Returns
        -------
        dict
            ``num_patterns``, ``capacity_estimate``, ``capacity_usage``, and,
            when patterns are set, ``mean_pattern_energy``,
            ``std_pattern_energy``, ``min_pattern_energy``, ``max_pattern_energy``.
        """
        capacity = self.estimate_capacity()
        stats = {
            "num_patterns": len(self.stored_patterns),
            "capacity_estimate": capacity,
            "capacity_usage": len(self.stored_patterns) / max(1, capacity),
        }
        if self._pattern_energies:
            E = np.asarray(self._pattern_energies)
            stats.update(mean_pattern_energy=float(E.mean()), std_pattern_energy=float(E.std()),
                         min_pattern_energy=float(E.min()), max_pattern_energy=float(E.max()))
        return stats

    def compute_weight_symmetry_error(self):
        """:math:`\\|W - W^T\\|_F / \\|W\\|_F` (0 for a symmetric W; 0 too for an all-zero W, where canns gives NaN)."""
        W = np.asarray(self.model.W, dtype=np.float64)
        norm = np.linalg.norm(W)
        return float(np.linalg.norm(W - W.T) / norm) if norm > 0 else 0.0

    def __repr__(self):
        return f"HopfieldAnalyzer({self.model!r}, {len(self.stored_patterns)} stored patterns)"
