"""``evaluate --store``: keeping an evaluation's top-level results in a results store.

Imported by :mod:`criteriakit.cli._evaluation` when it runs. The run records the framework, the
``--period``, the ``--label`` (by default the user's name), the data files' names and the
plugins the session loaded; the table is stored whichever engine made it, and the result
documents too when the scalar engine made them (the columnar engine builds none).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs
import click

from criteriakit.cli._options import DataOptions
from criteriakit.cli._session import Session
from criteriakit.store import FrameworkKey, NewRun, PluginRecord, default_label
from criteriakit.store import open as open_store

if TYPE_CHECKING:
    import polars as pl

    from criteriakit.model.period import Period
    from criteriakit.model.results import Result
    from criteriakit.scalar.framework import Framework

__all__ = ["StoreOptions", "keep_results"]


@attrs.frozen
class StoreOptions:
    """Where to keep the results (``--store``, a path or URL) and who evaluated (``--label``)."""

    url: str
    label: str | None

    def period_of(self, options: DataOptions) -> Period:
        """Return the period the results are for; a usage error without ``--period``."""
        if options.period is None:
            raise click.BadParameter(
                "a store keeps each period's results: give --period (2024, 2024-H1…)",
                param_hint="--store",
            )
        return options.period


def keep_results(
    session: Session,
    store: StoreOptions,
    options: DataOptions,
    framework: Framework,
    table: pl.DataFrame,
    documents: Sequence[Result] | None,
) -> None:
    """Store the top level's results as a new run of the period; say so on standard error."""
    plugins = tuple(
        PluginRecord(info.name, info.distribution) for info in session.registry().plugins.infos
    )
    monthly = (options.monthly,) if options.monthly else ()
    run = NewRun(
        FrameworkKey.of(framework),
        store.period_of(options),
        label=store.label or default_label(),
        sources=(options.data, *options.children, *monthly),
        plugins=plugins,
    )
    stored = open_store(store.url).record(run, table, documents)
    click.echo(
        f"stored run {stored.id}: {framework.ref}, {stored.period}, {stored.units} units, "
        f"in {store.url}",
        err=True,
    )
