"""Shared test configuration: hypothesis profiles and paths to the bundled examples."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("thorough", max_examples=2_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "four-good"


@pytest.fixture
def cell_framework_path() -> Path:
    """The bundled vn.four-good-cell framework file."""
    return EXAMPLES / "vn.four-good-cell.toml"
