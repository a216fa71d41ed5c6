"""The columnar executor: a whole population evaluated as column expressions, not a Python loop.

``evaluate_frame(framework, frame)`` builds one narwhals expression per indicator, criterion,
rule and gate, with the scalar executor's semantics (policies for undefined values, the total
rounded to 1e-9, vetoes → bands → gates with the same tolerance), and returns a table of unit,
score, band tier, tier, reason codes and criterion scores in the caller's dataframe type. Polars
is the default backend; anything narwhals reads works (pandas, PyArrow, Polars lazy frames).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals.stable.v2 as nw

from criteriakit.columnar.expressions import ColumnarUnsupported, ColumnExpression, compile_columnar
from criteriakit.columnar.scorers import column_points, reaches
from criteriakit.compiled import CompiledCondition, CompiledFramework
from criteriakit.compiler import input_type
from criteriakit.data import MAX_REPORTED_PROBLEMS
from criteriakit.errors import DataError, EvaluationError, Problem
from criteriakit.evaluation import SCORE_DIGITS
from criteriakit.expressions import CompiledExpression, compile_expression
from criteriakit.framework import Framework
from criteriakit.model.framework import Indicator, PolicyAction
from criteriakit.model.scorers import TargetScorer

__all__ = ["evaluate_frame"]

_DTYPES: dict[str, nw.dtypes.DType] = {
    "number": nw.Float64(),
    "integer": nw.Int64(),
    "bool": nw.Boolean(),
    "level": nw.String(),
}


def _action(kind: nw.Expr, on_missing: PolicyAction, on_division: PolicyAction) -> nw.Expr:
    """Return the policy action for each row's undefined kind (null where defined)."""
    return (
        nw.when(kind == "missing")
        .then(nw.lit(on_missing))
        .when(~kind.is_null())
        .then(nw.lit(on_division))
        .otherwise(nw.lit(None, nw.String))
    )


def _prepare(framework: Framework, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    present = set(frame.collect_schema().names())
    columns = []
    for name, spec in framework.definition.inputs.items():
        dtype = _DTYPES.get(spec.type)
        if dtype is None:
            raise ColumnarUnsupported(
                f"input {name!r} is a {spec.type}: lists and records run in the scalar executor"
            )
        column = nw.col(name).cast(dtype) if name in present else nw.lit(None, dtype)
        if spec.default is not None:
            column = column.fill_null(nw.lit(spec.default, dtype))
        columns.append(column.alias(name))
    return frame.with_columns(columns)


def _check_bounds(framework: Framework, frame: nw.DataFrame[Any]) -> None:
    problems: list[Problem] = []
    for name, spec in framework.definition.inputs.items():
        column = frame[name]
        bad: nw.Series[Any] | None = None
        if spec.min is not None:
            bad = column < spec.min
        if spec.max is not None:
            over = column > spec.max
            bad = over if bad is None else bad | over
        if spec.type == "level":
            bad = ~column.is_in(list(spec.levels or ())) & ~column.is_null()
        if bad is None:
            continue
        for row, flagged in enumerate(bad.fill_null(value=False).to_list(), start=1):
            if flagged:
                value = column[row - 1]
                problems.append(
                    Problem(
                        f"{value!r} is outside the declared bounds or levels", path=name, row=row
                    )
                )
                if len(problems) >= MAX_REPORTED_PROBLEMS:
                    raise DataError(problems)
    if problems:
        raise DataError(problems)


def _conditions(
    compiled: CompiledFramework,
) -> tuple[
    list[tuple[CompiledCondition, ColumnExpression]],
    list[list[tuple[CompiledCondition, ColumnExpression]]],
]:
    rules = [(rule, compile_columnar(rule.expression)) for rule in compiled.rules]
    gates = [
        [(gate, compile_columnar(gate.expression)) for gate in tier.gates]
        for tier in compiled.tiers
    ]
    return rules, gates


def _target(framework: Framework, indicator: Indicator) -> CompiledExpression | None:
    spec = indicator.scorer
    if not isinstance(spec, TargetScorer) or not isinstance(spec.target, str):
        return None
    scope = {name: input_type(declared) for name, declared in framework.definition.inputs.items()}
    functions = framework.extensions.functions if framework.extensions else None
    return compile_expression(spec.target, scope, functions=functions)


def evaluate_frame(framework: Framework, frame: Any, *, unit_column: str = "id") -> Any:
    """Evaluate every row of ``frame`` (one unit per row, inputs as columns); see the module docs.

    Raises :class:`ColumnarUnsupported` for frameworks that need the scalar executor (list or
    records inputs, plugin scorers or weightings), :class:`~criteriakit.DataError` for values
    outside their bounds, :class:`~criteriakit.EvaluationError` when the policy says "fail".
    """
    compiled = framework.compiled
    definition = framework.definition
    if compiled.weighting.name != "sum":
        raise ColumnarUnsupported(
            f"the weighting {compiled.weighting.name!r} runs in the scalar executor"
        )
    native = nw.from_native(frame)
    eager = isinstance(native, nw.DataFrame)
    lazy = _prepare(framework, native.lazy() if eager else native)
    indicators = [
        indicator for criterion in definition.criteria for indicator in criterion.indicators
    ]
    points: list[nw.Expr] = []
    excluded: list[nw.Expr] = []
    blocked: list[nw.Expr] = []
    failures: list[tuple[str, nw.Expr]] = []
    for ordinal, (indicator, spec) in enumerate(zip(compiled.indicators, indicators, strict=True)):
        value = compile_columnar(indicator.value)
        raw, extra = column_points(
            indicator,
            spec.scorer,
            value.value,
            awards_in_points=definition.scale == "points",
            target=_target(framework, spec),
        )
        kind = (
            value.undefined
            if extra is None
            else nw.when(~value.undefined.is_null()).then(value.undefined).otherwise(extra)
        )
        action = _action(kind, indicator.on_missing, indicator.on_division)
        points.append(
            nw.when(kind.is_null()).then(raw).otherwise(nw.lit(0.0)).alias(f"_p{ordinal}")
        )
        excluded.append(
            nw.when(action == "exclude").then(nw.lit(indicator.max_points)).otherwise(nw.lit(0.0))
        )
        blocked.append((action == "not-evaluable").fill_null(value=False))
        failures.append(
            (
                f"indicator {indicator.id} ({indicator.title})",
                (action == "fail").fill_null(value=False),
            )
        )
    lazy = lazy.with_columns(points)
    criterion_scores = [
        nw.sum_horizontal(
            *(nw.col(f"_p{i}") for i in range(criterion.first, criterion.stop))
        ).alias(f"criterion:{criterion.id}")
        for criterion in compiled.criteria
    ]
    total = nw.sum_horizontal(*(nw.col(f"_p{i}") for i in range(len(points))))
    excluded_total = nw.sum_horizontal(*excluded) if excluded else nw.lit(0.0)
    scored_max = definition.max_score - excluded_total
    lazy = lazy.with_columns(
        *criterion_scores,
        nw.when(excluded_total == 0)
        .then(total)
        .otherwise(total * definition.max_score / scored_max)
        .round(SCORE_DIGITS)
        .alias("_score"),
        (nw.any_horizontal(*blocked, ignore_nulls=True) | (scored_max <= 1e-12)).alias("_blocked"),
        *(flag.alias(f"_fail{i}") for i, (_, flag) in enumerate(failures)),
    )
    lazy = _classify(framework, lazy)
    result = lazy.collect()
    units = result[unit_column].to_list() if unit_column in result.columns else [None] * len(result)
    for i, (subject, _) in enumerate(failures):
        flags = result[f"_fail{i}"].to_list()
        if any(flags):
            row = flags.index(True)
            raise EvaluationError(
                f"unit {units[row]!r}: {subject} could not be computed",
                unit=units[row],
                subject=subject,
            )
    for name in ("_rule_fail", "_gate_fail"):
        flags = result[name].to_list()
        if any(flags):
            row = flags.index(True)
            raise EvaluationError(
                f"unit {units[row]!r}: a condition could not be evaluated", unit=units[row]
            )
    _check_bounds(framework, result)
    tiers = [tier.id for tier in compiled.tiers]
    output = result.select(
        (nw.col(unit_column) if unit_column in result.columns else nw.lit(None, nw.String)).alias(
            "unit"
        ),
        nw.when(~nw.col("_blocked"))
        .then(nw.col("_score"))
        .otherwise(nw.lit(None, nw.Float64))
        .alias("score"),
        _tier_names(nw.col("_band"), tiers).alias("band_tier"),
        _tier_names(nw.col("_final"), tiers).alias("tier"),
        nw.when(nw.col("_blocked"))
        .then(nw.lit("not-evaluable"))
        .otherwise(nw.col("_reasons"))
        .alias("reasons"),
        *(
            nw.col(f"criterion:{criterion.id}").round(SCORE_DIGITS)
            for criterion in compiled.criteria
        ),
    )
    return output.to_native() if eager else output.lazy().to_native()


def _tier_names(rank: nw.Expr, tiers: Sequence[str]) -> nw.Expr:
    name: nw.Expr = nw.lit(None, nw.String)
    for index, tier in enumerate(tiers):
        name = nw.when(rank == index).then(nw.lit(tier)).otherwise(name)
    return nw.when(~nw.col("_blocked")).then(name).otherwise(nw.lit(None, nw.String))


def _classify(framework: Framework, lazy: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    compiled = framework.compiled
    rules, gates = _conditions(compiled)
    last = len(compiled.tiers) - 1
    score = nw.col("_score")
    band: nw.Expr = nw.lit(last)
    for rank in range(last, -1, -1):
        band = (
            nw.when(reaches(score, compiled.tiers[rank].min_score, ascending=True, inclusive=True))
            .then(nw.lit(rank))
            .otherwise(band)
        )
    codes: list[nw.Expr] = []
    caps: list[nw.Expr] = [nw.lit(0)]
    rule_fail: list[nw.Expr] = []
    blocked: list[nw.Expr] = [nw.col("_blocked")]
    for rule, condition in rules:
        action = _action(condition.undefined, compiled.on_missing, compiled.on_division)
        fired = condition.value.fill_null(value=False) & condition.undefined.is_null()
        caps.append(nw.when(fired).then(nw.lit(rule.rank)).otherwise(nw.lit(0)))
        undefined = action.is_in(["zero", "exclude"]).fill_null(value=False)
        codes.append(
            nw.when(fired | undefined).then(nw.lit(rule.id)).otherwise(nw.lit(None, nw.String))
        )
        rule_fail.append((action == "fail").fill_null(value=False))
        blocked.append((action == "not-evaluable").fill_null(value=False))
    lazy = lazy.with_columns(
        band.alias("_band"),
        nw.max_horizontal(*caps).alias("_cap"),
        (
            ~nw.col("_blocked")
            & nw.any_horizontal(*rule_fail, nw.lit(value=False), ignore_nulls=True)
        ).alias("_rule_fail"),
        nw.any_horizontal(*blocked, ignore_nulls=True).alias("_blocked_rules"),
    )
    start = nw.max_horizontal(nw.col("_band"), nw.col("_cap"))
    passes = []
    for rank in range(last):
        holds = [
            (condition.value.fill_null(value=False) & condition.undefined.is_null())
            for _, condition in gates[rank]
        ]
        passes.append(nw.all_horizontal(*holds, nw.lit(value=True), ignore_nulls=True))
    final: nw.Expr = nw.lit(last)
    for rank in range(last - 1, -1, -1):
        final = nw.when((start <= rank) & passes[rank]).then(nw.lit(rank)).otherwise(final)
    lazy = lazy.with_columns(start.alias("_start"), final.alias("_final"))
    gate_fail: list[nw.Expr] = [nw.lit(value=False)]
    gate_blocked: list[nw.Expr] = [nw.col("_blocked_rules")]
    for rank in range(last):
        checked = (nw.col("_start") <= rank) & (nw.col("_final") >= rank)
        for gate, condition in gates[rank]:
            action = _action(condition.undefined, compiled.on_missing, compiled.on_division)
            fails = ~condition.value.fill_null(value=False) | ~condition.undefined.is_null()
            failed = checked & (nw.col("_final") > rank) & fails
            codes.append(nw.when(failed).then(nw.lit(gate.id)).otherwise(nw.lit(None, nw.String)))
            gate_fail.append(checked & (action == "fail").fill_null(value=False))
            gate_blocked.append(checked & (action == "not-evaluable").fill_null(value=False))
    reasons = nw.concat_str(codes, separator=";", ignore_nulls=True) if codes else nw.lit("")
    return lazy.with_columns(
        reasons.alias("_reasons"),
        (~nw.col("_blocked") & nw.any_horizontal(*gate_fail, ignore_nulls=True)).alias(
            "_gate_fail"
        ),
        nw.any_horizontal(*gate_blocked, ignore_nulls=True).alias("_blocked"),
    )
