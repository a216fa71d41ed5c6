"""criteriakit's own messages in every language: complete catalogues, and reports that use them.

The messages are extracted from the source as ``pybabel extract -F babel.cfg`` does; every
catalogue must translate each of them (and no other), with the same ``%(name)s`` placeholders.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

babel = pytest.importorskip("babel")

from babel.messages.extract import extract_from_dir  # noqa: E402 - needs Babel
from babel.messages.frontend import parse_mapping_cfg  # noqa: E402 - needs Babel
from babel.messages.pofile import read_po  # noqa: E402 - needs Babel

from criteriakit.render.language import LANGUAGES, FrameworkTexts, choose_language, words  # noqa: E402
from test_reports import commune_levels, run  # noqa: E402

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "src" / "criteriakit" / "locales"
FRAMEWORKS = ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
COMMUNE = ROOT / "examples" / "commune"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def source_messages() -> set[str]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(language: str):
    with (LOCALES / language / "LC_MESSAGES" / "criteriakit.po").open("rb") as source:
        return read_po(source, locale=language)


@pytest.mark.parametrize("language", [language for language in LANGUAGES if language != "en"])
def test_every_message_is_translated_and_no_other(language):
    messages = source_messages()
    assert len(messages) > 50
    translated = {}
    for entry in catalogue(language):
        if entry.id:
            key = entry.id if isinstance(entry.id, str) else entry.id[0]
            strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
            translated[key] = strings
    assert set(translated) - messages == set(), "messages the source no longer has"
    assert messages - set(translated) == set(), "messages without a translation"
    for message, strings in translated.items():
        assert all(strings), f"{message!r} is translated by an empty string"
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(message)), message


def test_a_language_without_a_catalogue_falls_back():
    assert choose_language("vi", "en") == "vi"
    assert choose_language(None, "de") == "de"
    assert choose_language("fr", "vi") == "vi"
    assert choose_language(None, "fr") == "en"
    assert words("fr").language == "en"


def test_numbers_follow_the_language():
    assert [words(language).number(1234.5) for language in ("en", "vi", "de")] == [
        "1234.50",
        "1.234,50",
        "1.234,50",
    ]
    assert words("vi").number(20.0) == "20"
    assert words("de").percent(0.571) == "57,1 %"
    assert [words("de").units(count) for count in (1, 2)] == ["1 Einheit", "2 Einheiten"]


def test_framework_titles_fall_back_to_the_framework_s_own_language():
    from criteriakit import Registry  # noqa: PLC0415

    cell = Registry.load(autoload=False, plugin_dirs=[FRAMEWORKS]).get("vn.four-good-cell", "2024")
    vietnamese = FrameworkTexts.of(cell.definition, "vi")
    assert vietnamese.title == "Chi bộ 4 tốt"
    assert FrameworkTexts.of(cell.definition, "de").title == "4-good party cell"


def report(tmp_path: Path, language: str, suffix: str) -> str:
    path = tmp_path / f"report.{language}{suffix}"
    done = run(
        "report",
        "vn.four-good-committee",
        *commune_levels(),
        "--language",
        language,
        "-o",
        str(path),
    )
    assert done.exit_code == 0, done.output
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["vi", "de"])
def test_no_english_is_left_in_a_translated_report(tmp_path, language):
    """Headings and table headers are all translated: none is a message in English."""
    text = report(tmp_path, language, ".md")
    lines = text.splitlines()
    labels = [line.lstrip("#").strip() for line in lines if line.startswith("#")]
    for index, line in enumerate(lines[:-1]):
        if line.startswith("| ") and lines[index + 1].startswith("| ---"):
            labels += [cell.strip() for cell in line.strip("|").split(" | ")]
    translations = {
        entry.id: entry.string for entry in catalogue(language) if isinstance(entry.id, str)
    }
    english = {message for message, string in translations.items() if message != string}
    assert english & set(labels) == set()
    assert any(label == translations["Tiers"] for label in labels)


def test_the_html_report_says_its_language(tmp_path):
    pytest.importorskip("matplotlib")
    page = report(tmp_path, "vi", ".html")
    assert '<html lang="vi">' in page
    assert "Cần làm gì để đạt mức" in page  # what it would take
    assert "Hoàn thành tốt cần hoàn thành tất cả các chỉ tiêu" in page  # a gate's message
    assert ">Xếp loại</h3>" in page


VN_FRAMEWORKS = sorted(ROOT.glob("plugins/criteriakit-vn-*/src/*/frameworks/*.toml"))


@pytest.mark.parametrize("path", VN_FRAMEWORKS, ids=lambda path: path.stem)
def test_every_vietnamese_framework_text_is_in_vietnamese_and_english(path):
    """Titles, and the messages of gates, vetoes, caps and quotas (not of input checks)."""
    found: list[tuple[str, object]] = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "title" or (key == "message" and ".checks" not in where):
                    found.append((f"{where}.{key}", value))
                else:
                    walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{where}[{index}]")

    walk(tomllib.loads(path.read_text(encoding="utf-8")), path.stem)
    assert found
    lacking = [
        where
        for where, title in found
        if not (isinstance(title, dict) and {"en", "vi"} <= set(title))
    ]
    assert lacking == []


def test_messages_in_several_languages_leave_plain_ones_as_they_were():
    import criteriakit  # noqa: PLC0415

    small = ROOT / "tests" / "data" / "good" / "small.toml"
    plain = criteriakit.load_framework(small)
    # the fingerprint of a file with plain messages is what it was before messages had languages
    assert (
        plain.fingerprint
        == "sha256:527536358a4930efeae63021f69b9571e5595104cfe0dc6b60ecb611c4b14c47"
    )
    text = small.read_text(encoding="utf-8").replace(
        'message = "Good needs everything done"',
        'message = { en = "Good needs everything done", vi = "Tốt cần hoàn thành mọi việc" }',
    )
    both = criteriakit.loads_framework(text)
    assert both.fingerprint != plain.fingerprint
    assert [gate.message for tier in both.compiled.tiers for gate in tier.gates] == [
        gate.message for tier in plain.compiled.tiers for gate in tier.gates
    ]
    texts = FrameworkTexts.of(both.definition, "vi")
    gate = both.definition.tiers[0].gates[0]
    assert texts.message(gate.id, "?") == "Tốt cần hoàn thành mọi việc"


def test_explanations_in_vietnamese():
    cells = str(ROOT / "examples" / "four-good" / "cells.csv")
    english = run("explain", "vn.four-good-cell", cells, "--unit", "C03")
    vietnamese = run("explain", "vn.four-good-cell", cells, "--unit", "C03", "--language", "vi")
    assert english.exit_code == vietnamese.exit_code == 0
    assert "Reasons:" in english.stdout
    assert "What it would take to reach" in english.stdout
    assert "Lý do:" in vietnamese.stdout
    assert "Cần làm gì để đạt mức" in vietnamese.stdout
    assert "Hoàn thành tốt cần hoàn thành tất cả các chỉ tiêu" in vietnamese.stdout
    assert "Chỉ tiêu đạt" in vietnamese.stdout  # an indicator's title
    assert "Reasons:" not in vietnamese.stdout
    assert (
        run("explain", "vn.four-good-cell", cells, "--unit", "C03", "--language", "en").stdout
        == english.stdout
    )


def test_the_command_line_offers_every_language():
    from criteriakit.cli._options import LANGUAGE_OPTION  # noqa: PLC0415 - the option alone

    @LANGUAGE_OPTION
    def command(language: str | None) -> None: ...

    [option] = command.__click_params__  # type: ignore[attr-defined]
    assert tuple(option.type.choices) == LANGUAGES


def test_lint_says_ok_in_the_language_asked_for():
    small = ROOT / "tests" / "data" / "good" / "small.toml"
    done = run("lint", str(small), "--language", "de")
    assert done.exit_code == 0
    assert done.stdout == (
        f"{small}: in Ordnung: test.small@1, 1 Kriterium, 2 Indikatoren, 2 Stufen, 1 Regel\n"
    )


def test_the_progress_bar_is_in_the_language_asked_for():
    from click.testing import CliRunner  # noqa: PLC0415

    from criteriakit.cli import build_cli  # noqa: PLC0415
    from test_reports import FRAMEWORKS as PLUGINS  # noqa: PLC0415

    arguments = ["evaluate", "vn.four-good-committee", *commune_levels(), "--language", "vi"]
    done = CliRunner(env={"FORCE_COLOR": "1"}).invoke(
        build_cli(),
        ["--no-autoload", "--plugin-dir", str(PLUGINS), *arguments],
        catch_exceptions=False,
    )
    assert done.exit_code == 0
    assert "đang đánh giá các đơn vị" in done.stderr
    assert "363/363" in done.stderr


def test_another_language_without_babel_is_an_error_naming_the_extra(monkeypatch):
    from criteriakit.errors import ReportError  # noqa: PLC0415
    from criteriakit.render import language  # noqa: PLC0415

    cells = str(ROOT / "examples" / "four-good" / "cells.csv")
    monkeypatch.setitem(sys.modules, "babel", None)
    language.translations.cache_clear()
    language.words.cache_clear()
    try:
        done = run("explain", "vn.four-good-cell", cells, "--unit", "C03", "--language", "vi")
        assert done.exit_code == 1
        assert done.stderr == (
            "1 problem:\nwriting in 'vi' needs Babel, which is not installed\n"
            "  hint: pip install 'criteriakit[cli]' (or the report extra), or write in 'en'\n"
        )
        with pytest.raises(ReportError, match="needs Babel"):
            words("de")
        assert run("explain", "vn.four-good-cell", cells, "--unit", "C03").exit_code == 0
    finally:
        language.translations.cache_clear()
        language.words.cache_clear()
