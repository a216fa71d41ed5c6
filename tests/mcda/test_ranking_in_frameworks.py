"""``[ranking]``: units ranked within a group, the same in both engines, and published cases
reproduced through framework files (relative scorers normalise, the ranking scores)."""

from __future__ import annotations

import math

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from published_cases import RANKING_CASES

import criteriakit
from criteriakit.cli import build_cli
from criteriakit.data import UnitRow
from criteriakit.errors import FrameworkError
from criteriakit.scalar.batch import evaluate_rows
from criteriakit.scalar.ranking import ranks

LOG10_SCORES = {"enwiki-wpm-skcriteria"}
"""Cases whose reference prints log10 of the WPM product (scikit-criteria's convention)."""


def case_framework(case: dict) -> criteriakit.Framework:
    """A framework file for a published case: one relative indicator per column."""
    normalisation = case["normalisation"] or "minmax"  # VIKOR reads raw values: min-max alike
    lines = [
        'id = "test.published"',
        'version = "1"',
        'title = "Published"',
        'subject = "alternative"',
        'scale = "weights"',
    ]
    columns = range(len(case["types"]))
    total = sum(case["weights"])  # a file's weights add up to 1
    lines += [f'[inputs.c{j}]\ntype = "number"' for j in columns]
    lines += ["[[criteria]]", 'id = "all"', 'title = "All"', "weight = 1"]
    for j in columns:
        direction = "cost" if case["types"][j] < 0 else "benefit"
        lines += [
            "[[criteria.indicators]]",
            f'id = "i{j}"',
            f'title = "C{j}"',
            f'value = "c{j}"',
            f"weight = {case['weights'][j] / total!r}",
            (
                f'scorer = {{ type = "relative", normalisation = "{normalisation}", '
                f'direction = "{direction}" }}'
            ),
        ]
    lines += ["[[tiers]]", 'id = "all"', 'title = "All"', "min_score = 0"]
    lines += ["[ranking]", f'method = "{case["method"]}"']
    balance = case["params"].get("lambda", case["params"].get("v"))
    if balance is not None:
        lines.append(f"balance = {balance!r}")
    return criteriakit.loads_framework("\n".join(lines) + "\n")


def rows_of(case: dict) -> list[UnitRow]:
    return [
        UnitRow(f"a{index}", {f"c{j}": value for j, value in enumerate(row)}, index + 1)
        for index, row in enumerate(case["matrix"])
    ]


def frame_of(case: dict) -> pl.DataFrame:
    columns = {"id": [f"a{index}" for index in range(len(case["matrix"]))]}
    for j in range(len(case["types"])):
        columns[f"c{j}"] = [float(row[j]) for row in case["matrix"]]
    return pl.DataFrame(columns)


REPRODUCIBLE = [
    case for case in RANKING_CASES if case["normalisation"] or case["method"] == "vikor"
]


@pytest.mark.parametrize("case", REPRODUCIBLE, ids=lambda case: case["name"])
def test_a_published_case_is_reproduced_through_a_framework_file(case):
    loaded = case_framework(case)
    results = evaluate_rows(loaded, rows_of(case))
    table = criteriakit.evaluate_frame(loaded, frame_of(case))
    scalar = [(result.ranking.rank, result.ranking.score) for result in results]
    assert scalar == list(zip(table["rank"], table["rank_score"], strict=True))
    assert [rank for rank, _ in scalar] == case["ranks"]
    summed = math.isclose(sum(case["weights"]), 1.0, abs_tol=1e-6)
    if summed or case["method"] in ("topsis", "vikor"):  # else the scores scale with the sum
        scores = [score for _, score in scalar]
        if case["name"] in LOG10_SCORES:
            scores = [math.log10(score) for score in scores]
        assert scores == pytest.approx(case["scores"], rel=0, abs=case["atol"])
    assert {result.ranking.among for result in results} == {len(case["matrix"])}


RANKED = """\
id = "test.ranked"
version = "1"
title = "Ranked"
subject = "unit"

[inputs.a]
type = "number"
[inputs.b]
type = "number"

[policy]
missing_input = "{missing}"

[[criteria]]
id = "c"
title = "C"
points = 100

[[criteria.indicators]]
id = "a"
title = "A"
value = "a"
points = 60
scorer = {{ type = "linear", zero_at = 0, full_at = 10 }}

[[criteria.indicators]]
id = "b"
title = "B"
value = "b"
points = 40
scorer = {{ type = "linear", zero_at = 0, full_at = 10 }}

[[tiers]]
id = "top"
title = "Top"
min_score = 50

[[tiers]]
id = "rest"
title = "Rest"
min_score = 0

[ranking]
{ranking}
"""


def ranked(ranking: str, missing: str = "zero") -> criteriakit.Framework:
    return criteriakit.loads_framework(RANKED.format(ranking=ranking, missing=missing))


def both(loaded, units, parents=None):
    """Each unit's (rank, rank score) by the scalar engine, asserted equal to the columnar's."""
    parents = parents or [None] * len(units)
    rows = [
        UnitRow(f"u{index}", values, index + 1, parent=parent)
        for index, (values, parent) in enumerate(zip(units, parents, strict=True))
    ]
    scalar = [
        None if result.ranking is None else (result.ranking.rank, result.ranking.score)
        for result in evaluate_rows(loaded, rows)
    ]
    frame = pl.DataFrame(
        {
            "id": [row.unit for row in rows],
            "parent": parents,
            "a": [values.get("a") for values in units],
            "b": [values.get("b") for values in units],
        },
        schema={"id": pl.String, "parent": pl.String, "a": pl.Float64, "b": pl.Float64},
    )
    table = criteriakit.evaluate_frame(loaded, frame)
    columnar = [
        None if rank is None else (rank, score)
        for rank, score in zip(table["rank"], table["rank_score"], strict=True)
    ]
    assert scalar == columnar
    return scalar


UNITS = [{"a": 5, "b": 5}, {"a": 10, "b": 0}, {"a": 5, "b": 5}, {"a": 0, "b": 10}]


@pytest.mark.parametrize(
    ("ties", "expected"),
    [
        ("min", [2, 1, 2, 4]),
        ("dense", [2, 1, 2, 3]),
        ("ordinal", [2, 1, 3, 4]),
        ("average", [2.5, 1, 2.5, 4]),
    ],
)
def test_ties_by_score(ties, expected):
    # scores 50, 60, 50, 40
    found = both(ranked(f'ties = "{ties}"'), UNITS)
    assert [rank for rank, _ in found] == expected
    assert [score for _, score in found] == [50.0, 60.0, 50.0, 40.0]


def test_ranks_within_each_parent():
    found = both(ranked('within = "parent"'), UNITS, ["p", "p", "q", "q"])
    assert [rank for rank, _ in found] == [2, 1, 1, 2]


def test_topsis_ranks_by_closeness_to_the_best_shares():
    # shares (0.5, 0.5), (1, 0), (0.5, 0.5), (0, 1); weights 0.6, 0.4
    found = both(ranked('method = "topsis"'), UNITS)
    best = [
        math.sqrt((0.6 * (1 - a)) ** 2 + (0.4 * (1 - b)) ** 2)
        for a, b in [(0.5, 0.5), (1, 0), (0, 1)]
    ]
    worst = [math.sqrt((0.6 * a) ** 2 + (0.4 * b) ** 2) for a, b in [(0.5, 0.5), (1, 0), (0, 1)]]
    closeness = [w / (b + w) for b, w in zip(best, worst, strict=True)]
    assert [score for _, score in found] == pytest.approx(
        [closeness[0], closeness[1], closeness[0], closeness[2]], abs=1e-9
    )
    assert [rank for rank, _ in found] == [2, 1, 2, 4]


def test_vikor_ranks_the_lowest_q_first():
    found = both(ranked('method = "vikor"\nbalance = 0.5'), UNITS)
    assert [rank for rank, _ in found] == [2, 1, 2, 4]
    alike = both(ranked('method = "vikor"'), [{"a": 5, "b": 5}, {"a": 5, "b": 5}])
    assert alike == [(1, 0.0), (1, 0.0)]  # alike on every criterion: no regret, a tie


def test_units_not_evaluable_or_with_an_excluded_indicator_are_not_ranked():
    units = [{"a": 5, "b": 5}, {"a": 10}, {"a": 2, "b": 2}]
    assert both(ranked("", missing="not-evaluable"), units) == [(1, 50.0), None, (2, 20.0)]
    by_method = both(ranked('method = "wsm"', missing="exclude"), units)
    assert by_method[1] is None
    assert by_method[0][0] == 1
    assert both(ranked("", missing="exclude"), units)[1] == (1, 100.0)  # the score is rescaled


@pytest.mark.parametrize("balance", [0.0, 0.5])
@pytest.mark.parametrize("normalisation", ["none", "minmax"])
def test_a_unit_not_ranked_has_no_vikor_regret_where_the_others_are_alike(balance, normalisation):
    # u2's b is missing (excluded): its regret on a, where u0 and u1 are alike, is none at
    # all, not 0, so the others' individual regrets are min-maxed among themselves
    units = [{"a": 5, "b": 10}, {"a": 5, "b": 4}, {"a": 9}]
    ranking = f'method = "vikor"\nbalance = {balance}\nnormalisation = "{normalisation}"'
    found = both(ranked(ranking, missing="exclude"), units)
    assert found == [(1, 0.0), (2, 1.0), None]


def test_one_unit_evaluated_alone_is_not_ranked():
    assert ranked('method = "topsis"').evaluate({"a": 1, "b": 2}).ranking is None


def test_a_ranked_unit_explains_its_place_and_round_trips():
    loaded = ranked('method = "topsis"')
    results = evaluate_rows(
        loaded, [UnitRow(f"u{i}", values, i + 1) for i, values in enumerate(UNITS)]
    )
    assert "Rank 1 of 4 (topsis" in results[1].explain()
    plain = results[1].to_dict()
    assert plain["ranking"]["rank"] == 1
    assert plain["ranking"]["among"] == 4
    assert criteriakit.Result.from_dict(plain) == results[1]


@pytest.mark.parametrize(
    ("ranking", "message"),
    [
        ('method = "elect"', "method"),
        ('method = "wsm"\nbalance = 0.3', "balance weighs the two parts of waspas and vikor"),
        ('method = "waspas"\nbalance = 2', "balance must be between 0 and 1"),
        ('normalisation = "minmax"', "the score method ranks by the total"),
        ('ties = "first"', "ties"),
    ],
)
def test_a_bad_ranking_is_a_framework_error(ranking, message):
    with pytest.raises(FrameworkError, match=message):
        ranked(ranking)


@pytest.mark.parametrize("ties", ["min", "dense", "average", "ordinal"])
def test_plain_ranks_are_those_of_criteriakit_mcda(ties):
    mcda = pytest.importorskip("criteriakit.mcda")
    scores = [3.0, 1.0, 3.0, 2.0, 1.0, 5.0]
    for higher in (True, False):
        expected = mcda.ranks_of(scores, higher_is_better=higher, ties=ties).tolist()
        assert ranks(scores, higher_is_better=higher, ties=ties) == expected


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), min_size=1, max_size=12),
    method=st.sampled_from(["score", "wsm", "wpm", "waspas", "topsis", "vikor"]),
    ties=st.sampled_from(["min", "dense", "average"]),
    order=st.randoms(use_true_random=False),
)
def test_ranks_do_not_depend_on_the_order_of_the_rows(values, method, ties, order):
    loaded = ranked(f'method = "{method}"\nties = "{ties}"')
    units = [{"a": a, "b": b} for a, b in values]
    rows = [UnitRow(f"u{index}", unit, index + 1) for index, unit in enumerate(units)]
    shuffled = list(rows)
    order.shuffle(shuffled)
    first = {result.unit: result.ranking for result in evaluate_rows(loaded, rows)}
    second = {result.unit: result.ranking for result in evaluate_rows(loaded, shuffled)}
    assert first == second
    ranked_units = [rank for rank in first.values() if rank is not None]
    assert {rank.among for rank in ranked_units} <= {len(ranked_units)}


def test_the_report_gives_each_listed_unit_its_rank(tmp_path):
    framework = tmp_path / "ranked.toml"
    framework.write_text(RANKED.format(ranking='method = "topsis"', missing="zero"))
    data = tmp_path / "units.csv"
    data.write_text("id,a,b\n" + "".join(f"u{i},{u['a']},{u['b']}\n" for i, u in enumerate(UNITS)))
    output = tmp_path / "report.md"
    result = CliRunner().invoke(
        build_cli(), ["--no-autoload", "report", str(framework), str(data), "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert "Rank 1 of 4 (topsis 0.60)" in output.read_text(encoding="utf-8")
