"""Weights the evaluated units decide: ``[weights]`` by entropy, CRITIC or standard deviation.

Such a framework compiles with equal weights (a provisional framework). Every engine evaluates
the units with it first, then hands :func:`weighed` the result table's indicator points and
which units were evaluable: the same numbers in every engine, so the weights are the same too.
The weights are computed by :func:`criteriakit.mcda.weights` over the evaluable units' shares
(an indicator's points over the points it could earn): a criterion's indicators over their
shares, the criteria over theirs (the weighted mean of their indicators' shares, with the
indicators' final weights). The units are all those evaluated together, or each parent's
apart (``within = "parent"``). The framework is compiled again with each group's weights (one
framework per parent, then), and the units are evaluated with it; every result records the weights
(:class:`~criteriakit.model.results.WeightNote`), so that an explanation says where they came
from. Fewer than two evaluable units, or a matrix the method refuses (every unit alike), leave
equal weights, and the note says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import attrs

from criteriakit.compiling.compiled import CompiledFramework, DataWeights
from criteriakit.compiling.compiler import ExpressionCache, compile_definition
from criteriakit.errors import EvaluationError, MCDAError
from criteriakit.model.results import WeightNote
from criteriakit.plugins.registrations import builtin_extensions
from criteriakit.scalar.framework import Framework
from criteriakit.scalar.groups import groups

__all__ = ["weighed"]


@attrs.frozen
class _Group:
    """Which units decide weights: all of them, or one parent's (``parent``)."""

    within: Literal["all", "parent"] = "all"
    parent: str | None = None

    def note(
        self,
        scope: str,
        method: str,
        units: int,
        weights: Mapping[str, float],
        why: str | None = None,
    ) -> WeightNote:
        """Return the note of weights this group's ``units`` decided."""
        return WeightNote(scope, method, units, weights, why, self.within, self.parent)


def _decided(
    method: str,
    columns: Sequence[Sequence[float]],
    units: int,
    ids: Sequence[str],
    scope: str,
    group: _Group,
) -> WeightNote:
    """Return the weights ``method`` gives the ``columns`` (one per entry) of ``units`` rows."""
    equal = dict.fromkeys(ids, 1.0 / len(ids))
    if units < 2:
        why = f"{units} evaluable unit{'s' if units != 1 else ''}: too few to weigh by"
        return group.note(scope, method, units, equal, why)
    # NumPy: the framework loaded, so it is installed (derived weights need it to load)
    import numpy as np  # noqa: PLC0415  only for weights the data decide

    from criteriakit import mcda  # noqa: PLC0415  NumPy too

    try:
        found = mcda.weights(np.array(columns, dtype=np.float64).T, method=method)  # type: ignore[arg-type]
    except MCDAError as error:
        return group.note(scope, method, units, equal, f"equal weights: {error}")
    values = [float(weight) for weight in found]
    if not all(value >= 0 for value in values) or not 0.999 < sum(values) < 1.001:
        return group.note(scope, method, units, equal, "equal weights: the method gave none")
    return group.note(scope, method, units, dict(zip(ids, values, strict=True)))


def _shares(
    compiled: CompiledFramework, points: Mapping[str, Sequence[float | None]], rows: list[int]
) -> dict[str, list[float]]:
    """Return each indicator's shares (points over points possible) over the ``rows``."""
    shares: dict[str, list[float]] = {}
    for indicator in compiled.indicators:
        column = points.get(indicator.id, ())  # none at all when there are no units
        maximum = indicator.max_points
        shares[indicator.id] = [(column[row] or 0.0) / maximum if maximum else 0.0 for row in rows]
    return shares


def weighed(
    framework: Framework,
    points: Mapping[str, Sequence[float | None]],
    evaluable: Sequence[bool],
    parents: Sequence[str | None],
) -> list[tuple[list[int], Framework]]:
    """Return the framework with the weights each group of units decided, and the group.

    ``points`` are the provisional result table's ``indicator:ID`` columns by indicator id, in
    the units' order; ``evaluable`` its ``evaluable`` column; ``parents`` each unit's parent.
    The groups are all the units, or each parent's (``within = "parent"``), as positions in
    that order; each framework notes its weights, and keeps the file's fingerprint: the file
    and the data decide the weights.
    """
    within = framework.compiled.data_weights[0].within
    found: list[tuple[list[int], Framework]] = []
    compiled: ExpressionCache = {}  # the groups' frameworks differ in weights alone
    for members in groups(parents, within) or [[]]:  # no units: one group, of none
        group = _Group(within, parents[members[0]] if within == "parent" and members else None)
        chosen = {key: [column[index] for index in members] for key, column in points.items()}
        shown = [evaluable[index] for index in members]
        found.append((members, _weighed(framework, chosen, shown, group, compiled)))
    return found


def _weighed(
    framework: Framework,
    points: Mapping[str, Sequence[float | None]],
    evaluable: Sequence[bool],
    group: _Group,
    compiled_expressions: ExpressionCache,
) -> Framework:
    """Return ``framework`` with the weights one group of units decided, and notes of them."""
    compiled = framework.compiled
    rows = [row for row, ok in enumerate(evaluable) if ok]
    shares = _shares(compiled, points, rows)
    scopes: dict[int | None, DataWeights] = {data.criterion: data for data in compiled.data_weights}
    notes: list[WeightNote] = []
    within: dict[int, Mapping[str, float]] = {}  # each criterion's indicators' final weights
    decided: dict[int, Mapping[str, float]] = {}
    for index, criterion in enumerate(compiled.criteria):
        ids = [indicator.id for indicator in compiled.indicators[criterion.first : criterion.stop]]
        data = scopes.get(index)
        if data is None:
            maximum = criterion.max_score
            within[index] = {
                indicator.id: indicator.max_points / maximum if maximum else 0.0
                for indicator in compiled.indicators[criterion.first : criterion.stop]
            }
            continue
        columns = [shares[i] for i in ids]
        note = _decided(data.method, columns, len(rows), ids, criterion.id, group)
        notes.append(note)
        within[index] = decided[index] = note.weights
    criteria_weights = None
    data = scopes.get(None)
    if data is not None:
        columns = [
            [
                sum(weight * shares[i][row] for i, weight in within[index].items())
                for row in range(len(rows))
            ]
            for index in range(len(compiled.criteria))
        ]
        ids = [criterion.id for criterion in compiled.criteria]
        note = _decided(data.method, columns, len(rows), ids, "criteria", group)
        notes.insert(0, note)
        criteria_weights = note.weights
    decided_weights: dict[int | None, list[float]] = {
        index: list(weights.values()) for index, weights in decided.items()
    }
    if criteria_weights is not None:
        decided_weights[None] = list(criteria_weights.values())
    children = compiled.children
    outcome = compile_definition(
        framework.definition,
        framework.extensions or builtin_extensions(),
        None if children is None else lambda _: children.framework,
        decided_weights,
        compiled_expressions,
    )
    if isinstance(outcome, list):  # the file compiled before: never expected
        message = f"{framework.ref}: the weights decided by the units do not compile: {outcome[0]}"
        raise EvaluationError(message)
    order = ["criteria", *(criterion.id for criterion in compiled.criteria)]
    every = sorted([*outcome.weight_notes, *notes], key=lambda note: order.index(note.scope))
    rebuilt = attrs.evolve(outcome, weight_notes=tuple(every))
    return Framework(
        framework.definition,
        framework.fingerprint,
        rebuilt,
        framework.source,
        framework.extensions,
        framework.base,
        framework.source_locations,
    )
