"""`planmaker check`: every problem of a plan, its profile and its campaign (the rules: checks/)."""

from __future__ import annotations

from pathlib import Path

from planmaker.base import notices
from planmaker.base.errors import InputError, Problem
from planmaker.checks.problems import every_problem
from planmaker.inputs.catalog import Catalog
from planmaker.plan.compose import compose_plan
from planmaker.plan.resolve import resolve


def check_plan(plan_path: Path, catalog: Catalog | None = None) -> list[Problem]:
    catalog = catalog or Catalog()
    # Warnings raised while loading (control characters removed) belong in the
    # list and in its count, not after it.
    with notices.collecting() as warnings:
        try:
            resolved = resolve(Path(plan_path), catalog)
            document = compose_plan(resolved)
        except InputError as exc:
            return warnings + exc.problems
    return warnings + every_problem(resolved, document, catalog)
