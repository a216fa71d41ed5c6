"""``compare --store`` and ``report --store``: stored periods, read back as their evaluation gave them.

Imported by :mod:`criteriakit.cli._compare` and :mod:`criteriakit.cli._report` when ``--store``
is given. For ``compare``, a period's current run is read as its result documents when the run
kept them (a scalar evaluation) and as its result table otherwise (a columnar one): the same
outcomes as ``compare`` reads from the JSON files, or the table files, that ``evaluate`` wrote
for those periods, so that the report is the same. For ``report``, a period's current run and
those of the levels below that the same evaluation stored (``--children``) are read as the
levels the evaluation gave; a report needs their documents. The levels whose framework
declares awards are read with their history too (:func:`stored_histories`), for the report to
show who earned them. Whatever does not name stored periods of one framework is a usage error
that says what the store holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from criteriakit.cli._output import fail
from criteriakit.compare import Outcome, ReasonKinds, outcomes_of_rows
from criteriakit.errors import CriteriaKitError, StoreError
from criteriakit.model.period import Period
from criteriakit.scalar.framework import Framework
from criteriakit.scalar.hierarchy import LevelResults
from criteriakit.store import open as open_store

if TYPE_CHECKING:
    from criteriakit.awards import History
    from criteriakit.cli._session import Session
    from criteriakit.store import Store

__all__ = ["stored_histories", "stored_levels", "stored_outcomes"]


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


def _held(results: Store, framework_id: str, period: str) -> None:
    """Raise a usage error, listing the periods held, if the store has no run of ``period``."""
    held = results.periods(framework_id)["period"].to_list()
    if period not in held:
        raise click.UsageError(
            f"the store holds no run of {framework_id} for {period}; it holds {', '.join(held)}"
        )


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
        for period in (before, after):
            _held(results, chosen, period)
        old = _outcomes(results, chosen, before, kinds)
        new = _outcomes(results, chosen, after, kinds)
    except CriteriaKitError as error:
        fail(error)
    return old, new, (before, after)


def _current(results: Store, framework_id: str, period: str) -> dict[str, object] | None:
    """Return the current run of a framework's period as a row of :meth:`Store.runs`, if any."""
    if framework_id not in results.frameworks():
        return None
    for run in results.runs(framework_id, period).iter_rows(named=True):
        if run["current"]:
            return run
    return None


def _level(
    session: Session, results: Store, framework_id: str, run: dict[str, object], period: str
) -> LevelResults:
    """Return a stored run as the level the evaluation gave: its framework and its documents.

    The framework is the registered one of the run's id and version. A run without documents (a
    columnar evaluation's) fails: a report needs each unit's points and reasons.
    """
    framework = session.registry().resolve(f"{framework_id}@{run['version']}")
    documents = results.documents(framework_id, period)
    if not documents:
        raise StoreError(
            f"the run of {framework_id} for {period} kept no result documents (a columnar "
            "evaluation stores the table alone), and a report needs them",
            store=results.url,
            hint=f"evaluate {period} again into the store with the scalar engine: criteriakit "
            f"evaluate FRAMEWORK DATA --period {period} --store {results.url} --engine scalar "
            "(or --format json)",
        )
    return LevelResults(framework, documents)


def _child(framework: Framework) -> str | None:
    """Return the id of the framework of ``framework``'s children (None if it declares none)."""
    children = framework.compiled.children
    if children is None or not isinstance(children.framework, Framework):
        return None
    return children.framework.id


def stored_levels(
    session: Session, store_url: str, period: Period, framework_id: str | None
) -> list[LevelResults]:
    """Return a stored period's levels, top first, as ``evaluate`` with ``--children`` gave them.

    The top level is the current run of ``framework_id`` (or of the store's only framework);
    below it come the current runs of its children's framework, grandchildren's…, for as long
    as the same evaluation stored them (the same data sources and label). The framework is the
    registered one of each run's id and version.

    A period the store does not hold for the framework is a usage error listing those it holds;
    a store that cannot be read, a framework not registered or a run without documents fails
    (exit status 1).
    """
    label = period.label
    try:
        results = open_store(store_url, create=False)
        chosen = _framework(results, framework_id)
        _held(results, chosen, label)
        top = _current(results, chosen, label)
        assert top is not None  # noqa: S101  _held found the period
        levels = [_level(session, results, chosen, top, label)]
        while (child := _child(levels[-1].framework)) is not None:
            below = _current(results, child, label)
            if below is None or (below["sources"], below["label"]) != (
                top["sources"],
                top["label"],
            ):
                break
            levels.append(_level(session, results, child, below, label))
    except CriteriaKitError as error:
        fail(error)
    return levels


def stored_histories(
    store_url: str, levels: list[LevelResults], period: Period
) -> list[History | None]:
    """Return, top first, the history of each level whose framework declares ``[[awards]]``.

    A history is the level's results in ``period`` and in the earlier periods of its type that
    the store holds (their current runs), which the report decides the awards over; a level
    without awards has none (``None``). A store that cannot be read fails (exit status 1).
    """
    if not any(level.framework.compiled.awards for level in levels):
        return [None] * len(levels)
    from criteriakit.awards import read_history  # noqa: PLC0415  needs polars, for awards alone

    try:
        results = open_store(store_url, create=False)
        return [
            read_history(results, level.framework, period.label)
            if level.framework.compiled.awards
            else None
            for level in levels
        ]
    except CriteriaKitError as error:
        fail(error)
