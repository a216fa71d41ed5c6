"""Where the documentation lives: error hints and help texts point at its pages.

The site is built from ``docs/`` (``tox -e docs``, mkdocs); a page ``docs/NAME.md`` is at
``SITE + NAME + "/"``. A hint names the page's address rather than a path in the repository,
which someone who installed criteriakit from an index does not have.
"""

from __future__ import annotations

__all__ = ["SITE", "page"]

SITE = "https://criteriakit.readthedocs.io/en/latest/"
"""The documentation site's address."""


def page(name: str, section: str | None = None) -> str:
    """Return the address of the page built from ``docs/{name}.md``, at ``section`` if given.

    ``section`` is a heading's anchor as the site makes it (``limits`` for "## Limits").
    """
    return f"{SITE}{name}/" + (f"#{section}" if section else "")
