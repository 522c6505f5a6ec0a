"""canns' import path ``hebbmem.models``: see :mod:`hebbmem.models.brain_inspired`."""
