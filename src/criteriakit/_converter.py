"""The private cattrs converter between plain data (TOML, JSON) and the model.

It is strict on purpose: an integer is not a bool, a number is not a string, a list is not a
table, unknown keys are errors. Structuring failures are flattened into :class:`RawProblem`
values carrying the key path, so the loader can add file positions and report them all at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from criteriakit._problems import KeyPath, RawProblem, did_you_mean

if TYPE_CHECKING:
    from criteriakit.compiling.scorer_types import ScorerType
from criteriakit.model.framework import OMITTED_AT_DEFAULT, Message
from criteriakit.model.scorers import BUILTIN_SCORERS, ScorerSpec

__all__ = [
    "OMIT_IF_DEFAULT",
    "Invalid",
    "converter",
    "converter_for",
    "describe",
    "make_converter",
    "structure",
]

T = TypeVar("T")


class Invalid(ValueError):  # noqa: N818  it is a finding, not an "...Error" control-flow signal
    """Raised by the strict hooks; caught and turned into a :class:`RawProblem`."""

    def __init__(self, message: str, hint: str | None = None, *, key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.key = key


def describe(value: object) -> str:
    """Describe a plain value's TOML/JSON type for messages: ``a string ("x")``."""
    if isinstance(value, bool):
        return f"a bool ({str(value).lower()})"
    if isinstance(value, int):
        return f"an integer ({value})"
    if isinstance(value, float):
        return f"a number ({value:g})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'a string ("{shown}")'
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dt.datetime):
        return "a date-time"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__


def _strict_int(value: object, _: object) -> int:
    if type(value) is not int:
        raise Invalid(f"expected an integer, got {describe(value)}", "write a whole number: 12")
    return value


def _strict_float(value: object, _: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"expected a number, got {describe(value)}", "write a number: 12 or 7.5")
    return float(value)


def _strict_bool(value: object, _: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, got {describe(value)}", "write true or false")
    return value


def _strict_str(value: object, _: object) -> str:
    if not isinstance(value, str):
        raise Invalid(f"expected a string, got {describe(value)}", 'quote it: "text"')
    return value


def _date(value: object, _: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(value)
    raise Invalid(f"expected a date, got {describe(value)}", "write a TOML date: 2024-05-19")


def _text(value: object, _: object) -> dict[str, str]:
    if isinstance(value, str):
        return {"und": value}
    if (
        isinstance(value, Mapping)
        and value
        and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    ):
        return dict(value)
    raise Invalid(
        f"expected a string or a table of strings by language, got {describe(value)}",
        'write "Title" or { en = "Title", vi = "Tiêu đề" }',
    )


def _plain_message(message: dict[str, str]) -> str | dict[str, str]:
    """Write a message without a language back as its plain string (see ``Message``)."""
    return message["und"] if set(message) == {"und"} else dict(message)


def _float_or_str(value: object, _: object) -> float | str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(
            f"expected a number or an expression string, got {describe(value)}",
            'write 4 or "admissions_target"',
        )
    return float(value)


def _scalar_default(value: object, _: object) -> float | bool | str:
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return float(value) if isinstance(value, float) else value
    raise Invalid(f"expected a number, bool or string, got {describe(value)}")


def _literal_hook(options: tuple[Any, ...]) -> Callable[[object, object], str]:
    def structure_literal(value: object, _: object) -> str:
        if isinstance(value, str) and value in options:
            return value
        listed = ", ".join(f'"{option}"' for option in options)
        hint = did_you_mean(value, options) if isinstance(value, str) else None
        raise Invalid(f"expected one of {listed}, got {describe(value)}", hint)

    return structure_literal


def _sequence_hook(
    converter: cattrs.Converter, item: Any
) -> Callable[[object, object], tuple[Any, ...]]:
    structure_item = converter.get_structure_hook(item)

    def structure_sequence(value: object, _: object) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise Invalid(f"expected an array, got {describe(value)}", "write [ ... ]")
        return tuple(
            _collect(enumerate(value), lambda element: structure_item(element, item), "array")
        )

    return structure_sequence


def _mapping_hook(
    converter: cattrs.Converter, item: Any
) -> Callable[[object, object], dict[str, Any]]:
    structure_item = converter.get_structure_hook(item)

    def structure_mapping(value: object, _: object) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise Invalid(
                f"expected a table, got {describe(value)}", "write [name] tables or { ... }"
            )
        pairs = _collect(value.items(), lambda element: structure_item(element, item), "table")
        return dict(zip(value.keys(), pairs, strict=True))

    return structure_mapping


def _collect(
    elements: Iterable[tuple[str | int, object]], structure_one: Callable[[object], Any], kind: str
) -> list[Any]:
    """Structure every element, gathering all failures, each noted with its index or key."""
    results: list[Any] = []
    failures: list[Exception] = []
    for step, element in elements:
        try:
            results.append(structure_one(element))
        except Exception as error:  # noqa: BLE001  every element's failure is reported together
            error.__notes__ = [*getattr(error, "__notes__", []), _PathNote(step)]  # type: ignore[attr-defined]  # __notes__ is new in 3.11
            failures.append(error)
    if failures:
        raise cattrs.BaseValidationError(f"invalid {kind}", failures, object)
    return results


class _PathNote(str):
    """An exception note naming the array index or table key an element came from."""

    __slots__ = ("step",)

    def __new__(cls, step: str | int) -> _PathNote:  # noqa: PYI034  typing.Self needs Python 3.11
        note = super().__new__(cls, f"at {step!r}")
        note.step = step
        return note

    step: str | int


def _attrs_hook_factory(
    converter: cattrs.Converter,
) -> Callable[[type[Any]], Callable[[object, object], Any]]:
    def factory(cls: type[Any]) -> Callable[[object, object], Any]:
        generated = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True)

        def structure_table(value: object, _: object) -> Any:
            if not isinstance(value, Mapping):
                raise Invalid(
                    f"expected a table, got {describe(value)}", "write { key = value, ... }"
                )
            return generated(value, cls)

        return structure_table

    return factory


_PLUGIN_HINT = (
    "a plugin may provide it: load a local one with --plugin-dir DIR, or install it "
    "(criteriakit plugins lists those loaded)"
)
"""The hint for a scorer type no loaded plugin registers: how to load the plugin that does."""


def _structure_scorer(
    converter: cattrs.Converter, scorer_types: Mapping[str, type[Any]]
) -> Callable[[object, object], ScorerSpec]:
    names = tuple(scorer_types)
    listed = ", ".join(f'"{name}"' for name in names)

    def structure_scorer(value: object, _: object) -> ScorerSpec:
        if not isinstance(value, Mapping):
            hint = f'write {{ type = "linear", ... }}; types: {listed}'
            raise Invalid(f"expected a scorer table, got {describe(value)}", hint)
        kind = value.get("type")
        if kind is None:
            raise Invalid("missing key 'type'", f"the scorer type is one of {listed}", key="type")
        if not isinstance(kind, str) or kind not in scorer_types:
            suggestion = did_you_mean(kind, names) if isinstance(kind, str) else None
            shown = f'"{kind}"' if isinstance(kind, str) else describe(kind)
            message = f"unknown scorer type {shown}; expected one of {listed}"
            raise Invalid(
                message,
                suggestion or _PLUGIN_HINT,
                key="type",
            )
        scorer: ScorerSpec = converter.structure(dict(value), scorer_types[kind])
        return scorer

    return structure_scorer


def _is_literal(annotation: Any) -> bool:
    return bool(get_origin(annotation) is Literal)


def _is_homogeneous_tuple(annotation: Any) -> bool:
    args = get_args(annotation)
    return bool(get_origin(annotation) is tuple and len(args) == 2 and args[1] is Ellipsis)


def _is_table(annotation: Any) -> bool:
    return bool(get_origin(annotation) is dict and get_args(annotation) != (str, str))


def make_converter(scorer_types: Mapping[str, type[Any]] | None = None) -> cattrs.Converter:
    """Build the strict converter for framework files and result JSON.

    ``scorer_types`` maps scorer type names to their parameter classes (the built-in ones by
    default); a scorer table is structured into the class its ``type`` names.
    """
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(float, _strict_float)
    converter.register_structure_hook(bool, _strict_bool)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(dt.date, _date)
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    converter.register_structure_hook(float | str, _float_or_str)
    converter.register_structure_hook(
        float | bool | str | None, lambda v, t: None if v is None else _scalar_default(v, t)
    )
    converter.register_structure_hook_func(lambda t: t == dict[str, str], _text)
    converter.register_structure_hook(Message, lambda value, _: Message(_text(value, None)))
    converter.register_unstructure_hook(Message, _plain_message)
    converter.register_structure_hook_factory(_is_literal, lambda t: _literal_hook(get_args(t)))
    converter.register_structure_hook_factory(
        _is_homogeneous_tuple, lambda t: _sequence_hook(converter, get_args(t)[0])
    )
    converter.register_structure_hook_factory(
        _is_table, lambda t: _mapping_hook(converter, get_args(t)[1])
    )
    converter.register_structure_hook_factory(attrs.has, _attrs_hook_factory(converter))
    converter.register_structure_hook(
        ScorerSpec, _structure_scorer(converter, scorer_types or BUILTIN_SCORERS)
    )
    converter.register_unstructure_hook(
        ScorerSpec, lambda value: converter.unstructure(value, type(value))
    )
    converter.register_unstructure_hook_factory(
        _has_omitted_fields, lambda cls: _omitting_unstructure(converter, cls)
    )
    return converter


OMIT_IF_DEFAULT = next(iter(OMITTED_AT_DEFAULT))
"""The key of the model's field metadata :data:`~criteriakit.model.framework.OMITTED_AT_DEFAULT`:
plain data leaves the field out while it has its default."""


def _has_omitted_fields(cls: Any) -> bool:
    return attrs.has(cls) and any(f.metadata.get(OMIT_IF_DEFAULT) for f in attrs.fields(cls))


def _omitting_unstructure(converter: cattrs.Converter, cls: Any) -> Callable[[Any], Any]:
    """Unstructure ``cls`` as cattrs does, leaving out the fields marked to omit at defaults."""
    omitted = {
        field.name: override(omit_if_default=True)
        for field in attrs.fields(cls)
        if field.metadata.get(OMIT_IF_DEFAULT)
    }
    make = typing.cast("Any", make_dict_unstructure_fn)  # its overrides are typed as its flags
    unstructure: Callable[[Any], Any] = make(cls, converter, **omitted)
    return unstructure


def structure(converter: cattrs.Converter, data: object, cls: type[T]) -> T | list[RawProblem]:
    """Structure ``data`` as ``cls``; on failure return every problem with its key path."""
    try:
        return converter.structure(data, cls)
    except Exception as error:  # noqa: BLE001  flattened into problems below; nothing is lost
        return list(_flatten(error, ()))


def _step_of(note: object) -> str | int | None:
    if isinstance(note, _PathNote):
        return note.step
    name = getattr(note, "name", None)
    if isinstance(name, str):
        return name
    index = getattr(note, "index", None)
    if isinstance(index, str | int):
        return index
    return None


def _flatten(error: BaseException, path: KeyPath) -> typing.Iterator[RawProblem]:
    notes = getattr(error, "__notes__", [])
    if isinstance(error, cattrs.BaseValidationError):
        for sub in error.exceptions:
            sub_notes = getattr(sub, "__notes__", [])
            steps = [step for note in sub_notes if (step := _step_of(note)) is not None]
            yield from _flatten(sub, path + tuple(steps[-1:]))
        return
    del notes
    if isinstance(error, ForbiddenExtraKeysError):
        fields = [field.name for field in attrs.fields(error.cl)]
        for key in sorted(error.extra_fields):
            allowed = ", ".join(fields)
            hint = did_you_mean(key, fields) or f"allowed keys: {allowed}"
            yield RawProblem((*path, key), f"unknown key '{key}'", hint, at_key=True)
        return
    if isinstance(error, KeyError):
        key = str(error.args[0]) if error.args else "?"
        key_path = path if path[-1:] == (key,) else (*path, key)
        yield RawProblem(key_path, f"missing required key '{key}'", missing=True)
        return
    if isinstance(error, Invalid):
        key_path = (*path, error.key) if error.key else path
        yield RawProblem(key_path, error.message, error.hint)
        return
    yield RawProblem(path, f"invalid value: {error}")


@functools.cache
def converter() -> cattrs.Converter:
    """Return the converter for the built-in scorer types, built on first use and then shared."""
    return make_converter()


def converter_for(scorer_types: Mapping[str, ScorerType]) -> cattrs.Converter:
    """Return a converter that knows ``scorer_types`` (shared between equal tables)."""
    return _converter_for(tuple((name, scorer.parameters) for name, scorer in scorer_types.items()))


@functools.cache
def _converter_for(scorer_types: tuple[tuple[str, type[Any]], ...]) -> cattrs.Converter:
    return make_converter(dict(scorer_types))
