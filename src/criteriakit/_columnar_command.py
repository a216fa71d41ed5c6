"""The command line's columnar engine: ``criteriakit evaluate --engine columnar`` (or auto).

Large data sets (``AUTO_ROWS`` units or more in all levels) evaluate as columns, with a
progress bar on standard error; the output is the columnar table (unit, parent, evaluable,
score, band tier, tier, reasons, criterion scores) as text, JSON (``{"engine": "columnar",
"results": [row, ...]}``) or CSV, written
atomically with ``--output``. The scalar engine stays the default for small data sets, whose
JSON output carries the full explanation of every result, and so are data sets of frameworks
whose plugins adjust results (``criteriakit_adjust_result``), which only the scalar engine applies.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import click

from criteriakit._atomic import replacing
from criteriakit.explain import format_number
from criteriakit.framework import Framework
from criteriakit.hierarchy import framework_chain
from criteriakit.render import render_text_table

__all__ = [
    "AUTO_ROWS",
    "ENGINE_OPTION",
    "Engine",
    "evaluate_columnar",
    "keeps_scalar",
    "wants_columnar",
]

AUTO_ROWS = 20_000
"""From this many units in all, ``--engine auto`` evaluates as columns (Parquet files always)."""

Engine = Literal["auto", "scalar", "columnar"]

ENGINE_OPTION = click.option(
    "--engine",
    type=click.Choice(["auto", "scalar", "columnar"]),
    default="auto",
    show_default=True,
    help=(
        f"scalar: one unit at a time, with full explanations; columnar: whole columns, for "
        f"large data sets (needs polars); auto: columnar from {AUTO_ROWS:,} units."
    ),
)

_READABLE = {".csv", ".parquet", ".jsonl", ".ndjson"}


def _rows(files: Sequence[str]) -> int:
    """Count the data rows of ``files`` without reading their values."""
    import polars as pl  # noqa: PLC0415  only the columnar engine needs Polars

    total = 0
    for file in files:
        suffix = Path(file).suffix.lower()
        if suffix == ".parquet":
            lazy = pl.scan_parquet(file)
        elif suffix == ".csv":
            lazy = pl.scan_csv(file, infer_schema=False)
        else:
            lazy = pl.scan_ndjson(file)
        try:
            total += int(lazy.select(pl.len()).collect().item())
        except pl.exceptions.PolarsError:
            return 0  # unreadable as columns: the scalar reader reports what is wrong
    return total


def _polars_installed() -> bool:
    return importlib.util.find_spec("polars") is not None


def wants_columnar(
    engine: Engine, files: Sequence[str], *, data_format: str | None, monthly: str | None
) -> bool:
    """Return whether to evaluate as columns; raise a usage error if the engine cannot."""
    readable = data_format in (None, "csv", "jsonl") and all(
        Path(file).suffix.lower() in _READABLE for file in files
    )
    if engine == "scalar":
        return False
    if engine == "columnar":
        if monthly is not None:
            message = "--monthly is gathered by the scalar engine: use --engine scalar"
            raise click.BadParameter(message, param_hint="--engine")
        if not readable:
            message = "the columnar engine reads .csv, .parquet and .jsonl files"
            raise click.BadParameter(message, param_hint="--engine")
        if not _polars_installed():
            message = "the columnar engine needs polars: pip install 'criteriakit[polars]'"
            raise click.BadParameter(message, param_hint="--engine")
        return True
    if monthly is not None or not readable or not _polars_installed():
        return False
    parquet = any(Path(file).suffix.lower() == ".parquet" for file in files)
    return parquet or _rows(files) >= AUTO_ROWS


def keeps_scalar(engine: Engine, framework: Framework, files: Sequence[str]) -> bool:
    """Return whether ``auto`` must keep the scalar engine after all.

    It must when a plugin adjusts the results of a framework of the levels, which the columnar
    engine refuses (Parquet aside, which only the columnar engine reads).
    """
    if engine != "auto" or any(Path(file).suffix.lower() == ".parquet" for file in files):
        return False
    return any(
        level.extensions is not None and level.extensions.result_adjusters
        for level in framework_chain(framework, len(files))
    )


def _table(frame: object) -> str:
    import polars as pl  # noqa: PLC0415

    assert isinstance(frame, pl.DataFrame)  # noqa: S101  the engine returns Polars for paths
    rows = [
        [
            str(row["unit"] or ""),
            "not evaluable" if row["score"] is None else format_number(row["score"]),
            row["band_tier"] or "",
            row["tier"] or "",
            "" if row["reasons"] in (None, "not-evaluable") else row["reasons"].replace(";", ", "),
        ]
        for row in frame.iter_rows(named=True)
    ]
    return render_text_table(["unit", "score", "band tier", "tier", "reasons"], rows, ("score",))


def _write(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    with replacing(output) as temporary:
        temporary.write_text(text, encoding="utf-8")


def evaluate_columnar(
    framework: Framework,
    files: Sequence[str],
    *,
    id_column: str,
    ignore_unknown: bool,
    all_levels: bool,
    output_format: str,
    output: str | None,
) -> None:
    """Evaluate ``files`` (top level first) as columns and write the table."""
    import polars as pl  # noqa: PLC0415

    from criteriakit.columnar import evaluate_levels_frame  # noqa: PLC0415

    with click.progressbar(
        length=len(files), label="evaluating", file=sys.stderr, show_pos=True
    ) as bar:
        tables = evaluate_levels_frame(
            framework,
            list(files),
            unit_column=id_column,
            unknown_inputs="ignore" if ignore_unknown else "error",
            progress=lambda _units: bar.update(1),
        )
    shown: list[pl.DataFrame] = tables if all_levels else tables[:1]
    if output_format == "csv":
        if output is None:
            click.echo(shown[0].write_csv(), nl=False)
        else:
            with replacing(output) as temporary:
                shown[0].write_csv(temporary)
        return
    if output_format == "json":
        records = [row for table in shown for row in table.iter_rows(named=True)]
        document = {"engine": "columnar", "results": records}
        _write(json.dumps(document, ensure_ascii=False, indent=2) + "\n", output)
        return
    if all_levels:
        refs = [each.ref for each in framework_chain(framework, len(files))]
        text = "\n".join(
            f"{ref} ({table.height} units)\n{_table(table)}"
            for ref, table in zip(refs, shown, strict=True)
        )
    else:
        text = _table(shown[0])
    _write(text, output)
