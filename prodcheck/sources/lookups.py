"""`prodcheck doctor`: look a few customer ids up in live billing, read-only.

Doctor samples the customer ids the accounts table holds and asks the provider
whether each exists: Stripe one GET /v1/customers/{id} each, Paddle one
GET /customers?id=... for all of them. A handful of requests, never a full
read. Each id comes back "found", "deleted" (Stripe's deleted customer, Paddle's
archived one) or "missing", and each found one with its metadata's keys (Paddle's
custom_data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from prodcheck.config import BillingConfig
from prodcheck.model import Provider
from prodcheck.sources.credentials import read_key


@dataclass
class Lookup:
    """What the provider said of each id looked up."""

    found: dict[str, str] = field(default_factory=dict)  # id -> found | deleted | missing
    keys: dict[str, frozenset[str]] = field(default_factory=dict)  # found id -> metadata keys


def _keys(value: Any) -> frozenset[str]:
    return (
        frozenset(str(k) for k, v in value.items() if v is not None)
        if isinstance(value, Mapping)
        else frozenset()
    )


def _stripe(config: BillingConfig, env: Mapping[str, str], ids: Sequence[str]) -> Lookup:
    import stripe

    from prodcheck.sources.stripe import STRIPE_API_BASE, make_client
    from prodcheck.sources.stripe_access import RESTRICTED_KEY_ADVICE, explain

    key = read_key(env, config.api_key_env, "Stripe", RESTRICTED_KEY_ADVICE)
    client = make_client(config, key)
    looked = Lookup()
    found = looked.found
    for customer_id in ids:
        try:
            response = client.raw_request("get", f"/v1/customers/{quote(customer_id, safe='')}")
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404:
                found[customer_id] = "missing"
                continue
            raise explain(
                exc, "customers/{id}", key=key, variable=config.api_key_env or "",
                base=config.api_base or STRIPE_API_BASE,
            ) from None  # fmt: skip
        except stripe.StripeError as exc:
            raise explain(
                exc, "customers/{id}", key=key, variable=config.api_key_env or "",
                base=config.api_base or STRIPE_API_BASE,
            ) from None  # fmt: skip
        data = response.data if isinstance(response.data, Mapping) else {}
        found[customer_id] = "deleted" if data.get("deleted") else "found"
        if not data.get("deleted"):
            looked.keys[customer_id] = _keys(data.get("metadata"))
    return looked


def _paddle(config: BillingConfig, env: Mapping[str, str], ids: Sequence[str]) -> Lookup:
    from prodcheck.sources.paddle import PaddleBilling, list_page, make_client
    from prodcheck.sources.paddle_access import KEY_ADVICE, explain

    key = read_key(env, config.api_key_env, "Paddle", KEY_ADVICE)
    client = make_client(config, key)
    params = {"id": ",".join(ids), "status": "active,archived", "per_page": 200}
    try:
        page = list_page(client, "customers", params)
    except Exception as exc:
        raise explain(
            exc, "customers", key=key, variable=config.api_key_env or "",
            base=PaddleBilling(config, env=env).base,
        ) from None  # fmt: skip
    customers = {str(c.get("id")): c for c in page.get("data") or [] if c.get("id")}
    statuses = {i: str(c.get("status")) for i, c in customers.items()}
    return Lookup(
        {
            i: "missing"
            if i not in statuses
            else ("deleted" if statuses[i] == "archived" else "found")
            for i in ids
        },
        {i: _keys(c.get("custom_data")) for i, c in customers.items() if statuses[i] != "archived"},
    )


def lookup_customers(config: BillingConfig, env: Mapping[str, str], ids: Sequence[str]) -> Lookup:
    """What the live API says of each customer id; raises SourceError/CredentialError
    like the live source."""
    if not ids:
        return Lookup()
    if config.provider is Provider.PADDLE:
        return _paddle(config, env, ids)
    return _stripe(config, env, ids)
