"""What every dialect's repair.sql shares: the comments naming each finding and the
values the check read, the header, and the block of a finding repaired by others."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prodcheck.repair.plan import Statement, shown
from prodcheck.repair.report import CheckedReport


def comment(text: str) -> str:
    """One comment line: the text's whitespace (newlines too) collapsed."""
    return "-- " + " ".join(text.split())


def _before(row: dict[str, Any]) -> list[str]:
    key = row["key"]
    return [
        comment(
            f"before: {row['table']}.{c['column']} = {shown(c['before'])} where "
            f"{key['column']} = {shown(key['value'])}; after: {shown(c['value'])}"
        )
        for c in row["set"]
    ]


def finding_comments(statement: Statement) -> list[str]:
    """The comments above a finding's statements; all of it when others repair it."""
    item, rows = statement.item, statement.rows
    title = comment(f"[{item.number}] {item.rule} · {item.subject} · {item.fingerprint}")
    covered = ", ".join(f"[{n}]" for n in statement.covered)
    if not rows:
        return [title, comment(f"Repaired by {covered}: the same change.")]
    also = [comment(f"The rest is repaired by {covered}: the same change.")] if covered else []
    return [title, comment(item.message), *also, *[line for row in rows for line in _before(row)]]


def header(
    report: CheckedReport, dialect: str, run: Sequence[str], guard: Sequence[str]
) -> list[str]:
    return [
        f"-- prodcheck repair plan for the app's database ({dialect}).",
        comment(
            f"From {report.path.name}: prodcheck {report.version}, checked at {report.now}, "
            f"database read: {report.database or 'none'}."
        ),
        "-- Written by `prodcheck repair`; prodcheck never runs it. Review every statement,",
        "-- then run it with a role that may write:",
        *(f"--   {line}" for line in run),
        "-- Each statement changes only the row it names, and only while the row still holds",
        "-- what the check read (the `before` lines); otherwise " + guard[0],
        *(f"-- {line}" for line in guard[1:]),
        "-- Run `prodcheck check` afterwards: the repaired findings are gone.",
        "",
    ]


NOTHING = "-- Nothing to change in the database."
