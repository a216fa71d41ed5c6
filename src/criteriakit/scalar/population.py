"""Relative scoring: each unit's share of an indicator among the values of its group.

A relative scorer (``scorer = { type = "relative", normalisation = ... }``) gives points by
where a unit's value stands among the values of the other units evaluated with it: all of them,
or its siblings (``within = "parent"``). The population step computes every unit's share
before the units are scored; the scorer reads it from the unit's environment (see
:func:`criteriakit.compiling.scoring.relative_scorer`). The columnar engine computes the same
shares as window expressions (:mod:`criteriakit.columnar.population`).

The values compared are the defined ones (an undefined value takes its policy and is not in
anyone's group). For a value ``x`` of a group of ``n`` values:

============  ===============================  ==================================
normalisation benefit                          cost (``direction = "cost"``)
============  ===============================  ==================================
``minmax``    ``(x - min) / (max - min)``      ``(max - x) / (max - min)``
``max``       ``x / max``                      ``min / x``
``sum``       ``x / Σx``                       ``(1/x) / Σ(1/x)``
``vector``    ``x / √Σx²``                     ``1 - x / √Σx²``
``percentile``  units strictly below / (n - 1)  units strictly above / (n - 1)
``zscore``    ``0.5 + z / (2 spread)``         ``0.5 - z / (2 spread)``
============  ===============================  ==================================

as :func:`criteriakit.mcda.normalise` computes the first four, with its choices: a group whose
values are all alike is all ones under ``minmax``; where it refuses a column (a ``max`` of 0, a
cost ``max`` or a ``sum`` with a value <= 0, a ``vector`` of zeros) the share of every unit of
the group is undefined (kind ``division-by-zero``: the indicator's policy applies).
``percentile`` compares exactly and gives a unit alone 1; ``zscore`` uses the population
standard deviation (``z = (x - mean) / sd``, 0 where every value is alike). Shares are clamped
to 0 … 1 when they become points. Sums add left to right in the order of the rows, in every
engine, so that the engines' shares are the same to the bit.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from criteriakit.compiling.compiled import CompiledFramework
from criteriakit.compiling.scoring import Comparison, Relative, relative_key
from criteriakit.expressions import Undefined
from criteriakit.expressions.floats import add_up, saturated
from criteriakit.scalar.groups import groups

__all__ = ["Standing", "refused", "relative_environments", "relative_shares"]

_REFUSALS = {
    ("max", False): "a largest value of 0",
    ("max", True): "a value <= 0",
    ("sum", False): "a value <= 0",
    ("sum", True): "a value <= 0",
    ("vector", False): "only zeros",
    ("vector", True): "only zeros",
}
"""Why a normalisation refuses a group, by normalisation and whether it is a cost."""


def refused(form: Relative) -> Undefined | None:
    """Return the undefined share of a group ``form`` refuses, or None if it refuses none."""
    why = _REFUSALS.get((form.normalisation, form.cost))
    if why is None:
        return None
    detail = (
        f"{form.normalisation} normalisation cannot use a group with {why} "
        f"({'among its siblings' if form.within == 'parent' else 'among all units'})"
    )
    return Undefined("division-by-zero", detail)


def _inverse(value: float) -> float:
    """Return ``1 / value`` as floats divide it (an infinity for a zero), as Polars does."""
    return 1.0 / value if value else math.copysign(math.inf, value)


class _LeftOut:
    """A sum of a group's terms with any one term left out, in constant time.

    Kept as the sums before and after each term, so leaving one out adds two sums and never
    subtracts: taking a dominant term away from the whole would cancel the others' digits
    (``1e253 + 1 - 1e253`` is 0).
    """

    def __init__(self, terms: list[float]) -> None:
        self._before = list(itertools.accumulate(terms, initial=-0.0))
        self._after = list(itertools.accumulate(reversed(terms), initial=-0.0))[::-1]

    def without(self, place: int | None) -> float:
        """Return the sum of the terms but the one at ``place`` (all of them for None)."""
        if place is None:
            return self._before[-1]
        return self._before[place] + self._after[place + 1]


_Spread = tuple[int, float, float]
"""Welford's state of some values: their count, mean and sum of squared deviations."""


def _merged(first: _Spread, second: _Spread) -> _Spread:
    """Return the state of two sets of values together (Chan et al.'s update, stable)."""
    count = first[0] + second[0]
    if not first[0] or not second[0]:
        return first if second[0] == 0 else second
    delta = second[1] - first[1]
    mean = first[1] + delta * second[0] / count
    return count, mean, first[2] + second[2] + delta * delta * first[0] * second[0] / count


class _SpreadLeftOut:
    """A group's spread with any one value left out, in constant time (as :class:`_LeftOut`)."""

    def __init__(self, values: list[float]) -> None:
        def states(ordered: Iterable[float]) -> list[_Spread]:
            return list(
                itertools.accumulate(((1, x, 0.0) for x in ordered), _merged, initial=(0, 0.0, 0.0))
            )

        self._before = states(values)
        self._after = states(reversed(values))[::-1]

    def without(self, place: int | None) -> _Spread:
        """Return the state of the values but the one at ``place`` (all of them for None)."""
        if place is None:
            return self._before[-1]
        return _merged(self._before[place], self._after[place + 1])


class _Group:
    """A group's defined values and what the normalisations read of them, each computed once.

    One per group, shared by the standings of its units: sums add left to right in the order of
    the rows (as the columnar engine adds them), the order is sorted once.
    """

    def __init__(self, values: list[float]) -> None:
        self.values = values

    @functools.cached_property
    def ordered(self) -> list[float]:
        return sorted(self.values)

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def low(self) -> float:
        return self.ordered[0]

    @property
    def high(self) -> float:
        return self.ordered[-1]

    @functools.cached_property
    def total(self) -> float:
        return add_up(self.values)

    @functools.cached_property
    def squares(self) -> float:
        return add_up(x * x for x in self.values)

    @functools.cached_property
    def inverses(self) -> float:
        return add_up(_inverse(x) for x in self.values)

    @functools.cached_property
    def deviations(self) -> float:
        mean = self.total / self.count
        return add_up((x - mean) * (x - mean) for x in self.values)

    @functools.cached_property
    def totals(self) -> _LeftOut:
        return _LeftOut(self.values)

    @functools.cached_property
    def square_totals(self) -> _LeftOut:
        return _LeftOut([x * x for x in self.values])

    @functools.cached_property
    def inverse_totals(self) -> _LeftOut:
        return _LeftOut([_inverse(x) for x in self.values])

    @functools.cached_property
    def spreads(self) -> _SpreadLeftOut:
        return _SpreadLeftOut(self.values)

    def below(self, value: float) -> int:
        return bisect.bisect_left(self.ordered, value)

    def above(self, value: float) -> int:
        return self.count - bisect.bisect_right(self.ordered, value)


class _Replaced:
    """A group with one unit's value replaced by another: what "what it would take" asks.

    Read from the group's own figures in constant time (logarithmic for ranks): the others'
    sums are kept with each unit left out (:class:`_LeftOut`), the value is then added to them.
    """

    def __init__(self, group: _Group, place: int | None, value: float) -> None:
        self.group, self.place, self.value = group, place, value
        self.own = None if place is None else group.values[place]
        self.count = group.count + (0 if place is None else -1) + 1

    def _others(self) -> list[float]:
        """Return the others' lowest and highest values (the unit's own left out), if any."""
        ordered, own = self.group.ordered, self.own
        if own is None:
            return ordered[:1] + ordered[-1:]
        low = ordered[1:2] if ordered[0] == own else ordered[:1]
        high = ordered[-2:-1] if ordered[-1] == own else ordered[-1:]
        return low + high

    @property
    def low(self) -> float:
        return min([*self._others()[:1], self.value])

    @property
    def high(self) -> float:
        return max([*self._others()[-1:], self.value])

    @property
    def total(self) -> float:
        return self.group.totals.without(self.place) + self.value

    @property
    def squares(self) -> float:
        return self.group.square_totals.without(self.place) + self.value * self.value

    @property
    def inverses(self) -> float:
        return self.group.inverse_totals.without(self.place) + _inverse(self.value)

    @property
    def deviations(self) -> float:
        return _merged(self.group.spreads.without(self.place), (1, self.value, 0.0))[2]

    def below(self, value: float) -> int:
        own = self.own is not None and self.own < value
        return self.group.below(value) - own + (self.value < value)

    def above(self, value: float) -> int:
        own = self.own is not None and self.own > value
        return self.group.above(value) - own + (self.value > value)


_Figures = _Group | _Replaced
"""What a normalisation reads: a group's figures, as it is or with one value replaced."""


def _minmax(group: _Figures, form: Relative) -> Callable[[float], float] | None:
    low, high = group.low, group.high
    span = high - low
    if span == 0:
        return lambda _: 1.0
    if form.cost:
        return lambda x: (high - x) / span
    return lambda x: (x - low) / span


def _max(group: _Figures, form: Relative) -> Callable[[float], float] | None:
    if form.cost:
        low = group.low
        return None if low <= 0 else (lambda x: low / x)
    high = group.high
    return None if high == 0 else (lambda x: x / high)


def _sum(group: _Figures, form: Relative) -> Callable[[float], float] | None:
    if group.low <= 0:
        return None
    if form.cost:
        inverse = group.inverses
        return lambda x: (1.0 / x) / inverse
    total = group.total
    return lambda x: x / total


def _vector(group: _Figures, form: Relative) -> Callable[[float], float] | None:
    norm = math.sqrt(group.squares)
    if norm == 0:
        return None
    if form.cost:
        return lambda x: 1.0 - x / norm
    return lambda x: x / norm


def _percentile(group: _Figures, form: Relative) -> Callable[[float], float] | None:
    others = group.count - 1
    if others == 0:
        return lambda _: 1.0
    if form.cost:
        return lambda x: group.above(x) / others
    return lambda x: group.below(x) / others


def _zscore(group: _Figures, form: Relative) -> Callable[[float], float] | None:
    mean = group.total / group.count
    deviation = math.sqrt(group.deviations / group.count)
    if deviation == 0:
        return lambda _: 0.5
    sign = -1.0 if form.cost else 1.0
    scale = 2.0 * form.spread
    return lambda x: 0.5 + sign * ((x - mean) / deviation) / scale


_NORMALISATIONS: dict[str, Callable[[_Figures, Relative], Callable[[float], float] | None]] = {
    "minmax": _minmax,
    "max": _max,
    "sum": _sum,
    "vector": _vector,
    "percentile": _percentile,
    "zscore": _zscore,
}


def _defined(values: Iterable[object]) -> list[float]:
    """Return the defined ones of ``values`` (numbers: a relative scorer's values) as floats."""
    return [saturated(value) for value in values if not isinstance(value, Undefined)]


def _places(values: Sequence[object]) -> list[int | None]:
    """Return each value's place among the defined ``values`` (None for an undefined one)."""
    defined = itertools.count()
    return [None if isinstance(value, Undefined) else next(defined) for value in values]


def _share(form: Relative, figures: _Figures, value: float) -> float | Undefined:
    """Return ``value``'s share among ``figures`` by ``form``: undefined where it has none."""
    share_of = _NORMALISATIONS[form.normalisation](figures, form)
    if share_of is None:
        refusal = refused(form)
        assert refusal is not None  # noqa: S101  only a refusing normalisation gives None
        return refusal
    share = share_of(value)
    if math.isfinite(share):
        return share
    return Undefined("division-by-zero", f"the share of {value!r} is {share}")


def relative_shares(form: Relative, values: Sequence[object]) -> list[float | Undefined]:
    """Return each value's share among the defined ``values`` of one group, by ``form``.

    An undefined value keeps its :class:`~criteriakit.expressions.Undefined`; a share that is
    not finite (a value too large for the arithmetic) is undefined too.
    """
    return _shares(form, _Group(_defined(values)), values)


def _shares(form: Relative, group: _Group, values: Sequence[object]) -> list[float | Undefined]:
    if not group.values:
        return [value for value in values if isinstance(value, Undefined)]  # all undefined
    return [
        value if isinstance(value, Undefined) else _share(form, group, saturated(value))
        for value in values
    ]


@attrs.frozen(eq=False)
class Standing:
    """A unit's place among its group for one relative indicator, as its environment holds it.

    ``share`` is the unit's share; ``group`` its group's figures (shared by every unit of the
    group, the unit's own ``value`` among them at ``place``; None where they are not known).
    :meth:`share_of` gives the share another value would have, the others' values as they
    are, and :meth:`needed` the least value that earns a share: what "what it would take"
    names.
    """

    form: Relative
    value: object
    share: float | Undefined
    group: _Group | None = None
    place: int | None = None

    def share_of(self, value: object) -> float | Undefined:
        """Return the share ``value`` would have in place of the unit's own value."""
        if value == self.value and type(value) is type(self.value):
            return self.share
        if self.group is None:
            return Undefined("missing", "the other units' values are not known here")
        replaced = _Replaced(self.group, self.place, saturated(value))
        return _share(self.form, replaced, saturated(value))

    def needed(self, share: float) -> tuple[float, Comparison, float] | None:
        """Return the least value (the most, for a cost) that earns ``share``, if one does."""
        own = _defined([self.value])
        if self.form.normalisation == "percentile":
            return self._rank_needed(share, own)
        start = own[0] if own else 0.0
        sign = -1.0 if self.form.cost else 1.0

        def earns(value: float) -> bool:
            found = self.share_of(value)
            return not isinstance(found, Undefined) and found >= share - 1e-12

        step = max(1.0, abs(start)) / 1024
        near, far = start, start + sign * step
        while not earns(far):  # doubling steps to a value that earns it
            step *= 2
            near, far = far, start + sign * step
            if step > _FARTHEST:
                return None
        for _ in range(_BISECTIONS):  # then halving the interval to the least such value
            middle = (near + far) / 2
            if middle in (near, far):
                break
            near, far = (near, middle) if earns(middle) else (middle, far)
        earned = self.share_of(far)
        assert not isinstance(earned, Undefined)  # noqa: S101  earns(far) held
        return far, "<=" if self.form.cost else ">=", earned

    def _rank_needed(
        self, share: float, own: list[float]
    ) -> tuple[float, Comparison, float] | None:
        """Return a percentile's needed value: just beyond the k-th other value, exactly."""
        if self.group is None:
            return None
        ordered = self.group.ordered
        gap = bisect.bisect_left(ordered, own[0]) if own else len(ordered)  # the unit's place
        count = len(ordered) - (1 if own else 0)
        if count == 0:
            return None

        def other(k: int) -> float:  # the k-th other value, the unit's own left out
            return ordered[k if k < gap else k + 1]

        beaten = max(1, math.ceil(share * count - 1e-9))  # the others it must pass
        if self.form.cost:
            return other(count - beaten), "<", beaten / count
        return other(beaten - 1), ">", beaten / count


_FARTHEST = 1e15
"""How far from its value a unit's needed value is looked for."""
_BISECTIONS = 80
"""Halvings of the interval where the needed value lies: to the float, for any start."""


def relative_environments(
    compiled: CompiledFramework,
    values_of: Callable[[Mapping[str, object]], Sequence[object]],
    envs: Sequence[Mapping[str, object]],
    parents: Sequence[str | None],
) -> list[dict[str, object]]:
    """Return, for each unit, its :class:`Standing` in each relative indicator's group.

    ``values_of(env)`` gives a unit's values of the framework's relative indicators, in the
    order of :attr:`~criteriakit.compiling.compiled.CompiledFramework.relative`; each is keyed
    by :func:`~criteriakit.compiling.scoring.relative_key` for the unit's environment.
    """
    standings: list[dict[str, object]] = [{} for _ in envs]
    if not envs:
        return standings
    columns = list(zip(*(values_of(env) for env in envs), strict=True))
    for (_, form), column in zip(compiled.relative, columns, strict=True):
        key = relative_key(form.indicator)
        for members in groups(parents, form.within):
            values = [column[index] for index in members]
            group = _Group(_defined(values))
            places = _places(values)
            for index, value, share, place in zip(
                members, values, _shares(form, group, values), places, strict=True
            ):
                standings[index][key] = Standing(form, value, share, group, place)
    return standings
