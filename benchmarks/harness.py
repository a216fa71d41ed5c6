"""What every benchmark shares: where the frameworks are, timing, agreement checks, the table.

A benchmark module returns :class:`Row` values; ``run.py`` prints them all as one table. Times
are wall-clock (:func:`time.perf_counter`), the best of a few runs, taken in this process unless
a row says otherwise.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

import criteriakit
from criteriakit.data import UnitRow

HERE = Path(__file__).resolve().parent
FRAMEWORKS = HERE / "frameworks"
VN_PARTY = HERE.parent / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
SCORE_TOLERANCE = 1e-9 + 1e-12
"""How far two implementations' scores may differ and still agree.

Scores are rounded to 1e-9, so totals a hair apart (summed in another order, or rounded by NumPy
rather than Python) can round one step apart; the 1e-12 absorbs the float error of subtracting
two such scores.
"""

Value = TypeVar("Value")
Other = TypeVar("Other")


@dataclass(frozen=True)
class Row:
    """One line of the table: what ran, on how much, how fast, and against which target.

    ``ratio`` compares the line with another (see :func:`times`), ``peak`` is the peak memory of
    a line run in a process of its own; ``target`` says what the ratio or figure should be, and
    ``met`` whether it is (None when the line has no target).
    """

    workload: str
    implementation: str
    size: str
    seconds: float | None
    ratio: str = ""
    peak: str = ""
    agree: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""


def registry(*directories: Path, autoload: bool = False) -> criteriakit.Registry:
    """Return a registry of the framework files in ``directories`` (and installed plugins).

    By default the same as ``criteriakit --no-autoload --plugin-dir DIR``: roll-ups resolve the
    children's framework through it; ``autoload`` adds every installed plugin, as a user's
    ``criteriakit`` does. Raises if a file did not load, so a broken framework cannot be timed.
    """
    loaded = criteriakit.Registry.load(autoload=autoload, plugin_dirs=directories)
    if loaded.problems:
        raise RuntimeError("; ".join(str(problem) for problem in loaded.problems))
    return loaded


def unit_rows(frame: pl.DataFrame) -> list[UnitRow]:
    """Return a frame's rows as the scalar executor's data readers give them."""
    rows = []
    for number, values in enumerate(frame.iter_rows(named=True), start=1):
        unit = str(values.pop("id"))
        parent = values.pop("parent", None)
        rows.append(UnitRow(unit, values, number, parent=parent))
    return rows


def best_of(repeats: int, function: Callable[[], Value]) -> tuple[float, Value]:
    """Run ``function`` ``repeats`` times; return the fastest time (seconds) and its last result.

    Each run's result is let go before the next run starts: a run that keeps many objects
    alive would otherwise make the next one's garbage collections walk them too.
    """
    best = float("inf")
    result: Value | None = None
    for _ in range(max(1, repeats)):
        result = None
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    assert result is not None  # noqa: S101  the loop ran at least once
    return best, result


def best_of_alternating(
    repeats: int, first: Callable[[], Value], second: Callable[[], Other]
) -> tuple[tuple[float, Value], tuple[float, Other]]:
    """Run ``first`` and ``second`` in turn (see :func:`best_of_rounds`); return each one's
    fastest time and result."""
    first_run, second_run = best_of_rounds(repeats, [first, second])
    return first_run, second_run


def best_of_rounds(repeats: int, functions: Sequence[Callable[[], Any]]) -> list[tuple[float, Any]]:
    """Run ``functions`` in turn, ``repeats`` rounds; return each one's fastest time and result.

    Alternating puts the implementations compared through the same moments of a shared, noisy
    machine, so that their ratios do not depend on which ran during a busy spell. A first round
    is not timed: it pays for what the first call of anything pays once (thread pools started,
    memory the allocator keeps for the next calls). Timed runs keep nothing: a result kept
    while another function runs would make that one's garbage collections walk it too (a
    result of many objects can double another's time); the results come from a last round,
    not timed.
    """
    for function in functions:
        function()
    fastest = [float("inf")] * len(functions)
    for _ in range(max(1, repeats)):
        for position, function in enumerate(functions):
            seconds = best_of(1, function)[0]  # the result is let go after the clock stops
            fastest[position] = min(fastest[position], seconds)
    return [(seconds, function()) for seconds, function in zip(fastest, functions, strict=True)]


def times(ratio: float, subject: str = "criteriakit") -> str:
    """Return a speed ratio (``other seconds / subject seconds``) as ``subject 3.2x faster``."""
    if ratio >= 1.0:
        return f"{subject} {ratio:,.1f}x faster"
    return f"{subject} {1.0 / ratio:,.1f}x slower"


def agreement(mismatches: int, compared: int) -> str:
    """Return ``agree`` or how many of the compared units differ."""
    return "agree" if mismatches == 0 else f"{mismatches:,}/{compared:,} differ"


def size_of(units: int, what: str = "units") -> str:
    """Return a count for the table: ``1,000,000 units``."""
    return f"{units:,} {what}"


def mebibytes(size: int) -> str:
    """Return a byte count in MiB."""
    return f"{size / 2**20:,.0f} MiB"


_COLUMNS = (
    "workload",
    "implementation",
    "size",
    "seconds",
    "ratio",
    "peak memory",
    "agree",
    "target",
    "met",
)


def _cells(row: Row) -> list[str]:
    met = "" if row.met is None else "yes" if row.met else "NO"
    seconds = "" if row.seconds is None else f"{row.seconds:,.3f}"
    return [
        row.workload,
        row.implementation,
        row.size,
        seconds,
        row.ratio,
        row.peak,
        row.agree,
        row.target,
        met,
    ]


def table(rows: Sequence[Row]) -> str:
    """Return the rows as an aligned markdown table, with each row's note listed below it."""
    lines = [list(_COLUMNS), *(_cells(row) for row in rows)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(_COLUMNS))]
    right = {3, 5}

    def format_line(cells: list[str]) -> str:
        padded = (
            cell.rjust(width) if column in right else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join(
            "-" * (width + 1) + ":" if column in right else "-" * (width + 2)
            for column, width in enumerate(widths)
        )
        + "|"
    )
    output = [format_line(lines[0]), rule, *(format_line(cells) for cells in lines[1:])]
    notes = [f"- {row.workload}, {row.implementation}: {row.note}" for row in rows if row.note]
    return "\n".join(output + (["", *notes] if notes else []))
