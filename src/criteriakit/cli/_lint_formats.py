"""What ``criteriakit lint`` found, for programs: a JSON document or a SARIF 2.1.0 log.

Each file linted becomes a :class:`Linted` value; both formats are written from the same values,
each problem with its file, line, column, key path, message and hint. The keys are part of the
contract (docs/format.md) and are never translated. SARIF is what code-scanning dashboards
read (GitHub's among them): one run of the tool ``criteriakit``, one rule per kind of error,
one result per problem.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Sequence
from importlib import metadata
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import attrs

from criteriakit._version import __version__
from criteriakit.errors import CriteriaKitError, Problem

if TYPE_CHECKING:
    from criteriakit.scalar.framework import Framework

__all__ = ["SARIF_SCHEMA", "Linted", "lint_document", "render_lint", "sarif_log"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SEVERITY = "error"
"""Every problem lint reports stops the file from loading: none is a mere warning."""


@attrs.frozen
class Linted:
    """One file linted: the framework it defines, or the error listing its problems."""

    file: str
    framework: Framework | None = None
    error: CriteriaKitError | None = None

    @property
    def problems(self) -> tuple[Problem, ...]:
        """The error's problems; an error that lists none is one problem of the whole file."""
        if self.error is None:
            return ()
        listed = tuple(
            problem
            for problem in getattr(self.error, "problems", ())
            if isinstance(problem, Problem)
        )
        return listed or (Problem(str(self.error), file=self.file),)

    @property
    def found(self) -> int:
        """How many problems the file has: more than listed when a limit cut the list."""
        return max(len(self.problems), int(getattr(self.error, "total", 0)))

    @property
    def rule(self) -> str:
        """The kind of the file's error (``FrameworkError``), its SARIF rule id."""
        return type(self.error).__name__


def render_lint(output_format: str, linted: Sequence[Linted]) -> str:
    """Return the document of ``output_format`` (``json`` or ``sarif``), with a final newline."""
    document = sarif_log(linted) if output_format == "sarif" else lint_document(linted)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _problem(problem: Problem, file: str) -> dict[str, Any]:
    """One problem as JSON: where (file, line, column, key path), what and how to fix it."""
    return {
        "file": problem.file or file,
        "line": problem.line,
        "column": problem.column,
        "key_path": problem.path,
        "message": problem.message,
        "hint": problem.hint,
        "severity": SEVERITY,
    }


def lint_document(linted: Sequence[Linted]) -> dict[str, Any]:
    """Return lint's JSON document: each file with its framework or its problems, and the counts."""
    files = [
        {
            "file": entry.file,
            "ok": entry.error is None,
            "framework": entry.framework.ref if entry.framework is not None else None,
            "problems": [_problem(problem, entry.file) for problem in entry.problems],
            "problems_found": entry.found,
        }
        for entry in linted
    ]
    failed = sum(1 for entry in linted if entry.error is not None)
    summary = {
        "files": len(linted),
        "ok": len(linted) - failed,
        "failed": failed,
        "problems": sum(entry.found for entry in linted),
    }
    return {"files": files, "summary": summary}


def sarif_log(linted: Sequence[Linted]) -> dict[str, Any]:
    """Return a SARIF 2.1.0 log of one run: the tool with its rules, one result per problem."""
    kinds: dict[str, type[CriteriaKitError]] = {}
    for entry in linted:
        if entry.error is not None:
            kinds.setdefault(entry.rule, type(entry.error))
    index = {rule: number for number, rule in enumerate(kinds)}
    driver: dict[str, Any] = {"name": "criteriakit", "version": __version__}
    home = _home_page()
    if home is not None:
        driver["informationUri"] = home
    driver["rules"] = [
        {"id": rule, "name": rule, "shortDescription": {"text": _summary(kind)}}
        for rule, kind in kinds.items()
    ]
    results = [
        _result(problem, entry, index[entry.rule]) for entry in linted for problem in entry.problems
    ]
    run = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _result(problem: Problem, entry: Linted, rule_index: int) -> dict[str, Any]:
    """One SARIF result: the rule, the message (with its key path and hint), the place."""
    text = f"{problem.path}: {problem.message}" if problem.path else problem.message
    if problem.hint:
        text += f"\nhint: {problem.hint}"
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(problem.file or entry.file)}}
    if problem.line is not None:
        region = {"startLine": problem.line}
        if problem.column is not None:
            region["startColumn"] = problem.column
        location["region"] = region
    result: dict[str, Any] = {
        "ruleId": entry.rule,
        "ruleIndex": rule_index,
        "level": SEVERITY,
        "message": {"text": text},
        "locations": [{"physicalLocation": location}],
    }
    properties = {"keyPath": problem.path, "hint": problem.hint}
    if any(properties.values()):
        result["properties"] = {name: value for name, value in properties.items() if value}
    return result


def _uri(file: str) -> str:
    """Return a file as a SARIF artifact URI: a relative path stays relative (to the working folder)."""
    path = PurePath(file)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix())


def _summary(kind: type[CriteriaKitError]) -> str:
    """Return the first sentence of an error class's docstring, without its reST marks."""
    doc = inspect.getdoc(kind) or kind.__name__
    return doc.split("\n", 1)[0].split("; ", 1)[0].replace("``", "").rstrip(".") + "."


def _home_page() -> str | None:
    """Return the project's home page from the installed metadata (None when not installed)."""
    try:
        urls = metadata.metadata("criteriakit").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    pages = dict(url.split(", ", 1) for url in urls if ", " in url)
    return pages.get("Homepage") or pages.get("Documentation") or pages.get("Repository")
