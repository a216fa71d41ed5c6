"""Run criteriakit's benchmarks and print one table (issue 5, item 5).

Eight workloads, each in its own module:

- ``reference`` (reference_workload.py): 1,000,000 units x 20 indicators rolled up into 50,000
  groups; criteriakit's columnar executor against NumPy written by hand and the scalar executor;
- ``weighted-sum`` (weighted_sum.py): 1,000,000 alternatives x 20 values, one weighted sum;
  criteriakit against scikit-criteria and pymcdm (each skipped when not installed);
- ``mcda`` (mcda_topsis.py): TOPSIS with entropy weights and ranks on 1,000,000 alternatives x
  10 criteria, ``criteriakit.mcda.rank`` against scikit-criteria and pymcdm;
- ``rollup`` (rollup_members.py): 5,000,000 party members rolled up into their cells; time and
  the peak memory of the process that does it;
- ``scalar`` (scalar_four_good.py): 20,000 ``vn.four-good-cell`` units through the scalar
  executor (score, tier and reasons read; each result's document; every part of each result
  read; each explanation as text), against the same rules written by hand in Python;
- ``startup`` (startup.py): ``import criteriakit``, ``criteriakit --help`` and the pytest plugin
  in fresh processes, against importing criteriakit's core dependencies.
- ``store`` (store_results.py): a period of 5,000,000 member results stored into a DuckDB store
  and read back, against writing and reading the same table as Parquet; and into a PostgreSQL
  store when ``CRITERIAKIT_BENCH_POSTGRESQL`` holds a server's URL;
- ``awards`` (awards_history.py): two awards over five years of 1,000,000 units' results, the
  columnar engine against NumPy by hand over the aligned matrix and the scalar engine.

Every line says whether its implementations agree (tiers equal, scores within 1e-9) and whether
its target is met. Times are wall-clock, best of a few runs, on whatever else the machine is
doing: run it on a quiet machine for figures to quote.

Run: python benchmarks/run.py [--quick] [--only reference|weighted-sum|mcda|rollup|scalar|startup|store|awards ...]
(with ``pip install -e .[bench]``, or PYTHONPATH=src).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import awards_history
import mcda_topsis
import numpy as np
import polars as pl
import reference_workload
import rollup_members
import scalar_four_good
import startup
import store_results
import weighted_sum
from harness import Row, table

import criteriakit


@dataclass(frozen=True)
class Sizes:
    """How big each workload is, and how many runs the fastest time is taken from."""

    units: int
    groups: int
    sample_groups: int
    alternatives: int
    members: int
    scalar_units: int
    repeats: int
    processes: int


FULL = Sizes(
    units=1_000_000,
    groups=50_000,
    sample_groups=1_000,
    alternatives=1_000_000,
    members=5_000_000,
    scalar_units=20_000,
    repeats=5,
    processes=15,
)
QUICK = Sizes(
    units=50_000,
    groups=2_500,
    sample_groups=100,
    alternatives=50_000,
    members=100_000,
    scalar_units=5_000,
    repeats=2,
    processes=3,
)

WORKLOADS: dict[str, Callable[[Sizes], list[Row]]] = {
    "reference": lambda sizes: reference_workload.run(
        sizes.units, sizes.groups, sizes.sample_groups, sizes.repeats
    ),
    "weighted-sum": lambda sizes: weighted_sum.run(sizes.alternatives, sizes.repeats),
    "mcda": lambda sizes: mcda_topsis.run(sizes.alternatives, sizes.repeats),
    "rollup": lambda sizes: rollup_members.run(sizes.members),
    "scalar": lambda sizes: scalar_four_good.run(sizes.scalar_units, sizes.repeats),
    "startup": lambda sizes: startup.run(sizes.processes),
    "store": lambda sizes: store_results.run(
        sizes.members, sizes.repeats, os.environ.get(store_results.POSTGRESQL_VARIABLE)
    ),
    "awards": lambda sizes: awards_history.run(sizes.units, sizes.repeats),
}


def machine() -> str:
    """Return what the figures were measured on."""
    return (
        f"criteriakit {criteriakit.__version__}, Python {platform.python_version()}, "
        f"Polars {pl.__version__}, NumPy {np.__version__}, {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the chosen workloads and print the table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes (50,000 units, 100,000 members): a check that everything runs",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(WORKLOADS),
        help="run only this workload (repeatable)",
    )
    arguments = parser.parse_args(argv)
    sizes = QUICK if arguments.quick else FULL
    rows: list[Row] = []
    start = time.perf_counter()
    for name in arguments.only or list(WORKLOADS):
        print(f"running {name}…", file=sys.stderr, flush=True)
        rows.extend(WORKLOADS[name](sizes))
    print(machine())
    print(f"{'quick sizes; ' if arguments.quick else ''}best of {sizes.repeats} runs unless noted")
    print()
    print(table(rows))
    print()
    print(f"all in {time.perf_counter() - start:,.0f} s")


if __name__ == "__main__":
    main()
