"""Shared data of the scale-out tests: the commune's three levels and the frameworks that rate them.

The engine tests compare Spark's and Dask's results with the one-machine columnar executor and
with the scalar executor on the same data.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

from criteriakit import Framework, Registry, evaluate_levels_frame, framework_from_dict
from criteriakit.data import read_units
from criteriakit.hierarchy import LevelResults, evaluate_levels

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
COMMUNE = ROOT / "examples" / "commune"
COMMUNE_FILES = (COMMUNE / "committees.csv", COMMUNE / "cells.csv", COMMUNE / "members.jsonl")


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry.load(autoload=False, plugin_dirs=[FRAMEWORKS])


@pytest.fixture(scope="session")
def committee(registry) -> Framework:
    return registry.get("vn.four-good-committee", "2024")


@pytest.fixture(scope="session")
def cell(registry) -> Framework:
    return registry.get("vn.four-good-cell", "2024")


@pytest.fixture(scope="session")
def member(registry) -> Framework:
    return registry.get("vn.four-good-member", "2024")


@pytest.fixture(scope="session")
def cell_file() -> Path:
    return FRAMEWORKS / "vn.four-good-cell.toml"


@pytest.fixture(scope="session")
def strict_cell(registry, cell_file) -> Framework:
    """The cell framework, whose [children] refuse unevaluable members."""
    data = tomllib.loads(cell_file.read_text(encoding="utf-8"))
    data["children"]["not_evaluable"] = "fail"
    return framework_from_dict(data, resolve=registry.resolve)


def read(path: Path) -> pl.DataFrame:
    """Read a level as typed columns, the yes/no columns of the CSV files as booleans."""
    if path.suffix == ".jsonl":
        return pl.read_ndjson(path)
    frame = pl.read_csv(path)
    flags = [
        name
        for name, dtype in frame.schema.items()
        if dtype == pl.String and set(frame[name].unique()) <= {"yes", "no"}
    ]
    return frame.with_columns(pl.col(flags).replace_strict({"yes": True, "no": False}))


@pytest.fixture(scope="session")
def commune() -> list[pl.DataFrame]:
    """The committee, its 21 cells and their members, top first, as Polars frames."""
    return [read(path) for path in COMMUNE_FILES]


@pytest.fixture(scope="session")
def commune_on_one_machine(committee, commune) -> list[pl.DataFrame]:
    return evaluate_levels_frame(committee, commune)


@pytest.fixture(scope="session")
def commune_by_scalar(committee) -> list[LevelResults]:
    return evaluate_levels(committee, [read_units(path) for path in COMMUNE_FILES])


@pytest.fixture(scope="session")
def cells_on_one_machine(cell, commune) -> list[pl.DataFrame]:
    return evaluate_levels_frame(cell, commune[1:])


@pytest.fixture(scope="session")
def cells_by_scalar(cell) -> list[LevelResults]:
    return evaluate_levels(cell, [read_units(path) for path in COMMUNE_FILES[1:]])
