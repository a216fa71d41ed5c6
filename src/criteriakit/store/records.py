"""What a results store keeps about a run, as frozen values: the framework, the plugins, the run.

A run is one evaluation of one framework's units for one period. :class:`NewRun` is what the
caller says about a run it is about to store; :class:`Run` is a run as stored, with its id and
the time the store gave it.
"""

from __future__ import annotations

import datetime as dt
import getpass
from typing import TYPE_CHECKING

import attrs

from criteriakit.model.period import Period

if TYPE_CHECKING:
    from criteriakit.scalar.framework import Framework

__all__ = ["FrameworkKey", "NewRun", "PluginRecord", "Run", "default_label"]


@attrs.frozen
class FrameworkKey:
    """Which framework rated the units: its id, its version and the fingerprint of its definition.

    Runs of a period are kept by framework id: a new version of the framework re-evaluating a
    period replaces the current run like any other run, and the version and fingerprint say
    which definition each run used.
    """

    id: str
    version: str
    fingerprint: str

    @classmethod
    def of(cls, framework: Framework) -> FrameworkKey:
        """Return the key of a loaded framework."""
        return cls(framework.id, framework.version, framework.fingerprint)


@attrs.frozen
class PluginRecord:
    """A plugin loaded when a run was evaluated: its name and distribution (``name version``).

    ``distribution`` is ``None`` for a local plugin directory or an in-process plugin, as
    ``criteriakit plugins`` shows them.
    """

    name: str
    distribution: str | None = None


def _period(value: Period | str) -> Period:
    return value if isinstance(value, Period) else Period.parse(value)


def default_label() -> str:
    """Return who evaluates when no label is given: the user's login name, else ``unknown``.

    ``getpass.getuser`` reads the environment, then the password database; a container may have
    neither.
    """
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


@attrs.frozen
class NewRun:
    """A run to store: its framework, period, label, data sources and plugins.

    ``period`` is a :class:`Period` or its label (``2024``, ``2024-H1``…); ``label`` says who or
    what evaluated (by default the user's name); ``sources`` names the data (files, tables) and
    ``plugins`` the plugins loaded, so that a run says what produced it.
    """

    framework: FrameworkKey
    period: Period = attrs.field(converter=_period)
    label: str = attrs.field(factory=default_label)
    sources: tuple[str, ...] = ()
    plugins: tuple[PluginRecord, ...] = ()


@attrs.frozen
class Run:
    """A stored run: its id, what :class:`NewRun` said, when it was stored and its size.

    ``evaluated_at`` is the UTC time the store gave the run; within a store each run's time is
    later than every earlier run's, so runs are ordered by it. ``units`` is the number of rows of
    its result table, ``documents`` the number of result documents kept with it (0 when none
    were produced: a columnar evaluation gives the table alone).
    """

    id: int
    framework: FrameworkKey
    period: str
    evaluated_at: dt.datetime
    label: str
    sources: tuple[str, ...]
    plugins: tuple[PluginRecord, ...]
    units: int
    documents: int
