"""Published reference cases for ``criteriakit.mcda``: decision problems with their printed results.

Plain data, no code. Each case names where its numbers were taken from (``source``): a paper's
table as transcribed by a reference library's test suite (scikit-criteria, pymcdm, AHPy, each
pinned to the commit that was read), or a library's own regression values where no paper is
behind them (said so in ``source``). Nothing here was computed for this file: the numbers are
copied as printed, and ``notes`` says whether pymcdm 1.4.0 / scikit-criteria 0.10 reproduce
them with the settings recorded.

``RANKING_CASES`` (one dict per case):

- ``matrix``: alternatives in rows, criteria in columns; ``types``: +1 benefit, -1 cost.
- ``weights``: as the reference passes them; ``weights_normalised``: whether the reference
  divides them by their sum before use (if True, divide before ranking).
- ``method``: ``wsm``, ``wpm``, ``waspas``, ``topsis`` or ``vikor``; ``params``: ``lambda``
  (WASPAS, the share of the WSM part) or ``v`` (VIKOR).
- ``normalisation``: ``minmax``, ``max``, ``sum``, ``vector`` (as criteriakit defines them) or
  ``None``. For ``vikor``, ``None`` means pymcdm's default reading (a cost column becomes
  ``max - x``). A case whose reference does something else carries a ``pipeline`` key saying
  exactly what (for ``wiki-wsm``, ``None`` means the raw values, no normalisation at all).
- ``scores``: the printed scores (VIKOR: ``Q``, lower is better), ``decimals``: their printed
  precision; ``atol``: the absolute tolerance at which pymcdm reproduces them (half a unit in
  the last printed place unless ``notes`` says the source rounded its intermediate values).
- ``ranks``: 1 = best, ties sharing the lowest rank (``min``); ``notes`` says where ranks were
  read from the reference and where they only follow from the printed scores.
- ``details`` (VIKOR only): the printed ``S`` and ``R`` vectors.

``AHP_CASES``: ``matrix`` (reciprocal pairwise judgements), ``weights`` (the printed priority
vector), ``decimals``, ``consistency_ratio`` (printed, or ``None`` when the source prints none),
``cr_decimals``, ``random_index`` (the RI the source divided by, which may differ from
criteriakit's Tummala & Ling values) and ``notes``.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------
# Sources (commits read)
# ---------------------------------------------------------------------------------------------

_SKCRITERIA = "quatrope/scikit-criteria@35f17eeeafd80d666aac740be7c4eba9b14359b8"
_PYMCDM = "kotbaton/pymcdm@76e773513ae9a259522e2289b271967f07a1d418"
_AHPY = "PhilipGriffith/AHPy@d818996519cac4c003d12ba6dd16fdd836a5fc39"

# ---------------------------------------------------------------------------------------------
# Shared decision matrices
# ---------------------------------------------------------------------------------------------

# Chakraborty, Zavadskas & Antucheviciene (2015), Example 2 (as in scikit-criteria's
# tests/agg/test_waspas.py). Columns: PC (cost), FS (cost), MN (cost), P (benefit).
_CHAKRABORTY_2015_EX2 = [
    [581818, 54.49, 3, 5500],
    [595454, 49.73, 3, 4500],
    [586060, 51.24, 3, 5000],
    [522727, 45.71, 3, 5800],
    [561818, 52.66, 3, 5200],
    [543030, 74.46, 4, 5600],
    [522727, 75.42, 4, 5800],
    [486970, 62.62, 4, 5600],
    [509394, 65.87, 4, 6400],
    [513333, 70.67, 4, 6000],
]
_CHAKRABORTY_2015_EX2_WEIGHTS = [0.467, 0.160, 0.095, 0.278]
_CHAKRABORTY_2015_EX2_TYPES = [-1, -1, -1, 1]
_CHAKRABORTY_2015_EX2_RANKS = [6, 10, 8, 1, 5, 9, 7, 3, 2, 4]
_CHAKRABORTY_2015_CITATION = (
    "Chakraborty, S., Zavadskas, E. K., & Antucheviciene, J. (2015). Applications of WASPAS "
    "method as a multi-criteria decision-making tool. Economic Computation and Economic "
    "Cybernetics Studies and Research, 49(1), 5-22."
)
_CHAKRABORTY_2015_EX2_NOTES = (
    "Normalisation as in the scikit-criteria test: cost columns min/x, the benefit column "
    "x/max (criteriakit's 'max'); weights sum to 1 and are used as given. The printed scores "
    "were computed by the paper from rounded intermediate values: pymcdm (linear_normalization) "
    "is within 6e-5 of every score, but rounding its scores to 4 decimals can differ by one "
    "unit in the last place, so compare with atol=1e-4 (scikit-criteria's own test does). "
    "Ranks are those of the scikit-criteria test (the same for every lambda)."
)

# Opricovic & Tzeng (2007), the hydro-power example (as in scikit-criteria's
# tests/agg/test_vikor.py, test_VIKOR_opricovic2007extended).
_OPRICOVIC_2007 = [
    [4184.3, 2914.0, 407.2, 251.0, 195, 244, 15, 2.41],
    [5211.9, 3630.0, 501.7, 308.3, 282, 346, 21, 1.41],
    [5021.3, 3920.5, 504.0, 278.6, 12, 56, 3, 4.42],
    [5566.1, 3957.9, 559.5, 335.3, 167, 268, 16, 3.36],
    [5060.5, 3293.5, 514.1, 284.2, 69, 90, 7, 4.04],
    [4317.9, 2925.9, 432.8, 239.3, 12, 55, 3, 4.36],
]
# Profit, cost, energy, peak energy, homes relocated, reservoir area, villages, environment.
_OPRICOVIC_2007_TYPES = [1, -1, 1, 1, -1, -1, -1, 1]
_OPRICOVIC_2007_SOURCE = (
    "Opricovic, S., & Tzeng, G. H. (2007). Extended VIKOR method in comparison with "
    "outranking methods. European Journal of Operational Research, 178(2), 514-529; "
    f"transcribed in {_SKCRITERIA} tests/agg/test_vikor.py "
    "(test_VIKOR_opricovic2007extended, weight set W={w})."
)
_OPRICOVIC_2007_NOTES = (
    "Weights are divided by their sum before use (the scikit-criteria test does "
    "weights /= np.sum(weights)). pymcdm VIKOR() (default reading, v=0.5) reproduces Q, S "
    "and R: each differs from the printed value by < 5e-4 and rounds to it at 3 decimals. "
    "Ranks are those of the scikit-criteria test, by Q ascending (use_compromise_set=False)."
)

# ---------------------------------------------------------------------------------------------
# Ranking cases
# ---------------------------------------------------------------------------------------------

RANKING_CASES = [
    {
        "name": "wiki-wsm",
        "source": (
            "Wikipedia, 'Weighted sum model', section Example (the table with its WSM Score "
            "column), as stored at http://cryer.org.uk/weighted_sum_model and "
            "http://everyfhing.explained.today/Weighted_sum_model."
        ),
        "matrix": [
            [25, 20, 15, 30],
            [10, 30, 20, 30],
            [30, 10, 30, 10],
        ],
        "weights": [0.20, 0.15, 0.40, 0.25],
        "types": [1, 1, 1, 1],
        "method": "wsm",
        "normalisation": None,
        "pipeline": (
            "No normalisation at all: score = matrix @ weights on the raw values (the article "
            "says WSM applies only when all data are in the same unit): criteriakit's "
            "normalisation='none'."
        ),
        "weights_normalised": False,
        "params": {},
        "scores": [21.50, 22.00, 22.00],
        "decimals": 2,
        "atol": 0.005,
        "ranks": [3, 1, 1],
        "notes": (
            "A published tie: A2 and A3 both score 22.00. In floating point 0.2*10 + 0.15*30 "
            "+ 0.4*20 + 0.25*30 and 0.2*30 + 0.15*10 + 0.4*30 + 0.25*10 are both exactly 22.0 "
            "(checked with NumPy). Ranks follow from the printed scores (the article prints "
            "scores, not ranks); pymcdm's rank() gives [3, 1.5, 1.5] (average ties). With "
            "'sum' normalisation the tie breaks (A3 > A2 > A1), so the raw values matter."
        ),
    },
    {
        "name": "kracka-2010-wsm",
        "source": (
            "Data: Kracka, M., Brauers, W. K. M., & Zavadskas, E. K. (2010). Ranking heating "
            "losses in a building by applying the MULTIMOORA. Inzinerine Ekonomika-Engineering "
            "Economics, 21(4), 352-359. Scores: scikit-criteria's own regression values, "
            f"{_SKCRITERIA} tests/agg/test_simple.py (test_WeightedSumModel_kracka2010ranking); "
            "the paper itself uses MULTIMOORA, not WSM."
        ),
        "matrix": [
            [33.95, 23.78, 11.45, 39.97, 29.44, 167.10, 3.852],
            [38.9, 4.17, 6.32, 0.01, 4.29, 132.52, 25.184],
            [37.59, 9.36, 8.23, 4.35, 10.22, 136.71, 10.845],
            [30.44, 37.59, 13.91, 74.08, 45.10, 198.34, 2.186],
            [36.21, 14.79, 9.17, 17.77, 17.06, 148.3, 6.610],
            [37.8, 8.55, 7.97, 2.35, 9.25, 134.83, 11.935],
        ],
        "weights": [20, 20, 20, 20, 20, 20, 20],
        "types": [-1, -1, -1, -1, 1, -1, 1],
        "method": "wsm",
        "normalisation": "sum",
        "weights_normalised": True,
        "params": {},
        "scores": [0.12040426, 0.3458235, 0.13838192, 0.12841246, 0.12346084, 0.14351701],
        "decimals": 8,
        "atol": 1e-7,
        "ranks": [6, 1, 3, 4, 5, 2],
        "notes": (
            "scikit-criteria's pipeline: InvertMinimize (cost column x -> 1/x) then "
            "SumScaler(target='both'), i.e. every column divided by its sum and the weights "
            "divided by theirs (20/140 = 1/7 each). That is exactly criteriakit's 'sum' "
            "normalisation ((1/x)/sum(1/x) for a cost) with weights normalised. pymcdm "
            "WSM() (sum_normalization) with weights 1/7 gives the same scores to 8 decimals "
            "and ranks [6, 1, 3, 4, 5, 2]; scikit-criteria 0.10 reproduces them too."
        ),
    },
    {
        "name": "enwiki-wpm-skcriteria",
        "source": (
            "Data: Wikipedia, 'Weighted product model' (retrieved 2017-01-07, revision "
            "1015567716 per the test's name). Scores: scikit-criteria's regression values, "
            f"{_SKCRITERIA} tests/agg/test_simple.py "
            "(test_WeightedProductModel_enwiki_1015567716)."
        ),
        "matrix": [
            [25, 20, 15, 30],
            [10, 30, 20, 30],
            [30, 10, 30, 10],
        ],
        "weights": [20, 15, 40, 25],
        "types": [1, 1, 1, 1],
        "method": "wpm",
        "normalisation": "sum",
        "pipeline": (
            "scikit-criteria reports log10 of the WPM product: compare log10(score) of "
            "criteriakit's wpm (product of n**w) with these scores, or 10**scores with ours."
        ),
        "weights_normalised": True,
        "params": {},
        "scores": [-0.50128589, -0.50448471, -0.52947246],
        "decimals": 8,
        "atol": 1e-7,
        "ranks": [1, 2, 3],
        "notes": (
            "Pipeline SumScaler(target='both'): columns divided by their sums, weights by "
            "theirs (0.20, 0.15, 0.40, 0.25). pymcdm WPM() (sum_normalization) with the "
            "normalised weights gives products 0.315293, 0.312979, 0.295480, whose log10 are "
            "the scores above to 8 decimals; scikit-criteria 0.10 reproduces them and ranks "
            "[1, 2, 3]. Regression values of the library, not numbers printed by Wikipedia."
        ),
    },
    {
        "name": "chakraborty-2015-ex2-wsm",
        "source": (
            f"{_CHAKRABORTY_2015_CITATION} Example 2, WASPAS with lambda = 1 (pure WSM); "
            f"transcribed in {_SKCRITERIA} tests/agg/test_waspas.py "
            "(test_WASPAS_chakraborty2015applications)."
        ),
        "matrix": _CHAKRABORTY_2015_EX2,
        "weights": _CHAKRABORTY_2015_EX2_WEIGHTS,
        "types": _CHAKRABORTY_2015_EX2_TYPES,
        "method": "wsm",
        "normalisation": "max",
        "weights_normalised": False,
        "params": {},
        "scores": [0.8590, 0.8194, 0.8430, 0.9420, 0.8645, 0.8315, 0.8552, 0.8983, 0.9067, 0.8784],
        "decimals": 4,
        "atol": 1e-4,
        "ranks": _CHAKRABORTY_2015_EX2_RANKS,
        "notes": (
            "WASPAS at lambda = 1 is the WSM part alone. pymcdm WSM(linear_normalization) "
            "and WASPAS(l=1) agree with each other; A2 is 0.819454, printed 0.8194. "
            + _CHAKRABORTY_2015_EX2_NOTES
        ),
    },
    {
        "name": "chakraborty-2015-ex2-wpm",
        "source": (
            f"{_CHAKRABORTY_2015_CITATION} Example 2, WASPAS with lambda = 0 (pure WPM); "
            f"transcribed in {_SKCRITERIA} tests/agg/test_waspas.py "
            "(test_WASPAS_chakraborty2015applications)."
        ),
        "matrix": _CHAKRABORTY_2015_EX2,
        "weights": _CHAKRABORTY_2015_EX2_WEIGHTS,
        "types": _CHAKRABORTY_2015_EX2_TYPES,
        "method": "wpm",
        "normalisation": "max",
        "weights_normalised": False,
        "params": {},
        "scores": [0.8578, 0.8144, 0.8408, 0.9413, 0.8632, 0.8241, 0.8454, 0.8915, 0.8987, 0.8697],
        "decimals": 4,
        "atol": 1e-4,
        "ranks": _CHAKRABORTY_2015_EX2_RANKS,
        "notes": (
            "WASPAS at lambda = 0 is the WPM part alone (product of n**w, not its log). "
            "pymcdm WPM(linear_normalization) rounds to every printed value at 4 decimals. "
            + _CHAKRABORTY_2015_EX2_NOTES
        ),
    },
    {
        "name": "chakraborty-2015-ex2-waspas-0.5",
        "source": (
            f"{_CHAKRABORTY_2015_CITATION} Example 2, lambda = 0.5; transcribed in "
            f"{_SKCRITERIA} tests/agg/test_waspas.py (test_WASPAS_chakraborty2015applications)."
        ),
        "matrix": _CHAKRABORTY_2015_EX2,
        "weights": _CHAKRABORTY_2015_EX2_WEIGHTS,
        "types": _CHAKRABORTY_2015_EX2_TYPES,
        "method": "waspas",
        "normalisation": "max",
        "weights_normalised": False,
        "params": {"lambda": 0.5},
        "scores": [0.8584, 0.8169, 0.8419, 0.9417, 0.8638, 0.8278, 0.8503, 0.8949, 0.9027, 0.8740],
        "decimals": 4,
        "atol": 1e-4,
        "ranks": _CHAKRABORTY_2015_EX2_RANKS,
        "notes": (
            "pymcdm WASPAS(l=0.5) gives A5 = 0.863858, printed 0.8638 (the one value off "
            "after rounding). " + _CHAKRABORTY_2015_EX2_NOTES
        ),
    },
    {
        "name": "chakraborty-2015-ex2-waspas-0.3",
        "source": (
            f"{_CHAKRABORTY_2015_CITATION} Example 2, lambda = 0.3; transcribed in "
            f"{_SKCRITERIA} tests/agg/test_waspas.py (test_WASPAS_chakraborty2015applications)."
        ),
        "matrix": _CHAKRABORTY_2015_EX2,
        "weights": _CHAKRABORTY_2015_EX2_WEIGHTS,
        "types": _CHAKRABORTY_2015_EX2_TYPES,
        "method": "waspas",
        "normalisation": "max",
        "weights_normalised": False,
        "params": {"lambda": 0.3},
        "scores": [0.8582, 0.8159, 0.8414, 0.9415, 0.8636, 0.8263, 0.8484, 0.8936, 0.9011, 0.8723],
        "decimals": 4,
        "atol": 1e-4,
        "ranks": _CHAKRABORTY_2015_EX2_RANKS,
        "notes": (
            "Checks the direction of lambda: Q = lambda * WSM + (1 - lambda) * WPM, so 0.3 "
            "leans to the WPM scores (at lambda 0.7 A2 would be 0.8179, not 0.8159). pymcdm "
            "WASPAS(l=0.3) is within 6e-5 of every value; A3 (0.841451) and A6 (0.826355) round "
            "one unit away from the printed 0.8414 and 0.8263. " + _CHAKRABORTY_2015_EX2_NOTES
        ),
    },
    {
        "name": "chakraborty-2015-waspas-pymcdm",
        "source": (
            f"{_CHAKRABORTY_2015_CITATION} The example with 8 alternatives and 7 criteria as "
            f"transcribed in {_PYMCDM} test/test_mcdm.py (TestWASPAS) and in the docstring of "
            "pymcdm/methods/waspas.py."
        ),
        "matrix": [
            [30, 23, 5, 0.745, 0.745, 1500, 5000],
            [18, 13, 15, 0.745, 0.745, 1300, 6000],
            [15, 12, 10, 0.500, 0.500, 950, 7000],
            [25, 20, 13, 0.745, 0.745, 1200, 4000],
            [14, 18, 14, 0.255, 0.745, 950, 3500],
            [17, 15, 9, 0.745, 0.500, 1250, 5250],
            [23, 18, 20, 0.500, 0.745, 1100, 3000],
            [16, 8, 14, 0.255, 0.500, 1500, 3000],
        ],
        "weights": [0.1181, 0.1181, 0.0445, 0.1181, 0.2861, 0.2861, 0.0445],
        "types": [1, 1, 1, 1, 1, -1, -1],
        "method": "waspas",
        "normalisation": "max",
        "weights_normalised": False,
        "params": {"lambda": 0.5},
        "scores": [0.8329, 0.7884, 0.6987, 0.8831, 0.7971, 0.7036, 0.8728, 0.5749],
        "decimals": 4,
        "atol": 5e-5,
        "ranks": [3, 5, 7, 1, 4, 6, 2, 8],
        "notes": (
            "The weights sum to 1.0155, not 1, and are used as given (pymcdm does not "
            "normalise them; criteriakit will warn). pymcdm WASPAS() (linear_normalization, "
            "l=0.5) rounds to every printed score at 4 decimals (its test asserts exactly "
            "that). Ranks follow from the printed scores; the test prints none."
        ),
    },
    {
        "name": "tzeng-huang-2011-topsis",
        "source": (
            "Tzeng, G. H., & Huang, J. J. (2011). Multiple attribute decision making: methods "
            f"and applications. CRC Press; transcribed in {_SKCRITERIA} tests/agg/test_topsis.py "
            "(test_TOPSIS_tzeng2011multiple)."
        ),
        "matrix": [
            [5, 8, 4],
            [7, 6, 8],
            [8, 8, 6],
            [7, 4, 6],
        ],
        "weights": [0.3, 0.4, 0.3],
        "types": [1, 1, 1],
        "method": "topsis",
        "normalisation": "vector",
        "weights_normalised": False,
        "params": {},
        "scores": [0.5037, 0.6581, 0.7482, 0.3340],
        "decimals": 4,
        "atol": 5e-5,
        "ranks": [3, 2, 1, 4],
        "notes": (
            "scikit-criteria: VectorScaler(target='matrix') then TOPSIS (Euclidean distances "
            "of the weighted matrix to the column best/worst). pymcdm "
            "TOPSIS(vector_normalization) gives 0.503720, 0.658085, 0.748249, 0.333997, which "
            "round to the printed values; ranks [3, 2, 1, 4] as in the scikit-criteria test. "
            "With pymcdm's default minmax the scores differ (0.4853, 0.6484, 0.7768, 0.3630)."
        ),
    },
    {
        "name": "opricovic-tzeng-2004-topsis",
        "source": (
            "Opricovic, S., & Tzeng, G. H. (2004). Compromise solution by MCDM methods: A "
            "comparative analysis of VIKOR and TOPSIS. European Journal of Operational "
            f"Research, 156(2), 445-455; transcribed in {_PYMCDM} test/test_mcdm.py "
            "(TestTOPSIS) and the docstring of pymcdm/methods/topsis.py."
        ),
        "matrix": [
            [1, 3000],
            [2, 3750],
            [5, 4500],
        ],
        "weights": [0.5, 0.5],
        "types": [-1, 1],
        "method": "topsis",
        "normalisation": "minmax",
        "weights_normalised": False,
        "params": {},
        "scores": [0.500, 0.617, 0.500],
        "decimals": 3,
        "atol": 5e-4,
        "ranks": [2, 1, 2],
        "notes": (
            "Criteria: risk (cost) and altitude (benefit). pymcdm TOPSIS() with its default "
            "minmax_normalization gives 0.5, 0.617218, 0.5. NOT verified against the paper's "
            "own table: the paper's abstract says its TOPSIS uses vector normalisation, but "
            "these printed values come out only with min-max (linear) normalisation; pymcdm "
            "TOPSIS(vector_normalization) gives 0.762141, 0.722178, 0.237859 instead. A "
            "published tie (A1 = A3 = 0.5); ranks follow from the scores."
        ),
    },
    {
        "name": "opricovic-tzeng-2004-vikor",
        "source": (
            "Opricovic, S., & Tzeng, G. H. (2004). Compromise solution by MCDM methods: A "
            "comparative analysis of VIKOR and TOPSIS. European Journal of Operational "
            f"Research, 156(2), 445-455; transcribed in {_SKCRITERIA} tests/agg/test_vikor.py "
            f"(test_VIKOR_opricovic2004compromise) and {_PYMCDM} test/test_mcdm.py "
            "(TestVIKOR.test_output_opricovic)."
        ),
        "matrix": [
            [1, 3000],
            [2, 3750],
            [5, 4500],
        ],
        "weights": [0.5, 0.5],
        "types": [-1, 1],
        "method": "vikor",
        "normalisation": None,
        "weights_normalised": False,
        "params": {"v": 0.5},
        "scores": [1.0, 0.0, 1.0],
        "details": {"S": [0.5, 0.375, 0.5], "R": [0.5, 0.25, 0.5]},
        "decimals": 3,
        "atol": 1e-9,
        "ranks": [2, 1, 2],
        "notes": (
            "Q, S and R as printed in the scikit-criteria test (pymcdm's test checks Q "
            "alone). pymcdm VIKOR() reproduces them exactly; scikit-criteria 0.10 gives ranks "
            "[2, 1, 2] with or without its compromise set. The scikit-criteria test also runs "
            "an affinely shifted copy (risk + 5, altitude / 1000 - 1) with the same results."
        ),
    },
    {
        "name": "opricovic-tzeng-2007-vikor-w1",
        "source": _OPRICOVIC_2007_SOURCE.format(w=1),
        "matrix": _OPRICOVIC_2007,
        "weights": [1, 1, 1, 1, 1, 1, 1, 1],
        "types": _OPRICOVIC_2007_TYPES,
        "method": "vikor",
        "normalisation": None,
        "weights_normalised": True,
        "params": {"v": 0.5},
        "scores": [0.991, 1.0, 0.473, 0.670, 0.0, 0.578],
        "details": {
            "S": [0.692, 0.7, 0.29, 0.423, 0.28, 0.346],
            "R": [0.125, 0.125, 0.121, 0.125, 0.067, 0.125],
        },
        "decimals": 3,
        "atol": 5e-4,
        "ranks": [5, 6, 2, 4, 1, 3],
        "notes": _OPRICOVIC_2007_NOTES,
    },
    {
        "name": "opricovic-tzeng-2007-vikor-w2",
        "source": _OPRICOVIC_2007_SOURCE.format(w=2),
        "matrix": _OPRICOVIC_2007,
        "weights": [2, 2, 2, 2, 1, 1, 1, 1],
        "types": _OPRICOVIC_2007_TYPES,
        "method": "vikor",
        "normalisation": None,
        "weights_normalised": True,
        "params": {"v": 0.5},
        "scores": [1.0, 0.533, 0.552, 0.563, 0.0, 0.686],
        "details": {
            "S": [0.701, 0.6, 0.386, 0.365, 0.317, 0.459],
            "R": [0.167, 0.114, 0.161, 0.167, 0.089, 0.167],
        },
        "decimals": 3,
        "atol": 5e-4,
        "ranks": [6, 2, 3, 4, 1, 5],
        "notes": _OPRICOVIC_2007_NOTES,
    },
    {
        "name": "opricovic-tzeng-2007-vikor-w3",
        "source": _OPRICOVIC_2007_SOURCE.format(w=3),
        "matrix": _OPRICOVIC_2007,
        "weights": [1, 1, 1, 1, 2, 2, 2, 2],
        "types": _OPRICOVIC_2007_TYPES,
        "method": "vikor",
        "normalisation": None,
        "weights_normalised": True,
        "params": {"v": 0.5},
        "scores": [0.684, 1.0, 0.147, 0.554, 0.041, 0.191],
        "details": {
            "S": [0.683, 0.8, 0.193, 0.48, 0.243, 0.232],
            "R": [0.113, 0.167, 0.08, 0.122, 0.044, 0.083],
        },
        "decimals": 3,
        "atol": 5e-4,
        "ranks": [5, 6, 2, 4, 1, 3],
        "notes": _OPRICOVIC_2007_NOTES,
    },
    {
        "name": "opricovic-tzeng-2007-vikor-w4",
        "source": _OPRICOVIC_2007_SOURCE.format(w=4),
        "matrix": _OPRICOVIC_2007,
        "weights": [1, 1, 1, 1, 3.2, 3.2, 3.2, 3.2],
        "types": _OPRICOVIC_2007_TYPES,
        "method": "vikor",
        "normalisation": None,
        "weights_normalised": True,
        "params": {"v": 0.5},
        "scores": [0.668, 1.0, 0.051, 0.588, 0.058, 0.078],
        "details": {
            "S": [0.678, 0.857, 0.138, 0.513, 0.222, 0.167],
            "R": [0.129, 0.190, 0.057, 0.139, 0.042, 0.060],
        },
        "decimals": 3,
        "atol": 5e-4,
        "ranks": [5, 6, 1, 4, 2, 3],
        "notes": _OPRICOVIC_2007_NOTES,
    },
    {
        "name": "yang-wu-2020-vikor",
        "source": (
            "Yang, W., & Wu, Y. (2020). A new improvement method to avoid rank reversal in "
            f"VIKOR. IEEE Access, 8, 21261-21271; transcribed in {_PYMCDM} test/test_mcdm.py "
            "(TestVIKOR.test_output_yang) and the docstring of pymcdm/methods/vikor.py."
        ),
        "matrix": [
            [78, 56, 34, 6],
            [4, 45, 3, 97],
            [18, 2, 50, 63],
            [9, 14, 11, 92],
            [85, 9, 100, 29],
        ],
        "weights": [0.25, 0.25, 0.25, 0.25],
        "types": [1, 1, 1, 1],
        "method": "vikor",
        "normalisation": None,
        "weights_normalised": False,
        "params": {"v": 0.5},
        "scores": [0.5679, 0.7667, 1.0, 0.7493, 0.0],
        "decimals": 4,
        "atol": 5e-5,
        "ranks": [2, 4, 5, 3, 1],
        "notes": (
            "pymcdm VIKOR() rounds to every printed Q at 4 decimals (its test asserts exactly "
            "that). Ranks follow from Q ascending (lower is better); the test prints none."
        ),
    },
]

# ---------------------------------------------------------------------------------------------
# AHP cases
# ---------------------------------------------------------------------------------------------

AHP_CASES = [
    {
        "name": "saaty-2008-drinks",
        "source": (
            "Saaty, T. L. (2008). Decision making with the analytic hierarchy process. Int. J. "
            "Services Sciences, 1(1), 83-98: relative consumption of drinks in the US (coffee, "
            "wine, tea, beer, sodas, milk, water). Matrix, priorities and CR as reproduced in "
            f"{_AHPY} README.md (section 'Relative consumption of drinks in the United States') "
            "and tests/test_ahp.py (test_drinks_cr_saaty, test_drinks_weights_precision_3_saaty)."
        ),
        "matrix": [
            [1, 9, 5, 2, 1, 1, 1 / 2],
            [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
            [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
            [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
            [1, 9, 4, 2, 1, 2, 1 / 2],
            [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
            [2, 9, 9, 3, 2, 3, 1],
        ],
        "weights": [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327],
        "decimals": 3,
        "consistency_ratio": 0.022,
        "cr_decimals": 3,
        "random_index": 1.35,
        "notes": (
            "Rows/columns: coffee, wine, tea, beer, sodas, milk, water. The actual consumption "
            "Saaty compares with is 0.180, 0.010, 0.040, 0.120, 0.180, 0.140, 0.330 (not a test "
            "target). AHPy matches Saaty with random_index='saaty' (RI(7) = 1.35, Saaty 2005). "
            "pymcdm AHP(matrix=...) gives 0.1775, 0.0191, 0.0418, 0.1164, 0.1896, 0.1288, "
            "0.3268 (rounds to the printed vector) and lambda_max 7.1766; CR is 0.0218 with RI "
            "1.35, 0.0221 with pymcdm's 1.3322 and 0.0223 with Saaty's 1.32: all print 0.022."
        ),
    },
    {
        "name": "wikipedia-leader-criteria",
        "source": (
            "Judgements: Wikipedia, 'Analytic hierarchy process - leader example' (an older "
            "version, archived at web.archive.org/web/20240724002837; criteria experience, "
            "education, charisma, age), as used in "
            f"{_AHPY} README.md (section 'Choosing a leader'). Priorities and CR: AHPy's "
            "printed report for the 'Criteria' comparison (precision=3, random_index='saaty'), "
            "not Wikipedia's own numbers, which AHPy says come from an approximate demo site."
        ),
        "matrix": [
            [1, 4, 3, 7],
            [1 / 4, 1, 1 / 3, 3],
            [1 / 3, 3, 1, 5],
            [1 / 7, 1 / 3, 1 / 5, 1],
        ],
        "weights": [0.548, 0.127, 0.270, 0.056],
        "decimals": 3,
        "consistency_ratio": 0.044,
        "cr_decimals": 3,
        "random_index": 0.89,
        "notes": (
            "Rows/columns: experience, education, charisma, age. pymcdm AHP gives 0.5476, "
            "0.1266, 0.2699, 0.0559 (rounds to the printed vector), lambda_max 4.1184; CR is "
            "0.0444 with RI 0.89 (Saaty 2005) and 0.0442 with pymcdm's 0.8921: both 0.044."
        ),
    },
    {
        "name": "wikipedia-leader-experience",
        "source": (
            "Judgements: Wikipedia, 'Analytic hierarchy process - leader example' (older "
            "version, archived at web.archive.org/web/20240724002837; the three candidates "
            f"compared on experience), as used in {_AHPY} README.md (section "
            "'Choosing a leader': experience.local_weights and experience.consistency_ratio, "
            "precision=3, random_index='saaty'). AHPy's printed values, not Wikipedia's."
        ),
        "matrix": [
            [1, 1 / 4, 4],
            [4, 1, 9],
            [1 / 4, 1 / 9, 1],
        ],
        "weights": [0.217, 0.717, 0.066],
        "decimals": 3,
        "consistency_ratio": 0.035,
        "cr_decimals": 3,
        "random_index": 0.52,
        "notes": (
            "Rows/columns: Moll, Nell, Sue (AHPy's names; it says the original example's "
            "names were changed, the comparison values not). pymcdm AHP "
            "gives 0.2172, 0.7171, 0.0658, lambda_max 3.0369. The CR depends on the random "
            "index: 0.0355 (prints 0.035) with Saaty's 2005 RI(3) = 0.52, but 0.0318 with "
            "pymcdm's 0.5799 (criteriakit's RANDOM_INDEX) and with Saaty's 1980 0.58, so "
            "check it as CI / random_index, not against criteriakit's own CR."
        ),
    },
    {
        "name": "wang-chin-2011",
        "source": (
            "Wang, Y. M., & Chin, K. S. (2011). A linear programming approximation to the "
            "eigenvector method in the analytic hierarchy process. Information Sciences, "
            f"181(23), 5240-5248; transcribed in {_PYMCDM} test/test_weights.py "
            "(TestAHPWeights)."
        ),
        "matrix": [
            [1, 4, 3, 1, 3, 4],
            [1 / 4, 1, 7, 3, 1 / 5, 1],
            [1 / 3, 1 / 7, 1, 1 / 5, 1 / 5, 1 / 6],
            [1, 1 / 3, 5, 1, 1, 1 / 3],
            [1 / 3, 5, 5, 1, 1, 3],
            [1 / 4, 1, 6, 3, 1 / 3, 1],
        ],
        "weights": [0.3208, 0.1395, 0.0348, 0.1285, 0.2374, 0.1391],
        "decimals": 4,
        "consistency_ratio": None,
        "cr_decimals": None,
        "random_index": None,
        "notes": (
            "pymcdm AHP(matrix=...)() rounds to the printed weights at 4 decimals (its test "
            "asserts exactly that). No CR is printed in the test. The judgements are far from "
            "consistent (pymcdm get_cr() is about 0.23, lambda_max about 7.42, both computed "
            "here for information only), so criteriakit's ahp needs allow_inconsistent=True."
        ),
    },
]
