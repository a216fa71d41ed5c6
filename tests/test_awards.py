"""Awards: conditions over a unit's results in earlier periods, by both engines, from a store."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import criteriakit
import store_kinds
from criteriakit import awards, store
from criteriakit.cli import build_cli
from criteriakit.render.awards import note_line
from criteriakit.render.language import words
from criteriakit.testing import FrameworkFinder, load_case_file, run_case_file
from criteriakit.testing.runner import FileOutcome

SMALL = (Path(__file__).parent / "data" / "good" / "small.toml").read_text()
ROOT = Path(__file__).resolve().parents[1]
VN_FRAMEWORKS = ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"

SCHEMA = {
    "unit": pl.String,
    "parent": pl.String,
    "framework": pl.String,
    "version": pl.String,
    "evaluable": pl.Boolean,
    "score": pl.Float64,
    "max_score": pl.Float64,
    "band_tier": pl.String,
    "tier": pl.String,
    "reasons": pl.List(pl.String),
}


def framework(*awarded: tuple[str, str] | tuple[str, str, float]) -> criteriakit.Framework:
    """The small framework (tiers good, poor) with awards (id, require[, quota])."""
    text = SMALL
    for award in awarded:
        text += f'\n[[awards]]\nid = "{award[0]}"\ntitle = "{award[0]}"\nrequire = \'{award[1]}\'\n'
        if len(award) == 3:
            text += f"quota = {award[2]}\n"
    return criteriakit.loads_framework(text, source="awarded.toml")


def row(unit: str, tier: str | None, score: float | None = None, parent: str | None = "p") -> tuple:
    """A result row: ``tier`` None is a unit that was not evaluable."""
    if tier is None:
        return (unit, parent, "test.small", "1", False, None, 100.0, None, None, [])
    score = (80.0 if tier == "good" else 30.0) if score is None else score
    return (unit, parent, "test.small", "1", True, score, 100.0, tier, tier, [])


def line(note: awards.HistoryNote) -> str:
    """A history note as the explanation writes it, in English."""
    return note_line(note, words("en"))


def table(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SCHEMA, orient="row")


def both(subject: criteriakit.Framework, history: awards.History) -> pl.DataFrame:
    """Decide with both engines, check they agree, return the frame."""
    columnar = awards.decide(subject, history)
    scalar = awards.decide(subject, history, engine="scalar")
    assert columnar.equals(scalar), (columnar, scalar)
    return columnar


def earned(frame: pl.DataFrame, award: str) -> list[str]:
    return frame.filter((pl.col("award") == award) & pl.col("earned"))["unit"].to_list()


# ------------------------------------------------------------------ hand-computed cases

HISTORY = {
    "2020": table(row("a", "good"), row("b", "good")),
    "2021": table(row("a", "good"), row("b", "good"), row("c", "good")),
    # 2022: b has no result (a gap year), c was not evaluable
    "2022": table(row("a", "good"), row("c", None)),
    "2023": table(row("a", "poor"), row("b", "good"), row("c", "good")),
    "2024": table(row("a", "good"), row("b", "good"), row("c", "good"), row("d", "good")),
}


def test_a_streak_counts_the_periods_in_a_row_up_to_this_one():
    subject = framework(
        ("two", 'streak(tier == "good") >= 2'), ("three", 'streak(tier == "good") >= 3')
    )
    frame = both(subject, awards.History.of_tables(HISTORY, "2024"))
    # a: 2023 poor breaks it; b: the gap year 2022 breaks it; c: not evaluable in 2022
    assert earned(frame, "two") == ["b", "c"]
    assert earned(frame, "three") == []
    notes = {
        result.unit: result.notes[0]
        for result in awards.results(subject, awards.History.of_tables(HISTORY, "2024"))
    }
    assert (notes["a"].value, notes["a"].periods) == (1, ("2024",))
    assert (notes["b"].value, notes["b"].periods) == (2, ("2023", "2024"))
    assert (notes["d"].value, notes["d"].periods) == (1, ("2024",))


def test_deciding_an_earlier_period_ignores_the_later_ones():
    subject = framework(("three", 'streak(tier == "good") >= 3'))
    frame = both(subject, awards.History.of_tables(HISTORY, "2022"))
    assert frame["unit"].to_list() == ["a", "c"]
    assert earned(frame, "three") == ["a"]


def test_count_last_counts_within_its_window_gaps_and_not_evaluable_included():
    subject = framework(
        ("two-of-three", 'count_last(3, tier == "good") >= 2'),
        ("all-five", "count_last(5, evaluable) == 5"),
    )
    history = awards.History.of_tables(HISTORY, "2024")
    frame = both(subject, history)
    # a: 2024 good, 2023 poor, 2022 good → 2; b: 2024, 2023 → 2; c: 2024, 2023 (2022 not evaluable) → 2
    assert earned(frame, "two-of-three") == ["a", "b", "c"]
    assert earned(frame, "all-five") == ["a"]
    shown = line(awards.results(subject, history, ["c"])[0].notes[0])
    assert shown == 'count_last(3, tier == "good") is 2 of the last 3: 2023, 2024'


def test_previous_reads_the_period_before_and_is_undefined_without_it():
    subject = framework(("rising", "score > previous(score)"), ("kept", "previous(tier) == tier"))
    history = awards.History.of_tables(
        {
            "2023": table(row("a", "good", 70), row("b", "good", 90), row("c", None)),
            "2024": table(
                row("a", "good", 75), row("b", "good", 80), row("c", "good"), row("d", "good")
            ),
        },
        "2024",
    )
    frame = both(subject, history)
    assert earned(frame, "rising") == ["a"]
    assert earned(frame, "kept") == ["a", "b"]
    notes = {
        result.unit: line(result.notes[0])
        for result in awards.results(subject, history)
        if result.award == "rising"
    }
    assert notes["a"] == "previous(score) is 70 (2023)"
    assert notes["c"] == "previous(score) is undefined in 2023"
    assert notes["d"] == "previous(score) is undefined: no result the period before"


def test_all_periods_since_needs_every_period_from_the_first():
    subject = framework(
        ("since-2021", "all_periods_since(2021, evaluable)"),
        ("since-2023", 'all_periods_since("2023", tier == "good")'),
        ("since-2030", "not all_periods_since(2030, true)"),
    )
    history = awards.History.of_tables(HISTORY, "2024")
    frame = both(subject, history)
    assert earned(frame, "since-2021") == ["a"]
    assert earned(frame, "since-2023") == ["b", "c"]
    # a period after this one: undefined, so neither it nor its negation holds
    assert earned(frame, "since-2030") == []
    lines = {(r.unit, r.award): line(r.notes[0]) for r in awards.results(subject, history)}
    assert (
        lines["b", "since-2021"]
        == "all_periods_since(2021, evaluable) is no: 3 of the 4 periods: 2021, 2023, 2024"
    )
    assert lines["a", "since-2030"].endswith("is undefined: its first period comes after this one")


def test_only_periods_of_the_current_type_count():
    subject = framework(("two", 'streak(tier == "good") >= 2'))
    history = awards.History.of_tables(
        {
            "2023-H2": table(row("a", "good")),
            "2024": table(row("a", "good")),
            "2024-H1": table(row("a", "good")),
        },
        "2024-H1",
    )
    assert history.periods["period"].to_list() == ["2023-H2", "2024-H1"]
    assert earned(both(subject, history), "two") == ["a"]


def test_the_explanation_names_the_periods():
    subject = framework(("two", 'streak(tier == "good") >= 2'))
    history = awards.History.of_tables(HISTORY, "2024")
    assert awards.explain(subject, history, "b") == (
        'b earned "two" in 2024\n'
        '  streak(tier == "good") >= 2\n'
        '  streak(tier == "good") is 2: 2023, 2024'
    )
    document = awards.results(subject, history, ["a"])[0].to_dict()
    assert document["earned"] is False
    assert document["notes"] == [
        {"function": "streak", "call": 'streak(tier == "good")', "value": 1, "periods": ["2024"]}
    ]


# ------------------------------------------------------------------ quotas


def test_a_quota_withholds_the_award_from_the_lowest_scores_first():
    subject = framework(("q", 'tier == "good"', 0.5))
    current = table(
        row("u1", "good", 90),
        row("u2", "good", 70),
        row("u3", "good", 70),
        row("u4", "poor", 20),
        row("u5", None),
        row("v1", "good", 95, parent="q"),
    )
    history = awards.History.of_tables({"2024": current}, "2024")
    frame = both(subject, history)
    # p has 5 units: at most floor(2.5) = 2 of them; u2 and u3 tie at 70, the smaller id loses
    assert earned(frame, "q") == ["u1", "u3"]
    assert frame.filter(pl.col("withheld"))["unit"].to_list() == ["u2", "v1"]
    withheld = awards.results(subject, history, ["u2"])[0]
    assert withheld.met
    assert not withheld.earned
    assert withheld.withheld == awards.Withheld(parent="p", units=5, allowed=2, met=3, quota=0.5)
    assert withheld.explain().endswith(
        "  withheld: at most 2 of the 5 units of p may earn it (quota 50%); 3 met the condition, "
        "the lowest scores lose it"
    )
    assert "zurückgehalten: höchstens 2 der 5 Einheiten von p" in withheld.explain("de")
    assert withheld.to_dict()["withheld"] == {
        "parent": "p",
        "units": 5,
        "allowed": 2,
        "met": 3,
        "quota": 0.5,
    }


def test_a_unit_without_a_score_loses_a_quota_first():
    subject = framework(("q", "not evaluable", 0.25))
    current = table(row("a", None), row("b", None), row("c", "good"), row("d", "good"))
    assert earned(both(subject, awards.History.of_tables({"2024": current}, "2024")), "q") == ["b"]


# ------------------------------------------------------------------ loading


@pytest.mark.parametrize(
    ("require", "message"),
    [
        ('streak(tier == "god") >= 2', "unknown level 'god'"),
        ("streak(streak(true) > 1) >= 2", "streak cannot be used inside streak"),
        ("count_last(0, true) > 1", "the periods of count_last must be a whole number"),
        ("count_last(n, true) > 1", "the periods of count_last must be a whole number"),
        (
            "all_periods_since(20233, true)",
            "the first argument of all_periods_since must be a period",
        ),
        ("streak(true, false) > 1", "streak takes 1 argument, got 2"),
        ("streak(score) > 1", "expected a bool condition, got number"),
        ("streak(true)", "expected a bool condition, got integer"),
        ("scor > 50", "unknown input 'scor'"),
        ("rank < 3", "unknown input 'rank'"),
    ],
)
def test_a_wrong_award_condition_is_located(require, message):
    with pytest.raises(criteriakit.FrameworkError) as caught:
        framework(("x", require))
    problem = caught.value.problems[0]
    assert problem.path == "awards[0].require"
    assert message in problem.message
    assert problem.line is not None
    assert problem.column is not None


def test_an_unknown_name_lists_what_an_award_reads():
    with pytest.raises(criteriakit.FrameworkError) as caught:
        framework(("x", "scor > 50"))
    hint = caught.value.problems[0].hint
    assert hint is not None
    assert "did you mean 'score'?" in hint
    assert "tier, band_tier, score, max_score, evaluable" in hint


def test_award_ids_are_unique_and_quotas_are_shares():
    text = SMALL + (
        '\n[[awards]]\nid = "x"\ntitle = "X"\nrequire = \'evaluable\'\nquota = 0\n'
        '\n[[awards]]\nid = "x"\ntitle = "X"\nrequire = \'evaluable\'\n'
    )
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(text)
    found = {(problem.path, problem.message.split(",")[0]) for problem in caught.value.problems}
    assert found == {
        ("awards[0].quota", "quota must be above 0 and at most 1"),
        ("awards[1].id", "duplicate award id 'x'"),
    }


def test_history_functions_belong_to_awards():
    text = SMALL.replace('require = "done >= planned"', 'require = "streak(ok) > 1"')
    with pytest.raises(criteriakit.FrameworkError, match="unknown function 'streak'"):
        criteriakit.loads_framework(text)


def test_awards_are_merged_by_id_through_extends(tmp_path):
    base = SMALL + '\n[[awards]]\nid = "x"\ntitle = "X"\nrequire = \'streak(evaluable) >= 2\'\n'
    (tmp_path / "test.small.toml").write_text(base)
    (tmp_path / "local.toml").write_text(
        'extends = "test.small@1"\nid = "test.local"\nversion = "1"\n'
        '[[awards]]\nid = "x"\nquota = 0.5\n'
        '[[awards]]\nid = "y"\ntitle = "Y"\nrequire = \'previous(score) < score\'\n'
        'before = "x"\n'
    )
    (tmp_path / "removed.toml").write_text(
        'extends = "test.small@1"\nid = "test.removed"\nversion = "1"\n[remove]\nawards = ["x"]\n'
    )
    registry = criteriakit.Registry.load(autoload=False, plugin_dirs=[tmp_path])
    assert registry.problems == ()
    local = registry.get("test.local").compiled.awards
    assert [(award.id, award.quota) for award in local] == [("y", None), ("x", Fraction(1, 2))]
    assert local[1].require.text == "streak(evaluable) >= 2"
    assert registry.get("test.removed").compiled.awards == ()


# ------------------------------------------------------------------ bad history


def test_a_period_holding_a_unit_twice_is_refused():
    with pytest.raises(criteriakit.DataError, match="hold unit 'a' more than once"):
        awards.History.of_tables({"2024": table(row("a", "good"), row("a", "poor"))}, "2024")


def test_the_current_period_must_be_given():
    with pytest.raises(criteriakit.DataError, match="no results for 2024") as caught:
        awards.History.of_tables({"2023": table(row("a", "good"))}, "2024")
    assert caught.value.problems[0].hint == "periods given: 2023"


def test_results_of_another_framework_are_refused():
    subject = framework(("x", "evaluable"))
    history = awards.History.of_tables({"2024": table(row("a", "excellent"))}, "2024")
    with pytest.raises(
        criteriakit.DataError, match=r"'excellent', a tier test\.small@1 does not have"
    ):
        awards.decide(subject, history)


# ------------------------------------------------------------------ the engines agree

CONDITIONS = [
    'streak(tier == "good") >= 2',
    "streak(evaluable) >= 3 or previous(score) > 50",
    'count_last(3, tier >= "good") >= 2',
    "count_last(2, score > 60) == 0",
    "previous(score) < score",
    'previous(tier) == "poor" and tier == "good"',
    'all_periods_since(2021, tier == "good")',
    "all_periods_since(2023, evaluable) and streak(score >= 50) > 1",
    'not all_periods_since(2019, band_tier == "good")',
    "if(previous(evaluable), streak(evaluable), 0) >= 2",
]


@st.composite
def histories(draw: st.DrawFn) -> dict[str, pl.DataFrame]:
    units = [f"u{index}" for index in range(draw(st.integers(1, 6)))]
    parents = {unit: draw(st.sampled_from(["p", "q", None])) for unit in units}
    years = draw(st.lists(st.integers(2019, 2024), min_size=1, max_size=6, unique=True))
    if 2024 not in years:
        years.append(2024)
    tables = {}
    for year in years:
        rows = []
        for unit in units:
            if year != 2024 and draw(st.booleans()) and draw(st.booleans()):
                continue  # a gap
            tier = draw(st.sampled_from(["good", "poor", None]))
            score = draw(st.sampled_from([50.0, 60.0, 80.0, 80.0]))
            rows.append(row(unit, tier, score, parent=parents[unit]))
        tables[str(year)] = table(*rows)
    return tables


@settings(max_examples=150, deadline=None)
@given(
    tables=histories(),
    chosen=st.lists(st.sampled_from(CONDITIONS), min_size=1, max_size=3, unique=True),
    quota=st.sampled_from([None, 0.34, 0.5, 1.0]),
)
def test_both_engines_decide_the_same(tables, chosen, quota):
    subject = framework(
        *(
            (f"a{index}", text, quota) if quota else (f"a{index}", text)
            for index, text in enumerate(chosen)
        )
    )
    history = awards.History.of_tables(tables, "2024")
    frame = both(subject, history)
    decided = awards.results(subject, history)
    assert frame["earned"].to_list() == [result.earned for result in decided]
    # a few units decided alone: the same results, their siblings' part in quotas included
    some = sorted({result.unit for result in decided})[::2]
    alone = awards.results(subject, history, some)
    assert alone == tuple(result for result in decided if result.unit in some)


# ------------------------------------------------------------------ from a store, by the CLI


module_stores = store_kinds.module_stores


@pytest.fixture(scope="module")
def commune_store(module_stores, tmp_path_factory):
    """The commune evaluated for 2023 (generated with seed 2023) and 2024 into one store."""
    directory = tmp_path_factory.mktemp("commune")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples/generate_population.py"),
            "commune",
            str(directory / "2023"),
            "--seed",
            "2023",
        ],
        check=True,
    )
    store = module_stores.url("commune")
    runner = CliRunner()
    sources = {"2023": directory / "2023", "2024": ROOT / "examples/commune"}
    for period, folder in sources.items():
        result = runner.invoke(
            build_cli(),
            [
                "--no-autoload",
                "--plugin-dir",
                str(VN_FRAMEWORKS),
                "evaluate",
                "vn.four-good-committee@2024",
                str(folder / "committees.csv"),
                "--children",
                str(folder / "cells.csv"),
                "--children",
                str(folder / "members.jsonl"),
                "--period",
                period,
                "--store",
                store,
            ],
        )
        assert result.exit_code == 0, result.output
    return store


def _awards_cli(store: str | Path, *arguments: str):
    return CliRunner().invoke(
        build_cli(),
        [
            "--no-autoload",
            "--plugin-dir",
            str(VN_FRAMEWORKS),
            "awards",
            "vn.four-good-cell",
            "--store",
            str(store),
            *arguments,
        ],
    )


def two_years_running(store_url: str, tiers: list[str]) -> list[str]:
    """The commune's cells rated one of ``tiers`` in 2023 and 2024, in 2024's order.

    Worked out from the tiers stored, not by the awards: what the tests expect.
    """
    stored = store.open(store_url)
    before = stored.results("vn.four-good-cell", "2023").select("unit", before="tier")
    after = stored.results("vn.four-good-cell", "2024").select("unit", "tier")
    both = after.join(before, on="unit", how="left", maintain_order="left")
    return both.filter(pl.col("before").is_in(tiers) & pl.col("tier").is_in(tiers))[
        "unit"
    ].to_list()


def test_a_commune_gets_the_cells_that_earn_an_award_two_years_running(commune_store):
    expected = sorted(two_years_running(commune_store, ["excellent", "good"]))
    assert expected  # the two generated years have cells good or better in both

    shown = _awards_cli(commune_store, "--period", "2024", "--format", "json")
    assert shown.exit_code == 0, shown.output
    listed = json.loads(shown.output)["awards"]
    good = sorted(item["unit"] for item in listed if item["award"] == "good-two-years")
    assert good == expected
    assert all(
        item["notes"][0]["periods"] == ["2023", "2024"]
        for item in listed
        if item["award"] == "good-two-years"
    )

    text = _awards_cli(commune_store, "--period", "2024")
    assert text.exit_code == 0, text.output
    assert (
        f'"Good or better two years running" (good-two-years) in 2024: {len(expected)} of 21 units earned it'
        in text.output
    )
    assert (
        f'{expected[0]} earned "Good or better two years running" in 2024\n  streak(tier >= "good") >= 2\n  streak(tier >= "good") is 2: 2023, 2024'
        in text.output
    )

    table_csv = _awards_cli(commune_store, "--period", "2024", "--format", "csv")
    frame = pl.read_csv(table_csv.output.encode())
    assert frame.height == 2 * 21
    assert (
        sorted(
            frame.filter(pl.col("award") == "good-two-years")
            .filter(pl.col("earned"))["unit"]
            .to_list()
        )
        == expected
    )


def test_the_cli_says_what_is_wrong(commune_store, tmp_path):
    missing = _awards_cli(commune_store, "--period", "2022")
    assert missing.exit_code == 1
    assert "no run of vn.four-good-cell for 2022" in missing.output
    unknown = _awards_cli(commune_store, "--period", "2024", "-u", "K0001-C99")
    assert unknown.exit_code == 2
    assert "no result of unit 'K0001-C99' in 2024" in unknown.output
    none = CliRunner().invoke(
        build_cli(),
        [
            "--no-autoload",
            "--plugin-dir",
            str(VN_FRAMEWORKS),
            "awards",
            "vn.four-good-member",
            "--store",
            str(commune_store),
            "--period",
            "2024",
        ],
    )
    assert none.exit_code == 1
    assert "vn.four-good-member@2024 declares no [[awards]]" in none.output
    nowhere = _awards_cli(tmp_path / "none.duckdb", "--period", "2024")
    assert nowhere.exit_code == 1
    assert "there is no store here" in nowhere.output


def test_one_unit_with_every_award(commune_store):
    shown = _awards_cli(commune_store, "--period", "2023", "-u", "K0001-C01", "--all")
    assert shown.exit_code == 0, shown.output
    assert "K0001-C01 did not earn" in shown.output or "K0001-C01 earned" in shown.output
    assert "is 1: 2023" in shown.output or "is 0" in shown.output


# ------------------------------------------------------------------ case files with a history

CASES_HEADER = f"""
framework = "vn.four-good-cell@2024"
plugin_dirs = ["{VN_FRAMEWORKS}"]
period = "2024"

[inputs]
targets_assigned = 10
targets_met = 10
targets_exceeded = 4
action_plan_on_time = true
mass_orgs_total = 3
mass_orgs_good = 3
meetings_held = 12
attendance_rate = 0.95
thematic_meetings = 4
absence_rule_kept = true
members_disciplined = 0
half_years_approved = 2
disunity_found = false
members_rated = 15
members_good_or_better = 15
members_not_completed = 0
admissions = 1
admissions_target = 1
months_evaluated = 12
"""


def run_cases(tmp_path: Path, text: str) -> FileOutcome:
    path = tmp_path / "test_awards.toml"
    path.write_text(text, encoding="utf-8")
    return run_case_file(load_case_file(path), FrameworkFinder())


def test_a_case_that_expects_other_awards_fails_with_the_explanation(tmp_path):
    outcome = run_cases(
        tmp_path,
        CASES_HEADER
        + """
[[cases]]
name = "wrong"
history = [{ period = "2023", tier = "good" }, { period = "2022", tier = "excellent" }]
expect = { awards = ["excelent-two-years"] }
""",
    )
    (case,) = outcome.cases
    assert not case.passed
    rendered = case.render()
    line = (CASES_HEADER + "\n[[cases]]\nname\nhistory\nexpect").count("\n") + 1
    assert (
        f"test_awards.toml:{line}: awards: expected [excelent-two-years], got [good-two-years]: "
        in rendered
    )
    assert "missing excelent-two-years; unexpected good-two-years" in rendered
    assert (
        "(the framework has no award 'excelent-two-years'; did you mean 'excellent-two-years'?)"
        in rendered
    )
    assert 'unit earned "Good or better two years running" in 2024' in rendered
    assert 'streak(tier >= "good") is 3: 2022, 2023, 2024' in rendered


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            'history = [{ period = "2024", tier = "good" }]\nexpect.awards = []',
            "cases[0].history[0].period: 2024 is not a year before the file's period 2024",
        ),
        (
            'history = [{ period = "2023-H1", tier = "good" }]\nexpect.awards = []',
            "cases[0].history[0].period: 2023-H1 is not a year before the file's period 2024",
        ),
        (
            'history = [{ period = "2023" }, { period = "2023" }]\nexpect.awards = []',
            "cases[0].history[1].period: 2023 is given twice",
        ),
        (
            'history = [{ period = "23" }]\nexpect.awards = []',
            "cases[0].history[0].period: invalid period '23'",
        ),
    ],
)
def test_a_history_is_checked_when_the_file_loads(tmp_path, case, message):
    path = tmp_path / "test_awards.toml"
    path.write_text(CASES_HEADER + f'\n[[cases]]\nname = "x"\n{case}\n', encoding="utf-8")
    with pytest.raises(criteriakit.errors.CaseFileError) as caught:
        load_case_file(path)
    assert message in str(caught.value)


def test_awards_need_the_files_period(tmp_path):
    path = tmp_path / "test_awards.toml"
    header = CASES_HEADER.replace('period = "2024"\n', "")
    path.write_text(header + '\n[[cases]]\nname = "x"\nexpect.awards = []\n', encoding="utf-8")
    with pytest.raises(criteriakit.errors.CaseFileError) as caught:
        load_case_file(path)
    assert "cases[0].expect.awards: a case with expect.awards needs the file's period" in str(
        caught.value
    )
    assert 'add period = "2024" at the top of the file' in str(caught.value)


def test_a_history_given_for_a_case_with_units_belongs_to_each_unit(tmp_path):
    path = tmp_path / "test_awards.toml"
    text = '\n[[cases]]\nname = "x"\nhistory = []\n[[cases.units]]\nid = "a"\nexpect.awards = []\n'
    path.write_text(CASES_HEADER + text, encoding="utf-8")
    with pytest.raises(
        criteriakit.errors.CaseFileError, match="a case with units gives history per unit"
    ):
        load_case_file(path)


def test_a_plugin_function_without_a_columnar_form_runs_row_by_row_with_the_same_answer():
    local = criteriakit.Registry.load(autoload=False, plugin_dirs=[ROOT / "examples/local-plugin"])
    text = SMALL + (
        '\n[[awards]]\nid = "x"\ntitle = "X"\n'
        "require = 'count_last(2, incident_rate(score, max_score) > 100000) == 2'\n"
    )
    subject = criteriakit.loads_framework(text, extensions=local.extensions)
    history = awards.History.of_tables(
        {
            "2023": table(row("a", "good", 80), row("b", "good", 20)),
            "2024": table(row("a", "good", 90), row("b", None)),
        },
        "2024",
    )
    assert earned(both(subject, history), "x") == ["a"]


def test_show_lists_the_awards():
    shown = CliRunner().invoke(
        build_cli(),
        ["--no-autoload", "--plugin-dir", str(VN_FRAMEWORKS), "show", "vn.four-good-cell"],
    )
    assert shown.exit_code == 0, shown.output
    assert shown.output.endswith(
        "Awards:\n"
        '  good-two-years: streak(tier >= "good") >= 2 — Good or better two years running\n'
        '  excellent-two-years: streak(tier == "excellent") >= 2 (quota 20%) — '
        "Excellent two years running\n"
    )


def test_diff_lists_awards_added_removed_and_changed(tmp_path):
    (tmp_path / "test.small.toml").write_text(
        SMALL
        + '\n[[awards]]\nid = "x"\ntitle = "X"\nrequire = \'streak(evaluable) >= 2\'\n'
        + '\n[[awards]]\nid = "y"\ntitle = "Y"\nrequire = \'evaluable\'\n'
    )
    (tmp_path / "local.toml").write_text(
        'extends = "test.small@1"\nid = "test.local"\nversion = "1"\n'
        '[[awards]]\nid = "x"\nquota = 0.5\n'
        '[[awards]]\nid = "z"\ntitle = "Z"\nrequire = \'previous(score) < score\'\n'
        '[remove]\nawards = ["y"]\n'
    )
    shown = CliRunner().invoke(
        build_cli(),
        ["--no-autoload", "--plugin-dir", str(tmp_path), "diff", "test.small@1", "test.local@1"],
    )
    assert shown.exit_code == 0, shown.output
    assert "  ~ award x quota: (none) → 0.5\n" in shown.output
    assert "  - award y: Y (require evaluable)\n" in shown.output
    assert "  + award z: Z (require previous(score) < score)\n" in shown.output


def test_pandas_and_arrow_result_tables_give_the_same_decisions():
    subject = framework(("two", 'streak(tier == "good") >= 2'), ("q", 'tier == "good"', 0.5))
    expected = awards.decide(subject, awards.History.of_tables(HISTORY, "2024"))
    for convert in (lambda frame: frame.to_pandas(), lambda frame: frame.to_arrow()):
        given = {label: convert(frame) for label, frame in HISTORY.items()}
        history = awards.History.of_tables(given, "2024")
        assert awards.decide(subject, history).equals(expected)
        assert awards.decide(subject, history, engine="scalar").equals(expected)
    with pytest.raises(criteriakit.DataError, match="the results of 2024 are a list, not a frame"):
        awards.History.of_tables({"2024": [1, 2]}, "2024")


def test_a_title_the_file_lacks_in_the_language_asked_is_in_the_frameworks_own():
    text = SMALL.replace('version = "1"', 'version = "1"\nlanguage = "vi"', 1)
    text += (
        '\n[[awards]]\nid = "x"\ntitle = { vi = "Hai năm liền", en = "Two years" }\n'
        "require = 'streak(evaluable) >= 2'\n"
    )
    subject = criteriakit.loads_framework(text, source="titled.toml")
    history = awards.History.of_tables(HISTORY, "2024")
    titles = {result.title for result in awards.results(subject, history, ["a"], language="de")}
    assert titles == {"Hai năm liền"}
    titles = {result.title for result in awards.results(subject, history, language="en")}
    assert titles == {"Two years"}
