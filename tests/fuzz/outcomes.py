"""What every fuzz target asserts of an outcome: a well-reported error, and no code run.

An input criteriakit refuses must give a :class:`~criteriakit.CriteriaKitError` that says where
the trouble is and stays short whatever the input (its message within the
``report_characters`` limit, plus a heading); anything else escaping is a failure of the
target. :func:`no_code_run` watches Python's audit events while untrusted text is compiled and
evaluated: an expression that reached ``exec``, ``compile``, a subprocess, a socket or a file
would show up there.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
from collections.abc import Iterator

from criteriakit import limits
from criteriakit.errors import CriteriaKitError, ExpressionError, FrameworkError

HEADING = 200
"""Characters an error's message may add to its problems (the count and the source's name)."""

FORBIDDEN_EVENTS = frozenset(
    {
        "exec",
        "compile",
        "open",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
        "subprocess.Popen",
        "socket.connect",
        "ctypes.dlopen",
        "builtins.input",
        "import",
    }
)
"""Audit events that mean Python code, a program, a file or the network was reached."""

_watchers: dict[int, list[list[str]]] = {}
"""Per thread, the events seen by each open :func:`no_code_run` block, innermost last."""


def _audit(event: str, _: tuple[object, ...]) -> None:
    """Record a forbidden event for the calling thread's innermost :func:`no_code_run` block.

    Audit hooks see every thread's events; the fuzz watchdog reads ``/proc`` in its own thread
    while a block runs, and that is not the untrusted text's doing.
    """
    if event in FORBIDDEN_EVENTS:
        blocks = _watchers.get(threading.get_ident())
        if blocks:
            blocks[-1].append(event)


@functools.cache
def _installed() -> None:
    """Install the audit hook, once per process (audit hooks cannot be removed)."""
    sys.addaudithook(_audit)


@contextlib.contextmanager
def no_code_run() -> Iterator[None]:
    """Fail if the block raises a forbidden audit event (see :data:`FORBIDDEN_EVENTS`)."""
    _installed()
    seen: list[str] = []
    blocks = _watchers.setdefault(threading.get_ident(), [])
    blocks.append(seen)
    try:
        yield
    finally:
        blocks.pop()
    assert not seen, f"untrusted text reached {sorted(set(seen))}"


def assert_well_reported(error: CriteriaKitError, source: str | None = None) -> None:
    """Assert ``error`` is short and says where: problems with a message, in ``source``."""
    text = str(error)
    assert text, f"{type(error).__name__} without a message"
    assert len(text) <= limits.current().report_characters + HEADING, (
        f"a {len(text):,}-character message: {text[:300]!r}…"
    )
    assert "Traceback" not in text, text[:2000]
    if isinstance(error, FrameworkError):
        for problem in error.problems:
            assert problem.message, error.problems
            assert source is None or problem.file == source, (problem.file, source)
    if isinstance(error, ExpressionError):
        assert 0 <= error.offset <= len(error.text), (error.offset, len(error.text))
