"""Hostile text: the pools of bad values and the text mutations every fuzz target draws from.

The pools hold what breaks readers and parsers in practice: numbers beyond every range
(``1e309``, 400 nines, 64-bit edges), look-alike digits and letters (Arabic-Indic and
full-width digits, the Cyrillic letter a, U+0430, for the Latin one), invisible and control characters (NUL,
byte order marks, zero-width and bidirectional marks, a lone surrogate), and long runs that
build deep nesting or long strings. :func:`mutated` applies a few random edits to a valid
source text (flipped characters, deleted, repeated, swapped and truncated spans, hostile
insertions), so that most inputs are near a valid one and reach past the first check.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

HUGE_NUMBERS = [
    "1e309",
    "-1e309",
    "1e-400",
    "1e308",
    "9" * 400,
    "-" + "9" * 400,
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "4.9e-324",
    "0.1e99999999999",
]
ODD_NUMBERS = ["nan", "inf", "-inf", "NaN", "-0", "00", "1.", ".5", "0x10", "1_000", "1e", "5%%"]
CONFUSABLE_DIGITS = ["١٢", "１２", "۱۲", "𝟏𝟐", "¹²", "Ⅻ"]
CONFUSABLE_LETTERS = ["а", "ɑ", "ａ", "і", "ı", "ⅰ", "ｐ", "р", "ο", "ǀ", "ℹ", "ꓲ", "ﬁ"]
INVISIBLE = [
    "\x00",
    "\ufeff",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2066",
    "\u00a0",
    "\u2028",
    "\r",
    "\r\n",
    "\t",
    "\x0b",
    "\x1b",
    "\x7f",
    "\ud800",
]
"""Invisible and control characters; ``\\ud800`` (a lone surrogate) is not even valid UTF-8."""

PUNCTUATION = list("()[]{}=\"',.#%+-*/<>!&|:;\\`$@~^?_ \n")

TOKENS = [*HUGE_NUMBERS, *ODD_NUMBERS, *CONFUSABLE_DIGITS, *CONFUSABLE_LETTERS, *INVISIBLE]
TOKENS += ["__import__", "__class__", "lambda", "exec", "eval", "os", "it", "and", "or", "not"]
TOKENS += ["true", "True", "null", "none", "inf%", "1e309%", '"', "'''", '"""', "\\u0000"]

hostile_tokens = st.sampled_from(TOKENS)
CHARACTERS = [text for text in PUNCTUATION + INVISIBLE + CONFUSABLE_LETTERS if len(text) == 1]
"""The single hostile characters, an alphabet for ``st.text``."""

hostile_characters = st.sampled_from(CHARACTERS) | st.characters()

MAX_REPEAT = 3_000
"""The most copies a repeated span gets: deep nesting and long strings, yet fast to build."""


@st.composite
def _flip(draw: st.DrawFn, text: str) -> str:
    """Replace one character with a hostile one."""
    at = draw(st.integers(0, max(0, len(text) - 1)))
    return text[:at] + draw(hostile_characters) + text[at + 1 :]


@st.composite
def _insert(draw: st.DrawFn, text: str) -> str:
    """Insert a hostile token or character."""
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(hostile_tokens | hostile_characters) + text[at:]


def _span(draw: st.DrawFn, text: str, longest: int = 40) -> tuple[int, int]:
    """Draw a span of at most ``longest`` characters of ``text``."""
    start = draw(st.integers(0, len(text)))
    return start, draw(st.integers(start, min(len(text), start + longest)))


@st.composite
def _delete(draw: st.DrawFn, text: str) -> str:
    """Delete a span."""
    start, end = _span(draw, text)
    return text[:start] + text[end:]


@st.composite
def _repeat(draw: st.DrawFn, text: str) -> str:
    """Repeat a short span many times: deep nesting, long names and strings."""
    start, end = _span(draw, text, 3)
    copies = draw(st.sampled_from([2, 10, 33, 100, 1_000, MAX_REPEAT]))
    return text[:start] + text[start:end] * copies + text[end:]


@st.composite
def _duplicate(draw: st.DrawFn, text: str) -> str:
    """Copy a span to another place."""
    start, end = _span(draw, text, 200)
    at = draw(st.integers(0, len(text)))
    return text[:at] + text[start:end] + text[at:]


@st.composite
def _swap(draw: st.DrawFn, text: str) -> str:
    """Swap two spans."""
    first, second = sorted([_span(draw, text), _span(draw, text)])
    if first[1] > second[0]:
        return text
    return (
        text[: first[0]]
        + text[second[0] : second[1]]
        + text[first[1] : second[0]]
        + text[first[0] : first[1]]
        + text[second[1] :]
    )


@st.composite
def _truncate(draw: st.DrawFn, text: str) -> str:
    """Cut the text short."""
    return text[: draw(st.integers(0, len(text)))]


EDITS = (_flip, _insert, _delete, _repeat, _duplicate, _swap, _truncate)


@st.composite
def edited(draw: st.DrawFn, text: str, max_edits: int = 3) -> str:
    """Apply one to ``max_edits`` random edits to ``text``."""
    for _ in range(draw(st.integers(1, max_edits))):
        text = draw(st.sampled_from(EDITS).flatmap(lambda edit, text=text: edit(text)))
    return text


def mutated(sources: Sequence[str], max_edits: int = 3) -> st.SearchStrategy[str]:
    """Return texts made by a few random edits of one of ``sources``."""
    return st.sampled_from(sources).flatmap(lambda text: edited(text, max_edits))


def encoded(text: str) -> bytes:
    """Encode ``text`` as UTF-8, lone surrogates included (as the invalid bytes they are)."""
    return text.encode("utf-8", "surrogatepass")
