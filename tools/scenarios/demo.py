"""The bundled demo (`prodcheck demo`): Acme Notes, 11 users, six findings."""

from __future__ import annotations

from scenario_kit import Scenario

from .common import (
    NOW,
)


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


BUILDERS = {
    "demo": demo,
}
