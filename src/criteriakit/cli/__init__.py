"""The ``criteriakit`` command line: lint frameworks, evaluate data sets, explain results.

Exit status: 0 on success, 1 when a framework, the data or an evaluation has problems (all of
them printed to standard error), 2 for usage errors. The commands need the ``cli`` extra; without
it the command says how to install it instead of failing with a traceback.

The package is one click group (:mod:`._group`), one session every command receives
(:mod:`._session`) and a module for each family of commands. A command module imports click and
little else at its top; what a command runs (the loader, the registry, the engines, Polars) it
imports when it runs, so that ``criteriakit --help`` starts fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from criteriakit.cli._group import build_cli

__all__ = ["build_cli", "main"]

_CLI_MODULES = frozenset({"click"})


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line (the ``criteriakit`` console script)."""
    try:
        from criteriakit.cli._group import build_cli  # noqa: PLC0415  click is an extra
    except ModuleNotFoundError as error:
        if error.name not in _CLI_MODULES:
            raise
        sys.stderr.write(
            f"the criteriakit command needs {error.name}: pip install 'criteriakit[cli]'\n"
        )
        sys.exit(2)
    build_cli().main(args=list(argv) if argv is not None else None, prog_name="criteriakit")


def __getattr__(name: str) -> Any:
    """Import :func:`build_cli`, and click with it, on first use (PEP 562).

    ``main`` must be importable without the ``cli`` extra, to say how to install it.
    """
    if name == "build_cli":
        from criteriakit.cli._group import build_cli  # noqa: PLC0415  click is an extra

        return build_cli
    raise AttributeError(f"module 'criteriakit.cli' has no attribute {name!r}")
