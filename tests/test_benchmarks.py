"""The benchmarks run, at tiny sizes, and their implementations agree: nothing here is timed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("numpy")
pytest.importorskip("polars")

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import harness  # noqa: E402  found on the path set above
import reference_workload  # noqa: E402
import rollup_members  # noqa: E402
import run  # noqa: E402
import weighted_sum  # noqa: E402

TINY = run.Sizes(
    units=2_000,
    groups=100,
    sample_groups=10,
    alternatives=2_000,
    members=2_000,
    scalar_units=500,
    repeats=1,
    processes=1,
)


def test_every_workload_runs_and_its_implementations_agree(monkeypatch, capsys):
    monkeypatch.setattr(run, "QUICK", TINY)
    # one child process, not one per source: each costs seconds of imports
    monkeypatch.setattr(rollup_members, "SOURCES", {"files": rollup_members.SOURCES["files"]})
    monkeypatch.delenv("CRITERIAKIT_BENCH_POSTGRESQL", raising=False)  # DuckDB's lines only
    run.main(["--quick"])
    printed = capsys.readouterr().out
    lines = [line for line in printed.splitlines() if line.startswith("| ")]
    for workload in (
        "reference",
        "weighted sum",
        "TOPSIS + ranks",
        "member → cell roll-up",
        "scalar, vn.four-good-cell",
        "startup",
        "store a period",
        "read a period",
        "awards over 5 years",
    ):
        assert any(line.startswith(f"| {workload} ") for line in lines), printed
    for library, shown in (("skcriteria", "scikit-criteria"), ("pymcdm", "pymcdm")):
        if weighted_sum.installed(library):
            assert any(f"| {shown} " in line and "| agree with " in line for line in lines)
    checked = [line for line in lines if " with " in line]
    assert checked, printed
    for line in checked:
        assert "| agree with " in line, line


def test_the_reference_data_reaches_every_tier_and_the_gate():
    # so that the agreement checked above covers every band and the gate
    _, units = reference_workload.numpy_reference(
        reference_workload.generate(units=2_000, groups=100)
    )
    assert set(units.tier.tolist()) == {0, 1, 2, 3}
    held_back = (units.tier == 1) & (units.score >= reference_workload.UNIT_BANDS[0])
    assert held_back.any()


def test_the_reference_data_is_the_same_for_the_same_seed():
    first = reference_workload.generate(units=500, groups=25)
    second = reference_workload.generate(units=500, groups=25)
    assert first.units.equals(second.units)
    assert first.groups.equals(second.groups)
    assert first.units["parent"].n_unique() == 25


def test_the_generated_members_fill_cells_of_10_to_23():
    cells, members = rollup_members.generate(1_000)
    assert members.height == 1_000
    sizes = members.group_by("parent", maintain_order=True).len()["len"]
    assert sizes.sum() == 1_000
    assert sizes.head(-1).min() >= 10  # the last cell takes what is left
    assert sizes.max() <= 23
    assert set(members["parent"]) == set(cells["id"])
    assert members["monthly_scores"].list.len().unique().to_list() == [rollup_members.MONTHS]


def test_the_table_is_aligned_and_lists_the_notes():
    rows = [
        harness.Row("w", "a", "1 unit", 1.5, target="t", met=True),
        harness.Row("w", "longer name", "2 units", None, ratio="x", note="why"),
    ]
    text = harness.table(rows)
    lines = text.splitlines()
    assert len({len(line) for line in lines[:4]}) == 1
    assert "| yes |" in lines[2]
    assert lines[-1] == "- w, longer name: why"


def test_speed_ratios_read_both_ways():
    assert harness.times(4.0) == "criteriakit 4.0x faster"
    assert harness.times(0.25, "columnar") == "columnar 4.0x slower"
