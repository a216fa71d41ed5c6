"""Rendering results: JSON and CSV for programs, aligned text tables for people."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Sequence

from criteriakit.model.results import Result

__all__ = ["csv_columns", "render_csv", "render_json", "render_text_table"]


def render_json(results: Sequence[Result]) -> str:
    """Return ``{"results": [...]}`` with every result's full data, as JSON text."""
    document = {"results": [result.to_dict() for result in results]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def csv_columns(results: Sequence[Result]) -> list[str]:
    """Return the CSV header: unit and tiers first, then each criterion's and indicator's points."""
    columns = ["unit", "framework", "version", "score", "max_score", "band_tier", "tier", "reasons"]
    if results:
        columns.extend(f"criterion:{criterion.id}" for criterion in results[0].criteria)
        for criterion in results[0].criteria:
            columns.extend(f"indicator:{indicator.id}" for indicator in criterion.indicators)
    return columns


def render_csv(results: Sequence[Result]) -> str:
    """Return one CSV row per result; reason codes are joined with ``;``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(csv_columns(results))
    for result in results:
        row: list[object] = [
            result.unit,
            result.framework,
            result.version,
            "" if result.score is None else repr(result.score),
            repr(result.max_score),
            result.band_tier or "",
            result.tier or "",
            ";".join(result.reason_codes),
        ]
        row.extend(repr(criterion.score) for criterion in result.criteria)
        row.extend(
            repr(indicator.points)
            for criterion in result.criteria
            for indicator in criterion.indicators
        )
        writer.writerow(row)
    return buffer.getvalue()


def render_text_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], right: Collection[str] = ()
) -> str:
    """Lay out columns two spaces apart, the ``right`` ones right-aligned; one line per row.

    Widths are the cells' widths on a terminal (rich's ``cell_len``): a CJK character takes two
    columns, a combining mark none, so that Vietnamese titles written with combining diacritics
    line up as those written with precomposed ones.
    """
    from rich.cells import cell_len  # noqa: PLC0415 - tables are drawn when printed, not on import

    widths = [max(cell_len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = []
    for row in (header, *rows):
        cells = []
        for name, cell, width in zip(header, row, widths, strict=True):
            padding = " " * (width - cell_len(cell))
            cells.append(padding + cell if name in right else cell + padding)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
