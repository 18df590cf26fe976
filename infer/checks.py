"""The template's reconciliation rules (勾稽关系) run on rebuilt cells.

Published numbers are never rewritten: a failing identity is reported, not fixed. A rule with any input
null is ``incomplete``, never ``pass``.
"""

from __future__ import annotations

from nianbao.record import Check
from nianbao.template import Rule, get_template


def _fmt(x: float | int) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def check_rule(rule: Rule, cells: dict[str, float | int | None]) -> Check:
    missing = [k for k in rule.keys if cells.get(k) is None]
    if missing:
        return Check(rule.id, "incomplete", f"no value for {', '.join(missing)}")
    lhs = sum(cells[k] for k in rule.lhs)  # type: ignore[misc]
    rhs = sum(cells[k] for k in rule.rhs)  # type: ignore[misc]
    if abs(lhs - rhs) < 1e-9:
        return Check(rule.id, "pass", f"{_fmt(lhs)} = {_fmt(rhs)}")
    return Check(rule.id, "fail", f"{' + '.join(rule.lhs)} = {_fmt(lhs)} but {' + '.join(rule.rhs)} = {_fmt(rhs)}")


def run_checks(cells: dict[str, float | int | None], template: str) -> list[Check]:
    """Every rule of ``template`` on ``cells`` (keys absent from ``cells`` count as null)."""
    return [check_rule(rule, cells) for rule in get_template(template).rules]


def failing_rule_ids(cells: dict[str, float | int | None], template: str) -> list[str]:
    return [c.id for c in run_checks(cells, template) if c.status == "fail"]
