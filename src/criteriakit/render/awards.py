"""Award decisions as text for people, in English, Vietnamese or German.

:func:`explain_award` writes one unit's decision on one award: the verdict, the condition, a
line per history call with its value and the periods behind it, and the quota that withheld
the award, if one did (:func:`explanation_lines` gives the same lines, for a report to lay
out). :func:`award_heading` writes how many units earned an award, the line
``criteriakit awards`` puts above each award's units.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from criteriakit.expressions.formatting import format_value
from criteriakit.render.language import Words, words

if TYPE_CHECKING:
    from criteriakit.model.awards import AwardResult, HistoryNote, Withheld

__all__ = ["award_heading", "explain_award", "explanation_lines", "note_line"]


def _value(value: object, w: Words) -> str:
    """Return a call's value: yes or no, a count, a score (in the language's notation), a tier."""
    if isinstance(value, bool):
        return w.gettext("yes") if value else w.gettext("no")
    if isinstance(value, float):
        return w.number(value)
    return format_value(value)


def note_line(note: HistoryNote, w: Words) -> str:
    """Return a history call's line: ``streak(tier == "excellent") is 2: 2023, 2024``."""
    _ = w.gettext
    facts = {"call": note.call, "periods": ", ".join(note.periods), "of": note.of}
    if note.function == "previous":
        if note.value is None and note.periods:
            return _("%(call)s is undefined in %(period)s") % {**facts, "period": note.periods[0]}
        if note.value is None:
            return _("%(call)s is undefined: no result the period before") % facts
        shown = {**facts, "value": _value(note.value, w), "period": note.periods[0]}
        return _("%(call)s is %(value)s (%(period)s)") % shown
    if note.function == "all_periods_since" and note.value is None:
        return _("%(call)s is undefined: its first period comes after this one") % facts
    facts |= {"value": _value(note.value, w), "held": len(note.periods)}
    if note.function == "count_last":
        line = _("%(call)s is %(value)s of the last %(of)s") % facts
    elif note.function == "all_periods_since":
        line = _("%(call)s is %(value)s: %(held)s of the %(of)s periods") % facts
    else:
        line = _("%(call)s is %(value)s") % facts
    return f"{line}: {facts['periods']}" if note.periods else line


def _withheld_line(withheld: Withheld, w: Words) -> str:
    _ = w.gettext
    facts = {
        "allowed": withheld.allowed,
        "units": withheld.units,
        "parent": withheld.parent,
        "met": withheld.met,
        "quota": f"{withheld.quota:.0%}",
    }
    if withheld.parent is None:
        text = _(
            "withheld: at most %(allowed)s of the %(units)s units without a parent may earn it "
            "(quota %(quota)s); %(met)s met the condition, the lowest scores lose it"
        )
    else:
        text = _(
            "withheld: at most %(allowed)s of the %(units)s units of %(parent)s may earn it "
            "(quota %(quota)s); %(met)s met the condition, the lowest scores lose it"
        )
    return text % facts


def explanation_lines(result: AwardResult, w: Words) -> tuple[str, list[str]]:
    """Return a unit's decision on an award: the verdict, and the lines that explain it.

    The lines are the condition, a line per history call and the quota that withheld the
    award, if one did. :func:`explain_award` indents them under the verdict; a report lists
    them under it.
    """
    _ = w.gettext
    facts = {"unit": result.unit, "title": result.title, "period": result.period}
    verdict = (
        _('%(unit)s earned "%(title)s" in %(period)s')
        if result.earned
        else _('%(unit)s did not earn "%(title)s" in %(period)s')
    )
    lines = [result.condition, *(note_line(note, w) for note in result.notes)]
    if result.withheld is not None:
        lines.append(_withheld_line(result.withheld, w))
    return verdict % facts, lines


def explain_award(result: AwardResult, language: str = "en") -> str:
    """Return a unit's decision on an award in a few lines, in ``language``."""
    verdict, lines = explanation_lines(result, words(language))
    return "\n".join([verdict, *(f"  {line}" for line in lines)])


def award_heading(
    title: str, award: str, period: str, earned: int, units: int, language: str = "en"
) -> str:
    """Return how many of the period's ``units`` earned an award: the listing's heading."""
    facts = {"title": title, "award": award, "period": period, "earned": earned, "units": units}
    return (
        words(language).gettext(
            '"%(title)s" (%(award)s) in %(period)s: %(earned)s of %(units)s units earned it'
        )
        % facts
    )
