"""Honest results (issue 12, item 5): excluded indicators and conditions that were not checked.

With an indicator excluded by its policy, the total is rescaled over the points that could be
awarded, and so are the criteria: their maxima add up to the framework's, their scores to the
total, each at its indicators' share. A veto, cap or gate whose condition could not be checked
is a ``not-checked`` reason, listed ``ID (not checked)`` in the table and shown "not checked" in
text, never as one that fired. Both engines, every output and ``compare`` agree.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import attrs
import polars as pl
import pytest
from click.testing import CliRunner

import criteriakit
from criteriakit.cli import build_cli
from criteriakit.compare import compare_results, load_outcomes, load_results
from criteriakit.errors import DataError
from criteriakit.render.table import SCHEMA_VERSION
from criteriakit.testing import rule_coverage

FRAMEWORK = """
id = "test.honest"
version = "1"
title = "Honest"
subject = "unit"
weighting = "WEIGHTING"

[policy]
missing_input = "zero"

[inputs.done]
type = "integer"
min = 0

[inputs.planned]
type = "integer"
min = 0

[inputs.quality]
type = "number"

[inputs.ok]
type = "bool"

[inputs.disunity]
type = "bool"

[inputs.late]
type = "bool"

[[criteria]]
id = "a"
title = "Work"
points = 60

[[criteria.indicators]]
id = "a.1"
title = "Done"
value = "done / planned"
points = 30
scorer = { type = "linear", zero_at = 0, full_at = 1 }

[[criteria.indicators]]
id = "a.2"
title = "Quality"
value = "quality"
points = 30
scorer = { type = "linear", zero_at = 0, full_at = 1 }
policy = { missing_input = "exclude" }

[[criteria]]
id = "b"
title = "Conduct"
points = 40

[[criteria.indicators]]
id = "b.1"
title = "OK"
value = "ok"
points = 40
scorer = { type = "boolean" }

[[tiers]]
id = "good"
title = "Good"
min_score = 70

[[tiers.gates]]
id = "good-quality"
require = "quality >= 0.5"
message = "Good needs quality"

[[tiers]]
id = "fair"
title = "Fair"
min_score = 50

[[tiers]]
id = "poor"
title = "Poor"

[[rules]]
id = "disunity"
when = "disunity"
at_most = "poor"
message = "Disunity found"

[[rules]]
id = "late"
when = "late"
at_most = "fair"
message = "Reported late"
"""

DATA = """id,done,planned,quality,ok,disunity,late
u1,8,10,,true,,false
u2,5,10,0.9,true,true,
u3,10,10,0.2,true,false,false
u4,9,10,0.8,true,,
"""
"""u1: quality excluded and not checked, disunity not checked; u2: disunity fires, late not
checked; u3: the quality gate fails; u4: both rules not checked, nothing stops it."""


def framework(weighting: str = "sum") -> criteriakit.Framework:
    return criteriakit.loads_framework(FRAMEWORK.replace("WEIGHTING", weighting))


def rows() -> dict[str, dict[str, object]]:
    """Return the data's rows as input values, by unit (blank cells left out)."""
    header, *lines = DATA.splitlines()
    names = header.split(",")[1:]
    found: dict[str, dict[str, object]] = {}
    for line in lines:
        unit, *cells = line.split(",")
        values: dict[str, object] = {}
        for name, cell in zip(names, cells, strict=True):
            if cell:
                values[name] = cell == "true" if cell in {"true", "false"} else float(cell)
        values["done"], values["planned"] = int(values["done"]), int(values["planned"])  # type: ignore[call-overload]
        found[unit] = values
    return found


def evaluate(unit: str, weighting: str = "sum") -> criteriakit.Result:
    return framework(weighting).evaluate(rows()[unit])


# --- excluded indicators: criteria on the total's scale ------------------------------------


def test_excluded_indicators_rescale_the_criteria_so_they_add_up_to_the_total():
    result = evaluate("u1")
    # 24 + 40 points of the 70 that could be awarded, on a 100-point scale
    assert result.score == 91.428571429
    work, conduct = result.criteria
    assert (work.score, work.max_score) == (34.285714286, 42.857142857)
    assert (conduct.score, conduct.max_score) == (57.142857143, 57.142857143)
    assert math.isclose(work.score + conduct.score, result.score, abs_tol=2e-9)
    assert math.isclose(work.max_score + conduct.max_score, result.max_score, abs_tol=2e-9)
    # the indicators keep the points they were scored, out of their own points
    done, quality = work.indicators
    assert (done.points, done.max_points, done.status) == (24.0, 30, "scored")
    assert (quality.points, quality.max_points, quality.status) == (0.0, 30, "excluded")


def test_without_exclusions_the_criteria_are_the_sums_of_their_indicators():
    result = evaluate("u3")
    assert [(c.score, c.max_score) for c in result.criteria] == [(36.0, 60), (40.0, 40)]
    assert result.score == 76.0


def test_geometric_weighting_keeps_each_criterion_share_and_the_maxima_add_up():
    result = evaluate("u1", "geometric")
    work, conduct = result.criteria
    assert math.isclose(work.score / work.max_score, 24 / 30, rel_tol=1e-9)
    assert conduct.score == conduct.max_score
    assert math.isclose(work.max_score + conduct.max_score, 100, abs_tol=2e-9)
    # the weighted geometric mean of the shares, over the 70 points that could be awarded
    assert math.isclose(result.score, 100 * (24 / 30) ** (30 / 70), abs_tol=1e-9)


def test_a_unit_not_evaluable_keeps_its_criteria_as_scored():
    text = FRAMEWORK.replace("WEIGHTING", "sum").replace(
        'missing_input = "zero"', 'missing_input = "not-evaluable"', 1
    )
    result = criteriakit.loads_framework(text).evaluate(rows()["u1"])
    assert result.score is None
    assert [(c.score, c.max_score) for c in result.criteria] == [(24.0, 60), (40.0, 40)]


def test_every_indicator_excluded_is_not_evaluable_not_a_division_by_zero():
    text = FRAMEWORK.replace("WEIGHTING", "sum").replace(
        'missing_input = "zero"', 'missing_input = "exclude"', 1
    )
    result = criteriakit.loads_framework(text).evaluate({})
    assert result.score is None
    assert result.reason_codes == ("not-evaluable",)
    assert all(math.isfinite(criterion.score) for criterion in result.criteria)


# --- conditions that could not be checked --------------------------------------------------


def test_a_veto_not_checked_does_not_apply_and_says_so():
    result = evaluate("u4")
    assert (result.band_tier, result.tier) == ("good", "good")
    assert [(r.code, r.kind, r.tier) for r in result.reasons] == [
        ("disunity", "not-checked", "poor"),
        ("late", "not-checked", "fair"),
    ]
    assert result.reasons[0].message == (
        "veto not checked (input 'disunity' is missing), so it does not apply: Disunity found"
    )
    assert result.reasons[1].message == (
        "cap not checked (input 'late' is missing), so it does not apply: Reported late"
    )
    assert result.reasons[0].values == {"disunity": None}
    assert result.reason_codes == ("disunity (not checked)", "late (not checked)")


def test_a_veto_that_fires_is_listed_by_its_code_beside_one_not_checked():
    result = evaluate("u2")
    assert result.tier == "poor"
    assert [(r.code, r.kind) for r in result.reasons] == [
        ("disunity", "veto"),
        ("late", "not-checked"),
    ]
    assert result.reason_codes == ("disunity", "late (not checked)")


def test_a_gate_not_checked_counts_as_failed_and_says_it_was_not_checked():
    result = evaluate("u1")
    assert (result.band_tier, result.tier) == ("good", "fair")
    gate = result.reasons[1]
    assert (gate.code, gate.kind, gate.tier) == ("good-quality", "not-checked", "good")
    assert gate.message == (
        "gate not checked (input 'quality' is missing), so it counts as failed: Good needs quality"
    )
    failed = evaluate("u3").reasons[0]
    assert (failed.code, failed.kind, failed.message) == (
        "good-quality",
        "gate",
        "Good needs quality",
    )


def test_explain_shows_the_rescaling_and_not_checked():
    text = evaluate("u1").explain()
    assert (
        "Excluded indicators leave 70 of 100 points to award: the criteria are shown rescaled "
        "by 100 / 70, as the score is."
    ) in text
    assert "34.29 / 42.86" in text
    assert (
        "  - [not-checked] disunity: veto not checked (input 'disunity' is missing), so it does "
        "not apply: Disunity found (disunity = missing)"
    ) in text
    assert "Excluded indicators" not in evaluate("u3").explain()


# --- the same from every output and engine -------------------------------------------------


def cli(*args: str) -> bytes:
    result = CliRunner().invoke(build_cli(), ["--no-autoload", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    source, data = tmp_path / "honest.toml", tmp_path / "data.csv"
    source.write_text(FRAMEWORK.replace("WEIGHTING", "sum"))
    data.write_text(DATA)
    return source, data


@pytest.mark.parametrize("output", ["csv", "jsonl", "table"])
def test_both_engines_write_the_honest_table(files, output):
    source, data = files
    found = {
        engine: cli("evaluate", str(source), str(data), "--format", output, "--engine", engine)
        for engine in ("scalar", "columnar")
    }
    assert found["scalar"] == found["columnar"]


def test_the_csv_lists_unchecked_conditions_and_rescaled_criteria(files):
    source, data = files
    lines = cli("evaluate", str(source), str(data), "--format", "csv").decode().splitlines()
    assert lines[0].endswith(
        "reasons,criterion:a,criterion:b,indicator:a.1,indicator:a.2,indicator:b.1"
    )
    assert lines[1].endswith(
        ",disunity (not checked);good-quality (not checked),34.285714286,57.142857143,24.0,0.0,40.0"
    )
    assert lines[2].endswith(",disunity;late (not checked),42.0,40.0,15.0,27.0,40.0")
    assert lines[4].endswith(",disunity (not checked);late (not checked),51.0,40.0,27.0,24.0,40.0")


def test_the_text_table_says_not_checked(files):
    source, data = files
    text = cli("evaluate", str(source), str(data), "--format", "table").decode()
    assert "disunity (not checked), good-quality (not checked)" in text
    assert "disunity, late (not checked)" in text


def test_the_documents_carry_the_schema_version_and_not_checked_reasons(files):
    source, data = files
    document = json.loads(cli("evaluate", str(source), str(data), "--format", "json"))
    assert document["schema_version"] == SCHEMA_VERSION == 3
    first = document["results"][0]
    assert [reason["kind"] for reason in first["reasons"]] == ["not-checked", "not-checked"]
    assert [(c["score"], c["max_score"]) for c in first["criteria"]] == [
        (34.285714286, 42.857142857),
        (57.142857143, 57.142857143),
    ]


def test_evaluate_frame_gives_the_scalar_engines_table(files):
    source, data = files
    fw = criteriakit.load_framework(source)
    table = criteriakit.evaluate_frame(fw, pl.read_csv(data))
    results = [fw.evaluate(values, unit) for unit, values in rows().items()]
    assert table["reasons"].to_list() == [list(result.reason_codes) for result in results]
    for index, criterion in enumerate(("a", "b")):
        assert table[f"criterion:{criterion}"].to_list() == [
            result.criteria[index].score for result in results
        ]
    assert table["score"].to_list() == [result.score for result in results]


def test_many_conditions_not_checked_cross_the_reason_words_alike():
    """35 vetoes take 70 reason bits: the columnar engine's second mask word holds the rest."""
    inputs = "".join(f'[inputs.x{index}]\ntype = "bool"\n\n' for index in range(35))
    rules = "".join(
        f'[[rules]]\nid = "v{index}"\nwhen = "x{index}"\nat_most = "low"\nmessage = "V{index}"\n\n'
        for index in range(35)
    )
    text = f"""
id = "test.many"
version = "1"
title = "Many"
subject = "unit"

[policy]
missing_input = "zero"

{inputs}
[[criteria]]
id = "c"
title = "C"
points = 100

[[criteria.indicators]]
id = "c.1"
title = "X0"
value = "x0"
points = 100
scorer = {{ type = "boolean" }}

[[tiers]]
id = "high"
title = "High"
min_score = 50

[[tiers]]
id = "low"
title = "Low"

{rules}"""
    fw = criteriakit.loads_framework(text)
    units = [
        {"x0": True, "x33": True},  # v0 and v33 fire, the others are not checked
        {f"x{index}": False for index in range(35)},  # every one checked, none fires
        {"x34": False},  # all but v34 not checked
    ]
    frame = pl.DataFrame(
        {"id": ["a", "b", "c"]}
        | {f"x{index}": [unit.get(f"x{index}") for unit in units] for index in range(35)},
        schema={"id": pl.String} | {f"x{index}": pl.Boolean for index in range(35)},
    )
    table = criteriakit.evaluate_frame(fw, frame)
    expected = [list(fw.evaluate(unit).reason_codes) for unit in units]
    assert table["reasons"].to_list() == expected
    assert expected[0][:2] == ["v0", "v1 (not checked)"]
    assert expected[0][33] == "v33"
    assert expected[1] == []
    assert len(expected[2]) == 34


# --- reading, comparing and covering -------------------------------------------------------


def test_documents_of_schema_version_1_are_read_with_not_checked_reasons(tmp_path):
    data = evaluate("u4").to_dict()
    for reason in data["reasons"]:
        reason["kind"] = "undefined"  # as version 1 wrote a veto or cap not checked
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"schema_version": 1, "results": [data]}))
    (result,) = load_results(path)
    assert [reason.kind for reason in result.reasons] == ["not-checked", "not-checked"]
    (outcome,) = load_outcomes(path)
    assert outcome.vetoes == ()


def test_an_unknown_reason_kind_is_still_a_data_error():
    data = evaluate("u4").to_dict()
    data["reasons"][0]["kind"] = "fired-maybe"
    with pytest.raises(DataError) as caught:
        criteriakit.Result.from_dict(data)
    assert "reasons[0].kind" in str(caught.value)


def test_compare_never_counts_an_unchecked_veto_as_one_that_fired(files, tmp_path):
    source, data = files
    fw = criteriakit.load_framework(source)
    kinds = {rule.id: rule.kind for rule in fw.compiled.rules}
    table = tmp_path / "results.csv"
    table.write_bytes(cli("evaluate", str(source), str(data), "--format", "csv"))
    outcomes = load_outcomes(table, reason_kinds=lambda *_: kinds)
    documents = tmp_path / "results.json"
    documents.write_bytes(cli("evaluate", str(source), str(data), "--format", "json"))
    same = load_outcomes(documents)
    assert [o.vetoes for o in outcomes] == [(), ("disunity",), (), ()]
    assert [(o.reasons, o.vetoes) for o in outcomes] == [(o.reasons, o.vetoes) for o in same]
    # a veto that fires where it was not checked before is a new veto
    (change,) = compare_results([same[0]], [attrs.evolve(same[1], unit="u1")]).changes
    assert change.new_vetoes == ("disunity",)
    assert change.resolved_reasons == ("disunity (not checked)", "good-quality (not checked)")


def test_coverage_counts_a_gate_not_checked_neither_failed_nor_passed():
    fw = framework()
    coverage = rule_coverage(fw, [evaluate("u1")])
    (gate,) = [use for use in coverage.rules if use.id == "good-quality"]
    assert (gate.hits, gate.passes) == (0, 0)
    (veto,) = [use for use in coverage.rules if use.id == "disunity"]
    assert veto.hits == 0
