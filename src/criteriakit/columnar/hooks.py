"""Plugins' per-unit hooks in the columnar executor.

``criteriakit_validate_inputs`` checks one unit's values with local rules: the columnar executor
calls it once per row, in Python, on the values as the columns hold them (absent values left
out, as the scalar executor leaves them out), and reports every finding by row, as the scalar
data readers do. ``criteriakit_adjust_result`` rewrites a unit's full :class:`~criteriakit.Result`
(indicators, reasons, what it would take), which the columnar executor does not build: a
framework loaded with such a hook is refused rather than evaluated without it.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import polars as pl

from criteriakit import limits
from criteriakit.errors import DataError, PluginError, Problem
from criteriakit.framework import Framework

__all__ = ["refuse_result_adjusters", "validate_by_rows", "validates_inputs"]


def refuse_result_adjusters(framework: Framework) -> None:
    """Raise :class:`~criteriakit.PluginError` if a plugin adjusts this framework's results."""
    extensions = framework.extensions
    if extensions is None or not extensions.result_adjusters:
        return
    plugin = extensions.result_adjusters[0][0]
    message = (
        f"it adjusts the full results of {framework.ref}, which the columnar executor does not "
        "build: evaluate with the scalar executor (criteriakit evaluate --engine scalar)"
    )
    raise PluginError(
        message,
        plugin=plugin.name,
        distribution=plugin.distribution,
        hook="criteriakit_adjust_result",
    )


def validates_inputs(framework: Framework) -> bool:
    """Return whether a plugin checks this framework's inputs (``criteriakit_validate_inputs``)."""
    extensions = framework.extensions
    return extensions is not None and bool(extensions.input_validators)


def validate_by_rows(
    framework: Framework,
    rows: pl.DataFrame,
    row_column: str,
    columns: Mapping[str, str],
    source: str | None,
) -> None:
    """Run the plugins' input checks on every row; raise :class:`~criteriakit.DataError`.

    ``rows`` holds each unit's row number in ``row_column`` and the value of each input
    ``name`` in the column ``columns[name]``.
    """
    extensions = framework.extensions
    if extensions is None:
        return
    names = list(columns)
    problems: list[Problem] = []
    for row, *values in rows.select(row_column, *columns.values()).iter_rows():
        given = {
            name: value for name, value in zip(names, values, strict=True) if value is not None
        }
        try:
            extensions.check_inputs(framework, given)
        except DataError as error:
            problems.extend(attrs.evolve(found, row=row, file=source) for found in error.problems)
            if len(problems) >= limits.current().reported_problems:
                break
    if problems:
        raise DataError(problems, source=source)
