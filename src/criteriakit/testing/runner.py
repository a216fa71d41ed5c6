"""Running case files: each case's units evaluated, compared, and every failure located.

Both the pytest plugin and ``criteriakit test`` run cases through :func:`run_case`, so a case
fails with the same message in both. A failure names the case file and the line of the
expectation that did not hold (or of the input that was rejected), then summarises the result.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from criteriakit._problems import KeyPath, did_you_mean
from criteriakit.data import UnitRow
from criteriakit.errors import CriteriaKitError, DataError, Problem, UnknownFrameworkError
from criteriakit.loading import load_framework
from criteriakit.model.period import Period
from criteriakit.model.results import Result
from criteriakit.registry import Registry
from criteriakit.scalar.framework import Framework
from criteriakit.scalar.hierarchy import evaluate_levels
from criteriakit.testing.assertions import Expectation, codes, compare, describe_result
from criteriakit.testing.cases import Case, CaseFile, PastResult

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "CaseOutcome",
    "Failure",
    "FileOutcome",
    "FrameworkFinder",
    "PluginSetup",
    "find_framework",
    "run_case",
    "run_case_file",
]


@attrs.frozen
class PluginSetup:
    """The plugins a case file asks for: local plugin directories, and installed plugins or not."""

    plugin_dirs: tuple[str, ...] = ()
    installed: bool = False


def _load_registry(setup: PluginSetup) -> Registry:
    return Registry.load(autoload=setup.installed, plugin_dirs=setup.plugin_dirs)


class FrameworkFinder:
    """Finds the framework each case file tests, building one registry per plugin setup.

    ``load_registry`` builds the registry of a setup; the default loads the built-in plugin,
    the setup's plugin directories and, if asked, the installed plugins.
    """

    def __init__(self, load_registry: Callable[[PluginSetup], Registry] = _load_registry) -> None:
        self._load_registry = load_registry
        self._registries: dict[PluginSetup, Registry] = {}

    def registry(self, setup: PluginSetup) -> Registry:
        """Return the registry of ``setup``, loading it the first time it is asked for."""
        if setup not in self._registries:
            self._registries[setup] = self._load_registry(setup)
        return self._registries[setup]

    def framework_for(self, case_file: CaseFile) -> Framework:
        """Return the framework ``case_file`` tests; raise the error that stops it loading."""
        setup = PluginSetup(
            tuple(str(directory) for directory in case_file.plugin_dirs),
            case_file.installed_plugins,
        )
        return find_framework(case_file.framework_path or case_file.framework, self.registry(setup))


def find_framework(
    reference: str | os.PathLike[str], registry: Registry, *, on: dt.date | None = None
) -> Framework:
    """Load a framework file (a path, or a string ending in ``.toml``) or look up a registered one.

    A file is loaded with the registry's extensions and can extend registered frameworks; an
    ``id`` or ``id@version`` is looked up (the version valid ``on`` a date, by default today).
    When nothing is registered under that id, the plugins' own problems are added to the error,
    as they are often why.
    """
    if isinstance(reference, os.PathLike) or reference.endswith(".toml"):
        return load_framework(reference, extensions=registry.extensions, resolve=registry.resolve)
    try:
        return registry.resolve(reference, on)
    except UnknownFrameworkError as error:
        if not registry.problems:
            raise
        details = "\n".join(str(problem) for problem in registry.problems)
        raise UnknownFrameworkError(f"{error}\nplugin problems:\n{details}") from None


@attrs.frozen
class Failure:
    """One thing that went wrong in a case: what, and the line of the case file it concerns."""

    line: int
    message: str


@attrs.frozen
class CaseOutcome:
    """The outcome of one case: the results its units got and every failure, located."""

    case_file: CaseFile = attrs.field(eq=False, repr=False)
    index: int
    results: tuple[Result, ...]
    failures: tuple[Failure, ...]
    summaries: tuple[str, ...] = ()

    @property
    def case(self) -> Case:
        """The case that ran."""
        return self.case_file.cases[self.index]

    @property
    def line(self) -> int:
        """The line where the case starts."""
        return self.case_file.line(("cases", self.index))

    @property
    def passed(self) -> bool:
        """Whether every expectation of the case held."""
        return not self.failures

    def details(self) -> str:
        """Return the failures, each with its file and line, then the results they concern."""
        source = self.case_file.source
        lines = [f"{source}:{failure.line}: {failure.message}" for failure in self.failures]
        lines.extend(self.summaries)
        return "\n".join(lines)

    def render(self) -> str:
        """Return ``file:line: case 'name' failed`` and the indented details (``''`` if passed)."""
        if self.passed:
            return ""
        head = f"{self.case_file.source}:{self.line}: case {self.case.name!r} failed"
        body = "\n".join(f"  {line}" for line in self.details().splitlines())
        return f"{head}\n{body}"


@attrs.frozen
class FileOutcome:
    """The outcome of a case file: its framework (or the error that stopped it) and its cases."""

    case_file: CaseFile = attrs.field(eq=False, repr=False)
    framework: Framework | None
    error: CriteriaKitError | None
    cases: tuple[CaseOutcome, ...]

    def render_error(self) -> str:
        """Return why the framework under test could not be loaded, located at ``framework``."""
        line = self.case_file.line(("framework",))
        head = f"{self.case_file.source}:{line}: cannot load the framework {self.case_file.framework!r}"
        return f"{head}:\n{self.error}"


def run_case_file(case_file: CaseFile, finder: FrameworkFinder) -> FileOutcome:
    """Find the file's framework and run every case against it."""
    try:
        framework = finder.framework_for(case_file)
    except CriteriaKitError as error:
        return FileOutcome(case_file, None, error, ())
    outcomes = tuple(run_case(case_file, index, framework) for index in range(len(case_file.cases)))
    return FileOutcome(case_file, framework, None, outcomes)


@attrs.frozen
class _Unit:
    """A unit to evaluate: where it is written, its name, inputs and expectation."""

    path: KeyPath
    name: str | None
    inputs: dict[str, Any]
    own: frozenset[str]
    expect: Expectation | None

    def prefix(self) -> str:
        """Return ``unit 'id': `` for a unit evaluated with its siblings, else nothing."""
        return f"unit {self.name!r}: " if self.name is not None else ""


def _units(case_file: CaseFile, index: int) -> list[_Unit]:
    case = case_file.cases[index]
    path: KeyPath = ("cases", index)
    if case.units is None:
        own = frozenset(case.inputs or ())
        return [_Unit(path, None, case_file.inputs_for(case), own, case.expect)]
    return [
        _Unit(
            (*path, "units", number),
            unit.id,
            case_file.inputs_for(unit),
            frozenset(unit.inputs),
            unit.expect,
        )
        for number, unit in enumerate(case.units)
    ]


def run_case(case_file: CaseFile, index: int, framework: Framework) -> CaseOutcome:
    """Evaluate case ``index`` of ``case_file`` with ``framework`` and compare its results.

    The units of a case with ``units`` are evaluated together, as the siblings of one parent
    (the scalar engine's population evaluation): quotas, relative scores, weights the units
    decide and ranks apply among them before they are compared. If any of them is rejected,
    only the rejections are reported, as the results of the others cannot be trusted.
    """
    units = _units(case_file, index)
    together = case_file.cases[index].units is not None
    results: list[Result] = []
    failures: list[Failure] = []
    for unit in units:
        try:
            if together:  # checked one by one, to place a rejection at its unit
                framework.compiled.inputs.check(unit.inputs)
            else:
                results.append(framework.evaluate(unit.inputs, unit.name, period=case_file.period))
        except CriteriaKitError as error:
            failures.extend(_rejected(case_file, unit, error))
    if together and not failures:
        try:
            results = _evaluated_together(framework, units, case_file.period)
        except CriteriaKitError as error:
            row = getattr(error, "row", None)
            unit = units[row - 1] if isinstance(row, int) and 0 < row <= len(units) else units[0]
            failures.extend(_rejected(case_file, unit, error))
    if failures or len(results) < len(units):
        return CaseOutcome(case_file, index, (), tuple(failures))
    summaries: list[str] = []
    for unit, result in zip(units, results, strict=True):
        found = _compare(case_file, framework, unit, result)
        if found:
            failures.extend(found)
            summaries.append(describe_result(result))
    if any(unit.expect is not None and unit.expect.awards is not None for unit in units):
        failures.extend(_award_failures(case_file, index, framework, units, results, summaries))
    return CaseOutcome(case_file, index, tuple(results), tuple(failures), tuple(summaries))


def _award_failures(
    case_file: CaseFile,
    index: int,
    framework: Framework,
    units: Sequence[_Unit],
    results: Sequence[Result],
    summaries: list[str],
) -> list[Failure]:
    """Decide the framework's awards over each unit's history; compare with what it expects.

    The units' results are the period's (the file's ``period``), their ``history`` the earlier
    periods'; the units of a case with ``units`` are siblings, so award quotas apply among them.
    """
    from criteriakit import awards  # noqa: PLC0415  needs polars: only cases that expect awards

    assert case_file.period is not None  # noqa: S101  checked when the file loaded
    case = case_file.cases[index]
    histories = (
        [case.history or ()] if case.units is None else [unit.history for unit in case.units]
    )
    tables = _history_tables(framework, units, results, histories, case_file.period.label)
    try:
        decided = awards.results(
            framework, awards.History.of_tables(tables, case_file.period.label)
        )
    except CriteriaKitError as error:
        line = case_file.line(("cases", index))
        return [Failure(line, f"the awards could not be decided:\n{_indent(str(error))}")]
    known = [award.id for award in framework.compiled.awards]
    failures: list[Failure] = []
    for unit, result in zip(units, results, strict=True):
        expected = None if unit.expect is None else unit.expect.awards
        if expected is None:
            continue
        own = [item for item in decided if item.unit == _unit_id(unit, result)]
        earned = [item.award for item in own if item.earned]
        missing = [award for award in dict.fromkeys(expected) if award not in earned]
        unexpected = [award for award in earned if award not in expected]
        if not missing and not unexpected:
            continue
        details = [f"missing {', '.join(missing)}"] if missing else []
        details += [f"unexpected {', '.join(unexpected)}"] if unexpected else []
        message = f"expected {codes(expected)}, got {codes(earned)}: {'; '.join(details)}"
        message += "".join(
            f" (the framework has no award {award!r}; {_closest(award, known or ['none'])})"
            for award in missing
            if award not in known
        )
        line = case_file.line((*unit.path, "expect", "awards"))
        failures.append(Failure(line, f"{unit.prefix()}awards: {message}"))
        summaries.extend(item.explain() for item in own if item.award in missing + unexpected)
    return failures


def _unit_id(unit: _Unit, result: Result) -> str | int:
    """Return the id a unit's results go by when awards are decided (a lone case has none)."""
    return result.unit if result.unit is not None else unit.name or "unit"


def _history_tables(
    framework: Framework,
    units: Sequence[_Unit],
    results: Sequence[Result],
    histories: Sequence[Sequence[PastResult]],
    period: str,
) -> dict[str, pl.DataFrame]:
    """Return result tables by period: the units' results now and their given history."""
    import polars as pl  # noqa: PLC0415  needs polars: only cases that expect awards

    rows: dict[str, list[dict[str, Any]]] = {period: []}
    for unit, result, history in zip(units, results, histories, strict=True):
        rank = None if result.ranking is None else result.ranking.rank
        rows[period].append(
            {
                "unit": str(_unit_id(unit, result)),
                "evaluable": result.evaluable,
                "score": result.score,
                "band_tier": result.band_tier,
                "tier": result.tier,
                "rank": rank,
            }
        )
        for past in history:
            evaluable = past.tier is not None if past.evaluable is None else past.evaluable
            rows.setdefault(Period.parse(past.period).label, []).append(
                {
                    "unit": str(_unit_id(unit, result)),
                    "evaluable": evaluable,
                    "score": past.score,
                    "band_tier": (past.band_tier or past.tier) if evaluable else None,
                    "tier": past.tier if evaluable else None,
                    "rank": past.rank,
                }
            )
    schema = {
        "unit": pl.String,
        "evaluable": pl.Boolean,
        "score": pl.Float64,
        "band_tier": pl.String,
        "tier": pl.String,
        "rank": pl.Float64,
    }
    return {
        label: pl.DataFrame(found, schema=schema).with_columns(
            parent=pl.lit(None, pl.String), max_score=pl.lit(framework.compiled.max_score)
        )
        for label, found in rows.items()
    }


def _evaluated_together(
    framework: Framework, units: Sequence[_Unit], period: Period | None
) -> list[Result]:
    """Evaluate sibling units as a population: quotas, relative scores, weights and ranks."""
    rows = [UnitRow(unit.name, unit.inputs, row) for row, unit in enumerate(units, start=1)]
    (level,) = evaluate_levels(framework, [rows], period=period)
    return list(level.results)


def _compare(
    case_file: CaseFile, framework: Framework, unit: _Unit, result: Result
) -> list[Failure]:
    expect = unit.expect
    if expect is None:
        return []
    expect_path = (*unit.path, "expect")
    if expect.error is not None:
        message = f"error: expected the inputs to be rejected with {expect.error!r}, but they were accepted"
        return [Failure(case_file.line((*expect_path, "error")), unit.prefix() + message)]
    return [
        Failure(
            case_file.line((*expect_path, *mismatch.key)),
            unit.prefix() + mismatch.render() + _hint(framework, mismatch.key, expect),
        )
        for mismatch in compare(result, expect)
    ]


def _hint(framework: Framework, key: KeyPath, expect: Expectation) -> str:
    """Point out expected tiers and reason codes the framework does not have."""
    if key in {("tier",), ("band_tier",)}:
        tier = expect.tier if key == ("tier",) else expect.band_tier
        if tier is None or tier in framework.tiers:
            return ""
        return f" (the framework has no tier {tier!r}; {_closest(tier, framework.tiers)})"
    if key == ("reasons",):
        compiled = framework.compiled
        known = [
            "not-evaluable",
            *(rule.id for rule in compiled.rules),
            *(gate.id for tier in compiled.tiers for gate in tier.gates),
            *(quota.id for quota in compiled.quotas),
        ]
        unknown = [code for code in expect.reasons or () if code not in known]
        return "".join(
            f" (no rule, gate or quota is named {code!r}; {_closest(code, known)})"
            for code in unknown
        )
    return ""


def _closest(name: str, choices: Sequence[str]) -> str:
    return did_you_mean(name, choices) or f"it has {', '.join(choices)}"


def _rejected(case_file: CaseFile, unit: _Unit, error: CriteriaKitError) -> list[Failure]:
    """Report a unit whose evaluation raised: expected (``expect.error``) or not."""
    expected = unit.expect.error if unit.expect is not None else None
    if expected is not None:
        if expected in str(error):
            return []
        line = case_file.line((*unit.path, "expect", "error"))
        message = f"error: expected the inputs to be rejected with {expected!r}, got:\n{_indent(str(error))}"
        return [Failure(line, unit.prefix() + message)]
    line = case_file.line(unit.path)
    if isinstance(error, DataError):
        located = [_locate_input(case_file, unit, problem) for problem in error.problems]
        body = "\n".join(problem.render() for problem in located)
        return [Failure(line, f"{unit.prefix()}the inputs were rejected:\n{_indent(body)}")]
    return [Failure(line, f"{unit.prefix()}the evaluation failed:\n{_indent(str(error))}")]


def _locate_input(case_file: CaseFile, unit: _Unit, problem: Problem) -> Problem:
    """Place a problem with an input at the key that gives it: the unit's own, or the shared."""
    name = problem.path
    if name in unit.own:
        path: KeyPath = (*unit.path, "inputs", name)
    elif name in unit.inputs:
        path = ("inputs", name)
    else:
        path = unit.path
    return case_file.problem(path, problem.message, problem.hint)


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())
