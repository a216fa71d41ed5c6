"""Evaluation results: plain frozen data that round-trips through JSON.

A :class:`Result` says what a unit scored, per criterion and per indicator, which tier the
score alone gave (``band_tier``), which tier it finally got (``tier``), and every reason that
made the two differ, with the input values that decided. ``Result.explain()`` renders it as
text, including ``improvement``: what it would take to reach the next tier.

The scalar executor gives a result's ``criteria`` and ``improvement`` as :class:`Pending`: they
are computed when first read (and its ``ranking``, which the population step fills in), and a result cannot be told from one given them in full (see
:class:`_ComputedOnFirstRead`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs

from criteriakit.model.framework import OMITTED_AT_DEFAULT
from criteriakit.model.improvement import Improvement
from criteriakit.model.period import Period

__all__ = [
    "CriterionResult",
    "IndicatorResult",
    "IndicatorStatus",
    "Pending",
    "Rank",
    "Reason",
    "ReasonKind",
    "Result",
    "WeightNote",
    "not_checked_code",
]

IndicatorStatus = Literal["scored", "zero", "excluded"]
"""``scored``: computed; ``zero``: undefined and scored zero by policy; ``excluded``: undefined
and left out, the score being rescaled over the other indicators."""

ReasonKind = Literal["veto", "cap", "gate", "quota", "not-evaluable", "not-checked"]
"""``not-checked``: a veto, cap or gate whose condition was undefined and that the policy
skipped (``zero`` or ``exclude``): the veto or cap did not apply, the gate counted as failed."""


def not_checked_code(code: str) -> str:
    """Return how the result table lists the veto, cap or gate ``code`` when it was not checked.

    ``disunity (not checked)``: ids hold no spaces or parentheses, so the mark cannot be taken
    for an id, and a reader of the table never sees an unchecked veto as one that fired.
    """
    return f"{code} (not checked)"


@attrs.frozen
class IndicatorResult:
    """One indicator's value and points; ``note`` says why a value was undefined."""

    id: str
    title: str
    value: Any
    points: float
    max_points: float
    status: IndicatorStatus = "scored"
    note: str | None = None


@attrs.frozen
class CriterionResult:
    """One criterion's score out of its maximum, with its indicators.

    When indicators of a scored unit were excluded, ``score`` and ``max_score`` are on the
    total's scale: the sum of the indicators' points and of the points they could award, both
    multiplied by ``max_score / points that could be awarded`` (the total's own factor), so the
    criteria's maxima add up to the framework's and, under the ``sum`` weighting, their scores
    to the total.
    """

    id: str
    title: str
    score: float
    max_score: float
    indicators: tuple[IndicatorResult, ...]


@attrs.frozen
class Reason:
    """Why the tier is what it is: a fired veto or cap, a failed gate, a quota, a policy.

    A veto, cap or gate whose condition could not be checked has the kind ``not-checked`` (and
    its own code), never that of one that fired or failed.

    ``code`` is the stable id of the rule or gate (``disunity``, ``excellent-all-targets-met``)
    or of the built-in condition (``not-evaluable``); ``tier`` the tier it concerns (the cap for
    a veto or cap, the tier whose gate failed); ``values`` the inputs that decided.
    """

    code: str
    kind: ReasonKind
    message: str
    tier: str | None = None
    values: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def listed_code(self) -> str:
        """The reason as the result table lists it: the code, marked when it was not checked."""
        return not_checked_code(self.code) if self.kind == "not-checked" else self.code


@attrs.frozen
class WeightNote:
    """Weights a framework derived by a method (``[weights] method = "ahp"``, ``"entropy"`` …).

    ``scope`` is ``criteria`` for the criteria's weights, else the id of the criterion whose
    indicators were weighed; ``units`` how many units' points decided them (None for a method
    that reads the file alone); ``weights`` each entry's weight by id; ``note`` why they fell
    back to equal weights, if they did. Weights decided by each parent's units apart
    (``within = "parent"``) name that ``parent`` (None for the units without one).
    """

    scope: str
    method: str
    units: int | None
    weights: Mapping[str, float]
    note: str | None = None
    within: Literal["all", "parent"] = "all"
    parent: str | None = None


@attrs.frozen
class Rank:
    """A unit's place in its group by the framework's ``[ranking]``: 1 is the best.

    ``rank`` is whole unless ties are ``average``; ``score`` is what the units were ranked by
    (the total, or the method's score: for ``vikor`` lower is better), ``among`` how many units
    of the group were ranked.
    """

    rank: float
    score: float
    method: str
    among: int


@attrs.frozen(kw_only=True)
class Result:
    """The evaluation of one unit against one framework.

    ``parent`` is the unit above it in a hierarchy (a member's cell), when the data names one.
    ``inputs`` are the values it was evaluated on; ``rolled_up`` those of them computed from its
    children's results (see ``[children]`` and ``rollup`` in the format); ``derived`` the
    framework's derived values computed from them (``None`` for one that could not be);
    ``period`` the period the result is for, when one was given; ``ranking`` its place
    among the units of its group, when the framework ranks them (``None`` for a unit not
    ranked: not evaluable, an indicator excluded, or evaluated alone); ``weights`` the weights
    the framework derived by a method (from the file, or from the units evaluated together).

    ``score`` is ``None`` when the unit was not evaluable (then ``tier`` and ``band_tier``
    are ``None`` too and a ``not-evaluable`` reason says why). Scores are rounded to 1e-9,
    so a total that hand arithmetic puts on 90 is 90.0.
    """

    unit: str | None = None
    parent: str | None = None
    framework: str
    version: str
    fingerprint: str
    score: float | None
    max_score: float
    tier: str | None
    band_tier: str | None
    criteria: tuple[CriterionResult, ...]
    reasons: tuple[Reason, ...] = ()
    inputs: Mapping[str, Any] = attrs.field(factory=dict)
    rolled_up: Mapping[str, Any] = attrs.field(factory=dict)
    period: Period | None = None
    improvement: Improvement | None = None
    # listed in plain data only when the framework has derived values
    derived: Mapping[str, Any] = attrs.field(factory=dict, metadata=OMITTED_AT_DEFAULT)
    # listed in plain data only when the framework ranks its units
    ranking: Rank | None = attrs.field(default=None, metadata=OMITTED_AT_DEFAULT)
    # listed in plain data only when the framework derives weights by a method
    weights: tuple[WeightNote, ...] = attrs.field(default=(), metadata=OMITTED_AT_DEFAULT)

    @property
    def evaluable(self) -> bool:
        """Whether the unit could be scored and classified."""
        return self.score is not None

    @property
    def framework_ref(self) -> str:
        """The framework as ``id@version``."""
        return f"{self.framework}@{self.version}"

    def criterion(self, criterion_id: str) -> CriterionResult:
        """Return the result of one criterion by id."""
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def indicator(self, indicator_id: str) -> IndicatorResult:
        """Return the result of one indicator by id."""
        for criterion in self.criteria:
            for indicator in criterion.indicators:
                if indicator.id == indicator_id:
                    return indicator
        raise KeyError(indicator_id)

    @property
    def reason_codes(self) -> tuple[str, ...]:
        """The codes of the reasons, in order, as the result table lists them.

        A veto, cap or gate that could not be checked is listed ``ID (not checked)``.
        """
        return tuple(reason.listed_code for reason in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready plain data (see :meth:`from_dict`)."""
        from criteriakit.render.documents import result_to_dict  # noqa: PLC0415 - rendering is above the model

        return result_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        """Rebuild a result from :meth:`to_dict` output; invalid data raises ``DataError``."""
        from criteriakit.render.documents import result_from_dict  # noqa: PLC0415 - as above

        return result_from_dict(data, cls)

    def explain(self) -> str:
        """Return a human explanation: scores by criterion and indicator, reasons, next steps."""
        from criteriakit.render.explanation import explain  # noqa: PLC0415 - as above

        return explain(self)


class Pending:
    """Parts of a :class:`Result` still to be computed: its ``criteria`` and ``improvement``.

    The scalar executor gives one to a result for both fields; :meth:`compute` gives a field's
    value when it is first read (see :class:`_ComputedOnFirstRead`), which must be what the
    field would have been given.
    """

    __slots__ = ()

    def compute(self, field: str) -> Any:
        """Return the value of the field named ``field``."""
        raise NotImplementedError


class _ComputedOnFirstRead:
    """The descriptor of a :class:`Result` field whose value may be given as :class:`Pending`.

    It wraps the field's slot: a read that finds a :class:`Pending` there computes the value,
    stores it in the slot (once; a frozen result never changes after that) and returns it.
    Everything attrs generates reads fields as attributes (``__eq__``, ``__hash__``,
    ``__repr__``, pickling, ``attrs.evolve``, ``attrs.asdict``), and so does the serialiser, so
    such a result is equal to, pickles, prints and serialises as the one computed in full.
    """

    __slots__ = ("_name", "_slot")

    def __init__(self, name: str, slot: Any) -> None:
        self._name = name
        self._slot = slot

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = self._slot.__get__(instance, owner)
        if isinstance(value, Pending):
            value = value.compute(self._name)
            self._slot.__set__(instance, value)
        return value

    def __set__(self, instance: object, value: object) -> None:
        self._slot.__set__(instance, value)


def _computed_on_first_read(cls: type, name: str) -> None:
    """Let field ``name`` of the slotted attrs class ``cls`` be given as :class:`Pending`."""
    setattr(cls, name, _ComputedOnFirstRead(name, cls.__dict__[name]))


_computed_on_first_read(Result, "criteria")
_computed_on_first_read(Result, "improvement")
_computed_on_first_read(Result, "ranking")
