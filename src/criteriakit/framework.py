"""The public :class:`Framework`: a checked, compiled framework that evaluates units."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from criteriakit.compiled import CompiledFramework
from criteriakit.evaluation import ScalarExecutor
from criteriakit.extensions import Extensions
from criteriakit.inputs import UnknownInputs
from criteriakit.model.framework import FrameworkDefinition, pick_text
from criteriakit.model.period import Period
from criteriakit.model.results import Result

__all__ = ["Framework"]


@attrs.frozen(eq=False)
class Framework:
    """A framework ready to evaluate units; build it with :func:`criteriakit.load_framework`.

    ``definition`` is what the file declares, ``fingerprint`` a hash of it that every result
    carries, ``source`` the file it came from (if any), ``extensions`` the plugins' functions,
    scorers, weightings and evaluation hooks it was loaded with, ``base`` the ``id@version`` it
    extends (if it specialises another framework).
    """

    definition: FrameworkDefinition
    fingerprint: str
    compiled: CompiledFramework = attrs.field(repr=False)
    source: str | None = None
    extensions: Extensions | None = attrs.field(default=None, repr=False)
    base: str | None = None
    _executor: ScalarExecutor = attrs.field(init=False, repr=False)

    @_executor.default
    def _scalar_executor(self) -> ScalarExecutor:
        return ScalarExecutor(self.compiled, self.fingerprint)

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
    ) -> Result:
        """Evaluate values already checked against the declared inputs (as data readers do).

        Plugins' ``criteriakit_validate_inputs`` hooks run here unless ``validate`` is false
        (a data set's readers run them on every unit first), then ``criteriakit_adjust_result``.
        """
        extensions = self.extensions
        if extensions is None or not (extensions.input_validators or extensions.result_adjusters):
            return self._executor.evaluate(values, unit, period)
        if validate:
            extensions.check_inputs(self, values)
        return extensions.adjust(self, self._executor.evaluate(values, unit, period))
