"""The HTML report in a real browser: Debian's Chromium, headless, with the network shut.

Chromium renders the commune's report to screenshots (a desktop and a phone width) and to a PDF
(the print style sheet). The default run skips these tests when Chromium is not installed;
``tox -e browser`` sets ``CRITERIAKIT_REQUIRE_BROWSER``, so that a missing Chromium fails there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from criteriakit.render.colours import TIER_COLOURS
from test_reports import commune_levels, run

ROOT = Path(__file__).resolve().parent.parent.parent
FRAMEWORKS = ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
COMMUNE = ROOT / "examples" / "commune"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
"""Headless, and no name resolves: a page that fetched anything would show it broken."""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CRITERIAKIT_REQUIRE_BROWSER"):
            pytest.fail("Chromium is not installed (apt-get install chromium)")
        pytest.skip(
            "Chromium is not installed (tox -e browser installs nothing; CI's .ci/run does)"
        )
    return found


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    pytest.importorskip("matplotlib")
    path = tmp_path_factory.mktemp("browser") / "commune.html"
    done = run("report", "vn.four-good-committee", *commune_levels(), "-o", str(path))
    assert done.exit_code == 0, done.output
    return path


def render(report: Path, tmp_path: Path, *arguments: str) -> None:
    profile = tmp_path / "profile"
    subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", *arguments, report.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
        cwd=tmp_path,
    )


def colours(png: Path) -> set[str]:
    """Return the colours a screenshot uses, as ``#rrggbb``."""
    from matplotlib import image  # noqa: PLC0415 - the test extra's image reader

    pixels = (image.imread(png)[:, :, :3] * 255).round().astype(int)
    flat = {tuple(pixel) for pixel in pixels.reshape(-1, 3)}
    return {"#{:02x}{:02x}{:02x}".format(*pixel) for pixel in flat}


@pytest.mark.parametrize("width", [1000, 390])
def test_the_charts_and_tables_are_drawn(report, tmp_path, width):
    shot = tmp_path / "shot.png"
    render(report, tmp_path, f"--window-size={width},2400", f"--screenshot={shot}")
    found = colours(shot)
    assert "#90a4ae" in found  # the histogram's bars
    assert "#eceff1" in found  # the criteria's maxima
    assert {TIER_COLOURS[0], TIER_COLOURS[1], TIER_COLOURS[-1]} <= found  # the tier colours
    assert "#f5f7f9" in found  # the tables' header rows


def test_the_page_prints_on_a4(report, tmp_path):
    pdf = tmp_path / "report.pdf"
    render(report, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages > 10  # the overview, then a section per listed unit
    sizes = {
        tuple(round(float(n)) for n in box)
        for box in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    }
    assert sizes == {(595, 842)}  # A4 in points


def test_the_dom_has_every_section(report, tmp_path):
    result = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={tmp_path / 'p'}", "--dump-dom", report.as_uri()],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = result.stdout
    assert dom.count("<svg") == 11  # committee 3 charts, cells 4, members 4
    assert len(re.findall(r'<section class="unit"', dom)) == 1 + 21 + 200


@pytest.fixture(scope="module")
def stored_report(tmp_path_factory) -> Path:
    """The commune's report from a store holding its data for 2023 and 2024: with awards."""
    pytest.importorskip("matplotlib")
    pytest.importorskip("duckdb")
    folder = tmp_path_factory.mktemp("stored")
    store = str(folder / "results.duckdb")
    for period in ("2023", "2024"):
        stored = run(
            "evaluate", "vn.four-good-committee@2024", *commune_levels(),
            "--period", period, "--store", store,
        )  # fmt: skip
        assert stored.exit_code == 0, stored.output
    path = folder / "stored.html"
    done = run(
        "report", "--store", store, "--period", "2024", "--framework", "vn.four-good-committee",
        "-o", str(path),
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    return path


def test_a_stored_report_shows_the_awards(stored_report, tmp_path):
    result = subprocess.run(
        [
            chromium(),
            *FLAGS,
            f"--user-data-dir={tmp_path / 'p'}",
            "--dump-dom",
            stored_report.as_uri(),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = result.stdout
    assert dom.count('<section class="awards"') == 1  # the cells' level alone declares awards
    assert "Good or better two years running" in dom
    # the same data both years: every cell good or better in 2024 earns it, explained
    assert 'streak(tier &gt;= "good") is 2: 2023, 2024' in dom
