"""JSON Schemas of framework files and case files, generated from the model classes.

Editors that read JSON Schema (Taplo, and with it VS Code's Even Better TOML) check a TOML file
against them as it is typed. ``criteriakit schema framework`` and ``criteriakit schema cases``
print them, and the package ships them beside this module (``framework.schema.json``,
``cases.schema.json``; see ``docs/format.md``).

They are made by walking the attrs classes the loader structures a file into
(:class:`~criteriakit.model.framework.FrameworkDefinition`,
:class:`~criteriakit.testing.cases.CaseFileSpec`) and their annotations, with the loader's own
special cases: a text is a string or a table of strings by language; a scorer table has the keys
of the scorer type its ``type`` names (a type no built-in has, a plugin's, is let through with
any keys); a file that ``extends`` another is a patch (:mod:`criteriakit.compose`): only
``extends``, ``id`` and ``version`` are required, each entry merged by id needs only its ``id``,
and ``before``, ``after`` and ``[remove]`` are allowed. Unknown keys are refused everywhere, as
the loader refuses them. A TOML date is a string of format ``date``, as editors show it.

A schema checks a file's shape: its keys, their types, the values a key may take. What the
loader checks once the shape is right (totals, ids, references, expressions) only
``criteriakit lint`` and ``criteriakit test`` find.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, TypeAlias

import attrs

from criteriakit.compiling.scorer_types import BUILTIN_SCORER_TYPES
from criteriakit.compose import CLEARABLE, MERGED_BY_ID, OWN_REF, PLACING, REMOVABLE
from criteriakit.documentation import page
from criteriakit.model.framework import FrameworkDefinition, Message, Text
from criteriakit.model.scorers import ScorerSpec
from criteriakit.testing.cases import CaseFileSpec

__all__ = ["DIALECT", "KINDS", "Kind", "Schema", "schema", "schema_text"]

Schema: TypeAlias = dict[str, Any]
"""A JSON Schema, or a part of one, as plain data."""

Kind = Literal["framework", "cases"]
"""The files there is a schema of: framework files and case files."""

KINDS: tuple[Kind, ...] = typing.get_args(Kind)
"""Every :data:`Kind`, in the order ``criteriakit schema`` lists them."""

DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema draft the schemas are written in."""

_SCALARS: Mapping[object, Schema] = {
    str: {"type": "string"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    dt.date: {"type": "string", "format": "date"},
    Any: {},
}
"""The schema of each plain type the converter structures (``Any``: whatever is given)."""

_FRAMEWORK_DESCRIPTION = (
    f"An evaluation framework ({page('format')}); with `extends`, what a framework changes of "
    f"another ({page('extending')})."
)
_CASES_DESCRIPTION = f"Cases a framework must pass: inputs and their expected results ({page('testing', 'case-files')})."
_TEXT_DESCRIPTION = 'A string, or a table of strings by language: { en = "Title", vi = "Tiêu đề" }.'
_SCORER_DESCRIPTION = (
    "How the indicator's value becomes points: a table whose `type` names the scorer type. "
    "The built-in types' keys are checked; a type a plugin registers is let through as it is."
)
_EXTENDS_DESCRIPTION = (
    'The framework this file specialises, "id@version": the file holds only what it changes.'
)
_REMOVE_DESCRIPTION = (
    "What this file removes from its base: inputs by name, entries by id, top-level values "
    "(`keys`) by name."
)
_PLACING_DESCRIPTION = "The id of another entry of the same array to place this one {side}."
_UNION_TYPES = (typing.Union, types.UnionType)
_ROLE = re.compile(r":[a-z]+:`~?(?:[\w.]+\.)?([^`]+)`")
"""A Sphinx role in a docstring (``:class:`~criteriakit.Framework```): shown as its last name."""
_LINE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")
"""A line break within a paragraph of a docstring: editors rewrap descriptions themselves."""


def schema(kind: Kind) -> Schema:
    """Return the JSON Schema of framework files or of case files, generated from the model."""
    walk = _Walk()
    if kind == "framework":
        body: Schema = {
            "title": "criteriakit framework file",
            "description": _FRAMEWORK_DESCRIPTION,
            "if": {"required": ["extends"]},
            "then": walk.reference(FrameworkDefinition, patch=True),
            "else": walk.reference(FrameworkDefinition),
        }
    else:
        body = {
            "title": "criteriakit case file",
            "description": _CASES_DESCRIPTION,
            **walk.reference(CaseFileSpec),
        }
    return {"$schema": DIALECT, **body, "$defs": dict(sorted(walk.definitions.items()))}


def schema_text(kind: Kind) -> str:
    """Return :func:`schema` as the shipped files hold it: indented JSON ending in a newline."""
    return json.dumps(schema(kind), indent=2) + "\n"


@attrs.define
class _Walk:
    """One schema's walk over the model: the ``$defs`` it fills as it reaches each class.

    A class is described once, under its name; its patch (in a file that ``extends``
    another) under its name and ``Patch``.
    """

    definitions: dict[str, Schema] = attrs.Factory(dict)
    classes: dict[str, type[Any]] = attrs.Factory(dict)

    def reference(self, cls: type[Any], *, patch: bool = False) -> Schema:
        """Return a ``$ref`` to ``cls`` (or its patch), describing it first if it is new.

        Two classes of one name would share a definition: that is refused, not guessed at.
        """
        if self.classes.setdefault(cls.__name__, cls) is not cls:
            raise TypeError(f"two model classes are named {cls.__name__}: rename one")
        name = f"{cls.__name__}Patch" if patch else cls.__name__
        if name not in self.definitions:
            self.definitions[name] = self._patch(cls) if patch else self._table(cls)
        return _ref(name)

    def of(self, annotation: Any) -> Schema:
        """Return the schema of what the converter structures into ``annotation``."""
        if annotation in _SCALARS:
            return dict(_SCALARS[annotation])
        if annotation is Message or annotation == Text:
            return self._text()
        if annotation is ScorerSpec:
            return self._scorer()
        origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
        if origin is Literal:
            return {"enum": list(arguments)}
        if origin in _UNION_TYPES:
            return self._union(arguments)
        if origin is tuple and arguments[1:] == (Ellipsis,):
            return {"type": "array", "items": self.of(arguments[0])}
        if origin in {dict, Mapping} and arguments[0] is str:
            return {"type": "object", "additionalProperties": self.of(arguments[1])}
        if attrs.has(annotation):
            return self.reference(annotation)
        raise TypeError(f"no JSON Schema for the annotation {annotation!r}")

    def _table(self, cls: type[Any], *, patch: bool = False) -> Schema:
        """Describe an attrs class as a table with exactly its fields as keys.

        In a patch no key is required and none has a default (a key not given keeps the
        base's), and the arrays merged by id hold patches of their entries.
        """
        hints = typing.get_type_hints(cls)
        properties: Schema = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            if patch and field.name in MERGED_BY_ID:
                (entry, _) = typing.get_args(hints[field.name])
                properties[field.name] = {
                    "type": "array",
                    "items": self.reference(entry, patch=True),
                }
                continue
            properties[field.name] = self.of(hints[field.name])
            if field.default is attrs.NOTHING:
                required.append(field.name)
            elif not patch:
                properties[field.name].update(_default(field))
        table: Schema = {"type": "object", "description": _describe(cls)}
        table["properties"] = properties
        if required and not patch:
            table["required"] = required
        table["additionalProperties"] = False
        return table

    def _patch(self, cls: type[Any]) -> Schema:
        """Describe what a file that ``extends`` another gives of ``cls``: a patch of the base's.

        The framework's own keys are its base's, none required but ``extends`` and its own id
        and version, with ``[remove]``; an entry merged by id gives its ``id``, the keys it
        changes and where it goes.
        """
        table = self._table(cls, patch=True)
        if cls is FrameworkDefinition:
            extends = {"type": "string", "pattern": "@", "description": _EXTENDS_DESCRIPTION}
            table["properties"] = {
                "extends": extends,
                **table["properties"],
                "remove": self._remove(),
            }
            table["required"] = ["extends", *OWN_REF]
            return table
        for side in PLACING:
            description = _PLACING_DESCRIPTION.format(side=side)
            table["properties"][side] = {"type": "string", "description": description}
        table["required"] = ["id"]
        table["not"] = {"required": list(PLACING)}
        return table

    def _union(self, members: tuple[Any, ...]) -> Schema:
        """Describe a union: ``None`` is left out (TOML has no null: the key is left out)."""
        schemas = [self.of(member) for member in members if member is not type(None)]
        if len(schemas) == 1:
            return schemas[0]
        if all(set(member) == {"type"} for member in schemas):
            return {"type": [member["type"] for member in schemas]}
        return {"anyOf": schemas}

    def _text(self) -> Schema:
        """Describe a text: a string, or a table of strings by language (not empty)."""
        self.definitions.setdefault(
            "Text",
            {
                "description": _TEXT_DESCRIPTION,
                "anyOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "minProperties": 1,
                        "additionalProperties": {"type": "string"},
                    },
                ],
            },
        )
        return _ref("Text")

    def _scorer(self) -> Schema:
        """Describe a scorer table: each built-in type's keys when its ``type`` names it.

        A ``type`` no built-in has is a plugin's (or a mistake the loader reports with "did you
        mean"): the schema cannot know its keys, so it lets the table through.
        """
        if "Scorer" not in self.definitions:
            names = [scorer_type.name for scorer_type in BUILTIN_SCORER_TYPES]
            branches = [
                {
                    "if": {"properties": {"type": {"const": scorer_type.name}}},
                    "then": self.reference(scorer_type.parameters),
                }
                for scorer_type in BUILTIN_SCORER_TYPES
            ]
            self.definitions["Scorer"] = {
                "type": "object",
                "description": _SCORER_DESCRIPTION,
                "properties": {"type": {"type": "string", "examples": names}},
                "required": ["type"],
                "allOf": branches,
            }
        return _ref("Scorer")

    def _remove(self) -> Schema:
        """Describe ``[remove]``: arrays of names or ids, and ``keys`` of top-level values."""
        properties: Schema = {
            key: {
                "type": "array",
                "items": {"enum": list(CLEARABLE)} if key == "keys" else {"type": "string"},
            }
            for key in REMOVABLE
        }
        return {
            "type": "object",
            "description": _REMOVE_DESCRIPTION,
            "properties": properties,
            "additionalProperties": False,
        }


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _default(field: attrs.Attribute[Any]) -> Schema:
    """Return ``{"default": ...}`` for a field with a default, as plain data; else nothing.

    A factory's default is what it makes, an attrs instance's its table. ``None`` means "not
    given" (TOML has no null), so it is no default to show.
    """
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # a class, typed as what it makes
        default = default.factory()
    elif attrs.has(type(default)):
        default = attrs.asdict(default)
    if default is None:
        return {}
    return {"default": list(default) if isinstance(default, tuple) else default}


def _describe(cls: type[Any]) -> str:
    """Return a class's docstring for people reading it in an editor: roles as plain names."""
    text = _ROLE.sub(r"\1", inspect.cleandoc(cls.__doc__ or "")).replace("``", "`")
    return _LINE_BREAK.sub(" ", text)
