"""Scale-out: the columnar executor run partition by partition on Spark or Dask.

- :mod:`criteriakit.distributed.spark`: ``evaluate_spark`` and ``evaluate_levels_spark``
  (``pip install criteriakit[spark]``);
- :mod:`criteriakit.distributed.dask`: ``evaluate_dask`` and ``evaluate_levels_dask``
  (``pip install criteriakit[dask]``).

Both give the results of :func:`criteriakit.evaluate_frame` and
:func:`criteriakit.evaluate_levels_frame` on one machine: quotas among the units of each
parent, roll-ups combined from per-partition partial counts, orphans refused with
:class:`~criteriakit.DataError`. Import the module of the engine you use; this package imports
neither. ``docs/clusters.md`` shows how to run on a real cluster.
"""

from __future__ import annotations

__all__: list[str] = []
