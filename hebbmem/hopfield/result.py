"""The diagnostics of a recall: what happened to every probe."""


__all__ = ["RecallResult"]


class RecallResult:
    """Recalled states plus per-probe diagnostics.

    Returned by ``predict(..., return_info=True)``,
    ``predict_batch(..., return_info=True)`` and
    ``HopfieldNetwork.recall(..., return_info=True)``.

    Attributes
    ----------
    states : ndarray of shape (n_neurons,) or (n_probes, n_neurons)
        The final states, shaped like the input.
    n_iter : ndarray of shape (n_probes,), int
        Synchronous updates (``mode='sync'``) or sweeps over all neurons
        (``mode='async'``) performed. A probe that converged used its last
        update to check that nothing changes.
    converged : ndarray of shape (n_probes,), bool
        The probe reached a fixed point.
    cycled : ndarray of shape (n_probes,), bool
        Synchronous dynamics fell into a 2-cycle (the state came back after
        two updates). Always False for async dynamics, which cannot cycle
        with symmetric weights.
    hit_max_iter : ndarray of shape (n_probes,), bool
        The probe stopped at ``max_iter`` without converging or cycling.
    energy : ndarray of shape (n_probes, max_iter + 1), float64
        ``energy[k, t]`` is the energy after ``t`` updates or sweeps; NaN
        after the probe stopped. ``None`` if energies were not recorded.
    mode : {'sync', 'async'}
    path : str
        Which implementation ran, e.g. ``'compiled, low-rank'``.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> X = np.array([[1, 1, 1, -1, -1, -1], [1, -1, 1, -1, 1, -1]])
    >>> trainer = hm.HebbianTrainer(hm.HopfieldNetwork(6, seed=0))
    >>> trainer.train(X)
    HebbianTrainer(HopfieldNetwork(num_neurons=6, seed=0))
    >>> info = trainer.predict(X[0], return_info=True)
    >>> bool(info.converged[0]), int(info.n_iter[0])
    (True, 1)
    """

    def __init__(self, states, n_iter, converged, cycled, energy, mode, path, max_iter):
        self.states = states
        self.n_iter = n_iter
        self.converged = converged
        self.cycled = cycled
        self.energy = energy
        self.mode = mode
        self.path = path
        self.max_iter = max_iter

    @property
    def hit_max_iter(self):
        return ~(self.converged | self.cycled)

    def energy_trace(self, k=0):
        """Energy of probe ``k`` after 0, 1, ..., ``n_iter[k]`` updates or sweeps."""
        if self.energy is None:
            raise ValueError("energies were not recorded; recall with return_info=True.")
        return self.energy[k, : self.n_iter[k] + 1].copy()

    def __len__(self):
        return len(self.n_iter)

    def __repr__(self):
        n = len(self.n_iter)
        return (
            f"RecallResult({n} probe{'s' if n != 1 else ''}, mode={self.mode!r}, "
            f"converged={int(self.converged.sum())}, cycled={int(self.cycled.sum())}, "
            f"hit_max_iter={int(self.hit_max_iter.sum())}, "
            f"n_iter=[{int(self.n_iter.min()) if n else 0}..{int(self.n_iter.max()) if n else 0}], "
            f"path={self.path!r})"
        )
