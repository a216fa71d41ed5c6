"""Plain-text explanation of a result: the score, where it came from, why the tier, what next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from criteriakit.expressions.formatting import format_value
from criteriakit.model.improvement import Change, Improvement

if TYPE_CHECKING:
    from criteriakit.model.results import IndicatorResult, Result

__all__ = ["change_text", "counted", "explain", "format_number", "values_text"]

_WIDTH = 48


def format_number(number: float) -> str:
    """Format a score or points with two decimals, without a trailing ``.00``."""
    return f"{number:.2f}".removesuffix(".00")


def counted(number: int, noun: str) -> str:
    """Return ``1 unit``, ``2 units``, ``1,200 units``: a count with its noun."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def values_text(values: dict[str, object] | object) -> str:
    """Return `` (name = value, …)`` for the values that decided a reason, or nothing."""
    if not isinstance(values, dict) or not values:
        return ""
    return (
        " (" + ", ".join(f"{name} = {format_value(value)}" for name, value in values.items()) + ")"
    )


def _indicator_line(indicator: IndicatorResult) -> str:
    label = f"    {indicator.id} {indicator.title}"
    value = format_value(indicator.value)
    points = f"{format_number(indicator.points)} / {format_number(indicator.max_points)}"
    note = "" if indicator.status == "scored" else f"  [{indicator.status}: {indicator.note}]"
    return f"{label[:_WIDTH]:<{_WIDTH}} {value:>10}  {points:>13}{note}"


def change_text(change: Change) -> str:
    """Return one change "what it would take" proposes: indicator, value now → value needed."""
    return (
        f"{change.indicator} {change.title}: {format_value(change.current_value)} → "
        f"{change.comparison} {format_value(change.needed_value)} (+{format_number(change.points_gain)})"
    )


def _improvement_lines(improvement: Improvement) -> list[str]:
    lines = [f"What it would take to reach {improvement.target}:"]
    if improvement.score_gap > 0:
        lines.append(f"  - {format_number(improvement.score_gap)} more points, by any one of:")
        if not improvement.reachable:
            lines[-1] = (
                f"  - {format_number(improvement.score_gap)} more points: more than every indicator can still give"
            )
        lines.extend(
            "      • " + " and ".join(change_text(change) for change in option)
            for option in improvement.options
        )
    lines.extend(
        f"  - {obstacle.kind} {obstacle.code} must not hold: {obstacle.message}{values_text(obstacle.values)}"
        if obstacle.kind in {"veto", "cap"}
        else f"  - gate {obstacle.code} must hold: {obstacle.message} [{obstacle.condition}]{values_text(obstacle.values)}"
        for obstacle in improvement.obstacles
    )
    return lines


def _rescaling_line(result: Result) -> list[str]:
    """Return the line saying that excluded indicators rescaled the criteria, if they did.

    A scored unit's criteria are then on the total's scale (see ``CriterionResult``), which
    their indicators' points, as scored, are not.
    """
    indicators = [indicator for criterion in result.criteria for indicator in criterion.indicators]
    if result.score is None or all(item.status != "excluded" for item in indicators):
        return []
    left = format_number(sum(item.max_points for item in indicators if item.status != "excluded"))
    maximum = format_number(result.max_score)
    line = (
        f"Excluded indicators leave {left} of {maximum} points to award: "
        f"the criteria are shown rescaled by {maximum} / {left}, as the score is."
    )
    return [line]


def explain(result: Result) -> str:
    """Render ``result`` as text, as printed by ``criteriakit explain``."""
    unit = f"{result.unit} · " if result.unit is not None else ""
    lines = [f"{unit}{result.framework}@{result.version} ({result.fingerprint[:19]})"]
    if result.score is None:
        lines.append("Not evaluable.")
    else:
        tier = result.tier or ""
        band = "" if result.tier == result.band_tier else f" (score alone: {result.band_tier})"
        lines.append(
            f"Score {format_number(result.score)} / {format_number(result.max_score)} → {tier}{band}"
        )
    lines.extend(_rescaling_line(result))
    lines.append("")
    for criterion in result.criteria:
        head = f"  {criterion.id} {criterion.title}"
        score = f"{format_number(criterion.score)} / {format_number(criterion.max_score)}"
        lines.append(f"{head[: _WIDTH + 12]:<{_WIDTH + 12}}  {score:>13}")
        lines.extend(_indicator_line(indicator) for indicator in criterion.indicators)
    if result.reasons:
        lines.extend(["", "Reasons:"])
        lines.extend(
            f"  - [{reason.kind}] {reason.code}: {reason.message}{values_text(reason.values)}"
            for reason in result.reasons
        )
    if result.improvement is not None:
        lines.append("")
        lines.extend(_improvement_lines(result.improvement))
    return "\n".join(lines)
