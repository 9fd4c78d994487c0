"""The budget a template renders under (plan/sandbox.py), and how the size of what an
operation would make is found before it is made: the arguments of repetition, padding,
format widths (written or taken from an argument), translate, list growth, and the length
of a value as printed, measured without printing it."""

from __future__ import annotations

import contextvars
import re
import time
from typing import Any

TIME_BUDGET = 3.0
MAX_ITERATIONS = 2_000_000
MAX_OUTPUT_CHARS = 2_000_000
MAX_EXPONENT = 100
MAX_INT_BITS = 4096
MAX_RECURSION = 200


class TemplateProblem(Exception):
    """A template that cannot be rendered, with a message for the user."""


class _Budget:
    __slots__ = ("deadline", "iterations", "depth", "limit", "made")

    def __init__(self, limit: int):
        self.deadline = time.monotonic() + TIME_BUDGET
        self.iterations = 0
        self.depth = 0
        self.limit = limit
        self.made = 0  # characters (or items) of the large values made so far


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("planmaker_template_budget", default=None)


def _current() -> _Budget:
    budget = _budget.get()
    # Outside a budget (a template rendered by other code): the limits, no clock.
    return budget if budget is not None else _Budget(MAX_OUTPUT_CHARS)


def _tick(steps: int = 1) -> None:
    budget = _current()
    budget.iterations += steps
    if budget.iterations > MAX_ITERATIONS:
        raise TemplateProblem(f"模板中的循环次数过多（超过 {MAX_ITERATIONS} 次），已停止")
    if time.monotonic() > budget.deadline:
        raise TemplateProblem(f"模板运行时间过长（超过 {TIME_BUDGET:g} 秒），已停止；请检查其中的循环和宏")


def _size(length: int, what: str) -> None:
    limit = _current().limit
    if length > limit:
        raise TemplateProblem(f"模板中的{what}产生的内容过长（超过 {limit} 字），已停止")


LARGE = 10_000  # a value this long counts towards what a rendering may make in all


def _check_value(value: Any, what: str) -> Any:
    if isinstance(value, (str, list, tuple, bytes, bytearray)):
        _size(len(value), what)
        if len(value) >= LARGE:
            # Each value is held to the limit; together, kept in variables or lists, the
            # large ones are held to twice the limit, so that memory stays bounded too.
            budget = _current()
            budget.made += len(value)
            if budget.made > 2 * budget.limit:
                raise TemplateProblem(f"模板中生成的大段内容累计过多（超过 {2 * budget.limit} 字），已停止")
    elif isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise TemplateProblem(f"模板中的{what}得到的数过大（超过 {MAX_INT_BITS} 位二进制），已停止")
    return value


def _length(value: Any) -> int:
    """How long ``value`` is as text, found without making the text (see _printed)."""
    return len(value) if isinstance(value, str) else _printed(value)


_SEQUENCES = (str, bytes, bytearray, list, tuple)


def _printed(value: Any, limit: int | None = None) -> int:
    """At least how long str(value) is, counted item by item and given up just past
    ``limit``: a list holding the same long list two million times is measured once
    per distinct list, not printed into gigabytes first.  A list nested too deep, or
    holding itself, counts as too long."""
    limit = _current().limit if limit is None else limit
    memo: dict[int, int] = {}

    def walk(item: Any, depth: int) -> int:
        if isinstance(item, str):
            return len(item) + 2
        if isinstance(item, (bytes, bytearray)):
            return 4 * len(item) + 3  # \xNN at worst
        if isinstance(item, bool) or item is None:
            return 5
        if isinstance(item, int):
            return item.bit_length() * 3 // 10 + 2
        if not isinstance(item, (list, tuple, set, frozenset, dict)):
            return 24  # a number, a date, an object: short as text
        key = id(item)
        if key in memo:
            return memo[key]
        if depth > MAX_RECURSION or len(item) > limit:
            return limit + 1
        memo[key] = limit + 1  # until measured: a list inside itself is too long
        total = 2
        for part in (item.items() if isinstance(item, dict) else item):
            total += walk(part, depth + 1) + 2
            if total > limit:
                break
        memo[key] = total
        return total

    return walk(value, 0)


def _ints(values) -> int:
    """The sum of the integers among ``values``: the widths a format string takes
    from its arguments ('{:{}}'.format('x', n), '%*s' % (n, 'x'))."""
    total = 0
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool):
            total += abs(value) if value.bit_length() < 64 else 10 ** 30
    return total


def _values(args: tuple, kwargs: dict) -> list:
    """The arguments of a formatting, a tuple or mapping given as one argument opened up."""
    found = list(args) + list(kwargs.values())
    for value in list(found):
        if isinstance(value, tuple):
            found.extend(value)
        elif isinstance(value, dict):
            found.extend(value.values())
    return found


def _formatted(text: str, args: tuple, kwargs: dict) -> int:
    """How long formatting ``text`` with these arguments can make it: its literal widths, its
    arguments as text, and, where a width is taken from an argument, every integer argument."""
    values = _values(args, kwargs)
    size = len(text) + _widths(text) + sum(_length(v) for v in values)
    if _ARGUMENT_WIDTH.search(text):
        size += _ints(values)
    return size


# Widths and precisions in printf-style and str.format-style format strings.
_PRINTF_WIDTH = re.compile(r"%[-+ #0]*(\d*)(?:\.(\d+))?[a-zA-Z]")
_FORMAT_WIDTH = re.compile(r"\{[^{}]*:[^{}\d]*(\d*)(?:\.(\d+))?[^{}]*\}")
# A width or precision given by an argument: '%*s', '%.*f', '{:{}}', '{0:>{1}}', '{:{w}}'.
_ARGUMENT_WIDTH = re.compile(r"%[-+ #0]*(?:\([^)]*\))?[-+ #0]*\*|%[-+ #0]*\d*\.\*|\{[^{}]*:[^{}]*\{")


def _widths(text: str) -> int:
    """The total of the widths and precisions in a format string."""
    total = 0
    for pattern in (_PRINTF_WIDTH, _FORMAT_WIDTH):
        for match in pattern.finditer(text):
            for number in match.groups():
                if number:
                    total += int(number) if len(number) < 30 else 10 ** 30
    return total


def _estimate(obj: Any, args: tuple, kwargs: dict) -> int | None:
    """How long the string a call will build could be, for the calls that can
    build a huge one from small arguments; None for any other call."""
    owner = getattr(getattr(obj, "__wrapped__", obj), "__self__", None)
    name = getattr(obj, "__name__", "")
    if isinstance(owner, (list, bytearray)) and name in ("extend", "append", "insert", "__iadd__"):
        # l.extend(l) in a loop doubles a list in a few steps, and returns None to hide it
        added = len(args[-1]) if args and name == "extend" and hasattr(args[-1], "__len__") else 1
        if len(owner) + added > MAX_ITERATIONS:
            raise TemplateProblem(f"模板中的列表过长（超过 {MAX_ITERATIONS} 项），已停止")
        return None
    if isinstance(owner, (str, bytes, bytearray)):
        text = owner
        if name in ("ljust", "rjust", "center", "zfill") and args:
            return max(len(text), int(args[0]) if isinstance(args[0], int) else 0)
        if name == "expandtabs":
            size = args[0] if args else kwargs.get("tabsize", 8)
            return len(text) * max(1, size if isinstance(size, int) else 1)
        if name == "replace" and len(args) >= 2:
            return _replaced(text, args[0], args[1], args[2] if len(args) > 2 else -1)
        if name == "join" and args:
            items = args[0]  # a list by now: call() makes it one
            _size(len(items), "join")
            return _total(items) + len(text) * len(items)
        if name in ("format", "format_map") and isinstance(text, str):
            return _formatted(text, args, kwargs)
        if name == "translate" and args:
            return len(text) * max(1, _longest(args[0]))
    return None


def _longest(table) -> int:
    """The longest replacement a translate table gives one character."""
    values: Any
    if isinstance(table, dict):
        values = table.values()
    elif isinstance(table, (list, tuple)):
        values = table
    else:
        return 1
    _size(len(values), "translate")
    return max((_length(v) for v in values if v is not None), default=1)


def _replaced_filter(args: list, kwargs: dict) -> int:
    """|replace(old, new[, count]): its value, old, new and count as the filter gets them."""
    text, old, new = (args + ["", "", ""])[:3]
    count = args[3] if len(args) > 3 else kwargs.get("count", -1)
    return _replaced(text, old, new, count)


def _replaced(text, old, new, count=-1) -> int:
    text, old, new = str(text), str(old), str(new)
    times = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    return len(text) + times * max(0, len(new) - len(old))


def _total(items) -> int:
    """The lengths of ``items`` as text, added until they pass the limit."""
    limit = _current().limit
    total = 0
    for item in items:
        total += _length(item)
        if total > limit:
            break
    return total
