"""Figures that keep a form's rules: random fills raised where a rule wants more.

Plain module, no pytest: the benchmarks import it with tests/ on their path."""

from __future__ import annotations

from decimal import Decimal

from planmaker.inputs.stats_rules import holds, value


def consistent(checks, values: dict[str, object], inputs: set[str]) -> dict[str, object]:
    """``values`` (cell → number) changed so that every check holds: for a broken
    “a ≤ b” the first input cell of b is raised (of a for “a ≥ b”)."""
    values = dict(values)
    for _ in range(10):
        broken = False
        for check in checks:
            numbers = {ref: Decimal(str(v)) for ref, v in values.items()}
            left, right = value(check.left, numbers), value(check.right, numbers)
            if holds(check.rule.op, left, right):
                continue
            broken = True
            side, need = (check.right, left - right) if check.rule.op in ("<=", "<", "=") else (check.left, right - left)
            if check.rule.op in ("<", ">"):
                need += 1
            ref = next(r for sign, part in side if sign > 0 and isinstance(part, tuple) for r in part if r in inputs)
            raised = Decimal(str(values.get(ref, 0))) + abs(need)
            values[ref] = int(raised) if raised == raised.to_integral_value() else float(raised)
        if not broken:
            return values
    raise AssertionError("规则无法同时满足")
