"""The result table: one row per unit, with the same columns and values from every engine.

The table is one of the two forms of results (``docs/results.md``; the other is the result
documents of :func:`criteriakit.render.render_json`). Its columns, in order:

``unit``, ``parent``, ``framework``, ``version``, ``evaluable``, ``score``, ``max_score``,
``band_tier``, ``tier``, ``reasons`` (the reason codes, a list; ``ID (not checked)`` for a
veto, cap or gate that could not be checked), ``rank`` and ``rank_score`` when the framework
ranks its units (``[ranking]``), then ``criterion:ID`` for each criterion and ``indicator:ID``
for each indicator: their points, rounded as scores are (a criterion's rescaled with the total
when indicators were excluded).

The scalar engine builds it from :class:`~criteriakit.Result` values (:func:`result_rows`), the
columnar engine as columns; both give the same values, so the writers print the same bytes.
``unit`` and ``parent`` are whole numbers when every id in the data was one (an integer column,
JSON integers), text otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from criteriakit.data import IdType
from criteriakit.model.results import Result
from criteriakit.render.explanation import format_number
from criteriakit.render.rows import ColumnType
from criteriakit.scalar.framework import Framework

__all__ = [
    "FIXED_COLUMNS",
    "SCHEMA_VERSION",
    "ColumnType",
    "ResultTable",
    "result_rows",
    "table_columns",
    "text_rows",
]

SCHEMA_VERSION = 3
"""The version of the result schema (both forms); it changes when a column or key changes.

Version 2: a veto, cap or gate that could not be checked is a ``not-checked`` reason, listed
``ID (not checked)`` in the table; with excluded indicators, criteria are on the total's scale.
Version 3: a framework with ``[ranking]`` adds ``rank`` and ``rank_score`` to the table and
``ranking`` to each ranked unit's document; documents list ``derived`` values.
"""

FIXED_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("unit", "string"),
    ("parent", "string"),
    ("framework", "string"),
    ("version", "string"),
    ("evaluable", "bool"),
    ("score", "float"),
    ("max_score", "float"),
    ("band_tier", "string"),
    ("tier", "string"),
    ("reasons", "strings"),
)
"""The columns every table starts with, before the criteria's and indicators' points."""


def _id_column(name: str, kind: IdType) -> tuple[str, ColumnType]:
    return name, "integer" if kind == "integer" else "string"


def table_columns(
    framework: Framework, *, id_type: IdType = "text", parent_type: IdType = "text"
) -> tuple[tuple[str, ColumnType], ...]:
    """Return the table's columns for ``framework``'s results, with their types."""
    compiled = framework.compiled
    ranking = compiled.ranking
    ranks: tuple[tuple[str, ColumnType], ...] = ()
    if ranking is not None:
        ranks = (("rank", "float" if ranking.ties == "average" else "integer"), RANK_SCORE)
    return (
        _id_column("unit", id_type),
        _id_column("parent", parent_type),
        *FIXED_COLUMNS[2:],
        *ranks,
        *((f"criterion:{criterion.id}", "float") for criterion in compiled.criteria),
        *((f"indicator:{indicator.id}", "float") for indicator in compiled.indicators),
    )


RANK_SCORE: tuple[str, ColumnType] = ("rank_score", "float")
"""The column of what a framework with ``[ranking]`` ranked its units by (after ``rank``)."""


def _rank_cells(result: Result) -> tuple[object, object]:
    ranking = result.ranking
    return (None, None) if ranking is None else (ranking.rank, ranking.score)


def _id(value: str | None, kind: ColumnType) -> str | int | None:
    return int(value) if kind == "integer" and value is not None else value


def result_rows(
    results: Sequence[Result], columns: Sequence[tuple[str, ColumnType]]
) -> list[tuple[object, ...]]:
    """Return the table rows of ``results``, in the order of ``columns`` (see the module docs)."""
    unit_kind, parent_kind = columns[0][1], columns[1][1]
    ranked = RANK_SCORE in columns
    return [
        (
            _id(result.unit, unit_kind),
            _id(result.parent, parent_kind),
            result.framework,
            result.version,
            result.evaluable,
            result.score,
            result.max_score,
            result.band_tier,
            result.tier,
            list(result.reason_codes),
            *(_rank_cells(result) if ranked else ()),
            *(criterion.score for criterion in result.criteria),
            *(
                indicator.points
                for criterion in result.criteria
                for indicator in criterion.indicators
            ),
        )
        for result in results
    ]


@attrs.frozen
class ResultTable:
    """A result table in Python: its columns with their types, and its rows.

    The columnar engine's table is a Polars frame with the same columns instead; the writers
    (:mod:`criteriakit.render.writers`) take either.
    """

    columns: tuple[tuple[str, ColumnType], ...]
    rows: Sequence[tuple[object, ...]]
    title: str = ""

    @classmethod
    def of(
        cls,
        framework: Framework,
        results: Sequence[Result],
        *,
        id_type: IdType = "text",
        parent_type: IdType = "text",
    ) -> ResultTable:
        """Return the table of one level's results."""
        columns = table_columns(framework, id_type=id_type, parent_type=parent_type)
        return cls(columns, result_rows(results, columns), framework.ref)

    @property
    def names(self) -> tuple[str, ...]:
        """The column names."""
        return tuple(name for name, _ in self.columns)


TEXT_HEADER = ("unit", "score", "band tier", "tier", "reasons")
"""The columns of the table printed for people."""


def text_rows(rows: Sequence[Sequence[object]]) -> list[list[str]]:
    """Return the printed cells of table rows: the score as ``97 / 100``, reasons with commas.

    ``rows`` hold the table's first ten columns (the fixed ones), in order.
    """
    shown: list[list[str]] = []
    for unit, _parent, _fw, _version, _evaluable, score, maximum, band, tier, reasons, *_ in rows:
        points = (
            "not evaluable"
            if not isinstance(score, int | float)
            else f"{format_number(score)} / {format_number(float(maximum))}"  # type: ignore[arg-type]
        )
        codes = ", ".join(str(code) for code in reasons or ())  # type: ignore[attr-defined]
        cells = ("" if value is None else str(value) for value in (unit, band, tier))
        shown.append([next(cells), points, next(cells), next(cells), codes])
    return shown
