"""The reference workload: units with 20 indicators, rolled up into groups, three ways.

``bench.reference-unit`` (10 linear, 5 thresholds and 5 target-ratio indicators in 4 criteria,
4 tiers, the best behind a gate) rates every unit; ``bench.reference-group`` rates groups of
about 20 units from their results rolled up (count, mean score, counts by tier). The same
seeded data is evaluated by

- criteriakit's columnar executor (``criteriakit.evaluate_levels_frame``, Polars), whole;
- a NumPy implementation written by hand from the two framework files (vectorised points,
  criterion sums, total, bands, gate, tiers, and the roll-up by ``np.bincount``), whole;
- criteriakit's scalar executor (``criteriakit.scalar.hierarchy.evaluate_levels``) on a sample of whole
  groups, its time extrapolated per unit: a million units would take it minutes.

The three must agree (tiers equal, scores and criterion points within 1e-9) for the times to
mean anything; the table says whether they do.

Run alone: python benchmarks/reference_workload.py [UNITS] [GROUPS]
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
from harness import (
    FRAMEWORKS,
    SCORE_TOLERANCE,
    Row,
    agreement,
    best_of,
    best_of_alternating,
    registry,
    size_of,
    table,
    times,
    unit_rows,
)

import criteriakit
from criteriakit.data import UnitRow
from criteriakit.scalar.hierarchy import evaluate_levels

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

TIERS = ("excellent", "good", "fair", "poor")
"""The tiers of both frameworks, best first."""

# The unit framework (frameworks/bench.reference-unit.toml), by hand: every indicator is worth 5.
LINEAR = (
    (0.2, 0.9),
    (0.1, 0.8),
    (0.3, 1.0),
    (0.0, 0.75),
    (0.25, 0.95),
    (0.2, 0.9),
    (0.15, 0.85),
    (0.35, 1.0),
    (0.05, 0.7),
    (0.6, 0.1),
)
"""``(zero_at, full_at)`` of the linear indicators on ``lin_01`` … ``lin_10``."""
THRESHOLDS = (
    ((0.8, 5.0), (0.6, 3.0), (0.4, 1.0)),
    ((0.85, 5.0), (0.7, 3.5), (0.5, 2.0)),
    ((0.8, 5.0), (0.6, 3.0), (0.4, 1.0)),
    ((0.9, 5.0), (0.75, 4.0), (0.6, 2.5)),
    ((0.7, 5.0), (0.5, 2.5)),
)
"""``(min, award)`` bands, most demanding first, of the threshold indicators on ``thr_01`` …"""
TARGETS = 5
"""Indicators ``done_k / goal_k`` capped at 1, k = 1 … 5."""
POINTS = 5.0
UNIT_BANDS = (85.0, 65.0, 45.0)
GROUP_BANDS = (80.0, 60.0, 40.0)
FULL_SIZE = 1_000_000
"""The number of units the targets are set for."""
RELATIVE = 1e-9
"""criteriakit compares numbers with a relative tolerance of 1e-9 (``0.1 + 0.2`` reaches 0.3)."""


@dataclass(frozen=True)
class Population:
    """Seeded data: the units (with ``parent``), the groups, and each unit's group as a number.

    The NumPy implementation is given ``group_of`` (0 … groups - 1), as hand-written NumPy code
    keeps its ids as integers; criteriakit joins the units to their groups by the string ids.
    """

    units: pl.DataFrame
    groups: pl.DataFrame
    group_of: Ints


def generate(units: int, groups: int, seed: int = 5) -> Population:
    """Return ``units`` units spread evenly over ``groups`` groups, the same for the same seed."""
    if not 0 < groups <= units:
        raise ValueError(f"need 0 < groups <= units, got {groups} groups for {units} units")
    rng = np.random.default_rng(seed)
    quality = rng.beta(6.0, 2.0, units)
    columns: dict[str, npt.NDArray[np.generic]] = {}
    for k in range(1, 11):
        base = 1.0 - quality if k == 10 else quality  # lin_10 is lower-is-better
        columns[f"lin_{k:02d}"] = np.clip(base + rng.normal(0.0, 0.12, units), 0.0, 1.0)
    for k in range(1, 6):
        columns[f"thr_{k:02d}"] = np.clip(quality + rng.normal(0.0, 0.15, units), 0.0, 1.0)
    for k in range(1, TARGETS + 1):
        goal = rng.integers(4, 21, units)
        columns[f"done_{k:02d}"] = rng.binomial(goal, np.clip(quality + 0.12, 0.0, 1.0))
        columns[f"goal_{k:02d}"] = goal
    group_of = (rng.permutation(units) % groups).astype(np.int64)
    unit_frame = pl.DataFrame({"group": group_of, **columns}).select(
        _ids("U", pl.int_range(pl.len()), 7).alias("id"),
        _ids("G", pl.col("group"), 5).alias("parent"),
        pl.exclude("group"),
    )
    group_frame = pl.DataFrame(
        {"budget_used": np.clip(rng.normal(0.97, 0.06, groups), 0.0, 2.0)}
    ).select(_ids("G", pl.int_range(pl.len()), 5).alias("id"), pl.all())
    return Population(unit_frame, group_frame, group_of)


def _ids(prefix: str, numbers: pl.Expr, width: int) -> pl.Expr:
    """Return ids such as ``U0000042``: the prefix and the number, zero-padded to ``width``."""
    return pl.format(f"{prefix}{{}}", numbers.cast(pl.String).str.zfill(width))


@dataclass(frozen=True)
class Scores:
    """One level's results, in the order of its rows.

    ``criteria`` maps each criterion id to its points, ``tier`` holds indices into
    :data:`TIERS`.
    """

    score: Floats
    tier: Ints
    criteria: dict[str, Floats]


def _bands(score: Floats, bounds: tuple[float, ...]) -> Ints:
    """Return the band tier: the first bound the score reaches, with criteriakit's tolerance."""
    band = np.full(score.shape, len(bounds), dtype=np.int64)
    for rank in range(len(bounds) - 1, -1, -1):
        band[score >= bounds[rank] * (1.0 - RELATIVE)] = rank
    return band


def numpy_reference(population: Population) -> tuple[Scores, Scores]:
    """Evaluate the units and their groups by hand, vectorised; return (groups, units)."""
    units = population.units
    linear = [
        np.clip((units[f"lin_{k:02d}"].to_numpy() - zero_at) / (full_at - zero_at), 0.0, 1.0)
        * POINTS
        for k, (zero_at, full_at) in enumerate(LINEAR, start=1)
    ]
    # Values and bounds are within 0 … 1, where the tolerance is an absolute 1e-9.
    thresholds = [
        np.select(
            [units[f"thr_{k:02d}"].to_numpy() >= bound - RELATIVE for bound, _ in bands],
            [award for _, award in bands],
        )
        for k, bands in enumerate(THRESHOLDS, start=1)
    ]
    done = [units[f"done_{k:02d}"].to_numpy() for k in range(1, TARGETS + 1)]
    goal = [units[f"goal_{k:02d}"].to_numpy() for k in range(1, TARGETS + 1)]
    targets = [np.minimum(d / g, 1.0) * POINTS for d, g in zip(done, goal, strict=True)]
    criteria = {
        "efficiency": np.sum(linear[:5], axis=0),
        "quality": np.sum(linear[5:], axis=0),
        "compliance": np.sum(thresholds, axis=0),
        "delivery": np.sum(targets, axis=0),
    }
    score = np.round(np.sum(list(criteria.values()), axis=0), 9)
    tier = _bands(score, UNIT_BANDS)
    gate = (done[0] >= goal[0]) & (done[1] >= goal[1])
    tier[(tier == 0) & ~gate] = 1

    group_of = population.group_of
    groups = population.groups.height
    rated = np.bincount(group_of, minlength=groups)
    mean = np.bincount(group_of, weights=score, minlength=groups) / rated
    good = np.bincount(group_of, weights=tier <= 1, minlength=groups)
    poor = np.bincount(group_of, weights=tier == 3, minlength=groups)
    budget = population.groups["budget_used"].to_numpy()
    share = good / rated
    group_criteria = {
        "results": np.clip((mean - 40.0) / 50.0, 0.0, 1.0) * 50.0
        + np.select([share >= bound - RELATIVE for bound in (0.8, 0.6, 0.4)], [30.0, 20.0, 10.0]),
        "budget": np.select(
            [budget <= 1.0 + RELATIVE, budget <= 1.1 * (1.0 + RELATIVE)], [20.0, 10.0]
        ),
    }
    group_score = np.round(group_criteria["results"] + group_criteria["budget"], 9)
    group_tier = _bands(group_score, GROUP_BANDS)
    group_tier[(group_tier == 0) & (poor > 0)] = 1
    return Scores(group_score, group_tier, group_criteria), Scores(score, tier, criteria)


def frameworks(*, plugins: bool = False) -> tuple[criteriakit.Framework, criteriakit.Framework]:
    """Return the group and unit frameworks, loaded through a registry of benchmarks/frameworks.

    With ``plugins``, the registry also loads every installed plugin (their hooks then see
    these frameworks, as they would a user's).
    """
    found = registry(FRAMEWORKS, autoload=plugins)
    return found.get("bench.reference-group", "1"), found.get("bench.reference-unit", "1")


def installed_plugins() -> list[str]:
    """Return the names of the installed plugins (criteriakit's own aside)."""
    loaded = registry(autoload=True).plugins
    return [info.name for info in loaded.infos if info.name != "criteriakit"]


def columnar(group: criteriakit.Framework, population: Population) -> list[pl.DataFrame]:
    """Evaluate the groups and their units with the columnar executor; return (groups, units)."""
    levels: list[pl.DataFrame] = criteriakit.evaluate_levels_frame(
        group, [population.groups, population.units]
    )
    return levels


def scalar(
    group: criteriakit.Framework, population: Population, sample_groups: int
) -> tuple[list[criteriakit.Result], list[criteriakit.Result]]:
    """Evaluate the first ``sample_groups`` groups and their units with the scalar executor."""
    groups, units = scalar_rows(population, sample_groups)
    top, bottom = evaluate_levels(group, [groups, units])
    return list(top.results), list(bottom.results)


def scalar_rows(population: Population, sample_groups: int) -> tuple[list[UnitRow], list[UnitRow]]:
    """Return the rows of the first ``sample_groups`` groups and their units, as data readers do."""
    groups = population.groups.head(sample_groups)
    units = population.units.filter(pl.Series(population.group_of < sample_groups))
    return unit_rows(groups), unit_rows(units)


def mismatches(output: pl.DataFrame, ids: pl.Series, reference: Scores) -> int:
    """Count the units whose tier, score or criterion points differ in criteriakit and NumPy."""
    expected = pl.DataFrame(
        {
            "unit": ids,
            "expected:score": reference.score,
            "expected:tier": np.asarray(TIERS)[reference.tier],
            **{f"expected:criterion:{name}": points for name, points in reference.criteria.items()},
        }
    )
    scores = ["score", *(f"criterion:{name}" for name in reference.criteria)]
    joined = expected.join(output.select("unit", "tier", *scores), on="unit", how="left")
    differ = pl.col("tier") != pl.col("expected:tier")
    for name in scores:
        differ |= (pl.col(name) - pl.col(f"expected:{name}")).abs() > SCORE_TOLERANCE
    return int(joined.select(differ.fill_null(value=True).sum()).item())


def result_mismatches(results: list[criteriakit.Result], reference: Scores, rows: Ints) -> int:
    """Count the scalar results that differ from NumPy's at positions ``rows``."""
    count = 0
    for result, row in zip(results, rows, strict=True):
        score = reference.score[row]
        if (
            result.tier != TIERS[reference.tier[row]]
            or abs((result.score or 0.0) - score) > SCORE_TOLERANCE
        ):
            count += 1
    return count


def run(units: int, groups: int, sample_groups: int, repeats: int) -> list[Row]:
    """Time the three implementations on the same population; return the table's rows."""
    population = generate(units, groups)
    group, _ = frameworks()
    label = "reference"
    size = f"{size_of(units)} → {groups:,} groups"

    (numpy_seconds, numpy_output), (columnar_seconds, columnar_output) = best_of_alternating(
        repeats, lambda: numpy_reference(population), lambda: columnar(group, population)
    )
    numpy_groups, numpy_units = numpy_output
    group_output, unit_output = columnar_output
    differ = mismatches(unit_output, population.units["id"], numpy_units) + mismatches(
        group_output, population.groups["id"], numpy_groups
    )
    checked = units + groups

    plugged = plugins_row(label, size, population, group, repeats)
    full = units >= FULL_SIZE  # the targets are for a million units: fixed costs weigh on fewer
    if not full:
        plugged = dataclasses.replace(plugged, met=None)

    sample_groups = min(sample_groups, groups)
    scalar_seconds, (scalar_groups, scalar_units) = best_of(
        1, lambda: scalar(group, population, sample_groups)
    )
    sampled_units = np.flatnonzero(population.group_of < sample_groups)
    scalar_differ = result_mismatches(
        scalar_groups, numpy_groups, np.arange(sample_groups)
    ) + result_mismatches(scalar_units, numpy_units, sampled_units)
    per_unit_scalar = scalar_seconds / len(sampled_units)
    per_unit_columnar = columnar_seconds / units
    versus_numpy = columnar_seconds / numpy_seconds
    versus_scalar = per_unit_scalar / per_unit_columnar
    return [
        Row(label, "NumPy, written by hand", size, numpy_seconds),
        Row(
            label,
            "criteriakit columnar (Polars)",
            size,
            columnar_seconds,
            ratio=f"{versus_numpy:,.1f}x NumPy's time",
            agree=agreement(differ, checked) + " with NumPy",
            target="≤ 2x NumPy at 1 M units",
            met=versus_numpy <= 2.0 if full else None,
        ),
        Row(
            label,
            "criteriakit scalar, sample",
            f"{size_of(len(sampled_units))} → {sample_groups:,} groups",
            scalar_seconds,
            ratio=times(versus_scalar, "columnar") + " per unit",
            agree=agreement(scalar_differ, len(sampled_units) + sample_groups) + " with NumPy",
            target="columnar ≥ 30x faster at 1 M",
            met=versus_scalar >= 30.0 if full else None,
            note="the scalar executor ran once on a sample of whole groups; its ratio compares "
            "seconds per unit, extrapolated to the full population",
        ),
        plugged,
    ]


def plugins_row(
    label: str, size: str, population: Population, group: criteriakit.Framework, repeats: int
) -> Row:
    """Time the columnar executor with every installed plugin loaded against none loaded.

    An installed plugin's input checks and result adjusters must cost only its own frameworks:
    these are not its, so loading it must not slow them.
    """
    installed = installed_plugins()
    with_plugins, _ = frameworks(plugins=True)
    (alone, _), (plugged, output) = best_of_alternating(
        repeats, lambda: columnar(group, population), lambda: columnar(with_plugins, population)
    )
    differ = mismatches(output[1], population.units["id"], numpy_reference(population)[1])
    ratio = plugged / alone
    return Row(
        label,
        "criteriakit columnar, every installed plugin loaded",
        size,
        plugged,
        ratio=f"{ratio:,.2f}x the time without plugins",
        agree=agreement(differ, population.units.height) + " with NumPy",
        target="≤ 1.1x the time without plugins",
        met=ratio <= 1.1 if installed else None,
        note=f"installed plugins: {', '.join(installed) or 'none (install the shipped ones)'}",
    )


def main() -> None:
    """Run the reference workload alone and print its table."""
    units = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    groups = int(sys.argv[2]) if len(sys.argv) > 2 else max(1, units // 20)
    print(table(run(units, groups, sample_groups=max(1, min(groups, 1_000)), repeats=3)))


if __name__ == "__main__":
    main()
