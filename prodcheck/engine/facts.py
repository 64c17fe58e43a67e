"""Subjects and their facts, computed once per snapshot and tested on their own.

A rule names a subject kind; the builders below yield one fact mapping per
subject. Adding a rule is adding YAML; adding a fact is its computation here plus
its declaration in prodcheck/catalogue.py (type, meaning, what it needs), which
contracts are checked against when they load; a test holds the two in step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from operator import contains
from typing import Any

from prodcheck.engine.account_facts import (
    account_facts,
    email_key,
    had_trial,
    subject_label,
    subscription_summary,
)
from prodcheck.engine.app_facts import AppRow, app_rows, app_subject
from prodcheck.engine.credit_facts import credit_rows, credit_subject
from prodcheck.engine.event_facts import event_rows, event_subject
from prodcheck.engine.index import Index
from prodcheck.engine.lazy import LazyFacts
from prodcheck.model import Account, CreditAccount, Event, Money, Subscription
from prodcheck.results import Subject, sum_money


@dataclass(frozen=True, slots=True)
class SubjectFacts:
    subject: Subject
    facts: Mapping[str, Any]
    refs: dict[str, tuple[str, ...]]


def _sorted_ids(accounts: tuple[Account, ...]) -> list[str]:
    return sorted(a.id for a in accounts)


def _trial_count(subscriptions: tuple[Subscription, ...]) -> int:
    return sum(1 for s in subscriptions if had_trial(s))


def _single_currency_total(subscriptions: list[Subscription]) -> Money | None:
    totals = sum_money(s.monthly_amount for s in subscriptions)
    return totals[0] if len(totals) == 1 else None


def account_subject(index: Index, account: Account) -> SubjectFacts:
    facts = account_facts(index, account)
    refs: dict[str, tuple[str, ...]] = {"account": (account.id,)}
    if account.customer_id:
        refs["customer"] = (account.customer_id,)
        # The candidate is computed lazily; only accounts with a customer have one.
        subs = facts["entitling_subscriptions"] or (
            [facts["candidate"]["id"]] if facts["candidate"] else []
        )
        if subs:
            refs["subscription"] = tuple(subs)
    subject = Subject("account", account.id, subject_label(index, account))
    return SubjectFacts(subject, facts, refs)


def _account_subjects(index: Index) -> Iterator[SubjectFacts]:
    for account in index.accounts:
        yield account_subject(index, account)


SubscriptionRow = tuple[str, Subscription]  # (customer id, subscription)


def subscription_rows(index: Index) -> list[SubscriptionRow]:
    """Every subscription, by customer id and then subscription id."""
    return [
        (customer_id, subscription)
        for customer_id, subscriptions in index.subscriptions_by_customer.items()
        for subscription in subscriptions
    ]


def subscription_subject(index: Index, row: SubscriptionRow) -> SubjectFacts:
    customer_id, subscription = row
    accounts = index.accounts_by_customer.get(customer_id, ())
    facts = LazyFacts(
        {
            "entitles": subscription.id in index.entitling,
            "customer_exists": customer_id in index.customers,
            "account_count": len(accounts),
        },
        {
            "app_row_exists": partial(contains, index.app_ids, subscription.id),
            "subscription": partial(subscription_summary, index, subscription),
            "account_ids": partial(_sorted_ids, accounts),
            "monthly_amount": partial(getattr, subscription, "monthly_amount"),
        },
    )
    refs = {
        "subscription": (subscription.id,),
        "customer": (customer_id,),
        "price": subscription.price_ids,
    }
    return SubjectFacts(Subject("subscription", subscription.id), facts, refs)


def _subscription_subjects(index: Index) -> Iterator[SubjectFacts]:
    for row in subscription_rows(index):
        yield subscription_subject(index, row)


def customer_rows(index: Index) -> list[str]:
    """Every customer id an account or a subscription names, sorted."""
    return sorted(set(index.accounts_by_customer) | set(index.subscriptions_by_customer))


def customer_subject(index: Index, customer_id: str) -> SubjectFacts:
    accounts = index.accounts_by_customer.get(customer_id, ())
    subscriptions = index.subscriptions_of(customer_id)
    entitling = [s for s in subscriptions if s.id in index.entitling]
    customer = index.customers.get(customer_id)
    facts = LazyFacts(
        {
            "customer": {
                "id": customer_id,
                "exists": customer is not None,
                "email": customer.email if customer else None,
            },
            "account_count": len(accounts),
            "entitling_count": len(entitling),
            "entitling_subscriptions": [s.id for s in entitling],
        },
        {
            "account_ids": partial(_sorted_ids, accounts),
            "trial_count": partial(_trial_count, subscriptions),
            "monthly_amount": partial(_single_currency_total, entitling),
        },
    )
    refs: dict[str, tuple[str, ...]] = {"customer": (customer_id,)}
    if accounts:
        refs["account"] = tuple(sorted(a.id for a in accounts))
    if entitling:
        refs["subscription"] = tuple(s.id for s in entitling)
    return SubjectFacts(Subject("customer", customer_id), facts, refs)


def _customer_subjects(index: Index) -> Iterator[SubjectFacts]:
    for customer_id in customer_rows(index):
        yield customer_subject(index, customer_id)


PriceRow = tuple[str, list[Subscription]]  # (price id, entitling subscriptions with it)


def price_rows(index: Index) -> list[PriceRow]:
    """Every price of an entitling subscription, in the order they first appear."""
    by_price: dict[str, list[Subscription]] = defaultdict(list)
    for subscriptions in index.subscriptions_by_customer.values():
        for subscription in subscriptions:
            if subscription.id in index.entitling:
                for price_id in dict.fromkeys(subscription.price_ids):
                    by_price[price_id].append(subscription)
    return list(by_price.items())


def price_subject(index: Index, row: PriceRow) -> SubjectFacts:
    price_id, users = row
    totals = sum_money(s.monthly_amount for s in users)
    ids = sorted(s.id for s in users)
    facts = {
        "price": {"id": price_id},
        "mapped": index.plan_of(price_id) is not None,
        "plan": index.plan_of(price_id),
        "subscriptions": ids,
        "subscription_count": len(ids),
        "monthly_amount": totals[0] if len(totals) == 1 else None,
    }
    refs = {"price": (price_id,), "subscription": tuple(ids)}
    return SubjectFacts(Subject("price", price_id), facts, refs)


def _price_subjects(index: Index) -> Iterator[SubjectFacts]:
    for row in price_rows(index):
        yield price_subject(index, row)


PersonRow = tuple[str, str | None, list[str]]  # (key, email, customer ids)


def person_rows(index: Index) -> list[PersonRow]:
    """Customers with subscriptions grouped by email (case and spaces aside), in the
    order each group first appears; a customer with no email is a person alone."""
    groups: dict[str, list[str]] = defaultdict(list)
    emails: dict[str, str | None] = {}
    for customer_id in index.subscriptions_by_customer:
        customer = index.customers.get(customer_id)
        email = email_key(customer.email) if customer else None
        key = email or customer_id
        groups[key].append(customer_id)
        emails[key] = email
    return [(key, emails[key], customer_ids) for key, customer_ids in groups.items()]


def person_subject(index: Index, row: PersonRow) -> SubjectFacts:
    key, email, customer_ids = row
    trials = [s.id for c in sorted(customer_ids) for s in index.subscriptions_of(c) if had_trial(s)]
    facts = {
        "person": {"id": key, "email": email},
        "customer_ids": sorted(customer_ids),
        "customer_count": len(customer_ids),
        "trial_count": len(trials),
        "trial_subscriptions": trials,
    }
    refs = {"customer": tuple(sorted(customer_ids)), "subscription": tuple(trials)}
    accounts = sorted(a.id for c in customer_ids for a in index.accounts_by_customer.get(c, ()))
    if accounts:
        refs["account"] = tuple(accounts)
    return SubjectFacts(Subject("person", key), facts, refs)


def _person_subjects(index: Index) -> Iterator[SubjectFacts]:
    for row in person_rows(index):
        yield person_subject(index, row)


def app_subscription_subject(index: Index, row: AppRow) -> SubjectFacts:
    subject, facts, refs = app_subject(index, row)
    return SubjectFacts(subject, facts, refs)


def _app_subscription_subjects(index: Index) -> Iterator[SubjectFacts]:
    for row in app_rows(index):
        yield app_subscription_subject(index, row)


def _event_subject(index: Index, event: Event) -> SubjectFacts:
    subject, facts, refs = event_subject(index, event)
    return SubjectFacts(subject, facts, refs)


def _event_subjects(index: Index) -> Iterator[SubjectFacts]:
    for event in event_rows(index):
        yield _event_subject(index, event)


def _credit_subject(index: Index, row: CreditAccount) -> SubjectFacts:
    subject, facts, refs = credit_subject(index, row)
    return SubjectFacts(subject, facts, refs)


def _credit_subjects(index: Index) -> Iterator[SubjectFacts]:
    for row in credit_rows(index):
        yield _credit_subject(index, row)


SUBJECTS: dict[str, Callable[[Index], Iterator[SubjectFacts]]] = {
    "account": _account_subjects,
    "subscription": _subscription_subjects,
    "customer": _customer_subjects,
    "price": _price_subjects,
    "person": _person_subjects,
    "app_subscription": _app_subscription_subjects,
    "event": _event_subjects,
    "credit_account": _credit_subjects,
}


@dataclass(frozen=True, slots=True)
class Kind:
    """A subject kind as the evaluation walks it: its rows in report order (cheap
    keys), each row's subject id without computing its facts, and its facts when a
    rule fires on it (who settles is SQL: sql_facts.py)."""

    rows: Callable[[Index], Iterable[Any]]
    ident: Callable[[Any], str]
    build: Callable[[Index, Any], SubjectFacts]


KINDS: dict[str, Kind] = {
    "account": Kind(
        rows=lambda index: index.accounts,
        ident=lambda account: str(account.id),
        build=account_subject,
    ),
    "subscription": Kind(
        rows=subscription_rows,
        ident=lambda row: str(row[1].id),
        build=subscription_subject,
    ),
    "customer": Kind(
        rows=customer_rows,
        ident=str,
        build=customer_subject,
    ),
    "price": Kind(
        rows=price_rows,
        ident=lambda row: str(row[0]),
        build=price_subject,
    ),
    "person": Kind(
        rows=person_rows,
        ident=lambda row: str(row[0]),
        build=person_subject,
    ),
    "app_subscription": Kind(
        rows=app_rows,
        ident=lambda row: str(row["id"]),
        build=app_subscription_subject,
    ),
    "event": Kind(rows=event_rows, ident=lambda event: str(event.id), build=_event_subject),
    "credit_account": Kind(
        rows=credit_rows, ident=lambda row: str(row.account_id), build=_credit_subject
    ),
}


def monthly_amount_of(facts: Mapping[str, Any]) -> Money | None:
    amount = facts.get("monthly_amount")
    return amount if isinstance(amount, Money) else None


def money_parts(
    amount: Money | None, subscriptions: Iterable[Subscription]
) -> tuple[tuple[str, Money], ...]:
    """The subscriptions a subject's monthly `amount` is the money of (of those its
    finding names), each with its own: all of them when theirs add up to it, else
    the one whose amount it is (an account paying in two currencies counts its
    candidate's); else none, and the amount counts as it is."""
    if amount is None:
        return ()
    parts = tuple(
        {s.id: s.monthly_amount for s in subscriptions if s.monthly_amount is not None}.items()
    )
    if parts and sum_money(money for _, money in parts) == (amount,):
        return parts
    return next((((sid, money),) for sid, money in parts if money == amount), ())
