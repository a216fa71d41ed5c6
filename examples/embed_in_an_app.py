"""Embedding criteriakit in an application: evaluate one cell and show why it got its tier.

Run: python examples/embed_in_an_app.py
"""

from __future__ import annotations

import json
from pathlib import Path

import criteriakit

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Evaluate one cell, print its explanation, then its result as JSON."""
    framework = criteriakit.load_framework(
        HERE.parent
        / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks/vn.four-good-cell.toml"
    )
    cell = {
        "targets_assigned": 12,
        "targets_met": 12,
        "targets_exceeded": 3,
        "action_plan_on_time": True,
        "mass_orgs_total": 4,
        "mass_orgs_good": 3,
        "meetings_held": 12,
        "attendance_rate": 0.91,
        "thematic_meetings": 4,
        "absence_rule_kept": True,
        "members_disciplined": 0,
        "half_years_approved": 2,
        "disunity_found": False,
        "members_rated": 18,
        "members_good_or_better": 16,
        "members_not_completed": 0,
        "admissions": 1,
        "months_evaluated": 12,
    }
    try:
        result = framework.evaluate(cell, unit="cell-07")
    except criteriakit.CriteriaKitError as error:
        raise SystemExit(str(error)) from None
    print(result.explain())
    print()
    print(
        json.dumps(
            {"unit": result.unit, "score": result.score, "tier": result.tier}, ensure_ascii=False
        )
    )


if __name__ == "__main__":
    main()
