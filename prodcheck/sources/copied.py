"""A live database's tables read by SQL: each copied into DuckDB by its backend's
copy module (postgres_copy.py, mysql_copy.py, sqlite_copy.py) inside the
backend's read-only transaction, and typed there by rows_sql.py. A backend's
accounts class mixes this in and says how it opens that transaction and copies
one table; a table the copy leaves to Python is read by the class's `load` or
`read_table`, which names each problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from prodcheck.config import DatabaseConfig
from prodcheck.mapping import TableConfig
from prodcheck.model import AccountState, SourceInfo
from prodcheck.sources.database import accounts_info
from prodcheck.webhooks_config import EffectCheck


class CopiedTables:
    config: DatabaseConfig
    table: TableConfig  # the accounts table
    kind = ""  # the SourceInfo kind: postgres, mysql, sqlite

    @property
    def location(self) -> str:
        raise NotImplementedError

    def _connection(self) -> AbstractContextManager[Any]:
        """The read-only transaction the copies run in."""
        raise NotImplementedError

    def _copy(self, duck: Any, conn: Any, table: TableConfig, name: str) -> bool:
        """Write db_<name> on `duck` from `table` read through `conn`; False when
        Python is to read it."""
        raise NotImplementedError

    def load_by_sql(
        self, duck: Any, *, objects: bool = True
    ) -> tuple[AccountState, SourceInfo] | None:
        """The accounts copied into `duck`'s db_accounts and typed by SQL, or None
        when only `load` reads this table as it is. Without `objects` they stay
        there: the AccountState holds none."""
        from prodcheck.sources.duck_rows import account_state

        with self._connection() as conn:
            copied = self._copy(duck, conn, self.table, "accounts")
        if not copied:
            return None
        state, count = account_state(duck, self.table, objects=objects)
        return state, accounts_info(self.config, self.kind, self.location, count)

    def values_present(self, check: EffectCheck, values: Sequence[str]) -> frozenset[str]:
        """Which of these values check.table.column holds: one query."""
        from prodcheck.sources.effects import values_present

        with self._connection() as conn:
            return values_present(self.kind, conn, check, values, self.location)

    def copy_tables_by_sql(self, duck: Any, names: Sequence[str]) -> list[str]:
        """These declared tables copied into `duck`'s db_<name> and typed by SQL, in
        one read-only transaction (one snapshot of the database: a balance and its
        ledger as they were at one moment); the names copied (`read_table` reads
        the others)."""
        with self._connection() as conn:
            return [
                name for name in names if self._copy(duck, conn, self.config.tables[name], name)
            ]

    def read_table_by_sql(self, duck: Any, name: str) -> tuple[dict[str, Any], ...] | None:
        """A declared table's typed rows, copied into `duck` and typed by SQL, or
        None when `read_table` is to read it."""
        from prodcheck.row_objects import table_rows

        return table_rows(duck, name) if self.copy_tables_by_sql(duck, [name]) else None
