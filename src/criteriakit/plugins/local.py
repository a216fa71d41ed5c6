"""A local plugin directory's framework files, registered through the frameworks hook."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from criteriakit.plugins.hookspecs import hookimpl

__all__ = ["LocalFrameworks"]


class LocalFrameworks:
    """Registers every ``*.toml`` file of a directory as a framework, in name order.

    Test case files (``test_*.toml``, see ``docs/testing.md``) are not frameworks and are skipped,
    so that a plugin directory may keep its cases beside its frameworks.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @hookimpl
    def criteriakit_register_frameworks(self, register: Callable[[Path], None]) -> None:
        """Register the directory's framework files."""
        for path in sorted(self.directory.glob("*.toml")):
            if not path.name.startswith("test_"):
                register(path)
