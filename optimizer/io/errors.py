"""Input problems: every bad value reported at once, with file, row and field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputProblem:
    """One bad value in an input file.

    ``row`` is the 1-based line number in the file as a spreadsheet shows it
    (the header is row 1), or None for a problem with the whole file.
    """

    file: str
    row: int | None
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}, row {self.row}"
        col = f", column {self.column!r}" if self.column else ""
        val = f": got {self.value!r}" if self.value != "" else ""
        return f"{where}{col}{val}; expected {self.expected}"


class InputError(ValueError):
    """Bad input: carries every problem found, so the user fixes them in one go."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
