"""Trainers for online plasticity: Oja, Sanger, BCM and STDP, with canns 1.5.0's signatures.

``Model + Trainer + Data``, as in canns' examples::

    from hebbmem.models.brain_inspired import LinearLayer
    from hebbmem.trainer import OjaTrainer
    model = LinearLayer(input_size=50, output_size=3, seed=0)
    trainer = OjaTrainer(model, learning_rate=0.001)
    trainer.train(data, epochs=50)       # 50 passes over the rows of data, in order
    y = trainer.predict(data[0])         # one forward step
    Y = trainer.predict_batch(data)      # every row at once (one matrix product)

Differences from canns: ``train`` takes ``epochs``; the sample loop runs in a
Numba kernel (``compiled=True``) or in the rules' NumPy ``step``
(``compiled=False``), and both use the current ``W`` at every step and give
bit-identical results; weights are plain float64 arrays (``model.W``, not
``model.W.value``). As in canns, each ``train`` call leaves the model with a
new weight array, so an array the program holds is never changed.
"""

import numpy as np

from .._progress import ProgressLine
from .._validation import MAX_COUNT, check_bool, check_int
from .layers import as_inputs
from .rules import BCM, STDP, Oja, Sanger
from .._trainer import Trainer, rule_parameter

__all__ = ["OjaTrainer", "SangerTrainer", "BCMTrainer", "STDPTrainer"]


class _EpochProgress(ProgressLine):
    """``OjaTrainer: epoch 3/50`` (on stderr in a terminal; one line at the end in a notebook)."""

    def text(self, done, iteration):
        return f"{self.label}: epoch {done}/{self.total}"


class _OnlineTrainer(Trainer):
    """Shared parts: model and weight checks, data conversion, epochs, weight history, progress."""

    _needs = ()  # model attributes the rule needs besides the weights

    def __init__(self, model, rule, weight_attr, compiled, compiled_prediction, show_iteration_progress):
        owner = type(self).__name__
        if isinstance(model, type):
            raise TypeError(f"{owner} needs a model instance, but got the class {model.__name__}: create it "
                            f"first, e.g. model = {model.__name__}(input_size=..., output_size=...).")
        super().__init__(model, compiled_prediction=compiled_prediction,
                         show_iteration_progress=show_iteration_progress)
        if not isinstance(weight_attr, str):
            raise TypeError(f"The 'weight_attr' parameter of {owner} must be a str naming the model's weight "
                            f"attribute (default 'W'). Got {weight_attr!r} instead.")
        self.weight_attr = weight_attr
        self.rule = rule
        self.compiled = check_bool(compiled, "compiled", owner)
        self.weight_history_ = None
        self._weights()  # fail now, at the line the user wrote, not at train()
        missing = [a for a in self._needs if getattr(model, a, None) is None]
        if missing:
            raise TypeError(self._missing_message(missing))

    def _missing_message(self, missing):
        return (f"{type(self).__name__} needs a model with {', '.join(missing)}; "
                f"{type(self.model).__name__} has no such attribute.")

    def _weights(self):
        """The model's weight matrix, checked, as a float64 array (the model's own array when it is one)."""
        owner = type(self).__name__
        W = getattr(self.model, self.weight_attr, None)
        if W is None:
            raise TypeError(
                f"{owner} trains the model's {self.weight_attr!r} attribute, but {type(self.model).__name__} "
                f"has none. Use hebbmem.LinearLayer or hebbmem.SpikingLayer, or pass weight_attr=... ."
            )
        if hasattr(W, "value") and not isinstance(W, np.ndarray):
            raise TypeError(f"model.{self.weight_attr} has a .value attribute (a canns/brainpy Variable?); "
                            "hebbmem models keep plain NumPy arrays: use a hebbmem layer.")
        arr = np.asarray(W)
        if arr.ndim != 2 or arr.dtype.kind not in "fiu" or arr.size == 0:
            raise ValueError(f"model.{self.weight_attr} must be a 2-D real array of shape (n_outputs, n_inputs); "
                             f"got shape {arr.shape} and dtype {arr.dtype}.")
        if arr.dtype != np.float64:
            arr = arr.astype(np.float64)
        if not np.isfinite(arr).all():
            raise ValueError(f"model.{self.weight_attr} contains NaN or inf: the weights have diverged or were "
                             "set by hand. Use a smaller learning_rate, or re-create the model.")
        return arr

    def _data(self, data, max_ndim=2):
        """New weights to train (a copy, bound to the model) and the data as a float64 array.

        Training writes only into this copy, so an array the caller holds (one
        assigned with ``model.W = A``, or kept as ``W0 = model.W``) never
        changes: as in canns, each ``train`` call leaves the model with a new
        weight array.
        """
        W = np.array(self._weights(), dtype=np.float64, order="C")  # always a copy
        X = as_inputs(data, W.shape[1], what="train_data", owner=type(self.model).__name__,
                      max_ndim=max_ndim, allow_1d=False)
        setattr(self.model, self.weight_attr, W)
        return W, X

    def _epochs(self, epochs):
        return check_int(epochs, "epochs", f"{type(self).__name__}.train", low=1, high=MAX_COUNT,
                         fix="It is the number of passes over the data.")

    def _run_epochs(self, W, epochs, record_weights, one_epoch, run_all, X=None, extra=()):
        """Run ``epochs`` passes: in one call when nothing is watched, else epoch by epoch.

        ``run_all(n)`` and ``one_epoch()`` return -1, or the index (epoch *
        n_samples + sample) of the sample at which the weights were found
        diverged. Then, or if ``W`` (or an array of ``extra``) ends with NaN
        or inf, ``W`` and ``extra`` are put back as they were before this call
        and :meth:`_diverged` raises: training never leaves NaN weights behind.
        """
        record = check_bool(record_weights, "record_weights", f"{type(self).__name__}.train")
        progress = self.show_iteration_progress
        saved = [W.copy()] + [a.copy() for a in extra]
        where = -1
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging NumPy path: reported below
            if not record and not progress:
                where = run_all(epochs)
            else:
                history = [W.copy()] if record else None
                bar = _EpochProgress(epochs, type(self).__name__) if progress else None
                for e in range(epochs):
                    where = one_epoch()
                    if where is not None and where >= 0:
                        where += e * (len(X) if X is not None else 0)
                        break
                    if record:
                        history.append(W.copy())
                    if progress:
                        bar(e + 1, e + 1)
                if progress:
                    bar.close()
                if record and (where is None or where < 0):
                    self.weight_history_ = np.stack(history)
        where = -1 if where is None else where
        if where >= 0 or not all(np.isfinite(a).all() for a in (W, *extra)):
            for a, before in zip((W, *extra), saved):
                a[...] = before
            raise self._diverged(X, where)
        setattr(self.model, self.weight_attr, W)  # for hebbmem's layers the array already bound: a no-op

    def _diverged(self, X, where):
        """The error for weights that overflowed: where, and which learning rates are stable."""
        owner = type(self).__name__
        when = "by the end of training"
        if where >= 0 and X is not None and len(X):
            when = f"at epoch {where // len(X) + 1}, sample {where % len(X)}"
        scale = float(np.max(np.einsum("ij,ij->i", X, X))) if X is not None and X.size else float("nan")
        return ValueError(
            f"{owner}.train diverged: the weights overflowed to inf/NaN {when}, with learning_rate="
            f"{self.rule.learning_rate:g}. model.{self.weight_attr} is left as it was before this call. "
            + self._stable_rates(scale)
        )

    def _stable_rates(self, scale):
        return (f"Use a smaller learning_rate: with samples of squared norm up to |x|^2 = {scale:.4g}, "
                f"learning_rate * |x|^2 should stay well below 1.")

    def __repr__(self):
        extra = "" if self.compiled else ", compiled=False"
        return f"{type(self).__name__}({self.model!r}, {self.rule!r}{extra})"


class _LinearTrainer(_OnlineTrainer):
    """Prediction for linear layers: ``y = W x``."""

    def predict(self, pattern, *args, **kwargs):
        """The layer's output ``y = W x`` for one input (the model's ``forward``; sets ``model.x``, ``model.y``)."""
        if hasattr(self.model, "forward"):
            return self.model.forward(pattern)
        W = self._weights()
        return W @ as_inputs(pattern, W.shape[1], what="pattern", owner=type(self.model).__name__)

    def predict_batch(self, patterns, *args, **kwargs):
        """Outputs for every row at once: ``Y = X W^T`` (one matrix product), shape (n, n_outputs).

        The model's state (``x``, ``y``) is not changed.
        """
        W = self._weights()
        X = as_inputs(patterns, W.shape[1], what="patterns", owner=type(self.model).__name__, allow_1d=False)
        return X @ W.T


class OjaTrainer(_LinearTrainer):
    """Train a :class:`~hebbmem.LinearLayer` with :class:`~hebbmem.Oja`'s rule (canns 1.5.0 signature).

    Parameters
    ----------
    model : LinearLayer
        Any object with a 2-D float array attribute named ``weight_attr``.
    learning_rate : float, default=0.01
    normalize_weights : bool, default=True
        Divide each row of ``W`` by its norm after every sample.
    weight_attr : str, default="W"
    compiled : bool, default=True
        Run the sample loop in the Numba kernel (True) or in the rule's NumPy
        :meth:`~hebbmem.Oja.step` (False). Both use the current ``W`` at every
        sample and give bit-identical weights.
    show_iteration_progress : bool, default=False
        Print ``epoch e/E`` on stderr during :meth:`train`.
    compiled_prediction : bool, default=True
        Kept for the base class (prediction is one matrix product either way).

    Attributes
    ----------
    rule : Oja
    weight_history_ : ndarray of shape (epochs + 1, n_outputs, n_inputs) or None
        ``W`` before training and after each epoch, when the last
        :meth:`train` call had ``record_weights=True``.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 2)) * [3.0, 0.5]   # most variance along the first axis
    >>> trainer = hm.OjaTrainer(hm.LinearLayer(2, 1, seed=0), learning_rate=0.01)
    >>> _ = trainer.train(X, epochs=5)
    >>> np.round(np.abs(trainer.model.W), 1)
    array([[1., 0.]])
    """

    _rule_class = Oja
    learning_rate = rule_parameter("learning_rate")
    normalize_weights = rule_parameter("normalize_weights")

    def __init__(self, model, learning_rate=0.01, normalize_weights=True, weight_attr="W", compiled=True, *,
                 show_iteration_progress=False, compiled_prediction=True):
        rule = self._rule_class(learning_rate=learning_rate, normalize_weights=normalize_weights)
        super().__init__(model, rule, weight_attr, compiled, compiled_prediction, show_iteration_progress)

    def train(self, train_data, epochs=1, *, record_weights=False):
        """Learn from the rows of ``train_data``, in order, ``epochs`` times.

        Parameters
        ----------
        train_data : array-like of shape (n_samples, input_size), or list of 1-D arrays
            Not modified. Oja's and Sanger's rules find principal components
            of *zero-mean* data: subtract the mean first if yours is not.
        epochs : int, default=1
        record_weights : bool, default=False
            Keep ``W`` after every epoch in :attr:`weight_history_`.

        Returns
        -------
        self
        """
        W, X = self._data(train_data)
        epochs = self._epochs(epochs)
        rule = self.rule
        sanger = isinstance(rule, Sanger)
        y = np.zeros(W.shape[0])
        if self.compiled:
            from . import _kernels

            def run(n):
                return _kernels.oja_sanger_train(W, X, n, rule.learning_rate, sanger, rule.normalize_weights, y)
        else:
            def run(n):
                for e in range(n):
                    for k, x in enumerate(X):
                        if not np.isfinite(rule.step(W, x)).all():  # y (before the update) overflowed
                            return e * len(X) + k
                return -1

        self._run_epochs(W, epochs, record_weights, lambda: run(1), run, X)
        return self

    def _stable_rates(self, scale):
        name = type(self.rule).__name__
        if self.rule.normalize_weights:
            return f"Use a smaller learning_rate (about 1 / |x|^2 = {1 / scale:.3g} at most for this data)."
        return (f"{name}'s rule without normalize_weights is guaranteed stable when learning_rate * |x|^2 < 1 "
                f"for every sample x (the weight norm then settles at 1): here |x|^2 reaches {scale:.4g}, so use "
                f"learning_rate < {1 / scale:.3g} (e.g. {0.1 / scale:.2g}), scale the data down, or keep "
                f"normalize_weights=True.")


class SangerTrainer(OjaTrainer):
    """Train a :class:`~hebbmem.LinearLayer` with :class:`~hebbmem.Sanger`'s rule (canns 1.5.0 signature).

    Neuron :math:`i` converges to the :math:`i`-th principal component.
    Parameters, attributes and methods as in :class:`OjaTrainer`.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(2000, 3)) * [3.0, 1.5, 0.3]
    >>> trainer = hm.SangerTrainer(hm.LinearLayer(3, 2, seed=0), learning_rate=0.005)
    >>> _ = trainer.train(X, epochs=5)
    >>> np.round(np.abs(trainer.model.W), 1)
    array([[1., 0., 0.],
           [0., 1., 0.]])
    """

    _rule_class = Sanger


class BCMTrainer(_LinearTrainer):
    """Train a :class:`~hebbmem.LinearLayer` (``use_bcm_threshold=True``) with the :class:`~hebbmem.BCM` rule.

    canns 1.5.0 signature, plus keyword-only ``weight_bound`` (canns clips to
    [-10, 10], hard-coded).

    Parameters
    ----------
    model : LinearLayer
        Built with ``use_bcm_threshold=True``; its ``theta`` and
        ``threshold_tau`` are used and ``theta`` is updated.
    learning_rate : float, default=0.01
    weight_attr : str, default="W"
    compiled : bool, default=True
        Numba kernel (True) or the rule's NumPy :meth:`~hebbmem.BCM.step`
        (False); bit-identical.
    weight_bound : float, default=10.0
    show_iteration_progress, compiled_prediction : bool
        As in :class:`OjaTrainer`.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> model = hm.LinearLayer(2, 1, use_bcm_threshold=True, threshold_tau=10.0, seed=0)
    >>> model.W = np.array([[0.5, 0.5]])
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0]] * 500)      # two stimuli, alternating
    >>> _ = hm.BCMTrainer(model, learning_rate=0.05).train(X)
    >>> np.round(model.W, 2)  # selective: it now responds to the first stimulus only
    array([[2.11, 0.  ]])
    """

    learning_rate = rule_parameter("learning_rate")
    weight_bound = rule_parameter("weight_bound")

    def __init__(self, model, learning_rate=0.01, weight_attr="W", compiled=True, *, weight_bound=10.0,
                 show_iteration_progress=False, compiled_prediction=True):
        rule = BCM(learning_rate=learning_rate, weight_bound=weight_bound)
        super().__init__(model, rule, weight_attr, compiled, compiled_prediction, show_iteration_progress)

    def train(self, train_data, epochs=1, *, record_weights=False):
        """Learn from the rows of ``train_data``, in order, ``epochs`` times (``W`` and ``theta`` change).

        Parameters and return value as in :meth:`OjaTrainer.train`. The model
        needs BCM's sliding threshold ``theta`` (a TypeError says so
        otherwise); :meth:`predict` works without it.
        """
        if getattr(self.model, "theta", None) is None:
            raise TypeError(f"BCMTrainer.train needs the model's sliding threshold theta, but this "
                            f"{type(self.model).__name__} has none: build it with "
                            "LinearLayer(..., use_bcm_threshold=True).")
        epochs = self._epochs(epochs)
        tau = float(getattr(self.model, "threshold_tau", 100.0))
        if not tau >= 1.0:
            raise ValueError(f"model.threshold_tau must be >= 1 (samples averaged by theta); got {tau}.")
        W, X = self._data(train_data)
        theta = np.array(self.model.theta, dtype=np.float64).reshape(-1)  # a copy, as W
        if theta.shape != (W.shape[0],) or not np.isfinite(theta).all():
            raise ValueError(f"model.theta must hold {W.shape[0]} finite values (one per output neuron); "
                             f"got {np.shape(self.model.theta)}. Call model.init_state() to reset it.")
        self.model.theta = theta
        rule = self.rule
        y = np.zeros(W.shape[0])
        if self.compiled:
            from . import _kernels

            def run(n):
                _kernels.bcm_train(W, theta, X, n, rule.learning_rate, tau, rule.weight_bound, y)
        else:
            def run(n):
                for _ in range(n):
                    for x in X:
                        rule.step(W, theta, x, tau)

        self._run_epochs(W, epochs, record_weights, lambda: run(1), run, X, extra=(theta,))
        return self


class STDPTrainer(_OnlineTrainer):
    """Train a :class:`~hebbmem.SpikingLayer` with trace-based :class:`~hebbmem.STDP` (canns 1.5.0 signature).

    Each row of the data is one time step. A sequence (a 2-D array, or each
    sequence of a 3-D array) is run from rest (potentials and traces zero),
    as canns' compiled trainer does; the layer keeps the state after the last
    step.

    Parameters
    ----------
    model : SpikingLayer
    learning_rate : float, default=0.01
    A_plus : float, default=0.005
    A_minus : float, default=0.00525
    weight_attr : str, default="W"
    w_min, w_max : float, default=0.0, 1.0
        Weights are clipped to ``[w_min, w_max]`` after every step.
    compiled : bool, default=True
        Numba kernel (True) or the rule's NumPy :meth:`~hebbmem.STDP.step`
        (False); bit-identical weights and spikes.
    show_iteration_progress : bool, default=False
    compiled_prediction : bool, default=True
        :meth:`predict_batch` with the Numba kernel (True) or NumPy steps.

    Attributes
    ----------
    spikes_ : ndarray of shape (n_sequences, n_steps, output_size)
        The output spikes during the last epoch of the last :meth:`train`.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> layer = hm.SpikingLayer(2, 1, threshold=0.5, seed=0)
    >>> layer.W = np.array([[0.25, 1.0]])
    >>> steps = np.zeros((10, 2)); steps[2, 0] = 1; steps[5, 1] = 1  # pre at t=2, post forced at t=5
    >>> trainer = hm.STDPTrainer(layer, learning_rate=1.0, A_plus=0.1, A_minus=0.1)
    >>> _ = trainer.train(steps)
    >>> round(float(layer.W[0, 0]) - 0.25, 12), round(0.1 * 0.95 ** 3, 12)  # LTP A+ d^dt, dt = 3
    (0.0857375, 0.0857375)
    """

    _needs = ("threshold", "v_reset", "leak", "trace_decay")
    learning_rate = rule_parameter("learning_rate")
    A_plus = rule_parameter("A_plus")
    A_minus = rule_parameter("A_minus")
    w_min = rule_parameter("w_min")
    w_max = rule_parameter("w_max")

    def __init__(self, model, learning_rate=0.01, A_plus=0.005, A_minus=0.00525, weight_attr="W", w_min=0.0,
                 w_max=1.0, compiled=True, *, show_iteration_progress=False, compiled_prediction=True):
        rule = STDP(learning_rate=learning_rate, A_plus=A_plus, A_minus=A_minus, w_min=w_min, w_max=w_max)
        if weight_attr != "W":
            raise ValueError(f"STDPTrainer trains the weights the spiking layer integrates with, model.W; got "
                             f"weight_attr={weight_attr!r}. Leave weight_attr at its default 'W'.")
        super().__init__(model, rule, weight_attr, compiled, compiled_prediction, show_iteration_progress)
        self.spikes_ = None

    def _missing_message(self, missing):
        return (f"STDPTrainer needs a spiking model with {', '.join(missing)} (leaky integrate-and-fire "
                f"parameters); {type(self.model).__name__} has none. Use hebbmem.SpikingLayer.")

    def train(self, train_data, epochs=1, *, record_weights=False):
        """Run the sequence(s) with STDP on, in order, ``epochs`` times.

        Parameters
        ----------
        train_data : array-like of shape (n_steps, input_size) or (n_sequences, n_steps, input_size)
            One row per time step (a list of 1-D arrays is one sequence).
            Each sequence starts from rest. Not modified.
        epochs : int, default=1
        record_weights : bool, default=False
            Keep ``W`` after every epoch in :attr:`weight_history_`.

        Returns
        -------
        self
        """
        W, X = self._data(train_data, max_ndim=3)
        X3 = X[None] if X.ndim == 2 else X
        epochs = self._epochs(epochs)
        m, rule = self.model, self.rule
        spikes = np.zeros(X3.shape[:2] + (W.shape[0],))
        if self.compiled:
            from . import _kernels

            state = [np.zeros(W.shape[0]), np.zeros(W.shape[1]), np.zeros(W.shape[0])]

            def run(n):
                _kernels.lif_sequences(W, X3, n, True, True, rule.learning_rate, rule.A_plus, rule.A_minus,
                                       rule.w_min, rule.w_max, float(m.threshold), float(m.v_reset),
                                       float(m.leak), float(m.trace_decay), *state, spikes)
                m.v, m.trace_pre, m.trace_post = (a.copy() for a in state)
        else:
            def run(n):
                for _ in range(n):
                    for q in range(X3.shape[0]):
                        m.reset_state()
                        for t in range(X3.shape[1]):
                            spikes[q, t] = rule.step(m, X3[q, t])

        self._run_epochs(W, epochs, record_weights, lambda: run(1), run)
        m.x = X3[-1, -1].copy()
        m.spike = spikes[-1, -1].copy()
        self.spikes_ = spikes
        return self

    def predict(self, pattern, *args, **kwargs):
        """One time step of the layer from its current state (``model.forward``); returns the spikes."""
        return self.model.forward(pattern)

    def predict_batch(self, patterns, *args, **kwargs):
        """Run a sequence (or several) from rest without learning; return the spikes.

        Parameters
        ----------
        patterns : array-like of shape (n_steps, input_size) or (n_sequences, n_steps, input_size)

        Returns
        -------
        spikes : ndarray of shape (n_steps, output_size) or (n_sequences, n_steps, output_size)
            One compiled call (``compiled_prediction=True``), or NumPy steps;
            bit-identical. The layer is left in the state after the last step.
        """
        return self.model.run(patterns, reset=True, compiled=self.compiled_prediction)
