"""A plan file written by planmaker (cascade, import, new): built as a ``Plan`` and dumped from it, so
that what is written is what the model reads back, and a clerk reads it in the order of the guide.
A file meant for a person to edit next (``new``'s) carries comments: a header, and ``Note``s at keys."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from planmaker.inputs.models import Plan


class _Dumper(yaml.SafeDumper):
    """Text of several lines as a block (|), everything else plain; Chinese as it is."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)


def plan_data(plan: Plan) -> dict[str, Any]:
    """The plan as plain data: what it sets, in the model's order (defaults left out)."""
    data: dict[str, Any] = plan.model_dump(mode="json", exclude_defaults=True)
    return data


@dataclass(frozen=True)
class Note:
    """Comments for the clerk at one key (``dates`` or ``dates.start``): lines above it ("" a blank
    line) and one at the end of its line.  A top-level key the plan leaves out keeps the lines above
    where it would stand: an example to fill in, commented out."""

    above: tuple[str, ...] = ()
    after: str = ""


_CHILD = re.compile(r"^  '?([A-Za-z0-9_\-]+)'?:(?: |$)")


def dump_plan(plan: Plan, header: str = "", notes: Mapping[str, Note] | None = None) -> str:
    """The plan file's text: ``header`` (comment lines for the clerk, each starting with #) and the
    plan, in the model's order, with ``notes`` at their keys (comments: what is read back is the same)."""
    data = plan_data(plan)
    notes = notes or {}
    lines: list[str] = []
    for key in Plan.model_fields:
        note = notes.get(key, Note())
        lines += [f"# {line}" if line else "" for line in note.above]
        if key in data:
            lines += _section(key, data[key], notes)
    return header + "".join(f"{line}\n" for line in lines)


def _section(key: str, value: Any, notes: Mapping[str, Note]) -> list[str]:
    """One top-level key as YAML lines, each key and (a mapping's) child with its note's comment."""
    text = yaml.dump({key: value}, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=100)
    lines = text.splitlines()
    lines[0] = _after(lines[0], notes.get(key))
    if isinstance(value, dict):
        # a child's own lines below it are indented further (or begin with “- ”): only keys match
        for k, line in enumerate(lines[1:], start=1):
            if (child := _CHILD.match(line)) is not None:
                lines[k] = _after(line, notes.get(f"{key}.{child.group(1)}"))
    return lines


def _after(line: str, note: Note | None) -> str:
    return f"{line}  # {note.after}" if note is not None and note.after else line
