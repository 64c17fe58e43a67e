"""Conditions compiled to SQL mean what the README's contract reference says, null
included: operator by operator (the "Null, exactly" table), and on random facts and
random conditions run through DuckDB against a plain reading of that reference
(`_holds` below, the test's oracle). `--version` never loads duckdb."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from prodcheck.engine.sql_conditions import cell, column, column_type, compile_sql, literal
from prodcheck.factspec import FactSpec, FactType


@pytest.mark.parametrize("command", [["--version"], ["--help"], ["validate", "--help"]])
def test_version_and_help_load_neither_duckdb_nor_pyarrow(command: list[str]) -> None:
    code = (
        f"import sys\nfrom prodcheck.cli import main\nsys.argv = ['prodcheck', *{command!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('duckdb', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("[]"), out.stdout[-300:]


# A made-up subject kind with one fact of each type, for the semantics test.
SPECS = {
    spec.name: spec
    for spec in (
        FactSpec("t", "flag", FactType.FLAG, "a flag"),
        FactSpec("t", "count", FactType.INTEGER, "a count"),
        FactSpec("t", "other_count", FactType.INTEGER, "another count"),
        FactSpec("t", "ratio", FactType.NUMBER, "a number"),
        FactSpec("t", "status", FactType.TEXT, "a status"),
        FactSpec("t", "other_status", FactType.TEXT, "another status"),
        FactSpec("t", "ids", FactType.LIST, "some ids", item=FactType.ID),
        FactSpec("t", "when", FactType.TIME, "a time"),
        FactSpec("t", "later", FactType.TIME, "another time"),
        FactSpec("t", "thing", FactType.OBJECT, "an object"),
    )
}
STATUSES = ["active", "canceled", "past_due"]
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def _value(name: str, rng: random.Random) -> Any:
    if rng.random() < 0.25:
        return None
    kind = SPECS[name].type
    if kind is FactType.FLAG:
        return rng.random() < 0.5
    if kind is FactType.INTEGER:
        return rng.randint(-2, 3)
    if kind is FactType.NUMBER:
        return rng.choice([-1.5, 0.0, 2.0, 3.25])
    if kind is FactType.TEXT:
        return rng.choice(STATUSES)
    if kind is FactType.LIST:
        return rng.sample(["a", "b", "c"], rng.randint(0, 3))
    if kind is FactType.TIME:
        return T0 + timedelta(days=rng.randint(-2, 2))
    return {"id": "x"}


def _leaf(rng: random.Random) -> dict[str, Any]:
    name = rng.choice(list(SPECS))
    kind = SPECS[name].type
    if kind is FactType.OBJECT:
        return rng.choice([{"fact": name, "exists": rng.random() < 0.5}, {"fact": name, "eq": None},
                           {"fact": name, "ne": None}])  # fmt: skip
    if kind is FactType.LIST:
        return rng.choice([{"fact": name, "contains": rng.choice(["a", "b", "z"])},
                           {"fact": name, "exists": True}])  # fmt: skip
    op = rng.choice(["eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "exists"])
    if kind is FactType.TIME and rng.random() < 0.5:
        return {"fact": name, op if op in ("eq", "ne", "lt", "gt") else "ge": {"fact": "later"}}
    if op == "exists" or kind is FactType.TIME:
        return {"fact": name, "exists": rng.random() < 0.5}
    sample = _value(name, rng)
    if op in ("in", "not_in"):
        return {"fact": name, op: [_value(name, rng) for _ in range(rng.randint(0, 3))]}
    peers = {"count": "other_count", "status": "other_status"}
    if name in peers and rng.random() < 0.4:
        return {"fact": name, op: {"fact": peers[name]}}
    return {"fact": name, op: sample}


def _condition(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    roll = rng.random()
    if depth < 3 and roll < 0.2:
        return {"all": [_condition(rng, depth + 1) for _ in range(rng.randint(1, 3))]}
    if depth < 3 and roll < 0.4:
        return {"any": [_condition(rng, depth + 1) for _ in range(rng.randint(1, 3))]}
    if depth < 3 and roll < 0.5:
        return {"not": _condition(rng, depth + 1)}
    return _leaf(rng)


def _compare(op: str, left: Any, right: Any) -> bool:
    """One operator, as the README's contract reference states it."""
    if op == "eq":
        return bool(left == right)
    if op == "ne":
        return bool(left != right)
    if op in ("in", "not_in"):
        found = isinstance(right, list) and left in right
        return found if op == "in" else not found
    if op == "contains":
        return isinstance(left, list | str) and right in left
    if op == "exists":
        return (left is not None) is right
    if left is None or right is None:
        return False
    return bool({"lt": left < right, "le": left <= right, "gt": left > right,
                 "ge": left >= right}[op])  # fmt: skip


def _holds(condition: dict[str, Any], facts: dict[str, Any]) -> bool:
    if "all" in condition:
        return all(_holds(part, facts) for part in condition["all"])
    if "any" in condition:
        return any(_holds(part, facts) for part in condition["any"])
    if "not" in condition:
        return not _holds(condition["not"], facts)
    op = next(key for key in condition if key != "fact")
    operand = condition[op]
    right = facts[operand["fact"]] if isinstance(operand, dict) else operand
    return _compare(op, facts[condition["fact"]], right)


def test_compiled_conditions_mean_what_the_reference_says() -> None:
    duckdb = pytest.importorskip("duckdb")  # a core dependency: present wherever prodcheck is
    rng = random.Random(20261205)
    rows = [{name: _value(name, rng) for name in SPECS} for _ in range(300)]
    conn = duckdb.connect()
    names = list(SPECS)
    declared = ", ".join(f"{column(n)} {column_type(SPECS[n])}" for n in names)
    conn.execute(f"CREATE TABLE facts (subject_row BIGINT, {declared})")
    conn.executemany(
        f"INSERT INTO facts VALUES ({', '.join(['?'] * (len(names) + 1))})",
        [(i, *(cell(row[n], SPECS[n]) for n in names)) for i, row in enumerate(rows)],
    )
    checked = 0
    for _ in range(400):
        condition = _condition(rng)
        expected = {i for i, row in enumerate(rows) if _holds(condition, row)}
        predicate = compile_sql(condition, SPECS)
        found = {
            r[0]
            for r in conn.execute(f"SELECT subject_row FROM facts WHERE {predicate}").fetchall()
        }
        assert found == expected, (condition, predicate)
        checked += 1
    assert checked == 400


@pytest.mark.parametrize(
    ("value", "sql"),
    [(None, "NULL"), (True, "TRUE"), (3, "3"), (2.5, "2.5"), ("it's", "'it''s'"),
     (["a", None], "['a', NULL]")],
)  # fmt: skip
def test_literals(value: Any, sql: str) -> None:
    assert literal(value) == sql


def test_null_semantics_are_spelled_out() -> None:
    """The rules the README's contract reference states, compiled."""
    spec = {"status": SPECS["status"], "count": SPECS["count"]}
    assert compile_sql({"fact": "status", "ne": "active"}, spec) == (
        "(\"status\" IS DISTINCT FROM 'active')"  # a null status is not 'active': true
    )
    assert compile_sql({"fact": "count", "gt": 0}, spec) == 'COALESCE("count" > 0, FALSE)'
    assert (
        compile_sql({"fact": "status", "eq": None}, spec) == '("status" IS NOT DISTINCT FROM NULL)'
    )


# The README's "Null, exactly" table, row by row, run by DuckDB: each condition on a
# subject whose facts are all null, and on one whose facts are set (status
# 'active', count 2, ids ['a'], a time, an object), with what it must give.
NULL_TABLE = [
    ({"fact": "status", "eq": None}, True, False),
    ({"fact": "status", "eq": "active"}, False, True),
    ({"fact": "status", "ne": "active"}, True, False),
    ({"fact": "status", "ne": None}, False, True),
    ({"fact": "status", "eq": {"fact": "other_status"}}, True, False),
    ({"fact": "count", "lt": 3}, False, True),
    ({"fact": "count", "le": 2}, False, True),
    ({"fact": "count", "gt": 1}, False, True),
    ({"fact": "count", "ge": 2}, False, True),
    ({"fact": "count", "gt": {"fact": "other_count"}}, False, True),
    ({"fact": "status", "in": ["active", "trialing"]}, False, True),
    ({"fact": "status", "in": [None]}, True, False),
    ({"fact": "status", "not_in": ["active"]}, True, False),
    ({"fact": "ids", "contains": "a"}, False, True),
    ({"fact": "status", "contains": "act"}, False, True),
    ({"fact": "when", "exists": True}, False, True),
    ({"fact": "when", "exists": False}, True, False),
    ({"fact": "thing", "eq": None}, True, False),
    ({"fact": "thing", "exists": True}, False, True),
    ({"not": {"fact": "count", "gt": 1}}, True, False),
    ({"any": [{"fact": "count", "gt": 5}, {"fact": "status", "eq": None}]}, True, False),
    ({"all": [{"fact": "count", "ge": 2}, {"fact": "ids", "contains": "a"}]}, False, True),
]


@pytest.mark.parametrize(("condition", "on_null", "on_set"), NULL_TABLE)
def test_each_operator_on_null_and_set_facts(
    condition: dict[str, Any], on_null: bool, on_set: bool
) -> None:
    import duckdb

    names = list(SPECS)
    declared = ", ".join(f"{column(n)} {column_type(SPECS[n])}" for n in names)
    conn = duckdb.connect()
    conn.execute(f"CREATE TABLE facts (subject_row BIGINT, {declared})")
    values = {"flag": True, "count": 2, "other_count": 1, "ratio": 1.5, "status": "active",
              "other_status": "canceled", "ids": ["a"], "when": T0, "later": T0,
              "thing": {"id": "x"}}  # fmt: skip
    conn.execute(f"INSERT INTO facts VALUES (0{', NULL' * len(names)})")
    marks = ", ".join(["?"] * len(names))
    conn.execute(
        f"INSERT INTO facts VALUES (1, {marks})", [cell(values[n], SPECS[n]) for n in names]
    )
    predicate = compile_sql(condition, SPECS)
    found = {
        r[0] for r in conn.execute(f"SELECT subject_row FROM facts WHERE {predicate}").fetchall()
    }
    assert found == {row for row, holds in ((0, on_null), (1, on_set)) if holds}, predicate
