r"""Competitive learning: a layer of prototype units, the winner-take-all rule, and its trainer.

Each output unit :math:`i` holds a prototype :math:`w_i` (row :math:`i` of
``W``). For an input :math:`x` the units compete: the nearest prototype wins
(hard winner-take-all), its output is 1 and every other output is 0, and only
the winner learns, moving towards :math:`x`. On clustered data each unit
ends at the centre of the cluster it wins: the rule is online k-means.

* :class:`CompetitiveLayer`: the prototypes ``W`` (assignable), ``winner``,
  ``forward`` (one-hot outputs), the win counts;
* :class:`WinnerTakeAll`: the rule, with the learning-rate schedule and the
  two classic remedies for dead units (DeSieno's conscience and
  frequency-sensitive competitive learning);
* :class:`CompetitiveTrainer`: ``train(data, epochs)``, ``predict``,
  ``predict_batch``; the sample loop runs in a Numba kernel or in the rule's
  NumPy ``step``, bit for bit the same.
"""

import numbers
import sys

import numpy as np

from .._trainer import Trainer, rule_parameter
from .._validation import check_bool, check_choice, check_int, check_real, check_seed
from ..io import fail, register, save
from ..random import generator
from ._distances import as_samples, contiguous_weights, kernels, nearest_two, squared_distances

__all__ = ["CompetitiveLayer", "WinnerTakeAll", "CompetitiveTrainer"]


@register
class CompetitiveLayer:
    r"""A layer of prototype units that compete: the nearest prototype wins.

    .. math::

        c(x) = \arg\min_i \|x - w_i\|^2, \qquad y_i = [\, i = c(x) \,]

    where :math:`w_i` is row :math:`i` of ``W`` and :math:`y` the one-hot
    output. **Ties go to the lowest index** (as ``np.argmin``): two units
    at exactly the same distance never both win.

    Parameters
    ----------
    input_size : int
        Length of the input vectors.
    output_size : int
        Number of competing units (clusters).
    seed : int, numpy.random.Generator or None, default=None
        Seed of the generator of the initial weights and of
        :meth:`random_weights_init` and shuffling; None: hebbmem's default
        generator (see :mod:`hebbmem.random`).

    Attributes
    ----------
    W : ndarray of shape (output_size, input_size), float64
        The prototypes, drawn uniformly from [0, 1) (inputs scaled to [0, 1]
        start among them). Assign your own, or start from data with
        :meth:`random_weights_init` (recommended: units far from every input
        never win, see :class:`WinnerTakeAll`).
    wins : ndarray of shape (output_size,), int64
        How often each unit has won during training.
    win_frequency : ndarray of shape (output_size,), float64
        DeSieno's running estimate :math:`p_i` of each unit's winning
        frequency (used by ``fairness="conscience"``), starting at 1/output_size.
    x, y : ndarray
        The last input given to :meth:`forward` and its one-hot output.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> layer = hm.CompetitiveLayer(2, 3, seed=0)
    >>> layer.W = np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]])
    >>> layer.winner([0.9, 1.2]), layer.forward([0.9, 1.2])
    (1, array([0., 1., 0.]))
    >>> layer.winner([[0.1, 0.0], [4.0, 4.5]])
    array([0, 2])
    >>> layer.winner([0.5, 0.5])  # a tie between units 0 and 1: the lowest index wins
    0
    """

    weight_attr = "W"
    predict_state_attr = "y"

    def __init__(self, input_size, output_size, *, seed=None):
        owner = "CompetitiveLayer"
        self.input_size = check_int(input_size, "input_size", owner, low=1)
        self.output_size = check_int(output_size, "output_size", owner, low=1,
                                     fix="It is the number of competing units (clusters).")
        self.seed = check_seed(seed, owner)
        self.rng = generator(self.seed, owner)
        self.W = self.rng.random((self.output_size, self.input_size))
        self.init_state()

    def init_state(self):
        """Zero the win counts, reset ``win_frequency`` to 1/output_size, and zero ``x`` and ``y``. Weights are kept."""
        self.wins = np.zeros(self.output_size, dtype=np.int64)
        self.win_frequency = np.full(self.output_size, 1.0 / self.output_size)
        self.x = np.zeros(self.input_size)
        self.y = np.zeros(self.output_size)

    @property
    def s(self):
        """The last output (one-hot), the state a model file keeps."""
        return self.y

    def _weights(self):
        return contiguous_weights(self, (self.output_size, self.input_size), "CompetitiveLayer")

    def _inputs(self, data, what="x", allow_1d=True):
        return as_samples(data, self.input_size, what=what, owner="CompetitiveLayer", allow_1d=allow_1d)

    def winner(self, x):
        """The index of the nearest unit (ties: the lowest index), for one input or each row of a batch.

        Parameters
        ----------
        x : array-like of shape (input_size,) or (n, input_size)

        Returns
        -------
        int, or ndarray of shape (n,), int64
        """
        X = self._inputs(x)
        W = self._weights()
        if X.ndim == 1:
            return int(np.argmin(squared_distances(W, X)))
        return nearest_two(W, X, compiled=X.shape[0] > 1)[0]

    def forward(self, x):
        """The one-hot output for one input (sets ``x`` and ``y``), or one row per input of a batch."""
        X = self._inputs(x)
        win = self.winner(X)
        if X.ndim == 1:
            self.x = X.copy()
            self.y = np.zeros(self.output_size)
            self.y[win] = 1.0
            return self.y.copy()
        Y = np.zeros((X.shape[0], self.output_size))
        Y[np.arange(X.shape[0]), win] = 1.0
        self.x, self.y = X[-1].copy(), Y[-1].copy()
        return Y

    def quantization_error(self, data):
        """The mean distance :math:`\\|x - w_{c(x)}\\|` from each row of ``data`` to its winner."""
        X = self._inputs(data, "data", allow_1d=False)
        d_best = nearest_two(self._weights(), X)[2]
        return float(np.mean(np.sqrt(d_best)))

    def random_weights_init(self, data):
        """Set ``W`` to ``output_size`` distinct rows of ``data``, drawn with the layer's generator.

        Every unit then starts on an input, so none starts out of reach.
        ``data`` is not modified.
        """
        X = self._inputs(data, "data", allow_1d=False)
        if X.shape[0] < self.output_size:
            raise ValueError(f"random_weights_init needs at least output_size={self.output_size} rows of data "
                             f"(one per unit); got {X.shape[0]}.")
        self.W = X[self.rng.choice(X.shape[0], self.output_size, replace=False)].copy()
        return self

    def save(self, path):
        """Write the layer (weights, win counts, generator) to ``path``; ``hebbmem.load(path)`` reads it back."""
        save(self, path)

    def _save_parts(self, arrays):
        arrays["W"] = np.ascontiguousarray(self._weights())
        arrays["wins"] = np.ascontiguousarray(self.wins, dtype=np.int64)
        arrays["win_frequency"] = np.ascontiguousarray(self.win_frequency, dtype=np.float64)
        seed = self.seed if isinstance(self.seed, int) else None
        return {"input_size": self.input_size, "output_size": self.output_size, "seed": seed}, {}

    @classmethod
    def _load_parts(cls, params, header, archive, path):
        if set(params) != {"input_size", "output_size", "seed"}:
            raise fail(path, f"unexpected parameters {sorted(params)} for a CompetitiveLayer.")
        try:
            model = cls(**params)
        except (TypeError, ValueError) as err:
            raise fail(path, f"its parameters are invalid: {err}") from None
        m, n = model.output_size, model.input_size
        model.W = archive.get("W", (m, n), ("float64",)).copy()
        model.wins = archive.get("wins", (m,), ("int64",)).copy()
        if (model.wins < 0).any():
            raise fail(path, "its win counts are negative.")
        model.win_frequency = archive.get("win_frequency", (m,), ("float64",)).copy()
        model.y = archive.get("state", (m,), ("float64",)).copy()
        return model

    def __repr__(self):
        seed = f", seed={self.seed}" if isinstance(self.seed, numbers.Integral) else ""
        return f"CompetitiveLayer({self.input_size}, {self.output_size}{seed})"


class WinnerTakeAll:
    r"""The competitive learning rule: only the winner learns, and it moves towards the input.

    .. math::

        \Delta w_c = \eta\, (x - w_c), \qquad c = \arg\min_i \big( \|x - w_i\|^2 - b_i \big)

    and :math:`\Delta w_i = 0` for every other unit, where

    * :math:`x` is the input and :math:`w_i` the prototype of unit :math:`i`
      (row :math:`i` of ``W``); ties go to the lowest index;
    * :math:`\eta` is ``learning_rate`` (``schedule="constant"``), or
      :math:`1/n_c` with :math:`n_c` the wins of unit :math:`c` so far, this
      one included (``schedule="kmeans"``): each prototype is then the running
      mean of the inputs it has won, MacQueen's online k-means;
    * :math:`b_i = 0` for plain winner-take-all (``fairness=None``).

    A unit that starts far from every input never wins and never learns: a
    *dead unit*. Two remedies make winning fair:

    * ``fairness="conscience"`` (DeSieno 1988): each unit keeps its winning
      frequency, :math:`p_i \leftarrow p_i + \beta\,(z_i - p_i)` with
      :math:`z_i = 1` for the unit nearest to :math:`x` (else 0); the bias
      :math:`b_i = C\,(1/m - p_i)` then favours units that win less than
      their share :math:`1/m`. :math:`\beta` is ``conscience_rate``,
      :math:`C` is ``conscience_bias`` (in units of squared distance), and
      :math:`m` the number of units;
    * ``fairness="frequency"`` (frequency-sensitive competitive learning,
      Ahalt et al. 1990): the winner minimises :math:`(n_i + 1)\,\|x - w_i\|^2`,
      so units that have won often look further away.

    The bias :math:`C` is a squared distance: it must be comparable to the
    squared distances between units and inputs (DeSieno's 10 suits inputs of
    order 1). Frequency-sensitive learning needs no scale. Either one, run for
    a few epochs before k-means (``model.init_state()`` in between, so that
    the rate :math:`1/n_c` counts afresh), also makes it rarer that two units
    share one cluster while another cluster has none, k-means' local optimum.

    Parameters
    ----------
    learning_rate : float in (0, 1], default=0.1
    schedule : {"constant", "kmeans"}, default="constant"
    fairness : {None, "conscience", "frequency"}, default=None
    conscience_bias : float >= 0, default=10.0
        DeSieno's :math:`C`, in units of squared distance.
    conscience_rate : float in (0, 1], default=1e-4
        DeSieno's :math:`\beta`.

    References
    ----------
    J. MacQueen, "Some methods for classification and analysis of multivariate
    observations", Proc. 5th Berkeley Symp. (1967) 281-297.
    D. E. Rumelhart and D. Zipser, "Feature discovery by competitive learning",
    Cognitive Science 9 (1985) 75-112.
    D. DeSieno, "Adding a conscience to competitive learning", IEEE Int. Conf.
    on Neural Networks (1988) I-117-124.
    S. C. Ahalt, A. K. Krishnamurthy, P. Chen and D. E. Melton, "Competitive
    learning algorithms for vector quantization", Neural Networks 3 (1990) 277-290.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> W = np.array([[0.0, 0.0], [4.0, 4.0]])
    >>> wins, freq = np.zeros(2, dtype=np.int64), np.full(2, 0.5)
    >>> hm.WinnerTakeAll(learning_rate=0.5).step(W, np.array([1.0, 2.0]), wins, freq)
    0
    >>> W  # unit 0 moved half-way to the input; unit 1 did not move
    array([[0.5, 1. ],
           [4. , 4. ]])
    """

    _defaults = {"learning_rate": 0.1, "schedule": "constant", "fairness": None, "conscience_bias": 10.0,
                 "conscience_rate": 1e-4}

    def __init__(self, learning_rate=0.1, schedule="constant", fairness=None, conscience_bias=10.0,
                 conscience_rate=1e-4):
        owner = "WinnerTakeAll"
        self.learning_rate = check_real(learning_rate, "learning_rate", owner, low=0.0, low_open=True, high=1.0,
                                        fix="A rate above 1 overshoots the input; 0.01 to 0.1 is usual.")
        self.schedule = check_choice(schedule, "schedule", owner, ("constant", "kmeans"))
        if fairness is not None and fairness not in ("conscience", "frequency"):
            raise (ValueError if isinstance(fairness, str) else TypeError)(
                f"The 'fairness' parameter of {owner} must be None (plain winner-take-all), 'conscience' "
                f"(DeSieno 1988) or 'frequency' (frequency-sensitive learning). Got {fairness!r} instead.")
        self.fairness = fairness
        self.conscience_bias = check_real(conscience_bias, "conscience_bias", owner, low=0.0)
        self.conscience_rate = check_real(conscience_rate, "conscience_rate", owner, low=0.0, low_open=True,
                                          high=1.0)

    def _params(self):
        return {k: getattr(self, k) for k in self._defaults}

    def __repr__(self):
        shown = [f"{k}={v!r}" for k, v in self._params().items() if v != self._defaults[k]]
        return f"WinnerTakeAll({', '.join(shown)})"

    def __eq__(self, other):
        return type(self) is type(other) and self._params() == other._params()

    __hash__ = None

    def step(self, W, x, wins, win_frequency):
        """One sample in NumPy: pick the winner, update ``W``, ``wins`` and ``win_frequency`` in place.

        Returns
        -------
        int
            The unit that learned.
        """
        d2 = squared_distances(W, x)  # ||x - w_i||^2, summed left to right (the kernel's order)
        win = int(np.argmin(d2))  # the nearest unit; ties: the lowest index
        if self.fairness == "conscience":
            z = np.zeros(len(W))
            z[win] = 1.0
            win_frequency += self.conscience_rate * (z - win_frequency)
            bias = self.conscience_bias * (1.0 / len(W) - win_frequency)
            win = int(np.argmin(d2 - bias))
        elif self.fairness == "frequency":
            win = int(np.argmin((wins + 1.0) * d2))
        wins[win] += 1
        eta = 1.0 / wins[win] if self.schedule == "kmeans" else self.learning_rate
        W[win] += eta * (x - W[win])
        return win


class CompetitiveTrainer(Trainer):
    """Train a :class:`CompetitiveLayer` with the :class:`WinnerTakeAll` rule.

    Parameters
    ----------
    model : CompetitiveLayer
    learning_rate, schedule, fairness, conscience_bias, conscience_rate
        The rule's parameters (see :class:`WinnerTakeAll`).
    compiled : bool, default=True
        Run the sample loop in the Numba kernel (True) or in the rule's NumPy
        :meth:`~WinnerTakeAll.step` (False); bit-identical weights and counts.
    show_iteration_progress : bool, default=False
        Print ``epoch e/E`` on stderr during :meth:`train`.
    compiled_prediction : bool, default=True
        Kept for the base class (prediction is exact either way).

    Attributes
    ----------
    rule : WinnerTakeAll
    weight_history_ : ndarray of shape (epochs + 1, output_size, input_size) or None
        ``W`` before training and after each epoch, when the last
        :meth:`train` had ``record_weights=True``.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> rng = np.random.default_rng(0)
    >>> centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    >>> X = np.repeat(centres, 100, axis=0) + rng.normal(size=(300, 2))
    >>> layer = hm.CompetitiveLayer(2, 3, seed=1).random_weights_init(X)
    >>> trainer = hm.CompetitiveTrainer(layer, schedule="kmeans")
    >>> _ = trainer.train(X, epochs=5, shuffle=True)
    >>> np.abs(np.round(layer.W[np.lexsort(layer.W.T[::-1])]))  # one unit per cluster centre (sorted rows)
    array([[ 0.,  0.],
           [ 0., 10.],
           [10.,  0.]])
    >>> k = layer.winner([9.0, 1.0])                 # the unit of the cluster at (10, 0)
    >>> np.abs(layer.W[k].round()), trainer.predict([9.0, 1.0]).tolist().index(1.0) == k
    (array([10.,  0.]), True)
    """

    learning_rate = rule_parameter("learning_rate")
    schedule = rule_parameter("schedule")
    fairness = rule_parameter("fairness")
    conscience_bias = rule_parameter("conscience_bias")
    conscience_rate = rule_parameter("conscience_rate")

    def __init__(self, model, learning_rate=0.1, *, schedule="constant", fairness=None, conscience_bias=10.0,
                 conscience_rate=1e-4, compiled=True, show_iteration_progress=False, compiled_prediction=True):
        owner = "CompetitiveTrainer"
        if isinstance(model, type):
            raise TypeError(f"{owner} needs a model instance, but got the class {model.__name__}: create it "
                            f"first, e.g. model = {model.__name__}(input_size=..., output_size=...).")
        if not isinstance(model, CompetitiveLayer):
            raise TypeError(f"{owner} trains a hebbmem.CompetitiveLayer; got {type(model).__name__}.")
        super().__init__(model, show_iteration_progress=show_iteration_progress,
                         compiled_prediction=compiled_prediction)
        self.rule = WinnerTakeAll(learning_rate=learning_rate, schedule=schedule, fairness=fairness,
                                  conscience_bias=conscience_bias, conscience_rate=conscience_rate)
        self.compiled = check_bool(compiled, "compiled", owner)
        self.weight_history_ = None
        model._weights()  # fail now, at the line the user wrote

    def _counts(self):
        m = self.model
        wins = np.array(m.wins, dtype=np.int64).reshape(-1)
        freq = np.array(m.win_frequency, dtype=np.float64).reshape(-1)
        if wins.shape != (m.output_size,) or (wins < 0).any() or freq.shape != (m.output_size,) \
                or not np.isfinite(freq).all():
            raise ValueError(f"model.wins and model.win_frequency must hold {m.output_size} counts >= 0 and "
                             f"finite frequencies; got shapes {np.shape(m.wins)} and {np.shape(m.win_frequency)}. "
                             "Call model.init_state() to reset them.")
        m.wins, m.win_frequency = wins, freq
        return wins, freq

    def train(self, train_data, epochs=1, *, shuffle=False, record_weights=False):
        """Learn from the rows of ``train_data``, ``epochs`` times.

        Parameters
        ----------
        train_data : array-like of shape (n_samples, input_size)
            Not modified.
        epochs : int, default=1
        shuffle : bool, default=False
            Visit the rows in a new random order every epoch (drawn from the
            layer's generator, so a seeded layer gives the same result),
            instead of in order.
        record_weights : bool, default=False
            Keep ``W`` after every epoch in :attr:`weight_history_`.

        Returns
        -------
        self
        """
        owner = "CompetitiveTrainer.train"
        model = self.model
        X = model._inputs(train_data, "train_data", allow_1d=False)
        epochs = check_int(epochs, "epochs", owner, low=1, fix="It is the number of passes over the data.")
        shuffle = check_bool(shuffle, "shuffle", owner)
        record = check_bool(record_weights, "record_weights", owner)
        W = model._weights()
        wins, freq = self._counts()
        rule = self.rule
        n = X.shape[0]
        history = [W.copy()] if record else None
        watched = record or self.show_iteration_progress
        orders = [model.rng.permutation(n) if shuffle else np.arange(n) for _ in range(epochs)]
        groups = [[o] for o in orders] if watched else [orders]
        for e, group in enumerate(groups):
            order = np.concatenate(group)
            if self.compiled:
                WT = np.ascontiguousarray(W.T)
                kernels().competitive_train(WT, X, order, rule.learning_rate, rule.schedule == "kmeans",
                                            {None: 0, "conscience": 1, "frequency": 2}[rule.fairness],
                                            rule.conscience_bias, rule.conscience_rate, wins, freq,
                                            np.empty(W.shape[0]))
                W[...] = WT.T
            else:
                for i in order:
                    rule.step(W, X[i], wins, freq)
            if record:
                history.append(W.copy())
            if self.show_iteration_progress:
                sys.stderr.write(f"\rCompetitiveTrainer: epoch {e + 1}/{epochs}" + ("\n" if e + 1 == epochs else ""))
                sys.stderr.flush()
        if record:
            self.weight_history_ = np.stack(history)
        return self

    def predict(self, pattern, *args, **kwargs):
        """The one-hot output for one input (``model.forward``; sets ``model.x`` and ``model.y``)."""
        X = self.model._inputs(pattern, "pattern")
        if X.ndim != 1:
            raise ValueError(f"predict takes one input of shape ({self.model.input_size},); got shape {X.shape}. "
                             "Use predict_batch for several.")
        return self.model.forward(X)

    def predict_batch(self, patterns, *args, **kwargs):
        """One-hot outputs for every row, shape (n, output_size). The model's ``x`` and ``y`` are not changed."""
        X = self.model._inputs(patterns, "patterns", allow_1d=False)
        win = self.model.winner(X)
        Y = np.zeros((X.shape[0], self.model.output_size))
        Y[np.arange(X.shape[0]), win] = 1.0
        return Y

    def __repr__(self):
        extra = "" if self.compiled else ", compiled=False"
        return f"CompetitiveTrainer({self.model!r}, {self.rule!r}{extra})"
