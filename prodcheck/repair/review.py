"""review.csv: the findings a person must decide, each with why no statement or
command was written, its message and its fix. Cells a spreadsheet would run as a
formula are written as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from prodcheck.repair.report import Item

HEADER = ("number", "rule", "severity", "subject", "fingerprint", "why", "message", "fix")


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_review(review: Sequence[tuple[Item, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for item, why in review:
        writer.writerow(
            [
                str(item.number),
                item.rule,
                item.severity,
                _cell(item.subject),
                item.fingerprint,
                _cell(why),
                _cell(item.message),
                _cell(item.fix),
            ]
        )
    return out.getvalue()
