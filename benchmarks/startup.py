"""Start-up: what importing criteriakit, its help and its pytest plugin cost a fresh process.

Run: python benchmarks/startup.py [REPEATS]   (or as the ``startup`` workload of run.py)

Every line is a fresh interpreter (``python -c ...``), timed from outside, the best of a few
runs; the runs of lines compared with each other alternate, so that they meet the same busy and
quiet moments of a shared machine. The reference is the same machine's
``python -c "import attrs, cattrs, pluggy, narwhals"``, criteriakit's core dependencies, minus
an empty interpreter's start. The targets (issue 13):

- ``import criteriakit`` adds at most as much as those dependencies, and under 100 ms;
- ``criteriakit --help`` under 300 ms, the interpreter's start included;
- the pytest plugin, installed but unused, adds under 50 ms to an unrelated pytest run. Two
  whole pytest runs differ by more than that on a shared machine, so the plugin's own cost is
  timed inside a pytest process: importing it (its hooks return at once for other files).

A last line, without a target, is what a first result costs: import, load
``vn.four-good-cell`` and evaluate one unit.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from harness import VN_PARTY, Row

IMPORT_TARGET = 0.100
HELP_TARGET = 0.300
PYTEST_TARGET = 0.050

_DEPENDENCIES = "import attrs, cattrs, pluggy, narwhals"
_CELL = {
    "targets_assigned": 10,
    "targets_met": 9,
    "targets_exceeded": 2,
    "action_plan_on_time": True,
    "mass_orgs_total": 4,
    "mass_orgs_good": 3,
    "meetings_held": 12,
    "attendance_rate": 0.93,
    "thematic_meetings": 4,
    "absence_rule_kept": True,
    "members_disciplined": 0,
    "half_years_approved": 2,
    "disunity_found": False,
    "members_rated": 20,
    "members_good_or_better": 18,
    "members_not_completed": 0,
    "admissions": 1,
    "admissions_target": 1,
    "months_evaluated": 12,
}
_FIRST_RESULT = (
    "import criteriakit; "
    f"framework = criteriakit.load_framework({str(VN_PARTY / 'vn.four-good-cell.toml')!r}); "
    f"assert framework.evaluate({_CELL!r}, 'cell').tier"
)


def _seconds(command: Sequence[str], cwd: Path | None = None) -> float:
    """Run ``command`` once in a fresh process; its wall-clock seconds. Raise if it fails."""
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=cwd)  # noqa: S603 - our own
    return time.perf_counter() - start


def _best(commands: Sequence[Sequence[str]], repeats: int, cwd: Path | None = None) -> list[float]:
    """The best time of each command over ``repeats`` rounds, the commands alternating."""
    best = [float("inf")] * len(commands)
    for _ in range(repeats):
        for index, command in enumerate(commands):
            best[index] = min(best[index], _seconds(command, cwd))
    return best


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _imports(repeats: int) -> list[Row]:
    bare, dependencies, package, first = _best(
        [
            _python("pass"),
            _python(_DEPENDENCIES),
            _python("import criteriakit"),
            _python(_FIRST_RESULT),
        ],
        repeats,
    )
    reference = dependencies - bare
    added = package - bare
    return [
        Row("startup", "python -c pass (the interpreter alone)", "1 process", bare),
        Row(
            "startup",
            f'reference: python -c "{_DEPENDENCIES}"',
            "1 process",
            dependencies,
            ratio=f"adds {_ms(reference)}",
        ),
        Row(
            "startup",
            "import criteriakit",
            "1 process",
            package,
            ratio=f"adds {_ms(added)}, {added / reference:.2f}x the dependencies'",
            target=f"adds ≤ the dependencies' time and < {_ms(IMPORT_TARGET)}",
            met=added <= reference and added < IMPORT_TARGET,
        ),
        Row(
            "startup",
            "import, load vn.four-good-cell, evaluate one unit",
            "1 process",
            first,
            ratio=f"adds {_ms(first - bare)}",
            note="what a first result costs: the loader, the expression compiler and the "
            "framework's compilation, imported and run once",
        ),
    ]


def _help(repeats: int) -> list[Row]:
    [seconds] = _best([[sys.executable, "-m", "criteriakit", "--help"]], repeats)
    return [
        Row(
            "startup",
            "criteriakit --help",
            "1 process",
            seconds,
            target=f"< {_ms(HELP_TARGET)}",
            met=seconds < HELP_TARGET,
        )
    ]


_PLUGIN_IMPORT = (
    "import time, pytest; start = time.perf_counter(); "
    "import criteriakit.testing.pytest_plugin; print(time.perf_counter() - start)"
)


def _plugin_import(repeats: int) -> float:
    """The best in-process time to import the plugin into a process that has pytest."""
    best = float("inf")
    for _ in range(repeats):
        done = subprocess.run(  # noqa: S603 - our own interpreter
            _python(_PLUGIN_IMPORT), check=True, capture_output=True, text=True
        )
        best = min(best, float(done.stdout))
    return best


def _pytest(repeats: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "test_unrelated.py").write_text("def test_nothing():\n    pass\n")
        pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        without, with_plugin = _best(
            [[*pytest, "-p", "no:criteriakit"], pytest], repeats, cwd=Path(folder)
        )
    imported = _plugin_import(repeats)
    return [
        Row("startup", "pytest, an unrelated test, plugin off", "1 test", without),
        Row(
            "startup",
            "pytest, an unrelated test, criteriakit's plugin on",
            "1 test",
            with_plugin,
            ratio=f"adds {_ms(with_plugin - without)}",
            note="two whole pytest runs differ by more than the plugin costs on a busy machine; "
            "the next line times the plugin itself",
        ),
        Row(
            "startup",
            "the plugin's import in a pytest process (timed inside it)",
            "1 import",
            imported,
            target=f"< {_ms(PYTEST_TARGET)}",
            met=imported < PYTEST_TARGET,
            note="all an unrelated run pays: its hooks return at once for files that are not "
            "test_*.toml case files",
        ),
    ]


def run(repeats: int) -> list[Row]:
    """Time the start-ups, each the best of ``repeats`` fresh processes."""
    return [*_imports(repeats), *_help(repeats), *_pytest(repeats)]


if __name__ == "__main__":
    from harness import table

    print(table(run(int(sys.argv[1]) if len(sys.argv) > 1 else 10)))
