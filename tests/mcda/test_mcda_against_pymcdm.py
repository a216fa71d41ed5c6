"""``criteriakit.mcda`` against pymcdm (and scikit-criteria's TOPSIS) on random matrices.

Every weighting method pymcdm has, every ranking method under every normalisation, and AHP on
random consistent and inconsistent judgements must give pymcdm's numbers (to 1e-9 relative)
and ranks. Run by ``tox -e mcda``, which installs both libraries; skipped without them.
"""

from __future__ import annotations

import warnings

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

np = pytest.importorskip("numpy")
pymcdm = pytest.importorskip("pymcdm")

from pymcdm import methods as pm  # noqa: E402 - needs pymcdm
from pymcdm import normalizations as pn  # noqa: E402
from pymcdm import weights as pw  # noqa: E402
from pymcdm.helpers import rankdata  # noqa: E402
from pymcdm.weights.subjective import AHP  # noqa: E402

from criteriakit import mcda  # noqa: E402

NORMALISATIONS = {
    "minmax": pn.minmax_normalization,
    "max": pn.linear_normalization,  # x/max, min/x: pymcdm's "linear"
    "sum": pn.sum_normalization,
    "vector": pn.vector_normalization,
}
METHODS = {
    "wsm": pm.WSM,
    "wpm": pm.WPM,
    "waspas": pm.WASPAS,
    "topsis": pm.TOPSIS,
    "vikor": pm.VIKOR,
}
WEIGHTS = {
    "equal": pw.equal_weights,
    "entropy": pw.entropy_weights,
    "critic": pw.critic_weights,
    "standard-deviation": pw.standard_deviation_weights,
}
SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def problems(draw):
    rows, columns = draw(st.integers(3, 12)), draw(st.integers(2, 6))
    values = st.floats(0.5, 1000.0, allow_nan=False)
    matrix = np.array(
        draw(
            st.lists(
                st.lists(values, min_size=columns, max_size=columns), min_size=rows, max_size=rows
            )
        )
    )
    types = np.array(draw(st.lists(st.sampled_from([1, -1]), min_size=columns, max_size=columns)))
    raw = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=columns, max_size=columns)))
    return matrix, raw / raw.sum(), types


def reference(compute, *args, **kwargs):
    """Run a reference library's function, its warnings (dominated alternatives …) silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compute(*args, **kwargs)


def close(ours, theirs):
    # CRITIC of ill-conditioned columns (1 and 967) differs by float noise: 1e-8 relative found
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-12)


@SETTINGS
@given(
    problem=problems(),
    method=st.sampled_from(sorted(METHODS)),
    name=st.sampled_from([None, *NORMALISATIONS]),
)
def test_every_method_and_normalisation_gives_pymcdm_s_scores_and_ranks(problem, method, name):
    matrix, weights, types = problem
    # VIKOR needs every column to differ between alternatives, as pymcdm does
    assume(method != "vikor" or (np.ptp(matrix, axis=0) > 0).all())
    body = METHODS[method]() if name is None else METHODS[method](NORMALISATIONS[name])
    theirs = reference(body, matrix, weights, types)
    assume(np.isfinite(theirs).all())  # pymcdm's NaN cases are criteriakit's documented choices
    ours = mcda.rank(matrix, weights, types, method=method, normalisation=name, ties="average")
    close(ours.scores, theirs)
    assume(len(np.unique(np.round(theirs, 9))) == len(theirs))  # near-ties may round apart
    np.testing.assert_array_equal(ours.ranks, body.rank(theirs))


@SETTINGS
@given(problem=problems(), method=st.sampled_from(sorted(WEIGHTS)))
def test_data_derived_weights_are_pymcdm_s(problem, method):
    matrix, _, types = problem
    theirs = reference(WEIGHTS[method], matrix, types)
    assume(np.isfinite(theirs).all())  # pymcdm's NaN (a constant column) is documented
    close(mcda.weights(matrix, types, method=method), theirs)


@SETTINGS
@given(problem=problems(), name=st.sampled_from(sorted(NORMALISATIONS)))
def test_normalisations_are_pymcdm_s(problem, name):
    matrix, _, types = problem
    theirs = np.column_stack(
        [NORMALISATIONS[name](matrix[:, j], types[j] < 0) for j in range(matrix.shape[1])]
    )
    close(mcda.normalise(matrix, types, name), theirs)


@SETTINGS
@given(
    size=st.integers(3, 9),
    scale=st.lists(st.integers(1, 9), min_size=36, max_size=36),
    inverted=st.lists(st.booleans(), min_size=36, max_size=36),
)
def test_ahp_gives_pymcdm_s_weights_and_consistency_ratio(size, scale, inverted):
    judgements = np.ones((size, size))
    pairs = [(i, j) for i in range(size) for j in range(i + 1, size)]
    for (i, j), value, invert in zip(pairs, scale, inverted, strict=False):
        judgements[i, j] = 1 / value if invert else value
        judgements[j, i] = 1 / judgements[i, j]
    theirs = AHP(matrix=judgements)
    ours = mcda.ahp(judgements, allow_inconsistent=True)
    close(ours.weights, reference(theirs))
    np.testing.assert_allclose(ours.consistency_ratio, theirs.get_cr(), rtol=1e-7, atol=1e-12)


def test_ranks_break_ties_as_pymcdm_with_average():
    scores = np.array([0.3, 0.5, 0.3, 0.9, 0.5])
    np.testing.assert_array_equal(
        mcda.ranks_of(scores, ties="average"), rankdata(scores, reverse=True)
    )


@SETTINGS
@given(problem=problems())
def test_topsis_with_vector_normalisation_is_scikit_criteria_s(problem):
    skc = pytest.importorskip("skcriteria")
    from skcriteria.agg.topsis import TOPSIS  # noqa: PLC0415 - scikit-criteria is optional
    from skcriteria.preprocessing.scalers import VectorScaler  # noqa: PLC0415

    matrix, weights, types = problem
    objectives = [max if kind > 0 else min for kind in types]
    scaled = VectorScaler(target="matrix").transform(
        skc.mkdm(matrix, objectives=objectives, weights=weights)
    )
    assume((np.ptp(matrix, axis=0) > 0).any())  # all alike: scikit-criteria refuses, we score 1
    theirs = reference(TOPSIS().evaluate, scaled).e_.similarity
    ours = mcda.rank(matrix, weights, types, method="topsis", normalisation="vector")
    close(ours.scores, theirs)
