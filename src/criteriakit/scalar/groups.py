"""Which units are compared with which: the units of each parent, or all evaluated together.

Quotas, relative scorers and the ranking each work among a group of the units evaluated
together; :func:`groups` says which positions form each group, so that all three agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

__all__ = ["groups"]


def groups(
    parents: Iterable[str | None], within: Literal["all", "parent"] = "parent"
) -> list[list[int]]:
    """Return the positions of the units of each group, groups in order of first appearance.

    ``within = "parent"`` groups the units that share a parent (those without one form one
    group); ``"all"`` puts every unit in one group.
    """
    found: dict[str | None, list[int]] = {}
    for index, parent in enumerate(parents):
        found.setdefault(parent if within == "parent" else None, []).append(index)
    return list(found.values())
