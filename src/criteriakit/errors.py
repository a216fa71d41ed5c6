"""Every error criteriakit raises, in one tree.

All of them derive from :class:`CriteriaKitError`, so ``except CriteriaKitError`` catches
anything the library raises on purpose; anything else escaping is a bug::

    CriteriaKitError
    ├── FrameworkError          a framework file or definition is invalid (all problems at once)
    ├── ExpressionError         a rule expression is invalid
    │   ├── ExpressionSyntaxError   it does not parse (or exceeds the length/nesting caps)
    │   └── ExpressionTypeError     it parses but does not type-check against the declared inputs
    ├── DataError               unit data is invalid (all problems at once, by row and column)
    ├── EvaluationError         evaluation stopped because the framework's policy says "fail"
    ├── PluginError             a plugin failed to load or registered something invalid
    ├── UnknownFrameworkError   no registered framework matches an id, version and date
    └── CaseFileError           a test case file is invalid (all problems at once)

Errors that describe several findings (:class:`FrameworkError`, :class:`DataError`,
:class:`CaseFileError`) carry them as :class:`Problem` values in ``.problems``; ``str(error)``
renders every one of them with the file, the key path or row/column, line and column, the source
line with a caret and a hint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

__all__ = [
    "CaseFileError",
    "CriteriaKitError",
    "DataError",
    "EvaluationError",
    "ExpressionError",
    "ExpressionSyntaxError",
    "ExpressionTypeError",
    "FrameworkError",
    "PluginError",
    "Problem",
    "UnknownFrameworkError",
]


@attrs.frozen
class Problem:
    """One finding in a framework file or data set: where it is, what is wrong, how to fix it.

    ``path`` is the TOML key path (``criteria[2].indicators[0].points``) for framework files,
    or the column name for data; ``row`` is the 1-based data row (not counting a CSV header).
    ``line`` and ``column`` are 1-based positions in ``file``. ``source_line`` is the text of
    that line, shown with a caret of ``width`` characters under ``column``.
    """

    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    row: int | None = None
    source_line: str | None = None
    width: int = 1

    def location(self) -> str:
        """Return ``file:line:column`` (as much of it as is known), then row and key path."""
        parts: list[str] = []
        place = self.file or ""
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        if place:
            parts.append(place)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.path:
            parts.append(self.path)
        return ": ".join(parts)

    def render(self) -> str:
        """Render the problem as a few lines of text, compiler style."""
        where = self.location()
        lines = [f"{where}: {self.message}" if where else self.message]
        if self.source_line is not None and self.line is not None:
            gutter = str(self.line)
            lines.append(f"  {gutter} | {self.source_line}")
            if self.column is not None:
                pad = " " * (self.column - 1)
                lines.append(f"  {' ' * len(gutter)} | {pad}{'^' * max(1, self.width)}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


class CriteriaKitError(Exception):
    """Base class of every error criteriakit raises on purpose.

    Errors pickle with their attributes (``.problems``, ``.unit``…), so that an error raised in
    a worker process reaches the caller intact.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the error with its attributes, not through ``__init__``."""
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


def _rebuild(
    cls: type[CriteriaKitError], args: tuple[object, ...], state: dict[str, object]
) -> CriteriaKitError:
    """Return an error of ``cls`` with ``args`` and attributes ``state``, without ``__init__``."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class _ProblemsError(CriteriaKitError):
    """An error made of one or more :class:`Problem` findings, all reported together.

    ``total`` is how many problems were found in all when only the first ones are kept
    (``problems``); the message then says so: ``50 of 120 data problems in cells.csv``.
    """

    noun = "problem"

    def __init__(
        self, problems: Sequence[Problem], *, source: str | None = None, total: int | None = None
    ) -> None:
        if not problems:
            raise ValueError("an error needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        self.total = max(total or 0, len(self.problems))
        super().__init__(self._render())

    def _render(self) -> str:
        count = len(self.problems)
        plural = self.noun if self.total == 1 else f"{self.noun}s"
        shown = f"{count} of {self.total}" if self.total > count else f"{count}"
        head = f"{shown} {plural}" + (f" in {self.source}" if self.source else "")
        if self.total > count:
            head += f" (the first {count} shown)"
        body = "\n".join(problem.render() for problem in self.problems)
        return f"{head}:\n{body}"


class FrameworkError(_ProblemsError):
    """A framework file or definition is invalid; ``.problems`` lists every finding."""

    noun = "problem"


class DataError(_ProblemsError):
    """Unit data is invalid; ``.problems`` lists every bad value by row and column."""

    noun = "data problem"


class ExpressionError(CriteriaKitError):
    """A rule expression is invalid.

    ``text`` is the expression, ``offset`` the 0-based index of the offending part and
    ``length`` its length (at least 1), ``hint`` an optional suggestion such as "did you mean".
    """

    def __init__(
        self,
        message: str,
        *,
        text: str,
        offset: int,
        length: int = 1,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.text = text
        self.offset = max(0, min(offset, len(text)))
        self.length = max(1, length)
        self.hint = hint
        super().__init__(self._render())

    @property
    def line(self) -> int:
        """The 1-based line of the offending part within the expression text."""
        return self.text.count("\n", 0, self.offset) + 1

    @property
    def column(self) -> int:
        """The 1-based column of the offending part within its line of the expression."""
        return self.offset - (self.text.rfind("\n", 0, self.offset) + 1) + 1

    def caret(self) -> str:
        """Return the offending line of the expression with a caret under the offending part."""
        start = self.text.rfind("\n", 0, self.offset) + 1
        end = self.text.find("\n", self.offset)
        line = self.text[start : end if end != -1 else len(self.text)]
        return f"{line}\n{' ' * (self.column - 1)}{'^' * self.length}"

    def _render(self) -> str:
        text = f"{self.message} (at {self.line}:{self.column})\n{self.caret()}"
        if self.hint:
            text += f"\nhint: {self.hint}"
        return text


class ExpressionSyntaxError(ExpressionError):
    """A rule expression does not parse, or exceeds the length or nesting caps."""


class ExpressionTypeError(ExpressionError):
    """A rule expression parses but is ill-typed or names something undeclared."""


class EvaluationError(CriteriaKitError):
    """Evaluation stopped because a value was undefined and the framework's policy is "fail".

    ``unit`` is the unit being evaluated (if known), ``subject`` what could not be computed
    (``indicator 1.4`` or ``gate excellent/all-targets-met``) and ``cause`` why (a missing
    input or a division by zero). In a data set, ``file`` and ``row`` say where the unit is;
    the message then starts with them (``cells.csv: row 3: unit 'C03': …``), and ``message``
    is the rest.
    """

    def __init__(
        self,
        message: str,
        *,
        unit: str | None = None,
        subject: str = "",
        cause: str = "",
        file: str | None = None,
        row: int | None = None,
    ) -> None:
        self.message = message
        self.unit = unit
        self.subject = subject
        self.cause = cause
        self.file = file
        self.row = row
        place = [part for part in (file, None if row is None else f"row {row}") if part]
        super().__init__(": ".join([*place, message]))

    def located(self, file: str | None, row: int | None) -> EvaluationError:
        """Return the same error, placed at ``row`` of ``file`` (or nowhere, with None)."""
        return EvaluationError(
            self.message,
            unit=self.unit,
            subject=self.subject,
            cause=self.cause,
            file=file,
            row=row,
        )


class PluginError(CriteriaKitError):
    """A plugin failed to load, implements a hook wrongly, or registered something invalid.

    ``plugin`` is the plugin's name, ``distribution`` the installed distribution that provides
    it (``name version``, or ``None`` for local and in-process plugins) and ``hook`` the hook
    being called, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        plugin: str,
        distribution: str | None = None,
        hook: str | None = None,
    ) -> None:
        self.plugin = plugin
        self.distribution = distribution
        self.hook = hook
        origin = f"plugin {plugin!r}" + (f" (distribution {distribution})" if distribution else "")
        where = f", hook {hook}" if hook else ""
        super().__init__(f"{origin}{where}: {message}")


class UnknownFrameworkError(CriteriaKitError):
    """No registered framework matches; the message lists what exists and suggests the closest."""


class CaseFileError(_ProblemsError):
    """A test case file (``test_*.toml``, see ``docs/testing.md``) is invalid.

    ``.problems`` lists every finding with the file, key path, line and column. It is kept apart
    from :class:`FrameworkError` because the two call for different readings: a bad case file is
    a mistake in the tests, a framework error a failure of the rules under test.
    """

    noun = "problem"
