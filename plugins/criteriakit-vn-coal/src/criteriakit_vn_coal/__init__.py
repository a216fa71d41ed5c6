"""criteriakit-vn-coal: a coal-mining company's specialisation of the 4-good party cell framework.

Installed next to ``criteriakit-vn-party``, it registers through the ``criteriakit`` entry-point
group:

- the framework ``vn.four-good-cell.coal-mining@2024``, which extends ``vn.four-good-cell@2024``:
  indicator 1.4 gives way to X1 "initiatives per member" and X2 "share of members with at least
  one initiative", and *excellent* needs every member to have an initiative;
- the expression function ``per_member(count, members)``: a count per member, undefined when
  the cell has no members;
- in the framework file, a ``[[checks]]`` entry: a cell cannot have more members with an
  initiative than members (initiatives may be joint, so there may be fewer initiatives than
  members with one). It is checked by every engine, for this framework only.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable
from pathlib import Path

import criteriakit
from criteriakit.expressions import INTEGER, NUMBER, Undefined

__all__ = [
    "FRAMEWORK_ID",
    "criteriakit_register_frameworks",
    "criteriakit_register_functions",
    "per_member",
]

FRAMEWORK_ID = "vn.four-good-cell.coal-mining"


def per_member(count: int, members: int) -> float | Undefined:
    """Return ``count / members``; undefined (a division by zero) for a cell without members."""
    if members == 0:
        return Undefined("division-by-zero", "per_member() of a cell without members")
    return count / members


@criteriakit.hookimpl
def criteriakit_register_functions(register: Callable[[criteriakit.FunctionSpec], None]) -> None:
    """Register per_member(count, members)."""
    register(
        criteriakit.FunctionSpec(
            "per_member",
            (INTEGER, INTEGER),
            NUMBER,
            per_member,
            "A count per member of the cell; undefined without members.",
        )
    )


@criteriakit.hookimpl
def criteriakit_register_frameworks(register: Callable[[Path], None]) -> None:
    """Register vn.four-good-cell.coal-mining@2024 (its base comes from criteriakit-vn-party)."""
    frameworks = importlib.resources.files(__name__) / "frameworks"
    register(Path(str(frameworks / f"{FRAMEWORK_ID}.toml")))
