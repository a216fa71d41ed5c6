"""``[weights] method = "entropy" | "critic" | "standard-deviation"``: weights the evaluated
units decide, the same in both engines, recorded on every result."""

from __future__ import annotations

import json

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

np = pytest.importorskip("numpy")

import criteriakit  # noqa: E402
from criteriakit import mcda  # noqa: E402
from criteriakit.cli import build_cli  # noqa: E402
from criteriakit.data import UnitRow  # noqa: E402
from criteriakit.errors import EvaluationError  # noqa: E402
from criteriakit.scalar.batch import evaluate_rows  # noqa: E402

ROWS = [(1, 5, 9), (3, 2, 8), (2, 7, 9), (5, 7, 7), (4, 1, 8)]


def text(criteria: str = "entropy", indicators: str = "critic") -> str:
    """Criteria x (indicators a, b) and y (indicator c), weighed by the methods given."""
    return f"""\
id = "test.data-weights"
version = "1"
title = "Data weights"
subject = "unit"
scale = "weights"

[inputs.a]
type = "number"
[inputs.b]
type = "number"
[inputs.c]
type = "number"

[weights]
method = "{criteria}"

[[criteria]]
id = "x"
title = "X"
[criteria.weights]
method = "{indicators}"
[[criteria.indicators]]
id = "a"
title = "A"
value = "a"
scorer = {{ type = "linear", zero_at = 0, full_at = 10 }}
[[criteria.indicators]]
id = "b"
title = "B"
value = "b"
scorer = {{ type = "linear", zero_at = 0, full_at = 10 }}

[[criteria]]
id = "y"
title = "Y"
[[criteria.indicators]]
id = "c"
title = "C"
value = "c"
weight = 1
scorer = {{ type = "linear", zero_at = 0, full_at = 10 }}

[[tiers]]
id = "top"
title = "Top"
min_score = 50
[[tiers]]
id = "rest"
title = "Rest"
min_score = 0
"""


def rows(values=ROWS) -> list[UnitRow]:
    return [
        UnitRow(f"u{index}", dict(zip("abc", row, strict=True)), index + 1)
        for index, row in enumerate(values)
    ]


@pytest.mark.parametrize("criteria", ["entropy", "critic", "standard-deviation"])
@pytest.mark.parametrize("indicators", ["entropy", "critic", "standard-deviation"])
def test_the_weights_are_mcdas_over_the_units_shares(criteria, indicators):
    loaded = criteriakit.loads_framework(text(criteria, indicators))
    results = evaluate_rows(loaded, rows())
    shares = np.array(ROWS, dtype=float) / 10  # each linear scorer's share
    within = mcda.weights(shares[:, :2], method=indicators)
    criterion_shares = np.column_stack([shares[:, :2] @ within, shares[:, 2]])
    across = mcda.weights(criterion_shares, method=criteria)
    notes = {note.scope: note for note in results[0].weights}
    assert list(notes) == ["criteria", "x"]
    assert notes["criteria"].method == criteria
    assert notes["criteria"].units == 5
    assert list(notes["criteria"].weights.values()) == pytest.approx(across, abs=1e-12)
    assert list(notes["x"].weights.values()) == pytest.approx(within, abs=1e-12)
    assert all(result.weights == results[0].weights for result in results)
    expected = 100 * (across[0] * criterion_shares[:, 0] + across[1] * criterion_shares[:, 1])
    assert [result.score for result in results] == pytest.approx(expected, abs=1e-8)


def test_both_engines_give_the_same_table_and_the_documents_round_trip(tmp_path):
    framework = tmp_path / "f.toml"
    framework.write_text(text(), encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text(
        "id,a,b,c\n" + "".join(f"u{i},{a},{b},{c}\n" for i, (a, b, c) in enumerate(ROWS))
    )
    outputs = [
        CliRunner().invoke(
            build_cli(),
            [
                "--no-autoload",
                "evaluate",
                str(framework),
                str(data),
                "--engine",
                engine,
                "--format",
                "csv",
            ],
        )
        for engine in ("scalar", "columnar")
    ]
    assert outputs[0].exit_code == 0, outputs[0].output
    assert outputs[0].stdout == outputs[1].stdout
    frame = pl.read_csv(data)
    assert criteriakit.evaluate_frame(criteriakit.load_framework(framework), frame)[
        "score"
    ].to_list() == [
        result.score for result in evaluate_rows(criteriakit.load_framework(framework), rows())
    ]
    documents = CliRunner().invoke(
        build_cli(), ["--no-autoload", "evaluate", str(framework), str(data), "--format", "json"]
    )
    first = json.loads(documents.stdout)["results"][0]
    assert [note["scope"] for note in first["weights"]] == ["criteria", "x"]
    assert criteriakit.Result.from_dict(first).to_dict() == first
    explained = CliRunner().invoke(
        build_cli(), ["--no-autoload", "explain", str(framework), str(data), "--unit", "u3"]
    )
    assert "Weights of the criteria by entropy over 5 units: x 0.94, y 0.06" in explained.stdout
    assert "Weights of the indicators of x by critic over 5 units" in explained.stdout


def test_too_few_or_alike_units_leave_equal_weights_and_say_why():
    loaded = criteriakit.loads_framework(text())
    (alone,) = evaluate_rows(loaded, rows(ROWS[:1]))
    assert alone.weights[0].note == "1 evaluable unit: too few to weigh by"
    assert dict(alone.weights[0].weights) == {"x": 0.5, "y": 0.5}
    alike = evaluate_rows(loaded, rows([(2, 2, 2), (2, 2, 2)]))
    assert alike[0].weights[0].note.startswith("equal weights: entropy weights are undefined")
    assert alike[0].score == 20.0


def test_one_unit_evaluated_alone_is_an_error():
    with pytest.raises(EvaluationError, match="its weights are decided by the units evaluated"):
        criteriakit.loads_framework(text()).evaluate({"a": 1, "b": 2, "c": 3})


def test_the_file_keeps_its_fingerprint():
    loaded = criteriakit.loads_framework(text())
    assert evaluate_rows(loaded, rows())[0].fingerprint == loaded.fingerprint


def test_a_data_weight_method_takes_no_judgements():
    bad = text().replace('method = "critic"', 'method = "critic"\norder = ["a", "b"]')
    with pytest.raises(
        criteriakit.FrameworkError, match="'order' does not apply to method 'critic'"
    ):
        criteriakit.loads_framework(bad)


def test_show_says_the_units_decide_the_weights(tmp_path):
    framework = tmp_path / "f.toml"
    framework.write_text(text(), encoding="utf-8")
    shown = CliRunner().invoke(build_cli(), ["--no-autoload", "show", str(framework)])
    assert "Criteria: (weighed by entropy over the units evaluated" in shown.stdout
    assert "(its indicators weighed by critic over the units evaluated" in shown.stdout


def test_reports_say_which_weights_the_units_decided(tmp_path):
    framework = tmp_path / "f.toml"
    framework.write_text(text(), encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text(
        "id,a,b,c\n" + "".join(f"u{i},{a},{b},{c}\n" for i, (a, b, c) in enumerate(ROWS))
    )
    for name in ("report.md", "report.html"):
        output = tmp_path / name
        result = CliRunner().invoke(
            build_cli(),
            ["--no-autoload", "report", str(framework), str(data), "-o", str(output)],
        )
        assert result.exit_code == 0, result.output
        shown = output.read_text(encoding="utf-8")
        assert "Weights of the criteria by entropy over 5 units: x 0.94, y 0.06" in shown


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.tuples(*(st.none() | st.integers(0, 12) | st.floats(0, 12) for _ in range(3))),
        max_size=10,
    ),
    criteria=st.sampled_from(["entropy", "critic", "standard-deviation"]),
    indicators=st.sampled_from(["entropy", "critic", "standard-deviation"]),
    policy=st.sampled_from(["zero", "not-evaluable", "exclude"]),
)
def test_both_engines_decide_the_same_weights(values, criteria, indicators, policy):
    loaded = criteriakit.loads_framework(
        text(criteria, indicators).replace(
            'scale = "weights"', f'scale = "weights"\n\n[policy]\nmissing_input = "{policy}"'
        )
    )
    units = [dict(zip("abc", row, strict=True)) for row in values]
    # a column no row gives is no column at all to a frame (docs/data.md): each is given once
    assume(all(any(unit[name] is not None for unit in units) for name in "abc"))
    rows_ = [
        UnitRow(f"u{i}", {k: v for k, v in unit.items() if v is not None}, i + 1)
        for i, unit in enumerate(units)
    ]
    scalar = evaluate_rows(loaded, rows_)
    frame = pl.DataFrame(
        {"id": [row.unit for row in rows_], **{k: [u[k] for u in units] for k in "abc"}},
        schema={"id": pl.String, "a": pl.Float64, "b": pl.Float64, "c": pl.Float64},
    )
    table = criteriakit.evaluate_frame(loaded, frame)
    assert [result.score for result in scalar] == table["score"].to_list()
    assert [result.tier for result in scalar] == table["tier"].to_list()
    assert all(result.explain() for result in scalar)  # a weight of 0 explains too


PARENTS = ["p1", "p1", "p2", "p2", "p2"]


def by_parent(values=ROWS, parents=PARENTS) -> list[UnitRow]:
    return [
        UnitRow(f"u{index}", dict(zip("abc", row, strict=True)), index + 1, parent)
        for index, (row, parent) in enumerate(zip(values, parents, strict=True))
    ]


def parent_text(criteria: str = "entropy", indicators: str = "critic") -> str:
    within = 'weights]\nwithin = "parent"\n'
    return text(criteria, indicators).replace("weights]\n", within)


@pytest.mark.parametrize("criteria", ["entropy", "critic", "standard-deviation"])
def test_each_parents_units_decide_their_own_weights(criteria):
    loaded = criteriakit.loads_framework(parent_text(criteria, "entropy"))
    results = evaluate_rows(loaded, by_parent())
    shares = np.array(ROWS, dtype=float) / 10
    for parent, members in (("p1", [0, 1]), ("p2", [2, 3, 4])):
        own = shares[members]
        within = mcda.weights(own[:, :2], method="entropy")
        criterion_shares = np.column_stack([own[:, :2] @ within, own[:, 2]])
        across = mcda.weights(criterion_shares, method=criteria)
        for member, row in zip(members, criterion_shares, strict=True):
            notes = {note.scope: note for note in results[member].weights}
            assert (notes["criteria"].within, notes["criteria"].parent) == ("parent", parent)
            assert notes["criteria"].units == len(members)
            assert list(notes["criteria"].weights.values()) == pytest.approx(across, abs=1e-12)
            assert list(notes["x"].weights.values()) == pytest.approx(within, abs=1e-12)
            assert results[member].score == pytest.approx(100 * (across @ row), abs=1e-8)
    assert results[0].weights != results[2].weights  # the two parents weigh differently


def test_per_parent_weights_agree_in_both_engines_and_are_explained(tmp_path):
    framework = tmp_path / "f.toml"
    framework.write_text(parent_text(), encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text(
        "id,parent,a,b,c\n"
        + "".join(
            f"u{i},{parent},{a},{b},{c}\n"
            for i, ((a, b, c), parent) in enumerate(zip(ROWS, PARENTS, strict=True))
        )
    )
    outputs = [
        CliRunner().invoke(
            build_cli(),
            ["--no-autoload", "evaluate", str(framework), str(data), "--engine", engine],
        )
        for engine in ("scalar", "columnar")
    ]
    assert outputs[0].exit_code == 0, outputs[0].output
    assert outputs[0].stdout == outputs[1].stdout
    documents = CliRunner().invoke(
        build_cli(), ["--no-autoload", "evaluate", str(framework), str(data), "--format", "json"]
    )
    first = json.loads(documents.stdout)["results"][0]
    assert first["weights"][0]["within"] == "parent"
    assert first["weights"][0]["parent"] == "p1"
    assert criteriakit.Result.from_dict(first).to_dict() == first
    explained = CliRunner().invoke(
        build_cli(), ["--no-autoload", "explain", str(framework), str(data), "--unit", "u3"]
    )
    assert "Weights of the criteria by entropy over the 3 units of p2:" in explained.stdout


def test_show_says_each_parents_units_decide_the_weights(tmp_path):
    framework = tmp_path / "f.toml"
    framework.write_text(parent_text(), encoding="utf-8")
    shown = CliRunner().invoke(build_cli(), ["--no-autoload", "show", str(framework)])
    assert "Criteria: (weighed by entropy over each parent's units" in shown.stdout


def test_units_without_a_parent_decide_weights_among_themselves():
    loaded = criteriakit.loads_framework(parent_text())
    results = evaluate_rows(loaded, by_parent(parents=["p1", "p1", None, None, None]))
    assert [r.weights[0].units for r in results] == [2, 2, 3, 3, 3]
    assert results[2].weights[0].parent is None
    assert results[2].weights == results[4].weights


def test_within_applies_to_weights_the_units_decide_only():
    bad = text("rank-sum", "critic").replace(
        'method = "rank-sum"', 'method = "rank-sum"\norder = ["x", "y"]\nwithin = "parent"'
    )
    with pytest.raises(
        criteriakit.FrameworkError, match="'within' does not apply to method 'rank-sum'"
    ):
        criteriakit.loads_framework(bad)


def test_the_weights_the_units_decide_are_decided_over_one_kind_of_group():
    mixed = text().replace('method = "critic"', 'method = "critic"\nwithin = "parent"')
    with pytest.raises(criteriakit.FrameworkError) as error:
        criteriakit.loads_framework(mixed)
    problem = error.value.problems[0]
    assert "decide weights within 'parent' here but within 'all' in [weights]" in problem.message
    assert problem.path == "criteria[0].weights.within"
    assert 'within = "all"' in (problem.hint or "")


def test_a_method_ranking_all_units_cannot_use_each_parents_weights():
    ranked = parent_text() + '\n[ranking]\nmethod = "topsis"\n'
    with pytest.raises(criteriakit.FrameworkError, match="each parent's units decide their own"):
        criteriakit.loads_framework(ranked)
    by_score = criteriakit.loads_framework(parent_text() + '\n[ranking]\nmethod = "score"\n')
    results = evaluate_rows(by_score, by_parent())
    assert sorted(result.ranking.rank for result in results) == [1, 2, 3, 4, 5]
    within = criteriakit.loads_framework(
        parent_text() + '\n[ranking]\nmethod = "topsis"\nwithin = "parent"\n'
    )
    frame = pl.DataFrame(
        {"id": [f"u{i}" for i in range(5)], "parent": PARENTS}
        | {name: [float(row[k]) for row in ROWS] for k, name in enumerate("abc")}
    )
    table = criteriakit.evaluate_frame(within, frame)
    scalar = evaluate_rows(within, by_parent())
    assert table["rank"].to_list() == [result.ranking.rank for result in scalar]
    assert table["rank_score"].to_list() == [result.ranking.score for result in scalar]
    assert table["score"].to_list() == [result.score for result in scalar]
