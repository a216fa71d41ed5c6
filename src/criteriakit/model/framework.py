"""The framework definition: what a framework file declares, as frozen value objects.

These classes mirror the TOML format key for key (see ``docs/format.md``); the loader builds
them with a private cattrs converter and then checks what a type system cannot (totals,
references, expressions). A :class:`criteriakit.Framework` wraps a checked definition with its
compiled rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal, NewType

import attrs

from criteriakit.model.scorers import ScorerSpec

__all__ = [
    "DATA_WEIGHT_METHODS",
    "Award",
    "Check",
    "Children",
    "Criterion",
    "Field",
    "FrameworkDefinition",
    "Gate",
    "Indicator",
    "IndicatorPolicy",
    "Input",
    "Message",
    "Policy",
    "PolicyAction",
    "Quota",
    "Rule",
    "Text",
    "Tier",
    "WeightMethod",
    "Weights",
]

Text = dict[str, str]
"""Text in one or more languages, keyed by language tag; a plain string is stored under ``"und"``."""

Message = NewType("Message", dict[str, str])
"""A gate's, rule's or quota's message: :data:`Text`, written back as the plain string it was
when it has no language (so a file's fingerprint does not change with the type)."""

PolicyAction = Literal["fail", "zero", "not-evaluable", "exclude"]
"""What to do when a value cannot be computed: raise, score zero, give up on the unit, or drop
the indicator and rescale the score over the indicators that could be scored."""

InputType = Literal["number", "integer", "bool", "level", "list", "records"]
ItemType = Literal["number", "integer", "bool", "level"]


def pick_text(
    text: Text | str | None, language: str | None = None, fallback: str | None = None
) -> str:
    """Return ``text`` in ``language``, else in ``fallback``, else undetermined, English or first.

    ``fallback`` is the framework's own language, when a report asks for another. A plain
    string (a definition built in Python) is its own text in every language.
    """
    if isinstance(text, str):
        return text
    if not text:
        return ""
    for key in (language, fallback, "und", "en"):
        if key is not None and key in text:
            return text[key]
    return next(iter(text.values()))


@attrs.frozen
class Policy:
    """The framework-wide answer to undefined values, for missing inputs and division by zero."""

    missing_input: PolicyAction = "fail"
    division_by_zero: PolicyAction = "fail"


@attrs.frozen
class IndicatorPolicy:
    """An indicator's own answer to undefined values; unset keys follow the framework's."""

    missing_input: PolicyAction | None = None
    division_by_zero: PolicyAction | None = None


@attrs.frozen
class Field:
    """One field of the records of a ``records`` input."""

    type: ItemType
    levels: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    title: Text | None = None


@attrs.frozen
class Input:
    """A declared input: its type, bounds and default; data is checked against it."""

    type: InputType
    title: Text | None = None
    description: str | None = None
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    default: float | bool | str | None = None
    levels: tuple[str, ...] | None = None
    items: ItemType | None = None
    max_length: int | None = None
    fields: dict[str, Field] | None = None
    rollup: str | None = None
    per_month: str | None = None


OMITTED_AT_DEFAULT = {"criteriakit.omit_if_default": True}
"""Field metadata: plain data (and so the fingerprint) leaves the field out at its default, so a
framework that does not use a newer key keeps the fingerprint it had before the key existed."""

WeightMethod = Literal[
    "equal", "ahp", "rank-order-centroid", "rank-sum", "entropy", "critic", "standard-deviation"
]
"""The ways ``[weights]`` derives weights written nowhere else (see :mod:`criteriakit.mcda`)."""

DATA_WEIGHT_METHODS = ("entropy", "critic", "standard-deviation")
"""The weight methods that weigh by the evaluated units' data, not by the file alone."""


@attrs.frozen
class Weights:
    """Weights derived by a method instead of written on each criterion (or indicator).

    ``ahp`` takes the pairwise ``judgements`` (rows and columns in the order of the criteria,
    or of the criterion's indicators); ``rank-order-centroid`` and ``rank-sum`` take ``order``,
    the ids from the most important to the least; ``equal`` takes nothing; ``entropy``,
    ``critic`` and ``standard-deviation`` weigh by the units evaluated together: all of them, or
    (``within = "parent"``) each parent's units apart.
    """

    method: WeightMethod
    judgements: tuple[tuple[float, ...], ...] | None = None
    order: tuple[str, ...] | None = None
    allow_inconsistent: bool = False
    within: Literal["all", "parent"] = "all"


@attrs.frozen
class Indicator:
    """A measured quantity: an expression over inputs, a scorer, and its points or weight."""

    id: str
    title: Text
    value: str
    scorer: ScorerSpec
    points: float | None = None
    weight: float | None = None
    description: str | None = None
    policy: IndicatorPolicy | None = None


@attrs.frozen
class Criterion:
    """A group of indicators with its points (on a points scale) or weight."""

    id: str
    title: Text
    indicators: tuple[Indicator, ...]
    points: float | None = None
    weight: float | None = None
    description: str | None = None
    weights: Weights | None = attrs.field(default=None, metadata=OMITTED_AT_DEFAULT)


@attrs.frozen
class Gate:
    """A condition a tier requires: when ``require`` does not hold, the unit falls a tier."""

    id: str
    require: str
    message: Message


@attrs.frozen
class Tier:
    """A classification level; tiers are listed best first, each with its minimum score."""

    id: str
    title: Text
    min_score: float = 0.0
    gates: tuple[Gate, ...] = ()


@attrs.frozen
class Rule:
    """A veto or cap: when ``when`` holds, the tier is at most ``at_most`` whatever the score."""

    id: str
    when: str
    at_most: str
    message: Message


@attrs.frozen
class Check:
    """An input check: a unit whose inputs make ``require`` false is refused as bad data.

    Checked on every unit before it is evaluated, by every engine, and reported like a bad
    value: its row, the column ``input`` (by default the first input ``require`` names) and
    ``message``. A ``require`` that is undefined for a unit (an input absent) does not refuse it.
    """

    id: str
    require: str
    message: str
    input: str | None = None


@attrs.frozen
class Children:
    """The level below: the framework that rates each child, and the name children go by.

    ``name`` is how the children appear in roll-up expressions, as records with the fields
    ``tier``, ``band_tier``, ``score`` and ``evaluable`` and every scalar input of the child
    framework. ``not_evaluable`` says whether a child without a score is left out of the
    roll-ups (``skip``) or makes its parent fail (``fail``).
    """

    framework: str
    name: str = "children"
    not_evaluable: Literal["skip", "fail"] = "skip"


@attrs.frozen
class Quota:
    """A cap among siblings: at most ``share`` of the units rated ``of`` may be rated ``tier``.

    Units over the cap are demoted one tier, lowest score first, ties by ascending id.
    ``counting = "final"`` caps against the final counts (each demotion to ``of`` raises the
    cap); ``"before"`` against the count of ``of`` before any demotion.
    """

    id: str
    tier: str
    of: str
    share: float
    counting: Literal["final", "before"] = "final"
    message: Message | None = None


@attrs.frozen
class Award:
    """A distinction earned over periods: ``require`` reads the unit's results in the store.

    ``require`` is a condition in the expression language over the current period's result
    (``tier``, ``band_tier``, ``score``, ``max_score``, ``evaluable``, ``rank``,
    ``rank_score``) and the history functions ``streak``, ``count_last``, ``previous`` and
    ``all_periods_since`` over earlier periods of the same type (``docs/awards.md``).
    ``quota`` caps the share of a parent's units that earn it: over the cap, the lowest
    scores lose it first, ties by ascending id.
    """

    id: str
    title: Text
    require: str
    description: str | None = None
    quota: float | None = None


RankingMethod = Literal["score", "wsm", "wpm", "waspas", "topsis", "vikor"]
"""How ``[ranking]`` scores the units it ranks: by their total, or by a multi-criteria method."""


@attrs.frozen
class Ranking:
    """How units are ranked within a group, beside their score and tier (``[ranking]``).

    ``method = "score"`` ranks by the total; the others (:mod:`criteriakit.mcda`) by the
    indicators' shares of their points, weighed by their points, after ``normalisation``
    (``none`` or ``minmax`` within the group). ``balance`` is WASPAS's λ and VIKOR's v.
    ``within`` ranks all the units evaluated together or each parent's; ``ties`` says how equal
    scores rank.
    """

    method: RankingMethod = "score"
    within: Literal["all", "parent"] = "all"
    ties: Literal["min", "dense", "average", "ordinal"] = "min"
    normalisation: Literal["none", "minmax"] = "none"
    balance: float = 0.5


@attrs.frozen
class FrameworkDefinition:
    """Everything a framework file declares, structured and type-checked but not yet compiled."""

    id: str
    version: str
    title: Text
    subject: str
    criteria: tuple[Criterion, ...]
    tiers: tuple[Tier, ...]
    inputs: dict[str, Input] = attrs.field(factory=dict)
    derived: Mapping[str, str] = attrs.field(factory=dict, metadata=OMITTED_AT_DEFAULT)
    weights: Weights | None = attrs.field(default=None, metadata=OMITTED_AT_DEFAULT)
    scale: Literal["points", "weights"] = "points"
    max_score: float = 100.0
    description: str | None = None
    language: str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    policy: Policy = Policy()
    rules: tuple[Rule, ...] = ()
    checks: tuple[Check, ...] = ()
    weighting: str = "sum"
    children: Children | None = None
    quotas: tuple[Quota, ...] = ()
    ranking: Ranking | None = attrs.field(default=None, metadata=OMITTED_AT_DEFAULT)
    awards: tuple[Award, ...] = attrs.field(default=(), metadata=OMITTED_AT_DEFAULT)
