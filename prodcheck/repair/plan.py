"""Which part of the plan each finding goes to: statements for the app's database,
provider commands, or the review list, with the reason it needs a person."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prodcheck.repair.report import CheckedReport, Item

# The SQL dialects repair writes, and the one for each kind of database a report
# read (fixture rows: PostgreSQL, unless --dialect says otherwise); another's changes
# are described for review.
DIALECTS = ("postgres", "mysql", "sqlite")
# How each dialect's repair.sql is run so that it stops at the first error.
RUN = {
    "postgres": 'psql "$DATABASE_URL" --set ON_ERROR_STOP=1 --file {file}',
    "mysql": "mysql --database=APP_DATABASE < {file}",
    "sqlite": "sqlite3 -bail APP.db < {file}",
}
DIALECT_OF = {
    "postgres": "postgres",
    "fixture": "postgres",
    "snapshot": "postgres",
    "mysql": "mysql",
    "sqlite": "sqlite",
}


@dataclass(frozen=True, slots=True)
class Statement:
    """A finding's row changes, less those an earlier finding's statement makes
    (`covered`: their numbers); no rows left: the earlier ones repair it."""

    item: Item
    rows: tuple[dict[str, Any], ...]
    covered: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    statements: tuple[Statement, ...]
    commands: tuple[tuple[Item, dict[str, Any]], ...]
    review: tuple[tuple[Item, str], ...]
    suppressed: int


def shown(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"'{value}'" if isinstance(value, str) else str(value)


def described(row: dict[str, Any]) -> str:
    """A row change in words, for the review list: `set plan = 'team' (was 'starter')
    in users where id = 'u_1'`."""
    changes = ", ".join(
        f"{c['column']} = {shown(c['value'])} (was {shown(c['before'])})" for c in row["set"]
    )
    key = row["key"]
    return f"set {changes} in {row['table']} where {key['column']} = {shown(key['value'])}"


Target = tuple[str, str, str]  # table, key value (as JSON), column


class _Claims:
    """The columns earlier statements set: a later finding setting one to the same
    value is covered by them; to another value, it conflicts and needs a person."""

    def __init__(self) -> None:
        self.set: dict[Target, tuple[int, Any]] = {}

    @staticmethod
    def _target(row: dict[str, Any], column: str) -> Target:
        return row["table"], json.dumps(row["key"]["value"]), column

    def conflict(self, rows: tuple[dict[str, Any], ...]) -> str | None:
        for row in rows:
            for change in row["set"]:
                claimed = self.set.get(self._target(row, change["column"]))
                if claimed is not None and claimed[1] != change["value"]:
                    return (
                        f"it would set {row['table']}.{change['column']} to "
                        f"{shown(change['value'])} where finding [{claimed[0]}] sets "
                        f"{shown(claimed[1])}: decide which is right"
                    )
        return None

    def statement(self, item: Item, rows: tuple[dict[str, Any], ...]) -> Statement:
        kept: list[dict[str, Any]] = []
        covered: set[int] = set()
        for row in rows:
            changes = []
            for change in row["set"]:
                target = self._target(row, change["column"])
                if target in self.set:
                    covered.add(self.set[target][0])
                else:
                    self.set[target] = (item.number, change["value"])
                    changes.append(change)
            if changes:
                kept.append({**row, "set": changes})
        return Statement(item, tuple(kept), tuple(sorted(covered)))


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def make_plan(report: CheckedReport, now: datetime, dialect: str | None) -> Plan:
    """`dialect`: the SQL to write (None: none, the changes go to review)."""
    statements: list[Statement] = []
    claims = _Claims()
    commands: list[tuple[Item, dict[str, Any]]] = []
    review: list[tuple[Item, str]] = []
    suppressed = 0
    sql = dialect is not None
    for item in report.items:
        if item.status == "suppressed":
            suppressed += 1
            continue
        repair = item.repair
        if repair is None:
            reason = (
                "the report predates repair plans (schema 1.0): run `prodcheck check` again"
                if report.schema_version == "1.0"
                else "its rule writes no repair: follow the fix"
            )
            review.append((item, reason))
            continue
        if "manual" in repair:
            review.append((item, repair["manual"]))
        rows = tuple(repair.get("database", ()))
        conflict = claims.conflict(rows) if rows and sql else None
        if conflict:
            review.append((item, conflict))
        elif rows and sql:
            statements.append(claims.statement(item, rows))
        elif rows:
            todo = "; ".join(described(row) for row in rows)
            review.append(
                (
                    item,
                    f"repair writes no SQL for {report.database} (PostgreSQL, MySQL/MariaDB and "
                    f"SQLite only): {todo}",
                )
            )
        for step in repair.get("provider", ()):
            until = step.get("until")
            if until and _moment(until) <= now:
                review.append(
                    (
                        item,
                        f"{step['id']} was kept by {step['provider'].capitalize()} until "
                        f"{until}: it can no longer be resent; apply what it carried by hand",
                    )
                )
            else:
                commands.append((item, step))
    return Plan(tuple(statements), tuple(commands), tuple(review), suppressed)
