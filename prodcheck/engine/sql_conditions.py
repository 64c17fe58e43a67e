"""Declarative conditions compiled to one SQL predicate over a subject kind's facts table.

The table has one row per subject and one column per fact path a rule reads,
named by the path itself (`"candidate.status"`). Each leaf is true or false, never
SQL's unknown (the README's "Null, exactly" states the same rules):

- `eq` and `ne` treat null as a value: `eq: null` is true for a null fact, `ne: x`
  is true for a null fact (IS [NOT] DISTINCT FROM, never SQL's unknown);
- `lt`, `le`, `gt`, `ge`, `contains` are false when either side is null; `in`
  too, unless its list holds null;
- `not_in` is the negation of `in` (true for a null fact, unless the list holds null);
- `exists: true` is "not null", `exists: false` is "null";
- every leaf is true or false, never unknown, so `all`, `any` and `not` are plain
  AND, OR and NOT.
Objects (`candidate`) are stored as a marker that is null when the object is: they
can be tested for existence and against null only. Money compares by amount and
currency for equality; ordering money is false.

Pure: builds text, imports no database driver.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from prodcheck.factspec import FactSpec, FactType

ORDERED = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}
# FactType -> DuckDB column type; lists take their item's type.
SQL_TYPES = {
    FactType.FLAG: "BOOLEAN",
    FactType.INTEGER: "BIGINT",
    FactType.NUMBER: "DOUBLE",
    FactType.ID: "VARCHAR",
    FactType.TEXT: "VARCHAR",
    FactType.TIME: "TIMESTAMPTZ",
    FactType.MONEY: "VARCHAR",
    FactType.OBJECT: "BOOLEAN",
}


class SqlConditionError(ValueError):
    """A condition the SQL engine cannot express (the message says which part)."""


def column(path: str) -> str:
    return '"' + path.replace('"', '""') + '"'


def column_type(spec: FactSpec) -> str:
    if spec.type is FactType.LIST:
        return f"{SQL_TYPES[spec.item or FactType.TEXT]}[]"
    return SQL_TYPES[spec.type]


def literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise SqlConditionError(f"cannot write {value!r} as an SQL literal")


def moment(value: datetime) -> str:
    """A time as a TIMESTAMPTZ literal."""
    return f"TIMESTAMPTZ {literal(value.isoformat())}"


def _leaf(condition: Mapping[str, Any], facts: Mapping[str, FactSpec], where: str) -> str:
    path = str(condition["fact"])
    op = next(k for k in condition if k != "fact")
    operand = condition[op]
    spec = facts[path]
    left = column(path)
    if isinstance(operand, Mapping):
        other = facts[str(operand["fact"])]
        right, right_type = column(str(operand["fact"])), other.type
    else:
        right, right_type = literal(operand), None
    if op == "exists":
        return f"({left} IS {'NOT ' if operand else ''}NULL)"
    if spec.type is FactType.OBJECT or right_type is FactType.OBJECT:
        if op in ("eq", "ne") and operand is None:
            return f"({left} IS {'NOT ' if op == 'ne' else ''}NULL)"
        raise SqlConditionError(f"{where}: an object can only be tested against null")
    if op == "eq":
        return f"({left} IS NOT DISTINCT FROM {right})"
    if op == "ne":
        return f"({left} IS DISTINCT FROM {right})"
    if op in ORDERED:
        if FactType.MONEY in (spec.type, right_type):
            return "FALSE"  # money has no order in Python either
        return f"COALESCE({left} {ORDERED[op]} {right}, FALSE)"
    if op in ("in", "not_in"):
        if isinstance(operand, list):
            found = " OR ".join(f"{left} IS NOT DISTINCT FROM {literal(v)}" for v in operand)
            found = f"({found})" if operand else "FALSE"
        else:
            found = f"COALESCE(list_contains({right}, {left}), FALSE)"
        return found if op == "in" else f"(NOT {found})"
    if op == "contains":
        if spec.type is FactType.LIST:
            return f"COALESCE(list_contains({left}, {right}), FALSE)"
        return f"COALESCE(contains({left}, {right}), FALSE)"
    raise SqlConditionError(f"{where}: unknown operator {op}")


def compile_sql(condition: Any, facts: Mapping[str, FactSpec], where: str = "when") -> str:
    """The predicate for a validated condition (contracts.py checked its shape and
    fact_checks.py its facts and types when it loaded)."""
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        joiner = " AND " if key == "all" else " OR "
        parts = [
            compile_sql(item, facts, f"{where}.{key}[{i}]") for i, item in enumerate(condition[key])
        ]
        return "(" + joiner.join(parts) + ")"
    if "not" in condition:
        return f"(NOT {compile_sql(condition['not'], facts, f'{where}.not')})"
    return _leaf(condition, facts, where)


def cell(value: Any, spec: FactSpec) -> Any:
    """A fact's value as the column stores it."""
    if value is None:
        return None
    if spec.type is FactType.OBJECT:
        return True
    if spec.type is FactType.MONEY:
        return json.dumps([getattr(value, "amount", None), getattr(value, "currency", None)])
    if spec.type is FactType.LIST:
        return list(value)
    return value
