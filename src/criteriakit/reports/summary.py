"""What a report says about one evaluated level, whatever format renders it.

:func:`summarise` reads a level's results once and keeps what the people who act on them look
for: how the units fall into tiers, how the scores spread against the tier bounds, how the
population does on each criterion, how each parent's units fare, which quotas demoted whom,
which vetoes and gates decided most tiers, and the units to list (all of them, or the lowest
and highest of a population too large to list). A level's awards are summarised apart
(:mod:`.awards`, from a period's history) and given to :func:`summarise`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from criteriakit.compare import Comparison, Outcome, compare_results
from criteriakit.expressions.floats import add_up
from criteriakit.model.results import Result
from criteriakit.render.language import FrameworkTexts
from criteriakit.reports.awards import AwardSummary
from criteriakit.scalar.framework import Framework

if TYPE_CHECKING:
    from criteriakit.model.awards import AwardResult

__all__ = [
    "Bin",
    "CriterionProfile",
    "DecidingReason",
    "LevelSummary",
    "ParentRow",
    "TierCount",
    "summarise",
]

HISTOGRAM_BINS = 10
"""How many equal bins the score histogram has, from 0 to the framework's maximum."""

DECIDING_KINDS = ("veto", "cap", "gate", "quota")
"""The reasons that move a unit below its band: vetoes and caps, failed gates, quotas."""


@attrs.frozen
class TierCount:
    """How many units a tier has, and their share of the evaluable units (0 … 1)."""

    tier: str
    title: str
    min_score: float
    count: int
    share: float


@attrs.frozen
class Bin:
    """Units whose score is at least ``low`` and below ``high`` (the last bin includes it)."""

    low: float
    high: float
    count: int


@attrs.frozen
class CriterionProfile:
    """How the evaluable units score on one criterion: mean, lowest and highest points."""

    id: str
    title: str
    max_score: float
    mean: float
    lowest: float
    highest: float


@attrs.frozen
class ParentRow:
    """The units under one parent: how many there are in each tier (in the tiers' order)."""

    parent: str
    units: int
    counts: tuple[int, ...]
    not_evaluable: int


@attrs.frozen
class DecidingReason:
    """A veto, cap, gate or quota, and how many units it held below their band or demoted."""

    code: str
    kind: str
    message: str
    count: int
    units: tuple[str, ...]


@attrs.frozen
class LevelSummary:
    """Everything a report shows about one level (see the module's docstring).

    ``listed`` are the units whose sections the report shows: every unit when there are at most
    ``limit``, else the ``limit // 2`` lowest and highest scores (``complete`` is then false).
    ``texts`` are the framework's titles in the report's language; ``movements`` how each unit
    changed since an earlier period, when the report compares with one; ``awards`` who earned
    each of the framework's awards, when the report is on a period whose history it has
    (none otherwise).
    """

    framework: str
    title: str
    units: int
    evaluable: int
    max_score: float
    tiers: tuple[TierCount, ...]
    histogram: tuple[Bin, ...]
    criteria: tuple[CriterionProfile, ...]
    parents: tuple[ParentRow, ...]
    deciding: tuple[DecidingReason, ...]
    demoted: tuple[Result, ...]
    listed: tuple[Result, ...]
    complete: bool
    texts: FrameworkTexts
    movements: Comparison | None = None
    awards: tuple[AwardSummary, ...] = ()

    def awarded(self, unit: str | int | None) -> list[AwardResult]:
        """Return a listed unit's explained award decisions, award by award.

        A report explains the awards each listed unit met: earned, or withheld by a quota.
        """
        key = str(unit)
        return [award.explained[key] for award in self.awards if key in award.explained]

    @property
    def lowest(self) -> int:
        """How many of the ``listed`` units of an incomplete level are its lowest scores."""
        return len(self.listed) // 2

    @property
    def highest(self) -> int:
        """How many of the ``listed`` units of an incomplete level are its highest scores."""
        return len(self.listed) - self.lowest


def _tiers(
    framework: Framework, scored: Sequence[Result], texts: FrameworkTexts
) -> tuple[TierCount, ...]:
    counts = Counter(result.tier for result in scored)
    return tuple(
        TierCount(
            tier.id,
            texts.tiers.get(tier.id, tier.title),
            tier.min_score,
            counts.get(tier.id, 0),
            counts.get(tier.id, 0) / len(scored) if scored else 0.0,
        )
        for tier in framework.compiled.tiers
    )


def _histogram(scores: Sequence[float], max_score: float) -> tuple[Bin, ...]:
    width = max_score / HISTOGRAM_BINS
    counts = [0] * HISTOGRAM_BINS
    for score in scores:
        index = min(HISTOGRAM_BINS - 1, max(0, math.floor(score / width))) if width else 0
        counts[index] += 1
    return tuple(
        Bin(index * width, (index + 1) * width, count) for index, count in enumerate(counts)
    )


def _criteria(scored: Sequence[Result], texts: FrameworkTexts) -> tuple[CriterionProfile, ...]:
    if not scored:
        return ()
    profiles = []
    for index, criterion in enumerate(scored[0].criteria):
        points = [result.criteria[index].score for result in scored]
        profiles.append(
            CriterionProfile(
                criterion.id,
                texts.criteria.get(criterion.id, criterion.title),
                criterion.max_score,
                add_up(points) / len(points),
                min(points),
                max(points),
            )
        )
    return tuple(profiles)


def _parents(framework: Framework, results: Sequence[Result]) -> tuple[ParentRow, ...]:
    tiers = [tier.id for tier in framework.compiled.tiers]
    grouped: dict[str, list[Result]] = {}
    for result in results:
        if result.parent is not None:
            grouped.setdefault(result.parent, []).append(result)
    rows = []
    for parent, members in grouped.items():
        counts = Counter(result.tier for result in members)
        rows.append(
            ParentRow(
                parent,
                len(members),
                tuple(counts.get(tier, 0) for tier in tiers),
                counts.get(None, 0),
            )
        )
    return tuple(rows)


def _deciding(results: Sequence[Result]) -> tuple[DecidingReason, ...]:
    found: dict[str, tuple[str, str, list[str]]] = {}
    for result in results:
        for reason in result.reasons:
            if reason.kind in DECIDING_KINDS:
                _, _, units = found.setdefault(reason.code, (reason.kind, reason.message, []))
                units.append(result.unit or "")
    ranked = sorted(found.items(), key=lambda item: (-len(item[1][2]), item[0]))
    return tuple(
        DecidingReason(code, kind, message, len(units), tuple(units))
        for code, (kind, message, units) in ranked
    )


def _listed(results: Sequence[Result], limit: int) -> tuple[tuple[Result, ...], bool]:
    if len(results) <= limit:
        return tuple(results), True
    ordered = sorted(
        results,
        key=lambda result: (result.score is not None, result.score or 0.0, result.unit or ""),
    )
    lowest = limit // 2  # as LevelSummary.lowest says
    return (*ordered[:lowest], *ordered[len(ordered) - (limit - lowest) :]), False


def summarise(
    framework: Framework,
    results: Sequence[Result],
    *,
    limit: int = 200,
    language: str = "en",
    before: Sequence[Result | Outcome] | None = None,
) -> LevelSummary:
    """Summarise one level's ``results``, evaluated with ``framework``, for a report.

    At most ``limit`` units are listed one by one (see :class:`LevelSummary`); titles are in
    ``language`` where the framework gives them in it. ``before`` are the same level's results
    of an earlier period, to say how each unit moved since. The level's awards are added once
    the units to list are known (:func:`criteriakit.reports.awards.summarise_awards`).
    """
    texts = FrameworkTexts.of(framework.definition, language)
    scored = [result for result in results if result.score is not None]
    demoted = tuple(
        result for result in results if any(reason.kind == "quota" for reason in result.reasons)
    )
    listed, complete = _listed(results, limit)
    return LevelSummary(
        framework=framework.ref,
        title=texts.title,
        units=len(results),
        evaluable=len(scored),
        max_score=framework.compiled.max_score,
        tiers=_tiers(framework, scored, texts),
        histogram=_histogram(
            [result.score or 0.0 for result in scored], framework.compiled.max_score
        ),
        criteria=_criteria(scored, texts),
        parents=_parents(framework, results),
        deciding=_deciding(results),
        demoted=demoted,
        listed=listed,
        complete=complete,
        texts=texts,
        movements=None
        if before is None
        else compare_results(before, results, tier_order={framework.id: framework.tiers}),
    )
