"""``python -m hebbmem``: the command line of :mod:`hebbmem.cli`."""

import sys

from .cli import main

sys.exit(main())
