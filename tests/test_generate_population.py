"""The synthetic populations of examples/generate_population.py: deterministic, consistent, valid."""

from __future__ import annotations

import csv
import importlib.util
import itertools
import json
import statistics
import subprocess
import sys
import tracemalloc
from collections import Counter, defaultdict
from pathlib import Path

import pytest

import criteriakit
from criteriakit.data import read_units
from criteriakit.scalar.batch import evaluate_rows
from criteriakit.scalar.hierarchy import evaluate_levels

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "generate_population.py"
COMMUNE = ROOT / "examples" / "commune"
FRAMEWORKS = ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
FILES = ("committees.csv", "cells.csv", "members.jsonl")
TIERS = {"excellent", "good", "complete", "not-completed"}


def _load_script():
    spec = importlib.util.spec_from_file_location("generate_population", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building classes
    spec.loader.exec_module(module)
    return module


gp = _load_script()


def _inputs(row):
    return {key: value for key, value in row.items() if key not in {"id", "parent"}}


def _rows(population):
    return list(population.committees), list(population.cells), list(population.members)


@pytest.fixture(scope="module")
def commune():
    return _rows(gp.generate(**gp.PRESETS["commune"]))


@pytest.fixture(scope="module")
def frameworks():
    """The member, cell and committee frameworks, each resolving the [children] below it."""
    loaded = {}
    for level in ("member", "cell", "committee"):
        framework = criteriakit.load_framework(
            FRAMEWORKS / f"vn.four-good-{level}.toml", resolve=loaded.__getitem__
        )
        loaded[framework.ref] = loaded[level] = framework
    return loaded


def _own_inputs(framework):
    """The inputs that are not rolled up from the level below, in file order."""
    return [name for name, spec in framework.definition.inputs.items() if spec.rollup is None]


def _rolled_up(framework):
    return [name for name, spec in framework.definition.inputs.items() if spec.rollup is not None]


@pytest.fixture(scope="module")
def member_results(commune, frameworks):
    framework = frameworks["member"]
    return {row["id"]: framework.evaluate(_inputs(row), row["id"]) for row in commune[2]}


@pytest.fixture(scope="module")
def cell_results(commune, frameworks, member_results):
    framework = frameworks["cell"]
    tiers = defaultdict(Counter)
    disciplined = Counter()
    months = Counter()
    for row in commune[2]:
        tiers[row["parent"]][member_results[row["id"]].tier] += 1
        disciplined[row["parent"]] += row["disciplined"]
        months[row["parent"]] = max(months[row["parent"]], len(row["monthly_scores"]))
    results = {}
    for row in commune[1]:
        counts = tiers[row["id"]]
        rolled_up = {
            "members_disciplined": disciplined[row["id"]],
            "members_rated": counts.total(),
            "members_good_or_better": counts["excellent"] + counts["good"],
            "members_not_completed": counts["not-completed"],
            "months_evaluated": months[row["id"]],
        }
        assert sorted(rolled_up) == sorted(_rolled_up(framework))
        values = framework.compiled.inputs.check(_inputs(row) | rolled_up, unknown="error")
        results[row["id"]] = framework.evaluate_checked(values, row["id"])
    return results


def test_the_same_arguments_give_the_same_rows_and_files(tmp_path):
    first, second = gp.generate(**gp.PRESETS["commune"]), gp.generate(**gp.PRESETS["commune"])
    assert _rows(first) == _rows(second)
    assert _rows(first) == _rows(first)  # the rows are re-iterable
    for members_format in ("jsonl", "csv"):
        for run in ("a", "b"):
            gp.write(first if run == "a" else second, tmp_path / run, members_format=members_format)
        names = (*FILES[:2], f"members.{members_format}")
        for name in names:
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_another_seed_gives_another_population(commune):
    other = _rows(gp.generate(**gp.PRESETS["commune"], seed=7))
    assert [row["id"] for row in other[1]] == [row["id"] for row in commune[1]]
    assert other != commune


def test_the_commune_has_one_committee_21_cells_and_over_320_members(commune):
    committees, cells, members = commune
    assert (len(committees), len(cells)) == (1, 21)
    assert len(members) >= 320
    assert Counter(row["parent"] for row in members).keys() == {row["id"] for row in cells}


def test_ids_are_padded_sorted_and_name_their_parent():
    committees, cells, members = _rows(
        gp.generate(committees=12, cells_per_committee=(1, 12), members_per_cell=(1, 5))
    )
    assert committees[0]["id"] == "K0001"
    assert cells[0]["id"] == "K0001-C01"
    assert members[0]["id"] == "K0001-C01-M001"
    for level, above in ((committees, []), (cells, committees), (members, cells)):
        ids = [row["id"] for row in level]
        assert ids == sorted(set(ids))
        assert {len(unit) for unit in ids} == {len(ids[0])}
        parents = {row["id"] for row in above}
        for row in level:
            assert ("parent" in row) == bool(above)
            if above:
                assert row["parent"] in parents
                assert row["id"].startswith(row["parent"] + "-")


def test_a_unit_does_not_depend_on_the_units_after_it():
    sizes = {"cells_per_committee": (1, 9), "members_per_cell": (3, 30), "seed": 5}
    small = _rows(gp.generate(committees=3, **sizes))
    large = _rows(gp.generate(committees=9, **sizes))
    for few, many in zip(small, large, strict=True):
        assert many[: len(few)] == few


def test_rows_hold_exactly_the_inputs_not_rolled_up_from_below(commune, frameworks):
    committees, cells, members = commune
    expected = {
        "committee": ["id", *_own_inputs(frameworks["committee"])],
        "cell": ["id", "parent", *_own_inputs(frameworks["cell"])],
        "member": ["id", "parent", *frameworks["member"].input_names],
    }
    assert {list(row) == expected["committee"] for row in committees} == {True}
    assert {list(row) == expected["cell"] for row in cells} == {True}
    assert {list(row) == expected["member"] for row in members} == {True}


def _check_committee(row):
    assert row["targets_assigned"] >= 1
    assert 0 <= row["targets_exceeded"] <= row["targets_met"] <= row["targets_assigned"]
    assert 0 <= row["inspections_done"] <= row["inspections_planned"]
    assert 0 <= row["meetings_held"] <= 12
    assert row["half_years_approved"] in {0, 1, 2}
    assert row["political_system_rating"] in TIERS


def _check_cell(row):
    assert 0 <= row["targets_exceeded"] <= row["targets_met"] <= row["targets_assigned"]
    assert 0 <= row["mass_orgs_good"] <= row["mass_orgs_total"]
    assert 0 <= row["meetings_held"] <= 12
    assert 0 <= row["attendance_rate"] <= 1
    assert row["half_years_approved"] in {0, 1, 2}
    assert row["admissions_target"] >= 1


def _check_member(row):
    assert len(row["monthly_scores"]) == 12
    assert all(0 <= score <= 100 and round(score, 1) == score for score in row["monthly_scores"])
    assert 0 <= row["tasks_exceeded"] <= row["tasks_done"] <= row["tasks_assigned"]
    assert isinstance(row["disciplined"], bool)


@pytest.mark.parametrize("preset", ["commune", "province"])
def test_every_row_is_consistent(preset):
    population = gp.generate(**gp.PRESETS[preset])
    for row in population.committees:
        _check_committee(row)
    for row in population.cells:
        _check_cell(row)
    for row in itertools.islice(population.members, 20_000):
        _check_member(row)


def test_commune_members_validate_and_cover_every_tier_and_both_vetoes(commune, member_results):
    assert {result.tier for result in member_results.values()} == TIERS
    codes = {reason.code for result in member_results.values() for reason in result.reasons}
    assert {"disciplined", "tasks-under-half"} <= codes
    assert {"excellent-all-tasks-done", "excellent-tasks-exceeded", "good-all-tasks-done"} <= codes
    excellent_scores = [row for row in commune[2] if statistics.fmean(row["monthly_scores"]) >= 90]
    assert 0.2 <= len(excellent_scores) / len(commune[2]) <= 0.3


def test_the_20_percent_quota_would_bite_in_some_cells_only(commune, member_results):
    tiers = defaultdict(Counter)
    for row in commune[2]:
        tiers[row["parent"]][member_results[row["id"]].tier] += 1
    bitten = [unit for unit, counts in tiers.items() if counts["excellent"] > 0.2 * counts["good"]]
    assert 0 < len(bitten) < len(commune[1])


def test_commune_cells_validate(commune, cell_results):
    assert len(cell_results) == len(commune[1])
    assert len({result.tier for result in cell_results.values()}) >= 3


def test_commune_committee_validates_with_its_cells_counts(commune, frameworks, cell_results):
    framework = frameworks["committee"]
    tiers = Counter(result.tier for result in cell_results.values())
    rolled_up = {
        "cells_rated": tiers.total(),
        "cells_good_or_better": tiers["excellent"] + tiers["good"],
        "cells_excellent": tiers["excellent"],
        "cells_not_completed": tiers["not-completed"],
    }
    assert sorted(rolled_up) == sorted(_rolled_up(framework))
    for row in commune[0]:
        assert framework.evaluate(_inputs(row) | rolled_up, row["id"]).tier in TIERS


def test_the_committed_files_evaluate_as_one_chain_with_the_member_quota(commune, frameworks):
    levels = evaluate_levels(
        frameworks["committee"], [read_units(COMMUNE / name) for name in FILES]
    )
    assert [len(level.results) for level in levels] == [len(rows) for rows in commune]
    members = levels[2].results
    assert any(reason.kind == "quota" for result in members for reason in result.reasons)
    assert {result.tier for result in members} == TIERS


def test_the_committed_commune_files_equal_a_fresh_generation(tmp_path):
    gp.write(gp.generate(**gp.PRESETS["commune"]), tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(FILES)
    for name in FILES:
        assert (COMMUNE / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_the_command_line_writes_members_as_csv_with_json_arrays(tmp_path, frameworks):
    subprocess.run(
        [sys.executable, str(SCRIPT), "commune", str(tmp_path), "--members-format", "csv"],
        check=True,
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "cells.csv",
        "committees.csv",
        "members.csv",
    ]
    for name in FILES[:2]:
        assert (COMMUNE / name).read_bytes() == (tmp_path / name).read_bytes()
    with (tmp_path / "members.csv").open(encoding="utf-8", newline="") as file:
        first = next(csv.DictReader(file))
    assert len(json.loads(first["monthly_scores"])) == 12
    assert first["disciplined"] in {"yes", "no"}
    from_csv, from_jsonl = (
        evaluate_rows(frameworks["member"], read_units(path))
        for path in (tmp_path / "members.csv", COMMUNE / "members.jsonl")
    )
    assert from_csv == from_jsonl


def test_the_command_line_takes_a_seed(tmp_path):
    subprocess.run(
        [sys.executable, str(SCRIPT), "commune", str(tmp_path), "--seed", "7"], check=True
    )
    expected = tmp_path / "expected"
    gp.write(gp.generate(**gp.PRESETS["commune"], seed=7), expected)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (expected / name).read_bytes()
    assert (tmp_path / "members.jsonl").read_bytes() != (COMMUNE / "members.jsonl").read_bytes()


def test_the_country_streams_its_first_50_000_members():
    members = list(itertools.islice(gp.iter_members(**gp.PRESETS["country"]), 50_000))
    assert len(members) == 50_000
    assert members[0]["id"] == "K00001-C01-M001"


def test_the_country_streams_in_constant_memory():
    tracemalloc.start()
    try:
        for _ in itertools.islice(gp.iter_members(**gp.PRESETS["country"]), 5_000):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


def test_months_sets_the_length_of_the_monthly_scores():
    members = gp.iter_members(
        committees=1, cells_per_committee=(1, 1), members_per_cell=(5, 5), months=6
    )
    assert {len(row["monthly_scores"]) for row in members} == {6}


@pytest.mark.parametrize(
    "sizes",
    [
        {"committees": -1},
        {"cells_per_committee": (0, 3)},
        {"cells_per_committee": (5, 4)},
        {"members_per_cell": (0, 2)},
        {"months": 0},
        {"months": 13},
    ],
)
def test_impossible_sizes_are_refused(sizes):
    arguments = {"committees": 1, "cells_per_committee": (1, 2), "members_per_cell": (1, 2)}
    with pytest.raises(ValueError, match="must be"):
        gp.generate(**arguments | sizes)


def test_an_unknown_members_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="jsonl or csv"):
        gp.write(gp.generate(**gp.PRESETS["commune"]), tmp_path, members_format="parquet")
