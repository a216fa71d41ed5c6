"""Reports people read: an evaluation's overview and each unit's section, in a file.

:mod:`.summary` works out what a report says about each level (tiers, scores against the
bounds, criteria, parents, what decided the tiers, movements since an earlier period, the units
to list), and :mod:`.awards` who earned the level's awards, for a report on a period whose
history is at hand; each format renders that summary: :mod:`.html` one self-contained page
with charts (:mod:`.charts`), :mod:`.markdown` for wikis and merge requests, :mod:`.excel` a
workbook (HTML, workbooks and languages other than English need the ``report`` extra).
:func:`write_report` picks the format from the file's suffix and writes the file atomically;
:func:`report` evaluates data files first, as ``criteriakit report`` does.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from criteriakit.compare import Outcome, load_outcomes
from criteriakit.data import open_source, read_level
from criteriakit.errors import Problem, ReportError
from criteriakit.model.period import Period
from criteriakit.model.results import Result
from criteriakit.render.atomic import replacing, write_text_atomic
from criteriakit.render.language import choose_language
from criteriakit.reports.awards import AwardSummary, summarise_awards
from criteriakit.reports.markdown import render_markdown
from criteriakit.reports.summary import LevelSummary, summarise
from criteriakit.scalar.framework import Framework
from criteriakit.scalar.hierarchy import LevelResults, evaluate_levels

if TYPE_CHECKING:
    from criteriakit.awards.history import History

__all__ = [
    "FORMATS",
    "AwardSummary",
    "LevelSummary",
    "render_markdown",
    "report",
    "report_format",
    "summarise",
    "write_report",
]

FORMATS = (".html", ".md", ".xlsx")
"""The report formats, by the suffix of the file written."""

_NEEDS = {".html": ("jinja2", "matplotlib"), ".xlsx": ("xlsxwriter",)}
"""The modules of the ``report`` extra each format needs."""

_TRANSLATING = ("babel",)
"""The module of the ``report`` extra a language other than English needs."""


def report_format(output: str | os.PathLike[str], language: str = "en") -> str:
    """Return the format of a report written to ``output`` (its suffix) in ``language``.

    Raise :class:`~criteriakit.errors.ReportError` for a suffix that is no format, or when the
    libraries the format (or a translation) needs are not installed.
    """
    suffix = Path(output).suffix.lower()
    if suffix not in FORMATS:
        problem = Problem(
            f"cannot write a report as {suffix or 'a file without a suffix'}",
            file=str(output),
            hint=f"name the output with one of: {', '.join(FORMATS)}",
        )
        raise ReportError([problem])
    needed = _NEEDS.get(suffix, ()) + (_TRANSLATING if language != "en" else ())
    missing = [name for name in needed if importlib.util.find_spec(name) is None]
    if missing:
        problem = Problem(
            f"writing a {suffix} report in {language!r} needs {', '.join(missing)}, "
            "which is not installed",
            file=str(output),
            hint="install the report extra: pip install 'criteriakit[report]'",
        )
        raise ReportError([problem])
    return suffix


def write_report(
    levels: Sequence[LevelResults],
    output: str | os.PathLike[str],
    *,
    period: Period | None = None,
    limit: int = 200,
    language: str | None = None,
    before: Sequence[Sequence[Result | Outcome]] = (),
    histories: Sequence[History | None] = (),
) -> None:
    """Write the report of evaluated ``levels`` (top first) to ``output``, in its suffix's format.

    Each level lists at most ``limit`` units one by one (the lowest and highest scores beyond).
    The report is in ``language`` (``en``, ``vi`` or ``de``), by default the top framework's
    own, else English; framework titles it lacks in that language stay in the framework's own.
    ``before`` holds earlier results of the first levels, top first (from
    :func:`criteriakit.compare.load_outcomes`): the report then shows how each unit moved.
    ``histories`` holds, top first, each level's results in the reported period and the
    earlier ones (:func:`criteriakit.awards.read_history`), ``None`` for a level without: a
    level whose framework declares ``[[awards]]`` and has a history shows who earned them
    (deciding awards needs Polars). Without a history, a report shows no awards.
    """
    chosen = choose_language(language, levels[0].framework.definition.language)
    kind = report_format(output, chosen)
    earlier: list[Sequence[Result | Outcome] | None] = [*before]
    earlier += [None] * (len(levels) - len(earlier))
    pasts: list[History | None] = [*histories]
    pasts += [None] * (len(levels) - len(pasts))
    summaries = [
        _summarise(level, limit=limit, language=chosen, before=old, history=past)
        for level, old, past in zip(levels, earlier, pasts, strict=True)
    ]
    if kind == ".xlsx":
        from criteriakit.reports.excel import (  # noqa: PLC0415 - needs the report extra
            check_sheet_rows,
            write_workbook,
        )

        check_sheet_rows(levels, summaries, os.fspath(output))
        with replacing(output) as temporary:
            write_workbook(levels, summaries, temporary, language=chosen)
        return
    if kind == ".html":
        from criteriakit.reports.html import render_html  # noqa: PLC0415 - needs the report extra

        write_text_atomic(output, render_html(summaries, period=period, language=chosen))
        return
    write_text_atomic(output, render_markdown(summaries, period=period, language=chosen))


def _summarise(
    level: LevelResults,
    *,
    limit: int,
    language: str,
    before: Sequence[Result | Outcome] | None,
    history: History | None,
) -> LevelSummary:
    """Summarise one level; decide its awards over ``history`` when it has one and declares any.

    The awards' explanations are those of the units the summary lists, so they are decided
    once the summary has chosen them.
    """
    summary = summarise(
        level.framework, level.results, limit=limit, language=language, before=before
    )
    if history is None or not level.framework.compiled.awards:
        return summary
    listed = [result.unit for result in summary.listed if result.unit is not None]
    found = summarise_awards(level.framework, history, listed, limit=limit, language=language)
    return attrs.evolve(summary, awards=found)


def report(
    framework: Framework,
    data: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    children: Sequence[str | os.PathLike[str]] = (),
    period: Period | str | None = None,
    language: str | None = None,
    compare: Sequence[str | os.PathLike[str]] = (),
    limit: int = 200,
    id_column: str = "id",
) -> None:
    """Evaluate the data file ``data`` (and ``children``, the levels below) and write a report.

    As ``criteriakit report`` does: the format is ``output``'s suffix (``.html``, ``.xlsx`` or
    ``.md``), ``language`` one of ``en``, ``vi``, ``de`` (by default the framework's), and
    ``compare`` earlier result files of the levels, top first, whose movements the report shows.
    Raises :class:`~criteriakit.DataError` for bad data and
    :class:`~criteriakit.errors.ReportError` for a report that cannot be written.
    """
    chosen = choose_language(language, framework.definition.language)
    report_format(output, chosen)
    when = Period.parse(period) if isinstance(period, str) else period
    levels = [read_level(open_source(path), id_column=id_column) for path in (data, *children)]
    evaluated = evaluate_levels(framework, levels, period=when)
    earlier = [load_outcomes(path) for path in compare]
    write_report(evaluated, output, period=when, limit=limit, language=chosen, before=earlier)
