"""The commented prodcheck.yml that `prodcheck init` writes.

Every section says what it is for and what to check; what was found is
filled in, what was not is left as a commented example. The result always
passes `prodcheck validate` (a test keeps it so): required columns fall back
to the usual names with a comment to adjust them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from prodcheck.model import Provider
from prodcheck.scaffold.ledger import LedgerProposal
from prodcheck.scaffold.plans import PlanProposal, StoredPlans
from prodcheck.scaffold.propose import CANDIDATES, AppTableProposal, TableProposal
from prodcheck.tables import ACCOUNTS, APP_SUBSCRIPTIONS, TABLES

# From the accounts table's declaration (tables.py).
DEFAULT_COLUMNS = {name: ACCOUNTS.field(name).example for name in ACCOUNTS.required}
OPTIONAL = {name: ACCOUNTS.field(name).enables for name in ACCOUNTS.optional}
EXPIRY = ACCOUNTS.field("has_access").expiry_field  # implied by an expiry-read access
KEY_PERMISSIONS = {
    Provider.STRIPE: (
        "a restricted key (rk_...) with",
        "Read on Customers, Subscriptions, Subscription schedules and Events",
    ),
    Provider.PADDLE: (
        "a Paddle API key with",
        "read-only permissions on customers and subscriptions",
    ),
}


@dataclass(frozen=True, slots=True)
class InitProposal:
    provider: Provider
    api_key_env: str
    url_env: str
    api_base: str | None = None
    table: TableProposal | None = None
    other_tables: tuple[TableProposal, ...] = ()
    app_table: AppTableProposal | None = None
    ledger: LedgerProposal | None = None
    credits: Mapping[str, LedgerProposal] = field(default_factory=dict)
    plans: PlanProposal | None = None
    stored: StoredPlans | None = None
    database_note: str = ""
    billing_note: str = ""


def scalar(value: str) -> str:
    """A YAML scalar that stays a string: plain when safe, JSON-quoted otherwise."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.\-]*", value) and value.lower() not in {
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~",
    }:  # fmt: skip
        return value
    return json.dumps(value)


def flow(value: Any) -> str:
    """A derivation or join on one line, in YAML flow style: {column: status, grants: [a]}."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return scalar(str(value))


def _line(text: str, comment: str = "", width: int = 34) -> str:
    if not comment:
        return text
    return f"{text.ljust(width - 1)} # {comment}"


def _database(proposal: InitProposal) -> list[str]:
    table = proposal.table
    guesses = CANDIDATES[proposal.provider]
    columns: dict[str, Any] = {
        name: guesses[name][0] if guesses[name] else example
        for name, example in DEFAULT_COLUMNS.items()
    }
    table_name = "users"
    table_comment = "your accounts table; schema-qualified works: billing.users"
    if table is not None:
        columns = {**columns, **table.columns}
        table_name = table.table
        others = ", ".join(t.table for t in proposal.other_tables[:3])
        table_comment = f"{table.recognised} of its {table.column_count} columns recognised" + (
            f"; other candidates: {others}" if others else ""
        )
    lines = [
        "database:",
        "  # The NAME of the environment variable holding the database URL; connect as a",
        "  # read-only role (README: Read-only credentials).",
        _line(
            f"  url_env: {scalar(proposal.url_env)}",
            "postgresql://, mysql:// or sqlite:///",
        ),
        "  tables:",
        _line("    accounts:", "who has paid access, on which plan"),
        _line(f"      table: {scalar(table_name)}", table_comment),
    ]
    if table is not None and table.subject:
        lines.append(_line(f"      subject: {scalar(table.subject)}", "what messages call a row"))
    lines.append(_line("      columns:", "prodcheck field -> your column"))
    found = table.columns if table is not None else {}
    comments = table.comments if table is not None else {}
    for name in ACCOUNTS.required:
        note = comments.get(name, "") if name in found else "not found: set your column"
        lines.append(_line(f"        {name}: {flow(columns[name])}", note))
    for name, why in OPTIONAL.items():
        if name in found:
            lines.append(_line(f"        {name}: {flow(found[name])}", comments.get(name, why)))
        elif not (name == EXPIRY and isinstance(found.get("has_access"), dict)):
            example = guesses[name][0]
            lines.append(_line(f"        # {name}: {example}", f"not found; map it for: {why}"))
    if table is not None and table.joins:
        lines.append(_line("      joins:", "read beside the table, joined on these keys"))
        for join in table.joins:
            lines += [f"        {scalar(join.table)}:", f'          "on": {flow(dict(join.on))}']
    if table is not None:
        lines += _epoch_unit(table.milliseconds_seen)
    lines += _app_table(proposal.app_table) + _declared("processed_events", proposal.ledger)
    for name, credit_table in proposal.credits.items():
        lines += _declared(name, credit_table)
    return lines


def _table_head(name: str, why: str, table: str, recognised: int, count: int) -> list[str]:
    """The lines opening a declared table other than the accounts: its key, real name
    and how many of its columns were recognised."""
    return [
        _line(f"    {name}:", why),
        _line(f"      table: {scalar(table)}", f"{recognised} of its {count} columns recognised"),
        "      columns:",
    ]


# A declared table init may find beside the accounts -> what mapping it enables.
_DECLARED = {
    "processed_events": "the webhook handler's ledger of event ids (webhooks.*)",
    "credit_balances": "each account's credits now (credits.*)",
    "credit_ledger": "the grants and deductions they add up from (credits.*)",
}


def _declared(name: str, found: LedgerProposal | None) -> list[str]:
    if found is None:
        return []
    lines = _table_head(name, _DECLARED[name], found.table, len(found.columns), found.column_count)
    for spec in TABLES[name].fields:
        if spec.name in found.columns:
            lines.append(_line(f"        {spec.name}: {scalar(found.columns[spec.name])}", ""))
    return lines


def _epoch_unit(seen: str | None) -> list[str]:
    if seen is None:
        return []
    return [_line("      epoch_unit: milliseconds", f"times stored as epoch milliseconds ({seen})")]


def _app_table(app: AppTableProposal | None) -> list[str]:
    if app is None:
        return []
    lines = _table_head(
        "app_subscriptions", "your copy of billing's subscriptions (app.* rules)",
        app.table, len(app.columns), app.column_count,
    )  # fmt: skip
    for spec in APP_SUBSCRIPTIONS.fields:
        if spec.name in app.columns:
            lines.append(
                _line(f"        {spec.name}: {scalar(app.columns[spec.name])}", spec.enables)
            )
        else:
            lines.append(
                _line(
                    f"        # {spec.name}: {spec.example or spec.guesses[0]}",
                    f"not found; map it for: {spec.enables}",
                )
            )
    return lines + _epoch_unit(app.milliseconds_seen)


STORED_AS = {
    "price_id": "holds billing's price ids",
    "product_id": "holds billing's product ids",
    "lookup_key": "holds the prices' lookup keys",
    "product_name": "holds product names",
    "plan": "holds plan names",
}


def _stored(stored: StoredPlans | None, commented: bool) -> list[str]:
    if stored is None or (stored.stored_as == "plan" and not stored.values and not stored.unknown):
        return []
    mark = "# " if commented else ""
    lines = [
        _line(
            f"{mark}  stored_as: {stored.stored_as}",
            f"{stored.column} {STORED_AS[stored.stored_as]}",
        )
    ]
    if stored.values or stored.unknown:
        head = mark if stored.values else "# "  # a values key with no entry is no map
        lines.append(_line(f"{head}  values:", f"{stored.column} values -> plan"))
    for value, plan in stored.values.items():
        lines.append(f"{mark}    {scalar(value)}: {scalar(plan)}")
    for value in stored.unknown:
        lines.append(
            _line(f"#     {scalar(value)}: PLAN", f"seen in {stored.column}: name its plan")
        )
    return lines


def _plans(plans: PlanProposal | None, stored: StoredPlans | None = None) -> list[str]:
    if plans is None or not plans.prices:
        return [
            "# plans:                          # price id -> plan, and the tier order",
            "#   prices:                       # init --fixtures DIR or a billing key fills it",
            "#     price_1Pro: pro",
            "#     price_1Team: team",
            "#   tiers: [free, pro, team]      # lowest first",
            *_stored(stored, commented=True),
        ]
    lines = ["plans:", _line("  prices:", "price id -> plan; rename plans to your names")]
    for price_id, plan in plans.prices.items():
        comment = plans.comments.get(price_id, "")
        lines.append(_line(f"    {scalar(price_id)}: {scalar(plan)}", comment))
    tiers = ", ".join(scalar(t) for t in plans.tiers)
    lines.append(
        _line(f"  tiers: [{tiers}]", "lowest first (by price); add a free plan first if any")
    )
    return lines + _stored(stored, commented=False)


def render_config(proposal: InitProposal) -> str:
    provider = proposal.provider
    lines = [
        "# prodcheck.yml, proposed by `prodcheck init`: review every line, then run",
        "#   prodcheck validate && prodcheck check",
        '# Reference: `prodcheck rules` and the README\'s "The config".',
    ]
    for note in (proposal.database_note, proposal.billing_note):
        if note:
            lines.append(f"# {note}")
    lines += [
        "version: 1",
        "",
        "billing:",
        _line(f"  provider: {provider.value}", "stripe | paddle"),
        f"  # The NAME of the environment variable holding {KEY_PERMISSIONS[provider][0]}",
        f"  # {KEY_PERMISSIONS[provider][1]}",
        "  # (README: Read-only credentials), never the key itself.",
        f"  api_key_env: {scalar(proposal.api_key_env)}",
        *([f"  api_base: {scalar(proposal.api_base)}"] if proposal.api_base else []),
        "",
        *_database(proposal),
        "",
        *_plans(proposal.plans, proposal.stored),
        "",
        "policy:",
        _line("  grace_period_days: 14", "past_due keeps access this long: match your retries"),
        _line("  settle_window_minutes: 10", "skip objects changed this recently"),
        "",
        "# contracts:                        # default: every built-in rule",
        "#   disable: [trial.repeat_trial]",
        "#   severity: {identity.duplicate_customer: fail}",
        "",
        "# suppressions:                     # accepted drift: listed as suppressed, not counted",
        "#   - rule: access.wrongful_access",
        '#     subject: "account:u_42"',
        "#     reason: Partner account, access granted by contract",
        '#     expires: "2026-12-31"',
        "",
        "# notify:",
        "#   slack:",
        "#     webhook_url_env: SLACK_WEBHOOK_URL   # used by `prodcheck check --notify slack`",
        "#     on: [fail, error]",
    ]
    return "\n".join(lines) + "\n"
