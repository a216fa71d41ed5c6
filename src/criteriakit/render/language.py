"""The language of what criteriakit writes for people: its own messages and a framework's texts.

criteriakit's own words (report headings, labels, the command line's messages) are English in
the source and translated by gettext catalogues,
``criteriakit/locales/LANG/LC_MESSAGES/criteriakit.po``, read with Babel (in the ``cli`` and
``report`` extras), which also writes numbers in the language's notation, when a language other
than English is first asked for; without Babel that is a :class:`~criteriakit.errors.ReportError`
naming the extra. A framework's
texts (titles) come in the languages its file gives; :class:`FrameworkTexts` picks them in the
report's language, falling back to the framework's own language, then English.
"""

from __future__ import annotations

import functools
import gettext
import importlib.util
import io
from collections.abc import Callable, Mapping
from importlib import resources
from typing import TypeVar

import attrs

from criteriakit.errors import Problem, ReportError
from criteriakit.model.framework import FrameworkDefinition, pick_text

__all__ = ["LANGUAGES", "FrameworkTexts", "Words", "choose_language", "translations", "words"]

LANGUAGES = ("en", "vi", "de")
"""The languages criteriakit's own messages are written in; English is the source."""

DOMAIN = "criteriakit"


_Message = TypeVar("_Message", bound=str)


def N_(message: _Message) -> _Message:  # noqa: N802 - gettext's name for a message marked only
    """Mark ``message`` for the catalogues; it is translated where it is shown."""
    return message


KIND_WORDS = (
    N_("veto"),
    N_("cap"),
    N_("gate"),
    N_("quota"),
    N_("not-evaluable"),
    N_("not-checked"),
    N_("zero"),
    N_("excluded"),
)
"""The kinds of reasons and the statuses of indicators, which reports show translated."""


def choose_language(requested: str | None, framework_language: str | None) -> str:
    """Return the language to write in: the one asked for, else the framework's, else English.

    A language without a catalogue is passed over, as an absent one is.
    """
    for language in (requested, framework_language):
        if language in LANGUAGES:
            return language
    return "en"


def _need_babel(language: str) -> None:
    """Raise a :class:`~criteriakit.errors.ReportError` when Babel is not installed."""
    if importlib.util.find_spec("babel") is None:
        problem = Problem(
            f"writing in {language!r} needs Babel, which is not installed",
            hint="pip install 'criteriakit[cli]' (or the report extra), or write in 'en'",
        )
        raise ReportError([problem])


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """Return criteriakit's messages in ``language`` (English: the messages as written)."""
    if language == "en" or language not in LANGUAGES:
        return gettext.NullTranslations()
    _need_babel(language)
    from babel.messages.mofile import write_mo  # noqa: PLC0415 - the report extra, when translating
    from babel.messages.pofile import read_po  # noqa: PLC0415 - the report extra, when translating

    path = resources.files("criteriakit").joinpath(f"locales/{language}/LC_MESSAGES/{DOMAIN}.po")
    with path.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@attrs.frozen
class FrameworkTexts:
    """A framework's texts in one language: its titles, and its reasons' messages by code.

    The titles are the framework's, its tiers', criteria's and indicators'; the messages those
    of its gates, vetoes, caps and quotas.
    """

    title: str
    tiers: Mapping[str, str]
    criteria: Mapping[str, str]
    indicators: Mapping[str, str]
    messages: Mapping[str, str]

    def message(self, code: str, shown: str) -> str:
        """Return the message of the reason ``code`` in this language, else ``shown``."""
        return self.messages.get(code) or shown

    @classmethod
    def of(cls, definition: FrameworkDefinition, language: str) -> FrameworkTexts:
        """Pick every title of ``definition`` in ``language`` (else its own, else English)."""
        own = definition.language

        def pick(text: dict[str, str] | None) -> str:
            return pick_text(text, language, own)

        return cls(
            pick(definition.title),
            {tier.id: pick(tier.title) for tier in definition.tiers},
            {criterion.id: pick(criterion.title) for criterion in definition.criteria},
            {
                indicator.id: pick(indicator.title)
                for criterion in definition.criteria
                for indicator in criterion.indicators
            },
            {
                **{gate.id: pick(gate.message) for tier in definition.tiers for gate in tier.gates},
                **{rule.id: pick(rule.message) for rule in definition.rules},
                **{quota.id: pick(quota.message) for quota in definition.quotas if quota.message},
            },
        )


@attrs.frozen
class Words:
    """criteriakit's messages, counts and numbers in one language, as a report writes them.

    ``decimal(value, digits)`` writes a number with that many decimals in the language's
    notation (``18.52``, ``18,52``), whose decimal separator is ``separator``.
    """

    language: str
    gettext: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]
    decimal: Callable[[float, int], str]
    separator: str

    def number(self, value: float) -> str:
        """Write a score or points with two decimals, none when they are zeros: ``20``, ``18.52``."""
        return self.decimal(float(value), 2).removesuffix(f"{self.separator}00")

    def signed(self, delta: float) -> str:
        """Write a change of score with its sign: ``+2.5``, ``-1``, ``0``."""
        sign = "+" if delta > 0 else "-" if delta < 0 else ""
        return sign + self.number(abs(delta))

    def percent(self, share: float) -> str:
        """Write a share (0 … 1) as a percentage with one decimal."""
        return self.gettext("%(percent)s %%") % {"percent": self.decimal(share * 100, 1)}

    def units(self, count: int) -> str:
        """Write ``1 unit``, ``21 units``… in the language."""
        return self.ngettext("%(count)s unit", "%(count)s units", count) % {"count": count}


@functools.cache
def words(language: str) -> Words:
    """Return the :class:`Words` of ``language`` (English for a language without a catalogue)."""
    chosen = translations(language)
    if language == "en" or language not in LANGUAGES:
        return Words(
            "en", chosen.gettext, chosen.ngettext, lambda value, digits: f"{value:.{digits}f}", "."
        )
    from babel.numbers import format_decimal, get_decimal_symbol  # noqa: PLC0415 - the report extra

    def decimal(value: float, digits: int) -> str:
        return str(format_decimal(value, format="#,##0." + "0" * digits, locale=language))

    return Words(
        language, chosen.gettext, chosen.ngettext, decimal, str(get_decimal_symbol(language))
    )
