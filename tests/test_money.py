"""Money at stake: each subscription's money counts once in any total, however many
findings are about it (results.money_at_stake); a finding knows which
subscriptions its amount is the money of (facts.money_parts). The scenarios
money-once-* hold the whole path to it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jsonschema

from prodcheck.engine.facts import money_parts
from prodcheck.model import Money, Subscription, SubscriptionItem, SubscriptionStatus
from prodcheck.results import Finding, Report, Severity, Subject, Verdict, money_at_stake
from prodcheck.yamlfile import load_schema

from .conftest import SCENARIOS


def _finding(rule: str, subject: str, amount: int | None, *parts: tuple[str, int]) -> Finding:
    return Finding(
        rule=rule,
        title=rule,
        severity=Severity.FAIL,
        subject=Subject("account", subject),
        message="m",
        fix="f",
        monthly_amount=Money(amount, "usd") if amount is not None else None,
        parts=tuple((sid, Money(cents, "usd")) for sid, cents in parts),
    )


def test_a_subscription_named_by_several_findings_counts_once() -> None:
    findings = [
        _finding("access.revenue_leak", "u_1", 4900, ("sub_1", 4900)),
        _finding("access.revenue_leak", "u_2", 4900, ("sub_1", 4900)),
        _finding("identity.duplicate_customer", "cus_1", 4900, ("sub_1", 4900)),
        _finding(
            "billing.multiple_entitling_subscriptions",
            "cus_2",
            9800,
            ("sub_2", 4900),
            ("sub_3", 4900),
        ),
        _finding("access.revenue_leak", "u_3", 9800, ("sub_2", 4900), ("sub_3", 4900)),
    ]
    assert money_at_stake(findings) == (Money(14700, "usd"),)
    report = Report(verdict=Verdict.FAIL, findings=tuple(findings), now=datetime.now(UTC))
    assert report.monthly_at_stake() == (Money(14700, "usd"),)
    by_rule = {row.rule: row.monthly for row in report.by_rule()}
    assert by_rule["access.revenue_leak"] == (Money(14700, "usd"),)  # sub_1 once, sub_2+3
    assert by_rule["identity.duplicate_customer"] == (Money(4900, "usd"),)


def test_an_amount_of_no_known_subscription_counts_as_it_is() -> None:
    findings = [
        _finding("a.rule", "u_1", 1000),
        _finding("a.rule", "u_2", 1000),
        _finding("a.rule", "u_3", None),
        _finding("a.rule", "u_4", 500, ("sub_9", 500)),
    ]
    assert money_at_stake(findings) == (Money(2500, "usd"),)


def _subscription(sid: str, cents: int | None, currency: str = "usd") -> Subscription:
    item = SubscriptionItem(
        id=f"si_{sid}",
        price_id="price_x",
        quantity=1,
        unit_amount=cents,
        currency=currency,
        interval="month",
        interval_count=1,
    )
    return Subscription(sid, "cus_1", SubscriptionStatus.ACTIVE, (item,))


def test_money_parts_are_the_subscriptions_the_amount_is_made_of() -> None:
    a, b = _subscription("sub_a", 4900), _subscription("sub_b", 1900)
    assert money_parts(Money(6800, "usd"), [a, b]) == (
        ("sub_a", Money(4900, "usd")),
        ("sub_b", Money(1900, "usd")),
    )
    # an account paying in two currencies counts its candidate's amount: that one
    euro = _subscription("sub_e", 4500, "eur")
    assert money_parts(Money(4900, "usd"), [a, euro]) == (("sub_a", Money(4900, "usd")),)
    # an amount the named subscriptions do not make: none, and it counts as it is
    assert money_parts(Money(100, "usd"), [a, b]) == ()
    assert money_parts(None, [a]) == ()
    assert money_parts(Money(4900, "usd"), [a, a]) == (("sub_a", Money(4900, "usd")),)


def test_a_metered_item_leaves_the_known_part_marked_as_a_floor() -> None:
    """One item priced per use (no unit amount) made the whole amount unknown."""
    pro, metered = _subscription("sub_p", 4900).items[0], _subscription("sub_m", None).items[0]
    both = Subscription("sub_b", "cus_1", SubscriptionStatus.ACTIVE, (pro, metered))
    assert both.monthly_amount == Money(4900, "usd", plus_usage=True)
    assert both.monthly_amount.format() == "≥ $49"
    assert _subscription("sub_m", None).monthly_amount is None  # nothing known at all
    assert _subscription("sub_p", 4900).monthly_amount == Money(4900, "usd")
    total = money_at_stake(
        [
            _finding("a.rule", "u_1", 4900, ("sub_p", 4900)),
            Finding(
                rule="a.rule",
                title="a.rule",
                severity=Severity.FAIL,
                subject=Subject("account", "u_2"),
                message="m",
                fix="f",
                monthly_amount=both.monthly_amount,
                parts=(("sub_b", both.monthly_amount),),
            ),
        ]
    )
    assert total == (Money(9800, "usd", plus_usage=True),)
    assert total[0].format() == "≥ $98"


def test_a_floor_is_marked_in_the_json_report(run_cli) -> None:
    result = run_cli(
        "check", "--fixtures", str(SCENARIOS / "money-metered-item"), "--format", "json"
    )
    report = json.loads(result.output)
    jsonschema.validate(report, load_schema("report.schema.json"))
    expected = {"amount": 4900, "currency": "usd", "formatted": "≥ $49", "plus_usage": True}
    assert report["findings"][0]["monthly_amount"] == expected
    assert report["summary"]["monthly_at_stake"] == [expected]
