"""Shared data of the scale-out tests: the commune's three levels and the frameworks that rate them.

The engine tests compare Spark's and Dask's results with the one-machine columnar executor and
with the scalar executor on the same data.
"""

from __future__ import annotations

import importlib
import shutil
import sys
from pathlib import Path

import polars as pl
import pytest
from engines import ACME, ACME_PLUGIN

from criteriakit import (
    Framework,
    FrameworkError,
    Registry,
    evaluate_levels_frame,
    framework_from_dict,
    load_framework,
    loads_framework,
)
from criteriakit.data import read_units
from criteriakit.distributed._recipe import FrameworkRecipe
from criteriakit.scalar.hierarchy import LevelResults, evaluate_levels

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
def relative_member() -> Framework:
    """A member framework that scores relative to all members and to each cell's members."""
    return load_framework(ROOT / "tests" / "mcda" / "relative_member.toml")


@pytest.fixture(scope="session")
def entropy_member() -> Framework:
    """A member framework whose weights the members' own points decide (entropy, CRITIC)."""
    return load_framework(ROOT / "tests" / "mcda" / "entropy_member.toml")


@pytest.fixture(scope="session")
def entropy_member_by_cell() -> Framework:
    """``entropy_member`` with each cell's members deciding their own weights."""
    text = (ROOT / "tests" / "mcda" / "entropy_member.toml").read_text(encoding="utf-8")
    return loads_framework(text.replace("weights]\n", 'weights]\nwithin = "parent"\n'))


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
def cells_alone(cell, commune) -> pl.DataFrame:
    """The cells without their members: the inputs the members roll up are missing (empty)."""
    rolled = [name for name, _ in cell.compiled.rollups]
    return commune[1].with_columns(pl.lit(None, pl.Int64).alias(name) for name in rolled)


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


# ---------------------------------------------------------------- frameworks with plugin code
# The workers must import a plugin's functions and scorer types by name. None of these has a
# columnar builder: they run row by row on the workers (mark the tests with ``row_by_row``).


@pytest.fixture(scope="session")
def coal_mining() -> Framework:
    """The coal-mining cell framework, with per_member() from an installed plugin."""
    coal = pytest.importorskip("criteriakit_vn_coal")  # an installed distribution (tox installs it)
    registry = Registry.load(autoload=False, plugins=[("coal", coal)], plugin_dirs=[FRAMEWORKS])
    return registry.get("vn.four-good-cell.coal-mining", "2024")


@pytest.fixture(scope="session")
def coal_commune(commune) -> list[pl.DataFrame]:
    """The cells, with the coal-mining inputs instead of those of 1.4, and their members."""
    cells = commune[1].drop("mass_orgs_total", "mass_orgs_good")
    initiatives = cells.with_columns(
        initiatives=pl.int_range(pl.len()) % 7,
        members=pl.int_range(pl.len()) % 5 + 1,
        members_with_initiative=pl.int_range(pl.len()) % 2,
    )
    return [initiatives, commune[2]]


@pytest.fixture
def acme(monkeypatch, tmp_path):
    """The local-plugin example's framework, its plugin imported by name as ``criteriakit_plugin``.

    Loaded from a plugin directory, criteriakit_plugin.py is imported under a name of its own,
    which no worker can import. Imported as a module and given to the registry as a plugin, its
    functions pickle by reference to ``criteriakit_plugin``: the tests send the file to the
    workers (Dask's ``upload_file``, Spark's ``addPyFile``) as a user would.
    """
    shutil.copy(ACME / "acme.team-safety.toml", tmp_path)
    monkeypatch.syspath_prepend(ACME)
    try:
        plugin = importlib.import_module(ACME_PLUGIN.stem)
        registry = Registry.load(autoload=False, plugins=[("acme", plugin)], plugin_dirs=[tmp_path])
        assert not registry.problems
        yield registry.get("acme.team-safety", "2025")
    finally:
        sys.modules.pop(ACME_PLUGIN.stem, None)


@pytest.fixture(scope="session")
def teams() -> pl.DataFrame:
    return pl.read_csv(ACME / "teams.csv")


@pytest.fixture
def local_acme(tmp_path):
    """The local-plugin example's framework loaded from a directory: its plugin cannot travel."""
    for name in ("acme.team-safety.toml", ACME_PLUGIN.name):
        shutil.copy(ACME_PLUGIN.parent / name, tmp_path)
    before = set(sys.modules)
    try:
        registry = Registry.load(autoload=False, plugin_dirs=[tmp_path])
        assert not registry.problems
        framework = registry.get("acme.team-safety", "2025")
        with pytest.raises(FrameworkError) as refused:
            FrameworkRecipe.of(framework, 1)
        yield framework, str(refused.value)
    finally:
        for name in set(sys.modules) - before:
            if str(getattr(sys.modules[name], "__file__", "")).startswith(str(tmp_path)):
                del sys.modules[name]


@pytest.fixture(scope="session")
def evaluations(commune, tmp_path_factory) -> str:
    """The commune's levels as docs/clusters.md stores them: ``2024/{level}.parquet``.

    The URI of the folder, ending in ``/``, stands for the page's ``s3://evaluations/``.
    """
    folder = tmp_path_factory.mktemp("evaluations")
    (folder / "2024").mkdir()
    for name, frame in zip(("committees", "cells", "members"), commune, strict=True):
        frame.write_parquet(folder / "2024" / f"{name}.parquet")
    return f"{folder.as_uri()}/"
