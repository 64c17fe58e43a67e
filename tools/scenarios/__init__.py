"""The bundled scenarios, one module per contract pack plus the stories that span packs.

Every rule in contracts/ has a failing scenario (`<pack>-<name>-fail`: the rule
fires, with as few other findings as possible) and a passing one (`...-pass`:
the near misses the rule must not fire on). Then come the settle window, comped
accounts, skipped rules (policy), the audit, a mixed SaaS, Paddle, the demo, and the
runs that must end in error for having checked nothing or less than asked (coverage),
and the billing semantics users found wrong (semantics).

Each module ends with a plain dict of its builders, folder name -> function;
BUILDERS joins them.
"""

from __future__ import annotations

from collections.abc import Callable

from scenario_kit import Scenario

from . import (
    access,
    audit,
    billing,
    coverage,
    credits,
    demo,
    epoch,
    identity,
    lifecycle,
    mixed_saas,
    paddle,
    pauses,
    plan,
    policy,
    schemas,
    semantics,
    starters,
    trial,
    webhooks,
    webhooks_effects,
    webhooks_paddle,
    webhooks_stale,
)

BUILDERS: dict[str, Callable[[], Scenario]] = {
    **access.BUILDERS,
    **pauses.BUILDERS,
    **plan.BUILDERS,
    **identity.BUILDERS,
    **lifecycle.BUILDERS,
    **billing.BUILDERS,
    **trial.BUILDERS,
    **policy.BUILDERS,
    **audit.BUILDERS,
    **schemas.BUILDERS,
    **epoch.BUILDERS,
    **starters.BUILDERS,
    **mixed_saas.BUILDERS,
    **paddle.BUILDERS,
    **demo.BUILDERS,
    **coverage.BUILDERS,
    **semantics.BUILDERS,
    **webhooks.BUILDERS,
    **webhooks_paddle.BUILDERS,
    **webhooks_effects.BUILDERS,
    **webhooks_stale.BUILDERS,
    **credits.BUILDERS,
}
