"""The fuzz campaign runner: each target runs rounds of hypothesis examples, counted and bounded.

A **target** is a hypothesis strategy of hostile inputs and a check that feeds one input through
criteriakit's public interface and asserts what must hold whatever the input (only
:class:`~criteriakit.CriteriaKitError` escapes, both engines agree…). The runner adds the checks
common to every target: each input's growth of the process's peak resident memory is bounded
(:data:`MEMORY_GROWTH`) and, in the long profile, each input finishes within the profile's
hypothesis ``deadline`` (1 s).

Two hypothesis profiles, registered in ``tests/conftest.py``, say how much to run:

- ``fuzz-fast`` (any other ``HYPOTHESIS_PROFILE``, the default test run): one round per target,
  its share of the profile's ``max_examples``; no deadline, because the test machines are shared
  and a noisy neighbour must not fail the default run.
- ``fuzz-long`` (``HYPOTHESIS_PROFILE=fuzz-long``, ``tox -e fuzz``): ``max_examples`` is the
  number of inputs of the whole campaign (1,000,000), each target running its share of it in
  rounds of fresh seeds (one hypothesis run per round keeps hypothesis's own bookkeeping of
  the examples it tried small). Failures are collected, not raised at once, so that one run
  reports each distinct failure (up to :data:`MAX_FAILURES` per target).

``CRITERIAKIT_FUZZ_BUDGET`` (seconds) caps the campaign's time: each target gets its
``time_share`` of it and stops starting rounds once that is used, which ends its test normally
(the rounds are sized to a few seconds, so a target overruns its share by one round at most).
Each target's count is printed at the end of the run: ``expressions: 412,331 inputs, 0 failures``.
"""

from __future__ import annotations

import math
import os
import reprlib
import time
import traceback
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

try:
    import resource
except ImportError:  # pragma: no cover - Windows has no getrusage: memory is not watched there
    resource = None  # type: ignore[assignment]

FAST = "fuzz-fast"
LONG = "fuzz-long"

BUDGET_VARIABLE = "CRITERIAKIT_FUZZ_BUDGET"
"""Seconds the whole campaign may take; unset: every target runs its whole share of inputs."""

MEMORY_GROWTH = 512 * 1024 * 1024
"""Most bytes one input may add to the process's peak resident memory."""

MAX_FAILURES = 10
"""A target that failed this often stops: its failures are reported, later ones would repeat."""

ROUND_SECONDS = 10.0
"""A long-profile round is sized from the target's rate to take about this long."""

FIRST_ROUND = 50
"""Examples in a target's first long-profile round, which measures its rate."""

FAST_ROUNDS = 4
"""The most rounds of a batched target in the fast profile (each of its remaining quota)."""


def long_profile() -> bool:
    """Whether this run is the long campaign (``HYPOTHESIS_PROFILE=fuzz-long``)."""
    return os.environ.get("HYPOTHESIS_PROFILE") == LONG


def peak_memory() -> int:
    """Return the peak resident memory of this process so far, in bytes (0 where unknown)."""
    if resource is None:  # pragma: no cover - see the import
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


Check = Callable[[Any, st.DataObject], None]

_checking: list[tuple[str, object]] = []
"""The target and input being checked now (for the watchdog's report), if any."""


def checking(characters: int = 4_000) -> str:
    """Describe the input being checked now: its target and the start of its ``repr``."""
    if not _checking:
        return "(none: between inputs)"
    name, value = _checking[-1]
    shown = reprlib.Repr()
    shown.maxstring = shown.maxother = characters
    shown.maxlist = shown.maxtuple = shown.maxdict = 20
    return f"{name}: {shown.repr(value)}"


@attrs.frozen
class Target:
    """What to fuzz: ``inputs`` to draw, the ``check`` of one, the target's share of the run.

    ``check(value, data)`` gets one drawn value and a hypothesis data object for draws that
    depend on it (say, unit data for a framework that loaded); it raises ``AssertionError`` (or
    anything else) to fail. ``share`` is the fraction of the long profile's inputs this target
    runs, ``time_share`` the fraction of the time budget it may use. A target with a ``batch``
    over 1 draws a list of up to that many inputs per hypothesis example, each checked and
    counted on its own: it spreads hypothesis's cost per example over several cheap inputs.
    """

    name: str
    inputs: st.SearchStrategy[Any]
    check: Check
    share: float
    time_share: float
    batch: int = 1


@attrs.define
class Tally:
    """What one target ran: inputs, failures (described), seconds, whether the budget ran out."""

    name: str
    inputs: int = 0
    examples: int = 0
    failures: list[BaseException] = attrs.Factory(list)
    seconds: float = 0.0
    out_of_time: bool = False

    def line(self) -> str:
        """The summary line of the target: ``expressions: 412,331 inputs, 0 failures``."""
        failures = len(self.failures)
        line = f"{self.name}: {self.inputs:,} inputs, {failures} failure{'s' * (failures != 1)}"
        line += f" in {self.seconds:,.0f} s"
        return line + (" (its share of the time budget used)" if self.out_of_time else "")


class ResourceFailure(AssertionError):  # noqa: N818 - names the outcome: over a resource cap
    """An input took longer than the deadline twice, or raised the peak memory past its cap."""


class FuzzFailure(AssertionError):  # noqa: N818 - names the outcome: the campaign failed
    """A target found failures; the message describes each with hypothesis's example."""


def describe(error: BaseException) -> str:
    """Describe a failure in a few lines: the exception and hypothesis's falsifying example."""
    return "".join(traceback.format_exception_only(error)).strip()


@attrs.frozen
class Plan:
    """How much to run: the hypothesis profile, its mode and the time budget in seconds."""

    profile: settings
    long: bool
    budget: float | None

    @classmethod
    def from_environment(cls) -> Plan:
        """The plan of this run, from ``HYPOTHESIS_PROFILE`` and ``CRITERIAKIT_FUZZ_BUDGET``."""
        long = long_profile()
        budget = os.environ.get(BUDGET_VARIABLE)
        return cls(
            profile=settings.get_profile(LONG if long else FAST),
            long=long,
            budget=float(budget) if budget else None,
        )

    def quota(self, target: Target) -> int:
        """The inputs ``target`` runs: its share of the profile's ``max_examples``."""
        return max(1, round(target.share * self.profile.max_examples))

    def seconds(self, target: Target) -> float | None:
        """The seconds ``target`` may take, or None without a budget."""
        return None if self.budget is None else target.time_share * self.budget


class _Draws:
    """A check's draws from hypothesis's data object, kept so that a second check replays them.

    Checking an input again (after it overran the deadline) must not draw anew: hypothesis
    replays an example to shrink it, and an example that drew more on one run than on the next
    is refused as flaky.
    """

    def __init__(self, data: st.DataObject) -> None:
        self._data = data
        self._drawn: list[Any] = []
        self._replay: list[Any] | None = None

    def draw(self, strategy: st.SearchStrategy[Any], label: Any = None) -> Any:
        """Draw from ``strategy`` (or replay the first check's draw)."""
        if self._replay is not None:
            return self._replay.pop(0)
        value = self._data.draw(strategy, label=label)
        self._drawn.append(value)
        return value

    def replaying(self) -> _Draws:
        """Return draws that give, in order, what this check drew."""
        again = _Draws(self._data)
        again._replay = list(self._drawn)
        return again


def _check_one(target: Target, value: Any, data: st.DataObject | _Draws) -> float:
    """Check one input of ``target``; return the seconds it took."""
    _checking.append((target.name, value))
    started = time.perf_counter()
    try:
        target.check(value, data)
    finally:
        _checking.pop()
    return time.perf_counter() - started


def _round(target: Target, profile: settings, size: int, tally: Tally) -> None:
    """Run one hypothesis search of ``size`` examples of ``target``, counting its inputs.

    An example of a batched target is a list of inputs, each checked and counted on its own;
    the profile's deadline then holds for each of them, not for the example: one that took
    longer is checked again, and fails if it takes longer again (a noisy neighbour's pause
    does not repeat). Time and memory are not what hypothesis can replay: an input over either
    is recorded in the tally as a :class:`ResourceFailure` naming it, and the search goes on
    (raised, it would make hypothesis replay the example, take another path the second time
    and report a flaky strategy instead of the input).
    """
    deadline = profile.deadline.total_seconds() if profile.deadline is not None else None
    batched = target.batch > 1
    if batched:
        profile = settings(profile, deadline=None)

    @settings(profile, max_examples=size)
    @given(value=target.inputs, data=st.data())
    def example(value: Any, data: st.DataObject) -> None:
        tally.examples += 1
        for item in value if batched else [value]:
            before = peak_memory()
            draws = _Draws(data)
            seconds = _check_one(target, item, draws)
            if batched and deadline is not None and seconds > deadline:
                seconds = min(seconds, _check_one(target, item, draws.replaying()))
                if seconds > deadline:
                    message = (
                        f"one input took {seconds * 1000:,.0f} ms, twice "
                        f"(at most {deadline * 1000:,.0f} ms): {item!r:.2000}"
                    )
                    tally.failures.append(ResourceFailure(message))
            tally.inputs += 1  # an input whose draws overran never ran: it is not counted
            grown = peak_memory() - before
            if grown > MEMORY_GROWTH:
                message = (
                    f"one input raised the peak memory by {grown / 2**20:,.0f} MiB "
                    f"(at most {MEMORY_GROWTH / 2**20:,.0f} MiB): {item!r:.2000}"
                )
                tally.failures.append(ResourceFailure(message))

    example()


def _next_size(tally: Tally, remaining: int, seconds_left: float | None) -> int:
    """The examples of the next long round: about ``ROUND_SECONDS`` at the rate so far.

    ``remaining`` counts inputs; an example holds ``inputs / examples`` of them so far.
    """
    if tally.inputs == 0 or tally.seconds == 0:
        return min(remaining, FIRST_ROUND)
    rate = tally.examples / tally.seconds
    seconds = ROUND_SECONDS if seconds_left is None else min(ROUND_SECONDS, seconds_left)
    examples = math.ceil(remaining * tally.examples / tally.inputs)
    return max(1, min(examples, round(rate * seconds)))


def run(target: Target, plan: Plan) -> Tally:
    """Run ``target`` as ``plan`` says; return its tally (failures collected, not raised)."""
    tally = Tally(target.name)
    quota, allowed = plan.quota(target), plan.seconds(target)
    start, rounds = time.monotonic(), 0
    while tally.inputs < quota and len(tally.failures) < MAX_FAILURES:
        tally.seconds = time.monotonic() - start
        seconds_left = None if allowed is None else allowed - tally.seconds
        if seconds_left is not None and seconds_left <= 0:
            tally.out_of_time = True
            break
        if plan.long:
            size = _next_size(tally, quota - tally.inputs, seconds_left)
        else:  # batched: a few rounds, sized by the inputs per example so far, to the quota
            first = max(1.0, target.batch / 2)
            per_example = tally.inputs / tally.examples if tally.inputs else first
            size = math.ceil((quota - tally.inputs) / per_example)
        # the first round warms up (imports, caches) without a deadline
        profile = plan.profile if tally.inputs else settings(plan.profile, deadline=None)
        try:
            _round(target, profile, size, tally)
        except Exception as error:  # noqa: BLE001 - every failure is collected and reported
            tally.failures.append(error)
        rounds += 1
        if not plan.long and (target.batch == 1 or rounds == FAST_ROUNDS):
            break
    tally.seconds = time.monotonic() - start
    return tally


def raise_failures(tally: Tally) -> None:
    """Raise :class:`FuzzFailure` describing every failure of ``tally`` (from the first)."""
    if tally.failures:
        described = "\n\n".join(describe(error) for error in tally.failures)
        message = f"{tally.line()}\n\n{described}"
        raise FuzzFailure(message) from tally.failures[0]
