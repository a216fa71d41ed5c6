"""The TOPSIS workload: ``criteriakit.mcda.rank`` against scikit-criteria and pymcdm.

One seeded decision matrix (alternatives x 10 criteria, 3 of them costs, values in 1 … 100),
entropy weights (computed once, by criteriakit, and given to everyone), vector normalisation
(the one TOPSIS formulation the three libraries share: scikit-criteria scales the matrix with
``VectorScaler`` and finds the ideal per objective, pymcdm turns a cost column round as
``1 - x/‖x‖``; both give the same closeness), and the ranks. Each library starts from the NumPy
matrix; scikit-criteria's time includes building its decision matrix and scaling it, which it
needs. pymcdm is timed without its problem checks (dominated alternatives), which take most of
its time otherwise. Scores must agree within 1e-9 and ranks exactly.

The second workload ranks the same matrix as a framework's population in the columnar engine:
one relative ``vector`` indicator per column (a cost turned round as ``1 - x/‖x‖``), weighted by
the same weights, and ``[ranking] method = "topsis"``: ``criteriakit.evaluate_frame`` scores,
classifies and ranks every unit, and returns the whole result table. Its target is issue 15's:
at least 10x faster than scikit-criteria on the same matrix. Its ranks are compared with
``mcda.rank(..., decimals=9)``, as a framework ranks scores rounded to 9 decimals.

Run alone: python benchmarks/mcda_topsis.py [ALTERNATIVES]
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import polars as pl
from harness import SCORE_TOLERANCE, Row, agreement, best_of, size_of, table, times

import criteriakit
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


def topsis_framework(weights: Floats) -> criteriakit.Framework:
    """Return a framework ranking the matrix's rows by TOPSIS, as :func:`with_criteriakit`."""
    lines = ['id = "bench.topsis"', 'version = "1"', 'title = "TOPSIS"', 'subject = "row"']
    lines += ['scale = "weights"', "[[criteria]]", 'id = "all"', 'title = "All"', "weight = 1"]
    for column in range(CRITERIA):
        direction = "cost" if TYPES[column] < 0 else "benefit"
        lines += [
            "[[criteria.indicators]]",
            f'id = "i{column}"',
            f'title = "C{column}"',
            f'value = "c{column}"',
            f"weight = {float(weights[column])!r}",
            f'scorer = {{ type = "relative", normalisation = "vector", direction = "{direction}" }}',
        ]
    lines += [f'[inputs.c{column}]\ntype = "number"' for column in range(CRITERIA)]
    lines += ["[[tiers]]", 'id = "all"', 'title = "All"', "min_score = 0"]
    lines += ["[ranking]", 'method = "topsis"', 'ties = "average"']
    return criteriakit.loads_framework("\n".join(lines) + "\n")


def with_framework(
    framework: criteriakit.Framework, values: Floats
) -> tuple[Floats, npt.NDArray[np.float64]]:
    """Rank the rows as a framework's population in the columnar engine (the whole table)."""
    columns = {f"c{column}": values[:, column] for column in range(CRITERIA)}
    frame = pl.DataFrame({"id": np.arange(len(values)), **columns})
    table = criteriakit.evaluate_frame(framework, frame)
    return table["rank_score"].to_numpy(), table["rank"].to_numpy()


def with_polars_by_hand(values: Floats, weights: Floats) -> tuple[Floats, npt.NDArray[np.float64]]:
    """TOPSIS and its ranks written by hand in Polars: the floor of the framework line.

    The same steps as the framework's (vector shares, weighted, distances to the extremes, the
    closeness rounded to 9 decimals, ranks) from the same Polars frame, and nothing else: no
    input checks, points, tiers or result table.
    """
    frame = pl.DataFrame({f"c{column}": values[:, column] for column in range(CRITERIA)})
    weighted = []
    for column in range(CRITERIA):
        value = pl.col(f"c{column}")
        share = value / (value * value).sum().sqrt()
        shared = 1.0 - share if TYPES[column] < 0 else share
        weighted.append((shared * float(weights[column])).alias(f"w{column}"))

    def distance(extreme: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
        columns = [pl.col(f"w{column}") for column in range(CRITERIA)]
        return pl.sum_horizontal((c - extreme(c)) * (c - extreme(c)) for c in columns).sqrt()

    best, worst = distance(lambda c: c.max()), distance(lambda c: c.min())
    closeness = (worst / (best + worst)).round(9)
    ranked = (
        frame.lazy()
        .select(weighted)
        .select(closeness.alias("score"))
        .with_columns(pl.col("score").rank("average", descending=True).alias("rank"))
        .collect()
    )
    return ranked["score"].to_numpy(), ranked["rank"].to_numpy()


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
    return rows + _framework_rows(values, weights, repeats)


def _framework_rows(values: Floats, weights: Floats, repeats: int) -> list[Row]:
    """Time the framework's columnar ranking against scikit-criteria on the same matrix."""
    label = "[ranking] topsis, columnar"
    size = size_of(len(values), "x 10")
    framework = topsis_framework(weights)
    ours_seconds, ours = best_of(repeats, lambda: with_framework(framework, values))
    rounded = mcda.rank(
        values,
        weights,
        TYPES,
        method="topsis",
        normalisation="vector",
        ties="average",
        decimals=9,
    )
    agree = compare(ours, (rounded.scores, rounded.ranks)) + " with criteriakit.mcda"
    rows = [Row(label, "criteriakit.evaluate_frame", size, ours_seconds, agree=agree)]
    hand_seconds, hand = best_of(repeats, lambda: with_polars_by_hand(values, weights))
    rows.append(
        Row(
            label,
            "Polars by hand: TOPSIS and ranks alone",
            size,
            hand_seconds,
            ratio=times(hand_seconds / ours_seconds),
            agree=compare(hand, (rounded.scores, rounded.ranks)) + " with criteriakit.mcda",
        )
    )
    if importlib.util.find_spec("skcriteria") is None:
        return [*rows, Row(label, "skcriteria", size, None, note="not installed: skipped")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seconds, _ = best_of(repeats, lambda: with_skcriteria(values, weights))
    ratio = seconds / ours_seconds
    rows.append(
        Row(
            label,
            "scikit-criteria TOPSIS (VectorScaler)",
            size,
            seconds,
            ratio=times(ratio),
            target=">= 10x slower",
            met=ratio >= 10,
            note=f"{seconds / hand_seconds:.1f}x Polars by hand",
        )
    )
    return rows


def main() -> None:
    """Run the TOPSIS workload alone and print its table."""
    alternatives = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(table(run(alternatives, repeats=3)))


if __name__ == "__main__":
    main()
