"""Fuzz target: the shipped framework files, mutated, through ``criteriakit.loads_framework``.

The sources are the vn-party plugin's three frameworks, the local-plugin example's (loaded
with its plugin's scorer and function) and ``tests/data/good/weighed.toml`` (derived values,
weights derived by AHP and a ranking, ``sqrt``, ``ln`` and ``round``). Each input applies a few edits: the text edits of
:mod:`fuzz.hostile` (flipped bytes, insertions, repeats, truncation) and TOML-aware ones (a line
deleted or duplicated, two values swapped, a value replaced by a huge number, NaN, a deep array,
a hostile string). A mutant must load, or be refused with a :class:`~criteriakit.CriteriaKitError`
whose problems are located in the mutant's file; one that loads must evaluate a unit drawn by
:func:`criteriakit.testing.strategies.inputs` (any input may be missing) to a result with one
of its tiers, or refuse the unit with an error.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from hypothesis import strategies as st

from criteriakit import CriteriaKitError, Registry, loads_framework
from criteriakit.testing.strategies import inputs
from fuzz.campaign import Target
from fuzz.hostile import EDITS, HUGE_NUMBERS, INVISIBLE, ODD_NUMBERS, TOKENS
from fuzz.outcomes import assert_well_reported

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
LOCAL_PLUGIN = ROOT / "examples/local-plugin"
SOURCES = [path.read_text() for path in sorted(FRAMEWORKS.glob("*.toml"))]
SOURCES += [path.read_text() for path in sorted(LOCAL_PLUGIN.glob("*.toml"))]
SOURCES.append((ROOT / "tests/data/good/weighed.toml").read_text())
NAME = "mutated.toml"

ASSIGNMENT = re.compile(r"^([ \t]*[^\s=#\[][^=\n]*=[ \t]*)(.+)$", re.MULTILINE)
"""A ``key = value`` line: the key with its ``=``, and the value."""

VALUES = [*HUGE_NUMBERS, "nan", "-inf", "1e309", "-0", "0", "[]", "{}", "true", '""']
VALUES += ["[" * 200 + "]" * 200, '"' + "x" * 100_000 + '"', "2024-13-45", "1979-05-27T07:32:00Z"]
VALUES += [f'"{token}"' for token in TOKENS if token.isprintable() and '"' not in token]
VALUES += [f'"a{character}b"' for character in ("\\u0000", "\\ufeff", "\\u202e", "\\\\")]
VALUES += [text for text in ODD_NUMBERS if text.isalnum()]


@functools.cache
def registry() -> Registry:
    """The shipped frameworks and the local plugin's extensions, loaded once."""
    return Registry.load(autoload=False, plugin_dirs=[FRAMEWORKS, LOCAL_PLUGIN])


def _lines(draw: st.DrawFn, text: str) -> tuple[list[str], int]:
    """Split ``text`` into lines and draw one of them."""
    lines = text.split("\n")
    return lines, draw(st.integers(0, len(lines) - 1))


@st.composite
def _delete_line(draw: st.DrawFn, text: str) -> str:
    """Delete a line: a key, a table header, a closing bracket."""
    lines, at = _lines(draw, text)
    return "\n".join(lines[:at] + lines[at + 1 :])


@st.composite
def _duplicate_line(draw: st.DrawFn, text: str) -> str:
    """Repeat a line: a duplicate key or table."""
    lines, at = _lines(draw, text)
    return "\n".join(lines[: at + 1] + lines[at:])


def _assignments(text: str) -> list[re.Match[str]]:
    return list(ASSIGNMENT.finditer(text))


@st.composite
def _replace_value(draw: st.DrawFn, text: str) -> str:
    """Give a key a hostile value."""
    found = _assignments(text)
    if not found:
        return text
    match = draw(st.sampled_from(found))
    return text[: match.start(2)] + draw(st.sampled_from(VALUES)) + text[match.end(2) :]


@st.composite
def _swap_values(draw: st.DrawFn, text: str) -> str:
    """Swap the values of two keys."""
    found = _assignments(text)
    if len(found) < 2:
        return text
    first, second = sorted(
        draw(st.lists(st.sampled_from(found), min_size=2, max_size=2)),
        key=lambda match: match.start(),
    )
    if first.start() == second.start():
        return text
    return (
        text[: first.start(2)]
        + second.group(2)
        + text[first.end(2) : second.start(2)]
        + first.group(2)
        + text[second.end(2) :]
    )


@st.composite
def _byte_order_mark(draw: st.DrawFn, text: str) -> str:
    """Start the file with a byte order mark or another invisible character."""
    return draw(st.sampled_from(INVISIBLE)) + text


TOML_EDITS = (_delete_line, _duplicate_line, _replace_value, _swap_values, _byte_order_mark)


@st.composite
def _mutant(draw: st.DrawFn) -> str:
    """A shipped framework's text after one to three edits, most of them TOML-aware."""
    text = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(st.sampled_from(TOML_EDITS) | st.sampled_from(EDITS))
        text = draw(edit(text))
    return text


BATCH = 4
"""The most mutants of one hypothesis example (see ``Target.batch``)."""


def mutants() -> st.SearchStrategy[str]:
    """Mutants of the shipped frameworks (lone surrogates too: the loader refuses them)."""
    return _mutant()


def check_mutant(text: str, data: st.DataObject) -> None:
    """A mutant loads and evaluates a unit, or is refused with a located, short error."""
    shipped = registry()
    try:
        framework = loads_framework(
            text, source=NAME, extensions=shipped.extensions, resolve=shipped.resolve
        )
    except CriteriaKitError as error:
        assert_well_reported(error, NAME)
        return
    values = data.draw(inputs(framework, missing=True), label="unit")
    try:
        result = framework.evaluate(values, unit="u1")
    except CriteriaKitError as error:
        assert_well_reported(error)
        return
    assert result.tier is None or result.tier in framework.tiers, (result.tier, framework.tiers)


def test_framework_files(campaign):
    batches = st.lists(mutants(), min_size=1, max_size=BATCH)
    campaign.run(
        Target("framework files", batches, check_mutant, share=0.17, time_share=0.2, batch=BATCH)
    )
