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

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence, Sized
from contextvars import Token
from typing import Any, Generic, TypeVar, cast

import jinja2
from jinja2 import nodes
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from planmaker.plan.template_budget import (
    LARGE,
    MAX_EXPONENT,
    MAX_INT_BITS,
    MAX_ITERATIONS,
    MAX_OUTPUT_CHARS,
    MAX_RECURSION,
    TIME_BUDGET,
    TemplateProblem,
    _Budget,
    _budget,
    _check_value,
    _current,
    _size,
    _tick,
)
from planmaker.plan.template_sizes import (
    _SEQUENCES,
    _estimate,
    _formatted,
    _int,
    _iterable,
    _joined,
    _length,
    _materialized,
    _replaced_filter,
    _summed,
)

# The sandbox, the budget, the problem a template over it raises, and the limits (template_budget.py holds them).
__all__ = ["LARGE", "MAX_EXPONENT", "MAX_INT_BITS", "MAX_ITERATIONS", "MAX_OUTPUT_CHARS", "MAX_RECURSION", "TIME_BUDGET",
           "BoundedTemplate", "Sandbox", "TemplateProblem", "bounded_text", "budget"]

T = TypeVar("T")


def _safe_range(*args: object) -> _Counted[int]:
    """range(), counted as a loop as it is used."""
    ints = [a for a in args if isinstance(a, int)]
    if len(ints) != len(args):
        raise TemplateProblem("range() 的参数应为整数")
    numbers = range(*ints)
    if len(numbers) > MAX_ITERATIONS:
        raise TemplateProblem(f"模板中的 range() 过大（{len(numbers)} 项，上限 {MAX_ITERATIONS}）")
    return _Counted(numbers)


class _Counted(Generic[T]):
    """An iterable whose every step counts against the budget."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[T]):
        self.items = items

    def __iter__(self) -> Iterator[T]:
        for number, item in enumerate(self.items):
            if number % 256 == 0:
                _tick(256)
            yield item

    def __len__(self) -> int:
        if not isinstance(self.items, Sized):  # a generator: the TypeError len() gives, for Jinja's loop.length
            raise TypeError(f"object of type '{type(self.items).__name__}' has no len()")
        return len(self.items)


def _loop(iterable: object) -> object:
    """What every {% for %} iterates over (see _Sandbox._parse)."""
    if isinstance(iterable, (jinja2.Undefined, _Counted)):
        return iterable
    if isinstance(iterable, (dict, str, list, tuple, set, frozenset, range)) or _iterable(iterable):
        return _Counted(iterable)
    return iterable  # not iterable: let Jinja report it


def _join(*parts: object) -> str:
    """The ~ operator: its result held to the budget before it is built."""
    _size(sum(map(_length, parts)), "连接（~）")
    return "".join(str(p) if not isinstance(p, str) else p for p in parts)


def _finalize(value: T) -> T:
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
Filter = Callable[..., object]  # as Jinja keeps them: a filter takes and gives whatever a template holds
Estimate = Callable[..., int]  # a filter's arguments → at most how long its result can be


def _guarded_filters(filters: Mapping[str, Filter]) -> dict[str, Filter]:
    checked = dict(filters)

    def wrap(name: str, estimate: Estimate | None = None) -> None:
        original = filters[name]

        def guarded(*args: object, **kwargs: object) -> object:
            _tick()
            if name == "join":
                args = tuple(_materialized(a) if _iterable(a) else a for a in args[:2]) + args[2:]
            if estimate is not None:
                _size(estimate(*args, **kwargs), f"过滤器 {name}")
            return _check_value(original(*args, **kwargs), f"过滤器 {name}")

        if hasattr(original, "jinja_pass_arg"):  # pass_context, pass_eval_context, pass_environment
            guarded.__dict__["jinja_pass_arg"] = original.jinja_pass_arg
        checked[name] = guarded

    def _text(args: Sequence[object]) -> list[object]:
        # pass_eval_context / pass_environment filters get that first
        return [a for a in args if not isinstance(a, (jinja2.nodes.EvalContext, jinja2.Environment))]

    estimates: dict[str, Estimate] = {
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


class BoundedTemplate(jinja2.Template):
    def render(self, *args: object, **kwargs: object) -> str:
        if _budget.get() is not None:
            return bounded_text(self.generate(*args, **kwargs))
        with budget():
            return bounded_text(self.generate(*args, **kwargs))


def bounded_text(chunks: Iterable[str]) -> str:
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


# compiled templates a sandbox keeps: every text of the bundled campaigns, with room to spare
COMPILED_KEPT = 2048


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox with the budget above."""

    template_class = BoundedTemplate
    intercepted_binops = frozenset({"*", "**", "+", "%", "//", "/"})

    def __init__(self, **options: Any):  # Any: Environment.__init__'s options, each of its own type
        options.setdefault("finalize", _finalize)
        super().__init__(**options)
        self.globals.update(range=_safe_range, lipsum=_lipsum, _planmaker_loop=_loop, _planmaker_join=_join)
        self.filters = _guarded_filters(self.filters)
        # cascade and the web page render the same campaign texts and annex templates for every plan; a
        # compiled template keeps no state (the budget is per rendering), so each is compiled once
        # (benchmarks/templates.py: 1.18x faster builds).
        self._compiled_text = functools.lru_cache(maxsize=COMPILED_KEPT)(super().from_string)

    def from_string(self, source: str | nodes.Template, globals: MutableMapping[str, object] | None = None,
                    template_class: type[jinja2.Template] | None = None) -> jinja2.Template:
        if globals is None and template_class is None and isinstance(source, str):
            return self._compiled_text(source)
        return super().from_string(source, globals, template_class)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
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

    def call_binop(self, context: Context, operator: str, left: object, right: object) -> object:
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

    def call(__self, __context: Context, __obj: object, *args: object, **kwargs: object) -> object:
        budget = _current()
        _tick()
        if getattr(__obj, "__name__", "") == "join" and args and not isinstance(args[0], str):
            # measured, then joined: a generator runs once (not iterable: TypeError, as before the join)
            args = (_materialized(cast("Iterable[object]", args[0])), *args[1:])
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

    _token: Token[_Budget | None]

    def __init__(self, limit: int = MAX_OUTPUT_CHARS):
        self.limit = limit

    def __enter__(self) -> budget:
        self._token = _budget.set(_Budget(self.limit))
        return self

    def __exit__(self, *exc_info: object) -> None:
        _budget.reset(self._token)
