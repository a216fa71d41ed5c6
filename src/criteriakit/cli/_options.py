"""The arguments and options several commands share, and the data options as one value.

``evaluate`` and ``explain`` take the same framework, data and level options
(:func:`data_command`) and pass them on as :class:`DataOptions`; ``--on`` also picks the
framework version of ``show`` and ``diff``, and ``--output`` is the file of ``compare`` too.
``--plugin-dir`` is the group's option, and each command that loads frameworks takes it too
(:data:`PLUGIN_DIR_OPTION`), adding to the same :class:`~criteriakit.cli._session.Session`;
a FRAMEWORK argument (:func:`framework_argument`) completes the registered ids in a shell.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs
import click
from click.shell_completion import CompletionItem

from criteriakit.cli._session import Session
from criteriakit.errors import CriteriaKitError, DataError

if TYPE_CHECKING:
    from criteriakit.data import DataFormat
    from criteriakit.model.period import Period
    from criteriakit.render.language import Words

__all__ = [
    "LANGUAGE_OPTION",
    "ON_OPTION",
    "OUTPUT_OPTION",
    "PLUGIN_DIR_OPTION",
    "DataOptions",
    "complete_framework",
    "data_command",
    "examples",
    "framework_argument",
    "language_words",
    "plugin_dir_option",
    "session_of",
    "stored_data_command",
]

_Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


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


def store_option(purpose: str, *, required: bool = False) -> _Decorator:
    """Return a command's ``--store`` option (``store_url``): what the command does with it."""
    return click.option(
        "--store",
        "store_url",
        required=required,
        metavar="STORE",
        help=f"{purpose}: a DuckDB file (results.duckdb) or a PostgreSQL URL "
        "(postgresql://user@host/db).",
    )


AS_OF_OPTION = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f"]),
    help="Read the store as it was at this UTC time, e.g. 2025-01-31T12:00:00 (default: now).",
)
"""``--as-of`` of the commands that read a results store (``as_of``, a naive UTC time)."""


def _period(label: str | None) -> Period | None:
    if label is None:
        return None
    from criteriakit.model.period import Period  # noqa: PLC0415  loaded when used

    try:
        return Period.parse(label)
    except DataError as error:
        raise click.BadParameter(error.problems[0].render()) from None


def session_of(context: click.Context) -> Session:
    """Return the run's session, made from the group's plugin options the first time.

    The group makes it before its command parses its own options; while the shell completes a
    word, click parses the command line without running the group, and the session is made
    here from the group's options as parsed so far.
    """
    found = context.find_object(Session)
    if found is not None:
        return found
    group = context
    while group.parent is not None and not isinstance(group.command, click.Group):
        group = group.parent
    options = group.params
    session = Session(
        tuple(options.get("plugin_dirs") or ()),
        tuple(options.get("disabled") or ()),
        autoload=not options.get("no_autoload"),
    )
    group.obj = session
    return session


def plugin_dir_option(**settings: Any) -> _Decorator:
    """Return the ``--plugin-dir`` option: the group's, or with ``settings`` a command's."""
    return click.option(
        "--plugin-dir",
        "plugin_dirs",
        multiple=True,
        type=click.Path(file_okay=False),
        help="A local plugin directory: framework TOML files and criteriakit_plugin.py "
        "(repeatable; also CRITERIAKIT_PATH).",
        **settings,
    )


def _add_plugin_dirs(
    context: click.Context, _parameter: click.Parameter, directories: tuple[str, ...]
) -> None:
    """Add a command's ``--plugin-dir`` directories to the session, after the group's."""
    if directories:
        session = session_of(context)
        session.plugin_dirs = (*session.plugin_dirs, *directories)


PLUGIN_DIR_OPTION = plugin_dir_option(expose_value=False, callback=_add_plugin_dirs)
"""``--plugin-dir`` after the command's name, as before it: ``criteriakit lint --plugin-dir D f.toml``."""


def complete_framework(
    context: click.Context, _parameter: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Complete a FRAMEWORK argument: a file, or a registered id (``id@version`` after an ``@``).

    The registry is the one the command would use (``--plugin-dir`` and the other plugin
    options typed so far count); its warnings are not shown, as they would garble the shell's
    line. The file item comes first: bash then offers files only when no id matches.
    """
    session = session_of(context)
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            registered = session.registry().frameworks
    except CriteriaKitError:
        registered = {}
    versioned = "@" in incomplete
    titles: dict[str, str] = {}
    for (framework_id, version), entry in sorted(registered.items()):
        name = f"{framework_id}@{version}" if versioned else framework_id
        titles[name] = entry.framework.title()
    found = [name for name in titles if name.startswith(incomplete)]
    return [
        CompletionItem(incomplete, type="file"),
        *(CompletionItem(name, help=titles[name]) for name in found),
    ]


def framework_argument(name: str = "framework", *, required: bool = True) -> _Decorator:
    """Return a FRAMEWORK argument (an id, ``id@version`` or a file) that completes ids."""
    return click.argument(name, required=required, shell_complete=complete_framework)


def examples(*command_lines: str) -> str:
    r"""Return a command's epilog: example command lines, each kept whole on its own line.

    Click rewraps help paragraphs, except one that starts with a ``\b`` line.
    """
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in command_lines)


_DATA_OPTIONS = (
    framework_argument(),
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
    PLUGIN_DIR_OPTION,
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


def format_option(*choices: str, described: str | None = None) -> _Decorator:
    """Return a command's ``--format`` option (``output_format``): the first choice by default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=described,
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


def stored_data_command(function: Callable[..., None]) -> Callable[..., None]:
    """Add :func:`data_command`'s arguments and options, FRAMEWORK and DATA left optional.

    For a command that reads stored results instead when given ``--store``: it checks itself
    that FRAMEWORK and DATA are given without it.
    """
    optional = (framework_argument(required=False), click.argument("data", required=False))
    for decorator in reversed((*optional, *_DATA_OPTIONS[2:])):
        function = decorator(function)
    return function
