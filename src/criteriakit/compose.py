"""Composition: a framework file that ``extends`` another, merged into one complete framework.

A derived file names its base with ``extends = "id@version"`` and holds only what it changes:
inputs by name, criteria, indicators, tiers, gates and rules by id, a ``before`` or ``after`` key
to place an entry, and a ``[remove]`` table (see ``docs/extending.md``). :func:`compose` merges
the two as plain data and records where each part of the result came from, so the loader can
check the merged framework with the usual pipeline and point every problem at the right line of
the right file. It is pure: it reads no file and asks no registry, and it checks only the shape
of the patch; totals, references and expressions are checked on the merged framework like on
any other.

Every step is linear in the size of the base and the patch (ids are looked up in dictionaries,
entries are placed in one pass), and a "did you mean" suggestion, which compares one id with
all the others, is made only for the problems an error shows: a ``[remove]`` of 100,000 unknown
ids gives 100,000 problems in linear time, of which the error prints the first ones and the count.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Literal, TypeAlias

import attrs

from criteriakit import limits
from criteriakit._converter import describe
from criteriakit._problems import KeyPath, RawProblem, did_you_mean
from criteriakit.errors import shorten
from criteriakit.model.framework import FrameworkDefinition

__all__ = [
    "CLEARABLE",
    "MERGED_BY_ID",
    "OWN_REF",
    "PLACING",
    "REMOVABLE",
    "Composition",
    "Document",
    "Origin",
    "compose",
]

Document: TypeAlias = Literal["base", "derived"]
Origin: TypeAlias = tuple[Document, KeyPath]


@attrs.frozen
class Composition:
    """A merged framework as plain data, and where each of its parts came from.

    ``data`` is what ``tomllib`` would give for the complete file, without ``extends`` and
    ``remove``. ``origins`` maps key paths of ``data`` to the document and key path they came
    from; a path below a recorded one comes from the same place (see :meth:`origin`).
    """

    data: dict[str, Any]
    origins: Mapping[KeyPath, Origin]

    def origin(self, path: KeyPath) -> Origin:
        """Return the document and the key path in it that ``path`` of ``data`` came from."""
        size = next(size for size in range(len(path), -1, -1) if path[:size] in self.origins)
        document, source = self.origins[path[:size]]
        return document, (*source, *path[size:])


@attrs.frozen
class _Kind:
    """An array of tables matched by id.

    Its key, one entry's name, its TOML header and the array nested in each entry; whether a
    derived file may add entries and remove them.
    """

    key: str
    name: str
    header: str
    nested: _Kind | None = None
    addable: bool = True
    removable: bool = True


_INDICATORS = _Kind("indicators", "indicator", "criteria.indicators")
_CRITERIA = _Kind("criteria", "criterion", "criteria", nested=_INDICATORS)
_GATES = _Kind("gates", "gate", "tiers.gates")
_TIERS = _Kind("tiers", "tier", "tiers", nested=_GATES, addable=False, removable=False)
_RULES = _Kind("rules", "rule", "rules")
_CHECKS = _Kind("checks", "check", "checks")
_AWARDS = _Kind("awards", "award", "awards")
_ARRAYS = (_CRITERIA, _TIERS, _RULES, _CHECKS, _AWARDS)
"""The top-level arrays merged by id: each is merged, placed, removed and reported alike."""

_KINDS = {kind.key: kind for top in _ARRAYS for kind in (top, top.nested) if kind is not None}
MERGED_BY_ID = tuple(_KINDS)
"""The arrays of tables a derived file merges by id, at the top or nested in an entry: each entry
gives its ``id`` and the keys it changes, and may be placed with one of :data:`PLACING`."""
_PARENTS = {top.nested.key: top for top in _ARRAYS if top.nested is not None}
"""The kind each nested kind lives in: an indicator under a criterion, a gate under a tier."""
_NAMES = {"inputs": "input", **{key: kind.name for key, kind in _KINDS.items()}}
PLACING = ("before", "after")
"""The keys that place an entry next to another of the same array."""
_MERGED = frozenset({"inputs", "derived", "policy", *(kind.key for kind in _ARRAYS)})
_PATCH_ONLY = frozenset({"extends", "remove"})
OWN_REF = ("id", "version")
"""The keys a derived file must give itself: results name the framework they were rated on."""
_REQUIRED = frozenset(
    field.name for field in attrs.fields(FrameworkDefinition) if field.default is attrs.NOTHING
)
CLEARABLE = tuple(
    field.name
    for field in attrs.fields(FrameworkDefinition)
    if field.name not in _REQUIRED | (_MERGED - {"policy"})
)
"""The top-level values ``[remove] keys`` can clear: the optional ones not merged by id."""
REMOVABLE = (
    "inputs",
    *(key for key, kind in _KINDS.items() if kind.removable),
    "keys",
)
"""The keys of a ``[remove]`` table: arrays of names or ids, and of top-level ``keys``."""
_TOP = ""
"""The parent id of top-level entries (criteria, tiers, rules)."""


@attrs.frozen
class _Placed:
    """A table of the base with its key path there."""

    table: Mapping[str, Any]
    path: KeyPath


@attrs.frozen
class _Entry:
    """One table of the derived file matched by id, with its key path in that file."""

    path: KeyPath
    id: str
    table: Mapping[str, Any]


@attrs.frozen
class _Slot:
    """One entry of a merged array: the base table it inherits, and what the derived file gives.

    Either may be missing: a base entry the derived file leaves alone has no ``entry``, a new
    one (or one ``[remove]`` names and the derived file gives again) no ``base``.
    """

    id: str
    base: _Placed | None
    entry: _Entry | None


def compose(base: Mapping[str, Any], derived: Mapping[str, Any]) -> Composition | list[RawProblem]:
    """Merge the patch ``derived`` (a parsed file with ``extends``) into ``base``.

    ``base`` is a complete framework as plain data (``None`` values count as absent). Returns the
    merged framework, or every problem of the patch's shape, each at its key path in ``derived``.
    """
    composer = _Composer(base, derived)
    data = composer.compose()
    if composer.problems:
        return composer.problems
    return Composition(data, composer.origins)


def _plain(value: object) -> Any:
    """Copy base data as a parsed file would hold it: no ``None`` values, arrays as lists."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _either_has(base: Mapping[str, Any], patch: Mapping[str, Any], key: str) -> bool:
    """Whether ``key`` is set in the base (``None`` is unset) or given in the patch."""
    return base.get(key) is not None or key in patch


def _date(value: object) -> dt.date | None:
    """Read a validity date as the base (ISO text or a date) or a parsed file (a date) holds it."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _index(base: Mapping[str, Any]) -> dict[str, dict[str, _Placed]]:
    """Every entry of ``base`` by kind and id, wherever it is nested (ids are unique by kind)."""
    index: dict[str, dict[str, _Placed]] = {key: {} for key in _KINDS}
    for kind in _ARRAYS:
        for position, item in enumerate(base.get(kind.key) or ()):
            path: KeyPath = (kind.key, position)
            index[kind.key][item["id"]] = _Placed(item, path)
            if kind.nested is not None:
                subs = item.get(kind.nested.key) or ()
                nested = index[kind.nested.key]
                for sub_position, sub in enumerate(subs):
                    nested[sub["id"]] = _Placed(sub, (*path, kind.nested.key, sub_position))
    return index


def _array_origin(
    kind: _Kind, parent: _Entry | None, base_path: KeyPath, taken: KeyPath | None
) -> Origin:
    """Return where a merged array comes from: the derived file if it gives or changes it.

    A problem of a whole array (its points no longer add up, it is empty) belongs to the
    derived file when that took one of the base's entries away: it is shown at the entry the
    derived file gives for the array's parent, else at what took the entry away (the id in
    ``[remove]``, or the entry given under another parent).
    """
    if parent is not None and kind.key in parent.table:
        return "derived", (*parent.path, kind.key)
    if taken is None:
        return "base", base_path
    if parent is not None and parent.path:
        return "derived", parent.path
    return "derived", taken


def _listed(ids: Iterable[str], most: int = 5) -> str:
    """Quote the first few of ``ids``, for a hint that names real options."""
    first = list(itertools.islice(ids, most + 1))
    shown = ", ".join(f"'{shorten(item)}'" for item in first[:most])
    return f"{shown}, …" if len(first) > most else shown


@attrs.define
class _Composer:
    """Merges one patch into one base, gathering problems and origins on the way.

    ``index`` holds the base's entries by kind and id; ``removed`` the ids (and top-level
    ``keys``) that ``[remove]`` names, by kind, each with its key path; ``given`` the entries
    the derived file gives, by kind and id, and ``under`` the same by kind and the id of the
    entry they are given under, in the file's order.
    """

    base: Mapping[str, Any]
    derived: Mapping[str, Any]
    problems: list[RawProblem] = attrs.Factory(list)
    origins: dict[KeyPath, Origin] = attrs.Factory(dict)
    index: dict[str, dict[str, _Placed]] = attrs.Factory(dict)
    removed: dict[str, dict[str, KeyPath]] = attrs.Factory(dict)
    given: dict[str, dict[str, _Entry]] = attrs.Factory(dict)
    under: dict[tuple[str, str], list[_Entry]] = attrs.Factory(dict)

    def compose(self) -> dict[str, Any]:
        """Return the merged data; problems are left in :attr:`problems`."""
        self._require_own_ref()
        self.index = _index(self.base)
        self.removed = self._removals()
        for kind in _ARRAYS:
            if kind.key in self.derived:
                self._read(kind, self.derived[kind.key], (kind.key,), _TOP)
        inherited = self._inherited_top()
        data = self._merge_table(inherited, (), self.derived, (), (), _MERGED | _PATCH_ONLY)
        if _either_has(inherited, self.derived, "policy"):
            data["policy"] = self._policy(inherited.get("policy"))
        if _either_has(self.base, self.derived, "inputs"):
            data["inputs"] = self._inputs()
        if _either_has(inherited, self.derived, "derived"):
            data["derived"] = self._derived_values(inherited.get("derived"))
        root = _Slot(_TOP, _Placed(inherited, ()), _Entry((), _TOP, self.derived))
        for kind in _ARRAYS:
            if _either_has(inherited, self.derived, kind.key):
                data[kind.key] = self._array(kind, root, ())
        return data

    def _require_own_ref(self) -> None:
        for key in OWN_REF:
            if key not in self.derived:
                self._problem(
                    (key,),
                    f"missing required key '{key}'",
                    "a framework that extends another needs its own id and version",
                    missing=True,
                )

    def _problem(self, path: KeyPath, message: str, hint: str | None = None, **how: bool) -> None:
        self.problems.append(RawProblem(path, message, hint, **how))

    def _suggestion(self, item: str, known: Collection[str]) -> str | None:
        """Suggest the closest of ``known``, for as many problems as an error shows only.

        Each suggestion compares ``item`` with every known id: for each of 100,000 unknown ids
        that would be quadratic, and all but the first would go unread.
        """
        if len(self.problems) >= limits.current().reported_problems:
            return None
        return did_you_mean(item, list(known))

    def _base_ref(self) -> str:
        return f"the base framework {self.base.get('id')}@{self.base.get('version')}"

    def _removals(self) -> dict[str, dict[str, KeyPath]]:
        """Check ``[remove]``; return what it removes by kind, each with its key path."""
        table = self.derived.get("remove", {})
        if not isinstance(table, Mapping):
            self._problem(
                ("remove",),
                f"expected a table, got {describe(table)}",
                f"write [remove] with {', '.join(REMOVABLE[:-1])} or {REMOVABLE[-1]}"
                ' = ["name", ...]',
            )
            return {}
        removed: dict[str, dict[str, KeyPath]] = {}
        for key, ids in table.items():
            if key in REMOVABLE:
                removed[key] = self._removal_ids(key, ids)
                continue
            hint = did_you_mean(key, REMOVABLE) or f"allowed keys: {', '.join(REMOVABLE)}"
            if key == "tiers":
                hint = "tiers are the base framework's scale and cannot be removed"
            self._problem(("remove", key), f"unknown key '{key}'", hint, at_key=True)
        return removed

    def _removal_ids(self, key: str, ids: object) -> dict[str, KeyPath]:
        """Check one array of ``[remove]``: strings the base has; return them with their paths."""
        path = ("remove", key)
        if not isinstance(ids, list | tuple):
            self._problem(
                path, f"expected an array of ids, got {describe(ids)}", f'write {key} = ["id", ...]'
            )
            return {}
        known = self._removable(key)
        found: dict[str, KeyPath] = {}
        for position, item in enumerate(ids):
            here = (*path, position)
            if not isinstance(item, str):
                self._problem(here, f"expected a string, got {describe(item)}", 'quote it: "text"')
            elif item in known:
                found[item] = here
            elif key == "keys":
                self._unclearable(here, item, list(known))
            else:
                message = f"{self._base_ref()} has no {_NAMES[key]} '{shorten(item)}'"
                self._problem(here, message, self._suggestion(item, known))
        return found

    def _removable(self, key: str) -> Mapping[str, object]:
        """Return what ``[remove] key`` may name: the base's inputs, ids of a kind or set values."""
        if key == "inputs":
            return self.base.get("inputs") or {}
        if key == "keys":
            return {name: True for name in CLEARABLE if self.base.get(name) is not None}
        return self.index[key]

    def _unclearable(self, path: KeyPath, item: str, known: Sequence[str]) -> None:
        """Report a name in ``[remove] keys`` that is not a value the base sets and may lose."""
        name = shorten(item)
        if item in CLEARABLE:
            hint = f"the base sets {_listed(known)}" if known else "the base sets none of them"
            self._problem(path, f"{self._base_ref()} sets no {name}", hint)
            return
        close = self._suggestion(item, CLEARABLE)
        kinds = ", ".join(REMOVABLE[:-1])
        hint = f"keys clears {', '.join(CLEARABLE)}; ids are removed with {kinds}"
        self._problem(
            path,
            f"'{name}' is not a value [remove] keys can clear",
            f"{close} {hint}" if close else hint,
        )

    def _inherited_top(self) -> dict[str, Any]:
        """Return the base's top-level values without those the derived file clears."""
        dropped = set(self.removed.get("keys", {})) | self._contradicted_dates()
        return {key: value for key, value in self.base.items() if key not in dropped}

    def _contradicted_dates(self) -> set[str]:
        """Return the inherited validity dates that the derived file's own dates contradict.

        "The 2023 version ends, the 2024 version extends it": a derived file with ``valid_from``
        2024-01-01 on a base valid until 2023-12-31 means a period that starts in 2024, not an
        empty one. The inherited end is dropped (the period is open) rather than reported as
        ending before it starts; likewise an inherited start after the derived file's end.
        """
        start, end = _date(self.derived.get("valid_from")), _date(self.derived.get("valid_until"))
        base_start, base_end = (
            _date(self.base.get("valid_from")),
            _date(self.base.get("valid_until")),
        )
        dropped: set[str] = set()
        if "valid_until" not in self.derived and start and base_end and base_end < start:
            dropped.add("valid_until")
        if "valid_from" not in self.derived and end and base_start and end < base_start:
            dropped.add("valid_from")
        return dropped

    def _read(self, kind: _Kind, value: object, path: KeyPath, parent: str) -> None:
        """Read the ``kind`` entries given under ``parent`` (and those nested in them)."""
        nested = kind.nested
        for entry in self._entries(kind, value, path):
            self.under.setdefault((kind.key, parent), []).append(entry)
            if nested is not None and nested.key in entry.table:
                self._read(nested, entry.table[nested.key], (*entry.path, nested.key), entry.id)

    def _entries(self, kind: _Kind, value: object, path: KeyPath) -> list[_Entry]:
        """Check that ``value`` is an array of tables with string ids not given before.

        Ids are unique by kind in the whole file, not only under one parent: an indicator given
        under two criteria would be moved to both.
        """
        header = f"write [[{kind.header}]] tables"
        if not isinstance(value, list | tuple):
            self._problem(path, f"expected an array of tables, got {describe(value)}", header)
            return []
        entries: list[_Entry] = []
        given = self.given.setdefault(kind.key, {})
        for position, table in enumerate(value):
            here = (*path, position)
            if not isinstance(table, Mapping):
                self._problem(here, f"expected a table, got {describe(table)}", header)
                continue
            entry_id = self._entry_id(kind, table, here)
            if entry_id is None:
                continue
            if entry_id in given:
                self._problem(
                    (*here, "id"),
                    f"{kind.name} '{shorten(entry_id)}' is given twice",
                    f"give each {kind.name} once, with all its changes",
                )
                continue
            entry = _Entry(here, entry_id, table)
            if self._accepts(kind, entry):
                given[entry_id] = entry
                entries.append(entry)
        return entries

    def _entry_id(self, kind: _Kind, table: Mapping[str, Any], here: KeyPath) -> str | None:
        entry_id = table.get("id")
        if isinstance(entry_id, str):
            return entry_id
        if entry_id is None:
            add = ", or a new id to add one" if kind.addable else ""
            hint = f"entries are matched by id: give the id of the {kind.name} to change{add}"
            self._problem((*here, "id"), "missing required key 'id'", hint, missing=True)
        else:
            self._problem(
                (*here, "id"), f"expected a string, got {describe(entry_id)}", 'quote it: "text"'
            )
        return None

    def _accepts(self, kind: _Kind, entry: _Entry) -> bool:
        """Whether ``entry`` may be merged: an entry of a kind that cannot be added must exist."""
        if kind.addable or entry.id in self.index[kind.key]:
            return True
        hint = f"{kind.key} are the base framework's scale: an extension can change them but not add one"
        close = self._suggestion(entry.id, self.index[kind.key])
        self._problem(
            (*entry.path, "id"),
            f"unknown {kind.name} '{shorten(entry.id)}'",
            f"{hint}; {close}" if close else hint,
        )
        return False

    def _from_base(self, value: object, here: KeyPath, there: KeyPath) -> Any:
        self.origins[here] = ("base", there)
        return _plain(value)

    def _from_derived(self, value: object, here: KeyPath, there: KeyPath) -> Any:
        self.origins[here] = ("derived", there)
        return value

    def _merge_table(
        self,
        base: Mapping[str, Any] | None,
        base_path: KeyPath,
        patch: Mapping[str, Any] | None,
        patch_path: KeyPath,
        here: KeyPath,
        skip: frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        """Merge two tables key by key, the patch's keys winning; ``skip`` keys are left out."""
        self.origins[here] = ("base", base_path) if patch is None else ("derived", patch_path)
        merged: dict[str, Any] = {}
        for key, value in (base or {}).items():
            if value is not None and key not in skip:
                merged[key] = self._from_base(value, (*here, key), (*base_path, key))
        for key, value in (patch or {}).items():
            if key not in skip:
                merged[key] = self._from_derived(value, (*here, key), (*patch_path, key))
        return merged

    def _policy(self, base: object) -> Any:
        patch = self.derived.get("policy")
        path = ("policy",)
        if patch is None:
            return self._from_base(base, path, path)
        if isinstance(patch, Mapping) and isinstance(base, Mapping):
            return self._merge_table(base, path, patch, path, path)
        return self._from_derived(patch, path, path)

    def _inputs(self) -> dict[str, Any]:
        """Merge the inputs: removed ones go, the derived file's declarations replace or add.

        An input both removed and given is given: its declaration replaces the base's in place,
        as it would without ``[remove]`` (an input's declaration is always replaced whole).
        """
        path = ("inputs",)
        patch = self.derived.get("inputs", {})
        if not isinstance(patch, Mapping):
            self._problem(
                path, f"expected a table, got {describe(patch)}", "write [inputs.NAME] tables"
            )
            patch = {}
        removed = self.removed.get("inputs", {})
        kept = {
            name: value
            for name, value in (self.base.get("inputs") or {}).items()
            if name not in removed or name in patch
        }
        merged = self._merge_table(kept, path, patch, path, path)
        self.origins[path] = ("derived", path) if "inputs" in self.derived else ("base", path)
        return merged

    def _derived_values(self, base: object) -> dict[str, Any]:
        """Merge the ``[derived]`` values by name: the derived file's replace or add."""
        path = ("derived",)
        patch = self.derived.get("derived", {})
        if not isinstance(patch, Mapping):
            self._problem(path, f"expected a table, got {describe(patch)}", "write [derived]")
            patch = {}
        kept = dict(base) if isinstance(base, Mapping) else {}
        merged = self._merge_table(kept, path, patch, path, path)
        self.origins[path] = ("derived", path) if "derived" in self.derived else ("base", path)
        return merged

    def _array(self, kind: _Kind, parent: _Slot, here: KeyPath) -> list[dict[str, Any]]:
        """Merge the ``kind`` array of one merged entry (``parent``), in its final order."""
        target = (*here, kind.key)
        base_items: Sequence[Mapping[str, Any]] = ()
        base_path: KeyPath = ()
        if parent.base is not None:
            base_items = parent.base.table.get(kind.key) or ()
            base_path = (*parent.base.path, kind.key)
        entries = self.under.get((kind.key, parent.id), [])
        slots, taken = self._slots(kind, base_items, base_path, entries)
        self.origins[target] = _array_origin(kind, parent.entry, base_path, taken)
        slots = self._ordered(kind, parent.id, slots, entries)
        return [self._item(kind, slot, (*target, index)) for index, slot in enumerate(slots)]

    def _slots(
        self,
        kind: _Kind,
        base_items: Sequence[Mapping[str, Any]],
        base_path: KeyPath,
        entries: Sequence[_Entry],
    ) -> tuple[list[_Slot], KeyPath | None]:
        """Return the entries of one merged array before any is placed.

        The base's come first, in their order, less those removed or given under another
        parent; then the others given here, in the derived file's order. Also returns the key
        path in the derived file of what took the first of the base's entries away, if any.
        """
        here = {entry.id: entry for entry in entries}
        removed = self.removed.get(kind.key, {})
        given = self.given.get(kind.key, {})
        slots: list[_Slot] = []
        taken: KeyPath | None = None
        for position, item in enumerate(base_items):
            item_id = item["id"]
            entry = here.pop(item_id, None)
            if entry is None and (item_id in removed or item_id in given):
                if taken is None:
                    taken = removed[item_id] if item_id in removed else given[item_id].path
                continue
            base = None if item_id in removed else _Placed(item, (*base_path, position))
            slots.append(_Slot(item_id, base, entry))
        slots.extend(
            _Slot(entry.id, self._inherited(kind, entry.id), entry) for entry in here.values()
        )
        return slots, taken

    def _inherited(self, kind: _Kind, item_id: str) -> _Placed | None:
        """Return the base entry a given entry inherits its keys from, none if removed."""
        if item_id in self.removed.get(kind.key, {}):
            return None
        return self.index[kind.key].get(item_id)

    def _item(self, kind: _Kind, slot: _Slot, here: KeyPath) -> dict[str, Any]:
        """Merge one entry: a base table, its patch, or both; nested arrays by id in turn."""
        nested = kind.nested
        skip = frozenset(PLACING if nested is None else (*PLACING, nested.key))
        base, base_path = (None, ()) if slot.base is None else (slot.base.table, slot.base.path)
        patch, patch_path = (
            (None, ()) if slot.entry is None else (slot.entry.table, slot.entry.path)
        )
        merged = self._merge_table(base, base_path, patch, patch_path, here, skip)
        if nested is not None and _either_has(base or {}, patch or {}, nested.key):
            merged[nested.key] = self._array(nested, slot, here)
        return merged

    def _ordered(
        self, kind: _Kind, parent: str, slots: list[_Slot], entries: Sequence[_Entry]
    ) -> list[_Slot]:
        """Place the entries that give ``before`` or ``after`` next to the entry they name.

        Entries placed next to the same one keep the derived file's order; an entry may be
        placed next to one that is placed in turn. One pass over the entries, whatever their
        number: each is taken off the stack once.
        """
        siblings = {slot.id: slot for slot in slots}
        anchored: dict[tuple[str, str], list[_Slot]] = {}
        for entry in entries:
            place = self._place(kind, parent, entry, siblings)
            if place is not None:
                anchored.setdefault(place, []).append(siblings[entry.id])
        if not anchored:
            return slots
        moving = {slot.id for group in anchored.values() for slot in group}
        ordered: list[_Slot] = []
        stack = [(False, slot) for slot in reversed(slots) if slot.id not in moving]
        while stack:
            emit, slot = stack.pop()
            if emit:
                ordered.append(slot)
                continue
            stack.extend((False, after) for after in reversed(anchored.pop(("after", slot.id), [])))
            stack.append((True, slot))
            stack.extend(
                (False, before) for before in reversed(anchored.pop(("before", slot.id), []))
            )
        for (side, anchor), stranded in anchored.items():
            self._circle(kind, side, anchor, stranded)
            ordered.extend(stranded)
        return ordered

    def _place(
        self, kind: _Kind, parent: str, entry: _Entry, siblings: Mapping[str, _Slot]
    ) -> tuple[str, str] | None:
        """Check the ``before`` or ``after`` key of a given entry; return it with the id it names."""
        sides = [side for side in PLACING if side in entry.table]
        if not sides:
            return None
        side = sides[-1]
        path = (*entry.path, side)
        anchor = entry.table[side]
        name = kind.name
        if len(sides) > 1:
            self._problem(
                path,
                f"{name} '{shorten(entry.id)}' is given both before and after",
                "give one of them: the entry it names fixes the place",
                at_key=True,
            )
        elif not isinstance(anchor, str):
            self._problem(
                path, f"expected a string, got {describe(anchor)}", f'write {side} = "{name} id"'
            )
        elif anchor == entry.id:
            self._problem(
                path,
                f"{name} '{shorten(entry.id)}' cannot be placed {side} itself",
                f"{side} names another {name} of {self._where(kind, parent)}",
            )
        elif anchor not in siblings:
            where = self._where(kind, parent)
            close = self._suggestion(anchor, siblings)
            self._problem(
                path,
                f"{where} has no {name} '{shorten(anchor)}' to place '{shorten(entry.id)}' {side}",
                close or f"name one of its {kind.key}: {_listed(siblings)}",
            )
        else:
            return side, anchor
        return None

    def _where(self, kind: _Kind, parent: str) -> str:
        """Name the merged entry an array belongs to, for messages: ``criterion '1'``."""
        owner = _PARENTS.get(kind.key)
        return "the framework" if owner is None else f"{owner.name} '{shorten(parent)}'"

    def _circle(self, kind: _Kind, side: str, anchor: str, stranded: Sequence[_Slot]) -> None:
        """Report entries that cannot be placed: each is placed next to another in a circle."""
        for slot in stranded:
            assert slot.entry is not None  # noqa: S101  only given entries are placed
            self._problem(
                (*slot.entry.path, side),
                f"{kind.name} '{shorten(slot.id)}' cannot be placed {side} '{shorten(anchor)}', "
                "which is placed next to it in turn",
                f"place one of them {side} one of the {kind.key} that stay where they are",
            )
