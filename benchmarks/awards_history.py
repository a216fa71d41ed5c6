"""The awards workload: two awards over five years of a population's results.

Every unit has a result in each of five years (2020 … 2024), except a tenth of the earlier
years each (gaps); its tier is good, fair or poor at random, its score uniform. Two awards are
decided for 2024: ``streak(tier == "good") >= 2`` and ``count_last(3, tier >= "fair") == 3``.
``criteriakit.awards.decide`` (the columnar engine: filters and group-bys over the history)
is timed against the same decisions written by hand in NumPy over a dense units x years matrix
(the floor), and against the scalar engine (unit by unit, with notes) on a sample of the units,
its time scaled to all of them. Every implementation's decisions must be the same.

Run alone: python benchmarks/awards_history.py [UNITS]
"""

from __future__ import annotations

import sys

import numpy as np
import numpy.typing as npt
import polars as pl
from harness import Row, agreement, best_of, size_of, table, times

import criteriakit
from criteriakit import awards

YEARS = tuple(str(year) for year in range(2020, 2025))
TIERS = ("good", "fair", "poor")
FRAMEWORK = """
id = "bench.awards"
version = "1"
title = "Awards over five years"
subject = "unit"

[inputs.x]
type = "number"

[[criteria]]
id = "c"
title = "C"
points = 100

[[criteria.indicators]]
id = "c.1"
title = "X"
value = "x"
points = 100
scorer = { type = "linear", zero_at = 0, full_at = 1 }

[[tiers]]
id = "good"
title = "Good"
min_score = 80

[[tiers]]
id = "fair"
title = "Fair"
min_score = 50

[[tiers]]
id = "poor"
title = "Poor"

[[awards]]
id = "good-two-years"
title = "Good two years running"
require = 'streak(tier == "good") >= 2'

[[awards]]
id = "fair-three-years"
title = "Fair or better in each of the last three years"
require = 'count_last(3, tier >= "fair") == 3'
"""

Matrix = npt.NDArray[np.int8]


def population(units: int, seed: int = 17) -> tuple[awards.History, Matrix]:
    """Return the history of ``units`` units and their tiers as a units x years matrix.

    The matrix holds each tier's position (0 good, 1 fair, 2 poor), or -1 for a gap.
    """
    rng = np.random.default_rng(seed)
    tiers = rng.integers(0, len(TIERS), size=(units, len(YEARS))).astype(np.int8)
    gaps = rng.random((units, len(YEARS))) < 0.1
    gaps[:, -1] = False  # every unit has a result in the year decided
    tiers[gaps] = -1
    ids = np.array([f"u{index:07d}" for index in range(units)])
    tables = {}
    for column, year in enumerate(YEARS):
        present = tiers[:, column] >= 0
        tier = np.array(TIERS)[tiers[present, column]]
        tables[year] = pl.DataFrame(
            {
                "unit": ids[present],
                "parent": None,
                "framework": "bench.awards",
                "version": "1",
                "evaluable": True,
                "score": rng.random(int(present.sum())) * 100,
                "max_score": 100.0,
                "band_tier": tier,
                "tier": tier,
                "reasons": None,
            },
            schema_overrides={"parent": pl.String, "reasons": pl.List(pl.String)},
        )
    return awards.History.of_tables(tables, YEARS[-1]), tiers


def with_numpy(tiers: Matrix) -> npt.NDArray[np.bool_]:
    """Decide both awards over the dense matrix: the floor (a units x 2 matrix of decisions)."""
    good = tiers == 0
    # trailing run of good years: the years after the last one that was not good
    not_good = ~good
    last_break = np.where(
        not_good.any(axis=1), len(YEARS) - 1 - np.argmax(not_good[:, ::-1], axis=1), -1
    )
    streak = len(YEARS) - 1 - last_break
    fair_or_better = (tiers >= 0) & (tiers <= 1)
    return np.column_stack([streak >= 2, fair_or_better[:, -3:].all(axis=1)])


def decisions(frame: pl.DataFrame) -> npt.NDArray[np.bool_]:
    """Return a decision frame's ``earned`` as a units x awards matrix."""
    earned = frame.get_column("earned").to_numpy()
    return earned.reshape(2, -1).T


def run(units: int, repeats: int) -> list[Row]:
    """Time the columnar engine, NumPy and the scalar engine (on a sample); return the rows."""
    framework = criteriakit.loads_framework(FRAMEWORK)
    history, tiers = population(units)
    label = "awards over 5 years"
    size = size_of(units, "x 2 awards")
    ours_seconds, ours = best_of(repeats, lambda: awards.decide(framework, history))
    mine = decisions(ours)
    rows = [Row(label, "criteriakit awards, columnar", size, ours_seconds)]
    numpy_seconds, floor = best_of(repeats, lambda: with_numpy(tiers))
    rows.append(
        Row(
            label,
            "NumPy by hand (dense matrix)",
            size,
            numpy_seconds,
            ratio=times(numpy_seconds / ours_seconds),
            agree=agreement(int(np.count_nonzero(floor != mine)), mine.size) + " with criteriakit",
            note="from the units x years matrix, already aligned: the floor",
        )
    )
    sample = min(units, 50_000)
    sampled, sample_tiers = population(sample)
    scalar_seconds, scalar = best_of(1, lambda: awards.decide(framework, sampled, engine="scalar"))
    scaled = scalar_seconds * units / sample
    differ = int(np.count_nonzero(decisions(scalar) != with_numpy(sample_tiers)))
    rows.append(
        Row(
            label,
            f"criteriakit awards, scalar ({size_of(sample)} sampled, scaled)",
            size,
            scaled,
            ratio=times(scaled / ours_seconds),
            agree=agreement(differ, 2 * sample) + " with NumPy",
        )
    )
    return rows


def main() -> None:
    """Run the awards workload alone and print its table."""
    units = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(table(run(units, repeats=3)))


if __name__ == "__main__":
    main()
