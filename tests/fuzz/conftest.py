"""The fuzz suite's fixtures: the campaign each target runs in, its summary, its watchdog."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fuzz.campaign import Plan, Tally, Target, long_profile, raise_failures, run
from fuzz.watchdog import Watchdog, cap_from_environment, end_run

TALLIES = pytest.StashKey[list[Tally]]()


class Campaign:
    """Runs fuzz targets under this run's plan and keeps their tallies for the summary."""

    def __init__(self, plan: Plan, tallies: list[Tally]) -> None:
        self.plan = plan
        self.tallies = tallies

    def run(self, target: Target) -> Tally:
        """Run ``target``; raise :class:`~fuzz.campaign.FuzzFailure` if it found failures."""
        tally = run(target, self.plan)
        self.tallies.append(tally)
        raise_failures(tally)
        return tally


@pytest.fixture
def campaign(request: pytest.FixtureRequest) -> Campaign:
    """The campaign of this run (``fuzz-fast`` or ``fuzz-long``, see :mod:`fuzz.campaign`)."""
    tallies = request.config.stash.setdefault(TALLIES, [])
    return Campaign(Plan.from_environment(), tallies)


@pytest.fixture(autouse=True, scope="session")
def _memory_watchdog(pytestconfig: pytest.Config) -> Iterator[None]:
    """In the long campaign, watch the resident memory: a runaway input ends the run, not the
    machine (:mod:`fuzz.watchdog`; an address-space cap would abort Polars instead)."""
    if not long_profile():
        yield
        return
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")

    def uncaptured() -> None:
        if capture is not None:
            capture.suspend_global_capture(in_=True)

    watchdog = Watchdog(
        cap_from_environment(), on_exceeded=lambda message: end_run(message, uncaptured)
    )
    watchdog.start()
    try:
        yield
    finally:
        watchdog.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print each fuzz target's count of inputs and failures."""
    tallies = terminalreporter.config.stash.get(TALLIES, [])
    if tallies:
        terminalreporter.section("fuzz campaign")
        for tally in tallies:
            terminalreporter.write_line(tally.line())
        total = sum(tally.inputs for tally in tallies)
        terminalreporter.write_line(f"total: {total:,} inputs")
