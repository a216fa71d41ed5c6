"""Periods: labels, results marked with their period, versions by date, monthly rows gathered."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import criteriakit
from criteriakit.cli import build_cli
from criteriakit.data import UnitRow
from criteriakit.data.monthly import MonthlyRow, collect_months, read_monthly
from criteriakit.model.period import Period
from criteriakit.scalar.hierarchy import evaluate_levels

FRAMEWORKS = (
    Path(__file__).resolve().parent.parent
    / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
)
MEMBER = criteriakit.load_framework(FRAMEWORKS / "vn.four-good-member.toml")
TASKS = {"tasks_assigned": 4, "tasks_done": 4, "tasks_exceeded": 2, "disciplined": False}


@pytest.mark.parametrize(
    ("label", "kind", "start", "end"),
    [
        ("2024", "year", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("2024-H2", "half-year", dt.date(2024, 7, 1), dt.date(2024, 12, 31)),
        ("2023-Q1", "quarter", dt.date(2023, 1, 1), dt.date(2023, 3, 31)),
        ("2024-02", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ],
)
def test_period_labels(label, kind, start, end):
    period = Period.parse(label)
    assert (period.type, period.label, period.start, period.end) == (kind, label, start, end)
    assert start in period
    assert end + dt.timedelta(days=1) not in period


@pytest.mark.parametrize("label", ["24", "2024-13", "2024-H3", "2024-Q5", "2024/06", ""])
def test_invalid_period_labels(label):
    with pytest.raises(criteriakit.DataError, match="invalid period"):
        Period.parse(label)


def test_results_carry_their_period_through_json():
    result = MEMBER.evaluate({**TASKS, "monthly_scores": [80] * 12}, unit="M1", period="2024")
    assert result.period == Period.parse("2024")
    data = result.to_dict()
    assert data["period"] == {
        "type": "year",
        "label": "2024",
        "start": "2024-01-01",
        "end": "2024-12-31",
    }
    assert criteriakit.Result.from_dict(json.loads(json.dumps(data))) == result
    assert MEMBER.evaluate({**TASKS, "monthly_scores": [80]}).period is None


def months(unit: str, scores: dict[str, object]) -> list[MonthlyRow]:
    return [
        MonthlyRow(unit, month, {"score": score}, row)
        for row, (month, score) in enumerate(scores.items(), 1)
    ]


def test_monthly_rows_are_gathered_in_month_order_within_the_period():
    rows = months(
        "M1", {"2024-03": 90, "2024-01": 70, "2023-12": 10, "2024-02": None, "2025-01": 50}
    )
    gathered = collect_months(rows, Period.parse("2024"), {"monthly_scores": "score"})
    assert gathered == {"M1": {"monthly_scores": [70, 90]}}
    twice = [
        MonthlyRow("M1", "2024-01", {"score": 1}, 1),
        MonthlyRow("M1", "2024-01", {"score": 2}, 2),
    ]
    with pytest.raises(criteriakit.DataError, match=r"two rows for 2024-01 \(rows 1 and 2\)"):
        collect_months(twice, Period.parse("2024"), {"m": "score"})


def test_a_year_of_monthly_reviews_gives_the_annual_member_result():
    member = UnitRow("M1", TASKS, 1)
    reviews = months("M1", {f"2024-{month:02d}": "90" for month in range(1, 13)})
    (level,) = evaluate_levels(MEMBER, [[member]], period=Period.parse("2024"), monthly=reviews)
    (result,) = level.results
    assert result.inputs["monthly_scores"] == [90.0] * 12
    assert (result.score, result.band_tier, result.period.label) == (90, "excellent", "2024")
    # alone in its cell, an excellent member is over the 20 % quota (0 good): demoted to good
    assert (result.tier, result.reason_codes) == ("good", ("excellent-at-most-20-percent-of-good",))
    (half,) = evaluate_levels(MEMBER, [[member]], period=Period.parse("2024-H1"), monthly=reviews)
    assert half.results[0].inputs["monthly_scores"] == [90.0] * 6


def test_monthly_data_errors():
    member = UnitRow("M1", {**TASKS, "monthly_scores": [80]}, 4)
    reviews = months("M1", {"2024-01": 90})
    with pytest.raises(criteriakit.DataError) as caught:
        evaluate_levels(MEMBER, [[member]], period=Period.parse("2024"), monthly=reviews)
    assert (
        caught.value.problems[0].message
        == "input 'monthly_scores' is gathered from the monthly data; the data gives it too"
    )
    assert caught.value.problems[0].row == 4
    with pytest.raises(criteriakit.DataError, match="monthly data needs the period"):
        evaluate_levels(MEMBER, [[UnitRow("M1", TASKS, 1)]], monthly=reviews)
    bad = months("M1", {"2024-01": "lots"})
    with pytest.raises(criteriakit.DataError, match="item 0: expected a number, got 'lots'"):
        evaluate_levels(
            MEMBER,
            [[UnitRow("M1", TASKS, 1)]],
            period=Period.parse("2024"),
            monthly=bad,
        )


def test_read_monthly_reports_bad_rows(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text("id,period,score\nM1,2024-01,80\n,2024-02,70\nM1,2024,60\n")
    with pytest.raises(criteriakit.DataError) as caught:
        read_monthly(path)
    assert [(problem.row, problem.path) for problem in caught.value.problems] == [
        (2, "id"),
        (3, "period"),
    ]
    path.write_text("id,period,score\nM1,2024-01,80\n")
    assert read_monthly(path) == [MonthlyRow("M1", "2024-01", {"score": "80"}, 1)]


def test_the_cli_gathers_monthly_reviews_and_picks_the_version_by_period(tmp_path):
    member_2023 = (
        (FRAMEWORKS / "vn.four-good-member.toml")
        .read_text()
        .replace('version = "2024"', 'version = "2023"')
    )
    member_2023 = member_2023.replace(
        "valid_from = 2024-05-19", "valid_from = 2023-01-01\nvalid_until = 2024-05-18"
    )
    plugins = tmp_path / "frameworks"
    plugins.mkdir()
    (plugins / "member-2024.toml").write_text((FRAMEWORKS / "vn.four-good-member.toml").read_text())
    (plugins / "member-2023.toml").write_text(member_2023)
    (tmp_path / "members.csv").write_text(
        "id,tasks_assigned,tasks_done,tasks_exceeded,disciplined\nM1,4,4,2,no\n"
    )
    (tmp_path / "reviews.csv").write_text(
        "id,period,score\n" + "".join(f"M1,2023-{m:02d},75\n" for m in range(1, 13))
    )
    arguments = [
        "--no-autoload",
        "--plugin-dir",
        str(plugins),
        "evaluate",
        "vn.four-good-member",
        str(tmp_path / "members.csv"),
    ]
    result = CliRunner().invoke(
        build_cli(),
        [
            *arguments,
            "--period",
            "2023",
            "--monthly",
            str(tmp_path / "reviews.csv"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    (member,) = json.loads(result.stdout)["results"]
    assert (member["version"], member["period"]["label"], member["score"], member["tier"]) == (
        "2023",
        "2023",
        75,
        "good",
    )
    later = CliRunner().invoke(
        build_cli(),
        [
            *arguments,
            "--period",
            "2024",
            "--monthly",
            str(tmp_path / "reviews.csv"),
            "--format",
            "json",
        ],
    )
    (member,) = json.loads(later.stdout)["results"]
    assert member["version"] == "2024"
    assert member["score"] is None  # no review in 2024: the mean of nothing is not evaluable
    bad = CliRunner().invoke(build_cli(), [*arguments, "--period", "2024-13"])
    assert bad.exit_code == 2
    assert "invalid period '2024-13'" in bad.output
