"""Checking what ties a framework to the levels around it: children, roll-ups and quotas.

A framework may declare ``[children]``: the framework that rates the level below (a cell's
members). Its inputs may then declare ``rollup`` expressions over the children, seen as records
with the fields ``tier``, ``band_tier``, ``score``, ``evaluable`` and every scalar or list input
of the child framework: ``rollup = "count(members, tier >= 'good')"``, or with a list field
``rollup = "max(members, count(monthly_scores))"``. ``[[quotas]]`` cap a tier among
the siblings of one parent. This module checks those declarations and compiles them; running
them is :mod:`criteriakit.scalar.hierarchy`'s job.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Mapping
from fractions import Fraction

from criteriakit._problems import KeyPath, RawProblem, did_you_mean
from criteriakit.compiling.compiled import (
    ChildFramework,
    CompiledChildren,
    CompiledFramework,
    CompiledQuota,
)
from criteriakit.errors import CriteriaKitError, ExpressionError, UnknownFrameworkError
from criteriakit.expressions import (
    BOOL,
    INTEGER,
    NUMBER,
    CompiledExpression,
    ExprType,
    FunctionSpec,
    LevelType,
    ListType,
    RecordsType,
    compile_expression,
)
from criteriakit.model.framework import FrameworkDefinition, Input, pick_text

__all__ = [
    "RESULT_FIELDS",
    "check_children",
    "check_quotas",
    "check_rollups",
    "child_records_type",
]

RESULT_FIELDS = ("tier", "band_tier", "score", "evaluable")
"""The fields every child record has, before the child framework's own inputs."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SCALARS = {"number": NUMBER, "integer": INTEGER, "bool": BOOL}


def _input_type(spec: Input) -> ExprType | None:
    if spec.type == "level":
        return LevelType(spec.levels or ())
    if spec.type == "list":
        item = (
            LevelType(spec.levels or ())
            if spec.items == "level"
            else _SCALARS.get(spec.items or "number")
        )
        return ListType(item) if item is not None else None
    return _SCALARS.get(spec.type)


def child_records_type(child: CompiledFramework) -> tuple[RecordsType, tuple[str, ...]]:
    """Return the records type of a child framework's results and the inputs exposed as fields."""
    tiers = LevelType(tuple(tier.id for tier in child.tiers))
    fields: dict[str, ExprType] = dict(
        zip(RESULT_FIELDS, (tiers, tiers, NUMBER, BOOL), strict=True)
    )
    exposed: list[str] = []
    for name, spec in child.declared.items():
        field_type = _input_type(spec)
        if field_type is not None and name not in fields:
            fields[name] = field_type
            exposed.append(name)
    return RecordsType(tuple(fields.items())), tuple(exposed)


def check_children(
    definition: FrameworkDefinition,
    resolve: Callable[[str], ChildFramework] | None,
    problems: list[RawProblem],
) -> CompiledChildren | None:
    """Find the children's framework and check the name they go by.

    Without ``resolve`` (a framework loaded on its own, not through a registry), or when no
    framework of that id and version is registered, the children stay unresolved: the framework
    evaluates units with direct inputs, and its roll-ups are checked once it is loaded where the
    children's framework is known.
    """
    children = definition.children
    if children is None:
        return None
    path: KeyPath = ("children",)
    if not _NAME.match(children.name) or keyword.iskeyword(children.name):
        problems.append(
            RawProblem(
                (*path, "name"),
                f"invalid children name '{children.name}'",
                'an identifier, like "members"',
            )
        )
    if "@" not in children.framework:
        message = f"name the children's framework with its version, got '{children.framework}'"
        problems.append(
            RawProblem((*path, "framework"), message, 'framework = "vn.four-good-member@2024"')
        )
        return None
    if resolve is None:
        return None  # loaded on its own: usable with direct inputs; roll-ups need a registry
    try:
        child = resolve(children.framework)
    except UnknownFrameworkError:
        return None  # not registered: usable with direct inputs; the registry warns about it
    except CriteriaKitError as error:
        problems.append(RawProblem((*path, "framework"), str(error)))
        return None
    _, fields = child_records_type(child.compiled)
    return CompiledChildren(child, children.name, children.not_evaluable, fields)


def _fits(declared: ExprType | None, actual: ExprType) -> bool:
    if declared == NUMBER:
        return actual in {NUMBER, INTEGER}
    return declared == actual


def check_rollups(
    definition: FrameworkDefinition,
    children: CompiledChildren | None,
    problems: list[RawProblem],
    functions: Mapping[str, FunctionSpec],
) -> tuple[tuple[str, CompiledExpression], ...]:
    """Compile every input's ``rollup`` against the children's records."""
    rollups: list[tuple[str, CompiledExpression]] = []
    for name, spec in definition.inputs.items():
        if spec.rollup is None:
            continue
        path: KeyPath = ("inputs", name, "rollup")
        if definition.children is None:
            problems.append(
                RawProblem(
                    path,
                    "a rollup needs [children]",
                    '[children]\nframework = "id@version"\nname = "members"',
                )
            )
            continue
        if children is None:
            continue
        records, _ = child_records_type(children.framework.compiled)
        try:
            compiled = compile_expression(
                spec.rollup, {children.name: records}, functions=functions
            )
        except ExpressionError as error:
            problems.append(
                RawProblem(path, error.message, error.hint, offset=error.offset, width=error.length)
            )
            continue
        declared = _input_type(spec)
        if not _fits(declared, compiled.type):
            problems.append(
                RawProblem(
                    path, f"the rollup gives {compiled.type}, but input '{name}' is {spec.type}"
                )
            )
            continue
        rollups.append((name, compiled))
    return tuple(rollups)


def check_quotas(
    definition: FrameworkDefinition, problems: list[RawProblem]
) -> tuple[CompiledQuota, ...]:
    """Check every quota's tiers and share; compile them to ranks and exact fractions."""
    tier_ids = [tier.id for tier in definition.tiers]
    compiled: list[CompiledQuota] = []
    for index, quota in enumerate(definition.quotas):
        path: KeyPath = ("quotas", index)
        start = len(problems)
        for key in ("tier", "of"):
            value = getattr(quota, key)
            if value not in tier_ids:
                problems.append(
                    RawProblem(
                        (*path, key),
                        f"unknown tier '{value}'",
                        did_you_mean(value, tier_ids) or f"tiers: {', '.join(tier_ids)}",
                    )
                )
        if len(problems) == start:
            if quota.tier == quota.of:
                problems.append(
                    RawProblem(
                        (*path, "of"),
                        f"a quota on '{quota.tier}' cannot be measured against itself",
                    )
                )
            elif quota.tier == tier_ids[-1]:
                problems.append(
                    RawProblem(
                        (*path, "tier"),
                        f"'{quota.tier}' is the lowest tier: nobody can be demoted from it",
                    )
                )
        if not 0 < quota.share <= 1:
            problems.append(
                RawProblem(
                    (*path, "share"),
                    f"share must be above 0 and at most 1, got {quota.share:g}",
                    "write 0.2 for 20 %",
                )
            )
        if len(problems) == start:
            message = (
                pick_text(quota.message, definition.language)
                or f"at most {quota.share:.0%} of the units rated {quota.of} may be rated {quota.tier}"
            )
            share = Fraction(repr(quota.share)).limit_denominator(10**9)
            compiled.append(
                CompiledQuota(
                    quota.id,
                    tier_ids.index(quota.tier),
                    tier_ids.index(quota.of),
                    share,
                    quota.counting,
                    message,
                )
            )
    return tuple(compiled)
