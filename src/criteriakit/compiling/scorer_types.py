"""Scorer types: the kinds of scorer an indicator can use, built in or from plugins.

An indicator's ``scorer = { type = "NAME", ... }`` table selects a :class:`ScorerType` by name;
the table is structured strictly into the type's ``parameters`` class (unknown keys are errors)
and compiled once per indicator by the type's ``compile`` function, which checks the parameters
against the indicator (reporting problems through the :class:`ScorerContext`) and returns the
run-time :class:`~criteriakit.compiling.scoring.CompiledScorer`. The six built-in types (linear,
thresholds, target, boolean, lookup, relative) are registered by criteriakit's own plugin through the
same hook as any other; :func:`function_scorer` makes a type from a plain Python function.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from criteriakit._problems import KeyPath, did_you_mean
from criteriakit.compiling.scoring import (
    CompiledScorer,
    Needed,
    Relative,
    boolean_scorer,
    linear_scorer,
    lookup_scorer,
    relative_scorer,
    target_scorer,
    threshold_scorer,
)
from criteriakit.expressions import (
    BOOL,
    INTEGER,
    NUMBER,
    CompiledExpression,
    ExprType,
    LevelType,
    Undefined,
)
from criteriakit.model.scorers import (
    BooleanScorer,
    LinearScorer,
    LookupScorer,
    RelativeScorer,
    TargetScorer,
    ThresholdScorer,
)

__all__ = ["BUILTIN_SCORER_TYPES", "ScorerContext", "ScorerType", "function_scorer"]

NUMERIC = (NUMBER, INTEGER)


@attrs.frozen
class ScorerContext:
    """What a scorer type knows and may do while one indicator's scorer compiles.

    ``max_points`` is what the indicator is worth; ``awards_in_points`` says whether awards are
    points (points scale) or fractions of the indicator (weights scale); ``value_type`` is the
    type of the indicator's value and ``indicator`` its id. :meth:`expression` compiles an
    expression parameter and :meth:`problem` reports a problem at a key of the scorer table.
    """

    max_points: float
    awards_in_points: bool
    value_type: ExprType
    compile_expression: Callable[[str, str], CompiledExpression | None] = attrs.field(repr=False)
    report: Callable[[KeyPath, str, str | None, bool], None] = attrs.field(repr=False)
    indicator: str = ""

    @property
    def unit_max(self) -> float:
        """The largest award: the indicator's points, or 1 on a weights scale."""
        return self.max_points if self.awards_in_points else 1.0

    def expression(self, key: str, text: str) -> CompiledExpression | None:
        """Compile the expression parameter ``key``; on error report it and return None."""
        return self.compile_expression(key, text)

    def problem(
        self, path: str | KeyPath, message: str, hint: str | None = None, *, at_key: bool = False
    ) -> None:
        """Report a problem at ``path`` inside the scorer table (a key or a key path)."""
        self.report((path,) if isinstance(path, str) else path, message, hint, at_key)


@attrs.frozen
class ScorerType:
    """A kind of scorer: its ``type`` name, parameters class, compile function, accepted values.

    ``parameters`` is an attrs class with a ``type: str`` field and one field per key of the
    scorer table. ``compile(parameters, context)`` returns the run-time scorer, or None after
    reporting problems. ``value_types`` lists the indicator value types it accepts (empty: any),
    described for people by ``accepts``.

    ``columnar``, optional, makes the type fast in the columnar executor: a narwhals builder
    ``columnar(parameters, value)`` that takes the parameters and the indicator's value as a
    narwhals expression and returns the share of the indicator's points (0 to 1, clamped; a
    null or non-finite share makes the indicator undefined, kind ``"division-by-zero"``), as
    ``compile``'s scorer must compute it. Without it, the columnar executor calls the scalar
    scorer row by row.
    """

    name: str
    parameters: type[Any]
    compile: Callable[[Any, ScorerContext], CompiledScorer | None]
    value_types: tuple[ExprType, ...] = ()
    accepts: str = "a number"
    description: str = ""
    columnar: Callable[[Any, Any], Any] | None = None


def _award(context: ScorerContext, path: KeyPath, award: float) -> None:
    if not 0 <= award <= context.unit_max:
        unit = (
            "the indicator's points"
            if context.awards_in_points
            else "1 (a fraction of the indicator)"
        )
        context.problem(
            path,
            f"award {award:g} is outside 0 .. {context.unit_max:g}",
            f"awards range from 0 to {unit}",
        )


def _compile_linear(spec: LinearScorer, context: ScorerContext) -> CompiledScorer | None:
    if spec.zero_at == spec.full_at:
        context.problem("full_at", f"full_at must differ from zero_at ({spec.zero_at:g})")
        return None
    return linear_scorer(spec.zero_at, spec.full_at, context.max_points)


def _compile_thresholds(spec: ThresholdScorer, context: ScorerContext) -> CompiledScorer | None:
    if not spec.bands:
        context.problem(
            "bands",
            "a thresholds scorer needs at least one band",
            "bands = [{ min = 0.9, award = 10 }]",
        )
        return None
    ascending = spec.bands[0].min is not None
    steps: list[tuple[float, float]] = []
    bounds: set[float] = set()  # a set, not a scan of steps: 30,000 bands load at once
    valid = True
    for index, band in enumerate(spec.bands):
        bound = band.min if band.min is not None else band.max
        if bound is None or (band.min is not None and band.max is not None):
            context.problem(
                ("bands", index),
                "a band needs exactly one of 'min' and 'max'",
                "{ min = 0.9, award = 10 }",
            )
            valid = False
        elif (band.min is not None) != ascending:
            context.problem(
                ("bands", index),
                "all bands must use the same key, 'min' or 'max'",
                "use 'min' when higher is better",
            )
            valid = False
        elif bound in bounds:
            context.problem(("bands", index), f"two bands have the bound {bound:g}")
            valid = False
        else:
            bounds.add(bound)
            steps.append((bound, band.award))
        _award(context, ("bands", index, "award"), band.award)
    _award(context, ("otherwise",), spec.otherwise)
    if not valid:
        return None
    scale = 1.0 if context.awards_in_points else context.max_points
    return threshold_scorer(
        steps, ascending=ascending, inclusive=spec.inclusive, otherwise=spec.otherwise, scale=scale
    )


def _compile_target(spec: TargetScorer, context: ScorerContext) -> CompiledScorer | None:
    if isinstance(spec.target, str):
        target = context.expression("target", spec.target)
        if target is None:
            return None
        if target.type not in NUMERIC:
            context.problem(
                "target", f"the target must be a number, but '{spec.target}' is {target.type}"
            )
            return None
        return target_scorer(target, context.max_points)
    if not (spec.target > 0 and math.isfinite(spec.target)):
        context.problem("target", f"the target must be a positive number, got {spec.target:g}")
        return None
    return target_scorer(spec.target, context.max_points)


def _compile_boolean(_: BooleanScorer, context: ScorerContext) -> CompiledScorer:
    return boolean_scorer(context.max_points)


def _key_fits(key: str, value_type: ExprType) -> bool:
    if value_type == BOOL:
        return key in {"true", "false"}
    if value_type == INTEGER:
        return re.fullmatch(r"-?\d+", key) is not None
    if isinstance(value_type, LevelType):
        return key in value_type.levels
    return False


def _key_hint(key: str, value_type: ExprType) -> str | None:
    if isinstance(value_type, LevelType):
        return (
            did_you_mean(key, value_type.levels)
            or f"the levels are: {', '.join(value_type.levels)}"
        )
    if value_type == BOOL:
        return 'the keys of a bool value are "true" and "false"'
    if value_type == INTEGER:
        return 'the keys of an integer value are whole numbers written as strings: "0", "1"'
    return "a lookup needs a level, bool or integer value"


def _key_parser(value_type: ExprType) -> Callable[[str], object]:
    if value_type == INTEGER:
        return int
    if value_type == BOOL:
        return lambda key: key == "true"
    return str


def _compile_lookup(spec: LookupScorer, context: ScorerContext) -> CompiledScorer | None:
    if not spec.table:
        context.problem(
            "table", "a lookup scorer needs a table", 'table = { "good" = 5, "fair" = 2 }'
        )
        return None
    valid = True
    for key, award in spec.table.items():
        _award(context, ("table", key), award)
        if not _key_fits(key, context.value_type):
            message = f"key '{key}' is not a possible value of the indicator ({context.value_type})"
            context.problem(
                ("table", key), message, _key_hint(key, context.value_type), at_key=True
            )
            valid = False
    _award(context, ("otherwise",), spec.otherwise)
    if not valid:
        return None
    scale = 1.0 if context.awards_in_points else context.max_points
    return lookup_scorer(spec.table, spec.otherwise, scale, _key_parser(context.value_type))


def _compile_relative(spec: RelativeScorer, context: ScorerContext) -> CompiledScorer | None:
    if not (spec.spread > 0 and math.isfinite(spec.spread)):
        context.problem("spread", f"spread must be a positive number, got {spec.spread:g}")
        return None
    if spec.spread != 3.0 and spec.normalisation != "zscore":
        context.problem(
            "spread",
            f"spread applies to the zscore normalisation, not {spec.normalisation!r}",
            'normalisation = "zscore", or leave spread out',
        )
        return None
    form = Relative(
        context.indicator,
        spec.normalisation,
        cost=spec.direction == "cost",
        within=spec.within,
        spread=spec.spread,
        max_points=context.max_points,
    )
    return relative_scorer(form)


BUILTIN_SCORER_TYPES: tuple[ScorerType, ...] = (
    ScorerType(
        "linear",
        LinearScorer,
        _compile_linear,
        NUMERIC,
        "a number",
        "Linear between zero_at and full_at.",
    ),
    ScorerType(
        "thresholds",
        ThresholdScorer,
        _compile_thresholds,
        NUMERIC,
        "a number",
        "Steps by bands of values.",
    ),
    ScorerType(
        "target", TargetScorer, _compile_target, NUMERIC, "a number", "Ratio to a target, capped."
    ),
    ScorerType(
        "boolean", BooleanScorer, _compile_boolean, (BOOL,), "a bool", "All points when true."
    ),
    ScorerType(
        "lookup",
        LookupScorer,
        _compile_lookup,
        (),
        "a level, bool or integer",
        "A table from value to award.",
    ),
    ScorerType(
        "relative",
        RelativeScorer,
        _compile_relative,
        NUMERIC,
        "a number",
        "By the value's place among the other units' values.",
    ),
)
"""The built-in scorer types, registered by criteriakit's own plugin."""


def function_scorer(
    name: str,
    fraction: Callable[..., float],
    *,
    parameters: Mapping[str, float | None] | None = None,
    value_type: ExprType = NUMBER,
    needed: Callable[..., float] | None = None,
    description: str = "",
    columnar: Callable[..., Any] | None = None,
) -> ScorerType:
    """Make a scorer type from a function giving the share (0 to 1) of the indicator's points.

    ``fraction(value, **parameters)`` is called with the indicator's value and the numeric
    parameters of the scorer table; ``parameters`` maps each parameter name to its default
    (``None``: required). The result is clamped to 0..1; a non-finite result makes the indicator
    undefined. ``needed(share, **parameters)``, if given, returns the least value that earns the
    share, for "what it would take" (values are compared with ``>=``). ``columnar(value,
    **parameters)``, if given, is ``fraction`` as a narwhals expression builder, for the
    columnar executor.
    """
    declared = dict(parameters or {})
    fields: dict[str, Any] = {"type": attrs.field(type=str)}
    for key, default in declared.items():
        fields[key] = (
            attrs.field(type=float) if default is None else attrs.field(type=float, default=default)
        )
    parameters_class = attrs.make_class(
        f"{name.title().replace('-', '')}Scorer", fields, frozen=True
    )
    names = tuple(declared)

    def compile_function(spec: Any, context: ScorerContext) -> CompiledScorer:
        arguments = {key: getattr(spec, key) for key in names}
        maximum = context.max_points

        def score(value: Any, _: Mapping[str, object]) -> float | Undefined:
            share = fraction(value, **arguments)
            if not math.isfinite(share):
                return Undefined("division-by-zero", f"scorer '{name}' gave {share} for {value!r}")
            return maximum * min(1.0, max(0.0, share))

        def invert(points: float, _: Mapping[str, object]) -> Needed | None:
            if needed is None or points > maximum:
                return None
            return (needed(points / maximum, **arguments), ">=", points)

        return CompiledScorer(score, invert)

    def columnar_share(spec: Any, value: Any) -> Any:
        assert columnar is not None  # noqa: S101  only given when there is a builder
        return columnar(value, **{key: getattr(spec, key) for key in names})

    accepts = "a number" if value_type in NUMERIC else f"a value of type {value_type}"
    return ScorerType(
        name,
        parameters_class,
        compile_function,
        (value_type,) if value_type != NUMBER else NUMERIC,
        accepts,
        description,
        columnar_share if columnar is not None else None,
    )
