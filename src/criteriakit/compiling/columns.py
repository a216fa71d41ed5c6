"""Column-level checks of a level's data: each said once, by every engine, before any row.

A data set whose columns do not fit the framework would otherwise give the same problem on
every row (or, worse, a silently wrong score): no unit id column, a column that is no declared
input, a declared input with no column, an input given although the level below (``[children]``)
or the monthly rows (``per_month``) supply it. :func:`check_columns` reports each of them once,
and every engine calls it with what it knows of the data's columns.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from criteriakit._problems import did_you_mean
from criteriakit.compiling.compiled import CompiledFramework
from criteriakit.compiling.inputs import UnknownInputs
from criteriakit.errors import DataError, Problem

__all__ = ["check_columns"]


def _listing(names: Sequence[str]) -> str:
    shown = ", ".join(names[:12])
    return shown + ("…" if len(names) > 12 else "")


def _missing_hint(compiled: CompiledFramework, name: str) -> str:
    spec = compiled.declared[name]
    if spec.rollup is not None:
        return "add the column, or evaluate with the level below (--children) to roll it up"
    if spec.per_month is not None:
        return "add the column, or gather it from monthly rows (--monthly)"
    return "add the column (an empty cell counts as missing), or give the input a default"


def check_columns(
    compiled: CompiledFramework,
    columns: Sequence[str],
    *,
    source: str | None,
    id_column: str,
    has_ids: bool = True,
    unknown: UnknownInputs = "error",
    rolled_up: Collection[str] = (),
    gathered: Collection[str] = (),
    given: Mapping[str, int] = {},
) -> None:
    """Raise :class:`~criteriakit.DataError` listing the data's column-level problems.

    ``columns`` are the data's columns besides the unit id and parent; ``has_ids`` whether
    the id column exists. ``rolled_up`` and ``gathered`` name the inputs that the level below
    and the monthly rows supply here; ``given`` maps those of them the data gives a value for
    to the first row that does.
    """
    problems: list[Problem] = []
    if not has_ids:
        message = f"the data has no column {id_column!r} for the unit ids"
        hint = (
            "name the column that holds the unit ids with --id-column (unit_column= in "
            f"Python); the data's columns: {_listing(list(columns))}"
        )
        problems.append(Problem(message, file=source, path=id_column, hint=hint))
    declared = compiled.declared
    if unknown == "error":
        names = tuple(declared)
        for name in columns:
            if name not in declared:
                message = f"unknown input {name!r}: {compiled.ref} declares no such input"
                hint = did_you_mean(name, names) or (
                    "remove the column, declare the input, or ignore unknown columns "
                    "(--ignore-unknown-columns)"
                )
                problems.append(Problem(message, file=source, path=name, hint=hint))
    present = set(columns)
    supplied = set(rolled_up) | set(gathered)
    for name, spec in declared.items():
        if name not in present and name not in supplied and spec.default is None:
            message = f"the data has no column for the input {name!r} ({spec.type})"
            problems.append(
                Problem(message, file=source, path=name, hint=_missing_hint(compiled, name))
            )
    children = compiled.children
    below = children.name if children is not None else "level below"
    for name in declared:
        if name not in given:
            continue
        if name in rolled_up:
            message = f"input {name!r} is rolled up from the {below}; the data gives it too"
            hint = "remove the column, or evaluate without the level below"
        else:
            message = f"input {name!r} is gathered from the monthly data; the data gives it too"
            hint = "remove the column, or evaluate without --monthly"
        problems.append(Problem(message, file=source, path=name, row=given[name], hint=hint))
    if problems:
        raise DataError(problems, source=source)
