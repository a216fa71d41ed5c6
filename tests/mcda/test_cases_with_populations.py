"""Case files test frameworks that compare units: sibling units evaluated as a population."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from criteriakit.cli import build_cli

FRAMEWORK = """\
id = "test.cohort"
version = "1"
title = "Cohort"
subject = "unit"

[inputs.x]
type = "number"

[[criteria]]
id = "c"
title = "C"
points = 100

[[criteria.indicators]]
id = "i"
title = "I"
value = "x"
points = 100
scorer = { type = "relative", normalisation = "minmax" }

[[tiers]]
id = "top"
title = "Top"
min_score = 50

[[tiers]]
id = "rest"
title = "Rest"
min_score = 0

[ranking]
method = "score"
"""

CASES = """\
framework = "cohort.toml"

[[cases]]
name = "the best of three takes the top tier and rank 1"

[[cases.units]]
id = "a"
inputs = {{ x = 1 }}
expect = {{ tier = "rest", score = 0, rank = 3 }}

[[cases.units]]
id = "b"
inputs = {{ x = 3 }}
expect = {{ tier = "top", score = 50, rank = {middle} }}

[[cases.units]]
id = "c"
inputs = {{ x = 5 }}
expect = {{ tier = "top", rank = 1 }}

[[cases]]
name = "one unit alone cannot be scored relative to others"
inputs = {{ x = 1 }}
expect.error = "scored relative to the other units"
"""


def run(folder: Path, middle: int) -> tuple[int, str]:
    (folder / "cohort.toml").write_text(FRAMEWORK, encoding="utf-8")
    (folder / "test_cohort.toml").write_text(CASES.format(middle=middle), encoding="utf-8")
    result = CliRunner().invoke(
        build_cli(), ["--no-autoload", "test", str(folder / "test_cohort.toml")]
    )
    return result.exit_code, result.stdout


def test_units_are_scored_and_ranked_among_each_other(tmp_path):
    code, output = run(tmp_path, middle=2)
    assert code == 0, output
    assert "2 passed" in output


def test_a_wrong_rank_fails_with_its_line(tmp_path):
    code, output = run(tmp_path, middle=1)
    assert code == 1
    assert "unit 'b': rank: expected 1, got 2" in output
