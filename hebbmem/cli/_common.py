"""What the commands share: the rule names, the two kinds of error, argument checks and the progress line."""

import contextlib
import math
import os
import sys
import threading
import time
import warnings
from pathlib import Path

RULES = {
    "hebbian": "Hebbian",
    "antihebbian": "AntiHebbian",
    "storkey": "Storkey",
    "pseudoinverse": "PseudoInverse",
}
_PROGRESS_AFTER = 2.0  # seconds before a step starts showing that it is still running

#: What a command may take without --force: a run that fits a lesson on a classroom laptop.
BUDGET_SECONDS = 60.0
BUDGET_BYTES = 2 * 2 ** 30


class CommandLineError(Exception):
    """A problem with the command line: printed as one line, exit status 2."""


class RunError(Exception):
    """A problem met while running (e.g. memory): printed as one line, exit status 1."""


# ------------------------------------------------------------------ checks


def _plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _human(n_bytes):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if n_bytes < 1024 or unit == "EiB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024


def human_seconds(seconds):
    """``seconds`` as '40 s', '3 min', '2.5 h', '4 days' or '1.2e+05 years', for messages."""
    for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= (2 * size if unit in ("years", "days") else size):
            value = seconds / size
            return f"{value:.2g} {unit}"
    return f"{seconds:.0f} s" if seconds >= 1 else "under a second"


def check_budget(what, seconds, need, force, fix):
    """Refuse a run estimated beyond the budget (unless ``force``), or beyond the memory there is (always).

    Parameters
    ----------
    what : str
        The run, as the user wrote it, e.g. ``"--size 4096 --rule storkey"``.
    seconds, need : float, int
        The estimated time and peak memory of the run.
    force : bool
        ``--force``: run beyond the budget anyway.
    fix : str
        How to make the run smaller, e.g. ``"use a smaller --size"``.

    Raises
    ------
    RunError
        If ``need`` exceeds the memory available now (exit status 1, --force or not).
    CommandLineError
        If the estimate exceeds :data:`BUDGET_SECONDS` or :data:`BUDGET_BYTES` and not ``force``
        (exit status 2; the one-line message gives the estimate and the flag that goes ahead).
    """
    have = _available_memory()
    if need > have:
        raise RunError(f"{what} needs about {_human(need)} of memory, but only {_human(have)} is available; "
                       f"nothing was allocated. To fit, {fix}.")
    if force or (seconds <= BUDGET_SECONDS and need <= BUDGET_BYTES):
        return
    raise CommandLineError(
        f"{what} would take about {human_seconds(seconds)} and {_human(need)} of memory (estimated), beyond the "
        f"budget of {human_seconds(BUDGET_SECONDS)} and {_human(BUDGET_BYTES)}; {fix}, or add --force to run it anyway."
    )


def _available_memory():
    """Bytes of memory available to a new allocation (MemAvailable on Linux, else half the RAM)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 8 * 2 ** 30


def _figure_formats():
    """File extensions matplotlib can write, e.g. {'png': 'Portable Network Graphics', ...}."""
    from matplotlib.backend_bases import FigureCanvasBase

    return FigureCanvasBase.get_supported_filetypes()


def check_out(out):
    """The path the figure will be written to (``.png`` added if no extension), or CommandLineError.

    Checked before any computing: the folder exists and is writable, the
    extension is one matplotlib writes, and the path is not a folder.
    """
    if out == "":
        return None
    path = Path(out).expanduser()
    if path.is_dir():
        raise CommandLineError(f"--out {out} is a folder; give a file name, e.g. --out {path / 'figure.png'}.")
    if path.suffix == "":
        path = path.with_name(path.name + ".png")
    ext = path.suffix[1:].lower()
    formats = _figure_formats()
    if ext not in formats:
        raise CommandLineError(
            f"--out {out}: matplotlib cannot write '.{path.suffix[1:]}' files; use one of "
            f"{', '.join('.' + e for e in sorted(formats))} (e.g. --out {path.with_suffix('.png')})."
        )
    folder = path.parent
    if not folder.is_dir():
        raise CommandLineError(
            f"--out {out}: the folder '{folder}' does not exist; create it first (mkdir -p {folder}) "
            f"or choose another path."
        )
    if not os.access(folder, os.W_OK):
        raise CommandLineError(f"--out {out}: the folder '{folder}' is not writable; choose another path.")
    return path


def _check_seed(seed):
    if seed < 0:
        raise CommandLineError(f"--seed must be an int >= 0 (it seeds numpy.random.default_rng); got {seed}.")


def _check_fraction(value, name):
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise CommandLineError(
            f"{name} must be a fraction between 0 and 1 (0.3 flips 30 % of bits); got {value}."
        )


# ---------------------------------------------------------------- progress


@contextlib.contextmanager
def step(label, stream=None, after=_PROGRESS_AFTER, enabled=None):
    """Show ``label ... 3 s`` on ``stream`` (stderr) while a step runs longer than ``after`` seconds.

    Quick steps print nothing; a long one updates the elapsed time twice a
    second and erases its line when it ends. By default this happens only
    when ``stream`` is a terminal, so logs and pipes stay clean.
    """
    stream = sys.stderr if stream is None else stream
    if enabled is None:
        enabled = bool(getattr(stream, "isatty", lambda: False)())
    if not enabled:
        yield
        return
    done = threading.Event()
    shown = []

    def tick():
        start = time.perf_counter()
        if done.wait(after):
            return
        while not done.wait(0.5 if shown else 0.0):
            text = f"\r  {label} ... {time.perf_counter() - start:.0f} s"
            shown.append(len(text))
            stream.write(text)
            stream.flush()

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        if shown:
            stream.write("\r" + " " * max(shown) + "\r")
            stream.flush()


@contextlib.contextmanager
def plain_warnings(stream):
    """Print ConvergenceWarnings (and other warnings) as one plain line, without a source line."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    seen = set()
    for w in caught:
        text = str(w.message)
        if text not in seen:
            seen.add(text)
            print(f"  note: {text}", file=stream)


# -------------------------------------------------------------------- demo
