"""A dependency-free progress line for long calls: live in a terminal, one plain line in a notebook.

Where it writes:

* in a terminal (or any stream that is not a Jupyter kernel's): one line on
  stderr, redrawn in place with carriage returns, closed with a newline
  (what tqdm does, and what canns programs show);
* in a Jupyter kernel: nothing while it runs, then one plain summary line on
  stdout when it closes. A notebook shows stderr in a red box and keeps every
  redraw in the saved file; a committed notebook then reads as an error.
"""

import sys
import time

__all__ = ["ProgressLine", "TaskProgress", "in_notebook"]


def in_notebook(stream=None):
    """Whether ``stream`` (default: sys.stderr) belongs to a Jupyter kernel (ipykernel's OutStream)."""
    stream = sys.stderr if stream is None else stream
    return type(stream).__module__.split(".")[0] == "ipykernel"


class ProgressLine:
    """Rewrites one line: how many probes have settled, and the iteration.

    Used by ``predict_batch(..., show_sample_progress=True)``,
    ``predict(..., show_progress=True)`` and the analysis functions with
    ``progress=True``. Subclasses change :meth:`text`.

    Parameters
    ----------
    total : int
    label : str
    stream : file-like, optional
        Where to draw (default: sys.stderr, or one line on sys.stdout at the
        end in a Jupyter kernel; see the module docstring).
    width : int, default=30
        Characters of the bar.
    """

    def __init__(self, total, label, stream=None, width=30):
        self.total = total
        self.label = label
        self.summary = stream is None and in_notebook()
        self.stream = (sys.stdout if self.summary else sys.stderr) if stream is None else stream
        self.width = width
        self.start = time.perf_counter()
        self.state = (0, 0)
        if not self.summary:
            self._draw(0, 0)

    def bar(self, done):
        filled = int(self.width * done / self.total) if self.total else self.width
        return "#" * filled + "-" * (self.width - filled)

    def text(self, done, iteration):
        """The line for ``done`` of ``total`` at ``iteration`` (without the carriage return)."""
        elapsed = time.perf_counter() - self.start
        return f"{self.label} [{self.bar(done)}] {done}/{self.total} settled | iteration {iteration} | {elapsed:.2f} s"

    def _draw(self, done, iteration):
        self.stream.write("\r" + self.text(done, iteration))
        self.stream.flush()

    def __call__(self, done, iteration):
        self.state = (done, iteration)
        if not self.summary:
            self._draw(done, iteration)

    def close(self):
        self.stream.write((self.text(*self.state) if self.summary else "") + "\n")
        self.stream.flush()


class TaskProgress(ProgressLine):
    """Counts the finished tasks of a sweep (from every worker), with a note such as the loads done.

    Call ``bar.tick(note)`` once per finished task (or ``bar(done, note)``).
    """

    def __init__(self, total, label, unit="trials", stream=None, width=30):
        self.unit = unit
        self.done = 0
        super().__init__(total, label, stream, width)

    def tick(self, note=""):
        """One more task finished."""
        self.done += 1
        self(self.done, note)

    def text(self, done, note):
        elapsed = time.perf_counter() - self.start
        note = f" | {note}" if note else ""
        return f"{self.label} [{self.bar(done)}] {done}/{self.total} {self.unit}{note} | {elapsed:.1f} s"
