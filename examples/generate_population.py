"""Deterministic synthetic populations for the 4-good chain: committees, their cells, their members.

The rows hold the inputs of ``vn.four-good-member`` (members), and the inputs of
``vn.four-good-cell`` and ``vn.four-good-committee`` that are not rolled up from the level below
(cells, committees), with ``id`` and, below the committees, ``parent``: the data of
``criteriakit evaluate vn.four-good-committee committees.csv --children cells.csv --children
members.jsonl``. Every unit draws from its own ``random.Random`` seeded with the seed and the
unit's id, so the same arguments give the same rows on every run and platform, and one cell's
members never depend on another cell's. Rows are generated on demand, so even the country preset
streams in constant memory.

Run: python examples/generate_population.py commune examples/commune [--seed 2024]
[--members-format jsonl|csv]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypedDict, get_args

__all__ = ["PRESETS", "Population", "Preset", "Rows", "Spec", "generate", "iter_members", "write"]

Row = dict[str, object]
Level = Literal["committees", "cells", "members"]
MembersFormat = Literal["jsonl", "csv"]


class Preset(TypedDict):
    """The sizes of a preset population: ``generate(**PRESETS[name])``."""

    committees: int
    cells_per_committee: tuple[int, int]
    members_per_cell: tuple[int, int]


PRESETS: dict[str, Preset] = {
    # DOMAIN.md's commune: over 320 members in 21 cells.
    "commune": {"committees": 1, "cells_per_committee": (21, 21), "members_per_cell": (13, 20)},
    "province": {"committees": 1_000, "cells_per_committee": (3, 7), "members_per_cell": (15, 65)},
    "country": {"committees": 50_000, "cells_per_committee": (4, 8), "members_per_cell": (10, 23)},
}


@dataclass(frozen=True)
class Spec:
    """What to generate: the counts (inclusive ``(low, high)`` ranges), the seed, the months."""

    committees: int
    cells_per_committee: tuple[int, int]
    members_per_cell: tuple[int, int]
    seed: int = 2024
    months: int = 12

    def __post_init__(self) -> None:
        """Refuse sizes the frameworks cannot rate (a unit needs at least one unit below it)."""
        if self.committees < 0:
            raise ValueError(f"committees must be 0 or more, got {self.committees}")
        for name in ("cells_per_committee", "members_per_cell"):
            low, high = getattr(self, name)
            if not 1 <= low <= high:
                raise ValueError(f"{name} must be (low, high) with 1 <= low <= high")
        if not 1 <= self.months <= 12:
            raise ValueError(f"months must be 1 to 12, got {self.months}")

    def widths(self) -> tuple[int, int, int]:
        """Return the digits of the committee, cell and member numbers in ``K0001-C07-M012``."""
        return (
            max(4, len(str(self.committees))),
            max(2, len(str(self.cells_per_committee[1]))),
            max(3, len(str(self.members_per_cell[1]))),
        )


@dataclass(frozen=True)
class Rows:
    """The rows of one level, in id order, generated afresh on every iteration."""

    spec: Spec
    level: Level

    def __iter__(self) -> Iterator[Row]:
        """Generate the rows."""
        if self.level == "committees":
            return (committee.row for committee in _committees(self.spec))
        if self.level == "cells":
            return (cell.row for cell in _cells(self.spec))
        return _members(self.spec)


@dataclass(frozen=True)
class Population:
    """A generated population: re-iterable rows of its committees, cells and members."""

    committees: Rows
    cells: Rows
    members: Rows


@dataclass(frozen=True)
class _Committee:
    row: Row
    quality: float
    cells: int


@dataclass(frozen=True)
class _Cell:
    row: Row
    quality: float
    members: int
    disciplined: frozenset[int]


def generate(
    *,
    committees: int,
    cells_per_committee: tuple[int, int],
    members_per_cell: tuple[int, int],
    seed: int = 2024,
    months: int = 12,
) -> Population:
    """Return the population; its rows are generated when iterated, never held."""
    spec = Spec(committees, cells_per_committee, members_per_cell, seed, months)
    return Population(Rows(spec, "committees"), Rows(spec, "cells"), Rows(spec, "members"))


def iter_members(
    *,
    committees: int,
    cells_per_committee: tuple[int, int],
    members_per_cell: tuple[int, int],
    seed: int = 2024,
    months: int = 12,
) -> Iterator[Row]:
    """Stream the member rows in id order, in constant memory."""
    return _members(Spec(committees, cells_per_committee, members_per_cell, seed, months))


def _rng(seed: int, unit: str) -> random.Random:
    # A string seed is hashed with SHA-512, the same on every platform and run (unlike hash()).
    return random.Random(f"{seed}/{unit}")  # noqa: S311  synthetic data, not cryptography


def _chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


def _targets(rng: random.Random, assigned: int, quality: float) -> tuple[int, int]:
    """Return targets met and over-achieved: mostly all met, rarely under half (the veto)."""
    draw = rng.random()
    if draw < 0.03:
        met = rng.randint(assigned // 4, math.ceil(assigned / 2) - 1)
    elif draw < 0.22 - 0.1 * quality:
        met = assigned - rng.randint(1, 3)
    else:
        met = assigned
    return met, min(met, math.floor(assigned * rng.uniform(0, 0.45 + 0.1 * quality)))


def _half_years(rng: random.Random) -> int:
    draw = rng.random()
    return 2 if draw < 0.86 else 1 if draw < 0.98 else 0


def _committee_row(rng: random.Random, unit: str, quality: float) -> Row:
    assigned = rng.randint(12, 20)
    met, exceeded = _targets(rng, assigned, quality)
    draw = rng.random() - 0.1 * quality
    rating = (
        "excellent"
        if draw < 0.2
        else "good"
        if draw < 0.82
        else "complete"
        if draw < 0.98
        else "not-completed"
    )
    planned = rng.randint(4, 10)
    return {
        "id": unit,
        "targets_assigned": assigned,
        "targets_met": met,
        "targets_exceeded": exceeded,
        "resolution_on_time": _chance(rng, 0.92),
        "political_system_rating": rating,
        "meetings_held": 12 if _chance(rng, 0.8) else rng.randint(9, 11),
        "inspections_done": planned if _chance(rng, 0.8) else rng.randint(planned // 2, planned),
        "inspections_planned": planned,
        "disunity_found": _chance(rng, 0.01),
        "half_years_approved": _half_years(rng),
        "executive_members_disciplined": 1 if _chance(rng, 0.07) else 0,
    }


def _cell_row(rng: random.Random, unit: str, parent: str, quality: float) -> Row:
    assigned = rng.randint(8, 14)
    met, exceeded = _targets(rng, assigned, quality)
    mass_orgs = rng.randint(0, 5)
    return {
        "id": unit,
        "parent": parent,
        "targets_assigned": assigned,
        "targets_met": met,
        "targets_exceeded": exceeded,
        "action_plan_on_time": _chance(rng, 0.9),
        "mass_orgs_total": mass_orgs,
        "mass_orgs_good": sum(_chance(rng, 0.65 + 0.2 * quality) for _ in range(mass_orgs)),
        "meetings_held": 12 if _chance(rng, 0.75 + 0.1 * quality) else rng.randint(9, 11),
        "attendance_rate": round(min(1.0, rng.uniform(0.8, 0.96) + 0.03 * quality), 2),
        "thematic_meetings": rng.randint(2, 6),
        "absence_rule_kept": _chance(rng, 0.92),
        "half_years_approved": _half_years(rng),
        "disunity_found": _chance(rng, 0.02),
        "admissions": rng.randint(0, 3),
        "admissions_target": rng.randint(1, 2),
    }


def _member_row(spec: Spec, unit: str, parent: str, quality: float, disciplined: bool) -> Row:
    """Return one member: excellent-ish (~24 %), good (~60 %), complete (~13 %) or weak (~3 %)."""
    rng = _rng(spec.seed, unit)
    draw = rng.random()
    assigned = 0 if _chance(rng, 0.02) else rng.randint(4, 12)
    if draw < 0.24 + 0.1 * quality:
        centre = rng.uniform(90.5, 95.0)
        done = assigned if _chance(rng, 0.96) else max(0, assigned - 1)
        share = rng.uniform(0.3, 0.6) if _chance(rng, 0.85) else rng.uniform(0, 0.29)
        exceeded = math.ceil(assigned * share)
    elif draw < 0.84:
        centre = rng.uniform(72.0, 89.0)
        done = assigned if _chance(rng, 0.94) else max(0, assigned - rng.randint(1, 2))
        exceeded = math.floor(assigned * rng.uniform(0, 0.35))
    elif draw < 0.97 + 0.01 * quality:
        centre = rng.uniform(52.0, 69.0)
        done = assigned if _chance(rng, 0.5) else rng.randint(math.ceil(assigned / 2), assigned)
        exceeded = math.floor(assigned * rng.uniform(0, 0.15))
    else:
        centre = rng.uniform(30.0, 49.0)
        done = rng.randint(0, assigned)
        exceeded = 0
    # Each month: the centre (30 to 95) plus or minus 5, so within 0 to 100; whole tenths over 10
    # are the nearest floats to the one-decimal numbers, as round(x, 1) gives, only faster.
    low = 10 * centre - 50
    scores = [round(low + 100 * rng.random()) / 10 for _ in range(spec.months)]
    return {
        "id": unit,
        "parent": parent,
        "monthly_scores": scores,
        "tasks_assigned": assigned,
        "tasks_done": done,
        "tasks_exceeded": min(exceeded, done),
        "disciplined": disciplined,
    }


def _committees(spec: Spec) -> Iterator[_Committee]:
    width = spec.widths()[0]
    for number in range(1, spec.committees + 1):
        unit = f"K{number:0{width}d}"
        rng = _rng(spec.seed, unit)
        quality = rng.uniform(-0.5, 0.5)
        cells = rng.randint(*spec.cells_per_committee)
        yield _Committee(_committee_row(rng, unit, quality), quality, cells)


def _cells(spec: Spec) -> Iterator[_Cell]:
    width = spec.widths()[1]
    for committee in _committees(spec):
        parent = str(committee.row["id"])
        for number in range(1, committee.cells + 1):
            unit = f"{parent}-C{number:0{width}d}"
            rng = _rng(spec.seed, unit)
            quality = max(-1.0, min(1.0, committee.quality + rng.uniform(-0.5, 0.5)))
            members = rng.randint(*spec.members_per_cell)
            draw = rng.random()
            count = min(members, 0 if draw < 0.84 else 1 if draw < 0.97 else 2)
            disciplined = frozenset(rng.sample(range(1, members + 1), count))
            row = _cell_row(rng, unit, parent, quality)
            yield _Cell(row, quality, members, disciplined)


def _members(spec: Spec) -> Iterator[Row]:
    width = spec.widths()[2]
    for cell in _cells(spec):
        parent = str(cell.row["id"])
        for number in range(1, cell.members + 1):
            unit = f"{parent}-M{number:0{width}d}"
            yield _member_row(spec, unit, parent, cell.quality, number in cell.disciplined)


def _text(value: object) -> str:
    """Return a CSV cell: booleans as yes/no, lists as JSON arrays."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return json.dumps(value)
    return str(value)


def _write_csv(path: Path, rows: Iterable[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        header: list[str] | None = None
        for row in rows:
            if header is None:
                header = list(row)
                writer.writerow(header)
            writer.writerow(_text(row[name]) for name in header)


def write(
    population: Population, directory: str | Path, *, members_format: MembersFormat = "jsonl"
) -> None:
    """Write committees.csv, cells.csv and members.jsonl (or members.csv) into ``directory``."""
    if members_format not in get_args(MembersFormat):
        raise ValueError(f"members_format must be jsonl or csv, got {members_format!r}")
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    _write_csv(folder / "committees.csv", population.committees)
    _write_csv(folder / "cells.csv", population.cells)
    if members_format == "csv":
        _write_csv(folder / "members.csv", population.members)
        return
    with (folder / "members.jsonl").open("w", encoding="utf-8", newline="\n") as file:
        file.writelines(json.dumps(row, separators=(",", ":")) + "\n" for row in population.members)


def main(argv: list[str] | None = None) -> None:
    """Generate a preset population into a directory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("preset", choices=sorted(PRESETS))
    parser.add_argument("directory", type=Path)
    parser.add_argument("--seed", type=int, default=2024, help="default: 2024")
    parser.add_argument(
        "--members-format", choices=get_args(MembersFormat), default="jsonl", help="default: jsonl"
    )
    arguments = parser.parse_args(argv)
    population = generate(**PRESETS[arguments.preset], seed=arguments.seed)
    write(population, arguments.directory, members_format=arguments.members_format)


if __name__ == "__main__":
    main()
