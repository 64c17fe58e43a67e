"""The identity pack: a failing and a passing scenario per rule."""

from __future__ import annotations

from typing import Any

from scenario_kit import Scenario, new_id

from .common import (
    email_of,
    member,
    new,
)


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


def identity_stale_subscription_id_fail() -> Scenario:
    s = new(
        "identity-stale-subscription-id-fail",
        "Dana re-subscribed to Pro after her Starter subscription was canceled; the checkout "
        "handler granted access but left the old subscription id on u_481 (and its plan), so "
        "webhooks for the new subscription find no row. One finding, not a plan finding "
        "besides it; u_482 tracks its own subscription.",
        optional=("subscription_id",),
    )
    cid = new_id("cus", "identity-stale-subscription-id-fail:dana")
    old = new_id("sub", "identity-stale-subscription-id-fail:old")
    s.customer(cid, email="dana.voss@example.com", name="Dana Voss", user_id="u_481")
    s.subscription(
        old,
        cid,
        "price_starter_monthly",
        status="canceled",
        created_days_ago=300,
        canceled_days_ago=40,
    )
    s.subscription(
        new_id("sub", "identity-stale-subscription-id-fail:new"),
        cid,
        "price_pro_monthly",
        created_days_ago=39,
    )
    s.account(
        "u_481",
        cid,
        has_access=True,
        plan="starter",
        email="dana.voss@example.com",
        stripe_subscription_id=old,
    )
    sid = new_id("sub", "identity-stale-subscription-id-fail:u_482")
    member(s, "u_482", "Eli Park", "price_pro_monthly", row={"stripe_subscription_id": sid})
    s.account("u_483", None, has_access=False, plan="free", email="fay.free@example.com")
    s.expect(
        "fail",
        [("identity.stale_subscription_id", "account:u_481")],
        monthly_at_stake={"usd": 4900},
    )
    return s


def identity_stale_subscription_id_pass() -> Scenario:
    s = new(
        "identity-stale-subscription-id-pass",
        "u_491 re-subscribed and the handler stored the new subscription id; u_492 canceled "
        "and keeps its old subscription id with access off (history, not drift); u_493 pays "
        "and its subscription id column is empty (nothing tracked, nothing stale).",
        optional=("subscription_id",),
    )
    cid = new_id("cus", "identity-stale-subscription-id-pass:gus")
    new_sub = new_id("sub", "identity-stale-subscription-id-pass:new")
    s.customer(cid, email="gus.hale@example.com", name="Gus Hale", user_id="u_491")
    s.subscription(
        new_id("sub", "identity-stale-subscription-id-pass:old"),
        cid,
        "price_starter_monthly",
        status="canceled",
        created_days_ago=300,
        canceled_days_ago=40,
    )
    s.subscription(new_sub, cid, "price_pro_monthly", created_days_ago=39)
    s.account(
        "u_491",
        cid,
        has_access=True,
        plan="pro",
        email="gus.hale@example.com",
        stripe_subscription_id=new_sub,
    )
    sid = new_id("sub", "identity-stale-subscription-id-pass:u_492")
    member(
        s,
        "u_492",
        "Hal Ives",
        "price_pro_monthly",
        access=False,
        status="canceled",
        canceled_days_ago=20,
        row={"stripe_subscription_id": sid},
    )
    member(s, "u_493", "Ida Jax", "price_pro_monthly", row={"stripe_subscription_id": ""})
    s.expect("pass", [])
    return s


def _paying(
    s: Scenario,
    uid: str,
    name: str,
    *,
    email: str | None = None,
    stored: str | None = None,
    customer_email: str | None = None,
    status: str = "active",
    access: bool = True,
    **subscription: Any,
) -> tuple[str, str]:
    """A customer with one subscription and the row holding it; `stored` is what the
    row's stripe_subscription_id holds, emails default to the name's."""
    cid = new_id("cus", f"{s.name}:{uid}")
    sid = new_id("sub", f"{s.name}:{uid}")
    s.customer(cid, email=customer_email or email_of(name), name=name, user_id=uid)
    s.subscription(sid, cid, "price_pro_monthly", status=status, **subscription)
    columns = {"stripe_subscription_id": stored} if stored is not None else {}
    s.account(uid, cid, has_access=access, plan="pro", email=email or email_of(name), **columns)
    return cid, sid


def identity_foreign_subscription_id_fail() -> Scenario:
    s = new(
        "identity-foreign-subscription-id-fail",
        "The checkout handler wrote Hana's new subscription onto Gil's row (it looked the "
        "user up by a shared company email): u_501 tracks sub of customer Hana, not its own. "
        "One finding (not a stale subscription id besides); Hana's own row is right.",
        optional=("subscription_id",),
    )
    hana = new_id("sub", "identity-foreign-subscription-id-fail:u_502")
    _paying(s, "u_501", "Gil Abe", stored=hana)
    _paying(s, "u_502", "Hana Ito", stored=hana)
    s.expect(
        "fail",
        [("identity.foreign_subscription_id", "account:u_501")],
        monthly_at_stake={"usd": 4900},
    )
    return s


def identity_foreign_subscription_id_pass() -> Scenario:
    s = new(
        "identity-foreign-subscription-id-pass",
        "Each row tracks its own customer's subscription: a paying one, one canceled long "
        "ago still tracked with access off, one that stores none.",
        optional=("subscription_id",),
    )
    _paying(
        s, "u_511", "Ike Bo", stored=new_id("sub", "identity-foreign-subscription-id-pass:u_511")
    )
    _paying(
        s,
        "u_512",
        "Jo Cruz",
        status="canceled",
        canceled_days_ago=90,
        access=False,
        stored=new_id("sub", "identity-foreign-subscription-id-pass:u_512"),
    )
    _paying(s, "u_513", "Kai Dee", stored="")
    s.expect("pass", [])
    return s


def identity_unknown_subscription_id_fail() -> Scenario:
    s = new(
        "identity-unknown-subscription-id-fail",
        "u_521's row holds a test-mode subscription id that live Stripe does not know: its "
        "real subscription's webhooks never find the row (one finding, not a stale "
        "subscription id besides).",
        optional=("subscription_id",),
    )
    _paying(s, "u_521", "Lu Fox", stored="sub_1TestModeOnly0000000000")
    _paying(
        s, "u_522", "Mo Gray", stored=new_id("sub", "identity-unknown-subscription-id-fail:u_522")
    )
    s.expect(
        "fail",
        [("identity.unknown_subscription_id", "account:u_521")],
        monthly_at_stake={"usd": 4900},
    )
    return s


def identity_unknown_subscription_id_pass() -> Scenario:
    s = new(
        "identity-unknown-subscription-id-pass",
        "Every stored subscription id is known to Stripe (one canceled, still listed); an "
        "empty one names nothing and is not checked.",
        optional=("subscription_id",),
    )
    _paying(
        s, "u_531", "Ned Hu", stored=new_id("sub", "identity-unknown-subscription-id-pass:u_531")
    )
    _paying(
        s,
        "u_532",
        "Ola Ray",
        status="canceled",
        canceled_days_ago=30,
        access=False,
        stored=new_id("sub", "identity-unknown-subscription-id-pass:u_532"),
    )
    _paying(s, "u_533", "Pia Sen", stored="")
    s.expect("pass", [])
    return s


def identity_email_mismatch_fail() -> Scenario:
    s = new(
        "identity-email-mismatch-fail",
        "Quinn changed her email in the app but not in Stripe: receipts and failed-payment "
        "notices go to an address she no longer reads. A warning with no money at stake.",
        optional=("email",),
    )
    _paying(
        s,
        "u_541",
        "Quinn Tate",
        email="quinn@newjob.example",
        customer_email="quinn.tate@oldjob.example",
    )
    _paying(s, "u_542", "Rex Uno")
    s.expect("warn", [("identity.email_mismatch", "account:u_541")])
    return s


def identity_email_mismatch_pass() -> Scenario:
    s = new(
        "identity-email-mismatch-pass",
        "Emails that differ only in case and spaces agree; a row without an email and a "
        "customer without one are not compared.",
        optional=("email",),
    )
    _paying(s, "u_551", "Sam Vance", email="  Sam.Vance@Example.com ")
    cid = new_id("cus", "identity-email-mismatch-pass:u_552")
    s.customer(cid, email=None, name="Tia West", user_id="u_552")
    s.subscription(new_id("sub", "identity-email-mismatch-pass:u_552"), cid, "price_pro_monthly")
    s.account("u_552", cid, has_access=True, plan="pro", email="tia.west@example.com")
    s.account("u_553", None, has_access=False, plan="free", email=None)
    s.expect("pass", [])
    return s


def identity_shared_customer_no_leak() -> Scenario:
    s = new(
        "identity-shared-customer-no-leak",
        "u_561 and u_562 (the same person, signed up twice) hold one Stripe customer; u_561 "
        "has the access the customer pays for, u_562 has none. That is the shared customer "
        "(a warning), never 'grant access to u_562': it is not the row being paid for.",
    )
    cid = new_id("cus", "identity-shared-customer-no-leak:shared")
    s.customer(cid, email="uma.vo@example.com", name="Uma Vo")
    s.subscription(
        new_id("sub", "identity-shared-customer-no-leak:shared"), cid, "price_pro_monthly"
    )
    s.account("u_561", cid, has_access=True, plan="pro", email="uma.vo@example.com")
    s.account("u_562", cid, has_access=False, plan="free", email="uma@vo.example")
    s.expect(
        "warn", [("identity.duplicate_customer", f"customer:{cid}")], monthly_at_stake={"usd": 4900}
    )
    return s


BUILDERS = {
    "identity-email-mismatch-fail": identity_email_mismatch_fail,
    "identity-email-mismatch-pass": identity_email_mismatch_pass,
    "identity-foreign-subscription-id-fail": identity_foreign_subscription_id_fail,
    "identity-foreign-subscription-id-pass": identity_foreign_subscription_id_pass,
    "identity-shared-customer-no-leak": identity_shared_customer_no_leak,
    "identity-unknown-subscription-id-fail": identity_unknown_subscription_id_fail,
    "identity-unknown-subscription-id-pass": identity_unknown_subscription_id_pass,
    "identity-duplicate-customer-fail": identity_duplicate_customer_fail,
    "identity-duplicate-customer-pass": identity_duplicate_customer_pass,
    "identity-metadata-mismatch-fail": identity_metadata_mismatch_fail,
    "identity-metadata-mismatch-pass": identity_metadata_mismatch_pass,
    "identity-orphan-subscription-fail": identity_orphan_subscription_fail,
    "identity-orphan-subscription-pass": identity_orphan_subscription_pass,
    "identity-unknown-customer-fail": identity_unknown_customer_fail,
    "identity-unknown-customer-pass": identity_unknown_customer_pass,
    "identity-stale-subscription-id-fail": identity_stale_subscription_id_fail,
    "identity-stale-subscription-id-pass": identity_stale_subscription_id_pass,
}
