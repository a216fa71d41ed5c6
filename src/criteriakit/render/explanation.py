"""Plain-text explanation of a result: the score, where it came from, why the tier, what next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from criteriakit.expressions.formatting import format_value
from criteriakit.model.improvement import Change, Improvement
from criteriakit.render.language import FrameworkTexts, Words, words

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


def _indicator_line(indicator: IndicatorResult, title: str, w: Words) -> str:
    label = f"    {indicator.id} {title}"
    value = format_value(indicator.value)
    points = f"{w.number(indicator.points)} / {w.number(indicator.max_points)}"
    status = w.gettext(indicator.status)
    note = "" if indicator.status == "scored" else f"  [{status}: {indicator.note}]"
    return f"{label[:_WIDTH]:<{_WIDTH}} {value:>10}  {points:>13}{note}"


def change_text(change: Change, w: Words | None = None, texts: FrameworkTexts | None = None) -> str:
    """Return one change "what it would take" proposes: indicator, value now → value needed.

    Points are written as ``w`` writes numbers, the title taken from ``texts`` when given.
    """
    title = texts.indicators.get(change.indicator, change.title) if texts else change.title
    gain = w.number(change.points_gain) if w else format_number(change.points_gain)
    return (
        f"{change.indicator} {title}: {format_value(change.current_value)} → "
        f"{change.comparison} {format_value(change.needed_value)} (+{gain})"
    )


def _improvement_lines(
    improvement: Improvement, w: Words, texts: FrameworkTexts | None
) -> list[str]:
    _ = w.gettext
    lines = [_("What it would take to reach %(tier)s:") % {"tier": improvement.target}]
    if improvement.score_gap > 0:
        gap = {"points": w.number(improvement.score_gap)}
        if improvement.reachable:
            lines.append("  - " + _("%(points)s more points, by any one of:") % gap)
        else:
            lines.append(
                "  - " + _("%(points)s more points: more than every indicator can still give") % gap
            )
        joiner = " " + _("and") + " "
        lines.extend(
            "      • " + joiner.join(change_text(change, w, texts) for change in option)
            for option in improvement.options
        )
    for obstacle in improvement.obstacles:
        message = texts.message(obstacle.code, obstacle.message) if texts else obstacle.message
        shown = {"kind": _(obstacle.kind), "code": obstacle.code, "message": message}
        if obstacle.kind in {"veto", "cap"}:
            line = _("%(kind)s %(code)s must not hold: %(message)s") % shown
        else:
            line = (
                _("%(kind)s %(code)s must hold: %(message)s") % shown + f" [{obstacle.condition}]"
            )
        lines.append(f"  - {line}{values_text(obstacle.values)}")
    return lines


def _rescaling_line(result: Result, w: Words) -> list[str]:
    """Return the line saying that excluded indicators rescaled the criteria, if they did.

    A scored unit's criteria are then on the total's scale (see ``CriterionResult``), which
    their indicators' points, as scored, are not.
    """
    indicators = [indicator for criterion in result.criteria for indicator in criterion.indicators]
    if result.score is None or all(item.status != "excluded" for item in indicators):
        return []
    left = w.number(sum(item.max_points for item in indicators if item.status != "excluded"))
    line = w.gettext(
        "Excluded indicators leave %(left)s of %(maximum)s points to award: "
        "the criteria are shown rescaled by %(maximum)s / %(left)s, as the score is."
    ) % {"left": left, "maximum": w.number(result.max_score)}
    return [line]


def standing_lines(result: Result, w: Words) -> list[str]:
    """Say where the framework's derived weights came from, and how the unit ranks.

    The weights derived by a method (from the file, or decided by the units evaluated with this
    one), and the unit's rank among those units, when the framework has them.
    """
    _ = w.gettext
    lines = []
    for note in result.weights:
        values = {
            "method": note.method,
            "units": note.units,
            "weights": ", ".join(f"{key} {w.number(value)}" for key, value in note.weights.items()),
            "criterion": note.scope,
            "parent": note.parent,
        }
        if note.parent is not None:  # decided by the units of one parent
            text = (
                _(
                    "Weights of the criteria by %(method)s over the %(units)s units of "
                    "%(parent)s: %(weights)s"
                )
                if note.scope == "criteria"
                else _(
                    "Weights of the indicators of %(criterion)s by %(method)s over the "
                    "%(units)s units of %(parent)s: %(weights)s"
                )
            )
        elif note.units is None:
            text = (
                _("Weights of the criteria by %(method)s: %(weights)s")
                if note.scope == "criteria"
                else _("Weights of the indicators of %(criterion)s by %(method)s: %(weights)s")
            )
        elif note.scope == "criteria":
            text = _("Weights of the criteria by %(method)s over %(units)s units: %(weights)s")
        else:
            text = _(
                "Weights of the indicators of %(criterion)s by %(method)s over %(units)s units: "
                "%(weights)s"
            )
        lines.append(text % values + (f" ({note.note})" if note.note else ""))
    ranking = result.ranking
    if ranking is not None:
        place = {
            "rank": w.number(ranking.rank),
            "among": ranking.among,
            "method": ranking.method,
            "score": w.number(ranking.score),
        }
        lines.append(_("Rank %(rank)s of %(among)s (%(method)s %(score)s)") % place)
    return lines


def explain(result: Result, *, language: str = "en", texts: FrameworkTexts | None = None) -> str:
    """Render ``result`` as text, as printed by ``criteriakit explain``.

    In ``language`` (``en``, ``vi`` or ``de``), with the framework's titles and messages from
    ``texts`` (:class:`~criteriakit.render.language.FrameworkTexts`) when given.
    """
    w = words(language)
    _ = w.gettext
    unit = f"{result.unit} · " if result.unit is not None else ""
    lines = [f"{unit}{result.framework}@{result.version} ({result.fingerprint[:19]})"]
    if result.score is None:
        lines.append(_("Not evaluable."))
    else:
        tier = result.tier or ""
        band = (
            ""
            if result.tier == result.band_tier
            else " " + _("(score alone: %(tier)s)") % {"tier": result.band_tier}
        )
        score = {
            "score": w.number(result.score),
            "maximum": w.number(result.max_score),
            "tier": tier,
        }
        lines.append(_("Score %(score)s / %(maximum)s → %(tier)s") % score + band)
    lines.extend(_rescaling_line(result, w))
    lines.extend(standing_lines(result, w))
    lines.append("")
    for criterion in result.criteria:
        title = texts.criteria.get(criterion.id, criterion.title) if texts else criterion.title
        head = f"  {criterion.id} {title}"
        score_text = f"{w.number(criterion.score)} / {w.number(criterion.max_score)}"
        lines.append(f"{head[: _WIDTH + 12]:<{_WIDTH + 12}}  {score_text:>13}")
        lines.extend(
            _indicator_line(
                indicator,
                texts.indicators.get(indicator.id, indicator.title) if texts else indicator.title,
                w,
            )
            for indicator in criterion.indicators
        )
    if result.derived:
        lines.extend(["", _("Derived values:")])
        lines.extend(f"  {name} = {format_value(value)}" for name, value in result.derived.items())
    if result.reasons:
        lines.extend(["", _("Reasons:")])
        for reason in result.reasons:
            message = texts.message(reason.code, reason.message) if texts else reason.message
            lines.append(
                f"  - [{_(reason.kind)}] {reason.code}: {message}{values_text(reason.values)}"
            )
    if result.improvement is not None:
        lines.append("")
        lines.extend(_improvement_lines(result.improvement, w, texts))
    return "\n".join(lines)
