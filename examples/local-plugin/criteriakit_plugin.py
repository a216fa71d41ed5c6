"""Acme's local criteriakit plugin: a company formula, a scorer and a check of the data."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import criteriakit
from criteriakit.expressions import NUMBER, Undefined

HOURS_BASE = 200_000
"""Incident rates count incidents per 200,000 hours worked: 100 people working for a year."""


def incident_rate(incidents: float, hours_worked: float) -> float | Undefined:
    """Return the incidents per 200,000 hours worked; undefined when no hour was worked."""
    if hours_worked <= 0:
        return Undefined("division-by-zero", "no hours worked")
    return incidents * HOURS_BASE / hours_worked


def diminishing(value: float, full_at: float) -> float:
    """Return the share of the points: the square root of value / full_at."""
    return math.sqrt(max(value, 0.0) / full_at)


def diminishing_needed(share: float, full_at: float) -> float:
    """Return the least value that earns ``share`` of the points (the inverse)."""
    return share * share * full_at


@criteriakit.hookimpl
def criteriakit_register_functions(register: Callable[[criteriakit.FunctionSpec], None]) -> None:
    """Add incident_rate(incidents, hours_worked) to the expression language."""
    register(
        criteriakit.FunctionSpec(
            "incident_rate",
            (NUMBER, NUMBER),
            NUMBER,
            incident_rate,
            description="Incidents per 200,000 hours worked.",
        )
    )


@criteriakit.hookimpl
def criteriakit_register_scorers(register: Callable[[criteriakit.ScorerType], None]) -> None:
    """Add the "diminishing" scorer: points grow with the square root of value / full_at."""
    register(
        criteriakit.function_scorer(
            "diminishing",
            diminishing,
            parameters={"full_at": None},
            needed=diminishing_needed,
            description="Square root of value / full_at: the first steps count most.",
        )
    )


@criteriakit.hookimpl
@criteriakit.applies_to("acme.team-safety")
def criteriakit_validate_inputs(
    framework: criteriakit.Framework,  # noqa: ARG001  the hook's signature
    inputs: Mapping[str, object],
) -> list[tuple[str, str]]:
    """Reject team data that cannot be true."""
    problems = []
    if exceeds(inputs, "members_with_initiative", "members"):
        problems.append(("members_with_initiative", "more members with an initiative than members"))
    if exceeds(inputs, "serious_incidents", "recordable_incidents"):
        problems.append(("serious_incidents", "more serious incidents than recordable incidents"))
    return problems


def exceeds(inputs: Mapping[str, object], part: str, whole: str) -> bool:
    """Whether the count ``part`` is greater than the count ``whole``."""
    part_count, whole_count = inputs.get(part), inputs.get(whole)
    return isinstance(part_count, int) and isinstance(whole_count, int) and part_count > whole_count
