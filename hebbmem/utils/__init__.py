"""canns' import path for its small helpers (``from canns.utils import get_example_output_dir``): re-exports only."""

from ..io._outputs import get_example_output_dir
from . import example_outputs

__all__ = ["get_example_output_dir", "example_outputs"]
