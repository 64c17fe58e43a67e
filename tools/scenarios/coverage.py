"""Never a silent pass: runs that were asked to check and checked nothing, or less
than asked, end in `error` (exit 2), whatever findings they did make."""

from __future__ import annotations

from scenario_kit import MINUTE, Scenario

from .common import member, new


def coverage_no_rules() -> Scenario:
    s = new(
        "coverage-no-rules-error",
        "contracts.packs is [] and no file of rules is named: no rule runs, so nothing is "
        "checked. u_701 has access with a canceled subscription (a wrongful access that "
        "would fire). The verdict is error, not pass.",
        extra={"contracts": {"packs": []}},
    )
    member(s, "u_701", "Hana Sato", status="canceled", canceled_days_ago=20)
    s.expect("error", [])
    return s


def coverage_no_accounts() -> Scenario:
    s = new(
        "coverage-no-accounts-error",
        "The users table reads empty (a wrong `where`, the wrong database, or a row-level "
        "security policy hiding every row from the read-only role) while Stripe holds two "
        "active subscriptions: nothing on the app's side is checked. The verdict is error; "
        "the two subscriptions are still reported as orphans ($49 + $49 = $98/mo).",
    )
    member(s, "u_711", "Ines Moreau")
    member(s, "u_712", "Jon Berg")
    s.rows.clear()  # the table read no row
    subscriptions = sorted(sub["id"] for sub in s.subscriptions)
    s.expect(
        "error",
        [("identity.orphan_subscription", f"subscription:{sid}") for sid in subscriptions],
        monthly_at_stake={"usd": 9800},
    )
    return s


def coverage_all_settling() -> Scenario:
    s = new(
        "coverage-all-settling-error",
        "A bulk `UPDATE users SET updated_at = now()` ran a minute before the check: every "
        "row is inside the 10-minute settle window, so none is checked, u_722's wrongful "
        "access included. The verdict is error, not pass.",
        optional=("updated_at",),
    )
    bulk = {"updated_days_ago": MINUTE}
    member(s, "u_721", "Kai Lund", row=bulk)
    member(s, "u_722", "Lea Brandt", status="canceled", canceled_days_ago=20, row=bulk)
    s.expect("error", [], settling=["account:u_721", "account:u_722"])
    return s


BUILDERS = {
    "coverage-no-rules-error": coverage_no_rules,
    "coverage-no-accounts-error": coverage_no_accounts,
    "coverage-all-settling-error": coverage_all_settling,
}
