"""Weights a framework derives by a method (``[weights]``) instead of writing them on each entry.

``[weights]`` at the top of a file weighs the criteria; ``[criteria.weights]`` weighs one
criterion's indicators. ``ahp`` (pairwise ``judgements``, refused when inconsistent unless
``allow_inconsistent``), ``rank-order-centroid`` and ``rank-sum`` (``order``: the ids from the
most important down) and ``equal`` need no data: the weights are known when the file loads and
are the same for every unit. ``entropy``, ``critic`` and ``standard-deviation`` weigh by the
units evaluated together: the file compiles with equal weights, which
:mod:`criteriakit.scalar.weighing` replaces once the units' points are known. They need the
framework's scale to be ``weights``, and the weighed entries to write no ``weight`` of their
own. Computing them needs NumPy (the ``mcda`` extra).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

from criteriakit._problems import KeyPath, RawProblem, did_you_mean
from criteriakit.errors import MCDAError
from criteriakit.model.framework import DATA_WEIGHT_METHODS, Weights

__all__ = ["derive_weights"]


def derive_weights(
    path: KeyPath, spec: Weights, ids: Sequence[str], problems: list[RawProblem]
) -> list[float] | None:
    """Return the weights ``spec`` derives for the entries ``ids`` (in their order), or None.

    Every problem is recorded at its key under ``path`` (the ``weights`` table). Entries
    without ids, or with an id twice, have their own problem: nothing is derived for them.
    """
    if not ids or len(set(ids)) != len(ids):
        return None
    if importlib.util.find_spec("numpy") is None:
        message = f"[weights] method '{spec.method}' needs NumPy, which is not installed"
        problems.append(RawProblem((*path, "method"), message, "pip install 'criteriakit[mcda]'"))
        return None
    from criteriakit import mcda  # noqa: PLC0415 - NumPy, only for a framework that derives weights

    _refuse_stray(path, spec, problems)
    if spec.method == "equal" or spec.method in DATA_WEIGHT_METHODS:  # data: equal until known
        return [1.0 / len(ids)] * len(ids)
    if spec.method == "ahp":
        if spec.judgements is None:
            hint = f"judgements = [[1, 3, …], …]: {len(ids)} rows of {len(ids)}, in the order {', '.join(ids)}"
            problems.append(
                RawProblem(
                    (*path, "judgements"), "missing required key 'judgements'", hint, missing=True
                )
            )
            return None
        if len(spec.judgements) != len(ids):
            message = f"judgements has {len(spec.judgements)} rows for {len(ids)} entries ({', '.join(ids)})"
            problems.append(RawProblem((*path, "judgements"), message))
            return None
        try:
            priorities = mcda.ahp(
                [list(row) for row in spec.judgements],
                criteria=list(ids),
                allow_inconsistent=spec.allow_inconsistent,
            )
        except MCDAError as error:
            hint = "reconsider them, or accept them with allow_inconsistent = true"
            problems.append(RawProblem((*path, "judgements"), str(error), hint))
            return None
        return [float(weight) for weight in priorities.weights]
    ranks = _ranks(path, spec, ids, problems)
    if ranks is None:
        return None
    return [float(weight) for weight in mcda.weights(ranks=ranks, method=spec.method)]


def _refuse_stray(path: KeyPath, spec: Weights, problems: list[RawProblem]) -> None:
    """Record the keys the method does not read."""
    strays = {
        "judgements": spec.judgements is not None and spec.method != "ahp",
        "order": spec.order is not None and spec.method not in ("rank-order-centroid", "rank-sum"),
        "allow_inconsistent": spec.allow_inconsistent and spec.method != "ahp",
        "within": spec.within != "all" and spec.method not in DATA_WEIGHT_METHODS,
    }
    for key, stray in strays.items():
        if stray:
            message = f"'{key}' does not apply to method '{spec.method}'"
            problems.append(RawProblem((*path, key), message, "remove it, or change the method"))


def _ranks(
    path: KeyPath, spec: Weights, ids: Sequence[str], problems: list[RawProblem]
) -> list[int] | None:
    """Return each entry's rank (1 = most important) from ``order``, or record the problem."""
    where = (*path, "order")
    if spec.order is None:
        hint = f"order = [{', '.join(repr(entry) for entry in ids)}], most important first"
        problems.append(RawProblem(where, "missing required key 'order'", hint, missing=True))
        return None
    unknown = [entry for entry in spec.order if entry not in ids]
    if unknown:
        hint = did_you_mean(unknown[0], ids) or f"the ids: {', '.join(ids)}"
        problems.append(RawProblem(where, f"'{unknown[0]}' is not one of the weighed ids", hint))
        return None
    if sorted(spec.order) != sorted(ids):
        missing = [entry for entry in ids if entry not in spec.order]
        twice = sorted({entry for entry in spec.order if spec.order.count(entry) > 1})
        message = f"order names '{twice[0]}' twice" if twice else f"order leaves out '{missing[0]}'"
        problems.append(
            RawProblem(where, message, "name each weighed id once, most important first")
        )
        return None
    return [spec.order.index(entry) + 1 for entry in ids]
