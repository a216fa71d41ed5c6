"""``criterion("ID").points``, ``.max`` and ``.share`` in gates, vetoes and caps."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import criteriakit
from criteriakit.errors import ExpressionSyntaxError, FrameworkError
from criteriakit.expressions import NUMBER, compile_expression

SMALL = (Path(__file__).parent / "data" / "good" / "small.toml").read_text(encoding="utf-8")


def gated(require: str, *, policy: str = "") -> criteriakit.Framework:
    text = SMALL.replace('require = "done >= planned"', f"require = {require!r}")
    if policy:
        text = text.replace('subject = "unit"', f'subject = "unit"\n\n[policy]\n{policy}')
    return criteriakit.loads_framework(text, source="gated.toml")


def both_engines(framework, rows):
    """Each row's (score, band tier, tier, reasons) from the scalar and the columnar engine."""
    scalar = [framework.evaluate(row, f"u{index}") for index, row in enumerate(rows)]
    frame = pl.DataFrame([{"id": f"u{index}", **row} for index, row in enumerate(rows)])
    table = criteriakit.evaluate_frame(framework, frame, unit_column="id")
    columnar = list(table.select("score", "band_tier", "tier", "reasons").iter_rows())
    return [(r.score, r.band_tier, r.tier, list(r.reason_codes)) for r in scalar], columnar


def test_a_gate_reads_the_criterion_as_the_result_shows_it():
    framework = gated('criterion("a").share >= 0.9')
    result = framework.evaluate({"done": 3, "planned": 4, "ok": True}, "u")  # a: 85 / 100
    assert (result.band_tier, result.tier) == ("good", "poor")
    [reason] = result.reasons
    assert reason.values == {'criterion("a").share': 0.85}
    assert 'criterion("a").share = 0.85' in result.explain()
    assert framework.evaluate({"done": 4, "planned": 4, "ok": True}, "u").tier == "good"


def test_with_an_indicator_excluded_the_points_are_on_the_total_s_scale():
    # ok missing and excluded: a.1 alone scores 45 of 60, shown as 75 of 100 (as the total)
    framework = gated(
        'criterion("a").points >= 75 and criterion("a").max == 100 and criterion("a").share == 0.75',
        policy='missing_input = "exclude"',
    )
    result = framework.evaluate({"done": 3, "planned": 4}, "u")
    assert (result.score, result.tier) == (75.0, "good")
    assert result.criterion("a").score == 75.0
    scalar, columnar = both_engines(framework, [{"done": 3, "planned": 4, "ok": None}])
    assert [tuple(row[:3]) for row in scalar] == [tuple(row[:3]) for row in columnar]


def test_both_engines_agree_around_the_bounds():
    framework = gated(
        'criterion("a").share >= 0.8 or criterion("a").points > 99',
        policy='missing_input = "exclude"',
    )
    rows = [
        {"done": done, "planned": planned, "ok": ok}
        for planned in (1, 3, 4, 5, 7)
        for done in range(planned + 1)
        for ok in (True, False, None)
    ]
    scalar, columnar = both_engines(framework, rows)
    assert [tuple(row) for row in scalar] == [(s, b, t, list(r)) for s, b, t, r in columnar]


def test_a_veto_on_a_criterion():
    text = SMALL.replace('when = "done == 0"', "when = 'criterion(\"a\").points < 50'")
    framework = criteriakit.loads_framework(text, source="veto.toml")
    result = framework.evaluate({"done": 1, "planned": 4, "ok": True}, "u")  # a: 15 + 40 = 55
    assert result.reason_codes == ()
    result = framework.evaluate({"done": 1, "planned": 4, "ok": False}, "u")  # a: 15
    assert result.reason_codes == ("nothing-done",)
    assert result.reasons[0].values == {'criterion("a").points': 15.0}


@pytest.mark.parametrize(
    ("where", "text", "message"),
    [
        (
            "value",
            'criterion("a").share',
            'criterion("…") is only available in gates, vetoes and caps',
        ),
        ("require", 'criterion("z").share >= 1', "unknown criterion 'z'"),
        ("require", 'criterion("a").score >= 1', "a criterion has no field 'score'"),
        (
            "require",
            'criterion("a") >= 1',
            'criterion("ID") is read by a field: .points, .max or .share',
        ),
    ],
)
def test_mistakes_are_located(where, text, message):
    source = SMALL
    if where == "value":
        source = source.replace('value = "done / planned"', f"value = {text!r}")
    else:
        source = source.replace('require = "done >= planned"', f"require = {text!r}")
    with pytest.raises(FrameworkError) as caught:
        criteriakit.loads_framework(source, source="bad.toml")
    assert any(message in problem.message for problem in caught.value.problems), caught.value


@pytest.mark.parametrize("text", ["members.score", "f(x).share", "(a).b", "criterion(a).share"])
def test_other_attribute_access_is_still_refused(text):
    with pytest.raises(ExpressionSyntaxError, match="attribute access is not supported") as caught:
        compile_expression(text, {"members": NUMBER, "a": NUMBER, "x": NUMBER})
    assert caught.value.offset == text.index(".")
