"""canns' path ``hebbmem.utils.example_outputs``: re-exports :func:`get_example_output_dir` (implemented in ``hebbmem.io._outputs``)."""

from ..io._outputs import get_example_output_dir

__all__ = ["get_example_output_dir"]
