"""The SQL engine (`--engine sql`): which rules fire on which subjects, decided by
DuckDB from the rules' conditions compiled to SQL (sql_conditions.py).

This step loads each subject kind's facts, as the closure engine computes them,
into an in-process DuckDB table (one row per subject, one column per fact path a
rule reads) and runs one query per rule; messages and fixes are rendered in
Python for the rows that fire, as before. The facts become SQL views next, which
is where the speed comes from; the parity test (tests/test_sql_engine.py) holds
the two engines to the same reports byte for byte.

duckdb is imported here only, when the SQL engine runs: `--version`, `--help` and
`validate` never load it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from prodcheck.catalogue import FACTS
from prodcheck.engine.conditions import fact_paths, getter
from prodcheck.engine.contracts import Rule
from prodcheck.engine.sql_conditions import cell, column, column_type, compile_sql

if TYPE_CHECKING:
    from prodcheck.engine.facts import SubjectFacts


def fired_by_sql(kind: str, rules: Sequence[Rule], items: Sequence[SubjectFacts]) -> list[set[str]]:
    """For each subject, in order, the ids of the rules whose condition holds."""
    import duckdb

    specs = FACTS[kind]
    paths = list(dict.fromkeys(path for rule in rules for path in fact_paths(rule.condition)))
    predicates = {rule.id: compile_sql(rule.condition, specs) for rule in rules}
    fired: list[set[str]] = [set() for _ in items]
    if not items:
        return fired
    declared = "".join(f", {column(path)} {column_type(specs[path])}" for path in paths)
    readers = [(getter(path), specs[path]) for path in paths]
    rows = [
        (number, *(cell(read(item.facts), spec) for read, spec in readers))
        for number, item in enumerate(items)
    ]
    conn = duckdb.connect()
    try:
        conn.execute(f"CREATE TABLE facts (subject_row BIGINT{declared})")
        marks = ", ".join(["?"] * (len(paths) + 1))
        conn.executemany(f"INSERT INTO facts VALUES ({marks})", rows)
        for rule_id, predicate in predicates.items():
            for (number,) in conn.execute(
                f"SELECT subject_row FROM facts WHERE {predicate}"
            ).fetchall():
                fired[number].add(rule_id)
    finally:
        conn.close()
    return fired
