r"""Kohonen's self-organising map: a grid of prototype units, and what it measures about a data set.

The map's units sit on a ``rows`` x ``cols`` grid; unit :math:`(i, j)` holds
a prototype :math:`w_{ij}` (``W[i, j]``, the layout of MiniSom's
``get_weights()``). An input's *winner* (best-matching unit) is the nearest
prototype. Training (:class:`~hebbmem.SOMTrainer`) moves the winner *and its
grid neighbours* towards each input, so that neighbouring units end up with
similar prototypes: the grid becomes a topology-preserving picture of the data.

This module holds the map and its measurements: :meth:`~SelfOrganizingMap.winner`,
:meth:`~SelfOrganizingMap.quantization_error`,
:meth:`~SelfOrganizingMap.topographic_error`,
:meth:`~SelfOrganizingMap.distance_map` (the U-matrix), with MiniSom's
definitions, and MiniSom's initialisations.
"""

import numbers

import numpy as np

from .._validation import check_bytes_fit, check_choice, check_int, check_seed
from ..io import fail, register, save
from ..random import generator
from ._distances import as_samples, contiguous_weights, nearest_two, squared_distances

__all__ = ["SelfOrganizingMap"]

# The eight neighbours of a unit on the rectangular grid, in MiniSom's order.
_NEIGHBOURS = ((0, -1), (-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1))


@register
class SelfOrganizingMap:
    r"""A self-organising map: ``rows`` x ``cols`` prototype units on a rectangular grid.

    .. math::

        c(x) = \arg\min_{(i, j)} \|x - w_{ij}\|^2

    is the winner (best-matching unit) of input :math:`x`, ties broken by the
    lowest flat index :math:`i \cdot \mathrm{cols} + j` (as MiniSom's
    ``argmin``). Train it with :class:`~hebbmem.SOMTrainer`.

    Parameters
    ----------
    rows, cols : int
        The grid (MiniSom's ``x`` and ``y``).
    input_size : int
        Length of the input vectors (MiniSom's ``input_len``).
    seed : int, numpy.random.Generator or None, default=None
        Seed of the generator of the initial weights, of
        :meth:`random_weights_init` and of the random sample orders of
        :meth:`SOMTrainer.train`; None: hebbmem's default generator (see
        :mod:`hebbmem.random`).

    Attributes
    ----------
    W : ndarray of shape (rows, cols, input_size), float64
        The prototypes, assignable. Initially MiniSom's: uniform in
        [-1, 1) and scaled to unit length. :meth:`random_weights_init` and
        :meth:`pca_weights_init` start from the data instead.
    activation : ndarray of shape (rows, cols)
        Distances from the last input given to :meth:`activate` or
        :meth:`winner` (one vector) to every prototype.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> som = hm.SelfOrganizingMap(2, 3, 1, seed=0)
    >>> som.W = np.arange(6.0).reshape(2, 3, 1)   # unit (i, j) holds 3 i + j
    >>> som.winner([4.2])
    (1, 1)
    >>> som.winner([[0.1], [5.0]])
    array([[0, 0],
           [1, 2]])
    >>> som.quantization_error([[0.5], [4.0]])   # mean distance to the winner
    0.25
    """

    def __init__(self, rows, cols, input_size, *, seed=None):
        owner = "SelfOrganizingMap"
        self.rows = check_int(rows, "rows", owner, low=1, fix="It is the number of grid rows (MiniSom's x).")
        self.cols = check_int(cols, "cols", owner, low=1, fix="It is the number of grid columns (MiniSom's y).")
        self.input_size = check_int(input_size, "input_size", owner, low=1)
        check_bytes_fit(8 * self.rows * self.cols * self.input_size * 3,
                        f"A {self.rows} x {self.cols} map of {self.input_size} inputs",
                        "Use a smaller grid or fewer inputs.")
        self.seed = check_seed(seed, owner)
        self.rng = generator(self.seed, owner)
        W = self.rng.random((self.rows, self.cols, self.input_size)) * 2 - 1
        self.W = W / np.linalg.norm(W, axis=-1, keepdims=True)
        self.activation = np.zeros((self.rows, self.cols))

    @property
    def s(self):
        """The activation map, the state a model file keeps."""
        return self.activation

    @property
    def shape(self):
        """The grid, ``(rows, cols)``."""
        return (self.rows, self.cols)

    def get_weights(self):
        """``W``, as MiniSom's ``get_weights()`` (the array itself, not a copy)."""
        return self._weights()

    def _weights(self):
        return contiguous_weights(self, (self.rows, self.cols, self.input_size), "SelfOrganizingMap")

    def _units(self):
        """The prototypes as a (rows * cols, input_size) view, row-major over the grid."""
        return self._weights().reshape(self.rows * self.cols, self.input_size)

    def _inputs(self, data, what="x", allow_1d=True):
        return as_samples(data, self.input_size, what=what, owner="SelfOrganizingMap", allow_1d=allow_1d)

    def _nearest(self, X):
        return nearest_two(self._units(), X, compiled=X.shape[0] > 1)

    # ---------------------------------------------------------------- winners
    def activate(self, x):
        """The distance :math:`\\|x - w_{ij}\\|` from one input to every prototype, shape (rows, cols)."""
        x = self._inputs(x, allow_1d=True)
        if x.ndim != 1:
            raise ValueError(f"activate takes one input of shape ({self.input_size},); got shape {x.shape}.")
        self.activation = np.sqrt(squared_distances(self._units(), x)).reshape(self.rows, self.cols)
        return self.activation.copy()

    def winner(self, x):
        """The grid position ``(i, j)`` of the unit nearest to ``x`` (ties: the lowest flat index).

        Parameters
        ----------
        x : array-like of shape (input_size,) or (n, input_size)

        Returns
        -------
        tuple of two ints, or ndarray of shape (n, 2), int64
            One position, or one row ``(i, j)`` per input.
        """
        X = self._inputs(x)
        if X.ndim == 1:
            d2 = squared_distances(self._units(), X)
            self.activation = np.sqrt(d2).reshape(self.rows, self.cols)
            i, j = divmod(int(np.argmin(d2)), self.cols)
            return (i, j)
        best = self._nearest(X)[0]
        return np.stack(np.divmod(best, self.cols), axis=1)

    def quantization(self, data):
        """The winner's prototype for each row of ``data``, shape (n, input_size)."""
        X = self._inputs(data, "data", allow_1d=False)
        return self._units()[self._nearest(X)[0]].copy()

    def quantization_error(self, data):
        r"""The mean distance from each input to its winner, :math:`\frac1n \sum_s \|x_s - w_{c(x_s)}\|` (MiniSom's)."""
        X = self._inputs(data, "data", allow_1d=False)
        return float(np.mean(np.sqrt(self._nearest(X)[2])))

    def topographic_error(self, data):
        """The fraction of inputs whose best and second-best units are not grid neighbours (MiniSom's).

        Neighbours are the eight units around a unit (diagonals included):
        MiniSom counts an error when the grid distance between the two units
        exceeds 1.42. 0 means the map preserves every input's neighbourhood.
        """
        if self.rows * self.cols == 1:
            raise ValueError("The topographic error is not defined for a 1 x 1 map (it has no second-best "
                             "unit). Use a map with at least two units.")
        X = self._inputs(data, "data", allow_1d=False)
        best, second = self._nearest(X)[:2]
        di = np.abs(best // self.cols - second // self.cols)
        dj = np.abs(best % self.cols - second % self.cols)
        return float(np.mean(np.maximum(di, dj) > 1))

    def activation_response(self, data):
        """How many rows of ``data`` each unit wins, shape (rows, cols), int64."""
        X = self._inputs(data, "data", allow_1d=False)
        counts = np.bincount(self._nearest(X)[0], minlength=self.rows * self.cols)
        return counts.reshape(self.rows, self.cols)

    def label_map(self, data, labels):
        """The most frequent label among the inputs each unit wins, shape (rows, cols); -1 where a unit wins none.

        Parameters
        ----------
        data : array-like of shape (n, input_size)
        labels : array-like of shape (n,), integers >= 0
            For example the digit of each MNIST image. Ties between labels go
            to the smallest label.
        """
        X = self._inputs(data, "data", allow_1d=False)
        y = np.asarray(labels)
        if y.shape != (X.shape[0],) or y.dtype.kind not in "iu" or (y.size and y.min() < 0):
            raise ValueError(f"labels must be {X.shape[0]} integers >= 0 (one per row of data); got shape "
                             f"{y.shape} and dtype {y.dtype}. Map other labels to 0, 1, ... first "
                             "(np.unique(labels, return_inverse=True)).")
        best = self._nearest(X)[0]
        counts = np.zeros((self.rows * self.cols, int(y.max()) + 1), dtype=np.int64)
        np.add.at(counts, (best, y), 1)
        majority = np.where(counts.sum(axis=1) > 0, counts.argmax(axis=1), -1)
        return majority.reshape(self.rows, self.cols)

    def distance_map(self, scaling="sum"):
        """The U-matrix: for each unit, the distances to its eight grid neighbours, summed (or averaged).

        As MiniSom's ``distance_map``: the eight neighbours include the
        diagonals, units on the border have fewer, and the result is divided
        by its maximum (so it lies in [0, 1]). High values are borders
        between clusters; low values are the inside of a cluster. A map whose
        prototypes are all equal gives zeros.

        Parameters
        ----------
        scaling : {"sum", "mean"}, default="sum"

        Returns
        -------
        ndarray of shape (rows, cols)
        """
        check_choice(scaling, "scaling", "SelfOrganizingMap.distance_map", ("sum", "mean"))
        W = self._weights()
        total = np.zeros((self.rows, self.cols))
        count = np.zeros((self.rows, self.cols))
        for di, dj in _NEIGHBOURS:
            # units (i, j) whose neighbour (i + di, j + dj) lies on the grid
            i0, i1 = max(0, -di), self.rows - max(0, di)
            j0, j1 = max(0, -dj), self.cols - max(0, dj)
            if i0 >= i1 or j0 >= j1:
                continue
            diff = W[i0:i1, j0:j1] - W[i0 + di:i1 + di, j0 + dj:j1 + dj]
            total[i0:i1, j0:j1] += np.sqrt(np.sum(diff * diff, axis=-1))
            count[i0:i1, j0:j1] += 1
        if scaling == "mean":
            total = np.divide(total, count, out=np.zeros_like(total), where=count > 0)
        top = total.max()
        return total / top if top > 0 else total

    # --------------------------------------------------------- initialisation
    def random_weights_init(self, data):
        """Set every prototype to a row of ``data`` drawn at random (with replacement), as MiniSom's.

        The rows are drawn with the map's generator. ``data`` is not modified.
        """
        X = self._inputs(data, "data", allow_1d=False)
        picks = self.rng.integers(0, X.shape[0], size=self.rows * self.cols)
        self.W = X[picks].reshape(self.rows, self.cols, self.input_size).copy()
        return self

    def pca_weights_init(self, data):
        """Spread the prototypes over the plane of the first two principal components, as MiniSom's.

        Unit :math:`(i, j)` gets :math:`\\bar x + a_i v_1 + b_j v_2`, with
        :math:`v_1, v_2` the unit eigenvectors of the two largest eigenvalues
        of the covariance, and :math:`a_i, b_j` evenly spaced in [-1, 1].
        No randomness. ``data`` is not modified.
        """
        if self.input_size < 2:
            raise ValueError("pca_weights_init needs at least 2 inputs (two principal components); this map "
                             "has input_size=1. Use random_weights_init instead.")
        X = self._inputs(data, "data", allow_1d=False)
        if X.shape[0] < 2:
            raise ValueError(f"pca_weights_init needs at least 2 rows of data; got {X.shape[0]}.")
        values, vectors = np.linalg.eigh(np.cov(X, rowvar=False))
        order = np.argsort(values)[::-1]
        pc1, pc2 = vectors[:, order[0]], vectors[:, order[1]]
        a = np.linspace(-1, 1, self.rows)[:, None, None]
        b = np.linspace(-1, 1, self.cols)[None, :, None]
        self.W = np.ascontiguousarray(X.mean(axis=0) + a * pc1 + b * pc2)
        return self

    # ----------------------------------------------------------------- files
    def save(self, path):
        """Write the map (weights, activation, generator) to ``path``; ``hebbmem.load(path)`` reads it back."""
        save(self, path)

    def _save_parts(self, arrays):
        arrays["W"] = np.ascontiguousarray(self._weights())
        seed = self.seed if isinstance(self.seed, int) else None
        return {"rows": self.rows, "cols": self.cols, "input_size": self.input_size, "seed": seed}, {}

    @classmethod
    def _load_parts(cls, params, header, archive, path):
        if set(params) != {"rows", "cols", "input_size", "seed"}:
            raise fail(path, f"unexpected parameters {sorted(params)} for a SelfOrganizingMap.")
        try:
            model = cls(**params)
        except (TypeError, ValueError) as err:
            raise fail(path, f"its parameters are invalid: {err}") from None
        model.W = archive.get("W", (model.rows, model.cols, model.input_size), ("float64",)).copy()
        model.activation = archive.get("state", (model.rows, model.cols), ("float64",)).copy()
        return model

    def __repr__(self):
        seed = f", seed={self.seed}" if isinstance(self.seed, numbers.Integral) else ""
        return f"SelfOrganizingMap({self.rows}, {self.cols}, {self.input_size}{seed})"
