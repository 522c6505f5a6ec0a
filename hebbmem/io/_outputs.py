"""Where an example program saves its figures: one folder per program, which an environment variable can move.

canns' example programs start with ``OUTPUT_DIR =
get_example_output_dir(__file__)`` and save their figures there; their
mechanical port to hebbmem (``canns`` -> ``hebbmem`` in imports) reaches this
function through canns' path :mod:`hebbmem.utils.example_outputs`.
"""

import os
from pathlib import Path

__all__ = ["get_example_output_dir", "OUTPUT_DIR_VARIABLES"]

#: The environment variables consulted by default, first set (and non-empty) wins.
OUTPUT_DIR_VARIABLES = ("HEBBMEM_EXAMPLES_OUTPUT_DIR", "CANNS_EXAMPLES_OUTPUT_DIR")


def get_example_output_dir(script_path, category=None, *, base_env_var=OUTPUT_DIR_VARIABLES):
    """The folder an example program writes into, created if needed: ``<base>/<category>/<script name>``.

    Parameters
    ----------
    script_path : str or os.PathLike
        The program's file, usually ``__file__``. Its name without the
        suffix is the last folder.
    category : str, optional
        The middle folder. By default, when the program sits in a folder
        below a folder named ``examples`` (``examples/brain_inspired/x.py``),
        that folder's name (``brain_inspired``); otherwise none.
    base_env_var : str or sequence of str, default=("HEBBMEM_EXAMPLES_OUTPUT_DIR", "CANNS_EXAMPLES_OUTPUT_DIR")
        The environment variable(s) naming the base folder; the first one set
        to a non-empty value wins, so hebbmem's variable wins over canns'
        (ported programs honour both). With none set, the base is the
        ``outputs`` folder beside the nearest parent folder named
        ``examples``, else ``outputs`` beside the program.

    Returns
    -------
    pathlib.Path
        The folder (absolute), which exists on return.

    Examples
    --------
    >>> import os, tempfile
    >>> from hebbmem.utils import get_example_output_dir
    >>> os.environ["MY_FIGURES"] = root = tempfile.mkdtemp()  # usually HEBBMEM_EXAMPLES_OUTPUT_DIR
    >>> out = get_example_output_dir("/anywhere/examples/brain_inspired/oja_pca_extraction.py",
    ...                              base_env_var="MY_FIGURES")
    >>> out.relative_to(root).as_posix(), out.is_dir()
    ('brain_inspired/oja_pca_extraction', True)
    """
    if not isinstance(script_path, (str, os.PathLike)):
        raise TypeError("The 'script_path' parameter of get_example_output_dir must be a path (str or "
                        f"pathlib.Path), usually __file__. Got {type(script_path).__name__} instead.")
    if category is not None and not isinstance(category, str):
        raise TypeError("The 'category' parameter of get_example_output_dir must be a str or None. "
                        f"Got {type(category).__name__} instead.")
    names = (base_env_var,) if isinstance(base_env_var, str) else tuple(base_env_var)
    if not names or not all(isinstance(n, str) and n for n in names):
        raise TypeError("The 'base_env_var' parameter of get_example_output_dir must be the name of an "
                        f"environment variable, or a sequence of names. Got {base_env_var!r} instead.")
    script = Path(script_path).resolve()
    examples = next((p for p in script.parents if p.name == "examples"), None)
    base = next((os.environ[n] for n in names if os.environ.get(n)), None)
    if base is not None:
        base = Path(base).expanduser().resolve()
    else:
        base = examples / "outputs" if examples is not None else script.parent / "outputs"
    if category is None and examples is not None:
        inner = script.relative_to(examples).parts
        category = inner[0] if len(inner) >= 2 else None
    out = base / category / script.stem if category else base / script.stem
    out.mkdir(parents=True, exist_ok=True)
    return out
