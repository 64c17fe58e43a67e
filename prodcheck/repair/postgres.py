"""repair.sql for PostgreSQL: one transaction, one DO block per finding, each UPDATE
guarded. A statement changes the row it names only while the row still holds what
the check read (its `before` values); any other row count raises, and the whole
transaction is rolled back. Values are written as quoted literals, which PostgreSQL
reads as the column's own type (boolean, bigint, timestamptz, text)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from prodcheck.errors import ConfigError
from prodcheck.repair.plan import Statement, shown
from prodcheck.repair.report import CheckedReport, Item


def identifier(name: str) -> str:
    """A table (schema-qualified names split first) or column name, quoted."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split("."))


def literal(value: Any, where: str) -> str:
    if value is None:
        return "NULL"
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if "\x00" in text:
        raise ConfigError(f"{where}: a value holds a NUL character, which PostgreSQL cannot store")
    return "'" + text.replace("'", "''") + "'"


def _comment(text: str) -> str:
    """One comment line: the text's whitespace (newlines too) collapsed."""
    return "-- " + " ".join(text.split())


def _tag(body: str) -> str:
    """A dollar-quote tag the body does not hold."""
    number = 0
    while f"$repair{number or ''}$" in body:
        number += 1
    return f"$repair{number or ''}$"


def _update(item: Item, row: dict[str, Any], where: str) -> list[str]:
    table = identifier(row["table"])
    key = row["key"]
    key_test = f"{identifier(key['column'])} = {literal(key['value'], where)}"
    sets = ", ".join(
        f"{identifier(c['column'])} = {literal(c['value'], where)}" for c in row["set"]
    )
    guards = "".join(
        f"\n     AND {identifier(c['column'])} IS NOT DISTINCT FROM {literal(c['before'], where)}"
        for c in row["set"]
    )
    said = f"repair [{item.number}] {item.rule}: {row['table']} {key['column']} {key['value']}"
    said = re.sub(r"\s+", " ", said).replace("'", "''").replace("%", "%%")
    return [
        f"  UPDATE {table} SET {sets}",
        f"   WHERE {key_test}{guards};",
        "  GET DIAGNOSTICS changed = ROW_COUNT;",
        "  IF changed <> 1 THEN",
        f"    RAISE EXCEPTION '{said}: % rows hold what the check read, not 1; nothing was "
        "changed. Run prodcheck check and prodcheck repair again.', changed;",
        "  END IF;",
    ]


def _before(row: dict[str, Any]) -> list[str]:
    key = row["key"]
    return [
        _comment(
            f"before: {row['table']}.{c['column']} = {shown(c['before'])} where "
            f"{key['column']} = {shown(key['value'])}; after: {shown(c['value'])}"
        )
        for c in row["set"]
    ]


def _block(report: CheckedReport, statement: Statement) -> list[str]:
    item, rows = statement.item, statement.rows
    where = f"{report.path}: findings[{item.number - 1}].repair"
    title = _comment(
        f"[{item.number}] {item.rule} · {item.subject} · fingerprint {item.fingerprint}"
    )
    covered = ", ".join(f"[{n}]" for n in statement.covered)
    if not rows:
        return [title, _comment(f"Repaired by {covered}: the same change."), ""]
    body = ["DECLARE changed bigint;", "BEGIN"]
    for row in rows:
        body += _update(item, row, where)
    body.append("END")
    tag = _tag("\n".join(body))
    also = [_comment(f"The rest is repaired by {covered}: the same change.")] if covered else []
    return [
        title,
        _comment(item.message),
        *also,
        *[line for row in rows for line in _before(row)],
        f"DO {tag}",
        *body,
        f"{tag};",
        "",
    ]


def render_sql(report: CheckedReport, statements: Sequence[Statement]) -> str:
    head = [
        "-- prodcheck repair plan for the app's database (PostgreSQL).",
        _comment(
            f"From {report.path.name}: prodcheck {report.version}, checked at {report.now}, "
            f"database read: {report.database or 'none'}."
        ),
        "-- Written by `prodcheck repair`; prodcheck never runs it. Review every statement,",
        "-- then run it with a role that may write:",
        '--   psql "$DATABASE_URL" --set ON_ERROR_STOP=1 --file repair.sql',
        "-- Each statement changes only the row it names, and only while the row still holds",
        "-- what the check read (the `before` lines); otherwise it raises and nothing at all",
        "-- is changed. Run `prodcheck check` afterwards: the repaired findings are gone.",
        "",
    ]
    if not statements:
        return "\n".join([*head, "-- Nothing to change in the database.", ""])
    lines = [*head, "BEGIN;", "SET LOCAL standard_conforming_strings = on;", ""]
    for statement in statements:
        lines += _block(report, statement)
    lines += ["COMMIT;", ""]
    return "\n".join(lines)
