"""Case files: ``test_*.toml`` files of inputs and the results a framework must give for them.

A case file names the framework under test and lists cases; each gives a unit's inputs (on top
of the file's shared ``[inputs]``) and what its result must be. The format is in
``docs/testing.md``. Loading is as strict as for framework files: unknown keys, wrong types and
contradictory expectations are reported all at once as a :class:`~criteriakit.errors.CaseFileError`,
each problem with the file, the TOML key path, the line and column, and a hint. Whether the
names a case uses (tiers, indicators, inputs) exist is checked when it runs against the
framework, and reported as a failure of that case.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from criteriakit import limits
from criteriakit._converter import converter, structure
from criteriakit._files import UnreadableFile, read_text_capped
from criteriakit._problems import KeyPath, RawProblem, did_you_mean
from criteriakit._toml_locations import TomlLocations
from criteriakit.documentation import page
from criteriakit.errors import CaseFileError, DataError, FrameworkError, Problem
from criteriakit.loading import locate_problem, parse_framework_text
from criteriakit.model.period import Period
from criteriakit.registry import split_ref
from criteriakit.testing.assertions import DEFAULT_TOLERANCE, Expectation

__all__ = ["Case", "CaseFile", "CaseFileSpec", "PastResult", "UnitCase", "load_case_file"]

_FORMAT_HINT = f"the case file format: {page('testing', 'case-files')}"
_CONTRADICTS_NOT_EVALUABLE = ("score", "band_tier", "tier", "rank")


@attrs.frozen
class PastResult:
    """A unit's result in an earlier period, as a case gives it for deciding awards.

    ``tier`` missing is a period the unit was not evaluable in (unless ``evaluable`` says
    otherwise); ``band_tier`` is the tier's by default.
    """

    period: str
    tier: str | None = None
    band_tier: str | None = None
    score: float | None = None
    evaluable: bool | None = None
    rank: float | None = None


@attrs.frozen
class UnitCase:
    """One unit of a case that evaluates several sibling units together, quotas included.

    ``inputs`` are added to the file's shared inputs, less those named in ``without``;
    ``expect`` is what its result must be (a unit without one only takes part).
    """

    id: str
    inputs: dict[str, Any] = attrs.field(factory=dict)
    without: tuple[str, ...] = ()
    expect: Expectation | None = None
    history: tuple[PastResult, ...] = ()


@attrs.frozen
class Case:
    """One case: a unit's inputs and its expected result, or sibling ``units`` and theirs.

    ``inputs`` are added to the file's shared inputs, less those named in ``without``. A case
    with ``units`` gives inputs and expectations per unit instead.
    """

    name: str
    inputs: dict[str, Any] | None = None
    without: tuple[str, ...] | None = None
    expect: Expectation | None = None
    units: tuple[UnitCase, ...] | None = None
    history: tuple[PastResult, ...] | None = None


@attrs.frozen
class CaseFileSpec:
    """A case file's tables and keys, as written; ``criteriakit schema cases`` describes them."""

    framework: str
    cases: tuple[Case, ...]
    plugin_dirs: tuple[str, ...] = ()
    installed_plugins: bool = False
    period: str | None = None
    tolerance: float = DEFAULT_TOLERANCE
    inputs: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class CaseFile:
    """A loaded, checked case file.

    ``framework`` is the reference as written: ``id@version``, or a path relative to the case
    file (ending in ``.toml``; see :attr:`framework_path`). ``plugin_dirs`` are absolute.
    ``source`` names the file in messages; ``locations`` finds the line of any key path.
    """

    path: Path
    source: str
    framework: str
    cases: tuple[Case, ...]
    inputs: Mapping[str, Any]
    plugin_dirs: tuple[Path, ...]
    installed_plugins: bool
    period: Period | None
    tolerance: float
    locations: TomlLocations = attrs.field(eq=False, repr=False)

    @property
    def framework_path(self) -> Path | None:
        """The framework file, when ``framework`` names one rather than an ``id@version``."""
        return _framework_path(self.framework, self.path.parent)

    def inputs_for(self, case: Case | UnitCase) -> dict[str, Any]:
        """Return the inputs a case or unit is evaluated on: shared, less ``without``, plus its own."""
        left_out = set(case.without or ())
        shared = {name: value for name, value in self.inputs.items() if name not in left_out}
        return {**shared, **(case.inputs or {})}

    def line(self, path: KeyPath) -> int:
        """Return the line of a key path, or of the nearest enclosing table that is written."""
        return self.problem(path, "").line or 1

    def problem(self, path: KeyPath, message: str, hint: str | None = None) -> Problem:
        """Return a :class:`~criteriakit.Problem` at ``path`` of this file, with its position."""
        return locate_problem(RawProblem(path, message, hint), self.source, self.locations)


def _framework_path(reference: str, base: Path) -> Path | None:
    return base / reference if reference.endswith(".toml") else None


def load_case_file(path: str | os.PathLike[str], *, source: str | None = None) -> CaseFile:
    """Load and check the case file at ``path``; ``source`` names it in messages.

    Raises :class:`~criteriakit.errors.CaseFileError` listing every problem of the file.
    """
    path = Path(path)
    name = source if source is not None else str(path)
    try:
        text = read_text_capped(path, limits.current().file_bytes, "file_bytes")
    except UnreadableFile as error:
        raise CaseFileError([attrs.evolve(error.problem, file=name)]) from None
    try:
        data, locations = parse_framework_text(text, name)
    except FrameworkError as error:
        problems = [attrs.evolve(problem, hint=_FORMAT_HINT) for problem in error.problems]
        raise CaseFileError(problems, source=name) from None
    spec = structure(converter(), data, CaseFileSpec)
    raw = spec if isinstance(spec, list) else _check(spec, path.parent)
    if raw:
        problems = [locate_problem(problem, name, locations) for problem in raw]
        problems.sort(key=lambda problem: (problem.line or 0, problem.column or 0))
        raise CaseFileError(problems, source=name)
    assert not isinstance(spec, list)  # noqa: S101  checked above: problems were raised
    return CaseFile(
        path=path,
        source=name,
        framework=spec.framework,
        cases=tuple(_with_tolerance(case, spec.tolerance) for case in spec.cases),
        inputs=spec.inputs,
        plugin_dirs=tuple((path.parent / directory).resolve() for directory in spec.plugin_dirs),
        installed_plugins=spec.installed_plugins,
        period=Period.parse(spec.period) if spec.period is not None else None,
        tolerance=spec.tolerance,
        locations=locations,
    )


def _with_tolerance(case: Case, tolerance: float) -> Case:
    """Give every expectation without a tolerance of its own the file's."""

    def fill(expect: Expectation | None) -> Expectation | None:
        if expect is None or expect.tolerance is not None:
            return expect
        return attrs.evolve(expect, tolerance=tolerance)

    units = case.units and tuple(
        attrs.evolve(unit, expect=fill(unit.expect)) for unit in case.units
    )
    return attrs.evolve(case, expect=fill(case.expect), units=units)


def _check(spec: CaseFileSpec, base: Path) -> list[RawProblem]:
    """Find what the types allow but a case file cannot mean."""
    problems = _check_header(spec, base)
    if not spec.cases:
        problems.append(
            RawProblem(
                ("cases",),
                "the file has no cases",
                f"add [[cases]] tables: {page('testing', 'case-files')}",
            )
        )
    names: set[str] = set()
    for index, case in enumerate(spec.cases):
        path: KeyPath = ("cases", index)
        if case.name in names:
            hint = "give every case its own name: the report and pytest use it"
            problems.append(
                RawProblem((*path, "name"), f"another case is named {case.name!r}", hint)
            )
        names.add(case.name)
        if case.units is None:
            problems.extend(_check_single(case, path, spec.inputs))
            problems.extend(_check_history(case.history or (), case.expect, path, spec.period))
        else:
            problems.extend(_check_group(case, path, spec.inputs))
            for number, unit in enumerate(case.units):
                unit_path: KeyPath = (*path, "units", number)
                problems.extend(_check_history(unit.history, unit.expect, unit_path, spec.period))
    return problems


def _check_header(spec: CaseFileSpec, base: Path) -> list[RawProblem]:
    problems = []
    framework_file = _framework_path(spec.framework, base)
    if framework_file is not None:
        if not framework_file.is_file():
            message = f"no framework file {spec.framework!r} next to the case file"
            problems.append(
                RawProblem(("framework",), message, "a path is relative to the case file")
            )
    elif not all(split_ref(spec.framework)):
        message = f"name the framework with its version, got {spec.framework!r}"
        hint = 'framework = "vn.four-good-cell@2024", or a path ending in .toml'
        problems.append(RawProblem(("framework",), message, hint))
    for index, directory in enumerate(spec.plugin_dirs):
        if not (base / directory).is_dir():
            message = f"no directory {directory!r} next to the case file"
            hint = "a plugin directory is relative to the case file"
            problems.append(RawProblem(("plugin_dirs", index), message, hint))
    if spec.period is not None:
        try:
            Period.parse(spec.period)
        except DataError as error:
            problems.extend(
                RawProblem(("period",), problem.message, problem.hint) for problem in error.problems
            )
    if not (math.isfinite(spec.tolerance) and spec.tolerance >= 0):
        problems.append(RawProblem(("tolerance",), "the tolerance must be a number ≥ 0"))
    return problems


def _check_single(case: Case, path: KeyPath, shared: Mapping[str, Any]) -> list[RawProblem]:
    problems = _check_without(case.without or (), case.inputs or {}, path, shared)
    if case.expect is None:
        hint = (
            'add expect.tier = "...", or expect.score, band_tier, reasons, points, evaluable, rank, '
            "awards, error"
        )
        problems.append(
            RawProblem((*path, "expect"), "the case expects nothing", hint, missing=True)
        )
    else:
        problems.extend(_check_expect(case.expect, (*path, "expect"), allow_error=True))
    return problems


def _check_group(case: Case, path: KeyPath, shared: Mapping[str, Any]) -> list[RawProblem]:
    problems = [
        RawProblem(
            (*path, key),
            f"a case with units gives {key} per unit",
            f"move {key} into each [[cases.units]] table",
            at_key=True,
        )
        for key in ("inputs", "without", "expect", "history")
        if getattr(case, key) is not None
    ]
    units = case.units or ()
    if not units:
        problems.append(
            RawProblem((*path, "units"), "units is empty", "add [[cases.units]] tables")
        )
    elif all(unit.expect is None for unit in units):
        message = "no unit has an expect table: the case checks nothing"
        problems.append(RawProblem((*path, "units"), message))
    ids: set[str] = set()
    for index, unit in enumerate(units):
        unit_path: KeyPath = (*path, "units", index)
        if unit.id in ids:
            problems.append(
                RawProblem((*unit_path, "id"), f"another unit of the case has the id {unit.id!r}")
            )
        ids.add(unit.id)
        problems.extend(_check_without(unit.without, unit.inputs, unit_path, shared))
        if unit.expect is not None:
            problems.extend(_check_expect(unit.expect, (*unit_path, "expect"), allow_error=False))
    return problems


def _check_history(
    history: tuple[PastResult, ...],
    expect: Expectation | None,
    path: KeyPath,
    period: str | None,
) -> list[RawProblem]:
    """Check a unit's earlier results: periods before the file's, of its type, each once."""
    if not history and (expect is None or expect.awards is None):
        return []
    try:
        current = Period.parse(period) if period is not None else None
    except DataError:
        return []  # the period's own problem is reported
    if current is None:
        what = "history" if history else "expect.awards"
        key = (*path, "history") if history else (*path, "expect", "awards")
        message = f"a case with {what} needs the file's period: awards are decided for one"
        return [RawProblem(key, message, 'add period = "2024" at the top of the file')]
    problems: list[RawProblem] = []
    seen: set[str] = set()
    for index, past in enumerate(history):
        where: KeyPath = (*path, "history", index, "period")
        try:
            earlier = Period.parse(past.period)
        except DataError as error:
            problems.extend(RawProblem(where, item.message, item.hint) for item in error.problems)
            continue
        if earlier.type != current.type or earlier.index >= current.index:
            message = (
                f"{earlier.label} is not a {current.type} before the file's period {current.label}"
            )
            problems.append(RawProblem(where, message, "history holds the earlier periods"))
        elif earlier.label in seen:
            problems.append(RawProblem(where, f"{earlier.label} is given twice"))
        seen.add(earlier.label)
    return problems


def _check_without(
    without: tuple[str, ...], own: Mapping[str, Any], path: KeyPath, shared: Mapping[str, Any]
) -> list[RawProblem]:
    problems = []
    for index, name in enumerate(without):
        if name not in shared:
            hint = did_you_mean(name, list(shared)) or "without leaves out inputs of [inputs]"
            message = f"{name!r} is not one of the file's shared [inputs]"
            problems.append(RawProblem((*path, "without", index), message, hint))
        elif name in own:
            message = f"{name!r} is both left out and given"
            problems.append(RawProblem((*path, "without", index), message))
    return problems


def _check_expect(expect: Expectation, path: KeyPath, *, allow_error: bool) -> list[RawProblem]:
    checks = expect.checks
    if not checks:
        message = "expect checks nothing"
        hint = "give tier, band_tier, score, reasons, points, evaluable, rank, awards or error"
        return [RawProblem(path, message, hint)]
    problems = []
    if expect.error is not None and not allow_error:
        message = "a unit evaluated with its siblings cannot expect an error"
        hint = "test rejected inputs in a case of their own"
        problems.append(RawProblem((*path, "error"), message, hint, at_key=True))
    elif expect.error is not None and len(checks) > 1:
        others = ", ".join(check for check in checks if check != "error")
        message = f"error cannot go with {others}: rejected inputs give no result"
        problems.append(RawProblem((*path, "error"), message, at_key=True))
    if expect.evaluable is False:
        problems.extend(
            RawProblem((*path, key), f"a unit that is not evaluable has no {key}", at_key=True)
            for key in _CONTRADICTS_NOT_EVALUABLE
            if getattr(expect, key) is not None
        )
    tolerance = expect.tolerance
    if tolerance is not None and not (math.isfinite(tolerance) and tolerance >= 0):
        problems.append(RawProblem((*path, "tolerance"), "the tolerance must be a number ≥ 0"))
    return problems
