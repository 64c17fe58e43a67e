"""The plan pack: a failing and a passing scenario per rule."""

from __future__ import annotations

from scenario_kit import Scenario, new_id

from .common import (
    member,
    new,
)


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


BUILDERS = {
    "plan-mismatch-fail": plan_mismatch_fail,
    "plan-mismatch-pass": plan_mismatch_pass,
    "plan-overprovisioned-fail": plan_overprovisioned_fail,
    "plan-overprovisioned-pass": plan_overprovisioned_pass,
    "plan-underprovisioned-fail": plan_underprovisioned_fail,
    "plan-underprovisioned-pass": plan_underprovisioned_pass,
    "plan-unknown-price-fail": plan_unknown_price_fail,
    "plan-unknown-price-pass": plan_unknown_price_pass,
    "plan-unpaid-upgrade-fail": plan_unpaid_upgrade_fail,
    "plan-unpaid-upgrade-pass": plan_unpaid_upgrade_pass,
    "plan-stale-pending-downgrade-fail": plan_stale_pending_downgrade_fail,
    "plan-stale-pending-downgrade-pass": plan_stale_pending_downgrade_pass,
}
