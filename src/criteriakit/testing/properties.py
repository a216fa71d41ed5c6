"""Property checks for a framework's rules: monotonicity, determinism, scores within bounds.

This module needs `hypothesis <https://hypothesis.readthedocs.io>`_ (``pip install hypothesis``,
or the ``test`` extra). A rule author checks a property in one line of a pytest test::

    from criteriakit.testing.properties import assert_always_monotonic

    def test_improving_an_input_never_lowers_the_tier(framework):
        assert_always_monotonic(framework, decreasing=["recordable_incidents"])

**Monotonicity**: improving one input (raising an input where higher is better, lowering one
where lower is better, moving a level towards the best one, turning a good flag on) never
lowers the tier (in the framework's tier order) nor the score. Each input's direction is given
(``increasing=``, ``decreasing=``) or inferred by :func:`infer_directions` where the rules
agree on it. The ``check_*`` functions check one set of inputs and return what they found; the
``assert_always_*`` functions run a hypothesis search over :func:`~.strategies.inputs` and fail
with the smallest example hypothesis finds, in a message that names the input, its two values
and the two tiers and scores.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal

import attrs
import hypothesis
from hypothesis import strategies as st

from criteriakit._problems import did_you_mean
from criteriakit.compiling.scoring import Ratio
from criteriakit.errors import DataError, EvaluationError
from criteriakit.expressions import (
    BOOL,
    Aggregate,
    Arithmetic,
    BuiltinCall,
    Comparison,
    CompiledExpression,
    Conditional,
    Constant,
    InputRef,
    LevelType,
    Logical,
    Negate,
    Not,
    PluginCall,
    TypedNode,
)
from criteriakit.model.framework import Input
from criteriakit.model.results import Result
from criteriakit.model.scorers import (
    Band,
    BooleanScorer,
    LinearScorer,
    LookupScorer,
    TargetScorer,
    ThresholdScorer,
)
from criteriakit.scalar.framework import Framework
from criteriakit.testing import strategies
from criteriakit.testing.strategies import boundary_values, input_values, nudge

__all__ = [
    "Direction",
    "MonotonicityViolation",
    "assert_always_consistent",
    "assert_always_monotonic",
    "assert_monotonic",
    "check_deterministic",
    "check_in_bounds",
    "check_monotonic",
    "infer_directions",
]

Direction = Literal["increasing", "decreasing"]
"""``increasing``: higher is better (for a level, nearer the first; for a bool, true);
``decreasing``: lower is better."""

_SCALAR = frozenset({"number", "integer", "bool", "level"})
_TOLERANCE = 1e-9
_LOOKUP_RANGE = 1_000

# ---------------------------------------------------------------- inferring directions

_Signs = dict[str, set[int]]


def _record(signs: _Signs, name: str, sign: int) -> None:
    signs.setdefault(name, set()).add(sign)


def _nonnegative(node: TypedNode, inputs: Mapping[str, Input]) -> bool:
    """Whether ``node`` is never negative, as far as its declarations tell."""
    if isinstance(node, Constant):
        return not isinstance(node.value, str) and node.value >= 0
    if isinstance(node, InputRef):
        spec = inputs.get(node.name)
        return spec is not None and spec.min is not None and spec.min >= 0
    if isinstance(node, Arithmetic) and node.op != "-":
        return _nonnegative(node.left, inputs) and _nonnegative(node.right, inputs)
    if isinstance(node, BuiltinCall):
        return node.function == "abs" or all(_nonnegative(arg, inputs) for arg in node.args)
    return isinstance(node, Aggregate) and node.function in {"count", "share"}


def _sign_of(value: float) -> int:
    return (value > 0) - (value < 0)


def _walk_arithmetic(
    node: Arithmetic, sign: int, signs: _Signs, inputs: Mapping[str, Input]
) -> None:
    left, right = node.left, node.right
    if node.op in {"+", "-"}:
        _walk(left, sign, signs, inputs)
        _walk(right, sign if node.op == "+" else -sign, signs, inputs)
        return
    for side, other, numerator in ((left, right, True), (right, left, False)):
        known = _constant_sign(other)
        if node.op == "*" or numerator:
            # side * other and side / other grow with side when other is positive
            factor = known if known is not None else int(_nonnegative(other, inputs))
        elif _nonnegative(side, inputs):
            # other / side shrinks as a positive side grows, when other is positive
            factor = -known if known is not None else -int(_nonnegative(other, inputs))
        else:
            factor = 0
        _walk(side, sign * factor, signs, inputs)


def _constant_sign(node: TypedNode) -> int | None:
    if isinstance(node, Constant) and not isinstance(node.value, str):
        return _sign_of(node.value)
    return None


def _extreme(constant: Constant, side: TypedNode, inputs: Mapping[str, Input]) -> int:
    """Return +1 if ``constant`` is the greatest value ``side`` can take, -1 the least, else 0.

    The greatest level is the first (the best), the greatest bool true, and the greatest and
    least numbers are the declared ``max`` and ``min`` of the input ``side`` reads.
    """
    value = constant.value
    if isinstance(value, bool):
        return 1 if value else -1
    if isinstance(constant.type, LevelType):
        levels = constant.type.levels
        return 1 if value == levels[0] else -1 if value == levels[-1] else 0
    spec = inputs.get(side.name) if isinstance(side, InputRef) else None
    if spec is None:
        return 0
    return 1 if value == spec.max else -1 if value == spec.min else 0


def _best_or_worst(node: Comparison, inputs: Mapping[str, Input]) -> tuple[TypedNode, int] | None:
    """For ``x == constant``, return x and +1 if the constant is its best value, -1 if its worst.

    ``flag == true`` is ``flag``, ``level == "best"`` is ``level >= "best"`` and
    ``count == 0`` is ``count <= 0`` for an input declared with ``min = 0``; ``!=`` turns it.
    """
    for side, other in ((node.left, node.right), (node.right, node.left)):
        if isinstance(other, Constant):
            found = _extreme(other, side, inputs)
            if found:
                return side, found if node.op == "==" else -found
    return None


def _walk_comparison(
    node: Comparison, sign: int, signs: _Signs, inputs: Mapping[str, Input]
) -> None:
    if node.op in {">", ">="}:
        _walk(node.left, sign, signs, inputs)
        _walk(node.right, -sign, signs, inputs)
    elif node.op in {"<", "<="}:
        _walk(node.left, -sign, signs, inputs)
        _walk(node.right, sign, signs, inputs)
    else:
        extreme = _best_or_worst(node, inputs)
        if extreme is None:
            _walk(node.left, 0, signs, inputs)
            _walk(node.right, 0, signs, inputs)
        else:
            _walk(extreme[0], sign * extreme[1], signs, inputs)


def _walk(node: TypedNode, sign: int, signs: _Signs, inputs: Mapping[str, Input]) -> None:
    """Record, for each input ``node`` reads, the sign by which it moves the outcome.

    ``sign`` is +1 when a larger (or truer, or better-levelled) ``node`` is better, -1 when it
    is worse and 0 when unknown.
    """
    if isinstance(node, InputRef):
        _record(signs, node.name, sign)
    elif isinstance(node, Negate | Not):
        _walk(node.operand, -sign, signs, inputs)
    elif isinstance(node, Arithmetic):
        _walk_arithmetic(node, sign, signs, inputs)
    elif isinstance(node, Comparison):
        _walk_comparison(node, sign, signs, inputs)
    elif isinstance(node, Logical):
        _walk(node.left, sign, signs, inputs)
        _walk(node.right, sign, signs, inputs)
    elif isinstance(node, Conditional):
        _walk(node.condition, 0, signs, inputs)
        _walk(node.then, sign, signs, inputs)
        _walk(node.otherwise, sign, signs, inputs)
    elif isinstance(node, BuiltinCall):
        for arg in node.args:
            _walk(arg, sign if node.function != "abs" else 0, signs, inputs)
    elif isinstance(node, PluginCall):
        for arg in node.args:
            _walk(arg, 0, signs, inputs)
    elif isinstance(node, Aggregate):
        _walk(node.source, 0, signs, inputs)
        if node.item is not None:
            _walk(node.item, 0, signs, inputs)


def _ordered(awards: list[float]) -> int:
    """+1 if ``awards`` never rise along the list, -1 if they never fall, else 0."""
    if all(a >= b for a, b in itertools.pairwise(awards)):
        return 1
    if all(a <= b for a, b in itertools.pairwise(awards)):
        return -1
    return 0


def _bound(band: Band) -> float:
    bound = band.min if band.min is not None else band.max
    return 0.0 if bound is None else bound


def _scorer_sign(spec: object, value: TypedNode, inputs: Mapping[str, Input]) -> int:
    """Return the sign by which a larger indicator value moves a built-in scorer's award.

    0 when unknown: plugin scorers, integer lookups, awards that go up and down.
    """
    if isinstance(spec, LinearScorer):
        return _sign_of(spec.full_at - spec.zero_at)
    if isinstance(spec, ThresholdScorer):
        ascending = spec.bands[0].min is not None
        # most demanding band first: its award should be the largest
        bands = sorted(spec.bands, key=_bound, reverse=ascending)
        shape = _ordered([*(band.award for band in bands), spec.otherwise])
        return shape if ascending else -shape
    if isinstance(spec, TargetScorer | BooleanScorer):
        return 1
    if isinstance(spec, LookupScorer):
        return _lookup_sign(spec, value, inputs)
    return 0


def _lookup_sign(spec: LookupScorer, value: TypedNode, inputs: Mapping[str, Input]) -> int:
    """Levels and bools must earn more the better they are; integers only on a declared range."""
    if isinstance(value.type, LevelType):
        keys = value.type.levels
    elif value.type == BOOL:
        keys = ("true", "false")
    else:
        spec_of = inputs.get(value.name) if isinstance(value, InputRef) else None
        if spec_of is None or spec_of.min is None or spec_of.max is None:
            return 0
        if spec_of.max - spec_of.min > _LOOKUP_RANGE:
            return 0
        keys = tuple(
            str(number) for number in range(math.floor(spec_of.max), math.ceil(spec_of.min) - 1, -1)
        )
    # best first: awards that never rise towards the worst value grow with the value
    return _ordered([spec.table.get(key, spec.otherwise) for key in keys])


def _signs(framework: Framework) -> _Signs:
    compiled = framework.compiled
    declared = framework.definition.inputs
    specs = {
        indicator.id: indicator.scorer
        for criterion in framework.definition.criteria
        for indicator in criterion.indicators
    }
    signs: _Signs = {}
    for indicator in compiled.indicators:
        spec = specs[indicator.id]
        _walk(
            indicator.value.tree,
            _scorer_sign(spec, indicator.value.tree, declared),
            signs,
            declared,
        )
        form = indicator.scorer.form
        if isinstance(form, Ratio) and isinstance(form.goal, CompiledExpression):
            _walk(form.goal.tree, 0, signs, declared)
    for tier in compiled.tiers:
        for gate in tier.gates:
            _walk(gate.expression.tree, 1, signs, declared)
    for rule in compiled.rules:
        _walk(rule.expression.tree, -1, signs, declared)
    return signs


def infer_directions(framework: Framework) -> dict[str, Direction]:
    """Return the direction of every scalar input on which all the framework's rules agree.

    An input gets a direction when every use of it pulls the same way: the scorers it feeds
    (linear; thresholds and lookups whose awards only rise, or only fall, with the bands, the
    levels, the bools or a declared integer range; targets; boolean), through the expressions
    between (sums, differences, products and quotients by constants or by inputs declared
    non-negative, comparisons, ``not``, ``and``, ``or``, ``min``, ``max``, ``clamp``, and ``==``
    against a bool, the best or worst level or the input's declared ``min`` or ``max``), and
    the gates it helps pass and the rules it helps avoid. Inputs read by plugin functions or
    scorers, by aggregates, by ``if`` conditions, by ``abs``, by target expressions or by other
    equality tests, or that pull both ways, get none. The weighting is assumed never to lower
    the total when a criterion scores more, as the built-in ones do.
    """
    scalar = {name for name, spec in framework.definition.inputs.items() if spec.type in _SCALAR}
    return {
        name: "increasing" if found == {1} else "decreasing"
        for name, found in sorted(_signs(framework).items())
        if name in scalar and found in ({1}, {-1})
    }


def _directions(
    framework: Framework,
    increasing: Iterable[str],
    decreasing: Iterable[str],
    infer: bool,
) -> dict[str, Direction]:
    declared = framework.definition.inputs
    given: dict[str, Direction] = {}
    wanted: tuple[tuple[Direction, Iterable[str]], ...] = (
        ("increasing", increasing),
        ("decreasing", decreasing),
    )
    for direction, names in wanted:
        for name in [names] if isinstance(names, str) else names:
            spec = declared.get(name)
            if spec is None:
                hint = did_you_mean(name, list(declared)) or f"inputs: {', '.join(declared)}"
                raise ValueError(f"framework {framework.ref} has no input {name!r} ({hint})")
            if spec.type not in _SCALAR:
                raise ValueError(f"input {name!r} is a {spec.type}: it has no direction")
            if given.get(name, direction) != direction:
                raise ValueError(f"input {name!r} is given as both increasing and decreasing")
            given[name] = direction
    return {**(infer_directions(framework) if infer else {}), **given}


# ---------------------------------------------------------------- monotonicity


def _number(score: float) -> str:
    """Show a score to the 1e-9 it is rounded to, without trailing zeros."""
    text = f"{score:.9f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _rank(framework: Framework, name: str, value: Any) -> float:
    """Return ``value`` of input ``name`` as a number that grows as the value goes up."""
    spec = framework.definition.inputs[name]
    if spec.type == "level":
        return -(spec.levels or ()).index(value)
    return float(value)


@attrs.frozen
class MonotonicityViolation:
    """Improving ``input`` from ``worse_value`` to ``better_value`` lowered the tier or score.

    ``inputs`` are the other inputs, ``worse`` and ``better`` the two results.
    """

    input: str
    direction: Direction
    worse_value: Any
    better_value: Any
    inputs: Mapping[str, Any]
    worse: Result
    better: Result

    @property
    def message(self) -> str:
        """Say which input moved, between which values, and what it did to the tier and score."""
        worse, better = self.worse, self.better
        assert worse.score is not None  # noqa: S101  only results with a score are compared
        assert better.score is not None  # noqa: S101
        scores = f"{_number(worse.score)} to {_number(better.score)}"
        if worse.tier != better.tier:
            effect = f"lowered the tier from {worse.tier!r} to {better.tier!r} (score {scores})"
        else:
            effect = f"lowered the score from {scores} (tier {better.tier!r} both times)"
        moved = f"from {self.worse_value!r} to {self.better_value!r}"
        lines = [f"improving input {self.input!r} ({self._better()}) {moved} {effect}"]
        if better.reasons:
            codes = ", ".join(f"{reason.code} ({reason.kind})" for reason in better.reasons)
            lines.append(f"  reasons after: {codes}")
        others = ", ".join(f"{name}={value!r}" for name, value in self.inputs.items())
        lines.append(f"  other inputs: {others or 'none'}")
        return "\n".join(lines)

    def _better(self) -> str:
        increasing = self.direction == "increasing"
        if isinstance(self.worse_value, bool):
            return "true is better" if increasing else "false is better"
        if isinstance(self.worse_value, str):
            return "earlier levels are better" if increasing else "later levels are better"
        return "higher is better" if increasing else "lower is better"

    def __str__(self) -> str:
        """Return :attr:`message`."""
        return self.message


class _Refused(Exception):  # noqa: N818  a signal, not an error: the example is skipped
    """A variant's inputs were refused or its evaluation failed."""


def _evaluate(framework: Framework, values: Mapping[str, Any]) -> Result:
    try:
        return framework.evaluate(values)
    except (DataError, EvaluationError) as error:
        raise _Refused from error


def _lowered(worse: Result, better: Result, tiers: tuple[str, ...]) -> bool:
    """Whether ``better`` has a lower tier or score than ``worse`` (both must have a score)."""
    if worse.score is None or better.score is None:
        return False
    if tiers.index(str(better.tier)) > tiers.index(str(worse.tier)):
        return True
    return better.score < worse.score - _TOLERANCE * max(1.0, abs(worse.score))


def _compare(
    framework: Framework,
    values: Mapping[str, Any],
    name: str,
    direction: Direction,
    pair: tuple[Any, Any],
) -> MonotonicityViolation | None:
    """Compare the results of ``values`` with input ``name`` set to each of ``pair``.

    Raises :class:`_Refused` when either variant is refused or fails to evaluate.
    """
    low, high = sorted(pair, key=lambda value: _rank(framework, name, value))
    worse_value, better_value = (low, high) if direction == "increasing" else (high, low)
    worse = _evaluate(framework, {**values, name: worse_value})
    better = _evaluate(framework, {**values, name: better_value})
    if not _lowered(worse, better, framework.tiers):
        return None
    others = {key: value for key, value in values.items() if key != name}
    return MonotonicityViolation(name, direction, worse_value, better_value, others, worse, better)


def _better_values(
    framework: Framework,
    name: str,
    value: Any,
    direction: Direction,
    boundaries: Mapping[str, tuple[float, ...]],
) -> list[Any]:
    """Values of input ``name`` better than ``value``, nearest first.

    They are its boundary values, its declared bound and a step away; every better level; or
    the other bool.
    """
    spec = framework.definition.inputs[name]
    if spec.type == "level":
        candidates: list[Any] = list(spec.levels or ())
    elif spec.type == "bool":
        candidates = [False, True]
    else:
        integer = spec.type == "integer"
        candidates = [*boundaries.get(name, ()), *nudge(value, integer=integer)]
        candidates += [bound for bound in (spec.min, spec.max) if bound is not None]
        candidates = [
            int(candidate) if integer else candidate
            for candidate in candidates
            if math.isfinite(candidate)
            and (spec.min is None or candidate >= spec.min)
            and (spec.max is None or candidate <= spec.max)
        ]
    here = _rank(framework, name, value)
    better = [
        candidate
        for candidate in dict.fromkeys(candidates)
        if (_rank(framework, name, candidate) - here) * (1 if direction == "increasing" else -1) > 0
    ]
    return sorted(better, key=lambda candidate: abs(_rank(framework, name, candidate) - here))


def check_monotonic(
    framework: Framework,
    inputs: Mapping[str, Any],
    *,
    increasing: Iterable[str] = (),
    decreasing: Iterable[str] = (),
    infer: bool = True,
) -> tuple[MonotonicityViolation, ...]:
    """Improve each directed input of ``inputs`` in turn and return what lowered tier or score.

    Directions come from ``increasing`` and ``decreasing`` (input names) and, with ``infer``,
    from :func:`infer_directions` for the other inputs. Each directed input present in
    ``inputs`` is moved to every better value among its boundary values, its declared bound
    and a step away (every better level; true or false). Variants that are refused or fail to
    evaluate, and units without a score, are skipped. Raises ``ValueError`` for an unknown or
    non-scalar input name.
    """
    directions = _directions(framework, increasing, decreasing, infer)
    boundaries = boundary_values(framework, given=inputs)
    found: list[MonotonicityViolation] = []
    for name, direction in directions.items():
        value = inputs.get(name)
        if value is None:
            continue
        for candidate in _better_values(framework, name, value, direction, boundaries):
            try:
                violation = _compare(framework, inputs, name, direction, (value, candidate))
            except _Refused:
                continue
            if violation is not None:
                found.append(violation)
    return tuple(found)


def assert_monotonic(
    framework: Framework,
    inputs: Mapping[str, Any],
    *,
    increasing: Iterable[str] = (),
    decreasing: Iterable[str] = (),
    infer: bool = True,
) -> None:
    """Like :func:`check_monotonic`; raise ``AssertionError`` with every violation found."""
    violations = check_monotonic(
        framework, inputs, increasing=increasing, decreasing=decreasing, infer=infer
    )
    if violations:
        raise AssertionError("\n".join(violation.message for violation in violations))


def _varies(framework: Framework, name: str) -> bool:
    spec = framework.definition.inputs[name]
    if spec.type == "level":
        return len(spec.levels or ()) > 1
    return spec.type == "bool" or spec.min is None or spec.max is None or spec.min < spec.max


def _apply(test: Any, settings: hypothesis.settings | None) -> Any:
    """Run ``test`` under ``settings`` (else the current profile), without a deadline by default.

    Drawing a unit and its boundary values is our work, not the caller's, so hypothesis's
    health check on slow data generation is off; a machine under load is no failure either.
    """
    base = settings if settings is not None else hypothesis.settings(deadline=None)
    suppressed = (*base.suppress_health_check, hypothesis.HealthCheck.too_slow)
    return hypothesis.settings(base, suppress_health_check=suppressed)(test)


def _draw_pair(
    draw: st.DrawFn,
    framework: Framework,
    name: str,
    values: st.SearchStrategy[Any],
    unit: Mapping[str, Any],
) -> tuple[Any, Any]:
    """Draw two values of input ``name``; its boundary values where ``unit`` is, mixed in.

    Bools are always ``(False, True)`` and levels two different ones; numbers may come out
    equal, which the comparison then skips.
    """
    spec = framework.definition.inputs[name]
    if spec.type == "bool":
        return False, True
    if spec.type == "level":
        levels = spec.levels or ()
        first = draw(st.integers(0, len(levels) - 2))
        return levels[first], levels[draw(st.integers(first + 1, len(levels) - 1))]
    near = boundary_values(framework, given=unit).get(name, ())

    def pick() -> Any:
        use_near: bool = bool(near) and draw(st.booleans())
        return draw(st.sampled_from(near)) if use_near else draw(values)

    return pick(), pick()


def assert_always_monotonic(
    framework: Framework,
    *,
    increasing: Iterable[str] = (),
    decreasing: Iterable[str] = (),
    infer: bool = True,
    overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
    settings: hypothesis.settings | None = None,
) -> None:
    """Search with hypothesis for an input whose improvement lowers the tier or score.

    Draws a unit's inputs (:func:`~.strategies.inputs`, with ``overrides``), a directed input
    and two values for it (its boundary values where the other inputs are mixed in), and
    compares the results with the worse and the better value. Fails with the shrunk example's
    :class:`MonotonicityViolation` message. Examples whose inputs are refused or fail to
    evaluate are rejected; units without a score are not compared. The search runs under
    ``settings`` (a ``hypothesis.settings``) or else the current profile without a deadline,
    and never fails the health check on slow data generation. Raises ``ValueError`` when no
    input has a direction.
    """
    directions = _directions(framework, increasing, decreasing, infer)
    names = sorted(name for name in directions if _varies(framework, name))
    if not names:
        raise ValueError(
            f"no input of {framework.ref} has a direction to check: "
            "name them with increasing=[...] or decreasing=[...]"
        )
    units = strategies.inputs(framework, overrides=overrides)
    values = {name: input_values(framework, name) for name in names}

    @st.composite
    def changes(draw: st.DrawFn) -> tuple[dict[str, Any], str, tuple[Any, Any]]:
        unit = draw(units)
        name = draw(st.sampled_from(names))
        return unit, name, _draw_pair(draw, framework, name, values[name], unit)

    @hypothesis.given(changes())
    def improving_an_input_never_lowers_the_result(
        change: tuple[dict[str, Any], str, tuple[Any, Any]],
    ) -> None:
        values, name, pair = change
        if pair[0] == pair[1]:
            return
        try:
            violation = _compare(framework, values, name, directions[name], pair)
        except _Refused:
            hypothesis.reject()
        if violation is not None:
            raise AssertionError(violation.message)

    _apply(improving_an_input_never_lowers_the_result, settings)()


# ---------------------------------------------------------------- determinism and bounds


def check_deterministic(framework: Framework, inputs: Mapping[str, Any]) -> tuple[str, ...]:
    """Evaluate ``inputs`` twice (the second time from a copy) and say how the results differ."""
    first = framework.evaluate(inputs)
    second = framework.evaluate(dict(inputs))
    if first == second:
        return ()
    differences = [
        f"{field.name}: {getattr(first, field.name)!r} then {getattr(second, field.name)!r}"
        for field in attrs.fields(Result)
        if getattr(first, field.name) != getattr(second, field.name)
    ]
    return tuple(f"the same inputs gave different results, {line}" for line in differences)


def _out_of_bounds(result: Result, tiers: tuple[str, ...]) -> Iterator[str]:
    if result.score is None:
        return
    if not -_TOLERANCE <= result.score <= result.max_score * (1 + _TOLERANCE):
        yield f"score {result.score!r} is outside 0 .. {result.max_score:g}"
    for criterion in result.criteria:
        if not -_TOLERANCE <= criterion.score <= criterion.max_score * (1 + _TOLERANCE):
            yield (
                f"criterion {criterion.id!r} scored {criterion.score!r}, "
                f"outside 0 .. {criterion.max_score:g}"
            )
        for indicator in criterion.indicators:
            if not -_TOLERANCE <= indicator.points <= indicator.max_points * (1 + _TOLERANCE):
                yield (
                    f"indicator {indicator.id!r} earned {indicator.points!r}, "
                    f"outside 0 .. {indicator.max_points:g}"
                )
    if tiers.index(str(result.tier)) < tiers.index(str(result.band_tier)):
        yield f"tier {result.tier!r} is above the tier of the score alone, {result.band_tier!r}"


def check_in_bounds(framework: Framework, inputs: Mapping[str, Any]) -> tuple[str, ...]:
    """Evaluate ``inputs`` and say what is out of bounds.

    The score must be within 0 .. max_score, each criterion's score and each indicator's
    points within 0 and their maximum, and the tier no better than the tier of the score alone.
    """
    return tuple(_out_of_bounds(framework.evaluate(inputs), framework.tiers))


def assert_always_consistent(
    framework: Framework,
    *,
    missing: bool = False,
    overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
    settings: hypothesis.settings | None = None,
) -> None:
    """Search with hypothesis for inputs that evaluate differently twice or out of bounds.

    Runs :func:`check_deterministic` and :func:`check_in_bounds` on inputs from
    :func:`~.strategies.inputs` (with ``missing`` and ``overrides``); inputs that are refused or
    fail to evaluate are rejected. Fails with the shrunk example's problems. ``settings`` as
    for :func:`assert_always_monotonic`.
    """
    units = strategies.inputs(framework, missing=missing, overrides=overrides)

    @hypothesis.given(units)
    def evaluation_is_deterministic_and_in_bounds(values: dict[str, Any]) -> None:
        try:
            problems = (
                *check_deterministic(framework, values),
                *check_in_bounds(framework, values),
            )
        except (DataError, EvaluationError):
            hypothesis.reject()
        if problems:
            raise AssertionError("\n".join(problems))

    _apply(evaluation_is_deterministic_and_in_bounds, settings)()
