"""A plan file written by planmaker (cascade, import, new): built as a ``Plan`` and dumped from it, so
that what is written is what the model reads back, and a clerk reads it in the order of the guide."""

from __future__ import annotations

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


def dump_plan(plan: Plan, header: str = "") -> str:
    """The plan file's text: ``header`` (comment lines for the clerk, each starting with #) and the plan."""
    body = yaml.dump(plan_data(plan), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=100)
    return header + body
