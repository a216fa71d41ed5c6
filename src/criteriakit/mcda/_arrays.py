"""The arguments every method checks: a decision matrix, criteria types, weights, a criteria ranking.

Each is turned into a float (or int) NumPy array of the expected shape, or refused with an
:class:`~criteriakit.errors.MCDAError` that names the argument, its shape or the first bad entry
(row and column), and what was expected: a method never computes on a matrix it cannot use.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import numpy.typing as npt

from criteriakit.errors import MCDAError

__all__ = [
    "WeightsWarning",
    "as_matrix",
    "as_ranking",
    "as_types",
    "as_weights",
    "criterion_name",
    "first_where",
]

SUM_TOLERANCE = 1e-6
"""How far from 1 weights may sum before :class:`WeightsWarning` says so."""


class WeightsWarning(UserWarning):
    """Weights given to a ranking method do not sum to 1: they are used as given."""


def first_where(flags: npt.NDArray[np.bool_]) -> tuple[int, ...]:
    """Return the index of the first true entry of ``flags`` (row, column for a matrix)."""
    return tuple(int(index) for index in np.argwhere(flags)[0])


def criterion_name(criteria: Any, column: int) -> str:
    """Return how an error names the criterion in ``column``: its name when given, else its index."""
    if criteria is not None and column < len(criteria):
        return repr(str(criteria[column]))
    return f"column {column}"


def as_matrix(matrix: Any, *, name: str = "matrix", rows: int = 1) -> npt.NDArray[np.float64]:
    """Return ``matrix`` as a finite 2-D float array of at least ``rows`` rows and one column.

    The array is column-major (Fortran order): the methods work criterion by criterion, and a
    criterion's values side by side make each of those passes one contiguous read.
    """
    try:
        array = np.asarray(matrix, dtype=np.float64, order="F")
    except (TypeError, ValueError) as error:
        message = f"{name} must be a 2-D array of numbers (alternatives in rows): {error}"
        raise MCDAError(message) from None
    if array.ndim != 2 or array.shape[0] < rows or array.shape[1] < 1:
        message = (
            f"{name} must be a 2-D array with alternatives in rows and criteria in columns, "
            f"at least {rows} row{'s' * (rows > 1)} and one column; got shape {array.shape}"
        )
        raise MCDAError(message)
    if not np.isfinite(array).all():
        row, column = first_where(~np.isfinite(array))
        message = (
            f"{name}[{row}, {column}] is {array[row, column]}: every value must be a finite number"
        )
        raise MCDAError(message)
    return array


def as_types(types: Any, columns: int) -> npt.NDArray[np.int64]:
    """Return the criteria ``types`` (+1 benefit, -1 cost) for ``columns`` criteria; None: all +1."""
    if types is None:
        return np.ones(columns, dtype=np.int64)
    array = np.asarray(types)
    if array.shape != (columns,):
        message = f"types must have one entry per criterion ({columns}); got shape {array.shape}"
        raise MCDAError(message)
    bad = ~np.isin(array, (1, -1))
    if bad.any():
        (column,) = first_where(bad)
        message = f"types[{column}] is {array[column].item()!r}: use 1 for a benefit, -1 for a cost"
        raise MCDAError(message)
    return array.astype(np.int64)


def as_weights(weights: Any, columns: int) -> npt.NDArray[np.float64]:
    """Return ``weights`` for ``columns`` criteria: finite, not negative, not all zero.

    They are used as given (as pymcdm does); :class:`WeightsWarning` says when they do not sum
    to 1.
    """
    try:
        array = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise MCDAError(f"weights must be numbers: {error}") from None
    if array.shape != (columns,):
        message = f"weights must have one entry per criterion ({columns}); got shape {array.shape}"
        raise MCDAError(message)
    bad = ~np.isfinite(array) | (array < 0)
    if bad.any():
        (column,) = first_where(bad)
        message = f"weights[{column}] is {array[column]}: a weight is a finite number >= 0"
        raise MCDAError(message)
    total = float(array.sum())
    if total == 0:
        raise MCDAError("the weights are all zero: give at least one criterion a weight")
    if abs(total - 1.0) > SUM_TOLERANCE:
        message = f"the weights sum to {total:.6g}, not 1: they are used as given"
        warnings.warn(message, WeightsWarning, stacklevel=3)
    return array


def as_ranking(ranks: Any) -> npt.NDArray[np.int64]:
    """Return a ranking of criteria: 1 for the most important, each of 1 … n once."""
    if ranks is None:
        message = "this method weights criteria by their ranking: give ranks=[1, 3, 2, …]"
        raise MCDAError(message)
    array = np.asarray(ranks)
    if array.ndim != 1 or array.size == 0:
        raise MCDAError(f"ranks must be a list with one rank per criterion; got {ranks!r}")
    expected = np.arange(1, array.size + 1)
    if not np.issubdtype(array.dtype, np.number) or not np.array_equal(np.sort(array), expected):
        message = (
            f"ranks must hold each of 1 … {array.size} once (1: the most important criterion); "
            f"got {array.tolist()!r}"
        )
        raise MCDAError(message)
    return array.astype(np.int64)
