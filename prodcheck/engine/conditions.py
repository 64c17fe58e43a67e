"""Declarative conditions, compiled once into closures over a subject's facts.

A condition is one of:
  {all: [cond, ...]}  {any: [cond, ...]}  {not: cond}
  {fact: dotted.name, <op>: operand}    op in OPERATORS
An operand is a literal or {fact: other.name}. A fact that is absent or null
compares false with every operator but `eq: null`, `ne` and `exists: false`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

Predicate = Callable[[Mapping[str, Any]], bool]
Getter = Callable[[Mapping[str, Any]], Any]


class ConditionError(ValueError):
    """An invalid condition; the message names the key path inside `when`."""


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def apply(left: Any, right: Any) -> bool:
        if left is None or right is None:
            return False
        try:
            return compare(left, right)
        except TypeError:
            return False

    return apply


def _in(left: Any, right: Any) -> bool:
    return isinstance(right, list | tuple | set | frozenset) and left in right


def _contains(left: Any, right: Any) -> bool:
    return isinstance(left, list | tuple | set | frozenset | str) and right in left


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": _ordered(operator.lt),
    "le": _ordered(operator.le),
    "gt": _ordered(operator.gt),
    "ge": _ordered(operator.ge),
    "in": _in,
    "not_in": lambda left, right: not _in(left, right),
    "contains": _contains,
    "exists": lambda left, right: (left is not None) is bool(right),
}


def _all(parts: list[Predicate]) -> Predicate:
    # Plain loops: this runs once per rule per subject, a million times a run.
    def check(facts: Mapping[str, Any]) -> bool:
        for part in parts:  # noqa: SIM110 - a generator costs more here
            if not part(facts):
                return False
        return True

    return check


def _any(parts: list[Predicate]) -> Predicate:
    def check(facts: Mapping[str, Any]) -> bool:
        for part in parts:  # noqa: SIM110 - a generator costs more here
            if part(facts):
                return True
        return False

    return check


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


def compile_condition(condition: Any, where: str = "when") -> Predicate:
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
            parts = [
                compile_condition(item, f"{where}.{combinator}[{i}]")
                for i, item in enumerate(items)
            ]
            return _all(parts) if combinator == "all" else _any(parts)
    if "not" in keys:
        if keys != {"not"}:
            raise ConditionError(f"{where}: `not` must stand alone in its mapping")
        inner = compile_condition(condition["not"], f"{where}.not")
        return lambda facts: not inner(facts)
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
    compare = OPERATORS[op_name]
    left = getter(str(condition["fact"]))
    operand = condition[op_name]
    if isinstance(operand, Mapping):
        if set(operand) != {"fact"}:
            raise ConditionError(f"{where}.{op_name}: an operand mapping must be {{fact: name}}")
        right = getter(str(operand["fact"]))
        return lambda facts: compare(left(facts), right(facts))
    if op_name in ("in", "not_in") and not isinstance(operand, list):
        raise ConditionError(f"{where}.{op_name}: expected a list")
    if op_name == "exists" and not isinstance(operand, bool):
        raise ConditionError(f"{where}.exists: expected true or false")
    return lambda facts: compare(left(facts), operand)
