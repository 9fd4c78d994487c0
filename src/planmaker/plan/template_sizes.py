"""What an operation in a template would make, found from its arguments before it is made: the
length of a value printed, of a string formatted, padded, replaced or translated, of a list repeated,
joined or summed (plan/sandbox.py holds each to the budget with these figures).  A value here is anything
a template's context holds or its expressions make: typed ``object`` and narrowed before it is measured."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence, Sized
from typing import TypeGuard, TypeVar, cast

import jinja2

from planmaker.plan.template_budget import MAX_ITERATIONS, MAX_RECURSION, TemplateProblem, _current, _size, _tick

T = TypeVar("T")


def _length(value: object) -> int:
    """How long ``value`` is as text, found without making the text (see _printed)."""
    return len(value) if isinstance(value, str) else _printed(value)


_SEQUENCES = (str, bytes, bytearray, list, tuple)


def _printed(value: object, limit: int | None = None) -> int:
    """At least how long str(value) is, counted item by item and given up just past
    ``limit``: a list holding the same long list two million times is measured once
    per distinct list, not printed into gigabytes first.  A list nested too deep, or
    holding itself, counts as too long."""
    limit = _current().limit if limit is None else limit
    memo: dict[int, int] = {}

    def walk(item: object, depth: int) -> int:
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


def _ints(values: Iterable[object]) -> int:
    """The sum of the integers among ``values``: the widths a format string takes
    from its arguments ('{:{}}'.format('x', n), '%*s' % (n, 'x'))."""
    total = 0
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool):
            total += abs(value) if value.bit_length() < 64 else 10 ** 30
    return total


def _values(args: tuple[object, ...], kwargs: Mapping[str, object]) -> list[object]:
    """The arguments of a formatting, a tuple or mapping given as one argument opened up."""
    found = list(args) + list(kwargs.values())
    for value in list(found):
        if isinstance(value, tuple):
            found.extend(value)
        elif isinstance(value, dict):
            found.extend(value.values())
    return found


def _formatted(text: str, args: tuple[object, ...], kwargs: Mapping[str, object]) -> int:
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


def _estimate(obj: object, args: tuple[object, ...], kwargs: Mapping[str, object]) -> int | None:
    """How long the string a call will build could be, for the calls that can
    build a huge one from small arguments; None for any other call."""
    owner = getattr(getattr(obj, "__wrapped__", obj), "__self__", None)
    name = getattr(obj, "__name__", "")
    if isinstance(owner, (list, bytearray)) and name in ("extend", "append", "insert", "__iadd__"):
        # l.extend(l) in a loop doubles a list in a few steps, and returns None to hide it
        added = len(args[-1]) if args and name == "extend" and isinstance(args[-1], Sized) else 1
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
        if name == "join" and args and isinstance(args[0], Collection):
            items = args[0]  # a list by now (call() makes it one), or a str
            _size(len(items), "join")
            return _total(items) + len(text) * len(items)
        if name in ("format", "format_map") and isinstance(text, str):
            return _formatted(text, args, kwargs)
        if name == "translate" and args:
            return len(text) * max(1, _longest(args[0]))
    return None


def _longest(table: object) -> int:
    """The longest replacement a translate table gives one character."""
    values: Collection[object]
    if isinstance(table, dict):
        values = table.values()
    elif isinstance(table, (list, tuple)):
        values = table
    else:
        return 1
    _size(len(values), "translate")
    return max((_length(v) for v in values if v is not None), default=1)


def _replaced_filter(args: list[object], kwargs: Mapping[str, object]) -> int:
    """|replace(old, new[, count]): its value, old, new and count as the filter gets them."""
    text, old, new = (args + ["", "", ""])[:3]
    count = args[3] if len(args) > 3 else kwargs.get("count", -1)
    return _replaced(text, old, new, count)


def _replaced(text: object, old: object, new: object, count: object = -1) -> int:
    text, old, new = str(text), str(old), str(new)
    times = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    return len(text) + times * max(0, len(new) - len(old))


def _iterable(value: object) -> TypeGuard[Iterable[object]]:
    return not isinstance(value, (str, jinja2.Undefined, jinja2.nodes.EvalContext, jinja2.Environment)) \
        and hasattr(value, "__iter__")


def _materialized(items: Iterable[T]) -> list[T]:
    result: list[T] = []
    for item in items:
        result.append(item)
        if len(result) % 256 == 0:
            _tick(256)
        if len(result) > MAX_ITERATIONS:
            raise TemplateProblem(f"模板中的序列过长（超过 {MAX_ITERATIONS} 项），已停止")
    return result


def _int(given: Sequence[object], default: int) -> int:
    value = given[0] if given else default
    return value if isinstance(value, int) else (10 ** 30 if isinstance(value, str) and len(value) > 30 else 0)


def _summed(args: Sequence[object], kwargs: Mapping[str, object]) -> int:
    """|sum of lists or strings adds them up: as long as all of them together."""
    items = args[0]
    if isinstance(items, (str, jinja2.Undefined)) or not _iterable(items):
        return 0
    total = _length(kwargs.get("start", args[2] if len(args) > 2 else 0))
    for item in _materialized(items):
        if isinstance(item, (str, list, tuple)):
            total += len(item)
            if total > MAX_ITERATIONS:  # a list that long is refused whatever the text budget
                raise TemplateProblem(f"模板中的 sum 产生的序列过长（超过 {MAX_ITERATIONS} 项），已停止")
    return total


def _joined(args: Sequence[object], kwargs: Mapping[str, object]) -> int:
    given = args[0]
    if isinstance(given, (str, jinja2.Undefined)):
        return _length(given)
    # not iterable: list() raises TypeError here, before the filter would
    items = list(cast("Iterable[object]", given))
    _size(len(items), "join")
    separator = args[1] if len(args) > 1 else kwargs.get("d", "")
    return _total(items) + _length(separator) * len(items)


def _total(items: Iterable[object]) -> int:
    """The lengths of ``items`` as text, added until they pass the limit."""
    limit = _current().limit
    total = 0
    for item in items:
        total += _length(item)
        if total > limit:
            break
    return total
