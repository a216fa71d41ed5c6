"""What a report says about a level's awards: who earned each one, and why (``[[awards]]``).

Awards are decided over a period's history (:func:`criteriakit.awards.read_history`), so only
a report on stored results shows them. :func:`summarise_awards` decides the whole population
once, as columns (:func:`criteriakit.awards.decide`), and explains only the units the report
lists (:func:`criteriakit.awards.results`): a report on a large population costs little more
than deciding it. :func:`award_summaries` turns the decided frame into an
:class:`AwardSummary` per award, the counts ``criteriakit awards`` shows too;
:func:`earners_text` the units that earned one, as each format lists them.

Polars (which deciding awards needs) is imported only when awards are decided: a report
without them does not need it.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from criteriakit.model.framework import pick_text

if TYPE_CHECKING:
    import polars as pl

    from criteriakit.awards.history import History
    from criteriakit.model.awards import AwardResult
    from criteriakit.render.language import Words
    from criteriakit.scalar.framework import Framework

__all__ = ["AwardSummary", "AwardedUnit", "award_summaries", "earners_text", "summarise_awards"]


@attrs.frozen
class AwardedUnit:
    """A unit that met an award's condition: it ``earned`` the award, else its quota withheld it."""

    unit: str | int
    parent: str | int | None
    earned: bool


@attrs.frozen
class AwardSummary:
    """One award of a level in a period: how many units earned it, which ones, and why.

    ``decided`` is how many units the award was decided for (every unit of the period);
    ``units`` those that met its condition, in the period's order, whether they earned the
    award or its quota withheld it. ``earners`` are the first units that earned it, as many
    as a report lists (``more`` are left out); ``explained`` the decisions, with their
    explanations, of the units a report lists, by unit id as text.
    """

    id: str
    title: str
    decided: int
    units: tuple[AwardedUnit, ...] = ()
    earners: tuple[str | int, ...] = ()
    explained: Mapping[str, AwardResult] = attrs.field(factory=dict)

    @property
    def earned(self) -> int:
        """How many units earned the award."""
        return sum(unit.earned for unit in self.units)

    @property
    def withheld(self) -> int:
        """How many units met the condition but lost the award to its quota."""
        return len(self.units) - self.earned

    @property
    def more(self) -> int:
        """How many units earned the award beyond the ``earners`` listed."""
        return self.earned - len(self.earners)


def earners_text(award: AwardSummary, w: Words) -> str:
    """Return the units listed as earning ``award``, and how many more did.

    ``C01, C03 and 7 more``: a report lists at most its limit of a population's earners.
    """
    listed = ", ".join(str(unit) for unit in award.earners)
    if not award.more:
        return listed
    return w.gettext("%(units)s and %(count)s more") % {"units": listed, "count": award.more}


def award_summaries(
    framework: Framework,
    decided: pl.DataFrame,
    explained: Iterable[AwardResult] = (),
    *,
    limit: int = 0,
    language: str = "en",
) -> tuple[AwardSummary, ...]:
    """Return an :class:`AwardSummary` per award of ``framework``, in the framework's order.

    ``decided`` is :func:`criteriakit.awards.decide`'s frame, ``explained`` the decisions of
    the units to explain (:func:`criteriakit.awards.results`). Each summary lists at most
    ``limit`` of the units that earned its award; titles are in ``language``, else in the
    framework's own.
    """
    import polars as pl  # noqa: PLC0415  deciding awards needs it; a report without them does not

    by_award: dict[str, dict[str, AwardResult]] = {}
    for result in explained:
        by_award.setdefault(result.award, {})[str(result.unit)] = result
    own = framework.definition.language
    summaries = []
    for award in framework.compiled.awards:
        rows = decided.filter(pl.col("award") == award.id)
        met = rows.filter(pl.col("earned") | pl.col("withheld")).select("unit", "parent", "earned")
        units = tuple(AwardedUnit(*row) for row in met.iter_rows())
        earners = itertools.islice((unit.unit for unit in units if unit.earned), limit)
        summaries.append(
            AwardSummary(
                award.id,
                pick_text(award.title, language, own),
                rows.height,
                units,
                tuple(earners),
                by_award.get(award.id, {}),
            )
        )
    return tuple(summaries)


def summarise_awards(
    framework: Framework,
    history: History,
    listed: Collection[str | int],
    *,
    limit: int = 200,
    language: str = "en",
) -> tuple[AwardSummary, ...]:
    """Decide ``framework``'s awards over ``history`` and summarise them for a report.

    The population is decided once, as columns; of the ``listed`` units (those whose
    sections the report shows), the decisions on the awards they met (earned, or withheld
    by a quota) are explained. Raises :class:`~criteriakit.DataError` for a history that
    is not the framework's, or that lacks a listed unit.
    """
    from criteriakit import awards  # noqa: PLC0415  needs polars, only for a report with awards

    decided = awards.decide(framework, history)
    explained = awards.results(framework, history, listed, language=language, decided=decided)
    met = (result for result in explained if result.met)
    return award_summaries(framework, decided, met, limit=limit, language=language)
