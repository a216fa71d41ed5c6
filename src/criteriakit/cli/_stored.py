"""``compare --store``: two periods of a results store, read back as the files of those periods.

Imported by :mod:`criteriakit.cli._compare` when ``--store`` is given. A period's current run is
read as its result documents when the run kept them (a scalar evaluation) and as its result
table otherwise (a columnar one): the same outcomes as ``compare`` reads from the JSON files, or
the table files, that ``evaluate`` wrote for those periods, so that the report is the same.
Whatever does not name two stored periods of one framework is a usage error that says what the
store holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from criteriakit.cli._output import fail
from criteriakit.compare import Outcome, ReasonKinds, outcomes_of_rows
from criteriakit.errors import CriteriaKitError
from criteriakit.model.period import Period
from criteriakit.store import open as open_store

if TYPE_CHECKING:
    from criteriakit.store import Store

__all__ = ["stored_outcomes"]


def _periods(compared: tuple[str, ...]) -> tuple[str, str]:
    """Return the two periods' labels; a usage error for files or any other number of periods."""
    if len(compared) != 2:
        raise click.UsageError(
            f"with --store, compare takes two periods, BEFORE and AFTER (got {len(compared)}): "
            "criteriakit compare --store results.duckdb 2023 2024"
        )
    labels: list[str] = []
    for given in compared:
        try:
            labels.append(Period.parse(given).label)
        except CriteriaKitError:
            raise click.UsageError(
                f"with --store, BEFORE and AFTER are periods (2024, 2024-H1, 2024-Q3, 2024-06), "
                f"not files: {given!r}; to compare two result files, leave out --store"
            ) from None
    return labels[0], labels[1]


def _framework(results: Store, framework_id: str | None) -> str:
    """Return the framework to compare: the one given, or the store's only one."""
    held = results.frameworks()
    if not held:
        fail(f"{results.url}: the store holds no runs yet")
    if framework_id is None:
        if len(held) > 1:
            raise click.UsageError(
                f"the store holds several frameworks: give --framework, one of {', '.join(held)}"
            )
        return held[0]
    if framework_id not in held:
        raise click.BadParameter(
            f"the store holds no run of {framework_id}; it holds {', '.join(held)}",
            param_hint="--framework",
        )
    return framework_id


def _outcomes(results: Store, framework_id: str, period: str, kinds: ReasonKinds) -> list[Outcome]:
    """Return a period's current run as outcomes: its documents, else its table's rows.

    ``kinds`` tells a table's vetoes apart, as for a table file.
    """
    documents = results.documents(framework_id, period)
    if documents:
        return [Outcome.of(result) for result in documents]
    table = results.results(framework_id, period)
    return outcomes_of_rows(
        enumerate(table.iter_rows(named=True), start=1),
        f"{results.url} ({framework_id}, {period})",
        reason_kinds=kinds,
    )


def stored_outcomes(
    store_url: str, compared: tuple[str, ...], framework_id: str | None, kinds: ReasonKinds
) -> tuple[list[Outcome], list[Outcome], tuple[str, str]]:
    """Return both periods' outcomes and labels, from the store at ``store_url``.

    ``kinds`` gives a registered framework's reason kinds (for a columnar run's table).

    A period the store does not hold for the framework is a usage error listing those it holds;
    a store that cannot be read fails (exit status 1), as ``history`` does.
    """
    before, after = _periods(compared)
    try:
        results = open_store(store_url, create=False)
        chosen = _framework(results, framework_id)
        held = results.periods(chosen)["period"].to_list()
        for period in (before, after):
            if period not in held:
                raise click.UsageError(
                    f"the store holds no run of {chosen} for {period}; it holds {', '.join(held)}"
                )
        old = _outcomes(results, chosen, before, kinds)
        new = _outcomes(results, chosen, after, kinds)
    except CriteriaKitError as error:
        fail(error)
    return old, new, (before, after)
