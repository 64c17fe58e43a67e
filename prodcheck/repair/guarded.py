"""repair.sql for MySQL/MariaDB and SQLite, which have no DO block outside a stored
program: one transaction; after each guarded UPDATE an INSERT into a temporary guard
table whose NOT NULL column gets NULL unless the UPDATE changed exactly one row (an
INSERT of NULL into a NOT NULL column fails in every SQL mode and version). The
client stops at that error and the open transaction is rolled back as the session
ends.

MySQL: booleans TRUE/FALSE (tinyint), times UTC `YYYY-MM-DD HH:MM:SS` under time_zone
+00:00, text with a backslash a hex literal (whatever NO_BACKSLASH_ESCAPES says).
SQLite: booleans 1/0, times compared by julianday() whatever text form the app
stores them in, and written as the report has them (ISO 8601, UTC)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from prodcheck.errors import ConfigError
from prodcheck.repair.plan import RUN, Statement
from prodcheck.repair.report import CheckedReport
from prodcheck.repair.sql_text import NOTHING, finding_comments, header

GUARD = "prodcheck_repair_guard"
_UTC = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d(?:\.\d{1,6})?)Z$")


def _text(value: Any, where: str) -> str:
    text = str(value)
    if "\x00" in text:
        raise ConfigError(f"{where}: a value holds a NUL character; change that row by hand")
    return text


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _scalar(value: Any, true: str, false: str) -> str | None:
    """NULL, a boolean or a number as the dialect writes it; None for text."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return true if value else false
    if isinstance(value, int | float):
        return repr(value)
    return None


def _mysql_literal(value: Any, where: str) -> str:
    plain = _scalar(value, "TRUE", "FALSE")
    if plain is not None:
        return plain
    text = _text(value, where)
    moment = _UTC.match(text)
    if moment:  # a time as the report writes it: MySQL reads no `T…Z`
        return f"'{moment.group(1)} {moment.group(2)}'"
    if "\\" in text:
        return f"CONVERT(X'{text.encode().hex()}' USING utf8mb4)"
    return _quoted(text)


def _sqlite_literal(value: Any, where: str) -> str:
    return _scalar(value, "1", "0") or _quoted(_text(value, where))


def _sqlite_key(column: str, key: Any, where: str) -> str:
    """An id the report holds as text may be stored as an integer, which a column of no
    declared type does not convert: either matches (and keeps the index)."""
    if isinstance(key, str) and re.fullmatch(r"-?[1-9]\d{0,17}|0", key):
        return f"{column} IN ({key}, {_quoted(key)})"
    return f"{column} = {_sqlite_literal(key, where)}"


def _mysql_key(column: str, key: Any, where: str) -> str:
    return f"{column} = {_mysql_literal(key, where)}"


def _mysql_same(column: str, before: Any, where: str) -> str:
    return f"{column} <=> {_mysql_literal(before, where)}"


def _sqlite_same(column: str, before: Any, where: str) -> str:
    if isinstance(before, str) and _UTC.match(before):
        return f"julianday({column}) IS julianday({_quoted(before)})"
    return f"{column} IS {_sqlite_literal(before, where)}"


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str
    quote: str  # identifiers
    literal: Callable[[Any, str], str]
    same: Callable[[str, Any, str], str]  # the column still holds the value read
    key: Callable[[str, Any, str], str]  # the row's key column holds this
    run: str
    begin: tuple[str, ...]
    one_row: str  # true when the last UPDATE changed exactly one row
    end: tuple[str, ...]

    def identifier(self, name: str) -> str:
        """A table (database- or schema-qualified names split first) or column, quoted."""
        q = self.quote
        return ".".join(q + part.replace(q, q + q) + q for part in name.split("."))


MYSQL = Dialect(
    "MySQL, MariaDB",
    "`",
    _mysql_literal,
    _mysql_same,
    _mysql_key,
    RUN["mysql"].format(file="repair.sql") + "   (never --force: it must stop at an error)",
    (
        "SET time_zone = '+00:00';",
        "START TRANSACTION;",
        f"CREATE TEMPORARY TABLE {GUARD} (finding INT NOT NULL, one_row_as_checked INT NOT NULL);",
    ),
    "IF(ROW_COUNT() = 1, 1, NULL)",
    (f"DROP TEMPORARY TABLE {GUARD};", "COMMIT;"),
)
SQLITE = Dialect(
    "SQLite",
    '"',
    _sqlite_literal,
    _sqlite_same,
    _sqlite_key,
    RUN["sqlite"].format(file="repair.sql") + "   (-bail: it must stop at an error)",
    (
        "BEGIN;",
        f"CREATE TEMP TABLE {GUARD} (finding INTEGER NOT NULL, "
        "one_row_as_checked INTEGER NOT NULL);",
    ),
    "CASE WHEN changes() = 1 THEN 1 END",
    (f"DROP TABLE temp.{GUARD};", "COMMIT;"),
)


def _update(dialect: Dialect, number: int, row: dict[str, Any], where: str) -> list[str]:
    key, name = row["key"], dialect.identifier
    sets = ", ".join(
        f"{name(c['column'])} = {dialect.literal(c['value'], where)}" for c in row["set"]
    )
    guards = "".join(
        f"\n   AND {dialect.same(name(c['column']), c['before'], where)}" for c in row["set"]
    )
    return [
        f"UPDATE {name(row['table'])} SET {sets}",
        f" WHERE {dialect.key(name(key['column']), key['value'], where)}{guards};",
        f"INSERT INTO {GUARD} VALUES ({number}, {dialect.one_row});",
    ]


def render_with(dialect: Dialect, report: CheckedReport, statements: Sequence[Statement]) -> str:
    head = header(
        report,
        dialect.name,
        [dialect.run],
        [
            "the INSERT after it fails",
            "(one_row_as_checked cannot be NULL), the client stops, and the open transaction",
            "is rolled back: nothing at all is changed.",
        ],
    )
    if not statements:
        return "\n".join([*head, NOTHING, ""])
    lines = [*head, *dialect.begin, ""]
    for statement in statements:
        where = f"{report.path}: findings[{statement.item.number - 1}].repair"
        lines += finding_comments(statement)
        for row in statement.rows:
            lines += _update(dialect, statement.item.number, row, where)
        lines.append("")
    lines += [*dialect.end, ""]
    return "\n".join(lines)


def render_mysql(report: CheckedReport, statements: Sequence[Statement]) -> str:
    return render_with(MYSQL, report, statements)


def render_sqlite(report: CheckedReport, statements: Sequence[Statement]) -> str:
    return render_with(SQLITE, report, statements)
