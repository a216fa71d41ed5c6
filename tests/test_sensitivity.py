"""Weight margins: how far each criterion's weight can move before a unit's tier changes."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

import criteriakit
from criteriakit.cli import build_cli
from criteriakit.errors import FrameworkError

SMALL = (Path(__file__).parent / "data" / "good" / "small.toml").read_text(encoding="utf-8")
TWO = (
    SMALL.replace(
        '[[tiers]]\nid = "good"',
        '[[criteria]]\nid = "b"\ntitle = "B"\npoints = 50\n\n[[criteria.indicators]]\nid = "b.1"\n'
        'title = "Extra"\nvalue = "extra"\npoints = 50\nscorer = { type = "linear", zero_at = 0, '
        'full_at = 10 }\n\n[[tiers]]\nid = "good"',
        1,
    )
    .replace("points = 100", "points = 50", 1)
    .replace("points = 60", "points = 30")
    .replace("points = 40", "points = 20")
    .replace("[inputs.ok]", '[inputs.extra]\ntype = "number"\n\n[inputs.ok]')
)


@pytest.fixture(scope="module")
def two():
    return criteriakit.loads_framework(TWO, source="two.toml")


def test_the_margins_are_where_the_score_meets_a_bound(two):
    # a: 30/30 + 20/20 (share 1), b: 4/10 of 50 (share 0.4); weights 0.5 and 0.5: score 70, good
    result = two.evaluate({"done": 4, "planned": 4, "ok": True, "extra": 4.0}, "u")
    assert (result.score, result.tier) == (70.0, "good")
    a, b = criteriakit.weight_margins(two, result)
    # score(x) = 100 (x * 1 + (1 - x) * 0.4) = 70 at x = 0.5; it stays >= 70 for x >= 0.5
    assert (a.criterion, a.weight, a.low, a.high, a.below, a.above) == (
        "a",
        0.5,
        0.5,
        1.0,
        "poor",
        None,
    )
    assert (b.criterion, b.weight, b.low, b.high, b.below, b.above) == (
        "b",
        0.5,
        0.0,
        0.5,
        None,
        "poor",
    )


def test_a_tier_capped_by_a_gate_holds_across_bands(two):
    # the gate good-all-done fails: the unit is poor whatever its score
    result = two.evaluate({"done": 3, "planned": 4, "ok": True, "extra": 10.0}, "u")
    assert (result.band_tier, result.tier) == ("good", "poor")
    for margin in criteriakit.weight_margins(two, result):
        assert (margin.low, margin.high, margin.below, margin.above) == (0.0, 1.0, None, None)


def test_the_margins_agree_with_evaluating_at_the_moved_weights(two):
    """Moving a weight inside the margin keeps the tier; just past it, the tier is the one named."""
    inputs = {"done": 4, "planned": 4, "ok": True, "extra": 4.0}
    result = two.evaluate(inputs, "u")
    [a, b] = criteriakit.weight_margins(two, result)

    def tier_with_weight(weight: float) -> str:
        """Evaluate the unit with criterion a weighing ``weight`` (b the rest), written out."""
        a_points, rest = 100 * weight, 100 * (1 - weight)
        text = TWO.replace(
            'id = "a"\ntitle = "A"\npoints = 50', f'id = "a"\ntitle = "A"\npoints = {a_points!r}'
        )
        text = text.replace("points = 30", f"points = {0.6 * a_points!r}")
        text = text.replace("points = 20", f"points = {0.4 * a_points!r}")
        text = text.replace(
            'id = "b"\ntitle = "B"\npoints = 50', f'id = "b"\ntitle = "B"\npoints = {rest!r}'
        )
        text = text.replace('value = "extra"\npoints = 50', f'value = "extra"\npoints = {rest!r}')
        return criteriakit.loads_framework(text, source="moved.toml").evaluate(inputs, "u").tier

    assert (a.low, a.below, b.high, b.above) == (0.5, "poor", 0.5, "poor")
    assert tier_with_weight(a.low + 0.01) == result.tier == "good"
    assert tier_with_weight(a.low - 0.01) == a.below


def test_an_unevaluable_unit_has_no_margins():
    lenient = criteriakit.loads_framework(
        TWO.replace(
            'subject = "unit"', 'subject = "unit"\n\n[policy]\nmissing_input = "not-evaluable"'
        ),
        source="two.toml",
    )
    result = lenient.evaluate({"done": 4, "planned": 4, "ok": True}, "u")
    assert result.score is None
    assert criteriakit.weight_margins(lenient, result) == ()


def test_a_weighting_that_does_not_add_up_is_refused():
    geometric = criteriakit.loads_framework(
        TWO.replace('subject = "unit"', 'subject = "unit"\nweighting = "geometric"'),
        source="g.toml",
    )
    result = geometric.evaluate({"done": 4, "planned": 4, "ok": True, "extra": 4.0}, "u")
    with pytest.raises(FrameworkError, match="weight margins need an additive weighting"):
        criteriakit.weight_margins(geometric, result)


def test_the_command_prints_a_table_per_unit(tmp_path):
    framework = tmp_path / "two.toml"
    framework.write_text(TWO, encoding="utf-8")
    data = tmp_path / "units.csv"
    data.write_text("id,done,planned,ok,extra\nu1,4,4,yes,4\nu2,3,4,yes,10\n", encoding="utf-8")
    done = CliRunner().invoke(
        build_cli(), ["--no-autoload", "sensitivity", str(framework), str(data), "-u", "u1"]
    )
    assert done.exit_code == 0, done.output
    assert done.output == (
        "u1 · good (score 70)\n"
        "criterion  weight  holds from  to    below  above\n"
        "a          0.50    0.50        1     poor   —\n"
        "b          0.50    0           0.50  —      poor\n"
    )
    unknown = CliRunner().invoke(
        build_cli(), ["--no-autoload", "sensitivity", str(framework), str(data), "-u", "u9"]
    )
    assert unknown.exit_code == 2
    assert "no unit 'u9' in" in unknown.output


def test_the_example_in_the_docs_is_what_the_command_prints():
    docs = (Path(__file__).parent.parent / "docs" / "mcda.md").read_text(encoding="utf-8")
    block = docs.split(
        "$ criteriakit sensitivity vn.four-good-cell examples/four-good/cells.csv -u C01\n"
    )[1]
    shown = block.split("```")[0]
    root = Path(__file__).parent.parent
    frameworks = root / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
    done = CliRunner().invoke(
        build_cli(),
        [
            "--no-autoload",
            "--plugin-dir",
            str(frameworks),
            "sensitivity",
            "vn.four-good-cell",
            str(root / "examples/four-good/cells.csv"),
            "-u",
            "C01",
        ],
    )
    assert done.exit_code == 0, done.output
    assert done.output == shown


def test_each_indicator_s_weight_can_move_too(two):
    result = two.evaluate({"done": 4, "planned": 4, "ok": True, "extra": 4.0}, "u")
    margins = criteriakit.weight_margins(two, result, of="indicators")
    # a.1 (30 of 100, full): the others score 0.2 * 1 + 0.5 * 0.4 over 0.7, so 70 at x = 0.3
    assert [(m.criterion, m.weight, m.low, m.high, m.below, m.above) for m in margins] == [
        ("a.1", 0.3, pytest.approx(0.3), 1.0, "poor", None),
        ("a.2", 0.2, pytest.approx(0.2), 1.0, "poor", None),
        ("b.1", 0.5, 0.0, pytest.approx(0.5), None, "poor"),
    ]


def test_conditions_on_what_the_weights_move_are_refused():
    text = TWO.replace('require = "done >= planned"', "require = 'criterion(\"a\").points >= 40'")
    framework = criteriakit.loads_framework(text, source="points.toml")
    result = framework.evaluate({"done": 4, "planned": 4, "ok": True, "extra": 4.0}, "u")
    with pytest.raises(FrameworkError, match=r'read criterion\("a"\).points, which moving'):
        criteriakit.weight_margins(framework, result)
    shares = criteriakit.loads_framework(
        TWO.replace('require = "done >= planned"', "require = 'criterion(\"a\").share >= 0.5'"),
        source="shares.toml",
    )
    result = shares.evaluate({"done": 4, "planned": 4, "ok": True, "extra": 4.0}, "u")
    assert [m.low for m in criteriakit.weight_margins(shares, result)] == [0.5, 0.0]
    with pytest.raises(FrameworkError, match="share, which moving the weights of its indicators"):
        criteriakit.weight_margins(shares, result, of="indicators")


RANKED = """\
id = "test.ranked-margins"
version = "1"
title = "Ranked"
subject = "unit"

[inputs.a]
type = "number"
[inputs.b]
type = "number"

[[criteria]]
id = "a"
title = "A"
points = 50
[[criteria.indicators]]
id = "a.1"
title = "A"
value = "a"
points = 50
scorer = { type = "linear", zero_at = 0, full_at = 10 }

[[criteria]]
id = "b"
title = "B"
points = 50
[[criteria.indicators]]
id = "b.1"
title = "B"
value = "b"
points = 50
scorer = { type = "linear", zero_at = 0, full_at = 10 }

[[tiers]]
id = "top"
title = "Top"
min_score = 50

[[tiers]]
id = "rest"
title = "Rest"
min_score = 0

[ranking]
method = "METHOD"
"""

UNITS = {"u1": (10, 0), "u2": (7.5, 2.5), "u3": (2.5, 5)}
"""Scores at a's weight x: u1 100x, u2 25 + 50x, u3 50 - 25x; now (x = 0.5) 50, 50, 37.5."""


def ranked_results(method: str = "score"):
    from criteriakit.data import UnitRow  # noqa: PLC0415
    from criteriakit.scalar.batch import evaluate_rows  # noqa: PLC0415

    framework = criteriakit.loads_framework(RANKED.replace("METHOD", method))
    rows = [
        UnitRow(unit, {"a": a, "b": b}, row) for row, (unit, (a, b)) in enumerate(UNITS.items(), 1)
    ]
    return framework, evaluate_rows(framework, rows)


def test_rank_margins_are_where_two_units_scores_cross():
    from criteriakit.scalar.sensitivity import rank_margins  # noqa: PLC0415

    framework, results = ranked_results()
    u1, u2, u3 = results
    assert (u1.ranking.rank, u2.ranking.rank, u3.ranking.rank) == (1, 1, 3)
    # u2 ties u1 at x = 0.5: above it u1 passes u2 (100x > 25 + 50x); below it u2 stays first
    # until u3 passes it, below x = 1/3 (50 - 25x > 25 + 50x)
    (a, b) = rank_margins(framework, results, u2)
    assert (a.criterion, a.weight, a.below, a.above) == ("a", 0.5, 2, 2)
    assert a.low == pytest.approx(1 / 3)
    assert a.high == pytest.approx(0.5)
    assert (b.criterion, b.low, b.high) == ("b", pytest.approx(0.5), pytest.approx(2 / 3))
    (a1, _) = rank_margins(framework, results, u1)
    assert (a1.low, a1.high, a1.below, a1.above) == (pytest.approx(0.5), 1.0, 2, None)


def test_rank_margins_need_a_ranking():
    from criteriakit.scalar.sensitivity import rank_margins  # noqa: PLC0415

    _, results = ranked_results()
    plain = criteriakit.loads_framework(RANKED.replace('[ranking]\nmethod = "METHOD"', ""))
    with pytest.raises(FrameworkError, match="rank margins need a \\[ranking\\]"):
        rank_margins(plain, results, results[0])


@pytest.mark.parametrize("method", ["wsm", "wpm", "waspas", "topsis", "vikor"])
@pytest.mark.parametrize("of", ["criteria", "indicators"])
def test_multi_criteria_rank_margins_are_where_the_ranks_change(method, of):
    from criteriakit.scalar.ranking import method_scores, ranks  # noqa: PLC0415
    from criteriakit.scalar.sensitivity import PRECISION, rank_margins  # noqa: PLC0415

    framework, results = ranked_results(method)
    ranking = framework.compiled.ranking
    matrix = [[i.points / i.max_points for c in r.criteria for i in c.indicators] for r in results]

    def rank_of(position: int, a: float) -> float:  # a's weight a, b's 1 - a
        scores = method_scores(attrs.evolve(ranking, weights=(a, 1.0 - a)), matrix)
        return ranks(scores, higher_is_better=ranking.higher_is_better, ties=ranking.ties)[position]

    for position, result in enumerate(results):
        margins = rank_margins(framework, results, result, of=of)
        assert [m.criterion for m in margins] == (
            ["a", "b"] if of == "criteria" else ["a.1", "b.1"]
        )
        a = margins[0]
        assert a.weight == 0.5
        assert rank_of(position, a.weight) == result.ranking.rank
        for x in (a.low, (a.low + a.weight) / 2, a.high, (a.weight + a.high) / 2):
            assert rank_of(position, x) == result.ranking.rank  # holds between the margins
        if a.below is not None:  # and changes just past them, to the rank said
            assert rank_of(position, max(0.0, a.low - 2 * PRECISION)) == a.below
        if a.above is not None:
            assert rank_of(position, min(1.0, a.high + 2 * PRECISION)) == a.above
        b = margins[1]  # b's weight x is a's 1 - x: the same margins, mirrored
        assert (b.low, b.high) == (pytest.approx(1 - a.high), pytest.approx(1 - a.low))
    assert any(
        m.below is not None or m.above is not None
        for r in results
        for m in rank_margins(framework, results, r, of=of)
    )  # some rank does change


@pytest.mark.parametrize("method", ["score", "topsis"])
def test_the_command_adds_the_rank_margins(tmp_path, method):
    framework = tmp_path / "ranked.toml"
    framework.write_text(RANKED.replace("METHOD", method), encoding="utf-8")
    data = tmp_path / "units.csv"
    data.write_text("id,a,b\n" + "".join(f"{u},{a},{b}\n" for u, (a, b) in UNITS.items()))
    result = CliRunner().invoke(
        build_cli(), ["--no-autoload", "sensitivity", str(framework), str(data), "-u", "u3"]
    )
    assert result.exit_code == 0, result.output
    assert "rank 3 of 3" in result.stdout
