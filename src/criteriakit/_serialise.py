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


def result_from_dict(data: Mapping[str, Any]) -> Result:
    """Rebuild a result from :func:`result_to_dict` output, reporting every invalid key."""
    outcome = structure(converter(), data, Result)
    if isinstance(outcome, Result):
        return outcome
    problems = [
        Problem(problem.message, path=format_key_path(problem.path), hint=problem.hint)
        for problem in outcome
    ]
    raise DataError(problems, source="result data")
