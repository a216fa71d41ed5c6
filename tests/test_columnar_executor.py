"""The columnar executor gives the scalar executor's results: tiers, reasons, scores within 1e-9."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import criteriakit
from criteriakit.columnar.executor import evaluate_frame
from test_properties import FLAGS, NUMERIC, frameworks

ROOT = Path(__file__).resolve().parent.parent
CELL = (
    ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks/vn.four-good-cell.toml"
)
POLICIES = st.sampled_from(["zero", "exclude", "not-evaluable"])


def scalar_rows(
    framework: criteriakit.Framework, rows: list[dict[str, object]]
) -> list[tuple[object, ...]]:
    results = []
    for row in rows:
        result = framework.evaluate(
            {k: v for k, v in row.items() if k != "id" and v is not None}, unit=str(row["id"])
        )
        results.append(
            (
                result.unit,
                result.score,
                result.band_tier,
                result.tier,
                list(result.reason_codes),
            )
        )
    return results


def columnar_rows(
    framework: criteriakit.Framework, rows: list[dict[str, object]]
) -> list[tuple[object, ...]]:
    output = evaluate_frame(framework, pl.DataFrame(rows, infer_schema_length=None))
    assert isinstance(output, pl.DataFrame)
    return list(output.select("unit", "score", "band_tier", "tier", "reasons").iter_rows())


def assert_same(scalar: list[tuple[object, ...]], columnar: list[tuple[object, ...]]) -> None:
    assert len(scalar) == len(columnar)
    for left, right in zip(scalar, columnar, strict=True):
        assert left[0] == right[0]
        assert left[2:] == right[2:], (left, right)
        if left[1] is None or right[1] is None:
            assert left[1] == right[1]
        else:
            assert left[1] == pytest.approx(right[1], abs=1e-9)


rows_strategy = st.lists(
    st.fixed_dictionaries(
        {
            **{
                name: st.one_of(st.none(), st.floats(0, 100, allow_nan=False), st.integers(0, 100))
                for name in NUMERIC
            },
            **{name: st.one_of(st.none(), st.booleans()) for name in FLAGS},
        }
    ),
    min_size=1,
    max_size=8,
)


@given(frameworks(), rows_strategy, POLICIES, POLICIES)
def test_columnar_equals_scalar_on_random_frameworks(data, rows, missing, division):
    framework = criteriakit.framework_from_dict(
        {**data, "policy": {"missing_input": missing, "division_by_zero": division}}
    )
    units = [
        {
            "id": f"u{index}",
            **{
                k: (float(v) if isinstance(v, int) and not isinstance(v, bool) else v)
                for k, v in row.items()
            },
        }
        for index, row in enumerate(rows)
    ]
    assert_same(scalar_rows(framework, units), columnar_rows(framework, units))


def test_the_commune_cells_evaluate_the_same_way():
    framework = criteriakit.load_framework(CELL)
    frame = pl.read_csv(ROOT / "examples" / "four-good" / "cells.csv")
    truthy = {"yes": True, "no": False}
    bools = [name for name, spec in framework.definition.inputs.items() if spec.type == "bool"]
    frame = frame.with_columns(pl.col(name).replace_strict(truthy) for name in bools)
    rows = frame.to_dicts()
    assert_same(scalar_rows(framework, rows), columnar_rows(framework, rows))


def test_a_score_exactly_on_90_reaches_excellent_in_columns():
    framework = criteriakit.load_framework(CELL)
    row = {
        "id": "c",
        "targets_assigned": 10,
        "targets_met": 10,
        "targets_exceeded": 4,
        "action_plan_on_time": True,
        "mass_orgs_total": 3,
        "mass_orgs_good": 1,
        "meetings_held": 10,
        "attendance_rate": 0.95,
        "thematic_meetings": 4,
        "absence_rule_kept": True,
        "members_disciplined": 0,
        "half_years_approved": 2,
        "disunity_found": False,
        "members_rated": 15,
        "members_good_or_better": 15,
        "members_not_completed": 0,
        "admissions": 1,
        "months_evaluated": 4,
    }
    (result,) = columnar_rows(framework, [row])
    assert result[1:4] == (90.0, "excellent", "excellent")


def test_ids_repeated_among_valid_rows_are_refused_by_row():
    framework = criteriakit.load_framework(CELL)
    frame = pl.read_csv(ROOT / "examples" / "four-good" / "cells.csv")
    truthy = {"yes": True, "no": False}
    bools = [name for name, spec in framework.definition.inputs.items() if spec.type == "bool"]
    frame = frame.with_columns(pl.col(name).replace_strict(truthy) for name in bools)
    assert evaluate_frame(framework, frame).height == frame.height  # valid: no false alarm
    first = frame["id"][0]
    third = pl.int_range(pl.len()) == 2
    repeated = frame.with_columns(pl.when(third).then(pl.lit(first)).otherwise("id").alias("id"))
    with pytest.raises(criteriakit.DataError, match=rf"row 3: .*unit id '{first}' repeats row 1"):
        evaluate_frame(framework, repeated)


def test_ids_that_only_look_blank_to_the_quick_check_are_kept_and_blank_ones_refused():
    framework = criteriakit.load_framework(CELL)
    frame = pl.read_csv(ROOT / "examples" / "four-good" / "cells.csv").head(4)
    truthy = {"yes": True, "no": False}
    bools = [name for name, spec in framework.definition.inputs.items() if spec.type == "bool"]
    frame = frame.with_columns(pl.col(name).replace_strict(truthy) for name in bools)
    odd = frame.with_columns(pl.Series("id", [" c1", "\tc2", "#c3", "c4"]))  # all before "!"
    assert evaluate_frame(framework, odd)["unit"].to_list() == [" c1", "\tc2", "#c3", "c4"]
    blank = frame.with_columns(pl.Series("id", [" c1", " \t ", "#c3", ""]))
    with pytest.raises(criteriakit.DataError, match=r"2 data problems") as caught:
        evaluate_frame(framework, blank)
    assert [problem.row for problem in caught.value.problems] == [2, 4]


def test_policy_fail_raises_like_the_scalar_executor():
    framework = criteriakit.load_framework(CELL)
    columns = {name: [None] for name in framework.input_names}
    frame = pl.DataFrame({**columns, "id": ["c"], "targets_assigned": [0], "targets_met": [0]})
    with pytest.raises(criteriakit.EvaluationError, match=r"row 1: unit 'c': indicator 1\.1"):
        evaluate_frame(framework, frame)


def test_list_inputs_evaluate_the_same_way():
    member = criteriakit.load_framework(CELL.parent / "vn.four-good-member.toml")
    rows = [
        {
            "id": "m1",
            "monthly_scores": [80.0, 95.0, 91.0],
            "tasks_assigned": 4,
            "tasks_done": 4,
            "disciplined": False,
        },
        {
            "id": "m2",
            "monthly_scores": [60.0],
            "tasks_assigned": 4,
            "tasks_done": 2,
            "disciplined": False,
        },
        {
            "id": "m3",
            "monthly_scores": [99.0],
            "tasks_assigned": 2,
            "tasks_done": 2,
            "disciplined": True,
        },
    ]
    rows = [{"tasks_exceeded": None, **row} for row in rows]
    assert_same(scalar_rows(member, rows), columnar_rows(member, rows))


def test_blank_parent_ids_are_no_parent_for_quotas_and_in_the_table():
    member = criteriakit.load_framework(CELL.parent / "vn.four-good-member.toml")
    frame = pl.read_ndjson(ROOT / "examples" / "commune" / "members.jsonl").head(40)
    blanks = pl.Series("parent", [" ", "", "\t", None] * 10)
    without = evaluate_frame(member, frame.with_columns(parent=pl.lit(None, pl.String)))
    blank = evaluate_frame(member, frame.with_columns(blanks))
    assert blank["parent"].null_count() == 40
    assert blank.equals(without)  # one group of 40 for the quota, as with no parents at all
    demoted = blank.filter(pl.col("tier") != pl.col("band_tier"))
    assert demoted.height > 0


def test_reasons_beyond_one_mask_word_come_back_in_the_scalar_order(tmp_path):
    text = (ROOT / "tests" / "data" / "good" / "small.toml").read_text()
    rules = "".join(
        f'\n[[rules]]\nid = "r{n:03d}"\nwhen = "done == {n}"\nat_most = "poor"\nmessage = "{n}"\n'
        f'\n[[rules]]\nid = "s{n:03d}"\nwhen = "planned == {n}"\nat_most = "poor"\nmessage = "{n}"\n'
        for n in range(1, 66)
    )  # 131 rules with nothing-done: three words of reasons
    (tmp_path / "many.toml").write_text(text + rules)
    framework = criteriakit.load_framework(tmp_path / "many.toml")
    rows = [
        {"id": f"u{n}", "done": done, "planned": planned, "ok": True}
        for n, (done, planned) in enumerate([(0, 5), (1, 64), (65, 3), (70, 70), (62, 63), (1, 1)])
    ]
    expected = scalar_rows(framework, rows)
    assert [row[4] for row in expected][:3] == [
        ["nothing-done", "s005"],
        ["r001", "s064"],
        ["s003", "r065"],  # in the rules' order
    ]
    assert_same(expected, columnar_rows(framework, rows))


@pytest.mark.parametrize("lazy", [False, True])
def test_a_frame_in_thousands_of_pieces_gives_the_same_table_in_few(lazy):
    framework = criteriakit.load_framework(CELL)
    cells = pl.read_csv(ROOT / "examples" / "four-good" / "cells.csv")
    crumbs = pl.concat(
        [cells.with_columns(id=pl.format("c{}-{}", pl.lit(n), "id")) for n in range(300)]
    )
    assert max(crumbs.n_chunks("all")) == 300
    whole = evaluate_frame(framework, crumbs.rechunk())
    given = evaluate_frame(framework, crumbs.lazy() if lazy else crumbs)
    table = given.collect() if lazy else given
    assert table.equals(whole)
    assert max(table.n_chunks("all")) <= 256
