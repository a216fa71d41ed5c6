"""The ``criteriakit`` click group: the global options, the session they make, every command.

The plugin options become the :class:`~criteriakit.cli._session.Session` each command receives
(:func:`~criteriakit.cli._options.session_of`; a command's own ``--plugin-dir`` adds to it); the
``--limit`` options are put in force for the whole run. The commands come from one module for
each family, none of which imports another's.
"""

from __future__ import annotations

import click

from criteriakit import limits
from criteriakit._version import __version__
from criteriakit.cli._awards import awards
from criteriakit.cli._cases import test
from criteriakit.cli._compare import compare
from criteriakit.cli._evaluate import evaluate, explain
from criteriakit.cli._frameworks import diff, frameworks, lint, plugins, show
from criteriakit.cli._history import history
from criteriakit.cli._new_plugin import new_plugin
from criteriakit.cli._options import examples, plugin_dir_option, session_of
from criteriakit.cli._output import fail
from criteriakit.cli._report import report
from criteriakit.cli._schema import schema
from criteriakit.cli._sensitivity import sensitivity
from criteriakit.documentation import page

__all__ = ["build_cli"]

_COMMANDS = (
    awards,
    compare,
    diff,
    evaluate,
    explain,
    frameworks,
    history,
    lint,
    new_plugin,
    plugins,
    report,
    schema,
    sensitivity,
    show,
    test,
)


def _limit_settings(
    _context: click.Context, _parameter: click.Parameter, values: tuple[str, ...]
) -> dict[str, int]:
    """Read the ``--limit NAME=VALUE`` options into limit changes, each checked."""
    settings: dict[str, int] = {}
    for text in values:
        try:
            name, value = limits.parse_setting(text)
        except ValueError as error:
            raise click.BadParameter(str(error)) from None
        settings[name] = value
    return settings


class _Commands(click.Group):
    """The group: a criteriakit error no command handled is printed as one, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; print an unhandled :class:`CriteriaKitError` and exit with 1."""
        from criteriakit.errors import CriteriaKitError  # noqa: PLC0415 - loaded when a command runs

        try:
            return super().invoke(ctx)
        except CriteriaKitError as error:
            fail(error)


def build_cli() -> click.Group:
    """Build the ``criteriakit`` command group with every command."""

    @click.group(
        cls=_Commands,
        context_settings={"help_option_names": ["-h", "--help"]},
        epilog=examples(
            "criteriakit lint my-framework.toml",
            "criteriakit evaluate vn.four-good-cell cells.csv --format csv -o results.csv",
            "criteriakit lint --plugin-dir ./plugins my-framework.toml",
            "criteriakit COMMAND --help",
        ),
    )
    @click.version_option(__version__, "-V", "--version", prog_name="criteriakit")
    @plugin_dir_option()
    @click.option(
        "--disable-plugin",
        "disabled",
        multiple=True,
        help="Do not load this plugin (repeatable; also CRITERIAKIT_DISABLE_PLUGINS).",
    )
    @click.option(
        "--no-autoload", is_flag=True, help="Do not load installed plugins (entry points)."
    )
    @click.option(
        "--limit",
        "settings",
        multiple=True,
        metavar="NAME=VALUE",
        callback=_limit_settings,
        help="Change a cap on input sizes, e.g. file_bytes=8000000 (repeatable; the limits and "
        f"their defaults: {page('bad-input', 'limits')}).",
    )
    @click.pass_context
    def cli(context: click.Context, /, settings: dict[str, int], **_plugin_options: object) -> None:
        """Lint frameworks, evaluate data sets against them and explain the results.

        --plugin-dir may also follow the name of a command that loads frameworks.
        """
        context.with_resource(limits.override(**settings))
        session_of(context)  # the session every command receives, from the plugin options

    for command in _COMMANDS:
        cli.add_command(command)
    return cli
