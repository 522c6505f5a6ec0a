r"""Attractors: basins of attraction, spurious states, and runs of fixed length.

* :func:`basin_profile`: recall from stored patterns with a growing fraction
  of bits flipped, and the basin radius (where exact recall drops below 1/2).
* :func:`classify_states`: is a final state a stored pattern, its negation
  (reversed), a symmetric mixture :math:`\operatorname{sign}(\pm x^1 \pm
  x^2 \pm x^3)` of k patterns, or something else (a spin-glass state)?
* :func:`spurious_census`: the same for the attractors reached from random probes.
* :func:`monitored_run`: a fixed number of updates from a probe, recording
  every state (or its overlaps), which does not stop at a fixed point.
"""

import inspect
import warnings

import numpy as np

from .._parallel import PROBE_BITS_PER_TASK, blocks, check_n_jobs, child_seed, root_seed, run_trials
from .._progress import TaskProgress
from .._validation import as_pattern_matrix, check_int, check_real
from ..exceptions import ConvergenceWarning
from ..noise import flip_fraction

__all__ = ["BasinProfile", "basin_profile", "StateClasses", "classify_states", "SpuriousCensus",
           "spurious_census", "monitored_run"]


def _model_of(trainer_or_model, func):
    """The network behind a trainer, or the network itself (anything with ``recall``)."""
    if isinstance(trainer_or_model, type):
        raise TypeError(f"{func} needs a trained network or trainer instance, not the class "
                        f"{trainer_or_model.__name__}.")
    model = getattr(trainer_or_model, "model", trainer_or_model)
    if not hasattr(model, "recall") or not hasattr(model, "num_neurons"):
        raise TypeError(
            f"{func} needs a trained hebbmem network (e.g. hebbmem.HopfieldNetwork) or a trainer "
            f"holding one; got {type(trainer_or_model).__name__}."
        )
    return model


def _recall(model, probes, rng=None):
    """Recall without ConvergenceWarnings: cycles and caps are counted, not warned."""
    kw = {} if rng is None else {"rng": rng}
    if "warn" in inspect.signature(model.recall).parameters:
        # warn=False rather than catch_warnings, which is not thread-safe (joblib's threading backend)
        return np.asarray(model.recall(probes, warn=False, **kw), dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return np.asarray(model.recall(probes, **kw), dtype=np.float64)


def _patterns(patterns, model, func):
    X, _ = as_pattern_matrix(patterns, what="patterns", n_neurons=model.num_neurons)
    return X


# ---------------------------------------------------------------------- basins


class BasinProfile:
    """What :func:`basin_profile` measured.

    Attributes
    ----------
    flip_fractions : ndarray of shape (F,)
        Fractions of flipped bits, as run (``int(f * N)`` bits).
    p_exact : ndarray of shape (F,)
        Probability of exact recall, over all patterns and trials.
    mean_overlap : ndarray of shape (F,)
        Mean final overlap with the pattern the probe came from.
    p_exact_per_pattern : ndarray of shape (P, F)
    radius : float
        Estimated basin radius: the flip fraction at which ``p_exact`` first
        falls below 1/2 (linear interpolation between the two fractions
        around the crossing). If it never does, the largest fraction run (a
        lower bound, ``radius_is_lower_bound`` is True); if it is below 1/2
        already at the first fraction, that fraction (an upper bound).
    radius_is_lower_bound : bool
    trials : int
    """

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def __repr__(self):
        bound = " (lower bound)" if self.radius_is_lower_bound else ""
        return f"BasinProfile({len(self.flip_fractions)} fractions, radius={self.radius:.3g}{bound})"


def _basin_trials(model, X, fraction, n_trials, seed):
    """``n_trials`` noisy copies of every pattern, recalled in one batch: per-pattern exact counts, overlap sum."""
    rng = np.random.default_rng(seed)
    targets = np.repeat(X, n_trials, axis=0)
    probes = flip_fraction(targets, fraction, rng=rng) if fraction > 0 else targets
    final = _recall(model, probes, rng)
    exact = np.all(final == targets, axis=1).reshape(X.shape[0], n_trials).sum(axis=1)
    return exact, float(np.einsum("ij,ij->", final, targets))


def basin_profile(trainer_or_model, patterns, flip_fractions, *, trials=20, seed=None, progress=False,
                  n_jobs=None):
    r"""Probability of exact recall against the fraction of flipped bits: the basins of attraction.

    For every fraction :math:`f` and every pattern :math:`x^\mu`, ``trials``
    probes with :math:`\lfloor fN \rfloor` random bits flipped are recalled
    (in batches of whole trials, one copy of every pattern per trial), and

    .. math::

        p_{\text{exact}}(f) = \Pr[s = x^\mu], \qquad
        \bar m(f) = \Big\langle \tfrac1N \textstyle\sum_i x^\mu_i s_i \Big\rangle

    where :math:`s` is the recalled state. The basin radius is where
    :math:`p_{\text{exact}}` crosses 1/2.

    Parameters
    ----------
    trainer_or_model : Trainer or network
        A trained network (anything with ``recall``), or a trainer holding one.
    patterns : array-like of shape (P, N)
        The stored patterns to probe around (e.g. ``trainer.patterns_``). Not modified.
    flip_fractions : array-like of float
        Fractions in [0, 1], e.g. ``np.linspace(0, 0.5, 11)``.
    trials : int, default=20
        Noisy probes per pattern and fraction.
    seed : None, int or numpy.random.Generator, default=None
        The sweep's seed. The trials of each fraction are cut into batches
        of at most ``PROBE_BITS_PER_TASK`` (2**20) probe bits, at least one
        trial each; batch b of fraction k draws its noise and its
        asynchronous update orders from the SeedSequence child ``(k, b)`` of
        the seed (``SeedSequence(seed).spawn(F)[k].spawn(n_k)[b]``). The
        network's own generator is neither used nor advanced.
    progress : bool, default=False
        A progress line on stderr: batches finished (in every worker).
    n_jobs : None or int, default=None
        Where the batches run: None or 1 in this process, k > 1 in k joblib
        workers, -1 on all cores; see :func:`capacity_curve`. The network
        and the patterns are shipped once per sweep, each batch carries a
        seed. The result does not depend on it.

    Returns
    -------
    BasinProfile

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> from hebbmem.analysis import basin_profile
    >>> rng = np.random.default_rng(0)
    >>> X = np.where(rng.random((3, 100)) < 0.5, 1.0, -1.0)
    >>> trainer = hm.HebbianTrainer(hm.HopfieldNetwork(100, asyn=True, seed=0), subtract_mean=False).train(X)
    >>> prof = basin_profile(trainer, X, [0.0, 0.1, 0.6], trials=5, seed=0)
    >>> prof.p_exact.tolist()
    [1.0, 1.0, 0.0]
    """
    func = "basin_profile"
    model = _model_of(trainer_or_model, func)
    X = _patterns(patterns, model, func)
    try:
        F = np.array(flip_fractions, dtype=float).ravel()
    except (TypeError, ValueError):
        raise TypeError(f"{func}: flip_fractions must be numbers in [0, 1]; got {flip_fractions!r}.") from None
    if F.size == 0 or not np.isfinite(F).all() or (F < 0).any() or (F > 1).any():
        raise ValueError(f"{func}: flip_fractions must be numbers in [0, 1]; got {F.tolist()}.")
    trials = check_int(trials, "trials", func, low=1)
    n_jobs = check_n_jobs(n_jobs, func)
    root = root_seed(seed, func)
    P, N = X.shape
    cuts = blocks(trials, PROBE_BITS_PER_TASK // (P * N))
    tasks = [(float(f), b - a, child_seed(root, k, i)) for k, f in enumerate(F) for i, (a, b) in enumerate(cuts)]
    bar = TaskProgress(len(tasks), "basin profile", unit="batches") if progress else None
    results = run_trials(_basin_trials, tasks, n_jobs, shared=(model, X), owner=func,
                         done=None if bar is None else lambda i, _: bar.tick())
    if bar is not None:
        bar.close()
    per = np.zeros((P, F.size))
    mean_overlap = np.zeros(F.size)
    for k in range(F.size):
        mine = results[k * len(cuts):(k + 1) * len(cuts)]
        per[:, k] = sum(r[0] for r in mine) / trials
        mean_overlap[k] = sum(r[1] for r in mine) / (N * P * trials)
    p_exact = per.mean(axis=0)
    radius, lower = _crossing(F, p_exact)
    return BasinProfile(flip_fractions=F, p_exact=p_exact, mean_overlap=mean_overlap,
                        p_exact_per_pattern=per, radius=radius, radius_is_lower_bound=lower, trials=trials)


def _crossing(F, p):
    """First flip fraction where p falls below 1/2 (linearly interpolated)."""
    order = np.argsort(F)
    F, p = F[order], p[order]
    below = np.flatnonzero(p < 0.5)
    if below.size == 0:
        return float(F[-1]), True
    j = below[0]
    if j == 0:
        return float(F[0]), False
    f0, f1, p0, p1 = F[j - 1], F[j], p[j - 1], p[j]
    return float(f0 + (p0 - 0.5) * (f1 - f0) / (p0 - p1)), False


# -------------------------------------------------------------- classification


class StateClasses:
    """What :func:`classify_states` found, one entry per state.

    Attributes
    ----------
    labels : ndarray of shape (n,), str
        ``'stored'``, ``'reversed'``, ``'mixture'`` or ``'other'``.
    k : ndarray of shape (n,), int
        1 for stored and reversed states, the number of patterns of a
        mixture, 0 for other states.
    components : list of tuple
        For each state, ``((mu, sign), ...)``: the patterns (0-based row
        indices) and signs it is made of; empty for other states.
    hamming : ndarray of shape (n,), int
        Bits differing from the matched pattern or mixture (0 for exact
        matches; meaningless for 'other').
    """

    def __init__(self, labels, k, components, hamming):
        self.labels = labels
        self.k = k
        self.components = components
        self.hamming = hamming

    def counts(self):
        """``{'stored': n, 'reversed': n, 'mixture-3': n, ..., 'other': n}`` (only classes present)."""
        out = {}
        for lab, k in zip(self.labels, self.k):
            key = f"mixture-{k}" if lab == "mixture" else str(lab)
            out[key] = out.get(key, 0) + 1
        order = ["stored", "reversed"] + sorted((c for c in out if c.startswith("mixture")),
                                                key=lambda c: int(c.split("-")[1])) + ["other"]
        return {c: out[c] for c in order if c in out}

    def __len__(self):
        return len(self.labels)

    def __repr__(self):
        return f"StateClasses({self.counts()})"


def classify_states(states, patterns, *, max_k=5, tol=0.0):
    r"""Label each state as a stored pattern, a reversed one, a k-mixture, or other.

    A state :math:`s` is

    * **stored** if it equals a pattern :math:`x^\mu`;
    * **reversed** if it equals :math:`-x^\mu` (same energy as :math:`x^\mu`);
    * a **mixture of k patterns** (k odd, 3 <= k <= ``max_k``) if
      :math:`s = \operatorname{sign}\big(\sum_{\mu \in S} \epsilon_\mu x^\mu\big)`
      for k patterns S and signs :math:`\epsilon_\mu = \pm 1` (an odd sum is never 0);
    * **other** otherwise (at high load: spin-glass states).

    "Equals" allows up to ``tol * N`` differing bits. The candidate patterns
    of a k-mixture are the k with the largest :math:`|m^\mu|`,
    :math:`m^\mu = x^\mu\cdot s/N` (a mixture has overlap about 1/2 with each
    of its three components and about 0 with the rest), with
    :math:`\epsilon_\mu = \operatorname{sign} m^\mu`.

    Parameters
    ----------
    states : array-like of shape (N,) or (n, N)
        +1/-1 states, e.g. the results of recall. Not modified.
    patterns : array-like of shape (P, N)
        The stored patterns. Not modified.
    max_k : int, default=5
        Largest mixture size tried (odd sizes 3, 5, ... up to it).
    tol : float, default=0.0
        Fraction of bits that may differ from the matched pattern or mixture.

    Returns
    -------
    StateClasses

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.analysis import classify_states
    >>> rng = np.random.default_rng(0)
    >>> X = np.where(rng.random((4, 50)) < 0.5, 1.0, -1.0)
    >>> mix = np.sign(X[0] - X[1] + X[3])
    >>> c = classify_states([X[2], -X[1], mix, np.ones(50)], X)
    >>> c.labels.tolist(), c.k.tolist(), c.components[2]
    (['stored', 'reversed', 'mixture', 'other'], [1, 1, 3, 0], ((0, 1), (1, -1), (3, 1)))
    """
    func = "classify_states"
    S, _ = as_pattern_matrix(states, what="states")
    X, _ = as_pattern_matrix(patterns, what="patterns", n_neurons=S.shape[1])
    max_k = check_int(max_k, "max_k", func, low=1)
    tol = check_real(tol, "tol", func, low=0, high=1)
    n, N = S.shape
    P = X.shape[0]
    limit = int(np.floor(tol * N + 1e-9))
    M = S @ X.T                                   # integer overlaps N * m
    dist_pos = (N - M) / 2                        # Hamming distance to x^mu
    dist_neg = (N + M) / 2                        # ... and to -x^mu
    labels = np.full(n, "other", dtype=object)
    k = np.zeros(n, dtype=np.int64)
    ham = np.full(n, -1, dtype=np.int64)
    comps = [()] * n
    best_pos, best_neg = dist_pos.argmin(axis=1), dist_neg.argmin(axis=1)
    rows = np.arange(n)
    dp, dn = dist_pos[rows, best_pos], dist_neg[rows, best_neg]
    for r in range(n):
        if dp[r] <= limit:
            labels[r], k[r], ham[r], comps[r] = "stored", 1, int(dp[r]), ((int(best_pos[r]), 1),)
        elif dn[r] <= limit:
            labels[r], k[r], ham[r], comps[r] = "reversed", 1, int(dn[r]), ((int(best_neg[r]), -1),)
    order = np.argsort(-np.abs(M), axis=1, kind="stable")
    for size in range(3, min(max_k, P) + 1, 2):
        todo = np.flatnonzero(labels == "other")
        if todo.size == 0:
            break
        idx = order[todo, :size]                                  # (t, size)
        eps = np.where(M[todo[:, None], idx] >= 0, 1.0, -1.0)
        mix = np.sign(np.einsum("tk,tkn->tn", eps, X[idx]))
        d = np.count_nonzero(mix != S[todo], axis=1)
        for t, r in enumerate(todo):
            if d[t] <= limit:
                labels[r], k[r], ham[r] = "mixture", size, int(d[t])
                pairs = sorted(zip(idx[t].tolist(), eps[t].astype(int).tolist()))
                comps[r] = tuple((int(mu), int(e)) for mu, e in pairs)
    return StateClasses(labels.astype(str), k, comps, ham)


class SpuriousCensus:
    """The attractors reached from random probes (see :func:`spurious_census`).

    Attributes
    ----------
    classes : StateClasses
        One label per probe's final state.
    states : ndarray of shape (n_probes, N)
        The final states.
    fractions : dict
        Fraction of probes per class (``'stored'``, ``'reversed'``,
        ``'mixture-3'``, ..., ``'other'``).
    n_distinct : int
        Number of distinct final states.
    """

    def __init__(self, classes, states):
        self.classes = classes
        self.states = states
        n = len(classes)
        self.fractions = {c: v / n for c, v in classes.counts().items()}
        self.n_distinct = int(np.unique(states, axis=0).shape[0])

    def __repr__(self):
        shown = ", ".join(f"{c}: {100 * v:.1f} %" for c, v in self.fractions.items())
        return f"SpuriousCensus({len(self.classes)} probes, {self.n_distinct} distinct states; {shown})"


def _census_probes(model, count, seed):
    """``count`` uniformly random probes recalled in one batch; the final states (int8 when they are +1/-1)."""
    rng = np.random.default_rng(seed)
    probes = np.where(rng.random((count, model.num_neurons)) < 0.5, 1.0, -1.0)
    final = _recall(model, probes, rng)
    small = final.astype(np.int8)
    return small if np.array_equal(small, final) else final  # ship 1 byte per neuron back, exactly


def spurious_census(trainer_or_model, patterns, *, n_probes=1000, max_k=5, tol=0.0, seed=None, n_jobs=None):
    """Recall from uniformly random probes and classify where they end.

    Parameters
    ----------
    trainer_or_model : Trainer or network
        A trained network, or a trainer holding one.
    patterns : array-like of shape (P, N)
        The stored patterns. Not modified.
    n_probes : int, default=1000
        Random +1/-1 probes (each bit +1 with probability 1/2).
    max_k, tol
        See :func:`classify_states`.
    seed : None, int or numpy.random.Generator, default=None
        The sweep's seed. The probes are cut into batches of at most
        ``PROBE_BITS_PER_TASK`` (2**20) probe bits; batch b draws its probes
        and its asynchronous update orders from the SeedSequence child
        ``(b,)`` of the seed. The network's own generator is neither used
        nor advanced.
    n_jobs : None or int, default=None
        Where the batches run: None or 1 in this process, k > 1 in k joblib
        workers, -1 on all cores; see
        :func:`~hebbmem.analysis.capacity_curve`. The result does not
        depend on it.

    Returns
    -------
    SpuriousCensus

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> from hebbmem.analysis import spurious_census
    >>> rng = np.random.default_rng(1)
    >>> X = np.where(rng.random((3, 200)) < 0.5, 1.0, -1.0)
    >>> trainer = hm.HebbianTrainer(hm.HopfieldNetwork(200, asyn=True, seed=0), subtract_mean=False).train(X)
    >>> census = spurious_census(trainer, X, n_probes=200, seed=0)
    >>> sorted(census.fractions)
    ['mixture-3', 'reversed', 'stored']
    """
    func = "spurious_census"
    model = _model_of(trainer_or_model, func)
    X = _patterns(patterns, model, func)
    n_probes = check_int(n_probes, "n_probes", func, low=1)
    n_jobs = check_n_jobs(n_jobs, func)
    root = root_seed(seed, func)
    tasks = [(b - a, child_seed(root, i))
             for i, (a, b) in enumerate(blocks(n_probes, PROBE_BITS_PER_TASK // model.num_neurons))]
    final = np.concatenate(run_trials(_census_probes, tasks, n_jobs, shared=(model,), owner=func)).astype(np.float64)
    return SpuriousCensus(classify_states(final, X, max_k=max_k, tol=tol), final)


# ---------------------------------------------------------------- fixed-length run


def monitored_run(model, probe, n_steps, *, patterns=None):
    """Run exactly ``n_steps`` updates from a probe, recording every state; never stops early.

    Unlike recall, which stops at a fixed point, this keeps updating (a
    fixed point then simply repeats), which is what a plot of the state
    sequence over a fixed time window needs, and what stochastic dynamics
    (:class:`~hebbmem.StochasticHopfieldNetwork`) require: they have no fixed
    point. One step is one call ``model.recall(state, max_iter=1)``: a
    synchronous update, an asynchronous sweep, an Euler step or a modern
    update; a :class:`~hebbmem.StochasticHopfieldNetwork` runs its Glauber
    sweeps (following its schedule) in one call of its ``sample`` method.

    Parameters
    ----------
    model : network
        A trained hebbmem network (or a trainer, whose ``model`` is used).
    probe : array-like of shape (N,) or (B, N)
        Initial state(s). Not modified.
    n_steps : int
        Number of updates.
    patterns : array-like of shape (P, N), optional
        If given, return the overlaps with these patterns instead of the states.

    Returns
    -------
    ndarray
        States of shape (n_steps + 1, N) or (n_steps + 1, B, N); with
        ``patterns``, overlaps of shape (n_steps + 1, P) or (n_steps + 1, B, P).
        Row 0 is the probe.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> from hebbmem.analysis import monitored_run
    >>> X = np.array([[1, 1, 1, 1, -1, -1, -1, -1], [1, -1, 1, -1, 1, -1, 1, -1]])
    >>> trainer = hm.Trainer(hm.HopfieldNetwork(8), hm.Hebbian()).train(X)
    >>> probe = X[0].copy(); probe[:2] = -1
    >>> monitored_run(trainer.model, probe, 3, patterns=X)
    array([[0.5, 0. ],
           [1. , 0. ],
           [1. , 0. ],
           [1. , 0. ]])
    """
    model = _model_of(model, "monitored_run")
    n_steps = check_int(n_steps, "n_steps", "monitored_run", low=1)
    S0, was_1d = as_pattern_matrix(probe, what="probe", n_neurons=model.num_neurons, bipolar=False)
    X = None if patterns is None else _patterns(patterns, model, "monitored_run")
    if hasattr(model, "sample"):  # stochastic networks record inside one call (same random numbers)
        return model.sample(S0[0] if was_1d else S0, n_steps, patterns=X)
    state = S0
    rows = [state.copy()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(n_steps):
            state = model.recall(state, max_iter=1)
            state = np.asarray(state, dtype=np.float64)
            rows.append(state.copy())
    out = np.stack(rows)                                   # (T + 1, B, N)
    if X is not None:
        out = out @ X.T / model.num_neurons
    return out[:, 0] if was_1d else out
