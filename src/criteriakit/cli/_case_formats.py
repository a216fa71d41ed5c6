"""What ``criteriakit test`` ran, in each of its forms: text, a JSON document, JUnit XML.

Each case file's run becomes a :class:`FileRun` and the counts a :class:`Totals`; the text for
people, the JSON document and the JUnit XML for CI dashboards are all written from them, so
that the three always agree. The JSON keys and the XML are part of the contract
(docs/testing.md) and are never translated; the text is in the command's language.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import attrs

from criteriakit.testing.assertions import describe_result

if TYPE_CHECKING:
    from criteriakit.render.language import Words
    from criteriakit.testing.coverage import RuleCoverage
    from criteriakit.testing.runner import CaseOutcome, FileOutcome

__all__ = ["FileRun", "Totals", "junit_xml", "render_cases_json", "render_run"]


@attrs.frozen
class FileRun:
    """One case file's run: its source, the framework tested and its cases, or why it could not run.

    ``error`` is the text of what stopped the file (a bad case file, a framework that does not
    load); then it has no cases.
    """

    source: str
    framework: str | None = None
    cases: tuple[CaseOutcome, ...] = ()
    error: str | None = None

    @classmethod
    def of(cls, outcome: FileOutcome) -> FileRun:
        """Return the run of a case file that loaded: its cases, or the framework's error."""
        source = outcome.case_file.source
        if outcome.error is not None or outcome.framework is None:
            return cls(source, error=outcome.render_error())
        return cls(source, outcome.framework.ref, outcome.cases)


@attrs.frozen
class Totals:
    """The counts of a run: cases passed and failed, files that could not run, files in all."""

    passed: int
    failed: int
    errors: int
    files: int

    @classmethod
    def of(cls, runs: Sequence[FileRun]) -> Totals:
        """Count the cases and errors of ``runs``."""
        cases = [case for run in runs for case in run.cases]
        passed = sum(1 for case in cases if case.passed)
        errors = sum(1 for run in runs if run.error is not None)
        return cls(passed, len(cases) - passed, errors, len(runs))

    @property
    def ok(self) -> bool:
        """Whether every case passed and every file ran (exit status 0)."""
        return not (self.failed or self.errors)

    def render(self, words: Words) -> str:
        """``3 passed, 1 failed, 1 error in 2 files``, in the command's language."""
        _, ngettext = words.gettext, words.ngettext
        parts = [_("%(count)s passed") % {"count": self.passed}]
        if self.failed:
            parts.append(_("%(count)s failed") % {"count": self.failed})
        if self.errors:
            errors = ngettext("%(count)s error", "%(count)s errors", self.errors)
            parts.append(errors % {"count": self.errors})
        files = ngettext("in %(count)s file", "in %(count)s files", self.files)
        return f"{', '.join(parts)} {files % {'count': self.files}}"


def render_run(run: FileRun, words: Words, *, quiet: bool = False, verbose: bool = False) -> str:
    """Return a file's lines: its framework, each case PASS or FAIL with the failures' details.

    ``quiet`` leaves out the passing cases (and a file without failures altogether);
    ``verbose`` adds each passing case's results, as a failure shows them.
    """
    _ = words.gettext
    if run.error is not None:
        head = _("%(file)s: ERROR") % {"file": run.source}
        return f"{head}\n{_indent(run.error, 2)}"
    if quiet and all(case.passed for case in run.cases):
        return ""
    passed, failed = _("PASS"), _("FAIL")
    lines = [f"{run.source}: {run.framework}"]
    for case in run.cases:
        if not case.passed:
            lines.append(f"  {failed}  {case.case.name} ({run.source}:{case.line})")
            lines.append(_indent(case.details(), 8))
        elif not quiet:
            lines.append(f"  {passed}  {case.case.name}")
            if verbose:
                lines.extend(_indent(describe_result(result), 8) for result in case.results)
    return "\n".join(lines)


def _indent(text: str, width: int) -> str:
    return "\n".join(" " * width + line for line in text.splitlines())


def _case(run: FileRun, case: CaseOutcome) -> dict[str, Any]:
    """One case as JSON: where it is, its name, its outcome and each failure with its line."""
    return {
        "file": run.source,
        "line": case.line,
        "name": case.case.name,
        "framework": run.framework,
        "outcome": "passed" if case.passed else "failed",
        "failures": [
            {"line": failure.line, "message": failure.message} for failure in case.failures
        ],
    }


def render_cases_json(
    runs: Sequence[FileRun], coverage: Sequence[RuleCoverage] | None = None
) -> str:
    """Return the JSON document of a run: every case, the files that could not run, the counts.

    With ``coverage`` (``--coverage``), each framework's rules and how the cases exercised them.
    """
    document: dict[str, Any] = {
        "cases": [_case(run, case) for run in runs for case in run.cases],
        "errors": [
            {"file": run.source, "message": run.error} for run in runs if run.error is not None
        ],
    }
    if coverage is not None:
        document["coverage"] = [attrs.asdict(framework) for framework in coverage]
    document["summary"] = attrs.asdict(Totals.of(runs))
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    r"""Return ``text`` with the characters XML 1.0 cannot hold written as ``\xNN``."""
    return _NOT_XML.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def _classname(source: str) -> str:
    """Return a case file's JUnit class name, as pytest names a module: ``checks.test_team``."""
    path = PurePath(source).with_suffix("")
    parts = path.parts[1:] if path.anchor else path.parts
    return ".".join(part for part in parts if part not in {".", ".."})


def _testcase(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=classname, name=_xml_text(name))


def _problem(case: ET.Element, tag: str, message: str, text: str) -> None:
    """Add a ``failure`` or ``error`` element: its first line as the message, all as the text."""
    first = message.splitlines()[0] if message else ""
    element = ET.SubElement(case, tag, message=_xml_text(first))
    element.text = _xml_text(text)


def junit_xml(runs: Sequence[FileRun], *, seconds: float, started: dt.datetime) -> str:
    """Return the run as JUnit XML, as pytest writes it: one test suite, a test case per case.

    A case file that could not run is a test case with an ``error`` (as pytest reports a
    collection error), named after the file; a failing case has a ``failure`` whose message is
    its first failure and whose text gives them all, with the results they concern.
    """
    totals = Totals.of(runs)
    suites = ET.Element("testsuites", name="criteriakit test")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="criteriakit",
        errors=str(totals.errors),
        failures=str(totals.failed),
        skipped="0",
        tests=str(totals.passed + totals.failed + totals.errors),
        time=f"{seconds:.3f}",
        timestamp=started.isoformat(),
    )
    for run in runs:
        classname = _classname(run.source)
        if run.error is not None:
            _problem(_testcase(suite, classname, run.source), "error", run.error, run.error)
        for case in run.cases:
            element = _testcase(suite, classname, case.case.name)
            if not case.passed:
                _problem(element, "failure", case.failures[0].message, case.details())
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, "unicode") + "\n"
