"""The numbers a framework's weights decide, as the columnar plan reads them.

An indicator's points possible, a thresholds or lookup scorer's awards in points, a criterion's
maximum and the ranking's weights all follow from the weights. Where every unit is evaluated
with the same weights they are literals in the plan. Where each parent's units decide their own
(``[weights] within = "parent"``, :mod:`criteriakit.scalar.weighing`), each is a column of the
frame instead (:func:`number_columns`), holding for each row the number of its parent's
compiled framework: the very numbers the scalar engine's framework of that parent holds, so
both engines compute the same points.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import polars as pl

from criteriakit.columnar.floats import divided, divided_by
from criteriakit.compiling.compiled import CompiledFramework
from criteriakit.compiling.scoring import Steps, Table

__all__ = ["Numbers", "number_columns", "weighed_numbers"]


def weighed_numbers(compiled: CompiledFramework) -> dict[str, float]:
    """Return the numbers of ``compiled`` its weights decide, by the key the plan reads."""
    numbers: dict[str, float] = {}
    for ordinal, indicator in enumerate(compiled.indicators):
        numbers[f"points{ordinal}"] = indicator.max_points
        form = indicator.scorer.form
        awards: Sequence[float] = ()
        if isinstance(form, Steps):
            awards = [award for _, award in form.steps]
        elif isinstance(form, Table):
            awards = list(form.awards.values())
        if isinstance(form, Steps | Table):
            numbers[f"otherwise{ordinal}"] = form.otherwise
        numbers.update((f"award{ordinal}.{k}", award) for k, award in enumerate(awards))
    for index, criterion in enumerate(compiled.criteria):
        numbers[f"criterion{index}"] = criterion.max_score
    if compiled.ranking is not None:
        numbers.update((f"weight{k}", w) for k, w in enumerate(compiled.ranking.weights))
    return numbers


def _column(key: str) -> str:
    return f"__n.{key}"


@attrs.frozen
class Numbers:
    """The weight-dependent numbers of the framework a plan is built from (:func:`weighed_numbers`).

    ``by_row``: each is read from its column, each row's parent's own, instead of the literal.
    """

    values: dict[str, float]
    by_row: bool = False

    @classmethod
    def of(cls, compiled: CompiledFramework, *, by_row: bool = False) -> Numbers:
        """Return the numbers of ``compiled``, read as literals or (``by_row``) as columns."""
        return cls(weighed_numbers(compiled), by_row)

    def __call__(self, key: str) -> pl.Expr:
        """Return number ``key`` as an expression."""
        return pl.col(_column(key)) if self.by_row else pl.lit(self.values[key])

    def share(self, points: pl.Expr, ordinal: int) -> pl.Expr:
        """Return ``points`` over indicator ``ordinal``'s points possible (0 where it has none)."""
        key = f"points{ordinal}"
        if not self.by_row:
            literal = self.values[key]
            return divided_by(points, literal) if literal else pl.lit(0.0)
        maximum = self(key)
        return pl.when(maximum != 0).then(divided(points, maximum)).otherwise(pl.lit(0.0))


def number_columns(rows: Sequence[int], frameworks: Sequence[CompiledFramework]) -> pl.DataFrame:
    """Return, for each row, the numbers of its framework: ``frameworks[rows[i]]`` for row i.

    The frameworks differ in their weights alone, so they have the same numbers' keys.
    """
    tables = [weighed_numbers(compiled) for compiled in frameworks]
    chosen = pl.Series(rows, dtype=pl.UInt32)
    return pl.DataFrame(
        {
            _column(key): pl.Series([table[key] for table in tables], dtype=pl.Float64).gather(
                chosen
            )
            for key in tables[0]
        }
    )
