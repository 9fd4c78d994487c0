"""One sandbox policy for every template planmaker runs: the Jinja text of
campaign.yaml (plan/templating.py) and the .docx templates of annexes
(office/docx_render.py).

Campaigns travel by e-mail and USB stick.  Beyond Jinja's sandbox (no Python
internals), a template here has a budget it cannot exceed, however it is
written:

* time: TIME_BUDGET seconds per rendering, checked at every loop step, call,
  operator and piece of output;
* loop iterations: MAX_ITERATIONS per rendering, nested loops counted together,
  loops that print nothing included;
* output: MAX_OUTPUT_CHARS per rendering, checked as it is produced, and every
  string any operation builds is held to the same size *before* it is built
  ('x' * 10**9, s|replace(...), '{:>999999999}'.format(x), lipsum(10**6));
* numbers: exponents and integer sizes bounded (9**(9**9));
* recursion: macros calling themselves run out of depth with a message.

A template over budget raises TemplateProblem, with a message in Chinese.
"""

from __future__ import annotations

import contextvars
import re
import time
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

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


def _safe_range(*args: Any):
    """range(), counted as a loop as it is used."""
    if any(not isinstance(a, int) for a in args):
        raise TemplateProblem("range() 的参数应为整数")
    numbers = range(*args)
    if len(numbers) > MAX_ITERATIONS:
        raise TemplateProblem(f"模板中的 range() 过大（{len(numbers)} 项，上限 {MAX_ITERATIONS}）")
    return _Counted(numbers)


class _Counted:
    """An iterable whose every step counts against the budget."""

    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items

    def __iter__(self):
        for number, item in enumerate(self.items):
            if number % 256 == 0:
                _tick(256)
            yield item

    def __len__(self):
        return len(self.items)


def _loop(iterable):
    """What every {% for %} iterates over (see _Sandbox._parse)."""
    if isinstance(iterable, (jinja2.Undefined, _Counted)):
        return iterable
    if isinstance(iterable, (dict, str, list, tuple, set, frozenset, range)) or hasattr(iterable, "__iter__"):
        return _Counted(iterable)
    return iterable  # not iterable: let Jinja report it


def _join(*parts) -> str:
    """The ~ operator: its result held to the budget before it is built."""
    _size(sum(map(_length, parts)), "连接（~）")
    return "".join(str(p) if not isinstance(p, str) else p for p in parts)


def _finalize(value: Any) -> Any:
    """Every {{ value }}, measured before it becomes text."""
    if isinstance(value, (list, tuple, dict, set, frozenset, bytes, bytearray)):
        _size(_length(value), "输出")
    return value


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    if not all(isinstance(v, int) for v in (n, min, max)) or n > 100 or max > 1000 or min > max:
        raise TemplateProblem("lipsum() 的参数过大（段数上限 100，每段词数上限 1000）")
    from jinja2.utils import generate_lorem_ipsum

    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


# Filters that can make a huge string from small input are checked before they
# run; every filter's result is checked after.
def _guarded_filters(filters: dict) -> dict:
    checked = dict(filters)

    def wrap(name, estimate=None):
        original = filters[name]

        def guarded(*args, **kwargs):
            _tick()
            if name == "join":
                args = tuple(_materialized(a) if _iterable(a) else a for a in args[:2]) + args[2:]
            if estimate is not None:
                _size(estimate(*args, **kwargs), f"过滤器 {name}")
            return _check_value(original(*args, **kwargs), f"过滤器 {name}")

        if hasattr(original, "jinja_pass_arg"):  # pass_context, pass_eval_context, pass_environment
            guarded.__dict__["jinja_pass_arg"] = original.jinja_pass_arg
        checked[name] = guarded

    def _text(args):
        # pass_eval_context / pass_environment filters get that first
        return [a for a in args if not isinstance(a, (jinja2.nodes.EvalContext, jinja2.Environment))]

    estimates = {
        "replace": lambda *a, **k: _replaced_filter(_text(a), k),
        "center": lambda *a, **k: max(_length(_text(a)[0]), _int(_text(a)[1:2], k.get("width", 80))),
        "indent": lambda *a, **k: _length(_text(a)[0]) * (1 + _int(_text(a)[1:2], k.get("width", 4))),
        "format": lambda *a, **k: _formatted(str(_text(a)[0]), tuple(_text(a)[1:]), k),
        "string": lambda *a, **k: _length(_text(a)[0]),
        "pprint": lambda *a, **k: 2 * _length(_text(a)[0]),
        "tojson": lambda *a, **k: 6 * _length(_text(a)[0]),
        "sum": lambda *a, **k: _summed(_text(a), k),
        "list": lambda *a, **k: _length(_text(a)[0]) if isinstance(_text(a)[0], (str, list, tuple)) else 0,
        "wordwrap": lambda *a, **k: 2 * _length(_text(a)[0]),
        "join": lambda *a, **k: _joined(_text(a), k),
        "truncate": lambda *a, **k: _length(_text(a)[0]),
    }
    for name in filters:
        wrap(name, estimates.get(name))
    return checked


def _iterable(value) -> bool:
    return not isinstance(value, (str, jinja2.Undefined, jinja2.nodes.EvalContext, jinja2.Environment)) \
        and hasattr(value, "__iter__")


def _materialized(items) -> list:
    result = []
    for item in items:
        result.append(item)
        if len(result) % 256 == 0:
            _tick(256)
        if len(result) > MAX_ITERATIONS:
            raise TemplateProblem(f"模板中的序列过长（超过 {MAX_ITERATIONS} 项），已停止")
    return result


def _int(given: list, default: int) -> int:
    value = given[0] if given else default
    return value if isinstance(value, int) else (10 ** 30 if isinstance(value, str) and len(value) > 30 else 0)


def _summed(args: list, kwargs: dict) -> int:
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


def _joined(args: list, kwargs: dict) -> int:
    items = args[0]
    if isinstance(items, (str, jinja2.Undefined)):
        return _length(items)
    items = list(items)
    _size(len(items), "join")
    separator = args[1] if len(args) > 1 else kwargs.get("d", "")
    return _total(items) + _length(separator) * len(items)


def _total(items) -> int:
    """The lengths of ``items`` as text, added until they pass the limit."""
    limit = _current().limit
    total = 0
    for item in items:
        total += _length(item)
        if total > limit:
            break
    return total


class BoundedTemplate(jinja2.Template):
    def render(self, *args: Any, **kwargs: Any) -> str:
        if _budget.get() is not None:
            return bounded_text(self.generate(*args, **kwargs))
        with budget():
            return bounded_text(self.generate(*args, **kwargs))


def bounded_text(chunks) -> str:
    """The rendered text, stopping as soon as it grows past the budget."""
    parts: list[str] = []
    size = 0
    limit = _current().limit
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise TemplateProblem(f"模板生成的文字过长（超过 {limit} 字），已停止")
        if len(parts) % 64 == 0:
            _tick()
        parts.append(chunk)
    return "".join(parts)


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox with the budget above."""

    template_class = BoundedTemplate
    intercepted_binops = frozenset({"*", "**", "+", "%", "//", "/"})

    def __init__(self, **options: Any):
        options.setdefault("finalize", _finalize)
        super().__init__(**options)
        self.globals.update(range=_safe_range, lipsum=_lipsum, _planmaker_loop=_loop, _planmaker_join=_join)
        self.filters = _guarded_filters(self.filters)

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.Name("_planmaker_loop", "load"), [loop.iter], [], None, None,
                                   lineno=loop.lineno)
        for concat in list(tree.find_all(nodes.Concat)):
            call = nodes.Call(nodes.Name("_planmaker_join", "load"), concat.nodes, [], None, None,
                              lineno=concat.lineno)
            _replace(tree, concat, call)
        tree.set_environment(self)
        return tree

    def call_binop(self, context, operator, left, right):
        _tick()
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise TemplateProblem(f"模板中的乘方指数过大（{right}，上限 {MAX_EXPONENT}）")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, _SEQUENCES) and isinstance(count, int):
                    _size(len(sequence) * count, "重复（*）")
                    if not isinstance(sequence, str) and len(sequence) * count > MAX_ITERATIONS:
                        raise TemplateProblem(f"模板中的重复（*）产生的序列过长（超过 {MAX_ITERATIONS} 项），已停止")
            if isinstance(left, int) and isinstance(right, int):
                if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                    raise TemplateProblem(f"模板中的乘法得到的数过大（超过 {MAX_INT_BITS} 位二进制），已停止")
        if operator == "+" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            _size(len(left) + len(right), "相加（+）")
        if operator == "%" and isinstance(left, (str, bytes)):
            text = left if isinstance(left, str) else left.decode("latin-1")
            _size(_formatted(text, (right,), {}), "格式化（%）")
        return _check_value(super().call_binop(context, operator, left, right), f"运算（{operator}）")

    def call(__self, __context, __obj, *args, **kwargs):
        budget = _current()
        _tick()
        if getattr(__obj, "__name__", "") == "join" and args and not isinstance(args[0], str):
            args = (_materialized(args[0]), *args[1:])  # measured, then joined: a generator runs once
        estimate = _estimate(__obj, args, kwargs)
        if estimate is not None:
            _size(estimate, f"{getattr(__obj, '__name__', '调用')}()")
        budget.depth += 1
        try:
            if budget.depth > MAX_RECURSION:
                raise TemplateProblem(f"模板中的宏或调用嵌套过深（超过 {MAX_RECURSION} 层），可能是宏在调用自身")
            return _check_value(super().call(__context, __obj, *args, **kwargs), "调用")
        finally:
            budget.depth -= 1


def _replace(tree: nodes.Node, old: nodes.Node, new: nodes.Node) -> None:
    for node in tree.find_all(nodes.Node):
        for field in node.fields:
            value = getattr(node, field, None)
            if value is old:
                setattr(node, field, new)
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if item is old:
                        value[index] = new


class budget:
    """A rendering's budget, as a context manager: every template rendered
    inside shares it (``limit``: the most characters it may produce)."""

    def __init__(self, limit: int = MAX_OUTPUT_CHARS):
        self.limit = limit

    def __enter__(self):
        self._token = _budget.set(_Budget(self.limit))
        return self

    def __exit__(self, *exc_info):
        _budget.reset(self._token)
