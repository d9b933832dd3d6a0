"""Input problems: every bad value reported at once, with file, row and field."""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.i18n import Lang, Text


@dataclass(frozen=True)
class InputProblem:
    """One bad value in an input file.

    ``row`` is the 1-based line number in the file as a spreadsheet shows it
    (the header is row 1), or None for a problem with the whole file.
    ``column`` names the field: a header or keyword as written in the file
    (a plain string), or a description such as "capacity of site 3" in both
    languages (:class:`Text`). ``expected`` says what would be valid, in both
    languages; a plain string is kept for text that needs no translation.
    """

    file: str
    row: int | None
    column: Text | str
    value: str
    expected: Text | str

    def __str__(self) -> str:
        return self.line("en")

    def expected_in(self, lang: Lang) -> str:
        """Return what was expected, in ``lang`` when the reader wrote both languages."""
        return self.expected.pick(lang) if isinstance(self.expected, Text) else self.expected

    def column_in(self, lang: Lang) -> str:
        """Return the field's name, in ``lang`` when it is a description in both languages."""
        return self.column.pick(lang) if isinstance(self.column, Text) else self.column

    def line(self, lang: Lang) -> str:
        """Return the problem as one sentence in ``lang``: file, row, column, value, expected."""
        expected = self.expected_in(lang)
        column = self.column_in(lang)
        if lang == "zh":
            where = self.file if self.row is None else f"{self.file}，第 {self.row} 行"
            col = f"，列 {column!r}" if column else ""
            val = f"：值为 {self.value!r}" if self.value != "" else ""
            return f"{where}{col}{val}；应为 {expected}"
        where = self.file if self.row is None else f"{self.file}, row {self.row}"
        col = f", column {column!r}" if column else ""
        val = f": got {self.value!r}" if self.value != "" else ""
        return f"{where}{col}{val}; expected {expected}"


class InputError(ValueError):
    """Bad input: carries every problem found, so the user fixes them in one go."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
