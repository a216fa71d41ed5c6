"""The session of one command line run: what the group's options give, shared by every command.

The ``criteriakit`` group makes one :class:`Session` from its plugin options and puts it on
click's context; a command takes it as its first argument with :func:`pass_session`. The
registry is loaded the first time a command asks for it, so that commands which need none (and
``--help``) do not pay for the plugins. The ``--limit`` options are not kept here: the group puts
them in force for the whole run (:func:`criteriakit.limits.override`), where every reader of the
library finds them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import click

from criteriakit.cli._output import fail
from criteriakit.errors import CriteriaKitError

if TYPE_CHECKING:
    from criteriakit.registry import Registry
    from criteriakit.scalar.framework import Framework

__all__ = ["Session", "pass_session"]


@attrs.define
class Session:
    """The plugin options of one run, and the registry built from them on first use.

    ``plugin_dirs`` are the ``--plugin-dir`` directories, ``disabled`` the ``--disable-plugin``
    names, ``autoload`` false with ``--no-autoload``.
    """

    plugin_dirs: tuple[str, ...]
    disabled: tuple[str, ...]
    autoload: bool
    _registry: Registry | None = attrs.field(default=None, init=False)

    def registry(self) -> Registry:
        """Load the plugins once; report their problems as warnings."""
        if self._registry is None:
            from criteriakit.registry import Registry  # noqa: PLC0415  loaded when used

            self._registry = Registry.load(
                autoload=self.autoload, disabled=self.disabled, plugin_dirs=self.plugin_dirs
            )
            for problem in self._registry.problems:
                click.echo(f"warning: {problem}", err=True)
        return self._registry

    def framework(self, reference: str, on: dt.date | None = None) -> Framework:
        """Load a framework file (a path ending in .toml or that exists) or a registered id."""
        from criteriakit.loading import load_framework  # noqa: PLC0415  loaded when used

        registry = self.registry()
        try:
            if reference.endswith(".toml") or Path(reference).exists():
                return load_framework(
                    reference, extensions=registry.extensions, resolve=registry.resolve
                )
            return registry.resolve(reference, on)
        except CriteriaKitError as error:
            fail(error)


pass_session = click.make_pass_decorator(Session)
"""Decorate a command to receive the run's :class:`Session` as its first argument."""
