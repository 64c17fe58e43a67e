"""`prodcheck mcp`: prodcheck's checks as tools a coding agent calls over stdio
(the Model Context Protocol, through the official `mcp` SDK, extra `mcp`).

Every tool only reads: it runs what the CLI runs (a check on a fixtures folder or
on the live config, validate, the rules and their explanations) and returns it as
structured content, a check's in the JSON report's own shape
(schemas/report.schema.json). Credentials stay in this process's environment,
named by the config (`api_key_env`, `url_env`): no tool takes a secret, and every
result is scrubbed of the ones a run registered, as the CLI's output is.
"""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from prodcheck import __version__
from prodcheck.advice import config_warnings
from prodcheck.bundled import contracts_dir
from prodcheck.catalogue import FACTS
from prodcheck.config import find_config, load_config
from prodcheck.engine.contracts import Rule, load_rules
from prodcheck.engine.evaluate import apply_overrides
from prodcheck.errors import ConfigError, ProdcheckError
from prodcheck.failures import internal_error_message
from prodcheck.json_text import dumps
from prodcheck.model import Money
from prodcheck.redaction import reset, scrub
from prodcheck.reporters.records import finding_record, report_record
from prodcheck.results import Report
from prodcheck.runner import CheckRequest, error_report, parse_now, run_check

INSTRUCTIONS = (
    "prodcheck proves a SaaS app's database agrees with its billing provider (Stripe or "
    "Paddle). `check` runs the rules on a fixtures folder (no keys needed) or on the live "
    "config (its credentials come from this server's environment, never from you) and "
    "returns the JSON report: verdict pass, warn, fail or error, each finding with its "
    "message, fix and fingerprint. `explain_finding` gives a finding's facts and rule; "
    "`list_rules` and `explain_rule` describe the rules; `validate` checks a config "
    "without reading data. Every tool only reads."
)


def _plain(value: Any) -> Any:
    """A fact's value as JSON: money as {amount, currency}, times as ISO 8601, an
    object's fields as a mapping."""
    if isinstance(value, Money):
        return {"amount": value.amount, "currency": value.currency}
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _scrubbed(record: dict[str, Any]) -> dict[str, Any]:
    """The record with every secret this run registered removed."""
    loaded: dict[str, Any] = json.loads(scrub(dumps(record)))
    return loaded


def _request(fixtures: str | None, config: str | None, now: str | None) -> CheckRequest:
    if fixtures is None and config is None:
        raise ConfigError(
            "give `fixtures` (a fixtures folder) or `config` (a prodcheck.yml), or both."
        )
    folder = Path(fixtures) if fixtures else None
    if folder is not None and not folder.is_dir():
        raise ConfigError(f"fixtures {fixtures}: no such folder.")
    return CheckRequest(
        config_path=Path(config) if config else None,
        fixtures=folder,
        now=parse_now(now, "now") if now else None,
        quiet=True,
    )


def _run(fixtures: str | None, config: str | None, now: str | None) -> Report:
    """The check's report; a run that could not check is an error report saying why
    (verdict error), never an exception the agent reads as a crash."""
    reset()
    try:
        return run_check(_request(fixtures, config, now), dict(os.environ))[1]
    except ProdcheckError as exc:
        return error_report(str(exc), None, config)
    except Exception as exc:  # a bug: said as the CLI says it, still a report
        return error_report(internal_error_message(exc), None, config)


def check(
    fixtures: str | None = None, config: str | None = None, now: str | None = None
) -> dict[str, Any]:
    """Check the app's database against its billing provider and return the JSON
    report (schemas/report.schema.json): verdict, summary, every finding with its
    message, fix, refs and fingerprint, the skipped rules and the sources read.

    fixtures: a fixtures folder (stripe/ or paddle/, db/, prodcheck.yml), read
    without any key. config: a prodcheck.yml for a live check, its credentials
    taken from this server's environment. now: an ISO 8601 time to check at
    (default: the scenario's `now`, else the clock)."""
    return _scrubbed(report_record(_run(fixtures, config, now)))


def explain_finding(
    fingerprint: str,
    fixtures: str | None = None,
    config: str | None = None,
    now: str | None = None,
) -> dict[str, Any]:
    """Explain one finding of a check (run again, on the same input as `check`): the
    finding (with its `repair`, what `prodcheck repair` would write), the facts of its
    subject its rule's condition and texts read, the objects it names (refs: customer,
    subscription, price, event ids), and its rule (condition, rationale, fix).
    fingerprint: the finding's, from `check`."""
    report = _run(fixtures, config, now)
    if report.errors:
        return _scrubbed({"found": False, "errors": list(report.errors)})
    found = next((f for f in report.findings if f.fingerprint == fingerprint), None)
    if found is None:
        return {
            "found": False,
            "errors": [
                f"no finding with fingerprint {fingerprint} in this check "
                f"({len(report.findings)} findings): it was fixed, or the input differs."
            ],
        }
    rule = next((r for r in _loaded(config, fixtures) if r.id == found.rule), None)
    return _scrubbed(
        {
            "found": True,
            "finding": finding_record(found),
            "facts": _plain(dict(found.facts)),
            "objects": {kind: list(ids) for kind, ids in sorted(found.refs.items())},
            "rule": _rule_record(rule) if rule else None,
        }
    )


def validate(config: str) -> dict[str, Any]:
    """Validate a prodcheck.yml and every contract it loads, reading no data: the
    rules and packs it runs, and its warnings; or the error, naming file, line and key."""
    reset()
    try:
        path = find_config(Path(config), None)
        loaded = load_config(path)
        rules = apply_overrides(
            load_rules(contracts_dir(), loaded.contracts.packs, loaded.contracts.files), loaded
        )
    except ProdcheckError as exc:
        return _scrubbed({"valid": False, "error": str(exc)})
    return _scrubbed(
        {
            "valid": True,
            "config": str(path),
            "rules": len(rules),
            "packs": sorted({rule.pack for rule in rules}),
            "notes": list(loaded.deprecations),
            "warnings": config_warnings(loaded, rules),
        }
    )


def _loaded(config: str | None, fixtures: str | None = None) -> list[Rule]:
    """The bundled rules, or those a config runs (its own files, overrides and
    disabled rules applied)."""
    if config is None and fixtures is None:
        return load_rules(contracts_dir(), None, ())
    folder = Path(fixtures) if fixtures else None
    loaded = load_config(find_config(Path(config) if config else None, folder))
    rules = load_rules(contracts_dir(), loaded.contracts.packs, loaded.contracts.files)
    return apply_overrides(rules, loaded)


def list_rules(config: str | None = None) -> dict[str, Any]:
    """Every rule (id, title, severity, subject kind, pack, why it exists): the
    bundled ones, or those a config runs when `config` names it."""
    try:
        rules = _loaded(config)
    except ProdcheckError as exc:
        return _scrubbed({"error": str(exc), "rules": []})
    return {
        "rules": [
            {
                "id": r.id,
                "title": r.title,
                "severity": r.severity.value,
                "subject": r.subject,
                "pack": r.pack,
                "rationale": r.rationale,
            }
            for r in sorted(rules, key=lambda r: r.id)
        ]
    }


def _rule_record(rule: Rule) -> dict[str, Any]:
    facts = FACTS[rule.subject]
    return {
        "id": rule.id,
        "title": rule.title,
        "severity": rule.severity.value,
        "subject": rule.subject,
        "pack": rule.pack,
        "rationale": rule.rationale,
        "condition": yaml.safe_load(yaml.safe_dump(dict(rule.condition))),
        "facts": [
            {"name": n, "type": facts[n].shown_type, "meaning": facts[n].description}
            for n in rule.facts
            if n in facts
        ],
        "needs_columns": sorted(rule.requires),
        "needs": sorted(rule.needs),
        "providers": sorted(rule.providers),
        "reported_instead_of": sorted(rule.supersedes),
        "fix_template": rule.fix_text,
        "examples": {kind: list(names) for kind, names in sorted(rule.examples.items())},
        "defined_at": rule.source,
    }


def explain_rule(rule_id: str, config: str | None = None) -> dict[str, Any]:
    """One rule whole: why it exists, the condition it fires on and the facts that
    condition reads, what it needs mapped, its fix and its example scenarios."""
    try:
        rules = _loaded(config)
    except ProdcheckError as exc:
        return _scrubbed({"found": False, "error": str(exc)})
    match = next((r for r in rules if r.id == rule_id), None)
    if match is None:
        return {
            "found": False,
            "error": f"unknown rule id '{rule_id}': list_rules gives every id.",
        }
    return {"found": True, "rule": _rule_record(match)}


TOOLS = (check, explain_finding, validate, list_rules, explain_rule)
# Tools that may reach the network (a live check reads the provider's API and the
# database); the others read local files only.
OPEN_WORLD = frozenset({"check", "explain_finding"})


def serve() -> None:
    """Serve the tools on stdin/stdout until the client disconnects."""
    from mcp.server.mcpserver import MCPServer
    from mcp.types import ToolAnnotations

    server: Any = MCPServer("prodcheck", version=__version__, instructions=INSTRUCTIONS)
    for tool in TOOLS:
        annotations = ToolAnnotations(
            read_only_hint=True,
            destructive_hint=False,
            idempotent_hint=True,
            open_world_hint=tool.__name__ in OPEN_WORLD,
        )
        server.add_tool(tool, annotations=annotations, structured_output=True)
    server.run("stdio")
