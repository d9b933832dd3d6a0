"""Tests of reading input text and JSON: failures are input errors naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io.errors import InputError
from optimizer.io.load import parse_json_text, read_input_text


def test_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    """UTF-8 with a byte-order mark (as Windows tools save it) reads as plain text."""
    path = tmp_path / "a.json"
    path.write_bytes(b"\xef\xbb\xbf{}")
    assert read_input_text(path) == "{}"


@pytest.mark.parametrize(
    ("content", "expected"), [(None, "an existing file"), (b"\xff\xfe\x00", "text in UTF-8")]
)
def test_unreadable_file_is_an_input_error(
    tmp_path: Path, content: bytes | None, expected: str
) -> None:
    """A missing file or one in another encoding raises InputError naming the path."""
    path = tmp_path / "in.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_input_text(path)
    (problem,) = err.value.problems
    assert problem.file == str(path) and str(problem.expected).startswith(expected)


def test_bad_json_names_file_and_line() -> None:
    """Malformed JSON is refused with the file and the line of the fault."""
    with pytest.raises(InputError) as err:
        parse_json_text('{\n"a": 1,\n}', file="x.json")
    (problem,) = err.value.problems
    assert (problem.file, problem.row) == ("x.json", 3)
    assert str(problem.expected).startswith("valid JSON")
