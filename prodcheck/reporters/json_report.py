"""`--format json`: the report record, validated by schemas/report.schema.json in the tests."""

from __future__ import annotations

import json

from prodcheck.reporters.records import report_record
from prodcheck.results import Report


def render(report: Report) -> str:
    return json.dumps(report_record(report), indent=2, ensure_ascii=False) + "\n"
