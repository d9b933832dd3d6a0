"""Typed access to the fields of a JSON document, reporting every bad one by its path.

The JSON readers (instance, solution) go through :class:`JsonFields` so that
a damaged file is refused with one :class:`~optimizer.io.errors.InputProblem`
per bad field, named by its JSON path (``routes[0].visits[2].kind``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from optimizer.i18n import Text
from optimizer.io.errors import InputProblem

#: Marks an absent field, distinct from JSON null.
MISSING: Any = object()

# What fields hold, in both languages.
NUMBER = Text("a finite number", "有限的数")
INTEGER = Text("an integer", "整数")
STRING = Text("a string", "字符串")
OBJECTS = Text("a list of objects", "对象列表")
_MISSING_FIELD = Text(" (the field is missing)", "（缺少此字段）")


def field_path(where: str, key: str) -> str:
    """Return the JSON path of field ``key`` of the object at path ``where`` ("" for the root)."""
    return f"{where}.{key}" if where else key


def is_number(value: Any) -> bool:
    """Return whether ``value`` is a finite JSON number (booleans are not numbers)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_int(value: Any) -> bool:
    """Return whether ``value`` is a JSON integer (booleans are not integers)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_str(value: Any) -> bool:
    """Return whether ``value`` is a JSON string."""
    return isinstance(value, str)


def is_list_of_objects(value: Any) -> bool:
    """Return whether ``value`` is a JSON list of objects."""
    return isinstance(value, list) and all(isinstance(x, dict) for x in value)


def is_member(enum: type[StrEnum]) -> Callable[[Any], bool]:
    """Return a check that a value is the text of a member of ``enum``."""
    values = {m.value for m in enum}
    return lambda v: isinstance(v, str) and v in values


class JsonFields:
    """Read typed fields of the JSON document from ``file``, collecting ``problems``."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[InputProblem] = []

    def report(self, where: str, value: object, expected: Text | str) -> None:
        """Record that the field at path ``where`` holds ``value`` instead of ``expected``."""
        shown = "" if value is MISSING else json.dumps(value, ensure_ascii=False)[:80]
        self.problems.append(InputProblem(self.file, None, where, shown, expected))

    def get(
        self,
        obj: Mapping[str, Any],
        where: str,
        key: str,
        check: Callable[[Any], bool],
        expected: Text | str,
        default: Any = MISSING,
    ) -> Any:
        """Return field ``key`` of ``obj`` if it passes ``check``, else report it and return None.

        An absent field gives ``default`` when one is given; with ``default=None``
        an explicit JSON null is accepted too.
        """
        value = obj.get(key, default)
        if value is MISSING:
            missing = (
                expected + _MISSING_FIELD
                if isinstance(expected, Text)
                else f"{expected}{_MISSING_FIELD.en}"
            )
            self.report(field_path(where, key), MISSING, missing)
            return None
        if value is None and default is None:
            return None
        if not check(value):
            self.report(field_path(where, key), value, expected)
            return None
        return value

    def number(self, obj: Mapping[str, Any], where: str, key: str) -> float:
        """Return a required finite number, or 0.0 after reporting it."""
        value = self.get(obj, where, key, is_number, NUMBER)
        return 0.0 if value is None else value

    def integer(self, obj: Mapping[str, Any], where: str, key: str) -> int:
        """Return a required integer, or 0 after reporting it."""
        value = self.get(obj, where, key, is_int, INTEGER)
        return 0 if value is None else value

    def text(self, obj: Mapping[str, Any], where: str, key: str) -> str:
        """Return a required string, or "" after reporting it."""
        value = self.get(obj, where, key, is_str, STRING)
        return "" if value is None else value

    def objects(self, obj: Mapping[str, Any], where: str, key: str) -> list[dict[str, Any]]:
        """Return a required list of objects, or [] after reporting it."""
        value = self.get(obj, where, key, is_list_of_objects, OBJECTS)
        return [] if value is None else value
