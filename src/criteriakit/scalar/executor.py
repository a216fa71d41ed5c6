"""The scalar executor: evaluate one unit, with a full explanation.

It is the reference semantics every other executor must match: indicator values, points under
the undefined-value policies, criterion scores, the total by the framework's weighting (the sum,
rescaled when indicators are excluded, by default; rounded to 1e-9), classification, and what it
would take to reach the next tier. When indicators were excluded, a scored unit's criteria are
shown rescaled by the total's factor, so that they add up to it.

A :class:`ScalarExecutor` is built once per framework and does per unit only what depends on
the unit. What decides the result is worked out at once: each indicator's value and points
(with the undefined-value policy, whose errors are raised there), the criteria's scores, the
total, the tier and its reasons. The rest of the explanation is computed when a result's field
is first read (see :class:`~criteriakit.model.results.Pending`), from a copy of the inputs as
they were evaluated: the per-criterion and per-indicator results (``criteria``) and what it
would take to reach the next tier (``improvement``). Either way the result is the same.

Results are immutable, so they are shared between units: an indicator whose points depend on
its value alone keeps the results it has built, with their points, by value (for bools,
integers, levels and non-zero floats, whose equal values look the same), so that a unit with a
value seen before neither scores it again nor builds its result; a criterion whose indicators'
results were all kept keeps its results by them too.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, NamedTuple, cast

import attrs

from criteriakit.compiling.compiled import CompiledCriterion, CompiledFramework, CompiledIndicator
from criteriakit.compiling.scoring import Relative
from criteriakit.errors import EvaluationError
from criteriakit.expressions import BOOL, INTEGER, ExprType, LevelType, Undefined
from criteriakit.expressions.floats import SCORE_DIGITS, add_up, round_points
from criteriakit.model.improvement import Improvement
from criteriakit.model.period import Period
from criteriakit.model.results import (
    CriterionResult,
    IndicatorResult,
    IndicatorStatus,
    Pending,
    Reason,
    Result,
)
from criteriakit.scalar.classify import Classification, Classifier, NotEvaluable
from criteriakit.scalar.improve import Improver
from criteriakit.scalar.ranking import RankSlot

__all__ = ["MEMO_SIZE", "SCORE_DIGITS", "ScalarExecutor"]

MEMO_SIZE = 256
"""At most this many results are kept per indicator and per criterion for reuse between units."""

_Env = Mapping[str, object]
_Memo = dict[Any, Any]
"""An indicator's shared entries by value, or a criterion's results by its indicators' entries."""
_Undefined = dict[int, tuple[Undefined, IndicatorStatus]]
"""The indicators (by position) whose value or points were undefined, why, and their status."""


def _memo_type(value_type: ExprType) -> type:
    """Return the one Python type of the values an indicator keeps results by.

    Bools, integers and levels have one Python type each; numbers are kept as floats only (a
    number may also be an int, which would compare equal to a float of another look).
    """
    if value_type == BOOL:
        return bool
    if value_type == INTEGER:
        return int
    if isinstance(value_type, LevelType):
        return str
    return float


@attrs.define(eq=False)
class _Shared:
    """An indicator's result for one value (and context), shared by the units with that value.

    Its ``points`` are known from the first such unit; its ``result`` is built when a unit's
    result is first read (None until then). Entries compare by identity.
    """

    points: float
    result: IndicatorResult | None = None


def _new_entry(memo: _Memo, key: Hashable, value: object, points: float) -> _Shared | None:
    """Return a new entry for an indicator's points, kept by ``key`` for the units that follow.

    Returns None when it may not be kept: the memo is full, or ``value`` is a float zero or NaN
    (``0.0`` and ``-0.0`` are equal but look different; NaN equals nothing).
    """
    if len(memo) >= MEMO_SIZE or (type(value) is float and not (value == value and value != 0)):  # noqa: PLR0124  NaN test
        return None
    entry = memo[key] = _Shared(points)
    return entry


def _policy(
    indicator: CompiledIndicator, outcome: Undefined, unit: str | None
) -> tuple[IndicatorStatus, Reason | None]:
    """Apply the policy to an indicator whose value or points are undefined.

    Returns the indicator's status and, under ``not-evaluable``, the reason the unit is not
    evaluable; raises :class:`EvaluationError` under ``fail``.
    """
    action = indicator.on_missing if outcome.kind == "missing" else indicator.on_division
    subject = f"indicator {indicator.id} ({indicator.title})"
    if action == "fail":
        where = f"unit {unit!r}: " if unit is not None else ""
        raise EvaluationError(
            f"{where}{subject} could not be computed: {outcome.detail}",
            unit=unit,
            subject=subject,
            cause=outcome.detail,
        )
    if action == "not-evaluable":
        reason = Reason(
            "not-evaluable", "not-evaluable", f"{subject} could not be computed: {outcome.detail}"
        )
        return "zero", reason
    return ("zero" if action == "zero" else "excluded"), None


def _rescaled(
    criteria: Sequence[CriterionResult],
    scores: Sequence[float],
    maxima: Sequence[float],
    max_score: float,
    scored_max: float,
) -> tuple[CriterionResult, ...]:
    """Return the criteria of a unit with excluded indicators on the total's scale.

    ``scores`` are the criteria's raw scores and ``maxima`` the points their indicators that
    were not excluded could award (``scored_max`` in all). Each is multiplied by ``max_score /
    scored_max``, the factor the total is rescaled by, so that the maxima add up to
    ``max_score`` and the scores to the total (to the rounding of points), and each criterion's
    share (score / maximum) stays its own. The columnar plan computes the same scores.
    """
    return tuple(
        attrs.evolve(
            criterion,
            score=_on_total_scale(score, max_score, scored_max),
            max_score=_on_total_scale(maximum, max_score, scored_max),
        )
        for criterion, score, maximum in zip(criteria, scores, maxima, strict=True)
    )


def _on_total_scale(points: float, max_score: float, scored_max: float) -> float:
    """Return ``points`` multiplied by the factor the total is rescaled by, rounded as points."""
    return round_points(points * max_score / scored_max)


class _Place(NamedTuple):
    """Where a unit stands: its parent, rolled-up inputs, derived values and rank slot.

    The rank slot is filled once the unit's group is ranked (when the framework ranks units).
    """

    parent: str | None
    rolled_up: Mapping[str, Any]
    derived: Mapping[str, Any]
    ranking: RankSlot | None


class _Scored(NamedTuple):
    """A unit as scored: its indicators' values and points, its criteria's unrounded scores.

    Points are zero where ``undefined``. ``shared`` holds the entries of the indicators whose
    results are shared between the units with the same value (None for the others, whose
    results are the unit's own).
    """

    values: tuple[object, ...]
    points: tuple[float, ...]
    scores: tuple[float, ...]
    shared: tuple[_Shared | None, ...]
    undefined: _Undefined


@attrs.frozen
class _Breakdown:
    """Builds units' per-indicator and per-criterion results, sharing them between units."""

    compiled: CompiledFramework
    _indicators: tuple[tuple[int, CompiledIndicator], ...] = attrs.field(
        init=False, repr=False, eq=False
    )
    _criteria: tuple[tuple[CompiledCriterion, _Memo], ...] = attrs.field(
        init=False, repr=False, eq=False
    )

    @_indicators.default
    def _numbered(self) -> tuple[tuple[int, CompiledIndicator], ...]:
        return tuple(enumerate(self.compiled.indicators))

    @_criteria.default
    def _memos(self) -> tuple[tuple[CompiledCriterion, _Memo], ...]:
        return tuple((criterion, {}) for criterion in self.compiled.criteria)

    def build(self, unit: _Scored) -> tuple[list[IndicatorResult], tuple[CriterionResult, ...]]:
        """Return a unit's indicator results (in the framework's order) and criterion results."""
        shared = unit.shared
        results = [
            result  # most are shared and built already: taken without a call
            if (entry := shared[index]) is not None and (result := entry.result) is not None
            else _new_indicator_result(index, indicator, unit)
            for index, indicator in self._indicators
        ]
        criteria = tuple(
            _criterion_result(criterion, memo, score, results, shared)
            for (criterion, memo), score in zip(self._criteria, unit.scores, strict=True)
        )
        return results, criteria


def _new_indicator_result(
    index: int, indicator: CompiledIndicator, unit: _Scored
) -> IndicatorResult:
    """Build an indicator's result for a unit; give it to the units that share it, if any."""
    value = unit.values[index]
    if index in unit.undefined:
        outcome, status = unit.undefined[index]
        shown = None if isinstance(value, Undefined) else value
        return IndicatorResult(
            indicator.id, indicator.title, shown, 0.0, indicator.max_points, status, outcome.detail
        )
    points = round_points(unit.points[index])
    result = IndicatorResult(indicator.id, indicator.title, value, points, indicator.max_points)
    entry = unit.shared[index]
    if entry is not None:
        entry.result = result
    return result


def _criterion_result(
    criterion: CompiledCriterion,
    memo: _Memo,
    score: float,
    results: list[IndicatorResult],
    shared: tuple[_Shared | None, ...],
) -> CriterionResult:
    """Return a criterion's result; when its indicators' results are all shared, share it too.

    ``results`` and ``shared`` are the unit's, for every indicator. The criterion's result is
    kept by its indicators' entries (which compare by identity).
    """
    first, stop = criterion.first, criterion.stop
    entries = shared[first:stop]
    shareable = None not in entries
    known: CriterionResult | None = memo.get(entries) if shareable else None
    if known is None:
        own = tuple(results[first:stop])
        known = CriterionResult(
            criterion.id, criterion.title, round_points(score), criterion.max_score, own
        )
        if shareable and len(memo) < MEMO_SIZE:
            memo[entries] = known
    return known


@attrs.define
class _Explanation(Pending):
    """One unit's evaluation, kept for the parts of its result computed on first read.

    ``env`` is a copy of the inputs as they were evaluated, ``scored`` its indicators.
    ``classification`` is None when the unit was not evaluable; ``maxima`` are the criteria's
    when indicators were excluded (the criteria are then shown rescaled), else None. The
    indicator and criterion results are built once, for whichever field asks first.
    """

    breakdown: _Breakdown
    improver: Improver
    env: dict[str, object]
    scored: _Scored
    classification: Classification | None = None
    score: float = 0.0
    scored_max: float = 0.0
    maxima: tuple[float, ...] | None = None
    _built: tuple[list[IndicatorResult], tuple[CriterionResult, ...]] | None = None

    def compute(self, field: str) -> Any:
        """Return the result's ``criteria`` or ``improvement``."""
        return self._criteria() if field == "criteria" else self._improvement()

    def _build(self) -> tuple[list[IndicatorResult], tuple[CriterionResult, ...]]:
        if self._built is None:
            self._built = self.breakdown.build(self.scored)
        return self._built

    def _criteria(self) -> tuple[CriterionResult, ...]:
        criteria = self._build()[1]
        if self.maxima is None:
            return criteria
        max_score = self.breakdown.compiled.max_score
        return _rescaled(criteria, self.scored.scores, self.maxima, max_score, self.scored_max)

    def _improvement(self) -> Improvement | None:
        assert self.classification is not None  # noqa: S101  only evaluable units have one
        indicators = self._build()[0]
        return self.improver.improvement(
            self.classification, self.score, self.scored_max, indicators, self.env
        )


_Step = tuple[
    Callable[[_Env], object],
    Callable[[Any, _Env], float | Undefined],
    _Memo | None,
    type | None,
    Callable[[_Env], Hashable] | None,
]
"""An indicator ready to run: its value and score functions, its memo of shared results (or
None), the type of the values kept there, and its scorer's context function (keys are
``(value, context(env))`` when it has one)."""


def _alone(compiled: CompiledFramework, unit: str | None) -> EvaluationError:
    """Return the error for a unit evaluated alone by a framework that compares units."""
    where = f"unit {unit!r}: " if unit is not None else ""
    if compiled.relative:
        indicator = compiled.indicators[compiled.relative[0][0]]
        what = f"indicator {indicator.id} is scored relative to the other units (a relative scorer)"
    else:
        method = compiled.data_weights[0].method
        what = f"its weights are decided by the units evaluated together (method {method!r})"
    return EvaluationError(
        f"{where}{what}, so one unit alone cannot be scored: evaluate the population "
        "(criteriakit.evaluate_frame, or `criteriakit evaluate` on a data file)",
        unit=unit,
    )


def _step(indicator: CompiledIndicator) -> _Step:
    scorer = indicator.scorer
    keeps = scorer.value_only or scorer.context is not None
    memo_type = _memo_type(indicator.value.type) if keeps else None
    return indicator.value.evaluate, scorer.score, {} if keeps else None, memo_type, scorer.context


@attrs.frozen
class ScalarExecutor:
    """Evaluates units of one compiled framework (see :meth:`criteriakit.Framework.evaluate`).

    ``fingerprint`` is the framework's, recorded on every result.
    """

    compiled: CompiledFramework
    fingerprint: str
    _breakdown: _Breakdown = attrs.field(init=False, repr=False, eq=False)
    _steps: tuple[_Step, ...] = attrs.field(init=False, repr=False, eq=False)
    _spans: tuple[tuple[int, int], ...] = attrs.field(init=False, repr=False, eq=False)
    _maxima: tuple[float, ...] = attrs.field(init=False, repr=False, eq=False)
    _scored_max: float = attrs.field(init=False, repr=False, eq=False)
    _relative: tuple[tuple[int, Relative], ...] = attrs.field(init=False, repr=False, eq=False)
    _indicator_maxima: tuple[float, ...] = attrs.field(init=False, repr=False, eq=False)
    _classifier: Classifier = attrs.field(init=False, repr=False, eq=False)
    _improver: Improver = attrs.field(init=False, repr=False, eq=False)

    @_breakdown.default
    def _make_breakdown(self) -> _Breakdown:
        return _Breakdown(self.compiled)

    @_steps.default
    def _indicator_steps(self) -> tuple[_Step, ...]:
        return tuple(_step(indicator) for indicator in self.compiled.indicators)

    @_spans.default
    def _criterion_spans(self) -> tuple[tuple[int, int], ...]:
        return tuple((criterion.first, criterion.stop) for criterion in self.compiled.criteria)

    @_maxima.default
    def _full_maxima(self) -> tuple[float, ...]:
        return tuple(float(criterion.max_score) for criterion in self.compiled.criteria)

    @_scored_max.default
    def _full_scored_max(self) -> float:
        return add_up(self._maxima)

    @_indicator_maxima.default
    def _indicator_points(self) -> tuple[float, ...]:
        return tuple(indicator.max_points for indicator in self.compiled.indicators)

    @_relative.default
    def _relative_forms(self) -> tuple[tuple[int, Relative], ...]:
        return self.compiled.relative

    @_classifier.default
    def _make_classifier(self) -> Classifier:
        return Classifier(self.compiled)

    @_improver.default
    def _make_improver(self) -> Improver:
        return Improver(self.compiled)

    def evaluate(
        self,
        env: _Env,
        unit: str | None = None,
        period: Period | None = None,
        *,
        parent: str | None = None,
        rolled_up: Mapping[str, Any] | None = None,
        population: Mapping[str, object] | None = None,
        ranking: RankSlot | None = None,
    ) -> Result:
        """Evaluate one unit's checked input values.

        ``parent`` and ``rolled_up`` place the unit in a hierarchy; they are given here, not
        added to the result afterwards, because copying a result reads the parts of its
        explanation that are otherwise computed only when read. ``population`` holds the
        unit's standing in each relative indicator's group (:mod:`criteriakit.scalar.population`),
        which a framework with relative scorers needs; ``ranking`` the slot its rank is put in
        once its group is ranked (:mod:`criteriakit.scalar.ranking`).
        """
        seen = self._with_derived(env)
        if population is None and (self._relative or self.compiled.data_weights):
            raise _alone(self.compiled, unit)
        if population:
            seen.update(population)
        derived = {
            name: None if type(value := seen[name]) is Undefined else value
            for name, _ in self.compiled.derived
        }
        place = _Place(parent, rolled_up or {}, derived, ranking)
        scored, blocking = self._score_indicators(seen, unit)
        explanation = _Explanation(self._breakdown, self._improver, seen, scored)
        pending: Any = explanation  # the criteria and improvement, computed on first read
        maxima, scored_max = self._maxima_scored(scored.undefined)
        if blocking is None and scored_max <= 1e-12:
            blocking = Reason(
                "not-evaluable",
                "not-evaluable",
                "every indicator was excluded: nothing left to score",
            )
        if blocking is not None:
            return self._result(unit, period, place, env, pending, None, None, (blocking,))
        compiled = self.compiled
        score = round_points(compiled.weighting.combine(scored.scores, maxima, compiled.max_score))
        if compiled.criterion_values:
            self._add_criterion_values(seen, scored.scores, maxima, scored_max)
        try:
            classification = self._classifier.classify(score, seen, unit)
        except NotEvaluable as stop:
            return self._result(unit, period, place, env, pending, None, None, (stop.reason,))
        explanation.classification = classification
        explanation.score = score
        explanation.scored_max = scored_max
        if maxima is not self._maxima:  # indicators were excluded: the criteria are rescaled
            explanation.maxima = maxima
        improvement = pending if classification.rank > 0 else None
        if ranking is not None and not any(
            status == "excluded" for _, status in scored.undefined.values()
        ):
            ranking.shares = tuple(
                points / maximum if maximum else 0.0
                for points, maximum in zip(scored.points, self._indicator_maxima, strict=True)
            )
        return self._result(
            unit,
            period,
            place,
            env,
            pending,
            score,
            classification,
            classification.reasons,
            improvement,
        )

    def _with_derived(self, env: _Env) -> dict[str, object]:
        seen = dict(env)
        for name, expression in self.compiled.derived:  # each after the values it reads
            seen[name] = expression.evaluate(seen)
        return seen

    def relative_values(self, env: _Env) -> list[object]:
        """Return the unit's values of the relative indicators (what the population compares)."""
        seen = self._with_derived(env)
        indicators = self.compiled.indicators
        return [indicators[index].value.evaluate(seen) for index, _ in self._relative]

    def _score_indicators(self, env: _Env, unit: str | None) -> tuple[_Scored, Reason | None]:
        """Return the unit as scored, and the first reason it is not evaluable, if any.

        An indicator whose value was seen before takes the points (and later the result) kept
        then. An undefined value or points take the indicator's policy (see :func:`_policy`),
        in the indicators' order: points zero, or the reason, or an error.
        """
        values: list[object] = []
        points: list[float] = []
        shared: list[_Shared | None] = []
        undefined: _Undefined = {}
        blocking: Reason | None = None
        for value_of, score_of, memo, memo_type, context in self._steps:
            value = value_of(env)
            values.append(value)
            key: Hashable = None  # the key the value's result is shared by, if it may be
            if memo is not None and type(value) is memo_type:
                key = value if context is None else (value, context(env))
                entry = memo.get(key)
                if entry is not None:
                    shared.append(entry)
                    points.append(entry.points)
                    continue
            outcome = value if isinstance(value, Undefined) else score_of(value, env)
            if isinstance(outcome, Undefined):
                index = len(points)
                status, reason = _policy(self.compiled.indicators[index], outcome, unit)
                undefined[index] = (outcome, status)
                blocking = blocking or reason
                outcome = 0.0
                entry = None
            else:
                entry = (
                    None if memo is None or key is None else _new_entry(memo, key, value, outcome)
                )
            shared.append(entry)
            points.append(outcome)
        scores = tuple([add_up(points[first:stop]) for first, stop in self._spans])
        # Tuples of numbers, unlike lists, drop out of the garbage collector's sight: results
        # are kept by the thousand, and each collection would walk these again.
        return _Scored(tuple(values), tuple(points), scores, tuple(shared), undefined), blocking

    def _add_criterion_values(
        self,
        seen: dict[str, object],
        scores: Sequence[float],
        maxima: Sequence[float],
        scored_max: float,
    ) -> None:
        """Give the gates, vetoes and caps the criteria's values they read, as results show them.

        ``points`` and ``max`` are the criterion's points and maximum on the total's scale (see
        :func:`_rescaled`), ``share`` their ratio: undefined (a division by zero) for a
        criterion whose indicators were all excluded.
        """
        compiled = self.compiled
        rescaled = maxima is not self._maxima
        for name, index, field in compiled.criterion_values:
            if rescaled:
                points = _on_total_scale(scores[index], compiled.max_score, scored_max)
                top = _on_total_scale(maxima[index], compiled.max_score, scored_max)
            else:
                points, top = round_points(scores[index]), self._maxima[index]
            if field == "points":
                seen[name] = points
            elif field == "max":
                seen[name] = top
            elif top:
                seen[name] = points / top
            else:
                seen[name] = Undefined("division-by-zero", f"{name}: its indicators were excluded")

    def _maxima_scored(self, undefined: _Undefined) -> tuple[tuple[float, ...], float]:
        """Return the criteria's maxima and their sum, less the points of excluded indicators."""
        if not any(status == "excluded" for _, status in undefined.values()):
            return self._maxima, self._scored_max
        indicators = self.compiled.indicators
        maxima = tuple(
            criterion.max_score
            - add_up(
                indicators[index].max_points
                for index, (_, status) in undefined.items()
                if status == "excluded" and criterion.first <= index < criterion.stop
            )
            for criterion in self.compiled.criteria
        )
        return maxima, add_up(maxima)

    def _result(
        self,
        unit: str | None,
        period: Period | None,
        place: _Place,
        env: _Env,
        criteria: tuple[CriterionResult, ...],
        score: float | None,
        classification: Classification | None,
        reasons: tuple[Reason, ...],
        improvement: Improvement | None = None,
    ) -> Result:
        compiled = self.compiled
        return Result(
            unit=unit,
            framework=compiled.id,
            version=compiled.version,
            fingerprint=self.fingerprint,
            score=score,
            max_score=compiled.max_score,
            tier=classification.tier if classification else None,
            band_tier=classification.band_tier if classification else None,
            criteria=criteria,
            reasons=reasons,
            inputs=env,
            period=period,
            improvement=improvement,
            parent=place.parent,
            rolled_up=place.rolled_up,
            derived=place.derived,
            ranking=cast("Any", place.ranking),  # a slot, filled in when the group is ranked
            weights=compiled.weight_notes,
        )
