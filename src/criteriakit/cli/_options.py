"""The arguments and options several commands share, and the data options as one value.

``evaluate`` and ``explain`` take the same framework, data and level options
(:func:`data_command`) and pass them on as :class:`DataOptions`; ``--on`` also picks the
framework version of ``show`` and ``diff``, and ``--output`` is the file of ``compare`` too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs
import click

from criteriakit.errors import DataError

if TYPE_CHECKING:
    from criteriakit.data import DataFormat
    from criteriakit.model.period import Period
    from criteriakit.render.language import Words

__all__ = [
    "LANGUAGE_OPTION",
    "ON_OPTION",
    "OUTPUT_OPTION",
    "DataOptions",
    "data_command",
    "language_words",
]


@attrs.frozen
class DataOptions:
    """What to evaluate: the framework, the data of each level and how to read it.

    ``framework`` is an id or a file, ``data`` the top level's data (``-`` for standard input)
    and ``children`` the data of the levels below, top first; ``on`` and ``period`` pick the
    framework version, ``monthly`` names the monthly rows gathered over ``period``.
    """

    framework: str
    data: str
    children: tuple[str, ...]
    id_column: str
    data_format: DataFormat | None
    ignore_unknown: bool
    on: dt.date | None
    period: Period | None
    monthly: str | None

    @property
    def version_date(self) -> dt.date | None:
        """The date whose framework version evaluates: ``--on``, else the period's end."""
        return self.on or (self.period.end if self.period else None)


ON_OPTION = click.option(
    "--on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    callback=lambda _context, _parameter, value: value.date() if value else None,
    help="Use the framework version valid on this date (default: today).",
)

OUTPUT_OPTION = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file (atomically) instead of standard output.",
)


def _period(label: str | None) -> Period | None:
    if label is None:
        return None
    from criteriakit.model.period import Period  # noqa: PLC0415  loaded when used

    try:
        return Period.parse(label)
    except DataError as error:
        raise click.BadParameter(error.problems[0].render()) from None


_DATA_OPTIONS = (
    click.argument("framework"),
    click.argument("data"),
    click.option(
        "--children",
        multiple=True,
        help="Data of the level below DATA (rated by the framework's [children]); repeat for deeper levels.",
    ),
    OUTPUT_OPTION,
    click.option(
        "--id-column", default="id", show_default=True, help="Column holding the unit id."
    ),
    click.option(
        "--data-format",
        type=click.Choice(["csv", "json", "jsonl", "parquet", "xlsx"]),
        help="Format of DATA (default: from its suffix, or from its first bytes for -).",
    ),
    click.option(
        "--ignore-unknown-columns",
        "ignore_unknown",
        is_flag=True,
        help="Ignore data columns that are not declared inputs (default: report them as errors).",
    ),
    ON_OPTION,
    click.option(
        "--period",
        callback=lambda _context, _parameter, value: _period(value),
        help="The period evaluated: 2024, 2024-H1, 2024-Q3 or 2024-06; picks the framework version valid at its end.",
    ),
    click.option(
        "--monthly",
        help="Monthly rows (id, period such as 2024-03, columns) gathered into per_month inputs over --period.",
    ),
)


LANGUAGE_OPTION = click.option(
    "--language",
    # criteriakit.render.language.LANGUAGES, written out so that --help imports nothing more
    type=click.Choice(["en", "vi", "de"]),
    envvar="CRITERIAKIT_LANGUAGE",
    show_envvar=True,
    help="The language to write in (default: the framework's own, else English; titles the "
    "framework lacks in it stay in its own).",
)
"""``--language`` of the commands that write for people: their own messages and the texts."""


def language_words(language: str | None, framework_language: str | None = None) -> Words:
    """Return the command's words: in ``language``, else ``framework_language``, else English."""
    from criteriakit.render.language import choose_language, words  # noqa: PLC0415  when used

    return words(choose_language(language, framework_language))


def data_command(function: Callable[..., None]) -> Callable[..., None]:
    """Add the arguments and options shared by the commands that evaluate a data set.

    The command receives ``output`` and the fields of :class:`DataOptions` as keywords.
    """
    for decorator in reversed(_DATA_OPTIONS):
        function = decorator(function)
    return function
