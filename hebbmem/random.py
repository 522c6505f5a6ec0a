"""Where every model's randomness comes from: its own ``seed=``, or one default generator a program seeds once.

A model draws its initial weights, its sampling and its update orders from a
:class:`numpy.random.Generator`, chosen when it needs one:

1. ``seed=`` given to the model (an int, or a Generator to share): that wins;
2. otherwise, after :func:`seed` was called: a generator drawn from hebbmem's
   default generator, so a program that calls ``hebbmem.random.seed(42)``
   once at the top gives the same numbers on every run. canns programs call
   ``brainpy.math.random.seed(42)``; their mechanical port,
   ``import hebbmem as bm``, makes that ``bm.random.seed(42)``, unchanged;
3. otherwise: a generator seeded from NumPy's global state, as scikit-learn
   does for ``random_state=None``, so a program that only calls
   ``np.random.seed(42)`` is reproducible too. (It draws one number from
   NumPy's global generator per model.)

Two models created in a row without ``seed=`` get different generators in
cases 2 and 3: nothing is shared by accident.

Examples
--------
>>> import numpy as np, hebbmem as hm
>>> hm.random.seed(42)
>>> a = hm.LinearLayer(3, 2).W
>>> hm.random.seed(42)
>>> b = hm.LinearLayer(3, 2).W
>>> bool(np.array_equal(a, b))
True
>>> hm.random.seed(None)  # back to NumPy's global state
"""

import numpy as np

from ._validation import check_seed

__all__ = ["seed", "generator"]

_DEFAULT = []  # [hebbmem's default Generator] once seed() was called with a seed


def seed(seed=None):
    """Seed hebbmem's default generator, which every model created without ``seed=`` draws from.

    The hebbmem spelling of canns' ``brainpy.math.random.seed(seed)`` (and of
    ``np.random.seed(seed)`` for NumPy's own functions).

    Parameters
    ----------
    seed : None, int >= 0 or numpy.random.Generator
        An int gives the same models on every run. None forgets the seed:
        models without ``seed=`` then draw from NumPy's global state again
        (see the module docstring).
    """
    seed = check_seed(seed, "hebbmem.random.seed")
    if seed is None:
        _DEFAULT.clear()
    else:
        _DEFAULT[:] = [seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)]


def generator(seed=None, owner="hebbmem"):
    """The generator of a model created with ``seed`` (validated: None, an int >= 0 or a Generator).

    Parameters
    ----------
    seed : None, int >= 0 or numpy.random.Generator
        The model's ``seed=``. An int gives ``numpy.random.default_rng(seed)``;
        a Generator is used as it is (and advanced).
    owner : str
        The class or function asking, for the error message.

    Returns
    -------
    numpy.random.Generator
    """
    seed = check_seed(seed, owner)
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None:
        return np.random.default_rng(seed)
    if _DEFAULT:
        words = _DEFAULT[0].integers(0, 2 ** 32, size=4, dtype=np.uint64)
    else:
        words = np.random.randint(0, 2 ** 32, size=4, dtype=np.uint64)  # NumPy's global (legacy) state
    return np.random.default_rng(words)
