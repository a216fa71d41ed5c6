"""criteriakit errors cross the text channel of an engine and come out as themselves."""

from __future__ import annotations

import base64
import json

import pytest

from criteriakit import (
    CriteriaKitError,
    DataError,
    EvaluationError,
    PluginError,
    Problem,
    UnknownFrameworkError,
)
from criteriakit.distributed._shipped import ship, unship

ERRORS = [
    DataError(
        [Problem("-1 is outside the declared bounds", path="targets_met", row=3)], source="x.csv"
    ),
    EvaluationError("unit 'C1': indicator 1.1 could not be computed", unit="C1", subject="1.1"),
    PluginError("raised ValueError: no", plugin="acme", hook="criteriakit_adjust_result"),
    UnknownFrameworkError("no framework 'acme'"),
]


def traceback_around(message: str) -> str:
    """A worker's traceback as an engine reports it, the exception's message last."""
    return (
        "An exception was thrown from the Python worker.\n"
        "Traceback (most recent call last):\n"
        '  File "worker.py", line 1, in main\n'
        f"RuntimeError: {message}\n"
    )


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: type(error).__name__)
def test_errors_come_back_with_their_type_message_and_details(error):
    back = unship(traceback_around(ship(error)))
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert vars(back) == vars(error)


def test_the_message_reads_as_the_error_itself():
    error = ERRORS[0]
    assert ship(error).startswith(str(error))


def test_text_without_a_shipped_error_gives_none():
    assert unship(traceback_around("ZeroDivisionError: division by zero")) is None


def test_a_line_that_only_looks_shipped_gives_none():
    forged = base64.b64encode(json.dumps({"class": "os.system"}).encode()).decode()
    assert unship(f"criteriakit-error:{forged}") is None
    assert unship("criteriakit-error:not-base64!") is None


def test_only_criteriakit_errors_are_rebuilt():
    payload = {"class": "SystemExit", "args": [], "state": {}}
    forged = base64.b64encode(json.dumps(payload).encode()).decode()
    assert unship(f"criteriakit-error:{forged}") is None
    rebuilt = unship(ship(CriteriaKitError("plain")))
    assert isinstance(rebuilt, CriteriaKitError)
    assert str(rebuilt) == "plain"
