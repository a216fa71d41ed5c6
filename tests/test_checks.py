"""Input checks that belong to frameworks (issue 12): ``[[checks]]``, and scoped plugin hooks.

A framework's ``[[checks]]`` refuse units whose inputs cannot be true, in every engine, reported
by row and column like any bad value; plugins' per-unit hooks say which frameworks they apply
to (``criteriakit.applies_to``), so that an installed plugin neither slows nor blocks another
framework's columnar evaluation.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import attrs
import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import criteriakit
from criteriakit import Reason, Registry, hookimpl
from criteriakit.cli import build_cli
from criteriakit.columnar import evaluate_frame
from criteriakit.data import UnitRow
from criteriakit.scalar.hierarchy import evaluate_levels

SMALL = (Path(__file__).parent / "data" / "good" / "small.toml").read_text()
CHECK = """
[[checks]]
id = "done-within-plan"
require = "done <= planned + 1"
message = "{done} done, but only {planned} planned"
"""
CHECKED = SMALL + CHECK
GOOD = {"done": 3, "planned": 4, "ok": True}
ZERO_POLICY = '\n[policy]\nmissing_input = "zero"\ndivision_by_zero = "zero"\n'


def problems_of(error: criteriakit.DataError) -> list[tuple[int | None, str, str]]:
    return [(problem.row, problem.path, problem.message) for problem in error.problems]


def test_a_unit_that_fails_a_check_is_refused_with_its_values():
    framework = criteriakit.loads_framework(CHECKED)
    assert framework.evaluate(GOOD).score == framework.evaluate(GOOD).score
    with pytest.raises(criteriakit.DataError) as caught:
        framework.evaluate({"done": 7, "planned": 4, "ok": True})
    assert problems_of(caught.value) == [
        (None, "done", "7 done, but only 4 planned (check done-within-plan)")
    ]


def test_a_check_that_cannot_be_decided_does_not_refuse():
    text = CHECKED.replace('require = "done <= planned + 1"', 'require = "done / planned <= 2"')
    framework = criteriakit.loads_framework(text + ZERO_POLICY)
    assert framework.evaluate({"done": 3, "planned": 0, "ok": True}).tier == "poor"
    with pytest.raises(criteriakit.DataError, match="check done-within-plan"):
        framework.evaluate({"done": 3, "planned": 1, "ok": True})


def test_the_column_reported_is_the_first_input_named_or_the_one_given():
    framework = criteriakit.loads_framework(
        CHECKED.replace('require = "done <= planned + 1"', 'require = "planned + 1 >= done"')
    )
    with pytest.raises(criteriakit.DataError) as caught:
        framework.evaluate({"done": 7, "planned": 4, "ok": True})
    assert caught.value.problems[0].path == "planned"
    given_input = CHECKED.replace(
        'id = "done-within-plan"', 'id = "done-within-plan"\ninput = "ok"'
    )
    with pytest.raises(criteriakit.DataError) as caught:
        criteriakit.loads_framework(given_input).evaluate({"done": 7, "planned": 4, "ok": True})
    assert caught.value.problems[0].path == "ok"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("done <= planned + 1", "don <= planned"), "checks[0].require: unknown input 'don'"),
        (("done <= planned + 1", "done + planned"), "checks[0].require: expected a bool"),
        (("done <= planned + 1", "done <= <"), "checks[0].require: expected a value"),
        (("{planned} planned", "{plan} planned"), "checks[0].message: unknown input 'plan'"),
        (('id = "done-within-plan"', 'id = "x"\ninput = "dne"'), "checks[0].input: unknown input"),
        (('message = "{done}', 'mesage = "{done}'), "checks[0].mesage: unknown key 'mesage'"),
    ],
)
def test_bad_checks_are_reported_with_their_place(change, expected):
    text = CHECKED.replace(*change)
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(text)
    rendered = str(caught.value)
    assert expected in rendered
    assert "<string>:5" in rendered  # the check is on lines 56 to 59, or given again below


def test_check_ids_are_unique():
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(CHECKED + CHECK)
    assert "checks[1].id: duplicate check id 'done-within-plan'" in str(caught.value)


def test_a_check_cannot_read_a_rolled_up_input():
    member = """
id = "t.member"
version = "1"
title = "Member"
subject = "member"
[inputs.score]
type = "number"
[[criteria]]
id = "c"
title = "C"
points = 100
[[criteria.indicators]]
id = "c.1"
title = "S"
value = "score"
points = 100
scorer = { type = "linear", zero_at = 0, full_at = 100 }
[[tiers]]
id = "ok"
title = "Ok"
min_score = 0
"""
    cell = member.replace('id = "t.member"', 'id = "t.cell"').replace(
        'subject = "member"', 'subject = "cell"\nchildren = { framework = "t.member@1" }'
    )
    cell = cell.replace(
        '[inputs.score]\ntype = "number"',
        '[inputs.score]\ntype = "number"\nrollup = "avg(children, score)"',
    )
    cell += '[[checks]]\nid = "x"\nrequire = "score >= 0"\nmessage = "m"\n'
    member_framework = criteriakit.loads_framework(member)
    with pytest.raises(criteriakit.FrameworkError, match="rolled up from the children"):
        criteriakit.loads_framework(cell, resolve=lambda _: member_framework)


def write(directory: Path, rows: str) -> tuple[Path, Path]:
    framework = directory / "small.toml"
    framework.write_text(CHECKED)
    data = directory / "units.csv"
    data.write_text("id,done,planned,ok\n" + rows)
    return framework, data


@pytest.mark.parametrize("engine", ["scalar", "columnar", "auto"])
def test_every_engine_reports_the_failing_rows_alike(tmp_path, engine):
    framework, data = write(tmp_path, "a,3,4,yes\nb,9,4,no\nc,,4,yes\nd,6,4,yes\ne,5,4,no\n")
    result = CliRunner().invoke(
        build_cli(), ["evaluate", str(framework), str(data), "--engine", engine]
    )
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        f"{data}: row 2: done: 9 done, but only 4 planned (check done-within-plan)",
        f"{data}: row 4: done: 6 done, but only 4 planned (check done-within-plan)",
    ]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.none() | st.integers(0, 12), st.integers(0, 9), st.booleans()),
        min_size=1,
        max_size=12,
    ),
    st.integers(0, 3),
)
def test_scalar_and_columnar_engines_refuse_the_same_rows(rows, slack):
    text = CHECKED.replace("planned + 1", f"planned + {slack}") + ZERO_POLICY
    framework = criteriakit.loads_framework(text)
    records = [
        {"id": f"u{n}", "done": done, "planned": planned, "ok": ok}
        for n, (done, planned, ok) in enumerate(rows)
    ]
    units = [
        UnitRow(record["id"], {k: v for k, v in record.items() if k != "id"}, n)
        for n, record in enumerate(records, 1)
    ]
    frame = pl.DataFrame(
        records, schema={"id": pl.String, "done": pl.Int64, "planned": pl.Int64, "ok": pl.Boolean}
    )
    try:
        (scalar,) = evaluate_levels(framework, [units])
    except criteriakit.DataError as error:
        with pytest.raises(criteriakit.DataError) as columnar:
            evaluate_frame(framework, frame)
        assert problems_of(columnar.value) == problems_of(error)
        assert str(columnar.value) == str(error)
        return
    table = evaluate_frame(framework, frame)
    assert table["score"].to_list() == [result.score for result in scalar.results]
    assert "_check_failed" not in table.columns


def extended(tmp_path: Path, derived: str) -> criteriakit.Framework:
    (tmp_path / "small.toml").write_text(CHECKED)
    head = 'extends = "test.small@1"\nid = "test.small.local"\nversion = "1"\n'
    (tmp_path / "local.toml").write_text(head + derived)
    registry = Registry.load(autoload=False, plugin_dirs=[tmp_path])
    assert registry.problems == ()
    return registry.get("test.small.local", "1")


def test_checks_are_inherited_overridden_and_removed_through_extends(tmp_path):
    bad = {"done": 6, "planned": 4, "ok": True}
    with pytest.raises(criteriakit.DataError, match="check done-within-plan"):
        extended(tmp_path, "").evaluate(bad)
    looser = extended(
        tmp_path, '[[checks]]\nid = "done-within-plan"\nrequire = "done <= 2 * planned"\n'
    )
    assert looser.evaluate(bad).score is not None
    with pytest.raises(criteriakit.DataError, match=r"9 done, but only 4 planned \(check done"):
        looser.evaluate({**bad, "done": 9})
    removed = extended(tmp_path, '[remove]\nchecks = ["done-within-plan"]\n')
    assert removed.compiled.checks == ()
    assert removed.evaluate({**bad, "done": 40}).score is not None


class CountingValidator:
    """A plugin whose input check applies to ``test.small`` only, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    @hookimpl
    @criteriakit.applies_to("test.small")
    def criteriakit_validate_inputs(self, framework, inputs):  # noqa: ARG002  the hook's signature
        self.calls += 1
        return [("ok", "not ok")] if inputs.get("ok") is False else None


class Commendation:
    """A plugin that adjusts the results of ``test.other*`` frameworks only."""

    @hookimpl
    @criteriakit.applies_to("test.other*")
    def criteriakit_adjust_result(self, framework, result):  # noqa: ARG002  the hook's signature
        reason = Reason("commended", "cap", "Commended", tier=result.tier)
        return attrs.evolve(result, reasons=(*result.reasons, reason))


def loaded(text: str, *plugins: tuple[str, object]) -> criteriakit.Framework:
    registry = Registry.load(autoload=False, plugins=plugins)
    return criteriakit.loads_framework(text, extensions=registry.extensions)


def test_a_scoped_input_check_runs_for_its_frameworks_only():
    validator = CountingValidator()
    own = loaded(SMALL, ("counting", validator))
    other = loaded(SMALL.replace('"test.small"', '"test.other"'), ("counting", validator))
    frame = pl.DataFrame({"id": ["a", "b"], "done": [3, 4], "planned": [4, 4], "ok": [True, False]})
    with pytest.raises(criteriakit.DataError, match=r"row 2: ok: not ok \(plugin counting\)"):
        evaluate_frame(own, frame)
    assert validator.calls == 2
    assert other.checks_inputs is False
    assert evaluate_frame(other, frame)["score"].to_list() == [85.0, 60.0]
    assert other.evaluate({"done": 4, "planned": 4, "ok": False}).score == 60.0
    assert validator.calls == 2


def test_a_scoped_result_adjuster_blocks_the_columnar_engine_for_its_frameworks_only():
    own = loaded(SMALL, ("commend", Commendation()))
    other = loaded(SMALL.replace('"test.small"', '"test.other.b"'), ("commend", Commendation()))
    frame = pl.DataFrame({"id": ["a"], "done": [4], "planned": [4], "ok": [True]})
    assert evaluate_frame(own, frame)["reasons"].to_list() == [[]]
    assert own.evaluate(GOOD).reason_codes == ("good-all-done",)
    assert other.evaluate(GOOD).reason_codes == ("good-all-done", "commended")
    with pytest.raises(
        criteriakit.PluginError, match=r"adjusts the full results of test\.other\.b@1"
    ):
        evaluate_frame(other, frame)


def test_unscoped_hooks_still_apply_to_every_framework():
    class Everywhere:
        @hookimpl
        def criteriakit_validate_inputs(self, framework, inputs):  # noqa: ARG002  the hook's
            return [("done", f"refused by {framework.id}")]

    framework = loaded(SMALL, ("everywhere", Everywhere()))
    with pytest.raises(criteriakit.DataError, match=r"refused by test\.small"):
        framework.evaluate(GOOD)


def test_applies_to_needs_framework_ids():
    with pytest.raises(TypeError, match="one or more framework ids"):
        criteriakit.applies_to()
    with pytest.raises(TypeError, match="one or more framework ids"):
        criteriakit.applies_to("")


def test_the_coal_mining_check_is_in_its_file_and_costs_other_frameworks_nothing():
    coal = pytest.importorskip("criteriakit_vn_coal")
    party = pytest.importorskip("criteriakit_vn_party")
    registry = Registry.load(autoload=False, plugins=[("vn-party", party), ("vn-coal", coal)])
    cell = registry.get("vn.four-good-cell", "2024")
    mining = registry.get("vn.four-good-cell.coal-mining", "2024")
    assert not cell.checks_inputs
    assert [check.id for check in mining.compiled.checks] == ["initiatives-within-members"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert registry.extensions.input_validators == ()
