"""Reports show awards: a stored period's report decides each level's awards over its history.

The commune is evaluated for 2023 (generated) and 2024 into a store (``test_awards``'s fixture);
its cells' framework declares two awards. The expected earners are worked out from the stored tiers
here, not by the code under test. A small framework with a quota covers the withheld counts.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

import criteriakit
import store_kinds
import test_awards
from criteriakit import awards
from criteriakit.data import UnitRow
from criteriakit.render.table import ResultTable
from criteriakit.reports import write_report
from criteriakit.scalar.hierarchy import evaluate_levels
from test_reports import commune_levels, run, section, table_rows

SMALL = (Path(__file__).parent / "data" / "good" / "small.toml").read_text()
GOOD = 'streak(tier >= "good") >= 2'
CELLS = "vn.four-good-cell"
GOOD_TITLE = "Good or better two years running"

module_stores = store_kinds.module_stores
commune_store = test_awards.commune_store  # the commune evaluated for 2023 and 2024, stored


@pytest.fixture(scope="module")
def expected(commune_store) -> dict[str, list[str]]:
    """The cells that met each award's condition in 2024, in the period's order, from the tiers."""
    return {
        "good-two-years": test_awards.two_years_running(commune_store, ["excellent", "good"]),
        "excellent-two-years": test_awards.two_years_running(commune_store, ["excellent"]),
    }


def stored_report(store_url: str, output: Path, *options: str) -> str:
    done = run(
        "report", "--store", store_url, "--period", "2024", "--framework", "vn.four-good-committee",
        "-o", str(output), *options,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    return output.read_text(encoding="utf-8") if output.suffix != ".xlsx" else ""


def overview(text: str, framework: str) -> str:
    """The overview of the level of ``framework`` (its ``## title (ref)`` section)."""
    heading = next(line for line in text.splitlines() if line.endswith(f"({framework}@2024)"))
    return section(text, heading)


def unit_section(text: str, unit: str) -> str:
    heading = next(line for line in text.splitlines() if line.startswith(f"#### {unit}:"))
    return section(text, heading)


@pytest.fixture(scope="module")
def markdown(commune_store, tmp_path_factory):
    return stored_report(commune_store, tmp_path_factory.mktemp("report") / "awards.md")


def test_the_overview_counts_the_cells_that_earned_each_award(markdown, expected):
    good = expected["good-two-years"]
    assert good  # the two years have cells good or better in both
    excellent = expected["excellent-two-years"]
    allowed = 21 // 5  # quota 0.2 of the committee's 21 cells
    awarded = section(overview(markdown, CELLS), "### Awards")
    counts, earners = awarded.split("\n\n| Award | Earned by |")
    assert table_rows(counts) == [
        ["good-two-years", GOOD_TITLE, str(len(good)), "0", "21"],
        [
            "excellent-two-years",
            "Excellent two years running",
            str(min(len(excellent), allowed)),
            str(max(0, len(excellent) - allowed)),
            "21",
        ],
    ]
    listed = {row[0]: row[1] for row in table_rows("| Award | Earned by |" + earners)}
    assert listed["good-two-years"] == ", ".join(good)  # all of them: fewer than --limit


def test_a_listed_cell_s_section_explains_its_award(markdown, expected):
    earner = expected["good-two-years"][0]
    text = unit_section(markdown, earner)
    assert (
        f'Awards:\n\n- {earner} earned "{GOOD_TITLE}" in 2024\n'
        f"  - `{GOOD}`\n"
        '  - streak(tier >= "good") is 2: 2023, 2024\n'
    ) in text
    others = [
        line.removeprefix("#### ").split(":")[0]
        for line in section(markdown, "## Units: 4-good party cell").splitlines()
        if line.startswith("#### ")
    ]
    assert len(others) == 21
    missed = [unit for unit in others if unit not in expected["good-two-years"]]
    assert missed  # some cells met no award: their sections say nothing of awards
    for unit in missed:
        assert "Awards:" not in unit_section(markdown, unit)


def test_levels_without_awards_show_none(markdown):
    for framework in ("vn.four-good-committee", "vn.four-good-member"):
        assert "### Awards" not in overview(markdown, framework)
    members = markdown[markdown.index("## Units: Party member classification") :]
    assert "Awards:" not in members
    assert markdown.count("### Awards") == 1


def test_a_small_limit_lists_that_many_earners_and_counts_the_rest(
    commune_store, expected, tmp_path
):
    good = expected["good-two-years"]
    assert len(good) > 4
    text = stored_report(commune_store, tmp_path / "limited.md", "--limit", "4")
    awarded = section(overview(text, CELLS), "### Awards")
    row = dict(table_rows(awarded[awarded.index("| Award | Earned by |") :]))
    assert row["good-two-years"] == f"{', '.join(good[:4])} and {len(good) - 4} more"
    cells = section(text, "## Units: 4-good party cell")
    listed = re.findall(r"^#### (\S+):", cells, flags=re.MULTILINE)
    assert len(listed) == 4
    for unit in listed:
        shown = f'- {unit} earned "{GOOD_TITLE}" in 2024' in unit_section(text, unit)
        assert shown is (unit in good)


def test_the_page_shows_the_awards_and_each_cell_s_explanation(commune_store, expected, tmp_path):
    pytest.importorskip("jinja2")
    pytest.importorskip("matplotlib")
    page = stored_report(commune_store, tmp_path / "awards.html")
    cells = page.split('<section id="level-')[2]
    awarded = cells[cells.index('<section class="awards">') :]
    assert "<h3>Awards</h3>" in awarded
    good = expected["good-two-years"]
    assert (
        f"<tr><td><code>good-two-years</code></td><td>{GOOD_TITLE}</td>"
        f'<td class="n">{len(good)}</td><td class="n">0</td><td class="n">21</td></tr>'
    ) in awarded
    assert f"<td>{', '.join(good)}</td>" in awarded
    assert page.count('<section class="awards">') == 1  # the cells' level only
    unit = page[page.index(f'id="u2-{good[0]}"') :]
    unit = unit[: unit.index("</section>")]
    assert f"<li>{good[0]} earned &#34;{GOOD_TITLE}&#34; in 2024<ul>" in unit
    assert "<li><code>streak(tier &gt;= &#34;good&#34;) &gt;= 2</code></li>" in unit
    assert "<li>streak(tier &gt;= &#34;good&#34;) is 2: 2023, 2024</li>" in unit


def test_the_workbook_has_a_sheet_of_the_awarded_cells(commune_store, expected, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "awards.xlsx"
    stored_report(commune_store, path, "--limit", "4")  # the sheet holds every unit all the same
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[-1] == "Awards"
    header, *rows = book["Awards"].iter_rows(values_only=True)
    assert header == ("Unit", "Parent", "Award", "Title", "Decision", "Framework")
    good = [row for row in rows if row[2] == "good-two-years"]
    assert [row[0] for row in good] == expected["good-two-years"]
    assert {row[1:] for row in good} == {
        ("K0001", "good-two-years", GOOD_TITLE, "earned", "vn.four-good-cell@2024")
    }
    excellent = [row for row in rows if row[2] == "excellent-two-years"]
    assert [row[0] for row in excellent] == expected["excellent-two-years"]
    assert book["Awards"].freeze_panes == "B2"


def test_a_vietnamese_report_translates_the_awards(commune_store, expected, tmp_path):
    text = stored_report(commune_store, tmp_path / "vi.md", "--language", "vi")
    awarded = section(overview(text, CELLS), "### Danh hiệu")
    rows = table_rows(awarded)
    assert rows[0][:3] == [
        "good-two-years",
        "Hai năm liền hoàn thành tốt nhiệm vụ trở lên",
        str(len(expected["good-two-years"])),
    ]
    assert "| Danh hiệu | Tên | Đạt | Không được công nhận do tỷ lệ khống chế | Đơn vị |" in awarded
    assert "| Danh hiệu | Đơn vị đạt |" in awarded
    earner = expected["good-two-years"][0]
    assert (
        f'Danh hiệu:\n\n- {earner} đạt "Hai năm liền hoàn thành tốt nhiệm vụ trở lên" kỳ 2024\n'
    ) in unit_section(text, earner)
    assert "Awards" not in text


def test_a_report_from_data_files_has_no_awards(tmp_path):
    path = tmp_path / "files.md"
    done = run(
        "report", "vn.four-good-committee", *commune_levels(), "--period", "2024", "-o", str(path)
    )
    assert done.exit_code == 0, done.output
    text = path.read_text(encoding="utf-8")
    assert "### Awards" not in text
    assert "Awards:" not in text


# ------------------------------------------------------------------ write_report in Python


def small(require: str | None, quota: float | None = None) -> criteriakit.Framework:
    """The small framework (tiers good, poor), with one award, or none."""
    text = SMALL
    if require is not None:
        text += (
            '\n[[awards]]\nid = "twice"\ntitle = { en = "Good twice", de = "Zweimal gut" }\n'
            f"require = '{require}'\n"
        )
    if quota is not None:
        text += f"quota = {quota}\n"
    return criteriakit.loads_framework(text, source="awarded.toml")


def evaluated(framework: criteriakit.Framework, good: range, count: int = 6):
    """``count`` units of parent ``p``: those in ``good`` good, with scores ``100``, others poor."""
    rows = [
        UnitRow(f"u{n}", {"done": 4, "planned": 4, "ok": n in good}, n + 1, "p")
        for n in range(count)
    ]
    (level,) = evaluate_levels(framework, [rows])
    return level


def result_table(level) -> pl.DataFrame:
    table = ResultTable.of(level.framework, level.results)
    return pl.DataFrame(table.rows, schema=list(table.names), orient="row")


def small_history(framework: criteriakit.Framework):
    """2023: every unit good; 2024: u0 … u4 good, u5 poor. Return 2024's level and history."""
    before, after = evaluated(framework, range(6)), evaluated(framework, range(5))
    tables = {"2023": result_table(before), "2024": result_table(after)}
    return after, awards.History.of_tables(tables, "2024")


def test_a_quota_s_withheld_units_are_counted_and_explained(tmp_path):
    framework = small('streak(tier == "good") >= 2', quota=0.5)
    level, history = small_history(framework)
    path = tmp_path / "quota.md"
    write_report([level], path, histories=[history])
    text = path.read_text(encoding="utf-8")
    awarded = section(text, "### Awards")
    assert table_rows(awarded)[0] == ["twice", "Good twice", "3", "2", "6"]  # 3 of 6 may earn it
    earned = table_rows(awarded[awarded.index("| Award | Earned by |") :])[0][1].split(", ")
    assert len(earned) == 3
    for unit in ("u0", "u1", "u2", "u3", "u4"):
        shown = unit_section(text, unit)
        if unit in earned:
            assert f'- {unit} earned "Good twice" in ' in shown
        else:
            assert f'- {unit} did not earn "Good twice" in 2024' in shown
            assert (
                "withheld: at most 3 of the 6 units of p may earn it (quota 50%); "
                "5 met the condition, the lowest scores lose it"
            ) in shown
    assert "Awards:" not in unit_section(text, "u5")  # did not meet the condition
    german = tmp_path / "quota.de.md"
    write_report([level], german, histories=[history], language="de", limit=2)
    text = german.read_text(encoding="utf-8")
    awarded = section(text, "### Auszeichnungen")
    assert table_rows(awarded)[0] == ["twice", "Zweimal gut", "3", "2", "6"]
    [[_, earners]] = table_rows(awarded[awarded.index("| Auszeichnung | Erhalten von |") :])
    assert re.fullmatch(r"u\d, u\d und 1 weitere", earners)


def test_the_workbook_lists_withheld_units(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    framework = small('streak(tier == "good") >= 2', quota=0.5)
    level, history = small_history(framework)
    path = tmp_path / "quota.xlsx"
    write_report([level], path, histories=[history])
    _, *rows = openpyxl.load_workbook(path)["Awards"].iter_rows(values_only=True)
    decisions = {row[0]: row[4] for row in rows}
    assert sorted(decisions) == ["u0", "u1", "u2", "u3", "u4"]
    assert sorted(decisions.values()) == ["earned"] * 3 + ["withheld"] * 2


def test_a_framework_without_awards_shows_none_whatever_the_history(tmp_path):
    level, history = small_history(small(None))
    path = tmp_path / "none.md"
    write_report([level], path, histories=[history])
    text = path.read_text(encoding="utf-8")
    assert "### Awards" not in text
    assert "Awards:" not in text
    awarded, _ = small_history(small('streak(tier == "good") >= 2'))
    write_report([awarded], path)  # an awarded framework, no history: no awards either
    assert "Awards" not in path.read_text(encoding="utf-8")
