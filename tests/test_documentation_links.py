"""Links to the documentation lead somewhere: hints to its pages, pages to the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from criteriakit.documentation import SITE, page

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REPOSITORY = "https://github.com/criteriakit/criteriakit/"


def anchors(name: str) -> set[str]:
    """Return the anchors of ``docs/{name}.md``'s headings, as the site's table of contents makes them."""
    found = set()
    fenced = False
    for line in (DOCS / f"{name}.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (heading := re.match(r"#+ (.*)", line)):
            text = re.sub(r"[`*]", "", heading.group(1)).strip().lower()
            found.add(re.sub(r"[\s]+", "-", re.sub(r"[^\w\s-]", "", text)))
    return found


def linked_pages() -> list[tuple[str, str | None]]:
    """Return every (page, section) that the package's code links to with :func:`page`."""
    calls = re.compile(r"""page\(\s*["']([\w-]+)["'](?:\s*,\s*["']([\w-]+)["'])?\s*\)""")
    return sorted(
        {
            (match.group(1), match.group(2))
            for path in (ROOT / "src" / "criteriakit").rglob("*.py")
            for match in calls.finditer(path.read_text(encoding="utf-8"))
        },
        key=str,
    )


def test_the_code_links_to_pages():
    assert ("format", None) in linked_pages()
    assert page("testing", "case-files") == f"{SITE}testing/#case-files"


@pytest.mark.parametrize(("name", "section"), linked_pages())
def test_every_linked_page_and_section_is_on_the_site(name, section):
    assert (DOCS / f"{name}.md").is_file(), f"no docs/{name}.md"
    if section is not None:
        assert section in anchors(name), f"no heading with the anchor {section!r} in docs/{name}.md"


def repository_links() -> list[str]:
    pattern = re.compile(re.escape(REPOSITORY) + r"(?:blob|tree)/main/([^)#\s]+)")
    return sorted(
        {
            match.group(1)
            for path in DOCS.glob("*.md")
            for match in pattern.finditer(path.read_text(encoding="utf-8"))
        }
    )


@pytest.mark.parametrize("path", repository_links())
def test_every_link_into_the_repository_names_a_file_there(path):
    assert (ROOT / path).exists(), f"docs link to {path}, which the repository does not have"


def test_the_pages_link_into_the_repository_not_beside_the_site():
    for path in DOCS.glob("*.md"):
        relative = re.findall(r"\]\(\.\./[^)]*\)", path.read_text(encoding="utf-8"))
        assert not relative, f"{path.name}: {relative} leaves the site; link to {REPOSITORY}"
