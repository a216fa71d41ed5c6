"""The analytic hierarchy process: weights from experts' pairwise judgements, and how consistent they are.

``judgements[i][j]`` says how much more important criterion ``i`` is than ``j`` on Saaty's
scale (1 equal … 9 extremely more; ``1/3`` when ``j`` is moderately more important than
``i``). The matrix must be square and reciprocal: ``judgements[j][i] == 1 / judgements[i][j]``,
ones on the diagonal.

The weights are the principal eigenvector, summing to 1; ``λmax`` is its eigenvalue, the
consistency index ``CI = (λmax - n) / (n - 1)`` and the consistency ratio ``CR = CI / RI(n)``.
The random indices ``RI`` are pymcdm's (Tummala & Ling 1998: 0.5799 for 3 criteria, 0.8921
for 4 …), not Saaty's rounded 0.58, 0.90 …; matrices of 1 or 2 criteria are always consistent.
Judgements with ``CR`` above the threshold (0.1, Saaty's) are refused unless allowed, and the
error names the judgements furthest from what the weights imply (``w_i / w_j``), which are the
ones to reconsider.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from criteriakit.errors import MCDAError
from criteriakit.mcda._arrays import as_matrix, criterion_name, first_where

__all__ = ["CONSISTENCY_THRESHOLD", "RANDOM_INDEX", "Priorities", "ahp"]

RANDOM_INDEX = (
    0.0,
    0.0,
    0.5799,
    0.8921,
    1.1159,
    1.2358,
    1.3322,
    1.3952,
    1.4537,
    1.4882,
    1.5117,
    1.5356,
    1.5571,
    1.5714,
    1.5831,
)
"""The random consistency index for 1 … 15 criteria (Tummala & Ling 1998, as pymcdm)."""

CONSISTENCY_THRESHOLD = 0.1
"""The largest consistency ratio accepted without ``allow_inconsistent`` (Saaty's 10 %)."""

RECIPROCAL_TOLERANCE = 1e-6
"""How far ``a_ij * a_ji`` may be from 1 (judgements written as rounded decimals)."""

SHOWN = 3
"""How many inconsistent judgements an error names."""


@attrs.frozen(eq=False)
class Priorities:
    """The result of :func:`ahp`: the weights and how consistent the judgements were."""

    weights: npt.NDArray[np.float64]
    """The criteria's weights, summing to 1, in the order of the matrix."""
    lambda_max: float
    """The principal eigenvalue (``n`` for perfectly consistent judgements)."""
    consistency_index: float
    """``(λmax - n) / (n - 1)``; 0 for 1 or 2 criteria."""
    consistency_ratio: float
    """``CI / RI(n)``; at most :data:`CONSISTENCY_THRESHOLD` unless inconsistency was allowed."""


def ahp(
    judgements: Any,
    *,
    criteria: Sequence[str] | None = None,
    allow_inconsistent: bool = False,
    threshold: float = CONSISTENCY_THRESHOLD,
) -> Priorities:
    """Return the weights of the pairwise ``judgements`` with their consistency.

    ``criteria`` names the rows and columns in errors. Raise
    :class:`~criteriakit.errors.MCDAError` for a matrix that is not square, positive and
    reciprocal, for more criteria than :data:`RANDOM_INDEX` covers, and for a consistency ratio
    above ``threshold`` unless ``allow_inconsistent``.
    """
    matrix = _checked(judgements, criteria)
    size = matrix.shape[0]
    values, vectors = np.linalg.eig(matrix)
    principal = int(np.argmax(values.real))
    vector = np.abs(vectors[:, principal].real)
    weights = vector / vector.sum()
    lambda_max = float(values[principal].real)
    index = 0.0 if size <= 2 else max(0.0, (lambda_max - size) / (size - 1))
    ratio = 0.0 if size <= 2 else index / RANDOM_INDEX[size - 1]
    if ratio > threshold and not allow_inconsistent:
        raise MCDAError(_inconsistency(matrix, weights, ratio, threshold, criteria))
    return Priorities(weights, lambda_max, index, ratio)


def _checked(judgements: Any, criteria: Sequence[str] | None) -> npt.NDArray[np.float64]:
    """Return the judgements as a square, positive, reciprocal matrix, or raise."""
    matrix = as_matrix(judgements, name="judgements")
    size = matrix.shape[0]
    if matrix.shape != (size, size):
        message = f"judgements must be a square matrix (criteria by criteria); got {matrix.shape}"
        raise MCDAError(message)
    if size > len(RANDOM_INDEX):
        message = (
            f"{size} criteria are more than the consistency index covers ({len(RANDOM_INDEX)}): "
            "group them into criteria of sub-criteria and judge each group on its own"
        )
        raise MCDAError(message)
    if criteria is not None and len(criteria) != size:
        raise MCDAError(f"criteria names {len(criteria)} criteria; the judgements {size}")
    if (matrix <= 0).any():
        row, column = first_where(matrix <= 0)
        message = (
            f"judgements[{row}][{column}] is {matrix[row, column]:g}: a judgement is > 0 "
            "(1 equal … 9 extremely more important; 1/9 … 1/2 for less important)"
        )
        raise MCDAError(message)
    off = np.abs(matrix * matrix.T - 1.0) > RECIPROCAL_TOLERANCE
    if off.any():
        row, column = first_where(off)
        first, second = criterion_name(criteria, row), criterion_name(criteria, column)
        message = (
            f"judgements[{row}][{column}] is {matrix[row, column]:g} but judgements[{column}]"
            f"[{row}] is {matrix[column, row]:g}: the judgement of {first} against {second} and "
            "its reverse must be reciprocal (3 and 1/3), with ones on the diagonal"
        )
        raise MCDAError(message)
    return matrix


def _inconsistency(
    matrix: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64],
    ratio: float,
    threshold: float,
    criteria: Sequence[str] | None,
) -> str:
    """Say that the judgements are inconsistent, naming those furthest from the weights."""
    implied = weights[:, None] / weights[None, :]
    distance = np.abs(np.log(matrix / implied))
    rows, columns = np.triu_indices(matrix.shape[0], k=1)
    order = np.argsort(-distance[rows, columns], kind="stable")[:SHOWN]
    named = [
        f"{criterion_name(criteria, int(rows[k]))} against {criterion_name(criteria, int(columns[k]))}"
        f" is {_fraction(matrix[rows[k], columns[k]])}, the weights imply "
        f"{implied[rows[k], columns[k]]:.2f}"
        for k in order
    ]
    return (
        f"the judgements are inconsistent: consistency ratio {ratio:.3f} > {threshold:g}; "
        f"reconsider {'; '.join(named)} (or allow_inconsistent=True)"
    )


def _fraction(value: float) -> str:
    """Write a judgement as Saaty's scale does: ``3``, ``1/5``, else a decimal."""
    if value >= 1 or value <= 0:
        return f"{value:g}"
    inverse = 1.0 / value
    return f"1/{round(inverse)}" if abs(inverse - round(inverse)) < 1e-6 else f"{value:.3g}"
