"""What a result is expected to be, how a result differs from it, and assertion helpers.

A failed assertion says what differed (``tier: expected 'excellent', got 'good'``) and then
summarises the result: its score, band and final tier, every reason with the values that
decided it, and the indicators that lost points, so that the failure alone tells a rule author
what went wrong. The case runner (:mod:`criteriakit.testing.runner`) compares results with the
same :func:`compare`, so case files and Python tests fail with the same words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import attrs

from criteriakit._problems import KeyPath, did_you_mean, format_key_path
from criteriakit.expressions.formatting import format_value
from criteriakit.model.results import Result

__all__ = [
    "DEFAULT_TOLERANCE",
    "Expectation",
    "Mismatch",
    "assert_band_tier",
    "assert_points",
    "assert_reasons",
    "assert_result",
    "assert_score",
    "assert_tier",
    "compare",
    "describe_result",
    "failure_message",
]

DEFAULT_TOLERANCE = 1e-9
"""How far a score or indicator's points may be from the expected number: scores are rounded to
1e-9, so an expectation worked out by hand matches whatever order the sum was taken in."""

_EXPECTATION_KEYS = (
    "tier",
    "band_tier",
    "score",
    "reasons",
    "points",
    "evaluable",
    "rank",
    "awards",
    "error",
)


@attrs.frozen(kw_only=True)
class Expectation:
    """What one unit's result must be; ``None`` leaves that part unchecked.

    ``score`` and ``points`` (by indicator id) match within ``tolerance`` (``None``: the
    default, 1e-9); ``reasons`` is the exact set of reason codes, in any order; ``rank`` the
    unit's place by the framework's ``[ranking]`` (units evaluated together); ``awards`` the
    exact set of ids of the ``[[awards]]`` the unit earns over its case's history (decided by
    the case runner, not by :func:`compare`). ``error`` is
    for case files: evaluating must fail with an error whose message contains it, so it goes
    with no other expectation and :func:`compare` ignores it.
    """

    tier: str | None = None
    band_tier: str | None = None
    score: float | None = None
    tolerance: float | None = None
    reasons: tuple[str, ...] | None = None
    points: dict[str, float] | None = None
    evaluable: bool | None = None
    rank: float | None = None
    awards: tuple[str, ...] | None = None
    error: str | None = None

    @property
    def checks(self) -> tuple[str, ...]:
        """The names of the expectations given (``tolerance`` only qualifies them).

        An empty ``points`` table checks nothing; an empty ``reasons`` says there are none.
        """
        return tuple(
            key
            for key in _EXPECTATION_KEYS
            if getattr(self, key) is not None and (key != "points" or self.points)
        )


@attrs.frozen
class Mismatch:
    """One way a result differs from its expectation.

    ``key`` is the expectation's key path (``("tier",)`` or ``("points", "1.2")``), by which a
    case file finds the line of the expectation; ``message`` says what was expected and got.
    """

    key: KeyPath
    message: str

    def render(self) -> str:
        """Return ``key: message``, as failures show it."""
        return f"{format_key_path(self.key)}: {self.message}"


def _number(value: float) -> str:
    """Show a score or points exactly as far as they are kept (9 decimals), no trailing zeros."""
    text = f"{value:.9f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _close(actual: float | None, expected: float, tolerance: float) -> bool:
    return actual is not None and math.isclose(actual, expected, rel_tol=0.0, abs_tol=tolerance)


def _tier(tier: str | None) -> str:
    return repr(tier) if tier is not None else "none (not evaluable)"


def codes(found: Iterable[str]) -> str:
    """Return ids as a case failure lists them: ``[a, b]``."""
    return "[" + ", ".join(found) + "]"


def _reasons_mismatch(expected: tuple[str, ...], result: Result) -> Mismatch | None:
    actual = result.reason_codes
    if set(expected) == set(actual):
        return None
    missing = [code for code in dict.fromkeys(expected) if code not in actual]
    unexpected = [code for code in dict.fromkeys(actual) if code not in expected]
    details = []
    if missing:
        details.append(f"missing {', '.join(missing)}")
    if unexpected:
        details.append(f"unexpected {', '.join(unexpected)}")
    message = f"expected {codes(expected)}, got {codes(actual)}: {'; '.join(details)}"
    return Mismatch(("reasons",), message)


def _points_mismatches(
    expected: Mapping[str, float], result: Result, tolerance: float
) -> list[Mismatch]:
    mismatches = []
    known = [indicator.id for criterion in result.criteria for indicator in criterion.indicators]
    for indicator_id, points in expected.items():
        key = ("points", indicator_id)
        try:
            indicator = result.indicator(indicator_id)
        except KeyError:
            hint = did_you_mean(indicator_id, known)
            message = f"the framework has no indicator {indicator_id!r}" + (
                f"; {hint}" if hint else ""
            )
            mismatches.append(Mismatch(key, message))
            continue
        if not _close(indicator.points, points, tolerance):
            message = (
                f"expected {_number(points)}, got {_number(indicator.points)}"
                f" of {_number(indicator.max_points)}"
            )
            mismatches.append(Mismatch(key, message))
    return mismatches


def compare(result: Result, expected: Expectation) -> tuple[Mismatch, ...]:
    """Return every way ``result`` differs from ``expected``, in a fixed order.

    The order is: evaluable, score, band tier, tier, reasons, points in the order given, rank.
    """
    tolerance = DEFAULT_TOLERANCE if expected.tolerance is None else expected.tolerance
    mismatches: list[Mismatch] = []
    if expected.evaluable is not None and result.evaluable != expected.evaluable:
        mismatches.append(
            Mismatch(
                ("evaluable",),
                f"expected {str(expected.evaluable).lower()}, got {str(result.evaluable).lower()}",
            )
        )
    if expected.score is not None and not _close(result.score, expected.score, tolerance):
        got = "none (not evaluable)" if result.score is None else _number(result.score)
        message = f"expected {_number(expected.score)} ± {tolerance:g}, got {got}"
        mismatches.append(Mismatch(("score",), message))
    for key, want, got_tier in (
        ("band_tier", expected.band_tier, result.band_tier),
        ("tier", expected.tier, result.tier),
    ):
        if want is not None and want != got_tier:
            mismatches.append(Mismatch((key,), f"expected {want!r}, got {_tier(got_tier)}"))
    if expected.reasons is not None:
        reasons = _reasons_mismatch(expected.reasons, result)
        if reasons is not None:
            mismatches.append(reasons)
    if expected.points is not None:
        mismatches.extend(_points_mismatches(expected.points, result, tolerance))
    if expected.rank is not None:
        got_rank = None if result.ranking is None else result.ranking.rank
        if got_rank != expected.rank:
            shown = "none (not ranked)" if got_rank is None else _number(got_rank)
            message = f"expected {_number(expected.rank)}, got {shown}"
            mismatches.append(Mismatch(("rank",), message))
    return tuple(mismatches)


def describe_result(result: Result) -> str:
    """Summarise a result for a failure message, one fact a line.

    The first line gives the unit (if any), the score and the band and final tiers; then one
    line per reason with its kind, tier, message and the values that decided it; then the
    indicators that earned less than their maximum.
    """
    score = (
        "not evaluable"
        if result.score is None
        else f"{_number(result.score)} / {_number(result.max_score)}"
    )
    head = "result" + (f" for unit {result.unit!r}" if result.unit is not None else "")
    lines = [
        f"{head}: score {score}, band tier {result.band_tier or 'none'}, final tier {result.tier or 'none'}"
    ]
    for reason in result.reasons:
        kind = reason.code if reason.kind == reason.code else f"{reason.kind} {reason.code}"
        tier = f" (tier {reason.tier})" if reason.tier else ""
        values = ", ".join(
            f"{name} = {format_value(value)}" for name, value in reason.values.items()
        )
        lines.append(f"  {kind}{tier}: {reason.message}" + (f"; {values}" if values else ""))
    lost = [
        f"{indicator.id} {_number(indicator.points)} / {_number(indicator.max_points)}"
        + (f" ({indicator.status}: {indicator.note})" if indicator.status != "scored" else "")
        for criterion in result.criteria
        for indicator in criterion.indicators
        if indicator.status != "scored" or indicator.points < indicator.max_points - 1e-9
    ]
    if lost:
        lines.append(f"  points lost: {', '.join(lost)}")
    return "\n".join(lines)


def failure_message(result: Result, mismatches: Iterable[Mismatch]) -> str:
    """Return the mismatches, one a line, then the summary of the result."""
    return "\n".join([*(mismatch.render() for mismatch in mismatches), describe_result(result)])


def _check(result: Result, expected: Expectation) -> None:
    __tracebackhide__ = True
    if not expected.checks:
        raise ValueError("nothing to check: give at least one expectation")
    mismatches = compare(result, expected)
    if mismatches:
        raise AssertionError(failure_message(result, mismatches))


def assert_result(
    result: Result,
    *,
    tier: str | None = None,
    band_tier: str | None = None,
    score: float | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    reasons: Iterable[str] | None = None,
    points: Mapping[str, float] | None = None,
    evaluable: bool | None = None,
) -> None:
    """Assert everything given about ``result`` at once; every difference is reported.

    ``reasons`` is the exact set of reason codes (``()`` for none); ``score`` and ``points``
    (indicator id → points) match within ``tolerance``. Raises :class:`AssertionError`.
    """
    __tracebackhide__ = True
    _check(
        result,
        Expectation(
            tier=tier,
            band_tier=band_tier,
            score=score,
            tolerance=tolerance,
            reasons=None if reasons is None else tuple(reasons),
            points=None if points is None else dict(points),
            evaluable=evaluable,
        ),
    )


def assert_tier(result: Result, tier: str) -> None:
    """Assert the final tier, e.g. ``assert_tier(result, "good")``."""
    __tracebackhide__ = True
    _check(result, Expectation(tier=tier))


def assert_band_tier(result: Result, tier: str) -> None:
    """Assert the tier the score alone gives, before vetoes, caps, gates and quotas."""
    __tracebackhide__ = True
    _check(result, Expectation(band_tier=tier))


def assert_score(result: Result, score: float, *, tolerance: float = DEFAULT_TOLERANCE) -> None:
    """Assert the score within ``tolerance`` (1e-9 by default)."""
    __tracebackhide__ = True
    _check(result, Expectation(score=score, tolerance=tolerance))


def assert_reasons(result: Result, *codes: str) -> None:
    """Assert the exact set of reason codes; ``assert_reasons(result)`` asserts there are none."""
    __tracebackhide__ = True
    _check(result, Expectation(reasons=codes))


def assert_points(
    result: Result, points: Mapping[str, float], *, tolerance: float = DEFAULT_TOLERANCE
) -> None:
    """Assert some indicators' points, by indicator id: ``{"1.2": 3, "4.1": 7}``."""
    __tracebackhide__ = True
    _check(result, Expectation(points=dict(points), tolerance=tolerance))
