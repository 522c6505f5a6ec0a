"""Interactive recall in a notebook: corrupt a stored pattern and watch the network clean it up.

Two classes, one inside the other:

* :class:`RecallSession`: the plain Python logic, with no widget and no
  figure. It holds the stored patterns, a private network trained on them,
  the current state, and the energy and overlaps after every step. Use it
  in scripts and tests, or to see what the widget does.
* :class:`RecallExplorer`: the ipywidgets controls and a live figure on top
  of a :class:`RecallSession`. Pick a stored pattern, corrupt it with the
  noise slider or by clicking pixels, step or play the recall (synchronous
  or asynchronous), and switch the learning rule; the state, the energy and
  the overlaps are redrawn after every step.

Both leave your trainer and its network untouched: the session trains its
own network on ``patterns`` (with your trainer's rule first), so switching
the rule never changes your model.

The widget needs the optional extra ``pip install "hebbmem[widgets]"``
(ipywidgets, and ipympl for the clickable figure). Importing this module
does not need it; creating a :class:`RecallExplorer` without it raises an
ImportError that names the extra. In a notebook::

    import hebbmem as hm
    from hebbmem.widgets import RecallExplorer
    trainer = hm.HebbianTrainer(hm.HopfieldNetwork(256, seed=0))
    RecallExplorer(trainer, patterns)          # displays itself
"""

from ._explorer import RecallExplorer
from ._session import RecallSession

__all__ = ["RecallSession", "RecallExplorer"]
