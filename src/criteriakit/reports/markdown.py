"""The report as Markdown: the overview and the tables of each level, for wikis and merge requests.

Every section of the report is a heading and a table (GitHub-flavoured Markdown), so the text
reads as it is and renders on any wiki; cells are escaped so that a title with ``|`` or a line
break cannot break a table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from criteriakit.expressions.formatting import format_value
from criteriakit.model.period import Period
from criteriakit.model.results import Result
from criteriakit.render.explanation import change_text, counted, format_number, values_text
from criteriakit.reports.summary import LevelSummary

__all__ = ["render_markdown"]


def _cell(value: object) -> str:
    text = str(value).replace("\\", "\\\\").replace("|", "\\|")
    return " ".join(text.split())


def _table(header: Sequence[str], rows: Iterable[Sequence[object]], right: int = 0) -> list[str]:
    """Return a Markdown table; the last ``right`` columns are numbers, aligned right."""
    aligns = ["---"] * (len(header) - right) + ["---:"] * right
    lines = [
        "| " + " | ".join(_cell(name) for name in header) + " |",
        "| " + " | ".join(aligns) + " |",
    ]
    lines.extend("| " + " | ".join(_cell(value) for value in row) + " |" for row in rows)
    return [*lines, ""]


def _percent(share: float) -> str:
    return f"{share * 100:.1f} %"


def _overview(level: LevelSummary) -> list[str]:
    lines = [
        f"## {_cell(level.title)} ({level.framework})",
        "",
        (
            f"{counted(level.units, 'unit')}, {level.evaluable} evaluable; scores out of "
            f"{format_number(level.max_score)}."
        ),
        "",
        "### Tiers",
        "",
        *_table(
            ["Tier", "Title", "Minimum score", "Units", "Share"],
            (
                (
                    tier.tier,
                    tier.title,
                    format_number(tier.min_score),
                    tier.count,
                    _percent(tier.share),
                )
                for tier in level.tiers
            ),
            right=3,
        ),
        "### Scores",
        "",
    ]
    bounds = {tier.min_score: tier.tier for tier in level.tiers if tier.min_score > 0}
    rows = []
    for bin_ in level.histogram:
        marks = [
            f"{tier} from {format_number(low)}"
            for low, tier in sorted(bounds.items())
            if bin_.low <= low < bin_.high
        ]
        span = f"{format_number(bin_.low)} to {format_number(bin_.high)}"
        rows.append((span, "; ".join(marks), bin_.count))
    lines += _table(["Score", "Tier bounds", "Units"], rows, right=1)
    if level.criteria:
        lines += [
            "### Criteria",
            "",
            *_table(
                ["Criterion", "Title", "Maximum", "Mean", "Lowest", "Highest"],
                (
                    (
                        profile.id,
                        profile.title,
                        format_number(profile.max_score),
                        format_number(profile.mean),
                        format_number(profile.lowest),
                        format_number(profile.highest),
                    )
                    for profile in level.criteria
                ),
                right=4,
            ),
        ]
    if level.parents:
        tiers = [tier.tier for tier in level.tiers]
        lines += [
            "### Units by parent",
            "",
            *_table(
                ["Parent", "Units", *tiers, "Not evaluable"],
                ((row.parent, row.units, *row.counts, row.not_evaluable) for row in level.parents),
                right=len(tiers) + 2,
            ),
        ]
    if level.deciding:
        lines += [
            "### What decided tiers",
            "",
            (
                "The vetoes, caps and gates that held units below their score's tier, and the quotas "
                "that demoted them."
            ),
            "",
            *_table(
                ["Code", "Kind", "Message", "Units"],
                ((item.code, item.kind, item.message, item.count) for item in level.deciding),
                right=1,
            ),
        ]
    if level.demoted:
        lines += [
            "### Quota demotions",
            "",
            *_table(
                ["Unit", "Parent", "Score", "Tier", "Quota"],
                (
                    (
                        result.unit,
                        result.parent or "",
                        format_number(result.score or 0.0),
                        result.tier,
                        ", ".join(r.code for r in result.reasons if r.kind == "quota"),
                    )
                    for result in level.demoted
                ),
                right=0,
            ),
        ]
    return lines


def _unit(result: Result) -> list[str]:
    score = (
        f"{format_number(result.score)} / {format_number(result.max_score)}"
        if result.score is not None
        else "not evaluable"
    )
    parent = f", under {_cell(result.parent)}" if result.parent else ""
    lines = [f"#### {_cell(result.unit or '')}: {result.tier or 'no tier'} ({score}{parent})", ""]
    rows = []
    for criterion in result.criteria:
        rows.append(
            (
                f"**{criterion.id}**",
                criterion.title,
                "",
                format_number(criterion.score),
                format_number(criterion.max_score),
            )
        )
        rows.extend(
            (
                indicator.id,
                indicator.title,
                format_value(indicator.value)
                if indicator.status == "scored"
                else f"{indicator.status}: {indicator.note}",
                format_number(indicator.points),
                format_number(indicator.max_points),
            )
            for indicator in criterion.indicators
        )
    lines += _table(["Criterion / indicator", "Title", "Value", "Points", "Maximum"], rows, right=2)
    if result.reasons:
        lines += ["Reasons:", ""]
        lines += [
            f"- {reason.kind} `{reason.code}`: {_cell(reason.message)}{values_text(reason.values)}"
            for reason in result.reasons
        ]
        lines.append("")
    improvement = result.improvement
    if improvement is not None:
        lines += [f"What it would take to reach {improvement.target}:", ""]
        if improvement.score_gap > 0:
            gap = format_number(improvement.score_gap)
            if improvement.reachable:
                lines.append(f"- {gap} more points, by any one of:")
                lines += [
                    "  - " + " and ".join(_cell(change_text(change)) for change in option)
                    for option in improvement.options
                ]
            else:
                lines.append(f"- {gap} more points: more than every indicator can still give")
        lines += [
            f"- {obstacle.kind} `{obstacle.code}` must not hold: {_cell(obstacle.message)}"
            if obstacle.kind in {"veto", "cap"}
            else f"- {obstacle.kind} `{obstacle.code}` must hold: {_cell(obstacle.message)}"
            for obstacle in improvement.obstacles
        ]
        lines.append("")
    return lines


def render_markdown(levels: Sequence[LevelSummary], *, period: Period | None = None) -> str:
    """Return the report of ``levels`` (top first) as a Markdown document."""
    top = levels[0]
    when = f", {period.label}" if period is not None else ""
    lines = [f"# {_cell(top.title)}{when}", ""]
    for level in levels:
        lines += _overview(level)
    for level in levels:
        lines += [f"## Units: {_cell(level.title)}", ""]
        if not level.complete:
            half = len(level.listed) // 2
            lines += [
                (
                    f"{level.units} units are too many to list: the {half} lowest and "
                    f"{len(level.listed) - half} highest scores follow."
                ),
                "",
            ]
        for result in level.listed:
            lines += _unit(result)
    return "\n".join(lines).rstrip() + "\n"
