"""The runnable examples run and say what their docstrings promise."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import criteriakit
from criteriakit.data import read_units
from criteriakit.scalar.batch import evaluate_rows

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_embed_in_an_app():
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / "embed_in_an_app.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = json.loads(completed.stdout.splitlines()[-1])
    assert summary == {"unit": "cell-07", "score": 92.0, "tier": "good"}
    assert "What it would take to reach excellent:" in completed.stdout


def test_bundled_cells_cover_every_tier_and_a_veto():
    framework = criteriakit.load_framework(
        EXAMPLES.parent
        / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks/vn.four-good-cell.toml"
    )
    results = evaluate_rows(framework, read_units(EXAMPLES / "four-good" / "cells.csv"))
    assert len(results) == 21
    assert {result.tier for result in results} >= {"excellent", "good", "complete", "not-completed"}
    kinds = {reason.kind for result in results for reason in result.reasons}
    assert {"veto", "gate"} <= kinds
