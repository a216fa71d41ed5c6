"""``criteriakit.mcda`` reproduces published cases to their printed precision.

The cases (``published_cases.py``) are papers' tables as the reference libraries' test suites
transcribe them (Chakraborty 2015 WASPAS, Tzeng & Huang 2011 TOPSIS, Opricovic & Tzeng 2004 and
2007 VIKOR, Saaty's drinks …), each with its source. Each is run through the public API with
the settings the case records; no case is computed here.
"""

from __future__ import annotations

import math

import pytest

np = pytest.importorskip("numpy")

from published_cases import AHP_CASES, RANKING_CASES  # noqa: E402

from criteriakit import mcda  # noqa: E402 - needs NumPy

LOG10_SCORES = {"enwiki-wpm-skcriteria"}
"""Cases whose reference prints log10 of the WPM product (scikit-criteria's convention)."""


def _weights(case):
    weights = np.array(case["weights"], dtype=float)
    return weights / weights.sum() if case["weights_normalised"] else weights


@pytest.mark.parametrize("case", RANKING_CASES, ids=lambda case: case["name"])
def test_a_published_ranking_is_reproduced(case, recwarn):
    normalisation = case["normalisation"]
    if case["name"] == "wiki-wsm":  # the weighted sum of the raw values
        normalisation = "none"
    params = {
        ("lambda_" if name == "lambda" else name): value for name, value in case["params"].items()
    }
    ranking = mcda.rank(
        case["matrix"],
        _weights(case),
        case["types"],
        method=case["method"],
        normalisation=normalisation,
        **params,
    )
    scores = np.log10(ranking.scores) if case["name"] in LOG10_SCORES else ranking.scores
    np.testing.assert_allclose(scores, case["scores"], rtol=0, atol=case["atol"])
    assert ranking.ranks.tolist() == case["ranks"]
    assert ranking.higher_is_better is (case["method"] != "vikor")
    unsummed = not math.isclose(sum(_weights(case)), 1.0, abs_tol=1e-6)
    assert any(w.category is mcda.WeightsWarning for w in recwarn) is unsummed


@pytest.mark.parametrize("case", AHP_CASES, ids=lambda case: case["name"])
def test_published_judgements_give_the_published_priorities(case):
    priorities = mcda.ahp(case["matrix"], allow_inconsistent=case["consistency_ratio"] is None)
    half = 0.5 * 10 ** -case["decimals"]
    np.testing.assert_allclose(priorities.weights, case["weights"], rtol=0, atol=half + 1e-12)
    if case["consistency_ratio"] is not None:
        # the source divided the consistency index by its own random index
        ratio = priorities.consistency_index / case["random_index"]
        half = 0.5 * 10 ** -case["cr_decimals"]
        assert abs(ratio - case["consistency_ratio"]) <= half + 1e-12
