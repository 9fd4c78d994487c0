"""The budget a template renders within (plan/sandbox.py): time, loop steps, recursion, output, and
the size of every value an operation makes, counted against the rendering in progress."""

from __future__ import annotations

import contextvars
import time
from typing import TypeVar

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


T = TypeVar("T")


def _check_value(value: T, what: str) -> T:
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
