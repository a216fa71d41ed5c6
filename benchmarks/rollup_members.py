"""Members rolled up into their cells: a country's party members, time and peak memory.

Every member is rated with ``vn.four-good-member`` (12 monthly scores as a list column, tasks,
discipline), the member quota applied within each cell, and the results rolled up into the cells'
inputs (``members_rated``, ``members_good_or_better``, ``months_evaluated``…) before the cells
are rated with ``vn.four-good-cell``: ``criteriakit.evaluate_levels_frame`` given the paths of
two Parquet files, and given the Polars frames read from them.

The population has the shape of ``examples/generate_population.py``'s ``country`` preset (10 to
23 members a cell, the same mix of strong and weak members and cells), drawn with NumPy in
seconds rather than row by row in Python. Each evaluation runs in a child process of its own,
and its peak memory is the peak resident set the operating system reports for that process
(:func:`own_peak`): an honest figure, not an estimate. The children also write the results of the
first cells and their members, which the parent checks against the scalar executor
(``criteriakit.scalar.hierarchy.evaluate_levels``).

Run alone: python benchmarks/rollup_members.py [MEMBERS]
"""

from __future__ import annotations

import json
import os
import re
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

import numpy as np
import numpy.typing as npt
import polars as pl
from harness import (
    SCORE_TOLERANCE,
    VN_PARTY,
    Row,
    agreement,
    mebibytes,
    registry,
    size_of,
    table,
    unit_rows,
)

import criteriakit
from criteriakit.scalar.hierarchy import evaluate_levels

Ints = npt.NDArray[np.int64]
MONTHS = 12
MEMORY_TARGET = 2 * 2**30
"""The peak memory the roll-up of five million members must stay under: 2 GiB."""
FULL_SIZE = 5_000_000
"""The number of members the memory target is set for."""
CHECKED_CELLS = 200
"""How many cells (and their members) the scalar executor checks the child's results on."""
FILES = ("cells.parquet", "members.parquet")
Source = Literal["files", "frames"]
SOURCES: dict[Source, str] = {
    "files": "from Parquet files",
    "frames": "from Polars frames in memory",
}
"""What ``evaluate_levels_frame`` is given: the files' paths, or the frames read from them."""


def frameworks() -> tuple[criteriakit.Framework, criteriakit.Framework]:
    """Return the cell and member frameworks, from the vn-party plugin's framework files."""
    found = registry(VN_PARTY)
    return found.get("vn.four-good-cell", "2024"), found.get("vn.four-good-member", "2024")


def _between(rng: np.random.Generator, low: Ints, high: Ints) -> Ints:
    """Return one integer in ``low`` … ``high`` (inclusive) per element."""
    return np.floor(low + rng.random(low.shape) * (high - low + 1)).astype(np.int64)


def _cells(rng: np.random.Generator, count: int, quality: npt.NDArray[np.float64]) -> pl.DataFrame:
    """Return the cells' own inputs (not those rolled up from the members), as the example does."""
    assigned = rng.integers(8, 15, count)
    draw = rng.random(count)
    half_up = np.ceil(assigned / 2).astype(np.int64)
    met = np.where(
        draw < 0.03,
        _between(rng, assigned // 4, half_up - 1),
        np.where(draw < 0.22 - 0.1 * quality, assigned - rng.integers(1, 4, count), assigned),
    )
    exceeded = np.minimum(met, np.floor(assigned * rng.uniform(0, 0.45 + 0.1 * quality)))
    mass_orgs = rng.integers(0, 6, count)
    half_years = rng.random(count)
    return pl.DataFrame(
        {
            "targets_assigned": assigned,
            "targets_met": met,
            "targets_exceeded": exceeded.astype(np.int64),
            "action_plan_on_time": rng.random(count) < 0.9,
            "mass_orgs_total": mass_orgs,
            "mass_orgs_good": rng.binomial(mass_orgs, 0.65 + 0.2 * quality),
            "meetings_held": np.where(
                rng.random(count) < 0.75 + 0.1 * quality, 12, rng.integers(9, 12, count)
            ),
            "attendance_rate": np.round(
                np.minimum(1.0, rng.uniform(0.8, 0.96, count) + 0.03 * quality), 2
            ),
            "thematic_meetings": rng.integers(2, 7, count),
            "absence_rule_kept": rng.random(count) < 0.92,
            "half_years_approved": np.select([half_years < 0.86, half_years < 0.98], [2, 1], 0),
            "disunity_found": rng.random(count) < 0.02,
            "admissions": rng.integers(0, 4, count),
            "admissions_target": rng.integers(1, 3, count),
        }
    )


def _members(rng: np.random.Generator, quality: npt.NDArray[np.float64]) -> pl.DataFrame:
    """Return the members' inputs: about 24 % strong, 60 % good, 13 % fair and 3 % weak."""
    count = len(quality)
    draw = rng.random(count)
    kind = np.select(
        [draw < 0.24 + 0.1 * quality, draw < 0.84, draw < 0.97 + 0.01 * quality], [0, 1, 2], 3
    )
    low = np.array([90.5, 72.0, 52.0, 30.0])[kind]
    high = np.array([95.0, 89.0, 69.0, 49.0])[kind]
    centre = rng.uniform(low, high)
    # Each month: the centre plus or minus 5, in whole tenths, as the example draws them.
    scores = np.round(10 * centre[:, None] - 50 + 100 * rng.random((count, MONTHS))) / 10
    assigned = np.where(rng.random(count) < 0.02, 0, rng.integers(4, 13, count))
    one_short = np.maximum(0, assigned - 1)
    some_short = np.maximum(0, assigned - rng.integers(1, 3, count))
    done = np.select(
        [kind == 0, kind == 1, kind == 2],
        [
            np.where(rng.random(count) < 0.96, assigned, one_short),
            np.where(rng.random(count) < 0.94, assigned, some_short),
            np.where(
                rng.random(count) < 0.5,
                assigned,
                _between(rng, np.ceil(assigned / 2).astype(np.int64), assigned),
            ),
        ],
        _between(rng, np.zeros(count, dtype=np.int64), assigned),
    )
    strong_share = np.where(
        rng.random(count) < 0.85, rng.uniform(0.3, 0.6, count), rng.uniform(0, 0.29, count)
    )
    exceeded = np.select(
        [kind == 0, kind == 1, kind == 2],
        [
            np.ceil(assigned * strong_share),
            np.floor(assigned * rng.uniform(0, 0.35, count)),
            np.floor(assigned * rng.uniform(0, 0.15, count)),
        ],
        0,
    ).astype(np.int64)
    return pl.DataFrame(
        {
            "monthly_scores": pl.Series(scores).cast(pl.List(pl.Float64)),
            "tasks_assigned": assigned,
            "tasks_done": done,
            "tasks_exceeded": np.minimum(exceeded, done),
            "disciplined": rng.random(count) < 0.0115,
        }
    )


def generate(members: int, seed: int = 2024) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (cells, members): ``members`` members in cells of 10 to 23, the same for a seed."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(10, 24, members // 10 + 1)
    ends = np.cumsum(sizes)
    cells = int(np.searchsorted(ends, members)) + 1
    sizes = sizes[:cells]
    sizes[-1] -= int(ends[cells - 1]) - members  # the last cell takes what is left
    quality = np.clip(rng.uniform(-0.5, 0.5, cells) + rng.uniform(-0.5, 0.5, cells), -1.0, 1.0)
    cell_of = np.repeat(np.arange(cells), sizes)
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    cell_ids = pl.format("C{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(6))
    cell_frame = _cells(rng, cells, quality).select(cell_ids.alias("id"), pl.all())
    member_frame = _members(rng, quality[cell_of])
    number = np.arange(members) - starts + 1
    parent = pl.format("C{}", (pl.col("_cell") + 1).cast(pl.String).str.zfill(6))
    member_frame = member_frame.with_columns(
        _cell=pl.Series(cell_of), _number=pl.Series(number)
    ).select(
        pl.format("{}-M{}", parent, pl.col("_number").cast(pl.String).str.zfill(2)).alias("id"),
        parent.alias("parent"),
        pl.exclude("_cell", "_number"),
    )
    return cell_frame, member_frame


def write(members: int, directory: Path) -> int:
    """Generate the population into ``cells.parquet`` and ``members.parquet``; return the cells."""
    cells, member_frame = generate(members)
    cells.write_parquet(directory / FILES[0])
    member_frame.write_parquet(directory / FILES[1])
    return cells.height


@dataclass(frozen=True)
class Measure:
    """What the child process reports, and the peak memory the system reports for it."""

    evaluate_seconds: float
    read_seconds: float
    process_seconds: float
    peak_bytes: int


def own_peak() -> int:
    """Return this process's peak resident set in bytes, as the kernel counts it.

    On Linux this is ``VmHWM`` of ``/proc/self/status``: ``ru_maxrss`` (from ``getrusage`` or
    ``os.wait4``) would also count the peak of the process that started this one, which Linux
    carries over ``exec`` (after the other workloads, the launcher's peak is larger than the
    roll-up's). Elsewhere, ``ru_maxrss``.
    """
    status = Path("/proc/self/status")
    if status.exists():
        found = re.search(r"^VmHWM:\s+(\d+) kB$", status.read_text(encoding="utf-8"), re.MULTILINE)
        if found:
            return int(found.group(1)) * 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak * (1 if sys.platform == "darwin" else 1024)  # bytes on macOS, KiB elsewhere


def _checked(directory: Path, source: Source) -> tuple[Path, Path]:
    """Return where the child writes the checked cells' results, and their members'."""
    return (
        directory / f"checked-{source}-cells.parquet",
        directory / f"checked-{source}-members.parquet",
    )


def evaluate(directory: Path, source: Source) -> dict[str, float]:
    """Evaluate the population in ``directory`` from ``source``; write the checked units' results.

    This is the child process's work; returns the seconds spent reading (before evaluating,
    for frames; files are read as they are evaluated) and evaluating.
    """
    cell, _ = frameworks()
    paths = [directory / name for name in FILES]
    start = time.perf_counter()
    levels = paths if source == "files" else [pl.read_parquet(path) for path in paths]
    read = time.perf_counter() - start
    start = time.perf_counter()
    cell_output, member_output = criteriakit.evaluate_levels_frame(cell, levels)
    evaluated = time.perf_counter() - start
    checked = cell_output["unit"].head(CHECKED_CELLS).implode()
    cells_file, members_file = _checked(directory, source)
    cell_output.filter(pl.col("unit").is_in(checked)).write_parquet(cells_file)
    member_output.filter(pl.col("parent").is_in(checked)).write_parquet(members_file)
    return {"read_seconds": read, "evaluate_seconds": evaluated}


def measure(directory: Path, source: Source) -> Measure:
    """Evaluate ``directory``'s population in a child process; return its times and peak memory."""
    report = directory / f"report-{source}.json"
    script = str(Path(__file__).resolve())
    command = [sys.executable, script, "--child", str(directory), source]
    # The child imports what this process imports, installed or not.
    path = os.pathsep.join(entry for entry in sys.path if entry)
    environment = {**os.environ, "PYTHONPATH": path}
    start = time.perf_counter()
    pid = os.posix_spawn(sys.executable, command, environment)
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"the roll-up child process failed ({status=}); see its output above")
    child = json.loads(report.read_text(encoding="utf-8"))
    return Measure(child["evaluate_seconds"], child["read_seconds"], elapsed, child["peak_bytes"])


def scalar_results(directory: Path, cell: criteriakit.Framework) -> list[criteriakit.Result]:
    """Evaluate the first cells and their members with the scalar executor: cells first."""
    cells = pl.read_parquet(directory / FILES[0]).head(CHECKED_CELLS)
    members = pl.scan_parquet(directory / FILES[1]).filter(
        pl.col("parent").is_in(cells["id"].implode())
    )
    top, bottom = evaluate_levels(cell, [unit_rows(cells), unit_rows(members.collect())])
    return [*top.results, *bottom.results]


def mismatches(directory: Path, source: Source, expected: list[criteriakit.Result]) -> int:
    """Count the checked units whose tier, or score beyond 1e-9, differ from the scalar's."""
    output = {
        row["unit"]: (row["score"], row["tier"])
        for path in _checked(directory, source)
        for row in pl.read_parquet(path).iter_rows(named=True)
    }
    differ = len(output.keys() - {result.unit for result in expected})  # units it should not have
    for result in expected:
        score, tier = output.get(result.unit or "", (None, None))
        same_score = (
            score == result.score
            if score is None or result.score is None
            else abs(score - result.score) <= SCORE_TOLERANCE
        )
        differ += not (same_score and tier == result.tier)
    return differ


def run(members: int) -> list[Row]:
    """Generate, evaluate in child processes, check a sample; return the table's rows."""
    cell, _ = frameworks()
    with tempfile.TemporaryDirectory(prefix="criteriakit-bench-") as folder:
        directory = Path(folder)
        cells = write(members, directory)
        expected = scalar_results(directory, cell)
        measured = {}
        for source in SOURCES:
            measured[source] = measure(directory, source), mismatches(directory, source, expected)
    size = f"{size_of(members, 'members')} → {cells:,} cells"
    checked = min(cells, CHECKED_CELLS)
    rows = []
    for source, (result, differ) in measured.items():
        files = source == "files"
        reading = (
            "reading the files included"
            if files
            else f"read first ({result.read_seconds:.1f} s), outside the seconds, inside the peak"
        )
        rows.append(
            Row(
                "member → cell roll-up",
                f"criteriakit columnar, {SOURCES[source]}",
                size,
                result.evaluate_seconds,
                peak=mebibytes(result.peak_bytes),
                agree=agreement(differ, len(expected)) + f" with scalar ({checked:,} cells)",
                target="peak < 2 GiB at 5 M members" if files else "",
                met=result.peak_bytes < MEMORY_TARGET if files and members >= FULL_SIZE else None,
                note=f"a child process, {result.process_seconds:.1f} s in all; {reading}",
            )
        )
    return rows


def main() -> None:
    """Run the roll-up workload alone and print its rows, or be a child process (``--child``)."""
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        directory, source = Path(sys.argv[2]), sys.argv[3]
        if source not in SOURCES:
            raise SystemExit(f"unknown source {source!r}: one of {', '.join(SOURCES)}")
        report = {**evaluate(directory, cast("Source", source)), "peak_bytes": own_peak()}
        (directory / f"report-{source}.json").write_text(json.dumps(report), encoding="utf-8")
        return
    members = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
    print(table(run(members)))


if __name__ == "__main__":
    main()
