"""Property: for random frameworks and random data files, both engines write the same bytes.

``criteriakit evaluate --engine scalar`` and ``--engine columnar`` on the same framework and data
must print byte-identical CSV, JSON Lines and JSON output, or fail with the same exit code and
the same message. The frameworks draw every input type (number, integer, bool, level, list),
bounds, defaults, policies (the framework's and an indicator's own, so that indicators are
excluded and vetoes and gates go unchecked), both built-in weightings, vetoes, caps, gates and
quotas; the data files (CSV and JSON Lines, with blank cells) draw
valid cells and the malformed ones the fuzz campaign of issue 11 found (``1_2``, ``١٢``, huge
integers, ``nan``, ``1e400``, bad JSON types, blank and repeated ids…).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from criteriakit.cli import build_cli

NUMBERS = ("n0", "n1")
POLICIES = ("zero", "exclude", "not-evaluable", "fail")


def toml_value(value: object) -> str:
    """Write a value as TOML: strings, numbers, arrays and inline tables."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {toml_value(item)}" for key, item in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return json.dumps(value)


@st.composite
def frameworks(
    draw: st.DrawFn, policies: tuple[str, ...] = POLICIES, *, relative: bool = True
) -> str:
    """Return a random framework file's text over the inputs n0, n1, k, f, lv, xs.

    The framework's policies are drawn from ``policies``; ``relative`` scorers and weights the
    units decide (which compare the units of a population: all of them, or each parent's) may
    be among its parts unless it is false.
    """
    policy = draw(st.sampled_from(policies)), draw(st.sampled_from(policies))
    default = draw(st.none() | st.integers(0, 5))
    weighed = draw(st.sampled_from([None, "all", "parent"])) if relative else None
    lines = [
        'id = "random.engines"',
        'version = "1"',
        'title = "Random"',
        'subject = "unit"',
        *(['scale = "weights"'] if weighed else []),
        f'weighting = "{draw(st.sampled_from(["sum", "geometric"]))}"',
        "",
        "[policy]",
        f'missing_input = "{policy[0]}"',
        f'division_by_zero = "{policy[1]}"',
        "",
        '[inputs.n0]\ntype = "number"\nmin = 0\nmax = 100',
        '[inputs.n1]\ntype = "number"',
        '[inputs.k]\ntype = "integer"\nmin = 0' + (f"\ndefault = {default}" if default else ""),
        '[inputs.f]\ntype = "bool"',
        '[inputs.lv]\ntype = "level"\nlevels = ["low", "mid", "high"]',
        '[inputs.xs]\ntype = "list"\nitems = "number"\nmax_length = 5',
    ]
    derived = draw(st.booleans())
    if derived:  # derived values, read by indicators, a gate and each other
        lines += [
            "",
            "[derived]",
            'ratio = "n1 / k"',
            'hits = "count(xs, it > ratio)"',
            'steady = "f and ratio >= 1"',
            'root = "sqrt(n0) + ln(n1)"',
            'kept = "round(avg(xs) / 3, 2) + hits"',
        ]
    values = [
        ("n0", {"type": "linear", "zero_at": 0, "full_at": draw(st.integers(1, 100))}),
        ("n1 / k", {"type": "thresholds", "bands": [{"min": 0.5, "award": 1.0}]}),
        ("f", {"type": "boolean"}),
        ('lv >= "mid"', {"type": "boolean"}),
        ("count(xs, it > 50)", {"type": "target", "target": draw(st.integers(1, 4))}),
        ("avg(xs) / 3", {"type": "linear", "zero_at": 0, "full_at": 33}),
        ("n0 * k - n1", {"type": "linear", "zero_at": -50, "full_at": 500}),
    ]
    scorer = {
        "type": "relative",
        "normalisation": draw(
            st.sampled_from(["minmax", "max", "sum", "vector", "percentile", "zscore"])
        ),
        "direction": draw(st.sampled_from(["benefit", "cost"])),
        "within": draw(st.sampled_from(["all", "parent"])),
    }
    if relative:
        values += [("n0", scorer), ("n1 / k - 2", scorer), ("sum(xs)", scorer)]
    if derived:
        values += [
            ("ratio", {"type": "thresholds", "bands": [{"min": 0.5, "award": 1.0}]}),
            ("root", {"type": "linear", "zero_at": 0, "full_at": 12}),
            ("kept", {"type": "linear", "zero_at": 0, "full_at": 30}),
            ("steady", {"type": "boolean"}),
        ]
    if weighed:
        lines += ["", "[weights]", *draw(data_weights(weighed))]
    lines += draw(criteria(values, weighed))
    minimums = sorted(draw(st.lists(st.integers(1, 99), min_size=2, max_size=2, unique=True)))
    lines += [
        "",
        "[[tiers]]",
        'id = "top"',
        'title = "Top"',
        f"min_score = {minimums[1]}",
    ]
    if draw(st.booleans()):
        require = draw(st.sampled_from(["f", "criterion('c0').share >= 0.6 or f"]))
        lines += [f'gates = [{{ id = "top-needs-f", require = "{require}", message = "f" }}]']
    lines += ["", "[[tiers]]", 'id = "middle"', 'title = "Middle"', f"min_score = {minimums[0]}"]
    if draw(st.booleans()):
        require = "steady or hits > 1" if derived else "n1 / k >= 1"
        lines += [f'gates = [{{ id = "middle-needs-n1", require = "{require}", message = "n1" }}]']
    lines += ["", "[[tiers]]", 'id = "bottom"', 'title = "Bottom"', "min_score = 0"]
    if draw(st.booleans()):
        lines += [
            "",
            "[[rules]]",
            'id = "low-n1"',
            f'when = "{draw(st.sampled_from(RULES)).format(draw(st.integers(0, 50)))}"',
            f'at_most = "{draw(st.sampled_from(["middle", "bottom"]))}"',
            'message = "n1 is low"',
        ]
    if draw(st.booleans()):
        lines += [
            "",
            "[[checks]]",
            'id = "plausible"',
            f"require = {toml_value(draw(st.sampled_from(CHECKS)))}",
            'message = "k is {k}, n0 {n0}, lv {lv} and xs {xs}"',
        ]
    if draw(st.booleans()):
        lines += [
            "",
            "[[quotas]]",
            'id = "few-at-the-top"',
            'tier = "top"',
            'of = "middle"',
            f"share = {draw(st.sampled_from([0.2, 0.5, 1.0]))}",
            f'counting = "{draw(st.sampled_from(["final", "before"]))}"',
        ]
    if relative and draw(st.booleans()):  # ranking, like relative scoring, needs the population
        lines += draw(rankings())
    return "\n".join(lines) + "\n"


@st.composite
def criteria(
    draw: st.DrawFn, values: list[tuple[str, dict[str, Any]]], weighed: str | None
) -> list[str]:
    """Return the lines of two random criteria over some of ``values`` (expression, scorer).

    Their points are written in the file, or (``weighed``) their weights decided by the data.
    """
    lines: list[str] = []
    chosen = draw(st.lists(st.sampled_from(values), min_size=2, max_size=5, unique_by=str))
    split = draw(st.integers(1, len(chosen) - 1))
    groups = [chosen[:split], chosen[split:]]
    total = 100
    first_points = draw(st.integers(1, 99))
    for index, (group, points) in enumerate(
        zip(groups, (first_points, total - first_points), strict=True)
    ):
        lines += ["", "[[criteria]]", f'id = "c{index}"', f'title = "C{index}"']
        own_weights = weighed is not None and draw(st.booleans())
        if weighed is None:
            lines.append(f"points = {points}")
        elif own_weights:  # its indicators weighed by the data too
            lines += ["[criteria.weights]", *draw(data_weights(weighed))]
        shares = [points / len(group)] * len(group)
        shares[-1] = points - sum(shares[:-1])
        for number, ((value, spec), share) in enumerate(zip(group, shares, strict=True)):
            scorer = dict(spec)
            if scorer["type"] == "thresholds":  # on a weights scale, a share of the indicator
                scorer["bands"] = [{"min": 0.5, "award": 1.0 if weighed else share}]
            lines += [
                "",
                "[[criteria.indicators]]",
                f'id = "c{index}.{number}"',
                f'title = "I{index}.{number}"',
                f"value = {toml_value(value)}",
                f"scorer = {toml_value(scorer)}",
            ]
            if not own_weights:
                lines.append(f"{'weight' if weighed else 'points'} = {share!r}")
            own = draw(st.none() | st.sampled_from(["exclude", "zero"]))
            if own is not None:
                lines.append(f'policy = {{ missing_input = "{own}", division_by_zero = "{own}" }}')
    return lines


@st.composite
def data_weights(draw: st.DrawFn, within: str) -> list[str]:
    """Return the keys of a random ``[weights]`` table whose weights the units decide."""
    method = draw(st.sampled_from(["entropy", "critic", "standard-deviation"]))
    return [f'method = "{method}"', f'within = "{within}"']


@st.composite
def rankings(draw: st.DrawFn) -> list[str]:
    """Return the lines of a random ``[ranking]`` table."""
    method = draw(st.sampled_from(["score", "wsm", "wpm", "waspas", "topsis", "vikor"]))
    lines = [
        "",
        "[ranking]",
        f'method = "{method}"',
        f'within = "{draw(st.sampled_from(["all", "parent"]))}"',
        f'ties = "{draw(st.sampled_from(["min", "dense", "average", "ordinal"]))}"',
    ]
    if method != "score":
        lines.append(f'normalisation = "{draw(st.sampled_from(["none", "minmax"]))}"')
    if method in ("waspas", "vikor"):
        lines.append(f"balance = {draw(st.sampled_from([0.0, 0.3, 0.5, 1.0]))}")
    return lines


RULES = [
    "n1 < {} and not f",
    "criterion('c1').points < {} / 5 and criterion('c1').max > 0",
    "criterion('c0').share * 100 < {}",
]
"""The ``when`` of a random veto or cap (``{}`` a drawn number): inputs, or criteria's values."""

CHECKS = ["k <= 10", "n0 >= n1 or f", "count(xs) <= k + 2", "count(xs, it > 50) <= k"]
"""The ``require`` of a framework's ``[[checks]]``: each refuses some of the random rows."""

NUMBER_CELLS = ["12", "7.5", "85%", " 3 ", "1e1", "0", "100", "", "nan", "inf", "1_2", "١٢", "１２"]
NUMBER_CELLS += ["101", "-1", "1e400", "12abc", "+5", ".5", "5.", "1e-400", "50 %"]
INTEGER_CELLS = ["3", "0", "3.0", "3.5", "1e20", "9223372036854775808", "9223372036854775807"]
INTEGER_CELLS += ["-1", "", "x", "0042", "+7", "1" * 401]
BOOL_CELLS = ["yes", "no", "TRUE", "1", "0", "y", "N", "maybe", "", " true "]
LEVEL_CELLS = ["low", "mid", "high", " mid ", "MID", "", "top"]
LIST_CELLS = [
    "[60, 70]",
    "[]",
    "[1, 2, 3, 4, 5, 6]",
    '[1, "2"]',
    "x",
    "[1e400]",
    "[null]",
    "",
    "[99]",
]
ID_CELLS = ["u1", "u2", "u3", "u4", "u5", "u6", "", " ", "u1", " u7", "#u8", "\tu9", " \t"]

JSON_NUMBERS = st.one_of(
    st.integers(-5, 200),
    st.floats(-5, 200, allow_nan=False),
    st.sampled_from([1e20, 2**63, 10**30, True, "12", "yes", None, [1], {"a": 1}, 1.5]),
)


VALID_CELLS = {
    "n0": ["12", "7.5", "85%", "0", "100", ""],
    "n1": ["12", "7.5", " 3 ", "0", ""],
    "k": ["3", "0", "3.0", ""],
    "f": ["yes", "no", "TRUE", ""],
    "lv": ["low", "mid", "high", ""],
    "xs": ["[60, 70]", "[]", "[99]", ""],
    "parent": ["p1", "p2", ""],
}
"""Cells every reader accepts; blanks are missing values, ``0`` and ``[]`` divide by zero."""


@st.composite
def csv_data(draw: st.DrawFn, *, valid_only: bool = False) -> str:
    """Return a random CSV data set (header and rows): of valid cells only, or valid or not."""
    columns = ["id", "parent", "n0", "n1", "k", "f", "lv", "xs"]
    cells = (
        VALID_CELLS
        if valid_only
        else {
            "n0": NUMBER_CELLS,
            "n1": NUMBER_CELLS,
            "k": INTEGER_CELLS,
            "f": BOOL_CELLS,
            "lv": LEVEL_CELLS,
            "xs": LIST_CELLS,
            "parent": ["p1", "p2", ""],
        }
    )
    size = draw(st.integers(0, 8))
    rows = []
    for index in range(size):
        valid = valid_only or draw(st.booleans())
        row = [f"u{index}" if valid or draw(st.booleans()) else draw(st.sampled_from(ID_CELLS))]
        for column in columns[1:]:
            options = cells[column]
            good = [*options[: min(4, len(options) - 1)], ""]  # blank: missing
            row.append(draw(st.sampled_from(good if valid else options)))
        rows.append(row)

    def quoted(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n') else cell

    return "\n".join(",".join(quoted(cell) for cell in row) for row in [columns, *rows]) + "\n"


GOOD_JSON = {
    "n0": st.integers(0, 100) | st.floats(0, 100, allow_nan=False) | st.sampled_from(["12", "85%"]),
    "n1": st.integers(0, 200) | st.floats(0, 200, allow_nan=False),
    "k": st.integers(0, 5) | st.sampled_from([2.0, "3"]),
    "f": st.sampled_from([True, False, "yes", "no"]),
    "lv": st.sampled_from(["low", "mid", "high"]),
    "xs": st.lists(st.integers(0, 100) | st.floats(0, 100, allow_nan=False), max_size=5),
}
BAD_JSON = {
    "n0": JSON_NUMBERS,
    "n1": JSON_NUMBERS,
    "k": JSON_NUMBERS,
    "f": st.sampled_from([True, False, "yes", 1, None, "x"]),
    "lv": st.sampled_from([*LEVEL_CELLS, 1, None]),
    "xs": st.sampled_from([[60.0, 70], [], [1, "2"], "[60]", None, [None], 5, [1, 2, 3, 4, 5, 6]]),
}


@st.composite
def jsonl_data(draw: st.DrawFn) -> str:
    """Return a random JSON Lines data set: typed values, text and wrong JSON types."""
    size = draw(st.integers(0, 6))
    lines = []
    for index in range(size):
        valid = draw(st.booleans())
        ids = [f"u{index}", index, float(index)] if valid else [f"u{index}", 1.5, True, "", "u0"]
        record: dict[str, Any] = {"id": draw(st.sampled_from(ids))}
        record["parent"] = draw(st.sampled_from(["p1", "p2", None, 3]))
        for name, values in (GOOD_JSON if valid else BAD_JSON).items():
            if draw(st.integers(0, 9)):  # now and then a key is left out
                record[name] = draw(values)
        lines.append(json.dumps(record))
    return "".join(line + "\n" for line in lines)


NOTE = (
    "note: result documents (--format json) hold each unit's full explanation, which the "
    "scalar engine builds; --engine columnar speeds up the table formats\n"
)


def evaluate(framework: Path, data: Path, *options: str) -> dict[str, tuple[int, bytes, str]]:
    found = {}
    for engine in ("scalar", "columnar"):
        result = CliRunner().invoke(
            build_cli(),
            ["--no-autoload", "evaluate", str(framework), str(data), "--engine", engine, *options],
            catch_exceptions=False,
        )
        errors = result.stderr.replace(NOTE, "")
        found[engine] = (result.exit_code, result.stdout_bytes, errors)
    return found


SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def outputs(
    folder: Path, text: str, data: str, name: str, output: str
) -> dict[str, tuple[int, bytes, str]]:
    """Write the framework and the data file ``name`` in ``folder``; evaluate with both engines."""
    framework = folder / "random.toml"
    framework.write_text(text)
    path = folder / name
    path.write_text(data, encoding="utf-8")
    return evaluate(framework, path, "--format", output)


@SETTINGS
@given(text=frameworks(), data=csv_data(), output=st.sampled_from(["csv", "jsonl", "json"]))
def test_csv_data_gives_the_same_output_from_both_engines(tmp_path_factory, text, data, output):
    found = outputs(tmp_path_factory.mktemp("csv"), text, data, "data.csv", output)
    assert found["scalar"] == found["columnar"]


def listed(reason: dict[str, Any]) -> str:
    """Return a result document's reason as the table lists it."""
    return reason["code"] + (" (not checked)" if reason["kind"] == "not-checked" else "")


def close(actual: float, expected: float, terms: int) -> bool:
    """Whether ``actual`` is ``expected`` to the rounding of ``terms`` points (1e-9 each)."""
    return math.isclose(actual, expected, rel_tol=1e-12, abs_tol=terms * 1e-9)


def check_honest(row: dict[str, Any], result: dict[str, Any], *, additive: bool) -> None:
    """Check one unit's table row against its document: reasons, criteria, totals, shares."""
    assert row["reasons"] == [listed(reason) for reason in result["reasons"]]
    assert not any(reason["kind"] == "undefined" for reason in result["reasons"])
    criteria = result["criteria"]
    assert [row[f"criterion:{each['id']}"] for each in criteria] == [
        each["score"] for each in criteria
    ]
    if result["score"] is None:
        return
    count = len(criteria)
    assert close(sum(each["max_score"] for each in criteria), result["max_score"], count)
    if additive:
        assert close(sum(each["score"] for each in criteria), result["score"], count + 1)
    for each in criteria:
        kept = [i for i in each["indicators"] if i["status"] != "excluded"]
        awardable = sum(indicator["max_points"] for indicator in kept)
        if awardable:  # the criterion's share is its indicators' own, rescaled or not
            share = sum(indicator["points"] for indicator in kept) / awardable
            # compared as points, each rounded to 1e-9: as a share, a small maximum (weights
            # the data decided may be near 0) would magnify the rounding; rescaled, the
            # indicators' rounding grows by the criterion's maximum over what they could earn
            scale = max(1.0, each["max_score"] / awardable)
            expected = share * each["max_score"]
            assert math.isclose(each["score"], expected, abs_tol=(len(kept) + 2) * 1e-9 * scale)


@SETTINGS
@given(text=frameworks(("zero", "exclude")), data=csv_data(valid_only=True))
def test_excluded_indicators_and_unchecked_conditions_are_honest_in_both_engines(
    tmp_path_factory, text, data
):
    """Policies that skip what is undefined: criteria rescaled alike, unchecked reasons marked.

    Both engines write the same table; it lists each reason as the documents do (an unchecked
    veto or gate as ``ID (not checked)``), and the criteria's maxima add up to the framework's,
    their scores to the total (under the ``sum`` weighting), each at its indicators' share.
    """
    folder = tmp_path_factory.mktemp("skipping")
    tables = outputs(folder, text, data, "data.csv", "jsonl")
    assert tables["scalar"] == tables["columnar"]
    code, out, _ = outputs(folder, text, data, "data.csv", "json")["scalar"]
    assume(code == 0)  # a [[checks]] entry may refuse a row
    rows = [json.loads(line) for line in tables["scalar"][1].splitlines()]
    additive = 'weighting = "sum"' in text
    for row, result in zip(rows, json.loads(out)["results"], strict=True):
        check_honest(row, result, additive=additive)


@SETTINGS
@given(text=frameworks(), data=jsonl_data(), output=st.sampled_from(["csv", "table"]))
def test_json_lines_data_gives_the_same_output_from_both_engines(
    tmp_path_factory, text, data, output
):
    found = outputs(tmp_path_factory.mktemp("jsonl"), text, data, "data.jsonl", output)
    assert found["scalar"] == found["columnar"]


ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
CELL_ROWS = (ROOT / "examples" / "commune" / "cells.csv").read_text().splitlines()


@st.composite
def hierarchies(draw: st.DrawFn) -> tuple[str, str]:
    """Return cells (CSV, from the commune's) and random members of them (JSON Lines)."""
    cells = draw(st.lists(st.sampled_from(CELL_ROWS[1:]), min_size=1, max_size=4, unique=True))
    ids = [row.split(",", 1)[0] for row in cells]
    members = []
    for index in range(draw(st.integers(len(ids), 16))):
        valid = draw(st.integers(0, 9)) > 0
        scores = st.lists(st.integers(0, 100) | st.floats(0, 100), min_size=1, max_size=12)
        member = {
            "id": f"M{index}",
            "parent": ids[index] if index < len(ids) else draw(st.sampled_from(ids)),
            "monthly_scores": draw(scores),
            "tasks_assigned": draw(st.integers(1, 12)),
            "tasks_done": draw(st.integers(0, 12)),
            "tasks_exceeded": draw(st.integers(0, 3)),
            "disciplined": draw(st.booleans()),
        }
        if not valid:  # one value the readers refuse, or an orphan
            name, bad = draw(
                st.sampled_from(
                    [
                        ("monthly_scores", [101]),
                        ("monthly_scores", [None]),
                        ("monthly_scores", "x"),
                        ("tasks_assigned", 2**62),
                        ("tasks_assigned", -1),
                        ("disciplined", "maybe"),
                        ("parent", "K9999-C99"),
                        ("parent", None),
                    ]
                )
            )
            member[name] = bad
        members.append(json.dumps(member))
    table = "\n".join([CELL_ROWS[0], *cells]) + "\n"
    return table, "".join(line + "\n" for line in members)


@SETTINGS
@given(data=hierarchies(), output=st.sampled_from(["jsonl", "table"]))
def test_a_hierarchy_gives_the_same_output_from_both_engines(tmp_path_factory, data, output):
    folder = tmp_path_factory.mktemp("levels")
    cells, members = folder / "cells.csv", folder / "members.jsonl"
    cells.write_text(data[0])
    members.write_text(data[1])
    found = {}
    for engine in ("scalar", "columnar"):
        result = CliRunner().invoke(
            build_cli(),
            [
                "--no-autoload",
                "--plugin-dir",
                str(FRAMEWORKS),
                "evaluate",
                "vn.four-good-cell",
                str(cells),
                "--children",
                str(members),
                "--all-levels",
                "--format",
                output,
                "--engine",
                engine,
            ],
            catch_exceptions=False,
        )
        found[engine] = (result.exit_code, result.stdout_bytes, result.stderr)
    assert found["scalar"] == found["columnar"]
