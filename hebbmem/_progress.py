"""A dependency-free progress line for recall (works in terminals and notebooks)."""

import sys
import time


class ProgressLine:
    """Rewrites one line on stderr: how many probes have settled, and the iteration.

    Used by ``predict_batch(..., show_sample_progress=True)`` and
    ``predict(..., show_progress=True)``.
    """

    def __init__(self, total, label, stream=None, width=30):
        self.total = total
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        self.width = width
        self.start = time.perf_counter()
        self._draw(0, 0)

    def _draw(self, done, iteration):
        filled = int(self.width * done / self.total) if self.total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = time.perf_counter() - self.start
        self.stream.write(
            f"\r{self.label} [{bar}] {done}/{self.total} settled | iteration {iteration} | {elapsed:.2f} s"
        )
        self.stream.flush()

    def __call__(self, done, iteration):
        self._draw(done, iteration)

    def close(self):
        self.stream.write("\n")
        self.stream.flush()
