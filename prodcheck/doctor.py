"""`prodcheck doctor`'s look at the data: what the mapped columns hold.

The backends check the structure (connection, table, column types, privileges,
row-level security). These checks read the first rows of the accounts table
through the same source `check` uses, and look for what a wrong mapping shows:
- customer ids that are not billing's (a foreign key to the app's own customers
  table, mapped by mistake);
- ids that billing does not know (the wrong database, or test data against a
  live key). Fixture billing is searched whole; live billing gets a few lookups;
- plan values that no plan map names, and those that differ from a plan only by
  case (values compare exactly);
- an access status column none of whose values grant access;
- a customer metadata key (policy.metadata_user_id_key) that no customer carries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from typing import Any

from prodcheck.config import Config
from prodcheck.engine.stored_plans import stored_plans
from prodcheck.errors import ProdcheckError
from prodcheck.model import BillingState, Provider, Subscription
from prodcheck.sources.database import Check
from prodcheck.tables import Form

SAMPLE_ROWS = 1_000  # accounts rows read
LIVE_LOOKUPS = 20  # customer ids looked up in live billing
PREFIXES = {Provider.STRIPE: "cus_", Provider.PADDLE: "ctm_"}
# Forms whose values name plans only through billing's prices (product ids, names).
NEEDS_BILLING = frozenset({"product_id", "lookup_key", "product_name"})


def _sample(config: Config, env: Mapping[str, str]) -> list[Mapping[str, Any]]:
    from prodcheck.sources.database import open_accounts_source

    rows: Iterable[Mapping[str, Any]] = open_accounts_source(config.database, env).fetch()
    try:
        return list(islice(rows, SAMPLE_ROWS))
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def _billing(config: Config) -> BillingState | None:
    """Fixture billing, read whole; None when billing is live."""
    if config.billing.fixtures is None:
        return None
    from prodcheck.sources.fixtures import FixtureBilling

    return FixtureBilling(config.billing.fixtures, config.billing).load(frozenset())[0]


def _examples(values: Iterable[str], limit: int = 3) -> str:
    shown = sorted(set(values))
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(repr(v) for v in shown[:limit]) + more


def customer_checks(
    ids: Sequence[str], provider: Provider, found: Mapping[str, str] | None, where: str
) -> list[Check]:
    """The shape of the sampled customer ids, and whether billing knows them.
    `found`: id -> found | deleted | missing for the ids looked up (None: not looked up)."""
    name = provider.value.capitalize()
    prefix = PREFIXES[provider]
    if not ids:
        return [Check("customer ids", False, "no sampled row has a customer id", warning=True)]
    foreign = [i for i in ids if not i.startswith(prefix)]
    shape = f"{len(ids) - len(foreign):,} of {len(ids):,} look like {name}'s ({prefix}...)"
    if len(foreign) == len(ids):
        return [
            Check(
                "customer ids",
                False,
                f"{shape}: none does (e.g. {_examples(foreign)}). Is customer_id mapped to "
                "the right column, not a key of the app's own customers table?",
            )
        ]
    if foreign:
        shape += f"; not: {_examples(foreign)}"
    checks = [Check("customer ids", not foreign, shape, warning=bool(foreign))]
    if found is None:
        return checks
    looked = [i for i in ids if i in found]
    missing = [i for i in looked if found[i] == "missing"]
    deleted = [i for i in looked if found[i] == "deleted"]
    known = len(looked) - len(missing)
    message = f"{known:,} of {len(looked):,} {where} exist in {name}"
    if deleted:
        message += f" ({len(deleted)} deleted there)"
    if looked and not known:
        message += (
            f" (e.g. {_examples(missing)}): is this the right database, and the key of the "
            "same account and mode (test or live)?"
        )
        return [*checks, Check("customers in billing", False, message)]
    if missing:
        message += f"; unknown: {_examples(missing)} (identity.unknown_customer reports them)"
    return [*checks, Check("customers in billing", not missing, message, warning=bool(missing))]


def plan_check(
    config: Config, values: Sequence[str], subscriptions: Sequence[Subscription] | None
) -> Check | None:
    """Whether the sampled plan values name plans, through the same map `check` uses."""
    plans = config.plans
    if not values:
        return None
    counts = Counter(values)
    seen = ", ".join(f"{v} ({n})" for v, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])))
    if subscriptions is None and plans.stored_as in NEEDS_BILLING:
        unknown = [v for v in counts if v not in plans.values]
        if unknown:
            return Check(
                "plan values",
                True,
                f"{seen[:300]}; stored as {plans.stored_as}: named through billing's prices at "
                "check time",
            )
    known = {*plans.tiers, *plans.prices.values(), *plans.values.values()}
    if not known:
        return None  # no plans section: the plan rules say what they need
    stored = stored_plans(plans, subscriptions or ())
    unknown = [v for v in counts if stored.plan_of(v) not in known]
    if not unknown:
        return Check("plan values", True, f"{seen[:300]}: each names a plan")
    by_case = {plan.casefold(): plan for plan in sorted(known)}
    cased = {v: by_case[v.casefold()] for v in unknown if v.casefold() in by_case}
    if cased:
        pairs = ", ".join(f"{v}: {plan}" for v, plan in sorted(cased.items()))
        return Check(
            "plan values",
            False,
            f"{seen[:300]}; {_examples(cased)} differ from a plan only by case, and values "
            f"compare exactly: map them in plans.values ({{{pairs}}}) or fix the rows"
            + (
                f"; {_examples(set(unknown) - set(cased))} name no plan"
                if len(cased) < len(unknown)
                else ""
            ),
            warning=True,
        )
    return Check(
        "plan values",
        False,
        f"{seen[:300]}; {_examples(unknown)} name no plan: map them in plans.values (or "
        "plans.prices), or set plans.stored_as to what the column holds",
        warning=True,
    )


def metadata_check(config: Config, keys: Sequence[frozenset[str]], seen_in: str) -> Check | None:
    """Whether any customer carries the metadata key naming the app's user id."""
    if not keys:
        return None
    key = config.policy.metadata_user_id_key
    carrying = sum(1 for found in keys if key in found)
    name = f"metadata key {key!r}"
    if carrying:
        return Check(name, True, f"{carrying:,} of {seen_in} carry it")
    others = sorted({k for found in keys for k in found})
    hint = f" (their keys: {', '.join(others[:8])})" if others else " (they hold no metadata)"
    return Check(
        name,
        False,
        f"none of {seen_in} carries it{hint}: the customer is never matched to its account "
        "by metadata (identity.metadata_mismatch cannot fire). Set "
        "policy.metadata_user_id_key to the key your checkout writes, if it writes one.",
        warning=True,
    )


def access_check(config: Config, rows: Sequence[Mapping[str, Any]]) -> Check | None:
    """An access status column: its values, and whether any grants access."""
    derived = config.database.columns.derivation("has_access")
    if derived is None or derived.form is not Form.STATUS:
        return None
    counts = Counter(str(r.get(derived.column)) for r in rows if r.get(derived.column) is not None)
    seen = ", ".join(f"{v} ({n})" for v, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])))
    granting = [v for v in counts if v in derived.grants]
    if counts and not granting:
        return Check(
            "access values",
            False,
            f"{derived.column}: {seen[:300]}; none is among the grants "
            f"({', '.join(derived.grants)}), so every account reads as without access: "
            "fix has_access.grants (values compare exactly, case included)",
            warning=True,
        )
    return Check("access values", True, f"{derived.column}: {seen[:300] or 'no values'}")


def value_checks(config: Config, env: Mapping[str, str]) -> list[Check]:
    """Doctor's value checks, after the structural ones passed; a failure to read
    is one failed check, never a traceback."""
    effects = effect_checks(config, env)
    try:
        rows = _sample(config, env)
        billing = _billing(config)
    except ProdcheckError as exc:
        return [Check("sample", False, exc.message), *effects]
    if not rows:
        return effects
    columns = config.database.columns
    checks: list[Check] = []
    customer_column = columns.get("customer_id") or ""
    ids = [str(r[customer_column]) for r in rows if r.get(customer_column) not in (None, "")]
    provider = config.billing.provider
    prefix = PREFIXES[provider]
    found: dict[str, str] | None
    keys: list[frozenset[str]] = []  # the metadata keys of each customer seen
    if billing is not None:
        known = {c.id: "deleted" if c.deleted else "found" for c in billing.customers}
        found = {i: known.get(i, "missing") for i in ids}
        where = "sampled customer ids"
        keys = [frozenset(c.metadata) for c in billing.customers if not c.deleted]
        seen_in = f"the {len(keys):,} customers of the billing fixtures"
    else:
        from prodcheck.sources.lookups import lookup_customers

        wanted = sorted({i for i in ids if i.startswith(prefix)})[:LIVE_LOOKUPS]
        try:
            looked = lookup_customers(config.billing, env, wanted)
            found, keys = looked.found, list(looked.keys.values())
        except ProdcheckError as exc:
            found = None
            checks.append(Check("customers in billing", False, exc.message, warning=True))
        where = "customer ids looked up"
        seen_in = f"the {len(keys):,} customers looked up"
    checks = customer_checks(ids, provider, found, where) + checks
    checks += [c for c in (metadata_check(config, keys, seen_in),) if c is not None]
    plan_column = columns.get("plan")
    if plan_column is not None:
        values = [str(r[plan_column]) for r in rows if r.get(plan_column) not in (None, "")]
        subscriptions = billing.subscriptions if billing is not None else None
        checks += [c for c in (plan_check(config, values, subscriptions),) if c is not None]
    checks += [c for c in (access_check(config, rows),) if c is not None]
    return checks + effects


# A value no table holds: the probe asks only whether the check's query runs.
PROBE = "prodcheck-doctor-probe"


def effect_checks(config: Config, env: Mapping[str, str]) -> list[Check]:
    """Each effect check's table and column, read once as a check reads them."""
    if not config.webhooks.effects:
        return []
    from prodcheck.sources import open_accounts

    checks = []
    try:
        database = open_accounts(config, None, env)
    except ProdcheckError as exc:
        return [Check("effect checks", False, exc.message)]
    for check in config.webhooks.effects:
        name = f"effect {check.key}"
        try:
            database.values_present(check, [PROBE])
        except ProdcheckError as exc:
            checks.append(Check(name, False, exc.message))
            continue
        checks.append(Check(name, True, f"{check.where} can be read"))
    return checks
