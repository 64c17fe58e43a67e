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
from prodcheck.repair.plan import RUN, Statement
from prodcheck.repair.report import CheckedReport, Item
from prodcheck.repair.sql_text import NOTHING, finding_comments, header


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


def _block(report: CheckedReport, statement: Statement) -> list[str]:
    item, rows = statement.item, statement.rows
    comments = finding_comments(statement)
    if not rows:
        return [*comments, ""]
    where = f"{report.path}: findings[{item.number - 1}].repair"
    body = ["DECLARE changed bigint;", "BEGIN"]
    for row in rows:
        body += _update(item, row, where)
    body.append("END")
    tag = _tag("\n".join(body))
    return [*comments, f"DO {tag}", *body, f"{tag};", ""]


def render_sql(report: CheckedReport, statements: Sequence[Statement]) -> str:
    head = header(
        report,
        "PostgreSQL",
        [RUN["postgres"].format(file="repair.sql")],
        ["it raises and nothing at all", "is changed."],
    )
    if not statements:
        return "\n".join([*head, NOTHING, ""])
    lines = [*head, "BEGIN;", "SET LOCAL standard_conforming_strings = on;", ""]
    for statement in statements:
        lines += _block(report, statement)
    lines += ["COMMIT;", ""]
    return "\n".join(lines)
