"""The long campaign's memory watchdog: a runaway input ends the run, not the machine.

An address-space cap (``RLIMIT_AS``) does not work here: Polars and its allocator reserve large
virtual areas they never touch, and under the cap an allocation fails inside Rust, which aborts
the process ("Fatal Python error: Aborted") on an input that used little memory. What matters
is resident memory, so a daemon thread reads this process's resident size every
:data:`INTERVAL` seconds (``psutil`` when installed, else ``/proc/self/statm``, else the peak
from ``getrusage``) and, once it passes the cap, reports the input being checked and the
threads' stacks on standard error and ends the process with :data:`EXIT_CODE`: a running
Polars query cannot be interrupted from Python, so ending the process is the only bound that
holds. Each input's growth of the peak is also checked after it (``fuzz.campaign``), which
fails that input as an ordinary, reported failure; the watchdog is for the input that would
not come back.
"""

from __future__ import annotations

import faulthandler
import functools
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fuzz.campaign import checking, peak_memory

MEMORY_VARIABLE = "CRITERIAKIT_FUZZ_MEMORY_MIB"
"""The long campaign's cap on its resident memory, in MiB (default :data:`MEMORY_MIB`)."""

MEMORY_MIB = 4096
"""The default cap: the campaign itself stays under 1 GiB; a runaway input meets the cap."""

INTERVAL = 0.05
"""Seconds between two readings of the resident memory."""

EXIT_CODE = 70
"""The exit status of a run the watchdog ended (``EX_SOFTWARE``)."""

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_STATM = Path("/proc/self/statm")


@functools.cache
def _process() -> Any:
    """This process as psutil sees it, or None without psutil (looked up once, not per reading)."""
    try:
        import psutil  # noqa: PLC0415 - optional: /proc or getrusage serve without it
    except ImportError:
        return None
    return psutil.Process()


def resident_memory() -> int:
    """Return this process's resident memory now, in bytes (its peak where that is unknown)."""
    process = _process()
    if process is not None:
        return int(process.memory_info().rss)
    try:
        return int(_STATM.read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return peak_memory()


def end_run(message: str, before: Callable[[], object] = lambda: None) -> None:
    """Report ``message`` and every thread's stack, then end the process at once.

    ``before`` runs first: the fuzz suite's conftest passes one that suspends pytest's output
    capture, which would otherwise swallow the report.
    """
    before()
    sys.stderr.write(f"\n{message}\n")
    sys.stderr.flush()
    faulthandler.dump_traceback(all_threads=True)
    os._exit(EXIT_CODE)


class Watchdog:
    """Ends the run (``on_exceeded``, by default the process's end) once memory passes ``cap``."""

    def __init__(
        self,
        cap: int,
        read: Callable[[], int] = resident_memory,
        on_exceeded: Callable[[str], None] = end_run,
    ) -> None:
        self.cap = cap
        self.read = read
        self.on_exceeded = on_exceeded
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="fuzz watchdog", daemon=True)

    def check(self) -> bool:
        """Read the memory once; past the cap, call ``on_exceeded``. Whether it was past."""
        used = self.read()
        if used <= self.cap:
            return False
        self.on_exceeded(
            f"fuzz watchdog: the resident memory reached {used / 2**20:,.0f} MiB, over the cap "
            f"of {self.cap / 2**20:,.0f} MiB ({MEMORY_VARIABLE}); ending the run. "
            f"The input being checked: {checking()}"
        )
        return True

    def _watch(self) -> None:
        while not self._stop.wait(INTERVAL):
            if self.check():
                return

    def start(self) -> None:
        """Start watching, in a daemon thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop watching."""
        self._stop.set()
        self._thread.join()


def cap_from_environment() -> int:
    """The cap in bytes: ``CRITERIAKIT_FUZZ_MEMORY_MIB``, or :data:`MEMORY_MIB`."""
    return int(os.environ.get(MEMORY_VARIABLE, MEMORY_MIB)) * 2**20
