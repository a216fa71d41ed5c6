"""Scalar executor throughput on vn.four-good-cell, against a hand-written Python scorer.

Run: python benchmarks/scalar_four_good.py [UNITS]

The reference is the same 4-good cell rules written by hand as one Python function returning
the score and tier (no explanation, no input checking): the fastest a pure-Python loop can be.
criteriakit's scalar executor checks every input and builds the full explained result
(indicator points, reasons with values, what it would take). Both run in this process on the
same synthetic units; the table prints units per second and the ratio (criteriakit's time over
the reference's). The last row also renders each result as text with ``explain()``.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import criteriakit

FRAMEWORK = (
    Path(__file__).resolve().parent.parent
    / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks/vn.four-good-cell.toml"
)


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


def timed(
    function: Callable[[list[dict[str, object]]], object], cells: list[dict[str, object]]
) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        function(cells)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    framework = criteriakit.load_framework(FRAMEWORK)
    cells = synthetic_cells(count)
    mismatches = sum(
        1
        for cell in cells
        if (result := framework.evaluate(cell)).tier != by_hand(cell)[1]
        or abs(result.score - by_hand(cell)[0]) > 1e-6
    )
    ours = timed(lambda units: [framework.evaluate(unit) for unit in units], cells)
    explained = timed(lambda units: [framework.evaluate(unit).explain() for unit in units], cells)
    reference = timed(lambda units: [by_hand(unit) for unit in units], cells)
    print(
        f"vn.four-good-cell, {count:,} units, best of 3 runs (mismatches with the reference: {mismatches})"
    )
    print(f"{'implementation':<44} {'seconds':>8} {'units/s':>10} {'ratio':>7}")
    print(
        f"{'hand-written Python (score and tier only)':<44} {reference:>8.3f} {count / reference:>10,.0f} {1:>7.1f}"
    )
    print(
        f"{'criteriakit scalar (checked, full explanation)':<44} {ours:>8.3f} {count / ours:>10,.0f} {ours / reference:>7.1f}"
    )
    print(
        f"{'  ... and rendered with explain()':<44} {explained:>8.3f} {count / explained:>10,.0f} {explained / reference:>7.1f}"
    )


if __name__ == "__main__":
    main()
