"""The ``criteriakit compare`` command: what changed between two periods' results.

It compares two result files, or with ``--store`` two periods of a results store: their current
runs' documents (or tables, for a columnar run) are read back and compared as the files
``evaluate`` wrote for those periods would be (:mod:`criteriakit.cli._stored`).

The session's registry tells the rest: each registered framework's tier order (best first), so
that tier changes read as ``up`` or ``down`` (for a framework it does not know they read
``changed``), and its reasons' kinds, so that the vetoes of a result table are told apart.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from criteriakit.cli._options import (
    LANGUAGE_OPTION,
    OUTPUT_OPTION,
    PLUGIN_DIR_OPTION,
    examples,
    format_option,
    language_words,
    store_option,
)
from criteriakit.cli._output import emit, fail
from criteriakit.cli._session import Session, pass_session
from criteriakit.errors import CriteriaKitError

if TYPE_CHECKING:
    from criteriakit.compare import Outcome

__all__ = ["compare", "reason_kinds"]


@click.command(
    short_help="Compare two periods' results: tiers, scores, vetoes.",
    epilog=examples(
        "criteriakit compare results-2023.json results-2024.json",
        "criteriakit compare 2023.csv 2024.csv --only-changes --format json -o changes.json",
        "criteriakit compare --store results.duckdb 2023 2024 --framework vn.four-good-cell",
    ),
)
@click.argument("compared", nargs=-1, metavar="BEFORE AFTER")
@store_option("Compare two periods of this results store (BEFORE and AFTER are periods: 2023 2024)")
@click.option(
    "--framework",
    "framework_id",
    help="With --store: the framework whose periods to compare (needed if it holds several).",
)
@format_option("table", "json")
@click.option(
    "--only-changes",
    is_flag=True,
    help="List only the units whose tier, score or reasons changed (the counts cover all).",
)
@OUTPUT_OPTION
@PLUGIN_DIR_OPTION
@LANGUAGE_OPTION
@pass_session
def compare(
    session: Session,
    compared: tuple[str, ...],
    store_url: str | None,
    framework_id: str | None,
    output_format: str,
    only_changes: bool,
    output: str | None,
    language: str | None,
) -> None:
    """Compare two periods' results (any form `evaluate` writes): tiers, scores, vetoes.

    BEFORE and AFTER are result files, or with --store periods of a results store (their
    current runs). Units are matched by id; the summary counts those that went up, down,
    stayed, were added or removed, and the table lists each one's tier, score and new vetoes.
    """
    from criteriakit.compare import compare_results, period_label  # noqa: PLC0415  loaded when used

    if store_url is None:
        before, after = _files(compared, framework_id)
        old, new = _load_both(session, before, after)
        names = (Path(before).name, Path(after).name)
    else:
        from criteriakit.cli._stored import stored_outcomes  # noqa: PLC0415  needs the store extra

        kinds = functools.partial(reason_kinds, session)
        old, new, names = stored_outcomes(store_url, compared, framework_id, kinds)
    try:
        comparison = compare_results(
            old,
            new,
            tier_order=_tier_orders(session, [*old, *new]),
            before_label=period_label(old) or names[0],
            after_label=period_label(new) or names[1],
        )
    except CriteriaKitError as error:
        fail(error)
    if output_format == "json":
        document = comparison.to_dict(only_changes=only_changes)
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    else:
        chosen = language_words(language).language
        text = comparison.render(only_changes=only_changes, language=chosen) + "\n"
    emit(text, output)


def _files(compared: tuple[str, ...], framework_id: str | None) -> tuple[str, str]:
    """Return the two result files to compare; a usage error for any other number."""
    if framework_id is not None:
        raise click.BadParameter(
            "--framework picks a framework of a store: give --store too", param_hint="--framework"
        )
    if len(compared) != 2:
        raise click.UsageError(
            f"compare takes two result files, BEFORE and AFTER (got {len(compared)}); "
            "or, with --store, two periods"
        )
    for file in compared:
        click.Path(dir_okay=False).convert(file, None, None)  # not a directory
    return compared[0], compared[1]


def _load_both(session: Session, before: str, after: str) -> tuple[list[Outcome], list[Outcome]]:
    """Read both files, reporting the problems of both before giving up."""
    from criteriakit.compare import load_outcomes  # noqa: PLC0415  loaded when used

    loaded: list[list[Outcome]] = []
    errors: list[str] = []
    for file in (before, after):
        try:
            loaded.append(
                load_outcomes(file, reason_kinds=functools.partial(reason_kinds, session))
            )
        except CriteriaKitError as error:
            errors.append(str(error))
    if errors:
        fail("\n".join(errors))
    return loaded[0], loaded[1]


def reason_kinds(session: Session, framework: str, version: str) -> dict[str, str] | None:
    """Return a registered framework's reason kinds by code (None if it is not registered)."""
    try:
        compiled = session.registry().resolve(f"{framework}@{version}").compiled
    except CriteriaKitError:
        return None
    kinds: dict[str, str] = {rule.id: rule.kind for rule in compiled.rules}
    kinds.update((gate.id, "gate") for tier in compiled.tiers for gate in tier.gates)
    kinds.update((quota.id, "quota") for quota in compiled.quotas)
    return kinds


def _tier_orders(session: Session, results: Sequence[Outcome]) -> dict[str, tuple[str, ...]]:
    """Each registered framework's tier ids, best first; frameworks not registered are left out."""
    registry = session.registry()
    orders: dict[str, tuple[str, ...]] = {}
    for reference in dict.fromkeys(result.framework_ref for result in results):
        try:
            framework = registry.resolve(reference)
        except CriteriaKitError:
            continue
        orders.setdefault(framework.id, framework.tiers)
    return orders
