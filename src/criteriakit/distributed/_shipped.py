"""criteriakit errors carried from workers to the driver through engines that pass on text only.

Spark reports an exception raised on a worker as a ``PythonException`` holding the worker's
traceback as text. :func:`ship` appends to the message a last line holding the error's class
and state as JSON (never pickle: the text passes through the engine and may quote unit data);
:func:`unship` finds it in that text and rebuilds the error, so the caller catches the same
:class:`~criteriakit.DataError` or :class:`~criteriakit.EvaluationError` as on one machine.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import attrs

from criteriakit.errors import CriteriaKitError, Problem

__all__ = ["ship", "unship"]

_MARK = "criteriakit-error:"
_LINE = re.compile(rf"^{re.escape(_MARK)}([A-Za-z0-9+/=]+)$", re.MULTILINE)


def _plain(value: object) -> object:
    if isinstance(value, Problem):
        return {"problem": attrs.asdict(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _rebuilt(value: object) -> object:
    if isinstance(value, dict) and set(value) == {"problem"}:
        return Problem(**value["problem"])
    if isinstance(value, list):
        return tuple(_rebuilt(item) for item in value)
    return value


def ship(error: CriteriaKitError) -> str:
    """Return ``error``'s message followed by a line that :func:`unship` rebuilds it from."""
    state = {
        "class": type(error).__name__,
        "args": [str(argument) for argument in error.args],
        "state": {name: _plain(value) for name, value in vars(error).items()},
    }
    payload = json.dumps(state, default=str).encode("utf-8")
    return f"{error}\n{_MARK}{base64.b64encode(payload).decode('ascii')}"


def _classes() -> dict[str, type[CriteriaKitError]]:
    found: dict[str, type[CriteriaKitError]] = {}
    pending: list[type[CriteriaKitError]] = [CriteriaKitError]
    while pending:
        cls = pending.pop()
        found.setdefault(cls.__name__, cls)
        pending.extend(cls.__subclasses__())
    return found


def unship(text: str) -> CriteriaKitError | None:
    """Return the criteriakit error shipped in ``text`` (its last one), or ``None``."""
    shipped = _LINE.findall(text)
    if not shipped:
        return None
    try:
        data: dict[str, Any] = json.loads(base64.b64decode(shipped[-1], validate=True))
        cls = _classes()[data["class"]]
        error = cls.__new__(cls)
        error.args = tuple(data["args"])
        error.__dict__.update({name: _rebuilt(value) for name, value in data["state"].items()})
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # not a line ship() wrote: leave the engine's error as it is
    return error
