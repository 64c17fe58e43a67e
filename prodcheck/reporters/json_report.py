"""`--format json`: the report record, validated by schemas/report.schema.json in the tests."""

from __future__ import annotations

from prodcheck.json_text import dumps
from prodcheck.reporters.records import report_record
from prodcheck.results import Report


def render(report: Report) -> str:
    return dumps(report_record(report)) + "\n"
