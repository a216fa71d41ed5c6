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


def test_the_supplier_example_ranks_as_the_mcda_functions_do():
    np = pytest.importorskip("numpy")
    pl = pytest.importorskip("polars")
    from criteriakit import mcda  # noqa: PLC0415  NumPy

    (example,) = [b for b in toml_blocks("mcda.md") if b.startswith('id = "acme.suppliers"')]
    framework = criteriakit.loads_framework(example, source="docs/mcda.md")
    matrix = [[250.0, 16.0, 12.0], [200.0, 16.0, 8.0], [300.0, 32.0, 16.0], [275.0, 32.0, 8.0]]
    columns = {
        name: [row[index] for row in matrix]
        for index, name in enumerate(("price", "quality", "delivery"))
    }
    frame = pl.DataFrame({"id": ["s1", "s2", "s3", "s4"], **columns})
    table = criteriakit.evaluate_frame(framework, frame)
    weights = mcda.ahp([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]).weights
    expected = mcda.rank(
        np.array(matrix), weights, [-1, 1, 1], method="topsis", normalisation="vector"
    )
    assert table["rank"].to_list() == expected.ranks.tolist() == [3, 1, 4, 2]
    assert table["rank_score"].to_list() == pytest.approx(expected.scores.tolist(), abs=1e-9)
    assert table["tier"].to_list() == ["approved", "preferred", "preferred", "approved"]
    assert [round(score, 2) for score in table["score"]] == [47.17, 51.3, 50.29, 49.17]
