"""The fuzz suite's fixtures: the campaign each target runs in, its summary and memory cap."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from fuzz.campaign import Plan, Tally, Target, long_profile, raise_failures, resource, run

TALLIES = pytest.StashKey[list[Tally]]()

ADDRESS_SPACE_VARIABLE = "CRITERIAKIT_FUZZ_ADDRESS_SPACE_MIB"
"""The long campaign's cap on its address space, in MiB (default :data:`ADDRESS_SPACE_MIB`)."""

ADDRESS_SPACE_MIB = 8192
"""The default cap: Polars and Arrow reserve some 1.5 GiB; a runaway input meets the cap."""


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
def _capped_address_space() -> Iterator[None]:
    """In the long campaign, cap the address space: a runaway input fails, not the machine."""
    if not long_profile() or resource is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = int(os.environ.get(ADDRESS_SPACE_VARIABLE, ADDRESS_SPACE_MIB)) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard < 0 else min(cap, hard), hard))
    yield
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print each fuzz target's count of inputs and failures."""
    tallies = terminalreporter.config.stash.get(TALLIES, [])
    if tallies:
        terminalreporter.section("fuzz campaign")
        for tally in tallies:
            terminalreporter.write_line(tally.line())
        total = sum(tally.inputs for tally in tallies)
        terminalreporter.write_line(f"total: {total:,} inputs")
