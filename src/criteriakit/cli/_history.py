"""The ``criteriakit history`` command: a unit's tiers and scores over the periods of a store.

It reads the current run of every period a results store holds (``evaluate --store``) and
prints the unit's row of each, oldest period first, with the reasons that appeared (``+``) and
disappeared (``-``) since the period before: text for people, or JSON for programs.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import click

from criteriakit.cli._options import (
    AS_OF_OPTION,
    OUTPUT_OPTION,
    examples,
    format_option,
    store_option,
)
from criteriakit.cli._output import emit, fail
from criteriakit.errors import CriteriaKitError

if TYPE_CHECKING:
    import polars as pl

__all__ = ["history"]


@click.command(
    short_help="Show a unit's tiers and scores over the stored periods.",
    epilog=examples(
        "criteriakit history C03 --store results.duckdb",
        "criteriakit history C03 --store results.duckdb --framework vn.four-good-cell --format json",
    ),
)
@click.argument("unit")
@store_option("The results store to read", required=True)
@click.option("--framework", "framework_id", help="Only this framework's periods (an id).")
@AS_OF_OPTION
@format_option(
    "table",
    "json",
    described="table: a line per period, for people; json: one document of every period.",
)
@OUTPUT_OPTION
def history(
    unit: str,
    store_url: str,
    framework_id: str | None,
    as_of: dt.datetime | None,
    output_format: str,
    output: str | None,
) -> None:
    """Show UNIT's tier, score and reasons in each period a results store holds.

    Each period's current run is read (its latest, or the latest stored by --as-of); the
    reasons that appeared (+) and disappeared (-) are those since the framework's period before.
    """
    from criteriakit.store import open as open_store  # noqa: PLC0415  loaded when used

    moment = None if as_of is None else as_of.replace(tzinfo=dt.timezone.utc)
    try:
        results = open_store(store_url, create=False)
        rows = results.history(unit, framework_id, as_of=moment)
    except CriteriaKitError as error:
        fail(error)
    if rows.is_empty():
        within = f" of {framework_id}" if framework_id else ""
        fail(f"{results.url}: no stored results{within} for unit {unit!r}")
    text = _json(unit, rows) if output_format == "json" else _table(rows)
    emit(text, output)


def _points(score: float | None, maximum: float | None) -> str:
    """Return a score as the result table prints it: ``86.5 / 100``, or ``not evaluable``."""
    from criteriakit.render.explanation import format_number  # noqa: PLC0415  loaded when used

    if score is None or maximum is None:
        return "not evaluable"
    return f"{format_number(score)} / {format_number(maximum)}"


def _changes(appeared: list[str] | None, disappeared: list[str] | None) -> str:
    """Return the reasons gained and lost as ``+code -code`` (empty for a first period)."""
    return " ".join(
        [*(f"+{code}" for code in appeared or ()), *(f"-{code}" for code in disappeared or ())]
    )


def _table(rows: pl.DataFrame) -> str:
    """Return the history as aligned text: a line per framework and period."""
    from criteriakit.render import render_text_table  # noqa: PLC0415  loaded when used

    header = ("framework", "period", "score", "tier", "reasons", "changes")
    lines = [
        (
            row["framework"],
            row["period"],
            _points(row["score"], row["max_score"]),
            row["tier"] or "",
            ", ".join(row["reasons"] or ()),
            _changes(row["appeared"], row["disappeared"]),
        )
        for row in rows.iter_rows(named=True)
    ]
    return render_text_table(header, lines, right=("score",))


def _json(unit: str, rows: pl.DataFrame) -> str:
    """Return the history as one JSON document: the unit and its periods, oldest first."""
    periods: list[dict[str, Any]] = [
        {
            "framework": row["framework"],
            "version": row["version"],
            "period": row["period"],
            "run": row["run"],
            "evaluated_at": row["evaluated_at"].isoformat(),
            "evaluable": row["evaluable"],
            "score": row["score"],
            "max_score": row["max_score"],
            "band_tier": row["band_tier"],
            "tier": row["tier"],
            "reasons": row["reasons"],
            "appeared": row["appeared"],
            "disappeared": row["disappeared"],
        }
        for row in rows.iter_rows(named=True)
    ]
    return json.dumps({"unit": unit, "history": periods}, ensure_ascii=False, indent=2) + "\n"
