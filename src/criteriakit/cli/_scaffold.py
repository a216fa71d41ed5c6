"""Generate a plugin distribution to start from: ``criteriakit new-plugin NAME``.

The plugin ``NAME`` (lower-case words joined by ``-``, like ``acme-coal``) is created in the
folder ``NAME/`` as the distribution ``criteriakit-NAME`` (a name that already starts with
``criteriakit-`` is kept as it is) with the package ``criteriakit_NAME`` (``-`` becomes ``_``),
registered under the entry point ``NAME`` of the ``criteriakit`` group. It holds a framework
file, its Python tests and a case file, which pass once the folder is installed with pip. The
files are made from the templates in ``criteriakit/templates/plugin/`` (``string.Template``
placeholders such as ``${package}``).
"""

from __future__ import annotations

import importlib.resources
import os
import re
import shutil
import string
from pathlib import Path

import attrs

from criteriakit._version import __version__
from criteriakit.errors import CriteriaKitError

__all__ = ["PluginNames", "ScaffoldError", "create_plugin", "plugin_names", "requirement"]

_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")
_MAX_NAME = 60
_PREFIX = "criteriakit-"

_FILES = (
    ("pyproject.toml.tmpl", "pyproject.toml"),
    ("README.md.tmpl", "README.md"),
    ("gitignore.tmpl", ".gitignore"),
    ("init.py.tmpl", "src/{package}/__init__.py"),
    ("py.typed.tmpl", "src/{package}/py.typed"),
    ("framework.toml.tmpl", "src/{package}/frameworks/{framework_id}.toml"),
    ("test_plugin.py.tmpl", "tests/test_{module}.py"),
    ("test_cases.toml.tmpl", "tests/test_{module}_cases.toml"),
)
"""Each template and the path it is written to inside the plugin's folder."""


class ScaffoldError(CriteriaKitError):
    """A plugin cannot be generated: an invalid name, or its folder exists already."""


@attrs.frozen
class PluginNames:
    """The names a plugin goes by, all derived from the name given.

    ``folder`` is the folder created, ``distribution`` the name pip knows, ``package`` the
    import name, ``entry_point`` the name in the ``criteriakit`` entry-point group and in
    ``criteriakit plugins``, ``module`` the stem of the test files, ``framework_id`` the id of
    the example framework.
    """

    folder: str
    distribution: str
    package: str
    entry_point: str
    module: str
    framework_id: str


def plugin_names(name: str) -> PluginNames:
    """Derive a plugin's names from ``name``; raise :class:`ScaffoldError` if it is invalid."""
    if not _NAME.match(name) or len(name) > _MAX_NAME:
        raise ScaffoldError(
            f"invalid plugin name {name!r}: use lower-case letters and digits, in words joined "
            f"by '-', starting with a letter, at most {_MAX_NAME} characters (like 'acme-coal')"
        )
    if name == "criteriakit":
        raise ScaffoldError(
            "invalid plugin name 'criteriakit': name the plugin after what it adds, like 'acme-coal'"
        )
    short = name.removeprefix(_PREFIX)
    distribution = f"{_PREFIX}{short}"
    return PluginNames(
        folder=name,
        distribution=distribution,
        package=distribution.replace("-", "_"),
        entry_point=short,
        module=short.replace("-", "_"),
        framework_id=f"{short}.team-review",
    )


def _title(names: PluginNames) -> str:
    words = names.entry_point.replace("-", " ")
    return f"{words[:1].upper()}{words[1:]} team review"


def requirement(version: str) -> str:
    """Return the criteriakit a new plugin depends on: this release series, from ``version`` on.

    A version between releases (``0.1.0.dev248+g…``) admits that release's pre-releases. The
    upper bound is the next minor release while criteriakit is 0.x (its minor releases may
    change what plugins rely on), else the next major.
    """
    found = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", version)
    major, minor, micro = (int(part or 0) for part in found.groups()) if found else (0, 0, 0)
    between = "dev" in version or "+" in version or found is None
    lower = f"{major}.{minor}.{micro}" + (".dev0" if between else "")
    upper = f"0.{minor + 1}" if major == 0 else f"{major + 1}"
    return f"criteriakit>={lower},<{upper}"


def _render(template: str, names: PluginNames) -> str:
    text = (importlib.resources.files("criteriakit") / "templates" / "plugin" / template).read_text(
        encoding="utf-8"
    )
    values = {
        **attrs.asdict(names),
        "title": _title(names),
        "criteriakit_requirement": requirement(__version__),
    }
    return string.Template(text).substitute(values)


def create_plugin(name: str, parent: str | os.PathLike[str] = ".") -> list[Path]:
    """Create the plugin ``name`` in the folder ``parent/name``; return the files written.

    Raises :class:`ScaffoldError` if the name is invalid or ``parent/name`` exists. If writing
    fails part way, the folder is removed again.
    """
    names = plugin_names(name)
    target = Path(parent) / names.folder
    try:
        target.mkdir()
    except FileExistsError:
        raise ScaffoldError(
            f"{target} exists already: choose another name or move it away"
        ) from None
    try:
        written = []
        for template, pattern in _FILES:
            path = target / pattern.format(**attrs.asdict(names))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_render(template, names), encoding="utf-8")
            written.append(path)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return written
