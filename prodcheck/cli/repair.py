"""`prodcheck repair`: a repair plan from a JSON report, written for review and never
executed: guarded SQL for the app's database, the provider's commands, and a CSV of
what a person must decide."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from prodcheck.cli.options import now_option
from prodcheck.cli.output import say, write_text
from prodcheck.errors import ConfigError
from prodcheck.repair import (
    COMMANDS_FILE,
    NAMES,
    REVIEW_FILE,
    SQL_FILE,
    out_folder,
    plan_files,
)
from prodcheck.repair.plan import DIALECTS, RUN
from prodcheck.runner import parse_now


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


@click.command("repair")
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The JSON report to plan from (`prodcheck check --format json --output FILE`).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help=f"Folder to write the plan into: {SQL_FILE}, {COMMANDS_FILE}, {REVIEW_FILE}.",
)
@click.option(
    "--dialect",
    type=click.Choice(DIALECTS),
    help="SQL to write: postgres, mysql (MySQL, MariaDB) or sqlite. Default: the report's "
    "database's (postgres for fixture rows).",
)
@now_option
def repair_command(report_path: Path, out: Path, dialect: str | None, now_text: str | None) -> None:
    """Write a repair plan for a report's findings; prodcheck runs none of it.

    Findings whose fix is a change in the app's database become one guarded
    statement each in repair.sql (one transaction, in the report's database's SQL:
    PostgreSQL, MySQL/MariaDB or SQLite; --dialect to choose); events to resend
    and subscriptions to cancel become commands in provider.sh; the rest are
    listed in review.csv with the reason. --now decides which events are still in
    the provider's window (default: the clock).
    """
    now = parse_now(now_text, "--now") if now_text else datetime.now(UTC)
    written = plan_files(report_path, now, dialect)
    folder = out_folder(out)
    for name, text in written.files.items():
        try:
            write_text(folder / name, text)
        except OSError as exc:
            raise ConfigError(f"{folder / name}: cannot write the plan: {exc}") from None
    plan = written.plan
    database = written.report.database
    say(f"Repair plan for {report_path} written to {folder} (nothing was run):")
    statements = sum(len(statement.rows) for statement in plan.statements)
    say(
        f"  {SQL_FILE}: {_count(statements, 'guarded statement')} for "
        f"{_count(len(plan.statements), 'finding')} ({NAMES[written.dialect or 'postgres']}, "
        "one transaction)"
        if plan.statements
        else f"  {SQL_FILE}: nothing to change in the database"
    )
    say(f"  {COMMANDS_FILE}: {_count(len(plan.commands), 'provider command')}")
    say(f"  {REVIEW_FILE}: {_count(len(plan.review), 'finding')} for a person to decide")
    if plan.suppressed:
        say(f"  left out: {_count(plan.suppressed, 'suppressed finding')}")
    if written.dialect is None:
        say(
            f"  The report's database is {database}: its changes are described in "
            f"{REVIEW_FILE} (--dialect writes SQL for another)."
        )
    if plan.statements:
        run = RUN[written.dialect or "postgres"].format(file=folder / SQL_FILE)
        say(f"Review {folder / SQL_FILE}, then run it: {run}; then `prodcheck check` again.")


COMMANDS = [repair_command]
