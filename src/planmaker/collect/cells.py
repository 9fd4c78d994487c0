"""What one input cell of a filled form may hold: a number the form allows, or
nothing.  Everything else is a problem to report with the cell, never a number
to sum: text, a date (typed into a count cell, stored as a day number), a
formula whose cached value is not what it computes, a figure too large to keep."""

from __future__ import annotations

import re
from decimal import Context, Decimal, DivisionByZero, InvalidOperation, Overflow

from planmaker.office import xlsx_read as xr

_FIFTEEN = Context(prec=15)  # the digits Excel and LibreOffice keep and show
TOO_LARGE = Decimal("1E15")  # no count or sum of money in a form has more digits
_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|\$?([A-Z]{1,3})\$?([0-9]{1,7})|([-+*/()]))")


def number(value: Decimal) -> Decimal:
    """A stored number as a spreadsheet shows it: 15 significant digits, so that
    Excel's ``0.30000000000000004`` is 0.3."""
    return _FIFTEEN.plus(value)


def number_text(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def describe(raw: xr.RawCell) -> str:
    if raw.kind == "s":
        text = str(raw.value)
        return f"文字 “{text[:20]}{'…' if len(text) > 20 else ''}”"
    if raw.kind == "b":
        return f"逻辑值 {xr.text_of(raw)}"
    if raw.kind == "e":
        return f"错误值 {raw.value}"
    if raw.kind == "d":
        return f"日期 {raw.value}（单元格格式为日期：填写的可能是日期，或数字被显示为日期）"
    return xr.text_of(raw)


def input_value(raw: xr.RawCell, decimals: bool, cells: dict[str, xr.RawCell] | None = None
                ) -> tuple[Decimal | None, str | None]:
    """(value or None for blank, problem or None)."""
    if raw.kind == "":
        if raw.formula is not None:
            return None, f"公式 “={raw.formula}” 没有计算结果（请在 Excel 或 LibreOffice 中打开、保存后再报送，或直接填写数字）"
        return None, None
    if raw.kind == "s" and not str(raw.value).strip() and raw.formula is None:
        return None, None
    if raw.kind != "n":
        return None, f"不是数字，而是{describe(raw)}"
    try:
        value = number(Decimal(raw.value))  # type: ignore[arg-type]  # kind "n" holds a Decimal
    except (Overflow, InvalidOperation):
        return None, f"{str(raw.value)[:40]} 超出范围，无法作为数字"
    if abs(value) >= TOO_LARGE:
        return None, f"{raw.value} 过大（超过 15 位数字，表格无法准确保存和计算），请核实"
    if raw.formula is not None:
        problem = _formula_problem(raw.formula, value, cells or {})
        if problem:
            return None, problem
    if value < 0:
        return None, f"{number_text(value)} 是负数（应为不小于 0 的数）"
    if not decimals and value != value.to_integral_value():
        return None, f"{number_text(value)} 不是整数（此项只能填写不小于 0 的整数）"
    return value, None


def _formula_problem(formula: str, cached: Decimal, cells: dict[str, xr.RawCell]) -> str | None:
    """A formula typed into an input cell is accepted when it is arithmetic on numbers and
    cells and its cached value is what it computes; else the cell is reported."""
    computed = evaluate(formula, cells)
    if computed is None:
        return (f"是公式 “={formula[:40]}”，无法核对其结果 {number_text(cached)}（请直接填写数字）")
    if number(computed) != cached:
        return (f"公式 “={formula[:40]}” 的结果应为 {number_text(number(computed))}，表中保存的却是 "
                f"{number_text(cached)}（缓存值与公式不符，请重新计算或直接填写数字）")
    return None


def evaluate(formula: str, cells: dict[str, xr.RawCell]) -> Decimal | None:
    """+ - * / and parentheses over numbers and numeric cells; None for anything else."""
    tokens: list[object] = []
    text, at = formula.strip().lstrip("="), 0
    while at < len(text):
        if len(tokens) > 200:  # no clerk types more; a crafted formula is not worked through
            return None
        match = _TOKEN.match(text, at)
        if not match or match.end() == at:
            return None
        at = match.end()
        if match.group(1):
            tokens.append(Decimal(match.group(1)))
        elif match.group(2):
            cell = cells.get(f"{match.group(2)}{match.group(3)}", xr.EMPTY)
            if cell.kind == "":
                tokens.append(Decimal(0))
            elif cell.kind == "n" and cell.formula is None:
                tokens.append(cell.value)
            else:
                return None
        elif match.group(4):
            tokens.append(match.group(4))
    try:
        result, rest = _sum(tokens)
    except (IndexError, TypeError, DivisionByZero, InvalidOperation, Overflow):
        return None
    return result if not rest else None


def _sum(tokens: list) -> tuple[Decimal, list]:
    value, tokens = _product(tokens)
    while tokens and tokens[0] in ("+", "-"):
        op, (right, tokens) = tokens[0], _product(tokens[1:])
        value = _FIFTEEN.add(value, right) if op == "+" else _FIFTEEN.subtract(value, right)
    return value, tokens


def _product(tokens: list) -> tuple[Decimal, list]:
    value, tokens = _unary(tokens)
    while tokens and tokens[0] in ("*", "/"):
        op, (right, tokens) = tokens[0], _unary(tokens[1:])
        value = _FIFTEEN.multiply(value, right) if op == "*" else _FIFTEEN.divide(value, right)
    return value, tokens


def _unary(tokens: list) -> tuple[Decimal, list]:
    head = tokens[0]
    if head == "-":
        value, rest = _unary(tokens[1:])
        return -value, rest
    if head == "+":
        return _unary(tokens[1:])
    if head == "(":
        value, rest = _sum(tokens[1:])
        if not rest or rest[0] != ")":
            raise IndexError
        return value, rest[1:]
    if isinstance(head, Decimal):
        return head, tokens[1:]
    raise TypeError
