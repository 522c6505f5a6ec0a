r"""The bars problem: images made of independent horizontal and vertical bars, and how to score a code of them.

The classic test of sparse coding (Földiák 1990): on a ``size`` x ``size``
grid each of the ``2 * size`` bars is on independently with probability
``1 / size``. The bars are the hidden causes of the images; a good code has
one unit per bar, firing exactly when its bar is in the image, so the
units are as independent as the bars are.

* :func:`bars` draws images; :func:`bar_images` draws given bars (e.g.
  ``bar_images(np.eye(16))``: each bar alone);
* :func:`bar_code` says which unit codes which bar, and how many bars have
  a unit of their own;
* :func:`mean_abs_correlation` measures how decorrelated a code is.
"""

from collections import namedtuple

import numpy as np

from .._validation import check_int, check_real
from ..random import generator

__all__ = ["bars", "bar_images", "bar_code", "BarCode", "mean_abs_correlation"]


def bars(n, size=8, probability=None, *, seed=None):
    """Samples of the bars problem: each of the ``2 * size`` bars is on independently.

    Parameters
    ----------
    n : int
        Number of images.
    size : int, default=8
        Side of the square grid (the paper: 8, so 16 bars and 64 pixels).
    probability : float, optional
        Probability of each bar; default ``1 / size`` (the paper's 1/8).
    seed : int, numpy.random.Generator or None
        See :mod:`hebbmem.random`.

    Returns
    -------
    X : ndarray of shape (n, size * size), float64
        The images, flattened row by row: 1 where a bar covers the pixel, else 0.
    on : ndarray of shape (n, 2 * size), bool
        Which bars are on: columns ``0 .. size-1`` are the horizontal bars
        (image rows), ``size .. 2*size-1`` the vertical ones (image columns).

    Examples
    --------
    >>> import hebbmem as hm
    >>> X, on = hm.competitive.bars(2, size=3, probability=0.5, seed=1)
    >>> on.astype(int)  # image 0: the bottom row, and the middle and right columns
    array([[0, 0, 1, 0, 1, 1],
           [0, 1, 0, 1, 0, 0]])
    >>> X[0].reshape(3, 3).astype(int)
    array([[0, 1, 1],
           [0, 1, 1],
           [1, 1, 1]])
    """
    n = check_int(n, "n", "bars", low=1)
    size = check_int(size, "size", "bars", low=1)
    if probability is None:
        probability = 1.0 / size
    probability = check_real(probability, "probability", "bars", low=0.0, high=1.0)
    on = generator(seed, "bars").random((n, 2 * size)) < probability
    return bar_images(on), on


def bar_images(on):
    """The images of given bars: ``on`` has one row per image and ``2 * size`` columns (see :func:`bars`).

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> hm.competitive.bar_images(np.eye(4)).reshape(4, 2, 2).astype(int)  # each bar of a 2 x 2 grid alone
    array([[[1, 1],
            [0, 0]],
    <BLANKLINE>
           [[0, 0],
            [1, 1]],
    <BLANKLINE>
           [[1, 0],
            [1, 0]],
    <BLANKLINE>
           [[0, 1],
            [0, 1]]])
    """
    on = np.asarray(on)
    if on.ndim != 2 or on.shape[1] % 2 or on.shape[1] == 0:
        raise ValueError(f"on must have shape (n_images, 2 * size): one column per bar, the horizontal ones first; "
                         f"got shape {on.shape}.")
    on = on != 0
    size = on.shape[1] // 2
    images = on[:, :size, None] | on[:, None, size:]
    return images.reshape(on.shape[0], size * size).astype(np.float64)


BarCode = namedtuple("BarCode", ["n_coded", "unit", "score", "best_bar"])
BarCode.__doc__ = """What :func:`bar_code` found.

n_coded : int
    Bars coded by a unit of their own (at most the number of bars).
unit : ndarray of shape (n_bars,), int
    The unit that codes each bar, or -1.
score : ndarray of shape (n_units, n_bars)
    Hit rate minus false-alarm rate of every unit for every bar.
best_bar : ndarray of shape (n_units,), int
    The bar each unit detects best.
"""


def bar_code(Y, on, *, min_score=0.9):
    r"""Which unit codes which bar, from outputs ``Y`` on images whose bars ``on`` are known.

    A unit :math:`i` detects bar :math:`b` with the score

    .. math::

        J_{ib} = P(y_i = 1 \mid b \text{ on}) - P(y_i = 1 \mid b \text{ off})

    where the probabilities are frequencies over the images (hit rate minus
    false-alarm rate: 1 for a unit that fires exactly when bar :math:`b` is
    on, about 0 for a unit unrelated to it). Each unit is assigned the bar it
    detects best. A bar is **coded by a unit of its own** when exactly one
    unit is assigned to it, with :math:`J \ge` ``min_score``.

    Parameters
    ----------
    Y : array-like of shape (n_images, n_units)
        0/1 outputs, e.g. ``trainer.predict_batch(X)``.
    on : array-like of shape (n_images, n_bars)
        Which bars are on in each image (from :func:`bars`). Every bar must
        be both on and off somewhere among the images.
    min_score : float, default=0.9

    Returns
    -------
    BarCode
        ``(n_coded, unit, score, best_bar)``.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> on = np.array([[1, 0], [0, 1], [1, 1], [0, 0]], dtype=bool)
    >>> code = hm.competitive.bar_code(on[:, ::-1], on)  # unit 0 fires for bar 1 and unit 1 for bar 0
    >>> code.n_coded, code.unit
    (2, array([1, 0]))
    """
    Y = np.asarray(Y, dtype=np.float64)
    on = np.asarray(on) != 0
    if Y.ndim != 2 or on.ndim != 2 or Y.shape[0] != on.shape[0] or Y.shape[0] == 0:
        raise ValueError(f"Y (n_images, n_units) and on (n_images, n_bars) must have one row per image; "
                         f"got shapes {Y.shape} and {on.shape}.")
    min_score = check_real(min_score, "min_score", "bar_code", low=0.0, high=1.0)
    n_on = on.sum(axis=0)
    if np.any(n_on == 0) or np.any(n_on == on.shape[0]):
        raise ValueError("bar_code needs every bar both on and off among the images (a score compares the two); "
                         "use more images, e.g. hm.competitive.bars(2000).")
    on_f = on.astype(np.float64)
    score = (Y.T @ on_f) / n_on - (Y.T @ (1.0 - on_f)) / (on.shape[0] - n_on)
    best_bar = np.argmax(score, axis=1)
    unit = np.full(on.shape[1], -1)
    for b in range(on.shape[1]):
        mine = np.flatnonzero((best_bar == b) & (score[:, b] >= min_score))
        if mine.size == 1 and np.count_nonzero(best_bar == b) == 1:
            unit[b] = mine[0]
    return BarCode(int(np.count_nonzero(unit >= 0)), unit, score, best_bar)


def mean_abs_correlation(Y):
    r"""The mean :math:`|r_{ij}|` over pairs of units :math:`i \ne j`: 0 for a decorrelated code.

    :math:`r_{ij}` is the Pearson correlation of the columns :math:`i` and
    :math:`j` of ``Y`` (one row per input). A unit whose output never varies
    has no correlation; its pairs are left out (NaN if no pair is left).

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> hm.competitive.mean_abs_correlation([[1, 1, 0], [0, 0, 1], [1, 1, 1], [0, 0, 0]])
    0.3333333333333333
    """
    Y = np.asarray(Y, dtype=np.float64)
    if Y.ndim != 2 or Y.shape[0] < 2 or Y.shape[1] < 2:
        raise ValueError(f"Y must have shape (n_inputs >= 2, n_units >= 2); got {Y.shape}.")
    Yc = Y - Y.mean(axis=0)
    norms = np.sqrt((Yc * Yc).sum(axis=0))
    live = norms > 0
    if np.count_nonzero(live) < 2:
        return float("nan")
    Z = Yc[:, live] / norms[live]
    R = Z.T @ Z
    off = ~np.eye(R.shape[0], dtype=bool)
    return float(np.abs(R[off]).mean())
