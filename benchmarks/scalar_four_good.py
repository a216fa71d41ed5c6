"""Scalar executor throughput on vn.four-good-cell, against a hand-written Python scorer.

Run: python benchmarks/scalar_four_good.py [UNITS]   (or as the ``scalar`` workload of run.py)

The reference is the same 4-good cell rules written by hand as one Python function returning
the score and tier (no explanation, no input checking): the fastest a pure-Python loop can be.
criteriakit's scalar executor checks every input and builds the full explained result
(indicator points, reasons with values, what it would take), one ``Framework.evaluate`` call per
unit, every result kept. Both run in this process on the same synthetic units; the table gives
units per second and the ratio of the times. A last line also renders each result as text by
``explain()``. The target (issue 5) is 20,000 units per second with full explanations.
"""

from __future__ import annotations

import random
import sys
from typing import Any

from harness import VN_PARTY, Row, agreement, best_of, size_of

import criteriakit

FRAMEWORK = VN_PARTY / "vn.four-good-cell.toml"
TARGET = 20_000
"""Units per second the scalar executor should reach with full explanations (issue 5)."""
FULL_SIZE = 20_000
"""The number of units the target is judged at."""


def synthetic_cells(count: int, seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    cells = []
    for _ in range(count):
        assigned = rng.randint(6, 14)
        met = assigned if rng.random() < 0.7 else rng.randint(assigned // 2, assigned)
        rated = rng.randint(8, 25)
        failed = 0 if rng.random() < 0.8 else rng.randint(1, 3)
        orgs = rng.randint(0, 5)
        cells.append(
            {
                "targets_assigned": assigned,
                "targets_met": met,
                "targets_exceeded": rng.randint(0, met // 2),
                "action_plan_on_time": rng.random() < 0.85,
                "mass_orgs_total": orgs,
                "mass_orgs_good": rng.randint(0, orgs),
                "meetings_held": rng.randint(9, 12),
                "attendance_rate": rng.uniform(0.75, 1.0),
                "thematic_meetings": rng.randint(1, 5),
                "absence_rule_kept": rng.random() < 0.9,
                "members_disciplined": 0 if rng.random() < 0.9 else 1,
                "half_years_approved": rng.choice([1, 2, 2, 2]),
                "disunity_found": rng.random() < 0.02,
                "members_rated": rated,
                "members_good_or_better": rng.randint(rated // 2, rated - failed),
                "members_not_completed": failed,
                "admissions": rng.randint(0, 2),
                "admissions_target": 1,
                "months_evaluated": rng.randint(8, 12),
            }
        )
    return cells


def by_hand(c: dict[str, Any]) -> tuple[float, str]:
    assigned, met, exceeded = c["targets_assigned"], c["targets_met"], c["targets_exceeded"]
    share_exceeded = exceeded / assigned
    orgs = c["mass_orgs_total"]
    attendance = c["attendance_rate"]
    rated_good = c["members_good_or_better"] / c["members_rated"]
    score = (
        12 * min(met / assigned, 1)
        + (6 if share_exceeded >= 0.3 else 3 if share_exceeded >= 0.15 else 0)
        + (4 if c["action_plan_on_time"] else 0)
        + (8 if orgs == 0 else 8 * c["mass_orgs_good"] / orgs)
        + 8 * min(c["meetings_held"] / 12, 1)
        + (7 if attendance >= 0.9 else 5 if attendance >= 0.85 else 0)
        + 5 * min(c["thematic_meetings"] / 4, 1)
        + (5 if c["absence_rule_kept"] else 0)
        + (8 if c["members_disciplined"] == 0 else 0)
        + 3 * c["half_years_approved"]
        + (0 if c["disunity_found"] else 6)
        + (10 if rated_good >= 0.9 else 7 if rated_good >= 0.8 else 4 if rated_good >= 0.7 else 0)
        + (5 if c["members_not_completed"] == 0 else 0)
        + 5 * min(c["admissions"] / c["admissions_target"], 1)
        + 5 * c["months_evaluated"] / 12
    )
    score = round(score, 9)  # as criteriakit does, so 89.99999999999999 is 90
    if (
        met < 0.5 * assigned
        or c["disunity_found"]
        or c["members_not_completed"] > c["members_rated"] / 2
    ):
        return score, "not-completed"
    tier = 0 if score >= 90 else 1 if score >= 70 else 2 if score >= 50 else 3
    all_met = met >= assigned
    if tier == 0 and not (
        all_met
        and share_exceeded >= 0.3
        and c["members_disciplined"] == 0
        and c["members_not_completed"] == 0
    ):
        tier = 1
    if tier == 1 and not all_met:
        tier = 2
    return score, ("excellent", "good", "complete", "not-completed")[tier]


def run(count: int, repeats: int) -> list[Row]:
    """Time the scalar executor and the hand-written scorer on ``count`` units; return the rows."""
    framework = criteriakit.load_framework(FRAMEWORK)
    cells = synthetic_cells(count)
    label = "scalar, vn.four-good-cell"
    size = size_of(count)
    reference, expected = best_of(repeats, lambda: [by_hand(cell) for cell in cells])
    ours, results = best_of(repeats, lambda: [framework.evaluate(cell) for cell in cells])
    mismatches = sum(
        1
        for result, (score, tier) in zip(results, expected, strict=True)
        if result.tier != tier or result.score is None or abs(result.score - score) > 1e-6
    )
    explained, _ = best_of(repeats, lambda: [framework.evaluate(cell).explain() for cell in cells])
    per_second = count / ours
    return [
        Row(label, "hand-written Python (score and tier)", size, reference),
        Row(
            label,
            "criteriakit scalar, full explanation",
            size,
            ours,
            ratio=f"{per_second:,.0f} units/s; {ours / reference:,.1f}x the hand-written time",
            agree=agreement(mismatches, count) + " with hand-written",
            target=f"≥ {TARGET:,} units/s",
            met=None if count < FULL_SIZE else per_second >= TARGET,
        ),
        Row(
            label,
            "... and each explain() text",
            size,
            explained,
            ratio=f"{count / explained:,.0f} units/s",
        ),
    ]


def main() -> None:
    """Print the table for the number of units given on the command line (20,000 by default)."""
    from harness import table  # noqa: PLC0415  only the command line prints

    count = int(sys.argv[1]) if len(sys.argv) > 1 else FULL_SIZE
    print(table(run(count, repeats=3)))


if __name__ == "__main__":
    main()
