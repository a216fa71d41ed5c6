"""``[weights]``: weights a framework file derives by AHP or from a ranking, not written per entry."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

pytest.importorskip("numpy")

from published_cases import AHP_CASES

import criteriakit
from criteriakit import mcda
from criteriakit.errors import FrameworkError

JUDGEMENTS = [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]


def framework_text(
    weights: str = f'method = "ahp"\njudgements = {JUDGEMENTS}',
    *,
    criterion_weights: str = 'method = "rank-order-centroid"\norder = ["s2", "s1"]',
    scale: str = "weights",
    cost_weight: str = "",
) -> str:
    """A framework of three criteria weighed by ``weights``, the second's indicators by
    ``criterion_weights``."""
    return f"""\
id = "test.weighed"
version = "1"
title = "Weighed"
subject = "unit"
scale = "{scale}"

[inputs.a]
type = "number"
[inputs.b]
type = "number"
[inputs.c]
type = "number"

[weights]
{weights}

[[criteria]]
id = "quality"
title = "Quality"
[[criteria.indicators]]
id = "q"
title = "Q"
value = "a"
weight = 1
scorer = {{ type = "linear", zero_at = 0, full_at = 10 }}

[[criteria]]
id = "speed"
title = "Speed"
[criteria.weights]
{criterion_weights}
[[criteria.indicators]]
id = "s1"
title = "S1"
value = "b"
scorer = {{ type = "linear", zero_at = 0, full_at = 10 }}
[[criteria.indicators]]
id = "s2"
title = "S2"
value = "c"
scorer = {{ type = "linear", zero_at = 0, full_at = 10 }}

[[criteria]]
id = "cost"
title = "Cost"
{cost_weight}
[[criteria.indicators]]
id = "k"
title = "K"
value = "a"
weight = 1
scorer = {{ type = "linear", zero_at = 10, full_at = 0 }}

[[tiers]]
id = "good"
title = "Good"
min_score = 50
[[tiers]]
id = "poor"
title = "Poor"
"""


def maxima(framework):
    return {criterion.id: criterion.max_score for criterion in framework.compiled.criteria}


def test_ahp_weighs_the_criteria_and_a_ranking_the_indicators():
    framework = criteriakit.loads_framework(framework_text(), source="weighed.toml")
    expected = mcda.ahp(JUDGEMENTS).weights * 100
    assert list(maxima(framework).values()) == pytest.approx(expected.tolist())
    centroid = mcda.weights(ranks=[2, 1], method="rank-order-centroid")  # s2 first: s1 ranks 2
    speed = framework.compiled.indicators[1:3]
    assert [indicator.max_points for indicator in speed] == pytest.approx(
        (centroid * expected[1]).tolist()
    )
    result = framework.evaluate({"a": 5.0, "b": 10.0, "c": 0.0}, "u")
    assert result.score == pytest.approx(
        0.5 * expected[0] + centroid[0] * expected[1] + 0.5 * expected[2]
    )


def test_the_columnar_engine_uses_the_same_weights():
    framework = criteriakit.loads_framework(framework_text(), source="weighed.toml")
    frame = pl.DataFrame({"id": ["u1", "u2"], "a": [5.0, 9.0], "b": [10.0, 1.0], "c": [0.0, 7.5]})
    table = criteriakit.evaluate_frame(framework, frame, unit_column="id")
    rows = frame.drop("id").to_dicts()
    scalar = [
        framework.evaluate(row, unit).score for row, unit in zip(rows, frame["id"], strict=True)
    ]
    assert table["score"].to_list() == scalar


@pytest.mark.parametrize("method", ["equal", "rank-sum"])
def test_other_methods(method):
    weights = f'method = "{method}"' + (
        '\norder = ["cost", "quality", "speed"]' if method == "rank-sum" else ""
    )
    framework = criteriakit.loads_framework(framework_text(weights), source="weighed.toml")
    expected = {"equal": [100 / 3] * 3, "rank-sum": [200 / 6, 100 / 6, 300 / 6]}[method]
    assert list(maxima(framework).values()) == pytest.approx(expected)


def test_a_published_ahp_case_through_a_framework_file():
    case = next(case for case in AHP_CASES if case["name"] == "saaty-2008-drinks")
    size = len(case["matrix"])
    ids = [f"d{index}" for index in range(size)]
    criteria = "\n".join(
        f'[[criteria]]\nid = "{entry}"\ntitle = "{entry}"\n[[criteria.indicators]]\nid = "{entry}.1"\n'
        f'title = "x"\nvalue = "a"\nweight = 1\nscorer = {{ type = "linear", zero_at = 0, full_at = 1 }}\n'
        for entry in ids
    )
    text = (
        'id = "test.drinks"\nversion = "1"\ntitle = "Drinks"\nsubject = "unit"\nscale = "weights"\n'
        '[inputs.a]\ntype = "number"\n[weights]\nmethod = "ahp"\n'
        f"judgements = {case['matrix']}\n"
        f"{criteria}\n"
        '[[tiers]]\nid = "all"\ntitle = "All"\n'
    )
    framework = criteriakit.loads_framework(text, source="drinks.toml")
    shares = [value / 100 for value in maxima(framework).values()]
    half = 0.5 * 10 ** -case["decimals"]
    assert shares == pytest.approx(case["weights"], abs=half + 1e-12)


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        (
            framework_text(
                'method = "ahp"\njudgements = [[1, 9, 0.1111111111111111], '
                "[0.1111111111111111, 1, 9], [9, 0.1111111111111111, 1]]"
            ),
            "weights.judgements",
            "the judgements are inconsistent: consistency ratio 6.131 > 0.1; reconsider 'quality' against 'speed' is 9",
        ),
        (
            framework_text('method = "ahp"'),
            "weights.judgements",
            "missing required key 'judgements'",
        ),
        (
            framework_text('method = "ahp"\njudgements = [[1, 2], [0.5, 1]]'),
            "weights.judgements",
            "judgements has 2 rows for 3 entries (quality, speed, cost)",
        ),
        (
            framework_text(criterion_weights='method = "rank-sum"\norder = ["s2", "s3"]'),
            "criteria[1].weights.order",
            "'s3' is not one of the weighed ids",
        ),
        (
            framework_text(criterion_weights='method = "rank-sum"\norder = ["s2", "s2"]'),
            "criteria[1].weights.order",
            "order names 's2' twice",
        ),
        (
            framework_text(criterion_weights='method = "rank-sum"'),
            "criteria[1].weights.order",
            "missing required key 'order'",
        ),
        (
            framework_text('method = "equal"\norder = ["cost"]'),
            "weights.order",
            "'order' does not apply to method 'equal'",
        ),
        (
            framework_text(cost_weight="weight = 0.2"),
            "criteria[2].weight",
            "'weight' is derived by [weights]",
        ),
        (framework_text(scale="points"), "weights", "derived weights need the weights scale"),
        (framework_text('method = "topsis"'), "weights.method", "expected one of"),
    ],
)
def test_problems_are_located_in_the_weights_table(text, path, message):
    with pytest.raises(FrameworkError) as caught:
        criteriakit.loads_framework(text, source="weighed.toml")
    found = [(problem.path, problem.message) for problem in caught.value.problems]
    assert any(where == path and message in said for where, said in found), found


def test_a_framework_without_weights_keeps_its_fingerprint():
    small = Path(__file__).parent.parent / "data" / "good" / "small.toml"
    assert (
        criteriakit.load_framework(small).fingerprint
        == "sha256:527536358a4930efeae63021f69b9571e5595104cfe0dc6b60ecb611c4b14c47"
    )


def test_show_says_where_the_weights_come_from(tmp_path):
    from click.testing import CliRunner  # noqa: PLC0415

    from criteriakit.cli import build_cli  # noqa: PLC0415

    path = tmp_path / "weighed.toml"
    path.write_text(framework_text(), encoding="utf-8")
    shown = CliRunner().invoke(build_cli(), ["--no-autoload", "show", str(path)]).output
    assert "Criteria: (weighed by ahp, consistency ratio 0.003)" in shown
    assert "speed Speed — 22.97 (its indicators weighed by rank-order-centroid)" in shown


def test_without_numpy_the_weights_table_says_which_extra_computes_them(monkeypatch):
    import sys  # noqa: PLC0415

    monkeypatch.setitem(sys.modules, "numpy", None)  # as if NumPy were not installed
    with pytest.raises(FrameworkError) as caught:
        criteriakit.loads_framework(framework_text(), source="weighed.toml")
    problems = {(problem.path, problem.message, problem.hint) for problem in caught.value.problems}
    assert (
        "weights.method",
        "[weights] method 'ahp' needs NumPy, which is not installed",
        "pip install 'criteriakit[mcda]'",
    ) in problems


def test_every_result_says_where_its_derived_weights_came_from():
    result = criteriakit.loads_framework(framework_text()).evaluate({"a": 5, "b": 3, "c": 2})
    criteria, speed = result.weights
    assert (criteria.scope, criteria.method, criteria.units) == ("criteria", "ahp", None)
    expected = mcda.ahp(JUDGEMENTS).weights
    assert list(criteria.weights.values()) == pytest.approx(list(expected))
    assert (speed.scope, speed.method, dict(speed.weights)) == (
        "speed",
        "rank-order-centroid",
        {"s1": 0.25, "s2": 0.75},
    )
    explained = result.explain()
    assert "Weights of the criteria by ahp: quality 0.65, speed 0.23, cost 0.12" in explained
    assert "Weights of the indicators of speed by rank-order-centroid: s1 0.25, s2 0.75" in (
        explained
    )
    assert criteriakit.Result.from_dict(result.to_dict()) == result
