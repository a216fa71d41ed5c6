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
    ├── PluginError             a plugin failed to load, raised, or registered something invalid
    ├── UnknownFrameworkError   no registered framework matches an id, version and date
    ├── CaseFileError           a test case file is invalid (all problems at once)
    ├── ReportError             a report cannot be written as asked (its format, say)
    ├── MCDAError               a multi-criteria method's input is invalid (also a ValueError)
    ├── StoreError              a results store cannot be opened, read or written as asked
    └── ColumnarUnsupported     a framework cannot run as columns (the scalar engine can)

:func:`plugin_errors` is the one place where an exception raised by a plugin's code (on import,
in a registration hook, in an evaluation hook) becomes a :class:`PluginError` naming the
plugin, its distribution and the hook.

Errors that describe several findings (:class:`FrameworkError`, :class:`DataError`,
:class:`CaseFileError`) carry them as :class:`Problem` values in ``.problems``; ``str(error)``
renders each with the file, the key path or row/column, line and column, the source line with a
caret and a hint. Hostile input cannot make a message huge: an error keeps the first
``reported_problems`` findings and says how many there were, its message stops at
``report_characters``, and a long source line or expression is shown as a window of
``source_context`` characters either side of the caret (see :mod:`criteriakit.limits`).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from criteriakit import limits

__all__ = [
    "CaseFileError",
    "ColumnarUnsupported",
    "CriteriaKitError",
    "DataError",
    "EvaluationError",
    "ExpressionError",
    "ExpressionSyntaxError",
    "ExpressionTypeError",
    "FrameworkError",
    "MCDAError",
    "PluginError",
    "Problem",
    "ReportError",
    "StoreError",
    "UnknownFrameworkError",
    "excerpt",
    "plugin_errors",
    "position",
    "shorten",
]

_ELLIPSIS = "…"


def shorten(text: str, length: int | None = None) -> str:
    """Return ``text``, or its start and an ellipsis if it is longer than ``length`` characters.

    For quoting user text (a name, a value) in a message; ``length`` defaults to twice the
    ``source_context`` limit.
    """
    length = 2 * limits.current().source_context if length is None else length
    return text if len(text) <= length else text[: max(0, length - 1)] + _ELLIPSIS


def position(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of the character at ``offset`` in ``text``."""
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def excerpt(line: str, column: int, width: int = 1) -> tuple[str, int, int]:
    """Return the part of ``line`` to show around ``column``, the caret's column in it and width.

    ``column`` (1-based) and ``width`` mark the offending characters. A line longer than the
    window (``source_context`` characters either side of the caret, which is itself cut to as
    many) is cut, with an ellipsis where text is left out, so a message never repeats a whole
    line of megabytes.
    """
    context = limits.current().source_context
    start = max(0, min(column - 1, len(line)))
    shown_width = max(1, min(width, context))
    first = max(0, start - context)
    last = min(len(line), start + shown_width + context)
    before = _ELLIPSIS if first > 0 else ""
    after = _ELLIPSIS if last < len(line) else ""
    return f"{before}{line[first:last]}{after}", start - first + len(before) + 1, shown_width


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
            shown, column, width = excerpt(self.source_line, self.column or 1, self.width)
            lines.append(f"  {gutter} | {shown}")
            if self.column is not None:
                lines.append(f"  {' ' * len(gutter)} | {' ' * (column - 1)}{'^' * width}")
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

    Only the first ``reported_problems`` (a limit, see :mod:`criteriakit.limits`) are kept in
    ``problems``; ``total`` is how many were found in all (the larger of ``total`` and the
    number given), and the message then says so: ``50 of 4,000 problems in f.toml (the first
    50 shown)``. The message stops before the problem that would take it past
    ``report_characters``, counting those left out the same way.
    """

    noun = "problem"

    def __init__(
        self, problems: Sequence[Problem], *, source: str | None = None, total: int | None = None
    ) -> None:
        if not problems:
            raise ValueError("an error needs at least one problem")
        kept = limits.current().reported_problems
        self.problems: tuple[Problem, ...] = tuple(itertools.islice(problems, kept))
        self.source = source
        self.total = max(total or 0, len(problems))
        super().__init__(self._render())

    def _render(self) -> str:
        body = _bounded(
            [problem.render() for problem in self.problems],
            limits.current().report_characters,
        )
        count = len(body)
        plural = self.noun if self.total == 1 else f"{self.noun}s"
        shown = f"{count:,} of {self.total:,}" if self.total > count else f"{count:,}"
        head = f"{shown} {plural}" + (f" in {self.source}" if self.source else "")
        if self.total > count:
            head += f" (the first {count:,} shown)"
        return head + ":\n" + "\n".join(body)


def _bounded(rendered: Sequence[str], budget: int) -> list[str]:
    """Return the first of ``rendered`` that fit in ``budget`` characters (at least one, cut)."""
    kept: list[str] = []
    used = 0
    for text in rendered:
        used += len(text) + 1
        if used > budget:
            if not kept:
                kept.append(shorten(text, budget))
            break
        kept.append(text)
    return kept


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
        return position(self.text, self.offset)[0]

    @property
    def column(self) -> int:
        """The 1-based column of the offending part within its line of the expression."""
        return position(self.text, self.offset)[1]

    def caret(self) -> str:
        """Return the offending line of the expression with a caret under the offending part.

        Only a window of a long line is shown (:func:`excerpt`).
        """
        start = self.text.rfind("\n", 0, self.offset) + 1
        end = self.text.find("\n", self.offset)
        line = self.text[start : end if end != -1 else len(self.text)]
        shown, column, width = excerpt(line, self.column, self.length)
        return f"{shown}\n{' ' * (column - 1)}{'^' * width}"

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


@contextlib.contextmanager
def plugin_errors(
    plugin: str, distribution: str | None = None, hook: str | None = None, *, doing: str = ""
) -> Iterator[None]:
    """Turn an exception raised inside the block by a plugin's code into a ``PluginError``.

    A :class:`DataError` (the unit's data is wrong: an input-check hook may say so) and a
    ``PluginError`` pass through unchanged; another criteriakit error keeps its message; any
    other exception is reported as ``raised TYPE: message``, or after ``doing`` when given
    (``"failed to import 'pkg:plugin':"``).
    """
    try:
        yield
    except (DataError, PluginError):
        raise
    except CriteriaKitError as error:
        raise PluginError(
            str(error), plugin=plugin, distribution=distribution, hook=hook
        ) from error
    except Exception as error:
        what = f"{type(error).__name__}: {error}"
        message = f"{doing} {what}" if doing else f"raised {what}"
        raise PluginError(message, plugin=plugin, distribution=distribution, hook=hook) from error


class UnknownFrameworkError(CriteriaKitError):
    """No registered framework matches; the message lists what exists and suggests the closest."""


class CaseFileError(_ProblemsError):
    """A test case file (``test_*.toml``, see ``docs/testing.md``) is invalid.

    ``.problems`` lists every finding with the file, key path, line and column. It is kept apart
    from :class:`FrameworkError` because the two call for different readings: a bad case file is
    a mistake in the tests, a framework error a failure of the rules under test.
    """

    noun = "problem"


class ReportError(_ProblemsError):
    """A report cannot be written as asked: a format it has no writer for, say."""

    noun = "problem"


class MCDAError(CriteriaKitError, ValueError):
    """A multi-criteria method cannot run on what it was given (:mod:`criteriakit.mcda`).

    A decision matrix, weights, criteria types or pairwise judgements of the wrong shape or with
    values the method cannot use (a cost column with a zero for ``max``, inconsistent
    judgements for ``ahp``); the message names the argument, the row and column, and the way
    out. It is also a :class:`ValueError`, as NumPy-level functions' errors usually are.
    """


class StoreError(CriteriaKitError):
    """A results store (:mod:`criteriakit.store`) cannot be opened, read or written as asked.

    ``store`` is the store's path or URL, ``message`` what went wrong and ``hint`` how to get
    past it (``None`` when there is nothing to suggest). A write that fails leaves the store as
    it was: the message says so where a reader might fear otherwise.
    """

    def __init__(self, message: str, *, store: str, hint: str | None = None) -> None:
        self.message = message
        self.store = store
        self.hint = hint
        text = f"{store}: {message}"
        super().__init__(f"{text}\n  hint: {hint}" if hint else text)


class ColumnarUnsupported(CriteriaKitError):  # noqa: N818 - names the condition, not a failure
    """A framework or expression uses something that cannot run as column expressions.

    The message names the construct and why; the scalar engine still evaluates it, and
    ``--engine auto`` falls back to it.
    """
