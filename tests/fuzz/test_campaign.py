"""The fuzz suite's own machinery: counting, budgets, collected failures, its checks."""

from __future__ import annotations

import re
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import criteriakit
from criteriakit.errors import FrameworkError, Problem
from fuzz.campaign import (
    FuzzFailure,
    Plan,
    ResourceFailure,
    Tally,
    Target,
    _checking,
    _round,
    raise_failures,
    run,
)
from fuzz.hostile import encoded
from fuzz.outcomes import assert_well_reported, no_code_run
from fuzz.test_fuzz_frameworks import NAME, SOURCES, check_mutant, registry
from fuzz.watchdog import Watchdog, resident_memory

QUIET = settings(max_examples=20, deadline=None, database=None)


def target(check, share=0.5):
    return Target("numbers", st.integers(), check, share=share, time_share=0.5)


def test_a_fast_run_counts_its_share_of_the_examples():
    seen = []
    tally = run(target(lambda value, _: seen.append(value)), Plan(QUIET, long=False, budget=None))
    assert tally.inputs == len(seen) == 10
    assert tally.failures == []
    assert tally.line().startswith("numbers: 10 inputs, 0 failures in ")


def test_a_long_run_goes_round_after_round_until_its_share():
    tally = run(target(lambda *_: None, share=3.0), Plan(QUIET, long=True, budget=None))
    assert tally.inputs == 60  # rounds of at most FIRST_ROUND examples, then sized by rate


def test_a_used_budget_stops_cleanly():
    tally = run(target(lambda *_: None), Plan(QUIET, long=True, budget=0.0))
    assert (tally.inputs, tally.failures, tally.out_of_time) == (0, [], True)
    assert tally.line().endswith("(its share of the time budget used)")
    raise_failures(tally)


def test_failures_are_collected_with_the_example_and_raised_together():
    def check(value, _):
        assert value < 1_000, "too big"

    tally = run(target(check, share=500.0), Plan(QUIET, long=False, budget=None))
    assert len(tally.failures) == 1
    with pytest.raises(
        FuzzFailure, match=r"(?s)numbers: \d+ inputs, 1 failure.*too big.*value=1000"
    ):
        raise_failures(tally)


def test_code_run_by_untrusted_text_is_caught():
    with pytest.raises(AssertionError, match="reached"), no_code_run():
        exec("1")  # noqa: S102 - what the watch must see
    with no_code_run():
        criteriakit.expressions.compile_expression(
            "a + 1 > 2", {"a": criteriakit.expressions.NUMBER}
        )


def test_another_threads_file_reads_are_not_the_texts_doing(tmp_path):
    # The watchdog reads /proc in its own thread while untrusted text is compiled.
    path = tmp_path / "f.txt"
    path.write_text("x")
    reader = threading.Thread(target=path.read_text)
    with no_code_run():
        reader.start()
        reader.join()
    with pytest.raises(AssertionError, match=r"reached \['open'\]"), no_code_run():
        path.read_text()


def test_an_error_must_be_short_and_located():
    assert_well_reported(FrameworkError([Problem("bad", file="f.toml")]), "f.toml")
    with pytest.raises(AssertionError):
        assert_well_reported(FrameworkError([Problem("bad", file="g.toml")]), "f.toml")
    with pytest.raises(AssertionError, match="character message"):
        assert_well_reported(criteriakit.PluginError("x" * 30_000, plugin="p"))


@pytest.mark.parametrize("text", SOURCES)
def test_the_shipped_sources_load_and_evaluate_unmutated(text):
    shipped = registry()
    criteriakit.loads_framework(text, source=NAME, extensions=shipped.extensions)


@QUIET
@given(st.data())
def test_an_unmutated_source_loads_and_evaluates_drawn_units(data):
    check_mutant(SOURCES[0], data)


def test_encoding_keeps_a_lone_surrogate_as_invalid_utf8():
    assert encoded("a\ud800") == b"a\xed\xa0\x80"
    with pytest.raises(UnicodeDecodeError):
        encoded("\ud800").decode("utf-8")


def batches(check, share=0.5, batch=4):
    inputs = st.lists(st.integers(), min_size=1, max_size=batch)
    return Target("numbers", inputs, check, share=share, time_share=0.5, batch=batch)


def test_a_batched_target_checks_and_counts_each_input_of_its_examples():
    seen = []
    tally = run(batches(lambda value, _: seen.append(value)), Plan(QUIET, long=False, budget=None))
    assert all(isinstance(value, int) for value in seen)
    assert tally.inputs == len(seen) >= 10  # its share, in a few rounds of examples
    assert tally.examples < tally.inputs


def test_a_long_batched_run_sizes_its_rounds_in_examples():
    tally = run(batches(lambda *_: None, share=30.0), Plan(QUIET, long=True, budget=None))
    assert 600 <= tally.inputs < 800  # hypothesis may run a few more examples than asked
    assert tally.examples < tally.inputs


def test_a_batched_input_over_the_deadline_twice_fails_with_the_input():
    def slow(value, _):
        if value == 7:
            time.sleep(0.05)

    profile = settings(QUIET, deadline=10)  # ms: the sleep passes it however fast the machine
    inputs = st.just([1, 7])
    target = Target("numbers", inputs, slow, share=0.5, time_share=0.5, batch=2)
    tally = Tally("numbers")
    _round(target, profile, 1, tally)  # recorded, not raised: hypothesis cannot replay time
    [failure] = tally.failures
    assert isinstance(failure, ResourceFailure)
    assert re.search(r"one input took [\d,]+ ms, twice .*: 7", str(failure))
    assert tally.inputs == 2


def test_a_batched_input_checked_again_replays_its_draws():
    # found by the long run: the check again drew anew, so hypothesis's replay of the example
    # (fast this time, one check) drew less than the first run and failed as a flaky strategy
    drawn = []

    def slow_first_time(_, data):
        drawn.append(data.draw(st.integers(0, 10**6), label="unit"))
        if len(drawn) % 2:
            time.sleep(0.05)

    profile = settings(QUIET, deadline=10)
    target = Target("numbers", st.just([1]), slow_first_time, share=0.5, time_share=0.5, batch=2)
    _round(target, profile, 10, Tally("numbers"))
    assert len(drawn) == 20
    assert drawn[0::2] == drawn[1::2]
    assert len(set(drawn)) > 1  # hypothesis drew several values: the replays matched each


def test_the_watchdog_ends_the_run_past_its_cap_naming_the_input():
    readings, ended = [100, 300], []
    watchdog = Watchdog(200, read=lambda: readings.pop(0), on_exceeded=ended.append)
    assert not watchdog.check()
    assert ended == []
    _checking.append(("numbers", "x" * 10_000))
    try:
        assert watchdog.check()
    finally:
        _checking.pop()
    [message] = ended
    assert "over the cap of 0 MiB" in message
    assert "numbers: 'xxx" in message
    assert len(message) < 5_000


def test_the_watchdog_reads_this_process_resident_memory():
    used = resident_memory()
    assert 10 * 2**20 < used < 64 * 2**30
    watchdog = Watchdog(64 * 2**30, on_exceeded=pytest.fail)
    watchdog.start()
    watchdog.stop()
    assert not watchdog.check()
