"""The TOPSIS workload: ``criteriakit.mcda.rank`` against scikit-criteria and pymcdm.

One seeded decision matrix (alternatives x 10 criteria, 3 of them costs, values in 1 … 100),
entropy weights (computed once, by criteriakit, and given to everyone), vector normalisation
(the one TOPSIS formulation the three libraries share: scikit-criteria scales the matrix with
``VectorScaler`` and finds the ideal per objective, pymcdm turns a cost column round as
``1 - x/‖x‖``; both give the same closeness), and the ranks. Each library starts from the NumPy
matrix; scikit-criteria's time includes building its decision matrix and scaling it, which it
needs. pymcdm is timed without its problem checks (dominated alternatives), which take most of
its time otherwise. Scores must agree within 1e-9 and ranks exactly.

This times the NumPy-level API. Ranking a framework's population with TOPSIS in the columnar
engine (issue 15's target of 10x scikit-criteria at 1 M) is not built yet.

Run alone: python benchmarks/mcda_topsis.py [ALTERNATIVES]
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from harness import SCORE_TOLERANCE, Row, agreement, best_of, size_of, table, times

from criteriakit import mcda

Floats = npt.NDArray[np.float64]
CRITERIA = 10
TYPES = np.array([1, 1, -1, 1, -1, 1, 1, -1, 1, 1])


def matrix(alternatives: int, seed: int = 7) -> Floats:
    """Return the seeded decision matrix."""
    return np.random.default_rng(seed).uniform(1.0, 100.0, (alternatives, CRITERIA))


def with_criteriakit(values: Floats, weights: Floats) -> tuple[Floats, npt.NDArray[np.int64]]:
    """Score and rank with ``criteriakit.mcda.rank`` (ties: average, as the others)."""
    ranking = mcda.rank(
        values, weights, TYPES, method="topsis", normalisation="vector", ties="average"
    )
    return ranking.scores, ranking.ranks


def with_skcriteria(values: Floats, weights: Floats) -> tuple[Floats, npt.NDArray[np.int64]]:
    """Score and rank with scikit-criteria's ``TOPSIS`` on a vector-scaled decision matrix."""
    import skcriteria  # noqa: PLC0415  optional: imported only when installed
    from skcriteria.agg.topsis import TOPSIS  # noqa: PLC0415
    from skcriteria.preprocessing.scalers import VectorScaler  # noqa: PLC0415

    objectives = [max if kind > 0 else min for kind in TYPES]
    decision = skcriteria.mkdm(values, objectives=objectives, weights=weights)
    result = TOPSIS().evaluate(VectorScaler(target="matrix").transform(decision))
    return result.e_.similarity, result.rank_


def with_pymcdm(values: Floats, weights: Floats) -> tuple[Floats, npt.NDArray[np.int64]]:
    """Score and rank with pymcdm's ``TOPSIS`` (vector normalisation, no problem checks)."""
    from pymcdm.methods import TOPSIS  # noqa: PLC0415  optional: imported only when installed
    from pymcdm.normalizations import vector_normalization  # noqa: PLC0415

    method = TOPSIS(vector_normalization)
    scores = method(values, weights, TYPES, validation=False)
    return scores, method.rank(scores)


def compare(ours: tuple[Floats, npt.NDArray[np.int64]], theirs: tuple[Floats, object]) -> str:
    """Return whether the scores agree within 1e-9 and the ranks exactly."""
    scores, ranks = ours
    differ = np.abs(scores - theirs[0]) > SCORE_TOLERANCE
    differ |= np.asarray(ranks, dtype=np.float64) != np.asarray(theirs[1], dtype=np.float64)
    return agreement(int(np.count_nonzero(differ)), len(scores))


def run(alternatives: int, repeats: int) -> list[Row]:
    """Time criteriakit, scikit-criteria and pymcdm on one matrix; return the rows."""
    values = matrix(alternatives)
    weights = mcda.weights(values, TYPES, method="entropy")
    label = "TOPSIS + ranks"
    size = size_of(alternatives, "x 10")
    ours_seconds, ours = best_of(repeats, lambda: with_criteriakit(values, weights))
    rows = [Row(label, "criteriakit.mcda.rank", size, ours_seconds)]

    def versus(name: str, rank: Callable[[], tuple[Floats, object]]) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the references' own deprecation notices
            seconds, theirs = best_of(repeats, rank)
        rows.append(
            Row(
                label,
                name,
                size,
                seconds,
                ratio=times(seconds / ours_seconds),
                agree=compare(ours, theirs) + " with criteriakit",
            )
        )

    for module, name, rank in (
        ("skcriteria", "scikit-criteria TOPSIS (VectorScaler)", with_skcriteria),
        ("pymcdm", "pymcdm TOPSIS (vector, unchecked)", with_pymcdm),
    ):
        if importlib.util.find_spec(module) is None:
            rows.append(Row(label, module, size, None, note="not installed: skipped"))
        else:
            versus(name, lambda rank=rank: rank(values, weights))
    return rows


def main() -> None:
    """Run the TOPSIS workload alone and print its table."""
    alternatives = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(table(run(alternatives, repeats=3)))


if __name__ == "__main__":
    main()
