"""Normalisations: each criterion's column onto a common scale, higher always better.

A benefit column (type +1) keeps its order; a cost column (type -1) is turned round. The
formulas are pymcdm's, whose names differ in one place (``max`` here is pymcdm's
``linear_normalization``):

==========  =========================  ==============================
name        benefit                    cost
==========  =========================  ==============================
``minmax``  (x - min) / (max - min)    (max - x) / (max - min)
``max``     x / max                    min / x
``sum``     x / Σx                     (1/x) / Σ(1/x)
``vector``  x / ‖x‖                    1 - x / ‖x‖
``none``    x                          (refused: nothing turns it round)
==========  =========================  ==============================

``none`` reads the values as they are, for criteria already on one scale (points); it refuses
a cost column. A column whose values are all equal is all ones under ``minmax`` (pymcdm's choice: nothing
tells the alternatives apart). A column a formula cannot divide by (a ``max`` of 0, a zero in a
``max`` cost column, a value <= 0 under ``sum``, an all-zero column under ``vector``) is an
:class:`~criteriakit.errors.MCDAError` naming the column, not a column of infinities.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from criteriakit.errors import MCDAError
from criteriakit.mcda._arrays import as_matrix, as_types

__all__ = ["NORMALISATIONS", "Normalisation", "normalise", "normalised"]

Normalisation = Literal["minmax", "max", "sum", "vector", "none"]
"""The name of a normalisation."""

Array = npt.NDArray[np.float64]


def _minmax(matrix: Array, cost: npt.NDArray[np.bool_]) -> Array:
    low, high = matrix.min(axis=0), matrix.max(axis=0)
    span = high - low
    flat = span == 0
    scaled = matrix - low
    np.subtract(high, matrix, out=scaled, where=cost)
    scaled /= np.where(flat, 1.0, span)
    scaled[:, flat] = 1.0
    return scaled


def _max(matrix: Array, cost: npt.NDArray[np.bool_]) -> Array:
    high, low = matrix.max(axis=0), matrix.min(axis=0)
    _refuse(~cost & (high == 0), "has a largest value of 0, which x / max cannot divide by")
    _refuse(cost & (low <= 0), "is a cost with a value <= 0, which min / x cannot use")
    scaled = matrix / np.where(high == 0, 1.0, high)
    return np.divide(low, matrix, out=scaled, where=cost)


def _sum(matrix: Array, cost: npt.NDArray[np.bool_]) -> Array:
    _refuse(matrix.min(axis=0) <= 0, "has a value <= 0, which sum normalisation cannot use")
    scaled = matrix / matrix.sum(axis=0)
    if cost.any():
        inverse = 1.0 / matrix[:, cost]
        scaled[:, cost] = inverse / inverse.sum(axis=0)
    return scaled


def _vector(matrix: Array, cost: npt.NDArray[np.bool_]) -> Array:
    norm = np.sqrt(np.einsum("ij,ij->j", matrix, matrix))  # no matrix of squares
    _refuse(norm == 0, "is all zeros, which vector normalisation cannot divide by")
    share = matrix / norm
    return np.subtract(1.0, share, out=share, where=cost)


def _none(matrix: Array, cost: npt.NDArray[np.bool_]) -> Array:
    _refuse(cost, "is a cost, which only a normalisation turns round: name one, or negate it")
    return matrix


def _refuse(columns: npt.NDArray[np.bool_], reason: str) -> None:
    """Raise for the first of ``columns`` that the normalisation cannot use."""
    if columns.any():
        raise MCDAError(f"column {int(np.flatnonzero(columns)[0])} {reason}")


NORMALISATIONS: dict[str, Callable[[Array, npt.NDArray[np.bool_]], Array]] = {
    "minmax": _minmax,
    "max": _max,
    "sum": _sum,
    "vector": _vector,
    "none": _none,
}
"""Each normalisation by name: ``(matrix, cost columns) -> normalised matrix``."""


def normalise(matrix: Any, types: Any = None, method: Normalisation = "minmax") -> Array:
    """Return ``matrix`` (alternatives in rows) with each column normalised by ``method``.

    ``types`` holds +1 (benefit) or -1 (cost) per column; without it every column is a benefit.
    """
    checked = as_matrix(matrix)
    kinds = as_types(types, checked.shape[1])
    return normalised(checked, kinds, method)


def normalised(matrix: Array, types: npt.NDArray[np.int64], method: str) -> Array:
    """Return the checked ``matrix`` normalised by ``method`` (by name) under ``types``."""
    try:
        apply = NORMALISATIONS[method]
    except KeyError:
        names = ", ".join(NORMALISATIONS)
        raise MCDAError(f"unknown normalisation {method!r}: use one of {names}") from None
    return apply(matrix, types < 0)
