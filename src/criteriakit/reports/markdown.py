"""The report as Markdown: the overview and the tables of each level, for wikis and merge requests.

Every section of the report is a heading and a table (GitHub-flavoured Markdown), so the text
reads as it is and renders on any wiki; cells are escaped so that a title with ``|`` or a line
break cannot break a table. Headings and labels are in the report's language
(:mod:`criteriakit.render.language`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from criteriakit.compare import Comparison
from criteriakit.expressions.formatting import format_value
from criteriakit.model.improvement import Improvement
from criteriakit.model.period import Period
from criteriakit.model.results import Result
from criteriakit.render.awards import explanation_lines
from criteriakit.render.explanation import change_text, standing_lines, values_text
from criteriakit.render.language import Words, words
from criteriakit.reports.awards import AwardSummary, earners_text
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


def _overview(level: LevelSummary, w: Words) -> list[str]:
    _, number = w.gettext, w.number
    lines = [
        f"## {_cell(level.title)} ({level.framework})",
        "",
        _("%(units)s, %(evaluable)s evaluable; scores out of %(maximum)s.")
        % {
            "units": w.units(level.units),
            "evaluable": level.evaluable,
            "maximum": number(level.max_score),
        },
        "",
        "### " + _("Tiers"),
        "",
        *_table(
            [_("Tier"), _("Title"), _("Minimum score"), _("Units"), _("Share")],
            (
                (tier.tier, tier.title, number(tier.min_score), tier.count, w.percent(tier.share))
                for tier in level.tiers
            ),
            right=3,
        ),
        "### " + _("Scores"),
        "",
    ]
    bounds = {tier.min_score: tier.tier for tier in level.tiers if tier.min_score > 0}
    rows = []
    for bin_ in level.histogram:
        marks = [
            _("%(tier)s from %(score)s") % {"tier": tier, "score": number(low)}
            for low, tier in sorted(bounds.items())
            if bin_.low <= low < bin_.high
        ]
        span = _("%(low)s to %(high)s") % {"low": number(bin_.low), "high": number(bin_.high)}
        rows.append((span, "; ".join(marks), bin_.count))
    lines += _table([_("Score"), _("Tier bounds"), _("Units")], rows, right=1)
    if level.criteria:
        lines += [
            "### " + _("Criteria"),
            "",
            *_table(
                [_("Criterion"), _("Title"), _("Maximum"), _("Mean"), _("Lowest"), _("Highest")],
                (
                    (
                        profile.id,
                        profile.title,
                        number(profile.max_score),
                        number(profile.mean),
                        number(profile.lowest),
                        number(profile.highest),
                    )
                    for profile in level.criteria
                ),
                right=4,
            ),
        ]
    if level.parents:
        tiers = [tier.tier for tier in level.tiers]
        lines += [
            "### " + _("Units by parent"),
            "",
            *_table(
                [_("Parent"), _("Units"), *tiers, _("Not evaluable")],
                ((row.parent, row.units, *row.counts, row.not_evaluable) for row in level.parents),
                right=len(tiers) + 2,
            ),
        ]
    if level.deciding:
        lines += [
            "### " + _("What decided tiers"),
            "",
            _(
                "The vetoes, caps and gates that held units below their score's tier, and the "
                "quotas that demoted them."
            ),
            "",
            *_table(
                [_("Code"), _("Kind"), _("Message"), _("Units")],
                (
                    (
                        item.code,
                        _(item.kind),
                        level.texts.message(item.code, item.message),
                        item.count,
                    )
                    for item in level.deciding
                ),
                right=1,
            ),
        ]
    if level.demoted:
        lines += [
            "### " + _("Quota demotions"),
            "",
            *_table(
                [_("Unit"), _("Parent"), _("Score"), _("Tier"), _("Quota")],
                (
                    (
                        result.unit,
                        result.parent or "",
                        number(result.score or 0.0),
                        result.tier,
                        ", ".join(r.code for r in result.reasons if r.kind == "quota"),
                    )
                    for result in level.demoted
                ),
            ),
        ]
    if level.awards:
        lines += _awards(level.awards, w)
    return lines


def _awards(awards: Sequence[AwardSummary], w: Words) -> list[str]:
    """Return each award's counts, then the units that earned it (a report's limit of them)."""
    _ = w.gettext
    lines = [
        "### " + _("Awards"),
        "",
        _(
            "How many units earned each award, and how many met its condition but lost it to "
            "the award's quota."
        ),
        "",
        *_table(
            [_("Award"), _("Title"), _("Earned"), _("Withheld by quota"), _("Units")],
            (
                (award.id, award.title, award.earned, award.withheld, award.decided)
                for award in awards
            ),
            right=3,
        ),
    ]
    earned = [award for award in awards if award.earners]
    if earned:
        lines += _table(
            [_("Award"), _("Earned by")],
            ((award.id, earners_text(award, w)) for award in earned),
        )
    return lines


def _movements(comparison: Comparison, w: Words) -> list[str]:
    """Return how the units moved since the earlier period: counts, tier changes, vetoes."""
    _ = w.gettext
    counts = comparison.counts
    lines = [
        "### " + _("Movements since %(before)s") % {"before": comparison.before},
        "",
        *_table(
            [_("Up"), _("Down"), _("Same"), _("Added"), _("Removed")],
            [[counts["up"], counts["down"], counts["same"], counts["added"], counts["removed"]]],
            right=5,
        ),
    ]
    moved = [
        change for change in comparison.changes if change.direction in {"up", "down", "changed"}
    ]
    if moved:
        lines += _table(
            [_("Unit"), _("Before"), _("After"), _("Score change")],
            (
                (
                    change.unit,
                    change.before_tier or "",
                    change.after_tier or "",
                    "" if change.score_delta is None else w.signed(change.score_delta),
                )
                for change in moved
            ),
            right=1,
        )
    vetoed = [
        change for change in comparison.changes if change.new_vetoes or change.resolved_vetoes
    ]
    if vetoed:
        lines += _table(
            [_("Unit"), _("New vetoes"), _("Resolved vetoes")],
            (
                (change.unit, ", ".join(change.new_vetoes), ", ".join(change.resolved_vetoes))
                for change in vetoed
            ),
        )
    return lines


def _improvement(improvement: Improvement, level: LevelSummary, w: Words) -> list[str]:
    _, number = w.gettext, w.number
    lines = [_("What it would take to reach %(tier)s:") % {"tier": improvement.target}, ""]
    if improvement.score_gap > 0:
        gap = {"points": number(improvement.score_gap)}
        if improvement.reachable:
            lines.append("- " + _("%(points)s more points, by any one of:") % gap)
            lines += [
                "  - "
                + (" " + _("and") + " ").join(
                    _cell(change_text(change, w, level.texts)) for change in option
                )
                for option in improvement.options
            ]
        else:
            lines.append(
                "- " + _("%(points)s more points: more than every indicator can still give") % gap
            )
    for obstacle in improvement.obstacles:
        must = (
            _("%(kind)s %(code)s must not hold: %(message)s")
            if obstacle.kind in {"veto", "cap"}
            else _("%(kind)s %(code)s must hold: %(message)s")
        )
        shown = {
            "kind": _(obstacle.kind),
            "code": f"`{obstacle.code}`",
            "message": _cell(level.texts.message(obstacle.code, obstacle.message)),
        }
        lines.append("- " + must % shown)
    return [*lines, ""]


def _unit(result: Result, level: LevelSummary, w: Words) -> list[str]:
    _, number = w.gettext, w.number
    score = (
        f"{number(result.score)} / {number(result.max_score)}"
        if result.score is not None
        else _("not evaluable")
    )
    parent = (
        (", " + _("under %(parent)s") % {"parent": _cell(result.parent)}) if result.parent else ""
    )
    tier = result.tier or _("no tier")
    lines = [f"#### {_cell(result.unit or '')}: {tier} ({score}{parent})", ""]
    standing = standing_lines(result, w)
    if standing:
        lines += [*(f"{_cell(line)}  " for line in standing), ""]
    rows = []
    titles = level.texts
    for criterion in result.criteria:
        rows.append(
            (
                f"**{criterion.id}**",
                titles.criteria.get(criterion.id, criterion.title),
                "",
                number(criterion.score),
                number(criterion.max_score),
            )
        )
        rows.extend(
            (
                indicator.id,
                titles.indicators.get(indicator.id, indicator.title),
                format_value(indicator.value)
                if indicator.status == "scored"
                else f"{_(indicator.status)}: {indicator.note}",
                number(indicator.points),
                number(indicator.max_points),
            )
            for indicator in criterion.indicators
        )
    header = [_("Criterion / indicator"), _("Title"), _("Value"), _("Points"), _("Maximum")]
    lines += _table(header, rows, right=2)
    if result.derived:
        lines += [_("Derived values:"), ""]
        lines += [
            f"- `{name}` = {_cell(format_value(value))}" for name, value in result.derived.items()
        ]
        lines.append("")
    if result.reasons:
        lines += [_("Reasons:"), ""]
        lines += [
            f"- {_(reason.kind)} `{reason.code}`: "
            f"{_cell(titles.message(reason.code, reason.message))}{values_text(reason.values)}"
            for reason in result.reasons
        ]
        lines.append("")
    if result.improvement is not None:
        lines += _improvement(result.improvement, level, w)
    awarded = level.awarded(result.unit)
    if awarded:
        lines += [_("Awards:"), ""]
        for decision in awarded:
            verdict, (condition, *explanation) = explanation_lines(decision, w)
            lines += [f"- {_cell(verdict)}", f"  - `{' '.join(condition.split())}`"]
            lines += [f"  - {_cell(line)}" for line in explanation]
        lines.append("")
    return lines


def render_markdown(
    levels: Sequence[LevelSummary], *, period: Period | None = None, language: str = "en"
) -> str:
    """Return the report of ``levels`` (top first) as a Markdown document in ``language``."""
    w = words(language)
    _ = w.gettext
    top = levels[0]
    when = f", {period.label}" if period is not None else ""
    lines = [f"# {_cell(top.title)}{when}", ""]
    for level in levels:
        lines += _overview(level, w)
        if level.movements is not None:
            lines += _movements(level.movements, w)
    for level in levels:
        lines += ["## " + _("Units: %(title)s") % {"title": _cell(level.title)}, ""]
        if not level.complete:
            lines += [
                _(
                    "%(units)s are too many to list: the %(lowest)s lowest and %(highest)s "
                    "highest scores follow."
                )
                % {
                    "units": w.units(level.units),
                    "lowest": level.lowest,
                    "highest": level.highest,
                },
                "",
            ]
        for result in level.listed:
            lines += _unit(result, level, w)
    return "\n".join(lines).rstrip() + "\n"
