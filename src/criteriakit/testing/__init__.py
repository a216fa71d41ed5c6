"""Testing rules like code: assertion helpers, case files, rule coverage (``docs/testing.md``).

Everything here is imported on first use, so ``import criteriakit.testing`` costs next to
nothing (pytest imports it whenever criteriakit is installed, for the plugin) and never imports
pytest or hypothesis::

    from criteriakit.testing import assert_tier, assert_reasons

    def test_a_disunity_finding_is_a_veto(cell):
        result = cell.evaluate({**PERFECT, "disunity_found": True})
        assert_tier(result, "not-completed")
        assert_reasons(result, "disunity")

- assertion helpers (:mod:`~criteriakit.testing.assertions`): ``assert_result``,
  ``assert_tier``, ``assert_band_tier``, ``assert_score``, ``assert_reasons``,
  ``assert_points``; their failures show the score, the band and final tier, the reasons and
  the indicators that lost points;
- case files (:mod:`~criteriakit.testing.cases`, :mod:`~criteriakit.testing.runner`):
  ``load_case_file``, ``run_case_file``, ``run_case``;
- rule coverage (:mod:`~criteriakit.testing.coverage`): ``rule_coverage``,
  ``CoverageRecorder``;
- the submodules ``strategies`` (hypothesis strategies for a framework's inputs) and
  ``properties`` (property checks), which need hypothesis; and ``pytest_plugin``, which pytest
  loads by itself.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from criteriakit.errors import CaseFileError
    from criteriakit.testing import properties, strategies
    from criteriakit.testing.assertions import (
        DEFAULT_TOLERANCE,
        Expectation,
        Mismatch,
        assert_band_tier,
        assert_points,
        assert_reasons,
        assert_result,
        assert_score,
        assert_tier,
        compare,
        describe_result,
    )
    from criteriakit.testing.cases import Case, CaseFile, UnitCase, load_case_file
    from criteriakit.testing.coverage import (
        CoverageRecorder,
        RuleCoverage,
        RuleUse,
        rule_coverage,
    )
    from criteriakit.testing.runner import (
        CaseOutcome,
        Failure,
        FileOutcome,
        FrameworkFinder,
        PluginSetup,
        find_framework,
        run_case,
        run_case_file,
    )

__all__ = [
    "DEFAULT_TOLERANCE",
    "Case",
    "CaseFile",
    "CaseFileError",
    "CaseOutcome",
    "CoverageRecorder",
    "Expectation",
    "Failure",
    "FileOutcome",
    "FrameworkFinder",
    "Mismatch",
    "PluginSetup",
    "RuleCoverage",
    "RuleUse",
    "UnitCase",
    "assert_band_tier",
    "assert_points",
    "assert_reasons",
    "assert_result",
    "assert_score",
    "assert_tier",
    "compare",
    "describe_result",
    "find_framework",
    "load_case_file",
    "properties",
    "rule_coverage",
    "run_case",
    "run_case_file",
    "strategies",
]

_SUBMODULES = frozenset({"properties", "strategies"})
_HOMES = {
    "CaseFileError": "criteriakit.errors",
    **dict.fromkeys(
        (
            "DEFAULT_TOLERANCE",
            "Expectation",
            "Mismatch",
            "assert_band_tier",
            "assert_points",
            "assert_reasons",
            "assert_result",
            "assert_score",
            "assert_tier",
            "compare",
            "describe_result",
        ),
        "criteriakit.testing.assertions",
    ),
    **dict.fromkeys(
        ("Case", "CaseFile", "UnitCase", "load_case_file"), "criteriakit.testing.cases"
    ),
    **dict.fromkeys(
        ("CoverageRecorder", "RuleCoverage", "RuleUse", "rule_coverage"),
        "criteriakit.testing.coverage",
    ),
    **dict.fromkeys(
        (
            "CaseOutcome",
            "Failure",
            "FileOutcome",
            "FrameworkFinder",
            "PluginSetup",
            "find_framework",
            "run_case",
            "run_case_file",
        ),
        "criteriakit.testing.runner",
    ),
}


def __getattr__(name: str) -> Any:
    """Import a public name, or the ``strategies`` and ``properties`` submodules, on first use."""
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the public names, imported or not."""
    return sorted({*globals(), *__all__})
