"""Every hook through the public API: scorers, weightings, input validation, result adjustment."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import attrs
import polars as pl
import pytest

import criteriakit
from criteriakit import Reason, Registry, hookimpl
from criteriakit.columnar import ColumnarFallbackWarning
from criteriakit.compiling.extensions import BUILTIN_WEIGHTINGS, Weighting
from criteriakit.compiling.scorer_types import function_scorer

SMALL = (Path(__file__).parent / "data" / "good" / "small.toml").read_text()
INPUTS = {"done": 3, "planned": 4, "ok": True}


def load(text: str, *plugins: tuple[str, object]) -> criteriakit.Framework:
    registry = Registry.load(autoload=False, plugins=plugins)
    assert registry.problems == ()
    return criteriakit.loads_framework(text, extensions=registry.extensions)


class Saturating:
    """A plugin scorer: 1 - exp(-rate · value), with its inverse."""

    @hookimpl
    def criteriakit_register_scorers(self, register):
        register(
            function_scorer(
                "saturating",
                lambda value, rate: 1 - math.exp(-rate * value),
                parameters={"rate": 1.0},
                needed=lambda share, rate: -math.log(1 - share) / rate if share < 1 else math.inf,
                description="Diminishing returns.",
            )
        )


def test_a_plugin_scorer_scores_and_is_checked_strictly():
    text = SMALL.replace(
        'scorer = { type = "linear", zero_at = 0, full_at = 1 }',
        'scorer = { type = "saturating", rate = 2 }',
    )
    framework = load(text, ("saturating", Saturating()))
    result = framework.evaluate(INPUTS)
    assert result.indicator("a.1").points == pytest.approx(60 * (1 - math.exp(-2 * 0.75)), abs=1e-9)
    bad = text.replace("rate = 2", "rte = 2")
    with pytest.raises(criteriakit.FrameworkError) as caught:
        load(bad, ("saturating", Saturating()))
    assert caught.value.problems[0].message == "unknown key 'rte'"
    assert caught.value.problems[0].hint == "did you mean 'rate'?"


def test_a_plugin_scorer_is_unknown_without_its_plugin():
    text = SMALL.replace(
        'scorer = { type = "linear", zero_at = 0, full_at = 1 }', 'scorer = { type = "saturating" }'
    )
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(text)
    problem = caught.value.problems[0]
    assert problem.message.startswith('unknown scorer type "saturating"; expected one of "linear"')
    assert problem.hint == (
        "a plugin may provide it: load a local one with --plugin-dir DIR, or install it "
        "(criteriakit plugins lists those loaded)"
    )


def test_a_plugin_scorer_feeds_what_it_would_take():
    text = SMALL.replace(
        'scorer = { type = "linear", zero_at = 0, full_at = 1 }',
        'scorer = { type = "saturating", rate = 2 }',
    )
    framework = load(text, ("saturating", Saturating()))
    result = framework.evaluate({"done": 1, "planned": 4, "ok": True})
    assert result.tier == "poor"
    option = result.improvement.options[0][0]
    assert option.indicator == "a.1"
    assert option.comparison == ">="


def test_a_failing_plugin_scorer_is_a_load_problem_not_a_traceback():
    def broken(_parameters, _context):
        raise RuntimeError("cannot compile")

    class Broken:
        @hookimpl
        def criteriakit_register_scorers(self, register):
            base = function_scorer("broken", lambda value: value)
            register(attrs.evolve(base, compile=broken))

    text = SMALL.replace(
        'scorer = { type = "linear", zero_at = 0, full_at = 1 }', 'scorer = { type = "broken" }'
    )
    with pytest.raises(
        criteriakit.FrameworkError, match="scorer type 'broken' failed to compile: RuntimeError"
    ):
        load(text, ("broken", Broken()))


def test_duplicate_scorer_names_are_refused():
    class Again:
        @hookimpl
        def criteriakit_register_scorers(self, register):
            register(function_scorer("linear", lambda value: value))

    registry = Registry.load(autoload=False, plugins=[("again", Again())])
    assert [str(problem) for problem in registry.problems] == [
        "plugin 'again', hook criteriakit_register_scorers: scorer 'linear' is already registered by plugin 'criteriakit'"
    ]


def test_the_builtin_plugin_cannot_be_blocked():
    registry = Registry.load(autoload=False, disabled=["criteriakit"])
    assert set(registry.extensions.scorers) == {
        "linear",
        "relative",
        "thresholds",
        "target",
        "boolean",
        "lookup",
    }


GEOMETRIC = (
    SMALL.replace('subject = "unit"', 'subject = "unit"\nweighting = "geometric"')
    .replace(
        '[[criteria.indicators]]\nid = "a.2"',
        '[[criteria]]\nid = "b"\ntitle = "B"\npoints = 40\n\n[[criteria.indicators]]\nid = "a.2"',
    )
    .replace("points = 100", "points = 60")
)


def test_the_geometric_weighting():
    framework = criteriakit.loads_framework(GEOMETRIC)
    result = framework.evaluate(INPUTS)
    # criterion a: 45/60 = 0.75 with weight 0.6; criterion b: 40/40 = 1 with weight 0.4
    assert result.score == pytest.approx(100 * 0.75**0.6, abs=1e-9)
    assert framework.evaluate({"done": 4, "planned": 4, "ok": False}).score == 0
    assert result.improvement is not None
    assert result.improvement.options == ()


def test_a_plugin_weighting_and_an_unknown_one():
    class Minimum:
        @hookimpl
        def criteriakit_register_weightings(self, register):
            register(
                Weighting(
                    "weakest",
                    lambda scores, maxima, top: (
                        top * min(s / m for s, m in zip(scores, maxima, strict=True))
                    ),
                )
            )

    text = GEOMETRIC.replace('weighting = "geometric"', 'weighting = "weakest"')
    assert load(text, ("minimum", Minimum())).evaluate(INPUTS).score == 75
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(text)
    assert caught.value.problems[0].message == "unknown weighting 'weakest'"
    assert caught.value.problems[0].hint == "weightings: geometric, sum"


def _weakest(scores, maxima, top):
    return top * min(score / maximum for score, maximum in zip(scores, maxima, strict=True))


def _weakest_columns(columns):
    shares = [
        score / maximum for score, maximum in zip(columns.scores, columns.maxima, strict=True)
    ]
    return columns.max_score * pl.min_horizontal(*shares)


@pytest.mark.parametrize("columnar", [None, _weakest_columns])
def test_a_plugin_weighting_runs_as_columns_when_it_has_a_columnar_form(columnar):
    class Minimum:
        @hookimpl
        def criteriakit_register_weightings(self, register):
            register(Weighting("weakest", _weakest, columnar=columnar))

    text = GEOMETRIC.replace('weighting = "geometric"', 'weighting = "weakest"')
    framework = load(text, ("minimum", Minimum()))
    rows = [INPUTS, {"done": 1, "planned": 4, "ok": True}, {"done": 4, "planned": 4, "ok": False}]
    frame = pl.DataFrame([{"id": f"u{n}", **row} for n, row in enumerate(rows)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = criteriakit.evaluate_frame(framework, frame)
    by_rows = [w for w in caught if issubclass(w.category, ColumnarFallbackWarning)]
    assert len(by_rows) == (1 if columnar is None else 0)
    expected = [framework.evaluate(row).score for row in rows]
    assert table["score"].to_list() == expected == [75.0, 25.0, 0.0]


@pytest.mark.parametrize("weighting", ["sum", "geometric"])
def test_the_builtin_weightings_have_their_columnar_form_beside_the_scalar_one(weighting):
    [builtin] = [w for w in BUILTIN_WEIGHTINGS if w.name == weighting]
    assert builtin.columnar is not None
    assert builtin.columnar.__module__ == builtin.combine.__module__


class SanePlanning:
    @hookimpl
    def criteriakit_validate_inputs(self, framework, inputs):
        if framework.id != "test.small":
            return None
        if inputs.get("done", 0) > inputs.get("planned", 0):
            return [("done", "more done than planned")]
        return None


def test_validate_inputs_hook():
    framework = load(SMALL, ("sane", SanePlanning()))
    assert framework.evaluate(INPUTS).score == 85
    with pytest.raises(criteriakit.DataError) as caught:
        framework.evaluate({"done": 5, "planned": 4, "ok": True})
    assert str(caught.value.problems[0].render()) == "done: more done than planned (plugin sane)"


class Commendation:
    @hookimpl
    def criteriakit_adjust_result(self, framework, result):
        if framework.id != "test.small" or result.tier != "good":
            return None
        reason = Reason("commended", "cap", "Commended by the committee", tier="good")
        return attrs.evolve(result, reasons=(*result.reasons, reason))


def test_adjust_result_hook():
    framework = load(SMALL, ("commend", Commendation()))
    assert framework.evaluate({"done": 4, "planned": 4, "ok": True}).reason_codes == ("commended",)
    assert framework.evaluate(INPUTS).reason_codes == ("good-all-done",)


def test_a_failing_evaluation_hook_names_the_plugin():
    class Crashing:
        @hookimpl
        def criteriakit_adjust_result(self, framework, result):
            raise ValueError(f"nope for {framework.id} {result.unit}")

    framework = load(SMALL, ("crashing", Crashing()))
    with pytest.raises(criteriakit.PluginError) as caught:
        framework.evaluate(INPUTS)
    assert (
        str(caught.value)
        == "plugin 'crashing', hook criteriakit_adjust_result: raised ValueError: nope for test.small None"
    )


def test_every_hook_is_documented_and_tested():
    from criteriakit.plugins import hookspecs  # noqa: PLC0415  read as data here

    hooks = [name for name in dir(hookspecs) if name.startswith("criteriakit_")]
    assert len(hooks) == 6
    tests = "".join(path.read_text() for path in Path(__file__).parent.glob("test_*.py"))
    docs = (Path(__file__).parent.parent / "docs" / "plugins.md").read_text()
    for hook in hooks:
        assert getattr(hookspecs, hook).__doc__, hook
        assert "Added in criteriakit" in getattr(hookspecs, hook).__doc__, hook
        assert f"def {hook}(" in tests, f"{hook} has no test implementing it"
        assert f"`{hook}" in docs, f"{hook} is not in docs/plugins.md"
