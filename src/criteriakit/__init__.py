"""criteriakit: configurable evaluation frameworks.

Load a framework (criteria → indicators → scorers → points or weights → tiers with gates,
vetoes and caps) from a TOML file, evaluate units against it, and get a score, a tier and a
full explanation::

    import criteriakit

    framework = criteriakit.load_framework("vn.four-good-cell.toml")
    result = framework.evaluate({"targets_assigned": 10, ...}, unit="cell-07")
    print(result.score, result.tier)
    print(result.explain())
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from criteriakit._version import __version__

if TYPE_CHECKING:
    from criteriakit import limits
    from criteriakit.columnar import evaluate_frame, evaluate_levels_frame
    from criteriakit.compiling.extensions import Extensions, Weighting, applies_to
    from criteriakit.compiling.scorer_types import ScorerContext, ScorerType, function_scorer
    from criteriakit.diff import DiffEntry, FrameworkDiff, diff_definitions
    from criteriakit.errors import (
        CaseFileError,
        CriteriaKitError,
        DataError,
        EvaluationError,
        ExpressionError,
        ExpressionSyntaxError,
        ExpressionTypeError,
        FrameworkError,
        PluginError,
        Problem,
        UnknownFrameworkError,
    )
    from criteriakit.expressions import FunctionSpec
    from criteriakit.loading import framework_from_dict, load_framework, loads_framework
    from criteriakit.model.framework import (
        Check,
        Criterion,
        Field,
        FrameworkDefinition,
        Gate,
        Indicator,
        IndicatorPolicy,
        Input,
        Policy,
        Rule,
        Tier,
    )
    from criteriakit.model.improvement import Change, Improvement, Obstacle
    from criteriakit.model.results import CriterionResult, IndicatorResult, Reason, Result
    from criteriakit.model.scorers import (
        Band,
        BooleanScorer,
        LinearScorer,
        LookupScorer,
        RelativeScorer,
        Scorer,
        TargetScorer,
        ThresholdScorer,
    )
    from criteriakit.plugins import hookimpl
    from criteriakit.registry import Registry, get_framework
    from criteriakit.reports import report
    from criteriakit.scalar.framework import Framework
    from criteriakit.scalar.sensitivity import (
        RankMargin,
        WeightMargin,
        rank_margins,
        weight_margins,
    )

_HOMES = {
    "criteriakit.columnar": ("evaluate_frame", "evaluate_levels_frame"),
    "criteriakit.diff": ("DiffEntry", "FrameworkDiff", "diff_definitions"),
    "criteriakit.errors": (
        "CaseFileError",
        "CriteriaKitError",
        "DataError",
        "EvaluationError",
        "ExpressionError",
        "ExpressionSyntaxError",
        "ExpressionTypeError",
        "FrameworkError",
        "PluginError",
        "Problem",
        "UnknownFrameworkError",
    ),
    "criteriakit.expressions": ("FunctionSpec",),
    "criteriakit.compiling.extensions": ("Extensions", "Weighting", "applies_to"),
    "criteriakit.scalar.framework": ("Framework",),
    "criteriakit.scalar.sensitivity": (
        "RankMargin",
        "WeightMargin",
        "rank_margins",
        "weight_margins",
    ),
    "criteriakit.loading": ("framework_from_dict", "load_framework", "loads_framework"),
    "criteriakit.model.framework": (
        "Check",
        "Criterion",
        "Field",
        "FrameworkDefinition",
        "Gate",
        "Indicator",
        "IndicatorPolicy",
        "Input",
        "Policy",
        "Rule",
        "Tier",
    ),
    "criteriakit.model.improvement": ("Change", "Improvement", "Obstacle"),
    "criteriakit.model.results": ("CriterionResult", "IndicatorResult", "Reason", "Result"),
    "criteriakit.model.scorers": (
        "Band",
        "BooleanScorer",
        "LinearScorer",
        "LookupScorer",
        "RelativeScorer",
        "Scorer",
        "TargetScorer",
        "ThresholdScorer",
    ),
    "criteriakit.plugins": ("hookimpl",),
    "criteriakit.registry": ("Registry", "get_framework"),
    "criteriakit.reports": ("report",),
    "criteriakit.compiling.scorer_types": ("ScorerContext", "ScorerType", "function_scorer"),
}
"""The module that defines each public name: ``import criteriakit`` imports none of them."""

_HOME = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (PEP 562), then keep the name here.

    ``import criteriakit`` costs almost nothing: a command that only prints its help, or a
    pytest run where the plugin is installed but unused, never loads the loader, the
    expression compiler or Polars.
    """
    if name == "limits":
        value: Any = importlib.import_module("criteriakit.limits")
    elif name in _HOME:
        value = getattr(importlib.import_module(_HOME[name]), name)
    else:
        raise AttributeError(f"module 'criteriakit' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "Band",
    "BooleanScorer",
    "CaseFileError",
    "Change",
    "Check",
    "CriteriaKitError",
    "Criterion",
    "CriterionResult",
    "DataError",
    "DiffEntry",
    "EvaluationError",
    "ExpressionError",
    "ExpressionSyntaxError",
    "ExpressionTypeError",
    "Extensions",
    "Field",
    "Framework",
    "FrameworkDefinition",
    "FrameworkDiff",
    "FrameworkError",
    "FunctionSpec",
    "Gate",
    "Improvement",
    "Indicator",
    "IndicatorPolicy",
    "IndicatorResult",
    "Input",
    "LinearScorer",
    "LookupScorer",
    "Obstacle",
    "PluginError",
    "Policy",
    "Problem",
    "RankMargin",
    "Reason",
    "Registry",
    "RelativeScorer",
    "Result",
    "Rule",
    "Scorer",
    "ScorerContext",
    "ScorerType",
    "TargetScorer",
    "ThresholdScorer",
    "Tier",
    "UnknownFrameworkError",
    "WeightMargin",
    "Weighting",
    "__version__",
    "applies_to",
    "diff_definitions",
    "evaluate_frame",
    "evaluate_levels_frame",
    "framework_from_dict",
    "function_scorer",
    "get_framework",
    "hookimpl",
    "limits",
    "load_framework",
    "loads_framework",
    "rank_margins",
    "report",
    "weight_margins",
]
