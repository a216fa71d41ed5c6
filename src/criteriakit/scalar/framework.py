"""The public :class:`Framework`: a checked, compiled framework that evaluates units."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from criteriakit._toml_locations import TomlLocations
from criteriakit.compiling.compiled import CompiledFramework
from criteriakit.compiling.extensions import Extensions
from criteriakit.compiling.inputs import UnknownInputs
from criteriakit.errors import DataError, Problem
from criteriakit.model.framework import FrameworkDefinition, pick_text
from criteriakit.model.period import Period
from criteriakit.model.results import Result
from criteriakit.scalar.executor import ScalarExecutor
from criteriakit.scalar.ranking import RankSlot

__all__ = ["Framework"]


@attrs.frozen(eq=False)
class Framework:
    """A framework ready to evaluate units; build it with :func:`criteriakit.load_framework`.

    ``definition`` is what the file declares, ``fingerprint`` a hash of it that every result
    carries, ``source`` the file it came from (if any), ``extensions`` the plugins' functions,
    scorers, weightings and evaluation hooks it was loaded with, ``base`` the ``id@version`` it
    extends (if it specialises another framework). ``source_locations`` are where each key
    stood in the file as it was read, so that a problem found later (in a file that extends
    this one) is placed in that text, not in the file as it may be now.
    """

    definition: FrameworkDefinition
    fingerprint: str
    compiled: CompiledFramework = attrs.field(repr=False)
    source: str | None = None
    extensions: Extensions | None = attrs.field(default=None, repr=False)
    base: str | None = None
    source_locations: TomlLocations | None = attrs.field(default=None, repr=False)
    _executor: ScalarExecutor = attrs.field(init=False, repr=False)
    _hooks: Extensions | None = attrs.field(init=False, repr=False)

    @_executor.default
    def _scalar_executor(self) -> ScalarExecutor:
        return ScalarExecutor(self.compiled, self.fingerprint)

    @_hooks.default
    def _scoped_hooks(self) -> Extensions | None:
        return self.extensions.scoped(self.id) if self.extensions is not None else None

    def relative_values(self, values: Mapping[str, object]) -> list[object]:
        """Return a unit's values of the relative indicators, which its population compares."""
        return self._executor.relative_values(values)

    @property
    def checks_inputs(self) -> bool:
        """Whether units' inputs are checked beyond their types: ``[[checks]]`` or plugin hooks."""
        return bool(self.compiled.checks) or self.checked_by_plugins

    @property
    def checked_by_plugins(self) -> bool:
        """Whether a plugin's ``criteriakit_validate_inputs`` applies to this framework."""
        return self._hooks is not None and bool(self._hooks.input_validators)

    @property
    def adjusted_by_plugins(self) -> bool:
        """Whether a plugin's ``criteriakit_adjust_result`` applies to this framework."""
        return self._hooks is not None and bool(self._hooks.result_adjusters)

    def input_problems(
        self, values: Mapping[str, object], *, row: int | None = None, file: str | None = None
    ) -> list[Problem]:
        """Return what the ``[[checks]]`` and the plugins' input checks find in ``values``.

        ``values`` are one unit's inputs, checked against their declared types; a check whose
        ``require`` is undefined for them (an input absent) finds nothing. The problems are
        placed at ``row`` of ``file`` when the unit comes from a data set.
        """
        problems = [
            Problem(check.describe(values), path=check.input, file=file, row=row)
            for check in self.compiled.checks
            if check.fails(values)
        ]
        if self.checked_by_plugins:
            assert self._hooks is not None  # noqa: S101  checked_by_plugins says so
            found = self._hooks.input_problems(self, values)
            problems += (attrs.evolve(problem, row=row, file=file) for problem in found)
        return problems

    @property
    def id(self) -> str:
        """The framework id, e.g. ``vn.four-good-cell``."""
        return self.definition.id

    @property
    def version(self) -> str:
        """The framework version, e.g. ``2024``."""
        return self.definition.version

    @property
    def ref(self) -> str:
        """The framework as ``id@version``."""
        return f"{self.id}@{self.version}"

    @property
    def tiers(self) -> tuple[str, ...]:
        """The tier ids, best first."""
        return tuple(tier.id for tier in self.definition.tiers)

    @property
    def input_names(self) -> tuple[str, ...]:
        """The declared input names, in file order."""
        return tuple(self.definition.inputs)

    def title(self, language: str | None = None) -> str:
        """Return the title in ``language`` if the framework has it, else its default title."""
        return pick_text(self.definition.title, language or self.definition.language)

    def evaluate(
        self,
        inputs: Mapping[str, object],
        unit: str | None = None,
        *,
        unknown_inputs: UnknownInputs = "error",
        period: Period | str | None = None,
    ) -> Result:
        """Evaluate one unit and explain the result.

        ``inputs`` maps input names to values (numbers, bools, level names, lists); absent or
        ``None`` values take the declared default or count as missing. Unknown names raise
        :class:`~criteriakit.DataError` unless ``unknown_inputs="ignore"``; bad values raise it
        too, listing every one. Undefined values (missing inputs, division by zero) follow the
        framework's policy: :class:`~criteriakit.EvaluationError` for ``fail``. ``period`` (a
        :class:`~criteriakit.Period` or a label such as ``"2024"``) is recorded on the result.
        """
        values = self.compiled.inputs.check(inputs, unknown=unknown_inputs)
        return self.evaluate_checked(
            values, unit, Period.parse(period) if isinstance(period, str) else period
        )

    def evaluate_checked(
        self,
        values: Mapping[str, object],
        unit: str | None = None,
        period: Period | None = None,
        *,
        validate: bool = True,
        parent: str | None = None,
        rolled_up: Mapping[str, object] | None = None,
        population: Mapping[str, object] | None = None,
        ranking: RankSlot | None = None,
    ) -> Result:
        """Evaluate values already checked against the declared inputs (as data readers do).

        The ``[[checks]]`` and the plugins' ``criteriakit_validate_inputs`` hooks run here
        unless ``validate`` is false (a data set's readers run them on every unit first), then
        ``criteriakit_adjust_result``. ``parent`` and ``rolled_up`` are recorded on the result:
        the unit above this one, and which of ``values`` were rolled up from the level below.
        ``population`` holds the unit's shares of relative indicators, computed over the
        units evaluated with it (:mod:`criteriakit.scalar.population`); ``ranking`` the slot
        of its rank, filled in once its group is ranked (:mod:`criteriakit.scalar.ranking`).
        """
        if validate and self.checks_inputs:
            problems = self.input_problems(values)
            if problems:
                raise DataError(problems)
        result = self._executor.evaluate(
            values,
            unit,
            period,
            parent=parent,
            rolled_up=rolled_up,
            population=population,
            ranking=ranking,
        )
        if self._hooks is None or not self._hooks.result_adjusters:
            return result
        return self._hooks.adjust(self, result)
