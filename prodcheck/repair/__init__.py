"""`prodcheck repair`: a reviewed repair plan from a JSON report, never executed. The
findings' `repair` objects become guarded SQL for the app's database (postgres.py),
provider commands (commands.py) and a CSV of what needs a person (review.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from prodcheck.errors import ConfigError
from prodcheck.repair.commands import render_commands
from prodcheck.repair.guarded import render_mysql, render_sqlite
from prodcheck.repair.plan import DIALECT_OF, Plan, make_plan
from prodcheck.repair.postgres import render_sql
from prodcheck.repair.report import CheckedReport, read_report
from prodcheck.repair.review import render_review

# The files of a plan, in the order a reader takes them.
SQL_FILE, COMMANDS_FILE, REVIEW_FILE = "repair.sql", "provider.sh", "review.csv"


RENDER = {"postgres": render_sql, "mysql": render_mysql, "sqlite": render_sqlite}
NAMES = {"postgres": "PostgreSQL", "mysql": "MySQL/MariaDB", "sqlite": "SQLite"}


@dataclass(frozen=True, slots=True)
class Written:
    report: CheckedReport
    plan: Plan
    dialect: str | None  # the SQL written (None: the report's database has none)
    files: dict[str, str]  # file name -> text


def plan_files(report_path: Path, now: datetime, dialect: str | None = None) -> Written:
    """The plan's files for the report at `report_path`, as of `now` (an event's
    window), in `dialect` (default: the report's database's), not yet written."""
    report = read_report(report_path)
    dialect = dialect or DIALECT_OF.get(report.database or "")
    plan = make_plan(report, now, dialect)
    files = {
        SQL_FILE: RENDER[dialect or "postgres"](report, plan.statements),
        COMMANDS_FILE: render_commands(plan.commands, report.live),
        REVIEW_FILE: render_review(plan.review),
    }
    return Written(report, plan, dialect, files)


def out_folder(out: Path) -> Path:
    """The folder to write into: created when missing; a file there is an error."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out}: --out must be a folder, and this is a file. Name a folder.")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{out}: cannot create the folder: {exc.strerror or exc}") from None
    return out
