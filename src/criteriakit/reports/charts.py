"""The report's charts, drawn by matplotlib as SVG text to put inline in the HTML report.

Each function returns one ``<svg>`` element: text stays text (the page's fonts, searchable and
copyable), ids are stable from one run to the next, and nothing refers to a file or a network
address, so the report opens offline. A figure is made with matplotlib's object interface, never
``pyplot``, so drawing keeps no global state between reports.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from typing import Any, cast

from criteriakit.render.colours import tier_colours
from criteriakit.render.language import Words
from criteriakit.reports.summary import LevelSummary

__all__ = [
    "criteria_chart",
    "histogram_chart",
    "parents_chart",
    "tier_chart",
]

_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
"""The RDF block matplotlib writes into an SVG: nothing a reader of the report needs."""
_WIDTH = 7.0
_STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "criteriakit",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _drawn(chart: Callable[[LevelSummary, Words], Any]) -> Callable[[LevelSummary, Words], str]:
    """Run ``chart`` (which draws on a new figure and returns it) in the report's style; SVG."""

    @functools.wraps(chart)
    def drawn(level: LevelSummary, words: Words) -> str:
        import matplotlib as mpl  # noqa: PLC0415 - the report extra, for charts alone

        buffer = io.StringIO()
        with mpl.rc_context(cast("Any", _STYLE)):
            chart(level, words).savefig(
                buffer, format="svg", metadata={"Date": None, "Creator": None}
            )
        text = buffer.getvalue()
        return _METADATA.sub("", text[text.index("<svg") :])

    return drawn


def _figure(height: float) -> tuple[Any, Any]:
    from matplotlib.figure import Figure  # noqa: PLC0415 - the report extra, for charts alone

    figure = Figure(figsize=(_WIDTH, height), layout="constrained")
    return figure, figure.add_subplot()


def _counted(axis: Any) -> None:
    """Tick ``axis`` at whole numbers only: it counts units."""
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415 - the report extra, for charts alone

    axis.set_major_locator(MaxNLocator(integer=True))


@_drawn
def tier_chart(level: LevelSummary, words: Words) -> Any:
    """Bars: how many units each tier has, best tier on top."""
    figure, axes = _figure(0.45 * len(level.tiers) + 0.8)
    names = [tier.title or tier.tier for tier in level.tiers][::-1]
    counts = [tier.count for tier in level.tiers][::-1]
    bars = axes.barh(names, counts, color=tier_colours(len(level.tiers))[::-1])
    axes.bar_label(bars, padding=3)
    axes.set_xlabel(words.gettext("units"))
    _counted(axes.xaxis)
    return figure


@_drawn
def histogram_chart(level: LevelSummary, words: Words) -> Any:
    """Draw the scores' histogram, each tier's minimum score marked by a dashed line."""
    figure, axes = _figure(2.6)
    width = level.max_score / max(1, len(level.histogram))
    axes.bar(
        [bin_.low for bin_ in level.histogram],
        [bin_.count for bin_ in level.histogram],
        width=width,
        align="edge",
        color="#90a4ae",
        edgecolor="white",
    )
    colours = tier_colours(len(level.tiers))
    for tier, colour in zip(level.tiers, colours, strict=True):
        if tier.min_score > 0:
            axes.axvline(tier.min_score, color=colour, linestyle="--", linewidth=1.2)
            axes.annotate(
                tier.tier,
                (tier.min_score, 1),
                xycoords=("data", "axes fraction"),
                rotation=90,
                va="top",
                ha="right",
                color=colour,
            )
    axes.set_xlim(0, level.max_score)
    axes.set_xlabel(words.gettext("score"))
    axes.set_ylabel(words.gettext("units"))
    _counted(axes.yaxis)
    return figure


@_drawn
def criteria_chart(level: LevelSummary, words: Words) -> Any:
    """Bars: the population's mean points on each criterion, against the criterion's maximum."""
    figure, axes = _figure(0.45 * len(level.criteria) + 0.8)
    names = [f"{profile.id} {profile.title}"[:40] for profile in level.criteria][::-1]
    maxima = [profile.max_score for profile in level.criteria][::-1]
    means = [profile.mean for profile in level.criteria][::-1]
    axes.barh(names, maxima, color="#eceff1", label=words.gettext("maximum"))
    bars = axes.barh(names, means, color="#1565c0", height=0.5, label=words.gettext("mean"))
    axes.bar_label(bars, fmt="%.1f", padding=3)
    axes.legend(loc="lower right", frameon=False)
    axes.set_xlabel(words.gettext("points"))
    return figure


@_drawn
def parents_chart(level: LevelSummary, words: Words) -> Any:
    """Stacked bars: each parent's units by tier."""
    rows = level.parents
    figure, axes = _figure(0.3 * len(rows) + 1.0)
    names = [row.parent for row in rows][::-1]
    left = [0] * len(rows)
    for index, (tier, colour) in enumerate(
        zip(level.tiers, tier_colours(len(level.tiers)), strict=True)
    ):
        counts = [row.counts[index] for row in rows][::-1]
        axes.barh(names, counts, left=left, color=colour, label=tier.tier)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.legend(loc="lower right", frameon=False, ncols=min(4, len(level.tiers)))
    axes.set_xlabel(words.gettext("units"))
    _counted(axes.xaxis)
    return figure
