"""The columnar plan of one framework: indicators, criteria, total and tiers as expressions.

:func:`evaluated` adds to a frame of converted inputs (one row per unit) the columns the scalar
executor's steps compute, with its semantics: each indicator's value (``_v``), undefined kind
(``_k``), raw points (``_r``) and points under the policies (``_p``); each criterion's raw
score (``_c``), maximum (``_m``) and points as the result table shows them (``_s``: rescaled
with the total when indicators were excluded); the total (``_score``, rounded as the scalar
executor rounds it);
whether the unit is evaluable; the band and final tier ranks (``_band``, ``_final``, 0 = the
best); the reasons that hold, as bits of the mask words (``_mask0``…, see
:func:`reason_codes`); and the flags of policy failures (``_fail…``).
Plugin parts without a columnar form run row by row inside the plan (see :mod:`.fallback`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import attrs
import polars as pl

from criteriakit import limits
from criteriakit.columnar.aggregates import with_aggregates
from criteriakit.columnar.expressions import (
    KIND_CODES,
    NO_KIND,
    ColumnarUnsupported,
    ColumnExpression,
    Request,
    compile_columnar,
    derived_kind,
    kind_code,
)
from criteriakit.columnar.fallback import (
    KIND,
    VALUE,
    expression_by_rows,
    points_by_rows,
    total_by_rows,
    warn,
)
from criteriakit.columnar.floats import added_up, divided, rounded
from criteriakit.columnar.numbers import Numbers
from criteriakit.columnar.population import relative_share
from criteriakit.columnar.quotas import QuotaColumns, apply_quotas
from criteriakit.columnar.ranking import ranked, ranking_constants
from criteriakit.columnar.scorers import (
    column_points,
    divisors,
    reaches,
    relative_points,
    with_shares,
)
from criteriakit.compiling.compiled import CompiledCondition, CompiledFramework
from criteriakit.compiling.extensions import WeightingColumns
from criteriakit.compiling.scoring import Ratio, Share
from criteriakit.errors import FrameworkError, Problem
from criteriakit.expressions import CompiledExpression
from criteriakit.expressions.floats import add_up
from criteriakit.model.framework import PolicyAction
from criteriakit.model.results import not_checked_code

__all__ = [
    "CHECK_FAILED",
    "REASON_BITS",
    "constants",
    "decoded_reasons",
    "evaluated",
    "fail_columns",
    "mask_columns",
    "reason_bit",
    "reason_codes",
    "relative_column",
    "shown_criterion",
    "tier_names",
]

_POLARS_TYPES: dict[str, pl.DataType] = {
    "number": pl.Float64(),
    "integer": pl.Int64(),
    "bool": pl.Boolean(),
    "level": pl.String(),
}


def _any(flags: Sequence[pl.Expr]) -> pl.Expr:
    """Return "one of ``flags`` holds", nulls counting as false."""
    return pl.any_horizontal(pl.lit(value=False), *(flag.fill_null(value=False) for flag in flags))


def _all(flags: Sequence[pl.Expr]) -> pl.Expr:
    """Return "every one of ``flags`` holds", nulls counting as true."""
    return pl.all_horizontal(pl.lit(value=True), *(flag.fill_null(value=True) for flag in flags))


def _takes(
    kind: pl.Expr,
    on_missing: PolicyAction,
    on_division: PolicyAction,
    actions: Collection[PolicyAction],
) -> pl.Expr:
    """Return "the policy for this row's undefined kind is one of ``actions``" (false if defined).

    The policies are known when the plan is built, so this is a test of the kind code alone:
    no per-row action names to build and compare.
    """
    missing = on_missing in actions
    division = on_division in actions
    if missing and division:
        return kind.is_not_null()
    if missing:
        return (kind == KIND_CODES["missing"]).fill_null(value=False)
    if division:
        return (kind != KIND_CODES["missing"]).fill_null(value=False)
    return pl.lit(value=False)


@attrs.frozen
class _Columns:
    """How each expression of the framework runs: as columns, or by rows (a struct column)."""

    expressions: dict[str, ColumnExpression]
    by_rows: dict[str, pl.Expr]

    @property
    def aggregates(self) -> list[Request]:
        """Return the columns to add before the expressions run, in order."""
        return [each for expression in self.expressions.values() for each in expression.aggregates]


def _expressions(compiled: CompiledFramework) -> list[tuple[str, str, CompiledExpression]]:
    """Return (key, what, expression) for every expression the framework evaluates per unit."""
    found: list[tuple[str, str, CompiledExpression]] = []
    for ordinal, indicator in enumerate(compiled.indicators):
        found.append((f"v{ordinal}", f"indicator {indicator.id}", indicator.value))
        form = indicator.scorer.form
        if isinstance(form, Ratio) and isinstance(form.goal, CompiledExpression):
            found.append((f"t{ordinal}", f"the target of indicator {indicator.id}", form.goal))
    for index, rule in enumerate(compiled.rules):
        found.append((f"r{index}", f"rule {rule.id}", rule.expression))
    for rank, tier in enumerate(compiled.tiers):
        for index, gate in enumerate(tier.gates):
            found.append((f"g{rank}.{index}", f"gate {gate.id}", gate.expression))
    for index, check in enumerate(compiled.checks):
        found.append((f"k{index}", f"check {check.id}", check.expression))
    return found


def _compile(compiled: CompiledFramework, inputs: Sequence[str]) -> _Columns:
    expressions: dict[str, ColumnExpression] = {}
    by_rows: dict[str, pl.Expr] = {}
    criteria_read = {name for name, _, _ in compiled.criterion_values}
    derived = [name for name, _ in compiled.derived] + sorted(criteria_read)
    for key, what, expression in _expressions(compiled):
        try:
            expressions[key] = compile_columnar(expression, prefix=f"__a{key}.", derived=derived)
        except ColumnarUnsupported as error:
            if expression.names & criteria_read:  # computed late in the plan: no row has them
                message = f"{what} reads criterion(…) and has no columnar form: {error}"
                raise ColumnarUnsupported(message) from None
            warn(f"{compiled.ref}: {what}", str(error))
            dtype = _dtype_of(expression)
            by_rows[key] = expression_by_rows(expression, inputs, dtype, compiled.derived).alias(
                f"__x{key}"
            )
    _check_plan_size(compiled, sum(expression.size for expression in expressions.values()))
    return _Columns(expressions, by_rows)


def _with_derived(
    compiled: CompiledFramework, lazy: pl.LazyFrame, inputs: Sequence[str], row: str
) -> pl.LazyFrame:
    """Add each derived value's value and kind columns, in order (each reads those before it).

    A derived value without a columnar form runs row by row, computing what it reads.
    """
    done: list[str] = []
    for index, (name, expression) in enumerate(compiled.derived):
        try:
            column = compile_columnar(expression, prefix=f"__ad{index}.", derived=done)
        except ColumnarUnsupported as error:
            warn(f"{compiled.ref}: derived value {name}", str(error))
            dtype = _dtype_of(expression)
            struct = f"__xd{index}"
            before = compiled.derived[:index]
            lazy = lazy.with_columns(
                expression_by_rows(expression, inputs, dtype, before).alias(struct)
            )
            fields = pl.col(struct).struct
            column = ColumnExpression(fields.field(VALUE), fields.field(KIND))
        lazy = with_aggregates(lazy, column.aggregates, row)
        lazy = lazy.with_columns(
            column.value.alias(name), column.undefined.cast(pl.Int8).alias(derived_kind(name))
        )
        done.append(name)
    return lazy


def _check_plan_size(compiled: CompiledFramework, size: int) -> None:
    """Refuse a plan over the ``plan_size`` limit: Polars would take too long to even build it.

    Each expression is capped on its own (``columnar_expression_size``, beyond which it runs
    row by row); this caps their sum, which a framework of many large expressions could push
    far beyond what a plan can hold.
    """
    cap = limits.current().plan_size
    if size <= cap:
        return
    message = (
        f"the columnar plan of {compiled.ref} would take {size:,} column operations, over the "
        f"plan_size limit of {cap:,}"
    )
    hint = (
        "evaluate it with the scalar engine (--engine scalar), or raise the limit: "
        f"criteriakit --limit plan_size={size}"
    )
    raise FrameworkError([Problem(message, hint=hint)])


def _dtype_of(expression: CompiledExpression) -> pl.DataType:
    name = getattr(expression.type, "name", None)
    return _POLARS_TYPES.get(name, pl.String()) if isinstance(name, str) else pl.String()


def _column(columns: _Columns, key: str) -> ColumnExpression:
    """Return the columnar form of expression ``key``, reading a by-rows result if need be."""
    found = columns.expressions.get(key)
    if found is not None:
        return found
    struct = pl.col(f"__x{key}")
    return ColumnExpression(struct.struct.field(VALUE), struct.struct.field(KIND))


def relative_column(ordinal: int) -> str:
    """Return the column of a relative indicator's share (by its position)."""
    return f"_rs{ordinal}"


def _points(
    compiled: CompiledFramework,
    frame: pl.LazyFrame,
    plan: _Columns,
    inputs: Sequence[str],
    group: str | None,
    numbers: Numbers,
) -> pl.LazyFrame:
    """Add each indicator's value (``_v``), kind (``_k``) and raw points (``_r``).

    A relative indicator's share among its group (``group`` names the parent column) is
    a column of its own (:func:`relative_column`), for a ``fail`` policy to be explained.
    """
    values = []
    for ordinal in range(len(compiled.indicators)):
        value = _column(plan, f"v{ordinal}")
        values.extend([value.value.alias(f"_v{ordinal}"), value.undefined.alias(f"_k{ordinal}")])
    frame = frame.with_columns(values)
    shares = [
        (f"__s{ordinal}", f"_v{ordinal}", indicator.scorer.form)
        for ordinal, indicator in enumerate(compiled.indicators)
        if isinstance(indicator.scorer.form, Share)
    ]
    frame = with_shares(frame, shares)
    shared = {column for column, _, _ in shares}
    frame = frame.with_columns(
        relative_share(form, pl.col(f"_v{ordinal}"), group).alias(relative_column(ordinal))
        for ordinal, form in compiled.relative
    )
    relative = dict(compiled.relative)
    points: list[pl.Expr] = []
    by_rows: list[int] = []
    for ordinal, indicator in enumerate(compiled.indicators):
        key = f"t{ordinal}"
        has_target = key in plan.expressions or key in plan.by_rows
        try:
            raw, extra = (
                relative_points(pl.col(relative_column(ordinal)), numbers(f"points{ordinal}"))
                if ordinal in relative
                else column_points(
                    indicator,
                    pl.col(f"_v{ordinal}"),
                    numbers,
                    ordinal,
                    target=_column(plan, key) if has_target else None,
                    share=pl.col(f"__s{ordinal}") if f"__s{ordinal}" in shared else None,
                )
            )
        except ColumnarUnsupported as error:
            warn(f"{compiled.ref}: indicator {indicator.id}", str(error))
            by_rows.append(ordinal)
            continue
        kind = pl.col(f"_k{ordinal}")
        if extra is not None:
            kind = pl.when(~kind.is_null()).then(kind).otherwise(extra)
        points.extend([raw.alias(f"_r{ordinal}"), kind.alias(f"_k{ordinal}")])
    frame = frame.with_columns(points)
    if by_rows:
        frame = frame.with_columns(
            points_by_rows(compiled.indicators[o].scorer, inputs, f"_v{o}").alias(f"__p{o}")
            for o in by_rows
        ).with_columns(
            *(pl.col(f"__p{o}").struct.field(VALUE).alias(f"_r{o}") for o in by_rows),
            *(
                pl.coalesce(pl.col(f"_k{o}"), pl.col(f"__p{o}").struct.field(KIND)).alias(f"_k{o}")
                for o in by_rows
            ),
        )
    return frame


def _score(
    compiled: CompiledFramework,
    frame: pl.LazyFrame,
    plan: _Columns,
    inputs: Sequence[str],
    group: str | None,
    numbers: Numbers,
) -> pl.LazyFrame:
    frame = _points(compiled, frame, plan, inputs, group, numbers)
    points: list[pl.Expr] = []
    excluded: list[pl.Expr] = []
    blocked: list[pl.Expr] = []
    failures: list[pl.Expr] = []
    undefined: list[tuple[pl.Expr, PolicyAction, PolicyAction]] = []
    for ordinal, indicator in enumerate(compiled.indicators):
        kind = pl.col(f"_k{ordinal}")
        policies = (kind, indicator.on_missing, indicator.on_division)
        undefined.append(policies)
        points.append(
            pl.when(kind.is_null())
            .then(pl.col(f"_r{ordinal}"))
            .otherwise(pl.lit(0.0))
            .alias(f"_p{ordinal}")
        )
        excluded.append(
            pl.when(_takes(*policies, ["exclude"]))
            .then(numbers(f"points{ordinal}"))
            .otherwise(pl.lit(0.0))
            .alias(f"_x{ordinal}")
        )
        blocked.append(_takes(*policies, ["not-evaluable"]))
        failures.append(_takes(*policies, ["fail"]).alias(f"_fail{ordinal}"))
    frame = frame.with_columns(*points, *excluded)
    criterion_scores = [
        added_up([pl.col(f"_p{i}") for i in range(c.first, c.stop)]).alias(f"_c{index}")
        for index, c in enumerate(compiled.criteria)
    ]
    criterion_maxima = [
        (
            numbers(f"criterion{index}")
            - added_up([pl.col(f"_x{i}") for i in range(c.first, c.stop)])
        ).alias(f"_m{index}")
        for index, c in enumerate(compiled.criteria)
    ]
    frame = frame.with_columns(*criterion_scores, *criterion_maxima)
    scored_max = added_up([pl.col(f"_m{index}") for index in range(len(compiled.criteria))])
    frame = frame.with_columns(
        scored_max.alias("_scored"),
        _any([_takes(*policies, ["exclude"]) for policies in undefined]).alias("_excluding"),
        rounded(_total(compiled, scored_max, numbers)).alias("_score")
        if compiled.weighting.columnar is not None
        else pl.lit(0.0).alias("_score"),
        (_any(blocked) | (scored_max <= 1e-12)).alias("_blocked"),
        *failures,
    )
    if compiled.weighting.columnar is None:
        warn(
            f"{compiled.ref}: the weighting {compiled.weighting.name!r}",
            "it has no columnar form",
        )
        count = len(compiled.criteria)
        total = total_by_rows(
            compiled.weighting,
            [f"_c{index}" for index in range(count)],
            [f"_m{index}" for index in range(count)],
            compiled.max_score,
        )
        frame = frame.with_columns(
            pl.when(~pl.col("_blocked")).then(rounded(total.struct.field(VALUE))).alias("_score")
        )
    return frame


def _criterion_points(compiled: CompiledFramework, lazy: pl.LazyFrame) -> pl.LazyFrame:
    """Add each criterion's points as the result table shows them (``_s``), not yet rounded.

    A scored unit with excluded indicators has its criteria multiplied by the total's factor,
    ``max_score / _scored``, as the scalar executor's ``_rescaled`` does; any other unit its
    raw scores.
    """
    count = len(compiled.criteria)
    if not _can_exclude(compiled):
        return lazy.with_columns(pl.col(f"_c{index}").alias(f"_s{index}") for index in range(count))
    max_score = compiled.max_score
    rescaling = pl.col("_excluding") & ~pl.col("_blocked")
    return lazy.with_columns(
        pl.when(rescaling)
        .then(divided(pl.col(f"_c{index}") * max_score, pl.col("_scored")))
        .otherwise(pl.col(f"_c{index}"))
        .alias(f"_s{index}")
        for index in range(count)
    )


def shown_criterion(index: int) -> pl.Expr:
    """Return criterion ``index``'s points as the result table shows them, not yet rounded.

    A unit the rules or gates found not evaluable shows its raw scores, as the scalar
    executor does (it rescales only a unit it scored); the gates read the rescaled ones.
    """
    return pl.when(pl.col("_blocked")).then(pl.col(f"_c{index}")).otherwise(pl.col(f"_s{index}"))


def _criterion_values(
    compiled: CompiledFramework, lazy: pl.LazyFrame, numbers: Numbers
) -> pl.LazyFrame:
    """Add what the gates, vetoes and caps read of the criteria, each a value and a kind column.

    As the scalar executor gives them: ``points`` and ``max`` on the total's scale, ``share``
    their ratio (undefined, a division by zero, where the maximum is 0).
    """
    if not compiled.criterion_values:
        return lazy
    rescaling = (pl.col("_excluding") & ~pl.col("_blocked")) if _can_exclude(compiled) else None
    columns: list[pl.Expr] = []
    for name, index, field in compiled.criterion_values:
        points = rounded(pl.col(f"_s{index}"))
        top = numbers(f"criterion{index}")
        if rescaling is not None:
            scaled = divided(pl.col(f"_m{index}") * compiled.max_score, pl.col("_scored"))
            top = pl.when(rescaling).then(rounded(scaled)).otherwise(top)
        kind = NO_KIND
        if field == "points":
            value = points
        elif field == "max":
            value = top
        else:
            value = pl.when(top != 0).then(divided(points, top))
            kind = pl.when(top == 0).then(kind_code("division-by-zero"))
        columns += [value.alias(name), kind.cast(pl.Int8).alias(derived_kind(name))]
    return lazy.with_columns(columns)


def _can_exclude(compiled: CompiledFramework) -> bool:
    """Return whether a policy may leave an indicator out (and so rescale the total)."""
    return any(
        "exclude" in (indicator.on_missing, indicator.on_division)
        for indicator in compiled.indicators
    )


def _total(compiled: CompiledFramework, scored_max: pl.Expr, numbers: Numbers) -> pl.Expr:
    """Return the total by the weighting's columnar form (see :class:`WeightingColumns`).

    The criteria's maxima are only known added up when every unit has the same weights.
    """
    assert compiled.weighting.columnar is not None  # noqa: S101  the caller checked
    count = len(compiled.criteria)
    columns = WeightingColumns(
        scores=tuple(pl.col(f"_c{index}") for index in range(count)),
        maxima=tuple(pl.col(f"_m{index}") for index in range(count)),
        scored=scored_max,
        max_score=compiled.max_score,
        full=None if _can_exclude(compiled) or numbers.by_row else _full(compiled),
    )
    return compiled.weighting.columnar(columns)


def _full(compiled: CompiledFramework) -> float:
    """Return the criteria's maxima added up: every unit's, when no indicator can be left out."""
    return add_up(float(criterion.max_score) for criterion in compiled.criteria)


def constants(compiled: CompiledFramework, numbers: Numbers) -> list[float]:
    """Return the numbers the plan divides by, which the frame must hold as columns.

    The weights' ``numbers``, read from columns of their own, are not among them.
    """
    found = [
        value for indicator in compiled.indicators for value in divisors(indicator.scorer.form)
    ]
    if numbers.by_row:
        return found
    if not _can_exclude(compiled):  # a weighting's columnar form may divide by it
        found.append(_full(compiled))
    return found + ranking_constants(compiled)


def tier_names(rank: pl.Expr, tiers: Sequence[str]) -> pl.Expr:
    """Return the names of the tiers ranked ``rank`` (0 = the best), null where not evaluable.

    A rank is always a tier's, so the names are picked by position (far cheaper than a lookup).
    """
    names = pl.lit(pl.Series(list(tiers), dtype=pl.String)).gather(rank)
    return pl.when(~pl.col("_blocked")).then(names)


def _conditions(
    compiled: CompiledFramework, plan: _Columns
) -> tuple[
    list[tuple[CompiledCondition, ColumnExpression]],
    list[list[tuple[CompiledCondition, ColumnExpression]]],
]:
    rules = [(rule, _column(plan, f"r{index}")) for index, rule in enumerate(compiled.rules)]
    gates = [
        [(gate, _column(plan, f"g{rank}.{index}")) for index, gate in enumerate(tier.gates)]
        for rank, tier in enumerate(compiled.tiers)
    ]
    return rules, gates


def _classify(compiled: CompiledFramework, lazy: pl.LazyFrame, plan: _Columns) -> pl.LazyFrame:
    rules, gates = _conditions(compiled, plan)
    last = len(compiled.tiers) - 1
    score = pl.col("_score")
    band: pl.Expr = pl.lit(last)
    for rank in range(last, -1, -1):
        band = (
            pl.when(reaches(score, compiled.tiers[rank].min_score, ascending=True, inclusive=True))
            .then(pl.lit(rank))
            .otherwise(band)
        )
    codes: list[pl.Expr] = []  # "the reason holds", in the order of reason_codes()
    caps: list[pl.Expr] = [pl.lit(0)]
    rule_fail: list[pl.Expr] = []
    blocked: list[pl.Expr] = [pl.col("_blocked")]
    for rule, condition in rules:
        policies = (condition.undefined, compiled.on_missing, compiled.on_division)
        fired = condition.value.fill_null(value=False) & condition.undefined.is_null()
        caps.append(pl.when(fired).then(pl.lit(rule.rank)).otherwise(pl.lit(0)))
        codes += [fired, _takes(*policies, ["zero", "exclude"])]
        rule_fail.append(_takes(*policies, ["fail"]))
        blocked.append(_takes(*policies, ["not-evaluable"]))
    lazy = lazy.with_columns(
        band.alias("_band"),
        pl.max_horizontal(*caps).alias("_cap"),
        (~pl.col("_blocked") & _any(rule_fail)).alias("_rule_fail"),
        _any(blocked).alias("_blocked_rules"),
    )
    start = pl.max_horizontal(pl.col("_band"), pl.col("_cap"))
    passes = []
    for rank in range(last):
        holds = [
            (condition.value.fill_null(value=False) & condition.undefined.is_null())
            for _, condition in gates[rank]
        ]
        passes.append(_all(holds))
    final: pl.Expr = pl.lit(last)
    for rank in range(last - 1, -1, -1):
        final = pl.when((start <= rank) & passes[rank]).then(pl.lit(rank)).otherwise(final)
    lazy = lazy.with_columns(start.alias("_start"), final.alias("_final"))
    gate_fail: list[pl.Expr] = [pl.lit(value=False)]
    gate_blocked: list[pl.Expr] = [pl.col("_blocked_rules")]
    for rank in range(last):
        checked = (pl.col("_start") <= rank) & (pl.col("_final") >= rank)
        for _, condition in gates[rank]:
            policies = (condition.undefined, compiled.on_missing, compiled.on_division)
            fell = checked & (pl.col("_final") > rank)
            false = condition.undefined.is_null() & ~condition.value.fill_null(value=False)
            codes += [fell & false, fell & _takes(*policies, ["zero", "exclude"])]
            gate_fail.append(checked & _takes(*policies, ["fail"]))
            gate_blocked.append(checked & _takes(*policies, ["not-evaluable"]))
    return lazy.with_columns(
        *_mask_words(codes),
        (~pl.col("_blocked") & _any(gate_fail)).alias("_gate_fail"),
        _any(gate_blocked).alias("_blocked"),
    )


REASON_BITS = 62
"""Reason bits per mask word (``_mask0``, ``_mask1``…): a reason is bit ``i % 62`` of word
``i // 62``, in the order of :func:`reason_codes`."""


def reason_codes(compiled: CompiledFramework) -> list[str]:
    """Return every reason code the plan can give, as the table lists them, in the scalar order.

    Vetoes and caps in rule order, then the gates tier by tier, then the quotas. Each veto,
    cap and gate comes twice: as it fired or failed, then not checked (its condition undefined
    under a ``zero`` or ``exclude`` policy); a unit has at most one of the two.
    """
    conditions = [
        *compiled.rules,
        *(gate for tier in compiled.tiers[:-1] for gate in tier.gates),
    ]
    codes = [code for each in conditions for code in (each.id, not_checked_code(each.id))]
    return codes + [quota.id for quota in compiled.quotas]


def mask_columns(compiled: CompiledFramework) -> list[str]:
    """Return the names of the mask words that hold the reasons (at least one)."""
    count = max(1, -(-len(reason_codes(compiled)) // REASON_BITS))
    return [f"_mask{word}" for word in range(count)]


def reason_bit(index: int) -> tuple[str, int]:
    """Return the mask word and bit value of the ``index``-th reason code."""
    return f"_mask{index // REASON_BITS}", 1 << (index % REASON_BITS)


def _mask_words(holds: Sequence[pl.Expr]) -> list[pl.Expr]:
    """Return the mask words of reasons that hold (one word when there are none).

    A list of reason codes per row would be built from scratch for every row; a few integers
    are cheap, and the few distinct combinations become lists once (:func:`decoded_reasons`).
    """
    words: dict[str, list[pl.Expr]] = {"_mask0": []}
    for index, hold in enumerate(holds):
        column, bit = reason_bit(index)
        words.setdefault(column, []).append(
            pl.when(hold.fill_null(value=False)).then(pl.lit(bit, pl.Int64)).otherwise(0)
        )
    return [
        pl.sum_horizontal(pl.lit(0, pl.Int64), *bits).alias(name) for name, bits in words.items()
    ]


def decoded_reasons(compiled: CompiledFramework, masks: pl.DataFrame) -> pl.Series:
    """Return the ``reasons`` list of each row from its mask words.

    A word of -1 means not evaluable: ``not-evaluable`` alone. One list is built per distinct
    combination of words, and gathered for every row that has it.
    """
    codes = reason_codes(compiled)
    names = list(masks.columns)
    if len(names) == 1:  # the usual case: a series' distinct values, sorted, are the quickest
        distinct = masks[names[0]].unique().sort().to_frame()
    else:
        distinct = masks.unique().sort(names)
    lists = [
        ["not-evaluable"]
        if -1 in words
        else [
            code
            for index, code in enumerate(codes)
            if words[index // REASON_BITS] >> (index % REASON_BITS) & 1
        ]
        for words in distinct.iter_rows()
    ]
    decoded = pl.Series("reasons", lists, dtype=pl.List(pl.String))
    if len(names) == 1:  # a binary search among a few sorted integers
        return decoded.gather(distinct[names[0]].search_sorted(masks[names[0]]))
    lookup = distinct.with_columns(decoded)
    reasons: pl.Series = masks.join(lookup, on=names, how="left", maintain_order="left")["reasons"]
    return reasons


def evaluated(
    compiled: CompiledFramework,
    lazy: pl.LazyFrame,
    *,
    row: str,
    unit: str,
    group: str | None,
    numbers: Numbers | None = None,
) -> pl.LazyFrame:
    """Add the plan's columns (see the module docs) to a frame of converted inputs.

    ``row`` and ``unit`` name the columns of each unit's row number and id, ``group`` that of
    its parent: quotas apply among the units of one parent (all units without it), relative
    scorers and the ranking among the units their ``within`` names. ``numbers`` are the
    numbers the weights decide (:mod:`.numbers`), ``compiled``'s own by default.
    """
    numbers = numbers or Numbers.of(compiled)
    inputs = list(compiled.declared)
    lazy = _with_derived(compiled, lazy, inputs, row)
    plan = _compile(compiled, inputs)
    if plan.by_rows:
        lazy = lazy.with_columns(*plan.by_rows.values())
    lazy = with_aggregates(lazy, plan.aggregates, row)
    if compiled.checks:
        failed = [
            ~_column(plan, f"k{index}").value.fill_null(value=True)
            for index in range(len(compiled.checks))
        ]
        lazy = lazy.with_columns(_any(failed).alias(CHECK_FAILED))
    lazy = _score(compiled, lazy, plan, inputs, group, numbers)
    lazy = _criterion_values(compiled, _criterion_points(compiled, lazy), numbers)
    lazy = _classify(compiled, lazy, plan)
    if compiled.quotas:
        offset = len(reason_codes(compiled)) - len(compiled.quotas)
        quota_columns = QuotaColumns(
            rank="_final",
            reasons=[reason_bit(offset + index) for index in range(len(compiled.quotas))],
            score="_score",
            unit=unit,
            row=row,
            evaluable="_evaluable",
            group=group,
        )
        lazy = apply_quotas(
            compiled,
            lazy.with_columns((~pl.col("_blocked")).alias("_evaluable")),
            columns=quota_columns,
        )
    if compiled.ranking is not None:
        lazy = ranked(compiled, lazy, group, numbers)
    return lazy


CHECK_FAILED = "_check_failed"
"""The column :func:`evaluated` adds when the framework has ``[[checks]]``: a unit fails one."""


def fail_columns(compiled: CompiledFramework) -> list[str]:
    """Return the columns flagging a unit that a ``fail`` policy stops at.

    Which one stops it, and why, the scalar executor tells by evaluating the unit again.
    """
    indicators = [f"_fail{ordinal}" for ordinal in range(len(compiled.indicators))]
    return [*indicators, "_rule_fail", "_gate_fail"]
