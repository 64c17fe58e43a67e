"""Rules x subjects -> findings. Each subject's facts are computed once and shared
by every rule about that subject kind."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from jinja2 import UndefinedError

from prodcheck.catalogue import FACTS
from prodcheck.config import Config
from prodcheck.engine.contracts import Rule
from prodcheck.engine.facts import KINDS, SubjectFacts, money_parts, monthly_amount_of
from prodcheck.engine.index import Index
from prodcheck.engine.repairs import repair_of
from prodcheck.engine.sql_engine import Session
from prodcheck.engine.templates import TemplateLimit, render_bounded, rendering
from prodcheck.errors import ConfigError, ContractError
from prodcheck.factspec import EFFECTS, PLANS
from prodcheck.results import Finding, SettlingSubject, Severity, SkippedRule
from prodcheck.tables import TABLES


@dataclass(frozen=True, slots=True)
class Evaluation:
    findings: tuple[Finding, ...]
    rules_run: tuple[str, ...]
    skipped: tuple[SkippedRule, ...]
    settling: tuple[SettlingSubject, ...]


def apply_overrides(rules: Sequence[Rule], config: Config) -> list[Rule]:
    """Severity overrides and disabled rules from the config; unknown ids are errors."""
    known = {rule.id for rule in rules}
    overrides = config.contracts
    unknown = sorted((set(overrides.severity) | overrides.disable) - known)
    if unknown:
        raise ConfigError(
            "the config names rules that are not loaded:",
            details=tuple(
                f"{overrides.locations.get(rule_id, config.path)}: unknown rule id '{rule_id}' "
                "(see `prodcheck rules` for the ids; is its pack in contracts.packs?)"
                for rule_id in unknown
            ),
        )
    result = []
    for rule in rules:
        if rule.id in overrides.disable:
            continue
        severity = overrides.severity.get(rule.id)
        result.append(replace(rule, severity=Severity(severity)) if severity else rule)
    return result


def _render(rule: Rule, field: str, context: dict[str, Any], subject_id: str) -> str:
    template = rule.message if field == "message" else rule.fix
    try:
        return render_bounded(template, context).strip()
    except TemplateLimit as exc:
        raise ContractError(
            f"{rule.source}: rule {rule.id}: the {field} template was stopped for "
            f"{rule.subject} {subject_id}: {exc}. A message must stay short and simple."
        ) from None
    except Exception as exc:  # anything a template computes may raise: 1/0, int("x") ...
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        hint = (
            "Guard optional facts with `is not none`."
            if isinstance(exc, UndefinedError | TypeError)
            else "Fix the template."
        )
        raise ContractError(
            f"{rule.source}: rule {rule.id}: the {field} template failed for {rule.subject} "
            f"{subject_id}: {type(exc).__name__}: {detail}. {hint}"
        ) from None


def _skip_reason(rule: Rule, index: Index) -> str | None:
    if "app_subscriptions" in rule.needs and not index.has_app_table:
        return (
            "needs the app's own subscriptions table: map it as database.tables."
            "app_subscriptions to enable this rule"
        )
    if "processed_events" in rule.needs and not index.has_processed_table:
        return (
            "needs the app's table of processed webhook events: map it as database.tables."
            "processed_events to enable this rule"
        )
    for name in sorted(rule.needs & TABLES.keys()):
        if name not in index.config.database.tables:
            return (
                f"needs the app's {name} table: map it as database.tables.{name} to enable "
                "this rule"
            )
    missing = sorted(rule.requires - index.mapped_columns)
    others = [name for name in missing if "." in name]
    if others:
        table, column = others[0].split(".", 1)
        return (
            f"needs the {column} column of database.tables.{table}: map it there to "
            "enable this rule"
        )
    if missing:
        return (
            f"needs the {', '.join(missing)} column{'s' if len(missing) > 1 else ''}: map "
            f"{'them' if len(missing) > 1 else 'it'} under {index.config.database.key}.columns to "
            "enable this rule"
        )
    access = index.config.database.columns.derivation("has_access")
    expiry = {"access_expired", "account.access_expires_at"}
    if (
        access
        and access.expires
        and "account.has_access" in rule.facts
        and expiry & set(rule.facts)
    ):
        return (
            f"access is read from {access.column} as an expiry time, so the row's access "
            "and its expiry cannot disagree"
        )
    provider = index.config.billing.provider.value
    if provider not in rule.providers:
        facts = FACTS[rule.subject]
        names = [name for name in rule.facts if provider not in facts[name].providers]
        return f"uses {', '.join(names)}, which {provider.capitalize()} billing does not provide"
    if PLANS in rule.settings and not index.config.plans.prices:
        return (
            "needs plans: map billing's prices to the app's plans under plans.prices to "
            "enable this rule"
        )
    if EFFECTS in rule.settings and not index.config.webhooks.effects:
        return (
            "needs effect checks: list what the handler writes for an event under "
            "webhooks.effects to enable this rule"
        )
    if "events" in rule.needs and not index.has_events:
        return (
            "needs billing events (Stripe's events, Paddle's notifications), which this "
            "billing source does not provide"
        )
    if "subscription_schedules" in rule.needs and not index.has_schedules:
        return "needs subscription schedules, which this billing source does not provide"
    return None


def evaluate(rules: Sequence[Rule], index: Index) -> Evaluation:
    active: dict[str, list[Rule]] = {}
    skipped: list[SkippedRule] = []
    for rule in rules:
        reason = _skip_reason(rule, index)
        if reason:
            skipped.append(SkippedRule(rule.id, reason))
        else:
            active.setdefault(rule.subject, []).append(rule)

    columns = dict(index.config.database.columns.items())
    app_table = index.config.database.tables.get("app_subscriptions")
    base_context = {
        "columns": columns,
        "app_columns": dict(app_table.columns.items()) if app_table else {},
        "policy": index.config.policy,
        "now": index.now,
        "provider": index.config.billing.provider.value,  # fix texts name the right events
        # each declared table's real name (tables.credit_ledger)
        "tables": {name: table.table for name, table in index.config.database.tables.items()},
    }
    findings: list[Finding] = []
    settling: list[SettlingSubject] = []
    session = Session(index)
    try:
        with rendering():
            _evaluate_subjects(active, base_context, findings, settling, session)
    finally:
        session.close()
    findings.sort(key=lambda f: f.sort_key)
    settling.sort(key=lambda s: (s.kind, s.id))
    rules_run = tuple(sorted(r.id for group in active.values() for r in group))
    return Evaluation(
        tuple(findings), rules_run, tuple(sorted(skipped, key=lambda s: s.rule)), tuple(settling)
    )


def _evaluate_subjects(
    active: dict[str, list[Rule]],
    base_context: dict[str, Any],
    findings: list[Finding],
    settling: list[SettlingSubject],
    session: Session,
) -> None:
    # DuckDB decides, one query per kind, which rows settle and which rules hold;
    # only the rows where a rule fires build their Python facts, for the message
    # and the fix (with billing in DuckDB, from the objects they involve alone).
    fired: dict[str, dict[int, list[Rule]]] = {}
    for kind_name in sorted(active):
        rules = active[kind_name]
        fired[kind_name] = {}
        for number, (reason, ids) in sorted(session.flagged(kind_name, rules).items()):
            holding = [rule for rule in rules if rule.id in ids]
            if reason is not None:
                settling.append(
                    SettlingSubject(kind_name, session.ident(kind_name, number), reason)
                )
                # Structural rules (a duplicate id) cannot be caused by a webhook in flight.
                holding = [rule for rule in holding if not rule.windowed]
            if holding:
                fired[kind_name][number] = holding
    facts_index = session.facts_index({kind: list(rows) for kind, rows in fired.items()})
    for kind_name, rows in fired.items():
        build = KINDS[kind_name].build
        for number, holding in rows.items():
            row = session.python_row(kind_name, number)
            item = build(facts_index, row)
            findings.extend(_findings(holding, item, base_context, facts_index, row))


def _findings(
    holding: list[Rule],
    item: SubjectFacts,
    base_context: dict[str, Any],
    index: Index,
    row: Any = None,
) -> Iterator[Finding]:
    superseded = {s for rule in holding for s in rule.supersedes}
    # Only the facts the templates read: the others are never computed (item.facts
    # computes each on first use).
    facts = item.facts
    read = {name: facts[name] for rule in holding for name in rule.names if name in facts}
    context = {**base_context, **read, "subject": item.subject}
    amount = monthly_amount_of(facts) if any(rule.at_stake for rule in holding) else None
    named = item.refs.get("subscription", ())
    parts = money_parts(
        amount, (index.subscriptions_by_id[i] for i in named if i in index.subscriptions_by_id)
    )
    for rule in holding:
        if rule.id in superseded:
            continue
        shown = rule.names | {path.split(".", 1)[0] for path in rule.facts}
        yield Finding(
            rule=rule.id,
            title=rule.title,
            severity=rule.severity,
            subject=item.subject,
            message=_render(rule, "message", context, item.subject.id),
            fix=_render(rule, "fix", context, item.subject.id),
            refs=item.refs,
            monthly_amount=amount if rule.at_stake else None,
            parts=parts if rule.at_stake else (),
            facts={name: facts[name] for name in sorted(shown) if name in facts},
            repair=repair_of(rule.repair, facts, row, index),
        )
