"""Check a framework definition and compile it into runnable parts.

This is the "check" arrow of the pipeline: everything a type system cannot say about a
structured definition (ids are unique, totals add up, tiers are ordered, expressions type-check
against the declared inputs, scorers fit their indicators) is verified here, every problem at
once, each with its key path. What passes is compiled: expressions to closures, scorers to
functions, tiers and rules to ranks.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Literal

import attrs

from criteriakit._problems import KeyPath, RawProblem, did_you_mean, format_key_path
from criteriakit.compiling.awards import check_awards
from criteriakit.compiling.children import check_children, check_quotas, check_rollups
from criteriakit.compiling.compiled import (
    PLACEHOLDER,
    ChildFramework,
    CompiledCheck,
    CompiledCondition,
    CompiledCriterion,
    CompiledFramework,
    CompiledIndicator,
    CompiledRanking,
    CompiledTier,
    DataWeights,
)
from criteriakit.compiling.derived import check_derived
from criteriakit.compiling.extensions import Extensions, Weighting
from criteriakit.compiling.inputs import InputChecker
from criteriakit.compiling.ranking import check_ranking
from criteriakit.compiling.scorer_types import ScorerContext
from criteriakit.compiling.scoring import CompiledScorer, Share
from criteriakit.compiling.weights import derive_weights
from criteriakit.errors import ExpressionError
from criteriakit.expressions import (
    BOOL,
    CRITERION_FIELDS,
    INTEGER,
    NUMBER,
    CompiledExpression,
    ExprType,
    LevelType,
    ListType,
    RecordsType,
    ScalarType,
    compile_expression,
    criterion_value,
)
from criteriakit.expressions.functions import is_value_name
from criteriakit.model.framework import (
    DATA_WEIGHT_METHODS,
    Criterion,
    FrameworkDefinition,
    Indicator,
    Input,
    Weights,
    pick_text,
)
from criteriakit.model.results import WeightNote

__all__ = [
    "MAX_SCORE",
    "CompiledCondition",
    "CompiledFramework",
    "CompiledIndicator",
    "CompiledTier",
    "compile_definition",
]

MAX_SCORE = 1e15
"""The largest ``max_score``: scores are rounded through ``score * 1e9``, a float far from
overflowing, and no real scale comes near it."""

TOTAL_TOLERANCE = 1e-9
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*\Z")
_FRAMEWORK_ID = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")


def input_type(spec: Input) -> ExprType:
    """Return the expression type of a declared input."""
    if spec.type == "list":
        return ListType(_scalar_type(spec.items or "number", spec.levels))
    if spec.type == "records":
        fields = spec.fields or {}
        return RecordsType(
            tuple((name, _scalar_type(field.type, field.levels)) for name, field in fields.items())
        )
    return _scalar_type(spec.type, spec.levels)


def _scalar_type(kind: str, levels: tuple[str, ...] | None) -> ScalarType | LevelType:
    if kind == "level":
        return LevelType(levels or ())
    return {"number": NUMBER, "integer": INTEGER, "bool": BOOL}[kind]


ExpressionCache = dict[
    tuple[str, "ExprType | None", tuple[str, ...], frozenset[tuple[str, "ExprType"]]],
    CompiledExpression,
]
"""Compiled expressions by their text, expected type, criteria and scope: all compiling read."""


class _Checker:
    """Collects problems while compiling; one instance per definition."""

    def __init__(
        self,
        definition: FrameworkDefinition,
        extensions: Extensions,
        decided: Mapping[int | None, Sequence[float]],
        compiled: ExpressionCache | None = None,
    ) -> None:
        self.definition = definition
        self.decided = decided
        self.compiled = compiled
        """Expressions compiled before, by what compiling them read (see :data:`ExpressionCache`)."""
        self.extensions = extensions
        self.functions = extensions.functions
        self.problems: list[RawProblem] = []
        self.scope: dict[str, ExprType] = {}
        self.failed_derived: set[str] = set()
        """The derived values that did not compile: what reads them says so."""
        self.data_weights: list[DataWeights] = []
        """The weights the evaluated units decide (equal until they are ``decided``)."""
        self.weight_notes: list[WeightNote] = []
        """The weights derived by a method from the file, or ``decided``."""

    def problem(self, path: KeyPath, message: str, hint: str | None = None) -> None:
        self.problems.append(RawProblem(path, message, hint))

    def expression(
        self, path: KeyPath, text: str, expect: ExprType | None, *, decided: bool = False
    ) -> CompiledExpression | None:
        """Compile ``text`` at ``path``, recording its problems.

        A ``decided`` expression (a gate, veto or cap) is decided after the criteria are
        scored, so it may read ``criterion("ID").points``, ``.max`` and ``.share``.
        """
        criteria = [criterion.id for criterion in self.definition.criteria] if decided else None
        if self.compiled is None:  # the key costs the scope's items: only for a cache
            return self._compiled_expression(path, text, expect, criteria)
        key = (text, expect, tuple(criteria or ()), frozenset(self.scope.items()))
        found = self.compiled.get(key)
        if found is None:
            found = self._compiled_expression(path, text, expect, criteria)
            if found is not None:
                self.compiled[key] = found
        return found

    def _compiled_expression(
        self, path: KeyPath, text: str, expect: ExprType | None, criteria: list[str] | None
    ) -> CompiledExpression | None:
        """Compile ``text`` at ``path`` against the scope, or record its problem and give None."""
        try:
            return compile_expression(
                text, self.scope, functions=self.functions, expect=expect, criteria=criteria
            )
        except ExpressionError as error:
            message, hint = error.message, error.hint
            named = text[error.offset : error.offset + error.length]
            if named in self.failed_derived:
                message = f"the derived value '{named}' has a problem of its own"
                hint = f"see derived.{named}"
            elif named in self.definition.derived and named not in self.scope:
                message = f"a check reads the data as given, and '{named}' is a derived value"
                hint = "check the inputs it is computed from"
            self.problems.append(
                RawProblem(path, message, hint, offset=error.offset, width=error.length)
            )
            return None

    def expression_at(self, path: KeyPath, text: str) -> CompiledExpression | None:
        """Compile ``text`` of any type at ``path`` (a derived value), recording its problems."""
        return self.expression(path, text, None)

    # ------------------------------------------------------------------ framework header

    def weighting(self) -> Weighting | None:
        found = self.extensions.weightings.get(self.definition.weighting)
        if found is None:
            names = sorted(self.extensions.weightings)
            hint = (
                did_you_mean(self.definition.weighting, names) or f"weightings: {', '.join(names)}"
            )
            self.problem(("weighting",), f"unknown weighting '{self.definition.weighting}'", hint)
        return found

    def header(self) -> None:
        d = self.definition
        if not _FRAMEWORK_ID.match(d.id):
            self.problem(
                ("id",),
                f"invalid framework id '{d.id}'",
                "use lower-case letters, digits, '.', '_' and '-', like 'vn.four-good-cell'",
            )
        if not d.version.strip() or "@" in d.version or d.version != d.version.strip():
            self.problem(
                ("version",),
                f"invalid version '{d.version}'",
                'write a version such as "2024" or "1.2"',
            )
        if not 0 < d.max_score <= MAX_SCORE:
            self.problem(
                ("max_score",),
                f"max_score must be a positive number up to {MAX_SCORE:g}, got {d.max_score:g}",
                "scores are rounded through score * 1e9, which must stay a finite float",
            )
        if d.valid_from and d.valid_until and d.valid_until < d.valid_from:
            self.problem(
                ("valid_until",),
                f"valid_until {d.valid_until} is before valid_from {d.valid_from}",
            )

    # ------------------------------------------------------------------ inputs

    def inputs(self) -> None:
        for name, spec in self.definition.inputs.items():
            path: KeyPath = ("inputs", name)
            if not is_value_name(name):
                self.problem(
                    path,
                    f"invalid input name '{name}'",
                    "input names are identifiers (letters, digits, '_') and not and/or/not/true/false/it",
                )
                continue
            self._input(path, spec)
            self.scope[name] = input_type(spec)

    def _input(self, path: KeyPath, spec: Input) -> None:
        numeric = spec.type in {"number", "integer"} or (
            spec.type == "list" and spec.items in {"number", "integer", None}
        )
        self._only(
            path,
            spec.type,
            "levels",
            spec.levels is not None,
            spec.type == "level" or spec.items == "level",
        )
        self._only(path, spec.type, "items", spec.items is not None, spec.type == "list")
        self._only(path, spec.type, "per_month", spec.per_month is not None, spec.type == "list")
        self._only(path, spec.type, "fields", spec.fields is not None, spec.type == "records")
        self._only(
            path,
            spec.type,
            "max_length",
            spec.max_length is not None,
            spec.type in {"list", "records"},
        )
        self._only(path, spec.type, "min", spec.min is not None, numeric)
        self._only(path, spec.type, "max", spec.max is not None, numeric)
        if (spec.type == "level" or spec.items == "level") and not spec.levels:
            self.problem(
                (*path, "levels"),
                "a level input needs its levels, best first",
                'levels = ["good", "fair", "poor"]',
            )
        if spec.type == "list" and spec.items is None:
            self.problem(
                (*path, "items"), "a list input needs the type of its items", 'items = "number"'
            )
        if spec.type == "records":
            self._fields(path, spec)
        if spec.levels is not None:
            self._levels((*path, "levels"), spec.levels)
        if spec.min is not None and spec.max is not None and spec.min > spec.max:
            self.problem((*path, "max"), f"max {spec.max:g} is below min {spec.min:g}")
        if spec.max_length is not None and spec.max_length < 1:
            self.problem(
                (*path, "max_length"), f"max_length must be at least 1, got {spec.max_length}"
            )
        if spec.default is not None:
            self._default(path, spec)

    def _only(self, path: KeyPath, kind: str, key: str, present: bool, allowed: bool) -> None:
        if present and not allowed:
            self.problem((*path, key), f"'{key}' does not apply to an input of type {kind}")

    def _levels(self, path: KeyPath, levels: tuple[str, ...]) -> None:
        seen: set[str] = set()
        for index, level in enumerate(levels):
            if not level.strip():
                self.problem((*path, index), "a level name cannot be empty")
            if level in seen:
                self.problem((*path, index), f"level '{level}' is listed twice")
            seen.add(level)

    def _fields(self, path: KeyPath, spec: Input) -> None:
        if not spec.fields:
            self.problem(
                (*path, "fields"),
                "a records input needs its fields",
                'fields = { score = { type = "number" } }',
            )
            return
        for name, field in spec.fields.items():
            field_path = (*path, "fields", name)
            if not is_value_name(name):
                self.problem(field_path, f"invalid field name '{name}'")
            if name in self.definition.inputs:
                self.problem(
                    field_path,
                    f"field '{name}' has the name of an input",
                    "rename the field or the input",
                )
            if field.type == "level" and not field.levels:
                self.problem((*field_path, "levels"), "a level field needs its levels, best first")
            if field.type != "level" and field.levels is not None:
                self.problem(
                    (*field_path, "levels"),
                    f"'levels' does not apply to a field of type {field.type}",
                )
            if field.levels:
                self._levels((*field_path, "levels"), field.levels)

    def _default(self, path: KeyPath, spec: Input) -> None:
        checker = InputChecker.for_inputs({"default": attrs.evolve(spec, default=None)})
        try:
            checker.check({"default": spec.default})
        except Exception as error:  # noqa: BLE001  any failure is reported as a problem
            detail = getattr(error, "problems", None)
            message = detail[0].message if detail else str(error)
            self.problem((*path, "default"), f"invalid default: {message}")

    # ------------------------------------------------------------------ criteria and indicators

    def criteria(self) -> tuple[tuple[CompiledCriterion, ...], tuple[CompiledIndicator, ...]]:
        d = self.definition
        points_scale = d.scale == "points"
        key = "points" if points_scale else "weight"
        if not d.criteria:
            self.problem(("criteria",), "a framework needs at least one criterion")
        self._unique(((("criteria", i, "id"), c.id) for i, c in enumerate(d.criteria)), "criterion")
        self._unique(
            (
                (("criteria", i, "indicators", j, "id"), indicator.id)
                for i, c in enumerate(d.criteria)
                for j, indicator in enumerate(c.indicators)
            ),
            "indicator",
        )
        shares = self._derived_shares(("weights",), d.weights, d.criteria, ("criteria",))
        if shares is None:
            shares = [
                self._share(("criteria", i), c.points, c.weight, points_scale)
                for i, c in enumerate(d.criteria)
            ]
        self._total(
            ("criteria",), shares, d.max_score if points_scale else 1.0, key, "the criteria"
        )
        compiled_criteria: list[CompiledCriterion] = []
        compiled_indicators: list[CompiledIndicator] = []
        for i, criterion in enumerate(d.criteria):
            share = shares[i]
            criterion_max = share if points_scale else share * d.max_score
            first = len(compiled_indicators)
            compiled_indicators.extend(self._indicators(i, criterion, criterion_max, points_scale))
            compiled_criteria.append(
                CompiledCriterion(
                    criterion.id,
                    pick_text(criterion.title, d.language),
                    criterion_max,
                    first,
                    len(compiled_indicators),
                )
            )
        return tuple(compiled_criteria), tuple(compiled_indicators)

    def _derived_shares(
        self,
        path: KeyPath,
        spec: Weights | None,
        entries: Sequence[Criterion] | Sequence[Indicator],
        entries_path: KeyPath,
    ) -> list[float] | None:
        """Return the weights ``spec`` derives for ``entries``, or None when it is not given.

        Derived weights need the weights scale, and entries that write no weight of their own;
        when they cannot be derived, each entry weighs the same (the problem is recorded).
        """
        if spec is None:
            return None
        if self.definition.scale != "weights":
            self.problem(
                path,
                "derived weights need the weights scale",
                'write scale = "weights" at the top of the file',
            )
        for j, entry in enumerate(entries):
            for key in ("weight", "points"):
                if getattr(entry, key) is not None:
                    self.problem(
                        (*entries_path, j, key),
                        f"'{key}' is derived by [{format_key_path(path)}]",
                        f"remove it, or remove the {format_key_path(path)} table",
                    )
        ids = [entry.id for entry in entries]
        scope = None if path == ("weights",) else int(path[1])
        if spec.method in DATA_WEIGHT_METHODS:
            if scope in self.decided:
                return list(self.decided[scope])
            self.data_weights.append(DataWeights(scope, spec.method, spec.within))
        derived = derive_weights(path, spec, ids, self.problems)
        if derived is None:
            return [1.0 / max(1, len(ids))] * len(ids)
        if spec.method not in DATA_WEIGHT_METHODS:
            where = "criteria" if scope is None else self.definition.criteria[scope].id
            weights = dict(zip(ids, derived, strict=True))
            self.weight_notes.append(WeightNote(where, spec.method, None, weights))
        return derived

    def data_weights_within(self, ranking: CompiledRanking | None) -> None:
        """Check that the weights the units decide are decided over one kind of group.

        Each parent's units weighed apart cannot be ranked together by a multi-criteria method,
        which weighs every unit's indicators alike (by score they can: each score is complete).
        """
        found = self.data_weights
        if not found:
            return
        within = found[0].within

        def table(data: DataWeights) -> KeyPath:
            return (
                ("weights",) if data.criterion is None else ("criteria", data.criterion, "weights")
            )

        for data in found[1:]:
            if data.within != within:
                self.problem(
                    (*table(data), "within"),
                    f"the units decide weights within {data.within!r} here but within {within!r} "
                    f"in [{format_key_path(table(found[0]))}]",
                    f'write the same within = "{within}" in every table that weighs by the data',
                )
        if (
            within == "parent"
            and ranking is not None
            and ranking.within == "all"
            and not ranking.by_score
        ):
            self.problem(
                ("ranking", "within"),
                f"method {ranking.method!r} weighs every unit's indicators alike, but each "
                "parent's units decide their own weights",
                'rank within = "parent", or by method = "score"',
            )

    def _share(
        self, path: KeyPath, points: float | None, weight: float | None, points_scale: bool
    ) -> float:
        wanted, other = ("points", "weight") if points_scale else ("weight", "points")
        value, stray = (points, weight) if points_scale else (weight, points)
        scale = self.definition.scale
        if stray is not None:
            self.problem(
                (*path, other),
                f"'{other}' does not apply on a {scale} scale",
                f"write {wanted} = ... instead",
            )
        if value is None:
            self.problems.append(
                RawProblem(
                    (*path, wanted),
                    f"missing required key '{wanted}'",
                    f"the framework's scale is {scale}",
                    missing=True,
                )
            )
            return 0.0
        if not (value > 0 and math.isfinite(value)):
            self.problem((*path, wanted), f"{wanted} must be a positive number, got {value:g}")
        return value

    def _total(
        self, path: KeyPath, shares: list[float], expected: float, key: str, what: str
    ) -> None:
        total = math.fsum(shares)
        if shares and abs(total - expected) > TOTAL_TOLERANCE * max(1.0, expected):
            listed = " + ".join(f"{share:g}" for share in shares)
            hint = f"{listed} = {total:g}" if len(shares) > 1 else None
            self.problem(path, f"the {key} of {what} add up to {total:g}, not {expected:g}", hint)

    def _unique(self, items: Iterable[tuple[KeyPath, str]], what: str) -> None:
        seen: dict[str, KeyPath] = {}
        for path, item_id in items:
            if not _ID.match(item_id):
                self.problem(
                    path,
                    f"invalid {what} id '{item_id}'",
                    "ids use letters, digits, '.', '_', ':' and '-'",
                )
            if item_id in seen:
                self.problem(
                    path,
                    f"duplicate {what} id '{item_id}'",
                    f"it is already used at {format_key_path(seen[item_id])}",
                )
            else:
                seen[item_id] = path

    def _indicators(
        self, i: int, criterion: Criterion, criterion_max: float, points_scale: bool
    ) -> Iterable[CompiledIndicator]:
        path: KeyPath = ("criteria", i)
        if not criterion.indicators:
            self.problem((*path, "indicators"), f"criterion '{criterion.id}' has no indicators")
            return
        shares = self._derived_shares(
            (*path, "weights"), criterion.weights, criterion.indicators, (*path, "indicators")
        )
        if shares is None:
            shares = [
                self._share(
                    (*path, "indicators", j), indicator.points, indicator.weight, points_scale
                )
                for j, indicator in enumerate(criterion.indicators)
            ]
        key = "points" if points_scale else "weight"
        self._total(
            (*path, "indicators"),
            shares,
            criterion_max if points_scale else 1.0,
            key,
            f"the indicators of criterion '{criterion.id}'",
        )
        for j, indicator in enumerate(criterion.indicators):
            max_points = shares[j] if points_scale else shares[j] * criterion_max
            compiled = self._indicator(
                (*path, "indicators", j), i, indicator, max_points, points_scale
            )
            if compiled is not None:
                yield compiled

    def _indicator(
        self, path: KeyPath, i: int, indicator: Indicator, max_points: float, points_scale: bool
    ) -> CompiledIndicator | None:
        value = self.expression((*path, "value"), indicator.value, None)
        policy = self.definition.policy
        own = indicator.policy
        on_missing = (own.missing_input if own else None) or policy.missing_input
        on_division = (own.division_by_zero if own else None) or policy.division_by_zero
        scorer = self._scorer((*path, "scorer"), indicator, value, max_points, points_scale)
        if value is None or scorer is None:
            return None
        title = pick_text(indicator.title, self.definition.language)
        return CompiledIndicator(
            indicator.id,
            title,
            i,
            value,
            scorer,
            indicator.scorer.type,
            max_points,
            on_missing,
            on_division,
        )

    def _scorer(
        self,
        path: KeyPath,
        indicator: Indicator,
        value: CompiledExpression | None,
        max_points: float,
        points_scale: bool,
    ) -> CompiledScorer | None:
        spec = indicator.scorer
        scorer_type = self.extensions.scorers[spec.type]
        if value is None:
            return None
        if scorer_type.value_types and value.type not in scorer_type.value_types:
            message = (
                f"a {spec.type} scorer needs {scorer_type.accepts}, but the value is {value.type}"
            )
            self.problem((*path[:-1], "value"), message)
            return None
        start = len(self.problems)

        def report(relative: KeyPath, message: str, hint: str | None, at_key: bool) -> None:
            self.problems.append(RawProblem((*path, *relative), message, hint, at_key=at_key))

        context = ScorerContext(
            max_points,
            points_scale,
            value.type,
            lambda key, text: self.expression((*path, key), text, None),
            report,
            indicator=indicator.id,
        )
        try:
            compiled = scorer_type.compile(spec, context)
        except Exception as error:  # noqa: BLE001  a plugin scorer's failure is reported, not raised
            self.problem(
                path,
                f"scorer type {spec.type!r} failed to compile: {type(error).__name__}: {error}",
            )
            return None
        if len(self.problems) != start or compiled is None:
            return None
        if compiled.form is None and scorer_type.columnar is not None:
            share = Share(functools.partial(scorer_type.columnar, spec), max_points)
            return attrs.evolve(compiled, form=share)
        return compiled

    # ------------------------------------------------------------------ tiers and rules

    def tiers(self) -> tuple[CompiledTier, ...]:
        d = self.definition
        if not d.tiers:
            self.problem(("tiers",), "a framework needs at least one tier")
            return ()
        self._unique(((("tiers", i, "id"), t.id) for i, t in enumerate(d.tiers)), "tier")
        codes = (
            [
                (("tiers", i, "gates", j, "id"), gate.id)
                for i, tier in enumerate(d.tiers)
                for j, gate in enumerate(tier.gates)
            ]
            + [(("rules", i, "id"), rule.id) for i, rule in enumerate(d.rules)]
            + [(("quotas", i, "id"), quota.id) for i, quota in enumerate(d.quotas)]
        )
        self._unique(codes, "gate or rule")
        compiled: list[CompiledTier] = []
        previous: float | None = None
        for i, tier in enumerate(d.tiers):
            path: KeyPath = ("tiers", i)
            if not 0 <= tier.min_score <= d.max_score:
                self.problem(
                    (*path, "min_score"),
                    f"min_score {tier.min_score:g} is outside 0 .. {d.max_score:g}",
                )
            if previous is not None and tier.min_score >= previous:
                self.problem(
                    (*path, "min_score"),
                    f"min_score {tier.min_score:g} is not below the previous tier's {previous:g}",
                    "list tiers best first, each with a lower minimum score",
                )
            previous = tier.min_score
            gates = []
            for j, gate in enumerate(tier.gates):
                expression = self.expression(
                    (*path, "gates", j, "require"), gate.require, BOOL, decided=True
                )
                if expression is not None:
                    gates.append(
                        CompiledCondition(
                            gate.id,
                            "gate",
                            pick_text(gate.message, d.language),
                            expression,
                            tier.id,
                            i,
                        )
                    )
            compiled.append(
                CompiledTier(
                    tier.id, pick_text(tier.title, d.language), tier.min_score, tuple(gates)
                )
            )
        last = d.tiers[-1]
        if last.min_score != 0:
            self.problem(
                ("tiers", len(d.tiers) - 1, "min_score"),
                f"the lowest tier must start at 0 so every score has a tier, got {last.min_score:g}",
            )
        if last.gates:
            self.problem(
                ("tiers", len(d.tiers) - 1, "gates"),
                "the lowest tier cannot have gates: there is no tier to fall to",
            )
        return tuple(compiled)

    def rules(self) -> tuple[CompiledCondition, ...]:
        tier_ids = [tier.id for tier in self.definition.tiers]
        compiled: list[CompiledCondition] = []
        for i, rule in enumerate(self.definition.rules):
            path: KeyPath = ("rules", i)
            expression = self.expression((*path, "when"), rule.when, BOOL, decided=True)
            if rule.at_most not in tier_ids:
                self.problem(
                    (*path, "at_most"),
                    f"unknown tier '{rule.at_most}'",
                    did_you_mean(rule.at_most, tier_ids) or f"tiers: {', '.join(tier_ids)}",
                )
                continue
            if expression is not None:
                rank = tier_ids.index(rule.at_most)
                kind: Literal["veto", "cap"] = "veto" if rank == len(tier_ids) - 1 else "cap"
                compiled.append(
                    CompiledCondition(
                        rule.id,
                        kind,
                        pick_text(rule.message, self.definition.language),
                        expression,
                        rule.at_most,
                        rank,
                    )
                )
        return tuple(compiled)

    def checks(self) -> tuple[CompiledCheck, ...]:
        d = self.definition
        self._unique(((("checks", i, "id"), check.id) for i, check in enumerate(d.checks)), "check")
        compiled: list[CompiledCheck] = []
        for i, check in enumerate(d.checks):
            path: KeyPath = ("checks", i)
            expression = self.expression((*path, "require"), check.require, BOOL)
            if expression is None:
                continue
            rolled = sorted(name for name in expression.names if d.inputs[name].rollup is not None)
            if rolled:
                self.problem(
                    (*path, "require"),
                    f"a check reads the data, and '{rolled[0]}' is rolled up from the children",
                    "check the children's inputs in their own framework's [[checks]]",
                )
                continue
            column = check.input if check.input is not None else _first_named(expression)
            if column is None or column not in d.inputs:
                shown = check.input if check.input is not None else ""
                self.problem(
                    (*path, "input" if check.input is not None else "require"),
                    f"unknown input '{shown}'" if shown else "a check must read an input",
                    did_you_mean(shown, list(d.inputs)) or f"inputs: {', '.join(d.inputs)}",
                )
                continue
            unknown = [name for name in PLACEHOLDER.findall(check.message) if name not in d.inputs]
            if unknown:
                self.problem(
                    (*path, "message"),
                    f"unknown input '{unknown[0]}' in {{{unknown[0]}}}",
                    "write {NAME} for the unit's value of input NAME; "
                    + (
                        did_you_mean(unknown[0], list(d.inputs)) or f"inputs: {', '.join(d.inputs)}"
                    ),
                )
                continue
            compiled.append(CompiledCheck(check.id, expression, check.message, column))
        return tuple(compiled)


def _first_named(expression: CompiledExpression) -> str | None:
    """Return the input ``expression`` names first in its text (None if it reads none)."""
    found = [
        (match.start(), name)
        for name in expression.names
        if (match := re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", expression.text))
    ]
    return min(found)[1] if found else None


def compile_definition(
    definition: FrameworkDefinition,
    extensions: Extensions,
    resolve: Callable[[str], ChildFramework] | None = None,
    decided: Mapping[int | None, Sequence[float]] | None = None,
    compiled: ExpressionCache | None = None,
) -> CompiledFramework | list[RawProblem]:
    """Check ``definition`` against ``extensions`` and compile it, or return every problem.

    ``resolve`` finds the framework of the ``[children]``, when the definition has them.
    ``decided`` gives the weights the evaluated units decided for the ``[weights]`` whose
    method weighs by the data (None: of the criteria, else a criterion's position); without
    them those weights are equal (:mod:`criteriakit.scalar.weighing`). ``compiled`` keeps the
    expressions compiled, for compiling the same definition again with other weights.
    """
    checker = _Checker(definition, extensions, decided or {}, compiled)
    weighting = checker.weighting()
    checker.header()
    checker.inputs()
    data_scope = dict(checker.scope)
    derived = check_derived(
        definition.derived, checker.scope, checker.expression_at, checker.problems
    )
    checker.failed_derived = set(definition.derived) - {name for name, _ in derived}
    criteria, indicators = checker.criteria()
    tiers = checker.tiers()
    rules = checker.rules()
    checker.scope = data_scope  # checks read the data as given, not the derived values
    checks = checker.checks()
    children = check_children(definition, resolve, checker.problems)
    rollups = check_rollups(definition, children, checker.problems, checker.functions)
    quotas = check_quotas(definition, checker.problems)
    awards = check_awards(definition, checker.functions, checker.problems)
    ranking = check_ranking(definition, indicators, checker.problems)
    checker.data_weights_within(ranking)
    if checker.problems or weighting is None:
        return checker.problems
    policy = definition.policy
    read = {name for condition in conditions(tiers, rules) for name in condition.expression.names}
    criterion_values = tuple(
        (criterion_value(criterion.id, field), index, field)
        for index, criterion in enumerate(criteria)
        for field in CRITERION_FIELDS
        if criterion_value(criterion.id, field) in read
    )
    return CompiledFramework(
        id=definition.id,
        version=definition.version,
        max_score=float(definition.max_score),
        declared=definition.inputs,
        inputs=InputChecker.for_inputs(definition.inputs),
        criteria=criteria,
        indicators=indicators,
        tiers=tiers,
        rules=rules,
        on_missing=policy.missing_input,
        on_division=policy.division_by_zero,
        weighting=weighting,
        children=children,
        rollups=rollups,
        quotas=quotas,
        checks=checks,
        derived=derived,
        criterion_values=criterion_values,
        ranking=ranking,
        data_weights=tuple(checker.data_weights),
        weight_notes=tuple(checker.weight_notes),
        awards=awards,
    )


def conditions(
    tiers: Iterable[CompiledTier], rules: Iterable[CompiledCondition]
) -> Iterator[CompiledCondition]:
    """Yield every gate of ``tiers``, then every rule."""
    for tier in tiers:
        yield from tier.gates
    yield from rules
