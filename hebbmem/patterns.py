"""Small test patterns: checkerboards, L shapes, rows, random patterns and a 10 x 10 alphabet.

The patterns a neurodynex3 user expects (its ``PatternFactory``), written for
hebbmem. Every function returns **flat** +1/-1 vectors (float64), the shape
networks take: one pattern of shape ``(h * w,)``, or several of shape
``(n, h * w)``. Draw one with ``hebbmem.plotting.plot_pattern(p, shape)``.
``shape`` is an int (a square) or ``(h, w)``; +1 is "on" (white in plots).

The alphabet is drawn here, in code, by the hebbmem authors (no external
font) and is covered by hebbmem's BSD-3-Clause licence.

Examples
--------
>>> from hebbmem import patterns
>>> patterns.checkerboard(4).reshape(4, 4).astype(int)
array([[ 1, -1,  1, -1],
       [-1,  1, -1,  1],
       [ 1, -1,  1, -1],
       [-1,  1, -1,  1]])
>>> patterns.letters("HI").shape
(2, 100)
"""

import numpy as np

from ._validation import check_int, check_real

__all__ = ["checkerboard", "l_shape", "row_patterns", "random_patterns", "letters", "ALPHABET",
           "LETTER_SHAPE"]

LETTER_SHAPE = (10, 10)


def _shape(shape, func):
    if isinstance(shape, (tuple, list)):
        if len(shape) != 2:
            raise ValueError(f"{func}: shape must be an int or (h, w); got {shape!r}.")
        h = check_int(shape[0], "shape[0]", func, low=1)
        w = check_int(shape[1], "shape[1]", func, low=1)
        return h, w
    n = check_int(shape, "shape", func, low=1, fix="Give the side of a square, e.g. 10, or (h, w).")
    return n, n


def checkerboard(shape, *, square=1):
    """A checkerboard: +1 where ``(row // square + col // square)`` is even, else -1.

    Parameters
    ----------
    shape : int or (h, w)
    square : int, default=1
        Side of each square in pixels.

    Returns
    -------
    pattern : ndarray of shape (h * w,), float64
    """
    h, w = _shape(shape, "checkerboard")
    square = check_int(square, "square", "checkerboard", low=1)
    r, c = np.indices((h, w))
    return np.where(((r // square + c // square) % 2) == 0, 1.0, -1.0).ravel()


def l_shape(shape, *, width=1):
    """An L: the left column(s) and the bottom row(s) on (+1), the rest off (-1).

    Parameters
    ----------
    shape : int or (h, w)
    width : int, default=1
        Thickness of the two strokes.

    Returns
    -------
    pattern : ndarray of shape (h * w,), float64
    """
    h, w = _shape(shape, "l_shape")
    width = check_int(width, "width", "l_shape", low=1, high=min(h, w))
    img = -np.ones((h, w))
    img[:, :width] = 1.0
    img[h - width:, :] = 1.0
    return img.ravel()


def row_patterns(shape):
    """One pattern per row: row r on (+1), every other row off (-1), as neurodynex3's.

    Parameters
    ----------
    shape : int or (h, w)

    Returns
    -------
    patterns : ndarray of shape (h, h * w), float64
    """
    h, w = _shape(shape, "row_patterns")
    out = -np.ones((h, h, w))
    for r in range(h):
        out[r, r, :] = 1.0
    return out.reshape(h, h * w)


def random_patterns(shape, n_patterns=None, *, on_probability=0.5, rng=None):
    """Random patterns: each pixel +1 with probability ``on_probability``, independently.

    Parameters
    ----------
    shape : int or (h, w)
    n_patterns : int, optional
        Number of patterns; None returns a single pattern of shape (h * w,).
    on_probability : float, default=0.5
    rng : None, int or numpy.random.Generator, default=None

    Returns
    -------
    ndarray of shape (h * w,) or (n_patterns, h * w), float64

    Examples
    --------
    >>> from hebbmem.patterns import random_patterns
    >>> random_patterns(5, 3, rng=0).shape
    (3, 25)
    """
    h, w = _shape(shape, "random_patterns")
    p = check_real(on_probability, "on_probability", "random_patterns", low=0, high=1)
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    if n_patterns is None:
        return np.where(gen.random(h * w) < p, 1.0, -1.0)
    n = check_int(n_patterns, "n_patterns", "random_patterns", low=1)
    return np.where(gen.random((n, h * w)) < p, 1.0, -1.0)


# 10 x 10 capital letters, drawn for hebbmem ('#' = on). BSD-3-Clause, as the package.
_FONT = """
A ....##.... ...####... ..##..##.. .##....##. .##....##. .########. .##....##. .##....##. .##....##. ..........
B .#######.. .##....##. .##....##. .##...##.. .######... .##...##.. .##....##. .##....##. .#######.. ..........
C ..######.. .##....##. .##....... .##....... .##....... .##....... .##....... .##....##. ..######.. ..........
D .######... .##...##.. .##....##. .##....##. .##....##. .##....##. .##....##. .##...##.. .######... ..........
E .########. .##....... .##....... .##....... .######... .##....... .##....... .##....... .########. ..........
F .########. .##....... .##....... .##....... .######... .##....... .##....... .##....... .##....... ..........
G ..######.. .##....##. .##....... .##....... .##..####. .##....##. .##....##. .##....##. ..######.. ..........
H .##....##. .##....##. .##....##. .##....##. .########. .##....##. .##....##. .##....##. .##....##. ..........
I ..######.. ....##.... ....##.... ....##.... ....##.... ....##.... ....##.... ....##.... ..######.. ..........
J .....####. ......##.. ......##.. ......##.. ......##.. ......##.. .##...##.. .##...##.. ..#####... ..........
K .##....##. .##...##.. .##..##... .##.##.... .####..... .##.##.... .##..##... .##...##.. .##....##. ..........
L .##....... .##....... .##....... .##....... .##....... .##....... .##....... .##....... .########. ..........
M .##....##. .###..###. .########. .##.##.##. .##....##. .##....##. .##....##. .##....##. .##....##. ..........
N .##....##. .###...##. .####..##. .##.##.##. .##..####. .##...###. .##....##. .##....##. .##....##. ..........
O ..######.. .##....##. .##....##. .##....##. .##....##. .##....##. .##....##. .##....##. ..######.. ..........
P .#######.. .##....##. .##....##. .##....##. .#######.. .##....... .##....... .##....... .##....... ..........
Q ..######.. .##....##. .##....##. .##....##. .##....##. .##.##.##. .##..####. .##...##.. ..#####.## ..........
R .#######.. .##....##. .##....##. .##....##. .#######.. .##.##.... .##..##... .##...##.. .##....##. ..........
S ..######.. .##....##. .##....... ..##...... ...####... ......##.. .......##. .##....##. ..######.. ..........
T .########. ....##.... ....##.... ....##.... ....##.... ....##.... ....##.... ....##.... ....##.... ..........
U .##....##. .##....##. .##....##. .##....##. .##....##. .##....##. .##....##. .##....##. ..######.. ..........
V .##....##. .##....##. .##....##. .##....##. .##....##. ..##..##.. ..##..##.. ...####... ....##.... ..........
W .##....##. .##....##. .##....##. .##....##. .##.##.##. .########. .###..###. .##....##. .#......#. ..........
X .##....##. .##....##. ..##..##.. ...####... ....##.... ...####... ..##..##.. .##....##. .##....##. ..........
Y .##....##. .##....##. ..##..##.. ...####... ....##.... ....##.... ....##.... ....##.... ....##.... ..........
Z .########. ......##.. .....##... ....##.... ...##..... ..##...... .##....... .##....... .########. ..........
"""


def _parse_font():
    font = {}
    for line in _FONT.strip().splitlines():
        name, *rows = line.split()
        if len(rows) != 10 or any(len(r) != 10 for r in rows):  # pragma: no cover - guards the table
            raise RuntimeError(f"letter {name} of the built-in font is not 10 x 10")
        font[name] = np.array([[1.0 if ch == "#" else -1.0 for ch in r] for r in rows]).ravel()
    return font


_LETTERS = _parse_font()

#: The letters of the built-in 10 x 10 alphabet, "ABC...Z".
ALPHABET = "".join(sorted(_LETTERS))


def letters(text=None):
    """Capital letters as 10 x 10 patterns (flat, length 100), drawn for hebbmem.

    Parameters
    ----------
    text : str, optional
        Which letters, e.g. ``"HEBB"`` (case-insensitive; repeats allowed).
        Default: the whole alphabet A-Z.

    Returns
    -------
    patterns : ndarray of shape (len(text), 100), float64
        Row k is letter ``text[k]``; reshape a row to (10, 10) to see it.

    Examples
    --------
    >>> from hebbmem.patterns import letters
    >>> letters("T")[0].reshape(10, 10)[1].astype(int)
    array([-1, -1, -1, -1,  1,  1, -1, -1, -1, -1])
    """
    text = ALPHABET if text is None else text
    if not isinstance(text, str) or not text:
        raise TypeError(f"letters: text must be a non-empty string such as 'HEBB'; got {text!r}.")
    missing = sorted({ch for ch in text.upper() if ch not in _LETTERS})
    if missing:
        raise ValueError(f"letters: the built-in alphabet has the capitals A-Z only; {missing} are not in it.")
    return np.stack([_LETTERS[ch] for ch in text.upper()])
