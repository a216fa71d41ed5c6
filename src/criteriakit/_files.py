"""Reading untrusted files: size-capped, UTF-8, every failure a :class:`Problem`."""

from __future__ import annotations

from pathlib import Path

from criteriakit.errors import Problem

__all__ = ["UnreadableFile", "decode_text", "read_bytes_capped", "read_text_capped"]


class UnreadableFile(Exception):  # noqa: N818  carries a Problem for the caller's own error type
    """The file cannot be read as text; ``problem`` says why, with the line for bad UTF-8."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def read_bytes_capped(path: Path, limit: int, setting: str | None = None) -> bytes:
    """Return the file's bytes, refusing a directory, an unreadable file or one over ``limit``.

    ``setting`` names the limit of :mod:`criteriakit.limits` that ``limit`` comes from, for the
    hint of a file too large.
    """
    name = str(path)
    try:
        if path.is_dir():
            raise UnreadableFile(Problem("cannot read the file: it is a directory", file=name))
        size = path.stat().st_size
        if size > limit:
            hint = f"raise the {setting} limit (--limit {setting}={size})" if setting else None
            raise UnreadableFile(
                Problem(
                    f"the file is {size:,} bytes, more than the {limit:,} allowed",
                    file=name,
                    hint=hint,
                )
            )
        return path.read_bytes()
    except OSError as error:
        raise UnreadableFile(
            Problem(f"cannot read the file: {error.strerror or error}", file=name)
        ) from None


def decode_text(data: bytes, name: str) -> str:
    """Return ``data`` as UTF-8 text without a BOM; bad UTF-8 is refused with its line."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UnreadableFile(
            Problem("the file is not valid UTF-8", file=name, line=line, hint="save it as UTF-8")
        ) from None


def read_text_capped(path: Path, limit: int, setting: str | None = None) -> str:
    """Return the file's text (a UTF-8 BOM removed), refusing files over ``limit`` bytes."""
    return decode_text(read_bytes_capped(path, limit, setting), str(path))
