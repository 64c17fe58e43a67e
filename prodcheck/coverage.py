"""What a run was asked to check and did not: never a silent pass.

A run whose verdict would be PASS (or WARN, or FAIL) having checked nothing, or
less than it was asked to, is an error instead (exit 2), each reason named in the
report beside whatever findings the run did make:

- no rule ran (`contracts.packs: []`, every rule disabled, or every one skipped);
- a rule of the team's own (`contracts.files`) was skipped: it was asked for by
  name (a built-in rule skipped for a column nobody mapped is listed, not an error);
- no account was read while billing holds subscriptions (a wrong `where`, an empty
  table, the wrong database, a row-level security policy hiding every row);
- every account was left out as settling (a bulk `UPDATE ... SET updated_at =
  now()` before the run puts every row inside the settle window).

Pure: reads what the run produced, decides nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence

from prodcheck.config import Config
from prodcheck.engine.contracts import Rule
from prodcheck.engine.evaluate import Evaluation
from prodcheck.model import SourceInfo


def unchecked(
    config: Config, rules: Sequence[Rule], evaluation: Evaluation, sources: Sequence[SourceInfo]
) -> tuple[str, ...]:
    """Why the run did not check what it was asked to, one sentence each (none: it did)."""
    reasons = [*_no_rule_ran(config, rules, evaluation), *_own_rules_skipped(rules, evaluation)]
    accounts = _count(sources, "database", "accounts")
    subscriptions = _count(sources, "billing", "subscriptions")
    table = config.database.table
    if accounts == 0 and subscriptions:
        where = f" (database.where: {config.database.where})" if config.database.where else ""
        reasons.append(
            f"no row was read from the {table} table{where} while billing holds "
            f"{_plural(subscriptions, 'subscription')}: nothing on the app's side was "
            "checked. Check database.table and database.where, that the database is the "
            "app's own, and that the read-only role can see the rows (a row-level security "
            "policy hides them without an error)."
        )
    settling = {s.id for s in evaluation.settling if s.kind == "account"}
    if accounts and len(settling) >= accounts:
        window = config.policy.settle_window_minutes
        reasons.append(
            f"every row of the {table} table ({accounts}) was left out as settling (changed "
            f"within the {window}-minute settle window, or with a webhook in flight): none "
            "was checked. A bulk update of the rows' updated_at column (a migration, a "
            "backfill) does this: run again once the window has passed."
        )
    return tuple(reasons)


def _no_rule_ran(config: Config, rules: Sequence[Rule], evaluation: Evaluation) -> list[str]:
    if evaluation.rules_run:
        return []
    if config.contracts.packs == () and not config.contracts.files:
        why = "contracts.packs is empty and contracts.files names no file"
    elif not rules:
        why = "every rule of the chosen packs and files is disabled (contracts.disable)"
    else:
        why = f"all {_plural(len(rules), 'rule')} loaded were skipped (listed below)"
    return [
        f"no rule ran: {why}. Nothing was checked: choose packs under contracts.packs "
        "(or remove it for every built-in pack), or map what the skipped rules need."
    ]


def _own_rules_skipped(rules: Sequence[Rule], evaluation: Evaluation) -> list[str]:
    own = {rule.id: rule for rule in rules if not rule.builtin}
    return [
        f"rule {skipped.rule} ({own[skipped.rule].source}), from contracts.files, was not "
        f"checked ({skipped.reason})."
        for skipped in evaluation.skipped
        if skipped.rule in own
    ]


def _count(sources: Sequence[SourceInfo], side: str, name: str) -> int | None:
    for source in sources:
        if source.side == side and name in source.counts:
            return source.counts[name]
    return None


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"
