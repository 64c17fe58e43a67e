"""The JSON report `prodcheck repair` plans from: read, validated against the report's
schema, and kept as the few things a plan needs. Bad input is a ConfigError naming
the file, the line and what to do (exit 2)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from prodcheck.errors import ConfigError
from prodcheck.json_file import json_located, read_text
from prodcheck.yamlfile import load_schema, schema_errors

# A report holds about 2 KiB per finding: 256 MiB is over 100,000 findings.
MAX_REPORT_BYTES = 256 * 1024 * 1024
_ADVICE = "pass the file `prodcheck check --format json --output FILE` wrote, unedited"


@dataclass(frozen=True, slots=True)
class Item:
    """One finding of the report, numbered in the report's order."""

    number: int
    rule: str
    severity: str
    subject: str  # as reports name it: `account u_1`, `team Acme (42)`
    fingerprint: str
    message: str
    fix: str
    status: str
    repair: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class CheckedReport:
    path: Path
    version: str
    now: str
    verdict: str
    schema_version: str
    database: str | None  # the database source's kind: postgres, mysql, sqlite, fixture
    live: bool  # billing was read from Stripe's API in live mode: its commands need --live
    items: tuple[Item, ...]


# What a plan reads of a report and of each finding: the report's schema narrowed to
# these (a report of 10,000 findings is validated in a fraction of the time the
# whole schema takes, and a key a plan does not read cannot stop it).
_READ = ("schema_version", "tool", "verdict", "now", "findings", "rules_run", "sources", "errors")
_FINDING_READ = ("rule", "severity", "subject", "message", "fix", "fingerprint", "status", "repair")


@cache
def _schema() -> dict[str, Any]:
    schema = copy.deepcopy(load_schema("report.schema.json"))
    schema["properties"] = {k: v for k, v in schema["properties"].items() if k in _READ}
    schema["required"] = [k for k in schema["required"] if k in _READ]
    schema["additionalProperties"] = True
    finding = schema["$defs"]["finding"]
    finding["properties"] = {k: v for k, v in finding["properties"].items() if k in _FINDING_READ}
    finding["required"] = [k for k in finding["required"] if k in _FINDING_READ]
    finding["additionalProperties"] = True
    definitions = schema.pop("$defs")
    inlined: dict[str, Any] = _inlined(schema, definitions)
    return inlined


def _inlined(node: Any, definitions: dict[str, Any]) -> Any:
    """The schema with its local `$ref`s replaced by what they name (none is
    recursive): validating 10,000 findings then looks nothing up."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            rest = {k: v for k, v in node.items() if k != "$ref"}
            named = _inlined(definitions[ref.removeprefix("#/$defs/")], definitions)
            return {**named, **rest} if rest else named
        return {k: _inlined(v, definitions) for k, v in node.items()}
    if isinstance(node, list):
        return [_inlined(v, definitions) for v in node]
    return node


def _item(number: int, record: dict[str, Any]) -> Item:
    subject = record["subject"]
    return Item(
        number=number,
        rule=record["rule"],
        severity=record["severity"],
        subject=subject.get("label") or f"{subject['kind']} {subject['id']}",
        fingerprint=record["fingerprint"],
        message=record["message"],
        fix=record["fix"],
        status=record["status"],
        repair=record.get("repair"),
    )


def read_report(path: Path) -> CheckedReport:
    text = read_text(
        path,
        "the report",
        f"report not found. Write one with `prodcheck check --format json --output {path}`.",
    )
    located = json_located(
        text, path, "the report", _ADVICE, max_bytes=MAX_REPORT_BYTES, lines=False
    )
    if not isinstance(located.data, dict) or "findings" not in located.data:
        raise ConfigError(
            f"{path}: this is not a prodcheck JSON report (no findings list); {_ADVICE}."
        )
    errors = schema_errors(located, _schema())
    if errors:
        # Again with each key's line, for the messages (a large file is only read so
        # when it is wrong).
        located = json_located(text, path, "the report", _ADVICE, max_bytes=MAX_REPORT_BYTES)
        errors = schema_errors(located, _schema())
        count = f"{len(errors)} error{'s' if len(errors) > 1 else ''}"
        raise ConfigError(
            f"{path}: not a valid prodcheck JSON report ({count}); {_ADVICE}:",
            details=tuple(errors[:20]),
        )
    data = located.data
    if data["verdict"] == "error" and not data["rules_run"]:
        raise ConfigError(
            f"{path}: the report checked nothing (verdict error: {'; '.join(data['errors'])}). "
            "Fix what it names and run `prodcheck check` again; there is nothing to repair yet."
        )
    database = next((s["kind"] for s in data["sources"] if s["side"] == "database"), None)
    live = any(
        s["side"] == "billing" and s["kind"] == "stripe" and "(live mode)" in s["location"]
        for s in data["sources"]
    )
    return CheckedReport(
        path=path,
        version=data["tool"]["version"],
        now=data["now"],
        verdict=data["verdict"],
        schema_version=data["schema_version"],
        database=database,
        live=live,
        items=tuple(_item(n, f) for n, f in enumerate(data["findings"], start=1)),
    )
