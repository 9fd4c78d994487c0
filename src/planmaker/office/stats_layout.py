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

Every text below the title rows (headers, group and line names, units, the footer's labels) is a
``Label`` the layout places: the workbook is written from them, and ``collect`` checks that a filled
form has each one where the layout puts it, without rendering a form.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

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
# column widths in Excel's units (a digit of Calibri 11, 7 px, and 5 px of padding a column)
VALUE_WIDTH, UNIT_WIDTH = 15.0, 9.0
MIN_VALUE_WIDTH = 8.0  # three characters of a header a line, a five-digit figure
SIDE_MARGIN_IN = 0.6
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


@dataclass(frozen=True)
class Label:
    """A text of the form below its title rows, from (row, col) to (last_row, last_col) when merged;
    ``part`` (head, value_head, column, unit_head, group, item, sub, unit, footer) says how it looks."""

    part: str
    row: int
    col: int
    text: str
    last_row: int
    last_col: int

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"


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

    # ------------------------------------------------------------ sizes and labels

    @property
    def widths(self) -> dict[int, float]:
        """Each column's width, in Excel's units."""
        return self._sizes[0]

    @property
    def landscape(self) -> bool:
        return self._sizes[1]

    @cached_property
    def _sizes(self) -> tuple[dict[int, float], bool]:
        """The columns' widths and whether the form is turned: the label columns as wide as their
        texts, the value columns as wide as the seed's, narrower where more of them would not fit
        the page (fit-to-width would print all the text smaller); turned when even at their
        narrowest they would not fit it upright."""
        spec = self.spec
        widths = {self.group_col: 12.0}
        spanning = [text_units(line.text) for g in spec.groups for line in g.lines if not line.subs]
        parents = [text_units(line.text) for g in spec.groups for line in g.lines if line.subs]
        span = min(44.0, max(16.0, max(spanning + parents + [0]) + 2))
        if self.sub_col:
            subs = [text_units(s.text) for g in spec.groups for line in g.lines for s in line.subs]
            widths[self.sub_col] = min(16.0, max(8.0, max(subs) + 2))
            widths[self.item_col] = max(span - widths[self.sub_col], min(20.0, max(parents) + 2))
        else:
            widths[self.item_col] = span
        labels = {**widths, **({self.unit_col: UNIT_WIDTH} if self.unit_col else {})}
        landscape = spec.landscape or self._share(labels, False) < MIN_VALUE_WIDTH
        value = max(MIN_VALUE_WIDTH, min(VALUE_WIDTH, self._share(labels, landscape)))
        for col in self.value_cols:
            widths[col] = value
        if self.unit_col:
            widths[self.unit_col] = UNIT_WIDTH
        return widths, landscape

    def _share(self, labels: dict[int, float], landscape: bool) -> float:
        """Each value column's width when they share what the label columns leave of the page."""
        from planmaker.office import xlsx_print  # here: it pulls in python-docx, which reading a form needs not

        count = len(self.value_cols)
        columns = len(labels) + count
        printable = xlsx_print.units_within((xlsx_print.PAGE_IN[landscape][0] - 2 * SIDE_MARGIN_IN) * 96, columns)
        return math.floor((printable - sum(labels.values())) / count * 10) / 10

    def header_labels(self) -> list[Label]:
        """The header rows: the label columns' headers, the value columns' (broken between their
        words where the column is too narrow: 二级以上/公立/医疗机构) and the unit column's."""
        from planmaker.office import xlsx_print
        from planmaker.office.cell_text import header_lines

        bottom = HEAD_ROW + self.head_rows - 1
        spans = self.label_header_spans() or [("", self.label_cols[0], self.label_cols[-1])]
        found = [Label("head", HEAD_ROW, first, text, bottom, last) for text, first, last in spans]
        if self.spec.value_header:
            found.append(Label("value_head", HEAD_ROW, self.value_cols[0], self.spec.value_header, HEAD_ROW,
                               self.value_cols[-1]))
        for col, text in zip(self.value_cols, self.spec.columns):
            text = "\n".join(header_lines(text, xlsx_print.width_mm(self.widths[col]) - 2, BODY_PT))
            found.append(Label("column", bottom, col, text, bottom, col))
        if self.unit_col:
            found.append(Label("unit_head", HEAD_ROW, self.unit_col, "单位", bottom, self.unit_col))
        return found

    def group_labels(self) -> list[Label]:
        """Each group's name, over all its rows."""
        found = []
        for g, group in enumerate(self.spec.groups):
            rows = [r.number for r in self.rows if r.group == g]
            if rows:
                found.append(Label("group", rows[0], self.group_col, group.name, rows[-1], self.group_col))
        return found

    def line_labels(self, row: Row) -> list[Label]:
        """A row's line (across the sub-line column when it has none; over its sub-lines' rows when
        it has them, on the first) and its sub-line."""
        if row.sub is None:
            last_col = self.sub_col or self.item_col
            return [Label("item", row.number, self.item_col, row.line.text, row.number, last_col)]
        found = []
        if row.first_in_line:
            last = max(r.number for r in self.rows if r.line is row.line)
            found.append(Label("item", row.number, self.item_col, row.line.text, last, self.item_col))
        assert self.sub_col is not None  # a row with a sub-line has its column
        found.append(Label("sub", row.number, self.sub_col, row.sub.text, row.number, self.sub_col))
        return found

    def unit_label(self, row: Row) -> Label | None:
        if not self.unit_col:
            return None
        return Label("unit", row.number, self.unit_col, row.leaf.unit or self.spec.default_unit, row.number,
                     self.unit_col)

    def footer_labels(self) -> list[Label]:
        return [Label("footer", row, col, label, row, col) for label, row, col, _ in self.footer_cells]

    def labels(self) -> list[Label]:
        """Every label below the title rows, in the order the workbook writes them."""
        body = [label for row in self.rows
                for label in (*self.line_labels(row), *filter(None, [self.unit_label(row)]))]
        return self.header_labels() + self.group_labels() + body + self.footer_labels()

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


def text_units(text: str, size: float = BODY_PT) -> float:
    """Approximate width in Excel column units (one unit ≈ 7 px, a digit of Calibri 11)."""
    full = size * 96 / 72 / 7  # a CJK character is as wide as the font is high
    return sum(full if unicodedata.east_asian_width(ch) in "WF" else full * 0.55 for ch in text)


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


