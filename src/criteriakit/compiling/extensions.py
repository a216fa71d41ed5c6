"""What plugins add to frameworks: functions, scorer types, weightings and evaluation hooks.

An :class:`Extensions` value is what a framework is loaded and evaluated with. The
:class:`~criteriakit.Registry` builds one from every loaded plugin (see
:mod:`criteriakit.plugins.registrations`, whose ``builtin_extensions`` is criteriakit's own
plugin alone, used when a framework is loaded without a registry).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, TypeVar

import attrs

from criteriakit.compiling.scorer_types import ScorerType
from criteriakit.errors import PluginError, Problem, plugin_errors
from criteriakit.expressions import FunctionSpec
from criteriakit.expressions.floats import add_up

if TYPE_CHECKING:
    import polars as pl

    from criteriakit.model.results import Result
    from criteriakit.plugins import LoadedPlugins, PluginInfo
    from criteriakit.scalar.framework import Framework

Hook = tuple["PluginInfo", Callable[..., object]]
"""A plugin and its implementation of an evaluation hook, taking the hook's arguments by keyword."""
__all__ = ["BUILTIN_WEIGHTINGS", "Extensions", "Weighting", "WeightingColumns", "applies_to"]

_Implementation = TypeVar("_Implementation", bound=Callable[..., object])
_SCOPE = "criteriakit_frameworks"
"""The attribute :func:`applies_to` sets on a hook implementation: its framework patterns."""


def applies_to(*frameworks: str) -> Callable[[_Implementation], _Implementation]:
    """Say which frameworks a plugin's per-unit hook applies to, by id or ``fnmatch`` pattern.

    For ``criteriakit_validate_inputs`` and ``criteriakit_adjust_result``, which are otherwise
    called for every framework: a hook that says where it applies is never called for other
    frameworks, so it neither slows their columnar evaluation (which runs unscoped input
    checks row by row) nor makes the columnar engine refuse them (as it refuses frameworks
    whose results a plugin adjusts)::

        @criteriakit.hookimpl
        @criteriakit.applies_to("acme.team-safety", "acme.team-safety.*")
        def criteriakit_validate_inputs(framework, inputs): ...
    """
    if not frameworks or not all(isinstance(pattern, str) and pattern for pattern in frameworks):
        raise TypeError("applies_to() needs one or more framework ids or patterns")

    def mark(implementation: _Implementation) -> _Implementation:
        setattr(implementation, _SCOPE, frameworks)
        return implementation

    return mark


def _applies(hook: Hook, framework_id: str) -> bool:
    """Return whether ``hook`` applies to the framework ``framework_id`` (unscoped: to all)."""
    patterns: tuple[str, ...] | None = getattr(hook[1], _SCOPE, None)
    return patterns is None or any(fnmatchcase(framework_id, pattern) for pattern in patterns)


@attrs.frozen
class WeightingColumns:
    """What a weighting's columnar form combines: each criterion's score and maximum as columns.

    ``maxima`` are reduced by excluded indicators and ``scored`` is their sum, as in ``combine``;
    ``full`` is the criteria's maxima added up when no indicator can be left out (every row's
    ``scored`` is then that number, and the frame holds it as a constant column for
    :func:`criteriakit.columnar.floats.divided_by`), else ``None``.
    """

    scores: tuple[pl.Expr, ...]
    maxima: tuple[pl.Expr, ...]
    scored: pl.Expr
    max_score: float
    full: float | None


@attrs.frozen
class Weighting:
    """How criterion scores combine into the total: ``combine(scores, maxima, max_score)``.

    ``scores`` and ``maxima`` are the criteria's scores and maxima (maxima reduced by excluded
    indicators); the result is the total on the framework's ``max_score``. ``additive`` says the
    total moves point for point with the scores, which "what it would take" relies on to
    suggest indicator changes. ``columnar``, optional, is the same total as a Polars expression
    over :class:`WeightingColumns`, for the columnar engine; without it the engine calls
    ``combine`` row by row (and warns that it does).
    """

    name: str
    combine: Callable[[Sequence[float], Sequence[float], float], float]
    additive: bool = False
    description: str = ""
    columnar: Callable[[WeightingColumns], pl.Expr] | None = None


# The built-in weightings: each total written once for a unit and once for columns, side by side.
# The columnar forms import Polars when called: the core install has no Polars.


def _sum(scores: Sequence[float], maxima: Sequence[float], max_score: float) -> float:
    total = add_up(scores)
    scored = add_up(maxima)
    return total if scored == max_score else total * max_score / scored


def _sum_columns(columns: WeightingColumns) -> pl.Expr:
    import polars as pl  # noqa: PLC0415 - see above

    from criteriakit.columnar.floats import added_up, divided_by  # noqa: PLC0415 - as Polars

    total = added_up(columns.scores)
    if columns.full is None:  # maxima vary by row: a column divides as IEEE does
        rescaled = (total * columns.max_score) / columns.scored
        return pl.when(columns.scored == columns.max_score).then(total).otherwise(rescaled)
    if columns.full == columns.max_score:
        return total
    return divided_by(total * columns.max_score, columns.full)


def _geometric(scores: Sequence[float], maxima: Sequence[float], max_score: float) -> float:
    scored = add_up(maxima)
    product = 1.0
    for score, maximum in zip(scores, maxima, strict=True):
        if maximum > 0:
            product *= (score / maximum) ** (maximum / scored)
    return max_score * product


def _geometric_columns(columns: WeightingColumns) -> pl.Expr:
    import polars as pl  # noqa: PLC0415 - see above

    from criteriakit.columnar.floats import divided  # noqa: PLC0415 - as Polars

    product: pl.Expr = pl.lit(1.0)
    for score, maximum in zip(columns.scores, columns.maxima, strict=True):
        factor = divided(score, maximum) ** divided(maximum, columns.scored)
        product = product * pl.when(maximum > 0).then(factor).otherwise(pl.lit(1.0))
    return pl.lit(columns.max_score) * product


BUILTIN_WEIGHTINGS: tuple[Weighting, ...] = (
    Weighting(
        "sum",
        _sum,
        additive=True,
        description="The sum of the criteria's points (the default).",
        columnar=_sum_columns,
    ),
    Weighting(
        "geometric",
        _geometric,
        description="Weighted geometric mean of the criteria's shares: a weak criterion drags the total down.",
        columnar=_geometric_columns,
    ),
)
"""The built-in weightings, registered by criteriakit's own plugin."""


@attrs.frozen
class Extensions:
    """Functions, scorer types and weightings by name, and the plugins whose hooks evaluation calls."""

    functions: Mapping[str, FunctionSpec]
    scorers: Mapping[str, ScorerType]
    weightings: Mapping[str, Weighting]
    input_validators: tuple[Hook, ...] = ()
    result_adjusters: tuple[Hook, ...] = ()

    @classmethod
    def gather(
        cls,
        plugins: LoadedPlugins,
        functions: Mapping[str, FunctionSpec],
        scorers: Mapping[str, ScorerType],
        weightings: Mapping[str, Weighting],
    ) -> Extensions:
        """Bundle registrations with the plugins' evaluation hooks, looked up once."""
        return cls(
            functions,
            scorers,
            weightings,
            tuple(plugins.implementations("criteriakit_validate_inputs")),
            tuple(plugins.implementations("criteriakit_adjust_result")),
        )

    def scoped(self, framework_id: str) -> Extensions:
        """Return these extensions with only the hooks that apply to ``framework_id``."""
        validators = tuple(hook for hook in self.input_validators if _applies(hook, framework_id))
        adjusters = tuple(hook for hook in self.result_adjusters if _applies(hook, framework_id))
        if validators == self.input_validators and adjusters == self.result_adjusters:
            return self
        return attrs.evolve(self, input_validators=validators, result_adjusters=adjusters)

    def input_problems(self, framework: Framework, inputs: Mapping[str, object]) -> list[Problem]:
        """Return what the plugins' ``criteriakit_validate_inputs`` hooks find in ``inputs``."""
        problems: list[Problem] = []
        for plugin, implementation in self.input_validators:
            with plugin_errors(plugin.name, plugin.distribution, "criteriakit_validate_inputs"):
                findings = implementation(framework=framework, inputs=inputs)
            for finding in findings or ():  # type: ignore[attr-defined]  # hooks return an iterable
                name, message = finding if isinstance(finding, tuple) else ("", str(finding))
                problems.append(Problem(f"{message} (plugin {plugin.name})", path=name))
        return problems

    def adjust(self, framework: Framework, result: Result) -> Result:
        """Pass the result through the plugins' ``criteriakit_adjust_result`` hooks in order."""
        from criteriakit.model.results import Result  # noqa: PLC0415  avoids an import cycle

        for plugin, implementation in self.result_adjusters:
            with plugin_errors(plugin.name, plugin.distribution, "criteriakit_adjust_result"):
                adjusted = implementation(framework=framework, result=result)
            if adjusted is None:
                continue
            if not isinstance(adjusted, Result):
                message = f"returned {type(adjusted).__name__}; return a Result or None"
                raise PluginError(
                    message,
                    plugin=plugin.name,
                    distribution=plugin.distribution,
                    hook="criteriakit_adjust_result",
                )
            result = adjusted
        return result
