"""Comparing two periods' results: real evaluations written as JSON, read back and compared."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

import criteriakit
from criteriakit.cli import build_cli
from criteriakit.compare import (
    Comparison,
    UnitChange,
    _signed,
    compare_results,
    load_results,
    period_label,
)
from criteriakit.model.period import Period
from criteriakit.render import render_json

SMALL = Path(__file__).parent / "data" / "good" / "small.toml"
FRAMEWORK = criteriakit.load_framework(SMALL)
TIER_ORDER = {FRAMEWORK.id: FRAMEWORK.tiers}

GOOD = {"done": 4, "planned": 4, "ok": True}  # 100, good
GATED = {"done": 3, "planned": 4, "ok": True}  # 85: band good, gate good-all-done fails → poor
VETOED = {"done": 0, "planned": 4, "ok": True}  # 40, veto nothing-done → poor
WEAK = {"done": 4, "planned": 4, "ok": False}  # 60, poor

BEFORE = {"u1": GOOD, "u2": WEAK, "u3": GOOD, "u4": VETOED, "u5": GATED, "u7": GATED}
AFTER = {"u1": GOOD, "u2": GOOD, "u3": VETOED, "u4": WEAK, "u6": GATED, "u7": WEAK}


def evaluate(units, period="2024", framework=FRAMEWORK):
    return [
        attrs.evolve(framework.evaluate(inputs, unit), period=Period.parse(period))
        for unit, inputs in units.items()
    ]


def write(path, results):
    path.write_text(render_json(results), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    return (
        write(tmp_path / "2023.json", evaluate(BEFORE, "2023")),
        write(tmp_path / "2024.json", evaluate(AFTER, "2024")),
    )


@pytest.fixture
def comparison(files):
    before, after = files
    return compare_results(load_results(before), load_results(after), tier_order=TIER_ORDER)


def by_unit(comparison: Comparison) -> dict[str, UnitChange]:
    return {change.unit: change for change in comparison.changes}


def test_results_round_trip_through_the_json_file(tmp_path):
    results = evaluate(BEFORE, "2023")
    assert load_results(write(tmp_path / "r.json", results)) == results


def test_directions_scores_and_counts_with_a_tier_order(comparison):
    assert (comparison.before, comparison.after) == ("2023", "2024")
    assert [change.unit for change in comparison.changes] == [
        "u1",
        "u2",
        "u3",
        "u4",
        "u5",
        "u6",
        "u7",
    ]
    changes = by_unit(comparison)
    assert {unit: change.direction for unit, change in changes.items()} == {
        "u1": "same",
        "u2": "up",
        "u3": "down",
        "u4": "same",
        "u5": "removed",
        "u6": "added",
        "u7": "same",
    }
    assert comparison.counts == {
        "up": 1,
        "down": 1,
        "same": 3,
        "added": 1,
        "removed": 1,
        "changed": 0,
    }
    u2 = changes["u2"]
    assert (u2.before_tier, u2.after_tier, u2.before_score, u2.after_score, u2.score_delta) == (
        "poor",
        "good",
        60,
        100,
        40,
    )
    assert changes["u3"].score_delta == -60
    assert changes["u7"].score_delta == -25
    assert changes["u1"].score_delta == 0
    added, removed = changes["u6"], changes["u5"]
    assert (added.before_tier, added.after_tier, added.after_score, added.score_delta) == (
        None,
        "poor",
        85,
        None,
    )
    assert (removed.before_tier, removed.after_tier, removed.before_score) == ("poor", None, 85)
    assert added.framework == removed.framework == "test.small@1"


def test_without_a_tier_order_tier_changes_are_only_changed(files):
    before, after = (load_results(file) for file in files)
    comparison = compare_results(before, after)
    changes = by_unit(comparison)
    assert (changes["u2"].direction, changes["u3"].direction) == ("changed", "changed")
    assert changes["u1"].direction == "same"
    assert comparison.counts["changed"] == 2
    assert comparison.summary() == (
        "2023 → 2024: 7 units; 0 up, 0 down, 2 changed, 3 same, 1 added, 1 removed"
    )


def test_a_tier_order_for_another_framework_does_not_order_this_one(files):
    before, after = (load_results(file) for file in files)
    comparison = compare_results(before, after, tier_order={"other": ("poor", "good")})
    assert by_unit(comparison)["u2"].direction == "changed"


def test_new_and_resolved_vetoes_and_reasons(comparison):
    changes = by_unit(comparison)
    assert changes["u3"].new_vetoes == ("nothing-done",)
    assert changes["u3"].new_reasons == ("nothing-done",)
    assert changes["u4"].resolved_vetoes == ("nothing-done",)
    assert changes["u4"].new_vetoes == ()
    # a failed gate is a reason but not a veto
    assert changes["u7"].resolved_reasons == ("good-all-done",)
    assert changes["u7"].resolved_vetoes == ()
    assert changes["u6"].new_reasons == ("good-all-done",)
    assert changes["u6"].new_vetoes == ()
    assert changes["u5"].resolved_reasons == ("good-all-done",)


def test_a_cap_counts_as_a_veto_and_a_code_is_listed_once():
    (before,) = evaluate({"u": GOOD})
    cap = criteriakit.Reason("cap-x", "cap", "Capped", tier="poor")
    gate = criteriakit.Reason("gate-y", "gate", "Gate failed", tier="good")
    after = attrs.evolve(before, reasons=(cap, gate, cap))
    (change,) = compare_results([before], [after]).changes
    assert change.new_vetoes == ("cap-x",)
    assert change.new_reasons == ("cap-x", "gate-y")


def test_scores_compare_with_the_tolerance():
    (before,) = evaluate({"u": GOOD})
    before = attrs.evolve(before, score=90.0)
    after = attrs.evolve(before, score=89.99999999999999)
    (change,) = compare_results([before], [after]).changes
    assert change.score_delta == 0
    assert change.direction == "same"
    assert change.unchanged


def test_score_deltas_are_rounded_like_scores():
    (before,) = evaluate({"u": GOOD})
    before = attrs.evolve(before, score=0.1)
    after = attrs.evolve(before, score=0.3)
    (change,) = compare_results([before], [after]).changes
    assert change.score_delta == 0.2


@pytest.mark.parametrize(
    ("delta", "shown"),
    [(3.25, "+3.25"), (-2.0, "-2"), (0.0, "0"), (40.0, "+40"), (0.001, "+0.001")],
)
def test_signed_deltas(delta, shown):
    assert _signed(delta) == shown


def test_a_unit_that_becomes_not_evaluable():
    text = SMALL.read_text(encoding="utf-8").replace(
        "[inputs.done]", '[policy]\ndivision_by_zero = "not-evaluable"\n\n[inputs.done]'
    )
    framework = criteriakit.loads_framework(text, source="small.toml")
    before = evaluate({"u": GOOD}, "2023", framework)
    after = evaluate({"u": {"done": 1, "planned": 0, "ok": True}}, "2024", framework)
    assert after[0].score is None
    comparison = compare_results(before, after, tier_order=TIER_ORDER)
    (change,) = comparison.changes
    assert (change.direction, change.score_delta, change.after_tier) == ("changed", None, None)
    assert change.new_reasons == ("not-evaluable",)
    assert "good → not evaluable  100 → not evaluable" in comparison.render()


def test_a_changed_framework_version_shows_both_and_keeps_the_order():
    before = evaluate({"u": WEAK}, "2023")
    after = [attrs.evolve(result, version="2") for result in evaluate({"u": GOOD})]
    (change,) = compare_results(before, after, tier_order=TIER_ORDER).changes
    assert change.framework == "test.small@1 → test.small@2"
    assert change.direction == "up"


def test_labels():
    dated = evaluate({"u": GOOD}, "2024-H1")
    undated = [attrs.evolve(result, period=None) for result in dated]
    mixed = [*evaluate({"a": GOOD}, "2023"), *evaluate({"b": GOOD}, "2024")]
    assert period_label(dated) == "2024-H1"
    assert period_label(undated) is None
    assert period_label(mixed) is None
    assert period_label([]) is None
    comparison = compare_results(undated, mixed)
    assert (comparison.before, comparison.after) == ("before", "after")
    named = compare_results(dated, dated, before_label="plan", after_label="actual")
    assert (named.before, named.after) == ("plan", "actual")


def test_repeated_and_missing_unit_ids_are_data_errors():
    results = evaluate({"u1": GOOD, "u2": GOOD})
    repeated = [*results, results[0]]
    anonymous = [attrs.evolve(results[0], unit=None)]
    with pytest.raises(criteriakit.DataError) as caught:
        compare_results(repeated, anonymous)
    first, second = caught.value.problems
    assert (first.file, first.path) == ("2024", "results[2].unit")
    assert first.message == "unit id 'u1' repeats results[0]"
    assert (second.file, second.path, second.message) == (
        "2024",
        "results[0].unit",
        "the result has no unit id",
    )


def test_render_is_a_summary_then_a_table(comparison):
    assert comparison.render() == (
        "2023 → 2024: 7 units; 1 up, 1 down, 3 same, 1 added, 1 removed\n"
        "unit  change   framework     tier         score      delta  new vetoes\n"
        "u1    same     test.small@1  good → good  100 → 100      0\n"
        "u2    up       test.small@1  poor → good  60 → 100     +40\n"
        "u3    down     test.small@1  good → poor  100 → 40     -60  nothing-done\n"
        "u4    same     test.small@1  poor → poor  40 → 60      +20\n"
        "u5    removed  test.small@1  poor → —     85 → —\n"
        "u6    added    test.small@1  — → poor     — → 85\n"
        "u7    same     test.small@1  poor → poor  85 → 60      -25"
    )


def test_render_in_german(comparison):
    pytest.importorskip("babel")
    assert comparison.render(language="de") == (
        "2023 → 2024: 7 Einheiten; 1 aufgestiegen, 1 abgestiegen, 3 unverändert, "
        "1 hinzugekommen, 1 entfallen\n"
        "Einheit  Änderung       Rahmenwerk    Stufe        Punktzahl  Differenz  neue Vetos\n"
        "u1       unverändert    test.small@1  good → good  100 → 100          0\n"
        "u2       aufgestiegen   test.small@1  poor → good  60 → 100         +40\n"
        "u3       abgestiegen    test.small@1  good → poor  100 → 40         -60  nothing-done\n"
        "u4       unverändert    test.small@1  poor → poor  40 → 60          +20\n"
        "u5       entfallen      test.small@1  poor → —     85 → —\n"
        "u6       hinzugekommen  test.small@1  — → poor     — → 85\n"
        "u7       unverändert    test.small@1  poor → poor  85 → 60          -25"
    )


def test_cli_in_vietnamese(files, comparison, registered):
    pytest.importorskip("babel")
    result = run(*files, "--language", "vi", "--only-changes", plugin_dir=registered)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == comparison.render(only_changes=True, language="vi") + "\n"
    assert result.stdout.startswith("2023 → 2024: 7 đơn vị; 1 tăng, 1 giảm, 3 giữ nguyên")


def test_only_changes_leaves_out_the_unchanged_units_but_counts_them(comparison):
    rendered = comparison.render(only_changes=True)
    assert rendered.splitlines()[0] == comparison.summary()
    assert "u1 " not in rendered
    assert "u4 " in rendered  # same tier, but the score and the reasons moved
    document = comparison.to_dict(only_changes=True)
    assert [change["unit"] for change in document["changes"]] == [
        "u2",
        "u3",
        "u4",
        "u5",
        "u6",
        "u7",
    ]
    assert document["counts"]["units"] == 7


def test_only_changes_when_nothing_changed():
    results = evaluate({"u": GOOD})
    comparison = compare_results(results, results)
    assert (
        comparison.render(only_changes=True)
        == "2024 → 2024: 1 unit; 0 up, 0 down, 1 same, 0 added, 0 removed\nno changes"
    )
    assert compare_results([], []).render() == (
        "before → after: 0 units; 0 up, 0 down, 0 same, 0 added, 0 removed"
    )


def test_to_dict_is_json_ready(comparison):
    document = json.loads(json.dumps(comparison.to_dict()))
    assert document["before"] == "2023"
    assert document["after"] == "2024"
    assert document["counts"] == {
        "units": 7,
        "up": 1,
        "down": 1,
        "same": 3,
        "added": 1,
        "removed": 1,
        "changed": 0,
    }
    assert document["changes"][2] == {
        "unit": "u3",
        "framework": "test.small@1",
        "before_tier": "good",
        "after_tier": "poor",
        "before_score": 100.0,
        "after_score": 40.0,
        "score_delta": -60.0,
        "direction": "down",
        "new_vetoes": ["nothing-done"],
        "resolved_vetoes": [],
        "new_reasons": ["nothing-done"],
        "resolved_reasons": [],
    }


def load_problems(path):
    with pytest.raises(criteriakit.DataError) as caught:
        load_results(path)
    return caught.value.problems


def test_invalid_json_says_where(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"results": [\n  {"unit": "u1",}\n]}', encoding="utf-8")
    (problem,) = load_problems(path)
    assert problem.message.startswith("invalid JSON: ")
    assert (problem.file, problem.line, problem.column) == (str(path), 2, 17)


@pytest.mark.parametrize("document", [[], {"units": []}, "results"])
def test_a_document_without_results_has_a_hint(tmp_path, document):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    (problem,) = load_problems(path)
    assert problem.message == 'expected an object with a "results" key'
    assert "--format json" in (problem.hint or "")


def test_results_that_are_not_a_list(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"results": {"unit": "u1"}}', encoding="utf-8")
    (problem,) = load_problems(path)
    assert (problem.path, problem.message) == ("results", "expected a list of results, got dict")


def test_invalid_results_are_reported_by_index(tmp_path):
    document = json.loads(render_json(evaluate({"u1": GOOD, "u2": GOOD, "u3": GOOD})))
    document["results"][1]["score"] = "high"
    document["results"][2] = 7
    path = tmp_path / "r.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(criteriakit.DataError) as caught:
        load_results(path)
    score, item = caught.value.problems
    assert (score.file, score.path) == (str(path), "results[1].score")
    assert score.message.startswith("expected a number")
    assert (item.path, item.message) == ("results[2]", "expected an object: one result")
    assert f"{path}: results[1].score: expected a number" in str(caught.value)


def test_nested_problems_keep_their_key_path(tmp_path):
    document = json.loads(render_json(evaluate({"u1": GOOD})))
    document["results"][0]["criteria"][0]["indicators"][1]["points"] = "x"
    path = write_json(tmp_path, document)
    (problem,) = load_problems(path)
    assert problem.path == "results[0].criteria[0].indicators[1].points"


def test_missing_and_oversized_files(tmp_path):
    (missing,) = load_problems(tmp_path / "absent.json")
    assert missing.message.startswith("cannot read the file")
    with criteriakit.limits.override(data_bytes=10):
        (large,) = load_problems(write_json(tmp_path, {"results": []}))
    assert "more than the 10 allowed" in large.message


def write_json(tmp_path, document):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture
def registered(tmp_path_factory, monkeypatch):
    """A plugin directory holding the framework the results come from."""
    for name in ("CRITERIAKIT_PATH", "CRITERIAKIT_DISABLE_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path_factory.mktemp("plugin")
    shutil.copy(SMALL, folder)
    return folder


def run(*args, plugin_dir=None):
    plugins = ["--no-autoload", *(["--plugin-dir", str(plugin_dir)] if plugin_dir else [])]
    return CliRunner().invoke(
        build_cli(), [*plugins, "compare", *map(str, args)], catch_exceptions=False
    )


def test_cli_table(files, comparison, registered):
    result = run(*files, plugin_dir=registered)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == comparison.render() + "\n"


def test_cli_finds_the_tier_order_through_the_results_of_either_period(tmp_path, registered):
    unregistered = criteriakit.loads_framework(
        SMALL.read_text(encoding="utf-8").replace('version = "1"', 'version = "2"')
    )
    before = write(tmp_path / "2023.json", evaluate(BEFORE, "2023"))
    after = write(tmp_path / "2024.json", evaluate(AFTER, "2024", framework=unregistered))
    result = run(before, after, "--format", "json", plugin_dir=registered)
    assert result.exit_code == 0, result.stderr
    counts = json.loads(result.stdout)["counts"]
    assert (counts["up"], counts["down"], counts["changed"]) == (1, 1, 0)


def test_cli_without_a_tier_order(files):
    result = run(*files)
    assert result.exit_code == 0, result.stderr
    assert "0 up, 0 down, 2 changed" in result.stdout


def test_cli_only_changes_as_json_to_a_file(files, comparison, registered, tmp_path):
    output = tmp_path / "changes.json"
    result = run(*files, "--format", "json", "--only-changes", "-o", output, plugin_dir=registered)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert json.loads(output.read_text(encoding="utf-8")) == comparison.to_dict(only_changes=True)


def test_cli_only_changes_table(files):
    result = run(*files, "--only-changes")
    assert result.exit_code == 0, result.stderr
    units = [line.split()[0] for line in result.stdout.splitlines()[2:]]
    assert units == ["u2", "u3", "u4", "u5", "u6", "u7"]


def test_cli_labels_fall_back_to_the_file_names(tmp_path):
    before = write(tmp_path / "old.json", [*evaluate({"a": GOOD}, "2023"), *evaluate({"b": GOOD})])
    after = write(tmp_path / "new.json", evaluate({"a": GOOD}))
    result = run(before, after)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("old.json → 2024: 2 units;")


def test_cli_reports_both_bad_files_and_fails(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    result = run(broken, tmp_path / "absent.json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "broken.json:1:2: invalid JSON" in result.stderr
    assert "absent.json: cannot read the file" in result.stderr


def test_cli_reports_repeated_units_and_writes_nothing(tmp_path):
    results = evaluate({"u": GOOD})
    twice = write(tmp_path / "twice.json", [*results, *results])
    output = tmp_path / "out.txt"
    result = run(twice, twice, "-o", output)
    assert result.exit_code == 1
    assert "2024: results[1].unit: unit id 'u' repeats results[0]" in result.stderr
    assert not output.exists()


def test_the_example_in_the_docs_is_what_the_commands_print(tmp_path, monkeypatch, registered):
    docs = Path(__file__).resolve().parent.parent / "docs"
    page = (docs / "compare.md").read_text(encoding="utf-8")
    (acme,) = [
        block
        for block in re.findall(
            r"```toml\n(.*?)```", (docs / "format.md").read_text("utf-8"), re.DOTALL
        )
        if block.startswith("id = ")
    ]
    first, second = re.findall(r"```csv\n(.*?)```", page, re.DOTALL)
    (shown,) = re.findall(r"```text\n(.*?)```", page, re.DOTALL)
    monkeypatch.chdir(tmp_path)
    Path("acme.toml").write_text(acme, encoding="utf-8")
    Path("teams-2025-h1.csv").write_text(first, encoding="utf-8")
    Path("teams-2025-h2.csv").write_text(second, encoding="utf-8")
    for line in re.findall(r"^\$ criteriakit (evaluate .*)$", page, re.MULTILINE):
        evaluated = CliRunner().invoke(build_cli(), line.split(), catch_exceptions=False)
        assert evaluated.exit_code == 0, evaluated.stderr
    (registered / "acme.toml").write_text(acme, encoding="utf-8")
    # the page registers acme.toml with --plugin-dir .; here it is in the registered directory
    (line,) = re.findall(r"^\$ criteriakit --plugin-dir \. (compare .*)$", page, re.MULTILINE)
    compared = run(*line.split()[1:], plugin_dir=registered)
    assert compared.exit_code == 0, compared.stderr
    assert compared.stdout == shown
    document = json.loads(re.findall(r"```json\n(.*?)```", page, re.DOTALL)[0])
    with_json = run(*line.split()[1:], "--format", "json", plugin_dir=registered)
    produced = json.loads(with_json.stdout)
    assert produced["counts"] == document["counts"]
    assert document["changes"][0] in produced["changes"]
