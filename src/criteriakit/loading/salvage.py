"""Salvage a framework file that did not structure, so its meaning can be checked too.

A file with a mistyped number and an expression that cannot parse should get both messages
from one ``lint``. The converter reports every structure problem, but the checker needs a
whole :class:`~criteriakit.model.framework.FrameworkDefinition`; so the loader repairs a copy
of the raw tables and checks that, then sets aside what the repairs made up:

- an unknown key is dropped: the table it sat in is checked without it;
- a value that did not structure (a wrong type, an unknown choice, a missing required key) is
  replaced by a placeholder of its field's type, and its path is *damaged*. A number becomes
  NaN, the unknown number: comparisons with it are false, so totals over it find nothing
  wrong. Anything wrong inside a scorer damages the whole scorer, which becomes a placeholder.

The checker then runs on the repaired copy, and every problem that depends on a damaged part
is a knock-on of a problem already reported, so it is dropped (:meth:`Salvage.is_knock_on`):
a problem inside a damaged part; anything about a damaged input, scorer or ``[children]``
table; an expression that names a damaged input; a total, a scorer's awards or a tier's
bounds when a share, the ``scale`` or the ``max_score`` they rest on is damaged; a reference
to a tier when a tier's id is damaged. What is left is reported with the structure problems.
"""

from __future__ import annotations

import copy
import functools
import math
import re
import typing
from collections.abc import Iterator, Mapping
from typing import Any, Literal, get_args, get_origin

import attrs

from criteriakit._problems import KeyPath, RawProblem, closest
from criteriakit.errors import ExpressionError
from criteriakit.expressions import parse
from criteriakit.model.framework import FrameworkDefinition
from criteriakit.model.scorers import ScorerSpec

if typing.TYPE_CHECKING:
    import cattrs

__all__ = ["Salvage", "salvage"]


class _Omit:
    """The placeholder that removes a key, so its field takes its default."""


_OMIT = _Omit()
_SCORER_PLACEHOLDER = {"type": "target", "target": math.nan}
_SHARES = frozenset({"points", "weight"})
_FOUNDATIONS = frozenset({("scale",), ("max_score",)})
_TIER_REFERENCES = (("rules", int, "at_most"), ("quotas", int, frozenset({"tier", "of"})))


class _Unrepairable(Exception):  # noqa: N818  a signal inside this module, never raised out of it
    """A damaged path whose field has no placeholder: the file is not salvaged."""


@attrs.frozen
class Salvage:
    """A repaired definition and the damaged key paths whose knock-on problems are dropped.

    ``data`` is the repaired copy of the raw tables it was structured from, read to find the
    expressions a problem is about; ``names`` are the damaged inputs (None: all of them).
    """

    definition: FrameworkDefinition
    data: Mapping[str, Any]
    damaged: frozenset[KeyPath]
    names: frozenset[str] | None

    def is_knock_on(self, problem: RawProblem) -> bool:
        """Whether ``problem`` rests on a damaged part, whose own problem is already reported."""
        path = problem.path
        return (
            any(_within(path, unit) for unit in self._units())
            or self._rests_on_a_damaged_share(path)
            or (self._tier_id_damaged() and _is_tier_reference(path))
            or (self._scorer_damaged(path) and problem.offset is None)
            or self._names_a_damaged_input(problem)
        )

    def _units(self) -> Iterator[KeyPath]:
        """Yield the damaged parts, each widened to the input or ``[children]`` table it is in."""
        for path in self.damaged:
            yield path
            if path[:1] == ("inputs",) and len(path) >= 2:
                yield path[:2]
            if path[:1] == ("children",):
                yield ("children",)
                yield from (("inputs", name, "rollup") for name in self.data.get("inputs", {}))

    def _rests_on_a_damaged_share(self, path: KeyPath) -> bool:
        """Whether ``path`` is a total, share or award resting on a damaged share or scale."""
        if self.damaged & _FOUNDATIONS and (
            path == ("criteria",)
            or _matches(path, ("criteria", int, _SHARES | {"indicators"}))
            or _matches(path, ("criteria", int, "indicators", int, _SHARES))
            or _within_scorer(path)
            or _matches(path, ("tiers", int, "min_score"))
        ):
            return True
        return any(self._share_rests_on(path, damaged) for damaged in self.damaged)

    @staticmethod
    def _share_rests_on(path: KeyPath, damaged: KeyPath) -> bool:
        if _matches(damaged, ("criteria", int)) or _matches(damaged, ("criteria", int, _SHARES)):
            criterion = damaged[:2]
            return path in {("criteria",), (*criterion, "indicators")} or (
                _within(path, criterion) and _within_scorer(path)
            )
        if _matches(damaged, ("criteria", int, "indicators", int)) or _matches(
            damaged, ("criteria", int, "indicators", int, _SHARES)
        ):
            indicator = damaged[:4]
            return path == damaged[:3] or _within(path, (*indicator, "scorer"))
        return False

    def _tier_id_damaged(self) -> bool:
        return any(
            path == ("tiers",)
            or _matches(path, ("tiers", int))
            or _matches(path, ("tiers", int, "id"))
            for path in self.damaged
        )

    def _scorer_damaged(self, path: KeyPath) -> bool:
        """Whether ``path`` is the value of an indicator whose scorer is damaged (their fit)."""
        return path[-1:] == ("value",) and (*path[:-1], "scorer") in self.damaged

    def _names_a_damaged_input(self, problem: RawProblem) -> bool:
        """Whether the problem is about an expression that names a damaged input.

        That is a type or name error (a syntax error stands on its own) in an expression naming
        one, or anything about an indicator's scorer or the fit of its value to it when the
        indicator's value names one.
        """
        path = problem.path
        indicator = _indicator_of(path)
        texts = []
        if problem.offset is not None:
            texts.append(_at(self.data, path))
        if indicator is not None and (
            _within(path, (*indicator, "scorer")) or path == (*indicator, "value")
        ):
            texts.append(_at(self.data, (*indicator, "value")))
        return any(
            isinstance(text, str)
            and (self.names is None or _names_any(text, self.names))
            and _parses(text)
            for text in texts
        )


def salvage(
    converter: cattrs.Converter, data: Mapping[str, Any], problems: list[RawProblem]
) -> Salvage | None:
    """Repair a copy of ``data`` around its structure ``problems``; None when it cannot be.

    The repaired copy must structure: a placeholder the converter refuses (a plugin set without
    the ``target`` scorer) leaves the file unsalvaged, reported with its structure problems only.
    """
    repaired = copy.deepcopy(dict(data))
    damaged: set[KeyPath] = set()
    try:
        for problem in sorted(problems, key=lambda problem: len(problem.path)):
            _repair(repaired, problem, damaged)
    except _Unrepairable:
        return None
    try:
        definition = converter.structure(repaired, FrameworkDefinition)
    except Exception:  # noqa: BLE001  a refused placeholder: the structure problems stand alone
        return None
    return Salvage(definition, repaired, frozenset(damaged), _damaged_names(damaged))


def _repair(data: dict[str, Any], problem: RawProblem, damaged: set[KeyPath]) -> None:
    """Drop an unknown key, or put a placeholder where a value did not structure."""
    if any(_within(problem.path, path) for path in damaged):
        return
    if problem.at_key:
        _drop_unknown_key(data, problem.path, damaged)
    else:
        _damage(data, problem.path, damaged)


def _damage(data: dict[str, Any], at: KeyPath, damaged: set[KeyPath]) -> None:
    """Put a placeholder for the field at ``at`` (a whole scorer for a part of one)."""
    path, annotation, has_default = _field_at(at)
    if not path:
        raise _Unrepairable
    damaged.add(path)
    _put(data, path, _placeholder(annotation, has_default))


def _drop_unknown_key(data: dict[str, Any], path: KeyPath, damaged: set[KeyPath]) -> None:
    """Drop an unknown key; a key it is a misspelling of (``pionts``: points) is damaged.

    The misspelt key's value was meant for the absent key, whose own checks ("missing
    required key 'points'", the total of the points) would only repeat the unknown key.
    """
    table_path, key = path[:-1], path[-1]
    table = _at(data, table_path)
    if not isinstance(table, dict) or not isinstance(key, str):
        return
    table.pop(key, None)
    found, annotation, _ = _field_at(table_path)
    cls = _required(annotation)
    if found != table_path or not attrs.has(cls):
        return
    meant = closest(key, [name for name in attrs.fields_dict(cls) if name not in table])
    if meant is not None:
        _damage(data, (*table_path, meant), damaged)


def _field_at(path: KeyPath) -> tuple[KeyPath, Any, bool]:
    """Find the part to replace (a scorer as a whole), its type and whether it has a default."""
    annotation: Any = FrameworkDefinition
    has_default = False
    for depth, step in enumerate(path):
        if annotation is ScorerSpec:
            return path[:depth], annotation, has_default
        annotation = _required(annotation)
        if attrs.has(annotation) and isinstance(step, str):
            field = attrs.fields_dict(annotation).get(step)
            if field is None:
                return path[:depth], annotation, has_default
            annotation = _hints(annotation)[step]
            has_default = field.default is not attrs.NOTHING
        elif get_origin(annotation) is tuple:  # tuple[X, ...]: the items are X
            annotation = get_args(annotation)[0]
            has_default = False
        elif get_origin(annotation) is dict:  # dict[str, X]: the values are X
            annotation = get_args(annotation)[1]
            has_default = False
        else:
            return path[:depth], annotation, has_default
    return path, annotation, has_default


def _placeholder(annotation: Any, has_default: bool) -> object:
    """Return a raw value that structures as ``annotation`` and asserts nothing."""
    options = get_args(annotation)
    if annotation is float or float in options:
        return math.nan
    if has_default:
        return _OMIT
    annotation = _required(annotation)
    if annotation is ScorerSpec:
        return dict(_SCORER_PLACEHOLDER)
    if get_origin(annotation) is Literal:
        return options[0]
    if annotation in {str, dict[str, str]}:
        return ""
    if get_origin(annotation) is tuple:
        return []
    if get_origin(annotation) is dict:
        return {}
    if attrs.has(annotation):
        return _table_placeholder(annotation)
    if annotation in {bool, int}:
        return annotation()
    raise _Unrepairable


def _table_placeholder(cls: Any) -> dict[str, object]:
    """Return a table with a placeholder for every required or numeric key of ``cls``."""
    table: dict[str, object] = {}
    for field in attrs.fields(cls):
        value = _placeholder(_hints(cls)[field.name], field.default is not attrs.NOTHING)
        if value is not _OMIT:
            table[field.name] = value
    return table


def _required(annotation: Any) -> Any:
    """``X`` for ``X | None``; any other annotation unchanged."""
    options = [option for option in get_args(annotation) if option is not type(None)]
    if len(options) == 1 and type(None) in get_args(annotation):
        return options[0]
    return annotation


@functools.cache
def _hints(cls: Any) -> dict[str, Any]:
    """Return the resolved field types of an attrs class (the model's annotations are text)."""
    return typing.get_type_hints(cls)


def _put(data: dict[str, Any], path: KeyPath, value: object) -> None:
    parent = _at(data, path[:-1])
    step = path[-1]
    if isinstance(parent, list) and isinstance(step, int) and 0 <= step < len(parent):
        parent[step] = value
    elif not isinstance(parent, dict):
        raise _Unrepairable
    elif value is _OMIT:
        parent.pop(step, None)
    else:
        parent[step] = value


def _at(data: object, path: KeyPath) -> object:
    """Return the raw value at ``path``, or None where the path leads nowhere."""
    for step in path:
        if isinstance(data, Mapping) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
        else:
            return None
    return data


def _damaged_names(damaged: set[KeyPath]) -> frozenset[str] | None:
    """Return the inputs with a damaged part; None when the whole ``inputs`` table is."""
    if ("inputs",) in damaged:
        return None
    return frozenset(str(path[1]) for path in damaged if path[:1] == ("inputs",) and len(path) >= 2)


def _names_any(text: str, names: frozenset[str]) -> bool:
    """Whether ``text`` has one of ``names`` as a whole word (a name in an expression)."""
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    return not words.isdisjoint(names)


def _parses(text: str) -> bool:
    try:
        parse(text)
    except ExpressionError:
        return False
    return True


def _is_tier_reference(path: KeyPath) -> bool:
    return any(_matches(path, pattern) for pattern in _TIER_REFERENCES)


def _indicator_of(path: KeyPath) -> KeyPath | None:
    if _matches(path[:4], ("criteria", int, "indicators", int)):
        return path[:4]
    return None


def _within(path: KeyPath, part: KeyPath) -> bool:
    return path[: len(part)] == part


def _within_scorer(path: KeyPath) -> bool:
    return _matches(path[:5], ("criteria", int, "indicators", int, "scorer"))


def _matches(path: KeyPath, pattern: tuple[object, ...]) -> bool:
    """Whether ``path`` fits ``pattern``: a step is a key, ``int`` (any index) or a set of keys."""
    if len(path) != len(pattern):
        return False
    for step, wanted in zip(path, pattern, strict=True):
        if wanted is int:
            if not isinstance(step, int):
                return False
        elif isinstance(wanted, frozenset | set):
            if step not in wanted:
                return False
        elif step != wanted:
            return False
    return True
