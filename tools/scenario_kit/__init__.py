"""Build scenario folders: provider-shaped billing objects, DB rows, scenario.yml.

The fixtures under scenarios/ are data and are committed as data; this kit only
saves typing when writing them. Objects follow the providers' API shapes
(Stripe API 2025-03-31+: period fields on subscription items, stripe_objects.py;
Paddle Billing: amounts as strings, RFC 3339 timestamps, `current_billing_period`,
paddle_objects.py).

    kit = Scenario("access-revenue-leak-fail", now="2026-11-01T12:00:00Z")
    kit.customer("cus_A", email="ann@example.com", user_id="u_1")
    kit.subscription("sub_A", "cus_A", "price_pro_monthly", status="active")
    kit.account("u_1", "cus_A", has_access=False, plan="pro")
    kit.expect("fail", [("access.revenue_leak", "account:u_1")])
    kit.write(Path("scenarios"))

Times are given relative to `now` in days (`created_days_ago=3 / 1440` is three
minutes) so that a scenario reads as a story and never depends on the clock.
"""

from .config import PADDLE_PRICES, PRICES, TIERS, default_config
from .formats import DAY, MINUTE, iso, new_id, paddle_id, paddle_iso, stripe_id
from .scenario import Scenario

__all__ = [
    "DAY",
    "MINUTE",
    "PADDLE_PRICES",
    "PRICES",
    "TIERS",
    "Scenario",
    "default_config",
    "iso",
    "new_id",
    "paddle_id",
    "paddle_iso",
    "stripe_id",
]
