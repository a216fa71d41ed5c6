"""Reports: ``criteriakit report`` and :mod:`criteriakit.reports` on the commune and on edge cases."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import criteriakit
from criteriakit import Registry
from criteriakit.cli import build_cli
from criteriakit.compare import compare_results
from criteriakit.data import UnitRow, read_units
from criteriakit.errors import ReportError
from criteriakit.model.period import Period
from criteriakit.reports import render_markdown, summarise, write_report
from criteriakit.scalar.hierarchy import evaluate_levels

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
COMMUNE = ROOT / "examples" / "commune"
FILES = ("committees.csv", "cells.csv", "members.jsonl")
SMALL = Path(__file__).parent / "data" / "good" / "small.toml"


def commune_levels() -> list[str]:
    """The commune's data as a command's arguments: committees, then the levels below."""
    arguments = [str(COMMUNE / FILES[0])]
    for name in FILES[1:]:
        arguments += ["--children", str(COMMUNE / name)]
    return arguments


def run(*args: str):
    return CliRunner().invoke(
        build_cli(),
        ["--no-autoload", "--plugin-dir", str(FRAMEWORKS), *args],
        catch_exceptions=False,
    )


@pytest.fixture(scope="module")
def commune():
    registry = Registry.load(autoload=False, plugin_dirs=[FRAMEWORKS])
    levels = [read_units(COMMUNE / name) for name in FILES]
    return evaluate_levels(registry.get("vn.four-good-committee", "2024"), levels)


@pytest.fixture(scope="module")
def markdown(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "commune.md"
    arguments = commune_levels()
    done = run("report", "vn.four-good-committee", *arguments, "--period", "2024", "-o", str(path))
    assert done.exit_code == 0, done.output
    return path.read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """Return the part of ``text`` from the line ``heading`` to the next heading of its level."""
    level = heading.split(" ", maxsplit=1)[0]
    start = text.index(heading + "\n")
    rest = text[start + len(heading) + 1 :]
    found = re.search(rf"^{level} ", rest, flags=re.MULTILINE)
    return text[start : start + len(heading) + 1 + (found.start() if found else len(rest))]


def table_rows(text: str) -> list[list[str]]:
    """Return the body rows of the first Markdown table in ``text``, as cells."""
    lines = text.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("|"))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append(line)
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in table[2:]]


def test_the_tier_counts_are_the_evaluation_s(markdown, commune):
    for level in commune:
        counts = Counter(result.tier for result in level.results)
        title = level.framework.title()
        overview = section(markdown, f"## {title} ({level.framework.ref})")
        rows = table_rows(section(overview, "### Tiers"))
        assert {row[0]: int(row[3]) for row in rows} == {
            tier: counts.get(tier, 0) for tier in level.framework.tiers
        }
        histogram = table_rows(section(overview, "### Scores"))
        assert sum(int(row[2]) for row in histogram) == len(level.results)


def test_each_cell_s_members_are_counted_under_it(markdown, commune):
    members = commune[2]
    overview = section(markdown, f"## {members.framework.title()} ({members.framework.ref})")
    rows = {row[0]: row for row in table_rows(section(overview, "### Units by parent"))}
    c07 = [result for result in members.results if result.parent == "K0001-C07"]
    assert int(rows["K0001-C07"][1]) == len(c07)
    tiers = list(members.framework.tiers)
    for index, tier in enumerate(tiers):
        assert int(rows["K0001-C07"][2 + index]) == sum(result.tier == tier for result in c07)


def test_a_cell_s_section_says_why_and_what_would_raise_it(markdown, commune):
    cell = next(result for result in commune[1].results if result.unit == "K0001-C07")
    heading = next(line for line in markdown.splitlines() if line.startswith("#### K0001-C07:"))
    assert heading.startswith(f"#### K0001-C07: {cell.tier} (")
    text = section(markdown, heading)
    assert cell.improvement is not None
    assert f"What it would take to reach {cell.improvement.target}:" in text
    for criterion in cell.criteria:
        assert any(row[0] == f"**{criterion.id}**" for row in table_rows(text))
    assert markdown.startswith("# 4-good grassroots party committee, 2024\n")


def test_gates_that_held_units_back_are_counted(markdown, commune):
    held = Counter(
        reason.code
        for result in commune[1].results
        for reason in result.reasons
        if reason.kind == "gate"
    )
    cells = commune[1].framework
    overview = section(markdown, f"## {cells.title()} ({cells.ref})")
    rows = {row[0]: int(row[3]) for row in table_rows(section(overview, "### What decided tiers"))}
    assert rows == dict(held)


def test_an_unknown_format_is_refused_before_any_evaluation(tmp_path):
    target = tmp_path / "report.pdf"
    done = run("report", "vn.four-good-cell", str(tmp_path / "absent.csv"), "-o", str(target))
    assert done.exit_code == 1
    assert "cannot write a report as .pdf" in done.output
    assert "name the output with one of: .html, .md, .xlsx" in done.output
    assert not target.exists()


def test_the_report_file_is_required():
    done = run("report", "vn.four-good-cell", str(COMMUNE / "cells.csv"))
    assert done.exit_code == 2
    assert "name the report file with -o" in done.output


def small_results(count: int, parent: str | None = None):
    framework = criteriakit.load_framework(SMALL)
    rows = [
        UnitRow(f"u{n:03}", {"done": n % 5, "planned": 4, "ok": n % 2 == 0}, n + 1, parent)
        for n in range(count)
    ]
    (level,) = evaluate_levels(framework, [rows])
    return level


def test_a_large_level_lists_its_lowest_and_highest_units():
    level = small_results(30)
    summary = summarise(level.framework, level.results, limit=6)
    assert not summary.complete
    scores = sorted(result.score for result in level.results)
    listed = [result.score for result in summary.listed]
    assert listed[:3] == scores[:3]
    assert listed[3:] == scores[-3:]
    text = render_markdown([summary])
    assert "30 units are too many to list: the 3 lowest and 3 highest scores follow." in text
    assert text.count("\n#### u") == 6


def test_table_cells_cannot_break_a_table():
    level = small_results(2, parent="a|b\nc")
    text = render_markdown([summarise(level.framework, level.results)])
    rows = table_rows(section(text, "### Units by parent"))
    assert rows == [["a\\|b c", "2", *(str(count) for count in rows[0][2:])]]


def test_write_report_writes_the_file_and_refuses_other_formats(tmp_path):
    level = small_results(3)
    path = tmp_path / "r.md"
    write_report([level], path, period=Period.parse("2024-H1"))
    assert path.read_text(encoding="utf-8").startswith("# Small, 2024-H1\n")
    with pytest.raises(ReportError, match=r"cannot write a report as a file without a suffix"):
        write_report([level], tmp_path / "report")


def test_the_workbook_holds_every_unit_with_numbers_as_numbers(tmp_path, commune):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "commune.xlsx"
    arguments = commune_levels()
    done = run("report", "vn.four-good-committee", *arguments, "-o", str(path))
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", *(level.framework.title()[:31] for level in commune)]
    for level, name in zip(commune, book.sheetnames[1:], strict=True):
        sheet = book[name]
        header = [cell.value for cell in sheet[1]]
        rows = {
            row[0]: dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)
        }
        assert set(rows) == {result.unit for result in level.results}
        for result in level.results:
            row = rows[result.unit]
            assert isinstance(row["score"], int | float)  # a number, never text
            assert row["score"] == pytest.approx(result.score)
            assert row["tier"] == result.tier
            assert row["reasons"] == (", ".join(result.reason_codes) or None)
            first = result.criteria[0]
            assert row[f"criterion:{first.id}"] == pytest.approx(first.score)
        assert sheet.freeze_panes == "B2"
        tiers = {rule.formula[0] for rules in sheet.conditional_formatting for rule in rules.rules}
        assert tiers == {f'"{tier}"' for tier in level.framework.tiers}
    summary = [row for row in book["Summary"].iter_rows(values_only=True) if row[0] == "excellent"]
    assert [row[3] for row in summary] == [
        sum(result.tier == "excellent" for result in level.results) for level in commune
    ]


def test_a_level_too_long_for_a_worksheet_is_refused_not_cut(tmp_path, monkeypatch):
    pytest.importorskip("xlsxwriter")
    from criteriakit.reports import excel  # noqa: PLC0415 - its limit is lowered here

    monkeypatch.setattr(excel, "SHEET_ROWS", 5)  # a header and four units
    write_report([small_results(4)], tmp_path / "fits.xlsx")
    assert (tmp_path / "fits.xlsx").exists()
    with pytest.raises(ReportError) as caught:
        write_report([small_results(5)], tmp_path / "r.xlsx")
    (problem,) = caught.value.problems
    assert problem.message == "test.small@1: 5 units: more than the 4 rows a worksheet holds"
    assert problem.file == str(tmp_path / "r.xlsx")
    assert ".html or .md" in problem.hint
    assert not (tmp_path / "r.xlsx").exists()
    before = small_results(6).results  # two units more: six movements, two of them removals
    with pytest.raises(ReportError) as caught:
        write_report([small_results(4)], tmp_path / "r.xlsx", before=[before])
    assert caught.value.problems[0].message == (
        "test.small@1: 6 movements: more than the 4 rows a worksheet holds"
    )


def test_a_workbook_without_xlsxwriter_says_which_extra_to_install(tmp_path, monkeypatch):
    import importlib.util  # noqa: PLC0415 - patched here

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "xlsxwriter" else real(name, *a),
    )
    with pytest.raises(ReportError, match="needs xlsxwriter, which is not installed") as caught:
        write_report([small_results(2)], tmp_path / "r.xlsx")
    assert (
        caught.value.problems[0].hint
        == "install the report extra: pip install 'criteriakit[report]'"
    )
    assert not (tmp_path / "r.xlsx").exists()


def test_sheet_names_are_valid_and_distinct():
    from criteriakit.reports.excel import _sheet_name  # noqa: PLC0415 - the naming rule alone

    taken = {"summary"}
    names = [_sheet_name(title, taken) for title in ("a/b: c?", "x" * 40, "x" * 40, "Summary")]
    assert names == ["a-b- c-", "x" * 31, "x" * 27 + " (2)", "Summary (2)"]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    pytest.importorskip("matplotlib")
    pytest.importorskip("jinja2")
    path = tmp_path_factory.mktemp("report") / "commune.html"
    arguments = commune_levels()
    done = run("report", "vn.four-good-committee", *arguments, "--period", "2024", "-o", str(path))
    assert done.exit_code == 0, done.output
    return path.read_text(encoding="utf-8")


def test_the_page_loads_nothing(page):
    """No script, style sheet, font or image is fetched: namespaces are names, not addresses."""
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "@import" not in page
    assert "<metadata>" not in page
    fetched = re.findall(
        r"""(?:src|href)\s*=\s*["']([^"'#][^"']*)["']|url\(\s*["']?([^)"'#][^)"']*)""", page
    )
    assert fetched == []


def test_every_chart_has_its_table(page, commune):
    sections = page.split('<section id="level-')[1:]
    assert len(sections) == len(commune)
    for level, text in zip(commune, sections, strict=True):
        charts = re.findall(r'<figure role="img" aria-label="[^"]+"><svg', text)
        has_parents = any(result.parent for result in level.results)
        assert len(charts) == 3 + has_parents  # tiers, scores, criteria (, units by parent)
        followed = re.findall(r"</svg>\s*</figure>\s*<div class=\"scroll\"><table>", text)
        assert len(followed) == len(charts)  # each chart is followed by its table
        for tier in level.framework.tiers:
            assert f">{tier}</span>" in text


def test_the_page_lists_every_unit_and_what_it_would_take(page, commune):
    for index, level in enumerate(commune, start=1):
        ids = re.findall(rf'<section class="unit" id="u{index}-([^"]+)">', page)
        assert len(ids) == min(len(level.results), 200)
    cell = next(result for result in commune[1].results if result.unit == "K0001-C07")
    unit = page[page.index('id="u2-K0001-C07"') :]
    unit = unit[: unit.index("</section>")]
    assert f"What it would take to reach {cell.improvement.target}:" in unit
    assert unit.count("<meter") == len(cell.criteria) + sum(
        len(c.indicators) for c in cell.criteria
    )


def test_text_from_the_files_is_shown_as_text(tmp_path):
    pytest.importorskip("matplotlib")
    level = small_results(3, parent="<script>alert(1)</script>")
    path = tmp_path / "r.html"
    write_report([level], path)
    page = path.read_text(encoding="utf-8")
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_report_shows_how_units_moved_since_an_earlier_period(tmp_path):
    framework = criteriakit.load_framework(SMALL)
    before_rows = [UnitRow(f"u{n}", {"done": 4, "planned": 4, "ok": True}, n + 1) for n in range(4)]
    after_rows = [
        UnitRow(f"u{n}", {"done": n, "planned": 4, "ok": n % 2 == 0}, n + 1) for n in range(1, 5)
    ]
    (before,) = evaluate_levels(framework, [before_rows])
    (after,) = evaluate_levels(framework, [after_rows])
    path = tmp_path / "moves.md"
    write_report([after], path, before=[before.results])
    text = path.read_text(encoding="utf-8")
    moves = section(text, "### Movements since before")
    comparison = compare_results(
        before.results, after.results, tier_order={"test.small": framework.tiers}
    )
    counts = comparison.counts
    [row] = table_rows(moves)
    assert [int(cell) for cell in row] == [
        counts[key] for key in ("up", "down", "same", "added", "removed")
    ]
    assert counts["added"] == counts["removed"] == 1


def test_the_report_command_compares_with_earlier_results(tmp_path):
    before = tmp_path / "before.json"
    cells = str(ROOT / "examples" / "four-good" / "cells.csv")
    done = run("evaluate", "vn.four-good-cell", cells, "--format", "json", "-o", str(before))
    assert done.exit_code == 0, done.output
    path = tmp_path / "report.md"
    done = run("report", "vn.four-good-cell", cells, "--compare", str(before), "-o", str(path))
    assert done.exit_code == 0, done.output
    [row] = table_rows(section(path.read_text(encoding="utf-8"), "### Movements since before"))
    assert row == ["0", "0", "21", "0", "0"]
    twice = run(
        "report",
        "vn.four-good-cell",
        cells,
        "--compare",
        str(before),
        "--compare",
        str(before),
        "-o",
        str(path),
    )
    assert twice.exit_code == 2
    assert "give at most one file per level" in twice.output


def test_text_tables_line_up_wide_and_combining_characters():
    from criteriakit.render import render_text_table  # noqa: PLC0415 - the table layout alone

    decomposed = "Chi bo\u0323\u0302 4 to\u0302\u0301t"  # "Chi bộ 4 tốt" with combining marks
    text = render_text_table(
        ("name", "n"), [[decomposed, "1"], ["Chi bộ 4 tốt", "22"], ["党支部", "333"]], right={"n"}
    )
    from rich.cells import cell_len  # noqa: PLC0415

    widths = {cell_len(line) for line in text.splitlines()}
    assert widths == {len("Chi bộ 4 tốt") + 2 + 3}


@pytest.mark.parametrize(
    ("environment", "coloured"),
    [({}, False), ({"FORCE_COLOR": "1"}, True), ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False)],
)
def test_tiers_are_coloured_on_a_terminal_only(environment, coloured):
    cells = str(ROOT / "examples" / "four-good" / "cells.csv")
    done = CliRunner(env=environment).invoke(
        build_cli(),
        ["--no-autoload", "--plugin-dir", str(FRAMEWORKS), "evaluate", "vn.four-good-cell", cells],
        catch_exceptions=False,
    )
    assert done.exit_code == 0
    assert ("\x1b[" in done.stdout) is coloured
    plain = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)
    assert plain == run("evaluate", "vn.four-good-cell", cells).stdout
    if coloured:
        assert "\x1b[1;32mexcellent\x1b[0m" in done.stdout  # the best tier in green
    failed = CliRunner(env=environment).invoke(
        build_cli(),
        ["--no-autoload", "evaluate", "vn.four-good-cell", cells],
        catch_exceptions=False,
    )
    assert failed.exit_code == 1
    assert ("\x1b[31m" in failed.stderr) is coloured  # the problem in red


@pytest.mark.parametrize(("environment", "shown"), [({}, False), ({"FORCE_COLOR": "1"}, True)])
def test_a_progress_bar_counts_units_on_a_terminal_only(environment, shown):
    arguments = commune_levels()
    done = CliRunner(env=environment).invoke(
        build_cli(),
        [
            "--no-autoload",
            "--plugin-dir",
            str(FRAMEWORKS),
            "evaluate",
            "vn.four-good-committee",
            *arguments,
        ],
        catch_exceptions=False,
    )
    assert done.exit_code == 0
    assert ("363/363" in done.stderr) is shown  # 1 committee, 21 cells, 341 members
    plain = run("evaluate", "vn.four-good-committee", *arguments).stdout
    assert re.sub(r"\x1b\[[0-9;]*m", "", done.stdout) == plain  # the results are the same


def test_criteriakit_report_writes_a_report_from_files(tmp_path):
    registry = Registry.load(autoload=False, plugin_dirs=[FRAMEWORKS])
    committee = registry.get("vn.four-good-committee", "2024")
    path = tmp_path / "commune.md"
    criteriakit.report(
        committee,
        COMMUNE / FILES[0],
        path,
        children=[COMMUNE / name for name in FILES[1:]],
        period="2024",
        language="vi",
    )
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Đảng bộ cơ sở 4 tốt, 2024\n")
    assert "### Xếp loại" in text
    with pytest.raises(ReportError, match=r"cannot write a report as \.pdf"):
        criteriakit.report(committee, COMMUNE / FILES[0], tmp_path / "r.pdf")
    with pytest.raises(criteriakit.DataError):
        criteriakit.report(committee, tmp_path / "absent.csv", path)


def test_the_workbook_has_a_sheet_of_movements(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    before = tmp_path / "before.json"
    cells = str(ROOT / "examples" / "four-good" / "cells.csv")
    assert (
        run("evaluate", "vn.four-good-cell", cells, "--format", "json", "-o", str(before)).exit_code
        == 0
    )
    path = tmp_path / "report.xlsx"
    done = run("report", "vn.four-good-cell", cells, "--compare", str(before), "-o", str(path))
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", "4-good party cell", "4-good party cell ±"]
    rows = list(book["4-good party cell ±"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Unit", "Before", "After", "Score change")
    assert len(rows) == 22
    assert all(row[1] == row[2] and row[3] == 0 for row in rows[1:])
