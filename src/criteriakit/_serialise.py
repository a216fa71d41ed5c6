"""Results to and from JSON-ready plain data, through the strict cattrs converter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from criteriakit._converter import converter, structure
from criteriakit._toml_locations import format_key_path
from criteriakit.errors import DataError, Problem
from criteriakit.model.results import Result

__all__ = ["result_from_dict", "result_to_dict"]


def result_to_dict(result: Result) -> dict[str, Any]:
    """Return ``result`` as plain data: dicts, lists, strings, numbers, bools and None."""
    plain: dict[str, Any] = converter().unstructure(result)
    return plain


def _current(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return result data of schema version 1 in the current schema (2), other data as it is.

    Version 1 called a veto or cap that could not be checked ``undefined`` (and such a gate
    ``gate``, which cannot be told from a failed one): version 2 calls it ``not-checked``.
    """
    reasons = data.get("reasons")
    if not isinstance(reasons, list):
        return data  # not a list: the converter says so
    upgraded = [
        {**reason, "kind": "not-checked"}
        if isinstance(reason, dict) and reason.get("kind") == "undefined"
        else reason
        for reason in reasons
    ]
    return {**data, "reasons": upgraded}


def result_from_dict(data: Mapping[str, Any]) -> Result:
    """Rebuild a result from :func:`result_to_dict` output, reporting every invalid key.

    Results written at schema version 1 are read too (see :func:`_current`).
    """
    outcome = structure(converter(), _current(data), Result)
    if isinstance(outcome, Result):
        return outcome
    problems = [
        Problem(problem.message, path=format_key_path(problem.path), hint=problem.hint)
        for problem in outcome
    ]
    raise DataError(problems, source="result data")
