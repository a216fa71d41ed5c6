"""Hierarchies, quotas, data files and plugin fallbacks in the columnar executor."""

from __future__ import annotations

import runpy
import types
import warnings
from pathlib import Path

import polars as pl
import pytest

import criteriakit
from criteriakit import Registry
from criteriakit.columnar import (
    ColumnarFallbackWarning,
    combine_partials,
    evaluate_frame,
    evaluate_levels_frame,
    finish_rollups,
    partial_aggregations,
    rollup_partials,
)
from criteriakit.data import UnitRow, read_units, typed_files
from criteriakit.scalar.hierarchy import evaluate_levels

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
COMMUNE = ROOT / "examples" / "commune"
FILES = ("committees.csv", "cells.csv", "members.jsonl")
ROLLED = (
    "members_disciplined",
    "members_rated",
    "members_good_or_better",
    "members_not_completed",
    "months_evaluated",
)
CELLS = pl.read_csv(ROOT / "examples/four-good/cells.csv").with_columns(
    pl.col(name).replace_strict({"yes": True, "no": False})
    for name in ("action_plan_on_time", "absence_rule_kept", "disunity_found")
)


def member_columns(count: int) -> dict[str, list[object]]:
    """Return the columns of ``count`` good members."""
    one = {
        "monthly_scores": [90.0, 95.0],
        "tasks_assigned": 4,
        "tasks_done": 4,
        "tasks_exceeded": 1,
        "disciplined": False,
    }
    return {name: [value] * count for name, value in one.items()}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(autoload=False, plugin_dirs=[FRAMEWORKS])


@pytest.fixture(scope="module")
def scalar(registry):
    levels = [read_units(COMMUNE / name) for name in FILES]
    return evaluate_levels(registry.get("vn.four-good-committee", "2024"), levels)


@pytest.fixture(scope="module")
def columnar(registry):
    committee = registry.get("vn.four-good-committee", "2024")
    return evaluate_levels_frame(committee, [COMMUNE / name for name in FILES])


def rows_of(level) -> list[tuple[object, ...]]:
    return [
        (
            result.unit,
            result.score,
            result.band_tier,
            result.tier,
            list(result.reason_codes),
        )
        for result in level.results
    ]


def assert_same(expected, frame: pl.DataFrame) -> None:
    actual = list(frame.select("unit", "score", "band_tier", "tier", "reasons").iter_rows())
    assert len(expected) == len(actual)
    for left, right in zip(expected, actual, strict=True):
        assert left == right


def test_the_commune_hierarchy_equals_the_scalar_executor(scalar, columnar):
    for level, frame in zip(scalar, columnar, strict=True):
        assert_same(rows_of(level), frame)


def test_the_member_quota_demotes_the_same_members(scalar, columnar):
    members = columnar[2]
    demoted = members.filter(
        pl.col("reasons").list.contains("excellent-at-most-20-percent-of-good")
    )
    expected = [
        r.unit
        for r in scalar[2].results
        if "excellent-at-most-20-percent-of-good" in r.reason_codes
    ]
    assert demoted["unit"].to_list() == expected
    assert len(expected) > 10


def test_roll_ups_combine_from_partitions(registry):
    cell = registry.get("vn.four-good-cell", "2024")
    member = registry.get("vn.four-good-member", "2024")
    members = evaluate_frame(member, COMMUNE / "members.jsonl", keep_inputs=True)
    whole = finish_rollups(cell, rollup_partials(cell, members))
    parts = [rollup_partials(cell, part) for part in members.iter_slices(n_rows=50)]
    combined = finish_rollups(cell, combine_partials(cell, pl.concat(parts)))
    assert set(partial_aggregations(cell).values()) <= {"sum", "min", "max"}
    key = ["unit"]
    assert combined.sort(key).equals(whole.sort(key))
    assert len(parts) > 5


def test_roll_ups_need_the_childrens_results_as_evaluated(registry):
    cell = registry.get("vn.four-good-cell", "2024")
    member = registry.get("vn.four-good-member", "2024")
    members = evaluate_frame(member, COMMUNE / "members.jsonl", keep_inputs=True)
    for dropped in (["evaluable"], ["evaluable", "disciplined"]):
        with pytest.raises(criteriakit.DataError) as caught:
            rollup_partials(cell, members.drop(dropped))
        shown = ", ".join(repr(name) for name in dropped)
        assert f"the children's results have no column {shown}" in str(caught.value)
        assert "keep_inputs=True" in str(caught.value)


def test_inputs_from_pandas_pyarrow_and_parquet_come_back_in_kind(registry, tmp_path):
    pa = pytest.importorskip("pyarrow")
    cell = registry.get("vn.four-good-cell", "2024")
    expected = evaluate_frame(cell, ROOT / "examples/four-good/cells.csv")
    typed = pl.read_csv(ROOT / "examples/four-good/cells.csv").with_columns(
        pl.col(name).replace_strict({"yes": True, "no": False})
        for name, spec in cell.definition.inputs.items()
        if spec.type == "bool"
    )
    as_arrow = evaluate_frame(cell, typed.to_arrow())
    assert isinstance(as_arrow, pa.Table)
    assert pl.from_arrow(as_arrow).equals(expected)
    typed.write_parquet(tmp_path / "cells.parquet")
    assert evaluate_frame(cell, tmp_path / "cells.parquet").equals(expected)
    lazy = evaluate_frame(cell, typed.lazy())
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.collect().equals(expected)
    pd = pytest.importorskip("pandas")
    as_pandas = evaluate_frame(cell, typed.to_pandas())
    assert isinstance(as_pandas, pd.DataFrame)
    assert list(as_pandas["tier"]) == expected["tier"].to_list()


def test_a_parquet_file_too_large_once_decoded_is_refused_before_it_is_read(
    registry, tmp_path, monkeypatch
):
    pytest.importorskip("pyarrow")
    cell = registry.get("vn.four-good-cell", "2024")
    # a million equal rows: tens of kilobytes on disk, about 140 MB once decoded
    path = tmp_path / "bomb.parquet"
    CELLS.head(1).select(pl.all().repeat_by(1_000_000).explode()).write_parquet(path)
    assert path.stat().st_size < 100_000
    decoded = typed_files.decoded_size(path)
    assert decoded is not None
    assert 100_000_000 < decoded < 200_000_000
    monkeypatch.setattr(typed_files, "machine_memory", lambda: 64 * 2**20)
    read: list[object] = []
    monkeypatch.setattr(pl, "scan_parquet", read.append)
    with pytest.raises(criteriakit.DataError) as info:
        evaluate_frame(cell, path)
    (problem,) = info.value.problems
    assert problem.file == str(path)
    assert problem.message == (
        f"the file's values would take about {decoded / 2**20:,.0f} MiB once decoded, "
        "more than this machine's memory (64 MiB)"
    )
    assert problem.hint is not None
    assert "Spark or Dask" in problem.hint
    assert read == []  # refused from the metadata alone


def test_parquet_files_that_fit_or_cannot_be_measured_are_read(registry, tmp_path, monkeypatch):
    pytest.importorskip("pyarrow")
    cell = registry.get("vn.four-good-cell", "2024")
    path = tmp_path / "cells.parquet"
    CELLS.write_parquet(path)
    expected = evaluate_frame(cell, CELLS)
    monkeypatch.setattr(typed_files, "machine_memory", lambda: 64 * 2**20)
    assert evaluate_frame(cell, path).equals(expected)
    monkeypatch.setattr(typed_files, "machine_memory", lambda: None)  # the system does not say
    assert evaluate_frame(cell, path).equals(expected)
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"PAR1 not really")
    assert typed_files.decoded_size(junk) is None
    with pytest.raises(criteriakit.DataError, match=r"junk\.parquet: cannot read the parquet data"):
        evaluate_frame(cell, junk)


def test_bad_values_are_reported_by_row_and_column_as_the_scalar_reader_does(registry, tmp_path):
    cell = registry.get("vn.four-good-cell", "2024")
    lines = (ROOT / "examples/four-good/cells.csv").read_text().splitlines()
    header = lines[0].split(",")
    bad = lines[2].split(",")
    bad[header.index("targets_met")] = "ten"
    bad[header.index("attendance_rate")] = "150%"
    (tmp_path / "cells.csv").write_text("\n".join([lines[0], lines[1], ",".join(bad)]) + "\n")
    with pytest.raises(criteriakit.DataError) as info:
        evaluate_frame(cell, tmp_path / "cells.csv")
    messages = [(p.row, p.path, p.message) for p in info.value.problems]
    assert messages == [
        (2, "targets_met", "expected an integer, got 'ten'"),
        (2, "attendance_rate", "1.5 is above the maximum 1"),
    ]
    assert str(tmp_path / "cells.csv") in str(info.value)


def test_unknown_columns_repeated_and_missing_ids_are_refused(registry):
    cell = registry.get("vn.four-good-cell", "2024")
    with pytest.raises(criteriakit.DataError, match="unknown input 'targets_mett'") as info:
        evaluate_frame(cell, pl.DataFrame({"id": ["a"], "targets_mett": [1]}))
    assert "did you mean 'targets_met'" in str(info.value)
    noted = CELLS.head(1).with_columns(note=pl.lit("x"))
    assert evaluate_frame(cell, noted, unknown_inputs="ignore").height == 1
    with pytest.raises(criteriakit.DataError, match=r"row 2: id: unit id 'a' repeats row 1"):
        evaluate_frame(cell, CELLS.head(2).with_columns(id=pl.lit("a")))
    with pytest.raises(criteriakit.DataError, match="row 2: id: the unit id is missing or empty"):
        evaluate_frame(cell, CELLS.head(2).with_columns(id=pl.Series(["a", " "])))


def test_orphans_and_rolled_up_inputs_given_twice_are_refused(registry):
    cell = registry.get("vn.four-good-cell", "2024")
    cells = CELLS.head(1).drop(*ROLLED).with_columns(id=pl.lit("C1"))
    members = pl.DataFrame({**member_columns(2), "id": ["M1", "M2"], "parent": ["C1", "C9"]})
    with pytest.raises(criteriakit.DataError, match=r"unit 'M2' has parent 'C9', which is not in"):
        evaluate_levels_frame(cell, [cells, members])
    given = cells.with_columns(members_rated=pl.lit(3))
    message = "'members_rated' is rolled up from the members; the data gives it too"
    with pytest.raises(criteriakit.DataError, match=message):
        evaluate_levels_frame(cell, [given, members.head(1)])


@pytest.mark.parametrize("refuse", [False, True])
def test_orphans_and_refused_children_are_reported_as_the_scalar_executor_does(tmp_path, refuse):
    cell_text = (FRAMEWORKS / "vn.four-good-cell.toml").read_text()
    if refuse:
        cell_text = cell_text.replace(
            'name = "members"', 'name = "members"\nnot_evaluable = "fail"'
        )
    (tmp_path / "member.toml").write_text((FRAMEWORKS / "vn.four-good-member.toml").read_text())
    (tmp_path / "cell.toml").write_text(cell_text)
    cell = Registry.load(autoload=False, plugin_dirs=[tmp_path]).get("vn.four-good-cell")
    cells = CELLS.head(1).drop(*ROLLED).with_columns(id=pl.lit("C1"))
    parents = ["C1", None, "C9", "C1", "C8"] + ["C7"] * 60
    members = pl.DataFrame({**member_columns(len(parents)), "id": [f"M{n}" for n in range(65)]})
    members = members.with_columns(
        parent=pl.Series(parents),  # M3 and M4 have no months: not evaluable; M4 an orphan too
        monthly_scores=pl.Series([[90.0]] * 3 + [[], []] + [[90.0]] * 60),
    )
    with pytest.raises(criteriakit.DataError) as columnar:
        evaluate_levels_frame(cell, [cells, members])
    rows = [UnitRow(row.pop("id"), row, n) for n, row in enumerate(cells.to_dicts(), 1)]
    children = [
        UnitRow(row.pop("id"), row, n, parent=row.pop("parent"))
        for n, row in enumerate(members.to_dicts(), 1)
    ]
    with pytest.raises(criteriakit.DataError) as scalar:
        evaluate_levels(cell, [rows, children])
    assert str(columnar.value) == str(scalar.value)
    messages = [problem.message for problem in columnar.value.problems]
    assert messages[:3] == [
        "unit 'M1' has no parent",
        "unit 'M2' has parent 'C9', which is not in the level above",
        "unit 'M3' is not evaluable, and its parent's [children] say not_evaluable = \"fail\""
        if refuse
        else "unit 'M4' has parent 'C8', which is not in the level above",
    ]
    assert columnar.value.total == (64 if refuse else 63)


def test_a_parent_without_children_rolls_up_an_empty_set(registry):
    cell = registry.get("vn.four-good-cell", "2024")
    cells = CELLS.head(2).drop(*ROLLED).with_columns(id=pl.Series(["C1", "C2"]))
    members = pl.DataFrame({**member_columns(1), "id": ["M1"], "parent": ["C1"]})
    rows = [UnitRow(row.pop("id"), row, n) for n, row in enumerate(cells.to_dicts(), 1)]
    child = {name: values[0] for name, values in member_columns(1).items()}
    levels = [rows, [UnitRow("M1", child, 1, parent="C1")]]
    # C2 has no members: share(members, ...) is undefined, and the policy says "fail"
    message = r"row 2: unit 'C2': indicator 4\.1 \(Share of members rated good or better\)"
    with pytest.raises(criteriakit.EvaluationError, match=message) as columnar:
        evaluate_levels_frame(cell, [cells, members])
    with pytest.raises(criteriakit.EvaluationError, match=message) as scalar:
        evaluate_levels(cell, levels)
    assert str(columnar.value) == str(scalar.value)
    top, _ = evaluate_levels_frame(cell, [cells.head(1), members])
    scalar_top, _ = evaluate_levels(cell, [rows[:1], levels[1]])
    assert_same(rows_of(scalar_top), top)


def test_plugin_functions_without_a_builder_run_by_rows_with_a_warning():
    coal = pytest.importorskip("criteriakit_vn_coal")
    loaded = Registry.load(autoload=False, plugins=[("coal", coal)], plugin_dirs=[FRAMEWORKS])
    framework = loaded.get("vn.four-good-cell.coal-mining", "2024")
    cells = CELLS.with_columns(
        initiatives=pl.int_range(pl.len()) % 7,
        members=pl.int_range(pl.len()) % 5 + 1,
        members_with_initiative=pl.int_range(pl.len()) % 2,
    )
    with pytest.warns(ColumnarFallbackWarning, match=r"indicator X1 runs row by row.*per_member"):
        output = evaluate_frame(framework, cells, unknown_inputs="ignore")
    rows = [UnitRow(row.pop("id"), row, n) for n, row in enumerate(cells.to_dicts(), 1)]
    (scalar,) = evaluate_levels(framework, [rows], unknown_inputs="ignore")
    assert_same(rows_of(scalar), output)


def test_framework_checks_find_the_rows_the_scalar_executor_finds():
    coal = pytest.importorskip("criteriakit_vn_coal")
    loaded = Registry.load(autoload=False, plugins=[("coal", coal)], plugin_dirs=[FRAMEWORKS])
    framework = loaded.get("vn.four-good-cell.coal-mining", "2024")
    cells = CELLS.with_columns(
        initiatives=pl.lit(3),
        members=pl.lit(5),
        members_with_initiative=pl.int_range(pl.len()) % 9,  # 6, 7 and 8 are too many
    )
    rows = [UnitRow(row.pop("id"), row, n) for n, row in enumerate(cells.to_dicts(), 1)]
    with pytest.raises(criteriakit.DataError) as scalar:
        evaluate_levels(framework, [rows], unknown_inputs="ignore")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ColumnarFallbackWarning)  # per_member has no builder
        with pytest.raises(criteriakit.DataError) as columnar:
            evaluate_frame(framework, cells, unknown_inputs="ignore")
    found = [(p.row, p.path, p.message) for p in columnar.value.problems]
    assert found == [(p.row, p.path, p.message) for p in scalar.value.problems]
    assert found[0] == (
        7,
        "members_with_initiative",
        "6 members with an initiative, but only 5 members (check initiatives-within-members)",
    )
    valid = cells.with_columns(members_with_initiative=pl.lit(5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ColumnarFallbackWarning)
        output = evaluate_frame(framework, valid, unknown_inputs="ignore", keep_inputs=True)
    assert "_in:members" not in output.columns
    assert output["members_with_initiative"].to_list() == [5] * valid.height


class _Adjuster:
    @criteriakit.hookimpl
    def criteriakit_adjust_result(self, result):
        return result


def test_a_plugin_that_adjusts_results_is_refused_by_the_columnar_executor():
    loaded = Registry.load(
        autoload=False, plugins=[("local-rules", _Adjuster())], plugin_dirs=[FRAMEWORKS]
    )
    cell = loaded.get("vn.four-good-cell", "2024")
    with pytest.raises(criteriakit.PluginError) as info:
        evaluate_frame(cell, CELLS)
    assert str(info.value) == (
        "plugin 'local-rules', hook criteriakit_adjust_result: it adjusts the full results of "
        "vn.four-good-cell@2024, which the columnar executor does not build: evaluate with the "
        "scalar executor (criteriakit evaluate --engine scalar)"
    )


def test_the_geometric_weighting_runs_as_columns():
    text = (FRAMEWORKS / "vn.four-good-cell.toml").read_text()
    framework = criteriakit.loads_framework(
        text.replace('id = "vn.four-good-cell"', 'id = "geo"\nweighting = "geometric"', 1)
    )
    assert framework.compiled.weighting.name == "geometric"
    path = ROOT / "examples/four-good/cells.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        output = evaluate_frame(framework, path)
    (expected,) = evaluate_levels(framework, [read_units(path)])
    assert_same(rows_of(expected), output)


class _AcmeWithBuilders:
    """The local-plugin example's function and scorer, with columnar builders."""

    @criteriakit.hookimpl
    def criteriakit_register_functions(self, register):
        import narwhals.stable.v2 as nw  # noqa: PLC0415

        from criteriakit.expressions import NUMBER  # noqa: PLC0415

        register(
            criteriakit.FunctionSpec(
                "incident_rate",
                (NUMBER, NUMBER),
                NUMBER,
                ACME.incident_rate,
                columnar=lambda incidents, hours: nw.when(hours > 0).then(
                    incidents * ACME.HOURS_BASE / hours
                ),
            )
        )

    @criteriakit.hookimpl
    def criteriakit_register_scorers(self, register):
        register(
            criteriakit.function_scorer(
                "diminishing",
                ACME.diminishing,
                parameters={"full_at": None},
                needed=ACME.diminishing_needed,
                columnar=lambda value, full_at: (value.clip(lower_bound=0.0) / full_at).sqrt(),
            )
        )


ACME_DIR = ROOT / "examples" / "local-plugin"
ACME = types.SimpleNamespace(**runpy.run_path(str(ACME_DIR / "criteriakit_plugin.py")))


def test_plugin_scorers_and_functions_with_builders_run_as_columns(tmp_path):
    framework_file = next(ACME_DIR.glob("*.toml"))
    (tmp_path / framework_file.name).write_text(framework_file.read_text())
    loaded = Registry.load(
        autoload=False, plugin_dirs=[tmp_path], plugins=[("acme", _AcmeWithBuilders())]
    )
    assert not loaded.problems
    (framework,) = [loaded.frameworks[key].framework for key in loaded.frameworks]
    teams = ACME_DIR / "teams.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        output = evaluate_frame(framework, teams)
    (scalar,) = evaluate_levels(framework, [read_units(teams)])
    assert_same(rows_of(scalar), output)
    slow = Registry.load(autoload=False, plugin_dirs=[ACME_DIR])
    (plain,) = [slow.frameworks[key].framework for key in slow.frameworks]
    with pytest.warns(ColumnarFallbackWarning) as caught:
        evaluate_frame(plain, teams)
    messages = " ".join(str(warning.message) for warning in caught)
    assert "incident_rate" in messages
    assert "diminishing" in messages
