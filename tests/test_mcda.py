"""``criteriakit.mcda``: weights, normalisations and rankings on NumPy arrays, and their errors.

The numbers checked here are worked by hand from each method's definition; the published cases
are in ``tests/mcda/test_mcda_published.py`` and the comparison with pymcdm on random matrices
in ``tests/mcda/test_mcda_against_pymcdm.py``.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

np = pytest.importorskip("numpy")

from criteriakit import mcda  # noqa: E402 - needs NumPy
from criteriakit.errors import CriteriaKitError, MCDAError  # noqa: E402

MATRIX = [[4.0, 200.0, 3.0], [2.0, 100.0, 5.0], [3.0, 150.0, 1.0]]
TYPES = [1, -1, 1]
EQUAL = [1 / 3, 1 / 3, 1 / 3]


def test_normalisations_by_hand():
    column = [[2.0], [4.0], [8.0]]
    assert mcda.normalise(column, [1], "minmax").ravel().tolist() == [0.0, 1 / 3, 1.0]
    assert mcda.normalise(column, [-1], "minmax").ravel().tolist() == [1.0, 2 / 3, 0.0]
    assert mcda.normalise(column, [1], "max").ravel().tolist() == [0.25, 0.5, 1.0]
    assert mcda.normalise(column, [-1], "max").ravel().tolist() == [1.0, 0.5, 0.25]
    assert mcda.normalise(column, [1], "sum").ravel().tolist() == [2 / 14, 4 / 14, 8 / 14]
    inverse = 0.5 + 0.25 + 0.125
    assert mcda.normalise(column, [-1], "sum").ravel() == pytest.approx(
        [0.5 / inverse, 0.25 / inverse, 0.125 / inverse]
    )
    norm = math.sqrt(4 + 16 + 64)
    assert mcda.normalise(column, [1], "vector").ravel() == pytest.approx(
        [2 / norm, 4 / norm, 8 / norm]
    )
    assert mcda.normalise(column, [-1], "vector").ravel() == pytest.approx(
        [1 - 2 / norm, 1 - 4 / norm, 1 - 8 / norm]
    )


def test_an_all_equal_column_is_all_ones_under_minmax():
    assert mcda.normalise([[3.0, 1.0], [3.0, 2.0]], None, "minmax")[:, 0].tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    ("column", "types", "method", "message"),
    [
        ([[0.0], [0.0]], [1], "max", "column 0 has a largest value of 0"),
        ([[0.0], [2.0]], [-1], "max", "column 0 is a cost with a value <= 0"),
        ([[1.0], [-2.0]], [1], "sum", "column 0 has a value <= 0"),
        ([[0.0], [0.0]], [1], "vector", "column 0 is all zeros"),
        ([[1.0], [2.0]], [-1], "none", "column 0 is a cost, which only a normalisation turns"),
        ([[1.0], [2.0]], [1], "zscore", "unknown normalisation 'zscore': use one of minmax, max"),
    ],
)
def test_a_column_a_normalisation_cannot_use_is_named(column, types, method, message):
    with pytest.raises(MCDAError, match=message):
        mcda.normalise(column, types, method)


def test_weights_from_rankings_by_hand():
    assert mcda.weights(ranks=[1, 2, 3], method="rank-order-centroid") == pytest.approx(
        [(1 + 1 / 2 + 1 / 3) / 3, (1 / 2 + 1 / 3) / 3, (1 / 3) / 3]
    )
    assert mcda.weights(ranks=[3, 1, 2], method="rank-sum") == pytest.approx([1 / 6, 3 / 6, 2 / 6])
    assert mcda.weights(MATRIX, method="equal") == pytest.approx(EQUAL)


def test_entropy_weights_by_hand():
    matrix = [[1.0, 1.0], [1.0, 3.0]]  # the first column tells nothing apart: entropy 1, weight 0
    shares = [0.25, 0.75]
    entropy = -sum(p * math.log(p) for p in shares) / math.log(2)
    assert mcda.weights(matrix, method="entropy") == pytest.approx([0.0, 1.0])
    assert entropy < 1
    # a zero counts as 0 · ln 0 = 0, the usual convention
    assert mcda.weights([[0.0, 1.0], [2.0, 3.0]], method="entropy")[0] == pytest.approx(
        (1.0) / (1.0 + 1 + (0.25 * math.log(0.25) + 0.75 * math.log(0.75)) / math.log(2))
    )


def test_critic_gives_a_constant_column_no_weight():
    weights = mcda.weights([[1.0, 5.0, 2.0], [1.0, 3.0, 9.0], [1.0, 4.0, 4.0]], method="critic")
    assert weights[0] == 0.0
    assert weights.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: mcda.weights([[1.0, 2.0]], method="entropy"),
            r"at least 2 rows and one column; got shape \(1, 2\)",
        ),
        (
            lambda: mcda.weights([[1.0, -2.0], [1.0, 3.0]], method="entropy"),
            r"matrix\[0, 1\] is negative",
        ),
        (lambda: mcda.weights([[2.0, 2.0], [2.0, 2.0]], method="standard-deviation"), "undefined"),
        (lambda: mcda.weights(method="rank-sum"), "give ranks="),
        (lambda: mcda.weights(ranks=[1, 1, 2], method="rank-sum"), r"each of 1 … 3 once"),
        (lambda: mcda.weights(MATRIX, ranks=[1, 2, 3], method="rank-sum"), "not from a matrix"),
        (lambda: mcda.weights(MATRIX, method="merec"), "unknown weighting method 'merec'"),
        (lambda: mcda.weights(method="critic"), "give matrix="),
        (lambda: mcda.weights(MATRIX, [1, 0, 1], method="critic"), r"types\[1\] is 0"),
        (
            lambda: mcda.weights([[1.0, float("nan")], [1.0, 2.0]], method="critic"),
            r"matrix\[0, 1\] is nan",
        ),
        (lambda: mcda.weights([1.0, 2.0], method="equal"), r"2-D array .* got shape \(2,\)"),
        (lambda: mcda.weights([["a"]], method="equal"), "2-D array of numbers"),
    ],
)
def test_weighting_errors_name_the_argument_and_entry(call, message):
    with pytest.raises(MCDAError, match=message) as caught:
        call()
    assert isinstance(caught.value, CriteriaKitError)
    assert isinstance(caught.value, ValueError)


def test_ahp_of_consistent_judgements_recovers_the_ratios():
    weights = np.array([0.5, 0.3, 0.2])
    judgements = weights[:, None] / weights[None, :]
    priorities = mcda.ahp(judgements)
    assert priorities.weights == pytest.approx(weights)
    assert priorities.lambda_max == pytest.approx(3.0)
    assert priorities.consistency_ratio == pytest.approx(0.0, abs=1e-12)
    assert mcda.weights(judgements, method="ahp") == pytest.approx(weights)


def test_ahp_of_two_criteria_is_always_consistent():
    priorities = mcda.ahp([[1, 4], [1 / 4, 1]])
    assert priorities.weights == pytest.approx([0.8, 0.2])
    assert priorities.consistency_ratio == 0.0


def test_inconsistent_judgements_name_those_to_reconsider():
    judgements = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]  # a > b > c > a
    with pytest.raises(MCDAError) as caught:
        mcda.ahp(judgements, criteria=["cost", "quality", "speed"])
    message = str(caught.value)
    assert message.startswith("the judgements are inconsistent: consistency ratio ")
    assert "'cost' against 'quality' is 9, the weights imply 1.00" in message
    assert "'cost' against 'speed' is 1/9" in message
    allowed = mcda.ahp(judgements, allow_inconsistent=True)
    assert allowed.consistency_ratio > 0.1
    assert allowed.weights == pytest.approx([1 / 3, 1 / 3, 1 / 3])


@pytest.mark.parametrize(
    ("judgements", "message"),
    [
        ([[1, 2, 3], [1 / 2, 1, 4]], r"square matrix .* got \(2, 3\)"),
        ([[1, 2], [0.4, 1]], r"judgements\[0\]\[1\] is 2 but judgements\[1\]\[0\] is 0.4"),
        ([[1, 0], [0, 1]], r"judgements\[0\]\[1\] is 0: a judgement is > 0"),
        (np.ones((16, 16)), "16 criteria are more than the consistency index covers"),
    ],
)
def test_judgements_that_are_no_comparison_matrix_are_refused(judgements, message):
    with pytest.raises(MCDAError, match=message):
        mcda.ahp(judgements)


def test_wsm_and_topsis_by_hand():
    matrix = [[1.0, 4.0], [3.0, 2.0]]
    ranking = mcda.rank(matrix, [0.5, 0.5], [1, 1], method="wsm")
    assert ranking.scores == pytest.approx([0.5 * 1 / 4 + 0.5 * 4 / 6, 0.5 * 3 / 4 + 0.5 * 2 / 6])
    assert ranking.ranks.tolist() == [2, 1]
    assert (ranking.method, ranking.normalisation, ranking.higher_is_better) == ("wsm", "sum", True)
    # TOPSIS on min-max columns: each alternative is best on one criterion, worst on the other
    topsis = mcda.rank(matrix, [0.75, 0.25], [1, 1], method="topsis")
    assert topsis.scores == pytest.approx([0.25, 0.75])


def test_one_alternative_alone_is_the_ideal():
    assert mcda.rank([[3.0, 7.0]], [0.5, 0.5], method="topsis").scores.tolist() == [1.0]
    assert mcda.rank([[3.0, 7.0]], [0.5, 0.5], method="topsis").ranks.tolist() == [1]


def test_vikor_ranks_the_lowest_q_first():
    ranking = mcda.rank(
        [[1.0, 9.0], [5.0, 5.0], [9.0, 1.0], [2.0, 2.0]], [0.5, 0.5], method="vikor"
    )
    assert not ranking.higher_is_better
    assert ranking.ranks[int(np.argmin(ranking.scores))] == 1
    with pytest.raises(MCDAError, match="column 1 has the same value for every alternative"):
        mcda.rank([[1.0, 3.0], [2.0, 3.0]], [0.5, 0.5], method="vikor")


def test_ties_are_explicit():
    scores = [0.5, 0.7, 0.5, 0.49999999999999994, 0.1]
    assert mcda.ranks_of(scores).tolist() == [2, 1, 2, 4, 5]  # compared exactly
    assert mcda.ranks_of(scores, decimals=9).tolist() == [2, 1, 2, 2, 5]
    assert mcda.ranks_of(scores, decimals=9, ties="dense").tolist() == [2, 1, 2, 2, 3]
    assert mcda.ranks_of(scores, decimals=9, ties="average").tolist() == [3.0, 1.0, 3.0, 3.0, 5.0]
    assert mcda.ranks_of(scores, ties="ordinal").tolist() == [2, 1, 3, 4, 5]
    assert mcda.ranks_of(scores, decimals=9, higher_is_better=False).tolist() == [2, 5, 2, 2, 1]
    assert mcda.ranks_of([]).tolist() == []
    with pytest.raises(MCDAError, match="a score is NaN"):
        mcda.ranks_of([0.1, float("nan")])
    with pytest.raises(MCDAError, match="unknown ties 'best'"):
        mcda.ranks_of([0.1], ties="best")


def test_weights_not_summing_to_one_are_used_with_a_warning():
    with pytest.warns(mcda.WeightsWarning, match="the weights sum to 2, not 1"):
        doubled = mcda.rank(MATRIX, [2 / 3] * 3, TYPES, method="wsm")
    assert doubled.scores == pytest.approx(2 * mcda.rank(MATRIX, EQUAL, TYPES, method="wsm").scores)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"method": "electre"}, "unknown ranking method 'electre'"),
        ({"method": "topsis", "v": 0.3}, "topsis has no parameter 'v': it takes none"),
        ({"method": "vikor", "lambda_": 0.3}, "vikor has no parameter 'lambda_': it takes v="),
        ({"method": "waspas", "lambda_": 1.5}, "lambda_ must be between 0 and 1"),
        ({"method": "wsm", "normalisation": "log"}, "unknown normalisation 'log'"),
    ],
)
def test_ranking_arguments_are_checked(arguments, message):
    with pytest.raises(MCDAError, match=message):
        mcda.rank(MATRIX, EQUAL, TYPES, **arguments)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([0.5, 0.5], r"one entry per criterion \(3\); got shape \(2,\)"),
        ([0.5, -0.5, 1.0], r"weights\[1\] is -0.5: a weight is a finite number >= 0"),
        ([0.0, 0.0, 0.0], "the weights are all zero"),
    ],
)
def test_weights_are_checked(weights, message):
    with pytest.raises(MCDAError, match=message):
        mcda.rank(MATRIX, weights, TYPES)


def matrices():
    return st.tuples(st.integers(2, 8), st.integers(1, 5)).flatmap(
        lambda shape: st.lists(
            st.lists(st.floats(0.1, 1000.0), min_size=shape[1], max_size=shape[1]),
            min_size=shape[0],
            max_size=shape[0],
        )
    )


@settings(max_examples=60, deadline=None)
@given(matrix=matrices(), data=st.data())
def test_ranks_do_not_depend_on_the_order_of_the_rows(matrix, data):
    array = np.array(matrix)
    columns = array.shape[1]
    types = data.draw(st.lists(st.sampled_from([1, -1]), min_size=columns, max_size=columns))
    method = data.draw(st.sampled_from(["wsm", "wpm", "waspas", "topsis"]))
    weights = np.full(columns, 1.0 / columns)
    order = np.array(data.draw(st.permutations(range(array.shape[0]))))
    ranking = mcda.rank(array, weights, types, method=method)
    shuffled = mcda.rank(array[order], weights, types, method=method)
    assert shuffled.ranks.tolist() == ranking.ranks[order].tolist()
    assert shuffled.scores == pytest.approx(ranking.scores[order], rel=1e-12, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(
    matrix=matrices(), method=st.sampled_from(["equal", "entropy", "critic", "standard-deviation"])
)
def test_data_derived_weights_sum_to_one(matrix, method):
    array = np.array(matrix)
    try:
        weights = mcda.weights(array, method=method)
    except MCDAError as error:  # only when no column varies
        assert "undefined" in str(error)
        assert np.ptp(array, axis=0).max() == 0 or method == "critic"
        return
    assert weights.sum() == pytest.approx(1.0)
    assert (weights >= 0).all()


def test_the_example_in_the_docs_runs_as_shown():
    import pathlib  # noqa: PLC0415
    import re  # noqa: PLC0415

    text = (pathlib.Path(__file__).parent.parent / "docs" / "mcda.md").read_text(encoding="utf-8")
    [code] = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    scope: dict[str, object] = {}
    exec(code, scope)  # noqa: S102 - the documentation's own example
    assert scope["ranking"].ranks.tolist() == [3, 4, 1, 2]
    shown = re.search(r"consistency_ratio   # (\S+)", code).group(1)
    assert round(
        mcda.ahp([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]).consistency_ratio, 4
    ) == float(shown)


def test_rank_rounds_the_scores_before_ranking_when_asked():
    matrix = [[1.0, 2.0], [2.0, 1.0], [1.5, 1.5]]
    exact = mcda.rank(matrix, [0.5, 0.5], method="wsm", normalisation="none")
    assert exact.scores.tolist() == [1.5, 1.5, 1.5]
    assert exact.ranks.tolist() == [1, 1, 1]
    noisy = mcda.ranks_of([0.1 + 0.2, 0.3], decimals=12)
    assert noisy.tolist() == [1, 1]
    assert mcda.ranks_of([0.1 + 0.2, 0.3]).tolist() == [1, 2]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rows=st.integers(1, 6), columns=st.integers(1, 12))
def test_topsis_and_wsm_add_criterion_by_criterion(seed, rows, columns):
    """The columnar engine's order of additions: its ranks read the same bits (no pairwise sums)."""
    matrix = np.random.default_rng(seed).random((rows, columns)).tolist()
    columns = len(matrix[0])
    weights = [1.0 / columns] * columns
    ranking = mcda.rank(matrix, weights, method="topsis", normalisation="none")
    weighted = [
        [value * weight for value, weight in zip(row, weights, strict=True)] for row in matrix
    ]
    best = [max(column) for column in zip(*weighted, strict=True)]
    worst = [min(column) for column in zip(*weighted, strict=True)]

    def distance(row, point):
        total = 0.0
        for value, extreme in zip(row, point, strict=True):
            total += (value - extreme) * (value - extreme)
        return math.sqrt(total)

    for row, score in zip(weighted, ranking.scores, strict=True):
        to_best, to_worst = distance(row, best), distance(row, worst)
        assert score == (1.0 if to_best == 0 else to_worst / (to_best + to_worst))
    summed = mcda.rank(matrix, weights, method="wsm", normalisation="none").scores
    for row, score in zip(weighted, summed, strict=True):
        total = -0.0
        for term in row:
            total += term
        assert score == total


@settings(max_examples=100, deadline=None)
@given(
    scores=st.lists(st.integers(0, 4).map(float), max_size=40),
    ties=st.sampled_from(["min", "dense", "average", "ordinal"]),
    higher=st.booleans(),
)
def test_ranks_of_ties_are_those_of_a_plain_python_ranking(scores, ties, higher):
    from criteriakit.scalar.ranking import ranks  # noqa: PLC0415  the scalar engine's own

    found = mcda.ranks_of(scores, higher_is_better=higher, ties=ties).tolist()
    assert found == ranks(scores, higher_is_better=higher, ties=ties)
