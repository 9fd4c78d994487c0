"""Errors a user can act on: each names the file, the line and the field."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def field_path(loc: tuple) -> str:
    """("groups", 0, "items") → groups[1].items: a field as the user counts it."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + str(part)
    return text


@dataclass
class Problem:
    """One thing wrong with the user's input, located as precisely as we can."""

    message: str
    file: Path | str | None = None
    line: int | None = None
    field: str | None = None
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.line:
            where.append(f"第{self.line}行")
        if self.field:
            where.append(f"字段 {self.field}")
        prefix = "，".join(where)
        label = "警告" if self.severity == "warning" else "错误"
        return f"{label}：{prefix}：{self.message}" if prefix else f"{label}：{self.message}"


@dataclass
class InputError(Exception):
    """Raised when input cannot be used; carries every problem found."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def single(cls, message: str, file=None, line=None, field=None) -> InputError:
        return cls([Problem(message, file, line, field)])
