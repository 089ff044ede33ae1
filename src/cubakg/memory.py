"""The cyclic garbage collector, paused where millions of objects are made that form no cycles.

Every 700 objects made, the collector sweeps the youngest; past some growth, it sweeps all
of them. Where a stage makes millions of objects that form no reference cycles (an index, the
site's pages, the records of its 200,000 files), those sweeps find nothing to free and cost
seconds: a sweep of everything the build's process holds took 0.64 s at 1,000 articles.

>>> with collector_paused():
...     index = {n: [n] for n in range(1000)}
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused(keep: bool = False):
    """The cyclic garbage collector paused for the block (and left as it was found after it).

    `keep`: what the block made is kept to the end, and is put out of the collector's sight
    (`gc.freeze`) before it runs again. Otherwise everything made while it was paused is still
    its youngest generation, which its first sweep then goes over: 0.9 s after the site's
    index at 1,000 articles. For objects kept until the process ends or unfreezes them
    (`gc.unfreeze`, as `site.render.prepared_site` does): cycles among them are not freed before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if keep:
            gc.freeze()
    finally:
        if was_enabled:
            gc.enable()
