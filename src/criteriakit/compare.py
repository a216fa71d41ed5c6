"""What changed between two periods' results: tier moves, score deltas, new and resolved vetoes.

Units are evaluated every period (``criteriakit evaluate … -o 2023.json``, then 2024), in either
form of results (``docs/results.md``): result documents (JSON), or the result table (CSV, JSON
Lines, Parquet). :func:`load_outcomes` reads any of them back as :class:`Outcome` values (what a
comparison needs of a result), :func:`load_results` reads documents as full results, and
:func:`compare_results` pairs the units of two periods by id. Without a tier order a tier change
is only ``changed``; with one (each framework's tier ids, best first) it is ``up`` or ``down``.
A table names its reasons by code only: which of them are vetoes and caps comes from the
framework (``reason_kinds``), and without it no reason of a table counts as a veto.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from criteriakit import limits
from criteriakit._converter import converter
from criteriakit._files import UnreadableFile, read_text_capped
from criteriakit.data import (
    json_records,
    open_source,
    records_of,
    typed_frame,
)
from criteriakit.data.csv import read_csv_text
from criteriakit.errors import DataError, Problem
from criteriakit.expressions import approx_eq
from criteriakit.model.results import Result
from criteriakit.render import render_text_table
from criteriakit.render.explanation import format_number
from criteriakit.render.language import N_, words
from criteriakit.scalar.executor import SCORE_DIGITS

__all__ = [
    "Comparison",
    "Direction",
    "Outcome",
    "ReasonKinds",
    "UnitChange",
    "compare_results",
    "load_outcomes",
    "load_results",
    "outcomes_of_rows",
    "period_label",
]

Direction = Literal["up", "down", "same", "added", "removed", "changed"]
"""How a unit's tier moved; ``changed`` when it moved but the order of the tiers is unknown."""

_DIRECTIONS: tuple[Direction, ...] = (
    N_("up"),
    N_("down"),
    N_("same"),
    N_("added"),
    N_("removed"),
    N_("changed"),
)
"""Every direction, marked for the catalogues: a comparison is rendered in a language."""
_CAPPING = frozenset({"veto", "cap"})
_ABSENT = "—"
_NOT_EVALUABLE = N_("not evaluable")
_HINT = 'write it with `criteriakit evaluate … --format json`: {"results": [...]}'
_TABLE_HINT = "write it with `criteriakit evaluate … --format csv` (or jsonl, parquet)"
_TABLE_COLUMNS = ("unit", "framework", "version", "score", "tier", "reasons")

ReasonKinds = Callable[[str, str], Mapping[str, str] | None]
"""Given a framework id and version, return its reason codes' kinds (``veto``, ``gate``…)."""


@attrs.frozen
class Outcome:
    """What a comparison needs of one unit's result, from a result document or a table row.

    ``reasons`` are the reason codes in order, ``vetoes`` those of them that are vetoes or caps.
    """

    unit: str | None
    framework: str
    version: str
    score: float | None
    tier: str | None
    reasons: tuple[str, ...] = ()
    vetoes: tuple[str, ...] = ()
    period: str | None = None

    @property
    def framework_ref(self) -> str:
        """The framework as ``id@version``."""
        return f"{self.framework}@{self.version}"

    @classmethod
    def of(cls, result: Result | Outcome) -> Outcome:
        """Return the outcome of a full result (an outcome is returned as it is)."""
        if isinstance(result, Outcome):
            return result
        return cls(
            result.unit,
            result.framework,
            result.version,
            result.score,
            result.tier,
            result.reason_codes,
            tuple(reason.code for reason in result.reasons if reason.kind in _CAPPING),
            result.period.label if result.period else None,
        )


def load_results(path: str | os.PathLike[str]) -> list[Result]:
    """Read the results of a ``criteriakit evaluate --format json`` file; DataError if invalid."""
    name = str(path)
    try:
        text = read_text_capped(Path(path), limits.current().data_bytes, "data_bytes")
    except UnreadableFile as error:
        raise DataError([error.problem]) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        problem = Problem(
            f"invalid JSON: {error.msg}", file=name, line=error.lineno, column=error.colno
        )
        raise DataError([problem]) from None
    if not isinstance(document, dict) or "results" not in document:
        problem = Problem('expected an object with a "results" key', file=name, hint=_HINT)
        raise DataError([problem])
    items = document["results"]
    if not isinstance(items, list):
        problem = Problem(
            f"expected a list of results, got {type(items).__name__}",
            file=name,
            path="results",
            hint=_HINT,
        )
        raise DataError([problem])
    results: list[Result] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        where = f"results[{index}]"
        if not isinstance(item, dict):
            problems.append(Problem("expected an object: one result", file=name, path=where))
            continue
        try:
            results.append(Result.from_dict(item))
        except DataError as error:
            problems.extend(
                attrs.evolve(
                    problem, file=name, path=f"{where}.{problem.path}" if problem.path else where
                )
                for problem in error.problems
            )
        if len(problems) >= limits.current().reported_problems:
            break
    if problems:
        raise DataError(problems, source=name)
    return results


def _table_rows(path: Path, name: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """Yield the rows of a result table file (CSV, JSON Lines or Parquet) with their numbers."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        source = open_source(path, "parquet")
        yield from records_of(source, typed_frame(source))
        return
    try:
        text = read_text_capped(path, limits.current().data_bytes, "data_bytes")
    except UnreadableFile as error:
        raise DataError([error.problem]) from None
    if suffix == ".csv":
        table = read_csv_text(text, name)
        for row, cells in enumerate(table.rows, start=1):
            yield row, dict(zip(table.header, cells, strict=True))
        return
    for row, record in json_records(text, name, "jsonl"):
        if not isinstance(record, Mapping):
            problem = Problem("expected an object: one row of the result table", file=name, row=row)
            raise DataError([problem], source=name)
        yield row, record


def _outcome(
    row: int, record: object, name: str, reason_kinds: ReasonKinds | None
) -> Outcome | Problem:
    if not isinstance(record, Mapping):
        return Problem("expected an object: one row of the result table", file=name, row=row)
    missing = [column for column in _TABLE_COLUMNS if column not in record]
    if missing:
        message = f"expected a result table: the row has no {missing[0]!r}"
        return Problem(message, file=name, row=row, hint=_TABLE_HINT)
    reasons = record["reasons"]
    codes = tuple(
        code for code in (reasons.split(";") if isinstance(reasons, str) else reasons or ()) if code
    )
    score = record["score"]
    try:
        number = None if score in (None, "") else float(score)
    except (TypeError, ValueError):
        return Problem(f"expected a score, got {score!r}", file=name, row=row, path="score")
    framework, version = str(record["framework"]), str(record["version"])
    kinds = reason_kinds(framework, version) if reason_kinds else None
    unit = record["unit"]
    return Outcome(
        None if unit in (None, "") else str(unit),
        framework,
        version,
        number,
        record["tier"] or None,
        codes,
        tuple(code for code in codes if kinds is not None and kinds.get(code) in _CAPPING),
    )


def load_outcomes(
    path: str | os.PathLike[str], *, reason_kinds: ReasonKinds | None = None
) -> list[Outcome]:
    """Read the results in a file of either form: documents (``.json``) or a table.

    A table is CSV, JSON Lines (``.jsonl``) or Parquet, as ``criteriakit evaluate`` writes it;
    ``reason_kinds`` tells its vetoes and caps apart (see the module docs).
    """
    file = Path(path)
    name = str(path)
    if file.suffix.lower() == ".json":
        return [Outcome.of(result) for result in load_results(path)]
    return outcomes_of_rows(_table_rows(file, name), name, reason_kinds=reason_kinds)


def outcomes_of_rows(
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    name: str,
    *,
    reason_kinds: ReasonKinds | None = None,
) -> list[Outcome]:
    """Read the rows of a result table (each with its number) as outcomes, as a file's are.

    ``name`` says where the rows are from, in problems; a result table read back from a store
    (``criteriakit compare --store``) thus compares as the same table written to a file does.
    Raises :class:`DataError` listing the rows that are not result table rows.
    """
    outcomes: list[Outcome] = []
    problems: list[Problem] = []
    for row, record in rows:
        found = _outcome(row, record, name, reason_kinds)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            outcomes.append(found)
    if problems:
        raise DataError(problems, source=name)
    return outcomes


def period_label(results: Iterable[Result | Outcome]) -> str | None:
    """Return the label of the period every result is for, or ``None`` if they differ or lack one."""
    labels = {Outcome.of(result).period for result in results}
    return labels.pop() if len(labels) == 1 else None


@attrs.frozen
class UnitChange:
    """How one unit's result changed from the first period to the second.

    ``framework`` is ``id@version``, or ``before → after`` when it changed. Tiers and scores are
    ``None`` where the unit is absent (``added``, ``removed``) or was not evaluable;
    ``score_delta`` is ``None`` unless both scores exist. The four code tuples list the reasons
    that appeared and disappeared: ``*_vetoes`` only vetoes and caps, ``*_reasons`` all of them.
    """

    unit: str
    framework: str
    before_tier: str | None
    after_tier: str | None
    before_score: float | None
    after_score: float | None
    score_delta: float | None
    direction: Direction
    new_vetoes: tuple[str, ...] = ()
    resolved_vetoes: tuple[str, ...] = ()
    new_reasons: tuple[str, ...] = ()
    resolved_reasons: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        """Whether the tier, the score and the reasons all stayed the same."""
        return (
            self.direction == "same"
            and not self.score_delta
            and not self.new_reasons
            and not self.resolved_reasons
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the change as JSON-ready plain data."""
        plain: dict[str, Any] = converter().unstructure(self)
        return plain


@attrs.frozen
class Comparison:
    """Every unit's change from the ``before`` period to the ``after`` one, by unit id."""

    before: str
    after: str
    changes: tuple[UnitChange, ...]

    @property
    def counts(self) -> dict[Direction, int]:
        """How many units went each way: ``up``, ``down``, ``same``, ``added``, ``removed``, ``changed``."""
        counts = dict.fromkeys(_DIRECTIONS, 0)
        for change in self.changes:
            counts[change.direction] += 1
        return counts

    def summary(self, language: str = "en") -> str:
        """Return one line: ``2023 → 2024: 21 units; 3 up, 2 down, 15 same, 1 added, 0 removed``.

        In ``language`` (``en``, ``vi`` or ``de``).
        """
        w = words(language)
        counts = self.counts
        shown: list[Direction] = ["up", "down", "same", "added", "removed"]
        if counts["changed"]:
            shown.insert(2, "changed")
        moves = [f"{counts[key]} {w.gettext(key)}" for key in shown]
        line = w.gettext("%(before)s → %(after)s: %(units)s; %(moves)s")
        return line % {
            "before": self.before,
            "after": self.after,
            "units": w.units(len(self.changes)),
            "moves": ", ".join(moves),
        }

    def render(self, *, only_changes: bool = False, language: str = "en") -> str:
        """Return the summary line, then a table of the units (only those that changed, if asked).

        In ``language`` (``en``, ``vi`` or ``de``); ids, tiers and numbers are written as given.
        """
        _ = words(language).gettext
        summary = self.summary(language)
        shown = self._listed(only_changes=only_changes)
        if not shown:
            nothing = _("no changes")
            return f"{summary}\n{nothing}" if only_changes else summary
        header = [_("unit"), _("change"), _("framework"), _("tier"), _("score"), _("delta")]
        header.append(_("new vetoes"))
        table = render_text_table(
            header, [_row(change, _) for change in shown], right={header[5]}
        ).rstrip("\n")
        return f"{summary}\n{table}"

    def to_dict(self, *, only_changes: bool = False) -> dict[str, Any]:
        """Return the comparison as JSON-ready data: labels, counts and the units' changes."""
        return {
            "before": self.before,
            "after": self.after,
            "counts": {"units": len(self.changes), **self.counts},
            "changes": [change.to_dict() for change in self._listed(only_changes=only_changes)],
        }

    def _listed(self, *, only_changes: bool) -> list[UnitChange]:
        return [change for change in self.changes if not (only_changes and change.unchanged)]


def compare_results(
    before: Sequence[Result | Outcome],
    after: Sequence[Result | Outcome],
    *,
    tier_order: Mapping[str, Sequence[str]] | None = None,
    before_label: str | None = None,
    after_label: str | None = None,
) -> Comparison:
    """Pair two periods' results by unit id and say how each unit changed.

    ``tier_order`` maps a framework id to its tier ids, best first; a tier change is ``up`` or
    ``down`` when both results are of that framework and both tiers are listed, ``changed``
    otherwise. A label defaults to the period every result of its side is for, else ``before``
    or ``after``. A result without a unit id, or a unit id twice on one side, raises DataError.
    """
    labels = (
        before_label or period_label(before) or "before",
        after_label or period_label(after) or "after",
    )
    problems: list[Problem] = []
    old = _by_unit([Outcome.of(result) for result in before], labels[0], problems)
    new = _by_unit([Outcome.of(result) for result in after], labels[1], problems)
    if problems:
        raise DataError(problems)
    changes = tuple(
        _change(unit, old.get(unit), new.get(unit), tier_order or {})
        for unit in sorted(old.keys() | new.keys())
    )
    return Comparison(labels[0], labels[1], changes)


def _by_unit(results: Sequence[Outcome], label: str, problems: list[Problem]) -> dict[str, Outcome]:
    """Index the results by unit id, recording missing and repeated ids as problems."""
    indexed: dict[str, Outcome] = {}
    first: dict[str, int] = {}
    for index, result in enumerate(results):
        where = f"results[{index}].unit"
        if result.unit is None:
            problems.append(Problem("the result has no unit id", file=label, path=where))
        elif result.unit in indexed:
            message = f"unit id {result.unit!r} repeats results[{first[result.unit]}]"
            problems.append(Problem(message, file=label, path=where))
        else:
            indexed[result.unit] = result
            first[result.unit] = index
    return indexed


def _change(
    unit: str,
    before: Outcome | None,
    after: Outcome | None,
    tier_order: Mapping[str, Sequence[str]],
) -> UnitChange:
    refs = dict.fromkeys(result.framework_ref for result in (before, after) if result is not None)
    old_vetoes = before.vetoes if before else ()
    new_vetoes = after.vetoes if after else ()
    old_codes = before.reasons if before else ()
    new_codes = after.reasons if after else ()
    return UnitChange(
        unit,
        " → ".join(refs),
        before.tier if before else None,
        after.tier if after else None,
        before.score if before else None,
        after.score if after else None,
        _delta(before, after),
        _direction(before, after, tier_order),
        _missing_from(new_vetoes, old_vetoes),
        _missing_from(old_vetoes, new_vetoes),
        _missing_from(new_codes, old_codes),
        _missing_from(old_codes, new_codes),
    )


def _missing_from(codes: Sequence[str], others: Sequence[str]) -> tuple[str, ...]:
    """Return the codes not among ``others``, once each, in order."""
    return tuple(dict.fromkeys(code for code in codes if code not in others))


def _delta(before: Outcome | None, after: Outcome | None) -> float | None:
    if before is None or after is None or before.score is None or after.score is None:
        return None
    if approx_eq(after.score, before.score):
        return 0.0
    return round(after.score - before.score, SCORE_DIGITS)


def _direction(
    before: Outcome | None, after: Outcome | None, tier_order: Mapping[str, Sequence[str]]
) -> Direction:
    if before is None:
        return "added"
    if after is None:
        return "removed"
    if before.tier == after.tier:
        return "same"
    order = tier_order.get(after.framework, ()) if before.framework == after.framework else ()
    if before.tier not in order or after.tier not in order:
        return "changed"
    return "up" if order.index(after.tier) < order.index(before.tier) else "down"


def _row(change: UnitChange, translated: Callable[[str], str]) -> list[str]:
    """Return the table row of a change: absent sides as a dash, unevaluable ones said so.

    ``translated`` gives the words of the rendered language.
    """

    def side(value: str | None, absent: Direction) -> str:
        if change.direction == absent:
            return _ABSENT
        return translated(_NOT_EVALUABLE) if value is None else value

    def score(value: float | None) -> str | None:
        return None if value is None else format_number(value)

    return [
        change.unit,
        translated(change.direction),
        change.framework,
        f"{side(change.before_tier, 'added')} → {side(change.after_tier, 'removed')}",
        f"{side(score(change.before_score), 'added')} → {side(score(change.after_score), 'removed')}",
        "" if change.score_delta is None else _signed(change.score_delta),
        ", ".join(change.new_vetoes),
    ]


def _signed(delta: float) -> str:
    """Write a score delta with its sign and two decimals at most: ``+3.25``, ``-2``, ``0``."""
    if delta == 0:
        return "0"
    text = f"{delta:+.2f}".removesuffix(".00")
    return f"{delta:+.2g}" if text in {"+0", "-0"} else text
