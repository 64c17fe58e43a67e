"""The engine: which rules fire on which subjects, decided by DuckDB from the rules'
conditions compiled to SQL when they load (sql_conditions.py) over the facts as SQL
views (sql_facts.py) on the normalized tables (sql_load.py).

Per subject kind, one query reads the facts the kind's rules need (one row per
subject, in report order): from the kind's view where the fact is SQL, else
computed in Python for every subject and joined in by row. It returns, for the
rows where some rule's predicate holds, which ones do; only those rows' facts are
built in Python, where the message and fix are rendered. tests/test_sql_facts.py
holds every SQL fact column to the Python fact it is rendered from.

duckdb and pyarrow are imported here only, when a check runs: `--version`,
`--help` and `validate` never load them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from prodcheck.catalogue import FACTS
from prodcheck.engine import sql_billing
from prodcheck.engine.conditions import fact_paths, getter
from prodcheck.engine.contracts import Rule
from prodcheck.engine.facts import KINDS
from prodcheck.engine.index import Index
from prodcheck.engine.sql_conditions import cell
from prodcheck.engine.sql_facts import SETTLING_COLUMN, base, views
from prodcheck.engine.sql_load import arrow_type, load, row_tables, table


@cache
def _database() -> Any:
    import duckdb

    return duckdb.connect()


def connect() -> Any:
    """A connection of its own to the process's one in-memory database (its temp
    tables and registered tables are its alone); times read back are UTC, as the
    model's, whatever the machine's time zone."""
    conn = _database().cursor()
    conn.execute("SET TimeZone = 'UTC'")
    return conn


class Session:
    """One DuckDB connection for one evaluation; the snapshot's tables are loaded
    the first time a kind's view needs them."""

    def __init__(self, index: Index) -> None:
        self.index = index
        # A connection of its own (its temp tables and registered tables are its
        # alone) to the process's one in-memory database: opening a database costs
        # 13 ms, a connection to an open one 0.4 ms.
        self.conn = index.billing_db if index.billing_db is not None else connect()
        self._loaded = False
        self._rows: dict[str, list[Any]] = {}
        self._provided: dict[str, list[str]] = {}
        self._views = views(index)

    def close(self) -> None:
        self.conn.close()

    def rows(self, kind: str) -> list[Any]:
        """The kind's rows (facts.KINDS), listed once: the subscriptions' also fill
        the subscriptions table."""
        if kind not in self._rows:
            self._rows[kind] = list(KINDS[kind].rows(self.index))
        return self._rows[kind]

    def provided(self, kind: str) -> list[str]:
        """The fact paths the kind's view computes; the view is created on the first call."""
        if kind in self._provided:
            return self._provided[kind]
        if not self._loaded:
            load(self.conn, self.index, self.rows("subscription"))
            if self.index.billing_db is not None:
                for statement in sql_billing.statements(self.index.config.policy, self.index.now):
                    self.conn.execute(statement)
            for view in base(self.index.config.policy, self.index.now):
                self.conn.execute(view)
            self._loaded = True
        for name, arrow in row_tables(kind, self.rows(kind)).items():
            self.conn.register(name, arrow)
        self.conn.execute(self._views[kind])
        names = [row[0] for row in self.conn.execute(f"DESCRIBE facts_{kind}").fetchall()]
        found = [name for name in names if name not in ("row", SETTLING_COLUMN)]
        self._provided[kind] = found
        return found

    def flagged(self, kind: str, rules: Sequence[Rule]) -> dict[int, tuple[str | None, set[str]]]:
        """Row number (in rows(kind)) -> (why it settles or None, the ids of the rules
        whose condition holds), for the rows where either is the case."""
        rows = self.rows(kind)
        if not rows:
            return {}
        paths = list(dict.fromkeys(path for rule in rules for path in fact_paths(rule.condition)))
        provided = set(self.provided(kind))
        in_python = [path for path in paths if path not in provided]
        source = f"facts_{kind}"
        if in_python:
            self.conn.register("python_facts", self._python_facts(kind, in_python, rows))
            source = f"{source} JOIN python_facts USING (row)"
        # One query per kind: a flag per rule, only the rows that settle or fire.
        predicates = [rule.predicate for rule in rules]
        flags = "".join(f", {predicate} AS fired_{i}" for i, predicate in enumerate(predicates))
        wanted = " OR ".join([f"{SETTLING_COLUMN} IS NOT NULL", *predicates])
        query = f"SELECT row, {SETTLING_COLUMN}{flags} FROM {source} WHERE {wanted}"
        flagged: dict[int, tuple[str | None, set[str]]] = {}
        for number, reason, *hits in self.conn.execute(query).fetchall():
            holding = {rule.id for rule, hit in zip(rules, hits, strict=True) if hit}
            flagged[number] = (reason, holding)
        return flagged

    def _python_facts(self, kind: str, paths: list[str], rows: Sequence[Any]) -> Any:
        """The facts no view computes yet, from the Python fact builders."""
        import pyarrow as pa

        specs = FACTS[kind]
        build = KINDS[kind].build
        readers = [(path, getter(path), specs[path]) for path in paths]
        values: dict[str, list[Any]] = {path: [] for path in paths}
        for row in rows:
            facts = build(self.index, row).facts
            for path, read, spec in readers:
                values[path].append(cell(read(facts), spec))
        return table(
            {
                "row": (pa.int64(), list(range(len(rows)))),
                **{path: (arrow_type(specs[path]), values[path]) for path in paths},
            }
        )
