"""The weighted-sum workload: one weighted sum of 20 values, against scikit-criteria and pymcdm.

The matrix (alternatives x 20 values, seeded, already within 0 … 1) and the weights
(``bench.weighted-sum``'s criterion weight x indicator weight) are the same for everyone, and no
one normalises: criteriakit's linear 0 → 1 scorers pass the values through, scikit-criteria's
``WeightedSumModel`` takes the matrix as it is, pymcdm's ``WSM`` is given an identity
normalisation. Each library starts from its own input type: criteriakit from a Polars frame,
the others from the NumPy matrix (scikit-criteria's time includes building its decision
matrix, which it needs). scikit-criteria also ranks the alternatives, which the others do not.
pymcdm checks its decision problem by default (no dominated alternative, weights summing to 1),
which is most of its time; it is timed both ways. The scores must agree within 1e-9.

Run alone: python benchmarks/weighted_sum.py [ALTERNATIVES]
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import polars as pl
from harness import (
    FRAMEWORKS,
    SCORE_TOLERANCE,
    Row,
    agreement,
    best_of,
    registry,
    size_of,
    table,
    times,
)

import criteriakit

Floats = npt.NDArray[np.float64]
COLUMNS = tuple(f"c{k:02d}" for k in range(1, 21))
FULL_SIZE = 1_000_000
"""The number of alternatives the target is set for: fixed costs weigh on fewer."""


def framework() -> criteriakit.Framework:
    """Return ``bench.weighted-sum``."""
    return registry(FRAMEWORKS).get("bench.weighted-sum", "1")


def weights(weighted: criteriakit.Framework) -> Floats:
    """Return each value's weight, in column order: criterion weight x indicator weight."""
    definition = weighted.definition
    found = {
        indicator.value: (criterion.weight or 0.0) * (indicator.weight or 0.0)
        for criterion in definition.criteria
        for indicator in criterion.indicators
    }
    return np.array([found[name] for name in COLUMNS]) * definition.max_score


def matrix(alternatives: int, seed: int = 11) -> Floats:
    """Return the seeded matrix, one row per alternative, one column per value."""
    return np.random.default_rng(seed).random((alternatives, len(COLUMNS)))


def with_criteriakit(weighted: criteriakit.Framework, frame: pl.DataFrame) -> Floats:
    """Score every alternative with the columnar executor."""
    output = criteriakit.evaluate_frame(weighted, frame)
    return output["score"].to_numpy()


def with_skcriteria(values: Floats, weight: Floats) -> Floats:
    """Score (and rank) every alternative with scikit-criteria's ``WeightedSumModel``."""
    import skcriteria  # noqa: PLC0415  optional: imported only when installed
    from skcriteria.agg.simple import WeightedSumModel  # noqa: PLC0415

    decision = skcriteria.mkdm(values, objectives=[max] * values.shape[1], weights=weight)
    scores: Floats = WeightedSumModel().evaluate(decision).e_.score
    return scores


def _as_given(column: Floats, cost: bool) -> Floats:  # noqa: ARG001  pymcdm passes cost by name
    """Return the column unchanged: pymcdm's normalisation step, for values already in 0 … 1."""
    return column


def with_pymcdm(values: Floats, weight: Floats, *, validation: bool) -> Floats:
    """Score every alternative with pymcdm's ``WSM``, with or without its problem checks."""
    from pymcdm.methods import WSM  # noqa: PLC0415  optional: imported only when installed

    method = WSM(normalization_function=_as_given)
    scores: Floats = method(values, weight, np.ones(values.shape[1]), validation=validation)
    return scores


def with_numpy(values: Floats, weight: Floats) -> Floats:
    """Score every alternative with one matrix-vector product: the floor."""
    scores: Floats = values @ weight
    return scores


def installed(module: str) -> bool:
    """Whether ``module`` can be imported."""
    return importlib.util.find_spec(module) is not None


def compare(ours: Floats, theirs: Floats) -> str:
    """Return whether two score vectors agree within 1e-9."""
    differ = int(np.count_nonzero(np.abs(ours - theirs) > SCORE_TOLERANCE))
    return agreement(differ, len(ours))


def run(alternatives: int, repeats: int) -> list[Row]:
    """Time criteriakit, NumPy, scikit-criteria and pymcdm on one matrix; return the rows."""
    weighted = framework()
    values = matrix(alternatives)
    weight = weights(weighted)
    frame = pl.from_numpy(values, schema=list(COLUMNS), orient="row").with_row_index("id")
    label = "weighted sum"
    size = size_of(alternatives, "x 20")
    ours_seconds, ours = best_of(repeats, lambda: with_criteriakit(weighted, frame))
    rows = [Row(label, "criteriakit columnar (Polars)", size, ours_seconds)]

    def versus(
        name: str,
        scorer: Callable[[], Floats],
        *,
        runs: int = repeats,
        target: float | None = None,
        note: str = "",
    ) -> None:
        seconds, scores = best_of(runs, scorer)
        ratio = seconds / ours_seconds
        rows.append(
            Row(
                label,
                name,
                size,
                seconds,
                ratio=times(ratio),
                agree=compare(ours, scores) + " with criteriakit",
                target="" if target is None else f"criteriakit ≥ {target:g}x faster at 1 M",
                met=None if target is None or alternatives < FULL_SIZE else ratio >= target,
                note=note,
            )
        )

    versus("NumPy values @ weights", lambda: with_numpy(values, weight))
    for module in ("skcriteria.agg.simple", "pymcdm.methods"):
        if installed(module.partition(".")[0]):
            importlib.import_module(module)  # before the clock starts: imports are slow
    if installed("skcriteria"):
        versus(
            "scikit-criteria WeightedSumModel",
            lambda: with_skcriteria(values, weight),
            target=10.0,
        )
    else:
        rows.append(Row(label, "scikit-criteria", size, None, note="not installed: skipped"))
    if installed("pymcdm"):
        versus("pymcdm WSM", lambda: with_pymcdm(values, weight, validation=False))
        versus(
            "pymcdm WSM, problem checked (default)",
            lambda: with_pymcdm(values, weight, validation=True),
            runs=1,
            note="pymcdm's default validation looks for dominated alternatives; run once",
        )
    else:
        rows.append(Row(label, "pymcdm", size, None, note="not installed: skipped"))
    return rows


def main() -> None:
    """Run the weighted-sum workload alone and print its table."""
    alternatives = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(table(run(alternatives, repeats=3)))


if __name__ == "__main__":
    main()
