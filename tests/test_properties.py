"""Property tests: random valid frameworks load, and evaluation is deterministic and consistent."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import criteriakit


def partition(draw: st.DrawFn, total: int, parts: int) -> list[int]:
    """Split ``total`` into ``parts`` positive integers."""
    cuts = sorted(
        draw(
            st.lists(st.integers(1, total - 1), min_size=parts - 1, max_size=parts - 1, unique=True)
        )
    )
    bounds = [0, *cuts, total]
    return [b - a for a, b in itertools.pairwise(bounds)]


NUMERIC = ("n0", "n1", "n2")
FLAGS = ("f0", "f1")


@st.composite
def scorers(draw: st.DrawFn, points: float) -> tuple[str, dict[str, Any]]:
    kind = draw(st.sampled_from(["linear", "thresholds", "target", "boolean"]))
    name = draw(st.sampled_from(NUMERIC))
    if kind == "linear":
        low = draw(st.integers(0, 50))
        return name, {"type": "linear", "zero_at": low, "full_at": low + draw(st.integers(1, 50))}
    if kind == "thresholds":
        bounds = sorted(
            draw(st.lists(st.integers(0, 100), min_size=1, max_size=3, unique=True)), reverse=True
        )
        awards = sorted((draw(st.floats(0, points)) for _ in bounds), reverse=True)
        bands = [
            {"min": bound, "award": award} for bound, award in zip(bounds, awards, strict=True)
        ]
        return name, {"type": "thresholds", "bands": bands, "inclusive": draw(st.booleans())}
    if kind == "target":
        return f"{name} / 2", {"type": "target", "target": draw(st.integers(1, 60))}
    flag = draw(st.sampled_from(FLAGS))
    return draw(st.sampled_from([flag, f"not {flag}", f"{name} >= 50"])), {"type": "boolean"}


@st.composite
def frameworks(draw: st.DrawFn) -> dict[str, Any]:
    criteria_points = partition(draw, 100, draw(st.integers(1, 3)))
    criteria = []
    for c, c_points in enumerate(criteria_points):
        parts = draw(st.integers(1, min(3, c_points)))
        indicators = []
        for i, i_points in enumerate(partition(draw, c_points, parts) if parts > 1 else [c_points]):
            value, scorer = draw(scorers(i_points))
            indicators.append(
                {
                    "id": f"{c}.{i}",
                    "title": f"I{c}.{i}",
                    "value": value,
                    "points": i_points,
                    "scorer": scorer,
                }
            )
        criteria.append(
            {"id": str(c), "title": f"C{c}", "points": c_points, "indicators": indicators}
        )
    tier_count = draw(st.integers(1, 4))
    minimums = sorted(
        draw(
            st.lists(
                st.integers(1, 99), min_size=tier_count - 1, max_size=tier_count - 1, unique=True
            )
        ),
        reverse=True,
    )
    tiers: list[dict[str, Any]] = []
    for t, minimum in enumerate([*minimums, 0]):
        tier: dict[str, Any] = {"id": f"t{t}", "title": f"T{t}", "min_score": minimum}
        if t < tier_count - 1 and draw(st.booleans()):
            tier["gates"] = [
                {
                    "id": f"g{t}",
                    "require": f"{draw(st.sampled_from(NUMERIC))} >= {draw(st.integers(0, 100))}",
                    "message": "gate",
                }
            ]
        tiers.append(tier)
    rules = [
        {
            "id": f"r{r}",
            "when": f"{draw(st.sampled_from(NUMERIC))} < {draw(st.integers(0, 30))} and {draw(st.sampled_from(FLAGS))}",
            "at_most": draw(st.sampled_from([tier["id"] for tier in tiers])),
            "message": "rule",
        }
        for r in range(draw(st.integers(0, 2)))
    ]
    inputs: dict[str, Any] = {name: {"type": "number", "min": 0, "max": 100} for name in NUMERIC}
    inputs.update({name: {"type": "bool"} for name in FLAGS})
    return {
        "id": "random.framework",
        "version": "1",
        "title": "Random",
        "subject": "unit",
        "inputs": inputs,
        "criteria": criteria,
        "tiers": tiers,
        "rules": rules,
    }


unit_inputs = st.fixed_dictionaries(
    {
        **{name: st.floats(0, 100, allow_nan=False) | st.integers(0, 100) for name in NUMERIC},
        **{name: st.booleans() for name in FLAGS},
    }
)


@given(frameworks(), unit_inputs)
def test_random_frameworks_load_and_evaluate_consistently(data, inputs):
    framework = criteriakit.framework_from_dict(data)
    result = framework.evaluate(inputs, unit="u")
    assert result == framework.evaluate(dict(inputs), unit="u")
    assert criteriakit.framework_from_dict(data).fingerprint == framework.fingerprint
    assert result.score is not None
    assert 0 <= result.score <= 100 + 1e-9
    assert sum(criterion.score for criterion in result.criteria) == pytest.approx(
        result.score, abs=1e-6
    )
    tiers = framework.tiers
    assert tiers.index(result.tier) >= tiers.index(result.band_tier)
    if result.tier != result.band_tier:
        assert result.reasons
    assert criteriakit.Result.from_dict(json.loads(json.dumps(result.to_dict()))) == result


@given(frameworks(), unit_inputs)
def test_what_it_would_take_is_sufficient_for_the_score(data, inputs):
    framework = criteriakit.framework_from_dict(data)
    result = framework.evaluate(inputs)
    improvement = result.improvement
    if improvement is None or not improvement.reachable or improvement.score_gap == 0:
        return
    assert improvement.options
    gained = sum(change.points_gain for change in improvement.options[0])
    assert gained + 1e-6 >= improvement.score_gap
