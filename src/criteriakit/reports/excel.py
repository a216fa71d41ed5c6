"""The report as an Excel workbook: a summary sheet, then each level's result table.

Written with XlsxWriter (the ``report`` extra). The summary sheet holds each level's tier counts
and criterion profile; each level's sheet holds its result table (the columns of
:mod:`criteriakit.render.table`, the same as ``criteriakit evaluate --format csv``) with the
header frozen, numbers stored as numbers with two decimals, and the tiers coloured from the best
(green) to the worst (red). A report with awards ends with a sheet of the units that earned
them (or lost them to a quota).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from criteriakit.compare import Comparison
from criteriakit.errors import Problem, ReportError
from criteriakit.render.colours import tier_colours
from criteriakit.render.language import Words, words
from criteriakit.render.table import ResultTable
from criteriakit.reports.summary import LevelSummary
from criteriakit.scalar.hierarchy import LevelResults

__all__ = ["SHEET_ROWS", "check_sheet_rows", "write_workbook"]

_TIER_FILLS = ("#c6efce", "#ddebf7", "#fff2cc", "#fce4d6", "#ffc7ce")
"""Fills for tiers, best first; the worst tier always takes the last (red)."""

_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")

SHEET_ROWS = 1_048_576
"""How many rows a worksheet holds, its header's included: the file format's limit, past which
XlsxWriter drops what is written without a word."""


def _sheet_name(title: str, taken: set[str]) -> str:
    """Return a valid, unused sheet name for ``title`` (at most 31 characters)."""
    base = _SHEET_NAME.sub("-", title).strip("'") or "level"
    name, number = base[:31], 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _summary(
    book: Any, summaries: Sequence[LevelSummary], formats: dict[str, Any], w: Words
) -> str:
    """Write the summary sheet; return its name."""
    _ = w.gettext
    sheet_name = _("Summary")[:31]
    sheet = book.add_worksheet(sheet_name)
    row = 0
    for level in summaries:
        sheet.write(row, 0, f"{level.title} ({level.framework})", formats["title"])
        evaluable = _("%(units)s, %(evaluable)s evaluable") % {
            "units": w.units(level.units),
            "evaluable": level.evaluable,
        }
        sheet.write(row + 1, 0, evaluable)
        row += 3
        header = [_("Tier"), _("Title"), _("Minimum score"), _("Units"), _("Share")]
        sheet.write_row(row, 0, header, formats["header"])
        for tier in level.tiers:
            row += 1
            sheet.write_string(row, 0, tier.tier)
            sheet.write_string(row, 1, tier.title)
            sheet.write_number(row, 2, tier.min_score, formats["number"])
            sheet.write_number(row, 3, tier.count)
            sheet.write_number(row, 4, tier.share, formats["share"])
        row += 2
        header = [_("Criterion"), _("Title"), _("Maximum"), _("Mean"), _("Lowest"), _("Highest")]
        sheet.write_row(row, 0, header, formats["header"])
        for profile in level.criteria:
            row += 1
            sheet.write_string(row, 0, profile.id)
            sheet.write_string(row, 1, profile.title)
            for column, value in enumerate(
                (profile.max_score, profile.mean, profile.lowest, profile.highest), start=2
            ):
                sheet.write_number(row, column, value, formats["number"])
        row += 3
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 42)
    sheet.set_column(2, 5, 14)
    return str(sheet_name)


def _level(
    book: Any, name: str, level: LevelResults, formats: dict[str, Any], tiers: Sequence[str]
) -> None:
    table = ResultTable.of(level.framework, level.results)
    sheet = book.add_worksheet(name)
    names = table.names
    for column, title in enumerate(names):
        sheet.write_string(0, column, title, formats["header"])
    numeric = {
        index for index, (_, kind) in enumerate(table.columns) if kind in {"float", "integer"}
    }
    for row, values in enumerate(table.rows, start=1):
        for column, value in enumerate(values):
            if value is None or value == []:
                continue
            if isinstance(value, list):
                sheet.write_string(row, column, ", ".join(str(item) for item in value))
            elif isinstance(value, bool):
                sheet.write_boolean(row, column, value)
            elif column in numeric and isinstance(value, int | float):
                sheet.write_number(row, column, value, formats["number"])
            else:
                sheet.write_string(row, column, str(value))
    last_row = len(table.rows)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, last_row, len(names) - 1)
    sheet.set_column(0, 1, 18)
    sheet.set_column(2, len(names) - 1, 12)
    for title in ("band_tier", "tier"):
        column = names.index(title)
        for tier, fill in zip(tiers, formats["tiers"], strict=True):
            sheet.conditional_format(
                1,
                column,
                max(1, last_row),
                column,
                {"type": "cell", "criteria": "==", "value": f'"{tier}"', "format": fill},
            )


def _movements(sheet: Any, comparison: Comparison, formats: dict[str, Any], w: Words) -> None:
    """Write each unit's change since the earlier period: tiers, scores, vetoes."""
    _ = w.gettext
    header = [
        _("Unit"),
        _("Before"),
        _("After"),
        _("Score change"),
        _("New vetoes"),
        _("Resolved vetoes"),
    ]
    sheet.write_row(0, 0, header, formats["header"])
    for row, change in enumerate(comparison.changes, start=1):
        sheet.write_string(row, 0, change.unit)
        sheet.write_string(row, 1, change.before_tier or "")
        sheet.write_string(row, 2, change.after_tier or "")
        if change.score_delta is not None:
            sheet.write_number(row, 3, change.score_delta, formats["number"])
        sheet.write_string(row, 4, ", ".join(change.new_vetoes))
        sheet.write_string(row, 5, ", ".join(change.resolved_vetoes))
    sheet.freeze_panes(1, 1)
    sheet.set_column(0, 5, 16)


def _awards(
    sheet: Any, summaries: Sequence[LevelSummary], formats: dict[str, Any], w: Words
) -> None:
    """Write a row per unit that earned an award or had it withheld by its quota, level by level.

    The level's framework closes each row, for a report whose levels both declare awards.
    """
    _ = w.gettext
    header = [_("Unit"), _("Parent"), _("Award"), _("Title"), _("Decision"), _("Framework")]
    sheet.write_row(0, 0, header, formats["header"])
    decisions = {True: _("earned"), False: _("withheld")}
    row = 0
    for level in summaries:
        for award in level.awards:
            for unit in award.units:
                row += 1
                sheet.write_string(row, 0, str(unit.unit))  # ids as text, as in the level sheets
                if unit.parent is not None:
                    sheet.write_string(row, 1, str(unit.parent))
                sheet.write_string(row, 2, award.id)
                sheet.write_string(row, 3, award.title)
                sheet.write_string(row, 4, decisions[unit.earned])
                sheet.write_string(row, 5, level.framework)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, row, len(header) - 1)
    sheet.set_column(0, 2, 18)
    sheet.set_column(3, 3, 42)
    sheet.set_column(4, 5, 16)


def check_sheet_rows(
    levels: Sequence[LevelResults], summaries: Sequence[LevelSummary], output: str
) -> None:
    """Raise :class:`ReportError` when a sheet would need more rows than a worksheet holds.

    A level's sheet holds a row per unit, its movements' sheet a row per change, the awards'
    sheet a row per unit that earned one or lost it to a quota: a workbook missing rows would
    be silently wrong.
    """
    needed = [
        (f"{summary.framework}: {len(level.results):,} units", len(level.results))
        for level, summary in zip(levels, summaries, strict=True)
    ]
    needed += [
        (f"{summary.framework}: {len(summary.movements.changes):,} movements", len(changes))
        for summary in summaries
        if summary.movements is not None and (changes := summary.movements.changes)
    ]
    awarded = sum(len(award.units) for summary in summaries for award in summary.awards)
    needed.append((f"{awarded:,} units with awards", awarded))
    for what, rows in needed:
        if rows + 1 > SHEET_ROWS:
            problem = Problem(
                f"{what}: more than the {SHEET_ROWS - 1:,} rows a worksheet holds",
                file=output,
                hint="write the report as .html or .md (they list the lowest and highest "
                "scores), and the results as a table: criteriakit evaluate … --format parquet",
            )
            raise ReportError([problem])


def write_workbook(
    levels: Sequence[LevelResults],
    summaries: Sequence[LevelSummary],
    output: str | os.PathLike[str],
    *,
    language: str = "en",
) -> None:
    """Write the workbook of evaluated ``levels`` and their ``summaries`` to the file ``output``.

    The summary sheet's labels are in ``language``; the level sheets' columns are the result
    table's, whatever the language. :func:`check_sheet_rows` says first whether they fit. A level compared with an earlier period gets a sheet of
    its units' changes after its own. The levels' awards, when the report has any, close the
    workbook in a sheet of their own: a row per unit that earned an award or lost it to its
    quota.
    """
    import xlsxwriter  # noqa: PLC0415 - the report extra, needed for workbooks alone

    book = xlsxwriter.Workbook(os.fspath(output), {"strings_to_numbers": False})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "header": book.add_format({"bold": True, "bottom": 1, "bg_color": "#f2f2f2"}),
        "number": book.add_format({"num_format": "0.00"}),
        "share": book.add_format({"num_format": "0.0%"}),
    }
    try:
        taken = {_summary(book, summaries, formats, words(language)).lower()}
        for level, summary in zip(levels, summaries, strict=True):
            tiers = [tier.id for tier in level.framework.compiled.tiers]
            formats["tiers"] = [
                book.add_format({"bg_color": colour})
                for colour in tier_colours(len(tiers), _TIER_FILLS)
            ]
            _level(book, _sheet_name(summary.title, taken), level, formats, tiers)
            if summary.movements is not None:
                name = _sheet_name(f"{summary.title} ±", taken)
                _movements(book.add_worksheet(name), summary.movements, formats, words(language))
        if any(summary.awards for summary in summaries):
            name = _sheet_name(words(language).gettext("Awards"), taken)
            _awards(book.add_worksheet(name), summaries, formats, words(language))
    finally:
        book.close()
