"""What a config that loads can still get wrong in its first hour: settings under
which a check quietly checks less than its author expects. `validate` and
`doctor` print each as a warning; `check` says the same through its skip reasons.
"""

from __future__ import annotations

from collections.abc import Sequence

from prodcheck.config import Config
from prodcheck.engine.contracts import Rule


def config_warnings(config: Config, rules: Sequence[Rule]) -> list[str]:
    """Warnings about the config itself (no data read)."""
    warnings: list[str] = []
    plan_rules = sorted(rule.id for rule in rules if "plans" in rule.settings)
    if plan_rules and not config.plans.prices:
        warnings.append(
            f"plans.prices maps no price to a plan, so the {len(plan_rules)} rules that "
            f"compare plans are skipped ({', '.join(plan_rules)}). Map each price id billing "
            "charges to a plan: `prodcheck init --fixtures DIR`, or with a read-only key, "
            "proposes them."
        )
    if config.webhooks.destination and config.billing.provider.value != "paddle":
        warnings.append(
            f"webhooks.destination ({config.webhooks.destination}) names a Paddle notification "
            f"destination, and billing is {config.billing.provider.value}: it is ignored. "
            "Remove it."
        )
    return warnings
