"""The broken-files catalogue: each file in tests/data/bad/ fails with exactly the message beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import criteriakit

DATA = Path(__file__).parent / "data"
BAD = sorted((DATA / "bad").glob("*.toml"))


def test_the_catalogue_is_not_empty():
    assert len(BAD) >= 20


@pytest.mark.parametrize("path", BAD, ids=[path.stem for path in BAD])
def test_bad_file_message(path, monkeypatch):
    monkeypatch.chdir(DATA)
    relative = path.relative_to(DATA).as_posix()
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.load_framework(relative)
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").rstrip("\n")
    assert str(caught.value) == expected
    assert all(problem.file == relative for problem in caught.value.problems)


def test_every_problem_has_a_line_and_column():
    for path in BAD:
        with pytest.raises(criteriakit.FrameworkError) as caught:
            criteriakit.load_framework(path)
        for problem in caught.value.problems:
            assert problem.line is not None, (path.name, problem)
            assert problem.column is not None, (path.name, problem)


def test_the_good_file_loads():
    framework = criteriakit.load_framework(DATA / "good" / "small.toml")
    assert framework.ref == "test.small@1"


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('id = "x"\ntitle = "Qu\xe9bec"\n'.encode("latin-1"))
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.load_framework(path)
    assert (
        str(caught.value)
        == f"1 problem:\n{path}:2: the file is not valid UTF-8\n  hint: save it as UTF-8"
    )


def test_missing_file(tmp_path):
    with pytest.raises(
        criteriakit.FrameworkError, match="cannot read the file: No such file or directory"
    ):
        criteriakit.load_framework(tmp_path / "absent.toml")


def test_oversized_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text("# " + "x" * 200 + "\n")
    with (
        criteriakit.limits.override(file_bytes=100),
        pytest.raises(criteriakit.FrameworkError, match="more than the 100 allowed"),
    ):
        criteriakit.load_framework(path)


GOOD = (DATA / "good" / "small.toml").read_text(encoding="utf-8")


def test_a_file_cut_short_is_pointed_at_where_it_ends():
    text = GOOD[: GOOD.index('"done / planned"') + len('"done / planned')]
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(text, source="cut.toml")
    assert str(caught.value) == (
        "1 problem in cut.toml:\n"
        "cut.toml:25:24: invalid TOML: Unterminated string at the end of the file\n"
        '  25 | value = "done / planned\n'
        "     |                        ^\n"
        "  hint: the file ends before this is closed: was it cut short?"
    )


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=0, max_value=len(GOOD) - 1))
def test_a_file_cut_anywhere_gets_a_line_and_column_for_every_problem(end):
    try:
        criteriakit.loads_framework(GOOD[:end], source="cut.toml")
    except criteriakit.FrameworkError as error:
        for problem in error.problems:
            assert problem.line is not None, problem
            assert problem.column is not None, problem
