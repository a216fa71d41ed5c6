"""Shared test configuration: hypothesis profiles."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("thorough", max_examples=2_000, deadline=None)
# the fuzz suite (tests/fuzz, docs/fuzzing.md): max_examples is the inputs of the whole campaign,
# shared among its targets; the fast one runs in every test run, without a deadline because the
# test machines are shared; the long one (tox -e fuzz) holds each input to 1 s
_FUZZ_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile(
    "fuzz-fast", max_examples=1_000, deadline=None, suppress_health_check=_FUZZ_HEALTH
)
settings.register_profile(
    "fuzz-long",
    max_examples=1_000_000,
    deadline=1_000,
    database=None,
    print_blob=True,
    suppress_health_check=_FUZZ_HEALTH,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

pytest_plugins = ["pytester"]


def pytest_configure(config):
    """Declare the markers of this test suite."""
    config.addinivalue_line(
        "markers", "slow: needs the package index and a minute or more (deselect: -m 'not slow')"
    )
