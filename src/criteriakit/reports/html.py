"""The report as one self-contained HTML page: charts beside their tables, printable, offline.

The page is rendered by Jinja2 from ``report.html.jinja`` with autoescaping, so text from a
framework or a data file (titles, messages, unit ids) is always shown as text. Its charts are
matplotlib's SVG (:mod:`.charts`), inline; its style is inline too, with a print style sheet for
A4. Nothing is loaded when the page is opened: no script, style sheet, font or image from a file
or the network.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import attrs

from criteriakit._version import __version__
from criteriakit.expressions.formatting import format_value
from criteriakit.model.period import Period
from criteriakit.render.awards import explanation_lines
from criteriakit.render.colours import tier_styles
from criteriakit.render.explanation import change_text, standing_lines, values_text
from criteriakit.render.language import Words, words
from criteriakit.reports import charts
from criteriakit.reports.awards import earners_text
from criteriakit.reports.summary import LevelSummary

__all__ = ["render_html"]


@attrs.frozen
class _Level:
    """What the template shows of one level: its summary, its charts and its tiers' colours."""

    summary: LevelSummary
    charts: Mapping[str, str]
    colours: Mapping[str, str]


def _level(summary: LevelSummary, words: Words) -> _Level:
    drawn = {
        "tiers": charts.tier_chart(summary, words),
        "histogram": charts.histogram_chart(summary, words),
        "criteria": charts.criteria_chart(summary, words) if summary.criteria else "",
        "parents": charts.parents_chart(summary, words) if summary.parents else "",
    }
    colours = tier_styles([tier.tier for tier in summary.tiers])
    return _Level(summary, drawn, colours)


@functools.cache
def _template(language: str) -> Any:
    """Return the page's template, its messages, numbers and filters in ``language``."""
    import jinja2  # noqa: PLC0415 - the report extra, for HTML alone

    chosen = words(language)
    environment = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"]
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        chosen.gettext, chosen.ngettext, newstyle=True
    )
    joiner = f" {chosen.gettext('and')} "
    environment.filters.update(
        number=chosen.number,
        percent=chosen.percent,
        signed=chosen.signed,
        units=chosen.units,
        value=format_value,
        values=values_text,
        standing=lambda result: standing_lines(result, chosen),
        changes=lambda option, texts: joiner.join(
            change_text(change, chosen, texts) for change in option
        ),
        earners=lambda award: earners_text(award, chosen),
        explained=lambda decision: explanation_lines(decision, chosen),
    )
    text = resources.files("criteriakit.reports").joinpath("report.html.jinja").read_text("utf-8")
    return environment.from_string(text)


def render_html(
    levels: Sequence[LevelSummary], *, period: Period | None = None, language: str = "en"
) -> str:
    """Return the report of ``levels`` (top first) as one HTML page in ``language``."""
    chosen = words(language)
    return str(
        _template(chosen.language).render(
            title=levels[0].title,
            period=period.label if period is not None else None,
            version=__version__,
            language=chosen.language,
            levels=[_level(summary, chosen) for summary in levels],
        )
    )
