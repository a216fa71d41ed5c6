"""The documentation's examples are real: the TOML in docs/ loads and evaluates as described."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import criteriakit

DOCS = Path(__file__).resolve().parent.parent / "docs"


def toml_blocks(name: str) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", (DOCS / name).read_text(encoding="utf-8"), re.DOTALL)


def test_the_complete_example_in_the_format_reference_loads_and_evaluates():
    (example,) = [block for block in toml_blocks("format.md") if block.startswith("id = ")]
    framework = criteriakit.loads_framework(example, source="docs/format.md")
    assert framework.ref == "acme.team-review@2025"
    perfect = framework.evaluate({"goals_set": 4, "goals_met": 4, "satisfaction": "high"})
    assert (perfect.score, perfect.tier) == (100, "outstanding")
    # goals 3/4 → 40·(0.75 − 0.5)/0.5 = 20; one incident → 10; medium → 25: 55 → weak
    mixed = framework.evaluate(
        {"goals_set": 4, "goals_met": 3, "satisfaction": "medium", "incidents": 1}
    )
    assert (mixed.score, mixed.tier) == (55, "weak")
    vetoed = framework.evaluate({"goals_set": 4, "goals_met": 1, "satisfaction": "high"})
    assert vetoed.reason_codes == ("most-goals-missed",)
    assert vetoed.tier == "weak"
    gated = framework.evaluate(
        {"goals_set": 4, "goals_met": 4, "satisfaction": "high", "incidents": 1}
    )
    assert (gated.score, gated.band_tier, gated.tier) == (90, "outstanding", "solid")


def test_the_error_example_in_the_format_reference_is_what_the_loader_prints(tmp_path, monkeypatch):
    shown = re.search(
        r"```text\n(2 problems in bad\.toml:.*?)\n```",
        (DOCS / "format.md").read_text(encoding="utf-8"),
        re.DOTALL,
    )
    assert shown is not None
    small = (Path(__file__).parent / "data" / "good" / "small.toml").read_text(encoding="utf-8")
    bad = small.replace('"done >= planned"', '"done >= planed"').replace(
        'at_most = "poor"', 'at_most = "pore"'
    )
    monkeypatch.chdir(tmp_path)
    Path("bad.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.load_framework("bad.toml")
    assert str(caught.value) == shown.group(1)
