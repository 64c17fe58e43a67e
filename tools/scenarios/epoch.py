"""Times stored as epoch milliseconds (Prisma's DateTime on SQLite, JavaScript's
Date.now()): the table's `epoch_unit: milliseconds` reads them, in every time column
it maps (the period end access is read from, updated_at for the settle window)."""

from __future__ import annotations

from typing import Any

from scenario_kit import MINUTE, Scenario

from .schemas import BY_PRICE, PERIOD_END_COLUMNS, period_end_user, schema_scenario

COLUMNS = {**PERIOD_END_COLUMNS, "updated_at": "updatedAt"}
# A row last written long ago: outside any settle window.
SETTLED_DAYS_AGO = 40.0


def _scenario(name: str, description: str) -> Scenario:
    s = schema_scenario(name, description, "User", COLUMNS, BY_PRICE)
    s.config["database"]["tables"]["accounts"]["epoch_unit"] = "milliseconds"
    return s


def _user(s: Scenario, uid: str, name: str, updated_days_ago: float, **kwargs: Any) -> None:
    """A User row as Prisma on SQLite stores it: each time an integer count of epoch
    milliseconds, with the milliseconds a JavaScript Date keeps (…123)."""
    period_end_user(s, uid, name, **kwargs)
    row = s.rows[-1]
    end = row["stripe_current_period_end"]
    if end is not None:
        days = kwargs["app_period_end_days"]
        row["stripe_current_period_end"] = s.ago(-days) * 1000 + 123
    row["updatedAt"] = s.ago(updated_days_ago) * 1000 + 456


def schema_epoch_ms_fail() -> Scenario:
    s = _scenario(
        "schema-epoch-ms-fail",
        "Prisma on SQLite: a User table whose stripe_current_period_end and updatedAt "
        "are epoch milliseconds (epoch_unit: milliseconds). Bea's renewal webhook was "
        "lost: her row ended 3 days ago while Stripe renewed her (revenue leak). Cal "
        "canceled 5 days ago and his row runs 25 more days (wrongful access). Dee's row "
        "says the same as Cal's but was written 2 minutes ago, inside the settle window: "
        "settling, not drift.",
    )
    _user(s, "clu1ann", "Ann Lee", SETTLED_DAYS_AGO, status="active", app_period_end_days=20)
    _user(
        s,
        "clu2bea",
        "Bea Cruz",
        SETTLED_DAYS_AGO,
        status="active",
        app_period_end_days=-3,
        period_started_days_ago=3,
    )
    for uid, name, updated in (
        ("clu3cal", "Cal Dunn", SETTLED_DAYS_AGO),
        ("clu4dee", "Dee Ford", 2 * MINUTE),
    ):
        _user(
            s,
            uid,
            name,
            updated,
            status="canceled",
            app_period_end_days=25,
            period_started_days_ago=5,
            canceled_days_ago=5,
        )
    _user(s, "clu5eve", "Eve Gray", SETTLED_DAYS_AGO, status=None, app_period_end_days=None)
    s.expect(
        "fail",
        [
            ("access.revenue_leak", "account:clu2bea"),
            ("access.wrongful_access", "account:clu3cal"),
        ],
        monthly_at_stake={"usd": 9800},
        settling=["account:clu4dee"],
    )
    return s


def schema_epoch_ms_pass() -> Scenario:
    s = _scenario(
        "schema-epoch-ms-pass",
        "The same Prisma-on-SQLite User table in agreement, its times in epoch "
        "milliseconds: an active subscriber whose row ends with the paid period, one "
        "canceled long ago whose row ended with it, and a user who never subscribed.",
    )
    _user(s, "clu1ann", "Ann Lee", SETTLED_DAYS_AGO, status="active", app_period_end_days=20)
    _user(
        s,
        "clu2bea",
        "Bea Cruz",
        SETTLED_DAYS_AGO,
        status="canceled",
        app_period_end_days=-40,
        period_started_days_ago=70,
        canceled_days_ago=40,
    )
    _user(s, "clu5eve", "Eve Gray", SETTLED_DAYS_AGO, status=None, app_period_end_days=None)
    s.expect("pass", [])
    return s


BUILDERS = {
    "schema-epoch-ms-fail": schema_epoch_ms_fail,
    "schema-epoch-ms-pass": schema_epoch_ms_pass,
}
