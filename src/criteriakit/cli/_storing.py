"""``evaluate --store``: keeping every level's results of an evaluation in a results store.

Imported by :mod:`criteriakit.cli._evaluation` when it runs. Each level (DATA's, then each
``--children`` level's) is a run of its own framework, for the same ``--period`` and ``--label``
(by default the user's name), with the data files' names and the plugins the session loaded;
the levels are stored in one transaction, so that a store never holds one level of an
evaluation without the others. The tables are stored whichever engine made them, and the result
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

__all__ = ["StoreOptions", "StoredLevel", "keep_results"]


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


@attrs.frozen
class StoredLevel:
    """One level's results to store: its framework, its result table, its documents if any."""

    framework: Framework
    table: pl.DataFrame
    documents: Sequence[Result] | None


def keep_results(
    session: Session, store: StoreOptions, options: DataOptions, levels: Sequence[StoredLevel]
) -> None:
    """Store each level's results as a new run of the period, all at once; say so on stderr."""
    plugins = tuple(
        PluginRecord(info.name, info.distribution) for info in session.registry().plugins.infos
    )
    monthly = (options.monthly,) if options.monthly else ()
    period = store.period_of(options)
    label = store.label or default_label()
    sources = (options.data, *options.children, *monthly)
    runs = [
        (
            NewRun(FrameworkKey.of(level.framework), period, label, sources, plugins),
            level.table,
            level.documents,
        )
        for level in levels
    ]
    results = open_store(store.url)
    stored = results.record_many(runs)
    for level, run in zip(levels, stored, strict=True):
        click.echo(
            f"stored run {run.id}: {level.framework.ref}, {run.period}, {run.units} units, "
            f"in {results.url}",  # the store's own: a password in the URL is masked
            err=True,
        )
