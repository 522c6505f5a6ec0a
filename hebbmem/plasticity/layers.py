r"""Feed-forward layers for online plasticity: a linear layer and a layer of spiking neurons.

These are the models of the Oja, Sanger, BCM and STDP trainers in
:mod:`hebbmem.plasticity`. They mirror canns 1.5.0's ``LinearLayer`` and
``SpikingLayer`` (same arguments, in the same order), with plain NumPy arrays
instead of ``.value`` variables, float64 throughout, and a keyword-only
``seed``:

* :class:`LinearLayer`: :math:`y = W x`;
* :class:`SpikingLayer`: leaky integrate-and-fire neurons with spike traces.

``W`` has shape ``(output_size, input_size)``: row :math:`i` holds the
weights *into* output neuron :math:`i`, so a row is that neuron's receptive
field.
"""

import numbers

import numpy as np

from .._validation import (
    as_real_float64,
    check_bool,
    check_bytes_fit,
    check_int,
    check_real,
    check_seed,
)
from ..io import register, save
from ..random import generator
from . import _files

__all__ = ["LinearLayer", "SpikingLayer"]


def _seq_dot(W, x):
    """``W @ x`` summed left to right (``np.cumsum`` is sequential).

    This is the summation order of the Numba kernels, so the NumPy code and
    the kernels give bit-identical results (BLAS may sum in another order).
    """
    return np.cumsum(W * x, axis=-1)[..., -1]


def as_inputs(data, n_inputs, *, what, owner, max_ndim=2, allow_1d=True):
    """Convert input vectors to a float64 C-contiguous array, checking size and finiteness.

    Accepts one vector of length ``n_inputs``, a 2-D array (or list) of such
    rows, and with ``max_ndim=3`` a stack of sequences. Never modifies the input.
    """
    if (type(data) is np.ndarray and data.ndim == 1 and data.dtype == np.float64 and allow_1d
            and data.shape[0] == n_inputs and np.isfinite(data).all()):
        return data  # the common case of one step or one sample, without the general checks
    if isinstance(data, (list, tuple)) and len(data) == 0:
        raise ValueError(f"{what} is empty: expected at least one input vector of length {n_inputs}.")
    arr = as_real_float64(data, what=what, expected=f"vectors of length {n_inputs}")
    ok_ndims = tuple(range(1 if allow_1d else 2, max_ndim + 1))
    if arr.ndim not in ok_ndims or arr.shape[-1] != n_inputs or arr.size == 0:
        shapes = {1: f"({n_inputs},)", 2: f"(n_samples, {n_inputs})", 3: f"(n_sequences, n_steps, {n_inputs})"}
        expected = " or ".join(shapes[d] for d in ok_ndims)
        fix = ""
        if arr.ndim >= 2 and int(np.prod(arr.shape[1:])) == n_inputs:
            fix = " It looks like a stack of images: flatten them with x.reshape(len(x), -1)."
        elif arr.ndim >= 1 and arr.shape[-1] != n_inputs:
            fix = (f" The layer ({owner}) has input_size={n_inputs}: build it with "
                   f"input_size={arr.shape[-1]}, or give vectors of length {n_inputs}.")
        raise ValueError(f"{what} must have shape {expected}; got shape {arr.shape}.{fix}")
    if not np.isfinite(arr).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(
            f"{what} contains NaN or inf (first at index {bad}, value {arr[bad]}). "
            f"Replace missing values first, e.g. with np.nan_to_num."
        )
    return np.ascontiguousarray(arr)


_KERNELS = []


def _kernels_module():
    """hebbmem.hopfield._kernels, imported on first use (``import hebbmem`` does not load Numba)."""
    if not _KERNELS:
        from . import _kernels

        _KERNELS.append(_kernels)
    return _KERNELS[0]


def _draw_weights(seed, owner, shape, scale):
    """Initial weights N(0, scale**2), after checking that the (output_size, input_size) matrix fits in memory."""
    check_bytes_fit(8 * shape[0] * shape[1], f"{owner}(input_size={shape[1]:,}, output_size={shape[0]:,})",
                    "Its weight matrix W is float64, output_size x input_size: use fewer inputs or outputs.")
    return generator(seed, owner).normal(0.0, scale, size=shape)


class _Weights:
    """``W`` as a property: whatever array-like is assigned is kept as a float64 NumPy array.

    A float64, C-contiguous, writable ndarray of the right shape is kept as it
    is (``layer.W = A`` then ``layer.W is A``); anything else (a list, an int
    or float32 array, a read-only or JAX array) is converted to a new one, so
    the kernels can read it and the trainers can write into their own copy.
    """

    @property
    def W(self):
        """The weights, shape (output_size, input_size), float64."""
        return self._W

    @W.setter
    def W(self, value):
        owner = type(self).__name__
        shape = (self.output_size, self.input_size)
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError) as err:  # e.g. a ragged list
            raise TypeError(f"{owner}.W must be a real array of shape {shape}; could not convert it: {err}") from None
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{owner}.W must be a real array of shape {shape} (output_size, input_size); got "
                            f"dtype {arr.dtype}. Assign numbers, e.g. np.zeros({shape}).")
        if arr.shape != shape:
            hint = " (transpose it: W.T)" if arr.shape == shape[::-1] else ""
            raise ValueError(f"{owner}.W must have shape {shape} (output_size, input_size); got {arr.shape}"
                             f"{hint}. A layer is never resized: build a new one for another size.")
        if not (arr is value and arr.dtype == np.float64 and arr.flags.c_contiguous and arr.flags.writeable):
            arr = np.array(arr, dtype=np.float64, order="C")
        self._W = arr


class _Saved:
    """The file hooks of :mod:`hebbmem.io` shared by the layers (see :mod:`hebbmem.plasticity._files`)."""

    def save(self, path):
        """Write the layer (parameters, weights, state) to ``path``; ``hebbmem.load(path)`` reads it back.

        The loaded layer continues bit for bit where this one stopped. A symbolic link at ``path``
        is written through; folders, devices and pipes are refused (see :mod:`hebbmem.io`).
        """
        save(self, path)

    def _save_parts(self, arrays):
        return _files.save_parts(self, arrays)

    @classmethod
    def _load_parts(cls, params, header, archive, path):
        return _files.load_parts(cls, params, header, archive, path)


@register
class LinearLayer(_Weights, _Saved):
    r"""A linear feed-forward layer, :math:`y = W x`, for Hebbian-type learning.

    Pair it with :class:`~hebbmem.OjaTrainer`, :class:`~hebbmem.SangerTrainer`
    or (with ``use_bcm_threshold=True``) :class:`~hebbmem.BCMTrainer`.

    Parameters
    ----------
    input_size : int
        Length :math:`n` of the input vectors.
    output_size : int
        Number :math:`m` of output neurons.
    use_bcm_threshold : bool, default=False
        Keep BCM's sliding threshold ``theta`` (one per output neuron,
        starting at 0.1).
    threshold_tau : float, default=100.0
        Time constant :math:`\tau \ge 1` (in samples) of the sliding threshold:
        :math:`\theta \leftarrow \theta + (y^2 - \theta)/\tau`.
    seed : int, numpy.random.Generator or None, default=None
        Seed of the generator of the initial weights; None: drawn from
        hebbmem's default generator (see :mod:`hebbmem.random`).

    Attributes
    ----------
    W : ndarray of shape (output_size, input_size), float64
        Weights, drawn from :math:`\mathcal N(0, 0.01^2)` as in canns.
        Assigning any array-like of that shape (a list, a float32 or a JAX
        array) stores it as a float64 NumPy array.
    x : ndarray of shape (input_size,)
        The last input given to :meth:`forward`.
    y : ndarray of shape (output_size,)
        The last output.
    theta : ndarray of shape (output_size,) or None
        BCM's sliding threshold (None unless ``use_bcm_threshold``).

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> layer = hm.LinearLayer(3, 2, seed=0)
    >>> layer.W = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]])
    >>> layer.forward([1.0, 2.0, 3.0])
    array([1. , 1.5])
    >>> layer.forward([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]])  # a batch: one row per input
    array([[1. , 1.5],
           [0. , 0. ]])
    """

    weight_attr = "W"
    predict_state_attr = "y"

    def __init__(self, input_size, output_size, use_bcm_threshold=False, threshold_tau=100.0, *, seed=None):
        owner = "LinearLayer"
        self.input_size = check_int(input_size, "input_size", owner, low=1)
        self.output_size = check_int(output_size, "output_size", owner, low=1)
        self.use_bcm_threshold = check_bool(use_bcm_threshold, "use_bcm_threshold", owner)
        self.threshold_tau = check_real(
            threshold_tau, "threshold_tau", owner, low=1.0,
            fix="It is the number of samples the sliding threshold averages over (canns default 100).")
        self.seed = check_seed(seed, owner)
        self.W = _draw_weights(self.seed, owner, (self.output_size, self.input_size), 0.01)
        self.theta = None
        self.init_state()

    def init_state(self):
        """Zero ``x`` and ``y``; set ``theta`` back to 0.1 (BCM). The weights are kept."""
        self.reset_state()
        if self.use_bcm_threshold:
            self.theta = np.full(self.output_size, 0.1)

    def reset_state(self):
        """Zero the activity ``x`` and ``y`` (weights and ``theta`` are kept)."""
        self.x = np.zeros(self.input_size)
        self.y = np.zeros(self.output_size)

    def forward(self, x):
        """Compute :math:`y = W x` for one input vector, or for each row of a batch.

        Parameters
        ----------
        x : array-like of shape (input_size,) or (n, input_size)

        Returns
        -------
        y : ndarray of shape (output_size,) or (n, output_size)
            A batch returns one row per input; ``self.x`` and ``self.y`` then
            keep the last row.
        """
        X = as_inputs(x, self.input_size, what="x", owner="LinearLayer")
        if X.ndim == 1:
            self.x = X.copy()
            self.y = self.W @ X
            return self.y.copy()
        Y = X @ self.W.T
        self.x, self.y = X[-1].copy(), Y[-1].copy()
        return Y

    def update_threshold(self):
        r"""One step of BCM's sliding threshold from the current ``y``: :math:`\theta \leftarrow \theta + (y^2-\theta)/\tau`."""
        if self.use_bcm_threshold:
            self.theta = self.theta + (self.y * self.y - self.theta) / self.threshold_tau

    def __repr__(self):
        extra = ""
        if self.use_bcm_threshold:
            extra += f", use_bcm_threshold=True, threshold_tau={self.threshold_tau:g}"
        if self.seed is not None and isinstance(self.seed, numbers.Integral):
            extra += f", seed={self.seed}"
        return f"LinearLayer({self.input_size}, {self.output_size}{extra})"


@register
class SpikingLayer(_Weights, _Saved):
    r"""A layer of leaky integrate-and-fire (LIF) neurons with spike traces, for STDP.

    Each call of :meth:`forward` is one time step with input :math:`x(t)`
    (spikes 0/1, or any real input current), applied in this order:

    .. math::

        \begin{aligned}
        a^{\mathrm{pre}}(t) &= d\, a^{\mathrm{pre}}(t-1) + x(t) \\
        v(t) &= \lambda\, v(t-1) + W x(t) \\
        s_i(t) &= [\, v_i(t) \ge \vartheta \,] \\
        v_i(t) &\leftarrow v_{\mathrm{reset}} \quad \text{where } s_i(t) = 1 \\
        a^{\mathrm{post}}(t) &= d\, a^{\mathrm{post}}(t-1) + s(t)
        \end{aligned}

    where

    * :math:`v` is the membrane potential (``v``), :math:`s` the output spikes (``spike``);
    * :math:`\lambda` is ``leak`` and :math:`\vartheta` is ``threshold``;
    * :math:`a^{\mathrm{pre}}`, :math:`a^{\mathrm{post}}` are the pre- and
      post-synaptic traces (``trace_pre``, ``trace_post``) and :math:`d` is
      ``trace_decay``: a spike :math:`k` steps ago contributes :math:`d^k`.

    Parameters
    ----------
    input_size, output_size : int
        Numbers of input channels and of LIF neurons.
    threshold : float, default=1.0
    v_reset : float, default=0.0
        Potential after a spike; must be below ``threshold``.
    leak : float, default=0.9
        Factor in [0, 1] kept from the potential at every step.
    trace_decay : float, default=0.95
        Factor in [0, 1) kept from each trace at every step.
    dt : float, default=1.0
        Kept for canns compatibility: time is counted in steps, and ``leak``
        and ``trace_decay`` are per-step factors.
    seed : int, numpy.random.Generator or None, default=None
        Seed of the generator of the initial weights; None: drawn from
        hebbmem's default generator (see :mod:`hebbmem.random`). Every
        instance draws its own ``W`` (canns 1.5.0 gives every layer of a shape
        the same one); the same seed gives the same ``W``.

    Attributes
    ----------
    W : ndarray of shape (output_size, input_size), float64
        Weights, drawn from :math:`\mathcal N(0, 0.05^2)` as in canns
        (any array-like assigned is stored as float64, as for LinearLayer).
    v, spike, trace_pre, trace_post, x : ndarray
        The state after the last step.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> layer = hm.SpikingLayer(2, 1, threshold=1.0, leak=0.5, seed=0)
    >>> layer.W = np.array([[0.6, 0.0]])
    >>> [float(layer.forward([1, 0])[0]) for _ in range(3)]  # v = 0.6, 0.9, 1.05 -> spike
    [0.0, 0.0, 1.0]
    >>> layer.run([[1, 0]] * 3)  # the same three steps, from rest, in one compiled call
    array([[0.],
           [0.],
           [1.]])
    """

    weight_attr = "W"
    predict_state_attr = "spike"

    def __init__(self, input_size, output_size, threshold=1.0, v_reset=0.0, leak=0.9, trace_decay=0.95,
                 dt=1.0, *, seed=None):
        owner = "SpikingLayer"
        self.input_size = check_int(input_size, "input_size", owner, low=1)
        self.output_size = check_int(output_size, "output_size", owner, low=1)
        self.threshold = check_real(threshold, "threshold", owner)
        self.v_reset = check_real(v_reset, "v_reset", owner)
        if self.v_reset >= self.threshold:
            raise ValueError(
                f"SpikingLayer needs v_reset < threshold, got v_reset={self.v_reset} and "
                f"threshold={self.threshold}: a neuron would spike again at once. Lower v_reset."
            )
        self.leak = check_real(leak, "leak", owner, low=0.0, high=1.0)
        self.trace_decay = check_real(trace_decay, "trace_decay", owner, low=0.0, high=1.0)
        if self.trace_decay == 1.0:
            raise ValueError("The 'trace_decay' parameter of SpikingLayer must be < 1 (traces would never "
                             "decay, and STDP would have no time window). Got 1.0 instead.")
        self.dt = check_real(dt, "dt", owner, low=0.0, low_open=True)
        self.seed = check_seed(seed, owner)
        self.W = _draw_weights(self.seed, owner, (self.output_size, self.input_size), 0.05)
        self.reset_state()

    def reset_state(self):
        """Back to rest: zero potential, spikes, traces and last input (the weights are kept)."""
        self.x = np.zeros(self.input_size)
        self.v = np.zeros(self.output_size)
        self.spike = np.zeros(self.output_size)
        self.trace_pre = np.zeros(self.input_size)
        self.trace_post = np.zeros(self.output_size)

    init_state = reset_state

    def forward(self, x):
        """Advance one time step (the equations above) and return the output spikes.

        Parameters
        ----------
        x : array-like of shape (input_size,)
            Input at this step: spikes 0/1 or real currents. A 2-D input is
            run as a sequence of steps (see :meth:`run` with ``reset=False``).

        Returns
        -------
        spike : ndarray of shape (output_size,) (or (n_steps, output_size)), values 0.0 / 1.0
        """
        x = as_inputs(x, self.input_size, what="x", owner="SpikingLayer")
        if x.ndim == 2:
            return self.run(x, reset=False)
        # One step through the compiled kernel (3 us against 15 us for the NumPy
        # _step, measured; bit-identical), into fresh state arrays.
        kernels = _kernels_module()
        spikes = np.empty((1, 1, self.output_size))
        v, a_pre, a_post = self._state_copies()
        W = self.W
        kernels.lif_sequences(W, x[None, None], 1, False, False, 0.0, 0.0, 0.0, 0.0, 0.0, self.threshold,
                              self.v_reset, self.leak, self.trace_decay, v, a_pre, a_post, spikes)
        self.x = x.copy()
        self.v, self.trace_pre, self.trace_post = v, a_pre, a_post
        self.spike = spikes[0, 0]
        return self.spike.copy()

    def _state_copies(self):
        return (np.array(self.v, dtype=np.float64), np.array(self.trace_pre, dtype=np.float64),
                np.array(self.trace_post, dtype=np.float64))


    def _step(self, x):
        """One step in NumPy, summed in the kernels' order (bit-identical to them)."""
        self.x = x
        self.trace_pre = self.trace_decay * self.trace_pre + x
        v = self.leak * self.v + _seq_dot(self.W, x)
        self.spike = (v >= self.threshold).astype(np.float64)
        self.v = np.where(self.spike > 0, self.v_reset, v)
        self.trace_post = self.trace_decay * self.trace_post + self.spike

    def run(self, X, *, reset=True, compiled=True):
        """Run a sequence of steps (or several sequences) without learning; return the spikes.

        Parameters
        ----------
        X : array-like of shape (n_steps, input_size) or (n_sequences, n_steps, input_size)
            One row per time step.
        reset : bool, default=True
            Start each sequence from rest (:meth:`reset_state`); False
            continues from the current state (one sequence only).
        compiled : bool, default=True
            Use the Numba kernel; False steps through :meth:`forward`'s NumPy
            code. Both give bit-identical spikes.

        Returns
        -------
        spikes : ndarray of shape (n_steps, output_size) or (n_sequences, n_steps, output_size)
            The layer is left in the state after the last step.
        """
        X = as_inputs(X, self.input_size, what="X", owner="SpikingLayer", max_ndim=3, allow_1d=False)
        single = X.ndim == 2
        X3 = X[None] if single else X
        if not reset and X3.shape[0] > 1:
            raise ValueError("run(..., reset=False) takes one sequence of shape (n_steps, input_size); "
                             f"got {X3.shape[0]} sequences. Use reset=True, or run them one by one.")
        spikes = np.zeros(X3.shape[:2] + (self.output_size,))
        if compiled:
            W = self.W
            v, tpre, tpost = self._state_copies()
            _kernels_module().lif_sequences(W, X3, 1, False, reset, 0.0, 0.0, 0.0, 0.0, 0.0, self.threshold,
                                   self.v_reset, self.leak, self.trace_decay, v, tpre, tpost, spikes)
            self.v, self.trace_pre, self.trace_post = v, tpre, tpost
            self.x = X3[-1, -1].copy()
            self.spike = spikes[-1, -1].copy()
        else:
            for q in range(X3.shape[0]):
                if reset:
                    self.reset_state()
                for t in range(X3.shape[1]):
                    self._step(X3[q, t])
                    spikes[q, t] = self.spike
        return spikes[0] if single else spikes

    def __repr__(self):
        extra = ""
        defaults = {"threshold": 1.0, "v_reset": 0.0, "leak": 0.9, "trace_decay": 0.95, "dt": 1.0}
        for k, d in defaults.items():
            if getattr(self, k) != d:
                extra += f", {k}={getattr(self, k):g}"
        if self.seed is not None and isinstance(self.seed, numbers.Integral):
            extra += f", seed={self.seed}"
        return f"SpikingLayer({self.input_size}, {self.output_size}{extra})"
