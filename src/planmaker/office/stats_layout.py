"""Where everything is on a statistics form's sheet, and the metadata that records it.

The rows: title, 填报单位 and 统计时段, the two-row header, one row per line or
sub-line, the footer.  A very hidden sheet, ``_planmaker``, records the form and
where every number is, so that the figures can be collected later without
reading the layout:

* key/value rows from row 1 down to the first empty row (``format``,
  ``form_id``, ``sheet``, then the caller's ``meta`` in its order);
* then a header row ``line_id | column | cell | kind | decimals`` and one row per
  input or sum cell: ``column`` counts the spec's value columns from 0, ``cell``
  is a reference on the form sheet (``D7``), ``kind`` is ``input`` or ``sum``.

The workbook also carries the defined name ``planmaker_form`` = the spec's id.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from planmaker.inputs.models import StatsLine, StatsSpec

FORMAT = "planmaker-stats/1"
META_SHEET = "_planmaker"
DEFINED_NAME = "planmaker_form"
CELL_MAP_HEADER = ("line_id", "column", "cell", "kind", "decimals")
AUTHOR = "planmaker"

# Same faces as gbt9704 (not imported: that module pulls in python-docx).
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "宋体"
TITLE_PT = 16
BODY_PT = 10.5

TITLE_ROW, INFO_ROW, HEAD_ROW = 1, 2, 3
# Where the level below writes its name on a blank form (填报单位：[      ]).
UNIT_CELL = f"B{INFO_ROW}"


@dataclass(frozen=True)
class Cell:
    """One number of the form: which line, which value column, where, and how."""

    line_id: str
    column: int  # index into spec.columns, from 0
    ref: str  # on the form sheet, e.g. "D7"
    kind: str  # "input" or "sum"
    decimals: bool


@dataclass
class Row:
    number: int
    group: int
    line: StatsLine
    sub: StatsLine | None
    key: str
    first_in_line: bool
    decimals: bool = False
    sums: list[int] = field(default_factory=list)  # rows this 合计 row adds up

    @property
    def leaf(self) -> StatsLine:
        return self.sub or self.line


class Layout:
    """Where everything goes; pure arithmetic on the spec, no workbook."""

    def __init__(self, spec: StatsSpec):
        self.spec = spec
        self.has_subs = any(line.subs for g in spec.groups for line in g.lines)
        self.group_col, self.item_col = 1, 2
        self.sub_col = 3 if self.has_subs else None
        self.first_value = (self.sub_col or self.item_col) + 1
        self.value_cols = list(range(self.first_value, self.first_value + len(spec.columns)))
        self.unit_col = self.value_cols[-1] + 1 if spec.show_unit else None
        self.ncols = self.unit_col or self.value_cols[-1]
        self.label_cols = [c for c in (self.group_col, self.item_col, self.sub_col) if c]
        if len(spec.label_header) > len(self.label_cols):
            raise ValueError(f"统计表 {spec.id}：label_header 有 {len(spec.label_header)} 项，"
                             f"但只有 {len(self.label_cols)} 个标签列")
        self.head_rows = 2 if spec.value_header else 1
        self.first_data = HEAD_ROW + self.head_rows
        self.rows = self._rows()
        self.last_data = self.rows[-1].number if self.rows else self.first_data - 1
        self._resolve_sums()
        pairs = max(1, self.ncols // 2)
        self.footer_rows = [self.last_data + 2 + k for k in range(math.ceil(len(spec.footer) / pairs))]
        self.footer_cells = [  # (label, row, label column, input column)
            (label, self.last_data + 2 + k // pairs, 1 + 2 * (k % pairs), 2 + 2 * (k % pairs))
            for k, label in enumerate(spec.footer)
        ]
        self.last_row = self.footer_rows[-1] if self.footer_rows else self.last_data

    def _rows(self) -> list[Row]:
        rows, seen, number = [], set(), self.first_data
        for g, group in enumerate(self.spec.groups):
            for i, line in enumerate(group.lines):
                if line.subs and line.sum_of:
                    raise ValueError(f"统计表 {self.spec.id}：有子项的行 “{line.text}” 不能有 sum_of，请写在子项上")
                for k, sub in enumerate(line.subs or [None]):
                    entry = sub or line
                    key = entry.id or f"@{g + 1}.{i + 1}" + (f".{k + 1}" if sub else "")
                    if key in seen:
                        raise ValueError(f"统计表 {self.spec.id}：行 id “{key}” 重复")
                    seen.add(key)
                    rows.append(Row(number, g, line, sub, key, first_in_line=k == 0, decimals=entry.decimals))
                    number += 1
                if line.subs and line.id:
                    if line.id in seen:
                        raise ValueError(f"统计表 {self.spec.id}：行 id “{line.id}” 重复")
                    seen.add(line.id)
        return rows

    def _resolve_sums(self) -> None:
        """Each sum_of id names a row, or a line with subs (then all its sub rows)."""
        by_id: dict[str, list[Row]] = {}
        for row in self.rows:
            by_id.setdefault(row.key, []).append(row)
            if row.sub is not None and row.line.id:
                by_id.setdefault(row.line.id, []).append(row)
        for row in self.rows:
            for ref in row.leaf.sum_of:
                if ref not in by_id:
                    raise ValueError(f"统计表 {self.spec.id}：行 “{row.key}” 的合计引用了不存在的行 “{ref}”")
                for target in by_id[ref]:
                    if target.number not in row.sums:
                        row.sums.append(target.number)
        by_number = {row.number: row for row in self.rows}
        state: dict[int, int] = {}  # 1 visiting, 2 done

        def visit(row: Row) -> bool:  # returns decimals, raises on a cycle
            if state.get(row.number) == 1:
                raise ValueError(f"统计表 {self.spec.id}：合计行 “{row.key}” 直接或间接引用了自身")
            if state.get(row.number) != 2:
                state[row.number] = 1
                for n in row.sums:
                    row.decimals |= visit(by_number[n])
                state[row.number] = 2
            return row.decimals

        for row in self.rows:
            visit(row)

    def is_sum(self, row: Row) -> bool:
        return bool(row.leaf.sum_of)

    def cells(self) -> list[Cell]:
        return [
            Cell(row.key, k, f"{get_column_letter(col)}{row.number}",
                 "sum" if self.is_sum(row) else "input", row.decimals)
            for row in self.rows for k, col in enumerate(self.value_cols)
        ]

    def label_header_spans(self) -> list[tuple[str, int, int]]:
        """(text, first column, last column): all but the last header take one column."""
        header, cols = self.spec.label_header, self.label_cols
        spans = [(text, cols[k], cols[k]) for k, text in enumerate(header[:-1])]
        if header:
            spans.append((header[-1], cols[len(header) - 1], cols[-1]))
        return spans


def cell_map(spec: StatsSpec) -> list[Cell]:
    """Every input and sum cell of the form, in row then column order."""
    return Layout(spec).cells()


def sum_cells(spec: StatsSpec) -> dict[str, tuple[list[str], str]]:
    """Each 合计 cell → (the cells it adds up, its formula as written, with “=”)."""
    lay = Layout(spec)
    found = {}
    for row in lay.rows:
        if lay.is_sum(row):
            for col in lay.value_cols:
                letter = get_column_letter(col)
                found[f"{letter}{row.number}"] = ([f"{letter}{n}" for n in row.sums], sum_formula(letter, row.sums))
    return found



def sheet_title(spec: StatsSpec, title: str) -> str:
    """“…工作量化统计表二” → “统计表二”; the spec's id when the title has no 统计表."""
    at = title.rfind("统计表")
    name = re.sub(r"[\[\]:*?/\\']", "", title[at:]).strip()[:31] if at >= 0 else ""
    return name if name and name != META_SHEET else spec.id[:31]


def read_metadata(book) -> tuple[dict[str, str], list[Cell]]:
    """The key/value rows and the cell map of a workbook written by :func:`stats_workbook`."""
    meta: dict[str, str] = {}
    cells: list[Cell] = []
    rows = book[META_SHEET].iter_rows(values_only=True)
    for row in rows:
        if row[0] is None:
            break
        meta[str(row[0])] = "" if row[1] is None else str(row[1])
    for row in rows:
        if row[0] is None:
            continue
        if tuple(row[:5]) == CELL_MAP_HEADER:
            continue
        line_id, column, ref, kind, decimals = row[:5]
        cells.append(Cell(str(line_id), int(column), str(ref), str(kind), bool(decimals)))
    return meta, cells



def sum_formula(letter: str, rows: list[int]) -> str:
    """=SUM over the rows in one column, consecutive rows as a range."""
    parts, ordered = [], sorted(set(rows))
    start = prev = None
    for n in ordered + [None]:
        if start is not None and (n is None or n != prev + 1):
            parts.append(f"{letter}{start}" if start == prev else f"{letter}{start}:{letter}{prev}")
            start = None
        if n is not None and start is None:
            start = n
        prev = n
    return f"=SUM({','.join(parts)})"


