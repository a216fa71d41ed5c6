"""Limits: one place for every cap, and hostile files that end quickly with one short error.

The hostile inputs of issue 12 are generated here (nothing large is committed), loaded through
``load_framework`` and ``criteriakit lint``; each must end with one error whose message is
bounded and says what is wrong. No assertion is timed: a quadratic check would make the test
itself slow, not fail.
"""

from __future__ import annotations

import threading
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

import criteriakit
from criteriakit import limits
from criteriakit.cli import build_cli
from criteriakit.errors import DataError, ExpressionSyntaxError, FrameworkError, Problem, excerpt
from criteriakit.expressions import NUMBER, compile_expression

SMALL = (Path(__file__).parent / "data" / "good" / "small.toml").read_text(encoding="utf-8")
BOUND = 20_000


def small(old: str, new: str) -> str:
    assert old in SMALL
    return SMALL.replace(old, new, 1)


def with_levels(levels: list[str]) -> str:
    listed = ", ".join(f'"{level}"' for level in levels)
    return small(
        "[inputs.ok]", f'[inputs.grade]\ntype = "level"\nlevels = [{listed}]\n\n[inputs.ok]'
    )


def with_bands(bands: list[float]) -> str:
    listed = ", ".join(f"{{ min = {bound!r}, award = 1 }}" for bound in bands)
    return small(
        'scorer = { type = "linear", zero_at = 0, full_at = 1 }',
        f'scorer = {{ type = "thresholds", bands = [{listed}] }}',
    )


def load_error(text: str) -> FrameworkError:
    with pytest.raises(FrameworkError) as caught:
        criteriakit.loads_framework(text, source="bad.toml")
    return caught.value


def lint(tmp_path: Path, text: str, *options: str) -> tuple[int, str]:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        build_cli(), ["--no-autoload", *options, "lint", str(path)], catch_exceptions=False
    )
    return result.exit_code, result.stderr


# the limits themselves


def test_the_defaults_are_the_documented_ones_and_the_old_constants_alias_them():
    defaults = limits.DEFAULTS
    assert limits.current() == defaults
    assert (defaults.file_bytes, defaults.data_bytes) == (4 * 1024 * 1024, 512 * 1024 * 1024)
    assert (defaults.data_nesting_depth, defaults.plan_size) == (64, 1_000_000)
    assert defaults.file_bytes == criteriakit.loading.MAX_FILE_BYTES
    assert defaults.reported_problems == criteriakit.data.MAX_REPORTED_PROBLEMS
    assert defaults.expression_length == criteriakit.expressions.MAX_LENGTH
    assert limits.names() == tuple(attrs.asdict(defaults))


def test_override_holds_inside_its_block_only():
    with limits.override(reported_problems=3) as inside:
        assert inside.reported_problems == 3
        assert limits.current() is inside
        with limits.override(source_context=10):
            assert (limits.current().reported_problems, limits.current().source_context) == (3, 10)
        assert limits.current().source_context == limits.DEFAULTS.source_context
    assert limits.current() == limits.DEFAULTS


def test_override_holds_in_its_own_thread_only():
    seen: list[int] = []
    with limits.override(reported_problems=3):
        thread = threading.Thread(target=lambda: seen.append(limits.current().reported_problems))
        thread.start()
        thread.join()
    assert seen == [limits.DEFAULTS.reported_problems]


def test_configure_changes_the_process_default_under_any_override():
    try:
        assert limits.configure(reported_problems=7).reported_problems == 7
        assert limits.current().reported_problems == 7
        with limits.override(source_context=5):
            assert limits.current().reported_problems == 7
    finally:
        limits.configure(**attrs.asdict(limits.DEFAULTS))
    assert limits.current() == limits.DEFAULTS


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"file_byte": 10}, TypeError, "unknown limit 'file_byte'; the limits are: file_bytes, "),
        ({"file_bytes": 0}, ValueError, "limit file_bytes must be at least 1, got 0"),
        ({"file_bytes": 1.5}, TypeError, "limit file_bytes must be a whole number, got 1.5"),
        ({"file_bytes": True}, TypeError, "limit file_bytes must be a whole number, got True"),
        ({"expression_depth": 33}, ValueError, "limit expression_depth can be at most 32"),
        ({"expression_nodes": 501}, ValueError, "limit expression_nodes can be at most 500"),
    ],
)
def test_bad_changes_are_refused_and_nothing_changes(changes, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(")):
        limits.configure(**changes)
    with pytest.raises(error), limits.override(**changes):
        pass  # pragma: no cover - never entered
    assert limits.current() == limits.DEFAULTS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("file_bytes=8000000", ("file_bytes", 8_000_000)),
        (" reported-problems = 4_000 ", ("reported_problems", 4_000)),
    ],
)
def test_settings_are_read_from_name_equals_value(text, expected):
    assert limits.parse_setting(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("file_bytes", "expected NAME=VALUE, got 'file_bytes'"),
        ("file_byts=3", "unknown limit 'file_byts': did you mean file_bytes?"),
        ("zzz=3", "unknown limit 'zzz': the limits are: file_bytes, key_parts"),
        ("file_bytes=4MB", "limit file_bytes must be a whole number, got '4MB'"),
        ("file_bytes=-1", "limit file_bytes must be at least 1, got -1"),
        ("expression_depth=64", "limit expression_depth can be at most 32"),
    ],
)
def test_bad_settings_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        limits.parse_setting(text)


def test_the_command_line_applies_limits_and_refuses_bad_ones(tmp_path):
    code, stderr = lint(tmp_path, SMALL, "--limit", "file_bytes=100")
    assert code == 1
    assert "more than the 100 allowed" in stderr
    assert "hint: raise the file_bytes limit (--limit file_bytes=" in stderr
    code, stderr = lint(tmp_path, SMALL, "--limit", "file_bytes=0")
    assert code == 2
    assert "Invalid value for '--limit': limit file_bytes must be at least 1, got 0" in stderr
    assert limits.current() == limits.DEFAULTS


def test_an_expression_within_a_raised_length_limit_loads():
    text = small('"done / planned"', '"' + "done + " * 600 + 'planned"')  # 4,207 characters
    assert "expression is too long" in str(load_error(text))
    with limits.override(expression_length=5_000):
        assert "expression is too large (more than 500" in str(load_error(text))
    with limits.override(expression_length=5_000, expression_nodes=500):
        text = small('"done / planned"', '"' + " " * 4_500 + 'done / planned"')
        assert criteriakit.loads_framework(text).ref == "test.small@1"


def test_lowered_expression_caps_are_applied():
    with limits.override(expression_depth=2), pytest.raises(ExpressionSyntaxError) as caught:
        compile_expression("(((a)))", {"a": NUMBER})
    assert caught.value.message == "expression nests too deeply (more than 2 levels)"
    with limits.override(expression_nodes=3), pytest.raises(ExpressionSyntaxError) as caught:
        compile_expression("a + a + a", {"a": NUMBER})
    assert caught.value.message == "expression is too large (more than 3 operators and operands)"


def test_list_length_applies_where_the_input_declares_no_max_length():
    framework = criteriakit.loads_framework(
        small("[inputs.ok]", '[inputs.scores]\ntype = "list"\nitems = "integer"\n\n[inputs.ok]')
    )
    inputs = {"done": 1, "planned": 2, "ok": True, "scores": [1, 2, 3]}
    assert framework.evaluate(inputs).score >= 0
    with limits.override(list_length=2), pytest.raises(DataError) as caught:
        framework.evaluate(inputs)
    assert "the list has 3 items, more than the maximum 2" in str(caught.value)
    assert "declare max_length on the input, or raise the list_length limit" in str(caught.value)


# bounded messages


def test_a_long_source_line_is_shown_as_a_window_around_the_caret():
    line = "x" * 10_000 + "BAD" + "y" * 10_000
    problem = Problem("bad", file="f.toml", line=1, column=10_001, width=3, source_line=line)
    text, caret = problem.render().splitlines()[1:]
    context = limits.DEFAULTS.source_context
    assert text == "  1 | …" + "x" * context + "BAD" + "y" * context + "…"
    assert caret == "    | " + " " * (context + 1) + "^^^"


def test_a_short_line_is_shown_whole_and_a_wide_caret_is_cut():
    assert excerpt("abc", 2, 1) == ("abc", 2, 1)
    shown, column, width = excerpt("a" * 1_000, 1, 1_000)
    assert (shown, column, width) == ("a" * 120 + "…", 1, 60)
    with limits.override(source_context=3):
        assert excerpt("0123456789", 6, 1) == ("…2345678…", 5, 1)


def test_an_expression_error_quotes_a_window_of_the_expression():
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_expression("a + " * 250_000 + "a", {"a": NUMBER})  # a megabyte
    message = str(caught.value)
    assert len(message) < 1_000
    assert message.startswith("expression is too long (1000001 characters, at most 4000)")
    assert "derived inputs" not in message
    assert "[[tiers.gates]] or [[rules]]" in message
    assert "--limit expression_length=1000001" in message


def test_an_unknown_long_name_is_quoted_cut():
    name = "n" * 3_000
    with pytest.raises(criteriakit.ExpressionTypeError) as caught:
        compile_expression(name, {"a": NUMBER})
    assert caught.value.message == f"unknown input '{'n' * 119}…'"
    assert len(str(caught.value)) < 1_000


def test_an_error_keeps_the_first_problems_and_counts_the_others():
    problems = [Problem(f"problem {index}", file="f.toml") for index in range(4_000)]
    error = FrameworkError(problems, source="f.toml")
    assert len(error.problems) == 50
    assert error.total == 4_000
    assert str(error).startswith("50 of 4,000 problems in f.toml (the first 50 shown):\n")
    with limits.override(reported_problems=2):
        assert (
            str(FrameworkError(problems)).splitlines()[0]
            == "2 of 4,000 problems (the first 2 shown):"
        )


def test_an_error_stops_before_the_problem_that_would_pass_the_character_limit():
    problems = [Problem("m" * 900, file="f.toml") for _ in range(10)]
    with limits.override(report_characters=2_000):
        text = str(DataError(problems, source="f.csv"))
    assert text.startswith("2 of 10 data problems in f.csv (the first 2 shown):\n")
    assert text.count("m" * 900) == 2
    with limits.override(report_characters=100):
        text = str(FrameworkError([Problem("m" * 900)]))
    assert text == "1 problem:\n" + "m" * 99 + "…"


# the hostile files of issue 12


def test_a_level_repeated_4000_times_gives_one_short_error(tmp_path):
    text = with_levels(["x"] * 4_000)  # a 20 KB file
    error = load_error(text)
    assert error.total == 3_999
    message = str(error)
    assert len(message) < BOUND
    assert message.startswith("50 of 3,999 problems in bad.toml (the first 50 shown):\n")
    assert "bad.toml:16:16: inputs.grade.levels[1]: level 'x' is listed twice" in message
    code, stderr = lint(tmp_path, text)
    assert code == 1
    assert stderr.startswith("50 of 3,999 problems in ")
    assert len(stderr) < BOUND + 1_000


def test_a_level_repeated_100000_times_shares_its_source_line():
    error = load_error(with_levels(["x"] * 100_000))  # a 500 KB line
    assert error.total == 99_999
    assert len(str(error)) < BOUND
    assert len({id(problem.source_line) for problem in error.problems}) == 1


def test_30000_distinct_bands_load_and_30000_repeated_bounds_give_one_short_error():
    framework = criteriakit.loads_framework(with_bands([index / 30_000 for index in range(30_000)]))
    assert framework.ref == "test.small@1"
    error = load_error(with_bands([0.5] * 30_000))
    assert error.total == 29_999
    message = str(error)
    assert len(message) < BOUND
    assert "criteria[0].indicators[0].scorer.bands[1]: two bands have the bound 0.5" in message


def test_a_remove_of_100000_unknown_ids_gives_one_short_error(tmp_path, monkeypatch):
    monkeypatch.delenv("CRITERIAKIT_PATH", raising=False)
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "small.toml").write_text(SMALL, encoding="utf-8")
    ids = ", ".join(f'"rule-{index}"' for index in range(100_000))
    text = (
        f'extends = "test.small@1"\nid = "test.child"\nversion = "1"\n[remove]\nrules = [{ids}]\n'
    )
    code, stderr = lint(tmp_path, text, "--plugin-dir", str(tmp_path / "plugins"))
    assert code == 1
    assert "50 of 100,000 problems in " in stderr
    assert "remove.rules[0]: the base framework test.small@1 has no rule 'rule-0'" in stderr
    assert len(stderr) < BOUND + 1_000


def test_repeated_entries_of_a_derived_file_are_found_in_linear_time(tmp_path, monkeypatch):
    monkeypatch.delenv("CRITERIAKIT_PATH", raising=False)
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "small.toml").write_text(SMALL, encoding="utf-8")
    rules = '[[rules]]\nid = "nothing-done"\nmessage = "x"\n' * 20_000
    text = f'extends = "test.small@1"\nid = "test.child"\nversion = "1"\n{rules}'
    code, stderr = lint(tmp_path, text, "--plugin-dir", str(tmp_path / "plugins"))
    assert code == 1
    assert "50 of 19,999 problems in " in stderr
    assert "rule 'nothing-done' is given twice" in stderr


@pytest.mark.parametrize("size", [10_000, 1_000_000])
def test_a_long_expression_gives_a_short_message(size, tmp_path):
    text = small('"done / planned"', '"' + "done + " * (size // 7) + 'planned"')
    code, stderr = lint(tmp_path, text)
    assert code == 1
    assert "criteria[0].indicators[0].value: expression is too long (" in stderr
    assert len(stderr) < 2_000
