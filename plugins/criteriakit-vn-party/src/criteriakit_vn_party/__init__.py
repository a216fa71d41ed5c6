"""criteriakit-vn-party: the Vietnamese "4-good" party frameworks as a criteriakit plugin.

Installed, it registers three frameworks through the ``criteriakit`` entry-point group:

- ``vn.four-good-member@2024``: one party member for a year (the mean of the monthly reviews);
- ``vn.four-good-cell@2024``: one party cell for a year, on 100 points;
- ``vn.four-good-committee@2024``: one grassroots party committee for a year, on 100 points.

All three are valid from 2024-05-19 (Guidance 05-HD/BTCTU) and share the tiers ``excellent``,
``good``, ``complete`` and ``not-completed`` at 90, 70 and 50 points.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable
from pathlib import Path

import criteriakit

__all__ = ["FRAMEWORK_FILES", "criteriakit_register_frameworks", "framework_path"]

FRAMEWORK_FILES = (
    "vn.four-good-member.toml",
    "vn.four-good-cell.toml",
    "vn.four-good-committee.toml",
)
"""The framework files this plugin registers, the lowest level first."""


def framework_path(name: str) -> Path:
    """Return the filesystem path of one of the bundled framework files (see FRAMEWORK_FILES)."""
    # __name__ is the package's name here (this is its __init__), and unlike __package__ it is
    # never None for the type checker.
    return Path(str(importlib.resources.files(__name__) / "frameworks" / name))


@criteriakit.hookimpl
def criteriakit_register_frameworks(register: Callable[[Path], None]) -> None:
    """Register the member, cell and committee frameworks."""
    for name in FRAMEWORK_FILES:
        register(framework_path(name))
