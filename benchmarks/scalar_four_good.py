"""Scalar executor throughput on vn.four-good-cell, against a hand-written Python scorer.

Run: python benchmarks/scalar_four_good.py [UNITS]   (or as the ``scalar`` workload of run.py)

The reference is the same 4-good cell rules written by hand as one Python function returning
the score and tier (no explanation, no input checking): the fastest a pure-Python loop can be.
criteriakit's scalar executor checks every input and evaluates each unit by one
``Framework.evaluate`` call; its result computes the parts of the explanation (the criteria and
indicators, what it would take) when they are first read. The lines:

- what decides each unit: its score, tier and reasons, every result kept (issue 13: ≥ 30,000
  units per second);
- each unit's result document, ``to_dict()``, every part computed, taken as it comes, as
  criteriakit's JSON writers take them (issue 13: ≥ 10,000); the note below the table gives
  the same with every document kept, which the garbage collector then walks again and again;
- every part of each result read as it comes, every result kept: what ``evaluate`` computed
  before issue 13 (issue 5: ≥ 20,000);
- each unit's explanation as text, ``explain()`` (no target).

All run in this process on the same synthetic units, in turn (see ``harness.best_of_rounds``);
the table gives units per second and the ratio of the times to the hand-written one's.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterable
from typing import Any

from harness import VN_PARTY, Row, agreement, best_of_rounds, size_of

import criteriakit

FRAMEWORK = VN_PARTY / "vn.four-good-cell.toml"
DECIDED_TARGET = 30_000
"""Units per second for evaluating and reading score, tier and reasons (issue 13)."""
DOCUMENT_TARGET = 10_000
"""Units per second for evaluating and writing each result's document, ``to_dict()`` (issue 13)."""
EXPLAINED_TARGET = 20_000
"""Units per second for evaluating and reading every part of each result (issue 5)."""
FULL_SIZE = 20_000
"""The number of units the targets are judged at."""


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


Cells = list[dict[str, Any]]
Decided = tuple[float | None, str | None, tuple[criteriakit.Reason, ...]]
Scored = tuple[float | None, str | None]


def decided(framework: criteriakit.Framework, cells: Cells) -> list[Decided]:
    """Evaluate every cell, keeping every result; return each one's score, tier and reasons."""
    results = [framework.evaluate(cell) for cell in cells]
    return [(result.score, result.tier, result.reasons) for result in results]


def streamed_documents(framework: criteriakit.Framework, cells: Cells) -> list[Scored]:
    """Evaluate every cell and write its result's document (every part computed) as it comes;
    return the score and tier each document gives."""
    written = (framework.evaluate(cell).to_dict() for cell in cells)
    return [(document["score"], document["tier"]) for document in written]


def kept_documents(framework: criteriakit.Framework, cells: Cells) -> list[dict[str, Any]]:
    """Evaluate every cell; return every result's document (every part computed)."""
    return [framework.evaluate(cell).to_dict() for cell in cells]


def explained(
    framework: criteriakit.Framework, cells: Cells
) -> list[tuple[criteriakit.Result, object, object]]:
    """Evaluate every cell and read every part of its result as it comes: the criteria with
    their indicators, and what it would take; return them all."""
    return [
        (result, result.criteria, result.improvement) for result in map(framework.evaluate, cells)
    ]


def mismatches(found: Iterable[Scored], expected: list[tuple[float, str]]) -> int:
    """Count the units whose tier differs from the hand-written one's, or whose score does."""
    return sum(
        1
        for (score, tier), (hand_score, hand_tier) in zip(found, expected, strict=True)
        if tier != hand_tier or score is None or abs(score - hand_score) > 1e-6
    )


def throughput(count: int, seconds: float, reference: float) -> str:
    """Return units per second and the ratio of ``seconds`` to the hand-written time."""
    return f"{count / seconds:,.0f} units/s; {seconds / reference:,.1f}x the hand-written time"


def line(
    implementation: str,
    count: int,
    seconds: float,
    reference: float,
    target: int | None,
    agree: str = "",
    note: str = "",
) -> Row:
    """Return the table line of one way of evaluating ``count`` units in ``seconds``."""
    per_second = count / seconds
    return Row(
        "scalar, vn.four-good-cell",
        implementation,
        size_of(count),
        seconds,
        ratio=throughput(count, seconds, reference),
        agree=agree,
        target="" if target is None else f"≥ {target:,} units/s",
        met=None if target is None or count < FULL_SIZE else per_second >= target,
        note=note,
    )


def run(count: int, repeats: int) -> list[Row]:
    """Time the scalar executor and the hand-written scorer on ``count`` units; return the rows."""
    framework = criteriakit.load_framework(FRAMEWORK)
    cells = synthetic_cells(count)
    runs = best_of_rounds(
        repeats,
        [
            lambda: [by_hand(cell) for cell in cells],
            lambda: decided(framework, cells),
            lambda: streamed_documents(framework, cells),
            lambda: kept_documents(framework, cells),
            lambda: explained(framework, cells),
            lambda: [framework.evaluate(cell).explain() for cell in cells],
        ],
    )
    (reference, expected), (scored, decisions), (written, streamed), (kept, documents) = runs[:4]
    (full, _), (texts, _) = runs[4:]
    decisions_agree = mismatches(((score, tier) for score, tier, _ in decisions), expected)
    documents_agree = mismatches(streamed, expected) + mismatches(
        ((document["score"], document["tier"]) for document in documents), expected
    )
    all_kept = f"every document kept: {throughput(count, kept, reference)}"
    return [
        Row(
            "scalar, vn.four-good-cell",
            "hand-written Python (score and tier)",
            size_of(count),
            reference,
        ),
        line(
            "criteriakit: score, tier, reasons",
            count,
            scored,
            reference,
            DECIDED_TARGET,
            agreement(decisions_agree, count) + " with hand-written",
        ),
        line(
            "criteriakit: to_dict() of each",
            count,
            written,
            reference,
            DOCUMENT_TARGET,
            agreement(documents_agree, 2 * count) + " with hand-written",
            all_kept,
        ),
        line("criteriakit: every part read", count, full, reference, EXPLAINED_TARGET),
        line("criteriakit: explain() of each", count, texts, reference, None),
    ]


def main() -> None:
    """Print the table for the number of units given on the command line (20,000 by default)."""
    from harness import table  # noqa: PLC0415  only the command line prints

    count = int(sys.argv[1]) if len(sys.argv) > 1 else FULL_SIZE
    print(table(run(count, repeats=3)))


if __name__ == "__main__":
    main()
