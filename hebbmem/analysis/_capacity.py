r"""Storage capacity: how many patterns a network keeps, measured and against theory.

For the Hebbian rule with P random patterns in N neurons (load
:math:`\alpha = P/N`), two classic results:

* **One update from a stored pattern** flips each bit with probability
  :math:`\tfrac12\operatorname{erfc}\sqrt{N/2P}` (the crosstalk is a sum of
  about :math:`NP` random signs; Hertz, Krogh and Palmer 1991, section 2.2).
* **Retrieval** survives up to :math:`\alpha_c \approx 0.138`: below it the
  network settles near the pattern with overlap :math:`m(\alpha)` close to 1;
  above it the retrieval state disappears (Amit, Gutfreund and Sompolinsky
  1987). :func:`theory_overlap` solves their zero-temperature equations.
"""

import math

import numpy as np

from .._parallel import blocks, check_n_jobs, child_seed, root_seed, run_trials
from .._progress import TaskProgress
from .._trainer import Trainer
from .._validation import check_bool, check_int, check_real
from ..hopfield.networks import HopfieldNetwork
from ..hopfield.rules import PseudoInverse, Rule
from ..noise import flip_fraction

__all__ = ["CapacityCurve", "capacity_curve", "bit_error_curve", "theory_bit_error", "theory_overlap",
           "ALPHA_C"]

#: The Amit-Gutfreund-Sompolinsky critical load of the Hebbian rule (T = 0).
ALPHA_C = 0.138

#: Probe bits recalled at once inside a capacity trial (rows x N; 167 rows at N = 10**5), which
#: bounds recall's scratch memory. Never reached at N <= 2,000 with up to 8,000 probes.
RECALL_BITS = 2 ** 24


def _erfc(x):
    return np.vectorize(math.erfc, otypes=[float])(x)


def theory_bit_error(load, num_neurons=None):
    r"""Probability that one update flips a bit of a stored pattern (Hebbian rule).

    .. math::

        p_{\text{err}} = \tfrac12 \operatorname{erfc}\!\left(\sqrt{\frac{N}{2P}}\right)
        = \tfrac12 \operatorname{erfc}\!\left(\frac{1}{\sqrt{2\alpha}}\right)

    where :math:`\alpha = P/N` is ``load``. With ``num_neurons`` given, the
    finite-size form is returned instead:

    .. math::

        p_{\text{err}} = \tfrac12 \operatorname{erfc}\!\left(
            \frac{t}{\sqrt{2 (N-1)(P-1)}}\right)

    where the crosstalk on a bit is a sum of exactly :math:`(N-1)(P-1)`
    independent random signs (zero diagonal), it must fall below
    :math:`-(N-1)` for an error (a tie keeps the state), and :math:`t = N`
    or :math:`N-1` is that threshold with the continuity correction of the
    sum's parity (:math:`t = N` when N is odd or P even).

    Parameters
    ----------
    load : float or array-like
        :math:`\alpha = P/N > 0`.
    num_neurons : int, optional
        N, for the finite-size form (P = round(load * N)).

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> from hebbmem.analysis import theory_bit_error
    >>> round(theory_bit_error(0.138), 5)
    0.00355
    """
    a = np.asarray(load, dtype=float)
    if (a <= 0).any():
        raise ValueError(f"load must be > 0 (P/N); got {load!r}.")
    if num_neurons is None:
        p = 0.5 * _erfc(np.sqrt(1.0 / (2.0 * a)))
    else:
        N = check_int(num_neurons, "num_neurons", "theory_bit_error", low=2)
        P = np.maximum(np.rint(a * N), 2)
        t = np.where((N % 2 == 1) | (P % 2 == 0), N, N - 1)
        p = 0.5 * _erfc(t / np.sqrt(2.0 * (N - 1) * (P - 1)))
    return float(p) if np.ndim(load) == 0 else p


def theory_overlap(load):
    r"""Retrieval overlap m(alpha) of the Hebbian network at T = 0 (Amit, Gutfreund, Sompolinsky 1987).

    The replica-symmetric equations reduce to one for :math:`y = m/\sqrt{2\alpha r}`:

    .. math::

        \frac{\operatorname{erf}(y)}{y} = \sqrt{2\alpha} + \frac{2}{\sqrt\pi} e^{-y^2},
        \qquad m = \operatorname{erf}(y)

    where :math:`\alpha` is ``load`` and the largest root :math:`y` gives the
    retrieval state. It exists up to :math:`\alpha_c \approx 0.138`; beyond
    it this function returns 0 (no retrieval state).

    Parameters
    ----------
    load : float or array-like
        :math:`\alpha = P/N \ge 0`.

    Returns
    -------
    m : float or ndarray

    Examples
    --------
    >>> from hebbmem.analysis import theory_overlap
    >>> round(theory_overlap(0.1), 4), theory_overlap(0.2)
    (0.998, 0.0)
    """
    loads = np.atleast_1d(np.asarray(load, dtype=float))
    if (loads < 0).any():
        raise ValueError(f"load must be >= 0 (P/N); got {load!r}.")
    y = np.linspace(1e-3, 8.0, 8000)
    erf_y = 1.0 - _erfc(y)
    out = np.zeros(loads.shape)
    for k, a in enumerate(loads):
        f = erf_y / y - 2.0 / math.sqrt(math.pi) * np.exp(-y * y) - math.sqrt(2.0 * a)
        if f[-1] >= 0:  # tiny load: the root lies beyond y = 8, where erf(y) = 1 in float64
            out[k] = 1.0
            continue
        # f < 0 near y = 0 and for large y; the larger root (f falling through 0) is retrieval
        pos = np.flatnonzero((f[:-1] >= 0) & (f[1:] < 0))
        if pos.size == 0:
            continue
        lo, hi = y[pos[-1]], y[pos[-1] + 1]
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            fm = math.erf(mid) / mid - 2.0 / math.sqrt(math.pi) * math.exp(-mid * mid) - math.sqrt(2.0 * a)
            lo, hi = (mid, hi) if fm >= 0 else (lo, mid)
        out[k] = math.erf(0.5 * (lo + hi))
    return float(out[0]) if np.ndim(load) == 0 else out


class CapacityCurve:
    """What :func:`capacity_curve` measured, one entry per load.

    Attributes
    ----------
    loads : ndarray of shape (L,)
        The loads P/N actually run (P rounded to an integer).
    n_patterns : ndarray of shape (L,), int
        P at each load.
    fraction_exact : ndarray of shape (L,)
        Fraction of probes recalled exactly (every bit equal to the stored pattern).
    mean_overlap : ndarray of shape (L,)
        Mean final overlap of the recalled state with its stored pattern.
    bit_error : ndarray of shape (L,)
        Fraction of bits of the stored patterns that flip in one synchronous
        update started *at* the pattern (every pattern of every network drawn).
    bit_error_sem : ndarray of shape (L,)
        Standard error of ``bit_error`` across the independent networks
        (NaN with a single network).
    n_probes, n_networks, n_bits : ndarray of shape (L,), int
        Probes recalled, independent pattern sets drawn, bits tested for ``bit_error``.
    rule, num_neurons, noise, trials, asyn, seed
        What was run.
    """

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def theory_bit_error(self, finite_size=False):
        """:func:`theory_bit_error` at these loads (Hebbian rule)."""
        return theory_bit_error(self.loads, self.num_neurons if finite_size else None)

    def theory_overlap(self):
        """:func:`theory_overlap` at these loads (Hebbian rule, large N)."""
        return theory_overlap(self.loads)

    def __repr__(self):
        return (f"CapacityCurve({self.rule!r}, num_neurons={self.num_neurons}, {len(self.loads)} loads "
                f"{self.loads.min():.3g}..{self.loads.max():.3g}, noise={self.noise}, trials={self.trials}, "
                f"asyn={self.asyn})")


def _check_rule(rule, func):
    if isinstance(rule, type) and issubclass(rule, Rule):
        raise TypeError(f"{func}: rule must be a Rule instance: write {rule.__name__}() with parentheses.")
    if not isinstance(rule, Rule):
        raise TypeError(f"{func}: rule must be a hebbmem Rule such as hebbmem.Hebbian(); got {type(rule).__name__}.")
    return rule


def _random_patterns(rng, p, n):
    return np.where(rng.random((p, n)) < 0.5, 1.0, -1.0)


def _check_loads(rule, N, loads, func):
    try:
        L = np.array(loads, dtype=float).ravel()
    except (TypeError, ValueError):
        raise TypeError(f"{func}: loads must be numbers (P/N), e.g. [0.05, 0.1, 0.15]; got {loads!r}.") from None
    if L.size == 0 or not np.isfinite(L).all() or (L <= 0).any():
        raise ValueError(f"{func}: loads must be finite numbers > 0 (P/N); got {L.tolist()}.")
    P_all = np.maximum(np.rint(L * N).astype(np.int64), 1)
    if isinstance(rule, PseudoInverse) and (P_all >= N).any():
        bad = float(L[np.argmax(P_all >= N)])
        raise ValueError(
            f"{func}: the pseudo-inverse rule needs P < N, i.e. every load below 1 (and at most "
            f"(N-1)/N = {(N - 1) / N:.4f}); got load {bad} (P = {int(P_all.max())}, N = {N}). "
            f"Use loads below 1."
        )
    return P_all


def _rows(n, N):
    """Row blocks for recalling n states of N neurons: at most ``RECALL_BITS`` probe bits at a time."""
    return blocks(n, RECALL_BITS // N)


def _network(rule, X, rng, max_iter):
    """A fresh synchronous network storing X with ``rule``, and its one-step bit errors from X."""
    N = X.shape[1]
    model = HopfieldNetwork(N, asyn=False, max_iter=max_iter, seed=int(rng.integers(2 ** 63)))
    Trainer(model, rule).train(X)
    errors = 0  # one synchronous update from every stored pattern (rows are independent)
    for a, b in _rows(X.shape[0], N):
        errors += int(np.count_nonzero(model.recall(X[a:b], max_iter=1, warn=False) != X[a:b]))
    return model, float(errors)


def _network_trial(rule, N, noise, asyn, max_iter, P, m, seed):
    """One trial of a capacity sweep, in whatever process runs it: one network, from its own seed.

    Draws P random patterns from ``seed`` (a SeedSequence), stores them with
    ``rule``, counts the bits one synchronous update flips, and, for ``m > 0``,
    recalls the first m patterns with a fraction ``noise`` of their bits
    flipped. Returns ``(flipped bits, exact recalls, sum of final overlaps)``.
    Recall runs in blocks of rows (see ``RECALL_BITS``), so that its scratch
    memory stays bounded at large N.
    """
    rng = np.random.default_rng(seed)
    X = _random_patterns(rng, P, N)
    model, n_err = _network(rule, X, rng, max_iter)
    if m == 0:
        return n_err, 0, 0.0
    targets = X[:m]
    probes = flip_fraction(targets, noise, rng=rng) if noise > 0 else targets
    model.asyn = asyn
    exact = agree = 0.0  # the overlap sums are integers, exact in float64 in any order
    for a, b in _rows(m, N):
        # warn=False, not catch_warnings: cycles and caps above capacity are the point, and
        # catch_warnings is not thread-safe (joblib's threading backend runs trials side by side)
        final = model.recall(probes[a:b], warn=False)
        exact += float(np.all(final == targets[a:b], axis=1).sum())
        agree += float(np.einsum("ij,ij->", final, targets[a:b], dtype=np.float64))
    return n_err, int(exact), agree / N


def _sweep(func, rule, N, P_all, per_load, *, noise, asyn, max_iter, seed, n_jobs, bar=None):
    """Run the networks of every load (``per_load(P)`` gives their probe counts); results per load.

    Network j of load k draws from ``child_seed(root, k, j)``, i.e.
    ``SeedSequence(seed).spawn(L)[k].spawn(n_k)[j]`` for an int seed.
    """
    root = root_seed(seed, func)
    tasks, owner = [], []
    for k, P in enumerate(P_all):
        for j, m in enumerate(per_load(int(P))):
            tasks.append((int(P), m, child_seed(root, k, j)))
            owner.append(k)
    left = np.bincount(owner, minlength=len(P_all))

    def done(i, _):  # in this process, as each network finishes (in any worker)
        k = owner[i]
        left[k] -= 1
        bar.tick(f"{int((left == 0).sum())}/{len(P_all)} loads | P/N = {P_all[k] / N:.3f}")

    cost = [P * (P + m) for P, m, _ in tasks]  # training and one step ~ P^2 N, recall ~ m P N per sweep
    results = run_trials(_network_trial, tasks, n_jobs, shared=(rule, N, noise, asyn, max_iter),
                         done=None if bar is None else done, cost=cost, owner=func)
    if bar is not None:
        bar.close()
    per = [[] for _ in P_all]
    for k, r in zip(owner, results):
        per[k].append(r)
    return per


def bit_error_curve(rule, num_neurons, loads, *, networks=10, seed=None, n_jobs=None):
    r"""The per-bit error of one update from stored patterns, against the load.

    For each load, ``networks`` independent sets of
    :math:`P = \operatorname{round}(\alpha N)` random patterns are stored, one
    synchronous update is applied to every stored pattern, and the flipped
    bits are counted (a tie keeps the bit). Cheaper than
    :func:`capacity_curve` (no recall), so many networks can be drawn to
    measure small error rates; compare with :func:`theory_bit_error`.

    Parameters
    ----------
    rule : Rule
    num_neurons : int
    loads : array-like of float
    networks : int, default=10
        Independent pattern sets per load.
    seed : None, int or numpy.random.Generator
        The sweep's seed: network j of load k draws its patterns from the
        SeedSequence child ``(k, j)`` of it (see :func:`capacity_curve`).
    n_jobs : None or int, default=None
        Where the networks are drawn: None or 1 in this process, k > 1 in k
        joblib workers, -1 on all cores (see :func:`capacity_curve`). The
        result does not depend on it.

    Returns
    -------
    CapacityCurve
        With ``bit_error``, ``bit_error_sem`` (standard error across the
        networks), ``n_bits`` and ``n_networks`` filled in; the recall fields
        (``fraction_exact``, ``mean_overlap``) are None.

    Examples
    --------
    >>> import hebbmem as hm
    >>> from hebbmem.analysis import bit_error_curve
    >>> c = bit_error_curve(hm.Hebbian(), 200, [0.05, 0.5], networks=3, seed=0)
    >>> bool(c.bit_error[0] < 0.01 < c.bit_error[1])
    True
    """
    func = "bit_error_curve"
    rule = _check_rule(rule, func)
    N = check_int(num_neurons, "num_neurons", func, low=2)
    P_all = _check_loads(rule, N, loads, func)
    networks = check_int(networks, "networks", func, low=1)
    n_jobs = check_n_jobs(n_jobs, func)
    per = _sweep(func, rule, N, P_all, lambda P: [0] * networks, noise=0.0, asyn=False, max_iter=1,
                 seed=seed, n_jobs=n_jobs)
    err, sem, bits = (np.zeros(P_all.size) for _ in range(3))
    for k, P in enumerate(P_all):
        e = np.array([r[0] for r in per[k]])
        n = int(P) * N
        err[k] = e.sum() / (n * networks)
        sem[k] = (e / n).std(ddof=1) / math.sqrt(networks) if networks > 1 else math.nan
        bits[k] = n * networks
    return CapacityCurve(rule=rule, num_neurons=N, loads=P_all / N, n_patterns=P_all, noise=0.0,
                         trials=0, asyn=False, seed=seed, fraction_exact=None, mean_overlap=None,
                         bit_error=err, bit_error_sem=sem, n_bits=bits.astype(np.int64),
                         n_networks=np.full(P_all.size, networks), n_probes=np.zeros(P_all.size, np.int64))


def capacity_curve(rule, num_neurons, loads, *, noise=0.0, trials=100, asyn=False, seed=None,
                   progress=False, max_iter=100, n_jobs=None):
    r"""Measure storage capacity: recall quality against the load P/N.

    For every load :math:`\alpha`, random +1/-1 patterns are stored
    (:math:`P = \operatorname{round}(\alpha N)`) in fresh networks with
    ``rule``, and ``trials`` stored patterns, each with a fraction ``noise``
    of its bits flipped, are recalled in one batch per network. The probes
    come from :math:`\lceil \text{trials}/P \rceil` independent pattern sets.

    .. math::

        m = \frac1N \sum_i \xi_i s_i, \qquad
        p_{\text{err}} = \Pr\big[\operatorname{sign}(h_i(\xi)) \ne \xi_i\big]

    where :math:`\xi` is a stored pattern, :math:`s` the recalled state and
    :math:`h(\xi)` the fields at the pattern itself (one synchronous update;
    a tie keeps the bit).

    Parameters
    ----------
    rule : Rule
        E.g. ``hebbmem.Hebbian()``, ``hebbmem.Storkey()``, ``hebbmem.PseudoInverse()``.
    num_neurons : int
        N.
    loads : array-like of float
        Loads P/N > 0 (below 1 for PseudoInverse, which needs P < N).
    noise : float, default=0.0
        Fraction of bits flipped in every probe (``int(noise * N)`` bits);
        0 asks whether the stored patterns are attractors at all.
    trials : int, default=100
        Probes recalled per load.
    asyn : bool, default=False
        Asynchronous (True) or synchronous recall.
    seed : None, int or numpy.random.Generator, default=None
        The sweep's seed. Each network (one pattern set and its probes) is a
        trial that draws its patterns, noise and update orders from its own
        :class:`numpy.random.SeedSequence` child: network j of load k from
        ``SeedSequence(seed).spawn(L)[k].spawn(n_k)[j]``. None draws the
        sweep's entropy from :func:`hebbmem.random.generator` (so
        ``hebbmem.random.seed(n)`` makes it reproducible).
    progress : bool, default=False
        Show a progress line on stderr: networks finished (in every worker)
        and loads complete.
    max_iter : int, default=100
        Iteration cap of each recall (sync runs that cycle stop there silently).
    n_jobs : None or int, default=None
        Where the networks run. None or 1: one after the other in this
        process (joblib is not imported). k > 1: k joblib workers (loky
        processes); -1: all cores. None inside ``with
        joblib.parallel_backend("dask"):`` runs them on that Dask cluster. A
        task carries a seed and two counts, never arrays. The result is
        bit-identical for every n_jobs and backend.

    Returns
    -------
    CapacityCurve
        With ``fraction_exact``, ``mean_overlap``, ``bit_error`` per load.

    Raises
    ------
    ValueError
        For loads <= 0, a load >= 1 with PseudoInverse, noise outside [0, 1].

    See Also
    --------
    theory_bit_error, theory_overlap
    hebbmem.plotting.plot_capacity : draws the curve against theory.

    Examples
    --------
    >>> import hebbmem as hm
    >>> from hebbmem.analysis import capacity_curve
    >>> curve = capacity_curve(hm.Hebbian(), 200, [0.05, 0.3], trials=20, seed=0)
    >>> curve.n_patterns.tolist(), curve.fraction_exact.tolist()
    ([10, 60], [1.0, 0.0])
    """
    func = "capacity_curve"
    rule = _check_rule(rule, func)
    N = check_int(num_neurons, "num_neurons", func, low=2)
    P_all = _check_loads(rule, N, loads, func)
    noise = check_real(noise, "noise", func, low=0, high=1)
    trials = check_int(trials, "trials", func, low=1)
    asyn = check_bool(asyn, "asyn", func)
    max_iter = check_int(max_iter, "max_iter", func, low=1)
    n_jobs = check_n_jobs(n_jobs, func)
    shape = P_all.shape
    out = {k: np.zeros(shape) for k in ("fraction_exact", "mean_overlap", "bit_error", "bit_error_sem")}
    counts = {k: np.zeros(shape, dtype=np.int64) for k in ("n_probes", "n_networks", "n_bits")}

    def probes_per_network(P):  # ceil(trials / P) networks, P probes each, the last one the rest
        return [min(P, trials - a) for a in range(0, trials, P)]

    bar = TaskProgress(sum(len(probes_per_network(int(P))) for P in P_all),
                       f"capacity ({type(rule).__name__}, N={N})", unit="networks") if progress else None
    per = _sweep(func, rule, N, P_all, probes_per_network, noise=noise, asyn=asyn, max_iter=max_iter, seed=seed,
                 n_jobs=n_jobs, bar=bar)
    for k, P in enumerate(P_all):
        errs = np.array([r[0] for r in per[k]])
        bits = np.full(errs.size, float(P * N))
        out["fraction_exact"][k] = sum(r[1] for r in per[k]) / trials
        out["mean_overlap"][k] = sum(r[2] for r in per[k]) / trials
        out["bit_error"][k] = errs.sum() / bits.sum()
        frac = errs / bits
        out["bit_error_sem"][k] = frac.std(ddof=1) / math.sqrt(frac.size) if frac.size > 1 else math.nan
        counts["n_probes"][k], counts["n_networks"][k], counts["n_bits"][k] = trials, errs.size, bits.sum()
    return CapacityCurve(rule=rule, num_neurons=N, loads=P_all / N, n_patterns=P_all, noise=noise,
                         trials=trials, asyn=asyn, seed=seed, **out, **counts)
