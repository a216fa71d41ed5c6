"""Composition: a framework file that ``extends`` another, merged into one complete framework.

A derived file names its base with ``extends = "id@version"`` and holds only what it changes:
inputs by name, criteria, indicators, tiers, gates and rules by id, and a ``[remove]`` table
(see ``docs/extending.md``). :func:`compose` merges the two as plain data and records where each
part of the result came from, so the loader can check the merged framework with the usual
pipeline and point every problem at the right line of the right file. It is pure: it reads no
file and asks no registry, and it checks only the shape of the patch; totals, references and
expressions are checked on the merged framework like on any other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeAlias

import attrs

from criteriakit import limits
from criteriakit._converter import describe
from criteriakit._problems import KeyPath, RawProblem, did_you_mean
from criteriakit.errors import shorten

__all__ = ["REMOVABLE", "Composition", "Document", "Origin", "compose"]

Document: TypeAlias = Literal["base", "derived"]
Origin: TypeAlias = tuple[Document, KeyPath]

REMOVABLE = ("inputs", "criteria", "indicators", "gates", "rules")
"""The keys of a ``[remove]`` table, each an array of names or ids."""

_NAMES = {
    "inputs": "input",
    "criteria": "criterion",
    "indicators": "indicator",
    "tiers": "tier",
    "gates": "gate",
    "rules": "rule",
}
_PARENTS = {"indicators": "criteria", "gates": "tiers"}
"""The array each nested array lives in: an indicator under a criterion, a gate under a tier."""
_MERGED = frozenset({"inputs", "criteria", "tiers", "rules", "policy"})
_PATCH_ONLY = frozenset({"extends", "remove"})
_TOP = ""
"""The parent id of top-level entries (criteria, tiers, rules)."""


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
    """An array of tables matched by id: its key, its TOML header and the array nested in it."""

    key: str
    header: str
    nested: _Kind | None = None
    addable: bool = True

    @property
    def name(self) -> str:
        """One entry, for messages: ``criterion``."""
        return _NAMES[self.key]


_INDICATORS = _Kind("indicators", "criteria.indicators")
_CRITERIA = _Kind("criteria", "criteria", nested=_INDICATORS)
_GATES = _Kind("gates", "tiers.gates")
_TIERS = _Kind("tiers", "tiers", nested=_GATES, addable=False)
_RULES = _Kind("rules", "rules")


@attrs.frozen
class _Entry:
    """One table of the derived file matched by id, with its key path in that file."""

    path: KeyPath
    id: str
    table: Mapping[str, Any]


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


def _ids(base: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Every id of ``base`` by kind, each with the id of its parent (``""`` at the top)."""
    ids: dict[str, dict[str, str]] = {"inputs": dict.fromkeys(base.get("inputs") or {}, _TOP)}
    for kind in (_CRITERIA, _TIERS, _RULES):
        ids[kind.key] = {}
        for item in base.get(kind.key) or ():
            ids[kind.key][item["id"]] = _TOP
            if kind.nested is not None:
                nested = ids.setdefault(kind.nested.key, {})
                subs = item.get(kind.nested.key) or ()
                nested.update(dict.fromkeys((sub["id"] for sub in subs), item["id"]))
    return ids


@attrs.define
class _Composer:
    """Merges one patch into one base, gathering problems and origins on the way.

    By kind (``inputs``, ``criteria``, ``indicators``, ...): ``removed`` holds the ids ``[remove]``
    names with their key paths, ``given`` the ids the derived file gives, and ``known`` the base's
    ids that survive ``[remove]``, each with the id of its parent.
    """

    base: Mapping[str, Any]
    derived: Mapping[str, Any]
    problems: list[RawProblem] = attrs.Factory(list)
    origins: dict[KeyPath, Origin] = attrs.Factory(dict)
    removed: dict[str, dict[str, KeyPath]] = attrs.Factory(dict)
    given: dict[str, set[str]] = attrs.Factory(dict)
    known: dict[str, dict[str, str]] = attrs.Factory(dict)

    def compose(self) -> dict[str, Any]:
        """Return the merged data; problems are left in :attr:`problems`."""
        self._require_own_ref()
        every_id = _ids(self.base)
        self.removed = self._removals(every_id)
        self.known = {
            kind: {item: parent for item, parent in ids.items() if self._kept(kind, item, parent)}
            for kind, ids in every_id.items()
        }
        data = self._merge_table(self.base, (), self.derived, (), (), _MERGED | _PATCH_ONLY)
        if _either_has(self.base, self.derived, "policy"):
            data["policy"] = self._policy()
        if _either_has(self.base, self.derived, "inputs"):
            data["inputs"] = self._inputs()
        root = _Entry((), _TOP, self.derived)
        for kind in (_CRITERIA, _TIERS, _RULES):
            if _either_has(self.base, self.derived, kind.key):
                data[kind.key] = self._array(kind, self.base, (), root, ())
        self._conflicts()
        return data

    def _require_own_ref(self) -> None:
        for key in ("id", "version"):
            if key not in self.derived:
                self._problem(
                    (key,),
                    f"missing required key '{key}'",
                    "a framework that extends another needs its own id and version",
                    missing=True,
                )

    def _problem(self, path: KeyPath, message: str, hint: str | None = None, **how: bool) -> None:
        self.problems.append(RawProblem(path, message, hint, **how))

    def _kept(self, kind: str, item: str, parent: str) -> bool:
        """Whether ``item`` of ``kind`` survives ``[remove]``, itself and through its parent."""
        removed_parents = self.removed.get(_PARENTS.get(kind, ""), {})
        return item not in self.removed.get(kind, {}) and parent not in removed_parents

    def _removals(self, every_id: dict[str, dict[str, str]]) -> dict[str, dict[str, KeyPath]]:
        """Check ``[remove]``; return the ids it removes by kind, each with its key path."""
        table = self.derived.get("remove", {})
        if not isinstance(table, Mapping):
            self._problem(
                ("remove",),
                f"expected a table, got {describe(table)}",
                'write [remove] with inputs, criteria, indicators, gates or rules = ["id", ...]',
            )
            return {}
        removed: dict[str, dict[str, KeyPath]] = {}
        for key, ids in table.items():
            if key in REMOVABLE:
                removed[key] = self._removal_ids(key, ids, list(every_id.get(key, {})))
                continue
            hint = did_you_mean(key, REMOVABLE) or f"allowed keys: {', '.join(REMOVABLE)}"
            if key == "tiers":
                hint = "tiers are the base framework's scale and cannot be removed"
            self._problem(("remove", key), f"unknown key '{key}'", hint, at_key=True)
        return removed

    def _removal_ids(self, key: str, ids: object, known: Sequence[str]) -> dict[str, KeyPath]:
        path = ("remove", key)
        if not isinstance(ids, list | tuple):
            self._problem(
                path, f"expected an array of ids, got {describe(ids)}", f'write {key} = ["id", ...]'
            )
            return {}
        found: dict[str, KeyPath] = {}
        known_ids = set(known)
        for index, item in enumerate(ids):
            here = (*path, index)
            if not isinstance(item, str):
                self._problem(here, f"expected a string, got {describe(item)}", 'quote it: "text"')
            elif item not in known_ids:
                message = f"{self._base_ref()} has no {_NAMES[key]} '{shorten(item)}'"
                self._problem(here, message, self._suggestion(item, known))
            else:
                found[item] = here
        return found

    def _suggestion(self, item: str, known: Sequence[str]) -> str | None:
        """Suggest the closest of ``known``, for as many problems as an error shows only.

        Each suggestion compares ``item`` with every known id: for each of 100,000 unknown ids
        that would be quadratic, and all but the first would go unread.
        """
        if len(self.problems) >= limits.current().reported_problems:
            return None
        return did_you_mean(item, known)

    def _base_ref(self) -> str:
        return f"the base framework {self.base.get('id')}@{self.base.get('version')}"

    def _conflicts(self) -> None:
        """Report ids that are removed and given again in the same file."""
        for key, ids in self.removed.items():
            name = _NAMES[key]
            for item, path in ids.items():
                if item in self.given.get(key, set()):
                    self._problem(
                        path,
                        f"{name} '{item}' is both removed and given in this file",
                        f"to change a {name}, give it without removing it; "
                        "to replace it, give the new one another id",
                    )

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

    def _policy(self) -> Any:
        base, patch = self.base.get("policy"), self.derived.get("policy")
        path = ("policy",)
        if patch is None:
            return self._from_base(base, path, path)
        if isinstance(patch, Mapping) and isinstance(base, Mapping):
            return self._merge_table(base, path, patch, path, path)
        return self._from_derived(patch, path, path)

    def _inputs(self) -> dict[str, Any]:
        """Merge the inputs: removed ones go, the derived file's declarations replace or add."""
        path = ("inputs",)
        patch = self.derived.get("inputs", {})
        if not isinstance(patch, Mapping):
            self._problem(
                path, f"expected a table, got {describe(patch)}", "write [inputs.NAME] tables"
            )
            patch = {}
        self.given["inputs"] = set(patch)
        removed = self.removed.get("inputs", {})
        kept = {
            name: value
            for name, value in (self.base.get("inputs") or {}).items()
            if name not in removed
        }
        merged = self._merge_table(kept, path, patch, path, path)
        self.origins[path] = ("derived", path) if "inputs" in self.derived else ("base", path)
        return merged

    def _array(
        self,
        kind: _Kind,
        parent: Mapping[str, Any] | None,
        parent_path: KeyPath,
        entry: _Entry | None,
        here: KeyPath,
    ) -> list[dict[str, Any]]:
        """Merge the ``kind`` array of a base table (``parent``) and of its patch (``entry``)."""
        base_path, target = (*parent_path, kind.key), (*here, kind.key)
        base_items: Sequence[Mapping[str, Any]] = (parent or {}).get(kind.key) or ()
        entries: list[_Entry] = []
        self.origins[target] = ("base", base_path)
        if entry is not None and kind.key in entry.table:
            patch_path = (*entry.path, kind.key)
            self.origins[target] = ("derived", patch_path)
            entries = [
                item
                for item in self._entries(kind, entry.table[kind.key], patch_path)
                if self._accepts(kind, item, entry.id)
            ]
        patches = {item.id: item for item in entries}
        removed = self.removed.get(kind.key, {})
        merged: list[dict[str, Any]] = []
        for index, item in enumerate(base_items):
            if item["id"] not in removed:
                at = (*target, len(merged))
                merged.append(
                    self._item(kind, item, (*base_path, index), patches.pop(item["id"], None), at)
                )
        for patch in patches.values():
            merged.append(self._item(kind, None, (), patch, (*target, len(merged))))
        return merged

    def _item(
        self,
        kind: _Kind,
        base: Mapping[str, Any] | None,
        base_path: KeyPath,
        entry: _Entry | None,
        here: KeyPath,
    ) -> dict[str, Any]:
        """Merge one entry: a base table, its patch, or both; nested arrays by id in turn."""
        nested = kind.nested
        skip = frozenset() if nested is None else frozenset({nested.key})
        patch, patch_path = (None, ()) if entry is None else (entry.table, entry.path)
        merged = self._merge_table(base, base_path, patch, patch_path, here, skip)
        if nested is not None and _either_has(base or {}, patch or {}, nested.key):
            merged[nested.key] = self._array(nested, base, base_path, entry, here)
        return merged

    def _entries(self, kind: _Kind, value: object, path: KeyPath) -> list[_Entry]:
        """Check that ``value`` is an array of tables with distinct string ids; return them."""
        header = f"write [[{kind.header}]] tables"
        if not isinstance(value, list | tuple):
            self._problem(path, f"expected an array of tables, got {describe(value)}", header)
            return []
        entries: list[_Entry] = []
        ids: set[str] = set()
        given = self.given.setdefault(kind.key, set())
        for index, table in enumerate(value):
            here = (*path, index)
            if not isinstance(table, Mapping):
                self._problem(here, f"expected a table, got {describe(table)}", header)
                continue
            entry_id = self._entry_id(kind, table, here)
            if entry_id is None:
                continue
            if entry_id in ids:
                self._problem(
                    (*here, "id"),
                    f"{kind.name} '{entry_id}' is given twice",
                    f"give each {kind.name} once, with all its changes",
                )
                continue
            ids.add(entry_id)
            given.add(entry_id)
            entries.append(_Entry(here, entry_id, table))
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

    def _accepts(self, kind: _Kind, entry: _Entry, parent_id: str) -> bool:
        """Whether ``entry`` may be merged under ``parent_id``: not a new tier nor another's."""
        owner = self.known.get(kind.key, {}).get(entry.id)
        path = (*entry.path, "id")
        if owner is None and not kind.addable:
            known = list(self.known.get(kind.key, {}))
            hint = f"{kind.key} are the base framework's scale: an extension can change them but not add one"
            close = did_you_mean(entry.id, known)
            self._problem(
                path, f"unknown {kind.name} '{entry.id}'", f"{hint}; {close}" if close else hint
            )
            return False
        if owner is not None and owner != parent_id:
            parent = _PARENTS[kind.key]
            self._problem(
                path,
                f"{kind.name} '{entry.id}' belongs to {_NAMES[parent]} '{owner}'",
                f'change it in the [[{parent}]] entry with id = "{owner}"',
            )
            return False
        return True
