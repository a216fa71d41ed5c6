"""Derived values: ``[derived]`` names computed from the inputs and read like inputs.

Both engines compute them (``tests/test_engines_agree.py`` draws frameworks with derived values
and compares the engines' output byte for byte); these tests pin what they mean.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import criteriakit
from criteriakit import Result
from criteriakit.errors import FrameworkError

SMALL = (Path(__file__).parent / "data" / "good" / "small.toml").read_text(encoding="utf-8")


def with_derived(derived: str, *, value: str = "share_done", gate: str = "all_done") -> str:
    """small.toml with a ``[derived]`` table, its first indicator and gate reading it."""
    text = SMALL.replace("[[criteria]]", f"[derived]\n{derived}\n\n[[criteria]]", 1)
    text = text.replace('value = "done / planned"', f'value = "{value}"')
    return text.replace('require = "done >= planned"', f'require = "{gate}"')


DERIVED = """\
all_done = "share_done >= 1"
share_done = "done / planned"
nothing = "done == 0"
"""


@pytest.fixture(scope="module")
def framework():
    return criteriakit.loads_framework(with_derived(DERIVED), source="derived.toml")


@pytest.fixture(scope="module")
def plain():
    return criteriakit.loads_framework(SMALL, source="small.toml")


UNITS = [
    {"done": 3, "planned": 4, "ok": True},
    {"done": 4, "planned": 4, "ok": True},
    {"done": 0, "planned": 4, "ok": False},
    {"done": 5, "planned": 4, "ok": False},
]


@pytest.mark.parametrize("inputs", UNITS)
def test_a_derived_value_scores_as_the_expression_written_out(framework, plain, inputs):
    derived, written_out = framework.evaluate(inputs, "u"), plain.evaluate(inputs, "u")
    assert (derived.score, derived.tier, derived.reason_codes) == (
        written_out.score,
        written_out.tier,
        written_out.reason_codes,
    )


def test_the_values_are_computed_in_dependency_order_and_listed_in_file_order(framework):
    result = framework.evaluate({"done": 3, "planned": 4, "ok": True}, "u")
    assert result.derived == {"share_done": 0.75, "all_done": False, "nothing": False}
    assert list(result.derived) == ["share_done", "all_done", "nothing"]
    assert result.inputs == {"done": 3, "planned": 4, "ok": True}


def test_they_are_in_the_result_document_and_the_explanation(framework):
    result = framework.evaluate({"done": 3, "planned": 4, "ok": True}, "u")
    document = result.to_dict()
    assert document["derived"] == {"share_done": 0.75, "all_done": False, "nothing": False}
    assert Result.from_dict(document) == result
    text = result.explain()
    assert "Derived values:\n  share_done = 0.75\n  all_done = no\n  nothing = no" in text
    assert "(all_done = no)" in text  # the gate shows the derived value it read


def test_a_framework_without_them_writes_no_derived_key(plain):
    assert "derived" not in plain.evaluate({"done": 1, "planned": 1, "ok": True}, "u").to_dict()


def test_an_undefined_derived_value_is_undefined_with_its_kind(framework):
    # share_done divides by zero: the indicator reading it follows the division policy (fail)
    with pytest.raises(
        criteriakit.errors.EvaluationError, match="division by zero in 'done / planned'"
    ):
        framework.evaluate({"done": 0, "planned": 0, "ok": True}, "u")
    lenient = criteriakit.loads_framework(
        with_derived(DERIVED).replace(
            'subject = "unit"', 'subject = "unit"\n\n[policy]\ndivision_by_zero = "zero"'
        ),
        source="derived.toml",
    )
    result = lenient.evaluate({"done": 0, "planned": 0, "ok": True}, "u")
    assert result.derived == {"share_done": None, "all_done": None, "nothing": True}
    assert result.indicator("a.1").status == "zero"
    assert "division by zero in 'done / planned'" in result.indicator("a.1").note
    assert [reason.values for reason in result.reasons if reason.code == "good-all-done"] == []
    assert result.to_dict()["derived"]["share_done"] is None


def test_the_columnar_engine_gives_the_same_table(framework, plain):
    frame = pl.DataFrame([{"id": f"u{index}", **unit} for index, unit in enumerate(UNITS)])
    derived = criteriakit.evaluate_frame(framework, frame, unit_column="id")
    written_out = criteriakit.evaluate_frame(plain, frame, unit_column="id")
    assert derived.equals(written_out)


@pytest.mark.parametrize(
    ("derived", "path", "message"),
    [
        (
            'a = "b + 1"\nb = "c * 2"\nc = "a"',
            "derived.a",
            "the derived value 'a' depends on itself: a → c → b → a",
        ),
        ('done = "planned"', "derived.done", "'done' is an input already"),
        ('not = "1"', "derived.not", "invalid derived value name 'not'"),
        ('whole = "done / plannd"', "derived.whole", "unknown input 'plannd'"),
        ("", "", ""),
    ],
)
def test_problems_are_located_at_the_derived_value(derived, path, message):
    if not derived:
        return
    text = with_derived(derived + '\nshare_done = "done / planned"\nall_done = "share_done >= 1"')
    with pytest.raises(FrameworkError) as caught:
        criteriakit.loads_framework(text, source="derived.toml")
    found = [(problem.path, problem.message) for problem in caught.value.problems]
    assert (path, message) in found


def test_a_list_is_not_a_derived_value():
    text = with_derived(
        'share_done = "done / planned"\nall_done = "share_done >= 1"\nxs2 = "xs"',
    ).replace("[inputs.ok]", '[inputs.xs]\ntype = "list"\n\n[inputs.ok]')
    with pytest.raises(
        FrameworkError, match="a derived value is a single value, but 'xs2' is list"
    ):
        criteriakit.loads_framework(text, source="derived.toml")


def test_checks_read_the_data_not_derived_values():
    text = (
        with_derived(DERIVED)
        + '\n[[checks]]\nid = "sane"\nrequire = "share_done <= 1"\nmessage = "x"\n'
    )
    with pytest.raises(FrameworkError) as caught:
        criteriakit.loads_framework(text, source="derived.toml")
    [problem] = caught.value.problems
    assert (problem.path, problem.message, problem.hint) == (
        "checks[0].require",
        "a check reads the data as given, and 'share_done' is a derived value",
        "check the inputs it is computed from",
    )


def test_what_reads_a_broken_derived_value_points_at_it():
    text = with_derived(DERIVED.replace('"done / planned"', '"done / plannd"'))
    with pytest.raises(FrameworkError) as caught:
        criteriakit.loads_framework(text, source="derived.toml")
    found = [(problem.path, problem.message, problem.hint) for problem in caught.value.problems]
    assert ("derived.share_done", "unknown input 'plannd'", "did you mean 'planned'?") in found
    assert (
        "criteria[0].indicators[0].value",
        "the derived value 'share_done' has a problem of its own",
        "see derived.share_done",
    ) in found
    assert (
        "tiers[0].gates[0].require",
        "the derived value 'all_done' has a problem of its own",
        "see derived.all_done",
    ) in found


def test_a_derived_framework_adds_and_replaces_derived_values(tmp_path):
    (tmp_path / "base.toml").write_text(with_derived(DERIVED), encoding="utf-8")
    (tmp_path / "child.toml").write_text(
        'extends = "test.small@1"\nid = "test.child"\nversion = "1"\n\n'
        '[derived]\nall_done = "share_done >= 0.75"\nextra = "done * 2"\n',
        encoding="utf-8",
    )
    registry = criteriakit.Registry.load(autoload=False, plugin_dirs=[tmp_path])
    child = registry.get("test.child", "1")
    result = child.evaluate({"done": 3, "planned": 4, "ok": True}, "u")
    assert result.derived == {"share_done": 0.75, "all_done": True, "nothing": False, "extra": 6}
    assert result.tier == "good"


def test_the_fingerprint_changes_only_with_derived_values(framework, plain):
    assert framework.fingerprint != plain.fingerprint
    again = criteriakit.loads_framework(with_derived(DERIVED), source="again.toml")
    assert again.fingerprint == framework.fingerprint


def test_reports_list_each_unit_s_derived_values(framework, tmp_path):
    pytest.importorskip("jinja2")
    from criteriakit.data import read_units  # noqa: PLC0415
    from criteriakit.reports import write_report  # noqa: PLC0415
    from criteriakit.scalar.hierarchy import evaluate_levels  # noqa: PLC0415

    data = tmp_path / "units.csv"
    data.write_text("id,done,planned,ok\nu1,3,4,yes\n", encoding="utf-8")
    levels = evaluate_levels(framework, [read_units(data)])
    write_report(levels, tmp_path / "report.md")
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert (
        "Derived values:\n\n- `share_done` = 0.75\n- `all_done` = no\n- `nothing` = no\n"
        in markdown
    )
    pytest.importorskip("matplotlib")
    write_report(levels, tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<li><code>share_done</code> = 0.75</li>" in page


def test_a_fired_veto_shows_an_undefined_derived_value_as_none():
    text = with_derived(DERIVED).replace('when = "done == 0"', 'when = "nothing or share_done > 2"')
    text = text.replace(
        'subject = "unit"', 'subject = "unit"\n\n[policy]\ndivision_by_zero = "zero"'
    )
    framework = criteriakit.loads_framework(text, source="derived.toml")
    result = framework.evaluate({"done": 0, "planned": 0, "ok": True}, "u")
    [veto] = [reason for reason in result.reasons if reason.code == "nothing-done"]
    assert veto.values == {"nothing": True, "share_done": None}
    assert Result.from_dict(result.to_dict()) == result
