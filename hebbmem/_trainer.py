"""The trainer base every family shares: ``Model + Trainer + Data -> trained model``, as in canns.

:class:`Trainer` is the class a user subclasses (a custom trainer overrides
``train`` and usually ``predict``), and the trainer of every network that
learns from a rule in one shot: ``Trainer(model, rule)`` asks the model to
learn the patterns with the rule (``model._learn``) and to recall
(``model.recall``). The model decides which rules it accepts
(``model._accepts_rule``), so this module imports no family: the families
import it.

The family trainers (``HebbianTrainer``, ``OjaTrainer``, ...) live in their
rooms (:mod:`hebbmem.hopfield.trainers`, :mod:`hebbmem.plasticity.trainers`);
``hebbmem.trainer`` is canns' import path for all of them.
"""

import numpy as np

from ._validation import MAX_COUNT, check_bool, check_compiled, check_int, check_real

__all__ = ["Trainer", "rule_parameter"]


class Trainer:
    """Store patterns in a network with a learning rule, and recall them; also the base class.

    ``Trainer(model, rule)`` applies any :class:`~hebbmem.Rule` to a
    network. It is also the base a user subclasses, as in canns: a custom
    trainer overrides :meth:`train` (and usually :meth:`predict`) and
    inherits :meth:`predict_batch` and :meth:`configure_progress`.

    Parameters
    ----------
    model : HopfieldNetwork, optional
        The network to train. Training *adds* to its stored weights
        (``model.reset_weights()`` starts over). A subclass may take any
        model it knows how to train.
    rule : Rule, optional
        The learning rule, e.g. ``hebbmem.Hebbian()``, ``hebbmem.Storkey()``
        or ``hebbmem.PseudoInverse()``. Left out, the rule that trained
        ``model`` last is used (a fresh copy with its parameters), which is
        what a model loaded with :func:`hebbmem.load` recorded: a network
        trained with Hebbian and then Storkey continues with Storkey; pass a
        rule to continue with another. An untrained model needs a rule,
        unless a subclass overrides :meth:`train`.
    show_iteration_progress : bool, default=False
        Show a progress line during :meth:`predict`.
    compiled_prediction : bool or "numba", default=True
        True: recall on the fastest exact path (plain NumPy for small jobs
        before the Numba kernels are loaded, the kernels otherwise). False:
        always the readable NumPy code. ``"numba"``: always the kernels. All
        give identical results for the same seed.

    Attributes
    ----------
    patterns_ : ndarray of shape (n_patterns, num_neurons), float32
        The patterns given to the last :meth:`train` call.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> X = np.array([[1, 1, 1, -1, -1, -1], [1, -1, 1, -1, 1, -1]])
    >>> trainer = hm.Trainer(hm.HopfieldNetwork(6), hm.PseudoInverse()).train(X)
    >>> trainer.predict_batch(X).astype(int)
    array([[ 1,  1,  1, -1, -1, -1],
           [ 1, -1,  1, -1,  1, -1]])

    A custom trainer (here: Hebb's rule written out, one pattern at a time):

    >>> class MyHebb(hm.Trainer):
    ...     def train(self, train_data):
    ...         W = np.array(self.model.W, dtype=float)
    ...         for x in np.asarray(train_data, dtype=float):
    ...             W += np.outer(x, x) / len(train_data)
    ...         np.fill_diagonal(W, 0.0)
    ...         self.model.W = W
    ...         return self
    ...     def predict(self, pattern, num_iter=20):
    ...         return self.model.recall(pattern, max_iter=num_iter)
    >>> mine = MyHebb(hm.HopfieldNetwork(6)).train(X)
    >>> [p.astype(int).tolist() for p in mine.predict_batch(X)][0]
    [1, 1, 1, -1, -1, -1]
    """

    def __init__(self, model=None, rule=None, *, show_iteration_progress=False, compiled_prediction=True):
        owner = type(self).__name__
        if isinstance(model, type):
            raise TypeError(
                f"{owner} needs a model instance, but got the class {model.__name__}: create it "
                f"first, e.g. model = {model.__name__}(num_neurons=784), then {owner}(model)."
            )
        if isinstance(rule, type):
            raise TypeError(f"rule must be a Rule instance: write {rule.__name__}() with parentheses.")
        if rule is None and hasattr(model, "_recorded_rule"):
            rule = model._recorded_rule()  # continue with the rule that trained it last (e.g. after load)
        if rule is not None:
            accepts = getattr(model, "_accepts_rule", None)
            if accepts is None or not hasattr(model, "recall"):
                raise TypeError(
                    f"{owner} with a rule needs a hebbmem network as its model, e.g. "
                    f"hebbmem.HopfieldNetwork(num_neurons=784); got {type(model).__name__}."
                )
            accepts(rule)  # the model's family says which rules it takes (TypeError otherwise)
        self.model = model
        self.rule = rule
        self.compiled_prediction = check_compiled(compiled_prediction, "compiled_prediction", owner)
        self.show_iteration_progress = check_bool(show_iteration_progress, "show_iteration_progress", owner)
        self.patterns_ = None

    def configure_progress(self, *, show_iteration_progress=None, compiled_prediction=None):
        """Change the progress and compiled-prediction flags (None keeps a flag as it is).

        Returns
        -------
        self : Trainer
        """
        owner = type(self).__name__
        if show_iteration_progress is not None:
            self.show_iteration_progress = check_bool(show_iteration_progress, "show_iteration_progress", owner)
        if compiled_prediction is not None:
            self.compiled_prediction = check_compiled(compiled_prediction, "compiled_prediction", owner)
        return self

    def _network(self, method):
        model = self.model
        if self.rule is None or model is None:
            raise TypeError(
                f"{type(self).__name__}.{method}() needs a model and a rule: write "
                f"hebbmem.Trainer(model, hebbmem.Hebbian()), or subclass Trainer and override {method}(). "
                f"(Trainer(model) alone continues with the rule that trained the model last; this model "
                f"has not been trained by a hebbmem rule.)"
            )
        return model

    def train(self, train_data):
        """Learn patterns: the rule's weights are *added* to those already stored.

        Parameters
        ----------
        train_data : list of 1-D arrays, or array-like of shape (n_patterns, num_neurons)
            Bipolar patterns (values -1 and +1) for ``'sign'`` networks; any
            finite values for graded (``'tanh'``, ``'sigmoid'``) networks. Not
            modified.

        Returns
        -------
        self : Trainer

        Notes
        -----
        As in canns, a second call adds to the first: ``W <- W + dW``. So an
        anti-Hebbian trainer on a trained network unlearns. Call
        ``model.reset_weights()`` to start over.
        """
        model = self._network("train")
        X = model._as_patterns(train_data)
        model._learn(X, self.rule)
        self.patterns_ = X.astype(np.float32)
        return self

    def predict(self, pattern, num_iter=None, compiled=None, show_progress=None, convergence_threshold=1e-10,
                progress_callback=None, *, return_info=False, seed=None):
        """Recall one pattern: run the network from ``pattern`` until it settles.

        Parameters
        ----------
        pattern : array-like of shape (num_neurons,)
            The (noisy) probe. Not modified. A 2-D input is recalled row by
            row and returned with the same shape.
        num_iter : int, optional
            Maximum iterations (synchronous updates or asynchronous sweeps)
            for this call; default: the network's ``max_iter`` (20 for
            :class:`~hebbmem.AmariHopfieldNetwork`, as canns). Recall stops
            earlier at a fixed point, which gives the same state.
        compiled : bool, optional
            Overrides ``compiled_prediction`` for this call.
        show_progress : bool, optional
            Overrides ``show_iteration_progress`` for this call.
        convergence_threshold : float, default=1e-10
            Accepted for canns compatibility. Sign networks stop at an exact
            fixed point; graded networks stop when no state moves by more than
            the network's ``tol``.
        progress_callback : callable, optional
            Called as ``progress_callback(iteration, energy, converged,
            energy_change)`` for every iteration performed, after recall.
        return_info : bool, default=False
            Return a :class:`~hebbmem.RecallResult` with iterations,
            convergence flags and the energy trace.
        seed : None, int or numpy.random.Generator, optional
            Draws this call's asynchronous update orders (default: the
            network's generator). Pass one per thread for reproducible
            concurrent recall.

        Returns
        -------
        state : ndarray of the same shape as ``pattern`` (or a RecallResult)
            The recalled state is also left in ``model.s``.
        """
        model = self._network("predict")
        num_iter = self._check_num_iter(num_iter, "predict")
        check_real(convergence_threshold, "convergence_threshold", "predict", low=0)
        if progress_callback is not None and not callable(progress_callback):
            raise TypeError(
                f"progress_callback must be callable as f(iteration, energy, converged, energy_change); "
                f"got {type(progress_callback).__name__}."
            )
        want_info = return_info or progress_callback is not None
        result = model.recall(
            pattern,
            compiled=self.compiled_prediction if compiled is None else compiled,
            max_iter=num_iter,
            return_info=want_info,
            progress=self.show_iteration_progress if show_progress is None else show_progress,
            what="pattern",
            rng=seed,
        )
        states = result.states if want_info else result
        if progress_callback is not None:
            _replay_progress(result, progress_callback)
        if states.ndim == 1:
            model.s = states.copy()
        return result if return_info else states

    def predict_batch(self, patterns, num_iter=None, compiled=None, show_sample_progress=False,
                      show_iteration_progress=None, convergence_threshold=1e-10, *, return_info=False,
                      seed=None):
        """Recall many patterns at once (batched: one matrix product per iteration).

        Parameters
        ----------
        patterns : list of 1-D arrays, or array-like of shape (n, num_neurons)
            The probes. Not modified.
        num_iter : int, optional
            Maximum iterations for this call (default: the network's ``max_iter``).
        compiled : bool, optional
            Overrides ``compiled_prediction`` for this call.
        show_sample_progress : bool, default=False
            Show a progress line of how many probes have settled.
        show_iteration_progress, convergence_threshold
            Accepted for canns compatibility (see :meth:`predict`).
        return_info : bool, default=False
            Return a :class:`~hebbmem.RecallResult` instead of the states.
        seed : None, int or numpy.random.Generator, optional
            Draws this call's asynchronous update orders.

        Returns
        -------
        states : ndarray of shape (n, num_neurons) (or a RecallResult)
            A subclass that overrides :meth:`predict` gets a list: its
            ``predict`` applied to every pattern.
        """
        if type(self).predict is not Trainer.predict:  # a custom trainer: call its predict per pattern
            kwargs = {} if num_iter is None else {"num_iter": num_iter}
            return [self.predict(p, **kwargs) for p in patterns]
        model = self._network("predict_batch")
        num_iter = self._check_num_iter(num_iter, "predict_batch")
        check_real(convergence_threshold, "convergence_threshold", "predict_batch", low=0)
        if not isinstance(patterns, (list, tuple)) and np.ndim(patterns) == 1:
            raise ValueError(
                f"predict_batch expects several patterns, shape (n, {model.num_neurons}) or a list "
                f"of 1-D arrays; got one 1-D pattern of shape {np.shape(patterns)}. Use predict() for a "
                f"single pattern, or wrap it: predict_batch([pattern])."
            )
        if isinstance(patterns, (list, tuple)) and patterns and np.ndim(patterns[0]) == 0:
            raise ValueError(
                "predict_batch expects a list of patterns, but got a list of numbers (one pattern?). "
                "Use predict(pattern) for a single pattern, or predict_batch([pattern])."
            )
        result = model.recall(
            patterns,
            compiled=self.compiled_prediction if compiled is None else compiled,
            max_iter=num_iter,
            return_info=return_info,
            progress=check_bool(show_sample_progress, "show_sample_progress", "predict_batch"),
            what="patterns",
            rng=seed,
        )
        states = result.states if return_info else result
        if len(states):
            model.s = states[-1].copy()
        return result

    @staticmethod
    def _check_num_iter(num_iter, method):
        if num_iter is None:
            return None
        return check_int(num_iter, "num_iter", method, low=1, high=MAX_COUNT,
                         fix="It caps the iterations of this call; leave it out to use the network's max_iter.")

    def __repr__(self):
        rule = "" if type(self) is not Trainer or self.rule is None else f", {self.rule!r}"
        extra = "" if self.compiled_prediction else ", compiled_prediction=False"
        return f"{type(self).__name__}({self.model!r}{rule}{extra})"


def _replay_progress(result, callback):
    """Call canns' ``progress_callback(iteration, energy, converged, energy_change)`` per iteration."""
    for k in range(len(result.n_iter)):
        trace = result.energy_trace(k)
        for it in range(1, len(trace)):
            done = it == len(trace) - 1 and bool(result.converged[k])
            callback(it, float(trace[it]), done, abs(float(trace[it] - trace[it - 1])))


def rule_parameter(name):
    """A trainer attribute that reads and writes the parameter ``name`` of its rule (canns: ``trainer.learning_rate``).

    Setting it builds the rule again with the new value, so the rule's own
    checks apply (``trainer.learning_rate = -1`` raises as ``Oja(-1)`` does).
    """

    def get(self):
        return getattr(self.rule, name)

    def set_(self, value):
        params = self.rule._params()
        params[name] = value
        self.rule = type(self.rule)(**params)  # re-validated

    return property(get, set_, doc=f"The rule's ``{name}`` (setting it re-validates the rule).")
