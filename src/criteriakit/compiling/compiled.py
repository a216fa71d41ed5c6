"""The compiled framework: the runnable parts the executors use.

:mod:`criteriakit.compiling.compiler` builds these from a checked definition; the scalar executor (and
later the columnar ones) only read them, never the definition's raw text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Literal, Protocol

import attrs

from criteriakit.compiling.awards import CompiledAward
from criteriakit.compiling.extensions import Weighting
from criteriakit.compiling.inputs import InputChecker
from criteriakit.compiling.scoring import CompiledScorer, Relative
from criteriakit.expressions import CompiledExpression
from criteriakit.expressions.formatting import format_value
from criteriakit.model.framework import Input, PolicyAction, RankingMethod
from criteriakit.model.results import WeightNote

__all__ = [
    "ChildFramework",
    "CompiledCheck",
    "CompiledChildren",
    "CompiledCondition",
    "CompiledCriterion",
    "CompiledFramework",
    "CompiledIndicator",
    "CompiledQuota",
    "CompiledRanking",
    "CompiledTier",
    "DataWeights",
]


@attrs.frozen
class CompiledIndicator:
    """An indicator ready to run: value expression, scorer (and its type), points and policy."""

    id: str
    title: str
    criterion: int
    value: CompiledExpression
    scorer: CompiledScorer
    scorer_type: str
    max_points: float
    on_missing: PolicyAction
    on_division: PolicyAction


@attrs.frozen
class CompiledCondition:
    """A gate or rule ready to run; ``rank`` is the tier it concerns (0 = best)."""

    id: str
    kind: Literal["gate", "veto", "cap"]
    message: str
    expression: CompiledExpression
    tier: str
    rank: int


@attrs.frozen
class CompiledTier:
    """A tier with its minimum score and compiled gates."""

    id: str
    title: str
    min_score: float
    gates: tuple[CompiledCondition, ...]


@attrs.frozen
class CompiledCriterion:
    """A criterion's identity, maximum and the slice of indicators that belong to it."""

    id: str
    title: str
    max_score: float
    first: int
    stop: int


class ChildFramework(Protocol):
    """The framework of the level below, as its parent's plan holds it: loaded, with its plan.

    It is the loaded :class:`~criteriakit.Framework` (evaluating the level below runs that
    framework's plugin hooks, which receive it), but the compiled stage reads its plan alone.
    """

    @property
    def compiled(self) -> CompiledFramework:
        """The child's compiled plan."""
        ...


@attrs.frozen
class CompiledChildren:
    """The level below: its framework, the records name and which child inputs become fields."""

    framework: ChildFramework
    name: str
    not_evaluable: Literal["skip", "fail"]
    fields: tuple[str, ...]


@attrs.frozen
class CompiledQuota:
    """A quota with its tiers as ranks (0 = best) and its share as an exact fraction."""

    id: str
    tier: int
    of: int
    share: Fraction
    counting: Literal["final", "before"]
    message: str


@attrs.frozen
class CompiledRanking:
    """A checked ``[ranking]``: its method and options, and each indicator's weight.

    ``weights`` are the indicators' points as shares of the framework's (summing to 1), in the
    framework's order: what the multi-criteria methods weigh the indicators' shares by.
    """

    method: RankingMethod
    within: Literal["all", "parent"]
    ties: Literal["min", "dense", "average", "ordinal"]
    normalisation: Literal["none", "minmax"]
    balance: float
    weights: tuple[float, ...]

    @property
    def higher_is_better(self) -> bool:
        """Whether a higher score ranks first (every method but ``vikor``)."""
        return self.method != "vikor"

    @property
    def by_score(self) -> bool:
        """Whether units are ranked by their total score rather than by their indicators."""
        return self.method == "score"


@attrs.frozen
class DataWeights:
    """Weights the evaluated units' points decide, by ``method`` (see :mod:`criteriakit.mcda`).

    Of the criteria when ``criterion`` is None, else of that criterion's indicators; decided
    over all the units evaluated together, or over each parent's (``within``).
    """

    criterion: int | None
    method: str
    within: Literal["all", "parent"] = "all"


PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
"""``{name}`` in a check's message: the unit's value of input ``name``."""


@attrs.frozen
class CompiledCheck:
    """An input check: ``expression`` must not be false; else ``message`` at column ``input``."""

    id: str
    expression: CompiledExpression
    message: str
    input: str

    def fails(self, values: Mapping[str, object]) -> bool:
        """Return whether ``values`` make the check false (undefined is not false)."""
        return self.expression.evaluate(values) is False

    def describe(self, values: Mapping[str, object]) -> str:
        """Return the message with each ``{name}`` replaced by the unit's value, and the check.

        Only input names are replaced (no attribute or index lookups, unlike ``str.format``):
        a message from another organisation's file cannot reach into the program.
        """

        def value(match: re.Match[str]) -> str:
            found = values.get(match.group(1))
            return "?" if found is None else format_value(found)

        return f"{PLACEHOLDER.sub(value, self.message)} (check {self.id})"


@attrs.frozen
class CompiledFramework:
    """All the runnable parts of a checked framework definition: what every engine reads.

    The executors (scalar, columnar, distributed) read this and nothing of the definition:
    ``declared`` is the inputs as declared (types, bounds, defaults, in file order), ``inputs``
    their checker; scorers carry their :data:`~criteriakit.compiling.scoring.ScorerForm` and
    plugin functions their columnar builders, so a columnar plan needs nothing else.
    """

    id: str
    version: str
    max_score: float
    declared: Mapping[str, Input]
    inputs: InputChecker
    criteria: tuple[CompiledCriterion, ...]
    indicators: tuple[CompiledIndicator, ...]
    tiers: tuple[CompiledTier, ...]
    rules: tuple[CompiledCondition, ...]
    on_missing: PolicyAction
    on_division: PolicyAction
    weighting: Weighting
    children: CompiledChildren | None = None
    rollups: tuple[tuple[str, CompiledExpression], ...] = ()
    quotas: tuple[CompiledQuota, ...] = ()
    checks: tuple[CompiledCheck, ...] = ()
    derived: tuple[tuple[str, CompiledExpression], ...] = ()
    """The derived values by name, in the order to compute them (each after those it reads)."""
    criterion_values: tuple[tuple[str, int, str], ...] = ()
    """What the gates, vetoes and caps read of the criteria: each value's name (see
    :func:`~criteriakit.expressions.criterion_value`), the criterion's index and the field."""
    ranking: CompiledRanking | None = None
    data_weights: tuple[DataWeights, ...] = ()
    """The weights the evaluated units decide (the file's are equal until then)."""
    weight_notes: tuple[WeightNote, ...] = ()
    """The weights derived by a method, from the file or decided by the units (recorded on
    every result)."""
    awards: tuple[CompiledAward, ...] = ()
    """The awards, decided over a unit's results in a store (:mod:`criteriakit.awards`)."""

    @property
    def ref(self) -> str:
        """The framework as ``id@version``."""
        return f"{self.id}@{self.version}"

    @property
    def relative(self) -> tuple[tuple[int, Relative], ...]:
        """The indicators scored relative to other units: each one's position and form."""
        return tuple(
            (index, indicator.scorer.form)
            for index, indicator in enumerate(self.indicators)
            if isinstance(indicator.scorer.form, Relative)
        )

    @property
    def compares_units(self) -> Literal["all", "parent"] | None:
        """Which other units a unit's result depends on: all, its siblings, or none.

        Quotas count siblings; relative scorers and the ranking compare with the group their
        ``within`` names, and so are weights the units decide. A framework that compares units
        cannot stream.
        """
        groups = {form.within for _, form in self.relative}
        if self.ranking is not None:
            groups.add(self.ranking.within)
        groups.update(data.within for data in self.data_weights)
        if self.quotas:
            groups.add("parent")
        if "all" in groups:
            return "all"
        return "parent" if groups else None
