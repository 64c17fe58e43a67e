"""Regenerate the bundled scenario folders: `python tools/build_scenarios.py [NAME...]`.

Each function below writes one scenario with tools/scenario_kit.py. The output
under scenarios/ is committed; tests/test_scenarios_in_sync.py checks that this
script reproduces it byte for byte.

Every rule in contracts/ has a failing scenario (`<pack>-<name>-fail`: the rule
fires, with as few other findings as possible) and a passing one (`...-pass`:
the near misses the rule must not fire on). Then come the settle window, comped
accounts, skipped rules, the audit, a mixed SaaS and the Paddle scenarios.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scenario_kit import MINUTE, Scenario, default_config, iso, new_id, paddle_id

ROOT = Path(__file__).resolve().parent.parent / "scenarios"
NOW = "2026-11-01T12:00:00Z"
BUILDERS: dict[str, Callable[[], Scenario]] = {}
SAME = "<billing's plan>"  # account(): the DB plan equals the plan of the first price

# Rules that need something a default config (id, customer id, access, plan) does
# not give them.
NEEDS_DELETED_AT = ["lifecycle.deleted_account_billed"]
NEEDS_EXPIRY = ["lifecycle.expired_still_active", "lifecycle.stale_period_end"]
NEEDS_PLAN = [
    "plan.mismatch",
    "plan.overprovisioned",
    "plan.underprovisioned",
    "plan.unpaid_upgrade",
]
NEEDS_SCHEDULES = ["plan.stale_pending_downgrade"]


def scenario(func: Callable[[], Scenario]) -> Callable[[], Scenario]:
    BUILDERS[func.__name__.replace("_", "-")] = func
    return func


def new(name: str, description: str, **config: Any) -> Scenario:
    """A Stripe scenario at NOW; `config` goes to default_config (optional=, policy=, ...)."""
    return Scenario(name, now=NOW, description=description, config=default_config(**config))


def email_of(name: str, domain: str = "example.com") -> str:
    return f"{name.lower().replace(' ', '.')}@{domain}"


def member(
    s: Scenario,
    uid: str | int,
    name: str,
    *prices: str,
    access: bool = True,
    plan: str | None = SAME,
    status: str = "active",
    domain: str = "example.com",
    row: dict[str, Any] | None = None,
    customer_created_days_ago: float | None = None,
    **subscription: Any,
) -> tuple[str, str]:
    """A customer (metadata user_id = uid), one subscription and the account holding it.
    The customer is created at checkout, five minutes before the subscription, unless
    `customer_created_days_ago` says otherwise (an older subscription of theirs)."""
    prices = prices or ("price_pro_monthly",)
    cid = new_id("cus", f"{s.name}:{uid}")
    sid = new_id("sub", f"{s.name}:{uid}")
    if customer_created_days_ago is None:
        customer_created_days_ago = subscription.get("created_days_ago", 200) + 5 * MINUTE
    s.customer(
        cid,
        email=email_of(name, domain),
        name=name,
        user_id=str(uid),
        created_days_ago=customer_created_days_ago,
    )
    s.subscription(sid, cid, *prices, status=status, **subscription)
    db_plan = s.prices[prices[0]]["plan"] if plan == SAME else plan
    s.account(
        uid, cid, has_access=access, plan=db_plan, email=email_of(name, domain), **(row or {})
    )
    return cid, sid


# -- the bundled demo -------------------------------------------------------------------


@scenario
def demo() -> Scenario:
    s = Scenario(
        "demo",
        now=NOW,
        description=(
            "Acme Notes: 11 users, 12 Stripe customers. Two paying customers are locked "
            "out, one canceled customer kept Pro, one failed-payment retry cycle ended "
            "unnoticed, one upgrade was never applied and one checkout never linked an account."
        ),
    )
    people = [
        ("u_1001", "cus_Nq1", "maria@acme-notes.test", "pro", True, "active"),
        ("u_1002", "cus_Nq2", "kenji@acme-notes.test", "starter", True, "active"),
        ("u_1003", "cus_Nq3", "lea@acme-notes.test", "pro", False, "active"),  # revenue leak
        ("u_1004", "cus_Nq4", "omar@acme-notes.test", "team", True, "active"),
        ("u_1005", "cus_Nq5", "sofia@acme-notes.test", "pro", True, "canceled"),  # wrongful
        ("u_1006", "cus_Nq6", "tariq@acme-notes.test", "starter", False, "trialing"),  # leak
        ("u_1007", "cus_Nq7", "ines@acme-notes.test", "pro", True, "past_due_long"),  # grace
        ("u_1008", "cus_Nq8", "yuki@acme-notes.test", "starter", True, "team"),  # under
        ("u_1009", "cus_Nq9", "noah@acme-notes.test", "pro", True, "active"),
        ("u_1010", "cus_Nq10", "ada@acme-notes.test", None, False, "canceled"),
        ("u_1011", "cus_Nq11", "li@acme-notes.test", "pro", True, "past_due_short"),
    ]
    for uid, cid, email, plan, access, state in people:
        s.customer(cid, email=email, user_id=uid)
        sid = "sub_" + cid.removeprefix("cus_")
        if state == "active":
            price = {"starter": "price_starter_monthly", "team": "price_team_monthly"}
            s.subscription(sid, cid, price.get(plan or "", "price_pro_monthly"))
        elif state == "trialing":
            s.subscription(
                sid,
                cid,
                "price_starter_monthly",
                status="trialing",
                trial=True,
                created_days_ago=5,
                period_started_days_ago=5,
            )
        elif state == "canceled":
            s.subscription(
                sid,
                cid,
                "price_pro_monthly",
                status="canceled",
                canceled_days_ago=40,
                period_started_days_ago=70,
            )
        elif state == "past_due_long":
            s.subscription(
                sid, cid, "price_pro_monthly", status="past_due", period_started_days_ago=25
            )
        elif state == "past_due_short":
            s.subscription(
                sid, cid, "price_pro_monthly", status="past_due", period_started_days_ago=4
            )
        elif state == "team":
            s.subscription(sid, cid, "price_team_monthly")
        s.account(uid, cid, has_access=access, plan=plan)
    s.customer("cus_Nq12", email="zoe@acme-notes.test")
    s.subscription("sub_Nq12", "cus_Nq12", "price_pro_yearly")  # no account: orphan
    s.expect(
        "fail",
        [
            ("access.revenue_leak", "account:u_1003"),
            ("access.revenue_leak", "account:u_1006"),
            ("access.wrongful_access", "account:u_1005"),
            ("access.grace_expired", "account:u_1007"),
            ("plan.underprovisioned", "account:u_1008"),
            ("identity.orphan_subscription", "subscription:sub_Nq12"),
        ],
    )
    return s


# -- access ---------------------------------------------------------------------------


@scenario
def access_revenue_leak_fail() -> Scenario:
    s = new(
        "access-revenue-leak-fail",
        "Two customers pay and are locked out: u_201's active Pro subscription and u_202's "
        "Starter trial never reached the users row (has_paid_access = false; u_202 is still "
        "on plan free, which is part of the same finding, not a second one). u_203 is "
        "healthy. $49 + $19 = $68/mo at stake.",
    )
    member(s, "u_201", "Anna Berg", "price_pro_monthly", access=False)
    member(
        s,
        "u_202",
        "Bruno Costa",
        "price_starter_monthly",
        access=False,
        plan="free",
        status="trialing",
        trial=True,
        created_days_ago=3,
        period_started_days_ago=3,
    )
    member(s, "u_203", "Chloe Dubois", "price_pro_monthly")
    s.expect(
        "fail",
        [("access.revenue_leak", "account:u_201"), ("access.revenue_leak", "account:u_202")],
        monthly_at_stake={"usd": 6800},
    )
    return s


@scenario
def access_revenue_leak_pass() -> Scenario:
    s = new(
        "access-revenue-leak-pass",
        "No access without an entitling subscription is a leak: the paying customer has "
        "access, and the canceled customer, the abandoned checkout (incomplete_expired) and "
        "the unpaid one have none.",
    )
    member(s, "u_211", "Dara Okafor", "price_pro_monthly")
    member(
        s,
        "u_212",
        "Emil Novak",
        "price_pro_monthly",
        access=False,
        plan="free",
        status="canceled",
        canceled_days_ago=40,
        period_started_days_ago=70,
    )
    member(
        s,
        "u_213",
        "Fatima Zahra",
        "price_team_monthly",
        access=False,
        plan="free",
        status="incomplete_expired",
        created_days_ago=9,
        period_started_days_ago=9,
    )
    member(
        s,
        "u_214",
        "Goran Ilic",
        "price_starter_monthly",
        access=False,
        plan="free",
        status="unpaid",
        period_started_days_ago=45,
    )
    s.expect("pass", [])
    return s


@scenario
def access_wrongful_access_fail() -> Scenario:
    s = new(
        "access-wrongful-access-fail",
        "Six accounts keep has_paid_access = true with nothing paying for it: canceled "
        "(u_221), unpaid after retries (u_222), incomplete first payment (u_223), paused "
        "after a trial without a card (u_224), no billing customer at all (u_225), a "
        "customer with no subscription (u_226). $49 x 3 + $19 = $166/mo at stake.",
    )
    member(
        s,
        "u_221",
        "Hana Sato",
        status="canceled",
        canceled_days_ago=12,
        period_started_days_ago=42,
    )
    member(s, "u_222", "Igor Petrov", status="unpaid", period_started_days_ago=40)
    member(
        s,
        "u_223",
        "Jade Moreau",
        status="incomplete",
        created_days_ago=2,
        period_started_days_ago=2,
    )
    member(
        s,
        "u_224",
        "Kofi Mensah",
        "price_starter_monthly",
        status="paused",
        trial=True,
        created_days_ago=20,
        period_started_days_ago=6,
    )
    s.account("u_225", None, has_access=True, plan="pro", email=email_of("Lena Fischer"))
    orphan_customer = new_id("cus", "access-wrongful-access-fail:u_226")
    s.customer(orphan_customer, email=email_of("Mateo Rossi"), name="Mateo Rossi", user_id="u_226")
    s.account(
        "u_226", orphan_customer, has_access=True, plan="starter", email=email_of("Mateo Rossi")
    )
    member(s, "u_227", "Nia Adeyemi", "price_team_monthly")
    s.expect(
        "fail",
        [("access.wrongful_access", f"account:u_22{n}") for n in range(1, 7)],
        monthly_at_stake={"usd": 16600},
    )
    return s


@scenario
def access_wrongful_access_pass() -> Scenario:
    s = new(
        "access-wrongful-access-pass",
        "Access that is not wrongful: a comped partner account (is_comped column) with no "
        "customer, a canceled customer comped through policy.comped_accounts, a subscription "
        "canceled at period end but still in its period, a trial, and a canceled customer "
        "whose access was revoked.",
        optional=("comped",),
        policy={"comped_accounts": ["u_232"]},
    )
    s.account(
        "u_231", None, has_access=True, plan="team", email="partners@example.com", comped=True
    )
    member(
        s,
        "u_232",
        "Oskar Lund",
        status="canceled",
        canceled_days_ago=60,
        period_started_days_ago=90,
        row={"comped": False},
    )
    member(
        s,
        "u_233",
        "Priya Nair",
        cancel_at_period_end=True,
        canceled_days_ago=4,
        period_started_days_ago=10,
        row={"comped": False},
    )
    member(
        s,
        "u_234",
        "Quinn Walsh",
        "price_starter_monthly",
        status="trialing",
        trial=True,
        created_days_ago=6,
        period_started_days_ago=6,
        row={"comped": False},
    )
    member(
        s,
        "u_235",
        "Rosa Silva",
        access=False,
        plan="free",
        status="canceled",
        canceled_days_ago=20,
        period_started_days_ago=50,
        row={"comped": False},
    )
    s.expect("pass", [])
    return s


@scenario
def access_grace_expired_fail() -> Scenario:
    s = new(
        "access-grace-expired-fail",
        "u_241's renewal failed 25 days ago and the subscription is still past_due, beyond "
        "the 14-day grace period, with access on: reported as grace_expired (with the days "
        "past due), not as wrongful_access, nor as expired_still_active although its stored "
        "access_expires_at (the end of the last paid period) has passed. $49/mo unpaid.",
        optional=("access_expires_at",),
    )
    member(
        s,
        "u_241",
        "Sam Okoro",
        status="past_due",
        period_started_days_ago=25,
        row={"expires_in_days": -25},
    )
    member(s, "u_242", "Tara Quinn", "price_team_monthly", row={"expires_in_days": 20})
    s.expect("fail", [("access.grace_expired", "account:u_241")], monthly_at_stake={"usd": 4900})
    return s


@scenario
def access_grace_expired_pass() -> Scenario:
    s = new(
        "access-grace-expired-pass",
        "A team whose retries run three weeks sets grace_period_days: 21. past_due for 6 "
        "days and for exactly 21 days (the last day of grace) keep access; past_due for 30 "
        "days with access already revoked is correct.",
        policy={"grace_period_days": 21},
    )
    member(s, "u_251", "Uma Patel", status="past_due", period_started_days_ago=6)
    member(s, "u_252", "Victor Hugo", status="past_due", period_started_days_ago=21)
    member(
        s,
        "u_253",
        "Wen Li",
        access=False,
        plan="free",
        status="past_due",
        period_started_days_ago=30,
    )
    s.expect("pass", [])
    return s


@scenario
def access_revoked_in_grace_fail() -> Scenario:
    s = new(
        "access-revoked-in-grace-fail",
        "u_261's renewal failed 3 days ago and the handler revoked access on "
        "invoice.payment_failed (and reset the plan to free) while Stripe is still retrying: "
        "revoked_in_grace (a warning), which supersedes revenue_leak and the plan drift for "
        "the same account.",
    )
    member(
        s,
        "u_261",
        "Xavier Roy",
        access=False,
        plan="free",
        status="past_due",
        period_started_days_ago=3,
    )
    member(s, "u_262", "Yara Haddad", "price_starter_monthly")
    s.expect("warn", [("access.revoked_in_grace", "account:u_261")], monthly_at_stake={"usd": 4900})
    return s


@scenario
def access_revoked_in_grace_pass() -> Scenario:
    s = new(
        "access-revoked-in-grace-pass",
        "past_due for 3 days with access kept while Stripe retries, and past_due for 20 days "
        "(beyond the 14-day grace) with access revoked: both are right.",
    )
    member(s, "u_271", "Zane Miller", status="past_due", period_started_days_ago=3)
    member(
        s,
        "u_272",
        "Alma Torres",
        access=False,
        plan="free",
        status="past_due",
        period_started_days_ago=20,
    )
    s.expect("pass", [])
    return s


# -- plan -----------------------------------------------------------------------------


@scenario
def plan_mismatch_fail() -> Scenario:
    s = new(
        "plan-mismatch-fail",
        "No plans.tiers in this config, so prodcheck cannot tell an upgrade from a downgrade: "
        "u_281 pays for pro and is on starter, u_282 pays for team and has no plan; both are "
        "plan mismatches. $49 + $99 = $148/mo.",
        tiers=None,
    )
    member(s, "u_281", "Bea Lindqvist", "price_pro_monthly", plan="starter")
    member(s, "u_282", "Caio Ramos", "price_team_monthly", plan=None)
    member(s, "u_283", "Dev Sharma", "price_pro_yearly")
    s.expect(
        "fail",
        [("plan.mismatch", "account:u_281"), ("plan.mismatch", "account:u_282")],
        monthly_at_stake={"usd": 14800},
    )
    return s


@scenario
def plan_mismatch_pass() -> Scenario:
    s = new(
        "plan-mismatch-pass",
        "No plans.tiers. A monthly and a yearly price both map to pro and the rows say pro; "
        "a canceled customer keeps a stale plan value but has no access, so their plan is "
        "not checked.",
        tiers=None,
    )
    member(s, "u_291", "Eli Cohen", "price_pro_monthly")
    member(s, "u_292", "Femi Bello", "price_pro_yearly")
    member(
        s,
        "u_293",
        "Gia Russo",
        "price_team_monthly",
        access=False,
        status="canceled",
        canceled_days_ago=15,
        period_started_days_ago=45,
    )
    s.expect("pass", [])
    return s


@scenario
def plan_overprovisioned_fail() -> Scenario:
    s = new(
        "plan-overprovisioned-fail",
        "Two downgrades reached Stripe but not the app: u_301 pays for pro and has team, "
        "u_302 pays for starter and has pro. $49 + $19 = $68/mo.",
    )
    member(s, "u_301", "Hugo Blanc", "price_pro_monthly", plan="team")
    member(s, "u_302", "Ivy Chen", "price_starter_monthly", plan="pro")
    member(s, "u_303", "Jonas Berg", "price_team_monthly")
    s.expect(
        "fail",
        [("plan.overprovisioned", "account:u_301"), ("plan.overprovisioned", "account:u_302")],
        monthly_at_stake={"usd": 6800},
    )
    return s


@scenario
def plan_overprovisioned_pass() -> Scenario:
    s = new(
        "plan-overprovisioned-pass",
        "The plan is the highest tier among entitling subscriptions: u_311 has an old "
        "canceled starter subscription and an active team one (team is right); u_312 is "
        "past_due within grace on pro; u_313 canceled team with a stale plan but no access.",
    )
    cid, _ = member(
        s,
        "u_311",
        "Kai Ito",
        "price_team_monthly",
        created_days_ago=100,
        customer_created_days_ago=301,
    )
    s.subscription(
        new_id("sub", "plan-overprovisioned-pass:u_311:old"),
        cid,
        "price_starter_monthly",
        status="canceled",
        created_days_ago=300,
        canceled_days_ago=100,
        period_started_days_ago=130,
    )
    member(s, "u_312", "Lara Voss", status="past_due", period_started_days_ago=5)
    member(
        s,
        "u_313",
        "Milo Grant",
        "price_team_monthly",
        access=False,
        status="canceled",
        canceled_days_ago=30,
        period_started_days_ago=60,
    )
    s.expect("pass", [])
    return s


@scenario
def plan_underprovisioned_fail() -> Scenario:
    s = new(
        "plan-underprovisioned-fail",
        "Two upgrades were charged and never applied: u_321 pays for team and has starter, "
        "u_322 pays for pro yearly and is still on free. $99 + $490/12 = $99 + $40.83 = "
        "$139.83/mo.",
    )
    member(s, "u_321", "Nadia Karim", "price_team_monthly", plan="starter")
    member(s, "u_322", "Omar Farouk", "price_pro_yearly", plan="free")
    member(s, "u_323", "Pia Keller", "price_starter_monthly")
    s.expect(
        "fail",
        [("plan.underprovisioned", "account:u_321"), ("plan.underprovisioned", "account:u_322")],
        monthly_at_stake={"usd": 13983},
    )
    return s


@scenario
def plan_underprovisioned_pass() -> Scenario:
    s = new(
        "plan-underprovisioned-pass",
        "Upgrades applied: team pays for team, pro yearly has pro, and a team trial has team.",
    )
    member(s, "u_331", "Rafael Gomez", "price_team_monthly")
    member(s, "u_332", "Sara Lind", "price_pro_yearly")
    member(
        s,
        "u_333",
        "Tom Hardy",
        "price_team_monthly",
        status="trialing",
        trial=True,
        created_days_ago=4,
        period_started_days_ago=4,
    )
    s.expect("pass", [])
    return s


LEGACY_PRICE = "price_1OqLegacyPro2023xKf9Qz"


@scenario
def plan_unknown_price_fail() -> Scenario:
    s = new(
        "plan-unknown-price-fail",
        "Two active subscriptions use a 2023 Pro price that is missing from plans.prices: "
        "one finding for the price, listing both subscriptions ($39 x 2 = $78/mo).",
    )
    s.prices[LEGACY_PRICE] = {"amount": 3900, "interval": "month", "plan": "pro"}
    member(s, "u_341", "Ula Nowak", LEGACY_PRICE, created_days_ago=700)
    member(s, "u_342", "Vik Rao", LEGACY_PRICE, created_days_ago=650)
    member(s, "u_343", "Wes Park", "price_pro_monthly")
    s.expect(
        "fail", [("plan.unknown_price", f"price:{LEGACY_PRICE}")], monthly_at_stake={"usd": 7800}
    )
    return s


@scenario
def plan_unknown_price_pass() -> Scenario:
    s = new(
        "plan-unknown-price-pass",
        "The unmapped 2023 price only appears on a canceled subscription (access revoked): "
        "no entitling subscription needs it, so there is nothing to map.",
    )
    s.prices[LEGACY_PRICE] = {"amount": 3900, "interval": "month", "plan": "pro"}
    member(
        s,
        "u_351",
        "Xena Wolf",
        LEGACY_PRICE,
        access=False,
        plan="free",
        status="canceled",
        created_days_ago=700,
        canceled_days_ago=300,
        period_started_days_ago=330,
    )
    member(s, "u_352", "Yusuf Demir", "price_pro_monthly")
    s.expect("pass", [])
    return s


@scenario
def plan_unpaid_upgrade_fail() -> Scenario:
    s = new(
        "plan-unpaid-upgrade-fail",
        "u_361 asked to upgrade from pro to team; the upgrade is a pending_update awaiting "
        "payment (payment_behavior=pending_if_incomplete) but the app already wrote "
        "plan = team: an unpaid upgrade. Billing still charges $49/mo for pro.",
    )
    member(
        s,
        "u_361",
        "Zoe Martin",
        "price_pro_monthly",
        plan="team",
        pending_prices=("price_team_monthly",),
    )
    member(s, "u_362", "Aria Lopez", "price_team_monthly")
    s.expect("warn", [("plan.unpaid_upgrade", "account:u_361")], monthly_at_stake={"usd": 4900})
    return s


@scenario
def plan_unpaid_upgrade_pass() -> Scenario:
    s = new(
        "plan-unpaid-upgrade-pass",
        "u_371's upgrade to team is pending payment and the app keeps plan = pro until it "
        "is paid; u_372's upgrade was paid and applied.",
    )
    member(s, "u_371", "Ben Carter", "price_pro_monthly", pending_prices=("price_team_monthly",))
    member(s, "u_372", "Cleo Baker", "price_team_monthly", item_created_days_ago=2)
    s.expect("pass", [])
    return s


@scenario
def plan_stale_pending_downgrade_fail() -> Scenario:
    s = new(
        "plan-stale-pending-downgrade-fail",
        "u_381 scheduled a downgrade from pro to starter 8 days ago (a subscription schedule), "
        "then upgraded to team 3 days ago. The schedule was never released: in 20 days it "
        "will move a team customer to starter.",
    )
    cid, sid = member(s, "u_381", "Dina Hale", "price_team_monthly", item_created_days_ago=3)
    s.schedule(
        new_id("sub_sched", "u_381"),
        sid,
        cid,
        created_days_ago=8,
        phases=[(-10, 20, "price_pro_monthly"), (20, None, "price_starter_monthly")],
    )
    member(s, "u_382", "Ezra Stone", "price_pro_monthly")
    s.expect(
        "warn", [("plan.stale_pending_downgrade", "account:u_381")], monthly_at_stake={"usd": 9900}
    )
    return s


@scenario
def plan_stale_pending_downgrade_pass() -> Scenario:
    s = new(
        "plan-stale-pending-downgrade-pass",
        "u_391 is on team since 40 days and scheduled a downgrade to pro 5 days ago: a "
        "legitimate pending downgrade. u_392 downgraded, upgraded again, and the upgrade "
        "released the schedule (status released).",
    )
    cid, sid = member(s, "u_391", "Finn Maddox", "price_team_monthly", item_created_days_ago=40)
    s.schedule(
        new_id("sub_sched", "u_391"),
        sid,
        cid,
        created_days_ago=5,
        phases=[(-10, 20, "price_team_monthly"), (20, None, "price_pro_monthly")],
    )
    cid, sid = member(s, "u_392", "Gwen Adler", "price_team_monthly", item_created_days_ago=3)
    s.schedule(
        new_id("sub_sched", "u_392"),
        sid,
        cid,
        created_days_ago=8,
        phases=[(-10, 20, "price_pro_monthly"), (20, None, "price_starter_monthly")],
        status="released",
    )
    s.expect("pass", [])
    return s


# -- identity -------------------------------------------------------------------------


@scenario
def identity_duplicate_customer_fail() -> Scenario:
    s = new(
        "identity-duplicate-customer-fail",
        "u_401 and u_402 (the same person signed up twice) both hold one Stripe customer, so "
        "webhooks for it update whichever row the handler finds first.",
    )
    cid = new_id("cus", "identity-duplicate-customer-fail:shared")
    s.customer(cid, email="hal.jensen@example.com", name="Hal Jensen")
    s.subscription(
        new_id("sub", "identity-duplicate-customer-fail:shared"), cid, "price_pro_monthly"
    )
    s.account("u_401", cid, has_access=True, plan="pro", email="hal.jensen@example.com")
    s.account("u_402", cid, has_access=True, plan="pro", email="hal@jensen.dev")
    member(s, "u_403", "Iris Young", "price_starter_monthly")
    s.expect(
        "warn", [("identity.duplicate_customer", f"customer:{cid}")], monthly_at_stake={"usd": 4900}
    )
    return s


@scenario
def identity_duplicate_customer_pass() -> Scenario:
    s = new(
        "identity-duplicate-customer-pass",
        "Each paying account has its own customer; two free accounts share an empty "
        "customer id, which is not a duplicate.",
    )
    member(s, "u_411", "Jack Reed", "price_pro_monthly")
    member(s, "u_412", "Kira Sol", "price_pro_monthly")
    s.account("u_413", None, has_access=False, plan="free", email="leo.free@example.com")
    s.account("u_414", None, has_access=False, plan="free", email="mia.free@example.com")
    s.expect("pass", [])
    return s


@scenario
def identity_metadata_mismatch_fail() -> Scenario:
    s = new(
        "identity-metadata-mismatch-fail",
        "The checkout handler looked the user up by email and wrote Nora's customer id onto "
        "u_421 (Ned, a shared family address); the customer's metadata says user_id u_422. "
        "Ned gets the Pro features Nora pays for.",
    )
    cid = new_id("cus", "identity-metadata-mismatch-fail:nora")
    s.customer(cid, email="the.alvarez@example.com", name="Nora Alvarez", user_id="u_422")
    s.subscription(new_id("sub", "identity-metadata-mismatch-fail:nora"), cid, "price_pro_monthly")
    s.account("u_421", cid, has_access=True, plan="pro", email="the.alvarez@example.com")
    s.account("u_422", None, has_access=False, plan="free", email="nora.alvarez@example.com")
    member(s, "u_423", "Otto Kranz", "price_starter_monthly")
    s.expect("fail", [("identity.metadata_mismatch", "account:u_421")])
    return s


@scenario
def identity_metadata_mismatch_pass() -> Scenario:
    s = new(
        "identity-metadata-mismatch-pass",
        "This app keeps its user id under metadata.app_user_id "
        "(policy.metadata_user_id_key): it matches each account. A legacy metadata.user_id "
        "with another value is ignored, and a customer without metadata is not a mismatch.",
        policy={"metadata_user_id_key": "app_user_id"},
    )
    for uid, name in (("u_431", "Paula Ortiz"), ("u_432", "Quentin Blake")):
        cid = new_id("cus", f"identity-metadata-mismatch-pass:{uid}")
        s.customer(
            cid,
            email=email_of(name),
            name=name,
            metadata={"app_user_id": uid, "user_id": f"legacy-{uid[2:]}"},
        )
        s.subscription(
            new_id("sub", f"identity-metadata-mismatch-pass:{uid}"), cid, "price_pro_monthly"
        )
        s.account(uid, cid, has_access=True, plan="pro", email=email_of(name))
    cid = new_id("cus", "identity-metadata-mismatch-pass:u_433")
    s.customer(cid, email=email_of("Rhea Sato"), name="Rhea Sato")
    s.subscription(
        new_id("sub", "identity-metadata-mismatch-pass:u_433"), cid, "price_starter_monthly"
    )
    s.account("u_433", cid, has_access=True, plan="starter", email=email_of("Rhea Sato"))
    s.expect("pass", [])
    return s


@scenario
def identity_orphan_subscription_fail() -> Scenario:
    s = new(
        "identity-orphan-subscription-fail",
        "A yearly Pro checkout completed but checkout.session.completed never wrote the "
        "customer id: the subscription's customer matches no account. $490/12 = $40.83/mo.",
    )
    cid = new_id("cus", "identity-orphan-subscription-fail:sol")
    sid = new_id("sub", "identity-orphan-subscription-fail:sol")
    s.customer(cid, email="sol.mendes@example.com", name="Sol Mendes", created_days_ago=2)
    s.subscription(sid, cid, "price_pro_yearly", created_days_ago=2, period_started_days_ago=2)
    s.account("u_441", None, has_access=False, plan="free", email="sol.mendes@example.com")
    member(s, "u_442", "Tessa Grey", "price_pro_monthly")
    s.expect(
        "warn",
        [("identity.orphan_subscription", f"subscription:{sid}")],
        monthly_at_stake={"usd": 4083},
    )
    return s


@scenario
def identity_orphan_subscription_pass() -> Scenario:
    s = new(
        "identity-orphan-subscription-pass",
        "A canceled subscription of a customer whose account was erased, and a customer who "
        "never subscribed: neither pays, so neither is an orphan.",
    )
    gone = new_id("cus", "identity-orphan-subscription-pass:gone")
    s.customer(gone, email="ulf.berg@example.com", name="Ulf Berg")
    s.subscription(
        new_id("sub", "identity-orphan-subscription-pass:gone"),
        gone,
        "price_pro_monthly",
        status="canceled",
        canceled_days_ago=90,
        period_started_days_ago=120,
    )
    s.customer(
        new_id("cus", "identity-orphan-subscription-pass:lead"), email="vera.lead@example.com"
    )
    member(s, "u_451", "Wade Lee", "price_pro_monthly")
    s.expect("pass", [])
    return s


@scenario
def identity_unknown_customer_fail() -> Scenario:
    s = new(
        "identity-unknown-customer-fail",
        "u_461 holds a test-mode customer id copied from staging, which live billing does not "
        "know; u_462's customer was deleted in Stripe. Both rows point nowhere.",
    )
    s.account(
        "u_461", "cus_TestModeStg0042", has_access=False, plan="free", email="xia.wu@example.com"
    )
    deleted = new_id("cus", "identity-unknown-customer-fail:deleted")
    s.deleted_customer(deleted)
    s.account("u_462", deleted, has_access=False, plan="free", email="yves.roux@example.com")
    member(s, "u_463", "Zara Khan", "price_pro_monthly")
    s.expect(
        "warn",
        [
            ("identity.unknown_customer", "account:u_461"),
            ("identity.unknown_customer", "account:u_462"),
        ],
    )
    return s


@scenario
def identity_unknown_customer_pass() -> Scenario:
    s = new(
        "identity-unknown-customer-pass",
        "A customer who signed up and never subscribed is known to billing; a free account "
        "with no customer id references nothing.",
    )
    cid = new_id("cus", "identity-unknown-customer-pass:lead")
    s.customer(cid, email="abe.lind@example.com", name="Abe Lind", user_id="u_471")
    s.account("u_471", cid, has_access=False, plan="free", email="abe.lind@example.com")
    s.account("u_472", None, has_access=False, plan="free", email="bo.sun@example.com")
    member(s, "u_473", "Cyd Moss", "price_pro_monthly")
    s.expect("pass", [])
    return s


# -- lifecycle ------------------------------------------------------------------------


@scenario
def lifecycle_deleted_account_billed_fail() -> Scenario:
    s = new(
        "lifecycle-deleted-account-billed-fail",
        "Two deleted accounts are still charged: u_481's deletion reset access and plan but "
        "never canceled the subscription; u_483's only set deleted_at. Neither is a revenue "
        "leak or a plan drift (a deleted account is owed nothing). $49 + $99 = $148/mo.",
        optional=("deleted_at",),
    )
    member(s, "u_481", "Dag Holm", access=False, plan="free", row={"deleted_days_ago": 12})
    member(s, "u_482", "Eve Stark", "price_starter_monthly")
    member(s, "u_483", "Finn Olsen", "price_team_monthly", row={"deleted_days_ago": 3})
    s.expect(
        "fail",
        [
            ("lifecycle.deleted_account_billed", "account:u_481"),
            ("lifecycle.deleted_account_billed", "account:u_483"),
        ],
        monthly_at_stake={"usd": 14800},
        skipped_rules=NEEDS_EXPIRY + NEEDS_SCHEDULES,
    )
    return s


@scenario
def lifecycle_deleted_account_billed_pass() -> Scenario:
    s = new(
        "lifecycle-deleted-account-billed-pass",
        "u_491 deleted their account and the deletion canceled the subscription the same "
        "minute; u_492 is a live customer (deleted_at is null).",
        optional=("deleted_at",),
    )
    member(
        s,
        "u_491",
        "Fay Dunn",
        access=False,
        plan="free",
        status="canceled",
        canceled_days_ago=30,
        period_started_days_ago=40,
        row={"deleted_days_ago": 30},
    )
    member(s, "u_492", "Gus Hart", "price_pro_monthly")
    s.expect("pass", [])
    return s


@scenario
def lifecycle_stale_period_end_fail() -> Scenario:
    s = new(
        "lifecycle-stale-period-end-fail",
        "u_501 renewed 10 days ago but invoice.paid was not applied: access_expires_at still "
        "holds the old period end (10 days ago) while billing's period ends in 20 days, 30 "
        "days apart. An app that expires access lazily will lock out a paying customer.",
        optional=("access_expires_at",),
    )
    member(s, "u_501", "Hal Ames", period_started_days_ago=10, row={"expires_in_days": -10})
    member(s, "u_502", "Ida Voss", period_started_days_ago=10, row={"expires_in_days": 20})
    s.expect(
        "warn",
        [("lifecycle.stale_period_end", "account:u_501")],
        monthly_at_stake={"usd": 4900},
        skipped_rules=NEEDS_DELETED_AT + NEEDS_SCHEDULES,
    )
    return s


@scenario
def lifecycle_stale_period_end_pass() -> Scenario:
    s = new(
        "lifecycle-stale-period-end-pass",
        "Stored expiries agree with billing: u_511's equals the period end, u_512's adds 12 "
        "hours of slack (within a day). u_513 canceled; its old expiry is not compared.",
        optional=("access_expires_at",),
    )
    member(s, "u_511", "Jon Bex", period_started_days_ago=10, row={"expires_in_days": 20})
    member(
        s,
        "u_512",
        "Kay Orr",
        "price_pro_yearly",
        period_started_days_ago=100,
        row={"expires_in_days": 265.5},
    )
    member(
        s,
        "u_513",
        "Lux Ng",
        access=False,
        plan="free",
        status="canceled",
        canceled_days_ago=20,
        period_started_days_ago=50,
        row={"expires_in_days": -20},
    )
    s.expect("pass", [])
    return s


@scenario
def lifecycle_expired_still_active_fail() -> Scenario:
    s = new(
        "lifecycle-expired-still-active-fail",
        "u_521 canceled; access_expires_at passed 15 days ago but the lazy expiry never ran "
        "and has_paid_access is still true: expired_still_active, which supersedes "
        "wrongful_access for the same account. $49/mo not paid.",
        optional=("access_expires_at",),
    )
    member(
        s,
        "u_521",
        "Max Tan",
        status="canceled",
        canceled_days_ago=45,
        period_started_days_ago=45,
        row={"expires_in_days": -15},
    )
    member(s, "u_522", "Noa Beck", period_started_days_ago=10, row={"expires_in_days": 20})
    s.expect(
        "fail",
        [("lifecycle.expired_still_active", "account:u_521")],
        monthly_at_stake={"usd": 4900},
    )
    return s


@scenario
def lifecycle_expired_still_active_pass() -> Scenario:
    s = new(
        "lifecycle-expired-still-active-pass",
        "u_531's access expired and was revoked; u_532's expiry passed but it is comped "
        "(policy.comped_accounts); u_533 renewed and its expiry is the new period end.",
        optional=("access_expires_at",),
        policy={"comped_accounts": ["u_532"]},
    )
    member(
        s,
        "u_531",
        "Oda Lin",
        access=False,
        plan="free",
        status="canceled",
        canceled_days_ago=45,
        period_started_days_ago=45,
        row={"expires_in_days": -15},
    )
    s.account(
        "u_532", None, has_access=True, plan="team", email="press@example.com", expires_in_days=-30
    )
    member(s, "u_533", "Pim Vos", period_started_days_ago=10, row={"expires_in_days": 20})
    s.expect("pass", [])
    return s


# -- billing and trial ----------------------------------------------------------------


@scenario
def billing_multiple_entitling_subscriptions_fail() -> Scenario:
    s = new(
        "billing-multiple-entitling-subscriptions-fail",
        "A double checkout (two tabs) 30 days ago created two active Pro subscriptions for "
        "one customer: billed $49 x 2 = $98/mo for one account.",
    )
    cid, _ = member(s, "u_541", "Rex Hale", created_days_ago=30, period_started_days_ago=0.5)
    s.subscription(
        new_id("sub", "billing-multiple-entitling-subscriptions-fail:u_541:2"),
        cid,
        "price_pro_monthly",
        created_days_ago=30 - 2 * MINUTE,
        period_started_days_ago=0.5,
    )
    member(s, "u_542", "Sia Moon", "price_team_monthly")
    s.expect(
        "warn",
        [("billing.multiple_entitling_subscriptions", f"customer:{cid}")],
        monthly_at_stake={"usd": 9800},
    )
    return s


@scenario
def billing_multiple_entitling_subscriptions_pass() -> Scenario:
    s = new(
        "billing-multiple-entitling-subscriptions-pass",
        "Several subscriptions, one entitling: u_551 changed plans by starting a new "
        "subscription after canceling the old; u_552's first checkout failed "
        "(incomplete_expired) before the second succeeded.",
    )
    cid, _ = member(
        s,
        "u_551",
        "Ted Ford",
        "price_team_monthly",
        created_days_ago=60,
        customer_created_days_ago=301,
    )
    s.subscription(
        new_id("sub", "billing-multiple-entitling-subscriptions-pass:u_551:old"),
        cid,
        "price_pro_monthly",
        status="canceled",
        created_days_ago=300,
        canceled_days_ago=60,
        period_started_days_ago=80,
    )
    cid, _ = member(s, "u_552", "Uma Reyes", created_days_ago=20, customer_created_days_ago=22)
    s.subscription(
        new_id("sub", "billing-multiple-entitling-subscriptions-pass:u_552:failed"),
        cid,
        "price_pro_monthly",
        status="incomplete_expired",
        created_days_ago=21,
        period_started_days_ago=21,
    )
    s.expect("pass", [])
    return s


@scenario
def trial_repeat_trial_fail() -> Scenario:
    s = new(
        "trial-repeat-trial-fail",
        "Dana took a trial in March as Dana.Kim@example.com and another now as "
        "dana.kim@example.com, on two customers (one person, case-insensitive email); Lee "
        "took two trials on one customer.",
    )
    dana_1 = new_id("cus", "trial-repeat-trial-fail:dana-1")
    dana_2 = new_id("cus", "trial-repeat-trial-fail:dana-2")
    s.customer(
        dana_1, email="Dana.Kim@example.com", name="Dana Kim", user_id="u_561", created_days_ago=230
    )
    s.subscription(
        new_id("sub", "trial-repeat-trial-fail:dana-1"),
        dana_1,
        "price_pro_monthly",
        status="canceled",
        trial=True,
        created_days_ago=230,
        canceled_days_ago=216,
        period_started_days_ago=230,
    )
    s.account("u_561", dana_1, has_access=False, plan="free", email="Dana.Kim@example.com")
    s.customer(
        dana_2, email="dana.kim@example.com", name="Dana Kim", user_id="u_562", created_days_ago=4
    )
    s.subscription(
        new_id("sub", "trial-repeat-trial-fail:dana-2"),
        dana_2,
        "price_pro_monthly",
        status="trialing",
        trial=True,
        created_days_ago=4,
        period_started_days_ago=4,
    )
    s.account("u_562", dana_2, has_access=True, plan="pro", email="dana.kim@example.com")
    lee, _ = member(
        s,
        "u_563",
        "Lee Park",
        "price_starter_monthly",
        customer_created_days_ago=121,
        status="trialing",
        trial=True,
        created_days_ago=5,
        period_started_days_ago=5,
    )
    s.subscription(
        new_id("sub", "trial-repeat-trial-fail:lee-old"),
        lee,
        "price_starter_monthly",
        status="canceled",
        trial=True,
        created_days_ago=120,
        canceled_days_ago=106,
        period_started_days_ago=120,
    )
    s.expect(
        "warn",
        [
            ("trial.repeat_trial", "person:dana.kim@example.com"),
            ("trial.repeat_trial", "person:lee.park@example.com"),
        ],
    )
    return s


@scenario
def trial_repeat_trial_pass() -> Scenario:
    s = new(
        "trial-repeat-trial-pass",
        "One trial each: Vic's trial converted into the same subscription (now active); "
        "Wyn has two customers under one email (different case) but only one ever had a trial.",
    )
    member(s, "u_571", "Vic Adams", trial=True, created_days_ago=60, period_started_days_ago=16)
    wyn_1 = new_id("cus", "trial-repeat-trial-pass:wyn-1")
    wyn_2 = new_id("cus", "trial-repeat-trial-pass:wyn-2")
    s.customer(wyn_1, email="Wyn.Hart@example.com", name="Wyn Hart", user_id="u_572")
    s.subscription(
        new_id("sub", "trial-repeat-trial-pass:wyn-1"),
        wyn_1,
        "price_starter_monthly",
        trial=True,
        created_days_ago=300,
        period_started_days_ago=20,
    )
    s.account("u_572", wyn_1, has_access=True, plan="starter", email="Wyn.Hart@example.com")
    s.customer(wyn_2, email="wyn.hart@example.com", name="Wyn Hart (work)", user_id="u_573")
    s.subscription(
        new_id("sub", "trial-repeat-trial-pass:wyn-2"),
        wyn_2,
        "price_team_monthly",
        created_days_ago=40,
    )
    s.account("u_573", wyn_2, has_access=True, plan="team", email="wyn.hart@example.com")
    s.expect("pass", [])
    return s


# -- settle window, comped accounts, skipped rules --------------------------------------


def _in_flight(name: str, minutes: float, description: str) -> Scenario:
    """Three webhooks in flight `minutes` ago: a new checkout not yet granted, an app-side
    plan change not yet in billing, a cancellation not yet revoked."""
    s = new(name, description, optional=("updated_at",))
    ago = minutes * MINUTE
    cid = new_id("cus", "settle:u_601")
    sid = new_id("sub", "settle:u_601")
    s.customer(
        cid,
        email=email_of("Ayla Demir"),
        name="Ayla Demir",
        user_id="u_601",
        created_days_ago=ago + MINUTE,
    )
    s.subscription(sid, cid, "price_pro_monthly", created_days_ago=ago, period_started_days_ago=ago)
    s.account(
        "u_601",
        cid,
        has_access=False,
        plan="free",
        email=email_of("Ayla Demir"),
        updated_days_ago=41,
    )
    member(
        s,
        "u_602",
        "Bram Peeters",
        "price_pro_monthly",
        plan="team",
        row={"updated_days_ago": ago - MINUTE},
    )
    cid, sid = member(
        s,
        "u_603",
        "Cora Blum",
        "price_pro_monthly",
        status="canceled",
        canceled_days_ago=ago - 2 * MINUTE,
        period_started_days_ago=12,
        row={"updated_days_ago": 12},
    )
    s.event(
        new_id("evt", f"{name}:u_603"),
        "customer.subscription.deleted",
        sid,
        minutes_ago=minutes - 2,
        pending_webhooks=1,
    )
    member(s, "u_604", "Dirk Vos", "price_team_monthly", row={"updated_days_ago": 30})
    return s


@scenario
def settle_window() -> Scenario:
    s = _in_flight(
        "settle-window",
        3,
        "Webhooks in flight while prodcheck reads (settle window 10 minutes): u_601's "
        "subscription was created 3 minutes ago and access is not granted yet; u_602's row "
        "was updated 2 minutes ago (plan team, billing still pro); u_603's subscription was "
        "deleted a minute ago (event with a pending webhook). No findings: they are counted "
        "as settling (the JSON report lists them under `settling`).",
    )
    s.expect(
        "pass",
        [],
        settling=[
            "account:u_601",
            "account:u_602",
            "account:u_603",
            "customer:cus_lGVBElIGGeE7YL",
            "customer:cus_mbY5v1i96QUvJp",
            "subscription:sub_1BSvyC6yDK0JxJPSr4PSDqzF",
            "subscription:sub_1Gsr6tkWhyjRsqyQ8u3Ckswp",
        ],
    )
    return s


@scenario
def settle_window_elapsed() -> Scenario:
    s = _in_flight(
        "settle-window-elapsed",
        45,
        "The same three changes as settle-window, 45 minutes old: outside the 10-minute "
        "settle window they are drift, and fire. $49 x 3 = $147/mo.",
    )
    s.expect(
        "fail",
        [
            ("access.revenue_leak", "account:u_601"),
            ("plan.overprovisioned", "account:u_602"),
            ("access.wrongful_access", "account:u_603"),
        ],
        monthly_at_stake={"usd": 14700},
    )
    return s


@scenario
def comped_accounts() -> Scenario:
    s = new(
        "comped-accounts",
        "Comped accounts are exempt from wrongful access: u_611 (support staff, is_comped "
        "column, no customer), u_612 (listed in policy.comped_accounts, canceled customer), "
        "u_613 (is_comped, past_due beyond grace). u_614, the same as u_612 without the "
        "exemption, is wrongful access.",
        optional=("comped",),
        policy={"comped_accounts": ["u_612"]},
    )
    s.account("u_611", None, has_access=True, plan="team", email="support@example.com", comped=True)
    canceled = {"status": "canceled", "canceled_days_ago": 50, "period_started_days_ago": 80}
    member(s, "u_612", "Elin Sund", row={"comped": False}, **canceled)
    member(
        s, "u_613", "Fred Lowe", status="past_due", period_started_days_ago=30, row={"comped": True}
    )
    member(s, "u_614", "Gale Ross", row={"comped": False}, **canceled)
    s.expect("fail", [("access.wrongful_access", "account:u_614")], monthly_at_stake={"usd": 4900})
    return s


@scenario
def optional_columns_unmapped() -> Scenario:
    s = new(
        "optional-columns-unmapped",
        "The users table has plan, deleted_at and access_expires_at, but the config maps "
        "none of them and there are no subscription schedules: the 8 rules that need them "
        "are reported as skipped, never silently passed. Without deleted_at, u_621 (deleted, "
        "still billed) looks like a revenue leak; without access_expires_at, u_622 is plain "
        "wrongful access; u_623's plan drift goes unchecked.",
        columns={"id": "id", "customer_id": "stripe_customer_id", "has_access": "has_paid_access"},
    )
    member(s, "u_621", "Hedy Lamb", access=False, plan="free", row={"deleted_days_ago": 12})
    member(
        s,
        "u_622",
        "Ivo Marsh",
        status="canceled",
        canceled_days_ago=45,
        period_started_days_ago=45,
        row={"expires_in_days": -15},
    )
    member(
        s, "u_623", "Jill Nash", "price_team_monthly", plan="starter", row={"expires_in_days": 20}
    )
    s.expect(
        "fail",
        [("access.revenue_leak", "account:u_621"), ("access.wrongful_access", "account:u_622")],
        monthly_at_stake={"usd": 9800},
        skipped_rules=NEEDS_DELETED_AT + NEEDS_EXPIRY + NEEDS_PLAN + NEEDS_SCHEDULES,
    )
    return s


# -- the audit ------------------------------------------------------------------------

FIRST = (  # noqa: SIM905
    "Aaron Abby Adele Ahmed Aiko Alba Amir Ana Anders Arjun Astrid Ben Bianca Carla Chen "
    "Dario Elena Emre Erik Esme Farah Felix Greta Hamid Hannah Ines Ivan Jana Jonas Julia "
    "Kamal Karin Lars Leila Liam Lotte Luca Maja Marco Mei Nadia Nils Olga Paolo Petra Raj "
    "Rita Ruben Selin Sven Tariq Theo Tove Valentina Wei Yusuf Zofia"
).split()
LAST = (  # noqa: SIM905
    "Ahmadi Andersen Baker Bauer Brandt Castro Costa Dahl Eriksen Ferreira Fischer Garcia "
    "Hansen Haas Iqbal Jansen Kaya Klein Kowalski Larsen Lindgren Meyer Moreau Novak "
    "Nowak Okafor Olsen Park Perez Quist Rossi Sato Schmidt Silva Tanaka Vogel Weber Yilmaz"
).split()


def full_name(n: int) -> str:
    """The n-th name of a deterministic, unrepeated sequence of first and last names."""
    return f"{FIRST[n % len(FIRST)]} {LAST[(n * 7 + n // len(FIRST)) % len(LAST)]}"


AUDIT_PRICES = {
    "price_starter_monthly": {"amount": 5000, "interval": "month", "plan": "starter"},
    "price_growth_monthly": {"amount": 20000, "interval": "month", "plan": "growth"},
    "price_growth_yearly": {"amount": 240000, "interval": "year", "plan": "growth"},
    "price_scale_monthly": {"amount": 35000, "interval": "month", "plan": "scale"},
}


@scenario
def audit_8200() -> Scenario:
    """Modelled on a real audit of a B2B SaaS: $8,200 a month was leaking."""
    s = Scenario(
        "audit-8200",
        now=NOW,
        description=(
            "Fieldbook (B2B scheduling, 95 accounts), modelled on a real audit. 23 accounts "
            "kept access after their subscriptions were canceled (17 Growth monthly at $200, "
            "6 Growth yearly at $2,400/yr = $200/mo): 23 x $200 = $4,600/mo. 4 failed-payment "
            "retry cycles ended in unpaid with access left on: 4 x $200 = $800/mo. Both are "
            "wrongful access: 27 findings, $5,400/mo. 8 customers pay for Scale ($350) but the "
            "database gives them Growth: 8 underprovisioned, 8 x $350 = $2,800/mo. In all "
            "$5,400 + $2,800 = $8,200/mo at stake. The other 60 accounts are healthy: 18 "
            "Starter, 16 Growth monthly, 6 Growth yearly, 8 Scale, 5 Growth trials, 7 churned "
            "customers without access."
        ),
        config=default_config(
            prices={p: v["plan"] for p, v in AUDIT_PRICES.items()},
            tiers=["free", "starter", "growth", "scale"],
        ),
        prices=dict(AUDIT_PRICES),
    )
    groups = (
        [("canceled", "price_growth_monthly")] * 17
        + [("canceled", "price_growth_yearly")] * 6
        + [("unpaid", "price_growth_monthly")] * 4
        + [("upgraded", "price_scale_monthly")] * 8
        + [("healthy", "price_starter_monthly")] * 18
        + [("healthy", "price_growth_monthly")] * 16
        + [("healthy", "price_growth_yearly")] * 6
        + [("healthy", "price_scale_monthly")] * 8
        + [("trialing", "price_growth_monthly")] * 5
        + [("churned", "price_growth_monthly")] * 7
    )
    # Accounts in signup order, the drift spread among them as it was in the audit.
    order = sorted(range(len(groups)), key=lambda i: (i * 37) % len(groups))
    expected: list[tuple[str, str]] = []
    for position, index in enumerate(order):
        state, price = groups[index]
        uid = 1001 + position
        name = full_name(position)
        domain = (
            f"{name.split()[1].lower()}-{['services', 'field', 'co', 'works'][position % 4]}.com"
        )
        age = 30 + (position * 11) % 600  # days since signup
        options: dict[str, Any] = {"created_days_ago": age, "period_started_days_ago": age % 28 + 1}
        if price == "price_growth_yearly":
            options["period_started_days_ago"] = age % 360 + 1
        access, plan = True, SAME
        if state == "canceled":
            ended = 5 + (position * 13) % 180
            length = 365 if price == "price_growth_yearly" else 30
            options.update(
                status="canceled",
                created_days_ago=max(age, ended + length + 1),
                canceled_days_ago=ended,
                period_started_days_ago=ended + length,
            )
            expected.append(("access.wrongful_access", f"account:{uid}"))
        elif state == "unpaid":
            options.update(status="unpaid", period_started_days_ago=35 + position % 20)
            expected.append(("access.wrongful_access", f"account:{uid}"))
        elif state == "upgraded":
            plan = "growth"
            options["item_created_days_ago"] = min(age, 10 + position % 60)
            expected.append(("plan.underprovisioned", f"account:{uid}"))
        elif state == "trialing":
            trial_age = 1 + position % 12
            options.update(
                status="trialing",
                trial=True,
                created_days_ago=trial_age,
                period_started_days_ago=trial_age,
            )
        elif state == "churned":
            ended = 20 + (position * 17) % 300
            access, plan = False, "free"
            options.update(
                status="canceled",
                created_days_ago=max(age, ended + 31),
                canceled_days_ago=ended,
                period_started_days_ago=ended + 30,
            )
        member(s, uid, name, price, access=access, plan=plan, domain=domain, **options)
    s.expect(
        "fail",
        expected,
        monthly_at_stake={"usd": 820_000},
        skipped_rules=NEEDS_DELETED_AT + NEEDS_EXPIRY + NEEDS_SCHEDULES,
    )
    return s


# -- a mixed SaaS -----------------------------------------------------------------------

MIXED_PRICES = {
    "price_starter_monthly": {"amount": 1900, "interval": "month", "plan": "starter"},
    "price_pro_monthly": {"amount": 4900, "interval": "month", "plan": "pro"},
    "price_pro_yearly": {"amount": 49000, "interval": "year", "plan": "pro"},
    "price_team_seat_monthly": {"amount": 1500, "interval": "month", "plan": "team"},
    "price_team_seat_yearly": {"amount": 15000, "interval": "year", "plan": "team"},
    "price_pro_monthly_eur": {
        "amount": 4500,
        "interval": "month",
        "plan": "pro",
        "currency": "eur",
    },
    "price_pro_yearly_eur": {"amount": 45000, "interval": "year", "plan": "pro", "currency": "eur"},
}


@scenario
def mixed_saas() -> Scenario:
    s = Scenario(
        "mixed-saas",
        now=NOW,
        description=(
            "Planwise, a project-planning SaaS: 40 accounts, monthly and yearly prices, Team "
            "billed per seat, euro customers, trials, cancellations at period end, retries "
            "within grace, a staff account comped by policy, a legitimate scheduled "
            "downgrade; every optional column mapped, so all 19 rules run. Findings: a euro "
            "customer locked out (EUR 45), an immediate cancellation that kept access "
            "($490/12 = $40.83), 6 seats past_due 19 days ($90), 12 seats on plan pro "
            "($180), a downgrade not applied ($49), a grandfathered plan name not in the "
            "tiers ($49), an orphan checkout ($19), a double subscription ($98), a repeat "
            "trial under two email spellings, a renewal whose expiry was not stored ($49), "
            "a deleted account still billed ($19). USD: 40.83 + 90 + 180 + 49 + 49 + 19 + 98 "
            "+ 49 + 19 = $593.83/mo; EUR 45/mo."
        ),
        config=default_config(
            prices={p: v["plan"] for p, v in MIXED_PRICES.items()},
            optional=("email", "deleted_at", "access_expires_at", "updated_at"),
            policy={"comped_accounts": [2019]},
        ),
        prices=dict(MIXED_PRICES),
    )

    def account(
        uid: int, name: str, *prices: str, expiry: str = "period_end", **options: Any
    ) -> str:
        """A member whose row was last updated days ago and whose stored expiry is its
        subscription's period end (`expiry="period_start"`: the renewal was not stored)."""
        row = {"updated_days_ago": 1 + uid % 9, **options.pop("row", {})}
        cid, _ = member(s, uid, name, *prices, domain="planwise-customer.io", row=row, **options)
        item = s.subscriptions[-1]["items"]["data"][0]
        moment = item["current_period_end" if expiry == "period_end" else "current_period_start"]
        s.rows[-1]["access_expires_at"] = iso(moment)
        return cid

    # Healthy accounts.
    account(2001, "Ada Quist", "price_starter_monthly", created_days_ago=300)
    account(2002, "Ben Okoye", "price_pro_monthly", created_days_ago=220)
    account(2003, "Cai Lund", "price_pro_yearly", created_days_ago=500, period_started_days_ago=135)
    account(2004, "Dee Marsh", "price_team_seat_monthly", quantity=5, created_days_ago=410)
    account(2005, "Eko Sato", "price_team_seat_yearly", quantity=8, period_started_days_ago=61)
    account(2006, "Fleur Janssen", "price_pro_monthly_eur", created_days_ago=150)
    account(
        2007,
        "Gerd Vogel",
        "price_pro_yearly_eur",
        created_days_ago=700,
        period_started_days_ago=340,
    )
    account(2008, "Hiro Tanaka", "price_pro_monthly", created_days_ago=95)
    trial = {"status": "trialing", "trial": True}
    account(
        2009,
        "Ines Duarte",
        "price_starter_monthly",
        created_days_ago=4,
        period_started_days_ago=4,
        **trial,
    )
    account(
        2010,
        "Joss Whit",
        "price_pro_monthly",
        created_days_ago=9,
        period_started_days_ago=9,
        **trial,
    )
    ending = {"cancel_at_period_end": True, "canceled_days_ago": 6, "period_started_days_ago": 12}
    account(2011, "Kit Moreno", "price_pro_monthly", **ending)
    account(2012, "Lou Baptiste", "price_team_seat_monthly", quantity=3, **ending)
    account(2013, "Mo Rahman", "price_pro_monthly", status="past_due", period_started_days_ago=4)
    account(
        2014, "Nell Park", "price_starter_monthly", status="past_due", period_started_days_ago=11
    )
    churned = {"status": "canceled", "canceled_days_ago": 70, "period_started_days_ago": 100}
    account(2015, "Oren Levi", "price_pro_monthly", access=False, plan="free", **churned)
    account(2016, "Pip Carter", "price_starter_monthly", access=False, plan="free", **churned)
    for uid, email in ((2017, "quinn.free@gmail.com"), (2018, "rae.trial-never@outlook.com")):
        s.account(uid, None, has_access=False, plan="free", email=email, updated_days_ago=30)
    s.account(
        2019, None, has_access=True, plan="team", email="ops@planwise.io", updated_days_ago=200
    )
    cid = account(2020, "Sid Novak", "price_team_seat_monthly", quantity=12, created_days_ago=200)
    s.schedule(
        new_id("sub_sched", "mixed-saas:2020"),
        s.subscriptions[-1]["id"],
        cid,
        created_days_ago=6,
        phases=[(-14, 16, "price_team_seat_monthly"), (16, None, "price_pro_monthly")],
    )
    account(2021, "Tea Rossi", "price_pro_monthly", created_days_ago=60)
    account(
        2022, "Udo Brandt", "price_pro_yearly", created_days_ago=390, period_started_days_ago=25
    )
    account(2023, "Vera Lind", "price_starter_monthly", created_days_ago=33)
    account(2024, "Wim de Vries", "price_pro_monthly_eur", created_days_ago=80)
    account(
        2025,
        "Xu Ming",
        "price_pro_monthly",
        access=False,
        plan="free",
        status="unpaid",
        period_started_days_ago=40,
        expiry="period_start",
    )
    account(2026, "Yael Cohen", "price_team_seat_monthly", quantity=4, created_days_ago=120)
    account(2027, "Zed Adams", "price_pro_monthly", created_days_ago=240, item_created_days_ago=3)
    account(
        2028,
        "Amaia Etxeberria",
        "price_pro_yearly_eur",
        created_days_ago=30,
        period_started_days_ago=30,
    )
    account(2029, "Bodhi Shah", "price_starter_monthly", created_days_ago=14)
    # Drift.
    account(2030, "Chloé Martin", "price_pro_monthly_eur", access=False)
    account(
        2031,
        "Dov Klein",
        "price_pro_yearly",
        status="canceled",
        canceled_days_ago=20,
        period_started_days_ago=100,
        created_days_ago=465,
    )
    account(
        2032,
        "Esi Mensah",
        "price_team_seat_monthly",
        quantity=6,
        status="past_due",
        period_started_days_ago=19,
    )
    account(
        2033,
        "Finn Walsh",
        "price_team_seat_monthly",
        quantity=12,
        plan="pro",
        item_created_days_ago=9,
    )
    account(2034, "Gia Conti", "price_pro_monthly", plan="team")
    account(2035, "Hal Berg", "price_pro_monthly", plan="pro_2023", created_days_ago=1100)
    double = account(
        2036, "Ida Holm", "price_pro_monthly", created_days_ago=40, period_started_days_ago=10
    )
    s.subscription(
        new_id("sub", "mixed-saas:2036:second"),
        double,
        "price_pro_monthly",
        created_days_ago=40 - MINUTE,
        period_started_days_ago=10,
    )
    old_trial = new_id("cus", "mixed-saas:2037")
    s.customer(
        old_trial,
        email="Sam.Lee@planwise-customer.io",
        name="Sam Lee",
        user_id="2037",
        created_days_ago=180,
    )
    s.subscription(
        new_id("sub", "mixed-saas:2037"),
        old_trial,
        "price_pro_monthly",
        status="canceled",
        trial=True,
        created_days_ago=180,
        canceled_days_ago=166,
        period_started_days_ago=180,
    )
    s.account(
        2037,
        old_trial,
        has_access=False,
        plan="free",
        email="Sam.Lee@planwise-customer.io",
        expires_in_days=-166,
        updated_days_ago=166,
    )
    new_trial = new_id("cus", "mixed-saas:2038")
    s.customer(
        new_trial,
        email="sam.lee@planwise-customer.io",
        name="Sam Lee",
        user_id="2038",
        created_days_ago=6,
    )
    s.subscription(
        new_id("sub", "mixed-saas:2038"),
        new_trial,
        "price_pro_monthly",
        status="trialing",
        trial=True,
        created_days_ago=6,
        period_started_days_ago=6,
    )
    s.account(
        2038,
        new_trial,
        has_access=True,
        plan="pro",
        email="sam.lee@planwise-customer.io",
        expires_in_days=8,
        updated_days_ago=6,
    )
    account(2039, "Jo Baker", "price_pro_monthly", period_started_days_ago=8, expiry="period_start")
    account(2040, "Kai Ito", "price_starter_monthly", plan="starter", row={"deleted_days_ago": 5})
    orphan = new_id("cus", "mixed-saas:orphan")
    orphan_sub = new_id("sub", "mixed-saas:orphan")
    s.customer(orphan, email="lin.yu@planwise-customer.io", name="Lin Yu", created_days_ago=3)
    s.subscription(
        orphan_sub, orphan, "price_starter_monthly", created_days_ago=3, period_started_days_ago=3
    )
    s.expect(
        "fail",
        [
            ("access.revenue_leak", "account:2030"),
            ("access.wrongful_access", "account:2031"),
            ("access.grace_expired", "account:2032"),
            ("plan.underprovisioned", "account:2033"),
            ("plan.overprovisioned", "account:2034"),
            ("plan.mismatch", "account:2035"),
            ("billing.multiple_entitling_subscriptions", f"customer:{double}"),
            ("trial.repeat_trial", "person:sam.lee@planwise-customer.io"),
            ("lifecycle.stale_period_end", "account:2039"),
            ("lifecycle.deleted_account_billed", "account:2040"),
            ("identity.orphan_subscription", f"subscription:{orphan_sub}"),
        ],
        monthly_at_stake={"usd": 59_383, "eur": 4_500},
        skipped_rules=[],
    )
    return s


# -- Paddle ---------------------------------------------------------------------------

PADDLE_PRO = "pri_01jc8pro0monthly0000"
PADDLE_PRO_YEARLY = "pri_01jc8pro0yearly00000"
PADDLE_STARTER = "pri_01jc8starter0monthly"
PADDLE_TEAM = "pri_01jc8team0monthly000"


def paddle_member(
    s: Scenario,
    uid: str,
    name: str,
    price: str,
    *,
    access: bool = True,
    plan: str | None = SAME,
    **sub: Any,
) -> None:
    """A Paddle customer (custom_data.user_id), one subscription, the account holding it."""
    cid = paddle_id("ctm", f"{s.name}:{uid}")
    s.customer(
        cid,
        email=email_of(name),
        name=name,
        user_id=uid,
        created_days_ago=sub.get("created_days_ago", 200) + 5 * MINUTE,
    )
    s.subscription(paddle_id("sub", f"{s.name}:{uid}"), cid, price, **sub)
    db_plan = s.prices[price]["plan"] if plan == SAME else plan
    s.account(uid, cid, has_access=access, plan=db_plan, email=email_of(name))


@scenario
def paddle_fail() -> Scenario:
    s = Scenario.paddle(
        "paddle-fail",
        NOW,
        "Paddle Billing: an active customer locked out (revenue leak, $49); a paused and a "
        "canceled subscription that kept access (wrongful access, $49 + $19); a subscription "
        "past_due for 20 days counted from current_billing_period.starts_at, beyond the "
        "14-day grace, with access on (grace expired, $99). $216/mo at stake.",
    )
    paddle_member(s, "u_701", "Arlo Vance", PADDLE_PRO, access=False)
    paddle_member(s, "u_702", "Bea Kruger", PADDLE_PRO, status="paused", period_started_days_ago=10)
    paddle_member(
        s,
        "u_703",
        "Cas Ortega",
        PADDLE_STARTER,
        status="canceled",
        canceled_days_ago=25,
        period_started_days_ago=55,
    )
    paddle_member(
        s, "u_704", "Dov Amsel", PADDLE_TEAM, status="past_due", period_started_days_ago=20
    )
    paddle_member(s, "u_705", "Ebba Lind", PADDLE_PRO_YEARLY, period_started_days_ago=120)
    s.expect(
        "fail",
        [
            ("access.revenue_leak", "account:u_701"),
            ("access.wrongful_access", "account:u_702"),
            ("access.wrongful_access", "account:u_703"),
            ("access.grace_expired", "account:u_704"),
        ],
        monthly_at_stake={"usd": 21_600},
        skipped_rules=NEEDS_DELETED_AT + NEEDS_EXPIRY + NEEDS_SCHEDULES,
    )
    return s


@scenario
def paddle_pass() -> Scenario:
    s = Scenario.paddle(
        "paddle-pass",
        NOW,
        "Paddle Billing, all consistent: a scheduled_change {action: cancel} still in its "
        "billing period keeps access, a trialing subscription, past_due for 5 days (within "
        "grace) with access, a yearly subscription, a canceled one without access, and a "
        "guest checkout whose custom_data.user_id is null (names no user, so no mismatch).",
    )
    paddle_member(
        s, "u_711", "Fenna Bos", PADDLE_PRO, cancel_at_period_end=True, period_started_days_ago=12
    )
    paddle_member(
        s,
        "u_712",
        "Gil Haddad",
        PADDLE_STARTER,
        status="trialing",
        trial=True,
        created_days_ago=5,
        period_started_days_ago=5,
    )
    paddle_member(
        s, "u_713", "Hux Moreno", PADDLE_TEAM, status="past_due", period_started_days_ago=5
    )
    paddle_member(s, "u_714", "Isa Nakamura", PADDLE_PRO_YEARLY, period_started_days_ago=200)
    paddle_member(
        s,
        "u_715",
        "Jem Farrow",
        PADDLE_PRO,
        access=False,
        plan="free",
        status="canceled",
        canceled_days_ago=40,
        period_started_days_ago=70,
    )
    # A guest checkout: the app's checkout wrote custom_data.user_id = null, then linked
    # the customer to the account that claimed it.
    paddle_member(s, "u_716", "Kit Oduya", PADDLE_STARTER, period_started_days_ago=3)
    s.customers[-1]["custom_data"] = {"user_id": None, "source": "guest_checkout"}
    s.expect("pass", [])
    return s


def main(names: list[str]) -> None:
    for name in names or sorted(BUILDERS):
        folder = BUILDERS[name]().write(ROOT)
        print(f"wrote {folder.relative_to(ROOT.parent)}")


if __name__ == "__main__":
    main(sys.argv[1:])
