"""The access pack: a failing and a passing scenario per rule."""

from __future__ import annotations

from scenario_kit import Scenario, new_id

from .common import (
    email_of,
    member,
    new,
)


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


BUILDERS = {
    "access-revenue-leak-fail": access_revenue_leak_fail,
    "access-revenue-leak-pass": access_revenue_leak_pass,
    "access-wrongful-access-fail": access_wrongful_access_fail,
    "access-wrongful-access-pass": access_wrongful_access_pass,
    "access-grace-expired-fail": access_grace_expired_fail,
    "access-grace-expired-pass": access_grace_expired_pass,
    "access-revoked-in-grace-fail": access_revoked_in_grace_fail,
    "access-revoked-in-grace-pass": access_revoked_in_grace_pass,
}
