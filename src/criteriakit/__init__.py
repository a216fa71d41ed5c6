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

from typing import Any

from criteriakit import limits
from criteriakit._version import __version__
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
from criteriakit.extensions import Extensions, Weighting, applies_to
from criteriakit.framework import Framework
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
    Scorer,
    TargetScorer,
    ThresholdScorer,
)
from criteriakit.plugins import hookimpl
from criteriakit.registry import Registry, get_framework
from criteriakit.scorer_types import ScorerContext, ScorerType, function_scorer

_COLUMNAR = frozenset({"evaluate_frame", "evaluate_levels_frame"})


def __getattr__(name: str) -> Any:
    """Import the columnar executor (which needs Polars) only when it is used."""
    if name in _COLUMNAR:
        from criteriakit import columnar  # noqa: PLC0415  keeps Polars out of a plain import

        return getattr(columnar, name)
    raise AttributeError(f"module 'criteriakit' has no attribute {name!r}")


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
    "Reason",
    "Registry",
    "Result",
    "Rule",
    "Scorer",
    "ScorerContext",
    "ScorerType",
    "TargetScorer",
    "ThresholdScorer",
    "Tier",
    "UnknownFrameworkError",
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
]
