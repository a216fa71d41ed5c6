"""Awards: distinctions decided over a unit's results in earlier periods (``[[awards]]``).

::

    from criteriakit import awards, store

    framework = criteriakit.get_framework("vn.four-good-cell")
    results = store.open("results.duckdb")
    history = awards.read_history(results, framework, "2024")
    awards.decide(framework, history)    # one row per unit and award: earned, withheld
    awards.explain(framework, history, "C03")  # why each award was earned or not

An award's ``require`` reads the current period's result and the history functions
``streak``, ``count_last``, ``previous`` and ``all_periods_since`` (``docs/awards.md``). The
columnar engine decides a population as columns, the scalar engine unit by unit with notes;
both give the same frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

import polars as pl

from criteriakit.awards.columnar import decide_frame
from criteriakit.awards.history import History, read_history
from criteriakit.awards.scalar import decide_all
from criteriakit.errors import DataError, Problem
from criteriakit.model.awards import AwardResult, HistoryNote, Withheld

if TYPE_CHECKING:
    from criteriakit.scalar.framework import Framework

__all__ = [
    "AwardResult",
    "History",
    "HistoryNote",
    "Withheld",
    "decide",
    "explain",
    "read_history",
    "results",
]

Engine = Literal["columnar", "scalar"]


def decide(framework: Framework, history: History, *, engine: Engine = "columnar") -> pl.DataFrame:
    """Decide the framework's awards for every unit of the history's current period.

    One row per award and unit (award by award, each in the current table's order):
    ``unit``, ``parent``, ``award``, ``earned`` and ``withheld`` (met the condition, lost the
    award to its quota). Both engines give the same frame; the columnar one is for
    populations, the scalar one decides unit by unit, as :func:`results` does.
    """
    awards = framework.compiled.awards
    _check_tiers(framework, history)
    if engine == "columnar":
        return decide_frame(awards, history)
    decided = decide_all(awards, history, fallback=framework.definition.language)
    current = history.current
    return pl.DataFrame(
        {
            "unit": [result.unit for result in decided],
            "parent": [result.parent for result in decided],
            "award": [result.award for result in decided],
            "earned": [result.earned for result in decided],
            "withheld": [result.withheld is not None for result in decided],
        },
        schema={
            "unit": current.schema["unit"],
            "parent": current.schema["parent"],
            "award": pl.String,
            "earned": pl.Boolean,
            "withheld": pl.Boolean,
        },
    )


def results(
    framework: Framework,
    history: History,
    units: Iterable[str | int] | None = None,
    *,
    language: str | None = None,
    decided: pl.DataFrame | None = None,
) -> tuple[AwardResult, ...]:
    """Decide the awards unit by unit, each with the notes that explain it.

    ``units`` decides those units only (all of them by default; a unit the period has no
    result for is a :class:`DataError`): the other units' part, in the quotas, is decided as
    columns, so that explaining a few units of a large population costs little more than
    deciding it; ``decided`` is :func:`decide`'s frame, when the caller has it already.
    Titles are in ``language`` where the file gives one, else in the framework's own.
    """
    awards = framework.compiled.awards
    own = framework.definition.language
    if units is None:
        _check_tiers(framework, history)
        return decide_all(awards, history, language, fallback=own)
    wanted = {str(unit) for unit in units}
    known = set(history.current.get_column("unit").cast(pl.String).to_list())
    unknown = sorted(wanted - known)
    if unknown:
        raise DataError(
            [
                Problem(
                    f"no result of unit {unknown[0]!r} in {history.period.label}",
                    path="unit",
                    hint="give a unit the period's results hold",
                )
            ]
        )
    # the other units' part is only in the quotas: whether they met each condition, as columns
    frame = decide(framework, history) if decided is None else decided
    met = frame.select(pl.col("earned") | pl.col("withheld")).to_series().to_list()
    size = history.current.height
    by_award = {
        award.id: met[index * size : (index + 1) * size] for index, award in enumerate(awards)
    }
    return decide_all(awards, history, language, wanted, by_award, fallback=own)


def _check_tiers(framework: Framework, history: History) -> None:
    """Refuse results whose tiers the framework does not have (another framework's results)."""
    tiers = [tier.id for tier in framework.definition.tiers]
    for table in history.tables:
        for column in ("tier", "band_tier"):
            values = pl.col(column)
            found = table.filter(values.is_not_null() & ~values.is_in(tiers))
            if found.height:
                row = found.row(0, named=True)
                raise DataError(
                    [
                        Problem(
                            f"the results of {row['period']} rate unit {row['key']!r} "
                            f"{row[column]!r}, a tier {framework.ref} does not have",
                            path="period",
                            hint=f"its tiers are {', '.join(tiers)}: decide awards with the "
                            "framework whose results the store holds",
                        )
                    ]
                )


def explain(
    framework: Framework, history: History, unit: str | int, *, language: str = "en"
) -> str:
    """Explain each award's decision for ``unit``, award by award, in ``language``."""
    decided = results(framework, history, [unit], language=language)
    return "\n".join(result.explain(language) for result in decided)
