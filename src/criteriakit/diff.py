"""What a specialised framework changed compared with its base, as a list of readable entries.

:func:`diff_definitions` compares two framework definitions by name and id (inputs, criteria,
indicators, tiers, gates, rules) and field by field, so a reviewer of a company extension sees
what it adds, removes and changes, and whether the points each criterion is worth moved. Entries
follow the base's order, with additions after, so the same two frameworks always give the same
text.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Literal, TypeVar

import attrs

from criteriakit._converter import converter
from criteriakit.model.framework import (
    Award,
    Criterion,
    FrameworkDefinition,
    Gate,
    Indicator,
    Input,
    Rule,
    Tier,
    pick_text,
)

__all__ = ["ChangeKind", "DiffEntry", "FrameworkDiff", "diff_definitions"]

ChangeKind = Literal["added", "removed", "changed", "unchanged"]
T = TypeVar("T")

_SIGNS: dict[ChangeKind, str] = {"added": "+", "removed": "-", "changed": "~", "unchanged": "="}
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_FRAMEWORK_PARTS = frozenset({"id", "version", "criteria", "tiers", "inputs", "rules", "awards"})


@attrs.frozen
class DiffEntry:
    """One difference: an element added or removed, or one field of it changed.

    ``element`` is ``framework``, ``input``, ``criterion``, ``indicator``, ``tier``, ``gate``,
    ``rule`` or ``award``; ``field`` names the changed field (dotted inside a table: ``policy.missing_input``)
    and ``before``/``after`` are its values as text. ``summary`` describes an added or removed
    element. An ``unchanged`` entry says a criterion's total points stayed the same although its
    indicators changed.
    """

    change: ChangeKind
    element: str
    id: str
    field: str | None = None
    before: str | None = None
    after: str | None = None
    summary: str | None = None

    def render(self) -> str:
        """Return the entry as one line: ``~ indicator 1.1 points: 12 → 10``."""
        sign = _SIGNS[self.change]
        subject = f"{self.element} {self.id}" if self.element != "framework" else ""
        if self.change in {"added", "removed"}:
            separator = ": " if self.element in {"gate", "rule", "award"} else " "
            return f"{sign} {subject}{separator}{self.summary}"
        target = f"{subject} {self.field}".strip()
        if self.change == "unchanged":
            return f"{sign} {target}: {self.before}"
        return f"{sign} {target}: {self.before} → {self.after}"


@attrs.frozen
class FrameworkDiff:
    """The differences from ``base`` to ``derived`` (both ``id@version``), in a stable order."""

    base: str
    derived: str
    changes: tuple[DiffEntry, ...]

    @property
    def empty(self) -> bool:
        """Whether the derived framework changes nothing but its id and version."""
        return not self.changes

    def render(self) -> str:
        """Return the differences as text: a heading line, then one indented line each."""
        lines = [f"  {entry.render()}" for entry in self.changes] or ["  no changes"]
        return "\n".join([f"{self.base} → {self.derived}", *lines])


def diff_definitions(base: FrameworkDefinition, derived: FrameworkDefinition) -> FrameworkDiff:
    """List what ``derived`` adds to, removes from and changes in ``base``."""
    changes = [
        *_fields("framework", "", base, derived, _FRAMEWORK_PARTS),
        *_inputs(base, derived),
        *_criteria(base, derived),
        *_indicators(base, derived),
        *_totals(base, derived),
        *_tiers(base, derived),
        *_gates(base, derived),
        *_rules(base, derived),
        *_awards(base, derived),
    ]
    return FrameworkDiff(_ref(base), _ref(derived), tuple(changes))


def _ref(definition: FrameworkDefinition) -> str:
    return f"{definition.id}@{definition.version}"


def _show(value: object) -> str:
    """Write a field's value compactly, TOML-like: ``{ type = "linear", zero_at = 0 }``."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return _inline(converter().unstructure(value))


def _inline(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"{value:g}"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return _inline_table(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_inline(item) for item in value) + "]"
    return str(value)


def _inline_table(table: Mapping[str, Any]) -> str:
    """Write a table with its ``type`` first and unset keys left out; a plain text as a string."""
    if set(table) == {"und"}:
        return _inline(table["und"])
    keys = sorted(
        (key for key, item in table.items() if item is not None), key=lambda k: k != "type"
    )
    if not keys:
        return "{}"
    items = ", ".join(f"{_key(key)} = {_inline(table[key])}" for key in keys)
    return "{ " + items + " }"


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def _size(points: float | None, weight: float | None) -> str:
    """How much an element is worth as written: ``8 points`` or ``weight 0.25``."""
    return f"{_show(points)} points" if points is not None else f"weight {_show(weight)}"


def _fields(
    element: str,
    element_id: str,
    before: attrs.AttrsInstance,
    after: attrs.AttrsInstance,
    skip: frozenset[str] = frozenset(),
) -> Iterator[DiffEntry]:
    """Compare two attrs objects of one class field by field, recursing into nested ones."""
    for field in attrs.fields(type(before)):
        if field.name in skip:
            continue
        old, new = getattr(before, field.name), getattr(after, field.name)
        if old == new:
            continue
        if attrs.has(type(old)) and type(old) is type(new):
            nested = _fields(element, element_id, old, new)
            yield from (
                attrs.evolve(entry, field=f"{field.name}.{entry.field}") for entry in nested
            )
        else:
            yield DiffEntry("changed", element, element_id, field.name, _show(old), _show(new))


def _compare(
    element: str,
    before: Mapping[str, T],
    after: Mapping[str, T],
    summaries: tuple[Callable[[T], str], Callable[[T], str]],
    changed: Callable[[str, T, T], Iterable[DiffEntry]],
) -> Iterator[DiffEntry]:
    """Pair elements by id: the base's in order (removed or changed), then the additions.

    ``summaries`` describe a removed and an added element; ``changed`` lists what changed in a
    pair.
    """
    removed, added = summaries
    for key, old in before.items():
        new = after.get(key)
        if new is None:
            yield DiffEntry("removed", element, key, summary=removed(old))
        else:
            yield from changed(key, old, new)
    for key, new in after.items():
        if key not in before:
            yield DiffEntry("added", element, key, summary=added(new))


def _field_changes(element: str, *skip: str) -> Callable[[str, Any, Any], Iterator[DiffEntry]]:
    """Compare a pair field by field, leaving out ``skip``."""
    return lambda key, old, new: _fields(element, key, old, new, frozenset(skip))


def _inputs(base: FrameworkDefinition, derived: FrameworkDefinition) -> Iterator[DiffEntry]:
    summaries = (_input_summary, _input_summary)
    return _compare("input", base.inputs, derived.inputs, summaries, _field_changes("input"))


def _input_summary(declaration: Input) -> str:
    of = f" of {declaration.items}" if declaration.items is not None else ""
    return f"({declaration.type}{of})"


def _sized(element: Criterion | Indicator, definition: FrameworkDefinition) -> str:
    """Describe a criterion or indicator: ``Targets met (12 points)``."""
    title = pick_text(element.title, definition.language)
    return f"{title} ({_size(element.points, element.weight)})"


def _criteria(base: FrameworkDefinition, derived: FrameworkDefinition) -> Iterator[DiffEntry]:
    return _compare(
        "criterion",
        {criterion.id: criterion for criterion in base.criteria},
        {criterion.id: criterion for criterion in derived.criteria},
        (functools.partial(_sized, definition=base), functools.partial(_sized, definition=derived)),
        _field_changes("criterion", "id", "indicators"),
    )


_Placed = tuple[str, Indicator]
"""An indicator with the id of its criterion."""


def _indicators(base: FrameworkDefinition, derived: FrameworkDefinition) -> Iterator[DiffEntry]:
    def removed(placed: _Placed) -> str:
        return _sized(placed[1], base)

    def added(placed: _Placed) -> str:
        return f"{_sized(placed[1], derived)} in criterion {placed[0]}"

    def changed(key: str, old: _Placed, new: _Placed) -> Iterator[DiffEntry]:
        if old[0] != new[0]:
            yield DiffEntry("changed", "indicator", key, "criterion", old[0], new[0])
        yield from _fields("indicator", key, old[1], new[1], frozenset({"id"}))

    return _compare("indicator", _placed(base), _placed(derived), (removed, added), changed)


def _placed(definition: FrameworkDefinition) -> dict[str, _Placed]:
    return {
        indicator.id: (criterion.id, indicator)
        for criterion in definition.criteria
        for indicator in criterion.indicators
    }


def _worth(criterion: Criterion, definition: FrameworkDefinition) -> float:
    """Return the points a criterion's indicators are worth together, out of max_score."""
    if definition.scale == "points":
        return sum(indicator.points or 0.0 for indicator in criterion.indicators)
    shares = sum(indicator.weight or 0.0 for indicator in criterion.indicators)
    return definition.max_score * (criterion.weight or 0.0) * shares


def _sizes(criterion: Criterion) -> dict[str, tuple[float | None, float | None]]:
    return {
        indicator.id: (indicator.points, indicator.weight) for indicator in criterion.indicators
    }


def _totals(base: FrameworkDefinition, derived: FrameworkDefinition) -> Iterator[DiffEntry]:
    """Say what each criterion whose indicators changed in number or size is now worth."""
    after = {criterion.id: criterion for criterion in derived.criteria}
    for old in base.criteria:
        new = after.get(old.id)
        if new is None or _sizes(old) == _sizes(new):
            continue
        before, later = _show(_worth(old, base)), _show(_worth(new, derived))
        if before == later:
            yield DiffEntry("unchanged", "criterion", old.id, "total points", before)
        else:
            yield DiffEntry("changed", "criterion", old.id, "total points", before, later)


def _tiers(base: FrameworkDefinition, derived: FrameworkDefinition) -> Iterator[DiffEntry]:
    return _compare(
        "tier",
        {tier.id: tier for tier in base.tiers},
        {tier.id: tier for tier in derived.tiers},
        (
            functools.partial(_tier_summary, definition=base),
            functools.partial(_tier_summary, definition=derived),
        ),
        _field_changes("tier", "id", "gates"),
    )


def _tier_summary(tier: Tier, definition: FrameworkDefinition) -> str:
    return f"{pick_text(tier.title, definition.language)} (min_score {_show(tier.min_score)})"


def _gates(base: FrameworkDefinition, derived: FrameworkDefinition) -> Iterator[DiffEntry]:
    """Compare gates by ``tier/gate``: a gate moved to another tier is removed and added."""
    summaries = (_gate_summary, _gate_summary)
    changes = _field_changes("gate", "id")
    return _compare("gate", _tier_gates(base), _tier_gates(derived), summaries, changes)


def _tier_gates(definition: FrameworkDefinition) -> dict[str, Gate]:
    return {f"{tier.id}/{gate.id}": gate for tier in definition.tiers for gate in tier.gates}


def _gate_summary(gate: Gate) -> str:
    return pick_text(gate.message)


Entry = TypeVar("Entry", Rule, Award)


def _by_id(
    element: str, base: Iterable[Entry], derived: Iterable[Entry], summary: Callable[[Entry], str]
) -> Iterator[DiffEntry]:
    """Compare a top-level array's entries matched by id (rules, awards), field by field."""
    return _compare(
        element,
        {entry.id: entry for entry in base},
        {entry.id: entry for entry in derived},
        (summary, summary),
        _field_changes(element, "id"),
    )


def _rules(base: FrameworkDefinition, derived: FrameworkDefinition) -> Iterator[DiffEntry]:
    return _by_id("rule", base.rules, derived.rules, _rule_summary)


def _awards(base: FrameworkDefinition, derived: FrameworkDefinition) -> Iterator[DiffEntry]:
    return _by_id("award", base.awards, derived.awards, _award_summary)


def _award_summary(award: Award) -> str:
    return f"{pick_text(award.title)} (require {award.require})"


def _rule_summary(rule: Rule) -> str:
    return f"{pick_text(rule.message)} (at most {rule.at_most})"
