"""Declarative conditions: their shape, checked when a contract loads, and the fact
paths they read. What they mean, null included, is sql_conditions.py (and the
README's contract reference): DuckDB decides which rules fire.

A condition is one of:
  {all: [cond, ...]}  {any: [cond, ...]}  {not: cond}
  {fact: dotted.name, <op>: operand}    op in OPERATORS
An operand is a literal or {fact: other.name}.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Getter = Callable[[Mapping[str, Any]], Any]

OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "contains", "exists")


class ConditionError(ValueError):
    """An invalid condition; the message names the key path inside `when`."""


def getter(path: str) -> Getter:
    parts = tuple(path.split("."))
    if len(parts) == 1:
        key = parts[0]
        return lambda facts: facts.get(key)

    def get(facts: Mapping[str, Any]) -> Any:
        value: Any = facts
        for part in parts:
            if not isinstance(value, Mapping):
                return None
            value = value.get(part)
        return value

    return get


def fact_paths(condition: Any) -> list[str]:
    """Every fact name a condition reads, for validation against the fact catalogue."""
    if isinstance(condition, Mapping):
        found = [condition["fact"]] if isinstance(condition.get("fact"), str) else []
        for key, value in condition.items():
            if key != "fact":
                found += fact_paths(value)
        return found
    if isinstance(condition, list):
        return [path for item in condition for path in fact_paths(item)]
    return []


def check_condition(condition: Any, where: str = "when") -> None:
    """Raises ConditionError naming the key path when a condition is malformed."""
    if not isinstance(condition, Mapping):
        raise ConditionError(f"{where}: expected a mapping, got {condition!r}")
    keys = set(condition)
    for combinator in ("all", "any"):
        if combinator in keys:
            if keys != {combinator}:
                raise ConditionError(f"{where}: `{combinator}` must stand alone in its mapping")
            items = condition[combinator]
            if not isinstance(items, list) or not items:
                raise ConditionError(f"{where}.{combinator}: expected a non-empty list")
            for i, item in enumerate(items):
                check_condition(item, f"{where}.{combinator}[{i}]")
            return
    if "not" in keys:
        if keys != {"not"}:
            raise ConditionError(f"{where}: `not` must stand alone in its mapping")
        check_condition(condition["not"], f"{where}.not")
        return
    if "fact" not in keys:
        raise ConditionError(
            f"{where}: expected `all`, `any`, `not` or `fact` with an operator, got {sorted(keys)}"
        )
    ops = keys - {"fact"}
    if len(ops) != 1 or next(iter(ops)) not in OPERATORS:
        raise ConditionError(
            f"{where}: `fact: {condition['fact']}` needs exactly one operator of "
            f"{', '.join(OPERATORS)}; got {sorted(ops) or 'none'}"
        )
    op_name = next(iter(ops))
    operand = condition[op_name]
    if isinstance(operand, Mapping):
        if set(operand) != {"fact"}:
            raise ConditionError(f"{where}.{op_name}: an operand mapping must be {{fact: name}}")
        return
    if op_name in ("in", "not_in") and not isinstance(operand, list):
        raise ConditionError(f"{where}.{op_name}: expected a list")
    if op_name == "exists" and not isinstance(operand, bool):
        raise ConditionError(f"{where}.exists: expected true or false")
