"""A paragraph of a received document, and the refusal to import one."""

from __future__ import annotations

from dataclasses import dataclass


class ImportRefused(Exception):
    """The file cannot be imported; the message tells the clerk why, in Chinese."""


@dataclass
class Para:
    line: int
    text: str
    cells: tuple[str, ...] = ()       # a table row: its cells
    table: int = 0                    # which table of the document (1, 2, …) for a row
    indented: bool = False            # a text line that began with a tab (a table cell pasted as text)
    cell_lines: tuple[str, ...] = ()  # a table row's cells with their own line breaks (a Word cell's paragraphs)
