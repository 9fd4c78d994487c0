"""Warnings gathered while a command runs, for the command to print.

Loading and rendering happen deep below the command; a warning (a control
character removed from a field, say) is recorded here rather than printed
there, so that commands decide where it goes and tests can read it."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from planmaker.base.errors import Problem

_CURRENT: contextvars.ContextVar[list[Problem] | None] = contextvars.ContextVar("planmaker_notices", default=None)


def warn(problem: Problem) -> None:
    problem.severity = "warning"
    bucket = _CURRENT.get()
    if bucket is not None and problem not in bucket:
        bucket.append(problem)


@contextmanager
def collecting() -> Iterator[list[Problem]]:
    bucket: list[Problem] = []
    token = _CURRENT.set(bucket)
    try:
        yield bucket
    finally:
        _CURRENT.reset(token)
