"""How the Python process runs long bulk work: the cyclic garbage collector's pace.

A demo year or a ledger import allocates millions of small objects that live until their
transaction ends (cases, events, rows) and makes almost no reference cycles. With CPython's
default thresholds (700, 10, 10) the collector walks that growing heap again and again: the
demo year spent about a quarter of its time in it (docs/performance.md). During bulk work the
collector runs far less often; it still runs, so a cycle made there is still freed.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Young objects allocated between collections of the youngest generation, then how many of
# those before the middle one is collected, and how many of these before a full collection.
BULK_THRESHOLDS = (100_000, 50, 100)


@contextmanager
def bulk_work() -> Iterator[None]:
    """Collect garbage less often inside; the thresholds before are restored on the way out
    (also on an error). Nested uses keep the outermost's settings."""
    before = gc.get_threshold()
    if before[0] >= BULK_THRESHOLDS[0]:
        yield
        return
    gc.set_threshold(*BULK_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


# Whether the process is starting (``starting`` was called and ``started`` not yet).
_starting = False


def starting() -> None:
    """A short command's process begins: no collection while it imports its modules and loads
    the procedures. They make some 150,000 objects that live as long as the process and hardly
    any garbage; with the collector on, start-up spent a tenth of ``case show``'s time walking
    them (docs/performance.md, Start-up). ``started`` ends this."""
    global _starting
    _starting = True
    gc.disable()


def started() -> None:
    """What start-up loaded is kept out of every later collection (``gc.freeze``) and the
    collector runs again, for whatever the command itself allocates. Only after ``starting``:
    elsewhere (a test process, the web server's workers) nothing changes."""
    global _starting
    if not _starting:
        return
    _starting = False
    gc.freeze()
    gc.enable()
