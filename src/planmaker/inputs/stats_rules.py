"""A statistics form's validation rules (``rules:`` of its spec), in the manner of
DHIS2's: left side, operator, right side.

A side adds terms with ``+`` and ``-``; a term is

* a row's id (``licence-revoked``): that row, in each value column;
  a line with sub-lines (``prohibited-tech``) stands for the sum of its sub-lines;
* a value column's header, line breaks left out (``检查数量``): that column, in each row;
* one cell, ``row@column`` (``fines-total@其他社会办医疗机构``);
* a number (``0``, ``1.5``).

A rule over rows is checked once per value column, one over columns once per row,
one over cells once.  Rows and columns are not mixed in one rule (which row of a
column would be meant?).  Parsing needs only the spec; a form's cells are given
by the caller as ``(row key, column index) → "D7"``, so that the plan layer checks
the rules and the office and collect layers lay them out and evaluate them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from planmaker.inputs.models import StatsRule, StatsSpec

SYMBOLS = {"<=": "≤", "<": "＜", "=": "＝", ">=": "≥", ">": "＞", "!=": "≠"}
_SPLIT = re.compile(r"(\s*\+\s*|\s+-\s+)")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?\Z")


class RuleError(ValueError):
    """A rule that names no row, column or cell of its form; the message is for the user."""


@dataclass(frozen=True)
class Term:
    sign: int
    rows: tuple[str, ...] = ()  # row keys (a parent line: its sub-lines)
    column: int | None = None
    number: Decimal | None = None
    text: str = ""


# One side of a comparison: each part's sign and its cell refs, or a number.
Side = tuple[tuple[int, tuple[str, ...] | Decimal], ...]


@dataclass(frozen=True)
class Check:
    """One comparison of a rule, on concrete cells: ``left`` and ``right`` are
    (sign, cell refs or a number); ``at`` is the cell a broken check is reported on."""

    rule: StatsRule
    index: int
    left: Side
    right: Side
    at: str
    scope: str  # the row or column checked: “综合医院” / “二级以上公立医疗机构”

    @property
    def refs(self) -> set[str]:
        return {ref for side in (self.left, self.right) for _, part in side if isinstance(part, tuple) for ref in part}


def columns(spec: StatsSpec) -> dict[str, int]:
    return {c.replace("\n", ""): k for k, c in enumerate(spec.columns)}


def rows(spec: StatsSpec) -> dict[str, tuple[tuple[str, ...], str]]:
    """Each id a rule may name → (the row keys it stands for, its text)."""
    found: dict[str, tuple[tuple[str, ...], str]] = {}
    for g, group in enumerate(spec.groups):
        for i, line in enumerate(group.lines):
            keys = []
            for k, sub in enumerate(line.subs):
                key = sub.id or f"@{g + 1}.{i + 1}.{k + 1}"
                keys.append(key)
                if sub.id:
                    found[sub.id] = ((key,), f"{line.text}·{sub.text}")
            if line.id:
                found[line.id] = (tuple(keys) or (line.id,), line.text)
    return found


def parse_side(text: str, spec: StatsSpec) -> list[Term]:
    """The terms of one side.  Ids have hyphens: a minus that subtracts has a space on each side."""
    names, ids = columns(spec), rows(spec)
    pieces = _SPLIT.split(" " + text.strip() + " ")
    terms: list[Term] = []
    signs = ["+"] + pieces[1::2]
    for sign_text, raw in zip(signs, pieces[0::2]):
        word = raw.strip()
        if not word:
            raise RuleError(f"无法识别 “{text.strip()}”（写法：行 id、列名、行id@列名或数字，以 + 或 “ - ”（两边空格）相连）")
        sign = -1 if sign_text.strip() == "-" else 1
        if _NUMBER.match(word):
            terms.append(Term(sign, number=Decimal(word), text=word))
        elif "@" in word:
            row, _, column = (part.strip() for part in word.partition("@"))
            if row not in ids:
                raise RuleError(f"“{word}” 中的行 “{row}” 不存在（写行的 id）")
            if column not in names:
                raise RuleError(f"“{word}” 中的列 “{column}” 不存在（可用：{'、'.join(names)}）")
            terms.append(Term(sign, ids[row][0], names[column], text=f"{ids[row][1]}／{column}"))
        elif word in ids:
            terms.append(Term(sign, ids[word][0], text=ids[word][1]))
        elif word in names:
            terms.append(Term(sign, column=names[word], text=word))
        else:
            raise RuleError(f"“{word}” 既不是行的 id，也不是数值列（可用的列：{'、'.join(names)}）")
    return terms


def scope(terms: list[Term]) -> str:
    """“cell”, “row” (checked per column), “column” (checked per row) or “number”."""
    kinds = {("cell" if t.rows and t.column is not None else "row" if t.rows else
              "column" if t.column is not None else "number") for t in terms}
    kinds.discard("number")
    if len(kinds) > 1:
        raise RuleError("一条规则不能同时引用行和列（按行的规则在每一列检查，按列的规则在每一行检查）；"
                        "要比较具体的格，请写 行id@列名")
    return kinds.pop() if kinds else "number"


def rule_text(rule: StatsRule, spec: StatsSpec) -> str:
    if rule.text:
        return rule.text
    def side(text: str) -> str:
        return "".join(("－" if t.sign < 0 else ("＋" if k else "")) + t.text
                       for k, t in enumerate(parse_side(text, spec)))
    return f"{side(rule.left)} {SYMBOLS[rule.op]} {side(rule.right)}"


def check_rules(spec: StatsSpec) -> list[tuple[int, str]]:
    """(rule index, what is wrong) for each rule that cannot be checked."""
    problems = []
    for n, rule in enumerate(spec.rules):
        try:
            terms = parse_side(rule.left, spec) + parse_side(rule.right, spec)
            if scope(terms) == "number":
                raise RuleError("两侧都只有数字，没有引用表中的格")
        except RuleError as exc:
            problems.append((n, str(exc)))
    return problems


def expand(spec: StatsSpec, refs: dict[tuple[str, int], str], labels: dict[str, str]) -> list[Check]:
    """Every concrete comparison of the form's rules; ``refs``: (row key, column) → cell,
    ``labels``: row key → the row's text.  The rules are assumed checked."""
    checks = []
    row_keys = list(dict.fromkeys(key for key, _ in refs))
    for n, rule in enumerate(spec.rules):
        left, right = parse_side(rule.left, spec), parse_side(rule.right, spec)
        kind = scope(left + right)
        places: list[tuple[str | None, int | None, str]]
        if kind == "row":
            places = [(None, k, spec.columns[k].replace("\n", "")) for k in range(len(spec.columns))]
        elif kind == "column":
            places = [(key, None, labels.get(key, key)) for key in row_keys]
        else:
            places = [(None, None, "")]

        def side(terms: list[Term], row: str | None, column: int | None) -> Side:
            out: list[tuple[int, tuple[str, ...] | Decimal]] = []
            for t in terms:
                if t.number is not None:
                    out.append((t.sign, t.number))
                    continue
                keys = t.rows or ((row,) if row is not None else ())
                col = t.column if t.column is not None else column
                out.append((t.sign, tuple(refs[(key, col)] for key in keys if col is not None and (key, col) in refs)))
            return tuple(out)

        for row, column, where in places:
            lhs, rhs = side(left, row, column), side(right, row, column)
            at = next((cells[0] for _, cells in lhs if isinstance(cells, tuple) and cells), None) or next(
                (cells[0] for _, cells in rhs if isinstance(cells, tuple) and cells), "")
            checks.append(Check(rule, n, lhs, rhs, at, where))
    return checks


def value(side: Side, values: dict[str, Decimal]) -> Decimal:
    total = Decimal(0)
    for sign, part in side:
        amount = part if isinstance(part, Decimal) else sum((values.get(ref, Decimal(0)) for ref in part), Decimal(0))
        total += amount if sign > 0 else -amount
    return total


def holds(op: str, left: Decimal, right: Decimal) -> bool:
    try:
        return {"<=": left <= right, "<": left < right, "=": left == right, ">=": left >= right,
                ">": left > right, "!=": left != right}[op]
    except InvalidOperation:
        return False


def formula(side: Side, op: str | None = None) -> str:
    """A side as a spreadsheet formula (``D7+D8``); ``op`` maps to the spreadsheet's."""
    parts = []
    for sign, part in side:
        text = str(part) if isinstance(part, Decimal) else "+".join(part) or "0"
        parts.append(("-" if sign < 0 else "+") + (f"({text})" if "+" in text else text))
    return "".join(parts).lstrip("+") or "0"


SHEET_OPS = {"<=": "<=", "<": "<", "=": "=", ">=": ">=", ">": ">", "!=": "<>"}
