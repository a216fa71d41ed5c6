"""The ``criteriakit`` command line: lint frameworks, evaluate data sets, explain results.

Exit status: 0 on success, 1 when a framework, the data or an evaluation has problems (all of
them printed to standard error), 2 for usage errors. The commands need the ``cli`` extra; without
it the command says how to install it instead of failing with a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]

_CLI_MODULES = frozenset({"click"})


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line (the ``criteriakit`` console script)."""
    try:
        from criteriakit._commands import build_cli  # noqa: PLC0415  click is an extra
    except ModuleNotFoundError as error:
        if error.name not in _CLI_MODULES:
            raise
        sys.stderr.write(
            f"the criteriakit command needs {error.name}: pip install 'criteriakit[cli]'\n"
        )
        sys.exit(2)
    build_cli().main(args=list(argv) if argv is not None else None, prog_name="criteriakit")
