"""The criteriakit pytest plugin: fixtures, case files as test items, a rule-coverage report.

pytest loads it through the ``pytest11`` entry point wherever criteriakit is installed, so it
stays out of the way of projects that do not use it: it changes nothing at import and imports
nothing of criteriakit until a fixture or a case file needs it (a pytest run that uses neither
pays for pytest alone), its fixtures and options are all named ``criteriakit…``, and it collects only ``test_*.toml`` files that
declare a ``framework`` or ``[[cases]]`` (other TOML files are left alone). ``-p no:criteriakit``
turns it off.

- **Fixtures**: ``criteriakit_registry`` (built-in plugin only, environment variables ignored,
  unless ``@pytest.mark.criteriakit(...)`` adds plugin directories, plugin objects or the
  installed plugins), ``criteriakit_load`` (a framework by ``id@version`` or by path, relative
  to the test file), ``criteriakit_framework`` (the marker's ``framework``) and
  ``criteriakit_evaluate`` (evaluate, and record the result for the coverage report).
- **Case files**: each case of a ``test_*.toml`` file is a test item; a failure shows the
  case file and line of every expectation that did not hold, and the result.
- ``--criteriakit-coverage`` adds a report of the bands, gates, vetoes, caps and quotas that no
  test exercised to the end of the run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import pytest

if TYPE_CHECKING:
    import datetime as dt

    from _pytest._code.code import TerminalRepr

    from criteriakit.model.period import Period
    from criteriakit.model.results import Result
    from criteriakit.registry import Registry
    from criteriakit.scalar.framework import Framework
    from criteriakit.testing.cases import CaseFile
    from criteriakit.testing.coverage import CoverageRecorder
    from criteriakit.testing.runner import FrameworkFinder, PluginSetup

__all__ = [
    "CaseFileCollector",
    "CaseItem",
    "Evaluate",
    "LoadFramework",
    "criteriakit_evaluate",
    "criteriakit_framework",
    "criteriakit_load",
    "criteriakit_registry",
]

_ENVIRONMENT = (
    "CRITERIAKIT_PATH",
    "CRITERIAKIT_DISABLE_PLUGINS",
    "CRITERIAKIT_DISABLE_PLUGIN_AUTOLOAD",
)
_MARKER_ARGUMENTS = ("framework", "plugin_dirs", "plugins", "installed_plugins")
# A case file names its framework or has cases; other test_*.toml files are not ours.
_DECLARES_CASES = re.compile(r"^[ \t]*(?:framework[ \t]*=|\[\[[ \t]*cases[ \t]*\]\])", re.MULTILINE)

_RECORDER: pytest.StashKey[CoverageRecorder] = pytest.StashKey()
_FINDER: pytest.StashKey[FrameworkFinder] = pytest.StashKey()


class LoadFramework(Protocol):
    """The ``criteriakit_load`` fixture: a framework by ``id@version``, ``id`` or path."""

    def __call__(
        self, reference: str | os.PathLike[str], *, on: dt.date | None = None
    ) -> Framework:
        """Load a file (relative to the test file) or look up a registered framework."""


class Evaluate(Protocol):
    """The ``criteriakit_evaluate`` fixture: evaluate one unit and record its result."""

    def __call__(
        self,
        inputs: Mapping[str, object],
        *,
        framework: Framework | str | os.PathLike[str] | None = None,
        unit: str | None = None,
        period: Period | str | None = None,
    ) -> Result:
        """Evaluate ``inputs`` with ``framework`` (by default the marker's)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--criteriakit-coverage``."""
    group = parser.getgroup("criteriakit", "criteriakit rule tests")
    group.addoption(
        "--criteriakit-coverage",
        action="store_true",
        default=False,
        help="report the bands, gates, vetoes, caps and quotas of the tested frameworks that no test exercised",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Declare the ``criteriakit`` marker."""
    config.addinivalue_line(
        "markers",
        "criteriakit(framework=None, plugin_dirs=(), plugins=(), installed_plugins=False):"
        " the framework and plugins the criteriakit fixtures use",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> CaseFileCollector | None:
    """Collect ``test_*.toml`` files that declare a framework or cases."""
    if not (file_path.suffix == ".toml" and file_path.name.startswith("test_")):
        return None
    try:
        text = file_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    if _DECLARES_CASES.search(text) is None:
        return None
    collector: CaseFileCollector = CaseFileCollector.from_parent(parent, path=file_path)
    return collector


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Print the rule-coverage report when ``--criteriakit-coverage`` asks for it."""
    if not config.getoption("criteriakit_coverage"):
        return
    terminalreporter.section("criteriakit rule coverage")
    terminalreporter.write_line(_recorder(config).render())


def _recorder(config: pytest.Config) -> CoverageRecorder:
    from criteriakit.testing.coverage import CoverageRecorder  # noqa: PLC0415 - see the docstring

    return config.stash.setdefault(_RECORDER, CoverageRecorder())


def _record(config: pytest.Config, framework: Framework, results: Sequence[Result]) -> None:
    if config.getoption("criteriakit_coverage"):
        _recorder(config).add(framework, results)


def _isolated_registry(setup: PluginSetup, plugins: Sequence[tuple[str, object]] = ()) -> Registry:
    """Load a registry from the given plugins only, whatever the environment variables say."""
    from criteriakit.registry import Registry  # noqa: PLC0415 - see the module docstring

    with pytest.MonkeyPatch.context() as patch:
        for name in _ENVIRONMENT:
            patch.delenv(name, raising=False)
        return Registry.load(
            autoload=setup.installed, plugin_dirs=setup.plugin_dirs, plugins=plugins
        )


def _shown_path(config: pytest.Config, path: Path) -> str:
    """Name a file relative to where pytest was started, as pytest does."""
    try:
        return os.path.relpath(path, config.invocation_params.dir)
    except ValueError:  # another drive, on Windows
        return str(path)


class _CaseFailed(Exception):  # noqa: N818  a test outcome, shown by CaseItem.repr_failure
    """A case did not hold, or its framework could not be loaded; the text says why and where."""


class CaseFileCollector(pytest.File):
    """A case file: one :class:`CaseItem` per case; its framework is loaded once, when first run."""

    case_file: CaseFile
    _framework: Framework | str | None = None

    def collect(self) -> Iterator[CaseItem]:
        """Load the case file and yield its cases; a bad file is a collection error."""
        from criteriakit import testing  # noqa: PLC0415 - see the module docstring
        from criteriakit.errors import CaseFileError  # noqa: PLC0415 - as above

        try:
            self.case_file = testing.load_case_file(
                self.path, source=_shown_path(self.config, self.path)
            )
        except CaseFileError as error:
            raise self.CollectError(str(error)) from None
        for index, case in enumerate(self.case_file.cases):
            yield CaseItem.from_parent(self, name=case.name, index=index)

    def framework(self) -> Framework:
        """Return the framework under test; raise the reason it cannot be loaded, every time."""
        from criteriakit import testing  # noqa: PLC0415 - see the module docstring
        from criteriakit.errors import CriteriaKitError  # noqa: PLC0415 - as above

        if self._framework is None:
            finder = self.config.stash.setdefault(
                _FINDER, testing.FrameworkFinder(_isolated_registry)
            )
            try:
                self._framework = finder.framework_for(self.case_file)
            except CriteriaKitError as error:
                self._framework = testing.FileOutcome(
                    self.case_file, None, error, ()
                ).render_error()
        if isinstance(self._framework, str):
            raise _CaseFailed(self._framework)
        return self._framework


class CaseItem(pytest.Item):
    """One case of a case file, run as a test."""

    def __init__(self, *, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index

    @property
    def _file(self) -> CaseFileCollector:
        parent = self.parent
        assert isinstance(parent, CaseFileCollector)  # noqa: S101  items are only made by one
        return parent

    def runtest(self) -> None:
        """Run the case; fail with its failures, located in the case file."""
        from criteriakit import testing  # noqa: PLC0415 - see the module docstring

        framework = self._file.framework()
        outcome = testing.run_case(self._file.case_file, self.index, framework)
        _record(self.config, framework, outcome.results)
        if not outcome.passed:
            raise _CaseFailed(outcome.render())

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | TerminalRepr:
        """Show a failed case as its failures, without a Python traceback."""
        if isinstance(excinfo.value, _CaseFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        """Locate the case at its line of the case file."""
        return self.path, self._file.case_file.line(("cases", self.index)) - 1, self.name


class _Settings(NamedTuple):
    """What ``@pytest.mark.criteriakit`` asks of the fixtures (a tuple: attrs is not imported)."""

    framework: Framework | str | os.PathLike[str] | None
    setup: PluginSetup
    plugins: tuple[tuple[str, object], ...]


def _sequence(value: object) -> tuple[object, ...]:
    """Return a marker argument as a tuple: one path or plugin alone is a sequence of one."""
    if isinstance(value, list | tuple):
        return tuple(value)
    return (value,)


def _named(plugin: object) -> tuple[str, object]:
    """Return a plugin as ``(name, plugin)``: as given, or named after its module."""
    if isinstance(plugin, tuple) and len(plugin) == 2 and isinstance(plugin[0], str):
        return plugin[0], plugin[1]
    return str(getattr(plugin, "__name__", repr(plugin))), plugin


def _settings(request: pytest.FixtureRequest) -> _Settings:
    marker = request.node.get_closest_marker("criteriakit")
    arguments = dict(marker.kwargs) if marker is not None else {}
    allowed = ", ".join(_MARKER_ARGUMENTS)
    if marker is not None and marker.args:
        pytest.fail(f"@pytest.mark.criteriakit takes keyword arguments: {allowed}", pytrace=False)
    unknown = sorted(set(arguments) - set(_MARKER_ARGUMENTS))
    if unknown:
        pytest.fail(
            f"@pytest.mark.criteriakit got the unknown argument {unknown[0]!r}; it takes {allowed}",
            pytrace=False,
        )
    from criteriakit import testing  # noqa: PLC0415 - see the module docstring

    base = request.path.parent
    directories = tuple(
        str((base / str(directory)).resolve())
        for directory in _sequence(arguments.get("plugin_dirs", ()))
    )
    return _Settings(
        arguments.get("framework"),
        testing.PluginSetup(directories, bool(arguments.get("installed_plugins", False))),
        tuple(_named(plugin) for plugin in _sequence(arguments.get("plugins", ()))),
    )


@pytest.fixture
def criteriakit_registry(request: pytest.FixtureRequest) -> Registry:
    """Return a registry of the built-in plugin and what ``@pytest.mark.criteriakit`` adds.

    ``plugin_dirs`` (relative to the test file), ``plugins`` (modules or ``(name, plugin)``
    pairs) and ``installed_plugins=True`` add plugins; ``CRITERIAKIT_PATH`` and the other
    environment variables are ignored, so the test sees the same plugins on every machine.
    """
    settings = _settings(request)
    return _isolated_registry(settings.setup, settings.plugins)


@pytest.fixture
def criteriakit_load(
    request: pytest.FixtureRequest, criteriakit_registry: Registry
) -> LoadFramework:
    """Load a framework: a path (relative to the test file) or an ``id@version`` registered.

    Paths are ``os.PathLike`` values or strings ending in ``.toml``; a file may extend a
    framework of ``criteriakit_registry``. Errors are the library's own (``FrameworkError``…).
    """
    from criteriakit import testing  # noqa: PLC0415 - see the module docstring

    base = request.path.parent

    def load(reference: str | os.PathLike[str], *, on: dt.date | None = None) -> Framework:
        if isinstance(reference, os.PathLike) or reference.endswith(".toml"):
            reference = base / reference
        return testing.find_framework(reference, criteriakit_registry, on=on)

    return load


@pytest.fixture
def criteriakit_framework(
    request: pytest.FixtureRequest, criteriakit_load: LoadFramework
) -> Framework:
    """Return the framework named by ``@pytest.mark.criteriakit(framework=...)``, loaded."""
    from criteriakit.scalar.framework import Framework  # noqa: PLC0415 - see the module docstring

    reference = _settings(request).framework
    if reference is None:
        pytest.fail(
            "criteriakit_framework needs @pytest.mark.criteriakit(framework=...)", pytrace=False
        )
    return reference if isinstance(reference, Framework) else criteriakit_load(reference)


@pytest.fixture
def criteriakit_evaluate(
    request: pytest.FixtureRequest, criteriakit_load: LoadFramework
) -> Evaluate:
    """Evaluate one unit and record the result for ``--criteriakit-coverage``.

    ``framework`` is a :class:`~criteriakit.Framework`, a reference for ``criteriakit_load``, or
    by default the marker's (``criteriakit_framework``).
    """
    from criteriakit.scalar.framework import Framework  # noqa: PLC0415 - see the module docstring

    def evaluate(
        inputs: Mapping[str, object],
        *,
        framework: Framework | str | os.PathLike[str] | None = None,
        unit: str | None = None,
        period: Period | str | None = None,
    ) -> Result:
        if framework is None:
            chosen: Framework = request.getfixturevalue("criteriakit_framework")
        elif isinstance(framework, Framework):
            chosen = framework
        else:
            chosen = criteriakit_load(framework)
        result = chosen.evaluate(inputs, unit, period=period)
        _record(request.config, chosen, [result])
        return result

    return evaluate
